"""minigluon: the MXNet Gluon 1.x API on numpy, with documentation you can run and search.

See Also
--------
minigluon.ndarray : Arrays and the op functions (``mx.nd``).
minigluon.gluon : Blocks, layers, losses and the Trainer.
minigluon.autograd : Recording and differentiating computations.
minigluon.symbol : Symbol graphs (``mx.sym``).
"""

from typing import Any

from . import (
    autograd,
    base,
    callback,
    context,
    contrib,
    gluon,
    initializer,
    io,
    lr_scheduler,
    metric,
    model,
    module,
    ndarray,
    optimizer,
    random,
    runtime,
    symbol,
    test_utils,
    util,
    viz,
)
from . import initializer as init
from . import module as mod
from . import ndarray as nd
from . import symbol as sym
from .base import MXNetError, _missing_attribute
from .context import Context, cpu, cpu_pinned, current_context, gpu
from .symbol import AttrScope
from .util import np_shape

__version__ = "0.1.0"
__all__ = [
    "AttrScope",
    "Context",
    "base",
    "callback",
    "MXNetError",
    "autograd",
    "context",
    "contrib",
    "cpu",
    "cpu_pinned",
    "current_context",
    "gluon",
    "gpu",
    "init",
    "initializer",
    "io",
    "lr_scheduler",
    "metric",
    "mod",
    "model",
    "module",
    "optimizer",
    "nd",
    "ndarray",
    "random",
    "runtime",
    "np_shape",
    "sym",
    "symbol",
    "test_utils",
    "util",
    "viz",
]


def __getattr__(name: str) -> Any:
    # MXNet modules minigluon leaves out (mx.kv, mx.np...) fail with the reason, not a bare
    # "no attribute"
    raise _missing_attribute(__name__, name)
