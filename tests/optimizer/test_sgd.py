"""The SGD family against the update formulas, step by step (numpy in float64)."""

from __future__ import annotations

import math

import numpy as np
import pytest

import minigluon as mx
from minigluon import nd
from minigluon import optimizer as opt

from ._steps import GRADS, W0, run


def test_signum_with_momentum_and_decoupled_decay() -> None:
    w, m = run(opt.Signum(learning_rate=0.1, momentum=0.8, wd=0.05, wd_lh=0.1,
                          clip_gradient=0.5, rescale_grad=2.0))
    ref_w, ref_m = W0.astype(np.float64), np.zeros(4)
    for g in GRADS:
        ref_m = 0.8 * ref_m - 0.2 * 0.05 * ref_w - 0.2 * np.clip(2.0 * g, -0.5, 0.5)
        ref_w = (1 - 0.1 * 0.1) * ref_w + 0.1 * np.sign(ref_m)
    np.testing.assert_allclose(w, ref_w, rtol=1e-6)
    np.testing.assert_allclose(m.asnumpy(), ref_m, rtol=1e-6)


def test_signsgd_without_momentum_has_no_state() -> None:
    w, m = run(opt.Signum(learning_rate=0.1, momentum=0.0, wd=0.05), steps=1)
    assert m is None
    np.testing.assert_allclose(w, (1 - 0.005) * W0 - 0.1 * np.sign(GRADS[0]), rtol=1e-6)


def test_sgld_is_half_step_plus_seeded_noise() -> None:
    mx.random.seed(7)
    w, _ = run(opt.SGLD(learning_rate=0.04, wd=0.1), steps=1)
    mx.random.seed(7)
    noise = nd.random.normal(0, math.sqrt(0.04), shape=(4,)).asnumpy()
    expected = W0 - 0.02 * (GRADS[0] + 0.1 * W0) + noise
    np.testing.assert_allclose(w, expected, rtol=1e-6)
    assert np.abs(w - expected + noise).max() > 0  # the noise really was added


def test_dcasgd_compensates_with_previous_weight() -> None:
    w, (_mom, prev) = run(opt.DCASGD(learning_rate=0.1, momentum=0.5, lamda=0.2, wd=0.01))
    ref_w, ref_prev, ref_m = W0.astype(np.float64), W0.astype(np.float64), np.zeros(4)
    for g in GRADS:
        ref_m = 0.5 * ref_m - 0.1 * (g + 0.01 * ref_w + 0.2 * g * g * (ref_w - ref_prev))
        ref_prev = ref_w
        ref_w = ref_w + ref_m
    np.testing.assert_allclose(w, ref_w, rtol=1e-6)
    np.testing.assert_allclose(prev.asnumpy(), ref_prev, rtol=1e-6)


def test_lars_scales_lr_by_trust_ratio_except_bias() -> None:
    o = opt.LARS(learning_rate=0.5, eta=0.1, wd=0.01, rescale_grad=0.5,
                 param_idx2name={0: "fc_weight", 1: "fc_bias"})
    w, b = nd.array(W0), nd.array(W0)
    g = nd.array(GRADS[0])
    o.update([0, 1], [w, b], [g, g], [None, None])
    wn, gn = np.linalg.norm(W0), np.linalg.norm(GRADS[0])
    lr = 0.5 * 0.1 * wn / (gn * 0.5 + 0.01 * wn)
    np.testing.assert_allclose(w.asnumpy(), (1 - lr * 0.01) * W0 - lr * 0.5 * GRADS[0],
                               rtol=1e-6)
    # the bias keeps the plain rate and (name not ending in _weight) gets no weight decay
    np.testing.assert_allclose(b.asnumpy(), W0 - 0.5 * 0.5 * GRADS[0], rtol=1e-6)


def test_lbsgd_steps_every_batch_scale_updates_with_warmup() -> None:
    o = opt.LBSGD(learning_rate=0.1, batch_scale=2, warmup_epochs=1, updates_per_epoch=4)
    w = nd.array(W0)
    o.update(0, w, nd.array(GRADS[0]), None)
    np.testing.assert_array_equal(w.asnumpy(), W0)  # accumulating only
    o.update(0, w, nd.array(GRADS[1]), None)
    mult = 1.0 + (2 - 1) * 2 / 4  # linear warmup at the 2nd of 4 warm-up updates
    np.testing.assert_allclose(w.asnumpy(), W0 - 0.1 * mult * (GRADS[0] + GRADS[1]) / 2,
                               rtol=1e-6)


@pytest.mark.parametrize("make", [lambda: opt.SGD(learning_rate=0.1, momentum=0.9, wd=0.01),
                                  lambda: opt.NAG(learning_rate=0.1, momentum=0.9, wd=0.01),
                                  lambda: opt.LARS(learning_rate=0.1, momentum=0.9)],
                         ids=["sgd", "nag", "lars"])
def test_multi_precision_state_is_momentum_then_master(make) -> None:
    o = make()
    o.multi_precision = True
    w, (mom, master) = run(o, dtype="float16")
    assert mom.dtype == np.float32 and master.dtype == np.float32
    np.testing.assert_allclose(w, master.asnumpy().astype(np.float16))
    w32, _ = run(make())
    np.testing.assert_allclose(master.asnumpy(), w32, atol=2e-3)


def test_sparse_arrays_are_refused_clearly() -> None:
    class RowSparse(nd.NDArray):  # stands in for a sparse array: only its stype matters
        stype = "row_sparse"

    w = nd.array(W0)
    g = RowSparse(GRADS[0])
    with pytest.raises(NotImplementedError, match=r"dense arrays only.*row_sparse"):
        opt.SGD().update(0, w, g, None)
