"""Inference fusion of Convolution -> BatchNorm -> relu chains (minigluon.symbol.fusion)."""

from __future__ import annotations

import numpy as np
import pytest

import minigluon as mx
from minigluon import autograd, nd
from minigluon.gluon import nn
from minigluon.ops.convolution import conv_bn_relu


def _graph(net):
    (graph, *_rest), = net._cache._graphs.values()
    return graph


def _step_names(plan) -> list[str]:
    return [type(s).__name__ + ":" + s.op.name for s in plan]


def _close(got: nd.NDArray, want: np.ndarray) -> None:
    # folding BatchNorm into the weights rounds differently: equal to float32 precision
    np.testing.assert_allclose(got.asnumpy(), want, rtol=1e-5, atol=1e-5 * np.abs(want).max())


def _conv_bn_net(relu: bool = True, use_bias: bool = False, groups: int = 1,
                 fix_gamma: bool = False) -> nn.HybridSequential:
    net = nn.HybridSequential()
    with net.name_scope():
        net.add(nn.Conv2D(8, 3, padding=1, use_bias=use_bias, groups=groups),
                nn.BatchNorm(scale=not fix_gamma))
        if relu:
            net.add(nn.Activation("relu"))
        net.add(nn.Conv2D(4, 3, strides=2, activation="relu"))
    net.initialize(mx.init.Xavier())
    # moving statistics far from (0, 1) and gamma != 1, so a wrong fold cannot hide
    rng = np.random.default_rng(0)
    bn = net[1]
    bn.running_mean.set_data(nd.array(rng.normal(0, 1, 8)))
    bn.running_var.set_data(nd.array(rng.uniform(0.5, 2, 8)))
    bn.gamma.set_data(nd.array(rng.uniform(0.5, 1.5, 8)))
    bn.beta.set_data(nd.array(rng.normal(0, 1, 8)))
    return net


@pytest.mark.parametrize("relu, use_bias, groups, fix_gamma", [
    (True, False, 1, False), (True, True, 1, False), (False, True, 1, False),
    (True, False, 2, False), (True, False, 1, True)])
def test_fused_inference_equals_imperative(relu, use_bias, groups, fix_gamma) -> None:
    mx.random.seed(0)
    net = _conv_bn_net(relu, use_bias, groups, fix_gamma)
    x = nd.random.normal(shape=(3, 4, 9, 9))
    want = net(x).asnumpy()
    net.hybridize()
    _close(net(x), want)
    graph = _graph(net)
    names = _step_names(graph.infer_plan)
    # conv+bn(+relu) and conv+relu each became one fused step
    assert names.count("FusedStep:Convolution") == 2
    assert not any("BatchNorm" in n or "relu" in n or "Activation" in n for n in names)
    assert len(graph.plan) > len(graph.infer_plan)


def test_recording_and_training_use_the_plain_plan() -> None:
    mx.random.seed(1)
    net = _conv_bn_net()
    x = nd.random.normal(shape=(2, 4, 9, 9))
    x.attach_grad()
    with autograd.record(train_mode=False):
        y = net(x)
    y.backward()
    want_y, want_g = y.asnumpy(), x.grad.asnumpy()
    net.hybridize()
    with autograd.record(train_mode=False):  # recording: gradients need every intermediate
        y = net(x)
    y.backward()
    np.testing.assert_allclose(y.asnumpy(), want_y, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(x.grad.asnumpy(), want_g, rtol=1e-4, atol=1e-6)
    with autograd.train_mode():
        net(x)
    plans = [(g.plan, g.infer_plan) for g, *_ in net._cache._graphs.values()]
    assert len(plans) == 2  # the predict-mode graph (fused) and the training one (not)
    assert sum(plain is infer for plain, infer in plans) == 1


class _TwoReaders(nn.HybridBlock):
    """Returns the convolution's output as well as its relu: nothing may be fused away."""

    def __init__(self) -> None:
        super().__init__()
        with self.name_scope():
            self.conv = nn.Conv2D(4, 3)

    def hybrid_forward(self, F, x):
        y = self.conv(x)
        return y, F.relu(y)


def test_values_read_elsewhere_are_not_fused() -> None:
    mx.random.seed(2)
    net = _TwoReaders()
    net.initialize()
    x = nd.random.normal(shape=(2, 3, 6, 6))
    want = [o.asnumpy() for o in net(x)]
    net.hybridize()
    got = net(x)
    for g, w in zip(got, want):
        np.testing.assert_allclose(g.asnumpy(), w, rtol=1e-6)
    graph = _graph(net)
    assert graph.infer_plan is graph.plan


@pytest.mark.parametrize("shape, kernel, groups", [
    ((2, 4, 7), (3,), 1), ((2, 4, 5, 6), (3, 3), 2), ((1, 2, 4, 4, 5), (2, 2, 3), 1)])
def test_conv_bn_relu_kernel_matches_the_ops(shape, kernel, groups) -> None:
    rng = np.random.default_rng(3)
    c, f = shape[1], 6
    x = nd.array(rng.normal(size=shape))
    w = nd.array(rng.normal(size=(f, c // groups, *kernel)))
    b = nd.array(rng.normal(size=f))
    gamma, beta = nd.array(rng.uniform(0.5, 2, f)), nd.array(rng.normal(size=f))
    mean, var = nd.array(rng.normal(size=f)), nd.array(rng.uniform(0.5, 2, f))
    conv = {"kernel": kernel, "stride": (), "dilate": (), "pad": (1,) * len(kernel),
            "num_filter": f, "num_group": groups, "no_bias": False, "layout": None}
    y = nd.Convolution(x, w, b, **conv)
    y = nd.relu(nd.BatchNorm(y, gamma, beta, mean, var, fix_gamma=False, eps=1e-3))
    got = conv_bn_relu(x.asnumpy(), w.asnumpy(), b.asnumpy(), gamma.asnumpy(), beta.asnumpy(),
                       mean.asnumpy(), var.asnumpy(), conv=conv,
                       bn={"eps": 1e-3, "fix_gamma": False}, relu=True)
    _close(nd.array(got), y.asnumpy())
