"""Iterators over iterators: ``ResizeIter`` (a fixed number of batches per epoch) and
``PrefetchingIter`` (several iterators side by side)."""

from __future__ import annotations

from typing import Any

from .base import DataBatch, DataDesc, DataIter

__all__ = ["ResizeIter", "PrefetchingIter"]


class ResizeIter(DataIter):
    """Give exactly ``size`` batches per epoch from ``data_iter``, restarting it when needed.

    Parameters
    ----------
    data_iter : DataIter
        The iterator to resize.
    size : int
        Batches per epoch.
    reset_internal : bool, default True
        Reset ``data_iter`` at every ``reset`` (else continue where it stopped).

    See Also
    --------
    NDArrayIter

    Examples
    --------
    >>> from minigluon import io
    >>> it = io.ResizeIter(io.NDArrayIter(list(range(4)), batch_size=2), 3)
    >>> [b.data[0].asnumpy().tolist() for b in it]
    [[0.0, 1.0], [2.0, 3.0], [0.0, 1.0]]
    """

    def __init__(self, data_iter: DataIter, size: int, reset_internal: bool = True) -> None:
        super().__init__(data_iter.batch_size)
        self.data_iter = data_iter
        self.size = size
        self.reset_internal = reset_internal
        self.cur = 0
        self.current_batch: DataBatch | None = None
        self.provide_data = data_iter.provide_data
        self.provide_label = data_iter.provide_label
        if hasattr(data_iter, "default_bucket_key"):
            self.default_bucket_key = data_iter.default_bucket_key

    def reset(self) -> None:
        """Start a new epoch of ``size`` batches.

        See Also
        --------
        DataIter.next

        Examples
        --------
        >>> from minigluon import io
        >>> it = io.ResizeIter(io.NDArrayIter(list(range(4)), batch_size=2), 1)
        >>> _ = list(it); it.reset(); len(list(it))
        1
        """
        self.cur = 0
        if self.reset_internal:
            self.data_iter.reset()

    def iter_next(self) -> bool:
        """Fetch the next batch; False after ``size`` batches.

        Returns
        -------
        bool

        See Also
        --------
        DataIter.next

        Examples
        --------
        >>> from minigluon import io
        >>> it = io.ResizeIter(io.NDArrayIter(list(range(4)), batch_size=2), 1)
        >>> it.iter_next(), it.iter_next()
        (True, False)
        """
        if self.cur == self.size:
            return False
        try:
            self.current_batch = self.data_iter.next()
        except StopIteration:
            self.data_iter.reset()
            self.current_batch = self.data_iter.next()
        self.cur += 1
        return True

    def getdata(self) -> Any:
        """The data of the current batch.

        Returns
        -------
        list of NDArray

        See Also
        --------
        getlabel

        Examples
        --------
        >>> from minigluon import io
        >>> it = io.ResizeIter(io.NDArrayIter(list(range(4)), batch_size=2), 1)
        >>> _ = it.iter_next(); it.getdata()[0].shape
        (2,)
        """
        return self.current_batch.data

    def getlabel(self) -> Any:
        """The labels of the current batch.

        Returns
        -------
        list of NDArray

        See Also
        --------
        getdata

        Examples
        --------
        >>> from minigluon import io
        >>> it = io.ResizeIter(io.NDArrayIter(list(range(2)), [1, 0], batch_size=2), 1)
        >>> _ = it.iter_next(); it.getlabel()[0].asnumpy()
        array([1., 0.], dtype=float32)
        """
        return self.current_batch.label

    def getindex(self) -> Any:
        """The indices of the current batch.

        Returns
        -------
        numpy.ndarray or None

        See Also
        --------
        getpad

        Examples
        --------
        >>> from minigluon import io
        >>> it = io.ResizeIter(io.NDArrayIter(list(range(2)), batch_size=2), 1)
        >>> _ = it.iter_next(); it.getindex() is None
        True
        """
        return self.current_batch.index

    def getpad(self) -> int:
        """Padding examples in the current batch.

        Returns
        -------
        int

        See Also
        --------
        getindex

        Examples
        --------
        >>> from minigluon import io
        >>> it = io.ResizeIter(io.NDArrayIter(list(range(3)), batch_size=2), 2)
        >>> [b.pad for b in it]
        [0, 1]
        """
        return self.current_batch.pad


class PrefetchingIter(DataIter):
    """Several iterators side by side: each batch joins their data and labels.

    MXNet prefetches on threads; here the batches are read when asked for (one process,
    one device), with the same results.

    Parameters
    ----------
    iters : DataIter or list of DataIter
        Iterators to read ahead; with several, their batches are combined.
    rename_data, rename_label : list of dict, optional
        Per iterator, new names for its inputs (``{'data': 'data1'}``).

    See Also
    --------
    ResizeIter

    Examples
    --------
    >>> from minigluon import io
    >>> a = io.NDArrayIter(list(range(4)), batch_size=2)
    >>> b = io.NDArrayIter(list(range(4, 8)), batch_size=2, data_name='other')
    >>> it = io.PrefetchingIter([a, b])
    >>> [d.name for d in it.provide_data]
    ['data', 'other']
    >>> [x.asnumpy().tolist() for x in it.next().data]
    [[0.0, 1.0], [4.0, 5.0]]
    """

    def __init__(self, iters: Any, rename_data: list | None = None,
                 rename_label: list | None = None) -> None:
        super().__init__()
        self.iters = iters if isinstance(iters, list) else [iters]
        self.rename_data = rename_data
        self.rename_label = rename_label
        self.batch_size = self.provide_data[0].shape[0]
        self.current_batch: DataBatch | None = None

    @staticmethod
    def _renamed(descs: list, renames: list | None) -> list[DataDesc]:
        if renames is None:
            return [d for ds in descs for d in ds]
        return [DataDesc(r.get(d.name, d.name), d.shape, d.dtype, d.layout)
                for r, ds in zip(renames, descs) for d in ds]

    @property
    def provide_data(self) -> list[DataDesc]:
        """The data descriptions of every iterator, renamed.

        See Also
        --------
        provide_label

        Examples
        --------
        >>> from minigluon import io
        >>> it = io.PrefetchingIter(io.NDArrayIter(list(range(4)), batch_size=2),
        ...                         rename_data=[{'data': 'x'}])
        >>> it.provide_data[0].name
        'x'
        """
        return self._renamed([i.provide_data for i in self.iters], self.rename_data)

    @property
    def provide_label(self) -> list[DataDesc]:
        """The label descriptions of every iterator, renamed.

        See Also
        --------
        provide_data

        Examples
        --------
        >>> from minigluon import io
        >>> io.PrefetchingIter(io.NDArrayIter(list(range(4)), batch_size=2)).provide_label
        []
        """
        return self._renamed([i.provide_label for i in self.iters], self.rename_label)

    def reset(self) -> None:
        """Reset every iterator.

        See Also
        --------
        next

        Examples
        --------
        >>> from minigluon import io
        >>> it = io.PrefetchingIter(io.NDArrayIter(list(range(2)), batch_size=2))
        >>> _ = list(it); it.reset(); len(list(it))
        1
        """
        for i in self.iters:
            i.reset()

    def iter_next(self) -> bool:
        """Read the next batch of every iterator; False when any is exhausted.

        Returns
        -------
        bool

        See Also
        --------
        next

        Examples
        --------
        >>> from minigluon import io
        >>> it = io.PrefetchingIter(io.NDArrayIter(list(range(2)), batch_size=2))
        >>> it.iter_next(), it.iter_next()
        (True, False)
        """
        try:
            batches = [i.next() for i in self.iters]
        except StopIteration:
            return False
        self.current_batch = DataBatch(
            data=[d for b in batches for d in b.data],
            label=[lb for b in batches for lb in (b.label or [])],
            pad=batches[0].pad, index=batches[0].index,
            provide_data=self.provide_data, provide_label=self.provide_label)
        return True

    def next(self) -> DataBatch:
        """The joined next batch.

        Returns
        -------
        DataBatch

        See Also
        --------
        reset

        Examples
        --------
        >>> from minigluon import io
        >>> print(io.PrefetchingIter(io.NDArrayIter(list(range(2)), batch_size=2)).next())
        DataBatch: data shapes: [(2,)] label shapes: None
        """
        if self.iter_next():
            return self.current_batch
        raise StopIteration

    def getdata(self) -> Any:
        """The data of the current joined batch.

        Returns
        -------
        list of NDArray

        See Also
        --------
        getlabel

        Examples
        --------
        >>> from minigluon import io
        >>> it = io.PrefetchingIter(io.NDArrayIter(list(range(2)), batch_size=2))
        >>> _ = it.iter_next(); len(it.getdata())
        1
        """
        return self.current_batch.data

    def getlabel(self) -> Any:
        """The labels of the current joined batch.

        Returns
        -------
        list of NDArray

        See Also
        --------
        getdata

        Examples
        --------
        >>> from minigluon import io
        >>> it = io.PrefetchingIter(io.NDArrayIter(list(range(2)), [0, 1], batch_size=2))
        >>> _ = it.iter_next(); it.getlabel()[0].asnumpy()
        array([0., 1.], dtype=float32)
        """
        return self.current_batch.label

    def getpad(self) -> int:
        """Padding examples in the current joined batch (the first iterator's).

        Returns
        -------
        int

        See Also
        --------
        getdata

        Examples
        --------
        >>> from minigluon import io
        >>> it = io.PrefetchingIter(io.NDArrayIter(list(range(2)), batch_size=2))
        >>> _ = it.iter_next(); it.getpad()
        0
        """
        return self.current_batch.pad
