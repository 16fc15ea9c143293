"""``gluon.nn``: containers and neural-network layers.

See Also
--------
Sequential, HybridSequential, Dense, Conv2D
minigluon.gluon.Block, minigluon.gluon.HybridBlock
minigluon.gluon.loss : Losses to train the layers with.
"""

from ..block import Block, HybridBlock  # noqa: F401 - MXNet exposes them as nn.Block too
from ..symbol_block import SymbolBlock  # noqa: F401
from .activations import *  # noqa: F403
from .activations import __all__ as _act_all
from .basic_layers import *  # noqa: F403
from .basic_layers import __all__ as _basic_all
from .containers import *  # noqa: F403
from .containers import __all__ as _containers_all
from .conv_layers import *  # noqa: F403
from .conv_layers import __all__ as _conv_all

__all__ = [*_basic_all, *_containers_all, *_conv_all, *_act_all]
