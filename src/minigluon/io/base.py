"""What data iterators hand out: ``DataDesc`` (name, shape, dtype, layout), ``DataBatch``, and
the ``DataIter`` protocol that ``Module.fit`` consumes."""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Iterator
from typing import Any

import numpy as np

__all__ = ["DataDesc", "DataBatch", "DataIter"]


class DataDesc(namedtuple("DataDesc", ["name", "shape"])):
    """The name and shape of one input (plus its dtype and layout), as iterators describe it.

    It is a ``(name, shape)`` tuple, so ``dict(iter.provide_data)`` maps names to shapes.

    Parameters
    ----------
    name : str
        Input name (``'data'``, ``'softmax_label'``).
    shape : tuple of int
        Shape of one batch.
    dtype : numpy type, default numpy.float32
        Data type of the array.
    layout : str, default 'NCHW'
        Where the batch axis ``N`` is.

    See Also
    --------
    DataBatch, NDArrayIter.provide_data

    Examples
    --------
    >>> from minigluon import io
    >>> d = io.DataDesc('data', (32, 3, 8, 8))
    >>> d
    DataDesc[data,(32, 3, 8, 8),<class 'numpy.float32'>,NCHW]
    >>> d.name, d.shape, io.DataDesc.get_batch_axis(d.layout)
    ('data', (32, 3, 8, 8), 0)
    """

    dtype: Any
    layout: str

    def __new__(cls, name: str, shape: tuple, dtype: Any = np.float32,
                layout: str = "NCHW") -> DataDesc:
        ret = super().__new__(cls, name, tuple(shape))
        ret.dtype = dtype
        ret.layout = layout
        return ret

    def __repr__(self) -> str:
        return f"DataDesc[{self.name},{self.shape},{self.dtype},{self.layout}]"

    def __getnewargs__(self) -> tuple:
        return (self.name, self.shape, self.dtype, self.layout)

    @staticmethod
    def get_batch_axis(layout: str | None) -> int:
        """Index of the batch axis ``N`` in ``layout`` (0 when there is no layout).

        Parameters
        ----------
        layout : str or None
            Layout string such as ``'NCHW'``; None means batch axis 0.

        Returns
        -------
        int
            The batch axis.

        See Also
        --------
        DataDesc

        Examples
        --------
        >>> from minigluon import io
        >>> io.DataDesc.get_batch_axis('TNC')
        1
        """
        return 0 if layout is None else layout.find("N")

    @staticmethod
    def get_list(shapes: list, types: list | None) -> list[DataDesc]:
        """DataDescs from ``(name, shape)`` pairs and optional ``(name, dtype)`` pairs.

        Parameters
        ----------
        shapes : list of (str, tuple)
            Name and shape of each input.
        types : list of (str, dtype) or None
            Name and data type of each input; None means float32.

        Returns
        -------
        list of DataDesc
            One per shape.

        See Also
        --------
        DataDesc

        Examples
        --------
        >>> from minigluon import io
        >>> io.DataDesc.get_list([('data', (2, 3))], [('data', 'int32')])
        [DataDesc[data,(2, 3),int32,NCHW]]
        """
        if types is not None:
            type_dict = dict(types)
            return [DataDesc(name, shape, type_dict[name]) for name, shape in shapes]
        return [DataDesc(name, shape) for name, shape in shapes]


class DataBatch:
    """One batch: lists of data and label arrays, and how many examples are padding.

    Parameters
    ----------
    data : list of NDArray
        Input arrays of the batch.
    label : list of NDArray, optional
        Label arrays of the batch.
    pad : int, optional
        Examples at the end of the batch that repeat earlier ones (prediction drops them).
    index : numpy.ndarray, optional
        The examples' indices.
    bucket_key : optional
        Key of the bucket the batch belongs to (bucketing modules).
    provide_data, provide_label : list of DataDesc, optional
        Names and shapes of ``data`` and ``label``.

    See Also
    --------
    DataIter, NDArrayIter

    Examples
    --------
    >>> from minigluon import io, nd
    >>> print(io.DataBatch(data=[nd.ones((2, 3))], label=[nd.zeros((2,))]))
    DataBatch: data shapes: [(2, 3)] label shapes: [(2,)]
    """

    def __init__(self, data: list | None, label: list | None = None, pad: int | None = None,
                 index: Any = None, bucket_key: Any = None, provide_data: list | None = None,
                 provide_label: list | None = None) -> None:
        if data is not None and not isinstance(data, (list, tuple)):
            raise TypeError("Data must be list of NDArrays")
        if label is not None and not isinstance(label, (list, tuple)):
            raise TypeError("Label must be list of NDArrays")
        self.data = data
        self.label = label
        self.pad = pad
        self.index = index
        self.bucket_key = bucket_key
        self.provide_data = provide_data
        self.provide_label = provide_label

    def __str__(self) -> str:
        data_shapes = [d.shape for d in self.data or []]
        label_shapes = [lb.shape for lb in self.label] if self.label else None
        return f"{type(self).__name__}: data shapes: {data_shapes} label shapes: {label_shapes}"


class DataIter:
    """Base class of data iterators: ``next()`` gives a DataBatch, ``reset()`` starts over.

    Subclasses implement ``iter_next``, ``getdata``, ``getlabel``, ``getpad`` (and
    ``provide_data``/``provide_label``), or override ``next`` directly.

    Parameters
    ----------
    batch_size : int, default 0
        Samples per batch.

    See Also
    --------
    NDArrayIter, CSVIter
    minigluon.module.BaseModule.fit : Trains on a DataIter.

    Examples
    --------
    >>> from minigluon import io, nd
    >>> class Twice(io.DataIter):
    ...     def __init__(self):
    ...         super().__init__(batch_size=1)
    ...         self.n = 0
    ...     def reset(self):
    ...         self.n = 0
    ...     def next(self):
    ...         self.n += 1
    ...         if self.n > 2:
    ...             raise StopIteration
    ...         return io.DataBatch([nd.array([self.n])])
    >>> [float(b.data[0].asscalar()) for b in Twice()]
    [1.0, 2.0]
    """

    def __init__(self, batch_size: int = 0) -> None:
        self.batch_size = batch_size

    def __iter__(self) -> Iterator[DataBatch]:
        return self

    def reset(self) -> None:
        """Start over from the first batch.

        See Also
        --------
        next

        Examples
        --------
        >>> from minigluon import io
        >>> it = io.NDArrayIter(list(range(4)), batch_size=2)
        >>> _ = list(it); it.reset(); it.next().data[0].asnumpy()
        array([0., 1.], dtype=float32)
        """

    def next(self) -> DataBatch:
        """The next batch (StopIteration at the end).

        Returns
        -------
        DataBatch
            The batch.

        See Also
        --------
        reset

        Examples
        --------
        >>> from minigluon import io
        >>> io.NDArrayIter(list(range(3)), batch_size=2).next().data[0].asnumpy()
        array([0., 1.], dtype=float32)
        """
        if self.iter_next():
            return DataBatch(data=self.getdata(), label=self.getlabel(), pad=self.getpad(),
                             index=self.getindex())
        raise StopIteration

    def __next__(self) -> DataBatch:
        return self.next()

    def iter_next(self) -> bool:
        """Move to the next batch; False at the end.

        Returns
        -------
        bool

        See Also
        --------
        next

        Examples
        --------
        >>> from minigluon import io
        >>> it = io.NDArrayIter(list(range(2)), batch_size=2)
        >>> it.iter_next(), it.iter_next()
        (True, False)
        """
        raise NotImplementedError(f"{type(self).__name__} must implement iter_next or next")

    def getdata(self) -> Any:
        """The data arrays of the current batch.

        Returns
        -------
        list of NDArray

        See Also
        --------
        getlabel

        Examples
        --------
        >>> from minigluon import io
        >>> it = io.NDArrayIter(list(range(2)), batch_size=2)
        >>> _ = it.iter_next(); it.getdata()[0].shape
        (2,)
        """
        raise NotImplementedError(f"{type(self).__name__} must implement getdata")

    def getlabel(self) -> Any:
        """The label arrays of the current batch (None by default).

        Returns
        -------
        list of NDArray or None

        See Also
        --------
        getdata

        Examples
        --------
        >>> from minigluon import io
        >>> it = io.NDArrayIter(list(range(2)), label=[1, 0], batch_size=2)
        >>> _ = it.iter_next(); it.getlabel()[0].asnumpy()
        array([1., 0.], dtype=float32)
        """
        return None

    def getindex(self) -> Any:
        """The indices of the current batch's examples (None by default).

        Returns
        -------
        numpy.ndarray or None

        See Also
        --------
        getpad

        Examples
        --------
        >>> from minigluon import io
        >>> io.DataIter().getindex() is None
        True
        """
        return None

    def getpad(self) -> int:
        """How many examples at the end of the current batch are padding (0 by default).

        Returns
        -------
        int

        See Also
        --------
        getindex

        Examples
        --------
        >>> from minigluon import io
        >>> it = io.NDArrayIter(list(range(3)), batch_size=2)
        >>> [b.pad for b in it]
        [0, 1]
        """
        return 0
