"""The one dispatch point: ``invoke`` runs an op on NDArrays or adds a node to a Symbol graph.

Array front ends (``NDArray``, ``Symbol``) register a handler for their type; ``invoke`` picks it
from the first array argument that has one. Nothing else in minigluon chooses between modes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .registry import Op

__all__ = ["invoke", "register_handler"]

Handler = Callable[[Op, tuple, dict, Any, Any], Any]
_HANDLERS: dict[type, Handler] = {}
_RESOLVERS: set[Handler] = set()  # handlers that replace their inputs, then invoke again
_DEFAULT: list[Handler] = []  # handler for ops with no array input (creation, sampling)


def register_handler(array_type: type, handler: Handler, default: bool = False,
                     resolver: bool = False) -> None:
    """Route ops whose inputs include ``array_type`` to ``handler``.

    A ``resolver`` (deferred Parameters) takes precedence over the array front ends: it turns
    its placeholders into real arrays and calls ``invoke`` again.
    """
    _HANDLERS[array_type] = handler
    if resolver:
        _RESOLVERS.add(handler)
    if default:
        _DEFAULT[:] = [handler]


def invoke(op: Op, arrays: tuple, attrs: dict, out: Any = None, name: str | None = None,
           default: Handler | None = None) -> Any:
    """Run ``op`` on ``arrays`` (positional inputs) with ``attrs`` (static attributes).

    NDArray inputs run the numpy forward now (and are recorded while ``autograd.record()`` is
    on); Symbol inputs build a graph node. Mixing the two raises ``TypeError``. Ops without
    array inputs (``zeros``, ``random.uniform``) go to ``default`` (the calling namespace's
    front end), or to NDArray.
    """
    handler = None
    for a in arrays:
        h = _HANDLERS.get(type(a))
        if h is None:
            h = _handler_by_subclass(a)
        if h in _RESOLVERS:
            return h(op, arrays, attrs, out, name)
        if h is not None:
            if handler is not None and h is not handler:
                raise TypeError(
                    f"{op.name}: mixed NDArray and Symbol inputs; pass all inputs as NDArrays "
                    "(imperative) or all as Symbols (inside a hybridized block)"
                )
            handler = h
    return (handler or default or _DEFAULT[0])(op, arrays, attrs, out, name)


def _handler_by_subclass(a: Any) -> Handler | None:
    for t, h in _HANDLERS.items():
        if isinstance(a, t):
            return h
    return None
