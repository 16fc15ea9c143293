"""gluon.loss: every loss against a hand-written numpy reference (values and gradients)."""

from __future__ import annotations

import numpy as np
import pytest

from minigluon import autograd, gluon, nd
from minigluon.gluon import loss as gloss

RNG = np.random.default_rng(0)
PRED = RNG.standard_normal((3, 4)).astype(np.float32)
LABEL = RNG.standard_normal((3, 4)).astype(np.float32)
SW = RNG.uniform(0.5, 2, (3, 1)).astype(np.float32)


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1 / (1 + np.exp(-x.astype(np.float64)))


def _log_softmax(x: np.ndarray, axis: int) -> np.ndarray:
    x = x.astype(np.float64)
    m = x.max(axis=axis, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=axis, keepdims=True))


def _value_and_grad(loss_fn, pred: np.ndarray, *args) -> tuple[np.ndarray, np.ndarray]:
    x = nd.array(pred)
    x.attach_grad()
    with autograd.record():
        out = loss_fn(x, *args)
    out.backward()
    return out.asnumpy(), x.grad.asnumpy()


def _num_grad(f, x: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Finite-difference gradient of sum(f(x)) in float64."""
    x = x.astype(np.float64)
    g = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        d = np.zeros_like(x)
        d[i] = eps
        g[i] = (f(x + d).sum() - f(x - d).sum()) / (2 * eps)
    return g


def _check(loss_fn, ref, pred: np.ndarray, *args, ref_args=()) -> None:
    val, grad = _value_and_grad(loss_fn, pred, *args)
    np.testing.assert_allclose(val, ref(pred.astype(np.float64), *ref_args), rtol=1e-5,
                               atol=1e-6)
    np.testing.assert_allclose(grad, _num_grad(lambda p: ref(p, *ref_args), pred), rtol=1e-4,
                               atol=1e-5)


def test_l2_loss_has_the_half_and_weights() -> None:
    _check(gloss.L2Loss(), lambda p, y: 0.5 * ((y - p) ** 2).mean(axis=1), PRED,
           nd.array(LABEL), ref_args=(LABEL,))
    # gradient by hand: (pred - label) / 4 (the mean over 4 columns), the 1/2 cancels the 2
    _, grad = _value_and_grad(gloss.L2Loss(), PRED, nd.array(LABEL))
    np.testing.assert_allclose(grad, (PRED - LABEL) / 4, rtol=1e-5, atol=1e-6)
    _check(gloss.L2Loss(weight=3.0), lambda p, y: 1.5 * ((y - p) ** 2).mean(axis=1), PRED,
           nd.array(LABEL), ref_args=(LABEL,))
    _check(gloss.L2Loss(), lambda p, y: 0.5 * (SW * (y - p) ** 2).mean(axis=1), PRED,
           nd.array(LABEL), nd.array(SW), ref_args=(LABEL,))


def test_l2_loss_golden_value_and_label_reshape() -> None:
    out = gloss.L2Loss()(nd.array([[1, 2], [3, 4]]), nd.array([1, 0, 0, 4]))  # label reshaped
    np.testing.assert_allclose(out.asnumpy(), [1.0, 2.25])
    assert out.shape == (2,)


def test_l1_loss() -> None:
    _check(gloss.L1Loss(), lambda p, y: np.abs(y - p).mean(axis=1), PRED, nd.array(LABEL),
           ref_args=(LABEL,))
    _check(gloss.L1Loss(weight=0.5), lambda p, y: 0.5 * (SW * np.abs(y - p)).mean(axis=1),
           PRED, nd.array(LABEL), nd.array(SW), ref_args=(LABEL,))


def _bce(p: np.ndarray, y: np.ndarray, pw: np.ndarray | float = 1.0) -> np.ndarray:
    s = _sigmoid(p)
    return -(pw * y * np.log(s) + (1 - y) * np.log(1 - s)).mean(axis=1)


Y01 = (RNG.uniform(size=(3, 4)) > 0.5).astype(np.float32)


def test_sigmoid_bce_from_logits() -> None:
    _check(gloss.SigmoidBinaryCrossEntropyLoss(), _bce, PRED * 3, nd.array(Y01),
           ref_args=(Y01,))
    # the gradient is (sigmoid(p) - y) / C
    _, grad = _value_and_grad(gloss.SigmoidBCELoss(), PRED, nd.array(Y01))
    np.testing.assert_allclose(grad, (_sigmoid(PRED) - Y01) / 4, rtol=1e-5, atol=1e-6)


def test_sigmoid_bce_pos_weight_and_stability() -> None:
    pw = np.array([[0.5, 1.0, 2.0, 3.0]], dtype=np.float32)
    _check(gloss.SigmoidBCELoss(), _bce, PRED * 3, nd.array(Y01), None, nd.array(pw),
           ref_args=(Y01, pw))
    big = gloss.SigmoidBCELoss()(nd.array([[100.0, -100.0]]), nd.array([[0.0, 1.0]]))
    np.testing.assert_allclose(big.asnumpy(), [100.0], rtol=1e-6)  # no inf/nan


def test_sigmoid_bce_from_sigmoid() -> None:
    prob = _sigmoid(PRED).astype(np.float32)

    def ref(p, y, pw=1.0):
        return -(pw * y * np.log(p + 1e-12) + (1 - y) * np.log(1 - p + 1e-12)).mean(axis=1)

    _check(gloss.SigmoidBCELoss(from_sigmoid=True), ref, prob, nd.array(Y01), ref_args=(Y01,))
    pw = np.array([[2.0, 1.0, 1.0, 0.5]], dtype=np.float32)
    _check(gloss.SigmoidBCELoss(from_sigmoid=True), ref, prob, nd.array(Y01), None,
           nd.array(pw), ref_args=(Y01, pw))


def test_softmax_ce_sparse() -> None:
    labels = np.array([0, 3, 1], dtype=np.float32)

    def ref(p, y):
        return -_log_softmax(p, 1)[np.arange(3), y.astype(int)]

    _check(gloss.SoftmaxCrossEntropyLoss(), ref, PRED, nd.array(labels), ref_args=(labels,))
    _, grad = _value_and_grad(gloss.SoftmaxCELoss(), PRED, nd.array(labels))
    onehot = np.eye(4)[labels.astype(int)]
    np.testing.assert_allclose(grad, np.exp(_log_softmax(PRED, 1)) - onehot, rtol=1e-5,
                               atol=1e-6)


def test_softmax_ce_axis_and_batch_mean() -> None:
    pred = RNG.standard_normal((2, 3, 5)).astype(np.float32)  # classes on axis 1
    labels = RNG.integers(0, 3, (2, 5)).astype(np.float32)

    def ref(p, y):
        lp = _log_softmax(p, 1)
        picked = np.take_along_axis(lp, y.astype(int)[:, None, :], axis=1)
        return -picked.mean(axis=(1, 2))

    _check(gloss.SoftmaxCELoss(axis=1), ref, pred, nd.array(labels), ref_args=(labels,))


def test_softmax_ce_dense_and_from_logits() -> None:
    dist = np.exp(_log_softmax(LABEL, 1)).astype(np.float32)
    _check(gloss.SoftmaxCELoss(sparse_label=False),
           lambda p, y: -(_log_softmax(p, 1) * y).sum(axis=1), PRED, nd.array(dist),
           ref_args=(dist,))
    logp = _log_softmax(PRED, 1).astype(np.float32)
    out = gloss.SoftmaxCELoss(from_logits=True)(nd.array(logp), nd.array([1, 1, 2]))
    np.testing.assert_allclose(out.asnumpy(), -logp[np.arange(3), [1, 1, 2]], rtol=1e-6)


def test_softmax_ce_label_minus_one_picks_class_zero() -> None:
    # pick's default mode is 'clip': MXNet users meet this with padded (-1) labels.
    pred = nd.array(PRED)
    np.testing.assert_allclose(gloss.SoftmaxCELoss()(pred, nd.array([-1, -1, -1])).asnumpy(),
                               gloss.SoftmaxCELoss()(pred, nd.array([0, 0, 0])).asnumpy())


@pytest.mark.parametrize("axis, shape", [(-1, (3, 4)), (1, (2, 3, 5))])
def test_softmax_ce_one_op_equals_its_three_ops_bit_for_bit(axis, shape) -> None:
    """Imperatively the sparse cross-entropy is one tape node (an internal op); it must give
    the numbers of log_softmax -> pick -> negative, which a hybridized loss still runs."""
    pred = RNG.standard_normal(shape).astype(np.float32)
    lshape = shape[:axis % len(shape)] + shape[axis % len(shape) + 1:]
    labels = nd.array(RNG.integers(-1, shape[axis] + 1, lshape))  # out of range: clipped
    fused, hybrid = gloss.SoftmaxCELoss(axis=axis), gloss.SoftmaxCELoss(axis=axis)
    hybrid.hybridize()
    chain = lambda x, y: (-nd.pick(nd.log_softmax(x, axis=axis), y, axis=axis,  # noqa: E731
                                   keepdims=True)).mean(axis=0, exclude=True)
    results = [_value_and_grad(f, pred, labels) for f in (fused, chain, hybrid)]
    for value, grad in results[1:]:
        np.testing.assert_array_equal(results[0][0], value)
        np.testing.assert_array_equal(results[0][1], grad)


@pytest.mark.parametrize("rho", [1.0, 0.7, 2.0])
def test_huber_loss(rho) -> None:
    def ref(p, y):
        a = np.abs(y - p)
        return np.where(a > rho, a - 0.5 * rho, 0.5 / rho * a ** 2).mean(axis=1)

    _check(gloss.HuberLoss(rho=rho), ref, PRED * 2, nd.array(LABEL), ref_args=(LABEL,))


def test_huber_golden() -> None:
    out = gloss.HuberLoss()(nd.array([[0.5], [3]]), nd.zeros((2, 1)))
    np.testing.assert_allclose(out.asnumpy(), [0.125, 2.5])


def test_batch_axis_and_output_shape() -> None:
    pred = RNG.standard_normal((4, 3, 2)).astype(np.float32)
    label = RNG.standard_normal((4, 3, 2)).astype(np.float32)
    out = gloss.L2Loss(batch_axis=1)(nd.array(pred), nd.array(label))
    assert out.shape == (3,)
    np.testing.assert_allclose(out.asnumpy(), 0.5 * ((label - pred) ** 2).mean(axis=(0, 2)),
                               rtol=1e-5)
    for loss in [gloss.L1Loss(), gloss.HuberLoss(), gloss.SigmoidBCELoss()]:
        assert loss(nd.array(pred), nd.array(label)).shape == (4,)


def test_reprs_aliases_and_weight_type() -> None:
    assert repr(gloss.L2Loss()) == "L2Loss(batch_axis=0, w=1.0)"
    assert repr(gloss.L1Loss()) == "L1Loss(batch_axis=0, w=None)"
    assert repr(gloss.SoftmaxCELoss(batch_axis=1, weight=2)) == \
        "SoftmaxCrossEntropyLoss(batch_axis=1, w=2)"
    assert gloss.SigmoidBCELoss is gloss.SigmoidBinaryCrossEntropyLoss
    assert gloss.SoftmaxCELoss is gloss.SoftmaxCrossEntropyLoss
    assert gluon.loss.L2Loss is gloss.L2Loss
    with pytest.raises(TypeError, match="weight must be a number"):
        gloss.L1Loss(weight=nd.array([1]))(nd.array(PRED), nd.array(LABEL))


def test_custom_loss_subclass_like_the_toy_ssd() -> None:
    class FocalLoss(gluon.loss.Loss):
        def __init__(self, axis=-1, alpha=0.25, gamma=2, batch_axis=0, **kwargs):
            super().__init__(None, batch_axis, **kwargs)
            self._axis, self._alpha, self._gamma = axis, alpha, gamma

        def hybrid_forward(self, F, output, label):
            output = F.softmax(output)
            pt = F.pick(output, label, axis=self._axis, keepdims=True)
            loss = -self._alpha * ((1 - pt) ** self._gamma) * F.log(pt)
            return F.mean(loss, axis=self._batch_axis, exclude=True)

    labels = np.array([0, 3, 1], dtype=np.float32)

    def ref(p, y):
        pt = np.exp(_log_softmax(p, 1))[np.arange(3), y.astype(int)]
        return -0.25 * (1 - pt) ** 2 * np.log(pt)

    _check(FocalLoss(), ref, PRED, nd.array(labels), ref_args=(labels,))
    assert repr(FocalLoss()) == "FocalLoss(batch_axis=0, w=None)"
