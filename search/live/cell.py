"""One Jupyter kernel and one cell run in it, within a time limit and an output cap.

:func:`launch` starts an ``ipykernel`` process that talks over Unix sockets (IPC) in a private
directory, never TCP, and works in an empty temporary directory of its own. It starts through
search/live/limits.py, which caps the kernel's address space (``RLIMIT_AS``: a cell that
allocates more gets a MemoryError, or the kernel dies) and its CPU time over its whole life
(``RLIMIT_CPU``: SIGXCPU ends it), and its environment carries a marker of its own,
``MINIGLUON_KERNEL_ID``, which every process it starts inherits.

:func:`stop` ends all of a kernel's processes (search.live.processes: the kernel, its
descendants, its process group and whatever carries its marker, daemons that left its session
included), then removes its directory. A cell that means to escape can still do so (by removing
the marker from its environment, or, run as root, by raising its own limits): these limits
catch accidents, not attacks; a kernel that must contain hostile code needs a container or
another user.

:func:`run_cell` sends code and collects its outputs until the kernel is idle, or until a limit
ends the run: past the time limit, or once the kernel has sent more output than the cap (bytes
sent, not kept: see search.live.outputs), the cell is interrupted, and if it does not stop within
the grace period, or the kernel dies, the run says the kernel must be replaced. These are
coroutines for the kernel pool's event loop (search.live.pool), which owns every kernel.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import os
import queue
import shutil
import signal
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import processes
from .outputs import RunOutputs
from .processes import MARKER

__all__ = ["KernelProcess", "ProcessLimits", "Limits", "CellRun", "KernelStartError", "launch",
           "stop", "run_cell", "POLL_SECONDS"]

#: How often a waiting run checks that its kernel is alive and the run not cancelled (s).
POLL_SECONDS = 0.1
# History off: no sqlite file shared (and locked) by every kernel, and a faster start.
_KERNEL_ARGS = ["--HistoryManager.enabled=False"]
_LIMITS_SCRIPT = Path(__file__).with_name("limits.py")
_MAX_SOCKET_PATH = 107  # bytes of a Unix socket's path on Linux (sun_path, less its NUL)


class KernelStartError(RuntimeError):
    """A kernel did not start (or did not answer) within the start timeout."""


@dataclass(frozen=True)
class ProcessLimits:
    """What one kernel process may use: ``memory`` bytes of address space, ``cpu`` seconds of
    CPU time over its life."""

    memory: int
    cpu: int


@dataclass(eq=False)
class KernelProcess:
    """A started kernel: its manager and client, the directory holding its files, its marker
    (the value of ``MINIGLUON_KERNEL_ID`` in its processes) and limits."""

    km: Any
    kc: Any
    root: Path
    marker: str
    limits: ProcessLimits
    show: str = "last_expr"  # IPython's ast_node_interactivity in this kernel


@dataclass(frozen=True)
class Limits:
    run_timeout: float
    output_cap: int
    interrupt_grace: float


@dataclass
class CellRun:
    """A run's ``status`` (see search.live.pool.RunResult), outputs and execution count;
    ``replace``: the kernel did not stop or died, and the caller must replace it (the notice
    in the outputs already says it was restarted)."""

    status: str
    outputs: RunOutputs
    execution_count: int | None = None
    replace: bool = field(default=False)


async def launch(context: Any, env: dict[str, str], start_timeout: float, *, root: Path,
                 marker: str, limits: ProcessLimits) -> KernelProcess:
    """A new kernel, started and answering (KernelStartError if not within the timeout), in
    directory ``root`` (made here, in a private directory), carrying ``marker``, under
    ``limits``."""
    sockets = root / "run" / "k"  # the sockets are k-1 ... k-5
    if len(os.fsencode(sockets)) + 2 > _MAX_SOCKET_PATH:
        raise KernelStartError(f"the kernel's socket path {sockets}-1 is too long for a Unix "
                               f"socket ({_MAX_SOCKET_PATH} bytes at most): set TMPDIR to a "
                               "shorter directory")
    km = _manager_class()(context=context, transport="ipc", ip=str(sockets),
                          connection_file=str(root / "run" / "kernel.json"))
    # -I -S: the launcher needs only the standard library, and starts in milliseconds
    km.launcher = [sys.executable, "-I", "-S", str(_LIMITS_SCRIPT), "--memory",
                   str(limits.memory), "--cpu", str(limits.cpu), "--"]
    proc = KernelProcess(km, None, root, marker, limits)
    try:
        (root / "work").mkdir(parents=True)
        (root / "run").mkdir()
        await asyncio.wait_for(km.start_kernel(cwd=str(root / "work"),
                                               env={**env, MARKER: marker},
                                               extra_arguments=_KERNEL_ARGS), start_timeout)
        proc.kc = km.client()
        proc.kc.start_channels()
        await proc.kc.wait_for_ready(timeout=start_timeout)
    except BaseException as e:  # cancelled too: no process or folder may outlive the launch
        await stop(proc)
        if not isinstance(e, Exception):
            raise
        why = (f"no answer within {start_timeout:g} s" if isinstance(e, TimeoutError)
               else str(e) or type(e).__name__)
        raise KernelStartError(f"the kernel did not start: {why}") from e
    return proc


@functools.cache
def _manager_class() -> type:
    """AsyncKernelManager starting kernels through the limits launcher (jupyter_client is
    imported when the first kernel starts, not with the server)."""
    from jupyter_client.manager import AsyncKernelManager
    from traitlets import List, Unicode

    class LimitedKernelManager(AsyncKernelManager):
        launcher = List(Unicode(), help="the command the kernel's command is appended to")

        def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
            return [*self.launcher, *super().format_kernel_cmd(extra_arguments)]

    return LimitedKernelManager


async def stop(proc: KernelProcess) -> None:
    """End every process of the kernel (search.live.processes), then remove its directory.
    Returns once none of them is left."""
    if proc.kc is not None:
        proc.kc.stop_channels()
    provisioner = proc.km.provisioner if proc.km.has_kernel else None
    await processes.end(getattr(provisioner, "pid", None), getattr(provisioner, "pgid", None),
                        proc.marker)
    with contextlib.suppress(Exception):  # collects the kernel's exit status (its zombie)
        await proc.km.shutdown_kernel(now=True)
    shutil.rmtree(proc.root, ignore_errors=True)


async def alive(proc: KernelProcess) -> bool:
    return bool(await proc.km.is_alive())


async def run_cell(proc: KernelProcess, code: str, doctest: bool, limits: Limits,
                   cancelled: Callable[[], bool]) -> CellRun:
    """Run ``code``; ``doctest`` shows every top-level value, as a ``>>>`` session does.
    ``cancelled`` is polled: once true, the run ends at once (the caller restarts)."""
    if cancelled():
        return _cancelled(RunOutputs(limits.output_cap), None)
    await _drain(proc.kc.get_shell_msg)  # replies to cells cut short earlier
    show = "all" if doctest else "last_expr"
    if proc.show != show:
        # an IPython setting, sent as a silent cell of its own
        setting = await _collect(proc, f"get_ipython().ast_node_interactivity = {show!r}",
                                 limits, cancelled, silent=True)
        if setting.status != "ok":
            return setting
        proc.show = show
    return await _collect(proc, code, limits, cancelled)


async def _collect(proc: KernelProcess, code: str, limits: Limits,
                   cancelled: Callable[[], bool], silent: bool = False) -> CellRun:
    km, kc = proc.km, proc.kc
    out = RunOutputs(limits.output_cap)
    msg_id = kc.execute(code, silent=silent, store_history=not silent, allow_stdin=False,
                        stop_on_error=False)
    deadline = time.monotonic() + limits.run_timeout
    stop_by: float | None = None  # set once interrupted: the grace period's end
    status, count = "ok", None
    while True:
        now = time.monotonic()
        if cancelled():
            return _cancelled(out, count)
        if stop_by is None and now >= deadline:
            status, stop_by = "timeout", now + limits.interrupt_grace
            await km.interrupt_kernel()
        if stop_by is not None and now >= stop_by:
            out.notice(_stopped(status, limits, restarted=True))
            return CellRun(status, out, count, replace=True)
        wait = min(POLL_SECONDS, (stop_by or deadline) - now)
        try:
            msg = await kc.get_iopub_msg(timeout=max(wait, 0.001))
        except queue.Empty:
            if not await alive(proc):
                out.notice(f"The kernel died while running this cell ({await _exit(proc)}); "
                           "it was restarted, so variables from earlier cells are gone.")
                return CellRun("died", out, count, replace=True)
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
            status, stop_by = "output-cap", time.monotonic() + limits.interrupt_grace
            await km.interrupt_kernel()
    if stop_by is not None:
        out.notice(_stopped(status, limits, restarted=False))
    return CellRun(status, out, count)


def _cancelled(out: RunOutputs, count: int | None) -> CellRun:
    out.notice("Cancelled: the kernel was restarted.")
    return CellRun("cancelled", out, count)


def _stopped(status: str, limits: Limits, restarted: bool) -> str:
    lost = "so the kernel was restarted: variables from earlier cells are gone."
    if status == "timeout":
        why = f"Stopped: the cell ran longer than the {limits.run_timeout:g} s time limit"
        return (f"{why} and did not stop when interrupted, {lost}" if restarted
                else f"{why} and was interrupted (the kernel keeps its variables).")
    cap = limits.output_cap
    size = f"{cap / 1e6:g} MB" if cap >= 100_000 else f"{cap:,} bytes"
    why = f"Output stopped at the {size} output limit"
    return (f"{why}; the cell did not stop when interrupted, {lost}" if restarted
            else f"{why} and the cell was interrupted (the kernel keeps its variables).")


async def _exit(proc: KernelProcess) -> str:
    provisioner = proc.km.provisioner
    code = await provisioner.poll() if provisioner is not None else None
    if code == -signal.SIGXCPU:
        return (f"it used up its CPU-time limit, {proc.limits.cpu:,} s of CPU for all the cells "
                "it runs")
    return f"killed by signal {-code}" if code is not None and code < 0 else f"exit code {code}"


async def _drain(get: Any) -> None:
    with contextlib.suppress(queue.Empty):
        while True:
            await get(timeout=0)

