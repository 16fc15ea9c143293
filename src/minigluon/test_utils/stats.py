"""Statistical checks of random generators: chi-square goodness of fit, mean and variance."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

__all__ = ["gen_buckets_probs_with_ppf", "chi_square_check", "verify_generator", "mean_check",
           "var_check"]


def gen_buckets_probs_with_ppf(ppf: Callable[[float], float], nbuckets: int
                               ) -> tuple[list[tuple[float, float]], list[float]]:
    """Equal-probability buckets of a continuous distribution, from its quantile function.

    Bucket ``i`` is ``(ppf(i / n), ppf((i + 1) / n))`` and has probability ``1 / n``.

    Parameters
    ----------
    ppf : callable
        Quantile function (inverse CDF) of the distribution.
    nbuckets : int
        Number of buckets ``n``.

    Returns
    -------
    buckets : list of (float, float)
    probs : list of float

    See Also
    --------
    verify_generator, chi_square_check

    Examples
    --------
    >>> from minigluon.test_utils import gen_buckets_probs_with_ppf
    >>> gen_buckets_probs_with_ppf(lambda q: 10 * q, 2)   # uniform on [0, 10)
    ([(0.0, 5.0), (5.0, 10.0)], [0.5, 0.5])
    """
    if nbuckets < 1:
        raise ValueError(f"gen_buckets_probs_with_ppf: nbuckets must be positive, got {nbuckets}")
    buckets = [(ppf(i / nbuckets), ppf((i + 1) / nbuckets)) for i in range(nbuckets)]
    return buckets, [1.0 / nbuckets] * nbuckets


def _chi2_sf(x: float, dof: int) -> float:
    """P(X >= x) for a chi-square variable with ``dof`` degrees of freedom.

    This is the regularized upper incomplete gamma Q(dof/2, x/2): a power series below
    a + 1, a continued fraction (modified Lentz) above, as both converge fast there.
    """
    a, z = dof / 2.0, x / 2.0
    if z <= 0:
        return 1.0
    log_prefix = a * math.log(z) - z - math.lgamma(a)
    if z < a + 1:
        term = total = 1.0 / a
        k = a
        for _ in range(1000):
            k += 1
            term *= z / k
            total += term
            if abs(term) < abs(total) * 1e-15:
                break
        return max(0.0, 1.0 - total * math.exp(log_prefix))
    tiny = 1e-300
    b = z + 1 - a
    c, d = 1 / tiny, 1 / b
    h = d
    for i in range(1, 1000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        delta = d * c
        h *= delta
        if abs(delta - 1) < 1e-15:
            break
    return math.exp(log_prefix) * h


def chi_square_check(generator: Callable[[int], Any], buckets: Sequence[Any],
                     probs: Sequence[float], nsamples: int = 1000000
                     ) -> tuple[float, np.ndarray, np.ndarray]:
    """Pearson's chi-square test that ``generator`` draws from the distribution of ``probs``.

    For a continuous distribution the buckets are ascending, non-overlapping ``(low, high)``
    ranges; for a discrete one they are the possible values.

    Parameters
    ----------
    generator : callable
        ``generator(n)`` returns ``n`` independent samples (array_like or NDArray).
    buckets : list of (float, float) or list of values
        Bucket ranges ``[low, high)`` or, for discrete values, the values.
    probs : sequence of float
        Probability of each bucket.
    nsamples : int, default 1000000
        Number of samples drawn.

    Returns
    -------
    p : float
        p-value: a small value means the samples do not follow ``probs``.
    obs_freq : numpy.ndarray
        Observed count per bucket.
    expected_freq : numpy.ndarray
        Expected count per bucket.

    See Also
    --------
    verify_generator, gen_buckets_probs_with_ppf

    Examples
    --------
    >>> import numpy as np
    >>> from minigluon.test_utils import chi_square_check
    >>> rng = np.random.default_rng(0)
    >>> p, obs, exp = chi_square_check(lambda n: rng.integers(0, 2, n), [0, 1], [0.5, 0.5],
    ...                                nsamples=1000)
    >>> bool(p > 0.01), exp.tolist()
    (True, [500, 500])
    """
    if len(probs) != len(buckets):
        raise ValueError(f"chi_square_check: {len(buckets)} buckets but {len(probs)} probs")
    samples = generator(nsamples)
    samples = np.asarray(samples.asnumpy() if hasattr(samples, "asnumpy") else samples).ravel()
    if isinstance(buckets[0], (list, tuple)):
        edges = np.asarray(buckets, dtype=np.float64)
        if np.any(edges[:, 0] > edges[:, 1]) or np.any(edges[1:, 0] < edges[:-1, 1]):
            raise ValueError("chi_square_check: buckets must be ascending, non-overlapping "
                             "(low, high) ranges")
        # a few buckets: one pass of comparisons each beats a binary search per sample
        obs = np.array([np.count_nonzero((samples >= lo) & (samples < hi))
                        for lo, hi in buckets])
    else:
        values, counts = np.unique(samples, return_counts=True)
        found = dict(zip(values.tolist(), counts.tolist()))
        obs = np.array([found.get(b, 0) for b in buckets])
    expected = (nsamples * np.asarray(probs, dtype=np.float64)).astype(np.int64)
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = float(np.sum(np.where(expected > 0, (obs - expected) ** 2 / expected, 0.0)))
    return _chi2_sf(stat, len(buckets) - 1), obs, expected


def verify_generator(generator: Callable[[int], Any], buckets: Sequence[Any],
                     probs: Sequence[float], nsamples: int = 1000000, nrepeat: int = 5,
                     success_rate: float = 0.2, alpha: float = 0.05) -> list[float]:
    """Raise ``AssertionError`` unless ``generator`` passes enough repeated chi-square tests.

    The test of :func:`chi_square_check` runs ``nrepeat`` times; it passes when its p-value
    exceeds ``alpha``, and at least ``nrepeat * success_rate`` runs must pass.

    Parameters
    ----------
    generator : callable
        ``generator(n)`` returns ``n`` independent samples.
    buckets : list of (float, float) or list of values
        Bucket ranges ``[low, high)`` or, for discrete values, the values.
    probs : sequence of float
        Expected probability of each bucket.
    nsamples : int, default 1000000
        Samples drawn in each repeat.
    nrepeat : int, default 5
        Number of chi-square tests run.
    success_rate : float, default 0.2
        Fraction of the tests that must pass.
    alpha : float, default 0.05
        Significance level of each test.

    Returns
    -------
    list of float
        The p-values.

    See Also
    --------
    chi_square_check, gen_buckets_probs_with_ppf

    Examples
    --------
    >>> import minigluon as mx
    >>> from minigluon.test_utils import verify_generator, gen_buckets_probs_with_ppf
    >>> mx.random.seed(0)
    >>> buckets, probs = gen_buckets_probs_with_ppf(lambda q: q, 5)
    >>> gen = lambda n: mx.nd.random.uniform(0, 1, shape=(n,))
    >>> len(verify_generator(gen, buckets, probs, nsamples=10000))
    5
    >>> verify_generator(gen, [(0, 0.5), (0.5, 1)], [0.9, 0.1], nsamples=1000)
    Traceback (most recent call last):
    ...
    AssertionError: Generator test fails, chi-square p=[...
    """
    ps, observed, expected = [], [], []
    for _ in range(nrepeat):
        p, obs, exp = chi_square_check(generator, buckets, probs, nsamples)
        ps.append(p)
        observed.append(obs)
        expected.append(exp)
    if sum(p > alpha for p in ps) < nrepeat * success_rate:
        raise AssertionError(f"Generator test fails, chi-square p={ps}, obs_freq={observed}, "
                             f"expected_freq={expected}.\nbuckets={buckets}, probs={probs}")
    return ps


def mean_check(generator: Callable[[int], Any], mu: float, sigma: float,
               nsamples: int = 1000000) -> bool:
    """Whether the sample mean lies within ``mu +- 3 sigma / sqrt(nsamples)``.

    Parameters
    ----------
    generator : callable
        ``generator(n)`` returns ``n`` independent samples.
    mu, sigma : float
        Expected mean and standard deviation.
    nsamples : int, default 1000000
        Number of samples drawn.

    Returns
    -------
    bool

    See Also
    --------
    var_check, verify_generator

    Examples
    --------
    >>> import numpy as np
    >>> from minigluon.test_utils import mean_check
    >>> rng = np.random.default_rng(0)
    >>> mean_check(lambda n: rng.normal(2.0, 1.0, n), 2.0, 1.0, nsamples=10000)
    True
    """
    samples = generator(nsamples)
    samples = np.asarray(samples.asnumpy() if hasattr(samples, "asnumpy") else samples)
    half = 3 * sigma / math.sqrt(nsamples)
    return bool(mu - half < samples.mean() < mu + half)


def var_check(generator: Callable[[int], Any], sigma: float, nsamples: int = 1000000) -> bool:
    """Whether the sample variance lies within ``sigma^2 +- 3 sqrt(2 sigma^4 / (nsamples-1))``.

    Parameters
    ----------
    generator : callable
        ``generator(n)`` returns ``n`` independent samples.
    sigma : float
        Expected standard deviation.
    nsamples : int, default 1000000
        Number of samples drawn.

    Returns
    -------
    bool

    See Also
    --------
    mean_check, verify_generator

    Examples
    --------
    >>> import numpy as np
    >>> from minigluon.test_utils import var_check
    >>> rng = np.random.default_rng(0)
    >>> var_check(lambda n: rng.normal(0.0, 2.0, n), 2.0, nsamples=10000)
    True
    """
    samples = generator(nsamples)
    samples = np.asarray(samples.asnumpy() if hasattr(samples, "asnumpy") else samples)
    half = 3 * math.sqrt(2 * sigma**4 / (nsamples - 1))
    return bool(sigma**2 - half < samples.var(ddof=1) < sigma**2 + half)
