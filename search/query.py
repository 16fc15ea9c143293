"""The query engine: plans a query, scores documents, ranks and describes the results.

Ranking, in order: (1) exact names (a query that *is* a documented name, a dotted suffix of
one, an ``mx.nd.`` alias or a compact leaf such as ``multiboxprior``) come first, the one
spelled with the same case first among them; (2) everything else by BM25 with per-field
boosts (name and title > error messages > summary > body > code), scaled by the share of
the query's concepts the result matches, so a page matching one word many times does not
beat a name matching all of them; (3) when the first result is an API object, the guide
sections whose executed code calls it (recorded by the docs build, at most ``MAX_USED_IN``)
come right after it, before other objects: how it is used is the next thing people look for.

Scoring reads Whoosh's postings and sums BM25 itself instead of running a Whoosh query:
Whoosh's matcher trees cost several microseconds per posting and node, which at 50,000
entries made a query with synonyms take seconds. Terms are taken in order of impact and, in
the long fields, only within a postings budget, so latency stays bounded as the index grows.
"""

from __future__ import annotations

import math
import os
import threading
from collections import ChainMap
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from whoosh.query import Or, Term

from .index import DEFAULT_INDEX_DIR, OpenIndex, open_index
from .query_plan import Alternative, QueryPlan, plan_query
from .spell import Speller
from .synonyms import EXPANSIONS, SYNONYMS
from .text import compact, split_identifier, stem, trigrams, words

__all__ = ["SearchEngine", "SearchResponse", "FIELD_BOOSTS", "MAX_USED_IN", "search"]

#: Boost of a matching query word by field.
FIELD_BOOSTS = {"leaf": 6.0, "title": 6.0, "errors": 3.0, "summ": 2.5, "qual": 1.5,
                "params": 1.2, "body": 1.0, "code": 0.4,
                # the words of messages raised in what an object calls (search.errors); high,
                # they drown short queries in records whose helpers check shapes and axes
                "deep_errors": 0.5}
QUALIFIER_BOOSTS = {"qual": 3.0}  # "autograd" in "autograd.record" names the module
JOINED_WORD_BOOST = 5.0  # one word equal to a whole name ("data" ~ Parameter.data)
JOINED_BOOST = 8.0  # per word, adjacent words or a multi-part word equal to a compact name
EXACT_EXPANSION_BOOST = 8.0  # a dotted name from the expansion table (nd.save)
PAIR_BOOST = 3.0  # two neighbouring query words also neighbours in an error message
PREFIX_BOOST = 2.0  # an unknown word that starts a name ("multibox")
TRIGRAM_BOOST = 0.3  # an unknown word sharing letter triples with a name
MAX_PREFIX_EXPANSIONS = 20
MAX_LIMIT = 100
# Short fields are always scored; long ones only while the query's postings budget lasts
# (a word in half the docstrings adds little to a ranking and most of its cost).
_ALWAYS_SCORED = {"exact", "joined", "leaf", "title"}
POSTINGS_BUDGET = 20_000
# Where a word must occur to count as spelled right. Not code: pages' code cells hold
# variable names and deliberate mistakes (the typos on "Searching these docs", for one).
_KNOWN_FROM = [f for f in FIELD_BOOSTS if f != "code"]
RERANK_DEPTH = 200  # candidates whose concept coverage is worked out
# Guide sections that call the top result (an API object), placed right after it: the most
# relevant to the query first. Capped, since nd.array is used in nearly every section.
MAX_USED_IN = 3
K1, B = 1.2, 0.75  # BM25, Whoosh's defaults
# Confidence (what a result's "match" says): the share of the query's concepts it matched,
# each as surely as the way it was matched (Alternative.sure); the start of a name typed
# ("multibox") is fairly sure, letter triples shared with a name are a guess.
PREFIX_SURE = 0.8
TRIGRAM_SURE = 0.25
#: Score factor per demotion of index.prior (the symbol namespace, test_utils, an alias).
DEMOTED = 0.8
#: A query that starts like a question (not "how", which asks for a task) ranks guide sections
#: this much higher.
QUESTION_WORDS = frozenset(["why", "does", "do", "can", "what", "when", "where", "is", "are",
                            "should"])
QUESTION_SECTION_BOOST = 1.3
#: Below this confidence of the best result, the query has no close match (say so).
WEAK_BELOW = 0.5


@dataclass
class SearchResponse:
    """Results (dicts, best first) and a "did you mean" suggestion when words were corrected."""

    query: str
    results: list[dict[str, Any]] = field(default_factory=list)
    did_you_mean: str | None = None

    @property
    def weak(self) -> bool:
        """No result matches the query closely (the best one's confidence is low)."""
        return not self.results or self.results[0]["confidence"] < WEAK_BELOW

    def to_dict(self) -> dict[str, Any]:
        return {"query": self.query, "did_you_mean": self.did_you_mean, "weak": self.weak,
                "results": self.results}


class SearchEngine:
    """Searches the index at ``index_dir`` (default ``build/search-index``).

    Thread-safe; reopens the index when it was rebuilt. Raises
    :class:`search.index.SearchIndexError` if the index is missing or unreadable.
    """

    def __init__(self, index_dir: Path | str | None = None) -> None:
        self.index_dir = Path(index_dir) if index_dir is not None else DEFAULT_INDEX_DIR
        self._lock = threading.Lock()
        self._ix: OpenIndex | None = None
        self._open()

    def _open(self) -> None:
        self.close()
        self._ix = open_index(self.index_dir)
        # The index's words, then those people use for the field (document frequency 0);
        # chained, not merged, so that opening does not parse the index's vocabulary.
        field_words = dict.fromkeys(_field_vocabulary(), 0)
        self._speller = Speller(ChainMap(self._ix.words, field_words))
        st = os.stat(self.index_dir)
        self._opened = (st.st_ino, st.st_mtime_ns)

    def _reopen_if_rebuilt(self) -> None:
        try:
            st = os.stat(self.index_dir)
        except OSError:
            return  # mid-swap: keep serving the index that is open
        if (st.st_ino, st.st_mtime_ns) != self._opened:
            self._open()

    def close(self) -> None:
        if self._ix is not None:
            self._ix.close()
            self._ix = None

    def __enter__(self) -> SearchEngine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __len__(self) -> int:
        return self._ix.doc_count if self._ix else 0

    # -- searching ---------------------------------------------------------------------------

    def search(self, query: str, limit: int = 10) -> SearchResponse:
        """The best ``limit`` results for ``query`` (any text; never raises for its content)."""
        limit = max(1, min(int(limit), MAX_LIMIT))
        with self._lock:
            self._reopen_if_rebuilt()
            if self._ix is None:
                self._open()
            plan = plan_query(query, self._speller, self._known)
            response = SearchResponse(query=query, did_you_mean=plan.did_you_mean)
            exact = self._exact_hits(plan)
            ranked, sure = self._ranked_hits(plan)
            seen = set(exact)
            rest = [(d, s) for d, s in ranked if d not in seen][:limit]
            top = rest[0][1] if rest else 0.0
            ordered = [(d, top + len(exact) - i) for i, d in enumerate(exact)] + rest
            ordered, moved = self._with_usage(ordered, ranked)
            sure.update(dict.fromkeys(exact, 1.0))  # the name itself
            for d in moved:  # shown for using the first result: as close as it, at least
                sure[d] = max(sure.get(d, 0.0), sure.get(ordered[0][0], 0.0))
            response.results = [self._describe(d, s, sure.get(d, 0.0))
                                for d, s in ordered[:limit]]
        if response.did_you_mean and response.results:
            response.did_you_mean = _spell_like_names(plan, response.results)
        return response

    def _with_usage(self, ordered: list[tuple[int, float]], ranked: list[tuple[int, float]]
                    ) -> tuple[list[tuple[int, float]], list[int]]:
        """``ordered`` with the guide sections that use its first result right after it, and
        those sections.

        A moved section keeps scores non-increasing: its own score, raised to the score of
        the result now below it, capped by the first result's."""
        assert self._ix is not None
        if not ordered or ordered[0][0] not in self._ix.used_in:
            return ordered, []
        relevance = dict(ranked)
        sections = self._ix.used_in[ordered[0][0]]
        chosen = sorted(sections, key=lambda d: -relevance.get(d, 0.0))[:MAX_USED_IN]
        rest = [(d, s) for d, s in ordered[1:] if d not in chosen]
        below = rest[0][1] if rest else 0.0
        first_score = ordered[0][1]
        moved = [(d, min(first_score, max(relevance.get(d, 0.0), below))) for d in chosen]
        return [ordered[0], *moved, *rest], chosen

    def _known(self, word: str) -> bool:
        if self._ix is None:
            return False
        if word in self._ix.words:
            return True
        s = stem(word)
        return any(self._ix.reader.doc_frequency(f, s) for f in _KNOWN_FROM)

    def _exact_hits(self, plan: QueryPlan) -> list[int]:
        assert self._ix is not None
        keys = [k for k in dict.fromkeys(plan.exact_keys) if self._ix.reader.doc_frequency(
            "exact", k)]
        keys = keys or [k for k in plan.loose_keys if self._ix.reader.doc_frequency("exact", k)]
        if not keys:
            return []
        # optimize=False: block-max skipping can loop forever on some OR queries in every
        # Whoosh 2.7 distribution (the search issue has the reproducer).
        hits = self._ix.searcher.search(Or([Term("exact", k) for k in keys]), limit=50,
                                        optimize=False, scored=False)
        typed = plan.words[-1] if plan.words else ""
        rows = []
        for hit in hits:
            leaf = hit["name"].rsplit(".", 1)[-1]
            rows.append(((leaf != typed, self._ix.priors[hit.docnum] & 31, hit["name"].count("."),
                          len(hit["name"]), hit["name"]), hit.docnum))
        rows.sort()
        return [docnum for _, docnum in rows]

    def _ranked_hits(self, plan: QueryPlan) -> tuple[list[tuple[int, float]], dict[int, float]]:
        """Candidates ranked best first, with their scores; and each one's confidence."""
        ix = self._ix
        assert ix is not None
        boosts: dict[tuple[str, str], float] = {}
        matchers = []
        for alt in plan.alternatives:
            needed, any_of = self._alternative_terms(alt, boosts)
            matchers.append((alt, needed, any_of))
        scores, postings = self._bm25(boosts)
        hits = np.flatnonzero(scores)
        if not hits.size:
            return [], {}
        # Best first; equal scores by tie-break rank, then document order (deterministic).
        order = np.lexsort((hits, ix.priors[hits] & 31, -scores[hits]))
        candidates = hits[order[:RERANK_DEPTH]]
        # Which concepts each candidate matched, from term membership (vectors over the
        # candidates); a concept found only through a synonym counts its credit.
        member = {key: np.isin(candidates, ids, assume_unique=True) for key, ids in postings}
        none = np.zeros(len(candidates), dtype=bool)
        credit = np.zeros((max(1, len(plan.concepts)), len(candidates)))
        sure = np.zeros_like(credit)
        for alt, needed, any_of in matchers:
            found = none.copy()
            for key in any_of:
                found |= member.get(key, none)
            how_sure = found * 1.0
            if needed:
                every = ~none
                every_sure = np.ones(len(candidates))
                for word_terms in needed:
                    word = none.copy()
                    word_sure = np.zeros(len(candidates))
                    for key, quality in word_terms.items():
                        matched = member.get(key, none)
                        word |= matched
                        np.maximum(word_sure, quality * matched, out=word_sure)
                    every &= word
                    np.minimum(every_sure, word_sure, out=every_sure)
                found |= every
                np.maximum(how_sure, every_sure, out=how_sure)
            for c in alt.covers:
                np.maximum(credit[c], alt.credit * found, out=credit[c])
                np.maximum(sure[c], alt.sure * how_sure, out=sure[c])
        coverage = credit.sum(axis=0) / (len(plan.concepts) or 1)
        confidence = sure.sum(axis=0) / (len(plan.concepts) or 1)
        # The symbolic twin of an imperative object (sym.squeeze, Symbol.reshape) and an alias
        # come after it unless clearly better: Gluon code calls the nd and gluon objects.
        demoted = np.array([1.0, DEMOTED, DEMOTED * DEMOTED])[ix.priors[candidates] & 3]
        final = scores[candidates] * (0.2 + 0.8 * coverage * coverage) * demoted
        if plan.words and plan.words[0].lower() in QUESTION_WORDS:
            # "why ...", "can I ...", "does ...": a guide's explanation is the likelier answer
            final = final * np.where(ix.priors[candidates] >> 6 & 1, QUESTION_SECTION_BOOST, 1.0)
        ranked = list(zip(candidates.tolist(), final.tolist()))
        # Equal scores (nd.relu, sym.relu and NDArray.relu share a docstring): the name
        # written in the typed case first ("reshape" -> reshape before Reshape), then by kind.
        priors = ix.priors
        upper = bool(plan.words) and plan.words[-1][:1].isupper()
        ranked.sort(key=lambda x: (-round(x[1], 9), bool(priors[x[0]] >> 5 & 1) != upper,
                                   int(priors[x[0]] & 31), x[0]))
        return ranked, dict(zip(candidates.tolist(), confidence.tolist()))

    def _bm25(self, boosts: dict[tuple[str, str], float]
              ) -> tuple[np.ndarray, list[tuple[tuple[str, str], np.ndarray]]]:
        """BM25 scores (one per document) summed over the weighted terms, and each scored
        term with the documents it occurs in (sorted)."""
        ix = self._ix
        assert ix is not None
        n = ix.doc_count
        weighted = []
        for (f, t), boost in boosts.items():
            df = ix.reader.doc_frequency(f, t)
            if df:
                idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
                weighted.append((boost * idf, df, f, t))
        weighted.sort(reverse=True)
        scores = np.zeros(n)
        postings = []
        budget = POSTINGS_BUDGET
        for impact, df, f, t in weighted:
            if f not in _ALWAYS_SCORED:
                if df > budget:
                    continue
                budget -= df
            ids, tf = _postings(ix.reader.postings(f, t))
            lengths = ix.lengths.get(f)
            if lengths is None:  # no length normalisation (the exact-name field)
                norm = K1
            else:
                norm = K1 * (1 - B) + (K1 * B / ix.average_lengths[f]) * lengths[ids]
            scores[ids] += impact * tf * (K1 + 1) / (tf + norm)
            postings.append(((f, t), ids))
        return scores, postings

    def _alternative_terms(self, alt: Alternative, boosts: dict[tuple[str, str], float]
                           ) -> tuple[list[dict[tuple[str, str], float]], list[tuple[str, str]]]:
        """Add the terms of one alternative to ``boosts``; return what shows it matched:
        per word, its terms (one of each word's is needed) with how surely each one says the
        word was found; and single terms (any one suffices)."""
        share = alt.weight / max(1, len(alt.words))  # a multi-word synonym counts once
        needed: list[dict[tuple[str, str], float]] = []
        for w in alt.words:
            s = stem(w)
            if alt.qualifier:
                word_terms = [((f, s), b, 1.0) for f, b in QUALIFIER_BOOSTS.items()]
            else:
                word_terms = [((f, s), b, 1.0) for f, b in FIELD_BOOSTS.items()]
                word_terms.append((("joined", w), JOINED_WORD_BOOST, 1.0))
            if alt.fallback:
                word_terms += self._fallback_terms(w)
            elif len(w) >= 5 and alt.credit == 1 and not self._has(("joined", w)):
                word_terms += self._prefix_terms(w)  # "multibox" -> MultiBoxPrior, ...
            quality: dict[tuple[str, str], float] = {}
            for ft, b, q in word_terms:
                boosts[ft] = max(boosts.get(ft, 0.0), b * share)
                quality[ft] = max(quality.get(ft, 0.0), q)  # found two ways: the surer one
            needed.append(quality)
        any_of = []
        # A compact form of typed words (no separate words) is the name they spell; the
        # compact form of a synonym ("conv2d" for "conv") is one more word for the concept.
        joined_boost = JOINED_WORD_BOOST if alt.words else JOINED_BOOST
        for ft, b in ((("joined", alt.joined), joined_boost),
                      (("exact", alt.exact), EXACT_EXPANSION_BOOST),
                      (("errors", alt.pair), PAIR_BOOST)):
            if ft[1]:
                boosts[ft] = max(boosts.get(ft, 0.0), b * alt.weight)
                any_of.append(ft)
        return needed, any_of

    def _fallback_terms(self, word: str) -> list[tuple[tuple[str, str], float, float]]:
        """Prefixes and trigrams of names for a word the index does not know at all, as
        (term, boost, sureness)."""
        out = self._prefix_terms(word) if len(word) >= 4 else []
        return out + [(("tri", g), TRIGRAM_BOOST, TRIGRAM_SURE) for g in trigrams(word)]

    def _prefix_terms(self, word: str) -> list[tuple[tuple[str, str], float, float]]:
        """Compact names that start with ``word`` (the start of a name, typed), as
        (term, boost, sureness)."""
        assert self._ix is not None
        out = []
        for i, t in enumerate(self._ix.reader.expand_prefix("joined", word)):
            if i >= MAX_PREFIX_EXPANSIONS:
                break
            out.append((("joined", t.decode("utf-8")), PREFIX_BOOST, PREFIX_SURE))
        return out

    def _has(self, field_term: tuple[str, str]) -> bool:
        assert self._ix is not None
        return self._ix.reader.doc_frequency(*field_term) > 0

    def _describe(self, docnum: int, score: float, confidence: float) -> dict[str, Any]:
        assert self._ix is not None
        f = self._ix.searcher.stored_fields(docnum)
        return {"name": f["name"], "kind": f["kind"], "url": f["url"],
                "summary": f.get("summary", ""), "score": round(float(score), 4),
                "confidence": round(float(confidence), 2),
                "signature": f.get("signature", ""), "source": f["source"],
                "path": f.get("path", "")}


def _postings(matcher: Any) -> tuple[np.ndarray, np.ndarray]:
    """A term's postings: document numbers (ascending) and term frequencies.

    Whoosh's public API yields one posting per call (about 1 us each); the pinned
    whoosh-reloaded 2.7.5 leaf matcher exposes its decoded block arrays, ten times faster.
    """
    ids: list[Any] = []
    tfs: list[Any] = []
    if all(hasattr(matcher, a) for a in ("_read_ids", "_read_weights", "_next_block")):
        while matcher.is_active():
            matcher._read_ids()
            matcher._read_weights()
            ids.append(matcher._ids)
            tfs.append(matcher._weights)
            matcher._next_block()
    else:
        while matcher.is_active():
            ids.append((matcher.id(),))
            tfs.append((matcher.weight(),))
            matcher.next()
    if not ids:
        return np.zeros(0, dtype=np.int64), np.zeros(0)
    return (np.concatenate([np.asarray(b, dtype=np.int64) for b in ids]),
            np.concatenate([np.asarray(b, dtype=np.float64) for b in tfs]))


def _field_vocabulary() -> set[str]:
    """Words of the synonym tables: correctable to even before the API has them."""
    phrases = [p for group in SYNONYMS for p in group]
    phrases += list(EXPANSIONS) + [n for names in EXPANSIONS.values() for n in names]
    out = set()
    for phrase in phrases:
        for w in words(phrase):
            parts = split_identifier(w)
            out.update(parts)
            out.add("".join(parts))
    return {w for w in out if len(w) > 3}


def _spell_like_names(plan: QueryPlan, results: list[dict[str, Any]]) -> str:
    """The suggestion with a corrected compact word shown as the name it found:
    "hybridsequental" -> "HybridSequential"."""
    leaves = {compact(leaf): leaf for r in results if r["source"] == "api"
              for leaf in [r["name"].rsplit(".", 1)[-1]] if len(split_identifier(leaf)) > 1}
    fixed = {i: leaves.get(w.lower(), w) if w.islower() else w
             for i, w in plan.corrected_words.items()}
    return " ".join(fixed.get(i, w) for i, w in enumerate(plan.words))


_ENGINES: dict[Path, SearchEngine] = {}
_ENGINES_LOCK = threading.Lock()


def search(query: str, limit: int = 10, index_dir: Path | str | None = None) -> SearchResponse:
    """Search with a shared engine per index directory (opened on first use)."""
    path = Path(index_dir) if index_dir is not None else DEFAULT_INDEX_DIR
    with _ENGINES_LOCK:
        engine = _ENGINES.get(path)
        if engine is None:
            engine = _ENGINES[path] = SearchEngine(path)
    return engine.search(query, limit)
