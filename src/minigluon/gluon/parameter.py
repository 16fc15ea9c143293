"""``Parameter``, ``Constant`` and ``ParameterDict``: the learnable state of Gluon blocks.

A Parameter owns one NDArray (one device) and its gradient buffer. Its shape may contain 0s
(unknown) until the first forward pass; then it is *deferred* and initialized as soon as an op
that uses it sees real data (see ``gluon/deferred.py``).
"""

from __future__ import annotations

import warnings
from collections import OrderedDict
from collections.abc import Iterator
from typing import Any

import numpy as np

from .. import autograd, initializer
from .. import symbol as sym
from ..base import MXNetError, as_dtype
from ..context import Context, check_ctx, cpu
from ..ndarray import NDArray
from ..ndarray import save as nd_save
from ..ndarray import zeros as nd_zeros
from .deferred import DeferredArray
from .param_files import MismatchError, load_arrays, read

__all__ = ["Parameter", "Constant", "ParameterDict", "DeferredInitializationError",
           "MismatchError", "tensor_types"]

tensor_types = (NDArray,)

_STYPES = ("default", "row_sparse", "csr")
_NO_SPARSE = ("Parameter '{}' has a sparse storage type; minigluon keeps every array dense and "
              "has no row_sparse or csr storage (create the Parameter with stype='default')")


class DeferredInitializationError(MXNetError):
    """A Parameter was used before its shape was known (before the first forward pass).

    Examples
    --------
    >>> from minigluon import gluon
    >>> dense = gluon.nn.Dense(3)
    >>> dense.initialize()
    >>> try:
    ...     dense.weight.data()
    ... except gluon.parameter.DeferredInitializationError as e:
    ...     print(str(e)[:60])
    Parameter 'dense0_weight' has not been initialized yet becau
    """


class Parameter:
    """A learnable array with a gradient, an initializer and learning-rate/decay multipliers.

    Parameters
    ----------
    name : str
        Full name (with the block prefix), e.g. ``'dense0_weight'``.
    grad_req : {'write', 'add', 'null'}, default 'write'
        ``'write'`` overwrites the gradient on each backward, ``'add'`` accumulates it, ``'null'``
        keeps no gradient.
    shape : int or tuple of int, optional
        0 marks a dimension unknown until the first forward pass.
    dtype : str, default 'float32'
        Data type of the value.
    lr_mult, wd_mult : float, default 1.0
        Multipliers of the learning rate and weight decay for this parameter.
    init : Initializer or str, optional
        Initializer used by :meth:`initialize` (default: the one passed to ``initialize``).
    allow_deferred_init : bool, default False
        Allow :meth:`initialize` before the shape is known.
    differentiable : bool, default True
        False makes ``grad_req`` 'null' (running statistics of BatchNorm).
    stype : {'default'}, default 'default'
        Storage type; only dense ('default') storage exists, sparse types raise.
    grad_stype : {'default'}, default 'default'
        Storage type of the gradient; only 'default'.

    See Also
    --------
    ParameterDict, Constant
    Block.collect_params : The Parameters of a model.
    Trainer : Updates Parameters from their gradients.

    Examples
    --------
    >>> import minigluon as mx
    >>> from minigluon import gluon
    >>> w = gluon.Parameter('w', shape=(2, 3))
    >>> w.initialize(mx.init.One())
    >>> w.data()
    <BLANKLINE>
    [[1. 1. 1.]
     [1. 1. 1.]]
    <NDArray 2x3 @cpu(0)>
    >>> w
    Parameter w (shape=(2, 3), dtype=float32)
    """

    def __init__(self, name: str, grad_req: str = "write", shape: Any = None,
                 dtype: Any = "float32", lr_mult: float = 1.0, wd_mult: float = 1.0,
                 init: Any = None, allow_deferred_init: bool = False,
                 differentiable: bool = True, stype: str = "default",
                 grad_stype: str = "default") -> None:
        for kind, value in (("grad_stype", grad_stype), ("stype", stype)):
            if value not in _STYPES:
                # AssertionError, as MXNet raises it, so existing except clauses still work
                raise AssertionError(f"{kind} for Parameter '{name}' must be one of 'default', "
                                     f"'row_sparse', or 'csr', but got '{value}'")
        self._stype = stype
        # Sparse gradients are kept dense: the values are the same, only the storage differs.
        self._grad_stype = grad_stype
        self.name = name
        self._shape = (shape,) if isinstance(shape, int) else (tuple(shape) if shape else None)
        self.dtype = np.dtype(as_dtype(dtype)).name
        self.lr_mult = lr_mult
        self.wd_mult = wd_mult
        self.init = init
        self.allow_deferred_init = allow_deferred_init
        self._differentiable = differentiable
        self._grad_req = "write"
        self._data: NDArray | None = None
        self._grad: NDArray | None = None
        self._deferred_init: tuple | None = None
        self._pending_data: Any = None  # set_data() before a deferred init finished
        self._var: Any = None
        self._trainer: Any = None
        # Held by a ParameterDict under this name. A Parameter made on its own is not, until a
        # block it is assigned to registers it with the block's prefix (Block.__setattr__).
        self._in_dict = False
        self.grad_req = grad_req if differentiable else "null"

    def __repr__(self) -> str:
        return f"Parameter {self.name} (shape={self.shape}, dtype={self.dtype})"

    # -- attributes --------------------------------------------------------------------------
    @property
    def grad_req(self) -> str:
        """How backward treats the gradient: 'write', 'add' or 'null'.

        See Also
        --------
        Parameter.grad, Parameter.zero_grad
        ParameterDict.setattr : Set it for many Parameters (freeze layers).

        Examples
        --------
        >>> from minigluon import gluon
        >>> p = gluon.Parameter('p', shape=(1,))
        >>> p.grad_req = 'add'
        >>> p.grad_req
        'add'
        """
        return self._grad_req

    @grad_req.setter
    def grad_req(self, req: str) -> None:
        if req not in ("write", "add", "null"):
            raise ValueError(f"grad_req must be one of 'write', 'add', or 'null', but got '{req}'")
        if not self._differentiable:
            req = "null"
        if self._grad_req == req:
            return
        self._grad_req = req
        if self._data is not None:
            self._init_grad()

    @property
    def shape(self) -> tuple | None:
        """Shape (0 for a dimension not known yet).

        See Also
        --------
        Parameter.initialize, Parameter.data
        minigluon.gluon.HybridBlock.infer_shape

        Examples
        --------
        >>> from minigluon import gluon
        >>> p = gluon.Parameter('p', shape=(10, 0), allow_deferred_init=True)
        >>> p.shape = (10, 5)
        >>> p.shape
        (10, 5)
        """
        return self._shape

    @shape.setter
    def shape(self, new_shape: Any) -> None:
        new_shape = tuple(new_shape)
        if self._shape is None:
            self._shape = new_shape
            return
        if len(self._shape) != len(new_shape) or any(
                i != j and i != 0 for i, j in zip(self._shape, new_shape)):
            raise ValueError(f"Expected shape {self._shape} is incompatible with given shape "
                             f"{new_shape}.")
        self._shape = new_shape

    def _set_trainer(self, trainer: Any) -> None:
        # MXNet allows one Trainer per sparse Parameter (its rows are pulled through it)
        if (self._stype != "default" and self._trainer is not None and trainer is not None
                and self._trainer is not trainer):
            raise RuntimeError(f"Failed to set the trainer for Parameter '{self.name}' because "
                               "it was already set. More than one trainers for a "
                               f"{self._stype} Parameter is not supported.")
        self._trainer = trainer

    def _shape_known(self) -> bool:
        return self._shape is not None and all(d > 0 for d in self._shape)

    # -- initialization ----------------------------------------------------------------------
    def initialize(self, init: Any = None, ctx: Any = None, default_init: Any = None,
                   force_reinit: bool = False) -> None:
        """Allocate and fill the data (deferred until the shape is known if need be).

        Initializer precedence: ``init`` argument, then ``self.init``, then ``default_init``
        (Uniform(0.07) if none).

        Parameters
        ----------
        init : Initializer, optional
            Initializer; None uses the Parameter's own ``init``, then ``default_init``.
        ctx : Context or list of Context, optional
            Device(s) holding the value; None means the current context.
        default_init : Initializer, optional
            Used when neither ``init`` nor the Parameter's ``init`` is set; None means
            ``Uniform()``.
        force_reinit : bool, default False
            Re-initialize a Parameter that already has a value (otherwise it is kept, with a
            warning).

        See Also
        --------
        Parameter.set_data, Block.initialize
        minigluon.initializer.Initializer

        Examples
        --------
        >>> import minigluon as mx
        >>> from minigluon import gluon
        >>> p = gluon.Parameter('bias', shape=(3,))
        >>> p.initialize(init=mx.init.Constant(0.5))
        >>> p.data()
        <BLANKLINE>
        [0.5 0.5 0.5]
        <NDArray 3 @cpu(0)>
        """
        if default_init is None:
            default_init = initializer.Uniform()
        if self._data is not None and not force_reinit:
            warnings.warn(f"Parameter '{self.name}' is already initialized, ignoring. Set "
                          "force_reinit=True to re-initialize.", stacklevel=2)
            return
        self._data = self._grad = None
        init = init if init is not None else (self.init if self.init is not None
                                               else default_init)
        if isinstance(ctx, (list, tuple)):
            for c in ctx:
                check_ctx(c)
        else:
            check_ctx(ctx)
        if not self._shape_known():
            if self.allow_deferred_init:
                self._deferred_init = (init, default_init)
                return
            raise ValueError(f"Cannot initialize Parameter '{self.name}' because it has invalid "
                             f"shape: {self._shape}.")
        self._deferred_init = (init, default_init)
        self._finish_deferred_init()

    def _finish_deferred_init(self) -> None:
        if self._deferred_init is None:
            return
        init, default_init = self._deferred_init
        self._deferred_init = None
        if not self._shape_known():
            raise ValueError(f"Cannot initialize Parameter '{self.name}' because it has invalid "
                             f"shape: {self._shape}.")
        with autograd.pause():
            data = nd_zeros(self._shape, dtype=self.dtype)
            if self._pending_data is not None:
                data[:] = self._pending_data
                self._pending_data = None
            else:
                initializer.create(default_init)(
                    initializer.InitDesc(self.name, {"__init__": init}), data)
        self._data = data
        self._init_grad()

    def _init_grad(self) -> None:
        assert self._data is not None
        if self._grad_req == "null":
            self._grad = None
            autograd.mark_variables(self._data, None, "null")
            return
        self._grad = NDArray(np.zeros(self._data.shape, dtype=self._data._data.dtype))
        autograd.mark_variables(self._data, self._grad, self._grad_req)

    def _check_initialized(self) -> None:
        if self._data is not None:
            return
        if self._deferred_init is not None:
            raise DeferredInitializationError(
                f"Parameter '{self.name}' has not been initialized yet because initialization "
                "was deferred. Actual initialization happens during the first forward pass. "
                "Please pass one batch of data through the network before accessing "
                "Parameters. You can also avoid deferred initialization by specifying "
                "in_units, num_features, etc., for network layers.")
        raise RuntimeError(
            f"Parameter '{self.name}' has not been initialized. Note that you should "
            "initialize parameters and create Trainer with Block.collect_params() instead of "
            "Block.params because the later does not include Parameters of nested child "
            "Blocks")

    # -- access ------------------------------------------------------------------------------
    def data(self, ctx: Any = None) -> NDArray:
        """The parameter's array (raises if not initialized).

        Parameters
        ----------
        ctx : Context, optional
            Device of the copy returned; None means the first one.

        See Also
        --------
        Parameter.grad, set_data, list_data

        Examples
        --------
        >>> import minigluon as mx
        >>> from minigluon import gluon
        >>> p = gluon.Parameter('p', shape=(2,))
        >>> p.initialize(mx.init.Zero())
        >>> p.data().shape
        (2,)
        """
        check_ctx(ctx)
        if self._stype != "default":
            raise RuntimeError(f"Cannot return a copy of Parameter '{self.name}' on ctx {ctx} via "
                               f"data() because its storage type is {self._stype}. Please use "
                               "row_sparse_data() instead.")
        self._check_initialized()
        return self._data  # type: ignore[return-value]

    def list_data(self) -> list[NDArray]:
        """The data on every device: a one-element list.

        See Also
        --------
        Parameter.data, list_grad

        Examples
        --------
        >>> import minigluon as mx
        >>> from minigluon import gluon
        >>> p = gluon.Parameter('p', shape=(2,))
        >>> p.initialize(mx.init.Zero())
        >>> len(p.list_data())
        1
        """
        if self._stype != "default":
            raise RuntimeError(f"Cannot return copies of Parameter '{self.name}' on all contexts "
                               f"via list_data() because its storage type is {self._stype}. "
                               "Please use row_sparse_data() instead.")
        return [self.data()]

    def row_sparse_data(self, row_id: NDArray) -> NDArray:
        """The rows ``row_id`` of a 'row_sparse' Parameter: not available, storage is dense.

        MXNet's sparse storage is left out of minigluon: for a dense Parameter this raises the
        error MXNet raises (use :meth:`data`), for a 'row_sparse' one an error saying sparse
        storage is not available.

        Parameters
        ----------
        row_id : NDArray
            Rows requested.

        See Also
        --------
        Parameter.data, list_row_sparse_data

        Examples
        --------
        >>> from minigluon import gluon, nd
        >>> p = gluon.Parameter('w', shape=(2, 2))
        >>> p.initialize()
        >>> try:
        ...     p.row_sparse_data(nd.array([0]))
        ... except RuntimeError as e:
        ...     print(str(e)[:60])
        Cannot return a copy of Parameter w via row_sparse_data() be
        """
        if self._stype != "row_sparse":
            raise RuntimeError(f"Cannot return a copy of Parameter {self.name} via "
                               f"row_sparse_data() because its storage type is {self._stype}. "
                               "Please use data() instead.")
        raise MXNetError(_NO_SPARSE.format(self.name))

    def list_row_sparse_data(self, row_id: NDArray) -> list[NDArray]:
        """:meth:`row_sparse_data` on every device: not available, storage is dense.

        Parameters
        ----------
        row_id : NDArray
            Rows requested.

        See Also
        --------
        Parameter.row_sparse_data, list_data

        Examples
        --------
        >>> from minigluon import gluon, nd
        >>> p = gluon.Parameter('w', shape=(2, 2))
        >>> p.initialize()
        >>> try:
        ...     p.list_row_sparse_data(nd.array([0]))
        ... except RuntimeError as e:
        ...     print(str(e)[:50])
        Cannot return copies of Parameter 'w' on all conte
        """
        if self._stype != "row_sparse":
            raise RuntimeError(f"Cannot return copies of Parameter '{self.name}' on all contexts "
                               "via list_row_sparse_data() because its storage type is "
                               f"{self._stype}. Please use data() instead.")
        raise MXNetError(_NO_SPARSE.format(self.name))

    def grad(self, ctx: Any = None) -> NDArray:
        """The gradient buffer filled by ``backward``.

        Parameters
        ----------
        ctx : Context, optional
            Device of the gradient returned; None means the first one.

        See Also
        --------
        Parameter.data, zero_grad, grad_req
        minigluon.ndarray.NDArray.grad

        Examples
        --------
        >>> import minigluon as mx
        >>> from minigluon import gluon, autograd
        >>> p = gluon.Parameter('p', shape=(2,))
        >>> p.initialize(mx.init.One())
        >>> with autograd.record():
        ...     y = (p.data() * 3).sum()
        >>> y.backward()
        >>> p.grad()
        <BLANKLINE>
        [3. 3.]
        <NDArray 2 @cpu(0)>
        """
        check_ctx(ctx)
        self._check_initialized()
        if self._grad is None:
            raise RuntimeError(f"Cannot get gradient array for Parameter '{self.name}' because "
                               "grad_req='null'")
        return self._grad

    def list_grad(self) -> list[NDArray]:
        """The gradients on every device: a one-element list.

        See Also
        --------
        Parameter.grad, list_data

        Examples
        --------
        >>> import minigluon as mx
        >>> from minigluon import gluon
        >>> p = gluon.Parameter('p', shape=(2,))
        >>> p.initialize()
        >>> p.list_grad()[0].shape
        (2,)
        """
        return [self.grad()]

    def list_ctx(self) -> list[Context]:
        """Devices holding the data: ``[cpu(0)]``.

        See Also
        --------
        Parameter.reset_ctx
        minigluon.context.Context

        Examples
        --------
        >>> from minigluon import gluon
        >>> gluon.Parameter('p', shape=(1,)).list_ctx()
        [cpu(0)]
        """
        return [cpu(0)]

    def zero_grad(self) -> None:
        """Set the gradient to zero (needed with ``grad_req='add'``).

        See Also
        --------
        Parameter.grad_req, grad
        Block.zero_grad : All Parameters of a model.

        Examples
        --------
        >>> import minigluon as mx
        >>> from minigluon import gluon
        >>> p = gluon.Parameter('p', shape=(2,), grad_req='add')
        >>> p.initialize()
        >>> p.grad()[:] = 5
        >>> p.zero_grad()
        >>> p.grad().asnumpy()
        array([0., 0.], dtype=float32)
        """
        if self._grad is not None:
            self._grad._data[...] = 0

    def set_data(self, data: Any) -> None:
        """Replace the values (also before a deferred initialization has happened).

        Parameters
        ----------
        data : NDArray or numpy.ndarray
            New value, of the Parameter's shape.

        See Also
        --------
        Parameter.data, initialize
        ParameterDict.load_dict

        Examples
        --------
        >>> import minigluon as mx
        >>> from minigluon import gluon
        >>> p = gluon.Parameter('p', shape=(2,))
        >>> p.initialize()
        >>> p.set_data(mx.nd.array([4, 5]))
        >>> p.data()
        <BLANKLINE>
        [4. 5.]
        <NDArray 2 @cpu(0)>
        """
        value = data._data if isinstance(data, NDArray) else np.asarray(data)
        self.shape = value.shape
        if self._data is None:
            if self._deferred_init is None:
                raise RuntimeError(f"Parameter '{self.name}' has not been initialized")
            self._pending_data = value
            return
        self._data._data[...] = value

    def reset_ctx(self, ctx: Any) -> None:
        """Move to another device (only the CPU exists: checks ``ctx``).

        Parameters
        ----------
        ctx : Context or list of Context
            New device(s) of the value and gradient.

        See Also
        --------
        Parameter.list_ctx
        ParameterDict.reset_ctx

        Examples
        --------
        >>> import minigluon as mx
        >>> from minigluon import gluon
        >>> gluon.Parameter('p', shape=(1,)).reset_ctx(mx.cpu())
        """
        check_ctx(ctx)

    def cast(self, dtype: Any) -> None:
        """Convert data and gradient to ``dtype``.

        Parameters
        ----------
        dtype : str or numpy dtype
            New data type of the value and gradient.

        See Also
        --------
        Block.cast

        Examples
        --------
        >>> import minigluon as mx
        >>> from minigluon import gluon
        >>> p = gluon.Parameter('p', shape=(2,))
        >>> p.initialize()
        >>> p.cast('float64')
        >>> p.data().dtype
        <class 'numpy.float64'>
        """
        # A name stays a name (as MXNet keeps what it is given); anything else becomes a numpy
        # dtype, which equals both its name and its type: loading with dtype_source='saved'
        # gives ``p.dtype == np.float16`` as in MXNet, and ``== 'float16'`` too.
        new = np.dtype(as_dtype(dtype))
        self.dtype = new.name if isinstance(dtype, str) else new
        if self._data is None:
            return
        with autograd.pause():
            self._data = NDArray(self._data._data.astype(self.dtype))
        self._init_grad()

    def var(self) -> Any:
        """The symbol variable standing for this parameter in a traced graph.

        See Also
        --------
        minigluon.symbol.Variable
        HybridBlock.hybridize

        Examples
        --------
        >>> from minigluon import gluon
        >>> gluon.Parameter('w', shape=(2,)).var()
        <Symbol w>
        """
        if self._var is None:
            self._var = sym.var(self.name, shape=self.shape, dtype=self.dtype,
                                lr_mult=self.lr_mult, wd_mult=self.wd_mult, init=self.init)
        return self._var

    # -- used by Block.forward: data, or a placeholder that finishes deferred init ----------
    def _value(self) -> Any:
        if self._stype != "default":
            self.data()  # raises: a block cannot read a sparse Parameter as a dense array
        if self._data is not None:
            return self._data
        if self._deferred_init is not None:
            return DeferredArray(self)
        self._check_initialized()
        return None

    def _load_init(self, value: np.ndarray) -> None:
        # The value comes from gluon/param_files.py, which has checked its shape.
        self._shape = tuple(value.shape)
        if self._data is None:
            if self._deferred_init is None:
                self._deferred_init = (initializer.Zero(), initializer.Zero())
            self._pending_data = value
            self._finish_deferred_init()
        else:
            self._data._data[...] = value


class Constant(Parameter):
    """A parameter that never changes (``grad_req`` is always 'null').

    Parameters
    ----------
    name : str
        Name of the Parameter.
    value : NDArray, numpy.ndarray or array_like
        Its fixed value (no gradient).

    See Also
    --------
    Parameter
    ParameterDict.get_constant

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> c = gluon.Constant('const', nd.array([1, 2, 3]))
    >>> c.initialize()
    >>> c.data()
    <BLANKLINE>
    [1. 2. 3.]
    <NDArray 3 @cpu(0)>
    >>> c.grad_req
    'null'
    """

    def __init__(self, name: str, value: Any) -> None:
        value = value._data if isinstance(value, NDArray) else np.asarray(value,
                                                                           dtype=np.float32)
        self.value = value
        super().__init__(name, grad_req="null", shape=value.shape, dtype=value.dtype,
                         init=initializer.Constant(value))

    @Parameter.grad_req.setter  # type: ignore[attr-defined]
    def grad_req(self, req: str) -> None:
        if req != "null":
            warnings.warn(f"Constant parameter '{self.name}' does not support grad_req other "
                          f"than 'null', and new value '{req}' is ignored.", stacklevel=2)
        self._grad_req = "null"


class ParameterDict:
    """An ordered dict of Parameters sharing a name prefix.

    Parameters
    ----------
    prefix : str, default ''
        Prepended to names given to :meth:`get`.
    shared : ParameterDict, optional
        Parameters looked up here before new ones are created (parameter sharing).

    See Also
    --------
    Parameter, Block.collect_params

    Examples
    --------
    >>> from minigluon import gluon
    >>> params = gluon.ParameterDict('net_')
    >>> w = params.get('weight', shape=(2, 2))
    >>> w.name, list(params.keys())
    ('net_weight', ['net_weight'])
    >>> params.get('weight') is w
    True
    """

    def __init__(self, prefix: str = "", shared: ParameterDict | None = None) -> None:
        self._prefix = prefix
        self._params: OrderedDict[str, Parameter] = OrderedDict()
        self._shared = shared

    def __repr__(self) -> str:
        body = "\n".join(f"  {p!r}" for p in self._params.values())
        name = f"{self._prefix} " if self._prefix else ""
        return f"{name}(\n{body}\n)"

    def __getitem__(self, key: str) -> Parameter:
        return self._params[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._params)

    def __len__(self) -> int:
        return len(self._params)

    def __contains__(self, key: object) -> bool:
        return key in self._params

    def items(self) -> Any:
        """(name, Parameter) pairs.

        See Also
        --------
        ParameterDict.keys, ParameterDict.values

        Examples
        --------
        >>> from minigluon import gluon
        >>> net = gluon.nn.Dense(2, in_units=3)
        >>> [k for k, _ in net.collect_params().items()]
        ['dense0_weight', 'dense0_bias']
        """
        return self._params.items()

    def keys(self) -> Any:
        """Parameter names.

        See Also
        --------
        ParameterDict.items, ParameterDict.values

        Examples
        --------
        >>> from minigluon import gluon
        >>> list(gluon.nn.Dense(2, in_units=3).collect_params().keys())
        ['dense0_weight', 'dense0_bias']
        """
        return self._params.keys()

    def values(self) -> Any:
        """The Parameters.

        See Also
        --------
        ParameterDict.items, ParameterDict.keys

        Examples
        --------
        >>> from minigluon import gluon
        >>> [p.shape for p in gluon.nn.Dense(2, in_units=3).collect_params().values()]
        [(2, 3), (2,)]
        """
        return self._params.values()

    @property
    def prefix(self) -> str:
        """Prefix of the names created by :meth:`get`.

        See Also
        --------
        ParameterDict.get, Block.prefix

        Examples
        --------
        >>> from minigluon import gluon
        >>> gluon.ParameterDict('model_').prefix
        'model_'
        """
        return self._prefix

    def _get_impl(self, name: str) -> Parameter | None:
        if name in self._params:
            return self._params[name]
        if self._shared is not None and name in self._shared._params:
            self._params[name] = self._shared._params[name]
            return self._shared._params[name]
        return None

    def get(self, name: str, **kwargs: Any) -> Parameter:
        """The Parameter ``prefix + name``, created with ``kwargs`` if it does not exist.

        Parameters
        ----------
        name : str
            Name without the dict's prefix.

        See Also
        --------
        ParameterDict.get_constant, prefix
        Parameter

        Examples
        --------
        >>> from minigluon import gluon
        >>> d = gluon.ParameterDict('a_')
        >>> d.get('w', shape=(3, 0), allow_deferred_init=True).shape
        (3, 0)
        >>> d.get('w', shape=(3, 4)).shape     # unknown dims are filled in
        (3, 4)
        """
        name = self._prefix + name
        param = self._get_impl(name)
        if param is None:
            param = self._params[name] = Parameter(name, **kwargs)
            param._in_dict = True
            return param
        for k, v in kwargs.items():
            existing = getattr(param, k, None)
            if k == "shape" and v is not None:
                v = (v,) if isinstance(v, int) else tuple(v)
                if existing is not None and len(v) == len(existing) and all(
                        a == b or 0 in (a, b) for a, b in zip(v, existing)):
                    param._shape = tuple(max(a, b) for a, b in zip(v, existing))
                    continue
            if k == "dtype" and existing is not None and v is not None and (
                    np.dtype(as_dtype(v)) == np.dtype(as_dtype(existing))):
                continue
            if existing is None and hasattr(param, k):
                setattr(param, k, v)  # an attribute the stored Parameter left unset
                continue
            if v is not None and existing is not None and existing != v and k != "init":
                raise AssertionError(
                    f"Cannot retrieve Parameter '{name}' because desired attribute does not "
                    f"match with stored for attribute '{k}': desired '{v}' vs stored "
                    f"'{existing}'.")
        return param

    def get_constant(self, name: str, value: Any = None) -> Constant:
        """The Constant ``prefix + name`` (created from ``value`` if new).

        Parameters
        ----------
        name : str
            Name without the dict's prefix.
        value : array_like, optional
            Value of a new Constant; None when it must exist already.

        See Also
        --------
        ParameterDict.get, Constant

        Examples
        --------
        >>> from minigluon import gluon
        >>> d = gluon.ParameterDict('a_')
        >>> d.get_constant('c', [1, 2]).name
        'a_c'
        """
        name = self._prefix + name
        param = self._get_impl(name)
        if param is None:
            if value is None:
                raise KeyError(f"No constant named '{name}'. Please specify value if you want "
                               "to create a new constant.")
            param = self._params[name] = Constant(name, value)
            param._in_dict = True
        elif not isinstance(param, Constant):
            raise TypeError(f"Parameter '{name}' already exists but it is not a constant.")
        return param

    def update(self, other: ParameterDict | dict) -> None:
        """Add the Parameters of ``other`` (a name may not refer to two different objects).

        Parameters
        ----------
        other : ParameterDict or dict
            Parameters to add; a name already bound to another Parameter raises.

        See Also
        --------
        ParameterDict.get, Block.collect_params

        Examples
        --------
        >>> from minigluon import gluon
        >>> a, b = gluon.ParameterDict('a_'), gluon.ParameterDict('b_')
        >>> _ = a.get('w', shape=(1,)); _ = b.get('w', shape=(1,))
        >>> a.update(b)
        >>> list(a.keys())
        ['a_w', 'b_w']
        """
        for k, v in other.items():
            if k in self._params and self._params[k] is not v:
                raise ValueError(f"Cannot update self with other because they have different "
                                 f"Parameters with the same name '{k}'")
            self._params[k] = v
            v._in_dict = True

    def initialize(self, init: Any = None, ctx: Any = None, verbose: bool = False,
                   force_reinit: bool = False) -> None:
        """Initialize every Parameter (``init`` is the default for those without their own).

        Parameters
        ----------
        init : Initializer, optional
            Initializer of the Parameters that have none of their own; None means ``Uniform()``.
        ctx : Context or list of Context, optional
            Device(s) holding the values; None means the current context.
        verbose : bool, default False
            Accepted for MXNet compatibility; nothing is printed.
        force_reinit : bool, default False
            Re-initialize Parameters that already have values.

        See Also
        --------
        Parameter.initialize, Block.initialize
        minigluon.initializer

        Examples
        --------
        >>> import minigluon as mx
        >>> from minigluon import gluon
        >>> net = gluon.nn.Dense(2, in_units=2)
        >>> net.collect_params().initialize(mx.init.One())
        >>> net.weight.data()
        <BLANKLINE>
        [[1. 1.]
         [1. 1.]]
        <NDArray 2x2 @cpu(0)>
        """
        init = initializer.Uniform() if init is None else init
        if verbose:
            initializer.create(init).set_verbosity(verbose=verbose)
        for p in self.values():
            p.initialize(None, ctx, init, force_reinit=force_reinit)

    def zero_grad(self) -> None:
        """Set every gradient to zero.

        See Also
        --------
        Parameter.zero_grad, Block.zero_grad

        Examples
        --------
        >>> from minigluon import gluon
        >>> net = gluon.nn.Dense(2, in_units=2)
        >>> net.initialize()
        >>> net.collect_params().zero_grad()
        """
        for p in self.values():
            p.zero_grad()

    def reset_ctx(self, ctx: Any) -> None:
        """Move every Parameter to ``ctx`` (checks ``ctx``; there is one device).

        Parameters
        ----------
        ctx : Context or list of Context
            New device(s) of every Parameter.

        See Also
        --------
        Parameter.reset_ctx, ParameterDict.list_ctx

        Examples
        --------
        >>> import minigluon as mx
        >>> from minigluon import gluon
        >>> gluon.nn.Dense(2).collect_params().reset_ctx(mx.cpu())
        """
        for p in self.values():
            p.reset_ctx(ctx)

    def list_ctx(self) -> list[Context]:
        """Devices used: ``[cpu(0)]``.

        See Also
        --------
        ParameterDict.reset_ctx, Parameter.list_ctx

        Examples
        --------
        >>> from minigluon import gluon
        >>> gluon.nn.Dense(2).collect_params().list_ctx()
        [cpu(0)]
        """
        return [cpu(0)]

    def setattr(self, name: str, value: Any) -> None:
        """Set an attribute on every Parameter, e.g. ``('grad_req', 'null')`` to freeze.

        Parameters
        ----------
        name : str
            Attribute name, e.g. ``'grad_req'`` or ``'lr_mult'``.
        value : str, float or Initializer
            Value set on every Parameter.

        See Also
        --------
        Parameter.grad_req, Block.collect_params

        Examples
        --------
        >>> from minigluon import gluon
        >>> params = gluon.nn.Dense(2, in_units=2).collect_params()
        >>> params.setattr('lr_mult', 0.5)
        >>> [p.lr_mult for p in params.values()]
        [0.5, 0.5]
        """
        for p in self.values():
            setattr(p, name, value)

    def save(self, filename: str, strip_prefix: str = "") -> None:
        """Save with full names (the legacy format; prefer ``Block.save_parameters``).

        Parameters
        ----------
        filename : str
            Path of the file written.
        strip_prefix : str, default ''
            Removed from the front of each name; every name must start with it.

        See Also
        --------
        ParameterDict.load
        Block.save_parameters : Structural names; the usual way to save a model.

        Examples
        --------
        >>> import os, tempfile
        >>> import minigluon as mx
        >>> from minigluon import gluon
        >>> net = gluon.nn.Dense(2, in_units=2)
        >>> net.initialize()
        >>> path = os.path.join(tempfile.mkdtemp(), 'p.params')
        >>> net.collect_params().save(path, strip_prefix='dense0_')
        >>> sorted(mx.nd.load(path))
        ['bias', 'weight']
        """
        arg = {}
        for p in self.values():
            if strip_prefix and not p.name.startswith(strip_prefix):
                raise ValueError(f"Prefix '{strip_prefix}' is to be striped before saving, but "
                                 f"Parameter's name '{p.name}' does not start with "
                                 f"'{strip_prefix}'. this may be due to your Block shares "
                                 "parameters from other Blocks or you forgot to use "
                                 "'with name_scope()' when creating child blocks. For more "
                                 "info on naming, please see https://mxnet.io/api/python/docs/"
                                 "tutorials/packages/gluon/blocks/naming.html")
            arg[p.name[len(strip_prefix):]] = p.data()
        nd_save(filename, arg)

    def load(self, filename: str, ctx: Any = None, allow_missing: bool = False,
             ignore_extra: bool = False, restore_prefix: str = "", cast_dtype: bool = False,
             dtype_source: str = "current") -> None:
        """Load parameters saved by :meth:`save` (or MXNet's ``export``: ``arg:``/``aux:``).

        Like :meth:`Block.load_parameters`: every missing, unexpected and mis-shaped name is
        reported in one ``MismatchError``, and nothing is loaded then.

        Parameters
        ----------
        filename : str
            Path of the file read.
        ctx : Context or list of Context, optional
            Device(s) to load onto.
        allow_missing : bool, default False
            If True, Parameters absent from the file keep their values; otherwise they raise.
        ignore_extra : bool, default False
            If True, names in the file that the dict lacks are ignored; otherwise they raise.
        restore_prefix : str, default ''
            Prepended to every name read from the file.
        cast_dtype : bool, default False
            Cast the loaded values when the dtypes differ.
        dtype_source : {'current', 'saved'}, default 'current'
            With ``cast_dtype``, keep the Parameters' dtype or take the file's.

        See Also
        --------
        ParameterDict.save, ParameterDict.load_dict
        Block.load_parameters

        Examples
        --------
        >>> import os, tempfile
        >>> import minigluon as mx
        >>> from minigluon import gluon
        >>> a = gluon.nn.Dense(2, in_units=2, prefix='fc_'); a.initialize(mx.init.One())
        >>> path = os.path.join(tempfile.mkdtemp(), 'p.params')
        >>> a.collect_params().save(path)
        >>> b = gluon.nn.Dense(2, in_units=2, prefix='fc_'); b.initialize()
        >>> b.collect_params().load(path)
        >>> b.weight.data().asnumpy().tolist()
        [[1.0, 1.0], [1.0, 1.0]]
        """
        check_ctx(ctx)
        # MXNet's export writes 'arg:<name>' / 'aux:<name>' (what SymbolBlock.imports reads).
        arrays = {restore_prefix + (k[4:] if k.startswith(("arg:", "aux:")) else k): v
                  for k, v in read(filename).items()}
        load_arrays(self._params, arrays, filename=filename, full_names=True,
                    restore_prefix=restore_prefix, allow_missing=allow_missing,
                    ignore_extra=ignore_extra, cast_dtype=cast_dtype, dtype_source=dtype_source)

    def load_dict(self, param_dict: dict, ctx: Any = None, allow_missing: bool = False,
                  ignore_extra: bool = False, cast_dtype: bool = False,
                  dtype_source: str = "current") -> None:
        """Load from a dict of name -> NDArray (names as in this dict); errors as :meth:`load`.

        Parameters
        ----------
        param_dict : dict of str to NDArray
            Values by full Parameter name.
        ctx : Context or list of Context, optional
            Device(s) to load onto.
        allow_missing : bool, default False
            If True, Parameters absent from the dict keep their values.
        ignore_extra : bool, default False
            If True, names the ParameterDict lacks are ignored.
        cast_dtype : bool, default False
            Cast the loaded values when the dtypes differ.
        dtype_source : {'current', 'saved'}, default 'current'
            With ``cast_dtype``, keep the Parameters' dtype or take the loaded one.

        See Also
        --------
        ParameterDict.load, Parameter.set_data

        Examples
        --------
        >>> from minigluon import gluon, nd
        >>> params = gluon.ParameterDict()
        >>> p = params.get('w', shape=(2,))
        >>> params.load_dict({'w': nd.array([3, 4])})
        >>> p.data().asnumpy().tolist()
        [3.0, 4.0]
        """
        arrays = {k: v._data if isinstance(v, NDArray) else np.asarray(v)
                  for k, v in param_dict.items()}
        load_arrays(self._params, arrays, filename=None, full_names=True,
                    allow_missing=allow_missing, ignore_extra=ignore_extra,
                    cast_dtype=cast_dtype, dtype_source=dtype_source)
