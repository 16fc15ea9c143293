"""Shape ops: reshape (with MXNet's special codes), transpose, concat/split, slicing, padding.

Ops that only re-view memory (reshape, transpose, expand_dims, flatten, squeeze, swapaxes, flip,
slice, slice_axis, split) return numpy views, so an NDArray produced by them writes through to
its source as in MXNet's ``NDArray.reshape``. Ops that must materialise data (broadcast_to,
tile, repeat, concat, stack, pad) return new arrays.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..base import MXNetError
from .generic import G, unbroadcast
from .registry import Case, register

__all__ = ["ShapeError", "infer_reshape"]


class ShapeError(MXNetError, ValueError):
    """A user-visible shape error (also a ValueError, as numpy raises)."""


def infer_reshape(dshape: tuple, shape: tuple, reverse: bool = False) -> tuple:
    """Resolve MXNet's reshape codes against the input shape ``dshape``.

    ``0`` copies a dimension, ``-1`` infers one, ``-2`` copies the rest, ``-3`` merges two,
    ``-4 d1 d2`` splits one (either of d1, d2 may be -1). ``reverse`` matches from the right.
    """
    if not reverse and all(type(s) is int and (s > 0 or s == -1) for s in shape) \
            and shape.count(-1) <= 1:
        # plain sizes (at most one -1): numpy's rule is MXNet's, let numpy check the size
        size, known = math.prod(dshape), math.prod(s for s in shape if s > 0)
        if -1 in shape:
            if known == 0 or size % known:
                raise ShapeError(f"Cannot reshape array of size {size} into shape "
                                 f"{tuple(shape)}")
            return tuple(size // known if s == -1 else s for s in shape)
        if known != size:
            raise ShapeError(f"Cannot reshape array of size {size} into shape {tuple(shape)}")
        return tuple(shape)
    src, params = list(dshape), [int(s) for s in shape]
    if reverse:
        src, params = src[::-1], params[::-1]
    out: list[int] = []
    si, infer_at, i = 0, -1, 0

    def need(n: int, code: int) -> None:
        if si + n > len(src):
            raise ShapeError(f"reshape: code {code} in shape {tuple(shape)} needs more input "
                             f"dimensions than {tuple(dshape)} has")

    while i < len(params):
        p = params[i]
        if p == 0:
            need(1, 0)
            out.append(src[si])
            si += 1
        elif p == -1:
            if infer_at >= 0:
                raise ShapeError("One and only one dim can be inferred")
            infer_at = len(out)
            out.append(1)
            si += 1
        elif p == -2:
            out.extend(src[si:])
            si = len(src)
        elif p == -3:
            need(2, -3)
            out.append(src[si] * src[si + 1])
            si += 2
        elif p == -4:
            if i + 2 >= len(params):
                raise ShapeError(f"reshape: -4 must be followed by two dims, got {tuple(shape)}")
            need(1, -4)
            d0, d1, d2 = src[si], params[i + 1], params[i + 2]
            si += 1
            i += 2
            if d1 == -1 and d2 == -1:
                raise ShapeError("Split dims cannot both be -1.")
            d1 = d0 // d2 if d1 == -1 else d1
            d2 = d0 // d1 if d2 == -1 else d2
            if d1 * d2 != d0:
                raise ShapeError(f"Split dims {d1}, {d2} do not divide original dim {d0}")
            out += [d1, d2]
        elif p > 0:
            out.append(p)
            si += 1
        else:
            raise ShapeError(f"reshape: invalid code {p} in shape {tuple(shape)}")
        i += 1
    size = int(np.prod(dshape))
    if infer_at >= 0:
        rest = int(np.prod(out))
        out[infer_at] = size // rest if rest else 0
    if reverse:
        out = out[::-1]
    if int(np.prod(out)) != size:
        raise ShapeError(f"Cannot reshape array of size {size} into shape {tuple(out)}")
    return tuple(out)


@register(method=False, higher_order=True, aliases=("Reshape",),
          cases=[Case((2, 3, 4), shape=(-3, 0)), Case((2, 3, 4), shape=(4, -1)),
                 Case((2, 3, 4), shape=(-4, 1, 2, -2), reverse=False)])
def reshape(data, *, shape=(), reverse=False):
    """Reshape to ``shape``, which may use MXNet's special codes; returns a view.

    The codes are read left to right against the input's dimensions:

    - ``0`` copies the next input dimension: ``(2,3,4)`` with ``(4,0,2)`` gives ``(4,3,2)``;
    - ``-1`` infers one dimension from the size: ``(6,1,-1)`` gives ``(6,1,4)``;
    - ``-2`` copies all remaining dimensions: ``(-2,1,1)`` gives ``(2,3,4,1,1)``;
    - ``-3`` merges two dimensions: ``(-3,4)`` gives ``(6,4)``;
    - ``-4, d1, d2`` splits one dimension into two (one may be -1):
      ``(-4,1,2,-2)`` gives ``(1,2,3,4)``.

    With ``reverse=True`` the codes match from the right: ``(10,5,4)`` with ``(-1,0)`` gives
    ``(40,5)``, reversed it gives ``(50,4)``.

    Parameters
    ----------
    data : NDArray
    shape : tuple of int
        Target shape, possibly with special codes.
    reverse : bool, default False
        Match the codes from the right.

    Returns
    -------
    NDArray
        A view of ``data`` with the new shape (writes go through to ``data``).

    See Also
    --------
    reshape_like, flatten, expand_dims

    Examples
    --------
    >>> from minigluon import nd
    >>> x = nd.arange(24).reshape((2, 3, 4))
    >>> nd.reshape(x, shape=(-3, 0)).shape
    (6, 4)
    >>> nd.reshape(x, shape=(2, -4, -1, 3, -2)).shape
    (2, 1, 3, 4)
    >>> nd.reshape(nd.zeros((10, 5, 4)), shape=(-1, 0), reverse=True).shape
    (50, 4)
    """
    return np.reshape(data, infer_reshape(np.shape(data), shape, reverse))


reshape.def_backward(lambda g, ins, out, shape, reverse: (g.reshape(np.shape(ins[0])),))
reshape.def_shape(lambda d, shape, reverse: infer_reshape(tuple(d), shape, reverse))


def _axes_perm(ndim: int, axes: Any) -> tuple[int, ...]:
    if axes is None or len(axes) == 0:  # () from the signature, [] from user code
        return tuple(range(ndim))[::-1]
    perm = tuple(a % ndim if ndim else a for a in axes)
    if sorted(perm) != list(range(ndim)):
        raise ShapeError(f"transpose: axes {tuple(axes)} are not a permutation of {ndim} axes")
    return perm


@register(method=True, higher_order=True,
          cases=[Case((2, 3, 4), axes=(1, 0, 2)), Case((2, 3)), Case((2, 3, 4), axes=(2, 0, 1))])
def transpose(data, *, axes=()):
    """Permute the axes (reverse them if ``axes`` is empty); returns a view.

    Parameters
    ----------
    data : NDArray
    axes : tuple of int, optional
        New order of the axes.

    Returns
    -------
    NDArray
        ``out.shape[i] == data.shape[axes[i]]``.

    See Also
    --------
    swapaxes, reshape

    Examples
    --------
    >>> from minigluon import nd
    >>> x = nd.zeros((2, 3, 4))
    >>> nd.transpose(x).shape
    (4, 3, 2)
    >>> nd.transpose(x, axes=(0, 2, 1)).shape
    (2, 4, 3)
    """
    return np.transpose(data, _axes_perm(np.ndim(data), axes))


@transpose.def_backward
def _(g, ins, out, axes):
    perm = _axes_perm(len(np.shape(ins[0])), axes)
    return (g.transpose(tuple(int(i) for i in np.argsort(perm))),)


transpose.def_shape(lambda d, axes: tuple(d[i] for i in _axes_perm(len(d), axes)))


# -- helpers ----------------------------------------------------------------------------------
def _known(op: str, *shapes: Any) -> None:
    if any(s is None for s in shapes):
        raise ValueError(f"{op}: cannot infer the output shape from unknown input shapes")


def _axis(op: str, axis: Any, ndim: int, extra: int = 0) -> int:
    """``axis`` normalised to ``[0, ndim + extra)`` (``extra=1`` for a new axis, as expand_dims)."""
    n = ndim + extra
    a = int(axis)
    if not -n <= a < n:
        raise ShapeError(f"{op}: axis {axis} is out of range for an input with {ndim} "
                         f"dimensions (valid: {-n} to {n - 1})")
    return a % n


def _axes(op: str, axis: Any, ndim: int) -> tuple[int, ...]:
    """An int or a tuple of ints normalised to sorted distinct non-negative axes."""
    axes = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    out = sorted({_axis(op, a, ndim) for a in axes})
    if len(out) != len(axes):
        raise ShapeError(f"{op}: axis {tuple(axes)} names the same axis twice")
    return tuple(out)


def _ints(values: Any) -> tuple[int, ...]:
    if isinstance(values, (int, np.integer)):
        return (int(values),)
    return tuple(int(v) for v in values)


def _shape(x: Any) -> tuple[int, ...]:
    return tuple(np.shape(x))


# -- reshape family: views ---------------------------------------------------------------------
def _reshape_like_shape(lshape: tuple, rshape: tuple, lhs_begin: Any, lhs_end: Any,
                        rhs_begin: Any, rhs_end: Any) -> tuple:
    def span(shape: tuple, b: Any, e: Any, side: str) -> tuple[int, int]:
        n = len(shape)
        lo = 0 if b is None else int(b) + (n if int(b) < 0 else 0)
        hi = n if e is None else int(e) + (n if int(e) < 0 else 0)
        if not 0 <= lo <= hi <= n:
            raise ShapeError(f"reshape_like: {side}_begin={b}, {side}_end={e} is not a valid "
                             f"range of the {n} axes of {side} {shape}")
        return lo, hi

    lb, le = span(lshape, lhs_begin, lhs_end, "lhs")
    rb, re = span(rshape, rhs_begin, rhs_end, "rhs")
    out = lshape[:lb] + rshape[rb:re] + lshape[le:]
    if int(np.prod(out)) != int(np.prod(lshape)):
        raise ShapeError(f"reshape_like: cannot reshape lhs of shape {lshape} (size "
                         f"{int(np.prod(lshape))}) into shape {out} taken from rhs {rshape}")
    return out


@register(method=True, higher_order=True, nondiff_inputs=(1,),
          cases=[Case((2, 3, 4), (6, 4)), Case((6,), (2, 3, 1)),
                 Case((2, 6), (3, 2, 5), lhs_begin=1, rhs_begin=0, rhs_end=2),
                 Case((4, 6), (3, 2), lhs_begin=-1, lhs_end=None, rhs_begin=-2)])
def reshape_like(lhs, rhs, *, lhs_begin=None, lhs_end=None, rhs_begin=None, rhs_end=None):
    """Reshape ``lhs`` to the shape of ``rhs`` (or splice part of it in); returns a view.

    With the defaults the output has ``rhs.shape``. With ranges, the axes
    ``lhs.shape[lhs_begin:lhs_end]`` are replaced by ``rhs.shape[rhs_begin:rhs_end]``
    (``None`` means the start/end; negative values count from the end). Sizes must agree.
    ``rhs`` only supplies a shape: it gets no gradient.

    Parameters
    ----------
    lhs : NDArray
        Data to reshape.
    rhs : NDArray
        Array whose shape is used.
    lhs_begin, lhs_end, rhs_begin, rhs_end : int or None, default None
        Ranges of axes to replace / to copy.

    Returns
    -------
    NDArray
        A view of ``lhs``.

    See Also
    --------
    reshape, broadcast_like, slice_like

    Examples
    --------
    >>> from minigluon import nd
    >>> x = nd.array([[1, 2, 3], [4, 5, 6]])
    >>> nd.reshape_like(x, nd.zeros((3, 2)))
    <BLANKLINE>
    [[1. 2.]
     [3. 4.]
     [5. 6.]]
    <NDArray 3x2 @cpu(0)>
    >>> nd.reshape_like(nd.zeros((2, 6)), nd.zeros((3, 2, 5)), lhs_begin=1, rhs_end=2).shape
    (2, 3, 2)
    """
    return np.reshape(lhs, _reshape_like_shape(_shape(lhs), _shape(rhs), lhs_begin, lhs_end,
                                               rhs_begin, rhs_end))


reshape_like.def_backward(lambda g, ins, out, **_: (g.reshape(_shape(ins[0])), None))


@reshape_like.def_shape
def _(lhs, rhs, lhs_begin=None, lhs_end=None, rhs_begin=None, rhs_end=None):
    _known("reshape_like", lhs, rhs)
    return _reshape_like_shape(tuple(lhs), tuple(rhs), lhs_begin, lhs_end, rhs_begin, rhs_end)


def _flatten_shape(d: tuple) -> tuple:
    if len(d) == 0:
        raise ShapeError("flatten: the input must have at least one dimension")
    return (d[0], int(np.prod(d[1:], dtype=np.int64)))


@register(method=True, higher_order=True, aliases=("Flatten",),
          cases=[Case((2, 3, 4)), Case((3,)), Case((2, 1, 2, 2))])
def flatten(data):
    """Collapse all axes but the first: shape ``(d0, d1*...*dk)``; returns a view.

    A 1-D input of shape ``(d0,)`` becomes ``(d0, 1)``.

    Parameters
    ----------
    data : NDArray

    Returns
    -------
    NDArray
        Shape ``(data.shape[0], prod(data.shape[1:]))``.

    See Also
    --------
    reshape, expand_dims

    Examples
    --------
    >>> from minigluon import nd
    >>> nd.flatten(nd.array([[[1, 2], [3, 4]], [[5, 6], [7, 8]]]))
    <BLANKLINE>
    [[1. 2. 3. 4.]
     [5. 6. 7. 8.]]
    <NDArray 2x4 @cpu(0)>
    >>> nd.flatten(nd.transpose(nd.zeros((2, 55, 20, 20)), axes=(0, 2, 3, 1))).shape
    (2, 22000)
    """
    return np.reshape(data, _flatten_shape(_shape(data)))


flatten.def_backward(lambda g, ins, out: (g.reshape(_shape(ins[0])),))
flatten.def_shape(lambda d: _flatten_shape(tuple(d)))


def _swap_perm(ndim: int, dim1: int, dim2: int) -> tuple[int, ...]:
    a, b = _axis("swapaxes", dim1, ndim), _axis("swapaxes", dim2, ndim)
    perm = list(range(ndim))
    perm[a], perm[b] = perm[b], perm[a]
    return tuple(perm)


@register(method=True, higher_order=True, aliases=("SwapAxis",),
          cases=[Case((2, 3, 4), dim1=0, dim2=2), Case((2, 3), dim1=1, dim2=-2),
                 Case((2, 3, 4), dim1=-1, dim2=1)])
def swapaxes(data, *, dim1=0, dim2=0):
    """Interchange two axes; returns a view.

    Parameters
    ----------
    data : NDArray
    dim1 : int, default 0
        First axis (negative counts from the end).
    dim2 : int, default 0
        Second axis.

    Returns
    -------
    NDArray
        ``data`` with axes ``dim1`` and ``dim2`` swapped.

    See Also
    --------
    transpose, reshape

    Examples
    --------
    >>> from minigluon import nd
    >>> x = nd.array([[1, 2, 3]])
    >>> nd.swapaxes(x, dim1=0, dim2=1)
    <BLANKLINE>
    [[1.]
     [2.]
     [3.]]
    <NDArray 3x1 @cpu(0)>
    >>> nd.zeros((2, 3, 4)).swapaxes(0, 2).shape
    (4, 3, 2)
    """
    return np.transpose(data, _swap_perm(np.ndim(data), dim1, dim2))


swapaxes.def_backward(
    lambda g, ins, out, dim1=0, dim2=0: (g.transpose(_swap_perm(len(_shape(ins[0])), dim1,
                                                                dim2)),))
swapaxes.def_shape(lambda d, dim1=0, dim2=0: tuple(d[i] for i in _swap_perm(len(d), dim1, dim2)))


def _expand_shape(d: tuple, axis: int) -> tuple:
    a = _axis("expand_dims", axis, len(d), extra=1)
    return (*d[:a], 1, *d[a:])


@register(method=True, higher_order=True,
          cases=[Case((2, 3), axis=0), Case((2, 3), axis=2), Case((2, 3), axis=-1),
                 Case((4,), axis=-2)])
def expand_dims(data, *, axis):
    """Insert a new axis of size 1 at position ``axis``; returns a view.

    Parameters
    ----------
    data : NDArray
    axis : int
        Position of the new axis in the output, in ``[-ndim-1, ndim]``.

    Returns
    -------
    NDArray
        One more dimension than ``data``.

    See Also
    --------
    squeeze, reshape

    Examples
    --------
    >>> from minigluon import nd
    >>> x = nd.array([1, 2])
    >>> nd.expand_dims(x, axis=0)
    <BLANKLINE>
    [[1. 2.]]
    <NDArray 1x2 @cpu(0)>
    >>> x.expand_dims(axis=-1).shape
    (2, 1)
    """
    return np.reshape(data, _expand_shape(_shape(data), axis))


expand_dims.def_backward(lambda g, ins, out, axis: (g.reshape(_shape(ins[0])),))
expand_dims.def_shape(lambda d, axis: _expand_shape(tuple(d), axis))


def _squeeze_shape(d: tuple, axis: Any) -> tuple:
    d = tuple(d)
    if axis is None:
        drop = tuple(i for i, n in enumerate(d) if n == 1)
    else:
        drop = _axes("squeeze", axis, len(d))
        bad = [a for a in drop if d[a] != 1]
        if bad:
            raise ShapeError(f"squeeze: cannot squeeze axis {bad[0]} of shape {d}: only axes "
                             "of size 1 can be removed")
    out = tuple(n for i, n in enumerate(d) if i not in drop)
    return out or (1,)  # no 0-d arrays in MXNet 1.x


@register(method=True, higher_order=True,
          cases=[Case((2, 1, 3, 1)), Case((2, 1, 3, 1), axis=1), Case((1, 3, 1), axis=(0, -1)),
                 Case((1, 1))])
def squeeze(data, *, axis=None):
    """Remove axes of size 1 (all of them, or those in ``axis``); returns a view.

    If every axis is removed the result has shape ``(1,)`` (MXNet 1.x has no 0-d arrays).

    Parameters
    ----------
    data : NDArray
    axis : int or tuple of int, optional
        Axes to remove; each must have size 1.

    Returns
    -------
    NDArray

    See Also
    --------
    expand_dims, reshape

    Examples
    --------
    >>> from minigluon import nd
    >>> x = nd.zeros((2, 1, 3, 1))
    >>> nd.squeeze(x).shape, x.squeeze(axis=1).shape
    ((2, 3), (2, 3, 1))
    >>> nd.squeeze(nd.array([[5]])).shape
    (1,)
    """
    return np.reshape(data, _squeeze_shape(_shape(data), axis))


squeeze.def_backward(lambda g, ins, out, axis=None: (g.reshape(_shape(ins[0])),))
squeeze.def_shape(lambda d, axis=None: _squeeze_shape(tuple(d), axis))


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
    rhs : NDArray
    lhs_axes : int or tuple of int, optional
    rhs_axes : int or tuple of int, optional

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
    reps : tuple of int

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
    repeats : int
    axis : int, optional

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


concat.def_shape(lambda *shapes, dim=1, num_args=None: _concat_shape(shapes, dim, num_args))


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
    begin : tuple of int or None
    end : tuple of int or None
    step : tuple of int or None, optional

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
    shape_like : NDArray
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


# -- shape as data -----------------------------------------------------------------------------
@register(method=True, differentiable=False, shape=lambda d: (len(d),))
def shape_array(data):
    """The shape of ``data`` as a 1-D int64 array (no gradient).

    Parameters
    ----------
    data : NDArray

    Returns
    -------
    NDArray
        int64, shape ``(data.ndim,)``.

    See Also
    --------
    size_array, reshape_like

    Examples
    --------
    >>> from minigluon import nd
    >>> nd.shape_array(nd.zeros((2, 3)))
    <BLANKLINE>
    [2 3]
    <NDArray 2 @cpu(0)>
    """
    return np.array(np.shape(data), dtype=np.int64)


@register(method=True, differentiable=False, shape=lambda d: (1,))
def size_array(data):
    """The number of elements of ``data`` as a ``(1,)`` int64 array (no gradient).

    Parameters
    ----------
    data : NDArray

    Returns
    -------
    NDArray
        int64, shape ``(1,)``.

    See Also
    --------
    shape_array

    Examples
    --------
    >>> from minigluon import nd
    >>> nd.size_array(nd.zeros((2, 3)))
    <BLANKLINE>
    [6]
    <NDArray 1 @cpu(0)>
    """
    return np.array([np.size(data)], dtype=np.int64)


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
