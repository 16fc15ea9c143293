"""Losses (``gluon.loss``): L2, L1, sigmoid and softmax cross-entropy, Huber, and the base class.

Every loss is a HybridBlock ``loss(pred, label[, sample_weight])`` returning one value per sample:
the element-wise loss, weighted, averaged over every axis except ``batch_axis``. Formulas and
defaults are MXNet 1.9.1's (``L2Loss`` includes the factor 1/2).

See Also
--------
Loss, L2Loss, SoftmaxCrossEntropyLoss
minigluon.gluon.Trainer : Updates the Parameters from the loss's gradient.
minigluon.metric : Metrics to watch while training.
"""

from __future__ import annotations

from typing import Any

from .. import ndarray as nd
from ..base import numeric_types
from .block import HybridBlock

__all__ = ["Loss", "L2Loss", "L1Loss", "SigmoidBinaryCrossEntropyLoss", "SigmoidBCELoss",
           "SoftmaxCrossEntropyLoss", "SoftmaxCELoss", "HuberLoss"]


def _apply_weighting(F: Any, loss: Any, weight: float | None = None,
                     sample_weight: Any = None) -> Any:
    """``loss * sample_weight`` (broadcast) ``* weight`` (a number)."""
    if sample_weight is not None:
        loss = F.broadcast_mul(loss, sample_weight)
    if weight is not None:
        if not isinstance(weight, numeric_types):
            raise TypeError(f"weight must be a number, got {type(weight).__name__}")
        loss = loss * weight
    return loss


def _reshape_like(F: Any, x: Any, y: Any) -> Any:
    """``x`` reshaped to ``y``'s shape (a label to its prediction's)."""
    if F is nd:
        return x.reshape(y.shape)
    return F.reshape_like(x, y)


def _batch_mean(F: Any, loss: Any, batch_axis: int) -> Any:
    return F.mean(loss, axis=batch_axis, exclude=True)


class Loss(HybridBlock):
    """Base class of losses: subclass it and write ``hybrid_forward(F, pred, label, ...)``.

    Parameters
    ----------
    weight : float or None
        Global scalar weight of the loss.
    batch_axis : int
        The axis that indexes samples (kept in the output; the others are averaged).

    See Also
    --------
    L2Loss, SoftmaxCrossEntropyLoss
    minigluon.gluon.HybridBlock : What a Loss is.
    minigluon.metric.Loss : Average loss values for reporting.

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> class AbsLoss(gluon.loss.Loss):
    ...     def __init__(self, weight=None, batch_axis=0, **kwargs):
    ...         super().__init__(weight, batch_axis, **kwargs)
    ...     def hybrid_forward(self, F, pred, label):
    ...         return F.mean(F.abs(pred - label), axis=self._batch_axis, exclude=True)
    >>> AbsLoss()(nd.array([[1, 2], [3, 4]]), nd.zeros((2, 2)))
    <BLANKLINE>
    [1.5 3.5]
    <NDArray 2 @cpu(0)>
    >>> AbsLoss()
    AbsLoss(batch_axis=0, w=None)
    """

    def __init__(self, weight: float | None, batch_axis: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._weight = weight
        self._batch_axis = batch_axis

    def __repr__(self) -> str:
        return f"{type(self).__name__}(batch_axis={self._batch_axis}, w={self._weight})"

    def hybrid_forward(self, F: Any, x: Any, *args: Any, **kwargs: Any) -> Any:
        """Compute the loss (override this).

        See Also
        --------
        minigluon.gluon.HybridBlock.hybrid_forward

        Examples
        --------
        >>> from minigluon import gluon, nd
        >>> gluon.loss.Loss(None, 0).hybrid_forward(nd, nd.ones((1,)))
        Traceback (most recent call last):
        ...
        NotImplementedError
        """
        raise NotImplementedError


class L2Loss(Loss):
    """Squared error with a factor 1/2: ``L = 1/2 * (label - pred)^2``, averaged per sample.

    ``label`` may have any shape with as many elements as ``pred`` (it is reshaped).

    Parameters
    ----------
    weight : float, default 1.0
    batch_axis : int, default 0

    See Also
    --------
    L1Loss, HuberLoss
    minigluon.metric.MSE

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> loss = gluon.loss.L2Loss()
    >>> loss
    L2Loss(batch_axis=0, w=1.0)
    >>> loss(nd.array([[1, 2], [3, 4]]), nd.array([[1, 0], [0, 4]]))
    <BLANKLINE>
    [1.   2.25]
    <NDArray 2 @cpu(0)>
    """

    def __init__(self, weight: float = 1.0, batch_axis: int = 0, **kwargs: Any) -> None:
        super().__init__(weight, batch_axis, **kwargs)

    def hybrid_forward(self, F: Any, pred: Any, label: Any, sample_weight: Any = None) -> Any:
        """``mean(weight / 2 * (label - pred)^2 * sample_weight)`` over non-batch axes.

        See Also
        --------
        L1Loss.hybrid_forward, minigluon.ndarray.square

        Examples
        --------
        >>> from minigluon import gluon, nd
        >>> gluon.loss.L2Loss().hybrid_forward(nd, nd.array([[2]]), nd.array([[0]]))
        <BLANKLINE>
        [2.]
        <NDArray 1 @cpu(0)>
        """
        label = _reshape_like(F, label, pred)
        loss = F.square(label - pred)
        loss = _apply_weighting(F, loss, self._weight / 2, sample_weight)
        return _batch_mean(F, loss, self._batch_axis)


class L1Loss(Loss):
    """Absolute error ``L = |label - pred|``, averaged per sample.

    Parameters
    ----------
    weight : float or None, default None
    batch_axis : int, default 0

    See Also
    --------
    L2Loss, HuberLoss
    minigluon.metric.MAE

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> gluon.loss.L1Loss()(nd.array([[1, 2], [3, 4]]), nd.array([[1, 0], [0, 4]]))
    <BLANKLINE>
    [1.  1.5]
    <NDArray 2 @cpu(0)>
    """

    def __init__(self, weight: float | None = None, batch_axis: int = 0,
                 **kwargs: Any) -> None:
        super().__init__(weight, batch_axis, **kwargs)

    def hybrid_forward(self, F: Any, pred: Any, label: Any, sample_weight: Any = None) -> Any:
        """``mean(|label - pred| * weights)`` over non-batch axes.

        See Also
        --------
        L2Loss.hybrid_forward, minigluon.ndarray.abs

        Examples
        --------
        >>> from minigluon import gluon, nd
        >>> gluon.loss.L1Loss().hybrid_forward(nd, nd.array([[-2]]), nd.array([[0]]))
        <BLANKLINE>
        [2.]
        <NDArray 1 @cpu(0)>
        """
        label = _reshape_like(F, label, pred)
        loss = F.abs(label - pred)
        loss = _apply_weighting(F, loss, self._weight, sample_weight)
        return _batch_mean(F, loss, self._batch_axis)


class SigmoidBinaryCrossEntropyLoss(Loss):
    """Binary cross-entropy on logits (or probabilities); alias ``SigmoidBCELoss``.

    With ``p = sigmoid(pred)``: ``L = -(pos_weight * label * log(p) + (1 - label) * log(1 -
    p))``, computed stably from logits as ``max(pred, 0) - pred * label +
    log(1 + exp(-|pred|))``. With ``from_sigmoid=True``, ``pred`` already is ``p`` (1e-12 is
    added inside the logs).

    Parameters
    ----------
    from_sigmoid : bool, default False
    weight : float or None, default None
    batch_axis : int, default 0

    See Also
    --------
    SoftmaxCrossEntropyLoss : For one class out of many.
    minigluon.ndarray.sigmoid
    minigluon.gluon.model_zoo.ssd.FocalLoss

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> loss = gluon.loss.SigmoidBCELoss()
    >>> loss(nd.array([[0, 0]]), nd.array([[1, 0]])).asnumpy().round(4)   # log(2)
    array([0.6931], dtype=float32)
    >>> pos_weight = nd.array([[3, 3]])
    >>> loss(nd.array([[0, 0]]), nd.array([[1, 0]]), None, pos_weight).asnumpy().round(4)
    array([1.3863], dtype=float32)
    """

    def __init__(self, from_sigmoid: bool = False, weight: float | None = None,
                 batch_axis: int = 0, **kwargs: Any) -> None:
        super().__init__(weight, batch_axis, **kwargs)
        self._from_sigmoid = from_sigmoid

    def hybrid_forward(self, F: Any, pred: Any, label: Any, sample_weight: Any = None,
                       pos_weight: Any = None) -> Any:
        """The per-sample binary cross-entropy.

        See Also
        --------
        SoftmaxCrossEntropyLoss.hybrid_forward, minigluon.ndarray.softrelu

        Examples
        --------
        >>> from minigluon import gluon, nd
        >>> loss = gluon.loss.SigmoidBCELoss(from_sigmoid=True)
        >>> loss.hybrid_forward(nd, nd.array([[0.5]]), nd.array([[1]])).asnumpy().round(4)
        array([0.6931], dtype=float32)
        """
        label = _reshape_like(F, label, pred)
        if not self._from_sigmoid:
            if pos_weight is None:
                # stable: max(x, 0) - x * z + log(1 + exp(-|x|))
                loss = F.relu(pred) - pred * label + F.softrelu(-F.abs(pred))
            else:
                # stable: x - x * z + (1 + z * (pos_weight - 1)) * (log(1 + exp(-|x|)) + max(-x, 0))
                log_weight = 1 + F.broadcast_mul(pos_weight - 1, label)
                loss = pred - pred * label + log_weight * (F.softrelu(-F.abs(pred))
                                                           + F.relu(-pred))
        else:
            eps = 1e-12
            if pos_weight is None:
                loss = -(F.log(pred + eps) * label + F.log(1.0 - pred + eps) * (1.0 - label))
            else:
                loss = -(F.broadcast_mul(F.log(pred + eps) * label, pos_weight)
                         + F.log(1.0 - pred + eps) * (1.0 - label))
        loss = _apply_weighting(F, loss, self._weight, sample_weight)
        return _batch_mean(F, loss, self._batch_axis)


SigmoidBCELoss = SigmoidBinaryCrossEntropyLoss


class SoftmaxCrossEntropyLoss(Loss):
    """Softmax cross-entropy for classification; alias ``SoftmaxCELoss``.

    With ``p = softmax(pred, axis)``: sparse labels (class indices, ``pred``'s shape without
    ``axis``) give ``L = -log p[label]``; dense labels (distributions, ``pred``'s shape) give
    ``L = -sum(label * log p)``. ``from_logits=True`` means ``pred`` is already
    ``log_softmax``. Indices are clipped to the valid range (a label -1 picks class 0).

    Parameters
    ----------
    axis : int, default -1
        The class axis.
    sparse_label : bool, default True
    from_logits : bool, default False
    weight : float or None, default None
    batch_axis : int, default 0

    See Also
    --------
    SigmoidBinaryCrossEntropyLoss : For independent yes/no labels.
    minigluon.ndarray.log_softmax, minigluon.ndarray.pick
    minigluon.metric.Accuracy, minigluon.metric.CrossEntropy

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> loss = gluon.loss.SoftmaxCrossEntropyLoss()
    >>> loss(nd.array([[0, 0], [0, 0]]), nd.array([0, 1])).asnumpy().round(4)   # log(2)
    array([0.6931, 0.6931], dtype=float32)
    >>> dense = gluon.loss.SoftmaxCELoss(sparse_label=False)
    >>> dense(nd.array([[0, 0]]), nd.array([[0.5, 0.5]])).asnumpy().round(4)
    array([0.6931], dtype=float32)
    """

    def __init__(self, axis: int = -1, sparse_label: bool = True, from_logits: bool = False,
                 weight: float | None = None, batch_axis: int = 0, **kwargs: Any) -> None:
        super().__init__(weight, batch_axis, **kwargs)
        self._axis = axis
        self._sparse_label = sparse_label
        self._from_logits = from_logits

    def hybrid_forward(self, F: Any, pred: Any, label: Any, sample_weight: Any = None) -> Any:
        """The per-sample cross-entropy.

        See Also
        --------
        minigluon.ndarray.log_softmax, minigluon.ndarray.pick

        Examples
        --------
        >>> from minigluon import gluon, nd
        >>> loss = gluon.loss.SoftmaxCELoss(from_logits=True)
        >>> loss.hybrid_forward(nd, nd.array([[-1, -2]]), nd.array([1]))
        <BLANKLINE>
        [2.]
        <NDArray 1 @cpu(0)>
        """
        if not self._from_logits:
            pred = F.log_softmax(pred, self._axis)
        if self._sparse_label:
            loss = -F.pick(pred, label, axis=self._axis, keepdims=True)
        else:
            label = _reshape_like(F, label, pred)
            loss = -F.sum(pred * label, axis=self._axis, keepdims=True)
        loss = _apply_weighting(F, loss, self._weight, sample_weight)
        return _batch_mean(F, loss, self._batch_axis)


SoftmaxCELoss = SoftmaxCrossEntropyLoss


class HuberLoss(Loss):
    """Smoothed L1: ``|d| - rho/2`` where ``|d| > rho``, else ``d^2 / (2 rho)``, ``d = label - pred``.

    Parameters
    ----------
    rho : float, default 1
        Where the loss switches from quadratic to linear.
    weight : float or None, default None
    batch_axis : int, default 0

    See Also
    --------
    L1Loss, L2Loss
    minigluon.ndarray.smooth_l1
    minigluon.gluon.model_zoo.ssd.SmoothL1Loss

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> gluon.loss.HuberLoss()(nd.array([[0.5], [3]]), nd.zeros((2, 1)))
    <BLANKLINE>
    [0.125 2.5  ]
    <NDArray 2 @cpu(0)>
    """  # noqa: E501

    def __init__(self, rho: float = 1, weight: float | None = None, batch_axis: int = 0,
                 **kwargs: Any) -> None:
        super().__init__(weight, batch_axis, **kwargs)
        self._rho = rho

    def hybrid_forward(self, F: Any, pred: Any, label: Any, sample_weight: Any = None) -> Any:
        """The per-sample Huber loss.

        See Also
        --------
        L1Loss.hybrid_forward, minigluon.ndarray.smooth_l1

        Examples
        --------
        >>> from minigluon import gluon, nd
        >>> gluon.loss.HuberLoss(rho=2).hybrid_forward(nd, nd.array([[1]]), nd.array([[0]]))
        <BLANKLINE>
        [0.25]
        <NDArray 1 @cpu(0)>
        """
        label = _reshape_like(F, label, pred)
        loss = F.abs(label - pred)
        loss = F.where(loss > self._rho, loss - 0.5 * self._rho,
                       (0.5 / self._rho) * F.square(loss))
        loss = _apply_weighting(F, loss, self._weight, sample_weight)
        return _batch_mean(F, loss, self._batch_axis)
