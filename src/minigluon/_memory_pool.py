"""The CPU memory pool: freed array memory is kept for the next step instead of going back
to the operating system.

A training loop frees and allocates the same sizes every step. MXNet keeps freed buffers in
its own pool for that reason (``MXNET_CPU_MEM_POOL_TYPE``, default ``Naive``). minigluon's
arrays are numpy's, allocated by the C library's ``malloc``, whose defaults on glibc give
memory back as soon as the top of the heap holds a few MB free (``M_TRIM_THRESHOLD``) and
map every large request afresh (``M_MMAP_THRESHOLD``). Each page then comes back on the next
step through a page fault: a 2 MB array costs 512 of them. Measured on one train step of
three ResNet basic blocks (batch 32, 64 channels, 16x16): 13,900 minor faults and 33 ms of
system time per step with glibc's defaults, 106 faults and under 1 ms with the pool.

The pool is glibc's own allocator told to keep memory: arrays up to 32 MB (glibc's largest
``M_MMAP_THRESHOLD``) come from the heap, and up to :data:`KEEP_BYTES` of freed heap stays
resident. Larger arrays are still mapped and unmapped each time (numpy asks for huge pages
for them, so they fault in 2 MB at a time). The settings are process-wide, as MXNet's pool
is: every numpy array in the process gains, and the process holds on to up to
:data:`KEEP_BYTES` it would otherwise return.

``MXNET_CPU_MEM_POOL_TYPE=Unpooled`` or ``MXNET_USE_NAIVE_STORAGE_MANAGERS=1`` (MXNet's
switches) leave ``malloc`` alone. On other C libraries (macOS, Windows, musl) nothing is done.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import platform

__all__: list[str] = []

#: freed heap memory kept resident (glibc ``M_TRIM_THRESHOLD``), at most 1/8 of the RAM
KEEP_BYTES = 512 << 20
_MMAP_BYTES = 32 << 20  # glibc refuses a larger M_MMAP_THRESHOLD on 64-bit systems
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3  # from glibc's <malloc.h>

#: what :func:`use_pool` did: 'pooled', 'unpooled' (asked for), or 'unsupported'
state = "unsupported"


def _asked_unpooled(environ: os._Environ | dict) -> bool:
    return (environ.get("MXNET_CPU_MEM_POOL_TYPE", "Naive").strip().lower() == "unpooled"
            or environ.get("MXNET_USE_NAIVE_STORAGE_MANAGERS", "0").strip() not in ("", "0"))


def _ram_bytes() -> int | None:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def use_pool(environ: os._Environ | dict = os.environ) -> str:
    """Configure glibc's ``malloc`` as the pool; return :data:`state`. Runs when minigluon
    is imported."""
    global state
    if _asked_unpooled(environ):
        state = "unpooled"
        return state
    if platform.system() != "Linux" or platform.libc_ver()[0] != "glibc":
        return state
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):
        return state
    mallopt.argtypes, mallopt.restype = (ctypes.c_int, ctypes.c_int), ctypes.c_int
    ram = _ram_bytes()
    keep = KEEP_BYTES if ram is None else min(KEEP_BYTES, ram // 8)
    # Setting either threshold switches off glibc's own adjustment of both, so set both.
    if mallopt(_M_MMAP_THRESHOLD, _MMAP_BYTES) and mallopt(_M_TRIM_THRESHOLD, keep):
        state = "pooled"
    return state


use_pool()
