"""Samplers: iterables of dataset indices (sequential, random, filtered) and of index batches."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from ... import _rng

__all__ = ["BatchSampler", "FilterSampler", "RandomSampler", "Sampler", "SequentialSampler"]

_LAST_BATCH = ("keep", "discard", "rollover")


class Sampler:
    """Base class of samplers: ``iter(sampler)`` yields indices, ``len(sampler)`` counts them.

    See Also
    --------
    SequentialSampler, RandomSampler, BatchSampler

    Examples
    --------
    >>> from minigluon.gluon import data
    >>> class Reversed(data.Sampler):
    ...     def __init__(self, n):
    ...         self._n = n
    ...     def __iter__(self):
    ...         return iter(range(self._n - 1, -1, -1))
    ...     def __len__(self):
    ...         return self._n
    >>> list(Reversed(3))
    [2, 1, 0]
    """

    def __iter__(self) -> Iterator[Any]:
        raise NotImplementedError

    def __len__(self) -> int:
        raise NotImplementedError


class SequentialSampler(Sampler):
    """The indices ``start, start + 1, ..., start + length - 1`` in order.

    Parameters
    ----------
    length : int
        Number of indices.
    start : int, default 0
        First index.

    See Also
    --------
    RandomSampler, BatchSampler

    Examples
    --------
    >>> from minigluon.gluon import data
    >>> list(data.SequentialSampler(3, start=2))
    [2, 3, 4]
    """

    def __init__(self, length: int, start: int = 0) -> None:
        self._length = length
        self._start = start

    def __iter__(self) -> Iterator[int]:
        return iter(range(self._start, self._start + self._length))

    def __len__(self) -> int:
        return self._length


class RandomSampler(Sampler):
    """A new random permutation of the indices ``range(length)`` on every iteration.

    Draws from the global generator, so ``mx.random.seed`` makes the order reproducible.

    Parameters
    ----------
    length : int
        Number of indices.

    See Also
    --------
    SequentialSampler, BatchSampler
    minigluon.random.seed : Makes the order reproducible.

    Examples
    --------
    >>> import minigluon as mx
    >>> from minigluon.gluon import data
    >>> mx.random.seed(1)
    >>> a = list(data.RandomSampler(5))
    >>> mx.random.seed(1)
    >>> a == list(data.RandomSampler(5)), sorted(a)
    (True, [0, 1, 2, 3, 4])
    """

    def __init__(self, length: int) -> None:
        self._length = length

    def __iter__(self) -> Iterator[int]:
        return iter(_rng.generator().permutation(self._length).tolist())

    def __len__(self) -> int:
        return self._length


class FilterSampler(Sampler):
    """The indices ``i`` of ``dataset`` for which ``fn(dataset[i])`` is true.

    Parameters
    ----------
    fn : callable
        Predicate on samples.
    dataset : Dataset
        The samples (all are read once, at construction).

    See Also
    --------
    Dataset.filter, Sampler

    Examples
    --------
    >>> from minigluon.gluon import data
    >>> list(data.FilterSampler(lambda x: x > 1, [3, 0, 2, 1]))
    [0, 2]
    """

    def __init__(self, fn: Callable[[Any], bool], dataset: Any) -> None:
        self._indices = [i for i in range(len(dataset)) if fn(dataset[i])]

    def __iter__(self) -> Iterator[int]:
        return iter(self._indices)

    def __len__(self) -> int:
        return len(self._indices)


def _check_last_batch(last_batch: str) -> None:
    if last_batch not in _LAST_BATCH:
        raise ValueError("last_batch must be one of 'keep', 'discard', or 'rollover', but got "
                         f"{last_batch}")


class BatchSampler(Sampler):
    """Group the indices of ``sampler`` into lists of ``batch_size``.

    Parameters
    ----------
    sampler : Sampler or iterable
        The indices.
    batch_size : int
        Batch size.
    last_batch : {'keep', 'discard', 'rollover'}, default 'keep'
        What to do with a last incomplete batch: keep it, discard it, or carry its indices
        over to the start of the next iteration.

    See Also
    --------
    Sampler, RandomSampler
    DataLoader : Batches samples itself from ``batch_size``.

    Examples
    --------
    >>> from minigluon.gluon import data
    >>> list(data.BatchSampler(data.SequentialSampler(5), 2))
    [[0, 1], [2, 3], [4]]
    >>> s = data.BatchSampler(data.SequentialSampler(5), 2, 'rollover')
    >>> list(s), list(s)
    ([[0, 1], [2, 3]], [[4, 0], [1, 2], [3, 4]])
    """

    def __init__(self, sampler: Any, batch_size: int, last_batch: str = "keep") -> None:
        _check_last_batch(last_batch)
        if not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"batch_size must be a positive int, got {batch_size!r}")
        self._sampler = sampler
        self._batch_size = batch_size
        self._last_batch = last_batch
        self._prev: list = []

    def __iter__(self) -> Iterator[list]:
        batch, self._prev = self._prev, []
        for i in self._sampler:
            batch.append(i)
            if len(batch) == self._batch_size:
                yield batch
                batch = []
        if batch:
            if self._last_batch == "keep":
                yield batch
            elif self._last_batch == "rollover":
                self._prev = batch

    def __len__(self) -> int:
        n, b = len(self._sampler), self._batch_size
        if self._last_batch == "keep":
            return (n + b - 1) // b
        if self._last_batch == "discard":
            return n // b
        return (len(self._prev) + n) // b
