"""ResNet v1 (He et al. 2015) and v2 (He et al. 2016, pre-activation) with 18 to 152 layers.

A ResNet is a stem (7x7 convolution, batch norm, ReLU, 3x3 max pooling, or one 3x3
convolution in ``thumbnail`` mode for small images), four stages of residual blocks, global
average pooling and a dense classifier. Stage ``i`` (named ``stage<i>_``) starts with a block
of stride 2 (stride 1 in stage 1) that projects the shortcut when the channel count changes.
18 and 34 layers use basic blocks (two 3x3 convolutions), 50, 101 and 152 bottleneck blocks
(1x1 reduce to a quarter, 3x3, 1x1 expand). v2 moves batch norm and ReLU in front of each
convolution, normalizes the input (a BatchNorm without scale and shift) and adds a final
BatchNorm and ReLU before pooling.

The layer structure, the name prefixes and therefore the parameter names are MXNet's
(``resnetv10_stage1_conv0_weight``), so parameter files written by either load in the other.

See Also
--------
get_resnet, ResNetV1, ResNetV2, get_model
"""

from __future__ import annotations

from typing import Any

from ....context import Context
from ... import nn
from ...block import HybridBlock
from ..model_store import load_pretrained
from ._variants import variant

__all__ = ["ResNetV1", "ResNetV2", "BasicBlockV1", "BasicBlockV2", "BottleneckV1",
           "BottleneckV2", "resnet18_v1", "resnet34_v1", "resnet50_v1", "resnet101_v1",
           "resnet152_v1", "resnet18_v2", "resnet34_v2", "resnet50_v2", "resnet101_v2",
           "resnet152_v2", "get_resnet"]


def _conv3x3(channels: int, stride: int, in_channels: int) -> nn.Conv2D:
    return nn.Conv2D(channels, kernel_size=3, strides=stride, padding=1, use_bias=False,
                     in_channels=in_channels)


def _projection(channels: int, stride: int, in_channels: int) -> nn.Conv2D:
    return nn.Conv2D(channels, kernel_size=1, strides=stride, use_bias=False,
                     in_channels=in_channels)


# -- residual blocks ---------------------------------------------------------------------------
# The blocks open no name scope of their own: their layers are named in the scope of the stage
# that builds them (stage1_conv0, stage1_conv1, ... across the blocks), as in MXNet.
class BasicBlockV1(HybridBlock):
    """ResNet v1 basic block: ``relu(body(x) + shortcut(x))``.

    ``body`` = conv3x3(stride) - BatchNorm - ReLU - conv3x3 - BatchNorm; the shortcut is the
    identity, or conv1x1(stride) - BatchNorm when ``downsample``.

    Parameters
    ----------
    channels : int
        Output channels.
    stride : int
        Stride of the first convolution (2 halves height and width).
    downsample : bool, default False
        Project the shortcut (needed when ``stride != 1`` or the channels change).
    in_channels : int, default 0
        Input channels (0: inferred from the first input).

    See Also
    --------
    BottleneckV1, BasicBlockV2, ResNetV1
    minigluon.gluon.nn.Conv2D, minigluon.gluon.nn.BatchNorm

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> block = gluon.model_zoo.vision.BasicBlockV1(8, 2, downsample=True)
    >>> block.initialize()
    >>> block(nd.ones((1, 4, 6, 6))).shape
    (1, 8, 3, 3)
    """

    def __init__(self, channels: int, stride: int, downsample: bool = False,
                 in_channels: int = 0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.body = nn.HybridSequential(prefix="")
        self.body.add(_conv3x3(channels, stride, in_channels), nn.BatchNorm(),
                      nn.Activation("relu"), _conv3x3(channels, 1, channels), nn.BatchNorm())
        if downsample:
            self.downsample = nn.HybridSequential(prefix="")
            self.downsample.add(_projection(channels, stride, in_channels), nn.BatchNorm())
        else:
            self.downsample = None

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        """``relu(body(x) + downsample(x))`` (identity shortcut without downsampling).

        See Also
        --------
        minigluon.gluon.HybridBlock.hybrid_forward

        Examples
        --------
        >>> from minigluon import gluon, nd
        >>> block = gluon.model_zoo.vision.BasicBlockV1(2, 1, in_channels=2)
        >>> block.initialize()
        >>> block.hybrid_forward(nd, nd.ones((1, 2, 4, 4))).shape
        (1, 2, 4, 4)
        """
        residual = self.downsample(x) if self.downsample else x
        return F.Activation(residual + self.body(x), act_type="relu")


class BottleneckV1(HybridBlock):
    """ResNet v1 bottleneck block: ``relu(body(x) + shortcut(x))``.

    ``body`` = conv1x1(``channels // 4``, stride) - BN - ReLU - conv3x3(``channels // 4``) -
    BN - ReLU - conv1x1(``channels``) - BN; the two 1x1 convolutions have biases (MXNet's
    layout). The shortcut is the identity, or conv1x1(stride) - BN when ``downsample``.

    Parameters
    ----------
    channels : int
        Output channels (the inner convolutions have a quarter of them).
    stride : int
        Stride of the first convolution.
    downsample : bool, default False
        Project the shortcut.
    in_channels : int, default 0
        Input channels (0: inferred).

    See Also
    --------
    BasicBlockV1, BottleneckV2, ResNetV1

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> block = gluon.model_zoo.vision.BottleneckV1(16, 2, downsample=True, in_channels=8)
    >>> block.initialize()
    >>> block(nd.ones((1, 8, 6, 6))).shape
    (1, 16, 3, 3)
    >>> block.body[0].weight.shape
    (4, 8, 1, 1)
    """

    def __init__(self, channels: int, stride: int, downsample: bool = False,
                 in_channels: int = 0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.body = nn.HybridSequential(prefix="")
        self.body.add(nn.Conv2D(channels // 4, kernel_size=1, strides=stride), nn.BatchNorm(),
                      nn.Activation("relu"), _conv3x3(channels // 4, 1, channels // 4),
                      nn.BatchNorm(), nn.Activation("relu"),
                      nn.Conv2D(channels, kernel_size=1, strides=1), nn.BatchNorm())
        if downsample:
            self.downsample = nn.HybridSequential(prefix="")
            self.downsample.add(_projection(channels, stride, in_channels), nn.BatchNorm())
        else:
            self.downsample = None

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        """``relu(body(x) + downsample(x))``.

        See Also
        --------
        minigluon.gluon.HybridBlock.hybrid_forward

        Examples
        --------
        >>> from minigluon import gluon, nd
        >>> block = gluon.model_zoo.vision.BottleneckV1(8, 1, in_channels=8)
        >>> block.initialize()
        >>> block.hybrid_forward(nd, nd.ones((1, 8, 4, 4))).shape
        (1, 8, 4, 4)
        """
        residual = self.downsample(x) if self.downsample else x
        return F.Activation(self.body(x) + residual, act_type="relu")


class BasicBlockV2(HybridBlock):
    """ResNet v2 (pre-activation) basic block: ``conv2(relu(bn2(conv1(a)))) + shortcut``,
    with ``a = relu(bn1(x))``.

    The shortcut is ``x``, or a strided conv1x1 of ``a`` when ``downsample``.

    Parameters
    ----------
    channels : int
        Output channels.
    stride : int
        Stride of ``conv1``.
    downsample : bool, default False
        Project the shortcut.
    in_channels : int, default 0
        Input channels (0: inferred).

    See Also
    --------
    BottleneckV2, BasicBlockV1, ResNetV2

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> block = gluon.model_zoo.vision.BasicBlockV2(8, 2, downsample=True)
    >>> block.initialize()
    >>> block(nd.ones((1, 4, 6, 6))).shape
    (1, 8, 3, 3)
    """

    def __init__(self, channels: int, stride: int, downsample: bool = False,
                 in_channels: int = 0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.bn1 = nn.BatchNorm()
        self.conv1 = _conv3x3(channels, stride, in_channels)
        self.bn2 = nn.BatchNorm()
        self.conv2 = _conv3x3(channels, 1, channels)
        self.downsample = _projection(channels, stride, in_channels) if downsample else None

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        """``conv2(relu(bn2(conv1(relu(bn1(x)))))) + shortcut``.

        See Also
        --------
        minigluon.gluon.HybridBlock.hybrid_forward

        Examples
        --------
        >>> from minigluon import gluon, nd
        >>> block = gluon.model_zoo.vision.BasicBlockV2(2, 1, in_channels=2)
        >>> block.initialize()
        >>> block.hybrid_forward(nd, nd.ones((1, 2, 4, 4))).shape
        (1, 2, 4, 4)
        """
        residual = x
        x = F.Activation(self.bn1(x), act_type="relu")
        if self.downsample:
            residual = self.downsample(x)
        x = F.Activation(self.bn2(self.conv1(x)), act_type="relu")
        return self.conv2(x) + residual


class BottleneckV2(HybridBlock):
    """ResNet v2 (pre-activation) bottleneck block.

    ``a = relu(bn1(x))``; output = conv3(relu(bn3(conv2(relu(bn2(conv1(a))))))) + shortcut,
    with conv1 1x1 (``channels // 4``), conv2 3x3 (stride), conv3 1x1 (``channels``), all
    without bias. The shortcut is ``x``, or a strided conv1x1 of ``a`` when ``downsample``.

    Parameters
    ----------
    channels : int
        Output channels.
    stride : int
        Stride of ``conv2``.
    downsample : bool, default False
        Project the shortcut.
    in_channels : int, default 0
        Input channels (0: inferred).

    See Also
    --------
    BasicBlockV2, BottleneckV1, ResNetV2

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> block = gluon.model_zoo.vision.BottleneckV2(16, 2, downsample=True, in_channels=8)
    >>> block.initialize()
    >>> block(nd.ones((1, 8, 6, 6))).shape
    (1, 16, 3, 3)
    """

    def __init__(self, channels: int, stride: int, downsample: bool = False,
                 in_channels: int = 0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.bn1 = nn.BatchNorm()
        self.conv1 = nn.Conv2D(channels // 4, kernel_size=1, strides=1, use_bias=False)
        self.bn2 = nn.BatchNorm()
        self.conv2 = _conv3x3(channels // 4, stride, channels // 4)
        self.bn3 = nn.BatchNorm()
        self.conv3 = nn.Conv2D(channels, kernel_size=1, strides=1, use_bias=False)
        self.downsample = _projection(channels, stride, in_channels) if downsample else None

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        """Pre-activation bottleneck plus shortcut.

        See Also
        --------
        minigluon.gluon.HybridBlock.hybrid_forward

        Examples
        --------
        >>> from minigluon import gluon, nd
        >>> block = gluon.model_zoo.vision.BottleneckV2(8, 1, in_channels=8)
        >>> block.initialize()
        >>> block.hybrid_forward(nd, nd.ones((1, 8, 4, 4))).shape
        (1, 8, 4, 4)
        """
        residual = x
        x = F.Activation(self.bn1(x), act_type="relu")
        if self.downsample:
            residual = self.downsample(x)
        x = F.Activation(self.bn2(self.conv1(x)), act_type="relu")
        x = F.Activation(self.bn3(self.conv2(x)), act_type="relu")
        return self.conv3(x) + residual


# -- networks ----------------------------------------------------------------------------------
def _check_spec(layers: list, channels: list, cls: str) -> None:
    if len(layers) != len(channels) - 1:
        raise ValueError(f"{cls}: channels needs one entry more than layers (the stem's "
                         f"channels first), got layers={list(layers)}, "
                         f"channels={list(channels)}")


def _stage(block: type, num_blocks: int, channels: int, stride: int, index: int,
           in_channels: int) -> nn.HybridSequential:
    stage = nn.HybridSequential(prefix=f"stage{index}_")
    with stage.name_scope():
        stage.add(block(channels, stride, channels != in_channels, in_channels=in_channels,
                        prefix=""))
        for _ in range(num_blocks - 1):
            stage.add(block(channels, 1, False, in_channels=channels, prefix=""))
    return stage


def _stem(features: nn.HybridSequential, channels: int, thumbnail: bool) -> None:
    if thumbnail:
        features.add(_conv3x3(channels, 1, 0))
    else:
        features.add(nn.Conv2D(channels, 7, 2, 3, use_bias=False), nn.BatchNorm(),
                     nn.Activation("relu"), nn.MaxPool2D(3, 2, 1))


class ResNetV1(HybridBlock):
    """ResNet v1: stem, four stages of residual blocks, global average pooling, Dense.

    Parameters
    ----------
    block : type
        The residual block class: :class:`BasicBlockV1` or :class:`BottleneckV1`.
    layers : list of int
        Blocks per stage.
    channels : list of int
        Channels of the stem, then of each stage (one entry more than ``layers``).
    classes : int, default 1000
        Outputs of the classifier.
    thumbnail : bool, default False
        Stem of one 3x3 convolution (stride 1, no pooling), for small images (CIFAR).
    **kwargs
        ``prefix``, ``params`` as for any Block.

    See Also
    --------
    get_resnet, ResNetV2, BasicBlockV1, BottleneckV1

    Examples
    --------
    >>> from minigluon import nd
    >>> from minigluon.gluon.model_zoo import vision
    >>> net = vision.ResNetV1(vision.BasicBlockV1, [1, 1], [8, 8, 16], classes=3,
    ...                       thumbnail=True)
    >>> net.initialize()
    >>> net(nd.ones((2, 3, 8, 8))).shape
    (2, 3)
    >>> [p for p in net.collect_params() if 'stage2_conv' in p]
    ['resnetv10_stage2_conv0_weight', 'resnetv10_stage2_conv1_weight',
     'resnetv10_stage2_conv2_weight']
    """

    def __init__(self, block: type, layers: list, channels: list, classes: int = 1000,
                 thumbnail: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        _check_spec(layers, channels, "ResNetV1")
        with self.name_scope():
            self.features = nn.HybridSequential(prefix="")
            _stem(self.features, channels[0], thumbnail)
            for i, num_blocks in enumerate(layers):
                self.features.add(_stage(block, num_blocks, channels[i + 1], 1 if i == 0 else 2,
                                         i + 1, channels[i]))
            self.features.add(nn.GlobalAvgPool2D())
            self.output = nn.Dense(classes, in_units=channels[-1])

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        """``output(features(x))``: ``(N, 3, H, W)`` images to ``(N, classes)`` scores.

        See Also
        --------
        minigluon.gluon.HybridBlock.hybrid_forward

        Examples
        --------
        >>> from minigluon import nd
        >>> from minigluon.gluon.model_zoo import vision
        >>> net = vision.resnet18_v1(classes=4, thumbnail=True); net.initialize()
        >>> net.hybrid_forward(nd, nd.ones((1, 3, 16, 16))).shape
        (1, 4)
        """
        return self.output(self.features(x))


class ResNetV2(HybridBlock):
    """ResNet v2 (pre-activation): input BatchNorm, stem, four stages, BN, ReLU, pooling, Dense.

    Parameters
    ----------
    block : type
        The residual block class: :class:`BasicBlockV2` or :class:`BottleneckV2`.
    layers : list of int
        Blocks per stage.
    channels : list of int
        Channels of the stem, then of each stage (one entry more than ``layers``).
    classes : int, default 1000
        Outputs of the classifier.
    thumbnail : bool, default False
        Stem of one 3x3 convolution (stride 1, no pooling), for small images.
    **kwargs
        ``prefix``, ``params`` as for any Block.

    See Also
    --------
    get_resnet, ResNetV1, BasicBlockV2, BottleneckV2

    Examples
    --------
    >>> from minigluon import nd
    >>> from minigluon.gluon.model_zoo import vision
    >>> net = vision.ResNetV2(vision.BasicBlockV2, [1, 1], [8, 8, 16], classes=3,
    ...                       thumbnail=True)
    >>> net.initialize()
    >>> net(nd.ones((2, 3, 8, 8))).shape
    (2, 3)
    >>> net.features[0]
    BatchNorm(axis=1, eps=1e-05, momentum=0.9, fix_gamma=True, use_global_stats=False,
              in_channels=3)
    """

    def __init__(self, block: type, layers: list, channels: list, classes: int = 1000,
                 thumbnail: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        _check_spec(layers, channels, "ResNetV2")
        with self.name_scope():
            self.features = nn.HybridSequential(prefix="")
            self.features.add(nn.BatchNorm(scale=False, center=False))
            _stem(self.features, channels[0], thumbnail)
            for i, num_blocks in enumerate(layers):
                self.features.add(_stage(block, num_blocks, channels[i + 1], 1 if i == 0 else 2,
                                         i + 1, channels[i]))
            self.features.add(nn.BatchNorm(), nn.Activation("relu"), nn.GlobalAvgPool2D(),
                              nn.Flatten())
            self.output = nn.Dense(classes, in_units=channels[-1])

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        """``output(features(x))``: ``(N, 3, H, W)`` images to ``(N, classes)`` scores.

        See Also
        --------
        minigluon.gluon.HybridBlock.hybrid_forward

        Examples
        --------
        >>> from minigluon import nd
        >>> from minigluon.gluon.model_zoo import vision
        >>> net = vision.resnet18_v2(classes=4, thumbnail=True); net.initialize()
        >>> net.hybrid_forward(nd, nd.ones((1, 3, 16, 16))).shape
        (1, 4)
        """
        return self.output(self.features(x))


# -- constructors ------------------------------------------------------------------------------
#: num_layers -> (block kind, blocks per stage, channels of the stem and the stages)
RESNET_SPEC = {18: ("basic", [2, 2, 2, 2], [64, 64, 128, 256, 512]),
               34: ("basic", [3, 4, 6, 3], [64, 64, 128, 256, 512]),
               50: ("bottleneck", [3, 4, 6, 3], [64, 256, 512, 1024, 2048]),
               101: ("bottleneck", [3, 4, 23, 3], [64, 256, 512, 1024, 2048]),
               152: ("bottleneck", [3, 8, 36, 3], [64, 256, 512, 1024, 2048])}
_NETS = {1: (ResNetV1, {"basic": BasicBlockV1, "bottleneck": BottleneckV1}),
         2: (ResNetV2, {"basic": BasicBlockV2, "bottleneck": BottleneckV2})}


def get_resnet(version: int, num_layers: int, pretrained: bool = False,
               ctx: Context | None = None, root: str | None = None,
               **kwargs: Any) -> ResNetV1 | ResNetV2:
    """ResNet v1 or v2 with 18, 34, 50, 101 or 152 layers.

    Parameters
    ----------
    version : int
        1 (:class:`ResNetV1`) or 2 (:class:`ResNetV2`).
    num_layers : int
        18, 34 (basic blocks), 50, 101 or 152 (bottleneck blocks).
    pretrained : bool, default False
        Load the parameter file ``resnet<num_layers>_v<version>-<hash>.params`` from ``root``
        (see :func:`~minigluon.gluon.model_zoo.model_store.get_model_file`; nothing is
        downloaded).
    ctx : Context, optional
        Where the pretrained parameters go.
    root : str, optional
        Directory of the parameter files; default ``$MXNET_HOME/models``.
    **kwargs
        ``classes``, ``thumbnail``, ``prefix``, ``params`` for the network.

    Returns
    -------
    ResNetV1 or ResNetV2

    See Also
    --------
    ResNetV1, ResNetV2, resnet18_v1, get_model

    Examples
    --------
    >>> from minigluon.gluon.model_zoo import vision
    >>> net = vision.get_resnet(2, 50, classes=10)
    >>> type(net).__name__, type(net.features[5][0]).__name__, net.output
    ('ResNetV2', 'BottleneckV2', Dense(2048 -> 10, linear))
    """
    if num_layers not in RESNET_SPEC:
        raise ValueError(f"Invalid number of layers: {num_layers}. Options are "
                         f"{sorted(RESNET_SPEC)}")
    if version not in _NETS:
        raise ValueError(f"Invalid resnet version: {version}. Options are 1 and 2.")
    kind, layers, channels = RESNET_SPEC[num_layers]
    net_class, blocks = _NETS[version]
    net = net_class(blocks[kind], layers, channels, **kwargs)
    if pretrained:
        load_pretrained(net, f"resnet{num_layers}_v{version}", ctx=ctx, root=root)
    return net


_DOC = """ResNet-{n} v{v}: ``get_resnet({v}, {n}, **kwargs)``.

Parameters
----------
**kwargs
    ``pretrained``, ``ctx``, ``root``, ``classes``, ``thumbnail``, ``prefix``: see
    :func:`get_resnet`.

Returns
-------
ResNetV{v}

See Also
--------
get_resnet, get_model, ResNetV{v}

Examples
--------
>>> from minigluon.gluon.model_zoo import vision
>>> net = vision.resnet{n}_v{v}(classes=10)
>>> net.output
Dense({c} -> 10, linear)
>>> len(net.features[{s}]), net.features[{s}].prefix
({b}, 'resnetv{v}0_stage3_')
"""


def _resnet_variant(version: int, n: int) -> Any:
    layers, channels = RESNET_SPEC[n][1:]
    stage3 = 6 if version == 1 else 7  # v2 has the input BatchNorm first
    doc = _DOC.format(n=n, v=version, c=channels[-1], s=stage3, b=layers[2])
    return variant(f"resnet{n}_v{version}", get_resnet, (version, n), doc, __name__)


resnet18_v1 = _resnet_variant(1, 18)
resnet34_v1 = _resnet_variant(1, 34)
resnet50_v1 = _resnet_variant(1, 50)
resnet101_v1 = _resnet_variant(1, 101)
resnet152_v1 = _resnet_variant(1, 152)
resnet18_v2 = _resnet_variant(2, 18)
resnet34_v2 = _resnet_variant(2, 34)
resnet50_v2 = _resnet_variant(2, 50)
resnet101_v2 = _resnet_variant(2, 101)
resnet152_v2 = _resnet_variant(2, 152)
