"""Sampling ops: reproducibility with mx.random.seed, shapes, dtypes, rough statistics, errors."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import minigluon as mx
from minigluon import autograd, nd
from minigluon.base import MXNetError
from minigluon.ops import get

N = 20000  # samples for the statistics: loose bounds keep these tests deterministic-safe

SAMPLERS = {
    "uniform": {"low": -1.0, "high": 3.0},
    "normal": {"loc": 1.0, "scale": 2.0},
    "exponential": {"scale": 2.0},
    "gamma": {"alpha": 2.0, "beta": 3.0},
    "poisson": {"lam": 4.0},
    "negative_binomial": {"k": 3, "p": 0.4},
    "generalized_negative_binomial": {"mu": 5.0, "alpha": 0.3},
}
# (mean, variance) of each distribution above
MOMENTS = {
    "uniform": (1.0, 16 / 12),
    "normal": (1.0, 4.0),
    "exponential": (2.0, 4.0),
    "gamma": (6.0, 18.0),
    "poisson": (4.0, 4.0),
    "negative_binomial": (3 * 0.6 / 0.4, 3 * 0.6 / 0.4 ** 2),
    "generalized_negative_binomial": (5.0, 5.0 + 0.3 * 25),
}


def sampler(name: str):
    return getattr(nd.random, name)


@pytest.mark.parametrize("name", [*SAMPLERS, "randn", "randint", "multinomial", "shuffle"])
def test_namespaces(name: str) -> None:
    assert getattr(mx.random, name) is getattr(nd.random, name)
    assert name in nd.random.__all__ and name in mx.random.__all__
    assert get(name).namespace == "random"
    assert get(name).differentiable == (name == "multinomial")


def test_signatures_follow_mxnet_argument_order() -> None:
    def params(name):
        return list(inspect.signature(sampler(name)).parameters)

    assert params("uniform")[:5] == ["low", "high", "shape", "dtype", "ctx"]
    assert params("normal")[:5] == ["loc", "scale", "shape", "dtype", "ctx"]
    assert params("randint")[:5] == ["low", "high", "shape", "dtype", "ctx"]
    assert params("multinomial")[:4] == ["data", "shape", "get_prob", "dtype"]
    assert params("randn")[:3] == ["shape", "loc", "scale"]
    assert inspect.signature(nd.random.randn).parameters["shape"].kind is \
        inspect.Parameter.VAR_POSITIONAL
    assert nd.random.uniform(2, 3, (2, 2)).shape == (2, 2)


@pytest.mark.parametrize("name", SAMPLERS)
def test_seed_makes_draws_reproducible(name: str) -> None:
    kw = SAMPLERS[name]
    mx.random.seed(42)
    a = sampler(name)(**kw, shape=(3, 4)).asnumpy()
    b = sampler(name)(**kw, shape=(3, 4)).asnumpy()
    mx.random.seed(42)
    c = sampler(name)(**kw, shape=(3, 4)).asnumpy()
    np.testing.assert_array_equal(a, c)
    if name not in ("poisson", "negative_binomial", "generalized_negative_binomial"):
        assert not np.array_equal(a, b)  # successive draws differ


def test_other_samplers_reproducible() -> None:
    probs = nd.array([[0.2, 0.3, 0.5], [0.6, 0.2, 0.2]])
    data = nd.arange(20).reshape((10, 2))
    draws = []
    for _ in range(2):
        mx.random.seed(7)
        draws.append([nd.random.randn(5).asnumpy(), nd.random.randint(0, 100, shape=8).asnumpy(),
                      nd.random.multinomial(probs, shape=6).asnumpy(),
                      nd.random.shuffle(data).asnumpy()])
    for x, y in zip(*draws):
        np.testing.assert_array_equal(x, y)
    mx.random.seed(8)
    assert not np.array_equal(nd.random.randn(5).asnumpy(), draws[0][0])


@pytest.mark.parametrize("name", SAMPLERS)
def test_default_shape_dtype_and_shapes(name: str) -> None:
    kw = SAMPLERS[name]
    one = sampler(name)(**kw)
    assert one.shape == (1,) and one.dtype == np.float32  # MXNet: no shape -> one sample
    assert sampler(name)(**kw, shape=5).shape == (5,)
    assert sampler(name)(**kw, shape=(2, 3, 4)).shape == (2, 3, 4)
    assert sampler(name)(**kw, shape=()).shape == (1,)
    for dtype in ("float16", "float64"):
        assert sampler(name)(**kw, shape=(3,), dtype=dtype).dtype == np.dtype(dtype).type
    with pytest.raises(MXNetError, match=f"{name}: dtype must be one of"):
        sampler(name)(**kw, dtype="int32")


@pytest.mark.parametrize("name", SAMPLERS)
def test_statistics(name: str) -> None:
    mean, var = MOMENTS[name]
    x = sampler(name)(**SAMPLERS[name], shape=N, dtype="float64").asnumpy()
    se = np.sqrt(var / N)
    assert abs(x.mean() - mean) < 6 * se + 1e-3, (x.mean(), mean)
    assert abs(x.var() - var) < 0.15 * var, (x.var(), var)


@pytest.mark.parametrize("name", SAMPLERS)
def test_ndarray_parameters_give_param_shape_plus_shape(name: str) -> None:
    kw = {k: nd.array([v, v, v]) for k, v in SAMPLERS[name].items()}
    assert sampler(name)(**kw).shape == (3,)
    assert sampler(name)(**kw, shape=(2, 5)).shape == (3, 2, 5)
    assert get(name).infer_shape(**kw, shape=(2, 5)) == [(3, 2, 5)]


def test_uniform_ndarray_bounds_per_row() -> None:
    low, high = nd.array([0, 10, -5]), nd.array([1, 11, -4])
    x = nd.random.uniform(low, high, shape=1000).asnumpy()
    assert x.shape == (3, 1000)
    lo, hi = low.asnumpy()[:, None], high.asnumpy()[:, None]
    assert np.all((x >= lo) & (x < hi))
    assert np.all(np.abs(x.mean(axis=1) - (lo + hi)[:, 0] / 2) < 0.05)


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_uniform_excludes_high_after_rounding(dtype: str) -> None:
    x = nd.random.uniform(0, 1, shape=200000, dtype=dtype).asnumpy()
    assert x.min() >= 0 and x.max() < 1
    y = nd.random.uniform(1000, 1001, shape=50000, dtype="float16").asnumpy()
    assert y.min() >= 1000 and y.max() < 1001
    assert nd.random.uniform(2, 2, shape=3).asnumpy().tolist() == [2, 2, 2]


def test_normal_float32_statistics() -> None:
    x = nd.random.normal(-3, 0.5, shape=(100, 100)).asnumpy()
    assert x.dtype == np.float32
    assert abs(x.mean() + 3) < 0.02 and abs(x.std() - 0.5) < 0.02


def test_randn() -> None:
    assert nd.random.randn().shape == (1,)
    assert nd.random.randn(2, 3).shape == (2, 3)
    assert nd.random.randn((2, 3)).shape == (2, 3)
    assert nd.random.randn(4, dtype="float64").dtype == np.float64
    x = nd.random.randn(N, loc=5, scale=3).asnumpy()
    assert abs(x.mean() - 5) < 0.15 and abs(x.std() - 3) < 0.1
    mx.random.seed(3)
    a = nd.random.randn(3, 4, loc=1, scale=2).asnumpy()
    mx.random.seed(3)
    b = nd.random.normal(1, 2, shape=(3, 4)).asnumpy()
    np.testing.assert_array_equal(a, b)
    assert get("randn").infer_shape(2, 3, loc=0, scale=1) == [(2, 3)]
    with pytest.raises(MXNetError, match="randn: shape"):
        nd.random.randn(2, -3)


def test_randint() -> None:
    x = nd.random.randint(-3, 3, shape=(N,))
    assert x.dtype == np.int32 and x.shape == (N,)
    v = x.asnumpy()
    assert v.min() == -3 and v.max() == 2
    counts = np.bincount(v + 3)
    assert np.all(np.abs(counts / N - 1 / 6) < 0.02)
    assert nd.random.randint(0, 10).shape == (1,)
    big = nd.random.randint(0, 2 ** 40, shape=10, dtype="int64")
    assert big.dtype == np.int64 and big.asnumpy().max() > 2 ** 31
    assert get("randint").infer_shape(low=0, high=5, shape=(2, 7)) == [(2, 7)]


@pytest.mark.parametrize("call, message", [
    (lambda: nd.random.randint(5, 5), r"randint: high \(5\) must be greater than low \(5\)"),
    (lambda: nd.random.randint(0, 3, dtype="float32"), "randint: dtype must be 'int32' or"),
    (lambda: nd.random.randint(0.5, 3), "randint: low must be an int, got 0.5"),
    (lambda: nd.random.uniform(2, 1), "uniform: high - low must be >= 0, got -1"),
    (lambda: nd.random.normal(0, -1), "normal: scale must be >= 0, got -1"),
    (lambda: nd.random.normal(nd.zeros(2), nd.array([1, -1])), "normal: scale must be >= 0, "
                                                               "got an array with min -1"),
    (lambda: nd.random.exponential(0), "exponential: scale must be > 0"),
    (lambda: nd.random.gamma(-1, 1), "gamma: alpha must be > 0"),
    (lambda: nd.random.gamma(1, 0), "gamma: beta must be > 0"),
    (lambda: nd.random.poisson(-2), "poisson: lam must be >= 0"),
    (lambda: nd.random.negative_binomial(2, 0), r"negative_binomial: p must be in \(0, 1\]"),
    (lambda: nd.random.uniform(shape=(2, -1)), r"uniform: shape \(2, -1\) has a negative"),
    (lambda: nd.random.uniform(shape="x"), "uniform: shape must be an int or a tuple of ints"),
    (lambda: nd.random.uniform(nd.zeros(2), nd.ones(3)), "incompatible shapes"),
    (lambda: nd.random.uniform(ctx=mx.gpu(0)), "CPU only"),
])
def test_errors(call, message) -> None:
    with pytest.raises(MXNetError, match=message):
        call()


def test_generalized_negative_binomial_alpha_zero_is_poisson() -> None:
    x = nd.random.generalized_negative_binomial(3.0, 0.0, shape=N, dtype="float64").asnumpy()
    assert abs(x.mean() - 3) < 0.1 and abs(x.var() - 3) < 0.3
    assert np.all(x == np.round(x))


def test_discrete_samples_are_whole_numbers() -> None:
    for x in (nd.random.poisson(2.5, shape=100), nd.random.negative_binomial(2, 0.5, shape=100)):
        v = x.asnumpy()
        assert x.dtype == np.float32 and np.all(v == np.round(v)) and v.min() >= 0


# -- multinomial ---------------------------------------------------------------------------------
def test_multinomial_shapes_and_dtypes() -> None:
    probs = nd.array([[0, 0.1, 0.2, 0.3, 0.4], [0.4, 0.3, 0.2, 0.1, 0]])
    assert nd.random.multinomial(probs).shape == (2,)
    assert nd.random.multinomial(probs).dtype == np.int32
    assert nd.random.multinomial(probs, shape=2).shape == (2, 2)
    assert nd.random.multinomial(probs, shape=(3, 4)).shape == (2, 3, 4)
    assert nd.random.multinomial(probs[0]).shape == (1,)  # one 1-D distribution: legacy (1,)
    assert nd.random.multinomial(probs, dtype="int64").dtype == np.int64
    assert nd.random.multinomial(probs, dtype="float32").dtype == np.float32
    x3 = nd.random.multinomial(nd.ones((2, 3, 4)) / 4, shape=5)
    assert x3.shape == (2, 3, 5)
    op = get("multinomial")
    assert op.infer_shape((2, 5), shape=(3,)) == [(2, 3)]
    assert op.infer_shape((5,)) == [(1,)]
    assert op.infer_shape((2, 5), shape=4, get_prob=True) == [(2, 4), (2, 4)]


def test_multinomial_frequencies_and_zero_probabilities() -> None:
    p = np.array([[0.0, 0.1, 0.2, 0.3, 0.4], [0.4, 0.3, 0.2, 0.1, 0.0]])
    x = nd.random.multinomial(nd.array(p), shape=N).asnumpy()
    for row in range(2):
        freq = np.bincount(x[row], minlength=5) / N
        assert np.all(np.abs(freq - p[row]) < 0.015), freq
    assert not np.any(x[0] == 0) and not np.any(x[1] == 4)
    sure = nd.random.multinomial(nd.array([[0, 0, 1], [1, 0, 0]]), shape=10).asnumpy()
    assert sure.tolist() == [[2] * 10, [0] * 10]


def test_multinomial_get_prob_and_its_gradient() -> None:
    p = nd.array([[0.25, 0.75], [0.5, 0.5]])
    p.attach_grad()
    with autograd.record():
        idx, logp = nd.random.multinomial(p, shape=6, get_prob=True)
    assert idx.shape == logp.shape == (2, 6) and logp.dtype == np.float32
    pv, iv = p.asnumpy(), idx.asnumpy()
    picked = np.take_along_axis(pv, iv, axis=1)
    np.testing.assert_allclose(logp.asnumpy(), np.log(picked), rtol=1e-6)
    reward = nd.arange(12).reshape((2, 6))
    logp.backward(reward)
    expected = np.zeros((2, 2))
    for r in range(2):
        for j in range(6):
            expected[r, iv[r, j]] += reward.asnumpy()[r, j] / pv[r, iv[r, j]]
    np.testing.assert_allclose(p.grad.asnumpy(), expected, rtol=1e-6)


def test_multinomial_without_get_prob_returns_one_array_and_records_nothing() -> None:
    p = nd.array([0.5, 0.5])
    p.attach_grad()
    with autograd.record():
        out = nd.random.multinomial(p)
    assert not isinstance(out, list)
    assert out.shape == (1,)


@pytest.mark.parametrize("data, message", [
    (nd.array([-0.5, 1.5]), "probabilities must be >= 0"),
    (nd.zeros((2, 3)), "positive total probability"),
    (nd.zeros((2, 0)), "non-empty last axis"),
])
def test_multinomial_errors(data, message) -> None:
    with pytest.raises(MXNetError, match=message):
        nd.random.multinomial(data)


# -- shuffle -------------------------------------------------------------------------------------
def test_shuffle_permutes_rows_only() -> None:
    x = nd.arange(30).reshape((10, 3))
    y = nd.random.shuffle(x)
    assert y.shape == x.shape and y.dtype == x.dtype
    rows = sorted(map(tuple, y.asnumpy().tolist()))
    assert rows == [tuple(r) for r in x.asnumpy().tolist()]
    assert x.asnumpy()[:, 0].tolist() == list(range(0, 30, 3))  # input untouched
    orders = {tuple(nd.random.shuffle(x).asnumpy()[:, 0]) for _ in range(5)}
    assert len(orders) > 1
    v = nd.random.shuffle(nd.arange(5, dtype="int64"))
    assert v.dtype == np.int64 and sorted(v.asnumpy().tolist()) == [0, 1, 2, 3, 4]
    assert get("shuffle").infer_shape((4, 2)) == [(4, 2)]


@pytest.mark.parametrize("name", SAMPLERS)
def test_shape_inference_matches_forward(name: str) -> None:
    kw = SAMPLERS[name]
    for shape in (None, 3, (2, 4)):
        out = sampler(name)(**kw, shape=shape)
        assert get(name).infer_shape(**kw, shape=shape) == [out.shape]


def test_samplers_are_not_recorded() -> None:
    with autograd.record():
        x = nd.random.uniform(shape=(2,))
        y = nd.random.shuffle(nd.ones((3,)))
    assert x._node is None and y._node is None


def test_mxnet_root_namespace_sampler_names() -> None:
    # MXNet keeps nd.uniform / nd.random_uniform (and sym.*) beside nd.random.uniform
    for root, sub in [("uniform", "uniform"), ("random_uniform", "uniform"),
                      ("normal", "normal"), ("random_normal", "normal"),
                      ("random_poisson", "poisson"), ("random_randint", "randint"),
                      ("shuffle", "shuffle")]:
        assert getattr(nd, root).op is getattr(nd.random, sub).op
        assert getattr(mx.sym, root).op is getattr(mx.sym.random, sub).op
    mx_seed_a = nd.uniform(low=2, high=3, shape=(50,)).asnumpy()
    assert mx_seed_a.min() >= 2 and mx_seed_a.max() < 3
