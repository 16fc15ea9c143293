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


def test_the_build_tolerates_the_last_float_digit_and_nothing_more(tmp_path, monkeypatch,
                                                                  docs_build) -> None:
    # the checker of the tests (tests/test_examples.py), seen through a real build
    doc = minigluon.random.seed.__doc__
    shown = "    >>> mx.nd.log10(mx.nd.array([1, 100]))\n    <BLANKLINE>\n    [0. {}]\n" \
            "    <NDArray 2 @cpu(0)>\n"
    # 1.9999999 is one float32 unit in the last place below what any CPU prints (2. or 2.0000002)
    for value, passes in [("1.9999999", True), ("2.1", False)]:
        monkeypatch.setattr(minigluon.random.seed, "__doc__",
                            doc.rstrip() + "\n" + shown.format(value) + "    ")
        build = docs_build(tmp_path / value, [MODULE])
        assert (build.status == 0) == passes, build.warnings
        assert ("expected: <BLANKLINE>\n[0. 2.1]" in build.warnings) != passes, build.warnings
