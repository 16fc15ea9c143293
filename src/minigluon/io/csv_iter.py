"""``CSVIter``: batches of rows read from local CSV files (one example per line)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..base import MXNetError
from ..ndarray.ndarray import NDArray
from .base import DataBatch
from .ndarray_iter import NDArrayIter

__all__ = ["CSVIter"]


def _read(path: str, shape: tuple, dtype: Any, what: str) -> np.ndarray:
    try:
        rows = np.loadtxt(path, delimiter=",", dtype=dtype, ndmin=2)
    except (OSError, ValueError) as e:
        raise MXNetError(f"CSVIter: cannot read {what} file '{path}': {e}") from e
    per_row = int(np.prod(shape))
    if rows.shape[1] != per_row:
        raise MXNetError(f"CSVIter: {what} file '{path}' has {rows.shape[1]} values per line, "
                         f"but {what}_shape {tuple(shape)} needs {per_row}")
    return rows.reshape((len(rows), *shape))


class CSVIter(NDArrayIter):
    """Iterate over a CSV file of examples (and an optional CSV file of labels) in batches.

    Each line holds one example, flattened; it is reshaped to ``data_shape``. Without
    ``label_csv`` every label is 0. As MXNet's, ``getdata()`` and ``getlabel()`` return one
    NDArray each; batches (``next()``) hold lists.

    Parameters
    ----------
    data_csv : str
        Path of the data file.
    data_shape : tuple of int
        Shape of one example.
    label_csv : str, optional
        Path of the label file.
    label_shape : tuple of int, default (1,)
        Shape of one label (``(1,)`` gives labels of shape ``(batch_size,)``).
    batch_size : int, default 1
        Samples per batch.
    round_batch : bool, default True
        Fill the last batch from the start of the file (else drop it).
    dtype : {'float32', 'int32', 'int64'}, default 'float32'
        Data type of the returned arrays.
    **kwargs
        MXNet's prefetching options (``prefetch_buffer``, ...), accepted and ignored.

    See Also
    --------
    NDArrayIter

    Examples
    --------
    >>> import os, tempfile
    >>> from minigluon import io
    >>> path = os.path.join(tempfile.mkdtemp(), 'data.csv')
    >>> with open(path, 'w') as f:
    ...     _ = f.write('1,2\\n3,4\\n5,6\\n')
    >>> it = io.CSVIter(data_csv=path, data_shape=(2,), batch_size=2)
    >>> [b.data[0].asnumpy().tolist() for b in it]
    [[[1.0, 2.0], [3.0, 4.0]], [[5.0, 6.0], [1.0, 2.0]]]
    """

    def __init__(self, data_csv: str, data_shape: tuple, label_csv: str | None = None,
                 label_shape: tuple = (1,), batch_size: int = 1, round_batch: bool = True,
                 dtype: str = "float32", **kwargs: Any) -> None:
        if dtype not in ("float32", "int32", "int64"):
            raise ValueError(f"CSVIter: dtype must be float32, int32 or int64, got {dtype!r}")
        data = _read(data_csv, tuple(data_shape), dtype, "data")
        if label_csv is None:
            label = np.zeros((len(data), *label_shape), dtype)
        else:
            label = _read(label_csv, tuple(label_shape), dtype, "label")
        if tuple(label_shape) == (1,):
            label = label.reshape(len(label))
        super().__init__({"data": NDArray(data)}, {"softmax_label": NDArray(label)},
                         batch_size=batch_size,
                         last_batch_handle="pad" if round_batch else "discard")

    def getdata(self) -> NDArray:  # type: ignore[override]
        """The data of the current batch, one NDArray.

        Returns
        -------
        NDArray

        See Also
        --------
        getlabel

        Examples
        --------
        >>> import os, tempfile
        >>> from minigluon import io
        >>> path = os.path.join(tempfile.mkdtemp(), 'd.csv')
        >>> with open(path, 'w') as f:
        ...     _ = f.write('1,2\\n')
        >>> it = io.CSVIter(data_csv=path, data_shape=(2,))
        >>> _ = it.iter_next(); it.getdata().asnumpy()
        array([[1., 2.]], dtype=float32)
        """
        return super().getdata()[0]

    def getlabel(self) -> NDArray:  # type: ignore[override]
        """The labels of the current batch, one NDArray.

        Returns
        -------
        NDArray

        See Also
        --------
        getdata

        Examples
        --------
        >>> import os, tempfile
        >>> from minigluon import io
        >>> path = os.path.join(tempfile.mkdtemp(), 'd.csv')
        >>> with open(path, 'w') as f:
        ...     _ = f.write('1,2\\n')
        >>> it = io.CSVIter(data_csv=path, data_shape=(2,))
        >>> _ = it.iter_next(); it.getlabel().asnumpy()
        array([0.], dtype=float32)
        """
        return super().getlabel()[0]

    def next(self) -> DataBatch:
        """The next batch (StopIteration at the end of the file).

        Returns
        -------
        DataBatch

        See Also
        --------
        NDArrayIter.next

        Examples
        --------
        >>> import os, tempfile
        >>> from minigluon import io
        >>> path = os.path.join(tempfile.mkdtemp(), 'd.csv')
        >>> with open(path, 'w') as f:
        ...     _ = f.write('1,2\\n')
        >>> print(io.CSVIter(data_csv=path, data_shape=(2,)).next())
        DataBatch: data shapes: [(1, 2)] label shapes: [(1,)]
        """
        if not self.iter_next():
            raise StopIteration
        return DataBatch(data=[self.getdata()], label=[self.getlabel()], pad=self.getpad())
