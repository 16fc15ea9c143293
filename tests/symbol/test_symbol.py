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


# -- ops create their own parameters, attributes, composition, copies -----------------------
def test_ops_left_without_inputs_make_named_variables():
    import minigluon as mx
    data = mx.sym.var('data')
    fc = mx.sym.FullyConnected(data, num_hidden=4, name='fc1')
    assert fc.list_arguments() == ['data', 'fc1_weight', 'fc1_bias']
    assert mx.sym.FullyConnected(data, num_hidden=4, no_bias=True,
                                 name='f').list_arguments() == ['data', 'f_weight']
    bn = mx.sym.BatchNorm(fc, name='bn')
    assert bn.list_arguments()[-2:] == ['bn_gamma', 'bn_beta']
    assert bn.list_auxiliary_states() == ['bn_moving_mean', 'bn_moving_var']
    assert bn.attr_dict()['bn_moving_var']['__init__'] == '["one", {}]'
    assert mx.sym.LeakyReLU(data, act_type='prelu', name='p').list_arguments() == \
        ['data', 'p_gamma']
    assert mx.sym.LeakyReLU(data, name='l').list_arguments() == ['data']
    assert mx.sym.Deconvolution(data, kernel=(2, 2), num_filter=2,
                                name='d').list_arguments() == ['data', 'd_weight']
    assert mx.sym.Embedding(data, input_dim=5, output_dim=2,
                            name='e').list_arguments() == ['data', 'e_weight']
    # even the data: a graph built before its input is known
    with mx.name.NameManager():
        assert mx.sym.FullyConnected(num_hidden=2).list_arguments() == [
            'fullyconnected0_data', 'fullyconnected0_weight', 'fullyconnected0_bias']


def test_unknown_keyword_is_an_error_but_hidden_and_dunder_keys_are_attributes():
    import minigluon as mx
    with pytest.raises(TypeError, match="num_hiden"):
        mx.sym.FullyConnected(mx.sym.var('x'), num_hidden=2, num_hiden=3)
    y = mx.sym.FullyConnected(mx.sym.var('x'), num_hidden=2, name='fc', lr_mult=2,
                              __mood__='calm', attr={'wd_mult': '0'})
    assert y.attr('lr_mult') == y.attr('__lr_mult__') == '2'
    assert y.list_attr()['__wd_mult__'] == '0'
    assert y.attr_dict()['fc_weight']['__mood__'] == 'calm'
    assert y.list_attr()['num_hidden'] == '2'


def test_attributes_survive_json_and_pickle():
    import copy
    import pickle

    import minigluon as mx
    with mx.AttrScope(__group__='g'):
        y = mx.sym.FullyConnected(mx.sym.var('x'), num_hidden=2, name='fc')
    for z in (mx.sym.load_json(y.tojson()), pickle.loads(pickle.dumps(y)), copy.deepcopy(y)):
        assert z.tojson() == y.tojson()
        assert z.attr('__group__') == 'g'
        assert z.list_arguments() == y.list_arguments()


def test_compose_replaces_variables():
    import minigluon as mx
    inner = mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=3, name='a')
    outer = mx.sym.relu(mx.sym.FullyConnected(name='b', num_hidden=2))
    net = outer(b_data=inner)
    assert net.list_arguments() == ['data', 'a_weight', 'a_bias', 'b_weight', 'b_bias']
    assert outer.list_arguments()[0] == 'b_data'  # the original is unchanged
    with pytest.raises(TypeError):
        outer(b_data=3)


def test_var_attributes():
    import minigluon as mx
    v = mx.sym.var('w', lr_mult=0.5, init=mx.init.One(), __extra__=1)
    assert v.attr('lr_mult') == '0.5'
    assert v.attr('__init__') == '["one", {}]'
    assert v.attr('__extra__') == '1'
    with pytest.raises(ValueError, match="double underscores"):
        mx.sym.var('w', extra=1)


def test_infer_type():
    import numpy as np

    import minigluon as mx
    y = mx.sym.FullyConnected(mx.sym.Cast(mx.sym.var('x'), dtype='float16'), num_hidden=2,
                              name='fc')
    assert y.infer_type(x=np.float32) == ([np.float32, np.float16, np.float16],
                                          [np.float16], [])
    assert y.infer_type_partial()[0] == [None, np.float16, np.float16]
    assert mx.sym.relu(mx.sym.var('x')).infer_type() == (None, None, None)


def test_abs_and_np_shape_flag_in_json():
    import json

    import minigluon as mx
    assert abs(mx.sym.var('x')).eval(x=mx.nd.array([-2]))[0].asscalar() == 2
    with mx.np_shape():
        assert json.loads(mx.sym.var('x').tojson())['attrs']['is_np_shape'] == ['int', 1]
    assert 'is_np_shape' not in json.loads(mx.sym.var('x').tojson())['attrs']


def test_required_attributes_stay_positional_after_optional_inputs():
    import minigluon as mx
    x = mx.sym.var('x')
    assert mx.sym.clip(x, 0, 1).eval(x=mx.nd.array([-1, 2]))[0].asnumpy().tolist() == [0, 1]
    with pytest.raises(TypeError, match="a_min"):
        mx.sym.clip(x)
