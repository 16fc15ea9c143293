"""Sphinx extension: a guide's first inline-code mention of a public object links to its API entry.

Guides write names the way code does: ``nn.HybridSequential``, ``HybridSequential``,
``autograd.record()``, ``net.collect_params()``. A post-transform turns the first such mention
of each object on a page into a link to the object's description, so a reader can look it up
where it is introduced without the author writing a role for every name. Rules:

- the mention names exactly one documented object: a dotted suffix of its full name
  (``gluon.nn.Dense``, ``Dense``), also with ``mx``/``nd``/``sym`` for the module names; a
  trailing call (``(...)``) is ignored; ``variable.member`` (``net.collect_params()``) names the
  one public method or property called ``member``, if there is only one (a module is not a
  variable: ``sym.var`` is not ``Parameter.var``); a bare lowercase word that only a method
  is called (``summary``) links only when written as a call (``summary()``);
- never inside a title, a caption, a rubric or an existing link, and not on the API pages;
- once per object and page; an explicit role (``{py:class}`...```) earlier on the page already
  counts as its first mention.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

__all__ = ["setup", "setup_apilinks", "FirstMentionLinks", "NameIndex", "ALIASES"]

#: Short names code uses for minigluon's modules (``mx.nd.relu``).
ALIASES = {"minigluon": "mx", "ndarray": "nd", "symbol": "sym"}
_MEMBER_TYPES = {"method", "property", "attribute", "classmethod", "staticmethod"}
_MENTION = re.compile(r"([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*)(\(.*\))?")
# A lowercase name before the dot is a variable holding an instance (net, x, trainer); an
# upper-case one is a namespace parameter (F.relu) or a class, whose members are keys already.
_VARIABLE = re.compile(r"[a-z_][a-z0-9_]*")
# ... unless it names a module: sym.var is not a method "var" of some instance
_NOT_VARIABLES = {"np", "numpy", "plt", "math", "os", "sys", "json", "time", "random"}
_NO_LINKS_IN = (nodes.title, nodes.subtitle, nodes.rubric, nodes.caption, nodes.reference,
                nodes.literal_block, addnodes.pending_xref, addnodes.desc_signature,
                addnodes.toctree)


def setup_apilinks(app: Sphinx) -> None:
    # Pages under these docname prefixes get no links (the API reference links itself).
    app.add_config_value("minigluon_apilinks_skip", ["api/"], "env", types=[list])
    app.add_post_transform(FirstMentionLinks)


def setup(app: Sphinx) -> dict[str, Any]:
    setup_apilinks(app)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}


class NameIndex:
    """The documented objects by every name a guide may call them."""

    def __init__(self, objects: dict[str, str]) -> None:
        """``objects``: full name -> Python-domain object type (``class``, ``method``, ...)."""
        self.objects = objects
        self._by_key: dict[str, set[str]] = {}
        self._members: dict[str, set[str]] = {}
        for name, objtype in objects.items():
            for key in keys(name):
                self._by_key.setdefault(key, set()).add(name)
            if objtype in _MEMBER_TYPES:
                self._members.setdefault(name.rsplit(".", 1)[1], set()).add(name)

    def lookup(self, text: str) -> str | None:
        """The one object ``text`` names, or None (no name, several, or none)."""
        match = _MENTION.fullmatch(text.strip())
        if match is None:
            return None
        name, called = match.group(1), bool(match.group(2))
        found = self._by_key.get(name)
        if found is None and "." in name:
            head, _, rest = name.partition(".")
            if (_VARIABLE.fullmatch(head) and "." not in rest and head not in self._by_key
                    and head not in _NOT_VARIABLES):
                found = self._members.get(rest)
        if not found or len(found) != 1:
            return None
        target = next(iter(found))
        # A bare word naming only a method (``summary``, ``setattr``) is as often a plain
        # word of the text (a JSON field, Python's setattr): linked when written as a call
        # or as an identifier no prose uses (``collect_params``).
        if (name.isalpha() and name.islower() and not called
                and self.objects[target] in _MEMBER_TYPES):
            return None
        return target


def keys(name: str) -> Iterator[str]:
    """Every dotted suffix of ``name``, each also with the module aliases (``mx.nd.relu``)."""
    parts = name.split(".")
    aliased = [ALIASES.get(p, p) for p in parts]
    for i in range(len(parts)):
        yield ".".join(parts[i:])
        if aliased[i:] != parts[i:]:
            yield ".".join(aliased[i:])


class FirstMentionLinks(SphinxPostTransform):
    """Link the first inline-code mention of each public object on a guide page."""

    # Before Sphinx resolves references (10): explicit roles are still pending_xref nodes,
    # whose targets say which objects the page has linked already, and the links made here
    # are resolved by Sphinx like any role.
    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        docname = self.env.docname
        if any(docname.startswith(p) for p in self.config.minigluon_apilinks_skip):
            return
        domain = self.env.get_domain("py")
        index = NameIndex({name: e.objtype for name, e in domain.objects.items()
                           if not e.aliased})
        linked: set[str] = set()
        for node in list(self.document.findall(lambda n: isinstance(
                n, (nodes.literal, addnodes.pending_xref)))):
            if isinstance(node, addnodes.pending_xref):
                if node.get("refdomain") == "py":
                    target = node.get("reftarget", "")
                    linked.add(target if target in index.objects else
                               index.lookup(target) or target)
                continue
            if _inside(node, _NO_LINKS_IN):
                continue
            target = index.lookup(node.astext())
            if target is None or target in linked:
                continue
            linked.add(target)
            literal = node.deepcopy()
            literal["classes"] += ["xref", "py", f"py-{index.objects[target]}",
                                   "minigluon-apilink"]
            # Sphinx's resolver (next) turns it into a link, exactly as it does a role.
            xref = addnodes.pending_xref("", literal, refdoc=docname, refdomain="py",
                                         reftype="obj", reftarget=target, refexplicit=True,
                                         refwarn=True)
            node.replace_self(xref)


def _inside(node: nodes.Node, kinds: tuple[type, ...]) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, kinds):
            return True
        parent = parent.parent
    return False
