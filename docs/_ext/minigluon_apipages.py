"""Sphinx extension: write the API reference pages from ``minigluon._api`` before reading.

One page per public module lists its objects in an autosummary table; autosummary then writes a
stub page per object (``docs/api/_autosummary/``). Both are generated, never edited, and
git-ignored, so the reference always matches the code (and grows with the op registry).

Incremental builds: Sphinx re-reads a page whose file is newer than its last reading, so a page
is written only when its text changes, and only pages of objects that no longer exist are
removed (autosummary itself leaves an unchanged stub alone).

Grouped examples: an object with a file ``docs/api/examples/<name>.md`` (MyST-NB cells under
the headings Basic Examples, Options, Applications, Properties & Relations, Possible Issues, as
Mathematica's reference pages group them) gets an executed page instead of autosummary's stub:
this extension writes ``_autosummary/<name>.md`` (the description, then those examples, then the
members) and removes the ``.rst`` stub autosummary wrote for it. The examples run in a kernel
like a guide's, so they may draw figures and show real errors.

Navigation: the module pages are in the table of contents (``api/index``); the object pages are
not. Each is reached from its module page's table, and is ``:orphan:`` (the templates in
``docs/_templates/autosummary``). In the toctree, the ~600 object pages were part of the
navigation tree furo renders into every page (hidden entries too): 116 KB a page, most of a
build's writing time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.ext.autosummary import autosummary_toc
from sphinx.util import logging

from minigluon._api import PUBLIC_MODULES, public_objects

logger = logging.getLogger(__name__)

__all__ = ["setup", "setup_apipages", "PUBLIC_MODULES", "STUBS", "EXAMPLES", "EXAMPLE_SECTIONS",
           "module_pages", "write_module_pages", "example_files", "check_example_file",
           "example_page_text", "write_example_pages", "public_bases", "write_if_changed",
           "drop_stub_toctrees", "no_generated_source", "is_generated"]

#: Folder of the object pages, relative to ``api/`` (the module pages' ``:toctree:``).
STUBS = "_autosummary"
#: Folder of the grouped example files, relative to ``api/`` (excluded from the sources).
EXAMPLES = "examples"
#: The sections of a grouped example file, in order (Basic Examples and Possible Issues required).
EXAMPLE_SECTIONS = ("Basic Examples", "Options", "Applications", "Properties & Relations",
                    "Possible Issues")
REQUIRED_SECTIONS = ("Basic Examples", "Possible Issues")

_FRONT_MATTER = """---
file_format: mystnb
kernelspec:
  name: python3
  display_name: Python 3
  language: python
orphan: true
---
"""

_TITLES = {
    "minigluon": "minigluon (top level)",
    "minigluon.ndarray": "minigluon.ndarray (nd)",
}


def setup_apipages(app: Sphinx) -> None:
    # at config-inited: before Sphinx lists the source files and before autosummary reads them
    app.connect("config-inited", write_module_pages, priority=100)
    # after autosummary (priority 500) wrote the stubs at builder-inited
    app.connect("builder-inited", write_example_pages, priority=600)
    app.connect("autodoc-process-bases", public_bases)
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
    for old in [*(api_dir / STUBS).glob("*.rst"), *(api_dir / STUBS).glob("*.md")]:
        if old.stem not in stubs:
            old.unlink()


def example_files(srcdir: Path) -> dict[str, Path]:
    """Object name -> its grouped example file (``docs/api/examples/<name>.md``)."""
    return {p.stem: p for p in sorted((srcdir / "api" / EXAMPLES).glob("minigluon.*.md"))}


def check_example_file(name: str, text: str) -> list[str]:
    """What is wrong with a grouped example file (empty when nothing): unknown or misordered
    section titles, a missing required section, a front matter or title of its own."""
    problems = []
    if text.lstrip().startswith("---"):
        problems.append("has front matter (the page writer adds it)")
    titles = re.findall(r"^## +(.+?)\s*$", text, re.M)
    if re.search(r"^# ", text, re.M):
        problems.append("has a '#' title (the page writer adds the object's name)")
    unknown = [t for t in titles if t not in EXAMPLE_SECTIONS]
    if unknown:
        problems.append(f"unknown sections {unknown}; the sections are {list(EXAMPLE_SECTIONS)}")
    known = [t for t in titles if t in EXAMPLE_SECTIONS]
    if known != sorted(known, key=EXAMPLE_SECTIONS.index):
        problems.append(f"sections out of order {known}")
    missing = [t for t in REQUIRED_SECTIONS if t not in titles]
    if missing:
        problems.append(f"missing sections {missing}")
    return problems


def _members(obj: Any) -> list[tuple[str, str]]:
    """(directive, member name) for the public members a class defines itself, in autodoc's
    default (alphabetical) order: what ``autoclass :members:`` would show."""
    out = []
    for member, value in sorted(vars(obj).items()):
        if member.startswith("_"):
            continue
        raw = value.__func__ if isinstance(value, classmethod | staticmethod) else value
        if not getattr(raw, "__doc__", None):
            continue
        if isinstance(value, property):
            out.append(("autoproperty", member))
        elif callable(raw):
            out.append(("automethod", member))
        else:
            out.append(("autoattribute", member))
    return out


def example_page_text(name: str, obj: Any, kind: str, examples: str) -> str:
    """The MyST-NB page of an object with grouped examples: title, description, examples,
    members."""
    module, _, leaf = name.rpartition(".")
    directive = "autoclass" if kind == "class" else "autofunction"
    options = "   :show-inheritance:\n" if kind == "class" else ""
    lines = [_FRONT_MATTER, f"# {name}", "", "```{eval-rst}", f".. currentmodule:: {module}", "",
             f".. {directive}:: {leaf}", options.rstrip("\n"), "```", "", examples.strip(), ""]
    members = _members(obj) if kind == "class" else []
    if members:
        lines += ["## Members", "", "```{eval-rst}", f".. currentmodule:: {module}", ""]
        lines += [f".. {d}:: {leaf}.{m}\n" for d, m in members]
        lines += ["```", ""]
    return "\n".join(line for line in lines if line is not None) + "\n"


def write_example_pages(app: Sphinx) -> None:
    """Replace autosummary's stub by an executed page for each object with grouped examples."""
    srcdir = Path(app.srcdir)
    stubs = srcdir / "api" / STUBS
    objects = {o.name: o for o in public_objects(list(PUBLIC_MODULES))}
    pages = {f"{m}.{n}" for m, names in module_pages(PUBLIC_MODULES).items() for n in names}
    files = example_files(srcdir)
    for name, path in files.items():
        api = objects.get(name)
        if api is None or name not in pages:
            logger.warning(f"{path.name}: no public object {name!r} has an API page",
                           location=str(path), type="minigluon", subtype="examples")
            continue
        text = path.read_text(encoding="utf-8")
        for problem in check_example_file(name, text):
            logger.warning(f"{path.name}: {problem}", location=str(path), type="minigluon",
                           subtype="examples")
        (stubs / f"{name}.rst").unlink(missing_ok=True)
        write_if_changed(stubs / f"{name}.md", example_page_text(name, api.obj, api.kind, text))
    for old in stubs.glob("*.md"):
        if old.stem not in files:
            old.unlink()


def public_bases(app: Sphinx, name: str, obj: Any, options: Any, bases: list[type]) -> None:
    """Show a private base class (``_SequentialMixin``) as the public classes it derives from:
    a reader cannot look up, import or subclass a private name."""
    shown: list[type] = []
    for base in bases:
        if base.__name__.startswith("_"):
            base = next((b for b in base.__mro__[1:] if not b.__name__.startswith("_")), object)
        if base not in shown:
            shown.append(base)
    bases[:] = [b for b in shown if b is not object] or shown


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
