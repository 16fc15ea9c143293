"""Registry records that other layers call directly: an op's lean kernel (``Op.def_lean``, run
by the compiled inference plan) computes exactly what its forward computes, on every case."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest

from minigluon.ops import all_ops

from .cases import attrs_of, materialize

LEAN = [(op, i, case) for op in all_ops() if op.lean is not None
        for i, case in enumerate(op.cases)]


def test_the_ops_the_compiled_plan_runs_lean_have_kernels() -> None:
    assert {op.name for op, _, _ in LEAN} >= {"FullyConnected", "Activation"}


@pytest.mark.parametrize("item", LEAN, ids=lambda item: f"{item[0].name}-{item[1]}")
def test_a_lean_kernel_equals_the_forward_bit_for_bit(item: Any) -> None:
    op, _, case = item
    inputs = [x for x in materialize(case) if x is not None]
    attrs = attrs_of(op, case)
    kernel = op.lean(len(inputs), **attrs)
    if kernel is None:
        pytest.skip("the forward runs for these attributes")
    expected = op.forward(*inputs, **attrs)
    np.testing.assert_array_equal(kernel(*inputs), expected)
