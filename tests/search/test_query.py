"""The query engine on this checkout's docs (search/query.py, search/query_plan.py)."""

from __future__ import annotations

import pytest

from search.query import MAX_LIMIT


def names(engine, query, n=5):
    return [r["name"] for r in engine.search(query, limit=n).results]


@pytest.mark.parametrize("query, first", [
    ("reshape", "minigluon.ndarray.reshape"),
    ("Reshape", "minigluon.ndarray.Reshape"),  # the name in the case typed
    ("NDArray", "minigluon.ndarray.NDArray"),
    ("ndarray", "minigluon.ndarray"),
    ("mx.nd.relu", "minigluon.ndarray.relu"),
    ("NDArray.asnumpy", "minigluon.ndarray.NDArray.asnumpy"),
    ("autograd.record()", "minigluon.autograd.record"),
    ("`nd.save`", "minigluon.ndarray.save"),
])
def test_an_exact_name_is_first(engine, query, first):
    assert names(engine, query)[0] == first


def test_nd_before_sym_and_functions_before_methods(engine):
    got = names(engine, "relu", 3)
    assert got == ["minigluon.ndarray.relu", "minigluon.symbol.relu",
                   "minigluon.ndarray.NDArray.relu"]


def test_typos_are_corrected_with_a_suggestion(engine):
    response = engine.search("hybrid sequental")
    assert response.results[0]["name"] == "minigluon.gluon.nn.HybridSequential"
    assert response.did_you_mean == "hybrid sequential"
    assert engine.search("HybridSequental").did_you_mean == "HybridSequential"
    assert engine.search("hybridsequental").did_you_mean == "HybridSequential"


def test_correct_words_get_no_suggestion(engine):
    assert engine.search("reshape the array").did_you_mean is None


def test_split_and_joined_names(engine):
    assert names(engine, "conv 2d transpose")[0] == "minigluon.gluon.nn.Conv2DTranspose"
    assert names(engine, "conv2dtranspose")[0] == "minigluon.gluon.nn.Conv2DTranspose"
    assert names(engine, "block grad")[0] == "minigluon.ndarray.BlockGrad"
    assert names(engine, "zero_grad")[0].endswith(".zero_grad")


def test_synonyms_and_spellings(engine):
    assert names(engine, "concatenate")[0] == "minigluon.ndarray.concat"
    assert names(engine, "normalise images")[0] == \
        "minigluon.gluon.data.vision.transforms.Normalize"
    assert "minigluon.autograd.grad" in names(engine, "derivative", 3)


def test_guides_and_api_both_in_results(engine):
    results = engine.search("stopping gradients", limit=10).results
    sources = {r["source"] for r in results}
    assert sources == {"api", "page"}
    section = next(r for r in results if r["source"] == "page")
    assert section["url"].startswith("autograd.html#")
    assert section["kind"] == "section"


def test_result_fields(engine):
    r = engine.search("attach_grad").results[0]
    assert set(r) >= {"name", "kind", "url", "summary", "score", "signature", "source", "path"}
    assert r["kind"] == "method" and r["source"] == "api"
    assert r["url"] == ("api/_autosummary/minigluon.ndarray.NDArray.html"
                        "#minigluon.ndarray.NDArray.attach_grad")
    assert r["signature"].startswith("attach_grad(")
    scores = [x["score"] for x in engine.search("gradient", limit=10).results]
    assert scores == sorted(scores, reverse=True)


@pytest.mark.parametrize("query", ["", "   ", "the of and", "???", "*", "\x00"])
def test_queries_without_meaning_return_a_list(engine, query):
    assert isinstance(engine.search(query).results, list)


def test_limit_is_clamped(engine):
    assert len(engine.search("array", limit=0).results) == 1
    assert len(engine.search("array", limit=10_000).results) <= MAX_LIMIT


@pytest.mark.slow  # ~12 s: the query set and a typo of each, in two engines
def test_opening_without_parsing_the_vocabulary_ranks_as_before(engine):
    """The engine chains the index's vocabulary (looked up without being parsed) with the
    field's words; before, it merged them into one dict at open. Same answers, typos too."""
    from search.evaluate import load_queries
    from search.query import SearchEngine, _field_vocabulary
    from search.spell import Speller

    texts = [q.text for q in load_queries()]
    texts += [t[:2] + t[3:] for t in texts if len(t) > 4]  # a letter dropped: typos
    texts += ["simulink", "colect params", "non max supression", "hybridsequental"]
    before = SearchEngine(engine.index_dir)
    try:
        merged = dict.fromkeys(_field_vocabulary(), 0)
        merged.update(before._ix.vocabulary)  # parses the file, as every open used to
        before._speller = Speller(merged)
        before._ix.words = dict(before._ix.vocabulary)
        for text in texts:
            want = before.search(text, limit=10)
            got = engine.search(text, limit=10)
            assert got.results == want.results, text
            assert got.did_you_mean == want.did_you_mean, text
    finally:
        before.close()
