"""minigluon.test_utils.stats: chi-square goodness of fit of random generators."""

from __future__ import annotations

import math

import numpy as np
import pytest

import minigluon as mx
from minigluon.test_utils import (
    chi_square_check,
    gen_buckets_probs_with_ppf,
    mean_check,
    var_check,
    verify_generator,
)
from minigluon.test_utils.stats import _chi2_sf


@pytest.mark.parametrize("x, dof, want", [
    (3.841458820694124, 1, 0.05),  # the 95% quantiles of chi-square tables
    (11.070497693516351, 5, 0.05),
    (2.0, 2, math.exp(-1.0)),  # dof 2 is an exponential: sf = exp(-x / 2)
    (40.0, 2, math.exp(-20.0)),
    (0.0, 3, 1.0),
])
def test_chi2_survival_function(x, dof, want) -> None:
    assert _chi2_sf(x, dof) == pytest.approx(want, rel=1e-9)


def test_uniform_sampler_passes_and_wrong_probabilities_fail() -> None:
    mx.random.seed(3)
    buckets, probs = gen_buckets_probs_with_ppf(lambda q: -1 + 2 * q, 5)
    gen = lambda n: mx.nd.random.uniform(-1, 1, shape=(n,))  # noqa: E731
    assert len(verify_generator(gen, buckets, probs, nsamples=20000)) == 5
    with pytest.raises(AssertionError, match="Generator test fails"):
        verify_generator(gen, buckets, [0.3, 0.1, 0.2, 0.2, 0.2], nsamples=20000)


def test_discrete_buckets() -> None:
    rng = np.random.default_rng(1)
    p, obs, exp = chi_square_check(lambda n: rng.choice([0, 1, 2], n, p=[0.2, 0.3, 0.5]),
                                   [0, 1, 2], [0.2, 0.3, 0.5], nsamples=5000)
    assert p > 0.001 and obs.sum() == 5000 and exp.tolist() == [1000, 1500, 2500]


def test_overlapping_buckets_are_rejected() -> None:
    with pytest.raises(ValueError, match="non-overlapping"):
        chi_square_check(lambda n: np.zeros(n), [(0, 2), (1, 3)], [0.5, 0.5], nsamples=10)


def test_mean_and_variance_checks() -> None:
    rng = np.random.default_rng(2)
    assert mean_check(lambda n: rng.normal(1.0, 2.0, n), 1.0, 2.0, nsamples=20000)
    assert not mean_check(lambda n: rng.normal(1.5, 2.0, n), 1.0, 2.0, nsamples=20000)
    assert var_check(lambda n: rng.normal(0.0, 2.0, n), 2.0, nsamples=20000)
    assert not var_check(lambda n: rng.normal(0.0, 3.0, n), 2.0, nsamples=20000)
