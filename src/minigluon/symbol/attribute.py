"""``AttrScope``: string attributes given to every Symbol created inside a ``with`` block.

See Also
--------
AttrScope
minigluon.symbol.Symbol.list_attr
"""

from __future__ import annotations

import threading
from typing import Any

from ..ops.frontend import expand_hidden

__all__ = ["AttrScope"]


class AttrScope:
    """Attributes (strings) attached to the symbols created in its ``with`` block.

    Scopes nest: an inner scope adds to (and overrides) the outer one's attributes, and an
    attribute given explicitly when a symbol is created overrides both. Hidden keys
    (``lr_mult``, ``wd_mult``, ``ctx_group``, ...) are stored as ``__key__``.

    Parameters
    ----------
    **kwargs : str
        The attributes; values must be strings.

    See Also
    --------
    minigluon.symbol.Symbol.attr, minigluon.symbol.Symbol.attr_dict

    Examples
    --------
    >>> import minigluon as mx
    >>> with mx.AttrScope(group='4', __init_bias__='0.0'):
    ...     x = mx.sym.var('x')
    >>> x.attr('group'), x.attr('__init_bias__')
    ('4', '0.0')
    """

    _current = threading.local()

    def __init__(self, **kwargs: str) -> None:
        for value in kwargs.values():
            if not isinstance(value, str):
                raise ValueError("Attributes need to be string")
        self._attr = dict(kwargs)
        self._old: AttrScope | None = None

    def get(self, attr: dict | None) -> dict[str, str]:
        """The scope's attributes updated with ``attr`` (hidden keys as ``__key__``).

        Parameters
        ----------
        attr : dict or None
            Attributes given explicitly; they win over the scope's.

        Returns
        -------
        dict
            The merged attributes.

        See Also
        --------
        AttrScope.current

        Examples
        --------
        >>> import minigluon as mx
        >>> with mx.AttrScope(group='4') as scope:
        ...     print(sorted(scope.get({'lr_mult': '2'}).items()))
        [('__lr_mult__', '2'), ('group', '4')]
        """
        merged: dict[str, str] = {}
        for key, value in {**self._attr, **(attr or {})}.items():
            merged.update(expand_hidden(key, value))
        return merged

    def __enter__(self) -> AttrScope:
        self._old = AttrScope.current()
        merged = AttrScope()
        merged._attr = {**self._old._attr, **self._attr}
        AttrScope._current.value = merged
        merged._old = self._old
        return merged

    def __exit__(self, *exc: Any) -> None:
        AttrScope._current.value = self._old

    @staticmethod
    def current() -> AttrScope:
        """The innermost active scope (an empty one outside any ``with``).

        Returns
        -------
        AttrScope
            The active scope.

        See Also
        --------
        AttrScope.get

        Examples
        --------
        >>> import minigluon as mx
        >>> with mx.AttrScope(group='1'):
        ...     print(mx.AttrScope.current().get(None))
        {'group': '1'}
        """
        scope = getattr(AttrScope._current, "value", None)
        if scope is None:
            scope = AttrScope._current.value = AttrScope()
        return scope
