"""The ResNet v1 basic block (He et al. 2015) as defined in MXNet's model zoo.

``BasicBlockV1`` is two 3x3 convolutions with batch normalization and a residual connection
(with a 1x1 convolution on the shortcut when the shape changes): the building block of
ResNet-18/34 and the example of the Gluon tutorials on custom HybridBlocks.
"""

from __future__ import annotations

from typing import Any

from ... import nn
from ...block import HybridBlock

__all__ = ["BasicBlockV1"]


def _conv3x3(channels: int, stride: int, in_channels: int) -> nn.Conv2D:
    return nn.Conv2D(channels, kernel_size=3, strides=stride, padding=1, use_bias=False,
                     in_channels=in_channels)


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
    LeNet
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
        self.body.add(_conv3x3(channels, stride, in_channels))
        self.body.add(nn.BatchNorm())
        self.body.add(nn.Activation("relu"))
        self.body.add(_conv3x3(channels, 1, channels))
        self.body.add(nn.BatchNorm())
        if downsample:
            self.downsample = nn.HybridSequential(prefix="")
            self.downsample.add(nn.Conv2D(channels, kernel_size=1, strides=stride,
                                          use_bias=False, in_channels=in_channels))
            self.downsample.add(nn.BatchNorm())
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
        residual = x
        x = self.body(x)
        if self.downsample:
            residual = self.downsample(residual)
        return F.Activation(residual + x, act_type="relu")
