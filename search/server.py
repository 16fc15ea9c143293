"""Serve the built docs with a search API and live code cells: ``python -m search.server``.

``GET /api/search?q=...&limit=N`` answers with JSON (``query``, ``did_you_mean``,
``results``); everything else is a file under ``build/html``. The server binds loopback by
default, never serves a path that resolves outside the HTML root (``..``, encoded or not,
and symlinks), never lists directories, caps the query, escapes what it echoes into an
error page, and marks every response ``X-Content-Type-Options: nosniff``.

Live code (docs/_static/live.js: "Edit" and "Run" on every code cell) runs in Jupyter kernels
of a :class:`search.kernels.KernelPool`, one per browser tab:

- ``POST /api/run`` with JSON ``{"tab": ID, "page": PATH, "code": TEXT}`` runs the code in the
  tab's kernel (a fresh one when the tab moved to another page; ``"doctest": true`` shows every
  top-level value, as the ``>>>`` examples do) and answers
  ``{"status", "kernel", "outputs", "execution_count", "elapsed"}`` (see search.run_outputs for
  the output items). 409 if the tab is still running a cell, 503 if every kernel is busy.
- ``POST /api/restart`` with ``{"tab": ID}`` gives the tab a fresh kernel now, cancelling a
  running cell, and answers ``{"restarted": bool}`` (False: the tab had no kernel).

Ctrl-C, SIGTERM and SIGHUP stop the server and shut every kernel down, removing their
temporary directories.

Running code is what this server guards. With kernels on it refuses to bind anything but a
loopback address (``--no-kernels`` serves the docs anywhere, without live code). It makes a
secret token per run of the server and puts it in a ``<meta name="minigluon-live-token">``
of every HTML page it serves (those pages are never cached). A run or restart needs all of:
the token in the ``X-Minigluon-Token`` header (compared in constant time), ``Origin`` equal to
the server's own origin (``http://127.0.0.1:PORT`` or ``http://localhost:PORT``), ``Host``
equal to the server's own host and port, a JSON ``Content-Type`` and a body of at most 256 KB.
Anything else gets 403 (or 411/413/415/400) before any code is looked at. So another site
open in the browser cannot run code (it can neither read the token nor send our Origin), nor
can a DNS-rebinding page (wrong Host), nor another user on the machine without the token.
"""

from __future__ import annotations

import argparse
import hmac
import html
import io
import ipaddress
import json
import os
import re
import secrets
import signal
import socket
import sys
import threading
import urllib.parse
from collections.abc import Sequence
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from . import kernels as live
from .index import DEFAULT_INDEX_DIR, SearchIndexError
from .query import SearchEngine
from .text import MAX_QUERY_CHARS

__all__ = ["SearchServer", "make_server", "main", "DEFAULT_HTML_DIR"]

DEFAULT_HTML_DIR = DEFAULT_INDEX_DIR.parent / "html"
API_PATH = "/api/search"
RUN_PATH = "/api/run"
RESTART_PATH = "/api/restart"
TOKEN_HEADER = "X-Minigluon-Token"
TOKEN_META = "minigluon-live-token"
MAX_BODY_BYTES = 256 * 1024
MAX_API_LIMIT = 50
_LOOPBACK_NAMES = {"127.0.0.1", "localhost", "::1"}
_HEAD_END = re.compile(rb"</head\s*>", re.IGNORECASE)
_ERROR_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{code} {title}</title></head>
<body><h1>{code} {title}</h1><p>{message}</p></body></html>
"""


class SearchServer(ThreadingHTTPServer):
    """An HTTP server holding the HTML root, a (lazily opened) search engine and, for live
    code, a kernel pool (not owned: the caller closes it)."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], html_dir: Path, index_dir: Path,
                 quiet: bool = False, kernels: live.KernelPool | None = None) -> None:
        self.html_root = html_dir.resolve()
        self.index_dir = index_dir
        self.quiet = quiet
        self.kernels = kernels
        self._engine: SearchEngine | None = None
        self._engine_lock = threading.Lock()
        refusal = (f"live code runs code, so the server binds loopback only, not "
                   f"{address[0]!r}; pass --no-kernels to serve the docs there without it")
        if kernels is not None and not _loopback(address[0]):
            raise ValueError(refusal)
        super().__init__(address, partial(SearchHandler, directory=str(self.html_root)))
        self.live_token: str | None = None
        if kernels is not None:
            bound = self.server_address[0]
            if not ipaddress.ip_address(bound).is_loopback:  # a name that resolved otherwise
                self.server_close()
                raise ValueError(refusal)
            self.live_token = secrets.token_urlsafe(32)
            port = self.server_address[1]
            self.live_hosts = {f"{h}:{port}" for h in ("127.0.0.1", "localhost", bound)}
            self.live_origins = {f"http://{h}" for h in self.live_hosts}

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


def _loopback(host: str) -> bool:
    """Whether every IPv4 address ``host`` names is a loopback one ("" is every interface)."""
    if not host:
        return False
    try:
        infos = socket.getaddrinfo(host, None, socket.AF_INET)
    except (OSError, UnicodeError):
        return False
    return bool(infos) and all(ipaddress.ip_address(i[4][0]).is_loopback for i in infos)


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

    def do_POST(self) -> None:
        path = self.path.partition("?")[0]
        if path not in (RUN_PATH, RESTART_PATH):
            if not self._refuse_host():
                self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return
        if self.server.kernels is None:
            self._json(HTTPStatus.NOT_FOUND,
                       {"error": "live code is off (the server runs with --no-kernels)"},
                       close=True)
            return
        refusal = self._live_refusal()
        if refusal:
            self._json(HTTPStatus.FORBIDDEN, {"error": refusal}, close=True)
            return
        body = self._json_body()
        if body is None:
            return
        try:
            if path == RUN_PATH:
                doctest = body.get("doctest", False)
                if not isinstance(doctest, bool):
                    raise ValueError("doctest must be true or false")
                result = self.server.kernels.run(body.get("tab"), body.get("page"),
                                                 body.get("code"), doctest)
                self._json(HTTPStatus.OK, result.to_dict())
            else:
                self._json(HTTPStatus.OK,
                           {"restarted": self.server.kernels.restart(body.get("tab"))})
        except ValueError as e:
            self._json(HTTPStatus.BAD_REQUEST, {"error": str(e)})
        except live.TabBusyError as e:
            self._json(HTTPStatus.CONFLICT, {"error": str(e)})
        except (live.PoolBusyError, live.KernelStartError) as e:
            self._json(HTTPStatus.SERVICE_UNAVAILABLE, {"error": str(e)})

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

    def _json(self, status: HTTPStatus, body: dict[str, Any], close: bool = False) -> None:
        """Send ``body``; ``close`` when the request's body was not read."""
        data = json.dumps(body, ensure_ascii=True).encode("ascii")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        if close:
            self.close_connection = True
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(data)

    def _live_refusal(self) -> str | None:
        """Why a run/restart request is refused, or None: the checks of the module docstring."""
        host = (self.headers.get("Host") or "").strip().lower()
        if host not in self.server.live_hosts:
            return f"Host must be this server ({' or '.join(sorted(self.server.live_hosts))})"
        origin = (self.headers.get("Origin") or "").strip().lower()
        if origin not in self.server.live_origins:
            return "Origin must be this server's own origin"
        token = (self.headers.get(TOKEN_HEADER) or "").encode("utf-8", "replace")
        assert self.server.live_token is not None
        if not hmac.compare_digest(token, self.server.live_token.encode("ascii")):
            return ("missing or wrong token: reload the page (the server may have been "
                    "restarted since it was loaded)")
        return None

    def _json_body(self) -> dict[str, Any] | None:
        """The request's JSON object, or None after answering with the error."""
        try:
            length = int(self.headers.get("Content-Length", ""))
        except ValueError:
            length = -1
        if length < 0:
            self._json(HTTPStatus.LENGTH_REQUIRED, {"error": "Content-Length is required"},
                       close=True)
            return None
        if length > MAX_BODY_BYTES:
            self._json(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                       {"error": f"request body over {MAX_BODY_BYTES // 1024} KB"}, close=True)
            return None
        ctype = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype != "application/json":
            self._json(HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                       {"error": "Content-Type must be application/json"}, close=True)
            return None
        try:
            body = json.loads(self.rfile.read(length))
        except (UnicodeDecodeError, json.JSONDecodeError):
            body = None
        if not isinstance(body, dict):
            self._json(HTTPStatus.BAD_REQUEST, {"error": "the body must be a JSON object"})
            return None
        return body

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
        if self.server.live_token is not None:
            page = self._html_page(Path(path))
            if page is not None:
                return self._send_page(page)
        return super().send_head()

    def _html_page(self, path: Path) -> Path | None:
        """The HTML file a GET of ``path`` serves, if any (a directory's index.html)."""
        if path.is_dir():
            if not urllib.parse.urlsplit(self.path).path.endswith("/"):
                return None  # http.server redirects to the path with a slash
            path = (path / "index.html").resolve()
            if not path.is_relative_to(self.server.html_root):
                return None
        return path if path.suffix in (".html", ".htm") and path.is_file() else None

    def _send_page(self, path: Path) -> Any:
        """An HTML page with the live-code token in a meta tag, never cached (a cached page
        would carry the token of an earlier run of the server)."""
        try:
            data = path.read_bytes()
        except OSError:
            self.send_error(HTTPStatus.NOT_FOUND, "File not found")
            return None
        assert self.server.live_token is not None
        meta = f'<meta name="{TOKEN_META}" content="{self.server.live_token}">\n'.encode()
        end = _HEAD_END.search(data)
        at = end.start() if end else 0
        data = data[:at] + meta + data[at:]
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        return io.BytesIO(data)

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
        if not ipaddress.ip_address(self.server.server_address[0]).is_loopback:
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
                index_dir: Path | str | None = None, quiet: bool = False,
                kernels: live.KernelPool | None = None) -> SearchServer:
    """A server for ``html_dir`` (default build/html) and ``index_dir`` (build/search-index);
    ``port=0`` picks a free port (see ``server.server_address``). With ``kernels``, the pages
    get live code and the server refuses a non-loopback ``host`` (ValueError)."""
    html_path = Path(html_dir) if html_dir is not None else DEFAULT_HTML_DIR
    if not html_path.is_dir():
        raise FileNotFoundError(f"no HTML docs at {html_path}; build them with `nox -s docs`")
    index_path = Path(index_dir) if index_dir is not None else DEFAULT_INDEX_DIR
    return SearchServer((host, port), html_path, index_path, quiet=quiet, kernels=kernels)


def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m search.server",
                                description="Serve the built docs with their search API and "
                                            "live code cells.")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--host", default="127.0.0.1",
                   help="address to bind (default loopback; anything else exposes the docs "
                        "and needs --no-kernels)")
    p.add_argument("--html", default=None, help=f"HTML root (default {DEFAULT_HTML_DIR})")
    p.add_argument("--index", default=None, help=f"search index (default {DEFAULT_INDEX_DIR})")
    g = p.add_argument_group("live code cells (Jupyter kernels, one per browser tab)")
    g.add_argument("--no-kernels", action="store_true",
                   help="serve the docs without Edit/Run (no code runs)")
    g.add_argument("--run-timeout", type=_positive(float), default=live.DEFAULT_RUN_TIMEOUT,
                   metavar="SECONDS", help="time limit of one run (default %(default)g)")
    g.add_argument("--output-cap", type=_positive(int), default=live.DEFAULT_OUTPUT_CAP,
                   metavar="BYTES", help="output kept per run (default %(default)d)")
    g.add_argument("--idle-timeout", type=_positive(float), default=live.DEFAULT_IDLE_TIMEOUT,
                   metavar="SECONDS",
                   help="shut a kernel down after this long unused (default %(default)g)")
    g.add_argument("--max-kernels", type=_positive(int), default=live.DEFAULT_MAX_KERNELS,
                   metavar="N", help="live kernels at most (default %(default)d)")
    args = p.parse_args(argv)
    # SIGTERM and SIGHUP (a closed terminal, a stopped nox) end the server like Ctrl-C does:
    # the kernels' shutdown and the removal of their directories are in the finally below.
    previous = {sig: signal.signal(sig, _interrupt) for sig in (signal.SIGTERM, signal.SIGHUP)}
    pool = None
    try:
        if not args.no_kernels:
            pool = live.KernelPool(run_timeout=args.run_timeout, output_cap=args.output_cap,
                                   idle_timeout=args.idle_timeout, max_kernels=args.max_kernels)
        return _serve(args, pool)
    finally:
        if pool is not None:
            pool.close()
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def _serve(args: argparse.Namespace, pool: live.KernelPool | None) -> int:
    try:
        server = make_server(args.host, args.port, args.html, args.index, kernels=pool)
    except (FileNotFoundError, OSError, ValueError) as e:
        print(f"search.server: {e}", file=sys.stderr)
        return 1
    try:
        server.engine()
    except SearchIndexError as e:
        print(f"search.server: {e} (the site falls back to Sphinx's search)", file=sys.stderr)
    host, port = server.server_address[:2]
    print(f"Serving {server.html_root} at http://{host}:{port}/ (search API: {API_PATH}?q=...)")
    print("Live code: " + ("off" if pool is None else
                           f"on (kernels: at most {pool.max_kernels}, {pool.run_timeout:g} s "
                           f"per run, idle ones stop after {pool.idle_timeout:g} s)"))
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


def _positive(kind: type) -> Any:
    def parse(text: str) -> Any:
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        if not value > 0:
            raise argparse.ArgumentTypeError(f"must be positive, got {text}")
        return value
    return parse


if __name__ == "__main__":
    sys.exit(main())
