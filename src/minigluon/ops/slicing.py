"""Slicing: slice, slice_axis, slice_like (numpy views), and the backward helper."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..base import ShapeError
from .generic import G
from .registry import Case, register
from .shape import _axis, _ints, _known, _shape

__all__: list[str] = []


# -- slicing -----------------------------------------------------------------------------------
def _opt(v: Any) -> tuple:
    return () if v is None else ((v,) if isinstance(v, (int, np.integer)) else tuple(v))


def _slice_key(op: str, d: tuple, begin: Any, end: Any, step: Any = ()) -> tuple:
    """MXNet's slice semantics as a tuple of Python slices (``None`` entries take defaults)."""
    begin, end, step = _opt(begin), _opt(end), _opt(step)
    if len(begin) > len(d) or len(end) > len(d):
        raise ShapeError(f"{op}: begin={begin} / end={end} have more entries than the input "
                         f"shape {tuple(d)} has dimensions")
    if len(begin) != len(end):
        raise ShapeError(f"{op}: begin={begin} and end={end} must have the same length")
    if step and len(step) != len(begin):
        raise ShapeError(f"{op}: step={step} and begin={begin} must have the same length")
    key = []
    for i, (b, e) in enumerate(zip(begin, end)):
        s = 1 if not step or step[i] is None else int(step[i])
        if s == 0:
            raise ShapeError(f"{op}: step[{i}] cannot be 0")
        n = d[i]
        if n == 0:
            key.append(slice(None))
            continue
        bi = (n - 1 if s < 0 else 0) if b is None else int(b)
        ei = (-1 if s < 0 else n) if e is None else int(e)
        if bi < 0:
            bi += n
        if not 0 <= bi < n:
            raise ShapeError(f"{op}: begin[{i}]={b} is out of range for axis {i} of size {n}")
        if e is not None and ei < 0:
            ei += n
        if not (0 <= ei <= n or (e is None and ei == -1)):
            raise ShapeError(f"{op}: end[{i}]={e} is out of range for axis {i} of size {n}")
        if bi == ei:
            raise ShapeError(f"{op}: begin[{i}]=end[{i}]={ei} gives an empty array, which is "
                             "not supported")
        if (s > 0) != (bi < ei):
            raise ShapeError(f"{op}: begin[{i}]={b}, end[{i}]={e}, step[{i}]={s} select "
                             "nothing")
        key.append(slice(bi, None if ei < 0 else ei, s))
    return tuple(key)


def _sliced_shape(d: tuple, key: tuple) -> tuple:
    return tuple(len(range(n)[k]) if i < len(key) else n
                 for i, (n, k) in enumerate(zip(d, key + (slice(None),) * len(d))))


@register(name="slice", method="slice", aliases=("crop",), higher_order=True,
          cases=[Case((4, 5), begin=(1, 0), end=(3, 5)), Case((4, 5), begin=(None,), end=(-1,)),
                 Case((4, 5, 2), begin=(3, None), end=(None, 1), step=(-2, -1)),
                 Case((6, 4), begin=(-5, 1), end=(None, None), step=(2, None))])
def slice_(data, *, begin, end, step=()):
    """Slice with ``begin``/``end``/``step`` tuples (one entry per leading axis); returns a view.

    ``data[b0:e0:s0, b1:e1:s1, ...]`` with MXNet's rules: ``None`` entries take the defaults
    (0 and the axis size, reversed for negative steps), negative values count from the end,
    axes beyond ``len(begin)`` are kept whole. Out-of-range or empty ranges raise.

    Parameters
    ----------
    data : NDArray
        Array to slice.
    begin : tuple of int or None
        Start index per axis; None means the start (the end for a negative step).
    end : tuple of int or None
        Stop index per axis (exclusive); None means past the end (before the start for a negative
        step).
    step : tuple of int or None, optional
        Step per axis, may be negative; None or missing means 1.

    Returns
    -------
    NDArray

    See Also
    --------
    slice_axis, slice_like, split

    Examples
    --------
    >>> from minigluon import nd
    >>> x = nd.array([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]])
    >>> nd.slice(x, begin=(0, 1), end=(2, 3))
    <BLANKLINE>
    [[2. 3.]
     [6. 7.]]
    <NDArray 2x2 @cpu(0)>
    >>> x.slice(begin=(None, None), end=(None, None), step=(-2, 3))
    <BLANKLINE>
    [[ 9. 12.]
     [ 1.  4.]]
    <NDArray 2x2 @cpu(0)>
    """
    return np.asarray(data)[_slice_key("slice", _shape(data), begin, end, step)]


@slice_.def_backward
def _(g, ins, out, begin, end, step=()):
    return (G._backward_slice(g, shape=_shape(ins[0]), begin=begin, end=end, step=step),)


slice_.def_shape(lambda d, begin, end, step=():
                 _sliced_shape(tuple(d), _slice_key("slice", tuple(d), begin, end, step)))


@register(namespace="_internal", higher_order=True,
          cases=[Case((2, 2), shape=(4, 3), begin=(1, None), end=(3, 2)),
                 Case((2, 3), shape=(4, 3), begin=(3,), end=(None,), step=(-2,))])
def _backward_slice(data, *, shape, begin, end, step=()):
    """Zeros of ``shape`` with ``data`` written at the slice: the gradient of ``slice``.

    Examples
    --------
    >>> from minigluon import nd
    >>> nd._internal._backward_slice(nd.array([[1, 2]]), shape=(2, 3), begin=(1, 0), end=(2, 2))
    <BLANKLINE>
    [[0. 0. 0.]
     [1. 2. 0.]]
    <NDArray 2x3 @cpu(0)>
    """
    data = np.asarray(data)
    out = np.zeros(_ints(shape), dtype=data.dtype)
    out[_slice_key("slice", tuple(out.shape), begin, end, step)] = data
    return out


_backward_slice.def_backward(lambda g, ins, out, shape, begin, end, step=():
                             (G.slice(g, begin=begin, end=end, step=step),))
_backward_slice.def_shape(lambda d, shape, begin, end, step=(): _ints(shape))


def _axis_range(d: tuple, axis: int, begin: int, end: Any) -> tuple[int, int, int]:
    ax = _axis("slice_axis", axis, len(d))
    n = d[ax]
    b = int(begin) + (n if int(begin) < 0 else 0)
    if n == 0:
        return ax, 0, 0
    e = n if end is None else int(end) + (n if int(end) < 0 else 0)
    if not 0 <= b < e <= n:
        raise ShapeError(f"slice_axis: begin={begin}, end={end} is not a non-empty range of "
                         f"axis {axis} (size {n}) of shape {tuple(d)}")
    return ax, b, e


def _axis_slice_params(d: tuple, axis: int, begin: int, end: Any) -> tuple[tuple, tuple]:
    ax, b, e = _axis_range(d, axis, begin, end)
    return (None,) * ax + (b,), (None,) * ax + (e,)


@register(method=True, higher_order=True,
          cases=[Case((4, 5), axis=0, begin=1, end=3), Case((4, 5), axis=1, begin=-3, end=None),
                 Case((2, 3, 4), axis=-1, begin=0, end=-1)])
def slice_axis(data, *, axis, begin, end):
    """Slice ``data[..., begin:end, ...]`` along one axis; returns a view.

    Parameters
    ----------
    data : NDArray
        Array to slice.
    axis : int
        Axis to slice (negative counts from the end).
    begin : int
        First index (negative counts from the end).
    end : int or None
        One past the last index; ``None`` means the axis size.

    Returns
    -------
    NDArray
        ``out.shape[axis] == end - begin``.

    See Also
    --------
    slice, split, take

    Examples
    --------
    >>> from minigluon import nd
    >>> x = nd.array([[1, 2, 3], [4, 5, 6]])
    >>> nd.slice_axis(x, axis=1, begin=1, end=None)
    <BLANKLINE>
    [[2. 3.]
     [5. 6.]]
    <NDArray 2x2 @cpu(0)>
    >>> x.slice_axis(axis=0, begin=-1, end=None)
    <BLANKLINE>
    [[4. 5. 6.]]
    <NDArray 1x3 @cpu(0)>
    """
    ax, b, e = _axis_range(_shape(data), axis, begin, end)
    return np.asarray(data)[(slice(None),) * ax + (slice(b, e),)]


@slice_axis.def_backward
def _(g, ins, out, axis, begin, end):
    d = _shape(ins[0])
    b, e = _axis_slice_params(d, axis, begin, end)
    return (G._backward_slice(g, shape=d, begin=b, end=e, step=()),)


@slice_axis.def_shape
def _(d, axis, begin, end):
    ax, b, e = _axis_range(tuple(d), axis, begin, end)
    return (*d[:ax], e - b, *d[ax + 1:])


def _slice_like_end(d: tuple, like: tuple, axes: Any) -> tuple:
    d, like = tuple(d), tuple(like)
    if not _opt(axes):
        if len(like) != len(d):
            raise ShapeError(f"slice_like: data {d} and shape_like {like} must have the same "
                             "number of dimensions when axes is not given")
        axes = range(len(d))
    out = list(d)
    for a in _opt(axes):
        i = _axis("slice_like", a, len(d))
        if i >= len(like):
            raise ShapeError(f"slice_like: axis {a} is out of range for shape_like {like}")
        if like[i] > d[i]:
            raise ShapeError(f"slice_like: axis {a} of shape_like {like} is larger than that "
                             f"of data {d}")
        out[i] = like[i]
    return tuple(out)


@register(method=True, higher_order=True, nondiff_inputs=(1,),
          cases=[Case((4, 5), (2, 3)), Case((4, 5, 3), (9, 2), axes=(1,)),
                 Case((4, 5, 3), (1, 3, 2), axes=(0, -1))])
def slice_like(data, shape_like, *, axes=()):
    """Crop ``data`` from the start to the shape of ``shape_like`` (on ``axes``, or all axes).

    ``shape_like`` only supplies a shape: it gets no gradient.

    Parameters
    ----------
    data : NDArray
        Array to slice.
    shape_like : NDArray
        Array whose shape gives the size kept along each axis (only its shape is read).
    axes : tuple of int, optional
        Axes to crop; the default crops every axis (same ndim required).

    Returns
    -------
    NDArray
        A view of ``data``.

    See Also
    --------
    slice, reshape_like, broadcast_like

    Examples
    --------
    >>> from minigluon import nd
    >>> x = nd.array([[1, 2, 3], [4, 5, 6]])
    >>> nd.slice_like(x, nd.zeros((1, 2)))
    <BLANKLINE>
    [[1. 2.]]
    <NDArray 1x2 @cpu(0)>
    >>> nd.slice_like(nd.zeros((4, 5, 6)), nd.zeros((9, 2)), axes=(1,)).shape
    (4, 2, 6)
    """
    end = _slice_like_end(_shape(data), _shape(shape_like), axes)
    return np.asarray(data)[tuple(slice(0, e) for e in end)]


@slice_like.def_backward
def _(g, ins, out, axes=()):
    d = _shape(ins[0])
    end = _slice_like_end(d, _shape(ins[1]), axes)
    if end == d:
        return (g, None)
    return (G._backward_slice(g, shape=d, begin=(0,) * len(d), end=end, step=()), None)


@slice_like.def_shape
def _(d, like, axes=()):
    _known("slice_like", d, like)
    return _slice_like_end(tuple(d), tuple(like), axes)
