"""API pages: written only when their text changes, stale ones removed, and the object pages
linked from their module page's table but kept out of the site's navigation."""

from __future__ import annotations

import os
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

minigluon_apipages = pytest.importorskip("minigluon_apipages")

MODULES = ["minigluon.autograd", "minigluon.random"]
LONG_AGO = 1_000_000_000 * 10**9  # 2001, in ns: any write after it shows in the mtime


def write_pages(srcdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(minigluon_apipages, "PUBLIC_MODULES", MODULES)
    minigluon_apipages.write_module_pages(SimpleNamespace(srcdir=srcdir))


def test_unchanged_module_pages_are_not_written_again(tmp_path, monkeypatch):
    (tmp_path / "api").mkdir()
    write_pages(tmp_path, monkeypatch)
    pages = sorted((tmp_path / "api").glob("*.rst"))
    assert [p.name for p in pages] == ["minigluon.autograd.rst", "minigluon.random.rst"]
    for page in pages:
        os.utime(page, ns=(LONG_AGO, LONG_AGO))
    write_pages(tmp_path, monkeypatch)
    # a newer file would be read again by Sphinx, and so would every page after it
    assert [p.stat().st_mtime_ns for p in pages] == [LONG_AGO] * len(pages)


def test_a_changed_module_page_is_written(tmp_path, monkeypatch):
    (tmp_path / "api").mkdir()
    page = tmp_path / "api" / "minigluon.random.rst"
    page.write_text("minigluon.random\n================\n")  # what a test build starts with
    write_pages(tmp_path, monkeypatch)
    assert "   seed\n" in page.read_text()


def test_pages_of_removed_modules_and_objects_are_deleted_and_no_others(tmp_path, monkeypatch):
    api = tmp_path / "api"
    stubs = api / minigluon_apipages.STUBS
    stubs.mkdir(parents=True)
    (api / "index.md").write_text("# API\n")
    kept = stubs / "minigluon.autograd.grad.rst"
    kept.write_text("autosummary's stub\n")
    gone = [api / "minigluon.gone.rst", stubs / "minigluon.autograd.gone.rst"]
    for path in gone:
        path.write_text("x\n")
    write_pages(tmp_path, monkeypatch)
    assert [path for path in gone if path.exists()] == []
    assert kept.read_text() == "autosummary's stub\n"  # autosummary's to update
    assert (api / "index.md").exists()


# -- in a real build (api_site: conftest.py) ------------------------------------------------

def sidebar(page: Path) -> str:
    html = page.read_text()
    start = html.index('<div class="sidebar-tree">')
    return html[start:html.index("</div>", start)]


def test_the_build_passes_strict_without_toctree_warnings(api_site):
    assert api_site.status == 0, api_site.warnings
    assert "toctree" not in api_site.warnings


def test_autosummary_writes_exactly_the_stubs_the_module_pages_list(api_site):
    pages = minigluon_apipages.module_pages(MODULES)
    expected = {f"{module}.{name}" for module, names in pages.items() for name in names}
    written = {p.stem for p in (api_site.src / "api" / minigluon_apipages.STUBS).glob("*.rst")}
    # one more or less and every build would delete and write a page again (and read it)
    assert written == expected


def test_every_object_page_is_linked_from_its_module_page(api_site):
    for module in MODULES:
        html = (api_site.html / "api" / f"{module}.html").read_text()
        article = html[html.index("<article"):html.index("</article>")]
        linked = set(re.findall(r'href="_autosummary/([\w.]+)\.html#\1"', article))
        stubs = {p.stem for p in (api_site.src / "api" / "_autosummary").glob(f"{module}.*.rst")}
        assert stubs and linked == stubs


def test_module_pages_are_in_the_navigation_and_object_pages_are_not(api_site):
    pages = [api_site.html / "index.html", api_site.html / "autograd.html",
             api_site.html / "api" / "minigluon.random.html",
             api_site.html / "api" / "_autosummary" / "minigluon.autograd.grad.html"]
    for page in pages:
        nav = sidebar(page)
        assert ">minigluon.autograd</a>" in nav and ">minigluon.random</a>" in nav, page
        assert "_autosummary" not in nav, page


def test_generated_pages_have_no_source_copy(api_site):
    sources = api_site.html / "_sources"
    assert (sources / "autograd.md.txt").exists() and (sources / "api" / "index.md.txt").exists()
    assert list((sources / "api").glob("minigluon*")) == []
    assert not (sources / "api" / "_autosummary").exists()
    grad = (api_site.html / "api" / "_autosummary" / "minigluon.autograd.grad.html").read_text()
    assert "_sources/" not in grad
