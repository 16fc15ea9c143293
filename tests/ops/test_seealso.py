"""See Also of the registry-generated functions: one docstring, completed per front door."""

from __future__ import annotations

import inspect

import minigluon as mx
from minigluon._api import PUBLIC_MODULES
from minigluon.ops import all_ops, get
from minigluon.ops.calling_params import with_calling_params
from minigluon.ops.seealso import FRONT_DOORS, PUBLIC_SPACES
from minigluon.ops.symbol_doc import retyped


def _see_also(fn) -> str:
    return fn.__doc__.split("See Also\n--------\n", 1)[1].split("\n\n", 1)[0]


def test_public_spaces_are_the_public_modules() -> None:
    spaces = {op.namespace for op in all_ops()} - {"_internal"}
    for package in FRONT_DOORS:
        for space in spaces:
            module = f"{package}.{space}" if space else package
            assert (space in PUBLIC_SPACES[package]) == (module in PUBLIC_MODULES), module


def test_each_front_door_links_the_others() -> None:
    assert "minigluon.symbol.relu : The same op on symbols" in _see_also(mx.nd.relu)
    assert "minigluon.ndarray.NDArray.relu : The same op as a method." in _see_also(mx.nd.relu)
    assert "minigluon.ndarray.relu : The same op on NDArrays." in _see_also(mx.sym.relu)
    method = _see_also(mx.nd.NDArray.relu)
    assert "minigluon.ndarray.relu : The same op as a function." in method
    assert "minigluon.symbol.Symbol.relu : The same method on Symbol." in method


def test_hand_picked_entries_come_first_in_the_page_namespace() -> None:
    # relu's docstring lists "sigmoid, tanh, Activation, LeakyReLU"
    assert _see_also(mx.nd.relu).startswith("~minigluon.ndarray.sigmoid, ~minigluon.ndarray.tanh")
    assert _see_also(mx.sym.relu).startswith("~minigluon.symbol.sigmoid, ~minigluon.symbol.tanh")


def test_aliases_link_each_other() -> None:
    assert "~minigluon.ndarray.fix : The same function, under another name." in _see_also(
        mx.nd.trunc)
    assert "~minigluon.ndarray.trunc : The same function, under its canonical name." in (
        _see_also(mx.nd.fix))
    assert mx.nd.fix.__doc__.startswith("Alias of :func:`trunc`.")


def test_an_op_without_hand_picked_entries_gets_its_family_neighbours() -> None:
    assert "~minigluon.ndarray.tan, ~minigluon.ndarray.arccos" in _see_also(mx.nd.arcsin)


def test_namespaces_without_a_public_counterpart_get_none() -> None:
    entries = _see_also(mx.nd.random.uniform)
    assert "minigluon.symbol" not in entries  # sym.random has no API page
    assert "~minigluon.ndarray.random.normal" in entries


def test_only_the_see_also_section_differs_from_the_registry_docstring() -> None:
    op = get("relu")
    for fn in (mx.nd.relu, mx.nd.NDArray.relu):
        before, _, rest = fn.__doc__.partition("See Also\n")
        # ... besides the calling parameters (out, name, ...) the front end describes
        params = [str(p) for p in inspect.signature(fn).parameters.values()]
        expected = with_calling_params(op.doc, params, symbolic=False)
        assert before == expected.partition("See Also\n")[0]
        assert rest.partition("Examples\n")[2] == op.doc.partition("Examples\n")[2]
    # the symbol pages say Symbol where the docstring says NDArray, and show a graph
    # (tests/ops/test_symbol_doc.py)
    for fn in (mx.sym.relu, mx.sym.Symbol.relu):
        before, _, rest = fn.__doc__.partition("See Also\n")
        params = [str(p) for p in inspect.signature(fn).parameters.values()]
        expected = with_calling_params(op.doc, params, symbolic=True)
        assert before == retyped(expected.partition("See Also\n")[0])
        assert "data : Symbol\n" in before
        assert ".infer_shape(data=(2,))" in rest.partition("Examples\n")[2]
