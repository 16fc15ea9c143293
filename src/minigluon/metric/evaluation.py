"""The metric protocol: :class:`EvalMetric`, ``check_label_shapes`` and the metric names.

A metric accumulates ``sum_metric`` and ``num_inst`` over calls to ``update(labels, preds)``
and reports ``get() -> (name, sum_metric / num_inst)``; :func:`register` records a metric class
under its lower-case name (and aliases) for :func:`minigluon.metric.create`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..ndarray import NDArray

__all__ = ["EvalMetric", "check_label_shapes", "register"]

_REGISTRY: dict[str, type] = {}


def register(klass: type) -> type:
    """Register a metric class under its lowercase class name, for :func:`create`.

    Parameters
    ----------
    klass : type
        The metric class (an :class:`EvalMetric` subclass); returned unchanged.

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
    return isinstance(x, (NDArray, np.ndarray))


def _np(x: Any) -> np.ndarray:
    return np.asarray(x)


def check_label_shapes(labels: Any, preds: Any, wrap: bool = False,
                       shape: bool = False) -> tuple[Any, Any]:
    """Check that labels and predictions have the same length (or shape).

    Parameters
    ----------
    labels, preds : list or array
        The two sequences whose lengths (or shapes) must match.
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
        has_global = kwargs.pop("has_global_stats", None)
        if has_global is None:
            # EvalMetric.update and the library's metrics keep global totals; a user subclass
            # with its own update() keeps them only if it says so (has_global_stats=True)
            has_global = (type(self).update is EvalMetric.update
                          or type(self).__module__.startswith("minigluon."))
        self._has_global_stats = bool(has_global)
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

        Parameters
        ----------
        label, pred : dict of str to NDArray
            Labels and outputs by name; the metric's ``label_names`` / ``output_names`` pick them,
            in that order (all values, in dict order, when None).

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

        Parameters
        ----------
        labels, preds : NDArray or list of NDArray
            The batch's labels and predictions: one array each, or lists of the same length (paired
            in order).

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
        self._update(labels, preds)

    def _update(self, labels: list, preds: list) -> None:
        """Accumulate a checked batch (lists of arrays); the default sums :meth:`_batch`."""
        for label, pred in zip(labels, preds):
            s, n = self._batch(_np(label), _np(pred))
            self.sum_metric += s
            self.global_sum_metric += s
            self.num_inst += n
            self.global_num_inst += n

    def _batch(self, label: np.ndarray, pred: np.ndarray) -> tuple[float, int]:
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
        self._reset_stats(local_only=False)

    def _reset_stats(self, local_only: bool) -> None:
        """Clear a subclass's own statistics besides ``sum_metric`` / ``num_inst``."""

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
        self._reset_stats(local_only=True)

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
        return (self.name, self._value(use_global=False))

    def get_global(self) -> tuple[Any, Any]:
        """Like :meth:`get`, over everything since the last :meth:`reset`.

        A metric without global totals (a subclass that overrides ``update`` and did not pass
        ``has_global_stats=True``) returns :meth:`get` instead, as in MXNet.

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
        if not self._has_global_stats:
            return self.get()
        if self.global_num_inst == 0:
            return (self.name, float("nan"))
        return (self.name, self._value(use_global=True))

    def _value(self, use_global: bool) -> Any:
        """The metric's value from its (local or global) totals; these are not empty."""
        if use_global:
            return float(self.global_sum_metric) / self.global_num_inst
        return float(self.sum_metric) / self.num_inst

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
