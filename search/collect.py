"""Search records from a finished Sphinx build: every Python-domain object and page section.

Records come from Sphinx's own data (the Python domain's object table, the pickled doctrees
and the builder's URIs), never from scraping HTML, so every result links to the anchor Sphinx
wrote. Object details (signature, docstring) come from importing the documented object, the way
autodoc did; the errors it raises from :mod:`search.errors`' scan of the library's source.
"""

from __future__ import annotations

import importlib
import inspect
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

from minigluon.ops.calling_params import without_calling_params

from .errors import messages_for, plain_text
from .text import compact, strip_markup

__all__ = ["Record", "collect", "api_record", "describe_object", "resolve", "first_sentence",
           "KIND_OF_OBJTYPE"]

#: Sphinx Python-domain object types mapped to the kinds search reports.
KIND_OF_OBJTYPE = {
    "data": "attribute", "classmethod": "method", "staticmethod": "method",
    "decorator": "function", "decoratormethod": "method", "type": "attribute",
}


@dataclass
class Record:
    """One searchable thing: an API object or a page section.

    ``name`` is the fully qualified documented name of an API object, or a section's title;
    ``path`` is where it lives (the name again, or "Page > Section" for a section).
    """

    name: str
    kind: str  # class, function, method, property, attribute, exception, module, page, section
    url: str  # relative to the HTML root, with #anchor
    source: str  # "api" or "page"
    path: str = ""
    summary: str = ""
    signature: str = ""
    text: str = ""  # docstring without examples, or the section's prose
    code: str = ""  # a section's code cells (and their output)
    errors: str = ""  # messages it raises (or a page shows): people paste them into search
    # messages raised in what it calls: the words a weaker sign that it is the answer
    deep_errors: str = ""
    # An API object's "Used in": URLs of the guide sections whose executed code calls it
    used_in: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


def collect(app: Any) -> list[Record]:
    """Every Python-domain object and every section of the non-API pages of a Sphinx build."""
    records = list(_api_records(app))
    api_docs = {r.url.split("#", 1)[0] for r in records}
    records += [r for r in _section_records(app) if r.url.split("#", 1)[0] not in api_docs]
    return records


def _api_records(app: Any) -> Iterator[Record]:
    domain = app.env.get_domain("py")
    used_in = _used_in(app)
    for name, entry in sorted(domain.objects.items()):
        if entry.aliased:  # the same object under its defining module's name (NDArray twice)
            continue
        url = f"{app.builder.get_target_uri(entry.docname)}#{entry.node_id}"
        record = api_record(name, KIND_OF_OBJTYPE.get(entry.objtype, entry.objtype), url)
        record.used_in = tuple(used_in.get(name, ()))
        yield record


def _used_in(app: Any) -> dict[str, list[str]]:
    """Object name -> URLs of the guide sections that call it, from the docs extension
    ``minigluon_usage`` (``env.minigluon_usage``: docname -> name -> [(anchor, titles)];
    empty when the extension is not loaded or the pages were not executed)."""
    out: dict[str, list[str]] = {}
    for docname, names in sorted(getattr(app.env, "minigluon_usage", {}).items()):
        page = app.builder.get_target_uri(docname)
        for name, places in names.items():
            urls = out.setdefault(name, [])
            urls += [f"{page}#{anchor}" if anchor else page for anchor, _ in places]
    return out


def api_record(name: str, kind: str, url: str) -> Record:
    """The record of the API object documented as ``name`` (imported for its details)."""
    try:
        obj = resolve(name)
    except (ImportError, AttributeError):
        return Record(name=name, kind=kind, url=url, source="api", path=name)
    summary, text, signature, errors = describe_object(obj, name.rsplit(".", 1)[-1], kind)
    deep = "" if kind == "attribute" and not isinstance(obj, property) else " ".join(
        _raised_messages(obj, name.rsplit(".", 1)[-1], deep=True))
    return Record(name=name, kind=kind, url=url, source="api", path=name, summary=summary,
                  signature=signature, text=text, errors=errors, deep_errors=deep)


def resolve(name: str) -> Any:
    """Import a dotted name: the longest importable module prefix, then attributes.

    Attributes are read from the class ``__dict__`` where possible so that a property comes
    back as the property (its docstring), not as whatever the descriptor returns.
    """
    parts = name.split(".")
    for i in range(len(parts), 0, -1):
        try:
            obj = importlib.import_module(".".join(parts[:i]))
        except ImportError:
            continue
        for attr in parts[i:]:
            obj = vars(obj)[attr] if inspect.isclass(obj) and attr in vars(obj) \
                else getattr(obj, attr)
            if isinstance(obj, (staticmethod, classmethod)):
                obj = obj.__func__
        return obj
    raise ImportError(f"cannot import any prefix of {name!r}")


def describe_object(obj: Any, leaf: str, kind: str = "") -> tuple[str, str, str, str]:
    """(summary, docstring text without examples, signature, raised error messages).

    An ``attribute`` (module-level data such as ``mx_real_t = np.float32``) has no docstring
    of its own: the value's docstring would describe numpy, not minigluon.
    """
    if kind == "attribute" and not isinstance(obj, property):
        return "", "", "", ""
    doc = inspect.getdoc(obj.fget if isinstance(obj, property) and obj.fget else obj) or ""
    doc = without_calling_params(doc)  # out=, name=: the same words on every op's page
    paragraphs = [p for p in doc.split("\n\n") if p.strip()]
    summary = " ".join(paragraphs[0].split()) if paragraphs else ""
    if summary.startswith("Alias of") and len(paragraphs) > 1:
        summary += " " + " ".join(paragraphs[1].split())  # say what the alias does
    return (strip_markup(summary), strip_markup(_without_examples(doc)),
            _signature(obj, leaf), " ".join(_raised_messages(obj, leaf)))


def _without_examples(doc: str) -> str:
    """A numpy-style docstring without its Examples section (every op's examples say
    ``nd.array``, which would make them all match a query for arrays) and its See Also
    section (names of other objects: ``relu`` would match a query for ``sigmoid``)."""
    out, skipping = [], False
    lines = doc.splitlines()
    for i, line in enumerate(lines):
        underline = lines[i + 1] if i + 1 < len(lines) else ""
        if underline.startswith("---") and set(underline.strip()) == {"-"}:
            skipping = line.strip() in ("Examples", "See Also")
        if not skipping and not line.lstrip().startswith(">>>"):
            out.append(line)
    return "\n".join(out)


def _signature(obj: Any, leaf: str) -> str:
    if isinstance(obj, property) or not callable(obj):
        return ""
    try:
        sig = inspect.signature(obj)
    except (TypeError, ValueError):
        return ""
    if inspect.isclass(obj):
        sig = sig.replace(return_annotation=inspect.Signature.empty)
    # A module default (Module's logger=logging) reprs with the path it was imported from:
    # results show the module's name, never a path on the machine that built the docs.
    return _MODULE_REPR.sub(r"<module '\1'>", f"{leaf}{sig}")


_MODULE_REPR = re.compile(r"<module '([\w.]+)' from '[^']*'>")


def _raised_messages(obj: Any, leaf: str, deep: bool = False) -> list[str]:
    """The messages ``obj``'s own code raises or warns (``deep``: those raised in what it
    calls, however deep; see :mod:`search.errors`), without their placeholders (a pasted
    message's concrete values are words no record has) and without the object's own name,
    which its name fields match already ("CrossEntropy: ..." would count twice)."""
    own = compact(leaf)
    return [" ".join(w for w in plain_text(m.template).split() if compact(w) != own)
            for m, depth in messages_for(obj) if (depth > 0) == deep]


# -- page sections ---------------------------------------------------------------------------

#: Pages indexed as one page record, without their sections. The FAQ's section headings quote
#: error messages that the index already maps to the object raising them and the guide section
#: showing them. As records they came first for queries about the objects themselves
#: ("weights" found a MismatchError entry): on the public queries hit@1 0.854 without them,
#: 0.829 with the headings as titles, 0.815 with them as message text (index.py's errors
#: field). The page itself stays findable ("faq", "troubleshooting").
PAGE_ONLY = frozenset({"faq"})


def _section_records(app: Any) -> Iterator[Record]:
    from docutils import nodes  # only when Sphinx (and so docutils) is running

    for docname in sorted(app.env.found_docs):
        if docname.startswith("_") or docname.startswith("api/_autosummary/"):
            continue
        doctree = app.env.get_doctree(docname)
        page = app.builder.get_target_uri(docname)
        for section in doctree.findall(nodes.section):
            if not section["ids"]:
                continue
            titles = [s[0].astext() for s in _ancestors(section, nodes.section)]
            top = len(titles) == 1
            if docname in PAGE_ONLY and not top:
                continue
            prose, code, errors = _section_text(section, nodes)
            yield Record(
                name=titles[-1], kind="page" if top else "section", source="page",
                url=page if top else f"{page}#{section['ids'][0]}",
                path=" > ".join(titles), summary=first_sentence(prose),
                text=prose, code=code, errors=errors,
            )


def _ancestors(node: Any, cls: type) -> list[Any]:
    chain = []
    while node is not None:
        if isinstance(node, cls):
            chain.append(node)
        node = node.parent
    return chain[::-1]


def _section_text(section: Any, nodes: Any) -> tuple[str, str, str]:
    """Prose, code (with cell outputs) and error messages shown in tracebacks, directly in
    ``section`` (its subsections are records of their own)."""
    prose: list[str] = []
    code: list[str] = []
    errors: list[str] = []
    for child in section.children[1:]:
        if isinstance(child, nodes.section):
            continue
        for block in child.findall(nodes.literal_block):
            if "traceback" in block.get("classes", []):
                errors += _traceback_messages(block.astext())
            else:
                code.append(block.astext())
        if not isinstance(child, nodes.literal_block) and not _is_cell(child):
            prose.append(child.astext())
    return "\n".join(prose), "\n".join(code), " ".join(errors)


def _traceback_messages(traceback: str) -> list[str]:
    """The "SomeError: message" lines of an executed cell's traceback (the rest is code)."""
    return [line for line in traceback.splitlines()
            if re.match(r"^\w*(Error|Exception|Warning)\b:", line)]


def _is_cell(node: Any) -> bool:
    return str(node.get("nb_element", "")).startswith("cell") or "cell" in node.get("classes", [])


def first_sentence(text: str) -> str:
    """The first sentence of ``text``, whitespace collapsed (a section's summary)."""
    flat = " ".join(text.split())
    end = flat.find(". ")
    return flat if end < 0 else flat[:end + 1]
