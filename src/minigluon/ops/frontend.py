"""Generate the user-facing functions (``nd.relu``, ``sym.relu``, ``NDArray.relu``) from ops.

Each function is compiled from source with the op's real signature, so ``help()``, Sphinx and
``inspect`` show ``relu(data, out=None, name=None)`` and a call costs one Python frame plus
``invoke`` (no ``*args`` re-binding on the hot path).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from .calling_params import with_calling_params
from .dispatch import invoke
from .registry import Op, all_ops
from .seealso import FRONT_DOORS, function_doc, method_doc, root_alias_doc
from .symbol_doc import symbol_doc

__all__ = ["build_namespaces", "make_function", "make_method", "with_meta", "expand_hidden",
           "HIDDEN_KEYS", "META"]

_REQUIRED = inspect.Parameter.empty


def _param_list(op: Op, first_is_self: bool, symbolic: bool = False
                ) -> tuple[list[str], str, str]:
    """(signature pieces, arrays tuple source, attrs dict source).

    ``symbolic`` (the ``sym`` namespace): every array input may be left out (the graph gets a
    variable for it), and ``attr=`` plus hidden keyword attributes (``lr_mult=``,
    ``__init__=``) are accepted.
    """
    params: list[str] = []
    arrays: list[str] = []
    kw_only = False
    for i, p in enumerate(op.array_params):
        pname = "self" if first_is_self and i == 0 else p.name
        if p.kind is p.VAR_POSITIONAL:
            params.append("*" + pname)
            kw_only = True
            arrays.append(f"*{pname}")
            continue
        if p.default is _REQUIRED and not symbolic:
            params.append(pname)
        elif symbolic:
            params.append(f"{pname}=None")
        else:
            params.append(f"{pname}={p.default!r}")
        arrays.append(pname)
    seen_default = any(p.default is not _REQUIRED for p in op.array_params)
    for p in op.attr_params:
        if p.default is _REQUIRED and seen_default and not kw_only:
            params.append("*")
            kw_only = True
        if p.default is not _REQUIRED:
            params.append(f"{p.name}={p.default!r}")
        elif symbolic and not kw_only:
            # positional as in nd (sym.clip(x, 0, 1)), but after optional array inputs: a
            # placeholder default that with_meta reports when left out
            params.append(f"{p.name}=_REQ")
        else:
            params.append(p.name)
        seen_default = seen_default or p.default is not _REQUIRED
    if not kw_only:
        params.append("*")
    params += ["out=None", "name=None"]
    if symbolic:
        params += ["attr=None", "**kwargs"]
    elif not op.attr_params and not first_is_self:
        # MXNet passes keywords an op without parameters does not know along unread
        # (nd.broadcast_maximum(a, b, axis=1) runs); an op with parameters rejects them
        params.append("**kwargs")
    arr_src = "(" + "".join(a + ", " for a in arrays) + ")"
    if any(a.startswith("*") for a in arrays):
        arr_src = "(" + ", ".join(arrays) + ",)" if len(arrays) > 1 else arrays[0][1:]
    attr_src = "{" + ", ".join(f"{n!r}: {n}" for n in op.attr_names) + "}"
    return params, arr_src, attr_src


def _compile(fname: str, params: list[str], body: str, env: dict) -> Callable[..., Any]:
    src = f"def {fname}({', '.join(params)}):\n    {body}\n"
    ns: dict[str, Any] = {}
    exec(compile(src, f"<minigluon op {fname}>", "exec"), env, ns)
    return ns[fname]


def make_function(op: Op, module: str, default: Callable[..., Any], fname: str | None = None,
                  symbolic: bool = False) -> Callable[..., Any]:
    """The namespace function for ``op`` in ``module`` (``default`` handles array-free calls)."""
    fname = fname or op.name
    params, arrays, attrs = _param_list(op, first_is_self=False, symbolic=symbolic)
    if symbolic:
        attrs = f"_meta(_op, {attrs}, attr, kwargs)"
    body = f"return _invoke(_op, {arrays}, {attrs}, out, name, _default)"
    fn = _compile(fname, params, body, {"_invoke": invoke, "_op": op, "_meta": with_meta,
                                        "_REQ": REQUIRED, "_default": default})
    if op.namespace and not module.endswith(f".{op.namespace}"):
        package = module
        fn.__doc__ = root_alias_doc(op, module, fname)  # nd.uniform for nd.random.uniform
    else:
        package = module.removesuffix(f".{op.namespace}") if op.namespace else module
        fn.__doc__ = function_doc(op, package, fname)
    fn.__doc__ = with_calling_params(fn.__doc__, params, symbolic)
    if symbolic and package == "minigluon.symbol" and op.namespace != "_internal":
        fn.__doc__, fn.doc_origins = symbol_doc(fn.__doc__, op, fname)  # type: ignore
    fn.__module__ = module
    fn.__qualname__ = fname
    fn.op = op  # type: ignore[attr-defined]
    return fn


def make_method(op: Op, cls_name: str, default: Callable[..., Any], mname: str | None = None
                ) -> Callable[..., Any]:
    """The ``NDArray`` method form of ``op``: the first array input is ``self``."""
    mname = mname or op.method or op.name
    params, arrays, attrs = _param_list(op, first_is_self=True)
    body = f"return _invoke(_op, {arrays}, {attrs}, out, name, _default)"
    fn = _compile(mname, params, body, {"_invoke": invoke, "_op": op,
                                        "_default": default})
    package = next(pkg for pkg, door in FRONT_DOORS.items() if door == cls_name)
    fn.__doc__ = with_calling_params(method_doc(op, package, mname), params,
                                     symbolic=cls_name == "Symbol")
    if package == "minigluon.symbol":
        fn.__doc__, fn.doc_origins = symbol_doc(  # type: ignore[attr-defined]
            fn.__doc__, op, mname, method=True)
    fn.__qualname__ = f"{cls_name}.{mname}"
    fn.op = op  # type: ignore[attr-defined]
    return fn


# Attribute keys MXNet accepts on any op; stored as ``__key__`` (``list_attr`` shows both).
HIDDEN_KEYS = ("ctx_group", "lr_mult", "wd_mult", "force_mirroring", "mirror_stage",
               "profiler_scope")
META = "__meta__"  # the attrs key carrying a symbolic call's user attributes to its handler


class _Required:
    """Default of a required attribute that follows optional inputs in a ``sym`` signature."""

    def __repr__(self) -> str:
        return "<required>"


REQUIRED = _Required()


def with_meta(op: Op, attrs: dict, attr: dict | None, kwargs: dict) -> dict:
    """``attrs`` plus the user attributes of a symbolic call under ``META`` (if any).

    ``attr`` is the ``attr=`` dict; ``kwargs`` must be hidden keys (``lr_mult``) or
    ``__dunder__`` keys: anything else is a misspelt op attribute and raises TypeError.
    """
    missing = [k for k, v in attrs.items() if v is REQUIRED]
    if missing:
        raise TypeError(f"{op.name}() missing required argument(s): {missing}")
    if not attr and not kwargs:
        return attrs
    meta = {}
    for k, v in (attr or {}).items():
        meta.update(expand_hidden(k, v))
    for k, v in kwargs.items():
        if k not in HIDDEN_KEYS and not (k.startswith("__") and k.endswith("__")):
            raise TypeError(f"{op.name}() got an unexpected keyword argument '{k}'; its "
                            f"attributes are {list(op.attr_names)}")
        meta.update(expand_hidden(k, v))
    return {**attrs, META: meta}


def expand_hidden(key: str, value: Any) -> dict[str, str]:
    """``{key: str(value)}``, with a hidden key (``lr_mult``) stored as ``__lr_mult__``."""
    value = value if isinstance(value, str) else str(value)
    return {f"__{key}__": value} if key in HIDDEN_KEYS else {key: value}


def build_namespaces(package: str, default: Callable[..., Any], symbolic: bool = False
                     ) -> dict[str, dict[str, Any]]:
    """Functions for every op and alias, grouped by op namespace ('' is the package itself).

    ``package`` is the module the functions claim to live in (``minigluon.ndarray``); the
    'random', 'contrib', 'linalg' and '_internal' groups go to its submodules of those names.
    """
    spaces: dict[str, dict[str, Any]] = {}
    for op in all_ops():
        space = spaces.setdefault(op.namespace, {})
        module = f"{package}.{op.namespace}" if op.namespace else package
        space[op.name] = make_function(op, module, default, symbolic=symbolic)
        for alias in op.aliases:
            space[alias] = make_function(op, module, default, fname=alias, symbolic=symbolic)
        for alias in op.root_aliases:
            spaces.setdefault("", {})[alias] = make_function(op, package, default, fname=alias,
                                                             symbolic=symbolic)
    return spaces
