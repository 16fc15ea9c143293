"""minigluon.util: the numpy-shape switch."""

from __future__ import annotations

from minigluon import util


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
