"""CompositeEvalMetric, CustomMetric and create: names, dicts, aliases, functions."""

from __future__ import annotations

import json

import numpy as np
import pytest

from minigluon import metric, nd


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


def test_custom_metric_tuple_result_and_extra_outputs() -> None:
    m = metric.CustomMetric(lambda label, pred: (float((label == pred).sum()), label.size),
                            name="hits", allow_extra_outputs=True)
    m.update([nd.array([1, 2])], [nd.array([1, 0]), nd.array([5, 5])])
    assert m.get() == ("hits", 0.5)
    anon = metric.np(lambda label, pred: 0.0)
    assert anon.name == "custom(<lambda>)"


def test_create_from_json_config_round_trips() -> None:
    for name, kwargs in [("acc", {"axis": 0}), ("f1", {"average": "micro"}),
                         ("perplexity", {"ignore_label": -1}), ("pcc", {}), ("nll_loss", {})]:
        m = metric.create(name, **kwargs)
        again = metric.create(json.dumps(m.get_config()))
        assert type(again) is type(m) and again.get_config() == m.get_config()
    composite = metric.create(["acc", "f1"])
    again = metric.create(json.dumps(composite.get_config()))
    assert [type(c).__name__ for c in again.metrics] == ["Accuracy", "F1"]
    assert type(metric.create('["mcc", {"average": "micro"}]')).__name__ == "MCC"
    with pytest.raises(ValueError, match="JSON config takes no further arguments"):
        metric.create('{"metric": "acc"}', axis=1)
