"""Spelling correction against the index's own vocabulary, with typo tolerance by word length.

Whoosh's ``reader.terms_within`` compares the word with every term of the field in Python;
at 50,000 entries that is tens of milliseconds per word. Here the vocabulary is loaded once
per opened index, bucketed by length and by first or second letter, and screened with a
letter-set bitmask before the edit distance is computed. The buckets are built when the
first word needs correcting, so an open that never corrects (most CLI calls) skips them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping

__all__ = ["Speller", "max_edits", "edit_distance"]


def max_edits(word: str) -> int:
    """Typos tolerated in a word: none up to 3 letters, 1 up to 6, 2 beyond."""
    n = len(word)
    return 0 if n <= 3 else 1 if n <= 6 else 2


def edit_distance(a: str, b: str, limit: int) -> int:
    """Optimal-string-alignment distance (a swap of neighbours is one edit), or ``limit + 1``
    as soon as it must exceed ``limit``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    before: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            v = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] != b[j - 1]))
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                v = min(v, before[j - 2] + 1)
            cur[j] = v
        if min(cur) > limit:
            return limit + 1
        before, prev = prev, cur
    return prev[-1]


def _mask(word: str) -> int:
    m = 0
    for c in word:
        m |= 1 << (ord(c) % 63)
    return m


class Speller:
    """Corrections for words missing from a vocabulary of ``word -> document frequency``."""

    def __init__(self, vocabulary: Mapping[str, int]) -> None:
        self.vocabulary = vocabulary
        self._bucketed: dict[tuple[int, int, str], list[tuple[str, int, int]]] | None = None

    @property
    def _buckets(self) -> dict[tuple[int, int, str], list[tuple[str, int, int]]]:
        # Built on the first word to correct, not per open: most queries (and every
        # `python -m search` of a correctly spelt name) never need them.
        if self._bucketed is None:
            # By (length, first letter) and (length, second letter): a typo rarely hits both
            # of a word's first two letters, and a swap of them keeps both in the word.
            buckets: dict[tuple[int, int, str], list[tuple[str, int, int]]] = defaultdict(list)
            for word, df in self.vocabulary.items():
                entry = (word, _mask(word), df)
                buckets[len(word), 0, word[:1]].append(entry)
                if len(word) > 1:
                    buckets[len(word), 1, word[1]].append(entry)
            self._bucketed = buckets
        return self._bucketed

    def __contains__(self, word: str) -> bool:
        return word in self.vocabulary

    def candidates(self, word: str, limit: int = 3) -> list[tuple[str, int]]:
        """Up to ``limit`` vocabulary words within :func:`max_edits` of ``word``, as
        ``(word, edits)``: fewest edits first, then the most frequent."""
        k = max_edits(word)
        if k == 0:
            return []
        mask = _mask(word)
        found = []
        seen: set[str] = set()
        keys = [(n, pos, word[pos]) for n in range(len(word) - k, len(word) + k + 1)
                for pos in (0, 1)]
        for key in keys:
            for cand, cmask, df in self._buckets.get(key, ()):
                if cand in seen:
                    continue
                seen.add(cand)
                # An edit changes at most two letters of the letter set, so a larger set
                # difference rules the word out without computing its distance.
                if (cmask ^ mask).bit_count() > 2 * k:
                    continue
                d = edit_distance(word, cand, k)
                if d <= k:
                    found.append((d, -df, cand))
        found.sort()
        return [(cand, d) for d, _, cand in found[:limit]]
