"""``python -m search.server``: files under build/html only, the search API, loopback."""

from __future__ import annotations

import http.client
import json
import threading
import urllib.parse
from pathlib import Path

import pytest

from search.server import make_server


@pytest.fixture(scope="module")
def site(tmp_path_factory, docs_index):
    root = tmp_path_factory.mktemp("site")
    html = root / "html"
    (html / "_static").mkdir(parents=True)
    (html / "index.html").write_text("<html><body>docs</body></html>")
    (html / "_static" / "app.js").write_text("console.log(1)")
    (html / "sub").mkdir()
    (root / "secret.txt").write_text("outside")
    (html / "leak.txt").symlink_to(root / "secret.txt")  # a link out of the root
    (html / "leakdir").symlink_to(root)
    server = make_server(port=0, html_dir=html, index_dir=docs_index, quiet=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def get(server, path: str, headers: dict | None = None) -> tuple[int, dict, bytes]:
    host, port = server.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=30)
    try:
        conn.putrequest("GET", path, skip_host=bool(headers and "Host" in headers),
                        skip_accept_encoding=True)
        for k, v in (headers or {}).items():
            conn.putheader(k, v)
        conn.endheaders()
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def test_binds_loopback_by_default(docs_index, tmp_path):
    (tmp_path / "html").mkdir()
    server = make_server(port=0, html_dir=tmp_path / "html", index_dir=docs_index, quiet=True)
    try:
        assert server.server_address[0] == "127.0.0.1"
    finally:
        server.server_close()


def test_serves_files_with_type_and_nosniff(site):
    status, headers, body = get(site, "/index.html")
    assert status == 200 and body.startswith(b"<html>")
    assert headers["content-type"].startswith("text/html")
    assert headers["x-content-type-options"] == "nosniff"
    status, headers, _ = get(site, "/_static/app.js")
    assert status == 200 and "javascript" in headers["content-type"]


@pytest.mark.parametrize("path", [
    "/../secret.txt", "/%2e%2e/secret.txt", "/%2E%2E%2Fsecret.txt", "/sub/../../secret.txt",
    "/..%2f..%2fsecret.txt", "//etc/passwd", "/leak.txt", "/leakdir/secret.txt",
    "/%00index.html", "/index.html%00.txt", "/%ff%fe", "/sub/",
])
def test_refuses_paths_outside_the_root(site, path):
    status, _, body = get(site, path)
    assert status in (400, 404), (path, status)
    assert b"outside" not in body


def test_search_api(site):
    status, headers, body = get(site, "/api/search?q=atach+grad&limit=3")
    assert status == 200
    assert headers["content-type"] == "application/json; charset=utf-8"
    assert headers["x-content-type-options"] == "nosniff"
    data = json.loads(body)
    assert data["did_you_mean"] == "attach grad"
    assert data["results"][0]["name"] == "minigluon.ndarray.NDArray.attach_grad"
    assert len(data["results"]) == 3


def test_long_query_is_capped(site):
    q = urllib.parse.quote("reshape " * 2000)
    status, _, body = get(site, f"/api/search?q={q}")
    data = json.loads(body)
    assert status == 200 and len(data["query"]) <= 256


def test_bad_limit(site):
    assert get(site, "/api/search?q=x&limit=abc")[0] == 400
    status, _, body = get(site, "/api/search?q=array&limit=100000")
    assert status == 200 and len(json.loads(body)["results"]) <= 50


def test_error_pages_escape_what_they_echo(site):
    status, headers, body = get(site, "/%3Cscript%3Ealert(1)%3C/script%3E")
    assert status == 404
    assert b"<script>" not in body
    assert headers["content-type"] == "text/html; charset=utf-8"


def test_foreign_host_header_is_refused(site):
    status, _, _ = get(site, "/index.html", headers={"Host": "evil.example:80"})
    assert status == 400
    assert get(site, "/index.html", headers={"Host": "localhost"})[0] == 200


def test_missing_index_is_503_so_the_site_falls_back(tmp_path):
    (tmp_path / "html").mkdir()
    server = make_server(port=0, html_dir=tmp_path / "html", index_dir=tmp_path / "none",
                         quiet=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        status, _, body = get(server, "/api/search?q=x")
        assert status == 503 and "nox -s docs" in json.loads(body)["error"]
    finally:
        server.shutdown()
        server.server_close()


def test_missing_html_dir_is_an_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="nox -s docs"):
        make_server(port=0, html_dir=tmp_path / "nope", index_dir=tmp_path)


def test_module_path_constant_points_at_build_html():
    from search.server import DEFAULT_HTML_DIR
    assert DEFAULT_HTML_DIR.parts[-2:] == ("build", "html")
    assert isinstance(DEFAULT_HTML_DIR, Path)
