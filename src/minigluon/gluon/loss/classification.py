"""Classification losses: cross-entropies, KL divergence, hinge and logistic losses."""

from __future__ import annotations

from typing import Any

from ... import ndarray as nd
from .base import Loss, _apply_weighting, _batch_mean, _reshape_like

__all__ = ["SigmoidBinaryCrossEntropyLoss", "SigmoidBCELoss", "SoftmaxCrossEntropyLoss",
           "SoftmaxCELoss", "KLDivLoss", "HingeLoss", "SquaredHingeLoss", "LogisticLoss"]


class SigmoidBinaryCrossEntropyLoss(Loss):
    """Binary cross-entropy on logits (or probabilities); alias ``SigmoidBCELoss``.

    With ``p = sigmoid(pred)``: ``L = -(pos_weight * label * log(p) + (1 - label) * log(1 -
    p))``, computed stably from logits as ``max(pred, 0) - pred * label +
    log(1 + exp(-|pred|))``. With ``from_sigmoid=True``, ``pred`` already is ``p`` (1e-12 is
    added inside the logs).

    Parameters
    ----------
    from_sigmoid : bool, default False
        If True, ``pred`` is already a probability; otherwise it is a logit and the sigmoid is
        applied inside (stably).
    weight : float or None, default None
        Global scalar factor of the loss; None means 1.
    batch_axis : int, default 0
        Axis of the samples; the loss is averaged over the other axes.

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
        If True, ``label`` holds class indices; if False, a distribution of the shape of ``pred``.
    from_logits : bool, default False
        If True, ``pred`` is already a log-probability and no log-softmax is applied.
    weight : float or None, default None
        Global scalar factor of the loss; None means 1.
    batch_axis : int, default 0
        Axis of the samples; the loss is averaged over the other axes.

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
        if self._sparse_label and not self._from_logits and F is nd:
            # one tape node instead of three, same numbers (symbols keep MXNet's ops, so
            # an exported graph loads in MXNet)
            loss = F._internal._softmax_cross_entropy_loss(pred, label, axis=self._axis)
        elif self._sparse_label:
            if not self._from_logits:
                pred = F.log_softmax(pred, axis=self._axis)
            loss = -F.pick(pred, label, axis=self._axis, keepdims=True)
        else:
            if not self._from_logits:
                pred = F.log_softmax(pred, axis=self._axis)
            label = _reshape_like(F, label, pred)
            loss = -F.sum(pred * label, axis=self._axis, keepdims=True)
        loss = _apply_weighting(F, loss, self._weight, sample_weight)
        return _batch_mean(F, loss, self._batch_axis)


SoftmaxCELoss = SoftmaxCrossEntropyLoss




class KLDivLoss(Loss):
    """Kullback-Leibler divergence ``L = sum(label * (log(label) - pred))`` per sample.

    ``pred`` holds log-probabilities (``from_logits=True``, the default) or unnormalized
    scores turned into them by ``log_softmax(pred, axis)``. ``label`` holds probabilities
    (1e-12 is added inside the log) with as many elements as ``pred``. The loss is summed,
    not averaged, over the non-batch axes, as in MXNet 1.9.

    Parameters
    ----------
    from_logits : bool, default True
        If True, ``pred`` is already a log-probability; if False, a log-softmax is applied to it.
    axis : int, default -1
        The class axis of the softmax (when ``from_logits`` is False).
    weight : float or None, default None
        Global scalar factor of the loss; None means 1.
    batch_axis : int, default 0
        Axis of the samples; the loss is averaged over the other axes.

    See Also
    --------
    SoftmaxCrossEntropyLoss : Cross-entropy with dense labels differs by the label entropy.
    SDMLLoss : Built on this loss.
    minigluon.ndarray.log_softmax

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> loss = gluon.loss.KLDivLoss(from_logits=False)
    >>> loss(nd.array([[0, 0]]), nd.array([[0.5, 0.5]]))   # identical distributions
    <BLANKLINE>
    [0.]
    <NDArray 1 @cpu(0)>
    >>> loss(nd.array([[0, 0]]), nd.array([[1, 0]])).asnumpy().round(4)   # log 2
    array([0.6931], dtype=float32)
    """

    def __init__(self, from_logits: bool = True, axis: int = -1, weight: float | None = None,
                 batch_axis: int = 0, **kwargs: Any) -> None:
        super().__init__(weight, batch_axis, **kwargs)
        self._from_logits = from_logits
        self._axis = axis

    def hybrid_forward(self, F: Any, pred: Any, label: Any, sample_weight: Any = None) -> Any:
        """The per-sample divergence.

        See Also
        --------
        SoftmaxCrossEntropyLoss.hybrid_forward

        Examples
        --------
        >>> from minigluon import gluon, nd
        >>> gluon.loss.KLDivLoss().hybrid_forward(nd, nd.array([[0.]]), nd.array([[1.]]))
        <BLANKLINE>
        [0.]
        <NDArray 1 @cpu(0)>
        """
        if not self._from_logits:
            pred = F.log_softmax(pred, axis=self._axis)
        loss = label * (F.log(label + 1e-12) - pred)
        loss = _apply_weighting(F, loss, self._weight, sample_weight)
        return F.sum(loss, axis=self._batch_axis, exclude=True)


class HingeLoss(Loss):
    """Hinge loss of an SVM: ``L = max(0, margin - pred * label)`` for labels -1 or 1.

    Parameters
    ----------
    margin : float, default 1
        Margin the score ``pred * label`` must exceed to give no loss.
    weight : float or None, default None
        Global scalar factor of the loss; None means 1.
    batch_axis : int, default 0
        Axis of the samples; the loss is averaged over the other axes.

    See Also
    --------
    SquaredHingeLoss, LogisticLoss

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> gluon.loss.HingeLoss()(nd.array([[2], [0.5], [-1]]), nd.array([[1], [1], [1]]))
    <BLANKLINE>
    [0.  0.5 2. ]
    <NDArray 3 @cpu(0)>
    """

    def __init__(self, margin: float = 1, weight: float | None = None, batch_axis: int = 0,
                 **kwargs: Any) -> None:
        super().__init__(weight, batch_axis, **kwargs)
        self._margin = margin

    def hybrid_forward(self, F: Any, pred: Any, label: Any, sample_weight: Any = None) -> Any:
        """The per-sample hinge loss.

        See Also
        --------
        SquaredHingeLoss.hybrid_forward

        Examples
        --------
        >>> from minigluon import gluon, nd
        >>> gluon.loss.HingeLoss().hybrid_forward(nd, nd.array([[0.]]), nd.array([[-1.]]))
        <BLANKLINE>
        [1.]
        <NDArray 1 @cpu(0)>
        """
        label = _reshape_like(F, label, pred)
        loss = F.relu(self._margin - pred * label)
        loss = _apply_weighting(F, loss, self._weight, sample_weight)
        return _batch_mean(F, loss, self._batch_axis)


class SquaredHingeLoss(Loss):
    """Squared hinge loss ``L = max(0, margin - pred * label)^2`` for labels -1 or 1.

    Parameters
    ----------
    margin : float, default 1
        Margin the score ``pred * label`` must exceed to give no loss.
    weight : float or None, default None
        Global scalar factor of the loss; None means 1.
    batch_axis : int, default 0
        Axis of the samples; the loss is averaged over the other axes.

    See Also
    --------
    HingeLoss

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> gluon.loss.SquaredHingeLoss()(nd.array([[2], [0.5], [-1]]), nd.array([[1], [1], [1]]))
    <BLANKLINE>
    [0.   0.25 4.  ]
    <NDArray 3 @cpu(0)>
    """

    def __init__(self, margin: float = 1, weight: float | None = None, batch_axis: int = 0,
                 **kwargs: Any) -> None:
        super().__init__(weight, batch_axis, **kwargs)
        self._margin = margin

    def hybrid_forward(self, F: Any, pred: Any, label: Any, sample_weight: Any = None) -> Any:
        """The per-sample squared hinge loss.

        See Also
        --------
        HingeLoss.hybrid_forward

        Examples
        --------
        >>> from minigluon import gluon, nd
        >>> gluon.loss.SquaredHingeLoss().hybrid_forward(nd, nd.array([[0.]]), nd.array([[1.]]))
        <BLANKLINE>
        [1.]
        <NDArray 1 @cpu(0)>
        """
        label = _reshape_like(F, label, pred)
        loss = F.square(F.relu(self._margin - pred * label))
        loss = _apply_weighting(F, loss, self._weight, sample_weight)
        return _batch_mean(F, loss, self._batch_axis)


class LogisticLoss(Loss):
    """Logistic loss ``L = log(1 + exp(-pred * label))`` for labels -1/1 (or 0/1).

    With ``label_format='binary'`` labels are 0 or 1 and the loss equals
    :class:`SigmoidBinaryCrossEntropyLoss`; ``'signed'`` labels (-1 or 1) are mapped to
    those first. Computed stably as ``max(pred, 0) - pred * z + log(1 + exp(-|pred|))``.

    Parameters
    ----------
    weight : float or None, default None
        Global scalar factor of the loss; None means 1.
    batch_axis : int, default 0
        Axis of the samples; the loss is averaged over the other axes.
    label_format : {'signed', 'binary'}, default 'signed'
        Labels are -1/1 (``'signed'``) or 0/1 (``'binary'``).

    See Also
    --------
    SigmoidBinaryCrossEntropyLoss, HingeLoss

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> loss = gluon.loss.LogisticLoss()
    >>> loss(nd.array([[0], [2]]), nd.array([[1], [-1]])).asnumpy().round(4)
    array([0.6931, 2.1269], dtype=float32)
    >>> gluon.loss.LogisticLoss(label_format='binary')(nd.array([[2]]), nd.array([[0]]))
    <BLANKLINE>
    [2.126928]
    <NDArray 1 @cpu(0)>
    """

    def __init__(self, weight: float | None = None, batch_axis: int = 0,
                 label_format: str = "signed", **kwargs: Any) -> None:
        super().__init__(weight, batch_axis, **kwargs)
        if label_format not in ("signed", "binary"):
            raise ValueError(f"label_format can only be signed or binary, recieved "
                             f"{label_format}.")
        self._label_format = label_format

    def hybrid_forward(self, F: Any, pred: Any, label: Any, sample_weight: Any = None) -> Any:
        """The per-sample logistic loss.

        See Also
        --------
        SigmoidBinaryCrossEntropyLoss.hybrid_forward

        Examples
        --------
        >>> from minigluon import gluon, nd
        >>> loss = gluon.loss.LogisticLoss()
        >>> loss.hybrid_forward(nd, nd.array([[0.]]), nd.array([[1.]])).asnumpy().round(4)
        array([0.6931], dtype=float32)
        """
        label = _reshape_like(F, label, pred)
        if self._label_format == "signed":
            label = (label + 1.0) / 2.0
        loss = F.relu(pred) - pred * label + F.softrelu(-F.abs(pred))
        loss = _apply_weighting(F, loss, self._weight, sample_weight)
        return _batch_mean(F, loss, self._batch_axis)
