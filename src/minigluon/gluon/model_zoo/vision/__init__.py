"""``gluon.model_zoo.vision``: the image classification networks of MXNet's model zoo, and LeNet.

ResNet v1/v2 (18-152 layers), VGG 11-19 with and without batch normalization, AlexNet,
DenseNet 121-201, SqueezeNet 1.0/1.1, MobileNet v1/v2 (width 1.0-0.25) and Inception v3,
built layer for layer as MXNet 1.9.1 builds them: the same blocks, name prefixes and
parameter names, so parameter files line up. Construct one by its function
(``vision.resnet18_v1()``) or by name (``vision.get_model('resnet18_v1')``); the networks
expect ``(N, 3, 224, 224)`` images (``(N, 3, 299, 299)`` for Inception v3).
``pretrained=True`` loads ``<name>-<hash>.params`` from ``root`` (``~/.mxnet/models`` by
default); nothing is downloaded, so the file must be there.

See Also
--------
get_model, get_resnet, get_vgg, LeNet
minigluon.gluon.model_zoo.model_store.get_model_file
minigluon.gluon.model_zoo.ssd
"""

from __future__ import annotations

from typing import Any

from ...block import HybridBlock
from .alexnet import *  # noqa: F403
from .alexnet import __all__ as _alexnet_all
from .densenet import *  # noqa: F403
from .densenet import __all__ as _densenet_all
from .inception import *  # noqa: F403
from .inception import __all__ as _inception_all
from .lenet import LeNet, get_lenet
from .mobilenet import *  # noqa: F403
from .mobilenet import __all__ as _mobilenet_all
from .resnet import *  # noqa: F403
from .resnet import __all__ as _resnet_all
from .squeezenet import *  # noqa: F403
from .squeezenet import __all__ as _squeezenet_all
from .vgg import *  # noqa: F403
from .vgg import __all__ as _vgg_all

__all__ = [*_resnet_all, *_vgg_all, *_alexnet_all, *_densenet_all, *_squeezenet_all,
           *_mobilenet_all, *_inception_all, "LeNet", "get_lenet", "get_model"]

#: name -> constructor of every model :func:`get_model` knows (MXNet's names, plus 'lenet').
MODELS = {
    "resnet18_v1": resnet18_v1, "resnet34_v1": resnet34_v1,  # noqa: F405
    "resnet50_v1": resnet50_v1, "resnet101_v1": resnet101_v1,  # noqa: F405
    "resnet152_v1": resnet152_v1,  # noqa: F405
    "resnet18_v2": resnet18_v2, "resnet34_v2": resnet34_v2,  # noqa: F405
    "resnet50_v2": resnet50_v2, "resnet101_v2": resnet101_v2,  # noqa: F405
    "resnet152_v2": resnet152_v2,  # noqa: F405
    "vgg11": vgg11, "vgg13": vgg13, "vgg16": vgg16, "vgg19": vgg19,  # noqa: F405
    "vgg11_bn": vgg11_bn, "vgg13_bn": vgg13_bn,  # noqa: F405
    "vgg16_bn": vgg16_bn, "vgg19_bn": vgg19_bn,  # noqa: F405
    "alexnet": alexnet,  # noqa: F405
    "densenet121": densenet121, "densenet161": densenet161,  # noqa: F405
    "densenet169": densenet169, "densenet201": densenet201,  # noqa: F405
    "squeezenet1.0": squeezenet1_0, "squeezenet1.1": squeezenet1_1,  # noqa: F405
    "inceptionv3": inception_v3,  # noqa: F405
    "mobilenet1.0": mobilenet1_0, "mobilenet0.75": mobilenet0_75,  # noqa: F405
    "mobilenet0.5": mobilenet0_5, "mobilenet0.25": mobilenet0_25,  # noqa: F405
    "mobilenetv2_1.0": mobilenet_v2_1_0, "mobilenetv2_0.75": mobilenet_v2_0_75,  # noqa: F405
    "mobilenetv2_0.5": mobilenet_v2_0_5, "mobilenetv2_0.25": mobilenet_v2_0_25,  # noqa: F405
    "lenet": get_lenet,
}


def get_model(name: str, **kwargs: Any) -> HybridBlock:
    """Create a model of the zoo by name.

    Parameters
    ----------
    name : str
        Model name, case-insensitive: ``'resnet18_v1'`` ... ``'resnet152_v2'``, ``'vgg11'`` ...
        ``'vgg19_bn'``, ``'alexnet'``, ``'densenet121'`` ... ``'densenet201'``,
        ``'squeezenet1.0'``, ``'squeezenet1.1'``, ``'inceptionv3'``, ``'mobilenet1.0'`` ...
        ``'mobilenet0.25'``, ``'mobilenetv2_1.0'`` ... ``'mobilenetv2_0.25'``, ``'lenet'``.
    **kwargs
        Passed to the model's constructor: ``classes`` (default 1000), ``pretrained``
        (default False; loads ``<root>/<name>-<hash>.params``, nothing is downloaded),
        ``ctx``, ``root`` (default ``$MXNET_HOME/models``), ``prefix``, ...

    Returns
    -------
    HybridBlock
        The network (parameters not initialized unless ``pretrained``).

    Raises
    ------
    ValueError
        Unknown name (the message lists the available ones).

    See Also
    --------
    get_resnet, get_vgg, alexnet, inception_v3
    minigluon.gluon.model_zoo.model_store.get_model_file

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> net = gluon.model_zoo.vision.get_model('resnet18_v1', classes=10)
    >>> type(net).__name__, net.output
    ('ResNetV1', Dense(512 -> 10, linear))
    >>> net = gluon.model_zoo.vision.get_model('MobileNet0.25', classes=3)
    >>> net.initialize()
    >>> net(nd.ones((1, 3, 32, 32))).shape
    (1, 3)
    """
    key = name.lower()
    if key not in MODELS:
        raise ValueError(f"Model {key} is not supported. Available options are\n\t"
                         + "\n\t".join(sorted(MODELS)))
    return MODELS[key](**kwargs)
