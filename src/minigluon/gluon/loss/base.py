"""The base class of losses and the helpers they share (weighting, label reshaping)."""

from __future__ import annotations

from typing import Any

from ... import ndarray as nd
from ...base import numeric_types
from ..block import HybridBlock

__all__ = ["Loss"]


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
