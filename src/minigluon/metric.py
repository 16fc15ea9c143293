"""Evaluation metrics (``mx.metric``): Accuracy, TopKAccuracy, MAE, MSE, RMSE, CrossEntropy...

A metric accumulates ``sum_metric`` and ``num_inst`` over calls to ``update(labels, preds)``
and reports ``get() -> (name, sum_metric / num_inst)``. Labels and predictions may be
NDArrays, numpy arrays or lists of them (one entry per output). Each metric also keeps
"global" totals that :meth:`EvalMetric.reset_local` does not clear.

See Also
--------
EvalMetric, Accuracy, create
minigluon.gluon.loss : Losses to train with; metrics report on the training.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as _numpy

from .ndarray import NDArray

__all__ = [
    "MAE", "MSE", "RMSE", "Accuracy", "CompositeEvalMetric", "CrossEntropy", "CustomMetric",
    "EvalMetric", "Loss", "TopKAccuracy", "check_label_shapes", "create", "np", "register",
]

_REGISTRY: dict[str, type] = {}


def register(klass: type) -> type:
    """Register a metric class under its lowercase class name, for :func:`create`.

    See Also
    --------
    create, EvalMetric

    Examples
    --------
    >>> import minigluon as mx
    >>> @mx.metric.register
    ... class Zero(mx.metric.EvalMetric):
    ...     def __init__(self):
    ...         super().__init__('zero')
    ...     def _batch(self, label, pred):
    ...         return 0.0, 1
    >>> mx.metric.create('zero').name
    'zero'
    """
    _REGISTRY[klass.__name__.lower()] = klass
    return klass


def _alias(*names: str) -> Callable[[type], type]:
    def reg(klass: type) -> type:
        for n in names:
            _REGISTRY[n] = klass
        return klass
    return reg


def _is_array(x: Any) -> bool:
    return isinstance(x, (NDArray, _numpy.ndarray))


def _np(x: Any) -> _numpy.ndarray:
    return _numpy.asarray(x)


def check_label_shapes(labels: Any, preds: Any, wrap: bool = False,
                       shape: bool = False) -> tuple[Any, Any]:
    """Check that labels and predictions have the same length (or shape).

    Parameters
    ----------
    labels, preds : list or array
    wrap : bool, default False
        Wrap a single array into a one-element list (after the check).
    shape : bool, default False
        Compare ``.shape`` instead of ``len()``.

    Returns
    -------
    tuple
        ``(labels, preds)``.

    See Also
    --------
    EvalMetric.update

    Examples
    --------
    >>> import minigluon as mx
    >>> mx.metric.check_label_shapes([1, 2], [3])
    Traceback (most recent call last):
    ...
    ValueError: Shape of labels 2 does not match shape of predictions 1
    """
    if not shape:
        label_shape, pred_shape = len(labels), len(preds)
    else:
        label_shape, pred_shape = labels.shape, preds.shape
    if label_shape != pred_shape:
        raise ValueError(f"Shape of labels {label_shape} does not match shape of "
                         f"predictions {pred_shape}")
    if wrap:
        labels = [labels] if _is_array(labels) else labels
        preds = [preds] if _is_array(preds) else preds
    return labels, preds


class EvalMetric:
    """Base class of metrics: accumulate with :meth:`update`, read with :meth:`get`.

    Subclasses implement ``_batch(label, pred) -> (sum_metric, num_inst)`` for one
    label/prediction pair (numpy arrays), or override :meth:`update` as in MXNet.

    Parameters
    ----------
    name : str
        The metric's name.
    output_names, label_names : list of str, optional
        Which entries :meth:`update_dict` uses.

    See Also
    --------
    Accuracy, CompositeEvalMetric, CustomMetric, create, register

    Examples
    --------
    >>> import minigluon as mx
    >>> m = mx.metric.MAE()
    >>> m.update([mx.nd.array([1, 2])], [mx.nd.array([1, 4])])
    >>> m.num_inst, m.sum_metric, m.get()
    (1, 1.0, ('mae', 1.0))
    """

    def __init__(self, name: str, output_names: list | None = None,
                 label_names: list | None = None, **kwargs: Any) -> None:
        self.name = str(name)
        self.output_names = output_names
        self.label_names = label_names
        self._kwargs = kwargs
        self.reset()

    def __str__(self) -> str:
        return f"EvalMetric: {dict(self.get_name_value())}"

    def get_config(self) -> dict:
        """The constructor arguments, for :func:`create` (``create(**m.get_config())``).

        See Also
        --------
        create : Recreates a metric from its config.

        Examples
        --------
        >>> import minigluon as mx
        >>> mx.metric.Accuracy(axis=0).get_config()['axis']
        0
        """
        config = dict(self._kwargs)
        config.update({"metric": type(self).__name__, "name": self.name,
                       "output_names": self.output_names, "label_names": self.label_names})
        return config

    def update_dict(self, label: dict, pred: dict) -> None:
        """Update from dicts of named labels and outputs.

        See Also
        --------
        EvalMetric.update

        Examples
        --------
        >>> import minigluon as mx
        >>> m = mx.metric.MSE(output_names=['out'], label_names=['y'])
        >>> m.update_dict({'y': mx.nd.array([1, 2])}, {'out': mx.nd.array([1, 0]), 'aux': None})
        >>> m.get()
        ('mse', 2.0)
        """
        preds = ([pred[n] for n in self.output_names] if self.output_names is not None
                 else list(pred.values()))
        labels = ([label[n] for n in self.label_names] if self.label_names is not None
                  else list(label.values()))
        self.update(labels, preds)

    def update(self, labels: Any, preds: Any) -> None:
        """Add a batch: ``labels`` and ``preds`` are arrays or equally long lists of arrays.

        See Also
        --------
        EvalMetric.get, EvalMetric.reset
        check_label_shapes

        Examples
        --------
        >>> import minigluon as mx
        >>> m = mx.metric.Accuracy()
        >>> m.update(mx.nd.array([0, 1]), mx.nd.array([[0.9, 0.1], [0.8, 0.2]]))
        >>> m.get()
        ('accuracy', 0.5)
        """
        labels = [labels] if _is_array(labels) else labels
        preds = [preds] if _is_array(preds) else preds
        labels, preds = check_label_shapes(labels, preds)
        for label, pred in zip(labels, preds):
            s, n = self._batch(_np(label), _np(pred))
            self.sum_metric += s
            self.global_sum_metric += s
            self.num_inst += n
            self.global_num_inst += n

    def _batch(self, label: _numpy.ndarray, pred: _numpy.ndarray) -> tuple[float, int]:
        raise NotImplementedError(f"{type(self).__name__} must implement update")

    def reset(self) -> None:
        """Clear the local and global totals.

        See Also
        --------
        EvalMetric.reset_local, EvalMetric.update

        Examples
        --------
        >>> import minigluon as mx
        >>> m = mx.metric.MAE()
        >>> m.update([mx.nd.array([1])], [mx.nd.array([2])])
        >>> m.reset()
        >>> m.get()
        ('mae', nan)
        """
        self.num_inst = 0
        self.sum_metric = 0.0
        self.global_num_inst = 0
        self.global_sum_metric = 0.0

    def reset_local(self) -> None:
        """Clear the local totals only (the global ones keep accumulating).

        See Also
        --------
        EvalMetric.reset, EvalMetric.get

        Examples
        --------
        >>> import minigluon as mx
        >>> m = mx.metric.MAE()
        >>> m.update([mx.nd.array([1])], [mx.nd.array([2])])
        >>> m.reset_local()
        >>> m.get()[1], m.get_global()[1]
        (nan, 1.0)
        """
        self.num_inst = 0
        self.sum_metric = 0.0

    def get(self) -> tuple[Any, Any]:
        """``(name, sum_metric / num_inst)``; the value is NaN before any update.

        See Also
        --------
        EvalMetric.get_global, EvalMetric.get_name_value

        Examples
        --------
        >>> import minigluon as mx
        >>> m = mx.metric.MSE()
        >>> m.update([mx.nd.array([0, 0])], [mx.nd.array([1, 3])])
        >>> m.get()
        ('mse', 5.0)
        """
        if self.num_inst == 0:
            return (self.name, float("nan"))
        return (self.name, float(self.sum_metric) / self.num_inst)

    def get_global(self) -> tuple[Any, Any]:
        """Like :meth:`get`, over everything since the last :meth:`reset`.

        See Also
        --------
        EvalMetric.get, EvalMetric.get_global_name_value

        Examples
        --------
        >>> import minigluon as mx
        >>> m = mx.metric.MSE()
        >>> m.update([mx.nd.array([0])], [mx.nd.array([2])])
        >>> m.get_global()
        ('mse', 4.0)
        """
        if self.global_num_inst == 0:
            return (self.name, float("nan"))
        return (self.name, float(self.global_sum_metric) / self.global_num_inst)

    def get_name_value(self) -> list[tuple[str, Any]]:
        """``[(name, value), ...]`` (several pairs for a composite metric).

        See Also
        --------
        EvalMetric.get, EvalMetric.get_global_name_value

        Examples
        --------
        >>> import minigluon as mx
        >>> m = mx.metric.Accuracy()
        >>> m.update([mx.nd.array([1])], [mx.nd.array([[0, 1]])])
        >>> m.get_name_value()
        [('accuracy', 1.0)]
        """
        return _pairs(*self.get())

    def get_global_name_value(self) -> list[tuple[str, Any]]:
        """Like :meth:`get_name_value`, from the global totals.

        See Also
        --------
        EvalMetric.get_global, EvalMetric.get_name_value

        Examples
        --------
        >>> import minigluon as mx
        >>> mx.metric.Accuracy().get_global_name_value()
        [('accuracy', nan)]
        """
        return _pairs(*self.get_global())


def _pairs(name: Any, value: Any) -> list[tuple[str, Any]]:
    names = name if isinstance(name, list) else [name]
    values = value if isinstance(value, list) else [value]
    return list(zip(names, values))


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
    output_names, label_names : list of str, optional

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
    name : str, default 'top_k_accuracy'
    output_names, label_names : list of str, optional

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
        top = _numpy.argpartition(pred.astype("float32"), -k, axis=1)[:, -k:]
        return int((top == label[:, None]).any(axis=1).sum()), len(label)


def _as_2d(a: _numpy.ndarray) -> _numpy.ndarray:
    return a.reshape(a.shape[0], 1) if a.ndim == 1 else a


@register
class MAE(EvalMetric):
    """Mean absolute error, averaged per batch: each update adds ``mean(|label - pred|)``.

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
        return float(_numpy.abs(_as_2d(label) - _as_2d(pred)).mean()), 1


@register
class MSE(EvalMetric):
    """Mean squared error, averaged per batch: each update adds ``mean((label - pred)**2)``.

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
        return float(_numpy.sqrt(((_as_2d(label) - _as_2d(pred)) ** 2.0).mean())), 1


@register
@_alias("ce")
class CrossEntropy(EvalMetric):
    """Mean cross-entropy ``-log(p[label] + eps)`` of predicted class probabilities.

    Parameters
    ----------
    eps : float, default 1e-12
        Added to the probability before the log.
    name : str, default 'cross-entropy'
    output_names, label_names : list of str, optional

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
        prob = pred[_numpy.arange(label.shape[0]), label.astype(_numpy.int64)]
        return float((-_numpy.log(prob.astype(_numpy.float64) + self.eps)).sum()), len(label)


@register
class Loss(EvalMetric):
    """Mean of the given loss values (labels are ignored): ``sum(losses) / count``.

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
class CustomMetric(EvalMetric):
    """A metric from a function ``feval(label, pred) -> value`` or ``-> (sum, count)``.

    Parameters
    ----------
    feval : callable
        Called with numpy arrays for each label/prediction pair.
    name : str, optional
        Defaults to ``'custom(<feval name>)'``.
    allow_extra_outputs : bool, default False
        Allow more predictions than labels (extra ones are ignored).

    See Also
    --------
    np : Make one from a numpy function.
    EvalMetric, create

    Examples
    --------
    >>> import minigluon as mx
    >>> m = mx.metric.CustomMetric(lambda label, pred: (label == pred).mean(), name='eq')
    >>> m.update([mx.nd.array([1, 2])], [mx.nd.array([1, 0])])
    >>> m.get()
    ('eq', 0.5)
    """

    def __init__(self, feval: Callable, name: str | None = None,
                 allow_extra_outputs: bool = False, output_names: list | None = None,
                 label_names: list | None = None) -> None:
        if name is None:
            name = getattr(feval, "__name__", "custom")
            if name.find("<") != -1:
                name = f"custom({name})"
        super().__init__(name, feval=feval, allow_extra_outputs=allow_extra_outputs,
                         output_names=output_names, label_names=label_names)
        self._feval = feval
        self._allow_extra_outputs = allow_extra_outputs

    def update(self, labels: Any, preds: Any) -> None:
        """Add a batch, calling ``feval`` on each label/prediction pair.

        See Also
        --------
        EvalMetric.update

        Examples
        --------
        >>> import minigluon as mx
        >>> m = mx.metric.CustomMetric(lambda l, p: (float(abs(l - p).sum()), l.size), 'l1')
        >>> m.update(mx.nd.array([1, 2]), mx.nd.array([2, 2]))
        >>> m.get()
        ('l1', 0.5)
        """
        labels = [labels] if _is_array(labels) else labels
        preds = [preds] if _is_array(preds) else preds
        if not self._allow_extra_outputs:
            labels, preds = check_label_shapes(labels, preds)
        for label, pred in zip(labels, preds):
            res = self._feval(_np(label), _np(pred))
            s, n = res if isinstance(res, tuple) else (res, 1)
            self.sum_metric += s
            self.global_sum_metric += s
            self.num_inst += n
            self.global_num_inst += n

    def get_config(self) -> dict:
        """Not supported: a Python function cannot be recreated from a config.

        See Also
        --------
        EvalMetric.get_config

        Examples
        --------
        >>> import minigluon as mx
        >>> mx.metric.CustomMetric(abs).get_config()
        Traceback (most recent call last):
        ...
        NotImplementedError: CustomMetric cannot be serialized
        """
        raise NotImplementedError("CustomMetric cannot be serialized")


def np(numpy_feval: Callable, name: str | None = None,
       allow_extra_outputs: bool = False) -> CustomMetric:
    """Make a :class:`CustomMetric` from a function of numpy arrays (MXNet's ``metric.np``).

    See Also
    --------
    CustomMetric, create

    Examples
    --------
    >>> import minigluon as mx
    >>> def l1(label, pred):
    ...     return abs(label - pred).mean()
    >>> m = mx.metric.np(l1)
    >>> m.update([mx.nd.array([1, 2])], [mx.nd.array([1, 4])])
    >>> m.get()
    ('l1', 1.0)
    """
    def feval(label: Any, pred: Any) -> Any:
        return numpy_feval(label, pred)
    feval.__name__ = numpy_feval.__name__
    return CustomMetric(feval, name, allow_extra_outputs)


@register
@_alias("composite")
class CompositeEvalMetric(EvalMetric):
    """Several metrics updated together; :meth:`get` returns lists of names and values.

    Parameters
    ----------
    metrics : list of EvalMetric or str, optional
    name : str, default 'composite'
    output_names, label_names : list of str, optional

    See Also
    --------
    EvalMetric, create

    Examples
    --------
    >>> import minigluon as mx
    >>> m = mx.metric.CompositeEvalMetric([mx.metric.Accuracy(), 'mse'])
    >>> m.update([mx.nd.array([1, 0])], [mx.nd.array([1, 1])])
    >>> m.get()
    (['accuracy', 'mse'], [0.5, 0.5])
    """

    def __init__(self, metrics: list | None = None, name: str = "composite",
                 output_names: list | None = None, label_names: list | None = None) -> None:
        super().__init__(name, output_names=output_names, label_names=label_names)
        self.metrics = [create(m) for m in (metrics or [])]

    def add(self, metric: Any) -> None:
        """Add a child metric (an EvalMetric, or anything :func:`create` accepts).

        See Also
        --------
        CompositeEvalMetric.get_metric, create

        Examples
        --------
        >>> import minigluon as mx
        >>> m = mx.metric.CompositeEvalMetric()
        >>> m.add('acc')
        >>> m.get_metric(0).name
        'accuracy'
        """
        self.metrics.append(create(metric))

    def get_metric(self, index: int) -> EvalMetric:
        """The child metric at ``index``.

        See Also
        --------
        CompositeEvalMetric.add

        Examples
        --------
        >>> import minigluon as mx
        >>> mx.metric.CompositeEvalMetric(['mae']).get_metric(1)
        Traceback (most recent call last):
        ...
        ValueError: Metric index 1 is out of range 0 and 1
        """
        if not 0 <= index < len(self.metrics):
            raise ValueError(f"Metric index {index} is out of range 0 and {len(self.metrics)}")
        return self.metrics[index]

    def update_dict(self, labels: dict, preds: dict) -> None:
        """Update every child from dicts of named labels and outputs.

        See Also
        --------
        CompositeEvalMetric.update, EvalMetric.update_dict

        Examples
        --------
        >>> import minigluon as mx
        >>> m = mx.metric.CompositeEvalMetric(['mae'])
        >>> m.update_dict({'y': mx.nd.array([1])}, {'out': mx.nd.array([3])})
        >>> m.get()
        (['mae'], [2.0])
        """
        if self.label_names is not None:
            labels = {n: v for n, v in labels.items() if n in self.label_names}
        if self.output_names is not None:
            preds = {n: v for n, v in preds.items() if n in self.output_names}
        for metric in self.metrics:
            metric.update_dict(labels, preds)

    def update(self, labels: Any, preds: Any) -> None:
        """Update every child metric.

        See Also
        --------
        EvalMetric.update, CompositeEvalMetric.get

        Examples
        --------
        >>> import minigluon as mx
        >>> m = mx.metric.CompositeEvalMetric(['mae', 'mse'])
        >>> m.update([mx.nd.array([0])], [mx.nd.array([2])])
        >>> m.get()
        (['mae', 'mse'], [2.0, 4.0])
        """
        for metric in self.metrics:
            metric.update(labels, preds)

    def reset(self) -> None:
        """Reset every child metric.

        See Also
        --------
        CompositeEvalMetric.reset_local, EvalMetric.reset

        Examples
        --------
        >>> import minigluon as mx
        >>> m = mx.metric.CompositeEvalMetric(['mae'])
        >>> m.update([mx.nd.array([0])], [mx.nd.array([2])])
        >>> m.reset()
        >>> m.get()
        (['mae'], [nan])
        """
        for metric in getattr(self, "metrics", []):
            metric.reset()

    def reset_local(self) -> None:
        """Reset the local totals of every child metric.

        See Also
        --------
        CompositeEvalMetric.reset, EvalMetric.reset_local

        Examples
        --------
        >>> import minigluon as mx
        >>> m = mx.metric.CompositeEvalMetric(['mae'])
        >>> m.update([mx.nd.array([0])], [mx.nd.array([2])])
        >>> m.reset_local()
        >>> m.get(), m.get_global()
        ((['mae'], [nan]), (['mae'], [2.0]))
        """
        for metric in self.metrics:
            metric.reset_local()

    def get(self) -> tuple[list, list]:
        """``([names], [values])`` of the children.

        See Also
        --------
        CompositeEvalMetric.get_global, EvalMetric.get_name_value

        Examples
        --------
        >>> import minigluon as mx
        >>> mx.metric.CompositeEvalMetric(['acc', 'mae']).get()
        (['accuracy', 'mae'], [nan, nan])
        """
        return self._collect(lambda m: m.get())

    def get_global(self) -> tuple[list, list]:
        """``([names], [values])`` of the children's global totals.

        See Also
        --------
        CompositeEvalMetric.get, EvalMetric.get_global

        Examples
        --------
        >>> import minigluon as mx
        >>> mx.metric.CompositeEvalMetric(['mae']).get_global()
        (['mae'], [nan])
        """
        return self._collect(lambda m: m.get_global())

    def _collect(self, fn: Callable) -> tuple[list, list]:
        names: list = []
        values: list = []
        for metric in self.metrics:
            name, value = fn(metric)
            names.extend(name if isinstance(name, list) else [name])
            values.extend(value if isinstance(value, list) else [value])
        return (names, values)

    def get_config(self) -> dict:
        """The constructor arguments, with each child's config.

        See Also
        --------
        EvalMetric.get_config, create

        Examples
        --------
        >>> import minigluon as mx
        >>> mx.metric.CompositeEvalMetric(['mae']).get_config()['metrics'][0]['metric']
        'MAE'
        """
        config = super().get_config()
        config["metrics"] = [m.get_config() for m in self.metrics]
        return config


def create(metric: Any, *args: Any, **kwargs: Any) -> EvalMetric:
    """Create a metric from a name, a function, a list, or return an EvalMetric as is.

    Parameters
    ----------
    metric : str, callable, list or EvalMetric
        A registered name (``'acc'``, ``'accuracy'``, ``'top_k_accuracy'``, ``'mae'``,
        ``'mse'``, ``'rmse'``, ``'ce'``, ``'loss'``, ...), a function (wrapped in a
        :class:`CustomMetric`), or a list of those (giving a :class:`CompositeEvalMetric`).
    *args, **kwargs
        Constructor arguments.

    Returns
    -------
    EvalMetric

    See Also
    --------
    register, EvalMetric.get_config, CompositeEvalMetric

    Examples
    --------
    >>> import minigluon as mx
    >>> mx.metric.create('acc').name
    'accuracy'
    >>> mx.metric.create(['mae', 'rmse']).get()[0]
    ['mae', 'rmse']
    """
    if isinstance(metric, EvalMetric):
        return metric
    if callable(metric) and not isinstance(metric, type):
        return CustomMetric(metric, *args, **kwargs)
    if isinstance(metric, list):
        composite = CompositeEvalMetric()
        for child in metric:
            composite.add(create(child, *args, **kwargs))
        return composite
    if isinstance(metric, dict):
        kw = dict(metric)
        return create(kw.pop("metric"), **kw)
    if not isinstance(metric, str):
        raise TypeError(f"metric must be a name, a function, a list or an EvalMetric, got "
                        f"{type(metric).__name__}")
    klass = _REGISTRY.get(metric.lower())
    if klass is None:
        raise ValueError(f"{metric.lower()} is not registered. Please register with "
                         f"metric.register first (registered: {sorted(_REGISTRY)})")
    return klass(*args, **kwargs)


# -- object detection ------------------------------------------------------------------------
def _det_numpy(a: Any) -> Any:
    """An NDArray, numpy array or list of them (batches) as one numpy array (None stays)."""
    if a is None:
        return None
    if isinstance(a, (list, tuple)):
        parts = [_numpy.asarray(x.asnumpy() if isinstance(x, NDArray) else x) for x in a]
        try:
            return _numpy.concatenate(parts, axis=0)
        except ValueError:
            return _numpy.array(parts)
    return _numpy.asarray(a.asnumpy() if isinstance(a, NDArray) else a)


def _pairwise_iou(a: _numpy.ndarray, b: _numpy.ndarray, offset: float) -> _numpy.ndarray:
    """IoU matrix (len(a), len(b)) of corner boxes; ``offset`` 1 for inclusive pixel boxes."""
    lt = _numpy.maximum(a[:, None, :2], b[None, :, :2])
    rb = _numpy.minimum(a[:, None, 2:4], b[None, :, 2:4]) + offset
    inter = _numpy.prod(_numpy.clip(rb - lt, 0, None), axis=2)
    area_a = _numpy.prod(_numpy.clip(a[:, 2:4] - a[:, :2] + offset, 0, None), axis=1)
    area_b = _numpy.prod(_numpy.clip(b[:, 2:4] - b[:, :2] + offset, 0, None), axis=1)
    union = area_a[:, None] + area_b[None, :] - inter
    with _numpy.errstate(divide="ignore", invalid="ignore"):
        return _numpy.where(union > 0, inter / union, 0.0)


@register
class VOCMApMetric(EvalMetric):
    """Mean average precision of object detections, as in the PASCAL VOC evaluation.

    For each class, detections from all images are sorted by score; a detection is a true
    positive if its best-overlapping ground truth box of that class has IoU >= ``iou_thresh``
    and was not matched by a higher-scored detection (else a false positive; matches to
    "difficult" boxes are ignored, and difficult boxes do not count as positives). The
    average precision is the area under the precision-recall curve made monotone (VOC 2010+),
    or the mean of the best precision at recall >= 0, 0.1, ..., 1 (``use_07_metric``, VOC
    2007). The mAP is the mean over classes that have ground truth. ``update`` takes the
    arguments of gluon-cv's metric; padding rows (label < 0) are skipped.

    Parameters
    ----------
    iou_thresh : float, default 0.5
    class_names : list of str, optional
        If given, :meth:`get` returns the AP of each class followed by the mAP.
    use_07_metric : bool, default False
        11-point interpolated AP (PASCAL VOC 2007) instead of the exact area.
    integer_coords : bool, default False
        Boxes are inclusive integer pixel indices (VOC annotation files: a box's width is
        ``xmax - xmin + 1``, gluon-cv's convention). Leave False for normalized coordinates
        such as the [0, 1] boxes ``MultiBoxDetection`` outputs.

    See Also
    --------
    VOC07MApMetric
    minigluon.ndarray.contrib.MultiBoxDetection : Produces the detections it scores.
    minigluon.gluon.model_zoo.ssd.TinySSD

    Examples
    --------
    >>> import numpy as np
    >>> import minigluon as mx
    >>> gt_boxes = np.array([[[0.1, 0.1, 0.4, 0.4], [0.5, 0.5, 0.9, 0.9]]])
    >>> gt_labels = np.array([[0, 1]])
    >>> boxes = np.array([[[0.1, 0.1, 0.4, 0.4], [0.5, 0.5, 0.9, 0.9], [0, 0, 1, 1]]])
    >>> labels, scores = np.array([[0, 1, 1]]), np.array([[0.9, 0.8, 0.3]])
    >>> metric = mx.metric.VOCMApMetric(iou_thresh=0.5)
    >>> metric.update(boxes, labels, scores, gt_boxes, gt_labels)
    >>> metric.get()
    ('VOCMeanAP', 1.0)
    >>> named = mx.metric.VOCMApMetric(class_names=['cat', 'dog'])
    >>> named.update(boxes, labels, np.array([[0.9, 0.2, 0.3]]), gt_boxes, gt_labels)
    >>> named.get()
    (['cat', 'dog', 'mAP'], [1.0, 0.5, 0.75])
    """

    def __init__(self, iou_thresh: float = 0.5, class_names: list | None = None,
                 use_07_metric: bool = False, integer_coords: bool = False) -> None:
        if class_names is not None and (not isinstance(class_names, (list, tuple)) or not all(
                isinstance(n, str) for n in class_names)):
            raise TypeError("VOCMApMetric: class_names must be a list of str, got "
                            f"{class_names!r}")
        self.class_names = None if class_names is None else list(class_names)
        self.num = None if class_names is None else len(class_names) + 1
        self.iou_thresh = iou_thresh
        self.use_07_metric = use_07_metric
        self.integer_coords = integer_coords
        super().__init__("VOCMeanAP", iou_thresh=iou_thresh, class_names=class_names,
                         use_07_metric=use_07_metric, integer_coords=integer_coords)
        if class_names is not None:
            self.name = [*self.class_names, "mAP"]

    def reset(self) -> None:
        """Forget all detections and ground truths seen so far.

        See Also
        --------
        VOCMApMetric.update, VOCMApMetric.reset_local

        Examples
        --------
        >>> import numpy as np
        >>> import minigluon as mx
        >>> m = mx.metric.VOCMApMetric()
        >>> m.update(np.zeros((1, 1, 4)), np.zeros((1, 1)), np.ones((1, 1)),
        ...          np.array([[[0, 0, 1, 1]]]), np.zeros((1, 1)))
        >>> m.reset()
        >>> m.get()
        ('VOCMeanAP', nan)
        """
        self._n_pos: dict[int, int] = {}
        self._score: dict[int, list] = {}
        self._match: dict[int, list] = {}
        super().reset()

    def reset_local(self) -> None:
        """Same as :meth:`reset` (AP is computed over everything seen; there is no local part).

        See Also
        --------
        VOCMApMetric.reset

        Examples
        --------
        >>> import minigluon as mx
        >>> m = mx.metric.VOCMApMetric()
        >>> m.reset_local()
        >>> m.get()
        ('VOCMeanAP', nan)
        """
        self.reset()

    def update(self, pred_bboxes: Any, pred_labels: Any, pred_scores: Any,  # type: ignore[override]
               gt_bboxes: Any, gt_labels: Any, gt_difficults: Any = None) -> None:
        """Add a batch of detections and the ground truth of the same images.

        Parameters
        ----------
        pred_bboxes : NDArray or numpy array (B, N, 4), or a list of them
            Detected boxes ``[xmin, ymin, xmax, ymax]``.
        pred_labels : (B, N)
            Detected class ids; rows with a negative id are padding.
        pred_scores : (B, N)
            Detection confidences.
        gt_bboxes : (B, M, 4)
        gt_labels : (B, M)
            Ground-truth class ids; negative ids are padding.
        gt_difficults : (B, M), optional
            Nonzero marks a "difficult" box (neither required nor penalized).

        See Also
        --------
        VOCMApMetric.get, VOCMApMetric.reset

        Examples
        --------
        >>> import numpy as np
        >>> import minigluon as mx
        >>> m = mx.metric.VOCMApMetric()
        >>> gt = np.array([[[0, 0, 0.5, 0.5], [0.5, 0.5, 1, 1]]])
        >>> m.update(np.array([[[0, 0, 0.5, 0.5]]]), np.array([[0]]), np.array([[0.9]]),
        ...          gt, np.array([[0, 0]]))
        >>> m.get()          # one of two objects found, with no false positive
        ('VOCMeanAP', 0.5)
        """
        arrays = [_det_numpy(a) for a in (pred_bboxes, pred_labels, pred_scores, gt_bboxes,
                                          gt_labels)]
        difficults = _det_numpy(gt_difficults)
        if difficults is None:
            difficults = [None] * len(arrays[4])
        for name, a in zip(("pred_bboxes", "gt_bboxes"), (arrays[0], arrays[3])):
            if a.ndim != 3 or a.shape[-1] < 4:
                raise ValueError(f"VOCMApMetric.update: {name} must have shape (batch, boxes, "
                                 f"4), got {a.shape}")
        offset = 1.0 if self.integer_coords else 0.0
        for p_box, p_lab, p_score, g_box, g_lab, g_diff in zip(*arrays, difficults):
            p_lab, p_score = p_lab.ravel(), p_score.ravel()
            valid = p_lab >= 0
            p_box, p_lab, p_score = p_box[valid, :4], p_lab[valid].astype(int), p_score[valid]
            g_lab = g_lab.ravel()
            valid = g_lab >= 0
            g_box, g_lab = g_box[valid, :4], g_lab[valid].astype(int)
            g_diff = (_numpy.zeros(len(g_lab), bool) if g_diff is None
                      else _numpy.asarray(g_diff).ravel()[valid].astype(bool))
            for c in _numpy.unique(_numpy.concatenate([p_lab, g_lab])):
                self._add_class(int(c), p_box[p_lab == c], p_score[p_lab == c],
                                g_box[g_lab == c], g_diff[g_lab == c], offset)

    def _add_class(self, c: int, boxes: _numpy.ndarray, scores: _numpy.ndarray,
                   gt: _numpy.ndarray, difficult: _numpy.ndarray, offset: float) -> None:
        order = _numpy.argsort(-scores, kind="stable")
        boxes, scores = boxes[order], scores[order]
        self._n_pos[c] = self._n_pos.get(c, 0) + int((~difficult).sum())
        self._score.setdefault(c, []).extend(scores.tolist())
        match = self._match.setdefault(c, [])
        if len(boxes) == 0:
            return
        if len(gt) == 0:
            match.extend([0] * len(boxes))
            return
        iou = _pairwise_iou(boxes, gt, offset)
        best = iou.argmax(axis=1)
        best[iou.max(axis=1) < self.iou_thresh] = -1
        taken = _numpy.zeros(len(gt), dtype=bool)
        for g in best:  # in score order: the first detection of an object is the true one
            if g < 0:
                match.append(0)
            elif difficult[g]:
                match.append(-1)
            else:
                match.append(0 if taken[g] else 1)
                taken[g] = True

    def _average_precision(self, rec: _numpy.ndarray, prec: _numpy.ndarray) -> float:
        prec = _numpy.nan_to_num(prec)
        if self.use_07_metric:
            return float(sum(prec[rec >= t].max() if (rec >= t).any() else 0.0
                             for t in _numpy.arange(0.0, 1.1, 0.1)) / 11.0)
        mrec = _numpy.concatenate(([0.0], rec, [1.0]))
        mpre = _numpy.concatenate(([0.0], prec, [0.0]))
        mpre = _numpy.maximum.accumulate(mpre[::-1])[::-1]  # the precision envelope
        i = _numpy.where(mrec[1:] != mrec[:-1])[0]
        return float(_numpy.sum((mrec[i + 1] - mrec[i]) * mpre[i + 1]))

    def _class_aps(self) -> dict[int, float]:
        """AP of every class that has ground truth (NaN for those without)."""
        aps = {}
        for c, n_pos in self._n_pos.items():
            if n_pos == 0:
                aps[c] = float("nan")
                continue
            scores = _numpy.array(self._score[c])
            match = _numpy.array(self._match[c], dtype=_numpy.int32)
            match = match[_numpy.argsort(-scores, kind="stable")]
            tp = _numpy.cumsum(match == 1)
            fp = _numpy.cumsum(match == 0)
            with _numpy.errstate(divide="ignore", invalid="ignore"):
                prec = tp / (tp + fp)
            aps[c] = self._average_precision(tp / n_pos, prec)
        return aps

    def get(self) -> tuple[Any, Any]:
        """``('VOCMeanAP', mAP)``, or ``(names + ['mAP'], APs + [mAP])`` with class names.

        Classes without ground truth are left out of the mean (their AP is NaN).

        See Also
        --------
        VOCMApMetric.get_global, VOCMApMetric.update

        Examples
        --------
        >>> import numpy as np
        >>> import minigluon as mx
        >>> m = mx.metric.VOCMApMetric()
        >>> gt, gl = np.array([[[0, 0, 0.5, 0.5]]]), np.array([[0]])
        >>> m.update(np.array([[[0.5, 0.5, 1, 1], [0, 0, 0.5, 0.5]]]), np.array([[0, 0]]),
        ...          np.array([[0.9, 0.8]]), gt, gl)
        >>> m.get()          # the first-ranked detection is wrong: precision 1/2 at recall 1
        ('VOCMeanAP', 0.5)
        """
        aps = self._class_aps()
        values = [v for v in aps.values() if not _numpy.isnan(v)]
        mean = float(_numpy.mean(values)) if values else float("nan")
        if self.num is None:
            self.sum_metric, self.num_inst = (0.0, 0) if _numpy.isnan(mean) else (mean, 1)
            return (self.name, mean)
        per_class = [aps.get(c, float("nan")) for c in range(self.num - 1)]
        return (list(self.name), [*per_class, mean])

    def get_global(self) -> tuple[Any, Any]:
        """Same as :meth:`get`.

        See Also
        --------
        VOCMApMetric.get

        Examples
        --------
        >>> import minigluon as mx
        >>> mx.metric.VOCMApMetric().get_global()
        ('VOCMeanAP', nan)
        """
        return self.get()


class VOC07MApMetric(VOCMApMetric):
    """:class:`VOCMApMetric` with the PASCAL VOC 2007 11-point AP (gluon-cv's class name).

    See Also
    --------
    VOCMApMetric

    Examples
    --------
    >>> import numpy as np
    >>> import minigluon as mx
    >>> m = mx.metric.VOC07MApMetric()
    >>> gt = np.array([[[0, 0, 0.5, 0.5], [0.5, 0.5, 1, 1]]])
    >>> m.update(np.array([[[0, 0, 0.5, 0.5]]]), np.array([[0]]), np.array([[0.9]]),
    ...          gt, np.array([[0, 0]]))
    >>> round(m.get()[1], 4)     # precision 1 at recall 0, 0.1, ..., 0.5: 6/11
    0.5455
    """

    def __init__(self, iou_thresh: float = 0.5, class_names: list | None = None,
                 integer_coords: bool = False) -> None:
        super().__init__(iou_thresh, class_names, use_07_metric=True,
                         integer_coords=integer_coords)


register(VOC07MApMetric)
__all__ += ["VOCMApMetric", "VOC07MApMetric"]
