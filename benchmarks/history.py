"""Benchmark results kept as history: one JSON file per run under ``benchmarks/results/``.

A file is ``<date>-<commit>.json``::

    {"date": "2026-12-03T06:40:00+00:00", "commit": "6e3c46b0a1", "dirty": false,
     "machine": {"cpu": "AMD EPYC ...", "cores": 2, "blas": "openblas 0.3.31 (Zen, 1 threads)",
                 "python": "3.11.9", "numpy": "2.4.0", "torch": "2.13.0+cpu"},
     "note": "...",
     "workloads": {"resnet3_b32_step": {"title": "...", "rounds": 11, "minigluon_s": 0.121,
                   "torch_s": 0.085, "ratio": 1.42, "minigluon_peak_mb": 94.0,
                   "torch_peak_mb": 58.1, ...}, ...}}

``ratio`` is minigluon / PyTorch and ``floor_ratio`` minigluon / the numpy floor, both of one
run with the sides taking turns; ``<side>_s`` is the median seconds per call of each side and
``<side>_peak_mb`` its peak memory (:mod:`benchmarks.peak_memory`). Absolute times differ
between machines and between runs on a shared one: compare ratios. A run is compared with the
newest result file that git tracks (committed or staged), so a result becomes history when it
is committed.
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import subprocess
from pathlib import Path
from typing import Any

__all__ = ["RESULTS", "machine", "git_commit", "write_result", "newest_tracked", "changes",
           "print_changes"]

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
#: The keys compared from one run to the next (lower is better for all).
COMPARED = ("ratio", "floor_ratio", "minigluon_peak_mb")


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def machine() -> dict[str, Any]:
    """What the timings depend on: CPU model, cores, the BLAS and its kernel, versions."""
    import numpy as np

    info: dict[str, Any] = {"cpu": _cpu_model(), "cores": os.cpu_count(),
                            "python": platform.python_version(), "numpy": np.__version__}
    try:
        from threadpoolctl import threadpool_info

        info["blas"] = "; ".join(
            f"{i.get('internal_api')} {i.get('version')} ({i.get('architecture')})"
            for i in threadpool_info() if i.get("user_api") == "blas")
    except ImportError:
        info["blas"] = "unknown (threadpoolctl not installed)"
    try:
        import torch

        info["torch"] = torch.__version__
    except ImportError:
        info["torch"] = None
    return info


def _git(*args: str, cwd: Path = ROOT) -> str:
    done = subprocess.run(["git", *args], capture_output=True, text=True, cwd=cwd)
    return done.stdout.strip() if done.returncode == 0 else ""


def git_commit(cwd: Path = ROOT) -> tuple[str, bool]:
    """The checked-out commit (10 hex digits, "unknown" outside git) and whether the library
    or the benchmarks differ from it (results of uncommitted code)."""
    commit = _git("rev-parse", "--short=10", "HEAD", cwd=cwd) or "unknown"
    dirty = bool(_git("status", "--porcelain", "--", "src", "benchmarks/*.py", cwd=cwd))
    return commit, dirty


def write_result(workloads: dict[str, dict[str, Any]], note: str = "",
                 folder: Path = RESULTS, now: datetime.datetime | None = None,
                 commit: tuple[str, bool] | None = None) -> Path:
    """Write one run's results as ``<date>-<commit>.json`` in ``folder``; return the path."""
    now = now or datetime.datetime.now(datetime.UTC)
    sha, dirty = commit or git_commit()
    result = {"date": now.isoformat(timespec="seconds"), "commit": sha, "dirty": dirty,
              "machine": machine(), "note": note, "workloads": workloads}
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{now:%Y-%m-%d}-{sha}{'-dirty' if dirty else ''}.json"
    path.write_text(json.dumps(result, indent=1, sort_keys=False) + "\n")
    return path


def newest_tracked(folder: Path = RESULTS) -> tuple[Path, dict[str, Any]] | None:
    """The result file git tracks in ``folder`` with the latest ``date``, and its content."""
    listed = _git("ls-files", "-z", "--", "*.json", cwd=folder)
    best = None
    for name in filter(None, listed.split("\0")):
        path = folder / name
        try:
            result = json.loads(path.read_text())
        except (OSError, ValueError):
            continue  # deleted in the work tree, or not a result
        if best is None or result.get("date", "") > best[1].get("date", ""):
            best = (path, result)
    return best


def changes(old: dict[str, Any], new: dict[str, dict[str, Any]]) -> list[list[Any]]:
    """Rows (workload, key, before, now, change in %) for every compared key both runs have."""
    rows = []
    for name, now in new.items():
        before = old.get("workloads", {}).get(name, {})
        for key in COMPARED:
            a, b = before.get(key), now.get(key)
            if a is None or b is None:
                continue
            rows.append([name, key, a, b, f"{(b / a - 1) * 100:+.0f}%" if a else "-"])
    return rows


def print_changes(new: dict[str, dict[str, Any]], folder: Path = RESULTS) -> None:
    """Print how each ratio moved since the newest tracked result (or that there is none)."""
    from .common import print_table

    found = newest_tracked(folder)
    if found is None:
        print(f"\nNo earlier result is tracked in {folder}: nothing to "
              "compare with (commit this run's file to start the history).")
        return
    path, old = found
    rows = changes(old, new)
    same = old.get("machine", {}).get("cpu") == machine()["cpu"]
    cpu = "same CPU model" if same else "ANOTHER CPU: ratios only roughly comparable"
    print_table(f"Change since {path.name} (commit {old.get('commit')}, {cpu}), lower is better",
                ["workload", "measure", "before", "now", "change"], rows)
    print("\nA ratio moves by 10-20% between runs on a shared 2-core machine (the sides take "
          "turns, but load comes and goes): read a change as real when it persists.")
