"""Accuracy, TopKAccuracy, MAE/MSE/RMSE, CrossEntropy, NLL, Perplexity, Loss: hand-computed."""

from __future__ import annotations

import math

import numpy as np
import pytest

from minigluon import metric, nd


def test_accuracy_argmax_and_accumulation() -> None:
    acc = metric.Accuracy()
    acc.update([nd.array([0, 1, 1])], [nd.array([[0.3, 0.7], [0, 1.0], [0.4, 0.6]])])
    assert acc.get() == ("accuracy", pytest.approx(2 / 3))
    acc.update(nd.array([1]), nd.array([[0.9, 0.1]]))  # single arrays are wrapped
    assert (acc.sum_metric, acc.num_inst) == (2, 4)
    assert acc.get() == ("accuracy", 0.5)


def test_accuracy_same_shape_compares_directly_and_takes_numpy() -> None:
    acc = metric.Accuracy()
    acc.update([np.array([1, 2, 3])], [np.array([1.0, 2.0, 0.0])])
    assert acc.get()[1] == pytest.approx(2 / 3)


def test_accuracy_toy_ssd_usage_counts_ignore_labels() -> None:
    # Toy SSD: Accuracy().update([cls_target], [transpose(class_preds, (0, 2, 1))])
    rng = np.random.default_rng(0)
    class_preds = nd.array(rng.normal(size=(2, 6, 3)))  # (B, N anchors, C+1)
    cls_target = nd.array(np.argmax(class_preds.asnumpy(), axis=-1))
    cls_target[0, 0] = -1  # an ignored anchor still counts (and is always wrong), as in MXNet
    acc = metric.Accuracy()
    acc.update([cls_target], [nd.transpose(class_preds, axes=(0, 2, 1))])
    assert acc.num_inst == 12 and acc.sum_metric == 11


def test_accuracy_axis() -> None:
    acc = metric.Accuracy(axis=0)
    acc.update([nd.array([1, 0])], [nd.array([[0, 1], [1, 0]])])
    assert acc.get()[1] == 1.0


def test_topk_accuracy() -> None:
    preds = nd.array([[0.1, 0.2, 0.7], [0.5, 0.3, 0.2], [0.2, 0.3, 0.5], [0.3, 0.3, 0.4]])
    labels = nd.array([1, 1, 0, 2])
    m2 = metric.TopKAccuracy(top_k=2)
    m2.update([labels], [preds])
    # top-2 sets: {2,1} {0,1} {2,1} {2, 0 or 1}: hits for samples 0, 1, 3
    assert m2.get() == ("top_k_accuracy_2", 0.75)
    m1 = metric.TopKAccuracy()
    m1.update([labels], [preds])
    a = metric.Accuracy()
    a.update([labels], [preds])
    assert m1.get()[1] == a.get()[1] == 0.25 and m1.name == "top_k_accuracy_1"
    m5 = metric.TopKAccuracy(top_k=5)  # more than the number of classes: everything hits
    m5.update([labels], [preds])
    assert m5.get()[1] == 1.0
    with pytest.raises(ValueError, match="no more than 2 dims"):
        m2.update([labels], [nd.ones((4, 3, 1))])


def test_mae_mse_rmse_are_means_of_batch_means() -> None:
    label, pred = nd.array([3, -0.5, 2, 7]), nd.array([2.5, 0.0, 2, 8])
    for cls, name, value in [(metric.MAE, "mae", 0.5), (metric.MSE, "mse", 0.375),
                             (metric.RMSE, "rmse", math.sqrt(0.375))]:
        m = cls()
        m.update([label], [pred])
        assert m.get() == (name, pytest.approx(value))
        m.update([nd.array([0, 0])], [nd.array([1, 1])])  # second batch, different size
        second = {"mae": 1.0, "mse": 1.0, "rmse": 1.0}[name]
        assert m.num_inst == 2 and m.get()[1] == pytest.approx((value + second) / 2)


def test_mae_with_column_predictions() -> None:
    m = metric.MAE()
    m.update([nd.array([1, 2])], [nd.array([[2], [4]])])  # 1-D label vs (N, 1) pred
    assert m.get()[1] == 1.5


def test_cross_entropy() -> None:
    m = metric.CrossEntropy()
    m.update([nd.array([0, 1])], [nd.array([[0.5, 0.5], [0.25, 0.75]])])
    assert m.get() == ("cross-entropy", pytest.approx(-(math.log(0.5) + math.log(0.75)) / 2))
    assert m.num_inst == 2
    z = metric.CrossEntropy(eps=1e-12)
    z.update([nd.array([1])], [nd.array([[1.0, 0.0]])])
    assert z.get()[1] == pytest.approx(-math.log(1e-12))


def test_loss_metric_averages_all_values() -> None:
    m = metric.Loss()
    m.update(None, [nd.array([1, 2]), nd.array([[3, 4], [5, 6]])])
    assert m.get() == ("loss", 3.5) and m.num_inst == 6
    m.update([], nd.array([0.5]))
    assert m.num_inst == 7


def test_nll_loss_and_perplexity_with_ignore_label() -> None:
    pred = nd.array([[0.2, 0.3, 0.5], [0.6, 0.1, 0.3], [0.25, 0.25, 0.5]])
    label = nd.array([2, 1, 0])
    nll = metric.create("nll_loss")
    nll.update([label], [pred])
    expected = -(np.log(0.5) + np.log(0.1) + np.log(0.25)) / 3
    assert nll.get() == ("nll-loss", pytest.approx(expected, rel=1e-6))
    ppl = metric.create("perplexity", None)
    ppl.update([label], [pred])
    assert ppl.get()[1] == pytest.approx(np.exp(expected), rel=1e-6)
    skip = metric.Perplexity(ignore_label=0)
    skip.update([label], [pred])
    assert skip.num_inst == 2  # the label-0 position is neither scored nor counted
    assert skip.get()[1] == pytest.approx(np.exp(-(np.log(0.5) + np.log(0.1)) / 2), rel=1e-6)
    with pytest.raises(ValueError, match="shape mismatch"):
        skip.update([nd.array([1, 2])], [pred])


def test_perplexity_class_axis() -> None:
    pred = nd.array([[0.2, 0.6], [0.8, 0.4]])  # classes along axis 0
    m = metric.Perplexity(ignore_label=None, axis=0)
    m.update([nd.array([1, 0])], [pred])
    # sample j scores pred[label[j], j]: 0.8 and 0.6
    assert m.get()[1] == pytest.approx(np.exp(-(np.log(0.8) + np.log(0.6)) / 2), rel=1e-6)
