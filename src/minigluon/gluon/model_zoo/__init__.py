"""``gluon.model_zoo``: reference network definitions (no pretrained weights are downloaded)."""

from . import vision

__all__ = ["vision"]
