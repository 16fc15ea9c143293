"""What a training graph keeps (minigluon.symbol.executor): the recording forward keeps only the
values some VJP reads, the backward drops each gradient and value after its last reader unless
the graph is retained. Checked with weak references to the arrays, not with timings."""

from __future__ import annotations

import weakref
from typing import Any

import numpy as np
import pytest

from minigluon import MXNetError, autograd, nd, sym
from minigluon.autograd import STATE
from minigluon.ops import get
from minigluon.symbol.executor import CachedGraph

NAMES = ["x", "w1", "g1", "be1", "mm1", "mv1", "w2", "g2", "be2", "mm2", "mv2"]


def _block(api: Any, v: dict, h: Any, k: int) -> Any:
    """conv -> batch norm on symbols (``api=sym``) or NDArrays (``api=nd``)."""
    h = api.Convolution(h, v[f"w{k}"], kernel=(3, 3), pad=(1, 1), num_filter=3, no_bias=True,
                        name=f"c{k}")
    return api.BatchNorm(h, v[f"g{k}"], v[f"be{k}"], v[f"mm{k}"], v[f"mv{k}"], fix_gamma=False,
                         name=f"bn{k}")


def _net(api: Any, v: dict) -> Any:
    """relu(bn2(conv2(relu(bn1(conv1(x))))) + x): a ResNet block."""
    h = api.Activation(_block(api, v, v["x"], 1), act_type="relu", name="r1")
    return api.Activation(api.elemwise_add(_block(api, v, h, 2), v["x"], name="add"),
                          act_type="relu", name="r2")


def _arrays() -> dict[str, Any]:
    rng = np.random.default_rng(0)
    shapes = {"x": (2, 3, 5, 5), "w1": (3, 3, 3, 3), "w2": (3, 3, 3, 3)}
    out = {}
    for n in NAMES:
        if n.startswith(("mm", "be")):
            out[n] = nd.zeros((3,))
        elif n.startswith(("mv", "g")):
            out[n] = nd.ones((3,)) + (0.5 if n.startswith("g") else 0)
        else:
            out[n] = nd.array(rng.normal(size=shapes[n]).astype(np.float32))
    for n in ("x", "w1", "g1", "be1", "w2", "g2", "be2"):
        out[n].attach_grad()
    return out


def _watched_graph() -> tuple[CachedGraph, dict[str, list]]:
    """The block as a training graph whose monitor keeps a weak reference to every output."""
    graph = CachedGraph(_net(sym, {n: sym.var(n) for n in NAMES})._outputs, NAMES,
                        training=True)
    refs: dict[str, list] = {}
    graph.monitor = lambda name, op, args, outs: refs.__setitem__(
        name, [weakref.ref(o) for o in outs])
    return graph, refs


def _alive(refs: dict[str, list]) -> dict[str, bool]:
    """Whether each step's first output is still referenced."""
    return {name: r[0]() is not None for name, r in refs.items()}


def test_the_recording_forward_keeps_only_what_a_backward_reads() -> None:
    graph, refs = _watched_graph()
    arrays = _arrays()
    with autograd.record():
        y = graph(*[arrays[n] for n in NAMES])
    # conv outputs feed batch norm's backward, relu outputs their own and the next conv's;
    # batch norm's output (read by relu's forward only) and the sum are dropped
    assert _alive(refs) == {"c1": True, "bn1": False, "r1": True, "c2": True, "bn2": False,
                            "add": False, "r2": True}
    assert all(r() is not None for r in refs["bn1"][1:])  # its statistics stay for its backward
    y.backward()


def test_gradients_equal_the_imperative_ones() -> None:
    graph, _ = _watched_graph()
    arrays = _arrays()
    with autograd.record():
        graph(*[arrays[n] for n in NAMES]).backward()
    hybrid = {n: arrays[n].grad.asnumpy() for n in NAMES if arrays[n].grad is not None}
    arrays = _arrays()
    with autograd.record():
        _net(nd, arrays).backward()
    assert set(hybrid) == {"x", "w1", "g1", "be1", "w2", "g2", "be2"}
    for n, g in hybrid.items():
        np.testing.assert_allclose(g, arrays[n].grad.asnumpy(), rtol=1e-5, atol=1e-6,
                                   err_msg=n)


def _spy_first_conv_backward(monkeypatch: pytest.MonkeyPatch, refs: dict[str, list],
                             grad_refs: list) -> dict[str, Any]:
    """When the walk reaches the first convolution's VJP (its last step), record which forward
    values and which gradients given to batch norm's VJPs are still referenced."""
    conv, bn = get("Convolution"), get("BatchNorm")
    conv_backward, bn_backward = conv.backward, bn.backward
    seen: dict[str, Any] = {"convs": 0}

    def conv_spy(g: Any, ins: Any, out: Any, **attrs: Any) -> Any:
        seen["convs"] += 1
        if seen["convs"] == 2:
            seen["alive"] = _alive(refs)
            seen["grads"] = [r() is not None for r in grad_refs]
        return conv_backward(g, ins, out, **attrs)

    def bn_spy(g: Any, ins: Any, out: Any, **attrs: Any) -> Any:
        grad_refs.append(weakref.ref(g[0]))
        return bn_backward(g, ins, out, **attrs)

    monkeypatch.setattr(conv, "backward", conv_spy)
    monkeypatch.setattr(bn, "backward", bn_spy)
    return seen


def _recorded_with_spies(monkeypatch) -> tuple[dict, Any, dict, Any]:
    """(what the spies see, the watched values, the input arrays, the output) of a recorded
    forward."""
    graph, refs = _watched_graph()
    seen = _spy_first_conv_backward(monkeypatch, refs, [])
    arrays = _arrays()
    with autograd.record():
        y = graph(*[arrays[n] for n in NAMES])
    return seen, refs, arrays, y


def test_the_backward_drops_values_and_gradients_after_their_last_reader(monkeypatch) -> None:
    seen, _, _, y = _recorded_with_spies(monkeypatch)
    y.backward()
    # at the last step only the graph's output (y holds it) is left; c1's output went once
    # bn1's VJP had read it, and the gradient bn1's VJP consumed went with it (bn2's is the
    # array the sum's VJP also handed to x: x's partial gradient, kept to the end)
    assert seen["alive"] == {"c1": False, "bn1": False, "r1": False, "c2": False, "bn2": False,
                             "add": False, "r2": True}
    assert seen["grads"] == [True, False]
    assert STATE.retain_graph is True  # restored after the walk


def test_a_retained_graph_keeps_its_values_for_another_backward(monkeypatch) -> None:
    seen, refs, arrays, y = _recorded_with_spies(monkeypatch)
    y.backward(retain_graph=True)
    first = arrays["w1"].grad.asnumpy().copy()
    assert seen["alive"]["c1"] and seen["alive"]["c2"] and seen["alive"]["r1"]
    assert _alive(refs)["c1"]
    y.backward()  # the values are all there: the same gradients again
    np.testing.assert_array_equal(arrays["w1"].grad.asnumpy(), first)
    assert not _alive(refs)["c1"]
    with pytest.raises(MXNetError, match="retain_graph=True"):
        y.backward()


def test_a_backward_that_failed_midway_says_so_next_time(monkeypatch) -> None:
    graph, _ = _watched_graph()
    arrays = _arrays()
    with autograd.record():
        y = graph(*[arrays[n] for n in NAMES])
    bn = get("BatchNorm")

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("broken backward")

    monkeypatch.setattr(bn, "backward", broken)
    with pytest.raises(RuntimeError, match="broken backward"):
        y.backward()
    assert STATE.retain_graph is True
    monkeypatch.undo()
    with pytest.raises(MXNetError, match="released by a backward that failed"):
        y.backward()
