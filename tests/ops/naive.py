"""Naive-loop references for the NN ops, written from MXNet's definitions.

The references loop over output positions in plain Python, following MXNet's definitions
(``src/operator/nn/pool.h`` window rules, the textbook BatchNorm backward), so they share no
code with the vectorized kernels in ``minigluon/ops/conv_engine.py``, ``convolution.py``,
``pooling.py``, ``normalization.py`` and ``nn.py``.
"""

from __future__ import annotations

import itertools
import math

import numpy as np

from minigluon import autograd, nd

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
