"""The global random generator every sampling op and initializer draws from."""

from __future__ import annotations

import numpy as np

__all__ = ["generator", "seed"]

_state = {"rng": np.random.default_rng(0)}


def generator() -> np.random.Generator:
    """The current generator (replaced by :func:`seed`)."""
    return _state["rng"]


def seed(seed_state: int) -> None:
    """Reset the generator so that later draws are reproducible."""
    if not isinstance(seed_state, (int, np.integer)):
        raise ValueError(f"seed_state must be an int, got {type(seed_state).__name__}")
    _state["rng"] = np.random.default_rng(int(seed_state))
