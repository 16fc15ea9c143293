"""The public API, listed once: what the docs document, search indexes and tests check.

An object is public if it is named in the ``__all__`` of a module in :data:`PUBLIC_MODULES`;
the public methods and properties of a public class are public too.
"""

from __future__ import annotations

import doctest
import importlib
import inspect
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .name import NameManager

__all__ = ["PUBLIC_MODULES", "ApiObject", "public_objects", "run_examples"]

#: Modules whose ``__all__`` is public API, in the order the API reference shows them.
PUBLIC_MODULES = [
    "minigluon",
    "minigluon.ndarray",
    "minigluon.ndarray.random",
    "minigluon.ndarray.contrib",
    "minigluon.contrib.ndarray",
    "minigluon.autograd",
    "minigluon.symbol",
    "minigluon.name",
    "minigluon.viz",
    "minigluon.random",
    "minigluon.gluon",
    "minigluon.gluon.nn",
    "minigluon.gluon.loss",
    "minigluon.gluon.utils",
    "minigluon.gluon.data",
    "minigluon.gluon.data.vision",
    "minigluon.gluon.data.vision.transforms",
    "minigluon.gluon.model_zoo.vision",
    "minigluon.gluon.model_zoo.ssd",
    "minigluon.initializer",
    "minigluon.optimizer",
    "minigluon.lr_scheduler",
    "minigluon.metric",
    "minigluon.context",
    "minigluon.base",
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


def docstring(obj: Any) -> str:
    if isinstance(obj, property):
        return inspect.cleandoc(obj.fget.__doc__ or "") if obj.fget else ""
    return inspect.cleandoc(getattr(obj, "__doc__", None) or "")


def run_examples(api: ApiObject) -> doctest.TestResults:
    """Run the doctest examples of one public object; failures raise ``doctest`` errors."""
    parser = doctest.DocTestParser()
    test = parser.get_doctest(docstring(api.obj), {}, api.name, api.module, 0)
    failures: list[str] = []

    class _Collect(doctest.DocTestRunner):
        def report_failure(self, out, test, example, got):
            failures.append(f"line {example.lineno + 1}: {example.source.strip()}\n"
                            f"  expected: {example.want.strip()}\n  got:      {got.strip()}")

        def report_unexpected_exception(self, out, test, example, exc_info):
            failures.append(f"line {example.lineno + 1}: {example.source.strip()}\n"
                            f"  raised {exc_info[0].__name__}: {exc_info[1]}")

    runner = _Collect(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    # Each example is a fresh session: automatic names (dense0_) start from 0, as in the docs.
    with NameManager():
        result = runner.run(test, out=lambda s: None, clear_globs=True)
    if failures:
        raise AssertionError(f"{api.name}: docstring example failed\n" + "\n".join(failures))
    return result
