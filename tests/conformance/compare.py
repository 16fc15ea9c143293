"""Compare two drivers' results case by case: one row per case, with what differs and by how much.

Pure Python and numpy (no library imported), so it is unit-tested on hand-made results.
Tolerances: float values ``rtol=1e-5, atol=1e-6`` (float32), integers and booleans exactly,
shapes and dtypes exactly. Random outputs are compared by their statistics (:func:`close_stats`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

RTOL, ATOL = 1e-5, 1e-6
LIBS = ("minigluon", "mxnet")

#: Row statuses, in report order. "differ" and "no case" fail the run.
STATUSES = ("agree", "differ", "explained", "known gap", "missing in minigluon",
            "missing in MXNet", "no case")


@dataclass
class Diff:
    aspect: str  # values, shape, dtype, error, grads, stats, params, names, crash...
    detail: str


@dataclass
class Row:
    family: str
    name: str
    id: str
    status: str = "agree"
    diffs: list[Diff] = field(default_factory=list)
    messages: dict[str, str] = field(default_factory=dict)  # error texts, per library
    reasons: list[str] = field(default_factory=list)  # from expected_differences.toml

    def as_dict(self) -> dict:
        return {"family": self.family, "name": self.name, "id": self.id, "status": self.status,
                "diffs": [{"aspect": d.aspect, "detail": d.detail} for d in self.diffs],
                "messages": self.messages, "reasons": self.reasons}


@dataclass
class Side:
    """One library's results: ``results`` by case id, arrays under ``root/arrays``."""

    root: Path
    results: dict[str, Any]
    names: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, root: Path) -> Side:
        results: dict[str, Any] = {}
        for log in ("results.jsonl", "results-read.jsonl"):
            if (root / log).exists():
                for line in (root / log).read_text().splitlines():
                    if line:
                        rec = json.loads(line)
                        results[rec["id"]] = rec["result"]
        about = root / "about.json"
        names = json.loads(about.read_text())["names"] if about.exists() else {}
        return cls(root, results, names)

    def array(self, rec: dict) -> np.ndarray:
        return np.load(self.root / "arrays" / rec["file"])


def close_values(a: np.ndarray, b: np.ndarray) -> str | None:
    """None when equal within tolerance, else what differs (max abs error or mismatch count)."""
    if a.shape != b.shape:
        return f"shape {a.shape} vs {b.shape}"
    if a.dtype.kind in "fc" or b.dtype.kind in "fc":
        a64, b64 = a.astype(np.float64), b.astype(np.float64)
        if np.allclose(a64, b64, rtol=RTOL, atol=ATOL, equal_nan=True):
            return None
        with np.errstate(invalid="ignore"):
            err = np.abs(a64 - b64)
        nan = np.isnan(a64) != np.isnan(b64)
        worst = float(np.nanmax(np.where(nan, np.inf, err))) if err.size else 0.0
        bad = ~np.isclose(a64, b64, rtol=RTOL, atol=ATOL, equal_nan=True)
        return f"max abs err {worst:.3g} ({int(bad.sum())} of {a.size} elements)"
    bad = a != b
    if not bad.any():
        return None
    return f"{int(bad.sum())} of {a.size} elements differ (exact compare)"


def close_stats(a: dict, b: dict) -> str | None:
    """Samples of one distribution? Mean within 5 standard errors, std within 5 standard
    errors of a standard deviation (at least 2%), extremes within 10% of the spread."""
    if a.get("n") != b.get("n"):
        return f"sample sizes {a.get('n')} vs {b.get('n')}"
    if not a.get("n"):
        return None
    n, sa, sb = a["n"], a["std"], b["std"]
    problems = []
    if abs(a["mean"] - b["mean"]) > 5 * max(sa, sb) / np.sqrt(n) + 1e-3:
        problems.append(f"mean {a['mean']:.4g} vs {b['mean']:.4g}")
    if abs(sa - sb) > max(0.02, 5 / np.sqrt(2 * n)) * max(sa, sb) + 1e-3:
        problems.append(f"std {sa:.4g} vs {sb:.4g}")
    spread = max(a["max"] - a["min"], b["max"] - b["min"])
    for key in ("min", "max"):
        if abs(a[key] - b[key]) > 0.1 * spread + 1e-3:
            problems.append(f"{key} {a[key]:.4g} vs {b[key]:.4g}")
    return "; ".join(problems) or None


def _compare_arrays(aspect: str, mg: Side, recs_mg: list, mx: Side, recs_mx: list) -> list[Diff]:
    if len(recs_mg) != len(recs_mx):
        return [Diff(aspect, f"{len(recs_mg)} arrays in minigluon, {len(recs_mx)} in MXNet")]
    diffs = []
    for k, (a, b) in enumerate(zip(recs_mg, recs_mx)):
        where = f"{aspect} {k}" if len(recs_mg) > 1 else aspect
        if a["shape"] != b["shape"]:
            diffs.append(Diff("shape", f"{where}: shape {tuple(a['shape'])} in minigluon, "
                                       f"{tuple(b['shape'])} in MXNet"))
            continue
        if a["dtype"] != b["dtype"]:
            diffs.append(Diff("dtype", f"{where}: {a['dtype']} in minigluon, "
                                       f"{b['dtype']} in MXNet"))
        if "stats" in a and "stats" in b:
            problem = close_stats(a["stats"], b["stats"])
            if problem:
                diffs.append(Diff("stats", f"{where}: {problem}"))
        elif "file" in a and "file" in b:
            problem = close_values(mg.array(a), mx.array(b))
            if problem:
                diffs.append(Diff("values" if aspect == "output" else aspect,
                                  f"{where}: {problem}"))
    return diffs


def _error_diffs(case: dict, a: dict, b: dict, row: Row) -> list[Diff]:
    ea, eb = a.get("error"), b.get("error")
    for lib, e in zip(LIBS, (ea, eb)):
        if e:
            row.messages[lib] = f"{e['type']}: {e['message']}"
    if ea and eb:
        if eb["type"] in ea["mro"] or ea["type"] in eb["mro"]:
            return []
        return [Diff("error type", f"{ea['type']} in minigluon, {eb['type']} in MXNet")]
    if ea or eb:
        which = "minigluon" if ea else "MXNet"
        return [Diff("error", f"only {which} raises")]
    return []


def compare_case(case: dict, mg: Side, mx: Side) -> Row:
    row = Row(case["family"], case["name"], case["id"])
    a, b = mg.results.get(case["id"]), mx.results.get(case["id"])
    if a is None or b is None:
        row.status = "no case"
        row.diffs.append(Diff("run", f"no result from {'minigluon' if a is None else 'MXNet'}"))
        return row
    if "missing" in a or "missing" in b:
        row.status = ("missing in minigluon" if "missing" in a else "missing in MXNet")
        return row
    for lib, r in zip(LIBS, (a, b)):
        if "crashed" in r:
            row.diffs.append(Diff("crash", f"{lib} died: {r['crashed']}"))
    if row.diffs:
        return row
    row.diffs += _error_diffs(case, a, b, row)
    if "error" in a or "error" in b:
        return row
    if a.get("params") != b.get("params"):
        row.diffs.append(Diff("params", f"parameters {a.get('params')} in minigluon, "
                                        f"{b.get('params')} in MXNet"))
    if "names" in a or "names" in b:  # metrics
        if a.get("names") != b.get("names"):
            row.diffs.append(Diff("names", f"{a.get('names')} vs {b.get('names')}"))
        problem = close_values(np.array(a.get("values", [])), np.array(b.get("values", [])))
        if problem:
            row.diffs.append(Diff("values", f"{a.get('values')} vs {b.get('values')}: {problem}"))
    row.diffs += _compare_arrays("output", mg, a.get("outputs", []), mx, b.get("outputs", []))
    ga, gb = a.get("grad_error"), b.get("grad_error")
    if ga or gb:
        for lib, e in zip(LIBS, (ga, gb)):
            if e:
                row.messages[f"{lib} (backward)"] = f"{e['type']}: {e['message']}"
        if not (ga and gb):
            row.diffs.append(Diff("grads", f"only {'minigluon' if ga else 'MXNet'} fails "
                                           "in backward"))
    else:
        row.diffs += _compare_arrays("grads", mg, a.get("grads", []), mx, b.get("grads", []))
        pa, pb = a.get("param_grads", {}), b.get("param_grads", {})
        common = sorted(set(pa) & set(pb))
        row.diffs += _compare_arrays("param grads", mg, [pa[k] for k in common],
                                     mx, [pb[k] for k in common])
    return row


def compare_files(case: dict, mg: Side, mx: Side) -> list[Row]:
    """A file format both ways: what one library wrote, read back by the other."""
    fmt = case["format"]
    rows = []
    for writer, reader, wname, rname in ((mg, mx, "minigluon", "MXNet"),
                                         (mx, mg, "MXNet", "minigluon")):
        row = Row("files", fmt, f"files/{fmt} {wname}->{rname}")
        w = writer.results.get(f"files/{fmt}/write", {})
        r = reader.results.get(f"files/{fmt}/read", {})
        if "skipped" in r or not r or not w:
            row.status = "no case"
            row.diffs.append(Diff("run", f"no result (writer: {bool(w)}, reader: {bool(r)})"))
        elif "error" in w:
            row.diffs.append(Diff("write", f"{wname} cannot write"))
            row.messages[wname] = f"{w['error']['type']}: {w['error']['message']}"
        elif "error" in r:
            row.diffs.append(Diff("read", f"{rname} cannot read {wname}'s file"))
            row.messages[rname] = f"{r['error']['type']}: {r['error']['message']}"
        else:
            a, b = (w, r) if writer is mg else (r, w)
            row.diffs += _compare_arrays("output", mg, a["outputs"], mx, b["outputs"])
        rows.append(row)
    return rows


def name_rows(cases: list[dict], mg: Side, mx: Side) -> list[Row]:
    """Rows for the names a library offers that no case covers.

    For ops only MXNet's names are listed (as missing in minigluon): minigluon's ops all have
    cases from the registry, and its ``nd`` also holds functions that are not ops.
    """
    covered = {(c["family"], c["name"]) for c in cases}
    rows = []
    for family in sorted(set(mg.names) | set(mx.names)):
        ours, theirs = set(mg.names.get(family, [])), set(mx.names.get(family, []))
        for name in sorted(ours | theirs):
            if (family, name.lower()) in {(f, n.lower()) for f, n in covered}:
                continue
            row = Row(family, name, f"{family}/{name}")
            if family == "ops" and name in ours:
                continue  # every minigluon op is covered by its registry cases
            if name not in ours:
                row.status = "missing in minigluon"
            elif name not in theirs:
                row.status = "missing in MXNet"
            else:
                row.status = "no case"
                row.diffs.append(Diff("run", "both libraries have it, the case tables do not"))
            rows.append(row)
    return rows


def compare_all(cases: list[dict], mg: Side, mx: Side) -> list[Row]:
    rows = []
    for case in cases:
        if case["kind"] == "file":
            if case["phase"] == "write":
                rows += compare_files(case, mg, mx)
            continue
        rows.append(compare_case(case, mg, mx))
    rows += name_rows(cases, mg, mx)
    for row in rows:
        if row.status == "agree" and row.diffs:
            row.status = "differ"
    return rows
