"""minigluon.test_utils.gradient: forward/backward checks of Symbols and dtype consistency."""

from __future__ import annotations

import numpy as np
import pytest

import minigluon as mx
from minigluon import sym
from minigluon.base import MXNetError
from minigluon.test_utils import (
    check_consistency,
    check_numeric_gradient,
    check_symbolic_backward,
    check_symbolic_forward,
    simple_forward,
)

A = np.array([[1.0, 2.0], [3.0, 4.0]])
B = np.array([[0.5, -1.0], [2.0, 1.0]])


def test_forward_by_position_and_by_name() -> None:
    s = sym.var("a") * sym.var("b")
    outs = check_symbolic_forward(s, [A, B], [A * B])
    assert outs[0].dtype == np.float32
    check_symbolic_forward(s, {"b": B, "a": A}, {s.list_outputs()[0]: A * B})
    with pytest.raises(AssertionError):
        check_symbolic_forward(s, [A, B], [A * B + 1])
    with pytest.raises(MXNetError, match="one array per argument"):
        check_symbolic_forward(s, [A], [A])


def test_forward_dtype_asnumpy_keeps_input_dtypes() -> None:
    outs = check_symbolic_forward(sym.var("x") + 1, [A.astype(np.float64)], [A + 1],
                                  dtype="asnumpy")
    assert outs[0].dtype == np.float64


@pytest.mark.parametrize("req", ["write", "add", "null"])
def test_backward_grad_reqs(req) -> None:
    s = sym.var("a") * sym.var("b")
    grads = check_symbolic_backward(s, [A, B], [np.ones_like(A)], [B, A], grad_req=req)
    assert set(grads) == {"a", "b"}


def test_backward_wrong_expectation_and_out_grads() -> None:
    s = sym.var("a") * sym.var("b")
    og = np.full_like(A, 2.0)
    check_symbolic_backward(s, [A, B], [og], {"a": 2 * B})
    with pytest.raises(AssertionError, match="BACKWARD_a"):
        check_symbolic_backward(s, [A, B], [og], {"a": B})


def test_numeric_gradient_of_a_symbol_and_aux_states() -> None:
    check_numeric_gradient(sym.tanh(sym.var("x")) * sym.var("y"), [A / 4, B])
    x = sym.var("x")
    with pytest.raises(AssertionError):
        check_numeric_gradient(sym.BlockGrad(x * x) + x, [A])


def test_simple_forward() -> None:
    out = simple_forward(sym.var("x") - sym.var("y"), x=A, y=B)
    np.testing.assert_allclose(out, A - B)


def test_check_consistency_compares_dtypes() -> None:
    mx.random.seed(0)
    s = sym.FullyConnected(sym.var("data"), sym.var("w"), sym.var("b"), num_hidden=3)
    cfg = [{"ctx": mx.cpu(), "data": (2, 4), "w": (3, 4), "b": (3,),
            "type_dict": {"data": t, "w": t, "b": t}} for t in (np.float64, np.float32)]
    gt = check_consistency(s, cfg)
    assert gt["data"].dtype == np.float64 and gt["w"].shape == (3, 4)
    # a float16 run is compared at its own (looser) tolerance
    cfg.append({"ctx": mx.cpu(), "data": (2, 4), "w": (3, 4), "b": (3,),
                "type_dict": {"data": np.float16, "w": np.float16, "b": np.float16}})
    check_consistency(s, cfg)


def test_check_consistency_reports_a_mismatch() -> None:
    x = sym.var("data")
    cfg = [{"ctx": mx.cpu(), "data": (3,), "type_dict": {"data": np.float64}},
           {"ctx": mx.cpu(), "data": (3,), "type_dict": {"data": np.float32}}]
    with pytest.raises(AssertionError, match="check_consistency"):
        check_consistency([x * 2, x * 3], cfg)
