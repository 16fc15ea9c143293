"""gluon.Block / HybridBlock: registration, traversal, saving and loading, hooks, summary."""

from __future__ import annotations

import re

import numpy as np
import pytest

import minigluon as mx
from minigluon import autograd, gluon, nd
from minigluon.gluon import nn
from minigluon.gluon.parameter import MismatchError
from minigluon.name import NameManager


@pytest.fixture(autouse=True)
def _fresh_names():
    with NameManager():
        yield


class Model(gluon.Block):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.body = nn.HybridSequential()
            with self.body.name_scope():
                self.body.add(nn.Dense(4, in_units=3, activation="relu"),
                              nn.BatchNorm(in_channels=4))
            self.head = nn.Dense(2, in_units=4)
            self.scale = self.params.get("scale", shape=(1,), init=mx.init.One())

    def forward(self, x):
        return self.head(self.body(x)) * self.scale.data()


def _model(**kwargs) -> Model:
    net = Model(**kwargs)
    net.initialize(mx.init.Uniform(1.0))
    return net


# -- registration -----------------------------------------------------------------------------
def test_attributes_register_children_and_parameters() -> None:
    net = Model()
    assert list(net._children) == ["body", "head"]
    assert list(net._reg_params) == ["scale"]
    assert [p for p, _ in net.named_blocks()] == ["", "body", "body.0", "body.0.act", "body.1",
                                                 "head"]
    assert list(net.params.keys()) == ["model0_scale"]  # own parameters only
    assert len(net.collect_params()) == 1 + 2 + 4 + 2
    assert net.name == "model0" and net.body.prefix == "model0_hybridsequential0_"


def test_setattr_type_change_and_parameter_override_errors() -> None:
    net = Model()
    with pytest.raises(TypeError) as err:
        net.head = gluon.Parameter("w", shape=(1,))
    assert str(err.value) == (
        "Changing attribute type for head from <class 'minigluon.gluon.nn.basic_layers.Dense'>"
        " to <class 'minigluon.gluon.parameter.Parameter'>is not allowed.")
    with pytest.raises(mx.MXNetError, match=re.escape(
            "Overriding Parameter attribute scale is not allowed. If you want to share "
            "parameters between blocks, please set 'params' at Block construction instead.")):
        net.scale = gluon.Parameter("other", shape=(1,))
    net.head = nn.Dense(3)  # same type: fine, re-registered
    assert net._children["head"] is net.head


class Scaled(gluon.HybridBlock):
    """A Parameter made on its own and assigned as an attribute (PyTorch style)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.w = gluon.Parameter("w", shape=(3,), init=mx.init.Constant(2.0))

    def hybrid_forward(self, F, x, w):
        return F.broadcast_mul(x, w)


def test_parameter_attribute_is_registered_with_the_block_prefix(tmp_path) -> None:
    # Before: only noted for hybrid_forward; collect_params and initialize missed it and the
    # first forward said "Parameter 'w' has not been initialized".
    net = Scaled(prefix="scaled_")
    assert net.w.name == "scaled_w"
    assert list(net.collect_params().keys()) == ["scaled_w"]
    net.initialize()
    x = nd.array([[1, 2, 3]])
    expected = [[2.0, 4.0, 6.0]]
    assert net(x).asnumpy().tolist() == expected
    net.hybridize()
    assert net(x).asnumpy().tolist() == expected
    path = str(tmp_path / "scaled.params")
    net.save_parameters(path)
    assert sorted(nd.load(path)) == ["w"]
    other = Scaled(prefix="other_")
    other.load_parameters(path)
    assert other(x).asnumpy().tolist() == expected
    twice = nn.HybridSequential()
    twice.add(Scaled(), Scaled())  # two Parameter('w') no longer collide
    assert list(twice.collect_params().keys()) == ["scaled0_w", "scaled1_w"]


def test_shared_parameter_attribute_keeps_its_name_and_clashes_are_refused() -> None:
    dense = nn.Dense(3, in_units=3)
    holder = gluon.Block(prefix="holder_")
    holder.shared = dense.weight
    assert holder.shared.name == "dense0_weight"
    assert holder.collect_params()["dense0_weight"] is dense.weight
    holder.own = gluon.Parameter("w", shape=(1,))
    with pytest.raises(ValueError, match="already has another Parameter of that name"):
        holder.again = gluon.Parameter("w", shape=(1,))


def test_hybrid_block_refuses_plain_children() -> None:
    net = nn.HybridSequential()
    with pytest.raises(ValueError) as err:
        net.add(nn.Lambda("relu"))
    assert str(err.value) == (
        "Children of HybridBlock must also be HybridBlock, but Lambda(relu) has type "
        "<class 'minigluon.gluon.nn.basic_layers.Lambda'>. If you are using Sequential, please "
        "try HybridSequential instead.")
    nn.Sequential().add(nn.Lambda("relu"), nn.Dense(1))  # a plain Block may hold anything


def test_collect_params_select_regex() -> None:
    net = Model()
    names = list(net.collect_params(".*weight").keys())
    assert names == ["model0_hybridsequential0_dense0_weight", "model0_dense0_weight"]
    both = net.collect_params(".*weight|.*bias")
    assert len(both) == 4
    assert list(net.collect_params("model0_hybridsequential0_batchnorm0_running_.*").keys()) \
        == ["model0_hybridsequential0_batchnorm0_running_mean",
            "model0_hybridsequential0_batchnorm0_running_var"]
    assert len(net.collect_params("nothing")) == 0


def test_apply_visits_children_first_and_returns_self() -> None:
    net = Model()
    seen = []
    assert net.apply(lambda b: seen.append(b.name)) is net
    assert seen == ["model0_hybridsequential0_dense0_relu", "model0_hybridsequential0_dense0",
                    "model0_hybridsequential0_batchnorm0", "model0_hybridsequential0",
                    "model0_dense0", "model0"]


def test_cast_and_zero_grad() -> None:
    net = _model()
    net.cast("float64")
    assert net.head.weight.data().dtype == np.float64
    assert net.scale.data().dtype == np.float64
    with autograd.record():
        y = (net(nd.array([[1, 2, 3], [3, 1, 0]], dtype="float64")) ** 2).sum()
    y.backward()
    assert net.head.weight.grad().abs().sum().asscalar() > 0
    net.zero_grad()
    assert net.head.weight.grad().abs().sum().asscalar() == 0


def test_sequential_slicing_shares_blocks_and_parameters() -> None:
    net = nn.Sequential(prefix="seq_")
    with net.name_scope():
        net.add(nn.Dense(4, in_units=3), nn.Dense(5, in_units=4), nn.Dense(1, in_units=5))
    net.initialize()
    head = net[:2]
    assert type(head) is nn.Sequential and head.prefix == "seq_" and len(head) == 2
    assert head[0] is net[0] and head[1].weight is net[1].weight
    x = nd.ones((2, 3))
    np.testing.assert_allclose(head(x).asnumpy(), net[1](net[0](x)).asnumpy())
    hybrid = nn.HybridSequential()
    hybrid.add(nn.Dense(2, in_units=2), nn.Dense(2, in_units=2))
    assert hybrid[1:][0] is hybrid[1] and type(hybrid[::2]) is nn.HybridSequential
    assert net[-1] is net[2]


# -- save / load ------------------------------------------------------------------------------
def test_save_load_round_trip_with_structural_keys(tmp_path) -> None:
    a = _model()
    x = nd.array([[1, 2, 3], [4, 5, 6]])
    path = str(tmp_path / "model.params")
    a.save_parameters(path)
    assert sorted(nd.load(path)) == [
        "body.0.bias", "body.0.weight", "body.1.beta", "body.1.gamma", "body.1.running_mean",
        "body.1.running_var", "head.bias", "head.weight", "scale"]
    b = Model(prefix="other_")  # different prefix: structural keys still match
    b.load_parameters(path)
    np.testing.assert_array_equal(b(x).asnumpy(), a(x).asnumpy())


def test_load_into_deferred_network_fills_shapes(tmp_path) -> None:
    a = nn.HybridSequential()
    a.add(nn.Dense(4), nn.Dense(2))
    a.initialize()
    a(nd.ones((1, 3)))
    path = str(tmp_path / "net.params")
    a.save_parameters(path)
    b = nn.HybridSequential()
    b.add(nn.Dense(4), nn.Dense(2))
    b.load_parameters(path)  # never initialized, shapes unknown
    assert b[0].weight.shape == (4, 3)
    np.testing.assert_array_equal(b(nd.ones((1, 3))).asnumpy(), a(nd.ones((1, 3))).asnumpy())


def test_load_reports_every_mismatch_with_closest_names(tmp_path) -> None:
    src = nn.HybridSequential()
    src.add(nn.Dense(4, in_units=3), nn.Dense(2, in_units=4), nn.Dense(1, in_units=2))
    src.initialize()
    path = str(tmp_path / "src.params")
    src.save_parameters(path)

    class Renamed(gluon.HybridBlock):
        def __init__(self):
            super().__init__()
            self.encoder = nn.Dense(4, in_units=3)
            self.decoder = nn.Dense(5, in_units=4)

    dst = nn.HybridSequential()
    dst.add(nn.Dense(4, in_units=3), nn.Dense(2, in_units=5))  # '1.weight' mis-shaped
    dst.initialize()
    with pytest.raises(MismatchError) as err:
        dst.load_parameters(path)
    msg = str(err.value)
    assert msg.startswith(f"Parameter '2.weight' loaded from file '{path}' is not present")
    assert "unexpected in file: '2.weight'" in msg and "unexpected in file: '2.bias'" in msg
    assert "shape mismatch: '1.weight': network (2, 5), file (2, 4)" in msg
    with pytest.raises(MismatchError, match=re.escape("shape mismatch: '1.weight'")):
        dst.load_parameters(path, ignore_extra=True)  # shapes are checked even then

    other = Renamed()
    other.initialize()
    with pytest.raises(MismatchError) as err:
        other.load_parameters(path)
    msg = str(err.value)
    assert msg.startswith("Parameter 'encoder.weight' is missing in file")
    assert "Set allow_missing=True to ignore missing parameters." in msg
    for name in ["encoder.weight", "encoder.bias", "decoder.weight", "decoder.bias"]:
        assert f"missing in file: '{name}'" in msg
    for name in ["0.weight", "0.bias", "1.weight", "1.bias", "2.weight", "2.bias"]:
        assert f"unexpected in file: '{name}'" in msg
    assert re.search(r"missing in file: 'encoder.weight' \(closest in file: \[.*'.\.weight'",
                     msg)


def test_load_allow_missing_and_ignore_extra(tmp_path) -> None:
    big = nn.HybridSequential()
    big.add(nn.Dense(4, in_units=3), nn.Dense(2, in_units=4))
    big.initialize(mx.init.One())
    path = str(tmp_path / "big.params")
    big.save_parameters(path)
    small = nn.HybridSequential()
    small.add(nn.Dense(4, in_units=3))
    small.initialize()
    with pytest.raises(MismatchError, match=re.escape("Set ignore_extra=True to ignore.")):
        small.load_parameters(path)
    small.load_parameters(path, ignore_extra=True)
    np.testing.assert_array_equal(small[0].weight.data().asnumpy(), np.ones((4, 3)))
    bigger = nn.HybridSequential()
    bigger.add(nn.Dense(4, in_units=3), nn.Dense(2, in_units=4), nn.Dense(1, in_units=2))
    bigger.initialize()
    bigger.load_parameters(path, allow_missing=True)
    np.testing.assert_array_equal(bigger[1].weight.data().asnumpy(), np.ones((2, 4)))


def test_legacy_prefix_keyed_load(tmp_path) -> None:
    a = _model(prefix="net_")
    path = str(tmp_path / "legacy.params")
    a.collect_params().save(path, strip_prefix="net_")
    # the keys are the full names without the block prefix
    assert "dense0_weight" in nd.load(path) and "scale" in nd.load(path)
    b = Model(prefix="net_")
    b.initialize()
    b.load_parameters(path)  # no '.' in the keys: restore_prefix=b.prefix
    np.testing.assert_array_equal(b.head.weight.data().asnumpy(),
                                  a.head.weight.data().asnumpy())
    c = Model(prefix="elsewhere_")
    c.initialize()
    c.load_parameters(path)  # the stripped names fit any prefix
    a.collect_params().save(path)  # full names 'net_...': only loadable under prefix 'net_'
    with pytest.raises(MismatchError, match="Please make sure source and target networks have "
                                            "the same prefix"):
        c.load_parameters(path)


def test_deduplicate_saves_shared_parameters_once(tmp_path) -> None:
    net = nn.HybridSequential()
    first = nn.Dense(3, in_units=3)
    net.add(first, nn.Dense(3, in_units=3, params=first.collect_params()))
    net.initialize()
    assert net[1].weight is first.weight
    path = str(tmp_path / "shared.params")
    net.save_parameters(path, deduplicate=True)
    assert sorted(nd.load(path)) == ["0.bias", "0.weight"]
    net.save_parameters(path)
    assert len(nd.load(path)) == 4


# -- hooks ------------------------------------------------------------------------------------
def test_forward_hooks_and_detach() -> None:
    net = _model()
    calls = []
    pre = net.head.register_forward_pre_hook(lambda b, x: calls.append(("pre", x[0].shape)))
    post = net.head.register_forward_hook(
        lambda b, x, y: calls.append(("post", b.name, y.shape)))
    net(nd.ones((5, 3)))
    assert calls == [("pre", (5, 4)), ("post", "model0_dense0", (5, 2))]
    pre.detach()
    post.detach()
    post.detach()  # twice is harmless
    net(nd.ones((5, 3)))
    assert len(calls) == 2
    with net.body.register_forward_hook(lambda b, x, y: calls.append("ctx")):
        net(nd.ones((1, 3)))
    net(nd.ones((1, 3)))
    assert calls[2:] == ["ctx"]


def test_forward_hook_return_value_is_ignored() -> None:
    d = nn.Dense(1, in_units=1)
    d.initialize(mx.init.One())
    d.register_forward_hook(lambda b, x, y: y * 100)
    np.testing.assert_array_equal(d(nd.ones((1, 1))).asnumpy(), [[1.0]])


# -- summary ----------------------------------------------------------------------------------
def test_summary_table(capsys) -> None:
    net = nn.HybridSequential()
    net.add(nn.Dense(4, in_units=3, activation="relu"), nn.BatchNorm(in_channels=4),
            nn.Dense(2, in_units=4))
    net.initialize()
    net.summary(nd.ones((2, 3)))
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "-" * 80 and lines[2] == "=" * 80
    assert lines[1].split() == ["Layer", "(type)", "Output", "Shape", "Param", "#"]
    rows = [line.split() for line in lines[3:9]]
    assert rows[0] == ["Input", "(2,", "3)", "0"]
    assert ["BatchNorm-3", "(2,", "4)", "16"] in rows
    assert ["Dense-4", "(2,", "2)", "10"] in rows
    text = "\n".join(lines)
    assert "Total params: 42" in text
    assert "Trainable params: 34" in text and "Non-trainable params: 8" in text
    assert "Shared params in forward computation graph: 0" in text
    assert "Unique parameters in model: 42" in text
    net.hybridize()
    with pytest.raises(ValueError, match="must not be hybridized to print summary"):
        net.summary(nd.ones((2, 3)))
