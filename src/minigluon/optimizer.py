"""Optimizers (``mx.optimizer``): SGD, NAG, Adam, RMSProp, AdaGrad, and the Updater.

``opt.update(index, weight, grad, state)`` changes ``weight`` (and ``state``) in place with
vectorized numpy, following MXNet 1.9.1's update kernels exactly. An :class:`Updater` keeps
one state per index and saves them without pickle: :meth:`Updater.get_states` returns the bytes
of an ``.npz`` archive (numpy arrays + a JSON header), :meth:`Optimizer.get_states` a JSON-able
dict of the optimizer's settings and counters.

See Also
--------
Optimizer, SGD, Adam
minigluon.gluon.Trainer : Runs an optimizer over a model's Parameters.
minigluon.lr_scheduler
"""

from __future__ import annotations

import io
import json
import math
import warnings
from typing import Any

import numpy as np

from . import lr_scheduler as _lrs
from . import ndarray as nd

__all__ = ["SGD", "NAG", "AdaGrad", "Adam", "Optimizer", "RMSProp", "Updater", "create",
           "get_updater", "register"]

_REGISTRY: dict[str, type] = {}
_LR_OVERWRITTEN = ("learning rate from ``lr_scheduler`` has been overwritten by "
                   "``learning_rate`` in optimizer.")
_FP16_WARNING = ("Accumulating with float16 in optimizer can lead to poor accuracy or slow "
                 "convergence. Consider using multi_precision=True option of the optimizer")
_STATES_FORMAT = "minigluon-updater-states"


def register(klass: type) -> type:
    """Register an optimizer class under its lowercase class name (a class decorator).

    Registering a different class under a taken name warns (re-running the same class
    definition, e.g. a notebook cell, does not).

    See Also
    --------
    create, Optimizer.create_optimizer, Optimizer

    Examples
    --------
    >>> import minigluon as mx
    >>> @mx.optimizer.register
    ... class Frozen(mx.optimizer.Optimizer):
    ...     def _step(self, index, weight, grad, state, lr, wd):
    ...         pass
    >>> type(mx.optimizer.create('frozen')).__name__
    'Frozen'
    """
    if not isinstance(klass, type):
        raise TypeError(f"register expects a class, got {type(klass).__name__}")
    name = klass.__name__.lower()
    old = _REGISTRY.get(name)
    if old is not None and (old.__module__, old.__qualname__) != (klass.__module__,
                                                                   klass.__qualname__):
        warnings.warn(f"WARNING: New optimizer {klass.__module__}.{klass.__name__} is "
                      f"overriding existing optimizer {old.__module__}.{old.__name__}",
                      UserWarning, stacklevel=2)
    _REGISTRY[name] = klass
    return klass


def create(name: str, **kwargs: Any) -> Optimizer:
    """Create a registered optimizer by name (case-insensitive).

    Parameters
    ----------
    name : str
        ``'sgd'``, ``'nag'``, ``'adam'``, ``'rmsprop'``, ``'adagrad'`` or a registered name.
    **kwargs
        Constructor arguments.

    Returns
    -------
    Optimizer

    See Also
    --------
    register, Optimizer
    minigluon.gluon.Trainer : Accepts an optimizer name.

    Examples
    --------
    >>> import minigluon as mx
    >>> opt = mx.optimizer.create('Adam', learning_rate=0.1)
    >>> type(opt).__name__, opt.learning_rate
    ('Adam', 0.1)
    """
    klass = _REGISTRY.get(name.lower())
    if klass is None:
        raise ValueError(f"Cannot find optimizer {name}")
    return klass(**kwargs)


# -- JSON encoding of optimizer attributes (dict keys may be ints) ----------------------------
def _encode(v: Any) -> Any:
    if isinstance(v, np.generic):
        v = v.item()
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    if isinstance(v, (list, tuple)):
        return [_encode(x) for x in v]
    if isinstance(v, dict):
        return {"__pairs__": [[_encode(k), _encode(x)] for k, x in v.items()]}
    raise TypeError(type(v).__name__)


def _decode(v: Any) -> Any:
    if isinstance(v, list):
        return [_decode(x) for x in v]
    if isinstance(v, dict):
        return {(tuple(k) if isinstance(k, list) else k): _decode(x) for k, x in v["__pairs__"]}
    return v


def _plain_attrs(obj: Any, skip: tuple = ()) -> dict:
    out = {}
    for k, v in vars(obj).items():
        if k in skip:
            continue
        try:
            out[k] = _encode(v)
        except TypeError:
            continue  # not serializable (e.g. a user object): left out
    return out


class Optimizer:
    """Base class of optimizers: learning rate, weight decay, per-parameter multipliers.

    For parameter ``index`` the learning rate is ``lr * lr_mult`` and the weight decay
    ``wd * wd_mult``, the multipliers read from ``param_dict[index].lr_mult`` (Gluon
    Parameters), else from :meth:`set_lr_mult` / :meth:`set_wd_mult` (by index, or by name
    through ``param_idx2name``). ``lr`` comes from ``lr_scheduler(num_update)`` if given.
    Gradients are multiplied by ``rescale_grad`` and clipped to ``[-clip_gradient,
    clip_gradient]`` (when ``clip_gradient`` is set and positive).

    Subclasses implement ``_create_state(index, weight)`` and
    ``_step(index, weight, grad, state, lr, wd)`` (or override :meth:`create_state` and
    :meth:`update` as in MXNet).

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
    begin_num_update : int, default 0
        Initial update count.
    multi_precision : bool, default False
        Keep a float32 master copy of float16 weights.
    param_dict : dict of int to Parameter, optional
        Gives each index's ``lr_mult`` / ``wd_mult``.

    See Also
    --------
    SGD, Adam, create
    minigluon.gluon.Trainer
    minigluon.lr_scheduler.LRScheduler

    Examples
    --------
    >>> import minigluon as mx
    >>> opt = mx.optimizer.SGD(learning_rate=0.1, wd=0.01)
    >>> opt.set_lr_mult({0: 0.5})
    >>> opt._get_lr(0), opt._get_lr(1), opt._get_wd(0)
    (0.05, 0.1, 0.01)
    """

    opt_registry = _REGISTRY

    def __init__(self, rescale_grad: float = 1.0, param_idx2name: dict | None = None,
                 wd: float = 0.0, clip_gradient: float | None = None,
                 learning_rate: float | None = None, lr_scheduler: Any = None,
                 begin_num_update: int = 0, multi_precision: bool = False,
                 param_dict: dict | None = None) -> None:
        self.rescale_grad = rescale_grad
        self.lr_scheduler = lr_scheduler
        if lr_scheduler is None and learning_rate is None:
            learning_rate = 0.01
        self.lr = learning_rate
        if (lr_scheduler is not None and learning_rate is not None
                and lr_scheduler.base_lr != learning_rate):
            warnings.warn(_LR_OVERWRITTEN, UserWarning, stacklevel=2)
            reset = getattr(lr_scheduler, "_reset_base_lr", None)
            if reset is not None:
                reset(learning_rate)
            else:
                lr_scheduler.base_lr = learning_rate
        self.wd = wd
        self.begin_num_update = begin_num_update
        self.num_update = begin_num_update
        self._index_update_count: dict = {}
        self.clip_gradient = clip_gradient
        self.multi_precision = multi_precision
        if param_idx2name is None:
            param_idx2name = {}
        if not isinstance(param_idx2name, dict):
            raise TypeError("param_idx2name should be a dict of param indexes to names.")
        self.idx2name = param_idx2name.copy()
        self.param_dict = param_dict if param_dict else {}
        self.lr_mult: dict = {}
        self.wd_mult: dict = {}
        self.set_lr_mult({})
        self.set_wd_mult({})

    @staticmethod
    def create_optimizer(name: str, **kwargs: Any) -> Optimizer:
        """Create a registered optimizer by name; the same as :func:`create`.

        See Also
        --------
        create, register

        Examples
        --------
        >>> import minigluon as mx
        >>> type(mx.optimizer.Optimizer.create_optimizer('sgd', momentum=0.9)).__name__
        'SGD'
        """
        return create(name, **kwargs)

    @property
    def learning_rate(self) -> float:
        """The current learning rate (from the scheduler if there is one).

        See Also
        --------
        Optimizer.set_learning_rate
        minigluon.lr_scheduler.LRScheduler

        Examples
        --------
        >>> import minigluon as mx
        >>> opt = mx.optimizer.SGD()
        >>> opt.learning_rate
        0.01
        >>> opt.learning_rate = 0.5
        >>> opt.learning_rate
        0.5
        """
        if self.lr_scheduler is not None:
            return self.lr_scheduler(self.num_update)
        return self.lr

    @learning_rate.setter
    def learning_rate(self, lr: float) -> None:
        self.set_learning_rate(lr)

    def set_learning_rate(self, lr: float) -> None:
        """Set the learning rate (not allowed when an ``lr_scheduler`` is in charge).

        See Also
        --------
        Optimizer.learning_rate
        minigluon.gluon.Trainer.set_learning_rate

        Examples
        --------
        >>> import minigluon as mx
        >>> opt = mx.optimizer.Adam()
        >>> opt.set_learning_rate(0.1)
        >>> opt.learning_rate
        0.1
        """
        if self.lr_scheduler is not None:
            raise UserWarning("LRScheduler of the optimizer has already been defined. Note "
                              "that set_learning_rate can mutate the value of the learning "
                              "rate of the optimizer only when the LRScheduler of the "
                              "optimizer is undefined.")
        self.lr = lr

    def set_lr_mult(self, args_lr_mult: dict) -> None:
        """Set learning-rate multipliers, by parameter index or name (replaces earlier ones).

        See Also
        --------
        Optimizer.set_wd_mult
        minigluon.gluon.Parameter

        Examples
        --------
        >>> import minigluon as mx
        >>> opt = mx.optimizer.SGD(learning_rate=1.0, param_idx2name={0: 'fc_weight'})
        >>> opt.set_lr_mult({'fc_weight': 0.1})
        >>> opt._get_lr(0)
        0.1
        """
        self.lr_mult = dict(args_lr_mult)

    def set_wd_mult(self, args_wd_mult: dict) -> None:
        """Set weight-decay multipliers, by parameter index or name (replaces earlier ones).

        Names from ``param_idx2name`` that do not end in ``_weight`` or ``_gamma`` get 0
        unless given here.

        See Also
        --------
        Optimizer.set_lr_mult

        Examples
        --------
        >>> import minigluon as mx
        >>> opt = mx.optimizer.SGD(wd=0.1, param_idx2name={0: 'fc_weight', 1: 'fc_bias'})
        >>> opt._get_wd(0), opt._get_wd(1)
        (0.1, 0.0)
        >>> opt.set_wd_mult({1: 2.0})
        >>> opt._get_wd(1)
        0.2
        """
        self.wd_mult = {n: 0.0 for n in self.idx2name.values()
                        if not (n.endswith("_weight") or n.endswith("_gamma"))}
        self.wd_mult.update(args_wd_mult)

    def _update_count(self, index: Any) -> None:
        count = self._index_update_count.get(index, self.begin_num_update) + 1
        self._index_update_count[index] = count
        self.num_update = max(count, self.num_update)

    def _mult(self, index: Any, attr: str, table: dict) -> float:
        if index in self.param_dict:
            return getattr(self.param_dict[index], attr)
        if index in table:
            return table[index]
        if index in self.idx2name:
            return table.get(self.idx2name[index], 1.0)
        return 1.0

    def _get_lr(self, index: Any) -> float:
        lr = self.lr_scheduler(self.num_update) if self.lr_scheduler is not None else self.lr
        return lr * self._mult(index, "lr_mult", self.lr_mult)

    def _get_wd(self, index: Any) -> float:
        return self.wd * self._mult(index, "wd_mult", self.wd_mult)

    def create_state(self, index: Any, weight: Any) -> Any:
        """The auxiliary state for one weight (momentum...): None, an NDArray or a tuple.

        See Also
        --------
        Optimizer.update, Optimizer.create_state_multi_precision

        Examples
        --------
        >>> import minigluon as mx
        >>> mx.optimizer.SGD().create_state(0, mx.nd.ones((2,))) is None
        True
        >>> mx.optimizer.SGD(momentum=0.9).create_state(0, mx.nd.ones((2,))).shape
        (2,)
        """
        return self._create_state(index, weight)

    def create_state_multi_precision(self, index: Any, weight: Any) -> Any:
        """Like :meth:`create_state`, with a float32 master copy for float16 weights.

        With ``multi_precision=True`` and a float16 weight the state is
        ``(weight_float32, create_state(index, weight_float32))``.

        See Also
        --------
        Optimizer.create_state, Optimizer.update_multi_precision

        Examples
        --------
        >>> import minigluon as mx
        >>> opt = mx.optimizer.SGD(momentum=0.9, multi_precision=True)
        >>> master, mom = opt.create_state_multi_precision(0, mx.nd.ones((2,), dtype='float16'))
        >>> master.dtype, mom.dtype
        (<class 'numpy.float32'>, <class 'numpy.float32'>)
        """
        if self.multi_precision and weight.dtype == np.float16:
            master = weight.astype(np.float32)
            return (master, self.create_state(index, master))
        if weight.dtype == np.float16:
            warnings.warn(_FP16_WARNING, UserWarning, stacklevel=2)
        return self.create_state(index, weight)

    def update(self, index: Any, weight: Any, grad: Any, state: Any) -> None:
        """Update ``weight`` (and ``state``) in place from ``grad``.

        Parameters
        ----------
        index : int or str, or a list of them
            The parameter's index (keys the multipliers and the per-index update count);
            lists update several parameters (then ``weight``, ``grad``, ``state`` are lists).
        weight : NDArray
        grad : NDArray
        state : any
            What :meth:`create_state` returned.

        See Also
        --------
        Optimizer.create_state, Optimizer.update_multi_precision
        Updater : Calls it with each weight's state.

        Examples
        --------
        >>> import minigluon as mx
        >>> opt = mx.optimizer.SGD(learning_rate=0.1)
        >>> w = mx.nd.array([1, 2])
        >>> opt.update(0, w, mx.nd.array([10, 10]), None)
        >>> w
        <BLANKLINE>
        [0. 1.]
        <NDArray 2 @cpu(0)>
        """
        if isinstance(index, (list, tuple)):
            for i, w, g, s in zip(index, weight, grad, state):
                self.update(i, w, g, s)
            return
        self._update_count(index)
        self._step(index, weight, grad, state, float(self._get_lr(index)),
                   float(self._get_wd(index)))

    def update_multi_precision(self, index: Any, weight: Any, grad: Any, state: Any) -> None:
        """Like :meth:`update`, updating the float32 master copy of a float16 weight.

        See Also
        --------
        Optimizer.update, Optimizer.create_state_multi_precision

        Examples
        --------
        >>> import minigluon as mx
        >>> opt = mx.optimizer.SGD(learning_rate=0.5, multi_precision=True)
        >>> w = mx.nd.array([1, 2], dtype='float16')
        >>> s = opt.create_state_multi_precision(0, w)
        >>> opt.update_multi_precision(0, w, mx.nd.array([1, 1], dtype='float16'), s)
        >>> w.dtype, w.asnumpy().tolist()
        (<class 'numpy.float16'>, [0.5, 1.5])
        """
        if self.multi_precision and weight.dtype == np.float16:
            master, inner = state
            self.update(index, master, grad.astype(np.float32), inner)
            weight[:] = np.asarray(master).astype(np.float16)
        else:
            self.update(index, weight, grad, state)

    def get_states(self) -> dict:
        """The optimizer's settings and counters as a JSON-able dict (no arrays, no pickle).

        Holds the registered name, every plain attribute (``lr``, ``wd``, ``momentum``,
        ``num_update``, the per-index counts and multipliers...) and the scheduler's state;
        ``param_dict`` is left out (the Trainer sets it again).

        See Also
        --------
        Optimizer.set_states, Updater.get_states
        minigluon.gluon.Trainer.save_states

        Examples
        --------
        >>> import minigluon as mx
        >>> import json
        >>> opt = mx.optimizer.Adam(learning_rate=0.1)
        >>> s = opt.get_states()
        >>> s['name'], s['attrs']['lr'], s['attrs']['beta1']
        ('adam', 0.1, 0.9)
        >>> opt2 = mx.optimizer.Adam()
        >>> opt2.set_states(json.loads(json.dumps(s)))
        >>> opt2.learning_rate
        0.1
        """
        sched = self.lr_scheduler
        return {
            "name": type(self).__name__.lower(),
            "attrs": _plain_attrs(self, skip=("param_dict", "lr_scheduler")),
            "lr_scheduler": None if sched is None else {
                "class": type(sched).__name__, "attrs": _plain_attrs(sched)},
        }

    def set_states(self, states: dict) -> None:
        """Restore what :meth:`get_states` returned (settings, counters, scheduler).

        See Also
        --------
        Optimizer.get_states, Updater.set_states

        Examples
        --------
        >>> import minigluon as mx
        >>> a = mx.optimizer.SGD(learning_rate=0.3, momentum=0.9)
        >>> b = mx.optimizer.SGD()
        >>> b.set_states(a.get_states())
        >>> b.learning_rate, b.momentum
        (0.3, 0.9)
        """
        for k, v in states.get("attrs", {}).items():
            setattr(self, k, _decode(v))
        info = states.get("lr_scheduler")
        if info is None:
            self.lr_scheduler = None
            return
        sched = self.lr_scheduler
        if sched is None or type(sched).__name__ != info["class"]:
            klass = _lrs._scheduler_class(info["class"])
            if klass is None:
                warnings.warn(f"cannot restore lr_scheduler of unknown class {info['class']}; "
                              "set it on the optimizer before loading states", stacklevel=2)
                return
            sched = klass.__new__(klass)
            self.lr_scheduler = sched
        for k, v in info["attrs"].items():
            setattr(sched, k, _decode(v))

    # -- helpers for the subclasses --------------------------------------------------------
    def _create_state(self, index: Any, weight: Any) -> Any:
        return None

    def _step(self, index: Any, weight: Any, grad: Any, state: Any, lr: float,
              wd: float) -> None:
        raise NotImplementedError(f"{type(self).__name__} must implement update")

    def _grad(self, grad: Any, weight: np.ndarray | None = None, wd: float = 0.0) -> np.ndarray:
        """``clip(rescale_grad * grad [+ wd * weight])`` as a numpy array of grad's dtype."""
        g = np.asarray(grad)
        g = g * np.asarray(self.rescale_grad, dtype=g.dtype)
        if weight is not None and wd:
            g = g + wd * weight
        c = self.clip_gradient
        if c is not None and c > 0:
            g = np.clip(g, -c, c)
        return g


def _zeros_like(weight: Any) -> Any:
    return nd.zeros(weight.shape, dtype=np.dtype(weight.dtype))


Optimizer.register = staticmethod(register)  # type: ignore[attr-defined]


@register
class SGD(Optimizer):
    """Stochastic gradient descent, with momentum and weight decay.

    ``g = clip(rescale_grad * grad)``; without momentum ``w = (1 - lr*wd) * w - lr * g``;
    with momentum ``m = momentum * m - lr * (g + wd * w); w = w + m`` (the state ``m`` exists
    only when ``momentum != 0``).

    Parameters
    ----------
    momentum : float, default 0.0
        Momentum.
    lazy_update : bool, default True
        Accepted for compatibility (there are no sparse gradients).
    **kwargs
        See :class:`Optimizer` (``learning_rate`` defaults to 0.01).

    See Also
    --------
    NAG, Adam
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

    def __init__(self, momentum: float = 0.0, lazy_update: bool = True, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.momentum = momentum
        self.lazy_update = lazy_update

    def _create_state(self, index: Any, weight: Any) -> Any:
        return _zeros_like(weight) if self.momentum != 0.0 else None

    def _step(self, index, weight, grad, state, lr, wd):
        w = np.asarray(weight)
        g = self._grad(grad)
        if state is None:
            weight[:] = (1 - lr * wd) * w - lr * g
            return
        m = self.momentum * np.asarray(state) - lr * wd * w - lr * g
        state[:] = m
        weight[:] = w + m


@register
class NAG(Optimizer):
    """Nesterov accelerated gradient (SGD with Nesterov momentum).

    ``g = clip(rescale_grad * grad)``, ``d = lr * (g + wd * w)``; ``m = momentum * m - d;
    w = w + momentum * m - d``. Without momentum this is plain :class:`SGD`.

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

    def __init__(self, momentum: float = 0.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.momentum = momentum

    def _create_state(self, index: Any, weight: Any) -> Any:
        return _zeros_like(weight) if self.momentum != 0.0 else None

    def _step(self, index, weight, grad, state, lr, wd):
        w = np.asarray(weight)
        g = self._grad(grad)
        if state is None:
            weight[:] = (1 - lr * wd) * w - lr * g
            return
        d = lr * (g + wd * w)
        m = self.momentum * np.asarray(state) - d
        state[:] = m
        weight[:] = w + self.momentum * m - d


@register
class Adam(Optimizer):
    """Adam, with the bias correction folded into the learning rate.

    At the ``t``-th update of a parameter: ``lr_t = lr * sqrt(1 - beta2**t) / (1 - beta1**t)``,
    ``g = clip(rescale_grad * grad + wd * w)``, ``m = beta1*m + (1-beta1)*g``,
    ``v = beta2*v + (1-beta2)*g**2``, ``w = w - lr_t * m / (sqrt(v) + epsilon)``.

    Parameters
    ----------
    learning_rate : float, default 0.001
    beta1 : float, default 0.9
    beta2 : float, default 0.999
    epsilon : float, default 1e-8
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
        w = np.asarray(weight)
        g = self._grad(grad, w, wd)
        mean, var = state
        m = self.beta1 * np.asarray(mean) + (1.0 - self.beta1) * g
        v = self.beta2 * np.asarray(var) + (1.0 - self.beta2) * np.square(g)
        mean[:] = m
        var[:] = v
        weight[:] = w - lr * m / (np.sqrt(v) + self.epsilon)


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
    gamma1 : float, default 0.9
        Decay of the squared-gradient average.
    gamma2 : float, default 0.9
        Momentum (centered version only).
    epsilon : float, default 1e-8
    centered : bool, default False
    clip_weights : float, optional
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
            return (_zeros_like(weight), _zeros_like(weight), _zeros_like(weight))
        return (_zeros_like(weight),)

    def _step(self, index, weight, grad, state, lr, wd):
        w = np.asarray(weight)
        g = self._grad(grad, w, wd)
        g1 = self.gamma1
        n = (1.0 - g1) * np.square(g) + g1 * np.asarray(state[0])
        state[0][:] = n
        if not self.centered:
            new_w = w - lr * g / np.sqrt(n + self.epsilon)
        else:
            gm = (1.0 - g1) * g + g1 * np.asarray(state[1])
            delta = (self.gamma2 * np.asarray(state[2])
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
        return _zeros_like(weight)  # history

    def _step(self, index, weight, grad, state, lr, wd):
        w = np.asarray(weight)
        g = self._grad(grad)
        h = np.asarray(state) + np.square(g)
        state[:] = h
        weight[:] = w - lr * (g / np.sqrt(h + self.float_stable_eps) + wd * w)


# -- Updater: per-index states, saved without pickle ------------------------------------------
def _flatten_state(state: Any, prefix: str, arrays: dict) -> Any:
    if state is None:
        return None
    if isinstance(state, (tuple, list)):
        return {"list" if isinstance(state, list) else "tuple":
                [_flatten_state(s, f"{prefix}/{i}", arrays) for i, s in enumerate(state)]}
    arrays[prefix] = np.array(np.asarray(state))
    return {"array": prefix}


def _unflatten_state(spec: Any, arrays: Any) -> Any:
    if spec is None:
        return None
    if "array" in spec:
        a = np.asarray(arrays[spec["array"]])
        return nd.array(a, dtype=a.dtype)
    if "list" in spec:
        return [_unflatten_state(s, arrays) for s in spec["list"]]
    return tuple(_unflatten_state(s, arrays) for s in spec["tuple"])


class Updater:
    """Applies an optimizer to indexed weights, creating each index's state on first use.

    ``updater(index, grad, weight)`` updates ``weight`` in place (note the argument order,
    as in MXNet); ``index``, ``grad`` and ``weight`` may also be equally long tuples or lists
    (what MXNet 1.9's Trainer passes). Its states save to bytes without pickle
    (:meth:`get_states`).

    Parameters
    ----------
    optimizer : Optimizer

    See Also
    --------
    get_updater, Optimizer.update
    minigluon.gluon.Trainer

    Examples
    --------
    >>> import minigluon as mx
    >>> updater = mx.optimizer.get_updater(mx.optimizer.SGD(learning_rate=0.1, momentum=0.9))
    >>> w = mx.nd.array([1.0])
    >>> updater(0, mx.nd.array([1.0]), w)
    >>> w.asnumpy(), updater.states[0].asnumpy()
    (array([0.9], dtype=float32), array([-0.1], dtype=float32))
    """

    def __init__(self, optimizer: Optimizer) -> None:
        self.optimizer = optimizer
        self.states: dict = {}
        self.states_synced: dict = {}

    def __call__(self, index: Any, grad: Any, weight: Any) -> None:
        if not isinstance(index, (list, tuple)):  # MXNet 1.9's Trainer passes tuples
            index, grad, weight = [index], [grad], [weight]
        for i, g, w in zip(index, grad, weight):
            if i not in self.states:
                self.states[i] = self.optimizer.create_state_multi_precision(i, w)
                self.states_synced[i] = True
            self.optimizer.update_multi_precision(i, w, g, self.states[i])

    def state_dict(self, dump_optimizer: bool = False) -> dict:
        """The states as a flat dict of numpy arrays (``np.savez(f, **d)``-ready, no pickle).

        Key ``'__meta__'`` is a 0-d string array holding a JSON header (the state structure
        per index, and with ``dump_optimizer`` the optimizer's :meth:`Optimizer.get_states`);
        the other keys are ``'<k>'`` or ``'<k>/<i>'`` for the k-th state's arrays.

        See Also
        --------
        Updater.get_states, Updater.set_states

        Examples
        --------
        >>> import minigluon as mx
        >>> u = mx.optimizer.get_updater(mx.optimizer.Adam())
        >>> u(0, mx.nd.ones((2,)), mx.nd.ones((2,)))
        >>> sorted(u.state_dict())
        ['0/0', '0/1', '__meta__']
        """
        arrays: dict = {}
        entries = [{"index": index, "spec": _flatten_state(s, str(k), arrays)}
                   for k, (index, s) in enumerate(self.states.items())]
        meta = {"format": _STATES_FORMAT, "version": 1, "states": entries,
                "optimizer": self.optimizer.get_states() if dump_optimizer else None}
        arrays["__meta__"] = np.array(json.dumps(meta))
        return arrays

    def get_states(self, dump_optimizer: bool = False) -> bytes:
        """The states (and optionally the optimizer's settings) as ``.npz`` bytes, no pickle.

        Parameters
        ----------
        dump_optimizer : bool, default False
            Also save the optimizer's settings and counters (:meth:`Optimizer.get_states`).

        Returns
        -------
        bytes
            An ``.npz`` archive of :meth:`state_dict`; write it to a file as is.

        See Also
        --------
        Updater.set_states, Updater.state_dict
        minigluon.gluon.Trainer.save_states

        Examples
        --------
        >>> import minigluon as mx
        >>> u = mx.optimizer.get_updater(mx.optimizer.SGD(momentum=0.9))
        >>> w = mx.nd.array([1.0])
        >>> u(0, mx.nd.array([1.0]), w)
        >>> blob = u.get_states(dump_optimizer=True)
        >>> u2 = mx.optimizer.get_updater(mx.optimizer.SGD())
        >>> u2.set_states(blob)
        >>> u2.optimizer.momentum, u2.states[0].asnumpy()
        (0.9, array([-0.01], dtype=float32))
        """
        buf = io.BytesIO()
        np.savez(buf, **self.state_dict(dump_optimizer))
        return buf.getvalue()

    def set_states(self, states: bytes | dict) -> None:
        """Restore :meth:`get_states` bytes or a :meth:`state_dict` dict.

        If the optimizer was saved too, its settings are restored into this updater's
        optimizer (same class) or a new optimizer of the saved class replaces it.

        See Also
        --------
        Updater.get_states, Updater.state_dict
        minigluon.gluon.Trainer.load_states

        Examples
        --------
        >>> import minigluon as mx
        >>> u = mx.optimizer.get_updater(mx.optimizer.AdaGrad())
        >>> u(3, mx.nd.array([2.0]), mx.nd.array([1.0]))
        >>> u2 = mx.optimizer.get_updater(mx.optimizer.AdaGrad())
        >>> u2.set_states(u.state_dict())
        >>> u2.states[3].asnumpy()
        array([4.], dtype=float32)
        """
        if isinstance(states, (bytes, bytearray)):
            with np.load(io.BytesIO(states), allow_pickle=False) as npz:
                states = {k: npz[k] for k in npz.files}
        if "__meta__" not in states:
            raise ValueError("set_states: not a minigluon optimizer-state archive (no "
                             "'__meta__' entry); it may be an MXNet pickle, which is not read")
        meta = json.loads(str(np.asarray(states["__meta__"])))
        self.states = {e["index"]: _unflatten_state(e["spec"], states) for e in meta["states"]}
        self.states_synced = dict.fromkeys(self.states, True)
        info = meta.get("optimizer")
        if info is not None:
            opt = self.optimizer
            if type(opt).__name__.lower() != info["name"]:
                klass = _REGISTRY.get(info["name"])
                if klass is None:
                    raise ValueError(f"set_states: the states were saved by optimizer "
                                     f"{info['name']!r}, which is not registered")
                new = klass.__new__(klass)
                new.param_dict = opt.param_dict
                new.lr_scheduler = None
                opt = self.optimizer = new
            opt.set_states(info)

    def sync_state_context(self, state: Any, context: Any) -> Any:
        """Return ``state`` on ``context`` (a no-op: the CPU is the only device).

        See Also
        --------
        Updater.set_states
        minigluon.context.Context

        Examples
        --------
        >>> import minigluon as mx
        >>> u = mx.optimizer.get_updater(mx.optimizer.SGD())
        >>> u.sync_state_context(None, mx.cpu()) is None
        True
        """
        return state


def get_updater(optimizer: Optimizer) -> Updater:
    """An :class:`Updater` for ``optimizer``: ``updater(index, grad, weight)``.

    See Also
    --------
    Updater, create

    Examples
    --------
    >>> import minigluon as mx
    >>> u = mx.optimizer.get_updater(mx.optimizer.SGD(learning_rate=1.0))
    >>> w = mx.nd.array([1.0, 2.0])
    >>> u(0, mx.nd.array([1.0, 1.0]), w)
    >>> w.asnumpy()
    array([0., 1.], dtype=float32)
    """
    return Updater(optimizer)
