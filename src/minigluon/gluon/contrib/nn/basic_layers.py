"""Concurrent containers, PixelShuffle1D/2D/3D, Identity and SyncBatchNorm (one device).

``Concurrent``/``HybridConcurrent`` run every child on the same input and concatenate the
outputs (Inception-style branches). ``PixelShuffle`` moves channel blocks into space
(sub-pixel upsampling). ``SyncBatchNorm`` is BatchNorm whose statistics MXNet gathers across
devices; minigluon has one device, where the two are the same computation.
"""

from __future__ import annotations

import math
from typing import Any

from .... import ndarray as nd
from ...block import HybridBlock
from ...nn.basic_layers import BatchNorm, HybridSequential, Identity, Sequential

__all__ = ["Concurrent", "HybridConcurrent", "Identity", "PixelShuffle1D", "PixelShuffle2D",
           "PixelShuffle3D", "SyncBatchNorm"]


class Concurrent(Sequential):
    """Run every child on the same input; concatenate their outputs along ``axis``.

    Parameters
    ----------
    axis : int, default -1
        Axis of the concatenation.
    prefix : str, optional
        Name prefix of the block's Parameters and children (default: ``<classname><n>_``).
    params : ParameterDict, optional
        Parameters to share: the block uses these instead of making its own.

    See Also
    --------
    HybridConcurrent : The hybridizable version.
    minigluon.gluon.nn.Sequential : Chains children instead.

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> net = gluon.contrib.nn.Concurrent(axis=1)
    >>> net.add(gluon.nn.Lambda(lambda x: x * 2), gluon.nn.Lambda(lambda x: x + 1))
    >>> net(nd.array([[1, 2]]))
    <BLANKLINE>
    [[2. 4. 2. 3.]]
    <NDArray 1x4 @cpu(0)>
    """

    def __init__(self, axis: int = -1, prefix: str | None = None, params: Any = None) -> None:
        super().__init__(prefix=prefix, params=params)
        self.axis = axis

    def __getitem__(self, key: int | slice) -> Any:
        part = super().__getitem__(key)
        if isinstance(key, slice):
            part.axis = self.axis  # the container builds its slice with the default axis
        return part

    def forward(self, x: Any) -> Any:
        """The children's outputs on ``x``, concatenated along ``axis``.

        See Also
        --------
        minigluon.ndarray.concat, minigluon.gluon.Block.forward

        Examples
        --------
        >>> from minigluon import gluon, nd
        >>> net = gluon.contrib.nn.Concurrent(axis=0)
        >>> net.add(gluon.nn.Lambda('relu'), gluon.nn.Lambda('negative'))
        >>> net.forward(nd.array([-1, 2])).asnumpy().tolist()
        [0.0, 2.0, 1.0, -2.0]
        """
        return nd.concat(*[block(x) for block in self._children.values()], dim=self.axis)


class HybridConcurrent(HybridSequential):
    """Run every child on the same input; concatenate their outputs along ``axis``.

    The hybridizable :class:`Concurrent`: children must be HybridBlocks.

    Parameters
    ----------
    axis : int, default -1
        Axis of the concatenation.
    prefix : str, optional
        Name prefix of the block's Parameters and children (default: ``<classname><n>_``).
    params : ParameterDict, optional
        Parameters to share: the block uses these instead of making its own.

    See Also
    --------
    Concurrent
    minigluon.gluon.nn.HybridSequential : Chains children instead.

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> net = gluon.contrib.nn.HybridConcurrent(axis=1)
    >>> net.add(gluon.nn.Dense(2, in_units=3), gluon.nn.Dense(4, in_units=3))
    >>> net.initialize()
    >>> net.hybridize()
    >>> net(nd.ones((5, 3))).shape
    (5, 6)
    """

    def __init__(self, axis: int = -1, prefix: str | None = None, params: Any = None) -> None:
        super().__init__(prefix=prefix, params=params)
        self.axis = axis

    def __getitem__(self, key: int | slice) -> Any:
        part = super().__getitem__(key)
        if isinstance(key, slice):
            part.axis = self.axis  # the container builds its slice with the default axis
        return part

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        """``F.concat`` of the children's outputs on ``x`` along ``axis``.

        See Also
        --------
        minigluon.ndarray.concat, minigluon.gluon.HybridBlock.hybrid_forward

        Examples
        --------
        >>> from minigluon import gluon, nd
        >>> net = gluon.contrib.nn.HybridConcurrent(axis=0)
        >>> net.add(gluon.contrib.nn.Identity(), gluon.contrib.nn.Identity())
        >>> net.hybrid_forward(nd, nd.array([1, 2])).asnumpy().tolist()
        [1.0, 2.0, 1.0, 2.0]
        """
        return F.concat(*[block(x) for block in self._children.values()], dim=self.axis)


def _factors(factor: Any, n: int, cls: str) -> tuple[int, ...]:
    factors = (int(factor),) * n if isinstance(factor, int) else tuple(int(f) for f in factor)
    if len(factors) != n or any(f < 1 for f in factors):
        raise ValueError(f"{cls}: factor must be a positive int or {n} positive ints, got "
                         f"{factor!r}")
    return factors


def _pixel_shuffle(F: Any, x: Any, factors: tuple[int, ...]) -> Any:
    """(N, C*f1*...*fn, s1, ..., sn) -> (N, C, s1*f1, ..., sn*fn), channels split C-major.

    Written with reshape codes (0 copies a dimension, -4 splits one, -3 merges two) so the
    same code traces symbolically, where the spatial sizes are not known.
    """
    n = len(factors)
    keep = [0] * n
    x = F.reshape(x, shape=(0, -4, -1, math.prod(factors), *keep))  # (N, C, f1*..*fn, s...)
    for i in range(n - 1):  # split the factor block into f1, ..., fn
        x = F.reshape(x, shape=(*[0] * (2 + i), -4, factors[i], math.prod(factors[i + 1:]),
                                *keep))
    # (N, C, f1, ..., fn, s1, ..., sn) -> (N, C, s1, f1, ..., sn, fn), then merge the pairs
    axes = (0, 1, *[a for i in range(n) for a in (2 + n + i, 2 + i)])
    x = F.transpose(x, axes=axes)
    return F.reshape(x, shape=(0, 0, *[-3] * n))


class _PixelShuffle(HybridBlock):
    _ndim = 0

    def __init__(self, factor: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._factors = _factors(factor, self._ndim, type(self).__name__)

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return _pixel_shuffle(F, x, self._factors)

    def __repr__(self) -> str:
        f = self._factors
        return f"{type(self).__name__}({f[0] if self._ndim == 1 else f})"


class PixelShuffle1D(_PixelShuffle):
    """Move channel blocks into the width: ``(N, C*f, W) -> (N, C, W*f)``.

    Output channel ``c`` at position ``w*f + i`` is input channel ``c*f + i`` at ``w``.

    Parameters
    ----------
    factor : int
        Upsampling factor.

    See Also
    --------
    PixelShuffle2D, PixelShuffle3D
    minigluon.ndarray.depth_to_space

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> shuffle = gluon.contrib.nn.PixelShuffle1D(2)
    >>> shuffle(nd.array([[[1, 2], [10, 20]]]))
    <BLANKLINE>
    [[[ 1. 10.  2. 20.]]]
    <NDArray 1x1x4 @cpu(0)>
    """

    _ndim = 1


class PixelShuffle2D(_PixelShuffle):
    """Move channel blocks into space: ``(N, C*f1*f2, H, W) -> (N, C, H*f1, W*f2)``.

    Sub-pixel upsampling: output channel ``c`` at ``(h*f1 + i, w*f2 + j)`` is input channel
    ``c*f1*f2 + i*f2 + j`` at ``(h, w)``.

    Parameters
    ----------
    factor : int or (int, int)
        Upsampling factors of the height and width.

    See Also
    --------
    PixelShuffle1D, PixelShuffle3D
    minigluon.ndarray.depth_to_space : The same for one factor.

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> shuffle = gluon.contrib.nn.PixelShuffle2D((2, 3))
    >>> shuffle
    PixelShuffle2D((2, 3))
    >>> shuffle(nd.ones((1, 12, 4, 5))).shape
    (1, 2, 8, 15)
    >>> shuffle = gluon.contrib.nn.PixelShuffle2D(2)
    >>> shuffle(nd.arange(4).reshape((1, 4, 1, 1)))
    <BLANKLINE>
    [[[[0. 1.]
       [2. 3.]]]]
    <NDArray 1x1x2x2 @cpu(0)>
    """

    _ndim = 2


class PixelShuffle3D(_PixelShuffle):
    """Move channel blocks into space: ``(N, C*f1*f2*f3, D, H, W) -> (N, C, D*f1, H*f2, W*f3)``.

    Parameters
    ----------
    factor : int or (int, int, int)
        Upsampling factors of the depth, height and width.

    See Also
    --------
    PixelShuffle1D, PixelShuffle2D

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> shuffle = gluon.contrib.nn.PixelShuffle3D((1, 2, 3))
    >>> shuffle(nd.ones((2, 12, 3, 4, 5))).shape
    (2, 2, 3, 8, 15)
    """

    _ndim = 3


class SyncBatchNorm(BatchNorm):
    """BatchNorm with statistics over the whole batch across devices (one device here).

    MXNet gathers the batch statistics of the copies of a model on several GPUs. minigluon
    runs on one device, where cross-device batch normalization is plain
    :class:`~minigluon.gluon.nn.BatchNorm` (channel axis 1): the same parameters, names
    (``syncbatchnorm0_gamma``...) and results.

    Parameters
    ----------
    in_channels : int, default 0
        Number of channels; 0 means inferred from the first input.
    num_devices : int, optional
        Devices sharing the statistics: only 1 (or None) is possible.
    momentum, epsilon, center, scale, use_global_stats
        As :class:`~minigluon.gluon.nn.BatchNorm`.
    beta_initializer, gamma_initializer, running_mean_initializer, running_variance_initializer
        As :class:`~minigluon.gluon.nn.BatchNorm`.

    See Also
    --------
    minigluon.gluon.nn.BatchNorm

    Examples
    --------
    >>> from minigluon import autograd, gluon, nd
    >>> bn = gluon.contrib.nn.SyncBatchNorm(in_channels=2, num_devices=1)
    >>> bn.initialize()
    >>> with autograd.record():
    ...     y = bn(nd.array([[1, 2], [3, 6]]))
    >>> y.asnumpy().round(3)
    array([[-1., -1.],
           [ 1.,  1.]], dtype=float32)
    """

    def __init__(self, in_channels: int = 0, num_devices: int | None = None,
                 momentum: float = 0.9, epsilon: float = 1e-5, center: bool = True,
                 scale: bool = True, use_global_stats: bool = False,
                 beta_initializer: Any = "zeros", gamma_initializer: Any = "ones",
                 running_mean_initializer: Any = "zeros",
                 running_variance_initializer: Any = "ones", **kwargs: Any) -> None:
        if num_devices not in (None, 1):
            raise ValueError(f"SyncBatchNorm: num_devices={num_devices}, but minigluon runs on "
                             "one device; use num_devices=1 (or nn.BatchNorm)")
        super().__init__(1, momentum, epsilon, center, scale, use_global_stats,
                         beta_initializer, gamma_initializer, running_mean_initializer,
                         running_variance_initializer, in_channels, **kwargs)
