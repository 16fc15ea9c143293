"""``minigluon.contrib``: MXNet's contrib import paths (``from mxnet.contrib.ndarray import ...``).

The contributed ops themselves live in :mod:`minigluon.ndarray.contrib` (``nd.contrib``) and
``minigluon.symbol.contrib`` (``sym.contrib``); :mod:`minigluon.contrib.ndarray` and
``minigluon.contrib.symbol`` re-export the same functions, and ``nd`` / ``sym`` are aliases of
them, as in MXNet 1.x. :mod:`minigluon.contrib.autograd` keeps MXNet's first autograd API.
"""

from typing import Any

from ..base import _missing_attribute
from . import autograd, ndarray, symbol
from . import ndarray as nd
from . import symbol as sym

__all__ = ["autograd", "ndarray", "symbol", "nd", "sym"]


def __getattr__(name: str) -> Any:
    # MXNet modules minigluon leaves out (mx.kv, mx.np...) fail with the reason, not a bare
    # "no attribute"
    raise _missing_attribute(__name__, name)
