"""Small real Sphinx builds (this checkout's conf.py, notebook execution off) for the tests of
the docs extensions in docs/_ext: a few API modules and guides instead of the whole site."""

from __future__ import annotations

import os
import shutil
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
if str(DOCS / "_ext") not in sys.path:
    sys.path.insert(0, str(DOCS / "_ext"))


@dataclass
class Build:
    status: int  # sphinx-build's exit status
    warnings: str  # everything it warned about
    src: Path
    html: Path


def build_docs(out: Path, modules: list[str], guides: tuple[str, ...] = (),
               strict: bool = True, execute: bool = False) -> Build:
    """Build the API pages of ``modules`` and the ``guides`` (docnames) into ``out/html``.

    ``strict`` adds ``-W --keep-going`` as ``nox -s docs`` does. The guides' notebooks run only
    with ``execute`` (``MINIGLUON_NB_EXECUTION_MODE=force``: no cache, seconds per guide).
    """
    pytest.importorskip("sphinx")
    pytest.importorskip("myst_nb")
    import minigluon_apipages
    from sphinx.cmd.build import build_main

    src = out / "docs"
    shutil.copytree(DOCS, src, ignore=shutil.ignore_patterns(
        "_autosummary", "jupyter_execute", "*.md", "minigluon*.rst"))
    for guide in guides:
        shutil.copy(DOCS / f"{guide}.md", src / f"{guide}.md")
    shutil.copy(DOCS / "api" / "index.md", src / "api")
    toctree = "\n".join([*guides, "api/index"])
    (src / "index.md").write_text(f"# Index\n\n```{{toctree}}\n{toctree}\n```\n")
    # minigluon_apipages rewrites these pages; they exist beforehand because autosummary
    # reads only pages that were listed (as in tests/search/conftest.py).
    for mod in modules:
        (src / "api" / f"{mod}.rst").write_text(f"{mod}\n{'=' * len(mod)}\n")
    log = out / "warnings.txt"
    args = ["-q", "-E", "-c", str(ROOT), "-b", "html", "-w", str(log)]
    if strict:
        args += ["-W", "--keep-going"]
    with pytest.MonkeyPatch.context() as mp, warnings.catch_warnings():
        warnings.simplefilter("default")  # Sphinx's own extensions warn about Sphinx 11
        mp.setattr(minigluon_apipages, "PUBLIC_MODULES", list(modules))
        mp.setenv("MINIGLUON_NB_EXECUTION_MODE", "force" if execute else "off")
        # kernels start in the docs folder: they import this checkout's minigluon by path
        mp.setenv("PYTHONPATH", os.pathsep.join(filter(None, [
            str(ROOT / "src"), str(ROOT), os.environ.get("PYTHONPATH")])))
        status = build_main([*args, str(src), str(out / "html")])
    return Build(status, log.read_text() if log.exists() else "", src, out / "html")


@pytest.fixture
def docs_build():
    """:func:`build_docs`, for tests (a conftest is not importable as a module)."""
    return build_docs
