"""search.live.pool: a tab's kernel keeps state, and every limit ends a run with a clear notice.

Kernels take 1-2 s to start, so the tests share one pool and one warm tab, each test setting
the variables it reads; the tests that cost a kernel start say so. The tests of the pool's hard
limits (kernel count, memory, CPU time, processes that outlive their kernel) have pools of
their own, and count real processes.
"""

from __future__ import annotations

import base64
import contextlib
import os
import threading
import time

import psutil
import pytest

pytest.importorskip("ipykernel")
pytest.importorskip("jupyter_client")

from search.live.outputs import RunOutputs, png_base64
from search.live.pool import KernelPool, KernelStartError, PoolBusyError, TabBusyError
from search.live.processes import MARKER

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


# -- hard limits: pools of their own, real processes counted ---------------------------------

def kernel_processes(pool: KernelPool) -> list[psutil.Process]:
    """The pool's kernel processes: those started with a connection file in its folder (from
    the launch on: the limits launcher has it in its command line too), but not their own
    children, which have it too between their fork and exec (a starting kernel runs
    ``uname -p``). A zombie, which holds no memory, has no command line and is not counted."""
    folder = str(pool.folder)
    found = {p.pid: p for p in psutil.process_iter(["cmdline", "ppid"])
             if any(folder in arg for arg in p.info["cmdline"] or ())}
    return [p for p in found.values() if p.info["ppid"] not in found]


class KernelCounter(threading.Thread):
    """Counts the pool's kernel processes, continuously, until stopped; ``most`` seen."""

    def __init__(self, pool: KernelPool) -> None:
        super().__init__(daemon=True)
        self.pool, self.most, self.samples = pool, 0, 0
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.is_set():
            self.most = max(self.most, len(kernel_processes(self.pool)))
            self.samples += 1

    def stop(self) -> int:
        self.done.set()
        self.join()
        return self.most


def gone(pids: list[int], timeout: float = 15) -> bool:
    """Whether every one of ``pids`` ends within ``timeout``: exits, or is a zombie (dead,
    waiting for init to collect it: they are not our children, so psutil polls)."""
    procs = []
    for pid in pids:
        with contextlib.suppress(psutil.NoSuchProcess):
            procs.append(psutil.Process(pid))
    _, alive = psutil.wait_procs(procs, timeout=timeout)
    return all(zombie(p) for p in alive)


def zombie(p: psutil.Process) -> bool:
    try:
        return p.status() == psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return True


def burst(pool: KernelPool, tabs: list[str]) -> list[str]:
    """Every tab at once: a run, a run on another page (a new kernel), a restart; what each
    step came to."""
    start = threading.Barrier(len(tabs))
    seen: list[str] = []

    def tab_life(tab: str) -> None:
        start.wait()
        for step in ["/a.html", "/b.html", "restart"]:
            try:
                if step == "restart":
                    seen.append(f"restart:{pool.restart(tab)}")
                else:
                    seen.append(pool.run(tab, step, "1").status)
            except PoolBusyError:
                seen.append("busy")

    threads = [threading.Thread(target=tab_life, args=(tab,)) for tab in tabs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return seen


@pytest.mark.slow
@pytest.mark.parametrize("max_kernels", [2, 3])
def test_bursts_of_tabs_never_make_more_than_max_kernels_and_a_spare(max_kernels):
    """Three bursts of 16 tabs; about ten kernel starts."""
    pool = KernelPool(max_kernels=max_kernels, run_timeout=10)
    counter = KernelCounter(pool)
    counter.start()
    try:
        seen = []
        for b in range(3):
            seen += burst(pool, [f"burst{b}-tab-{i:02d}" for i in range(16)])
        assert seen.count("ok") >= 2 * max_kernels and "busy" in seen
        # idle kernels and the spare go; evictions' shutdowns may still be finishing
        pool.reap_idle(time.monotonic() + 10**6)
        deadline = time.monotonic() + 15
        while kernel_processes(pool) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert kernel_processes(pool) == []
        assert pool.live_tabs() == [] and not pool.spare_ready()
    finally:
        pool.close()
        most = counter.stop()
    assert counter.samples > 100
    assert max_kernels <= most <= max_kernels + 1
    assert kernel_processes(pool) == [] and not pool.folder.exists()


@pytest.mark.slow
def test_close_ends_starting_kernels_and_the_spare():
    """Two kernel starts under way when the pool closes."""
    pool = KernelPool(max_kernels=2)
    try:
        pool.run("first-tab-01", PAGE, "1")  # and the spare starts
        outcome: list = []

        def second() -> None:
            try:
                outcome.append(pool.run("second-tab-01", "/new.html", "1").status)
            except (KernelStartError, RuntimeError) as e:
                outcome.append(type(e).__name__)

        worker = threading.Thread(target=second)
        worker.start()
        wait_until_busy(pool, "second-tab-01")
    finally:
        pool.close()
    worker.join()
    assert outcome and outcome[0] in {"cancelled", "KernelStartError", "RuntimeError"}
    assert kernel_processes(pool) == [] and not pool.folder.exists()


@pytest.fixture
def lone_pool():
    """A pool of one kernel and no spare, with limits the tests below change."""
    def make(**limits) -> KernelPool:
        made.append(KernelPool(max_kernels=1, spare=False, **limits))
        return made[-1]
    made: list[KernelPool] = []
    yield make
    for p in made:
        p.close()


@pytest.mark.slow
def test_a_cell_over_the_memory_limit_gets_a_memory_error(lone_pool):
    """One kernel start, with 1 GiB of address space (numpy takes ~300 MB of it)."""
    pool = lone_pool(memory_limit=2**30, run_timeout=20)
    pool.run(TAB, PAGE, "import numpy as np\nkept = 'yes'")
    for hog in ["a = np.ones(2**31)",  # 16 GiB at once
                "a = [np.ones(2**24) for _ in range(64)]"]:  # 128 MiB at a time, 8 GiB in all
        r = pool.run(TAB, PAGE, hog)
        assert r.status == "error", r.outputs
        assert r.outputs[-1]["ename"] == "MemoryError", r.outputs
    assert texts(pool.run(TAB, PAGE, "kept, int(np.ones(2**20).sum())")) == ["('yes', 1048576)"]


@pytest.mark.slow
def test_a_kernel_past_its_cpu_time_limit_is_ended_and_says_so(lone_pool):
    """Two kernel starts; the run's time limit is far beyond the 2 s of CPU time."""
    pool = lone_pool(cpu_limit=2, run_timeout=30)
    pool.run(TAB, PAGE, "gone = 1")
    r = pool.run(TAB, PAGE, "while True: pass")
    assert r.status == "died" and r.elapsed < 15
    assert "CPU-time limit, 2 s of CPU" in notice(r) and "restarted" in notice(r)
    after = pool.run(TAB, PAGE, "gone")
    assert after.kernel == "reused" and after.outputs[0]["ename"] == "NameError"


# The kernel starts a child in a session of its own, and a daemon (double fork: its parent
# exits, so it belongs to init, in a session of its own): neither is in the kernel's process
# group; the first is still its descendant, the second carries only its marker.
ESCAPES = """\
import os, subprocess, sys
quiet = dict(stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
child = subprocess.Popen(["sleep", "1000"], start_new_session=True, **quiet)
daemon = subprocess.run([sys.executable, "-c", "import subprocess, sys; print(subprocess.Popen("
                         "['sleep', '1001'], start_new_session=True, stdin=subprocess.DEVNULL, "
                         "stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).pid)"],
                        capture_output=True, text=True, check=True).stdout
print(os.getpid(), child.pid, daemon)
"""


@pytest.mark.slow
def test_a_restart_ends_processes_that_left_the_kernels_session(lone_pool):
    """Two kernel starts."""
    pool = lone_pool(run_timeout=20)
    r = pool.run(TAB, PAGE, ESCAPES)
    assert r.status == "ok", r.outputs
    kernel, child, daemon = (int(pid) for pid in texts(r, "stream")[0].split())
    for pid in child, daemon:
        p = psutil.Process(pid)
        assert os.getpgid(pid) not in (kernel, os.getpgid(kernel))
        assert p.environ()[MARKER].startswith("minigluon-")
    assert psutil.Process(child).ppid() == kernel
    assert daemon not in [p.pid for p in psutil.Process(kernel).children(recursive=True)]
    assert pool.restart(TAB) is True
    assert gone([kernel, child, daemon])


@pytest.mark.slow
def test_close_ends_processes_that_left_the_kernels_session(lone_pool):
    """One kernel start."""
    pool = lone_pool(run_timeout=20)
    r = pool.run(TAB, PAGE, ESCAPES)
    pids = [int(pid) for pid in texts(r, "stream")[0].split()]
    pool.close()
    assert gone(pids, timeout=0) and not pool.folder.exists()


@pytest.mark.slow
def test_output_cap_counts_output_that_was_cleared(lone_pool):
    """One kernel start. A progress display (clear, print, again) keeps little but sends a
    lot; the cap stops it all the same."""
    pool = lone_pool(output_cap=CAP, run_timeout=20, interrupt_grace=2)
    pool.run(TAB, PAGE, "kept = 'still'")
    r = pool.run(TAB, PAGE, "from IPython.display import clear_output\n"
                            "while True:\n    clear_output(wait=True)\n    print('x' * 99)")
    assert r.status == "output-cap", r.outputs
    assert 0 < sum(len(t.encode()) for t in texts(r, "stream")) <= 200
    assert "20,000 bytes output limit" in notice(r) and "interrupted" in notice(r)
    assert texts(pool.run(TAB, PAGE, "kept")) == ["'still'"]


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


def test_outputs_cap_counts_bytes_sent_not_kept():
    out = RunOutputs(cap=1000)
    for _ in range(8):
        out.add_message("clear_output", {"wait": True})
        out.add_message("stream", {"name": "stdout", "text": "x" * 99 + "\n"})
    assert not out.full and out.items == [{"type": "stream", "name": "stdout",
                                           "text": "x" * 99 + "\n"}]
    out.add_message("update_display_data", {"data": {"text/plain": "y" * 200}})
    assert out.full and out.sent > 1000 and out.size == 100
