"""Common subexpression elimination: one node for each distinct (op, attributes, inputs).

What an executor runs by default, as MXNet 1.9 does (``MXNET_ELIMINATE_COMMON_EXPR=0`` turns it
off). Ops that draw random numbers, read the training mode or update inputs in place are never
merged: two Dropouts of one input are two different masks. When merging makes two graph outputs
the same value, the later ones become copies, so every output is still its own array.
"""

from __future__ import annotations

import os

from ..ops import registry
from .graph import Entry, Node, topo_order

__all__ = ["eliminate_common_expr", "cse_enabled"]


def cse_enabled() -> bool:
    """Whether executors eliminate common expressions (``MXNET_ELIMINATE_COMMON_EXPR``)."""
    return os.environ.get("MXNET_ELIMINATE_COMMON_EXPR", "1") != "0"


def _mergeable(op: registry.Op) -> bool:
    return not (op.mutates or op.uses_train_mode or op.namespace == "random"
                or op.family.endswith(".sampling"))


def eliminate_common_expr(outputs: list[Entry]) -> list[Entry]:
    """The outputs of an equivalent graph in which equal expressions are computed once."""
    memo: dict[int, Node] = {}
    table: dict[tuple, Node] = {}
    for n in topo_order(outputs):
        if n.is_var:
            memo[id(n)] = n
            continue
        ins = [None if e is None else (memo[id(e[0])], e[1]) for e in n.inputs]
        key = (n.op.name, repr(sorted(n.attrs.items())),
               tuple(None if e is None else (id(e[0]), e[1]) for e in ins))
        if _mergeable(n.op) and key in table:
            memo[id(n)] = table[key]
            continue
        memo[id(n)] = Node(n.op, n.name, dict(n.attrs), ins, dict(n.meta))
        if _mergeable(n.op):
            table[key] = memo[id(n)]
    copy = registry.get("identity")
    seen: set[tuple[int, int]] = set()
    result: list[Entry] = []
    for n, i in outputs:
        e = (memo[id(n)], i)
        if (id(e[0]), i) in seen and not e[0].is_var:
            e = (Node(copy, f"{e[0].name}_copy{len(result)}", {}, [e]), 0)
        seen.add((id(e[0]), e[1]))
        result.append(e)
    return result
