"""search/startup.py: the fast start of ``python -m search`` changes no answer and hides no
module.

The CLI's process defers two standard-library imports of Whoosh's and runs one BLAS thread;
these tests run that process setup in a fresh interpreter and compare its answers with this
process's engine (set up normally) on the whole query set.
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
    deferred = [m for m in ("asyncio", "urllib.request") if m in sys.modules]
    from search.__main__ import main
    answers = {}
    for q in queries:
        out = io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            assert main([q, "--json", "--limit", "10", "--index", index]) == 0
        answers[q] = json.loads(out.getvalue())
    print(json.dumps({"answers": answers, "imported": deferred,
                      "blas": os.environ.get("OPENBLAS_NUM_THREADS")}))
"""


@pytest.mark.slow  # ~8 s: every query of the set, in both processes
def test_the_cli_process_answers_like_the_engine(engine, docs_index, tmp_path):
    texts = sorted({q.text for q in load_queries()} | {"", "qqqqqqq", "simulink", "x" * 300})
    (tmp_path / "queries.json").write_text(json.dumps(texts))
    proc = run_python(_CLI_ANSWERS, str(docs_index), str(tmp_path / "queries.json"))
    assert proc.returncode == 0, proc.stderr
    got = json.loads(proc.stdout)
    # the setup took effect: one BLAS thread, Whoosh imported without asyncio and urllib
    assert got["blas"] == "1"
    assert got["imported"] == []
    for q in texts:
        want = [{k: r[k] for k in _CONTRACT_FIELDS} for r in engine.search(q, limit=10).results]
        assert got["answers"][q] == want, q


def test_deferred_modules_are_real_when_imported_later(tmp_path):
    (tmp_path / "page.txt").write_text("fetched")
    proc = run_python("""
        import sys
        from search import startup
        with startup.deferred_imports():
            import whoosh.compat, whoosh.reading, cached_property
        assert "asyncio" not in sys.modules and "urllib.request" not in sys.modules
        assert not cached_property.asyncio.iscoroutinefunction(len)

        async def coro():
            return 7

        assert cached_property.asyncio.iscoroutinefunction(coro)  # still without asyncio
        assert "asyncio" not in sys.modules

        # Whoosh's download helper imports urllib.request when it is called
        target = sys.argv[1] + ".copy"
        whoosh.compat.urlretrieve("file://" + sys.argv[1], target)
        assert open(target).read() == "fetched"
        import urllib.request
        assert sys.modules["urllib.request"].__spec__ is not None
        assert urllib.request.urlretrieve.__module__ == "urllib.request"

        # after the block, `import asyncio` is asyncio, and cached_property asks it
        import asyncio
        assert asyncio.run(coro()) == 7 and asyncio.__spec__ is not None
        assert cached_property.asyncio.iscoroutinefunction(coro)

        class C:
            @cached_property.cached_property
            def value(self):
                return 3

        assert C().value == 3
        print("ok")
    """, str(tmp_path / "page.txt"))
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr


def test_modules_already_imported_are_left_alone():
    proc = run_python("""
        import sys, asyncio
        from search import startup
        with startup.deferred_imports():
            assert sys.modules["asyncio"] is asyncio
            assert sys.modules.get("urllib.request") is not None  # a stand-in meanwhile
        assert sys.modules["asyncio"] is asyncio and "urllib.request" not in sys.modules
        print("ok")
    """)
    assert proc.returncode == 0 and proc.stdout.strip() == "ok", proc.stderr


def test_a_chosen_number_of_blas_threads_is_kept(monkeypatch):
    from search import startup

    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "2")
    startup.prepare()
    assert os.environ["OPENBLAS_NUM_THREADS"] == "2"
    monkeypatch.delenv("OPENBLAS_NUM_THREADS")
    startup.prepare()
    assert os.environ["OPENBLAS_NUM_THREADS"] == "1"
