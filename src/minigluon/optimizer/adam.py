"""Adam and its relatives: Adam, Adamax, Nadam, LAMB and FTML.

Each keeps first- and second-moment estimates per weight and follows MXNet 1.9.1's update for
that optimizer (its fused kernel, or its Python code where MXNet has no kernel).

See Also
--------
minigluon.optimizer.Optimizer
minigluon.optimizer.RMSProp, minigluon.optimizer.AdaGrad
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .optimizer import (
    Optimizer,
    _grad_inplace,
    _inplace_ok,
    _np,
    _scalars_ok,
    _scratch,
    _zeros_like,
    register,
)

__all__ = ["FTML", "LAMB", "Adam", "Adamax", "Nadam"]


@register
class Adam(Optimizer):
    """Adam, with the bias correction folded into the learning rate.

    At the ``t``-th update of a parameter: ``lr_t = lr * sqrt(1 - beta2**t) / (1 - beta1**t)``,
    ``g = clip(rescale_grad * grad + wd * w)``, ``m = beta1*m + (1-beta1)*g``,
    ``v = beta2*v + (1-beta2)*g**2``, ``w = w - lr_t * m / (sqrt(v) + epsilon)``.

    Parameters
    ----------
    learning_rate : float, default 0.001
        Step size.
    beta1 : float, default 0.9
        Decay rate of the first-moment (mean) estimate.
    beta2 : float, default 0.999
        Decay rate of the second-moment (uncentered variance) estimate.
    epsilon : float, default 1e-8
        Added to the denominator for stability.
    lazy_update : bool, default True
        Accepted for compatibility (there are no sparse gradients).
    **kwargs
        See :class:`Optimizer`.

    See Also
    --------
    SGD, RMSProp, AdaGrad
    minigluon.gluon.Trainer

    Examples
    --------
    >>> import minigluon as mx
    >>> opt = mx.optimizer.Adam(learning_rate=0.1)
    >>> w = mx.nd.array([1.0, 1.0])
    >>> state = opt.create_state(0, w)
    >>> opt.update(0, w, mx.nd.array([2.0, -3.0]), state)
    >>> print(w.asnumpy().round(6))
    [0.9 1.1]
    """

    def __init__(self, learning_rate: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 epsilon: float = 1e-8, lazy_update: bool = True, **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.lazy_update = lazy_update

    def _create_state(self, index: Any, weight: Any) -> Any:
        return (_zeros_like(weight), _zeros_like(weight))  # mean, variance

    def _step(self, index, weight, grad, state, lr, wd):
        t = self._index_update_count[index]
        lr *= math.sqrt(1.0 - self.beta2 ** t) / (1.0 - self.beta1 ** t)
        mean, var = state
        w, m, v = _np(weight), _np(mean), _np(var)
        b1, b2, eps = self.beta1, self.beta2, self.epsilon
        if not (_inplace_ok(_np(grad), w, m, v) and _scalars_ok(lr, wd, b1, b2, eps)):
            _adam_step_alloc(self, weight, grad, state, lr, wd)
            return
        # the same operations in place: g in work array 0 (or grad itself), terms in array 2
        g = _grad_inplace(self, _np(grad), w, wd)
        t = _scratch(self, w, 2)
        np.multiply(m, b1, out=m)
        np.add(m, np.multiply(g, 1.0 - b1, out=t), out=m)
        np.multiply(v, b2, out=v)
        np.add(v, np.multiply(np.square(g, out=t), 1.0 - b2, out=t), out=v)
        np.sqrt(v, out=t)
        np.add(t, eps, out=t)
        d = _scratch(self, w, 1)
        np.divide(np.multiply(m, lr, out=d), t, out=d)
        np.subtract(w, d, out=w)


def _adam_step_alloc(opt: Adam, weight: Any, grad: Any, state: Any, lr: float,
                     wd: float) -> None:
    # the allocating form of Adam's step (lr already bias-corrected), for mixed dtypes,
    # numpy-typed hyper-parameters or autograd recording (see _inplace_ok)
    b1, b2 = opt.beta1, opt.beta2
    mean, var = state
    w = _np(weight)
    g = opt._grad(grad, w, wd)
    m = b1 * _np(mean) + (1.0 - b1) * g
    v = b2 * _np(var) + (1.0 - b2) * np.square(g)
    mean[:] = m
    var[:] = v
    weight[:] = w - lr * m / (np.sqrt(v) + opt.epsilon)


@register
class Adamax(Optimizer):
    """AdaMax: Adam with the infinity norm in place of the second moment (Kingma & Ba, sec. 7).

    At the ``t``-th update: ``g = clip(rescale_grad * grad + wd * w)``, ``m = beta1*m +
    (1-beta1)*g``, ``u = max(beta2 * u, |g|)``, ``w = w - lr / (1 - beta1**t) * m / u``.

    Parameters
    ----------
    learning_rate : float, default 0.002
        Step size.
    beta1 : float, default 0.9
        Decay rate of the first-moment estimate.
    beta2 : float, default 0.999
        Decay rate of the infinity-norm estimate.
    **kwargs
        See :class:`Optimizer`.

    See Also
    --------
    Adam, Nadam

    Examples
    --------
    >>> import minigluon as mx
    >>> opt = mx.optimizer.Adamax(learning_rate=0.1)
    >>> w = mx.nd.array([1.0, 1.0])
    >>> state = opt.create_state(0, w)
    >>> opt.update(0, w, mx.nd.array([2.0, -4.0]), state)
    >>> print(w.asnumpy().round(6))
    [0.9 1.1]
    """

    def __init__(self, learning_rate: float = 0.002, beta1: float = 0.9, beta2: float = 0.999,
                 **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = beta1
        self.beta2 = beta2

    def _create_state(self, index: Any, weight: Any) -> Any:
        return (_zeros_like(weight), _zeros_like(weight))  # mean, infinity norm

    def _step(self, index, weight, grad, state, lr, wd):
        t = self._index_update_count[index]
        lr /= 1.0 - self.beta1 ** t
        w = _np(weight)
        g = self._grad(grad, w, wd, clip_if_set=True)
        m_t, u_t = state
        m = self.beta1 * _np(m_t) + (1.0 - self.beta1) * g
        u = np.maximum(self.beta2 * _np(u_t), np.abs(g))
        m_t[:] = m
        u_t[:] = u
        weight[:] = w - lr * m / u


@register
class Nadam(Optimizer):
    """Nadam: Adam with Nesterov momentum (Dozat, 2016), with a warming momentum schedule.

    At the ``t``-th update, ``mu_t = beta1 * (1 - 0.5 * 0.96**(t * schedule_decay))``; the
    running product of the ``mu``'s (``m_schedule``) is kept on the optimizer, shared by all
    weights as in MXNet. With ``g = clip(rescale_grad * grad + wd * w)``:
    ``m = beta1*m + (1-beta1)*g``, ``v = beta2*v + (1-beta2)*g**2``,
    ``m_bar = (1 - mu_t) * g / (1 - m_schedule) + mu_{t+1} * m / (1 - m_schedule * mu_{t+1})``,
    ``w = w - lr * m_bar / (sqrt(v / (1 - beta2**t)) + epsilon)``.

    Parameters
    ----------
    learning_rate : float, default 0.001
        Step size.
    beta1 : float, default 0.9
        Decay rate of the first-moment estimate.
    beta2 : float, default 0.999
        Decay rate of the second-moment estimate.
    epsilon : float, default 1e-8
        Added to the denominator for stability.
    schedule_decay : float, default 0.004
        Decay of the momentum schedule.
    **kwargs
        See :class:`Optimizer`.

    See Also
    --------
    Adam, NAG

    Examples
    --------
    >>> import minigluon as mx
    >>> opt = mx.optimizer.Nadam(learning_rate=0.1)
    >>> w = mx.nd.array([1.0])
    >>> opt.update(0, w, mx.nd.array([1.0]), opt.create_state(0, w))
    >>> print(w.asnumpy().round(4), round(opt.m_schedule, 6))
    [0.8944] 0.450073
    """

    def __init__(self, learning_rate: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 epsilon: float = 1e-8, schedule_decay: float = 0.004, **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.schedule_decay = schedule_decay
        self.m_schedule = 1.0

    def _create_state(self, index: Any, weight: Any) -> Any:
        return (_zeros_like(weight), _zeros_like(weight))  # mean, variance

    def _step(self, index, weight, grad, state, lr, wd):
        t = self._index_update_count[index]
        w = _np(weight)
        g = self._grad(grad, w, wd, clip_if_set=True)
        mu_t = self.beta1 * (1.0 - 0.5 * 0.96 ** (t * self.schedule_decay))
        mu_next = self.beta1 * (1.0 - 0.5 * 0.96 ** ((t + 1) * self.schedule_decay))
        self.m_schedule = self.m_schedule * mu_t
        m_schedule_next = self.m_schedule * mu_next
        m_t, v_t = state
        m = self.beta1 * _np(m_t) + (1.0 - self.beta1) * g
        v = self.beta2 * _np(v_t) + (1.0 - self.beta2) * g * g
        m_t[:] = m
        v_t[:] = v
        m_bar = ((1.0 - mu_t) * (g / (1.0 - self.m_schedule))
                 + mu_next * (m / (1.0 - m_schedule_next)))
        v_hat = v / (1.0 - self.beta2 ** t)
        weight[:] = w - lr * m_bar / (np.sqrt(v_hat) + self.epsilon)


def _norm(a: np.ndarray) -> float:
    flat = a.reshape(-1)
    if flat.dtype == np.float16:  # no BLAS dot for float16; accumulate in float32
        flat = flat.astype(np.float32)
    return math.sqrt(float(np.dot(flat, flat)))


@register
class LAMB(Optimizer):
    """LAMB: layer-wise adaptive moments for large batches (You et al., 2019).

    With ``g = clip(rescale_grad * grad)``: ``m = beta1*m + (1-beta1)*g``,
    ``v = beta2*v + (1-beta2)*g**2``; with ``bias_correction`` ``m`` and ``v`` are divided by
    ``1 - beta**t``; ``r = m / (sqrt(v) + epsilon) + wd * w``. The trust ratio is
    ``|w| / |r|`` (``|w|`` clamped to ``[lower_bound, upper_bound]`` when given; 1 if either
    norm is 0), and ``w = w - lr * ratio * r``. A float16 weight with ``multi_precision`` keeps
    a float32 master copy that is updated too.

    Parameters
    ----------
    learning_rate : float, default 0.001
        Step size.
    beta1 : float, default 0.9
        Decay rate of the first-moment estimate.
    beta2 : float, default 0.999
        Decay rate of the second-moment estimate.
    epsilon : float, default 1e-6
        Added to the denominator for stability.
    lower_bound : float, optional
        Lower clip of the weight norm in the trust ratio; None: no clip.
    upper_bound : float, optional
        Upper clip of the weight norm in the trust ratio; None: no clip.
    bias_correction : bool, default True
        Correct the moment estimates for their zero initialization.
    **kwargs
        See :class:`Optimizer`.

    See Also
    --------
    Adam, LARS

    Examples
    --------
    >>> import minigluon as mx
    >>> opt = mx.optimizer.LAMB(learning_rate=0.1, epsilon=0)
    >>> w = mx.nd.array([3.0, 4.0])
    >>> opt.update(0, w, mx.nd.array([1.0, -1.0]), opt.create_state(0, w))
    >>> print(w.asnumpy().round(6))
    [ 2.646447  4.353553]
    """

    def __init__(self, learning_rate: float = 0.001, beta1: float = 0.9, beta2: float = 0.999,
                 epsilon: float = 1e-6, lower_bound: float | None = None,
                 upper_bound: float | None = None, bias_correction: bool = True,
                 **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon
        self.lower_bound = lower_bound
        self.upper_bound = upper_bound
        self.bias_correction = bias_correction

    def _create_state(self, index: Any, weight: Any) -> Any:
        return (_zeros_like(weight), _zeros_like(weight))  # mean, variance

    def _step(self, index, weight, grad, state, lr, wd):
        t = self._index_update_count[index]
        w = _np(weight)
        g = self._grad(grad)
        mean, var = state
        m = self.beta1 * _np(mean) + (1.0 - self.beta1) * g
        v = self.beta2 * _np(var) + (1.0 - self.beta2) * g * g
        mean[:] = m
        var[:] = v
        if self.bias_correction:
            m = m / (1.0 - self.beta1 ** t)
            v = v / (1.0 - self.beta2 ** t)
        r = (m / (np.sqrt(v) + self.epsilon) + wd * w).astype(w.dtype, copy=False)
        r1 = _norm(w)
        if self.lower_bound:
            r1 = max(r1, self.lower_bound)
        if self.upper_bound:
            r1 = min(r1, self.upper_bound)
        r2 = _norm(r)
        if r1 != 0.0 and r2 != 0.0:
            lr = lr * r1 / r2
        weight[:] = w - lr * r


@register
class FTML(Optimizer):
    """FTML, Follow the Moving Leader (Zheng & Kwok, 2017).

    At the ``t``-th update, with ``g = clip(rescale_grad * grad + wd * w)``:
    ``v = beta2*v + (1-beta2)*g**2``, ``d_t = (1 - beta1**t) / lr * (sqrt(v / (1 - beta2**t))
    + epsilon)``, ``z = beta1*z + (1-beta1)*g - (d_t - beta1 * d) * w``, ``d = d_t`` and
    ``w = -z / d_t``. The state is ``(d, v, z)``.

    Parameters
    ----------
    beta1 : float, default 0.6
        Decay rate of the first-moment estimate.
    beta2 : float, default 0.999
        Decay rate of the second-moment estimate.
    epsilon : float, default 1e-8
        Added to the denominator for stability.
    **kwargs
        See :class:`Optimizer` (``learning_rate`` defaults to 0.01).

    See Also
    --------
    Adam

    Examples
    --------
    >>> import minigluon as mx
    >>> opt = mx.optimizer.FTML(learning_rate=0.1, epsilon=0)
    >>> w = mx.nd.array([1.0])
    >>> d, v, z = opt.create_state(0, w)
    >>> opt.update(0, w, mx.nd.array([2.0]), (d, v, z))
    >>> print(w.asnumpy().round(6), d.asnumpy().round(6))
    [0.9] [8.]
    """

    def __init__(self, beta1: float = 0.6, beta2: float = 0.999, epsilon: float = 1e-8,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.beta1 = beta1
        self.beta2 = beta2
        self.epsilon = epsilon

    def _create_state(self, index: Any, weight: Any) -> Any:
        return (_zeros_like(weight), _zeros_like(weight), _zeros_like(weight))  # d, v, z

    def _step(self, index, weight, grad, state, lr, wd):
        t = self._index_update_count[index]
        w = _np(weight)
        g = self._grad(grad, w, wd)
        d, v, z = state
        v_new = self.beta2 * _np(v) + (1 - self.beta2) * np.square(g)
        d_t = (1 - self.beta1 ** t) / lr * (np.sqrt(v_new / (1 - self.beta2 ** t))
                                            + self.epsilon)
        z_new = self.beta1 * _np(z) + (1 - self.beta1) * g - (d_t - self.beta1 * _np(d)) * w
        v[:] = v_new
        z[:] = z_new
        d[:] = d_t
        weight[:] = -z_new / d_t
