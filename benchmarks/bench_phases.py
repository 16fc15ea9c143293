"""Where a train step goes: forward (with the loss), backward and update, beside PyTorch's.

For the small models of :data:`benchmarks.workloads.STEP_PHASES` (MLP at batch 1 and 64,
LeNet at batch 64) each side runs whole steps, its three phases timed one by one; the sides
take turns round after round (a round of a sub-millisecond step is as many steps as take
~20 ms) and each phase's median is reported. The phases of a side add up to its whole step
(bench_models times the steps as a whole).
"""

from __future__ import annotations

import statistics
import time
from typing import Any

from .common import calls_per_round, print_table, torch_or_none
from .workloads import STEP_PHASES, Phases, _one_step

PHASES = ("forward", "backward", "update")


def time_phases(sides: dict[str, Phases], rounds: int) -> dict[str, list[float]]:
    """Median seconds of each phase per side, the sides taking turns every round."""
    for phases in sides.values():  # warm up: traces, caches, optimizer state, allocators
        for _ in range(3):
            for phase in phases:
                phase()
    number = {side: calls_per_round(_one_step(phases)) for side, phases in sides.items()}
    times: dict[str, list[list[float]]] = {side: [[], [], []] for side in sides}
    clock = time.perf_counter
    for _ in range(rounds):
        for side, phases in sides.items():
            spent = [0.0, 0.0, 0.0]
            for _ in range(number[side]):
                for i, phase in enumerate(phases):
                    start = clock()
                    phase()
                    spent[i] += clock() - start
            for i in range(3):
                times[side][i].append(spent[i] / number[side])
    return {side: [statistics.median(t) for t in per] for side, per in times.items()}


def run() -> dict[str, Any]:
    torch = torch_or_none()
    rows, results = [], {}
    for name, work in STEP_PHASES.items():
        sides = {"minigluon": work.minigluon()}
        if torch is not None:
            sides["torch"] = work.torch(torch)
        t = time_phases(sides, work.rounds)
        for i, phase in enumerate([*PHASES, "step"]):
            mg = sum(t["minigluon"]) if phase == "step" else t["minigluon"][i]
            tt = None if torch is None else (sum(t["torch"]) if phase == "step"
                                              else t["torch"][i])
            ratio = None if tt is None else mg / tt
            rows.append([work.title if i == 0 else "", phase, mg * 1e3,
                         None if tt is None else tt * 1e3, ratio])
            if phase != "step":
                results[f"{name}.{phase}"] = {
                    "title": f"{work.title} train step: {phase}", "minigluon_s": mg,
                    "rounds": work.rounds, **({} if tt is None else {"torch_s": tt,
                                                                      "ratio": ratio})}
    print_table("One train step by phase (ms, medians of the sides taking turns; hybridized; "
                "SGD; 1 thread)", ["workload", "phase", "minigluon", "torch", "minigluon/torch"],
                rows)
    return results
