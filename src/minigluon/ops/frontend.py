"""Generate the user-facing functions (``nd.relu``, ``sym.relu``, ``NDArray.relu``) from ops.

Each function is compiled from source with the op's real signature, so ``help()``, Sphinx and
``inspect`` show ``relu(data, out=None, name=None)`` and a call costs one Python frame plus
``invoke`` (no ``*args`` re-binding on the hot path).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from .dispatch import invoke
from .registry import Op, all_ops
from .seealso import FRONT_DOORS, function_doc, method_doc, root_alias_doc

__all__ = ["build_namespaces", "make_function", "make_method"]

_REQUIRED = inspect.Parameter.empty


def _param_list(op: Op, first_is_self: bool) -> tuple[list[str], str, str]:
    """(signature pieces, arrays tuple source, attrs dict source)."""
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
        if p.default is _REQUIRED:
            params.append(pname)
        else:
            params.append(f"{pname}={p.default!r}")
        arrays.append(pname)
    seen_default = any(p.default is not _REQUIRED for p in op.array_params)
    for p in op.attr_params:
        if p.default is _REQUIRED and seen_default and not kw_only:
            params.append("*")
            kw_only = True
        params.append(p.name if p.default is _REQUIRED else f"{p.name}={p.default!r}")
        seen_default = seen_default or p.default is not _REQUIRED
    if not kw_only:
        params.append("*")
    params += ["out=None", "name=None"]
    if not op.attr_params and not first_is_self:
        # MXNet passes keywords an op without parameters does not know along unread
        # (nd.broadcast_maximum(a, b, axis=1) runs); an op with parameters rejects them
        params.append("**_unread")
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


def make_function(op: Op, module: str, default: Callable[..., Any], fname: str | None = None
                  ) -> Callable[..., Any]:
    """The namespace function for ``op`` in ``module`` (``default`` handles array-free calls)."""
    fname = fname or op.name
    params, arrays, attrs = _param_list(op, first_is_self=False)
    body = f"return _invoke(_op, {arrays}, {attrs}, out, name, _default)"
    fn = _compile(fname, params, body, {"_invoke": invoke, "_op": op,
                                        "_default": default})
    if op.namespace and not module.endswith(f".{op.namespace}"):
        fn.__doc__ = root_alias_doc(op, module, fname)  # nd.uniform for nd.random.uniform
    else:
        package = module.removesuffix(f".{op.namespace}") if op.namespace else module
        fn.__doc__ = function_doc(op, package, fname)
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
    fn.__doc__ = method_doc(op, package, mname)
    fn.__qualname__ = f"{cls_name}.{mname}"
    fn.op = op  # type: ignore[attr-defined]
    return fn


def build_namespaces(package: str, default: Callable[..., Any]) -> dict[str, dict[str, Any]]:
    """Functions for every op and alias, grouped by op namespace ('' is the package itself).

    ``package`` is the module the functions claim to live in (``minigluon.ndarray``); the
    'random', 'contrib', 'linalg' and '_internal' groups go to its submodules of those names.
    """
    spaces: dict[str, dict[str, Any]] = {}
    for op in all_ops():
        space = spaces.setdefault(op.namespace, {})
        module = f"{package}.{op.namespace}" if op.namespace else package
        space[op.name] = make_function(op, module, default)
        for alias in op.aliases:
            space[alias] = make_function(op, module, default, fname=alias)
        for alias in op.root_aliases:
            spaces.setdefault("", {})[alias] = make_function(op, package, default, fname=alias)
    return spaces
