"""The site's request handlers: pages and files, the search API, and what every request passes.

Every handler first checks what every request must pass (:meth:`SiteHandler.prepare`): a URL
and headers of sane size, a Host naming this server, and, with live code on, the owner's
session cookie (search.owner). Errors are answered with a short page, or JSON on the API, that
never names a path on disk. The live-code handlers (search.live.handlers) build on these.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import html
import json
import re
import urllib.parse
from http import HTTPStatus
from pathlib import Path
from typing import TYPE_CHECKING, Any

import tornado.web

from .index import SearchIndexError
from .owner import SECRET_PARAM, SESSION_DAYS
from .text import MAX_QUERY_CHARS

if TYPE_CHECKING:
    from .server import DocsServer

__all__ = ["SiteHandler", "PageHandler", "SearchHandler", "NotFoundHandler", "Refusal",
           "content_security_policy", "log_request", "LIVE_META", "MAX_URL_CHARS",
           "MAX_PATH_CHARS", "MAX_HEADERS_BYTES", "MAX_QUERY_FIELDS"]

#: A page served with live code on names the XSRF cookie in this meta tag (no secret in it).
LIVE_META = "minigluon-live"
#: A URL may carry a long query (a pasted error message), but no file path is this long.
MAX_URL_CHARS = 64 * 1024
MAX_PATH_CHARS = 4 * 1024
MAX_HEADERS_BYTES = 64 * 1024
MAX_QUERY_FIELDS = 10
MAX_API_LIMIT = 50
_LOOPBACK_NAMES = {"127.0.0.1", "localhost", "::1"}
_HEAD_END = re.compile(rb"</head\s*>", re.IGNORECASE)
_SCRIPT = re.compile(rb"<script\b([^>]*)>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL)
_SRC = re.compile(rb"""\bsrc\s*=\s*["']?(https?://[^/"'\s>]+)""", re.IGNORECASE)
_ERROR_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{code} {title}</title></head>
<body><h1>{code} {title}</h1><p>{message}</p></body></html>
"""
_LOGIN_HINT = ("This docs server runs code, so only the person who started it may use it: "
               "open the link it printed in its terminal (it holds a secret), or ask them to.")


class Refusal(tornado.web.HTTPError):
    """An error whose ``message`` is shown to the client (it names no path)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(status, log_message=message.replace("%", "%%"))
        self.message = message


class SiteHandler(tornado.web.RequestHandler):
    """What every request of the site goes through."""

    @property
    def docs(self) -> DocsServer:
        return self.settings["docs"]

    def set_default_headers(self) -> None:
        self.set_header("Server", "minigluon-docs")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "no-referrer")
        self.set_header("Content-Security-Policy", "frame-ancestors 'self'")
        self.set_header("X-Frame-Options", "SAMEORIGIN")

    def check_xsrf_cookie(self) -> None:
        """Checked in :class:`LiveHandler`, after the owner's cookie (tornado would check it
        before :meth:`prepare`, and answer a stranger with a message about XSRF)."""

    def prepare(self) -> None:
        request = self.request
        if len(request.uri or "") > MAX_URL_CHARS or len(request.path) > MAX_PATH_CHARS:
            raise Refusal(HTTPStatus.REQUEST_URI_TOO_LONG,
                          f"the URL is over {MAX_URL_CHARS // 1024} KB, or its path over "
                          f"{MAX_PATH_CHARS // 1024} KB")
        size = sum(len(k) + len(v) + 4 for k, v in request.headers.get_all())
        if size > MAX_HEADERS_BYTES:
            raise Refusal(HTTPStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
                          f"the headers are over {MAX_HEADERS_BYTES // 1024} KB")
        if len(urllib.parse.parse_qsl(request.query, keep_blank_values=True)) > MAX_QUERY_FIELDS:
            raise Refusal(HTTPStatus.BAD_REQUEST,
                          f"more than {MAX_QUERY_FIELDS} query parameters")
        if self.docs.loopback:
            # a DNS-rebinding page (another name resolving to 127.0.0.1) cannot read the docs
            host = (request.headers.get("Host") or "127.0.0.1").rsplit(":", 1)[0].strip("[]")
            if host.lower() not in _LOOPBACK_NAMES:
                raise Refusal(HTTPStatus.BAD_REQUEST, "unexpected Host header")
        if self.docs.owner is not None:
            self._check_owner()

    def _check_owner(self) -> None:
        owner = self.docs.owner
        assert owner is not None
        secret = self.get_query_argument(SECRET_PARAM, None)
        if secret is not None:
            if not owner.accepts(secret):
                raise Refusal(HTTPStatus.FORBIDDEN, "wrong secret: " + _LOGIN_HINT)
            self.set_signed_cookie(owner.session_cookie, "owner", expires_days=None,
                                   httponly=True, samesite="Strict", path="/")
            # the same page, without the secret in the address bar
            rest = [(k, v) for k, v in urllib.parse.parse_qsl(self.request.query,
                                                              keep_blank_values=True)
                    if k != SECRET_PARAM]
            self.redirect(self.request.path + (f"?{urllib.parse.urlencode(rest)}" if rest
                                               else ""))
            return
        if self.get_signed_cookie(owner.session_cookie, max_age_days=SESSION_DAYS) is None:
            raise Refusal(HTTPStatus.FORBIDDEN, _LOGIN_HINT)

    def write_error(self, status_code: int, **kwargs: Any) -> None:
        error = kwargs.get("exc_info", (None, None))[1]
        try:
            title = HTTPStatus(status_code).phrase
        except ValueError:
            title = "Error"
        message = error.message if isinstance(error, Refusal) else title
        self.clear_header("Content-Security-Policy")
        self.set_header("Content-Security-Policy", "default-src 'none'; frame-ancestors 'self'")
        self.set_header("Cache-Control", "no-store")
        if self.request.path.startswith("/api/"):
            self.set_header("Content-Type", "application/json; charset=utf-8")
            self.finish(json.dumps({"error": message}))
            return
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.finish(_ERROR_PAGE.format(code=status_code, title=html.escape(title),
                                       message=html.escape(message, quote=True)))

    def log_exception(self, typ: Any, value: Any, tb: Any) -> None:
        if isinstance(value, tornado.web.HTTPError):  # a refusal: one line, no traceback
            why = value.log_message or value.reason or HTTPStatus(value.status_code).phrase
            self.docs.log(f"{value.status_code} {_short(self._request_summary())}: {why}")
            return
        super().log_exception(typ, value, tb)

    def json(self, status: int, body: dict[str, Any]) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "application/json; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps(body, ensure_ascii=True))


class NotFoundHandler(SiteHandler):
    def prepare(self) -> None:
        super().prepare()
        raise Refusal(HTTPStatus.NOT_FOUND, "File not found")


class PageHandler(SiteHandler, tornado.web.StaticFileHandler):
    """Files under the HTML root. HTML pages get a Content-Security-Policy that their own
    scripts pass, and, with live code on, the meta tag that turns Edit/Run on (and the XSRF
    cookie); they are never cached then (a cached page would outlive the server's run)."""

    async def get(self, path: str, include_body: bool = True) -> None:
        self.path = self.parse_url_path(path)
        if "\x00" in self.path:
            raise Refusal(HTTPStatus.NOT_FOUND, "File not found")
        try:
            absolute = self.validate_absolute_path(self.root,
                                                   self.get_absolute_path(self.root, self.path))
        except tornado.web.HTTPError as e:
            # outside the root (tornado says 403), or missing: one answer, nothing to probe
            raise Refusal(HTTPStatus.NOT_FOUND, "File not found") from e
        if absolute is None:  # redirected to the directory with a slash
            return
        if Path(absolute).suffix not in (".html", ".htm"):
            await super().get(path, include_body)
            return
        try:
            page = Path(absolute).read_bytes()
        except OSError as e:
            raise Refusal(HTTPStatus.NOT_FOUND, "File not found") from e
        self.absolute_path = absolute
        if self.docs.owner is not None:
            self.xsrf_token  # noqa: B018 (sets the XSRF cookie the page's script sends back)
            meta = f'<meta name="{LIVE_META}" content="{self.docs.owner.xsrf_cookie}">\n'
            end = _HEAD_END.search(page)
            at = end.start() if end else 0
            page = page[:at] + meta.encode() + page[at:]
            self.set_header("Cache-Control", "no-store")
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Content-Security-Policy", content_security_policy(page))
        if include_body:
            self.finish(page)
        else:
            self.set_header("Content-Length", str(len(page)))
            self.finish()


    def compute_etag(self) -> str | None:
        # a page is sent as changed for this request (the meta tag); files keep their ETag
        if self.absolute_path and Path(self.absolute_path).suffix in (".html", ".htm"):
            return None
        return super().compute_etag()


def content_security_policy(page: bytes) -> str:
    """A policy that the page's own scripts pass, and nothing else: scripts from this site, the
    page's inline scripts by their hashes, the origins of scripts it loads from elsewhere
    (MathJax's CDN on pages with math)."""
    sources = ["'self'"]
    for attrs, body in _SCRIPT.findall(page):
        origin = _SRC.search(attrs)
        if origin:
            sources.append(origin.group(1).decode("ascii", "replace"))
        elif b"src" not in attrs.lower():
            digest = base64.b64encode(hashlib.sha256(body).digest()).decode()
            sources.append(f"'sha256-{digest}'")
    scripts = " ".join(dict.fromkeys(sources))
    return (f"default-src 'self'; script-src {scripts}; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; "
            "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'")


class SearchHandler(SiteHandler):
    """``GET /api/search?q=...&limit=N``."""

    async def get(self) -> None:
        q = self.get_query_argument("q", "")[:MAX_QUERY_CHARS]
        try:
            limit = int(self.get_query_argument("limit", "10"))
        except ValueError:
            raise Refusal(HTTPStatus.BAD_REQUEST, "limit must be an integer") from None
        limit = max(1, min(limit, MAX_API_LIMIT))
        loop = asyncio.get_running_loop()
        try:
            response = await loop.run_in_executor(self.docs.search_threads, self._search, q,
                                                  limit)
        except SearchIndexError:
            # The site's search box falls back to Sphinx's own search on any error status.
            raise Refusal(HTTPStatus.SERVICE_UNAVAILABLE,
                          "the search index is missing or unusable: build it with "
                          "`nox -s docs`") from None
        self.json(HTTPStatus.OK, response.to_dict())

    def _search(self, q: str, limit: int) -> Any:
        return self.docs.engine().search(q, limit=limit)


def log_request(handler: tornado.web.RequestHandler) -> None:
    # the path only: the query may hold the login secret
    request = handler.request
    handler.settings["docs"].log(f'{request.remote_ip} "{request.method} {_short(request.path)}" '
                                 f"{handler.get_status()}")


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text):,} characters)"
