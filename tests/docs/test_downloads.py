"""Guide downloads: the notebook and script converters, the files and links of a real build,
and a converted guide running as a plain script."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

minigluon_downloads = pytest.importorskip("minigluon_downloads")
nbformat = pytest.importorskip("nbformat")

ROOT = Path(__file__).resolve().parents[2]


def _notebook(*cells: dict) -> dict:
    return {"nbformat": 4, "nbformat_minor": 5, "cells": list(cells),
            "metadata": {"file_format": "mystnb", "source_map": [1, 2],
                         "kernelspec": {"name": "python3", "display_name": "Python 3",
                                        "language": "python"}}}


def _code(source: str, *tags: str) -> dict:
    return {"cell_type": "code", "id": f"c{abs(hash(source))}", "source": source,
            "metadata": {"tags": list(tags)} if tags else {}, "outputs": [],
            "execution_count": None}


def _markdown(source: str) -> dict:
    return {"cell_type": "markdown", "id": f"m{abs(hash(source))}", "source": source,
            "metadata": {}}


NOTEBOOK = _notebook(
    _markdown("# Title\n\nUse {py:func}`~minigluon.ndarray.relu` or {doc}`the guide <autograd>`."),
    _code("x = 1\nx"),
    _code("assert x == 1", "remove-cell"),
    _code("assert 'inline' in backend()", "remove-cell", "docs-only"),
    _code("raise ValueError('shown on the page')", "raises-exception"),
    _code("print('after the error', x)"),
)


def test_roles_become_code_spans() -> None:
    md = minigluon_downloads.plain_markdown
    assert md("see {py:func}`~minigluon.ndarray.relu`") == "see `relu`"
    assert md("{py:class}`gluon.nn.Dense`") == "`gluon.nn.Dense`"
    assert md("{doc}`the guide <autograd>`, `code`") == "`the guide`, `code`"


def test_notebook_keeps_the_guides_cells_and_drops_build_metadata() -> None:
    nb = minigluon_downloads.downloadable_notebook(NOTEBOOK)
    kept = [c for c in NOTEBOOK["cells"] if "docs-only" not in c["metadata"].get("tags", [])]
    assert [c["source"] for c in nb["cells"][1:]] == [c["source"] for c in kept[1:]]
    assert "source_map" not in nb["metadata"] and "kernelspec" in nb["metadata"]
    assert nb["cells"][0]["source"].endswith("Use `relu` or `the guide`.")
    nbformat.validate(nbformat.from_dict(nb))
    assert len(nb["cells"]) == 5 and len(NOTEBOOK["cells"]) == 6  # the original is intact


def test_script_is_prose_comments_and_runnable_code(tmp_path) -> None:
    script = minigluon_downloads.notebook_to_script(NOTEBOOK, "Title")
    assert "# %% [markdown]\n# # Title\n#\n# Use `relu` or `the guide`." in script
    assert "# %%\n# (hidden on the page: the guide's own check or setup)\nassert x == 1" in script
    assert "backend()" not in script
    assert "try:\n    raise ValueError('shown on the page')\nexcept Exception as error:" in script
    path = tmp_path / "guide.py"
    path.write_text(script)
    run = subprocess.run([sys.executable, str(path)], capture_output=True, text=True,
                         timeout=60)
    assert run.returncode == 0, run.stderr
    assert run.stdout == "ValueError: shown on the page\nafter the error 1\n"


@pytest.mark.slow
@pytest.mark.parametrize(("guide", "errors"), [("getting-started", 0), ("autograd", 2)])
def test_a_guide_converted_to_a_script_runs_with_python(tmp_path, guide, errors) -> None:
    from myst_nb.core.read import read_myst_markdown_notebook

    nb = read_myst_markdown_notebook((ROOT / "docs" / f"{guide}.md").read_text())
    path = tmp_path / f"{guide}.py"
    path.write_text(minigluon_downloads.notebook_to_script(nb, guide))
    env = {**os.environ, "MPLBACKEND": "Agg", "OPENBLAS_NUM_THREADS": "1",
           "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    run = subprocess.run([sys.executable, str(path)], capture_output=True, text=True,
                         timeout=300, cwd=tmp_path, env=env)
    assert run.returncode == 0, run.stderr  # hidden checks included: the results hold
    # the cells that fail on purpose printed their errors, and the script went on
    assert run.stdout.count("MXNetError: ") == errors, run.stdout


@pytest.mark.slow
def test_guide_pages_link_their_downloads_with_this_builds_outputs(tmp_path,
                                                                   docs_build) -> None:
    build = docs_build(tmp_path, ["minigluon.random"], guides=("autograd",), execute=True)
    assert build.status == 0, build.warnings
    page = (build.html / "autograd.html").read_text()
    assert '<a href="downloads/autograd.ipynb" download>' in page
    assert '<a href="downloads/autograd.py" download>' in page
    assert 'class="minigluon-downloads"' not in (build.html / "index.html").read_text()

    nb = json.loads((build.html / "downloads" / "autograd.ipynb").read_text())
    nbformat.validate(nbformat.from_dict(nb))
    outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c["outputs"]]
    assert any("image/png" in o.get("data", {}) for o in outputs)  # the plot, computed here
    assert any(o["output_type"] == "error" for o in outputs)  # the raises-exception cells
    script = (build.html / "downloads" / "autograd.py").read_text()
    compile(script, "autograd.py", "exec")
    assert script.startswith("# Automatic differentiation\n")


@pytest.mark.slow
def test_a_guide_with_cached_outputs_downloads_with_them(tmp_path, docs_copy,
                                                        docs_sphinx) -> None:
    """The second build takes the outputs from the cache, where myst-nb leaves its notebook
    without them."""
    src = docs_copy(tmp_path, ["minigluon.random"], ("autograd",))
    for fresh in (True, False):
        if not fresh:  # the guide is read again, from the cache
            (src / "autograd.md").write_text((src / "autograd.md").read_text() + "\nMore.\n")
        build = docs_sphinx(src, tmp_path / "html", ["minigluon.random"], fresh=fresh,
                            cache=tmp_path / "cache")
        assert build.status == 0, build.warnings
        nb = json.loads((build.html / "downloads" / "autograd.ipynb").read_text())
        outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c["outputs"]]
        assert any("image/png" in o.get("data", {}) for o in outputs), fresh
        assert any(o["output_type"] == "error" for o in outputs), fresh
