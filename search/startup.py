"""What ``python -m search`` sets up before importing the engine, to answer in a fresh process
quickly (issue 15: at most 0.3 s, of which starting Python and importing numpy and Whoosh is
most).

- One BLAS thread. At import numpy's OpenBLAS starts a thread per core that spins while the
  process lives; a one-query process does no BLAS work (BM25 here is elementwise and sorts)
  and those threads only take the CPU from it, doubling its CPU time on a busy machine.
- No teardown. Once the answer is printed and flushed, the process ends without the
  interpreter's finalization (freeing every module of numpy and Whoosh one by one, ~20 ms):
  nothing is left to write, the index is closed, and no atexit work is registered.

(Deferring Whoosh's unused ``asyncio`` and ``urllib.request`` imports with stand-in modules
saved another ~35 ms; it was left out: replacing standard-library modules under a
third-party package is too easy to break for a tenth of the budget.)
"""

from __future__ import annotations

import os
import sys
from typing import NoReturn

__all__ = ["prepare", "exit_now"]


def prepare() -> None:
    """One BLAS thread unless the caller chose a number (before numpy is first imported)."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def exit_now(status: int) -> NoReturn:
    """End the process with ``status`` after flushing stdout and stderr, skipping the
    interpreter's teardown."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
