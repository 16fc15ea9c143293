"""search.kernels: a tab's kernel keeps state, and every limit ends a run with a clear notice.

Kernels take 1-2 s to start, so the tests share one pool and one warm tab, each test setting
the variables it reads; the tests that cost a kernel start say so.
"""

from __future__ import annotations

import base64
import os
import threading
import time

import pytest

pytest.importorskip("ipykernel")
pytest.importorskip("jupyter_client")

from search.kernels import KernelPool, PoolBusyError, TabBusyError
from search.run_outputs import RunOutputs, png_base64

PAGE = "/guide.html"
TAB = "warm-tab-0001"
CAP = 20_000


@pytest.fixture(scope="module")
def pool():
    # no spare kernel: each start below is a real one (the spare has a test of its own)
    with KernelPool(run_timeout=2, output_cap=CAP, interrupt_grace=1, max_kernels=1,
                    spare=False) as p:
        yield p


def texts(result, kind: str = "text") -> list[str]:
    return [o["text"] for o in result.outputs if o["type"] == kind]


def wait_until_busy(pool, tab: str) -> None:
    deadline = time.monotonic() + 30
    while tab not in pool.busy_tabs():
        assert time.monotonic() < deadline, f"{tab} never started running"
        time.sleep(0.02)
    time.sleep(0.2)  # and the cell reached the kernel


def notice(result) -> str:
    found = texts(result, "notice")
    assert len(found) == 1, result.outputs
    return found[0]


@pytest.mark.slow
def test_state_is_kept_across_runs(pool):
    first = pool.run(TAB, PAGE, "x = 41")
    assert first.status == "ok" and first.outputs == []
    second = pool.run(TAB, PAGE, "x + 1")
    assert second.kernel == "reused" and texts(second) == ["42"]
    assert second.execution_count == first.execution_count + 1


@pytest.mark.slow
def test_streams_and_errors_are_plain_text(pool):
    r = pool.run(TAB, PAGE, "import sys\nprint('out'); print('err', file=sys.stderr)\n1/0")
    assert r.status == "error"
    assert [o["type"] for o in r.outputs] == ["stream", "stream", "error"]
    assert r.outputs[0] == {"type": "stream", "name": "stdout", "text": "out\n"}
    assert r.outputs[1] == {"type": "stream", "name": "stderr", "text": "err\n"}
    error = r.outputs[2]
    assert error["ename"] == "ZeroDivisionError" and error["evalue"] == "division by zero"
    assert "\x1b" not in error["traceback"]
    assert error["traceback"].rstrip().endswith("ZeroDivisionError: division by zero")


@pytest.mark.slow
def test_doctest_mode_shows_every_value_like_a_prompt(pool):
    code = "a = 2\na * 3\nNone\na * 4"
    assert texts(pool.run(TAB, PAGE, code)) == ["8"]
    assert texts(pool.run(TAB, PAGE, code, doctest=True)) == ["6", "8"]
    assert texts(pool.run(TAB, PAGE, code)) == ["8"]  # and back for the next plain cell


@pytest.mark.slow
def test_environment_and_working_directory(pool):
    r = pool.run(TAB, PAGE, "import os\n"
                            "print(os.getcwd()); print(os.environ['OPENBLAS_NUM_THREADS'])\n"
                            "print(os.environ['MPLBACKEND'])")
    cwd, blas, backend = texts(r, "stream")[0].split()
    assert os.path.isdir(cwd) and os.path.basename(cwd) == "work"
    assert os.path.realpath(cwd) != os.path.realpath(os.getcwd())
    assert blas == "1" and backend == "module://matplotlib_inline.backend_inline"


@pytest.mark.slow
def test_time_limit_interrupts_and_keeps_state(pool):
    pool.run(TAB, PAGE, "kept = 'yes'")
    start = time.monotonic()
    r = pool.run(TAB, PAGE, "print('started', flush=True)\nwhile True: pass")
    assert time.monotonic() - start < 2 + 1 + 1
    assert r.status == "timeout"
    assert texts(r, "stream") == ["started\n"]
    assert "longer than the 2 s time limit" in notice(r)
    assert "keeps its variables" in notice(r)
    assert not [o for o in r.outputs if o["type"] == "error"]  # no KeyboardInterrupt noise
    assert texts(pool.run(TAB, PAGE, "kept")) == ["'yes'"]


@pytest.mark.slow
def test_output_cap_stops_collecting_and_interrupts(pool):
    pool.run(TAB, PAGE, "kept = 'still'")
    r = pool.run(TAB, PAGE, "while True: print('x' * 99)")
    assert r.status == "output-cap"
    assert sum(len(t.encode()) for t in texts(r, "stream")) == CAP
    assert "20,000 bytes output limit" in notice(r) and "interrupted" in notice(r)
    assert texts(pool.run(TAB, PAGE, "kept")) == ["'still'"]


@pytest.mark.slow
def test_plots_come_back_as_png(pool, monkeypatch):
    monkeypatch.setattr(pool, "run_timeout", 60)  # importing pyplot takes seconds here
    monkeypatch.setattr(pool, "output_cap", 1_000_000)  # a PNG is tens of KB
    r = pool.run(TAB, PAGE, "import matplotlib.pyplot as plt\nplt.plot([1, 3, 2]);")
    assert r.status == "ok", r.outputs
    (image,) = [o for o in r.outputs if o["type"] == "image"]
    assert image["mime"] == "image/png"
    assert base64.b64decode(image["data"]).startswith(b"\x89PNG\r\n\x1a\n")


@pytest.mark.slow
def test_html_output_is_passed_on_as_text_only(pool):
    r = pool.run(TAB, PAGE, "from IPython.display import HTML\nHTML('<b>bold</b>')")
    assert r.outputs == [{"type": "text", "text": "<IPython.core.display.HTML object>"}]


def run_in_background(pool, code: str) -> tuple[threading.Thread, list]:
    """Start ``code`` on TAB in a thread; returns the thread and the list its result joins."""
    done: list = []
    worker = threading.Thread(target=lambda: done.append(pool.run(TAB, PAGE, code)))
    worker.start()
    wait_until_busy(pool, TAB)
    return worker, done


@pytest.mark.slow
def test_a_second_run_of_a_busy_tab_is_refused(pool):
    pool.run(TAB, PAGE, "import time")
    worker, done = run_in_background(pool, "time.sleep(1)")
    with pytest.raises(TabBusyError, match="still running"):
        pool.run(TAB, PAGE, "1")
    worker.join()
    assert done[0].status == "ok"


@pytest.mark.slow
def test_kernel_that_dies_is_reported_and_restarted(pool):
    """One kernel start."""
    pool.run(TAB, PAGE, "doomed = 1")
    start = time.monotonic()
    r = pool.run(TAB, PAGE, "import os; os._exit(3)")
    assert time.monotonic() - start < 15
    assert r.status == "died"
    assert "kernel died" in notice(r) and "exit code 3" in notice(r)
    after = pool.run(TAB, PAGE, "doomed")
    assert after.kernel == "reused" and after.outputs[0]["ename"] == "NameError"


@pytest.mark.slow
def test_cell_that_ignores_the_interrupt_gets_a_restart(pool):
    """One kernel start."""
    r = pool.run(TAB, PAGE, "import signal\nsignal.signal(signal.SIGINT, signal.SIG_IGN)\n"
                            "while True: pass")
    assert r.status == "timeout"
    assert "did not stop when interrupted" in notice(r) and "restarted" in notice(r)
    assert pool.run(TAB, PAGE, "1 + 1").outputs == [{"type": "text", "text": "2"}]


@pytest.mark.slow
def test_restart_cancels_a_running_cell(pool):
    """One kernel start."""
    pool.run(TAB, PAGE, "gone = 1")
    worker, done = run_in_background(pool, "while True: pass")
    assert pool.restart(TAB) is True
    worker.join()
    assert done[0].status == "cancelled" and "restarted" in notice(done[0])
    assert pool.run(TAB, PAGE, "gone").outputs[0]["ename"] == "NameError"
    assert pool.restart("never-ran-tab") is False


@pytest.mark.slow
def test_full_pool_evicts_the_kernel_idle_longest(pool):
    """One kernel start (the pool holds one kernel)."""
    pool.run(TAB, PAGE, "0")
    assert pool.live_tabs() == [TAB]
    pool.run("second-tab", PAGE, "0")
    deadline = time.monotonic() + 10
    while TAB in pool.live_tabs() and time.monotonic() < deadline:
        time.sleep(0.05)  # the evicted kernel shuts down in the background
    assert pool.live_tabs() == ["second-tab"]


@pytest.mark.slow
def test_full_pool_of_running_kernels_is_busy(pool):
    worker = threading.Thread(target=pool.run,
                              args=("second-tab", PAGE, "import time; time.sleep(1)"))
    worker.start()
    wait_until_busy(pool, "second-tab")
    with pytest.raises(PoolBusyError, match=r"all kernels \(1 at most\) are running"):
        pool.run(TAB, PAGE, "0")
    worker.join()


@pytest.mark.slow
def test_idle_kernels_are_shut_down(pool):
    assert pool.reap_idle(time.monotonic() + 60) == []  # not idle for 10 minutes yet
    assert pool.reap_idle(time.monotonic() + 601) == ["second-tab"]
    assert pool.live_tabs() == []


@pytest.mark.slow
def test_a_spare_kernel_makes_a_new_page_instant_and_goes_when_idle():
    """Three kernel starts: the tab's, the spare, and the spare after it (in the background)."""
    with KernelPool(idle_timeout=1) as p:
        p.run(TAB, PAGE, "here = 1")
        deadline = time.monotonic() + 30
        while not p.spare_ready() and time.monotonic() < deadline:
            p.run(TAB, PAGE, "0")  # in use: not reaped while the spare starts
            time.sleep(0.05)
        r = p.run(TAB, "/other.html", "'here' in dir()")
        assert r.kernel == "restarted" and texts(r) == ["False"]
        assert r.elapsed < 1.0  # no kernel start in it
        deadline = time.monotonic() + 15  # the pool reaps by itself: the tab's, then the spare
        while (p.live_tabs() or p.spare_ready()) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert p.live_tabs() == [] and not p.spare_ready()


@pytest.mark.parametrize("tab", ["short", "x" * 65, "has space!", None, 7])
def test_malformed_tab_is_refused(pool, tab):
    with pytest.raises(ValueError, match="tab must be"):
        pool.run(tab, PAGE, "0")


def test_malformed_code_and_limits_are_refused(pool):
    with pytest.raises(ValueError, match="code must be"):
        pool.run(TAB, PAGE, "x" * 100_001)
    with pytest.raises(ValueError, match="page must be"):
        pool.run(TAB, None, "0")
    with pytest.raises(ValueError, match="run_timeout must be positive, got 0"):
        KernelPool(run_timeout=0)


def test_a_closed_pool_says_so():
    p = KernelPool()
    p.close()
    p.close()
    with pytest.raises(RuntimeError, match="closed"):
        p.run(TAB, PAGE, "0")


# -- outputs, without a kernel -------------------------------------------------------------

def test_outputs_cut_text_at_the_cap_on_a_character_boundary():
    out = RunOutputs(cap=5)
    out.add_message("stream", {"name": "stdout", "text": "ab"})
    out.add_message("stream", {"name": "stdout", "text": "cdé!"})  # é is two bytes
    out.add_message("stream", {"name": "stdout", "text": "more"})
    assert out.full and out.items == [{"type": "stream", "name": "stdout", "text": "abcd"}]


def test_outputs_take_only_real_png_base64():
    png = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0" * 8).decode()
    assert png_base64(png) == png
    assert png_base64(png[:20] + "\n" + png[20:]) == png
    for bad in ["PHN2Zz4=", "not base64!", png + "<", 42, None]:
        assert png_base64(bad) is None
    out = RunOutputs(cap=1000)
    out.add_message("display_data", {"data": {"image/png": "PHN2Zz4=", "text/plain": "<Fig>"}})
    assert out.items == [{"type": "text", "text": "<Fig>"}]


def test_outputs_clear_output_waits_for_the_next_output():
    out = RunOutputs(cap=1000)
    out.add_message("stream", {"name": "stdout", "text": "10%"})
    out.add_message("clear_output", {"wait": True})
    assert out.items
    out.add_message("stream", {"name": "stdout", "text": "20%"})
    assert out.items == [{"type": "stream", "name": "stdout", "text": "20%"}]
