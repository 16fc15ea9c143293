"""minigluon.test_utils.data: random arrays and samples, reproducible under mx.random.seed."""

from __future__ import annotations

import numpy as np
import pytest

import minigluon as mx
from minigluon.test_utils import random_arrays, random_sample, random_uniform_arrays


def test_random_arrays_shapes_dtype_and_seed() -> None:
    mx.random.seed(5)
    a, b, c = random_arrays((2, 3), (4,), ())
    assert (a.shape, b.shape, c.shape) == ((2, 3), (4,), ())
    assert a.dtype == b.dtype == np.float32
    mx.random.seed(5)
    np.testing.assert_array_equal(random_arrays((2, 3)), a)


def test_random_uniform_arrays_range_and_dtype() -> None:
    mx.random.seed(0)
    x = random_uniform_arrays((1000,), low=-2, high=-1, dtype=np.float64)
    assert x.dtype == np.float64 and x.min() >= -2 and x.max() < -1
    assert len(random_uniform_arrays((1,), (2,))) == 2


def test_random_sample() -> None:
    mx.random.seed(0)
    picks = random_sample("abcdef", 3)
    assert len(picks) == 3 and len(set(picks)) == 3 and set(picks) <= set("abcdef")
    with pytest.raises(ValueError):
        random_sample([1, 2], 3)
