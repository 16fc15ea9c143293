"""What the docs build's saved work depends on, as short hashes conf.py puts in its config.

- :func:`execution_key` names the jupyter-cache folder: executed outputs are reused only by
  a build of the same library sources, the same conf.py (the kernels' environment) and the
  same numeric code path (``NUMERIC_ENV``);
- :func:`docs_code_key` is a config value, so that an edited docs extension has every page
  read again (Sphinx only sees pages change, not its extensions).

Not a Sphinx extension: conf.py imports it before Sphinx loads any.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable, Mapping
from pathlib import Path

__all__ = ["NUMERIC_ENV", "execution_key", "docs_code_key"]

#: Environment variables that choose numpy's SIMD kernels and OpenBLAS's CPU kernels, and so
#: the last bits of the float results a page shows (CI builds the docs once per code path).
NUMERIC_ENV = ("NPY_DISABLE_CPU_FEATURES", "NPY_ENABLE_CPU_FEATURES", "OPENBLAS_CORETYPE")
#: Data files that executed pages read (coming-from-mxnet.md shows the known differences from
#: MXNet): an edit runs the pages again, so what they show cannot drift from the file.
PAGE_DATA = ("tests/conformance/expected_differences.toml",)


def _files_hash(root: Path, paths: Iterable[Path], *extra: str) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(str(path.relative_to(root)).encode())
        digest.update(path.read_bytes())
    for text in extra:
        digest.update(text.encode())
    return digest.hexdigest()[:16]


def execution_key(root: Path, environ: Mapping[str, str] = os.environ) -> str:
    """Hash of the library sources, conf.py, the pages' data files (``PAGE_DATA``) and the
    numeric environment variables (unset and empty are the same to numpy and OpenBLAS)."""
    data = [root / p for p in PAGE_DATA if (root / p).exists()]
    return _files_hash(root, [root / "conf.py", *sorted((root / "src").rglob("*.py")), *data],
                       *(f"{name}={environ.get(name, '')}" for name in NUMERIC_ENV))


def docs_code_key(root: Path) -> str:
    """Hash of the docs extensions' code (``docs/_ext``)."""
    return _files_hash(root, sorted((root / "docs" / "_ext").rglob("*.py")))
