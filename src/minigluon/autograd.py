"""Define-by-run automatic differentiation: a tape recorded while ``record()`` is on.

Every op that runs on NDArrays inside ``autograd.record()`` appends a :class:`Node` (op, inputs,
attributes, outputs). ``backward``/``grad`` sort the nodes reachable from the heads
topologically and walk them in reverse, calling each op's registered vector-Jacobian product and
accumulating with ``+`` so that an array used twice gets both contributions. Gradients land in
*variables*: arrays marked by ``attach_grad`` / :func:`mark_variables` (Gluon Parameters do this).

The module works on NDArrays by duck typing (``_data``, ``_node``, ``_index``, ``_grad``,
``_grad_req``) so that the array class can sit on top of it; ``ndarray`` registers its class with
:func:`_set_array_type` for the few places that must create arrays.

See Also
--------
record, backward, grad
minigluon.ndarray.NDArray.attach_grad : Mark an array as a variable.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from contextlib import AbstractContextManager
from typing import Any

import numpy as np

from .base import MXNetError
from .ops.dispatch import invoke
from .ops.registry import Op

__all__ = [
    "record",
    "pause",
    "train_mode",
    "predict_mode",
    "is_recording",
    "is_training",
    "set_recording",
    "set_training",
    "mark_variables",
    "backward",
    "grad",
    "get_symbol",
    "Function",
]

_NOT_IN_GRAPH = (
    "Cannot differentiate node because it is not in a computational graph. You need to set "
    "is_recording to true or use autograd.record() to save computational graphs for backward. "
    "If you want to differentiate the same graph twice, you need to pass retain_graph=True to "
    "backward."
)
INPLACE_IN_GRAPH = (
    "Assigning to NDArrays that are already in a computational graph will cause undefined "
    "behavior when evaluating gradients. Please call backward first to clear the graph or do "
    "this out side of a record section. Also note that you cannot use inplace operations like "
    "+=, *=, relu(x, out=x), y[idx]=x, etc inside a record section."
)


class _State:
    """Process-wide recording/training flags (MXNet keeps them per thread; we run one thread)."""

    recording = False
    training = False
    # False while a backward walk frees the graph after it (no retain_graph): a VJP may then
    # release the forward values it was given as it goes (a hybridized graph's slot list)
    retain_graph = True


STATE = _State()
_ARRAY: list[type] = []


def _set_array_type(cls: type) -> None:
    _ARRAY[:] = [cls]


def _new_array(data: np.ndarray) -> Any:
    return _ARRAY[0](data)


# -- recording state ----------------------------------------------------------------------------
def set_recording(is_recording: bool) -> bool:
    """Turn recording on or off; returns the previous state.

    Parameters
    ----------
    is_recording : bool
        True to record operations for backward, False to stop.

    See Also
    --------
    record, pause, is_recording

    Examples
    --------
    >>> from minigluon import autograd
    >>> prev = autograd.set_recording(True)
    >>> autograd.is_recording(), prev
    (True, False)
    >>> _ = autograd.set_recording(prev)
    """
    prev, STATE.recording = STATE.recording, bool(is_recording)
    return prev


def set_training(train_mode: bool) -> bool:
    """Switch between training and predict mode; returns the previous mode.

    Parameters
    ----------
    train_mode : bool
        True for training behaviour (Dropout active...), False for prediction.

    See Also
    --------
    train_mode, predict_mode, is_training

    Examples
    --------
    >>> from minigluon import autograd
    >>> prev = autograd.set_training(True)
    >>> autograd.is_training()
    True
    >>> _ = autograd.set_training(prev)
    """
    prev, STATE.training = STATE.training, bool(train_mode)
    return prev


def is_recording() -> bool:
    """Whether operations are being recorded for differentiation.

    See Also
    --------
    record, set_recording, is_training

    Examples
    --------
    >>> from minigluon import autograd
    >>> autograd.is_recording()
    False
    >>> with autograd.record():
    ...     print(autograd.is_recording())
    True
    """
    return STATE.recording


def is_training() -> bool:
    """Whether layers such as Dropout and BatchNorm run in training mode.

    See Also
    --------
    train_mode, set_training, is_recording

    Examples
    --------
    >>> from minigluon import autograd
    >>> with autograd.record():
    ...     print(autograd.is_training())
    True
    >>> with autograd.record(train_mode=False):
    ...     print(autograd.is_training())
    False
    """
    return STATE.training


class _RecordingStateScope:
    """Set recording/training on entry and restore the previous flags on exit (nests)."""

    def __init__(self, is_record: bool | None, train_mode: bool | None) -> None:
        self._enter_record = is_record
        self._enter_train = train_mode
        self._prev: tuple[bool, bool] | None = None

    def __enter__(self) -> _RecordingStateScope:
        self._prev = (STATE.recording, STATE.training)
        if self._enter_record is not None:
            STATE.recording = self._enter_record
        if self._enter_train is not None:
            STATE.training = self._enter_train
        return self

    def __exit__(self, *exc: Any) -> None:
        assert self._prev is not None
        STATE.recording, STATE.training = self._prev


def record(train_mode: bool = True) -> AbstractContextManager:
    """Scope in which operations are recorded so that gradients can be computed.

    Parameters
    ----------
    train_mode : bool, default True
        Also switch layers to training mode (Dropout drops, BatchNorm uses batch statistics).

    See Also
    --------
    pause, train_mode, is_recording
    minigluon.ndarray.NDArray.attach_grad, minigluon.ndarray.NDArray.backward

    Examples
    --------
    >>> from minigluon import nd, autograd
    >>> x = nd.array([1., 2., 3.])
    >>> x.attach_grad()
    >>> with autograd.record():
    ...     y = (x * x).sum()
    >>> y.backward()
    >>> x.grad
    <BLANKLINE>
    [2. 4. 6.]
    <NDArray 3 @cpu(0)>
    """
    return _RecordingStateScope(True, train_mode)


def pause(train_mode: bool = False) -> AbstractContextManager:
    """Scope in which recording is off (inside a ``record()`` block).

    Parameters
    ----------
    train_mode : bool, default False
        Whether layers behave as in training inside the scope.

    See Also
    --------
    record, predict_mode

    Examples
    --------
    >>> from minigluon import autograd
    >>> with autograd.record():
    ...     with autograd.pause():
    ...         print(autograd.is_recording(), autograd.is_training())
    False False
    """
    return _RecordingStateScope(False, train_mode)


def train_mode() -> AbstractContextManager:
    """Scope in which layers run in training mode; recording is unchanged.

    See Also
    --------
    predict_mode, record, is_training

    Examples
    --------
    >>> from minigluon import autograd
    >>> with autograd.train_mode():
    ...     print(autograd.is_training(), autograd.is_recording())
    True False
    """
    return _RecordingStateScope(None, True)


def predict_mode() -> AbstractContextManager:
    """Scope in which layers run in predict mode; recording is unchanged.

    See Also
    --------
    train_mode, pause, is_training

    Examples
    --------
    >>> from minigluon import autograd
    >>> with autograd.record():
    ...     with autograd.predict_mode():
    ...         print(autograd.is_training(), autograd.is_recording())
    False True
    """
    return _RecordingStateScope(None, False)


# -- the tape -----------------------------------------------------------------------------------
class Node:
    """One recorded op application.

    ``links[i]`` says where input i's gradient goes: ``(node, output_index)`` for an array
    computed on the tape, the array itself for a variable, ``None`` for a constant. Links are
    captured when the op runs, so later in-place writes to an input cannot re-route gradients.
    """

    __slots__ = ("attrs", "freed", "in_arrays", "in_data", "links", "op", "outs")

    def __init__(self, op: Op, attrs: dict, in_arrays: tuple, in_data: tuple, links: tuple,
                 outs: tuple) -> None:
        self.op = op
        self.attrs = attrs
        self.in_arrays = in_arrays
        self.in_data = in_data
        self.links = links
        self.outs = outs
        self.freed = False

    def __repr__(self) -> str:
        return f"<Node {self.op.name}{' (freed)' if self.freed else ''}>"

    def free(self) -> None:
        self.freed = True
        self.in_arrays = self.in_data = self.outs = ()
        self.links = ()


def link_of(a: Any) -> Any:
    """Where a gradient for array ``a`` should flow, or None if ``a`` needs none."""
    node = getattr(a, "_node", None)
    if node is not None and not node.freed:
        return (node, a._index)
    if getattr(a, "_grad_req", None) is not None:
        return a
    return None


def record_op(op: Op, attrs: dict, in_arrays: tuple, in_data: tuple, outs: tuple,
              out_arrays: Sequence[Any]) -> Node | None:
    """Append ``op`` to the tape if any input needs a gradient; tag the output arrays."""
    links = tuple(link_of(a) for a in in_arrays)
    if all(link is None for link in links):
        return None
    node = Node(op, attrs, in_arrays, in_data, links, outs)
    for i, a in enumerate(out_arrays):
        a._node = node
        a._index = i
    return node


def mark_variables(variables: Any, gradients: Any, grad_reqs: Any = "write") -> None:
    """Mark arrays as variables whose gradients ``backward`` computes into ``gradients``.

    ``attach_grad`` is the usual way; this is what it and Gluon Parameters call.

    Parameters
    ----------
    variables : NDArray or list of NDArray
        Arrays that become leaves of the graph.
    gradients : NDArray or list of NDArray
        Buffers, of the variables' shapes, that receive the gradients.
    grad_reqs : str or list of str, default 'write'
        ``'write'`` overwrites, ``'add'`` accumulates, ``'null'`` computes nothing.

    See Also
    --------
    minigluon.ndarray.NDArray.attach_grad : The same for one array.
    backward, grad

    Examples
    --------
    >>> from minigluon import nd, autograd
    >>> x, gx = nd.array([1., 2.]), nd.zeros(2)
    >>> autograd.mark_variables(x, gx)
    >>> with autograd.record():
    ...     y = 3 * x
    >>> y.backward()
    >>> gx
    <BLANKLINE>
    [3. 3.]
    <NDArray 2 @cpu(0)>
    """
    if not isinstance(variables, (list, tuple)):
        variables, gradients = [variables], [gradients]
    if isinstance(grad_reqs, str):
        grad_reqs = [grad_reqs] * len(variables)
    if not len(variables) == len(gradients) == len(grad_reqs):
        raise ValueError(
            f"mark_variables: got {len(variables)} variables, {len(gradients)} gradients and "
            f"{len(grad_reqs)} grad_reqs; pass one of each per variable"
        )
    for v, g, req in zip(variables, gradients, grad_reqs):
        if req not in ("write", "add", "null"):
            raise ValueError(f"grad_req must be one of 'write', 'add', or 'null', but got '{req}'")
        if g is not None and g.shape != v.shape:
            raise ValueError(f"gradient buffer shape {g.shape} does not match variable {v.shape}")
        v._node = None  # a variable is a leaf, whatever computed it
        v._grad = g if req != "null" else None
        v._grad_req = req if req != "null" else None
        v._fresh_grad = False


def _toposort(roots: list[Node]) -> list[Node]:
    order: list[Node] = []
    seen: set[int] = set()
    for root in roots:
        if id(root) in seen:
            continue
        seen.add(id(root))
        stack = [(root, 0)]
        while stack:
            node, i = stack.pop()
            if i < len(node.links):
                stack.append((node, i + 1))
                link = node.links[i]
                if type(link) is tuple and id(link[0]) not in seen and not link[0].freed:
                    seen.add(id(link[0]))
                    stack.append((link[0], 0))
            else:
                order.append(node)
    return order


def _as_list(x: Any) -> list:
    return list(x) if isinstance(x, (list, tuple)) else [x]


def _run_backward(heads: list, head_grads: list | None, create_graph: bool,
                  retain_graph: bool) -> dict[int, tuple[Any, Any]]:
    """Walk the tape from ``heads``; return {id(variable): (variable, gradient)}."""
    if head_grads is None:
        head_grads = [None] * len(heads)
    if len(head_grads) != len(heads):
        raise ValueError(f"got {len(heads)} heads but {len(head_grads)} head_grads")
    node_grads: dict[int, list] = {}
    leaf_grads: dict[int, list] = {}
    roots = []
    for h, hg in zip(heads, head_grads):
        link = link_of(h)
        if link is None:
            raise MXNetError(_NOT_IN_GRAPH)
        if hg is None:
            g = np.ones(h.shape, dtype=h._data.dtype)
            g = _new_array(g) if create_graph else g
        else:
            g = hg if create_graph else hg._data
        _accumulate(link, g, node_grads, leaf_grads)
        if type(link) is tuple:
            roots.append(link[0])

    order = _toposort(roots)
    prev_retain, STATE.retain_graph = STATE.retain_graph, retain_graph
    try:
        with _RecordingStateScope(create_graph, None):
            for node in reversed(order):
                gs = node_grads.pop(id(node), None)
                if gs is None:
                    continue
                in_grads = _node_vjp(node, gs, create_graph)
                for link, gi in zip(node.links, in_grads):
                    if link is not None and gi is not None:
                        _accumulate(link, gi, node_grads, leaf_grads)
    finally:
        STATE.retain_graph = prev_retain
    if not retain_graph:
        for node in order:
            node.free()
    return {k: (v[0], v[1]) for k, v in leaf_grads.items()}


def _accumulate(link: Any, g: Any, node_grads: dict, leaf_grads: dict) -> None:
    if type(link) is tuple:
        node, idx = link
        gs = node_grads.get(id(node))
        if gs is None:
            gs = node_grads[id(node)] = [None] * len(node.outs)
        gs[idx] = g if gs[idx] is None else gs[idx] + g
    else:
        entry = leaf_grads.get(id(link))
        if entry is None:
            leaf_grads[id(link)] = [link, g]
        else:
            entry[1] = entry[1] + g


def _node_vjp(node: Node, gs: list, create_graph: bool) -> Sequence[Any]:
    op = node.op
    needs = [link is not None for link in node.links]
    if not create_graph:
        return op.vjp(gs, node.in_data, node.outs, node.attrs, needs)
    if not op.higher_order:
        raise MXNetError(
            f"create_graph=True: the gradient of '{op.name}' cannot itself be differentiated "
            "yet (its backward is not written with differentiable ops; elementwise math, dot, "
            "softmax, reductions and shape ops support higher-order gradients)"
        )
    # Recompute the outputs from the input arrays so that they are on the new tape.
    outs = invoke(op, node.in_arrays, dict(node.attrs))  # the visible outputs only
    outs = tuple(outs) if len(node.outs) - op.num_hidden > 1 else (outs,)
    return op.vjp(gs, node.in_arrays, outs, node.attrs, needs, zeros=_zeros_array)


def _zeros_array(like: Any) -> Any:
    return _new_array(np.zeros(like.shape, dtype=like._data.dtype))


def backward(heads: Any, head_grads: Any = None, retain_graph: bool = False,
             train_mode: bool = True) -> None:
    """Compute the gradients of ``heads`` with respect to the marked variables.

    Gradients are written to each variable's ``.grad`` according to its ``grad_req``
    (``'write'`` overwrites, ``'add'`` accumulates). The graph is freed unless ``retain_graph``.

    Parameters
    ----------
    heads : NDArray or list of NDArray
        Outputs to differentiate.
    head_grads : NDArray or list of NDArray, optional
        Gradients with respect to the heads (default: ones).
    retain_graph : bool, default False
        Keep the graph so that ``backward`` can run on it again.
    train_mode : bool, default True
        Mode in which the backward pass runs.

    See Also
    --------
    minigluon.ndarray.NDArray.backward : One head.
    grad, record, mark_variables

    Examples
    --------
    >>> from minigluon import nd, autograd
    >>> x = nd.array([1., 2.])
    >>> x.attach_grad()
    >>> with autograd.record():
    ...     y1, y2 = x * 2, x * x
    >>> autograd.backward([y1, y2])
    >>> x.grad
    <BLANKLINE>
    [4. 6.]
    <NDArray 2 @cpu(0)>
    """
    heads = _as_list(heads)
    hgs = None if head_grads is None else _as_list(head_grads)
    with _RecordingStateScope(None, train_mode):
        leaves = _run_backward(heads, hgs, create_graph=False, retain_graph=retain_graph)
    items = list(leaves.values())
    leaves.clear()
    for k in range(len(items)):
        var, g = items[k]
        items[k] = None  # so that an unshared gradient is referenced by `g` alone
        if var._grad_req == "add":
            var._grad._data += g
        elif _unshared(g, var._grad._data):
            var._grad._data = g  # take it over instead of copying it (PyTorch's AccumulateGrad)
        else:
            var._grad._data[...] = g
        var._fresh_grad = True


def _unshared(g: Any, buf: np.ndarray) -> bool:
    """Whether gradient ``g`` can become the buffer ``buf``'s replacement: a whole array of
    ``buf``'s kind that nothing but the caller's one local name refers to (no view of it, no
    other variable's gradient, no head gradient a user passed, nothing a retained graph holds).
    A copy of a 256 x 784 float32 gradient costs ~25 us where the whole backward at batch 1 is a
    few hundred."""
    return (type(g) is np.ndarray and g.base is None and g.flags.writeable
            and g.flags.c_contiguous and g.dtype == buf.dtype and g.shape == buf.shape
            and sys.getrefcount(g) <= _UNSHARED_REFS)


def _probe_refs() -> int:
    g = np.empty(1)  # referenced by this local name only, as in backward's loop
    return _refcount_in_callee(g)


def _refcount_in_callee(g: Any) -> int:
    return sys.getrefcount(g)


_UNSHARED_REFS = _probe_refs()  # the count _unshared sees for an array nothing else holds


def grad(heads: Any, variables: Any, head_grads: Any = None, retain_graph: bool | None = None,
         create_graph: bool = False, train_mode: bool = True) -> list:
    """Return the gradients of ``heads`` with respect to ``variables`` as new arrays.

    Unlike :func:`backward`, nothing is written to ``.grad``. With ``create_graph=True`` the
    gradient computation is itself recorded, so the result can be differentiated again
    (second derivatives of elementwise ops).

    Parameters
    ----------
    heads : NDArray or list of NDArray
        Outputs to differentiate.
    variables : NDArray or list of NDArray
        Marked variables (``attach_grad``) to differentiate with respect to.
    head_grads : NDArray or list of NDArray, optional
        Gradients of the heads (their shapes); None means ones.
    retain_graph : bool, optional
        Defaults to ``create_graph``.
    create_graph : bool, default False
        If True, the gradient computation is recorded too, so the result can be differentiated
        again.
    train_mode : bool, default True
        Whether the backward pass runs in training mode (as for ``record(train_mode=...)``).

    Returns
    -------
    list of NDArray
        One gradient per variable (zeros for a variable the heads do not depend on).

    See Also
    --------
    backward : Gradients into the variables' ``.grad`` instead.
    record

    Examples
    --------
    >>> from minigluon import nd, autograd
    >>> x = nd.array([1., 2., 3.])
    >>> x.attach_grad()
    >>> with autograd.record():
    ...     y = x ** 3
    ...     dy = autograd.grad(y, [x], create_graph=True)[0]   # 3 x^2
    >>> dy
    <BLANKLINE>
    [ 3. 12. 27.]
    <NDArray 3 @cpu(0)>
    >>> dy.backward()                                           # d(3 x^2)/dx = 6 x
    >>> x.grad
    <BLANKLINE>
    [ 6. 12. 18.]
    <NDArray 3 @cpu(0)>
    """
    variables = _as_list(variables)
    if not variables:
        raise ValueError("grad: variables must be a non-empty list of arrays")
    for v in variables:
        if getattr(v, "_grad_req", None) is None:
            raise MXNetError("grad: every variable must be marked with attach_grad() (or "
                             "mark_variables) before recording")
    if retain_graph is None:
        retain_graph = create_graph
    heads = _as_list(heads)
    hgs = None if head_grads is None else _as_list(head_grads)
    with _RecordingStateScope(None, train_mode):
        leaves = _run_backward(heads, hgs, create_graph=create_graph, retain_graph=retain_graph)
    out = []
    for v in variables:
        g = leaves.get(id(v), (None, None))[1]
        if g is None:
            g = np.zeros(v.shape, dtype=v._data.dtype)
        if create_graph:
            out.append(g if not isinstance(g, np.ndarray) else _new_array(g))
        else:
            out.append(_new_array(np.asarray(g, dtype=v._data.dtype)))
    return out


# -- the tape as a Symbol ----------------------------------------------------------------------
# (var(name) -> Symbol, build(op, input_symbols, attrs, name) -> Symbol), set by minigluon.symbol,
# which sits above this module.
_SYMBOL_BUILDER: list[tuple[Any, Any]] = []


def _set_symbol_builder(var: Any, build: Any) -> None:
    _SYMBOL_BUILDER[:] = [(var, build)]


def get_symbol(x: Any) -> Any:
    """The recorded computation of ``x`` as a Symbol graph.

    Marked variables become arguments named ``var<i>``, other arrays the computation read
    become arguments named ``null<i>``, and each recorded op a node ``node_<j>``, as in MXNet.
    Only ops that depend on a variable are recorded, so a value computed from constants alone
    is one ``null`` argument.
    The graph must not have been freed by ``backward`` (use ``retain_graph=True``).

    Parameters
    ----------
    x : NDArray
        An array computed while recording.

    Returns
    -------
    Symbol

    See Also
    --------
    record
    minigluon.symbol.Symbol.list_arguments

    Examples
    --------
    >>> from minigluon import nd, autograd
    >>> x, z = nd.ones(2), nd.ones(2)
    >>> x.attach_grad()
    >>> with autograd.record():
    ...     y = x * x + z
    >>> s = autograd.get_symbol(y)
    >>> s.list_arguments()
    ['var0', 'null1']
    >>> s.eval(var0=nd.array([1, 2]), null1=nd.array([0, 1]))[0]
    <BLANKLINE>
    [1. 5.]
    <NDArray 2 @cpu(0)>
    """
    if not _SYMBOL_BUILDER:
        raise MXNetError("get_symbol needs minigluon.symbol; import minigluon first")
    var, build = _SYMBOL_BUILDER[0]
    root = link_of(x)
    if root is None:
        raise MXNetError(_NOT_IN_GRAPH)
    leaves: dict[int, Any] = {}
    outputs: dict[int, Any] = {}

    def leaf(a: Any, marked: bool) -> Any:
        if id(a) not in leaves:
            leaves[id(a)] = var(f"{'var' if marked else 'null'}{len(leaves)}")
        return leaves[id(a)]

    def entry(link: Any, a: Any) -> Any:
        if type(link) is tuple:
            return outputs[id(link[0])][link[1]]
        return leaf(a if link is None else link, link is not None)

    order = [root[0]] if type(root) is tuple else []
    order = _toposort(order)
    # leaves are numbered in the order the graph first reads them
    for n, node in enumerate(order):
        if node.op.forward is None or "function" in node.attrs:
            raise MXNetError(f"get_symbol: '{node.op.name}' (an autograd.Function) has no "
                             "Symbol form")
        ins = [entry(link, a) for link, a in zip(node.links, node.in_arrays)]
        sym = build(node.op, tuple(ins), dict(node.attrs), f"node_{n}")
        outputs[id(node)] = [sym[i] for i in range(len(sym))] if len(sym) > 1 else [sym]
    if type(root) is not tuple:
        return leaf(root, True)
    return outputs[id(root[0])][root[1]]


# -- custom differentiable functions ------------------------------------------------------------
class Function:
    """A user-defined differentiable function with its own ``forward`` and ``backward``.

    Subclass it, implement ``forward(*inputs)`` and ``backward(*output_grads)`` on NDArrays, and
    call an instance once. ``save_for_backward`` keeps arrays for ``backward`` in
    ``saved_tensors``. Forward runs with recording paused; ``backward`` must return one
    gradient per forward input.

    See Also
    --------
    record, backward
    minigluon.ndarray.BlockGrad

    Examples
    --------
    A numerically stable sigmoid whose backward reuses the forward output:

    >>> from minigluon import nd, autograd
    >>> class Sigmoid(autograd.Function):
    ...     def forward(self, x):
    ...         y = 1 / (1 + nd.exp(-x))
    ...         self.save_for_backward(y)
    ...         return y
    ...     def backward(self, dy):
    ...         y, = self.saved_tensors
    ...         return dy * y * (1 - y)
    >>> x = nd.array([0., 2.])
    >>> x.attach_grad()
    >>> with autograd.record():
    ...     y = Sigmoid()(x)
    >>> y.backward()
    >>> x.grad
    <BLANKLINE>
    [0.25       0.10499363]
    <NDArray 2 @cpu(0)>
    """

    def __init__(self) -> None:
        self._used = False
        self.saved_tensors: tuple = ()

    def save_for_backward(self, *args: Any) -> None:
        """Keep ``args`` for :meth:`backward` (as ``self.saved_tensors``).

        See Also
        --------
        Function.forward, Function.backward

        Examples
        --------
        >>> from minigluon import autograd
        >>> f = autograd.Function()
        >>> f.save_for_backward(1, 2)
        >>> f.saved_tensors
        (1, 2)
        """
        self.saved_tensors = args

    def forward(self, *inputs: Any) -> Any:
        """Compute the outputs from the inputs (override this).

        See Also
        --------
        Function.backward, save_for_backward

        Examples
        --------
        >>> from minigluon import autograd
        >>> autograd.Function().forward()
        Traceback (most recent call last):
        ...
        NotImplementedError
        """
        raise NotImplementedError

    def backward(self, *output_grads: Any) -> Any:
        """Compute the input gradients from the output gradients (override this).

        See Also
        --------
        forward, save_for_backward
        minigluon.autograd.grad

        Examples
        --------
        >>> from minigluon import autograd
        >>> autograd.Function().backward()
        Traceback (most recent call last):
        ...
        NotImplementedError
        """
        raise NotImplementedError

    def __call__(self, *inputs: Any) -> Any:
        if self._used:
            raise MXNetError(
                "Each Function instance can only be called once. Please create another instance."
            )
        self._used = True
        prev = set_recording(False)
        try:
            outputs = self.forward(*inputs)
        finally:
            set_recording(prev)
        if not prev:
            return outputs
        outs = _as_list(outputs)
        op = _function_op(type(self), len(outs))
        record_op(op, {"function": self}, tuple(inputs), tuple(i._data for i in inputs),
                  tuple(o._data for o in outs), outs)
        return outputs


_FUNCTION_OPS: dict[tuple[type, int], Op] = {}


def _function_op(cls: type, n_out: int) -> Op:
    key = (cls, n_out)
    if key not in _FUNCTION_OPS:
        _FUNCTION_OPS[key] = Op(name=cls.__name__, forward=cls.forward, array_params=(),
                                attr_params=(), variadic=True, num_outputs=n_out,
                                backward=_function_backward)
    return _FUNCTION_OPS[key]


def _function_backward(g: Any, ins: tuple, outs: Any, *, function: Function) -> tuple:
    gs = g if isinstance(g, tuple) else (g,)
    with _RecordingStateScope(False, None):
        res = function.backward(*[_new_array(np.asarray(x)) for x in gs])
    res = _as_list(res)
    if len(res) != len(ins):
        raise MXNetError(
            f"{type(function).__name__}.backward must return exactly the same number of NDArrays "
            "as the number of NDArrays arguments to forward"
        )
    return tuple(None if r is None else r._data for r in res)
