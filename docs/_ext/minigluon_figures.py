"""Sphinx extension: every figure a page shows has a caption and real alt text.

A plot or diagram a cell draws reaches the page as an image whose alt text myst-nb sets to the
file's hash name, with no caption, unless the cell's metadata gives both (``mystnb: figure:
caption: ...`` and ``image: alt: ...``). A reader of a screen reader then hears a hash, and
every reader sees a picture without a word on what it shows. This check warns (type
``minigluon``, subtype ``figure``; fatal with ``-W``) for an image without alt text, with a file
name as alt text, or outside a figure with a caption. Images in an object's autodoc description
(a docstring) are the docstring's business and are not checked.
"""

from __future__ import annotations

import posixpath
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)


def figure_problems(image: nodes.image) -> list[str]:
    """What a reader misses about ``image``: its alt text, its caption."""
    problems = []
    alt = (image.get("alt") or "").strip()
    uri = image.get("uri", "")
    if not alt or alt == uri or alt == posixpath.basename(uri) or alt.startswith("_images/"):
        problems.append("no alt text (give the cell `mystnb: image: alt: ...`)")
    parent = image.parent
    while parent is not None and not isinstance(parent, nodes.figure):
        parent = parent.parent
    if parent is None or not any(isinstance(c, nodes.caption) for c in parent.children):
        problems.append("no caption (give the cell `mystnb: figure: caption: ...`)")
    return problems


def check_figures(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    for image in doctree.findall(nodes.image):
        if _in_description(image):
            continue
        for problem in figure_problems(image):
            logger.warning(f"a figure has {problem}", location=image, type="minigluon",
                           subtype="figure")


def _in_description(node: nodes.Node) -> bool:
    while node is not None:
        if isinstance(node, addnodes.desc):
            return True
        node = node.parent
    return False


def setup(app: Sphinx) -> dict[str, Any]:
    # when the page is written: myst-nb turns a cell's output into a figure (with the cell's
    # caption and alt text) in a post-transform, which runs just before this event
    app.connect("doctree-resolved", check_figures)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
