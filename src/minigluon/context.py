"""Devices. minigluon runs on one device, the CPU; contexts exist so MXNet code runs unchanged.

See Also
--------
Context, cpu, current_context
"""

from __future__ import annotations

import threading
from typing import Any, ClassVar

from .base import MXNetError

__all__ = ["Context", "cpu", "gpu", "cpu_pinned", "current_context", "num_gpus"]


class Context:
    """A device on which arrays live (always the CPU in minigluon).

    ``with ctx:`` makes ``ctx`` the default for code that creates arrays without ``ctx=``.

    Parameters
    ----------
    device_type : str or Context
        ``'cpu'``, ``'gpu'`` or ``'cpu_pinned'``; only the CPU can hold arrays here.
    device_id : int, default 0
        Index of the device.

    See Also
    --------
    cpu, gpu, current_context
    minigluon.ndarray.NDArray.as_in_context

    Examples
    --------
    >>> import minigluon as mx
    >>> ctx = mx.Context('cpu', 0)
    >>> ctx
    cpu(0)
    >>> ctx == mx.cpu()
    True
    >>> with mx.cpu(0):
    ...     print(mx.current_context())
    cpu(0)
    """

    _default = threading.local()
    devtype2str: ClassVar[dict[int, str]] = {1: "cpu", 2: "gpu", 3: "cpu_pinned", 5: "cpu_shared"}
    devstr2type: ClassVar[dict[str, int]] = {v: k for k, v in devtype2str.items()}

    def __init__(self, device_type: Any, device_id: int = 0) -> None:
        self._old: list[Context] = []
        if isinstance(device_type, Context):
            self.device_typeid, self.device_id = device_type.device_typeid, device_type.device_id
            return
        if device_type not in self.devstr2type:
            raise ValueError(f"unknown device type {device_type!r}; use 'cpu' or 'gpu'")
        self.device_typeid = self.devstr2type[device_type]
        self.device_id = int(device_id)

    @property
    def device_type(self) -> str:
        """Device type as a string (``'cpu'``).

        See Also
        --------
        Context, cpu

        Examples
        --------
        >>> import minigluon as mx
        >>> mx.cpu().device_type
        'cpu'
        """
        return self.devtype2str[self.device_typeid]

    def __eq__(self, other: object) -> bool:
        return (
            isinstance(other, Context)
            and self.device_typeid == other.device_typeid
            and self.device_id == other.device_id
        )

    def __hash__(self) -> int:
        return hash((self.device_typeid, self.device_id))

    def __repr__(self) -> str:
        return f"{self.device_type}({self.device_id})"

    __str__ = __repr__

    def __enter__(self) -> Context:
        self._old.append(current_context())
        Context._default.value = self
        return self

    def __exit__(self, *exc: Any) -> None:
        Context._default.value = self._old.pop()

    def empty_cache(self) -> None:
        """Release cached memory (nothing to do on the CPU).

        See Also
        --------
        Context

        Examples
        --------
        >>> import minigluon as mx
        >>> mx.cpu().empty_cache()
        """


def cpu(device_id: int = 0) -> Context:
    """The CPU context.

    Parameters
    ----------
    device_id : int, default 0
        The device number, kept in the context (there is one CPU here, so it changes nothing else).

    See Also
    --------
    gpu, cpu_pinned, Context

    Examples
    --------
    >>> import minigluon as mx
    >>> mx.cpu()
    cpu(0)
    """
    return Context("cpu", device_id)


def cpu_pinned(device_id: int = 0) -> Context:
    """Pinned CPU memory (the same as :func:`cpu` here).

    Parameters
    ----------
    device_id : int, default 0
        The device number, kept in the context.

    See Also
    --------
    cpu

    Examples
    --------
    >>> import minigluon as mx
    >>> mx.cpu_pinned()
    cpu_pinned(0)
    """
    return Context("cpu_pinned", device_id)


def gpu(device_id: int = 0) -> Context:
    """A GPU context. It can be named, but arrays cannot be placed on it (no GPU here).

    Parameters
    ----------
    device_id : int, default 0
        The GPU number.

    See Also
    --------
    cpu, num_gpus

    Examples
    --------
    >>> import minigluon as mx
    >>> mx.gpu(0)
    gpu(0)
    >>> mx.nd.zeros((1,), ctx=mx.gpu(0))
    Traceback (most recent call last):
    ...
    minigluon.base.MXNetError: minigluon runs on the CPU only; got ctx=gpu(0). Use mx.cpu() ...
    """
    return Context("gpu", device_id)


def num_gpus() -> int:
    """Number of GPUs minigluon can use: always 0.

    See Also
    --------
    gpu, cpu

    Examples
    --------
    >>> import minigluon as mx
    >>> mx.context.num_gpus()
    0
    """
    return 0


def current_context() -> Context:
    """The default context for new arrays (``cpu(0)`` unless inside ``with ctx:``).

    See Also
    --------
    Context, cpu
    minigluon.test_utils.default_context

    Examples
    --------
    >>> import minigluon as mx
    >>> mx.current_context()
    cpu(0)
    """
    return getattr(Context._default, "value", None) or _CPU0


def check_ctx(ctx: Any) -> None:
    """Raise unless ``ctx`` names the CPU (``None``, a CPU Context or ``'cpu'``)."""
    if ctx is None:
        return
    c = ctx if isinstance(ctx, Context) else Context(ctx)
    if c.device_type == "gpu":
        raise MXNetError(
            f"minigluon runs on the CPU only; got ctx={c}. Use mx.cpu() (or drop ctx=)."
        )


_CPU0 = Context("cpu", 0)
