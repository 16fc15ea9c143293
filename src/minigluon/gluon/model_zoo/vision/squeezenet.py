"""SqueezeNet 1.0 (Iandola et al. 2016) and 1.1 (the SqueezeNet repository's cheaper variant).

A stem convolution, eight fire modules with max poolings between them, dropout, and a
classifier made of a 1x1 convolution to ``classes`` channels, ReLU and a 13x13 average
pooling. A fire module squeezes to a few channels with a 1x1 convolution, then expands with
1x1 and 3x3 convolutions side by side whose outputs are concatenated. 1.1 has a 3x3 stem of
64 filters and pools earlier: about 2.4 times less computation for the same accuracy.

See Also
--------
SqueezeNet, squeezenet1_0, squeezenet1_1, get_model
"""

from __future__ import annotations

from typing import Any

from ....context import Context
from ... import nn
from ...block import HybridBlock
from ...contrib.nn import HybridConcurrent
from ..model_store import load_pretrained
from ._variants import variant

__all__ = ["SqueezeNet", "squeezenet1_0", "squeezenet1_1", "get_squeezenet"]


def _conv_relu(channels: int, kernel_size: int, padding: int = 0) -> nn.HybridSequential:
    out = nn.HybridSequential(prefix="")
    out.add(nn.Conv2D(channels, kernel_size, padding=padding), nn.Activation("relu"))
    return out


def _fire(squeeze: int, expand1x1: int, expand3x3: int) -> nn.HybridSequential:
    out = nn.HybridSequential(prefix="")
    out.add(_conv_relu(squeeze, 1))
    expand = HybridConcurrent(axis=1, prefix="")
    expand.add(_conv_relu(expand1x1, 1), _conv_relu(expand3x3, 3, 1))
    out.add(expand)
    return out


def _pool() -> nn.MaxPool2D:
    return nn.MaxPool2D(pool_size=3, strides=2, ceil_mode=True)


class SqueezeNet(HybridBlock):
    """SqueezeNet 1.0 or 1.1: stem, fire modules, a convolutional classifier.

    The classifier ends in a fixed 13x13 average pooling (as in MXNet): the input must be
    about 224x224 (1.0 needs at least 211 pixels, 1.1 at least 207).

    Parameters
    ----------
    version : str
        ``'1.0'`` or ``'1.1'``.
    classes : int, default 1000
        Outputs of the classifier.
    **kwargs
        ``prefix``, ``params`` as for any Block.

    See Also
    --------
    squeezenet1_0, squeezenet1_1

    Examples
    --------
    >>> from minigluon import nd
    >>> from minigluon.gluon.model_zoo import vision
    >>> net = vision.SqueezeNet('1.1', classes=10)
    >>> net.initialize()
    >>> net(nd.ones((1, 3, 224, 224))).shape
    (1, 10)
    >>> net.features[3](nd.ones((1, 64, 5, 5))).shape  # a fire module: 64 + 64 channels
    (1, 128, 5, 5)
    """

    def __init__(self, version: str, classes: int = 1000, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if version not in ("1.0", "1.1"):
            raise ValueError(f"Unsupported SqueezeNet version {version}: 1.0 or 1.1 expected")
        with self.name_scope():
            self.features = nn.HybridSequential(prefix="")
            f = self.features
            if version == "1.0":
                f.add(nn.Conv2D(96, kernel_size=7, strides=2), nn.Activation("relu"), _pool(),
                      _fire(16, 64, 64), _fire(16, 64, 64), _fire(32, 128, 128), _pool(),
                      _fire(32, 128, 128), _fire(48, 192, 192), _fire(48, 192, 192),
                      _fire(64, 256, 256), _pool(), _fire(64, 256, 256))
            else:
                f.add(nn.Conv2D(64, kernel_size=3, strides=2), nn.Activation("relu"), _pool(),
                      _fire(16, 64, 64), _fire(16, 64, 64), _pool(),
                      _fire(32, 128, 128), _fire(32, 128, 128), _pool(),
                      _fire(48, 192, 192), _fire(48, 192, 192), _fire(64, 256, 256),
                      _fire(64, 256, 256))
            f.add(nn.Dropout(0.5))
            self.output = nn.HybridSequential(prefix="")
            self.output.add(nn.Conv2D(classes, kernel_size=1), nn.Activation("relu"),
                            nn.AvgPool2D(13), nn.Flatten())

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        """``output(features(x))``.

        See Also
        --------
        minigluon.gluon.HybridBlock.hybrid_forward

        Examples
        --------
        >>> from minigluon import nd
        >>> from minigluon.gluon.model_zoo import vision
        >>> net = vision.SqueezeNet('1.1', classes=2); net.initialize()
        >>> net.hybrid_forward(nd, nd.ones((1, 3, 224, 224))).shape
        (1, 2)
        """
        return self.output(self.features(x))


def get_squeezenet(version: str, pretrained: bool = False, ctx: Context | None = None,
                   root: str | None = None, **kwargs: Any) -> SqueezeNet:
    """SqueezeNet ``'1.0'`` or ``'1.1'``.

    Parameters
    ----------
    version : str
        ``'1.0'`` or ``'1.1'``.
    pretrained : bool, default False
        Load ``squeezenet<version>-<hash>.params`` from ``root`` (nothing is downloaded).
    ctx : Context, optional
        Where the pretrained parameters go.
    root : str, optional
        Directory of the parameter files; default ``$MXNET_HOME/models``.
    **kwargs
        ``classes``, ``prefix``, ``params`` for :class:`SqueezeNet`.

    Returns
    -------
    SqueezeNet

    See Also
    --------
    SqueezeNet, squeezenet1_0, get_model

    Examples
    --------
    >>> from minigluon.gluon.model_zoo.vision import get_squeezenet
    >>> get_squeezenet('1.0').features[0]
    Conv2D(None -> 96, kernel_size=(7, 7), stride=(2, 2))
    """
    net = SqueezeNet(version, **kwargs)
    if pretrained:
        load_pretrained(net, f"squeezenet{version}", ctx=ctx, root=root)
    return net


_DOC = """SqueezeNet {v}: ``get_squeezenet('{v}', **kwargs)``.

Parameters
----------
**kwargs
    ``pretrained``, ``ctx``, ``root``, ``classes``, ``prefix``: see
    :func:`get_squeezenet`.

Returns
-------
SqueezeNet

See Also
--------
SqueezeNet, get_model

Examples
--------
>>> from minigluon.gluon.model_zoo import vision
>>> net = vision.squeezenet{u}(classes=10)
>>> net.features[0], net.output[0]
(Conv2D(None -> {c}, kernel_size=({k}, {k}), stride=(2, 2)),
 Conv2D(None -> 10, kernel_size=(1, 1), stride=(1, 1)))
"""

squeezenet1_0 = variant("squeezenet1_0", get_squeezenet, ("1.0",),
                        _DOC.format(v="1.0", u="1_0", c=96, k=7), __name__)
squeezenet1_1 = variant("squeezenet1_1", get_squeezenet, ("1.1",),
                        _DOC.format(v="1.1", u="1_1", c=64, k=3), __name__)
