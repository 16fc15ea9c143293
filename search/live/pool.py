"""Jupyter kernels for the docs' live code cells: a pool with one kernel per browser tab.

A tab's kernel starts on its first run and keeps its state across the cells of one page; the
same tab asking for another page gets a restarted kernel, so a page never sees the variables
of the page before. Every run has a time limit (interrupt, then restart if the interrupt does
not land within a grace period) and an output cap on the bytes the kernel sends (interrupt);
a kernel that dies is reported and restarted. Idle kernels are shut down, and when the pool is
full a new tab evicts the kernel idle longest. A spare kernel, started ahead once live code is
in use, makes a new tab, a new page or a restart take milliseconds instead of a kernel's start.

Hard limits, whatever the number of tabs and how they race:

- At most ``max_kernels + 1`` kernel processes exist at any moment (the tabs' and one spare):
  each holds one of as many permits from before its launch until it is confirmed gone, so a
  replacement or an eviction with no permit free waits for the old kernel's end, and a spare
  is started only when a permit is free at once. Stopping a kernel ends its whole process
  tree, daemons that left it included (search.live.processes).
- Each kernel may use ``memory_limit`` bytes of address space (by default a fair share of the
  machine's RAM: RAM / (max_kernels + 1)) and ``cpu_limit`` seconds of CPU time over its life;
  a cell past the memory limit gets a MemoryError (or its kernel dies and is restarted, with a
  notice), and a kernel past the CPU limit is ended, with a notice saying so.
- :meth:`KernelPool.close` (the server calls it on Ctrl-C, SIGTERM and SIGHUP) ends every
  kernel, starting or spare ones too, and removes the pool's temporary folder, where every
  kernel's files live.

Kernels are ``ipykernel`` processes managed by ``jupyter_client`` (one kernel and one run:
search.live.cell), all driven from one asyncio loop on a thread of its own, because zmq
sockets must not be shared between threads; the server's request threads wait on it. Kernels
get the server's environment plus ``OPENBLAS_NUM_THREADS=1``, ``MALLOC_ARENA_MAX=2`` and
matplotlib's inline backend. A run's outputs come back as JSON-ready items (stream text,
results, errors, PNG images, notices from the pool): see search.live.outputs.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import math
import os
import re
import secrets
import shutil
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import cell, processes
from .cell import KernelStartError

__all__ = ["KernelPool", "RunResult", "PoolBusyError", "TabBusyError", "KernelStartError",
           "DEFAULT_RUN_TIMEOUT", "DEFAULT_OUTPUT_CAP", "DEFAULT_IDLE_TIMEOUT",
           "DEFAULT_MAX_KERNELS", "DEFAULT_CPU_LIMIT", "MAX_CODE_CHARS", "fair_memory_share"]

DEFAULT_RUN_TIMEOUT = 30.0
DEFAULT_OUTPUT_CAP = 1_000_000
DEFAULT_IDLE_TIMEOUT = 600.0
DEFAULT_MAX_KERNELS = 4
DEFAULT_INTERRUPT_GRACE = 3.0
DEFAULT_START_TIMEOUT = 60.0
DEFAULT_CPU_LIMIT = 1800
MAX_CODE_CHARS = 100_000
MAX_PAGE_CHARS = 1_000

# Where the `search` package lives: pages import it (searching.md), and it is not installed.
_REPO_ROOT = Path(__file__).resolve().parents[2]
_TAB_ID = re.compile(r"[A-Za-z0-9_-]{8,64}")


def fair_memory_share(max_kernels: int) -> int:
    """A kernel's default memory limit: the machine's RAM shared by ``max_kernels`` kernels
    and a spare (a docs page needs far less: the toy SSD page peaks at ~500 MB of address
    space, 210 MB resident)."""
    ram = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    return ram // (max_kernels + 1)


class PoolBusyError(RuntimeError):
    """Every kernel of a full pool is running a cell; nothing can be evicted."""


class TabBusyError(RuntimeError):
    """The tab's kernel is still running an earlier cell."""


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
class _Slot:
    """A tab's place in the pool; ``proc`` is None until its kernel starts."""

    tab: str
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    proc: cell.KernelProcess | None = None
    page: str | None = None
    last_used: float = field(default_factory=time.monotonic)
    cancel: bool = False
    closed: bool = False


class KernelPool:
    """Jupyter kernels, one per browser tab, with limits on time, output, idleness and number.

    Parameters
    ----------
    run_timeout : float, default 30
        Seconds a cell may run; then it is interrupted (and the kernel restarted if the
        interrupt does not land within ``interrupt_grace``).
    output_cap : int, default 1_000_000
        Bytes of output a run may send (cleared output counts too); past it collecting stops
        and the cell is interrupted.
    idle_timeout : float, default 600
        Seconds after its last run that a kernel is shut down.
    max_kernels : int, default 4
        Tabs' kernels at most (and one spare: ``max_kernels + 1`` kernel processes at most);
        a new tab evicts the kernel idle longest, or gets :class:`PoolBusyError` if all are
        running.
    interrupt_grace : float, default 3
        Seconds an interrupted cell has to stop before its kernel is restarted.
    start_timeout : float, default 60
        Seconds a kernel has to start and answer.
    spare : bool, default True
        Once a kernel has been started, keep one more started ahead, so that the next new
        tab or page (or restart) gets a kernel at once, not in 1-3 s. It is not counted in
        ``max_kernels``, and goes when the last tab's kernel is shut down for idleness.
    memory_limit : int, optional
        Bytes of address space a kernel may use (``RLIMIT_AS``); by default
        :func:`fair_memory_share` (RAM / (max_kernels + 1)). Importing numpy and matplotlib
        takes ~370 MB of it.
    cpu_limit : float, default 1800
        Seconds of CPU time a kernel may use over its life (``RLIMIT_CPU``), all its cells
        together; then it is ended and the run says so.

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
                 start_timeout: float = DEFAULT_START_TIMEOUT, spare: bool = True,
                 memory_limit: int | None = None, cpu_limit: float = DEFAULT_CPU_LIMIT) -> None:
        given = [("run_timeout", run_timeout), ("output_cap", output_cap),
                 ("idle_timeout", idle_timeout), ("max_kernels", max_kernels),
                 ("interrupt_grace", interrupt_grace), ("start_timeout", start_timeout),
                 ("cpu_limit", cpu_limit), ("memory_limit", memory_limit)]
        for name, value in given:
            if value is not None and not value > 0:
                raise ValueError(f"KernelPool: {name} must be positive, got {value!r}")
        self.run_timeout = float(run_timeout)
        self.output_cap = int(output_cap)
        self.idle_timeout = float(idle_timeout)
        self.max_kernels = int(max_kernels)
        self.interrupt_grace = float(interrupt_grace)
        self.start_timeout = float(start_timeout)
        self.spare = bool(spare)
        self.memory_limit = int(memory_limit or fair_memory_share(self.max_kernels))
        self.cpu_limit = float(cpu_limit)
        #: Where every kernel's files (sockets, working directory) live; gone after close().
        # short names: the kernels' Unix sockets are in it, and their paths have 107 bytes
        self.folder = Path(tempfile.mkdtemp(prefix="minigluon-kernel-"))
        # every kernel's marker starts with this (search.processes.MARKER)
        self._marker = f"minigluon-{secrets.token_hex(8)}-"
        self._launched = 0
        self._spare: asyncio.Task[cell.KernelProcess] | None = None
        self._slots: dict[str, _Slot] = {}  # touched only on the loop's thread
        self._tasks: set[asyncio.Task[Any]] = set()
        self._closed = False
        self._closing = False  # on the loop: no kernel starts any more
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
            return [k.tab for k in self._slots.values() if k.lock.locked()]
        return self._call(tabs())

    def live_tabs(self) -> list[str]:
        """Tabs that hold a kernel, oldest use first."""
        async def tabs() -> list[str]:
            live = [k for k in self._slots.values() if k.proc is not None]
            return [k.tab for k in sorted(live, key=lambda k: k.last_used)]
        return self._call(tabs())

    def close(self) -> None:
        """Shut down every kernel (starting and spare ones too), the pool's thread, and remove
        the pool's folder (idempotent)."""
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
            # Nothing should be left; this is for a shutdown that failed or timed out.
            processes.end_marked(self._marker)
            shutil.rmtree(self.folder, ignore_errors=True)

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
        # One permit per kernel process, from before its launch until it is gone.
        self._permits = asyncio.Semaphore(self.max_kernels + 1)
        # MALLOC_ARENA_MAX: glibc reserves 64 MB of address space for each thread that
        # allocates, and RLIMIT_AS counts it: a kernel with numpy and pyplot imported peaks at
        # 890 MB of address space, 570 MB of it reserved by arenas; with 2 arenas, at 370 MB.
        self._env = dict(os.environ, OPENBLAS_NUM_THREADS="1", MALLOC_ARENA_MAX="2",
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
        idle = [k for k in self._slots.values()
                if not k.lock.locked() and now - k.last_used >= self.idle_timeout]
        for k in idle:
            self._detach(k)
        await asyncio.gather(*(self._retire(k) for k in idle))
        if not self._slots:
            await self._drop_spare()  # nobody has used live code for a while
        return [k.tab for k in idle]

    def _detach(self, k: _Slot) -> None:
        k.closed = True
        if self._slots.get(k.tab) is k:
            del self._slots[k.tab]

    async def _retire(self, k: _Slot) -> None:
        async with k.lock:
            await self._stop(k)

    def _slot(self, tab: str) -> _Slot:
        """The tab's slot, made room for by evicting the kernel idle longest if need be."""
        if self._closing:
            raise RuntimeError("the kernel pool is closed")
        k = self._slots.get(tab)
        if k is not None:
            return k
        if len(self._slots) >= self.max_kernels:
            idle = [k for k in self._slots.values() if not k.lock.locked()]
            if not idle:
                raise PoolBusyError(f"all kernels ({self.max_kernels} at most) are running "
                                    "cells; try again when one finishes")
            victim = min(idle, key=lambda k: k.last_used)
            self._detach(victim)
            self._spawn(self._retire(victim))
        k = self._slots[tab] = _Slot(tab)
        return k

    async def _run(self, tab: str, page: str, code: str, doctest: bool) -> RunResult:
        k = self._slot(tab)
        if k.lock.locked():
            raise TabBusyError("this tab's kernel is still running a cell")
        async with k.lock:
            started = time.monotonic()
            k.last_used = started
            kernel = "reused"
            if k.proc is None:
                kernel = "started"
                await self._start(k)
            elif k.page != page:
                kernel = "restarted"
                await self._replace(k)
            k.page = page
            try:
                assert k.proc is not None
                limits = cell.Limits(self.run_timeout, self.output_cap, self.interrupt_grace)
                run = await cell.run_cell(k.proc, code, doctest, limits, lambda: k.cancel)
                if run.replace:
                    await self._replace(k)
            finally:
                k.last_used = time.monotonic()
            return RunResult(run.status, run.outputs.items, kernel, run.execution_count,
                             k.last_used - started)

    async def _restart_tab(self, tab: str) -> bool:
        k = self._slots.get(tab)
        if k is None:
            return False
        k.cancel = True  # a running cell gives up the lock within cell.POLL_SECONDS
        async with k.lock:
            k.cancel = False
            if k.closed or k.proc is None:
                return False
            await self._replace(k)
            k.last_used = time.monotonic()
            return True

    async def _replace(self, k: _Slot) -> None:
        """Give ``k`` a fresh kernel; its old one is shut down meanwhile, in the background."""
        if k.proc is not None:
            proc, k.proc = k.proc, None
            self._spawn(self._stop_kernel(proc))
        await self._start(k)

    async def _start(self, k: _Slot) -> None:
        """Give ``k`` a running kernel: the spare one if it is ready and alive, else a new one."""
        k.proc = await self._take_spare() or await self._launch()
        await self._top_up_spare()

    async def _take_spare(self) -> cell.KernelProcess | None:
        """The spare kernel, if there is one and it is alive; the pool has no spare after."""
        spare, self._spare = self._spare, None
        if spare is None:
            return None
        # Awaited as is, not shielded: a run cancelled here cancels the spare's launch, which
        # then ends what it started.
        with contextlib.suppress(KernelStartError):
            proc = await spare
            if await cell.alive(proc):
                return proc
            await self._stop_kernel(proc)
        return None

    async def _top_up_spare(self) -> None:
        """Start a spare kernel if the pool keeps one, live code is in use and a permit is free
        now: a spare never waits for a permit, so it never delays a tab's kernel."""
        if not self._wants_spare() or self._permits.locked():
            return
        await self._permits.acquire()  # free: returns at once
        if self._wants_spare():
            self._spare = self._loop.create_task(self._launch_with_permit())
        else:
            self._permits.release()

    def _wants_spare(self) -> bool:
        return self.spare and not self._closing and self._spare is None and bool(self._slots)

    async def _launch(self) -> cell.KernelProcess:
        """A new kernel, with a permit: waits for one while max_kernels + 1 kernels exist."""
        await self._permits.acquire()
        return await self._launch_with_permit()

    async def _launch_with_permit(self) -> cell.KernelProcess:
        try:
            if self._closing:
                raise KernelStartError("the kernel pool is shutting down")
            self._launched += 1
            limits = cell.ProcessLimits(self.memory_limit, math.ceil(self.cpu_limit))
            return await cell.launch(self._ctx, self._env, self.start_timeout,
                                     root=self.folder / str(self._launched),
                                     marker=f"{self._marker}{self._launched}", limits=limits)
        except BaseException:
            self._permits.release()  # cell.launch ended whatever it had started
            raise

    async def _stop_kernel(self, proc: cell.KernelProcess) -> None:
        """End ``proc``'s processes, then give its permit back (and so maybe start a spare)."""
        try:
            await cell.stop(proc)
        finally:
            self._permits.release()
        await self._top_up_spare()

    async def _stop(self, k: _Slot) -> None:
        if k.proc is not None:
            proc, k.proc = k.proc, None
            await self._stop_kernel(proc)

    async def _drop_spare(self) -> None:
        proc = await self._take_spare()
        if proc is not None:
            await self._stop_kernel(proc)

    async def _shutdown_all(self) -> None:
        self._closing = True
        self._reaper_task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._reaper_task
        slots = list(self._slots.values())
        for k in slots:
            self._detach(k)
            k.cancel = True
        # together: a tab's kernel may be waiting for the permit another one gives back
        await asyncio.gather(*(self._retire(k) for k in slots), self._drop_spare())
        while self._tasks:  # shutdowns under way (evictions, replaced kernels) finish
            await asyncio.gather(*self._tasks)
        self._ctx.destroy(linger=0)


def _check_tab(tab: Any) -> None:
    if not isinstance(tab, str) or not _TAB_ID.fullmatch(tab):
        raise ValueError("tab must be 8 to 64 letters, digits, '-' or '_'")
