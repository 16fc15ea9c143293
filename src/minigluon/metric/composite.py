"""Metrics made from others: CustomMetric, np, CompositeEvalMetric, and create.

:class:`CustomMetric` (and :func:`np`) make a metric from a function, :class:`CompositeEvalMetric`
updates several together, and :func:`create` makes any of them from a registered name, a
function, a list, a config dict or its JSON string.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from .evaluation import _REGISTRY, EvalMetric, _alias, _is_array, _np, check_label_shapes, register

__all__ = ["CompositeEvalMetric", "CustomMetric", "create", "np"]


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
    output_names, label_names : list of str, optional
        Names of the outputs and labels ``update_dict`` uses; None uses all.

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

        Parameters
        ----------
        labels, preds : NDArray or list of NDArray
            One array, or equally long lists (unless ``allow_extra_outputs``); ``feval`` gets each
            pair as numpy arrays and returns a value or a ``(sum, count)`` pair.

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

    Parameters
    ----------
    numpy_feval : callable
        Called as ``numpy_feval(label, pred)`` with numpy arrays; returns the batch's value
        or a ``(sum, count)`` pair.
    name : str, optional
        Name of the metric in ``get()``; defaults to ``numpy_feval``'s name.
    allow_extra_outputs : bool, default False
        Allow more predictions than labels (extra ones are ignored).

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
        Child metrics, or names that ``metric.create`` makes.
    name : str, default 'composite'
        Name of the metric.
    output_names, label_names : list of str, optional
        Names of the outputs and labels ``update_dict`` uses; None uses all.

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

        Parameters
        ----------
        metric : EvalMetric, str or callable
            The child metric, or what :func:`create` makes one from (a registered name, a function
            of numpy arrays).

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

        Parameters
        ----------
        index : int
            The child's position, in the order the metrics were given or added.

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

        Parameters
        ----------
        labels, preds : dict of str to NDArray
            Labels and outputs by name; this metric's ``label_names`` / ``output_names`` (when set)
            choose which ones the children see.

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

        Parameters
        ----------
        labels, preds : NDArray or list of NDArray
            Passed to every child's :meth:`EvalMetric.update`.

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
        ``'mse'``, ``'rmse'``, ``'ce'``, ``'nll_loss'``, ``'perplexity'``, ``'f1'``, ``'mcc'``,
        ``'pearsonr'``, ``'pcc'``, ``'loss'``, ...), a function (wrapped in a
        :class:`CustomMetric`), a list of those (giving a :class:`CompositeEvalMetric`), a
        config dict from :meth:`EvalMetric.get_config`, or that config as a JSON string
        (``'{"metric": ...}'``, or ``'["name", {kwargs}]'``).
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
    >>> import json
    >>> mx.metric.create(json.dumps(mx.metric.create('top_k_acc', top_k=3).get_config())).top_k
    3
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
    if metric.startswith(("[", "{")):  # a JSON config, e.g. json.dumps(m.get_config())
        if args or kwargs:
            raise ValueError("create: a JSON config takes no further arguments")
        config = json.loads(metric)
        if isinstance(config, list):
            name, kw = config
            return create(name, **kw)
        return create(config)
    klass = _REGISTRY.get(metric.lower())
    if klass is None:
        raise ValueError(f"{metric.lower()} is not registered. Please register with "
                         f"metric.register first (registered: {sorted(_REGISTRY)})")
    return klass(*args, **kwargs)

