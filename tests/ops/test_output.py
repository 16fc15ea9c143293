"""Loss output ops: the forward is the prediction, the backward the loss gradient (MXNet's)."""

from __future__ import annotations

import numpy as np
import pytest

from minigluon import autograd, nd, sym


def _grad(op, data, label, **attrs):
    x = nd.array(data)
    x.attach_grad()
    with autograd.record():
        y = op(x, nd.array(label), **attrs)
    y.backward(nd.ones(y.shape) * 7)  # the head gradient is ignored
    return y.asnumpy(), x.grad.asnumpy()


def test_softmax_output_is_softmax_and_its_gradient_is_cross_entropys():
    data = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    y, g = _grad(nd.SoftmaxOutput, data, [2, 0])
    p = np.exp(data) / np.exp(data).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(y, p, rtol=1e-6)
    np.testing.assert_allclose(g, p - np.eye(3)[[2, 0]], rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("normalization, divisor", [("null", 4), ("batch", 2 * 4), ("valid", 7)])
def test_softmax_output_multi_output_gradient_is_averaged_over_positions(normalization, divisor):
    # MXNet divides a multi-output gradient by the positions (here 2 x 2 = 4) unless it counts
    # valid labels (7 of the 8 here: one is ignored)
    rng = np.random.default_rng(3)
    data = rng.standard_normal((2, 3, 2, 2))
    label = np.array([[[0, 1], [2, 1]], [[1, -1], [0, 2]]])
    _, g = _grad(nd.SoftmaxOutput, data, label, multi_output=True, use_ignore=True,
                 normalization=normalization)
    p = np.exp(data) / np.exp(data).sum(axis=1, keepdims=True)
    target = np.moveaxis(np.eye(3)[np.clip(label, 0, 2)], -1, 1)
    want = (p - target) * (label != -1)[:, None] / divisor
    np.testing.assert_allclose(g, want, rtol=1e-5, atol=1e-7)


def test_softmax_output_options():
    data = np.zeros((2, 2))
    _, g = _grad(nd.SoftmaxOutput, data, [1, -1], use_ignore=True, normalization="valid",
                 grad_scale=2.0)
    np.testing.assert_allclose(g, [[1.0, -1.0], [0.0, 0.0]], atol=1e-7)
    y, g = _grad(nd.SoftmaxOutput, np.zeros((1, 2, 3)), [[0, 1, 1]], multi_output=True)
    assert y.shape == (1, 2, 3)
    # (p - onehot) / 3 positions: the value real MXNet 1.9.1 gives for this input
    np.testing.assert_allclose(g[0, :, 0], [-0.5 / 3, 0.5 / 3], atol=1e-7)


@pytest.mark.parametrize("op, link, grad", [
    (nd.LinearRegressionOutput, lambda x: x, lambda y, t: y - t),
    (nd.LogisticRegressionOutput, lambda x: 1 / (1 + np.exp(-x)), lambda y, t: y - t),
    (nd.MAERegressionOutput, lambda x: x, lambda y, t: np.sign(y - t)),
])
def test_regression_outputs(op, link, grad):
    data, label = np.array([[0.5, -1.0], [2.0, 0.0]]), np.array([[1.0, 0.0], [0.0, 1.0]])
    y, g = _grad(op, data, label, grad_scale=3.0)
    np.testing.assert_allclose(y, link(data), rtol=1e-6)
    np.testing.assert_allclose(g, 3.0 / 2 * grad(link(data), label), rtol=1e-5)


def test_make_loss_gradient_is_grad_scale():
    _, g = _grad(lambda x, _, **a: nd.MakeLoss(x, **a), np.ones((2, 2)), [0], grad_scale=0.5,
                 normalization="batch")
    np.testing.assert_allclose(g, np.full((2, 2), 0.25))


def test_symbolic_outputs_make_their_label_variable_and_infer_its_shape():
    net = sym.SoftmaxOutput(sym.var('x'), name='softmax')
    assert net.list_arguments() == ['x', 'softmax_label']
    assert net.infer_shape(x=(4, 3))[0] == [(4, 3), (4,)]
    reg = sym.LinearRegressionOutput(sym.var('x'), name='lro')
    assert reg.infer_shape(x=(4, 2))[0] == [(4, 2), (4, 2)]
