"""Search quality on a query set: hit@1, hit@5 and mean reciprocal rank, per category.

The query set (``tests/search/queries.toml``) maps each query to its acceptable targets: fully
qualified API names or page-section title paths. Any engine that returns ranked results
with ``name`` and ``path`` can be measured, which is how the benchmark compares ours with
Sphinx's built-in search.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Query", "Score", "load_queries", "evaluate", "rank_of", "format_report",
           "QUERY_SET"]

QUERY_SET = Path(__file__).resolve().parent.parent / "tests" / "search" / "queries.toml"


@dataclass(frozen=True)
class Query:
    text: str
    category: str
    targets: tuple[str, ...]


@dataclass
class Score:
    """Totals for one category (or all): hits at rank 1 and within 5, reciprocal ranks."""

    count: int = 0
    hit1: int = 0
    hit5: int = 0
    rr: float = 0.0
    misses: list[tuple[str, int | None, list[str]]] = field(default_factory=list)

    def add(self, query: Query, rank: int | None, got: list[str]) -> None:
        self.count += 1
        self.hit1 += rank == 1
        self.hit5 += rank is not None and rank <= 5
        self.rr += 1 / rank if rank else 0.0
        if rank != 1:
            self.misses.append((query.text, rank, got[:3]))

    @property
    def hit_at_1(self) -> float:
        return self.hit1 / self.count if self.count else 0.0

    @property
    def hit_at_5(self) -> float:
        return self.hit5 / self.count if self.count else 0.0

    @property
    def mrr(self) -> float:
        return self.rr / self.count if self.count else 0.0


def load_queries(path: Path | str = QUERY_SET) -> list[Query]:
    with open(path, "rb") as f:
        data = tomllib.load(f)
    return [Query(text, category, tuple(targets))
            for category, table in data.items() for text, targets in table.items()]


def rank_of(query: Query, results: Iterable[dict[str, Any]], depth: int = 10) -> int | None:
    """1-based rank of the first result that is one of the query's targets."""
    for i, r in enumerate(results, 1):
        if i > depth:
            break
        if r.get("name") in query.targets or r.get("path") in query.targets:
            return i
    return None


def evaluate(run: Callable[[str], list[dict[str, Any]]], queries: list[Query]
             ) -> dict[str, Score]:
    """Scores per category, plus ``"overall"``. ``run(text)`` returns results, best first."""
    scores: dict[str, Score] = {}
    for q in queries:
        results = run(q.text)
        rank = rank_of(q, results)
        got = [r.get("path") or r.get("name", "") for r in results]
        for key in (q.category, "overall"):
            scores.setdefault(key, Score()).add(q, rank, got)
    return scores


def format_report(scores: dict[str, Score], title: str = "") -> str:
    lines = [title] if title else []
    lines.append(f"{'category':14} {'n':>4} {'hit@1':>6} {'hit@5':>6} {'MRR':>6}")
    for name, s in scores.items():
        lines.append(f"{name:14} {s.count:4d} {s.hit_at_1:6.3f} {s.hit_at_5:6.3f} {s.mrr:6.3f}")
    return "\n".join(lines)
