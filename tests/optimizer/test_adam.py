"""Adamax, Nadam, LAMB and FTML against their update formulas (numpy in float64)."""

from __future__ import annotations

import numpy as np

from minigluon import nd
from minigluon import optimizer as opt

from ._steps import GRADS, W0, run


def test_adamax_uses_infinity_norm_and_bias_corrected_lr() -> None:
    w, (_m, u) = run(opt.Adamax(learning_rate=0.02, wd=0.1, clip_gradient=0.8))
    ref_w, ref_m, ref_u = W0.astype(np.float64), np.zeros(4), np.zeros(4)
    for t, g in enumerate(GRADS, 1):
        gg = np.clip(g + 0.1 * ref_w, -0.8, 0.8)
        ref_m = 0.9 * ref_m + 0.1 * gg
        ref_u = np.maximum(0.999 * ref_u, np.abs(gg))
        ref_w = ref_w - 0.02 / (1 - 0.9 ** t) * ref_m / ref_u
    np.testing.assert_allclose(w, ref_w, rtol=1e-6)
    np.testing.assert_allclose(u.asnumpy(), ref_u, rtol=1e-6)


def test_nadam_momentum_schedule() -> None:
    o = opt.Nadam(learning_rate=0.01, wd=0.01, schedule_decay=0.1)
    w, _ = run(o)
    ref_w, m, v, sched = W0.astype(np.float64), np.zeros(4), np.zeros(4), 1.0
    for t, g in enumerate(GRADS, 1):
        gg = g + 0.01 * ref_w
        mu, mu_next = (0.9 * (1 - 0.5 * 0.96 ** (k * 0.1)) for k in (t, t + 1))
        sched *= mu
        m = 0.9 * m + 0.1 * gg
        v = 0.999 * v + 0.001 * gg * gg
        m_bar = (1 - mu) * gg / (1 - sched) + mu_next * m / (1 - sched * mu_next)
        ref_w = ref_w - 0.01 * m_bar / (np.sqrt(v / (1 - 0.999 ** t)) + 1e-8)
    np.testing.assert_allclose(w, ref_w, rtol=1e-5)
    assert o.m_schedule == sched


def _lamb_ref(bias_correction, lower=None, upper=None, wd=0.01):
    ref_w, m, v = W0.astype(np.float64), np.zeros(4), np.zeros(4)
    for t, g in enumerate(GRADS, 1):
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        mh, vh = (m / (1 - 0.9 ** t), v / (1 - 0.999 ** t)) if bias_correction else (m, v)
        r = mh / (np.sqrt(vh) + 1e-6) + wd * ref_w
        r1 = np.clip(np.linalg.norm(ref_w), lower or 0, upper or np.inf)
        ref_w = ref_w - 0.05 * r1 / np.linalg.norm(r) * r
    return ref_w


def test_lamb_trust_ratio_with_and_without_bias_correction() -> None:
    for bc in (True, False):
        w, _ = run(opt.LAMB(learning_rate=0.05, wd=0.01, bias_correction=bc))
        np.testing.assert_allclose(w, _lamb_ref(bc), rtol=1e-5)
    w, _ = run(opt.LAMB(learning_rate=0.05, wd=0.01, upper_bound=1.0))
    np.testing.assert_allclose(w, _lamb_ref(True, upper=1.0), rtol=1e-5)


def test_lamb_zero_weight_norm_keeps_plain_lr() -> None:
    o = opt.LAMB(learning_rate=0.1, wd=0.0, bias_correction=False)
    w = nd.zeros((2,))
    o.update(0, w, nd.array([1.0, -1.0]), o.create_state(0, w))
    r = 0.1 / (np.sqrt(0.001) + 1e-6)
    np.testing.assert_allclose(w.asnumpy(), [-0.1 * r, 0.1 * r], rtol=1e-5)


def test_lamb_multi_precision_updates_the_master_copy() -> None:
    o = opt.LAMB(learning_rate=0.05, wd=0.01, multi_precision=True)
    w, (master, _) = run(o, dtype="float16")
    np.testing.assert_allclose(master.asnumpy(), _lamb_ref(True), rtol=1e-3)
    assert w.dtype == np.float16


def test_ftml_follows_the_moving_leader() -> None:
    w, (d, _v, _z) = run(opt.FTML(learning_rate=0.1, wd=0.02, rescale_grad=0.5))
    ref_w, rd, rv, rz = W0.astype(np.float64), np.zeros(4), np.zeros(4), np.zeros(4)
    for t, g in enumerate(GRADS, 1):
        gg = 0.5 * g + 0.02 * ref_w
        rv = 0.999 * rv + 0.001 * gg * gg
        d_t = (1 - 0.6 ** t) / 0.1 * (np.sqrt(rv / (1 - 0.999 ** t)) + 1e-8)
        rz = 0.6 * rz + 0.4 * gg - (d_t - 0.6 * rd) * ref_w
        rd = d_t
        ref_w = -rz / d_t
    np.testing.assert_allclose(w, ref_w, rtol=1e-5)
    np.testing.assert_allclose(d.asnumpy(), rd, rtol=1e-5)
