"""VGG 11/13/16/19 (Simonyan and Zisserman 2014), with or without batch normalization.

Five groups of 3x3 convolutions (64, 128, 256, 512, 512 filters; 1-4 per group by depth),
each convolution followed by ReLU (and BatchNorm before it in the ``_bn`` variants), each
group by 2x2 max pooling; then two 4096-unit ReLU layers with dropout and the classifier.
Convolutions start as Xavier (gaussian, fan-out, magnitude 2), the dense layers as
``Normal(0.01)``, biases at zero, as in MXNet.

See Also
--------
get_vgg, VGG, get_model
"""

from __future__ import annotations

from typing import Any

from .... import initializer
from ....context import Context
from ... import nn
from ...block import HybridBlock
from ..model_store import load_pretrained
from ._variants import variant

__all__ = ["VGG", "vgg11", "vgg13", "vgg16", "vgg19", "vgg11_bn", "vgg13_bn", "vgg16_bn",
           "vgg19_bn", "get_vgg"]


class VGG(HybridBlock):
    """VGG: groups of 3x3 convolutions with max pooling, two dense layers, the classifier.

    Parameters
    ----------
    layers : list of int
        Convolutions per group.
    filters : list of int
        Filters of each group's convolutions (as long as ``layers``).
    classes : int, default 1000
        Outputs of the classifier.
    batch_norm : bool, default False
        BatchNorm after every convolution.
    **kwargs
        ``prefix``, ``params`` as for any Block.

    See Also
    --------
    get_vgg, vgg16, vgg16_bn

    Examples
    --------
    >>> from minigluon import nd
    >>> from minigluon.gluon.model_zoo import vision
    >>> net = vision.VGG([1, 1], [4, 8], classes=3, batch_norm=True)
    >>> net.initialize()
    >>> net(nd.ones((1, 3, 8, 8))).shape
    (1, 3)
    >>> [type(b).__name__ for b in net.features][:4]
    ['Conv2D', 'BatchNorm', 'Activation', 'MaxPool2D']
    """

    def __init__(self, layers: list, filters: list, classes: int = 1000,
                 batch_norm: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if len(layers) != len(filters):
            raise ValueError(f"VGG: layers and filters must have the same length, got "
                             f"layers={list(layers)}, filters={list(filters)}")
        with self.name_scope():
            self.features = nn.HybridSequential(prefix="")
            conv_init = initializer.Xavier(rnd_type="gaussian", factor_type="out", magnitude=2)
            for num, channels in zip(layers, filters):
                for _ in range(num):
                    self.features.add(nn.Conv2D(channels, kernel_size=3, padding=1,
                                                weight_initializer=conv_init,
                                                bias_initializer="zeros"))
                    if batch_norm:
                        self.features.add(nn.BatchNorm())
                    self.features.add(nn.Activation("relu"))
                self.features.add(nn.MaxPool2D(strides=2))
            for _ in range(2):
                self.features.add(nn.Dense(4096, activation="relu", weight_initializer="normal",
                                           bias_initializer="zeros"),
                                  nn.Dropout(rate=0.5))
            self.output = nn.Dense(classes, weight_initializer="normal",
                                   bias_initializer="zeros")

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        """``output(features(x))``.

        See Also
        --------
        minigluon.gluon.HybridBlock.hybrid_forward

        Examples
        --------
        >>> from minigluon import nd
        >>> from minigluon.gluon.model_zoo import vision
        >>> net = vision.VGG([1], [4], classes=2); net.initialize()
        >>> net.hybrid_forward(nd, nd.ones((1, 3, 4, 4))).shape
        (1, 2)
        """
        return self.output(self.features(x))


#: num_layers -> (convolutions per group, filters per group)
VGG_SPEC = {11: ([1, 1, 2, 2, 2], [64, 128, 256, 512, 512]),
            13: ([2, 2, 2, 2, 2], [64, 128, 256, 512, 512]),
            16: ([2, 2, 3, 3, 3], [64, 128, 256, 512, 512]),
            19: ([2, 2, 4, 4, 4], [64, 128, 256, 512, 512])}


def get_vgg(num_layers: int, pretrained: bool = False, ctx: Context | None = None,
            root: str | None = None, **kwargs: Any) -> VGG:
    """VGG with 11, 13, 16 or 19 layers.

    Parameters
    ----------
    num_layers : int
        11, 13, 16 or 19.
    pretrained : bool, default False
        Load ``vgg<num_layers>[_bn]-<hash>.params`` from ``root`` (nothing is downloaded).
    ctx : Context, optional
        Where the pretrained parameters go.
    root : str, optional
        Directory of the parameter files; default ``$MXNET_HOME/models``.
    **kwargs
        ``classes``, ``batch_norm``, ``prefix``, ``params`` for :class:`VGG`.

    Returns
    -------
    VGG

    See Also
    --------
    VGG, vgg16, get_model

    Examples
    --------
    >>> from minigluon.gluon.model_zoo import vision
    >>> net = vision.get_vgg(11, classes=10)
    >>> sum(type(b).__name__ == 'Conv2D' for b in net.features), net.output
    (8, Dense(None -> 10, linear))
    """
    if num_layers not in VGG_SPEC:
        raise ValueError(f"Invalid number of layers: {num_layers}. Options are "
                         f"{sorted(VGG_SPEC)}")
    layers, filters = VGG_SPEC[num_layers]
    net = VGG(layers, filters, **kwargs)
    if pretrained:
        suffix = "_bn" if kwargs.get("batch_norm") else ""
        load_pretrained(net, f"vgg{num_layers}{suffix}", ctx=ctx, root=root)
    return net


_DOC = """VGG-{n}{what}: ``get_vgg({n}{bn_arg}, **kwargs)``.

Parameters
----------
**kwargs
    ``pretrained``, ``ctx``, ``root``, ``classes``, ``prefix``: see :func:`get_vgg`.

Returns
-------
VGG

See Also
--------
get_vgg, get_model, VGG

Examples
--------
>>> from minigluon.gluon.model_zoo import vision
>>> net = vision.vgg{n}{suffix}(classes=10)
>>> sum(type(b).__name__ == 'Conv2D' for b in net.features)
{convs}
>>> sum(type(b).__name__ == 'BatchNorm' for b in net.features)
{bns}
"""


def _vgg_variant(n: int, bn: bool) -> Any:
    convs = sum(VGG_SPEC[n][0])
    doc = _DOC.format(n=n, what=" with batch normalization" if bn else "",
                      bn_arg=", batch_norm=True" if bn else "", suffix="_bn" if bn else "",
                      convs=convs, bns=convs if bn else 0)
    fixed = {"batch_norm": True} if bn else {}
    return variant(f"vgg{n}{'_bn' if bn else ''}", get_vgg, (n,), doc, __name__, **fixed)


vgg11 = _vgg_variant(11, False)
vgg13 = _vgg_variant(13, False)
vgg16 = _vgg_variant(16, False)
vgg19 = _vgg_variant(19, False)
vgg11_bn = _vgg_variant(11, True)
vgg13_bn = _vgg_variant(13, True)
vgg16_bn = _vgg_variant(16, True)
vgg19_bn = _vgg_variant(19, True)
