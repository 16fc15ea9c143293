"""Sphinx extension: an incremental build writes every page again when the navigation changed.

The theme draws the site's navigation (the global table of contents: the pages, their titles,
the toctree captions) and the previous/next links into every page. Sphinx writes again only the
pages it read again, so after a guide was added, removed, moved or retitled, every other page
would keep the old navigation until a clean build. This extension keeps a digest of the
navigation in the environment and, when it changed, has every page written again (seconds:
the API object pages are not part of it, see minigluon_apipages).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from minigluon_usage import page_order
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

__all__ = ["setup", "setup_navigation", "navigation"]


def setup_navigation(app: Sphinx) -> None:
    app.connect("env-get-updated", pages_to_rewrite)


def navigation(env: BuildEnvironment) -> list[Any]:
    """What the navigation shows: the pages of the table of contents in order, with their
    titles and the toctrees they hold (entries, caption, options)."""
    out = []
    for docname in page_order(env):
        title = env.titles[docname].astext() if docname in env.titles else ""
        toctrees = [[node.get(key) for key in ("entries", "caption", "hidden", "maxdepth",
                                               "titlesonly", "includehidden", "numbered")]
                    for node in env.tocs[docname].findall(addnodes.toctree)] \
            if docname in env.tocs else []
        out.append([docname, title, toctrees])
    return out


def pages_to_rewrite(app: Sphinx, env: BuildEnvironment) -> list[str]:
    digest = hashlib.sha256(json.dumps(navigation(env), default=str).encode()).hexdigest()
    if digest == getattr(env, "minigluon_navigation", None):
        return []
    env.minigluon_navigation = digest
    return sorted(env.found_docs)


def setup(app: Sphinx) -> dict[str, Any]:
    setup_navigation(app)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
