"""Sphinx extension: "Used in" lists on the API pages, from the calls the executed guides make.

While myst-nb executes a guide page, its kernel records which public objects each cell's code
calls (:mod:`.recording` sets that up, :mod:`.recorder` runs in the kernel). When the page's
doctree is read, each recorded cell is mapped to the section that shows it, and the result is
kept in the build environment: ``env.minigluon_usage[docname][object name]`` is the list of
``(anchor, title path)`` of that page's sections whose code calls the object (the anchor is
``""`` for the page's top section). Every API object's description ends with a
``minigluon-used-in`` placeholder (added to its docstring by ``autodoc-process-docstring``),
replaced when the page is written by links to those sections, or removed when there are none.
An incremental build reads only the guides that changed; it writes again the API pages whose
lists they changed, and only those.

Other consumers (the search index) read :func:`used_in`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from .recording import setup_recording, take_recording

__all__ = ["setup", "setup_usage", "used_in", "page_order", "UsedIn"]

logger = logging.getLogger(__name__)

#: One place that uses an object: (docname, section anchor or "", section title path).
UsedIn = tuple[str, str, tuple[str, ...]]


def setup_usage(app: Sphinx) -> None:
    app.add_config_value("minigluon_usage_enabled", True, "env", types=[bool])
    setup_recording(app)
    app.connect("doctree-read", collect_page_usage)
    app.connect("env-purge-doc", purge_doc)
    app.connect("env-merge-info", merge_info)
    app.add_node(used_in_list)
    app.add_directive("minigluon-used-in", UsedInDirective)
    # after napoleon (priority 500) turned the numpy sections into reST
    app.connect("autodoc-process-docstring", append_placeholder, priority=600)
    app.connect("env-get-updated", pages_to_rewrite)
    app.connect("doctree-resolved", resolve_placeholders)


def setup(app: Sphinx) -> dict[str, Any]:
    setup_usage(app)
    # env_version: what this extension keeps in the environment changed shape (a saved
    # environment of another version is dropped, and every page read again)
    return {"version": "0.2", "env_version": 2, "parallel_read_safe": True,
            "parallel_write_safe": True}


# -- per page: recorded cells -> sections ------------------------------------------------------

def collect_page_usage(app: Sphinx, doctree: nodes.document) -> None:
    """Map the page's recording (cell execution count -> objects) to its sections."""
    env = app.env
    docname = env.docname
    _usage(env).pop(docname, None)
    names = [_key(node) for node in doctree.findall(used_in_list)]
    if names:
        _placeholder_docs(env)[docname] = names
    cells = take_recording(app, docname)
    if not cells:
        return
    where: dict[int, tuple[str, tuple[str, ...]]] = {}
    for cell in doctree.findall(nodes.container):
        if cell.get("nb_element") == "cell_code" and cell.get("exec_count") is not None:
            where[int(cell["exec_count"])] = _section_of(cell)
    page: dict[str, list[tuple[str, tuple[str, ...]]]] = {}
    # Cells not in the doctree (tagged remove-cell) are checks the reader does not see.
    for number, names in sorted(cells.items()):
        if number in where:
            for name in names:
                uses = page.setdefault(name, [])
                if where[number] not in uses:
                    uses.append(where[number])
    if page:
        _usage(env)[docname] = page


def _section_of(node: nodes.Node) -> tuple[str, tuple[str, ...]]:
    sections = []
    parent = node.parent
    while parent is not None:
        if isinstance(parent, nodes.section):
            sections.append(parent)
        parent = parent.parent
    sections.reverse()
    titles = tuple(s[0].astext() for s in sections if s.children)
    anchor = sections[-1]["ids"][0] if len(sections) > 1 and sections[-1]["ids"] else ""
    return anchor, titles


def _usage(env: BuildEnvironment) -> dict[str, dict[str, list[tuple[str, tuple[str, ...]]]]]:
    if not hasattr(env, "minigluon_usage"):
        env.minigluon_usage = {}
    return env.minigluon_usage


def _placeholder_docs(env: BuildEnvironment) -> dict[str, list[str]]:
    """API page -> the objects whose "Used in" list it shows."""
    if not hasattr(env, "minigluon_used_in_docs"):
        env.minigluon_used_in_docs = {}
    return env.minigluon_used_in_docs


def _written_lists(env: BuildEnvironment) -> dict[str, str]:
    """API page -> digest of the "Used in" lists it was last written with."""
    if not hasattr(env, "minigluon_used_in_written"):
        env.minigluon_used_in_written = {}
    return env.minigluon_used_in_written


def purge_doc(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _usage(env).pop(docname, None)
    _placeholder_docs(env).pop(docname, None)
    _written_lists(env).pop(docname, None)


def merge_info(app: Sphinx, env: BuildEnvironment, docnames: Iterable[str],
               other: BuildEnvironment) -> None:
    for docname in docnames:
        if docname in _usage(other):
            _usage(env)[docname] = _usage(other)[docname]
        if docname in _placeholder_docs(other):
            _placeholder_docs(env)[docname] = _placeholder_docs(other)[docname]


def used_in(env: BuildEnvironment) -> dict[str, list[UsedIn]]:
    """Object name -> the guide sections whose code calls it, in reading order."""
    order = {doc: i for i, doc in enumerate(page_order(env))}
    out: dict[str, list[UsedIn]] = {}
    for docname in sorted(_usage(env), key=lambda d: (order.get(d, len(order)), d)):
        for name, places in _usage(env)[docname].items():
            out.setdefault(name, []).extend((docname, a, t) for a, t in places)
    return out


def page_order(env: BuildEnvironment) -> list[str]:
    """Documents in the order the table of contents shows them (depth first)."""
    seen: list[str] = []

    def visit(doc: str) -> None:
        if doc in seen:
            return
        seen.append(doc)
        for child in env.toctree_includes.get(doc, []):
            visit(child)

    visit(env.config.root_doc)
    return seen


# -- API pages: the placeholder and its list ---------------------------------------------------

class used_in_list(nodes.General, nodes.Element):  # noqa: N801 (docutils node naming)
    """Placeholder for the "Used in" list of ``self["name"]`` until the page is written."""


class UsedInDirective(SphinxDirective):
    """``.. minigluon-used-in:: minigluon.gluon.nn.Dense``: where the guides call it;
    with ``:module:``, the guides that call any object of that module (a module page's
    "Guides" list)."""

    required_arguments = 1
    has_content = False
    option_spec: ClassVar = {"module": directives.flag}

    def run(self) -> list[nodes.Node]:
        return [used_in_list(name=self.arguments[0].strip(), module="module" in self.options)]


def _key(node: used_in_list) -> str:
    return f"module:{node['name']}" if node.get("module") else node["name"]


def _uses(places: dict[str, list[UsedIn]], key: str) -> list[UsedIn]:
    """The uses a placeholder lists: an object's, or for ``module:<name>`` every guide section
    (not API pages) whose code calls an object of that module, in reading order."""
    if not key.startswith("module:"):
        return places.get(key, [])
    module = key.removeprefix("module:")
    homes = _home_modules()
    found: list[UsedIn] = []
    for name, uses in places.items():
        if homes.get(name) == module:
            found += [u for u in uses if not u[0].startswith("api/") and u not in found]
    return found


@cache
def _home_modules() -> dict[str, str]:
    """Public object name -> the module whose API page documents it."""
    from minigluon._api import public_objects

    return {o.name: o.module for o in public_objects()}


def append_placeholder(app: Sphinx, what: str, name: str, obj: Any, options: Any,
                       lines: list[str]) -> None:
    if what != "module" and app.config.minigluon_usage_enabled:
        lines.extend(["", f".. minigluon-used-in:: {name}", ""])


def pages_to_rewrite(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """API pages to write again because the lists they show changed (an incremental build
    re-reads only the guides that changed, and should write only the API pages whose lists
    those guides change)."""
    places = used_in(env)
    written = _written_lists(env)
    rewrite = []
    for docname, names in _placeholder_docs(env).items():
        lists = json.dumps([_uses(places, name) for name in names])
        digest = hashlib.sha256(lists.encode()).hexdigest()
        if written.get(docname) != digest:
            written[docname] = digest
            rewrite.append(docname)
    return sorted(rewrite)


def resolve_placeholders(app: Sphinx, doctree: nodes.document, fromdocname: str) -> None:
    placeholders = list(doctree.findall(used_in_list))
    if not placeholders:
        return
    places = used_in(app.env)
    for node in placeholders:
        # an object's own grouped examples (api/examples) are on the page already
        uses = [use for use in _uses(places, _key(node)) if use[0] != fromdocname]
        if node.get("module"):
            node.replace_self(_guides_of(app, fromdocname, uses) if uses else [])
        else:
            node.replace_self(_list_of(app, fromdocname, uses) if uses else [])


def _guides_of(app: Sphinx, fromdocname: str, uses: list[UsedIn]) -> list[nodes.Node]:
    """A module page's "Guides" rubric: one item per guide page whose code uses the module,
    with how many of its sections do."""
    def count(para: nodes.paragraph, uri: str, page_uses: list[UsedIn]) -> None:
        n = len({a for _, a, _ in page_uses})
        para += nodes.Text(f" ({n} section{'s' if n != 1 else ''})")

    return _per_page(app, fromdocname, uses, "Guides that use this module", count)


def _list_of(app: Sphinx, fromdocname: str, uses: list[UsedIn]) -> list[nodes.Node]:
    """A rubric and one item per guide page: the page, then its sections that use it."""
    def sections(para: nodes.paragraph, uri: str, page_uses: list[UsedIn]) -> None:
        linked = [(a, t[-1]) for _, a, t in page_uses if a]
        for i, (anchor, section_title) in enumerate(linked):
            para += nodes.Text(": " if i == 0 else ", ")
            para += nodes.reference("", section_title, internal=True, refuri=f"{uri}#{anchor}")

    return _per_page(app, fromdocname, uses, "Used in", sections)


def _per_page(app: Sphinx, fromdocname: str, uses: list[UsedIn], rubric: str,
              detail: Callable[[nodes.paragraph, str, list[UsedIn]], None]) -> list[nodes.Node]:
    """``rubric`` and a list with one item per page of ``uses`` (in their order): a link to the
    page, then what ``detail`` adds about its uses."""
    by_page: dict[str, list[UsedIn]] = {}
    for use in uses:
        by_page.setdefault(use[0], []).append(use)
    items = nodes.bullet_list(classes=["minigluon-used-in"])
    for docname, page_uses in by_page.items():
        uri = app.builder.get_relative_uri(fromdocname, docname)
        title = page_uses[0][2][0] if page_uses[0][2] else docname
        para = nodes.paragraph()
        para += nodes.reference("", title, internal=True, refuri=uri)
        detail(para, uri, page_uses)
        items += nodes.list_item("", para)
    return [nodes.rubric("", rubric), items]
