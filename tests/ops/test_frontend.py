"""Every registry op through its three front doors: ``nd``, a symbol graph, a hybridized block.

The op records are the single source of truth, so each case in ``op.cases`` is run four ways and
compared: the op's numpy forward (the reference), ``nd.<op>``, ``sym.<op>`` evaluated by
``Symbol.eval``, and a ``HybridBlock`` calling ``F.<op>`` after ``hybridize()``. Values, dtypes and
the number of outputs must agree, and the symbol's inferred shapes must match what ran. An op
with no case fails ``test_every_op_has_cases``; the ops that cannot take one of the doors are
listed in ``NOT_A_GRAPH_OP`` with the reason, and the test checks that the door really is closed.
"""

from __future__ import annotations

from types import ModuleType
from typing import Any

import numpy as np
import pytest

import minigluon as mx
from minigluon import _rng, nd, sym
from minigluon.gluon import HybridBlock
from minigluon.ops import Case, Op, all_ops

from .cases import attrs_of, materialize

SEED = 42
# Ops whose positional arguments are not arrays, so a graph variable cannot stand in for them.
NOT_A_GRAPH_OP = {
    "randn": "takes the output shape as positional integers (nd.random.randn(2, 3))",
}
CASES = [(op, i, c) for op in all_ops() if op.name not in NOT_A_GRAPH_OP
         for i, c in enumerate(op.cases)]


def _ids(item: Any) -> str:
    op, i, _ = item
    return f"{op.name}-{i}"


def front_door(namespace: ModuleType, op: Op) -> Any:
    """``nd.relu``, ``sym.random.uniform``, ``F.contrib.box_iou``: the op's public function."""
    space = getattr(namespace, op.namespace) if op.namespace else namespace
    return getattr(space, op.name)


def inputs_of(case: Case) -> list[Any]:
    # MXNet 1.x NDArrays have no 0-d form, so every door gets a 0-d input as shape (1,).
    return [None if x is None else x.reshape(1) if x.ndim == 0 else x for x in materialize(case)]


def as_list(out: Any) -> list[np.ndarray]:
    outs = out if isinstance(out, (list, tuple)) else [out]
    return [o.asnumpy() for o in outs]


def reference(op: Op, inputs: list, attrs: dict) -> list[np.ndarray]:
    _rng.seed(SEED)
    args = [None if x is None else x.copy() for x in inputs]
    res = op.forward(*args, **attrs, **({"is_train": False} if op.uses_train_mode else {}))
    res = list(res) if op.n_total(attrs) > 1 else [res]
    return [np.asarray(r) for r in res[: op.n_visible(attrs)]]


def through_nd(op: Op, inputs: list, attrs: dict) -> list[np.ndarray]:
    arrays = [None if x is None else nd.array(x, dtype=x.dtype) for x in inputs]
    mx.random.seed(SEED)
    return as_list(front_door(nd, op)(*arrays, **attrs))


def through_symbol(op: Op, inputs: list, attrs: dict) -> tuple[list[np.ndarray], list]:
    names = [None if x is None else f"x{i}" for i, x in enumerate(inputs)]
    graph = front_door(sym, op)(*[n and sym.var(n) for n in names], **attrs)
    feed = {n: nd.array(x, dtype=x.dtype) for n, x in zip(names, inputs) if n}
    _, out_shapes, _ = graph.infer_shape(**{n: a.shape for n, a in feed.items()})
    mx.random.seed(SEED)
    return as_list(graph.eval(**feed)), out_shapes


class OpBlock(HybridBlock):
    """One op as a block; ``present`` marks which of the op's array inputs are given."""

    def __init__(self, op: Op, attrs: dict, present: list[bool]) -> None:
        super().__init__()
        self.op, self.attrs, self.present = op, attrs, present
        self.traced_with: list[ModuleType] = []

    def hybrid_forward(self, F: Any, *xs: Any) -> Any:
        self.traced_with.append(F)
        given = iter(xs)
        arrays = [next(given) if p else None for p in self.present]
        if not self.present:  # an op without array inputs (zeros, random.uniform) ignores x
            arrays = []
        return front_door(F, self.op)(*arrays, **self.attrs)


def through_hybrid_block(op: Op, inputs: list, attrs: dict) -> list[np.ndarray]:
    block = OpBlock(op, attrs, [x is not None for x in inputs])
    block.hybridize()
    arrays = [nd.array(x, dtype=x.dtype) for x in inputs if x is not None] or [nd.zeros(1)]
    block(*arrays)  # traces the graph; the second call must run it without Python
    mx.random.seed(SEED)
    out = as_list(block(*arrays))
    assert block.traced_with == [sym], f"{op.name}: hybrid_forward ran with {block.traced_with}"
    return out


def assert_same(what: str, op: Op, got: list[np.ndarray], want: list[np.ndarray]) -> None:
    assert len(got) == len(want), f"{op.name} via {what}: {len(got)} outputs, expected {len(want)}"
    for k, (g, w) in enumerate(zip(got, want)):
        where = f"{op.name} via {what}, output {k}"
        w = w.reshape(1) if w.ndim == 0 else w
        assert g.dtype == w.dtype, f"{where}: dtype {g.dtype}, expected {w.dtype}"
        np.testing.assert_allclose(g, w, rtol=1e-6, atol=1e-12, err_msg=where)


def test_every_op_has_cases() -> None:
    missing = [op.name for op in all_ops() if not op.cases]
    assert not missing, f"ops without cases, so the front-door test cannot run them: {missing}"


def test_exceptions_are_real_ops_whose_door_is_closed() -> None:
    names = {op.name: op for op in all_ops()}
    for name in NOT_A_GRAPH_OP:
        assert name in names, f"NOT_A_GRAPH_OP lists {name!r}, which is not a registry op"
        assert any(p.kind is p.VAR_POSITIONAL for p in names[name].array_params)
    # randn's integers are a shape: nd gets (2, 3), not two arrays.
    assert nd.random.randn(2, 3).shape == (2, 3)


@pytest.mark.parametrize("item", CASES, ids=_ids)
def test_nd_symbol_and_hybrid_block_agree(item: Any) -> None:
    op, _, case = item
    inputs, attrs = inputs_of(case), dict(case.attrs)
    want = reference(op, inputs, attrs_of(op, case))
    assert_same("nd", op, through_nd(op, inputs, attrs), want)
    got, inferred = through_symbol(op, inputs, attrs)
    assert_same("sym.eval", op, got, want)
    assert [tuple(s) for s in inferred] == [g.shape for g in got], (
        f"{op.name}: symbol infer_shape says {inferred}, eval gave {[g.shape for g in got]}")
    assert_same("hybridized block", op, through_hybrid_block(op, inputs, attrs), want)


def test_ops_without_parameters_leave_unknown_keywords_unread() -> None:
    # as MXNet: nd.broadcast_maximum(a, b, axis=1) runs; sum has parameters and rejects foo=
    a = nd.array([[1.0], [-2.0]])
    assert nd.broadcast_maximum(a, nd.zeros((1, 1)), axis=1).asnumpy().tolist() == [[1], [0]]
    with pytest.raises(TypeError, match="foo"):
        nd.sum(a, foo=2)
