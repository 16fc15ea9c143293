"""Block name scopes: how ``Dense`` inside ``with net.name_scope():`` becomes ``model0_dense0_``.

Reproduces MXNet 1.x's observable prefixes: a top-level block takes a global counter
(``dense0_``, ``dense1_``); a child created inside its parent's ``name_scope()`` takes the
parent's prefix plus a per-parent counter; ``prefix=''`` turns scoping off.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from .. import name as _name
from .parameter import ParameterDict

if TYPE_CHECKING:
    from .block import Block

__all__ = ["BlockScope"]


class BlockScope:
    """The naming scope of one block (entered by ``Block.name_scope()``)."""

    _current = threading.local()

    def __init__(self, block: Block) -> None:
        self._block = block
        self._counter: dict[str, int] = {}
        self._old_scope: BlockScope | None = None
        self._name_scope: _name.Prefix | None = None

    @staticmethod
    def create(prefix: str | None, params: ParameterDict | None, hint: str
               ) -> tuple[str, ParameterDict]:
        """The prefix and ParameterDict of a new block, from the scope it is created in."""
        current = getattr(BlockScope._current, "value", None)
        if current is None:
            if prefix is None:
                prefix = _name.current().get(None, hint) + "_"
            params = ParameterDict(prefix) if params is None else ParameterDict(
                params.prefix, params)
            return prefix, params
        if prefix is None:
            count = current._counter.get(hint, 0)
            prefix = f"{hint}{count}_"
            current._counter[hint] = count + 1
        if params is None:
            parent = current._block.params
            params = ParameterDict(parent.prefix + prefix, parent._shared)
        else:
            params = ParameterDict(params.prefix, params)
        return current._block.prefix + prefix, params

    def __enter__(self) -> BlockScope:
        if self._block._empty_prefix:
            return self
        self._old_scope = getattr(BlockScope._current, "value", None)
        BlockScope._current.value = self
        self._name_scope = _name.Prefix(self._block.prefix)
        self._name_scope.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._block._empty_prefix:
            return
        assert self._name_scope is not None
        self._name_scope.__exit__(*exc)
        self._name_scope = None
        BlockScope._current.value = self._old_scope
