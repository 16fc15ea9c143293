"""Reductions (ops/reduce.py): numpy references, exclude/keepdims, (1,) results, ties, errors."""

from __future__ import annotations

import numpy as np
import pytest

from minigluon import autograd, nd
from minigluon.base import MXNetError
from minigluon.ops import get

X = np.arange(24, dtype=np.float32).reshape(2, 3, 4) - 7.5

REFS = {"sum": np.sum, "mean": np.mean, "max": np.max, "min": np.min, "prod": np.prod,
        "nansum": np.nansum, "nanprod": np.nanprod}

# (axis, exclude, keepdims, the numpy axis it means, expected shape)
LAYOUTS = [
    (None, False, False, None, (1,)),
    ((), False, False, None, (1,)),
    (None, False, True, None, (1, 1, 1)),
    (1, False, False, 1, (2, 4)),
    (-1, False, True, 2, (2, 3, 1)),
    ((0, 2), False, False, (0, 2), (3,)),
    ((0, 1, 2), False, False, None, (1,)),
    (0, True, False, (1, 2), (2,)),
    ((0, 2), True, False, 1, (2, 4)),
    (1, True, True, (0, 2), (1, 3, 1)),
    ((0, 1, 2), True, False, (), (2, 3, 4)),
    (None, True, False, None, (1,)),  # no axis: everything, whatever exclude says
]


@pytest.mark.parametrize("name", sorted(REFS))
@pytest.mark.parametrize("axis, exclude, keepdims, np_axis, shape", LAYOUTS)
def test_matches_numpy(name, axis, exclude, keepdims, np_axis, shape) -> None:
    x = X / 8 if name in ("prod", "nanprod") else X
    res = getattr(nd, name)(nd.array(x), axis=axis, keepdims=keepdims, exclude=exclude)
    assert res.shape == shape
    assert res.dtype == np.float32
    expected = REFS[name](x.astype(np.float64), axis=np_axis, keepdims=keepdims)
    np.testing.assert_allclose(res.asnumpy(), np.reshape(expected, shape), rtol=1e-5)
    assert get(name).infer_shape(x.shape, axis=axis, keepdims=keepdims,
                                 exclude=exclude) == [shape]


def test_positional_attributes_and_methods_and_aliases() -> None:
    x = nd.array(X)
    np.testing.assert_array_equal(nd.sum(x, 1).asnumpy(), X.sum(1))
    np.testing.assert_array_equal(x.sum(axis=(0, 1)).asnumpy(), X.sum((0, 1)))
    np.testing.assert_array_equal(x.max().asnumpy(), [X.max()])
    np.testing.assert_array_equal(nd.sum_axis(x, axis=0).asnumpy(), X.sum(0))
    np.testing.assert_array_equal(nd.max_axis(x, axis=2).asnumpy(), X.max(2))
    np.testing.assert_array_equal(nd.min_axis(x, axis=2).asnumpy(), X.min(2))
    for m in ("mean", "min", "prod", "nansum", "nanprod", "norm", "argmax", "argmin",
              "argmax_channel"):
        assert callable(getattr(x, m))


def test_gluon_loss_pattern_mean_over_all_but_batch() -> None:
    loss = nd.array(np.arange(30, dtype=np.float32).reshape(5, 2, 3))
    out = nd.mean(loss, axis=0, exclude=True)
    assert out.shape == (5,)
    np.testing.assert_allclose(out.asnumpy(), loss.asnumpy().reshape(5, -1).mean(1))


def test_scalar_results_have_shape_1_and_backward_works() -> None:
    x = nd.array([[1, 2], [3, 4]])
    x.attach_grad()
    with autograd.record():
        y = x.sum()
    assert y.shape == (1,)
    y.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), np.ones((2, 2)))
    assert nd.mean(x, axis=(0, 1)).shape == (1,)
    assert nd.sum(nd.array([5.0]), axis=0).shape == (1,)


def test_integer_dtypes_are_kept() -> None:
    x = nd.array([[1, 2], [3, 4]], dtype="int32")
    assert nd.sum(x, axis=1).dtype == np.int32
    assert nd.prod(x).dtype == np.int32
    assert nd.mean(x, axis=0).dtype == np.int32


@pytest.mark.parametrize("name, fill", [("max", 5.0), ("min", -5.0)])
def test_max_min_ties_give_gradient_to_every_extremum(name, fill) -> None:
    data = np.array([[fill, 1.0, fill], [0.0, fill, 2.0]], dtype=np.float32)
    x = nd.array(data)
    x.attach_grad()
    with autograd.record():
        y = getattr(nd, name)(x, axis=1)
    y.backward(nd.array([10.0, 20.0]))
    np.testing.assert_array_equal(x.grad.asnumpy(), [[10, 0, 10], [0, 20, 0]])


def test_mean_and_exclude_gradient() -> None:
    x = nd.ones((2, 3, 4))
    x.attach_grad()
    with autograd.record():
        y = nd.mean(x, axis=1, exclude=True)  # over axes 0 and 2: 8 elements each
    y.backward(nd.array([8.0, 16.0, 24.0]))
    np.testing.assert_allclose(x.grad.asnumpy(), np.broadcast_to([[[1.0], [2.0], [3.0]]],
                                                                  (2, 3, 4)))


def test_prod_gradient_with_zeros() -> None:
    x = nd.array([[2, 0, 3], [0, 0, 4], [1, 2, 3]])
    x.attach_grad()
    with autograd.record():
        y = nd.prod(x, axis=1)
    y.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), [[0, 6, 0], [0, 0, 0], [6, 3, 2]])


def test_nan_reductions_skip_nan_and_give_it_no_gradient() -> None:
    x = nd.array([[1, np.nan, 2], [np.nan, np.nan, 4]])
    np.testing.assert_array_equal(nd.nansum(x, axis=1).asnumpy(), [3, 4])
    np.testing.assert_array_equal(nd.nanprod(x, axis=1).asnumpy(), [2, 4])
    x.attach_grad()
    with autograd.record():
        y = nd.nansum(x) + nd.nanprod(x)
    y.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), [[1 + 8, 0, 1 + 4], [0, 0, 1 + 2]])


def test_norm_matches_mxnet_doc_example() -> None:
    x = nd.array([[[1, 2], [3, 4]], [[2, 2], [5, 6]]])
    np.testing.assert_allclose(nd.norm(x, ord=2, axis=1).asnumpy(),
                               [[3.1622777, 4.472136], [5.3851647, 6.3245554]], rtol=1e-6)
    np.testing.assert_array_equal(nd.norm(x, ord=1, axis=1).asnumpy(), [[4, 6], [7, 8]])
    np.testing.assert_allclose(x.norm().asnumpy(), [np.sqrt(99.0)], rtol=1e-6)
    assert nd.norm(x, axis=(1, 2), keepdims=True).shape == (2, 1, 1)
    assert nd.norm(x, out_dtype="float64").dtype == np.float64


def test_norm_gradient_at_zero_is_zero() -> None:
    x = nd.array([[0, 0], [3, 4]])
    x.attach_grad()
    with autograd.record():
        y = nd.norm(x, axis=1)
    y.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), [[0, 0], [0.6, 0.8]], rtol=1e-6)


def test_argmax_argmin_match_mxnet_docs() -> None:
    x = nd.array([[0, 1, 2], [3, 4, 5]])
    np.testing.assert_array_equal(nd.argmax(x, axis=0).asnumpy(), [1, 1, 1])
    np.testing.assert_array_equal(nd.argmax(x, axis=1).asnumpy(), [2, 2])
    assert nd.argmax(x, axis=1, keepdims=True).shape == (2, 1)
    np.testing.assert_array_equal(nd.argmin(x, axis=1).asnumpy(), [0, 0])
    np.testing.assert_array_equal(nd.argmax_channel(x).asnumpy(), [2, 2])
    assert nd.argmax(x, axis=1).dtype == np.float32


def test_argmax_flattened_first_occurrence_and_shapes() -> None:
    x = nd.array([[1, 7, 7], [7, 0, 0]])
    res = nd.argmax(x)
    assert res.shape == (1,) and res.asscalar() == 1
    assert nd.argmax(x, keepdims=True).shape == (1, 1)
    assert nd.argmin(nd.array([3, 1, 1]), axis=0).shape == (1,)
    assert get("argmax").infer_shape((2, 3)) == [(1,)]
    assert get("argmax").infer_shape((2, 3, 4), axis=1, keepdims=True) == [(2, 1, 4)]


def test_argmax_has_no_gradient() -> None:
    assert not get("argmax").differentiable and not get("argmin").differentiable
    x = nd.array([[1, 2]])
    x.attach_grad()
    with autograd.record():
        y = nd.argmax(x, axis=1) * x
    y.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), [[1, 1]])  # only through the product


@pytest.mark.parametrize("call, message", [
    (lambda x: nd.sum(x, axis=3), "sum: axis 3 is out of range for an input with 3 dim"),
    (lambda x: nd.mean(x, axis=(1, -2)), "mean: reduction axes (1, -2) have duplicates"),
    (lambda x: nd.max(x, axis=-4), "max: axis -4 is out of range"),
    (lambda x: nd.argmax(x, axis=(0, 1)), "argmax: axis must be an int, got (0, 1)"),
    (lambda x: nd.norm(x, ord=3), "norm: ord must be 1 or 2, got 3"),
])
def test_errors_name_the_op(call, message) -> None:
    with pytest.raises(MXNetError) as err:
        call(nd.array(X))
    assert message in str(err.value)
    assert isinstance(err.value, ValueError)


def test_empty_max_raises_with_the_op_name() -> None:
    with pytest.raises(MXNetError, match="max"):
        nd.max(nd.zeros((0, 3)), axis=0)
