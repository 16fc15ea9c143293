"""``gluon.model_zoo``: MXNet's vision networks, the Toy SSD, and where pretrained files are
looked for (nothing is downloaded)."""

from . import model_store, ssd, vision

__all__ = ["model_store", "ssd", "vision"]
