"""``python -m search "QUERY" [--json] [--limit N] [--index DIR]``: search the built docs.

Exit status: 0 when the search ran (also with no results: an empty table or ``[]``), 1 when
there is no usable index (one line on stderr says how to build it), 2 for bad arguments.
With ``--json`` stdout is only the JSON array of DESIGN.md's CLI contract (each result also
has ``confidence``, 0-1: how closely it matches the query); the "did you mean" suggestion and
the "no close match" line then go to stderr.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
from collections.abc import Sequence
from typing import Any

from . import startup

if __name__ == "__main__":  # a fresh process for one query: see search.startup
    startup.prepare()

from .index import DEFAULT_INDEX_DIR, SearchIndexError
from .query import MAX_LIMIT, SearchEngine

__all__ = ["main"]

_CONTRACT_FIELDS = ("name", "kind", "url", "summary", "score", "confidence", "signature",
                    "source", "path")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        engine = SearchEngine(args.index)
    except SearchIndexError as e:
        print(f"search: {e}", file=sys.stderr)
        return 1
    with engine:
        response = engine.search(args.query, limit=args.limit)
    if args.json:
        rows = [{k: r[k] for k in _CONTRACT_FIELDS} for r in response.results]
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        if response.did_you_mean:
            print(f"did you mean: {response.did_you_mean}", file=sys.stderr)
        if response.weak and response.results:
            print(no_close_match(args.query), file=sys.stderr)
        return 0
    if response.did_you_mean:
        print(f"Did you mean: {response.did_you_mean}")
    if not response.results:
        print(f"No results for {args.query!r}.")
        return 0
    if response.weak:
        print(no_close_match(args.query))
    print(_table(response.results))
    return 0


def no_close_match(query: str) -> str:
    """What to say above results that match ``query`` only loosely."""
    shown = " ".join(query.split())
    shown = shown if len(shown) <= 60 else shown[:59] + "…"
    return f"No close match for {shown!r}; nearest:"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m search", description="Search minigluon's API and documentation.")
    p.add_argument("query", help="what to look for: a name, words, a task, an error message")
    p.add_argument("--json", action="store_true", help="print a JSON array (best first)")
    p.add_argument("--limit", type=_limit, default=10, help=f"results (1-{MAX_LIMIT}, default 10)")
    p.add_argument("--index", default=None,
                   help=f"index directory (default: {DEFAULT_INDEX_DIR})")
    return p


def _limit(text: str) -> int:
    value = int(text)
    if not 1 <= value <= MAX_LIMIT:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_LIMIT}, got {value}")
    return value


def _table(results: list[dict[str, Any]]) -> str:
    width = shutil.get_terminal_size((120, 24)).columns
    kind_w = max(len(r["kind"]) for r in results)
    name_w = min(max(len(r["name"]) for r in results), 48)
    lines = []
    for r in results:
        summary_w = max(20, width - kind_w - name_w - 12)
        summary = _clip(r["summary"] or r["signature"], summary_w)
        match = f"{r['confidence']:4.0%}"
        lines.append(f"{match}  {r['kind']:<{kind_w}}  {_clip(r['name'], name_w):<{name_w}}  "
                     f"{summary}")
        lines.append(f"{'':4}  {'':<{kind_w}}  {r['url']}")
    return "\n".join(lines)


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[:width - 1] + "…"


if __name__ == "__main__":
    startup.exit_now(main())
