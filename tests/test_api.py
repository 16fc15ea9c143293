"""Every public object has a numpy-style docstring with Examples, and the examples run."""

from __future__ import annotations

import re

import pytest

from minigluon._api import docstring, page_context, public_objects, resolve, source_location
from minigluon._examples import run_examples

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


# -- See Also: every API page links to related pages -----------------------------------------
API_NAMES = {a.name for a in API}
_SEE_ALSO = re.compile(r"^See Also\n-{8}\n(?P<body>.*?)(?=\n\n\S[^\n]*\n-{3,}\n|\Z)", re.M | re.S)
_ENTRY = re.compile(r"(?::[\w:]+:)?`?(~?[\w.]+)`?$")


def see_also_entries(doc: str) -> list[str] | None:
    """The names a numpydoc See Also section lists (as napoleon reads it); None: no section."""
    m = _SEE_ALSO.search(doc)
    if m is None:
        return None
    names = []
    for line in m["body"].splitlines():
        if not line.strip() or line.startswith(" "):
            continue  # a blank line or the description of the entry above
        for item in line.split(" : ")[0].split(","):
            entry = _ENTRY.match(item.strip())
            assert entry, f"not a See Also entry: {item.strip()!r} (in {line!r})"
            names.append(entry[1])
    return names


@pytest.mark.parametrize("api", API, ids=lambda a: a.name)
def test_public_object_has_see_also_linking_public_objects(api) -> None:
    entries = see_also_entries(docstring(api.obj))
    assert entries, f"{api.name}: docstring has no 'See Also' section (or it is empty)"
    for entry in entries:
        target = resolve(entry, *page_context(api), API_NAMES)
        assert target is not None, (f"{api.name}: See Also entry {entry!r} is not a public "
                                    f"object (seen from {api.module})")
        assert target != api.name, f"{api.name}: See Also lists the object itself"


# -- where a failing example is written (the docs build's warnings point there) ----------------
@pytest.mark.parametrize("name", ["minigluon.ndarray.relu", "minigluon.ndarray.NDArray.relu",
                                  "minigluon.random.seed",
                                  "minigluon.gluon.Parameter.grad_req", "minigluon.ndarray.fix"])
def test_source_location_finds_the_docstring_line(name) -> None:
    import linecache

    api = next(a for a in API if a.name == name)
    lines = docstring(api.obj).splitlines()
    last = max(i for i, line in enumerate(lines) if line.startswith(">>>")) + 1
    path, line = source_location(api, last)
    # the registry ops' docstrings are assembled from template arguments: the example line
    # is in the call that registers the op, possibly after the opening quotes
    assert linecache.getline(path, line).strip().endswith(lines[last - 1]), (path, line)


@pytest.mark.parametrize("name, written", [
    ("minigluon.symbol.relu", ">>> nd.relu(nd.array([-1, 0.5]))"),
    ("minigluon.symbol.Symbol.relu", ">>> nd.relu(nd.array([-1, 0.5]))"),
    ("minigluon.symbol.split", ">>> nd.split(x, num_outputs=2)")])
def test_source_location_of_a_symbol_example_is_the_nd_line_it_comes_from(name, written) -> None:
    import linecache

    api = next(a for a in API if a.name == name)
    lines = docstring(api.obj).splitlines()
    last = max(i for i, line in enumerate(lines) if line.startswith(">>>")) + 1
    assert ".eval(" in lines[last - 1]  # generated: written nowhere
    path, line = source_location(api, last)
    assert linecache.getline(path, line).strip().endswith(written), (path, line)
