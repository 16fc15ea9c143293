"""Sphinx extension: a number a guide's prose quotes must come from the guide's own cells.

A guide that says "mAP about 0.9" while its cells print 0.832 contradicts itself, and the
numbers a page measures (times, speed-ups, scores) change with the machine that builds it.
So a measured-looking number in the prose of an executed guide must either be pasted from a
cell with myst-nb's glue (``{glue:text}`test_map:.3f```, rendered as it was measured), or be
a number the page's cells print or use (an input such as ``lr 0.1`` or a threshold a hidden
cell asserts). Anything else is a warning (type ``minigluon``, subtype ``number``), so the
build fails with ``-W``.

The rule, precisely:

Pages
    Guides executed by myst-nb in this build or read from its cache (``file_format: mystnb``
    with execution data). A build with ``nb_execution_mode = "off"`` has no outputs to compare
    with and checks nothing.

Prose
    Every text node of the page except code and machine output: code cells and everything
    myst-nb renders from a cell (inputs, outputs, glued values), inline code, math, raw
    markup, comments, substitution definitions (myst's word counts) and docinfo; a link whose
    text is its own URL. Headings are prose: a title that quotes a timing is as much a claim
    as a sentence (and section numbers are not part of a title's text). Figure captions are
    prose even inside a cell's output: their author wrote them.

A measured-looking number
    A number not glued to a word or another number (``float32``, ``X86_V3``, ``3x3``, ``64x64``
    and versions such as ``1.9.1`` or ``1.x`` are not numbers here) that is one of:

    - a *percentage*: ``83%``, ``83 %``, ``83 percent``;
    - a *ratio*: ``1.25x``, or ``1.25`` and a multiplication sign;
    - a *quantity with a unit* of time, size, rate or work: ``12 ms``, ``3.5 s``, ``40 us``,
      ``2 minutes``, ``1.5 GB``, ``900 images/s``, ``3 GFLOP/s``;
    - a *decimal*: ``0.83``, ``.5``, ``1e-5``, except right after a word naming a version or a
      section (``MXNet 1.9``, ``Python 3.12``, ``version 2.1``, ``section 4.2``; the list is
      ``VERSION_WORDS``).

    Plain integers ("8 epochs", "344 anchors", "issue #16926") are not checked: they are
    counts and sizes a reader can check, and most are the page's own inputs. Numbers written
    as words ("twice as fast") are not seen either.

Produced by the cells
    - a glued value (``{glue:text}``, ``{glue}``, a pending cross-page glue reference) is
      produced by definition;
    - a number equal in value to a numeric literal of any code cell of the page, hidden cells
      included: inputs (``batch 64``, ``lr 0.1``, ``IoU 0.5``) and thresholds the hidden cells
      assert ("fails below 0.6");
    - a number equal in value to one the cells output (printed text, results, errors, the
      cells' Markdown and HTML), with the same kind: a percentage only matches an output
      percentage, ``1.25x`` an output ``1.25x``, ``12 ms`` an output ``12 ms`` (``us``, ``µs``;
      ``s``, ``sec``, ``seconds``... are one unit each). A decimal matches any output number.

    "Equal in value" is exact: ``0.50`` matches ``0.5``, but ``0.83`` does not match an
    output ``0.832``: a rounded restatement of a result is a new number, so glue it with the
    format it should have.

Known limits: a decimal that happens to equal an unrelated number the page prints passes
(0.5 is everywhere); an integer, or a claim in words, is not checked. Pages state claims that
matter ("mAP above ...") through a glued value and a hidden cell that asserts it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)

#: Words after which a decimal is a version or a section number, not a measurement.
VERSION_WORDS = frozenset({
    "version", "versions", "release", "v", "python", "mxnet", "gluon", "numpy", "scipy",
    "sphinx", "myst-nb", "pytorch", "torch", "tensorflow", "cuda", "cudnn", "onnx", "pep",
    "section", "sections", "chapter", "chapters", "§",
    # models named with a version: SqueezeNet 1.1, MobileNet 0.25 (a width multiplier)
    "squeezenet", "mobilenet", "mobilenetv2", "resnet", "densenet", "inception", "vgg",
})

#: Units of a measured quantity, each spelling mapped to one name.
UNITS = {
    **dict.fromkeys(["ns", "nanoseconds", "nanosecond"], "ns"),
    **dict.fromkeys(["us", "µs", "μs", "microseconds", "microsecond"], "us"),
    **dict.fromkeys(["ms", "milliseconds", "millisecond"], "ms"),
    **dict.fromkeys(["s", "sec", "secs", "seconds", "second"], "s"),
    **dict.fromkeys(["min", "mins", "minutes", "minute"], "min"),
    **dict.fromkeys(["h", "hours", "hour"], "h"),
    **{u: u for u in ["B", "bytes", "kB", "KB", "MB", "GB", "TB", "KiB", "MiB", "GiB",
                      "fps", "Hz", "kHz", "MHz", "GHz", "FLOP", "FLOPs", "GFLOP", "GFLOPs",
                      "TFLOP", "TFLOPs"]},
}
_UNIT = "|".join(sorted((re.escape(u) for u in UNITS), key=len, reverse=True))
# A number: digits with an optional fraction and exponent, or a bare fraction (".5"). Not
# preceded by a letter, digit or dot (float32, X86_V3, the "9" of "1.9"), and not followed by
# letters or dots that lead to another digit (3x3, 64x64, 1.9.1, 1e-5's own tail is consumed).
_NUMBER = (r"(?<![\w.,])(?P<num>(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
           r"(?:[eE][-+]?\d+)?)"
           r"(?![\w.]*\d)(?!,\d)(?!\.[xX*]\b)")
_QUANTITY = re.compile(
    _NUMBER + r"(?:"
    r"(?P<pct>\s?%|\s(?:percent)\b)"
    r"|(?P<ratio>[x\u00d7](?!\w)|\s\u00d7)"
    rf"|[ \u00a0]?(?P<unit>(?:{_UNIT})(?:/s)?|[A-Za-z]+/s)(?![\w/])"
    r")?")
_WORD_BEFORE = re.compile(r"([\w§-]+)\W*$")

#: Nodes whose text is code, markup or machine output, not prose.
# addnodes.desc: an object's description that autodoc wrote from its docstring (an API page
# with grouped examples is executed too); a docstring's numbers are defaults ("Uniform(0.07)")
# and formulas, checked by its own Examples, not measurements of the page
_NOT_PROSE = (nodes.literal_block, nodes.literal, nodes.doctest_block, nodes.math,
              nodes.math_block, nodes.raw, nodes.comment, nodes.substitution_definition,
              nodes.system_message, nodes.docinfo, nodes.target, addnodes.desc)
_GLUED = ("pasted-text", "pasted-inline", "pasted-math")


@dataclass(frozen=True)
class Quantity:
    """A number as the text writes it, where, its value and its kind: "" for a bare number,
    "%", "x" (a ratio) or a unit's name."""

    text: str
    start: int
    value: Decimal
    kind: str

    @property
    def is_decimal(self) -> bool:
        return self.kind == "" and bool(re.search(r"[.eE]", self.text))


def quantities(text: str) -> Iterator[Quantity]:
    """Every number of ``text`` with its kind (bare integers included)."""
    for m in _QUANTITY.finditer(text):
        if m["pct"]:
            kind = "%"
        elif m["ratio"]:
            kind = "x"
        elif m["unit"]:
            kind = _unit_name(m["unit"])
        else:
            kind = ""
        value = Decimal(m["num"].replace(",", "")).normalize()
        yield Quantity(m.group(0).strip(), m.start(), value, kind)


def _unit_name(unit: str) -> str:
    if unit in UNITS:
        return UNITS[unit]
    per_second = unit.removesuffix("/s")
    return UNITS.get(per_second, per_second) + "/s"  # "FLOP/s", "images/s"


def measured_quantities(text: str) -> Iterator[Quantity]:
    """The numbers of prose ``text`` that look measured (see the module's docstring)."""
    for q in quantities(text):
        if q.kind:
            yield q
        elif q.is_decimal:
            before = _WORD_BEFORE.search(text[:q.start])
            if before and before[1].lower() in VERSION_WORDS:
                continue
            yield q


@dataclass
class Produced:
    """The numbers a page's cells produced: literals of their code, and their outputs."""

    code: set[Decimal]
    output: set[tuple[Decimal, str]]

    @classmethod
    def from_notebook(cls, nb: dict) -> Produced:
        code: set[Decimal] = set()
        output: set[tuple[Decimal, str]] = set()
        for cell in nb.get("cells", []):
            if cell.get("cell_type") != "code":
                continue
            code.update(q.value for q in quantities(_text(cell.get("source", ""))))
            for text in _output_texts(cell.get("outputs", [])):
                output.update((q.value, q.kind) for q in quantities(text))
        return cls(code, output)

    def has(self, q: Quantity) -> bool:
        if q.value in self.code:
            return True
        if q.kind == "":
            return any(value == q.value for value, _ in self.output)
        return (q.value, q.kind) in self.output


def _text(source: Any) -> str:
    return "".join(source) if isinstance(source, list) else str(source)


def _output_texts(outputs: Iterable[dict]) -> Iterator[str]:
    for out in outputs:
        if out.get("output_type") == "stream":
            yield _text(out.get("text", ""))
        elif out.get("output_type") == "error":
            yield f"{out.get('ename', '')}: {out.get('evalue', '')}"
        for mime, data in (out.get("data") or {}).items():
            if "text/" in mime or mime.endswith("+json"):
                yield data if isinstance(data, str) else (
                    _text(data) if isinstance(data, list) else json.dumps(data))


# -- the doctree --------------------------------------------------------------------------
def prose_texts(doctree: nodes.Node) -> Iterator[nodes.Text]:
    """The text nodes of ``doctree`` that are prose (see the module's docstring)."""
    for text in doctree.findall(nodes.Text):
        if _is_prose(text):
            yield text


def _is_prose(text: nodes.Text) -> bool:
    node = text.parent
    while node is not None:
        if isinstance(node, (nodes.caption, nodes.legend)):
            return True  # a figure's caption, even one a cell's metadata gave
        if isinstance(node, _NOT_PROSE):
            return False
        if isinstance(node, nodes.Element):
            if node.get("nb_element") or node.tagname == "PendingGlueReference":
                return False  # a cell, a glued value, or one still to be pasted
            if any(c in _GLUED for c in node.get("classes", [])):
                return False
            if isinstance(node, nodes.reference) and node.get("refuri") == node.astext():
                return False  # a bare URL
        node = node.parent
    return True


def unproduced_numbers(doctree: nodes.Node, produced: Produced
                       ) -> Iterator[tuple[Quantity, nodes.Text]]:
    """Each measured-looking prose number of ``doctree`` that ``produced`` lacks."""
    for text in prose_texts(doctree):
        for q in measured_quantities(str(text)):
            if not produced.has(q):
                yield q, text


# -- Sphinx glue --------------------------------------------------------------------------
def _executed_notebook(app: Sphinx, docname: str) -> dict | None:
    """The notebook of an executed guide, with this build's outputs; None if not executed."""
    from myst_nb.sphinx_ext import NbMetadataCollector

    if app.env.metadata.get(docname, {}).get("file_format") != "mystnb":
        return None
    exec_data = NbMetadataCollector.get_exec_data(app.env, docname)
    if not exec_data or not exec_data.get("succeeded"):
        return None  # not executed (mode "off"), or it failed and myst-nb said so
    import minigluon_downloads

    path = minigluon_downloads._notebook_path(app, docname)
    if not path.exists():
        return None
    nb = json.loads(path.read_text(encoding="utf-8"))
    return minigluon_downloads._with_cached_outputs(app, nb)


def check_numbers(app: Sphinx, doctree: nodes.document) -> None:
    docname = app.env.docname
    nb = _executed_notebook(app, docname)
    if nb is None:
        return
    produced = Produced.from_notebook(nb)
    for q, text in unproduced_numbers(doctree, produced):
        sentence = " ".join(str(text).split())
        logger.warning(
            f"the prose quotes {q.text!r}, a number none of the page's cells printed or used; "
            f"glue it from the cell that measures it ({{glue:text}}`name:.2f`) or do not "
            f"state it (in: {sentence[:120]!r})",
            location=text.parent, type="minigluon", subtype="number")


def setup(app: Sphinx) -> dict[str, Any]:
    app.setup_extension("myst_nb")
    app.connect("doctree-read", check_numbers)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
