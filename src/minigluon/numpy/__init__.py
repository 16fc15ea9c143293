"""``mx.np``: MXNet's NumPy-compatible array API, which minigluon leaves out.

minigluon implements the legacy ``mx.nd`` NDArray only. The package exists so that code
importing ``mxnet.numpy`` loads; using any of its names raises an error that says so.
"""

from __future__ import annotations

from typing import NoReturn

from ..base import MXNetError

__all__: list[str] = []


def __getattr__(name: str) -> NoReturn:
    if name.startswith("__"):
        raise AttributeError(name)
    raise MXNetError(f"mx.np.{name}: minigluon implements the legacy mx.nd API only; the "
                     "NumPy-compatible mode (mx.np, mx.npx) is not available")
