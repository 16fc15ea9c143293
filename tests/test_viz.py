"""Network drawings (minigluon/viz/): what they show, and that they are the same every run."""

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


# -- clusters by block (plot_network given the network itself) --------------------------------
def _clusters(source: str) -> list[tuple[int, str]]:
    """(nesting level, cluster name) of every ``subgraph cluster_...`` line, in order."""
    out = []
    for line in source.splitlines():
        stripped = line.lstrip("\t")
        if stripped.startswith("subgraph cluster_"):
            out.append((len(line) - len(stripped), stripped.split()[1]))
    return out


def _lenet():
    net = gluon.nn.HybridSequential(prefix="lenet_")
    with net.name_scope():
        net.add(gluon.nn.Conv2D(20, kernel_size=5, activation="relu"),
                gluon.nn.MaxPool2D(pool_size=2, strides=2),
                gluon.nn.Flatten(),
                gluon.nn.Dense(10))
    return net


def test_a_cluster_per_block_nested_as_the_blocks_nest() -> None:
    with NameManager():
        outer = gluon.nn.HybridSequential(prefix="outer_")
        with outer.name_scope():
            inner = gluon.nn.HybridSequential(prefix="inner_")
            with inner.name_scope():
                inner.add(gluon.nn.Dense(8, activation="relu"), gluon.nn.Dense(4))
            outer.add(inner, gluon.nn.Dense(2, activation="tanh"))
        source = viz.plot_network(outer, shape={"data": (1, 3)}).source
    assert _clusters(source) == [(1, "cluster_outer"), (2, "cluster_outer_inner"),
                                 (3, "cluster_outer_inner_dense0"),
                                 (2, "cluster_outer_dense0")]
    assert 'label="HybridSequential outer_inner"' in source
    assert 'label="Dense outer_inner_dense0"' in source
    # the relu of the first Dense is drawn inside that Dense's cluster, not beside it
    dense0 = source.split("subgraph cluster_outer_inner_dense0")[1].split("}")[0]
    assert "outer_inner_dense0_fwd" in dense0 and "outer_inner_dense0_relu_fwd" in dense0
    # a block that makes a single op stays a plain box: no cluster for inner's second Dense
    assert "cluster_outer_inner_dense1" not in source and "outer_inner_dense1_fwd [" in source


def test_a_block_built_outside_its_parents_name_scope_is_still_its_child() -> None:
    # ResNet's BasicBlockV1 builds its body with prefix='' and no name_scope: the ops are named
    # conv0_fwd, not block_conv0_fwd; the clusters come from the calls, not from names.
    from minigluon.gluon.model_zoo.vision import BasicBlockV1

    with NameManager():
        block = BasicBlockV1(8, stride=2, downsample=True, in_channels=4, prefix="block_")
        source = viz.plot_network(block, shape={"data": (1, 4, 8, 8)}).source
    levels = dict((name, level) for level, name in _clusters(source))
    assert levels == {"cluster_block": 1, "cluster_path_body": 2, "cluster_path_downsample": 2}
    body = source.split("subgraph cluster_path_body")[1].split("}")[0]
    assert body.count("Convolution") == 2 and 'label="HybridSequential body"' in body
    shortcut = source.split("subgraph cluster_path_downsample")[1].split("}")[0]
    assert shortcut.count("Convolution") == 1 and "1x1/2x2" in shortcut


def test_depth_folds_deeper_blocks_into_one_box_with_class_shape_and_params() -> None:
    with NameManager():
        net = _lenet()
        full = viz.plot_network(net, shape={"data": (1, 1, 28, 28)}).source
        folded = viz.plot_network(net, shape={"data": (1, 1, 28, 28)}, depth=0).source
    assert "cluster_lenet_conv0" in full and "Convolution" in full
    assert [name for _, name in _clusters(folded)] == ["cluster_lenet"]
    assert "Convolution" not in folded and "FullyConnected" not in folded
    # 20*1*5*5 + 20 = 520 parameters; the output of the folded conv is (1, 20, 24, 24)
    assert 'block_lenet_conv0 [label="Conv2D lenet_conv0\n(1, 20, 24, 24)\n520 params"' in folded
    assert 'block_lenet_dense0 [label="Dense lenet_dense0\n(1, 10)\n28,810 params"' in folded
    assert "block_lenet_conv0 -> block_lenet_pool0 [label=\"20x24x24\"" in folded
    # a deeper depth than the tree has draws everything
    deep = viz.plot_network(net, shape={"data": (1, 1, 28, 28)}, depth=5).source
    assert deep == full


def test_shapes_label_edges_only_when_given() -> None:
    with NameManager():
        net = _lenet()
        with_shapes = viz.plot_network(net, shape={"data": (1, 1, 28, 28)}).source
        without = viz.plot_network(net).source
    assert "data -> lenet_conv0_fwd [label=\"1x28x28\"" in with_shapes
    assert "lenet_pool0_fwd -> lenet_flatten0_flatten0 [label=\"20x12x12\"" in with_shapes
    assert "data -> lenet_conv0_fwd [label=\"\"" in without and "params" not in without


def test_the_ssd_is_drawn_with_a_branch_per_scale() -> None:
    from minigluon.gluon.model_zoo.ssd import TinySSD

    with NameManager():
        net = TinySSD(2, base_filters=(4, 8), num_filters=8, prefix="ssd_")
        source = viz.plot_network(net, shape={"data": (1, 3, 64, 64)}, depth=0).source
    edges = [line.strip().split(" [")[0].split(" -> ") for line in source.splitlines()
             if " -> " in line]
    users: dict[str, list[str]] = {}
    for src, dst in edges:
        users.setdefault(src, []).append(dst)
    # 5 scales: each feature block feeds MultiBoxPrior, a class and a box predictor (both
    # folded Conv2D boxes) and, but for the last, the next scale's feature block
    scales = [src for src, dst in edges if "multiboxprior" in dst]
    assert len(scales) == 5 and all(s.startswith("block_ssd_") for s in scales)
    for i, block in enumerate(scales):
        fed = users[block]
        assert sum(f'{d} [label="Conv2D' in source for d in fed) == 2, (block, fed)
        assert len(fed) == 3 + (i < 4), (block, fed)
        if i < 4:
            assert scales[i + 1] in fed
    # the 5 branches meet in three concatenations: anchors, classes, boxes
    concats = {d for _, d in edges if d.startswith("ssd_concat")}
    assert len(concats) == 3
    assert all(len([s for s, d in edges if d == c]) == 5 for c in concats)


def test_depth_needs_the_block_and_must_not_be_negative() -> None:
    with NameManager():
        net = _lenet()
        graph = net(sym.var("data"))
    with pytest.raises(ValueError, match="depth= needs the Block"):
        viz.plot_network(graph, depth=1)
    with pytest.raises(ValueError, match="depth must be None or >= 0"):
        viz.plot_network(net, depth=-1)
    with pytest.raises(TypeError, match="must be a Symbol or a Block"):
        viz.plot_network("lenet")


def test_drawing_a_block_leaves_it_unchanged_and_callable() -> None:
    from minigluon import nd

    with NameManager():
        net = _lenet()
        viz.plot_network(net, shape={"data": (1, 1, 28, 28)})
    assert all("forward" not in b.__dict__ for _, b in net.named_blocks())
    net.initialize()
    assert net(nd.ones((2, 1, 28, 28))).shape == (2, 10)


def test_the_toy_ssd_a_plain_block_with_lists_of_blocks_is_drawn_too() -> None:
    # ToySSD.forward calls nd operators and keeps its predictors in Sequentials used as
    # lists (never called): the clusters still come from the blocks that made the ops.
    from minigluon.gluon.model_zoo.ssd import ToySSD

    with NameManager():
        net = ToySSD(2, prefix="toy_")
        source = viz.plot_network(net, shape={"data": (1, 3, 64, 64)}, depth=1).source
    clusters = [name for _, name in _clusters(source)]
    assert clusters[0] == "cluster_toy" and len(clusters) == 5, clusters
    for path in ["downsamples", "class_preds", "box_preds"]:
        info = next(b for p, b in net.named_blocks() if p == path)
        assert f"subgraph cluster_{info.name} " in source, path
    # five scales: five anchor ops, five class and five box predictors drawn as boxes
    assert source.count("MultiBoxPrior") == 5
    assert sum(line.lstrip().startswith("block_toy_conv") and "[label=" in line
               and "->" not in line for line in source.splitlines()) == 10
