"""Deferred initialization: Parameters whose shapes are known only once data arrives.

A layer built without ``in_units``/``in_channels`` holds Parameters with 0s in their shapes.
:func:`finish_deferred` is the one place they get their shapes and values: shape inference
over a graph (forward through the ops' shape rules, backward through their ``infer_args``) from
the shapes of the data, then each Parameter's own initializer. Its callers differ only in the
graph they pass:

- an op run imperatively that receives a :class:`DeferredArray` (what a deferred Parameter
  passes to ``hybrid_forward(nd, ...)``): a graph of that one op;
- the first call of a hybridized block or of a SymbolBlock (``HybridCache``): the traced graph;
- ``HybridBlock.infer_shape``: the traced graph, shapes only.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..ops.dispatch import invoke, register_handler
from ..symbol.graph import Entry, Node, topo_order
from ..symbol.shape import infer_node_shapes

__all__ = ["DeferredArray", "finish_deferred"]


def finish_deferred(outputs: Sequence[Entry], data_shapes: Mapping[str, tuple],
                    params: Iterable[Any], where: str, initialize: bool = True) -> None:
    """Infer the shapes of the deferred ``params`` of a graph, set them and initialize them.

    ``data_shapes`` gives the shapes of the graph's data variables; Parameters whose shapes
    are known constrain the inference too. With ``initialize=False`` only the shapes of
    Parameters with unknown dimensions are set (``HybridBlock.infer_shape``). ``where`` names
    the op or block for the error raised when a shape cannot be inferred.
    """
    params = list(params)
    if initialize:
        pending = [p for p in params if p._data is None and p._deferred_init is not None]
        if not pending:
            return
    else:
        pending = [p for p in params if not p._shape_known()]
    known = {p.name: p.shape for p in params if p._shape_known()}
    known.update(data_shapes)
    # Initializing needs only the pending shapes (the ops check the rest when they run);
    # infer_shape runs the whole inference, so a bad input shape is reported there.
    shapes = infer_node_shapes(list(outputs), known,
                               targets={p.name for p in pending} if initialize else None)
    inferred = {n.name: shapes[id(n)][0] for n in topo_order(list(outputs)) if n.is_var}
    given = ", ".join(f"{k}={tuple(v)}" for k, v in data_shapes.items())
    for p in pending:
        s = inferred.get(p.name)
        if s is None or not all(d > 0 for d in s):
            raise ValueError(
                "Deferred initialization failed because shape cannot be inferred. Parameter "
                f"'{p.name}' (shape {p.shape}) of {where}: no op determines it from the input "
                f"shapes ({given}); declare it (in_units, in_channels, ...) or set its shape")
        try:
            p.shape = s
        except ValueError as e:
            raise ValueError(
                f"Deferred initialization of Parameter '{p.name}': the input (shapes {given}) "
                f"needs shape {tuple(s)}, but the layer was declared with {p.shape}. {e}"
            ) from None
        if initialize:
            p._finish_deferred_init()


class DeferredArray:
    """Stands in for a deferred Parameter in a forward pass until an op reveals its shape.

    ``invoke`` routes any op that receives one to this module: the op, as a graph of one node,
    goes through :func:`finish_deferred`, and then runs on the initialized Parameters.
    """

    __slots__ = ("param",)

    def __init__(self, param: Any) -> None:
        self.param = param

    @property
    def shape(self) -> tuple | None:
        return self.param.shape


def _run_with_deferred(op: Any, arrays: tuple, attrs: dict, out: Any, name: Any) -> Any:
    """``invoke``'s handler for an op given DeferredArrays: initialize them, then run the op."""
    inputs: list[Entry | None] = []
    data_shapes: dict[str, tuple] = {}
    params = []
    n_names = len(op.array_params)
    for i, a in enumerate(arrays):
        if a is None:
            inputs.append(None)
            continue
        if isinstance(a, DeferredArray):
            var = a.param.name
            params.append(a.param)
        else:
            var = op.array_params[min(i, n_names - 1)].name  # 'data', 'weight', ...
            var = var if var not in data_shapes else f"{var}[{i}]"
            data_shapes[var] = a.shape
        inputs.append((Node(None, var, {}, []), 0))
    node = Node(op, op.name, dict(attrs), inputs)
    finish_deferred([(node, 0)], data_shapes, params, f"op {op.name}")
    real = tuple(a.param.data() if isinstance(a, DeferredArray) else a for a in arrays)
    return invoke(op, real, attrs, out, name)


register_handler(DeferredArray, _run_with_deferred, resolver=True)
