"""The live-code API: ``POST /api/run`` and ``POST /api/restart`` on the owner's kernels.

A request is checked in full before its body is even read (search.site checks the owner's
cookie first): the XSRF header, ``Origin`` and ``Host`` equal to the server's own, a JSON
content type and a body of at most 256 KB. Then the kernel pool (search.live.pool) runs it on a
worker thread, and its errors become statuses (400, 409, 503).
"""

from __future__ import annotations

import asyncio
import json
from http import HTTPStatus
from typing import Any

import tornado.web

from ..site import Refusal, SiteHandler
from . import pool as live

__all__ = ["LiveHandler", "RunHandler", "RestartHandler", "RUN_PATH", "RESTART_PATH",
           "MAX_BODY_BYTES"]

RUN_PATH = "/api/run"
RESTART_PATH = "/api/restart"
MAX_BODY_BYTES = 256 * 1024


@tornado.web.stream_request_body
class LiveHandler(SiteHandler):
    """A POST that touches kernels: checked in full before its body is even read."""

    def initialize(self) -> None:
        self._body = bytearray()

    def prepare(self) -> None:
        super().prepare()
        if self._finished:
            return
        if self.request.method != "POST":
            raise Refusal(HTTPStatus.METHOD_NOT_ALLOWED, "use POST")
        docs = self.docs
        if docs.kernels is None:
            raise Refusal(HTTPStatus.NOT_FOUND,
                          "live code is off (the server runs with --no-kernels)")
        host = (self.request.headers.get("Host") or "").strip().lower()
        if host not in docs.live_hosts:
            raise Refusal(HTTPStatus.FORBIDDEN, "Host must be this server "
                          f"({' or '.join(sorted(docs.live_hosts))})")
        origin = (self.request.headers.get("Origin") or "").strip().lower()
        if origin not in docs.live_origins:
            raise Refusal(HTTPStatus.FORBIDDEN, "Origin must be this server's own origin")
        try:  # tornado's own check (SiteHandler's is a no-op, see there)
            tornado.web.RequestHandler.check_xsrf_cookie(self)
        except tornado.web.HTTPError:
            raise Refusal(HTTPStatus.FORBIDDEN, "missing or wrong XSRF header: reload the "
                          "page (the server may have been restarted)") from None
        ctype = (self.request.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        if ctype != "application/json":
            raise Refusal(HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
                          "Content-Type must be application/json")
        try:
            length = int(self.request.headers.get("Content-Length", ""))
        except ValueError:
            length = -1
        if length < 0:
            raise Refusal(HTTPStatus.LENGTH_REQUIRED, "Content-Length is required")
        if length > MAX_BODY_BYTES:
            raise Refusal(HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
                          f"request body over {MAX_BODY_BYTES // 1024} KB")

    def data_received(self, chunk: bytes) -> None:
        # tornado stops at Content-Length, checked above; a refused request's body is dropped
        if not self._finished:
            self._body += chunk

    def body_object(self) -> dict[str, Any]:
        try:
            body = json.loads(bytes(self._body))
        except (UnicodeDecodeError, json.JSONDecodeError):
            body = None
        if not isinstance(body, dict):
            raise Refusal(HTTPStatus.BAD_REQUEST, "the body must be a JSON object")
        return body

    async def call_pool(self, method: Any, *args: Any) -> Any:
        """``method(*args)`` of the kernel pool on a worker thread, its errors as statuses."""
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self.docs.run_threads, method, *args)
        except ValueError as e:
            raise Refusal(HTTPStatus.BAD_REQUEST, str(e)) from None
        except live.TabBusyError as e:
            raise Refusal(HTTPStatus.CONFLICT, str(e)) from None
        except (live.PoolBusyError, live.KernelStartError) as e:
            raise Refusal(HTTPStatus.SERVICE_UNAVAILABLE, str(e)) from None


class RunHandler(LiveHandler):
    async def post(self) -> None:
        body = self.body_object()
        doctest = body.get("doctest", False)
        if not isinstance(doctest, bool):
            raise Refusal(HTTPStatus.BAD_REQUEST, "doctest must be true or false")
        pool = self.docs.kernels
        result = await self.call_pool(pool.run, body.get("tab"), body.get("page"),
                                      body.get("code"), doctest)
        self.json(HTTPStatus.OK, result.to_dict())


class RestartHandler(LiveHandler):
    async def post(self) -> None:
        body = self.body_object()
        restarted = await self.call_pool(self.docs.kernels.restart, body.get("tab"))
        self.json(HTTPStatus.OK, {"restarted": restarted})
