"""``python -m benchmarks [name ...] [--note TEXT] [--no-save]``: run the benchmarks and print
their tables.

Without names it runs the library's speed benchmarks (models, ssd, nn_ops, op_overhead: a few
minutes); ``docs``, ``live`` and ``search`` (docs builds, kernels, a built site and Node.js) run
when named, ``all`` runs everything. When the models benchmark ran, its results are written to
``benchmarks/results/<date>-<commit>.json`` and compared with the newest result git tracks
there (:mod:`benchmarks.history`); ``--no-save`` only prints, ``--note`` is kept in the file
(say what else the machine was doing).
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import platform
from typing import Any

import numpy as np

import benchmarks

from .common import blas_info, single_thread

#: Benchmarks of the docs and their tooling, not of the library: they run only when named.
ON_REQUEST = {"docs", "live", "search"}


def _names(asked: list[str]) -> list[str]:
    every = sorted(m.name[len("bench_"):] for m in pkgutil.iter_modules(benchmarks.__path__)
                   if m.name.startswith("bench_"))
    if "all" in asked:
        return every
    return asked or [n for n in every if n not in ON_REQUEST]


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("names", nargs="*", help="benchmarks to run (bench_<name>.py), or all")
    parser.add_argument("--note", default="", help="kept in the result file")
    parser.add_argument("--no-save", action="store_true", help="do not write a result file")
    args = parser.parse_args(argv)
    print(f"# minigluon benchmarks\n\npython {platform.python_version()}, numpy {np.__version__}"
          f", {platform.machine()}\nBLAS: {blas_info()}\nAll timings at 1 BLAS thread.")
    results: dict[str, Any] = {}
    with single_thread():
        for name in _names(args.names):
            returned = importlib.import_module(f"benchmarks.bench_{name}").run()
            if isinstance(returned, dict):  # workload results to keep as history
                results.update(returned)
    if results:
        from .history import RESULTS, ROOT, print_changes, write_result

        print_changes(results)  # before writing: the new file may replace a tracked one
        if not args.no_save:
            path = write_result(results, note=args.note)
            print(f"\nResults written to {path.relative_to(ROOT)} (commit it to add it to the "
                  f"history in {RESULTS.relative_to(ROOT)}/)")


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
