"""API pages: written only when their text changes, and stale ones removed."""

from __future__ import annotations

import os
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
