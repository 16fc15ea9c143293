"""Search records without a Sphinx build: the API from ``minigluon._api``, sections from MyST.

The docs page "Searching these docs" runs while Sphinx is still reading pages, before the real
index exists, and the quality tests should not need a docs toolchain; both use this module.
It reproduces the URLs the docs build writes (``docs/_ext/minigluon_apipages.py`` plus
autosummary, and docutils' section ids); ``tests/search/test_collect.py`` checks that it
agrees with :func:`search.collect.collect` on a real Sphinx build.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

from .collect import PAGE_ONLY, Record, api_record, first_sentence
from .text import strip_markup

__all__ = ["api_records", "page_records", "source_records", "docutils_id"]


def api_records(modules: list[str] | None = None) -> list[Record]:
    """A record per public object, with the URL of its autosummary page and anchor."""
    from minigluon._api import public_objects

    records = []
    for api in public_objects(modules):
        if api.kind == "module":
            url = f"api/{api.name}.html#module-{api.name}"
        elif api.name.count(".") == api.module.count(".") + 1:
            url = f"api/_autosummary/{api.name}.html#{api.name}"
        else:  # a method or property, documented on its class's page
            url = f"api/_autosummary/{api.name.rsplit('.', 1)[0]}.html#{api.name}"
        kind = api.kind
        if kind == "class" and isinstance(api.obj, type) and issubclass(api.obj, BaseException):
            kind = "exception"  # what autodoc calls it
        records.append(api_record(api.name, kind, url))
    return records


def source_records(docs_dir: Path | str, modules: list[str] | None = None,
                   used_in: Mapping[str, Sequence[str]] | None = None) -> list[Record]:
    """The API and every section of the MyST pages under ``docs_dir``.

    Which sections use which object is known only from executing the pages, which this
    module does not do: ``used_in`` (object name -> section URLs) supplies it, for example
    :func:`search.index.read_used_in` of the last docs build's index. Without it the records
    have no "Used in", so results do not depend on whether a build happens to exist.
    """
    records = api_records(modules)
    pages = list(page_records(docs_dir))
    if used_in:
        known = {r.url for r in pages}
        for r in records:
            r.used_in = tuple(u for u in used_in.get(r.name, ()) if u in known)
    return records + pages


def page_records(docs_dir: Path | str) -> Iterator[Record]:
    root = Path(docs_dir)
    for path in sorted(root.rglob("*.md")):
        docname = path.relative_to(root).with_suffix("").as_posix()
        # api/ holds generated .rst pages (objects, not sections) and api/index.md, a page
        if docname.startswith(("_", "jupyter_execute/")) or "/_" in docname:
            continue
        # api/examples: grouped examples, read as part of their object's page (not sections)
        if docname.startswith("api/examples/"):
            continue
        records = _sections(path.read_text(encoding="utf-8"), f"{docname}.html")
        yield from (r for r in records if docname not in PAGE_ONLY or r.kind == "page")


_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^(`{3,}|~{3,}|:{3,})\s*(\{[^}]*\})?\s*(.*)$")
# Directive bodies that are not prose: page structure, raw markup, generated tables.
_SKIP_DIRECTIVES = {"{toctree}", "{eval-rst}", "{raw}", "{autosummary}", "{include}",
                    "{literalinclude}", "{image}", "{figure}", "{math}", "{glue}"}
_LIST_MARKER = re.compile(r"^\s*(?:\d+[.)]|[-*+])\s+")
_HIDDEN_TAGS = ("remove-cell", "remove-input")


def _sections(source: str, page: str) -> Iterator[Record]:
    lines = _without_front_matter(source.splitlines())
    stack: list[tuple[int, str]] = []  # (level, title) of the enclosing headings
    used: set[str] = set()
    current: dict | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        fence = _FENCE.match(line)
        if fence:
            body, i = _fenced_block(lines, i, fence.group(1))
            if current is not None:
                _add_block(current, fence.group(2) or "", fence.group(3), body)
            continue
        heading = _HEADING.match(line)
        if heading:
            if current is not None:
                yield _record(current, page)
            level, title = len(heading.group(1)), strip_markup(heading.group(2))
            while stack and stack[-1][0] >= level:
                stack.pop()
            stack.append((level, title))
            anchor = _unique(docutils_id(title), used)
            current = {"titles": [t for _, t in stack], "anchor": anchor, "prose": [],
                       "code": []}
        elif current is not None and line.strip() and not line.startswith(("(", "%")):
            # skipped: "(label)=" targets and "%" comments; list markers are not words
            current["prose"].append(strip_markup(_LIST_MARKER.sub("", line)))
        i += 1
    if current is not None:
        yield _record(current, page)


def _record(section: dict, page: str) -> Record:
    titles = section["titles"]
    prose = "\n".join(section["prose"])
    top = len(titles) == 1
    return Record(name=titles[-1], kind="page" if top else "section", source="page",
                  url=page if top else f"{page}#{section['anchor']}",
                  path=" > ".join(titles), summary=first_sentence(prose), text=prose,
                  code="\n".join(section["code"]))


def _without_front_matter(lines: list[str]) -> list[str]:
    if lines and lines[0].strip() == "---":
        for j in range(1, len(lines)):
            if lines[j].strip() == "---":
                return lines[j + 1:]
    return lines


def _fenced_block(lines: list[str], start: int, marker: str) -> tuple[list[str], int]:
    """Lines inside the fence opened at ``start`` and the index after its closing fence."""
    char, width = marker[0], len(marker)
    body = []
    j = start + 1
    while j < len(lines):
        stripped = lines[j].strip()
        if stripped and set(stripped) == {char} and len(stripped) >= width:
            return body, j + 1
        body.append(lines[j])
        j += 1
    return body, j


def _add_block(section: dict, directive: str, argument: str, body: list[str]) -> None:
    options, content = _split_options(body)
    if directive == "{code-cell}":
        if not any(tag in options for tag in _HIDDEN_TAGS):
            section["code"].append("\n".join(content))
    elif directive in _SKIP_DIRECTIVES:
        return
    elif directive:  # admonitions and other prose directives
        section["prose"] += [strip_markup(x) for x in [argument, *content] if x.strip()]
    else:  # a plain code fence
        section["code"].append("\n".join(content))


def _split_options(body: list[str]) -> tuple[str, list[str]]:
    """A directive's option lines (``:tags: [...]`` or a ``---`` YAML block) and content."""
    if body and body[0].strip() == "---":
        for j in range(1, len(body)):
            if body[j].strip() == "---":
                return "\n".join(body[1:j]), body[j + 1:]
    j = 0
    while j < len(body) and body[j].startswith(":"):
        j += 1
    return "\n".join(body[:j]), body[j:]


def docutils_id(title: str) -> str:
    """The id docutils gives a section titled ``title`` (``docutils.nodes.make_id``)."""
    text = unicodedata.normalize("NFKD", title.lower()).encode("ascii", "ignore").decode()
    text = re.sub(r"[^a-z0-9]+", "-", " ".join(text.split()))
    return re.sub(r"^[-0-9]+|-+$", "", text)


def _unique(anchor: str, used: set[str]) -> str:
    # docutils numbers a repeated id ("id1", "id2", ...) document-wide; sections rarely repeat
    # a title, and the agreement test would catch a page where this differs.
    candidate, n = anchor, 0
    while candidate in used:
        n += 1
        candidate = f"id{n}"
    used.add(candidate)
    return candidate

