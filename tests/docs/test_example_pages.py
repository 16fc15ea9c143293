"""Grouped example pages (docs/api/examples): each file is well formed and names an API page,
and a build turns it into the object's executed page (description, examples, members)."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest

minigluon_apipages = pytest.importorskip("minigluon_apipages")

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "docs" / "api" / minigluon_apipages.EXAMPLES

GOOD = """## Basic Examples

Why this call.

```{code-cell} ipython3
1 + 1
```

## Possible Issues

What goes wrong.
"""


def test_a_well_formed_file_has_no_problems():
    assert minigluon_apipages.check_example_file("minigluon.autograd.pause", GOOD) == []


@pytest.mark.parametrize("text, problem", [
    ("---\nx: 1\n---\n" + GOOD, "front matter"),
    ("# Title\n\n" + GOOD, "'#' title"),
    (GOOD.replace("## Possible Issues", "## Pitfalls"), "unknown sections ['Pitfalls']"),
    (GOOD.replace("## Possible Issues", "## Options"), "missing sections ['Possible Issues']"),
    ("## Possible Issues\n\n## Basic Examples\n", "out of order"),
])
def test_a_malformed_file_is_named_with_what_is_wrong(text, problem):
    problems = minigluon_apipages.check_example_file("minigluon.autograd.pause", text)
    assert any(problem in p for p in problems), problems


def test_every_example_file_in_the_docs_is_well_formed_and_names_an_api_page():
    modules = minigluon_apipages.PUBLIC_MODULES
    pages = {f"{m}.{n}" for m, names in minigluon_apipages.module_pages(modules).items()
             for n in names}
    files = minigluon_apipages.example_files(ROOT / "docs")
    assert files, "no grouped example pages"
    for name, path in files.items():
        assert name in pages, f"{path.name}: no API page is called {name}"
        text = path.read_text(encoding="utf-8")
        assert minigluon_apipages.check_example_file(name, text) == [], path.name
        # every result shown is checked: a page without a hidden assert cell checks nothing
        assert re.search(r":tags: \[remove-cell\]\n(?:.*\n)*?assert", text), \
            f"{path.name}: no hidden cell asserts what the page shows"


def test_the_page_shows_description_examples_then_the_members():
    from minigluon.gluon import nn

    text = minigluon_apipages.example_page_text("minigluon.gluon.nn.HybridSequential",
                                                nn.HybridSequential, "class", GOOD)
    assert text.startswith("---\nfile_format: mystnb\n")
    assert "\norphan: true\n" in text.split("---")[1]
    assert "# minigluon.gluon.nn.HybridSequential\n" in text
    description = text.index(".. autoclass:: HybridSequential")
    examples = text.index("## Basic Examples")
    members = text.index("## Members")
    assert description < examples < members
    assert ".. automethod:: HybridSequential.add\n" in text


def test_a_function_page_has_no_members_section():
    from minigluon import autograd

    text = minigluon_apipages.example_page_text("minigluon.autograd.pause", autograd.pause,
                                                "function", GOOD)
    assert ".. autofunction:: pause" in text and "## Members" not in text


def test_the_examples_replace_the_stub_and_a_stale_page_goes(tmp_path, monkeypatch):
    monkeypatch.setattr(minigluon_apipages, "PUBLIC_MODULES", ["minigluon.autograd"])
    stubs = tmp_path / "api" / minigluon_apipages.STUBS
    examples = tmp_path / "api" / minigluon_apipages.EXAMPLES
    stubs.mkdir(parents=True)
    examples.mkdir()
    (stubs / "minigluon.autograd.pause.rst").write_text("autosummary's stub\n")
    (stubs / "minigluon.autograd.gone.md").write_text("an old example page\n")
    (examples / "minigluon.autograd.pause.md").write_text(GOOD)
    minigluon_apipages.write_example_pages(SimpleNamespace(srcdir=tmp_path))
    assert not (stubs / "minigluon.autograd.pause.rst").exists()
    assert "## Basic Examples" in (stubs / "minigluon.autograd.pause.md").read_text()
    assert not (stubs / "minigluon.autograd.gone.md").exists()


def test_a_private_base_class_is_shown_as_its_public_ancestor():
    from minigluon.gluon import HybridBlock, nn

    bases = list(nn.HybridSequential.__bases__)
    assert any(b.__name__.startswith("_") for b in bases)  # else this test shows nothing
    minigluon_apipages.public_bases(None, "", nn.HybridSequential, None, bases)
    assert bases == [HybridBlock]


@pytest.mark.slow
def test_a_build_executes_the_examples_on_the_object_page(tmp_path, docs_copy, docs_sphinx):
    src = docs_copy(tmp_path, ["minigluon.autograd"])
    (src / "api" / "examples").mkdir(exist_ok=True)
    (src / "api" / "examples" / "minigluon.autograd.pause.md").write_text(
        GOOD.replace("1 + 1", "from minigluon import autograd\nprint(40 + 2)"))
    build = docs_sphinx(src, tmp_path / "html", ["minigluon.autograd"], execute=True)
    assert build.status == 0, build.warnings
    page = (tmp_path / "html" / "api" / "_autosummary" / "minigluon.autograd.pause.html")
    html = page.read_text()
    assert html.index("Possible Issues") > html.index("Basic Examples") > html.index("pause")
    assert re.search(r'class="output[^"]*"[^>]*>.*?42', html, re.S), "the cell did not run"
