"""Softmax family along one axis: softmax, log_softmax, softmin (all numerically stable).

Each subtracts the maximum before exponentiating, so large inputs do not overflow. The
backward rules use only operators and ``.sum``: all three support second derivatives.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..base import ShapeError, as_dtype
from .generic import G
from .indexing import _pick_shape, pick
from .reduce import normalize_axis
from .registry import Case, register, same_shape

__all__: list[str] = []

_CASES = [Case((3, 4)), Case((3, 4), axis=0), Case((2, 3, 4), axis=1, temperature=2.0),
          Case((5,)), Case((2, 3, 4), axis=-1, temperature=0.5)]


def _prepare(name: str, data: Any, axis: Any, temperature: Any, negate: bool = False
             ) -> tuple[int, np.ndarray]:
    """(axis index, ``x / T`` (negated for softmin) shifted so that its maximum is 0)."""
    x = np.asarray(data)
    ax = normalize_axis(name, axis, x.ndim)
    if temperature is not None and float(temperature) != 1.0:
        if float(temperature) == 0.0:
            raise ShapeError(f"{name}: temperature must be non-zero, got {temperature!r}")
        x = x / float(temperature)  # a Python float keeps float32 as float32
    if negate:
        x = -x
    return ax, x - x.max(axis=ax, keepdims=True)


def _cast(res: np.ndarray, dtype: Any) -> np.ndarray:
    return res if dtype is None else res.astype(as_dtype(dtype), copy=False)


def _finish(name: str, grad: Callable[..., Any]) -> Callable[..., tuple]:
    """A backward rule from ``grad(g, y, axis)``: scale by 1/T and return the input's dtype."""

    def backward(g, ins, out, axis, temperature, dtype):
        (x,) = ins
        gx = grad(g, out, axis)
        if temperature is not None and float(temperature) != 1.0:
            gx = gx * (1.0 / float(temperature))
        if dtype is not None and gx.dtype != np.asarray(x).dtype:
            gx = gx.astype(np.asarray(x).dtype)
        return (gx,)

    backward.__name__ = f"{name}_backward"
    return backward


@register(method=True, higher_order=True, shape=same_shape, cases=_CASES)
def softmax(data, *, axis=-1, temperature=None, dtype=None):
    """Softmax along ``axis``: ``exp(x / T) / sum(exp(x / T), axis)``.

    Computed as ``exp(x - max(x))`` normalised, so it never overflows. Each slice along
    ``axis`` sums to 1.

    Parameters
    ----------
    data : NDArray
        Input array.
    axis : int, default -1
        Axis to normalise over.
    temperature : float, optional
        ``T`` above (default 1): higher values give flatter distributions.
    dtype : str, optional
        dtype of the result (default: ``data``'s dtype).

    Returns
    -------
    NDArray
        Same shape as ``data``.

    See Also
    --------
    log_softmax, softmin, SoftmaxActivation

    Examples
    --------
    >>> from minigluon import nd
    >>> x = nd.array([[0, 0], [1, 1], [1000, 1000]])
    >>> nd.softmax(x)
    <BLANKLINE>
    [[0.5 0.5]
     [0.5 0.5]
     [0.5 0.5]]
    <NDArray 3x2 @cpu(0)>
    >>> nd.softmax(nd.array([[0, 0], [0, 0]]), axis=0)
    <BLANKLINE>
    [[0.5 0.5]
     [0.5 0.5]]
    <NDArray 2x2 @cpu(0)>
    """
    ax, z = _prepare("softmax", data, axis, temperature)
    e = np.exp(z)
    e /= e.sum(axis=ax, keepdims=True)
    return _cast(e, dtype)


softmax.def_backward(_finish("softmax", lambda g, y, axis: y * (
    g - (g * y).sum(axis=axis, keepdims=True))))


@register(method=True, higher_order=True, shape=same_shape, cases=_CASES)
def log_softmax(data, *, axis=-1, temperature=None, dtype=None):
    """Logarithm of the softmax along ``axis``: ``x / T - log(sum(exp(x / T), axis))``.

    Computed as ``(x - max) - log(sum(exp(x - max)))``: accurate where ``log(softmax(x))``
    would underflow to ``-inf``. ``SoftmaxCrossEntropyLoss`` is built on it.

    Parameters
    ----------
    data : NDArray
        Input array.
    axis : int, default -1
        Axis to normalise over.
    temperature : float, optional
        ``T`` above (default 1).
    dtype : str, optional
        dtype of the result (default: ``data``'s dtype).

    Returns
    -------
    NDArray
        Same shape as ``data``.

    See Also
    --------
    softmax, softmin

    Examples
    --------
    >>> from minigluon import nd
    >>> nd.log_softmax(nd.array([[0, 0], [0, -200]]))
    <BLANKLINE>
    [[  -0.6931472   -0.6931472]
     [   0.        -200.       ]]
    <NDArray 2x2 @cpu(0)>
    """
    ax, z = _prepare("log_softmax", data, axis, temperature)
    return _cast(z - np.log(np.exp(z).sum(axis=ax, keepdims=True)), dtype)


log_softmax.def_backward(_finish("log_softmax", lambda g, y, axis: (
    g - G.exp(y) * g.sum(axis=axis, keepdims=True))))


@register(method=True, higher_order=True, shape=same_shape, cases=_CASES)
def softmin(data, *, axis=-1, temperature=None, dtype=None):
    """Softmin along ``axis``: ``exp(-x / T) / sum(exp(-x / T), axis)`` (softmax of ``-x``).

    Small inputs get large weights; each slice along ``axis`` sums to 1.

    Parameters
    ----------
    data : NDArray
        Input array.
    axis : int, default -1
        Axis to normalise over.
    temperature : float, optional
        ``T`` above (default 1).
    dtype : str, optional
        dtype of the result (default: ``data``'s dtype).

    Returns
    -------
    NDArray
        Same shape as ``data``.

    See Also
    --------
    softmax, log_softmax

    Examples
    --------
    >>> from minigluon import nd
    >>> nd.softmin(nd.array([[5, 5], [-1000, -1000]]))
    <BLANKLINE>
    [[0.5 0.5]
     [0.5 0.5]]
    <NDArray 2x2 @cpu(0)>
    """
    ax, z = _prepare("softmin", data, axis, temperature, negate=True)
    e = np.exp(z)
    e /= e.sum(axis=ax, keepdims=True)
    return _cast(e, dtype)


softmin.def_backward(_finish("softmin", lambda g, y, axis: -y * (
    g - (g * y).sum(axis=axis, keepdims=True))))


# -- the cross-entropy of SoftmaxCrossEntropyLoss as one op ---------------------------------
def _ce_shape(dshape, lshape=None, *, axis=-1):
    if lshape is not None:  # checks that the labels fit the scores
        return _pick_shape(dshape, lshape, axis, True)
    if dshape is None:
        raise ValueError("_softmax_cross_entropy_loss: cannot infer the output shape from an "
                         "unknown data shape")
    ax = normalize_axis("_softmax_cross_entropy_loss", axis, len(dshape))
    return tuple(1 if i == ax else d for i, d in enumerate(dshape))


@register(name="_softmax_cross_entropy_loss", namespace="_internal", num_hidden=1,
          nondiff_inputs=(1,), higher_order=True, shape=_ce_shape,
          cases=[Case((3, 4), lambda r: np.array([0, 3, 1])),
                 Case((2, 3, 4), lambda r: np.array([[0, 2, 2, 1], [1, 0, 1, 2]]), axis=1),
                 Case((2, 5), lambda r: np.array([[4], [-1]]))])
def _softmax_cross_entropy_loss(data, label, *, axis=-1):
    """``-pick(log_softmax(data, axis), label, axis, keepdims=True)`` as one op.

    What ``gluon.loss.SoftmaxCrossEntropyLoss`` computes per sample for sparse labels when it
    runs imperatively: one node on the autograd tape instead of three, with the same numbers
    (the forward and the backward run the three ops' own rules in the same order). Labels
    out of range are clipped, as by ``pick``'s default mode; ``label`` gets no gradient.

    Parameters
    ----------
    data : NDArray
        Unnormalized scores (logits).
    label : NDArray
        Class indices: ``data``'s shape without ``axis`` (or with size 1 there).
    axis : int, default -1
        The class axis.

    Returns
    -------
    NDArray
        The cross-entropy, ``data``'s shape with size 1 on ``axis``.

    See Also
    --------
    log_softmax, pick, minigluon.gluon.loss.SoftmaxCrossEntropyLoss

    Examples
    --------
    >>> from minigluon import nd
    >>> nd._internal._softmax_cross_entropy_loss(nd.array([[0, 0], [0, 1]]), nd.array([0, 1]))
    <BLANKLINE>
    [[0.6931472 ]
     [0.31326166]]
    <NDArray 2x1 @cpu(0)>
    """
    ls = log_softmax.forward(data, axis=axis, temperature=None, dtype=None)
    return np.negative(pick.forward(ls, label, axis=axis, keepdims=True, mode="clip")), ls


@_softmax_cross_entropy_loss.def_backward
def _(g, ins, outs, axis):
    # the three ops' backward rules, last op first: negative, pick, log_softmax
    data, label = ins
    if isinstance(outs, tuple):  # the loss and the log-probabilities
        gloss, (loss, ls) = g[0], outs
    else:
        # Differentiating the backward itself (create_graph), autograd recomputes the visible
        # output only: the log-probabilities are recomputed on the tape.
        gloss, loss, ls = g, outs, G.log_softmax(data, axis=axis)
    gls, _ = pick.backward(-gloss, (ls, label), loss, axis=axis, keepdims=True, mode="clip")
    return log_softmax.backward(gls, (data,), ls, axis=axis, temperature=None, dtype=None)[0], None
