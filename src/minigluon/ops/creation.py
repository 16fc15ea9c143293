"""Creation ops: arrays made from attributes alone (zeros, ones, full, arange, eye, linspace).

These ops take no array input. Every one has a ``ctx`` attribute, which the NDArray front end
checks and removes before the forward runs (minigluon has one device), and a ``dtype``
attribute where ``None`` means float32 as everywhere in MXNet.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..base import MXNetError, as_dtype, integer_types
from .registry import Case, register

__all__ = ["as_shape"]


def as_shape(op: str, shape: Any) -> tuple[int, ...]:
    """``shape`` (an int or a sequence of ints) as a tuple, with errors naming ``op``."""
    if isinstance(shape, integer_types) and not isinstance(shape, bool):
        dims: tuple = (int(shape),)
    elif isinstance(shape, (tuple, list)) and all(
            isinstance(d, integer_types) and not isinstance(d, bool) for d in shape):
        dims = tuple(int(d) for d in shape)
    else:
        raise MXNetError(f"{op}: shape must be an int or a tuple of ints, got {shape!r}")
    if any(d < 0 for d in dims):
        raise MXNetError(f"{op}: shape {dims} has a negative dimension")
    return dims


def _legacy_shape(shape: tuple) -> tuple:
    return shape if shape else (1,)  # MXNet 1.x NDArrays have no 0-d form


@register(differentiable=False, cases=[Case(shape=(2, 3)), Case(shape=4, dtype="int32")])
def zeros(*, shape, ctx=None, dtype=None, stype=None):
    """An array of the given shape filled with zeros (float32 unless ``dtype`` says otherwise).

    Parameters
    ----------
    shape : int or tuple of int
        Shape of the new array.
    ctx : Context, optional
        Device; only the CPU exists in minigluon.
    dtype : str or numpy dtype, default float32
        Element type.
    stype : {None, 'default'}, optional
        Storage type; minigluon arrays are dense.

    Returns
    -------
    NDArray
        Array of shape ``shape``.

    See Also
    --------
    ones, full, minigluon.ndarray.empty, zeros_like

    Examples
    --------
    >>> from minigluon import nd
    >>> nd.zeros((2, 3))
    <BLANKLINE>
    [[0. 0. 0.]
     [0. 0. 0.]]
    <NDArray 2x3 @cpu(0)>
    >>> nd.zeros(2, dtype='int32')
    <BLANKLINE>
    [0 0]
    <NDArray 2 @cpu(0)>
    """
    if stype not in (None, "default"):
        raise MXNetError(f"zeros: storage type {stype!r} is not supported; minigluon arrays "
                         "are dense (stype='default')")
    return np.zeros(as_shape("zeros", shape), dtype=as_dtype(dtype))


@register(differentiable=False, cases=[Case(shape=(2, 3)), Case(shape=(3,), dtype="float64")])
def ones(*, shape, ctx=None, dtype=None):
    """An array of the given shape filled with ones (float32 unless ``dtype`` says otherwise).

    Parameters
    ----------
    shape : int or tuple of int
        Shape of the new array.
    ctx : Context, optional
        Device; only the CPU exists in minigluon.
    dtype : str or numpy dtype, default float32
        Element type.

    Returns
    -------
    NDArray
        Array of shape ``shape``.

    See Also
    --------
    zeros, full, ones_like

    Examples
    --------
    >>> from minigluon import nd
    >>> nd.ones((2, 2))
    <BLANKLINE>
    [[1. 1.]
     [1. 1.]]
    <NDArray 2x2 @cpu(0)>
    >>> nd.ones(3, dtype='float64').dtype
    <class 'numpy.float64'>
    """
    return np.ones(as_shape("ones", shape), dtype=as_dtype(dtype))


@register(differentiable=False, cases=[Case(shape=(2, 3), val=2.5)])
def full(*, shape, val, ctx=None, dtype=None):
    """An array of the given shape filled with ``val``.

    Parameters
    ----------
    shape : int or tuple of int
        Shape of the new array.
    val : scalar
        Fill value (converted to ``dtype``).
    ctx : Context, optional
        Device; only the CPU exists in minigluon.
    dtype : str or numpy dtype, default float32
        Element type.

    Returns
    -------
    NDArray
        Array of shape ``shape`` whose every element is ``val``.

    See Also
    --------
    zeros, ones

    Examples
    --------
    >>> from minigluon import nd
    >>> nd.full((2, 3), 7)
    <BLANKLINE>
    [[7. 7. 7.]
     [7. 7. 7.]]
    <NDArray 2x3 @cpu(0)>
    >>> nd.full(2, 2.5, dtype='float64')
    <BLANKLINE>
    [2.5 2.5]
    <NDArray 2 @cpu(0)>
    """
    return np.full(as_shape("full", shape), val, dtype=as_dtype(dtype))


for _filled in (zeros, ones, full):
    _filled.def_shape(lambda *, shape, **_: _legacy_shape(as_shape("shape inference", shape)))


def _arange_size(start: float, stop: float | None, step: float, repeat: int) -> tuple:
    if stop is None:
        start, stop = 0.0, start
    if step == 0:
        raise MXNetError(f"arange: step must not be 0, got step={step}")
    if not all(math.isfinite(v) for v in (start, stop, step)):
        raise MXNetError(f"arange: start, stop and step must be finite, got start={start}, "
                         f"stop={stop}, step={step}")
    if not isinstance(repeat, integer_types) or repeat < 1:
        raise MXNetError(f"arange: repeat must be a positive int, got {repeat!r}")
    n = max(math.ceil((stop - start) / step), 0)
    return start, n


@register(differentiable=False, cases=[Case(start=5), Case(start=1, stop=4, step=0.5, repeat=2)])
def arange(*, start, stop=None, step=1.0, repeat=1, infer_range=False, ctx=None, dtype=None):
    """Evenly spaced values in ``[start, stop)``, each repeated ``repeat`` times.

    ``out[i] = start + (i // repeat) * step`` for ``ceil((stop - start) / step)`` distinct
    values. With only ``start`` given the range is ``[0, start)``, as in Python's ``range``.

    Parameters
    ----------
    start : number
        Start of the interval (or its end when ``stop`` is None).
    stop : number, optional
        End of the interval (excluded).
    step : number, default 1.0
        Spacing between values; may be negative, never 0.
    repeat : int, default 1
        How many times each value is repeated.
    infer_range : bool, default False
        Accepted for compatibility; minigluon always needs ``stop`` (or ``start`` alone).
    ctx : Context, optional
        Device; only the CPU exists in minigluon.
    dtype : str or numpy dtype, default float32
        Element type.

    Returns
    -------
    NDArray
        1-D array of ``repeat * ceil((stop - start) / step)`` elements.

    See Also
    --------
    linspace, eye

    Examples
    --------
    >>> from minigluon import nd
    >>> nd.arange(3)
    <BLANKLINE>
    [0. 1. 2.]
    <NDArray 3 @cpu(0)>
    >>> nd.arange(0, 10, 2)
    <BLANKLINE>
    [0. 2. 4. 6. 8.]
    <NDArray 5 @cpu(0)>
    >>> nd.arange(2, 6, step=2, repeat=2, dtype='int32')
    <BLANKLINE>
    [2 2 4 4]
    <NDArray 4 @cpu(0)>
    """
    start, n = _arange_size(start, stop, step, repeat)
    values = start + np.arange(n, dtype=np.float64) * step  # exact in float64, then rounded
    if repeat > 1:
        values = np.repeat(values, repeat)
    return values.astype(as_dtype(dtype))


@arange.def_shape
def _(*, start, stop, step, repeat, **_):
    return _legacy_shape((_arange_size(start, stop, step, repeat)[1] * repeat,))


@register(differentiable=False, cases=[Case(N=3), Case(N=2, M=4, k=1)])
def eye(*, N, M=0, k=0, ctx=None, dtype=None):
    """A 2-D array with ones on the ``k``-th diagonal and zeros elsewhere.

    ``out[i, j] = 1`` where ``j - i == k``.

    Parameters
    ----------
    N : int
        Number of rows.
    M : int, default 0
        Number of columns; 0 means ``N``.
    k : int, default 0
        Diagonal: 0 is the main one, positive above it, negative below it.
    ctx : Context, optional
        Device; only the CPU exists in minigluon.
    dtype : str or numpy dtype, default float32
        Element type.

    Returns
    -------
    NDArray
        Array of shape ``(N, M or N)``.

    See Also
    --------
    zeros, ones

    Examples
    --------
    >>> from minigluon import nd
    >>> nd.eye(2)
    <BLANKLINE>
    [[1. 0.]
     [0. 1.]]
    <NDArray 2x2 @cpu(0)>
    >>> nd.eye(2, 3, 1)
    <BLANKLINE>
    [[0. 1. 0.]
     [0. 0. 1.]]
    <NDArray 2x3 @cpu(0)>
    """
    rows, cols = _eye_shape(N, M)
    return np.eye(rows, cols, int(k), dtype=as_dtype(dtype))


def _eye_shape(N: Any, M: Any) -> tuple[int, int]:
    for name, v in (("N", N), ("M", M)):
        if not isinstance(v, integer_types) or isinstance(v, bool) or v < 0:
            raise MXNetError(f"eye: {name} must be a non-negative int, got {v!r}")
    return int(N), int(M) if M else int(N)


eye.def_shape(lambda *, N, M, **_: _legacy_shape(_eye_shape(N, M)))


@register(differentiable=False, cases=[Case(start=0, stop=1, num=5),
                                          Case(start=2, stop=3, num=4, endpoint=False)])
def linspace(*, start, stop, num, endpoint=True, ctx=None, dtype=None):
    """``num`` evenly spaced values from ``start`` to ``stop``.

    ``out[i] = start + i * (stop - start) / (num - 1)`` with the endpoint, ``/ num`` without.

    Parameters
    ----------
    start : number
        First value.
    stop : number
        Last value (included when ``endpoint`` is True).
    num : int
        Number of values.
    endpoint : bool, default True
        Whether ``stop`` is the last value.
    ctx : Context, optional
        Device; only the CPU exists in minigluon.
    dtype : str or numpy dtype, default float32
        Element type.

    Returns
    -------
    NDArray
        1-D array of ``num`` elements.

    See Also
    --------
    arange

    Examples
    --------
    >>> from minigluon import nd
    >>> nd.linspace(0, 1, 5)
    <BLANKLINE>
    [0.   0.25 0.5  0.75 1.  ]
    <NDArray 5 @cpu(0)>
    >>> nd.linspace(0, 1, 4, endpoint=False)
    <BLANKLINE>
    [0.   0.25 0.5  0.75]
    <NDArray 4 @cpu(0)>
    """
    n = _linspace_num(num)
    return np.linspace(start, stop, n, endpoint=bool(endpoint)).astype(as_dtype(dtype))


def _linspace_num(num: Any) -> int:
    if not isinstance(num, integer_types) or isinstance(num, bool) or num < 0:
        raise MXNetError(f"linspace: num must be a non-negative int, got {num!r}")
    return int(num)


linspace.def_shape(lambda *, num, **_: _legacy_shape((_linspace_num(num),)))
