"""MobileNet v1 (Howard et al. 2017) and v2 (Sandler et al. 2018) with width multipliers.

v1: a strided 3x3 convolution, then 13 depthwise-separable pairs (a 3x3 depthwise convolution
and a 1x1 pointwise one, each with BN and ReLU), global average pooling and the classifier.
v2: a strided 3x3 convolution, 17 inverted-residual "linear bottlenecks" (1x1 expand by ``t``,
3x3 depthwise, 1x1 linear projection; a shortcut when the shape is kept), ReLU6 throughout, a
1x1 convolution to 1280 channels, pooling, and a 1x1 convolution as the classifier. The
``multiplier`` scales every channel count (v2's last 1280 only when it is above 1).

See Also
--------
get_mobilenet, get_mobilenet_v2, MobileNet, MobileNetV2, get_model
"""

from __future__ import annotations

from typing import Any

from ....context import Context
from ... import nn
from ...block import HybridBlock
from ..model_store import load_pretrained
from ._variants import variant

__all__ = ["MobileNet", "MobileNetV2", "mobilenet1_0", "mobilenet_v2_1_0", "mobilenet0_75",
           "mobilenet_v2_0_75", "mobilenet0_5", "mobilenet_v2_0_5", "mobilenet0_25",
           "mobilenet_v2_0_25", "get_mobilenet", "get_mobilenet_v2"]


class RELU6(HybridBlock):
    """``clip(x, 0, 6)``: the activation of MobileNetV2 (the clip node is named ``relu6``).

    Examples
    --------
    >>> from minigluon import nd
    >>> from minigluon.gluon.model_zoo.vision.mobilenet import RELU6
    >>> RELU6()(nd.array([-1, 3, 8]))
    <BLANKLINE>
    [0. 3. 6.]
    <NDArray 3 @cpu(0)>
    """

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return F.clip(x, 0, 6, name="relu6")


def _add_conv(out: nn.HybridSequential, channels: int = 1, kernel: int = 1, stride: int = 1,
              pad: int = 0, num_group: int = 1, active: bool = True,
              relu6: bool = False) -> None:
    out.add(nn.Conv2D(channels, kernel, stride, pad, groups=num_group, use_bias=False),
            nn.BatchNorm(scale=True))
    if active:
        out.add(RELU6() if relu6 else nn.Activation("relu"))


def _add_separable(out: nn.HybridSequential, dw_channels: int, channels: int,
                   stride: int) -> None:
    _add_conv(out, dw_channels, kernel=3, stride=stride, pad=1, num_group=dw_channels)
    _add_conv(out, channels)


class LinearBottleneck(HybridBlock):
    """MobileNetV2's inverted residual: 1x1 expand (``t`` times), 3x3 depthwise, 1x1 project.

    The expansion and depthwise convolutions are followed by BN and ReLU6, the projection by
    BN only; the input is added back when ``stride == 1`` and the channels are kept.

    Examples
    --------
    >>> from minigluon import nd
    >>> from minigluon.gluon.model_zoo.vision.mobilenet import LinearBottleneck
    >>> block = LinearBottleneck(in_channels=4, channels=4, t=6, stride=1)
    >>> block.initialize()
    >>> block(nd.ones((1, 4, 5, 5))).shape, block.use_shortcut
    ((1, 4, 5, 5), True)
    """

    def __init__(self, in_channels: int, channels: int, t: int, stride: int,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.use_shortcut = stride == 1 and in_channels == channels
        with self.name_scope():
            self.out = nn.HybridSequential()
            _add_conv(self.out, in_channels * t, relu6=True)
            _add_conv(self.out, in_channels * t, kernel=3, stride=stride, pad=1,
                      num_group=in_channels * t, relu6=True)
            _add_conv(self.out, channels, active=False, relu6=True)

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        out = self.out(x)
        return F.elemwise_add(out, x) if self.use_shortcut else out


class MobileNet(HybridBlock):
    """MobileNet v1: a strided 3x3 convolution, 13 depthwise-separable pairs, pooling, Dense.

    Parameters
    ----------
    multiplier : float, default 1.0
        Width multiplier: every channel count is ``int(c * multiplier)``.
    classes : int, default 1000
        Outputs of the classifier.
    **kwargs
        ``prefix``, ``params`` as for any Block.

    See Also
    --------
    get_mobilenet, MobileNetV2

    Examples
    --------
    >>> from minigluon import nd
    >>> from minigluon.gluon.model_zoo import vision
    >>> net = vision.MobileNet(0.25, classes=10)
    >>> net.initialize()
    >>> net(nd.ones((1, 3, 32, 32))).shape
    (1, 10)
    >>> net.features[3]  # depthwise: 8 groups of 1 channel
    Conv2D(1 -> 8, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1), groups=8, bias=False)
    """

    def __init__(self, multiplier: float = 1.0, classes: int = 1000, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        with self.name_scope():
            self.features = nn.HybridSequential(prefix="")
            with self.features.name_scope():
                _add_conv(self.features, int(32 * multiplier), kernel=3, pad=1, stride=2)
                dw_channels = [32, 64] + [128] * 2 + [256] * 2 + [512] * 6 + [1024]
                channels = [64] + [128] * 2 + [256] * 2 + [512] * 6 + [1024] * 2
                strides = [1, 2] * 3 + [1] * 5 + [2, 1]
                for dwc, c, s in zip(dw_channels, channels, strides):
                    _add_separable(self.features, int(dwc * multiplier), int(c * multiplier),
                                   s)
                self.features.add(nn.GlobalAvgPool2D(), nn.Flatten())
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
        >>> net = vision.MobileNet(0.25, classes=2); net.initialize()
        >>> net.hybrid_forward(nd, nd.ones((1, 3, 32, 32))).shape
        (1, 2)
        """
        return self.output(self.features(x))


class MobileNetV2(HybridBlock):
    """MobileNet v2: a strided 3x3 convolution, 17 linear bottlenecks, 1x1 convolution,
    pooling, and a 1x1 convolution as the classifier.

    Parameters
    ----------
    multiplier : float, default 1.0
        Width multiplier: every channel count is ``int(c * multiplier)`` (the last 1280
        only when ``multiplier > 1``).
    classes : int, default 1000
        Outputs of the classifier.
    **kwargs
        ``prefix``, ``params`` as for any Block.

    See Also
    --------
    get_mobilenet_v2, MobileNet

    Examples
    --------
    >>> from minigluon import nd
    >>> from minigluon.gluon.model_zoo import vision
    >>> net = vision.MobileNetV2(0.25, classes=10)
    >>> net.initialize()
    >>> net(nd.ones((1, 3, 32, 32))).shape
    (1, 10)
    >>> net.output[0].weight.name
    'mobilenetv20_output_pred_weight'
    """

    def __init__(self, multiplier: float = 1.0, classes: int = 1000, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        with self.name_scope():
            self.features = nn.HybridSequential(prefix="features_")
            with self.features.name_scope():
                _add_conv(self.features, int(32 * multiplier), kernel=3, stride=2, pad=1,
                          relu6=True)
                in_channels = [32, 16] + [24] * 2 + [32] * 3 + [64] * 4 + [96] * 3 + [160] * 3
                channels = [16] + [24] * 2 + [32] * 3 + [64] * 4 + [96] * 3 + [160] * 3 + [320]
                expansions = [1] + [6] * 16
                strides = [1, 2] * 2 + [1, 1, 2] + [1] * 6 + [2] + [1] * 3
                for in_c, c, t, s in zip(in_channels, channels, expansions, strides):
                    self.features.add(LinearBottleneck(int(in_c * multiplier),
                                                       int(c * multiplier), t, s))
                last = int(1280 * multiplier) if multiplier > 1.0 else 1280
                _add_conv(self.features, last, relu6=True)
                self.features.add(nn.GlobalAvgPool2D())
            self.output = nn.HybridSequential(prefix="output_")
            with self.output.name_scope():
                self.output.add(nn.Conv2D(classes, 1, use_bias=False, prefix="pred_"),
                                nn.Flatten())

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        """``output(features(x))``.

        See Also
        --------
        minigluon.gluon.HybridBlock.hybrid_forward

        Examples
        --------
        >>> from minigluon import nd
        >>> from minigluon.gluon.model_zoo import vision
        >>> net = vision.MobileNetV2(0.25, classes=2); net.initialize()
        >>> net.hybrid_forward(nd, nd.ones((1, 3, 32, 32))).shape
        (1, 2)
        """
        return self.output(self.features(x))


def _file_suffix(multiplier: float) -> str:
    # MXNet's file names: 1.0, 0.75, 0.5, 0.25 (two decimals, minus a trailing zero)
    suffix = f"{multiplier:.2f}"
    return suffix[:-1] if suffix in ("1.00", "0.50") else suffix


def get_mobilenet(multiplier: float, pretrained: bool = False, ctx: Context | None = None,
                  root: str | None = None, **kwargs: Any) -> MobileNet:
    """MobileNet v1 with width ``multiplier``.

    Parameters
    ----------
    multiplier : float
        Width multiplier (the published ones: 1.0, 0.75, 0.5, 0.25).
    pretrained : bool, default False
        Load ``mobilenet<multiplier>-<hash>.params`` from ``root`` (nothing is downloaded).
    ctx : Context, optional
        Where the pretrained parameters go.
    root : str, optional
        Directory of the parameter files; default ``$MXNET_HOME/models``.
    **kwargs
        ``classes``, ``prefix``, ``params`` for :class:`MobileNet`.

    Returns
    -------
    MobileNet

    See Also
    --------
    MobileNet, mobilenet1_0, get_mobilenet_v2

    Examples
    --------
    >>> from minigluon.gluon.model_zoo import vision
    >>> vision.get_mobilenet(0.5).features[0]
    Conv2D(None -> 16, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), bias=False)
    """
    net = MobileNet(multiplier, **kwargs)
    if pretrained:
        load_pretrained(net, f"mobilenet{_file_suffix(multiplier)}", ctx=ctx, root=root)
    return net


def get_mobilenet_v2(multiplier: float, pretrained: bool = False, ctx: Context | None = None,
                     root: str | None = None, **kwargs: Any) -> MobileNetV2:
    """MobileNet v2 with width ``multiplier``.

    Parameters
    ----------
    multiplier : float
        Width multiplier (the published ones: 1.0, 0.75, 0.5, 0.25).
    pretrained : bool, default False
        Load ``mobilenetv2_<multiplier>-<hash>.params`` from ``root`` (nothing is downloaded).
    ctx : Context, optional
        Where the pretrained parameters go.
    root : str, optional
        Directory of the parameter files; default ``$MXNET_HOME/models``.
    **kwargs
        ``classes``, ``prefix``, ``params`` for :class:`MobileNetV2`.

    Returns
    -------
    MobileNetV2

    See Also
    --------
    MobileNetV2, mobilenet_v2_1_0, get_mobilenet

    Examples
    --------
    >>> from minigluon.gluon.model_zoo import vision
    >>> vision.get_mobilenet_v2(0.5).features[0]
    Conv2D(None -> 16, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), bias=False)
    """
    net = MobileNetV2(multiplier, **kwargs)
    if pretrained:
        load_pretrained(net, f"mobilenetv2_{_file_suffix(multiplier)}", ctx=ctx, root=root)
    return net


_DOC = """MobileNet{V} with width multiplier {m}: ``get_mobilenet{fv}({m}, **kwargs)``.

Parameters
----------
**kwargs
    ``pretrained``, ``ctx``, ``root``, ``classes``, ``prefix``: see :func:`get_mobilenet{fv}`.

Returns
-------
MobileNet{V}

See Also
--------
get_mobilenet{fv}, MobileNet{V}, get_model

Examples
--------
>>> from minigluon.gluon.model_zoo import vision
>>> net = vision.{name}(classes=10)
>>> net.features[0]
Conv2D(None -> {c}, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1), bias=False)
"""


def _mobilenet_variant(v2: bool, m: float) -> Any:
    tag = str(m).replace(".", "_")
    name = f"mobilenet_v2_{tag}" if v2 else f"mobilenet{tag}"
    doc = _DOC.format(V="V2" if v2 else "", fv="_v2" if v2 else "", m=m, name=name,
                      c=int(32 * m))
    return variant(name, get_mobilenet_v2 if v2 else get_mobilenet, (m,), doc, __name__)


mobilenet1_0 = _mobilenet_variant(False, 1.0)
mobilenet0_75 = _mobilenet_variant(False, 0.75)
mobilenet0_5 = _mobilenet_variant(False, 0.5)
mobilenet0_25 = _mobilenet_variant(False, 0.25)
mobilenet_v2_1_0 = _mobilenet_variant(True, 1.0)
mobilenet_v2_0_75 = _mobilenet_variant(True, 0.75)
mobilenet_v2_0_5 = _mobilenet_variant(True, 0.5)
mobilenet_v2_0_25 = _mobilenet_variant(True, 0.25)
