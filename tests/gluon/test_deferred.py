"""gluon/deferred.py: one deferred-initialization path for ops, hybridized blocks,
SymbolBlocks and HybridBlock.infer_shape."""

from __future__ import annotations

import numpy as np
import pytest

import minigluon as mx
from minigluon import gluon, nd, sym
from minigluon.gluon import nn
from minigluon.gluon.hybrid import trace
from minigluon.name import NameManager


class Scale(gluon.HybridBlock):
    """A parameter no op can size: broadcast_mul says nothing about its rhs."""

    def __init__(self, declared=(0,), **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.alpha = self.params.get("alpha", shape=declared, allow_deferred_init=True)

    def hybrid_forward(self, F, x, alpha):
        return F.broadcast_mul(x, alpha)


class Odd(gluon.HybridBlock):
    """Declares a weight of (4, 0) that FullyConnected(num_hidden=3) needs as (3, in_units)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.weight = self.params.get("weight", shape=(4, 0), allow_deferred_init=True)

    def hybrid_forward(self, F, x, weight):
        return F.FullyConnected(x, weight, num_hidden=3, no_bias=True)


def test_deferred_init_conflicting_declared_shape() -> None:
    with NameManager():
        net = nn.HybridSequential()
        with net.name_scope():
            net.add(Odd())
    net.initialize()
    with pytest.raises(ValueError) as err:
        net(nd.ones((2, 5)))
    msg = str(err.value)
    assert "in block 0 (Odd 'hybridsequential0_odd0')" in msg
    assert "hybridsequential0_odd0_weight" in msg and "(3, 5)" in msg and "(4, 0)" in msg
    assert "(2, 5)" in msg


def _first_call_error(make, hybridize: bool) -> Exception:
    net = make()
    net.initialize()
    net.hybridize(active=hybridize)
    with pytest.raises(ValueError) as err:
        net(nd.ones((2, 5)))
    return err.value


@pytest.mark.parametrize("make, core", [
    (lambda: Scale(prefix="s_"), "Deferred initialization failed because shape cannot be "
                                 "inferred. Parameter 's_alpha' (shape (0,)) of "),
    (lambda: Odd(prefix="odd_"), "Deferred initialization of Parameter 'odd_weight': the input "
                                 "(shapes "),
])
def test_deferred_errors_are_the_same_imperative_and_hybridized(make, core) -> None:
    imperative = _first_call_error(make, hybridize=False)
    hybridized = _first_call_error(make, hybridize=True)
    assert type(imperative) is type(hybridized) is ValueError
    for e in (imperative, hybridized):
        assert core in str(e)
    assert "needs shape (3, 5), but the layer was declared with (4, 0)" in str(
        _first_call_error(lambda: Odd(prefix="odd_"), hybridize=True))


def test_infer_shape_uses_the_same_inference_without_initializing() -> None:
    net = nn.HybridSequential()
    net.add(nn.Dense(4), nn.Dense(3))
    net.initialize()
    net.infer_shape(nd.ones((2, 7)))
    assert [p.shape for p in net.collect_params().values()] == [(4, 7), (4,), (3, 4), (3,)]
    with pytest.raises(gluon.parameter.DeferredInitializationError):
        net[0].weight.data()  # shapes only, as in MXNet
    odd = Odd(prefix="odd_")
    with pytest.raises(ValueError, match=r"needs shape \(3, 5\), but the layer was declared "
                                         r"with \(4, 0\)"):
        odd.infer_shape(nd.ones((2, 5)))
    conv = nn.Conv2D(4, 3, in_channels=3)  # nothing deferred: the inference still runs
    with pytest.raises(mx.MXNetError, match="needs 4-D data"):
        conv.infer_shape(nd.ones((2, 3, 8)))


def test_symbolblock_finishes_deferred_parameters_through_the_hybrid_cache() -> None:
    data = sym.var("data")
    out = sym.FullyConnected(data, sym.var("fc_weight"), sym.var("fc_bias"), num_hidden=3)
    blk = gluon.SymbolBlock([out, sym.relu(out)], data)
    blk.initialize(mx.init.One())
    y, r = blk(nd.ones((2, 5)))  # a multi-output graph returns a list, as before
    assert blk.collect_params()["fc_weight"].shape == (3, 5)
    np.testing.assert_array_equal(y.asnumpy(), np.full((2, 3), 6.0))  # 5 ones + bias 1
    np.testing.assert_array_equal(r.asnumpy(), y.asnumpy())
    assert blk._cache.symbol() is not None  # the one graph cache of every HybridBlock


def test_hybridized_multi_output_symbol_returns_what_imperative_returns() -> None:
    class Halves(gluon.HybridBlock):
        def hybrid_forward(self, F, x):
            return F.split(x, num_outputs=2)

    net = Halves()
    x = nd.array(np.arange(8.0).reshape(2, 4))
    imperative = net(x)
    net.hybridize()
    hybridized = net(x)
    assert isinstance(hybridized, list) and len(hybridized) == len(imperative) == 2
    for a, b in zip(imperative, hybridized):
        np.testing.assert_array_equal(a.asnumpy(), b.asnumpy())


def test_trace_reports_every_block_output_to_its_callback() -> None:
    net = nn.HybridSequential()
    net.add(nn.Dense(4, activation="relu"), nn.Dense(2))
    seen = []
    outputs, names, _ = trace(net, (nd.ones((1, 3)),),
                              on_output=lambda block, out: seen.append((block, out.name)))
    assert names == ["data"]
    assert [b for b, _ in seen] == [net[0].act, net[0], net[1], net]
    assert seen[-1][1] == outputs.name
    net(sym.var("data"))  # outside a trace nothing is reported
    assert len(seen) == 4
