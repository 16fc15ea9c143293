"""The Toy SSD at the tutorial's size: 32 images of 3x256x256, 5444 anchors, 2 classes.

minigluon runs :class:`~minigluon.gluon.model_zoo.ssd.TinySSD` (the Toy SSD written with
``F.*``) hybridized, and the tutorial's own ``ToySSD`` Block, imperative and then with its
HybridBlock children hybridized one by one. Prediction-mode forwards of hybridized graphs run
Convolution -> BatchNorm -> relu as one kernel (BatchNorm folded; minigluon.symbol.fusion).
PyTorch CPU runs the same convolutional network (body, three down-sampling scales,
global max pooling, class and box heads; anchors excluded) when it is installed. Timings are
at 1 BLAS / torch thread. "network step" is forward + backward + SGD update with a trivial
loss on the predictions (what PyTorch runs); "SSD step" adds the tutorial's
``training_targets`` (MultiBoxTarget) and focal + smooth L1 losses.
"""

from __future__ import annotations

import statistics
import time
from typing import Any

import numpy as np

import minigluon as mx
from minigluon import autograd, gluon, nd
from minigluon.gluon.model_zoo import ssd

from .common import print_table, torch_or_none

BATCH, SIZE, CLASSES = 32, 256, 2


def _torch_ssd(torch: Any) -> Any:
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
            self.cls = tnn.ModuleList([tnn.Conv2d(c, 4 * (CLASSES + 1), 3, padding=1)
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


def _labels(rng: np.random.Generator) -> nd.NDArray:
    xy = rng.uniform(0, 0.6, (BATCH, 1, 2))
    boxes = np.concatenate([xy, xy + rng.uniform(0.2, 0.4, (BATCH, 1, 2))], axis=-1)
    cls = rng.integers(0, CLASSES, (BATCH, 1, 1))
    return nd.array(np.concatenate([cls, boxes], axis=-1))


def _interleaved(fns: dict[str, Any], rounds: int) -> dict[str, float]:
    """Median seconds per call of each function, the functions taking turns every round.

    This machine's speed drifts by +-30% over minutes (a shared VM), and PyTorch run right
    after itself is faster than after other work: taking turns gives every contestant the same
    conditions, so the ratios mean something.
    """
    times: dict[str, list[float]] = {name: [] for name in fns}
    for _ in range(rounds):
        for name, fn in fns.items():
            start = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(ts) for name, ts in times.items()}


def _minigluon_steps(net: Any, x: Any, y: Any) -> dict[str, Any]:
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.01})
    cls_loss, box_loss = ssd.FocalLoss(), ssd.SmoothL1Loss()

    def net_step() -> None:
        with autograd.record():
            _, cls_preds, box_preds = net(x)
            loss = (cls_preds * cls_preds).mean() + (box_preds * box_preds).mean()
        loss.backward()
        trainer.step(BATCH)

    def ssd_step() -> None:
        with autograd.record():
            anchors, cls_preds, box_preds = net(x)
            box_target, box_mask, cls_target = ssd.training_targets(anchors, cls_preds, y)
            loss = cls_loss(cls_preds, cls_target) + box_loss(box_preds, box_target, box_mask)
        loss.backward()
        trainer.step(BATCH)

    return {"net_step": net_step, "ssd_step": ssd_step}


def _torch_fns(torch: Any) -> dict[str, Any]:
    model = _torch_ssd(torch)
    tx = torch.rand(BATCH, 3, SIZE, SIZE)
    opt = torch.optim.SGD(model.parameters(), lr=0.01)

    def forward() -> None:
        model.eval()
        with torch.no_grad():
            model(tx)

    def step() -> None:
        model.train()
        opt.zero_grad()
        cls, box = model(tx)
        ((cls * cls).mean() + (box * box).mean()).backward()
        opt.step()

    return {"torch_fwd": forward, "torch_step": step}


def run() -> None:
    mx.random.seed(0)
    x = nd.random.uniform(shape=(BATCH, 3, SIZE, SIZE))
    y = _labels(np.random.default_rng(0))

    tiny = ssd.TinySSD(CLASSES)
    tiny.initialize(mx.init.Xavier(magnitude=2))
    tiny.hybridize()
    toy = ssd.ToySSD(CLASSES)
    toy.initialize(mx.init.Xavier(magnitude=2))
    toy_hyb = ssd.ToySSD(CLASSES)
    toy_hyb.initialize(mx.init.Xavier(magnitude=2))
    toy_hyb.hybridize()
    torch = torch_or_none()
    extra = _torch_fns(torch) if torch is not None else {}

    fwd = {"tiny": lambda: tiny(x), "toy": lambda: toy(x), "toy_hyb": lambda: toy_hyb(x),
           **{k: v for k, v in extra.items() if k == "torch_fwd"}}
    steps = {**_minigluon_steps(tiny, x, y),
             **{k: v for k, v in extra.items() if k == "torch_step"}}
    for fn in [*fwd.values(), *steps.values()]:  # warm up: graphs, caches, allocators
        fn()
    t = {**_interleaved(fwd, rounds=5), **_interleaved(steps, rounds=3)}

    def ratio(a: str, b: str) -> Any:
        return t[a] / t[b] if b in t else None

    rows = [
        ["forward (eval)", t["tiny"], t["toy"], t["toy_hyb"], t.get("torch_fwd"),
         ratio("tiny", "torch_fwd")],
        ["network step (fwd+bwd+sgd)", t["net_step"], None, None, t.get("torch_step"),
         ratio("net_step", "torch_step")],
        ["SSD step (+ targets, losses)", t["ssd_step"], None, None, None, None],
    ]
    print_table(f"Toy SSD, batch {BATCH}x3x{SIZE}x{SIZE} (seconds, median of runs taking "
                "turns; 1 thread)",
                ["workload", "TinySSD hybridized", "ToySSD (Block)", "ToySSD, children hybridized",
                 "torch", "TinySSD/torch"],
                rows)
