"""Random test data: arrays and shapes drawn from minigluon's generator."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from .. import _rng
from ..base import MXNetError
from ..context import check_ctx
from ..ndarray import NDArray, array
from .compare import default_dtype

__all__ = ["rand_ndarray", "rand_shape_2d", "rand_shape_3d", "rand_shape_nd", "random_arrays",
           "random_uniform_arrays", "random_sample"]


# -- random data --------------------------------------------------------------------------------
def rand_ndarray(shape: Sequence[int] | int, stype: str = "default", density: Any = None,
                 dtype: Any = None, modifier_func: Any = None, shuffle_csr_indices: bool = False,
                 distribution: Any = None, ctx: Any = None) -> NDArray:
    """An NDArray of standard-normal values (float32 unless ``dtype`` says otherwise).

    Parameters
    ----------
    shape : int or tuple of int
        Shape of the array.
    stype : {'default'}
        Storage type; only dense arrays exist in minigluon.
    density, modifier_func, shuffle_csr_indices, distribution : optional
        Accepted for compatibility: MXNet uses them for sparse arrays only.
    dtype : str or numpy dtype, default float32
        Element type.
    ctx : Context, optional
        Device; only the CPU exists in minigluon.

    Returns
    -------
    NDArray

    See Also
    --------
    rand_shape_nd

    Examples
    --------
    >>> import minigluon as mx
    >>> from minigluon.test_utils import rand_ndarray
    >>> mx.random.seed(0)
    >>> x = rand_ndarray((2, 3), dtype='float64')
    >>> x.shape, x.dtype
    ((2, 3), <class 'numpy.float64'>)
    """
    if stype != "default":
        raise MXNetError(f"rand_ndarray: storage type {stype!r} is not supported; minigluon "
                         "arrays are dense (stype='default')")
    check_ctx(ctx)
    shape = (shape,) if isinstance(shape, numbers.Integral) else tuple(shape)
    return array(_rng.generator().standard_normal(shape), dtype=dtype or default_dtype())


def rand_shape_2d(dim0: int = 10, dim1: int = 10, allow_zero_size: bool = False
                  ) -> tuple[int, int]:
    """A random 2-D shape with ``1 <= shape[i] <= dim_i`` (0 allowed if ``allow_zero_size``).

    Parameters
    ----------
    dim0, dim1 : int, default 10
        The largest size of each axis.
    allow_zero_size : bool, default False
        Let an axis have size 0 (the smallest size is 1 otherwise).

    See Also
    --------
    rand_shape_3d, rand_ndarray

    Examples
    --------
    >>> import minigluon as mx
    >>> from minigluon.test_utils import rand_shape_2d
    >>> mx.random.seed(0)
    >>> s = rand_shape_2d(3, 4)
    >>> len(s), 1 <= s[0] <= 3, 1 <= s[1] <= 4
    (2, True, True)
    """
    return tuple(_dims((dim0, dim1), allow_zero_size))  # type: ignore[return-value]


def rand_shape_3d(dim0: int = 10, dim1: int = 10, dim2: int = 10, allow_zero_size: bool = False
                  ) -> tuple[int, int, int]:
    """A random 3-D shape with ``1 <= shape[i] <= dim_i`` (0 allowed if ``allow_zero_size``).

    Parameters
    ----------
    dim0, dim1, dim2 : int, default 10
        The largest size of each axis.
    allow_zero_size : bool, default False
        Let an axis have size 0 (the smallest size is 1 otherwise).

    See Also
    --------
    rand_shape_2d, rand_ndarray

    Examples
    --------
    >>> import minigluon as mx
    >>> from minigluon.test_utils import rand_shape_3d
    >>> mx.random.seed(0)
    >>> len(rand_shape_3d(2, 2, 2))
    3
    """
    return tuple(_dims((dim0, dim1, dim2), allow_zero_size))  # type: ignore[return-value]


def rand_shape_nd(num_dim: int, dim: int = 10, allow_zero_size: bool = False) -> tuple[int, ...]:
    """A random ``num_dim``-D shape with every dimension in ``[1, dim]``.

    Parameters
    ----------
    num_dim : int
        Number of dimensions.
    dim : int, default 10
        Largest size of a dimension.
    allow_zero_size : bool, default False
        Let dimensions be 0 too.

    Returns
    -------
    tuple of int

    See Also
    --------
    rand_shape_2d, rand_shape_3d, rand_ndarray

    Examples
    --------
    >>> import minigluon as mx
    >>> from minigluon.test_utils import rand_shape_nd
    >>> mx.random.seed(0)
    >>> s = rand_shape_nd(4, dim=3)
    >>> len(s), all(1 <= d <= 3 for d in s)
    (4, True)
    """
    return tuple(_dims((dim,) * num_dim, allow_zero_size))


def _dims(highs: tuple, allow_zero_size: bool) -> list[int]:
    low = 0 if allow_zero_size else 1
    return [int(d) for d in _rng.generator().integers(low, np.asarray(highs) + 1)]




def random_arrays(*shapes: Any) -> Any:
    """Standard-normal numpy arrays (float32), one per shape; one array for one shape.

    A shape ``()`` gives a 0-d array.

    Parameters
    ----------
    *shapes : tuple of int
        Shape of each array made, one array per shape.

    Returns
    -------
    numpy.ndarray or list of numpy.ndarray

    See Also
    --------
    random_uniform_arrays, rand_ndarray

    Examples
    --------
    >>> import minigluon as mx
    >>> from minigluon.test_utils import random_arrays
    >>> mx.random.seed(0)
    >>> a, b = random_arrays((2, 3), ())
    >>> a.shape, a.dtype, b.shape
    ((2, 3), dtype('float32'), ())
    """
    arrays = [np.asarray(_rng.generator().standard_normal(tuple(s)), dtype=default_dtype())
              for s in shapes]
    return arrays[0] if len(arrays) == 1 else arrays


def random_uniform_arrays(*shapes: Any, low: float = 0.0, high: float = 1.0,
                          dtype: Any = np.float32) -> Any:
    """Numpy arrays uniform in ``[low, high)``, one per shape; one array for one shape.

    Parameters
    ----------
    *shapes : tuple of int
        Shape of each array made, one array per shape.
    low, high : float, default 0 and 1
        Bounds of the uniform distribution.
    dtype : numpy dtype, default float32
        Data type of the arrays.

    Returns
    -------
    numpy.ndarray or list of numpy.ndarray

    See Also
    --------
    random_arrays

    Examples
    --------
    >>> import minigluon as mx
    >>> from minigluon.test_utils import random_uniform_arrays
    >>> mx.random.seed(0)
    >>> x = random_uniform_arrays((100,), low=2, high=3)
    >>> bool(x.min() >= 2 and x.max() < 3)
    True
    """
    arrays = [np.asarray(_rng.generator().uniform(low, high, tuple(s)), dtype=dtype)
              for s in shapes]
    return arrays[0] if len(arrays) == 1 else arrays


def random_sample(population: Sequence[Any], k: int) -> list[Any]:
    """``k`` distinct elements of ``population`` in random order.

    Parameters
    ----------
    population : sequence
        Items to sample from.
    k : int
        At most ``len(population)``.

    Returns
    -------
    list

    See Also
    --------
    random_arrays

    Examples
    --------
    >>> import minigluon as mx
    >>> from minigluon.test_utils import random_sample
    >>> mx.random.seed(0)
    >>> sorted(random_sample(range(10), 10)) == list(range(10))
    True
    """
    population = list(population)
    if not 0 <= k <= len(population):
        raise ValueError(f"random_sample: k must be in [0, {len(population)}], got {k}")
    picks = _rng.generator().permutation(len(population))[:k]
    return [population[i] for i in picks]
