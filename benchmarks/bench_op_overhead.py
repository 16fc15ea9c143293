"""Per-op overhead: an NDArray op against the numpy call it wraps, recording off and on."""

from __future__ import annotations

import numpy as np

from minigluon import autograd, nd

from .common import median_time, print_table, torch_or_none


def run() -> None:
    a_np = np.ones((1, 10), dtype=np.float32)
    b_np = np.full((1, 10), 2.0, dtype=np.float32)
    a, b = nd.array(a_np), nd.array(b_np)
    v = nd.array(a_np)
    v.attach_grad()  # a variable: recorded ops on it go on the tape
    cases = [
        ("a + b", lambda: np.add(a_np, b_np), lambda x: x + b),
        ("nd.broadcast_add(a, b)", lambda: np.add(a_np, b_np), lambda x: nd.broadcast_add(x, b)),
        ("a * 2.0", lambda: a_np * 2.0, lambda x: x * 2.0),
        ("nd.relu(a)", lambda: np.maximum(a_np, 0), lambda x: nd.relu(x)),
        ("nd.exp(a)", lambda: np.exp(a_np), lambda x: nd.exp(x)),
        ("a.sum()", lambda: a_np.sum(), lambda x: x.sum()),
        ("a.reshape((10, 1))", lambda: a_np.reshape((10, 1)), lambda x: x.reshape((10, 1))),
    ]
    torch = torch_or_none()
    ta = tb = tv = None
    if torch is not None:
        ta, tb = torch.ones((1, 10)), torch.full((1, 10), 2.0)
        tv = torch.ones((1, 10), requires_grad=True)
    torch_fns = {
        "a + b": lambda x: x + tb, "nd.broadcast_add(a, b)": lambda x: torch.add(x, tb),
        "a * 2.0": lambda x: x * 2.0, "nd.relu(a)": lambda x: torch.relu(x),
        "nd.exp(a)": lambda x: torch.exp(x), "a.sum()": lambda x: x.sum(),
        "a.reshape((10, 1))": lambda x: x.reshape((10, 1)),
    }
    rows = []
    for name, raw, ours in cases:
        t_raw = median_time(raw) * 1e6
        t_off = median_time(lambda: ours(a)) * 1e6
        with autograd.record():
            t_on = median_time(lambda: ours(v)) * 1e6
        t_torch = t_torch_grad = None
        if torch is not None:
            fn = torch_fns[name]
            t_torch = median_time(lambda: fn(ta)) * 1e6
            t_torch_grad = median_time(lambda: fn(tv)) * 1e6
        rows.append([name, t_raw, t_off, t_off - t_raw, t_on, t_on - t_raw, t_torch,
                     t_torch_grad])
    print_table("Per-op overhead on a 1x10 float32 array (microseconds per call, median)",
                ["op", "numpy", "nd", "nd overhead", "nd recorded", "recorded overhead",
                 "torch", "torch requires_grad"], rows)
