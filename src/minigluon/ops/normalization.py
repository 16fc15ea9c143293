"""Normalization ops: BatchNorm, LayerNorm and InstanceNorm.

BatchNorm keeps the batch statistics its backward needs in hidden outputs (the backward rule
only sees the op's attributes, inputs and outputs) and updates the moving statistics in place
in training. Each op gives its parameters' shapes from the data shape (``def_infer_args``) for
deferred initialization.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..base import ShapeError
from .elemwise import positive
from .reduce import normalize_axis
from .registry import Case, register

__all__: list[str] = []


# -- BatchNorm -----------------------------------------------------------------------------
def _bn_outputs(output_mean_var: bool = False, **_: Any) -> int:
    return 3 if output_mean_var else 1


def _bn_shape(dshape, *params, axis, output_mean_var, **_):
    if dshape is None:
        raise ShapeError("BatchNorm: the data shape must be known to infer the output shape")
    ax = normalize_axis("BatchNorm", axis, len(dshape))
    c = (dshape[ax],)
    for name, s in zip(("gamma", "beta", "moving_mean", "moving_var"), params):
        if s is not None and tuple(s) != c:
            raise ShapeError(f"BatchNorm: {name} has shape {tuple(s)} but data of shape "
                             f"{tuple(dshape)} has {c[0]} channels on axis {ax}: expected {c}")
    return [tuple(dshape), c, c] if output_mean_var else tuple(dshape)


def _bn_cases() -> list[Case]:
    var = positive((3,))
    return [
        Case((4, 3), (3,), (3,), (3,), var, fix_gamma=False),
        Case((2, 3, 2, 2), (3,), (3,), (3,), var, fix_gamma=False, momentum=0.8),
        Case((2, 3, 2, 2), (3,), (3,), (3,), var),  # fix_gamma=True: gamma gets zero gradient
        Case((2, 3, 4), (3,), (3,), (3,), var, fix_gamma=False, use_global_stats=True),
        Case((2, 4, 3), (3,), (3,), (3,), var, fix_gamma=False, axis=-1, eps=1e-5),
        Case((3, 3, 2), (3,), (3,), (3,), var, fix_gamma=False, output_mean_var=True),
    ]


@register(num_outputs=_bn_outputs, num_hidden=3, mutates=(3, 4), nondiff_inputs=(3, 4),
          shape=_bn_shape, cases=_bn_cases())
def BatchNorm(data, gamma, beta, moving_mean, moving_var, *, eps=1e-3, momentum=0.9,
              fix_gamma=True, use_global_stats=False, output_mean_var=False, axis=1,
              cudnn_off=False, is_train=False):
    """Batch normalization: ``(x - mean) / sqrt(var + eps) * gamma + beta`` per channel.

    While training (and unless ``use_global_stats``) ``mean`` and ``var`` are the batch
    statistics over every axis but ``axis`` (``var`` is the biased variance), and the moving
    statistics are updated **in place**::

        moving_mean = moving_mean * momentum + mean * (1 - momentum)
        moving_var = moving_var * momentum + var * (1 - momentum)

    In prediction mode the moving statistics are used and nothing is updated.

    Parameters
    ----------
    data : NDArray
        Input, channels on ``axis``.
    gamma, beta : NDArray
        ``(C,)`` scale and shift; ``fix_gamma=True`` treats gamma as 1 (zero gradient).
    moving_mean, moving_var : NDArray
        ``(C,)`` auxiliary states (no gradient).
    eps : float, default 1e-3
        Added to the variance before the square root, for stability.
    momentum : float, default 0.9
        While training, ``moving = momentum * moving + (1 - momentum) * batch_stat``.
    fix_gamma : bool, default True
        If True, gamma is treated as 1 and gets no gradient.
    use_global_stats : bool, default False
        Use the moving statistics even while training.
    output_mean_var : bool, default False
        Also return the mean and variance that were used.
    axis : int, default 1
        The channel axis.
    cudnn_off : bool
        Ignored.

    Returns
    -------
    NDArray or list of NDArray
        The normalized data, same shape as ``data`` (plus ``mean`` and ``var`` of shape
        ``(C,)`` with ``output_mean_var=True``).

    See Also
    --------
    LayerNorm, InstanceNorm, minigluon.gluon.nn.BatchNorm

    Examples
    --------
    >>> from minigluon import nd, autograd
    >>> x = nd.array([[1, 10], [3, 30]])
    >>> gamma, beta = nd.ones((2,)), nd.zeros((2,))
    >>> mean, var = nd.zeros((2,)), nd.ones((2,))
    >>> with autograd.train_mode():
    ...     y = nd.BatchNorm(x, gamma, beta, mean, var, eps=0)
    >>> y
    <BLANKLINE>
    [[-1. -1.]
     [ 1.  1.]]
    <NDArray 2x2 @cpu(0)>
    >>> print(mean.asnumpy(), var.asnumpy())  # moved 10% towards the batch statistics
    [0.2 2. ] [ 1.  10.9]
    >>> nd.BatchNorm(x, gamma, beta, nd.array([2, 20]), nd.array([1, 100]), eps=0)
    <BLANKLINE>
    [[-1. -1.]
     [ 1.  1.]]
    <NDArray 2x2 @cpu(0)>
    """
    x = np.asarray(data)
    _bn_shape(x.shape, np.shape(gamma), np.shape(beta), np.shape(moving_mean),
              np.shape(moving_var), axis=axis, output_mean_var=False)
    x3, m = _bn_view(x, axis)
    batch = bool(is_train) and not use_global_stats
    if batch:
        # einsum reduces (N, C, P) to (C,) in one pass, 3x faster than .sum(2).sum(0)
        mean = np.einsum("ncp->c", x3) / m
        out = x3 - mean[:, None]
        var = np.einsum("ncp,ncp->c", out, out) / m
        moving_mean *= momentum
        moving_mean += (1.0 - momentum) * mean
        moving_var *= momentum
        moving_var += (1.0 - momentum) * var
    else:
        # copies: the outputs must not alias the moving statistics updated later in place
        mean = np.array(moving_mean, dtype=x.dtype, copy=True)
        var = np.array(moving_var, dtype=x.dtype, copy=True)
        out = x3 - mean[:, None]
    invstd = 1.0 / np.sqrt(var + eps)
    scale = invstd if fix_gamma else np.asarray(gamma, dtype=x.dtype) * invstd
    out *= scale[:, None]
    out += np.asarray(beta, dtype=x.dtype)[:, None]
    out = out.reshape(x.shape)
    flag = np.array([1.0 if batch else 0.0], dtype=x.dtype)
    visible = (out, mean, var) if output_mean_var else (out,)
    return (*visible, mean, invstd, flag)


def _bn_view(x: np.ndarray, axis: Any) -> tuple[np.ndarray, int]:
    """``x`` as ``(before, C, after)`` around the channel axis, and the count per channel."""
    ax = normalize_axis("BatchNorm", axis, x.ndim)
    before, after = math.prod(x.shape[:ax]), math.prod(x.shape[ax + 1:])
    return x.reshape(before, x.shape[ax], after), before * after


# a symbolic BatchNorm's own moving statistics start at 0 (mean) and 1 (variance)
BatchNorm.input_attrs = {"moving_mean": {"__init__": '["zero", {}]'},
                         "moving_var": {"__init__": '["one", {}]'}}
# the backward reads data, gamma and the hidden statistics, not the normalized output
BatchNorm.def_saves(lambda **_: ((0, 1), (-3, -2, -1)))


# Rows of the backward's second pass per block: about 128 KB of float32, so the block and its
# scratch stay in L2 (1 MB per core) between the in-place steps. Measured in the ResNet step:
# one whole-array block (a fresh 2 MB scratch) took 1.5x as long; 128 KB faulted least.
_BLOCK_ELEMS = 1 << 15


@BatchNorm.def_backward
def _(g, ins, out, eps, momentum, fix_gamma, use_global_stats, output_mean_var, axis,
      cudnn_off):
    x, gamma = np.asarray(ins[0]), np.asarray(ins[1])
    mean, invstd, flag = (np.asarray(o).reshape(-1) for o in out[-3:])
    batch = bool(flag[0])
    x3, m = _bn_view(x, axis)
    g3 = np.asarray(g[0]).reshape(x3.shape)
    dt = invstd.dtype
    gam = np.ones_like(invstd) if fix_gamma else gamma.astype(dt)
    k = gam * invstd
    # The only full-size array made is the result: every fresh 2 MB array is paid again in
    # page faults (~500 here), so x - mean is computed into the result's own buffer and the
    # reductions (one einsum pass each, 3x faster than .sum(2).sum(0)) read it there.
    gbeta = np.einsum("ncp->c", g3)
    gx = np.empty(x3.shape, np.result_type(dt, x3, mean))
    dot = None
    if batch or not fix_gamma:
        np.subtract(x3, mean[:, None], out=gx)
        dot = np.einsum("ncp,ncp->c", g3, gx) * invstd  # sum(g * xhat) per channel
    if batch:
        # dx = k * g - (xc * coef + shift), with xc = x - mean and per-channel coefficients:
        # dx = k * (g - sum(g) / m - xhat * sum(g * xhat) / m), with xhat = xc * invstd
        shift = k * gbeta / m
        coef = k * invstd * dot / m
        if output_mean_var:  # the visible mean and var depend on x too
            gmean, gvar = (np.asarray(a).reshape(-1) for a in g[1:3])
            shift = shift - gmean / m
            coef = coef - 2.0 * gvar / m
        _bn_dx_rows(gx, g3, k, coef, shift, dt)
    else:  # prediction: a per-channel affine map, dx = k * g
        np.multiply(g3, k[:, None], out=gx, dtype=dt)
    ggamma = np.zeros_like(gamma) if fix_gamma else dot.astype(gamma.dtype)
    return (gx.reshape(x.shape).astype(x.dtype, copy=False), ggamma,
            gbeta.astype(np.asarray(ins[2]).dtype, copy=False), None, None)


def _bn_dx_rows(gx: np.ndarray, g3: np.ndarray, k: np.ndarray, coef: np.ndarray,
                shift: np.ndarray, dt: Any) -> None:
    """``gx = g * k - (gx * coef + shift)`` per channel, in place, block by block.

    The arrays are seen as ``(N * C, P)`` rows with the coefficients repeated per sample, so a
    block is a run of whole rows whatever N, C and P are; ``g * k`` goes to one block-sized
    scratch that stays in cache, and the same operations in the same order as on whole arrays
    give the same bits.
    """
    n, c, p = gx.shape
    rows, grows = gx.reshape(n * c, p), g3.reshape(n * c, p)
    kc, coefc, shiftc = (np.tile(a, n)[:, None] for a in (k, coef, shift))
    step = max(1, _BLOCK_ELEMS // max(p, 1))
    scratch = np.empty((min(step, n * c), p), gx.dtype)
    for i in range(0, n * c, step):
        blk, j = rows[i:i + step], slice(i, i + step)
        t = scratch[:len(blk)]
        blk *= coefc[j]
        blk += shiftc[j]
        np.multiply(grows[j], kc[j], out=t, dtype=dt)
        np.subtract(t, blk, out=blk)


@BatchNorm.def_infer_args
def _(data, *params, axis=1, **_):
    if data is None:
        return [data, *params]
    c = (data[axis],)
    return [data, c, c, c, c]


# -- LayerNorm and InstanceNorm ------------------------------------------------------------
def _normalize(x: np.ndarray, axes: tuple, eps: float) -> tuple[np.ndarray, ...]:
    """(xhat, mean, rstd) with mean/rstd kept as size-1 axes."""
    mean = x.mean(axis=axes, keepdims=True)
    xc = x - mean
    var = np.mean(np.square(xc), axis=axes, keepdims=True)
    rstd = 1.0 / np.sqrt(var + eps)
    xc *= rstd
    return xc, mean, rstd


def _normalize_grad(gxhat: np.ndarray, xhat: np.ndarray, rstd: np.ndarray,
                    axes: tuple) -> np.ndarray:
    """Gradient through ``xhat = (x - mean(x)) * rstd`` over ``axes``."""
    m = gxhat.size / rstd.size
    return rstd * (gxhat - gxhat.sum(axis=axes, keepdims=True) / m
                   - xhat * ((gxhat * xhat).sum(axis=axes, keepdims=True) / m))


def _ln_shape(dshape, gshape=None, bshape=None, *, axis, output_mean_var, **_):
    if dshape is None:
        raise ShapeError("LayerNorm: the data shape must be known to infer the output shape")
    ax = normalize_axis("LayerNorm", axis, len(dshape))
    for name, s in (("gamma", gshape), ("beta", bshape)):
        if s is not None and tuple(s) != (dshape[ax],):
            raise ShapeError(f"LayerNorm: {name} has shape {tuple(s)} but data of shape "
                             f"{tuple(dshape)} has {dshape[ax]} entries on axis {ax}")
    if not output_mean_var:
        return tuple(dshape)
    stat = tuple(1 if i == ax else d for i, d in enumerate(dshape))
    return [tuple(dshape), stat, stat]


@register(num_outputs=_bn_outputs, num_hidden=2, shape=_ln_shape, cases=[
    Case((3, 4), (4,), (4,)), Case((2, 3, 4), (3,), (3,), axis=1, eps=1e-3),
    Case((2, 5), (5,), (5,), output_mean_var=True),
])
def LayerNorm(data, gamma, beta, *, axis=-1, eps=1e-5, output_mean_var=False):
    """Layer normalization over one axis: ``(x - mean) / sqrt(var + eps) * gamma + beta``.

    ``mean`` and (biased) ``var`` are taken along ``axis`` separately for every other
    position; ``gamma`` and ``beta`` have one entry per position along ``axis``. The same in
    training and prediction.

    Parameters
    ----------
    data : NDArray
        Input array of any shape.
    gamma, beta : NDArray
        ``(data.shape[axis],)``.
    axis : int, default -1
        Axis normalized (each position of the other axes separately).
    eps : float, default 1e-5
        Added to the variance before the square root, for stability.
    output_mean_var : bool, default False
        Also return the mean and the standard deviation ``sqrt(var + eps)``, with ``axis``
        kept as size 1.

    Returns
    -------
    NDArray or list of NDArray
        Same shape as ``data`` (plus mean and std with ``output_mean_var=True``).

    See Also
    --------
    BatchNorm, InstanceNorm, minigluon.gluon.nn.LayerNorm

    Examples
    --------
    >>> from minigluon import nd
    >>> x = nd.array([[1, 3], [2, 10]])
    >>> nd.LayerNorm(x, nd.ones((2,)), nd.zeros((2,)), eps=0)
    <BLANKLINE>
    [[-1.  1.]
     [-1.  1.]]
    <NDArray 2x2 @cpu(0)>
    >>> nd.LayerNorm(x, nd.array([1, 2]), nd.array([0, 1]), axis=0, eps=0)
    <BLANKLINE>
    [[-1. -1.]
     [ 3.  3.]]
    <NDArray 2x2 @cpu(0)>
    """
    x = np.asarray(data)
    _ln_shape(x.shape, np.shape(gamma), np.shape(beta), axis=axis, output_mean_var=False)
    ax = normalize_axis("LayerNorm", axis, x.ndim)
    xhat, mean, rstd = _normalize(x, (ax,), eps)
    pshape = [1] * x.ndim
    pshape[ax] = x.shape[ax]
    out = xhat * np.asarray(gamma, dtype=x.dtype).reshape(pshape)
    out += np.asarray(beta, dtype=x.dtype).reshape(pshape)
    visible = (out, mean, 1.0 / rstd) if output_mean_var else (out,)
    return (*visible, mean, rstd)


@LayerNorm.def_backward
def _(g, ins, out, axis, eps, output_mean_var):
    x, gamma = np.asarray(ins[0]), np.asarray(ins[1])
    ax = normalize_axis("LayerNorm", axis, x.ndim)
    mean, rstd = out[-2:]
    pshape = [1] * x.ndim
    pshape[ax] = x.shape[ax]
    other = tuple(i for i in range(x.ndim) if i != ax)
    gy = np.asarray(g[0])
    xhat = (x - mean) * rstd
    gx = _normalize_grad(gy * gamma.reshape(pshape), xhat, rstd, (ax,))
    if output_mean_var:
        d = x.shape[ax]
        gx += (np.asarray(g[1]) + np.asarray(g[2]) * xhat) / d
    return (gx.astype(x.dtype, copy=False), (gy * xhat).sum(axis=other).astype(gamma.dtype),
            gy.sum(axis=other).astype(np.asarray(ins[2]).dtype))


@LayerNorm.def_infer_args
def _(data, *params, axis=-1, **_):
    if data is None:
        return [data, *params]
    return [data, (data[axis],), (data[axis],)]


def _in_shape(dshape, gshape=None, bshape=None, **_):
    if dshape is None:
        raise ShapeError("InstanceNorm: the data shape must be known to infer the output shape")
    if len(dshape) < 3:
        raise ShapeError(f"InstanceNorm: data must have at least 3 dimensions (N, C, ...), "
                         f"got shape {tuple(dshape)}")
    for name, s in (("gamma", gshape), ("beta", bshape)):
        if s is not None and tuple(s) != (dshape[1],):
            raise ShapeError(f"InstanceNorm: {name} has shape {tuple(s)} but data of shape "
                             f"{tuple(dshape)} has {dshape[1]} channels")
    return tuple(dshape)


@register(num_hidden=2, shape=_in_shape, cases=[
    Case((2, 3, 4), (3,), (3,)), Case((1, 2, 3, 3), (2,), (2,), eps=1e-5)])
def InstanceNorm(data, gamma, beta, *, eps=1e-3):
    """Instance normalization: normalize each channel of each sample over its spatial axes.

    ``out[n, c] = (x[n, c] - mean[n, c]) / sqrt(var[n, c] + eps) * gamma[c] + beta[c]`` with
    the (biased) statistics over axes ``2, 3, ...``. The same in training and prediction.

    Parameters
    ----------
    data : NDArray
        ``(N, C, ...)`` with at least one spatial axis.
    gamma, beta : NDArray
        ``(C,)``.
    eps : float, default 1e-3
        Added to the variance before the square root, for stability.

    Returns
    -------
    NDArray
        Same shape as ``data``.

    See Also
    --------
    BatchNorm, LayerNorm, minigluon.gluon.nn.InstanceNorm

    Examples
    --------
    >>> from minigluon import nd
    >>> x = nd.array([[[1, 3], [10, 30]]])
    >>> nd.InstanceNorm(x, nd.array([1, 2]), nd.array([0, 1]), eps=0)
    <BLANKLINE>
    [[[-1.  1.]
      [-1.  3.]]]
    <NDArray 1x2x2 @cpu(0)>
    """
    x = np.asarray(data)
    _in_shape(x.shape, np.shape(gamma), np.shape(beta))
    axes = tuple(range(2, x.ndim))
    xhat, mean, rstd = _normalize(x, axes, eps)
    pshape = (1, -1) + (1,) * (x.ndim - 2)
    out = xhat * np.asarray(gamma, dtype=x.dtype).reshape(pshape)
    out += np.asarray(beta, dtype=x.dtype).reshape(pshape)
    return out, mean, rstd


@InstanceNorm.def_backward
def _(g, ins, out, eps):
    x, gamma = np.asarray(ins[0]), np.asarray(ins[1])
    mean, rstd = out[1:]
    axes = tuple(range(2, x.ndim))
    gy = np.asarray(g[0])
    xhat = (x - mean) * rstd
    gx = _normalize_grad(gy * gamma.reshape((1, -1) + (1,) * (x.ndim - 2)), xhat, rstd, axes)
    other = (0, *axes)
    return (gx.astype(x.dtype, copy=False), (gy * xhat).sum(axis=other).astype(gamma.dtype),
            gy.sum(axis=other).astype(np.asarray(ins[2]).dtype))


@InstanceNorm.def_infer_args
def _(data, *params, **_):
    if data is None:
        return [data, *params]
    return [data, (data[1],), (data[1],)]


# -- GroupNorm -----------------------------------------------------------------------------
def _gn_shape(dshape, gshape=None, bshape=None, *, num_groups=1, **_):
    if dshape is None:
        raise ShapeError("GroupNorm: the data shape must be known to infer the output shape")
    if len(dshape) < 2:
        raise ShapeError(f"GroupNorm: data must have at least 2 dimensions (N, C, ...), got "
                         f"shape {tuple(dshape)}")
    g = int(num_groups)
    if g < 1 or dshape[1] % g:
        raise ShapeError(f"GroupNorm: number of channel should be divisible by num_groups: "
                         f"{dshape[1]} channels, num_groups={g}")
    for name, s in (("gamma", gshape), ("beta", bshape)):
        if s is not None and tuple(s) != (g,):
            raise ShapeError(f"GroupNorm: {name} has shape {tuple(s)}, expected (num_groups,) "
                             f"= ({g},)")
    return tuple(dshape)


def _gn_view(x: np.ndarray, num_groups: int) -> np.ndarray:
    return x.reshape(x.shape[0], int(num_groups), -1)


@register(num_hidden=2, shape=_gn_shape, cases=[
    Case((2, 4, 3), (2,), (2,), num_groups=2), Case((1, 3, 2, 2), (1,), (1,)),
    Case((2, 6), (3,), (3,), num_groups=3, eps=1e-3)])
def GroupNorm(data, gamma, beta, *, num_groups=1, eps=1e-5):
    """Group normalization: normalize each group of channels of each sample.

    The ``C`` channels are split into ``num_groups`` consecutive groups; each group of each
    sample is normalized by its (biased) mean and variance over its channels and spatial
    positions, then scaled and shifted by its group's ``gamma`` and ``beta``. The same in
    training and prediction.

    Parameters
    ----------
    data : NDArray
        ``(N, C, ...)``; ``C`` must be a multiple of ``num_groups``.
    gamma, beta : NDArray
        ``(num_groups,)``.
    num_groups : int, default 1
        Number of channel groups; channels must divide evenly.
    eps : float, default 1e-5
        Added to the variance before the square root, for stability.

    Returns
    -------
    NDArray
        Same shape as ``data``.

    See Also
    --------
    InstanceNorm, LayerNorm, BatchNorm

    Examples
    --------
    >>> from minigluon import nd
    >>> x = nd.array([[[1, 3], [10, 30]]])
    >>> nd.GroupNorm(x, nd.array([1, 2]), nd.array([0, 1]), num_groups=2, eps=0)
    <BLANKLINE>
    [[[-1.  1.]
      [-1.  3.]]]
    <NDArray 1x2x2 @cpu(0)>
    """
    x = np.asarray(data)
    _gn_shape(x.shape, np.shape(gamma), np.shape(beta), num_groups=num_groups)
    xhat, mean, rstd = _normalize(_gn_view(x, num_groups), (2,), eps)
    out = xhat * np.asarray(gamma, dtype=x.dtype).reshape(1, -1, 1)
    out += np.asarray(beta, dtype=x.dtype).reshape(1, -1, 1)
    return out.reshape(x.shape), mean, rstd


@GroupNorm.def_backward
def _(g, ins, out, num_groups, eps):
    x, gamma = np.asarray(ins[0]), np.asarray(ins[1])
    mean, rstd = out[1:]
    gy = _gn_view(np.asarray(g[0]), num_groups)
    xhat = (_gn_view(x, num_groups) - mean) * rstd
    gx = _normalize_grad(gy * gamma.reshape(1, -1, 1), xhat, rstd, (2,))
    return (gx.reshape(x.shape).astype(x.dtype, copy=False),
            (gy * xhat).sum(axis=(0, 2)).astype(gamma.dtype),
            gy.sum(axis=(0, 2)).astype(np.asarray(ins[2]).dtype))


@GroupNorm.def_infer_args
def _(data, *params, num_groups=1, **_):
    if data is None:
        return [data, *params]
    return [data, (int(num_groups),), (int(num_groups),)]
