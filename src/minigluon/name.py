"""Automatic names: ``NameManager`` counters (``dense0``) and ``Prefix`` scopes (``model0_dense0``).

MXNet's observable names live here and only here: users pick layers out of ``get_internals()``
and old parameter files by them. Structural names (``features.0.weight``) do not come from here.

See Also
--------
NameManager, Prefix
minigluon.gluon.Block.name_scope
"""

from __future__ import annotations

import threading
from typing import Any

__all__ = ["NameManager", "Prefix", "current"]

# Symbol nodes are named from op_hint (``fullyconnected0``, ``_plus0``) and Blocks' prefixes
# from gluon/name_scope.py (``dense0_``), both with the counters below. The hints MXNet gives
# the ops behind Symbol's operators (``a + b`` is node ``_plus0``):
_OP_HINTS = {"elemwise_add": "_plus", "elemwise_sub": "_minus", "elemwise_mul": "_mul",
             "elemwise_div": "_div"}


class NameManager:
    """Hands out names ``hint + counter`` (``dense0``, ``dense1``); a context manager.

    See Also
    --------
    Prefix, current
    minigluon.gluon.Block.name_scope : Prefixes inside a block.

    Examples
    --------
    >>> from minigluon.name import NameManager
    >>> with NameManager():
    ...     nm = NameManager.current()
    ...     print(nm.get(None, "dense"), nm.get(None, "dense"), nm.get("mine", "dense"))
    dense0 dense1 mine
    """

    _current = threading.local()

    def __init__(self) -> None:
        self._counter: dict[str, int] = {}
        self._old: NameManager | None = None

    def get(self, name: str | None, hint: str) -> str:
        """``name`` if given, else ``hint`` followed by the next counter value.

        Parameters
        ----------
        name : str or None
            A name the user gave; returned unchanged when not empty.
        hint : str
            The base of the automatic name (usually the operator or layer kind), numbered by a
            counter kept per hint.

        See Also
        --------
        current, Prefix.get

        Examples
        --------
        >>> from minigluon.name import NameManager
        >>> nm = NameManager()
        >>> nm.get(None, "conv"), nm.get(None, "conv")
        ('conv0', 'conv1')
        """
        if name:
            return name
        count = self._counter.get(hint, 0)
        self._counter[hint] = count + 1
        return f"{hint}{count}"

    def __enter__(self) -> NameManager:
        self._old = current()
        NameManager._current.value = self
        return self

    def __exit__(self, *exc: Any) -> None:
        NameManager._current.value = self._old

    @staticmethod
    def current() -> NameManager:
        """The active manager (a process-wide default outside any ``with``).

        See Also
        --------
        minigluon.name.current : The same, as a function.
        get

        Examples
        --------
        >>> from minigluon.name import NameManager
        >>> isinstance(NameManager.current(), NameManager)
        True
        """
        return current()


class Prefix(NameManager):
    """A name manager that puts ``prefix`` in front of every name it hands out.

    Parameters
    ----------
    prefix : str
        Put in front of every name this manager returns.

    See Also
    --------
    NameManager
    minigluon.gluon.Block.name_scope : Uses a Prefix for its children.

    Examples
    --------
    >>> from minigluon.name import Prefix
    >>> with Prefix("model0_") as p:
    ...     print(p.get(None, "fwd"))
    model0_fwd0
    """

    def __init__(self, prefix: str) -> None:
        super().__init__()
        self._prefix = prefix

    def get(self, name: str | None, hint: str) -> str:
        """``prefix`` + the name :meth:`NameManager.get` would give.

        Parameters
        ----------
        name : str or None
            A name the user gave; used (after the prefix) instead of the automatic one when not
            empty.
        hint : str
            The base of the automatic name, numbered by a counter kept per hint.

        See Also
        --------
        NameManager.get

        Examples
        --------
        >>> from minigluon.name import Prefix
        >>> Prefix("net_").get("fc", "dense")
        'net_fc'
        """
        return self._prefix + super().get(name, hint)


def current() -> NameManager:
    """The active :class:`NameManager` (a process-wide default outside any ``with``).

    See Also
    --------
    NameManager.current, NameManager

    Examples
    --------
    >>> from minigluon import name
    >>> with name.Prefix("a_") as p:
    ...     print(name.current() is p)
    True
    """
    nm = getattr(NameManager._current, "value", None)
    if nm is None:
        nm = NameManager._current.value = NameManager()
    return nm


def op_hint(op_name: str) -> str:
    """The start of the automatic name of a node of op ``op_name``: its name in lower case,
    or MXNet's operator name where that differs (``elemwise_add`` -> ``_plus``)."""
    return _OP_HINTS.get(op_name, op_name.lower())
