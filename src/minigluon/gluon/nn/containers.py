"""Containers that hold Blocks without chaining them: BlockList and BlockDict.

Like PyTorch's ``ModuleList`` and ``ModuleDict``: they register the blocks they hold as
children (so their parameters are collected and saved under ``blocks.0.weight``), but cannot be
called. Sequential and HybridSequential, which chain their children, live with the basic layers
as in MXNet (``gluon/nn/basic_layers.py``).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from ..block import Block, HybridBlock

__all__ = ["BlockList", "BlockDict"]


class _Container(HybridBlock):
    """Base of BlockList/BlockDict: holds Blocks as registered children, is not callable.

    It is a HybridBlock so that a HybridBlock may hold it; the children it holds may be any
    Blocks (inside a HybridBlock keep them HybridBlocks, or hybridize cannot trace them).
    """

    _is_container = True  # summary() reports the layers inside, not the container

    def register_child(self, block: Block, name: str | None = None) -> None:
        if not isinstance(block, Block):
            raise TypeError(f"{type(self).__name__} holds Blocks, but got {block!r} of type "
                            f"{type(block).__name__}")
        Block.register_child(self, block, name)

    def forward(self, *args: Any) -> Any:
        raise TypeError(f"{type(self).__name__} is a container and cannot be called; call "
                        "the blocks it holds (or use HybridSequential to chain them)")

    def __len__(self) -> int:
        return len(self._children)


class BlockList(_Container):
    """A list of Blocks that registers them (like PyTorch's ``ModuleList``).

    A plain Python list of Blocks assigned to an attribute is not registered: its parameters
    are missing from ``collect_params()``. A BlockList is: its blocks are children named
    ``'0'``, ``'1'``, ... (so ``save_parameters`` keys read ``'blocks.0.weight'``), and it
    supports ``append``, ``extend``, ``insert``, indexing, slicing, ``del``, ``len`` and
    iteration. A HybridBlock may hold one.

    Parameters
    ----------
    blocks : iterable of Block, optional
        Initial contents.
    prefix, params
        As for :class:`~minigluon.gluon.Block`.

    See Also
    --------
    BlockDict, Sequential

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> class Net(gluon.HybridBlock):
    ...     def __init__(self, **kwargs):
    ...         super().__init__(**kwargs)
    ...         self.blocks = gluon.nn.BlockList([gluon.nn.Dense(4) for _ in range(3)])
    ...     def hybrid_forward(self, F, x):
    ...         for block in self.blocks:
    ...             x = block(x)
    ...         return x
    >>> net = Net()
    >>> net.initialize()
    >>> net(nd.ones((2, 5))).shape
    (2, 4)
    >>> sorted(net._collect_params_with_prefix())[:2]
    ['blocks.0.bias', 'blocks.0.weight']
    """

    def __init__(self, blocks: Iterable[Block] | None = None, prefix: str | None = None,
                 params: Any = None) -> None:
        super().__init__(prefix=prefix, params=params)
        if blocks is not None:
            self.extend(blocks)

    def append(self, block: Block) -> BlockList:
        """Add ``block`` at the end; returns the list.

        Parameters
        ----------
        block : Block
            Block added at the end.

        See Also
        --------
        BlockList.extend, BlockList.insert, Sequential.add

        Examples
        --------
        >>> from minigluon import gluon
        >>> blocks = gluon.nn.BlockList()
        >>> len(blocks.append(gluon.nn.Dense(2)))
        1
        """
        self.register_child(block, str(len(self._children)))
        return self

    def extend(self, blocks: Iterable[Block]) -> BlockList:
        """Append every block of ``blocks``; returns the list.

        Parameters
        ----------
        blocks : iterable of Block
            Blocks added at the end, in order.

        See Also
        --------
        BlockList.append, BlockList.insert

        Examples
        --------
        >>> from minigluon import gluon
        >>> blocks = gluon.nn.BlockList().extend([gluon.nn.Dense(2), gluon.nn.Dense(3)])
        >>> len(blocks)
        2
        """
        for block in blocks:
            self.append(block)
        return self

    def insert(self, index: int, block: Block) -> None:
        """Insert ``block`` before position ``index`` (later blocks are renumbered).

        Parameters
        ----------
        index : int
            Position the block is inserted before.
        block : Block
            Block inserted.

        See Also
        --------
        BlockList.append, BlockList.extend

        Examples
        --------
        >>> from minigluon import gluon
        >>> blocks = gluon.nn.BlockList([gluon.nn.Dense(2)])
        >>> blocks.insert(0, gluon.nn.Flatten())
        >>> blocks
        BlockList(
          (0): Flatten
          (1): Dense(None -> 2, linear)
        )
        """
        items = list(self._children.values())
        items.insert(index, block)
        self._reset(items)

    def _reset(self, items: list[Block]) -> None:
        old = list(self._children.items())
        self._children.clear()
        try:
            for block in items:
                self.append(block)
        except Exception:
            self._children.clear()
            self._children.update(old)
            raise

    def __getitem__(self, index: int | slice) -> Any:
        items = list(self._children.values())
        if isinstance(index, slice):
            return type(self)(items[index], prefix=self._prefix)
        return items[index]

    def __setitem__(self, index: int, block: Block) -> None:
        items = list(self._children.values())
        items[index] = block
        self._reset(items)

    def __delitem__(self, index: int | slice) -> None:
        items = list(self._children.values())
        del items[index]
        self._reset(items)

    def __iter__(self) -> Iterator[Block]:
        return iter(list(self._children.values()))


class BlockDict(_Container):
    """A dict of Blocks that registers them (like PyTorch's ``ModuleDict``).

    Each block is a child named by its key (so ``save_parameters`` keys read
    ``'heads.cls.weight'``); keys are strings without ``'.'``. Supports ``d[key]``,
    ``d[key] = block``, ``del``, ``in``, ``len``, iteration over keys, ``keys``, ``values``,
    ``items``, ``update`` and ``pop``. A HybridBlock may hold one.

    Parameters
    ----------
    blocks : dict or iterable of (str, Block) pairs, optional
        Initial children, added in order under their keys.
    prefix, params
        As for :class:`~minigluon.gluon.Block`.

    See Also
    --------
    BlockList, Sequential

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> heads = gluon.nn.BlockDict({'cls': gluon.nn.Dense(3), 'box': gluon.nn.Dense(4)})
    >>> heads.initialize()
    >>> {k: head(nd.ones((2, 5))).shape for k, head in heads.items()}
    {'cls': (2, 3), 'box': (2, 4)}
    >>> 'cls' in heads, len(heads)
    (True, 2)
    """

    def __init__(self, blocks: Any = None, prefix: str | None = None,
                 params: Any = None) -> None:
        super().__init__(prefix=prefix, params=params)
        if blocks is not None:
            self.update(blocks)

    def __getitem__(self, key: str) -> Block:
        return self._children[key]

    def __setitem__(self, key: str, block: Block) -> None:
        if not isinstance(key, str):
            raise TypeError(f"BlockDict keys must be strings, got {key!r} of type "
                            f"{type(key).__name__}")
        if "." in key or not key:
            raise ValueError(f"BlockDict key {key!r} is not allowed: keys name children in "
                             "parameter files ('heads.cls.weight'), so they must be non-empty "
                             "and contain no '.'")
        self.register_child(block, key)

    def __delitem__(self, key: str) -> None:
        del self._children[key]

    def __contains__(self, key: object) -> bool:
        return key in self._children

    def __iter__(self) -> Iterator[str]:
        return iter(list(self._children))

    def keys(self) -> Any:
        """The keys, in insertion order.

        See Also
        --------
        BlockDict.values, BlockDict.items

        Examples
        --------
        >>> from minigluon import gluon
        >>> list(gluon.nn.BlockDict({'a': gluon.nn.Dense(1), 'b': gluon.nn.Dense(1)}).keys())
        ['a', 'b']
        """
        return self._children.keys()

    def values(self) -> Any:
        """The blocks, in insertion order.

        See Also
        --------
        BlockDict.keys, BlockDict.items

        Examples
        --------
        >>> from minigluon import gluon
        >>> [type(b).__name__ for b in gluon.nn.BlockDict({'a': gluon.nn.Flatten()}).values()]
        ['Flatten']
        """
        return self._children.values()

    def items(self) -> Any:
        """``(key, block)`` pairs, in insertion order.

        See Also
        --------
        BlockDict.keys, BlockDict.values

        Examples
        --------
        >>> from minigluon import gluon
        >>> [k for k, _ in gluon.nn.BlockDict({'a': gluon.nn.Flatten()}).items()]
        ['a']
        """
        return self._children.items()

    def update(self, blocks: Any) -> None:
        """Add (or replace) blocks from a dict or an iterable of ``(key, block)`` pairs.

        Parameters
        ----------
        blocks : dict or iterable of (str, Block) pairs
            Children added or replaced under their keys.

        See Also
        --------
        BlockDict.pop, BlockDict.items

        Examples
        --------
        >>> from minigluon import gluon
        >>> d = gluon.nn.BlockDict()
        >>> d.update([('a', gluon.nn.Flatten()), ('b', gluon.nn.Identity())])
        >>> list(d)
        ['a', 'b']
        """
        pairs = blocks.items() if hasattr(blocks, "items") else blocks
        for key, block in pairs:
            self[key] = block

    def pop(self, key: str) -> Block:
        """Remove the block under ``key`` and return it.

        Parameters
        ----------
        key : str
            Key of the child removed and returned.

        See Also
        --------
        BlockDict.update, BlockDict.keys

        Examples
        --------
        >>> from minigluon import gluon
        >>> d = gluon.nn.BlockDict({'a': gluon.nn.Flatten()})
        >>> d.pop('a'), len(d)
        (Flatten, 0)
        """
        return self._children.pop(key)
