"""Shape and type inference over a graph, with partly known shapes as MXNet has them.

A shape is ``None`` (nothing known) or a tuple whose ``0`` entries are unknown dimensions
(MXNet's legacy convention). Every pass over the nodes lets each op refine what it can: the
outputs from the inputs (its shape rule), parameter inputs from the data (``infer_args``:
weights from the data shape), and, for the ops that declare it (``def_partial_shape``), inputs
from known outputs (a FullyConnected's batch size from the layer after it). Elementwise ops
make their inputs and output agree dimension by dimension. The passes repeat until nothing
changes; two different known sizes for one dimension raise an error naming the op.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ..base import MXNetError, op_error
from ..ops.registry import same_shape
from .graph import Entry, Node, name_node_in_error, topo_order

__all__ = ["infer_shape", "infer_node_shapes", "infer_type", "complete", "merge"]

# ops whose inputs and output all have one shape (MXNet's ElemwiseShape)
_ELEMWISE = {"elemwise_add", "elemwise_sub", "elemwise_mul", "elemwise_div", "add_n",
             "_identity_with_attr_like_rhs"}
# ops that infer nothing until their inputs are complete (MXNet's where needs the condition)
_NEEDS_COMPLETE = {"where"}


def complete(shape: tuple | None) -> bool:
    """True when every dimension of ``shape`` is known."""
    return shape is not None and all(d > 0 for d in shape)


def merge(old: tuple | None, new: tuple | None, where: str) -> tuple | None:
    """The dimension-wise union of two partial shapes; MXNetError if they disagree."""
    if new is None:
        return old
    new = tuple(int(d) for d in new)
    if old is None:
        return new
    if len(old) != len(new) or any(a and b and a != b for a, b in zip(old, new)):
        raise MXNetError(f"Error in operator {where}: Shape inconsistent, Provided={old}, "
                         f"inferred shape={new}")
    return tuple(a or b for a, b in zip(old, new))


def _given(node: Node) -> tuple | None:
    shape = node.attrs.get("__shape__")
    return None if shape is None or not len(shape) else tuple(shape)


class _Shapes:
    """The shape of every entry ``(node, i)`` being inferred, and whether any changed."""

    def __init__(self) -> None:
        self.by_entry: dict[tuple[int, int], tuple | None] = {}
        self.changed = False

    def get(self, e: Entry | None) -> tuple | None:
        return None if e is None else self.by_entry.get((id(e[0]), e[1]))

    def put(self, e: Entry | None, shape: tuple | None, where: str) -> None:
        if e is None or shape is None:
            return
        key = (id(e[0]), e[1])
        old = self.by_entry.get(key)
        new = merge(old, shape, where)
        if new != old:
            self.by_entry[key] = new
            self.changed = True


def _step(n: Node, shapes: _Shapes, stop: Any = lambda: False) -> None:
    """Let node ``n`` refine the shapes of its inputs and outputs (until ``stop()``)."""
    op = n.op
    outs = [(n, i) for i in range(n.num_outputs())]
    present = [e for e in n.inputs if e is not None]
    if op.name in _ELEMWISE or (op.shape_fn is same_shape and present):
        group = (present if op.name in _ELEMWISE else present[:1]) + outs[:1]
        for e in group:
            for other in group:
                shapes.put(e, shapes.get(other), n.name)
    ins = [shapes.get(e) for e in n.inputs]
    attrs = {**op.attr_defaults, **n.attrs}
    if op.args_fn is not None and any(e is not None and not complete(s)
                                      for e, s in zip(n.inputs, ins)):
        try:
            full = op.args_fn(*ins, **attrs)
        except Exception:
            full = None
        for e, s in zip(n.inputs, full or ()):
            shapes.put(e, s, n.name)
        if stop():
            return
        ins = [shapes.get(e) for e in n.inputs]
    if op.partial_fn is not None:
        new_ins, new_outs = op.partial_fn(ins, [shapes.get(e) for e in outs], **attrs)
        for e, s in zip(n.inputs, new_ins):
            shapes.put(e, s, n.name)
        for e, s in zip(outs, new_outs):
            shapes.put(e, s, n.name)
        ins = [shapes.get(e) for e in n.inputs]
    if any(e is not None and s is None for e, s in zip(n.inputs, ins)):
        return
    full_known = all(complete(s) for e, s in zip(n.inputs, ins) if e is not None)
    if not full_known and op.name in _NEEDS_COMPLETE:
        return
    if full_known and all(complete(shapes.get(e)) for e in outs):
        return
    try:
        out_shapes = op.infer_shape(*ins, **n.attrs)
    except MXNetError as e:
        if not full_known:
            return  # a rule may not cope with unknown dimensions: nothing learnt
        name_node_in_error(e, n.name)  # a ShapeError stays a ShapeError
        raise
    except Exception as e:
        if not full_known:
            return
        raise name_node_in_error(op_error(op, ins, e), n.name) from e
    for e, s in zip(outs, out_shapes):
        shapes.put(e, s, n.name)


def infer_node_shapes(outputs: list[Entry], known: dict[str, tuple],
                      targets: set[str] | None = None, seed_partial: bool = False
                      ) -> dict[int, list]:
    """Shapes of every node's outputs, ``{id(node): [shape or None, ...]}``.

    ``known`` maps variable names to shapes (0 = unknown dimension). Raises MXNetError naming
    the op on a conflict. With ``targets`` (variable names), stops as soon as their shapes are
    complete: deferred initialization needs nothing more, and the ops' own checks run when the
    graph does. ``seed_partial``: variables' declared shapes with unknown (0) dimensions
    constrain the inference too (``Symbol.infer_shape``); Gluon reports a declared shape
    that does not fit itself, after inference.
    """
    order = topo_order(outputs)
    shapes = _Shapes()
    for n in order:
        if n.is_var:
            s = known.get(n.name)
            if s is None:
                s = _given(n)
                s = s if seed_partial or complete(s) else None
            shapes.put((n, 0), s, n.name)
    wanted = [n for n in order if n.is_var and targets is not None and n.name in targets]

    def done() -> bool:
        return targets is not None and all(complete(shapes.get((n, 0))) for n in wanted)

    for _ in range(len(order) + 2):
        if done():
            break
        shapes.changed = False
        for n in order:
            if not n.is_var:
                _step(n, shapes, done)
                if done():
                    break
        if not shapes.changed:
            break
    return {id(n): [shapes.get((n, i)) for i in range(n.num_outputs())] for n in order}


def infer_shape(outputs: list[Entry], arg_names: list[str], aux_names: list[str],
                args: tuple, kwargs: dict[str, Any], partial: bool,
                np_shape: bool = False) -> tuple:
    """``(arg_shapes, out_shapes, aux_shapes)`` as ``Symbol.infer_shape`` returns them.

    ``np_shape`` (numpy shape semantics): given shapes mark unknown dimensions with -1 and
    unknown shapes come back as None; otherwise unknown dimensions are 0 and unknown shapes
    ``()``.
    """
    if args and kwargs:
        raise ValueError("infer_shape: pass shapes positionally or by name, not both")
    known = dict(zip(arg_names, args)) if args else dict(kwargs)
    unknown_names = [k for k in known if k not in arg_names and k not in aux_names]
    if unknown_names:
        raise MXNetError(f"infer_shape: {unknown_names} are not inputs of this symbol; its "
                         f"inputs are {arg_names + aux_names}")
    for k, v in known.items():
        if v is not None and not isinstance(v, (tuple, list)):
            raise TypeError(f"Arguments need to be shapes (tuple), but argument '{k}' is {v!r}")
    known = {k: tuple(0 if np_shape and d == -1 else int(d) for d in v)
             for k, v in known.items() if v is not None}
    shapes = infer_node_shapes(outputs, known, seed_partial=True)
    by_name = {n.name: shapes[id(n)][0] for n in topo_order(outputs) if n.is_var}
    arg_shapes = [by_name.get(a) for a in arg_names]
    aux_shapes = [by_name.get(a) for a in aux_names]
    out_shapes = [shapes[id(n)][i] for n, i in outputs]
    if partial:
        def show(s: tuple | None) -> tuple | None:
            if np_shape:
                return None if s is None else tuple(d if d else -1 for d in s)
            return () if s is None else s

        return ([show(s) for s in arg_shapes], [show(s) for s in out_shapes],
                [show(s) for s in aux_shapes])
    if not all(complete(s) for s in arg_shapes + aux_shapes + out_shapes):
        missing = [f"{a}: {s or ()}" for a, s in zip(arg_names, arg_shapes) if not complete(s)]
        warnings.warn("Cannot decide shape for the following arguments (0s in shape means "
                      f"unknown dimensions). Consider providing them as input:\n\t"
                      f"{chr(10).join(missing)}", stacklevel=3)
        return None, None, None
    return arg_shapes, out_shapes, aux_shapes


# MXNet's type codes, as a saved graph's "__dtype__" attribute holds them
_TYPE_CODES = {"0": "float32", "1": "float64", "2": "float16", "3": "uint8", "4": "int32",
               "5": "int8", "6": "int64", "12": "bool"}


def _var_dtype(value: Any) -> Any:
    if value is None or not isinstance(value, str):
        return value
    try:
        return np.dtype(_TYPE_CODES.get(value, value))
    except TypeError:
        return None


def infer_type(outputs: list[Entry], arg_names: list[str], aux_names: list[str],
               args: tuple, kwargs: dict[str, Any], partial: bool) -> tuple:
    """``(arg_types, out_types, aux_types)`` as ``Symbol.infer_type`` returns them.

    Types flow forward: an op's outputs take the type of its first typed input unless it
    sets one (``Cast``'s ``dtype``), and its untyped variable inputs (weights) take that
    type too. Unless ``partial``, any unknown type gives ``(None, None, None)``.
    """
    known = dict(zip(arg_names, args)) if args else dict(kwargs)
    known = {k: np.dtype(v).type for k, v in known.items() if v is not None}
    order = topo_order(outputs)
    types: dict[tuple[int, int], Any] = {}
    for n in order:
        if n.is_var:
            t = known.get(n.name, _var_dtype(n.attrs.get("__dtype__")))
            if t is not None:
                types[(id(n), 0)] = np.dtype(t).type
    for n in order:
        if n.is_var:
            continue
        ins = [None if e is None else types.get((id(e[0]), e[1])) for e in n.inputs]
        first = next((t for t in ins if t is not None), None)
        dtype = n.attrs.get("dtype")
        if n.op.name in ("Cast", "cast", "amp_cast") and dtype is not None:
            out_t = np.dtype(dtype).type
        else:
            out_t = first
        if n.op.name not in ("Cast", "cast", "amp_cast"):
            for e, t in zip(n.inputs, ins):
                if e is not None and t is None and e[0].is_var and first is not None:
                    types[(id(e[0]), 0)] = first
        for i in range(n.num_outputs()):
            if out_t is not None:
                types[(id(n), i)] = out_t
    by_name = {n.name: types.get((id(n), 0)) for n in order if n.is_var}
    arg_t = [by_name.get(a) for a in arg_names]
    aux_t = [by_name.get(a) for a in aux_names]
    out_t = [types.get((id(n), i)) for n, i in outputs]
    if not partial and any(t is None for t in arg_t + aux_t + out_t):
        return None, None, None
    return arg_t, out_t, aux_t
