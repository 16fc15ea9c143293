"""``Block`` and ``HybridBlock``: registration, traversal, hooks, saving and calling.

Registration works like PyTorch's ``Module.__setattr__``: assigning a Block registers a child,
assigning a Parameter registers a parameter (one made on its own takes the block's prefix).
Names shown to users (``dense0_weight``) come from ``name_scope.py``; files are keyed by structural
paths (``body.0.weight``), which do not depend on construction order. Hybridization (tracing to
a symbolic graph) lives in its own module, parameter files in ``param_files.py``.
"""

from __future__ import annotations

import itertools
import re
import warnings
from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any

from .. import initializer
from .. import ndarray as nd
from .. import symbol as sym
from ..autograd import STATE
from ..base import MXNetError
from ..symbol.symbol import Symbol
from .deferred import finish_deferred
from .hooks import HookHandle
from .hybrid import (
    CACHE_FORWARDS,
    HybridCache,
    graph_params,
    input_kinds,
    trace,
    traced_output,
    tree_flatten,
)
from .name_scope import BlockScope
from .op_hook import make_monitor
from .param_files import load_arrays, read
from .parameter import Parameter, ParameterDict
from .summary import print_summary

__all__ = ["Block", "HybridBlock"]

# The chain of blocks currently being called, innermost last: errors raised inside a forward
# pass name the block where they happened by its structural path ("body.0").
_CALL_STACK: list[Block] = []


def _block_path(stack: list[Block]) -> str:
    parts = []
    # a block traced for hybridize appears twice in a row (its NDArray call, then its trace)
    stack = [b for i, b in enumerate(stack) if i == 0 or b is not stack[i - 1]]
    for parent, child in itertools.pairwise(stack):
        key = next((k for k, v in parent._children.items() if v is child), None)
        parts.append(key if key is not None else child.name)
    return ".".join(parts)


def _shapes(args: tuple) -> str:
    return ", ".join(str(a.shape) if hasattr(a, "shape") else type(a).__name__ for a in args)


class Block:
    """Base class of all layers and models: holds Parameters and child Blocks.

    Subclass it, create children and parameters in ``__init__`` (inside
    ``with self.name_scope():`` to get nested names), and compute in ``forward``.

    Parameters
    ----------
    prefix : str, optional
        Name prefix of this block's parameters and children (default: ``<classname><n>_``).
    params : ParameterDict, optional
        Parameters to share with another block.

    See Also
    --------
    HybridBlock : A Block that can be compiled to a graph with ``hybridize()``.
    minigluon.gluon.nn.Sequential : Chain Blocks without writing a class.
    Parameter, Trainer

    Examples
    --------
    >>> import minigluon as mx
    >>> from minigluon import gluon, nd
    >>> class Model(gluon.Block):
    ...     def __init__(self, **kwargs):
    ...         super().__init__(**kwargs)
    ...         with self.name_scope():
    ...             self.hidden = gluon.nn.Dense(4, activation='relu')
    ...             self.output = gluon.nn.Dense(2)
    ...     def forward(self, x):
    ...         return self.output(self.hidden(x))
    >>> net = Model(prefix='model_')
    >>> net.initialize()
    >>> net(nd.ones((3, 5))).shape
    (3, 2)
    >>> sorted(net.collect_params().keys())[:2]
    ['model_dense0_bias', 'model_dense0_weight']
    """

    def __init__(self, prefix: str | None = None, params: ParameterDict | None = None) -> None:
        object.__setattr__(self, "_children", OrderedDict())
        object.__setattr__(self, "_reg_params", {})
        self._empty_prefix = prefix == ""
        self._prefix, self._params = BlockScope.create(prefix, params, self._alias())
        self._name = self._prefix[:-1] if self._prefix.endswith("_") else self._prefix
        self._scope = BlockScope(self)
        self._forward_hooks: OrderedDict[int, Callable] = OrderedDict()
        self._forward_pre_hooks: OrderedDict[int, Callable] = OrderedDict()

    def _alias(self) -> str:
        return self.__class__.__name__.lower()

    def __repr__(self) -> str:
        lines = [f"  ({key}): " + _indent(repr(block)) for key, block in self._children.items()]
        body = "\n".join(lines)
        return f"{self.__class__.__name__}(\n{body}\n)" if lines else \
            f"{self.__class__.__name__}(\n)"

    # -- registration ------------------------------------------------------------------------
    def __setattr__(self, name: str, value: Any) -> None:
        if "_children" not in self.__dict__:  # before Block.__init__ (MXNet allows this)
            object.__setattr__(self, name, value)
            return
        existing = self.__dict__.get(name, self._children.get(name, self._reg_params.get(name)))
        if isinstance(existing, (Parameter, Block)) and not isinstance(value, type(existing)):
            raise TypeError(f"Changing attribute type for {name} from {type(existing)} to "
                            f"{type(value)}is not allowed.")
        if isinstance(value, Block):
            self.register_child(value, name)
        elif isinstance(value, Parameter):
            self._register_parameter(name, value)
        elif _holds_blocks(value):
            # minigluon addition: say so when it happens, not only at collect_params time.
            warnings.warn(_container_warning(self, name), stacklevel=2)
        object.__setattr__(self, name, value)

    def _register_parameter(self, name: str, param: Parameter) -> None:
        if name in self._reg_params and self._reg_params[name] is not param:
            raise MXNetError(
                f"Overriding Parameter attribute {name} is not allowed. If you want to share "
                "parameters between blocks, please set 'params' at Block construction "
                "instead.")
        # minigluon addition (PyTorch's rule): the Parameter also joins this block's
        # ParameterDict, so collect_params, initialize, Trainer and hybridize see it. MXNet 1.x
        # only noted it in _reg_params, and the first forward then failed with "has not been
        # initialized". One made on its own (Parameter('w')) takes the block's prefix, as
        # params.get('w') would; one already in a ParameterDict (shared) keeps its name.
        full = param.name if param._in_dict else self._prefix + param.name
        taken = self._params._params.get(full)
        if taken is not None and taken is not param:
            raise ValueError(
                f"Cannot register Parameter attribute '{name}' as '{full}': "
                f"{type(self).__name__} '{self.name}' already has another Parameter of that "
                "name; give the new one another name")
        if not param._in_dict:
            param.name, param._var, param._in_dict = full, None, True
        self._params._params[full] = param
        self._reg_params[name] = param

    def __getattr__(self, name: str) -> Any:
        # Only called when normal lookup fails: children registered via register_child(name).
        children = self.__dict__.get("_children", {})
        if name in children:
            return children[name]
        raise AttributeError(f"'{type(self).__name__}' object has no attribute '{name}'")

    def register_child(self, block: Block, name: str | None = None) -> None:
        """Register ``block`` as a child, under ``name`` (default: its index as a string).

        Parameters
        ----------
        block : Block
            The child block.
        name : str, optional
            Key of the child; None uses the next free integer index as a string.

        See Also
        --------
        Block.collect_params, named_blocks
        minigluon.gluon.nn.Sequential.add : Register children in order.

        Examples
        --------
        >>> from minigluon import gluon
        >>> net = gluon.Block()
        >>> for i in range(2):
        ...     net.register_child(gluon.nn.Dense(3), f"layer{i}")
        >>> list(net._children)
        ['layer0', 'layer1']
        """
        if name is None:
            name = str(len(self._children))
        self._children[name] = block

    def _check_container_with_block(self) -> None:
        registered = {id(c) for c in self._children.values()}
        for name, value in self.__dict__.items():
            if name in ("_children", "_reg_params") or name.startswith("__"):
                continue
            if _holds_blocks(value, registered):
                warnings.warn(_container_warning(self, name), stacklevel=3)

    # -- naming ------------------------------------------------------------------------------
    @property
    def prefix(self) -> str:
        """Prefix of this block's names (``'dense0_'``).

        See Also
        --------
        Block.name, name_scope
        minigluon.name.NameManager

        Examples
        --------
        >>> from minigluon import gluon
        >>> gluon.nn.Dense(2, prefix='fc_').prefix
        'fc_'
        """
        return self._prefix

    @property
    def name(self) -> str:
        """The prefix without its trailing underscore (``'dense0'``).

        See Also
        --------
        Block.prefix, name_scope

        Examples
        --------
        >>> from minigluon import gluon
        >>> gluon.nn.Dense(2, prefix='fc_').name
        'fc'
        """
        return self._name

    def name_scope(self) -> BlockScope:
        """Scope in which new blocks get this block's prefix (``model0_dense0_``).

        See Also
        --------
        Block.prefix
        minigluon.name.Prefix : The name manager it enters.

        Examples
        --------
        >>> from minigluon import gluon
        >>> net = gluon.nn.Sequential(prefix='net_')
        >>> with net.name_scope():
        ...     net.add(gluon.nn.Dense(2))
        >>> net[0].prefix
        'net_dense0_'
        """
        return self._scope

    @property
    def params(self) -> ParameterDict:
        """This block's own Parameters (not its children's: see :meth:`collect_params`).

        See Also
        --------
        Block.collect_params : This block's Parameters and its children's.
        ParameterDict

        Examples
        --------
        >>> from minigluon import gluon
        >>> list(gluon.nn.Dense(2, in_units=3).params.keys())
        ['dense0_weight', 'dense0_bias']
        """
        return self._params

    # -- traversal ---------------------------------------------------------------------------
    def named_blocks(self, prefix: str = "") -> Iterator[tuple[str, Block]]:
        """Yield ``(path, block)`` for this block and every descendant, once each.

        Paths are structural: ``''`` for this block, ``'0'``, ``'body.1'`` below it.

        Parameters
        ----------
        prefix : str, default ''
            Prepended to every name (``prefix + '.' + path``).

        See Also
        --------
        Block.apply, register_child, collect_params

        Examples
        --------
        >>> from minigluon import gluon
        >>> net = gluon.nn.HybridSequential()
        >>> net.add(gluon.nn.Dense(3), gluon.nn.Dense(2))
        >>> [path for path, _ in net.named_blocks()]
        ['', '0', '1']
        """
        seen: set[int] = set()

        def walk(block: Block, path: str) -> Iterator[tuple[str, Block]]:
            if id(block) in seen:
                return
            seen.add(id(block))
            yield path, block
            for key, child in block._children.items():
                yield from walk(child, f"{path}.{key}" if path else key)

        yield from walk(self, prefix)

    def collect_params(self, select: str | None = None) -> ParameterDict:
        """The Parameters of this block and all its descendants.

        Parameters
        ----------
        select : str, optional
            Regular expression; only Parameters whose full name matches (``re.match``) are kept,
            e.g. ``'.*weight|.*bias'``.

        See Also
        --------
        Block.params : This block's own Parameters only.
        ParameterDict.initialize, ParameterDict.setattr
        Trainer : Updates the Parameters collected here.

        Examples
        --------
        >>> from minigluon import gluon
        >>> net = gluon.nn.HybridSequential(prefix='net_')
        >>> with net.name_scope():
        ...     net.add(gluon.nn.Dense(3, in_units=2), gluon.nn.Dense(1, in_units=3))
        >>> list(net.collect_params('.*weight').keys())
        ['net_dense0_weight', 'net_dense1_weight']
        """
        self._check_container_with_block()
        ret = ParameterDict(self._params.prefix)
        pattern = re.compile(select) if select else None
        for _, block in self.named_blocks():
            for name, p in block.params.items():
                if pattern is None or pattern.match(name):
                    ret._params.setdefault(name, p)
        return ret

    def _collect_params_with_prefix(self, prefix: str = "") -> dict[str, Parameter]:
        if prefix:
            prefix += "."
        ret = {prefix + key: val for key, val in self._reg_params.items()}
        for name, child in self._children.items():
            ret.update(child._collect_params_with_prefix(prefix + name))
        return ret

    def apply(self, fn: Callable[[Block], Any]) -> Block:
        """Call ``fn`` on every child (recursively), then on this block; returns self.

        Parameters
        ----------
        fn : callable
            Called as ``fn(block)`` on every child, depth first, then on this block.

        See Also
        --------
        Block.named_blocks, Block.initialize

        Examples
        --------
        >>> from minigluon import gluon
        >>> net = gluon.nn.HybridSequential()
        >>> net.add(gluon.nn.Dense(3), gluon.nn.Dense(2))
        >>> names = []
        >>> _ = net.apply(lambda b: names.append(type(b).__name__))
        >>> names
        ['Dense', 'Dense', 'HybridSequential']
        """
        for child in self._children.values():
            child.apply(fn)
        fn(self)
        return self

    # -- parameters --------------------------------------------------------------------------
    def initialize(self, init: Any = None, ctx: Any = None, verbose: bool = False,
                   force_reinit: bool = False) -> None:
        """Initialize all Parameters (``collect_params().initialize``); default Uniform(0.07).

        Shapes not known yet are initialized at the first forward pass.

        Parameters
        ----------
        init : Initializer, optional
            Initializer of the Parameters that have none of their own; None means ``Uniform()``.
        ctx : Context or list of Context, optional
            Device(s) holding the values; None means the current context.
        verbose : bool, default False
            Accepted for MXNet compatibility; nothing is printed.
        force_reinit : bool, default False
            Re-initialize Parameters that already have values (otherwise they are kept, with a
            warning).

        See Also
        --------
        ParameterDict.initialize : The same on a chosen set of Parameters.
        Parameter.initialize
        minigluon.initializer : The initializers to choose from.

        Examples
        --------
        >>> import minigluon as mx
        >>> from minigluon import gluon, nd
        >>> net = gluon.nn.Dense(2)
        >>> net.initialize(mx.init.One())
        >>> net(nd.ones((1, 3)))
        <BLANKLINE>
        [[3. 3.]]
        <NDArray 1x2 @cpu(0)>
        """
        self.collect_params().initialize(init if init is not None else initializer.Uniform(),
                                         ctx, verbose, force_reinit)

    def zero_grad(self) -> None:
        """Set the gradients of all Parameters to zero (a minigluon convenience).

        See Also
        --------
        Parameter.zero_grad, Parameter.grad_req
        Trainer.step

        Examples
        --------
        >>> from minigluon import gluon
        >>> net = gluon.nn.Dense(2, in_units=2)
        >>> net.initialize()
        >>> net.zero_grad()
        """
        self.collect_params().zero_grad()

    def cast(self, dtype: Any) -> None:
        """Convert all Parameters to ``dtype`` (children first).

        Parameters
        ----------
        dtype : str or numpy dtype
            Data type every Parameter is converted to.

        See Also
        --------
        Parameter.cast, HybridBlock.cast

        Examples
        --------
        >>> from minigluon import gluon
        >>> net = gluon.nn.Dense(2, in_units=2)
        >>> net.initialize()
        >>> net.cast('float64')
        >>> net.weight.data().dtype
        <class 'numpy.float64'>
        """
        for child in self._children.values():
            child.cast(dtype)
        for p in self.params.values():
            p.cast(dtype)

    def save_parameters(self, filename: str, deduplicate: bool = False) -> None:
        """Save the Parameters keyed by structural path (``'0.weight'``, ``'body.1.bias'``).

        The file is MXNet's NDArray format (no pickle); keys do not depend on name prefixes,
        so any instance of the same architecture can load it.

        Parameters
        ----------
        filename : str
            Path of the file written.
        deduplicate : bool, default False
            Save a Parameter shared by several children once, under its first name.

        See Also
        --------
        Block.load_parameters : Read the file back.
        HybridBlock.export : Save the graph too, for SymbolBlock.imports.
        minigluon.ndarray.save

        Examples
        --------
        >>> import os, tempfile
        >>> import minigluon as mx
        >>> from minigluon import gluon
        >>> net = gluon.nn.HybridSequential()
        >>> net.add(gluon.nn.Dense(3, in_units=2), gluon.nn.Dense(1, in_units=3))
        >>> net.initialize()
        >>> path = os.path.join(tempfile.mkdtemp(), 'net.params')
        >>> net.save_parameters(path)
        >>> sorted(mx.nd.load(path))
        ['0.bias', '0.weight', '1.bias', '1.weight']
        """
        params = self._collect_params_with_prefix()
        if deduplicate:
            seen: dict[int, str] = {}
            params = {k: v for k, v in params.items() if seen.setdefault(id(v), k) == k}
        nd.save(filename, {k: v.data() for k, v in params.items()})

    def load_parameters(self, filename: str, ctx: Any = None, allow_missing: bool = False,
                        ignore_extra: bool = False, cast_dtype: bool = False,
                        dtype_source: str = "current") -> None:
        """Load Parameters saved by :meth:`save_parameters` (or, legacy, by prefixed name).

        Every missing, unexpected and mis-shaped name is reported in one error, each with the
        closest names on the other side; nothing is unpickled.

        Parameters
        ----------
        filename : str
            Path of a file written by ``save_parameters``.
        ctx : Context or list of Context, optional
            Device(s) to load onto; None means the current context.
        allow_missing : bool, default False
            If True, Parameters absent from the file keep their values; otherwise they raise.
        ignore_extra : bool, default False
            If True, names in the file that the block lacks are ignored; otherwise they raise.
        cast_dtype : bool, default False
            Cast the loaded values when the dtypes differ.
        dtype_source : {'current', 'saved'}, default 'current'
            With ``cast_dtype``, keep the block's dtype (``'current'``) or take the file's
            (``'saved'``).

        See Also
        --------
        Block.save_parameters
        ParameterDict.load : Files with full (prefixed) parameter names.
        SymbolBlock.imports

        Examples
        --------
        >>> import os, tempfile
        >>> import minigluon as mx
        >>> from minigluon import gluon
        >>> def make():
        ...     net = gluon.nn.HybridSequential()
        ...     net.add(gluon.nn.Dense(3, in_units=2), gluon.nn.Dense(1, in_units=3))
        ...     return net
        >>> a = make(); a.initialize(mx.init.One())
        >>> path = os.path.join(tempfile.mkdtemp(), 'net.params')
        >>> a.save_parameters(path)
        >>> b = make()
        >>> b.load_parameters(path)
        >>> float(b[0].weight.data().sum().asscalar())
        6.0
        """
        arrays = read(filename)
        params = self._collect_params_with_prefix()
        if not arrays and not params:
            return
        if not any("." in k for k in arrays):
            # Legacy files (ParameterDict.save / MXNet save_params) are keyed by full names.
            self.collect_params().load(filename, ctx, allow_missing, ignore_extra, self.prefix,
                                       cast_dtype, dtype_source)
            return
        load_arrays(params, arrays, filename=filename, full_names=False,
                    allow_missing=allow_missing, ignore_extra=ignore_extra,
                    cast_dtype=cast_dtype, dtype_source=dtype_source)

    def save_params(self, filename: str) -> None:
        """Deprecated: use :meth:`save_parameters`.

        Parameters
        ----------
        filename : str
            Path of the file written.

        See Also
        --------
        Block.save_parameters : The name to use.
        Block.load_params

        Examples
        --------
        >>> import os, tempfile, warnings
        >>> from minigluon import gluon
        >>> net = gluon.nn.Dense(1, in_units=1); net.initialize()
        >>> with warnings.catch_warnings(record=True):
        ...     warnings.simplefilter('always')
        ...     net.save_params(os.path.join(tempfile.mkdtemp(), 'x.params'))
        """
        warnings.warn("save_params is deprecated. Please use save_parameters.", stacklevel=2)
        self.collect_params().save(filename, strip_prefix=self.prefix)

    def load_params(self, filename: str, ctx: Any = None, allow_missing: bool = False,
                    ignore_extra: bool = False) -> None:
        """Deprecated: use :meth:`load_parameters`.

        Parameters
        ----------
        filename : str
            Path of the file read.
        ctx : Context or list of Context, optional
            Device(s) to load onto.
        allow_missing : bool, default False
            If True, Parameters absent from the file keep their values.
        ignore_extra : bool, default False
            If True, names in the file that the block lacks are ignored.

        See Also
        --------
        Block.load_parameters : The name to use.
        Block.save_params

        Examples
        --------
        >>> import os, tempfile, warnings
        >>> from minigluon import gluon
        >>> net = gluon.nn.Dense(1, in_units=1); net.initialize()
        >>> path = os.path.join(tempfile.mkdtemp(), 'x.params')
        >>> with warnings.catch_warnings(record=True):
        ...     warnings.simplefilter('always')
        ...     net.save_params(path); net.load_params(path)
        """
        warnings.warn("load_params is deprecated. Please use load_parameters.", stacklevel=2)
        self.load_parameters(filename, ctx, allow_missing, ignore_extra)

    # -- hooks and calling -------------------------------------------------------------------
    def register_forward_pre_hook(self, hook: Callable[[Block, tuple], Any]) -> HookHandle:
        """Call ``hook(block, inputs)`` before every forward; returns a detachable handle.

        Parameters
        ----------
        hook : callable
            Called as ``hook(block, inputs)`` before each forward.

        See Also
        --------
        Block.register_forward_hook
        minigluon.gluon.utils.HookHandle : What it returns.

        Examples
        --------
        >>> from minigluon import gluon, nd
        >>> net = gluon.nn.Dense(2, in_units=3); net.initialize()
        >>> handle = net.register_forward_pre_hook(lambda b, x: print('in', x[0].shape))
        >>> _ = net(nd.ones((4, 3)))
        in (4, 3)
        >>> handle.detach()
        """
        handle = HookHandle()
        handle.attach(self._forward_pre_hooks, hook)
        return handle

    def register_forward_hook(self, hook: Callable[[Block, tuple, Any], Any]) -> HookHandle:
        """Call ``hook(block, inputs, output)`` after every forward; returns a handle.

        Parameters
        ----------
        hook : callable
            Called as ``hook(block, inputs, outputs)`` after each forward.

        See Also
        --------
        Block.register_forward_pre_hook
        minigluon.gluon.utils.HookHandle : What it returns.
        minigluon.gluon.utils.create_feature_extractor : Collect outputs of inner blocks.

        Examples
        --------
        >>> from minigluon import gluon, nd
        >>> net = gluon.nn.HybridSequential()
        >>> net.add(gluon.nn.Dense(4, in_units=3), gluon.nn.Dense(2, in_units=4))
        >>> net.initialize()
        >>> shapes = {}
        >>> with net[0].register_forward_hook(lambda b, x, y: shapes.update(hidden=y.shape)):
        ...     _ = net(nd.ones((5, 3)))
        >>> shapes
        {'hidden': (5, 4)}
        """
        handle = HookHandle()
        handle.attach(self._forward_hooks, hook)
        return handle

    def register_op_hook(self, callback: Callable[[str, str, Any], Any],
                         monitor_all: bool = False) -> None:
        """Call ``callback(name, op_name, array)`` for every op a hybridized child runs.

        Only hybridized blocks run ops one by one in a graph; a plain Block passes the hook
        to its children.

        Parameters
        ----------
        callback : callable
            Called as ``callback(name, op_name, array)`` for each operator output.
        monitor_all : bool, default False
            Also call it for each operator's inputs.

        See Also
        --------
        HybridBlock.register_op_hook : What a hybridizable child does with it.
        Block.register_forward_hook : A hook per block instead of per op.

        Examples
        --------
        >>> from minigluon import gluon, nd
        >>> class Net(gluon.Block):
        ...     def __init__(self):
        ...         super().__init__(prefix='net_')
        ...         with self.name_scope():
        ...             self.body = gluon.nn.Dense(2, in_units=3)
        ...     def forward(self, x):
        ...         return self.body(x)
        >>> net = Net(); net.initialize(); net.hybridize()
        >>> net.register_op_hook(lambda name, op, arr: print(name, op, arr.shape))
        >>> _ = net(nd.ones((1, 3)))
        net_dense0_fwd_output FullyConnected (1, 2)
        """
        for child in self._children.values():
            child.register_op_hook(callback, monitor_all)

    def __call__(self, *args: Any) -> Any:
        _CALL_STACK.append(self)
        try:
            if args and (isinstance(args[0], Symbol) or (
                    not isinstance(args[0], nd.NDArray) and input_kinds(args)[0])):
                out = self._call_traced_with_hooks(args)
                traced_output(self, out)
                return out
            if not (self._forward_pre_hooks or self._forward_hooks):
                return self.forward(*args)
            for hook in list(self._forward_pre_hooks.values()):
                hook(self, args)
            out = self.forward(*args)
            for hook in list(self._forward_hooks.values()):
                hook(self, args, out)
            return out
        except (MXNetError, ValueError, TypeError, AttributeError) as e:
            _name_block_in_error(e, _CALL_STACK, args)
            raise
        finally:
            _CALL_STACK.pop()

    def _call_traced_with_hooks(self, args: tuple) -> Any:
        # Inside a trace the hooks cannot run now (there are no values yet): compile them into
        # _tap nodes that call them with NDArrays whenever the graph runs.
        def wrap(hooks: list, with_output: bool) -> Callable:
            def fn(data: Any, *inputs: Any) -> None:
                arrays = tuple(nd.NDArray(a) for a in inputs)
                for hook in hooks:
                    if with_output:
                        hook(self, arrays, nd.NDArray(data))
                    else:
                        hook(self, arrays)
            return fn

        tap = sym._internal._tap
        symbols = [a for a in args if isinstance(a, Symbol)]
        if not (self._forward_pre_hooks or self._forward_hooks):
            return self.forward(*args)
        if self._forward_pre_hooks:
            pre = wrap(list(self._forward_pre_hooks.values()), with_output=False)
            first = tap(symbols[0], *symbols, fn=pre)
            args = (first, *args[1:])
        out = self.forward(*args)
        if self._forward_hooks and isinstance(out, Symbol) and len(out) == 1:
            out = tap(out, *symbols, fn=wrap(list(self._forward_hooks.values()), True))
        return out

    def forward(self, *args: Any) -> Any:
        """Compute the output from the inputs (override this).

        Parameters
        ----------
        *args : NDArray
            The inputs the block is called with (``block(*args)``).

        See Also
        --------
        HybridBlock.hybrid_forward : Write this instead in a HybridBlock.
        Block.register_forward_hook

        Examples
        --------
        >>> from minigluon import gluon
        >>> gluon.Block().forward(1)
        Traceback (most recent call last):
        ...
        NotImplementedError
        """
        raise NotImplementedError

    def hybridize(self, active: bool = True, **kwargs: Any) -> None:
        """Hybridize every HybridBlock child (a plain Block itself stays imperative).

        Parameters
        ----------
        active : bool, default True
            Turn hybridization on (True) or off (False) for the HybridBlocks among the children.

        See Also
        --------
        HybridBlock.hybridize : What each hybridizable child does.

        Examples
        --------
        >>> from minigluon import gluon
        >>> class Net(gluon.Block):
        ...     def __init__(self):
        ...         super().__init__()
        ...         with self.name_scope():
        ...             self.body = gluon.nn.HybridSequential()
        ...             self.body.add(gluon.nn.Dense(2))
        ...     def forward(self, x):
        ...         return self.body(x)
        >>> net = Net()
        >>> net.hybridize()       # compiles net.body; Net.forward stays Python
        >>> net.body._active
        True
        """
        for child in self._children.values():
            child.hybridize(active, **kwargs)

    def summary(self, *inputs: Any) -> None:
        """Print each layer's output shape and parameter count for ``inputs``.

        See Also
        --------
        minigluon.viz.print_summary : The same table for a Symbol graph.
        Block.collect_params

        Examples
        --------
        >>> from minigluon import gluon, nd
        >>> net = gluon.nn.HybridSequential()
        >>> net.add(gluon.nn.Dense(4, in_units=3), gluon.nn.Dense(2, in_units=4))
        >>> net.initialize()
        >>> net.summary(nd.ones((1, 3)))  # doctest: +NORMALIZE_WHITESPACE
        --------------------------------------------------------------------------------
                Layer (type)                                Output Shape         Param #
        ================================================================================
                       Input                                      (1, 3)               0
                    Dense-1                                       (1, 4)              16
                    Dense-2                                       (1, 2)              10
        ================================================================================
        Parameters in forward computation graph, duplicate included
           Total params: 26
           Trainable params: 26
           Non-trainable params: 0
        Shared params in forward computation graph: 0
        Unique parameters in model: 26
        --------------------------------------------------------------------------------
        """
        print_summary(self, inputs)


class HybridBlock(Block):
    """A Block whose computation is written once, ``hybrid_forward(F, x, ...)``, for ``F=nd``.

    Parameters registered as attributes are passed to ``hybrid_forward`` as keyword arguments
    named by the attribute. The same code can be traced into a symbolic graph (``F=sym``) by
    :meth:`hybridize`.

    Parameters
    ----------
    prefix : str, optional
        Name prefix of the block's Parameters and children (default: ``<classname><n>_``).
    params : ParameterDict, optional
        Parameters to share: the block uses these instead of making its own.

    See Also
    --------
    Block, SymbolBlock
    HybridBlock.hybridize, HybridBlock.export
    minigluon.gluon.nn.HybridSequential

    Examples
    --------
    >>> import minigluon as mx
    >>> from minigluon import gluon, nd
    >>> class Scale(gluon.HybridBlock):
    ...     def __init__(self, **kwargs):
    ...         super().__init__(**kwargs)
    ...         with self.name_scope():
    ...             self.alpha = self.params.get('alpha', shape=(1,), init=mx.init.One())
    ...     def hybrid_forward(self, F, x, alpha):
    ...         return F.broadcast_mul(x, alpha)
    >>> s = Scale()
    >>> s.initialize()
    >>> s(nd.array([1, 2]))
    <BLANKLINE>
    [1. 2.]
    <NDArray 2 @cpu(0)>
    """

    def __init__(self, prefix: str | None = None, params: ParameterDict | None = None) -> None:
        super().__init__(prefix=prefix, params=params)
        self._active = False
        self._flags: dict[str, Any] = {}
        self._cache = HybridCache()
        self._op_monitor: Callable | None = None

    def __call__(self, *args: Any) -> Any:
        # The fast path of a hybridized block: a graph is planned for this many NDArray
        # arguments in this mode, nothing records, no hook or op monitor is on this block and
        # its forward only calls the cache. Then the compiled plan runs on the arrays directly;
        # anything else (or an entry that returns None) takes Block.__call__'s full path.
        fast = self._cache.fast
        if fast and not STATE.recording:
            entry = fast.get((len(args), STATE.training))
            if (entry is not None and not self._forward_pre_hooks and not self._forward_hooks
                    and self._op_monitor is None and type(self).forward in CACHE_FORWARDS):
                try:
                    out = entry(args)
                except (MXNetError, ValueError, TypeError, AttributeError) as e:
                    _CALL_STACK.append(self)
                    _name_block_in_error(e, _CALL_STACK, args)
                    _CALL_STACK.pop()
                    raise
                if out is not None:
                    return out
        return Block.__call__(self, *args)

    def hybridize(self, active: bool = True, **kwargs: Any) -> None:
        """Mark this block (and its children) for symbolic execution.

        The next call traces ``hybrid_forward`` with ``F = sym`` once; later calls run the
        planned graph (one graph per input structure and train/predict mode).

        Parameters
        ----------
        active : bool, default True
            Run from a cached graph (True) or imperatively (False).

        See Also
        --------
        HybridBlock.export : Save the traced graph.
        HybridBlock.hybrid_forward, HybridBlock.infer_shape

        Examples
        --------
        >>> from minigluon import gluon, nd
        >>> net = gluon.nn.HybridSequential()
        >>> net.add(gluon.nn.Dense(2, in_units=2))
        >>> net.initialize()
        >>> net.hybridize()
        >>> net(nd.ones((1, 2))).shape
        (1, 2)
        """
        self._active = active
        self._flags = dict(kwargs)
        # MXNet warns here that hooks of hybridized children stop firing; ours keep firing
        # (they are compiled into the graph as _tap nodes), so there is nothing to warn about.
        self._clear_cached_op()
        super().hybridize(active, **kwargs)

    def register_op_hook(self, callback: Callable[[str, str, Any], Any],
                         monitor_all: bool = False) -> None:
        """Call ``callback(name, op_name, array)`` for every op output the hybridized graph runs.

        ``name`` is the node's output name as MXNet gives it (``dense0_fwd_output``; unnamed
        outputs are numbered, ``relu0_0``), ``op_name`` the operator (``FullyConnected``),
        ``array`` an NDArray. With ``monitor_all=True`` each op's inputs are reported too,
        before its outputs (``dense0_fwd_data``, ``dense0_fwd_weight``...). The hook fires
        only while the block runs hybridized; it applies to this block and its children.

        Parameters
        ----------
        callback : callable
            Called as ``callback(name, op_name, array)`` for each operator output.
        monitor_all : bool, default False
            Also call it for each operator's inputs.

        See Also
        --------
        HybridBlock.hybridize
        Block.register_forward_hook : A hook per block instead of per op.

        Examples
        --------
        >>> from minigluon import gluon, nd
        >>> net = gluon.nn.HybridSequential(prefix='mlp_')
        >>> with net.name_scope():
        ...     net.add(gluon.nn.Dense(2, in_units=3, activation='relu'))
        >>> net.initialize(); net.hybridize()
        >>> net.register_op_hook(lambda name, op, arr: print(name, op, arr.shape),
        ...                      monitor_all=True)
        >>> _ = net(nd.ones((1, 3)))
        mlp_dense0_fwd_data FullyConnected (1, 3)
        mlp_dense0_fwd_weight FullyConnected (2, 3)
        mlp_dense0_fwd_bias FullyConnected (2,)
        mlp_dense0_fwd_output FullyConnected (1, 2)
        mlp_dense0_relu_fwd_input0 Activation (1, 2)
        mlp_dense0_relu_fwd_output Activation (1, 2)
        """
        monitor = make_monitor(callback, monitor_all)
        self.apply(lambda block: setattr(block, "_op_monitor", monitor))

    def forward(self, x: Any, *args: Any) -> Any:
        """Run the block: the cached graph if hybridized, else ``hybrid_forward(nd, ...)``.

        Given Symbols instead of NDArrays, returns the Symbol of the whole computation (the
        way to reach ``get_internals()``).

        Parameters
        ----------
        x : NDArray or Symbol
            First input; Symbols make the block return the Symbol of its computation.

        See Also
        --------
        HybridBlock.hybrid_forward : What it calls.
        HybridBlock.hybridize

        Examples
        --------
        >>> from minigluon import gluon, nd, sym
        >>> d = gluon.nn.Dense(1, in_units=2, prefix='fc_'); d.initialize()
        >>> d.forward(nd.ones((1, 2))).shape
        (1, 1)
        >>> d(sym.var('data')).list_outputs()
        ['fc_fwd_output']
        """
        has_symbol, has_ndarray = input_kinds((x, *args))
        if has_symbol and has_ndarray:
            raise ValueError("In HybridBlock, we do not support mixed NDArrays and Symbols types "
                             "for the input. Please check the type of the args.\n")
        if not (has_symbol or has_ndarray):
            raise ValueError("In HybridBlock, there must be one NDArray or one Symbol in the "
                             "input. Please check the type of the args.\n")
        if has_symbol:
            params = {k: p.var() for k, p in self._reg_params.items()}
            with self.name_scope():
                return self.hybrid_forward(sym, x, *args, **params)
        if self._active:
            return self._cache(self, (x, *args))
        params = {k: p._value() for k, p in self._reg_params.items()}
        return self.hybrid_forward(nd, x, *args, **params)

    def export(self, path: str, epoch: int = 0, remove_amp_cast: bool = True) -> None:
        """Write the traced graph (``path-symbol.json``) and Parameters (``path-0000.params``).

        Parameter keys are ``arg:<name>`` and ``aux:<name>`` as in MXNet, so the pair loads with
        :meth:`SymbolBlock.imports`.

        Parameters
        ----------
        path : str
            Path prefix: writes ``path-symbol.json`` and ``path-%04d.params``.
        epoch : int, default 0
            Epoch number in the parameter file name.
        remove_amp_cast : bool, default True
            Accepted for MXNet compatibility (there are no AMP casts to remove).

        See Also
        --------
        SymbolBlock.imports : Load the exported files.
        Block.save_parameters : Parameters only.
        minigluon.symbol.load

        Examples
        --------
        >>> import os, tempfile
        >>> from minigluon import gluon, nd
        >>> net = gluon.nn.Dense(2, in_units=3)
        >>> net.initialize(); net.hybridize()
        >>> _ = net(nd.ones((1, 3)))
        >>> path = os.path.join(tempfile.mkdtemp(), 'dense')
        >>> net.export(path)
        >>> sorted(os.listdir(os.path.dirname(path)))
        ['dense-0000.params', 'dense-symbol.json']
        """
        graph = self._cache.symbol()
        if graph is None:
            raise RuntimeError("Please first call block.hybridize() and then run forward with "
                               "this block at least once before calling export.")
        graph.save(f"{path}-symbol.json")
        aux = set(graph.list_auxiliary_states())
        params = self.collect_params()
        arrays = {("aux:" if name in aux else "arg:") + name: params[name].data()
                  for name in graph.list_inputs() if name in params}
        nd.save(f"{path}-{epoch:04d}.params", arrays)

    def infer_shape(self, *args: Any) -> None:
        """Infer and set the shapes of deferred Parameters from input arrays, without running.

        See Also
        --------
        minigluon.symbol.Symbol.infer_shape
        Parameter.shape, Block.initialize

        Examples
        --------
        >>> from minigluon import gluon, nd
        >>> net = gluon.nn.Dense(4)
        >>> net.infer_shape(nd.ones((2, 7)))
        >>> net.weight.shape
        (4, 7)
        """
        outputs, names, _ = trace(self, args)
        flat = [a for a in tree_flatten(list(args))[0] if a is not None]
        finish_deferred(outputs._outputs, {n: a.shape for n, a in zip(names, flat)},
                        graph_params(self, outputs, names),
                        f"{type(self).__name__} '{self.name}'", initialize=False)

    def _clear_cached_op(self) -> None:
        # The one place that drops traced graphs (hybridize, new children, cast).
        self._cache.clear()

    def register_child(self, block: Block, name: str | None = None) -> None:
        """Register a child, which must be a HybridBlock (else the graph cannot be traced).

        Parameters
        ----------
        block : Block
            The child block.
        name : str, optional
            Key of the child; None uses the next free integer index as a string.

        See Also
        --------
        Block.register_child
        minigluon.gluon.nn.HybridSequential.add

        Examples
        --------
        >>> from minigluon import gluon
        >>> net = gluon.nn.HybridSequential()
        >>> net.register_child(gluon.nn.Lambda('relu'))
        Traceback (most recent call last):
        ...
        ValueError: Children of HybridBlock must also be HybridBlock, but ...
        """
        if not isinstance(block, HybridBlock):
            raise ValueError(
                f"Children of HybridBlock must also be HybridBlock, but {block} has type "
                f"{type(block)}. If you are using Sequential, please try HybridSequential "
                "instead.")
        super().register_child(block, name)
        self._clear_cached_op()

    def cast(self, dtype: Any) -> None:
        """Convert all Parameters to ``dtype`` and drop traced graphs.

        Parameters
        ----------
        dtype : str or numpy dtype
            Data type every Parameter is converted to.

        See Also
        --------
        Block.cast, Parameter.cast

        Examples
        --------
        >>> from minigluon import gluon
        >>> net = gluon.nn.Dense(2, in_units=2); net.initialize()
        >>> net.cast('float16')
        >>> net.weight.dtype
        'float16'
        """
        self._clear_cached_op()
        super().cast(dtype)

    def hybrid_forward(self, F: Any, x: Any, *args: Any, **kwargs: Any) -> Any:
        """The computation, for ``F`` = ``nd`` (or ``sym`` when traced); override this.

        Parameters
        ----------
        F : module
            ``minigluon.ndarray`` when the block runs imperatively, ``minigluon.symbol`` when it is
            traced.
        x : NDArray or Symbol
            First input (further inputs follow positionally).
        *args, **kwargs
            Further inputs, then the block's own Parameters by name (NDArrays, or Symbols when
            traced).

        See Also
        --------
        HybridBlock.forward, HybridBlock.hybridize
        minigluon.ndarray : ``F`` when the block runs imperatively.
        minigluon.symbol : ``F`` when the block is traced.

        Examples
        --------
        >>> from minigluon import gluon, nd
        >>> gluon.HybridBlock().hybrid_forward(nd, nd.ones((1,)))
        Traceback (most recent call last):
        ...
        NotImplementedError
        """
        raise NotImplementedError


CACHE_FORWARDS.add(HybridBlock.forward)


# -- helpers --------------------------------------------------------------------------------
def _indent(s: str, n: int = 2) -> str:
    return s.replace("\n", "\n" + " " * n)


def _holds_blocks(value: Any, registered: set[int] | frozenset = frozenset()) -> bool:
    """Whether a list/tuple/dict (nested) holds a Block that is not a registered child."""
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        return any((isinstance(v, Block) and id(v) not in registered)
                   or _holds_blocks(v, registered) for v in value)
    return False


def _container_warning(block: Block, name: str) -> str:
    return (f'"{type(block).__name__}.{name}" is an unregistered container with Blocks. Note '
            "that Blocks inside the list, tuple or dict will not be registered automatically. "
            "Make sure to register them using register_child() or switching to nn.Sequential/"
            "nn.HybridSequential instead. ")


def _name_block_in_error(e: Exception, stack: list[Block], args: tuple) -> None:
    """Prefix the message with the innermost block's path and input shapes (once)."""
    if getattr(e, "_minigluon_block", False) or not e.args or not isinstance(e.args[0], str):
        return
    block = stack[-1]
    path = _block_path(stack) or "(top level)"
    where = ("while hybridizing" if any(isinstance(a, Symbol) for a in args)
             else f"input shapes [{_shapes(args)}]")
    e.args = (f"in block {path} ({type(block).__name__} '{block.name}'), {where}: "
              f"{e.args[0]}", *e.args[1:])
    e._minigluon_block = True  # type: ignore[attr-defined]

