"""softmax, log_softmax, softmin (ops/softmax.py): references, stability, gradients, errors."""

from __future__ import annotations

import numpy as np
import pytest

from minigluon import autograd, nd
from minigluon.base import MXNetError


def ref_softmax(x: np.ndarray, axis: int = -1, t: float = 1.0) -> np.ndarray:
    e = np.exp(x.astype(np.float64) / t)
    return e / e.sum(axis=axis, keepdims=True)


RNG = np.random.default_rng(0)
X = RNG.standard_normal((2, 3, 4)).astype(np.float32)


@pytest.mark.parametrize("axis", [-1, 0, 1, 2])
@pytest.mark.parametrize("t", [None, 0.5, 3.0])
def test_match_reference(axis, t) -> None:
    x = nd.array(X)
    ref = ref_softmax(X, axis, t or 1.0)
    for res, expected in [(nd.softmax(x, axis=axis, temperature=t), ref),
                          (nd.log_softmax(x, axis=axis, temperature=t), np.log(ref)),
                          (nd.softmin(x, axis=axis, temperature=t),
                           ref_softmax(-X, axis, t or 1.0))]:
        assert res.shape == X.shape and res.dtype == np.float32
        np.testing.assert_allclose(res.asnumpy(), expected, rtol=1e-5, atol=1e-6)


def test_default_axis_is_last_and_positional_axis_and_methods() -> None:
    x = nd.array(X)
    np.testing.assert_allclose(x.softmax().asnumpy().sum(-1), np.ones((2, 3)), rtol=1e-6)
    np.testing.assert_allclose(nd.softmax(x, 1).asnumpy().sum(1), np.ones((2, 4)), rtol=1e-6)
    np.testing.assert_allclose(x.log_softmax(axis=0).asnumpy(),
                               nd.log_softmax(x, axis=0).asnumpy())
    np.testing.assert_allclose(x.softmin().asnumpy(), nd.softmin(x).asnumpy())


def test_large_inputs_do_not_overflow() -> None:
    x = nd.array([[1000, 1000, 990], [-1000, -1000, -1000]])
    y = nd.softmax(x).asnumpy()
    assert np.isfinite(y).all()
    np.testing.assert_allclose(y[1], [1 / 3] * 3, rtol=1e-6)
    ls = nd.log_softmax(nd.array([[0, -200]])).asnumpy()
    np.testing.assert_allclose(ls, [[0, -200]], atol=1e-6)  # log(softmax) would give -inf
    assert np.isfinite(nd.softmin(nd.array([[-1000, 1000]])).asnumpy()).all()


def test_dtype_argument_and_gradient_dtype() -> None:
    x = nd.array([[1, 2, 3]])
    x.attach_grad()
    with autograd.record():
        y = nd.softmax(x, dtype="float64")
    assert y.dtype == np.float64
    y.backward()
    assert x.grad.dtype == np.float32
    np.testing.assert_allclose(x.grad.asnumpy(), np.zeros((1, 3)), atol=1e-7)


def test_gradients_against_closed_forms() -> None:
    data = np.array([[0.5, -1.0, 2.0]], dtype=np.float64)
    w = np.array([[1.0, 2.0, 3.0]])
    s = ref_softmax(data)
    for fn, expected in [
        (nd.softmax, s * (w - (w * s).sum())),
        (nd.log_softmax, w - s * w.sum()),
        (lambda a: nd.softmax(a, temperature=2.0),
         ref_softmax(data, t=2.0) * (w - (w * ref_softmax(data, t=2.0)).sum()) / 2),
    ]:
        x = nd.array(data, dtype="float64")
        x.attach_grad()
        with autograd.record():
            y = fn(x)
        y.backward(nd.array(w, dtype="float64"))
        np.testing.assert_allclose(x.grad.asnumpy(), expected, rtol=1e-10)


def test_second_derivative_of_log_softmax() -> None:
    # d/dx <u, grad_x <w, log_softmax(x)>>, against finite differences of the closed form
    data = np.array([0.3, -0.2, 0.9])
    w, u = np.array([1.0, -2.0, 0.5]), np.array([0.7, 0.1, -1.3])

    def first(v: np.ndarray) -> float:
        return float(np.sum(u * (w - ref_softmax(v) * w.sum())))

    x = nd.array(data, dtype="float64")
    x.attach_grad()
    with autograd.record():
        y = nd.log_softmax(x)
        (g,) = autograd.grad(y, [x], head_grads=[nd.array(w, dtype="float64")],
                             create_graph=True)
        total = (g * nd.array(u, dtype="float64")).sum()
    total.backward()
    eps = 1e-6
    num = [(first(data + eps * e) - first(data - eps * e)) / (2 * eps) for e in np.eye(3)]
    assert np.abs(num).max() > 0.01
    np.testing.assert_allclose(x.grad.asnumpy(), num, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "softmin"])
def test_bad_axis_names_the_op(name) -> None:
    with pytest.raises(MXNetError, match=f"{name}: axis 2 is out of range for an input with 2"):
        getattr(nd, name)(nd.ones((2, 3)), axis=2)


def test_zero_temperature_is_rejected() -> None:
    with pytest.raises(MXNetError, match="softmax: temperature must be non-zero"):
        nd.softmax(nd.ones((2, 3)), temperature=0)


def test_the_one_op_cross_entropy_infers_its_shape_without_the_labels_shape() -> None:
    from minigluon.ops import registry

    op = registry.get("_softmax_cross_entropy_loss")
    assert op.infer_shape((2, 3, 4), None, axis=1) == [(2, 1, 4)]
    assert op.infer_shape((5, 3), None) == [(5, 1)]
