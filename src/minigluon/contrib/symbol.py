"""Contributed ops as Symbol graph nodes: the functions of ``minigluon.symbol.contrib``.

MXNet's import path ``from mxnet.contrib.symbol import MultiBoxPrior``.
"""

from ..symbol import contrib as _contrib
from ..symbol.contrib import *  # noqa: F403 - re-exported

__all__ = list(_contrib.__all__)
