"""``register_op_hook``: call a function with every op's inputs and outputs in a hybridized graph.

The names given to the callback are MXNet's, so monitoring code written for MXNet keeps
working: ``<node>_output`` for ops that name their outputs (the layers' ops) and ``<node>_<i>``
for the others; inputs ``<node>_<argument>`` (``data``, ``weight``, ``lhs``...) where MXNet
names the op's arguments, ``<node>_input<i>`` for the unary math ops that do not, and
``<node>_arg<i>`` for the arrays of a variadic op (``Concat``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..ndarray import NDArray

__all__ = ["make_monitor"]

# Ops whose single 'data' argument MXNet names (the others' unary input is 'input0').
_NAMED_DATA = frozenset({
    "FullyConnected", "Convolution", "Deconvolution", "Pooling", "BatchNorm", "Dropout",
    "LeakyReLU", "Embedding", "LayerNorm", "InstanceNorm", "GroupNorm", "softmax",
    "log_softmax", "SoftmaxActivation", "SoftmaxOutput", "LRN", "UpSampling", "ROIPooling"})
# Ops whose outputs MXNet names 'output' (the others' are numbered).
_NAMED_OUTPUT = _NAMED_DATA | {"Activation", "concat", "SliceChannel", "split"}


def _mxnet_op_name(op: Any) -> str:
    # MXNet's canonical name is the capitalised one where ours is lower case (reshape/Reshape)
    return next((a for a in op.aliases if a[:1].isupper()), op.name)


def _input_names(op: Any, n: int) -> list[str]:
    if op.variadic:
        return [f"arg{i}" for i in range(n)]
    names = [p.name for p in op.array_params][:n]
    if names == ["data"] and op.name not in _NAMED_DATA:
        return ["input0"]
    return names


def make_monitor(callback: Callable[[str, str, NDArray], Any], monitor_all: bool
                 ) -> Callable[[str, Any, list, list], None]:
    """What a planned graph calls after each op: ``callback(name, op name, array)`` per array.

    Outputs only, or (``monitor_all``) the inputs first and then the outputs.
    """

    def monitor(node: str, op: Any, inputs: list, outputs: list) -> None:
        op_name = _mxnet_op_name(op)
        if monitor_all:
            for name, a in zip(_input_names(op, len(inputs)), inputs):
                if a is not None:
                    callback(f"{node}_{name}", op_name, NDArray(a))
        visible = outputs[:len(outputs) - op.num_hidden]
        for i, a in enumerate(visible):
            suffix = "output" if op.name in _NAMED_OUTPUT else str(i)
            if op.name in _NAMED_OUTPUT and len(visible) > 1:
                suffix = f"output{i}"
            callback(f"{node}_{suffix}", op_name, NDArray(a))

    return monitor
