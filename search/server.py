"""Serve the built docs with a search API: ``python -m search.server [--port P]``.

``GET /api/search?q=...&limit=N`` answers with JSON (``query``, ``did_you_mean``,
``results``); everything else is a file under ``build/html``. The server binds loopback by
default, never serves a path that resolves outside the HTML root (``..``, encoded or not,
and symlinks), never lists directories, caps the query, escapes what it echoes into an
error page, and marks every response ``X-Content-Type-Options: nosniff``.
"""

from __future__ import annotations

import argparse
import html
import json
import os
import sys
import threading
import urllib.parse
from collections.abc import Sequence
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from .index import DEFAULT_INDEX_DIR, SearchIndexError
from .query import SearchEngine
from .text import MAX_QUERY_CHARS

__all__ = ["SearchServer", "make_server", "main", "DEFAULT_HTML_DIR"]

DEFAULT_HTML_DIR = DEFAULT_INDEX_DIR.parent / "html"
API_PATH = "/api/search"
MAX_API_LIMIT = 50
_LOOPBACK_NAMES = {"127.0.0.1", "localhost", "::1"}
_ERROR_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{code} {title}</title></head>
<body><h1>{code} {title}</h1><p>{message}</p></body></html>
"""


class SearchServer(ThreadingHTTPServer):
    """An HTTP server holding the HTML root and a (lazily opened) search engine."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], html_dir: Path, index_dir: Path,
                 quiet: bool = False) -> None:
        self.html_root = html_dir.resolve()
        self.index_dir = index_dir
        self.quiet = quiet
        self._engine: SearchEngine | None = None
        self._engine_lock = threading.Lock()
        super().__init__(address, partial(SearchHandler, directory=str(self.html_root)))

    def engine(self) -> SearchEngine:
        """The search engine, opened on first use (the docs may be built after startup)."""
        with self._engine_lock:
            if self._engine is None:
                self._engine = SearchEngine(self.index_dir)
            return self._engine

    def server_close(self) -> None:
        super().server_close()
        if self._engine is not None:
            self._engine.close()


class SearchHandler(SimpleHTTPRequestHandler):
    server: SearchServer
    server_version = "minigluon-docs"
    sys_version = ""

    def do_GET(self) -> None:
        if self._refuse_host():
            return
        path, _, query = self.path.partition("?")
        if path == API_PATH:
            self._search(urllib.parse.parse_qs(query, max_num_fields=10))
            return
        super().do_GET()

    def do_HEAD(self) -> None:
        if not self._refuse_host():
            super().do_HEAD()

    # -- the API -------------------------------------------------------------------------------

    def _search(self, params: dict[str, list[str]]) -> None:
        q = params.get("q", [""])[0][:MAX_QUERY_CHARS]
        try:
            limit = int(params.get("limit", ["10"])[0])
        except ValueError:
            self._json(HTTPStatus.BAD_REQUEST, {"error": "limit must be an integer"})
            return
        limit = max(1, min(limit, MAX_API_LIMIT))
        try:
            response = self.server.engine().search(q, limit=limit)
        except SearchIndexError as e:
            # The site's search box falls back to Sphinx's own search on any error status.
            self._json(HTTPStatus.SERVICE_UNAVAILABLE, {"error": str(e)})
            return
        self._json(HTTPStatus.OK, response.to_dict())

    def _json(self, status: HTTPStatus, body: dict[str, Any]) -> None:
        data = json.dumps(body, ensure_ascii=True).encode("ascii")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(data)

    # -- files -----------------------------------------------------------------------------

    def translate_path(self, path: str) -> str:
        """The file for a URL path, or a path that does not exist if it would leave the root.

        http.server already drops ``..`` segments; resolving symlinks and checking the result
        is what keeps a link inside build/html from serving a file outside it.
        """
        candidate = Path(super().translate_path(path))
        if "\x00" in str(candidate):
            return str(self.server.html_root / "\x00refused")
        try:
            real = candidate.resolve()
        except (OSError, RuntimeError, ValueError):  # loops, unencodable names
            return str(self.server.html_root / "\x00refused")
        if real != self.server.html_root and not real.is_relative_to(self.server.html_root):
            return str(self.server.html_root / "\x00refused")
        return str(real)

    def list_directory(self, path: str | os.PathLike[str]) -> None:
        self.send_error(HTTPStatus.NOT_FOUND, "File not found")
        return None

    def send_head(self) -> Any:
        path = self.translate_path(self.path)
        if "\x00" in path:
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        return super().send_head()

    # -- headers, errors, logging -------------------------------------------------------------

    def end_headers(self) -> None:
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "no-referrer")
        super().end_headers()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None
                   ) -> None:
        """Error page with everything escaped (the request path can be any text)."""
        try:
            title = HTTPStatus(code).phrase
        except ValueError:
            title = "Error"
        self.close_connection = True
        body = _ERROR_PAGE.format(code=int(code), title=html.escape(title),
                                  message=html.escape(message or title, quote=True))
        data = body.encode("utf-8", "replace")
        self.send_response(code, title)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD" and code >= 200 and code not in (204, 304):
            self.wfile.write(data)

    def _refuse_host(self) -> bool:
        """On loopback, refuse other Host names (a DNS-rebinding page cannot read the docs)."""
        if self.server.server_address[0] not in ("127.0.0.1", "::1"):
            return False
        host = (self.headers.get("Host") or "127.0.0.1").rsplit(":", 1)[0].strip("[]")
        if host.lower() in _LOOPBACK_NAMES:
            return False
        self.send_error(HTTPStatus.BAD_REQUEST, "Unexpected Host header")
        return True

    def log_message(self, format: str, *args: Any) -> None:
        if not self.server.quiet:
            super().log_message(format, *args)


def make_server(host: str = "127.0.0.1", port: int = 8000, html_dir: Path | str | None = None,
                index_dir: Path | str | None = None, quiet: bool = False) -> SearchServer:
    """A server for ``html_dir`` (default build/html) and ``index_dir`` (build/search-index);
    ``port=0`` picks a free port (see ``server.server_address``)."""
    html_path = Path(html_dir) if html_dir is not None else DEFAULT_HTML_DIR
    if not html_path.is_dir():
        raise FileNotFoundError(f"no HTML docs at {html_path}; build them with `nox -s docs`")
    index_path = Path(index_dir) if index_dir is not None else DEFAULT_INDEX_DIR
    return SearchServer((host, port), html_path, index_path, quiet=quiet)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m search.server",
                                description="Serve the built docs with their search API.")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--host", default="127.0.0.1",
                   help="address to bind (default loopback; anything else exposes the docs)")
    p.add_argument("--html", default=None, help=f"HTML root (default {DEFAULT_HTML_DIR})")
    p.add_argument("--index", default=None, help=f"search index (default {DEFAULT_INDEX_DIR})")
    args = p.parse_args(argv)
    try:
        server = make_server(args.host, args.port, args.html, args.index)
    except (FileNotFoundError, OSError) as e:
        print(f"search.server: {e}", file=sys.stderr)
        return 1
    try:
        server.engine()
    except SearchIndexError as e:
        print(f"search.server: {e} (the site falls back to Sphinx's search)", file=sys.stderr)
    host, port = server.server_address[:2]
    print(f"Serving {server.html_root} at http://{host}:{port}/ (search API: {API_PATH}?q=...)")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
