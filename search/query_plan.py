"""Query understanding: from typed text to what to look for (no Whoosh in here).

A query becomes *concepts* (its meaningful word parts) and *alternatives*: ways to match
one or more concepts, each with a weight. A typed word is an alternative of weight 1; its
spelling corrections, synonyms, and the compact form of adjacent words ("multi box prior"
-> ``multiboxprior``) are alternatives of lower or equal weight. The engine matches every
alternative and ranks a result by its score and by how many concepts it covers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .spell import Speller
from .synonyms import EXPANSIONS, SYNONYMS
from .text import (
    MAX_QUERY_CHARS,
    STOPWORDS,
    compact,
    identifier_parts,
    normalize,
    pair_term,
    query_words,
    split_identifier,
    stem,
    words,
)

__all__ = ["Alternative", "QueryPlan", "plan_query", "WEIGHTS"]

#: Relative weights of the ways a concept can be matched.
WEIGHTS = {
    "typed": 1.0,
    # A result found only through a one-word synonym covers that concept at this rate, so
    # it ranks below one with the word as typed (see SearchEngine._ranked_hits).
    "synonym_credit": 0.7,
    "corrected": {1: 0.85, 2: 0.7},  # by number of edits
    "other_candidate": 0.6,  # a correction that was not the best one
    "typo_itself": 0.25,  # the misspelt word, in case it was meant (a variable name in a page)
    "synonym": 0.6,
    "phrase": 0.9,  # what a multi-word phrase of the tables stands for
    "expansion": 0.8,
}
MAX_CONCEPTS = 32  # parts of at most 24 words; a pathological identifier cannot blow up
MAX_JOIN = 4  # adjacent words tried as one compact name


@dataclass(frozen=True)
class Alternative:
    """One way to match: all ``words`` (in any field), or the compact ``joined`` name, or the
    ``exact`` dotted name. ``covers`` are the concept positions it stands for."""

    words: tuple[str, ...]
    weight: float
    covers: frozenset[int]
    joined: str = ""
    exact: str = ""
    fallback: bool = False  # an unknown word: also try prefixes and trigrams of names
    pair: str = ""  # two neighbouring words as one term ("find_optim"), matched in messages
    qualifier: bool = False  # "autograd" in "autograd.record": match the enclosing names
    credit: float = 1.0  # how much a match counts as finding the concept (synonyms: less)
    # How surely a match through it is what the user meant, for the confidence shown with a
    # result (not the ranking): 1 for the words as typed, a correction's weight, a synonym's
    # credit.
    sure: float = 1.0


@dataclass
class QueryPlan:
    words: list[str]  # the query's words as typed (capped)
    concepts: list[str]  # normalised parts that carry meaning (stop words dropped)
    alternatives: list[Alternative] = field(default_factory=list)
    exact_keys: list[str] = field(default_factory=list)
    loose_keys: list[str] = field(default_factory=list)  # exact keys if exact_keys find none
    corrected_words: dict[int, str] = field(default_factory=dict)  # word index -> correction

    @property
    def did_you_mean(self) -> str | None:
        if not self.corrected_words:
            return None
        return " ".join(self.corrected_words.get(i, w) for i, w in enumerate(self.words))


@lru_cache(maxsize=1)
def _phrase_table() -> dict[tuple[str, ...], list[tuple[str, float]]]:
    """Stemmed phrase -> [(other phrase, weight)] for every synonym group and expansion."""
    table: dict[tuple[str, ...], list[tuple[str, float]]] = {}
    for group in SYNONYMS:
        for phrase in group:
            others = [(p, WEIGHTS["synonym"]) for p in group if p != phrase]
            table.setdefault(_key(phrase), []).extend(others)
    for phrase, names in EXPANSIONS.items():
        table.setdefault(_key(phrase), []).extend((n, WEIGHTS["expansion"]) for n in names)
    return table


def _key(phrase: str) -> tuple[str, ...]:
    return tuple(stem(p) for w in words(phrase) for p in split_identifier(w)
                 if p not in STOPWORDS)


_DOTTED = re.compile(r"[A-Za-z_][\w.]*")
_WORD = re.compile(r"\w+")


def plan_query(text: str, speller: Speller, known: Callable[[str], bool]) -> QueryPlan:
    """Plan the search for ``text``. ``known(word)`` says whether the index has the word
    (or its stem) anywhere; unknown words are spelling-corrected against ``speller``."""
    typed = query_words(text)
    qualifiers = _qualifier_words(text, len(typed))
    plan = QueryPlan(words=typed, concepts=[])
    tokens: list[tuple[int, str]] = []  # (word index, normalised part)
    for wi, w in enumerate(typed):
        tokens += [(wi, normalize(p)) for p in split_identifier(w)]
    tokens = tokens[:MAX_CONCEPTS]
    meaningful = [t for t in tokens if t[1] not in STOPWORDS] or tokens
    plan.concepts = [t for _, t in meaningful]
    word_of = [wi for wi, _ in meaningful]

    def typed_alt(ci: int, word: str, weight: float = WEIGHTS["typed"], **kw: Any) -> None:
        plan.alternatives.append(Alternative((word,), weight, frozenset({ci}),
                                             qualifier=word_of[ci] in qualifiers, sure=weight,
                                             **kw))

    covered = _add_phrases(plan, plan.concepts, set(), typed_alt)
    corrections: dict[int, tuple[str, int]] = {}
    for ci, concept in enumerate(plan.concepts):
        if ci in covered:
            continue
        if concept.isdigit() or len(concept) <= 3 or known(concept):
            typed_alt(ci, concept)
            continue
        candidates = speller.candidates(concept)
        if candidates and candidates[0][1] == 0:  # a word of the field the API lacks so far
            typed_alt(ci, concept)
        elif not candidates:
            typed_alt(ci, concept, fallback=True)
        else:
            for rank, (cand, edits) in enumerate(candidates):
                weight = WEIGHTS["corrected"][edits] * (
                    1 if rank == 0 else WEIGHTS["other_candidate"])
                typed_alt(ci, cand, weight)
                # "blockgard" -> blockgrad: the correction may be a whole compact name
                plan.alternatives.append(Alternative((), weight, frozenset({ci}), joined=cand,
                                                     sure=weight))
            typed_alt(ci, concept, WEIGHTS["typo_itself"])
            corrections[ci] = candidates[0]
    # Synonyms of the corrected words ("derivitive" -> derivative -> gradient).
    fixed = [corrections.get(ci, (c, 0))[0] for ci, c in enumerate(plan.concepts)]
    _add_phrases(plan, fixed, covered, None, touching=set(corrections))

    _add_joins(plan, typed, meaningful, speller)
    if corrections:  # "atach grad" -> attach grad -> attachgrad
        fixed_words = list(typed)
        for ci, (cand, _) in corrections.items():
            fixed_words[word_of[ci]] = fixed_words[word_of[ci]].lower().replace(
                plan.concepts[ci], cand, 1)
        _add_joins(plan, fixed_words, meaningful, speller, weight=WEIGHTS["corrected"][2],
                   fuzzy=False)
    sure = [WEIGHTS["corrected"][corrections[ci][1]] if ci in corrections else 1.0
            for ci in range(len(fixed))]
    for ci in range(len(fixed) - 1):  # neighbours, for pasted error messages
        plan.alternatives.append(Alternative((), WEIGHTS["typed"], frozenset({ci, ci + 1}),
                                             pair=pair_term(fixed[ci], fixed[ci + 1]),
                                             sure=min(sure[ci], sure[ci + 1])))
    _add_exact_keys(plan, text, typed)
    _record_corrections(plan, typed, meaningful, word_of, corrections)
    return plan


def _qualifier_words(text: str, count: int) -> set[int]:
    """Indices of the words written before a dot (``autograd`` in ``autograd.record``):
    they name where the object lives, not the object."""
    found = set()
    capped = text[:MAX_QUERY_CHARS]
    for i, m in enumerate(_WORD.finditer(capped)):
        if i >= count:
            break
        after = capped[m.end():m.end() + 2]
        if len(after) == 2 and after[0] == "." and (after[1].isalnum() or after[1] == "_"):
            found.add(i)
    return found


def _add_phrases(plan: QueryPlan, concepts: list[str], covered: set[int],
                 typed_alt: Callable[..., None] | None,
                 touching: set[int] | None = None) -> set[int]:
    """Synonym and expansion alternatives for the longest phrases found in ``concepts``.

    The words of a phrase found in the first pass are searched as typed too (``typed_alt``);
    the second pass looks only at phrases ``touching`` a corrected word.
    """
    table = _phrase_table()
    stems = [stem(c) for c in concepts]
    covered = set(covered)
    for length in range(min(4, len(stems)), 0, -1):
        for start in range(len(stems) - length + 1):
            span = range(start, start + length)
            if covered.intersection(span) or (touching is not None
                                              and not touching.intersection(span)):
                continue
            others = table.get(tuple(stems[start:start + length]))
            if not others:
                continue
            if typed_alt is not None:
                for ci in span:
                    typed_alt(ci, concepts[ci])
            covers = frozenset(span)
            # A curated multi-word phrase ("convert to numpy" -> asnumpy) is near-certain;
            # a one-word synonym ("derivative" ~ grad) is looser.
            credit = 1.0 if length > 1 else WEIGHTS["synonym_credit"]
            plan.alternatives += [
                _phrase_alternative(p, max(w, WEIGHTS["phrase"]) if length > 1 else w, covers,
                                    credit) for p, w in others]
            covered.update(span)
    return covered


def _phrase_alternative(phrase: str, weight: float, covers: frozenset[int],
                        credit: float) -> Alternative:
    parts = tuple(normalize(p) for w in words(phrase) for p in split_identifier(w)
                  if p not in STOPWORDS)
    exact = phrase.lower() if "." in phrase else ""
    name_like = len(words(phrase)) > 1 or len(split_identifier(phrase)) > 1
    joined = compact(phrase.rsplit(".", 1)[-1]) if name_like or exact else ""
    return Alternative(parts, weight, covers, joined=joined, exact=exact, credit=credit,
                       sure=credit)


def _add_joins(plan: QueryPlan, typed: list[str], meaningful: list[tuple[int, str]],
               speller: Speller, weight: float = WEIGHTS["typed"], fuzzy: bool = True) -> None:
    """Compact names from one multi-part word or from adjacent words ("attach grad")."""
    concepts_of_word: dict[int, set[int]] = {}
    for ci, (wi, _) in enumerate(meaningful):
        concepts_of_word.setdefault(wi, set()).add(ci)
    for start in range(len(typed)):
        for end in range(start + 1, min(start + MAX_JOIN, len(typed)) + 1):
            joined = "".join(compact(w) for w in typed[start:end])
            single = end - start == 1
            if not joined or (single and len(split_identifier(typed[start])) < 2):
                continue  # a plain single word is already searched as itself
            covers = frozenset(c for wi in range(start, end) for c in concepts_of_word.get(wi, ()))
            if not covers:
                continue
            if not single:  # "trainer step" ~ Trainer.step
                dotted = ".".join(w.lower() for w in typed[start:end])
                plan.alternatives.append(Alternative((), weight * len(covers), covers,
                                                     exact=dotted, sure=weight))
            if joined in speller:
                # Finding several words in one name says more than finding one of them.
                plan.alternatives.append(Alternative((), weight * len(covers), covers,
                                                     joined=joined, sure=weight))
            elif single and fuzzy:  # "HybridSequental": the name it misspells (adjacent
                # words' typos are corrected word by word; correcting every join costs too much)
                for rank, (cand, edits) in enumerate(speller.candidates(joined, limit=2)):
                    w = WEIGHTS["corrected"][edits] * (1 if rank == 0 else 0.6)
                    plan.alternatives.append(Alternative((), w * len(covers), covers,
                                                         joined=cand, sure=w))


def _add_exact_keys(plan: QueryPlan, text: str, typed: list[str]) -> None:
    stripped = text[:MAX_QUERY_CHARS].strip().strip("`'\"").strip()
    if stripped.endswith("()"):
        stripped = stripped[:-2]
    if _DOTTED.fullmatch(stripped):
        key = stripped.lower()
        plan.exact_keys.append(key)
        # "mx.cpu" is MXNet's top-level alias of mx.context.cpu: "mx." only says "somewhere".
        for prefix in ("mx.", "minigluon."):
            if key.startswith(prefix) and len(key) > len(prefix):
                plan.loose_keys.append(key[len(prefix):])
    if 0 < len(typed) <= MAX_JOIN:
        plan.exact_keys.append("".join(compact(w) for w in typed))


def _record_corrections(plan: QueryPlan, typed: list[str], meaningful: list[tuple[int, str]],
                        word_of: list[int], corrections: dict[int, tuple[str, int]]) -> None:
    """Spell each corrected word back the way it was typed (case, underscores)."""
    by_word: dict[int, list[tuple[str, str]]] = {}
    for ci, (cand, _) in corrections.items():
        by_word.setdefault(word_of[ci], []).append((meaningful[ci][1], cand))
    for wi, fixes in by_word.items():
        parts = identifier_parts(typed[wi])
        out = typed[wi]
        for typo, cand in fixes:
            for p in parts:
                if normalize(p) == typo:
                    repl = cand.capitalize() if p[:1].isupper() else cand
                    out = out.replace(p, repl, 1)
                    break
        if out != typed[wi]:
            plan.corrected_words[wi] = out
