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

from typing import Any

import numpy as np

import minigluon as mx
from minigluon import autograd, gluon, nd
from minigluon.gluon.model_zoo import ssd

from .common import median_time, print_table, torch_or_none

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


def _minigluon(net: Any, x: Any, y: Any) -> tuple[float, float, float]:
    net(x)
    fwd = median_time(lambda: net(x), min_time=0.0, repeat=3)
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

    net_step()
    step = median_time(net_step, min_time=0.0, repeat=3)
    full = median_time(ssd_step, min_time=0.0, repeat=3)
    return fwd, step, full


def _torch(torch: Any) -> tuple[float, float]:
    model = _torch_ssd(torch)
    tx = torch.rand(BATCH, 3, SIZE, SIZE)
    model.eval()
    with torch.no_grad():
        model(tx)
        fwd = median_time(lambda: model(tx), min_time=0.0, repeat=3)
    model.train()
    opt = torch.optim.SGD(model.parameters(), lr=0.01)

    def step() -> None:
        opt.zero_grad()
        cls, box = model(tx)
        ((cls * cls).mean() + (box * box).mean()).backward()
        opt.step()

    step()
    return fwd, median_time(step, min_time=0.0, repeat=3)


def run() -> None:
    mx.random.seed(0)
    x = nd.random.uniform(shape=(BATCH, 3, SIZE, SIZE))
    y = _labels(np.random.default_rng(0))

    tiny = ssd.TinySSD(CLASSES)
    tiny.initialize(mx.init.Xavier(magnitude=2))
    tiny.hybridize()
    tiny_fwd, tiny_step, tiny_full = _minigluon(tiny, x, y)

    toy = ssd.ToySSD(CLASSES)
    toy.initialize(mx.init.Xavier(magnitude=2))
    toy_fwd = median_time(lambda: toy(x), min_time=0.0, repeat=3)
    toy.hybridize()
    toy(x)
    toy_hyb = median_time(lambda: toy(x), min_time=0.0, repeat=3)

    torch = torch_or_none()
    t_fwd, t_step = _torch(torch) if torch is not None else (None, None)

    def ratio(a: float, b: float | None) -> Any:
        return None if b is None else a / b

    rows = [
        ["forward (eval)", tiny_fwd, toy_fwd, toy_hyb, t_fwd, ratio(tiny_fwd, t_fwd)],
        ["network step (fwd+bwd+sgd)", tiny_step, None, None, t_step,
         ratio(tiny_step, t_step)],
        ["SSD step (+ targets, losses)", tiny_full, None, None, None, None],
    ]
    print_table(f"Toy SSD, batch {BATCH}x3x{SIZE}x{SIZE} (seconds, median; 1 thread)",
                ["workload", "TinySSD hybridized", "ToySSD (Block)", "ToySSD, children hybridized",
                 "torch", "TinySSD/torch"],
                rows)
