"""Metrics of predictions against labels: Accuracy, TopKAccuracy, MAE, MSE, RMSE, CrossEntropy.

:class:`Loss` averages loss values (it ignores the labels).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .evaluation import EvalMetric, _alias, _is_array, _np, check_label_shapes, register

__all__ = ["MAE", "MSE", "RMSE", "Accuracy", "CrossEntropy", "Loss", "TopKAccuracy"]


@register
@_alias("acc")
class Accuracy(EvalMetric):
    """Fraction of correct predictions.

    A prediction whose shape differs from its label's is first reduced with
    ``argmax(pred, axis)``; labels and predictions are then compared as int32. Every label
    counts, including ignore labels such as -1 (as in MXNet).

    Parameters
    ----------
    axis : int, default 1
        The class axis of the predictions.
    name : str, default 'accuracy'
        Name of the metric in ``get()``.
    output_names, label_names : list of str, optional
        Names of the outputs and labels ``update_dict`` uses; None uses all.

    See Also
    --------
    TopKAccuracy, CrossEntropy
    minigluon.ndarray.argmax

    Examples
    --------
    >>> import minigluon as mx
    >>> preds = [mx.nd.array([[0.3, 0.7], [0, 1.], [0.4, 0.6]])]
    >>> labels = [mx.nd.array([0, 1, 1])]
    >>> acc = mx.metric.Accuracy()
    >>> acc.update(preds=preds, labels=labels)
    >>> name, value = acc.get()
    >>> name, round(value, 4)
    ('accuracy', 0.6667)
    """

    def __init__(self, axis: int = 1, name: str = "accuracy", output_names: list | None = None,
                 label_names: list | None = None) -> None:
        super().__init__(name, axis=axis, output_names=output_names, label_names=label_names)
        self.axis = axis

    def _batch(self, label, pred):
        if pred.shape != label.shape:
            pred = pred.argmax(axis=self.axis)
        pred = pred.astype("int32").ravel()
        label = label.astype("int32").ravel()
        check_label_shapes(label, pred)
        return int((pred == label).sum()), len(pred)


@register
@_alias("top_k_accuracy", "top_k_acc")
class TopKAccuracy(EvalMetric):
    """Fraction of samples whose label is among the ``top_k`` highest-scored classes.

    Predictions are ``(batch, classes)`` (or ``(batch,)`` class ids); the name is
    ``'top_k_accuracy_<k>'``. (MXNet refuses ``top_k=1``; here it equals Accuracy.)

    Parameters
    ----------
    top_k : int, default 1
        A prediction counts as correct if the label is among the ``top_k`` highest scores.
    name : str, default 'top_k_accuracy'
        Name of the metric in ``get()``; ``_<top_k>`` is appended.
    output_names, label_names : list of str, optional
        Names of the outputs and labels ``update_dict`` uses; None uses all.

    See Also
    --------
    Accuracy
    minigluon.ndarray.topk

    Examples
    --------
    >>> import minigluon as mx
    >>> m = mx.metric.TopKAccuracy(top_k=2)
    >>> m.update([mx.nd.array([2, 2])], [mx.nd.array([[0.1, 0.5, 0.4], [0.2, 0.7, 0.1]])])
    >>> m.get()
    ('top_k_accuracy_2', 0.5)
    """

    def __init__(self, top_k: int = 1, name: str = "top_k_accuracy",
                 output_names: list | None = None, label_names: list | None = None) -> None:
        super().__init__(name, top_k=top_k, output_names=output_names, label_names=label_names)
        if top_k < 1:
            raise ValueError(f"TopKAccuracy: top_k must be >= 1, got {top_k}")
        self.top_k = top_k
        self.name += f"_{top_k}"

    def _batch(self, label, pred):
        if pred.ndim > 2:
            raise ValueError("Predictions should be no more than 2 dims")
        label = label.astype("int32").ravel()
        check_label_shapes(label, pred)
        if pred.ndim == 1:
            return int((pred.astype("int32") == label).sum()), len(label)
        k = min(pred.shape[1], self.top_k)
        top = np.argpartition(pred.astype("float32"), -k, axis=1)[:, -k:]
        return int((top == label[:, None]).any(axis=1).sum()), len(label)


def _as_2d(a: np.ndarray) -> np.ndarray:
    return a.reshape(a.shape[0], 1) if a.ndim == 1 else a


@register
class MAE(EvalMetric):
    """Mean absolute error, averaged per batch: each update adds ``mean(|label - pred|)``.

    Parameters
    ----------
    name : str, default 'mae'
        Name of the metric in ``get()``.
    output_names, label_names : list of str, optional
        Names of the outputs and labels ``update_dict`` uses; None uses all.

    See Also
    --------
    MSE, RMSE
    minigluon.gluon.loss.L1Loss

    Examples
    --------
    >>> import minigluon as mx
    >>> m = mx.metric.MAE()
    >>> m.update([mx.nd.array([3, -0.5, 2, 7])], [mx.nd.array([2.5, 0.0, 2, 8])])
    >>> m.get()
    ('mae', 0.5)
    """

    def __init__(self, name: str = "mae", output_names: list | None = None,
                 label_names: list | None = None) -> None:
        super().__init__(name, output_names=output_names, label_names=label_names)

    def _batch(self, label, pred):
        return float(np.abs(_as_2d(label) - _as_2d(pred)).mean()), 1


@register
class MSE(EvalMetric):
    """Mean squared error, averaged per batch: each update adds ``mean((label - pred)**2)``.

    Parameters
    ----------
    name : str, default 'mse'
        Name of the metric in ``get()``.
    output_names, label_names : list of str, optional
        Names of the outputs and labels ``update_dict`` uses; None uses all.

    See Also
    --------
    RMSE, MAE
    minigluon.gluon.loss.L2Loss

    Examples
    --------
    >>> import minigluon as mx
    >>> m = mx.metric.MSE()
    >>> m.update([mx.nd.array([3, -0.5, 2, 7])], [mx.nd.array([2.5, 0.0, 2, 8])])
    >>> m.get()
    ('mse', 0.375)
    """

    def __init__(self, name: str = "mse", output_names: list | None = None,
                 label_names: list | None = None) -> None:
        super().__init__(name, output_names=output_names, label_names=label_names)

    def _batch(self, label, pred):
        return float(((_as_2d(label) - _as_2d(pred)) ** 2.0).mean()), 1


@register
class RMSE(EvalMetric):
    """Root mean squared error, averaged per batch: each update adds ``sqrt(MSE of batch)``.

    Parameters
    ----------
    name : str, default 'rmse'
        Name of the metric in ``get()``.
    output_names, label_names : list of str, optional
        Names of the outputs and labels ``update_dict`` uses; None uses all.

    See Also
    --------
    MSE, MAE

    Examples
    --------
    >>> import minigluon as mx
    >>> m = mx.metric.RMSE()
    >>> m.update([mx.nd.array([0, 0])], [mx.nd.array([3, 4])])
    >>> print(round(m.get()[1], 4))
    3.5355
    """

    def __init__(self, name: str = "rmse", output_names: list | None = None,
                 label_names: list | None = None) -> None:
        super().__init__(name, output_names=output_names, label_names=label_names)

    def _batch(self, label, pred):
        return float(np.sqrt(((_as_2d(label) - _as_2d(pred)) ** 2.0).mean())), 1


@register
@_alias("ce")
class CrossEntropy(EvalMetric):
    """Mean cross-entropy ``-log(p[label] + eps)`` of predicted class probabilities.

    Parameters
    ----------
    eps : float, default 1e-12
        Added to the probability before the log.
    name : str, default 'cross-entropy'
        Name of the metric in ``get()``.
    output_names, label_names : list of str, optional
        Names of the outputs and labels ``update_dict`` uses; None uses all.

    See Also
    --------
    Accuracy
    minigluon.gluon.loss.SoftmaxCrossEntropyLoss

    Examples
    --------
    >>> import minigluon as mx
    >>> m = mx.metric.CrossEntropy()
    >>> m.update([mx.nd.array([0, 1])], [mx.nd.array([[0.5, 0.5], [0.0, 1.0]])])
    >>> print(round(m.get()[1], 4))
    0.3466
    """

    def __init__(self, eps: float = 1e-12, name: str = "cross-entropy",
                 output_names: list | None = None, label_names: list | None = None) -> None:
        super().__init__(name, eps=eps, output_names=output_names, label_names=label_names)
        self.eps = eps

    def _batch(self, label, pred):
        label = label.ravel()
        if label.shape[0] != pred.shape[0]:
            raise ValueError(f"CrossEntropy: {label.shape[0]} labels but {pred.shape[0]} "
                             "prediction rows")
        prob = pred[np.arange(label.shape[0]), label.astype(np.int64)]
        return float((-np.log(prob.astype(np.float64) + self.eps)).sum()), len(label)


@register
@_alias("nll_loss")
class NegativeLogLikelihood(EvalMetric):
    """Mean negative log-likelihood ``-log(p[label] + eps)`` of predicted probabilities.

    Computed in the predictions' precision (float32 predictions give float32 terms).

    Parameters
    ----------
    eps : float, default 1e-12
        Added to the probability before the log.
    name : str, default 'nll-loss'
        Name of the metric in ``get()``.
    output_names, label_names : list of str, optional
        Names of the outputs and labels ``update_dict`` uses; None uses all.

    See Also
    --------
    CrossEntropy, Perplexity

    Examples
    --------
    >>> import minigluon as mx
    >>> m = mx.metric.create('nll_loss')
    >>> m.update([mx.nd.array([1])], [mx.nd.array([[0.75, 0.25]])])
    >>> print(round(m.get()[1], 4))
    1.3863
    """

    def __init__(self, eps: float = 1e-12, name: str = "nll-loss",
                 output_names: list | None = None, label_names: list | None = None) -> None:
        super().__init__(name, eps=eps, output_names=output_names, label_names=label_names)
        self.eps = eps

    def _batch(self, label, pred):
        label = label.ravel()
        n = pred.shape[0]
        if label.shape[0] != n:
            raise ValueError(f"NegativeLogLikelihood: {label.shape[0]} labels but {n} "
                             "prediction rows")
        prob = pred[np.arange(n), label.astype(np.int64)]
        return float((-np.log(prob + np.asarray(self.eps, prob.dtype))).sum()), n


@register
class Perplexity(EvalMetric):
    """Perplexity ``exp(mean(-log p[label]))`` of predicted class probabilities.

    Positions whose label equals ``ignore_label`` are left out (neither counted nor scored);
    probabilities are floored at 1e-10 before the log. The sums run in the predictions'
    precision.

    Parameters
    ----------
    ignore_label : int or None
        Label value to skip (e.g. padding), or None.
    axis : int, default -1
        The class axis of the predictions.
    name : str, default 'perplexity'
        Name of the metric in ``get()``.
    output_names, label_names : list of str, optional
        Names of the outputs and labels ``update_dict`` uses; None uses all.

    See Also
    --------
    NegativeLogLikelihood, CrossEntropy

    Examples
    --------
    >>> import minigluon as mx
    >>> m = mx.metric.Perplexity(ignore_label=None)
    >>> m.update([mx.nd.array([0, 1])], [mx.nd.array([[0.5, 0.5], [0.75, 0.25]])])
    >>> print(round(m.get()[1], 4))
    2.8284
    >>> m = mx.metric.Perplexity(ignore_label=0)
    >>> m.update([mx.nd.array([0, 1])], [mx.nd.array([[0.5, 0.5], [0.75, 0.25]])])
    >>> print(round(m.get()[1], 4))
    4.0
    """

    def __init__(self, ignore_label: int | None, axis: int = -1, name: str = "perplexity",
                 output_names: list | None = None, label_names: list | None = None) -> None:
        super().__init__(name, ignore_label=ignore_label, output_names=output_names,
                         label_names=label_names)
        self.ignore_label = ignore_label
        self.axis = axis

    def _update(self, labels: list, preds: list) -> None:
        if len(labels) != len(preds):
            raise ValueError(f"Perplexity: {len(labels)} labels but {len(preds)} predictions")
        loss, num = None, 0
        for label, pred in zip(labels, preds):
            label, pred = _np(label), _np(pred)
            if label.size * pred.shape[-1] != pred.size:
                raise ValueError(f"shape mismatch: {label.shape} vs. {pred.shape}")
            label = label.reshape(label.size).astype(np.int32)
            picked = np.take_along_axis(
                np.moveaxis(pred, self.axis, -1).reshape(-1, pred.shape[self.axis]),
                label[:, None], axis=-1)[:, 0]
            if self.ignore_label is not None:
                ignore = (label == self.ignore_label).astype(picked.dtype)
                num -= int(ignore.sum())
                picked = picked * (1 - ignore) + ignore
            term = -np.sum(np.log(np.maximum(np.asarray(1e-10, picked.dtype), picked)))
            loss = term if loss is None else loss + term
            num += picked.size
        if loss is None:
            return
        self.sum_metric += loss
        self.global_sum_metric += loss
        self.num_inst += num
        self.global_num_inst += num

    def _value(self, use_global: bool) -> Any:
        s, n = ((self.global_sum_metric, self.global_num_inst) if use_global
                else (self.sum_metric, self.num_inst))
        return float(np.exp(s / n))


@register
class Loss(EvalMetric):
    """Mean of the given loss values (labels are ignored): ``sum(losses) / count``.

    Parameters
    ----------
    name : str, default 'loss'
        Name of the metric in ``get()``.
    output_names, label_names : list of str, optional
        Names of the outputs and labels ``update_dict`` uses; None uses all.

    See Also
    --------
    minigluon.gluon.loss.Loss : Computes the losses this averages.
    CrossEntropy

    Examples
    --------
    >>> import minigluon as mx
    >>> m = mx.metric.Loss()
    >>> m.update(None, [mx.nd.array([1, 2, 3])])
    >>> m.get()
    ('loss', 2.0)
    """

    def __init__(self, name: str = "loss", output_names: list | None = None,
                 label_names: list | None = None) -> None:
        super().__init__(name, output_names=output_names, label_names=label_names)

    def update(self, _: Any, preds: Any) -> None:
        """Add losses: ``preds`` is an array or a list of arrays; the labels are ignored.

        Parameters
        ----------
        _ : NDArray, list of NDArray or None
            The labels, ignored (the predictions are the losses).
        preds : NDArray or list of NDArray
            The loss values; each element counts as one instance.

        See Also
        --------
        EvalMetric.update

        Examples
        --------
        >>> import minigluon as mx
        >>> m = mx.metric.Loss()
        >>> m.update(None, mx.nd.array([0.5, 1.5]))
        >>> m.get()
        ('loss', 1.0)
        """
        for pred in [preds] if _is_array(preds) else preds:
            a = _np(pred)
            self.sum_metric += float(a.sum())
            self.global_sum_metric += float(a.sum())
            self.num_inst += a.size
            self.global_num_inst += a.size




@register
class Torch(Loss):
    """A :class:`Loss` named ``'torch'`` (kept for MXNet's Torch plugin users).

    Parameters
    ----------
    name : str, default 'torch'
        Name of the metric in ``get()``.
    output_names, label_names : list of str, optional
        Names of the outputs and labels ``update_dict`` uses; None uses all.

    See Also
    --------
    Loss, Caffe

    Examples
    --------
    >>> import minigluon as mx
    >>> m = mx.metric.Torch()
    >>> m.update(None, [mx.nd.array([1.0, 3.0])])
    >>> m.get()
    ('torch', 2.0)
    """

    def __init__(self, name: str = "torch", output_names: list | None = None,
                 label_names: list | None = None) -> None:
        super().__init__(name, output_names, label_names)


@register
class Caffe(Loss):
    """A :class:`Loss` named ``'caffe'`` (kept for MXNet's Caffe plugin users).

    Parameters
    ----------
    name : str, default 'caffe'
        Name of the metric in ``get()``.
    output_names, label_names : list of str, optional
        Names of the outputs and labels ``update_dict`` uses; None uses all.

    See Also
    --------
    Loss, Torch

    Examples
    --------
    >>> import minigluon as mx
    >>> mx.metric.Caffe().get()
    ('caffe', nan)
    """

    def __init__(self, name: str = "caffe", output_names: list | None = None,
                 label_names: list | None = None) -> None:
        super().__init__(name, output_names, label_names)
