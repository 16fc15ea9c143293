"""Gluon utilities: hook handles, splitting batches, gradient clipping.

See Also
--------
split_and_load, clip_global_norm, create_feature_extractor
minigluon.gluon.Trainer
"""

from __future__ import annotations

import hashlib
import math
import warnings
from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import ndarray as nd
from ..context import check_ctx
from ..ndarray import NDArray
from .features import create_feature_extractor, get_graph_node_names
from .hooks import HookHandle, _brief_print_list  # noqa: F401 - MXNet's import path

__all__ = ["HookHandle", "split_data", "split_and_load", "clip_global_norm", "check_sha1",
           "create_feature_extractor", "get_graph_node_names"]


def split_data(data: NDArray, num_slice: int, batch_axis: int = 0,
               even_split: bool = True) -> list[NDArray]:
    """Split ``data`` into ``num_slice`` parts along ``batch_axis``.

    With ``even_split=False`` the sizes may differ by one, the first parts being the larger
    (as ``numpy.array_split``); with ``even_split=True`` a size that ``num_slice`` does not
    divide is an error.

    Parameters
    ----------
    data : NDArray
        The batch to split.
    num_slice : int
        The number of parts; at most ``data.shape[batch_axis]``.
    batch_axis : int, default 0
        The axis to split along.
    even_split : bool, default True
        Require equal parts (an error when ``num_slice`` does not divide the size); False allows
        parts that differ by one.

    See Also
    --------
    split_and_load : Split and place each part on its device.
    minigluon.ndarray.split

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> [p.shape for p in gluon.utils.split_data(nd.ones((6, 2)), 3)]
    [(2, 2), (2, 2), (2, 2)]
    >>> [p.shape for p in gluon.utils.split_data(nd.ones((2, 7)), 3, 1, even_split=False)]
    [(2, 3), (2, 2), (2, 2)]
    """
    size = data.shape[batch_axis]
    if even_split and size % num_slice != 0:
        raise ValueError(f"data with shape {data.shape} cannot be evenly split into {num_slice} "
                         f"slices along axis {batch_axis}. Use a batch size that's multiple of "
                         f"{num_slice} or set even_split=False to allow uneven partitioning of "
                         "data.")
    if size < num_slice:
        raise ValueError(f"Too many slices for data with shape {data.shape}. Arguments are "
                         f"num_slice={num_slice} and batch_axis={batch_axis}.")
    step, extra = divmod(size, num_slice)
    bounds = [0]
    for i in range(num_slice):
        bounds.append(bounds[-1] + step + (i < extra))
    return [nd.slice_axis(data, axis=batch_axis, begin=bounds[i], end=bounds[i + 1])
            for i in range(num_slice)]


def split_and_load(data: Any, ctx_list: Sequence, batch_axis: int = 0,
                   even_split: bool = True) -> list[NDArray]:
    """Split a batch into one part per context (one part here: the CPU is the only device).

    Parameters
    ----------
    data : NDArray or array_like
        The batch; anything else is first made an NDArray.
    ctx_list : sequence of Context
        One context per part; each must be a CPU context here. With one context the whole batch is
        returned as the only part.
    batch_axis : int, default 0
        The axis to split along.
    even_split : bool, default True
        Require equal parts (see :func:`split_data`).

    See Also
    --------
    split_data, minigluon.gluon.data.DataLoader

    Examples
    --------
    >>> import minigluon as mx
    >>> from minigluon import gluon, nd
    >>> parts = gluon.utils.split_and_load(nd.ones((4, 3)), [mx.cpu()])
    >>> len(parts), parts[0].shape
    (1, (4, 3))
    """
    for c in ctx_list:
        check_ctx(c)
    if not isinstance(data, NDArray):
        data = nd.array(data)
    if len(ctx_list) == 1:
        return [data]
    return split_data(data, len(ctx_list), batch_axis, even_split)


def clip_global_norm(arrays: Sequence[NDArray], max_norm: float,
                     check_isfinite: bool = True) -> float:
    """Scale ``arrays`` in place so that their joint L2 norm is at most ``max_norm``.

    Returns the norm before clipping.

    Parameters
    ----------
    arrays : sequence of NDArray
        The arrays (usually gradients), scaled in place; must not be empty.
    max_norm : float
        The largest joint L2 norm left after clipping.
    check_isfinite : bool, default True
        Warn when the norm is NaN or infinite (the scaling is then undefined).

    See Also
    --------
    minigluon.gluon.Trainer.allreduce_grads, minigluon.gluon.Trainer.update
    minigluon.ndarray.norm

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> grads = [nd.array([3.0, 0.0]), nd.array([4.0])]
    >>> gluon.utils.clip_global_norm(grads, 1.0)
    5.0
    >>> grads[0]
    <BLANKLINE>
    [0.6 0. ]
    <NDArray 2 @cpu(0)>
    """
    if not arrays:
        raise ValueError("clip_global_norm: arrays must not be empty")
    total = math.sqrt(sum(float(np.sum(np.square(a._data, dtype=np.float64)))
                          for a in arrays))
    if check_isfinite and not math.isfinite(total):
        warnings.warn("nan or inf is detected. Clipping results will be undefined.",
                      stacklevel=2)
    scale = max_norm / (total + 1e-8)
    if scale < 1.0:
        for a in arrays:
            a._data *= scale
    return total


def check_sha1(filename: str, sha1_hash: str) -> bool:
    """Whether the file's SHA-1 equals ``sha1_hash``.

    Parameters
    ----------
    filename : str
        Path of the file to hash.
    sha1_hash : str
        The expected SHA-1, as 40 lowercase hex digits.

    See Also
    --------
    minigluon.gluon.Block.load_parameters

    Examples
    --------
    >>> import os, tempfile
    >>> from minigluon import gluon
    >>> path = os.path.join(tempfile.mkdtemp(), 'f.txt')
    >>> with open(path, 'w') as f:
    ...     _ = f.write('hi')
    >>> gluon.utils.check_sha1(path, 'c22b5f9178342609428d6f51b2c5af4c0bde6a42')
    True
    """
    sha1 = hashlib.sha1()
    with open(filename, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            sha1.update(chunk)
    return sha1.hexdigest() == sha1_hash
