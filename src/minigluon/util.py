"""Process-wide switches MXNet keeps in ``mxnet.util``: numpy shape semantics.

MXNet's NumPy-compatible array mode (``mx.np``, ``@use_np``) is left out of minigluon:
:func:`is_np_array` is always False and :func:`use_np` makes a function raise that says so.

See Also
--------
np_shape, is_np_shape, is_np_array
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import Any

from .base import MXNetError

__all__ = ["np_shape", "is_np_shape", "set_np_shape", "is_np_array", "use_np"]

_state = threading.local()


def is_np_shape() -> bool:
    """True inside ``np_shape()``: shape inference marks unknown dimensions with -1.

    Returns
    -------
    bool
        Whether numpy shape semantics are on.

    See Also
    --------
    np_shape, set_np_shape

    Examples
    --------
    >>> from minigluon import util
    >>> util.is_np_shape()
    False
    """
    return getattr(_state, "active", False)


def set_np_shape(active: bool) -> bool:
    """Turn numpy shape semantics on or off; returns the previous setting.

    Parameters
    ----------
    active : bool
        The new setting.

    Returns
    -------
    bool
        The previous setting.

    See Also
    --------
    np_shape, is_np_shape

    Examples
    --------
    >>> from minigluon import util
    >>> util.set_np_shape(True), util.set_np_shape(False)
    (False, True)
    """
    prev = is_np_shape()
    _state.active = bool(active)
    return prev


class np_shape:  # noqa: N801 - MXNet's name; used as a function
    """Numpy shape semantics inside a ``with`` block (or a decorated function).

    With them on, ``Symbol.infer_shape_partial`` takes -1 for an unknown dimension and
    returns None for an unknown shape; off (the default, MXNet's legacy convention), 0 is an
    unknown dimension and ``()`` an unknown shape.

    Parameters
    ----------
    active : bool, default True
        The setting inside the block.

    See Also
    --------
    minigluon.util.is_np_shape, minigluon.symbol.Symbol.infer_shape_partial

    Examples
    --------
    >>> import minigluon as mx
    >>> y = mx.sym.transpose(mx.sym.var('x'))
    >>> with mx.np_shape():
    ...     print(y.infer_shape_partial(x=(-1, 3))[1])
    [(3, -1)]
    """

    def __init__(self, active: bool = True) -> None:
        self._active = active
        self._prev = False

    def __enter__(self) -> np_shape:
        self._prev = set_np_shape(self._active)
        return self

    def __exit__(self, *exc: Any) -> None:
        set_np_shape(self._prev)

    def __call__(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            with np_shape(self._active):
                return fn(*args, **kwargs)
        return wrapped


_NO_NP_ARRAY = ("minigluon implements MXNet's legacy NDArray mode only; the NumPy-compatible "
                "array mode (mx.np, mx.npx, @use_np) is not available")


def is_np_array() -> bool:
    """Whether MXNet's NumPy-compatible array mode is on: always False in minigluon.

    Returns
    -------
    bool
        False: arrays are always the legacy ``mx.nd.NDArray``.

    See Also
    --------
    use_np, is_np_shape

    Examples
    --------
    >>> from minigluon import util
    >>> util.is_np_array()
    False
    """
    return False


def use_np(func: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator that would run ``func`` in the NumPy-compatible mode: the result raises.

    Parameters
    ----------
    func : callable
        A function (or test) written for ``mx.np`` arrays.

    Returns
    -------
    callable
        A function that raises ``MXNetError`` saying the mode is not available.

    See Also
    --------
    is_np_array, np_shape

    Examples
    --------
    >>> from minigluon import util
    >>> @util.use_np
    ... def f():
    ...     return 1
    >>> try:
    ...     f()
    ... except Exception as e:
    ...     print(str(e)[:52])
    minigluon implements MXNet's legacy NDArray mode onl
    """

    @functools.wraps(func)
    def no_np_array_mode(*args: Any, **kwargs: Any) -> Any:
        raise MXNetError(_NO_NP_ARRAY)

    return no_np_array_mode
