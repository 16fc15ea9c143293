"""Evaluation metrics (``mx.metric``): Accuracy, TopKAccuracy, F1, MCC, Perplexity, MAE, ...

A metric accumulates ``sum_metric`` and ``num_inst`` over calls to ``update(labels, preds)``
and reports ``get() -> (name, sum_metric / num_inst)``. Labels and predictions may be
NDArrays, numpy arrays or lists of them (one entry per output). Each metric also keeps
"global" totals that :meth:`EvalMetric.reset_local` does not clear.

See Also
--------
EvalMetric, Accuracy, create
minigluon.gluon.loss : Losses to train with; metrics report on the training.
"""

from .basic import (
    MAE,
    MSE,
    RMSE,
    Accuracy,
    Caffe,
    CrossEntropy,
    Loss,
    NegativeLogLikelihood,
    Perplexity,
    TopKAccuracy,
    Torch,
)
from .classification import F1, MCC
from .composite import CompositeEvalMetric, CustomMetric, create, np
from .correlation import PCC, PearsonCorrelation
from .detection import VOC07MApMetric, VOCMApMetric
from .evaluation import EvalMetric, check_label_shapes, register

__all__ = [
    "F1", "MAE", "MCC", "MSE", "PCC", "RMSE", "Accuracy", "Caffe", "CompositeEvalMetric",
    "CrossEntropy", "CustomMetric", "EvalMetric", "Loss", "NegativeLogLikelihood",
    "PearsonCorrelation", "Perplexity", "TopKAccuracy", "Torch", "check_label_shapes",
    "create", "np", "register", "VOCMApMetric", "VOC07MApMetric",
]
