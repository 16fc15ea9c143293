"""Inference rewrites of a :class:`~minigluon.symbol.executor.CachedGraph` plan.

In prediction mode without autograd nothing needs the intermediate activations, so
``Convolution -> BatchNorm -> relu`` chains (either tail optional) run as one kernel
(:func:`minigluon.ops.convolution.conv_bn_relu`): BatchNorm is folded into the convolution's
weights and bias, and relu is applied to each output tile while it is in cache. A chain is
fused only when each intermediate value has exactly one reader and is not a graph output, so
the rewrite never changes what the graph returns, up to float rounding (about 1e-6 relative).
Training and recording keep the plain plan: the backward pass needs every intermediate.
"""

from __future__ import annotations

import copy
from collections import Counter
from collections.abc import Sequence
from typing import Any

from ..ops.convolution import conv_bn_relu

__all__ = ["fuse_for_inference"]

_CONV_ATTRS = ("kernel", "stride", "dilate", "pad", "num_filter", "num_group", "no_bias",
               "layout")


class FusedStep:
    """A plan step standing for a fused chain; quacks like ``executor._Step`` for forward."""

    __slots__ = ("free", "fwd", "fwd_attrs", "ins", "name", "op", "outs")

    def __init__(self, head: Any, ins: list[int], out: int, bn: dict | None, relu: bool) -> None:
        self.op = head.op
        self.name = head.name
        self.fwd = conv_bn_relu
        self.fwd_attrs = {"conv": {k: head.fwd_attrs[k] for k in _CONV_ATTRS}, "bn": bn,
                          "relu": relu}
        self.ins = ins
        self.outs = [out]
        self.free: list[int] = []


def _is_relu(step: Any) -> bool:
    name = step.op.name
    return name == "relu" or (name == "Activation" and step.fwd_attrs.get("act_type") == "relu")


def fuse_for_inference(plan: Sequence[Any], keep: set[int]) -> list[Any] | None:
    """A new plan with the fusable chains replaced, or ``None`` when nothing fuses.

    ``keep`` holds the slots that must stay visible (graph outputs and inputs). The other
    steps are copies, so the new plan's ``free`` lists can be planned without touching the
    original's.
    """
    readers: Counter[int] = Counter(s for step in plan for s in step.ins if s >= 0)
    reader_of = {s: k for k, step in enumerate(plan) for s in step.ins if s >= 0}

    def next_step(k: int) -> int | None:
        """The index of the step that alone reads step ``k``'s (private) output, else None."""
        out = plan[k].outs[0]
        if out in keep or readers[out] != 1 or plan[reader_of[out]].ins[0] != out:
            return None
        return reader_of[out]

    def folds(k: int) -> bool:
        bn = plan[k]
        return (bn.op.name == "BatchNorm" and bn.fwd_attrs["axis"] in (1, -3)
                and not bn.fwd_attrs["output_mean_var"] and not bn.fwd_attrs.get("is_train")
                and all(s not in keep and readers[s] == 0 for s in bn.outs[1:]))

    fused: dict[int, FusedStep] = {}  # plan index of the chain's last step -> fused step
    absorbed: set[int] = set()  # plan indices of every step of a fused chain
    for k, step in enumerate(plan):
        if step.op.name != "Convolution":
            continue
        chain, ins, bn = [k], list(step.ins) + [-1] * (3 - len(step.ins)), None
        nxt = next_step(k)
        if nxt is not None and folds(nxt):
            chain.append(nxt)
            ins += plan[nxt].ins[1:5]  # gamma, beta, moving mean, moving var
            bn = {"eps": plan[nxt].fwd_attrs["eps"], "fix_gamma": plan[nxt].fwd_attrs["fix_gamma"]}
            nxt = next_step(nxt)
        relu = nxt is not None and _is_relu(plan[nxt])
        if relu:
            chain.append(nxt)
        if len(chain) > 1:
            fused[chain[-1]] = FusedStep(step, ins, plan[chain[-1]].outs[0], bn, relu)
            absorbed.update(chain)
    if not fused:
        return None
    new = [fused.get(k) or copy.copy(s) for k, s in enumerate(plan)
           if k not in absorbed or k in fused]
    for step in new:
        step.free = []
    return new
