"""The docs build runs every public object's examples: a changed output fails it (-W)."""

from __future__ import annotations

import minigluon.random
from minigluon._api import docstring

MODULE = "minigluon.random"  # two objects: the quickest module to build


def test_a_wrong_output_fails_the_build_naming_object_and_lines(tmp_path, monkeypatch,
                                                                   docs_build) -> None:
    doc = minigluon.random.seed.__doc__
    assert doc.count("    True\n") == 1
    monkeypatch.setattr(minigluon.random.seed, "__doc__", doc.replace("    True\n", "    False\n"))
    line = docstring(minigluon.random.seed).splitlines().index("False")  # the >>> line above it
    broken = docs_build(tmp_path / "broken", [MODULE])
    assert broken.status != 0
    assert "minigluon.random.seed: docstring example at docstring line" in broken.warnings
    assert f"docstring line {line}" in broken.warnings
    assert "src/minigluon/random.py:" in broken.warnings  # the source file and line
    assert "expected: False" in broken.warnings and "got:      True" in broken.warnings

    monkeypatch.setattr(minigluon.random.seed, "__doc__", doc)
    fixed = docs_build(tmp_path / "fixed", [MODULE])
    assert fixed.status == 0, fixed.warnings
    assert fixed.warnings == ""
