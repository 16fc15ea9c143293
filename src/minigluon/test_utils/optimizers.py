"""Checks of optimizers: two optimizers must leave the same weights and states."""

from __future__ import annotations

from typing import Any

from .. import _rng
from ..ndarray import NDArray, array
from .compare import assert_almost_equal

__all__ = ["compare_ndarray_tuple", "compare_optimizer"]


def compare_ndarray_tuple(t1: Any, t2: Any, rtol: Any = None, atol: Any = None) -> None:
    """Compare two arrays, or two (nested) tuples of arrays, element by element.

    ``None`` on either side compares equal to anything (an optimizer without state).

    Parameters
    ----------
    t1, t2 : NDArray, numpy.ndarray, tuple or None
        Values to compare; tuples are compared elementwise.
    rtol, atol : float, optional
        Relative and absolute tolerances.

    Returns
    -------
    None

    See Also
    --------
    compare_optimizer, assert_almost_equal

    Examples
    --------
    >>> from minigluon import nd
    >>> from minigluon.test_utils import compare_ndarray_tuple
    >>> compare_ndarray_tuple((nd.ones(2), (nd.zeros(1),)), (nd.ones(2), (nd.zeros(1),)))
    >>> compare_ndarray_tuple(nd.ones(2), None)
    """
    if t1 is None or t2 is None:
        return
    if isinstance(t1, tuple):
        if not isinstance(t2, tuple) or len(t1) != len(t2):
            raise AssertionError(f"compare_ndarray_tuple: structures differ: {type(t1).__name__}"
                                 f" of {len(t1)} vs {type(t2).__name__}")
        for a, b in zip(t1, t2):
            compare_ndarray_tuple(a, b, rtol, atol)
    else:
        assert_almost_equal(t1, t2, rtol=rtol, atol=atol)


def compare_optimizer(opt1: Any, opt2: Any, shape: Any, dtype: Any, w_stype: str = "default",
                      g_stype: str = "default", rtol: float = 1e-4, atol: float = 1e-5,
                      compare_states: bool = True, ntensors: int = 1) -> None:
    """Run one update of two optimizers on the same random weight and gradient; compare.

    Both optimizers create their state for the weight (through
    ``create_state_multi_precision``), update it once (``update_multi_precision``), and
    the weights (and, with ``compare_states``, the states) must agree. A list of shapes
    checks ``ntensors`` weights, one index each.

    Parameters
    ----------
    opt1, opt2 : Optimizer
        The two optimizers to compare.
    shape : tuple of int or list of tuple
        Shape of the weight, or one per tensor.
    dtype : str or numpy dtype
        Data type of the weights.
    w_stype, g_stype : {'default'}
        Only dense storage exists in minigluon.
    rtol, atol : float
        Relative and absolute tolerances.
    compare_states : bool, default True
        Also compare the optimizer states.
    ntensors : int, default 1
        Number of tensors updated together.

    Returns
    -------
    None

    See Also
    --------
    compare_ndarray_tuple
    minigluon.optimizer.Optimizer

    Examples
    --------
    >>> from minigluon import optimizer
    >>> from minigluon.test_utils import compare_optimizer
    >>> sgd = optimizer.SGD(learning_rate=0.1, momentum=0.9)
    >>> compare_optimizer(sgd, optimizer.SGD(learning_rate=0.1, momentum=0.9), (3, 2),
    ...                   'float32')
    >>> compare_optimizer(sgd, optimizer.SGD(learning_rate=0.2), (3, 2), 'float32')
    Traceback (most recent call last):
    ...
    AssertionError: ...
    """
    if w_stype != "default" or g_stype != "default":
        raise ValueError("compare_optimizer: only dense ('default') storage exists in minigluon")
    shapes = shape if isinstance(shape, list) else [shape]
    if not isinstance(shape, list) and ntensors != 1:
        raise ValueError("compare_optimizer: ntensors > 1 needs a list of shapes")

    def uniform(s: Any) -> NDArray:
        return array(_rng.generator().uniform(0, 1, s), dtype=dtype)

    for i, s in enumerate(shapes[:ntensors]):
        w1, g1 = uniform(s), uniform(s)
        w2, g2 = w1.copy(), g1.copy()
        state1 = opt1.create_state_multi_precision(i, w1)
        state2 = opt2.create_state_multi_precision(i, w2)
        if compare_states:
            compare_ndarray_tuple(state1, state2)
        opt1.update_multi_precision(i, w1, g1, state1)
        opt2.update_multi_precision(i, w2, g2, state2)
        if compare_states:
            compare_ndarray_tuple(state1, state2, rtol=rtol, atol=atol)
        assert_almost_equal(w1, w2, rtol=rtol, atol=atol)
