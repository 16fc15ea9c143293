"""FullyConnected, Dropout and Embedding: naive references, masks and semantics.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

import minigluon as mx
from minigluon import autograd, nd
from minigluon.base import MXNetError

from .naive import TOL, _arr, _grads, fc_ref


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
