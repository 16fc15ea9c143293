"""Graph JSON in MXNet's nnvm layout (``nodes``, ``arg_nodes``, ``heads``), attributes as strings.

Attribute strings are read back with ``ast.literal_eval`` (numbers, tuples, bools, None) and kept
as plain strings otherwise; nothing is executed or unpickled.
"""

from __future__ import annotations

import ast
import json
from typing import Any

from ..base import MXNetError
from ..ops import registry
from ..util import is_np_shape
from .graph import Entry, Node, topo_order

__all__ = ["to_json", "from_json"]

_VERSION = ["int", 10901]  # MXNet 1.9.1


def _attr_str(v: Any) -> str:
    return v if isinstance(v, str) else repr(v)


def _attr_value(s: str) -> Any:
    try:
        return ast.literal_eval(s)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return s


def to_json(outputs: list[Entry]) -> str:
    """The graph of ``outputs`` as a JSON string."""
    order = topo_order(outputs)
    index = {id(n): i for i, n in enumerate(order)}
    nodes = []
    for n in order:
        entry: dict[str, Any] = {"op": "null" if n.is_var else n.op.name, "name": n.name,
                                 "inputs": [[-1, 0, 0] if e is None else [index[id(e[0])], e[1], 0]
                                            for e in n.inputs]}
        attrs = {k: _attr_str(v) for k, v in n.attrs.items() if not callable(v)}
        attrs.update(n.meta)
        if attrs:
            entry["attrs"] = attrs
        nodes.append(entry)
    graph = {"nodes": nodes,
             "arg_nodes": [i for i, n in enumerate(order) if n.is_var],
             "node_row_ptr": list(range(len(order) + 1)),
             "heads": [[index[id(n)], i, 0] for n, i in outputs],
             "attrs": {"mxnet_version": _VERSION}}
    if is_np_shape():  # as MXNet >= 1.6 marks graphs saved under numpy shape semantics
        graph["attrs"]["is_np_shape"] = ["int", 1]
    return json.dumps(graph, indent=2)


def from_json(text: str) -> list[Entry]:
    """Output entries of the graph in ``text`` (raises MXNetError on malformed input)."""
    try:
        graph = json.loads(text)
        raw_nodes, heads = graph["nodes"], graph["heads"]
    except (ValueError, KeyError, TypeError) as e:
        raise MXNetError(f"load_json: not a symbol JSON document ({e})") from None
    nodes: list[Node] = []
    for k, raw in enumerate(raw_nodes):
        try:
            op_name, name = raw["op"], raw["name"]
            attrs = {key: _attr_value(v) for key, v in
                     (raw.get("attrs") or raw.get("param") or {}).items()}
            inputs = [None if i[0] < 0 else (nodes[i[0]], int(i[1])) for i in raw["inputs"]]
        except (KeyError, TypeError, IndexError) as e:
            raise MXNetError(f"load_json: node {k} is malformed ({e})") from None
        op = None if op_name == "null" else _op(op_name)
        if op is None:  # a variable's attributes are strings, apart from its shape
            attrs = {key: v if key == "__shape__" else str(raw_v)
                     for (key, v), raw_v in zip(attrs.items(),
                                                (raw.get("attrs") or raw.get("param") or
                                                 {}).values())}
        meta = {}
        if op is not None:  # user attributes (attr=, AttrScope) stay strings, apart from the op's
            meta = {key: str(v) if not isinstance(v, str) else v
                    for key, v in (raw.get("attrs") or raw.get("param") or {}).items()
                    if key not in op.attr_names}
            attrs = {key: v for key, v in attrs.items() if key in op.attr_names}
        nodes.append(Node(op, name, attrs, inputs, meta))
    try:
        return [(nodes[h[0]], int(h[1])) for h in heads]
    except (IndexError, TypeError) as e:
        raise MXNetError(f"load_json: bad heads ({e})") from None


def _op(name: str) -> registry.Op:
    try:
        return registry.get(name)
    except KeyError:
        for op in registry.all_ops():
            if name in op.aliases:
                return op
        raise MXNetError(f"load_json: unknown operator '{name}'") from None
