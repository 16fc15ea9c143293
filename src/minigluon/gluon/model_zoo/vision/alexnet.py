"""AlexNet in the single-tower form of Krizhevsky's "One weird trick" (2014).

Five convolutions (64 11x11 stride 4, 192 5x5, 384, 256, 256 3x3; ReLU), max pooling
(3x3, stride 2) after the first, second and fifth, then two 4096-unit ReLU layers with
dropout and the classifier.

See Also
--------
alexnet, AlexNet, get_model
"""

from __future__ import annotations

from typing import Any

from ....context import Context
from ... import nn
from ...block import HybridBlock
from ..model_store import load_pretrained

__all__ = ["AlexNet", "alexnet"]


class AlexNet(HybridBlock):
    """AlexNet: five convolutions, three max poolings, two dense layers, the classifier.

    Input ``(N, 3, 224, 224)`` (at least 63x63: the dense layer after the convolutions infers
    its input size from the first input).

    Parameters
    ----------
    classes : int, default 1000
        Outputs of the classifier.
    **kwargs
        ``prefix``, ``params`` as for any Block.

    See Also
    --------
    alexnet, VGG

    Examples
    --------
    >>> from minigluon import nd
    >>> from minigluon.gluon.model_zoo import vision
    >>> net = vision.AlexNet(classes=10)
    >>> net.initialize()
    >>> net(nd.ones((1, 3, 63, 63))).shape
    (1, 10)
    >>> net.features[0]
    Conv2D(3 -> 64, kernel_size=(11, 11), stride=(4, 4), padding=(2, 2), Activation(relu))
    """

    def __init__(self, classes: int = 1000, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        with self.name_scope():
            self.features = nn.HybridSequential(prefix="")
            with self.features.name_scope():
                self.features.add(
                    nn.Conv2D(64, kernel_size=11, strides=4, padding=2, activation="relu"),
                    nn.MaxPool2D(pool_size=3, strides=2),
                    nn.Conv2D(192, kernel_size=5, padding=2, activation="relu"),
                    nn.MaxPool2D(pool_size=3, strides=2),
                    nn.Conv2D(384, kernel_size=3, padding=1, activation="relu"),
                    nn.Conv2D(256, kernel_size=3, padding=1, activation="relu"),
                    nn.Conv2D(256, kernel_size=3, padding=1, activation="relu"),
                    nn.MaxPool2D(pool_size=3, strides=2),
                    nn.Flatten(),
                    nn.Dense(4096, activation="relu"), nn.Dropout(0.5),
                    nn.Dense(4096, activation="relu"), nn.Dropout(0.5))
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
        >>> net = vision.AlexNet(classes=2); net.initialize()
        >>> net.hybrid_forward(nd, nd.ones((1, 3, 63, 63))).shape
        (1, 2)
        """
        return self.output(self.features(x))


def alexnet(pretrained: bool = False, ctx: Context | None = None, root: str | None = None,
            **kwargs: Any) -> AlexNet:
    """AlexNet.

    Parameters
    ----------
    pretrained : bool, default False
        Load ``alexnet-44335d1f.params`` from ``root`` (nothing is downloaded).
    ctx : Context, optional
        Where the pretrained parameters go.
    root : str, optional
        Directory of the parameter files; default ``$MXNET_HOME/models``.
    **kwargs
        ``classes``, ``prefix``, ``params`` for :class:`AlexNet`.

    Returns
    -------
    AlexNet

    See Also
    --------
    AlexNet, get_model

    Examples
    --------
    >>> from minigluon.gluon.model_zoo import vision
    >>> net = vision.alexnet(classes=10)
    >>> net.output, net.prefix
    (Dense(None -> 10, linear), 'alexnet0_')
    """
    net = AlexNet(**kwargs)
    if pretrained:
        load_pretrained(net, "alexnet", ctx=ctx, root=root)
    return net
