"""F1 and MCC: macro (per update) and micro (pooled counts) averaging, degenerate batches."""

from __future__ import annotations

import math

import numpy as np
import pytest

import minigluon as mx


def _scores(pred_labels):
    """Two-class scores whose argmax is ``pred_labels``."""
    return mx.nd.array(np.eye(2)[pred_labels] * 0.6 + 0.2)


# batch A: tp=1 fp=1 fn=1 tn=1; batch B: tp=2 fp=0 fn=0 tn=1
A = (mx.nd.array([1, 1, 0, 0]), _scores([1, 0, 1, 0]))
B = (mx.nd.array([1, 1, 0]), _scores([1, 1, 0]))


def _f1(tp, fp, fn):
    return 2 * tp / (2 * tp + fp + fn)


def _mcc(tp, fp, fn, tn):
    return (tp * tn - fp * fn) / math.sqrt((tp + fp) * (tp + fn) * (tn + fp) * (tn + fn))


def test_f1_macro_averages_updates_micro_pools_counts() -> None:
    macro, micro = mx.metric.F1(), mx.metric.create("f1", average="micro")
    for m in (macro, micro):
        assert math.isnan(m.get()[1])
        m.update([A[0]], [A[1]])
        m.update([B[0]], [B[1]])
    assert macro.get() == ("f1", pytest.approx((_f1(1, 1, 1) + _f1(2, 0, 0)) / 2))
    assert macro.num_inst == 2
    assert micro.get()[1] == pytest.approx(_f1(3, 1, 1))
    assert micro.num_inst == 7  # micro counts examples


def test_mcc_macro_and_micro() -> None:
    macro, micro = mx.metric.MCC(), mx.metric.MCC(average="micro")
    for m in (macro, micro):
        m.update([A[0], B[0]], [A[1], B[1]])  # one update with two batches
        m.update([B[0]], [B[1]])
    assert macro.get()[1] == pytest.approx((_mcc(3, 1, 1, 2) + _mcc(2, 0, 0, 1)) / 2)
    assert micro.get()[1] == pytest.approx(_mcc(5, 1, 1, 3))


def test_degenerate_batches_score_zero() -> None:
    label, pred = mx.nd.array([0, 0]), _scores([0, 0])  # no positives at all
    for m in (mx.metric.F1(), mx.metric.MCC(), mx.metric.F1(average="micro")):
        m.update([label], [pred])
        assert m.get()[1] == 0.0


def test_global_counts_survive_reset_local() -> None:
    m = mx.metric.F1(average="micro")
    m.update([A[0]], [A[1]])
    m.reset_local()
    m.update([B[0]], [B[1]])
    assert m.get()[1] == pytest.approx(_f1(2, 0, 0))
    assert m.get_global()[1] == pytest.approx(_f1(3, 1, 1))
    m.reset()
    assert math.isnan(m.get_global()[1])


def test_binary_only_and_average_checked() -> None:
    with pytest.raises(ValueError, match="only supports binary"):
        mx.metric.F1().update([mx.nd.array([0, 1, 2])], [mx.nd.ones((3, 3))])
    with pytest.raises(ValueError, match="'macro' or 'micro'"):
        mx.metric.MCC(average="weighted")
