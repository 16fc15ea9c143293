"""Registry-driven checks: every differentiable op's backward against finite differences.

The parameter lists are built from ``minigluon.ops.all_ops()``, so an op added to the registry
is checked here without anyone writing a test for it; a differentiable op without test cases
fails ``test_every_differentiable_op_has_cases``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from minigluon import _rng, autograd, nd
from minigluon.ops import Case, Op, all_ops
from minigluon.ops.registry import stand_in

from .cases import attrs_of, materialize

DIFFERENTIABLE = [op for op in all_ops() if op.differentiable]
# A case with wrt=() has no input to check here: the loss outputs (SoftmaxOutput, ...) return a
# loss gradient rather than their output's derivative; tests/ops/test_output.py checks them.
CASES = [(op, i, c) for op in DIFFERENTIABLE for i, c in enumerate(op.cases) if c.wrt != ()]
EPS, RTOL, ATOL = 1e-6, 1e-4, 1e-6


def _ids(item: Any) -> str:
    op, i, _ = item
    return f"{op.name}-{i}"


def diff_inputs(op: Op, case: Case, inputs: list) -> list[int]:
    if case.wrt is not None:
        return list(case.wrt)
    return [i for i, x in enumerate(inputs)
            if i not in op.nondiff_inputs and x is not None and np.asarray(x).dtype.kind == "f"]


def forward(op: Op, inputs: list, attrs: dict) -> tuple:
    # Reset the global generator so random ops (Dropout) draw the same mask every time, and
    # copy inputs an op mutates (BatchNorm's moving statistics).
    _rng.seed(1234)
    args = [np.array(x, copy=True) if i in op.mutates else x for i, x in enumerate(inputs)]
    extra = {"is_train": True} if op.uses_train_mode else {}
    res = op.forward(*args, **attrs, **extra)
    n = op.n_total(attrs)
    return tuple(np.asarray(r, dtype=np.float64) for r in (res if n > 1 else (res,)))


def projection(op: Op, outs: tuple, attrs: dict, seed: int = 1) -> list:
    rng = np.random.default_rng(seed)
    n = op.n_visible(attrs)
    return [rng.standard_normal(o.shape) if i < n else np.zeros(o.shape)
            for i, o in enumerate(outs)]


def analytic(op: Op, inputs: list, attrs: dict, outs: tuple, vs: list) -> tuple:
    n = op.n_total(attrs)
    g = vs[0] if n == 1 else tuple(vs)
    grads = op.backward(g, tuple(inputs), outs[0] if n == 1 else outs, **attrs)
    assert len(grads) == len(inputs), f"{op.name}: backward returned {len(grads)} grads"
    return grads


def numeric(op: Op, inputs: list, attrs: dict, vs: list, i: int) -> np.ndarray:
    x = np.array(inputs[i], dtype=np.float64, copy=True)
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for k in range(flat.size):
        orig = flat[k]
        vals = []
        for delta in (EPS, -EPS):
            flat[k] = orig + delta
            args = list(inputs)
            args[i] = x
            outs = forward(op, args, attrs)
            vals.append(sum(float(np.sum(v * o)) for v, o in zip(vs, outs)))
        flat[k] = orig
        gflat[k] = (vals[0] - vals[1]) / (2 * EPS)
    return grad


def test_every_differentiable_op_has_cases() -> None:
    missing = [op.name for op in DIFFERENTIABLE if not op.cases or op.backward is None]
    assert not missing, f"differentiable ops without backward or gradient cases: {missing}"


@pytest.mark.parametrize("item", CASES, ids=_ids)
def test_backward_matches_finite_differences(item: Any) -> None:
    op, _, case = item
    inputs = materialize(case)
    outs = forward(op, inputs, attrs_of(op, case))
    vs = projection(op, outs, attrs_of(op, case))
    grads = analytic(op, inputs, attrs_of(op, case), outs, vs)
    for i in diff_inputs(op, case, inputs):
        assert grads[i] is not None, f"{op.name}: no gradient for input {i}"
        assert np.shape(grads[i]) == np.shape(inputs[i]), (
            f"{op.name}: gradient of input {i} has shape {np.shape(grads[i])}, "
            f"input has {np.shape(inputs[i])}")
        expected = numeric(op, inputs, attrs_of(op, case), vs, i)
        np.testing.assert_allclose(np.asarray(grads[i], dtype=np.float64), expected, rtol=RTOL,
                                   atol=ATOL, err_msg=f"{op.name} input {i}, case {case}")


SAVING = [(op, i, c) for op, i, c in CASES if op.saves is not None]


def test_some_ops_declare_what_their_backward_reads() -> None:
    assert {"relu", "Activation", "BatchNorm", "Convolution"} <= {op.name for op, _, _ in SAVING}


@pytest.mark.parametrize("item", SAVING, ids=_ids)
def test_backward_reads_only_what_it_saves(item: Any) -> None:
    """``Op.saves``: the backward, given stand-ins (shape and dtype, NaN data) for every value
    it does not declare, returns the same gradients bit for bit (a graph keeps no more)."""
    op, _, case = item
    attrs = attrs_of(op, case)
    inputs = materialize(case)
    outs = forward(op, inputs, attrs)
    vs = projection(op, outs, attrs)
    expected = analytic(op, inputs, attrs, outs, vs)
    saved_ins, saved_outs = op.saved(attrs)
    keep_in = {i % len(inputs) for i in saved_ins}
    keep_out = {i % len(outs) for i in saved_outs}
    dropped_ins = [x if i in keep_in else stand_in(x) for i, x in enumerate(inputs)]
    dropped_outs = tuple(o if i in keep_out else stand_in(o) for i, o in enumerate(outs))
    grads = analytic(op, dropped_ins, attrs, dropped_outs, vs)
    for i, (g, e) in enumerate(zip(grads, expected)):
        assert (g is None) == (e is None), f"{op.name} input {i}"
        if e is not None:
            np.testing.assert_array_equal(np.asarray(g), np.asarray(e),
                                          err_msg=f"{op.name} input {i}, case {case}")


@pytest.mark.parametrize("item", CASES, ids=_ids)
def test_shape_inference_matches_forward(item: Any) -> None:
    op, _, case = item
    inputs = materialize(case)
    outs = forward(op, inputs, attrs_of(op, case))
    inferred = op.infer_shape(*[np.shape(x) if x is not None else None for x in inputs],
                              **attrs_of(op, case))
    actual = [o.shape if o.ndim else (1,) for o in outs[: op.n_visible(attrs_of(op, case))]]
    assert [tuple(s) if len(s) else (1,) for s in inferred] == actual


def _nd_case(case: Case, inputs: list) -> bool:
    return all(x is None or np.ndim(x) > 0 for x in inputs)


@pytest.mark.parametrize("item", [c for c in CASES], ids=_ids)
def test_autograd_through_ndarray_agrees(item: Any) -> None:
    """The same gradient through nd + autograd.record (the path users take)."""
    op, _, case = item
    inputs = materialize(case)
    if not _nd_case(case, inputs):
        pytest.skip("0-d inputs become shape (1,) NDArrays")
    outs = forward(op, inputs, attrs_of(op, case))
    vs = projection(op, outs, attrs_of(op, case))
    expected = analytic(op, inputs, attrs_of(op, case), outs, vs)
    arrays = [None if x is None else nd.array(x, dtype=x.dtype) for x in inputs]
    wrt = diff_inputs(op, case, inputs)
    for i in wrt:
        arrays[i].attach_grad()
    from minigluon.ops.dispatch import invoke

    _rng.seed(1234)
    with autograd.record():
        res = invoke(op, tuple(arrays), dict(attrs_of(op, case)))
    res = res if isinstance(res, list) else [res]
    heads = [r for r in res]
    autograd.backward(heads, [nd.array(v.reshape(r.shape), dtype=np.float64)
                              for v, r in zip(vs, heads)])
    for i in wrt:
        np.testing.assert_allclose(arrays[i].grad.asnumpy(), expected[i], rtol=1e-6, atol=1e-9,
                                   err_msg=f"{op.name} input {i}")


HIGHER = [(op, i, c) for op, i, c in CASES if op.higher_order]


@pytest.mark.parametrize("item", HIGHER, ids=_ids)
def test_second_derivative(item: Any) -> None:
    """d/dx <w, grad_x <v, f(x)>> by create_graph, against finite differences of the VJP."""
    op, _, case = item
    inputs = materialize(case)
    if not _nd_case(case, inputs):
        pytest.skip("0-d inputs become shape (1,) NDArrays")
    wrt = diff_inputs(op, case, inputs)
    outs = forward(op, inputs, attrs_of(op, case))
    vs = projection(op, outs, attrs_of(op, case))
    ws = [np.random.default_rng(2).standard_normal(np.shape(inputs[i])) for i in wrt]

    def first(xs: list) -> float:
        fo = forward(op, xs, attrs_of(op, case))
        gs = analytic(op, xs, attrs_of(op, case), fo, vs)
        return sum(float(np.sum(w * gs[i])) for w, i in zip(ws, wrt) if gs[i] is not None)

    arrays = [None if x is None else nd.array(x, dtype=x.dtype) for x in inputs]
    for i in wrt:
        arrays[i].attach_grad()
    from minigluon.ops.dispatch import invoke

    with autograd.record():
        res = invoke(op, tuple(arrays), dict(attrs_of(op, case)))
        res = res if isinstance(res, list) else [res]
        gs = autograd.grad(res, [arrays[i] for i in wrt],
                           head_grads=[nd.array(v.reshape(r.shape), dtype=np.float64)
                                       for v, r in zip(vs, res)], create_graph=True)
        total = sum((g * nd.array(w, dtype=np.float64)).sum() for g, w in zip(gs, ws))
    if not hasattr(total, "backward") or total._node is None:
        pytest.skip("gradient does not depend on the inputs (linear op)")
    total.backward()
    for i in wrt:
        x = np.array(inputs[i], dtype=np.float64)
        num = np.zeros_like(x)
        for k in range(x.size):
            for sign in (1, -1):
                xs = list(inputs)
                xp = x.copy().reshape(-1)
                xp[k] += sign * EPS
                xs[i] = xp.reshape(x.shape)
                num.reshape(-1)[k] += sign * first(xs) / (2 * EPS)
        np.testing.assert_allclose(arrays[i].grad.asnumpy(), num, rtol=1e-3, atol=1e-5,
                                   err_msg=f"{op.name} input {i}")


NEEDS_CASES = [item for item in CASES if item[0].wants_needs]


def test_the_backwards_that_skip_unneeded_inputs_are_checked() -> None:
    assert {op.name for op, _, _ in NEEDS_CASES} >= {"Convolution", "FullyConnected"}


@pytest.mark.parametrize("item", NEEDS_CASES, ids=_ids)
def test_a_backward_told_what_is_needed_gives_the_same_gradients(item: Any) -> None:
    """A backward that declares ``needs`` may skip the gradients nobody needs (a first layer's
    data gradient), but what it returns for a needed input must not depend on the others."""
    op, _, case = item
    inputs = materialize(case)
    attrs = attrs_of(op, case)
    outs = forward(op, inputs, attrs)
    vs = projection(op, outs, attrs)
    n = op.n_total(attrs)
    g = vs[0] if n == 1 else tuple(vs)
    out = outs[0] if n == 1 else outs
    full = op.backward(g, tuple(inputs), out, **attrs)
    for i in diff_inputs(op, case, inputs):
        needs = tuple(k == i for k in range(len(inputs)))
        alone = op.backward(g, tuple(inputs), out, **attrs, needs=needs)
        assert len(alone) == len(inputs), op.name
        np.testing.assert_array_equal(alone[i], full[i], err_msg=f"{op.name} input {i}")
