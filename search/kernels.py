"""Jupyter kernels for the docs' live code cells: a pool with one kernel per browser tab.

A tab's kernel starts on its first run and keeps its state across the cells of one page; the
same tab asking for another page gets a restarted kernel, so a page never sees the variables
of the page before. Every run has a time limit (interrupt, then restart if the interrupt does
not land within a grace period) and an output cap (stop collecting, interrupt); a kernel that
dies is reported and restarted. Idle kernels are shut down, and when the pool is full a new
tab evicts the kernel idle longest. A spare kernel, started ahead once live code is in use,
makes a new tab, a new page or a restart take milliseconds instead of a kernel's start.

Kernels are ``ipykernel`` processes managed by ``jupyter_client``, all driven from one asyncio
loop on a thread of its own (the server's request threads wait on it), because zmq sockets
must not be shared between threads. They talk over Unix sockets (IPC) in a private directory,
never TCP, and run in a temporary working directory of their own with the server's
environment plus ``OPENBLAS_NUM_THREADS=1`` and matplotlib's inline backend.

A run's outputs come back as JSON-ready items (stream text, results, errors, PNG images,
notices from the pool): see :mod:`search.run_outputs`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import os
import queue
import re
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .run_outputs import RunOutputs

__all__ = ["KernelPool", "RunResult", "PoolBusyError", "TabBusyError", "KernelStartError",
           "DEFAULT_RUN_TIMEOUT", "DEFAULT_OUTPUT_CAP", "DEFAULT_IDLE_TIMEOUT",
           "DEFAULT_MAX_KERNELS", "MAX_CODE_CHARS"]

DEFAULT_RUN_TIMEOUT = 30.0
DEFAULT_OUTPUT_CAP = 1_000_000
DEFAULT_IDLE_TIMEOUT = 600.0
DEFAULT_MAX_KERNELS = 4
DEFAULT_INTERRUPT_GRACE = 3.0
DEFAULT_START_TIMEOUT = 60.0
MAX_CODE_CHARS = 100_000
MAX_PAGE_CHARS = 1_000
#: How often a waiting run checks that its kernel is alive and not cancelled (seconds).
POLL_SECONDS = 0.1

# Where the `search` package lives: pages import it (searching.md), and it is not installed.
_REPO_ROOT = Path(__file__).resolve().parent.parent
_TAB_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")
# History off: no sqlite file shared (and locked) by every kernel, and a faster start.
_KERNEL_ARGS = ["--HistoryManager.enabled=False"]


class PoolBusyError(RuntimeError):
    """Every kernel of a full pool is running a cell; nothing can be evicted."""


class TabBusyError(RuntimeError):
    """The tab's kernel is still running an earlier cell."""


class KernelStartError(RuntimeError):
    """A kernel did not start (or did not answer) within the start timeout."""


@dataclass
class RunResult:
    """What one run produced.

    ``status`` is ``ok``, ``error`` (the cell raised), ``timeout``, ``output-cap``, ``died``
    (the kernel process ended) or ``cancelled`` (a restart was asked for while it ran).
    ``kernel`` says whether the tab's kernel was ``reused`` or ``started``/``restarted`` for
    this run (then earlier cells of the page have not run in it).
    """

    status: str
    outputs: list[dict[str, str]]
    kernel: str
    execution_count: int | None = None
    elapsed: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"status": self.status, "kernel": self.kernel, "outputs": self.outputs,
                "execution_count": self.execution_count, "elapsed": round(self.elapsed, 4)}


@dataclass(eq=False)
class _Kernel:
    """A tab's slot in the pool; ``km``/``kc`` are None until its kernel starts."""

    tab: str
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    km: Any = None
    kc: Any = None
    root: Path | None = None
    page: str | None = None
    last_used: float = field(default_factory=time.monotonic)
    show: str = "last_expr"  # IPython's ast_node_interactivity in this kernel
    cancel: bool = False
    closed: bool = False


def _megabytes(n: int) -> str:
    return f"{n / 1e6:g} MB" if n >= 100_000 else f"{n:,} bytes"


class KernelPool:
    """Jupyter kernels, one per browser tab, with limits on time, output, idleness and number.

    Parameters
    ----------
    run_timeout : float, default 30
        Seconds a cell may run; then it is interrupted (and the kernel restarted if the
        interrupt does not land within ``interrupt_grace``).
    output_cap : int, default 1_000_000
        Bytes of output kept per run; past it collecting stops and the cell is interrupted.
    idle_timeout : float, default 600
        Seconds after its last run that a kernel is shut down.
    max_kernels : int, default 4
        Live kernels at most; a new tab evicts the kernel idle longest, or gets
        :class:`PoolBusyError` if all are running.
    interrupt_grace : float, default 3
        Seconds an interrupted cell has to stop before its kernel is restarted.
    start_timeout : float, default 60
        Seconds a kernel has to start and answer.
    spare : bool, default True
        Once a kernel has been started, keep one more started ahead, so that the next new
        tab or page (or restart) gets a kernel at once, not in 1-3 s. It is not counted in
        ``max_kernels``, and goes when the last tab's kernel is shut down for idleness.

    Examples
    --------
    >>> with KernelPool(run_timeout=5) as pool:  # doctest: +SKIP
    ...     _ = pool.run("tab-0001", "/index.html", "x = 20")
    ...     print(pool.run("tab-0001", "/index.html", "x * 2").outputs)
    [{'type': 'text', 'text': '40'}]
    """

    def __init__(self, run_timeout: float = DEFAULT_RUN_TIMEOUT,
                 output_cap: int = DEFAULT_OUTPUT_CAP,
                 idle_timeout: float = DEFAULT_IDLE_TIMEOUT,
                 max_kernels: int = DEFAULT_MAX_KERNELS,
                 interrupt_grace: float = DEFAULT_INTERRUPT_GRACE,
                 start_timeout: float = DEFAULT_START_TIMEOUT, spare: bool = True) -> None:
        for name, value in [("run_timeout", run_timeout), ("output_cap", output_cap),
                            ("idle_timeout", idle_timeout), ("max_kernels", max_kernels),
                            ("interrupt_grace", interrupt_grace),
                            ("start_timeout", start_timeout)]:
            if not value > 0:
                raise ValueError(f"KernelPool: {name} must be positive, got {value!r}")
        self.run_timeout = float(run_timeout)
        self.output_cap = int(output_cap)
        self.idle_timeout = float(idle_timeout)
        self.max_kernels = int(max_kernels)
        self.interrupt_grace = float(interrupt_grace)
        self.start_timeout = float(start_timeout)
        self.spare = bool(spare)
        self._spare: asyncio.Task[_Kernel] | None = None
        self._kernels: dict[str, _Kernel] = {}  # touched only on the loop's thread
        self._tasks: set[asyncio.Task[Any]] = set()
        self._closed = False
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="kernel-pool",
                                        daemon=True)
        self._thread.start()
        self._call(self._setup())

    # -- the API, called from any thread ---------------------------------------------------

    def run(self, tab: str, page: str, code: str, doctest: bool = False) -> RunResult:
        """Run ``code`` in ``tab``'s kernel for ``page`` (restarting it if the page changed).

        ``doctest`` shows the value of every top-level expression, as a ``>>>`` session
        does, not only the last one's.

        Raises ValueError for a malformed tab id, page or code; :class:`TabBusyError` if the tab
        is still running a cell; :class:`PoolBusyError` if the pool is full of running kernels;
        :class:`KernelStartError` if a kernel would not start.
        """
        _check_tab(tab)
        if not isinstance(page, str) or len(page) > MAX_PAGE_CHARS:
            raise ValueError(f"page must be a string of at most {MAX_PAGE_CHARS} characters")
        if not isinstance(code, str) or len(code) > MAX_CODE_CHARS:
            raise ValueError(f"code must be a string of at most {MAX_CODE_CHARS:,} characters")
        return self._call(self._run(tab, page, code, bool(doctest)))

    def restart(self, tab: str) -> bool:
        """Give ``tab`` a fresh kernel now, cancelling a running cell; False if it had none."""
        _check_tab(tab)
        return self._call(self._restart_tab(tab))

    def reap_idle(self, now: float | None = None) -> list[str]:
        """Shut down kernels idle for ``idle_timeout`` at ``now`` (time.monotonic()); the
        tabs whose kernels went. The pool also does this by itself, periodically."""
        return self._call(self._reap(time.monotonic() if now is None else now))

    def spare_ready(self) -> bool:
        """Whether a spare kernel is started and waiting for the next new tab or page."""
        async def ready() -> bool:
            spare = self._spare
            return spare is not None and spare.done() and spare.exception() is None
        return self._call(ready())

    def busy_tabs(self) -> list[str]:
        """Tabs whose kernel is running a cell (or starting for one)."""
        async def tabs() -> list[str]:
            return [k.tab for k in self._kernels.values() if k.lock.locked()]
        return self._call(tabs())

    def live_tabs(self) -> list[str]:
        """Tabs that hold a kernel, oldest use first."""
        async def tabs() -> list[str]:
            live = [k for k in self._kernels.values() if k.km is not None]
            return [k.tab for k in sorted(live, key=lambda k: k.last_used)]
        return self._call(tabs())

    def close(self) -> None:
        """Shut down every kernel and the pool's thread (idempotent)."""
        if self._closed:
            return
        self._closed = True
        try:
            asyncio.run_coroutine_threadsafe(self._shutdown_all(), self._loop).result(60)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
            if not self._thread.is_alive():
                self._loop.close()

    def __enter__(self) -> KernelPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _call(self, coro: Any) -> Any:
        if self._closed:
            coro.close()
            raise RuntimeError("the kernel pool is closed")
        future = asyncio.run_coroutine_threadsafe(coro, self._loop)
        # A run takes at most its limit, a grace period and two kernel starts (a new page,
        # then a restart); far more is a bug, and a request must not hang on it.
        limit = self.run_timeout + self.interrupt_grace + 3 * self.start_timeout + 30
        try:
            return future.result(limit)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise KernelStartError(f"the kernel pool did not answer within {limit:g} s") from None

    # -- on the loop --------------------------------------------------------------------------

    async def _setup(self) -> None:
        import zmq.asyncio

        self._ctx = zmq.asyncio.Context()
        self._env = dict(os.environ, OPENBLAS_NUM_THREADS="1",
                         MPLBACKEND="module://matplotlib_inline.backend_inline")
        # absolute: kernels run in a directory of their own, where `src` means nothing
        path = [str(_REPO_ROOT), *(os.path.abspath(p) for p in
                                   self._env.get("PYTHONPATH", "").split(os.pathsep) if p)]
        self._env["PYTHONPATH"] = os.pathsep.join(path)
        self._reaper_task = self._loop.create_task(self._reaper())

    def _spawn(self, coro: Any) -> None:
        task = self._loop.create_task(coro)
        self._tasks.add(task)  # the loop keeps only weak references to tasks
        task.add_done_callback(self._tasks.discard)

    async def _reaper(self) -> None:
        interval = max(0.05, min(self.idle_timeout / 4, 30.0))
        while True:
            await asyncio.sleep(interval)
            # a task of its own: closing the pool cancels this loop, never a half-done shutdown
            self._spawn(self._reap(time.monotonic()))

    async def _reap(self, now: float) -> list[str]:
        idle = [k for k in self._kernels.values()
                if not k.lock.locked() and now - k.last_used >= self.idle_timeout]
        for k in idle:
            self._detach(k)
        for k in idle:
            await self._retire(k)
        if not self._kernels and self._spare is not None and self._spare.done():
            await self._drop_spare()  # nobody has used live code for a while
        return [k.tab for k in idle]

    def _detach(self, k: _Kernel) -> None:
        k.closed = True
        if self._kernels.get(k.tab) is k:
            del self._kernels[k.tab]

    async def _retire(self, k: _Kernel) -> None:
        async with k.lock:
            await self._stop(k)

    def _slot(self, tab: str) -> _Kernel:
        """The tab's slot, made room for by evicting the kernel idle longest if need be."""
        k = self._kernels.get(tab)
        if k is not None:
            return k
        if len(self._kernels) >= self.max_kernels:
            idle = [k for k in self._kernels.values() if not k.lock.locked()]
            if not idle:
                raise PoolBusyError(f"all kernels ({self.max_kernels} at most) are running "
                                    "cells; try again when one finishes")
            victim = min(idle, key=lambda k: k.last_used)
            self._detach(victim)
            self._spawn(self._retire(victim))
        k = self._kernels[tab] = _Kernel(tab)
        return k

    async def _run(self, tab: str, page: str, code: str, doctest: bool) -> RunResult:
        k = self._slot(tab)
        if k.lock.locked():
            raise TabBusyError("this tab's kernel is still running a cell")
        async with k.lock:
            started = time.monotonic()
            k.last_used = started
            kernel = "reused"
            if k.km is None:
                kernel = "started"
                await self._start(k)
            elif k.page != page:
                kernel = "restarted"
                await self._replace(k)
            k.page = page
            try:
                status, outputs, count = await self._execute(k, code, doctest)
            finally:
                k.last_used = time.monotonic()
            return RunResult(status, outputs, kernel, count, k.last_used - started)

    async def _restart_tab(self, tab: str) -> bool:
        k = self._kernels.get(tab)
        if k is None:
            return False
        k.cancel = True  # a running cell gives up the lock within POLL_SECONDS
        async with k.lock:
            k.cancel = False
            if k.closed or k.km is None:
                return False
            await self._replace(k)
            k.last_used = time.monotonic()
            return True

    async def _replace(self, k: _Kernel) -> None:
        """Give ``k`` a fresh kernel; its old one is shut down meanwhile, in the background."""
        old = _Kernel(k.tab, km=k.km, kc=k.kc, root=k.root)
        k.km = k.kc = k.root = None
        self._spawn(self._stop(old))
        await self._start(k)

    async def _start(self, k: _Kernel) -> None:
        """Give ``k`` a running kernel: the spare one if it is ready and alive, else a new one."""
        spare, self._spare = self._spare, None
        ready = None
        if spare is not None:
            with contextlib.suppress(KernelStartError):
                ready = await spare  # done by now, usually; if not, ahead of a new one
            if ready is not None and not await ready.km.is_alive():
                await self._stop(ready)
                ready = None
        if ready is None:
            ready = await self._launch()
        k.km, k.kc, k.root, k.show = ready.km, ready.kc, ready.root, ready.show
        if self.spare:
            self._spare = self._loop.create_task(self._launch())

    async def _launch(self) -> _Kernel:
        """A new kernel, started and answering, in a slot of its own."""
        from jupyter_client.manager import AsyncKernelManager

        k = _Kernel("new-kernel")
        k.root = Path(tempfile.mkdtemp(prefix="minigluon-kernel-"))
        (k.root / "work").mkdir()
        (k.root / "run").mkdir()
        k.km = AsyncKernelManager(context=self._ctx, transport="ipc",
                                  ip=str(k.root / "run" / "kernel"),
                                  connection_file=str(k.root / "run" / "kernel.json"))
        try:
            await asyncio.wait_for(
                k.km.start_kernel(cwd=str(k.root / "work"), env=self._env,
                                  extra_arguments=_KERNEL_ARGS),
                self.start_timeout)
            k.kc = k.km.client()
            k.kc.start_channels()
            await k.kc.wait_for_ready(timeout=self.start_timeout)
        except Exception as e:
            await self._stop(k)
            why = (f"no answer within {self.start_timeout:g} s" if isinstance(e, TimeoutError)
                   else str(e) or type(e).__name__)
            raise KernelStartError(f"the kernel did not start: {why}") from e
        return k

    async def _drop_spare(self) -> None:
        spare, self._spare = self._spare, None
        if spare is not None:
            with contextlib.suppress(KernelStartError):
                await self._stop(await spare)

    async def _stop(self, k: _Kernel) -> None:
        if k.kc is not None:
            k.kc.stop_channels()
        if k.km is not None:
            with contextlib.suppress(Exception):  # a kernel that already died is fine
                await k.km.shutdown_kernel(now=True)
        if k.root is not None:
            shutil.rmtree(k.root, ignore_errors=True)
        k.km = k.kc = k.root = None
        k.show = "last_expr"

    async def _shutdown_all(self) -> None:
        self.spare = False
        self._reaper_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._reaper_task
        kernels = list(self._kernels.values())
        for k in kernels:
            self._detach(k)
            k.cancel = True
        for k in kernels:
            await self._retire(k)
        await self._drop_spare()
        while self._tasks:  # shutdowns under way (evictions, replaced kernels) finish
            await asyncio.gather(*self._tasks)
        self._ctx.destroy(linger=0)

    async def _execute(self, k: _Kernel, code: str, doctest: bool
                       ) -> tuple[str, list[dict[str, str]], int | None]:
        """Send ``code``, collect its outputs until the kernel is idle or a limit is hit."""
        out = RunOutputs(self.output_cap)
        if k.cancel:
            out.notice("Cancelled: the kernel was restarted.")
            return "cancelled", out.items, None
        await _drain(k.kc.get_shell_msg)  # replies to cells cut short earlier
        show = "all" if doctest else "last_expr"
        if k.show != show:
            # IPython setting, sent as its own silent cell: a doctest shows every value
            await self._collect(k, f"get_ipython().ast_node_interactivity = {show!r}",
                                RunOutputs(self.output_cap), silent=True)
            k.show = show
        return await self._collect(k, code, out)

    async def _collect(self, k: _Kernel, code: str, out: RunOutputs, silent: bool = False
                       ) -> tuple[str, list[dict[str, str]], int | None]:
        kc, km = k.kc, k.km
        msg_id = kc.execute(code, silent=silent, store_history=not silent, allow_stdin=False,
                            stop_on_error=False)
        deadline = time.monotonic() + self.run_timeout
        stop_by: float | None = None  # set once interrupted: the grace period's end
        status, count = "ok", None
        while True:
            now = time.monotonic()
            if k.cancel:
                out.notice("Cancelled: the kernel was restarted.")
                return "cancelled", out.items, count
            if stop_by is None and now >= deadline:
                status, stop_by = "timeout", now + self.interrupt_grace
                await km.interrupt_kernel()
            if stop_by is not None and now >= stop_by:
                await self._replace(k)
                out.notice(self._stopped(status, restarted=True))
                return status, out.items, count
            wait = min(POLL_SECONDS, (stop_by or deadline) - now)
            try:
                msg = await kc.get_iopub_msg(timeout=max(wait, 0.001))
            except queue.Empty:
                if not await km.is_alive():
                    out.notice(f"The kernel died while running this cell "
                               f"({await _exit_reason(km)}); it was restarted, so variables "
                               "from earlier cells are gone.")
                    await self._replace(k)
                    return "died", out.items, count
                continue
            if msg["parent_header"].get("msg_id") != msg_id:
                continue  # output of a cell cut short earlier
            kind, content = msg["msg_type"], msg["content"]
            if kind == "status" and content.get("execution_state") == "idle":
                break
            if kind == "execute_input":
                count = content.get("execution_count")
            elif kind == "error":
                if stop_by is not None and content.get("ename") == "KeyboardInterrupt":
                    continue  # our own interrupt: the notice says it better
                status = "error" if status == "ok" else status
            out.add_message(kind, content)
            if out.full and stop_by is None:
                status, stop_by = "output-cap", time.monotonic() + self.interrupt_grace
                await km.interrupt_kernel()
        if stop_by is not None:
            out.notice(self._stopped(status, restarted=False))
        return status, out.items, count

    def _stopped(self, status: str, restarted: bool) -> str:
        lost = "so the kernel was restarted: variables from earlier cells are gone."
        if status == "timeout":
            why = f"Stopped: the cell ran longer than the {self.run_timeout:g} s time limit"
            return (f"{why} and did not stop when interrupted, {lost}" if restarted
                    else f"{why} and was interrupted (the kernel keeps its variables).")
        why = f"Output stopped at the {_megabytes(self.output_cap)} output limit"
        return (f"{why}; the cell did not stop when interrupted, {lost}" if restarted
                else f"{why} and the cell was interrupted (the kernel keeps its variables).")


async def _exit_reason(km: Any) -> str:
    code = await km.provisioner.poll() if km.provisioner is not None else None
    return f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"


async def _drain(get: Any) -> None:
    with contextlib.suppress(queue.Empty):
        while True:
            await get(timeout=0)


def _check_tab(tab: Any) -> None:
    if not isinstance(tab, str) or not _TAB_ID.fullmatch(tab):
        raise ValueError("tab must be 8 to 64 letters, digits, '-' or '_'")
