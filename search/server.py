"""Serve the built docs with a search API and live code cells: ``python -m search.server``.

``GET /api/search?q=...&limit=N`` answers with JSON (``query``, ``did_you_mean``,
``results``); every other GET is a file under ``build/html``. With live code on (the default;
``--no-kernels`` turns it off), ``POST /api/run`` and ``POST /api/restart`` run code in the
browser tab's Jupyter kernel (search.live.pool):

- ``/api/run`` takes JSON ``{"tab": ID, "page": PATH, "code": TEXT, "doctest": BOOL}`` and
  answers ``{"status", "kernel", "outputs", "execution_count", "elapsed"}``; 409 while the
  tab runs a cell, 503 when every kernel is busy;
- ``/api/restart`` takes ``{"tab": ID}`` and answers ``{"restarted": BOOL}``.

The HTTP engine is tornado, Jupyter Server's own: one event loop, no thread per connection.

Who may do what (see search.owner for the secret and the cookies):

- With live code on, the server binds loopback only and every request needs the owner's
  session cookie, got by opening the URL the server prints: without it a page, a file or an
  API answers 403, and no page contains a secret. A run or restart also needs the XSRF header
  (double submit), ``Origin`` and ``Host`` equal to the server's own, a JSON body of at most
  256 KB; anything else is refused before any code is looked at.
- With ``--no-kernels`` the site and its search are open (nothing can run); it may bind any
  address.

Every request gets a status line, never a dropped connection or a traceback: a URL over 64 KB
(or a path over 4 KB) is 414, headers over 64 KB are 431, more than 10 query parameters or text
that is not UTF-8 is 400, an unknown method 405, a body over the limit 413. (Only headers over
1 MB, which tornado itself will not read, close the connection without an answer.) Connections
idle for 30 s close, at most 128 are open at once, and error bodies never name a path on disk.
Pages carry a Content-Security-Policy: ``frame-ancestors 'self'``, and scripts from the site
and the page's own inline scripts only.

Ctrl-C, SIGTERM and SIGHUP stop the server and shut every kernel down, removing their
temporary directories and the runtime file.
"""

from __future__ import annotations

import argparse
import asyncio
import concurrent.futures
import ipaddress
import signal
import socket
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from tornado import httpserver, iostream, netutil

from .index import DEFAULT_INDEX_DIR, SearchIndexError
from .live import pool as live
from .owner import Owner
from .query import SearchEngine
from .routes import application

__all__ = ["DocsServer", "make_server", "main", "cli", "LiveOption", "LIVE_OPTIONS",
           "DEFAULT_HTML_DIR", "MAX_CONNECTIONS", "IDLE_SECONDS"]

DEFAULT_HTML_DIR = DEFAULT_INDEX_DIR.parent / "html"
#: Connections open at once; more get 503 at once (each costs a socket and a little memory).
MAX_CONNECTIONS = 128
#: Seconds a connection may wait for a request's headers, or sit idle between requests.
IDLE_SECONDS = 30.0
#: Bytes of a request's line and headers tornado reads at most. The handlers answer 414 and 431
#: far below this; tornado itself closes a connection past it without a word, so it is large.
MAX_HEADER_BYTES = 1024 * 1024
_LOOPBACK_NAMES = {"127.0.0.1", "localhost", "::1"}


class DocsServer:
    """The docs site on ``address``: files, search and (with ``kernels``) live code.

    The socket is bound at construction (``port=0`` picks a free port: see
    ``server_address``); :meth:`serve_forever` runs the event loop in the calling thread
    until :meth:`shutdown` is called from another; :meth:`server_close` releases the socket
    and the search index. The kernel pool is not owned: the caller closes it.
    """

    def __init__(self, address: tuple[str, int], html_dir: Path, index_dir: Path,
                 quiet: bool = False, kernels: live.KernelPool | None = None,
                 log: TextIO | None = None) -> None:
        self.html_root = html_dir.resolve()
        self.index_dir = index_dir
        self.quiet = quiet
        self._log = log
        self._log_lock = threading.Lock()
        self.kernels = kernels
        refusal = (f"live code runs code, so the server binds loopback only, not "
                   f"{address[0]!r}; pass --no-kernels to serve the docs there without it")
        if kernels is not None and not _loopback(address[0]):
            raise ValueError(refusal)
        self._sockets = netutil.bind_sockets(address[1], address[0] or None,
                                             family=socket.AF_INET)
        self.server_address: tuple[str, int] = self._sockets[0].getsockname()[:2]
        self.loopback = ipaddress.ip_address(self.server_address[0]).is_loopback
        if kernels is not None and not self.loopback:  # a name that resolved otherwise
            self.server_close()
            raise ValueError(refusal)
        port = self.server_address[1]
        self.owner = Owner(port) if kernels is not None else None
        self.live_hosts = {f"{h}:{port}" for h in ("127.0.0.1", "localhost",
                                                   self.server_address[0])}
        self.live_origins = {f"http://{h}" for h in self.live_hosts}
        self._engine: SearchEngine | None = None
        self._engine_lock = threading.Lock()
        # Bounded threads: searches (milliseconds) and kernel runs (up to the run's time
        # limit) wait on these, never on the event loop.
        self.search_threads = concurrent.futures.ThreadPoolExecutor(2, "search")
        self.run_threads = concurrent.futures.ThreadPoolExecutor(
            (kernels.max_kernels if kernels else 0) + 2, "kernel-request")
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stop: asyncio.Event | None = None
        self._stopped = threading.Event()

    @property
    def url(self) -> str:
        host, port = self.server_address
        return f"http://{host}:{port}/"

    @property
    def login_url(self) -> str | None:
        """The URL that logs the owner in (None without live code): print it only to them."""
        return self.owner.login_url(self.url) if self.owner is not None else None

    def log(self, line: str) -> None:
        """One line of the server's log (requests and refusals), unless it is quiet: to
        ``log`` if given, else stderr."""
        if not self.quiet:
            with self._log_lock:
                print(line, file=self._log or sys.stderr, flush=True)

    def engine(self) -> SearchEngine:
        """The search engine, opened on first use (the docs may be built after startup)."""
        with self._engine_lock:
            if self._engine is None:
                self._engine = SearchEngine(self.index_dir)
            return self._engine

    def serve_forever(self) -> None:
        asyncio.run(self._serve())

    async def _serve(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        server = _HTTPServer(application(self), idle_connection_timeout=IDLE_SECONDS,
                             body_timeout=IDLE_SECONDS, max_header_size=MAX_HEADER_BYTES,
                             max_body_size=1024 * 1024, xheaders=False)
        server.add_sockets(self._sockets)
        try:
            await self._stop.wait()
        finally:
            server.stop()
            await server.close_all_connections()
            self._stopped.set()

    def shutdown(self) -> None:
        """Stop :meth:`serve_forever` (from another thread) and wait until it has."""
        if self._loop is not None and self._stop is not None and not self._stopped.is_set():
            self._loop.call_soon_threadsafe(self._stop.set)
            self._stopped.wait(30)

    def server_close(self) -> None:
        for sock in self._sockets:
            sock.close()
        self.search_threads.shutdown(wait=False, cancel_futures=True)
        self.run_threads.shutdown(wait=False, cancel_futures=True)
        if self._engine is not None:
            self._engine.close()


class _HTTPServer(httpserver.HTTPServer):
    """tornado's server with a cap on the connections open at once (past it: 503, closed)."""

    def handle_stream(self, stream: iostream.IOStream, address: tuple) -> None:
        if len(self._connections) >= MAX_CONNECTIONS:
            done = stream.write(b"HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\n"
                                b"Content-Length: 0\r\nRetry-After: 1\r\n\r\n")
            done.add_done_callback(lambda f: (f.exception(), stream.close()))
            return
        super().handle_stream(stream, address)


def _loopback(host: str) -> bool:
    """Whether every IPv4 address ``host`` names is a loopback one ("" is every interface)."""
    if not host:
        return False
    try:
        infos = socket.getaddrinfo(host, None, socket.AF_INET)
    except (OSError, UnicodeError):
        return False
    return bool(infos) and all(ipaddress.ip_address(i[4][0]).is_loopback for i in infos)


def make_server(host: str = "127.0.0.1", port: int = 8000, html_dir: Path | str | None = None,
                index_dir: Path | str | None = None, quiet: bool = False,
                kernels: live.KernelPool | None = None, log: TextIO | None = None
                ) -> DocsServer:
    """A server for ``html_dir`` (default build/html) and ``index_dir`` (build/search-index);
    ``port=0`` picks a free port (see ``server.server_address``). With ``kernels``, the pages
    get live code and the server refuses a non-loopback ``host`` (ValueError)."""
    html_path = Path(html_dir) if html_dir is not None else DEFAULT_HTML_DIR
    if not html_path.is_dir():
        raise FileNotFoundError(f"no HTML docs at {html_path}; build them with `nox -s docs`")
    index_path = Path(index_dir) if index_dir is not None else DEFAULT_INDEX_DIR
    return DocsServer((host, port), html_path, index_path, quiet=quiet, kernels=kernels,
                      log=log)


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


_UNITS = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3, "T": 1024**4}


def _size(text: str) -> int:
    """Bytes from ``512M``, ``2G``, ``1.5G`` or a plain number."""
    number, unit = text.strip().upper().rstrip("IB"), ""
    if number and number[-1] in _UNITS:
        number, unit = number[:-1], number[-1]
    try:
        value = float(number) * _UNITS[unit]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (say 2G, 512M or bytes)") \
            from None
    if not value >= 1:
        raise argparse.ArgumentTypeError(f"must be positive, got {text}")
    return int(value)


@dataclass(frozen=True)
class LiveOption:
    """A limit of live code the server's command line sets: ``--flag METAVAR``; ``default``
    as ``nox -s serve`` shows it. The docs' limits table is made from these."""

    flag: str
    metavar: str
    parse: Callable[[str], Any]
    default: Any
    shown: str  # the default, for people
    what: str

    @property
    def dest(self) -> str:
        return self.flag.replace("-", "_")


#: Live code's limits, in the order ``--help`` and the docs list them.
LIVE_OPTIONS = (
    LiveOption("run-timeout", "SECONDS", _positive(float), live.DEFAULT_RUN_TIMEOUT,
               f"{live.DEFAULT_RUN_TIMEOUT:g} s", "time one run may take (then it is "
               "interrupted, and the kernel restarted if it does not stop)"),
    LiveOption("output-cap", "BYTES", _positive(int), live.DEFAULT_OUTPUT_CAP,
               f"{live.DEFAULT_OUTPUT_CAP / 1e6:g} MB", "output one run may send, cleared "
               "output included (then the cell is interrupted)"),
    LiveOption("idle-timeout", "SECONDS", _positive(float), live.DEFAULT_IDLE_TIMEOUT,
               f"{live.DEFAULT_IDLE_TIMEOUT / 60:g} min", "a kernel unused this long is shut "
               "down"),
    LiveOption("max-kernels", "N", _positive(int), live.DEFAULT_MAX_KERNELS,
               str(live.DEFAULT_MAX_KERNELS), "kernels at once, plus one started ahead (a new "
               "tab takes the one idle longest)"),
    LiveOption("kernel-memory", "BYTES", _size, None, "RAM / (max kernels + 1)",
               "memory (address space) of one kernel, e.g. 2G or 512M: past it a cell gets a "
               "MemoryError"),
    LiveOption("kernel-cpu", "SECONDS", _positive(float), live.DEFAULT_CPU_LIMIT,
               f"{live.DEFAULT_CPU_LIMIT / 60:g} min", "CPU time of one kernel, all its cells "
               "together (then it is restarted)"),
)


def cli() -> argparse.ArgumentParser:
    """The command line of ``python -m search.server`` (``nox -s serve -- ...``)."""
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
                   help="serve the docs without Edit/Run (no code runs, no login)")
    for o in LIVE_OPTIONS:
        g.add_argument(f"--{o.flag}", type=o.parse, default=o.default, metavar=o.metavar,
                       help=f"{o.what} (default {o.shown})".replace("%", "%%"))
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = cli().parse_args(argv)
    # SIGTERM and SIGHUP (a closed terminal, a stopped nox) end the server like Ctrl-C does:
    # the kernels' shutdown and the removal of their directories are in the finally below.
    previous = {sig: signal.signal(sig, _interrupt) for sig in (signal.SIGTERM, signal.SIGHUP)}
    pool = None
    try:
        if not args.no_kernels:
            pool = live.KernelPool(run_timeout=args.run_timeout, output_cap=args.output_cap,
                                   idle_timeout=args.idle_timeout, max_kernels=args.max_kernels,
                                   memory_limit=args.kernel_memory, cpu_limit=args.kernel_cpu)
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
    runtime_file = None
    print(f"Serving {server.html_root} at {server.url} (search API: /api/search?q=...)")
    if pool is None:
        print("Live code: off (--no-kernels); the site is open to anyone who can reach it")
    else:
        assert server.owner is not None
        runtime_file = server.owner.write_runtime_file(server.url)
        print(f"Live code: on (kernels: at most {pool.max_kernels}, {pool.run_timeout:g} s "
              f"per run, {pool.memory_limit / 1024**3:.1f} GiB and {pool.cpu_limit:g} CPU-s "
              f"each, idle ones stop after {pool.idle_timeout:g} s)")
        print("Open the docs with this link; it holds this run's secret, and without it (or "
              "the cookie it sets) every page answers 403:")
        print(f"    {server.login_url}")
        print(f"(also in {runtime_file}, readable only by you)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        if runtime_file is not None:
            runtime_file.unlink(missing_ok=True)
    return 0


def _interrupt(signum: int, frame: Any) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
