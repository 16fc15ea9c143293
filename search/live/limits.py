"""Run a command under a memory and a CPU-time limit: the launcher of every live-code kernel.

``python search/live/limits.py --memory BYTES --cpu SECONDS -- COMMAND...`` (or ``python -m
search.live.limits ...``) sets the limits (``RLIMIT_AS``, ``RLIMIT_CPU``) on itself and then
replaces itself with ``COMMAND`` (exec), so the kernel keeps the pid jupyter_client started,
and signals and interrupts reach it as before.
Limits are set here rather than in a ``preexec_fn``, which is unsafe in a process with threads
(the pool's server has several). Only the standard library is imported: the kernel pool runs
this file with ``python -I -S``, which starts in milliseconds.

Children of the kernel inherit the limits, each process counting its own memory and CPU time.
At the CPU-time limit the kernel gets SIGXCPU (which ends it), and SIGKILL after
``CPU_KILL_AFTER`` more seconds of CPU should it ignore that.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys

__all__ = ["CPU_KILL_AFTER", "main"]

#: Seconds of CPU time past the limit (SIGXCPU) after which the kernel gets SIGKILL.
CPU_KILL_AFTER = 5


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--memory", type=int, required=True, metavar="BYTES",
                   help="address space at most (RLIMIT_AS)")
    p.add_argument("--cpu", type=int, required=True, metavar="SECONDS",
                   help="CPU time at most, over the process's life (RLIMIT_CPU)")
    p.add_argument("command", nargs="+", help="the program and its arguments, after --")
    args = p.parse_args(argv)
    _limit(resource.RLIMIT_AS, args.memory, args.memory)
    _limit(resource.RLIMIT_CPU, args.cpu, args.cpu + CPU_KILL_AFTER)
    os.execvp(args.command[0], args.command)  # same pid: signals reach the command


def _limit(which: int, soft: int, hard: int) -> None:
    """Lower a limit to ``soft``/``hard``, never above the hard limit already in force (only
    root may raise one)."""
    _, current = resource.getrlimit(which)
    if current != resource.RLIM_INFINITY:
        soft, hard = min(soft, current), min(hard, current)
    resource.setrlimit(which, (soft, hard))


if __name__ == "__main__":
    main(sys.argv[1:])
