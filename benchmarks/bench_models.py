"""Whole models: MLP and LeNet, imperative vs hybridized vs the raw-numpy floor vs PyTorch CPU.

The raw-numpy floor runs the same matmuls and convolutions written directly in numpy (the
convolution through minigluon's own kernel functions, which are plain numpy), with no Block,
Parameter or NDArray in between: what a framework on numpy cannot beat.
"""

from __future__ import annotations

import numpy as np

import minigluon as mx
from minigluon import autograd, gluon, nd
from minigluon.gluon import nn
from minigluon.ops import get

from .common import median_time, print_table, torch_or_none


def _mlp() -> nn.HybridSequential:
    net = nn.HybridSequential()
    with net.name_scope():
        net.add(nn.Dense(256, activation="relu"), nn.Dense(256, activation="relu"), nn.Dense(10))
    return net


def _lenet() -> nn.HybridSequential:
    net = nn.HybridSequential()
    with net.name_scope():
        net.add(nn.Conv2D(20, kernel_size=5, activation="relu"), nn.MaxPool2D(2, 2),
                nn.Conv2D(50, kernel_size=5, activation="relu"), nn.MaxPool2D(2, 2),
                nn.Flatten(), nn.Dense(512, activation="relu"), nn.Dense(10))
    return net


def _raw_forward(net: nn.HybridSequential, x: np.ndarray) -> np.ndarray:
    """The same layers as numpy calls on the same weights (the floor)."""
    conv, pool = get("Convolution").forward, get("Pooling").forward
    for layer in net._children.values():
        if isinstance(layer, nn.Dense):
            x = x.reshape(x.shape[0], -1) @ layer.weight.data()._data.T + layer.bias.data()._data
            if layer.act is not None:
                x = np.maximum(x, 0)
        elif isinstance(layer, nn.Conv2D):
            w = layer.weight.data()._data
            x = conv(x, w, layer.bias.data()._data, kernel=w.shape[2:], num_filter=w.shape[0])
            x = np.maximum(x, 0)
        elif isinstance(layer, nn.MaxPool2D):
            x = pool(x, kernel=(2, 2), stride=(2, 2), pool_type="max")
        elif isinstance(layer, nn.Flatten):
            x = x.reshape(x.shape[0], -1)
    return x


def _torch_model(torch: object, name: str, net: nn.HybridSequential) -> object:
    tnn = torch.nn  # type: ignore[attr-defined]
    if name == "mlp":
        model = tnn.Sequential(tnn.Linear(784, 256), tnn.ReLU(), tnn.Linear(256, 256),
                               tnn.ReLU(), tnn.Linear(256, 10))
    else:
        model = tnn.Sequential(tnn.Conv2d(1, 20, 5), tnn.ReLU(), tnn.MaxPool2d(2),
                               tnn.Conv2d(20, 50, 5), tnn.ReLU(), tnn.MaxPool2d(2),
                               tnn.Flatten(), tnn.Linear(800, 512), tnn.ReLU(),
                               tnn.Linear(512, 10))
    return model


def _measure(name: str, make: object, shape: tuple, torch: object) -> list:
    mx.random.seed(0)
    net = make()  # type: ignore[operator]
    net.initialize(mx.init.Xavier())
    x = nd.random.uniform(shape=shape)
    y = nd.array(np.random.default_rng(0).integers(0, 10, shape[0]))
    net(x)
    loss_fn = gluon.loss.SoftmaxCrossEntropyLoss()
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.01})

    def step() -> None:
        with autograd.record():
            loss = loss_fn(net(x), y)
        loss.backward()
        trainer.step(shape[0])

    raw = median_time(lambda: _raw_forward(net, x._data)) * 1e3
    imp_fwd = median_time(lambda: net(x)) * 1e3
    imp_step = median_time(step) * 1e3
    net.hybridize()
    net(x)
    hyb_fwd = median_time(lambda: net(x)) * 1e3
    hyb_step = median_time(step) * 1e3
    t_fwd = t_step = None
    if torch is not None:
        model = _torch_model(torch, name, net)
        tx = torch.rand(shape)  # type: ignore[attr-defined]
        ty = torch.randint(0, 10, (shape[0],))  # type: ignore[attr-defined]
        opt = torch.optim.SGD(model.parameters(), lr=0.01)  # type: ignore[attr-defined]
        lossf = torch.nn.CrossEntropyLoss()  # type: ignore[attr-defined]
        with torch.no_grad():  # type: ignore[attr-defined]
            t_fwd = median_time(lambda: model(tx)) * 1e3

        def tstep() -> None:
            opt.zero_grad()
            lossf(model(tx), ty).backward()
            opt.step()

        t_step = median_time(tstep) * 1e3
    return [f"{name} batch {shape[0]}", raw, imp_fwd, hyb_fwd, t_fwd, imp_step, hyb_step,
            t_step, hyb_fwd / raw]


def run() -> None:
    torch = torch_or_none()
    rows = [_measure("mlp", _mlp, (1, 784), torch), _measure("mlp", _mlp, (64, 784), torch),
            _measure("lenet", _lenet, (64, 1, 28, 28), torch)]
    print_table("Models (milliseconds, median; 1 thread)",
                ["workload", "numpy floor fwd", "imperative fwd", "hybridized fwd", "torch fwd",
                 "imperative step", "hybridized step", "torch step", "hybrid/floor"], rows)
