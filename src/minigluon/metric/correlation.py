"""Correlation metrics: Pearson's r between predictions and labels, and the multiclass MCC (PCC).

See Also
--------
minigluon.metric.MCC : The binary Matthews correlation, which PCC generalizes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .evaluation import EvalMetric, _alias, _np, check_label_shapes, register

__all__ = ["PCC", "PearsonCorrelation"]


class _Moments:
    """Streaming count, means, sums of squared deviations and co-deviation (Welford)."""

    def __init__(self) -> None:
        self.n = 0
        self.mean_l = self.mean_p = 0.0
        self.sse_l = self.sse_p = self.cov = 0.0

    def add(self, label: np.ndarray, pred: np.ndarray) -> None:
        self.n += label.size
        d_l = label - self.mean_l
        self.mean_l += float(np.sum(d_l / self.n))
        self.sse_l += float(np.sum(d_l * (label - self.mean_l)))
        # co-deviation with the label's new mean and the prediction's old one: exact online
        self.cov += float(np.sum((label - self.mean_l) * (pred - self.mean_p)))
        d_p = pred - self.mean_p
        self.mean_p += float(np.sum(d_p / self.n))
        self.sse_p += float(np.sum(d_p * (pred - self.mean_p)))

    def r(self) -> float:
        n = self.n
        return self.cov / ((n - 1) * np.sqrt(self.sse_p / (n - 1)) * np.sqrt(self.sse_l / (n - 1)))


@register
@_alias("pearsonr")
class PearsonCorrelation(EvalMetric):
    """Pearson correlation coefficient between predictions and labels (flattened).

    With ``average='macro'`` each label/prediction pair gets its own r and the metric is
    their mean; with ``'micro'`` the moments accumulate over all pairs (streaming, in float64)
    and the metric is the r of everything seen.

    Parameters
    ----------
    name : str, default 'pearsonr'
        Name of the metric in ``get()``.
    output_names, label_names : list of str, optional
        Names of the outputs and labels ``update_dict`` uses; None uses all.
    average : {'macro', 'micro'}, default 'macro'
        ``'macro'`` averages one r per label/prediction pair; ``'micro'`` computes one r
        from moments accumulated over all pairs.

    See Also
    --------
    PCC, MSE, create

    Examples
    --------
    >>> import minigluon as mx
    >>> r = mx.metric.PearsonCorrelation()
    >>> r.update([mx.nd.array([1, 2, 3])], [mx.nd.array([2, 4, 7])])
    >>> round(r.get()[1], 6)
    0.993399
    """

    def __init__(self, name: str = "pearsonr", output_names: list | None = None,
                 label_names: list | None = None, average: str = "macro") -> None:
        if average not in ("macro", "micro"):
            raise ValueError(f"average must be 'macro' or 'micro', got {average!r}")
        self.average = average
        super().__init__(name, output_names=output_names, label_names=label_names,
                         average=average)

    def _update(self, labels: list, preds: list) -> None:
        for label, pred in zip(labels, preds):
            check_label_shapes(label, pred, False, True)
            label = _np(label).ravel().astype(np.float64)
            pred = _np(pred).ravel().astype(np.float64)
            self.num_inst += 1
            self.global_num_inst += 1
            if self.average == "macro":
                r = float(np.corrcoef(pred, label)[0, 1])
                self.sum_metric += r
                self.global_sum_metric += r
            else:
                self._local.add(label, pred)
                self._global.add(label, pred)

    def _reset_stats(self, local_only: bool) -> None:
        self._local = _Moments()
        if not local_only:
            self._global = _Moments()

    def _value(self, use_global: bool) -> Any:
        if self.average == "macro":
            return super()._value(use_global)
        return (self._global if use_global else self._local).r()


def _pcc(cm: np.ndarray) -> float:
    n = cm.sum()
    x, y = cm.sum(axis=1), cm.sum(axis=0)
    cov_xx = np.sum(x * (n - x))
    cov_yy = np.sum(y * (n - y))
    if cov_xx == 0 or cov_yy == 0:
        return float("nan")
    cov_xy = np.sum(cm.diagonal() * n - x * y)
    return float(cov_xy / (cov_xx * cov_yy) ** 0.5)


@register
class PCC(EvalMetric):
    """Multiclass Matthews correlation (Gorodkin's R_K) from an accumulated confusion matrix.

    Predictions are class scores ``(N, K)`` (their argmax is the predicted class) or class
    indices shaped like the labels. For two classes this equals :class:`MCC`; the value does
    not depend on batch sizes or order. NaN while a margin of the matrix is all zero.

    Parameters
    ----------
    name : str, default 'pcc'
        Name of the metric in ``get()``.
    output_names, label_names : list of str, optional
        Names of the outputs and labels ``update_dict`` uses; None uses all.
    has_global_stats : bool, default True
        Accepted for compatibility (global totals are always kept).

    See Also
    --------
    MCC, PearsonCorrelation, Accuracy

    Examples
    --------
    >>> import minigluon as mx
    >>> pcc = mx.metric.PCC()
    >>> pcc.update([mx.nd.array([0, 1, 2, 2])], [mx.nd.array([0, 1, 2, 1])])
    >>> round(pcc.get()[1], 6)
    0.7
    """

    def __init__(self, name: str = "pcc", output_names: list | None = None,
                 label_names: list | None = None, has_global_stats: bool = True) -> None:
        self.k = 2
        super().__init__(name, output_names=output_names, label_names=label_names)

    def _update(self, labels: list, preds: list) -> None:
        for label, pred in zip(labels, preds):
            label = _np(label).astype(np.int32)
            pred = _np(pred)
            pred = (pred.argmax(axis=1) if pred.shape != label.shape
                    else pred.astype(np.int32))
            label, pred = label.reshape(-1), pred.reshape(-1)
            n = int(max(pred.max(), label.max()))
            if n >= self.k:
                grow = n + 1 - self.k
                self.lcm = np.pad(self.lcm, ((0, grow), (0, grow)))
                self.gcm = np.pad(self.gcm, ((0, grow), (0, grow)))
                self.k += grow
            batch = np.zeros((self.k, self.k))
            np.add.at(batch, (pred, label), 1)
            self.lcm += batch
            self.gcm += batch
        self.num_inst += 1
        self.global_num_inst += 1
        self.sum_metric = _pcc(self.lcm) * self.num_inst
        self.global_sum_metric = _pcc(self.gcm) * self.global_num_inst

    def _reset_stats(self, local_only: bool) -> None:
        self.lcm = np.zeros((self.k, self.k))
        if not local_only:
            self.gcm = np.zeros((self.k, self.k))

    def _value(self, use_global: bool) -> Any:
        return _pcc(self.gcm if use_global else self.lcm)
