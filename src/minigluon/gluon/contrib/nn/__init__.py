"""``gluon.contrib.nn``: concurrent containers, PixelShuffle, Identity and SyncBatchNorm.

See Also
--------
HybridConcurrent, PixelShuffle2D, SyncBatchNorm
minigluon.gluon.nn : The core layers.
"""

from .basic_layers import *  # noqa: F403
from .basic_layers import __all__ as __all__
