"""Per-coordinate adaptive rates: RMSProp, AdaGrad, AdaDelta and FTRL.

As in MXNet 1.9.1 their states are float32 whatever the weight's dtype.

See Also
--------
minigluon.optimizer.Optimizer
minigluon.optimizer.Adam
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import ndarray as nd
from .optimizer import Optimizer, _np, register

__all__ = ["AdaDelta", "AdaGrad", "Ftrl", "RMSProp"]


def _zeros32(weight: Any) -> Any:
    return nd.zeros(weight.shape, dtype=np.float32)


@register
class RMSProp(Optimizer):
    """RMSProp: Tieleman & Hinton's, or Graves's centered version.

    ``g = clip(rescale_grad * grad + wd * w)``, ``n = (1-gamma1)*g**2 + gamma1*n``; plain:
    ``w = w - lr * g / sqrt(n + epsilon)``; centered (also ``gm = (1-gamma1)*g + gamma1*gm``):
    ``delta = gamma2*delta - lr * g / sqrt(n - gm**2 + epsilon); w = w + delta``. Weights are
    then clipped to ``[-clip_weights, clip_weights]`` if ``clip_weights`` is set.

    Parameters
    ----------
    learning_rate : float, default 0.001
        Step size.
    gamma1 : float, default 0.9
        Decay of the squared-gradient average.
    gamma2 : float, default 0.9
        Momentum (centered version only).
    epsilon : float, default 1e-8
        Added to the denominator for stability.
    centered : bool, default False
        If True, divide by the estimated variance of the gradient (Graves' form) instead of its
        second moment.
    clip_weights : float, optional
        Clip the weights to ``[-clip_weights, clip_weights]`` after each update; None: no clip.
    **kwargs
        See :class:`Optimizer`.

    See Also
    --------
    AdaGrad, Adam

    Examples
    --------
    >>> import minigluon as mx
    >>> opt = mx.optimizer.RMSProp(learning_rate=0.1, gamma1=0.75, epsilon=0)
    >>> w = mx.nd.array([1.0])
    >>> state = opt.create_state(0, w)
    >>> opt.update(0, w, mx.nd.array([3.0]), state)
    >>> print(state[0].asnumpy(), w.asnumpy())
    [2.25] [0.8]
    """

    def __init__(self, learning_rate: float = 0.001, gamma1: float = 0.9, gamma2: float = 0.9,
                 epsilon: float = 1e-8, centered: bool = False,
                 clip_weights: float | None = None, **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.gamma1 = gamma1
        self.gamma2 = gamma2
        self.centered = centered
        self.epsilon = epsilon
        self.clip_weights = clip_weights

    def _create_state(self, index: Any, weight: Any) -> Any:
        if self.centered:  # n, g, delta
            return (_zeros32(weight), _zeros32(weight), _zeros32(weight))
        return (_zeros32(weight),)

    def _step(self, index, weight, grad, state, lr, wd):
        w = _np(weight)
        g = self._grad(grad, w, wd)
        g1 = self.gamma1
        n = (1.0 - g1) * np.square(g) + g1 * _np(state[0])
        state[0][:] = n
        if not self.centered:
            new_w = w - lr * g / np.sqrt(n + self.epsilon)
        else:
            gm = (1.0 - g1) * g + g1 * _np(state[1])
            delta = (self.gamma2 * _np(state[2])
                     - lr * g / np.sqrt(n - np.square(gm) + self.epsilon))
            state[1][:] = gm
            state[2][:] = delta
            new_w = w + delta
        if self.clip_weights:
            new_w = np.clip(new_w, -self.clip_weights, self.clip_weights)
        weight[:] = new_w


@register
class AdaGrad(Optimizer):
    """AdaGrad: per-coordinate rates from the accumulated squared gradients.

    ``g = clip(rescale_grad * grad)``, ``h = h + g**2``,
    ``w = w - lr * (g / sqrt(h + eps) + wd * w)``.

    Parameters
    ----------
    eps : float, default 1e-7
        Added under the square root.
    **kwargs
        See :class:`Optimizer` (``learning_rate`` defaults to 0.01).

    See Also
    --------
    RMSProp, Adam

    Examples
    --------
    >>> import minigluon as mx
    >>> opt = mx.optimizer.AdaGrad(learning_rate=0.5, eps=0)
    >>> w = mx.nd.array([1.0])
    >>> h = opt.create_state(0, w)
    >>> opt.update(0, w, mx.nd.array([4.0]), h)
    >>> print(h.asnumpy(), w.asnumpy())
    [16.] [0.5]
    """

    def __init__(self, eps: float = 1e-7, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.float_stable_eps = eps

    def _create_state(self, index: Any, weight: Any) -> Any:
        return _zeros32(weight)  # history

    def _step(self, index, weight, grad, state, lr, wd):
        w = _np(weight)
        g = self._grad(grad, clip_if_set=True)
        h = _np(state) + np.square(g)
        state[:] = h
        weight[:] = w - lr * (g / np.sqrt(h + self.float_stable_eps) + wd * w)



@register
class AdaDelta(Optimizer):
    """AdaDelta (Zeiler, 2012): step sizes from running averages, no learning rate.

    ``g = clip(rescale_grad * grad)``, ``acc_g = rho*acc_g + (1-rho)*g**2``,
    ``delta = sqrt(acc_delta + epsilon) / sqrt(acc_g + epsilon) * g``,
    ``acc_delta = rho*acc_delta + (1-rho)*delta**2``, ``w = w - delta - wd * w``.
    The state is ``(acc_g, acc_delta)``; ``learning_rate`` is not used.

    Parameters
    ----------
    rho : float, default 0.9
        Decay of the running averages.
    epsilon : float, default 1e-5
        Added inside the square roots for stability.
    **kwargs
        See :class:`Optimizer`.

    See Also
    --------
    AdaGrad, RMSProp

    Examples
    --------
    >>> import minigluon as mx
    >>> opt = mx.optimizer.AdaDelta(rho=0.5, epsilon=1.0)
    >>> w = mx.nd.array([1.0])
    >>> acc_g, acc_delta = opt.create_state(0, w)
    >>> opt.update(0, w, mx.nd.array([4.0]), (acc_g, acc_delta))
    >>> print(w.asnumpy().round(4), acc_g.asnumpy(), acc_delta.asnumpy().round(4))
    [-0.3333] [8.] [0.8889]
    """

    def __init__(self, rho: float = 0.90, epsilon: float = 1e-5, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rho = rho
        self.epsilon = epsilon

    def _create_state(self, index: Any, weight: Any) -> Any:
        return (_zeros32(weight), _zeros32(weight))  # accumulated g, accumulated delta

    def _step(self, index, weight, grad, state, lr, wd):
        w = _np(weight)
        g = self._grad(grad, clip_if_set=True)
        acc_g, acc_delta = state
        ag = self.rho * _np(acc_g) + (1.0 - self.rho) * g * g
        delta = np.sqrt(_np(acc_delta) + self.epsilon) / np.sqrt(ag + self.epsilon) * g
        acc_g[:] = ag
        acc_delta[:] = self.rho * _np(acc_delta) + (1.0 - self.rho) * delta * delta
        weight[:] = w - (delta + wd * w)


@register
class Ftrl(Optimizer):
    """FTRL-Proximal (McMahan et al., 2013), with L1 (``lamda1``) and L2 (``wd``) terms.

    With ``g = clip(rescale_grad * grad)``: ``z += g - (sqrt(n + g**2) - sqrt(n)) * w / lr``,
    ``n += g**2``, and ``w = (sign(z) * lamda1 - z) / ((beta + sqrt(n)) / lr + wd)`` where
    ``|z| > lamda1``, else 0. The state is ``(z, n)``.

    Parameters
    ----------
    lamda1 : float, default 0.01
        L1 regularization strength.
    learning_rate : float, default 0.1
        Step size (``alpha`` of the FTRL paper).
    beta : float, default 1
        Smoothing term added to the accumulated squared gradients.
    **kwargs
        See :class:`Optimizer`.

    See Also
    --------
    AdaGrad

    Examples
    --------
    >>> import minigluon as mx
    >>> opt = mx.optimizer.Ftrl(lamda1=0.5, learning_rate=1.0)
    >>> w = mx.nd.array([0.0, 0.0])
    >>> z, n = opt.create_state(0, w)
    >>> opt.update(0, w, mx.nd.array([2.0, 0.25]), (z, n))
    >>> print(w.asnumpy(), z.asnumpy())
    [-0.5  0. ] [2.   0.25]
    """

    def __init__(self, lamda1: float = 0.01, learning_rate: float = 0.1, beta: float = 1,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.lamda1 = lamda1
        self.beta = beta
        self.lr = learning_rate

    def _create_state(self, index: Any, weight: Any) -> Any:
        return (_zeros32(weight), _zeros32(weight))  # z, n

    def _step(self, index, weight, grad, state, lr, wd):
        w = _np(weight)
        g = self._grad(grad)
        z, n = state
        n_old = _np(n)
        z_new = _np(z) + g - (np.sqrt(n_old + g * g) - np.sqrt(n_old)) * w / lr
        n_new = n_old + g * g
        z[:] = z_new
        n[:] = n_new
        keep = np.abs(z_new) > self.lamda1
        weight[:] = ((np.sign(z_new) * self.lamda1 - z_new)
                     / ((self.beta + np.sqrt(n_new)) / lr + wd) * keep)
