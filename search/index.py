"""The Whoosh index: its schema (declared here and nowhere else), the writer and the opener.

The writer builds a complete index in a new directory next to the target and swaps it into
place, so a reader sees the old index or the new one, never half of one. Whoosh's files are
pickles, so the opener only opens a directory that carries this project's marker file.
"""

from __future__ import annotations

import contextlib
import ctypes
import hashlib
import json
import os
import pickle
import re
import shutil
import struct
import tempfile
import time
import uuid
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from whoosh.fields import ID, KEYWORD, STORED, Schema
from whoosh.filedb.filestore import FileStorage
from whoosh.index import EmptyIndexError, IndexVersionError

from .synonyms import NAMESPACE_ALIASES, NAMESPACE_WORDS
from .text import compact, pairs, terms, trigrams, words

if TYPE_CHECKING:  # the records' module (ast, inspect, importlib) is the writer's, not the CLI's
    from .collect import Record

__all__ = ["SCHEMA", "SCORED_FIELDS", "FORMAT", "DEFAULT_INDEX_DIR", "SearchIndexError",
           "IndexMissingError", "OpenIndex", "Vocabulary", "document", "exact_keys", "write_index",
           "open_index", "read_used_in"]

#: Where ``nox -s docs`` leaves the index (next to build/html) and where readers look.
DEFAULT_INDEX_DIR = Path(__file__).resolve().parent.parent / "build" / "search-index"
#: Bump when the layout of the index directory changes.
FORMAT = 3


def _analysis_fingerprint() -> str:
    """Hash of the code that decides what the terms are: an index written by other code
    would answer queries analysed differently (silently worse), so it is refused instead."""
    digest = hashlib.sha256()
    for module in ("text.py", "synonyms.py", "index.py"):
        digest.update((Path(__file__).parent / module).read_bytes())
    return digest.hexdigest()[:16]


ANALYSIS = _analysis_fingerprint()
MARKER = "minigluon-search.json"
BUILD_HINT = "build it with `nox -s docs`"


def _terms() -> KEYWORD:
    # Text is analysed by search.text before it reaches Whoosh (the same code analyses
    # queries), so a searchable field only splits pre-made terms on spaces. Not "scorable":
    # search.query scores with field lengths kept in LENGTHS, because Whoosh's writer looks
    # up a stored length for every posting and that was most of the indexing time.
    return KEYWORD(scorable=False, lowercase=False, commas=False)


SCHEMA = Schema(
    # shown in results
    name=STORED, kind=ID(stored=True), source=ID(stored=True), url=STORED, path=STORED,
    summary=STORED, signature=STORED,
    # searched (boosts are per query, in search.query)
    exact=_terms(),  # API names: full, dotted suffixes, mx./nd. aliases, compact leaf
    joined=_terms(),  # compact leaf name: "multiboxprior"
    leaf=_terms(),  # leaf name parts: "multi box prior"
    title=_terms(),  # a section's own title
    qual=_terms(),  # the enclosing modules and classes, or the enclosing page and sections
    params=_terms(),  # parameter names from the signature
    summ=_terms(),
    body=_terms(),
    code=_terms(),
    errors=_terms(),  # messages the object raises, error output in a page
    deep_errors=_terms(),  # messages raised in what the object calls (their pairs: errors)
    tri=_terms(),  # character trigrams of the compact leaf name
)
#: Fields whose per-document term counts are kept for BM25 length normalisation.
SCORED_FIELDS = ("joined", "leaf", "title", "qual", "params", "summ", "body", "code", "errors",
                 "tri", "deep_errors")
# Sidecar files, next to Whoosh's, in the same atomically swapped directory.
LENGTHS = "lengths.bin"  # array('H') per scored field, in docnum order
PRIORS = "priors.bin"  # array('B'): tie-break data per document (see prior())
VOCABULARY = "vocabulary.txt"  # "word doc_frequency" lines: the spelling dictionary
# {"names": {api name: [section urls]}, "docs": {api docnum: [section docnums]}}: the guide
# sections whose code calls an API object (search.query puts them right after it)
USED_IN = "used-in.json"

# Where two results tie (nd.relu and sym.relu share a docstring), the kind and namespace
# people reach for first wins: classes and functions before methods, ndarray before symbol,
# the canonical name before its aliases.
_KIND_RANK = {"class": 0, "exception": 0, "function": 0, "module": 1, "method": 2,
              "property": 2, "attribute": 3, "page": 1, "section": 1}
_DEMOTED_NAMESPACES = ("minigluon.symbol.", "minigluon.sym.", "minigluon.test_utils.",
                       "minigluon.ndarray.ndarray.")


class SearchIndexError(Exception):
    """The search index cannot be used (corrupt, foreign, or from another format)."""


class IndexMissingError(SearchIndexError):
    """There is no search index at the given path."""


def document(record: Record) -> tuple[dict[str, str], set[str]]:
    """The Whoosh document of a record (stored display fields and pre-analysed terms), and
    its words for the spelling dictionary (unstemmed)."""
    api = record.source == "api"
    leaf = record.name.rsplit(".", 1)[-1] if api else record.name
    outer = record.name.split(".")[:-1] if api else record.path.split(" > ")[:-1]
    outer_words = [w for part in outer for w in words(part)]
    params = _param_names(record.signature)
    vocab_src = [leaf, *outer_words, *params, *words(record.summary), *words(record.text),
                 *words(record.errors), *words(record.deep_errors)]
    return {
        "name": record.name, "kind": record.kind, "source": record.source, "url": record.url,
        "path": record.path, "summary": record.summary, "signature": record.signature,
        "exact": " ".join(exact_keys(record.name)) if api else "",
        "joined": compact(leaf) if api else "",
        "leaf": " ".join(terms(words(leaf), stop=False, joined=False)) if api else "",
        "title": "" if api else " ".join(terms(leaf)),
        "qual": " ".join(terms(outer_words + [NAMESPACE_ALIASES.get(w, "") for w in outer]
                               + words(_namespace_words(record.name) if api else ""))),
        "params": " ".join(terms(params, stop=False)),
        "summ": " ".join(terms(_ALIAS.sub("", record.summary))),
        "body": " ".join(terms(_ALIAS.sub("", record.text))),
        "code": " ".join(terms(record.code)),
        # a message raised in a function the object calls: its word pairs still say "this is
        # the message", its single words ("shape", "axis") much less (deep_errors, low boost)
        "errors": " ".join(terms(record.errors) + pairs(record.errors)
                           + pairs(record.deep_errors)),
        "deep_errors": " ".join(terms(record.deep_errors)),
        "tri": " ".join(trigrams(compact(leaf))) if api else "",
    }, set(terms(vocab_src, stemmed=False, stop=False))


def exact_keys(name: str) -> list[str]:
    """Lowercase names a query may give for ``name`` exactly: every dotted suffix, each also
    with namespace aliases (``mx.nd.reshape``), and the compact leaf (``multiboxprior``)."""
    parts = name.split(".")
    aliased = [NAMESPACE_ALIASES.get(p, p) for p in parts]  # modules only: NDArray stays
    keys = {compact(parts[-1])}
    for i in range(len(parts)):
        keys.add(".".join(parts[i:]).lower())
        keys.add(".".join(aliased[i:]).lower())
    return sorted(k for k in keys if k)


def _namespace_words(name: str) -> str:
    return " ".join(v for k, v in NAMESPACE_WORDS.items() if name.startswith(k + "."))


def prior(record: Record) -> int:
    """Tie-break data of a record: bits 0-4 rank it among equal scores (lower first; bits 0-1
    count its demotions), bit 5 says its leaf name is capitalised (``Reshape`` vs ``reshape``),
    bit 6 that it is a page or section (a question is answered by a guide more often)."""
    demoted = record.name.startswith(_DEMOTED_NAMESPACES) + bool(_ALIAS.match(record.summary))
    leaf = record.name.rsplit(".", 1)[-1] if record.source == "api" else ""
    return (_KIND_RANK.get(record.kind, 4) * 4 + demoted + (leaf[:1].isupper() << 5)
            + ((record.source == "page") << 6))


# "Alias of reshape. Reshape to shape ...": the alias is found by its own name and by what
# it does, not once more by the canonical name it mentions (that made Reshape outrank reshape).
_ALIAS = re.compile(r"^Alias of [\w.]+\.\s*")


def _param_names(signature: str) -> list[str]:
    inside = signature.partition("(")[2].rpartition(")")[0]
    names = []
    for piece in inside.split(","):
        name = piece.split("=")[0].split(":")[0].strip(" *")
        if name.isidentifier() and name not in ("self", "out", "name"):
            names.append(name)
    return names


# -- writing ----------------------------------------------------------------------------------

def write_index(records: Iterable[Record], target: Path | str, source: str = "") -> Path:
    """Index ``records`` into ``target`` atomically; returns the target path.

    ``source`` identifies what the records were collected from; it is kept in the marker
    (:func:`read_marker`), so a docs build can tell that the index it would write is there.

    The index is written into a fresh sibling directory (Whoosh's own temporary files go there
    too, never to a shared temp path), then exchanged with ``target`` in one step where the OS
    allows it (Linux ``renameat2``), otherwise renamed over it in two; the old index is
    deleted afterwards. Readers that opened the old index keep reading it until they reopen.
    """
    records = list(records)
    target = Path(target).absolute()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-new-", dir=target.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; the index is as readable as the HTML
    try:
        storage = FileStorage(str(staging))
        ix = storage.create_index(SCHEMA)
        lengths = {f: array("H") for f in SCORED_FIELDS}
        priors = array("B")
        vocabulary: Counter[str] = Counter()
        writer = ix.writer(limitmb=256)
        try:
            for record in records:
                doc, vocab = document(record)
                writer.add_document(**doc)
                for f in SCORED_FIELDS:
                    lengths[f].append(min(doc[f].count(" ") + bool(doc[f]), 65535))
                priors.append(prior(record))
                vocabulary.update(vocab)
        except BaseException:
            writer.cancel()
            raise
        writer.commit(optimize=True)  # one segment: docnums are insertion order (LENGTHS)
        ix.close()
        (staging / "MAIN_WRITELOCK").unlink(missing_ok=True)  # Whoosh leaves its lock file
        with open(staging / LENGTHS, "wb") as f:
            for field in SCORED_FIELDS:
                lengths[field].tofile(f)
        with open(staging / PRIORS, "wb") as f:
            priors.tofile(f)
        (staging / VOCABULARY).write_text(
            "".join(f"{w} {n}\n" for w, n in sorted(vocabulary.items())), encoding="utf-8")
        (staging / USED_IN).write_text(json.dumps(_used_in(records)), encoding="utf-8")
        marker = {"format": FORMAT, "analysis": ANALYSIS, "records": len(priors),
                  "fields": list(SCORED_FIELDS), "source": source,
                  "id": uuid.uuid4().hex, "built": time.strftime("%Y-%m-%dT%H:%M:%S%z")}
        (staging / MARKER).write_text(json.dumps(marker), encoding="utf-8")
        _swap_into_place(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def _used_in(records: list[Record]) -> dict[str, dict[str, list[Any]]]:
    """The USED_IN sidecar: by name (to read back, see read_used_in) and by docnum (docnums
    are insertion order, see write_index). A URL no section has is dropped."""
    section_doc: dict[str, int] = {}
    for i, r in enumerate(records):
        if r.source == "page":
            section_doc.setdefault(r.url, i)
    names, docs = {}, {}
    for i, r in enumerate(records):
        found = [u for u in dict.fromkeys(r.used_in) if u in section_doc]
        if r.source == "api" and found:
            names[r.name] = found
            docs[str(i)] = [section_doc[u] for u in found]
    return {"names": names, "docs": docs}


def _swap_into_place(staging: Path, target: Path) -> None:
    if not target.exists():
        os.rename(staging, target)
        return
    if _exchange(staging, target):  # now staging holds the old index
        shutil.rmtree(staging, ignore_errors=True)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}-old-", dir=target.parent))
    os.rename(target, old / "index")  # readers retry the short gap (see open_index)
    os.rename(staging, target)
    shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths with Linux ``renameat2(RENAME_EXCHANGE)``; False if absent."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    res = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return res == 0


# -- reading ----------------------------------------------------------------------------------

# What Whoosh raises for a truncated, foreign or half-deleted index.
_CORRUPT = (EmptyIndexError, IndexVersionError, EOFError, pickle.UnpicklingError, OSError,
            ValueError, KeyError, IndexError, AttributeError, TypeError, struct.error,
            ImportError, UnicodeDecodeError)


def read_marker(path: Path) -> dict[str, Any]:
    """The marker of the index at ``path``; raises if there is none or it is not ours."""
    marker_path = path / MARKER
    if not path.is_dir() or not marker_path.is_file():
        if path.is_dir() and any(path.iterdir()):
            raise SearchIndexError(f"{path} is not a minigluon search index; {BUILD_HINT}")
        raise IndexMissingError(f"no search index at {path}; {BUILD_HINT}")
    try:
        marker = json.loads(marker_path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise SearchIndexError(f"search index at {path} is unreadable ({e}); {BUILD_HINT}") from e
    if not isinstance(marker, dict) or marker.get("format") != FORMAT:
        raise SearchIndexError(f"search index at {path} has another format; {BUILD_HINT}")
    if marker.get("analysis") != ANALYSIS:
        raise SearchIndexError(f"search index at {path} was built by another version of the "
                               "search code; rebuild it with `nox -s docs`")
    return marker


class _ClosingStorage(FileStorage):
    """A FileStorage that remembers the files it opened, to close them if opening fails."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.opened: list[Any] = []

    def open_file(self, name: str, *args: Any, **kwargs: Any) -> Any:
        f = super().open_file(name, *args, **kwargs)
        self.opened.append(f)
        return f

    def close_opened(self) -> None:
        for f in self.opened:
            with contextlib.suppress(Exception):  # closing what a failed open left behind
                f.close()
        self.opened.clear()


class Vocabulary(Mapping[str, int]):
    """The spelling vocabulary (word -> document frequency) of :data:`VOCABULARY`, read
    without parsing it: a lookup bisects the file's sorted lines, and only iterating (the
    speller's buckets, when a word needs correcting) parses it, once. An index of 50,000
    entries has 100,000 words: parsing them was most of the time to open it."""

    def __init__(self, data: bytes) -> None:
        self._data = data
        # Lines are "word count\n", sorted by word: Python's str order, which is the byte
        # order of the words' UTF-8.
        raw = np.frombuffer(data, dtype=np.uint8)
        self._ends = np.flatnonzero(raw == 10)
        # One space per line and a last newline, or the file is damaged (refused at open, as
        # parsing it refused it, rather than failing a search later)
        if (data and data[-1:] != b"\n") or np.count_nonzero(raw == 32) != len(self._ends):
            raise ValueError(f"{VOCABULARY} is not one 'word count' line per word")
        self._parsed: dict[str, int] | None = None

    def _line(self, word: str) -> tuple[int, int] | None:
        """Start and end of the word's line, if it has one."""
        try:
            key = word.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate (a query, from undecodable argv bytes)
            return None  # cannot be in a file written as UTF-8
        data, ends = self._data, self._ends
        lo, hi = 0, len(ends)
        while lo < hi:
            mid = (lo + hi) // 2
            start = int(ends[mid - 1]) + 1 if mid else 0
            here = data[start:data.index(b" ", start)]
            if here < key:
                lo = mid + 1
            elif here > key:
                hi = mid
            else:
                return start + len(key) + 1, int(ends[mid])
        return None

    def __getitem__(self, word: str) -> int:
        if self._parsed is not None:
            return self._parsed[word]
        line = self._line(word) if isinstance(word, str) else None
        if line is None:
            raise KeyError(word)
        return int(self._data[line[0]:line[1]])

    def __contains__(self, word: object) -> bool:
        if self._parsed is not None:
            return word in self._parsed
        return isinstance(word, str) and self._line(word) is not None

    def parsed(self) -> dict[str, int]:
        """Every word and its document frequency (parsed on the first call)."""
        if self._parsed is None:
            parsed = {}
            for line in self._data.decode("utf-8").split("\n")[:-1]:  # as written
                word, _, count = line.partition(" ")
                parsed[word] = int(count)
            self._parsed = parsed
        return self._parsed

    def __iter__(self) -> Iterator[str]:
        return iter(self.parsed())

    def __len__(self) -> int:
        return len(self._ends)


@dataclass
class OpenIndex:
    """An opened index: Whoosh's searcher and reader plus the sidecar data."""

    path: Path
    marker: dict[str, Any]
    searcher: Any
    reader: Any
    lengths: dict[str, np.ndarray]  # uint16 per document
    average_lengths: dict[str, float]
    priors: np.ndarray  # uint8 per document, see prior()
    words: Vocabulary  # the spelling vocabulary, looked up without being parsed
    used_in: dict[int, list[int]]  # API docnum -> docnums of the sections that use it

    @property
    def vocabulary(self) -> dict[str, int]:
        """The spelling vocabulary as a dict (parsed on first use; :attr:`words` answers
        lookups without parsing)."""
        return self.words.parsed()

    @property
    def doc_count(self) -> int:
        return len(self.priors)

    def close(self) -> None:
        self.searcher.close()


def open_index(path: Path | str | None = None, retries: int = 3) -> OpenIndex:
    """Open the index at ``path`` (default ``build/search-index``). Any failure is one
    :class:`SearchIndexError` (:class:`IndexMissingError` if there is no index)."""
    path = Path(path) if path is not None else DEFAULT_INDEX_DIR
    for attempt in range(retries + 1):
        try:
            return _open(path)
        except IndexMissingError:
            # Only the two-rename fallback of write_index leaves a gap; wait it out.
            if attempt == retries or not any(path.parent.glob(f".{path.name}-old-*")):
                raise
        except SearchIndexError:
            raise
        except _CORRUPT as e:
            if attempt == retries:
                raise SearchIndexError(
                    f"search index at {path} is unreadable ({type(e).__name__}: {e}); "
                    f"{BUILD_HINT}") from e
        time.sleep(0.05)
    raise AssertionError("unreachable")


def _open(path: Path) -> OpenIndex:
    marker = read_marker(path)
    n = marker.get("records")
    if marker.get("fields") != list(SCORED_FIELDS) or not isinstance(n, int):
        raise SearchIndexError(f"search index at {path} has another layout; {BUILD_HINT}")
    priors = np.fromfile(path / PRIORS, dtype=np.uint8)
    everything = np.fromfile(path / LENGTHS, dtype=np.uint16)
    if len(priors) != n or len(everything) != n * len(SCORED_FIELDS):
        raise SearchIndexError(f"search index at {path} is truncated; {BUILD_HINT}")
    lengths = {field: everything[i * n:(i + 1) * n] for i, field in enumerate(SCORED_FIELDS)}
    words = Vocabulary((path / VOCABULARY).read_bytes())
    used_in = {int(d): [int(s) for s in sections]
               for d, sections in _read_used_in_file(path)["docs"].items()}
    if any(not 0 <= d < n for d in used_in) or any(
            not 0 <= s < n for sections in used_in.values() for s in sections):
        raise SearchIndexError(f"search index at {path} is inconsistent; {BUILD_HINT}")
    storage = _ClosingStorage(str(path), readonly=True)
    try:
        searcher = storage.open_index(schema=SCHEMA).searcher()
        if searcher.reader().doc_count_all() != n:
            raise SearchIndexError(f"search index at {path} is inconsistent; {BUILD_HINT}")
    except BaseException:
        storage.close_opened()  # Whoosh leaves the files of a failed open open
        raise
    storage.opened.clear()
    reader = searcher.reader()
    # Averages over the documents that have the field: most records have no title (API
    # objects) or no leaf name (sections), and counting them would make every title "long".
    average = {}
    for f in SCORED_FIELDS:
        present = int(np.count_nonzero(lengths[f]))
        average[f] = float(lengths[f].sum()) / present if present else 1.0
    return OpenIndex(path, marker, searcher, reader, lengths, average, priors, words, used_in)


def _read_used_in_file(path: Path) -> dict[str, Any]:
    data = json.loads((path / USED_IN).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not {"names", "docs"} <= data.keys():
        raise ValueError(f"{USED_IN} has no names and docs")
    return data


def read_used_in(path: Path | str | None = None) -> dict[str, list[str]]:
    """The "Used in" of a built index (API name -> section URLs), for example to give
    :func:`search.sources.source_records` what the last docs build recorded. Raises like
    :func:`open_index` if there is no usable index at ``path``."""
    path = Path(path) if path is not None else DEFAULT_INDEX_DIR
    read_marker(path)
    try:
        return {name: list(urls) for name, urls in _read_used_in_file(path)["names"].items()}
    except (OSError, ValueError) as e:
        raise SearchIndexError(f"search index at {path} is unreadable ({e}); "
                               f"{BUILD_HINT}") from e
