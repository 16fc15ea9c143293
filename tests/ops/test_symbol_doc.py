"""Symbol pages document Symbols: typed Symbol, with an example that builds, infers and evaluates
a graph whose printed values are the ``nd`` example's (ops/symbol_doc.py)."""

from __future__ import annotations

import re

import pytest

import minigluon as mx
from minigluon._api import ApiObject, docstring, public_objects
from minigluon._examples import example_failures
from minigluon.ops import get
from minigluon.ops.symbol_doc import NDARRAY_EXAMPLES, doctest_text, graph_example, retyped

PAGES = [a for a in public_objects(["minigluon.symbol"]) if hasattr(a.obj, "op")]
_SECTION = re.compile(r"^(?P<title>[A-Z][A-Za-z ]*)\n-{4,}\n", re.M)
# NDArray named as a type: not ``NDArray.astype`` (a link to the array method's page) and not
# a name (``minigluon.ndarray.NDArray``)
_NDARRAY_TYPE = re.compile(r"(?<![\w.`~])NDArrays?\b(?!\.\w)")


def _section(doc: str, title: str) -> str:
    heads = list(_SECTION.finditer(doc))
    for i, m in enumerate(heads):
        if m["title"] == title:
            return doc[m.end():heads[i + 1].start() if i + 1 < len(heads) else len(doc)]
    return ""


def _nd_calls_of(api: ApiObject) -> re.Pattern:
    op = api.obj.op
    names = "|".join(re.escape(n) for n in {op.name, *op.aliases, *op.root_aliases})
    return re.compile(rf"\b(?:mx\.)?nd(?:array)?\.(?:(?:random|contrib|linalg)\.)?(?:{names})\(")


def test_every_op_of_the_symbol_package_has_pages() -> None:
    assert len(PAGES) > 250  # sym.<op>, its aliases and Symbol.<method>
    assert {a.kind for a in PAGES} == {"function", "method"}


@pytest.mark.parametrize("api", PAGES, ids=lambda a: a.name)
def test_symbol_page_documents_symbols(api: ApiObject) -> None:
    doc = docstring(api.obj)
    for title in ("Parameters", "Returns"):
        typed = _NDARRAY_TYPE.findall(_section(doc, title))
        assert not typed, f"{api.name}: its {title} section says {typed}:\n{_section(doc, title)}"
    examples = _section(doc, "Examples")
    assert examples, f"{api.name}: no Examples section"
    nd_call = _nd_calls_of(api).search(examples)
    assert nd_call is None, f"{api.name}: the example calls {nd_call[0]} (the NDArray op)"
    name = api.name.rsplit(".", 1)[1]
    subject = f"= {name}(" if api.kind == "method" else f"sym.{name}("
    code = "\n".join(line for line in examples.splitlines() if line.startswith((">>>", "...")))
    assert re.search(rf"\.{name}\(" if api.kind == "method" else re.escape(subject), code), (
        f"{api.name}: the example does not call {subject}")
    assert ".infer_shape(" in code and ".eval(" in code, (
        f"{api.name}: the example does not infer_shape and eval a graph:\n{examples}")


def test_the_graph_example_shows_the_nd_example_values() -> None:
    example = graph_example(get("broadcast_add"), mx.nd.broadcast_add.__doc__, "broadcast_add")
    assert example.splitlines()[-7:] == [
        ">>> out.infer_shape(lhs=(2, 3), rhs=(2, 1))",
        "([(2, 3), (2, 1)], [(2, 3)], [])",
        ">>> out.eval(lhs=x, rhs=y)[0]",
        *mx.nd.broadcast_add.__doc__.split(">>> nd.broadcast_add(x, y)\n")[1].splitlines()[:4]]


def test_a_symbol_that_computes_otherwise_than_nd_fails_its_page(monkeypatch) -> None:
    api = next(a for a in PAGES if a.name == "minigluon.symbol.relu")
    assert example_failures(api) == []
    eval_ = mx.sym.Symbol.eval
    monkeypatch.setattr(mx.sym.Symbol, "eval", lambda self, **kw: [eval_(self, **kw)[0] + 1])
    assert [f.source for f in example_failures(api)] == [
        "out.eval(data=nd.array([-1, 0.5]))[0]"]
    monkeypatch.undo()
    infer = mx.sym.Symbol.infer_shape
    monkeypatch.setattr(mx.sym.Symbol, "infer_shape",
                        lambda self, **kw: (*infer(self, **kw)[:1], [(1,)], []))
    assert [f.source for f in example_failures(api)] == ["out.infer_shape(data=(2,))"]


@pytest.mark.parametrize("name", sorted(NDARRAY_EXAMPLES))
def test_the_nd_examples_written_for_symbol_pages_run(name: str) -> None:
    # their outputs are checked against nd here, as the op's own examples are on its nd page
    example = ApiObject(f"NDARRAY_EXAMPLES[{name!r}]", _Doc(doctest_text(NDARRAY_EXAMPLES[name])),
                        "function", "minigluon.ndarray")
    assert ">>> nd." in example.obj.__doc__
    assert example_failures(example) == []


class _Doc:
    def __init__(self, doc: str) -> None:
        self.__doc__ = doc


def test_types_and_prose_say_symbol_where_they_named_the_array() -> None:
    doc = ("Parameters\n----------\ndata : NDArray\n    Input.\nloc : float or NDArray\n"
           "    Per entry (per parameter entry if the parameters are NDArrays).\n"
           "dtype : str\n    As ``NDArray.astype`` takes it.\n\nReturns\n-------\n"
           "NDArray or list of NDArray\n    ``shape``, or ``loc.shape + shape`` for NDArray "
           "parameters.\n\nNotes\n-----\nAn NDArray stays.\n")
    assert retyped(doc) == (
        "Parameters\n----------\ndata : Symbol\n    Input.\nloc : float\n    Per entry.\n"
        "dtype : str\n    As ``NDArray.astype`` takes it.\n\nReturns\n-------\nSymbol\n"
        "    ``shape``.\n    Several outputs are one Symbol, a group: ``out[i]`` is output "
        "``i``\n    and ``eval`` returns them all.\n\nNotes\n-----\nAn NDArray stays.\n")


def test_root_alias_of_a_random_op_names_the_symbol_op() -> None:
    doc = mx.sym.uniform.__doc__
    assert doc.startswith("MXNet's root-namespace name of ``sym.random.uniform``.")
    assert "minigluon.ndarray.random.uniform : The same op on NDArrays." in doc
