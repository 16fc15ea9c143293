"""The live-code API of ``search.server``: the token, Origin and Host rules hold, and a refused
request runs nothing (its code would have written a file, and no kernel even started)."""

from __future__ import annotations

import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

pytest.importorskip("ipykernel")

from search import server as srv
from search.kernels import KernelPool

TAB = "server-tab-01"
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def pool():
    with KernelPool(run_timeout=5, max_kernels=2, spare=False) as p:
        yield p


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    html = tmp_path_factory.mktemp("live-site") / "html"
    (html / "sub").mkdir(parents=True)
    (html / "index.html").write_text("<html><head><title>t</title></head><body>hi</body></html>")
    (html / "sub" / "index.html").write_text("<p>no head</p>")
    (html / "app.js").write_text("console.log(1)")
    return html


def start(site, docs_index, pool):
    server = srv.make_server(port=0, html_dir=site, index_dir=docs_index, quiet=True,
                             kernels=pool)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def live(site, docs_index, pool):
    server = start(site, docs_index, pool)
    yield server
    server.shutdown()
    server.server_close()


def request(server, method: str, path: str, body: bytes | None = None,
            headers: dict | None = None) -> tuple[int, dict, bytes]:
    host, port = server.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=60)
    try:
        conn.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        for k, v in (headers or {}).items():
            conn.putheader(k, v)
        if body is not None and "Content-Length" not in (headers or {}):
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def good_headers(server) -> dict[str, str]:
    port = server.server_address[1]
    return {"Host": f"127.0.0.1:{port}", "Origin": f"http://127.0.0.1:{port}",
            srv.TOKEN_HEADER: server.live_token, "Content-Type": "application/json"}


def run_body(code: str, tab: str = TAB) -> bytes:
    return json.dumps({"tab": tab, "page": "/index.html", "code": code}).encode()


def test_pages_carry_the_token_and_are_not_cached(live):
    port = live.server_address[1]
    status, headers, body = request(live, "GET", "/index.html", headers={
        "Host": f"127.0.0.1:{port}"})
    assert status == 200 and headers["cache-control"] == "no-store"
    assert int(headers["content-length"]) == len(body)
    token = re.search(rb'<meta name="minigluon-live-token" content="([^"]+)">\n</head>', body)
    assert token and token.group(1).decode() == live.live_token and len(live.live_token) >= 40
    for path in ["/sub/", "/sub/index.html"]:  # a page without <head> gets it first
        status, _, body = request(live, "GET", path, headers={"Host": f"localhost:{port}"})
        assert status == 200 and body.startswith(b'<meta name="minigluon-live-token"')
    status, headers, body = request(live, "GET", "/app.js", headers={"Host": f"127.0.0.1:{port}"})
    assert body == b"console.log(1)"


def test_each_server_has_its_own_token(site, docs_index, pool, live):
    other = srv.make_server(port=0, html_dir=site, index_dir=docs_index, kernels=pool)
    try:
        assert other.live_token != live.live_token
    finally:
        other.server_close()


def test_without_kernels_there_is_no_token_and_no_api(site, docs_index):
    server = srv.make_server(port=0, html_dir=site, index_dir=docs_index, quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        assert server.live_token is None
        headers = {"Host": f"127.0.0.1:{server.server_address[1]}"}
        _, _, body = request(server, "GET", "/index.html", headers=headers)
        assert b"minigluon-live-token" not in body
        status, _, body = request(server, "POST", "/api/run", run_body("1"), headers)
        assert status == 404 and b"--no-kernels" in body
    finally:
        server.shutdown()
        server.server_close()


def test_kernels_refuse_a_non_loopback_address(site, docs_index, pool):
    for host in ["0.0.0.0", "", "192.0.2.1", "no-such-host.invalid"]:
        with pytest.raises(ValueError, match=r"loopback only.*--no-kernels"):
            srv.make_server(host=host, port=0, html_dir=site, index_dir=docs_index,
                            kernels=pool)
    for host in ["127.0.0.1", "localhost"]:
        srv.make_server(host=host, port=0, html_dir=site, index_dir=docs_index,
                        kernels=pool).server_close()


def test_cli_refuses_a_non_loopback_address(site, capsys):
    assert srv.main(["--host", "0.0.0.0", "--port", "0", "--html", str(site)]) == 1
    assert "binds loopback only" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        srv.main(["--run-timeout", "0"])
    assert "must be positive" in capsys.readouterr().err


def refused_cases(server) -> dict[str, dict[str, str]]:
    good = good_headers(server)
    port = server.server_address[1]
    without = lambda key: {k: v for k, v in good.items() if k != key}  # noqa: E731
    return {
        "no token": without(srv.TOKEN_HEADER),
        "wrong token": {**good, srv.TOKEN_HEADER: server.live_token[:-1] + "x"},
        "empty token": {**good, srv.TOKEN_HEADER: ""},
        "no Origin": without("Origin"),
        "foreign Origin": {**good, "Origin": "http://evil.example"},
        "Origin on another port": {**good, "Origin": f"http://127.0.0.1:{port + 1}"},
        "null Origin": {**good, "Origin": "null"},
        "https Origin": {**good, "Origin": f"https://127.0.0.1:{port}"},
        "foreign Host": {**good, "Host": f"evil.example:{port}"},
        "Host on another port": {**good, "Host": f"localhost:{port + 1}"},
        "Host without port": {**good, "Host": "127.0.0.1"},
    }


@pytest.mark.parametrize("case", ["no token", "wrong token", "empty token", "no Origin",
                                  "foreign Origin", "Origin on another port", "null Origin",
                                  "https Origin", "foreign Host", "Host on another port",
                                  "Host without port"])
@pytest.mark.parametrize("path", ["/api/run", "/api/restart"])
def test_refused_requests_run_nothing(live, pool, tmp_path, case, path):
    marker = tmp_path / "ran.txt"
    tab = "refused-tab-01"
    status, _, body = request(live, "POST", path,
                              run_body(f"open({str(marker)!r}, 'w').write('ran')", tab),
                              refused_cases(live)[case])
    assert status == 403, (case, status, body)
    assert not marker.exists()
    assert tab not in pool.live_tabs()  # no kernel was even started


@pytest.mark.parametrize(("headers", "body", "status", "message"), [
    ({"Content-Type": "text/plain"}, b"{}", 415, b"Content-Type"),
    ({"Content-Length": str(srv.MAX_BODY_BYTES + 1)}, b"", 413, b"over 256 KB"),
    ({"Content-Length": "nope"}, b"", 411, b"Content-Length"),
    ({}, b"{not json", 400, b"JSON object"),
    ({}, b"[1, 2]", 400, b"JSON object"),
    ({}, json.dumps({"tab": "bad tab", "page": "/", "code": "1"}).encode(), 400, b"tab must"),
    ({}, json.dumps({"tab": TAB, "page": "/", "code": 7}).encode(), 400, b"code must"),
    ({}, json.dumps({"tab": TAB, "page": "/", "code": "1", "doctest": "yes"}).encode(), 400,
     b"doctest must"),
])
def test_malformed_requests_are_refused_with_the_reason(live, pool, headers, body, status,
                                                         message):
    code, _, answer = request(live, "POST", "/api/run", body, {**good_headers(live), **headers})
    assert code == status and message in answer
    assert TAB not in pool.live_tabs()


@pytest.mark.slow
def test_an_allowed_request_runs_and_restarts(live, pool, tmp_path):
    """The control for the refusals above: the same code with the right headers does run.
    One kernel start and one restart."""
    marker = tmp_path / "ran.txt"
    code = f"open({str(marker)!r}, 'w').write('ran')\nprint('hello')"
    status, headers, body = request(live, "POST", "/api/run", run_body(code), good_headers(live))
    assert status == 200 and headers["content-type"].startswith("application/json")
    result = json.loads(body)
    assert result["status"] == "ok" and result["kernel"] == "started"
    assert result["outputs"] == [{"type": "stream", "name": "stdout", "text": "hello\n"}]
    assert marker.read_text() == "ran"

    headers = {**good_headers(live), "Host": f"localhost:{live.server_address[1]}",
               "Origin": f"http://localhost:{live.server_address[1]}"}
    status, _, body = request(live, "POST", "/api/restart", json.dumps({"tab": TAB}).encode(),
                              headers)
    assert status == 200 and json.loads(body) == {"restarted": True}
    status, _, body = request(live, "POST", "/api/run", run_body("1"), good_headers(live))
    assert json.loads(body)["kernel"] == "reused"


def test_busy_tab_gets_409(live, pool, monkeypatch):
    from search.kernels import TabBusyError

    def busy(*args):
        raise TabBusyError("this tab's kernel is still running a cell")

    monkeypatch.setattr(pool, "run", busy)
    status, _, body = request(live, "POST", "/api/run", run_body("1"), good_headers(live))
    assert status == 409 and b"still running" in body


@pytest.mark.slow
def test_sigterm_shuts_the_kernels_down_and_removes_their_directories(site, tmp_path):
    """``python -m search.server`` stopped by SIGTERM (a stopped nox, a closed terminal)
    leaves no kernel process and no kernel directory behind. One kernel start (and a spare)."""
    env = dict(os.environ, PYTHONUNBUFFERED="1", TMPDIR=str(tmp_path))
    with subprocess.Popen([sys.executable, "-m", "search.server", "--port", "0",
                           "--html", str(site), "--index", str(tmp_path / "no-index")],
                          cwd=ROOT, env=env, stdout=subprocess.PIPE,
                          stderr=subprocess.DEVNULL, text=True) as proc:
        try:
            port = int(re.search(r"http://127\.0\.0\.1:(\d+)/",
                                 proc.stdout.readline()).group(1))
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("GET", "/index.html")
            page = conn.getresponse().read().decode()
            token = re.search(r'live-token" content="([^"]+)"', page).group(1)
            conn.request("POST", "/api/run", run_body("import os; os.getpid()"), {
                "Content-Type": "application/json", "Origin": f"http://127.0.0.1:{port}",
                srv.TOKEN_HEADER: token})
            kernel_pid = int(json.loads(conn.getresponse().read())["outputs"][0]["text"])
            conn.close()
            assert list(tmp_path.glob("minigluon-kernel-*"))
        finally:
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(60) == 0
    assert not list(tmp_path.glob("minigluon-kernel-*"))
    with pytest.raises(ProcessLookupError):
        os.kill(kernel_pid, 0)
