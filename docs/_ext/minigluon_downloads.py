"""Sphinx extension: every guide can be downloaded as a notebook and as a Python script.

myst-nb leaves each executed guide as a notebook in its output folder (``build/jupyter_execute``,
with the outputs of this build). When the HTML build finishes, this extension writes two files
per guide into ``<html>/downloads/``:

- ``<guide>.ipynb``: that notebook, outputs included;
- ``<guide>.py``: a plain script in the "percent" format editors understand (``# %%`` cells),
  the prose as comments and the code as code.

Both keep the cells tagged ``remove-cell``, which the page hides: most assert that the shown
results hold (so a downloaded guide checks itself), but some set things up for the cells after
them (``searching``), and a download must run as the page did. The script marks them with a
comment. Cells tagged ``docs-only`` check the docs build itself (the kernel's plot backend),
not the guide: both downloads leave them out. A cell tagged ``raises-exception`` shows an
error on purpose; the script runs it inside ``try``/``except`` and prints the error, so the
script runs to its end as the page does.
MyST roles in the prose (``{py:func}`~minigluon.nd.relu```) become code spans (```relu```).

Each guide page gets a line under its title linking to both files. A guide is a MyST notebook
page that is not excluded by ``minigluon_downloads_exclude`` (docname patterns; default: the
index and the API reference).
"""

from __future__ import annotations

import copy
import json
import re
import textwrap
from fnmatch import fnmatch
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

DOWNLOADS = "downloads"  # folder of the HTML output holding the files
_HIDDEN = "remove-cell"
_DOCS_ONLY = "docs-only"
_RAISES = "raises-exception"
# {py:func}`nd.relu`, {func}`~minigluon.nd.relu`, {doc}`the guide <autograd>`
_ROLE = re.compile(r"\{[\w:.-]+\}`([^`]*)`")


def setup_downloads(app: Sphinx) -> None:
    app.add_config_value("minigluon_downloads_exclude", ["index", "api/*"], "html",
                         types=[list])
    app.add_css_file("minigluon-downloads.css")
    app.connect("doctree-resolved", add_download_links)
    app.connect("build-finished", write_downloads)


# -- converters (no Sphinx needed) ------------------------------------------------------------
def plain_markdown(text: str) -> str:
    """MyST roles replaced by code spans, readable in any notebook viewer or as comments."""

    def span(m: re.Match) -> str:
        content = m[1]
        titled = re.fullmatch(r"(.*?)\s*<([^>]*)>", content, re.S)
        if titled:
            content = titled[1]
        elif content.startswith("~"):
            content = content[1:].rsplit(".", 1)[-1]
        return f"`{content}`"

    return _ROLE.sub(span, text)


def _source(cell: Any) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def _tags(cell: Any) -> list[str]:
    return list(cell.get("metadata", {}).get("tags", []))


def downloadable_notebook(nb: dict) -> dict:
    """A copy of a myst-nb notebook as a reader should get it: ``docs-only`` cells and
    build-only metadata removed, MyST roles in the prose turned into code spans."""
    out = copy.deepcopy(nb)
    out["cells"] = [c for c in out["cells"] if _DOCS_ONLY not in _tags(c)]
    for cell in out["cells"]:
        if cell["cell_type"] == "markdown":
            cell["source"] = plain_markdown(_source(cell))
    out["metadata"] = {k: v for k, v in out.get("metadata", {}).items()
                       if k not in ("source_map", "file_format")}
    return out


def notebook_to_script(nb: dict, title: str = "") -> str:
    """The notebook as a Python script: ``# %%`` cells, prose as comments, code as code."""
    nb = downloadable_notebook(nb)
    lines = [f"# {title}" if title else "# minigluon guide",
             "#",
             "# A script made from the guide's notebook: the prose is in comments, the code",
             "# runs top to bottom with `python`.",
             ""]
    for cell in nb["cells"]:
        source = _source(cell).strip("\n")
        if cell["cell_type"] == "markdown":
            lines.append("# %% [markdown]")
            lines += [f"# {line}".rstrip() for line in source.splitlines()]
        elif cell["cell_type"] == "code":
            lines.append("# %%")
            if _HIDDEN in _tags(cell):
                lines.append("# (hidden on the page: the guide's own check or setup)")
            if _RAISES in _tags(cell):
                # the page shows this error; the script prints it and carries on
                lines += ["try:", textwrap.indent(source, "    "),
                          "except Exception as error:  # the guide shows this error on purpose",
                          '    print(f"{type(error).__name__}: {error}")']
            else:
                lines.append(source)
        else:
            continue  # raw cells are for other output formats
        lines.append("")
    return "\n".join(lines).rstrip("\n") + "\n"


# -- Sphinx glue --------------------------------------------------------------------------------
def _notebook_path(app: Sphinx, docname: str) -> Path:
    folder = Path(app.env.mystnb_config.output_folder)  # where myst-nb writes the notebooks
    return folder / f"{docname}.ipynb"


def _with_cached_outputs(app: Sphinx, nb: dict) -> dict:
    """``nb`` with the outputs jupyter-cache holds for it. myst-nb (1.4) writes the notebook
    it read, not the one it merged cached outputs into: a guide whose outputs came from the
    cache (an incremental build, or any build after the first) is written without them."""
    config = app.env.mystnb_config
    if config.execution_mode != "cache":
        return nb  # executed now, in place ("force"), or not at all ("off")
    import nbformat
    from jupyter_cache import get_cache

    try:
        _, merged = get_cache(config.execution_cache_path).merge_match_into_notebook(
            nbformat.from_dict(nb))
    except KeyError:  # not cached (its run failed, or was skipped): as myst-nb wrote it
        return nb
    return merged


def is_guide(app: Sphinx, docname: str) -> bool:
    if any(fnmatch(docname, pattern) for pattern in app.config.minigluon_downloads_exclude):
        return False
    return app.env.metadata.get(docname, {}).get("file_format") == "mystnb"


def _href(docname: str, suffix: str) -> str:
    up = "../" * docname.count("/")  # downloads/ sits at the root of the HTML output
    return f"{up}{DOWNLOADS}/{docname}{suffix}"


def add_download_links(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if app.builder.format != "html" or not is_guide(app, docname):
        return
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None or not isinstance(section[0], nodes.title):
        return
    html = ('<p class="minigluon-downloads">Download this guide: '
            f'<a href="{_href(docname, ".ipynb")}" download>notebook (.ipynb)</a> · '
            f'<a href="{_href(docname, ".py")}" download>Python script (.py)</a></p>')
    section.insert(1, nodes.raw("", html, format="html"))


def write_downloads(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir) / DOWNLOADS
    written = 0
    for docname in sorted(app.env.found_docs):
        if not is_guide(app, docname):
            continue
        source = _notebook_path(app, docname)
        if not source.exists():
            logger.warning(f"no notebook of guide {docname!r} at {source}: no downloads",
                           location=docname, type="minigluon", subtype="downloads")
            continue
        nb = _with_cached_outputs(app, json.loads(source.read_text(encoding="utf-8")))
        title = app.env.titles[docname].astext() if docname in app.env.titles else ""
        (out / docname).parent.mkdir(parents=True, exist_ok=True)
        (out / f"{docname}.ipynb").write_text(
            json.dumps(downloadable_notebook(nb), indent=1, ensure_ascii=False) + "\n",
            encoding="utf-8")
        (out / f"{docname}.py").write_text(notebook_to_script(nb, title), encoding="utf-8")
        written += 1
    logger.info(f"minigluon: wrote notebook and script downloads of {written} guides")


def setup(app: Sphinx) -> dict[str, Any]:
    setup_downloads(app)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
