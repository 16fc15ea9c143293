"""gluon.utils: splitting batches."""

from __future__ import annotations

import numpy as np
import pytest

import minigluon as mx
from minigluon import gluon, nd


@pytest.mark.parametrize("size, parts", [(10, 3), (7, 7), (9, 4), (12, 5)])
def test_uneven_split_matches_numpy_array_split(size, parts) -> None:
    x = nd.arange(size * 2).reshape((2, size))
    got = gluon.utils.split_data(x, parts, batch_axis=1, even_split=False)
    want = np.array_split(x.asnumpy(), parts, axis=1)
    assert [g.shape for g in got] == [w.shape for w in want]
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g.asnumpy(), w)


def test_even_split_refuses_a_remainder_and_too_many_slices() -> None:
    with pytest.raises(ValueError, match="cannot be evenly split into 4 slices along axis 0"):
        gluon.utils.split_data(nd.ones((6, 2)), 4)
    with pytest.raises(ValueError, match="Too many slices"):
        gluon.utils.split_data(nd.ones((2, 2)), 3, even_split=False)
    parts = gluon.utils.split_and_load(nd.ones((5, 2)), [mx.cpu(0), mx.cpu(0)], even_split=False)
    assert [p.shape for p in parts] == [(3, 2), (2, 2)]
