"""Sphinx extension: when the HTML build finishes, index it for ``python -m search`` and
export the index for the in-browser engine.

Add ``"search.sphinx_ext"`` to ``extensions``. The index goes next to the HTML output
(``build/html`` -> ``build/search-index``) unless ``minigluon_search_index_dir`` says where.
An incremental build that read no page again leaves the index it would write alone. The site
gets the engine (``_static/search-engine.js``) and the exported index
(``_static/search-data.js``), so its search box answers the same from ``file://``, a static
host or ``nox -s serve``.
"""

from __future__ import annotations

import hashlib
import json
import time
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

from .browser_index import ENGINE_FILE, STATIC_DIR, up_to_date, write_browser_index
from .collect import collect
from .index import SearchIndexError, read_marker, write_index

__all__ = ["setup", "setup_search", "index_dir", "build_key"]

logger = logging.getLogger(__name__)


def setup_search(app: Sphinx) -> None:
    app.add_config_value("minigluon_search_enabled", True, "", types=[bool])
    # "" means <html output>/../search-index; a relative path is relative to the conf dir.
    app.add_config_value("minigluon_search_index_dir", "", "", types=[str])
    # At config-inited, before Sphinx compares the configuration with the saved environment's
    # (a change there would make every build a full one).
    app.connect("config-inited", _add_engine)
    app.connect("build-finished", build_search_index)


def _add_engine(app: Sphinx, config: Any) -> None:
    if not config.minigluon_search_enabled:
        return
    if str(STATIC_DIR) not in config.html_static_path:
        config.html_static_path.append(str(STATIC_DIR))
    app.add_js_file(ENGINE_FILE, priority=400)  # before the page's search.js (500)


def setup(app: Sphinx) -> dict[str, Any]:
    setup_search(app)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}


def index_dir(app: Sphinx) -> Path:
    """Where this build's search index goes."""
    configured = app.config.minigluon_search_index_dir
    if configured:
        return Path(app.confdir, configured).resolve()
    return Path(app.outdir).resolve().parent / "search-index"


def build_search_index(app: Sphinx, exception: Exception | None) -> None:
    """Collect and index the build, unless it failed or did not produce HTML."""
    if exception is not None or not app.config.minigluon_search_enabled:
        return
    if app.builder.format != "html":
        return
    # With -W the build fails after this event if there were warnings: an index of a
    # failed build must not replace the last good one.
    if getattr(app, "_fail_on_warnings", False) and getattr(app, "_warncount", 0):
        logger.info("search index: not written, the build has warnings treated as errors")
        return
    target, key = index_dir(app), build_key(app)
    if _indexed(target) == key:
        logger.info("search index: unchanged (no page was read again) in %s", target)
    else:
        start = time.perf_counter()
        records = collect(app)
        target = write_index(records, target, source=key)
        logger.info("search index: %d records in %s (%.1f s)", len(records), target,
                    time.perf_counter() - start)
    static = Path(app.outdir) / "_static"
    if not up_to_date(target, static):  # a clean build removed it, or the index changed
        written = write_browser_index(target, static)
        logger.info("search index: exported for the browser to %s (%d KB)", written,
                    written.stat().st_size // 1024)


def build_key(app: Sphinx) -> str:
    """What an index of this build is made of: the pages as read (Sphinx keeps when it read
    each: a page read again, added or removed changes it, and so does a change of the library,
    which has every page read again), the builder (its URLs) and the code collecting records."""
    digest = hashlib.sha256(app.builder.name.encode())
    digest.update(json.dumps(sorted(app.env.all_docs.items())).encode())
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _indexed(target: Path) -> str | None:
    """The build key of the index at ``target`` (None: none there, or unusable)."""
    try:
        return read_marker(target).get("source")
    except SearchIndexError:
        return None
