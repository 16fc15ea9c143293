"""dot and batch_dot (ops/linalg.py): MXNet's N-D semantics, transposes, gradients, errors."""

from __future__ import annotations

import numpy as np
import pytest

from minigluon import autograd, nd
from minigluon.base import MXNetError
from minigluon.ops import get

RNG = np.random.default_rng(0)


def rand(*shape: int) -> np.ndarray:
    return RNG.standard_normal(shape).astype(np.float32)


# (lhs shape, rhs shape, transpose_a, transpose_b, numpy reference)
DOT_CASES = [
    ((2, 3), (3, 4), False, False, lambda a, b: a @ b),
    ((3, 2), (3, 4), True, False, lambda a, b: a.T @ b),
    ((2, 3), (4, 3), False, True, lambda a, b: a @ b.T),
    ((3, 2), (4, 3), True, True, lambda a, b: a.T @ b.T),
    ((5,), (5,), False, False, lambda a, b: np.reshape(a @ b, (1,))),
    ((3,), (3, 4), False, False, lambda a, b: a @ b),
    ((2, 3), (3,), False, False, lambda a, b: a @ b),
    ((2, 3, 4), (4, 5, 6), False, False, lambda a, b: np.tensordot(a, b, axes=1)),
    ((4, 2, 3), (4, 5), True, False, lambda a, b: np.tensordot(a, b, axes=([0], [0]))),
    ((2, 3), (5, 6, 3), False, True, lambda a, b: np.tensordot(a, b, axes=([1], [2]))),
    ((4, 2, 3), (5, 4), True, True, lambda a, b: np.tensordot(a, b, axes=([0], [1]))),
]


@pytest.mark.parametrize("ls, rs, ta, tb, ref", DOT_CASES)
def test_dot_matches_numpy(ls, rs, ta, tb, ref) -> None:
    a, b = rand(*ls), rand(*rs)
    res = nd.dot(nd.array(a), nd.array(b), transpose_a=ta, transpose_b=tb)
    expected = ref(a.astype(np.float64), b.astype(np.float64))
    assert res.shape == expected.shape and res.dtype == np.float32
    np.testing.assert_allclose(res.asnumpy(), expected, rtol=1e-5, atol=1e-5)
    assert get("dot").infer_shape(ls, rs, transpose_a=ta, transpose_b=tb) == [expected.shape]


def test_dot_nd_is_not_numpy_dot() -> None:
    # the MXNet doc example: dot(x, y)[0, 0, 1, 1] = sum(x[0, 0, :] * y[:, 1, 1]) = 0
    x = nd.arange(8).reshape((2, 2, 2))
    y = nd.array(np.arange(8)[::-1].reshape(2, 2, 2))
    z = nd.dot(x, y)
    assert z.shape == (2, 2, 2, 2)
    assert z[0, 0, 1, 1].asscalar() == 0
    np.testing.assert_array_equal(z.asnumpy(), np.tensordot(x.asnumpy(), y.asnumpy(), axes=1))


def test_dot_method_and_positional_flags() -> None:
    a, b = nd.array(rand(3, 2)), nd.array(rand(3, 4))
    np.testing.assert_allclose(a.dot(b, True).asnumpy(), a.asnumpy().T @ b.asnumpy(),
                               rtol=1e-5)


@pytest.mark.parametrize("ta", [False, True])
@pytest.mark.parametrize("tb", [False, True])
def test_dot_gradient(ta, tb) -> None:
    a = rand(4, 2, 3) if not ta else rand(3, 4, 2)  # contracted axis has size 3
    b = rand(3, 5) if not tb else rand(5, 3)
    x, y = nd.array(a, dtype="float64"), nd.array(b, dtype="float64")
    x.attach_grad()
    y.attach_grad()
    with autograd.record():
        z = nd.dot(x, y, transpose_a=ta, transpose_b=tb)
    w = RNG.standard_normal(z.shape)
    z.backward(nd.array(w, dtype="float64"))
    # <w, dot(a, b)> with a and b moved so that the contraction is a @ b
    a2 = np.moveaxis(a, 0, -1) if ta else a
    b2 = b.T if tb else b
    ga2 = np.tensordot(w, b2, axes=([w.ndim - 1], [1]))
    gb2 = np.tensordot(a2, w, axes=(list(range(a2.ndim - 1)), list(range(a2.ndim - 1))))
    np.testing.assert_allclose(x.grad.asnumpy(), np.moveaxis(ga2, -1, 0) if ta else ga2,
                               rtol=1e-10)
    np.testing.assert_allclose(y.grad.asnumpy(), gb2.T if tb else gb2, rtol=1e-10)


@pytest.mark.parametrize("ls, rs, kwargs, message", [
    ((2, 3), (4, 5), {}, "dot: shapes (2, 3) and (4, 5) (transpose_a=False, transpose_b=False) "
                         "are not aligned: the last axis of lhs has size 3 but the first axis "
                         "of rhs has size 4"),
    ((3, 2), (4, 3), {"transpose_a": True},
     "the first axis of lhs has size 3 but the first axis of rhs has size 4"),
    ((3,), (3,), {"transpose_b": True}, "dot: cannot transpose 1-D vectors"),
])
def test_dot_errors_name_op_and_shapes(ls, rs, kwargs, message) -> None:
    with pytest.raises(MXNetError) as err:
        nd.dot(nd.ones(ls), nd.ones(rs), **kwargs)
    assert message in str(err.value)
    with pytest.raises(MXNetError):
        get("dot").infer_shape(ls, rs, **kwargs)


@pytest.mark.parametrize("ta", [False, True])
@pytest.mark.parametrize("tb", [False, True])
def test_batch_dot_matches_matmul_and_gradient(ta, tb) -> None:
    a = rand(3, 4, 2) if ta else rand(3, 2, 4)
    b = rand(3, 5, 4) if tb else rand(3, 4, 5)
    at = np.swapaxes(a, 1, 2) if ta else a
    bt = np.swapaxes(b, 1, 2) if tb else b
    x, y = nd.array(a, dtype="float64"), nd.array(b, dtype="float64")
    x.attach_grad()
    y.attach_grad()
    with autograd.record():
        z = nd.batch_dot(x, y, transpose_a=ta, transpose_b=tb)
    assert z.shape == (3, 2, 5)
    np.testing.assert_allclose(z.asnumpy(), at.astype(np.float64) @ bt, rtol=1e-6)
    w = RNG.standard_normal((3, 2, 5))
    z.backward(nd.array(w, dtype="float64"))
    gat, gbt = w @ np.swapaxes(bt, 1, 2), np.swapaxes(at, 1, 2) @ w
    np.testing.assert_allclose(x.grad.asnumpy(), np.swapaxes(gat, 1, 2) if ta else gat,
                               rtol=1e-6)
    np.testing.assert_allclose(y.grad.asnumpy(), np.swapaxes(gbt, 1, 2) if tb else gbt,
                               rtol=1e-6)


def test_batch_dot_more_batch_axes_and_dtype() -> None:
    a, b = rand(2, 3, 4, 5), rand(2, 3, 5, 1)
    res = nd.batch_dot(nd.array(a), nd.array(b))
    assert res.dtype == np.float32
    np.testing.assert_allclose(res.asnumpy(), a @ b, rtol=1e-5)


@pytest.mark.parametrize("ls, rs, message", [
    ((2, 3), (3, 4), "batch_dot: inputs must have the same number (>= 3) of dimensions, "
                     "got shapes (2, 3) and (3, 4)"),
    ((2, 3, 4), (3, 4, 5), "batch_dot: the batch dimensions of (2, 3, 4) and (3, 4, 5) differ"),
    ((2, 3, 4), (2, 5, 6), "batch_dot: shapes (2, 3, 4) and (2, 5, 6) (transpose_a=False, "
                           "transpose_b=False) are not aligned"),
])
def test_batch_dot_errors(ls, rs, message) -> None:
    with pytest.raises(MXNetError) as err:
        nd.batch_dot(nd.ones(ls), nd.ones(rs))
    assert message in str(err.value)


def test_second_derivative_through_dot() -> None:
    # f = <u, d/da <w, a @ b>> = <u, w @ b.T>: its gradient wrt b is u.T @ w
    a, b, w, u = rand(2, 3), rand(3, 4), rand(2, 4), rand(2, 3)
    x, y = nd.array(a, dtype="float64"), nd.array(b, dtype="float64")
    x.attach_grad()
    y.attach_grad()
    with autograd.record():
        z = nd.dot(x, y)
        (ga,) = autograd.grad(z, [x], head_grads=[nd.array(w, dtype="float64")],
                              create_graph=True)
        f = (ga * nd.array(u, dtype="float64")).sum()
    f.backward()
    np.testing.assert_allclose(y.grad.asnumpy(), u.T.astype(np.float64) @ w, rtol=1e-6)
