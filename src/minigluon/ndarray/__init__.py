"""``minigluon.nd``: NDArray and one function per registered op (generated from the registry).

See Also
--------
NDArray : The array type.
minigluon.symbol : The same ops as graph nodes.
minigluon.ndarray.random : Sampling ops.
minigluon.ndarray.contrib : Detection ops (MultiBox*, box_nms).
"""

from __future__ import annotations

import sys
import types
from typing import Any

from .. import ops as _ops
from ..base import _missing_attribute
from ..ops.frontend import build_namespaces as _build
from . import ndarray as _ndarray_module
from .ndarray import NDArray, array, empty, reset_arrays, waitall  # noqa: F401 - re-exported
from .serialization import load, load_frombuffer, save  # noqa: F401 - re-exported

_ndarray_module._bind_ops()
_SPACES = _build(__name__, _ndarray_module._default_handler)
globals().update(_SPACES.get("", {}))


def _submodule(name: str, doc: str) -> types.ModuleType:
    mod = types.ModuleType(f"{__name__}.{name}", doc)
    fns = _SPACES.get(name, {})
    mod.__dict__.update(fns)
    mod.__all__ = sorted(n for n in fns if not n.startswith("_"))
    sys.modules[mod.__name__] = mod
    return mod


random = _submodule("random", """Sampling ops: ``nd.random.uniform``, ``normal``, ``randint``...

See Also
--------
minigluon.random.seed : Seed these samplers.
minigluon.ndarray.random.uniform, minigluon.ndarray.random.normal
""")
contrib = _submodule("contrib", """Contributed ops: MultiBox*, box_nms, box_iou, ...

See Also
--------
minigluon.contrib.ndarray : The same functions under MXNet's contrib import path.
minigluon.gluon.model_zoo.ssd : Detectors built on these ops.
""")
linalg = _submodule("linalg", "Linear-algebra ops.")
_internal = _submodule("_internal", "Ops behind NDArray's operators (``_plus_scalar``, ...).")

__all__ = sorted(
    ["NDArray", "array", "empty", "reset_arrays", "waitall", "save", "load", "load_frombuffer"]
    + [n for n in _SPACES.get("", {}) if not n.startswith("_")]
)
del _ops


def __getattr__(name: str) -> Any:
    # MXNet modules minigluon leaves out (mx.kv, mx.np...) fail with the reason, not a bare
    # "no attribute"
    raise _missing_attribute(__name__, name)
