"""Whole models against PyTorch CPU and the raw-numpy floor: speed and peak memory.

Every workload of :mod:`benchmarks.workloads` (MLP batch 1, LeNet, three ResNet basic blocks,
TinySSD), each side (minigluon hybridized, minigluon imperative where listed, the numpy floor
where listed, PyTorch) warmed up, then timed taking turns round after round (a round of a
microsecond workload is as many calls as take ~20 ms); medians. Then each side's peak memory,
in a fresh process per side (:mod:`benchmarks.peak_memory`). The results go to
``benchmarks/results/`` (:mod:`benchmarks.history`).

The MLP floor is three ``x @ W.T + b`` and two ``np.maximum`` on the hybridized net's own
float32 weights, taking turns with ``net(x).wait_to_read()``. This benchmark used to time the
floor in a block of its own before the net was hybridized and the hybridized forward seconds
later, and its floor looked the weights up through ``Parameter.data()`` in a loop over the
layers on every call (~5 us of a ~31 us floor): it reported 1.1-1.3x where the sides taking
turns give 2-2.6x.
"""

from __future__ import annotations

from typing import Any

from .common import alternate, calls_per_round, print_table, torch_or_none
from .peak_memory import peak_mb
from .workloads import WORKLOADS, Workload

#: sides whose peak memory is measured (the others are variants of minigluon's)
MEMORY_SIDES = ("minigluon", "torch")


def _time(name: str, work: Workload, torch: Any) -> dict[str, Any]:
    sides = [s for s in work.sides if s != "torch" or torch is not None]
    fns = work.setup(sides, torch)
    for fn in fns.values():  # warm up: traces, caches, allocators, lazy library set-up
        fn()
        fn()
    number = {side: calls_per_round(fn) for side, fn in fns.items()}
    t = alternate(fns, work.rounds, number)
    out: dict[str, Any] = {"title": work.title, "rounds": work.rounds}
    out.update({f"{side}_s": t[side] for side in sides})
    if "torch" in t:
        out["ratio"] = t["minigluon"] / t["torch"]
    if "floor" in t:
        out["floor_ratio"] = t["minigluon"] / t["floor"]
    return out


def run_workloads(names: list[str] | None = None, memory: bool = True) -> dict[str, Any]:
    """Time every workload (then measure memory, so the probes do not disturb the timings)."""
    torch = torch_or_none()
    results = {}
    for name in names or list(WORKLOADS):
        results[name] = _time(name, WORKLOADS[name], torch)
    if memory:
        for name, res in results.items():
            for side in MEMORY_SIDES:
                if f"{side}_s" in res:
                    probe = peak_mb(name, side)
                    res[f"{side}_peak_mb"] = probe and probe["peak_mb"]
    return results


def table(results: dict[str, Any]) -> None:
    def ms(res: dict[str, Any], side: str) -> float | None:
        s = res.get(f"{side}_s")
        return None if s is None else s * 1e3

    rows = [[res["title"], ms(res, "minigluon"), ms(res, "imperative"), ms(res, "floor"),
             ms(res, "torch"), res.get("ratio"), res.get("floor_ratio"),
             res.get("minigluon_peak_mb"), res.get("torch_peak_mb")]
            for res in results.values()]
    print_table("Models against PyTorch CPU and the numpy floor (ms, medians of the sides "
                "taking turns; 1 thread; peak MB of a warm call, fresh process per side)",
                ["workload", "minigluon", "imperative", "numpy floor", "torch",
                 "minigluon/torch", "minigluon/floor", "peak MB", "torch peak MB"], rows)


def run() -> dict[str, Any]:
    results = run_workloads()
    table(results)
    return results
