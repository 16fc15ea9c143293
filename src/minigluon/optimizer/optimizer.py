"""The optimizer base class, the registry and the update arithmetic the optimizers share.

``opt.update(index, weight, grad, state)`` changes ``weight`` (and ``state``) in place with
vectorized numpy, following MXNet 1.9.1's update kernels. Subclasses say how to build a state
(``_create_state``) and how one step changes a weight (``_step``); the base class counts updates,
looks up each parameter's learning rate and weight decay, and keeps float32 master copies of
float16 weights (``multi_precision``).

See Also
--------
minigluon.optimizer.SGD, minigluon.optimizer.Adam
minigluon.optimizer.Updater : Keeps one state per parameter.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from .. import lr_scheduler as _lrs
from .. import ndarray as nd
from ..autograd import STATE
from ..ndarray import NDArray

__all__ = ["Optimizer", "create", "register"]

_REGISTRY: dict[str, type] = {}
_LR_OVERWRITTEN = ("learning rate from ``lr_scheduler`` has been overwritten by "
                   "``learning_rate`` in optimizer.")
_FP16_WARNING = ("Accumulating with float16 in optimizer can lead to poor accuracy or slow "
                 "convergence. Consider using multi_precision=True option of the optimizer")


def register(klass: type) -> type:
    """Register an optimizer class under its lowercase class name (a class decorator).

    Registering a different class under a taken name warns (re-running the same class
    definition, e.g. a notebook cell, does not).

    Parameters
    ----------
    klass : type
        The optimizer class (an :class:`Optimizer` subclass); returned unchanged.

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
    # multi-precision states are (master, state) except for the SGD family's (state, master)
    _MASTER_FIRST = True

    def __init__(self, rescale_grad: float = 1.0, param_idx2name: dict | None = None,
                 wd: float = 0.0, clip_gradient: float | None = None,
                 learning_rate: float | None = None, lr_scheduler: Any = None,
                 sym: Any = None, begin_num_update: int = 0, multi_precision: bool = False,
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
        # one count table per device, as MXNet keeps them; the CPU is device 0
        self._all_index_update_counts: dict = {0: {}}
        self._index_update_count: dict = self._all_index_update_counts[0]
        self.clip_gradient = clip_gradient
        self.multi_precision = multi_precision
        self.aggregate_num = 0
        self.allow_np_array = False
        if param_idx2name is None:
            param_idx2name = {}
        if not isinstance(param_idx2name, dict):
            raise TypeError("param_idx2name should be a dict of param indexes to names.")
        self.idx2name = param_idx2name.copy()
        # a Symbol's __lr_mult__ / __wd_mult__ attributes become per-name multipliers
        self.sym_info = (sym.attr_dict(), sym.list_arguments()) if sym is not None else ()
        self.param_dict = param_dict if param_dict else {}
        self.lr_mult: dict = {}
        self.wd_mult: dict = {}
        self.set_lr_mult({})
        self.set_wd_mult({})

    @staticmethod
    def create_optimizer(name: str, **kwargs: Any) -> Optimizer:
        """Create a registered optimizer by name; the same as :func:`create`.

        Parameters
        ----------
        name : str
            The registered name (the class name in lowercase, any case accepted).

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

        Parameters
        ----------
        lr : float
            The new learning rate.

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

        Parameters
        ----------
        args_lr_mult : dict of int or str to float
            Multipliers by parameter index, or by name for names in ``param_idx2name``; they win
            over ``sym``'s ``__lr_mult__`` attributes.

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
        self.lr_mult = self._sym_mults("__lr_mult__")
        self.lr_mult.update(args_lr_mult)

    def set_wd_mult(self, args_wd_mult: dict) -> None:
        """Set weight-decay multipliers, by parameter index or name (replaces earlier ones).

        Names from ``param_idx2name`` that do not end in ``_weight`` or ``_gamma`` get 0
        unless given here.

        Parameters
        ----------
        args_wd_mult : dict of int or str to float
            Multipliers by parameter index, or by name for names in ``param_idx2name``; they win
            over the defaults and ``sym``'s ``__wd_mult__`` attributes.

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
        self.wd_mult.update(self._sym_mults("__wd_mult__"))
        self.wd_mult.update(args_wd_mult)

    def _sym_mults(self, key: str) -> dict:
        if not self.sym_info:
            return {}
        attrs, names = self.sym_info
        return {n: float(attrs[n][key]) for n in names if key in attrs.get(n, {})}

    def _set_current_context(self, device_id: int) -> None:
        self._index_update_count = self._all_index_update_counts.setdefault(device_id, {})

    def _update_count(self, index: Any) -> None:
        for i in index if isinstance(index, (list, tuple)) else [index]:
            count = self._index_update_count.get(i, self.begin_num_update) + 1
            self._index_update_count[i] = count
            self.num_update = max(count, self.num_update)

    def _mult(self, index: Any, attr: str, table: dict) -> float:
        if index in self.param_dict:
            return getattr(self.param_dict[index], attr)
        if index in table:
            return table[index]
        if index in self.idx2name:
            return table.get(self.idx2name[index], 1.0)
        return 1.0

    def _base_lr(self) -> float:
        return self.lr_scheduler(self.num_update) if self.lr_scheduler is not None else self.lr

    def _get_lrs(self, indices: list) -> list:
        lr = self._base_lr()
        return [lr * self._mult(i, "lr_mult", self.lr_mult) for i in indices]

    def _get_wds(self, indices: list) -> list:
        return [self.wd * self._mult(i, "wd_mult", self.wd_mult) for i in indices]

    def _get_lr(self, index: Any) -> float:
        return self._get_lrs([index])[0]

    def _get_wd(self, index: Any) -> float:
        return self._get_wds([index])[0]

    def _lr_wd(self, index: Any) -> tuple[float, float]:
        """``(_get_lr(index), _get_wd(index))`` in one lookup, for the per-step path.

        The multipliers are read on every call rather than cached: a Parameter's ``lr_mult``
        is a plain attribute users assign between steps, so a cache could not see it change,
        and reading it costs one dict and one attribute lookup.
        """
        if not _plain_hooks(type(self)):
            return float(self._get_lr(index)), float(self._get_wd(index))
        sched = self.lr_scheduler
        lr = sched(self.num_update) if sched is not None else self.lr
        param = self.param_dict.get(index)
        if param is not None:
            return float(lr * param.lr_mult), float(self.wd * param.wd_mult)
        return (float(lr * self._mult(index, "lr_mult", self.lr_mult)),
                float(self.wd * self._mult(index, "wd_mult", self.wd_mult)))

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        state.pop("param_dict", None)  # a Trainer sets it again; Parameters do not travel
        state.pop("_scratch", None)  # work arrays, made again on the next update
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__ = state
        self.param_dict = {}

    def create_state(self, index: Any, weight: Any) -> Any:
        """The auxiliary state for one weight (momentum...): None, an NDArray or a tuple.

        Parameters
        ----------
        index : int or str
            The parameter's index.
        weight : NDArray
            The parameter; states have its shape and dtype.

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

        Parameters
        ----------
        index : int or str
            The parameter's index.
        weight : NDArray
            The parameter; a float16 one without ``multi_precision`` warns.

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
            inner = self.create_state(index, master)
            return (master, inner) if self._MASTER_FIRST else (inner, master)
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
            The parameter, updated in place.
        grad : NDArray
            Its gradient.
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
        _check_dense(weight, grad)
        if _plain_hooks(type(self)):
            # _update_count for one index, inlined: it runs once per parameter per step
            counts = self._index_update_count
            count = counts.get(index, self.begin_num_update) + 1
            counts[index] = count
            if count > self.num_update:
                self.num_update = count
        else:
            self._update_count(index)
        lr, wd = self._lr_wd(index)
        self._step(index, weight, grad, state, lr, wd)

    def _update_group(self, indices: list, weights: list, grads: list, states: list) -> None:
        """``update_multi_precision`` for each parameter in turn, with the per-call checks and
        lookups done once for the group (what :class:`Updater` calls for a Trainer's step).

        The numbers, counts and order are those of the per-parameter calls; a subclass that
        overrides ``update``, ``update_multi_precision`` or a lookup gets its own methods called
        per parameter.
        """
        if not _plain_update(type(self)):
            for i, w, g, s in zip(indices, weights, grads, states):
                self.update_multi_precision(i, w, g, s)
            return
        counts = self._index_update_count
        begin = self.begin_num_update
        sched = self.lr_scheduler
        params = self.param_dict
        mp = self.multi_precision
        step = self._step
        for i, w, g, s in zip(indices, weights, grads, states):
            if type(w) is not NDArray or type(g) is not NDArray or (
                    mp and w._data.dtype == np.float16):
                self.update_multi_precision(i, w, g, s)
                continue
            # Optimizer.update from here, inlined
            count = counts.get(i, begin) + 1
            counts[i] = count
            if count > self.num_update:
                self.num_update = count
            lr = sched(self.num_update) if sched is not None else self.lr
            param = params.get(i)
            if param is not None:
                step(i, w, g, s, float(lr * param.lr_mult), float(self.wd * param.wd_mult))
            else:
                step(i, w, g, s, float(lr * self._mult(i, "lr_mult", self.lr_mult)),
                     float(self.wd * self._mult(i, "wd_mult", self.wd_mult)))

    def update_multi_precision(self, index: Any, weight: Any, grad: Any, state: Any) -> None:
        """Like :meth:`update`, updating the float32 master copy of a float16 weight.

        Parameters
        ----------
        index : int or str, or a list of them
            The parameter's index; lists update several parameters (then ``weight``, ``grad``,
            ``state`` are lists).
        weight : NDArray
            The parameter, updated in place (from the float32 master copy when there is one).
        grad : NDArray
            Its gradient (cast to float32 for the master copy).
        state : None, NDArray or tuple
            What :meth:`create_state_multi_precision` returned.

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
        if isinstance(index, (list, tuple)):
            for i, w, g, s in zip(index, weight, grad, state):
                self.update_multi_precision(i, w, g, s)
            return
        if self.multi_precision and weight.dtype == np.float16:
            master, inner = state if self._MASTER_FIRST else state[::-1]
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
            "attrs": _plain_attrs(self, skip=("param_dict", "lr_scheduler",
                                              "_all_index_update_counts", "_scratch")),
            "lr_scheduler": None if sched is None else {
                "class": type(sched).__name__, "attrs": _plain_attrs(sched)},
        }

    def set_states(self, states: dict) -> None:
        """Restore what :meth:`get_states` returned (settings, counters, scheduler).

        Parameters
        ----------
        states : dict
            A dict from :meth:`get_states`: ``'attrs'`` (the settings, restored as attributes) and
            ``'lr_scheduler'`` (the scheduler's class and state, or None).

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
        self._all_index_update_counts = {0: self._index_update_count}
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

    def _grad(self, grad: Any, weight: np.ndarray | None = None, wd: float = 0.0,
              clip_if_set: bool = False) -> np.ndarray:
        """``clip(rescale_grad * grad [+ wd * weight])`` as a numpy array of grad's dtype.

        MXNet's fused kernels clip only for ``clip_gradient > 0``; its python-written updates
        (``clip_if_set``) clip whenever ``clip_gradient`` is not None.
        """
        g = np.asarray(grad)
        g = g * np.asarray(self.rescale_grad, dtype=g.dtype)
        if weight is not None and wd:
            g = g + np.asarray(wd, dtype=g.dtype) * weight
        c = self.clip_gradient
        if c is not None and (c > 0 or (clip_if_set and c <= 0)):
            # MXNet's clip tests the upper bound first, which matters only for c < 0
            g = np.where(g > c, c, np.where(g < -c, -c, g)).astype(g.dtype, copy=False)
        return g


_HOOKS = ("_update_count", "_get_lr", "_get_wd", "_get_lrs", "_get_wds", "_mult", "_base_lr")
_PLAIN: dict[type, bool] = {}


def _plain_hooks(klass: type) -> bool:
    """Whether ``klass`` keeps the base class's count and lr/wd lookups (then the per-step
    path may inline them); a subclass that overrides one gets its own method called."""
    plain = _PLAIN.get(klass)
    if plain is None:
        plain = _PLAIN[klass] = all(getattr(klass, h) is getattr(Optimizer, h) for h in _HOOKS)
    return plain


def _plain_update(klass: type) -> bool:
    """Whether ``klass`` keeps the base ``update`` and ``update_multi_precision`` as well."""
    return (klass.update is Optimizer.update
            and klass.update_multi_precision is Optimizer.update_multi_precision
            and _plain_hooks(klass))


def _check_dense(weight: Any, grad: Any) -> None:
    if type(weight) is NDArray and type(grad) is NDArray:
        return  # always dense (NDArray.stype is 'default'); the common case, checked first
    for name, a in (("weight", weight), ("grad", grad)):
        stype = getattr(a, "stype", "default")
        if stype != "default":
            raise NotImplementedError(
                f"minigluon optimizers update dense arrays only; got a {name} of storage type "
                f"{stype!r} (sparse storage and lazy row_sparse updates are not supported)")


def _np(a: Any) -> np.ndarray:
    return a._data if type(a) is NDArray else np.asarray(a)


# -- in-place updates -------------------------------------------------------------------------
# The updates below write into the weight's and the states' own buffers with ``out=`` ufuncs,
# doing the same float operations in the same order as the expressions they replace (so the
# numbers are the same bit for bit), with reused work arrays instead of a fresh temporary per
# operation: on a small model the temporaries, not the arithmetic, were most of the update.
_FLOATS = (np.float16, np.float32, np.float64)


def _inplace_ok(read: np.ndarray, *written: np.ndarray) -> bool:
    """Whether an in-place update computes what the allocating expressions did: one float
    dtype throughout (with mixed dtypes numpy would promote the temporaries), writable
    buffers, and autograd not recording (then ``weight[:] = ...`` must raise for a recorded
    weight before it changes, as it did: the allocating form does that)."""
    dt = read.dtype
    if STATE.recording or dt.type not in _FLOATS:
        return False
    for a in written:  # noqa: SIM110 (a loop: all() over a generator costs more per step)
        if a.dtype != dt or not a.flags.writeable:
            return False
    return True


def _scalars_ok(*values: Any) -> bool:
    # Python numbers combine with a float array in the array's dtype; a numpy float64
    # hyper-parameter would promote the allocating expressions to float64 instead
    for v in values:  # noqa: SIM110 (as above)
        if type(v) is not float and type(v) is not int:
            return False
    return True


def _scratch(opt: Any, like: np.ndarray, k: int = 0) -> np.ndarray:
    """The optimizer's k-th work array, shaped and typed like ``like``.

    One flat buffer per (dtype, k), grown to the largest parameter and shared by all (it only
    holds values during one parameter's update), with its reshaped views kept by shape: the
    views are looked up, not sliced and reshaped, on every update.
    """
    views = opt.__dict__.get("_scratch")
    if views is None:
        views = opt.__dict__["_scratch"] = {}
    key = (like.shape, like.dtype, k)
    view = views.get(key)
    if view is None:
        flat = views.get((like.dtype, k))
        if flat is None or flat.size < like.size:
            for old in [v for v in views if v[1:] == (like.dtype, k)]:
                del views[old]  # views of the smaller buffer, which is let go
            flat = views[(like.dtype, k)] = np.empty(like.size, like.dtype)
        view = views[key] = flat[:like.size].reshape(like.shape)
    return view


def _grad_inplace(opt: Any, g: np.ndarray, w: np.ndarray | None = None, wd: float = 0.0,
                  clip_if_set: bool = False) -> np.ndarray:
    """:meth:`Optimizer._grad` into work array 0 (work array 1 holds ``wd * w``).

    Returns ``g`` itself when there is nothing to do (``rescale_grad`` 1, no decay or clip):
    the caller must not write into what it gets back unless it is work array 0.
    """
    rescale = opt.rescale_grad
    # the same rounding as _grad's np.asarray(rescale_grad, dtype=g.dtype), cheaper
    rescale = g.dtype.type(rescale) if type(rescale) is float else np.asarray(rescale, g.dtype)
    src = g
    if rescale != 1:  # g * 1 is g bit for bit
        src = _scratch(opt, g)
        np.multiply(g, rescale, out=src)
    if w is not None and wd:
        t = _scratch(opt, g, 1)
        np.multiply(np.asarray(wd, dtype=g.dtype), w, out=t)
        src = np.add(src, t, out=_scratch(opt, g))
    c = opt.clip_gradient
    if c is not None and (c > 0 or (clip_if_set and c <= 0)):
        out = _scratch(opt, g)
        if c > 0:
            # the same as MXNet's two-sided test for a positive bound, NaN kept
            np.minimum(src, c, out=out)
            np.maximum(out, -c, out=out)
        else:  # c <= 0: the upper test wins, as in _grad
            out[...] = np.where(src > c, c, np.where(src < -c, -c, src))
        src = out
    return src


def _zeros_like(weight: Any) -> Any:
    return nd.zeros(weight.shape, dtype=np.dtype(weight.dtype))


Optimizer.register = staticmethod(register)  # type: ignore[attr-defined]


