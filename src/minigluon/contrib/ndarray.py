"""Contributed ops on NDArrays (SSD anchors, targets, detection, NMS, IoU, box coding).

The same function objects as :mod:`minigluon.ndarray.contrib` (``nd.contrib``), under the import
path MXNet code uses: ``from mxnet.contrib.ndarray import MultiBoxPrior``.

See Also
--------
minigluon.ndarray.contrib : Where these functions are documented.
minigluon.gluon.model_zoo.ssd
"""

from ..ndarray import contrib as _contrib
from ..ndarray.contrib import *  # noqa: F403 - re-exported

__all__ = list(_contrib.__all__)
