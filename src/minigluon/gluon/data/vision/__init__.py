"""``gluon.data.vision``: image transforms (datasets such as MNIST need downloads: not here)."""

from . import transforms

__all__ = ["transforms"]
