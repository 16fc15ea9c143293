"""The Toy SSD at the tutorial's size: 32 images of 3x256x256, 5444 anchors, 2 classes.

(TinySSD's network train step against PyTorch's, with peak memory, is a row of bench_models.)

minigluon runs :class:`~minigluon.gluon.model_zoo.ssd.TinySSD` (the Toy SSD written with
``F.*``) hybridized, and the tutorial's own ``ToySSD`` Block, imperative and then with its
HybridBlock children hybridized one by one. Prediction-mode forwards of hybridized graphs run
Convolution -> BatchNorm -> relu as one kernel (BatchNorm folded; minigluon.symbol.fusion).
PyTorch CPU runs the same convolutional network (body, three down-sampling scales,
global max pooling, class and box heads; anchors excluded) when it is installed. Timings are
at 1 BLAS / torch thread. "network step" is forward + backward + SGD update with a trivial
loss on the predictions (what PyTorch runs, in bench_models); "SSD step" adds the tutorial's
``training_targets`` (MultiBoxTarget) and focal + smooth L1 losses.
"""

from __future__ import annotations

from typing import Any

import numpy as np

import minigluon as mx
from minigluon import autograd, gluon, nd
from minigluon.gluon.model_zoo import ssd

from .common import alternate, print_table, torch_or_none
from .workloads import SSD_BATCH as BATCH
from .workloads import SSD_CLASSES as CLASSES
from .workloads import SSD_SIZE as SIZE
from .workloads import torch_ssd


def _labels(rng: np.random.Generator) -> nd.NDArray:
    xy = rng.uniform(0, 0.6, (BATCH, 1, 2))
    boxes = np.concatenate([xy, xy + rng.uniform(0.2, 0.4, (BATCH, 1, 2))], axis=-1)
    cls = rng.integers(0, CLASSES, (BATCH, 1, 1))
    return nd.array(np.concatenate([cls, boxes], axis=-1))


def _ssd_step(net: Any, x: Any, y: Any) -> Any:
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.01})
    cls_loss, box_loss = ssd.FocalLoss(), ssd.SmoothL1Loss()

    def ssd_step() -> None:
        with autograd.record():
            anchors, cls_preds, box_preds = net(x)
            box_target, box_mask, cls_target = ssd.training_targets(anchors, cls_preds, y)
            loss = cls_loss(cls_preds, cls_target) + box_loss(box_preds, box_target, box_mask)
        loss.backward()
        trainer.step(BATCH)

    return ssd_step


def _torch_forward(torch: Any) -> Any:
    model = torch_ssd(torch)
    model.eval()
    tx = torch.rand(BATCH, 3, SIZE, SIZE)

    def forward() -> None:
        with torch.no_grad():
            model(tx)

    return forward


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

    fwd = {"tiny": lambda: tiny(x), "toy": lambda: toy(x), "toy_hyb": lambda: toy_hyb(x)}
    if torch is not None:
        fwd["torch_fwd"] = _torch_forward(torch)
    ssd_step = _ssd_step(tiny, x, y)
    for fn in [*fwd.values(), ssd_step]:  # warm up: graphs, caches, allocators
        fn()
    t = alternate(fwd, rounds=5)
    t_step = alternate({"ssd_step": ssd_step}, rounds=3)["ssd_step"]

    def ratio(a: str, b: str) -> Any:
        return t[a] / t[b] if b in t else None

    rows = [
        ["forward (eval)", t["tiny"], t["toy"], t["toy_hyb"], t.get("torch_fwd"),
         ratio("tiny", "torch_fwd")],
        ["SSD step (+ targets, losses)", t_step, None, None, None, None],
    ]
    print_table(f"Toy SSD, batch {BATCH}x3x{SIZE}x{SIZE} (seconds, median of runs taking "
                "turns; 1 thread)",
                ["workload", "TinySSD hybridized", "ToySSD (Block)", "ToySSD, children hybridized",
                 "torch", "TinySSD/torch"],
                rows)
