"""DenseNet-BC 121/161/169/201 (Huang et al. 2016).

A stem (7x7 convolution, BN, ReLU, 3x3 max pooling), four dense stages separated by
transitions, then BN, ReLU, 7x7 average pooling and the classifier. Each layer of a dense
stage concatenates its input with ``growth_rate`` new channels (BN-ReLU-1x1 conv to
``bn_size * growth_rate`` channels, BN-ReLU-3x3 conv); a transition halves the channels
(BN-ReLU-1x1 conv) and the resolution (2x2 average pooling).

See Also
--------
get_densenet, DenseNet, get_model
"""

from __future__ import annotations

from typing import Any

from ....context import Context
from ... import nn
from ...block import HybridBlock
from ...contrib.nn import HybridConcurrent
from ..model_store import load_pretrained
from ._variants import variant

__all__ = ["DenseNet", "densenet121", "densenet161", "densenet169", "densenet201",
           "get_densenet"]


def _dense_layer(growth_rate: int, bn_size: int, dropout: float) -> HybridConcurrent:
    new = nn.HybridSequential(prefix="")
    new.add(nn.BatchNorm(), nn.Activation("relu"),
            nn.Conv2D(bn_size * growth_rate, kernel_size=1, use_bias=False),
            nn.BatchNorm(), nn.Activation("relu"),
            nn.Conv2D(growth_rate, kernel_size=3, padding=1, use_bias=False))
    if dropout:
        new.add(nn.Dropout(dropout))
    layer = HybridConcurrent(axis=1, prefix="")
    layer.add(nn.Identity(), new)  # the input, then the new channels
    return layer


def _dense_stage(num_layers: int, bn_size: int, growth_rate: int, dropout: float,
                 index: int) -> nn.HybridSequential:
    stage = nn.HybridSequential(prefix=f"stage{index}_")
    with stage.name_scope():
        for _ in range(num_layers):
            stage.add(_dense_layer(growth_rate, bn_size, dropout))
    return stage


def _transition(channels: int) -> nn.HybridSequential:
    out = nn.HybridSequential(prefix="")
    out.add(nn.BatchNorm(), nn.Activation("relu"),
            nn.Conv2D(channels, kernel_size=1, use_bias=False),
            nn.AvgPool2D(pool_size=2, strides=2))
    return out


class DenseNet(HybridBlock):
    """DenseNet-BC: stem, dense stages joined by transitions, BN-ReLU, pooling, classifier.

    The final pooling is a fixed 7x7 average pooling (as in MXNet), so the input must be at
    least 221x221 (224x224 in the paper) for the last feature map to reach 7x7.

    Parameters
    ----------
    num_init_features : int
        Filters of the stem convolution.
    growth_rate : int
        Channels each dense layer adds (``k`` in the paper).
    block_config : list of int
        Dense layers per stage.
    bn_size : int, default 4
        The bottleneck 1x1 convolution has ``bn_size * growth_rate`` filters.
    dropout : float, default 0
        Dropout rate after each dense layer (0: none).
    classes : int, default 1000
        Outputs of the classifier.
    **kwargs
        ``prefix``, ``params`` as for any Block.

    See Also
    --------
    get_densenet, densenet121

    Examples
    --------
    >>> from minigluon import nd
    >>> from minigluon.gluon.model_zoo import vision
    >>> net = vision.DenseNet(8, 4, [1, 1, 1, 1], classes=3)
    >>> net.initialize()
    >>> net(nd.ones((1, 3, 224, 224))).shape
    (1, 3)
    >>> net.features[4][0](nd.ones((1, 8, 4, 4))).shape
    (1, 12, 4, 4)
    """

    def __init__(self, num_init_features: int, growth_rate: int, block_config: list,
                 bn_size: int = 4, dropout: float = 0, classes: int = 1000,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        with self.name_scope():
            self.features = nn.HybridSequential(prefix="")
            self.features.add(nn.Conv2D(num_init_features, kernel_size=7, strides=2,
                                        padding=3, use_bias=False),
                              nn.BatchNorm(), nn.Activation("relu"),
                              nn.MaxPool2D(pool_size=3, strides=2, padding=1))
            channels = num_init_features
            for i, num_layers in enumerate(block_config):
                self.features.add(_dense_stage(num_layers, bn_size, growth_rate, dropout, i + 1))
                channels += num_layers * growth_rate
                if i != len(block_config) - 1:
                    channels //= 2
                    self.features.add(_transition(channels))
            self.features.add(nn.BatchNorm(), nn.Activation("relu"),
                              nn.AvgPool2D(pool_size=7), nn.Flatten())
            self.output = nn.Dense(classes)

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        """``output(features(x))``.

        See Also
        --------
        minigluon.gluon.HybridBlock.hybrid_forward

        Examples
        --------
        >>> from minigluon import nd
        >>> from minigluon.gluon.model_zoo import vision
        >>> net = vision.DenseNet(4, 2, [1, 1, 1, 1], classes=2); net.initialize()
        >>> net.hybrid_forward(nd, nd.ones((1, 3, 224, 224))).shape
        (1, 2)
        """
        return self.output(self.features(x))


#: num_layers -> (num_init_features, growth_rate, block_config)
DENSENET_SPEC = {121: (64, 32, [6, 12, 24, 16]),
                 161: (96, 48, [6, 12, 36, 24]),
                 169: (64, 32, [6, 12, 32, 32]),
                 201: (64, 32, [6, 12, 48, 32])}


def get_densenet(num_layers: int, pretrained: bool = False, ctx: Context | None = None,
                 root: str | None = None, **kwargs: Any) -> DenseNet:
    """DenseNet-BC with 121, 161, 169 or 201 layers.

    Parameters
    ----------
    num_layers : int
        121, 161, 169 or 201.
    pretrained : bool, default False
        Load ``densenet<num_layers>-<hash>.params`` from ``root`` (nothing is downloaded).
    ctx : Context, optional
        Where the pretrained parameters go.
    root : str, optional
        Directory of the parameter files; default ``$MXNET_HOME/models``.
    **kwargs
        ``bn_size``, ``dropout``, ``classes``, ``prefix``, ``params`` for :class:`DenseNet`.

    Returns
    -------
    DenseNet

    See Also
    --------
    DenseNet, densenet121, get_model

    Examples
    --------
    >>> from minigluon.gluon.model_zoo.vision import get_densenet
    >>> net = get_densenet(121, classes=10)
    >>> [len(net.features[i]) for i in (4, 6, 8, 10)]
    [6, 12, 24, 16]
    """
    if num_layers not in DENSENET_SPEC:
        raise ValueError(f"Invalid number of layers: {num_layers}. Options are "
                         f"{sorted(DENSENET_SPEC)}")
    net = DenseNet(*DENSENET_SPEC[num_layers], **kwargs)
    if pretrained:
        load_pretrained(net, f"densenet{num_layers}", ctx=ctx, root=root)
    return net


_DOC = """DenseNet-BC-{n}: ``get_densenet({n}, **kwargs)`` (stem {f} filters, growth rate {k},
stages of {cfg} layers).

Parameters
----------
**kwargs
    ``pretrained``, ``ctx``, ``root``, ``classes``, ``dropout``, ``prefix``: see
    :func:`get_densenet`.

Returns
-------
DenseNet

See Also
--------
DenseNet, get_model

Examples
--------
>>> from minigluon.gluon.model_zoo import vision
>>> net = vision.densenet{n}(classes=10)
>>> net.features[0].weight.shape, [len(net.features[i]) for i in (4, 6, 8, 10)]
(({f}, 0, 7, 7), {cfg})
"""


def _densenet_variant(n: int) -> Any:
    f, k, cfg = DENSENET_SPEC[n]
    return variant(f"densenet{n}", get_densenet, (n,), _DOC.format(n=n, f=f, k=k, cfg=cfg),
                   __name__)


densenet121 = _densenet_variant(121)
densenet161 = _densenet_variant(161)
densenet169 = _densenet_variant(169)
densenet201 = _densenet_variant(201)
