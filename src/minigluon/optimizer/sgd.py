"""The SGD family: SGD, NAG, Signum, SGLD, DCASGD, LARS and LBSGD.

Each step follows MXNet 1.9.1's update kernel for that optimizer (``sgd_update``,
``nag_mom_update``, ``signum_update``, ...), including which weight the weight-decay term reads
when the kernel writes the weight in place.

See Also
--------
minigluon.optimizer.Optimizer
minigluon.gluon.Trainer : Runs an optimizer over a model's Parameters.
"""

from __future__ import annotations

import logging
import math
from typing import Any

import numpy as np

from .. import ndarray as nd
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

__all__ = ["DCASGD", "LARS", "LBSGD", "NAG", "SGD", "SGLD", "Signum", "ccSGD"]


def _sgd_step(opt: Optimizer, weight: Any, grad: Any, mom: Any, lr: float, wd: float,
              momentum: float) -> None:
    """MXNet's ``sgd_update`` / ``sgd_mom_update`` on one weight (``mom`` None: no momentum).

    ``w = (1 - lr*wd) * w - lr * g`` or ``m = momentum * m - lr*wd * w - lr * g; w = w + m``
    with ``g = clip(rescale_grad * grad)``, computed in place (see ``_inplace_ok``).
    """
    w, g = _np(weight), _np(grad)
    if mom is None:
        if not (_inplace_ok(g, w) and _scalars_ok(lr, wd)):
            _sgd_step_alloc(opt, weight, grad, mom, lr, wd, momentum)
            return
        m = None
    else:
        m = _np(mom)
        if not (_inplace_ok(g, w, m) and _scalars_ok(lr, wd, momentum)):
            _sgd_step_alloc(opt, weight, grad, mom, lr, wd, momentum)
            return
    d = _scratch(opt, w)  # _grad_inplace's work array too: each use ends before the next
    if m is None:
        np.multiply(_grad_inplace(opt, g), lr, out=d)
        a = 1 - lr * wd
        if a != 1:  # 1 * w is w bit for bit
            np.multiply(w, a, out=w)
        np.subtract(w, d, out=w)
        return
    np.multiply(m, momentum, out=m)
    # lr*wd * w even for wd == 0: 0 * w is -0 or NaN for some w, which m - 0*w keeps
    np.subtract(m, np.multiply(w, lr * wd, out=d), out=m)
    np.subtract(m, np.multiply(_grad_inplace(opt, g), lr, out=d), out=m)
    np.add(w, m, out=w)


def _sgd_step_alloc(opt: Optimizer, weight: Any, grad: Any, mom: Any, lr: float, wd: float,
                    momentum: float) -> None:
    # the allocating form, for mixed dtypes, numpy-typed hyper-parameters or autograd
    # recording (see _inplace_ok)
    w = _np(weight)
    g = opt._grad(grad)
    if mom is None:
        weight[:] = (1 - lr * wd) * w - lr * g
        return
    m = momentum * _np(mom) - lr * wd * w - lr * g
    mom[:] = m
    weight[:] = w + m


@register
class SGD(Optimizer):
    """Stochastic gradient descent, with momentum and weight decay.

    ``g = clip(rescale_grad * grad)``; without momentum ``w = (1 - lr*wd) * w - lr * g``;
    with momentum ``m = momentum * m - lr * (g + wd * w); w = w + m`` (the state ``m`` exists
    only when ``momentum != 0``). With ``multi_precision`` a float16 weight's state is
    ``(m, weight_float32)``.

    Parameters
    ----------
    momentum : float, default 0.0
        Momentum.
    lazy_update : bool, default True
        Accepted for compatibility (sparse gradients are not supported).
    **kwargs
        See :class:`Optimizer` (``learning_rate`` defaults to 0.01).

    See Also
    --------
    NAG, Signum, LARS
    minigluon.gluon.Trainer

    Examples
    --------
    >>> import minigluon as mx
    >>> opt = mx.optimizer.SGD(learning_rate=0.1, momentum=0.9)
    >>> w, g = mx.nd.array([1, 2]), mx.nd.array([0.5, 0.5])
    >>> m = opt.create_state(0, w)
    >>> opt.update(0, w, g, m)
    >>> opt.update(0, w, g, m)
    >>> print(m.asnumpy(), w.asnumpy())
    [-0.095 -0.095] [0.855 1.855]
    """

    _MASTER_FIRST = False

    def __init__(self, momentum: float = 0.0, lazy_update: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.momentum = momentum
        self.lazy_update = lazy_update

    def _create_state(self, index: Any, weight: Any) -> Any:
        return _zeros_like(weight) if self.momentum != 0.0 else None

    def _step(self, index, weight, grad, state, lr, wd):
        _sgd_step(self, weight, grad, state, lr, wd, self.momentum)


@register
class ccSGD(SGD):  # noqa: N801 (MXNet's name, kept so create('ccsgd') still works)
    """The same as :class:`SGD` (MXNet's deprecated name for it).

    Parameters
    ----------
    momentum : float, default 0.0
        Momentum.
    lazy_update : bool, default True
        Accepted for compatibility (sparse gradients are not supported).
    *args, **kwargs
        See :class:`SGD`.

    See Also
    --------
    SGD

    Examples
    --------
    >>> import minigluon as mx
    >>> opt = mx.optimizer.create('ccsgd', momentum=0.9)
    >>> isinstance(opt, mx.optimizer.SGD), opt.momentum
    (True, 0.9)
    """


@register
class NAG(Optimizer):
    """Nesterov accelerated gradient (SGD with Nesterov momentum).

    ``g = clip(rescale_grad * grad)``; ``w' = w + momentum**2 * m - (1 + momentum) * lr *
    (g + wd * w)``, then ``m = momentum * m - lr * (g + wd * w')``: like MXNet's in-place
    kernel, the momentum's weight-decay term reads the updated weight. Without momentum this
    is plain :class:`SGD`.

    Parameters
    ----------
    momentum : float, default 0.0
        Momentum.
    **kwargs
        See :class:`Optimizer`.

    See Also
    --------
    SGD, Adam

    Examples
    --------
    >>> import minigluon as mx
    >>> opt = mx.optimizer.NAG(learning_rate=0.1, momentum=0.9)
    >>> w = mx.nd.array([1.0])
    >>> m = opt.create_state(0, w)
    >>> opt.update(0, w, mx.nd.array([1.0]), m)
    >>> print(m.asnumpy(), w.asnumpy())
    [-0.1] [0.81]
    """

    _MASTER_FIRST = False

    def __init__(self, momentum: float = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.momentum = momentum

    def _create_state(self, index: Any, weight: Any) -> Any:
        return _zeros_like(weight) if self.momentum != 0.0 else None

    def _step(self, index, weight, grad, state, lr, wd):
        if state is None:
            _sgd_step(self, weight, grad, None, lr, wd, 0.0)
            return
        mu = self.momentum
        w, g, m = _np(weight), _np(grad), _np(state)
        if not (_inplace_ok(g, w, m) and _scalars_ok(lr, wd, mu)):
            _nag_step_alloc(self, weight, grad, state, lr, wd)
            return
        # w' = w - m + (mu+1) * (m - lr * (g + wd*w)); m' = m - lr * (g + wd*w'), m = mu * m,
        # in place: g in work array 0, each bracket in work array 2
        np.multiply(m, mu, out=m)
        g = _grad_inplace(self, g)
        d = _scratch(self, w, 2)
        np.add(g, np.multiply(w, wd, out=d), out=d)
        np.multiply(d, lr, out=d)
        np.subtract(m, d, out=d)
        np.multiply(d, mu + 1, out=d)
        np.subtract(w, m, out=w)
        np.add(w, d, out=w)
        np.add(g, np.multiply(w, wd, out=d), out=d)
        np.multiply(d, lr, out=d)
        np.subtract(m, d, out=m)


def _nag_step_alloc(opt: NAG, weight: Any, grad: Any, state: Any, lr: float, wd: float) -> None:
    # the allocating form of NAG's step with momentum (see _sgd_step_alloc)
    mu = opt.momentum
    w = _np(weight)
    m = mu * _np(state)
    g = opt._grad(grad)
    weight[:] = w - m + (mu + 1) * (m - lr * (g + wd * w))
    state[:] = m - lr * (g + wd * _np(weight))


@register
class Signum(Optimizer):
    """Signum: steps of size ``lr`` along the sign of the momentum (signSGD without it).

    With momentum: ``m = momentum * m - (1 - momentum) * (clip(rescale_grad * grad) + wd * w)``,
    ``w = (1 - lr * wd_lh) * w + lr * sign(m)``. With ``momentum=0`` (signSGD, no state):
    ``w = (1 - lr * wd) * w - lr * sign(grad)``.

    Parameters
    ----------
    learning_rate : float, default 0.01
        Step size.
    momentum : float, default 0.9
        Decay of the momentum of the gradients whose sign is taken; 0 gives signSGD.
    wd_lh : float, default 0.0
        Decoupled weight decay (Loshchilov & Hutter).
    **kwargs
        See :class:`Optimizer`.

    See Also
    --------
    SGD

    Examples
    --------
    >>> import minigluon as mx
    >>> opt = mx.optimizer.Signum(learning_rate=0.1)
    >>> w = mx.nd.array([1.0, 1.0])
    >>> m = opt.create_state(0, w)
    >>> opt.update(0, w, mx.nd.array([3.0, -0.5]), m)
    >>> print(w.asnumpy())
    [0.9 1.1]
    """

    def __init__(self, learning_rate: float = 0.01, momentum: float = 0.9, wd_lh: float = 0.0,
                 **kwargs: Any) -> None:
        super().__init__(learning_rate=learning_rate, **kwargs)
        self.momentum = momentum
        self.wd_lh = wd_lh

    def _create_state(self, index: Any, weight: Any) -> Any:
        return _zeros_like(weight) if self.momentum != 0.0 else None

    def _step(self, index, weight, grad, state, lr, wd):
        w = _np(weight)
        if state is None:
            weight[:] = (1 - lr * wd) * w - lr * np.sign(_np(grad))
            return
        mu = self.momentum
        m = mu * _np(state) - (1 - mu) * wd * w - (1 - mu) * self._grad(grad)
        state[:] = m
        weight[:] = (1 - lr * self.wd_lh) * w + lr * np.sign(m)


@register
class SGLD(Optimizer):
    """Stochastic gradient Langevin dynamics: a half SGD step plus Gaussian noise.

    ``w = w - lr/2 * (clip(rescale_grad * grad) + wd * w) + N(0, sqrt(lr))``; the noise comes
    from :func:`minigluon.random.seed`'s generator (one draw per step, weight-shaped).

    Parameters
    ----------
    rescale_grad : float, default 1.0
        Gradient multiplier (a Trainer sets it to ``1 / batch_size``).
    param_idx2name : dict of int to str, optional
        Parameter names; parameters whose name does not end in ``_weight`` or ``_gamma`` then
        get ``wd_mult = 0``.
    wd : float, default 0.0
        Weight decay (L2 regularization) coefficient.
    clip_gradient : float, optional
        Clip the rescaled gradient to this bound.
    learning_rate : float, optional
        Learning rate (0.01 when neither it nor ``lr_scheduler`` is given).
    lr_scheduler : LRScheduler, optional
        Learning-rate schedule.
    sym : Symbol, optional
        Its variables' ``__lr_mult__`` / ``__wd_mult__`` attributes become per-name
        multipliers (what ``Module`` passes).
    begin_num_update : int, default 0
        Initial update count.
    multi_precision : bool, default False
        Keep a float32 master copy of float16 weights.
    param_dict : dict of int to Parameter, optional
        Gives each index's ``lr_mult`` / ``wd_mult``.

    See Also
    --------
    SGD
    minigluon.random.seed

    Examples
    --------
    >>> import minigluon as mx
    >>> opt = mx.optimizer.SGLD(learning_rate=0.0)
    >>> w = mx.nd.array([1.0, 2.0])
    >>> opt.update(0, w, mx.nd.array([1.0, 1.0]), opt.create_state(0, w))
    >>> print(w.asnumpy())
    [1. 2.]
    """

    def _step(self, index, weight, grad, state, lr, wd):
        w = _np(weight)
        g = self._grad(grad, clip_if_set=True)
        weight[:] = w - lr / 2 * (g + wd * w)
        noise = nd.random.normal(0, math.sqrt(lr), shape=weight.shape, dtype=weight.dtype)
        weight[:] = _np(weight) + _np(noise)


@register
class DCASGD(Optimizer):
    """Delay-compensated asynchronous SGD (Zheng et al., 2016).

    ``d = g + wd * w + lamda * g * g * (w - w_prev)`` with ``g = clip(rescale_grad * grad)``;
    with momentum ``m = momentum * m - lr * d; w = w + m``, else ``w = w - lr * d``; ``w_prev``
    is the weight before the step. The state is ``(m or None, w_prev)``.

    Parameters
    ----------
    momentum : float, default 0.0
        Momentum factor; 0 means none.
    lamda : float, default 0.04
        Strength of the delay compensation.
    **kwargs
        See :class:`Optimizer`.

    See Also
    --------
    SGD

    Examples
    --------
    >>> import minigluon as mx
    >>> opt = mx.optimizer.DCASGD(learning_rate=0.1)
    >>> w = mx.nd.array([1.0])
    >>> state = opt.create_state(0, w)
    >>> opt.update(0, w, mx.nd.array([2.0]), state)
    >>> print(w.asnumpy(), state[1].asnumpy())
    [0.8] [1.]
    """

    def __init__(self, momentum: float = 0.0, lamda: float = 0.04, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.momentum = momentum
        self.weight_previous: dict = {}
        self.lamda = lamda

    def _create_state(self, index: Any, weight: Any) -> Any:
        mom = _zeros_like(weight) if self.momentum != 0.0 else None
        return (mom, weight.copy())

    def _step(self, index, weight, grad, state, lr, wd):
        w = _np(weight)
        g = self._grad(grad, clip_if_set=True)
        mom, prev = state
        d = -lr * (g + wd * w + self.lamda * g * g * (w - _np(prev)))
        if mom is not None:
            d = self.momentum * _np(mom) + d
            mom[:] = d
        prev[:] = w
        weight[:] = w + d


def _is_lars_exempt(name: str) -> bool:
    return name.endswith(("gamma", "beta", "bias"))


@register
class LARS(Optimizer):
    """SGD with layer-wise adaptive rate scaling (You et al., 2017).

    Each weight's learning rate is scaled by ``eta * |w| / (|rescale_grad * grad| + wd * |w|
    + eps)`` (by 1 if either norm is 0, and never for names ending in ``gamma``, ``beta``,
    ``bias``), then an :class:`SGD` step is taken. With ``momentum_correction`` the momentum
    is scaled by ``lr / previous lr`` when the scheduler changes the rate. Weights whose name
    does not end in ``_weight`` get no weight decay when ``param_idx2name`` is given.

    Parameters
    ----------
    momentum : float, default 0.0
        Momentum factor; 0 means none.
    lazy_update : bool, default True
        Accepted for compatibility.
    eta : float, default 0.001
        LARS coefficient.
    eps : float, default 0
        Added to the denominator of the trust ratio.
    momentum_correction : bool, default True
        Rescale the momentum when the learning rate changes.
    **kwargs
        See :class:`Optimizer`.

    See Also
    --------
    SGD, LAMB

    Examples
    --------
    >>> import minigluon as mx
    >>> opt = mx.optimizer.LARS(learning_rate=1.0, eta=0.5)
    >>> w = mx.nd.array([3.0, 4.0])
    >>> opt.update(0, w, mx.nd.array([0.6, 0.8]), opt.create_state(0, w))
    >>> print(w.asnumpy())
    [1.5 2. ]
    """

    _MASTER_FIRST = False

    def __init__(self, momentum: float = 0.0, lazy_update: bool = True, eta: float = 0.001,
                 eps: float = 0, momentum_correction: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.momentum = momentum
        self.momentum_correction = momentum_correction
        self.lazy_update = lazy_update
        self.eta = eta
        self.eps = eps
        self.skip = 0
        self.last_lr: float | None = None
        self.cur_lr: float | None = None

    def _get_lrs(self, indices: list) -> list:
        # remembers the previous base rate for the momentum correction
        if self.cur_lr is not None:
            self.last_lr = self.cur_lr
        lr = self._base_lr()
        if self.cur_lr is None:
            self.last_lr = lr
        self.cur_lr = lr
        return [lr * self._mult(i, "lr_mult", self.lr_mult) for i in indices]

    def set_wd_mult(self, args_wd_mult: dict) -> None:
        """Set weight-decay multipliers; names not ending in ``_weight`` default to 0.

        Unlike :meth:`Optimizer.set_wd_mult`, ``_gamma`` parameters are not decayed either.

        Parameters
        ----------
        args_wd_mult : dict
            Multipliers by parameter index or name.

        See Also
        --------
        Optimizer.set_wd_mult

        Examples
        --------
        >>> import minigluon as mx
        >>> opt = mx.optimizer.LARS(wd=0.1, param_idx2name={0: 'bn_gamma', 1: 'fc_weight'})
        >>> opt._get_wd(0), opt._get_wd(1)
        (0.0, 0.1)
        """
        self.wd_mult = {n: 0.0 for n in self.idx2name.values() if not n.endswith("_weight")}
        self.wd_mult.update(self._sym_mults("__wd_mult__"))
        self.wd_mult.update(args_wd_mult)

    def _create_state(self, index: Any, weight: Any) -> Any:
        return _zeros_like(weight) if self.momentum != 0.0 else None

    def update(self, index: Any, weight: Any, grad: Any, state: Any) -> None:
        """Update ``weight`` (and its momentum) in place; see :meth:`Optimizer.update`.

        Parameters
        ----------
        index : int or list of int
            Index of the parameter(s).
        weight : NDArray or list of NDArray
            Parameter(s), updated in place.
        grad : NDArray or list of NDArray
            Gradient(s).
        state : NDArray or None, or a list of them
            State(s) from ``create_state``.

        See Also
        --------
        Optimizer.update

        Examples
        --------
        >>> import minigluon as mx
        >>> opt = mx.optimizer.LARS(learning_rate=1.0, eta=0.5, param_idx2name={0: 'fc_bias'})
        >>> b = mx.nd.array([3.0, 4.0])
        >>> opt.update(0, b, mx.nd.array([0.6, 0.8]), None)
        >>> print(b.asnumpy())
        [2.4 3.2]
        """
        indices = list(index) if isinstance(index, (list, tuple)) else [index]
        many = isinstance(index, (list, tuple))
        weights, grads, states = (list(x) if many else [x] for x in (weight, grad, state))
        self._update_count(indices)
        lrs = self._get_lrs(indices)
        wds = self._get_wds(indices)
        momentum = self.momentum
        if momentum > 0 and self.momentum_correction and self.last_lr != 0:
            momentum = momentum * (self.cur_lr / self.last_lr)
        for i, w, g, s, lr, wd in zip(indices, weights, grads, states, lrs, wds):
            name = self.idx2name.get(i, str(i))
            if not _is_lars_exempt(name):
                w_norm = float(np.sqrt(np.sum(np.square(_np(w).astype(np.float32)))))
                g_norm = float(np.sqrt(np.sum(np.square(_np(g).astype(np.float32)))))
                if w_norm > 0 and g_norm > 0:
                    lr = lr * self.eta * w_norm / (g_norm * self.rescale_grad + wd * w_norm
                                                   + self.eps)
            _sgd_step(self, w, g, s, lr, wd, momentum if s is not None else 0.0)


@register
class LBSGD(Optimizer):
    """Large-batch SGD: accumulates ``batch_scale`` gradients, then steps with a warmed-up rate.

    Gradients are summed per index; every ``batch_scale``-th call their mean drives an
    :class:`SGD` step whose learning rate is multiplied by a warmup factor rising from 1 to
    ``batch_scale`` over ``warmup_epochs * updates_per_epoch`` updates (``'linear'``,
    ``'power2'``, ``'sqrt'``), or by a LARS ratio (``'lars'``). Other calls only apply weight
    decay with a zero learning rate, i.e. leave the weight unchanged.

    Parameters
    ----------
    momentum : float, default 0.0
        Momentum factor; 0 means none.
    multi_precision : bool, default False
        Keep a float32 master copy of float16 weights.
    warmup_strategy : {'linear', 'power2', 'sqrt', 'lars'}, default 'linear'
        How the learning rate grows during warm-up.
    warmup_epochs : int, default 5
        Length of the warm-up in epochs.
    batch_scale : int, default 1
        Factor by which the batch is larger than the one the learning rate was tuned for.
    updates_per_epoch : int, default 32
        Updates per epoch, to count epochs.
    begin_epoch : int, default 0
        Epoch training starts at.
    num_epochs : int, default 60
        Total number of epochs.
    **kwargs
        See :class:`Optimizer`.

    See Also
    --------
    SGD, LARS

    Examples
    --------
    >>> import minigluon as mx
    >>> opt = mx.optimizer.LBSGD(learning_rate=0.1, batch_scale=2, warmup_epochs=0)
    >>> w = mx.nd.array([1.0])
    >>> opt.update(0, w, mx.nd.array([1.0]), None)
    >>> opt.update(0, w, mx.nd.array([3.0]), None)
    >>> print(w.asnumpy())
    [0.6]
    """

    def __init__(self, momentum: float = 0.0, multi_precision: bool = False,
                 warmup_strategy: str = "linear", warmup_epochs: int = 5,
                 batch_scale: int = 1, updates_per_epoch: int = 32, begin_epoch: int = 0,
                 num_epochs: int = 60, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        logging.info("Running Large-Batch SGD Algorithm")
        self.momentum = momentum
        self.multi_precision = multi_precision
        self.warmup_strategy = warmup_strategy
        self.warmup_epochs = warmup_epochs
        self.batch_scale = batch_scale
        self.updates_per_epoch = updates_per_epoch
        self.init_updates = begin_epoch * updates_per_epoch
        self.num_epochs = num_epochs
        self.lbmult = 1
        self.cumgrads: dict = {}
        self.adaptive = False
        self.admult = 1

    def create_state(self, index: Any, weight: Any) -> Any:
        """The momentum (or None); with ``multi_precision`` and float16 ``(m, weight_float32)``.

        Parameters
        ----------
        index : int
            Index of the parameter.
        weight : NDArray
            The parameter the state is made for.

        Returns
        -------
        NDArray, tuple or None

        See Also
        --------
        Optimizer.create_state

        Examples
        --------
        >>> import minigluon as mx
        >>> opt = mx.optimizer.LBSGD(momentum=0.9, multi_precision=True)
        >>> m, master = opt.create_state(0, mx.nd.ones((2,), dtype='float16'))
        >>> m.dtype, master.dtype
        (<class 'numpy.float32'>, <class 'numpy.float32'>)
        """
        if self.multi_precision and weight.dtype == np.float16:
            master = weight.astype(np.float32)
            return (_zeros_like(master) if self.momentum != 0.0 else None, master)
        return _zeros_like(weight) if self.momentum != 0.0 else None

    def create_state_multi_precision(self, index: Any, weight: Any) -> Any:
        """The same as :meth:`create_state` (which already keeps a float32 master copy).

        Parameters
        ----------
        index : int
            Index of the parameter.
        weight : NDArray
            The parameter the state is made for.

        Returns
        -------
        NDArray, tuple or None

        See Also
        --------
        LBSGD.create_state

        Examples
        --------
        >>> import minigluon as mx
        >>> mx.optimizer.LBSGD().create_state_multi_precision(0, mx.nd.ones((2,))) is None
        True
        """
        return self.create_state(index, weight)

    def update_multi_precision(self, index: Any, weight: Any, grad: Any, state: Any) -> None:
        """The same as :meth:`Optimizer.update` (a tuple state carries the master copy).

        Parameters
        ----------
        index : int
            Index of the parameter.
        weight : NDArray
            The parameter, updated in place.
        grad : NDArray
            Its gradient.
        state : NDArray, tuple or None
            State from ``create_state_multi_precision``.

        See Also
        --------
        LBSGD.create_state

        Examples
        --------
        >>> import minigluon as mx
        >>> opt = mx.optimizer.LBSGD(learning_rate=0.5, multi_precision=True)
        >>> w = mx.nd.array([1.0], dtype='float16')
        >>> opt.update_multi_precision(0, w, mx.nd.array([1.0], dtype='float16'),
        ...                            opt.create_state(0, w))
        >>> print(w.asnumpy())
        [0.5]
        """
        self.update(index, weight, grad, state)

    def _get_lbmult(self, nup: int) -> float:
        nwup = self.warmup_epochs * self.updates_per_epoch
        maxmult = float(self.batch_scale)
        if nup >= nwup:
            return maxmult
        if nwup <= 1:
            return 1.0
        frac = nup / nwup
        return {"linear": 1.0 + (maxmult - 1) * frac,
                "power2": 1.0 + (maxmult - 1) * frac * frac,
                "sqrt": 1.0 + (maxmult - 1) * math.sqrt(frac)}.get(self.warmup_strategy, 1.0)

    def _get_lars(self, weight: np.ndarray, g: np.ndarray, wd: float) -> float:
        w2 = float(np.sum(weight * weight))
        g2 = float(np.sum(g * g))
        return min(max(math.sqrt(w2 / (g2 + wd * w2 + 1e-18)), 0.01), 100.0)

    def _step(self, index, weight, grad, state, lr, wd):
        cg = self.cumgrads.get(index)
        g = _np(grad)
        if cg and cg["num_cums"] > 0:
            cg = {"cum_grad": cg["cum_grad"] + g, "num_cums": cg["num_cums"] + 1}
        else:
            cg = {"cum_grad": g.copy(), "num_cums": self.init_updates + 1}
        self.cumgrads[index] = cg
        if cg["num_cums"] % self.batch_scale != 0:
            return  # MXNet runs sgd_update with lr=0 here: the weight does not change
        g = cg["cum_grad"] / self.batch_scale
        if self.warmup_strategy == "lars":
            lr *= self._get_lars(_np(weight), g, wd)
        else:
            lr *= self._get_lbmult(cg["num_cums"])
        if isinstance(state, (list, tuple)):
            mom, master = state
            _sgd_step(self, master, g.astype(np.float32), mom, lr, wd, self.momentum)
            weight[:] = _np(master).astype(weight.dtype)
        else:
            _sgd_step(self, weight, g, state, lr, wd, self.momentum)
        cg["cum_grad"] = 0  # as MXNet: the count runs on, the sum restarts
