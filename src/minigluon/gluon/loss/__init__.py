"""Losses (``gluon.loss``): regression, classification, metric learning and CTC losses.

Every loss is a HybridBlock ``loss(pred, label[, sample_weight])``; most return one value per
sample: the element-wise loss, weighted, averaged over every axis except ``batch_axis``.
Formulas and defaults are MXNet 1.9.1's (``L2Loss`` includes the factor 1/2, ``KLDivLoss``
sums instead of averaging, ``PoissonNLLLoss`` returns the mean over everything).

See Also
--------
Loss, L2Loss, SoftmaxCrossEntropyLoss
minigluon.gluon.Trainer : Updates the Parameters from the loss's gradient.
minigluon.metric : Metrics to watch while training.
"""

from __future__ import annotations

from .base import Loss
from .classification import (
    HingeLoss,
    KLDivLoss,
    LogisticLoss,
    SigmoidBCELoss,
    SigmoidBinaryCrossEntropyLoss,
    SoftmaxCELoss,
    SoftmaxCrossEntropyLoss,
    SquaredHingeLoss,
)
from .ctc import CTCLoss
from .embedding import CosineEmbeddingLoss, SDMLLoss, TripletLoss
from .regression import HuberLoss, L1Loss, L2Loss, PoissonNLLLoss

__all__ = ["Loss", "L2Loss", "L1Loss", "SigmoidBinaryCrossEntropyLoss", "SigmoidBCELoss",
           "SoftmaxCrossEntropyLoss", "SoftmaxCELoss", "KLDivLoss", "CTCLoss", "HuberLoss",
           "HingeLoss", "SquaredHingeLoss", "LogisticLoss", "TripletLoss", "PoissonNLLLoss",
           "CosineEmbeddingLoss", "SDMLLoss"]
