"""Every layer and zoo model: hybridized equals imperative (outputs and gradients, 1e-5), and
export -> SymbolBlock.imports reproduces the outputs."""

from __future__ import annotations

import os

import numpy as np
import pytest

import minigluon as mx
from minigluon import autograd, gluon, nd
from minigluon.gluon import nn
from minigluon.gluon.model_zoo import vision

# (name, factory, input shape); inputs are positive where a layer needs it
CASES = [
    ("Dense", lambda: nn.Dense(4, activation="tanh"), (3, 5)),
    ("Dense-noflatten", lambda: nn.Dense(4, flatten=False), (2, 3, 5)),
    ("Conv1D", lambda: nn.Conv1D(3, 3, padding=1), (2, 2, 8)),
    ("Conv2D", lambda: nn.Conv2D(4, 3, strides=2, padding=1, activation="relu"), (2, 3, 9, 9)),
    ("Conv2D-groups", lambda: nn.Conv2D(4, 3, groups=2, in_channels=4), (1, 4, 6, 6)),
    ("Conv2DTranspose", lambda: nn.Conv2DTranspose(3, 3, strides=2), (1, 2, 4, 4)),
    ("MaxPool1D", lambda: nn.MaxPool1D(2), (2, 3, 8)),
    ("MaxPool2D", lambda: nn.MaxPool2D(2), (2, 3, 8, 8)),
    ("AvgPool2D", lambda: nn.AvgPool2D(3, strides=2, padding=1), (2, 3, 7, 7)),
    ("GlobalMaxPool2D", lambda: nn.GlobalMaxPool2D(), (2, 3, 5, 5)),
    ("GlobalAvgPool2D", lambda: nn.GlobalAvgPool2D(), (2, 3, 5, 5)),
    ("BatchNorm", lambda: nn.BatchNorm(), (4, 3, 5, 5)),
    ("LayerNorm", lambda: nn.LayerNorm(), (4, 6)),
    ("InstanceNorm", lambda: nn.InstanceNorm(), (2, 3, 5)),
    ("Dropout", lambda: nn.Dropout(0.3), (4, 6)),
    ("Activation", lambda: nn.Activation("sigmoid"), (4, 6)),
    ("LeakyReLU", lambda: nn.LeakyReLU(0.1), (4, 6)),
    ("PReLU", lambda: nn.PReLU(), (4, 6)),
    ("ELU", lambda: nn.ELU(), (4, 6)),
    ("SELU", lambda: nn.SELU(), (4, 6)),
    ("GELU", lambda: nn.GELU(), (4, 6)),
    ("Swish", lambda: nn.Swish(), (4, 6)),
    ("Flatten", lambda: nn.Flatten(), (2, 3, 4)),
    ("Identity", lambda: nn.Identity(), (2, 3)),
    ("HybridLambda", lambda: nn.HybridLambda(lambda F, x: F.relu(x) * 2), (2, 3)),
    ("HybridSequential", lambda: _seq(), (3, 5)),
    ("LeNet", lambda: vision.get_lenet(), (2, 1, 28, 28)),
    ("BasicBlockV1", lambda: vision.BasicBlockV1(4, 2, downsample=True, in_channels=3),
     (2, 3, 8, 8)),
]


def _seq() -> nn.HybridSequential:
    net = nn.HybridSequential()
    with net.name_scope():
        net.add(nn.Dense(6, activation="relu"), nn.BatchNorm(), nn.Dense(2))
    return net


def _run(net: gluon.HybridBlock, x: nd.NDArray, train: bool) -> tuple:
    mx.random.seed(7)  # Dropout draws the same mask in both modes
    x = x.copy()
    x.attach_grad()
    with autograd.record(train_mode=train):
        y = net(x)
        loss = (y * y).sum()
    loss.backward()
    grads = [p.grad().asnumpy().copy() for p in net.collect_params().values()
             if p.grad_req != "null"]
    return y.asnumpy(), x.grad.asnumpy(), grads


@pytest.mark.parametrize(("name", "factory", "shape"), CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("train", [False, True], ids=["predict", "train"])
def test_hybridized_matches_imperative(name: str, factory, shape: tuple, train: bool) -> None:
    mx.random.seed(0)
    net = factory()
    net.initialize(mx.init.Xavier())
    x = nd.random.uniform(0.1, 1.0, shape=shape)
    net(x)  # finish deferred initialization imperatively
    states = {k: p.data().asnumpy().copy() for k, p in net.collect_params().items()}
    imperative = _run(net, x, train)
    for k, p in net.collect_params().items():  # BatchNorm updated its running stats: undo
        p.set_data(states[k])
    net.hybridize()
    hybrid = _run(net, x, train)
    np.testing.assert_allclose(hybrid[0], imperative[0], rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(hybrid[1], imperative[1], rtol=1e-5, atol=1e-5)
    for a, b in zip(hybrid[2], imperative[2]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize(("name", "factory", "shape"), CASES, ids=[c[0] for c in CASES])
def test_export_then_imports_reproduces(name: str, factory, shape: tuple, tmp_path) -> None:
    mx.random.seed(0)
    net = factory()
    net.initialize(mx.init.Xavier())
    net.hybridize()
    x = nd.random.uniform(0.1, 1.0, shape=shape)
    y = net(x)
    path = os.path.join(tmp_path, "model")
    net.export(path)
    loaded = gluon.SymbolBlock.imports(path + "-symbol.json", ["data"], path + "-0000.params")
    np.testing.assert_allclose(loaded(x).asnumpy(), y.asnumpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize(("name", "factory", "shape"), CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("train", [False, True], ids=["predict", "train"])
def test_fast_path_matches_full_path_and_imperative(name: str, factory, shape: tuple,
                                                    train: bool) -> None:
    # Not recording, a hybridized block's repeated calls run the compiled plan (lean kernels,
    # no autograd node): the same numbers as the full path's interpreted plan, bit for bit.
    mx.random.seed(0)
    net = factory()
    net.initialize(mx.init.Xavier())
    x = nd.random.uniform(0.1, 1.0, shape=shape)
    net(x)
    states = {k: p.data().asnumpy().copy() for k, p in net.collect_params().items()}

    def call() -> np.ndarray:
        for k, p in net.collect_params().items():  # undo BatchNorm's running-stat updates
            p.set_data(states[k])
        mx.random.seed(7)
        with autograd.train_mode() if train else autograd.predict_mode():
            return net(x).asnumpy()

    imperative = call()
    net.hybridize()
    full = call()  # traces, plans and runs the full way
    assert net._cache.fast  # ... and leaves the fast path ready
    fast = call()
    np.testing.assert_array_equal(fast, full)
    np.testing.assert_allclose(fast, imperative, rtol=1e-5, atol=1e-5)
