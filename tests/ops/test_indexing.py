"""Indexing (ops/indexing.py and NDArray.__getitem__/__setitem__): take, pick, one_hot, ..."""

from __future__ import annotations

import numpy as np
import pytest

from minigluon import autograd, nd
from minigluon.autograd import INPLACE_IN_GRAPH
from minigluon.base import MXNetError
from minigluon.ops import get
from minigluon.ops.shape import ShapeError

X = np.arange(12, dtype=np.float32).reshape(3, 4)


# -- take --------------------------------------------------------------------------------------
@pytest.mark.parametrize("mode, idx, expected", [
    ("clip", [-1, 1, 7], [0, 1, 2]),
    ("wrap", [-1, 1, 7], [2, 1, 1]),
    ("raise", [-1, 1, 2], [2, 1, 2]),
])
def test_take_modes(mode, idx, expected) -> None:
    got = nd.take(nd.array(X), nd.array(idx), mode=mode)
    np.testing.assert_array_equal(got.asnumpy(), X[expected])


def test_take_default_is_clip_on_axis_0() -> None:
    got = nd.array(X).take(nd.array([[5, -3]]))
    assert got.shape == (1, 2, 4)
    np.testing.assert_array_equal(got.asnumpy(), X[[[2, 0]]])


def test_take_axis_shapes_and_float_indices() -> None:
    x = nd.array(np.arange(24, dtype=np.float32).reshape(2, 3, 4))
    idx = nd.array([[0.9, 3.2], [2.0, 1.0]])  # truncated to [[0, 3], [2, 1]]
    got = nd.take(x, idx, axis=-1)
    assert got.shape == (2, 3, 2, 2)
    np.testing.assert_array_equal(got.asnumpy(), x.asnumpy()[..., [[0, 3], [2, 1]]])
    assert get("take").infer_shape((2, 3, 4), (2, 2), axis=1) == [(2, 2, 2, 4)]


def test_take_raise_and_bad_mode() -> None:
    with pytest.raises(MXNetError, match="out of bounds"):
        nd.take(nd.array(X), nd.array([3]), mode="raise")
    with pytest.raises(MXNetError, match="mode must be one of"):
        nd.take(nd.array(X), nd.array([0]), mode="nearest")
    with pytest.raises(ShapeError, match="axis 2 is out of range"):
        nd.take(nd.array(X), nd.array([0]), axis=2)


def test_take_gradient_accumulates_and_skips_indices() -> None:
    x, idx = nd.array(X), nd.array([0, 2, 0, 0])
    x.attach_grad()
    idx.attach_grad()
    with autograd.record():
        y = nd.take(x, idx)
    y.backward()
    expected = np.zeros_like(X)
    expected[0], expected[2] = 3, 1
    np.testing.assert_array_equal(x.grad.asnumpy(), expected)
    np.testing.assert_array_equal(idx.grad.asnumpy(), [0, 0, 0, 0])


# -- pick --------------------------------------------------------------------------------------
def test_pick_default_clip_index_minus_one_picks_element_0() -> None:
    x = nd.array([[1, 2, 3], [4, 5, 6]])
    np.testing.assert_array_equal(nd.pick(x, nd.array([-1, 2])).asnumpy(), [1, 6])
    np.testing.assert_array_equal(nd.pick(x, nd.array([-1, 7])).asnumpy(), [1, 6])
    np.testing.assert_array_equal(x.pick(nd.array([-1, 2]), mode="wrap").asnumpy(), [3, 6])


def test_pick_axis_keepdims_and_index_shapes() -> None:
    x = nd.array(X)
    got = nd.pick(x, nd.array([0, 2, 1, 1]), axis=0)
    np.testing.assert_array_equal(got.asnumpy(), X[[0, 2, 1, 1], [0, 1, 2, 3]])
    kept = nd.pick(x, nd.array([[1], [0], [3]]), axis=1, keepdims=True)
    assert kept.shape == (3, 1)
    np.testing.assert_array_equal(kept.asnumpy()[:, 0], [1, 4, 11])
    assert nd.pick(x, nd.array([1, 0, 3]), keepdims=True).shape == (3, 1)
    assert get("pick").infer_shape((3, 4), (3,), axis=-1, keepdims=True) == [(3, 1)]
    with pytest.raises(ShapeError, match="does not fit data of shape"):
        nd.pick(x, nd.array([0, 1]))


def test_pick_gradient_and_loss_pattern() -> None:
    # SoftmaxCrossEntropyLoss: -pick(log_softmax(pred), label, axis=-1, keepdims=True)
    x, label = nd.array(X), nd.array([3, -1, 1])
    x.attach_grad()
    with autograd.record():
        y = -nd.pick(x, label, axis=-1, keepdims=True)
    y.backward()
    expected = np.zeros_like(X)
    expected[[0, 1, 2], [3, 0, 1]] = -1
    np.testing.assert_array_equal(x.grad.asnumpy(), expected)


# -- one_hot -----------------------------------------------------------------------------------
def test_one_hot() -> None:
    got = nd.one_hot(nd.array([1, 0, 2, -1, 3]), depth=3)
    np.testing.assert_array_equal(got.asnumpy(), [[0, 1, 0], [1, 0, 0], [0, 0, 1],
                                                  [0, 0, 0], [0, 0, 0]])
    assert got.dtype == np.float32
    v = nd.array([[1.7, 0]]).one_hot(2, on_value=8, off_value=-1, dtype="int32")
    assert v.dtype == np.int32
    assert v.shape == (1, 2, 2)
    np.testing.assert_array_equal(v.asnumpy(), [[[-1, 8], [8, -1]]])
    assert not get("one_hot").differentiable
    assert get("one_hot").infer_shape((4, 2), depth=5) == [(4, 2, 5)]


# -- gather_nd / scatter_nd / batch_take -------------------------------------------------------
def test_gather_nd() -> None:
    x = nd.array(X)
    got = nd.gather_nd(x, nd.array([[0, 2, -1], [1, 3, 0]]))
    np.testing.assert_array_equal(got.asnumpy(), [1, 11, 8])
    rows = nd.gather_nd(x, nd.array([[2, 0]]))
    np.testing.assert_array_equal(rows.asnumpy(), X[[2, 0]])
    assert get("gather_nd").infer_shape((3, 4, 5), (2, 6)) == [(6, 5)]
    with pytest.raises(MXNetError, match="out of bounds"):
        nd.gather_nd(x, nd.array([[3]]))


def test_gather_nd_gradient_accumulates() -> None:
    x = nd.array(X)
    x.attach_grad()
    with autograd.record():
        y = nd.gather_nd(x, nd.array([[1, 1, 0], [2, 2, 0]]))
    y.backward()
    expected = np.zeros_like(X)
    expected[1, 2], expected[0, 0] = 2, 1
    np.testing.assert_array_equal(x.grad.asnumpy(), expected)


def test_scatter_nd_inverts_gather_nd() -> None:
    idx = nd.array([[0, 2], [3, 1]])
    out = nd.scatter_nd(nd.array([5, 7]), idx, shape=(3, 4))
    expected = np.zeros((3, 4), np.float32)
    expected[0, 3], expected[2, 1] = 5, 7
    np.testing.assert_array_equal(out.asnumpy(), expected)
    np.testing.assert_array_equal(nd.gather_nd(out, idx).asnumpy(), [5, 7])
    with pytest.raises(ShapeError, match="scatter_nd"):
        nd.scatter_nd(nd.array([1, 2, 3]), idx, shape=(3, 4))


def test_batch_take_clips() -> None:
    got = nd.batch_take(nd.array(X), nd.array([0, 9, -2]))
    np.testing.assert_array_equal(got.asnumpy(), [0, 7, 8])


# -- NDArray indexing --------------------------------------------------------------------------
def test_fully_integer_key_returns_shape_1() -> None:
    x = nd.array(X)
    assert x[1, 2].shape == (1,)
    assert x[1, 2].asscalar() == 6
    assert x[1].shape == (4,)
    assert x[1:, 2].shape == (2,)


def test_advanced_indexing_with_ndarray_and_list_keys() -> None:
    x = nd.array(X)
    np.testing.assert_array_equal(x[nd.array([2, 0])].asnumpy(), X[[2, 0]])
    np.testing.assert_array_equal(x[[0, 0, 1]].asnumpy(), X[[0, 0, 1]])
    np.testing.assert_array_equal(x[:, [3, 1]].asnumpy(), X[:, [3, 1]])
    np.testing.assert_array_equal(x[nd.array([0, 2]), nd.array([1, 3])].asnumpy(), [1, 11])


def test_basic_slices_are_views() -> None:
    x = nd.array(X)
    y = x[1:3]
    y[:] = 0
    assert (x.asnumpy()[1:] == 0).all()


def test_setitem_broadcasts() -> None:
    x = nd.zeros((3, 4))
    x[1] = nd.array([1, 2, 3, 4])
    x[2] = 5
    x[:, 0] = nd.array([7])
    x[0, 1:3] = nd.array([[8, 9]])[0]
    np.testing.assert_array_equal(x.asnumpy(), [[7, 8, 9, 0], [7, 2, 3, 4], [7, 5, 5, 5]])
    x[:] = 1
    assert (x.asnumpy() == 1).all()
    x[[0, 2]] = nd.array([[2], [3]])
    np.testing.assert_array_equal(x.asnumpy()[:, 0], [2, 1, 3])


def test_gradient_through_getitem_accumulates_repeated_indices() -> None:
    x = nd.array(X)
    x.attach_grad()
    with autograd.record():
        y = x[[0, 0, 2]] * 2 + x[1, 1]
    y.backward()
    expected = np.zeros_like(X)
    expected[0], expected[2] = 4, 2
    expected[1, 1] = 12  # x[1, 1] is broadcast over the (3, 4) result
    np.testing.assert_array_equal(x.grad.asnumpy(), expected)


def test_gradient_through_slices_and_setitem_of_a_recorded_value() -> None:
    x = nd.array(X)
    x.attach_grad()
    buf = nd.zeros((2, 4))
    with autograd.record():
        buf[1] = x[2] * 3
        z = buf.sum()
    z.backward()
    expected = np.zeros_like(X)
    expected[2] = 3
    np.testing.assert_array_equal(x.grad.asnumpy(), expected)


def test_inplace_write_into_the_graph_raises_under_record() -> None:
    x = nd.array(X)
    x.attach_grad()
    with autograd.record():
        y = x * 2
        with pytest.raises(MXNetError) as err:
            y[0] = 1
        assert str(err.value) == INPLACE_IN_GRAPH
        with pytest.raises(MXNetError, match="Assigning to NDArrays that are already in a"):
            y += 1
    y[0] = 1  # fine outside record
    assert y.asnumpy()[0, 0] == 1
