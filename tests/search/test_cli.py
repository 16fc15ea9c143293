"""``python -m search``: the JSON contract of DESIGN.md, the table, and a missing index."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from search.__main__ import main

ROOT = Path(__file__).resolve().parents[2]


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")])}
    return subprocess.run([sys.executable, "-m", "search", *args], capture_output=True,
                          text=True, env=env, cwd=ROOT, timeout=120)


def test_json_contract(docs_index):
    proc = run_cli("hybrid sequental", "--json", "--limit", "3", "--index", str(docs_index))
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert isinstance(rows, list) and len(rows) == 3
    for row in rows:
        assert {"name", "kind", "url", "summary", "score"} <= set(row)
        assert isinstance(row["score"], float)
        assert "#" in row["url"] or row["kind"] == "page"
    assert rows[0]["name"] == "minigluon.gluon.nn.HybridSequential"
    assert [r["score"] for r in rows] == sorted((r["score"] for r in rows), reverse=True)
    assert "did you mean: hybrid sequential" in proc.stderr


def test_no_results_is_an_empty_array_and_exit_0(docs_index, capsys):
    assert main(["qqqqqqqqqqqq zzzzzzzzzz", "--json", "--index", str(docs_index)]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_table_is_the_default(docs_index, capsys):
    assert main(["sigmod", "--limit", "2", "--index", str(docs_index)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Did you mean: sigmoid"
    # the match column: a one-letter typo, corrected, is an 85% match
    assert out[1].split()[:3] == ["85%", "function", "minigluon.ndarray.sigmoid"]
    assert out[2].strip() == ("api/_autosummary/minigluon.ndarray.sigmoid.html"
                              "#minigluon.ndarray.sigmoid")


def test_a_weak_match_is_called_one(docs_index, capsys):
    assert main(["simulink", "--limit", "3", "--index", str(docs_index)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "No close match for 'simulink'; nearest:"
    assert main(["simulink", "--json", "--index", str(docs_index)]) == 0
    captured = capsys.readouterr()
    rows = json.loads(captured.out)
    assert rows and all(r["confidence"] < 0.5 for r in rows)
    assert "No close match for 'simulink'" in captured.err
    assert main(["HybridSequential", "--json", "--index", str(docs_index)]) == 0
    captured = capsys.readouterr()
    assert json.loads(captured.out)[0]["confidence"] == 1.0 and not captured.err


def test_missing_index_says_how_to_build_it(tmp_path):
    proc = run_cli("reshape", "--index", str(tmp_path / "nowhere"))
    assert proc.returncode == 1
    assert proc.stdout == ""
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "nox -s docs" in lines[0], proc.stderr


@pytest.mark.parametrize("limit", ["0", "101", "ten"])
def test_bad_limit_is_a_usage_error(limit, docs_index, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["x", "--limit", limit, "--index", str(docs_index)])
    assert exc.value.code == 2
