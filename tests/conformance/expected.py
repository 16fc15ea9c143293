"""``expected_differences.toml``: the differences from MXNet that are known, each with its reason.

Each ``[[difference]]`` entry names rows by a glob on the row id (``ops/_tap#*``,
``layers/BatchNorm#0``) and optionally on the aspect (``error``, ``values``, ``dtype``...), with
a ``kind``:

- ``intended``: minigluon differs on purpose (a clearer error, 0-d arrays, a documented
  dtype rule); shown on the "Coming from MXNet" page.
- ``mxnet-bug``: MXNet 1.9.1 is the one that misbehaves (aborts, wrong result).
- ``gap``: minigluon is wrong or incomplete and the entry should go when it is fixed; a gap
  does not fail the run but is counted apart from the explained differences.

A row whose every difference matches an entry becomes "explained" (or "known gap" when one of
the entries is a gap); entries that match no row are reported as stale.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

from .compare import Row

KINDS = ("intended", "mxnet-bug", "gap")
PATH = Path(__file__).with_name("expected_differences.toml")


@dataclass
class Expected:
    case: str  # glob on the row id
    aspect: str  # glob on the aspect
    kind: str
    reason: str
    used: int = 0

    def matches(self, row_id: str, aspect: str) -> bool:
        return fnmatchcase(row_id, self.case) and fnmatchcase(aspect, self.aspect)


def parse(text: str, source: str = "expected_differences.toml") -> list[Expected]:
    """The entries of the file, checked: every entry needs ``case``, a known ``kind`` and a
    non-empty ``reason``; a mistake raises ``ValueError`` naming the entry."""
    data = tomllib.loads(text)
    unknown = set(data) - {"difference"}
    if unknown:
        raise ValueError(f"{source}: unknown tables {sorted(unknown)}; use [[difference]]")
    out = []
    for n, entry in enumerate(data.get("difference", []), 1):
        where = f"{source}: entry {n} ({entry.get('case', '?')})"
        extra = set(entry) - {"case", "aspect", "kind", "reason"}
        if extra:
            raise ValueError(f"{where}: unknown keys {sorted(extra)}")
        if not isinstance(entry.get("case"), str) or not entry["case"]:
            raise ValueError(f"{where}: 'case' (a glob on the row id) is required")
        if entry.get("kind") not in KINDS:
            raise ValueError(f"{where}: 'kind' must be one of {KINDS}, not {entry.get('kind')!r}")
        if not str(entry.get("reason", "")).strip():
            raise ValueError(f"{where}: every difference needs a 'reason'")
        out.append(Expected(entry["case"], entry.get("aspect", "*"), entry["kind"],
                            entry["reason"].strip()))
    return out


def load(path: Path = PATH) -> list[Expected]:
    return parse(path.read_text(), path.name)


def explain(rows: list[Row], entries: list[Expected]) -> None:
    """Mark each differing row whose every difference matches an entry (in place)."""
    for row in rows:
        if row.status != "differ":
            continue
        found = []
        for diff in row.diffs:
            match = next((e for e in entries if e.matches(row.id, diff.aspect)), None)
            if match is None:
                break
            found.append(match)
        else:
            for e in found:
                e.used += 1
            row.reasons = list(dict.fromkeys(f"{e.kind}: {e.reason}" for e in found))
            row.status = "known gap" if any(e.kind == "gap" for e in found) else "explained"


def stale(entries: list[Expected]) -> list[Expected]:
    """Entries that explained nothing in this run (fixed, or mistyped)."""
    return [e for e in entries if not e.used]
