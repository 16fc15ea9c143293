"""EvalMetric: label checks, local/global resets, configs, MXNet-style subclasses."""

from __future__ import annotations

import math

import numpy as np
import pytest

from minigluon import metric, nd


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


def test_get_config_round_trip() -> None:
    m = metric.Accuracy(axis=2, name="acc2")
    again = metric.create(m.get_config())
    assert isinstance(again, metric.Accuracy) and again.axis == 2 and again.name == "acc2"


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


def test_user_metric_without_global_stats_reports_local_value() -> None:
    class Count(metric.EvalMetric):  # MXNet style: its own update, no global totals
        def __init__(self, **kwargs):
            super().__init__("count", **kwargs)

        def update(self, labels, preds):
            self.sum_metric += len(preds)
            self.num_inst += 1

    m = Count()
    m.update([None], [1, 2])
    assert m.get_global() == m.get() == ("count", 2.0)
    kept = Count(has_global_stats=True)
    kept.update([None], [1, 2])
    assert math.isnan(kept.get_global()[1])  # it said it keeps them, but never filled them
    assert "has_global_stats" not in kept.get_config()
