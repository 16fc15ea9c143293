"""Network diagrams and summaries of Symbol graphs: ``plot_network`` and ``print_summary``.

See Also
--------
plot_network, print_summary
minigluon.gluon.Block.summary : A summary of a Block, from its forward.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..symbol.graph import Node, aux_vars, topo_order
from ..symbol.shape import infer_node_shapes
from ..symbol.symbol import Symbol
from .blocks import BlockInfo, BlockTree, drawn_count, trace_blocks

__all__ = ["plot_network", "print_summary"]

# Fill colours by op family, as in MXNet's plot_network (colour-blind safe palette).
_COLOURS = {"FullyConnected": "#fb8072", "Convolution": "#fb8072", "Deconvolution": "#fb8072",
            "Activation": "#ffffb3", "LeakyReLU": "#ffffb3", "relu": "#ffffb3",
            "BatchNorm": "#bebada", "LayerNorm": "#bebada", "InstanceNorm": "#bebada",
            "Pooling": "#80b1d3", "Concat": "#fdb462", "concat": "#fdb462",
            "Flatten": "#fdb462", "flatten": "#fdb462", "reshape": "#fdb462",
            "softmax": "#b3de69", "SoftmaxActivation": "#b3de69", "Dropout": "#d9d9d9"}


def _param_vars(order: list[Node], data_names: set[str]) -> set[int]:
    return {id(n) for n in order if n.is_var and n.name not in data_names}


def _node_table(symbol: Symbol, shape: dict | None) -> tuple[list[Node], dict, dict, set]:
    order = topo_order(symbol._outputs)
    shapes = infer_node_shapes(symbol._outputs, dict(shape or {})) if shape else {}
    data_names = set(shape or {}) or {order[0].name}
    params = _param_vars(order, data_names)
    counts: dict[int, int] = {}
    for n in order:
        if n.is_var:
            continue
        total = 0
        for e in n.inputs:
            if e is not None and id(e[0]) in params and shapes:
                s = shapes[id(e[0])][0]
                total += int(np.prod(s)) if s else 0
        counts[id(n)] = total
    return order, shapes, counts, params


def _label(n: Node) -> str:
    op = n.op.name if n.op is not None else "var"
    a = n.attrs
    if op == "Convolution":
        k = "x".join(str(d) for d in a.get("kernel", ()))
        s = "x".join(str(d) for d in a.get("stride", ()) or (1,))
        return f"Convolution\n{k}/{s}, {a.get('num_filter')}"
    if op == "FullyConnected":
        return f"FullyConnected\n{a.get('num_hidden')}"
    if op == "Pooling":
        k = "x".join(str(d) for d in a.get("kernel", ()))
        return f"Pooling\n{a.get('pool_type', 'max')}, {'global' if a.get('global_pool') else k}"
    if op == "Activation":
        return f"Activation\n{a.get('act_type')}"
    return op


def plot_network(symbol: Symbol | Any, title: str = "plot", save_format: str = "pdf",
                 shape: dict | None = None, dtype: Any = None, node_attrs: dict | None = None,
                 hide_weights: bool = True, *, depth: int | None = None) -> Any:
    """A ``graphviz.Digraph`` of the graph: one box per op, edges labelled with shapes.

    Each op box shows the layer type and its main attributes; with ``shape`` (input shapes by
    name) the edges carry the tensor shapes and each box its parameter count. Rendering to an
    image needs the Graphviz ``dot`` program; building the Digraph does not.

    Given a Block instead of a Symbol (an extension: MXNet takes Symbols only), the network is
    traced on ``sym.var`` inputs named by ``shape``'s keys (``'data'`` without ``shape``) and
    every Block that makes two or more boxes is drawn as a cluster (Graphviz subgraph
    ``cluster_<prefix>``, labelled with its class and name), nested as the blocks nest. A Block
    that makes a single op stays a plain box.

    Parameters
    ----------
    symbol : Symbol or Block
        The graph (``net(sym.var('data'))``), or the network itself for clusters by block.
    title : str, default 'plot'
        Name of the Graphviz graph: the file name ``.render()`` writes (``plot.pdf``).
    save_format : str, default 'pdf'
        Format ``.render()`` writes: any Graphviz output format ('pdf', 'svg', 'png', ...).
    shape : dict of str to tuple, optional
        Input shapes, e.g. ``{'data': (1, 1, 28, 28)}``.
    dtype : optional
        Accepted for compatibility.
    node_attrs : dict, optional
        Extra graphviz node attributes.
    hide_weights : bool, default True
        Leave parameter variables out of the picture.
    depth : int, optional (keyword only, Block input only)
        How many levels of blocks to open below the network. ``None`` opens every block;
        ``0`` draws each child of the network as one box (its class, name, output shape and
        parameter count); ``1`` opens the children and draws the grandchildren as boxes, and
        so on.

    Returns
    -------
    graphviz.Digraph
        Shows itself as SVG in a notebook; ``.render()`` writes ``save_format``.

    See Also
    --------
    print_summary
    minigluon.gluon.HybridBlock.export : Get a model's Symbol graph.
    minigluon.gluon.Block.summary : The layers as a table, from a forward pass.

    Examples
    --------
    >>> from minigluon import gluon, sym, viz
    >>> net = gluon.nn.HybridSequential(prefix='mlp_')
    >>> with net.name_scope():
    ...     net.add(gluon.nn.Dense(16, activation='relu'), gluon.nn.Dense(4))
    >>> g = viz.plot_network(net(sym.var('data')), shape={'data': (1, 8)})
    >>> type(g).__name__
    'Digraph'
    >>> 'FullyConnected' in g.source and '144 params' in g.source
    True

    The network itself gives a cluster per block; ``depth=0`` folds its children:

    >>> 'subgraph cluster_mlp_dense0' in viz.plot_network(net, shape={'data': (1, 8)}).source
    True
    >>> folded = viz.plot_network(net, shape={'data': (1, 8)}, depth=0)
    >>> 'Dense mlp_dense0' in folded.source and 'FullyConnected' not in folded.source
    True
    """
    try:
        from graphviz import Digraph
    except ImportError:
        raise ImportError("Draw network requires graphviz library (pip install graphviz)") from None
    tree = None
    if not isinstance(symbol, Symbol):
        if not hasattr(symbol, "named_blocks"):
            raise TypeError(f"plot_network: symbol must be a Symbol or a Block, got "
                            f"{type(symbol).__name__}")
        symbol, tree = trace_blocks(symbol, list(shape or {"data": None}))
    elif depth is not None:
        raise ValueError("plot_network: depth= needs the Block (a Symbol does not know its "
                         "blocks): pass the network itself, plot_network(net, shape=..., "
                         "depth=...)")
    if depth is not None and depth < 0:
        raise ValueError(f"plot_network: depth must be None or >= 0, got {depth}")
    order, shapes, counts, params = _node_table(symbol, shape)
    attrs = {"shape": "box", "fixedsize": "false", "style": "filled,rounded",
             "fontname": "Helvetica", "fontsize": "11", **(node_attrs or {})}
    dot = Digraph(name=title, format=save_format)
    dot.attr("edge", fontname="Helvetica", fontsize="10")
    hidden = params if hide_weights else set()
    # Graphviz ids are the nodes' own names (they show as tooltips), made unique by position:
    # never id(), which changes from run to run and would put addresses into the drawings.
    # (":" would read as a Graphviz port.)
    key: dict[int, str] = {}
    for i, n in enumerate(order):
        name = n.name.replace(":", "_")
        key[id(n)] = name if name not in key.values() else f"{name}#{i}"

    def draw_node(graph: Any, n: Node) -> None:
        op = n.op.name if n.op is not None else "var"
        label = n.name if n.is_var else _label(n)
        if counts.get(id(n)):
            label += f"\n{counts[id(n)]:,} params"
        fill = "#8dd3c7" if n.is_var else _COLOURS.get(op, "#fccde5")
        graph.node(name=key[id(n)], label=label, fillcolor=fill, **attrs)

    rep = dict(key)  # the box each node is drawn in: its own, or its folded block's
    drawn = [n for n in order if id(n) not in hidden]
    if tree is None:
        for n in drawn:
            draw_node(dot, n)
    else:
        _draw_clusters(dot, tree, drawn, symbol._outputs, depth, shapes, counts, rep,
                       draw_node, attrs)
    seen_edges: set[tuple[str, str, str]] = set()
    for n in drawn:
        if n.is_var:
            continue
        for e in n.inputs:
            if e is None or id(e[0]) in hidden:
                continue
            src, dst = rep[id(e[0])], rep[id(n)]
            s = shapes.get(id(e[0]), [None] * (e[1] + 1))[e[1]] if shapes else None
            edge_label = "x".join(str(d) for d in s[1:]) if s else ""
            if src == dst or (src, dst, edge_label) in seen_edges:
                continue
            seen_edges.add((src, dst, edge_label))
            dot.edge(src, dst, label=edge_label, dir="back", arrowtail="open")
    return dot


# Cluster backgrounds by nesting level, light enough for the op colours to stay readable.
_CLUSTER_FILLS = ("#f7f7f7", "#eef3f8", "#f8f3ea", "#eef6ee")


def _draw_clusters(dot: Any, tree: BlockTree, drawn: list[Node], outputs: list,
                   depth: int | None, shapes: dict, counts: dict, rep: dict, draw_node: Any,
                   attrs: dict) -> None:
    """Draw ``drawn`` into nested clusters of ``tree``; fold blocks below ``depth``."""
    totals = drawn_count(tree, drawn, set())
    direct: dict[str | None, list[Node]] = {}
    for n in drawn:
        direct.setdefault(tree.owner.get(id(n)), []).append(n)
    used: set[str] = set()

    def owned(path: str) -> list[Node]:
        return [n for n in drawn if _within(tree.owner.get(id(n)), path)]

    def fold(graph: Any, info: BlockInfo) -> None:
        inside = owned(info.path)
        inside_ids = {id(n) for n in inside}
        leaving = [e for n in drawn if id(n) not in inside_ids and not n.is_var
                   for e in n.inputs if e is not None and id(e[0]) in inside_ids]
        outs: list[str] = []  # the shapes leaving the block: what its users and the caller read
        for e in leaving + [e for e in outputs if id(e[0]) in inside_ids]:
            s = shapes.get(id(e[0]), [None] * (e[1] + 1))[e[1]] if shapes else None
            if s and str(tuple(s)) not in outs:
                outs.append(str(tuple(s)))
        node_key = "block_" + _cluster_id(info, used)
        label = info.title + "".join(f"\n{o}" for o in outs[:3])
        total = sum(counts.get(id(n), 0) for n in inside)
        if total:
            label += f"\n{total:,} params"
        graph.node(name=node_key, label=label, fillcolor="#d9ecf5",
                   **{**attrs, "style": "filled,rounded,bold"})
        for n in inside:
            rep[id(n)] = node_key

    def draw(graph: Any, path: str | None) -> None:
        for n in direct.get(path, []):
            draw_node(graph, n)
        if path is None:
            children = [""] if "" in tree.blocks else []
        else:
            children = tree.blocks[path].children
        for child in children:
            info = tree.blocks[child]
            if not totals[child]:
                continue
            if depth is not None and info.level > depth:
                fold(graph, info)
            elif totals[child] >= 2 or info.level == 0:
                with graph.subgraph(name="cluster_" + _cluster_id(info, used)) as sub:
                    sub.attr(label=info.title, labeljust="l", style="rounded,filled",
                             color="#9a9a9a", fillcolor=_CLUSTER_FILLS[info.level % 4],
                             fontname="Helvetica", fontsize="10")
                    draw(sub, child)
            else:
                draw(graph, child)

    draw(dot, None)


def _within(owner: str | None, path: str) -> bool:
    return owner is not None and (not path or owner == path or owner.startswith(path + "."))


def _cluster_id(info: BlockInfo, used: set[str]) -> str:
    # The block's prefix (MXNet's names); its path when the prefix is empty or taken.
    name = info.name or ""
    if not name or name in used:
        name = "path_" + (info.path.replace(".", "_") or "net")
    used.add(name)
    return name


def print_summary(symbol: Symbol, shape: dict | None = None, line_length: int = 120,
                  positions: tuple = (0.44, 0.64, 0.74, 1.0)) -> None:
    """Print one row per op: name and type, output shape, parameter count, inputs.

    Parameters
    ----------
    symbol : Symbol
        The network's graph, e.g. ``net(sym.var('data'))`` for a HybridBlock ``net``.
    shape : dict of str to tuple, optional
        Input shapes by variable name (``{'data': (1, 8)}``); with them each row shows its
        output shape and each layer its parameter count (without them: no shapes, counts 0).
    line_length : int, default 120
        Width of the table in characters.
    positions : tuple of float, default (0.44, 0.64, 0.74, 1.0)
        Right edge of each of the four columns as a fraction of ``line_length``.

    See Also
    --------
    plot_network
    minigluon.gluon.Block.summary

    Examples
    --------
    >>> from minigluon import gluon, sym, viz
    >>> net = gluon.nn.HybridSequential(prefix='mlp_')
    >>> with net.name_scope():
    ...     net.add(gluon.nn.Dense(16, activation='relu'), gluon.nn.Dense(4))
    >>> viz.print_summary(net(sym.var('data')), shape={'data': (1, 8)}, line_length=80)
    ________________________________________________________________________________
    Layer (type)                      Output Shape        Param #      Previous Layer
    ...
    Total params: 212
    ________________________________________________________________________________
    """
    order, shapes, counts, params = _node_table(symbol, shape)
    cols = [int(line_length * p) for p in positions]
    aux = aux_vars(order)

    def row(fields: list[str]) -> str:
        line = ""
        for f, end in zip(fields, cols):
            line = (line + f)[: end - 1].ljust(end)
        return line.rstrip()

    print("_" * line_length)
    print(row(["Layer (type)", "Output Shape", "Param #", "Previous Layer"]))
    print("=" * line_length)
    total = 0
    for n in order:
        if n.is_var and (id(n) in params or id(n) in aux):
            continue
        op = "null" if n.is_var else n.op.name
        out = shapes.get(id(n), [None])[0] if shapes else None
        prev = [e[0].name for e in n.inputs if e is not None and id(e[0]) not in params]
        total += counts.get(id(n), 0)
        print(row([f"{n.name}({op})", "x".join(str(d) for d in out) if out else "",
                   str(counts.get(id(n), 0)), prev[0] if prev else ""]))
        for p in prev[1:]:
            print(row(["", "", "", p]))
        print("_" * line_length)
    print(f"Total params: {total}")
    print("_" * line_length)
