"""LeNet for 28x28 grey images: the convolutional network of the Gluon MNIST tutorials.

Two convolutions (20 and 50 filters of 5x5, ReLU) each followed by 2x2 max pooling, then a
512-unit ReLU layer and the output layer: the network of straight-dope's "Convolutional neural
networks in gluon" and of the benchmarks (``benchmarks/``).
"""

from __future__ import annotations

from typing import Any

from ... import nn
from ...block import HybridBlock

__all__ = ["LeNet", "get_lenet"]


class LeNet(HybridBlock):
    """LeNet: conv(20, 5) - maxpool(2) - conv(50, 5) - maxpool(2) - dense(512) - dense(classes).

    Input ``(N, 1, 28, 28)`` (any ``(N, C, H, W)`` with H, W >= 12 works: the first dense layer
    infers its input size); output ``(N, classes)`` scores.

    Parameters
    ----------
    classes : int, default 10
        Number of output classes.
    **kwargs
        ``prefix``, ``params`` as for any Block.

    See Also
    --------
    get_lenet, get_model
    minigluon.gluon.data.vision.SyntheticDigits : Digits to train it on.
    minigluon.gluon.nn.Conv2D, minigluon.gluon.nn.MaxPool2D

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> net = gluon.model_zoo.vision.LeNet()
    >>> net.initialize()
    >>> net(nd.ones((2, 1, 28, 28))).shape
    (2, 10)
    >>> net.features[0]
    Conv2D(1 -> 20, kernel_size=(5, 5), stride=(1, 1), Activation(relu))
    """

    def __init__(self, classes: int = 10, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        with self.name_scope():
            self.features = nn.HybridSequential(prefix="")
            with self.features.name_scope():
                self.features.add(nn.Conv2D(20, kernel_size=5, activation="relu"),
                                  nn.MaxPool2D(pool_size=2, strides=2),
                                  nn.Conv2D(50, kernel_size=5, activation="relu"),
                                  nn.MaxPool2D(pool_size=2, strides=2),
                                  nn.Flatten(),
                                  nn.Dense(512, activation="relu"))
            self.output = nn.Dense(classes)

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        """``output(features(x))``.

        See Also
        --------
        minigluon.gluon.HybridBlock.hybrid_forward

        Examples
        --------
        >>> from minigluon import gluon, nd
        >>> net = gluon.model_zoo.vision.LeNet(classes=3); net.initialize()
        >>> net.hybrid_forward(nd, nd.ones((1, 1, 28, 28))).shape
        (1, 3)
        """
        return self.output(self.features(x))


def get_lenet(classes: int = 10, **kwargs: Any) -> LeNet:
    """A :class:`LeNet` with ``classes`` outputs (``pretrained`` weights are not available).

    Parameters
    ----------
    classes : int, default 10
        The number of outputs of the last Dense layer.

    See Also
    --------
    LeNet, get_model

    Examples
    --------
    >>> from minigluon import gluon
    >>> net = gluon.model_zoo.vision.get_lenet(classes=10)
    >>> net.output
    Dense(None -> 10, linear)
    """
    if kwargs.pop("pretrained", False):
        raise ValueError("get_lenet: pretrained weights are not available (nothing is "
                         "downloaded); train the network or load_parameters() a file")
    kwargs.pop("ctx", None)  # get_model passes these to every model
    kwargs.pop("root", None)
    return LeNet(classes=classes, **kwargs)
