"""Docs search: index build time, query latency (docs index and 50,000 entries), the cold
shell (``python -m search`` in a fresh process) beside the engine's own latency, the index
exported for the browser (size, gzipped, and its engine's query time under Node.js and in
headless Chromium), and quality of the Python engine, the in-browser engine and Sphinx's
built-in search on the public query set (tests/search/queries.toml).

Sphinx's search is measured by running its own ``searchtools.js`` in Node.js over
``build/html/searchindex.js`` (the page's query code without the DOM), so both engines answer
the same queries from the same build. Needs ``nox -s docs`` first for that part, and Node.js.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .common import print_table

ROOT = Path(__file__).resolve().parent.parent
HTML = ROOT / "build" / "html"
SYNTHETIC_ENTRIES = int(os.environ.get("MINIGLUON_SEARCH_BENCH_ENTRIES", "50000"))


def run() -> None:
    try:
        from search.evaluate import evaluate, load_queries
        from search.index import DEFAULT_INDEX_DIR, SearchIndexError, write_index
        from search.query import SearchEngine
        from search.sources import source_records
    except ImportError as e:  # the bench extra without whoosh-reloaded
        print(f"\n## Docs search\n\nskipped: {e}")
        return
    queries = load_queries()
    texts = [q.text for q in queries]
    work = Path(tempfile.mkdtemp(prefix="bench-search-"))
    try:
        start = time.perf_counter()
        records = source_records(ROOT / "docs")
        t_collect = time.perf_counter() - start
        start = time.perf_counter()
        docs_index = write_index(records, work / "docs-index")
        t_docs = time.perf_counter() - start
        big = records + synthetic_records(records, SYNTHETIC_ENTRIES - len(records))
        start = time.perf_counter()
        big_index = write_index(big, work / "big-index")
        t_big = time.perf_counter() - start
        print_table("Search index build (seconds)", ["index", "entries", "collect", "write"], [
            ["docs (API + guide sections)", len(records), t_collect, t_docs],
            ["synthetic", len(big), None, t_big],
        ])

        rows = []
        for label, path in [("docs", docs_index), (f"synthetic {len(big):,}", big_index)]:
            with SearchEngine(path) as engine:
                rows.append([label, *latency(lambda q, e=engine: e.search(q, 10), texts)])
        print_table(f"Query latency over the {len(texts)} queries of the query set "
                    "(milliseconds, warm)", ["index", "p50", "p95", "max"], rows)
        browser_engine(texts, [("docs", len(records), docs_index),
                               (f"synthetic {len(big):,}", len(big), big_index)], work)

        rows = []
        for label, path in [("docs", docs_index), (f"synthetic {len(big):,}", big_index)]:
            for query in CLI_QUERIES:
                rows.append([label, query, *cold_cli(path, query), *engine_open_and_query(
                    SearchEngine, path, query)])
        print_table(f"Cold shell: `python -m search QUERY --json` in a fresh process (median of "
                    f"{CLI_RUNS}) beside the engine in one process (milliseconds)",
                    ["index", "query", "CLI p50", "CLI max", "engine open", "first query",
                     "query (warm)"], rows)

        # Quality: the index the docs build wrote when there is a current one (what users
        # get), else the one built above from the same sources.
        try:
            engine, built = SearchEngine(DEFAULT_INDEX_DIR), DEFAULT_INDEX_DIR
        except SearchIndexError:
            engine, built = SearchEngine(docs_index), docs_index
        with engine:
            ours = evaluate(lambda q: engine.search(q, 10).results, queries)
        js = js_scores(queries, evaluate, built, work)
        theirs = sphinx_scores(queries, evaluate)
        header = ["category", "n", "py hit@1", "py hit@5", "py MRR"]
        if js:
            header += ["js hit@1", "js hit@5", "js MRR"]
        if theirs:
            header += ["sphinx hit@1", "sphinx hit@5", "sphinx MRR"]
        table = []
        for cat, s in ours.items():
            row: list[Any] = [cat, s.count, s.hit_at_1, s.hit_at_5, s.mrr]
            for other in (js, theirs):
                if other:
                    t = other[cat]
                    row += [t.hit_at_1, t.hit_at_5, t.mrr]
            table.append(row)
        where = "build/search-index" if built == DEFAULT_INDEX_DIR else "docs sources"
        print_table(f"Search quality on tests/search/queries.toml (py: SearchEngine on {where}; "
                    f"js: search-engine.js in Node on its export; "
                    f"Sphinx: {'searchtools.js in Node' if theirs else 'not measured'})",
                    header, table)
        if not theirs:
            print("\nSphinx's search not measured: needs build/html (nox -s docs) and node.")
    finally:
        shutil.rmtree(work, ignore_errors=True)


#: What the shell is asked: a name, a typo (the speller's buckets get built), a task, an error.
CLI_QUERIES = ["attach_grad", "hybrid sequental", "add a dimension",
               "Cannot differentiate node because it is not in a computational graph"]
CLI_RUNS = 5


def cold_cli(index: Path, query: str, runs: int = CLI_RUNS) -> list[float]:
    """Wall time of ``python -m search QUERY --json`` in fresh processes: p50 and max (ms).
    Everything a user waits for: interpreter start, imports, index open, query, JSON out."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")])}
    cmd = [sys.executable, "-m", "search", query, "--json", "--index", str(index)]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, capture_output=True, env=env, cwd=ROOT, timeout=60)
        times.append((time.perf_counter() - start) * 1e3)
    return [statistics.median(times), max(times)]


def engine_open_and_query(engine_class: Any, index: Path, query: str) -> list[float]:
    """In this (warm) process: opening the index, the first query, and the same query again
    (ms). The CLI's time above minus these is what starting Python and importing costs."""
    start = time.perf_counter()
    engine = engine_class(index)
    opened = time.perf_counter()
    with engine:
        engine.search(query, 10)
        first = time.perf_counter()
        engine.search(query, 10)
        again = time.perf_counter()
    return [(opened - start) * 1e3, (first - opened) * 1e3, (again - first) * 1e3]


def latency(search: Callable[[str], Any], texts: list[str]) -> list[float]:
    for q in texts:  # warm: caches, lazily read blocks
        search(q)
    times = []
    for q in texts:
        start = time.perf_counter()
        search(q)
        times.append((time.perf_counter() - start) * 1e3)
    times.sort()
    return [statistics.median(times), times[int(0.95 * (len(times) - 1))], times[-1]]


def synthetic_records(base: list[Any], n: int, seed: int = 0) -> list[Any]:
    """``n`` records shaped like the real ones: API names recombined from real name parts
    (so typos and prefixes have many near neighbours), docstrings and sections reused."""
    from search.collect import Record
    from search.text import identifier_parts

    rng = random.Random(seed)
    api = [r for r in base if r.source == "api"]
    parts = sorted({p for r in api for p in identifier_parts(r.name.rsplit(".", 1)[-1])})
    out = []
    for i in range(n):
        r = rng.choice(base)
        donor = rng.choice(base)
        if r.source == "api":
            k = rng.randint(1, 3)
            if rng.random() < 0.5:
                leaf = "".join(rng.choice(parts).capitalize() for _ in range(k))
            else:
                leaf = "_".join(rng.choice(parts).lower() for _ in range(k))
            name = f"{r.name.rsplit('.', 1)[0]}.{leaf}{i}"
            out.append(Record(name=name, kind=r.kind, url=f"synthetic/{i}.html#{name}",
                              source="api", path=name, summary=r.summary,
                              signature=r.signature, text=donor.text, errors=r.errors))
        else:
            out.append(Record(name=f"{r.name} {i}", kind=r.kind, url=f"synthetic/{i}.html",
                              source="page", path=f"{r.path} {i}", summary=r.summary,
                              text=r.text, code=r.code))
    return out


# -- Sphinx's own search, run by Node.js --------------------------------------------------------

_NODE_HARNESS = r"""
const fs = require("fs"), vm = require("vm");
const [html, queriesFile] = process.argv.slice(2);
const ctx = {
  console, URLSearchParams, setTimeout, clearTimeout,
  localStorage: { setItem() {}, getItem() { return null; } },
  document: { getElementById: () => null, documentElement: { dataset: {} },
              createElement: () => ({ appendChild: (x) => x, classList: { add() {} } }),
              body: { appendChild: (x) => x } },
  location: { search: "" }, DOCUMENTATION_OPTIONS: {}, SPHINX_HIGHLIGHT_ENABLED: false,
  Documentation: { gettext: (s) => s }, _: (s) => s, _ready: () => {},
};
ctx.window = ctx;
vm.createContext(ctx);
for (const f of ["_static/language_data.js", "_static/searchtools.js", "searchindex.js"]) {
  vm.runInContext(fs.readFileSync(`${html}/${f}`, "utf8"), ctx, { filename: f });
}
vm.runInContext(`
  globalThis.__query = (q) => {
    const parsed = Search._parseQuery(q);
    return Search._performSearch(...parsed).reverse().slice(0, 10)
      .map(([docname, title, anchor, descr, score, filename, kind]) =>
        ({ name: title, path: title, url: docname + anchor, score, kind }));
  };`, ctx);
const queries = JSON.parse(fs.readFileSync(queriesFile, "utf8"));
process.stdout.write(JSON.stringify(queries.map((q) => ctx.__query(q))));
"""


def sphinx_scores(queries: list[Any], evaluate: Callable[..., Any]) -> dict[str, Any] | None:
    """hit@k/MRR of Sphinx's built-in search on the query set, or None if it cannot run."""
    node = shutil.which("node")
    if node is None or not (HTML / "searchindex.js").is_file():
        return None
    with tempfile.TemporaryDirectory() as tmp:
        harness = Path(tmp, "sphinx_search.js")
        harness.write_text(_NODE_HARNESS)
        qfile = Path(tmp, "queries.json")
        qfile.write_text(json.dumps([q.text for q in queries]))
        proc = subprocess.run([node, str(harness), str(HTML), str(qfile)], capture_output=True,
                              text=True, timeout=600)
    if proc.returncode != 0:
        print(f"\nSphinx's search failed in node: {proc.stderr.strip()[:500]}")
        return None
    answers = dict(zip([q.text for q in queries], json.loads(proc.stdout)))
    return evaluate(lambda q: answers[q], queries)


# -- the in-browser engine -----------------------------------------------------------------------

def browser_engine(texts: list[str], indexes: list[tuple[str, int, Path]], work: Path) -> None:
    """Size of each index's export and the JS engine's query time (Node.js; Chromium for the
    docs' own export when selenium and Chromium are there)."""
    from search.browser_index import (
        NodeMissingError,
        gzipped_size,
        run_in_node,
        write_browser_index,
    )

    sizes, times = [], []
    for label, count, index in indexes:
        data = write_browser_index(index, work / f"static-{count}")
        raw, packed = data.stat().st_size, gzipped_size(data)
        sizes.append([label, count, raw / 1e6, packed / 1e6, packed / count])
        try:
            answers = run_in_node(data, texts, 10)
        except NodeMissingError as e:
            print(f"\nJS engine not timed: {e}")
            continue
        ms = sorted(r["ms"] for r in answers["responses"])
        times.append([f"{label} (Node.js)", answers["load_ms"], statistics.median(ms),
                      ms[int(0.95 * (len(ms) - 1))], ms[-1]])
    print_table("Index exported for the browser (search-data.js)",
                ["index", "records", "MB", "MB gzipped", "gzipped bytes/record"], sizes)
    site = HTML / "_static" / "search-data.js"
    if site.is_file():
        row = chromium_times(texts)
        if row:
            times.append(["build/html (Chromium)", *row])
    if times:
        print_table(f"JS engine query time over the {len(texts)} queries (milliseconds, warm)",
                    ["where", "load", "p50", "p95", "max"], times)


#: Loads the site's exported index into the page, warms up, then times each query.
_BROWSER_TIMING = """
const [queries, done] = arguments;
const start = performance.now();
const script = document.createElement("script");
script.src = document.documentElement.dataset.content_root + "_static/search-data.js";
script.onload = () => {
  const engine = new MinigluonSearchEngine.Engine(window.MINIGLUON_SEARCH_DATA);
  const load = performance.now() - start;
  queries.forEach((q) => engine.search(q, 10));
  done([load, queries.map((q) => {
    const t = performance.now();
    engine.search(q, 10);
    return performance.now() - t;
  })]);
};
document.head.append(script);
"""


def chromium_times(texts: list[str]) -> list[float] | None:
    """[load, p50, p95, max] of the engine in headless Chromium on build/html from file://."""
    chromium, driver = shutil.which("chromium"), shutil.which("chromedriver")
    try:
        from selenium import webdriver
    except ImportError:
        webdriver = None
    if not (chromium and driver and webdriver):
        print("\nJS engine not timed in Chromium: needs chromium, chromedriver and selenium")
        return None
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    profile = tempfile.mkdtemp(prefix="bench-chromium-")
    for arg in ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage",
                f"--user-data-dir={profile}"]:
        options.add_argument(arg)
    browser = webdriver.Chrome(service=webdriver.ChromeService(executable_path=driver),
                               options=options)
    try:
        browser.get((HTML / "index.html").as_uri())
        browser.set_script_timeout(300)
        load, ms = browser.execute_async_script(_BROWSER_TIMING, texts)
    finally:
        browser.quit()
        shutil.rmtree(profile, ignore_errors=True)
    ms.sort()
    return [load, statistics.median(ms), ms[int(0.95 * (len(ms) - 1))], ms[-1]]


def js_scores(queries: list[Any], evaluate: Callable[..., Any], index: Path,
              work: Path) -> dict[str, Any] | None:
    """hit@k/MRR of the JS engine on the export of ``index``, or None without Node.js."""
    from search.browser_index import NodeMissingError, run_in_node, write_browser_index

    data = write_browser_index(index, work / "static-quality")
    try:
        answers = run_in_node(data, [q.text for q in queries], 10)
    except NodeMissingError as e:
        print(f"\nJS engine quality not measured: {e}")
        return None
    by_query = {q.text: r["results"] for q, r in zip(queries, answers["responses"], strict=True)}
    return evaluate(lambda q: by_query[q], queries)
