"""Datasets: anything with ``len()`` and ``[i]``; ArrayDataset, SimpleDataset, transforms."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from ...ndarray import NDArray
from . import sampler as _sampler
from .sampler import Sampler

__all__ = ["ArrayDataset", "Dataset", "SimpleDataset"]


class Dataset:
    """Abstract dataset: subclasses implement ``__getitem__(i)`` and ``__len__()``.

    A numpy array, an NDArray or a list can be used as a dataset directly; this class adds
    :meth:`transform`, :meth:`transform_first`, :meth:`filter`, :meth:`take`, :meth:`sample`
    and :meth:`shard`.

    See Also
    --------
    ArrayDataset, SimpleDataset, DataLoader
    Dataset.transform_first

    Examples
    --------
    >>> from minigluon.gluon import data
    >>> class Squares(data.Dataset):
    ...     def __getitem__(self, i):
    ...         return i * i
    ...     def __len__(self):
    ...         return 4
    >>> ds = Squares()
    >>> len(ds), ds[3], list(ds.transform(lambda x: x + 1))
    (4, 9, [1, 2, 5, 10])
    """

    def __getitem__(self, idx: int) -> Any:
        raise NotImplementedError

    def __len__(self) -> int:
        raise NotImplementedError

    def __iter__(self) -> Iterator[Any]:
        # Not in MXNet (which relies on __getitem__ raising IndexError): stop at len().
        for i in range(len(self)):
            yield self[i]

    def filter(self, fn: Callable[[Any], bool]) -> Dataset:
        """The samples for which ``fn(sample)`` is true (indices computed now).

        Parameters
        ----------
        fn : callable
            Called on each sample; the samples for which it returns a true value are kept.

        See Also
        --------
        Dataset.take, Dataset.sample, FilterSampler

        Examples
        --------
        >>> from minigluon.gluon import data
        >>> list(data.SimpleDataset(list(range(6))).filter(lambda x: x % 2 == 0))
        [0, 2, 4]
        """
        return _SampledDataset(self, _sampler.FilterSampler(fn, self))

    def shard(self, num_shards: int, index: int) -> Dataset:
        """The ``index``-th of ``num_shards`` contiguous parts (sizes differ by at most 1).

        Parameters
        ----------
        num_shards : int
            The number of parts, at least 1.
        index : int
            Which part, from 0 to ``num_shards - 1``.

        See Also
        --------
        Dataset.take, Dataset.sample

        Examples
        --------
        >>> from minigluon.gluon import data
        >>> ds = data.SimpleDataset(list(range(7)))
        >>> [list(ds.shard(3, i)) for i in range(3)]
        [[0, 1, 2], [3, 4], [5, 6]]
        """
        if num_shards <= 0:
            raise ValueError("Number of shards must be greater than 0")
        if not 0 <= index < num_shards:
            raise ValueError(f"Shard index of out bound: {index} out of {num_shards}")
        length = len(self)
        shard_len, rest = divmod(length, num_shards)
        start = shard_len * index + min(index, rest)
        end = start + shard_len + (index < rest)
        return _SampledDataset(self, _sampler.SequentialSampler(end - start, start))

    def take(self, count: int | None) -> Dataset:
        """The first ``count`` samples (all of them if ``count`` is None or too large).

        Parameters
        ----------
        count : int or None
            The number of samples to keep from the start.

        See Also
        --------
        Dataset.shard, Dataset.filter

        Examples
        --------
        >>> from minigluon.gluon import data
        >>> list(data.SimpleDataset('abcdef').take(3))
        ['a', 'b', 'c']
        """
        if count is None or count > len(self):
            count = len(self)
        return _SampledDataset(self, _sampler.SequentialSampler(count))

    def sample(self, sampler: Sampler) -> Dataset:
        """The samples at the indices ``sampler`` yields.

        Parameters
        ----------
        sampler : Sampler
            Yields the indices of the samples to keep, in the order given.

        See Also
        --------
        Sampler, Dataset.filter

        Examples
        --------
        >>> from minigluon.gluon import data
        >>> ds = data.SimpleDataset('abcdef')
        >>> list(ds.sample(data.SequentialSampler(3, start=2)))
        ['c', 'd', 'e']
        """
        if not isinstance(sampler, _sampler.Sampler):
            raise TypeError(f"Invalid sampler type: {type(sampler)}. Expected "
                            "gluon.data.Sampler instead.")
        return _SampledDataset(self, sampler)

    def transform(self, fn: Callable, lazy: bool = True) -> Dataset:
        """Each sample transformed by ``fn`` (a tuple sample is passed as ``fn(*sample)``).

        Parameters
        ----------
        fn : callable
            The transformation.
        lazy : bool, default True
            Transform on access (needed for random transforms); False transforms every
            sample now and keeps the results.

        Returns
        -------
        Dataset

        See Also
        --------
        Dataset.transform_first
        minigluon.gluon.data.vision.transforms.Compose

        Examples
        --------
        >>> from minigluon.gluon import data
        >>> ds = data.ArrayDataset([1, 2], ['a', 'b'])
        >>> ds.transform(lambda x, y: (x * 10, y.upper()))[1]
        (20, 'B')
        """
        trans = _LazyTransformDataset(self, fn)
        if lazy:
            return trans
        return SimpleDataset([trans[i] for i in range(len(trans))])

    def transform_first(self, fn: Callable, lazy: bool = True) -> Dataset:
        """Each sample with only its first element transformed (e.g. the image, not the label).

        Parameters
        ----------
        fn : callable
            Applied to the first element of each sample (to the whole sample when it is not a
            tuple).
        lazy : bool, default True
            Transform on access (needed for random transforms); False transforms every sample now
            and keeps the results.

        See Also
        --------
        Dataset.transform
        minigluon.gluon.data.vision.transforms.ToTensor

        Examples
        --------
        >>> from minigluon.gluon import data
        >>> ds = data.ArrayDataset([1, 2], [0, 1])
        >>> ds.transform_first(lambda x: x * 10)[1]
        (20, 1)
        """
        return self.transform(_TransformFirstClosure(fn), lazy)


class SimpleDataset(Dataset):
    """A dataset over any object with ``len()`` and ``[i]`` (a list, an array...).

    Parameters
    ----------
    data : sequence
        The samples.

    See Also
    --------
    ArrayDataset, Dataset

    Examples
    --------
    >>> from minigluon.gluon import data
    >>> ds = data.SimpleDataset([10, 20, 30])
    >>> len(ds), ds[1]
    (3, 20)
    """

    def __init__(self, data: Any) -> None:
        self._data = data

    def __len__(self) -> int:
        return len(self._data)

    def __getitem__(self, idx: int) -> Any:
        return self._data[idx]


class _LazyTransformDataset(Dataset):
    def __init__(self, data: Any, fn: Callable) -> None:
        self._data = data
        self._fn = fn

    def __len__(self) -> int:
        return len(self._data)

    def __getitem__(self, idx: int) -> Any:
        item = self._data[idx]
        if isinstance(item, tuple):
            return self._fn(*item)
        return self._fn(item)


class _TransformFirstClosure:
    def __init__(self, fn: Callable) -> None:
        self._fn = fn

    def __call__(self, x: Any, *args: Any) -> Any:
        if args:
            return (self._fn(x), *args)
        return self._fn(x)


class _SampledDataset(Dataset):
    def __init__(self, dataset: Any, sampler: Sampler) -> None:
        self._dataset = dataset
        self._sampler = sampler
        self._indices = list(iter(sampler))

    def __len__(self) -> int:
        return len(self._indices)

    def __getitem__(self, idx: int) -> Any:
        return self._dataset[self._indices[idx]]


class ArrayDataset(Dataset):
    """Zip equally long arrays or sequences: sample ``i`` is ``(a[i], b[i], ...)``.

    With a single argument sample ``i`` is ``a[i]`` itself. 1-D NDArrays are converted to
    numpy first, so that their samples are numbers rather than shape-(1,) NDArrays.

    Parameters
    ----------
    *args : arrays, lists or datasets
        At least one; all must have the same length.

    See Also
    --------
    SimpleDataset, DataLoader

    Examples
    --------
    >>> import numpy as np
    >>> from minigluon import nd
    >>> from minigluon.gluon import data
    >>> ds = data.ArrayDataset(nd.arange(6).reshape((3, 2)), np.array([0, 1, 0]))
    >>> x, y = ds[1]
    >>> len(ds), x.asnumpy().tolist(), int(y)
    (3, [2.0, 3.0], 1)
    >>> data.ArrayDataset([1, 2, 3], [1, 2])
    Traceback (most recent call last):
    ...
    ValueError: All arrays must have the same length; array[0] has length 3 while array[1] has 2.
    """

    def __init__(self, *args: Any) -> None:
        if not args:
            raise ValueError("Needs at least 1 arrays")
        self._length = len(args[0])
        self._data = []
        for i, data in enumerate(args):
            if len(data) != self._length:
                raise ValueError(f"All arrays must have the same length; array[0] has length "
                                 f"{self._length} while array[{i}] has {len(data)}.")
            if isinstance(data, NDArray) and data.ndim == 1:
                data = data.asnumpy()
            self._data.append(data)

    def __getitem__(self, idx: int) -> Any:
        if len(self._data) == 1:
            return self._data[0][idx]
        return tuple(data[idx] for data in self._data)

    def __len__(self) -> int:
        return self._length
