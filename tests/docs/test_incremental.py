"""Incremental builds (``nox -s docs`` without ``--clean``): a warning keeps failing the build
until it is fixed."""

from __future__ import annotations

import pytest

MODULES = ["minigluon.random"]  # the smallest module: two objects


@pytest.fixture
def built(tmp_path, docs_copy, docs_sphinx):
    """A clean strict build of one module and the autograd guide (not executed), and a
    function building it again incrementally."""
    src = docs_copy(tmp_path, MODULES, ("autograd",))
    first = docs_sphinx(src, tmp_path / "html", MODULES)
    assert first.status == 0, first.warnings

    def again():
        return docs_sphinx(src, tmp_path / "html", MODULES, fresh=False)

    return first, again


@pytest.mark.parametrize("problem, message", [
    (":::{no-such-directive}\n:::\n", "Unknown directive type"),  # said while reading
    ("See {doc}`no-such-page`.\n", "unknown document"),  # said while writing (resolving)
], ids=["reading", "writing"])
def test_a_warning_fails_every_build_until_it_is_fixed(built, problem, message):
    first, again = built
    guide = first.src / "autograd.md"
    fine = guide.read_text()
    guide.write_text(fine + "\n" + problem)
    for _ in range(2):  # the second build has nothing new to read: the page is read again
        broken = again()
        assert broken.status != 0
        assert message in broken.warnings and "autograd.md" in broken.warnings
    guide.write_text(fine)
    for _ in range(2):
        fixed = again()
        assert fixed.status == 0 and fixed.warnings == ""
