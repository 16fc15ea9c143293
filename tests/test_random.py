"""minigluon.random: seeding the global generator."""

from __future__ import annotations

import numpy as np
import pytest

import minigluon as mx


@pytest.mark.parametrize("seed", [0, 7, -1, -(2**31), 2**40])
def test_seed_reproduces_draws_for_any_int(seed) -> None:
    mx.random.seed(seed)
    a = mx.nd.random.uniform(shape=(5,)).asnumpy()
    mx.random.seed(np.int64(seed))
    np.testing.assert_array_equal(mx.nd.random.uniform(shape=(5,)).asnumpy(), a)


def test_negative_and_positive_seeds_differ() -> None:
    mx.random.seed(-5)
    a = mx.nd.random.uniform(shape=(5,)).asnumpy()
    mx.random.seed(5)
    assert not np.array_equal(mx.nd.random.uniform(shape=(5,)).asnumpy(), a)


def test_seed_must_be_an_int() -> None:
    with pytest.raises(ValueError, match="must be an int"):
        mx.random.seed(1.5)
