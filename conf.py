"""Sphinx configuration: MyST notebooks executed at build time, API pages from the registry.

Build with ``nox -s docs`` (incremental: ``sphinx-build -c . -W --keep-going -b html docs
build/html``), or ``nox -s docs -- --clean`` (every page again, ``-E``; what CI runs).
"""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

from sphinx.application import Sphinx

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "docs" / "_ext"))
sys.path.insert(0, str(ROOT))  # the search package (sphinx hook)

from minigluon_cachekeys import docs_code_key, execution_key  # noqa: E402

from minigluon import __version__  # noqa: E402

project = "minigluon"
author = "the minigluon developers"
copyright = "2026, the minigluon developers"
# The version on every page: in the title (sidebar, browser tab) and in each page's footer
# with the build's date and commit (minigluon_buildinfo, docs/_templates/page.html).
version = release = __version__

extensions = [
    "myst_nb",
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.napoleon",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "minigluon_apipages",  # API pages written from minigluon._api
    "minigluon_examplecheck",  # every docstring example runs; a changed output is a warning
    "minigluon_seealso",  # a See Also entry that links nowhere is a warning
    "minigluon_downloads",  # each guide as .ipynb (with this build's outputs) and .py
    "minigluon_usage",  # "Used in": the calls each executed guide cell makes (see below)
    "minigluon_apilinks",  # a guide's first mention of an object links to its API entry
    "minigluon_errors",  # an intended error: the reader's frames and the message; the rest folded
    "minigluon_numbers",  # a number a guide's prose quotes must come from its cells
    "minigluon_figures",  # every figure has a caption and alt text
    "search.sphinx_ext",  # the search index, when the build finishes
    "minigluon_warnings",  # an incremental build reads again the pages that warned last time
    "minigluon_incremental",  # ... and writes again the pages that show what changed
    "sphinx_copybutton",  # a copy button on code: prompts and outputs left out (below)
    "minigluon_buildinfo",  # "minigluon <version> · built <date> from <commit>" on every page
    "minigluon_apiindex",  # api/summary: every public object with its one-line summary
]

templates_path = [str(ROOT / "docs" / "_templates")]  # absolute: autosummary reads it too
html_static_path = ["docs/_static"]
# search.js: the search box uses `nox -s serve`'s search API; live.js: Edit/Run on its kernels;
# minigluon-outputs.*: output boxes wrap long lines instead of cutting them off;
# zoom.js: zoom and pan on figures with the class mg-zoom (the network diagrams)
html_js_files = ["search.js", "live.js", "minigluon-outputs.js", "zoom.js"]
html_css_files = ["search.css", "live.css", "minigluon-outputs.css", "zoom.css"]
# api/examples: the grouped examples, pages only inside their object's page (minigluon_apipages)
exclude_patterns = ["_build", "_templates", "_ext", "**.ipynb_checkpoints", "jupyter_execute",
                    "api/examples"]
html_theme = "furo"
html_title = f"minigluon {release}"
suppress_warnings = ["myst.header"]

# -- copy buttons (sphinx-copybutton) ----------------------------------------------------------
# On guide cells and docstring examples alike. A block with prompts (`>>> `, `... `, `$ `,
# IPython's) copies only its prompt lines, prompts stripped, so outputs and tracebacks stay
# behind; a block without (a code cell) copies whole. Prompt and output spans are not excluded
# by class: a removed output would leave a blank line, and a removed prompt would hide which
# lines are code. Output boxes get no button: nobody pastes an output.
copybutton_selector = "div:not(.output) > div.highlight pre"
copybutton_prompt_text = r">>> |\.\.\. |\.\.\.$|\$ |In \[\d*\]: | {2,5}\.\.\.: "
copybutton_prompt_is_regexp = True
copybutton_only_copy_prompt_lines = True
copybutton_exclude = ".linenos"

# -- API reference: autosummary stubs for every public object (see docs/_ext) -------------
autosummary_generate = True
autosummary_imported_members = True
autodoc_typehints = "description"
autodoc_typehints_format = "short"
napoleon_google_docstring = False
napoleon_numpy_docstring = True
napoleon_use_rtype = False
trim_doctest_flags = True  # hide <BLANKLINE> and doctest flags on the rendered pages

# -- executed pages ------------------------------------------------------------------------------
# Executed outputs are cached per library version, execution setup and numeric code path.
_CACHE_ROOT = ROOT / "build" / ".jupyter_cache"
_CACHE = _CACHE_ROOT / execution_key(ROOT)
if _CACHE_ROOT.exists():
    for stale in _CACHE_ROOT.iterdir():
        if stale != _CACHE:
            shutil.rmtree(stale, ignore_errors=True)

nb_execution_mode = os.environ.get("MINIGLUON_NB_EXECUTION_MODE", "cache")
nb_execution_cache_path = str(_CACHE)
nb_execution_raise_on_error = True
nb_execution_allow_errors = False  # a cell may raise only if tagged raises-exception
nb_execution_timeout = 300
nb_execution_show_tb = True
nb_merge_streams = True
nb_render_markdown_format = "myst"  # Markdown a cell displays: tables (live.md)
myst_enable_extensions = ["colon_fence", "dollarmath", "deflist"]
myst_heading_anchors = 3

# Kernels inherit this environment: plain tracebacks (no ANSI colours) and the src/ tree.
_IPYTHONDIR = ROOT / "build" / ".ipython"
(_IPYTHONDIR / "profile_default").mkdir(parents=True, exist_ok=True)
(_IPYTHONDIR / "profile_default" / "ipython_config.py").write_text(
    "c.InteractiveShell.colors = 'nocolor'\n"
)
os.environ["IPYTHONDIR"] = str(_IPYTHONDIR)
# One BLAS thread per kernel: page timings stay comparable, and OpenBLAS's threads collapse
# (10x slower GEMMs) when anything else runs on the machine's two cores.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
# The search package (and the server's options) is not installed: pages import it from here.
os.environ["PYTHONPATH"] = os.pathsep.join(
    dict.fromkeys([str(ROOT), *filter(None, os.environ.get("PYTHONPATH", "").split(os.pathsep))]))

# "Used in" (docs/_ext/minigluon_usage): the kernels record calls through the IPython profile
# above; recordings are kept in the jupyter cache next to the outputs they belong to.

# -- incremental builds ----------------------------------------------------------------------
# Sphinx reads again only the pages whose source changed, and every page when a config value
# changed. A change to the library changes nb_execution_cache_path above, so every page is read
# again: on purpose. The notebooks run again anyway (minutes; reading is seconds), and autodoc's
# own dependency tracking would miss most API pages (an op's docstring lives in ops/, its page
# documents minigluon.ndarray). Sphinx does not see its extensions change: their code's hash as
# a config value has an edited extension rebuild every page, with the notebooks' outputs cached.
minigluon_docs_code = docs_code_key(ROOT)


def setup(app: Sphinx) -> None:
    app.add_config_value("minigluon_docs_code", "", "env", types=[str])
