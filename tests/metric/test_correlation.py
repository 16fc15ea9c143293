"""PearsonCorrelation (macro and streaming micro) and PCC against numpy references."""

from __future__ import annotations

import math

import numpy as np
import pytest

import minigluon as mx

RNG = np.random.default_rng(3)
L1, P1 = RNG.normal(size=(4, 3)), RNG.normal(size=(4, 3))
L2, P2 = RNG.normal(size=(5, 3)) + 2, RNG.normal(size=(5, 3))


def test_pearson_macro_is_mean_of_per_batch_r() -> None:
    m = mx.metric.create("pearsonr")
    m.update([mx.nd.array(L1), mx.nd.array(L2)], [mx.nd.array(P1), mx.nd.array(P2)])
    expected = (np.corrcoef(P1.ravel(), L1.ravel())[0, 1]
                + np.corrcoef(P2.ravel(), L2.ravel())[0, 1]) / 2
    assert m.get()[1] == pytest.approx(expected, rel=1e-6)


def test_pearson_micro_streams_all_values() -> None:
    m = mx.metric.PearsonCorrelation(average="micro")
    m.update([mx.nd.array(L1)], [mx.nd.array(P1)])
    m.update([mx.nd.array(L2)], [mx.nd.array(P2)])
    labels = np.concatenate([L1.ravel(), L2.ravel()]).astype(np.float32)
    preds = np.concatenate([P1.ravel(), P2.ravel()]).astype(np.float32)
    assert m.get()[1] == pytest.approx(np.corrcoef(preds, labels)[0, 1], rel=1e-5)
    m.reset_local()
    m.update([mx.nd.array(L2)], [mx.nd.array(P2)])
    assert m.get()[1] == pytest.approx(np.corrcoef(P2.ravel(), L2.ravel())[0, 1], rel=1e-5)
    assert m.get_global()[1] == pytest.approx(
        np.corrcoef(np.concatenate([preds, P2.ravel()]),
                    np.concatenate([labels, L2.ravel()]))[0, 1], rel=1e-5)


def _confusion_batch(cm):
    labels, preds = [], []
    for i, row in enumerate(cm):
        for j, count in enumerate(row):
            labels += [i] * count
            preds += [j] * count
    return mx.nd.array(labels, dtype="int32"), mx.nd.array(np.eye(len(cm))[preds])


def test_pcc_binary_equals_mcc_and_grows_classes() -> None:
    label, pred = _confusion_batch([[6, 2], [1, 4]])
    pcc, mcc = mx.metric.create("pcc"), mx.metric.create("mcc")
    pcc.update([label], [pred])
    mcc.update([label], [pred])
    assert pcc.get()[1] == pytest.approx(mcc.get()[1])
    # three classes: Gorodkin's R_K from the confusion matrix C[pred, label]
    cm = np.array([[5, 1, 0], [2, 6, 1], [0, 2, 7]])
    label, pred = _confusion_batch(cm.tolist())
    pcc.reset()
    pcc.update([label], [pred])
    c = np.zeros((3, 3))
    np.add.at(c, (pred.asnumpy().argmax(1), label.asnumpy()), 1)
    n, x, y = c.sum(), c.sum(1), c.sum(0)
    ref = (np.trace(c) * n - x @ y) / math.sqrt((n * n - x @ x) * (n * n - y @ y))
    assert pcc.get()[1] == pytest.approx(ref)
    assert pcc.k == 3


def test_pcc_accepts_class_indices_and_is_order_free() -> None:
    label, pred = _confusion_batch([[3, 1], [2, 4]])
    whole = mx.metric.PCC()
    whole.update([label], [pred])
    split = mx.metric.PCC()
    idx = pred.asnumpy().argmax(1)
    for i in reversed(range(label.shape[0])):
        split.update([mx.nd.array(label.asnumpy()[i:i + 1])], [mx.nd.array(idx[i:i + 1])])
    assert split.get()[1] == pytest.approx(whole.get()[1])
    assert math.isnan(mx.metric.PCC().get()[1])
