"""``tests/`` mirrors the code: a module's tests are found by its path.

``tests/gluon/nn/`` holds the tests of ``src/minigluon/gluon/nn/``, ``tests/search/live/`` those
of ``search/live/``, ``tests/docs/`` those of the docs build (``docs/_ext``). A test file at
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


def _code_dir(test_dir: Path) -> Path:
    rel = test_dir.relative_to(TESTS)
    if rel.parts[0] == "search":
        return ROOT.joinpath(*rel.parts)
    if rel.parts[0] == "docs":
        return ROOT / "docs" / "_ext"
    return PACKAGE.joinpath(*rel.parts)


def test_every_test_directory_mirrors_a_package() -> None:
    dirs = [d for d in TESTS.rglob("*") if d.is_dir() and d.name != "__pycache__"]
    assert dirs, "no test directories found"
    stray = [str(d.relative_to(TESTS)) for d in dirs if not _code_dir(d).is_dir()]
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
