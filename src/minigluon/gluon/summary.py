"""``Block.summary``: a per-layer table of output shapes and parameter counts."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import autograd

__all__ = ["print_summary"]

_ROW = "{:>20}  {:>42} {:>15}"
_RULE = "-" * 80


def _shape_str(out: Any) -> str:
    if isinstance(out, (list, tuple)):
        return ", ".join(_shape_str(o) for o in out)
    return str(tuple(out.shape)) if hasattr(out, "shape") else str(out)


def print_summary(block: Any, inputs: tuple) -> None:
    """Run ``block(*inputs)`` with hooks on every layer and print the table."""
    if getattr(block, "_active", False):
        raise ValueError(f'"{block.name}" must not be hybridized to print summary.')
    rows: list[tuple[str, str, int]] = []
    seen: set[int] = set()
    totals = {"total": 0, "trainable": 0, "shared": 0}
    handles = []

    def hook(b: Any, _args: tuple, out: Any) -> None:
        n = 0
        for p in b._reg_params.values():
            size = int(np.prod(p.shape)) if p.shape else 0
            n += size
            totals["total"] += size
            if p.grad_req != "null":
                totals["trainable"] += size
            if id(p) in seen:
                totals["shared"] += size
            seen.add(id(p))
        rows.append((f"{type(b).__name__}-{len(rows) + 1}", _shape_str(out), n))

    for _, b in block.named_blocks():
        if not getattr(b, "_is_container", False) and (b is not block or not b._children):
            handles.append(b.register_forward_hook(hook))
    try:
        with autograd.pause():
            block(*inputs)
    finally:
        for h in handles:
            h.detach()
    lines = [_RULE, _ROW.format("Layer (type)", "Output Shape", "Param #"), "=" * 80,
             _ROW.format("Input", _shape_str(inputs if len(inputs) > 1 else inputs[0]), 0)]
    lines += [_ROW.format(name, shape, n) for name, shape, n in rows]
    unique = sum(int(np.prod(p.shape)) for p in block.collect_params().values() if p.shape)
    lines += ["=" * 80, "Parameters in forward computation graph, duplicate included",
              f"   Total params: {totals['total']}",
              f"   Trainable params: {totals['trainable']}",
              f"   Non-trainable params: {totals['total'] - totals['trainable']}",
              f"Shared params in forward computation graph: {totals['shared']}",
              f"Unique parameters in model: {unique}", _RULE]
    print("\n".join(lines))
