"""Per-op overhead: an NDArray op against the numpy call it wraps, recording off and on.

The five timings of a row take turns, round after round (medians); each function runs the op
``BATCH`` times, so recording can be switched on once around the batch, not per call.
"""

from __future__ import annotations

import contextlib

import numpy as np

from minigluon import autograd, nd

from .common import compare, print_table, torch_or_none

BATCH = 100


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
    def batch(fn, *args, record: bool = False):
        def run_batch() -> None:
            # one record() per BATCH calls: its own cost (~1 us) is spread to ~10 ns a call
            with autograd.record() if record else contextlib.nullcontext():
                for _ in range(BATCH):
                    fn(*args)
        return run_batch

    rows = []
    for name, raw, ours in cases:
        fns = {"raw": batch(raw), "off": batch(ours, a), "on": batch(ours, v, record=True)}
        if torch is not None:
            fn = torch_fns[name]
            fns.update({"torch": batch(fn, ta), "torch_grad": batch(fn, tv)})
        t = {k: s / BATCH * 1e6 for k, s in compare(fns).items()}
        rows.append([name, t["raw"], t["off"], t["off"] - t["raw"], t["on"], t["on"] - t["raw"],
                     t.get("torch"), t.get("torch_grad")])
    print_table("Per-op overhead on a 1x10 float32 array (microseconds per call, medians "
                "taking turns)",
                ["op", "numpy", "nd", "nd overhead", "nd recorded", "recorded overhead",
                 "torch", "torch requires_grad"], rows)
