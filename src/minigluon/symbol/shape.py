"""Shape inference over a graph: forward through each op's shape rule, backward (weights from
data) through its ``infer_args`` rule, until nothing changes."""

from __future__ import annotations

import warnings
from typing import Any

from ..base import MXNetError, op_error
from .graph import Entry, Node, name_node_in_error, topo_order

__all__ = ["infer_shape", "infer_node_shapes"]


def _given(node: Node) -> tuple | None:
    shape = node.attrs.get("__shape__")
    if shape is None:
        return None
    shape = tuple(shape)
    return shape if shape and all(d > 0 for d in shape) else None


def infer_node_shapes(outputs: list[Entry], known: dict[str, tuple],
                      targets: set[str] | None = None) -> dict[int, list]:
    """Shapes of every node's outputs, ``{id(node): [shape or None, ...]}``.

    ``known`` maps variable names to shapes. Raises MXNetError naming the op on a conflict.
    With ``targets`` (variable names), stops as soon as their shapes are known: deferred
    initialization needs nothing more, and the ops' own checks run when the graph does.
    """
    order = topo_order(outputs)
    shapes: dict[int, list] = {}
    for n in order:
        if n.is_var:
            s = known.get(n.name)
            shapes[id(n)] = [tuple(s) if s is not None else _given(n)]
        else:
            shapes[id(n)] = [None] * n.num_outputs()
    wanted = [shapes[id(n)] for n in order if n.is_var and targets is not None
              and n.name in targets]

    def done() -> bool:
        return targets is not None and all(w[0] is not None for w in wanted)

    if done():
        return shapes
    for _ in range(len(order) + 1):
        changed = False
        for n in order:
            if n.is_var:
                continue
            ins = [None if e is None else shapes[id(e[0])][e[1]] for e in n.inputs]
            present = [e is not None for e in n.inputs]
            if any(p and s is None for p, s in zip(present, ins)):
                changed |= _fill_inputs(n, ins, shapes)
                if done():
                    return shapes
                ins = [None if e is None else shapes[id(e[0])][e[1]] for e in n.inputs]
            if any(p and s is None for p, s in zip(present, ins)) or all(
                    s is not None for s in shapes[id(n)]):
                continue
            try:
                outs = n.op.infer_shape(*ins, **n.attrs)
            except MXNetError as e:
                name_node_in_error(e, n.name)  # a ShapeError stays a ShapeError
                raise
            except Exception as e:
                raise name_node_in_error(op_error(n.op, ins, e), n.name) from e
            shapes[id(n)] = [tuple(s) for s in outs]
            changed = True
        if not changed:
            break
    return shapes


def _fill_inputs(n: Node, ins: list, shapes: dict[int, list]) -> bool:
    try:
        full = n.op.infer_args(*ins, **n.attrs)
    except Exception:
        return False
    changed = False
    for e, old, new in zip(n.inputs, ins, full):
        if e is None or new is None:
            continue
        if old is None and e[0].is_var:
            shapes[id(e[0])][0] = tuple(new)
            changed = True
        elif old is not None and tuple(old) != tuple(new):
            raise MXNetError(f"Error in operator {n.name}: Shape inconsistent, "
                             f"Provided={tuple(old)}, inferred shape={tuple(new)}")
    return changed


def infer_shape(outputs: list[Entry], arg_names: list[str], aux_names: list[str],
                args: tuple, kwargs: dict[str, Any], partial: bool) -> tuple:
    """``(arg_shapes, out_shapes, aux_shapes)`` as ``Symbol.infer_shape`` returns them."""
    if args and kwargs:
        raise ValueError("infer_shape: pass shapes positionally or by name, not both")
    known = dict(zip(arg_names, args)) if args else dict(kwargs)
    unknown_names = [k for k in known if k not in arg_names and k not in aux_names]
    if unknown_names:
        raise MXNetError(f"infer_shape: {unknown_names} are not inputs of this symbol; its "
                         f"inputs are {arg_names + aux_names}")
    known = {k: tuple(v) for k, v in known.items() if v is not None}
    shapes = infer_node_shapes(outputs, known)
    by_name = {}
    for n in topo_order(outputs):
        if n.is_var:
            by_name[n.name] = shapes[id(n)][0]
    arg_shapes = [by_name.get(a) for a in arg_names]
    aux_shapes = [by_name.get(a) for a in aux_names]
    out_shapes = [shapes[id(n)][i] for n, i in outputs]
    if any(s is None for s in arg_shapes + aux_shapes + out_shapes):
        if partial:
            def fill(lst: list) -> list:
                return [s if s is not None else () for s in lst]

            return fill(arg_shapes), fill(out_shapes), fill(aux_shapes)
        missing = [f"{a}: {s}" for a, s in zip(arg_names, arg_shapes) if s is None]
        warnings.warn("Cannot decide shape for the following arguments (0s in shape means "
                      f"unknown dimensions). Consider providing them as input:\n\t"
                      f"{chr(10).join(missing)}", stacklevel=3)
        return None, None, None
    return arg_shapes, out_shapes, aux_shapes
