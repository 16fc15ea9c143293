"""Collecting records: object details, MyST sections, and agreement with a Sphinx build."""

from __future__ import annotations

from pathlib import Path

import pytest

from search.collect import api_record, describe_object, resolve
from search.sources import api_records, docutils_id, page_records

ROOT = Path(__file__).resolve().parents[2]


def test_resolve_returns_properties_as_properties():
    from minigluon.ndarray import NDArray

    assert resolve("minigluon.ndarray.NDArray.shape") is vars(NDArray)["shape"]
    assert resolve("minigluon.ndarray.NDArray") is NDArray


def test_api_record_has_summary_signature_and_raised_messages():
    r = api_record("minigluon.autograd.backward", "function", "u.html#x")
    assert r.summary and "\n" not in r.summary
    assert r.signature.startswith("backward(heads")
    assert "Cannot differentiate node" in r.deep_errors  # raised in a helper it calls
    assert "Examples" not in r.text and ">>>" not in r.text


def test_an_attribute_does_not_borrow_its_values_docstring():
    import numpy as np

    assert describe_object(np.float32, "mx_real_t", "attribute") == ("", "", "", "")


def test_api_urls_follow_the_autosummary_layout():
    by_name = {r.name: r for r in api_records(["minigluon.autograd"])}
    assert by_name["minigluon.autograd"].url == \
        "api/minigluon.autograd.html#module-minigluon.autograd"
    assert by_name["minigluon.autograd.grad"].url == \
        "api/_autosummary/minigluon.autograd.grad.html#minigluon.autograd.grad"
    assert by_name["minigluon.autograd.Function.backward"].url == (
        "api/_autosummary/minigluon.autograd.Function.html"
        "#minigluon.autograd.Function.backward")


def test_sections_of_a_myst_page(tmp_path):
    (tmp_path / "guide.md").write_text(
        "---\nfile_format: mystnb\n---\n\n# A *guide*\n\nIntro with `code` and "
        "{py:func}`nd.save`.\n\n```{code-cell} ipython3\nx = visible()\n```\n\n"
        "```{code-cell} ipython3\n:tags: [remove-cell]\nassert hidden()\n```\n\n"
        "## Second: part 2\n\n- a list item\n\n```{note}\nA note.\n```\n\n"
        "```{toctree}\nhidden-page\n```\n\n### Deeper\n\nText.\n")
    recs = list(page_records(tmp_path))
    assert [r.path for r in recs] == ["A guide", "A guide > Second: part 2",
                                      "A guide > Second: part 2 > Deeper"]
    top, second, deeper = recs
    assert top.kind == "page" and top.url == "guide.html"
    assert "x = visible()" in top.code and "hidden" not in top.code
    assert "Intro with code and nd.save." in top.text
    assert second.url == "guide.html#second-part-2" and second.kind == "section"
    assert "a list item" in second.text and "A note." in second.text
    assert "hidden-page" not in second.text
    assert deeper.url == "guide.html#deeper"


@pytest.mark.parametrize("title, anchor", [
    ("The three steps", "the-three-steps"),
    ("Indexing: numpy rules, one legacy exception", "indexing-numpy-rules-one-legacy-exception"),
    ("1. Forward hooks: look while the network runs",
     "forward-hooks-look-while-the-network-runs"),
    ("Sequential or HybridSequential?", "sequential-or-hybridsequential"),
    ("Ünïcode título", "unicode-titulo"),
])
def test_docutils_ids(title, anchor):
    assert docutils_id(title) == anchor
    nodes = pytest.importorskip("docutils.nodes")
    assert nodes.make_id(title) == anchor


@pytest.mark.slow
def test_sphinx_collection_agrees_with_the_sphinx_free_one(sphinx_site):
    """A real Sphinx build indexes the same names, kinds and URLs as search.sources, so the
    quality tests measure what the docs build ships and every result links to its anchor."""
    from search.index import open_index

    ix = open_index(sphinx_site["index"])
    try:
        built = {(f["name"], f["kind"], f["url"]) for f in ix.searcher.all_stored_fields()}
    finally:
        ix.close()
    in_modules = [r for r in api_records()  # all: an object is listed under its home module
                  if any(r.name == m or r.name.startswith(m + ".")
                         for m in sphinx_site["modules"])]
    expected = {(r.name, r.kind, r.url) for r in in_modules}
    expected |= {(r.name, r.kind, r.url) for r in page_records(sphinx_site["src"])}
    only_sphinx, only_sources = sorted(built - expected), sorted(expected - built)
    assert not only_sphinx and not only_sources, (only_sphinx, only_sources)


def test_error_lines_of_an_executed_traceback():
    from search.collect import _traceback_messages

    tb = ("-----\nMXNetError                    Traceback (most recent call last)\n"
          "Cell In[3], line 6\n----> 6 y.backward()\n"
          "MXNetError: Cannot differentiate node because it is not in a computational graph.")
    assert _traceback_messages(tb) == [
        "MXNetError: Cannot differentiate node because it is not in a computational graph."]


def test_a_signature_names_no_path_on_disk():
    from search.collect import api_record

    signature = api_record("minigluon.module.Module", "class", "x.html").signature
    assert "logger: 'Any' = <module 'logging'>" in signature
    assert " from '" not in signature
