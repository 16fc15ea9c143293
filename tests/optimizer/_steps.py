"""Shared fixtures: one weight, three gradients, and a runner for several update steps."""

from __future__ import annotations

import numpy as np

from minigluon import nd

W0 = np.array([1.0, -2.0, 0.5, 0.0], dtype=np.float32)
GRADS = [np.array([0.5, 1.0, -3.0, 0.2], dtype=np.float32),
         np.array([-1.0, 0.25, 2.0, -0.4], dtype=np.float32),
         np.array([0.1, -0.2, 0.3, 0.6], dtype=np.float32)]


def run(o, steps=3, w0=W0, dtype="float32"):
    """Update a copy of ``w0`` with the first ``steps`` gradients; returns (weight, state)."""
    w = nd.array(w0, dtype=dtype)
    state = o.create_state_multi_precision(0, w)
    for g in GRADS[:steps]:
        o.update_multi_precision(0, w, nd.array(g, dtype=dtype), state)
    return w.asnumpy(), state
