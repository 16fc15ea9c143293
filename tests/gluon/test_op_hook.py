"""register_op_hook: every op of a hybridized graph reported with MXNet's names."""

from __future__ import annotations

import numpy as np

from minigluon import autograd, gluon, nd
from minigluon.name import NameManager


def _record(net: gluon.Block, x: nd.NDArray, monitor_all: bool = False) -> list:
    seen: list = []
    net.register_op_hook(lambda name, op, arr: seen.append((name, op, arr.asnumpy())),
                         monitor_all)
    net(x)
    return seen


def _mlp() -> gluon.nn.HybridSequential:
    net = gluon.nn.HybridSequential(prefix="m_")
    with net.name_scope():
        net.add(gluon.nn.Dense(3, in_units=2), gluon.nn.Activation("relu"))
    net.initialize()
    return net


def test_outputs_are_reported_in_order_with_their_values() -> None:
    with NameManager():
        net = _mlp()
    net.hybridize()
    x = nd.array([[1.0, -2.0]])
    seen = _record(net, x)
    assert [(n, op) for n, op, _ in seen] == [("m_dense0_fwd_output", "FullyConnected"),
                                              ("m_relu0_fwd_output", "Activation")]
    np.testing.assert_array_equal(seen[1][2], net(x).asnumpy())


def test_monitor_all_reports_inputs_before_outputs() -> None:
    with NameManager():
        net = _mlp()
    net.hybridize()
    names = [n for n, _, _ in _record(net, nd.ones((1, 2)), monitor_all=True)]
    assert names == ["m_dense0_fwd_data", "m_dense0_fwd_weight", "m_dense0_fwd_bias",
                     "m_dense0_fwd_output", "m_relu0_fwd_input0", "m_relu0_fwd_output"]


class _Math(gluon.HybridBlock):
    def hybrid_forward(self, F, x):
        return F.concat(F.relu(x) + 1, F.broadcast_add(x, x), dim=1).reshape((-1,))


def test_unnamed_outputs_are_numbered_and_variadic_inputs_are_args() -> None:
    with NameManager():
        net = _Math(prefix="f_")
    net.hybridize()
    seen = [(n, op) for n, op, _ in _record(net, nd.ones((1, 2)), monitor_all=True)]
    assert ("f_relu0_input0", "relu") in seen and ("f_relu0_0", "relu") in seen
    assert ("f_broadcast_add0_lhs", "broadcast_add") in seen
    assert ("f_concat0_arg1", "Concat") in seen and ("f_concat0_output", "Concat") in seen
    assert ("f_reshape0_0", "Reshape") in seen


def test_no_calls_while_imperative_and_the_hook_survives_recording() -> None:
    with NameManager():
        net = _mlp()
    assert _record(net, nd.ones((1, 2))) == []
    net.hybridize()
    seen: list = []
    net.register_op_hook(lambda name, op, arr: seen.append(name))
    with autograd.record():
        net(nd.ones((1, 2)))
    assert seen == ["m_dense0_fwd_output", "m_relu0_fwd_output"]
