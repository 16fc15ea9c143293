"""What ``python -m search`` sets up before importing the engine, to answer in a fresh process
quickly (issue 15: at most 0.3 s, of which starting Python and importing numpy and Whoosh is
most).

- One BLAS thread. At import numpy's OpenBLAS starts a thread per core that spins while the
  process lives; a one-query process does no BLAS work (BM25 here is elementwise and sorts)
  and those threads only take the CPU from it, doubling its CPU time on a busy machine.
- Whoosh's unused standard-library imports deferred. ``whoosh.compat`` imports
  ``urllib.request`` (with http.client, email and ssl) for one download helper, and
  ``cached_property``, which ``whoosh.reading`` uses, imports ``asyncio`` to recognise
  coroutines (which inspect answers as well as asyncio until asyncio is imported): together
  about 35 ms of a 240 ms call. While Whoosh is imported, stand-ins
  hold exactly the names those two modules take from them and import the real module on
  first use; afterwards they leave ``sys.modules``, so any later ``import asyncio`` or
  ``import urllib.request`` gets the real module. Nothing changes in a process that already
  imported the real ones (the docs server, tests).
- No teardown. Once the answer is printed and flushed, the process ends without the
  interpreter's finalization (freeing every module of numpy and Whoosh one by one, ~20 ms):
  nothing is left to write, the index is closed, and no atexit work is registered.
"""

from __future__ import annotations

import importlib
import inspect
import os
import sys
import types
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, NoReturn

__all__ = ["prepare", "deferred_imports", "exit_now", "DEFERRED"]

#: Module -> the names Whoosh (2.7.5) and cached_property (2.0.1) import from it.
DEFERRED: dict[str, tuple[str, ...]] = {
    "urllib.request": ("urlretrieve",),
    "asyncio": ("iscoroutinefunction", "ensure_future"),
}


def prepare() -> None:
    """One BLAS thread unless the caller chose a number (before numpy is first imported)."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def _forward(module: str, name: str) -> Callable[..., Any]:
    def call(*args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(module), name)(*args, **kwargs)

    call.__name__ = call.__qualname__ = name
    call.__doc__ = f"{module}.{name}, imported on first call (search.startup)."
    return call


def _iscoroutinefunction(func: Any) -> bool:
    """asyncio.iscoroutinefunction without importing asyncio: it adds to inspect's answer only
    functions carrying asyncio's own marker, which exist only once asyncio is imported, and
    then asyncio answers. (cached_property asks this on every read of a cached property.)"""
    real = sys.modules.get("asyncio")
    if real is not None and getattr(real, "__spec__", None) is not None:
        return real.iscoroutinefunction(func)
    return inspect.iscoroutinefunction(func)


@contextmanager
def deferred_imports() -> Iterator[None]:
    """Within the block, ``import`` of a :data:`DEFERRED` module that is not imported yet gets
    a stand-in whose names import the real module when called."""
    placed: dict[str, types.ModuleType] = {}
    for module, names in DEFERRED.items():
        if module in sys.modules:
            continue
        stand_in = types.ModuleType(module, f"Stand-in for {module} (search.startup).")
        for name in names:
            setattr(stand_in, name, _forward(module, name))
        if module == "asyncio":
            stand_in.iscoroutinefunction = _iscoroutinefunction
        placed[module] = sys.modules[module] = stand_in
    try:
        yield
    finally:
        for module, stand_in in placed.items():
            if sys.modules.get(module) is stand_in:
                del sys.modules[module]


def exit_now(status: int) -> NoReturn:
    """End the process with ``status`` after flushing stdout and stderr, skipping the
    interpreter's teardown."""
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
