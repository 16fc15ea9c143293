"""Ordering ops along one axis: sort, argsort and topk.

Sorting is stable in both directions: equal values keep their index order (MXNet leaves the
order of ties unspecified). ``sort`` and ``topk`` keep the source indices as a hidden output,
which their backward uses to scatter the gradient of the values back to where they came from;
index outputs carry no gradient.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ..base import ShapeError, as_dtype
from .reduce import known_shape, normalize_axis
from .registry import Case, register

__all__: list[str] = []

# Largest index each allowed index dtype holds exactly (MXNet's list of index dtypes).
_INDEX_LIMIT = {"uint8": 255, "int32": 2**31 - 1, "int64": 2**63 - 1, "float16": 2**11,
                "float32": 2**24, "float64": 2**53}


def _along(op: str, data: Any, axis: Any) -> tuple[np.ndarray, int]:
    """(the array, the axis index); ``axis=None`` means the flattened array, axis 0."""
    x = np.asarray(data)
    if axis is None:
        return x.reshape(-1), 0
    if x.ndim == 0:
        raise ShapeError(f"{op}: cannot order a 0-d array along axis {axis}")
    return x, normalize_axis(op, axis, x.ndim)


def _order(x: np.ndarray, axis: int, is_ascend: bool) -> np.ndarray:
    """Stable argsort along ``axis`` (ties in index order in both directions), int64."""
    if is_ascend:
        return np.argsort(x, axis=axis, kind="stable")
    # Descending and still stable: sort the reversed array ascending, then reverse the result.
    n = x.shape[axis]
    idx = np.argsort(np.flip(x, axis), axis=axis, kind="stable")
    return (n - 1) - np.flip(idx, axis)


def _index_dtype(op: str, dtype: Any, n: int) -> np.dtype:
    dt = as_dtype(dtype)
    limit = _INDEX_LIMIT.get(dt.name)
    if limit is None:
        raise ShapeError(f"{op}: dtype must be one of {sorted(_INDEX_LIMIT)}, got {dtype!r}")
    if n - 1 > limit:
        raise ShapeError(f"{op}: dtype {dt.name!r} cannot represent the indices of an axis "
                         f"with {n} elements; use int64 or float64")
    return dt


def _scatter(g: Any, x: Any, idx: Any, axis: Any) -> np.ndarray:
    """The gradient of ``take_along_axis(x, idx)``: ``g`` put back at the source positions."""
    xshape = np.shape(x)
    g, idx = np.asarray(g), np.asarray(idx).astype(np.intp, copy=False)  # may arrive as floats
    gx = np.zeros((math.prod(xshape),) if axis is None else xshape, dtype=g.dtype)
    ax = 0 if axis is None else normalize_axis("sort", axis, len(xshape))
    np.put_along_axis(gx, idx, g.reshape(idx.shape), axis=ax)  # indices are unique per slice
    return gx.reshape(xshape)


def _sorted_shape(op: str) -> Callable[..., tuple]:
    def shape(d: tuple | None, axis: Any = -1, **_: Any) -> tuple:
        d = known_shape(op, d)
        if axis is not None:
            normalize_axis(op, axis, len(d))
        return (math.prod(d),) if axis is None else d

    return shape


# -- sort, argsort ---------------------------------------------------------------------------
@register(method=True, num_hidden=1, shape=_sorted_shape("sort"),
          cases=[Case((3, 4)), Case((3, 4), axis=0, is_ascend=False), Case((2, 3, 4), axis=1),
                 Case((3, 4), axis=None, is_ascend=False), Case((5,))])
def sort(data, *, axis=-1, is_ascend=True):
    """Sort along ``axis`` (the flattened array if ``axis`` is None).

    The sort is stable: equal values keep their order. The gradient of each output element
    goes back to the input element it came from.

    Parameters
    ----------
    data : NDArray
        Input array.
    axis : int or None, default -1
        Axis to sort along; None sorts the flattened array.
    is_ascend : bool, default True
        Ascending (True) or descending (False) order.

    Returns
    -------
    NDArray
        Same shape as ``data`` (1-D if ``axis`` is None).

    See Also
    --------
    argsort, topk

    Examples
    --------
    >>> from minigluon import nd
    >>> x = nd.array([[1, 4], [3, 1]])
    >>> nd.sort(x)
    <BLANKLINE>
    [[1. 4.]
     [1. 3.]]
    <NDArray 2x2 @cpu(0)>
    >>> x.sort(axis=0, is_ascend=False)
    <BLANKLINE>
    [[3. 4.]
     [1. 1.]]
    <NDArray 2x2 @cpu(0)>
    >>> nd.sort(x, axis=None)
    <BLANKLINE>
    [1. 1. 3. 4.]
    <NDArray 4 @cpu(0)>
    """
    x, ax = _along("sort", data, axis)
    idx = _order(x, ax, is_ascend)
    return np.take_along_axis(x, idx, axis=ax), idx


@sort.def_backward
def _(g, ins, out, axis, is_ascend):
    return (_scatter(g[0], ins[0], out[1], axis),)


@register(method=True, differentiable=False, shape=_sorted_shape("argsort"),
          cases=[Case((3, 4)), Case((3, 4), axis=0, is_ascend=False, dtype="int32")])
def argsort(data, *, axis=-1, is_ascend=True, dtype="float32"):
    """Indices that sort ``data`` along ``axis`` (the flattened array if ``axis`` is None).

    The sort is stable: equal values keep their index order. The indices are float32 by
    default, as in MXNet; the op has no gradient.

    Parameters
    ----------
    data : NDArray
        Input array.
    axis : int or None, default -1
        Axis to sort along; None sorts the flattened array.
    is_ascend : bool, default True
        Ascending (True) or descending (False) order.
    dtype : str, default 'float32'
        dtype of the indices: 'uint8', 'int32', 'int64', 'float16', 'float32' or 'float64'.

    Returns
    -------
    NDArray
        Same shape as ``data`` (1-D if ``axis`` is None).

    See Also
    --------
    sort, topk, argmax

    Examples
    --------
    >>> from minigluon import nd
    >>> x = nd.array([[0.3, 0.2, 0.4], [0.1, 0.3, 0.2]])
    >>> nd.argsort(x)
    <BLANKLINE>
    [[1. 0. 2.]
     [0. 2. 1.]]
    <NDArray 2x3 @cpu(0)>
    >>> nd.argsort(x, axis=0, is_ascend=False, dtype='int32')
    <BLANKLINE>
    [[0 1 0]
     [1 0 1]]
    <NDArray 2x3 @cpu(0)>
    """
    x, ax = _along("argsort", data, axis)
    dt = _index_dtype("argsort", dtype, x.shape[ax])
    return _order(x, ax, is_ascend).astype(dt)


# -- topk ------------------------------------------------------------------------------------
_RET_TYPES = ("value", "indices", "mask", "both")


def _topk_k(shape: tuple, axis: Any, k: int) -> tuple[int, int]:
    """(number of elements along the axis, number to select) with MXNet's checks."""
    n = math.prod(shape) if axis is None else shape[normalize_axis("topk", axis, len(shape))]
    kk = n if k < 1 else int(k)  # k < 1 selects everything (a full sort)
    if kk > n:
        where = "in the flattened input" if axis is None else f"along axis {axis}"
        raise ShapeError(f"topk: k={k} is larger than the {n} elements {where} of the input "
                         f"of shape {tuple(shape)}")
    return n, kk


def _topk_shape(d: tuple | None, axis: Any = -1, k: int = 1, ret_typ: str = "indices",
                **_: Any) -> Any:
    d = known_shape("topk", d)
    if axis is not None and not d:
        raise ShapeError(f"topk: cannot order a 0-d array along axis {axis}")
    _, kk = _topk_k(d, axis, k)
    if ret_typ == "mask":
        shape = d
    elif axis is None:
        shape = (kk,)
    else:
        ax = normalize_axis("topk", axis, len(d))
        shape = (*d[:ax], kk, *d[ax + 1:])
    return [shape, shape] if ret_typ == "both" else shape


@register(method=True, num_outputs=lambda ret_typ="indices", **_: 2 if ret_typ == "both" else 1,
          num_hidden=1, shape=_topk_shape,
          cases=[Case((3, 5), k=2, ret_typ="value"), Case((3, 5), axis=0, k=2, ret_typ="both"),
                 Case((2, 3, 4), axis=1, k=2, ret_typ="value", is_ascend=True),
                 Case((3, 4), axis=None, k=3, ret_typ="value"),
                 Case((3, 4), k=0, ret_typ="both"), Case((3, 4), ret_typ="indices"),
                 Case((3, 4), k=2, ret_typ="mask")])
def topk(data, *, axis=-1, k=1, ret_typ="indices", is_ascend=False, dtype="float32"):
    """The ``k`` largest (or smallest) elements along ``axis``: values, indices, or a mask.

    ``ret_typ`` chooses what is returned: ``'indices'`` (default) the positions of the top
    ``k`` elements, ``'value'`` their values, ``'both'`` the list ``[values, indices]``, and
    ``'mask'`` a 0/1 array of ``data``'s shape marking them. Results are in descending order
    (ascending with ``is_ascend=True``); ties keep their index order. The gradient of the
    values goes back to their source positions; indices and masks carry no gradient.

    Parameters
    ----------
    data : NDArray
        Input array.
    axis : int or None, default -1
        Axis to search; None uses the flattened array.
    k : int, default 1
        Number of elements to select; ``k < 1`` selects all of them (a full sort).
    ret_typ : {'indices', 'value', 'both', 'mask'}, default 'indices'
        What to return.
    is_ascend : bool, default False
        Select the ``k`` smallest elements instead of the largest.
    dtype : str, default 'float32'
        dtype of the indices: 'uint8', 'int32', 'int64', 'float16', 'float32' or 'float64'.

    Returns
    -------
    NDArray or list of NDArray
        ``data``'s shape with ``axis`` of size ``k`` (``(k,)`` if ``axis`` is None); the mask
        has ``data``'s shape; ``'both'`` gives ``[values, indices]``.

    See Also
    --------
    sort, argsort, argmax

    Examples
    --------
    >>> from minigluon import nd
    >>> x = nd.array([[3, 2, 4], [1, 3, 2]])
    >>> nd.topk(x)
    <BLANKLINE>
    [[2.]
     [1.]]
    <NDArray 2x1 @cpu(0)>
    >>> nd.topk(x, k=2, ret_typ='value')
    <BLANKLINE>
    [[4. 3.]
     [3. 2.]]
    <NDArray 2x2 @cpu(0)>
    >>> values, indices = nd.topk(x, axis=None, k=2, ret_typ='both', dtype='int32')
    >>> values.asnumpy(), indices.asnumpy()
    (array([4., 3.], dtype=float32), array([2, 0], dtype=int32))
    >>> x.topk(axis=0, ret_typ='mask', is_ascend=True)
    <BLANKLINE>
    [[0. 1. 0.]
     [1. 0. 1.]]
    <NDArray 2x3 @cpu(0)>
    """
    if ret_typ not in _RET_TYPES:
        raise ShapeError(f"topk: ret_typ must be one of {list(_RET_TYPES)}, got {ret_typ!r}")
    x, ax = _along("topk", data, axis)
    n, kk = _topk_k(np.shape(data), axis, k)
    idx = _order(x, ax, is_ascend)
    if kk < n:
        idx = idx[(slice(None),) * ax + (slice(0, kk),)]
    if ret_typ == "mask":
        mask = np.zeros_like(x)
        np.put_along_axis(mask, idx, 1, axis=ax)
        return mask.reshape(np.shape(data)), idx
    if ret_typ == "indices":
        return idx.astype(_index_dtype("topk", dtype, n)), idx
    values = np.take_along_axis(x, idx, axis=ax)
    if ret_typ == "value":
        return values, idx
    return values, idx.astype(_index_dtype("topk", dtype, n)), idx


@topk.def_backward
def _(g, ins, out, axis, k, ret_typ, is_ascend, dtype):
    (x,) = ins
    if ret_typ in ("indices", "mask"):  # piecewise constant: zero gradient, as in MXNet
        return (np.zeros(np.shape(x), dtype=np.asarray(g[0]).dtype),)
    return (_scatter(g[0], x, out[-1], axis),)
