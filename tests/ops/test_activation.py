"""Activation types, LeakyReLU variants, PReLU and erf gradients, SoftmaxActivation.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from minigluon import autograd, nd
from minigluon.base import MXNetError

from .naive import TOL, _arr, _grads


# -- activations ---------------------------------------------------------------------------
def test_activation_types_match_formulas() -> None:
    v = np.array([-3.0, -0.5, 0.0, 0.5, 3.0])
    x = _arr(v)
    expect = {"relu": np.maximum(v, 0), "sigmoid": 1 / (1 + np.exp(-v)), "tanh": np.tanh(v),
              "softrelu": np.log1p(np.exp(v)), "softsign": v / (1 + np.abs(v))}
    for act, want in expect.items():
        np.testing.assert_allclose(nd.Activation(x, act_type=act).asnumpy(), want, rtol=1e-12)
    with pytest.raises(MXNetError, match="Activation: act_type must be one of"):
        nd.Activation(x, act_type="swish")


def test_leaky_relu_types() -> None:
    v = np.array([-2.0, -0.5, 0.5, 2.0])
    x = _arr(v)
    np.testing.assert_allclose(nd.LeakyReLU(x, slope=0.1).asnumpy(), np.where(v > 0, v, 0.1 * v))
    np.testing.assert_allclose(nd.LeakyReLU(x, act_type="elu", slope=0.7).asnumpy(),
                               np.where(v > 0, v, 0.7 * np.expm1(v)))
    alpha, lam = 1.6732632423543772, 1.0507009873554805
    np.testing.assert_allclose(nd.LeakyReLU(x, act_type="selu").asnumpy(),
                               lam * np.where(v > 0, v, alpha * np.expm1(v)))
    gelu = [0.5 * t * (1 + math.erf(t / math.sqrt(2))) for t in v]
    np.testing.assert_allclose(nd.LeakyReLU(x, act_type="gelu").asnumpy(), gelu, rtol=1e-14)
    with pytest.raises(MXNetError, match="'rrelu' is not implemented"):
        nd.LeakyReLU(x, act_type="rrelu")


def test_prelu_gradient_for_gamma() -> None:
    rng = np.random.default_rng(10)
    x = rng.standard_normal((3, 2, 4))
    gamma = np.array([0.1, 0.3])
    g = rng.standard_normal(x.shape)
    y, gx, gg = _grads(lambda a, gm: nd.LeakyReLU(a, gm, act_type="prelu"), [x, gamma], g,
                       (0, 1))
    gb = gamma[None, :, None]
    np.testing.assert_allclose(y, np.where(x > 0, x, gb * x), **TOL)
    np.testing.assert_allclose(gx, g * np.where(x > 0, 1, gb), **TOL)
    np.testing.assert_allclose(gg, (g * np.where(x > 0, 0, x)).sum(axis=(0, 2)), **TOL)


def test_erf_accuracy_and_gradient() -> None:
    v = np.concatenate([np.linspace(-7, 7, 2001), [0.0, 1e-300, -1e-10, 2.0, -2.0, 6.0]])
    got = nd.erf(_arr(v)).asnumpy()
    want = np.array([math.erf(t) for t in v])
    assert np.max(np.abs(got - want)) < 1e-15
    nz = v != 0
    assert np.max(np.abs(got[nz] - want[nz]) / np.abs(want[nz])) < 5e-15
    f32 = nd.erf(nd.array(v)).asnumpy()
    assert f32.dtype == np.float32
    want32 = [math.erf(float(t)) for t in v.astype(np.float32)]
    np.testing.assert_array_equal(f32, np.array(want32).astype(np.float32))
    assert np.isnan(nd.erf(nd.array([np.nan])).asnumpy()[0])
    x = _arr(np.array([-1.0, 0.0, 0.5]))
    x.attach_grad()
    with autograd.record():
        y = nd.erf(x)
    y.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), 2 / math.sqrt(math.pi) * np.exp(-x.asnumpy() ** 2))



def test_softmax_activation_modes() -> None:
    rng = np.random.default_rng(11)
    v = rng.standard_normal((2, 3, 4))
    inst = nd.SoftmaxActivation(_arr(v)).asnumpy()
    e = np.exp(v - v.max(axis=(1, 2), keepdims=True))
    np.testing.assert_allclose(inst, e / e.sum(axis=(1, 2), keepdims=True), **TOL)
    chan = nd.SoftmaxActivation(_arr(v), mode="channel").asnumpy()
    e = np.exp(v)
    np.testing.assert_allclose(chan, e / e.sum(axis=1, keepdims=True), **TOL)
