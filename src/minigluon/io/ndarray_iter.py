"""``NDArrayIter``: batches over in-memory arrays (NDArrays, numpy arrays, lists or dicts)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..base import MXNetError
from ..ndarray.ndarray import NDArray, array
from .base import DataBatch, DataDesc, DataIter

__all__ = ["NDArrayIter"]

_HANDLES = ("pad", "discard", "roll_over")


def _init_data(data: Any, allow_empty: bool, default_name: str) -> list[tuple[str, NDArray]]:
    """``(name, NDArray)`` pairs sorted by name: one array is named ``default_name``, a list's
    arrays ``_0_<default_name>``, ``_1_...``; a dict keeps its keys."""
    if data is None:
        data = []
    if isinstance(data, (np.ndarray, NDArray)):
        data = [data]
    if isinstance(data, (list, tuple)):
        if len(data) and not isinstance(data[0], (np.ndarray, NDArray, list, tuple)):
            data = [data]  # one array given as a list of numbers
        if not data and not allow_empty:
            raise ValueError("NDArrayIter: data must not be empty")
        if len(data) == 1:
            data = {default_name: data[0]}
        else:
            data = {f"_{i}_{default_name}": d for i, d in enumerate(data)}
    if not isinstance(data, dict):
        raise TypeError("Input must be NDArray, numpy.ndarray, a list of them or dict with them "
                        "as values")
    out = []
    for k, v in data.items():
        if not isinstance(v, NDArray):
            try:
                v = array(v)
            except (TypeError, ValueError) as e:
                raise TypeError(f"Invalid type '{type(v)}' for {k}, should be NDArray or "
                                "numpy.ndarray") from e
        out.append((k, v))
    return sorted(out, key=lambda kv: kv[0])


class NDArrayIter(DataIter):
    """Iterate over arrays in batches along their first (batch) axis.

    Parameters
    ----------
    data : NDArray, numpy.ndarray, list or dict of them
        Inputs; one array is named ``data_name``, a list's arrays ``_0_<data_name>``...,
        a dict's by their keys (sorted).
    label : same kinds as ``data``, optional
        Labels (named from ``label_name``).
    batch_size : int, default 1
        Samples per batch.
    shuffle : bool, default False
        Permute the examples at every ``reset`` (numpy's global generator, as MXNet).
    last_batch_handle : {'pad', 'discard', 'roll_over'}, default 'pad'
        An incomplete last batch is filled from the start (``pad`` counts the repeats),
        dropped, or carried into the first batch of the next epoch.
    data_name : str, default 'data'
        Name of the data input when ``data`` is not a dict.
    label_name : str, default 'softmax_label'
        Name of the label input when ``label`` is not a dict.
    layout : str, default 'NCHW'
        Where the batch axis ``N`` is.

    See Also
    --------
    DataBatch, DataDesc, CSVIter
    minigluon.module.BaseModule.fit

    Examples
    --------
    >>> import numpy as np
    >>> from minigluon import io
    >>> it = io.NDArrayIter(np.arange(10).reshape(5, 2), label=np.arange(5), batch_size=2)
    >>> it.provide_data, it.provide_label
    ([DataDesc[data,(2, 2),<class 'numpy.float32'>,NCHW]], [DataDesc[softmax_label,(2,),<class 'numpy.float32'>,NCHW]])
    >>> [(b.label[0].asnumpy().tolist(), b.pad) for b in it]
    [([0.0, 1.0], 0), ([2.0, 3.0], 0), ([4.0, 0.0], 1)]
    """  # noqa: E501

    def __init__(self, data: Any, label: Any = None, batch_size: int = 1, shuffle: bool = False,
                 last_batch_handle: str = "pad", data_name: str = "data",
                 label_name: str = "softmax_label", layout: str = "NCHW") -> None:
        super().__init__(batch_size)
        if last_batch_handle not in _HANDLES:
            raise ValueError(f"last_batch_handle must be one of {_HANDLES}, got "
                             f"{last_batch_handle!r}")
        if int(batch_size) <= 0:
            raise ValueError(f"batch_size must be positive, got {batch_size}")
        self.data = _init_data(data, allow_empty=False, default_name=data_name)
        self.label = _init_data(label, allow_empty=True, default_name=label_name)
        self.layout = layout
        self._axis = max(layout.find("N"), 0)
        sizes = {k: v.shape[self._axis] for k, v in self.data + self.label}
        self.num_data = sizes[self.data[0][0]]
        # The data decides how many examples there are; longer labels (or extra inputs) are
        # read only that far, as in MXNet. Shorter ones would run out mid-epoch: refused.
        if any(s < self.num_data for s in sizes.values()):
            raise MXNetError(f"NDArrayIter: every input needs at least as many examples as the "
                             f"data ({self.num_data}); got {sizes}")
        self.batch_size = int(batch_size)
        self.shuffle = shuffle
        self.last_batch_handle = last_batch_handle
        self.idx = np.arange(self.num_data)
        self.cursor = -self.batch_size
        self._carry: np.ndarray | None = None  # examples rolled over to the next epoch
        self._first: np.ndarray | None = None  # ... and being served in this epoch's first batch
        self.reset()

    def _desc(self, pairs: list) -> list[DataDesc]:
        return [DataDesc(k, (*v.shape[:self._axis], self.batch_size, *v.shape[self._axis + 1:]),
                         v.dtype, layout=self.layout) for k, v in pairs]

    @property
    def provide_data(self) -> list[DataDesc]:
        """Name, batch shape, dtype and layout of each data input.

        See Also
        --------
        provide_label

        Examples
        --------
        >>> from minigluon import io, nd
        >>> io.NDArrayIter({'a': nd.ones((4, 3))}, batch_size=2).provide_data
        [DataDesc[a,(2, 3),<class 'numpy.float32'>,NCHW]]
        """
        return self._desc(self.data)

    @property
    def provide_label(self) -> list[DataDesc]:
        """Name, batch shape, dtype and layout of each label input.

        See Also
        --------
        provide_data

        Examples
        --------
        >>> from minigluon import io, nd
        >>> io.NDArrayIter(nd.ones((4, 3)), nd.zeros((4,)), batch_size=2).provide_label
        [DataDesc[softmax_label,(2,),<class 'numpy.float32'>,NCHW]]
        """
        return self._desc(self.label)

    def hard_reset(self) -> None:
        """Start over, dropping any rolled-over examples.

        See Also
        --------
        reset

        Examples
        --------
        >>> from minigluon import io
        >>> it = io.NDArrayIter(list(range(3)), batch_size=2, last_batch_handle='roll_over')
        >>> _ = list(it); it.hard_reset(); it.next().data[0].asnumpy()
        array([0., 1.], dtype=float32)
        """
        if self.shuffle:
            np.random.shuffle(self.idx)
        self.cursor = -self.batch_size
        self._carry = self._first = None

    def reset(self) -> None:
        """Start a new epoch (reshuffling; with ``roll_over`` the leftover examples come first).

        See Also
        --------
        hard_reset

        Examples
        --------
        >>> from minigluon import io
        >>> it = io.NDArrayIter(list(range(3)), batch_size=2, last_batch_handle='roll_over')
        >>> _ = list(it); it.reset(); it.next().data[0].asnumpy()
        array([2., 0.], dtype=float32)
        """
        if self.shuffle:
            np.random.shuffle(self.idx)
        self._first = None
        if self.last_batch_handle == "roll_over" and self._carry is not None:
            self._first, self._carry = self._carry, None
            self.cursor = -len(self._first) - self.batch_size
        else:
            self.cursor = -self.batch_size

    def iter_next(self) -> bool:
        """Advance by one batch; False when the epoch is over.

        Returns
        -------
        bool

        See Also
        --------
        next

        Examples
        --------
        >>> from minigluon import io
        >>> it = io.NDArrayIter(list(range(3)), batch_size=2, last_batch_handle='discard')
        >>> it.iter_next(), it.iter_next()
        (True, False)
        """
        self.cursor += self.batch_size
        if self.cursor >= self.num_data:
            return False
        if self.last_batch_handle == "pad" or self.cursor + self.batch_size <= self.num_data:
            return True
        if self.last_batch_handle == "roll_over":
            self._carry = self.idx[self.cursor:]
        return False

    def _indices(self) -> np.ndarray:
        c, bs, n = self.cursor, self.batch_size, self.num_data
        if c < 0:  # the first batch after a roll-over
            return np.concatenate([self._first, self.idx[:c + bs]])
        if c + bs <= n:
            return self.idx[c:c + bs]
        return self.idx[np.arange(c, c + bs) % n]  # 'pad': wrap around to the start

    def _take(self, pairs: list) -> list[NDArray]:
        idx = self._indices()
        return [NDArray(np.take(v._data, idx, axis=self._axis)) for _, v in pairs]

    def getdata(self) -> list[NDArray]:
        """The data arrays of the current batch.

        Returns
        -------
        list of NDArray

        See Also
        --------
        getlabel, next

        Examples
        --------
        >>> from minigluon import io
        >>> it = io.NDArrayIter(list(range(4)), batch_size=3)
        >>> _ = it.iter_next(); it.getdata()[0].asnumpy()
        array([0., 1., 2.], dtype=float32)
        """
        return self._take(self.data)

    def getlabel(self) -> list[NDArray]:
        """The label arrays of the current batch (an empty list without labels).

        Returns
        -------
        list of NDArray

        See Also
        --------
        getdata

        Examples
        --------
        >>> from minigluon import io
        >>> it = io.NDArrayIter(list(range(4)), label=[0, 1, 0, 1], batch_size=2)
        >>> _ = it.iter_next(); it.getlabel()[0].asnumpy()
        array([0., 1.], dtype=float32)
        """
        return self._take(self.label)

    def getpad(self) -> int:
        """Padding examples in the current batch (repeats with ``pad``; MXNet's count of
        carried examples in the first batch after a ``roll_over``).

        Returns
        -------
        int

        See Also
        --------
        DataBatch

        Examples
        --------
        >>> from minigluon import io
        >>> [b.pad for b in io.NDArrayIter(list(range(5)), batch_size=3)]
        [0, 1]
        """
        if self.last_batch_handle == "pad" and self.cursor + self.batch_size > self.num_data:
            return self.cursor + self.batch_size - self.num_data
        if self.last_batch_handle == "roll_over" and -self.batch_size < self.cursor < 0:
            return -self.cursor
        return 0

    def next(self) -> DataBatch:
        """The next batch (StopIteration at the end of the epoch).

        Returns
        -------
        DataBatch

        See Also
        --------
        reset

        Examples
        --------
        >>> from minigluon import io
        >>> print(io.NDArrayIter(list(range(4)), batch_size=2).next())
        DataBatch: data shapes: [(2,)] label shapes: None
        """
        if not self.iter_next():
            raise StopIteration
        return DataBatch(data=self.getdata(), label=self.getlabel(), pad=self.getpad(),
                         index=None)
