"""Sphinx extension: write the API reference pages from ``minigluon._api`` before reading.

One page per public module lists its objects in an autosummary table; autosummary then writes a
stub page per object (``docs/api/_autosummary/``). Both are generated, never edited, and
git-ignored, so the reference always matches the code (and grows with the op registry).

Incremental builds: Sphinx re-reads a page whose file is newer than its last reading, so a page
is written only when its text changes, and only pages of objects that no longer exist are
removed (autosummary itself leaves an unchanged stub alone).

Navigation: the module pages are in the table of contents (``api/index``); the object pages are
not. Each is reached from its module page's table, and is ``:orphan:`` (the templates in
``docs/_templates/autosummary``). In the toctree, the ~600 object pages were part of the
navigation tree furo renders into every page (hidden entries too): 116 KB a page, most of a
build's writing time.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.ext.autosummary import autosummary_toc

from minigluon._api import PUBLIC_MODULES, public_objects

__all__ = ["setup", "setup_apipages", "PUBLIC_MODULES", "STUBS", "module_pages",
           "write_module_pages", "write_if_changed", "drop_stub_toctrees",
           "no_generated_source", "is_generated"]

#: Folder of the object pages, relative to ``api/`` (the module pages' ``:toctree:``).
STUBS = "_autosummary"

_TITLES = {
    "minigluon": "minigluon (top level)",
    "minigluon.ndarray": "minigluon.ndarray (nd)",
}


def setup_apipages(app: Sphinx) -> None:
    # at config-inited: before Sphinx lists the source files and before autosummary reads them
    app.connect("config-inited", write_module_pages, priority=100)
    # before the toctree collector (priority 500) records the autosummary tables' toctrees
    app.connect("doctree-read", drop_stub_toctrees, priority=400)
    app.connect("html-page-context", no_generated_source)


def module_pages(modules: Iterable[str]) -> dict[str, list[str]]:
    """Module name -> the names (within the module) of the objects its page lists (autosummary
    writes a stub page for each, ``<module>.<name>.rst``)."""
    # all modules: an object re-exported by several is documented by the first (its home)
    objects = public_objects()
    pages = {}
    for modname in modules:
        pages[modname] = sorted((o.name.rsplit(".", 1)[1] for o in objects
                                 if o.module == modname
                                 and o.kind in ("class", "function", "attribute")
                                 and o.name.count(".") == modname.count(".") + 1),
                                key=str.lower)
    return pages


def _page_text(modname: str, names: list[str]) -> str:
    title = _TITLES.get(modname, modname)
    lines = [title, "=" * len(title), "", f".. automodule:: {modname}", "   :no-members:", ""]
    if names:
        lines += [".. currentmodule:: " + modname, "", ".. autosummary::",
                  f"   :toctree: {STUBS}", "   :nosignatures:", ""]
        lines += [f"   {n}" for n in names]
    return "\n".join(lines) + "\n"


def write_if_changed(path: Path, text: str) -> bool:
    """Write ``text`` unless the file holds it already (its mtime then stays, and Sphinx does
    not read the page again); True if written."""
    try:
        if path.read_text(encoding="utf-8") == text:
            return False
    except FileNotFoundError:
        pass
    path.write_text(text, encoding="utf-8")
    return True


def write_module_pages(app: Sphinx, config: Any = None) -> None:
    api_dir = Path(app.srcdir) / "api"
    pages = module_pages(PUBLIC_MODULES)
    for modname, names in pages.items():
        write_if_changed(api_dir / f"{modname}.rst", _page_text(modname, names))
    for old in api_dir.glob("minigluon*.rst"):
        if old.stem not in pages:
            old.unlink()
    # Autosummary writes missing and changed stubs, but never deletes one: the page of a
    # removed object would stay, fail to import and warn.
    stubs = {f"{modname}.{name}" for modname, names in pages.items() for name in names}
    for old in (api_dir / STUBS).glob("*.rst"):
        if old.stem not in stubs:
            old.unlink()


def drop_stub_toctrees(app: Sphinx, doctree: nodes.document) -> None:
    """Take the (hidden) toctree of each autosummary table out of the page: the object pages
    stay linked from the table but out of the site's navigation."""
    for node in list(doctree.findall(autosummary_toc)):
        node.parent.remove(node)


def no_generated_source(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
                        doctree: nodes.document | None) -> None:
    """No "show source" link (and no copy in ``_sources/``) for the generated API pages: their
    source is a few directives, not what a reader looks for (viewcode links the code)."""
    if is_generated(pagename):
        context["sourcename"] = ""


def is_generated(docname: str) -> bool:
    """Whether ``docname`` is a page this extension or autosummary writes."""
    return docname.startswith(("api/minigluon", f"api/{STUBS}/"))


def setup(app: Sphinx) -> dict[str, Any]:
    setup_apipages(app)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
