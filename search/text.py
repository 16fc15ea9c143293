"""Text analysis shared by the indexer and the query engine: words, identifier parts, terms.

Both sides analyse text with these functions and Whoosh only stores the resulting terms
(space-separated), so a query term matches an indexed term exactly when both went through
the same steps: identifier splitting, lowercasing, American spelling, Porter stemming.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable
from functools import lru_cache

from whoosh.lang.snowball.english import EnglishStemmer

from .synonyms import BRITISH_PREFIXES

__all__ = [
    "MAX_QUERY_CHARS", "MAX_QUERY_WORDS", "STOPWORDS",
    "query_words", "words", "identifier_parts", "split_identifier", "compact", "normalize", "stem",
    "terms", "pair_term", "pairs", "trigrams", "strip_markup",
]

#: The engine only ever sees this much of a query: words beyond it cannot change what a
#: person is looking for, and uncapped input is how a 10 KB paste becomes a slow query.
MAX_QUERY_CHARS = 256
MAX_QUERY_WORDS = 24

_WORD = re.compile(r"\w+")
# One identifier part: an acronym before a capitalised word (ND|Array), a (capitalised)
# lowercase word, an acronym, digits glued to one following letter ("2D" in Conv2DTranspose,
# "2d" in conv2d: people say "conv 2d", not "conv 2 d"), digits, or any other letters (unicode).
_PART = re.compile(
    r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+[A-Za-z](?![a-z])|\d+|[^\W\d_]+"
)

#: Words too common to say what a query is about. Deliberately short: "not", "and", "or",
#: "where", "all", "any", "one", "like", "max" and "min" are parts of op names.
STOPWORDS = frozenset([
    "a", "an", "the", "to", "of", "in", "on", "for", "from", "by", "with", "into", "onto",
    "at", "as", "is", "are", "be", "been", "was", "were", "it", "its", "this", "that", "these",
    "those", "i", "me", "my", "we", "you", "your", "how", "do", "does", "did", "can", "could",
    "should", "would", "what", "which", "who", "when", "why", "use", "using", "used", "want",
    "need", "way", "please", "there", "their", "than", "then", "so", "also", "just", "through",
    "between", "has", "have", "had",
])


def query_words(text: str) -> list[str]:
    """The words of a user query, capped: ``\\w+`` runs of the first 256 characters, at most
    24 (a pasted error message is longer than a question, and its end tells as much as its
    start: "... has not been updated by backward since last step").

    Quotes, parentheses, ``*``, ``AND``/``OR`` as operators and control characters are not
    words, so no query syntax ever reaches Whoosh.
    """
    return _WORD.findall(text[:MAX_QUERY_CHARS])[:MAX_QUERY_WORDS]


def words(text: str) -> list[str]:
    """Every ``\\w+`` run of ``text`` (document side: no cap)."""
    return _WORD.findall(text)


def identifier_parts(word: str) -> list[str]:
    """The parts of an identifier as written (``"Conv2DTranspose"`` -> Conv, 2D, Transpose)."""
    return _PART.findall(word)


@lru_cache(maxsize=65536)
def split_identifier(word: str) -> tuple[str, ...]:
    """Lowercase parts of an identifier: CamelCase, snake_case and letter/digit boundaries.

    >>> split_identifier("Conv2DTranspose")
    ('conv', '2d', 'transpose')
    >>> split_identifier("box_nms"), split_identifier("NDArray")
    (('box', 'nms'), ('nd', 'array'))
    """
    return tuple(p.lower() for p in _PART.findall(word))


def compact(name: str) -> str:
    """An identifier with case and separators removed: ``MultiBoxPrior`` -> ``multiboxprior``."""
    return "".join(split_identifier(name))


@lru_cache(maxsize=65536)
def normalize(word: str) -> str:
    """Lowercase, American spelling (``normalise`` -> ``normalize``). ``word`` is one part."""
    word = word.lower()
    for british, american in BRITISH_PREFIXES:
        if word.startswith(british):
            return american + word[len(british):]
    return word


# Snowball's English (Porter2) stemmer: whoosh.lang.porter stems "accumulating" to
# "accumulat" but "accumulate" to "accumul", and "hybridize"/"hybridized" apart.
_STEMMER = EnglishStemmer()


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The stem of a normalised word (``gradients`` -> ``gradient``)."""
    return _STEMMER.stem(normalize(word))


def terms(text: str | Iterable[str], *, stemmed: bool = True, stop: bool = True,
          joined: bool = True) -> list[str]:
    """Index terms of ``text``: identifier parts (normalised, optionally stemmed) of each word.

    With ``joined``, a multi-part identifier also yields its compact form (``zero_grad`` ->
    ``zero``, ``grad``, ``zerograd``), so a joined query word finds the split name.
    """
    out: list[str] = []
    for w in (words(text) if isinstance(text, str) else text):
        parts = split_identifier(w)
        for p in parts:
            if stop and p in STOPWORDS:
                continue
            out.append(stem(p) if stemmed else normalize(p))
        if joined and len(parts) > 1:
            out.append(normalize("".join(parts)))
    return out


def pair_term(first: str, second: str) -> str:
    """One term for two neighbouring words (stemmed), for matching pasted messages."""
    return f"{stem(first)}_{stem(second)}"


def pairs(text: str) -> list[str]:
    """:func:`pair_term` of each two neighbouring meaningful words of ``text``."""
    seq = [normalize(p) for w in words(text) for p in split_identifier(w)]
    seq = [p for p in seq if p not in STOPWORDS]
    return [pair_term(a, b) for a, b in itertools.pairwise(seq)]


def trigrams(word: str) -> list[str]:
    """Character trigrams of a compact word, with ``^``/``$`` marking its ends."""
    padded = f"^{word}$"
    return [padded[i:i + 3] for i in range(len(padded) - 2)]


_ROLE = re.compile(r":[\w:.+-]+:`(?:[^`<]*<)?~?([^`>]*)>?`")  # :py:func:`x` / :func:`t <x>`
_MYST_ROLE = re.compile(r"\{[\w:.+-]+\}`(?:[^`<]*<)?~?([^`>]*)>?`")  # {py:func}`x`
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")  # [text](target)
_MARKUP = re.compile(r"``|`|\*\*|(?<!\w)\*|\*(?!\w)|(?<!\w)_{1,2}|_{1,2}(?!\w)")


def strip_markup(text: str) -> str:
    """Plain text of a reST/Markdown snippet: roles, links and emphasis markers removed."""
    text = _ROLE.sub(r"\1", text)
    text = _MYST_ROLE.sub(r"\1", text)
    text = _LINK.sub(r"\1", text)
    return _MARKUP.sub("", text)
