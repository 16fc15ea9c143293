"""Metric-learning losses: triplet, cosine embedding and smoothed deep metric learning."""

from __future__ import annotations

from typing import Any

import numpy as np

from ... import ndarray as nd
from .base import Loss, _apply_weighting, _reshape_like
from .classification import KLDivLoss

__all__ = ["TripletLoss", "CosineEmbeddingLoss", "SDMLLoss"]


class TripletLoss(Loss):
    """Triplet loss ``L = max(0, |pred - positive|^2 - |pred - negative|^2 + margin)``.

    The squared distances are summed over the non-batch axes; ``positive`` and ``negative``
    are reshaped to ``pred``'s shape.

    Parameters
    ----------
    margin : float, default 1
        Required gap between the negative and the positive squared distances.
    weight : float or None, default None
        Global scalar factor of the loss; None means 1.
    batch_axis : int, default 0
        Axis of the samples; the loss is averaged over the other axes.

    See Also
    --------
    CosineEmbeddingLoss, SDMLLoss

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> anchor = nd.array([[0, 0], [0, 0]])
    >>> pos, neg = nd.array([[1, 0], [3, 0]]), nd.array([[2, 0], [1, 0]])
    >>> gluon.loss.TripletLoss()(anchor, pos, neg)
    <BLANKLINE>
    [0. 9.]
    <NDArray 2 @cpu(0)>
    """

    def __init__(self, margin: float = 1, weight: float | None = None, batch_axis: int = 0,
                 **kwargs: Any) -> None:
        super().__init__(weight, batch_axis, **kwargs)
        self._margin = margin

    def hybrid_forward(self, F: Any, pred: Any, positive: Any, negative: Any) -> Any:
        """The per-sample triplet loss.

        See Also
        --------
        CosineEmbeddingLoss.hybrid_forward

        Examples
        --------
        >>> from minigluon import gluon, nd
        >>> x = nd.array([[0.]])
        >>> gluon.loss.TripletLoss().hybrid_forward(nd, x, x, x)   # the margin
        <BLANKLINE>
        [1.]
        <NDArray 1 @cpu(0)>
        """
        positive = _reshape_like(F, positive, pred)
        negative = _reshape_like(F, negative, pred)
        loss = F.sum(F.square(positive - pred) - F.square(negative - pred),
                     axis=self._batch_axis, exclude=True)
        loss = F.relu(loss + self._margin)
        return _apply_weighting(F, loss, self._weight, None)


class CosineEmbeddingLoss(Loss):
    """Cosine embedding loss: pull pairs labelled 1 together, push pairs labelled -1 apart.

    With ``c`` the cosine similarity of ``input1`` and ``input2`` along the last axis,
    ``L = 1 - c`` for label 1 and ``L = max(0, c - margin)`` for label -1 (0 for other
    labels). The result has shape ``(batch, 1)``, as in MXNet 1.9.

    Parameters
    ----------
    weight : float or None, default None
        Global scalar factor of the loss; None means 1.
    batch_axis : int, default 0
        Axis of the samples.
    margin : float, default 0
        Dissimilar pairs (label -1) give no loss once their cosine similarity is below it.

    See Also
    --------
    TripletLoss, SDMLLoss
    minigluon.ndarray.norm

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> a, b = nd.array([[1, 0], [1, 0]]), nd.array([[0, 1], [1, 1]])
    >>> gluon.loss.CosineEmbeddingLoss()(a, b, nd.array([1, -1])).asnumpy().round(4)
    array([[1.    ],
           [0.7071]], dtype=float32)
    """

    def __init__(self, weight: float | None = None, batch_axis: int = 0, margin: float = 0,
                 **kwargs: Any) -> None:
        super().__init__(weight, batch_axis, **kwargs)
        self._margin = margin

    def hybrid_forward(self, F: Any, input1: Any, input2: Any, label: Any,
                       sample_weight: Any = None) -> Any:
        """The per-pair loss, shape ``(batch, 1)``.

        See Also
        --------
        TripletLoss.hybrid_forward

        Examples
        --------
        >>> from minigluon import gluon, nd
        >>> x = nd.array([[3., 4.]])
        >>> gluon.loss.CosineEmbeddingLoss().hybrid_forward(nd, x, x, nd.array([1]))
        <BLANKLINE>
        [[0.]]
        <NDArray 1x1 @cpu(0)>
        """
        input1 = _reshape_like(F, input1, input2)
        label = label.reshape((-1, 1))
        norms = F.norm(input1, axis=-1) * F.norm(input2, axis=-1)
        dot = F.sum(input1 * input2, axis=-1)
        # the floor keeps a zero vector from dividing by zero
        cos = (dot / F.clip(norms, a_min=1e-12, a_max=np.inf)).reshape((-1, 1))
        # _equal_scalar rather than ==: Symbol has no == operator (it would compare identity)
        is_pos = F._internal._equal_scalar(label, scalar=1)
        is_neg = F._internal._equal_scalar(label, scalar=-1)
        loss = (1 - cos) * is_pos + F.relu(cos - self._margin) * is_neg
        return _apply_weighting(F, loss, self._weight, sample_weight)


class SDMLLoss(Loss):
    """Smoothed deep metric learning loss for a batch of aligned pairs ``(x1[i], x2[i])``.

    Each ``x1[i]`` should be nearer (in squared Euclidean distance) to ``x2[i]`` than to the
    other ``x2[j]``: the softmax of the negative distances of row ``i`` is compared by
    :class:`KLDivLoss` with a smoothed identity (``1 - smoothing_parameter`` on the
    diagonal, the rest spread evenly over the row). Inputs are ``(batch, dim)``, batch >= 2;
    the batch size is read from the arrays, so the loss runs on NDArrays only.

    Parameters
    ----------
    smoothing_parameter : float, default 0.3
        Label smoothing of the target distribution over the batch.
    weight : float, default 1.0
        Global scalar factor of the loss.
    batch_axis : int, default 0
        Axis of the samples.

    See Also
    --------
    KLDivLoss, TripletLoss

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> x = nd.array([[0, 0], [1, 0]])
    >>> gluon.loss.SDMLLoss()(x, x).asnumpy().round(4)   # softmax(-d) close to the target
    array([0.0024, 0.0024], dtype=float32)
    """

    def __init__(self, smoothing_parameter: float = 0.3, weight: float = 1.0,
                 batch_axis: int = 0, **kwargs: Any) -> None:
        super().__init__(weight, batch_axis, **kwargs)
        self.kl_loss = KLDivLoss(from_logits=True)
        self.smoothing_parameter = smoothing_parameter

    def hybrid_forward(self, F: Any, x1: Any, x2: Any) -> Any:
        """The per-row loss.

        See Also
        --------
        KLDivLoss.hybrid_forward

        Examples
        --------
        >>> from minigluon import gluon, nd
        >>> x = nd.array([[0., 0.], [0., 0.]])
        >>> gluon.loss.SDMLLoss().hybrid_forward(nd, x, x).asnumpy().round(4)
        array([0.0823, 0.0823], dtype=float32)
        """
        if F is not nd:
            raise TypeError("SDMLLoss reads the batch size from its inputs and runs on "
                            "NDArrays only; call it without hybridizing")
        if x1.ndim != 2 or x1.shape != x2.shape or x1.shape[0] < 2:
            raise ValueError(f"SDMLLoss: x1 and x2 must both be (batch, dim) with batch >= 2, "
                             f"got {x1.shape} and {x2.shape}")
        batch = x1.shape[0]
        diff = F.broadcast_sub(F.expand_dims(x1, axis=1), F.expand_dims(x2, axis=0))
        distances = F.sum(F.square(diff), axis=2)
        gold = F.eye(batch, dtype=x1.dtype)
        s = self.smoothing_parameter
        labels = gold * (1 - s) + (1 - gold) * s / (batch - 1)
        return self.kl_loss(F.log_softmax(-distances, axis=1), labels)
