"""The conformance report: counts per family, then every row that is not plain agreement.

Written three ways from the same rows: a text table on stdout, ``report.md`` for the docs and
``report.json`` for tools.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from .compare import STATUSES, Row
from .expected import Expected

FAMILIES = ("ops", "layers", "losses", "initializers", "optimizers", "metrics", "files")
FAILING = ("differ", "no case")


def counts(rows: list[Row]) -> dict[str, Counter]:
    table: dict[str, Counter] = {f: Counter() for f in FAMILIES}
    for row in rows:
        table.setdefault(row.family, Counter())[row.status] += 1
    return table


def failing(rows: list[Row]) -> list[Row]:
    return [r for r in rows if r.status in FAILING]


def text_table(rows: list[Row]) -> str:
    table = counts(rows)
    head = ["family", *STATUSES]
    widths = [max(12, len(h)) for h in head]
    lines = ["  ".join(h.ljust(w) for h, w in zip(head, widths))]
    total: Counter = Counter()
    for family, c in table.items():
        total.update(c)
        lines.append("  ".join([family.ljust(widths[0])] +
                               [str(c[s]).ljust(w) for s, w in zip(STATUSES, widths[1:])]))
    lines.append("  ".join(["total".ljust(widths[0])] +
                           [str(total[s]).ljust(w) for s, w in zip(STATUSES, widths[1:])]))
    return "\n".join(lines)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")[:400]


def markdown(rows: list[Row], stale: list[Expected], about: dict) -> str:
    table = counts(rows)
    out = ["# minigluon against MXNet 1.9.1", "",
           f"minigluon {about.get('minigluon', '?')} (numpy {about.get('minigluon_numpy', '?')})"
           f" against MXNet {about.get('mxnet', '?')} (numpy {about.get('mxnet_numpy', '?')}),"
           f" {about.get('seconds', '?')} s. Regenerate with `nox -s conformance`.", "",
           "| family | " + " | ".join(STATUSES) + " |",
           "|---" * (len(STATUSES) + 1) + "|"]
    for family, c in table.items():
        out.append(f"| {family} | " + " | ".join(str(c[s]) for s in STATUSES) + " |")
    for status in STATUSES[1:]:
        chosen = [r for r in rows if r.status == status]
        if not chosen:
            continue
        out += ["", f"## {status} ({len(chosen)})", "",
                "| case | difference | minigluon says | MXNet says | reason |",
                "|---|---|---|---|---|"]
        for r in chosen:
            diff = "; ".join(f"{d.aspect}: {d.detail}" for d in r.diffs)
            out.append(f"| `{r.id}` | {_cell(diff)} | {_cell(r.messages.get('minigluon', ''))} "
                       f"| {_cell(r.messages.get('mxnet', ''))} | {_cell('; '.join(r.reasons))} |")
    both = [r for r in rows if r.status == "agree" and {"minigluon", "mxnet"} <= set(r.messages)]
    if both:
        out += ["", f"## both raise: the two messages ({len(both)})", "",
                "| case | minigluon says | MXNet says |", "|---|---|---|"]
        out += [f"| `{r.id}` | {_cell(r.messages['minigluon'])} | {_cell(r.messages['mxnet'])} |"
                for r in both]
    if stale:
        out += ["", f"## stale entries of expected_differences.toml ({len(stale)})", ""]
        out += [f"- `{e.case}` ({e.aspect}, {e.kind}): {e.reason}" for e in stale]
    return "\n".join(out) + "\n"


def write(directory: Path, rows: list[Row], stale: list[Expected], about: dict) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "report.md").write_text(markdown(rows, stale, about))
    summary = {f: dict(c) for f, c in counts(rows).items()}
    (directory / "report.json").write_text(json.dumps({
        "about": about, "summary": summary, "rows": [r.as_dict() for r in rows],
        "stale": [vars(e) for e in stale]}, indent=1))
