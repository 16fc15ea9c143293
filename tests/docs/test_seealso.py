"""API pages render See Also as links, and an entry that links nowhere fails the build (-W)."""

from __future__ import annotations

import re

import minigluon.autograd

MODULES = ["minigluon.autograd", "minigluon.random"]


def test_see_also_links_and_a_dangling_entry_fails_the_build(tmp_path, monkeypatch,
                                                             docs_build) -> None:
    doc = minigluon.autograd.pause.__doc__
    assert "    record, predict_mode\n" in doc
    monkeypatch.setattr(minigluon.autograd.pause, "__doc__",
                        doc.replace("    record, predict_mode\n", "    record, no_such_thing\n"))
    build = docs_build(tmp_path, MODULES)
    assert build.status != 0
    warnings = build.warnings.splitlines()
    dangling = [w for w in warnings if "See Also entry" in w]
    assert len(dangling) == 1, build.warnings  # entries pointing outside the build are fine
    assert "'no_such_thing' does not link to an API page" in dangling[0]
    assert "minigluon.autograd.pause" in dangling[0]  # the page (docstring) it is on

    page = (build.html / "api" / "_autosummary" / "minigluon.autograd.record.html").read_text()
    see_also = re.search(r'<div class="admonition seealso">(.*?)</div>', page, re.S)
    assert see_also, "no See Also box on the page of autograd.record"
    assert 'href="minigluon.autograd.pause.html#minigluon.autograd.pause"' in see_also[1]
