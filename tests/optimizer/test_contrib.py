"""GroupAdaGrad: one adaptive rate per row."""

from __future__ import annotations

import numpy as np
import pytest

from minigluon import nd
from minigluon import optimizer as opt


def test_group_adagrad_rows_share_a_rate() -> None:
    o = opt.create("groupadagrad", learning_rate=0.5, eps=1e-3, clip_gradient=2.5,
                   rescale_grad=2.0)
    assert isinstance(o, opt.contrib.GroupAdaGrad)
    w0 = np.array([[1.0, -1.0, 0.5], [0.0, 2.0, -2.0]], dtype=np.float32)
    grads = [np.array([[0.5, 2.0, -1.0], [0.1, 0.2, 0.3]], dtype=np.float32),
             np.array([[-1.0, 0.0, 1.0], [2.0, -2.0, 0.5]], dtype=np.float32)]
    w = nd.array(w0)
    h = o.create_state(0, w)
    assert h.shape == (2, 1)
    ref_w, ref_h = w0.astype(np.float64), np.zeros((2, 1))
    for g in grads:
        o.update(0, w, nd.array(g), h)
        gg = np.clip(2.0 * g, -2.5, 2.5)
        ref_h = ref_h + np.mean(gg * gg, axis=1, keepdims=True)
        ref_w = ref_w - 0.5 * gg / np.sqrt(ref_h + 1e-3)
    np.testing.assert_allclose(w.asnumpy(), ref_w, rtol=1e-5)
    np.testing.assert_allclose(h.asnumpy(), ref_h, rtol=1e-5)


def test_group_adagrad_refuses_wd_and_non_matrices() -> None:
    with pytest.raises(ValueError, match="2-D weights"):
        opt.contrib.GroupAdaGrad().create_state(0, nd.zeros((3,)))
    o = opt.contrib.GroupAdaGrad(wd=0.1)
    w = nd.zeros((1, 2))
    with pytest.raises(ValueError, match="Weight decay is not supported"):
        o.update(0, w, nd.ones((1, 2)), o.create_state(0, w))
