"""Symbol IR: naming, listing, internals, indexing, shape inference, JSON, eval, MXNet errors."""

from __future__ import annotations

import json

import numpy as np
import pytest

from minigluon import nd, sym
from minigluon.base import MXNetError, NotImplementedForSymbol
from minigluon.name import NameManager


def test_plus_naming_and_internals_match_mxnet() -> None:
    with NameManager():
        a, b = sym.var("a"), sym.var("b")
        for _ in range(4):
            _ = a + b
        c = a + b
    assert c.get_internals().list_outputs() == ["a", "b", "_plus4_output"]


def test_op_names_use_name_and_hint() -> None:
    with NameManager():
        x = sym.var("x")
        assert sym.relu(x).name == "relu0"
        assert sym.relu(x, name="act").list_outputs() == ["act_output"]
        assert (x * 2).name == "_mul_scalar0"


def test_lists_and_aux_states() -> None:
    x, g, b, m, v = (sym.var(n) for n in ("x", "gamma", "beta", "mean", "var"))
    y = sym.BatchNorm(x, g, b, m, v, name="bn")
    assert y.list_arguments() == ["x", "gamma", "beta"]
    assert y.list_auxiliary_states() == ["mean", "var"]
    assert y.list_inputs() == ["x", "gamma", "beta", "mean", "var"]


def test_indexing_group_and_errors() -> None:
    x = sym.var("x")
    g = sym.Group([sym.relu(x, name="r"), sym.sigmoid(x, name="s")])
    assert len(g) == 2 and g[1].name == "s" and g["r_output"].name == "r"
    assert [s.name for s in g] == ["r", "s"]
    assert g[0:1].list_outputs() == ["r_output"]
    with pytest.raises(ValueError, match='Cannot find output that matches name "q"'):
        g["q"]
    with pytest.raises(TypeError, match="Symbol only support integer index"):
        x[0, 0]
    with pytest.raises(TypeError, match="does not support item assignment"):
        x[0] = 1


def test_ndarray_only_operations_raise() -> None:
    x = sym.var("x")
    with pytest.raises(AttributeError, match="'Symbol' object has no attribute 'shape'"):
        x.shape  # noqa: B018
    with pytest.raises(NotImplementedForSymbol, match='namely operator "bool"'):
        bool(x)
    with pytest.raises(NotImplementedForSymbol):
        x += 1


def test_same_shape_plus_does_not_broadcast() -> None:
    a, b = sym.var("a"), sym.var("b")
    with pytest.raises(MXNetError, match="broadcast_add"):
        (a + b).eval(a=nd.ones((2, 3)), b=nd.ones((1, 3)))
    out = sym.broadcast_add(a, b).eval(a=nd.ones((2, 3)), b=nd.ones((1, 3)))[0]
    assert out.shape == (2, 3)


def test_infer_shape_forward_and_backward() -> None:
    x = sym.var("x")
    fc = sym.FullyConnected(x, sym.var("w"), sym.var("b"), num_hidden=10, name="fc1")
    y = sym.relu(fc)
    args, outs, aux = y.infer_shape(x=(4, 20))
    assert args == [(4, 20), (10, 20), (10,)] and outs == [(4, 10)] and aux == []
    with pytest.warns(UserWarning, match="Cannot decide shape"):
        assert y.infer_shape() == (None, None, None)
    assert y.infer_shape_partial()[0] == [(), (), ()]
    with pytest.raises(MXNetError, match="Error in operator fc1: Shape inconsistent"):
        y.infer_shape(x=(1, 100), w=(1000, 100))


def test_json_round_trip_keeps_everything() -> None:
    x = sym.var("x", shape=(2, 3))
    y = sym.FullyConnected(x, sym.var("w"), sym.var("b"), num_hidden=4, name="fc")
    z = sym.Group([y, sym.relu(y, name="r")])
    js = z.tojson()
    doc = json.loads(js)
    assert doc["attrs"]["mxnet_version"] == ["int", 10901]
    back = sym.load_json(js)
    assert back.list_outputs() == z.list_outputs()
    assert back.list_arguments() == z.list_arguments()
    feeds = {"x": nd.ones((2, 3)), "w": nd.ones((4, 3)), "b": nd.zeros((4,))}
    for u, v in zip(z.eval(**feeds), back.eval(**feeds)):
        np.testing.assert_array_equal(u.asnumpy(), v.asnumpy())


def test_load_json_rejects_garbage_clearly() -> None:
    with pytest.raises(MXNetError, match="not a symbol JSON"):
        sym.load_json("{not json")
    with pytest.raises(MXNetError, match="unknown operator 'NoSuchOp'"):
        sym.load_json(json.dumps({"nodes": [{"op": "NoSuchOp", "name": "n", "inputs": []}],
                                  "heads": [[0, 0, 0]]}))


def test_eval_runs_graph_and_checks_inputs() -> None:
    y = 2 * sym.var("x") + sym.var("b")
    assert y.eval(x=nd.array([1, 2]), b=nd.array([1, 1]))[0].asnumpy().tolist() == [3, 5]
    with pytest.raises(MXNetError, match="no value given"):
        y.eval(x=nd.ones((2,)))


def test_nd_functions_accept_symbols_too() -> None:
    # Code that calls nd.* inside hybrid_forward (the Toy SSD does) still builds a graph.
    s = nd.relu(sym.var("x"))
    assert isinstance(s, sym.Symbol)


def test_mixing_ndarray_and_symbol_is_refused() -> None:
    with pytest.raises(TypeError, match="mixed NDArray and Symbol"):
        sym.broadcast_add(sym.var("x"), nd.ones((1,)))
