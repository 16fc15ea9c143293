"""Every process of a kernel, found and ended, including those that left its process tree.

A kernel leads a session (and process group) of its own, but its code can start processes
that leave both: ``setsid()`` moves a child out of the group, and a double fork leaves a daemon
whose parent is init, outside the kernel's tree. So a kernel's processes are found three ways:
the kernel and its descendants, its process group, and every process whose environment carries
the kernel's marker, ``MINIGLUON_KERNEL_ID``, which the pool sets in the kernel's environment
and which children inherit. :func:`end` gives them SIGTERM, then SIGKILL after ``TERM_GRACE``,
and looks again until none is left (one may fork while it is being killed).
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import time
from collections.abc import Callable

import psutil

__all__ = ["MARKER", "TERM_GRACE", "end", "end_marked"]

#: The environment variable naming the kernel a process belongs to (children inherit it).
MARKER = "MINIGLUON_KERNEL_ID"
#: Seconds a kernel's processes have between SIGTERM and SIGKILL.
TERM_GRACE = 0.5


async def end(pid: int | None, pgid: int | None, marker: str) -> None:
    """End kernel ``pid`` (our child, not yet reaped: its pid, which is its group's id
    ``pgid``, cannot have been reused), its descendants, group and processes marked
    ``marker``; returns once none is left (zombies aside: they are dead)."""
    def find() -> list[psutil.Process]:
        return _kernel_processes(pid, pgid, marker)

    found = await asyncio.to_thread(find)
    _signal(found, pgid, signal.SIGTERM)
    await _wait_gone(found, TERM_GRACE)
    for _ in range(10):
        found = await asyncio.to_thread(find)
        if not found:
            return
        _signal(found, pgid, signal.SIGKILL)
        await _wait_gone(found, 2.0)


def end_marked(prefix: str) -> int:
    """SIGKILL every process whose marker starts with ``prefix``, at once; how many there were.
    The last resort of a pool that is closing (a kernel whose stop went wrong)."""
    found = _marked(lambda value: value.startswith(prefix))
    _signal(found, None, signal.SIGKILL)
    return len(found)


def _kernel_processes(pid: int | None, pgid: int | None, marker: str) -> list[psutil.Process]:
    found = {p.pid: p for p in _marked(marker.__eq__, pgid)}
    if pid:
        with contextlib.suppress(psutil.Error):
            kernel = psutil.Process(pid)
            for p in [kernel, *kernel.children(recursive=True)]:
                found.setdefault(p.pid, p)
    return [p for p in found.values() if _running(p)]


def _marked(match: Callable[[str], bool], pgid: int | None = None) -> list[psutil.Process]:
    """Processes whose marker ``match``es, or in process group ``pgid``."""
    found, me = [], os.getpid()
    for p in psutil.process_iter():
        with contextlib.suppress(psutil.Error, OSError):  # gone meanwhile, or not ours
            if p.pid == me:
                continue
            if pgid is not None and os.getpgid(p.pid) == pgid:
                found.append(p)
                continue
            marker = p.environ().get(MARKER)
            if marker is not None and match(marker):
                found.append(p)
    return found


def _signal(found: list[psutil.Process], pgid: int | None, sig: int) -> None:
    if pgid is not None:
        with contextlib.suppress(OSError):
            os.killpg(pgid, sig)
    for p in found:
        with contextlib.suppress(psutil.Error):
            p.send_signal(sig)  # psutil checks that the pid was not reused meanwhile


async def _wait_gone(found: list[psutil.Process], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while any(_running(p) for p in found) and time.monotonic() < deadline:
        await asyncio.sleep(0.02)


def _running(p: psutil.Process) -> bool:
    """Whether ``p`` still runs (a zombie is dead: it waits only for its exit status to be
    collected, by us for the kernel, by init for the rest)."""
    try:
        return p.is_running() and p.status() != psutil.STATUS_ZOMBIE
    except psutil.Error:
        return False
