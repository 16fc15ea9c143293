"""``_tap``: an identity op that calls a Python function with the values flowing through it.

Hybridized graphs run without Python per layer, so forward hooks of traced children are
compiled into ``_tap`` nodes that call the hook when the graph runs (a minigluon addition;
MXNet silently skips such hooks).
"""

from __future__ import annotations

from .registry import Case, register

__all__: list[str] = []


@register(namespace="_internal", cases=[Case((2, 3), (2, 3), wrt=(0,))])
def _tap(data, *inputs, fn=None):
    """Return ``data`` unchanged after calling ``fn(data, *inputs)`` (if given).

    Examples
    --------
    >>> from minigluon import nd
    >>> seen = []
    >>> nd._internal._tap(nd.ones((2,)), fn=lambda d: seen.append(d.shape))
    <BLANKLINE>
    [1. 1.]
    <NDArray 2 @cpu(0)>
    >>> seen
    [(2,)]
    """
    if fn is not None:
        fn(data, *inputs)
    return data


_tap.def_backward(lambda g, ins, out, fn=None: (g, *[None] * (len(ins) - 1)))
_tap.def_shape(lambda data, *inputs, fn=None: tuple(data))
