"""``Executor``: a Symbol bound to arrays (``Symbol.bind``/``simple_bind``), MXNet 1.x style.

An executor owns (or shares) one array per argument, gradient, auxiliary state and output.
``forward`` runs the graph through :class:`~minigluon.symbol.executor.CachedGraph` (one per
training mode) and copies the results into the output arrays; ``backward`` hands the head
gradients to that graph's own backward pass (the registered VJPs, the same path autograd
uses through a hybridized block) and writes or adds the input gradients per ``grad_req``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from .. import autograd
from ..base import MXNetError
from ..ndarray.ndarray import NDArray
from .cse import cse_enabled, eliminate_common_expr
from .executor import CachedGraph

__all__ = ["Executor", "simple_bind", "symbol_bind", "symbol_simple_bind"]

_REQS = ("write", "add", "null")


def _by_name(values: Any, names: list[str], what: str, required: bool) -> list[Any]:
    """``values`` (a list in ``names`` order, or a dict by name) as a list in ``names`` order."""
    if values is None:
        values = {}
    if isinstance(values, Mapping):
        unknown = [k for k in values if k not in names]
        if unknown:
            raise ValueError(f"{what}: {unknown} are not among {names}")
        out = [values.get(n) for n in names]
    elif isinstance(values, Sequence):
        if len(values) != len(names):
            raise ValueError(f"{what}: expected {len(names)} arrays ({names}), got {len(values)}")
        out = list(values)
    else:
        raise TypeError(f"{what} must be a list or a dict of NDArrays")
    for n, v in zip(names, out):
        if v is None and required:
            raise ValueError(f"{what}: no array given for '{n}'")
        if v is not None and not isinstance(v, NDArray):
            raise TypeError(f"{what}: '{n}' must be an NDArray, got {type(v).__name__}")
    return out


def _reqs(grad_req: Any, names: list[str], grads: list[Any]) -> list[str]:
    if isinstance(grad_req, str):
        reqs = [grad_req] * len(names)
    elif isinstance(grad_req, Mapping):
        reqs = [grad_req.get(n, "null") for n in names]
    else:
        reqs = list(grad_req)
        if len(reqs) != len(names):
            raise ValueError(f"grad_req: expected {len(names)} entries, got {len(reqs)}")
    for r in reqs:
        if r not in _REQS:
            raise ValueError(f"grad_req must be one of {_REQS}, got {r!r}")
    return [r if g is not None else "null" for r, g in zip(reqs, grads)]


class Executor:
    """A Symbol bound to argument, gradient and auxiliary-state arrays.

    Made by :meth:`Symbol.bind` (arrays given) or :meth:`Symbol.simple_bind` (arrays
    allocated from shapes); not constructed directly.

    Parameters
    ----------
    symbol : Symbol
        The graph to run.
    ctx : Context
        Accepted for MXNet compatibility (one CPU device).
    args : list or dict of NDArray
        One array per argument (``list_arguments`` order, or by name); used in place, not copied.
    args_grad : list or dict of NDArray, optional
        Arrays receiving the gradients; arguments without one get none.
    grad_req : {'write', 'add', 'null'}, list or dict, default 'write'
        How gradients are stored: overwrite, accumulate, or not at all (one for all, one per
        argument, or by name, missing names meaning 'null').
    aux_states : list or dict of NDArray, optional
        One array per auxiliary state (BatchNorm's moving statistics); required when the graph has
        any.

    See Also
    --------
    minigluon.symbol.Symbol.bind, minigluon.symbol.Symbol.simple_bind

    Examples
    --------
    >>> from minigluon import sym, nd
    >>> y = 2 * sym.var('x')
    >>> ex = y.bind(None, args={'x': nd.array([1, 2])}, args_grad={'x': nd.zeros(2)})
    >>> ex.forward(is_train=True)[0].asnumpy()
    array([2., 4.], dtype=float32)
    >>> ex.backward(nd.ones(2))
    >>> ex.grad_dict['x'].asnumpy()
    array([2., 2.], dtype=float32)
    """

    def __init__(self, symbol: Any, ctx: Any, args: Any, args_grad: Any = None,
                 grad_req: Any = "write", aux_states: Any = None) -> None:
        self._symbol = symbol
        self._ctx = ctx
        self._arg_names = symbol.list_arguments()
        self._aux_names = symbol.list_auxiliary_states()
        self._out_names = symbol.list_outputs()
        self.arg_arrays: list[NDArray] = _by_name(args, self._arg_names, "args", True)
        self.grad_arrays: list[NDArray | None] = _by_name(args_grad, self._arg_names,
                                                          "args_grad", False)
        self.aux_arrays: list[NDArray] = _by_name(aux_states, self._aux_names, "aux_states",
                                                  True)
        self._grad_req = _reqs(grad_req, self._arg_names, self.grad_arrays)
        _, out_shapes, _ = symbol.infer_shape(
            **{n: a.shape for n, a in zip(self._arg_names + self._aux_names,
                                          self.arg_arrays + self.aux_arrays)})
        if out_shapes is None:
            raise MXNetError("bind: the output shapes cannot be inferred from the arrays given")
        self.outputs: list[NDArray] = [NDArray(np.zeros(s, np.float32)) for s in out_shapes]
        self._graphs: dict[bool, CachedGraph] = {}
        self._saved: tuple | None = None
        # the graph that runs: equal expressions computed once (MXNet's default)
        self._run_outputs = (eliminate_common_expr(symbol._outputs) if cse_enabled()
                             else list(symbol._outputs))
        self._ran = False

    # -- name-keyed views --------------------------------------------------------------------
    @property
    def arg_dict(self) -> dict[str, NDArray]:
        """Argument arrays by name.

        See Also
        --------
        grad_dict, aux_dict, output_dict

        Examples
        --------
        >>> from minigluon import sym
        >>> ex = sym.FullyConnected(sym.var('x'), num_hidden=3, name='fc').simple_bind(
        ...     None, x=(2, 4))
        >>> {k: v.shape for k, v in ex.arg_dict.items()}
        {'x': (2, 4), 'fc_weight': (3, 4), 'fc_bias': (3,)}
        """
        return dict(zip(self._arg_names, self.arg_arrays))

    @property
    def grad_dict(self) -> dict[str, NDArray]:
        """Gradient arrays by argument name (arguments without one are left out).

        See Also
        --------
        arg_dict, backward

        Examples
        --------
        >>> from minigluon import sym
        >>> ex = (sym.var('a') * sym.var('b')).simple_bind(None, a=(2,), b=(2,),
        ...                                                grad_req={'a': 'write'})
        >>> list(ex.grad_dict)
        ['a']
        """
        return {n: g for n, g in zip(self._arg_names, self.grad_arrays) if g is not None}

    @property
    def aux_dict(self) -> dict[str, NDArray]:
        """Auxiliary-state arrays (BatchNorm's moving statistics) by name.

        See Also
        --------
        arg_dict

        Examples
        --------
        >>> from minigluon import sym
        >>> ex = sym.BatchNorm(sym.var('x'), name='bn').simple_bind(None, x=(2, 3))
        >>> sorted(ex.aux_dict)
        ['bn_moving_mean', 'bn_moving_var']
        """
        return dict(zip(self._aux_names, self.aux_arrays))

    @property
    def output_dict(self) -> dict[str, NDArray]:
        """Output arrays by output name.

        See Also
        --------
        forward

        Examples
        --------
        >>> from minigluon import sym
        >>> list(sym.relu(sym.var('x'), name='r').simple_bind(None, x=(2,)).output_dict)
        ['r_output']
        """
        return dict(zip(self._out_names, self.outputs))

    # -- running -----------------------------------------------------------------------------
    def _graph(self, is_train: bool) -> CachedGraph:
        if is_train not in self._graphs:
            self._graphs[is_train] = CachedGraph(self._run_outputs,
                                                 self._arg_names + self._aux_names,
                                                 training=is_train)
        return self._graphs[is_train]

    def forward(self, is_train: bool = False, **kwargs: Any) -> list[NDArray]:
        """Run the graph; ``kwargs`` first copy new values into arguments by name.

        Parameters
        ----------
        is_train : bool, default False
            Training mode (Dropout, BatchNorm batch statistics).
        **kwargs : NDArray or numpy.ndarray
            New argument values, copied into the bound arrays.

        Returns
        -------
        list of NDArray
            ``outputs``.

        See Also
        --------
        backward, arg_dict

        Examples
        --------
        >>> from minigluon import sym, nd
        >>> ex = (sym.var('x') + 1).simple_bind(None, x=(2,))
        >>> ex.forward(x=nd.array([1, 2]))[0].asnumpy()
        array([2., 3.], dtype=float32)
        """
        arg_dict = self.arg_dict
        for k, v in kwargs.items():
            if k not in arg_dict:
                raise ValueError(f"forward: '{k}' is not an argument of the symbol; its "
                                 f"arguments are {self._arg_names}")
            arg_dict[k][:] = v
        graph = self._graph(bool(is_train))
        datas = tuple(a._data for a in self.arg_arrays + self.aux_arrays)
        # as MXNet, an executor with gradient arrays can run backward after any forward
        keep = any(r != "null" for r in self._grad_req)
        prev = autograd.set_recording(keep)  # the graph keeps its values only while recording
        try:
            res = graph._forward(*datas)
        finally:
            autograd.set_recording(prev)
        self._saved = (graph, datas, res) if keep else None
        self._ran = True
        for i, r in enumerate(res[:-1]):
            r = np.asarray(r)
            out = self.outputs[i]
            if out.shape == r.shape and out._data.dtype == r.dtype:
                out._data[...] = r
            else:
                out._data = r.copy()
        return self.outputs

    def backward(self, out_grads: Any = None, is_train: bool = True) -> None:
        """Gradients of the outputs (times ``out_grads``) into ``grad_arrays``, per ``grad_req``.

        Parameters
        ----------
        out_grads : NDArray, list of NDArray or dict, optional
            Head gradients, one per output (ones when left out; loss outputs such as
            ``SoftmaxOutput`` ignore them).
        is_train : bool, default True
            Accepted for MXNet compatibility; the pass differentiates the last forward.

        See Also
        --------
        forward, grad_dict

        Examples
        --------
        >>> from minigluon import sym, nd
        >>> x = sym.var('x')
        >>> ex = (x * x).simple_bind(None, x=(2,))
        >>> _ = ex.forward(is_train=True, x=nd.array([1, 3]))
        >>> ex.backward()
        >>> ex.grad_dict['x'].asnumpy()
        array([2., 6.], dtype=float32)
        """
        if self._saved is None and self._ran and not any(r != "null" for r in self._grad_req):
            return  # nothing asks for a gradient (MXNet's backward is then a no-op)
        if self._saved is None:
            raise MXNetError("backward: run forward first; and bind with gradient arrays "
                             "(a grad_req other than 'null') for some argument")
        graph, datas, res = self._saved
        if out_grads is None:
            heads = [np.ones_like(np.asarray(r)) for r in res[:-1]]
        else:
            if isinstance(out_grads, (NDArray, np.ndarray)):
                out_grads = [out_grads]
            if isinstance(out_grads, Mapping):
                out_grads = [out_grads[n] for n in self._out_names]
            if len(out_grads) != len(self.outputs):
                raise ValueError(f"backward: expected {len(self.outputs)} head gradients, got "
                                 f"{len(out_grads)}")
            heads = [np.asarray(g._data if isinstance(g, NDArray) else g) for g in out_grads]
        needs = tuple(r != "null" for r in self._grad_req) + (False,) * len(self.aux_arrays)
        grads = graph._backward((*heads, None), datas, res, needs)
        for req, arr, g in zip(self._grad_req, self.grad_arrays, grads):
            if req == "null" or arr is None:
                continue
            g = 0 if g is None else np.asarray(g)
            if req == "write":
                arr._data[...] = g
            else:
                arr._data[...] += g

    # -- parameters and shapes ---------------------------------------------------------------
    def copy_params_from(self, arg_params: Mapping[str, Any],
                         aux_params: Mapping[str, Any] | None = None,
                         allow_extra_params: bool = False) -> None:
        """Copy values into the bound argument and auxiliary arrays, by name.

        Parameters
        ----------
        arg_params : dict of str to NDArray
            Values of the arguments, by name.
        aux_params : dict of str to NDArray, optional
            Values of the auxiliary states, by name.
        allow_extra_params : bool, default False
            Ignore names the executor does not have (else ValueError).

        See Also
        --------
        arg_dict, aux_dict

        Examples
        --------
        >>> from minigluon import sym, nd
        >>> ex = (sym.var('x') * sym.var('w')).simple_bind(None, x=(2,), w=(2,))
        >>> ex.copy_params_from({'w': nd.array([3, 4])})
        >>> ex.arg_dict['w'].asnumpy()
        array([3., 4.], dtype=float32)
        """
        for params, table, what in ((arg_params, self.arg_dict, "arg"),
                                    (aux_params or {}, self.aux_dict, "aux")):
            for name, value in params.items():
                if name in table:
                    table[name][:] = value
                elif not allow_extra_params:
                    raise ValueError(f"Find name \"{name}\" that is not in the {what}uments")

    def reshape(self, partial_shaping: bool = False, allow_up_sizing: bool = False,
                **kwargs: tuple) -> Executor:
        """A new executor for new input shapes, sharing memory with this one.

        Arrays whose shape stays are shared; smaller ones are views of this executor's
        memory; larger ones (only with ``allow_up_sizing``) are new.

        Parameters
        ----------
        partial_shaping : bool, default False
            Allow arguments not named in ``kwargs`` to change shape.
        allow_up_sizing : bool, default False
            Allow arrays to grow (they are then allocated anew).
        **kwargs : tuple
            New shapes by argument name.

        Returns
        -------
        Executor
            The new executor.

        See Also
        --------
        minigluon.symbol.Symbol.simple_bind

        Examples
        --------
        >>> from minigluon import sym
        >>> ex = sym.FullyConnected(sym.var('x'), num_hidden=2).simple_bind(None, x=(4, 3))
        >>> ex.reshape(x=(1, 3)).outputs[0].shape
        (1, 2)
        """
        arg_shapes, out_shapes, aux_shapes = self._symbol.infer_shape(**kwargs)
        if arg_shapes is None:
            raise MXNetError(f"reshape: the shapes cannot be inferred from {kwargs}")

        def resize(old: NDArray | None, shape: tuple, name: str) -> NDArray | None:
            if old is None:
                return None
            if old.shape == tuple(shape):
                return old
            if name not in kwargs and not partial_shaping:
                raise MXNetError(f"reshape: '{name}' would change shape from {old.shape} to "
                                 f"{tuple(shape)}; pass partial_shaping=True to allow it")
            size = int(np.prod(shape))
            if size > old.size:
                if not allow_up_sizing:
                    raise MXNetError(f"reshape: '{name}' would grow from {old.shape} to "
                                     f"{tuple(shape)}; pass allow_up_sizing=True to allow it")
                return NDArray(np.zeros(shape, old._data.dtype))
            return NDArray(old._data.reshape(-1)[:size].reshape(shape))

        new = Executor.__new__(Executor)
        new.__dict__.update(self.__dict__)
        new.arg_arrays = [resize(a, s, n) for a, s, n in
                          zip(self.arg_arrays, arg_shapes, self._arg_names)]
        new.grad_arrays = [resize(g, s, n) for g, s, n in
                           zip(self.grad_arrays, arg_shapes, self._arg_names)]
        new.aux_arrays = [resize(a, s, n) for a, s, n in
                          zip(self.aux_arrays, aux_shapes, self._aux_names)]
        new.outputs = [o if o.shape == tuple(s) else
                       NDArray(np.zeros(s, o._data.dtype)) if int(np.prod(s)) > o.size else
                       NDArray(o._data.reshape(-1)[:int(np.prod(s))].reshape(s))
                       for o, s in zip(self.outputs, out_shapes)]
        new._graphs = self._graphs
        new._saved = None
        return new

    def get_optimized_symbol(self) -> Any:
        """The graph this executor runs (after common subexpression elimination).

        Returns
        -------
        Symbol

        See Also
        --------
        forward

        Examples
        --------
        >>> from minigluon import sym
        >>> a, b = sym.var('a'), sym.var('b')
        >>> ex = ((a + b) * (a + b)).simple_bind(None, a=(1,), b=(1,))
        >>> len(ex.get_optimized_symbol().get_internals())
        4
        """
        return type(self._symbol)(self._run_outputs)

    def set_monitor_callback(self, callback: Any, monitor_all: bool = False) -> None:
        """Call ``callback(name, array)`` on every output after each forward.

        Parameters
        ----------
        callback : callable
            Called as ``callback(name, array)`` for each output.
        monitor_all : bool, default False
            Accepted for MXNet compatibility (outputs only are reported).

        See Also
        --------
        forward

        Examples
        --------
        >>> from minigluon import sym, nd
        >>> ex = sym.relu(sym.var('x'), name='r').simple_bind(None, x=(1,))
        >>> ex.set_monitor_callback(lambda name, arr: print(name))
        >>> _ = ex.forward(x=nd.array([1]))
        r_output
        """
        self._monitor = callback
        forward = Executor.forward

        def monitored(is_train: bool = False, **kwargs: Any) -> list[NDArray]:
            outs = forward(self, is_train, **kwargs)
            for name, arr in zip(self._out_names, outs):
                callback(name, arr)
            return outs

        self.forward = monitored  # type: ignore[method-assign]


def simple_bind(symbol: Any, ctx: Any, grad_req: Any = "write", type_dict: Any = None,
                shared_exec: Executor | None = None, shared_buffer: dict | None = None,
                shapes: dict | None = None) -> Executor:
    """Allocate arrays from the shapes and bind (see :meth:`Symbol.simple_bind`)."""
    shapes = dict(shapes or {})
    arg_shapes, _, aux_shapes = symbol.infer_shape(**shapes)
    if arg_shapes is None:
        raise MXNetError(f"simple_bind: cannot infer the shapes of every argument from "
                         f"{shapes}; give the missing ones as keyword shapes")
    arg_types, _, aux_types = symbol.infer_type(**(type_dict or {}))
    names, aux_names = symbol.list_arguments(), symbol.list_auxiliary_states()
    if arg_types is None:
        arg_types, aux_types = [np.float32] * len(names), [np.float32] * len(aux_names)
    shared = dict(shared_buffer or {})
    if shared_exec is not None:
        shared.update({**shared_exec.arg_dict, **shared_exec.aux_dict})

    def alloc(name: str, shape: tuple, dtype: Any) -> NDArray:
        old = shared.get(name)
        if old is not None and old.shape == tuple(shape):
            return old
        arr = NDArray(np.zeros(shape, dtype))
        if shared_buffer is not None:
            shared_buffer[name] = arr
        return arr

    args = [alloc(n, s, t) for n, s, t in zip(names, arg_shapes, arg_types)]
    reqs = _reqs(grad_req, names, args)
    grads = [None if r == "null" else NDArray(np.zeros(s, t))
             for r, s, t in zip(reqs, arg_shapes, arg_types)]
    aux = [alloc(n, s, t) for n, s, t in zip(aux_names, aux_shapes, aux_types)]
    return Executor(symbol, ctx, args, grads, reqs, aux)


# -- Symbol.bind and Symbol.simple_bind (attached to Symbol in symbol.py) ---------------------
def symbol_bind(self: Any, ctx: Any, args: Any, args_grad: Any = None, grad_req: Any = "write",
          aux_states: Any = None, group2ctx: Any = None, shared_exec: Any = None) -> Executor:
    """Bind the graph to arrays: an :class:`~minigluon.symbol.bind.Executor`.

    Parameters
    ----------
    ctx : Context
        Accepted for MXNet compatibility (one CPU device).
    args : list or dict of NDArray
        One array per argument (``list_arguments`` order, or by name).
    args_grad : list or dict of NDArray, optional
        Arrays receiving the gradients; arguments without one get none.
    grad_req : {'write', 'add', 'null'}, list or dict, default 'write'
        How gradients are stored: overwrite, accumulate, or not at all.
    aux_states : list or dict of NDArray, optional
        One array per auxiliary state (BatchNorm's moving statistics).
    group2ctx, shared_exec : optional
        Accepted for MXNet compatibility (ignored: one device).

    Returns
    -------
    Executor
        The bound executor.

    See Also
    --------
    simple_bind, eval

    Examples
    --------
    >>> from minigluon import sym, nd
    >>> ex = (sym.var('a') + sym.var('b')).bind(None, [nd.array([1]), nd.array([2])])
    >>> ex.forward()[0].asnumpy()
    array([3.], dtype=float32)
    """
    return Executor(self, ctx, args, args_grad, grad_req, aux_states)


def symbol_simple_bind(self: Any, ctx: Any, grad_req: Any = "write", type_dict: Any = None,
                 stype_dict: Any = None, group2ctx: Any = None, shared_arg_names: Any = None,
                 shared_exec: Any = None, shared_buffer: Any = None, **kwargs: Any) -> Executor:
    """Bind the graph to new zero arrays whose shapes are inferred from input shapes.

    Parameters
    ----------
    ctx : Context
        Accepted for MXNet compatibility (one CPU device).
    grad_req : {'write', 'add', 'null'}, list or dict, default 'write'
        Which arguments get gradient arrays, and how they are stored.
    type_dict : dict, optional
        Argument types by name (float32 otherwise).
    shared_exec : Executor, optional
        Reuse its arrays of the same name and shape.
    shared_buffer : dict, optional
        Arrays by name to reuse (same shape); new arrays are added to it.
    **kwargs : tuple
        Input shapes by name.
    stype_dict, group2ctx, shared_arg_names : optional
        Accepted for MXNet compatibility (ignored: dense arrays on one device).

    Returns
    -------
    Executor
        The bound executor.

    See Also
    --------
    bind, infer_shape

    Examples
    --------
    >>> from minigluon import sym
    >>> ex = sym.FullyConnected(sym.var('x'), num_hidden=3, name='fc').simple_bind(
    ...     None, x=(2, 5))
    >>> [a.shape for a in ex.arg_arrays], ex.outputs[0].shape
    ([(2, 5), (3, 5), (3,)], (2, 3))
    """
    return simple_bind(self, ctx, grad_req, type_dict, shared_exec, shared_buffer, kwargs)
