"""``minigluon.gluon``: Blocks, Parameters, layers (``nn``), losses, Trainer, data."""

from . import nn, parameter, utils
from .block import Block, HybridBlock
from .parameter import Constant, Parameter, ParameterDict
from .symbol_block import SymbolBlock

__all__ = ["Block", "HybridBlock", "SymbolBlock", "Parameter", "Constant", "ParameterDict", "nn", "parameter",
           "utils"]
