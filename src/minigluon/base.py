"""Errors and dtype conventions shared by every layer of minigluon.

See Also
--------
MXNetError, ShapeError, NotImplementedForSymbol
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["MXNetError", "ShapeError", "NotImplementedForSymbol"]

#: Default dtype of every array minigluon creates (MXNet's ``mx_real_t``).
mx_real_t = np.float32
numeric_types = (float, int, np.generic)
integer_types = (int, np.integer)

_DTYPE_NAMES = {"float32", "float64", "float16", "uint8", "int8", "int32", "int64", "bool"}


#: Parts of MXNet 1.x that minigluon leaves out, by import path, and what to do instead. Code
#: that reaches for one gets this reason rather than a bare "has no attribute" (each package's
#: module ``__getattr__`` asks :func:`_missing_attribute`); docs/coming-from-mxnet.md shows them.
_LEFT_OUT = {
    "kv": "the kvstore synchronises parameters across devices and machines; minigluon runs in "
          "one process on one CPU, and gluon.Trainer updates the parameters itself",
    "np": "MXNet's NumPy-compatible mode (mx.np / mx.npx) is not implemented; use the classic "
          "mx.nd API, which minigluon follows",
    "recordio": "RecordIO files are not read or written; load data with gluon.data (ArrayDataset, "
                "DataLoader) from numpy arrays",
    "image": "MXNet's image decoding and augmentation are not included; decode images with "
             "another library (Pillow, imageio) and wrap the arrays in gluon.data",
    "amp": "automatic mixed precision needs float16 GPU kernels; minigluon computes in float32 "
           "on the CPU",
    "sparse": "minigluon arrays are dense only (stype='default'); use dense NDArrays",
}
_LEFT_OUT |= {"kvstore": _LEFT_OUT["kv"], "npx": _LEFT_OUT["np"], "numpy": _LEFT_OUT["np"],
              "numpy_extension": _LEFT_OUT["np"]}
#: Which package each left-out name belongs under (mx.kv, mx.nd.sparse, mx.contrib.amp).
_LEFT_OUT_IN = {"sparse": "minigluon.ndarray", "amp": "minigluon.contrib"}


def _missing_attribute(module: str, name: str) -> AttributeError:
    """The error for ``module.name`` that does not exist: the reason when MXNet has it."""
    if name in _LEFT_OUT and _LEFT_OUT_IN.get(name, "minigluon") == module:
        return AttributeError(f"{module}.{name} is left out of minigluon: {_LEFT_OUT[name]} "
                              "(see 'Coming from MXNet' in the docs)")
    return AttributeError(f"module {module!r} has no attribute {name!r}")


class MXNetError(RuntimeError):
    """Error raised by minigluon operators, named like MXNet's so old ``except`` clauses work.

    See Also
    --------
    ShapeError, NotImplementedForSymbol

    Examples
    --------
    >>> from minigluon import nd
    >>> from minigluon.base import MXNetError
    >>> try:
    ...     nd.elemwise_add(nd.ones((2, 3)), nd.ones((3,)))
    ... except MXNetError as e:
    ...     print(type(e).__name__)
    MXNetError
    """


class ShapeError(MXNetError, ValueError):
    """A user-visible shape error: an :class:`MXNetError`, and a ValueError as numpy raises.

    Ops raise it when the shapes of their inputs (or the shape attributes given) do not fit,
    with a message naming the op and the shapes.

    See Also
    --------
    MXNetError

    Examples
    --------
    >>> from minigluon import nd
    >>> from minigluon.base import ShapeError
    >>> try:
    ...     nd.reshape(nd.ones((2, 3)), shape=(4,))
    ... except ShapeError as e:
    ...     print(e)
    Cannot reshape array of size 6 into shape (4,)
    """


class NotImplementedForSymbol(MXNetError):  # noqa: N818 - MXNet's name
    """Raised for NDArray-only operations (``bool()``, in-place ops) applied to a Symbol.

    Parameters
    ----------
    function : callable or str
        The operation that was called; the message shows its ``__name__`` (or the string itself).
    alias : str, optional
        The operator's Python spelling (``"bool"``, ``"+="``), added to the message when given.

    See Also
    --------
    MXNetError
    minigluon.symbol.Symbol

    Examples
    --------
    >>> from minigluon.base import NotImplementedForSymbol
    >>> str(NotImplementedForSymbol("__bool__", "bool"))[:40]
    'Function __bool__ (namely operator "bool'
    """

    def __init__(self, function: Any, alias: str | None = None, *args: Any) -> None:
        name = getattr(function, "__name__", str(function))
        msg = f"Function {name}"
        if alias:
            msg += f' (namely operator "{alias}")'
        if args:
            msg += " with arguments (" + ", ".join(type(a).__name__ for a in args) + ")"
        msg += " is not implemented for Symbol and only available in NDArray."
        super().__init__(msg)


def op_error(op: Any, in_shapes: Sequence[tuple | None], err: Exception) -> MXNetError:
    """The error for an op whose numpy code failed: the op, the message, the input shapes.

    Running imperatively, running a hybridized graph and inferring a graph's shapes all raise
    this, so an error has the same type and text in every mode. ``in_shapes`` has one shape
    (or ``None`` for an absent input) per positional input of ``op``.
    """
    names = [p.name for p in op.array_params]
    if op.variadic:
        n = len(in_shapes)
        names = [f"{names[-1]}[{i}]" for i in range(n)] if len(names) == 1 else names + ["*"] * n
    shapes = ", ".join(f"{p}: {tuple(s)}" for p, s in zip(names, in_shapes) if s is not None)
    return MXNetError(f"{op.name}: {err} (inputs: {shapes})" if shapes else f"{op.name}: {err}")


def py_str(x: bytes | str) -> str:
    """Text from the bytes a C API would return (MXNet's helper); a ``str`` passes through.

    minigluon has no C library, but code written for MXNet decodes error texts and names
    with this function.

    Examples
    --------
    >>> py_str(b"dense0_weight")
    'dense0_weight'
    """
    return x.decode("utf-8") if isinstance(x, bytes) else x


string_types = (str,)


def as_dtype(dtype: Any) -> np.dtype:
    """Normalise a dtype given as a string, numpy type or ``None`` (meaning float32)."""
    if dtype is None:
        return np.dtype(mx_real_t)
    try:
        return np.dtype(dtype)
    except TypeError:
        raise TypeError(f"unknown dtype {dtype!r}; use one of {sorted(_DTYPE_NAMES)}") from None
