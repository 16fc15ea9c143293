"""search/startup.py: the fast start of ``python -m search`` changes no answer.

The CLI's process runs one BLAS thread; these tests run that process setup in a fresh
interpreter and compare its answers with this process's engine (set up normally) on the whole
query set.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from search.__main__ import _CONTRACT_FIELDS
from search.evaluate import load_queries

ROOT = Path(__file__).resolve().parents[2]


def run_python(code: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")])}
    env.pop("OPENBLAS_NUM_THREADS", None)
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=300)


# The CLI's own start (search/__main__.py as __main__), then one main() per query.
_CLI_ANSWERS = """
    import contextlib, io, json, os, sys
    import runpy
    index, queries = sys.argv[1], json.load(open(sys.argv[2]))
    sys.argv = ["search", "--help"]
    with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):
        runpy.run_module("search", run_name="__main__")
    from search.__main__ import main
    answers = {}
    for q in queries:
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            assert main([q, "--json", "--limit", "10", "--index", index]) == 0
        answers[q] = json.loads(out.getvalue())
    print(json.dumps({"answers": answers, "blas": os.environ.get("OPENBLAS_NUM_THREADS")}))
"""


@pytest.mark.slow  # ~8 s: every query of the set, in both processes
def test_the_cli_process_answers_like_the_engine(engine, docs_index, tmp_path):
    texts = sorted({q.text for q in load_queries()} | {"", "qqqqqqq", "simulink", "x" * 300})
    (tmp_path / "queries.json").write_text(json.dumps(texts))
    proc = run_python(_CLI_ANSWERS, str(docs_index), str(tmp_path / "queries.json"))
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)
    assert got["blas"] == "1"  # the setup took effect
    for q in texts:
        want = [{k: r[k] for k in _CONTRACT_FIELDS} for r in engine.search(q, limit=10).results]
        assert got["answers"][q] == want, q


def test_a_chosen_number_of_blas_threads_is_kept(monkeypatch):
    from search import startup

    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "2")
    startup.prepare()
    assert os.environ["OPENBLAS_NUM_THREADS"] == "2"
    monkeypatch.delenv("OPENBLAS_NUM_THREADS")
    startup.prepare()
    assert os.environ["OPENBLAS_NUM_THREADS"] == "1"
