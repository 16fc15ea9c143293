"""minigluon: the MXNet Gluon 1.x API on numpy, with documentation you can run and search.

See Also
--------
minigluon.ndarray : Arrays and the op functions (``mx.nd``).
minigluon.gluon : Blocks, layers, losses and the Trainer.
minigluon.autograd : Recording and differentiating computations.
minigluon.symbol : Symbol graphs (``mx.sym``).
"""

from . import (
    autograd,
    base,
    context,
    contrib,
    gluon,
    initializer,
    lr_scheduler,
    metric,
    ndarray,
    optimizer,
    random,
    symbol,
    test_utils,
    viz,
)
from . import initializer as init
from . import ndarray as nd
from . import symbol as sym
from .base import MXNetError
from .context import Context, cpu, cpu_pinned, current_context, gpu

__version__ = "0.1.0"
__all__ = [
    "Context",
    "base",
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
    "lr_scheduler",
    "metric",
    "optimizer",
    "nd",
    "ndarray",
    "random",
    "sym",
    "symbol",
    "test_utils",
    "viz",
]
