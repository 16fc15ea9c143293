"""Shape ops (ops/shape.py): MXNet's reshape codes, views, concat/split, slicing, padding."""

from __future__ import annotations

import numpy as np
import pytest

from minigluon import autograd, nd
from minigluon.base import MXNetError
from minigluon.ops import get
from minigluon.ops.shape import ShapeError, infer_reshape

A = np.arange(24, dtype=np.float32).reshape(2, 3, 4)


def _grad(f, x: np.ndarray, head: np.ndarray | None = None) -> np.ndarray:
    """d(sum(head * f(x)))/dx through nd + autograd."""
    a = nd.array(x)
    a.attach_grad()
    with autograd.record():
        y = f(a)
    y.backward(None if head is None else nd.array(head))
    return a.grad.asnumpy()


# -- reshape: every example of SPEC 1.1 --------------------------------------------------------
RESHAPES = [
    ((2, 3, 4), (4, 0, 2), False, (4, 3, 2)),
    ((2, 3, 4), (6, 1, -1), False, (6, 1, 4)),
    ((2, 3, 4), (3, -1, 8), False, (3, 1, 8)),
    ((2, 3, 4), (-2, 1, 1), False, (2, 3, 4, 1, 1)),
    ((2, 3, 4), (-3, 4), False, (6, 4)),
    ((2, 3, 4), (0, -3), False, (2, 12)),
    ((2, 3, 4, 5), (-3, -3), False, (6, 20)),
    # MXNet's docs give the two -4 examples for a (2, 3, 4) input
    ((2, 3, 4), (-4, 1, 2, -2), False, (1, 2, 3, 4)),
    ((2, 3, 4), (2, -4, -1, 3, -2), False, (2, 1, 3, 4)),
    ((10, 5, 4), (-1, 0), False, (40, 5)),
    ((10, 5, 4), (-1, 0), True, (50, 4)),
]


@pytest.mark.parametrize("dshape, codes, reverse, expected", RESHAPES)
def test_reshape_codes(dshape, codes, reverse, expected) -> None:
    x = nd.zeros(dshape)
    assert infer_reshape(dshape, codes, reverse) == expected
    assert nd.reshape(x, shape=codes, reverse=reverse).shape == expected
    assert x.reshape(codes, reverse=reverse).shape == expected
    assert x.reshape(shape=codes, reverse=reverse).shape == expected
    if not reverse:
        assert x.reshape(*codes).shape == expected
    assert get("reshape").infer_shape(dshape, shape=codes, reverse=reverse) == [expected]


def test_reshape_values_follow_row_major_order() -> None:
    y = nd.array(A).reshape(-3, 0)
    np.testing.assert_array_equal(y.asnumpy(), A.reshape(6, 4))


def test_reshape_errors() -> None:
    x = nd.zeros((2, 3, 4))
    with pytest.raises(MXNetError, match="One and only one dim can be inferred"):
        x.reshape(-1, -1)
    with pytest.raises(ValueError, match=r"Cannot reshape array of size 24 into shape \(5, 5\)"):
        x.reshape(5, 5)
    with pytest.raises(ValueError, match="Cannot reshape array of size 24 into shape"):
        nd.reshape(x, shape=(7, -1))
    with pytest.raises(TypeError, match="Got unknown keywords in reshape: foo"):
        x.reshape((2, 12), foo=1)
    with pytest.raises(MXNetError, match="Split dims cannot both be -1"):
        x.reshape(-4, -1, -1, 0, 0)


def test_reshape_is_a_view() -> None:
    x = nd.array(A[0])  # (3, 4): -3 merges both axes
    y = x.reshape(-3)
    assert y.shape == (12,)
    y[:] = -1
    assert (x.asnumpy() == -1).all()
    nd.reshape(x, shape=(4, 3))[0] = 5
    assert (x.asnumpy()[0, :3] == 5).all()


def test_reshape_alias_and_transpose_list_axes() -> None:
    assert nd.Reshape(nd.zeros((2, 3)), shape=(3, 2)).shape == (3, 2)
    assert nd.transpose(nd.zeros((2, 3, 4)), axes=[]).shape == (4, 3, 2)


# -- Toy SSD (SPEC section 4) -----------------------------------------------------------------
def test_toy_ssd_flatten_and_concat() -> None:
    def flatten_prediction(pred):
        return nd.flatten(nd.transpose(pred, axes=(0, 2, 3, 1)))

    a = flatten_prediction(nd.zeros((2, 55, 20, 20)))
    b = flatten_prediction(nd.zeros((2, 33, 10, 10)))
    assert a.shape == (2, 22000)
    assert b.shape == (2, 3300)
    assert nd.concat(a, b, dim=1).shape == (2, 25300)
    assert nd.concat(a, b).shape == (2, 25300)  # dim defaults to 1
    # anchor-major layout: element (n, h, w, c) of the transposed map
    x = np.random.default_rng(0).standard_normal((2, 3, 2, 2)).astype(np.float32)
    got = flatten_prediction(nd.array(x)).asnumpy()
    np.testing.assert_array_equal(got, x.transpose(0, 2, 3, 1).reshape(2, -1))


# -- reshape family ----------------------------------------------------------------------------
def test_flatten_expand_dims_squeeze_swapaxes() -> None:
    x = nd.array(A)
    assert nd.flatten(x).shape == (2, 12)
    assert nd.Flatten(x).shape == (2, 12)
    assert x.flatten().shape == (2, 12)
    assert nd.flatten(nd.zeros((5,))).shape == (5, 1)
    assert nd.expand_dims(x, axis=0).shape == (1, 2, 3, 4)
    assert nd.expand_dims(x, axis=3).shape == (2, 3, 4, 1)
    assert x.expand_dims(axis=-1).shape == (2, 3, 4, 1)
    assert x.expand_dims(axis=-4).shape == (1, 2, 3, 4)
    z = nd.zeros((1, 3, 1, 2))
    assert nd.squeeze(z).shape == (3, 2)
    assert z.squeeze(axis=-2).shape == (1, 3, 2)
    assert nd.squeeze(z, axis=(0, 2)).shape == (3, 2)
    assert nd.squeeze(nd.zeros((1, 1))).shape == (1,)
    s = nd.swapaxes(x, dim1=0, dim2=2)
    np.testing.assert_array_equal(s.asnumpy(), A.swapaxes(0, 2))
    assert nd.SwapAxis(x, dim1=-1, dim2=0).shape == (4, 3, 2)
    assert x.swapaxes(1, 2).shape == (2, 4, 3)
    assert nd.swapaxes(x).shape == (2, 3, 4)  # dim1 = dim2 = 0 by default


def test_views_write_through() -> None:
    for make in (lambda x: nd.flatten(x), lambda x: nd.expand_dims(x, axis=1),
                 lambda x: nd.swapaxes(x, dim1=0, dim2=1), lambda x: nd.flip(x, axis=0),
                 lambda x: nd.slice_axis(x, axis=1, begin=1, end=3),
                 lambda x: nd.slice(x, begin=(1,), end=(2,)),
                 lambda x: nd.split(x, num_outputs=3)[1]):
        x = nd.array(A)
        make(x)[:] = -1
        assert (x.asnumpy() == -1).any(), make


def test_reshape_like() -> None:
    x = nd.array(A)
    np.testing.assert_array_equal(nd.reshape_like(x, nd.zeros((4, 6))).asnumpy(),
                                  A.reshape(4, 6))
    assert x.reshape_like(nd.zeros((6, 4))).shape == (6, 4)
    assert nd.reshape_like(nd.zeros((30, 7)), nd.zeros((15, 2, 4)), lhs_begin=0, lhs_end=1,
                           rhs_begin=0, rhs_end=2).shape == (15, 2, 7)
    assert nd.reshape_like(nd.zeros((2, 6)), nd.zeros((3, 2)), lhs_begin=-1,
                           rhs_begin=0).shape == (2, 3, 2)
    with pytest.raises(ShapeError, match="reshape_like"):
        nd.reshape_like(x, nd.zeros((5, 5)))


# -- broadcasting ------------------------------------------------------------------------------
def test_broadcast_to_like_axis() -> None:
    x = nd.array([[1, 2, 3]])
    np.testing.assert_array_equal(nd.broadcast_to(x, shape=(2, 3)).asnumpy(),
                                  [[1, 2, 3], [1, 2, 3]])
    assert nd.broadcast_to(x, shape=(4, 0)).shape == (4, 3)  # 0 keeps the input dim
    assert x.broadcast_to((2, 4, 3)).shape == (2, 4, 3)  # leading axes added
    y = nd.broadcast_to(x, shape=(2, 3))
    y[0, 0] = 7  # a real array, not a read-only view
    assert x.asnumpy()[0, 0] == 1
    assert nd.broadcast_like(x, nd.zeros((5, 3))).shape == (5, 3)
    assert x.broadcast_like(nd.zeros((5, 3))).shape == (5, 3)
    assert nd.broadcast_like(nd.zeros((1, 2, 1)), nd.zeros((4, 5)), lhs_axes=(0, 2),
                             rhs_axes=(1, 0)).shape == (5, 2, 4)
    assert nd.broadcast_axis(nd.zeros((1, 3, 1)), axis=(0, 2), size=(2, 4)).shape == (2, 3, 4)
    assert nd.broadcast_axes(nd.zeros((3, 1)), axis=-1, size=5).shape == (3, 5)
    assert nd.zeros((3, 1)).broadcast_axes(axis=1, size=2).shape == (3, 2)
    with pytest.raises(ShapeError, match="broadcast_to"):
        nd.broadcast_to(nd.zeros((2, 3)), shape=(4, 3))
    with pytest.raises(ShapeError, match="only size-1 axes"):
        nd.broadcast_axis(nd.zeros((2, 3)), axis=0, size=4)


def test_broadcast_gradients_sum_over_copies() -> None:
    g = _grad(lambda a: nd.broadcast_to(a, shape=(4, 3)), np.ones((1, 3), np.float32))
    np.testing.assert_array_equal(g, [[4, 4, 4]])
    g = _grad(lambda a: nd.broadcast_axis(a, axis=0, size=5), np.ones((1, 2), np.float32))
    np.testing.assert_array_equal(g, [[5, 5]])


# -- repetition and reversal -------------------------------------------------------------------
def test_tile_repeat_reverse_match_numpy() -> None:
    x = nd.array(A)
    for reps in [(2,), (1, 2), (2, 1, 3), (2, 1, 1, 2)]:
        np.testing.assert_array_equal(nd.tile(x, reps=reps).asnumpy(), np.tile(A, reps))
        assert get("tile").infer_shape(A.shape, reps=reps) == [np.tile(A, reps).shape]
    for axis in [None, 0, 1, -1]:
        np.testing.assert_array_equal(x.repeat(repeats=3, axis=axis).asnumpy(),
                                      np.repeat(A, 3, axis=axis))
    np.testing.assert_array_equal(nd.reverse(x, axis=1).asnumpy(), A[:, ::-1])
    np.testing.assert_array_equal(nd.flip(x, axis=(0, -1)).asnumpy(), A[::-1, :, ::-1])
    np.testing.assert_array_equal(x.flip(axis=2).asnumpy(), A[:, :, ::-1])


def test_repeat_and_tile_gradients() -> None:
    g = _grad(lambda a: nd.repeat(a, repeats=3, axis=1), np.ones((2, 2), np.float32))
    np.testing.assert_array_equal(g, np.full((2, 2), 3))
    g = _grad(lambda a: nd.tile(a, reps=(2, 3)), np.ones((2, 2), np.float32))
    np.testing.assert_array_equal(g, np.full((2, 2), 6))


# -- concat / stack / split --------------------------------------------------------------------
def test_concat_default_dim_is_1() -> None:
    a, b = nd.ones((2, 3)), nd.zeros((2, 2))
    c = nd.concat(a, b)
    assert c.shape == (2, 5)
    np.testing.assert_array_equal(c.asnumpy(), [[1, 1, 1, 0, 0]] * 2)
    assert nd.Concat(a, b).shape == (2, 5)
    assert nd.concat(a, nd.zeros((4, 3)), dim=0).shape == (6, 3)
    assert nd.concat(a, b, dim=-1, num_args=2).shape == (2, 5)
    assert get("concat").infer_shape((2, 3), (2, 2)) == [(2, 5)]
    with pytest.raises(ShapeError, match="all dimensions except dim=1 must match"):
        nd.concat(a, nd.zeros((3, 3)))
    with pytest.raises(ShapeError, match="num_args"):
        nd.concat(a, b, num_args=3)


def test_concat_gradient_splits_back() -> None:
    a, b = nd.ones((2, 3)), nd.ones((2, 1))
    a.attach_grad()
    b.attach_grad()
    head = np.arange(8, dtype=np.float32).reshape(2, 4)
    with autograd.record():
        c = nd.concat(a, b)
    c.backward(nd.array(head))
    np.testing.assert_array_equal(a.grad.asnumpy(), head[:, :3])
    np.testing.assert_array_equal(b.grad.asnumpy(), head[:, 3:])


def test_stack() -> None:
    a, b = nd.array([1, 2]), nd.array([3, 4])
    np.testing.assert_array_equal(nd.stack(a, b).asnumpy(), [[1, 2], [3, 4]])
    np.testing.assert_array_equal(nd.stack(a, b, axis=-1).asnumpy(), [[1, 3], [2, 4]])
    with pytest.raises(ShapeError, match="same shape"):
        nd.stack(a, nd.zeros((3,)))


def test_split_returns_a_list() -> None:
    x = nd.array(A)
    parts = nd.split(x, num_outputs=3)  # axis defaults to 1
    assert isinstance(parts, list)
    assert len(parts) == 3
    for i, p in enumerate(parts):
        np.testing.assert_array_equal(p.asnumpy(), A[:, i:i + 1])
    sq = x.split(num_outputs=3, axis=1, squeeze_axis=True)
    assert [p.shape for p in sq] == [(2, 4)] * 3
    assert [p.shape for p in nd.SliceChannel(x, num_outputs=2, axis=-1)] == [(2, 3, 2)] * 2
    assert nd.split(x, num_outputs=1, axis=0).shape == (2, 3, 4)  # one output: one NDArray
    assert get("split").infer_shape(A.shape, num_outputs=2, axis=0) == [(1, 3, 4)] * 2
    with pytest.raises(ShapeError, match="does not divide"):
        nd.split(x, num_outputs=2)


def test_split_gradient_with_unused_outputs() -> None:
    x = nd.array(A)
    x.attach_grad()
    with autograd.record():
        _, b = nd.split(x, num_outputs=2, axis=2)
        y = b * 2
    y.backward()
    expected = np.zeros_like(A)
    expected[:, :, 2:] = 2
    np.testing.assert_array_equal(x.grad.asnumpy(), expected)


# -- slicing -----------------------------------------------------------------------------------
SLICES = [
    ((0, 1), (2, 3), (), (slice(0, 2), slice(1, 3))),
    ((None,), (-1,), (), (slice(0, -1),)),
    ((-1, None, None), (None, None, 0), (-1, 2, -1), (slice(None, None, -1), slice(0, 3, 2),
                                                      slice(None, 0, -1))),
    ((1, 0), (None, 3), (None, 2), (slice(1, None), slice(0, 3, 2))),
]


@pytest.mark.parametrize("begin, end, step, key", SLICES)
def test_slice_matches_numpy(begin, end, step, key) -> None:
    got = nd.slice(nd.array(A), begin=begin, end=end, step=step)
    np.testing.assert_array_equal(got.asnumpy(), A[key])
    assert get("slice").infer_shape(A.shape, begin=begin, end=end, step=step) == [A[key].shape]
    assert nd.array(A).slice(begin, end, step).shape == A[key].shape
    assert nd.crop(nd.array(A), begin=begin, end=end, step=step).shape == A[key].shape


def test_slice_errors() -> None:
    x = nd.zeros((3, 4))
    with pytest.raises(ShapeError, match="out of range"):
        nd.slice(x, begin=(3,), end=(None,))
    with pytest.raises(ShapeError, match="empty"):
        nd.slice(x, begin=(1,), end=(1,))
    with pytest.raises(ShapeError, match="same length"):
        nd.slice(x, begin=(0, 0), end=(1,))
    with pytest.raises(ShapeError, match="step"):
        nd.slice(x, begin=(0,), end=(2,), step=(0,))


def test_slice_axis_and_slice_like() -> None:
    x = nd.array(A)
    np.testing.assert_array_equal(nd.slice_axis(x, axis=1, begin=1, end=None).asnumpy(),
                                  A[:, 1:])
    np.testing.assert_array_equal(x.slice_axis(axis=-1, begin=-3, end=-1).asnumpy(),
                                  A[..., -3:-1])
    with pytest.raises(ShapeError, match="slice_axis"):
        nd.slice_axis(x, axis=0, begin=1, end=1)
    np.testing.assert_array_equal(nd.slice_like(x, nd.zeros((1, 2, 3))).asnumpy(),
                                  A[:1, :2, :3])
    assert x.slice_like(nd.zeros((5, 2)), axes=(1,)).shape == (2, 2, 4)
    assert nd.slice_like(x, nd.zeros((1, 9, 2)), axes=(0, -1)).shape == (1, 3, 2)


def test_slice_gradients_scatter_into_zeros() -> None:
    g = _grad(lambda a: nd.slice(a, begin=(None, 3), end=(None, 0), step=(None, -2)),
              np.ones((2, 4), np.float32))
    np.testing.assert_array_equal(g, [[0, 1, 0, 1]] * 2)
    g = _grad(lambda a: nd.slice_like(a, nd.zeros((1, 2))), np.ones((2, 3), np.float32))
    np.testing.assert_array_equal(g, [[1, 1, 0], [0, 0, 0]])


# -- shape_array / size_array, pad, depth_to_space --------------------------------------------
def test_shape_and_size_array() -> None:
    x = nd.zeros((2, 3, 4))
    s = nd.shape_array(x)
    assert s.dtype == np.int64
    np.testing.assert_array_equal(s.asnumpy(), [2, 3, 4])
    assert x.size_array().asnumpy().tolist() == [24]
    assert not get("shape_array").differentiable


@pytest.mark.parametrize("mode", ["constant", "edge", "reflect"])
def test_pad_matches_numpy(mode) -> None:
    x = np.random.default_rng(1).standard_normal((2, 3, 4, 5)).astype(np.float32)
    pw = (0, 0, 0, 0, 2, 1, 3, 2)
    widths = [(0, 0), (0, 0), (2, 1), (3, 2)]
    kw = {"constant_values": 1.5} if mode == "constant" else {}
    got = nd.pad(nd.array(x), mode=mode, pad_width=pw, constant_value=1.5)
    np.testing.assert_array_equal(got.asnumpy(), np.pad(x, widths, mode=mode, **kw))
    assert got.dtype == np.float32
    assert nd.Pad(nd.array(x), mode=mode, pad_width=pw).shape == (2, 3, 7, 10)


def test_pad_errors() -> None:
    with pytest.raises(ShapeError, match="Only 4d or 5d input tensors"):
        nd.pad(nd.zeros((3, 4)), mode="constant", pad_width=(1, 1, 1, 1))
    with pytest.raises(ShapeError, match="Only 4d or 5d input tensors"):
        nd.pad(nd.zeros((1, 2, 3, 4)), mode="constant", pad_width=(1, 0, 0, 0, 1, 1, 1, 1))
    with pytest.raises(ShapeError, match="reflect"):
        nd.pad(nd.zeros((1, 1, 2, 2)), mode="reflect", pad_width=(0, 0, 0, 0, 2, 2, 0, 0))


def test_depth_space_round_trip() -> None:
    x = np.arange(2 * 8 * 2 * 3, dtype=np.float32).reshape(2, 8, 2, 3)
    y = nd.depth_to_space(nd.array(x), block_size=2)
    assert y.shape == (2, 2, 4, 6)
    # channel (i*b + j)*C' + c of pixel (h, w) lands at channel c of pixel (h*b+i, w*b+j)
    assert y.asnumpy()[1, 1, 3, 4] == x[1, (1 * 2 + 0) * 2 + 1, 1, 2]
    np.testing.assert_array_equal(nd.space_to_depth(y, block_size=2).asnumpy(), x)
    with pytest.raises(ShapeError, match="depth_to_space"):
        nd.depth_to_space(nd.zeros((1, 3, 2, 2)), block_size=2)


def test_methods_exist() -> None:
    x = nd.zeros((2, 3))
    for m in ("flatten", "expand_dims", "squeeze", "swapaxes", "broadcast_to", "broadcast_like",
              "broadcast_axes", "tile", "repeat", "split", "slice", "slice_axis", "slice_like",
              "reshape_like", "flip", "pad", "shape_array", "size_array", "depth_to_space",
              "space_to_depth", "transpose"):
        assert callable(getattr(x, m)), m
