"""AdaDelta and FTRL against their update formulas; float32 states as MXNet keeps them."""

from __future__ import annotations

import numpy as np

from minigluon import nd
from minigluon import optimizer as opt

from ._steps import GRADS, W0, run


def test_adadelta_needs_no_learning_rate() -> None:
    w, (_acc_g, acc_d) = run(opt.AdaDelta(rho=0.8, epsilon=1e-3, wd=0.01, clip_gradient=1.5,
                                         learning_rate=123.0))
    ref_w, ag, ad = W0.astype(np.float64), np.zeros(4), np.zeros(4)
    for g in GRADS:
        gg = np.clip(g, -1.5, 1.5)
        ag = 0.8 * ag + 0.2 * gg * gg
        delta = np.sqrt(ad + 1e-3) / np.sqrt(ag + 1e-3) * gg
        ad = 0.8 * ad + 0.2 * delta * delta
        ref_w = ref_w - delta - 0.01 * ref_w
    np.testing.assert_allclose(w, ref_w, rtol=1e-5)
    np.testing.assert_allclose(acc_d.asnumpy(), ad, rtol=1e-5)


def test_ftrl_l1_zeroes_small_coordinates() -> None:
    o = opt.Ftrl(lamda1=0.3, learning_rate=0.5, beta=2.0, wd=0.1)
    assert opt.Ftrl().learning_rate == 0.1
    w, (z, _n) = run(o)
    ref_w, rz, rn = W0.astype(np.float64), np.zeros(4), np.zeros(4)
    for g in GRADS:
        rz = rz + g - (np.sqrt(rn + g * g) - np.sqrt(rn)) * ref_w / 0.5
        rn = rn + g * g
        ref_w = np.where(np.abs(rz) > 0.3,
                         (np.sign(rz) * 0.3 - rz) / ((2.0 + np.sqrt(rn)) / 0.5 + 0.1), 0.0)
    np.testing.assert_allclose(w, ref_w, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(z.asnumpy(), rz, rtol=1e-5)


def test_adaptive_states_are_float32_for_float64_weights() -> None:
    w = nd.array(W0, dtype="float64")
    for o in (opt.AdaGrad(), opt.RMSProp(), opt.AdaDelta(), opt.Ftrl()):
        state = o.create_state(0, w)
        for s in state if isinstance(state, tuple) else (state,):
            assert s.dtype == np.float32, type(o).__name__
