"""Tracing a HybridBlock into a graph, and the cache of planned graphs it runs when hybridized.

``trace`` runs ``hybrid_forward`` once with ``F = sym`` and variables for the inputs and the
Parameters; its ``on_output`` callback is told every block's output Symbol (feature
extraction). ``HybridCache`` keeps one :class:`~minigluon.symbol.executor.CachedGraph` per input
structure and train/predict mode, so ``autograd.is_training()`` is not frozen at trace time;
HybridBlocks and SymbolBlocks both run through it.

Once a call has gone the full way (structure check, cache lookup, Parameter checks, one autograd
node), ``HybridCache.fast`` holds a call of the graph's compiled plan
(:mod:`~minigluon.symbol.compiled`) for that number of NDArray arguments and mode: when nothing
records and no hook watches, ``HybridBlock.__call__`` runs it directly, so a hybridized call
costs its kernels and a few attribute reads.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from .. import autograd
from .. import symbol as sym
from ..autograd import STATE
from ..base import MXNetError
from ..ndarray import NDArray
from ..ndarray.ndarray import _legacy
from ..ops.dispatch import invoke
from ..symbol.executor import CachedGraph
from ..symbol.symbol import Symbol
from .deferred import finish_deferred

__all__ = ["tree_flatten", "tree_unflatten", "trace", "traced_output", "HybridCache",
           "input_kinds", "CACHE_FORWARDS"]

_new_object = object.__new__

# The ``forward`` methods that do nothing but check the arguments and call the block's
# HybridCache (HybridBlock's, SymbolBlock's): a block whose class's forward is one of them
# may skip it for the cache's fast path; an overriding forward always runs.
CACHE_FORWARDS: set[Callable] = set()


# -- nested inputs and outputs: one flatten/unflatten pair ---------------------------------------
def tree_flatten(obj: Any) -> tuple[list, Any]:
    """Leaves of nested lists/tuples/dicts and a spec to rebuild them (``None`` leaves allowed)."""
    if isinstance(obj, (list, tuple)):
        leaves: list = []
        specs = []
        for o in obj:
            sub, spec = tree_flatten(o)
            leaves += sub
            specs.append(spec)
        return leaves, (type(obj), tuple(specs))
    if isinstance(obj, dict):
        leaves, spec = tree_flatten(list(obj.values()))
        return leaves, (dict, tuple(obj), spec)
    return [obj], None


def tree_unflatten(spec: Any, leaves: list) -> Any:
    """Inverse of :func:`tree_flatten`."""
    it = iter(leaves)

    def build(s: Any) -> Any:
        if s is None:
            return next(it)
        if s[0] is dict:
            return dict(zip(s[1], build(s[2])))
        kind, children = s
        return kind(build(c) for c in children)

    return build(spec)


def input_kinds(args: Any) -> tuple[bool, bool]:
    """Whether the (nested) arguments hold a Symbol, and whether they hold an NDArray."""
    has_sym = has_nd = False
    for a in args:
        if isinstance(a, NDArray):
            has_nd = True
        elif isinstance(a, Symbol):
            has_sym = True
        elif isinstance(a, (list, tuple)):
            s, n = input_kinds(a)
            has_sym, has_nd = has_sym or s, has_nd or n
        elif isinstance(a, dict):
            s, n = input_kinds(list(a.values()))
            has_sym, has_nd = has_sym or s, has_nd or n
    return has_sym, has_nd


def _check_graph_inputs(block: Any, flat: list) -> None:
    # A graph input is a variable fed an array; a Python number would be frozen into the graph
    # at trace time, so hybridized blocks refuse it (as MXNet does).
    for a in flat:
        if a is not None and not isinstance(a, (NDArray, Symbol)):
            raise ValueError(f"When hybridized, the input of HybridBlock {block.name} must be "
                             f"(nested) list of Symbol or NDArray, but got {a} of type "
                             f"{type(a)}")


def _drop_trailing_none(spec: Any, flat: list) -> tuple[Any, list]:
    """The structure with trailing top-level ``None`` arguments removed (defaults left out)."""
    kind, children = spec
    children, flat = list(children), list(flat)
    while children and children[-1] is None and flat[-1] is None:
        children.pop()
        flat.pop()
    return (kind, tuple(children)), flat


# -- tracing ------------------------------------------------------------------------------------
def _user_frame(tb: Any) -> str:
    """The last traceback frame outside minigluon: the user's line that failed."""
    frames = [f for f in traceback.extract_tb(tb) if "/minigluon/" not in f.filename]
    if not frames:
        return ""
    f = frames[-1]
    return f"\n  at {f.filename}:{f.lineno}: {(f.line or '').strip()}"


# The callbacks of the traces that asked to see every block's output, innermost last.
_OUTPUT_CALLBACKS: list[Callable[[Any, Any], None]] = []


@contextmanager
def _reporting_outputs(on_output: Callable[[Any, Any], None] | None) -> Iterator[None]:
    if on_output is None:
        yield
        return
    _OUTPUT_CALLBACKS.append(on_output)
    try:
        yield
    finally:
        _OUTPUT_CALLBACKS.pop()


def traced_output(block: Any, out: Any) -> None:
    """Called by ``Block.__call__`` with each block's Symbol output: tell the tracing caller."""
    if _OUTPUT_CALLBACKS:
        _OUTPUT_CALLBACKS[-1](block, out)


def trace(block: Any, args: tuple, on_output: Callable[[Any, Any], None] | None = None
          ) -> tuple[Symbol, list[str], Any]:
    """Run ``block.hybrid_forward`` on Symbols; returns (outputs, input names, output spec).

    ``on_output(block, output)`` is called for every block the trace calls (children before
    their parents), with the Symbol(s) it returned.
    """
    flat, in_spec = tree_flatten(list(args))
    names = ["data"] if len(flat) == 1 else [f"data{i}" for i in range(len(flat))]
    inputs = [None if a is None else sym.var(n) for a, n in zip(flat, names)]
    try:
        with _reporting_outputs(on_output):
            out = block(*tree_unflatten(in_spec, inputs))
    except (AttributeError, TypeError, MXNetError, ValueError) as e:
        # The failing block already named itself (Block.__call__); add the user's line.
        where = _user_frame(sys.exc_info()[2])
        if where and e.args and isinstance(e.args[0], str):
            e.args = (e.args[0] + where, *e.args[1:])
        raise
    out_flat, out_spec = tree_flatten(_as_nd_returns(out))
    if not all(isinstance(o, Symbol) for o in out_flat):
        raise MXNetError(f"{type(block).__name__}.hybrid_forward must return Symbols (or "
                         "nested lists, tuples or dicts of them) when traced")
    return sym.Group(out_flat), [n for a, n in zip(flat, names) if a is not None], out_spec


def _as_nd_returns(out: Any) -> Any:
    """``out`` with each multi-output Symbol as a list: the structure ``F = nd`` returns."""
    if isinstance(out, Symbol):
        return list(out) if len(out) > 1 else out
    if isinstance(out, (list, tuple)):
        return type(out)(_as_nd_returns(o) for o in out)
    if isinstance(out, dict):
        return {k: _as_nd_returns(v) for k, v in out.items()}
    return out


def graph_params(block: Any, outputs: Symbol, data_names: list[str]) -> list:
    """The block's Parameters the traced graph reads, in the graph's input order."""
    all_params = {p.name: p for p in block.collect_params().values()}
    graph_vars = outputs.list_inputs()
    unknown = [v for v in graph_vars if v not in all_params and v not in data_names]
    if unknown:
        raise MXNetError(f"Unknown input to HybridBlock: {unknown[0]}")
    return [all_params[v] for v in graph_vars if v in all_params]


def _describe(fmt: tuple) -> str:
    """A structure as MXNet prints it: 0 for an array, -1 for None, nested lists."""
    spec, nones = fmt
    it = iter(nones)

    def build(s: Any) -> Any:
        if s is None:
            return -1 if next(it) else 0
        if s[0] is dict:
            return build(s[2])
        return [build(c) for c in s[1]]

    return str(build(spec))


def _run_inlined(graph: CachedGraph, arrays: list) -> Any:
    """Run a small graph op by op, so autograd records each op rather than one graph node.

    MXNet's ``hybridize(inline_limit=n)``: a graph of at most ``n`` ops is inlined into the
    recorded computation (``autograd.get_symbol`` then shows its ops).
    """
    env: list[Any] = [None] * graph.n_slots
    for s, a in zip(graph.input_slots, arrays):
        if s >= 0:
            env[s] = a
    for step in graph.plan:
        args = tuple(env[i] if i >= 0 else None for i in step.ins)
        res = invoke(step.op, args, step.bwd_attrs)
        res = res if isinstance(res, list) else [res]
        for s, r in zip(step.outs, res):
            env[s] = r
        if graph.monitor is not None:  # hidden outputs (for backward) are not shown anyway
            graph.monitor(step.name, step.op, [None if a is None else a._data for a in args],
                          [r._data for r in res] + [None] * step.op.num_hidden)
    outs = [env[s] for s in graph.out_slots]
    return outs if len(outs) > 1 else outs[0]


def _as_output(o: Any) -> NDArray:
    """A graph output as an NDArray, as the autograd path returns it (0-d becomes (1,))."""
    if type(o) is not np.ndarray or o.ndim == 0:
        o = _legacy(o)
    r = _new_object(NDArray)
    r._data = o
    return r


def _fast_call(graph: CachedGraph, params: list, out_spec: Any) -> Callable[[tuple], Any]:
    """Run ``graph``'s compiled plan on NDArray arguments; ``None`` when the call does not fit.

    What the full path checks per call and this one does not: the argument structure and
    mode (the caller picked this entry by argument count and mode, and only plain NDArray
    arguments get here), whether Parameters are initialized (a missing one returns ``None``:
    the full path then raises or finishes deferred initialization), and the autograd node
    (the caller runs this only when nothing records).
    """
    run = graph.run_lean
    single = out_spec is None

    def call(args: tuple) -> Any:
        for a in args:
            if type(a) is not NDArray:
                return None
        try:
            datas = [a._data for a in args] + [p._data._data for p in params]
        except AttributeError:  # a Parameter without an array (deferred or reset): full path
            return None
        outs = run(*datas)
        if single:
            return _as_output(outs[0])
        return tree_unflatten(out_spec, [_as_output(o) for o in outs])

    return call


class HybridCache:
    """Planned graphs of one HybridBlock, keyed by input structure and training mode."""

    def __init__(self) -> None:
        self._graphs: dict[tuple, tuple[CachedGraph, list, Any, Symbol]] = {}
        # The input structure of the first call: like MXNet's cached op, a hybridized block
        # then only accepts that structure (trailing None arguments aside) until hybridize().
        self._in_format: tuple | None = None
        # (number of NDArray arguments, training) -> the compiled plan's call, for
        # HybridBlock.__call__'s fast path; filled after a call of that kind went the full way
        self.fast: dict[tuple[int, bool], Callable[[tuple], Any]] = {}

    def clear(self) -> None:
        self._graphs.clear()
        self._in_format = None
        self.fast.clear()

    def symbol(self) -> Symbol | None:
        """The most recently traced graph (what ``export`` writes)."""
        return next(reversed(self._graphs.values()))[3] if self._graphs else None

    def __call__(self, block: Any, args: tuple) -> Any:
        if all(isinstance(a, NDArray) for a in args):  # the common case, kept cheap
            flat = list(args)
            fmt = ((list, (None,) * len(flat)), (False,) * len(flat))
        else:
            flat, in_spec = tree_flatten(list(args))
            _check_graph_inputs(block, flat)
            # trailing None arguments stand for defaults: f(x) and f(x, None) share a graph
            spec, kept = _drop_trailing_none(in_spec, flat)
            fmt = (spec, tuple(a is None for a in kept))
        if self._in_format is not None and fmt != self._in_format:
            raise ValueError("The argument structure of HybridBlock does not match the cached "
                             f"version. Stored format = {_describe(self._in_format)}, input "
                             f"format = {_describe(fmt)}")
        key = (*fmt, autograd.is_training())
        entry = self._graphs.get(key)
        if entry is None:
            entry = self._graphs[key] = self._build(block, args, flat)
            self._in_format = fmt
        graph, params, out_spec, _ = entry
        graph.monitor = block._op_monitor
        arrays = [*[a for a in flat if a is not None], *[p.data() for p in params]]
        if key[0] == (list, (None,) * len(args)) and all(type(a) is NDArray for a in args):
            # every Parameter was readable, so later calls of this kind may take the fast path
            self.fast.setdefault((len(args), key[-1]), _fast_call(graph, params, out_spec))
        if STATE.recording and len(graph.plan) <= block._flags.get("inline_limit", 2):
            out = _run_inlined(graph, arrays)
        else:
            out = graph(*arrays)
        return tree_unflatten(out_spec, out if isinstance(out, list) else [out])

    def _build(self, block: Any, args: tuple, flat: list) -> tuple:
        outputs, data_names, out_spec = trace(block, args)
        params = graph_params(block, outputs, data_names)
        data = [a for a in flat if a is not None]
        finish_deferred(outputs._outputs, {n: a.shape for n, a in zip(data_names, data)},
                        params, f"{type(block).__name__} '{block.name}'")
        graph = CachedGraph(outputs._outputs, data_names + [p.name for p in params],
                            training=autograd.is_training())
        return graph, params, out_spec, outputs
