"""Sphinx extension: which library version and which build a page comes from, on every page.

Each HTML page's footer says ``minigluon <version> · built <date> UTC from <commit>``
(``docs/_templates/page.html`` extends furo's page with it), so a reader can tell whether the
site describes the library they have, and a page from an older incremental build shows its own
date. The version is ``release`` (conf.py reads ``minigluon.__version__``); the date is when the
build started, in UTC, or ``SOURCE_DATE_EPOCH`` when set (reproducible builds); the commit is
``git``'s short hash of the checkout, marked when tracked files have local changes, and left
out where there is no git or no repository.

None of this is a config value: the date changes every build, and a changed config value would
have Sphinx write every page again (minigluon_incremental).
"""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

__all__ = ["setup", "setup_buildinfo", "build_date", "git_commit", "add_build_info"]


def setup_buildinfo(app: Sphinx) -> None:
    app.connect("builder-inited", note_build)
    app.connect("html-page-context", add_build_info)


def build_date(now: datetime | None = None) -> str:
    """The build's date and minute in UTC (``SOURCE_DATE_EPOCH`` when set, as Sphinx reads it
    for the copyright year)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if now is None:
        now = (datetime.fromtimestamp(int(epoch), UTC) if epoch and epoch.isdigit()
               else datetime.now(UTC))
    return now.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def git_commit(root: Path) -> str:
    """The short hash of ``root``'s checked-out commit, with ``(with local changes)`` when tracked
    files differ from it; "" outside a git checkout (or without git)."""
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                              check=True, timeout=30).stdout.strip()
    try:
        commit = git("rev-parse", "--short", "HEAD")
        dirty = git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.SubprocessError):
        return ""
    return f"{commit} (with local changes)" if dirty else commit


def note_build(app: Sphinx) -> None:
    app.minigluon_build = {"minigluon_build_date": build_date(),
                           "minigluon_build_commit": git_commit(Path(app.confdir))}


def add_build_info(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any],
                   doctree: nodes.document | None) -> None:
    context.update(getattr(app, "minigluon_build", {}))


def setup(app: Sphinx) -> dict[str, Any]:
    setup_buildinfo(app)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
