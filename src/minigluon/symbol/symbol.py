"""``Symbol``: a node in a declared computation graph (what ``hybrid_forward`` sees as ``F=sym``).

The graph is plain data: a :class:`Node` is an op (``None`` for a variable), a name, static
attributes and the ``(node, output_index)`` entries it reads. A Symbol is a list of such entries
(its outputs). Ops build Nodes through the same ``invoke`` that runs NDArrays.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from .. import name as _name
from ..autograd import STATE
from ..base import MXNetError, NotImplementedForSymbol, numeric_types
from ..ops import registry
from ..ops.dispatch import register_handler
from ..ops.frontend import HIDDEN_KEYS, META, expand_hidden, make_method
from ..ops.shape import reshape_method_attrs
from ..util import is_np_shape
from . import bind as _bind_module
from .attribute import AttrScope
from .executor import CachedGraph
from .graph import Entry, Node, aux_vars, topo_order
from .serialize import from_json, to_json
from .shape import infer_shape as _infer_shape
from .shape import infer_type as _infer_type

__all__ = ["Symbol", "var", "Variable", "Group", "load", "load_json"]


class Symbol:
    """A symbolic value (or group of values) in a computation graph.

    Build one from variables and ops (``sym.var``, ``sym.FullyConnected``, ``+``); inspect it
    with ``list_arguments``, ``list_outputs``, ``get_internals``, ``infer_shape``; run it with
    ``eval`` or wrap it in a ``gluon.SymbolBlock``.

    Parameters
    ----------
    outputs : list of (node, int)
        The graph entries this symbol stands for: a node and the index of one of its outputs.
        Symbols are made by ``sym.var``, the ops and :func:`Group`, not by calling this directly.

    See Also
    --------
    Variable, Group, load
    minigluon.ndarray.NDArray : The array counterpart.
    minigluon.gluon.HybridBlock.export : Write a model's graph as a Symbol.

    Examples
    --------
    >>> from minigluon import sym, nd
    >>> a, b = sym.var('a'), sym.var('b')
    >>> c = a + b
    >>> c.list_arguments(), c.list_outputs()
    (['a', 'b'], ['_plus0_output'])
    >>> c.eval(a=nd.array([1, 2]), b=nd.array([10, 20]))[0]
    <BLANKLINE>
    [11. 22.]
    <NDArray 2 @cpu(0)>
    """

    __array_ufunc__ = None

    def __init__(self, outputs: list[Entry]) -> None:
        self._outputs = list(outputs)

    # -- identity and structure --------------------------------------------------------------
    @property
    def name(self) -> str | None:
        """Name of the (single-output) symbol's node; None for a group.

        See Also
        --------
        list_outputs, attr
        minigluon.name.NameManager : Where automatic names come from.

        Examples
        --------
        >>> from minigluon import sym
        >>> sym.var('data').name
        'data'
        """
        if len(self._outputs) != 1:
            return None
        return self._outputs[0][0].name

    def __repr__(self) -> str:
        if len(self._outputs) == 1:
            return f"<Symbol {self.name}>"
        return "<Symbol group [" + ", ".join(n.name for n, _ in self._outputs) + "]>"

    def __len__(self) -> int:
        return len(self._outputs)

    def __iter__(self) -> Iterator[Symbol]:
        return (Symbol([e]) for e in self._outputs)

    def __getitem__(self, index: Any) -> Symbol:
        if isinstance(index, str):
            names = self.list_outputs()
            matches = [i for i, n in enumerate(names) if n == index]
            if not matches:
                raise ValueError(f'Cannot find output that matches name "{index}"')
            return Symbol([self._outputs[matches[0]]])
        if isinstance(index, slice):
            return Symbol(self._outputs[index])
        if not isinstance(index, int):
            raise TypeError(
                "Symbol only support integer index to fetch i-th output. Inside hybrid_forward, "
                "select elements with F.slice_axis, F.take, F.pick or F.split instead of "
                "indexing.")
        if not -len(self._outputs) <= index < len(self._outputs):
            raise IndexError(f"Symbol has {len(self._outputs)} outputs; index {index} is out "
                             "of range")
        return Symbol([self._outputs[index]])

    def _order(self) -> list[Node]:
        return topo_order(self._outputs)

    def list_outputs(self) -> list[str]:
        """Output names (``<node>_output``; variables keep their own name).

        See Also
        --------
        name, list_arguments, get_internals

        Examples
        --------
        >>> from minigluon import sym
        >>> sym.relu(sym.var('x'), name='act').list_outputs()
        ['act_output']
        """
        return [n.output_name(i) for n, i in self._outputs]

    def list_arguments(self) -> list[str]:
        """Input variables that are not auxiliary states, in topological order.

        See Also
        --------
        list_inputs, list_auxiliary_states, list_outputs

        Examples
        --------
        >>> from minigluon import sym
        >>> y = sym.FullyConnected(sym.var('x'), sym.var('w'), sym.var('b'), num_hidden=3)
        >>> y.list_arguments()
        ['x', 'w', 'b']
        """
        order = self._order()
        aux = aux_vars(order)
        return [n.name for n in order if n.is_var and id(n) not in aux]

    def list_auxiliary_states(self) -> list[str]:
        """Variables updated in place by ops (BatchNorm's moving mean and variance).

        See Also
        --------
        list_arguments, list_inputs
        minigluon.ndarray.BatchNorm

        Examples
        --------
        >>> from minigluon import sym
        >>> v = [sym.var(n) for n in ('x', 'gamma', 'beta', 'mean', 'var')]
        >>> sym.BatchNorm(*v).list_auxiliary_states()
        ['mean', 'var']
        """
        order = self._order()
        aux = aux_vars(order)
        return [n.name for n in order if id(n) in aux]

    def list_inputs(self) -> list[str]:
        """All input variables (arguments and auxiliary states) in topological order.

        See Also
        --------
        list_arguments, list_auxiliary_states

        Examples
        --------
        >>> from minigluon import sym
        >>> (sym.var('a') * 2 + sym.var('b')).list_inputs()
        ['a', 'b']
        """
        return [n.name for n in self._order() if n.is_var]

    def get_internals(self) -> Symbol:
        """A group of every node's outputs (variables included), in topological order.

        See Also
        --------
        get_children, list_outputs
        minigluon.gluon.SymbolBlock : Run part of a graph as a block.

        Examples
        --------
        >>> from minigluon import sym
        >>> a, b = sym.var('a'), sym.var('b')
        >>> (a + b).get_internals().list_outputs()
        ['a', 'b', '_plus..._output']
        """
        entries = [(n, i) for n in self._order() for i in range(n.num_outputs())]
        return Symbol(entries)

    def get_children(self) -> Symbol | None:
        """The inputs of this symbol's node as a group (None for a variable).

        See Also
        --------
        get_internals, list_inputs

        Examples
        --------
        >>> from minigluon import sym
        >>> (sym.var('a') + sym.var('b')).get_children().list_outputs()
        ['a', 'b']
        """
        node = self._outputs[0][0]
        inputs = [e for e in node.inputs if e is not None]
        return Symbol(inputs) if inputs else None

    def attr(self, key: str) -> str | None:
        """A string attribute of this symbol's node (MXNet stores attributes as strings).

        Parameters
        ----------
        key : str
            The attribute name, such as ``'__shape__'`` or ``'lr_mult'``.

        See Also
        --------
        list_attr, attr_dict

        Examples
        --------
        >>> from minigluon import sym
        >>> sym.var('w', shape=(2, 3)).attr('__shape__')
        '(2, 3)'
        """
        return _node_attrs(self._outputs[0][0]).get(key)

    def list_attr(self, recursive: bool = False) -> dict[str, str]:
        """All attributes of this symbol's node, as strings.

        Hidden keys (``lr_mult``, ``wd_mult``, ...) appear both as ``key`` and ``__key__``.

        Parameters
        ----------
        recursive : bool, default False
            Deprecated, as in MXNet: True raises ``DeprecationWarning`` (use :meth:`attr_dict` for
            the whole graph).

        See Also
        --------
        attr, attr_dict

        Examples
        --------
        >>> from minigluon import sym
        >>> sym.var('w', lr_mult=2.0).list_attr()
        {'__lr_mult__': '2.0', 'lr_mult': '2.0'}
        """
        if recursive:
            raise DeprecationWarning("Symbol.list_attr with recursive=True has been "
                                     "deprecated. Please use attr_dict instead.")
        return _node_attrs(self._outputs[0][0])

    def attr_dict(self) -> dict[str, dict[str, str]]:
        """The attributes of every node of the graph, by node name (nodes without any left out).

        See Also
        --------
        list_attr, attr

        Examples
        --------
        >>> from minigluon import sym
        >>> y = sym.FullyConnected(sym.var('x'), num_hidden=2, name='fc', attr={'__mood__': 'ok'})
        >>> y.attr_dict()['fc_weight']
        {'__mood__': 'ok'}
        """
        out = {}
        for n in self._order():
            attrs = _node_attrs(n)
            if attrs:
                out[n.name] = attrs
        return out

    # -- composition and copies -------------------------------------------------------------
    def __call__(self, *args: Symbol, **kwargs: Any) -> Symbol:
        """A copy of this graph with some variables replaced by other symbols.

        Positional symbols replace the arguments in ``list_arguments`` order; keyword ones
        replace the argument of that name. ``name`` is accepted and ignored.

        See Also
        --------
        list_arguments, get_internals

        Examples
        --------
        >>> from minigluon import sym
        >>> net = sym.relu(sym.var('x'), name='r')
        >>> net(x=sym.var('data') * 2).list_arguments()
        ['data']
        """
        kwargs.pop("name", None)
        subs: dict[str, Symbol] = dict(zip(self.list_arguments(), args))
        for k, v in kwargs.items():
            subs[k] = v
        for k, v in subs.items():
            if not isinstance(v, Symbol) or len(v) != 1:
                raise TypeError(f"compose: '{k}' must be a single-output Symbol")
        memo: dict[int, Node] = {}

        def entry(e: Entry) -> Entry:
            n, i = e
            if n.is_var and n.name in subs:
                return subs[n.name]._outputs[0]
            return memo[id(n)], i

        for n in self._order():  # inputs before their users
            memo[id(n)] = Node(n.op, n.name, dict(n.attrs), [
                None if e is None else entry(e) for e in n.inputs], dict(n.meta))
        outs = [entry(e) for e in self._outputs]
        return Symbol(outs)

    def _compose(self, *args: Symbol, **kwargs: Any) -> Symbol:
        return self(*args, **kwargs)

    def __getstate__(self) -> dict:
        return {"handle": self.tojson()}  # type: ignore[attr-defined]

    def __setstate__(self, state: dict) -> None:
        self._outputs = from_json(state["handle"])

    def __copy__(self) -> Symbol:
        return Symbol(self._outputs)

    def __deepcopy__(self, memo: dict) -> Symbol:
        return Symbol(from_json(to_json(self._outputs)))

    # -- what a Symbol is not ----------------------------------------------------------------
    def __getattr__(self, name: str) -> Any:
        hints = {"shape": "use reshape codes (0, -1, -2, -3, -4), F.reshape_like or "
                          "F.shape_array instead of reading shapes inside hybrid_forward",
                 "dtype": "inside hybrid_forward, use F.cast / F.Cast with an explicit dtype",
                 "context": "a Symbol has no device; NDArrays do",
                 "asnumpy": "a Symbol has no values until the graph runs",
                 "asscalar": "a Symbol has no values until the graph runs"}
        if name in hints:
            raise AttributeError(f"'Symbol' object has no attribute '{name}' ({hints[name]})")
        raise AttributeError(f"'Symbol' object has no attribute '{name}'")

    def __bool__(self) -> bool:
        raise NotImplementedForSymbol(self.__bool__, "bool")

    def __setitem__(self, key: Any, value: Any) -> None:
        raise TypeError("'Symbol' object does not support item assignment")

    def __iadd__(self, other: Any) -> Any:
        raise NotImplementedForSymbol(self.__iadd__, "+=", other)

    def __isub__(self, other: Any) -> Any:
        raise NotImplementedForSymbol(self.__isub__, "-=", other)

    def __imul__(self, other: Any) -> Any:
        raise NotImplementedForSymbol(self.__imul__, "*=", other)

    def __itruediv__(self, other: Any) -> Any:
        raise NotImplementedForSymbol(self.__itruediv__, "/=", other)

    __hash__ = object.__hash__

    # -- arithmetic: same-shape ops with Symbols (no broadcasting), *_scalar with numbers ----
    def _arith(self, other: Any, array_op: str, scalar_op: str) -> Symbol:
        if isinstance(other, Symbol):
            return build(registry.get(array_op), (self, other), {}, None)
        if isinstance(other, numeric_types):
            return build(registry.get(scalar_op), (self,), {"scalar": float(other)}, None)
        return NotImplemented

    def _rarith(self, other: Any, scalar_op: str) -> Symbol:
        if isinstance(other, numeric_types):
            return build(registry.get(scalar_op), (self,), {"scalar": float(other)}, None)
        return NotImplemented

    def __add__(self, o: Any) -> Any:
        return self._arith(o, "elemwise_add", "_plus_scalar")

    def __radd__(self, o: Any) -> Any:
        return self._rarith(o, "_plus_scalar")

    def __sub__(self, o: Any) -> Any:
        return self._arith(o, "elemwise_sub", "_minus_scalar")

    def __rsub__(self, o: Any) -> Any:
        return self._rarith(o, "_rminus_scalar")

    def __mul__(self, o: Any) -> Any:
        return self._arith(o, "elemwise_mul", "_mul_scalar")

    def __rmul__(self, o: Any) -> Any:
        return self._rarith(o, "_mul_scalar")

    def __truediv__(self, o: Any) -> Any:
        return self._arith(o, "elemwise_div", "_div_scalar")

    def __rtruediv__(self, o: Any) -> Any:
        return self._rarith(o, "_rdiv_scalar")

    def __pow__(self, o: Any) -> Any:
        return self._arith(o, "broadcast_power", "_power_scalar")

    def __rpow__(self, o: Any) -> Any:
        return self._rarith(o, "_rpower_scalar")

    def __mod__(self, o: Any) -> Any:
        return self._arith(o, "broadcast_mod", "_mod_scalar")

    def __abs__(self) -> Symbol:
        return build(registry.get("abs"), (self,), {}, None)

    def __neg__(self) -> Symbol:
        return build(registry.get("negative"), (self,), {}, None)

    def __gt__(self, o: Any) -> Any:
        return self._arith(o, "broadcast_greater", "_greater_scalar")

    def __ge__(self, o: Any) -> Any:
        return self._arith(o, "broadcast_greater_equal", "_greater_equal_scalar")

    def __lt__(self, o: Any) -> Any:
        return self._arith(o, "broadcast_lesser", "_lesser_scalar")

    def __le__(self, o: Any) -> Any:
        return self._arith(o, "broadcast_lesser_equal", "_lesser_equal_scalar")

    def reshape(self, *shape: Any, **kwargs: Any) -> Symbol:
        """Reshape with MXNet's special codes (0, -1, -2, -3, -4), as ``NDArray.reshape``.

        See Also
        --------
        minigluon.ndarray.NDArray.reshape : The same codes on NDArrays.
        infer_shape

        Examples
        --------
        >>> from minigluon import sym
        >>> y = sym.var('x').reshape((0, -1))
        >>> y.infer_shape(x=(2, 3, 4))[1]
        [(2, 12)]
        """
        return build(registry.get("reshape"), (self,), reshape_method_attrs(shape, kwargs), None)

    # -- graph utilities defined in their own modules ----------------------------------------
    def infer_shape(self, *args: Any, **kwargs: Any) -> tuple:
        """Shapes of arguments, outputs and auxiliary states from some known input shapes.

        Returns ``(arg_shapes, out_shapes, aux_shapes)`` ordered like ``list_arguments``,
        ``list_outputs`` and ``list_auxiliary_states``; ``(None, None, None)`` if some shape
        cannot be inferred.

        See Also
        --------
        infer_shape_partial, list_arguments
        minigluon.gluon.HybridBlock.infer_shape

        Examples
        --------
        >>> from minigluon import sym
        >>> x = sym.var('x')
        >>> y = sym.FullyConnected(x, sym.var('w'), sym.var('b'), num_hidden=10)
        >>> args, outs, aux = y.infer_shape(x=(4, 20))
        >>> args, outs
        ([(4, 20), (10, 20), (10,)], [(4, 10)])
        """
        return _infer_shape(self._outputs, self.list_arguments(),
                            self.list_auxiliary_states(), args, kwargs, partial=False,
                            np_shape=is_np_shape())

    def infer_shape_partial(self, *args: Any, **kwargs: Any) -> tuple:
        """Like :meth:`infer_shape`, but unknown shapes are ``()`` instead of failing.

        See Also
        --------
        infer_shape

        Examples
        --------
        >>> from minigluon import sym
        >>> y = sym.var('a') + sym.var('b')
        >>> y.infer_shape_partial(a=(2, 3))[0]
        [(2, 3), (2, 3)]
        """
        return _infer_shape(self._outputs, self.list_arguments(),
                            self.list_auxiliary_states(), args, kwargs, partial=True,
                            np_shape=is_np_shape())

    def infer_type(self, *args: Any, **kwargs: Any) -> tuple:
        """Types of arguments, outputs and auxiliary states from some known input types.

        Returns ``(arg_types, out_types, aux_types)`` (numpy type objects) ordered like
        ``list_arguments``, ``list_outputs`` and ``list_auxiliary_states``, or
        ``(None, None, None)`` if some type stays unknown.

        See Also
        --------
        infer_type_partial, infer_shape

        Examples
        --------
        >>> import numpy as np
        >>> from minigluon import sym
        >>> y = sym.FullyConnected(sym.var('x'), num_hidden=2, name='fc')
        >>> y.infer_type(x=np.float32)
        ([<class 'numpy.float32'>, <class 'numpy.float32'>, <class 'numpy.float32'>], [<class 'numpy.float32'>], [])
        """  # noqa: E501
        return _infer_type(self._outputs, self.list_arguments(),
                           self.list_auxiliary_states(), args, kwargs, partial=False)

    def infer_type_partial(self, *args: Any, **kwargs: Any) -> tuple:
        """Like :meth:`infer_type`, but unknown types are None instead of failing.

        See Also
        --------
        infer_type

        Examples
        --------
        >>> from minigluon import sym
        >>> y = sym.Cast(sym.var('x'), dtype='float16')
        >>> y.infer_type_partial()
        ([None], [<class 'numpy.float16'>], [])
        """
        return _infer_type(self._outputs, self.list_arguments(),
                           self.list_auxiliary_states(), args, kwargs, partial=True)


def _node_attrs(node: Node) -> dict[str, str]:
    """A node's attributes as MXNet lists them: strings, op attributes then user ones."""
    defaults = node.op.attr_defaults if node.op is not None else {}
    out = {k: v if isinstance(v, str) else str(v) for k, v in node.attrs.items()
           if not callable(v) and not (k in defaults and _same(defaults[k], v))}
    out.update(node.meta)
    for k in list(out):
        if k.startswith("__") and k.endswith("__") and k[2:-2] in HIDDEN_KEYS:
            out.setdefault(k[2:-2], out[k])
    return out


def _same(a: Any, b: Any) -> bool:
    try:
        return bool(a == b) and type(a) is type(b)
    except (ValueError, TypeError):  # array-valued attributes
        return False


def _install_methods() -> None:
    """Give Symbol the same op methods as NDArray (``x.flatten()``, ``x.sum(axis=1)``)."""
    for op in registry.all_ops():
        if op.method and op.method not in Symbol.__dict__:
            setattr(Symbol, op.method, make_method(op, "Symbol", _build_handler))


def build(op: registry.Op, arrays: tuple, attrs: dict, name: str | None) -> Symbol:
    """Symbol front end of ``invoke``: add a node for ``op`` (nothing runs).

    Inputs the op reads but the call left out become variables named ``<node>_<input>``
    (``fc1_weight``), as in MXNet; they carry the node's user attributes.
    """
    meta = AttrScope.current().get(attrs.get(META))
    attrs = {k: v for k, v in attrs.items() if k not in ("ctx", META)}
    node_name = _name.current().get(name, _name.op_hint(op.name))
    wanted = set(op.inputs_for(attrs))
    inputs: list[Entry | None] = []
    for p, a in zip(op.array_params, arrays) if not op.variadic else ((None, a) for a in arrays):
        if a is None and p is not None and p.name in wanted:
            attrs_of_var = {**op.input_attrs.get(p.name, {}), **meta}
            a = Symbol([(Node(None, f"{node_name}_{p.name}", attrs_of_var, []), 0)])
        if a is None:
            inputs.append(None)
        elif isinstance(a, Symbol):
            if len(a._outputs) != 1:
                raise MXNetError(f"{op.name}: an input is a group of {len(a._outputs)} symbols; "
                                 "pass one output (sym[i])")
            inputs.append(a._outputs[0])
        else:
            raise TypeError(f"{op.name}: Symbol inputs must be Symbols, got "
                            f"{type(a).__name__}; use F.<op> with a scalar attribute or "
                            "a Symbol")
    node = Node(op, node_name, attrs, inputs, meta)
    n = node.num_outputs()
    return Symbol([(node, i) for i in range(n)])


def _build_handler(op: registry.Op, arrays: tuple, attrs: dict, out: Any, name: Any) -> Any:
    if out is not None:
        raise NotImplementedForSymbol(op.name, "out=")
    return build(op, arrays, attrs, name)


register_handler(Symbol, _build_handler)


def var(name: str, attr: dict | None = None, shape: Any = None, lr_mult: float | None = None,
        wd_mult: float | None = None, dtype: Any = None, init: Any = None,
        stype: str | None = None, **kwargs: Any) -> Symbol:
    """A placeholder variable (graph input or parameter).

    Parameters
    ----------
    name : str
        The variable's name; values and shapes are given by it (``y.eval(x=...)``,
        ``y.infer_shape(x=...)``).
    attr : dict of str to str, optional
        Extra attributes; they win over the current :class:`AttrScope`'s.
    shape : tuple of int, optional
        The shape, stored as ``__shape__`` (0 marks an unknown size) and used by ``infer_shape``.
    lr_mult, wd_mult : float, optional
        Learning-rate and weight-decay multipliers for the parameter this variable stands for.
    dtype : str or numpy.dtype, optional
        The data type, stored as ``__dtype__``.
    init : Initializer or str, optional
        How to initialize the parameter, stored as ``__init__`` (an Initializer as its JSON string).
    stype : str, optional
        The storage type, stored as ``__storage_type__`` (only ``'default'`` arrays exist here).

    See Also
    --------
    Symbol, Group
    minigluon.gluon.Parameter.var : The variable of a Parameter.

    Examples
    --------
    >>> from minigluon import sym
    >>> x = sym.var('data', shape=(1, 3))
    >>> x, x.list_arguments()
    (<Symbol data>, ['data'])
    """
    if not isinstance(name, str):
        raise TypeError("Expect a string for variable `name`")
    attrs: dict[str, Any] = AttrScope.current().get(attr)
    for key, value in (("__shape__", shape), ("__lr_mult__", lr_mult),
                       ("__wd_mult__", wd_mult), ("__dtype__", dtype), ("__init__", init),
                       ("__storage_type__", stype)):
        if value is not None:
            if key == "__shape__":
                value = tuple(value)
            elif key == "__dtype__":
                value = np.dtype(value).name
            elif key == "__init__" and not isinstance(value, str):
                value = value.dumps()  # an Initializer: stored as its JSON string
            elif key in ("__lr_mult__", "__wd_mult__"):
                attrs.update(expand_hidden(key[2:-2], value))
                continue
            attrs[key] = value
    for k, v in kwargs.items():
        if not (k.startswith("__") and k.endswith("__")):
            raise ValueError(f"Attribute name={k} is not supported. Additional attributes must "
                             "start and end with double underscores, e.g, __yourattr__")
        attrs[k] = v if isinstance(v, str) else str(v)
    return Symbol([(Node(None, name, attrs, []), 0)])


Variable = var


def Group(symbols: list[Symbol]) -> Symbol:
    """One Symbol whose outputs are the outputs of ``symbols``.

    Parameters
    ----------
    symbols : list of Symbol
        The symbols whose outputs, in order, make up the group; must not be empty.

    See Also
    --------
    Symbol.get_internals, Symbol.list_outputs

    Examples
    --------
    >>> from minigluon import sym
    >>> x = sym.var('x')
    >>> g = sym.Group([sym.relu(x, name='r'), sym.sigmoid(x, name='s')])
    >>> g.list_outputs(), len(g)
    (['r_output', 's_output'], 2)
    """
    if not symbols or any(not isinstance(s, Symbol) for s in symbols):
        raise TypeError("Expected a list of symbols as input")
    return Symbol([e for s in symbols for e in s._outputs])


# -- running and saving (methods defined here to keep the class body about structure) ---------
def _tojson(self: Symbol) -> str:
    """The graph as JSON (MXNet's nnvm layout).

    See Also
    --------
    save, load_json

    Examples
    --------
    >>> import json
    >>> from minigluon import sym
    >>> js = json.loads(sym.relu(sym.var('x'), name='r').tojson())
    >>> [n['name'] for n in js['nodes']], js['heads']
    (['x', 'r'], [[1, 0, 0]])
    """
    return to_json(self._outputs)


def _save(self: Symbol, fname: str, remove_amp_cast: bool = True) -> None:
    """Write :meth:`tojson` to ``fname``.

    Parameters
    ----------
    fname : str
        Path of the JSON file to write.
    remove_amp_cast : bool, default True
        Accepted for MXNet compatibility (there are no AMP casts to remove).

    See Also
    --------
    tojson, load
    minigluon.gluon.HybridBlock.export

    Examples
    --------
    >>> import os, tempfile
    >>> from minigluon import sym
    >>> path = os.path.join(tempfile.mkdtemp(), 'net-symbol.json')
    >>> sym.relu(sym.var('x'), name='r').save(path)
    >>> sym.load(path).list_outputs()
    ['r_output']
    """
    with open(fname, "w", encoding="utf-8") as f:
        f.write(to_json(self._outputs))


def _eval(self: Symbol, ctx: Any = None, **kwargs: Any) -> list:
    """Run the graph on NDArrays given by input name; returns a list of outputs.

    Parameters
    ----------
    ctx : Context, optional
        Accepted for MXNet compatibility (one CPU device).

    See Also
    --------
    infer_shape
    minigluon.gluon.SymbolBlock : Run a graph with Parameters, as a block.

    Examples
    --------
    >>> from minigluon import sym, nd
    >>> y = 2 * sym.var('x') + 1
    >>> y.eval(x=nd.array([1, 2]))[0]
    <BLANKLINE>
    [3. 5.]
    <NDArray 2 @cpu(0)>
    """
    names = self.list_inputs()
    missing = [n for n in names if n not in kwargs]
    if missing:
        raise MXNetError(f"eval: no value given for inputs {missing}")
    graph = CachedGraph(self._outputs, names, training=STATE.training)
    out = graph(*[kwargs[n] for n in names])
    return out if isinstance(out, list) else [out]


Symbol.bind = _bind_module.symbol_bind  # type: ignore[attr-defined]
Symbol.simple_bind = _bind_module.symbol_simple_bind  # type: ignore[attr-defined]
Symbol.tojson = _tojson  # type: ignore[attr-defined]
Symbol.save = _save  # type: ignore[attr-defined]
Symbol.eval = _eval  # type: ignore[attr-defined]


def load_json(json_str: str) -> Symbol:
    """The Symbol described by a JSON string (from :meth:`Symbol.tojson`).

    Parameters
    ----------
    json_str : str
        The graph as JSON, in MXNet's format.

    See Also
    --------
    load, Symbol.tojson

    Examples
    --------
    >>> from minigluon import sym
    >>> s = sym.load_json(sym.relu(sym.var('x'), name='r').tojson())
    >>> s.list_arguments()
    ['x']
    """
    return Symbol(from_json(json_str))


def load(fname: str) -> Symbol:
    """The Symbol saved in ``fname`` by :meth:`Symbol.save` or ``HybridBlock.export``.

    Parameters
    ----------
    fname : str
        Path of the JSON file.

    See Also
    --------
    load_json, Symbol.save
    minigluon.gluon.SymbolBlock.imports : Load graph and Parameters as a block.

    Examples
    --------
    >>> import os, tempfile
    >>> from minigluon import sym
    >>> path = os.path.join(tempfile.mkdtemp(), 's.json')
    >>> (sym.var('a') * 3).save(path)
    >>> sym.load(path).list_arguments()
    ['a']
    """
    with open(fname, encoding="utf-8") as f:
        return load_json(f.read())
