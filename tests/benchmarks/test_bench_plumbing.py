"""The benchmarks' plumbing: turns taken, peak memory, result files and their history.

No timing is asserted (timings on a shared machine prove nothing); what is checked is the
order of the calls, the arithmetic on a fake clock, that memory a call holds is counted, and
the result files' format and comparison.
"""

from __future__ import annotations

import datetime
import itertools
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from benchmarks import __main__ as cli
from benchmarks import bench_phases, common, history, peak_memory
from benchmarks.workloads import STEP_PHASES, WORKLOADS


def test_alternate_takes_turns_and_divides_by_the_calls_per_round(monkeypatch) -> None:
    calls: list[str] = []
    clock = itertools.count()  # every perf_counter() call advances 1 "second"
    monkeypatch.setattr(common.time, "perf_counter", lambda: float(next(clock)))

    def side(name: str):
        def fn() -> None:
            calls.append(name)
            next(clock)  # each call takes 1 more "second"
        return fn

    t = common.alternate({"a": side("a"), "b": side("b")}, rounds=3, number={"a": 2})
    assert calls == ["a", "a", "b"] * 3
    # a round of a: 2 calls = 2 s + 1 s between the two clock reads, per call 1.5 s; b: 2 s
    assert t == {"a": 1.5, "b": 2.0}


def test_calls_per_round_fills_the_round() -> None:
    assert common.calls_per_round(lambda: None, seconds=0.02) > 100
    assert common.calls_per_round(lambda: sum(range(10**6)), seconds=1e-9) == 1


ROOT = Path(__file__).resolve().parents[2]

_PEAK_PROBE = """
import json
import numpy as np
from benchmarks import peak_memory
kept = []

def transient():
    np.ones(64 * 2**20 // 8)  # 64 MB touched, freed on return

def keeps():
    if not kept:
        kept.append(np.ones(32 * 2**20 // 8))  # 32 MB allocated once, reused after

print(json.dumps([peak_memory.measure(transient), peak_memory.measure(keeps)]))
"""


def test_peak_memory_counts_what_a_call_holds_at_its_peak_and_what_it_keeps() -> None:
    if not Path("/proc/self/status").exists():
        pytest.skip("no /proc (not Linux)")
    # In a fresh interpreter, as the benchmarks measure: in this one, memory that earlier
    # tests freed and the allocator kept could serve the probes without a new page.
    out = subprocess.run([sys.executable, "-c", _PEAK_PROBE], capture_output=True, text=True,
                         check=True, cwd=ROOT).stdout
    t, k = json.loads(out.splitlines()[-1])
    assert t["peak_mb"] >= 60, t
    assert t["kept_mb"] < 30, t
    assert k["kept_mb"] >= 30 and k["peak_mb"] >= 30, k


def test_peak_memory_of_a_workload_runs_in_a_fresh_process() -> None:
    if not Path("/proc/self/status").exists():
        pytest.skip("no /proc (not Linux)")
    probe = peak_memory.peak_mb("mlp_b1_forward", "minigluon", timeout=120)
    assert probe is not None
    assert probe["peak_mb"] >= 0 and probe["baseline_mb"] > 10 and probe["method"]


def test_the_mlp_floor_is_the_hybridized_nets_arithmetic() -> None:
    # the floor must compute what the net computes (same weights, float32), or the ratio lies
    fns = WORKLOADS["mlp_b1_forward"].setup(["minigluon", "floor"], None)
    ours, floor = fns["minigluon"]().asnumpy(), fns["floor"]()
    assert floor.dtype == ours.dtype == np.float32
    np.testing.assert_allclose(floor, ours, rtol=1e-5, atol=1e-6)


def test_phases_run_in_order_and_each_is_timed_alone(monkeypatch) -> None:
    calls: list[str] = []
    clock = itertools.count()
    monkeypatch.setattr(bench_phases.time, "perf_counter", lambda: float(next(clock)))
    monkeypatch.setattr(bench_phases, "calls_per_round", lambda step: 2)

    def phase(name: str, cost: int):
        def fn() -> None:
            calls.append(name)
            for _ in range(cost):
                next(clock)
        return fn

    sides = {"a": (phase("a.f", 0), phase("a.b", 2), phase("a.u", 5)),
             "b": (phase("b.f", 1), phase("b.b", 0), phase("b.u", 0))}
    t = bench_phases.time_phases(sides, rounds=3)
    # 3 warm-up steps, then per round 2 steps of a, then 2 of b
    assert calls[:9] == ["a.f", "a.b", "a.u"] * 3
    assert calls[18:] == (["a.f", "a.b", "a.u"] * 2 + ["b.f", "b.b", "b.u"] * 2) * 3
    # a phase costs its own clock ticks + 1 between the two reads
    assert t == {"a": [1.0, 3.0, 6.0], "b": [2.0, 1.0, 1.0]}


def test_every_phased_step_builds_three_phases_that_train() -> None:
    for name, work in STEP_PHASES.items():
        forward, backward, update = work.minigluon()
        for _ in range(2):
            forward()
            backward()
            update()
        assert name in WORKLOADS, name  # the whole step is also a history row


def test_every_workload_builds_its_minigluon_sides() -> None:
    for name, work in WORKLOADS.items():
        assert work.sides[0] == "minigluon" and "torch" in work.sides, name
        mine = [s for s in work.sides if s != "torch"]
        fns = work.setup(mine, None)
        assert set(fns) == set(mine) and all(callable(f) for f in fns.values()), name


def _result(ratio: float, peak: float) -> dict:
    return {"w": {"title": "w", "minigluon_s": 2.0 * ratio, "torch_s": 2.0, "ratio": ratio,
                  "minigluon_peak_mb": peak, "torch_peak_mb": 10.0}}


def test_a_result_file_holds_machine_commit_date_and_workloads(tmp_path: Path) -> None:
    now = datetime.datetime(2026, 12, 3, 6, 40, tzinfo=datetime.UTC)
    path = history.write_result(_result(1.5, 20.0), note="under load", folder=tmp_path,
                                now=now, commit=("abc1234567", False))
    assert path.name == "2026-12-03-abc1234567.json"
    result = json.loads(path.read_text())
    assert result["date"] == "2026-12-03T06:40:00+00:00" and result["commit"] == "abc1234567"
    assert {"cpu", "cores", "blas", "numpy"} <= set(result["machine"])
    assert result["note"] == "under load" and result["workloads"]["w"]["ratio"] == 1.5


def _git(folder: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=folder, check=True, capture_output=True)


def test_the_newest_tracked_result_is_compared(tmp_path: Path, capsys) -> None:
    _git(tmp_path, "init", "-q")
    for day, ratio in [(1, 2.0), (2, 1.6)]:
        history.write_result(_result(ratio, 40.0), folder=tmp_path, commit=(f"c{day}", False),
                             now=datetime.datetime(2026, 12, day, tzinfo=datetime.UTC))
    _git(tmp_path, "add", ".")
    # newer, but not tracked: not history yet
    history.write_result(_result(9.0, 40.0), folder=tmp_path, commit=("c3", False),
                         now=datetime.datetime(2026, 12, 3, tzinfo=datetime.UTC))
    path, old = history.newest_tracked(tmp_path)
    assert path.name == "2026-12-02-c2.json" and old["commit"] == "c2"
    rows = history.changes(old, _result(1.2, 30.0))
    assert rows == [["w", "ratio", 1.6, 1.2, "-25%"], ["w", "minigluon_peak_mb", 40.0, 30.0,
                                                        "-25%"]]
    history.print_changes(_result(1.2, 30.0), folder=tmp_path)
    out = capsys.readouterr().out
    assert "2026-12-02-c2.json" in out and "-25%" in out


def test_without_a_tracked_result_it_says_so(tmp_path: Path, capsys) -> None:
    _git(tmp_path, "init", "-q")
    assert history.newest_tracked(tmp_path) is None
    history.print_changes(_result(1.2, 30.0), folder=tmp_path)
    assert "No earlier result" in capsys.readouterr().out


def test_docs_benchmarks_run_only_when_named() -> None:
    default = cli._names([])
    assert "models" in default and "ssd" in default
    assert not cli.ON_REQUEST & set(default)
    assert set(cli._names(["all"])) >= cli.ON_REQUEST
    assert cli._names(["docs"]) == ["docs"]
