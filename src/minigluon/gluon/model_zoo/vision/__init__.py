"""``gluon.model_zoo.vision``: LeNet and the ResNet v1 basic block, as in the Gluon tutorials.

See Also
--------
get_model, LeNet, BasicBlockV1
minigluon.gluon.model_zoo.ssd
"""

from __future__ import annotations

from typing import Any

from ...block import HybridBlock
from .lenet import LeNet, get_lenet
from .resnet import BasicBlockV1

__all__ = ["LeNet", "get_lenet", "BasicBlockV1", "get_model"]

_MODELS = {"lenet": get_lenet}


def get_model(name: str, **kwargs: Any) -> HybridBlock:
    """Create a model of the zoo by name (``'lenet'``); ``pretrained=True`` is not available.

    Parameters
    ----------
    name : str
        Model name, case-insensitive.
    **kwargs
        Passed to the model's constructor (``classes=10``, ``prefix=...``).

    See Also
    --------
    get_lenet, LeNet

    Examples
    --------
    >>> from minigluon import gluon
    >>> net = gluon.model_zoo.vision.get_model('lenet', classes=10)
    >>> type(net).__name__
    'LeNet'
    """
    key = name.lower()
    if key not in _MODELS:
        raise ValueError(f"Model {name} is not supported. Available options are\n\t"
                         + "\n\t".join(sorted(_MODELS)))
    return _MODELS[key](**kwargs)
