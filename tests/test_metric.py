"""Metrics: values against hand computations, input forms, naming, registry, errors."""

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


def test_label_count_mismatch_text() -> None:
    with pytest.raises(ValueError) as e:
        metric.Accuracy().update([nd.array([1]), nd.array([1])], [nd.array([[0, 1]])])
    assert str(e.value) == "Shape of labels 2 does not match shape of predictions 1"
    with pytest.raises(ValueError, match="Shape of labels 3 does not match shape of predictions"):
        metric.Accuracy().update([nd.array([1, 0, 1])], [nd.array([[0, 1], [1, 0]])])
    with pytest.raises(ValueError, match=r"Shape of labels \(2,\) does not match"):
        metric.check_label_shapes(np.zeros(2), np.zeros(3), shape=True)


def test_check_label_shapes_wrap() -> None:
    a, b = nd.ones((2,)), nd.ones((2,))
    la, lb = metric.check_label_shapes(a, b, wrap=True)
    assert la == [a] and lb == [b]


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


def test_reset_local_and_global() -> None:
    m = metric.MSE()
    m.update([nd.array([0])], [nd.array([2])])
    m.reset_local()
    m.update([nd.array([0])], [nd.array([4])])
    assert m.get()[1] == 16.0 and m.get_global()[1] == 10.0
    assert m.get_name_value() == [("mse", 16.0)]
    assert m.get_global_name_value() == [("mse", 10.0)]
    m.reset()
    assert math.isnan(m.get()[1]) and math.isnan(m.get_global()[1])
    assert str(metric.MAE()) == "EvalMetric: {'mae': nan}"


def test_composite() -> None:
    c = metric.CompositeEvalMetric()
    c.add(metric.Accuracy())
    c.add("mae")
    c.update([nd.array([1, 0])], [nd.array([1, 1])])
    assert c.get() == (["accuracy", "mae"], [0.5, 0.5])
    assert c.get_name_value() == [("accuracy", 0.5), ("mae", 0.5)]
    assert c.get_metric(1).name == "mae"
    with pytest.raises(ValueError, match="Metric index 2 is out of range 0 and 2"):
        c.get_metric(2)
    c.reset()
    assert c.get_metric(0).num_inst == 0


def test_update_dict_selects_names() -> None:
    m = metric.MAE(output_names=["out"], label_names=["y"])
    m.update_dict({"y": nd.array([1]), "other": nd.array([9])},
                  {"out": nd.array([3]), "aux": nd.array([0])})
    assert m.get()[1] == 2.0


def test_create_by_name_alias_function_and_list() -> None:
    assert isinstance(metric.create("acc"), metric.Accuracy)
    assert isinstance(metric.create("Accuracy"), metric.Accuracy)
    assert isinstance(metric.create("ce"), metric.CrossEntropy)
    assert isinstance(metric.create("top_k_accuracy", top_k=3), metric.TopKAccuracy)
    assert isinstance(metric.create("loss"), metric.Loss)
    m = metric.Accuracy()
    assert metric.create(m) is m
    comp = metric.create(["mse", "rmse"])
    assert isinstance(comp, metric.CompositeEvalMetric) and len(comp.metrics) == 2

    def l1(label, pred):
        return float(np.abs(label - pred).mean())

    custom = metric.create(l1)
    custom.update([nd.array([1, 2])], [nd.array([2, 2])])
    assert custom.get() == ("l1", 0.5)
    with pytest.raises(ValueError, match="nosuch is not registered"):
        metric.create("nosuch")


def test_get_config_round_trip() -> None:
    m = metric.Accuracy(axis=2, name="acc2")
    again = metric.create(m.get_config())
    assert isinstance(again, metric.Accuracy) and again.axis == 2 and again.name == "acc2"


def test_custom_metric_tuple_result_and_extra_outputs() -> None:
    m = metric.CustomMetric(lambda label, pred: (float((label == pred).sum()), label.size),
                            name="hits", allow_extra_outputs=True)
    m.update([nd.array([1, 2])], [nd.array([1, 0]), nd.array([5, 5])])
    assert m.get() == ("hits", 0.5)
    anon = metric.np(lambda label, pred: 0.0)
    assert anon.name == "custom(<lambda>)"


def test_subclass_with_mxnet_style_update() -> None:
    class Count(metric.EvalMetric):
        def __init__(self):
            super().__init__("count")

        def update(self, labels, preds):
            self.sum_metric += len(labels)
            self.num_inst += 1

    m = Count()
    m.update([1, 2, 3], [1, 2, 3])
    assert m.get() == ("count", 3.0)
