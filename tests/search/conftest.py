"""Fixtures: one search index of this checkout's docs, built once per test session; a small
real Sphinx build; headless Chromium.

The index is built from the same records the docs build indexes, collected without Sphinx
(search.sources: the public API and the MyST pages); test_collect.py checks that this
collection agrees with the one from a real Sphinx build.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
# The search package lives at the repository root, which pytest does not put on sys.path
# by itself (pyproject's pythonpath could; see the report of the search issue).
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402

from search.index import write_index  # noqa: E402
from search.query import SearchEngine  # noqa: E402
from search.sources import source_records  # noqa: E402


@pytest.fixture(scope="session")
def docs_records():
    return source_records(DOCS)


@pytest.fixture(scope="session")
def docs_index(tmp_path_factory, docs_records) -> Path:
    return write_index(docs_records, tmp_path_factory.mktemp("search") / "search-index")


@pytest.fixture(scope="session")
def engine(docs_index):
    with SearchEngine(docs_index) as e:
        yield e


#: The API modules and guide of the small real Sphinx build below.
SITE_MODULES = ["minigluon.autograd", "minigluon.random"]


@pytest.fixture(scope="session")
def sphinx_site(tmp_path_factory) -> dict:
    """A real Sphinx build (conf.py, notebook execution off) of two API modules and the
    autograd guide, with the search index its build-finished hook wrote. ~10 s."""
    pytest.importorskip("sphinx")
    pytest.importorskip("myst_nb")
    import warnings

    from sphinx.cmd.build import build_main

    sys.path.insert(0, str(DOCS / "_ext"))
    import minigluon_apipages

    out = tmp_path_factory.mktemp("sphinx-site")
    src = out / "docs"
    shutil.copytree(DOCS, src, ignore=shutil.ignore_patterns(
        "_autosummary", "jupyter_execute", "*.md", "minigluon*.rst"))
    shutil.copy(DOCS / "autograd.md", src)
    shutil.copy(DOCS / "api" / "index.md", src / "api")
    (src / "index.md").write_text("# Index\n\n```{toctree}\nautograd\napi/index\n```\n")
    # minigluon_apipages writes these at builder-inited, after Sphinx listed the sources;
    # autosummary only reads pages that were listed (on a clean clone too: see the report).
    for mod in SITE_MODULES:
        (src / "api" / f"{mod}.rst").write_text(f"{mod}\n{'=' * len(mod)}\n")
    with pytest.MonkeyPatch.context() as mp, warnings.catch_warnings():
        warnings.simplefilter("default")  # Sphinx's own extensions warn about Sphinx 11
        mp.setattr(minigluon_apipages, "PUBLIC_MODULES", SITE_MODULES)
        mp.setenv("MINIGLUON_NB_EXECUTION_MODE", "off")
        status = build_main(["-q", "-E", "-c", str(ROOT), "-b", "html", str(src),
                             str(out / "html")])
    assert status == 0, "the Sphinx build of the small site failed"
    return {"src": src, "html": out / "html", "index": out / "search-index",
            "modules": SITE_MODULES}
