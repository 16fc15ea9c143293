"""``minigluon.gluon``: Blocks, Parameters, layers (``nn``), losses, Trainer, data.

See Also
--------
Block, HybridBlock, Parameter, Trainer
minigluon.gluon.nn : Layers and containers.
minigluon.gluon.loss : Loss functions.
"""

from . import contrib, data, loss, model_zoo, nn, parameter, utils
from .block import Block, HybridBlock
from .parameter import Constant, Parameter, ParameterDict
from .symbol_block import SymbolBlock
from .trainer import Trainer

__all__ = ["Block", "HybridBlock", "SymbolBlock", "Parameter", "Constant", "ParameterDict",
           "Trainer", "contrib", "data", "loss", "model_zoo", "nn", "parameter", "utils"]
