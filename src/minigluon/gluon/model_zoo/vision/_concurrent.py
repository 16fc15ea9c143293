"""HybridConcurrent: the parallel-branch container of DenseNet, SqueezeNet and Inception.

MXNet keeps it in ``gluon.contrib.nn``; minigluon has no ``contrib.nn`` yet, so the zoo carries
its own (private) copy of the behaviour: every child sees the same input and the outputs are
concatenated along ``axis``.
"""

from __future__ import annotations

from typing import Any

from ... import nn


class HybridConcurrent(nn.HybridSequential):
    """Run every child on the same input and concatenate their outputs along ``axis``.

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> from minigluon.gluon.model_zoo.vision._concurrent import HybridConcurrent
    >>> net = HybridConcurrent(axis=1)
    >>> net.add(gluon.nn.Identity(), gluon.nn.Identity())
    >>> net(nd.ones((2, 3))).shape
    (2, 6)
    """

    def __init__(self, axis: int = -1, prefix: str | None = None, params: Any = None) -> None:
        super().__init__(prefix=prefix, params=params)
        self.axis = axis

    def __getitem__(self, key: int | slice) -> Any:
        part = super().__getitem__(key)
        if isinstance(key, slice):
            part.axis = self.axis  # the container's slice is built with the default axis
        return part

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return F.concat(*[block(x) for block in self._children.values()], dim=self.axis)
