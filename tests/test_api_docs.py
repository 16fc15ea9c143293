"""Every public object has a numpy-style docstring with Examples, and the examples run."""

from __future__ import annotations

import re

import pytest

from minigluon._api import docstring, public_objects, run_examples

API = public_objects()
_EXAMPLES = re.compile(r"^Examples\n-{8,}\n", re.M)


def test_the_walk_finds_the_api() -> None:
    names = {a.name for a in API}
    for expected in ["minigluon.ndarray.NDArray", "minigluon.ndarray.reshape",
                     "minigluon.ndarray.NDArray.attach_grad", "minigluon.autograd.record",
                     "minigluon.autograd.Function", "minigluon.random.seed"]:
        assert expected in names


@pytest.mark.parametrize("api", [a for a in API if a.kind != "module"], ids=lambda a: a.name)
def test_public_object_has_examples(api) -> None:
    doc = docstring(api.obj)
    assert doc, f"{api.name} has no docstring"
    assert _EXAMPLES.search(doc), f"{api.name}: docstring has no 'Examples' section"
    assert ">>>" in doc.split("Examples", 1)[1], f"{api.name}: Examples section has no >>> code"


@pytest.mark.parametrize("api", API, ids=lambda a: a.name)
def test_docstring_examples_run(api) -> None:
    run_examples(api)
