"""Gradient and forward checks of functions and Symbols against expected values."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np

from .. import _rng, autograd
from ..base import MXNetError
from ..context import check_ctx
from ..ndarray import NDArray, array
from ..symbol import Symbol
from .compare import _numpy, assert_almost_equal

__all__ = ["check_numeric_gradient", "check_symbolic_forward", "check_symbolic_backward",
           "simple_forward", "check_consistency", "default_numeric_eps"]


# -- gradient check -----------------------------------------------------------------------------
def check_numeric_gradient(sym: Callable[..., NDArray], location: Any, aux_states: Any = None,
                           numeric_eps: float = 1e-3, rtol: float = 1e-2, atol: Any = None,
                           grad_nodes: Any = None, use_forward_train: bool = True,
                           ctx: Any = None, grad_stype_dict: Any = None,
                           dtype: Any = np.float32) -> None:
    """Check the gradients of ``sym`` (a Symbol or a function) against finite differences.

    With a random projection ``P`` (values in [0.1, 1.1)), the gradient of
    ``sum(sym(*location) * P)`` from ``backward`` must match
    ``(f(x + eps/2) - f(x - eps/2)) / eps`` for every element of every checked input.

    ``sym`` is a Symbol with one output (inputs named by ``sym.list_arguments()``), or a
    Python callable taking NDArrays and returning one NDArray.

    Parameters
    ----------
    sym : Symbol or callable
        A callable is called ``sym(*arrays)`` for a list ``location``, ``sym(**arrays)`` for
        a dict.
    location : list, tuple or dict of array_like
        Point at which to check, in the argument order of ``sym`` (or by argument name).
    aux_states : list or dict of array_like, optional
        Values of a Symbol's auxiliary states (not differentiated).
    numeric_eps : float, default 1e-3
        Finite-difference step.
    rtol : float, default 1e-2
        Relative tolerance.
    atol : float, optional
        Absolute tolerance (default: from the dtypes, see :func:`assert_almost_equal`).
    grad_nodes : list of str or int, or dict of str to grad_req, optional
        Inputs to check (names, or positions for a list ``location``). Default: every
        floating-point input. A dict maps names to 'write', 'add' or 'null' (skipped).
    use_forward_train : bool, default True
        Run ``sym`` in training mode (matters for Dropout and BatchNorm).
    ctx : Context, optional
        Device; only the CPU exists in minigluon.
    grad_stype_dict : None
        Gradient storage types; only dense gradients exist in minigluon.
    dtype : numpy dtype, default float32
        Dtype the floating-point inputs are converted to.

    Returns
    -------
    None

    See Also
    --------
    assert_almost_equal

    Examples
    --------
    >>> import numpy as np
    >>> from minigluon.test_utils import check_numeric_gradient
    >>> check_numeric_gradient(lambda x: x * x, [np.array([1., 2., 3.])])
    >>> check_numeric_gradient(lambda a, b: a * b + a, {'a': np.ones((2, 2)), 'b': np.eye(2)},
    ...                        grad_nodes=['a'])
    >>> from minigluon import sym
    >>> check_numeric_gradient(sym.exp(sym.var('x')), [np.array([0., 1.])])
    >>> check_numeric_gradient(lambda x: x * x.detach(), [np.array([1., 2.])])
    Traceback (most recent call last):
    ...
    AssertionError: Error ... exceeds tolerance ...
    """
    check_ctx(ctx)
    if aux_states is not None and not isinstance(sym, Symbol):
        raise MXNetError("check_numeric_gradient: aux_states is only meaningful for Symbols; "
                         "pass the states as inputs of the callable instead")
    if grad_stype_dict and any(s != "default" for s in grad_stype_dict.values()):
        raise MXNetError("check_numeric_gradient: only dense ('default') gradients exist in "
                         "minigluon")
    names, values, run = _as_function(sym, location, aux_states)
    values = {k: (v.astype(dtype) if v.dtype.kind == "f" else v) for k, v in values.items()}
    reqs = _grad_reqs(grad_nodes, names, values)

    # Analytic: one backward of the projected output.
    inputs = {k: array(v, dtype=v.dtype) for k, v in values.items()}
    for k, req in reqs.items():
        inputs[k].attach_grad(grad_req=req)
    with autograd.record(train_mode=use_forward_train):
        out = _single_output(run(inputs))
    proj = _rng.generator().random(out.shape) + 0.1
    if autograd.link_of(out) is not None:  # else no checked input reaches out: gradients stay 0
        out.backward(array(proj, dtype=out.dtype), train_mode=use_forward_train)
    analytic = {k: inputs[k].grad.asnumpy() for k in reqs}

    # Numeric: central differences, one element at a time.
    def projected(point: dict[str, np.ndarray]) -> float:
        with autograd.pause(train_mode=use_forward_train):
            res = _single_output(run({k: array(v, dtype=v.dtype) for k, v in point.items()}))
        return float(np.sum(res.asnumpy().astype(np.float64) * proj))

    for k in reqs:
        x = values[k]
        numeric = np.zeros(x.shape, dtype=np.float64)
        for i in range(x.size):
            point = dict(values)
            hi, lo = x.copy(), x.copy()
            hi.flat[i] = x.flat[i] + numeric_eps / 2
            lo.flat[i] = x.flat[i] - numeric_eps / 2
            step = float(hi.flat[i]) - float(lo.flat[i])  # the step after rounding to dtype
            point[k] = hi
            f_hi = projected(point)
            point[k] = lo
            numeric.flat[i] = (f_hi - projected(point)) / step
        assert_almost_equal(numeric, analytic[k], rtol, atol, (f"NUMERICAL_{k}", f"BACKWARD_{k}"))


def _as_function(sym: Any, location: Any, aux_states: Any = None
                 ) -> tuple[list[str], dict[str, np.ndarray], Callable[[dict], Any]]:
    """(argument names, their values, ``run(dict of NDArrays) -> output``) for ``sym``."""
    if isinstance(sym, Symbol):
        values = _symbol_location(sym, location)
        aux = {k: array(v, dtype=v.dtype) for k, v in _symbol_aux(sym, aux_states).items()}

        def run(xs: dict) -> Any:
            outs = sym.eval(**xs, **aux)
            return outs[0] if len(outs) == 1 else outs

        return list(values), values, run
    if not callable(sym):
        raise TypeError(f"check_numeric_gradient: expected a callable returning an NDArray, "
                        f"got {type(sym).__name__}")
    if isinstance(location, dict):
        names = list(location)
        return names, {k: _input(v) for k, v in location.items()}, lambda xs: sym(**xs)
    if not isinstance(location, (list, tuple)):
        raise TypeError("check_numeric_gradient: location must be a list, tuple or dict of "
                        f"arrays, got {type(location).__name__}")
    names = _positional_names(sym, len(location))
    values = {k: _input(v) for k, v in zip(names, location)}
    return names, values, lambda xs: sym(*(xs[k] for k in names))


def _input(v: Any) -> np.ndarray:
    # Arrays keep their dtype (integer index inputs stay integers); Python data becomes float.
    if isinstance(v, (NDArray, np.ndarray, np.generic)):
        return _numpy(v)
    return np.asarray(v, dtype=np.float64)


def _positional_names(fn: Callable[..., Any], n: int) -> list[str]:
    try:
        params = [p for p in inspect.signature(fn).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        params = []
    names = [p.name for p in params[:n]]
    return names + [f"arg{i}" for i in range(len(names), n)]


def _grad_reqs(grad_nodes: Any, names: list[str], values: dict) -> dict[str, str]:
    if grad_nodes is None:
        return {k: "write" for k in names if values[k].dtype.kind == "f"}
    if isinstance(grad_nodes, dict):
        pairs = list(grad_nodes.items())
    elif isinstance(grad_nodes, (list, tuple)):
        pairs = [(k, "write") for k in grad_nodes]
    else:
        raise TypeError("check_numeric_gradient: grad_nodes must be a list of names or a dict "
                        f"of name to grad_req, got {type(grad_nodes).__name__}")
    reqs = {}
    for k, req in pairs:
        key = names[k] if isinstance(k, int) and 0 <= k < len(names) else k
        if key not in values:
            raise MXNetError(f"check_numeric_gradient: grad node {k!r} is not an input; "
                             f"inputs are {names}")
        if req not in ("write", "add", "null"):
            raise MXNetError(f"check_numeric_gradient: invalid grad_req {req!r} for {key!r}")
        if req != "null":
            reqs[key] = req
    return reqs


def _single_output(out: Any) -> NDArray:
    if not isinstance(out, NDArray):
        raise TypeError("check_numeric_gradient: the function must return one NDArray, got "
                        f"{type(out).__name__}")
    return out


# -- Symbols ------------------------------------------------------------------------------------
def _symbol_location(sym: Symbol, location: Any) -> dict[str, np.ndarray]:
    names = sym.list_arguments()
    if isinstance(location, dict):
        unknown = set(location) - set(names)
        if unknown:
            raise MXNetError(f"location names {sorted(unknown)} are not arguments of the "
                             f"Symbol; its arguments are {names}")
        missing = [n for n in names if n not in location]
        if missing:
            raise MXNetError(f"location gives no value for the Symbol's arguments {missing}")
        return {k: _input(location[k]) for k in names}
    if not isinstance(location, (list, tuple)) or len(location) != len(names):
        got = len(location) if isinstance(location, (list, tuple)) else type(location).__name__
        raise MXNetError(f"location must give one array per argument of the Symbol {names}, "
                         f"got {got}")
    return {k: _input(v) for k, v in zip(names, location)}


def _symbol_aux(sym: Symbol, aux_states: Any) -> dict[str, np.ndarray]:
    names = sym.list_auxiliary_states()
    if aux_states is None:
        if names:
            raise MXNetError(f"the Symbol has auxiliary states {names}: pass aux_states")
        return {}
    if isinstance(aux_states, dict):
        if set(aux_states) != set(names):
            raise MXNetError(f"aux_states names {sorted(aux_states)} do not match the Symbol's "
                             f"auxiliary states {names}")
        return {k: _input(aux_states[k]) for k in names}
    if len(aux_states) != len(names):
        raise MXNetError(f"aux_states must give one array per auxiliary state {names}, got "
                         f"{len(aux_states)}")
    return {k: _input(v) for k, v in zip(names, aux_states)}


def _cast(values: dict[str, np.ndarray], dtype: Any) -> dict[str, NDArray]:
    # dtype 'asnumpy' keeps each array's own dtype, as in MXNet
    return {k: array(v, dtype=v.dtype if isinstance(dtype, str) and dtype == "asnumpy"
                     else dtype) for k, v in values.items()}


def _outputs_list(sym: Symbol, values: Any) -> list:
    if isinstance(values, dict):
        return [values[k] for k in sym.list_outputs()]
    return list(values) if isinstance(values, (list, tuple)) else [values]


def check_symbolic_forward(sym: Symbol, location: Any, expected: Any, rtol: Any = None,
                           atol: Any = None, aux_states: Any = None, ctx: Any = None,
                           equal_nan: bool = False, dtype: Any = np.float32) -> list[NDArray]:
    """Run ``sym`` forward (prediction mode) and compare its outputs with ``expected``.

    Parameters
    ----------
    sym : Symbol
        Graph to run.
    location : list or dict of array_like
        Argument values, in ``sym.list_arguments()`` order or by name.
    expected : list or dict of array_like
        Expected outputs, in ``sym.list_outputs()`` order or by output name.
    rtol, atol : float, optional
        Tolerances (default: from the dtypes, see :func:`assert_almost_equal`).
    aux_states : list or dict of array_like, optional
        Values of the auxiliary states.
    ctx : Context, optional
        Device; only the CPU exists in minigluon.
    equal_nan : bool, default False
        Treat NaNs in the same positions as equal.
    dtype : numpy dtype or 'asnumpy', default float32
        Dtype of the inputs ('asnumpy' keeps each array's dtype).

    Returns
    -------
    list of NDArray
        The outputs.

    See Also
    --------
    check_symbolic_backward, check_numeric_gradient

    Examples
    --------
    >>> import numpy as np
    >>> from minigluon import sym
    >>> from minigluon.test_utils import check_symbolic_forward
    >>> a, b = sym.var('a'), sym.var('b')
    >>> out = check_symbolic_forward(sym.dot(a, b), [np.eye(2), [[1, 2], [3, 4]]],
    ...                              [[[1, 2], [3, 4]]])
    >>> out[0].shape
    (2, 2)
    """
    check_ctx(ctx)
    values = _symbol_location(sym, location)
    aux = _cast(_symbol_aux(sym, aux_states), dtype)
    with autograd.pause(train_mode=False):
        outputs = sym.eval(**_cast(values, dtype), **aux)
    expected = _outputs_list(sym, expected)
    if len(expected) != len(outputs):
        raise MXNetError(f"expected {len(expected)} outputs but the Symbol has {len(outputs)}")
    for name, want, got in zip(sym.list_outputs(), expected, outputs):
        assert_almost_equal(want, got, rtol, atol, (f"EXPECTED_{name}", f"FORWARD_{name}"),
                            equal_nan=equal_nan)
    return outputs


def check_symbolic_backward(sym: Symbol, location: Any, out_grads: Any, expected: Any,
                            rtol: Any = None, atol: Any = None, aux_states: Any = None,
                            grad_req: Any = "write", ctx: Any = None, grad_stypes: Any = None,
                            equal_nan: bool = False, dtype: Any = np.float32
                            ) -> dict[str, NDArray]:
    """Run ``sym`` forward (training mode) and backward, and compare the argument gradients.

    Gradient buffers start with random values, so that ``grad_req='add'`` is checked to add
    to them and ``'null'`` to leave them alone.

    Parameters
    ----------
    sym : Symbol
        Graph to run.
    location : list or dict of array_like
        Argument values, in ``sym.list_arguments()`` order or by name.
    out_grads : list or dict of array_like, or None
        Gradients with respect to the outputs (None: ones).
    expected : list or dict of array_like
        Expected gradients, in argument order or by argument name (only those given are
        checked).
    rtol, atol : float, optional
        Relative and absolute tolerances.
    aux_states : list or dict of array_like, optional
        Values of the auxiliary states.
    grad_req : str, list or dict of str, default 'write'
        'write', 'add' or 'null', for all arguments or per argument.
    ctx : Context, optional
        Device to run on; None means the default context.
    grad_stypes : None
        Only dense gradients exist in minigluon.
    equal_nan : bool, default False
        Treat NaNs in the same positions as equal.
    dtype : numpy dtype or 'asnumpy', default float32
        Data type of the inputs.

    Returns
    -------
    dict of str to NDArray
        The gradient buffers, by argument name.

    See Also
    --------
    check_symbolic_forward, check_numeric_gradient

    Examples
    --------
    >>> import numpy as np
    >>> from minigluon import sym
    >>> from minigluon.test_utils import check_symbolic_backward
    >>> x, y = sym.var('x'), sym.var('y')
    >>> grads = check_symbolic_backward(x * y, [[1, 2], [3, 4]], [[1, 1]], [[3, 4], [1, 2]])
    >>> grads['x']
    <BLANKLINE>
    [3. 4.]
    <NDArray 2 @cpu(0)>
    """
    check_ctx(ctx)
    if grad_stypes and any(s not in (None, "default") for s in grad_stypes.values()):
        raise MXNetError("check_symbolic_backward: only dense ('default') gradients exist in "
                         "minigluon")
    names = sym.list_arguments()
    values = _symbol_location(sym, location)
    if isinstance(expected, (list, tuple)):
        expected = dict(zip(names, expected))
    if isinstance(grad_req, str):
        grad_req = dict.fromkeys(names, grad_req)
    elif isinstance(grad_req, (list, tuple)):
        grad_req = dict(zip(names, grad_req))
    inputs = _cast(values, dtype)
    initial = {k: _rng.generator().normal(size=inputs[k].shape) for k in expected}
    grads = {k: array(initial[k], dtype=inputs[k].dtype) for k in expected}
    for k in names:
        req = grad_req.get(k, "null")
        if req not in ("write", "add", "null"):
            raise ValueError(f"Invalid grad_req {req} for argument {k}")
        if req != "null":
            buf = grads.get(k)
            if buf is None:
                buf = array(np.zeros(inputs[k].shape), dtype=inputs[k].dtype)
            autograd.mark_variables([inputs[k]], [buf], req)
    aux = _cast(_symbol_aux(sym, aux_states), dtype)
    with autograd.record(train_mode=True):
        outputs = sym.eval(**inputs, **aux)
    if out_grads is None:
        heads = None
    else:
        heads = [g if isinstance(g, NDArray) or g is None else array(
            _input(g), dtype=_input(g).dtype if isinstance(dtype, str) else dtype)
            for g in _outputs_list(sym, out_grads)]
    live = [i for i, o in enumerate(outputs) if autograd.link_of(o) is not None]
    if live:
        autograd.backward([outputs[i] for i in live],
                          None if heads is None else [heads[i] for i in live])
    for k, want in expected.items():
        names_ = (f"EXPECTED_{k}", f"BACKWARD_{k}")
        req = grad_req.get(k, "null")
        got = grads[k].asnumpy()
        if req == "write":
            assert_almost_equal(want, got, rtol, atol, names_, equal_nan=equal_nan)
        elif req == "add":
            assert_almost_equal(want, got - initial[k].astype(got.dtype), rtol, atol, names_,
                                equal_nan=equal_nan)
        else:
            assert_almost_equal(initial[k].astype(got.dtype), got, rtol, atol, names_,
                                equal_nan=equal_nan)
    return grads


def simple_forward(sym: Symbol, ctx: Any = None, is_train: bool = False,
                   **inputs: Any) -> Any:
    """Evaluate ``sym`` on numpy inputs given by name; numpy outputs.

    Parameters
    ----------
    sym : Symbol
        Graph to run.
    ctx : Context, optional
        Device to run on; None means the default context.
    is_train : bool, default False
        Run in training mode (matters for Dropout and BatchNorm).
    **inputs : array_like
        The value of every input of ``sym``.

    Returns
    -------
    numpy.ndarray or list of numpy.ndarray
        One array for a single output, else a list.

    See Also
    --------
    check_symbolic_forward

    Examples
    --------
    >>> from minigluon import sym
    >>> from minigluon.test_utils import simple_forward
    >>> simple_forward(sym.var('x') * 2, x=[1, 2])
    array([2., 4.], dtype=float32)
    """
    check_ctx(ctx)
    with autograd.pause(train_mode=is_train):
        outs = sym.eval(**{k: array(v) for k, v in inputs.items()})
    res = [o.asnumpy() for o in outs]
    return res[0] if len(res) == 1 else res


_CONSISTENCY_TOL = {np.dtype(np.float16): 1e-1, np.dtype(np.float32): 1e-3,
                    np.dtype(np.float64): 1e-5, np.dtype(np.uint8): 0, np.dtype(np.int32): 0,
                    np.dtype(np.int64): 0}


def check_consistency(sym: Any, ctx_list: list[dict], scale: float = 1.0,
                      grad_req: Any = "write", arg_params: Any = None, aux_params: Any = None,
                      tol: Any = None, raise_on_err: bool = True, ground_truth: Any = None,
                      equal_nan: bool = False, use_uniform: bool = False,
                      rand_type: Any = np.float64) -> dict[str, np.ndarray]:
    """Check that ``sym`` gives the same outputs and gradients in several configurations.

    Each entry of ``ctx_list`` is a dict with ``'ctx'``, the shape of each input by name and
    optionally ``'type_dict'`` (dtype by input name, default float32). All configurations
    run on the same random inputs and output gradients; the most precise one is the ground
    truth the others are compared with, at the tolerance of their dtype (float16 ``1e-1``,
    float32 ``1e-3``, float64 ``1e-5``). minigluon has one device, so this compares dtypes.

    Parameters
    ----------
    sym : Symbol or list of Symbol
        One Symbol, or one per configuration.
    ctx_list : list of dict
        One dict per run, with ``ctx`` and the input shapes (and ``type_dict``).
    scale : float, default 1.0
        Scale of the random inputs.
    grad_req : str or dict, default 'write'
        Gradient request, for all arguments or by name.
    arg_params, aux_params : dict of str to array_like, optional
        Fixed values for some arguments / auxiliary states.
    tol : float or dict of dtype to float, optional
        Tolerance, one value or one per dtype.
    raise_on_err : bool, default True
        Raise on a mismatch (else only report it on stdout).
    ground_truth : dict, optional
        Values to compare with instead of the most precise configuration.
    equal_nan : bool, default False
        Treat NaNs in the same positions as equal.
    use_uniform : bool, default False
        Draw inputs uniformly in ``[-scale, scale)`` (else normal with std ``scale``).
    rand_type : numpy dtype, default float64
        Dtype the random inputs are drawn in.

    Returns
    -------
    dict of str to numpy.ndarray
        The ground truth: outputs (by output name) and gradients (by argument name).

    See Also
    --------
    check_symbolic_forward

    Examples
    --------
    >>> import numpy as np
    >>> import minigluon as mx
    >>> from minigluon import sym
    >>> from minigluon.test_utils import check_consistency
    >>> y = sym.tanh(sym.var('data'))
    >>> gt = check_consistency(y, [{'ctx': mx.cpu(), 'data': (2, 3),
    ...                             'type_dict': {'data': np.float64}},
    ...                            {'ctx': mx.cpu(), 'data': (2, 3),
    ...                             'type_dict': {'data': np.float32}}])
    >>> sorted(gt)
    ['data', 'tanh0_output']
    """
    syms = list(sym) if isinstance(sym, (list, tuple)) else [sym] * len(ctx_list)
    if len(syms) != len(ctx_list):
        raise ValueError(f"check_consistency: {len(syms)} symbols for {len(ctx_list)} contexts")
    if not ctx_list:
        raise ValueError("check_consistency: ctx_list is empty")
    rng = _rng.generator()
    first = ctx_list[0]
    shapes = {k: v for k, v in first.items() if k not in ("ctx", "type_dict")}
    arg_shapes, out_shapes, aux_shapes = syms[0].infer_shape(**shapes)
    if arg_shapes is None:
        raise MXNetError(f"check_consistency: cannot infer the shapes of {syms[0].list_arguments()}"
                         f" from {shapes}")

    def draw(shape: tuple) -> np.ndarray:
        x = (rng.uniform(-scale, scale, shape) if use_uniform
             else rng.normal(0.0, scale, shape))
        return np.asarray(x, dtype=rand_type)

    args = {k: draw(s) for k, s in zip(syms[0].list_arguments(), arg_shapes)}
    auxs = {k: draw(s) for k, s in zip(syms[0].list_auxiliary_states(), aux_shapes)}
    args.update({k: _input(v) for k, v in (arg_params or {}).items()})
    auxs.update({k: _input(v) for k, v in (aux_params or {}).items()})
    head_grads = [draw(s) for s in out_shapes]

    results = []
    for s, cfg in zip(syms, ctx_list):
        check_ctx(cfg.get("ctx"))
        types = cfg.get("type_dict", {})
        reqs = (dict.fromkeys(s.list_arguments(), grad_req) if isinstance(grad_req, str)
                else dict(grad_req))
        ins = {k: array(v, dtype=types.get(k, np.float32)) for k, v in args.items()}
        aux = {k: array(v, dtype=types.get(k, np.float32)) for k, v in auxs.items()}
        grads = {}
        for k, x in ins.items():
            if reqs.get(k, "null") != "null" and np.dtype(x.dtype).kind == "f":
                grads[k] = array(np.zeros(x.shape), dtype=x.dtype)
                autograd.mark_variables([x], [grads[k]], reqs[k])
        with autograd.record(train_mode=True):
            outs = s.eval(**ins, **aux)
        live = [i for i, o in enumerate(outs) if autograd.link_of(o) is not None]
        if live:
            autograd.backward([outs[i] for i in live],
                              [array(head_grads[i], dtype=outs[i].dtype) for i in live])
        res = {n: o.asnumpy() for n, o in zip(s.list_outputs(), outs)}
        res.update({k: g.asnumpy() for k, g in grads.items()})
        results.append(res)

    precision = [max(np.dtype(v.dtype).itemsize for v in r.values()) for r in results]
    gt = ground_truth or results[int(np.argmax(precision))]
    for cfg, res in zip(ctx_list, results):
        for name, got in res.items():
            if name not in gt or got is gt[name]:
                continue
            dt = np.dtype(got.dtype)
            t = tol if isinstance(tol, (int, float)) else (tol or _CONSISTENCY_TOL).get(dt, 1e-3)
            try:
                assert_almost_equal(got, gt[name], rtol=t, atol=t, names=(name, "ground truth"),
                                    equal_nan=equal_nan)
            except AssertionError as err:
                if raise_on_err:
                    raise AssertionError(f"check_consistency: {name} in {cfg}:\n{err}") from None
                print(f"check_consistency: {name} in {cfg}: {err}")
    return gt


def default_numeric_eps() -> dict[np.dtype, float]:
    """Finite-difference steps by dtype: powers of two, so the step adds no rounding.

    Returns
    -------
    dict of numpy.dtype to float

    See Also
    --------
    check_numeric_gradient

    Examples
    --------
    >>> import numpy as np
    >>> from minigluon.test_utils import default_numeric_eps
    >>> default_numeric_eps()[np.dtype(np.float32)]
    0.001953125
    """
    return {np.dtype(np.float16): 2.0**-6, np.dtype(np.float32): 2.0**-9,
            np.dtype(np.float64): 2.0**-14}
