"""Initializers: defaults, scale formulas, dispatch by name, errors, reproducibility, dumps."""

from __future__ import annotations

import json
import logging
import math

import numpy as np
import pytest

import minigluon as mx
from minigluon import initializer as init
from minigluon import nd


def _run(initializer, shape, name="fc_weight", dtype="float32"):
    arr = nd.zeros(shape, dtype=dtype)
    initializer(init.InitDesc(name), arr)
    return arr.asnumpy()


def test_uniform_default_scale_is_0_07() -> None:
    u = init.Uniform()
    assert u.scale == 0.07
    v = _run(u, (200, 100))
    assert v.dtype == np.float32
    assert v.min() >= -0.07 and v.max() < 0.07
    assert v.min() < -0.06 and v.max() > 0.06  # actually spans the interval
    assert abs(v.std() - 0.07 / math.sqrt(3)) < 2e-3


def test_normal_default_sigma() -> None:
    n = init.Normal()
    assert n.sigma == 0.01
    v = _run(init.Normal(2.0), (300, 300))
    assert abs(v.mean()) < 0.02 and abs(v.std() - 2.0) < 0.02


@pytest.mark.parametrize("factor_type, rnd_type, magnitude, shape", [
    ("avg", "uniform", 3, (64, 32)),
    ("in", "uniform", 2, (16, 8, 3, 3)),
    ("out", "gaussian", 2, (16, 8, 3, 3)),
    ("avg", "gaussian", 3, (40, 20, 5)),
])
def test_xavier_scale_formula(factor_type, rnd_type, magnitude, shape) -> None:
    hw = float(np.prod(shape[2:])) if len(shape) > 2 else 1.0
    fan_in, fan_out = shape[1] * hw, shape[0] * hw
    factor = {"avg": (fan_in + fan_out) / 2, "in": fan_in, "out": fan_out}[factor_type]
    scale = math.sqrt(magnitude / factor)
    v = _run(init.Xavier(rnd_type, factor_type, magnitude), shape)
    if rnd_type == "uniform":
        assert v.min() >= -scale and v.max() <= scale
        assert abs(v.std() - scale / math.sqrt(3)) < 0.08 * scale
    else:
        assert abs(v.std() - scale) < 0.08 * scale


def test_xavier_rejects_vectors_with_mxnet_text() -> None:
    with pytest.raises(ValueError) as e:
        init.Xavier()(init.InitDesc("dense0_weight"), nd.zeros((5,)))
    assert str(e.value) == ("Xavier initializer cannot be applied to vector dense0_weight. It "
                            "requires at least 2D.")


def test_xavier_bad_factor_and_rnd_type() -> None:
    with pytest.raises(ValueError, match="Incorrect factor type"):
        _run(init.Xavier(factor_type="bad"), (2, 2))
    with pytest.raises(ValueError, match="Unknown random type"):
        _run(init.Xavier(rnd_type="bad"), (2, 2))


def test_msraprelu_is_gaussian_xavier() -> None:
    m = init.MSRAPrelu(slope=0.5)
    assert m.rnd_type == "gaussian" and m.factor_type == "avg"
    assert m.magnitude == pytest.approx(2 / 1.25)
    v = _run(init.MSRAPrelu("in", 0.0), (100, 400))
    assert abs(v.std() - math.sqrt(2 / 400)) < 0.05 * math.sqrt(2 / 400)


def test_reproducible_with_seed() -> None:
    mx.random.seed(7)
    a = _run(init.Xavier(), (5, 6))
    b = _run(init.Uniform(), (5, 6))
    mx.random.seed(7)
    assert np.array_equal(a, _run(init.Xavier(), (5, 6)))
    assert np.array_equal(b, _run(init.Uniform(), (5, 6)))
    assert not np.array_equal(a, _run(init.Xavier(), (5, 6)))


def test_uniform_matches_nd_random_uniform_stream() -> None:
    mx.random.seed(3)
    a = _run(init.Uniform(0.5), (4, 3))
    mx.random.seed(3)
    b = nd.random.uniform(-0.5, 0.5, shape=(4, 3)).asnumpy()
    np.testing.assert_array_equal(a, b)


def test_fills_in_place_keeping_dtype_and_identity() -> None:
    arr = nd.zeros((3, 4), dtype="float64")
    before = arr
    init.One()(init.InitDesc("x_weight"), arr)
    assert arr is before and arr.dtype == np.float64 and arr.asnumpy().sum() == 12


def test_constant_scalar_and_array() -> None:
    assert _run(init.Constant(3), (2, 2)).tolist() == [[3, 3], [3, 3]]
    assert _run(init.Constant([1, 2]), (2, 2)).tolist() == [[1, 2], [1, 2]]
    assert _run(init.Constant(nd.array([5, 6])), (1, 2)).tolist() == [[5, 6]]


def test_dispatch_by_name_suffix() -> None:
    u = init.Uniform(1.0)
    assert (_run(u, (3,), "fc_bias") == 0).all()
    assert (_run(u, (3,), "bn_gamma") == 1).all()
    assert (_run(u, (3,), "bn_beta") == 0).all()
    assert (_run(u, (3,), "q_min") == 0).all()
    assert (_run(u, (3,), "q_max") == 1).all()
    assert (_run(u, (30,), "fc_weight") != 0).all()
    # a plain string is treated as an InitDesc without attributes
    arr = nd.ones((2,))
    u("fc_bias", arr)
    assert arr.asnumpy().tolist() == [0, 0]


def test_init_attr_overrides_name_suffix() -> None:
    # Gluon sets '__init__': the chosen initializer's _init_weight applies whatever the name
    v = _run(init.Uniform(), (3,), name="fc_bias")
    assert (v == 0).all()
    arr = nd.zeros((3,))
    init.Uniform()(init.InitDesc("fc_bias", {"__init__": "ones"}), arr)
    assert arr.asnumpy().tolist() == [1, 1, 1]
    arr = nd.zeros((3,))
    init.Zero()(init.InitDesc("fc_bias", {"__init__": init.Constant(4)}), arr)
    assert arr.asnumpy().tolist() == [4, 4, 4]
    arr = nd.zeros((3,))
    init.Zero()(init.InitDesc("anything", {"__init__": '["constant", {"value": 2}]'}), arr)
    assert arr.asnumpy().tolist() == [2, 2, 2]


def test_unknown_pattern_error_text() -> None:
    with pytest.raises(ValueError) as e:
        init.Uniform()(init.InitDesc("running_stuff"), nd.zeros((2,)))
    assert str(e.value) == (
        'Unknown initialization pattern for running_stuff. Default initialization is now '
        'limited to "weight", "bias", "gamma" (1.0), and "beta" (0.0).Please use '
        'mx.sym.Variable(init=mx.init.*) to set initialization pattern')


def test_initdesc_is_a_str_with_attrs() -> None:
    d = init.InitDesc("w", {"a": 1}, global_init=init.One())
    assert isinstance(d, str) and d == "w" and d.attrs == {"a": 1}
    assert isinstance(d.global_init, init.One)
    d2 = init.InitDesc("v")
    assert d2.attrs == {} and d2.global_init is None
    z = init.Zero()
    d3 = init.InitDesc("v_weight")
    z(d3, nd.ones((1,)))
    assert d3.global_init is z  # filled in by the call, as in MXNet


def test_dumps_and_create_round_trip() -> None:
    assert init.Uniform().dumps() == '["uniform", {"scale": 0.07}]'
    assert init.Normal(0.5).dumps() == '["normal", {"sigma": 0.5}]'
    assert init.Zero().dumps() == '["zero", {}]'
    assert json.loads(init.Xavier(magnitude=2).dumps()) == [
        "xavier", {"rnd_type": "uniform", "factor_type": "avg", "magnitude": 2}]
    assert init.Constant(np.array([1.5, 2])).dumps() == '["constant", {"value": [1.5, 2.0]}]'
    for obj in [init.Uniform(0.3), init.Xavier("gaussian", "in", 2), init.MSRAPrelu("out", 0.1),
                init.Orthogonal(2.0, "normal"), init.Constant(1.5), init.One()]:
        again = init.create(obj.dumps())
        assert type(again) is type(obj) and again.dumps() == obj.dumps() and again == obj


def test_registry_names() -> None:
    expected = {"uniform": init.Uniform, "normal": init.Normal, "xavier": init.Xavier,
                "zeros": init.Zero, "zero": init.Zero, "ones": init.One, "one": init.One,
                "constant": init.Constant, "orthogonal": init.Orthogonal,
                "msraprelu": init.MSRAPrelu, "bilinear": init.Bilinear}
    for name, klass in expected.items():
        obj = init.create(name, value=1) if name == "constant" else init.create(name)
        assert type(obj) is klass
    assert type(init.create("Xavier")) is init.Xavier  # case-insensitive
    x = init.Xavier()
    assert init.create(x) is x
    with pytest.raises(ValueError, match="nosuch is not registered"):
        init.create("nosuch")
    with pytest.raises(ValueError, match="already an instance"):
        init.create(x, magnitude=2)


def test_register_and_alias_custom_initializer() -> None:
    @init.register
    @init.alias("my_twos")
    class MyTwos(init.Initializer):
        def _init_weight(self, _, arr):
            arr[:] = 2

    assert type(init.create("mytwos")) is MyTwos
    arr = nd.zeros((2,))
    init.create("my_twos")(init.InitDesc("x_weight"), arr)
    assert arr.asnumpy().tolist() == [2, 2]


def test_orthogonal_rows_or_columns_orthonormal() -> None:
    w = _run(init.Orthogonal(scale=1.0), (4, 2, 3))
    m = w.reshape(4, 6)
    np.testing.assert_allclose(m @ m.T, np.eye(4), atol=1e-5)
    w = _run(init.Orthogonal(scale=2.0, rand_type="normal"), (6, 3))
    np.testing.assert_allclose(w.T @ w, 4 * np.eye(3), atol=1e-4)
    with pytest.raises(ValueError, match="rand_type"):
        init.Orthogonal(rand_type="bad")


def test_bilinear_matches_mxnet_loop() -> None:
    shape = (2, 1, 4, 5)
    f = math.ceil(shape[3] / 2.0)
    c = (2 * f - 1 - f % 2) / (2.0 * f)
    ref = np.zeros(int(np.prod(shape)), dtype=np.float32)
    for i in range(ref.size):
        x = i % shape[3]
        y = (i // shape[3]) % shape[2]
        ref[i] = (1 - abs(x / f - c)) * (1 - abs(y / f - c))
    np.testing.assert_allclose(_run(init.Bilinear(), shape), ref.reshape(shape), rtol=1e-6)


def test_mixed_by_pattern() -> None:
    m = init.Mixed(["bias.*", ".*"], [init.Constant(3), "ones"])
    a, b = nd.zeros((2,)), nd.zeros((2,))
    m("bias_weight", a)
    m("fc_weight", b)
    assert a.asnumpy().tolist() == [3, 3] and b.asnumpy().tolist() == [1, 1]
    with pytest.raises(ValueError, match="did not match any pattern"):
        init.Mixed(["conv.*"], [init.One()])("fc_weight", nd.zeros((1,)))
    with pytest.raises(ValueError, match="one initializer per pattern"):
        init.Mixed(["a", "b"], [init.One()])


def test_set_verbosity_logs(caplog) -> None:
    u = init.One().set_verbosity(True)
    with caplog.at_level(logging.INFO):
        u(init.InitDesc("fc_weight"), nd.zeros((4,)))
    assert "Initialized fc_weight as weight: 1.0" in caplog.text


def test_base_initializer_needs_init_weight() -> None:
    with pytest.raises(NotImplementedError):
        init.Initializer()(init.InitDesc("fc_weight"), nd.zeros((1,)))


# -- Load, LSTMBias, FusedRNN, plain-name patterns, Constant configs ----------------------------
def test_load_by_name_strips_module_prefixes(tmp_path) -> None:
    saved = {"arg:fc_weight": nd.array([[1.0, 2.0]]), "aux:bn_moving_var": nd.array([3.0])}
    path = str(tmp_path / "params")
    nd.save(path, saved)
    for source in (saved, path):
        load = init.Load(source, default_init=init.Constant(7))
        w, v, b = nd.zeros((1, 2)), nd.zeros((1,)), nd.zeros((2,))
        load("fc_weight", w)
        load("bn_moving_var", v)
        load("fc2_weight", b)  # not saved: the default initializer, by name pattern
        assert w.asnumpy().tolist() == [[1.0, 2.0]] and v.asnumpy().tolist() == [3.0]
        assert b.asnumpy().tolist() == [7.0, 7.0]
    with pytest.raises(ValueError, match="Shape mismatch, target \\(2,\\) vs loaded \\(1, 2\\)"):
        init.Load(saved)("fc_weight", nd.zeros((2,)))
    with pytest.raises(ValueError, match="Not found in loaded param"):
        init.Load(saved)("other", nd.zeros((2,)))


def test_lstm_bias_sets_the_forget_quarter() -> None:
    b = nd.ones((12,))
    init.LSTMBias(forget_bias=0.5)._init_weight("b", b)
    assert b.asnumpy().tolist() == [0] * 3 + [0.5] * 3 + [0] * 6


def test_fused_rnn_cuts_weights_and_biases_by_layout() -> None:
    # 2 layers, bidirectional, rnn_tanh (1 gate), 3 inputs, 2 hidden
    weights = 2 * (2 * 3 + 2 * 2) + 2 * (2 * 4 + 2 * 2)
    biases = 2 * 2 * 2 * 2
    p = nd.zeros((weights + biases,))
    desc = init.InitDesc("rnn_parameters", global_init=init.Constant(0.5))
    init.FusedRNN(None, num_hidden=2, num_layers=2, mode="rnn_tanh",
                  bidirectional=True)._init_weight(desc, p)
    a = p.asnumpy()
    assert (a[:weights] == 0.5).all() and (a[weights:] == 0).all()  # global init's bias rule
    lstm = nd.zeros((4 * 2 * (1 + 2) + 2 * 4 * 2,))  # 1 input, 2 hidden, lstm
    init.FusedRNN(init.One(), 2, 1, "lstm", forget_bias=3.0)._init_weight(
        init.InitDesc("p"), lstm)
    bias = lstm.asnumpy()[24:]
    assert bias.tolist() == [0, 0, 3, 3, 0, 0, 0, 0] * 2  # i2h then h2h, gates i f c o
    with pytest.raises(ValueError, match="Invalid parameters size"):
        init.FusedRNN(init.One(), 2, 1, "lstm")._init_weight(init.InitDesc("p"), nd.zeros((7,)))


def test_plain_names_follow_mxnet_legacy_patterns() -> None:
    u = init.Uniform()
    mean, var = nd.ones((2,)), nd.zeros((2,))
    u("bn0_moving_mean", mean)
    u("bn0_moving_var", var)
    assert mean.asnumpy().tolist() == [0, 0] and var.asnumpy().tolist() == [1, 1]
    up = nd.zeros((1, 1, 4, 4))
    u("upsampling0_weight", up)  # upsampling layers get a bilinear kernel
    expected = nd.zeros((1, 1, 4, 4))
    init.Bilinear()._init_weight("w", expected)
    assert (up.asnumpy() == expected.asnumpy()).all()
    loc = nd.zeros((6,))
    u("stn_loc_bias", loc)
    assert loc.asnumpy().tolist() == [1, 0, 0, 0, 1, 0]
    with pytest.raises(ValueError, match="Unknown initialization pattern for running"):
        u("running", nd.zeros((1,)))
    # an InitDesc keeps MXNet's narrower rules
    with pytest.raises(ValueError, match="Unknown initialization pattern"):
        u(init.InitDesc("bn0_moving_var"), var)


def test_constant_with_array_value_dumps_and_recreates() -> None:
    c = init.Constant(nd.array([[1, 2], [3, 4]]))
    text = c.dumps()
    assert text == json.dumps(["constant", c._kwargs])
    assert text == '["constant", {"value": [[1.0, 2.0], [3.0, 4.0]]}]'
    again = init.create(text)
    w = nd.zeros((2, 2))
    again._init_weight("w", w)
    assert w.asnumpy().tolist() == [[1, 2], [3, 4]]
    assert init.Constant(1).dumps() == '["constant", {"value": 1}]'
