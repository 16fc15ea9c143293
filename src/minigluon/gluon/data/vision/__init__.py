"""``gluon.data.vision``: image transforms and synthetic image datasets (no downloads).

See Also
--------
SyntheticDigits, SyntheticDetection
minigluon.gluon.data.vision.transforms
minigluon.gluon.data.DataLoader
"""

from . import transforms
from .datasets import SyntheticDigits
from .detection import SyntheticDetection, detection_batchify_fn

__all__ = ["SyntheticDigits", "SyntheticDetection", "detection_batchify_fn", "transforms"]
