"""Random numbers: :func:`seed` and the samplers of :mod:`minigluon.ndarray.random`.

See Also
--------
seed
minigluon.ndarray.random : The samplers.
"""

from __future__ import annotations

import numpy as np

from . import _rng
from .ndarray.random import *  # noqa: F403 - MXNet exposes the samplers here too
from .ndarray.random import __all__ as _samplers

__all__ = ["seed", *_samplers]


def seed(seed_state: int, ctx: object = "all") -> None:
    """Seed every random draw (sampling ops, Dropout, initializers, shuffling).

    Parameters
    ----------
    seed_state : int
        The seed; any int, negative ones included.
    ctx : Context or 'all', default 'all'
        Accepted for compatibility (there is one device).

    See Also
    --------
    minigluon.ndarray.random.uniform, minigluon.ndarray.random.normal
    minigluon.gluon.data.RandomSampler, minigluon.gluon.nn.Dropout

    Examples
    --------
    >>> import minigluon as mx
    >>> mx.random.seed(42)
    >>> a = mx.nd.random.uniform(shape=(2,))
    >>> mx.random.seed(42)
    >>> b = mx.nd.random.uniform(shape=(2,))
    >>> bool((a == b).min())
    True
    """
    if isinstance(seed_state, (int, np.integer)) and not isinstance(seed_state, bool):
        # MXNet takes any int (its test draws seeds from [-2**31, 2**31)); numpy wants them
        # non-negative: wrap into [0, 2**64), which keeps distinct seeds distinct
        seed_state = int(seed_state) % 2**64
    _rng.seed(seed_state)
