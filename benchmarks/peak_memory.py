"""Peak resident memory of one warm run of a workload, one side per fresh process.

``python -m benchmarks.peak_memory WORKLOAD SIDE`` prints one JSON line. ``peak_mb`` is what
the work itself holds at its peak, above the interpreter, its libraries, the network and its
input: ``kept_mb``, the anonymous memory a first (warming) call leaves resident (buffers kept
from one call to the next, gradients, optimizer state, caches, what the allocators keep), plus
the largest resident set (VmHWM) during the second call above the resident set just before it
(activations kept for the backward, temporaries). Anonymous memory, not the whole resident set,
for what the first call leaves: its first use of a library also maps the library's code pages
(tens of MB for PyTorch's kernels), which are not memory the work needs.

Why resident memory of a process rather than tracemalloc: numpy reports its buffers to
tracemalloc but PyTorch does not (its own allocator), and neither counts what BLAS or the C
allocators hold; the resident set counts the same pages for both frameworks. Why a fresh
process per side: a process's peak cannot go down, and the other side's allocator would share
the heap. Linux resets the peak when ``5`` is written to ``/proc/self/clear_refs``; where that
is refused, ``peak_mb`` is the peak since before the first call, and ``method`` says so.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

__all__ = ["measure", "peak_mb"]

ROOT = Path(__file__).resolve().parent.parent


def _status_kb(field: str) -> int:
    status = Path("/proc/self/status").read_text()
    return int(re.search(rf"^{field}:\s+(\d+) kB", status, re.MULTILINE).group(1))


def _reset_peak() -> bool:
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def measure(fn: Any) -> dict[str, Any]:
    """Run ``fn`` twice (a warming call, then the measured one) and return, in MB, what the
    first left resident (``kept_mb``) and the peak of the second (``peak_mb``, see above)."""
    mb = 1 / 1024
    anon0, rss0 = _status_kb("RssAnon"), _status_kb("VmRSS")
    fn()
    kept_kb = max(0, _status_kb("RssAnon") - anon0)
    if _reset_peak():
        rss1 = _status_kb("VmRSS")
        fn()
        peak_kb = kept_kb + max(0, _status_kb("VmHWM") - rss1)
        method = "anonymous memory kept by a first call + VmHWM of the second above VmRSS"
    else:
        fn()
        peak_kb = max(0, _status_kb("VmHWM") - rss0)
        method = "VmHWM over two calls above VmRSS before them (peak reset refused)"
    return {"peak_mb": round(peak_kb * mb, 1), "kept_mb": round(kept_kb * mb, 1),
            "baseline_mb": round(rss0 * mb, 1), "method": method}


def peak_mb(workload: str, side: str, timeout: float = 600) -> dict[str, Any] | None:
    """:func:`measure` in a fresh interpreter at 1 thread; None where /proc is missing (not
    Linux) or the run fails (its error is printed)."""
    if not Path("/proc/self/status").exists():
        return None
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
           "MKL_NUM_THREADS": "1"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    done = subprocess.run([sys.executable, "-m", "benchmarks.peak_memory", workload, side],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=timeout)
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["no message"])[-1]
        print(f"peak memory of {workload} ({side}) failed: {last}", file=sys.stderr)
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str]) -> None:
    from .common import single_thread, torch_or_none
    from .workloads import WORKLOADS

    workload, side = argv
    torch = torch_or_none() if side == "torch" else None
    with single_thread():
        fn = WORKLOADS[workload].setup([side], torch)[side]
        print(json.dumps(measure(fn)))


if __name__ == "__main__":
    main(sys.argv[1:])
