"""Binary classification scores from a confusion count: F1 and MCC.

Predictions are class scores ``(N, 2)``; the predicted class is their argmax and class 1 is
the positive class. With ``average='macro'`` each :meth:`~EvalMetric.update` call scores its
own batch and the metric is the mean of those scores; with ``'micro'`` the counts accumulate
and the metric is the score of all of them together.
"""

from __future__ import annotations

import math

import numpy as np

from .evaluation import EvalMetric, _np, check_label_shapes, register

__all__ = ["F1", "MCC"]

_COUNTS = ("tp", "fp", "fn", "tn")


class _BinaryCounts:
    """True/false positive/negative counts, local and global."""

    def __init__(self) -> None:
        self.local = dict.fromkeys(_COUNTS, 0)
        self.total = dict.fromkeys(_COUNTS, 0)

    def add(self, label: np.ndarray, pred: np.ndarray, owner: str) -> None:
        label = label.astype(np.int32)
        pred_label = np.argmax(pred, axis=1)
        check_label_shapes(label, pred)
        if len(np.unique(label)) > 2:
            raise ValueError(f"{owner} currently only supports binary classification.")
        p, t = pred_label == 1, label == 1
        batch = {"tp": int(np.sum(p & t)), "fp": int(np.sum(p & ~t)),
                 "fn": int(np.sum(~p & t)), "tn": int(np.sum(~p & ~t))}
        for k, v in batch.items():
            self.local[k] += v
            self.total[k] += v

    def clear(self, local_only: bool) -> None:
        self.local = dict.fromkeys(_COUNTS, 0)
        if not local_only:
            self.total = dict.fromkeys(_COUNTS, 0)

    def counts(self, use_global: bool) -> dict:
        return self.total if use_global else self.local


def _fscore(c: dict) -> float:
    precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] > 0 else 0.0
    recall = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] > 0 else 0.0
    if precision + recall == 0:
        return 0.0
    return 2 * precision * recall / (precision + recall)


def _mcc(c: dict) -> float:
    if not sum(c.values()):
        return 0.0
    tp, fp, fn, tn = (float(c[k]) for k in _COUNTS)
    # empty margins are left out of the denominator (as MXNet does), so the score is 0, not NaN
    denom = 1.0
    for term in (tp + fp, tp + fn, tn + fp, tn + fn):
        if term != 0:
            denom *= term
    return (tp * tn - fp * fn) / math.sqrt(denom)


class _BinaryScore(EvalMetric):
    _score = staticmethod(_fscore)

    def __init__(self, name: str, output_names: list | None, label_names: list | None,
                 average: str) -> None:
        if average not in ("macro", "micro"):
            raise ValueError(f"average must be 'macro' or 'micro', got {average!r}")
        self.average = average
        self._counts = _BinaryCounts()
        super().__init__(name, output_names=output_names, label_names=label_names,
                         average=average)

    def _update(self, labels: list, preds: list) -> None:
        for label, pred in zip(labels, preds):
            self._counts.add(_np(label), _np(pred), type(self).__name__)
        local, total = self._counts.local, self._counts.total
        if self.average == "macro":
            self.sum_metric += self._score(local)
            self.global_sum_metric += self._score(total)
            self.num_inst += 1
            self.global_num_inst += 1
            self._counts.clear(local_only=False)
        else:
            self.num_inst = sum(local.values())
            self.global_num_inst = sum(total.values())
            self.sum_metric = self._score(local) * self.num_inst
            self.global_sum_metric = self._score(total) * self.global_num_inst

    def _reset_stats(self, local_only: bool) -> None:
        if hasattr(self, "_counts"):
            self._counts.clear(local_only)


@register
class F1(_BinaryScore):
    """F1 score of binary classification: ``2 * precision * recall / (precision + recall)``.

    ``precision = tp / (tp + fp)`` and ``recall = tp / (tp + fn)``, each 0 when its
    denominator is; the score is 0 when both are.

    Parameters
    ----------
    name : str, default 'f1'
        Name of the metric in ``get()``.
    output_names, label_names : list of str, optional
        Names of the outputs and labels ``update_dict`` uses; None uses all.
    average : {'macro', 'micro'}, default 'macro'
        ``'macro'``: mean of the per-update scores; ``'micro'``: the score of all counts.

    See Also
    --------
    MCC, Accuracy, create

    Examples
    --------
    >>> import minigluon as mx
    >>> f1 = mx.metric.F1()
    >>> pred = mx.nd.array([[0.3, 0.7], [0.6, 0.4], [0.2, 0.8]])
    >>> f1.update([mx.nd.array([1, 1, 0])], [pred])
    >>> f1.get()
    ('f1', 0.5)
    """

    _score = staticmethod(_fscore)

    def __init__(self, name: str = "f1", output_names: list | None = None,
                 label_names: list | None = None, average: str = "macro") -> None:
        super().__init__(name, output_names, label_names, average)


@register
class MCC(_BinaryScore):
    """Matthews correlation coefficient of binary classification.

    ``(tp*tn - fp*fn) / sqrt((tp+fp)(tp+fn)(tn+fp)(tn+fn))``, where factors that are 0 are
    left out of the product (so a degenerate batch scores 0, not NaN).

    Parameters
    ----------
    name : str, default 'mcc'
        Name of the metric in ``get()``.
    output_names, label_names : list of str, optional
        Names of the outputs and labels ``update_dict`` uses; None uses all.
    average : {'macro', 'micro'}, default 'macro'
        ``'macro'``: mean of the per-update scores; ``'micro'``: the score of all counts.

    See Also
    --------
    F1, PCC, create

    Examples
    --------
    >>> import minigluon as mx
    >>> mcc = mx.metric.MCC()
    >>> pred = mx.nd.array([[0.3, 0.7], [0.6, 0.4], [0.8, 0.2], [0.1, 0.9]])
    >>> mcc.update([mx.nd.array([1, 0, 0, 1])], [pred])
    >>> mcc.get()
    ('mcc', 1.0)
    """

    _score = staticmethod(_mcc)

    def __init__(self, name: str = "mcc", output_names: list | None = None,
                 label_names: list | None = None, average: str = "macro") -> None:
        super().__init__(name, output_names, label_names, average)
