"""The registry's test ``Case`` records as arrays (shared by the registry-driven tests)."""

from __future__ import annotations

from typing import Any

import numpy as np

from minigluon.ops import Case, Op


def attrs_of(op: Op, case: Case) -> dict:
    """The case's attributes completed with the op's defaults, as the nd functions pass them."""
    return {**op.attr_defaults, **case.attrs}


def materialize(case: Case, seed: int = 0) -> list[Any]:
    """The case's inputs as numpy arrays: float64 unless a generator or literal gives integers."""
    rng = np.random.default_rng(seed)
    out = []
    for spec in case.inputs:
        if callable(spec):
            value = np.asarray(spec(rng))
            out.append(value if value.dtype.kind in "iub" else value.astype(np.float64))
        elif isinstance(spec, tuple):
            out.append(rng.standard_normal(spec))
        else:
            out.append(None if spec is None else np.asarray(spec))
    return out
