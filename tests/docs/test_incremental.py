"""Incremental builds (``nox -s docs`` without ``--clean``): a build reads and writes only what
changed, a changed guide shows, the search index keeps every page, every page's navigation
follows the guides, links between guides are checked again, a warning keeps failing the build
until it is fixed, and "Used in" lists follow a guide whose code changed."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

MODULES = ["minigluon.random"]  # the smallest module: two objects


def mtimes(html: Path) -> dict[str, int]:
    """Every page's mtime, except those Sphinx writes on every build (indices, search)."""
    always = {"genindex.html", "search.html", "py-modindex.html", "_modules/index.html"}
    return {name: p.stat().st_mtime_ns for p in html.rglob("*.html")
            if (name := str(p.relative_to(html))) not in always}


def index_id(html: Path) -> str:
    from search.index import MARKER

    return json.loads((html.parent / "search-index" / MARKER).read_text())["id"]


def index_size(html: Path) -> int:
    from search.index import open_index

    opened = open_index(html.parent / "search-index")
    try:
        return opened.doc_count
    finally:
        opened.close()


@pytest.fixture
def built(tmp_path, docs_copy, docs_sphinx):
    """A clean strict build of one module and the autograd guide (not executed), and a
    function building it again incrementally."""
    src = docs_copy(tmp_path, MODULES, ("autograd",))
    first = docs_sphinx(src, tmp_path / "html", MODULES)
    assert first.status == 0, first.warnings

    def again():
        return docs_sphinx(src, tmp_path / "html", MODULES, fresh=False)

    return first, again


def test_a_build_with_nothing_changed_writes_nothing(built):
    first, again = built
    pages, index = mtimes(first.html), index_id(first.html)
    sources = {p: p.stat().st_mtime_ns for p in (first.src / "api").rglob("*.rst")}
    second = again()
    assert second.status == 0 and second.warnings == ""
    assert mtimes(first.html) == pages
    assert {p: p.stat().st_mtime_ns for p in sources} == sources  # generated API pages too
    assert index_id(first.html) == index  # the index was not written again


def test_a_changed_guide_is_written_and_indexed_and_nothing_else(built):
    from search.query import SearchEngine

    first, again = built
    pages, index, records = mtimes(first.html), index_id(first.html), index_size(first.html)
    guide = first.src / "autograd.md"
    guide.write_text(guide.read_text() + "\nA sentence about zanzibarian gradients.\n")
    second = again()
    assert second.status == 0, second.warnings
    assert "zanzibarian" in (first.html / "autograd.html").read_text()
    now = mtimes(first.html)
    # the hand-written pages (their links into the guide are checked again), no API page
    assert {p for p in pages if now[p] != pages[p]} <= {"autograd.html", "index.html",
                                                        "api/index.html"}
    assert now["autograd.html"] != pages["autograd.html"]
    assert index_id(first.html) != index
    assert index_size(first.html) == records  # every page and object, not only the guide
    with SearchEngine(first.html.parent / "search-index") as engine:
        assert engine.search("zanzibarian").results[0]["url"].startswith("autograd.html")


def test_every_page_shows_a_guide_added_or_retitled(built):
    first, again = built
    pages = ["autograd.html", "api/minigluon.random.html",
             "api/_autosummary/minigluon.random.seed.html"]
    (first.src / "extra.md").write_text("# An extra guide\n\nText.\n")
    (first.src / "index.md").write_text(
        "# Index\n\n```{toctree}\nautograd\nextra\napi/index\n```\n")
    assert again().status == 0
    assert all("An extra guide" in (first.html / page).read_text() for page in pages)
    (first.src / "extra.md").write_text("# A retitled guide\n\nText.\n")
    assert again().status == 0
    assert all("A retitled guide" in (first.html / page).read_text() for page in pages)
    written = mtimes(first.html)
    assert again().status == 0
    assert mtimes(first.html) == written  # and no more once it is shown


def test_a_link_into_a_section_that_is_gone_fails_the_build(built):
    first, again = built
    guide = first.src / "autograd.md"
    (first.src / "extra.md").write_text("# Extra\n\n## A section\n\nText.\n")
    (first.src / "index.md").write_text(
        "# Index\n\n```{toctree}\nautograd\nextra\napi/index\n```\n")
    guide.write_text(guide.read_text() + "\nSee [a section](extra.md#a-section).\n")
    assert again().status == 0
    (first.src / "extra.md").write_text("# Extra\n\n## Another section\n\nText.\n")
    broken = again()  # autograd.md itself did not change
    assert broken.status != 0 and "autograd.md" in broken.warnings
    assert "a-section" in broken.warnings


@pytest.mark.parametrize("problem, message", [
    (":::{no-such-directive}\n:::\n", "Unknown directive type"),  # said while reading
    ("See {doc}`no-such-page`.\n", "unknown document"),  # said while writing (resolving)
], ids=["reading", "writing"])
def test_a_warning_fails_every_build_until_it_is_fixed(built, problem, message):
    first, again = built
    guide = first.src / "autograd.md"
    fine = guide.read_text()
    guide.write_text(fine + "\n" + problem)
    for _ in range(2):  # the second build has nothing new to read: the page is read again
        broken = again()
        assert broken.status != 0
        assert message in broken.warnings and "autograd.md" in broken.warnings
    guide.write_text(fine)
    for _ in range(2):
        fixed = again()
        assert fixed.status == 0 and fixed.warnings == ""


CALLS = """\
---
file_format: mystnb
kernelspec:
  name: python3
  display_name: Python 3
---

# Calls

```{{code-cell}} ipython3
from minigluon import autograd
autograd.{name}()
```
"""


def used_in(html: Path, name: str) -> bool:
    page = (html / "api" / "_autosummary" / f"minigluon.autograd.{name}.html").read_text()
    return "minigluon-used-in" in page and 'href="../../calls.html"' in page


@pytest.mark.slow
def test_used_in_lists_follow_a_guide_whose_code_changed(tmp_path, docs_copy, docs_sphinx):
    """Runs a one-cell guide twice (~10 s)."""
    modules = ["minigluon.autograd"]
    src = docs_copy(tmp_path, modules)
    (src / "calls.md").write_text(CALLS.format(name="is_recording"))
    (src / "index.md").write_text("# Index\n\n```{toctree}\ncalls\napi/index\n```\n")

    def build(fresh: bool):
        done = docs_sphinx(src, tmp_path / "html", modules, fresh=fresh, cache=tmp_path / "cache")
        assert done.status == 0, done.warnings
        return done.html

    html = build(fresh=True)
    assert used_in(html, "is_recording") and not used_in(html, "is_training")
    pages = mtimes(html)
    (src / "calls.md").write_text(CALLS.format(name="is_training"))
    html = build(fresh=False)
    assert used_in(html, "is_training") and not used_in(html, "is_recording")
    now = mtimes(html)
    written = {p for p in pages if now[p] != pages[p]}
    # the guide, the two API pages whose lists changed (and the other hand-written pages)
    assert {"calls.html", "api/_autosummary/minigluon.autograd.is_recording.html",
            "api/_autosummary/minigluon.autograd.is_training.html"} <= written
    assert written <= {"calls.html", "index.html", "api/index.html",
                       "api/_autosummary/minigluon.autograd.is_recording.html",
                       "api/_autosummary/minigluon.autograd.is_training.html"}
