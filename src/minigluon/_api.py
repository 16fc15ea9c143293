"""The public API, listed once: what the docs document, search indexes and tests check.

An object is public if it is named in the ``__all__`` of a module in :data:`PUBLIC_MODULES`;
the public methods and properties of a public class are public too.
"""

from __future__ import annotations

import importlib
import inspect
import linecache
import re
from collections.abc import Container, Iterator
from dataclasses import dataclass
from typing import Any

from .ops.registry import all_ops

__all__ = ["PUBLIC_MODULES", "ApiObject", "public_objects", "docstring", "source_location",
           "page_context", "resolve"]

#: Modules whose ``__all__`` is public API, in the order the API reference shows them.
PUBLIC_MODULES = [
    "minigluon",
    "minigluon.ndarray",
    "minigluon.ndarray.random",
    "minigluon.ndarray.contrib",
    "minigluon.contrib.ndarray",
    "minigluon.contrib.autograd",
    "minigluon.autograd",
    "minigluon.symbol",
    "minigluon.io",
    "minigluon.module",
    "minigluon.model",
    "minigluon.callback",
    "minigluon.runtime",
    "minigluon.name",
    "minigluon.viz",
    "minigluon.random",
    "minigluon.gluon",
    "minigluon.gluon.nn",
    "minigluon.gluon.contrib.nn",
    "minigluon.gluon.loss",
    "minigluon.gluon.utils",
    "minigluon.gluon.data",
    "minigluon.gluon.data.vision",
    "minigluon.gluon.data.vision.transforms",
    "minigluon.gluon.model_zoo.vision",
    "minigluon.gluon.model_zoo.model_store",
    "minigluon.gluon.model_zoo.ssd",
    "minigluon.initializer",
    "minigluon.optimizer",
    "minigluon.optimizer.contrib",
    "minigluon.lr_scheduler",
    "minigluon.metric",
    "minigluon.context",
    "minigluon.base",
    "minigluon.util",
    "minigluon.test_utils",
]


@dataclass(frozen=True)
class ApiObject:
    name: str  # fully qualified documented name, e.g. minigluon.ndarray.NDArray.reshape
    obj: Any
    kind: str  # 'module', 'class', 'function', 'method', 'property', 'attribute'
    module: str  # the public module it is documented under


def _kind(obj: Any) -> str:
    if inspect.ismodule(obj):
        return "module"
    if inspect.isclass(obj):
        return "class"
    if callable(obj):
        return "function"
    return "attribute"


def _members(cls: type) -> Iterator[tuple[str, Any, str]]:
    for name, value in vars(cls).items():
        if name.startswith("_"):
            continue
        if isinstance(value, property):
            yield name, value, "property"
        elif isinstance(value, (staticmethod, classmethod)):
            yield name, value.__func__, "method"
        elif inspect.isfunction(value):
            yield name, value, "method"


def _home(obj: Any, modules: list[str]) -> str | None:
    """The public module an object is defined in, if it is public there."""
    home = getattr(obj, "__module__", None)
    if home in modules and obj in [getattr(importlib.import_module(home), a, None)
                                   for a in getattr(importlib.import_module(home), "__all__", [])]:
        return home
    return None


def public_objects(modules: list[str] | None = None) -> list[ApiObject]:
    """Every public object (modules' ``__all__`` plus members of public classes).

    An object re-exported by several public modules (``minigluon.cpu`` is
    ``minigluon.context.cpu``) is listed once, under the module that defines it.
    """
    modules = modules or PUBLIC_MODULES
    out: list[ApiObject] = []
    seen: set[int] = set()
    for modname in modules:
        mod = importlib.import_module(modname)
        out.append(ApiObject(modname, mod, "module", modname))
        for attr in getattr(mod, "__all__", []):
            obj = getattr(mod, attr)
            kind = _kind(obj)
            if kind == "module":
                continue  # documented under its own name in PUBLIC_MODULES
            home = _home(obj, modules)
            if (home is not None and home != modname) or id(obj) in seen:
                continue
            seen.add(id(obj))
            qual = f"{modname}.{attr}"
            out.append(ApiObject(qual, obj, kind, modname))
            if kind == "class":
                for mname, member, mkind in _members(obj):
                    out.append(ApiObject(f"{qual}.{mname}", member, mkind, modname))
    return out


def page_context(api: ApiObject) -> tuple[str, str]:
    """(module, class) in which Sphinx reads ``api``'s docstring: its references resolve there.

    A class's docstring and its members' are read inside the class (``('minigluon.gluon',
    'Block')``); a function's and a module's only inside their module.
    """
    if api.kind == "class":
        return api.module, api.name[len(api.module) + 1:]
    if api.kind in ("method", "property"):
        return api.module, api.name[len(api.module) + 1:].rsplit(".", 1)[0]
    return api.module, ""


def resolve(name: str, module: str, classname: str, names: Container[str]) -> str | None:
    """The name in ``names`` that a reference to ``name`` on a page of ``module`` (inside
    ``classname``) links to, found as Sphinx's Python domain finds ``:py:obj:`` targets:
    the name itself, then under the class, the module, and the module's class."""
    name = name.lstrip("~").removesuffix("()")
    candidates = [name, f"{classname}.{name}" if classname else "", f"{module}.{name}",
                  f"{module}.{classname}.{name}" if classname else ""]
    return next((c for c in candidates if c and c in names), None)


def docstring(obj: Any) -> str:
    if isinstance(obj, property):
        return inspect.cleandoc(obj.fget.__doc__ or "") if obj.fget else ""
    return inspect.cleandoc(getattr(obj, "__doc__", None) or "")


def _definition(obj: Any) -> Any:
    """The function or class whose source holds ``obj``'s docstring."""
    if isinstance(obj, property):
        return obj.fget
    op = getattr(obj, "op", None)  # an nd/sym function compiled from the op registry
    return op if op is not None and getattr(op, "source", None) else obj


def source_location(api: ApiObject, doc_line: int = 1) -> tuple[str, int] | None:
    """File and line where line ``doc_line`` (1-based) of ``api``'s docstring is written.

    The line is found by its text inside the object's source (docstrings of registry ops
    shift when their See Also is generated, and some are assembled from templates). When the
    text is not there, the object's definition line is returned; None for built-in objects.
    """
    target = _definition(api.obj)
    try:
        if getattr(target, "source", None):  # a registry Op: where it was registered
            path, start = target.source
            lines = linecache.getlines(path)
            # its text ends where the next op of the file is registered
            end = min([line for other in all_ops() if other.source is not None
                       for (file, line) in [other.source] if file == path and line > start],
                      default=len(lines))
        else:
            path = inspect.getsourcefile(target) or ""
            src, start = inspect.getsourcelines(target)
            lines = linecache.getlines(path)
            end = start - 1 + len(src)
    except (OSError, TypeError):
        return None
    if not path:
        return None
    doc_lines = docstring(api.obj).splitlines()
    if not 1 <= doc_line <= len(doc_lines):
        return path, start
    text = doc_lines[doc_line - 1].strip()
    nth = sum(1 for line in doc_lines[: doc_line - 1] if line.strip() == text)
    # a symbol page's example is translated from an nd example: point at the line it came
    # from (in the op's docstring, or in the table of examples written for symbol pages)
    origin = getattr(api.obj, "doc_origins", {}).get(text)
    if origin is not None:
        text, nth = origin[1], 0
        if origin[0] is not None:
            path, start = origin[0], 1
            lines = linecache.getlines(path)
            end = len(lines)
    # a docstring assembled from template arguments may start mid-line, after the quotes
    written = re.compile(r"""(^|["'])\s*""" + re.escape(text) + r"\s*$")
    for i in range(max(start - 1, 0), min(end, len(lines))):
        if written.search(lines[i].strip()):
            if nth == 0:
                return path, i + 1
            nth -= 1
    return path, start
