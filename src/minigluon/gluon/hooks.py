"""``HookHandle``: what ``register_forward_hook`` returns, to detach the hook again."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

__all__ = ["HookHandle", "_brief_print_list"]


class HookHandle:
    """A handle returned by ``register_forward_hook``: ``detach()`` removes the hook.

    Also a context manager that detaches on exit.

    See Also
    --------
    HookHandle.detach
    minigluon.gluon.Block.register_forward_hook, minigluon.gluon.Block.register_forward_pre_hook

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> net = gluon.nn.Dense(1, in_units=1); net.initialize()
    >>> calls = []
    >>> h = net.register_forward_hook(lambda b, x, y: calls.append(1))
    >>> _ = net(nd.ones((1, 1))); h.detach(); _ = net(nd.ones((1, 1)))
    >>> len(calls)
    1
    """

    _next_id = 0

    def __init__(self) -> None:
        self._hooks_dict: dict | None = None
        self._id: int | None = None

    def attach(self, hooks_dict: dict, hook: Callable) -> None:
        """Add ``hook`` to ``hooks_dict`` (done by ``register_forward_hook``).

        Parameters
        ----------
        hooks_dict : dict
            The block's hooks, keyed by handle id; the handle keeps it to remove the hook on
            :meth:`detach`.
        hook : callable
            The hook to add.

        See Also
        --------
        HookHandle.detach, minigluon.gluon.Block.register_forward_hook

        Examples
        --------
        >>> from minigluon.gluon.utils import HookHandle
        >>> hooks = {}
        >>> h = HookHandle(); h.attach(hooks, print)
        >>> len(hooks)
        1
        """
        if self._id is not None:
            raise RuntimeError("The same handle cannot be attached twice.")
        self._id = HookHandle._next_id
        HookHandle._next_id += 1
        hooks_dict[self._id] = hook
        self._hooks_dict = hooks_dict

    def detach(self) -> None:
        """Remove the hook (a second call does nothing).

        See Also
        --------
        HookHandle.attach, minigluon.gluon.Block.register_forward_hook

        Examples
        --------
        >>> from minigluon.gluon.utils import HookHandle
        >>> hooks = {}
        >>> h = HookHandle(); h.attach(hooks, print); h.detach()
        >>> hooks
        {}
        """
        if self._hooks_dict is not None and self._id in self._hooks_dict:
            del self._hooks_dict[self._id]

    def __enter__(self) -> HookHandle:
        return self

    def __exit__(self, *exc: Any) -> None:
        self.detach()


def _brief_print_list(lst: Sequence, limit: int = 7) -> str:
    """``'a', 'b', ..., 'z'``: the first and last names of a long list."""
    lst = list(lst)
    if len(lst) > limit:
        return (_brief_print_list(lst[: limit // 2], limit) + ", ..., "
                + _brief_print_list(lst[-limit // 2:], limit))
    return ", ".join(f"'{s}'" for s in lst)
