"""``gluon.contrib``: layers MXNet 1.x keeps outside the core ``gluon.nn`` namespace.

See Also
--------
minigluon.gluon.contrib.nn : Concurrent containers, PixelShuffle, SyncBatchNorm.
minigluon.gluon.nn : The core layers.
"""

from . import nn

__all__ = ["nn"]
