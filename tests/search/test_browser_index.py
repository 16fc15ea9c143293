"""The in-browser engine (search/static/search-engine.js on the exported index) answers like
the Python engine: same results, scores, order and "did you mean" on the public query set and
on a few thousand generated queries (typos, split and joined names, dotted names, pasted
messages, random words, punctuation and other scripts). Runs the JS engine under Node.js.
"""

from __future__ import annotations

import json
import random
import re

import pytest

from search.browser_index import (
    DATA_FILE,
    NodeMissingError,
    encode_postings,
    gzipped_size,
    run_in_node,
    up_to_date,
    write_browser_index,
)
from search.evaluate import load_queries
from search.text import split_identifier

pytestmark = pytest.mark.slow
LIMIT = 5


@pytest.fixture(scope="module")
def data_file(docs_index, tmp_path_factory):
    return write_browser_index(docs_index, tmp_path_factory.mktemp("static"))


def _node(data_file, queries, limit=LIMIT):
    try:
        return run_in_node(data_file, queries, limit)
    except NodeMissingError as e:
        pytest.skip(str(e))


def _answers(response):
    return ([(r["name"], r["kind"], r["url"], r["score"], r["confidence"])
             for r in response["results"]], response["did_you_mean"], response["weak"])


def _compare(engine, data_file, queries):
    js = _node(data_file, queries)["responses"]
    differ = []
    for q, got in zip(queries, js, strict=True):
        want = engine.search(q, LIMIT).to_dict()
        if _answers(want) != _answers(got):
            differ.append((q, _answers(want), _answers(got)))
    return differ


def test_same_answers_on_the_public_query_set(engine, data_file):
    queries = [q.text for q in load_queries()]
    differ = _compare(engine, data_file, queries)
    print(f"\nJS engine agrees with Python on {len(queries) - len(differ)}/{len(queries)} "
          "public queries (top 5, scores, did-you-mean)")
    assert not differ, differ[:5]


def generated_queries(records, n: int = 3000, seed: int = 15) -> list[str]:
    """Queries people might type, derived from the index's own names, titles and messages."""
    rng = random.Random(seed)
    api = [r for r in records if r.source == "api"]
    leaves = sorted({r.name.rsplit(".", 1)[-1] for r in api})
    titles = sorted({r.name for r in records if r.source == "page"})
    vocab = sorted({w.lower() for r in records for w in re.findall(r"[A-Za-z]{3,}", r.summary)})
    messages = sorted({m for r in records for m in re.split(r"(?<=[.:])\s+", r.errors)
                       if len(m) > 20})
    letters = "abcdefghijklmnopqrstuvwxyz"
    odd = "_.-()`'\"*?/\\ \t0123456789éßçøΣ\u03c3ςİ\u0131ﬁ中文データ😀\u00a0\u2028"

    def typo(word: str) -> str:
        w = list(word)
        for _ in range(rng.choice([1, 1, 2])):
            i = rng.randrange(len(w))
            op = rng.choice("disr")
            if op == "d" and len(w) > 1:
                del w[i]
            elif op == "i":
                w.insert(i, rng.choice(letters))
            elif op == "s" and i + 1 < len(w):
                w[i], w[i + 1] = w[i + 1], w[i]
            else:
                w[i] = rng.choice(letters)
        return "".join(w)

    makers = [
        lambda: typo(rng.choice(leaves)),
        lambda: " ".join(split_identifier(rng.choice(leaves))),
        lambda: typo(" ".join(split_identifier(rng.choice(leaves)))),
        lambda: "".join(split_identifier(rng.choice(leaves))),
        lambda: rng.choice(["mx.", "nd.", "F.", "gluon.", "", "minigluon."])
        + rng.choice(api).name.split(".", rng.randrange(3))[-1] + rng.choice(["", "()"]),
        lambda: " ".join(rng.sample(vocab, rng.randint(1, 5))),
        lambda: " ".join(typo(w) for w in rng.sample(vocab, rng.randint(1, 3))),
        lambda: rng.choice(["how to ", "how do i ", "", "why "]) + " ".join(
            rng.sample(vocab, rng.randint(1, 4))),
        lambda: re.sub(r"\{[^}]*\}|\d+", lambda _: str(rng.randint(0, 512)),
                       rng.choice(messages)) if messages else "error",
        lambda: typo(rng.choice(titles)),
        lambda: "".join(rng.choice(odd + letters) for _ in range(rng.randint(1, 30))),
        lambda: " ".join(rng.choice(vocab) for _ in range(rng.randint(10, 60))),
        lambda: rng.choice(leaves).upper(),
        lambda: f"`{rng.choice(leaves)}`",
    ]
    return [rng.choice(makers)() for _ in range(n)]


def test_same_answers_on_generated_queries(engine, docs_records, data_file):
    queries = generated_queries(docs_records)
    differ = _compare(engine, data_file, queries)
    share = 1 - len(differ) / len(queries)
    print(f"\nJS engine agrees with Python on {len(queries) - len(differ)}/{len(queries)} "
          f"generated queries ({share:.2%})")
    assert not differ, differ[:5]


def test_no_query_text_breaks_the_js_engine(data_file):
    strange = ["", " ", "\x00", "constructor", "__proto__", "toString", "hasOwnProperty",
               "a" * 10_000, "😀" * 300, "((((", "*", "İ", "ﬁ", "x" + "\u0301" * 50]
    responses = _node(data_file, strange)["responses"]
    assert [r["query"] for r in responses] == strange
    assert all(isinstance(r["results"], list) for r in responses)


def test_the_data_file_is_a_script_and_knows_its_index(docs_index, data_file):
    text = data_file.read_text(encoding="utf-8")
    assert text.startswith("window.MINIGLUON_SEARCH_DATA = {")
    assert "</script" not in text.lower()
    assert up_to_date(docs_index, data_file.parent)
    data = json.loads(text[text.index("{"):].rstrip().rstrip(";"))
    assert len(data["docs"]) == len(data["priors"]) > 500


def test_up_to_date_is_false_for_another_index(docs_index, tmp_path):
    assert not up_to_date(docs_index, tmp_path)  # nothing exported there
    (tmp_path / DATA_FILE).write_text('window.MINIGLUON_SEARCH_DATA = {"format":3,"id":"x"};')
    assert not up_to_date(docs_index, tmp_path)


def test_postings_encoding():
    assert encode_postings([3, 5, 40], [1, 2, 1]) == "3,2:2,z"
    assert encode_postings([], []) == ""
    assert encode_postings([0, 36], [1.0, 1.5]) == "0,10:1.5"


def test_the_export_fits_the_budget(data_file):
    # issue 15: at most 1.5 MB gzipped at the docs' size (about 200 bytes per record today)
    size = gzipped_size(data_file)
    print(f"\nsearch-data.js: {data_file.stat().st_size:,} bytes, {size:,} gzipped")
    assert size <= 1_500_000
