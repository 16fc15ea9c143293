"""The docs server's URLs: which handler answers which path, and the site's settings."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import tornado.web

from .live.handlers import RESTART_PATH, RUN_PATH, RestartHandler, RunHandler
from .site import NotFoundHandler, PageHandler, SearchHandler, log_request

if TYPE_CHECKING:
    from .server import DocsServer

__all__ = ["application", "API_PATH"]

API_PATH = "/api/search"


def application(docs: DocsServer) -> tornado.web.Application:
    """The routes of ``docs``'s site."""
    settings: dict[str, Any] = {"docs": docs, "log_function": log_request,
                                "default_handler_class": NotFoundHandler}
    if docs.owner is not None:
        settings.update(cookie_secret=docs.owner.cookie_key, xsrf_cookies=True,
                        xsrf_cookie_name=docs.owner.xsrf_cookie,
                        xsrf_cookie_kwargs={"samesite": "Strict", "path": "/"})
    return tornado.web.Application([
        (API_PATH, SearchHandler),
        (RUN_PATH, RunHandler),
        (RESTART_PATH, RestartHandler),
        (r"/(.*)", PageHandler, {"path": str(docs.html_root), "default_filename": "index.html"}),
    ], **settings)
