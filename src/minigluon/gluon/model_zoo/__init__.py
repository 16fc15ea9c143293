"""``gluon.model_zoo``: reference network definitions (no pretrained weights are downloaded)."""

from . import ssd, vision

__all__ = ["ssd", "vision"]
