"""Spelling correction against the index vocabulary (search/spell.py)."""

from __future__ import annotations

import pytest

from search.spell import Speller, edit_distance, max_edits


@pytest.mark.parametrize("a, b, d", [
    ("reshape", "reshape", 0), ("reshpe", "reshape", 1), ("resahpe", "reshape", 1),
    ("sequental", "sequential", 1), ("tranpose", "transpose", 1), ("grad", "grab", 1),
    ("abc", "xyz", 3),
])
def test_edit_distance_counts_a_swap_as_one_edit(a, b, d):
    assert edit_distance(a, b, limit=5) == d


def test_edit_distance_stops_at_the_limit():
    assert edit_distance("abcdefgh", "zyxwvuts", limit=2) == 3


def test_edits_allowed_grow_with_word_length():
    assert [max_edits("x" * n) for n in (2, 3, 4, 6, 7, 12)] == [0, 0, 1, 1, 2, 2]


def test_candidates_prefer_fewer_edits_then_frequent_words():
    speller = Speller({"sequential": 3, "reshape": 10, "reshaped": 1, "grad": 5})
    assert speller.candidates("sequental") == [("sequential", 1)]
    assert speller.candidates("reshpe")[0] == ("reshape", 1)
    assert speller.candidates("grd") == []  # three letters: taken as typed
    assert speller.candidates("zzzzzzzz") == []
    assert "grad" in speller and "grd" not in speller
