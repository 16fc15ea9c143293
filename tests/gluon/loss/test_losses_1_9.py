"""The losses added to match gluon.loss of MXNet 1.9.1; expected values come from MXNet 1.9.1."""

from __future__ import annotations

import numpy as np
import pytest

from minigluon import autograd, gluon, nd, sym
from minigluon.test_utils import assert_almost_equal

P = nd.array([[0.1, 0.2, 0.7], [0.3, 0.3, 0.4]]).log()
L = nd.array([[0.2, 0.2, 0.6], [0.5, 0.25, 0.25]])
A = nd.array([[1, 2], [3, 4], [1, 0]])
B = nd.array([[1, 0], [3, 5], [-1, 0]])


def test_kl_div_sums_over_non_batch_axes() -> None:
    assert_almost_equal(gluon.loss.KLDivLoss()(P, L), [0.04613907, 0.09233151], rtol=1e-5)
    scores = nd.array([[1.0, 2.0, 0.5]])
    via_softmax = gluon.loss.KLDivLoss(from_logits=False)(scores, L[:1])
    assert_almost_equal(via_softmax, gluon.loss.KLDivLoss()(nd.log_softmax(scores), L[:1]))


def test_poisson_nll_is_one_mean() -> None:
    out = gluon.loss.PoissonNLLLoss()(P, L)
    assert out.shape == (1,)
    assert_almost_equal(out, [0.688077], rtol=1e-5)
    pred, target = np.array([[1.5, 2.0]]), np.array([[3.0, 0.5]])
    full = gluon.loss.PoissonNLLLoss(from_logits=False, compute_full=True)
    want = np.mean(pred - target * np.log(pred + 1e-8)
                   + (target * np.log(target) - target + 0.5 * np.log(2 * np.pi * target))
                   * (target > 1))
    assert_almost_equal(full(nd.array(pred), nd.array(target)), [want], rtol=1e-5)
    # target 0 contributes no Stirling term (MXNet would give nan from 0 * log 0)
    assert np.isfinite(full(nd.array([[1.0]]), nd.array([[0.0]])).asnumpy()).all()


def test_cosine_embedding_shape_margin_and_weights() -> None:
    label = nd.array([1, -1, -1])
    out = gluon.loss.CosineEmbeddingLoss()(A, B, label)
    assert out.shape == (3, 1)
    assert_almost_equal(out, [[0.5527864], [0.99469185], [0.0]], rtol=1e-5)
    weighted = gluon.loss.CosineEmbeddingLoss(margin=0.5)(A, B, label, nd.array([[1], [2], [3]]))
    assert_almost_equal(weighted, [[0.5527864], [0.9893837], [0.0]], rtol=1e-5)
    zero = gluon.loss.CosineEmbeddingLoss()(nd.zeros((1, 2)), nd.ones((1, 2)), nd.array([1]))
    assert_almost_equal(zero, [[1.0]])  # a zero vector has similarity 0, not nan


def test_sdml_and_triplet() -> None:
    assert_almost_equal(gluon.loss.SDMLLoss()(A, B), [1.1494613, 6.6811905, 6.34934], rtol=1e-5)
    assert_almost_equal(gluon.loss.TripletLoss()(A, B, A * 0.5), [3.75, 0.0, 4.75])
    with pytest.raises(ValueError, match="batch >= 2"):
        gluon.loss.SDMLLoss()(A[:1], B[:1])


def test_sdml_trains_aligned_pairs_closer() -> None:
    x1 = nd.array(np.random.default_rng(0).normal(size=(4, 3)))
    x2 = x1 + 0.01
    loss = gluon.loss.SDMLLoss()
    shuffled = loss(x1, x2[::-1].copy()).asnumpy().mean()
    assert loss(x1, x2).asnumpy().mean() < shuffled


def test_hinge_losses_and_logistic() -> None:
    pred, label = nd.array([[2.0], [0.5], [-1.0]]), nd.array([[1], [1], [1]])
    assert_almost_equal(gluon.loss.HingeLoss()(pred, label), [0, 0.5, 2])
    assert_almost_equal(gluon.loss.SquaredHingeLoss(margin=2)(pred, label), [0, 2.25, 9])
    data = nd.array([[-10.0], [0.3], [8.0]])
    binary = nd.array([[1], [0], [1]])
    bce = gluon.loss.SigmoidBCELoss()(data, binary)
    assert_almost_equal(gluon.loss.LogisticLoss(label_format="binary")(data, binary), bce)
    assert_almost_equal(gluon.loss.LogisticLoss()(data, 2 * binary - 1), bce)
    with pytest.raises(ValueError, match="signed or binary"):
        gluon.loss.LogisticLoss(label_format="01")


def test_ctc_layouts_and_lengths() -> None:
    labels = nd.array([[1, 0, -1, -1], [2, 1, 1, -1]])
    want = [18.82820702, 16.50581741]  # MXNet 1.9.1
    assert_almost_equal(gluon.loss.CTCLoss()(nd.ones((2, 20, 4)), labels), want)
    tnc = gluon.loss.CTCLoss(layout="TNC", label_layout="TN")
    assert_almost_equal(tnc(nd.ones((20, 2, 4)), labels.T), want)
    lengths = gluon.loss.CTCLoss()(nd.ones((2, 25, 4)), nd.array([[2, 1, 3, 3], [3, 2, 2, 3]]),
                                   nd.array([20, 20]), nd.array([2, 3]))
    assert_almost_equal(lengths, want)
    with pytest.raises(ValueError, match="layouts"):
        gluon.loss.CTCLoss(layout="NCT")


def test_ctc_gradient_matches_mxnet() -> None:
    x = nd.array([[[1, 2, 3, 0.5], [0, 1, 0, 2], [1, 1, 1, 1]]])
    x.attach_grad()
    with autograd.record():
        y = gluon.loss.CTCLoss()(x, nd.array([[1, 0]]))
    y.backward()
    assert_almost_equal(y, [2.798186], rtol=1e-5)
    assert_almost_equal(x.grad, [[[0.08536889, -0.72023696, 0.63079554, 0.00407263],
                                  [-0.07471398, -0.03699544, 0.08259455, 0.02911484],
                                  [-0.6713458, 0.25, 0.25, 0.17134574]]], rtol=1e-5)


@pytest.mark.parametrize("loss, n_inputs", [
    (gluon.loss.KLDivLoss(), 2), (gluon.loss.HingeLoss(), 2), (gluon.loss.SquaredHingeLoss(), 2),
    (gluon.loss.LogisticLoss(), 2), (gluon.loss.TripletLoss(), 3),
    (gluon.loss.PoissonNLLLoss(), 2), (gluon.loss.CosineEmbeddingLoss(), 3),
])
def test_losses_build_symbols_and_hybridize(loss, n_inputs) -> None:
    rng = np.random.default_rng(1)
    arrays = [nd.array(rng.uniform(0.1, 1, (3, 2))) for _ in range(n_inputs)]
    if isinstance(loss, gluon.loss.CosineEmbeddingLoss):
        arrays[-1] = nd.array([1, -1, 1])
    expected = loss(*arrays)
    out = loss(*[sym.var(f"x{i}") for i in range(n_inputs)])
    assert isinstance(out, sym.Symbol)
    loss.hybridize()
    assert_almost_equal(loss(*arrays), expected, rtol=1e-5)
