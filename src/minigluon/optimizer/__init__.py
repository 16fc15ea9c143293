"""Optimizers (``mx.optimizer``): the SGD family, the Adam family, adaptive rates, the Updater.

``opt.update(index, weight, grad, state)`` changes ``weight`` (and ``state``) in place with
vectorized numpy, following MXNet 1.9.1's update rules; ``create('name', ...)`` builds a
registered optimizer by name. The modules group the optimizers by family: :mod:`.sgd`,
:mod:`.adam`, :mod:`.adaptive`; :mod:`.optimizer` holds the base class and the registry,
:mod:`.updater` the per-parameter states, :mod:`.contrib` GroupAdaGrad.

See Also
--------
Optimizer, SGD, Adam
minigluon.gluon.Trainer : Runs an optimizer over a model's Parameters.
minigluon.lr_scheduler
"""

from __future__ import annotations

from . import contrib
from .adam import FTML, LAMB, Adam, Adamax, Nadam
from .adaptive import AdaDelta, AdaGrad, Ftrl, RMSProp
from .optimizer import Optimizer, create, register
from .sgd import DCASGD, LARS, LBSGD, NAG, SGD, SGLD, Signum, ccSGD
from .updater import Updater, get_updater

__all__ = ["FTML", "LAMB", "LARS", "LBSGD", "NAG", "SGD", "SGLD", "AdaDelta", "AdaGrad", "Adam",
           "Adamax", "DCASGD", "Ftrl", "Nadam", "Optimizer", "RMSProp", "Signum", "Updater",
           "ccSGD", "contrib", "create", "get_updater", "register"]
