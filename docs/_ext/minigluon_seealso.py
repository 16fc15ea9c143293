"""Sphinx extension: every See Also entry on the API pages must link to an API page.

Napoleon turns a numpydoc See Also section into a ``seealso`` admonition of ``:py:obj:``
references. Sphinx renders a reference it cannot resolve as plain text and, without
``nitpicky``, says nothing; this extension warns instead (so ``-W`` fails the build), naming
the entry and the page. ``tests/test_api.py`` checks the same links without Sphinx.

A build of a few API modules (``minigluon_apipages.PUBLIC_MODULES`` restricted by a test)
lacks the other modules' pages: entries that resolve to a public object of a module left out
are expected to be missing there and are not reported.
"""

from __future__ import annotations

from functools import cache
from typing import Any

import minigluon_apipages
from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging

from minigluon._api import PUBLIC_MODULES, public_objects, resolve

logger = logging.getLogger(__name__)


def setup_seealso(app: Sphinx) -> None:
    app.connect("missing-reference", warn_unresolved_see_also)


def warn_unresolved_see_also(app: Sphinx, env: BuildEnvironment, node: addnodes.pending_xref,
                             contnode: nodes.Element) -> None:
    if node.get("refdomain") != "py" or not _in_see_also(node):
        return
    target = node["reftarget"]
    home = _modules_of_public_names()
    found = resolve(target, node.get("py:module") or "", node.get("py:class") or "", home)
    if found is not None and home[found] not in minigluon_apipages.PUBLIC_MODULES:
        return  # its page is not part of this (partial) build
    logger.warning(f"See Also entry {target!r} does not link to an API page "
                   f"(resolved from {node.get('py:module')}"
                   f"{'.' + node['py:class'] if node.get('py:class') else ''})",
                   location=node, type="minigluon", subtype="seealso")


def _in_see_also(node: nodes.Node) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, addnodes.seealso):
            return True
        parent = parent.parent
    return False


@cache
def _modules_of_public_names() -> dict[str, str]:
    """Every public name of the whole API, with the module documenting it."""
    return {api.name: api.module for api in public_objects(PUBLIC_MODULES)}


def setup(app: Sphinx) -> dict[str, Any]:
    setup_seealso(app)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
