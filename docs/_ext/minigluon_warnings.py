"""Sphinx extension: an incremental build reports the warnings of the pages it did not change.

An incremental build reads and writes only the pages that changed. A warning is said while its
page is read or written, so it would be said once: with ``-W`` that build fails, and the next
one, with nothing to read, would pass although the page is still wrong. This extension notes
every page that warned (in ``<doctrees>/minigluon-warned.json``) and has the next build read it
again, so its warnings come back, and fail the build, until they are fixed.

Warnings outside any page (configuration, the examples check, autosummary, the consistency
check) come from work that every build does anyway.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path
from typing import Any

from docutils import nodes
from docutils.utils import get_source_line
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util.logging import NAMESPACE, is_suppressed_warning

__all__ = ["setup", "setup_warnings", "WARNED_FILE", "warned_pages"]

#: The pages that warned in the last build, in the doctree folder (it goes with the
#: environment: a clean build starts without either).
WARNED_FILE = "minigluon-warned.json"


def setup_warnings(app: Sphinx) -> None:
    handler = _PagesThatWarn(app)
    logging.getLogger(NAMESPACE).addHandler(handler)
    app.connect("env-get-outdated", lambda app, env, *changes: warned_pages(app))
    app.connect("build-finished", lambda app, exc: _save(app, handler, exc))


def warned_pages(app: Sphinx) -> set[str]:
    """The pages that warned in the last build."""
    try:
        return set(json.loads((Path(app.doctreedir) / WARNED_FILE).read_text())["pages"])
    except (OSError, ValueError, KeyError, TypeError):
        return set()


def _save(app: Sphinx, handler: _PagesThatWarn, exception: BaseException | None) -> None:
    logging.getLogger(NAMESPACE).removeHandler(handler)  # one build per application
    pages = set(handler.pages)
    if exception is not None:  # it stopped: the pages it was to read again may not have been
        pages |= warned_pages(app)
    path = Path(app.doctreedir) / WARNED_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"pages": sorted(pages)}, indent=1) + "\n")


class _PagesThatWarn(logging.Handler):
    """Notes the page each warning is about (which Sphinx's own handlers only print)."""

    def __init__(self, app: Sphinx) -> None:
        super().__init__(logging.WARNING)
        self.app = app
        self.pages: set[str] = set()

    def emit(self, record: logging.LogRecord) -> None:
        # Sphinx holds warnings back while it reads and writes, then hands each record to
        # the logger's handlers a second time: note it once.
        if getattr(record, "minigluon_noted", False):
            return
        record.minigluon_noted = True
        config = getattr(self.app, "config", None)
        if is_suppressed_warning(getattr(record, "type", ""), getattr(record, "subtype", ""),
                                 getattr(config, "suppress_warnings", ())):
            return
        env = getattr(self.app, "env", None)
        page = _page_of(env, record) if env is not None else None
        if page:
            self.pages.add(page)


def _page_of(env: BuildEnvironment, record: logging.LogRecord) -> str | None:
    """The page being read or resolved when the warning came, else the page its location
    names (a location in a docstring names a .py file, not a page)."""
    if env.current_document.docname:
        return env.current_document.docname
    location: Any = getattr(record, "location", None)
    if isinstance(location, tuple):
        return location[0] or None
    if isinstance(location, nodes.Node):
        location = get_source_line(location)[0]
    if not isinstance(location, str) or not location:
        return None
    if location in env.found_docs:
        return location
    path = re.sub(r":[^/\\]*$", "", location)  # "path:line", "path:docstring of x:3"
    return env.path2doc(path) if Path(path).is_absolute() else None


def setup(app: Sphinx) -> dict[str, Any]:
    setup_warnings(app)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
