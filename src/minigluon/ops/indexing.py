"""Indexing ops: ``x[key]`` and ``x[key] = v`` while recording, take, pick, one_hot, gather_nd."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..base import MXNetError, ShapeError, as_dtype
from .generic import G
from .registry import Case, register
from .shape import _axis

__all__: list[str] = []


@register(namespace="_internal",
          cases=[Case((4, 5), key=(slice(1, 3), 2)), Case((4, 5), key=(np.array([0, 2, 0]),)),
                 Case((3, 4, 2), key=(Ellipsis, 1))])
def _getitem(data, *, key):
    """``data[key]`` as a recorded op (what ``NDArray.__getitem__`` runs under autograd).

    Examples
    --------
    >>> from minigluon import nd
    >>> nd.arange(6).reshape((2, 3))[1, 1:]
    <BLANKLINE>
    [4. 5.]
    <NDArray 2 @cpu(0)>
    """
    return np.asarray(data)[key]


@_getitem.def_backward
def _(g, ins, out, key):
    (x,) = ins
    gx = np.zeros(np.shape(x), dtype=np.asarray(g).dtype)
    # add.at accumulates repeated indices (x[[0, 0]]); g may carry the (1,) legacy scalar shape
    np.add.at(gx, key, np.reshape(np.asarray(g), np.shape(gx[key])))
    return (gx,)


@register(namespace="_internal", cases=[
    Case((4, 5), (2, 5), key=(slice(1, 3),)), Case((4, 5), (4,), key=(slice(None), 1))])
def _setitem(data, value, *, key):
    """``data`` with ``data[key] = value`` applied, as a recorded op (``NDArray.__setitem__``).

    Examples
    --------
    >>> from minigluon import nd
    >>> x = nd.zeros((2, 3))
    >>> x[1] = nd.array([1, 2, 3])
    >>> x
    <BLANKLINE>
    [[0. 0. 0.]
     [1. 2. 3.]]
    <NDArray 2x3 @cpu(0)>
    """
    out = np.array(data, copy=True)
    out[key] = value
    return out


@_setitem.def_backward
def _(g, ins, out, key):
    _, value = ins
    gd = np.array(g, copy=True)
    gd[key] = 0
    gv = np.asarray(g)[key]
    vshape = np.shape(value)
    # value was broadcast into data[key]: sum the gradient back to value's shape
    lead = gv.ndim - len(vshape)
    axes = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(vshape)
                                      if s == 1 and gv.shape[i + lead] != 1)
    gv = gv.sum(axis=axes, keepdims=True).reshape(vshape) if axes else gv.reshape(vshape)
    return (gd, gv)


# -- helpers ----------------------------------------------------------------------------------
_MODES = ("clip", "wrap", "raise")


def _as_index(indices: Any) -> np.ndarray:
    # MXNet indices are usually float arrays; the kernels cast with static_cast (truncation)
    idx = np.asarray(indices)
    return idx if idx.dtype.kind in "iu" else idx.astype(np.int64)


def _fix_index(op: str, idx: np.ndarray, n: int, mode: str) -> np.ndarray:
    """Indices mapped into ``[0, n)`` by ``mode`` ('clip', 'wrap' or 'raise')."""
    if mode == "clip":
        # np.clip's Python wrapper costs ~13 us per call; on integers this is the same
        return np.minimum(np.maximum(idx, 0), n - 1)
    if mode == "wrap":
        return np.mod(idx, n)
    if mode == "raise":
        bad = (idx < -n) | (idx >= n)
        if bad.any():
            raise MXNetError(f"{op}: index {int(idx[bad].flat[0])} is out of bounds for an axis "
                             f"of size {n} (mode='raise'; use mode='clip' or 'wrap' to map it)")
        return np.mod(idx, n)
    raise MXNetError(f"{op}: mode must be one of {_MODES}, got {mode!r}")


# -- take --------------------------------------------------------------------------------------
def _take_shape(a: tuple, i: tuple, axis: int) -> tuple:
    if a is None or i is None:
        raise ValueError("take: cannot infer the output shape from unknown input shapes")
    ax = _axis("take", axis, len(a))
    return tuple(a[:ax]) + tuple(i) + tuple(a[ax + 1:])


@register(method=True, higher_order=True, nondiff_inputs=(1,), shape=lambda a, i, axis=0,
          mode="clip": _take_shape(a, i, axis),
          cases=[Case((5, 3), lambda r: np.array([[0, 4], [2, 2]])),
                 Case((3, 4), lambda r: np.array([-1, 5, 1]), axis=1, mode="clip"),
                 Case((3, 4, 2), lambda r: np.array([-1, 6, 3, 3]), axis=-2, mode="wrap"),
                 Case((4, 2), lambda r: np.array([[-1], [3]]), mode="raise")])
def take(a, indices, *, axis=0, mode="clip"):
    """Take slices of ``a`` along ``axis`` at ``indices``.

    ``out[i0, .., j, .., k] = a[i0, .., indices[j], .., k]``. Out-of-range indices are clipped
    to the valid range (``mode='clip'``), wrapped around (``'wrap'``), or raise (``'raise'``,
    which accepts negative indices as numpy does). Float indices are truncated. The gradient
    of ``a`` adds up the output gradients of every place an element was taken; ``indices``
    gets none.

    Parameters
    ----------
    a : NDArray
        Array to take from.
    indices : NDArray
        Indices of any shape.
    axis : int, default 0
        Axis of ``a`` that ``indices`` index.
    mode : {'clip', 'wrap', 'raise'}, default 'clip'
        Out-of-range indices: ``'clip'`` to the nearest end, ``'wrap'`` around modulo the axis size,
        ``'raise'`` an error.

    Returns
    -------
    NDArray
        Shape ``a.shape[:axis] + indices.shape + a.shape[axis+1:]``.

    See Also
    --------
    pick, gather_nd, Embedding

    Examples
    --------
    >>> from minigluon import nd
    >>> a = nd.array([[1, 2], [3, 4], [5, 6]])
    >>> nd.take(a, nd.array([2, 0]))
    <BLANKLINE>
    [[5. 6.]
     [1. 2.]]
    <NDArray 2x2 @cpu(0)>
    >>> a.take(nd.array([-1, 7]), mode='wrap')
    <BLANKLINE>
    [[5. 6.]
     [3. 4.]]
    <NDArray 2x2 @cpu(0)>
    """
    a = np.asarray(a)
    ax = _axis("take", axis, a.ndim)
    return np.take(a, _fix_index("take", _as_index(indices), a.shape[ax], mode), axis=ax)


take.def_backward(lambda g, ins, out, axis=0, mode="clip": (
    G._backward_take(g, ins[1], shape=tuple(np.shape(ins[0])), axis=axis, mode=mode), None))


@register(namespace="_internal", higher_order=True, nondiff_inputs=(1,),
          shape=lambda g, i, shape, axis=0, mode="clip": tuple(shape),
          cases=[Case((2, 2), lambda r: np.array([1, 1]), shape=(3, 2)),
                 Case((3, 2, 2), lambda r: np.array([[0, 0], [-1, 2]]), shape=(3, 4), axis=1,
                      mode="wrap")])
def _backward_take(data, indices, *, shape, axis=0, mode="clip"):
    """Scatter-add ``data`` into zeros of ``shape`` at ``indices``: the gradient of ``take``.

    Examples
    --------
    >>> from minigluon import nd
    >>> nd._internal._backward_take(nd.array([1, 2, 3]), nd.array([0, 2, 0]), shape=(3,))
    <BLANKLINE>
    [4. 0. 2.]
    <NDArray 3 @cpu(0)>
    """
    data = np.asarray(data)
    shape = tuple(int(s) for s in shape)
    ax = _axis("take", axis, len(shape))
    idx = _fix_index("take", _as_index(indices), shape[ax], mode).reshape(-1)
    out = np.zeros(shape, dtype=data.dtype)
    # the axis run of data holds indices.shape: flatten it, then add along the moved axis
    g = data.reshape((*shape[:ax], idx.size, *shape[ax + 1:]))
    np.add.at(np.moveaxis(out, ax, 0), idx, np.moveaxis(g, ax, 0))
    return out


_backward_take.def_backward(lambda g, ins, out, shape, axis=0, mode="clip": (
    G.take(g, ins[1], axis=axis, mode=mode), None))


# -- pick --------------------------------------------------------------------------------------
def _pick_index(data_shape: tuple, index_shape: tuple, axis: int) -> tuple[int, tuple]:
    """(normalised axis, index shape with a 1 at ``axis``); checks the index shape."""
    ax = _axis("pick", axis, len(data_shape))
    kept = (*data_shape[:ax], 1, *data_shape[ax + 1:])
    dropped = (*data_shape[:ax], *data_shape[ax + 1:])
    if tuple(index_shape) not in (kept, dropped or (1,)):
        raise ShapeError(f"pick: index of shape {tuple(index_shape)} does not fit data of "
                         f"shape {tuple(data_shape)} with axis={axis}; expected "
                         f"{dropped or (1,)} or {kept}")
    return ax, kept


def _pick_shape(d: tuple, i: tuple, axis: int, keepdims: bool) -> tuple:
    if d is None or i is None:
        raise ValueError("pick: cannot infer the output shape from unknown input shapes")
    _, kept = _pick_index(tuple(d), tuple(i), axis)
    if keepdims:
        return kept
    ax = _axis("pick", axis, len(d))
    return (kept[:ax] + kept[ax + 1:]) or (1,)


def _pick_positions(data: Any, index: Any, axis: int, mode: str) -> tuple[int, np.ndarray]:
    shape = tuple(np.shape(data))
    ax, kept = _pick_index(shape, np.shape(index), axis)
    return ax, _fix_index("pick", _as_index(index), shape[ax], mode).reshape(kept)


@register(method=True, higher_order=True, nondiff_inputs=(1,),
          shape=lambda d, i, axis=-1, keepdims=False, mode="clip": _pick_shape(d, i, axis,
                                                                                keepdims),
          cases=[Case((3, 4), lambda r: np.array([0, 3, -1])),
                 Case((3, 4), lambda r: np.array([[1], [5], [2]]), keepdims=True),
                 Case((2, 3, 4), lambda r: np.array([[0, 2, 2, 1], [-4, 5, 1, 0]]), axis=1,
                      mode="wrap"),
                 Case((5,), lambda r: np.array([2]), axis=0)])
def pick(data, index, *, axis=-1, keepdims=False, mode="clip"):
    """Pick one element along ``axis`` for each position of the other axes.

    ``out[i, j] = data[i, index[i, j], j]`` for ``axis=1`` of a 3-D input. ``index`` has the
    shape of ``data`` without ``axis`` (or with size 1 there). With the default
    ``mode='clip'`` an out-of-range index is clipped, so ``-1`` picks element 0 (not the last
    one); ``mode='wrap'`` wraps around so that ``-1`` picks the last element. The gradient
    flows to the picked elements only; ``index`` gets none.

    Parameters
    ----------
    data : NDArray
        Array to pick from.
    index : NDArray
        Integer-valued (float arrays are truncated).
    axis : int, default -1
        Axis along which one element is picked for each position of the other axes.
    keepdims : bool, default False
        Keep ``axis`` with size 1.
    mode : {'clip', 'wrap'}, default 'clip'
        Out-of-range indices: ``'clip'`` to the nearest end or ``'wrap'`` around modulo the axis
        size.

    Returns
    -------
    NDArray
        ``data.shape`` without ``axis`` (or with 1 there if ``keepdims``).

    See Also
    --------
    take, one_hot, gather_nd

    Examples
    --------
    >>> from minigluon import nd
    >>> x = nd.array([[1, 2], [3, 4], [5, 6]])
    >>> nd.pick(x, nd.array([0, 1, -1]))
    <BLANKLINE>
    [1. 4. 5.]
    <NDArray 3 @cpu(0)>
    >>> x.pick(nd.array([0, 1, -1]), mode='wrap', keepdims=True)
    <BLANKLINE>
    [[1.]
     [4.]
     [6.]]
    <NDArray 3x1 @cpu(0)>
    """
    ax, pos = _pick_positions(data, index, axis, mode)
    data = np.asarray(data)
    if data.ndim == 2 and ax == 1:  # rows of class scores: one fancy index, no index grids
        out = data[np.arange(len(data))[:, None], pos]
    else:
        out = np.take_along_axis(data, pos, axis=ax)
    if keepdims:
        return out
    return out.reshape(out.shape[:ax] + out.shape[ax + 1:] or (1,))


@pick.def_backward
def _(g, ins, out, axis=-1, keepdims=False, mode="clip"):
    data, index = ins
    ax, pos = _pick_positions(data, index, axis, mode)
    shape = tuple(np.shape(data))
    # 0/1 mask of the picked elements; g broadcasts over axis. Operators only: higher order.
    n = shape[ax]
    mask = (np.arange(n).reshape((n,) + (1,) * (len(shape) - ax - 1)) == pos)
    return (g.reshape(pos.shape) * mask.astype(np.asarray(g).dtype), None)


# -- one_hot -----------------------------------------------------------------------------------
@register(method=True, differentiable=False,
          shape=lambda i, depth, on_value=1.0, off_value=0.0, dtype="float32":
          (*i, int(depth)),
          cases=[Case(np.array([0.0, 2, 1]), depth=3),
                 Case(np.array([[1.0, 0], [3, 2]]), depth=4, on_value=5.0, off_value=-1.0)])
def one_hot(indices, *, depth, on_value=1.0, off_value=0.0, dtype="float32"):
    """One-hot encoding: ``out[..., k] = on_value if indices[...] == k else off_value``.

    Indices outside ``[0, depth)`` (including negative ones) give a row of ``off_value``.
    Float indices are truncated. No gradient.

    Parameters
    ----------
    indices : NDArray
        Class indices of any shape (float arrays are truncated); out-of-range ones give an
        all-``off_value`` row.
    depth : int
        Length of the one-hot axis.
    on_value : float, default 1.0
        Value written at the index position.
    off_value : float, default 0.0
        Value written everywhere else.
    dtype : str, default 'float32'
        Data type of the output.

    Returns
    -------
    NDArray
        Shape ``indices.shape + (depth,)``.

    See Also
    --------
    pick, take

    Examples
    --------
    >>> from minigluon import nd
    >>> nd.one_hot(nd.array([1, 0, 5]), 3)
    <BLANKLINE>
    [[0. 1. 0.]
     [1. 0. 0.]
     [0. 0. 0.]]
    <NDArray 3x3 @cpu(0)>
    >>> nd.one_hot(nd.array([2]), depth=3, on_value=5, off_value=-1, dtype='int32')
    <BLANKLINE>
    [[-1 -1  5]]
    <NDArray 1x3 @cpu(0)>
    """
    idx = _as_index(indices)
    depth = int(depth)
    out = np.full((*idx.shape, depth), off_value, dtype=as_dtype(dtype))
    flat = idx.reshape(-1)
    rows = np.nonzero((flat >= 0) & (flat < depth))[0]
    if rows.size:
        out.reshape(flat.size, depth)[rows, flat[rows]] = on_value
    return out


# -- gather_nd / scatter_nd ------------------------------------------------------------------
def _nd_key(op: str, shape: tuple, indices: Any) -> tuple:
    """``indices`` (M, ...) as a tuple of M index arrays into ``shape``, bounds-checked."""
    idx = _as_index(indices)
    if idx.ndim == 0 or not 1 <= idx.shape[0] <= len(shape):
        raise ShapeError(f"{op}: indices of shape {idx.shape} must have a first dimension M "
                         f"with 1 <= M <= {len(shape)} (the number of indexed axes of "
                         f"{tuple(shape)})")
    for j in range(idx.shape[0]):
        n = shape[j]
        bad = (idx[j] < -n) | (idx[j] >= n)
        if bad.any():
            raise MXNetError(f"{op}: index {int(idx[j][bad].flat[0])} in row {j} of indices is "
                             f"out of bounds for axis {j} of size {n}")
    return tuple(idx)


def _gather_nd_shape(d: tuple, i: tuple) -> tuple:
    if d is None or i is None:
        raise ValueError("gather_nd: cannot infer the output shape from unknown input shapes")
    if len(i) == 0 or not 1 <= i[0] <= len(d):
        raise ShapeError(f"gather_nd: indices of shape {tuple(i)} must have a first dimension "
                         f"M with 1 <= M <= {len(d)}")
    return (tuple(i[1:]) + tuple(d[i[0]:])) or (1,)


@register(higher_order=True, nondiff_inputs=(1,), shape=_gather_nd_shape,
          cases=[Case((3, 4), lambda r: np.array([[0, 2, 0], [1, 3, 1]])),
                 Case((3, 4, 2), lambda r: np.array([[2, -1]])),
                 Case((2, 3), lambda r: np.array([[[1, 0], [0, 1]], [[2, 2], [0, -3]]]))])
def gather_nd(data, indices):
    """Gather elements or slices of ``data`` at the index tuples in ``indices``.

    ``indices`` has shape ``(M, Y0, ..., Yk)``: column ``indices[:, y]`` indexes the first
    ``M`` axes, so ``out[y] = data[indices[0, y], ..., indices[M-1, y]]``. Negative indices
    count from the end. Repeated index tuples add up in the gradient; ``indices`` gets none.

    Parameters
    ----------
    data : NDArray
        Array to gather from.
    indices : NDArray
        Integer-valued, shape ``(M, Y0, ..., Yk)``, ``M <= data.ndim``.

    Returns
    -------
    NDArray
        Shape ``(Y0, ..., Yk) + data.shape[M:]``.

    See Also
    --------
    scatter_nd, take, pick

    Examples
    --------
    >>> from minigluon import nd
    >>> x = nd.array([[1, 2], [3, 4]])
    >>> nd.gather_nd(x, nd.array([[1, 1, 0], [1, 0, 1]]))
    <BLANKLINE>
    [4. 3. 2.]
    <NDArray 3 @cpu(0)>
    >>> nd.gather_nd(x, nd.array([[1]]))
    <BLANKLINE>
    [[3. 4.]]
    <NDArray 1x2 @cpu(0)>
    """
    data = np.asarray(data)
    return data[_nd_key("gather_nd", data.shape, indices)]


gather_nd.def_backward(lambda g, ins, out: (
    G._backward_gather_nd(g, ins[1], shape=tuple(np.shape(ins[0]))), None))


@register(namespace="_internal", higher_order=True, nondiff_inputs=(1,),
          shape=lambda d, i, shape: tuple(shape),
          cases=[Case((3,), lambda r: np.array([[0, 2, 0], [1, 1, 1]]), shape=(3, 2)),
                 Case((1, 2), lambda r: np.array([[1]]), shape=(2, 2))])
def _backward_gather_nd(data, indices, *, shape):
    """Scatter-add ``data`` into zeros of ``shape`` at ``indices``: the gradient of gather_nd.

    Examples
    --------
    >>> from minigluon import nd
    >>> nd._internal._backward_gather_nd(nd.array([1, 2, 3]), nd.array([[0, 1, 0]]), shape=(2,))
    <BLANKLINE>
    [4. 2.]
    <NDArray 2 @cpu(0)>
    """
    data = np.asarray(data)
    out = np.zeros(tuple(int(s) for s in shape), dtype=data.dtype)
    key = _nd_key("_backward_gather_nd", out.shape, indices)
    np.add.at(out, key, data.reshape(np.shape(out[key])))
    return out


_backward_gather_nd.def_backward(lambda g, ins, out, shape: (G.gather_nd(g, ins[1]), None))


def _scatter_nd_shape(d: tuple, i: tuple, shape: Any) -> tuple:
    shape = tuple(int(s) for s in shape)
    if d is not None and i is not None:
        expect = _gather_nd_shape(shape, i)
        if tuple(d) != expect and not (len(d) == 1 and d[0] == 1 and expect == (1,)):
            raise ShapeError(f"scatter_nd: data of shape {tuple(d)} does not fit indices of "
                             f"shape {tuple(i)} and shape={shape}; expected data of shape "
                             f"{expect}")
    return shape


@register(higher_order=True, nondiff_inputs=(1,), shape=_scatter_nd_shape,
          cases=[Case((3,), lambda r: np.array([[0, 2, 1], [1, 0, 3]]), shape=(3, 4)),
                 Case((2, 2), lambda r: np.array([[1, 0]]), shape=(3, 2))])
def scatter_nd(data, indices, *, shape):
    """Write ``data`` into zeros of ``shape`` at the index tuples in ``indices``.

    The inverse layout of :func:`gather_nd`: ``out[indices[0, y], ..., indices[M-1, y]] =
    data[y]``. If an index tuple repeats, one of the values is kept (which one is
    unspecified, as in MXNet). The gradient of ``data`` is ``gather_nd(grad, indices)``.

    Parameters
    ----------
    data : NDArray
        Shape ``(Y0, ..., Yk) + shape[M:]``.
    indices : NDArray
        Integer-valued, shape ``(M, Y0, ..., Yk)``.
    shape : tuple of int
        Output shape.

    Returns
    -------
    NDArray
        Shape ``shape``, zero where nothing was written.

    See Also
    --------
    gather_nd

    Examples
    --------
    >>> from minigluon import nd
    >>> nd.scatter_nd(nd.array([2, 3]), nd.array([[1, 0], [1, 0]]), shape=(2, 2))
    <BLANKLINE>
    [[3. 0.]
     [0. 2.]]
    <NDArray 2x2 @cpu(0)>
    """
    data = np.asarray(data)
    out = np.zeros(_scatter_nd_shape(data.shape, np.shape(indices), shape), dtype=data.dtype)
    key = _nd_key("scatter_nd", out.shape, indices)
    out[key] = data.reshape(np.shape(out[key]))
    return out


scatter_nd.def_backward(lambda g, ins, out, shape: (G.gather_nd(g, ins[1]), None))


# -- batch_take --------------------------------------------------------------------------------
def _batch_take_shape(a: tuple, i: tuple) -> tuple:
    if a is None or i is None:
        raise ValueError("batch_take: cannot infer the output shape from unknown input shapes")
    if len(a) < 1 or int(np.prod(a[:-1], dtype=np.int64)) != int(np.prod(i, dtype=np.int64)):
        raise ShapeError(f"batch_take: indices of shape {tuple(i)} must have one entry per row "
                         f"of a {tuple(a)} (size {int(np.prod(a[:-1], dtype=np.int64))})")
    return tuple(i)


@register(higher_order=True, nondiff_inputs=(1,), shape=_batch_take_shape,
          cases=[Case((3, 4), lambda r: np.array([0, 3, 7])),
                 Case((2, 2, 3), lambda r: np.array([[2, -1], [1, 1]]))])
def batch_take(a, indices):
    """Take one element from each row: ``out[i] = a[i, indices[i]]`` (indices clipped).

    ``a`` is read as rows along its last axis; ``indices`` has one entry per row (any shape
    of that size) and out-of-range entries are clipped to ``[0, a.shape[-1] - 1]``.

    Parameters
    ----------
    a : NDArray
        Shape ``(..., M)``.
    indices : NDArray
        ``prod(a.shape[:-1])`` integer-valued entries.

    Returns
    -------
    NDArray
        Shape ``indices.shape``.

    See Also
    --------
    pick, take

    Examples
    --------
    >>> from minigluon import nd
    >>> x = nd.array([[1, 2], [3, 4], [5, 6]])
    >>> nd.batch_take(x, nd.array([0, 1, 5]))
    <BLANKLINE>
    [1. 4. 6.]
    <NDArray 3 @cpu(0)>
    """
    a = np.asarray(a)
    out_shape = _batch_take_shape(a.shape, np.shape(indices))
    m = a.shape[-1]
    rows = a.reshape(-1, m)
    idx = np.clip(_as_index(indices).reshape(-1), 0, m - 1)
    return rows[np.arange(rows.shape[0]), idx].reshape(out_shape)


@batch_take.def_backward
def _(g, ins, out):
    a, indices = ins
    shape = tuple(np.shape(a))
    m = shape[-1]
    idx = np.clip(_as_index(indices).reshape((*shape[:-1], 1)), 0, m - 1)
    mask = np.arange(m) == idx  # each row gets its output gradient at the taken element
    return (g.reshape((*shape[:-1], 1)) * mask.astype(np.asarray(g).dtype), None)
