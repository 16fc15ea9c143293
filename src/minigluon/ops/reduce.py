"""Reductions: sum, mean, max, min, prod, nansum, nanprod, norm, argmax, argmin, argmax_channel.

Shapes follow MXNet's ``ReduceAxesShape``: ``axis=None`` (or ``()``) reduces every axis,
``exclude=True`` reduces every axis *except* ``axis``, and a result with no axis left has shape
``(1,)`` (legacy NDArrays have no 0-d form) unless ``keepdims`` keeps the axes as size 1.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ..base import ShapeError, as_dtype
from .generic import G
from .registry import Case, register

__all__ = ["normalize_axis", "reduce_axes", "reduced_shape", "known_shape"]


# -- axis handling shared by the reductions (and by softmax / sort) ----------------------------
def normalize_axis(op: str, axis: Any, ndim: int) -> int:
    """``axis`` as an index in ``[0, ndim)``; a ShapeError naming ``op`` if it is out of range."""
    if isinstance(axis, bool) or not isinstance(axis, (int, np.integer)):
        raise ShapeError(f"{op}: axis must be an int, got {axis!r}")
    if not -ndim <= axis < ndim:
        raise ShapeError(f"{op}: axis {axis} is out of range for an input with {ndim} "
                         f"dimension{'s' if ndim != 1 else ''}")
    return int(axis) % ndim


def reduce_axes(op: str, ndim: int, axis: Any, exclude: bool = False) -> tuple[int, ...]:
    """The sorted axes to reduce; ``None`` and ``()`` mean all of them, whatever ``exclude``."""
    if axis is None or (isinstance(axis, (tuple, list)) and len(axis) == 0):
        return tuple(range(ndim))
    given = (axis,) if isinstance(axis, (int, np.integer)) else tuple(axis)
    axes = sorted(normalize_axis(op, a, ndim) for a in given)
    if len(set(axes)) != len(axes):
        raise ShapeError(f"{op}: reduction axes {given} have duplicates")
    if exclude:
        return tuple(i for i in range(ndim) if i not in axes)
    return tuple(axes)


def known_shape(op: str, shape: Any) -> tuple[int, ...]:
    """``shape`` as a tuple; a ValueError naming ``op`` if it is unknown (None)."""
    if shape is None:
        raise ValueError(f"{op}: cannot infer the output shape from an unknown input shape")
    return tuple(shape)


def reduced_shape(shape: tuple, axes: tuple[int, ...], keepdims: bool) -> tuple[int, ...]:
    """Output shape of a reduction over ``axes``: ``(1,)`` if nothing is left."""
    if keepdims:
        return tuple(1 if i in axes else d for i, d in enumerate(shape))
    return tuple(d for i, d in enumerate(shape) if i not in axes) or (1,)


def _expand(gk: Any, x: Any) -> Any:
    """``gk`` (keepdims shape) broadcast to ``x``'s shape, as a new array."""
    if isinstance(gk, np.ndarray):
        return np.broadcast_to(gk, np.shape(x)).copy()
    return gk * G.ones_like(x)  # NDArrays (create_graph): broadcast_mul is recorded


# -- sum, mean, max, min, prod, nansum, nanprod ------------------------------------------------
_DOC = """{summary}

    {formula}

    The reduction runs over ``axis`` (all axes if None); with ``exclude=True`` it runs over
    every axis *except* ``axis``: ``mean(loss, axis=0, exclude=True)`` is the per-sample mean
    that Gluon's losses return.

    Parameters
    ----------
    data : NDArray
        Input array.
    axis : int or tuple of int, optional
        Axes to reduce; None (or ``()``) reduces all of them.
    keepdims : bool, default False
        Keep the reduced axes as dimensions of size 1.
    exclude : bool, default False
        Reduce over the axes that are *not* in ``axis``.

    Returns
    -------
    NDArray
        ``data``'s shape without the reduced axes (size 1 with ``keepdims``); shape ``(1,)``
        when every axis is reduced.

    See Also
    --------
    {see}

    Examples
    --------
    >>> from minigluon import nd
    >>> x = nd.array([[1, 2, 3], [4, 5, 6]])
{example}
    """

_CASES = [Case((3, 4), axis=1), Case((3, 4)), Case((2, 3, 4), axis=(0, 2)),
          Case((2, 3, 4), axis=1, exclude=True), Case((2, 3), axis=-1, keepdims=True),
          Case((2, 3, 4), axis=0, keepdims=True, exclude=True), Case((5,), axis=0)]

Kernel = Callable[[np.ndarray, Any, bool], np.ndarray]  # (x, axis or axes, keepdims)
Grad = Callable[[Any, Any, Any, tuple], Any]  # (g, x, out, axes), g/out in keepdims shape


def _reduction(name: str, kernel: Kernel, grad: Grad, summary: str, formula: str, example: str,
               see: str, aliases: tuple = (), cases: list | None = None,
               higher_order: bool = False) -> None:
    def forward(data, *, axis=None, keepdims=False, exclude=False):
        x = data if type(data) is np.ndarray else np.asarray(data)
        if axis is None and not exclude and not keepdims:  # x.sum(): the most common call
            return kernel(x, None, True).reshape(1)
        if type(axis) is int and not exclude and -x.ndim <= axis < x.ndim and (
                keepdims or x.ndim > 1):
            return kernel(x, axis, keepdims)  # the common case, without the shape work
        axes = reduce_axes(name, x.ndim, axis, exclude)
        return kernel(x, axes, True).reshape(reduced_shape(x.shape, axes, keepdims))

    def shape(d: tuple | None, axis: Any = None, keepdims: bool = False,
              exclude: bool = False) -> tuple:
        d = known_shape(name, d)
        return reduced_shape(d, reduce_axes(name, len(d), axis, exclude), keepdims)

    forward.__name__ = name
    forward.__doc__ = _DOC.format(summary=summary, formula=formula, see=see, example=example)
    op = register(forward, method=True, aliases=aliases, shape=shape, cases=cases or _CASES,
                  higher_order=higher_order)

    @op.def_backward
    def _(g, ins, out, axis, keepdims, exclude):
        (x,) = ins
        xshape = tuple(np.shape(x))
        axes = reduce_axes(name, len(xshape), axis, exclude)
        kshape = reduced_shape(xshape, axes, True)
        return (grad(g.reshape(kshape), x, out.reshape(kshape), axes),)


def _count(x: Any, axes: tuple) -> int:
    shape = np.shape(x)
    return math.prod(shape[a] for a in axes)


def _exclusive_prod(x: np.ndarray, axes: tuple) -> np.ndarray:
    """For every element, the product of the *other* elements of its reduction group.

    Computed from prefix and suffix products, so zeros are handled exactly (``out / x`` is not).
    """
    kept = [i for i in range(x.ndim) if i not in axes]
    perm = kept + list(axes)
    k = _count(x, axes)
    if k == 0 or x.size == 0:
        return np.zeros_like(x)
    flat = x.transpose(perm).reshape(-1, k)
    one = np.ones((flat.shape[0], 1), dtype=x.dtype)
    left = np.cumprod(np.concatenate([one, flat[:, :-1]], axis=1), axis=1)
    right = np.cumprod(np.concatenate([one, flat[:, :0:-1]], axis=1), axis=1)[:, ::-1]
    others = (left * right).reshape([x.shape[i] for i in perm])
    return others.transpose(np.argsort(perm))


# Kernels keep integer dtypes (numpy would widen int32 sums to int64; MXNet keeps int32).
def _sum(x: np.ndarray, axis: Any, keepdims: bool) -> np.ndarray:
    if x.dtype.kind == "f":
        return x.sum(axis=axis, keepdims=keepdims)
    return x.sum(axis=axis, keepdims=keepdims, dtype=x.dtype)


def _mean(x: np.ndarray, axis: Any, keepdims: bool) -> np.ndarray:
    return x.mean(axis=axis, keepdims=keepdims).astype(x.dtype, copy=False)


def _prod(x: np.ndarray, axis: Any, keepdims: bool) -> np.ndarray:
    return x.prod(axis=axis, keepdims=keepdims, dtype=x.dtype)


_reduction(
    "sum", _sum,
    lambda g, x, y, axes: _expand(g, x),
    "Sum of array elements over the given axes.",
    "Elements that differ only in their reduced coordinates are added up.",
    """    >>> nd.sum(x, axis=1)
    <BLANKLINE>
    [ 6. 15.]
    <NDArray 2 @cpu(0)>
    >>> x.sum()
    <BLANKLINE>
    [21.]
    <NDArray 1 @cpu(0)>
    >>> nd.sum(nd.ones((2, 3, 4)), axis=0, exclude=True)
    <BLANKLINE>
    [12. 12.]
    <NDArray 2 @cpu(0)>""", "mean, prod, nansum, norm", aliases=("sum_axis",), higher_order=True)
_reduction(
    "mean", _mean, lambda g, x, y, axes: _expand(g * (1.0 / max(_count(x, axes), 1)), x),
    "Arithmetic mean of array elements over the given axes.",
    "The sum divided by ``n``, the number of elements reduced into each output.",
    """    >>> nd.mean(x, axis=0)
    <BLANKLINE>
    [2.5 3.5 4.5]
    <NDArray 3 @cpu(0)>
    >>> x.mean(axis=1, keepdims=True)
    <BLANKLINE>
    [[2.]
     [5.]]
    <NDArray 2x1 @cpu(0)>""", "sum, max, min", higher_order=True)
_reduction(
    "max", lambda x, axis, keepdims: x.max(axis=axis, keepdims=keepdims),
    lambda g, x, y, axes: g * (x == y),
    "Maximum of array elements over the given axes.",
    "The gradient goes to every element equal to the maximum (all of them on ties, as in "
    "MXNet).",
    """    >>> nd.max(x, axis=1)
    <BLANKLINE>
    [3. 6.]
    <NDArray 2 @cpu(0)>
    >>> x.max()
    <BLANKLINE>
    [6.]
    <NDArray 1 @cpu(0)>""", "min, argmax, broadcast_maximum", aliases=("max_axis",),
    higher_order=True)
_reduction(
    "min", lambda x, axis, keepdims: x.min(axis=axis, keepdims=keepdims),
    lambda g, x, y, axes: g * (x == y),
    "Minimum of array elements over the given axes.",
    "The gradient goes to every element equal to the minimum (all of them on ties, as in "
    "MXNet).",
    """    >>> nd.min(x, axis=0)
    <BLANKLINE>
    [1. 2. 3.]
    <NDArray 3 @cpu(0)>
    >>> x.min(axis=(0, 1), keepdims=True)
    <BLANKLINE>
    [[1.]]
    <NDArray 1x1 @cpu(0)>""", "max, argmin, broadcast_minimum", aliases=("min_axis",),
    higher_order=True)
_reduction(
    "prod", _prod,
    lambda g, x, y, axes: g * _exclusive_prod(np.asarray(x), axes),
    "Product of array elements over the given axes.",
    "The gradient of an element is the product of the others in its group (exact with zeros).",
    """    >>> nd.prod(x, axis=1)
    <BLANKLINE>
    [  6. 120.]
    <NDArray 2 @cpu(0)>""", "sum, nanprod",
    cases=[*_CASES, Case(np.array([[1.5, 0.0, 2.0], [0.0, 0.0, 3.0], [1.0, -2.0, 0.5]]),
                         axis=1)])
_reduction(
    "nansum", lambda x, axis, keepdims: np.nansum(x, axis=axis, keepdims=keepdims, dtype=x.dtype),
    lambda g, x, y, axes: g * (x == x),  # x == x is 0 exactly at NaN
    "Sum of array elements over the given axes, treating NaN as zero.",
    "NaN elements contribute nothing and get a zero gradient.",
    """    >>> y = nd.array([[1, float('nan')], [3, 4]])
    >>> nd.nansum(y, axis=1)
    <BLANKLINE>
    [1. 7.]
    <NDArray 2 @cpu(0)>""", "sum, nanprod", higher_order=True,
    cases=[*_CASES, Case(np.array([[1.0, np.nan, 2.0], [0.5, -1.0, np.nan]]), axis=1)])
_reduction(
    "nanprod",
    lambda x, axis, keepdims: np.nanprod(x, axis=axis, keepdims=keepdims, dtype=x.dtype),
    lambda g, x, y, axes: g * _exclusive_prod(np.nan_to_num(np.asarray(x), nan=1.0), axes)
    * (np.asarray(x) == np.asarray(x)),
    "Product of array elements over the given axes, treating NaN as one.",
    "NaN elements are skipped and get a zero gradient.",
    """    >>> y = nd.array([[2, float('nan')], [3, 4]])
    >>> nd.nanprod(y, axis=1)
    <BLANKLINE>
    [ 2. 12.]
    <NDArray 2 @cpu(0)>""", "prod, nansum",
    cases=[*_CASES, Case(np.array([[1.5, np.nan, 2.0], [0.5, -1.0, np.nan]]), axis=1)])


# -- norm --------------------------------------------------------------------------------------
@register(method=True, higher_order=True,
          cases=[Case((3, 4)), Case((3, 4), axis=1), Case((2, 3, 4), ord=1, axis=(0, 2)),
                 Case((2, 3, 4), axis=-1, keepdims=True), Case((2, 3), ord=1)])
def norm(data, *, ord=2, axis=None, out_dtype=None, keepdims=False):
    """L1 or L2 norm of the elements over the given axes (all of them by default).

    ``ord=2`` gives ``sqrt(sum(data ** 2))``, ``ord=1`` gives ``sum(|data|)``; over a 2-tuple
    of axes ``ord=2`` is the Frobenius norm of those matrices, as in MXNet.

    Parameters
    ----------
    data : NDArray
        Input array.
    ord : {1, 2}, default 2
        Order of the norm.
    axis : int or tuple of int, optional
        Axes to reduce; None (or ``()``) reduces all of them.
    out_dtype : str, optional
        dtype of the result (default: ``data``'s dtype).
    keepdims : bool, default False
        Keep the reduced axes as dimensions of size 1.

    Returns
    -------
    NDArray
        ``data``'s shape without the reduced axes; ``(1,)`` when every axis is reduced.

    See Also
    --------
    sum, broadcast_hypot

    Examples
    --------
    >>> from minigluon import nd
    >>> x = nd.array([[3, -4], [6, 8]])
    >>> nd.norm(x, axis=1)
    <BLANKLINE>
    [ 5. 10.]
    <NDArray 2 @cpu(0)>
    >>> x.norm(ord=1)
    <BLANKLINE>
    [21.]
    <NDArray 1 @cpu(0)>
    """
    if ord not in (1, 2):
        raise ShapeError(f"norm: ord must be 1 or 2, got {ord!r}")
    x = np.asarray(data)
    axes = reduce_axes("norm", x.ndim, axis)
    if ord == 1:
        res = np.sum(np.abs(x), axis=axes, keepdims=True, dtype=x.dtype)
    else:
        res = np.sqrt(np.sum(np.square(x), axis=axes, keepdims=True, dtype=x.dtype))
    res = res.reshape(reduced_shape(x.shape, axes, keepdims))
    return res if out_dtype is None else res.astype(as_dtype(out_dtype))


@norm.def_shape
def _(d, ord=2, axis=None, out_dtype=None, keepdims=False):
    d = known_shape("norm", d)
    return reduced_shape(d, reduce_axes("norm", len(d), axis), keepdims)


@norm.def_backward
def _(g, ins, out, ord, axis, out_dtype, keepdims):
    (x,) = ins
    xshape = tuple(np.shape(x))
    kshape = reduced_shape(xshape, reduce_axes("norm", len(xshape), axis), True)
    gk, yk = g.reshape(kshape), out.reshape(kshape)
    # ord 2: where the norm is 0 every element of the group is 0: divide by 1 there, giving 0
    gx = gk * G.sign(x) if ord == 1 else gk * x / (yk + (yk == 0))
    if out_dtype is not None and gx.dtype != np.asarray(x).dtype:
        gx = gx.astype(np.asarray(x).dtype)
    return (gx,)


# -- argmax, argmin, argmax_channel ------------------------------------------------------------
def _arg_reduce(name: str, fn: Callable[..., Any], data: Any, axis: Any,
                keepdims: bool) -> np.ndarray:
    x = np.asarray(data)
    # indices have the input's dtype, as in MXNet (float32 for ordinary arrays)
    dtype = x.dtype if x.dtype.kind in "fiu" else np.dtype(np.float32)
    if axis is not None:
        ax = normalize_axis(name, axis, x.ndim)
    if axis is None or x.ndim <= 1:
        shape = (1,) * x.ndim if keepdims and x.ndim else (1,)
        return np.full(shape, fn(x.reshape(-1)), dtype=dtype)
    return fn(x, axis=ax, keepdims=keepdims).astype(dtype)


def _arg_shape(name: str) -> Callable[..., tuple]:
    def shape(d: tuple | None, axis: Any = None, keepdims: bool = False) -> tuple:
        d = known_shape(name, d)
        if axis is not None:
            ax = normalize_axis(name, axis, len(d))
        if axis is None or len(d) <= 1:
            return (1,) * len(d) if keepdims and d else (1,)
        return reduced_shape(d, (ax,), keepdims)

    return shape


@register(method=True, differentiable=False, shape=_arg_shape("argmax"),
          cases=[Case((3, 4)), Case((3, 4), axis=1), Case((2, 3, 4), axis=0, keepdims=True)])
def argmax(data, *, axis=None, keepdims=False):
    """Indices of the maximum values along an axis (of the flattened array if ``axis`` is None).

    On ties the first occurrence wins. The indices have the input's dtype (float32 for
    ordinary arrays), as in MXNet; the op has no gradient.

    Parameters
    ----------
    data : NDArray
        Input array.
    axis : int, optional
        Axis to search; None searches the flattened array and returns shape ``(1,)``.
    keepdims : bool, default False
        Keep the searched axis as a dimension of size 1.

    Returns
    -------
    NDArray
        ``data``'s shape without ``axis``.

    See Also
    --------
    argmin, max, topk, argmax_channel

    Examples
    --------
    >>> from minigluon import nd
    >>> x = nd.array([[0, 1, 2], [5, 4, 3]])
    >>> nd.argmax(x, axis=1)
    <BLANKLINE>
    [2. 0.]
    <NDArray 2 @cpu(0)>
    >>> x.argmax()
    <BLANKLINE>
    [3.]
    <NDArray 1 @cpu(0)>
    """
    return _arg_reduce("argmax", np.argmax, data, axis, keepdims)


@register(method=True, differentiable=False, shape=_arg_shape("argmin"),
          cases=[Case((3, 4)), Case((3, 4), axis=-1)])
def argmin(data, *, axis=None, keepdims=False):
    """Indices of the minimum values along an axis (of the flattened array if ``axis`` is None).

    On ties the first occurrence wins. The indices have the input's dtype (float32 for
    ordinary arrays), as in MXNet; the op has no gradient.

    Parameters
    ----------
    data : NDArray
        Input array.
    axis : int, optional
        Axis to search; None searches the flattened array and returns shape ``(1,)``.
    keepdims : bool, default False
        Keep the searched axis as a dimension of size 1.

    Returns
    -------
    NDArray
        ``data``'s shape without ``axis``.

    See Also
    --------
    argmax, min, topk

    Examples
    --------
    >>> from minigluon import nd
    >>> x = nd.array([[0, 1, 2], [5, 4, 3]])
    >>> nd.argmin(x, axis=0)
    <BLANKLINE>
    [0. 0. 0.]
    <NDArray 3 @cpu(0)>
    >>> nd.argmin(x, axis=1, keepdims=True)
    <BLANKLINE>
    [[0.]
     [2.]]
    <NDArray 2x1 @cpu(0)>
    """
    return _arg_reduce("argmin", np.argmin, data, axis, keepdims)


@register(method=True, differentiable=False,
          shape=lambda d: _arg_shape("argmax_channel")(
              d, axis=1 if len(known_shape("argmax_channel", d)) > 1 else None),
          cases=[Case((3, 4))])
def argmax_channel(data):
    """Indices of the maximum values along axis 1 (legacy; ``argmax(data, axis=1)``).

    On ties the first occurrence wins; a 1-D input gives the index of its maximum, shape
    ``(1,)``. The indices have the input's dtype; the op has no gradient.

    Parameters
    ----------
    data : NDArray
        Input array.

    Returns
    -------
    NDArray
        ``data``'s shape without axis 1.

    See Also
    --------
    argmax

    Examples
    --------
    >>> from minigluon import nd
    >>> nd.argmax_channel(nd.array([[0, 1, 2], [3, 4, 5]]))
    <BLANKLINE>
    [2. 2.]
    <NDArray 2 @cpu(0)>
    """
    x = np.asarray(data)
    return _arg_reduce("argmax_channel", np.argmax, x, 1 if x.ndim > 1 else None, False)
