"""The workloads whose speed and memory are compared with PyTorch CPU and kept as history.

Each workload builds, for the sides asked for, a function that runs it once: ``minigluon``
(hybridized), ``torch`` (the same network in PyTorch eager, 1 thread), and where listed
``imperative`` (minigluon without hybridize) and ``floor`` (the same arithmetic as
plain numpy calls on minigluon's own float32 weights: what a framework on numpy cannot beat).
The functions are built cold: whoever times them warms them up first, and the peak-memory
probe (:mod:`benchmarks.peak_memory`) measures from before the first call, so buffers a side
keeps from one step to the next count.

A train step is forward, a loss, backward and an SGD update; BatchNorm runs in training mode.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["PhasedStep", "STEP_PHASES", "Workload", "WORKLOADS", "torch_ssd"]

Side = Callable[[], Any]
#: a train step's forward (with the loss), backward and update, to be called in that order
Phases = tuple[Side, Side, Side]


@dataclass(frozen=True)
class Workload:
    """One row of the history table."""

    title: str
    #: ``setup(sides, torch)``: a ready-to-call function per side asked for (torch is the
    #: imported module, or None when only minigluon sides are asked for).
    setup: Callable[[Collection[str], Any], dict[str, Side]]
    #: the sides this workload has, minigluon first
    sides: tuple[str, ...]
    #: rounds of the alternation (each round runs every side once, in turn)
    rounds: int = 15


# -- minigluon networks ---------------------------------------------------------------------

def _mlp() -> Any:
    from minigluon.gluon import nn

    net = nn.HybridSequential()
    with net.name_scope():
        net.add(nn.Dense(256, activation="relu"), nn.Dense(256, activation="relu"), nn.Dense(10))
    return net


def _lenet() -> Any:
    from minigluon.gluon import nn

    net = nn.HybridSequential()
    with net.name_scope():
        net.add(nn.Conv2D(20, kernel_size=5, activation="relu"), nn.MaxPool2D(2, 2),
                nn.Conv2D(50, kernel_size=5, activation="relu"), nn.MaxPool2D(2, 2),
                nn.Flatten(), nn.Dense(512, activation="relu"), nn.Dense(10))
    return net


def _resnet3() -> Any:
    from minigluon.gluon import nn
    from minigluon.gluon.model_zoo.vision import BasicBlockV1

    net = nn.HybridSequential()
    with net.name_scope():
        net.add(*[BasicBlockV1(64, 1, in_channels=64) for _ in range(3)])
    return net


def _tinyssd() -> Any:
    from minigluon.gluon.model_zoo import ssd

    return ssd.TinySSD(SSD_CLASSES)


# -- the same networks in PyTorch -----------------------------------------------------------

def _torch_mlp(torch: Any) -> Any:
    tnn = torch.nn
    return tnn.Sequential(tnn.Linear(784, 256), tnn.ReLU(), tnn.Linear(256, 256), tnn.ReLU(),
                          tnn.Linear(256, 10))


def _torch_lenet(torch: Any) -> Any:
    tnn = torch.nn
    return tnn.Sequential(tnn.Conv2d(1, 20, 5), tnn.ReLU(), tnn.MaxPool2d(2),
                          tnn.Conv2d(20, 50, 5), tnn.ReLU(), tnn.MaxPool2d(2),
                          tnn.Flatten(), tnn.Linear(800, 512), tnn.ReLU(), tnn.Linear(512, 10))


def _torch_resnet3(torch: Any) -> Any:
    tnn = torch.nn

    class BasicBlockV1(tnn.Module):
        def __init__(self, c: int) -> None:
            super().__init__()
            self.body = tnn.Sequential(
                tnn.Conv2d(c, c, 3, padding=1, bias=False), tnn.BatchNorm2d(c), tnn.ReLU(),
                tnn.Conv2d(c, c, 3, padding=1, bias=False), tnn.BatchNorm2d(c))

        def forward(self, x: Any) -> Any:
            return torch.relu(self.body(x) + x)

    return tnn.Sequential(*[BasicBlockV1(64) for _ in range(3)])


SSD_BATCH, SSD_SIZE, SSD_CLASSES = 32, 256, 2


def torch_ssd(torch: Any) -> Any:
    """The Toy SSD's convolutional network in PyTorch (body, three down-sampling scales, global
    max pooling, class and box heads; anchors are inputs-independent and left out)."""
    tnn = torch.nn

    def down(cin: int, f: int) -> Any:
        return tnn.Sequential(tnn.Conv2d(cin, f, 3, padding=1), tnn.BatchNorm2d(f), tnn.ReLU(),
                              tnn.Conv2d(f, f, 3, padding=1), tnn.BatchNorm2d(f), tnn.ReLU(),
                              tnn.MaxPool2d(2))

    class TorchToySSD(tnn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.body = tnn.Sequential(down(3, 16), down(16, 32), down(32, 64))
            self.downsamples = tnn.ModuleList([down(64, 128), down(128, 128), down(128, 128)])
            chans = [64, 128, 128, 128, 128]
            self.cls = tnn.ModuleList([tnn.Conv2d(c, 4 * (SSD_CLASSES + 1), 3, padding=1)
                                       for c in chans])
            self.box = tnn.ModuleList([tnn.Conv2d(c, 16, 3, padding=1) for c in chans])

        def forward(self, x: Any) -> Any:
            x = self.body(x)
            cls, box = [], []
            for i in range(5):
                cls.append(self.cls[i](x).permute(0, 2, 3, 1).flatten(1))
                box.append(self.box[i](x).permute(0, 2, 3, 1).flatten(1))
                if i < 3:
                    x = self.downsamples[i](x)
                elif i == 3:
                    x = torch.amax(x, dim=(2, 3), keepdim=True)
            return torch.cat(cls, 1), torch.cat(box, 1)

    return TorchToySSD()


# -- the functions each side runs -----------------------------------------------------------

def _square_mean(outputs: Any) -> Any:
    """A trivial loss both frameworks compute the same way: the sum of each output's mean
    square (the networks' speed is measured, not a loss's)."""
    outputs = outputs if isinstance(outputs, tuple | list) else (outputs,)
    total = (outputs[0] * outputs[0]).mean()
    for out in outputs[1:]:
        total = total + (out * out).mean()
    return total


def _minigluon_net(make: Callable[[], Any], shape: tuple[int, ...], hybridize: bool,
                   **init: Any) -> tuple[Any, Any]:
    import minigluon as mx
    from minigluon import nd

    mx.random.seed(0)
    net = make()
    net.initialize(mx.init.Xavier(**init))
    if hybridize:
        net.hybridize()
    return net, nd.random.uniform(shape=shape)


def _forward_of(net: Any, x: Any) -> Side:
    def forward() -> Any:
        out = net(x)
        out.wait_to_read()
        return out

    return forward


def _minigluon_forward(make: Callable[[], Any], shape: tuple[int, ...], hybridize: bool,
                       **init: Any) -> Side:
    return _forward_of(*_minigluon_net(make, shape, hybridize, **init))


def _minigluon_phases(make: Callable[[], Any], shape: tuple[int, ...], hybridize: bool,
                      classes: int | None = None, **init: Any) -> Phases:
    """A train step as its three phases, to be called in turn: the recorded forward with the
    loss, the backward, and the SGD update. With ``classes``, softmax cross-entropy on fixed
    labels (the MLP and LeNet steps), otherwise the mean-square loss of every output but the
    first (SSD's anchors) when there are several."""
    from minigluon import autograd, gluon, nd

    net, x = _minigluon_net(make, shape, hybridize, **init)
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.01})
    batch = shape[0]
    if classes is not None:
        y = nd.array(np.random.default_rng(0).integers(0, classes, batch))
        ce = gluon.loss.SoftmaxCrossEntropyLoss()

        def loss_of(out: Any) -> Any:
            return ce(out, y)
    else:
        def loss_of(out: Any) -> Any:
            return _square_mean(tuple(out)[1:] if isinstance(out, tuple | list) else out)
    held: list[Any] = [None]

    def forward() -> None:
        with autograd.record():
            held[0] = loss_of(net(x))

    def backward() -> None:
        held[0].backward()

    def update() -> None:
        trainer.step(batch)
        held[0].wait_to_read()

    return forward, backward, update


def _one_step(phases: Phases) -> Side:
    def step() -> None:
        for phase in phases:
            phase()

    return step


def _minigluon_step(make: Callable[[], Any], shape: tuple[int, ...], hybridize: bool,
                    classes: int | None = None, **init: Any) -> Side:
    """A train step (:func:`_minigluon_phases` in one call)."""
    return _one_step(_minigluon_phases(make, shape, hybridize, classes, **init))


def _torch_forward(torch: Any, model: Any, shape: tuple[int, ...]) -> Side:
    torch.manual_seed(0)
    model.eval()
    x = torch.rand(shape)

    def forward() -> Any:
        with torch.no_grad():
            return model(x)

    return forward


def _torch_phases(torch: Any, model: Any, shape: tuple[int, ...], classes: int | None = None
                  ) -> Phases:
    """PyTorch's train step as the same three phases; clearing the gradients belongs to the
    update (minigluon's ``grad_req='write'`` overwrites them instead)."""
    torch.manual_seed(0)
    model.train()
    x = torch.rand(shape)
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    if classes is not None:
        y = torch.randint(0, classes, (shape[0],))
        ce = torch.nn.CrossEntropyLoss()

        def loss_of(out: Any) -> Any:
            return ce(out, y)
    else:
        loss_of = _square_mean
    held: list[Any] = [None]

    def forward() -> None:
        held[0] = loss_of(model(x))

    def backward() -> None:
        held[0].backward()

    def update() -> None:
        opt.step()
        opt.zero_grad()

    return forward, backward, update


def _torch_step(torch: Any, model: Any, shape: tuple[int, ...], classes: int | None = None
                ) -> Side:
    return _one_step(_torch_phases(torch, model, shape, classes))


def _mlp_setup(sides: Collection[str], torch: Any) -> dict[str, Side]:
    """The MLP's sides; the floor is three ``x @ W.T + b`` and two ``np.maximum`` on the
    hybridized net's own float32 weights and input, looked up once (the floor has no
    parameters to look up)."""
    fns = {}
    if "minigluon" in sides or "floor" in sides:
        net, x = _minigluon_net(_mlp, (1, 784), hybridize=True)
        if "minigluon" in sides:
            fns["minigluon"] = _forward_of(net, x)
        if "floor" in sides:
            net(x)  # deferred initialization gives the weights their shapes
            (w1, b1), (w2, b2), (w3, b3) = [(d.weight.data()._data, d.bias.data()._data)
                                            for d in net._children.values()]
            xs = x._data
            assert xs.dtype == w1.dtype == np.float32

            def floor() -> Any:
                h = np.maximum(xs @ w1.T + b1, 0)
                h = np.maximum(h @ w2.T + b2, 0)
                return h @ w3.T + b3

            fns["floor"] = floor
    if "imperative" in sides:
        fns["imperative"] = _minigluon_forward(_mlp, (1, 784), hybridize=False)
    if "torch" in sides:
        fns["torch"] = _torch_forward(torch, _torch_mlp(torch), (1, 784))
    return fns


def _setup(minigluon: Callable[[bool], Side], torch_side: Callable[[Any], Side]
           ) -> Callable[[Collection[str], Any], dict[str, Side]]:
    def setup(sides: Collection[str], torch: Any) -> dict[str, Side]:
        made = {"minigluon": lambda: minigluon(True), "imperative": lambda: minigluon(False),
                "torch": lambda: torch_side(torch)}
        return {side: made[side]() for side in sides}

    return setup


WORKLOADS: dict[str, Workload] = {
    "mlp_b1_forward": Workload(
        "MLP 784-256-256-10 b1 forward, hybridized",
        _mlp_setup,
        ("minigluon", "imperative", "floor", "torch"), rounds=25),
    "mlp_b1_step": Workload(
        "MLP 784-256-256-10 b1 train step, hybridized",
        _setup(lambda h: _minigluon_step(_mlp, (1, 784), h, classes=10),
               lambda t: _torch_step(t, _torch_mlp(t), (1, 784), classes=10)),
        ("minigluon", "imperative", "torch"), rounds=25),
    "mlp_b64_step": Workload(
        "MLP 784-256-256-10 b64 train step, hybridized",
        _setup(lambda h: _minigluon_step(_mlp, (64, 784), h, classes=10),
               lambda t: _torch_step(t, _torch_mlp(t), (64, 784), classes=10)),
        ("minigluon", "imperative", "torch"), rounds=25),
    "lenet_b64_forward": Workload(
        "LeNet b64 forward, hybridized",
        _setup(lambda h: _minigluon_forward(_lenet, (64, 1, 28, 28), h),
               lambda t: _torch_forward(t, _torch_lenet(t), (64, 1, 28, 28))),
        ("minigluon", "imperative", "torch")),
    "lenet_b64_step": Workload(
        "LeNet b64 train step, hybridized",
        _setup(lambda h: _minigluon_step(_lenet, (64, 1, 28, 28), h, classes=10),
               lambda t: _torch_step(t, _torch_lenet(t), (64, 1, 28, 28), classes=10)),
        ("minigluon", "imperative", "torch")),
    "resnet3_b32_forward": Workload(
        "3 x ResNet BasicBlockV1 64ch 16x16 b32 forward, eval",
        _setup(lambda h: _minigluon_forward(_resnet3, (32, 64, 16, 16), h),
               lambda t: _torch_forward(t, _torch_resnet3(t), (32, 64, 16, 16))),
        ("minigluon", "torch"), rounds=11),
    "resnet3_b32_step": Workload(
        "3 x ResNet BasicBlockV1 64ch 16x16 b32 train step",
        _setup(lambda h: _minigluon_step(_resnet3, (32, 64, 16, 16), h),
               lambda t: _torch_step(t, _torch_resnet3(t), (32, 64, 16, 16))),
        ("minigluon", "torch"), rounds=11),
    "tinyssd_b32_step": Workload(
        f"TinySSD {SSD_BATCH}x3x{SSD_SIZE}x{SSD_SIZE} train step",
        _setup(lambda h: _minigluon_step(_tinyssd, (SSD_BATCH, 3, SSD_SIZE, SSD_SIZE), h,
                                         magnitude=2),
               lambda t: _torch_step(t, torch_ssd(t), (SSD_BATCH, 3, SSD_SIZE, SSD_SIZE))),
        ("minigluon", "torch"), rounds=3),
}


@dataclass(frozen=True)
class PhasedStep:
    """A train step timed phase by phase (forward with the loss, backward, update)."""

    title: str
    minigluon: Callable[[], Phases]  # hybridized
    torch: Callable[[Any], Phases]
    rounds: int = 15


STEP_PHASES: dict[str, PhasedStep] = {
    "mlp_b1_step": PhasedStep(
        "MLP 784-256-256-10 b1",
        lambda: _minigluon_phases(_mlp, (1, 784), True, classes=10),
        lambda t: _torch_phases(t, _torch_mlp(t), (1, 784), classes=10), rounds=25),
    "mlp_b64_step": PhasedStep(
        "MLP 784-256-256-10 b64",
        lambda: _minigluon_phases(_mlp, (64, 784), True, classes=10),
        lambda t: _torch_phases(t, _torch_mlp(t), (64, 784), classes=10), rounds=25),
    "lenet_b64_step": PhasedStep(
        "LeNet b64",
        lambda: _minigluon_phases(_lenet, (64, 1, 28, 28), True, classes=10),
        lambda t: _torch_phases(t, _torch_lenet(t), (64, 1, 28, 28), classes=10)),
}
