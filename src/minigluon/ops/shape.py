"""Shape ops: reshape (with MXNet's special codes), transpose, expand/squeeze, shape as data.

Ops that only re-view memory (reshape, transpose, expand_dims, flatten, squeeze, swapaxes) return
numpy views, so an NDArray produced by them writes through to its source as in MXNet's
``NDArray.reshape``. The helpers here (axis checks) serve the other shape families:
``broadcast``, ``join``, ``slicing`` and ``pad``. ``ShapeError`` lives in :mod:`minigluon.base`
(it is re-exported here for old imports).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..base import ShapeError
from .registry import Case, register

__all__ = ["ShapeError", "infer_reshape", "reshape_method_attrs"]


def infer_reshape(dshape: tuple, shape: tuple, reverse: bool = False) -> tuple:
    """Resolve MXNet's reshape codes against the input shape ``dshape``.

    ``0`` copies a dimension, ``-1`` infers one, ``-2`` copies the rest, ``-3`` merges two,
    ``-4 d1 d2`` splits one (either of d1, d2 may be -1). ``reverse`` matches from the right.
    """
    if not reverse and shape and min(shape) >= -1 and 0 not in shape \
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


def reshape_method_attrs(shape: tuple, kwargs: dict[str, Any]) -> dict[str, Any]:
    """The ``reshape`` op's attributes from ``x.reshape(*shape, **kwargs)`` (NDArray and
    Symbol): ``x.reshape(2, 3)``, ``x.reshape((2, 3))`` and ``x.reshape(shape=(2, 3))`` alike,
    with MXNet's error for any keyword but ``shape`` and ``reverse``."""
    unknown = set(kwargs) - {"shape", "reverse"}
    if unknown:
        raise TypeError(f"Got unknown keywords in reshape: {', '.join(sorted(unknown))}. "
                        "Accepted keyword arguments are 'shape' and 'reverse'.")
    if len(shape) == 1 and isinstance(shape[0], (list, tuple)):
        shape = tuple(shape[0])
    return {"shape": tuple(shape or kwargs.get("shape", ())),
            "reverse": kwargs.get("reverse", False)}


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
        Input array.
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
    x = data if type(data) is np.ndarray else np.asarray(data)
    return x.reshape(infer_reshape(x.shape, shape, reverse))


reshape.def_backward(lambda g, ins, out, shape, reverse: (g.reshape(np.shape(ins[0])),))
reshape.def_saves(lambda **_: ((), ()))  # the input's shape only
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
        Input array.
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


transpose.def_saves(lambda **_: ((), ()))  # the input's shape only
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
        Input array ``(N, ...)``.

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
flatten.def_saves(lambda: ((), ()))  # the input's shape only
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
        Input array.
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
        Input array.
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
        Input array.
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


# -- shape as data -----------------------------------------------------------------------------
@register(method=True, differentiable=False, shape=lambda d: (len(d),), cases=[Case((2, 3, 4))])
def shape_array(data):
    """The shape of ``data`` as a 1-D int64 array (no gradient).

    Parameters
    ----------
    data : NDArray
        Input array (only its shape is read).

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


@register(method=True, differentiable=False, shape=lambda d: (1,), cases=[Case((2, 3, 4))])
def size_array(data):
    """The number of elements of ``data`` as a ``(1,)`` int64 array (no gradient).

    Parameters
    ----------
    data : NDArray
        Input array (only its size is read).

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
