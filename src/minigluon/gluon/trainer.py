"""``Trainer``: applies an optimizer to a set of Parameters after each backward pass.

MXNet 1.9.1's ``gluon.Trainer`` on one device: ``step(batch_size)`` scales gradients by
``1 / batch_size`` and updates every parameter whose gradient was written by ``backward`` since
the last step (a stale gradient raises, naming the parameter). kvstore arguments are accepted
and ignored (there is one device). Optimizer states are saved without pickle.
"""

from __future__ import annotations

from typing import Any

from .. import optimizer as opt
from ..base import MXNetError
from ..context import cpu
from .parameter import Parameter, ParameterDict

__all__ = ["Trainer"]

_STALE = ("Gradient of Parameter `{}` on context {} has not been updated by backward since "
          "last `step`. This could mean a bug in your model that made it only use a subset of "
          "the Parameters (Blocks) for this iteration. If you are intentionally only using a "
          "subset, call step with ignore_stale_grad=True to suppress this warning and skip "
          "updating of Parameters with stale gradient")


class Trainer:
    """Update Parameters with an optimizer: ``trainer.step(batch_size)`` after ``backward``.

    Parameters
    ----------
    params : ParameterDict, dict or list of Parameter
        The parameters to train (a dict is taken in sorted-key order; shared parameters are
        updated once).
    optimizer : str or Optimizer
        ``'sgd'``, ``'adam'``, ... (see ``mx.optimizer``) or an Optimizer instance.
    optimizer_params : dict, optional
        Arguments of the optimizer (``{'learning_rate': 0.1, 'wd': 1e-4}``); must be empty
        when ``optimizer`` is an instance.
    kvstore, compression_params, update_on_kvstore
        Accepted for compatibility; there is a single device, so no kvstore is used.

    See Also
    --------
    Trainer.step, Block.collect_params
    minigluon.optimizer.SGD, minigluon.optimizer.Adam
    minigluon.autograd.record : Record the forward pass to get gradients.

    Examples
    --------
    >>> import minigluon as mx
    >>> from minigluon import gluon, nd, autograd
    >>> net = gluon.nn.Dense(1, in_units=2)
    >>> net.initialize(mx.init.One())
    >>> trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.1})
    >>> with autograd.record():
    ...     loss = net(nd.array([[1, 2], [3, 4]])).sum()
    >>> loss.backward()
    >>> trainer.step(batch_size=2)         # w -= 0.1 * grad / 2
    >>> net.weight.data()
    <BLANKLINE>
    [[0.8 0.7]]
    <NDArray 1x2 @cpu(0)>
    """

    def __init__(self, params: Any, optimizer: Any, optimizer_params: dict | None = None,
                 kvstore: Any = "device", compression_params: Any = None,
                 update_on_kvstore: bool | None = None) -> None:
        if isinstance(params, (dict, ParameterDict)):
            params = [params[key] for key in sorted(params.keys())]
        if not isinstance(params, (list, tuple)):
            raise ValueError(f"First argument must be a list or dict of Parameters, got "
                             f"{type(params)}.")
        self._params: list[Parameter] = []
        seen: set[int] = set()
        for param in params:
            if not isinstance(param, Parameter):
                raise ValueError(f"First argument must be a list or dict of Parameters, got "
                                 f"list of {type(param)}.")
            if id(param) in seen:  # shared parameters are updated once
                continue
            seen.add(id(param))
            self._params.append(param)
        if isinstance(kvstore, str) and "dist" in kvstore:
            raise MXNetError(f"kvstore='{kvstore}': minigluon trains on one device in one "
                             "process; distributed kvstores are not available (use 'device')")
        self._compression_params = compression_params
        self._contains_sparse_weight = any(p._stype != "default" for p in self._params)
        self._contains_sparse_grad = any(p._grad_stype != "default" for p in self._params)
        self._contexts = [cpu(0)]
        self._init_optimizer(optimizer, dict(optimizer_params or {}))
        self._scale = self._optimizer.rescale_grad
        # MXNet's kvstore bookkeeping, which code written for MXNet reads: with one device
        # there is never a kvstore, so _kvstore and _update_on_kvstore stay None.
        self._kvstore_params = {"kvstore": kvstore, "update_on_kvstore": update_on_kvstore}
        self._reset_kvstore()
        for param in self._params:
            param._set_trainer(self)

    def _reset_kvstore(self) -> None:
        self._kv_initialized = False
        self._kvstore: Any = None
        self._distributed: bool | None = None
        self._update_on_kvstore: bool | None = None
        self._params_to_init = list(self._params)

    def _init_kvstore(self) -> None:
        self._kvstore = None  # one device: gradients are complete where they are computed
        self._update_on_kvstore = None
        self._distributed = False
        self._kv_initialized = True
        self._params_to_init = [p for p in self._params if p._data is None]

    @property
    def _updaters(self) -> list:
        return [self._updater]  # one updater per device, as MXNet keeps them

    def _init_optimizer(self, optimizer: Any, optimizer_params: dict) -> None:
        param_dict = dict(enumerate(self._params))
        if isinstance(optimizer, opt.Optimizer):
            if optimizer_params:
                raise ValueError("optimizer_params must be None if optimizer is an instance of "
                                 "Optimizer instead of str")
            self._optimizer = optimizer
            self._optimizer.param_dict = param_dict
        else:
            self._optimizer = opt.create(optimizer, param_dict=param_dict, **optimizer_params)
        self._updater = opt.get_updater(self._optimizer)

    @property
    def learning_rate(self) -> float:
        """The optimizer's current learning rate.

        See Also
        --------
        Trainer.set_learning_rate
        minigluon.lr_scheduler : Schedules that change it during training.

        Examples
        --------
        >>> from minigluon import gluon
        >>> net = gluon.nn.Dense(1, in_units=1)
        >>> gluon.Trainer(net.collect_params(), 'adam').learning_rate
        0.001
        """
        return self._optimizer.learning_rate

    @property
    def optimizer(self) -> opt.Optimizer:
        """The Optimizer instance in use.

        See Also
        --------
        Trainer.learning_rate, minigluon.optimizer.Optimizer

        Examples
        --------
        >>> from minigluon import gluon
        >>> net = gluon.nn.Dense(1, in_units=1)
        >>> type(gluon.Trainer(net.collect_params(), 'sgd').optimizer).__name__
        'SGD'
        """
        return self._optimizer

    def set_learning_rate(self, lr: float) -> None:
        """Set the learning rate (e.g. for a manual schedule between epochs).

        Parameters
        ----------
        lr : float
            New learning rate of the optimizer.

        See Also
        --------
        Trainer.learning_rate
        minigluon.lr_scheduler.FactorScheduler

        Examples
        --------
        >>> from minigluon import gluon
        >>> net = gluon.nn.Dense(1, in_units=1)
        >>> trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.1})
        >>> trainer.set_learning_rate(0.01)
        >>> trainer.learning_rate
        0.01
        """
        self._optimizer.set_learning_rate(lr)

    def step(self, batch_size: int, ignore_stale_grad: bool = False) -> None:
        """One update: gradients scaled by ``1 / batch_size`` (``allreduce_grads`` + ``update``).

        Parameters
        ----------
        batch_size : int
            The gradients are divided by it (the loss is usually summed over the batch).
        ignore_stale_grad : bool, default False
            Skip (instead of raising for) parameters that ``backward`` did not reach since the
            last step.

        See Also
        --------
        Trainer.allreduce_grads, Trainer.update
        minigluon.autograd.record, minigluon.ndarray.NDArray.backward

        Examples
        --------
        >>> import minigluon as mx
        >>> from minigluon import gluon, nd, autograd
        >>> net = gluon.nn.Dense(1, in_units=1, use_bias=False, prefix='fc_')
        >>> net.initialize(mx.init.One())
        >>> trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 1.0})
        >>> with autograd.record():
        ...     y = net(nd.array([[4]]))
        >>> y.backward()
        >>> trainer.step(4)
        >>> net.weight.data().asscalar().item()
        0.0
        >>> trainer.step(4)            # no backward since the last step
        Traceback (most recent call last):
        ...
        UserWarning: Gradient of Parameter `fc_weight` on context cpu(0) has not been updated by backward since last `step`. ...
        """  # noqa: E501
        self._optimizer.rescale_grad = self._scale / batch_size
        self._allreduce_grads()
        self._update(ignore_stale_grad)

    def allreduce_grads(self) -> None:
        """Sum gradients across devices (nothing to do on one device); for custom updates.

        Call it, then :meth:`update`, instead of :meth:`step` to change the gradients in
        between (e.g. ``gluon.utils.clip_global_norm``).

        See Also
        --------
        Trainer.update, Trainer.step

        Examples
        --------
        >>> import minigluon as mx
        >>> from minigluon import gluon, nd, autograd
        >>> net = gluon.nn.Dense(1, in_units=1, use_bias=False)
        >>> net.initialize(mx.init.One())
        >>> trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 1.0})
        >>> with autograd.record():
        ...     y = net(nd.array([[3]]))
        >>> y.backward()
        >>> trainer.allreduce_grads()
        >>> gluon.utils.clip_global_norm([net.weight.grad()], 1.0)
        3.0
        >>> trainer.update(1)
        >>> net.weight.data().asnumpy().round(4)
        array([[0.]], dtype=float32)
        """
        self._allreduce_grads()

    def _allreduce_grads(self) -> None:
        if not self._kv_initialized:
            self._init_kvstore()
        # one device: the gradients are already complete

    def update(self, batch_size: int, ignore_stale_grad: bool = False) -> None:
        """The update part of :meth:`step` (after :meth:`allreduce_grads`).

        Parameters
        ----------
        batch_size : int
            Gradients are divided by it (``rescale_grad = scale / batch_size``).
        ignore_stale_grad : bool, default False
            Skip Parameters whose gradient was not refreshed by a backward since the last update,
            instead of raising.

        See Also
        --------
        Trainer.allreduce_grads, Trainer.step
        minigluon.gluon.utils.clip_global_norm : Clip gradients between the two.

        Examples
        --------
        >>> import minigluon as mx
        >>> from minigluon import gluon, nd, autograd
        >>> net = gluon.nn.Dense(1, in_units=1, use_bias=False)
        >>> net.initialize(mx.init.Zero())
        >>> trainer = gluon.Trainer(net.collect_params(), 'sgd', {'learning_rate': 0.5})
        >>> with autograd.record():
        ...     y = net(nd.array([[2]]))
        >>> y.backward()
        >>> trainer.update(1)
        >>> net.weight.data().asnumpy()
        array([[-1.]], dtype=float32)
        """
        self._optimizer.rescale_grad = self._scale / batch_size
        self._update(ignore_stale_grad)

    def _update(self, ignore_stale_grad: bool = False) -> None:
        if not self._kv_initialized or self._params_to_init:
            self._init_kvstore()
        indices, grads, datas = [], [], []
        for i, param in enumerate(self._params):
            if param.grad_req == "null":
                continue
            for data, grad in zip(param.list_data(), param.list_grad()):
                fresh = getattr(data, "_fresh_grad", False)
                if not fresh and not ignore_stale_grad:
                    raise UserWarning(_STALE.format(param.name, data.context))
                if fresh:
                    indices.append(i)
                    grads.append(grad)
                    datas.append(data)
        # Checked everything first: a stale gradient leaves every parameter unchanged. One
        # updater call for all (as MXNet 1.9's Trainer makes), so the optimizer does its
        # per-call work once per step rather than once per parameter.
        if indices:
            self._updater(indices, grads, datas)
        for data in datas:
            data._fresh_grad = False

    def save_states(self, fname: str) -> None:
        """Save the optimizer's states (momentum...) and settings to ``fname`` (no pickle).

        The file is an ``.npz`` archive: the state arrays plus a JSON header.

        Parameters
        ----------
        fname : str
            Path of the file written.

        See Also
        --------
        Trainer.load_states, Block.save_parameters

        Examples
        --------
        >>> import os, tempfile
        >>> from minigluon import gluon
        >>> net = gluon.nn.Dense(1, in_units=1); net.initialize()
        >>> trainer = gluon.Trainer(net.collect_params(), 'adam', {'learning_rate': 0.1})
        >>> path = os.path.join(tempfile.mkdtemp(), 'trainer.states')
        >>> trainer.save_states(path)
        >>> other = gluon.Trainer(net.collect_params(), 'adam')
        >>> other.load_states(path)
        >>> other.learning_rate
        0.1
        """
        with open(fname, "wb") as f:
            f.write(self._updater.get_states(dump_optimizer=True))

    def load_states(self, fname: str) -> None:
        """Load optimizer states and settings written by :meth:`save_states`.

        Parameters
        ----------
        fname : str
            Path of the file read.

        See Also
        --------
        Trainer.save_states, Block.load_parameters

        Examples
        --------
        >>> import os, tempfile
        >>> from minigluon import gluon
        >>> net = gluon.nn.Dense(1, in_units=1); net.initialize()
        >>> trainer = gluon.Trainer(net.collect_params(), 'sgd', {'momentum': 0.9})
        >>> path = os.path.join(tempfile.mkdtemp(), 'trainer.states')
        >>> trainer.save_states(path)
        >>> fresh = gluon.Trainer(net.collect_params(), 'sgd')
        >>> fresh.load_states(path)
        >>> fresh.optimizer.momentum
        0.9
        """
        with open(fname, "rb") as f:
            self._updater.set_states(f.read())
        self._optimizer = self._updater.optimizer
        self._optimizer.param_dict = dict(enumerate(self._params))
