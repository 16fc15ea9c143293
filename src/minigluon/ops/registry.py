"""The op registry: every operator is declared once here and generated everywhere else.

An :class:`Op` holds the numpy forward, the vector-Jacobian product (backward), shape inference,
the docstring and the gradient-test cases. ``nd.<op>``, ``sym.<op>``, ``NDArray.<method>``, the
autograd tape and the API reference are all built from these records, so an op added once is
everywhere and cannot skip the registry-driven gradient test.

Calling convention (from JAX's autodidax): array inputs are positional, static attributes are
keyword-only. ``register`` reads both from the forward function's signature::

    @register(method=True)
    def relu(data):
        '''...docstring with Examples...'''
        return np.maximum(data, 0)

    @relu.def_backward
    def _(g, ins, out):
        return (g * (out > 0),)
"""

from __future__ import annotations

import difflib
import inspect
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = ["Op", "Case", "register", "get", "all_ops", "same_shape", "stand_in"]

# One gradient (or None) per input. ``ins``/``outs`` are numpy arrays normally and NDArrays
# when autograd builds a graph of the backward pass (``create_graph=True``).
Backward = Callable[..., Sequence[Any]]


@dataclass
class Case:
    """One gradient-test case: input specs and attributes.

    An input spec is a shape tuple (standard-normal float64 values), an explicit array, or a
    callable ``rng -> array`` for constrained domains (positive values, integer indices).
    """

    inputs: tuple
    attrs: dict = field(default_factory=dict)
    wrt: tuple | None = None  # indices to check; default: every differentiable input

    def __init__(self, *inputs: Any, wrt: tuple | None = None, **attrs: Any) -> None:
        self.inputs = inputs
        self.attrs = attrs
        self.wrt = wrt


@dataclass(eq=False)
class Op:
    """A registered operator. See the module docstring for the calling convention."""

    name: str
    forward: Callable[..., Any]
    array_params: tuple[inspect.Parameter, ...]
    attr_params: tuple[inspect.Parameter, ...]
    variadic: bool
    num_outputs: int | Callable[..., int] = 1  # or a function of the attrs (split)
    num_hidden: int = 0  # extra forward results kept for backward but never returned to users
    backward: Backward | None = None
    differentiable: bool = True
    higher_order: bool = False  # backward uses only ops NDArray supports: create_graph works
    nondiff_inputs: tuple[int, ...] = ()  # inputs that never get a gradient (indices, aux state)
    mutates: tuple[int, ...] = ()  # inputs the forward writes in place (BatchNorm moving stats)
    uses_train_mode: bool = False  # forward receives ``is_train`` (Dropout, BatchNorm)
    namespace: str = ""  # '', 'random', 'contrib', 'linalg', '_internal'
    method: str | None = None  # NDArray method name, if the op is also a method
    aliases: tuple[str, ...] = ()
    # names in the root namespace (nd.*, sym.*) for an op of a sub-namespace: MXNet keeps the
    # legacy nd.uniform / nd.random_uniform beside nd.random.uniform
    root_aliases: tuple[str, ...] = ()
    wants_needs: bool = False  # backward accepts needs=(bool per input)
    shape_fn: Callable[..., Any] | None = None
    # Backward shape inference: the shapes of parameter inputs (weights) from the data shape,
    # ``fn(*in_shapes_or_None, **attrs) -> in_shapes``; used by deferred initialization.
    args_fn: Callable[..., Any] | None = None
    # Which array inputs a call with these attributes reads, ``fn(**attrs) -> names``; the
    # symbolic front end makes a variable ``<node>_<input>`` for each one left out
    # (``fc1_weight``). Default: the required array inputs.
    inputs_fn: Callable[..., Any] | None = None
    # Attributes of the variables the symbolic front end creates, by input name (BatchNorm's
    # moving_mean starts at zero: {"moving_mean": {"__init__": '["zero", {}]'}}).
    input_attrs: dict[str, dict[str, str]] = field(default_factory=dict)
    # Partial shape inference back from the outputs, ``fn(in_shapes, out_shapes, **attrs) ->
    # (in_shapes, out_shapes)`` where a shape is None or a tuple with 0 for unknown dims.
    partial_fn: Callable[..., Any] | None = None
    # The op's arithmetic for inputs whose shapes a trace already checked, ``fn(n_inputs,
    # **attrs) -> kernel | None`` (None: the forward must run); the compiled inference plan
    # calls the kernel with the inputs positionally (symbol/compiled.py).
    lean: Callable[..., Any] | None = None
    # Which forward values the backward reads, ``fn(**attrs) -> (input indices, output
    # indices)``, outputs counted with the hidden ones (negative indices from the end); None:
    # all of them. A graph executor keeps only these from the forward for the backward and
    # passes, in place of the others, a stand-in of the same shape and dtype holding no data
    # (NaN for floats): a backward may read any value's shape and dtype, nothing more.
    saves: Callable[..., tuple[tuple[int, ...], tuple[int, ...]]] | None = None
    cases: list[Case] = field(default_factory=list)
    doc: str = ""
    family: str = ""  # the module that registered it (minigluon.ops.elemwise)
    source: tuple[str, int] | None = None  # file and line of the registering statement

    def n_visible(self, attrs: dict) -> int:
        """Number of outputs returned to the user for these attributes."""
        n = self.num_outputs
        return n if type(n) is int else n(**{**self.attr_defaults, **attrs})

    def n_total(self, attrs: dict) -> int:
        """Visible plus hidden outputs (what the forward returns)."""
        return self.n_visible(attrs) + self.num_hidden

    @property
    def attr_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.attr_params)

    @property
    def attr_defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.attr_params if p.default is not p.empty}

    # -- decorators that complete the record -------------------------------------------------
    def def_backward(self, fn: Backward) -> Backward:
        """Attach the vector-Jacobian product ``fn(g, ins, outs, **attrs) -> grads``.

        A backward that declares a ``needs`` keyword is told which inputs need a gradient
        (a tuple of bools), so it can skip work (a first convolution's data gradient).
        """
        self.backward = fn
        self.wants_needs = "needs" in inspect.signature(fn).parameters
        return fn

    def vjp(self, out_grads: Sequence[Any], ins: Sequence[Any], outs: Sequence[Any],
            attrs: dict, needs: Sequence[bool],
            zeros: Callable[[Any], Any] = np.zeros_like) -> Sequence[Any]:
        """Input gradients from output gradients: the one place the backward is called.

        The tape and the graph executor both come here, so the gradient contract is written
        once. ``out_grads`` has one entry per output (hidden ones included), ``None`` where no
        gradient arrived: a visible output's ``None`` becomes ``zeros(out)``, hidden outputs
        get none. ``needs`` (one bool per input) is passed to a backward that declares it.
        Returns one gradient or ``None`` per input; all ``None``, without calling the
        backward, when nothing arrived or no input needs a gradient.
        """
        n_visible = len(outs) - self.num_hidden
        if not (self.differentiable and any(needs)) or all(
                g is None for g in out_grads[:n_visible]):
            return (None,) * len(ins)
        gs = [zeros(o) if g is None and i < n_visible else g
              for i, (g, o) in enumerate(zip(out_grads, outs))]
        extra = {"needs": tuple(needs)} if self.wants_needs else {}
        if len(outs) == 1:
            grads = self.backward(gs[0], ins, outs[0], **attrs, **extra)  # type: ignore[misc]
        else:
            grads = self.backward(tuple(gs), ins, tuple(outs), **attrs,  # type: ignore[misc]
                                  **extra)
        # An internal invariant (user errors in Function.backward are caught before this).
        assert len(grads) == len(ins), (f"backward of '{self.name}' returned {len(grads)} "
                                        f"gradients for {len(ins)} inputs")
        return grads

    def def_saves(self, fn: Callable[..., tuple[tuple[int, ...], tuple[int, ...]]]
                  ) -> Callable[..., tuple[tuple[int, ...], tuple[int, ...]]]:
        """Attach ``fn(**attrs) -> (input indices, output indices)``: what the backward reads
        beyond shapes and dtypes (see the ``saves`` field); checked per case by a test."""
        self.saves = fn
        return fn

    def saved(self, attrs: dict) -> tuple[tuple[int, ...], tuple[int, ...]] | None:
        """The (input, output) indices the backward reads with these attributes; None: all."""
        if self.saves is None:
            return None
        return self.saves(**{**self.attr_defaults, **attrs})

    def def_lean(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        """Attach ``fn(n_inputs, **attrs) -> kernel | None``: the forward's arithmetic without
        the checks a trace already did. A kernel that raises hands the step back to the
        forward, so it may assume shapes but must never compute something else."""
        self.lean = fn
        return fn

    def def_inputs(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        """Attach ``fn(**attrs) -> input names``: the inputs read with these attributes."""
        self.inputs_fn = fn
        return fn

    def def_partial_shape(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        """Attach ``fn(in_shapes, out_shapes, **attrs) -> (in_shapes, out_shapes)``: what the
        op knows about its shapes when some dimensions are unknown (0)."""
        self.partial_fn = fn
        return fn

    def inputs_for(self, attrs: dict) -> tuple[str, ...]:
        """Names of the array inputs a call with ``attrs`` reads (optional ones included
        only when the attributes ask for them: ``bias`` unless ``no_bias``)."""
        if self.variadic:
            return ()
        if self.inputs_fn is not None:
            return tuple(self.inputs_fn(**{**self.attr_defaults, **attrs}))
        return tuple(p.name for p in self.array_params if p.default is p.empty)

    @property
    def aux_names(self) -> tuple[str, ...]:
        """Names of the inputs the op updates in place (auxiliary states)."""
        return tuple(self.array_params[i].name for i in self.mutates)

    def def_shape(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        """Attach shape inference ``fn(*in_shapes, **attrs) -> out_shape | [out_shapes]``."""
        self.shape_fn = fn
        return fn

    def def_infer_args(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        """Attach parameter-shape inference ``fn(*in_shapes_or_None, **attrs) -> in_shapes``."""
        self.args_fn = fn
        return fn

    def infer_args(self, *in_shapes: tuple | None, **attrs: Any) -> list[tuple | None]:
        """Complete unknown (None) input shapes from the known ones, where the op can.

        ``FullyConnected`` knows its weight is ``(num_hidden, in_units)`` once it sees the data.
        """
        if self.args_fn is None or all(s is not None for s in in_shapes):
            return list(in_shapes)
        return [tuple(s) if s is not None else None
                for s in self.args_fn(*in_shapes, **{**self.attr_defaults, **attrs})]

    def infer_shape(self, *in_shapes: tuple | None, **attrs: Any) -> list[tuple]:
        """Output shapes (visible outputs only) for the given input shapes."""
        attrs = {**self.attr_defaults, **attrs}
        if self.shape_fn is None:
            out = _shape_by_running(self, in_shapes, attrs)
        else:
            out = self.shape_fn(*in_shapes, **attrs)
        if self.n_visible(attrs) == 1 and (not out or not isinstance(out[0], (tuple, list))):
            return [tuple(out)]
        return [tuple(s) for s in out]

    def __repr__(self) -> str:
        return f"<Op {self.name}>"


_REGISTRY: dict[str, Op] = {}


def register(
    fn: Callable[..., Any] | None = None,
    *,
    name: str | None = None,
    num_outputs: int | Callable[..., int] = 1,
    num_hidden: int = 0,
    differentiable: bool = True,
    higher_order: bool = False,
    nondiff_inputs: tuple[int, ...] = (),
    mutates: tuple[int, ...] = (),
    namespace: str = "",
    method: bool | str = False,
    aliases: tuple[str, ...] = (),
    root_aliases: tuple[str, ...] = (),
    shape: Callable[..., Any] | None = None,
    cases: Sequence[Case] = (),
) -> Any:
    """Register ``fn`` as an op; usable as ``@register`` or ``@register(**options)``."""
    family, source = _registration_site(sys._getframe(1))

    def wrap(f: Callable[..., Any]) -> Op:
        op_name = name or f.__name__
        if op_name in _REGISTRY:
            raise ValueError(f"op {op_name!r} is registered twice")
        sig = inspect.signature(f)
        arrays, attrs, variadic, train = [], [], False, False
        for p in sig.parameters.values():
            if p.kind is p.VAR_POSITIONAL:
                variadic = True
                arrays.append(p)
            elif p.kind is p.KEYWORD_ONLY:
                if p.name == "is_train":
                    train = True
                else:
                    attrs.append(p)
            elif p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD):
                arrays.append(p)
            else:
                raise TypeError(f"op {op_name}: **kwargs is not allowed in a forward signature")
        op = Op(
            name=op_name,
            forward=f,
            array_params=tuple(arrays),
            attr_params=tuple(attrs),
            variadic=variadic,
            num_outputs=num_outputs,
            num_hidden=num_hidden,
            differentiable=differentiable,
            higher_order=higher_order,
            nondiff_inputs=nondiff_inputs,
            mutates=mutates,
            uses_train_mode=train,
            namespace=namespace,
            method=(op_name if method is True else method) or None,
            aliases=aliases,
            root_aliases=root_aliases,
            shape_fn=shape,
            cases=list(cases),
            doc=inspect.cleandoc(f.__doc__ or ""),
            family=family,
            source=source,
        )
        _REGISTRY[op_name] = op
        return op

    return wrap(fn) if fn is not None else wrap


def _registration_site(frame: Any) -> tuple[str, tuple[str, int] | None]:
    """The family module calling ``register`` and its module-level statement doing so.

    Ops made by a factory (``_unary("sin", ...)``) are registered from inside the factory;
    the statement that matters to a reader, and holds the docstring text, is the call of
    the factory at module level.
    """
    family = frame.f_globals.get("__name__", "")
    f = frame
    while f is not None and not (f.f_code.co_name == "<module>"
                                 and f.f_globals.get("__name__") == family):
        f = f.f_back
    site = f or frame
    return family, (site.f_code.co_filename, site.f_lineno)


def stand_in(value: Any) -> Any:
    """What a backward gets for a value its op does not save (``Op.saves``): the value's shape
    and dtype with no data, a read-only broadcast of NaN (0 for integers and booleans), so that
    a backward reading more than it declared yields NaN gradients, not plausible wrong ones."""
    if not isinstance(value, np.ndarray):
        return value
    key = (value.shape, value.dtype)
    made = _STAND_INS.get(key)
    if made is None:  # read-only views of no data: one per shape and dtype serves every step
        fill = np.nan if value.dtype.kind in "fc" else 0
        made = np.broadcast_to(np.array(fill, dtype=value.dtype), value.shape)
        if len(_STAND_INS) < 4096:
            _STAND_INS[key] = made
    return made


_STAND_INS: dict[tuple, np.ndarray] = {}


def get(name: str) -> Op:
    """The op called ``name`` (KeyError with close matches if there is none)."""
    try:
        return _REGISTRY[name]
    except KeyError:
        close = difflib.get_close_matches(name, _REGISTRY, n=3)
        raise KeyError(f"no op named {name!r}; did you mean {close}?") from None


def all_ops() -> list[Op]:
    """Every registered op, in registration order."""
    return list(_REGISTRY.values())


# -- shape helpers shared by many ops ---------------------------------------------------------
def same_shape(*shapes: tuple, **_: Any) -> tuple:
    """Shape rule of elementwise unary ops: the output has the first input's shape."""
    return tuple(shapes[0])


def _shape_by_running(op: Op, in_shapes: Sequence[tuple | None], attrs: dict) -> Any:
    # Fallback for cheap ops: run the forward on zero arrays. np.zeros is calloc-backed, so
    # this allocates lazily; expensive ops (convolution) declare an explicit rule instead.
    if any(s is None for s in in_shapes):
        raise ValueError(f"{op.name}: cannot infer the output shape from unknown input shapes")
    args = [np.zeros(s, dtype=np.float32) for s in in_shapes]
    if op.uses_train_mode:
        attrs = {**attrs, "is_train": False}
    out = op.forward(*args, **attrs)
    outs = out if op.n_total(attrs) > 1 else (out,)
    return [np.shape(o) if np.ndim(o) else (1,) for o in outs[: op.n_visible(attrs)]]
