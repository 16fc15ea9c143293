"""``python -m benchmarks [name ...]``: run the benchmarks and print their tables."""

from __future__ import annotations

import importlib
import pkgutil
import platform
import sys

import numpy as np

import benchmarks

from .common import blas_info, single_thread


def main(argv: list[str]) -> None:
    names = argv or sorted(m.name[len("bench_"):] for m in pkgutil.iter_modules(benchmarks.__path__)
                           if m.name.startswith("bench_"))
    print(f"# minigluon benchmarks\n\npython {platform.python_version()}, numpy {np.__version__}"
          f", {platform.machine()}\nBLAS: {blas_info()}\nAll timings at 1 BLAS thread.")
    with single_thread():
        for name in names:
            importlib.import_module(f"benchmarks.bench_{name}").run()


if __name__ == "__main__":
    main(sys.argv[1:])
