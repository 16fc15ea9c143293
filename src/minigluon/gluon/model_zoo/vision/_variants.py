"""Named model constructors (``resnet18_v1``, ``vgg16_bn``, ...) as thin wrappers.

Each family module has one general constructor (``get_resnet(version, num_layers, ...)``)
and, as MXNet has, one function per published variant that fixes its arguments. They differ
only in those arguments and in their docstrings, so they are made here from a template.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def variant(name: str, builder: Callable[..., Any], args: tuple, doc: str, module: str,
            **fixed: Any) -> Callable[..., Any]:
    """A function ``name(**kwargs)`` returning ``builder(*args, **kwargs, **fixed)``."""
    def make(**kwargs: Any) -> Any:
        return builder(*args, **{**kwargs, **fixed})
    make.__name__ = make.__qualname__ = name
    make.__module__ = module
    make.__doc__ = doc
    return make
