"""The compiled plan (minigluon.symbol.compiled): the same results and errors as the plan
interpreted by ``CachedGraph._forward``."""

from __future__ import annotations

import numpy as np
import pytest

from minigluon import MXNetError, sym
from minigluon.symbol.executor import CachedGraph


def _graph(out: sym.Symbol, names: list[str], training: bool = False) -> CachedGraph:
    return CachedGraph(out._outputs, names, training=training)


def _interpreted(graph: CachedGraph, datas: list) -> list:
    return list(graph._forward(*datas)[:-1])  # the last output is the slot list


def _rng_arrays(*shapes: tuple) -> list[np.ndarray]:
    rng = np.random.default_rng(0)
    return [rng.normal(size=s).astype(np.float32) for s in shapes]


def _mlp() -> sym.Symbol:
    x = sym.var("x")
    h = sym.FullyConnected(x, sym.var("w1"), sym.var("b1"), num_hidden=6)
    h = sym.Activation(h, act_type="relu")
    h = sym.FullyConnected(h, sym.var("w2"), num_hidden=3, no_bias=True)
    return sym.relu(h)


_MLP_NAMES = ["x", "w1", "b1", "w2"]


@pytest.mark.parametrize("x_shape", [(4, 5), (2, 5, 1), (1, 5)])
def test_lean_kernels_equal_the_ops_bit_for_bit(x_shape) -> None:
    graph = _graph(_mlp(), _MLP_NAMES)
    datas = _rng_arrays(x_shape, (6, 5), (6,), (3, 6))
    (got,) = graph.run_lean(*datas)
    (want,) = _interpreted(graph, datas)
    assert got.shape == want.shape == (x_shape[0], 3)
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("x_shape", [(2, 10), (4, 6), (4, 3, 2), (2, 3), (5,)])
def test_an_input_of_another_shape_fails_as_the_op_does(x_shape) -> None:
    # (2, 10) against in_units 5 must not be re-batched into (4, 5) by the lean kernel
    graph = _graph(_mlp(), _MLP_NAMES)
    datas = _rng_arrays(x_shape, (6, 5), (6,), (3, 6))
    with pytest.raises(MXNetError) as interpreted:
        _interpreted(graph, datas)
    with pytest.raises(MXNetError) as compiled:
        graph.run_lean(*datas)
    assert type(compiled.value) is type(interpreted.value)
    assert str(compiled.value) == str(interpreted.value)
    assert "Error in operator" in str(compiled.value)
    assert compiled.value.__suppress_context__  # the lean kernel's own error stays hidden


def test_numpy_errors_of_an_op_without_lean_kernel_match() -> None:
    a, b = sym.var("a"), sym.var("b")
    graph = _graph(sym.broadcast_add(a, b) * 2, ["a", "b"])
    datas = _rng_arrays((2, 3), (3, 2))
    with pytest.raises(MXNetError) as interpreted:
        _interpreted(graph, datas)
    with pytest.raises(MXNetError) as compiled:
        graph.run_lean(*datas)
    assert str(compiled.value) == str(interpreted.value)


def test_multi_output_steps_unused_inputs_and_input_outputs() -> None:
    x = sym.var("x")
    parts = sym.split(x, num_outputs=2, axis=1)
    head = sym.relu(parts[0])
    # a graph output that a later step also reads, an input returned as it is, both split halves
    out = sym.Group([head, head * parts[1], x, parts[1]])
    graph = _graph(out, ["unused", "x"])
    datas = [np.zeros(1, np.float32), *_rng_arrays((3, 4))]
    got = graph.run_lean(*datas)
    want = _interpreted(graph, datas)
    assert len(got) == len(want) == 4
    for g, w in zip(got, want):
        np.testing.assert_array_equal(g, w)
    assert got[2] is datas[1]


@pytest.mark.parametrize("training", [False, True])
def test_batch_norm_hidden_outputs_and_modes(training) -> None:
    x = sym.var("x")
    out = sym.relu(sym.BatchNorm(x, sym.var("g"), sym.var("b"), sym.var("m"), sym.var("v"),
                                 fix_gamma=False))
    names = ["x", "g", "b", "m", "v"]
    shapes = [(4, 3, 2, 2), (3,), (3,), (3,)]
    datas = [*_rng_arrays(*shapes), np.full(3, 1.5, np.float32)]
    graph = _graph(out, names, training=training)
    # training BatchNorm updates the moving statistics in place: give each run its own copy
    copies = [[d.copy() for d in datas] for _ in range(2)]
    (got,) = graph.run_lean(*copies[0])
    (want,) = _interpreted(graph, copies[1])
    np.testing.assert_array_equal(got, want)
    for a, b in zip(copies[0], copies[1]):
        np.testing.assert_array_equal(a, b)
    assert training == (not np.array_equal(copies[0][3], datas[3]))


def test_fused_inference_plan_is_what_is_compiled() -> None:
    x = sym.var("x")
    conv = sym.Convolution(x, sym.var("w"), kernel=(3, 3), num_filter=2, no_bias=True)
    graph = _graph(sym.relu(conv), ["x", "w"])
    assert len(graph.infer_plan) == 1 < len(graph.plan)  # conv + relu fused
    datas = _rng_arrays((1, 2, 5, 5), (2, 2, 3, 3))
    (got,) = graph.run_lean(*datas)
    (want,) = _interpreted(graph, datas)
    np.testing.assert_array_equal(got, want)
