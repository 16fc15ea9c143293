"""Every message the library raises or warns, and the public objects whose code reaches it.

People paste error messages into search. The message is usually raised deep inside: a shape
check in ``ops/``, a helper that builds the exception (``base.op_error``), an exception class
that writes its own text (``param_files.MismatchError``), a warning. This module reads the
source of ``minigluon`` (its syntax trees; nothing is executed) and finds:

- every *message site*: ``raise X("...")``, any construction of an exception class with a text
  (``return MXNetError(f"...")``), ``warnings.warn("...")``, ``assert ..., "..."`` and
  ``super().__init__("...")`` in an exception class. Its text becomes a *template*: f-string
  holes, ``%`` conversions and ``str.format`` fields are ``{placeholders}``; a text held in a
  constant, a local variable or built by a helper function's ``return`` is followed there.
- the *call graph* of the library's functions: module-level names, ``self.``/``cls.``/
  ``super().`` methods (through the class's MRO, or the classes a mixin is used in) and
  properties (``self.shape = v`` runs a setter), classes (their ``__init__``), registry ops
  called as ``nd.x``/``F.x`` (their forward and shape functions), and ``x.name(...)`` on an
  object of unknown type when the library defines hardly any method of that name.

A message is linked to the public objects whose code raises it (or calls something that raises
it directly), and to those that reach it through deeper calls, nearest first while few enough
do (:data:`MAX_DEPTH`, :data:`MAX_LINKED`): a check every op passes through says nothing about
any one of them. :func:`messages_for` gives an object's messages; both record collections
(with and without Sphinx) take them from here, so they agree.
"""

from __future__ import annotations

import ast
import builtins
import importlib
import inspect
import itertools
import re
import sys
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

__all__ = ["Message", "Scan", "MAX_DEPTH", "MAX_LINKED", "scan", "messages_for", "roots_of",
           "plain_text", "template_pattern"]

#: Calls followed from a public object's code to a message site.
MAX_DEPTH = 4
#: A message reached only through deeper calls (two or more) is linked to the public code that
#: reaches it nearest, tier by tier, while at most this many functions are linked. Messages
#: raised in an object's own code, or in a function it calls, are always linked.
MAX_LINKED = 40
#: A template needs this many literal words to be worth indexing ("{op}: {err}" is not).
MIN_WORDS = 2
_MAX_VARIANTS = 8  # templates of one expression (if/else, concatenations)

_PLACEHOLDER = re.compile(r"\{[^{}]*\}")
_PERCENT = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc%]")
_LITERAL_WORD = re.compile(r"[A-Za-z]{2,}")

Key = tuple[str, int]  # (source file, first line) of a function or lambda


@dataclass(frozen=True)
class Message:
    """One message site: the text as a template, what it is raised as, and where."""

    template: str  # "Parameter '{self.name}' has not been initialized. ..."
    kind: str  # the exception class name, or the warning category
    where: str  # "minigluon.gluon.parameter:283"


@dataclass
class Scan:
    """The library's messages, by function, and the call graph between its functions."""

    messages: list[Message] = field(default_factory=list)
    sites: dict[Key, list[int]] = field(default_factory=dict)  # function -> message indices
    calls: dict[Key, set[Key]] = field(default_factory=dict)
    # public root -> (message index, call distance), nearest first
    linked: dict[Key, list[tuple[int, int]]] = field(default_factory=dict)
    methods: dict[str, set[Key]] = field(default_factory=dict)  # method name -> definitions
    # calls of a method on an object of unknown type (``param._set_trainer(self)``), by name
    open_calls: dict[Key, set[str]] = field(default_factory=dict)

    def reached(self, root: Key) -> dict[int, int]:
        """Message index -> call distance from ``root``, within :data:`MAX_DEPTH`."""
        found: dict[int, int] = {}
        seen = {root}
        frontier = deque([(root, 0)])
        while frontier:
            fn, depth = frontier.popleft()
            for m in self.sites.get(fn, ()):
                found.setdefault(m, depth)
            if depth < MAX_DEPTH:
                for callee in sorted(self.calls.get(fn, ())):
                    if callee not in seen:
                        seen.add(callee)
                        frontier.append((callee, depth + 1))
        return found


def plain_text(template: str) -> str:
    """A template without its placeholders: the words a pasted message shares with it."""
    return " ".join(_PLACEHOLDER.sub(" ", template).split())


def template_pattern(template: str) -> re.Pattern[str]:
    """A regex matching the messages a template produces (a placeholder matches anything)."""
    pieces = _PLACEHOLDER.split(template)
    return re.compile(".*?".join(re.escape(" ".join(p.split())) for p in pieces), re.DOTALL)


def messages_for(obj: Any) -> list[tuple[Message, int]]:
    """The messages linked to a public object (see the module docstring) with their call
    distance from its code (0: its own code raises it), nearest first; one per template."""
    s = scan()
    out: dict[str, tuple[Message, int]] = {}
    for root in roots_of(obj):
        for i, depth in s.linked.get(root, []):
            m = s.messages[i]
            if m.template not in out or depth < out[m.template][1]:
                out[m.template] = (m, depth)
    return sorted(out.values(), key=lambda x: x[1])


def roots_of(obj: Any) -> list[Key]:
    """The functions whose code runs when a public object is used: an op's forward and shape
    functions, a property's getter, a class's constructor, operators and forward, a function."""
    fns: list[Any] = []
    op = getattr(obj, "op", None)  # a registry-generated function (nd.x, NDArray.x, sym.x)
    if op is not None and callable(getattr(op, "forward", None)):
        fns += _op_functions(op)
    elif isinstance(obj, property):
        fns += [f for f in (obj.fget, obj.fset) if f]
    elif inspect.isclass(obj):
        # its constructor, operators, forward, and the private methods it overrides, which its
        # base classes' code calls (an Initializer's _init_weight); public methods are records
        # of their own
        fns += [f for name, f in vars(obj).items() if inspect.isfunction(f) and (
            (name.startswith("__") and name.endswith("__"))
            or (name.startswith("_") and any(name in vars(b) for b in obj.__mro__[1:])))]
        for name in _CALLED_BY_CALL:  # inherited too (Conv2D runs _Conv.hybrid_forward)
            owner = next((k for k in obj.__mro__ if name in vars(k)), None)
            if owner is not None and owner.__module__ not in _MACHINERY:
                fns.append(vars(owner)[name])
    elif callable(obj):
        fns.append(obj)
    return [k for k in map(_key_of, fns) if k is not None]


# Methods that run when a class's instance is called (a Block's forward), so their messages
# are what users of the class see.
_CALLED_BY_CALL = ("forward", "hybrid_forward")
# Where Block and HybridBlock define the generic forward every layer inherits: its messages
# belong to the methods documented there, not to each of a hundred layers.
_MACHINERY = ("minigluon.gluon.block",)


# -- the scan ---------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def scan() -> Scan:
    """Scan the installed ``minigluon`` (once per process) and link messages to public code."""
    import minigluon
    from minigluon._api import public_objects

    package = Path(minigluon.__file__).resolve().parent
    public_objects()  # imports every module that documents a public object
    result = Scan()
    for path in sorted(package.rglob("*.py")):
        module = ".".join(("minigluon", *path.relative_to(package).with_suffix("").parts))
        module = module.removesuffix(".__init__")
        # Only what the library itself loaded: importing more is not free of effects (after
        # `import minigluon.ndarray.sparse`, the left-out `mx.nd.sparse` stops saying so).
        loaded = sys.modules.get(module)
        if loaded is None:
            continue
        try:
            namespace = vars(loaded)
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        except (OSError, SyntaxError, TypeError, ValueError):
            continue
        _ModuleScan(result, str(path), module, namespace).run(tree)
    _resolve_open_calls(result)
    roots = sorted({k for api in public_objects() for k in roots_of(api.obj)})
    _link(result, roots)
    return result


def _resolve_open_calls(result: Scan) -> None:
    """``x.name(...)`` on an object of unknown type calls the library's method of that name
    when there is hardly any choice: a private name defined at most twice, a public one once
    (``update`` or ``reshape`` could be anything)."""
    for key, names in result.open_calls.items():
        for name in names:
            defined = result.methods.get(name, set())
            private = name.startswith("_") and not name.endswith("__")
            if defined and len(defined) <= (2 if private else 1):
                result.calls[key].update(defined)


def _link(result: Scan, roots: list[Key]) -> None:
    by_message: dict[int, list[tuple[int, Key]]] = {}
    for root in roots:
        for m, depth in result.reached(root).items():
            by_message.setdefault(m, []).append((depth, root))
    for m, found in by_message.items():
        found.sort()
        keep = [r for d, r in found if d <= 1]
        for _depth, tier in itertools.groupby([x for x in found if x[0] > 1], key=lambda x: x[0]):
            more = [r for _, r in tier]
            if len(keep) + len(more) > MAX_LINKED:
                break
            keep += more
        depth_of = {r: d for d, r in found}
        for r in keep:
            result.linked.setdefault(r, []).append((m, depth_of[r]))
    for ms in result.linked.values():
        ms.sort(key=lambda x: (x[1], x[0]))


def _key_of(fn: Any) -> Key | None:
    if isinstance(fn, (staticmethod, classmethod)):
        fn = fn.__func__
    if isinstance(fn, property):
        fn = fn.fget
    try:
        fn = inspect.unwrap(fn)
    except ValueError:
        return None
    code = getattr(fn, "__code__", None)
    if code is None:
        return None
    return (str(Path(code.co_filename).resolve()), code.co_firstlineno)


def _op_functions(op: Any) -> list[Any]:
    return [f for f in (op.forward, op.shape_fn) if callable(f)]


@lru_cache(maxsize=1)
def _ops_by_name() -> dict[str, Any]:
    from minigluon.ops.registry import all_ops

    table: dict[str, Any] = {}
    for op in all_ops():
        for name in (op.name, *op.aliases, *op.root_aliases, op.method or ""):
            if name:
                table.setdefault(name, op)
    return table


class _ModuleScan:
    """The message sites and calls of the functions of one module."""

    def __init__(self, result: Scan, path: str, module: str, namespace: dict[str, Any]) -> None:
        self.result, self.path, self.module, self.namespace = result, path, module, namespace

    def run(self, tree: ast.Module) -> None:
        for node, classes in _functions(tree):
            if classes and isinstance(node, ast.FunctionDef):
                self.result.methods.setdefault(node.name, set()).add(
                    (self.path, _first_line(node)))
            key = (self.path, _first_line(node))
            sites = self.result.sites.setdefault(key, [])
            calls = self.result.calls.setdefault(key, set())
            cls = self._class(classes)
            local = _Locals(node)
            for kind, expr, line in self._sites(node, cls):
                for template in self._templates(expr, local, cls):
                    template = " ".join(template.split())
                    if len(_LITERAL_WORD.findall(_PLACEHOLDER.sub(" ", template))) < MIN_WORDS:
                        continue
                    sites.append(len(self.result.messages))
                    self.result.messages.append(Message(template, kind, f"{self.module}:{line}"))
            for call in _walk(node):
                if isinstance(call, ast.Attribute) and cls is not None:
                    calls.update(_property_keys(cls, call))
                if isinstance(call, ast.Call):
                    found = self._callees(call.func, cls)
                    calls.update(found)
                    if not found and isinstance(call.func, ast.Attribute):
                        self.result.open_calls.setdefault(key, set()).add(call.func.attr)

    def _class(self, classes: list[str]) -> type | None:
        obj: Any = self.namespace.get(classes[0]) if classes else None
        for name in classes[1:]:
            obj = vars(obj).get(name) if inspect.isclass(obj) else None
        return obj if inspect.isclass(obj) else None

    # -- message sites --------------------------------------------------------------------

    def _sites(self, fn: ast.AST, cls: type | None) -> Iterator[tuple[str, ast.expr, int]]:
        exception_class = cls is not None and issubclass(cls, BaseException)
        for node in _walk(fn):
            if isinstance(node, ast.Assert) and node.msg is not None:
                yield "AssertionError", node.msg, node.lineno
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            target = self._resolve(func, cls)
            if inspect.isclass(target) and issubclass(target, BaseException):
                yield target.__name__, node.args[0], node.lineno
            elif _dotted(func) in ("warnings.warn", "warn"):
                yield _warning_kind(node), node.args[0], node.lineno
            elif (exception_class and isinstance(func, ast.Attribute) and func.attr == "__init__"
                  and isinstance(func.value, ast.Call) and _dotted(func.value.func) == "super"):
                yield cls.__name__, node.args[0], node.lineno  # type: ignore[union-attr]

    def _templates(self, expr: ast.expr, local: _Locals, cls: type | None,
                   depth: int = 0) -> list[str]:
        """The texts ``expr`` can have, holes as ``{placeholders}``."""
        if depth > 6:
            return ["{" + _unparse(expr) + "}"]

        def again(e: ast.expr) -> list[str]:
            return self._templates(e, local, cls, depth + 1)

        if isinstance(expr, ast.Constant):
            return [expr.value] if isinstance(expr.value, str) else ["{" + repr(expr.value) + "}"]
        if isinstance(expr, ast.JoinedStr):
            return ["".join(v.value if isinstance(v, ast.Constant) else
                            "{" + _unparse(getattr(v, "value", v)) + "}" for v in expr.values)]
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
            return _product(again(expr.left), again(expr.right))
        if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Mod):
            return [_PERCENT.sub(lambda m: "%" if m.group() == "%%" else "{}", t)
                    for t in again(expr.left)]
        if isinstance(expr, ast.IfExp):
            return (again(expr.body) + again(expr.orelse))[:_MAX_VARIANTS]
        if isinstance(expr, ast.Call):
            func = expr.func
            if isinstance(func, ast.Attribute) and func.attr == "format":
                return again(func.value)
            helper = self._resolve(func, cls)
            if inspect.isfunction(helper) and helper.__module__.startswith("minigluon"):
                built = self._returned_texts(helper)
                if built:
                    return built
        if isinstance(expr, ast.Name):
            if expr.id in local.values:
                return local.texts(expr.id, again)
            value = self.namespace.get(expr.id)
            if isinstance(value, str):
                return [value]
        if isinstance(expr, ast.Attribute):
            value = self._resolve(expr, cls)
            if isinstance(value, str):
                return [value]
        return ["{" + _unparse(expr) + "}"]

    def _returned_texts(self, helper: Any) -> list[str]:
        """The texts a message-building helper returns (from its own module's view)."""
        try:
            source = inspect.getsource(helper)
            tree = ast.parse(_dedent(source))
        except (OSError, TypeError, SyntaxError):
            return []
        fn = tree.body[0]
        other = _ModuleScan(self.result, self.path, helper.__module__,
                            vars(importlib.import_module(helper.__module__)))
        local = _Locals(fn)
        out: list[str] = []
        for node in _walk(fn):
            if isinstance(node, ast.Return) and node.value is not None:
                out += [t for t in other._templates(node.value, local, None, 4)
                        if not t.startswith("{")]
        return out[:_MAX_VARIANTS]

    # -- calls ----------------------------------------------------------------------------

    def _callees(self, func: ast.expr, cls: type | None) -> set[Key]:
        target = self._resolve(func, cls)
        if target is None and isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) \
                and func.value.id == "F":  # F.Convolution in hybrid_forward: the op, nd or sym
            target = _ops_by_name().get(func.attr)
            return {k for k in map(_key_of, _op_functions(target)) if k} if target else set()
        if target is None and isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) \
                and func.value.id in ("self", "cls") and cls is not None:
            # a mixin's self.register_child: whatever the classes that use the mixin have
            found = {_static(sub, func.attr, sub.__mro__) for sub in _subclasses(cls)}
            return {k for t in found for k in _callee_keys(t)}
        return set(_callee_keys(target))

    def _resolve(self, func: ast.expr, cls: type | None) -> Any:
        """What a name or attribute chain refers to, where the module's globals or the
        enclosing class say (``self.x``, ``cls.x``, ``super().x``); None if unknown."""
        if isinstance(func, ast.Name):
            return self.namespace.get(func.id, _BUILTINS.get(func.id))
        if not isinstance(func, ast.Attribute):
            return None
        base = func.value
        if isinstance(base, ast.Name) and base.id in ("self", "cls") and cls is not None:
            return _static(cls, func.attr, cls.__mro__)
        if isinstance(base, ast.Call) and _dotted(base.func) == "super" and cls is not None:
            return _static(cls, func.attr, cls.__mro__[1:])
        owner = self._resolve(base, cls)
        if owner is None or not (inspect.ismodule(owner) or inspect.isclass(owner)):
            return None
        if inspect.ismodule(owner) and not owner.__name__.startswith("minigluon"):
            return getattr(owner, func.attr, None) if owner.__name__ == "warnings" else None
        if inspect.isclass(owner):
            return _static(owner, func.attr, owner.__mro__)
        return getattr(owner, func.attr, None)


_BUILTINS = {name: obj for name, obj in vars(builtins).items()
             if inspect.isclass(obj) and issubclass(obj, BaseException)}


def _property_keys(cls: type, node: ast.Attribute) -> set[Key]:
    """``self.shape = value`` runs the property's setter, ``self.data`` its getter."""
    if not (isinstance(node.value, ast.Name) and node.value.id == "self"):
        return set()
    member = next((vars(k)[node.attr] for k in cls.__mro__ if node.attr in vars(k)), None)
    if not isinstance(member, property):
        return set()
    fn = member.fset if isinstance(node.ctx, ast.Store) else member.fget
    key = _key_of(fn) if fn is not None else None
    return {key} if key else set()


def _subclasses(cls: type) -> list[type]:
    out, todo = [], list(cls.__subclasses__())
    while todo and len(out) < 50:
        sub = todo.pop()
        if sub not in out and sub.__module__.startswith("minigluon"):
            out.append(sub)
            todo += sub.__subclasses__()
    return out


def _static(cls: type, name: str, mro: tuple[type, ...]) -> Any:
    for klass in mro:
        if name in vars(klass):
            member = vars(klass)[name]
            if isinstance(member, (staticmethod, classmethod)):
                return member.__func__
            return member.fget if isinstance(member, property) else member
    return None


def _callee_keys(target: Any) -> Iterator[Key]:
    """The library functions a call of ``target`` runs."""
    if target is None:
        return
    op = getattr(target, "op", None)
    if op is not None and callable(getattr(op, "forward", None)):
        yield from (k for k in map(_key_of, _op_functions(op)) if k)
        return
    if inspect.isclass(target):
        if not target.__module__.startswith("minigluon"):
            return
        for name in ("__init__", "__new__"):
            member = _static(target, name, target.__mro__)
            if inspect.isfunction(member) and member.__module__.startswith("minigluon"):
                key = _key_of(member)
                if key:
                    yield key
        return
    if inspect.isfunction(target) and target.__module__.startswith("minigluon"):
        key = _key_of(target)
        if key:
            yield key


class _Locals:
    """A function's local variables that hold text: ``msg = "..."`` and ``msg += "..."``."""

    def __init__(self, fn: ast.AST) -> None:
        self.values: dict[str, list[ast.expr]] = {}
        self.extra: dict[str, list[ast.expr]] = {}
        for node in _walk(fn):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name):
                        self.values.setdefault(target.id, []).append(node.value)
            elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) \
                    and node.value is not None:
                self.values.setdefault(node.target.id, []).append(node.value)
            elif isinstance(node, ast.AugAssign) and isinstance(node.op, ast.Add) \
                    and isinstance(node.target, ast.Name):
                self.extra.setdefault(node.target.id, []).append(node.value)

    def texts(self, name: str, templates: Any) -> list[str]:
        out = [t for v in self.values[name] for t in templates(v)][:_MAX_VARIANTS]
        for piece in self.extra.get(name, []):  # appended parts, in source order
            out = _product(out, templates(piece))
        return out


def _functions(tree: ast.Module) -> Iterator[tuple[ast.AST, list[str]]]:
    """Every function and lambda, with the names of the classes it is defined in."""
    def visit(node: ast.AST, classes: list[str]) -> Iterator[tuple[ast.AST, list[str]]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                yield from visit(child, [*classes, child.name] if classes is not None else None)
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
                yield child, classes or []
                yield from visit(child, None)  # nested: no longer directly in the class
            else:
                yield from visit(child, classes)
    yield from visit(tree, [])


def _walk(fn: ast.AST) -> Iterator[ast.AST]:
    """The nodes of a function's body, including its nested functions (which it usually
    calls); not its decorators or defaults, which run where it is defined."""
    body = fn.body if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)) else [
        getattr(fn, "body", fn)]
    for statement in body:
        yield from ast.walk(statement)


def _first_line(node: ast.AST) -> int:
    # A code object's first line is that of its first decorator.
    decorators = getattr(node, "decorator_list", [])
    return min([node.lineno, *(d.lineno for d in decorators)])  # type: ignore[attr-defined]


def _dotted(expr: ast.expr) -> str:
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Attribute):
        return f"{_dotted(expr.value)}.{expr.attr}"
    return ""


def _warning_kind(call: ast.Call) -> str:
    category = call.args[1] if len(call.args) > 1 else next(
        (k.value for k in call.keywords if k.arg == "category"), None)
    return _dotted(category).rsplit(".", 1)[-1] if category is not None else "UserWarning"


def _product(left: list[str], right: list[str]) -> list[str]:
    return [a + b for a, b in itertools.product(left, right)][:_MAX_VARIANTS]


def _unparse(expr: ast.AST) -> str:
    try:
        return ast.unparse(expr)
    except Exception:  # only for display
        return "..."


def _dedent(source: str) -> str:
    lines = source.splitlines()
    indent = len(lines[0]) - len(lines[0].lstrip())
    return "\n".join(line[indent:] for line in lines)
