"""Sphinx extension: the errors a guide raises on purpose, readable.

myst-nb renders a cell's error output as one ``literal_block`` (classes ``output traceback``,
lexer ``ipythontb``) holding IPython's whole traceback, ANSI codes stripped: 33 to 95 lines with
the build machine's absolute paths, the minigluon frames a reader did not write, and the
message (the point of the demo) last. When a page's doctree is read, this extension replaces
that block by

- the short form: the frames of the reader's own cells (``Cell In[...]``) in full, each run of
  library frames as one line (``... 3 frames in minigluon, raised at
  minigluon/symbol/symbol.py:339, in Symbol.__getattr__``), then the exception type and its
  whole message;
- the full traceback in a collapsed ``<details>`` ("Full traceback (45 lines)"), its paths made
  relative (``minigluon/gluon/block.py``, ``numpy/...``).

In both, a kernel's own file name for a cell (``/tmp/ipykernel_19637/1331396896.py:3``, as a
message that names the user's line has it) becomes ``Cell In[6], line 3``: ipykernel names a
cell's file by a hash of its code, so the page's cells say which one it is. Frames of the docs'
call recorder (``minigluon_usage/recorder.py``; a recording made before the recorder hid its
frames) are dropped. A stderr output (a warning) gets the same path treatment.

The box wraps long lines (``minigluon-outputs.css``); ``minigluon-outputs.js`` keeps a table a
little too wide for the box on one line per row by shrinking its font instead.

:func:`readable_error` is the pure part (traceback text in, both forms out), tested on its own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from docutils import nodes
from sphinx.application import Sphinx

__all__ = ["ReadableError", "readable_error", "relative_path", "name_cells", "setup"]

#: A frame's first line: a cell of the notebook, or a file (IPython 8/9, no colours).
_FRAME = re.compile(r"^(?:Cell In\[(?P<count>\d+)\], line \d+(?:, in .*)?"
                    r"|File (?P<path>.+?):(?P<line>\d+)(?:, in (?P<func>.*))?)$")
#: What heads each exception of a (chained) traceback.
_HEADER = re.compile(r"^(?P<ename>\S+)\s+Traceback \(most recent call last\)$")
#: IPython's note where it left out frames marked ``__tracebackhide__``.
_HIDDEN = re.compile(r"^\s*\[\.\.\. skipping hidden \d+ frames?\]$")
#: ipykernel's file name for a cell's code: ``<tmp>/ipykernel_<pid>/<murmur2 of code>.py``.
_KERNEL_FILE = re.compile(r"(?:/[^\s:'\"]*)?/ipykernel_\d+/(?P<hash>\d+)\.py(?::(?P<line>\d+))?")
#: An absolute path to a Python file in free text (a warning's location).
_ABS_PY = re.compile(r"(?<![\w.])(?:/[^\s:'\"/]+)+\.py\b")
_RECORDER = "minigluon_usage/recorder.py"


def relative_path(path: str) -> str:
    """``path`` as a reader can place it: from the package (``minigluon/gluon/block.py``,
    ``numpy/linalg/linalg.py``), the standard library (``json/decoder.py``) or the docs
    (``docs/_ext/...``); a path none of these hold keeps only its file name."""
    for marker in ("/src/", "/site-packages/", "/dist-packages/"):
        if marker in path:
            return path.rsplit(marker, 1)[1]
    stdlib = re.search(r"/lib/python\d+\.\d+/(.+)$", path)
    if stdlib:
        return stdlib.group(1)
    if "/docs/" in path:
        return "docs/" + path.rsplit("/docs/", 1)[1]
    if "/minigluon/" in path:
        return "minigluon/" + path.rsplit("/minigluon/", 1)[1]
    return path.rsplit("/", 1)[-1]


def name_cells(text: str, cells: Mapping[int, int]) -> str:
    """Kernel file names of cells in ``text`` as IPython names them (``Cell In[6], line 3``);
    ``cells`` maps the murmur2 hash ipykernel names a cell's file by to its execution count.
    A cell not among them (a hidden one) is ``a cell, line 3``."""
    def cell(m: re.Match) -> str:
        count = cells.get(int(m.group("hash")))
        where = f"Cell In[{count}]" if count is not None else "a cell"
        return f"{where}, line {m.group('line')}" if m.group("line") else where
    return _KERNEL_FILE.sub(cell, text)


@dataclass(frozen=True)
class Frame:
    header: str  # its first line, the path made relative
    body: tuple[str, ...]  # the source lines IPython shows
    in_cell: bool
    where: str  # "minigluon/symbol/symbol.py:339, in Symbol.__getattr__" (library frames)
    package: str  # first part of the relative path ("minigluon"); "" for a cell


@dataclass(frozen=True)
class ReadableError:
    ename: str
    message: str  # "ValueError: ..." as the traceback ends, every line of it
    short: str  # the reader's frames and the message
    full: str  # the whole traceback: relative paths, no recorder frames

    @property
    def full_lines(self) -> int:
        return len(self.full.splitlines())


def _frame(lines: list[str], start: int) -> tuple[Frame | None, int]:
    """The frame whose header is ``lines[start]``, and the index after its body."""
    m = _FRAME.match(lines[start])
    end = start + 1
    while end < len(lines) and lines[end].strip():
        end += 1
    body = tuple(lines[start + 1:end])
    if m.group("count"):
        return Frame(lines[start], body, True, "", ""), end
    path = m.group("path")
    if path.endswith(_RECORDER):
        return None, end
    rel = relative_path(path)
    func = m.group("func")
    header = f"File {rel}:{m.group('line')}" + (f", in {func}" if func else "")
    where = f"{rel}:{m.group('line')}" + (f", in {func.split('(', 1)[0]}" if func else "")
    return Frame(header, body, False, where, rel.split("/", 1)[0]), end


def _clean(lines: list[str]) -> list[str]:
    """The traceback without recorder frames and hidden-frame notes, paths relative."""
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if _HIDDEN.match(line):
            i += 2 if i + 1 < len(lines) and not lines[i + 1].strip() else 1
            continue
        if _FRAME.match(line):
            frame, i = _frame(lines, i)
            if frame is None:  # the blank line after it goes too
                i += 1 if i < len(lines) and not lines[i].strip() else 0
                continue
            out += [frame.header, *frame.body]
            continue
        out.append(line)
        i += 1
    return out


def _summary(run: list[Frame], last: bool) -> str:
    packages = " and ".join(dict.fromkeys(f.package for f in run))
    count = f"{len(run)} frame{'s' if len(run) > 1 else ''} in {packages}"
    if not last:
        return f"    ... {count} ..."
    if len(run) == 1:
        return f"    ... raised at {run[0].where}"
    return f"    ... {count}, raised at {run[-1].where}"


def readable_error(traceback: str, cells: Mapping[int, int] | None = None) -> ReadableError | None:
    """The short and full forms of an IPython traceback (plain text, as myst-nb shows it).

    ``cells``: see :func:`name_cells`. ``None`` when ``traceback`` is not one IPython wrote
    (a SyntaxError shows no frames: nothing to trim).
    """
    lines = name_cells(traceback, cells or {}).splitlines()
    headers = [i for i, line in enumerate(lines) if _HEADER.match(line)]
    if not headers:
        return None
    ename = _HEADER.match(lines[headers[-1]]).group("ename")
    frames: list[Frame] = []
    i = headers[-1] + 1
    while i < len(lines):
        if not lines[i].strip() or _HIDDEN.match(lines[i]):
            i += 1
        elif _FRAME.match(lines[i]):
            frame, i = _frame(lines, i)
            if frame is not None:
                frames.append(frame)
        else:
            break
    message = "\n".join(lines[i:]).strip("\n")
    if not message:
        return None
    short: list[str] = []
    run: list[Frame] = []
    for frame in frames:
        if frame.in_cell:
            if run:
                short.append(_summary(run, last=False))
                run = []
            short += [frame.header, *frame.body]
        else:
            run.append(frame)
    if run:
        short.append(_summary(run, last=True))
    full = "\n".join(_clean(lines)).strip("\n")
    return ReadableError(ename, message, "\n".join([*short, "", message]).strip("\n"), full)


# -- Sphinx -------------------------------------------------------------------------------------

class error_details(nodes.General, nodes.Element):  # noqa: N801 (docutils' node names)
    """``<details>``: the full traceback (``text``), one click away. Its text is an attribute,
    not a child: what reads the doctree (the search index) sees the error once, in the short
    form."""


def _visit_details(self: Any, node: error_details) -> None:
    code = self.highlighter.highlight_block(node["text"], node["language"])
    self.body.append(
        '<details class="mg-error-full">'
        f'<summary>Full traceback ({node["lines"]} lines)</summary>'
        f'<div class="output traceback highlight-{node["language"]} notranslate">{code}</div>'
        "</details>\n")
    raise nodes.SkipNode


def _skip(self: Any, node: nodes.Node) -> None:
    raise nodes.SkipNode


def _cell_hashes(cell: nodes.Element) -> dict[int, int]:
    try:
        from ipykernel.compiler import get_tmp_hash_seed, murmur2_x86
    except ImportError:  # kernel paths stay as they are
        return {}
    hashes = {}
    for code in cell.findall(lambda n: isinstance(n, nodes.container)
                             and n.get("nb_element") == "cell_code_source"):
        for block in code.findall(nodes.literal_block):
            hashes[murmur2_x86(block.astext(), get_tmp_hash_seed())] = cell.get("exec_count")
    return hashes


def _is_cell(node: nodes.Node) -> bool:
    return isinstance(node, nodes.container) and node.get("nb_element") == "cell_code"


def make_errors_readable(app: Sphinx, doctree: nodes.document) -> None:
    cells = list(doctree.findall(_is_cell))
    hashes: dict[int, int] = {}
    for cell in cells:
        hashes.update(_cell_hashes(cell))
    for cell in cells:
        for block in list(cell.findall(nodes.literal_block)):
            classes = block.get("classes", [])
            if "output" in classes and "traceback" in classes:
                _replace_traceback(block, hashes)
            elif "output" in classes and "stderr" in classes:
                text = _ABS_PY.sub(lambda m: relative_path(m.group(0)),
                                   name_cells(block.astext(), hashes))
                block.children = [nodes.Text(text)]
                block.rawsource = text


def _replace_traceback(block: nodes.literal_block, hashes: Mapping[int, int]) -> None:
    error = readable_error(block.astext(), hashes)
    if error is None:
        return
    language = block.get("language", "ipythontb")
    short = nodes.literal_block(error.short, error.short, language=language,
                                classes=["output", "traceback", "mg-error-short"])
    details = error_details(text=error.full, lines=error.full_lines, language=language)
    box = nodes.container(classes=["mg-error"])
    box += [short, details]
    for node in (short, details, box):
        node.source, node.line = block.source, block.line
    block.parent.replace(block, box)  # not replace_self: it hands over the classes


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_node(error_details, html=(_visit_details, None), latex=(_skip, None),
                 text=(_skip, None), man=(_skip, None), texinfo=(_skip, None))
    app.connect("doctree-read", make_errors_readable)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
