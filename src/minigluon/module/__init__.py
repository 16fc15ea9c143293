"""``minigluon.module`` (``mx.mod``): train and run Symbols with MXNet 1.x's Module API.

See Also
--------
Module, BaseModule
minigluon.io.NDArrayIter : The data a Module trains on.
minigluon.gluon.Trainer : The Gluon way to train.
"""

from .base_module import BaseModule
from .module import Module

__all__ = ["BaseModule", "Module"]
