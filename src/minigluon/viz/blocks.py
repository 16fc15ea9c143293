"""Which Block made each node of a traced graph: the block tree ``plot_network`` draws as clusters.

A network is traced on Symbols while each block's ``forward`` is wrapped to note the Symbols it
received and returned. A block owns the nodes reachable from its outputs but not from its
inputs, minus what its children (which return first) already own. Node names cannot be used
instead: a block created outside its parent's ``name_scope`` (ResNet's bodies) has names that
do not start with its parent's prefix, and containers may have an empty prefix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..symbol.graph import Node, topo_order
from ..symbol.symbol import Symbol, var

__all__ = ["BlockInfo", "BlockTree", "trace_blocks", "drawn_count"]


@dataclass
class BlockInfo:
    """One block of the tree: its path (``''``, ``'body'``, ``'body.0'``), class and name."""

    path: str
    cls: str
    name: str
    level: int
    children: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        """``'Conv2D conv0'``; a block with no name of its own is named by its path's last key."""
        return f"{self.cls} {self.name or self.path.rsplit('.', 1)[-1] or 'net'}"


@dataclass
class BlockTree:
    """Blocks by path (parents before children) and the owning block path of each node id."""

    blocks: dict[str, BlockInfo]
    owner: dict[int, str]


def parent_path(path: str) -> str:
    """``'body.0'`` -> ``'body'`` -> ``''``."""
    return path.rsplit(".", 1)[0] if "." in path else ""


def _entries(x: Any) -> list:
    if isinstance(x, Symbol):
        return list(x._outputs)
    if isinstance(x, (list, tuple)):
        return [e for item in x for e in _entries(item)]
    if isinstance(x, dict):
        return [e for item in x.values() for e in _entries(item)]
    return []


def _reach(entries: list) -> set[int]:
    return {id(n) for n in topo_order(entries)} if entries else set()


def trace_blocks(block: Any, input_names: list[str]) -> tuple[Symbol, BlockTree]:
    """Call ``block`` on ``sym.var`` inputs; the output Symbol and who made each node.

    ``block`` is any Block whose forward accepts Symbols (every HybridBlock does).
    """
    named = list(block.named_blocks())
    by_id = {id(b): p for p, b in named}
    blocks = {p: BlockInfo(p, type(b).__name__, b.name, p.count(".") + (p != ""))
              for p, b in named}
    for p, info in blocks.items():
        if p:
            parent = blocks[parent_path(p)]
            parent.children.append(p)
            if info.name == parent.name:  # a container made with prefix='' in a name_scope
                info.name = ""
    calls: list[tuple[str, list, list]] = []  # (path, inputs, outputs), children first

    def wrap(b: Any) -> None:
        original = b.forward

        def forward(*args: Any) -> Any:
            out = original(*args)
            calls.append((by_id[id(b)], _entries(args), _entries(out)))
            return out

        object.__setattr__(b, "forward", forward)  # an instance attribute, removed below

    for _, b in named:
        wrap(b)
    try:
        out = block(*(var(n) for n in input_names))
    finally:
        for _, b in named:
            b.__dict__.pop("forward", None)
    owner: dict[int, str] = {}
    for path, inputs, outputs in calls:
        upstream = _reach(inputs)
        for n in topo_order(outputs):
            if id(n) not in upstream and id(n) not in owner:
                owner[id(n)] = path
    entries = _entries(out)
    if not entries:
        raise TypeError(f"plot_network: {type(block).__name__} returned no Symbol when called "
                        f"on Symbols (got {type(out).__name__})")
    return Symbol(entries) if not isinstance(out, Symbol) else out, BlockTree(blocks, owner)


def drawn_count(tree: BlockTree, order: list[Node], hidden: set[int]) -> dict[str, int]:
    """Drawn nodes per block path, descendants included."""
    count = dict.fromkeys(tree.blocks, 0)
    for n in order:
        p = tree.owner.get(id(n))
        if p is None or id(n) in hidden:
            continue
        while True:
            count[p] += 1
            if not p:
                break
            p = parent_path(p)
    return count
