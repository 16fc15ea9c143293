"""``tests/`` mirrors the code: a module's tests are found by its path.

``tests/gluon/nn/`` holds the tests of ``src/minigluon/gluon/nn/``, ``tests/search/live/`` those
of ``search/live/``, ``tests/benchmarks/`` those of ``benchmarks/``'s plumbing, ``tests/docs/``
those of the docs build (``docs/_ext``). A test file at
the top of ``tests/`` is named for a module of ``minigluon``, or is one of the few that check
the whole library and say so below.
"""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTS = ROOT / "tests"
PACKAGE = ROOT / "src" / "minigluon"

#: Top-level test files that check every module rather than one.
WHOLE_LIBRARY = {"test_layering.py", "test_layout.py"}
#: Test directories that check the whole library rather than one package, with the reason.
WHOLE_LIBRARY_DIRS = {
    "conformance": "compares every op, layer, loss, initializer, optimizer, metric and file "
                   "format with MXNet 1.9.1 (nox -s conformance); its own tests check the harness",
}


def _code_dir(test_dir: Path) -> Path:
    rel = test_dir.relative_to(TESTS)
    if rel.parts[0] in ("search", "benchmarks"):
        return ROOT.joinpath(*rel.parts)
    if rel.parts[0] == "docs":
        return ROOT / "docs" / "_ext"
    return PACKAGE.joinpath(*rel.parts)


def test_every_test_directory_mirrors_a_package() -> None:
    dirs = [d for d in TESTS.rglob("*") if d.is_dir() and d.name != "__pycache__"]
    assert dirs, "no test directories found"
    stray = [str(d.relative_to(TESTS)) for d in dirs if not _code_dir(d).is_dir()
             and d.relative_to(TESTS).parts[0] not in WHOLE_LIBRARY_DIRS]
    assert not stray, f"test directories with no package of that path: {stray}"


def test_top_level_test_files_are_named_for_a_module() -> None:
    stray = []
    for path in TESTS.glob("test_*.py"):
        name = path.stem.removeprefix("test_")
        if path.name in WHOLE_LIBRARY:
            continue
        if not any((PACKAGE / f"{m}.py").exists() or (PACKAGE / m).is_dir()
                   for m in (name, f"_{name}")):
            stray.append(path.name)
    assert not stray, (f"{stray} name no module of minigluon: move them beside the module they "
                       "test, or add them to WHOLE_LIBRARY with a reason")


def test_whole_library_directories_exist_and_mirror_nothing() -> None:
    for name in WHOLE_LIBRARY_DIRS:
        assert (TESTS / name / "__init__.py").exists(), f"tests/{name}/ is not a test package"
        assert not (PACKAGE / name).exists(), (
            f"src/minigluon/{name} exists: tests/{name}/ should mirror it, not be listed in "
            "WHOLE_LIBRARY_DIRS")
