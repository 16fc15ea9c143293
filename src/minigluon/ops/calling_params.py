"""The parameters every function generated from the op registry takes besides the op's own
(``out``, ``name``; ``attr`` on symbols; extra keywords on ops without attributes), described
in the Parameters section of each ``nd.<op>``, ``sym.<op>`` and method docstring.

They come from the front end (:mod:`.frontend`), not from the op, so no op docstring repeats
them: the text is written once here, per front door, and says what each does there.
"""

from __future__ import annotations

import re
import textwrap

__all__ = ["with_calling_params", "without_calling_params"]

_NDARRAY = {
    "out": ("NDArray, optional",
            "Array to write the result into (same shape and dtype as the result); the result "
            "is also returned."),
    "name": ("str, optional",
             "Accepted and unused on arrays: code written for symbols runs unchanged."),
    "**kwargs": ("",
                 "Keywords an op without attributes does not read are accepted and ignored, "
                 "as MXNet does (``nd.broadcast_add(a, b, axis=1)`` runs)."),
}
_SYMBOL = {
    "out": ("None",
            "Not available on symbols (raises ``NotImplementedForSymbol``); kept so a call "
            "shared with ``nd`` reads the same."),
    "name": ("str, optional",
             "Name of the graph node (default: the op's name and a counter from the current "
             ":class:`~minigluon.name.NameManager`, e.g. ``relu0``)."),
    "attr": ("dict of str to str, optional",
             "Attributes stored on the node, such as ``{'lr_mult': '2'}``; read them back "
             "with :meth:`~minigluon.symbol.Symbol.attr`."),
    "**kwargs": ("", "Node attributes as keywords: the hidden keys (``lr_mult=2``, stored as "
                     "``__lr_mult__``) or ``__dunder__`` keys; any other keyword is a misspelt "
                     "op attribute and raises ``TypeError``."),
}

_PARAMS = re.compile(r"^Parameters\n-{4,}\n(?P<body>.*?)(?=\n\n\S[^\n]*\n-{4,}\n|\Z)",
                     re.M | re.S)
_NEXT = re.compile(r"^(Returns|Yields|Raises|See Also|Notes|References|Examples)\n-{4,}\n",
                   re.M)


def with_calling_params(doc: str, params: list[str], symbolic: bool) -> str:
    """``doc`` with the generated function's calling parameters (those of ``params``, the
    compiled signature's entries) described at the end of its Parameters section."""
    table = _SYMBOL if symbolic else _NDARRAY
    names = [p.split("=")[0] for p in params]
    entries = [_entry(key, kind, text) for key, (kind, text) in table.items()
               if key in names and not re.search(rf"^{re.escape(key)}\b", doc, re.M)]
    if not entries:
        return doc
    block = "\n".join(entries)
    m = _PARAMS.search(doc)
    if m:
        end = m.end("body")
        return f"{doc[:end].rstrip()}\n{block}{doc[end:]}"
    section = f"Parameters\n----------\n{block}\n\n"
    m = _NEXT.search(doc)
    if m:
        return doc[:m.start()] + section + doc[m.start():]
    return f"{doc.rstrip()}\n\n{section}"


def without_calling_params(doc: str) -> str:
    """``doc`` without the entries :func:`with_calling_params` added: the same text on
    hundreds of pages, which a search index should not count as what an op is about."""
    for table in (_NDARRAY, _SYMBOL):
        for key, (kind, text) in table.items():
            doc = doc.replace(_entry(key, kind, text) + "\n", "")
    return doc


def _entry(key: str, kind: str, text: str) -> str:
    text = textwrap.fill(text, 92, initial_indent="    ", subsequent_indent="    ")
    return f"{key} : {kind}\n{text}" if kind else f"{key}\n{text}"
