"""Sphinx extension: what an incremental build writes again besides the pages it read again.

Sphinx writes again the pages it read again (their source changed), and no others. Two kinds
of page show what other pages hold:

- every page shows the navigation (the global table of contents: the pages, their titles, the
  toctree captions; and previous/next links): when it changed (a guide added, removed, moved or
  retitled), every page is written again (seconds: the API object pages are not part of it,
  see minigluon_apipages);
- the hand-written pages link to each other's sections: when any page was read again, they are
  all written again, so a link into a section that is gone warns (and fails the build) now,
  not at the next clean build. They are few; the generated API pages link only to API objects,
  which change only with the library (and then every page is read again, see conf.py).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from minigluon_apipages import is_generated
from minigluon_usage import page_order
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment

__all__ = ["setup", "setup_incremental", "navigation"]


def setup_incremental(app: Sphinx) -> None:
    app.connect("env-before-read-docs", note_pages_read)
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


def note_pages_read(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    env.minigluon_pages_read = list(docnames)  # emitted by every build, 0 pages or more


def pages_to_rewrite(app: Sphinx, env: BuildEnvironment) -> list[str]:
    digest = hashlib.sha256(json.dumps(navigation(env), default=str).encode()).hexdigest()
    if digest != getattr(env, "minigluon_navigation", None):
        env.minigluon_navigation = digest
        return sorted(env.found_docs)
    if getattr(env, "minigluon_pages_read", None):
        return sorted(d for d in env.found_docs if not is_generated(d))
    return []


def setup(app: Sphinx) -> dict[str, Any]:
    setup_incremental(app)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
