"""Network diagrams and summaries of Symbol graphs: ``plot_network`` and ``print_summary``.

See Also
--------
plot_network, print_summary
minigluon.gluon.Block.summary : A summary of a Block, from its forward.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .symbol.graph import Node, aux_vars, topo_order
from .symbol.shape import infer_node_shapes
from .symbol.symbol import Symbol

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


def plot_network(symbol: Symbol, title: str = "plot", save_format: str = "pdf",
                 shape: dict | None = None, dtype: Any = None, node_attrs: dict | None = None,
                 hide_weights: bool = True) -> Any:
    """A ``graphviz.Digraph`` of the graph: one box per op, edges labelled with shapes.

    Each op box shows the layer type and its main attributes; with ``shape`` (input shapes by
    name) the edges carry the tensor shapes and each box its parameter count. Rendering to an
    image needs the Graphviz ``dot`` program; building the Digraph does not.

    Parameters
    ----------
    symbol : Symbol
    title : str, default 'plot'
    save_format : str, default 'pdf'
    shape : dict of str to tuple, optional
        Input shapes, e.g. ``{'data': (1, 1, 28, 28)}``.
    dtype : optional
        Accepted for compatibility.
    node_attrs : dict, optional
        Extra graphviz node attributes.
    hide_weights : bool, default True
        Leave parameter variables out of the picture.

    See Also
    --------
    print_summary
    minigluon.gluon.HybridBlock.export : Get a model's Symbol graph.

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
    """
    try:
        from graphviz import Digraph
    except ImportError:
        raise ImportError("Draw network requires graphviz library (pip install graphviz)") from None
    order, shapes, counts, params = _node_table(symbol, shape)
    attrs = {"shape": "box", "fixedsize": "false", "style": "filled,rounded",
             "fontname": "Helvetica", "fontsize": "11", **(node_attrs or {})}
    dot = Digraph(name=title, format=save_format)
    hidden = params if hide_weights else set()
    # Graphviz ids are the nodes' own names (they show as tooltips), made unique by position:
    # never id(), which changes from run to run and would put addresses into the drawings.
    # (":" would read as a Graphviz port.)
    key: dict[int, str] = {}
    for i, n in enumerate(order):
        name = n.name.replace(":", "_")
        key[id(n)] = name if name not in key.values() else f"{name}#{i}"
    for n in order:
        if id(n) in hidden:
            continue
        op = n.op.name if n.op is not None else "var"
        label = n.name if n.is_var else _label(n)
        if counts.get(id(n)):
            label += f"\n{counts[id(n)]:,} params"
        fill = "#8dd3c7" if n.is_var else _COLOURS.get(op, "#fccde5")
        dot.node(name=key[id(n)], label=label, fillcolor=fill, **attrs)
    for n in order:
        if n.is_var or id(n) in hidden:
            continue
        for e in n.inputs:
            if e is None or id(e[0]) in hidden:
                continue
            s = shapes.get(id(e[0]), [None] * (e[1] + 1))[e[1]] if shapes else None
            edge_label = "x".join(str(d) for d in s[1:]) if s else ""
            dot.edge(key[id(e[0])], key[id(n)], label=edge_label, dir="back", arrowtail="open")
    return dot


def print_summary(symbol: Symbol, shape: dict | None = None, line_length: int = 120,
                  positions: tuple = (0.44, 0.64, 0.74, 1.0)) -> None:
    """Print one row per op: name and type, output shape, parameter count, inputs.

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
