"""hybridize: traced graphs equal imperative results, gradients flow, caches follow the mode."""

from __future__ import annotations

import os
import re

import numpy as np
import pytest

import minigluon as mx
from minigluon import autograd, gluon, nd, sym
from minigluon.symbol.executor import CachedGraph


def _mlp(prefix: str | None = None) -> gluon.nn.HybridSequential:
    net = gluon.nn.HybridSequential(prefix=prefix)
    with net.name_scope():
        net.add(gluon.nn.Dense(8, activation="relu"), gluon.nn.Dense(3))
    return net


def test_hybridized_equals_imperative_outputs_and_gradients() -> None:
    net = _mlp()
    net.initialize(mx.init.Xavier())
    x = nd.random.normal(shape=(4, 5))
    grads = []
    for hybrid in (False, True):
        net.hybridize(active=hybrid)
        with autograd.record():
            y = net(x)
            loss = (y * y).sum()
        loss.backward()
        grads.append((y.asnumpy(), [p.grad().asnumpy().copy()
                                    for p in net.collect_params().values()]))
    np.testing.assert_allclose(grads[0][0], grads[1][0], rtol=1e-5, atol=1e-6)
    for a, b in zip(grads[0][1], grads[1][1]):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)


def test_hybrid_forward_runs_once_then_the_graph_runs() -> None:
    calls = []

    class Probe(gluon.HybridBlock):
        def hybrid_forward(self, F, x):
            calls.append(F.__name__)
            return F.relu(x)

    p = Probe()
    p.hybridize()
    for _ in range(3):
        p(nd.ones((2,)))
    assert calls == ["minigluon.symbol"]


def test_training_flag_is_not_frozen_at_trace_time() -> None:
    net = gluon.nn.HybridSequential()
    net.add(gluon.nn.Dropout(0.5))
    net.hybridize()
    x = nd.ones((1000,))
    assert (net(x).asnumpy() == 1).all()  # predict mode: identity
    with autograd.record():
        y = net(x)
    frac = float((y.asnumpy() == 0).mean())
    assert 0.4 < frac < 0.6  # training mode: about half dropped
    assert (net(x).asnumpy() == 1).all()


def test_hybridize_off_again() -> None:
    calls = []

    class Probe(gluon.HybridBlock):
        def hybrid_forward(self, F, x):
            calls.append(1)
            return x * 2

    p = Probe()
    p.hybridize()
    p(nd.ones((1,)))
    p.hybridize(active=False)
    p(nd.ones((1,)))
    p(nd.ones((1,)))
    assert len(calls) == 3


def test_deferred_init_through_hybridized_trace() -> None:
    net = _mlp()
    net.initialize()
    net.hybridize()
    assert net(nd.ones((2, 7))).shape == (2, 3)
    assert net[0].weight.shape == (8, 7)


def test_symbol_input_gives_internals_with_mxnet_names() -> None:
    net = _mlp(prefix="model_")
    net.initialize()
    out = net(sym.var("data"))
    names = out.get_internals().list_outputs()
    for expected in ["data", "model_dense0_weight", "model_dense0_fwd_output",
                     "model_dense0_relu_fwd_output", "model_dense1_fwd_output"]:
        assert expected in names


def test_symbolblock_shares_parameters_and_matches() -> None:
    net = _mlp(prefix="model_")
    net.initialize()
    x = nd.random.uniform(shape=(2, 5))
    y = net(x)
    data = sym.var("data")
    internals = net(data).get_internals()
    feat = gluon.SymbolBlock([internals["model_dense0_relu_fwd_output"], net(data)], data,
                             params=net.collect_params())
    h, out = feat(x)
    np.testing.assert_allclose(out.asnumpy(), y.asnumpy(), rtol=1e-6)
    assert h.shape == (2, 8)
    assert feat.collect_params()["model_dense0_weight"] is net[0].weight


def test_export_then_imports_reproduces_outputs(tmp_path) -> None:
    net = _mlp()
    net.initialize()
    net.hybridize()
    x = nd.random.uniform(shape=(3, 5))
    y = net(x)
    path = os.path.join(tmp_path, "mlp")
    net.export(path, epoch=3)
    blk = gluon.SymbolBlock.imports(path + "-symbol.json", ["data"], path + "-0003.params")
    np.testing.assert_allclose(blk(x).asnumpy(), y.asnumpy(), rtol=1e-6)
    keys = sorted(nd.load(path + "-0003.params"))
    assert all(k.startswith("arg:") for k in keys)


def test_export_needs_a_forward_first() -> None:
    net = _mlp()
    net.initialize()
    with pytest.raises(RuntimeError, match=r"Please first call block\.hybridize"):
        net.export("x")


def test_trace_errors_name_block_line_and_fix() -> None:
    class Bad(gluon.HybridBlock):
        def hybrid_forward(self, F, x):
            n = x.shape[0]  # the classic mistake
            return x * n

    b = Bad()
    b.hybridize()
    with pytest.raises(AttributeError) as e:
        b(nd.ones((2,)))
    msg = str(e.value)
    assert "'Symbol' object has no attribute 'shape'" in msg
    assert "Bad" in msg and "x.shape[0]" in msg and "F.shape_array" in msg


def test_forward_hooks_fire_inside_hybridized_graphs() -> None:
    net = _mlp()
    net.initialize()
    seen = []
    net[0].register_forward_hook(lambda b, x, y: seen.append((x[0].shape, y.shape)))
    net.hybridize()
    net(nd.ones((2, 5)))
    net(nd.ones((3, 5)))
    assert seen == [((2, 5), (2, 8)), ((3, 5), (3, 8))]


class _Apply(gluon.HybridBlock):
    def __init__(self, fn, **kwargs):
        super().__init__(**kwargs)
        self._fn = fn

    def hybrid_forward(self, F, x):
        return self._fn(F, x)


_FAILING = {
    "dense in_units mismatch": (lambda: gluon.nn.Dense(3, in_units=7, prefix="fc_"), (2, 5)),
    "dense deferred then other width": (lambda: gluon.nn.Dense(3, prefix="fc_"), (2, 5)),
    "bad reshape": (lambda: _Apply(lambda F, x: F.reshape(x, shape=(7, -1)), prefix="r_"),
                    (2, 5)),
    "conv on a 3-D input": (lambda: gluon.nn.Conv2D(4, 3, in_channels=3, prefix="conv_"),
                            (2, 3, 8)),
    "deferred conv on a 3-D input": (lambda: gluon.nn.Conv2D(4, 3, prefix="conv_"), (2, 3, 8)),
    "numpy broadcast error": (
        lambda: _Apply(lambda F, x: F.broadcast_add(x, F.transpose(x)), prefix="b_"), (2, 3)),
}


@pytest.mark.parametrize("case", list(_FAILING))
def test_errors_are_the_same_imperative_and_hybridized(case) -> None:
    make, shape = _FAILING[case]
    errors = []
    for hybrid in (False, True):
        net = make()
        net.initialize()
        if case == "dense deferred then other width":
            net(nd.ones((2, 7)))  # sized for 7 features, then given 5
        net.hybridize(active=hybrid)
        with pytest.raises(mx.MXNetError) as err:
            net(nd.ones(shape))
        errors.append(err.value)
    imperative, hybridized = errors
    assert type(hybridized) is type(imperative)
    # the hybridized message also names the graph node ("Error in operator fc_fwd: ")
    node = re.match(r"(.*?)Error in operator \S+: ", str(hybridized))
    assert node is not None, str(hybridized)
    assert str(hybridized).replace(node.group(0), node.group(1), 1) == str(imperative)


class _AddOptional(gluon.HybridBlock):
    """a + b where either may be None (an optional second input)."""

    def hybrid_forward(self, F, a, b=None):
        if a is None:
            return b * 2
        return a if b is None else a + b


def test_none_inputs_trace_as_absent_and_match_imperative() -> None:
    x = nd.array([1.0, 2.0])
    for args in [(None, x), (x, x), (x, None), (x,)]:
        imperative = _AddOptional()(*args)
        hybrid = _AddOptional()
        hybrid.hybridize()
        for _ in range(2):  # trace, then the cached graph
            np.testing.assert_array_equal(hybrid(*args).asnumpy(), imperative.asnumpy())


def test_hybridized_input_structure_is_fixed_by_the_first_call() -> None:
    block = _AddOptional()
    block.hybridize()
    x = nd.ones((3,))
    block(x)
    block(x, None)  # a trailing None is the default: same structure
    with pytest.raises(ValueError, match="argument structure of HybridBlock does not match"):
        block(x, x)
    block.hybridize()  # a new hybridize forgets the structure
    assert block(x, x).asnumpy().tolist() == [2.0, 2.0, 2.0]


def test_inputs_must_hold_an_array_and_not_mix_arrays_and_symbols() -> None:
    block = _AddOptional()
    with pytest.raises(ValueError, match="must be one NDArray or one Symbol"):
        block(None, None)
    with pytest.raises(ValueError, match="mixed NDArrays and Symbols"):
        block(nd.ones((2,)), sym.var("b"))
    with pytest.raises(ValueError, match="mixed NDArrays and Symbols"):
        block(sym.var("a"), nd.ones((2,)))


def test_python_numbers_work_imperatively_but_not_hybridized() -> None:
    block = _AddOptional()
    assert block(nd.ones((2,)), 3).asnumpy().tolist() == [4.0, 4.0]
    block.hybridize()
    with pytest.raises(ValueError, match="must be \\(nested\\) list of Symbol or NDArray, but "
                                         "got 3 of type <class 'int'>"):
        block(nd.ones((2,)), 3)


def test_symbolblock_structural_names_drop_the_common_prefix(tmp_path) -> None:
    def feature_net(prefix: str) -> gluon.nn.HybridSequential:
        net = _mlp(prefix)
        net.initialize()
        data = sym.var("data")
        hidden = net(data).get_internals()[f"{prefix}dense0_relu_fwd_output"]
        outer = gluon.nn.HybridSequential()
        outer.add(gluon.SymbolBlock(hidden, data, params=net.collect_params()))
        return outer

    a, b = feature_net("first_"), feature_net("second_")
    assert sorted(a[0]._reg_params) == ["bias", "weight"]  # "first_dense0_" is common
    a(nd.ones((1, 4)))
    b(nd.ones((1, 4)))
    path = str(tmp_path / "feat.params")
    a.save_parameters(path)
    assert sorted(nd.load(path)) == ["0.bias", "0.weight"]
    b.load_parameters(path)  # different prefixes, same structural names
    np.testing.assert_array_equal(b(nd.ones((2, 4))).asnumpy(), a(nd.ones((2, 4))).asnumpy())


def test_symbolblock_refuses_a_row_sparse_variable() -> None:
    data, weight = sym.var("data"), sym.var("weight", stype="row_sparse")
    with pytest.raises(AssertionError, match="Parameter 'weight' because its storage type is"):
        gluon.SymbolBlock(sym.dot(data, weight), data)


def _recorded_op(y: nd.NDArray) -> str:
    link = autograd.link_of(y)
    return link[0].op.name


@pytest.mark.parametrize("limit, expected", [(3, "FullyConnected"), (2, "_CachedOp")])
def test_inline_limit_records_small_graphs_op_by_op(limit, expected) -> None:
    net = gluon.nn.HybridSequential()
    net.add(gluon.nn.Dense(4, in_units=2), gluon.nn.Dense(3), gluon.nn.Dense(2))
    net.initialize()
    net.hybridize(inline_limit=limit)
    x = nd.ones((1, 2))
    with autograd.record():
        y = net(x)
    assert _recorded_op(y) == expected
    y.backward()
    grads = net[0].weight.grad().asnumpy().copy()
    net.hybridize(active=False)
    with autograd.record():
        y = net(x)
    y.backward()
    np.testing.assert_allclose(grads, net[0].weight.grad().asnumpy(), rtol=1e-6)


# -- the fast path of a hybridized call (HybridBlock.__call__ -> HybridCache.fast) ------------
class _CountGraphRuns:
    """Counts runs of planned graphs through the autograd op (the full path)."""

    def __init__(self, monkeypatch) -> None:
        self.n = 0
        full = CachedGraph.__call__

        def counted(graph, *arrays):
            self.n += 1
            return full(graph, *arrays)

        monkeypatch.setattr(CachedGraph, "__call__", counted)


def _ready_mlp() -> gluon.nn.HybridSequential:
    net = _mlp()
    net.initialize(mx.init.Xavier())
    net.hybridize()
    net(nd.ones((2, 5)))  # traced and planned: later calls may take the fast path
    return net


def test_repeated_calls_skip_the_autograd_op_and_equal_the_full_path(monkeypatch) -> None:
    net = _ready_mlp()
    runs = _CountGraphRuns(monkeypatch)
    x = nd.random.normal(shape=(3, 5))
    fast = [net(x).asnumpy() for _ in range(3)]
    assert runs.n == 0
    net._cache.fast.clear()  # the next call goes the full way (and refills the entry)
    full = net(x).asnumpy()
    assert runs.n == 1
    for y in fast:
        np.testing.assert_array_equal(y, full)
    net.hybridize(active=False)
    np.testing.assert_allclose(net(x).asnumpy(), full, rtol=1e-6, atol=1e-6)


def test_hooks_registered_after_the_fast_path_fire_and_stop_on_detach() -> None:
    net = _ready_mlp()
    net(nd.ones((2, 5)))
    seen = []
    pre = net.register_forward_pre_hook(lambda b, x: seen.append(("pre", x[0].shape)))
    post = net.register_forward_hook(lambda b, x, y: seen.append(("post", y.shape)))
    net(nd.ones((4, 5)))
    assert seen == [("pre", (4, 5)), ("post", (4, 3))]
    pre.detach()
    post.detach()
    net(nd.ones((4, 5)))
    assert len(seen) == 2


def test_op_monitor_registered_after_the_fast_path_fires() -> None:
    net = _ready_mlp()
    net(nd.ones((2, 5)))
    seen = []
    net.register_op_hook(lambda name, op, arr: seen.append(op))
    net(nd.ones((2, 5)))
    assert seen == ["FullyConnected", "Activation", "FullyConnected"]


def test_recording_after_fast_calls_records_the_graph_and_its_gradients() -> None:
    net = _ready_mlp()
    x = nd.random.normal(shape=(3, 5))
    net(x)
    with autograd.record():
        y = net(x)
        assert _recorded_op(y) == "_CachedOp"
        (y * y).sum().backward()
    grads = [p.grad().asnumpy().copy() for p in net.collect_params().values()]
    net.hybridize(active=False)
    with autograd.record():
        y = net(x)
        (y * y).sum().backward()
    for g, p in zip(grads, net.collect_params().values()):
        np.testing.assert_allclose(g, p.grad().asnumpy(), rtol=1e-5, atol=1e-6)


def test_fast_path_follows_the_mode_without_recording() -> None:
    net = gluon.nn.HybridSequential()
    net.add(gluon.nn.Dropout(0.5))
    net.hybridize()
    x = nd.ones((1000,))
    for _ in range(2):
        assert (net(x).asnumpy() == 1).all()  # predict mode: identity
        with autograd.train_mode():
            frac = float((net(x).asnumpy() == 0).mean())
        assert 0.4 < frac < 0.6  # training mode: about half dropped


def test_fast_path_reads_parameters_each_call_and_new_batch_sizes() -> None:
    net = _ready_mlp()
    x = nd.random.normal(shape=(6, 5))
    net(x)
    net.collect_params().initialize(mx.init.Uniform(), force_reinit=True)  # new arrays
    got = [net(x[:n]).asnumpy() for n in (1, 6, 2)]
    net.hybridize(active=False)
    for n, y in zip((1, 6, 2), got):
        np.testing.assert_allclose(y, net(x[:n]).asnumpy(), rtol=1e-6, atol=1e-6)


def test_an_overriding_forward_still_runs_on_every_call() -> None:
    class Shifted(gluon.nn.Dense):
        def forward(self, x, *args):
            return super().forward(x, *args) + 1

    d = Shifted(2, in_units=3)
    d.initialize(mx.init.One())
    d.hybridize()
    for _ in range(3):
        assert d(nd.ones((1, 3))).asnumpy().tolist() == [[5.0, 5.0]]  # 3 + bias 1, + 1


def test_fast_path_errors_equal_imperative_errors() -> None:
    # the graph is planned for 7 features; 5 (a GEMM mismatch) and (2, 10) (which a careless
    # lean kernel would re-batch to (4, 5)...) must fail as the op does
    for shape in [(2, 5), (2, 14), (2, 7, 2)]:
        errors = []
        for hybrid in (False, True):
            net = gluon.nn.Dense(3, in_units=7, prefix="fc_")
            net.initialize()
            net.hybridize(active=hybrid)
            net(nd.ones((2, 7)))
            net(nd.ones((2, 7)))
            with pytest.raises(mx.MXNetError) as err:
                net(nd.ones(shape))
            errors.append(str(err.value))
        imperative, hybridized = errors
        assert hybridized == imperative.replace(": FullyConnected:",
                                                ": Error in operator fc_fwd: FullyConnected:", 1)


def test_a_symbolblock_takes_the_fast_path(monkeypatch) -> None:
    x = sym.var("x")
    blk = gluon.SymbolBlock(sym.relu(x) * 2, x)
    blk(nd.array([-1.0, 2.0]))
    runs = _CountGraphRuns(monkeypatch)
    assert blk(nd.array([-1.0, 3.0])).asnumpy().tolist() == [0.0, 6.0]
    assert runs.n == 0
