"""Sampling ops (``nd.random.*``): uniform, normal, randn, randint, gamma, poisson, multinomial...

Every draw comes from the global generator :func:`minigluon._rng.generator`, so
``mx.random.seed(s)`` makes them reproducible. Distribution parameters are numbers, or
NDArrays (MXNet's ``sample_*`` form): then ``shape`` samples are drawn for each entry and the
output has shape ``param.shape + shape``. With number parameters and no ``shape`` one sample is
drawn (shape ``(1,)``), as in MXNet. None of these ops has a gradient, except the
log-likelihood output of ``multinomial(..., get_prob=True)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .. import _rng
from ..base import MXNetError, as_dtype, integer_types
from .creation import as_shape
from .registry import Case, register

__all__: list[str] = []  # ops are reached through the registry

_FLOATS = ("float16", "float32", "float64")


# -- helpers shared by the samplers -------------------------------------------------------------
def _float_dtype(op: str, dtype: Any) -> np.dtype:
    dt = as_dtype(dtype)
    if dt.name not in _FLOATS:
        raise MXNetError(f"{op}: dtype must be one of {list(_FLOATS)}, got {dt.name!r}")
    return dt


def _param(p: Any) -> Any:
    # Numbers stay Python floats; NDArrays (reaching the forward as attributes) become arrays.
    if isinstance(p, (int, float, np.generic)):
        return float(p)
    return np.asarray(p, dtype=np.float64)


def _sample_shape(op: str, shape: Any, params: tuple) -> tuple[tuple, tuple]:
    """(output shape, shape the parameters are reshaped to so they broadcast against it)."""
    arrays = [p for p in params if isinstance(p, np.ndarray)]
    draws = () if shape is None else as_shape(op, shape)
    if not arrays:
        return (draws if shape is not None else (1,)), ()
    try:
        pshape = tuple(np.broadcast_shapes(*(a.shape for a in arrays)))
    except ValueError:
        raise MXNetError(f"{op}: parameter arrays have incompatible shapes "
                         f"{[a.shape for a in arrays]}") from None
    return pshape + draws, pshape + (1,) * len(draws)


def _check(op: str, name: str, value: Any, ok: Callable[[Any], Any], expected: str) -> None:
    if not np.all(ok(value)):
        shown = value if np.ndim(value) == 0 else f"an array with min {np.min(value)}"
        raise MXNetError(f"{op}: {name} must be {expected}, got {shown}")


def _prepare(op: str, shape: Any, params: tuple) -> tuple[tuple, list]:
    """(output shape, parameters reshaped so that they broadcast against it)."""
    out_shape, pshape = _sample_shape(op, shape, params)
    return out_shape, [p.reshape(pshape) if isinstance(p, np.ndarray) else p for p in params]


def _draw(op: str, sampler: Callable[..., Any], params: tuple, shape: Any,
          dtype: np.dtype) -> np.ndarray:
    out_shape, args = _prepare(op, shape, params)
    return np.asarray(sampler(_rng.generator(), *args, out_shape), dtype=np.float64).astype(dtype)


def _shape_rule(*param_names: str) -> Callable[..., tuple]:
    def rule(*_in, shape=None, **attrs: Any) -> tuple:
        params = tuple(_param(attrs[n]) for n in param_names)
        out = _sample_shape("shape inference", shape, params)[0]
        return out if out else (1,)

    return rule


# -- continuous distributions -------------------------------------------------------------------
@register(namespace="random", root_aliases=("uniform", "random_uniform"),
          differentiable=False, shape=_shape_rule("low", "high"),
          cases=[Case(low=-1.0, high=2.0, shape=(2, 3))])
def uniform(*, low=0.0, high=1.0, shape=None, dtype=None, ctx=None):
    """Samples from the uniform distribution on ``[low, high)``.

    Parameters
    ----------
    low : float or NDArray, default 0.0
        Lower bound (included).
    high : float or NDArray, default 1.0
        Upper bound (excluded).
    shape : int or tuple of int, optional
        Samples to draw (per parameter entry if the parameters are NDArrays). Default: one.
    dtype : {'float16', 'float32', 'float64'}, default 'float32'
        Element type.
    ctx : Context, optional
        Device; only the CPU exists in minigluon.

    Returns
    -------
    NDArray
        ``shape``, or ``low.shape + shape`` for NDArray parameters.

    See Also
    --------
    normal, randint

    Examples
    --------
    >>> import minigluon as mx
    >>> mx.random.seed(0)
    >>> x = mx.nd.random.uniform(-1, 1, shape=(1000,))
    >>> v = x.asnumpy()
    >>> x.shape, bool(v.min() >= -1), bool(v.max() < 1)
    ((1000,), True, True)
    >>> mx.nd.random.uniform(mx.nd.array([0, 10]), mx.nd.array([1, 11]), shape=3).shape
    (2, 3)
    """
    dt = _float_dtype("uniform", dtype)
    out_shape, (lo, hi) = _prepare("uniform", shape, (_param(low), _param(high)))
    _check("uniform", "high - low", np.subtract(hi, lo), lambda d: d >= 0, ">= 0")
    out = _rng.generator().uniform(lo, hi, out_shape).astype(dt)
    if dt != np.float64:
        # Rounding to a narrower type can reach `high`, which must stay excluded.
        hi_t = np.asarray(hi, dtype=dt)
        over = out >= hi_t
        if over.any():
            lo_t = np.asarray(lo, dtype=dt)
            over &= hi_t > lo_t
            out[over] = np.broadcast_to(np.nextafter(hi_t, lo_t), out.shape)[over]
    return out


@register(namespace="random", root_aliases=("normal", "random_normal"),
          differentiable=False, shape=_shape_rule("loc", "scale"),
          cases=[Case(loc=1.0, scale=2.0, shape=(2, 3))])
def normal(*, loc=0.0, scale=1.0, shape=None, dtype=None, ctx=None):
    """Samples from the normal distribution with mean ``loc`` and standard deviation ``scale``.

    Parameters
    ----------
    loc : float or NDArray, default 0.0
        Mean.
    scale : float or NDArray, default 1.0
        Standard deviation (>= 0).
    shape : int or tuple of int, optional
        Samples to draw (per parameter entry if the parameters are NDArrays). Default: one.
    dtype : {'float16', 'float32', 'float64'}, default 'float32'
        Element type.
    ctx : Context, optional
        Device; only the CPU exists in minigluon.

    Returns
    -------
    NDArray
        ``shape``, or ``loc.shape + shape`` for NDArray parameters.

    See Also
    --------
    randn, uniform

    Examples
    --------
    >>> import minigluon as mx
    >>> mx.random.seed(0)
    >>> x = mx.nd.random.normal(10, 2, shape=(2000,))
    >>> x.shape, x.dtype
    ((2000,), <class 'numpy.float32'>)
    >>> v = x.asnumpy()
    >>> print(round(float(v.mean())), round(float(v.std())))
    10 2
    """
    dt = _float_dtype("normal", dtype)
    mu, sigma = _param(loc), _param(scale)
    _check("normal", "scale", sigma, lambda s: s >= 0, ">= 0")
    if isinstance(mu, float) and isinstance(sigma, float):  # fast path: draw in the output type
        size = _sample_shape("normal", shape, ())[0]
        x = _rng.generator().standard_normal(size, dtype=np.float64 if dt == np.float64
                                             else np.float32)
        x *= sigma
        x += mu
        return x.astype(dt, copy=False)
    return _draw("normal", lambda g, m, s, size: g.normal(m, s, size), (mu, sigma), shape, dt)


@register(namespace="random", differentiable=False, cases=[Case(2, 3, loc=1.0)])
def randn(*shape, loc=0.0, scale=1.0, dtype=None, ctx=None):
    """Samples from a normal distribution, with the shape given as positional ints.

    ``randn(2, 3)`` is ``normal(loc, scale, shape=(2, 3))``; ``randn()`` draws one sample.

    Parameters
    ----------
    *shape : int
        Output dimensions (a single tuple is accepted too).
    loc : float, default 0.0
        Mean.
    scale : float, default 1.0
        Standard deviation (>= 0).
    dtype : {'float16', 'float32', 'float64'}, default 'float32'
        Element type.
    ctx : Context, optional
        Device; only the CPU exists in minigluon.

    Returns
    -------
    NDArray
        Array of shape ``shape`` (``(1,)`` if no dimension is given).

    See Also
    --------
    normal

    Examples
    --------
    >>> import minigluon as mx
    >>> mx.random.seed(0)
    >>> mx.nd.random.randn(2, 3).shape
    (2, 3)
    >>> x = mx.nd.random.randn(2, loc=5, scale=0.001)
    >>> x.shape, bool(abs(x.asnumpy() - 5).max() < 0.01)
    ((2,), True)
    """
    dims = _randn_shape(shape)
    return normal.forward(loc=loc, scale=scale, shape=dims, dtype=dtype)


def _randn_shape(shape: tuple) -> tuple:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    return as_shape("randn", tuple(shape))


randn.def_shape(lambda *shape, **_: _randn_shape(shape) or (1,))


@register(namespace="random", root_aliases=("random_exponential",),
          differentiable=False, shape=_shape_rule("scale"),
          cases=[Case(scale=2.0, shape=(2, 3))])
def exponential(*, scale=1.0, shape=None, dtype=None, ctx=None):
    """Samples from the exponential distribution with mean ``scale`` (rate ``1/scale``).

    Density ``f(x) = exp(-x / scale) / scale`` for ``x >= 0``.

    Parameters
    ----------
    scale : float or NDArray, default 1.0
        Scale (mean) of the distribution, > 0.
    shape : int or tuple of int, optional
        Samples to draw (per parameter entry if ``scale`` is an NDArray). Default: one.
    dtype : {'float16', 'float32', 'float64'}, default 'float32'
        Element type.
    ctx : Context, optional
        Device; only the CPU exists in minigluon.

    Returns
    -------
    NDArray
        ``shape``, or ``scale.shape + shape`` for an NDArray ``scale``.

    See Also
    --------
    gamma, poisson

    Examples
    --------
    >>> import minigluon as mx
    >>> mx.random.seed(0)
    >>> x = mx.nd.random.exponential(2, shape=(4000,))
    >>> v = x.asnumpy()
    >>> print(round(float(v.mean())), bool(v.min() >= 0))
    2 True
    """
    dt = _float_dtype("exponential", dtype)
    s = _param(scale)
    _check("exponential", "scale", s, lambda v: v > 0, "> 0")
    return _draw("exponential", lambda g, b, size: g.exponential(b, size), (s,), shape, dt)


@register(namespace="random", root_aliases=("random_gamma",),
          differentiable=False, shape=_shape_rule("alpha", "beta"),
          cases=[Case(alpha=2.0, beta=0.5, shape=(2, 3))])
def gamma(*, alpha=1.0, beta=1.0, shape=None, dtype=None, ctx=None):
    """Samples from the gamma distribution with shape ``alpha`` and scale ``beta``.

    The mean is ``alpha * beta`` and the variance ``alpha * beta ** 2``.

    Parameters
    ----------
    alpha : float or NDArray, default 1.0
        Shape parameter, > 0.
    beta : float or NDArray, default 1.0
        Scale parameter, > 0.
    shape : int or tuple of int, optional
        Samples to draw (per parameter entry if the parameters are NDArrays). Default: one.
    dtype : {'float16', 'float32', 'float64'}, default 'float32'
        Element type.
    ctx : Context, optional
        Device; only the CPU exists in minigluon.

    Returns
    -------
    NDArray
        ``shape``, or ``alpha.shape + shape`` for NDArray parameters.

    See Also
    --------
    exponential, poisson

    Examples
    --------
    >>> import minigluon as mx
    >>> mx.random.seed(0)
    >>> x = mx.nd.random.gamma(3, 2, shape=(4000,))
    >>> print(round(float(x.asnumpy().mean())))
    6
    """
    dt = _float_dtype("gamma", dtype)
    a, b = _param(alpha), _param(beta)
    _check("gamma", "alpha", a, lambda v: v > 0, "> 0")
    _check("gamma", "beta", b, lambda v: v > 0, "> 0")
    return _draw("gamma", lambda g, k, th, size: g.gamma(k, th, size), (a, b), shape, dt)


# -- discrete distributions ---------------------------------------------------------------------
@register(namespace="random", root_aliases=("random_poisson",),
          differentiable=False, shape=_shape_rule("lam"),
          cases=[Case(lam=3.0, shape=(2, 3))])
def poisson(*, lam=1.0, shape=None, dtype=None, ctx=None):
    """Samples from the Poisson distribution with rate ``lam``, returned as floats.

    Parameters
    ----------
    lam : float or NDArray, default 1.0
        Expected number of events, >= 0.
    shape : int or tuple of int, optional
        Samples to draw (per parameter entry if ``lam`` is an NDArray). Default: one.
    dtype : {'float16', 'float32', 'float64'}, default 'float32'
        Element type (the counts are whole numbers stored as floats).
    ctx : Context, optional
        Device; only the CPU exists in minigluon.

    Returns
    -------
    NDArray
        ``shape``, or ``lam.shape + shape`` for an NDArray ``lam``.

    See Also
    --------
    exponential, negative_binomial

    Examples
    --------
    >>> import minigluon as mx
    >>> mx.random.seed(0)
    >>> x = mx.nd.random.poisson(4, shape=(4000,))
    >>> v = x.asnumpy()
    >>> print(round(float(v.mean())), bool((v == v.round()).all()))
    4 True
    """
    dt = _float_dtype("poisson", dtype)
    rate = _param(lam)
    _check("poisson", "lam", rate, lambda v: v >= 0, ">= 0")
    return _draw("poisson", lambda g, r, size: g.poisson(r, size), (rate,), shape, dt)


@register(namespace="random", root_aliases=("random_negative_binomial",),
          differentiable=False, shape=_shape_rule("k", "p"),
          cases=[Case(k=3, p=0.4, shape=(2, 3))])
def negative_binomial(*, k=1, p=1, shape=None, dtype=None, ctx=None):
    """Samples from the negative binomial distribution: failures before ``k`` successes.

    Each trial succeeds with probability ``p``; the mean is ``k * (1 - p) / p``.

    Parameters
    ----------
    k : float or NDArray, default 1
        Number of successes to wait for, > 0.
    p : float or NDArray, default 1
        Success probability of each trial, in (0, 1].
    shape : int or tuple of int, optional
        Samples to draw (per parameter entry if the parameters are NDArrays). Default: one.
    dtype : {'float16', 'float32', 'float64'}, default 'float32'
        Element type (counts stored as floats).
    ctx : Context, optional
        Device; only the CPU exists in minigluon.

    Returns
    -------
    NDArray
        ``shape``, or ``k.shape + shape`` for NDArray parameters.

    See Also
    --------
    generalized_negative_binomial, poisson

    Examples
    --------
    >>> import minigluon as mx
    >>> mx.random.seed(0)
    >>> x = mx.nd.random.negative_binomial(10, 0.5, shape=(4000,))
    >>> print(round(float(x.asnumpy().mean())))
    10
    """
    dt = _float_dtype("negative_binomial", dtype)
    kk, pp = _param(k), _param(p)
    _check("negative_binomial", "k", kk, lambda v: v > 0, "> 0")
    _check("negative_binomial", "p", pp, lambda v: (v > 0) & (v <= 1), "in (0, 1]")
    return _draw("negative_binomial", lambda g, n, q, size: g.negative_binomial(n, q, size),
                 (kk, pp), shape, dt)


@register(namespace="random", root_aliases=("random_generalized_negative_binomial",),
          differentiable=False, shape=_shape_rule("mu", "alpha"),
          cases=[Case(mu=2.0, alpha=0.5, shape=(2, 3))])
def generalized_negative_binomial(*, mu=1, alpha=1, shape=None, dtype=None, ctx=None):
    """Samples from the negative binomial distribution with mean ``mu`` and dispersion ``alpha``.

    The variance is ``mu + alpha * mu ** 2``; ``alpha = 0`` gives the Poisson distribution. A
    sample is ``poisson(gamma(1 / alpha, alpha * mu))``.

    Parameters
    ----------
    mu : float or NDArray, default 1
        Mean, >= 0.
    alpha : float or NDArray, default 1
        Dispersion, >= 0.
    shape : int or tuple of int, optional
        Samples to draw (per parameter entry if the parameters are NDArrays). Default: one.
    dtype : {'float16', 'float32', 'float64'}, default 'float32'
        Element type (counts stored as floats).
    ctx : Context, optional
        Device; only the CPU exists in minigluon.

    Returns
    -------
    NDArray
        ``shape``, or ``mu.shape + shape`` for NDArray parameters.

    See Also
    --------
    negative_binomial, poisson

    Examples
    --------
    >>> import minigluon as mx
    >>> mx.random.seed(0)
    >>> x = mx.nd.random.generalized_negative_binomial(10, 0.5, shape=(4000,))
    >>> print(round(float(x.asnumpy().mean())))
    10
    """
    dt = _float_dtype("generalized_negative_binomial", dtype)
    m, a = _param(mu), _param(alpha)
    _check("generalized_negative_binomial", "mu", m, lambda v: v >= 0, ">= 0")
    _check("generalized_negative_binomial", "alpha", a, lambda v: v >= 0, ">= 0")

    def sample(g: np.random.Generator, m: Any, a: Any, size: tuple) -> np.ndarray:
        m, a = np.broadcast_to(m, size), np.broadcast_to(a, size)
        safe = np.where(a > 0, a, 1.0)
        lam = np.where(a > 0, g.gamma(1.0 / safe, safe * m), m)
        return g.poisson(lam)

    return _draw("generalized_negative_binomial", sample, (m, a), shape, dt)


@register(namespace="random", root_aliases=("random_randint",),
          differentiable=False, cases=[Case(low=0, high=5, shape=(2, 3))])
def randint(*, low, high, shape=None, dtype="int32", ctx=None):
    """Integers drawn uniformly from ``[low, high)``.

    Parameters
    ----------
    low : int
        Smallest value (included).
    high : int
        Bound (excluded); must be greater than ``low``.
    shape : int or tuple of int, optional
        Samples to draw. Default: one.
    dtype : {'int32', 'int64'}, default 'int32'
        Element type.
    ctx : Context, optional
        Device; only the CPU exists in minigluon.

    Returns
    -------
    NDArray
        Array of shape ``shape``.

    See Also
    --------
    uniform

    Examples
    --------
    >>> import minigluon as mx
    >>> mx.random.seed(0)
    >>> x = mx.nd.random.randint(-3, 3, shape=(2, 500))
    >>> v = x.asnumpy()
    >>> x.shape, x.dtype, int(v.min()), int(v.max())
    ((2, 500), <class 'numpy.int32'>, -3, 2)
    """
    dt = as_dtype(dtype)
    if dt.name not in ("int32", "int64"):
        raise MXNetError(f"randint: dtype must be 'int32' or 'int64', got {dt.name!r}")
    for name, v in (("low", low), ("high", high)):
        if not isinstance(v, integer_types) or isinstance(v, bool):
            raise MXNetError(f"randint: {name} must be an int, got {v!r}")
    if high <= low:
        raise MXNetError(f"randint: high ({high}) must be greater than low ({low})")
    size = (1,) if shape is None else as_shape("randint", shape)
    return _rng.generator().integers(int(low), int(high), size, dtype=dt)


@randint.def_shape
def _(*, shape=None, **_):
    return (1,) if shape is None else as_shape("randint", shape) or (1,)


# -- ops on an input array ----------------------------------------------------------------------
def _multinomial_outputs(*, get_prob=False, **_: Any) -> int:
    return 2 if get_prob else 1


def _probabilities(rng: np.random.Generator) -> np.ndarray:
    return rng.dirichlet(np.ones(5), size=(2, 3)) * 0.9 + 0.02  # no probability near 0


@register(namespace="random", num_outputs=_multinomial_outputs,
          cases=[Case(_probabilities, shape=4, get_prob=True),
                 Case(lambda rng: rng.dirichlet(np.ones(4)) * 0.9 + 0.025, get_prob=True)])
def multinomial(data, *, shape=None, get_prob=False, dtype="int32"):
    """Draws category indices from the distributions in the last axis of ``data``.

    ``data[..., i]`` is the probability of category ``i`` (each row must sum to 1). With
    ``get_prob=True`` a second output holds ``log(data[..., sample])``, whose gradient flows
    back to ``data`` (the REINFORCE estimator: use a reward as its head gradient).

    Parameters
    ----------
    data : NDArray
        Probabilities, shape ``(d1, ..., dn, k)``.
    shape : int or tuple of int, optional
        Samples to draw from each distribution. Default: one.
    get_prob : bool, default False
        Also return the log-likelihood of each sample.
    dtype : {'int32', 'int64', 'float32', ...}, default 'int32'
        Element type of the indices.

    Returns
    -------
    NDArray or list of two NDArrays
        Indices of shape ``(d1, ..., dn) + shape`` (``(1,)`` for a single 1-D distribution),
        and with ``get_prob`` the log-likelihoods (same shape, ``data``'s dtype).

    See Also
    --------
    randint, shuffle

    Examples
    --------
    >>> import minigluon as mx
    >>> mx.random.seed(0)
    >>> probs = mx.nd.array([[0, 0, 1], [1, 0, 0]])
    >>> mx.nd.random.multinomial(probs)
    <BLANKLINE>
    [2 0]
    <NDArray 2 @cpu(0)>
    >>> mx.nd.random.multinomial(probs, shape=3)
    <BLANKLINE>
    [[2 2 2]
     [0 0 0]]
    <NDArray 2x3 @cpu(0)>
    >>> idx, logp = mx.nd.random.multinomial(mx.nd.array([0.5, 0.5]), get_prob=True)
    >>> print(round(float(logp.asscalar()), 4))
    -0.6931
    """
    p = np.asarray(data)
    if p.ndim == 0 or p.shape[-1] == 0:
        raise MXNetError(f"multinomial: data must have a non-empty last axis of probabilities, "
                         f"got shape {p.shape}")
    draws = () if shape is None else as_shape("multinomial", shape)
    k = p.shape[-1]
    rows = p.reshape(-1, k).astype(np.float64)
    if rows.size and rows.min() < 0:
        raise MXNetError("multinomial: probabilities must be >= 0")
    cdf = np.cumsum(rows, axis=1)
    total = cdf[:, -1:]
    if np.any(total <= 0):
        raise MXNetError("multinomial: every distribution needs a positive total probability")
    cdf = cdf / total
    n = int(np.prod(draws))
    u = _rng.generator().random((rows.shape[0], n))
    # One searchsorted over all rows: shift row r's CDF and draws into [r, r + 1].
    offset = np.arange(rows.shape[0], dtype=np.float64)[:, None]
    flat = np.searchsorted((cdf + offset).ravel(), (u + offset).ravel(), side="right")
    idx = np.minimum(flat.reshape(u.shape) - offset.astype(np.int64) * k, k - 1)
    idx = idx.reshape(p.shape[:-1] + draws)
    samples = idx.astype(as_dtype(dtype))
    if not get_prob:
        return samples
    picked = np.take_along_axis(p.reshape(p.shape[:-1] + (1,) * len(draws) + (k,)),
                                idx[..., None], axis=-1)[..., 0]
    with np.errstate(divide="ignore"):
        return samples, np.log(picked)


@multinomial.def_backward
def _(g, ins, out, shape, get_prob, dtype):
    # d log(p[idx]) / dp[idx] = 1 / p[idx], summed over the draws that picked each category.
    if not get_prob:
        return (None,)
    p = np.asarray(ins[0])
    lead, k = p.shape[:-1], p.shape[-1]
    rows = int(np.prod(lead))
    idx = np.asarray(out[0]).astype(np.int64).reshape(rows, -1)  # out may be legacy (1,)
    contrib = np.asarray(g[1]).reshape(rows, -1) / np.take_along_axis(p.reshape(rows, k), idx, 1)
    grad = np.zeros((rows, k), dtype=p.dtype)
    np.add.at(grad, (np.arange(rows)[:, None], idx), contrib)
    return (grad.reshape(p.shape),)


@multinomial.def_shape
def _(data, *, shape=None, get_prob=False, **_):
    if data is None:
        raise ValueError("multinomial: the shape of data must be known")
    out = tuple(data[:-1]) + (() if shape is None else as_shape("multinomial", shape))
    out = out or (1,)
    return [out, out] if get_prob else out


@register(namespace="random", root_aliases=("shuffle",),
          differentiable=False, shape=lambda d, **_: tuple(d),
          cases=[Case((5, 2))])
def shuffle(data):
    """A copy of ``data`` with its first axis randomly permuted.

    Rows move as a whole: the order inside each ``data[i]`` is kept.

    Parameters
    ----------
    data : NDArray
        Input array.

    Returns
    -------
    NDArray
        Array of the same shape and dtype as ``data``.

    See Also
    --------
    multinomial

    Examples
    --------
    >>> import minigluon as mx
    >>> mx.random.seed(0)
    >>> x = mx.nd.array([[0, 1], [2, 3], [4, 5]])
    >>> y = mx.nd.random.shuffle(x)
    >>> y.shape, sorted(y[:, 0].asnumpy().tolist())
    ((3, 2), [0.0, 2.0, 4.0])
    """
    x = np.asarray(data)
    if x.ndim == 0:
        return x.copy()
    return x[_rng.generator().permutation(x.shape[0])]
