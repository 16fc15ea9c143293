"""The global random generator every sampling op and initializer draws from.

Only the generator's state lives here, below the ops that draw from it: users seed it through
:func:`minigluon.random.seed` (the public ``mx.random``), and the samplers are registry ops
(``ops/sampling.py``, reached as ``nd.random.*``).
"""

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
