"""NN ops against independent naive-loop references (outputs and gradients), plus semantics.

The references loop over output positions in plain Python, following MXNet's definitions
(``src/operator/nn/pool.h`` window rules, the textbook BatchNorm backward), so they share no
code with the vectorized kernels in ``minigluon/ops/conv_engine.py``, ``convolution.py``,
``pooling.py``, ``normalization.py`` and ``nn.py``.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

import minigluon as mx
from minigluon import autograd, nd
from minigluon.base import MXNetError
from minigluon.ops import conv_engine as conv_mod

TOL = dict(rtol=1e-5, atol=1e-5)


def _arr(a: np.ndarray) -> nd.NDArray:
    return nd.array(a, dtype=np.float64)


def _grads(fn, inputs: list[np.ndarray], head: np.ndarray, wrt: tuple[int, ...]) -> tuple:
    """Output and input gradients of ``fn(*NDArrays)`` through nd + autograd (float64)."""
    arrays = [_arr(x) for x in inputs]
    for i in wrt:
        arrays[i].attach_grad()
    with autograd.record():
        y = fn(*arrays)
    y.backward(_arr(head))
    return (y.asnumpy(), *(arrays[i].grad.asnumpy() for i in wrt))


# -- naive references ----------------------------------------------------------------------
def conv_ref(x, w, b, stride, pad, dilate, groups, g=None):
    """Convolution by loops over output positions; with ``g`` also (gx, gw, gb)."""
    n, c = x.shape[:2]
    f = w.shape[0]
    ksz = w.shape[2:]
    sp = x.shape[2:]
    cg, fg = c // groups, f // groups
    out_sp = tuple((sp[i] + 2 * pad[i] - dilate[i] * (ksz[i] - 1) - 1) // stride[i] + 1
                   for i in range(len(sp)))
    y = np.zeros((n, f, *out_sp))
    gx, gw = np.zeros_like(x), np.zeros_like(w)
    for ni in range(n):
        for fi in range(f):
            grp = fi // fg
            for o in itertools.product(*(range(s) for s in out_sp)):
                acc = 0.0 if b is None else b[fi]
                for ci in range(cg):
                    for k in itertools.product(*(range(s) for s in ksz)):
                        pos = tuple(o[i] * stride[i] - pad[i] + k[i] * dilate[i]
                                    for i in range(len(sp)))
                        if all(0 <= pos[i] < sp[i] for i in range(len(sp))):
                            xi = (ni, grp * cg + ci, *pos)
                            acc += w[(fi, ci, *k)] * x[xi]
                            if g is not None:
                                gx[xi] += w[(fi, ci, *k)] * g[(ni, fi, *o)]
                                gw[(fi, ci, *k)] += x[xi] * g[(ni, fi, *o)]
                y[(ni, fi, *o)] = acc
    if g is None:
        return y
    gb = g.sum(axis=(0, *range(2, g.ndim)))
    return y, gx, gw, gb


def deconv_ref(x, w, stride, pad, dilate, adj, groups, g=None):
    """Transposed convolution by scattering each input pixel; with ``g`` also (gx, gw)."""
    n, c = x.shape[:2]
    fg = w.shape[1]
    ksz = w.shape[2:]
    cg = c // groups
    sp = x.shape[2:]
    out_sp = tuple(stride[i] * (sp[i] - 1) + dilate[i] * (ksz[i] - 1) + 1 - 2 * pad[i] + adj[i]
                   for i in range(len(sp)))
    y = np.zeros((n, fg * groups, *out_sp))
    gx, gw = np.zeros_like(x), np.zeros_like(w)
    for ni in range(n):
        for ci in range(c):
            grp = ci // cg
            for i in itertools.product(*(range(s) for s in sp)):
                for fi in range(fg):
                    for k in itertools.product(*(range(s) for s in ksz)):
                        pos = tuple(i[d] * stride[d] - pad[d] + k[d] * dilate[d]
                                    for d in range(len(sp)))
                        if all(0 <= pos[d] < out_sp[d] for d in range(len(sp))):
                            yi = (ni, grp * fg + fi, *pos)
                            y[yi] += x[(ni, ci, *i)] * w[(ci, fi, *k)]
                            if g is not None:
                                gx[(ni, ci, *i)] += g[yi] * w[(ci, fi, *k)]
                                gw[(ci, fi, *k)] += g[yi] * x[(ni, ci, *i)]
    return y if g is None else (y, gx, gw)


def pool_ref(x, kernel, stride, pad, pool_type, convention, count_include_pad=True, g=None):
    """Pooling by loops over output windows with MXNet's clipping rules; with ``g`` also gx."""
    n, c = x.shape[:2]
    sp = x.shape[2:]
    nd_ = len(sp)
    rnd = (lambda a, s: a // s) if convention == "valid" else (lambda a, s: -(-a // s))
    out_sp = tuple(1 + rnd(sp[i] + 2 * pad[i] - kernel[i], stride[i]) for i in range(nd_))
    y = np.zeros((n, c, *out_sp))
    gx = np.zeros_like(x)
    for ni in range(n):
        for ci in range(c):
            for o in itertools.product(*(range(s) for s in out_sp)):
                start = [o[i] * stride[i] - pad[i] for i in range(nd_)]
                end = [min(start[i] + kernel[i], sp[i] + pad[i]) for i in range(nd_)]
                size = math.prod(end[i] - start[i] for i in range(nd_))
                lo = [max(s, 0) for s in start]
                hi = [min(e, sp[i]) for i, e in enumerate(end)]
                if not count_include_pad:
                    size = math.prod(hi[i] - lo[i] for i in range(nd_))
                cells = list(itertools.product(*(range(lo[i], hi[i]) for i in range(nd_))))
                vals = [x[(ni, ci, *p)] for p in cells]
                gout = None if g is None else g[(ni, ci, *o)]
                if pool_type == "max":
                    best = max(vals)
                    y[(ni, ci, *o)] = best
                    if g is not None:
                        first = cells[vals.index(best)]  # the first maximum gets the gradient
                        gx[(ni, ci, *first)] += gout
                else:
                    div = size if pool_type == "avg" else 1
                    y[(ni, ci, *o)] = sum(vals) / div
                    if g is not None:
                        for p in cells:
                            gx[(ni, ci, *p)] += gout / div
    return y if g is None else (y, gx)


def fc_ref(x, w, b, g):
    x2 = x.reshape(x.shape[0], -1)
    m, k = x2.shape
    h = w.shape[0]
    y = np.zeros((m, h))
    gx, gw, gb = np.zeros_like(x2), np.zeros_like(w), np.zeros(h)
    for i in range(m):
        for j in range(h):
            y[i, j] = b[j] + sum(x2[i, t] * w[j, t] for t in range(k))
            gb[j] += g[i, j]
            for t in range(k):
                gx[i, t] += g[i, j] * w[j, t]
                gw[j, t] += g[i, j] * x2[i, t]
    return y, gx.reshape(x.shape), gw, gb


def bn_train_ref(x, gamma, beta, eps, g):
    """Per-channel loops; the textbook backward through mean and variance."""
    y, gx = np.zeros_like(x), np.zeros_like(x)
    ggamma, gbeta = np.zeros_like(gamma), np.zeros_like(beta)
    means, vars_ = np.zeros(x.shape[1]), np.zeros(x.shape[1])
    for c in range(x.shape[1]):
        idx = [i for i in itertools.product(*(range(s) for s in x.shape)) if i[1] == c]
        m = len(idx)
        mu = sum(x[i] for i in idx) / m
        var = sum((x[i] - mu) ** 2 for i in idx) / m
        means[c], vars_[c] = mu, var
        sd = math.sqrt(var + eps)
        for i in idx:
            y[i] = gamma[c] * (x[i] - mu) / sd + beta[c]
        dxhat = {i: g[i] * gamma[c] for i in idx}
        dvar = sum(dxhat[i] * (x[i] - mu) * -0.5 * sd ** -3 for i in idx)
        dmu = sum(-dxhat[i] / sd for i in idx) + dvar * sum(-2 * (x[i] - mu) for i in idx) / m
        for i in idx:
            gx[i] = dxhat[i] / sd + dvar * 2 * (x[i] - mu) / m + dmu / m
            ggamma[c] += g[i] * (x[i] - mu) / sd
            gbeta[c] += g[i]
    return y, gx, ggamma, gbeta, means, vars_


# -- Convolution ---------------------------------------------------------------------------
CONV_CASES = [
    # (data shape, num_filter, kernel, stride, pad, dilate, groups)
    ((2, 3, 6, 5), 4, (3, 3), (1, 1), (0, 0), (1, 1), 1),
    ((2, 1, 7, 7), 2, (3, 2), (2, 1), (1, 0), (1, 1), 1),
    ((1, 4, 6, 6), 4, (2, 3), (1, 2), (1, 1), (2, 1), 2),
    ((2, 6, 5, 5), 6, (3, 3), (2, 2), (1, 1), (1, 1), 6),
    ((2, 2, 8, 6), 3, (2, 2), (3, 2), (2, 1), (2, 3), 1),
    ((2, 3, 9), 4, (3,), (2,), (1,), (2,), 1),
    ((1, 2, 4, 5, 4), 2, (2, 3, 2), (1, 2, 1), (1, 0, 1), (1, 1, 2), 2),
]


@pytest.mark.parametrize("layout", [None, "nhwc", "offset"])
@pytest.mark.parametrize("case", CONV_CASES, ids=lambda c: f"{c[0]}-k{c[2]}-g{c[6]}")
def test_convolution_matches_naive_loops(case, layout, monkeypatch) -> None:
    shape, f, k, s, p, d, grp = case
    monkeypatch.setattr(conv_mod, "_FORCE_LAYOUT", layout)
    monkeypatch.setattr(conv_mod, "_CHUNK_BYTES", 512)  # several chunks even for tiny inputs
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape)
    w = rng.standard_normal((f, shape[1] // grp, *k))
    b = rng.standard_normal(f)
    y_ref = conv_ref(x, w, b, s, p, d, grp)
    g = rng.standard_normal(y_ref.shape)
    _, gx_ref, gw_ref, gb_ref = conv_ref(x, w, b, s, p, d, grp, g)
    y, gx, gw, gb = _grads(lambda a, ww, bb: nd.Convolution(
        a, ww, bb, kernel=k, stride=s, pad=p, dilate=d, num_filter=f, num_group=grp),
        [x, w, b], g, (0, 1, 2))
    np.testing.assert_allclose(y, y_ref, **TOL)
    np.testing.assert_allclose(gx, gx_ref, **TOL)
    np.testing.assert_allclose(gw, gw_ref, **TOL)
    np.testing.assert_allclose(gb, gb_ref, **TOL)


def test_convolution_float32_and_no_bias() -> None:
    rng = np.random.default_rng(1)
    x = rng.standard_normal((3, 2, 6, 6)).astype(np.float32)
    w = rng.standard_normal((5, 2, 3, 3)).astype(np.float32)
    y = nd.Convolution(nd.array(x), nd.array(w), kernel=(3, 3), num_filter=5, no_bias=True,
                       pad=(1, 1))
    assert y.dtype == np.float32 and y.shape == (3, 5, 6, 6)
    ref = conv_ref(x.astype(np.float64), w.astype(np.float64), None, (1, 1), (1, 1), (1, 1), 1)
    np.testing.assert_allclose(y.asnumpy(), ref, rtol=1e-4, atol=1e-4)


def test_convolution_errors_name_the_op_and_shapes() -> None:
    with pytest.raises(MXNetError, match=r"Convolution: weight has 4 input channels per group "
                       r"but data has 3 channels \(num_group=1\).*\(2, 4, 3, 3\)"):
        nd.Convolution(nd.ones((1, 3, 5, 5)), nd.ones((2, 4, 3, 3)), kernel=(3, 3),
                       num_filter=2, no_bias=True)
    with pytest.raises(MXNetError, match=r"Convolution: kernel \(3, 3\) needs 4-D data"):
        nd.Convolution(nd.ones((1, 3, 5)), nd.ones((2, 3, 3, 3)), kernel=(3, 3), num_filter=2,
                       no_bias=True)
    with pytest.raises(MXNetError, match=r"num_group=2 must divide"):
        nd.Convolution(nd.ones((1, 3, 5, 5)), nd.ones((2, 1, 3, 3)), kernel=(3, 3),
                       num_filter=2, num_group=2, no_bias=True)
    with pytest.raises(MXNetError, match=r"does not fit in data of shape \(1, 1, 2, 2\)"):
        nd.Convolution(nd.ones((1, 1, 2, 2)), nd.ones((1, 1, 3, 3)), kernel=(3, 3),
                       num_filter=1, no_bias=True)
    with pytest.raises(MXNetError, match=r"bias shape \(3,\) must be \(num_filter,\) = \(2,\)"):
        nd.Convolution(nd.ones((1, 1, 4, 4)), nd.ones((2, 1, 3, 3)), nd.ones((3,)),
                       kernel=(3, 3), num_filter=2)
    with pytest.raises(MXNetError, match=r"layout 'NHWC' is not supported"):
        nd.Convolution(nd.ones((1, 4, 4, 1)), nd.ones((2, 1, 3, 3)), kernel=(3, 3),
                       num_filter=2, no_bias=True, layout="NHWC")


def test_convolution_shape_inference_does_not_run_the_kernel() -> None:
    from minigluon.ops import get

    op = get("Convolution")
    out = op.infer_shape((64, 3, 224, 224), (64, 3, 7, 7), (64,), kernel=(7, 7), stride=(2, 2),
                         pad=(3, 3), num_filter=64)
    assert out == [(64, 64, 112, 112)]
    with pytest.raises(MXNetError, match="input channels per group"):
        op.infer_shape((1, 3, 8, 8), (4, 2, 3, 3), None, kernel=(3, 3), num_filter=4)


# -- Deconvolution -------------------------------------------------------------------------
DECONV_CASES = [
    # (data shape, num_filter, kernel, stride, pad, dilate, adj, groups)
    ((2, 3, 3, 4), 2, (3, 3), (1, 1), (0, 0), (1, 1), (0, 0), 1),
    ((1, 2, 3, 3), 3, (3, 2), (2, 2), (1, 0), (1, 1), (1, 1), 1),
    ((2, 4, 2, 3), 4, (2, 2), (2, 1), (0, 1), (2, 1), (1, 0), 2),
    ((2, 2, 4), 2, (3,), (3,), (1,), (1,), (2,), 1),
]


@pytest.mark.parametrize("case", DECONV_CASES, ids=lambda c: f"{c[0]}-s{c[3]}-g{c[7]}")
def test_deconvolution_matches_naive_loops(case) -> None:
    shape, f, k, s, p, d, adj, grp = case
    rng = np.random.default_rng(2)
    x = rng.standard_normal(shape)
    w = rng.standard_normal((shape[1], f // grp, *k))
    y_ref = deconv_ref(x, w, s, p, d, adj, grp)
    g = rng.standard_normal(y_ref.shape)
    _, gx_ref, gw_ref = deconv_ref(x, w, s, p, d, adj, grp, g)
    y, gx, gw = _grads(lambda a, ww: nd.Deconvolution(
        a, ww, kernel=k, stride=s, pad=p, dilate=d, adj=adj, num_filter=f, num_group=grp),
        [x, w], g, (0, 1))
    np.testing.assert_allclose(y, y_ref, **TOL)
    np.testing.assert_allclose(gx, gx_ref, **TOL)
    np.testing.assert_allclose(gw, gw_ref, **TOL)


def test_deconvolution_is_the_transpose_of_convolution() -> None:
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 3, 7, 6))
    w = rng.standard_normal((4, 3, 3, 3))
    attrs = dict(kernel=(3, 3), stride=(2, 2), pad=(1, 1))
    y = nd.Convolution(_arr(x), _arr(w), num_filter=4, no_bias=True, **attrs)
    u = rng.standard_normal(y.shape)
    # <conv(x), u> == <x, deconv(u)> with the same weight (adjoint operators)
    back = nd.Deconvolution(_arr(u), _arr(w), num_filter=3, adj=(0, 1), **attrs)
    assert back.shape == x.shape
    np.testing.assert_allclose((y.asnumpy() * u).sum(), (x * back.asnumpy()).sum(), rtol=1e-10)


def test_deconvolution_target_shape_and_bias() -> None:
    x = nd.ones((1, 2, 4, 4))
    y = nd.Deconvolution(x, nd.ones((2, 3, 4, 4)), nd.array([1, 2, 3]), kernel=(4, 4),
                         stride=(2, 2), num_filter=3, no_bias=False, target_shape=(8, 7))
    assert y.shape == (1, 3, 8, 7)
    # interior pixels get 2 channels x 4 overlapping kernel taps, plus the bias
    np.testing.assert_allclose(y.asnumpy()[0, :, 3, 3], [9, 10, 11])
    with pytest.raises(MXNetError, match=r"target_shape=.* is too big"):
        nd.Deconvolution(x, nd.ones((2, 3, 4, 4)), kernel=(4, 4), stride=(2, 2), num_filter=3,
                         target_shape=(20, 20))
    with pytest.raises(MXNetError, match=r"Deconvolution: weight shape \(3, 3, 4, 4\) does not "
                       r"match data of shape \(1, 2, 4, 4\)"):
        nd.Deconvolution(x, nd.ones((3, 3, 4, 4)), kernel=(4, 4), num_filter=3)


# -- Pooling -------------------------------------------------------------------------------
POOL_CASES = [
    # (data shape, kernel, stride, pad, pool_type, convention, count_include_pad)
    ((2, 2, 6, 6), (2, 2), (2, 2), (0, 0), "max", "valid", True),
    ((1, 2, 7, 6), (3, 3), (2, 2), (1, 1), "max", "valid", True),
    ((1, 2, 7, 6), (3, 2), (2, 2), (1, 0), "max", "full", True),
    ((1, 2, 5, 5), (3, 3), (1, 1), (1, 1), "max", "valid", True),
    ((2, 2, 7, 6), (3, 3), (2, 2), (1, 1), "avg", "valid", True),
    ((2, 2, 7, 6), (3, 3), (2, 2), (1, 1), "avg", "valid", False),
    ((1, 2, 8, 5), (2, 3), (2, 2), (1, 1), "avg", "full", True),
    ((1, 2, 8, 5), (2, 3), (2, 2), (1, 1), "avg", "full", False),
    ((1, 2, 5, 6), (2, 2), (1, 2), (0, 1), "sum", "valid", True),
    ((2, 3, 9), (3,), (2,), (1,), "max", "full", True),
    ((2, 3, 9), (4,), (3,), (2,), "avg", "valid", False),
    ((1, 2, 4, 5, 3), (2, 2, 2), (2, 2, 1), (0, 1, 1), "max", "valid", True),
]


@pytest.mark.parametrize("case", POOL_CASES, ids=lambda c: f"{c[4]}-{c[5]}-{c[1]}-{c[6]}")
def test_pooling_matches_naive_loops(case) -> None:
    shape, k, s, p, ptype, conv, cip = case
    rng = np.random.default_rng(4)
    x = rng.standard_normal(shape)
    y_ref = pool_ref(x, k, s, p, ptype, conv, cip)
    g = rng.standard_normal(y_ref.shape)
    _, gx_ref = pool_ref(x, k, s, p, ptype, conv, cip, g)
    y, gx = _grads(lambda a: nd.Pooling(a, kernel=k, stride=s, pad=p, pool_type=ptype,
                                        pooling_convention=conv, count_include_pad=cip),
                   [x], g, (0,))
    np.testing.assert_allclose(y, y_ref, **TOL)
    np.testing.assert_allclose(gx, gx_ref, **TOL)


def test_max_pooling_ties_route_the_gradient_to_the_first_maximum() -> None:
    # relu outputs are full of ties at 0: MXNet gives the whole gradient to the first one
    x = np.zeros((1, 1, 4, 4))
    x[0, 0, 3, 3] = -1.0
    g = np.arange(1.0, 5.0).reshape(1, 1, 2, 2)
    for stride in ((2, 2), (1, 1)):
        y_ref = pool_ref(x, (2, 2), stride, (0, 0), "max", "valid")
        gg = np.ones(y_ref.shape)
        _, gx_ref = pool_ref(x, (2, 2), stride, (0, 0), "max", "valid", g=gg)
        _, gx = _grads(lambda a, st=stride: nd.Pooling(a, kernel=(2, 2), stride=st),
                       [x], gg, (0,))
        np.testing.assert_array_equal(gx, gx_ref)
        assert gx.sum() == gg.sum()
    _, gx = _grads(lambda a: nd.Pooling(a, kernel=(2, 2), stride=(2, 2)), [x], g, (0,))
    np.testing.assert_array_equal(gx[0, 0], [[1, 0, 2, 0], [0, 0, 0, 0],
                                             [3, 0, 4, 0], [0, 0, 0, 0]])


@pytest.mark.parametrize("ptype", ["max", "avg", "sum"])
def test_global_pooling(ptype) -> None:
    rng = np.random.default_rng(5)
    x = rng.standard_normal((2, 3, 4, 5))
    g = rng.standard_normal((2, 3, 1, 1))
    y, gx = _grads(lambda a: nd.Pooling(a, kernel=(7, 7), global_pool=True, pool_type=ptype),
                   [x], g, (0,))
    y_ref, gx_ref = pool_ref(x, (4, 5), (1, 1), (0, 0), ptype, "valid", g=g)
    assert y.shape == (2, 3, 1, 1)
    np.testing.assert_allclose(y, y_ref, **TOL)
    np.testing.assert_allclose(gx, gx_ref, **TOL)
    assert nd.Pooling(nd.ones((2, 3, 9)), global_pool=True).shape == (2, 3, 1)


@pytest.mark.parametrize("size", range(4, 12))
@pytest.mark.parametrize("kernel,stride,pad", [(2, 2, 0), (3, 2, 1), (3, 3, 0), (4, 3, 2),
                                               (1, 2, 0)])
def test_pooling_output_size_formulas(size, kernel, stride, pad) -> None:
    x = nd.ones((1, 1, size, size))
    kw = dict(kernel=(kernel, kernel), stride=(stride, stride), pad=(pad, pad))
    valid = nd.Pooling(x, pooling_convention="valid", **kw).shape[2]
    full = nd.Pooling(x, pooling_convention="full", **kw).shape[2]
    assert valid == math.floor((size + 2 * pad - kernel) / stride) + 1
    assert full == math.ceil((size + 2 * pad - kernel) / stride) + 1
    from minigluon.ops import get

    assert get("Pooling").infer_shape((1, 1, size, size), pooling_convention="full",
                                      **kw) == [(1, 1, full, full)]


def test_pooling_avg_count_include_pad_default_is_true() -> None:
    x = nd.ones((1, 1, 3, 3))
    y = nd.Pooling(x, kernel=(3, 3), pad=(1, 1), pool_type="avg")
    assert y.asnumpy()[0, 0, 0, 0] == pytest.approx(4 / 9)
    y = nd.Pooling(x, kernel=(3, 3), pad=(1, 1), pool_type="avg", count_include_pad=False)
    np.testing.assert_allclose(y.asnumpy(), 1.0)


def test_pooling_errors() -> None:
    with pytest.raises(MXNetError, match=r"Pooling: kernel size \(5, 5\) exceeds input"):
        nd.Pooling(nd.ones((1, 1, 3, 3)), kernel=(5, 5))
    with pytest.raises(MXNetError, match="pool_type must be one of"):
        nd.Pooling(nd.ones((1, 1, 3, 3)), kernel=(2, 2), pool_type="lp")
    with pytest.raises(MXNetError, match="pooling_convention must be 'valid' or 'full'"):
        nd.Pooling(nd.ones((1, 1, 3, 3)), kernel=(2, 2), pooling_convention="same")


# -- FullyConnected ------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(3, 4), (2, 2, 3), (1, 5)])
def test_fully_connected_matches_naive_loops(shape) -> None:
    rng = np.random.default_rng(6)
    x = rng.standard_normal(shape)
    k = math.prod(shape[1:])
    w, b = rng.standard_normal((4, k)), rng.standard_normal(4)
    g = rng.standard_normal((shape[0], 4))
    y_ref, gx_ref, gw_ref, gb_ref = fc_ref(x, w, b, g)
    y, gx, gw, gb = _grads(lambda a, ww, bb: nd.FullyConnected(a, ww, bb, num_hidden=4),
                           [x, w, b], g, (0, 1, 2))
    for got, want in ((y, y_ref), (gx, gx_ref), (gw, gw_ref), (gb, gb_ref)):
        np.testing.assert_allclose(got, want, **TOL)


def test_fully_connected_no_flatten_and_errors() -> None:
    x = nd.array(np.arange(12.0).reshape(2, 2, 3))
    w = nd.array(np.arange(6.0).reshape(2, 3))
    y = nd.FullyConnected(x, w, num_hidden=2, no_bias=True, flatten=False)
    np.testing.assert_allclose(y.asnumpy(), x.asnumpy() @ w.asnumpy().T)
    with pytest.raises(MXNetError, match=r"FullyConnected: weight has shape \(2, 3\) but data "
                       r"of shape \(2, 2, 3\) \(flattened to \(2, 6\)\) needs weight shape"):
        nd.FullyConnected(x, w, num_hidden=2, no_bias=True)


# -- BatchNorm -----------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(4, 3), (2, 3, 2, 2)])
def test_batchnorm_train_matches_naive_loops(shape) -> None:
    rng = np.random.default_rng(7)
    x = rng.standard_normal(shape)
    gamma, beta = rng.standard_normal(3), rng.standard_normal(3)
    g = rng.standard_normal(shape)
    y_ref, gx_ref, gg_ref, gb_ref, mu, var = bn_train_ref(x, gamma, beta, 1e-3, g)
    mm, mv = _arr(np.zeros(3)), _arr(np.ones(3))
    arrays = [_arr(x), _arr(gamma), _arr(beta)]
    for a in arrays:
        a.attach_grad()
    with autograd.record():
        y = nd.BatchNorm(*arrays, mm, mv, fix_gamma=False)
    y.backward(_arr(g))
    np.testing.assert_allclose(y.asnumpy(), y_ref, **TOL)
    np.testing.assert_allclose(arrays[0].grad.asnumpy(), gx_ref, **TOL)
    np.testing.assert_allclose(arrays[1].grad.asnumpy(), gg_ref, **TOL)
    np.testing.assert_allclose(arrays[2].grad.asnumpy(), gb_ref, **TOL)
    # moving = moving * momentum + batch * (1 - momentum), with the biased variance
    np.testing.assert_allclose(mm.asnumpy(), 0.1 * mu, **TOL)
    np.testing.assert_allclose(mv.asnumpy(), 0.9 + 0.1 * var, **TOL)


def test_batchnorm_moving_stats_update_in_place_each_step() -> None:
    x = nd.array([[1, 10], [3, 30]])
    mm, mv = nd.array([1, 1]), nd.array([2, 2])
    buf_mean = mm._data
    with autograd.train_mode():
        nd.BatchNorm(x, nd.ones(2), nd.zeros(2), mm, mv, momentum=0.8)
    assert mm._data is buf_mean  # in place: Parameters holding these arrays see the update
    np.testing.assert_allclose(mm.asnumpy(), [0.8 + 0.2 * 2, 0.8 + 0.2 * 20], rtol=1e-6)
    np.testing.assert_allclose(mv.asnumpy(), [1.6 + 0.2 * 1, 1.6 + 0.2 * 100], rtol=1e-6)
    with autograd.train_mode():
        nd.BatchNorm(x, nd.ones(2), nd.zeros(2), mm, mv, momentum=0.8)
    np.testing.assert_allclose(mm.asnumpy()[0], 0.8 * 1.2 + 0.2 * 2, rtol=1e-6)
    # predict mode and use_global_stats leave them alone
    before = mm.asnumpy().copy()
    nd.BatchNorm(x, nd.ones(2), nd.zeros(2), mm, mv)
    with autograd.train_mode():
        nd.BatchNorm(x, nd.ones(2), nd.zeros(2), mm, mv, use_global_stats=True)
    np.testing.assert_array_equal(mm.asnumpy(), before)


@pytest.mark.parametrize("use_global_stats", [False, True])
def test_batchnorm_predict_is_a_per_channel_affine_map(use_global_stats) -> None:
    rng = np.random.default_rng(8)
    x = rng.standard_normal((3, 2, 2))
    gamma, beta = rng.standard_normal(2), rng.standard_normal(2)
    mean, var = rng.standard_normal(2), rng.uniform(0.5, 2, 2)
    g = rng.standard_normal(x.shape)
    arrays = [_arr(x), _arr(gamma), _arr(beta)]
    for a in arrays:
        a.attach_grad()
    with autograd.record(train_mode=use_global_stats):
        y = nd.BatchNorm(*arrays, _arr(mean), _arr(var), fix_gamma=False, eps=1e-5,
                         use_global_stats=use_global_stats)
    y.backward(_arr(g))
    scale = gamma / np.sqrt(var + 1e-5)
    y_ref = np.empty_like(x)
    for n, c, i in itertools.product(range(3), range(2), range(2)):
        y_ref[n, c, i] = (x[n, c, i] - mean[c]) * scale[c] + beta[c]
    np.testing.assert_allclose(y.asnumpy(), y_ref, **TOL)
    np.testing.assert_allclose(arrays[0].grad.asnumpy(), g * scale[None, :, None], **TOL)
    xhat = (x - mean[None, :, None]) / np.sqrt(var + 1e-5)[None, :, None]
    np.testing.assert_allclose(arrays[1].grad.asnumpy(), (g * xhat).sum(axis=(0, 2)), **TOL)
    np.testing.assert_allclose(arrays[2].grad.asnumpy(), g.sum(axis=(0, 2)), **TOL)


def test_batchnorm_fix_gamma_ignores_gamma_and_gives_it_zero_gradient() -> None:
    x = _arr(np.array([[1.0, 2.0], [3.0, 6.0]]))
    gamma = _arr(np.array([5.0, 5.0]))
    gamma.attach_grad()
    with autograd.record():
        y = nd.BatchNorm(x, gamma, nd.zeros(2, dtype="float64"), nd.zeros(2, dtype="float64"),
                         nd.ones(2, dtype="float64"), eps=0)
    y.backward()
    np.testing.assert_allclose(y.asnumpy(), [[-1, -1], [1, 1]])
    np.testing.assert_array_equal(gamma.grad.asnumpy(), [0, 0])


def test_batchnorm_output_mean_var_and_errors() -> None:
    x = nd.array([[1, 10], [3, 30]])
    with autograd.train_mode():
        _, mean, var = nd.BatchNorm(x, nd.ones(2), nd.zeros(2), nd.zeros(2), nd.ones(2),
                                    output_mean_var=True)
    np.testing.assert_allclose(mean.asnumpy(), [2, 20])
    np.testing.assert_allclose(var.asnumpy(), [1, 100])
    with pytest.raises(MXNetError, match=r"BatchNorm: gamma has shape \(3,\) but data of shape "
                       r"\(2, 2\) has 2 channels on axis 1"):
        nd.BatchNorm(x, nd.ones(3), nd.zeros(2), nd.zeros(2), nd.ones(2))


# -- Dropout -------------------------------------------------------------------------------
def test_dropout_train_vs_predict() -> None:
    x = nd.ones((200, 50))
    y = nd.Dropout(x, p=0.3)
    np.testing.assert_array_equal(y.asnumpy(), 1)  # prediction: identity
    mx.random.seed(3)
    with autograd.train_mode():
        y = nd.Dropout(x, p=0.3).asnumpy()
    np.testing.assert_allclose(np.unique(y), [0.0, 1 / 0.7], rtol=1e-6)
    assert abs((y == 0).mean() - 0.3) < 0.02
    assert abs(y.mean() - 1.0) < 0.05  # inverted scaling keeps the expectation
    always = nd.Dropout(x, p=0.3, mode="always").asnumpy()
    assert (always == 0).any()
    with autograd.train_mode():
        np.testing.assert_array_equal(nd.Dropout(x, p=0.0).asnumpy(), 1)


def test_dropout_backward_uses_the_same_mask() -> None:
    x = nd.array(np.random.default_rng(9).standard_normal((20, 30)))
    x.attach_grad()
    with autograd.record():
        y = nd.Dropout(x, p=0.5)
    y.backward()
    kept = y.asnumpy() != 0
    np.testing.assert_allclose(x.grad.asnumpy(), np.where(kept, 2.0, 0.0))


def test_dropout_axes_share_the_mask() -> None:
    x = nd.ones((4, 6, 5))
    with autograd.train_mode():
        y = nd.Dropout(x, p=0.5, axes=(1,)).asnumpy()
    assert (y == y[:, :1, :]).all()  # constant along axis 1
    assert (y == 0).any() and (y != 0).any()
    with autograd.train_mode():
        y = nd.Dropout(x, p=0.5, axes=(0, 2)).asnumpy()
    assert (y == y[:1, :, :1]).all()


# -- activations ---------------------------------------------------------------------------
def test_activation_types_match_formulas() -> None:
    v = np.array([-3.0, -0.5, 0.0, 0.5, 3.0])
    x = _arr(v)
    expect = {"relu": np.maximum(v, 0), "sigmoid": 1 / (1 + np.exp(-v)), "tanh": np.tanh(v),
              "softrelu": np.log1p(np.exp(v)), "softsign": v / (1 + np.abs(v))}
    for act, want in expect.items():
        np.testing.assert_allclose(nd.Activation(x, act_type=act).asnumpy(), want, rtol=1e-12)
    with pytest.raises(MXNetError, match="Activation: act_type must be one of"):
        nd.Activation(x, act_type="swish")


def test_leaky_relu_types() -> None:
    v = np.array([-2.0, -0.5, 0.5, 2.0])
    x = _arr(v)
    np.testing.assert_allclose(nd.LeakyReLU(x, slope=0.1).asnumpy(), np.where(v > 0, v, 0.1 * v))
    np.testing.assert_allclose(nd.LeakyReLU(x, act_type="elu", slope=0.7).asnumpy(),
                               np.where(v > 0, v, 0.7 * np.expm1(v)))
    alpha, lam = 1.6732632423543772, 1.0507009873554805
    np.testing.assert_allclose(nd.LeakyReLU(x, act_type="selu").asnumpy(),
                               lam * np.where(v > 0, v, alpha * np.expm1(v)))
    gelu = [0.5 * t * (1 + math.erf(t / math.sqrt(2))) for t in v]
    np.testing.assert_allclose(nd.LeakyReLU(x, act_type="gelu").asnumpy(), gelu, rtol=1e-14)
    with pytest.raises(MXNetError, match="'rrelu' is not implemented"):
        nd.LeakyReLU(x, act_type="rrelu")


def test_prelu_gradient_for_gamma() -> None:
    rng = np.random.default_rng(10)
    x = rng.standard_normal((3, 2, 4))
    gamma = np.array([0.1, 0.3])
    g = rng.standard_normal(x.shape)
    y, gx, gg = _grads(lambda a, gm: nd.LeakyReLU(a, gm, act_type="prelu"), [x, gamma], g,
                       (0, 1))
    gb = gamma[None, :, None]
    np.testing.assert_allclose(y, np.where(x > 0, x, gb * x), **TOL)
    np.testing.assert_allclose(gx, g * np.where(x > 0, 1, gb), **TOL)
    np.testing.assert_allclose(gg, (g * np.where(x > 0, 0, x)).sum(axis=(0, 2)), **TOL)


def test_erf_accuracy_and_gradient() -> None:
    v = np.concatenate([np.linspace(-7, 7, 2001), [0.0, 1e-300, -1e-10, 2.0, -2.0, 6.0]])
    got = nd.erf(_arr(v)).asnumpy()
    want = np.array([math.erf(t) for t in v])
    assert np.max(np.abs(got - want)) < 1e-15
    nz = v != 0
    assert np.max(np.abs(got[nz] - want[nz]) / np.abs(want[nz])) < 5e-15
    f32 = nd.erf(nd.array(v)).asnumpy()
    assert f32.dtype == np.float32
    want32 = [math.erf(float(t)) for t in v.astype(np.float32)]
    np.testing.assert_array_equal(f32, np.array(want32).astype(np.float32))
    assert np.isnan(nd.erf(nd.array([np.nan])).asnumpy()[0])
    x = _arr(np.array([-1.0, 0.0, 0.5]))
    x.attach_grad()
    with autograd.record():
        y = nd.erf(x)
    y.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), 2 / math.sqrt(math.pi) * np.exp(-x.asnumpy() ** 2))


# -- Embedding, SoftmaxActivation, LayerNorm, InstanceNorm --------------------------------
def test_embedding_forward_backward_with_repeats_and_clipping() -> None:
    w = np.arange(12.0).reshape(4, 3)
    idx = np.array([[1, 1], [3, 7]])  # 7 is clipped to 3
    g = np.arange(12.0).reshape(2, 2, 3)
    data, weight = _arr(idx.astype(float)), _arr(w)
    weight.attach_grad()
    with autograd.record():
        y = nd.Embedding(data, weight, input_dim=4, output_dim=3)
    y.backward(_arr(g))
    np.testing.assert_array_equal(y.asnumpy(), w[np.clip(idx, 0, 3)])
    want = np.zeros_like(w)
    for i, j in itertools.product(range(2), range(2)):
        want[min(idx[i, j], 3)] += g[i, j]
    np.testing.assert_array_equal(weight.grad.asnumpy(), want)
    with pytest.raises(MXNetError, match=r"Embedding: weight has shape \(4, 3\) but "
                       r"input_dim=5 and output_dim=3 need \(5, 3\)"):
        nd.Embedding(data, weight, input_dim=5, output_dim=3)


def test_softmax_activation_modes() -> None:
    rng = np.random.default_rng(11)
    v = rng.standard_normal((2, 3, 4))
    inst = nd.SoftmaxActivation(_arr(v)).asnumpy()
    e = np.exp(v - v.max(axis=(1, 2), keepdims=True))
    np.testing.assert_allclose(inst, e / e.sum(axis=(1, 2), keepdims=True), **TOL)
    chan = nd.SoftmaxActivation(_arr(v), mode="channel").asnumpy()
    e = np.exp(v)
    np.testing.assert_allclose(chan, e / e.sum(axis=1, keepdims=True), **TOL)


def test_layer_norm_and_instance_norm() -> None:
    rng = np.random.default_rng(12)
    v = rng.standard_normal((2, 3, 4))
    gamma, beta = rng.standard_normal(4), rng.standard_normal(4)
    y = nd.LayerNorm(_arr(v), _arr(gamma), _arr(beta)).asnumpy()
    ref = np.empty_like(v)
    for i, j in itertools.product(range(2), range(3)):
        row = v[i, j]
        ref[i, j] = (row - row.mean()) / math.sqrt(row.var() + 1e-5) * gamma + beta
    np.testing.assert_allclose(y, ref, **TOL)
    _, mean, std = nd.LayerNorm(_arr(v), _arr(gamma), _arr(beta), output_mean_var=True)
    assert mean.shape == std.shape == (2, 3, 1)
    np.testing.assert_allclose(std.asnumpy()[..., 0], np.sqrt(v.var(axis=-1) + 1e-5), **TOL)
    g3, b3 = rng.standard_normal(3), rng.standard_normal(3)
    y = nd.InstanceNorm(_arr(v), _arr(g3), _arr(b3)).asnumpy()
    for i, c in itertools.product(range(2), range(3)):
        row = v[i, c]
        want = (row - row.mean()) / math.sqrt(row.var() + 1e-3) * g3[c] + b3[c]
        np.testing.assert_allclose(y[i, c], want, **TOL)
