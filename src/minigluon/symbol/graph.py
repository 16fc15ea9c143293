"""The graph as plain data: nodes, entries, topological order, auxiliary-state detection."""

from __future__ import annotations

from ..ops import registry

__all__ = ["Node", "Entry", "topo_order", "aux_vars", "name_node_in_error"]

Entry = tuple["Node", int]


class Node:
    """One graph node: an op application, or a variable when ``op`` is None.

    ``attrs`` are the op's attributes (a variable's ``__shape__``, ``__lr_mult__``, ...);
    ``meta`` holds the user's string attributes of an op node (``attr=``, ``AttrScope``),
    which the op itself never sees.
    """

    __slots__ = ("attrs", "inputs", "meta", "name", "op")

    def __init__(self, op: registry.Op | None, name: str, attrs: dict,
                 inputs: list[Entry | None], meta: dict | None = None) -> None:
        self.op = op
        self.name = name
        self.attrs = attrs
        self.inputs = inputs
        self.meta = meta if meta is not None else {}

    @property
    def is_var(self) -> bool:
        return self.op is None

    def num_outputs(self) -> int:
        return 1 if self.op is None else self.op.n_visible(self.attrs)

    def output_name(self, i: int) -> str:
        if self.op is None:
            return self.name
        return f"{self.name}_output" if self.num_outputs() == 1 else f"{self.name}_output{i}"

    def __repr__(self) -> str:
        return f"<Node {self.name} ({'var' if self.op is None else self.op.name})>"


def topo_order(entries: list[Entry]) -> list[Node]:
    """Nodes reachable from ``entries``, inputs before users, in MXNet's DFS order."""
    order: list[Node] = []
    seen: set[int] = set()
    for node, _ in entries:
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack: list[tuple[Node, int]] = [(node, 0)]
        while stack:
            n, i = stack.pop()
            if i < len(n.inputs):
                stack.append((n, i + 1))
                e = n.inputs[i]
                if e is not None and id(e[0]) not in seen:
                    seen.add(id(e[0]))
                    stack.append((e[0], 0))
            else:
                order.append(n)
    return order


def aux_vars(order: list[Node]) -> set[int]:
    """ids of variables that feed an op input the op mutates (BatchNorm moving stats)."""
    aux: set[int] = set()
    for n in order:
        if n.op is not None:
            for i in n.op.mutates:
                if i < len(n.inputs) and n.inputs[i] is not None and n.inputs[i][0].is_var:
                    aux.add(id(n.inputs[i][0]))
    return aux


def name_node_in_error(e: Exception, node_name: str) -> Exception:
    """Prefix ``e``'s message with the graph node it came from, in place (once).

    The exception keeps its type, so an error raised while a graph runs (or its shapes are
    inferred) is caught by the same ``except`` as the same error raised imperatively.
    """
    prefix = f"Error in operator {node_name}: "
    if e.args and isinstance(e.args[0], str) and not e.args[0].startswith("Error in operator "):
        e.args = (prefix + e.args[0], *e.args[1:])
    return e
