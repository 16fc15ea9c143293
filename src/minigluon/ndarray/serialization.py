"""``nd.save`` / ``nd.load`` in MXNet's binary NDArray-list format, so real ``.params`` load.

Layout (all little-endian; see SPEC-gluon.md 1.16)::

    uint64 0x112, uint64 0, uint64 n, n x array, uint64 m, m x (uint64 len, utf-8 bytes)
    array = uint32 0xF993FAC9, int32 stype=0, int32 ndim, int64 dims[ndim],
            int32 dev_type, int32 dev_id, int32 type_flag, raw data

Loading also reads the older array records MXNet still accepts (magic 0xF993FAC8, and the
original magic-less record whose first word is ``ndim`` with uint32 dims), the numpy-shape
record 0xF993FACA, and numpy ``.npz``/``.npy`` files. Nothing here uses pickle: every byte is
checked against the format, and a damaged file raises :class:`~minigluon.base.MXNetError`
saying which file, which part and what was wrong.
"""

from __future__ import annotations

import io
import os
import struct
import zipfile
from typing import Any, BinaryIO

import numpy as np

from ..base import MXNetError
from .ndarray import NDArray

__all__ = ["save", "load", "load_frombuffer"]

_LIST_MAGIC = 0x112
_V1_MAGIC, _V2_MAGIC, _V3_MAGIC = 0xF993FAC8, 0xF993FAC9, 0xF993FACA
_BFLOAT16 = 12
#: MXNet's mshadow type flags (``mshadow/base.h``); 12 is bfloat16, read as float32.
_TYPE_FLAGS = {0: "<f4", 1: "<f8", 2: "<f2", 3: "u1", 4: "<i4", 5: "i1", 6: "<i8", 7: "?",
               8: "<i2", 9: "<u2", 10: "<u4", 11: "<u8"}
_FLAG_OF = {np.dtype(v): k for k, v in _TYPE_FLAGS.items()}
_DEV_TYPES = {1, 2, 3, 5}  # cpu, gpu, cpu_pinned, cpu_shared
_MAX_NDIM = 32
_STYPES = {1: "row_sparse", 2: "csr"}


# -- saving -------------------------------------------------------------------------------------
def save(fname: str | os.PathLike, data: Any) -> None:
    """Save an NDArray, a list of NDArrays or a dict of str to NDArray to a file.

    The file uses MXNet's binary format, so MXNet 1.x can read it (``mx.nd.load``) and
    minigluon reads MXNet's files, including ``.params`` files written by ``save_parameters``.
    A single NDArray is saved as a list of one.

    Parameters
    ----------
    fname : str or path-like
        File to write (overwritten if it exists).
    data : NDArray, list of NDArray or dict of str to NDArray
        Arrays to save. Dtypes float16/32/64, uint8, int8, int32, int64 and bool are kept.

    Returns
    -------
    None

    See Also
    --------
    load

    Examples
    --------
    >>> import os, tempfile
    >>> from minigluon import nd
    >>> path = os.path.join(tempfile.mkdtemp(), 'arrays.params')
    >>> nd.save(path, {'w': nd.ones((2, 3)), 'b': nd.zeros(3, dtype='int64')})
    >>> loaded = nd.load(path)
    >>> sorted(loaded), loaded['w'].shape, loaded['b'].dtype
    (['b', 'w'], (2, 3), <class 'numpy.int64'>)
    """
    path = _path(fname)
    names, arrays = _items(data)
    chunks: list[Any] = [struct.pack("<QQQ", _LIST_MAGIC, 0, len(arrays))]
    for i, a in enumerate(arrays):
        x = a._data if a._data.ndim else a._data.reshape(1)  # MXNet 1.x has no 0-d arrays
        flag = _FLAG_OF.get(x.dtype.newbyteorder("<"))
        if flag is None:
            label = repr(names[i]) if names else f"{i}"
            raise MXNetError(f"nd.save: cannot save array {label} of dtype {x.dtype}; MXNet "
                             "files hold float16/32/64, int8/16/32/64, uint8/16/32/64 and "
                             "bool")
        chunks.append(struct.pack(f"<Iii{x.ndim}qiii", _V2_MAGIC, 0, x.ndim, *x.shape,
                                  1, 0, flag))
        chunks.append(np.ascontiguousarray(x, dtype=x.dtype.newbyteorder("<")).data)
    encoded = [n.encode("utf-8") for n in names]
    chunks.append(struct.pack("<Q", len(encoded)))
    for n in encoded:
        chunks += [struct.pack("<Q", len(n)), n]
    with open(path, "wb") as f:
        for c in chunks:
            f.write(c)


def _path(fname: Any) -> str:
    if not isinstance(fname, (str, os.PathLike)):
        raise TypeError(f"fname required to be a string, got {type(fname).__name__}")
    return os.fspath(fname)


def _items(data: Any) -> tuple[list[str], list[NDArray]]:
    if isinstance(data, NDArray):
        return [], [data]
    if isinstance(data, dict):
        bad = [k for k, v in data.items() if not isinstance(k, str) or not isinstance(v, NDArray)]
        if bad:
            raise TypeError("save only accept dict str->NDArray or list of NDArray; entry "
                            f"{bad[0]!r} maps {type(bad[0]).__name__} to "
                            f"{type(data[bad[0]]).__name__}")
        return list(data.keys()), list(data.values())
    if isinstance(data, (list, tuple)):
        bad = [i for i, v in enumerate(data) if not isinstance(v, NDArray)]
        if bad:
            raise TypeError("save only accept dict str->NDArray or list of NDArray; item "
                            f"{bad[0]} is a {type(data[bad[0]]).__name__}")
        return [], list(data)
    raise ValueError("data needs to either be a NDArray, dict of str, NDArray pairs or a list "
                     f"of NDarrays, got {type(data).__name__}")


# -- loading ------------------------------------------------------------------------------------
def load(fname: str | os.PathLike) -> list[NDArray] | dict[str, NDArray]:
    """Load arrays saved by :func:`save` (or by MXNet's ``nd.save`` / ``save_parameters``).

    Returns a dict if the file stores names, else a list. NumPy ``.npz`` archives load as a
    dict and ``.npy`` files as a list of one (object arrays are refused: no pickle is used).

    Parameters
    ----------
    fname : str or path-like
        File to read.

    Returns
    -------
    list of NDArray or dict of str to NDArray
        The arrays, with the dtypes they were saved with (bfloat16 is read as float32).

    Raises
    ------
    MXNetError
        If the file does not exist or is not a valid file: wrong magic, truncated, absurd
        sizes, unknown type flag, sparse storage or bytes after the end of the data.

    See Also
    --------
    save, load_frombuffer

    Examples
    --------
    >>> import os, tempfile
    >>> from minigluon import nd
    >>> path = os.path.join(tempfile.mkdtemp(), 'list.params')
    >>> nd.save(path, [nd.arange(3), nd.ones((2, 2), dtype='float16')])
    >>> a, b = nd.load(path)
    >>> a
    <BLANKLINE>
    [0. 1. 2.]
    <NDArray 3 @cpu(0)>
    >>> b.dtype
    <class 'numpy.float16'>
    """
    path = _path(fname)
    try:
        f = open(path, "rb")  # noqa: SIM115 - closed by the `with` below
    except FileNotFoundError:
        raise MXNetError(f"nd.load: cannot open {path!r}: no such file") from None
    except OSError as e:
        raise MXNetError(f"nd.load: cannot open {path!r}: {e.strerror or e}") from None
    with f:
        head = f.read(8)
        if head.startswith(b"PK\x03\x04") or head.startswith(b"\x93NUMPY"):
            return _load_numpy(path, f)
        f.seek(0)
        return _parse(f, os.fstat(f.fileno()).st_size, repr(path))


def load_frombuffer(buf: bytes) -> list[NDArray] | dict[str, NDArray]:
    """Load arrays from the bytes of a file written by :func:`save`.

    Parameters
    ----------
    buf : bytes or bytearray
        The file contents.

    Returns
    -------
    list of NDArray or dict of str to NDArray
        As :func:`load` returns.

    See Also
    --------
    load

    Examples
    --------
    >>> import os, tempfile
    >>> from minigluon import nd
    >>> from minigluon.ndarray.serialization import load_frombuffer
    >>> path = os.path.join(tempfile.mkdtemp(), 'x.params')
    >>> nd.save(path, {'x': nd.ones(2)})
    >>> with open(path, 'rb') as f:
    ...     print(load_frombuffer(f.read())['x'].shape)
    (2,)
    """
    if not isinstance(buf, (bytes, bytearray, memoryview)):
        raise TypeError(f"buf required to be bytes, got {type(buf).__name__}")
    return _parse(io.BytesIO(buf), len(buf), "<buffer>")


class _Reader:
    """Reads exactly what the format announces, failing with the file name and the part."""

    def __init__(self, f: BinaryIO, size: int, label: str) -> None:
        self.f, self.size, self.label, self.pos = f, size, label, 0

    @property
    def left(self) -> int:
        return self.size - self.pos

    def error(self, msg: str) -> MXNetError:
        return MXNetError(f"nd.load: {self.label} {msg}")

    def truncated(self, n: int, what: str) -> MXNetError:
        return self.error(f"is truncated: expected {n} bytes of {what}, got {max(self.left, 0)}")

    def take(self, n: int, what: str) -> bytes:
        if n > self.left:
            raise self.truncated(n, what)
        b = self.f.read(n)
        if len(b) != n:  # the file shrank while we read it
            raise self.truncated(n, what)
        self.pos += n
        return b

    def unpack(self, fmt: str, what: str) -> tuple:
        return struct.unpack(fmt, self.take(struct.calcsize(fmt), what))

    def array(self, n: int, dtype: np.dtype, what: str) -> np.ndarray:
        if n * dtype.itemsize > self.left:
            raise self.truncated(n * dtype.itemsize, what)
        buf = bytearray(n * dtype.itemsize)  # writable, so arrays need no extra copy
        if self.f.readinto(buf) != len(buf):
            raise self.truncated(len(buf), what)
        self.pos += len(buf)
        return np.frombuffer(buf, dtype=dtype)


def _parse(f: BinaryIO, size: int, label: str) -> list[NDArray] | dict[str, NDArray]:
    r = _Reader(f, size, label)
    if size == 0:
        raise r.error("is empty, not an MXNet NDArray file")
    (magic,) = r.unpack("<Q", "the file header")
    if magic != _LIST_MAGIC:
        raise r.error(f"is not an MXNet NDArray file: expected magic 0x112 in the first 8 "
                      f"bytes, got {magic:#x}")
    r.unpack("<Q", "the file header")  # reserved; MXNet writes 0 and never checks it
    (n,) = r.unpack("<Q", "the number of arrays")
    if n * 4 > r.left:  # every array record takes at least 4 bytes
        raise r.error(f"is truncated or corrupt: it declares {n} arrays but only {r.left} "
                      "bytes follow")
    arrays = [_read_array(r, f"array {i + 1} of {n}") for i in range(n)]
    (m,) = r.unpack("<Q", "the number of array names")
    if m not in (0, n):
        raise r.error(f"is corrupt: it has {n} arrays but {m} names (expected 0 or {n})")
    names = []
    for i in range(m):
        (length,) = r.unpack("<Q", f"the length of name {i + 1} of {m}")
        raw = r.take(length, f"name {i + 1} of {m}")
        try:
            names.append(raw.decode("utf-8"))
        except UnicodeDecodeError:
            raise r.error(f"is corrupt: name {i + 1} of {m} is not valid UTF-8") from None
    if r.left:
        raise r.error(f"has {r.left} unexpected bytes after the last record (a corrupt "
                      "file, or two files joined together)")
    return dict(zip(names, arrays)) if names else arrays


def _read_array(r: _Reader, what: str) -> NDArray:
    (magic,) = r.unpack("<I", f"the record header of {what}")
    if magic in (_V2_MAGIC, _V3_MAGIC):
        (stype,) = r.unpack("<i", f"the storage type of {what}")
        if stype != 0:
            kind = _STYPES.get(stype)
            if kind:
                raise r.error(f"stores {what} as a sparse '{kind}' array; minigluon arrays "
                              "are dense: convert it with .tostype('default') before saving")
            raise r.error(f"is corrupt: {what} has unknown storage type {stype}")
        (ndim,) = r.unpack("<i", f"the shape of {what}")
        dim_fmt = "q"
    elif magic == _V1_MAGIC:
        (ndim,) = r.unpack("<I", f"the shape of {what}")
        dim_fmt = "q"
    else:  # the original record: its first word is ndim, its dims are uint32
        if magic > _MAX_NDIM:
            raise r.error(f"is corrupt: {what} starts with {magic:#x}, which is neither an "
                          f"array record magic (0x{_V2_MAGIC:X}) nor a plausible ndim")
        ndim, dim_fmt = magic, "I"
    if magic == _V3_MAGIC and ndim == -1:
        return _none_array()  # unknown shape: MXNet stores nothing else
    if not 0 <= ndim <= _MAX_NDIM:
        raise r.error(f"is corrupt: {what} has ndim {ndim} (expected 0 to {_MAX_NDIM})")
    if ndim == 0 and magic != _V3_MAGIC:
        return _none_array()  # legacy "none" array: MXNet stores nothing else
    dims = r.unpack(f"<{ndim}{dim_fmt}", f"the shape of {what}")
    if magic == _V3_MAGIC and -1 in dims:
        return _none_array()
    if any(d < 0 for d in dims):
        raise r.error(f"is corrupt: {what} has shape {dims} with a negative dimension")
    dev_type, _dev_id, flag = r.unpack("<iii", f"the context and type of {what}")
    if dev_type not in _DEV_TYPES:
        raise r.error(f"is corrupt: {what} has device type {dev_type} (expected 1 for cpu or "
                      "2 for gpu)")
    count = int(np.prod(dims, dtype=object)) if dims else 1
    if flag == _BFLOAT16:
        raw = r.array(count, np.dtype("<u2"), f"bfloat16 data for {what}")
        data = (raw.astype(np.uint32) << 16).view(np.float32)
    elif flag in _TYPE_FLAGS:
        dt = np.dtype(_TYPE_FLAGS[flag])
        label = "bool" if dt.kind == "b" else dt.name
        if dt.kind == "b":  # bytes other than 0/1 would make invalid numpy bools
            data = r.array(count, np.dtype("u1"), f"{label} data for {what}") != 0
        else:
            data = r.array(count, dt, f"{label} data for {what}")
            if not data.dtype.isnative:
                data = data.astype(data.dtype.newbyteorder("="))
    else:
        raise r.error(f"is corrupt: {what} has unknown type_flag {flag} (known: "
                      f"{sorted([*_TYPE_FLAGS, _BFLOAT16])})")
    return NDArray(data.reshape(dims if dims else (1,)))


def _none_array() -> NDArray:
    # MXNet's "none" NDArray (never initialised): an empty float32 array stands in for it.
    return NDArray(np.zeros((0,), dtype=np.float32))


def _load_numpy(path: str, f: BinaryIO) -> list[NDArray] | dict[str, NDArray]:
    f.seek(0)
    try:
        loaded = np.load(f, allow_pickle=False)
        if isinstance(loaded, np.ndarray):
            return [_from_numpy(path, "the array", loaded)]
        with loaded:
            return {k: _from_numpy(path, repr(k), loaded[k]) for k in loaded.files}
    except MXNetError:
        raise
    except (ValueError, OSError, EOFError, zipfile.BadZipFile, KeyError) as e:
        raise MXNetError(f"nd.load: {path!r} is not a readable numpy file: {e}") from None


def _from_numpy(path: str, what: str, x: np.ndarray) -> NDArray:
    if x.dtype.kind not in "biuf":
        raise MXNetError(f"nd.load: {path!r}: {what} has dtype {x.dtype}; only numeric arrays "
                         "can become NDArrays")
    return NDArray(np.ascontiguousarray(x).reshape(x.shape or (1,)))
