"""``mx.nd.sparse``: MXNet's sparse storage (row_sparse, csr), which minigluon leaves out.

Every array in minigluon is dense. The module exists so that code importing it loads;
using any of its names raises an error that says sparse storage is not available.
"""

from __future__ import annotations

from typing import NoReturn

from ..base import MXNetError

__all__: list[str] = []


def __getattr__(name: str) -> NoReturn:
    if name.startswith("__"):
        raise AttributeError(name)
    raise MXNetError(f"mx.nd.sparse.{name}: minigluon has dense storage only; sparse storage "
                     "types (row_sparse, csr) are not available")
