"""Array-generic helpers for backward rules that must also run on NDArrays.

A backward rule gets numpy arrays normally and NDArrays when autograd differentiates the
backward pass itself (``autograd.grad(..., create_graph=True)``). Rules written with operators
(``+ - * / **``, comparisons), ``.sum``/``.reshape`` and ``G.<op>(...)`` work for both: ``G.exp(x)``
calls the registered op's numpy forward on numpy input and ``invoke`` (recorded) otherwise.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .dispatch import invoke
from .registry import get

__all__ = ["G", "unbroadcast"]


class _Generic:
    def __getattr__(self, name: str) -> Any:
        op = get(name)

        def call(*arrays: Any, **attrs: Any) -> Any:
            if all(isinstance(a, (np.ndarray, np.generic, float, int)) for a in arrays):
                return op.forward(*arrays, **attrs)
            return invoke(op, arrays, {**op.attr_defaults, **attrs})

        call.__name__ = name
        setattr(self, name, call)  # cache: __getattr__ runs once per name
        return call


G = _Generic()


def unbroadcast(g: Any, shape: tuple) -> Any:
    """Sum ``g`` over the axes that broadcasting expanded, so that it has ``shape``."""
    gshape = tuple(g.shape)
    if gshape == tuple(shape):
        return g
    lead = len(gshape) - len(shape)
    axes = tuple(range(lead)) + tuple(
        i + lead for i, s in enumerate(shape) if s == 1 and gshape[i + lead] != 1
    )
    if axes:
        g = g.sum(axis=axes, keepdims=True)
    if isinstance(g, np.ndarray):
        return g.reshape(shape)
    return g.reshape(shape) if shape else g.reshape((1,))
