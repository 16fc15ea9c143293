"""``DataParallelExecutorGroup``: the executor a Module runs, on its one device.

MXNet splits each batch over several devices, one executor per device; minigluon has one CPU
device, so a group holds one executor and every per-device list has one entry (the layout
MXNet's callers index: ``param_arrays[i][device]``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..base import MXNetError
from ..io.base import DataDesc
from ..ndarray.ndarray import NDArray

__all__ = ["DataParallelExecutorGroup"]


def _descs(shapes: Any) -> list[DataDesc]:
    """``DataDesc``s from DataDescs or ``(name, shape)`` pairs, checking each shape."""
    out = []
    for item in shapes or []:
        desc = item if isinstance(item, DataDesc) else DataDesc(*item)
        if not isinstance(desc.shape, tuple) or not all(
                isinstance(d, (int, np.integer)) for d in desc.shape):
            raise TypeError(f"The shape of input '{desc.name}' must be a tuple of ints, got "
                            f"{desc.shape!r}")
        out.append(desc)
    return out


class DataParallelExecutorGroup:
    """One executor for a Module's symbol with the given data and label shapes.

    Parameters
    ----------
    symbol : Symbol
    contexts : list of Context
        Accepted as MXNet's (one device runs everything).
    workload : list, optional
        Accepted for MXNet compatibility.
    data_shapes, label_shapes : list of DataDesc or list of tuple
            ``(name, shape)`` pairs also work.
    param_names : list of str
        Arguments that are parameters.
    for_training : bool
    inputs_need_grad : bool
        Also compute the gradients of the data inputs.
    shared_group : DataParallelExecutorGroup, optional
        Share parameter arrays with it.
    logger : optional
    fixed_param_names : list of str, optional
        Parameters that get no gradient.
    grad_req : str or dict, default 'write'
    state_names : list of str, optional
        Arguments that are states (set by the user, no gradient).

    See Also
    --------
    minigluon.module.Module

    Examples
    --------
    >>> from minigluon import sym
    >>> from minigluon.module.executor_group import DataParallelExecutorGroup
    >>> net = sym.FullyConnected(sym.var('data'), num_hidden=2, name='fc')
    >>> group = DataParallelExecutorGroup(net, [None], None, [('data', (4, 3))], None,
    ...                                   ['fc_weight', 'fc_bias'], True, False)
    >>> [a[0].shape for a in group.param_arrays]
    [(2, 3), (2,)]
    """

    def __init__(self, symbol: Any, contexts: Any, workload: Any, data_shapes: Any,
                 label_shapes: Any, param_names: list[str], for_training: bool,
                 inputs_need_grad: bool, shared_group: Any = None, logger: Any = None,
                 fixed_param_names: Any = None, grad_req: Any = "write",
                 state_names: Any = None, group2ctxs: Any = None) -> None:
        self.symbol = symbol
        self.contexts = contexts
        self.param_names = list(param_names)
        self.arg_names = symbol.list_arguments()
        self.aux_names = symbol.list_auxiliary_states()
        self.for_training = for_training
        self.inputs_need_grad = inputs_need_grad
        self.fixed_param_names = list(fixed_param_names or [])
        self.state_names = list(state_names or [])
        self.grad_req = grad_req
        self.shared_group = shared_group
        self.execs: list[Any] = []
        self.bind_exec(data_shapes, label_shapes, shared_group)

    def _grad_reqs(self, data_names: list[str]) -> dict[str, str]:
        reqs = {}
        for name in self.arg_names:
            if not self.for_training:
                req = "null"
            elif name in self.param_names:
                req = "null" if name in self.fixed_param_names else (
                    self.grad_req.get(name, "write") if isinstance(self.grad_req, dict)
                    else self.grad_req)
            elif name in data_names:
                req = "write" if self.inputs_need_grad else "null"
            else:
                req = "null"
            reqs[name] = req
        return reqs

    def bind_exec(self, data_shapes: Any, label_shapes: Any, shared_group: Any = None,
                  reshape: bool = False) -> None:
        """(Re)create the executor for these shapes, keeping parameter arrays where shared.

        Parameters
        ----------
        data_shapes, label_shapes : list of DataDesc or list of tuple
            ``(name, shape)`` pairs also work.
        shared_group : DataParallelExecutorGroup, optional
        reshape : bool, default False
            Reuse this group's own arrays where their shapes stay.

        See Also
        --------
        reshape

        Examples
        --------
        >>> from minigluon import sym
        >>> from minigluon.module.executor_group import DataParallelExecutorGroup
        >>> g = DataParallelExecutorGroup(sym.var('data') * 2, [None], None,
        ...                               [('data', (2,))], None, [], False, False)
        >>> g.bind_exec([('data', (5,))], None)
        >>> g.data_shapes
        [DataDesc[data,(5,),<class 'numpy.float32'>,NCHW]]
        """
        self.data_shapes = _descs(data_shapes)
        self.label_shapes = _descs(label_shapes) if label_shapes else None
        self.data_names = [d.name for d in self.data_shapes]
        self.label_names = [d.name for d in self.label_shapes or []]
        shapes = {d.name: d.shape for d in self.data_shapes + (self.label_shapes or [])}
        types = {d.name: d.dtype for d in self.data_shapes + (self.label_shapes or [])}
        unknown = [n for n in shapes if n not in self.arg_names + self.aux_names]
        if unknown:
            raise ValueError(f"inputs {unknown} are not arguments of the symbol "
                             f"({self.arg_names})")
        shared_buffer: dict[str, NDArray] = {}
        source = shared_group if shared_group is not None else (self if reshape else None)
        if source is not None and source.execs:
            ex = source.execs[0]
            shared_buffer.update({n: a for n, a in ex.arg_dict.items()
                                  if n in self.param_names or n in self.state_names})
            shared_buffer.update(ex.aux_dict)
        exe = self.symbol.simple_bind(None, grad_req=self._grad_reqs(self.data_names),
                                      type_dict=types, shared_buffer=shared_buffer, **shapes)
        if source is not None and source.execs:
            old = source.execs[0]
            for name, g in exe.grad_dict.items():
                if name in old.grad_dict and old.grad_dict[name].shape == g.shape:
                    exe.grad_arrays[self.arg_names.index(name)] = old.grad_dict[name]
        self.execs = [exe]
        self.batch_size = self.data_shapes[0].shape[0] if self.data_shapes else 0

    def reshape(self, data_shapes: Any, label_shapes: Any) -> None:
        """Rebind for new input shapes, keeping the parameters.

        Parameters
        ----------
        data_shapes, label_shapes : list of DataDesc or list of tuple
            ``(name, shape)`` pairs also work.

        See Also
        --------
        bind_exec

        Examples
        --------
        >>> from minigluon import sym
        >>> from minigluon.module.executor_group import DataParallelExecutorGroup
        >>> g = DataParallelExecutorGroup(sym.var('data') * 2, [None], None,
        ...                               [('data', (2,))], None, [], False, False)
        >>> g.reshape([('data', (3,))], None); g.execs[0].outputs[0].shape
        (3,)
        """
        self.bind_exec(data_shapes, label_shapes, reshape=True)

    # -- arrays, as lists over devices -------------------------------------------------------
    @property
    def param_arrays(self) -> list[list[NDArray]]:
        """Per parameter, its array on each device."""
        d = self.execs[0].arg_dict
        return [[d[n]] for n in self.param_names]

    @property
    def grad_arrays(self) -> list[list[NDArray]]:
        """Per parameter, its gradient on each device (``[None]`` when it has none)."""
        d = self.execs[0].grad_dict
        return [[d.get(n)] for n in self.param_names]

    @property
    def aux_arrays(self) -> list[list[NDArray]]:
        """Per auxiliary state, its array on each device."""
        return [[a] for a in self.execs[0].aux_arrays]

    @property
    def data_arrays(self) -> list[list[tuple[slice, NDArray]]]:
        """Per data input, ``(batch slice, array)`` on each device."""
        d = self.execs[0].arg_dict
        return [[(slice(0, self.batch_size), d[n])] for n in self.data_names]

    @property
    def label_arrays(self) -> list[list[tuple[slice, NDArray]]]:
        """Per label input, ``(batch slice, array)`` on each device."""
        d = self.execs[0].arg_dict
        return [[(slice(0, self.batch_size), d[n])] for n in self.label_names]

    @property
    def input_grad_arrays(self) -> list[list[NDArray]]:
        """Per data input, its gradient on each device (with ``inputs_need_grad``)."""
        d = self.execs[0].grad_dict
        return [[d[n]] for n in self.data_names if n in d]

    # -- running -----------------------------------------------------------------------------
    def set_params(self, arg_params: dict, aux_params: dict, allow_extra: bool = False) -> None:
        """Copy parameter values into the executor.

        Parameters
        ----------
        arg_params, aux_params : dict of str to NDArray
        allow_extra : bool, default False

        See Also
        --------
        get_params

        Examples
        --------
        >>> from minigluon import sym, nd
        >>> from minigluon.module.executor_group import DataParallelExecutorGroup
        >>> g = DataParallelExecutorGroup(sym.var('data') * sym.var('w'), [None], None,
        ...                               [('data', (2,))], None, ['w'], False, False)
        >>> g.set_params({'w': nd.array([1, 2])}, {}); g.param_arrays[0][0].asnumpy()
        array([1., 2.], dtype=float32)
        """
        self.execs[0].copy_params_from(arg_params, aux_params, allow_extra_params=allow_extra)

    def get_params(self, arg_params: dict, aux_params: dict) -> None:
        """Copy the executor's parameter values into ``arg_params`` and ``aux_params``.

        Parameters
        ----------
        arg_params, aux_params : dict of str to NDArray
            Updated in place (arrays of matching names are overwritten).

        See Also
        --------
        set_params

        Examples
        --------
        >>> from minigluon import sym, nd
        >>> from minigluon.module.executor_group import DataParallelExecutorGroup
        >>> g = DataParallelExecutorGroup(sym.var('data') * sym.var('w'), [None], None,
        ...                               [('data', (2,))], None, ['w'], False, False)
        >>> args = {'w': nd.ones(2)}; g.get_params(args, {}); args['w'].asnumpy()
        array([0., 0.], dtype=float32)
        """
        ex = self.execs[0]
        for name in self.param_names:
            arg_params[name] = ex.arg_dict[name].copy()
        for name, arr in ex.aux_dict.items():
            aux_params[name] = arr.copy()

    def forward(self, data_batch: Any, is_train: bool | None = None) -> None:
        """Load a batch into the executor and run it.

        Parameters
        ----------
        data_batch : DataBatch
        is_train : bool, optional
            Default: ``for_training``.

        See Also
        --------
        backward, get_outputs

        Examples
        --------
        >>> from minigluon import sym, nd, io
        >>> from minigluon.module.executor_group import DataParallelExecutorGroup
        >>> g = DataParallelExecutorGroup(sym.var('data') * 2, [None], None,
        ...                               [('data', (2,))], None, [], False, False)
        >>> g.forward(io.DataBatch([nd.array([1, 2])])); g.get_outputs()[0].asnumpy()
        array([2., 4.], dtype=float32)
        """
        if is_train is None:
            is_train = self.for_training
        ex = self.execs[0]
        for name, arr in zip(self.data_names, data_batch.data):
            ex.arg_dict[name][:] = arr
        if self.label_names and data_batch.label:
            for name, arr in zip(self.label_names, data_batch.label):
                ex.arg_dict[name][:] = arr
        ex.forward(is_train=is_train)

    def backward(self, out_grads: Any = None) -> None:
        """Back-propagate through the last forward.

        Parameters
        ----------
        out_grads : list of NDArray, optional

        See Also
        --------
        forward

        Examples
        --------
        >>> from minigluon import sym, nd, io
        >>> from minigluon.module.executor_group import DataParallelExecutorGroup
        >>> g = DataParallelExecutorGroup(sym.var('data') * 2, [None], None,
        ...                               [('data', (2,))], None, [], True, True)
        >>> g.forward(io.DataBatch([nd.array([1, 2])])); g.backward([nd.ones(2)])
        >>> g.input_grad_arrays[0][0].asnumpy()
        array([2., 2.], dtype=float32)
        """
        if not self.for_training:
            raise MXNetError("re-bind with for_training=True to run backward")
        self.execs[0].backward(out_grads)

    def get_outputs(self, merge_multi_context: bool = True, begin: int = 0,
                    end: int | None = None) -> list:
        """The outputs of the last forward (a list per output over devices if not merged).

        Parameters
        ----------
        merge_multi_context : bool, default True
        begin, end : int
            Which outputs.

        Returns
        -------
        list

        See Also
        --------
        forward

        Examples
        --------
        >>> from minigluon import sym, nd, io
        >>> from minigluon.module.executor_group import DataParallelExecutorGroup
        >>> g = DataParallelExecutorGroup(sym.var('data') + 1, [None], None,
        ...                               [('data', (1,))], None, [], False, False)
        >>> g.forward(io.DataBatch([nd.array([1])])); g.get_outputs(False)[0][0].asnumpy()
        array([2.], dtype=float32)
        """
        outs = self.execs[0].outputs[begin:end]
        return list(outs) if merge_multi_context else [[o] for o in outs]

    def get_input_grads(self, merge_multi_context: bool = True) -> list:
        """The gradients of the data inputs (with ``inputs_need_grad``).

        Parameters
        ----------
        merge_multi_context : bool, default True

        Returns
        -------
        list

        See Also
        --------
        backward

        Examples
        --------
        >>> from minigluon import sym, nd, io
        >>> from minigluon.module.executor_group import DataParallelExecutorGroup
        >>> g = DataParallelExecutorGroup(sym.var('data') * 3, [None], None,
        ...                               [('data', (1,))], None, [], True, True)
        >>> g.forward(io.DataBatch([nd.array([1])])); g.backward([nd.ones(1)])
        >>> g.get_input_grads()[0].asnumpy()
        array([3.], dtype=float32)
        """
        if not self.inputs_need_grad:
            raise MXNetError("bind with inputs_need_grad=True to get input gradients")
        grads = [g[0] for g in self.input_grad_arrays]
        return grads if merge_multi_context else [[g] for g in grads]

    def update_metric(self, eval_metric: Any, labels: Any, pre_sliced: bool = False) -> None:
        """Update ``eval_metric`` with ``labels`` and the last outputs.

        Parameters
        ----------
        eval_metric : EvalMetric
        labels : list of NDArray
        pre_sliced : bool, default False

        See Also
        --------
        get_outputs

        Examples
        --------
        >>> from minigluon import sym, nd, io, metric
        >>> from minigluon.module.executor_group import DataParallelExecutorGroup
        >>> g = DataParallelExecutorGroup(sym.var('data') * 1, [None], None,
        ...                               [('data', (2, 2))], None, [], False, False)
        >>> g.forward(io.DataBatch([nd.array([[0, 1], [1, 0]])]))
        >>> acc = metric.Accuracy(); g.update_metric(acc, [nd.array([1, 1])]); acc.get()
        ('accuracy', 0.5)
        """
        eval_metric.update(labels, self.get_outputs())
