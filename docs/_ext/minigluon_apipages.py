"""Sphinx extension: write the API reference pages from ``minigluon._api`` before reading.

One page per public module lists its objects in an autosummary table; autosummary then writes a
stub page per object (``docs/api/_autosummary/``). Both are generated, never edited, and
git-ignored, so the reference always matches the code (and grows with the op registry).
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx

from minigluon._api import PUBLIC_MODULES, public_objects

_TITLES = {
    "minigluon": "minigluon (top level)",
    "minigluon.ndarray": "minigluon.ndarray (nd)",
}


def setup_apipages(app: Sphinx) -> None:
    # at config-inited: before Sphinx lists the source files and before autosummary reads them
    app.connect("config-inited", write_module_pages, priority=100)


def write_module_pages(app: Sphinx, config: Any = None) -> None:
    api_dir = Path(app.srcdir) / "api"
    shutil.rmtree(api_dir / "_autosummary", ignore_errors=True)
    for old in api_dir.glob("minigluon*.rst"):
        old.unlink()
    objects = public_objects()
    for modname in PUBLIC_MODULES:
        names = [o.name.rsplit(".", 1)[1] for o in objects
                 if o.module == modname and o.kind in ("class", "function", "attribute")
                 and o.name.count(".") == modname.count(".") + 1]
        title = _TITLES.get(modname, modname)
        lines = [title, "=" * len(title), "", f".. automodule:: {modname}", "   :no-members:", ""]
        if names:
            lines += [".. currentmodule:: " + modname, "", ".. autosummary::",
                      "   :toctree: _autosummary", "   :nosignatures:", ""]
            lines += [f"   {n}" for n in sorted(names, key=str.lower)]
        (api_dir / f"{modname}.rst").write_text("\n".join(lines) + "\n")


def setup(app: Sphinx) -> dict[str, Any]:
    setup_apipages(app)
    return {"version": "0.1", "parallel_read_safe": True, "parallel_write_safe": True}
