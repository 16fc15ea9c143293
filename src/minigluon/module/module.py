"""``Module``: train and run a Symbol whose arguments are data, labels and parameters
(MXNet 1.x's ``mx.mod.Module``, on one device)."""

from __future__ import annotations

import logging
from typing import Any

import numpy as np

from .. import initializer as init_mod
from .. import optimizer as opt
from ..base import MXNetError
from ..initializer import InitDesc
from ..io.base import DataDesc
from ..model import load_checkpoint, save_checkpoint
from ..ndarray.ndarray import NDArray
from .base_module import BaseModule
from .executor_group import DataParallelExecutorGroup, _descs

__all__ = ["Module"]


def _names(names: Any) -> list[str]:
    return [] if names is None else list(names)


class Module(BaseModule):
    """A Symbol with parameters, trained batch by batch or with :meth:`fit`.

    The symbol's arguments are split into data (``data_names``), labels (``label_names``),
    states (``state_names``) and the rest, the parameters, which the module owns: it creates,
    initializes and updates them.

    Parameters
    ----------
    symbol : Symbol
        Network graph whose outputs the module computes.
    data_names : list of str, default ('data',)
        Names of the graph's data inputs.
    label_names : list of str, default ('softmax_label',)
        None for a graph without labels.
    logger : logging.Logger, optional
        Where progress is logged; None uses the ``logging`` module.
    context : Context or list of Context, default cpu()
        Accepted as MXNet's; everything runs on the one CPU device.
    work_load_list : list, optional
        Accepted for MXNet compatibility.
    fixed_param_names : list of str, optional
        Parameters that are not updated.
    state_names : list of str, optional
        Arguments set by the user between batches (no gradient, not parameters).
    group2ctxs, compression_params : optional
        Accepted for MXNet compatibility.

    See Also
    --------
    BaseModule.fit, minigluon.io.NDArrayIter, minigluon.model.save_checkpoint

    Examples
    --------
    >>> import minigluon as mx
    >>> net = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=3,
    ...                                                  name='fc'), name='softmax')
    >>> m = mx.mod.Module(net)
    >>> m.bind(data_shapes=[('data', (4, 5))], label_shapes=[('softmax_label', (4,))])
    >>> m.init_params()
    >>> sorted(k for k in m.get_params()[0])
    ['fc_bias', 'fc_weight']
    >>> m.output_shapes
    [('softmax_output', (4, 3))]
    """

    def __init__(self, symbol: Any, data_names: Any = ("data",),
                 label_names: Any = ("softmax_label",), logger: Any = logging,
                 context: Any = None, work_load_list: Any = None,
                 fixed_param_names: Any = None, state_names: Any = None,
                 group2ctxs: Any = None, compression_params: Any = None) -> None:
        super().__init__(logger=logger)
        self._symbol = symbol
        self._context = context if isinstance(context, list) else [context]
        self._data_names = _names(data_names)
        self._label_names = _names(label_names)
        self._state_names = _names(state_names)
        self._fixed_param_names = _names(fixed_param_names)
        arg_names = symbol.list_arguments()
        inputs = self._data_names + self._label_names + self._state_names
        for kind, names in (("data", self._data_names), ("state", self._state_names),
                            ("fixed_param", self._fixed_param_names)):
            missing = [n for n in names if n not in arg_names]
            if missing:
                raise ValueError(f"Module: {kind} names {missing} are not arguments of the "
                                 f"symbol, whose arguments are {arg_names}")
        missing = [n for n in self._label_names if n not in arg_names]
        if missing:
            # MXNet only warns: a graph used for prediction may have lost its label input
            logging.warning("Module: label names %s are not arguments of the symbol", missing)
            self._label_names = [n for n in self._label_names if n in arg_names]
        self._param_names = [n for n in arg_names if n not in inputs]
        self._aux_names = symbol.list_auxiliary_states()
        self._output_names = symbol.list_outputs()
        self._arg_params: dict[str, NDArray] | None = None
        self._aux_params: dict[str, NDArray] | None = None
        self._params_dirty = False
        self._exec_group: DataParallelExecutorGroup | None = None
        self._optimizer: Any = None
        self._updater: Any = None
        self._preload_opt_states: str | None = None
        self._kvstore = None  # one device: no kvstore (attributes MXNet code reads)
        self._update_on_kvstore = None
        self._grad_req: Any = None
        self._data_shapes: list[DataDesc] = []
        self._label_shapes: list[DataDesc] | None = None

    # -- saving and loading ------------------------------------------------------------------
    @staticmethod
    def load(prefix: str, epoch: int, load_optimizer_states: bool = False,
             **kwargs: Any) -> Module:
        """A Module from ``prefix-symbol.json`` and ``prefix-%04d.params`` (bind it next).

        Parameters
        ----------
        prefix : str
            Path prefix of the checkpoint files.
        epoch : int
            Epoch number of ``prefix-%04d.params``.
        load_optimizer_states : bool, default False
            Also load ``prefix-%04d.states`` when the optimizer is initialized.
        **kwargs
            Passed to the constructor (``data_names``, ``label_names``...).

        Returns
        -------
        Module

        See Also
        --------
        save_checkpoint, minigluon.model.load_checkpoint

        Examples
        --------
        >>> import os, tempfile
        >>> from minigluon import mod, sym
        >>> m = mod.Module(sym.var('data') * sym.var('weight'), label_names=None)
        >>> m.bind([('data', (2,))]); m.init_params()
        >>> prefix = os.path.join(tempfile.mkdtemp(), 'm'); m.save_checkpoint(prefix, 1)
        >>> m2 = mod.Module.load(prefix, 1, label_names=None)
        >>> m2.bind([('data', (2,))]); list(m2.get_params()[0])
        ['weight']
        """
        symbol, args, auxs = load_checkpoint(prefix, epoch)
        mod = Module(symbol=symbol, **kwargs)
        mod._arg_params = args
        mod._aux_params = auxs
        mod.params_initialized = True
        if load_optimizer_states:
            mod._preload_opt_states = f"{prefix}-{epoch:04d}.states"
        return mod

    def save_checkpoint(self, prefix: str, epoch: int, save_optimizer_states: bool = False,
                        remove_amp_cast: bool = True) -> None:
        """Save the symbol, the parameters and (optionally) the optimizer states.

        Parameters
        ----------
        prefix : str
            Path prefix of the checkpoint files.
        epoch : int
            Epoch number of ``prefix-%04d.params``.
        save_optimizer_states : bool, default False
            Also write ``prefix-%04d.states``.
        remove_amp_cast : bool, default True
            Accepted for MXNet compatibility.

        See Also
        --------
        load, minigluon.model.save_checkpoint

        Examples
        --------
        >>> import os, tempfile
        >>> from minigluon import mod, sym
        >>> m = mod.Module(sym.var('data') * sym.var('weight'), label_names=None)
        >>> m.bind([('data', (2,))]); m.init_params()
        >>> d = tempfile.mkdtemp(); m.save_checkpoint(os.path.join(d, 'm'), 3)
        >>> sorted(os.listdir(d))
        ['m-0003.params', 'm-symbol.json']
        """
        arg_params, aux_params = self.get_params()
        save_checkpoint(prefix, epoch, self._symbol, arg_params, aux_params)
        if save_optimizer_states:
            self.save_optimizer_states(f"{prefix}-{epoch:04d}.states")

    # -- names and shapes --------------------------------------------------------------------
    @property
    def data_names(self) -> list[str]:
        """Names of the data inputs.

        See Also
        --------
        bind, Module

        Examples
        --------
        >>> import minigluon as mx
        >>> net = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=3),
        ...                            name='softmax')
        >>> m = mx.mod.Module(net)
        >>> m.bind([('data', (4, 5))], [('softmax_label', (4,))])
        >>> m.data_names
        ['data']
        """
        return self._data_names

    @property
    def label_names(self) -> list[str]:
        """Names of the label inputs.

        See Also
        --------
        bind, Module

        Examples
        --------
        >>> import minigluon as mx
        >>> net = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=3),
        ...                            name='softmax')
        >>> m = mx.mod.Module(net)
        >>> m.bind([('data', (4, 5))], [('softmax_label', (4,))])
        >>> m.label_names
        ['softmax_label']
        """
        return self._label_names

    @property
    def output_names(self) -> list[str]:
        """Names of the outputs.

        See Also
        --------
        bind, Module

        Examples
        --------
        >>> import minigluon as mx
        >>> net = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=3),
        ...                            name='softmax')
        >>> m = mx.mod.Module(net)
        >>> m.bind([('data', (4, 5))], [('softmax_label', (4,))])
        >>> m.output_names
        ['softmax_output']
        """
        return self._output_names

    @property
    def data_shapes(self) -> list[DataDesc]:
        """The bound data shapes.

        See Also
        --------
        bind, Module

        Examples
        --------
        >>> import minigluon as mx
        >>> net = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=3),
        ...                            name='softmax')
        >>> m = mx.mod.Module(net)
        >>> m.bind([('data', (4, 5))], [('softmax_label', (4,))])
        >>> m.data_shapes
        [DataDesc[data,(4, 5),<class 'numpy.float32'>,NCHW]]
        """
        self._check_binded()
        return self._data_shapes

    @property
    def label_shapes(self) -> list[DataDesc] | None:
        """The bound label shapes (None without labels).

        See Also
        --------
        bind, Module

        Examples
        --------
        >>> import minigluon as mx
        >>> net = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=3),
        ...                            name='softmax')
        >>> m = mx.mod.Module(net)
        >>> m.bind([('data', (4, 5))], [('softmax_label', (4,))])
        >>> m.label_shapes
        [DataDesc[softmax_label,(4,),<class 'numpy.float32'>,NCHW]]
        """
        self._check_binded()
        return self._label_shapes

    @property
    def output_shapes(self) -> list[tuple[str, tuple]]:
        """``(name, shape)`` of each output.

        See Also
        --------
        bind, Module

        Examples
        --------
        >>> import minigluon as mx
        >>> net = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=3),
        ...                            name='softmax')
        >>> m = mx.mod.Module(net)
        >>> m.bind([('data', (4, 5))], [('softmax_label', (4,))])
        >>> m.output_shapes
        [('softmax_output', (4, 3))]
        """
        self._check_binded()
        return [(n, o.shape) for n, o in zip(self._output_names,
                                             self._exec_group.execs[0].outputs)]

    def _check_binded(self) -> None:
        if not self.binded:
            raise MXNetError("call bind before this")

    # -- parameters --------------------------------------------------------------------------
    def get_params(self) -> tuple[dict, dict]:
        """Copies of the current ``(arg_params, aux_params)``.

        Returns
        -------
        tuple of dict

        See Also
        --------
        set_params, init_params

        Examples
        --------
        >>> import minigluon as mx
        >>> m = mx.mod.Module(mx.sym.var('data') * mx.sym.var('weight'), label_names=None)
        >>> m.bind([('data', (2,))]); m.init_params(mx.init.One())
        >>> m.get_params()[0]['weight'].asnumpy()
        array([1., 1.], dtype=float32)
        """
        if not (self.binded and self.params_initialized):
            raise MXNetError("get_params: bind the module and initialize its parameters first")
        if self._params_dirty:
            self._sync_params_from_devices()
        return dict(self._arg_params), dict(self._aux_params)

    def init_params(self, initializer: Any = None, arg_params: dict | None = None,
                    aux_params: dict | None = None, allow_missing: bool = False,
                    force_init: bool = False, allow_extra: bool = False) -> None:
        """Create and initialize the parameters (values from ``arg_params``/``aux_params``
        first, ``initializer`` for the rest).

        Parameters
        ----------
        initializer : Initializer, default ``Uniform(0.01)``
            A variable's ``__init__`` attribute (``sym.var(..., init=...)``) wins over it.
        arg_params, aux_params : dict of str to NDArray, optional
            Initial values by name; other parameters use ``initializer``.
        allow_missing : bool, default False
            Initialize parameters missing from ``arg_params`` (else ValueError).
        force_init : bool, default False
            Re-initialize already initialized parameters.
        allow_extra : bool, default False
            Ignore names in ``arg_params`` the module does not have.

        See Also
        --------
        set_params, get_params

        Examples
        --------
        >>> import minigluon as mx
        >>> m = mx.mod.Module(mx.sym.var('data') * mx.sym.var('w', init=mx.init.Constant(3)),
        ...                   label_names=None)
        >>> m.bind([('data', (2,))]); m.init_params()
        >>> m.get_params()[0]['w'].asnumpy()
        array([3., 3.], dtype=float32)
        """
        if self.params_initialized and not force_init:
            if arg_params is None and aux_params is None:
                self._exec_group.set_params(self._arg_params, self._aux_params)
            return
        self._check_binded()
        initializer = initializer if initializer is not None else init_mod.Uniform(0.01)
        ex = self._exec_group.execs[0]
        attrs = self._symbol.attr_dict()
        if self._arg_params is None or force_init:
            self._arg_params = {n: NDArray(np.zeros(ex.arg_dict[n].shape,
                                                    ex.arg_dict[n]._data.dtype))
                                for n in self._param_names}
            self._aux_params = {n: NDArray(np.zeros(a.shape, a._data.dtype))
                                for n, a in ex.aux_dict.items()}

        def fill(name: str, arr: NDArray, given: dict | None) -> None:
            if given is not None and name in given:
                if given[name] is not arr:
                    arr[:] = given[name]
                return
            if given is not None and not allow_missing:
                raise RuntimeError(f"{name} is not presented")
            initializer(InitDesc(name, attrs.get(name, {})), arr)

        for name, arr in sorted(self._arg_params.items()):
            fill(name, arr, arg_params)
        for name, arr in sorted(self._aux_params.items()):
            fill(name, arr, aux_params)
        if not allow_extra:
            for given, known in ((arg_params, self._arg_params),
                                 (aux_params, self._aux_params)):
                extra = [k for k in (given or {}) if k not in known]
                if extra:
                    raise ValueError(f"init_params: {extra} are not parameters of the module; "
                                     "pass allow_extra=True to ignore them")
        self.params_initialized = True
        self._params_dirty = False
        self._exec_group.set_params(self._arg_params, self._aux_params,
                                    allow_extra=allow_extra)

    def set_params(self, arg_params: dict, aux_params: dict, allow_missing: bool = False,
                   force_init: bool = True, allow_extra: bool = False) -> None:
        """Set parameter values (initializing the module's parameters if needed).

        Parameters
        ----------
        arg_params, aux_params : dict of str to NDArray
            Values of the arguments and auxiliary states, by name.
        allow_missing : bool, default False
            If True, names missing from the dicts keep their values.
        force_init : bool, default True
            If True, overwrite parameters already initialized.
        allow_extra : bool, default False
            If True, names the module does not have are ignored; otherwise they raise.

        See Also
        --------
        get_params, init_params

        Examples
        --------
        >>> from minigluon import mod, sym, nd
        >>> m = mod.Module(sym.var('data') * sym.var('weight'), label_names=None)
        >>> m.bind([('data', (2,))]); m.set_params({'weight': nd.array([2, 3])}, {})
        >>> m.get_params()[0]['weight'].asnumpy()
        array([2., 3.], dtype=float32)
        """
        if not allow_missing:
            self.init_params(initializer=None, arg_params=arg_params, aux_params=aux_params,
                             allow_missing=allow_missing, force_init=force_init,
                             allow_extra=allow_extra)
            return
        if self.params_initialized and not force_init:
            return
        self._exec_group.set_params(arg_params, aux_params, allow_extra=allow_extra)
        self._params_dirty = True
        self.params_initialized = True

    def _sync_params_from_devices(self) -> None:
        self._exec_group.get_params(self._arg_params, self._aux_params)
        self._params_dirty = False

    # -- binding -----------------------------------------------------------------------------
    def bind(self, data_shapes: Any, label_shapes: Any = None, for_training: bool = True,
             inputs_need_grad: bool = False, force_rebind: bool = False,
             shared_module: Module | None = None, grad_req: Any = "write") -> None:
        """Allocate the executor for these input shapes.

        Parameters
        ----------
        data_shapes : list of DataDesc or list of tuple
            ``(name, shape)`` pairs also work.
        label_shapes : list of DataDesc or list of tuple, optional
            Names and shapes of the label inputs; None for prediction only.
        for_training : bool, default True
            Allocate gradients (needed by ``backward``).
        inputs_need_grad : bool, default False
            Also compute the data inputs' gradients (``get_input_grads``).
        force_rebind : bool, default False
            Bind again even if already bound.
        shared_module : Module, optional
            Share its parameters.
        grad_req : str or dict, default 'write'
            ``'write'``, ``'add'`` or ``'null'``, for all arguments or by name.

        See Also
        --------
        init_params, reshape

        Examples
        --------
        >>> from minigluon import mod, sym
        >>> m = mod.Module(sym.var('data') * 2, label_names=None)
        >>> m.bind([('data', (3,))]); m.binded
        True
        """
        if force_rebind:
            self._reset_bind()
        if self.binded:
            self.logger.warning("Already bound, ignoring bind()")
            return
        self.for_training = for_training
        self.inputs_need_grad = inputs_need_grad
        self._grad_req = grad_req
        data = _descs(data_shapes)
        labels = _descs(label_shapes) if label_shapes else None
        given = [d.name for d in data]
        if sorted(given) != sorted(self._data_names):
            raise ValueError(f"bind: data_shapes names {given} do not match data_names "
                             f"{self._data_names}")
        if labels is not None and self._label_names:
            names = [d.name for d in labels]
            if sorted(names) != sorted(self._label_names):
                raise ValueError(f"bind: label_shapes names {names} do not match label_names "
                                 f"{self._label_names}")
        shared_group = None
        if shared_module is not None:
            if not (shared_module.binded and shared_module.params_initialized):
                raise MXNetError("shared_module must be bound and initialized")
            shared_group = shared_module._exec_group
        self._exec_group = DataParallelExecutorGroup(
            self._symbol, self._context, None, data, labels, self._param_names, for_training,
            inputs_need_grad, shared_group, self.logger, self._fixed_param_names, grad_req,
            self._state_names)
        self._data_shapes, self._label_shapes = data, labels
        self.binded = True
        if shared_module is not None:
            self.params_initialized = True
            self._arg_params, self._aux_params = shared_module._arg_params, \
                shared_module._aux_params
        elif self.params_initialized:
            self._exec_group.set_params(self._arg_params, self._aux_params)

    def _reset_bind(self) -> None:
        self.binded = False
        self._exec_group = None
        self._data_shapes, self._label_shapes = [], None

    def reshape(self, data_shapes: Any, label_shapes: Any = None) -> None:
        """Re-bind for new input shapes (a new batch size), keeping the parameters.

        Parameters
        ----------
        data_shapes : list of DataDesc or list of tuple
            ``(name, shape)`` pairs also work.
        label_shapes : list of DataDesc or list of tuple, optional
            Names and shapes of the label inputs.

        See Also
        --------
        bind

        Examples
        --------
        >>> from minigluon import mod, sym
        >>> m = mod.Module(sym.var('data') * 2, label_names=None)
        >>> m.bind([('data', (3,))]); m.init_params(); m.reshape([('data', (5,))])
        >>> m.output_shapes[0][1]
        (5,)
        """
        self._check_binded()
        self._exec_group.reshape(data_shapes, label_shapes)
        self._data_shapes = self._exec_group.data_shapes
        self._label_shapes = self._exec_group.label_shapes

    # -- optimizer ---------------------------------------------------------------------------
    def init_optimizer(self, kvstore: Any = "local", optimizer: Any = "sgd",
                       optimizer_params: Any = (("learning_rate", 0.01),),
                       force_init: bool = False) -> None:
        """Create the optimizer (gradients rescaled by ``1 / batch_size``) and its updater.

        Parameters
        ----------
        kvstore : str, default 'local'
            Accepted for MXNet compatibility.
        optimizer : str or Optimizer, default 'sgd'
            Optimizer or its registered name.
        optimizer_params : dict or pairs, default ``(('learning_rate', 0.01),)``
            Arguments of the optimizer when it is made by name.
        force_init : bool, default False
            If True, replace an optimizer already set.

        See Also
        --------
        update, minigluon.optimizer.create

        Examples
        --------
        >>> from minigluon import mod, sym
        >>> m = mod.Module(sym.var('data') * sym.var('weight'), label_names=None)
        >>> m.bind([('data', (2,))]); m.init_params()
        >>> m.init_optimizer(optimizer='adam'); type(m._optimizer).__name__
        'Adam'
        """
        if not (self.binded and self.params_initialized):
            raise MXNetError("init_optimizer: bind and initialize the parameters first")
        if self.optimizer_initialized and not force_init:
            self.logger.warning("optimizer already initialized, ignoring...")
            return
        idx2name = dict(enumerate(self._param_names))
        if isinstance(optimizer, str):
            params = dict(optimizer_params)
            params.setdefault("rescale_grad", 1.0 / max(self._exec_group.batch_size, 1))
            optimizer = opt.create(optimizer, param_idx2name=idx2name, **params)
        elif isinstance(optimizer, opt.Optimizer):
            if not optimizer.idx2name:
                optimizer.idx2name = idx2name.copy()
        else:
            raise TypeError(f"optimizer must be a name or an Optimizer, got {optimizer!r}")
        self._set_mults(optimizer)
        self._optimizer = optimizer
        self._updater = opt.get_updater(optimizer)
        self.optimizer_initialized = True
        if self._preload_opt_states is not None:
            self.load_optimizer_states(self._preload_opt_states)
            self._preload_opt_states = None

    def _set_mults(self, optimizer: Any) -> None:
        """Per-parameter lr/wd multipliers from the variables' ``__lr_mult__``/``__wd_mult__``."""
        attrs = self._symbol.attr_dict()
        lr, wd = {}, {}
        for name in self._param_names:
            a = attrs.get(name, {})
            if "__lr_mult__" in a:
                lr[name] = float(a["__lr_mult__"])
            if "__wd_mult__" in a:
                wd[name] = float(a["__wd_mult__"])
        if lr:
            optimizer.set_lr_mult(lr)
        if wd:
            optimizer.set_wd_mult(wd)

    def borrow_optimizer(self, shared_module: Module) -> None:
        """Use another module's optimizer and updater.

        Parameters
        ----------
        shared_module : Module
            Module whose optimizer and updater are shared.

        See Also
        --------
        init_optimizer

        Examples
        --------
        >>> from minigluon import mod, sym
        >>> a = mod.Module(sym.var('data') * sym.var('weight'), label_names=None)
        >>> a.bind([('data', (2,))]); a.init_params(); a.init_optimizer()
        >>> b = mod.Module(sym.var('data') * sym.var('weight'), label_names=None)
        >>> b.borrow_optimizer(a); b.optimizer_initialized
        True
        """
        if not shared_module.optimizer_initialized:
            raise MXNetError("borrow_optimizer: the other module has no optimizer")
        self._optimizer = shared_module._optimizer
        self._updater = shared_module._updater
        self.optimizer_initialized = True

    def save_optimizer_states(self, fname: str) -> None:
        """Write the optimizer states to ``fname``.

        Parameters
        ----------
        fname : str
            Path of the file written.

        See Also
        --------
        load_optimizer_states

        Examples
        --------
        >>> import os, tempfile
        >>> from minigluon import mod, sym
        >>> m = mod.Module(sym.var('data') * sym.var('weight'), label_names=None)
        >>> m.bind([('data', (2,))]); m.init_params(); m.init_optimizer()
        >>> path = os.path.join(tempfile.mkdtemp(), 's'); m.save_optimizer_states(path)
        >>> m.load_optimizer_states(path)
        """
        if not self.optimizer_initialized:
            raise MXNetError("save_optimizer_states: initialize the optimizer first")
        with open(fname, "wb") as f:
            f.write(self._updater.get_states(dump_optimizer=False))

    def load_optimizer_states(self, fname: str) -> None:
        """Read optimizer states written by :meth:`save_optimizer_states`.

        Parameters
        ----------
        fname : str
            Path of the file read.

        See Also
        --------
        save_optimizer_states

        Examples
        --------
        >>> import os, tempfile
        >>> from minigluon import mod, sym
        >>> m = mod.Module(sym.var('data') * sym.var('weight'), label_names=None)
        >>> m.bind([('data', (2,))]); m.init_params(); m.init_optimizer()
        >>> path = os.path.join(tempfile.mkdtemp(), 's'); m.save_optimizer_states(path)
        >>> m.load_optimizer_states(path)
        """
        if not self.optimizer_initialized:
            raise MXNetError("load_optimizer_states: initialize the optimizer first")
        with open(fname, "rb") as f:
            self._updater.set_states(f.read())

    # -- running batches ---------------------------------------------------------------------
    def forward(self, data_batch: Any, is_train: bool | None = None) -> None:
        """Run a batch (re-binding first if its shapes differ from the bound ones).

        Parameters
        ----------
        data_batch : DataBatch
            The batch to run.
        is_train : bool, optional
            Default: ``for_training``.

        See Also
        --------
        backward, get_outputs

        Examples
        --------
        >>> from minigluon import mod, sym, io, nd
        >>> m = mod.Module(sym.var('data') * 2, label_names=None)
        >>> m.bind([('data', (2,))]); m.init_params()
        >>> m.forward(io.DataBatch([nd.array([1, 2, 3])])); m.get_outputs()[0].asnumpy()
        array([2., 4., 6.], dtype=float32)
        """
        if not (self.binded and self.params_initialized):
            raise MXNetError("forward: bind the module and initialize its parameters first")
        shapes = [tuple(a.shape) for a in data_batch.data]
        bound = [d.shape for d in self._data_shapes]
        if shapes != bound:
            new_data = [DataDesc(d.name, s, d.dtype, d.layout)
                        for d, s in zip(self._data_shapes, shapes)]
            new_label = None
            if self._label_shapes is not None and data_batch.label:
                new_label = [DataDesc(d.name, tuple(a.shape), d.dtype, d.layout)
                             for d, a in zip(self._label_shapes, data_batch.label)]
            elif self._label_shapes is not None:
                new_label = [DataDesc(d.name, (shapes[0][0], *d.shape[1:]), d.dtype, d.layout)
                             for d in self._label_shapes]
            self.reshape(new_data, new_label)
        self._exec_group.forward(data_batch, is_train)

    def backward(self, out_grads: Any = None) -> None:
        """Back-propagate through the last forward.

        Parameters
        ----------
        out_grads : NDArray or list of NDArray, optional
            Head gradients (not needed for loss outputs such as SoftmaxOutput).

        See Also
        --------
        forward, update

        Examples
        --------
        >>> from minigluon import mod, sym, io, nd
        >>> m = mod.Module(sym.var('data') * 2, label_names=None)
        >>> m.bind([('data', (2,))], inputs_need_grad=True); m.init_params()
        >>> m.forward(io.DataBatch([nd.ones(2)])); m.backward([nd.ones(2)])
        >>> m.get_input_grads()[0].asnumpy()
        array([2., 2.], dtype=float32)
        """
        if not (self.binded and self.params_initialized):
            raise MXNetError("backward: bind the module and initialize its parameters first")
        self._exec_group.backward(out_grads)

    def update(self) -> None:
        """Apply the optimizer to every parameter with its gradient.

        See Also
        --------
        init_optimizer, backward

        Examples
        --------
        >>> import minigluon as mx
        >>> m = mx.mod.Module(mx.sym.MakeLoss(mx.sym.var('data') * mx.sym.var('weight')),
        ...                   label_names=None)
        >>> m.bind([('data', (1,))]); m.init_params(mx.init.One())
        >>> m.init_optimizer(optimizer_params={'learning_rate': 0.25, 'rescale_grad': 1})
        >>> m.forward_backward(mx.io.DataBatch([mx.nd.array([2])])); m.update()
        >>> m.get_params()[0]['weight'].asnumpy()
        array([0.5], dtype=float32)
        """
        if not (self.binded and self.params_initialized and self.optimizer_initialized):
            raise MXNetError("update: bind, initialize the parameters and the optimizer first")
        self._params_dirty = True
        group = self._exec_group
        for i, (weights, grads) in enumerate(zip(group.param_arrays, group.grad_arrays)):
            if grads[0] is None:
                continue
            self._updater(i, grads[0], weights[0])

    def get_outputs(self, merge_multi_context: bool = True) -> list:
        """The outputs of the last forward.

        Parameters
        ----------
        merge_multi_context : bool, default True
            Else one list per output (over the one device).

        Returns
        -------
        list of NDArray

        See Also
        --------
        forward

        Examples
        --------
        >>> from minigluon import mod, sym, io, nd
        >>> m = mod.Module(sym.var('data') + 1, label_names=None)
        >>> m.bind([('data', (1,))]); m.init_params()
        >>> m.forward(io.DataBatch([nd.array([1])])); m.get_outputs()[0].asnumpy()
        array([2.], dtype=float32)
        """
        self._check_binded()
        return self._exec_group.get_outputs(merge_multi_context)

    def get_input_grads(self, merge_multi_context: bool = True) -> list:
        """The gradients of the data inputs (bind with ``inputs_need_grad=True``).

        Parameters
        ----------
        merge_multi_context : bool, default True
            Merge the per-device results into one array per input.

        Returns
        -------
        list of NDArray

        See Also
        --------
        backward

        Examples
        --------
        >>> from minigluon import mod, sym, io, nd
        >>> m = mod.Module(sym.var('data') * 3, label_names=None)
        >>> m.bind([('data', (1,))], inputs_need_grad=True); m.init_params()
        >>> m.forward(io.DataBatch([nd.ones(1)])); m.backward([nd.ones(1)])
        >>> m.get_input_grads()[0].asnumpy()
        array([3.], dtype=float32)
        """
        self._check_binded()
        return self._exec_group.get_input_grads(merge_multi_context)

    def get_states(self, merge_multi_context: bool = True) -> list:
        """The state arrays (``state_names``).

        Parameters
        ----------
        merge_multi_context : bool, default True
            Merge the per-device results into one array per state.

        Returns
        -------
        list of NDArray

        See Also
        --------
        set_states

        Examples
        --------
        >>> from minigluon import mod, sym
        >>> m = mod.Module(sym.var('data') + sym.var('s'), label_names=None, state_names=['s'])
        >>> m.bind([('data', (2,))]); m.init_params(); m.set_states(value=1)
        >>> m.get_states()[0].asnumpy()
        array([1., 1.], dtype=float32)
        """
        self._check_binded()
        d = self._exec_group.execs[0].arg_dict
        states = [d[n] for n in self._state_names]
        return states if merge_multi_context else [[s] for s in states]

    def set_states(self, states: Any = None, value: Any = None) -> None:
        """Set the state arrays from ``states`` (one per state) or to the scalar ``value``.

        Parameters
        ----------
        states : list of NDArray, optional
            New values of the states.
        value : float, optional
            A scalar every state is set to (instead of ``states``).

        See Also
        --------
        get_states

        Examples
        --------
        >>> from minigluon import mod, sym, nd
        >>> m = mod.Module(sym.var('data') + sym.var('s'), label_names=None, state_names=['s'])
        >>> m.bind([('data', (2,))]); m.init_params(); m.set_states([nd.array([4, 5])])
        >>> m.get_states()[0].asnumpy()
        array([4., 5.], dtype=float32)
        """
        self._check_binded()
        if (states is None) == (value is None):
            raise ValueError("set_states: give exactly one of states and value")
        d = self._exec_group.execs[0].arg_dict
        for i, name in enumerate(self._state_names):
            if states is not None:
                s = states[i]
                d[name][:] = s[0] if isinstance(s, list) else s
            else:
                d[name][:] = value

    def update_metric(self, eval_metric: Any, labels: Any, pre_sliced: bool = False) -> None:
        """Update ``eval_metric`` with ``labels`` and the last outputs.

        Parameters
        ----------
        eval_metric : EvalMetric
            Metric to update.
        labels : list of NDArray
            Labels of the batch the outputs came from.
        pre_sliced : bool, default False
            Whether the labels are already split per device.

        See Also
        --------
        BaseModule.score

        Examples
        --------
        >>> from minigluon import mod, sym, io, nd, metric
        >>> m = mod.Module(sym.var('data') * 1, label_names=None)
        >>> m.bind([('data', (2, 2))], for_training=False); m.init_params()
        >>> m.forward(io.DataBatch([nd.array([[0, 1], [1, 0]])]))
        >>> acc = metric.Accuracy(); m.update_metric(acc, [nd.array([1, 0])]); acc.get()
        ('accuracy', 1.0)
        """
        self._exec_group.update_metric(eval_metric, labels, pre_sliced)

    def install_monitor(self, mon: Any) -> None:
        """Attach a monitor (``mon.install(executor)``) to the executor.

        Parameters
        ----------
        mon : object with ``install(executor)``
            Monitor that records the executor's outputs.

        See Also
        --------
        minigluon.symbol.Executor.set_monitor_callback

        Examples
        --------
        >>> from minigluon import mod, sym
        >>> class Mon:
        ...     def install(self, exe):
        ...         print(type(exe).__name__)
        >>> m = mod.Module(sym.var('data') * 2, label_names=None)
        >>> m.bind([('data', (2,))]); m.install_monitor(Mon())
        Executor
        """
        self._check_binded()
        for exe in self._exec_group.execs:
            mon.install(exe)

    def prepare(self, data_batch: Any, sparse_row_id_fn: Any = None) -> None:
        """Nothing to prepare on one device (MXNet pulls sparse rows from a kvstore here).

        Parameters
        ----------
        data_batch : DataBatch
            The next batch.
        sparse_row_id_fn : optional
            Accepted for MXNet compatibility (sparse storage is not implemented).

        See Also
        --------
        forward

        Examples
        --------
        >>> from minigluon import mod, sym
        >>> mod.Module(sym.var('data'), label_names=None).prepare(None)
        """
