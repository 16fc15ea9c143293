"""MXNet's ``mx.util`` switches for the NumPy-compatible mode, which minigluon does not have.

MXNet 1.x can run Gluon on ``mx.np`` arrays (``npx.set_np()``, ``@use_np``). minigluon
implements only the legacy NDArray mode, so the queries here always answer ``False`` and
the switches that would turn the mode on raise an error that says so.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from .base import MXNetError

_NO_NP_MODE = ("minigluon implements MXNet's legacy NDArray mode only; the NumPy-compatible "
               "mode (mx.np, npx.set_np, @use_np) is not available")


def is_np_array() -> bool:
    """Whether the NumPy-compatible array mode is on: always ``False`` in minigluon."""
    return False


def is_np_shape() -> bool:
    """Whether NumPy shape semantics (0-d, zero-size arrays) are on: always ``False``."""
    return False


def set_np(shape: bool = True, array: bool = True) -> None:
    """Turn the NumPy-compatible mode on: raises, minigluon has no such mode."""
    if shape or array:
        raise MXNetError(_NO_NP_MODE)


def use_np(func: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator running ``func`` in the NumPy-compatible mode: calling the result raises."""

    @functools.wraps(func)
    def no_np_mode(*args: Any, **kwargs: Any) -> Any:
        raise MXNetError(_NO_NP_MODE)

    return no_np_mode
