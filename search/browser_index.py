"""The index exported for the in-browser engine (``search/static/search-engine.js``).

A site opened from disk or a static host has no Python to ask, so the docs build writes what
the ranking reads from the Whoosh index (every field's terms and postings, field lengths,
tie-break priors, the spelling vocabulary, "Used in") and what the query planner reads from
the tables (synonym phrases already analysed, weights, boosts, stop words) into one
JavaScript file that assigns it to a global: a ``<script>`` tag loads it from ``file://``,
where ``fetch`` of a local file is refused. The JS engine runs :mod:`search.query`'s
algorithm on it; ``tests/search/test_browser_engine.py`` holds the two to the same results.

Postings are kept as compact strings (base-36 document gaps, ``:tf`` when a term occurs more
than once) and decoded per term when a query first touches it, so loading the page costs one
JSON parse of strings, not of hundreds of thousands of numbers.
"""

from __future__ import annotations

import gzip
import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import query, query_plan, text
from .index import FORMAT, SCORED_FIELDS, OpenIndex, SearchIndexError, open_index, read_marker
from .query_plan import WEIGHTS, _phrase_table
from .synonyms import BRITISH_PREFIXES

__all__ = ["DATA_FILE", "ENGINE_FILE", "STATIC_DIR", "export", "write_browser_index",
           "encode_postings", "up_to_date", "render", "gzipped_size", "run_in_node",
           "NodeMissingError"]

#: Where the engine's source lives in this repository (Sphinx copies it into ``_static``).
STATIC_DIR = Path(__file__).resolve().parent / "static"
ENGINE_FILE = "search-engine.js"
#: The data file, written into the site's ``_static`` by the docs build.
DATA_FILE = "search-data.js"
_GLOBAL = "MINIGLUON_SEARCH_DATA"
_SEARCHED_FIELDS = ("exact", *SCORED_FIELDS)  # every field a query reads postings of


def encode_postings(ids: list[int], tfs: list[float]) -> str:
    """``"gap[:tf],..."`` in base 36: ``[3, 5, 40], [1, 2, 1]`` -> ``"3,2:2,z"``."""
    out, last = [], 0
    for doc, tf in zip(ids, tfs, strict=True):
        gap = _base36(doc - last)
        last = doc
        out.append(gap if tf == 1 else f"{gap}:{_number(tf)}")
    return ",".join(out)


def _base36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    s = ""
    while True:
        n, r = divmod(n, 36)
        s = digits[r] + s
        if not n:
            return s


def _number(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def export(ix: OpenIndex) -> dict[str, Any]:
    """Everything the JS engine reads, as one JSON-able dict."""
    reader = ix.reader
    fields: dict[str, dict[str, str]] = {}
    for f in _SEARCHED_FIELDS:
        postings = {}
        # Whoosh's order (UTF-8 bytes): the JS engine expands prefixes in this order too.
        for term in reader.field_terms(f):
            ids, tfs = query._postings(reader.postings(f, term))
            postings[term] = encode_postings(ids.tolist(), tfs.tolist())
        fields[f] = postings
    stored = [reader.stored_fields(d) for d in range(ix.doc_count)]
    docs = [[s["name"], s["kind"], s["url"], s.get("summary", ""), s.get("signature", ""),
             s["source"], s.get("path", "")] for s in stored]
    phrases = {" ".join(key): [_phrase(p, w) for p, w in others]
               for key, others in _phrase_table().items()}
    return {
        "format": FORMAT,
        "id": ix.marker.get("id", ""),
        "built": ix.marker.get("built", ""),
        "docs": docs,
        "priors": ix.priors.tolist(),
        "lengths": {f: ix.lengths[f].tolist() for f in SCORED_FIELDS},
        "averageLengths": ix.average_lengths,
        "fields": fields,
        "vocabulary": ix.vocabulary,
        "fieldVocabulary": sorted(query._field_vocabulary()),
        "usedIn": {str(d): s for d, s in ix.used_in.items()},
        "phrases": phrases,
        "constants": _constants(),
    }


def _phrase(phrase: str, weight: float) -> list[Any]:
    """What :func:`search.query_plan._phrase_alternative` derives from a phrase, precomputed
    (the JS engine then needs no copy of the tables' analysis)."""
    alt = query_plan._phrase_alternative(phrase, weight, frozenset(), 1.0)
    return [list(alt.words), weight, alt.exact, alt.joined]


def _constants() -> dict[str, Any]:
    """The numbers and word lists of the Python engine, so the JS engine has no copy of them."""
    return {
        "FIELD_BOOSTS": query.FIELD_BOOSTS,
        "QUALIFIER_BOOSTS": query.QUALIFIER_BOOSTS,
        "JOINED_WORD_BOOST": query.JOINED_WORD_BOOST,
        "JOINED_BOOST": query.JOINED_BOOST,
        "EXACT_EXPANSION_BOOST": query.EXACT_EXPANSION_BOOST,
        "PAIR_BOOST": query.PAIR_BOOST,
        "PREFIX_BOOST": query.PREFIX_BOOST,
        "TRIGRAM_BOOST": query.TRIGRAM_BOOST,
        "MAX_PREFIX_EXPANSIONS": query.MAX_PREFIX_EXPANSIONS,
        "MAX_LIMIT": query.MAX_LIMIT,
        "ALWAYS_SCORED": sorted(query._ALWAYS_SCORED),
        "POSTINGS_BUDGET": query.POSTINGS_BUDGET,
        "KNOWN_FROM": query._KNOWN_FROM,
        "RERANK_DEPTH": query.RERANK_DEPTH,
        "MAX_USED_IN": query.MAX_USED_IN,
        "DEMOTED": query.DEMOTED,
        "QUESTION_WORDS": sorted(query.QUESTION_WORDS),
        "QUESTION_SECTION_BOOST": query.QUESTION_SECTION_BOOST,
        "PREFIX_SURE": query.PREFIX_SURE,
        "TRIGRAM_SURE": query.TRIGRAM_SURE,
        "WEAK_BELOW": query.WEAK_BELOW,
        "K1": query.K1,
        "B": query.B,
        "WEIGHTS": {k: v if not isinstance(v, dict) else {str(e): w for e, w in v.items()}
                    for k, v in WEIGHTS.items()},
        "MAX_CONCEPTS": query_plan.MAX_CONCEPTS,
        "MAX_JOIN": query_plan.MAX_JOIN,
        "MAX_QUERY_CHARS": text.MAX_QUERY_CHARS,
        "MAX_QUERY_WORDS": text.MAX_QUERY_WORDS,
        "STOPWORDS": sorted(text.STOPWORDS),
        "BRITISH_PREFIXES": [list(p) for p in BRITISH_PREFIXES],
    }


def render(data: dict[str, Any]) -> str:
    """The data file's text: a script that hands the data to the page."""
    payload = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # "</script" inside a string would end an inline script; the file is loaded by src, but
    # escaping "<" costs nothing and keeps the text safe wherever it is embedded.
    payload = payload.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace(
        "\u2029", "\\u2029")
    return f"window.{_GLOBAL} = {payload};\n"


def up_to_date(index_dir: Path | str, static_dir: Path | str) -> bool:
    """Whether ``static_dir`` holds the export of the index at ``index_dir`` (same id)."""
    try:
        marker = read_marker(Path(index_dir))
        head = (Path(static_dir) / DATA_FILE).read_bytes()[:4096].decode("utf-8", "replace")
    except (OSError, SearchIndexError):
        return False
    return f'"id":"{marker.get("id", "")}"' in head


def write_browser_index(index_dir: Path | str, static_dir: Path | str) -> Path:
    """Export the index at ``index_dir`` to ``static_dir/search-data.js`` (atomically);
    returns the file written."""
    ix = open_index(index_dir)
    try:
        content = render(export(ix))
    finally:
        ix.close()
    static_dir = Path(static_dir)
    static_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".search-data-", dir=static_dir)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(content)
    os.chmod(tmp, 0o644)
    target = static_dir / DATA_FILE
    os.replace(tmp, target)
    return target


def gzipped_size(path: Path | str) -> int:
    """Bytes of ``path`` gzipped at level 9 (what a static host typically sends)."""
    return len(gzip.compress(Path(path).read_bytes(), 9))


NODE_RUNNER = Path(__file__).resolve().parent / "node-search.js"


class NodeMissingError(RuntimeError):
    """Node.js is not installed (the JS engine's tests and benchmarks run it under Node)."""


def run_in_node(data_file: Path | str, queries: Sequence[str], limit: int = 10,
                timeout: float = 600) -> dict[str, Any]:
    """Answer ``queries`` with the JS engine under Node.js: ``{"load_ms": float,
    "responses": [{"query", "did_you_mean", "results", "ms"}, ...]}``."""
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        raise NodeMissingError("Node.js (`node`) is not on PATH: the in-browser search engine "
                               "is tested under it (Debian: sudo apt-get install -y nodejs)")
    done = subprocess.run([node, str(NODE_RUNNER), str(data_file), str(limit)],
                          input=json.dumps(list(queries)), capture_output=True, text=True,
                          timeout=timeout, check=False)
    if done.returncode:
        raise RuntimeError(f"the JS engine failed under Node.js:\n{done.stderr[-4000:]}")
    return json.loads(done.stdout)
