"""Parameter shapes of the NN ops from their data input: what deferred initialization asks.

A Gluon layer built without ``in_units``/``in_channels`` holds Parameters of partly unknown shape
until its first forward pass. When such a Parameter reaches an op (``gluon/parameter.py``,
``_resolve_deferred``), the op's ``infer_args`` completes the unknown input shapes from the known
ones; the rules below are the MXNet ones (``FullyConnectedShape``, ``ConvolutionShape``, ...).

Each rule is ``fn(*in_shapes, **attrs) -> in_shapes`` with ``None`` for unknown inputs; it is
attached to the op if that op is registered (this module is imported after ``ops.nn``).
"""

from __future__ import annotations

import importlib
import importlib.util
import math
from collections.abc import Callable
from typing import Any

from .registry import _REGISTRY

# The rules attach to the ops of ops/nn.py, which must be registered first.
if importlib.util.find_spec(f"{__package__}.nn") is not None:
    importlib.import_module(f"{__package__}.nn")

__all__: list[str] = []

Shape = tuple | None


def _rule(op_name: str) -> Callable[[Callable[..., list]], Callable[..., list]]:
    def attach(fn: Callable[..., list]) -> Callable[..., list]:
        op = _REGISTRY.get(op_name)
        if op is not None:
            op.def_infer_args(fn)
        return fn

    return attach


def _channel_axis(layout: Any, ndim: int) -> int:
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
    axis = _channel_axis(layout, len(data))
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
    axis = _channel_axis(layout, len(data))
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
