"""Inception v3 (Szegedy et al. 2015) for 299x299 images.

A stem of five convolutions and two max poolings, then eleven Inception modules (three A,
one B that reduces the grid, four C with factorized 7x7 convolutions, one D that reduces
again, two E with split 3x3 branches), 8x8 average pooling, dropout and the classifier. Each
module runs its branches on the same input and concatenates them along the channels; every
convolution is ``Conv2D(use_bias=False)`` - ``BatchNorm(epsilon=0.001)`` - ReLU. Modules are
named ``A1_`` ... ``E2_`` as in MXNet.

See Also
--------
inception_v3, Inception3, get_model
"""

from __future__ import annotations

from typing import Any

from ....context import Context
from ... import nn
from ...block import HybridBlock
from ...contrib.nn import HybridConcurrent
from ..model_store import load_pretrained

__all__ = ["Inception3", "inception_v3"]

_SETTINGS = ("channels", "kernel_size", "strides", "padding")


def _basic_conv(**kwargs: Any) -> nn.HybridSequential:
    out = nn.HybridSequential(prefix="")
    out.add(nn.Conv2D(use_bias=False, **kwargs), nn.BatchNorm(epsilon=0.001),
            nn.Activation("relu"))
    return out


def _branch(pool: str | None, *convs: tuple) -> nn.HybridSequential:
    """Optional pooling, then one basic convolution per (channels, kernel, strides, padding)
    setting (``None``: the Conv2D default)."""
    out = nn.HybridSequential(prefix="")
    if pool == "avg":
        out.add(nn.AvgPool2D(pool_size=3, strides=1, padding=1))
    elif pool == "max":
        out.add(nn.MaxPool2D(pool_size=3, strides=2))
    for setting in convs:
        out.add(_basic_conv(**{k: v for k, v in zip(_SETTINGS, setting) if v is not None}))
    return out


def _module(prefix: str, *branches: Any) -> HybridConcurrent:
    out = HybridConcurrent(axis=1, prefix=prefix)
    with out.name_scope():
        for make in branches:
            out.add(make())
    return out


def _make_a(pool_features: int, prefix: str) -> HybridConcurrent:
    return _module(prefix,
                   lambda: _branch(None, (64, 1, None, None)),
                   lambda: _branch(None, (48, 1, None, None), (64, 5, None, 2)),
                   lambda: _branch(None, (64, 1, None, None), (96, 3, None, 1),
                                   (96, 3, None, 1)),
                   lambda: _branch("avg", (pool_features, 1, None, None)))


def _make_b(prefix: str) -> HybridConcurrent:
    return _module(prefix,
                   lambda: _branch(None, (384, 3, 2, None)),
                   lambda: _branch(None, (64, 1, None, None), (96, 3, None, 1),
                                   (96, 3, 2, None)),
                   lambda: _branch("max"))


def _make_c(c7: int, prefix: str) -> HybridConcurrent:
    return _module(prefix,
                   lambda: _branch(None, (192, 1, None, None)),
                   lambda: _branch(None, (c7, 1, None, None), (c7, (1, 7), None, (0, 3)),
                                   (192, (7, 1), None, (3, 0))),
                   lambda: _branch(None, (c7, 1, None, None), (c7, (7, 1), None, (3, 0)),
                                   (c7, (1, 7), None, (0, 3)), (c7, (7, 1), None, (3, 0)),
                                   (192, (1, 7), None, (0, 3))),
                   lambda: _branch("avg", (192, 1, None, None)))


def _make_d(prefix: str) -> HybridConcurrent:
    return _module(prefix,
                   lambda: _branch(None, (192, 1, None, None), (320, 3, 2, None)),
                   lambda: _branch(None, (192, 1, None, None), (192, (1, 7), None, (0, 3)),
                                   (192, (7, 1), None, (3, 0)), (192, 3, 2, None)),
                   lambda: _branch("max"))


def _split(first: nn.HybridSequential) -> nn.HybridSequential:
    """``first``, then a 1x3 and a 3x1 convolution side by side (E's split branches)."""
    out = nn.HybridSequential(prefix="")
    out.add(first)
    pair = HybridConcurrent(axis=1, prefix="")
    pair.add(_branch(None, (384, (1, 3), None, (0, 1))),
             _branch(None, (384, (3, 1), None, (1, 0))))
    out.add(pair)
    return out


def _make_e(prefix: str) -> HybridConcurrent:
    return _module(prefix,
                   lambda: _branch(None, (320, 1, None, None)),
                   lambda: _split(_branch(None, (384, 1, None, None))),
                   lambda: _split(_branch(None, (448, 1, None, None), (384, 3, None, 1))),
                   lambda: _branch("avg", (192, 1, None, None)))


class Inception3(HybridBlock):
    """Inception v3: stem, Inception modules A1-A3, B, C1-C4, D, E1-E2, pooling, classifier.

    The final pooling is a fixed 8x8 average pooling (as in MXNet): the input must be
    299x299 (at least 299, and below 331).

    Parameters
    ----------
    classes : int, default 1000
        Outputs of the classifier.
    **kwargs
        ``prefix``, ``params`` as for any Block.

    See Also
    --------
    inception_v3

    Examples
    --------
    >>> from minigluon.gluon.model_zoo import vision
    >>> net = vision.Inception3(classes=10)
    >>> [b.prefix for b in net.features][7:]
    ['inception30_A1_', 'inception30_A2_', 'inception30_A3_', 'inception30_B_',
     'inception30_C1_', 'inception30_C2_', 'inception30_C3_', 'inception30_C4_',
     'inception30_D_', 'inception30_E1_', 'inception30_E2_', 'inception30_pool2_',
     'inception30_dropout0_']
    """

    def __init__(self, classes: int = 1000, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        with self.name_scope():
            self.features = nn.HybridSequential(prefix="")
            self.features.add(_basic_conv(channels=32, kernel_size=3, strides=2),
                              _basic_conv(channels=32, kernel_size=3),
                              _basic_conv(channels=64, kernel_size=3, padding=1),
                              nn.MaxPool2D(pool_size=3, strides=2),
                              _basic_conv(channels=80, kernel_size=1),
                              _basic_conv(channels=192, kernel_size=3),
                              nn.MaxPool2D(pool_size=3, strides=2),
                              _make_a(32, "A1_"), _make_a(64, "A2_"), _make_a(64, "A3_"),
                              _make_b("B_"),
                              _make_c(128, "C1_"), _make_c(160, "C2_"), _make_c(160, "C3_"),
                              _make_c(192, "C4_"),
                              _make_d("D_"), _make_e("E1_"), _make_e("E2_"),
                              nn.AvgPool2D(pool_size=8), nn.Dropout(0.5))
            self.output = nn.Dense(classes)

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        """``output(features(x))``: ``(N, 3, 299, 299)`` images to ``(N, classes)``.

        See Also
        --------
        minigluon.gluon.HybridBlock.hybrid_forward

        Examples
        --------
        >>> from minigluon import sym
        >>> from minigluon.gluon.model_zoo import vision
        >>> net = vision.Inception3(classes=5)
        >>> out = net.hybrid_forward(sym, sym.var('data'))
        >>> out.infer_shape(data=(1, 3, 299, 299))[1]
        [(1, 5)]
        """
        return self.output(self.features(x))


def inception_v3(pretrained: bool = False, ctx: Context | None = None, root: str | None = None,
                 **kwargs: Any) -> Inception3:
    """Inception v3.

    Parameters
    ----------
    pretrained : bool, default False
        Load ``inceptionv3-ed47ec45.params`` from ``root`` (nothing is downloaded).
    ctx : Context, optional
        Where the pretrained parameters go.
    root : str, optional
        Directory of the parameter files; default ``$MXNET_HOME/models``.
    **kwargs
        ``classes``, ``prefix``, ``params`` for :class:`Inception3`.

    Returns
    -------
    Inception3

    See Also
    --------
    Inception3, get_model

    Examples
    --------
    >>> from minigluon.gluon.model_zoo import vision
    >>> net = vision.inception_v3(classes=10)
    >>> net.output, len(net.collect_params())
    (Dense(None -> 10, linear), 472)
    """
    net = Inception3(**kwargs)
    if pretrained:
        load_pretrained(net, "inceptionv3", ctx=ctx, root=root)
    return net
