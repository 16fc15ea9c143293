"""minigluon.util: the numpy-shape switch."""

from __future__ import annotations

import pytest

from minigluon import util
from minigluon.base import MXNetError


def test_np_shape_is_a_context_manager_and_a_decorator():
    assert not util.is_np_shape()
    with util.np_shape():
        assert util.is_np_shape()
        with util.np_shape(False):
            assert not util.is_np_shape()
        assert util.is_np_shape()
    assert not util.is_np_shape()

    @util.np_shape()
    def inside():
        return util.is_np_shape()

    assert inside() and not util.is_np_shape()


def test_the_numpy_array_mode_is_absent_and_says_so():
    assert not util.is_np_array()

    @util.use_np
    def uses_np_arrays():
        return 1

    with pytest.raises(MXNetError, match="NumPy-compatible array mode"):
        uses_np_arrays()
