"""The docs server always answers: every malformed, oversized or unexpected request gets an HTTP
status (never a dropped connection or a traceback in the log); idle connections close, open
ones are capped, and the threads do not grow with them."""

from __future__ import annotations

import io
import socket
import threading
import time

import pytest

from search import server as srv


def start(site, index, **kwargs):
    server = srv.make_server(port=0, html_dir=site, index_dir=index, **kwargs)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    html = tmp_path_factory.mktemp("robust-site") / "html"
    html.mkdir()
    (html / "index.html").write_text("<html><head></head><body>docs</body></html>")
    return html


@pytest.fixture
def open_server(site, tmp_path):
    """A server without live code, logging to ``server.log_text`` (so that a traceback
    would show there)."""
    log = io.StringIO()
    server = start(site, tmp_path / "no-index", quiet=False, log=log)
    server.log_text = log
    yield server
    server.shutdown()
    server.server_close()


def exchange(server, raw: bytes, timeout: float = 10) -> bytes:
    """Send ``raw`` as it is; everything the server answers until it closes or goes quiet."""
    with socket.create_connection(server.server_address, timeout=timeout) as sock:
        sock.sendall(raw)
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
                if b"\r\n\r\n" in b"".join(chunks) and b"Content-Length: 0" in chunks[0]:
                    break
        except (TimeoutError, ConnectionResetError):
            pass
    return b"".join(chunks)


def status_of(answer: bytes) -> int:
    assert answer.startswith(b"HTTP/1.1 "), answer[:200]
    return int(answer[9:12])


def get(path: bytes, *headers: bytes, method: bytes = b"GET") -> bytes:
    lines = [method + b" " + path + b" HTTP/1.1", b"Host: 127.0.0.1", b"Connection: close",
             *headers]
    return b"\r\n".join(lines) + b"\r\n\r\n"


MALFORMED = {
    "60 KB path": (get(b"/" + b"a" * 60_000), 414),
    "11 query parameters": (get(b"/?" + b"&".join(b"p%d=1" % i for i in range(11))), 400),
    "11 search parameters": (get(b"/api/search?q=x" + b"".join(b"&p%d=1" % i
                                                               for i in range(10))), 400),
    "percent-encoded non-UTF-8 path": (get(b"/%ff%fe"), 400),
    "non-UTF-8 query value": (get(b"/api/search?q=%ff"), 400),
    "raw non-UTF-8 path": (get(b"/\xff\xfe.html"), 404),
    "unknown method": (get(b"/", method=b"BREW"), 405),
    "PUT": (get(b"/index.html", method=b"PUT"), 405),
    "DELETE": (get(b"/index.html", method=b"DELETE"), 405),
    "POST to a page": (get(b"/index.html", b"Content-Length: 2", method=b"POST") + b"{}", 405),
    "70 KB header": (get(b"/", b"X-Big: " + b"a" * 70_000), 431),
    "many headers": (get(b"/", *(b"X-H%d: %s" % (i, b"v" * 100) for i in range(700))), 431),
    "garbage request line": (b"hello there\r\n\r\n", 400),
    "no HTTP version": (b"GET /\r\n\r\n", 400),
    "bad header line": (get(b"/", b"no colon here"), 400),
    "bad Content-Length": (get(b"/index.html", b"Content-Length: x", method=b"POST"), 400),
    "foreign Host": (b"GET / HTTP/1.1\r\nHost: evil.example\r\nConnection: close\r\n\r\n", 400),
    "missing search index": (get(b"/api/search?q=array"), 503),
    "missing file": (get(b"/nope.html"), 404),
    "live code off": (get(b"/api/run", b"Content-Length: 2", method=b"POST") + b"{}", 404),
}


PARSER_ERRORS = {"garbage request line", "no HTTP version", "bad header line",
                 "bad Content-Length"}


@pytest.mark.parametrize("case", list(MALFORMED))
def test_every_malformed_request_gets_a_status_and_no_traceback(open_server, capfd, case):
    # tornado's own loggers write to stderr (capfd), the server's log to its stream
    raw, expected = MALFORMED[case]
    answer = exchange(open_server, raw)
    assert status_of(answer) == expected, (case, answer[:300])
    assert str(open_server.html_root).encode() not in answer  # error bodies name no path
    assert str(open_server.index_dir).encode() not in answer
    open_server.shutdown()  # every log line is written
    out, err = capfd.readouterr()
    log = open_server.log_text.getvalue()
    assert "Traceback" not in out + err + log, out + err + log
    if case not in PARSER_ERRORS:  # tornado's HTTP parser answers those itself, unlogged
        assert f" {expected}" in log  # the request was logged, with its status


def test_idle_connections_are_closed(site, tmp_path, monkeypatch):
    monkeypatch.setattr(srv, "IDLE_SECONDS", 1.0)
    server = start(site, tmp_path / "no-index", quiet=True)
    try:
        with socket.create_connection(server.server_address, timeout=10) as sock:
            started = time.monotonic()
            sock.sendall(b"GET / HTTP/1.1\r\n")  # and never the rest of the headers
            assert sock.recv(100) in (b"",)  # closed by the server
            assert time.monotonic() - started < 5
    finally:
        server.shutdown()
        server.server_close()


def test_open_connections_are_capped_and_threads_do_not_grow(site, tmp_path, monkeypatch):
    monkeypatch.setattr(srv, "MAX_CONNECTIONS", 20)
    server = start(site, tmp_path / "no-index", quiet=True)
    idle = []
    try:
        threads = threading.active_count()
        for _ in range(20):
            sock = socket.create_connection(server.server_address, timeout=10)
            sock.sendall(b"GET / HTTP/1.1\r\n")  # held open, headers unfinished
            idle.append(sock)
        time.sleep(0.2)
        assert threading.active_count() == threads  # no thread per connection
        answer = exchange(server, get(b"/index.html"))
        assert status_of(answer) == 503
        for sock in idle:
            sock.close()
        deadline = time.monotonic() + 10
        while status_of(answer := exchange(server, get(b"/index.html"))) == 503:
            assert time.monotonic() < deadline
            time.sleep(0.05)
        assert status_of(answer) == 200
    finally:
        for sock in idle:
            sock.close()
        server.shutdown()
        server.server_close()


def test_pages_and_errors_forbid_framing_by_other_sites(open_server):
    for path in [b"/index.html", b"/nope.html"]:
        answer = exchange(open_server, get(path))
        head = answer.split(b"\r\n\r\n", 1)[0].lower()
        assert b"frame-ancestors 'self'" in head and b"x-frame-options: sameorigin" in head
