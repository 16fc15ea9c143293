"""``minigluon.sym``: Symbol graphs, with one function per registered op (same as ``nd``).

See Also
--------
Symbol, Variable, load
minigluon.ndarray : The same ops on arrays.
minigluon.gluon.HybridBlock.hybridize : How a model becomes a Symbol graph.
"""

from __future__ import annotations

import sys
import types

from .. import autograd as _autograd
from ..ops.frontend import build_namespaces as _build
from . import symbol as _symbol_module
from .attribute import AttrScope  # noqa: F401 - re-exported
from .bind import Executor  # noqa: F401 - re-exported
from .symbol import Group, Symbol, Variable, load, load_json, var  # noqa: F401 - re-exported

_SPACES = _build(__name__, _symbol_module._build_handler, symbolic=True)
_symbol_module._install_methods()
_autograd._set_symbol_builder(var, _symbol_module.build)
globals().update(_SPACES.get("", {}))


def _submodule(name: str, doc: str) -> types.ModuleType:
    mod = types.ModuleType(f"{__name__}.{name}", doc)
    fns = _SPACES.get(name, {})
    mod.__dict__.update(fns)
    mod.__all__ = sorted(n for n in fns if not n.startswith("_"))
    sys.modules[mod.__name__] = mod
    return mod


random = _submodule("random", "Sampling ops as graph nodes.")
contrib = _submodule("contrib", "Contributed ops (MultiBox*, box_nms, ...) as graph nodes.")
linalg = _submodule("linalg", "Linear-algebra ops as graph nodes.")
_internal = _submodule("_internal", "Ops behind Symbol's operators.")

__all__ = sorted(["AttrScope", "Executor", "Symbol", "var", "Variable", "Group", "load",
                  "load_json"]
                 + [n for n in _SPACES.get("", {}) if not n.startswith("_")])
