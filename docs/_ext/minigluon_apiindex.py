"""Sphinx extension: the API index, every public object on one page with its one-line summary.

``api/index.md`` holds the directive (inside ``{eval-rst}``, so the summaries, which are
reStructuredText, are read as such)::

    .. minigluon-api-summary::

It writes, module by module in the reference's order (``minigluon._api.PUBLIC_MODULES``), the
module's own summary and a table of the objects its page lists (the ones with a page of their
own, ``minigluon_apipages.module_pages``): a link to the object's page and the first paragraph
of its docstring, its numpydoc summary line. Nothing is written to disk and nothing is kept by
hand: the table is made from the code when the page is read, and a change to the library has
every page read again (conf.py).

Modules are rubrics, not sections: a section would be a search record of its own that the
Sphinx-free collection of the search tests (``search.sources``) does not know about.
"""

from __future__ import annotations

import importlib
from typing import Any

import minigluon_apipages
from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from minigluon._api import docstring

__all__ = ["setup", "setup_apiindex", "ApiSummary", "summary_line", "summary_rst"]


def setup_apiindex(app: Sphinx) -> None:
    app.add_directive("minigluon-api-summary", ApiSummary)


def summary_line(obj: Any) -> str:
    """The first paragraph of ``obj``'s docstring on one line (numpydoc's summary)."""
    return " ".join(line.strip() for line in docstring(obj).split("\n\n", 1)[0].splitlines())


def summary_rst(modules: list[str]) -> list[str]:
    """The reStructuredText of the index of ``modules``: per module a rubric linking its page,
    its summary, and a table of its objects with theirs."""
    lines: list[str] = []
    for modname, names in minigluon_apipages.module_pages(modules).items():
        module = importlib.import_module(modname)
        anchor = "api-" + modname.replace(".", "-")
        lines += [f".. rubric:: :py:mod:`{modname}`", f"   :name: {anchor}", "",
                  f".. currentmodule:: {modname}", "", summary_line(module), ""]
        if not names:
            continue
        lines += [".. list-table::", "   :widths: 30 70", "   :class: minigluon-api-summary",
                  ""]
        for name in names:
            lines += [f"   * - :py:obj:`{name} <{modname}.{name}>`",
                      f"     - {summary_line(getattr(module, name)) or '(no summary)'}"]
        lines.append("")
    return [*lines, ".. currentmodule:: None", ""]


class ApiSummary(SphinxDirective):
    """``.. minigluon-api-summary::``: the API index of the modules this build documents."""

    has_content = False

    def run(self) -> list[nodes.Node]:
        # read at run time: the tests build a few modules only (minigluon_apipages)
        lines = summary_rst(list(minigluon_apipages.PUBLIC_MODULES))
        container = nodes.container(classes=["minigluon-api-index"])
        self.state.nested_parse(StringList(lines, source="<minigluon-api-summary>"),
                                self.content_offset, container)
        return container.children


def setup(app: Sphinx) -> dict[str, Any]:
    setup_apiindex(app)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
