"""``gluon.data.vision``: image transforms and synthetic image datasets (no downloads)."""

from . import transforms
from .datasets import SyntheticDigits

__all__ = ["SyntheticDigits", "transforms"]
