"""Small real Sphinx builds of this checkout's docs for the tests of docs/_ext.

``build_docs`` builds a few API modules and guides (notebook execution off unless asked);
``copy_docs`` and ``sphinx_build`` are its two halves, for tests that edit pages or build again;
``usage_site`` is a small build with three guides executed, a page of links and a few API
objects, built twice (clean, then from the cache with one recording deleted, and indexed).
"""

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
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
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
    return sphinx_build(copy_docs(out, modules, guides), out / "html", modules, strict=strict,
                        execute=execute)


def copy_docs(out: Path, modules: list[str], guides: tuple[str, ...] = ()) -> Path:
    """``out/docs``: the docs folder with the ``guides`` as its pages and the API pages of
    ``modules`` (written by minigluon_apipages when the build starts)."""
    pytest.importorskip("sphinx")
    pytest.importorskip("myst_nb")
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
    return src


def sphinx_build(src: Path, html: Path, modules: list[str], strict: bool = True,
                 execute: bool = False, fresh: bool = True, cache: Path | None = None) -> Build:
    """Build ``src`` into ``html`` (the search index goes next to it) as :func:`build_docs`.

    ``fresh`` (``-E``) reads every page; without it the build is incremental, as a second
    ``nox -s docs``. With ``cache`` the notebooks run in jupyter-cache's "cache" mode with
    that cache (kept apart from build/), instead of ``execute``'s "force".
    """
    import minigluon_apipages
    from sphinx.cmd.build import build_main

    log = html.parent / "warnings.txt"
    args = ["-q", "-c", str(ROOT), "-b", "html", "-w", str(log)]
    if fresh:
        args.append("-E")
    if strict:
        args += ["-W", "--keep-going"]
    mode = "cache" if cache is not None else "force" if execute else "off"
    if cache is not None:
        args += ["-D", f"nb_execution_cache_path={cache}"]
    with pytest.MonkeyPatch.context() as mp, warnings.catch_warnings():
        warnings.simplefilter("default")  # Sphinx's own extensions warn about Sphinx 11
        mp.setattr(minigluon_apipages, "PUBLIC_MODULES", list(modules))
        mp.setenv("MINIGLUON_NB_EXECUTION_MODE", mode)
        # kernels start in the docs folder: they import this checkout's minigluon by path
        mp.setenv("PYTHONPATH", os.pathsep.join(filter(None, [
            str(ROOT / "src"), str(ROOT), os.environ.get("PYTHONPATH")])))
        status = build_main([*args, str(src), str(html)])
    return Build(status, log.read_text() if log.exists() else "", src, html)


@pytest.fixture
def docs_build():
    """:func:`build_docs`, for tests (a conftest is not importable as a module)."""
    return build_docs


@pytest.fixture(scope="session")
def api_site(tmp_path_factory) -> Build:
    """:func:`build_docs` of two API modules and the autograd guide (not executed). ~3 s."""
    return build_docs(tmp_path_factory.mktemp("api-site"),
                      ["minigluon.autograd", "minigluon.random"], guides=("autograd",))


@pytest.fixture
def docs_copy():
    """:func:`copy_docs`, for tests that edit the pages before building."""
    return copy_docs


@pytest.fixture
def docs_sphinx():
    """:func:`sphinx_build`, for tests that build a folder more than once."""
    return sphinx_build


#: Guides of the small site (short ones: each runs in a few seconds).
GUIDES = ["blocks", "hybridize", "autograd"]
#: The API objects it documents (a few, not whole modules: autodoc is most of a build's time).
OBJECTS = ["minigluon.gluon.nn.HybridSequential", "minigluon.gluon.nn.Dense",
           "minigluon.gluon.nn.Conv3DTranspose", "minigluon.gluon.Block",
           "minigluon.gluon.HybridBlock", "minigluon.autograd.record",
           "minigluon.autograd.grad"]

LINKS_PAGE = """\
# Links and `nn.Dense`

A title does not link: the first mention is this one, `nn.Dense(4)`, not the next, `Dense`.
[A link to `autograd.grad`](https://example.org) stays as written, so `autograd.grad`
after it is the first mention. An explicit role such as {py:func}`minigluon.autograd.record`
counts as the first mention: `autograd.record()` stays plain.

A variable's method, `net.collect_params()`, names the one public method of that name;
`hybridize()` is ambiguous (Block's and HybridBlock's), `F.relu` is a namespace parameter
and `no_such_name` names nothing.
"""


def build(src: Path, out: Path, cache: Path, index: Path | None = None) -> tuple[int, str]:
    """Build ``src`` into ``out`` with conf.py, executing notebooks with ``cache``; write
    the search index to ``index`` (None: no index)."""
    from io import StringIO

    from sphinx.cmd.build import build_main

    sys.path.insert(0, str(DOCS / "_ext"))
    import minigluon_apipages

    log = StringIO()
    with pytest.MonkeyPatch.context() as mp, warnings.catch_warnings():
        warnings.simplefilter("default")  # Sphinx's own extensions warn about Sphinx 11
        mp.setattr(minigluon_apipages, "PUBLIC_MODULES", [])  # api/objects.rst instead
        mp.delenv("MINIGLUON_NB_EXECUTION_MODE", raising=False)  # the default: cache
        # the kernels run in the docs directory: they need this checkout's src/ absolutely
        mp.setenv("PYTHONPATH", os.pathsep.join([str(ROOT / "src"), str(ROOT)]))
        mp.setattr(sys, "stdout", log)
        status = build_main(["-E", "-c", str(ROOT), "-b", "html",
                             "-D", f"nb_execution_cache_path={cache}",
                             "-D", f"minigluon_search_enabled={int(index is not None)}",
                             "-D", f"minigluon_search_index_dir={index or ''}",
                             str(src), str(out)])
    return status, log.getvalue()


@pytest.fixture(scope="session")
def usage_site(tmp_path_factory) -> dict:
    """Built twice: ``first`` (clean clone: every guide runs) and ``second`` (outputs from
    the cache, except blocks, whose recording was deleted in between). ~30 s."""
    pytest.importorskip("myst_nb")
    out = tmp_path_factory.mktemp("usage-site")
    src = out / "docs"
    shutil.copytree(DOCS, src, ignore=shutil.ignore_patterns(
        "_autosummary", "jupyter_execute", "*.md", "minigluon*.rst"))
    for guide in GUIDES:
        shutil.copy(DOCS / f"{guide}.md", src)
    (src / "links.md").write_text(LINKS_PAGE)
    (src / "api" / "objects.rst").write_text(
        "API objects\n===========\n\n.. autosummary::\n   :toctree: _autosummary\n\n"
        + "".join(f"   {name}\n" for name in OBJECTS))
    # a module page's "Guides" list (minigluon_apipages writes it on every module page)
    (src / "api" / "modules.rst").write_text(
        "Modules\n=======\n\n.. minigluon-used-in:: minigluon.gluon.nn\n   :module:\n\n"
        ".. minigluon-used-in:: minigluon.io\n   :module:\n")
    (src / "index.md").write_text("# Index\n\n```{toctree}\n"
                                  + "\n".join([*GUIDES, "links", "api/objects", "api/modules"])
                                  + "\n```\n")
    cache = out / "jupyter-cache"
    first = build(src, out / "html-1", cache)
    recordings = recordings_by_page(cache)
    recordings["blocks"].unlink()
    second = build(src, out / "html-2", cache, index=out / "search-index")
    return {"first": first, "second": second, "html": [out / "html-1", out / "html-2"],
            "recordings": recordings, "index": out / "search-index"}


def recordings_by_page(cache: Path) -> dict[str, Path]:
    """Guide name -> its recording, through jupyter-cache's records (source path, hash)."""
    from jupyter_cache import get_cache

    return {Path(r.uri).stem: cache / "minigluon-usage" / f"{r.hashkey}.json"
            for r in get_cache(str(cache)).list_cache_records()}
