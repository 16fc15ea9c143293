"""Broadcasting and repetition: broadcast_to/like/axis, tile, repeat, reverse (flip).

These materialise new arrays (numpy's broadcast views are read-only, and users write into
the results).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..base import ShapeError
from .generic import G, unbroadcast
from .registry import Case, register
from .shape import _axes, _axis, _ints, _known, _shape

__all__: list[str] = []


# -- broadcasting ------------------------------------------------------------------------------
def _broadcast_target(op: str, dshape: tuple, shape: Any, zero_keeps: bool = True
                      ) -> tuple[tuple, tuple]:
    """(input shape padded with leading 1s, target shape) or a ShapeError."""
    dshape, shape = tuple(dshape), _ints(shape)
    if len(shape) < len(dshape):
        raise ShapeError(f"{op}: cannot broadcast an input of shape {dshape} to {shape}, which "
                         "has fewer dimensions")
    src = (1,) * (len(shape) - len(dshape)) + dshape
    out = tuple(d if (t == 0 and zero_keeps) else t for d, t in zip(src, shape))
    for i, (d, t) in enumerate(zip(src, out)):
        if d != t and d != 1:
            raise ShapeError(f"{op}: cannot broadcast an input of shape {dshape} to {out}: "
                             f"dimension {i} has size {d}, only size-1 dimensions can be "
                             "broadcast")
    return src, out


def _broadcast(data: Any, src: tuple, out: tuple) -> np.ndarray:
    # np.broadcast_to gives a read-only view; MXNet materialises (and users write into it)
    return np.array(np.broadcast_to(np.reshape(data, src), out))


@register(method=True, higher_order=True,
          cases=[Case((1, 3), shape=(4, 3)), Case((2, 1, 1), shape=(0, 3, 2)),
                 Case((3,), shape=(2, 3)), Case((2, 3), shape=(2, 3))])
def broadcast_to(data, *, shape=()):
    """Broadcast to ``shape`` by repeating size-1 dimensions; ``0`` in ``shape`` keeps the input's.

    ``shape`` may have more dimensions than ``data``: the input is first padded with leading
    size-1 axes (as ``NDArray.broadcast_to`` does in MXNet).

    Parameters
    ----------
    data : NDArray
        Input array; its size-1 axes are the ones that can grow.
    shape : tuple of int
        Target shape; each input dimension must equal it, be 1, or face a 0.

    Returns
    -------
    NDArray
        A new array of the target shape.

    See Also
    --------
    broadcast_like, broadcast_axis, tile

    Examples
    --------
    >>> from minigluon import nd
    >>> nd.broadcast_to(nd.array([[1, 2, 3]]), shape=(2, 0))
    <BLANKLINE>
    [[1. 2. 3.]
     [1. 2. 3.]]
    <NDArray 2x3 @cpu(0)>
    >>> nd.zeros((3, 1)).broadcast_to((2, 3, 4)).shape
    (2, 3, 4)
    """
    src, out = _broadcast_target("broadcast_to", _shape(data), shape)
    return _broadcast(data, src, out)


@broadcast_to.def_backward
def _(g, ins, out, shape=()):
    dshape = _shape(ins[0])
    src, _ = _broadcast_target("broadcast_to", dshape, shape)
    return (unbroadcast(g, src).reshape(dshape),)


broadcast_to.def_shape(lambda d, shape=(): _broadcast_target("broadcast_to", tuple(d), shape)[1])


def _broadcast_like_target(lshape: tuple, rshape: tuple, lhs_axes: Any, rhs_axes: Any
                           ) -> tuple[tuple, tuple]:
    if lhs_axes is None and rhs_axes is None:
        return _broadcast_target("broadcast_like", lshape, rshape, zero_keeps=False)
    if lhs_axes is None or rhs_axes is None:
        raise ShapeError("broadcast_like: give both lhs_axes and rhs_axes, or neither")
    la = [_axis("broadcast_like", a, len(lshape)) for a in _ints(lhs_axes)]
    ra = [_axis("broadcast_like", a, len(rshape)) for a in _ints(rhs_axes)]
    if len(la) != len(ra):
        raise ShapeError(f"broadcast_like: lhs_axes {lhs_axes} and rhs_axes {rhs_axes} must "
                         "have the same length")
    target = list(lshape)
    for a, b in zip(la, ra):
        target[a] = rshape[b]
    return _broadcast_target("broadcast_like", lshape, target, zero_keeps=False)


@register(method=True, higher_order=True, nondiff_inputs=(1,),
          cases=[Case((1, 3), (4, 3)), Case((2, 1), (3, 2, 5)),
                 Case((2, 1, 1), (5, 3), lhs_axes=(1, -1), rhs_axes=(0, 1))])
def broadcast_like(lhs, rhs, *, lhs_axes=None, rhs_axes=None):
    """Broadcast ``lhs`` to the shape of ``rhs`` (or only the given axes).

    With ``lhs_axes``/``rhs_axes``, dimension ``lhs_axes[i]`` of ``lhs`` is broadcast to the
    size of dimension ``rhs_axes[i]`` of ``rhs``; other dimensions are kept. ``rhs`` only
    supplies a shape: it gets no gradient.

    Parameters
    ----------
    lhs : NDArray
        Array to broadcast.
    rhs : NDArray
        Array whose shape ``lhs`` takes (only its shape is read).
    lhs_axes : int or tuple of int, optional
        Axes of ``lhs`` to broadcast; None (with ``rhs_axes`` None) broadcasts to the whole shape of
        ``rhs``.
    rhs_axes : int or tuple of int, optional
        Axes of ``rhs`` whose sizes the matching ``lhs_axes`` take; give both or neither.

    Returns
    -------
    NDArray

    See Also
    --------
    broadcast_to, reshape_like

    Examples
    --------
    >>> from minigluon import nd
    >>> nd.broadcast_like(nd.array([[1], [2]]), nd.zeros((2, 3)))
    <BLANKLINE>
    [[1. 1. 1.]
     [2. 2. 2.]]
    <NDArray 2x3 @cpu(0)>
    >>> nd.broadcast_like(nd.zeros((1, 2)), nd.zeros((4, 5)), lhs_axes=0, rhs_axes=0).shape
    (4, 2)
    """
    src, out = _broadcast_like_target(_shape(lhs), _shape(rhs), lhs_axes, rhs_axes)
    return _broadcast(lhs, src, out)


@broadcast_like.def_backward
def _(g, ins, out, lhs_axes=None, rhs_axes=None):
    lshape = _shape(ins[0])
    src, _ = _broadcast_like_target(lshape, _shape(ins[1]), lhs_axes, rhs_axes)
    return (unbroadcast(g, src).reshape(lshape), None)


@broadcast_like.def_shape
def _(lhs, rhs, lhs_axes=None, rhs_axes=None):
    _known("broadcast_like", lhs, rhs)
    return _broadcast_like_target(tuple(lhs), tuple(rhs), lhs_axes, rhs_axes)[1]


def _broadcast_axis_target(d: tuple, axis: Any, size: Any) -> tuple:
    axes, sizes = _ints(axis), _ints(size)
    if len(axes) != len(sizes):
        raise ShapeError(f"broadcast_axis: axis {axis} and size {size} must have the same length")
    out = list(d)
    for a, n in zip(axes, sizes):
        i = _axis("broadcast_axis", a, len(d))
        if d[i] != 1:
            raise ShapeError(f"broadcast_axis: axis {a} of shape {tuple(d)} has size {d[i]}; "
                             "only size-1 axes can be broadcast")
        out[i] = n
    return tuple(out)


@register(method="broadcast_axes", higher_order=True, aliases=("broadcast_axes",),
          cases=[Case((2, 1, 3), axis=1, size=4), Case((1, 3, 1), axis=(0, -1), size=(2, 5))])
def broadcast_axis(data, *, axis=(), size=()):
    """Broadcast size-1 axes ``axis`` to the sizes ``size``.

    Parameters
    ----------
    data : NDArray
        Input array; the axes named by ``axis`` must have size 1.
    axis : int or tuple of int
        Axes to broadcast (each of size 1 in ``data``).
    size : int or tuple of int
        Target size of each axis.

    Returns
    -------
    NDArray

    See Also
    --------
    broadcast_to, tile, repeat

    Examples
    --------
    >>> from minigluon import nd
    >>> nd.broadcast_axis(nd.array([[1], [2]]), axis=1, size=3)
    <BLANKLINE>
    [[1. 1. 1.]
     [2. 2. 2.]]
    <NDArray 2x3 @cpu(0)>
    >>> nd.zeros((1, 2, 1)).broadcast_axes(axis=(0, 2), size=(3, 4)).shape
    (3, 2, 4)
    """
    d = _shape(data)
    return _broadcast(data, d, _broadcast_axis_target(d, axis, size))


@broadcast_axis.def_backward
def _(g, ins, out, axis=(), size=()):
    d = _shape(ins[0])
    axes = tuple(_axis("broadcast_axis", a, len(d)) for a in _ints(axis))
    return (g.sum(axis=axes, keepdims=True) if axes else g,)


broadcast_axis.def_shape(lambda d, axis=(), size=(): _broadcast_axis_target(tuple(d), axis, size))


# -- repetition --------------------------------------------------------------------------------
def _tile_dims(d: tuple, reps: Any) -> tuple[tuple, tuple]:
    reps = _ints(reps)
    if any(r < 0 for r in reps):
        raise ShapeError(f"tile: reps {reps} must be non-negative")
    n = max(len(d), len(reps))
    return (1,) * (n - len(d)) + tuple(d), (1,) * (n - len(reps)) + reps


@register(method=True, higher_order=True,
          cases=[Case((2, 3), reps=(2, 1)), Case((2, 3), reps=(3,)), Case((3,), reps=(2, 2)),
                 Case((2, 1, 2), reps=(1, 3, 2))])
def tile(data, *, reps):
    """Repeat the whole array ``reps[i]`` times along each axis (as ``numpy.tile``).

    If ``reps`` is shorter than ``data.ndim`` it is padded with leading 1s; if longer,
    ``data`` is treated as having leading size-1 axes.

    Parameters
    ----------
    data : NDArray
        Input array.
    reps : tuple of int
        Number of copies along each axis; a shorter tuple applies to the trailing axes, a longer one
        adds leading axes.

    Returns
    -------
    NDArray
        ``out.shape[i] == data.shape[i] * reps[i]`` (after padding).

    See Also
    --------
    repeat, broadcast_to

    Examples
    --------
    >>> from minigluon import nd
    >>> nd.tile(nd.array([[1, 2]]), reps=(2, 2))
    <BLANKLINE>
    [[1. 2. 1. 2.]
     [1. 2. 1. 2.]]
    <NDArray 2x4 @cpu(0)>
    >>> nd.zeros((2, 3)).tile(reps=(2,)).shape
    (2, 6)
    """
    _tile_dims(_shape(data), reps)
    return np.tile(data, _ints(reps))


@tile.def_backward
def _(g, ins, out, reps):
    d, r = _tile_dims(_shape(ins[0]), reps)
    # out axis i is (rep, orig) flattened: split it and sum over the rep halves
    split = tuple(x for pair in zip(r, d) for x in pair)
    gs = g.reshape(split).sum(axis=tuple(range(0, 2 * len(d), 2)))
    return (gs.reshape(_shape(ins[0])),)


tile.def_shape(lambda d, reps: tuple(a * b for a, b in zip(*_tile_dims(tuple(d), reps))))


def _repeat_shape(d: tuple, repeats: int, axis: Any) -> tuple:
    if int(repeats) < 0:
        raise ShapeError(f"repeat: repeats must be non-negative, got {repeats}")
    if axis is None:
        return (int(np.prod(d, dtype=np.int64)) * int(repeats),)
    a = _axis("repeat", axis, len(d))
    return (*d[:a], d[a] * int(repeats), *d[a + 1:])


@register(method=True, higher_order=True,
          cases=[Case((2, 3), repeats=2), Case((2, 3), repeats=3, axis=1),
                 Case((2, 3, 2), repeats=2, axis=-3)])
def repeat(data, *, repeats, axis=None):
    """Repeat each element ``repeats`` times along ``axis`` (the flattened array if None).

    Parameters
    ----------
    data : NDArray
        Input array.
    repeats : int
        How many times each element is repeated.
    axis : int, optional
        Axis along which to repeat; None repeats the elements of the flattened array and returns
        1-D.

    Returns
    -------
    NDArray

    See Also
    --------
    tile, broadcast_axis

    Examples
    --------
    >>> from minigluon import nd
    >>> x = nd.array([[1, 2], [3, 4]])
    >>> nd.repeat(x, repeats=2)
    <BLANKLINE>
    [1. 1. 2. 2. 3. 3. 4. 4.]
    <NDArray 8 @cpu(0)>
    >>> x.repeat(repeats=2, axis=1)
    <BLANKLINE>
    [[1. 1. 2. 2.]
     [3. 3. 4. 4.]]
    <NDArray 2x4 @cpu(0)>
    """
    _repeat_shape(_shape(data), repeats, axis)
    return np.repeat(data, int(repeats), axis=axis)


@repeat.def_backward
def _(g, ins, out, repeats, axis=None):
    d, r = _shape(ins[0]), int(repeats)
    if axis is None:
        return (g.reshape((int(np.prod(d, dtype=np.int64)), r)).sum(axis=1).reshape(d),)
    a = _axis("repeat", axis, len(d))
    return (g.reshape((*d[:a], d[a], r, *d[a + 1:])).sum(axis=a + 1),)


repeat.def_shape(lambda d, repeats, axis=None: _repeat_shape(tuple(d), repeats, axis))


@register(method="flip", higher_order=True, aliases=("flip",),
          cases=[Case((3, 4), axis=0), Case((2, 3, 4), axis=(0, -1)), Case((5,), axis=-1)])
def reverse(data, *, axis):
    """Reverse the order of elements along ``axis``; returns a view.

    Parameters
    ----------
    data : NDArray
        Input array.
    axis : int or tuple of int
        Axes to reverse.

    Returns
    -------
    NDArray
        Same shape as ``data``.

    See Also
    --------
    slice, transpose

    Examples
    --------
    >>> from minigluon import nd
    >>> x = nd.array([[1, 2, 3], [4, 5, 6]])
    >>> nd.reverse(x, axis=1)
    <BLANKLINE>
    [[3. 2. 1.]
     [6. 5. 4.]]
    <NDArray 2x3 @cpu(0)>
    >>> x.flip(axis=(0, 1))
    <BLANKLINE>
    [[6. 5. 4.]
     [3. 2. 1.]]
    <NDArray 2x3 @cpu(0)>
    """
    return np.flip(data, _axes("reverse", axis, np.ndim(data)))


reverse.def_backward(lambda g, ins, out, axis: (G.reverse(g, axis=axis),))


@reverse.def_shape
def _(d, axis):
    _axes("reverse", axis, len(d))
    return tuple(d)
