"""Contributed optimizers (``mx.optimizer.contrib``): GroupAdaGrad.

See Also
--------
minigluon.optimizer.AdaGrad : The per-coordinate version.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import ndarray as nd
from .optimizer import Optimizer, _np, register

__all__ = ["GroupAdaGrad"]


@register
class GroupAdaGrad(Optimizer):
    """AdaGrad with one adaptive rate per row of a 2-D weight (e.g. an embedding table).

    ``g = clip(rescale_grad * grad)``, ``h = h + mean(g**2, axis=1)`` (``h`` has shape
    ``(rows, 1)``), ``w = w - lr * g / sqrt(h + eps)``. Weight decay is not supported.

    Parameters
    ----------
    eps : float, default 1e-5
        Added under the square root.
    **kwargs
        See :class:`~minigluon.optimizer.Optimizer` (``wd`` must stay 0).

    See Also
    --------
    minigluon.optimizer.AdaGrad
    minigluon.gluon.nn.Embedding

    Examples
    --------
    >>> import minigluon as mx
    >>> opt = mx.optimizer.contrib.GroupAdaGrad(learning_rate=1.0, eps=0)
    >>> w = mx.nd.zeros((2, 2))
    >>> h = opt.create_state(0, w)
    >>> opt.update(0, w, mx.nd.array([[3.0, 4.0], [1.0, -1.0]]), h)
    >>> print(h.asnumpy().ravel(), w.asnumpy().round(4))
    [12.5  1. ] [[-0.8485 -1.1314]
     [-1.      1.    ]]
    """

    def __init__(self, eps: float = 1e-5, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.float_stable_eps = eps

    def _create_state(self, index: Any, weight: Any) -> Any:
        if len(weight.shape) != 2:
            raise ValueError(f"GroupAdaGrad updates 2-D weights (one rate per row), got shape "
                             f"{weight.shape}")
        return nd.zeros((weight.shape[0], 1), dtype=np.float32)  # history per row

    def _step(self, index, weight, grad, state, lr, wd):
        if wd != 0:
            raise ValueError("Weight decay is not supported for GroupAdaGrad")
        g = self._grad(grad, clip_if_set=True)
        h = _np(state) + np.mean(np.square(g), axis=1, keepdims=True)
        state[:] = h
        weight[:] = _np(weight) - lr * g / np.sqrt(h + self.float_stable_eps)
