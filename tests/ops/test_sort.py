"""sort, argsort, topk (ops/sort.py): orderings, ties, topk variants, gradients, errors."""

from __future__ import annotations

import numpy as np
import pytest

from minigluon import autograd, nd
from minigluon.base import MXNetError
from minigluon.ops import get

RNG = np.random.default_rng(0)
X = RNG.standard_normal((3, 4, 5)).astype(np.float32)


@pytest.mark.parametrize("axis", [-1, 0, 1, None])
@pytest.mark.parametrize("ascend", [True, False])
def test_sort_and_argsort_match_numpy(axis, ascend) -> None:
    x = nd.array(X)
    ref_idx = np.argsort(X if ascend else -X, axis=axis, kind="stable")
    ref = np.take_along_axis(X.reshape(-1) if axis is None else X, ref_idx,
                             axis=0 if axis is None else axis)
    np.testing.assert_array_equal(nd.sort(x, axis=axis, is_ascend=ascend).asnumpy(), ref)
    idx = nd.argsort(x, axis=axis, is_ascend=ascend)
    assert idx.dtype == np.float32
    np.testing.assert_array_equal(idx.asnumpy(), ref_idx)
    assert get("sort").infer_shape(X.shape, axis=axis) == [ref.shape]


def test_ties_keep_index_order_in_both_directions() -> None:
    x = nd.array([2, 1, 2, 1, 2])
    np.testing.assert_array_equal(nd.argsort(x).asnumpy(), [1, 3, 0, 2, 4])
    np.testing.assert_array_equal(nd.argsort(x, is_ascend=False).asnumpy(), [0, 2, 4, 1, 3])
    np.testing.assert_array_equal(nd.topk(x, k=2).asnumpy(), [0, 2])
    np.testing.assert_array_equal(nd.topk(x, k=3, is_ascend=True).asnumpy(), [1, 3, 0])


def test_methods_and_index_dtypes() -> None:
    x = nd.array([[3, 1, 2]])
    np.testing.assert_array_equal(x.sort().asnumpy(), [[1, 2, 3]])
    res = x.argsort(dtype="int32")
    assert res.dtype == np.int32
    np.testing.assert_array_equal(res.asnumpy(), [[1, 2, 0]])
    assert x.topk(dtype="int64").dtype == np.int64


# The MXNet topk doc example, with integer values.
T = [[3.0, 2.0, 4.0], [1.0, 3.0, 2.0]]


def test_topk_variants() -> None:
    x = nd.array(T)
    ind = nd.topk(x)
    assert ind.shape == (2, 1) and ind.dtype == np.float32
    np.testing.assert_array_equal(ind.asnumpy(), [[2], [1]])
    np.testing.assert_array_equal(nd.topk(x, ret_typ="value", k=2).asnumpy(), [[4, 3], [3, 2]])
    np.testing.assert_array_equal(nd.topk(x, axis=0, k=1, ret_typ="indices").asnumpy(),
                                  [[0, 1, 0]])
    np.testing.assert_array_equal(nd.topk(x, ret_typ="mask", k=2).asnumpy(),
                                  [[1, 0, 1], [0, 1, 1]])
    both = nd.topk(x, ret_typ="both", k=2, is_ascend=True)
    assert isinstance(both, list) and len(both) == 2
    np.testing.assert_array_equal(both[0].asnumpy(), [[2, 3], [1, 2]])
    np.testing.assert_array_equal(both[1].asnumpy(), [[1, 0], [0, 2]])


def test_topk_flattened_full_sort_and_shapes() -> None:
    x = nd.array(T)
    np.testing.assert_array_equal(nd.topk(x, axis=None, k=3, ret_typ="value").asnumpy(),
                                  [4, 3, 3])
    np.testing.assert_array_equal(nd.topk(x, axis=None, k=3).asnumpy(), [2, 0, 4])
    mask = nd.topk(x, axis=None, k=2, ret_typ="mask")
    assert mask.shape == (2, 3)
    np.testing.assert_array_equal(mask.asnumpy(), [[1, 0, 1], [0, 0, 0]])
    np.testing.assert_array_equal(nd.topk(x, k=0, ret_typ="value").asnumpy(),
                                  [[4, 3, 2], [3, 2, 1]])
    op = get("topk")
    assert op.infer_shape((2, 3), k=2, ret_typ="both") == [(2, 2), (2, 2)]
    assert op.infer_shape((2, 3), axis=None, k=2) == [(2,)]
    assert op.infer_shape((2, 3, 4), axis=1, ret_typ="mask") == [(2, 3, 4)]


def test_topk_value_gradient_is_scattered_back() -> None:
    x = nd.array(T)
    x.attach_grad()
    with autograd.record():
        v = nd.topk(x, k=2, ret_typ="value")
    v.backward(nd.array([[10, 20], [30, 40]]))
    np.testing.assert_array_equal(x.grad.asnumpy(), [[20, 0, 10], [0, 30, 40]])
    with autograd.record():
        v, i = nd.topk(x, axis=0, ret_typ="both")
        y = v * 2 + i
    y.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), [[2, 0, 2], [0, 2, 0]])


@pytest.mark.parametrize("ret_typ", ["indices", "mask"])
def test_topk_indices_and_mask_have_zero_gradient(ret_typ) -> None:
    x = nd.array(T)
    x.attach_grad()
    with autograd.record():
        y = nd.topk(x, k=2, ret_typ=ret_typ)
    y.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), np.zeros((2, 3)))


def test_sort_gradient() -> None:
    x = nd.array([[3, 1, 2]])
    x.attach_grad()
    with autograd.record():
        y = nd.sort(x, is_ascend=False)
    y.backward(nd.array([[1, 2, 3]]))
    np.testing.assert_array_equal(x.grad.asnumpy(), [[1, 3, 2]])


def test_argsort_has_no_gradient() -> None:
    assert not get("argsort").differentiable


@pytest.mark.parametrize("call, message", [
    (lambda x: nd.topk(x, k=4), "topk: k=4 is larger than the 3 elements along axis -1 of the "
                                "input of shape (2, 3)"),
    (lambda x: nd.topk(x, axis=None, k=7), "in the flattened input"),
    (lambda x: nd.topk(x, ret_typ="values"), "topk: ret_typ must be one of"),
    (lambda x: nd.topk(x, axis=2), "topk: axis 2 is out of range for an input with 2"),
    (lambda x: nd.sort(x, axis=-3), "sort: axis -3 is out of range"),
    (lambda x: nd.argsort(x, dtype="bool"), "argsort: dtype must be one of"),
    (lambda x: nd.argsort(nd.zeros((1, 300)), dtype="uint8"),
     "argsort: dtype 'uint8' cannot represent the indices of an axis with 300 elements"),
])
def test_errors_name_the_op(call, message) -> None:
    with pytest.raises(MXNetError) as err:
        call(nd.array(T))
    assert message in str(err.value)
