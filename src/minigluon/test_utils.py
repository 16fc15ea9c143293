"""Testing helpers with MXNet's names: tolerant comparisons, random data, gradient checks.

Comparisons accept NDArrays, numpy arrays and numbers, and pick their default tolerances from
the dtypes compared, like ``mxnet.test_utils``: the less precise dtype decides. Random data
comes from minigluon's global generator, so ``mx.random.seed`` makes a test reproducible.

See Also
--------
assert_almost_equal, check_numeric_gradient
"""

from __future__ import annotations

import inspect
import numbers
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from . import _rng, autograd
from .base import MXNetError
from .context import Context, check_ctx, current_context
from .ndarray import NDArray, array

__all__ = [
    "default_context",
    "default_dtype",
    "default_rtols",
    "default_atols",
    "same",
    "almost_equal",
    "assert_almost_equal",
    "rand_ndarray",
    "rand_shape_2d",
    "rand_shape_3d",
    "rand_shape_nd",
    "check_numeric_gradient",
]


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


# -- random data --------------------------------------------------------------------------------
def rand_ndarray(shape: Sequence[int] | int, stype: str = "default", density: Any = None,
                 dtype: Any = None, modifier_func: Any = None, shuffle_csr_indices: bool = False,
                 distribution: Any = None, ctx: Any = None) -> NDArray:
    """An NDArray of standard-normal values (float32 unless ``dtype`` says otherwise).

    Parameters
    ----------
    shape : int or tuple of int
        Shape of the array.
    stype : {'default'}
        Storage type; only dense arrays exist in minigluon.
    density, modifier_func, shuffle_csr_indices, distribution : optional
        Accepted for compatibility: MXNet uses them for sparse arrays only.
    dtype : str or numpy dtype, default float32
        Element type.
    ctx : Context, optional
        Device; only the CPU exists in minigluon.

    Returns
    -------
    NDArray

    See Also
    --------
    rand_shape_nd

    Examples
    --------
    >>> import minigluon as mx
    >>> from minigluon.test_utils import rand_ndarray
    >>> mx.random.seed(0)
    >>> x = rand_ndarray((2, 3), dtype='float64')
    >>> x.shape, x.dtype
    ((2, 3), <class 'numpy.float64'>)
    """
    if stype != "default":
        raise MXNetError(f"rand_ndarray: storage type {stype!r} is not supported; minigluon "
                         "arrays are dense (stype='default')")
    check_ctx(ctx)
    shape = (shape,) if isinstance(shape, numbers.Integral) else tuple(shape)
    return array(_rng.generator().standard_normal(shape), dtype=dtype or default_dtype())


def rand_shape_2d(dim0: int = 10, dim1: int = 10, allow_zero_size: bool = False
                  ) -> tuple[int, int]:
    """A random 2-D shape with ``1 <= shape[i] <= dim_i`` (0 allowed if ``allow_zero_size``).

    See Also
    --------
    rand_shape_3d, rand_ndarray

    Examples
    --------
    >>> import minigluon as mx
    >>> from minigluon.test_utils import rand_shape_2d
    >>> mx.random.seed(0)
    >>> s = rand_shape_2d(3, 4)
    >>> len(s), 1 <= s[0] <= 3, 1 <= s[1] <= 4
    (2, True, True)
    """
    return tuple(_dims((dim0, dim1), allow_zero_size))  # type: ignore[return-value]


def rand_shape_3d(dim0: int = 10, dim1: int = 10, dim2: int = 10, allow_zero_size: bool = False
                  ) -> tuple[int, int, int]:
    """A random 3-D shape with ``1 <= shape[i] <= dim_i`` (0 allowed if ``allow_zero_size``).

    See Also
    --------
    rand_shape_2d, rand_ndarray

    Examples
    --------
    >>> import minigluon as mx
    >>> from minigluon.test_utils import rand_shape_3d
    >>> mx.random.seed(0)
    >>> len(rand_shape_3d(2, 2, 2))
    3
    """
    return tuple(_dims((dim0, dim1, dim2), allow_zero_size))  # type: ignore[return-value]


def rand_shape_nd(num_dim: int, dim: int = 10, allow_zero_size: bool = False) -> tuple[int, ...]:
    """A random ``num_dim``-D shape with every dimension in ``[1, dim]``.

    Parameters
    ----------
    num_dim : int
        Number of dimensions.
    dim : int, default 10
        Largest size of a dimension.
    allow_zero_size : bool, default False
        Let dimensions be 0 too.

    Returns
    -------
    tuple of int

    See Also
    --------
    rand_shape_2d, rand_shape_3d, rand_ndarray

    Examples
    --------
    >>> import minigluon as mx
    >>> from minigluon.test_utils import rand_shape_nd
    >>> mx.random.seed(0)
    >>> s = rand_shape_nd(4, dim=3)
    >>> len(s), all(1 <= d <= 3 for d in s)
    (4, True)
    """
    return tuple(_dims((dim,) * num_dim, allow_zero_size))


def _dims(highs: tuple, allow_zero_size: bool) -> list[int]:
    low = 0 if allow_zero_size else 1
    return [int(d) for d in _rng.generator().integers(low, np.asarray(highs) + 1)]


# -- gradient check -----------------------------------------------------------------------------
def check_numeric_gradient(sym: Callable[..., NDArray], location: Any, aux_states: Any = None,
                           numeric_eps: float = 1e-3, rtol: float = 1e-2, atol: Any = None,
                           grad_nodes: Any = None, use_forward_train: bool = True,
                           ctx: Any = None, grad_stype_dict: Any = None,
                           dtype: Any = np.float32) -> None:
    """Check autograd's gradients of ``sym`` against central finite differences.

    With a random projection ``P`` (values in [0.1, 1.1)), the gradient of
    ``sum(sym(*location) * P)`` from ``backward`` must match
    ``(f(x + eps/2) - f(x - eps/2)) / eps`` for every element of every checked input.

    ``sym`` is a Python callable taking NDArrays and returning one NDArray (MXNet passes a
    Symbol here; Symbols will be accepted once ``minigluon.sym`` exists).

    Parameters
    ----------
    sym : callable
        ``sym(*arrays)`` for a list ``location``, ``sym(**arrays)`` for a dict.
    location : list, tuple or dict of array_like
        Point at which to check, in the argument order of ``sym`` (or by argument name).
    aux_states : None
        Auxiliary states; only meaningful for Symbols.
    numeric_eps : float, default 1e-3
        Finite-difference step.
    rtol : float, default 1e-2
        Relative tolerance.
    atol : float, optional
        Absolute tolerance (default: from the dtypes, see :func:`assert_almost_equal`).
    grad_nodes : list of str or int, or dict of str to grad_req, optional
        Inputs to check (names, or positions for a list ``location``). Default: every
        floating-point input. A dict maps names to 'write', 'add' or 'null' (skipped).
    use_forward_train : bool, default True
        Run ``sym`` in training mode (matters for Dropout and BatchNorm).
    ctx : Context, optional
        Device; only the CPU exists in minigluon.
    grad_stype_dict : None
        Gradient storage types; only dense gradients exist in minigluon.
    dtype : numpy dtype, default float32
        Dtype the floating-point inputs are converted to.

    Returns
    -------
    None

    See Also
    --------
    assert_almost_equal

    Examples
    --------
    >>> import numpy as np
    >>> from minigluon.test_utils import check_numeric_gradient
    >>> check_numeric_gradient(lambda x: x * x, [np.array([1., 2., 3.])])
    >>> check_numeric_gradient(lambda a, b: a * b + a, {'a': np.ones((2, 2)), 'b': np.eye(2)},
    ...                        grad_nodes=['a'])
    >>> check_numeric_gradient(lambda x: x * x.detach(), [np.array([1., 2.])])
    Traceback (most recent call last):
    ...
    AssertionError: Error ... exceeds tolerance ...
    """
    check_ctx(ctx)
    if aux_states is not None:
        raise MXNetError("check_numeric_gradient: aux_states is only meaningful for Symbols; "
                         "pass the states as inputs of the callable instead")
    if grad_stype_dict and any(s != "default" for s in grad_stype_dict.values()):
        raise MXNetError("check_numeric_gradient: only dense ('default') gradients exist in "
                         "minigluon")
    names, values, run = _as_function(sym, location)
    values = {k: (v.astype(dtype) if v.dtype.kind == "f" else v) for k, v in values.items()}
    reqs = _grad_reqs(grad_nodes, names, values)

    # Analytic: one backward of the projected output.
    inputs = {k: array(v, dtype=v.dtype) for k, v in values.items()}
    for k, req in reqs.items():
        inputs[k].attach_grad(grad_req=req)
    with autograd.record(train_mode=use_forward_train):
        out = _single_output(run(inputs))
    proj = _rng.generator().random(out.shape) + 0.1
    if autograd.link_of(out) is not None:  # else no checked input reaches out: gradients stay 0
        out.backward(array(proj, dtype=out.dtype), train_mode=use_forward_train)
    analytic = {k: inputs[k].grad.asnumpy() for k in reqs}

    # Numeric: central differences, one element at a time.
    def projected(point: dict[str, np.ndarray]) -> float:
        with autograd.pause(train_mode=use_forward_train):
            res = _single_output(run({k: array(v, dtype=v.dtype) for k, v in point.items()}))
        return float(np.sum(res.asnumpy().astype(np.float64) * proj))

    for k in reqs:
        x = values[k]
        numeric = np.zeros(x.shape, dtype=np.float64)
        for i in range(x.size):
            point = dict(values)
            hi, lo = x.copy(), x.copy()
            hi.flat[i] = x.flat[i] + numeric_eps / 2
            lo.flat[i] = x.flat[i] - numeric_eps / 2
            step = float(hi.flat[i]) - float(lo.flat[i])  # the step after rounding to dtype
            point[k] = hi
            f_hi = projected(point)
            point[k] = lo
            numeric.flat[i] = (f_hi - projected(point)) / step
        assert_almost_equal(numeric, analytic[k], rtol, atol, (f"NUMERICAL_{k}", f"BACKWARD_{k}"))


def _as_function(sym: Any, location: Any
                 ) -> tuple[list[str], dict[str, np.ndarray], Callable[[dict], Any]]:
    """(argument names, their values, ``run(dict of NDArrays) -> output``) for ``sym``.

    Symbol support goes here: names from ``sym.list_arguments()``, ``run`` evaluates the graph.
    """
    if not callable(sym):
        raise TypeError(f"check_numeric_gradient: expected a callable returning an NDArray, "
                        f"got {type(sym).__name__}")
    if isinstance(location, dict):
        names = list(location)
        return names, {k: _input(v) for k, v in location.items()}, lambda xs: sym(**xs)
    if not isinstance(location, (list, tuple)):
        raise TypeError("check_numeric_gradient: location must be a list, tuple or dict of "
                        f"arrays, got {type(location).__name__}")
    names = _positional_names(sym, len(location))
    values = {k: _input(v) for k, v in zip(names, location)}
    return names, values, lambda xs: sym(*(xs[k] for k in names))


def _input(v: Any) -> np.ndarray:
    # Arrays keep their dtype (integer index inputs stay integers); Python data becomes float.
    if isinstance(v, (NDArray, np.ndarray, np.generic)):
        return _numpy(v)
    return np.asarray(v, dtype=np.float64)


def _positional_names(fn: Callable[..., Any], n: int) -> list[str]:
    try:
        params = [p for p in inspect.signature(fn).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        params = []
    names = [p.name for p in params[:n]]
    return names + [f"arg{i}" for i in range(len(names), n)]


def _grad_reqs(grad_nodes: Any, names: list[str], values: dict) -> dict[str, str]:
    if grad_nodes is None:
        return {k: "write" for k in names if values[k].dtype.kind == "f"}
    if isinstance(grad_nodes, dict):
        pairs = list(grad_nodes.items())
    elif isinstance(grad_nodes, (list, tuple)):
        pairs = [(k, "write") for k in grad_nodes]
    else:
        raise TypeError("check_numeric_gradient: grad_nodes must be a list of names or a dict "
                        f"of name to grad_req, got {type(grad_nodes).__name__}")
    reqs = {}
    for k, req in pairs:
        key = names[k] if isinstance(k, int) and 0 <= k < len(names) else k
        if key not in values:
            raise MXNetError(f"check_numeric_gradient: grad node {k!r} is not an input; "
                             f"inputs are {names}")
        if req not in ("write", "add", "null"):
            raise MXNetError(f"check_numeric_gradient: invalid grad_req {req!r} for {key!r}")
        if req != "null":
            reqs[key] = req
    return reqs


def _single_output(out: Any) -> NDArray:
    if not isinstance(out, NDArray):
        raise TypeError("check_numeric_gradient: the function must return one NDArray, got "
                        f"{type(out).__name__}")
    return out
