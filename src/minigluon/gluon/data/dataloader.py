"""DataLoader: iterate over a dataset in batches, stacked into NDArrays by a batchify function."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from ... import ndarray as nd
from ...ndarray import NDArray
from . import sampler as _sampler

__all__ = ["DataLoader", "default_batchify_fn"]


def default_batchify_fn(data: list) -> Any:
    """Stack a list of samples into a batch.

    NDArrays are stacked along a new first axis; tuples are batched field by field (giving a
    list); numbers and numpy arrays become an NDArray that keeps their dtype (so Python
    ints give int64 and Python floats float64, as in MXNet).

    Parameters
    ----------
    data : list
        The samples of one batch.

    Returns
    -------
    NDArray or list

    See Also
    --------
    DataLoader
    minigluon.gluon.data.vision.detection_batchify_fn

    Examples
    --------
    >>> import numpy as np
    >>> from minigluon import nd
    >>> from minigluon.gluon.data import default_batchify_fn
    >>> default_batchify_fn([nd.ones((2,)), nd.zeros((2,))]).shape
    (2, 2)
    >>> x, y = default_batchify_fn([(np.ones(3, 'uint8'), 1), (np.zeros(3, 'uint8'), 0)])
    >>> x.shape, x.dtype, y.dtype
    ((2, 3), <class 'numpy.uint8'>, <class 'numpy.int64'>)
    """
    first = data[0]
    if isinstance(first, NDArray):
        stacked = np.stack([np.asarray(d) for d in data])
        return nd.array(stacked, dtype=stacked.dtype)
    if isinstance(first, tuple):
        return [default_batchify_fn(list(field)) for field in zip(*data)]
    arr = np.asarray(data)
    return nd.array(arr, dtype=arr.dtype)


class DataLoader:
    """Load a dataset in mini-batches: ``for x, y in DataLoader(ds, batch_size=32): ...``.

    Batches are built in the calling process; ``num_workers``, ``pin_memory``, ``prefetch``,
    ``thread_pool`` and ``timeout`` are accepted for compatibility and ignored (numpy work
    here is fast enough that worker processes would mostly add pickling cost).

    Parameters
    ----------
    dataset : Dataset
        Anything with ``len()`` and ``[i]``.
    batch_size : int, optional
        Required unless ``batch_sampler`` is given.
    shuffle : bool, default False
        Visit the samples in a new random order every epoch (``mx.random.seed`` controls it).
    sampler : Sampler, optional
        The sample order (not together with ``shuffle``).
    last_batch : {'keep', 'discard', 'rollover'}, optional
        What to do with a last incomplete batch (default ``'keep'``); see
        :class:`BatchSampler`.
    batch_sampler : Sampler, optional
        Yields lists of indices; excludes ``batch_size``, ``shuffle``, ``sampler`` and
        ``last_batch``.
    batchify_fn : callable, optional
        Turns a list of samples into a batch; default :func:`default_batchify_fn`.
    num_workers, pin_memory, pin_device_id, prefetch, thread_pool, timeout, try_nopython
        Ignored (single process).

    See Also
    --------
    Dataset, BatchSampler, default_batchify_fn
    minigluon.gluon.data.vision.detection_batchify_fn : Batches with padded detection labels.

    Examples
    --------
    >>> from minigluon import nd
    >>> from minigluon.gluon import data
    >>> ds = data.ArrayDataset(nd.arange(10).reshape((5, 2)), nd.arange(5))
    >>> loader = data.DataLoader(ds, batch_size=2, last_batch='discard')
    >>> len(loader), [(x.shape, y.shape) for x, y in loader]
    (2, [((2, 2), (2,)), ((2, 2), (2,))])
    """

    def __init__(self, dataset: Any, batch_size: int | None = None, shuffle: bool = False,
                 sampler: Any = None, last_batch: str | None = None, batch_sampler: Any = None,
                 batchify_fn: Callable[[list], Any] | None = None, num_workers: int = 0,
                 pin_memory: bool = False, pin_device_id: int = 0, prefetch: int | None = None,
                 thread_pool: bool = False, timeout: int = 120,
                 try_nopython: bool | None = None) -> None:
        self._dataset = dataset
        if batch_sampler is None:
            if batch_size is None:
                raise ValueError("batch_size must be specified unless batch_sampler is "
                                 "specified")
            if sampler is None:
                sampler = (_sampler.RandomSampler(len(dataset)) if shuffle
                           else _sampler.SequentialSampler(len(dataset)))
            elif shuffle:
                raise ValueError("shuffle must not be specified if sampler is specified")
            batch_sampler = _sampler.BatchSampler(sampler, batch_size,
                                                  last_batch if last_batch else "keep")
        elif batch_size is not None or shuffle or sampler is not None or \
                last_batch is not None:
            raise ValueError("batch_size, shuffle, sampler and last_batch must not be "
                             "specified if batch_sampler is specified.")
        self._batch_sampler = batch_sampler
        self._num_workers = max(num_workers, 0)
        self._batchify_fn = batchify_fn if batchify_fn is not None else default_batchify_fn

    def __iter__(self) -> Iterator[Any]:
        for batch in self._batch_sampler:
            yield self._batchify_fn([self._dataset[idx] for idx in batch])

    def __len__(self) -> int:
        return len(self._batch_sampler)
