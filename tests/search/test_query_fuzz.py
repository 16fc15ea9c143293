"""Any text, thrown at the engine and at the HTTP endpoint: results or [], never an error."""

from __future__ import annotations

import http.client
import json
import threading
import time
import urllib.parse

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from search.server import make_server

# Query syntax, control characters, unicode (RTL marks, emoji, combining), huge input.
SYNTAX = st.sampled_from(['"', "'", "(", ")", "*", "?", "~", "^", ":", "AND", "OR", "NOT",
                          "\\", "/", "[", "]", "{", "}", "-", "+", "%", "&", "<", ">", ".",
                          "\x00", "\x1b[31m", "\u202e", "\ufeff", "\U0001f600", "e\u0301"])
WORDS = st.sampled_from(["reshape", "grad", "NOT", "OR", "conv2d", "sequental", "need",
                         "x" * 300, "the", "nd.save", "mx.nd.relu", "Ünïcödé", "数组"])
QUERIES = st.one_of(
    st.text(max_size=300),
    st.lists(st.one_of(SYNTAX, WORDS, st.text(max_size=20)), max_size=40).map(" ".join),
    st.builds(lambda s, n: s * n, st.text(min_size=1, max_size=5), st.integers(1, 4000)),
)
FAST = settings(max_examples=150, deadline=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture,
                                       HealthCheck.too_slow])


@FAST
@given(query=QUERIES, limit=st.integers(-5, 500))
def test_engine_never_raises(engine, query, limit):
    start = time.perf_counter()
    response = engine.search(query, limit=limit)
    assert time.perf_counter() - start < 2.0
    assert isinstance(response.results, list)
    assert len(response.results) <= 100
    for r in response.results:
        assert isinstance(r["name"], str) and isinstance(r["score"], float)


def test_ten_kilobytes_is_fast(engine):
    start = time.perf_counter()
    engine.search("reshape " * 1280)
    engine.search("a" * 10_240)
    assert time.perf_counter() - start < 1.0


@pytest.fixture(scope="module")
def server(tmp_path_factory, docs_index):
    html_dir = tmp_path_factory.mktemp("fuzzsite")
    (html_dir / "index.html").write_text("<p>docs</p>")
    srv = make_server(port=0, html_dir=html_dir, index_dir=docs_index, quiet=True)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    yield srv
    srv.shutdown()
    srv.server_close()


def _get(srv, path: str) -> tuple[int, str, bytes]:
    conn = http.client.HTTPConnection(*srv.server_address[:2], timeout=30)
    try:
        conn.request("GET", path)
        resp = conn.getresponse()
        return resp.status, resp.getheader("Content-Type", ""), resp.read()
    finally:
        conn.close()


@FAST
@given(query=QUERIES)
def test_http_search_never_fails(server, query):
    path = "/api/search?q=" + urllib.parse.quote(query, safe="")
    status, ctype, body = _get(server, path)
    if len(path) > 64 * 1024:  # the server's URL limit: refused, not an error
        assert status == 414
        return
    assert status == 200
    assert ctype == "application/json; charset=utf-8"
    data = json.loads(body)
    assert isinstance(data["results"], list)
    assert body.isascii()  # everything non-ASCII is \u-escaped: nothing for a sniffer to run


@FAST
@given(path=st.text(max_size=200))
def test_http_paths_never_fail_and_errors_are_escaped(server, path):
    status, ctype, body = _get(server, "/" + urllib.parse.quote(path, safe="/?&=%"))
    assert status < 500
    if status >= 400:
        text = body.decode("utf-8")
        assert ctype == "text/html; charset=utf-8"
        assert "<script" not in text.lower()
        message = text.split("<p>", 1)[-1].split("</p>", 1)[0]
        assert "<" not in message and ">" not in message  # echoed text is escaped
