"""Tolerant comparisons of arrays, with default tolerances by dtype."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from ..context import Context, current_context
from ..ndarray import NDArray

__all__ = ["default_context", "default_dtype", "default_rtols", "default_atols", "same",
           "almost_equal", "assert_almost_equal", "assert_almost_equal_ignore_nan",
           "assert_allclose", "same_array", "np_reduce"]


def default_context() -> Context:
    """The context tests run on: the current context, ``cpu(0)`` unless changed by ``with``.

    See Also
    --------
    default_dtype
    minigluon.context.current_context

    Examples
    --------
    >>> from minigluon.test_utils import default_context
    >>> default_context()
    cpu(0)
    """
    return current_context()


def default_dtype() -> type:
    """The dtype tests use by default: float32.

    See Also
    --------
    default_context, default_rtols

    Examples
    --------
    >>> from minigluon.test_utils import default_dtype
    >>> default_dtype()
    <class 'numpy.float32'>
    """
    return np.float32


def default_rtols() -> dict[np.dtype, float]:
    """Default relative tolerance of comparisons, by dtype (0 for integers and bool).

    See Also
    --------
    default_atols, assert_almost_equal

    Examples
    --------
    >>> import numpy as np
    >>> from minigluon.test_utils import default_rtols
    >>> default_rtols()[np.dtype('float32')], default_rtols()[np.dtype('float16')]
    (0.0001, 0.01)
    """
    return {np.dtype(np.float16): 1e-2, np.dtype(np.float32): 1e-4, np.dtype(np.float64): 1e-5}


def default_atols() -> dict[np.dtype, float]:
    """Default absolute tolerance of comparisons, by dtype (0 for integers and bool).

    See Also
    --------
    default_rtols, assert_almost_equal

    Examples
    --------
    >>> import numpy as np
    >>> from minigluon.test_utils import default_atols
    >>> default_atols()[np.dtype('float32')], default_atols()[np.dtype('float64')]
    (0.001, 1e-20)
    """
    return {np.dtype(np.float16): 1e-1, np.dtype(np.float32): 1e-3, np.dtype(np.float64): 1e-20}


# -- comparisons --------------------------------------------------------------------------------
def _numpy(x: Any) -> np.ndarray:
    if isinstance(x, NDArray):
        return x.asnumpy()
    return np.asarray(x)


def _tolerance(x: np.ndarray, tol: Any, defaults: dict[np.dtype, float]) -> float:
    if isinstance(tol, numbers.Number):
        return float(tol)
    dt = x.dtype
    if isinstance(tol, dict) and dt in tol:
        return float(tol[dt])
    if dt.kind in "biu":
        return 0.0
    return defaults.get(dt, defaults[np.dtype(np.float64)])


def _tols(a: np.ndarray, b: np.ndarray, rtol: Any, atol: Any) -> tuple[float, float]:
    # The less precise of the two dtypes decides, as in mxnet.test_utils.get_tols.
    return (max(_tolerance(a, rtol, default_rtols()), _tolerance(b, rtol, default_rtols())),
            max(_tolerance(a, atol, default_atols()), _tolerance(b, atol, default_atols())))


def same(a: Any, b: Any) -> bool:
    """Whether ``a`` and ``b`` have the same shape and exactly equal elements.

    Parameters
    ----------
    a, b : NDArray, numpy.ndarray or array_like
        Arrays to compare.

    Returns
    -------
    bool

    See Also
    --------
    almost_equal

    Examples
    --------
    >>> from minigluon import nd
    >>> from minigluon.test_utils import same
    >>> same(nd.array([1, 2]), [1, 2]), same(nd.array([1, 2]), [1, 2.5])
    (True, False)
    """
    return bool(np.array_equal(_numpy(a), _numpy(b)))


def almost_equal(a: Any, b: Any, rtol: Any = None, atol: Any = None, equal_nan: bool = False,
                 use_broadcast: bool = True) -> bool:
    """Whether ``|a - b| <= atol + rtol * |b|`` holds everywhere.

    Default tolerances come from the dtypes (see :func:`assert_almost_equal`).

    Parameters
    ----------
    a, b : NDArray, numpy.ndarray or array_like
        Arrays to compare (broadcast against each other).
    rtol, atol : float or dict of dtype to float, optional
        Relative and absolute tolerances.
    equal_nan : bool, default False
        Whether NaNs in the same place compare equal.
    use_broadcast : bool, default True
        If False, the shapes must be equal.

    Returns
    -------
    bool

    See Also
    --------
    assert_almost_equal, same

    Examples
    --------
    >>> from minigluon import nd
    >>> from minigluon.test_utils import almost_equal
    >>> almost_equal(nd.array([1, 2]), [1.00001, 2])
    True
    >>> almost_equal(nd.array([1, 2]), [1.1, 2])
    False
    """
    a, b = _numpy(a), _numpy(b)
    if not use_broadcast and a.shape != b.shape:
        return False
    rtol, atol = _tols(a, b, rtol, atol)
    try:
        return bool(np.allclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan))
    except ValueError:  # shapes that do not broadcast
        return False


def assert_almost_equal(a: Any, b: Any, rtol: Any = None, atol: Any = None,
                        names: tuple[str, str] = ("a", "b"), equal_nan: bool = False,
                        use_broadcast: bool = True, mismatches: tuple[int, int] = (10, 10)
                        ) -> None:
    """Raise ``AssertionError`` unless ``|a - b| <= atol + rtol * |b|`` holds everywhere.

    Without explicit tolerances they follow the dtypes, the less precise one deciding:
    float16 ``rtol=1e-2, atol=1e-1``; float32 ``rtol=1e-4, atol=1e-3``; float64
    ``rtol=1e-5, atol=1e-20``; integers and bool must match exactly. The message names the
    largest violation, its location and the share of mismatching elements.

    Parameters
    ----------
    a, b : NDArray, numpy.ndarray or array_like
        Arrays to compare (broadcast against each other unless ``use_broadcast=False``).
    rtol, atol : float or dict of dtype to float, optional
        Relative and absolute tolerances.
    names : tuple of two str, default ('a', 'b')
        Names of ``a`` and ``b`` in the message.
    equal_nan : bool, default False
        Whether NaNs in the same place compare equal.
    use_broadcast : bool, default True
        If False, the shapes must be equal.
    mismatches : tuple of two int, default (10, 10)
        How many mismatching elements the message lists (the second entry is accepted for
        compatibility).

    Returns
    -------
    None

    See Also
    --------
    almost_equal, same

    Examples
    --------
    >>> from minigluon import nd
    >>> from minigluon.test_utils import assert_almost_equal
    >>> assert_almost_equal(nd.array([1, 2]), [1.00001, 2])
    >>> assert_almost_equal(nd.array([1, 2]), [1, 3], names=('got', 'want'))
    Traceback (most recent call last):
    ...
    AssertionError: Error 769.231 exceeds tolerance rtol=1.000000e-04, atol=1.000000e-03 ...
    Location of maximum error: (1,), got=2.0, want=3
    ...
    """
    x, y = _numpy(a), _numpy(b)
    if not use_broadcast and x.shape != y.shape:
        raise AssertionError(f"{names[0]}.shape = {x.shape} and {names[1]}.shape = {y.shape} "
                             "are not equal")
    try:
        shape = np.broadcast_shapes(x.shape, y.shape)
    except ValueError:
        raise AssertionError(f"{names[0]}.shape = {x.shape} and {names[1]}.shape = {y.shape} "
                             "do not broadcast") from None
    if x.dtype.kind == "b" and y.dtype.kind == "b":
        rtol, atol = 0.0, 0.0
    else:
        rtol, atol = _tols(x, y, rtol, atol)
    close = np.isclose(x, y, rtol=rtol, atol=atol, equal_nan=equal_nan)
    if close.all():
        return
    x, y = np.broadcast_to(x, shape), np.broadcast_to(y, shape)
    close = np.broadcast_to(close, shape)
    xf, yf = x.astype(np.float64), y.astype(np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        diff = np.where(xf == yf, 0.0, np.abs(xf - yf))
        violation = np.where(close, 0.0, diff / (atol + rtol * np.abs(yf) + 1e-20))
    violation = np.where(np.isnan(violation), np.inf, violation)  # NaN mismatches count most
    worst = np.unravel_index(int(np.argmax(violation)), shape) if shape else ()
    bad = np.argwhere(~close)
    lines = [f"Error {violation[worst]:g} exceeds tolerance rtol={rtol:e}, atol={atol:e} "
             f"(mismatch {100.0 * len(bad) / max(close.size, 1):g}% of {close.size} elements).",
             f"Location of maximum error: {tuple(int(i) for i in worst)}, "
             f"{names[0]}={x[worst].item()!r}, {names[1]}={y[worst].item()!r}"]
    for idx in bad[: mismatches[0]]:
        loc = tuple(int(i) for i in idx)
        lines.append(f"  at {loc}: {names[0]}={x[loc].item()!r}, {names[1]}={y[loc].item()!r}")
    if len(bad) > mismatches[0]:
        lines.append(f"  ... and {len(bad) - mismatches[0]} more")
    raise AssertionError("\n".join(lines))




def assert_almost_equal_ignore_nan(a: Any, b: Any, rtol: Any = None, atol: Any = None,
                                   names: tuple[str, str] = ("a", "b")) -> None:
    """:func:`assert_almost_equal` over the elements where neither array is NaN.

    Parameters
    ----------
    a, b : NDArray, numpy.ndarray or array_like
        Arrays of the same shape.
    rtol, atol : float, optional
        Relative and absolute tolerances.
    names : tuple of two str, default ('a', 'b')
        Names of the two arrays in the error message.

    Returns
    -------
    None

    See Also
    --------
    assert_almost_equal

    Examples
    --------
    >>> import numpy as np
    >>> from minigluon.test_utils import assert_almost_equal_ignore_nan
    >>> assert_almost_equal_ignore_nan([1.0, np.nan], [1.0, 5.0])
    """
    x, y = np.array(_numpy(a), dtype=None, copy=True), np.array(_numpy(b), copy=True)
    nan = np.isnan(x) | np.isnan(y)
    x[nan] = 0
    y[nan] = 0
    assert_almost_equal(x, y, rtol, atol, names)


def assert_allclose(a: Any, b: Any, rtol: float = 1e-7, atol: float = 0,
                    equal_nan: bool = True) -> None:
    """``numpy.testing.assert_allclose`` on NDArrays or numpy arrays (tight default tolerance).

    Parameters
    ----------
    a, b : NDArray, numpy.ndarray or array_like
        Arrays to compare.
    rtol : float, default 1e-7
        Relative tolerance.
    atol : float, default 0
        Absolute tolerance.
    equal_nan : bool, default True
        Treat NaNs in the same positions as equal.

    Returns
    -------
    None

    See Also
    --------
    assert_almost_equal : Tolerances by dtype.

    Examples
    --------
    >>> from minigluon import nd
    >>> from minigluon.test_utils import assert_allclose
    >>> assert_allclose(nd.array([1, 2]), [1, 2])
    """
    np.testing.assert_allclose(_numpy(a), _numpy(b), rtol=rtol, atol=atol, equal_nan=equal_nan)


def same_array(array1: NDArray, array2: NDArray) -> bool:
    """Whether two NDArrays are the same memory: a write to one shows in the other.

    Parameters
    ----------
    array1, array2 : NDArray
        Arrays to compare.

    Returns
    -------
    bool

    See Also
    --------
    same : Equal values, wherever they are stored.

    Examples
    --------
    >>> from minigluon import nd
    >>> from minigluon.test_utils import same_array
    >>> x = nd.zeros((2, 3))
    >>> same_array(x, x.reshape((3, 2))), same_array(x, x.copy())
    (True, False)
    """
    before = array2.asnumpy()
    array1[:] += 1
    changed = same(array2.asnumpy(), before + 1)
    array1[:] -= 1
    return changed


def np_reduce(dat: np.ndarray, axis: Any, keepdims: bool, numpy_reduce_func: Any
              ) -> np.ndarray:
    """Reduce ``dat`` over ``axis`` (an int, a list, or None for all) one axis at a time.

    Parameters
    ----------
    dat : numpy.ndarray
        Input array.
    axis : None, int or sequence of int
        Axes to reduce; None reduces all.
    keepdims : bool
        Keep the reduced axes with size 1.
    numpy_reduce_func : callable
        A numpy reduction taking ``axis=``, such as ``np.sum`` or ``np.max``.

    Returns
    -------
    numpy.ndarray

    See Also
    --------
    minigluon.ndarray.sum

    Examples
    --------
    >>> import numpy as np
    >>> from minigluon.test_utils import np_reduce
    >>> np_reduce(np.ones((2, 3, 4)), (0, 2), True, np.sum).shape
    (1, 3, 1)
    """
    axes = [axis] if isinstance(axis, int) else (list(axis) if axis is not None
                                                 else list(range(dat.ndim)))
    axes = [a % dat.ndim for a in axes]
    out = dat
    for a in sorted(axes, reverse=True):
        out = numpy_reduce_func(out, axis=a)
    if keepdims:
        out = np.asarray(out).reshape([1 if i in axes else d for i, d in enumerate(dat.shape)])
    return out
