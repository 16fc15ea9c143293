"""Network drawings (minigluon/viz.py): what they show, and that they are the same every run."""

from __future__ import annotations

import pytest

from minigluon import gluon, sym, viz
from minigluon.name import NameManager

pytest.importorskip("graphviz")


def _mlp_source() -> str:
    with NameManager():
        net = gluon.nn.HybridSequential(prefix="mlp_")
        with net.name_scope():
            net.add(gluon.nn.Dense(16, activation="relu"), gluon.nn.Dense(4))
        return viz.plot_network(net(sym.var("data")), shape={"data": (1, 8)}).source


def test_the_drawing_names_nodes_by_layer_not_by_memory_address() -> None:
    source = _mlp_source()
    assert source == _mlp_source()  # no id() in node names: the SVG is the same every build
    assert "\tmlp_dense0_fwd [label=" in source
    assert "144 params" in source and "68 params" in source  # 8*16+16, 16*4+4
    assert "data -> mlp_dense0_fwd [label=8" in source
