"""The live-code server's owner rule: only whoever opened the printed link can use the site,
and a run or restart also needs the XSRF header, the server's Origin and Host. A refused
request runs nothing (its code would have written a file, and no kernel even started)."""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from http.cookies import SimpleCookie
from pathlib import Path

import pytest

pytest.importorskip("ipykernel")

from search import server as srv
from search.live.handlers import MAX_BODY_BYTES
from search.live.pool import KernelPool
from search.site import LIVE_META

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
    (html / "index.html").write_text("<html><head><title>t</title></head><body>hi"
                                     "<script>var x = 1;</script></body></html>")
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
        headers = {"Host": f"127.0.0.1:{port}", **(headers or {})}
        for k, v in headers.items():
            conn.putheader(k, v)
        if body is not None and "Content-Length" not in headers:
            conn.putheader("Content-Length", str(len(body)))
        conn.endheaders(body)
        resp = conn.getresponse()
        cookies = SimpleCookie()
        for value in resp.headers.get_all("Set-Cookie") or []:
            cookies.load(value)
        found = {k.lower(): v for k, v in resp.getheaders()}
        found["cookies"] = cookies
        return resp.status, found, resp.read()
    finally:
        conn.close()


def login(server) -> dict[str, str]:
    """The cookies of a browser that opened the printed link, then a page."""
    secret = server.login_url.split("token=", 1)[1]
    status, headers, _ = request(server, "GET", f"/?token={secret}")
    assert status == 302 and "token" not in headers["location"]
    jar = {k: m.value for k, m in headers["cookies"].items()}
    cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
    status, headers, _ = request(server, "GET", "/index.html", headers={"Cookie": cookie})
    assert status == 200
    jar.update({k: m.value for k, m in headers["cookies"].items()})
    return jar


def cookie_header(jar: dict[str, str]) -> str:
    return "; ".join(f"{k}={v}" for k, v in jar.items())


@pytest.fixture(scope="module")
def owner(live):
    return login(live)


def good_headers(server, jar) -> dict[str, str]:
    port = server.server_address[1]
    return {"Host": f"127.0.0.1:{port}", "Origin": f"http://127.0.0.1:{port}",
            "Cookie": cookie_header(jar), "X-XSRFToken": jar[server.owner.xsrf_cookie],
            "Content-Type": "application/json"}


def run_body(code: str, tab: str = TAB) -> bytes:
    return json.dumps({"tab": tab, "page": "/index.html", "code": code}).encode()


# -- logging in ------------------------------------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/index.html", "/app.js", "/sub/", "/api/search?q=x",
                                  "/missing.html"])
def test_without_the_cookie_nothing_is_served_and_no_secret_is_shown(live, path):
    status, headers, body = request(live, "GET", path)
    assert status == 403, (path, status)
    assert live.owner.secret.encode() not in body and b"token" not in body
    assert not headers["cookies"]  # no XSRF cookie either
    assert b"printed" in body  # what to do: open the link the server printed


def test_the_printed_link_sets_a_strict_httponly_cookie_and_drops_the_secret(live):
    secret = live.login_url.split("token=", 1)[1]
    status, headers, _ = request(live, "GET", f"/sub/?token={secret}&x=1")
    assert status == 302 and headers["location"] == "/sub/?x=1"
    session = headers["cookies"][live.owner.session_cookie]
    assert session["httponly"] and session["samesite"] == "Strict" and session["path"] == "/"
    assert secret not in session.value


def test_pages_are_live_carry_no_secret_and_are_not_cached(live, owner):
    status, headers, body = request(live, "GET", "/index.html",
                                    headers={"Cookie": cookie_header(owner)})
    assert status == 200 and headers["cache-control"] == "no-store"
    assert int(headers["content-length"]) == len(body)
    assert re.search(rf'<meta name="{LIVE_META}" content="{live.owner.xsrf_cookie}">\n</head>'
                     .encode(), body)
    assert live.owner.secret.encode() not in body
    assert owner[live.owner.session_cookie].encode() not in body
    policy = headers["content-security-policy"]
    assert "frame-ancestors 'self'" in policy and "script-src 'self' 'sha256-" in policy
    status, _, body = request(live, "GET", "/sub/", headers={"Cookie": cookie_header(owner)})
    assert status == 200 and body.startswith(f'<meta name="{LIVE_META}"'.encode())
    status, _, body = request(live, "GET", "/app.js", headers={"Cookie": cookie_header(owner)})
    assert status == 200 and body == b"console.log(1)"


def test_a_wrong_secret_or_a_forged_cookie_is_refused(live):
    status, headers, _ = request(live, "GET", "/?token=" + "x" * 43)
    assert status == 403 and not headers["cookies"]
    forged = f"{live.owner.session_cookie}=owner"
    assert request(live, "GET", "/", headers={"Cookie": forged})[0] == 403


def test_each_run_of_a_server_has_its_own_secret_and_cookie_key(site, docs_index, pool, live,
                                                                  owner):
    other = start(site, docs_index, pool)
    try:
        assert other.owner.secret != live.owner.secret
        assert other.owner.cookie_key != live.owner.cookie_key
        # the first server's cookie, renamed for the second's port, is not the second's
        value = owner[live.owner.session_cookie]
        cookie = f"{other.owner.session_cookie}={value}"
        assert request(other, "GET", "/", headers={
            "Host": f"127.0.0.1:{other.server_address[1]}", "Cookie": cookie})[0] == 403
    finally:
        other.shutdown()
        other.server_close()


def test_the_runtime_file_is_readable_by_its_owner_only(live, tmp_path):
    path = live.owner.write_runtime_file(live.url, tmp_path / "runtime")
    assert json.loads(path.read_text())["url"] == live.login_url
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700


def test_without_kernels_the_site_is_open_and_has_no_api(site, docs_index):
    server = srv.make_server(port=0, html_dir=site, index_dir=docs_index, quiet=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        assert server.owner is None and server.login_url is None
        status, headers, body = request(server, "GET", "/index.html")
        assert status == 200 and LIVE_META.encode() not in body and not headers["cookies"]
        status, _, body = request(server, "POST", "/api/run", run_body("1"),
                                  {"Content-Type": "application/json"})
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


# -- runs and restarts -------------------------------------------------------------------------

def refused_cases(server, jar) -> dict[str, dict[str, str]]:
    good = good_headers(server, jar)
    port = server.server_address[1]
    xsrf = server.owner.xsrf_cookie
    without = lambda key: {k: v for k, v in good.items() if k != key}  # noqa: E731
    no_session = {k: v for k, v in jar.items() if k != server.owner.session_cookie}
    return {
        "no cookie": without("Cookie"),
        "no session cookie": {**good, "Cookie": cookie_header(no_session)},
        # double submit forged by a client that has no session: its own pair of values
        "forged XSRF pair": {**good, "Cookie": f"{xsrf}=abc", "X-XSRFToken": "abc"},
        "no XSRF header": without("X-XSRFToken"),
        "wrong XSRF header": {**good, "X-XSRFToken": "2|00000000|" + "0" * 32 + "|1"},
        "no XSRF cookie": {**good, "Cookie": cookie_header(
            {k: v for k, v in jar.items() if k != xsrf})},
        "no Origin": without("Origin"),
        "foreign Origin": {**good, "Origin": "http://evil.example"},
        "Origin on another port": {**good, "Origin": f"http://127.0.0.1:{port + 1}"},
        "null Origin": {**good, "Origin": "null"},
        "https Origin": {**good, "Origin": f"https://127.0.0.1:{port}"},
        "foreign Host": {**good, "Host": f"evil.example:{port}"},
        "Host on another port": {**good, "Host": f"localhost:{port + 1}"},
        "Host without port": {**good, "Host": "127.0.0.1"},
    }


CASES = ["no cookie", "no session cookie", "forged XSRF pair", "no XSRF header",
         "wrong XSRF header", "no XSRF cookie", "no Origin", "foreign Origin",
         "Origin on another port", "null Origin", "https Origin", "foreign Host",
         "Host on another port", "Host without port"]


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("path", ["/api/run", "/api/restart"])
def test_refused_requests_run_nothing(live, owner, pool, tmp_path, case, path):
    marker = tmp_path / "ran.txt"
    tab = "refused-tab-01"
    status, _, body = request(live, "POST", path,
                              run_body(f"open({str(marker)!r}, 'w').write('ran')", tab),
                              refused_cases(live, owner)[case])
    assert status in (400, 403), (case, status, body)  # 400: a Host that is not loopback
    assert not marker.exists()
    assert tab not in pool.live_tabs()  # no kernel was even started


@pytest.mark.parametrize(("headers", "body", "status", "message"), [
    ({"Content-Type": "text/plain"}, b"{}", 415, b"Content-Type"),
    ({"Content-Length": str(MAX_BODY_BYTES + 1)}, b"", 413, b"over 256 KB"),
    ({"Content-Length": str(50 * 1024 * 1024)}, b"", 413, b"over 256 KB"),
    ({"Content-Length": "nope"}, b"", 411, b"Content-Length"),
    ({}, b"{not json", 400, b"JSON object"),
    ({}, b"[1, 2]", 400, b"JSON object"),
    ({}, b"\xff\xfe", 400, b"JSON object"),
    ({}, json.dumps({"tab": "bad tab", "page": "/", "code": "1"}).encode(), 400, b"tab must"),
    ({}, json.dumps({"tab": TAB, "page": "/", "code": 7}).encode(), 400, b"code must"),
    ({}, json.dumps({"tab": TAB, "page": "/", "code": "1", "doctest": "yes"}).encode(), 400,
     b"doctest must"),
])
def test_malformed_requests_are_refused_with_the_reason(live, owner, pool, headers, body,
                                                         status, message):
    code, _, answer = request(live, "POST", "/api/run", body,
                              {**good_headers(live, owner), **headers})
    assert code == status and message in answer
    assert TAB not in pool.live_tabs()


@pytest.mark.slow
def test_an_allowed_request_runs_and_restarts(live, owner, pool, tmp_path):
    """The control for the refusals above: the same code with the owner's cookie and the
    right headers does run. One kernel start and one restart."""
    marker = tmp_path / "ran.txt"
    code = f"open({str(marker)!r}, 'w').write('ran')\nprint('hello')"
    status, headers, body = request(live, "POST", "/api/run", run_body(code),
                                    good_headers(live, owner))
    assert status == 200 and headers["content-type"].startswith("application/json")
    result = json.loads(body)
    assert result["status"] == "ok" and result["kernel"] == "started"
    assert result["outputs"] == [{"type": "stream", "name": "stdout", "text": "hello\n"}]
    assert marker.read_text() == "ran"

    port = live.server_address[1]
    headers = {**good_headers(live, owner), "Host": f"localhost:{port}",
               "Origin": f"http://localhost:{port}"}
    status, _, body = request(live, "POST", "/api/restart", json.dumps({"tab": TAB}).encode(),
                              headers)
    assert status == 200 and json.loads(body) == {"restarted": True}
    status, _, body = request(live, "POST", "/api/run", run_body("1"),
                              good_headers(live, owner))
    assert json.loads(body)["kernel"] == "reused"


def test_busy_tab_gets_409(live, owner, pool, monkeypatch):
    from search.live.pool import TabBusyError

    def busy(*args):
        raise TabBusyError("this tab's kernel is still running a cell")

    monkeypatch.setattr(pool, "run", busy)
    status, _, body = request(live, "POST", "/api/run", run_body("1"),
                              good_headers(live, owner))
    assert status == 409 and b"still running" in body


# -- the server as a program -----------------------------------------------------------------

def serve(site, tmp_path, *args: str, runtime_base: Path | None = None
          ) -> tuple[subprocess.Popen, str, Path]:
    """``python -m search.server`` on a free port; the process, its printed link and the
    runtime folder it writes in (its XDG_RUNTIME_DIR)."""
    runtime = runtime_base or tmp_path / "xdg"
    runtime.mkdir(mode=0o700, exist_ok=True)
    env = dict(os.environ, PYTHONUNBUFFERED="1", TMPDIR=str(tmp_path),
               XDG_RUNTIME_DIR=str(runtime))
    proc = subprocess.Popen([sys.executable, "-m", "search.server", "--port", "0",
                             "--html", str(site), "--index", str(tmp_path / "no-index"), *args],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)
    for line in proc.stdout:
        found = re.search(r"(http://127\.0\.0\.1:\d+/\?token=\S+)", line)
        if found:
            return proc, found.group(1), runtime
    raise AssertionError(f"no link printed; stderr: {proc.stderr.read()}")


def browser_session(url: str) -> tuple[http.client.HTTPConnection, dict[str, str]]:
    """A client that opened ``url`` (the printed link) and then a page, as a browser does."""
    port = int(re.search(r":(\d+)/", url).group(1))
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    conn.request("GET", url.split(str(port), 1)[1])
    resp = conn.getresponse()
    resp.read()
    jar = SimpleCookie()
    for value in resp.headers.get_all("Set-Cookie"):
        jar.load(value)
    conn.request("GET", "/index.html", headers={"Cookie": jar.output(attrs=[], header="",
                                                                     sep=";")})
    resp = conn.getresponse()
    resp.read()
    for value in resp.headers.get_all("Set-Cookie"):
        jar.load(value)
    return conn, {k: m.value for k, m in jar.items()}


@pytest.mark.slow
def test_sigterm_shuts_the_kernels_down_and_removes_their_directories(site, tmp_path):
    """``python -m search.server`` stopped by SIGTERM (a stopped nox, a closed terminal)
    leaves no kernel process, no kernel directory and no runtime file behind."""
    proc, url, runtime = serve(site, tmp_path)
    with proc:
        try:
            assert list(runtime.glob("minigluon/docs-server-*.json"))
            conn, jar = browser_session(url)
            port = conn.port
            xsrf = next(v for k, v in jar.items() if k.startswith("minigluon-xsrf-"))
            conn.request("POST", "/api/run", run_body("import os; os.getpid()"), {
                "Content-Type": "application/json", "Origin": f"http://127.0.0.1:{port}",
                "Cookie": "; ".join(f"{k}={v}" for k, v in jar.items()), "X-XSRFToken": xsrf})
            kernel_pid = int(json.loads(conn.getresponse().read())["outputs"][0]["text"])
            conn.close()
            assert list(tmp_path.glob("minigluon-kernel-*"))
        finally:
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(60) == 0
            log = proc.stderr.read()
    assert "Traceback" not in log, log
    assert not list(tmp_path.glob("minigluon-kernel-*"))
    assert not list(runtime.glob("minigluon/docs-server-*.json"))
    with pytest.raises(ProcessLookupError):
        os.kill(kernel_pid, 0)


RUNUSER = shutil.which("runuser")
CURL = shutil.which("curl")


@pytest.mark.slow
@pytest.mark.skipif(os.geteuid() != 0 or not RUNUSER or not CURL,
                    reason="needs root, runuser and curl to act as another local user")
def test_another_local_user_cannot_run_code(site, tmp_path):
    """The attack of the issue this server was built against, as user ``nobody``: read the
    page for a secret, read the runtime file, post with a forged XSRF pair and our Origin, guess
    the secret. Every request is refused, the file cannot be read, and no kernel starts."""
    runtime_base = Path(tempfile.mkdtemp(prefix="xdg-", dir="/tmp"))
    runtime_base.chmod(0o755)  # as a shared machine's home may be: the file's own modes count
    marker = tmp_path / "ran.txt"
    try:
        proc, url, runtime = serve(site, tmp_path, runtime_base=runtime_base)
        with proc:
            try:
                port = int(re.search(r":(\d+)/", url).group(1))
                base = f"http://127.0.0.1:{port}"
                code = json.dumps({"tab": "attacker-tab-1", "page": "/",
                                   "code": f"open({str(marker)!r}, 'w').write('ran')"})
                xsrf = f"minigluon-xsrf-{port}"
                script = "\n".join([
                    f"curl -s -o /tmp/attack-page-{port} -w 'page %{{http_code}}\\n' {base}/",
                    f"curl -s -o /dev/null -w 'guess %{{http_code}}\\n' '{base}/?token=guess'",
                    f"cat {runtime}/minigluon/docs-server-{port}.json >/dev/null 2>&1"
                    " && echo 'file read' || echo 'file refused'",
                    f"curl -s -o /dev/null -w 'run %{{http_code}}\\n' -X POST {base}/api/run"
                    f" -H 'Origin: {base}' -H 'Content-Type: application/json'"
                    f" -H 'Cookie: {xsrf}=abc' -H 'X-XSRFToken: abc' --data '{code}'",
                    f"curl -s -o /dev/null -w 'restart %{{http_code}}\\n' -X POST"
                    f" {base}/api/restart -H 'Origin: {base}' -H 'Content-Type: application/json'"
                    f" --data '{{\"tab\": \"attacker-tab-1\"}}'",
                ])
                out = subprocess.run([RUNUSER, "-u", "nobody", "--", "sh", "-c", script],
                                     capture_output=True, text=True, timeout=60).stdout
                page = Path(f"/tmp/attack-page-{port}").read_bytes()
            finally:
                proc.send_signal(signal.SIGTERM)
                proc.wait(60)
        assert out.split("\n")[:5] == ["page 403", "guess 403", "file refused", "run 403",
                                       "restart 403"], out
        secret = url.split("token=", 1)[1]
        assert secret.encode() not in page and b"token" not in page
        assert not marker.exists()
        assert not list(tmp_path.glob("minigluon-kernel-*"))  # no kernel ever started
    finally:
        shutil.rmtree(runtime_base, ignore_errors=True)
        Path(f"/tmp/attack-page-{port}").unlink(missing_ok=True)


def test_the_cli_sets_every_limit_of_the_pool():
    args = srv.cli().parse_args(["--kernel-memory", "1.5G", "--kernel-cpu", "60",
                                 "--max-kernels", "2", "--output-cap", "5000"])
    assert args.kernel_memory == 3 * 1024**3 // 2 and args.kernel_cpu == 60
    assert srv.cli().parse_args(["--kernel-memory", "512M"]).kernel_memory == 512 * 1024**2
    assert srv.cli().parse_args([]).kernel_memory is None  # the pool's fair share
    for bad in ["lots", "0", "-1G"]:
        with pytest.raises(SystemExit):
            srv.cli().parse_args(["--kernel-memory", bad])
    assert {f"--{o.flag}" for o in srv.LIVE_OPTIONS} <= set(srv.cli().format_help().split())


@pytest.mark.slow
def test_a_memory_hog_gets_memory_error_while_search_keeps_answering(site, docs_index):
    with KernelPool(run_timeout=20, max_kernels=1, spare=False,
                    memory_limit=1024**3) as small:
        server = start(site, docs_index, small)
        try:
            jar = login(server)
            answers: list[int] = []

            def search_meanwhile():
                while not done.is_set():
                    answers.append(request(server, "GET", "/api/search?q=array", headers={
                        "Cookie": cookie_header(jar)})[0])

            done = threading.Event()
            searcher = threading.Thread(target=search_meanwhile)
            searcher.start()
            code = "import numpy as np\nhog = np.ones(2**31)  # 16 GiB"
            status, _, body = request(server, "POST", "/api/run", run_body(code, "hog-tab-01"),
                                      good_headers(server, jar))
            done.set()
            searcher.join(30)
        finally:
            server.shutdown()
            server.server_close()
    result = json.loads(body)
    assert status == 200 and result["status"] in ("error", "died"), result
    text = json.dumps(result["outputs"])
    assert "MemoryError" in text or "restarted" in text
    assert answers and set(answers) == {200}
