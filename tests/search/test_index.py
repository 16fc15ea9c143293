"""The index writer and opener (search/index.py): atomic replacement and one clear error."""

from __future__ import annotations

import os
import shutil
import tempfile
import threading

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search.collect import Record
from search.index import (
    MARKER,
    IndexMissingError,
    SearchIndexError,
    Vocabulary,
    document,
    exact_keys,
    open_index,
    write_index,
)
from search.query import SearchEngine


def _records(tag: str, n: int = 20) -> list[Record]:
    return [Record(name=f"pkg.mod.{tag}Thing{i}", kind="function", url=f"{tag}{i}.html#x",
                   source="api", summary=f"Does {tag} thing number {i}.") for i in range(n)]


def test_exact_keys_cover_suffixes_aliases_and_the_compact_leaf():
    keys = exact_keys("minigluon.ndarray.NDArray.attach_grad")
    for key in ["minigluon.ndarray.ndarray.attach_grad", "ndarray.attach_grad",
                "nd.ndarray.attach_grad", "mx.nd.ndarray.attach_grad", "attach_grad",
                "attachgrad"]:
        assert key in keys


def test_document_keeps_display_fields_and_searchable_terms():
    doc, vocab = document(Record(name="minigluon.gluon.nn.Conv2DTranspose", kind="class",
                                 url="a.html#b", source="api", summary="Transposed conv."))
    assert doc["name"] == "minigluon.gluon.nn.Conv2DTranspose"
    assert doc["joined"] == "conv2dtranspose"
    assert doc["leaf"].split() == ["conv", "2d", "transpos"]
    assert {"conv", "2d", "transpose", "conv2dtranspose"} <= vocab


def test_write_and_open(tmp_path):
    target = write_index(_records("a"), tmp_path / "search-index")
    ix = open_index(target)
    try:
        assert ix.doc_count == 20
        assert (target / MARKER).is_file()
    finally:
        ix.close()
    # nothing left behind next to it
    assert sorted(p.name for p in tmp_path.iterdir()) == ["search-index"]


def test_missing_index_is_one_clear_error(tmp_path):
    with pytest.raises(IndexMissingError, match="nox -s docs"):
        open_index(tmp_path / "nope")
    with pytest.raises(IndexMissingError):
        SearchEngine(tmp_path / "nope")


def test_a_directory_that_is_not_ours_is_refused(tmp_path):
    (tmp_path / "_MAIN_1.toc").write_bytes(b"\x80\x04not ours")
    with pytest.raises(SearchIndexError, match="not a minigluon search index"):
        open_index(tmp_path)


@pytest.mark.parametrize("damage", ["truncate_toc", "delete_segment", "garbage_marker",
                                    "other_format", "truncate_lengths",
                                    "truncate_vocabulary"])
def test_a_damaged_index_is_one_clear_error(tmp_path, damage):
    target = write_index(_records("a"), tmp_path / "idx")
    if damage == "truncate_toc":
        toc = next(target.glob("*.toc"))
        toc.write_bytes(toc.read_bytes()[:10])
    elif damage == "delete_segment":
        for seg in target.glob("*.seg"):
            seg.unlink()
    elif damage == "garbage_marker":
        (target / MARKER).write_text("{not json")
    elif damage == "other_format":
        (target / MARKER).write_text('{"format": 0}')
    elif damage == "truncate_lengths":
        (target / "lengths.bin").write_bytes(b"\x00")
    elif damage == "truncate_vocabulary":
        vocabulary = target / "vocabulary.txt"
        vocabulary.write_bytes(vocabulary.read_bytes()[:-3])
    before = _open_fds()
    with pytest.raises(SearchIndexError, match="nox -s docs"):
        open_index(target, retries=0)
    assert _open_fds() <= before  # no leaked file handles


def test_rewrite_replaces_the_index_atomically_under_concurrent_readers(tmp_path):
    target = write_index(_records("a"), tmp_path / "idx")
    errors: list[BaseException] = []
    seen: set[str] = set()
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            try:
                ix = open_index(target)
                try:
                    names = {f["name"] for f in ix.searcher.all_stored_fields()}
                finally:
                    ix.close()
                tags = {n.split(".")[-1][0] for n in names}
                assert len(names) == 20 and len(tags) == 1, names  # all old or all new
                seen.update(tags)
            except BaseException as e:
                errors.append(e)
                return

    readers = [threading.Thread(target=read) for _ in range(3)]
    for t in readers:
        t.start()
    try:
        for i in range(6):
            write_index(_records("ab"[i % 2]), target)
    finally:
        stop.set()
        for t in readers:
            t.join()
    assert not errors, errors[0]
    assert seen == {"a", "b"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["idx"]  # old copies removed


def test_engine_reopens_a_rebuilt_index(tmp_path):
    target = write_index(_records("a"), tmp_path / "idx")
    with SearchEngine(target) as engine:
        assert engine.search("aThing3").results[0]["name"] == "pkg.mod.aThing3"
        write_index(_records("b"), target)
        assert engine.search("bThing3").results[0]["name"] == "pkg.mod.bThing3"


def test_temporary_files_stay_in_the_private_directory(tmp_path, monkeypatch):
    shared = tmp_path / "shared-tmp"
    shared.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(shared))  # Whoosh's RamStorage would use it
    write_index(_records("a", 200), tmp_path / "out" / "idx")
    assert list(shared.iterdir()) == []


def test_a_failed_build_leaves_the_old_index(tmp_path):
    target = write_index(_records("a"), tmp_path / "idx")

    def broken():
        yield from _records("b", 5)
        raise RuntimeError("collector crashed")

    with pytest.raises(RuntimeError):
        write_index(broken(), target)
    with SearchEngine(target) as engine:
        assert len(engine) == 20
    assert sorted(p.name for p in tmp_path.iterdir()) == ["idx"]


def _open_fds() -> int:
    return len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else 0


def test_copying_an_index_keeps_it_usable(tmp_path):
    target = write_index(_records("a"), tmp_path / "idx")
    copy = tmp_path / "copy"
    shutil.copytree(target, copy)
    with SearchEngine(copy) as engine:
        assert engine.search("aThing1").results


# any character but the file's separators (index terms are \w+, this is more)
_WORDS = st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters=" \n"),
                 min_size=1, max_size=8)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(_WORDS, st.integers(0, 10**6), max_size=40),
       st.lists(st.text(min_size=1, max_size=8), max_size=20))  # probes: any text at all
def test_the_vocabulary_answers_like_the_parsed_file(words, probes):
    # written as write_index writes it; read back without parsing, then parsed
    data = "".join(f"{w} {n}\n" for w, n in sorted(words.items())).encode("utf-8")
    vocabulary = Vocabulary(data)
    assert len(vocabulary) == len(words)
    for w in [*words, *probes, *(w + "a" for w in words), *(w[:-1] for w in words), "", "\udcff"]:
        assert (w in vocabulary) == (w in words), w
        assert vocabulary.get(w) == words.get(w), w
    assert vocabulary.parsed() == words and dict(vocabulary) == words
    assert all(vocabulary[w] == n for w, n in words.items())  # now from the parsed dict


def test_open_index_reads_the_vocabulary_only_when_iterated(tmp_path):
    ix = open_index(write_index(_records("a"), tmp_path / "idx"))
    try:
        assert "athing1" in ix.words and ix.words._parsed is None
        assert ix.vocabulary["athing1"] == ix.words["athing1"] == 1
        assert ix.words._parsed is ix.vocabulary
    finally:
        ix.close()
