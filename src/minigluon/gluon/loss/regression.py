"""Regression losses: L2, L1, Huber and Poisson negative log-likelihood."""

from __future__ import annotations

from typing import Any

import numpy as np

from .base import Loss, _apply_weighting, _batch_mean, _reshape_like

__all__ = ["L2Loss", "L1Loss", "HuberLoss", "PoissonNLLLoss"]


class L2Loss(Loss):
    """Squared error with a factor 1/2: ``L = 1/2 * (label - pred)^2``, averaged per sample.

    ``label`` may have any shape with as many elements as ``pred`` (it is reshaped).

    Parameters
    ----------
    weight : float, default 1.0
        Global scalar factor of the loss.
    batch_axis : int, default 0
        Axis of the samples; the loss is averaged over the other axes.

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
        Global scalar factor of the loss; None means 1.
    batch_axis : int, default 0
        Axis of the samples; the loss is averaged over the other axes.

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


class HuberLoss(Loss):
    """Smoothed L1: ``|d| - rho/2`` where ``|d| > rho``, else ``d^2 / (2 rho)``, ``d = label - pred``.

    Parameters
    ----------
    rho : float, default 1
        Where the loss switches from quadratic to linear.
    weight : float or None, default None
        Global scalar factor of the loss; None means 1.
    batch_axis : int, default 0
        Axis of the samples; the loss is averaged over the other axes.

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


class PoissonNLLLoss(Loss):
    """Negative log-likelihood of a Poisson target, averaged over all elements.

    ``L = exp(pred) - target * pred`` when ``pred`` is a log-rate (``from_logits=True``),
    else ``L = pred - target * log(pred + epsilon)``. With ``compute_full`` the Stirling
    term ``target * log(target) - target + log(2 pi target) / 2`` is added where
    ``target > 1``. Unlike most losses the result is one number (shape ``(1,)``), the mean
    over every element, as in MXNet 1.9.

    Parameters
    ----------
    weight : float or None, default None
        Global scalar factor of the loss; None means 1.
    from_logits : bool, default True
        If True, ``pred`` is the log of the rate (``exp(pred) - target * pred``); if False, the rate
        itself.
    batch_axis : int, default 0
        Axis of the samples.
    compute_full : bool, default False
        If True, add Stirling's approximation of ``log(target!)`` (for targets above 1).

    See Also
    --------
    L2Loss
    minigluon.ndarray.random.poisson

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> gluon.loss.PoissonNLLLoss()(nd.array([[0, 0]]), nd.array([[1, 2]]))   # exp(0) - 0
    <BLANKLINE>
    [1.]
    <NDArray 1 @cpu(0)>
    >>> loss = gluon.loss.PoissonNLLLoss(from_logits=False)
    >>> loss(nd.array([[1.]]), nd.array([[2.]]))
    <BLANKLINE>
    [1.]
    <NDArray 1 @cpu(0)>
    """

    def __init__(self, weight: float | None = None, from_logits: bool = True,
                 batch_axis: int = 0, compute_full: bool = False, **kwargs: Any) -> None:
        super().__init__(weight, batch_axis, **kwargs)
        self._from_logits = from_logits
        self._compute_full = compute_full

    def hybrid_forward(self, F: Any, pred: Any, target: Any, sample_weight: Any = None,
                       epsilon: float = 1e-08) -> Any:
        """The mean negative log-likelihood.

        See Also
        --------
        L2Loss.hybrid_forward

        Examples
        --------
        >>> from minigluon import gluon, nd
        >>> gluon.loss.PoissonNLLLoss().hybrid_forward(nd, nd.array([[0.]]), nd.array([[3.]]))
        <BLANKLINE>
        [1.]
        <NDArray 1 @cpu(0)>
        """
        target = _reshape_like(F, target, pred)
        if self._from_logits:
            loss = F.exp(pred) - target * pred
        else:
            loss = pred - target * F.log(pred + epsilon)
        if self._compute_full:
            # log(target) is only used where target > 1; elsewhere it may be -inf or nan
            safe = F.where(target > 1, target, F.ones_like(target))
            stirling = safe * F.log(safe) - safe + 0.5 * F.log(2 * np.pi * safe)
            loss = loss + stirling * (target > 1)
        loss = _apply_weighting(F, loss, self._weight, sample_weight)
        return F.mean(loss)
