"""The layering of DESIGN.md holds in the code: imports only go down the layers, no module-level
import cycle, no function-local import of the library (it would hide a cycle), and the search
and docs-server packages sit above the framework, which never imports them."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src"

#: Layers, bottom first: a module may import its own layer and those below.
LAYERS = [
    # errors, generator state, names, devices, switches, build features
    {"base", "_rng", "name", "context", "util", "numpy", "runtime"},
    {"ops"},  # the registry and every op (numpy in, numpy out)
    {"autograd"},  # the tape works on arrays by duck typing
    {"ndarray", "symbol"},  # the front doors, recording onto the tape / building graphs
    {"random", "initializer", "optimizer", "lr_scheduler", "metric", "contrib", "io",
     "model", "callback"},
    {"gluon", "module"},
    {"viz", "test_utils", "_api", "_examples"},  # tools over everything
]


def _modules() -> dict[str, Path]:
    found = {}
    for path in SRC.rglob("*.py"):
        parts = path.relative_to(SRC).with_suffix("").parts
        found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


MODULES = _modules()


def _runtime_imports(tree: ast.Module) -> list[ast.Import | ast.ImportFrom]:
    """Module-level imports, ``if TYPE_CHECKING:`` blocks left out (they never run)."""
    out: list[ast.Import | ast.ImportFrom] = []

    def visit(nodes: list[ast.stmt]) -> None:
        for node in nodes:
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                out.append(node)
            elif isinstance(node, ast.If) and "TYPE_CHECKING" not in ast.unparse(node.test):
                visit(node.body + node.orelse)
            elif isinstance(node, ast.Try):
                visit(node.body + node.orelse + node.finalbody)
    visit(tree.body)
    return out


def _targets(module: str, node: ast.Import | ast.ImportFrom) -> set[str]:
    """The library modules an import statement loads (``from .. import nn`` is ``...nn``)."""
    if isinstance(node, ast.Import):
        names = {a.name for a in node.names}
    else:
        base = module.split(".")
        if MODULES[module].name != "__init__.py":
            base = base[:-1]
        if node.level:
            base = base[: len(base) - node.level + 1]
            package = ".".join(base + ([node.module] if node.module else []))
        else:
            package = node.module or ""
        subs = {f"{package}.{a.name}" for a in node.names}
        names = {s for s in subs if s in MODULES} or {package}
    return {n for n in names if n in MODULES and n != module}


EDGES = {m: set().union(*[_targets(m, n) for n in _runtime_imports(ast.parse(p.read_text()))])
         for m, p in MODULES.items()}


def _layer(module: str) -> int:
    parts = module.split(".")
    if len(parts) == 1:
        return len(LAYERS)  # the package itself gathers everything
    return next(i for i, names in enumerate(LAYERS) if parts[1] in names)


def test_every_module_has_a_layer() -> None:
    for module in MODULES:
        _layer(module)  # StopIteration names a module added without a place in LAYERS


def test_imports_only_go_down() -> None:
    upward = sorted(f"{a} -> {b}" for a, targets in EDGES.items() for b in targets
                    if _layer(b) > _layer(a))
    assert not upward, "imports that run back up a layer:\n" + "\n".join(upward)


def test_no_module_level_import_cycle() -> None:
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def strong(v: str) -> None:  # Tarjan's strongly connected components
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in EDGES[v]:
            if w not in index:
                strong(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for module in sorted(MODULES):
        if module not in index:
            strong(module)
    assert not cycles, f"import cycles: {cycles}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_function_local_import_of_the_library(module: str) -> None:
    tree = ast.parse(MODULES[module].read_text())
    local = [ast.unparse(node) for fn in ast.walk(tree)
             if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef))
             for node in ast.walk(fn) if isinstance(node, (ast.Import, ast.ImportFrom))
             and (getattr(node, "level", 0) or "minigluon" in ast.unparse(node))]
    assert not local, f"{module}: function-local imports of the library: {local}"


def test_the_framework_never_imports_search_or_the_docs() -> None:
    for module, path in MODULES.items():
        for node in _runtime_imports(ast.parse(path.read_text())):
            text = ast.unparse(node)
            assert not any(word in text.split() for word in ("search", "search.server")), \
                f"{module}: {text}"
