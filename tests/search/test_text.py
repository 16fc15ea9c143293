"""Text analysis: identifier splitting, normalisation, capped query words (search/text.py)."""

from __future__ import annotations

import pytest

from search.text import (
    MAX_QUERY_CHARS,
    MAX_QUERY_WORDS,
    compact,
    normalize,
    pairs,
    query_words,
    split_identifier,
    stem,
    strip_markup,
    terms,
)


@pytest.mark.parametrize("name, parts", [
    ("Conv2D", ("conv", "2d")),
    ("Conv2DTranspose", ("conv", "2d", "transpose")),
    ("conv2d", ("conv", "2d")),
    ("box_nms", ("box", "nms")),
    ("MultiBoxPrior", ("multi", "box", "prior")),
    ("NDArray", ("nd", "array")),
    ("MXNetError", ("mx", "net", "error")),
    ("HybridSequential", ("hybrid", "sequential")),
    ("zero_grad", ("zero", "grad")),
    ("log1p", ("log", "1p")),
    ("float32", ("float", "32")),
    ("__init__", ("init",)),
    ("relu", ("relu",)),
])
def test_split_identifier(name, parts):
    assert split_identifier(name) == parts


def test_compact_joins_the_parts():
    assert compact("MultiBoxPrior") == "multiboxprior"
    assert compact("box_nms") == "boxnms"
    assert compact("Conv2DTranspose") == compact("conv_2d_transpose") == "conv2dtranspose"


def test_british_spellings_read_as_american():
    assert normalize("normalise") == "normalize"
    assert normalize("Initialisation") == "initialization"
    assert normalize("behaviour") == "behavior"
    assert stem("normalised") == stem("normalized")
    assert stem("gradients") == stem("gradient")
    assert stem("accumulating") == stem("accumulate")


def test_terms_add_the_compact_form_of_multi_part_words():
    assert terms("call zero_grad() first") == ["call", "zero", "grad", "zerograd", "first"]
    assert "the" not in terms("the array")


def test_pairs_are_neighbouring_meaningful_words():
    assert pairs("Cannot find optimizer") == ["cannot_find", "find_optim"]


@pytest.mark.parametrize("text", [
    '"quoted" (parens) AND OR NOT * ?',
    "x" * 10_000,
    "\x00\x01\x1b[31m\u202e\ufeff",
    "a.b.c(d=1)[0]",
])
def test_query_words_are_words_only_and_capped(text):
    got = query_words(text)
    assert len(got) <= MAX_QUERY_WORDS
    assert all(w.replace("_", "").isalnum() for w in got)
    assert sum(map(len, got)) <= MAX_QUERY_CHARS


def test_query_words_cap_the_number_of_words():
    assert len(query_words(" ".join(["word"] * 100))) == MAX_QUERY_WORDS


def test_strip_markup_keeps_the_text_of_roles_and_links():
    text = ("Use :func:`~minigluon.autograd.grad` or {py:func}`nd.save` "
            "(see [the guide](a.md)), **now**")
    assert strip_markup(text) == "Use minigluon.autograd.grad or nd.save (see the guide), now"
