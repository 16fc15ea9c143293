"""Parameter shapes of the NN ops from their data input: what deferred initialization asks.

A Gluon layer built without ``in_units``/``in_channels`` holds Parameters of partly unknown shape
until its first forward pass. When such a Parameter reaches an op (``gluon/parameter.py``,
``_resolve_deferred``), the op's ``infer_args`` completes the unknown input shapes from the known
ones; the rules below are the MXNet ones (``FullyConnectedShape``, ``ConvolutionShape``, ...).

Each rule is ``fn(*in_shapes, **attrs) -> in_shapes`` with ``None`` for unknown inputs;
:func:`attach` gives each registered op its rule (unless the op defines its own).
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from .registry import _REGISTRY

__all__ = ["attach"]

Shape = tuple | None
_RULES: dict[str, Callable[..., list]] = {}


def _rule(op_name: str) -> Callable[[Callable[..., list]], Callable[..., list]]:
    def record(fn: Callable[..., list]) -> Callable[..., list]:
        _RULES[op_name] = fn
        return fn

    return record


def attach() -> None:
    """Attach every rule to its op (called by ``ops/__init__`` once all ops are registered)."""
    for name, fn in _RULES.items():
        op = _REGISTRY.get(name)
        if op is not None and op.args_fn is None:
            op.def_infer_args(fn)


def _channel_axis(layout: Any) -> int:
    return layout.find("C") if isinstance(layout, str) and "C" in layout else 1


@_rule("FullyConnected")
def _fully_connected(data: Shape, weight: Shape = None, bias: Shape = None, *,
                     num_hidden: int, no_bias: bool = False, flatten: bool = True,
                     **_: Any) -> list[Shape]:
    if data is None:
        return [data, weight, bias]
    in_units = math.prod(data[1:]) if flatten else data[-1]
    return [data, (num_hidden, in_units), None if no_bias else (num_hidden,)]


@_rule("Convolution")
def _convolution(data: Shape, weight: Shape = None, bias: Shape = None, *, kernel: Any,
                 num_filter: int, num_group: int = 1, no_bias: bool = False,
                 layout: Any = None, **_: Any) -> list[Shape]:
    if data is None:
        return [data, weight, bias]
    kernel = tuple(kernel)
    axis = _channel_axis(layout)
    per_group = data[axis] // num_group
    # MXNet keeps the weight in the data's layout: OIHW for NCHW, OHWI for NHWC.
    w = (num_filter, per_group, *kernel) if axis == 1 else (num_filter, *kernel, per_group)
    return [data, w, None if no_bias else (num_filter,)]


@_rule("Deconvolution")
def _deconvolution(data: Shape, weight: Shape = None, bias: Shape = None, *, kernel: Any,
                   num_filter: int, num_group: int = 1, no_bias: bool = True,
                   layout: Any = None, **_: Any) -> list[Shape]:
    if data is None:
        return [data, weight, bias]
    kernel = tuple(kernel)
    axis = _channel_axis(layout)
    per_group = num_filter // num_group
    w = (data[axis], per_group, *kernel) if axis == 1 else (data[axis], *kernel, per_group)
    return [data, w, None if no_bias else (num_filter,)]


@_rule("BatchNorm")
def _batch_norm(data: Shape, *params: Shape, axis: int = 1, **_: Any) -> list[Shape]:
    if data is None:
        return [data, *params]
    c = (data[axis],)
    return [data, c, c, c, c]


@_rule("LayerNorm")
def _layer_norm(data: Shape, *params: Shape, axis: int = -1, **_: Any) -> list[Shape]:
    if data is None:
        return [data, *params]
    return [data, (data[axis],), (data[axis],)]


@_rule("InstanceNorm")
def _instance_norm(data: Shape, *params: Shape, **_: Any) -> list[Shape]:
    if data is None:
        return [data, *params]
    return [data, (data[1],), (data[1],)]


@_rule("Embedding")
def _embedding(data: Shape, weight: Shape = None, *, input_dim: int, output_dim: int,
               **_: Any) -> list[Shape]:
    return [data, (input_dim, output_dim)]


@_rule("LeakyReLU")
def _leaky_relu(data: Shape, gamma: Shape = None, *, act_type: str = "leaky",
                **_: Any) -> list[Shape]:
    # Only 'prelu' has a learnable gamma: one slope per channel (axis 1).
    if data is None or act_type != "prelu":
        return [data, gamma]
    return [data, (data[1] if len(data) > 1 else 1,)]
