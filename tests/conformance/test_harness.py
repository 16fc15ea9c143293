"""The conformance harness's own parts, without MXNet: codec, comparer, expected differences,
report, and the case list's coverage of the registry."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pytest

from minigluon.gluon import loss, nn
from minigluon.ops import all_ops

from . import __main__ as harness
from . import expected, report
from .cases import LAYERS, LOSSES, op_cases, write_cases
from .compare import Diff, Row, Side, close_stats, close_values, compare_all, compare_case
from .driver import decode, encode, error_record, head_gradient


def test_codec_round_trips_what_case_attributes_hold() -> None:
    value = {"kernel": (3, 3), "key": (slice(1, 3, None), Ellipsis, np.array([0, 2])),
             "axes": [1, (2,)], "scale": np.float32(0.5), "mode": None}
    back = decode(json.loads(json.dumps(encode(value))))
    assert back["kernel"] == (3, 3) and back["axes"] == [1, (2,)] and back["mode"] is None
    assert back["key"][0] == slice(1, 3, None) and back["key"][1] is Ellipsis
    np.testing.assert_array_equal(back["key"][2], [0, 2])
    assert back["scale"] == 0.5


def test_head_gradient_is_fixed_and_shaped() -> None:
    g = head_gradient((2, 3))
    assert g.shape == (2, 3) and g.dtype == np.float32
    np.testing.assert_array_equal(g, head_gradient((2, 3)))
    assert head_gradient(()).shape == ()


def test_error_record_keeps_mxnet_sentence_only() -> None:
    class MXNetError(Exception):
        pass

    text = ('Traceback (most recent call last):\n  File "../src/op.h", line 406\n'
            "MXNetError: Check failed: a == b: cannot broadcast [2,3] to [4]\n"
            "----------Python Info----------\nlots")
    rec = error_record(MXNetError(text))
    assert rec["type"] == "MXNetError"
    assert rec["message"] == "Check failed: a == b: cannot broadcast [2,3] to [4]"
    assert "Exception" in rec["mro"]


def test_close_values_tolerances() -> None:
    a = np.array([1.0, 2.0, 3.0], np.float32)
    assert close_values(a, a + 1e-6) is None  # within rtol 1e-5
    problem = close_values(a, a + np.float32(1e-3))
    assert problem is not None and "max abs err 0.001" in problem and "3 of 3" in problem
    exact = close_values(np.array([1, 2]), np.array([1, 3]))
    assert exact == "1 of 2 elements differ (exact compare)"
    assert close_values(np.array([np.nan]), np.array([np.nan])) is None
    assert "max abs err inf" in close_values(np.array([np.nan, 1.0]), np.array([1.0, 1.0]))
    assert close_values(np.zeros(2), np.zeros(3)) == "shape (2,) vs (3,)"


def test_close_stats_accepts_two_samples_and_refuses_another_distribution() -> None:
    rng = np.random.default_rng(0)

    def st(x: np.ndarray) -> dict:
        return {"n": x.size, "mean": x.mean(), "std": x.std(), "min": x.min(), "max": x.max()}

    a, b = rng.uniform(-1, 1, 20000), rng.uniform(-1, 1, 20000)
    assert close_stats(st(a), st(b)) is None
    problem = close_stats(st(a), st(rng.uniform(-1, 2, 20000)))
    assert problem is not None and "mean" in problem and "max" in problem
    assert "std" in close_stats(st(a), st(a * 1.2))


def _side(tmp_path: Path, name: str, results: dict, arrays: dict) -> Side:
    root = tmp_path / name
    (root / "arrays").mkdir(parents=True)
    for file, value in arrays.items():
        np.save(root / "arrays" / file, value)
    return Side(root, results)


def _out(file: str, value: np.ndarray) -> dict:
    return {"file": file, "shape": list(value.shape), "dtype": str(value.dtype)}


def test_compare_case_reports_values_dtype_errors_and_missing(tmp_path: Path) -> None:
    x = np.arange(4, dtype=np.float32)
    mg = _side(tmp_path, "mg", {
        "ops/a#0": {"outputs": [_out("a.npy", x)]},
        "ops/b#0": {"outputs": [_out("b.npy", x)]},
        "ops/c#bad": {"outputs": [_out("a.npy", x)]},
        "ops/d#0": {"missing": "nd.d"},
        "ops/e#bad": {"error": {"type": "ShapeError", "mro": ["ShapeError", "MXNetError"],
                                "message": "clear"}},
    }, {"a.npy": x, "b.npy": x})
    mx = _side(tmp_path, "mx", {
        "ops/a#0": {"outputs": [_out("a.npy", x)]},
        "ops/b#0": {"outputs": [_out("b.npy", x.astype(np.float64) + 1)]},
        "ops/c#bad": {"error": {"type": "MXNetError", "mro": ["MXNetError"], "message": "no"}},
        "ops/d#0": {"outputs": []},
        "ops/e#bad": {"error": {"type": "MXNetError", "mro": ["MXNetError"], "message": "terse"}},
    }, {"a.npy": x, "b.npy": x.astype(np.float64) + 1})

    def case(cid: str) -> dict:
        return {"id": cid, "family": "ops", "name": cid[4], "kind": "op"}

    assert compare_case(case("ops/a#0"), mg, mx).diffs == []
    b = compare_case(case("ops/b#0"), mg, mx)
    assert [d.aspect for d in b.diffs] == ["dtype", "values"]
    c = compare_case(case("ops/c#bad"), mg, mx)
    assert [d.detail for d in c.diffs] == ["only MXNet raises"]
    assert c.messages == {"mxnet": "MXNetError: no"}
    assert compare_case(case("ops/d#0"), mg, mx).status == "missing in minigluon"
    e = compare_case(case("ops/e#bad"), mg, mx)  # both raise, compatible types: agreement
    assert e.diffs == [] and e.messages["minigluon"] == "ShapeError: clear"
    rows = compare_all([case(i) for i in ("ops/a#0", "ops/b#0")], mg, mx)
    assert [r.status for r in rows] == ["agree", "differ"]


def test_names_without_cases_are_reported(tmp_path: Path) -> None:
    mg = _side(tmp_path, "mg", {}, {})
    mx = _side(tmp_path, "mx", {}, {})
    mg.names = {"layers": ["Dense", "Ours"]}
    mx.names = {"layers": ["Dense", "Theirs"]}
    rows = {r.name: r.status for r in compare_all([], mg, mx)}
    assert rows == {"Dense": "no case", "Ours": "missing in MXNet",
                    "Theirs": "missing in minigluon"}


GOOD = """
[[difference]]
case = "ops/a#*"
aspect = "values"
kind = "intended"
reason = "on purpose"

[[difference]]
case = "ops/b#0"
kind = "gap"
reason = "to fix"

[[difference]]
case = "ops/never#0"
kind = "mxnet-bug"
reason = "matches nothing"
"""


def test_expected_differences_explain_rows_and_find_stale_entries() -> None:
    entries = expected.parse(GOOD)
    rows = [Row("ops", "a", "ops/a#1", "differ", [Diff("values", "x")]),
            Row("ops", "a", "ops/a#2", "differ", [Diff("values", "x"), Diff("dtype", "y")]),
            Row("ops", "b", "ops/b#0", "differ", [Diff("error", "z")]),
            Row("ops", "c", "ops/c#0", "agree")]
    expected.explain(rows, entries)
    assert [r.status for r in rows] == ["explained", "differ", "known gap", "agree"]
    assert rows[0].reasons == ["intended: on purpose"]
    assert [e.case for e in expected.stale(entries)] == ["ops/never#0"]
    assert [r.id for r in report.failing(rows)] == ["ops/a#2"]


@pytest.mark.parametrize("text, message", [
    ('[[difference]]\ncase = "x"\nkind = "intended"\n', "needs a 'reason'"),
    ('[[difference]]\ncase = "x"\nkind = "fine"\nreason = "r"\n', "'kind' must be one of"),
    ('[[difference]]\nkind = "gap"\nreason = "r"\n', "'case'"),
    ('[[difference]]\ncase = "x"\nkind = "gap"\nreason = "r"\nwhy = 1\n', "unknown keys"),
    ('[differences]\n', "unknown tables"),
])
def test_expected_differences_refuse_malformed_entries(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        expected.parse(text)


def test_checked_in_expected_differences_parse() -> None:
    entries = expected.load()
    assert entries and all(e.reason for e in entries)


def test_report_counts_and_markdown() -> None:
    rows = [Row("ops", "a", "ops/a#0"),
            Row("ops", "b", "ops/b#0", "differ", [Diff("values", "big")],
                {"mxnet": "MXNetError: a|b"}),
            Row("layers", "X", "layers/X", "missing in minigluon")]
    table = report.counts(rows)
    assert table["ops"]["agree"] == 1 and table["ops"]["differ"] == 1
    assert sum(table["layers"].values()) == 1
    assert table["layers"]["missing in minigluon"] == 1 and not table["files"]
    rows.append(Row("ops", "c", "ops/c#bad", "agree", [], {"minigluon": "ShapeError: clear",
                                                          "mxnet": "MXNetError: terse"}))
    md = report.markdown(rows, [], {"mxnet": "1.9.1"})
    assert "| `ops/c#bad` | ShapeError: clear | MXNetError: terse |" in md
    assert "| ops | 2 | 1 |" in md and "## differ (1)" in md and "a\\|b" in md
    assert "total" in report.text_table(rows)


def test_every_registry_op_and_case_is_in_the_case_list() -> None:
    cases = op_cases()
    ids = {c["id"] for c in cases}
    for op in all_ops():
        assert op.cases, op.name
        for i in range(len(op.cases)):
            assert f"ops/{op.name}#{i}" in ids
    random = [c for c in cases if c["id"].endswith("#stats")]
    assert {c["name"] for c in random} == {op.name for op in all_ops()
                                           if op.namespace == "random"}


def test_case_files_are_written_for_both_drivers(tmp_path: Path) -> None:
    ops = [op for op in all_ops() if op.name in ("relu", "randn", "_getitem")]
    path = write_cases(tmp_path, op_cases(ops))
    specs = json.loads(path.read_text())
    relu = next(s for s in specs if s["id"] == "ops/relu#0")
    assert relu["call"] == "nd.relu" and relu["grad"] == [0]
    assert np.load(tmp_path / relu["inputs"][0]).dtype == np.float32
    randn = next(s for s in specs if s["id"] == "ops/randn#0")
    assert randn["scalars"] == [2, 3] and randn["inputs"] == []
    getitem = next(s for s in specs if s["id"] == "ops/_getitem#0")
    assert getitem["call"] == "getitem"
    assert decode(getitem["attrs"])["key"] == (slice(1, 3, None), 2)


def test_family_tables_cover_minigluon() -> None:
    layers = {n for n in dir(nn) if isinstance(getattr(nn, n), type)
              and issubclass(getattr(nn, n), nn.Block)}
    # containers minigluon adds on its own are reported as missing in MXNet, not compared
    assert layers - set(LAYERS) <= {"Block", "HybridBlock", "SymbolBlock", "BlockDict",
                                     "BlockList"}
    losses = {n for n in dir(loss) if isinstance(getattr(loss, n), type)
              and issubclass(getattr(loss, n), loss.Loss)}
    assert losses - set(LOSSES) <= {"Loss"}


FAKE_DRIVER = """
import json, os, sys
from pathlib import Path
log = Path(sys.argv[sys.argv.index("--log") + 1])
done = {json.loads(l)["id"] for l in log.read_text().splitlines()} if log.exists() else set()
runs = log.with_name("runs")
runs.write_text(runs.read_text() + "x" if runs.exists() else "x")
for case in ["a", "b", "c"]:
    if case in done:
        continue
    log.with_suffix(".current").write_text(case)
    if case == "a" and len(runs.read_text()) == 1:  # dies once: heap hurt by an earlier case
        os._exit(6)
    if case == "b":  # dies every time
        os.abort()
    with log.open("a") as sink:
        sink.write(json.dumps({"id": case, "result": {"ok": True}}) + "\\n")
log.with_suffix(".current").unlink()
"""


def test_a_case_that_kills_the_driver_is_retried_then_recorded(tmp_path: Path,
                                                               monkeypatch) -> None:
    driver = tmp_path / "driver.py"
    driver.write_text(FAKE_DRIVER)
    monkeypatch.setattr(harness, "DRIVER", driver)
    log = tmp_path / "results.jsonl"
    harness.run_driver(sys.executable, ["--log", str(log)], log)
    results = {json.loads(line)["id"]: json.loads(line)["result"]
               for line in log.read_text().splitlines()}
    assert results["a"] == {"ok": True} and results["c"] == {"ok": True}
    assert results["b"]["crashed"].startswith("exit status -6")
    assert (tmp_path / "runs").read_text() == "xxxx"  # a died once, b twice, then the rest
