"""See Also sections of the functions generated from the op registry (``nd.relu``, ``sym.relu``).

An op's docstring holds its hand-picked See Also entries, written as op names (``sigmoid,
tanh``). When ``nd.<op>``, ``sym.<op>`` and ``NDArray.<op>`` are compiled, the registry adds
what it knows: the same op behind the other front door (function and method, NDArray and
Symbol), its aliases, the ops of its family registered next to it, and the ops whose docstrings
name it. Every entry is written fully qualified, so it links to the right API page whichever
namespace shows the docstring; entries in the page's own namespace carry ``~`` and show their
short name, as a hand-written entry would.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .registry import Op, all_ops

__all__ = ["FRONT_DOORS", "PUBLIC_SPACES", "function_doc", "method_doc", "root_alias_doc"]

#: The packages the registry generates functions into, with the class carrying the methods.
FRONT_DOORS = {"minigluon.ndarray": "NDArray", "minigluon.symbol": "Symbol"}
#: Op namespaces with an API page, per package (the modules minigluon._api.PUBLIC_MODULES
#: lists); a generated entry never points at a namespace outside these.
PUBLIC_SPACES = {"minigluon.ndarray": ("", "random", "contrib"), "minigluon.symbol": ("",)}

_MAX_RELATED = 5  # family neighbours plus ops naming this one: enough to browse, not a dump
_SECTION = re.compile(r"^See Also\n-{4,}\n(?P<body>.*?)(?=\n\n\S.*\n-{4,}\n|\Z)", re.M | re.S)
_NEXT_SECTION = re.compile(r"^(Notes|References|Examples)\n-{4,}\n", re.M)
# An op named in prose: ``relu``, ``nd.relu(x)``, :func:`relu`
_MENTION = re.compile(r"(?:``|:func:`|:meth:`)(?:(?:mx\.)?(?:nd|sym|F|ndarray|symbol)\.)?"
                      r"(?:(?:contrib|random)\.)?([A-Za-z_]\w*)")


@dataclass(frozen=True)
class _Index:
    size: int  # number of registered ops when built: a later registration rebuilds it
    by_name: dict[str, Op]  # op names and aliases
    related: dict[str, list[Op]]  # op name -> family neighbours, then ops naming it


_index: _Index | None = None


def _public(package: str, namespace: str, name: str) -> bool:
    return namespace in PUBLIC_SPACES.get(package, ()) and not name.startswith("_")


def _qualified(package: str, namespace: str, name: str) -> str:
    return f"{package}.{namespace}.{name}" if namespace else f"{package}.{name}"


def _hand_picked(doc: str) -> list[str]:
    """The entry names of a docstring's See Also section (descriptions dropped)."""
    m = _SECTION.search(doc)
    if not m:
        return []
    names = []
    for line in m["body"].splitlines():
        if line.strip() and not line.startswith(" "):
            names += [n.split(":")[0].strip() for n in line.split(",") if n.strip()]
    return names


def _build_index() -> _Index:
    ops = [op for op in all_ops() if op.namespace != "_internal"]
    by_name = {name: op for op in ops for name in (op.name, *op.aliases)}
    naming: dict[str, list[Op]] = {op.name: [] for op in ops}
    for op in ops:
        named = {by_name[n].name for n in _MENTION.findall(op.doc) + _hand_picked(op.doc)
                 if n in by_name}
        for name in sorted(named - {op.name}, key=lambda n: ops.index(by_name[n])):
            naming[name].append(op)
    related: dict[str, list[Op]] = {}
    for op in ops:
        neighbours = []
        if not _hand_picked(op.doc):
            # ops registered next to each other in a family file are its closest kin
            # (arcsin: tan, arccos); a hand-picked list already says better than order does
            family = [o for o in ops if o.family == op.family and o.namespace == op.namespace]
            i = family.index(op)
            neighbours = family[max(i - 1, 0):i] + family[i + 1:i + 2]
        related[op.name] = list(dict.fromkeys(neighbours + naming[op.name]))[:_MAX_RELATED]
    return _Index(len(all_ops()), by_name, related)


def _get_index() -> _Index:
    global _index
    if _index is None or _index.size != len(all_ops()):
        _index = _build_index()
    return _index


def _qualify_hand_picked(name: str, package: str, index: _Index) -> str:
    op = index.by_name.get(name)
    if op is not None:
        return "~" + _qualified(package, op.namespace, name)
    cls, _, member = name.partition(".")
    for pkg, door in FRONT_DOORS.items():
        if cls == door and member:
            return f"{pkg}.{name}"
    return name  # already qualified, or names a non-op object (tests check it resolves)


def _section(entries: list[tuple[str, str]], related: list[str]) -> str:
    described = {name: desc for name, desc in entries if desc}
    names = list(dict.fromkeys(name for name, _ in entries))  # a name listed twice: once
    related = [name for name in related if name not in names]
    lines: list[str] = []
    plain: list[str] = []  # undescribed names share a line, as numpydoc writes them
    for name in [*names, *related]:
        if name in described:
            if plain:
                lines.append(", ".join(plain))
                plain = []
            lines.append(f"{name} : {described[name]}")
        else:
            plain.append(name)
    if plain:
        lines.append(", ".join(plain))
    return "\n".join(lines)


def _with_section(doc: str, body: str) -> str:
    """``doc`` with its See Also section replaced by ``body`` (added before Notes/Examples)."""
    section = f"See Also\n--------\n{body}\n"
    m = _SECTION.search(doc)
    if m:
        return doc[:m.start()] + section.rstrip("\n") + doc[m.end():]
    m = _NEXT_SECTION.search(doc)
    if m:
        return doc[:m.start()] + section + "\n" + doc[m.start():]
    return doc.rstrip("\n") + "\n\n" + section


def _common(op: Op, package: str, index: _Index, shown: str) -> tuple[list[str], list[str]]:
    """(hand-picked entries, related entries) in ``package``'s namespace, minus ``shown``."""
    picked = [_qualify_hand_picked(n, package, index) for n in _hand_picked(op.doc)]
    related = ["~" + _qualified(package, o.namespace, o.name)
               for o in index.related.get(op.name, [])
               if _public(package, o.namespace, o.name)]
    own = "~" + _qualified(package, op.namespace, shown)
    picked = [e for e in dict.fromkeys(picked) if e != own]
    return picked, [e for e in dict.fromkeys(related) if e not in picked and e != own]


def function_doc(op: Op, package: str, name: str) -> str:
    """The docstring of ``<package>[.<namespace>].<name>`` (the op or one of its aliases)."""
    index = _get_index()
    doc = op.doc if name == op.name else f"Alias of :func:`{op.name}`.\n\n{op.doc}"
    picked, related = _common(op, package, index, name)
    entries: list[tuple[str, str]] = [(e, "") for e in picked]
    if name != op.name:
        entries.append(("~" + _qualified(package, op.namespace, op.name),
                        "The same function, under its canonical name."))
    for alias in op.aliases:
        if alias != name and _public(package, op.namespace, alias):
            entries.append(("~" + _qualified(package, op.namespace, alias),
                            "The same function, under another name."))
    for other, door in FRONT_DOORS.items():
        if other != package and _public(other, op.namespace, op.name):
            kind = "NDArrays" if door == "NDArray" else "symbols (a graph node)"
            entries.append((_qualified(other, op.namespace, op.name), f"The same op on {kind}."))
    if op.method:
        door = FRONT_DOORS.get(package)
        if door is not None:
            entries.append((f"{package}.{door}.{op.method}", "The same op as a method."))
    return _with_section(doc, _section(entries, related))


def root_alias_doc(op: Op, package: str, name: str) -> str:
    """The docstring of ``<package>.<name>``, an op of a sub-namespace under MXNet's old root
    name (``nd.uniform`` for ``nd.random.uniform``): its See Also points at the op itself."""
    target = _qualified("minigluon.ndarray", op.namespace, op.name)
    if package == "minigluon.ndarray":
        doc = f"MXNet's root-namespace name of :func:`{target}`.\n\n{op.doc}"
        entry = (target, "The same op, in its namespace.")
    else:  # sym.uniform: sym.random has no API page to point at
        doc = f"MXNet's root-namespace name of ``sym.{op.namespace}.{op.name}``.\n\n{op.doc}"
        entry = (target, "The same op on NDArrays.")
    return _with_section(doc, _section([entry], []))


def method_doc(op: Op, package: str, method: str) -> str:
    """The docstring of the method ``<FRONT_DOORS[package]>.<method>``."""
    index = _get_index()
    picked, related = _common(op, package, index, op.name)
    entries: list[tuple[str, str]] = [(e, "") for e in picked]
    if _public(package, op.namespace, op.name):
        entries.append((_qualified(package, op.namespace, op.name),
                        "The same op as a function."))
    for other, door in FRONT_DOORS.items():
        if other != package:
            entries.append((f"{other}.{door}.{method}", f"The same method on {door}."))
    return _with_section(op.doc, _section(entries, related))
