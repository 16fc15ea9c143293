"""Joining and splitting: concat (default ``dim=1``), stack, split (views)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..base import ShapeError
from .generic import G
from .registry import Case, register
from .shape import _axis, _known, _shape

__all__: list[str] = []


# -- joining and splitting ---------------------------------------------------------------------
def _concat_shape(shapes: tuple, dim: int, num_args: Any) -> tuple:
    _known("concat", *shapes)
    if not shapes:
        raise ShapeError("concat: needs at least one input array")
    if num_args is not None and int(num_args) != len(shapes):
        raise ShapeError(f"concat: num_args={num_args} but {len(shapes)} arrays were given")
    first = tuple(shapes[0])
    ax = _axis("concat", dim, len(first))
    for i, s in enumerate(shapes[1:], 1):
        s = tuple(s)
        if len(s) != len(first) or s[:ax] + s[ax + 1:] != first[:ax] + first[ax + 1:]:
            raise ShapeError(f"concat: input {i} has shape {s} but input 0 has shape {first}; "
                             f"all dimensions except dim={dim} must match")
    return (*first[:ax], sum(int(s[ax]) for s in shapes), *first[ax + 1:])


@register(aliases=("Concat",), higher_order=True,
          cases=[Case((2, 3), (2, 4)), Case((2, 3), (1, 3), (3, 3), dim=0),
                 Case((2, 3, 2), (2, 3, 1), dim=-1), Case((4,), dim=0)])
def concat(*data, dim=1, num_args=None):
    """Join arrays along an existing axis ``dim`` (default 1, the channel axis).

    All inputs must have the same shape except along ``dim``.

    Parameters
    ----------
    *data : NDArray
        Arrays to join.
    dim : int, default 1
        The axis to join along (negative counts from the end).
    num_args : int, optional
        Number of inputs (MXNet accepts it; it is checked if given).

    Returns
    -------
    NDArray
        ``out.shape[dim] == sum(x.shape[dim] for x in data)``.

    See Also
    --------
    stack, split

    Examples
    --------
    >>> from minigluon import nd
    >>> a, b = nd.array([[1, 2], [3, 4]]), nd.array([[5], [6]])
    >>> nd.concat(a, b)
    <BLANKLINE>
    [[1. 2. 5.]
     [3. 4. 6.]]
    <NDArray 2x3 @cpu(0)>
    >>> nd.concat(nd.zeros((2, 22000)), nd.zeros((2, 3300)), dim=1).shape
    (2, 25300)
    """
    _concat_shape(tuple(_shape(x) for x in data), dim, num_args)
    return np.concatenate(data, axis=int(dim))


@concat.def_backward
def _(g, ins, out, dim=1, num_args=None):
    ax = _axis("concat", dim, len(_shape(ins[0])))
    grads, begin = [], 0
    for x in ins:
        end = begin + _shape(x)[ax]
        grads.append(G.slice_axis(g, axis=ax, begin=begin, end=end))
        begin = end
    return tuple(grads)


concat.def_saves(lambda **_: ((), ()))  # the inputs' shapes only
concat.def_shape(lambda *shapes, dim=1, num_args=None: _concat_shape(shapes, dim, num_args))


@concat.def_partial_shape
def _(ins, outs, dim=1, num_args=None, **_):
    # every input and the output agree off the concat axis; one unknown input extent along
    # it is what the output has beyond the others
    known = [s for s in list(ins) + list(outs) if s is not None]
    if not known:
        return ins, outs
    nd = len(known[0])
    ax = dim % nd
    common = [0] * nd
    for s in known:
        for k, d in enumerate(s):
            if k != ax and d:
                common[k] = d

    def fill(s):
        base = list(s) if s is not None else [0] * nd
        return tuple(common[k] or base[k] if k != ax else base[k] for k in range(nd))

    new_ins = [fill(s) for s in ins]
    out = fill(outs[0])
    sizes = [s[ax] for s in new_ins]
    if out[ax] and sizes.count(0) == 1:
        k = sizes.index(0)
        new_ins[k] = (*new_ins[k][:ax], out[ax] - sum(sizes), *new_ins[k][ax + 1:])
    elif all(sizes):
        out = (*out[:ax], sum(sizes), *out[ax + 1:])
    return new_ins, [out]


def _stack_shape(shapes: tuple, axis: int, num_args: Any) -> tuple:
    _known("stack", *shapes)
    if not shapes:
        raise ShapeError("stack: needs at least one input array")
    if num_args is not None and int(num_args) != len(shapes):
        raise ShapeError(f"stack: num_args={num_args} but {len(shapes)} arrays were given")
    first = tuple(shapes[0])
    for i, s in enumerate(shapes[1:], 1):
        if tuple(s) != first:
            raise ShapeError(f"stack: input {i} has shape {tuple(s)} but input 0 has shape "
                             f"{first}; all inputs must have the same shape")
    ax = _axis("stack", axis, len(first), extra=1)
    return (*first[:ax], len(shapes), *first[ax:])


@register(higher_order=True,
          cases=[Case((2, 3), (2, 3)), Case((2, 3), (2, 3), (2, 3), axis=2),
                 Case((3,), (3,), axis=-1)])
def stack(*data, axis=0, num_args=None):
    """Join arrays of one shape along a new axis ``axis``.

    Parameters
    ----------
    *data : NDArray
        Arrays of the same shape.
    axis : int, default 0
        Position of the new axis in the output.
    num_args : int, optional
        Number of inputs (checked if given).

    Returns
    -------
    NDArray
        One more dimension than the inputs; ``out.shape[axis] == len(data)``.

    See Also
    --------
    concat, split

    Examples
    --------
    >>> from minigluon import nd
    >>> a, b = nd.array([1, 2]), nd.array([3, 4])
    >>> nd.stack(a, b)
    <BLANKLINE>
    [[1. 2.]
     [3. 4.]]
    <NDArray 2x2 @cpu(0)>
    >>> nd.stack(a, b, axis=1)
    <BLANKLINE>
    [[1. 3.]
     [2. 4.]]
    <NDArray 2x2 @cpu(0)>
    """
    _stack_shape(tuple(_shape(x) for x in data), axis, num_args)
    return np.stack(data, axis=int(axis))


@stack.def_backward
def _(g, ins, out, axis=0, num_args=None):
    shape = _shape(ins[0])
    ax = _axis("stack", axis, len(shape), extra=1)
    return tuple(G.slice_axis(g, axis=ax, begin=i, end=i + 1).reshape(shape)
                 for i in range(len(ins)))


stack.def_shape(lambda *shapes, axis=0, num_args=None: _stack_shape(shapes, axis, num_args))


def _split_shapes(d: tuple, num_outputs: int, axis: int, squeeze_axis: bool) -> list[tuple]:
    d, n = tuple(d), int(num_outputs)
    if n < 1:
        raise ShapeError(f"split: num_outputs must be at least 1, got {n}")
    ax = _axis("split", axis, len(d))
    if d[ax] % n:
        raise ShapeError(f"split: axis {axis} of shape {d} has size {d[ax]}, which num_outputs="
                         f"{n} does not divide")
    if squeeze_axis and d[ax] != n:
        raise ShapeError(f"split: squeeze_axis=True needs axis {axis} of shape {d} to have size "
                         f"num_outputs={n}, so that each piece has size 1")
    piece = d[:ax] + (() if squeeze_axis else (d[ax] // n,)) + d[ax + 1:]
    return [piece or (1,)] * n


@register(aliases=("SliceChannel",), method=True, higher_order=True,
          num_outputs=lambda num_outputs, **_: int(num_outputs),
          cases=[Case((2, 4), num_outputs=2), Case((6, 3), num_outputs=3, axis=0),
                 Case((2, 3, 4), num_outputs=3, axis=1, squeeze_axis=True),
                 Case((2, 4), num_outputs=2, axis=-1), Case((3, 2), num_outputs=1, axis=0)])
def split(data, *, num_outputs, axis=1, squeeze_axis=False):
    """Split into ``num_outputs`` equal pieces along ``axis`` (default 1); returns views.

    ``data.shape[axis]`` must be divisible by ``num_outputs``. With ``squeeze_axis=True`` (only
    when each piece has size 1 along ``axis``) that axis is removed from the pieces.

    Parameters
    ----------
    data : NDArray
        Array to split.
    num_outputs : int
        Number of pieces.
    axis : int, default 1
        Axis to split.
    squeeze_axis : bool, default False
        Remove the split axis from the outputs.

    Returns
    -------
    list of NDArray
        ``num_outputs`` arrays (a single NDArray if ``num_outputs=1``, as in MXNet).

    See Also
    --------
    concat, slice_axis

    Examples
    --------
    >>> from minigluon import nd
    >>> x = nd.array([[1, 2, 3, 4], [5, 6, 7, 8]])
    >>> a, b = nd.split(x, num_outputs=2)
    >>> b
    <BLANKLINE>
    [[3. 4.]
     [7. 8.]]
    <NDArray 2x2 @cpu(0)>
    >>> [y.shape for y in x.split(num_outputs=2, axis=0, squeeze_axis=True)]
    [(4,), (4,)]
    """
    shapes = _split_shapes(_shape(data), num_outputs, axis, squeeze_axis)
    parts = np.split(data, int(num_outputs), axis=int(axis))
    if squeeze_axis:
        parts = [np.reshape(p, s) for p, s in zip(parts, shapes)]
    return parts[0] if len(parts) == 1 else parts


@split.def_backward
def _(g, ins, out, num_outputs, axis=1, squeeze_axis=False):
    d = _shape(ins[0])
    ax = _axis("split", axis, len(d))
    gs = tuple(g) if int(num_outputs) > 1 else (g,)  # one output: g is that output's gradient
    if squeeze_axis:
        return (G.stack(*gs, axis=ax, num_args=len(gs)).reshape(d),)
    return (G.concat(*gs, dim=ax, num_args=len(gs)),)


split.def_shape(lambda d, num_outputs, axis=1, squeeze_axis=False:
                _split_shapes(tuple(d), num_outputs, axis, squeeze_axis))


@split.def_partial_shape
def _(ins, outs, num_outputs, axis=1, squeeze_axis=False, **_):
    # the input follows from any output piece (and the pieces from the input)
    data = ins[0]
    for s in outs:
        if s is None:
            continue
        s = list(s)
        if squeeze_axis:
            s.insert(axis % (len(s) + 1), 0)
        ax = axis % len(s)
        s[ax] = s[ax] * num_outputs
        piece = tuple(s)
        if data is None:
            data = piece
        elif len(data) == len(piece):
            data = tuple(a or b for a, b in zip(data, piece))
    return [data], outs
