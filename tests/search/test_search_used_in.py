"""An API object's "Used in" sections in the index, and right after the object in results."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest

from search.evaluate import QUERY_SET, evaluate, format_report, load_queries
from search.index import USED_IN, SearchIndexError, open_index, read_used_in, write_index
from search.query import MAX_USED_IN, SearchEngine
from search.sources import api_records, source_records

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"

HYBRID_SEQUENTIAL = "minigluon.gluon.nn.HybridSequential"
# Sections whose code builds a HybridSequential (what the docs build records), plus one that
# does not mention it at all, and a URL no page has.
USES = ["autograd.html#the-three-steps", "blocks.html#sequential-or-hybridsequential",
        "blocks.html#a-container-is-a-block-that-runs-its-children-in-order",
        "hybridize.html#how-much-faster", "nowhere.html#gone"]


@pytest.fixture(scope="module")
def records():
    return source_records(DOCS, ["minigluon.gluon.nn", "minigluon.autograd"],
                          used_in={HYBRID_SEQUENTIAL: USES})


@pytest.fixture(scope="module")
def used_engine(tmp_path_factory, records):
    with SearchEngine(write_index(records, tmp_path_factory.mktemp("used") / "ix")) as e:
        yield e


def test_sources_attach_the_given_usage_to_known_sections_only(records):
    by_name = {r.name: r for r in records}
    assert by_name[HYBRID_SEQUENTIAL].used_in == tuple(USES[:-1])
    assert by_name["minigluon.gluon.nn.Dense"].used_in == ()
    assert all(not r.used_in for r in records if r.source == "page")


def test_without_usage_the_records_have_none():
    assert not any(r.used_in for r in api_records(["minigluon.autograd"]))


def test_the_index_keeps_usage_by_name_and_by_document(used_engine, records):
    assert read_used_in(used_engine.index_dir) == {HYBRID_SEQUENTIAL: USES[:-1]}
    ix = open_index(used_engine.index_dir)
    try:
        (api, sections), = ix.used_in.items()
        assert records[api].name == HYBRID_SEQUENTIAL
        assert [records[s].url for s in sections] == USES[:-1]
    finally:
        ix.close()


def test_the_sections_using_the_top_result_come_right_after_it(used_engine):
    results = used_engine.search("HybridSequential", limit=10).results
    assert results[0]["name"] == HYBRID_SEQUENTIAL
    following = [r["url"] for r in results[1:1 + MAX_USED_IN]]
    assert set(following) <= set(USES) and len(following) == MAX_USED_IN
    # the one that matches the query best first; the unrelated autograd section is dropped
    assert following[0] == "blocks.html#sequential-or-hybridsequential"
    assert "autograd.html#the-three-steps" not in following
    scores = [r["score"] for r in results]
    assert scores == sorted(scores, reverse=True)


def test_an_object_without_usage_is_followed_by_the_usual_ranking(tmp_path, records,
                                                                  used_engine):
    plain = [dataclasses.replace(r, used_in=()) for r in records]
    with SearchEngine(write_index(plain, tmp_path / "ix")) as plain_engine:
        for query in ("Conv2DTranspose", "autograd.record", "training mode"):
            assert used_engine.search(query).results == plain_engine.search(query).results


def test_a_broken_usage_file_is_a_clear_error(tmp_path, records):
    target = write_index(records[:50], tmp_path / "ix")
    (target / USED_IN).write_text(json.dumps({"names": {}, "docs": {"3": [10_000]}}))
    with pytest.raises(SearchIndexError, match="inconsistent"):
        open_index(target)
    (target / USED_IN).write_text("[]")
    with pytest.raises(SearchIndexError, match="unreadable"):
        read_used_in(target)


BUILT_INDEX = ROOT / "build" / "search-index"


def test_quality_with_the_usage_the_last_docs_build_recorded(tmp_path):
    """The quality thresholds of test_quality.py, with "Used in" from the last full
    docs build (skipped without one): moving sections up must not push answers down."""
    try:
        used_in = read_used_in(BUILT_INDEX)
    except SearchIndexError as e:
        pytest.skip(f"no usable docs build to take the usage from: {e}")
    assert used_in, "the docs build recorded no usage at all"
    records = source_records(DOCS, used_in=used_in)
    assert sum(bool(r.used_in) for r in records) > 0.5 * len(used_in)  # the URLs still agree
    with SearchEngine(write_index(records, tmp_path / "ix")) as engine:
        scores = evaluate(lambda text: engine.search(text, limit=10).results,
                          load_queries(QUERY_SET))
    report = format_report(scores, "search quality with the recorded usage")
    print("\n" + report)
    assert scores["exact"].hit_at_1 == 1.0, report
    assert scores["overall"].hit_at_1 >= 0.85, report
    assert scores["overall"].hit_at_5 >= 0.95, report
