"""Padding and block rearrangement: pad, depth_to_space, space_to_depth."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..base import ShapeError
from .generic import G
from .registry import Case, register
from .shape import _ints, _shape

__all__: list[str] = []


# -- padding -----------------------------------------------------------------------------------
_PAD_MODES = ("constant", "edge", "reflect")


def _pad_widths(d: tuple, mode: str, pad_width: Any) -> list[tuple[int, int]]:
    pw = _ints(pad_width)
    if mode not in _PAD_MODES:
        raise ShapeError(f"pad: mode must be one of {_PAD_MODES}, got {mode!r}")
    if len(pw) != 2 * len(d):
        raise ShapeError(f"pad: pad_width {pw} must have 2 entries per axis of the input "
                         f"shape {tuple(d)} (before_1, after_1, ..., before_N, after_N)")
    if len(d) not in (4, 5) or any(pw[:4]):
        raise ShapeError("pad: Only 4d or 5d input tensors with padding applied to dimensions "
                         f"> 1 is currently implemented (got shape {tuple(d)}, pad_width {pw}): "
                         "the first four entries (batch and channel axes) must be 0")
    if any(p < 0 for p in pw):
        raise ShapeError(f"pad: pad_width {pw} must be non-negative")
    widths = [(pw[2 * i], pw[2 * i + 1]) for i in range(len(d))]
    if mode == "reflect" and any(max(w) >= n for w, n in zip(widths, d) if max(w)):
        raise ShapeError(f"pad: reflect padding {pw} must be smaller than the input size "
                         f"{tuple(d)} along each padded axis")
    return widths


def _pad_index(n: int, before: int, after: int, mode: str) -> np.ndarray:
    """For each output position along one axis, the input position it copies."""
    p = np.arange(-before, n + after)
    if mode == "edge":
        return np.clip(p, 0, n - 1)
    period = 2 * (n - 1)  # reflect without repeating the edge, as numpy's 'reflect'
    p = np.abs(p) % period if period else np.zeros_like(p)
    return np.where(p >= n, period - p, p)


@register(aliases=("Pad",), method=True,
          cases=[Case((1, 2, 3, 4), pad_width=(0, 0, 0, 0, 1, 2, 2, 1)),
                 Case((1, 2, 3, 4), mode="edge", pad_width=(0, 0, 0, 0, 2, 1, 0, 3)),
                 Case((2, 1, 3, 4), mode="reflect", pad_width=(0, 0, 0, 0, 2, 1, 1, 3)),
                 Case((1, 1, 2, 3, 3), mode="constant", pad_width=(0, 0, 0, 0, 1, 0, 0, 1, 2, 2),
                      constant_value=1.5)])
def pad(data, *, mode="constant", pad_width, constant_value=0):
    """Pad the spatial axes of a 4-D/5-D array with a constant, the edge values or a reflection.

    ``pad_width`` has two entries per axis, ``(before_1, after_1, ..., before_N, after_N)``
    (``numpy.pad``'s widths flattened); the batch and channel entries (first four) must be 0.
    ``'reflect'`` mirrors without repeating the edge and needs widths smaller than the axis.

    Parameters
    ----------
    data : NDArray
        4-D ``(N, C, H, W)`` or 5-D ``(N, C, D, H, W)``.
    mode : {'constant', 'edge', 'reflect'}, default 'constant'
        ``'constant'`` fills with ``constant_value``, ``'edge'`` repeats the border values,
        ``'reflect'`` mirrors the array.
    pad_width : tuple of int
        Length ``2 * data.ndim``.
    constant_value : float, default 0
        Fill value of ``'constant'`` mode.

    Returns
    -------
    NDArray
        ``out.shape[i] == data.shape[i] + before_i + after_i``.

    See Also
    --------
    concat, slice

    Examples
    --------
    >>> from minigluon import nd
    >>> x = nd.array([[[[1, 2], [3, 4]]]])
    >>> nd.pad(x, mode='constant', pad_width=(0, 0, 0, 0, 1, 0, 0, 1), constant_value=9)
    <BLANKLINE>
    [[[[9. 9. 9.]
       [1. 2. 9.]
       [3. 4. 9.]]]]
    <NDArray 1x1x3x3 @cpu(0)>
    >>> nd.pad(x, mode='edge', pad_width=(0, 0, 0, 0, 0, 0, 1, 1))[0, 0]
    <BLANKLINE>
    [[1. 1. 2. 2.]
     [3. 3. 4. 4.]]
    <NDArray 2x4 @cpu(0)>
    """
    widths = _pad_widths(_shape(data), mode, pad_width)
    if mode == "constant":
        return np.pad(data, widths, mode="constant", constant_values=constant_value)
    return np.pad(data, widths, mode=mode)


@pad.def_backward
def _(g, ins, out, mode="constant", pad_width=(), constant_value=0):
    d = _shape(ins[0])
    widths = _pad_widths(d, mode, pad_width)
    crop = tuple(slice(b, b + n) for (b, _), n in zip(widths, d))
    g = np.asarray(g)
    if mode == "constant":
        return (g[crop].copy(),)
    # edge / reflect: every output element copies one input element; sum the copies back
    # one axis at a time (np.add.at accumulates repeated targets)
    for ax, ((b, a), n) in enumerate(zip(widths, d)):
        if not b and not a:
            continue
        acc = np.zeros((*g.shape[:ax], n, *g.shape[ax + 1:]), dtype=g.dtype)
        np.add.at(np.moveaxis(acc, ax, 0), _pad_index(n, b, a, mode), np.moveaxis(g, ax, 0))
        g = acc
    return (g,)


pad.def_shape(lambda d, mode="constant", pad_width=(), constant_value=0: tuple(
    n + b + a for n, (b, a) in zip(d, _pad_widths(tuple(d), mode, pad_width))))


# -- depth <-> space ---------------------------------------------------------------------------
def _d2s_shape(d: tuple, b: int) -> tuple:
    if len(d) != 4 or b < 1 or d[1] % (b * b):
        raise ShapeError(f"depth_to_space: needs a 4-D input whose channels are divisible by "
                         f"block_size**2, got shape {tuple(d)} and block_size={b}")
    return (d[0], d[1] // (b * b), d[2] * b, d[3] * b)


def _s2d_shape(d: tuple, b: int) -> tuple:
    if len(d) != 4 or b < 1 or d[2] % b or d[3] % b:
        raise ShapeError(f"space_to_depth: needs a 4-D input whose height and width are "
                         f"divisible by block_size, got shape {tuple(d)} and block_size={b}")
    return (d[0], d[1] * b * b, d[2] // b, d[3] // b)


@register(method=True, higher_order=True,
          cases=[Case((1, 8, 2, 3), block_size=2), Case((2, 9, 1, 2), block_size=3)])
def depth_to_space(data, *, block_size):
    """Move blocks of channels into space: ``(N, C, H, W) -> (N, C/b², H*b, W*b)``.

    Channel ``(i*b + j)*C' + c`` of input pixel ``(h, w)`` goes to channel ``c`` of output
    pixel ``(h*b + i, w*b + j)`` (``C' = C/b²``, MXNet's "DCR" order). The inverse is
    :func:`space_to_depth`.

    Parameters
    ----------
    data : NDArray
        4-D, channels divisible by ``block_size ** 2``.
    block_size : int
        Side ``b`` of the square of output pixels each input pixel becomes.

    Returns
    -------
    NDArray

    See Also
    --------
    space_to_depth, reshape, transpose

    Examples
    --------
    >>> from minigluon import nd
    >>> x = nd.array([[[[0]], [[1]], [[2]], [[3]]]])
    >>> nd.depth_to_space(x, block_size=2)
    <BLANKLINE>
    [[[[0. 1.]
       [2. 3.]]]]
    <NDArray 1x1x2x2 @cpu(0)>
    """
    b = int(block_size)
    out = _d2s_shape(_shape(data), b)
    n, c, h, w = _shape(data)
    x = np.reshape(data, (n, b, b, c // (b * b), h, w)).transpose(0, 3, 4, 1, 5, 2)
    return x.reshape(out)


depth_to_space.def_backward(lambda g, ins, out, block_size:
                            (G.space_to_depth(g, block_size=block_size),))
depth_to_space.def_shape(lambda d, block_size: _d2s_shape(tuple(d), int(block_size)))


@register(method=True, higher_order=True,
          cases=[Case((1, 2, 4, 6), block_size=2), Case((2, 1, 3, 3), block_size=3)])
def space_to_depth(data, *, block_size):
    """Move blocks of space into channels: ``(N, C, H, W) -> (N, C*b², H/b, W/b)``.

    The inverse of :func:`depth_to_space`.

    Parameters
    ----------
    data : NDArray
        4-D, height and width divisible by ``block_size``.
    block_size : int
        Side ``b`` of the square of input pixels gathered into one output pixel; height and width
        must be divisible by it.

    Returns
    -------
    NDArray

    See Also
    --------
    depth_to_space

    Examples
    --------
    >>> from minigluon import nd
    >>> x = nd.array([[[[0, 1], [2, 3]]]])
    >>> nd.space_to_depth(x, block_size=2).reshape(-1)
    <BLANKLINE>
    [0. 1. 2. 3.]
    <NDArray 4 @cpu(0)>
    """
    b = int(block_size)
    out = _s2d_shape(_shape(data), b)
    n, c, h, w = _shape(data)
    x = np.reshape(data, (n, c, h // b, b, w // b, b)).transpose(0, 3, 5, 1, 2, 4)
    return x.reshape(out)


space_to_depth.def_backward(lambda g, ins, out, block_size:
                            (G.depth_to_space(g, block_size=block_size),))
space_to_depth.def_shape(lambda d, block_size: _s2d_shape(tuple(d), int(block_size)))
