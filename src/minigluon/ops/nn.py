"""Neural-network ops with weights or training behaviour: FullyConnected, Dropout, Embedding.

Convolution and pooling live in ``convolution.py`` and ``pooling.py``, activations in
``activation.py``, normalization in ``normalization.py``. Dropout keeps its mask in a hidden
output, because the backward rule only sees the op's attributes, inputs and outputs. Ops with
parameters also give their parameters' shapes from the data shape (``def_infer_args``, MXNet's
``FullyConnectedShape`` and kin): what deferred initialization of a layer built without
``in_units`` asks.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import _rng
from ..base import MXNetError, ShapeError
from .reduce import normalize_axis
from .registry import Case, register, same_shape

__all__: list[str] = []


# -- FullyConnected ------------------------------------------------------------------------
def _fc_setup(dshape: Any, wshape: Any, bshape: Any, num_hidden: Any, no_bias: bool,
              flatten: bool) -> tuple:
    if dshape is None:
        raise ShapeError("FullyConnected: the data shape must be known to infer the output")
    dshape, nh = tuple(dshape), int(num_hidden)
    if len(dshape) == 0:
        raise ShapeError("FullyConnected: data must have at least one dimension")
    if flatten:
        in_units, lead = math.prod(dshape[1:]), dshape[:1]
    else:
        in_units, lead = dshape[-1], dshape[:-1]
    if wshape is not None and tuple(wshape) != (nh, in_units):
        how = (f"flattened to {(dshape[0], in_units)}" if flatten and len(dshape) != 2
               else f"{in_units} input units")
        raise ShapeError(f"FullyConnected: weight has shape {tuple(wshape)} but data of shape "
                         f"{dshape} ({how}) needs weight shape (num_hidden, in_units) = "
                         f"{(nh, in_units)}")
    if not no_bias and bshape is not None and tuple(bshape) != (nh,):
        raise ShapeError(f"FullyConnected: bias shape {tuple(bshape)} must be (num_hidden,) = "
                         f"({nh},)")
    return (*lead, nh)


@register(cases=[
    Case((3, 4), (5, 4), (5,), num_hidden=5),
    Case((2, 2, 3), (4, 6), (4,), num_hidden=4),
    Case((2, 2, 3), (4, 3), (4,), num_hidden=4, flatten=False),
    Case((1, 6), (3, 6), num_hidden=3, no_bias=True),
])
def FullyConnected(data, weight, bias=None, *, num_hidden, no_bias=False, flatten=True):
    """Dense layer: ``data · weightᵀ + bias``.

    With ``flatten=True`` the data is first reshaped to ``(N, -1)``; with ``flatten=False``
    the product is taken over the last axis and the leading axes are kept.

    Parameters
    ----------
    data : NDArray
        ``(N, ...)`` input.
    weight : NDArray
        ``(num_hidden, in_units)``.
    bias : NDArray, optional
        ``(num_hidden,)``; ignored with ``no_bias=True``.
    num_hidden : int
        Number of output units.
    no_bias : bool, default False
        If True, no bias is added and ``bias`` may be left out.
    flatten : bool, default True
        If True, ``data`` is flattened to ``(N, -1)`` first; if False the last axis is transformed
        and the others are kept.

    Returns
    -------
    NDArray
        ``(N, num_hidden)`` or, with ``flatten=False``, ``data.shape[:-1] + (num_hidden,)``.

    See Also
    --------
    dot, Convolution, Embedding, minigluon.gluon.nn.Dense

    Examples
    --------
    >>> from minigluon import nd
    >>> x = nd.array([[1, 2], [3, 4]])
    >>> w = nd.array([[1, 0], [1, 1], [0, 2]])
    >>> nd.FullyConnected(x, w, nd.array([0, 0, 10]), num_hidden=3)
    <BLANKLINE>
    [[ 1.  3. 14.]
     [ 3.  7. 18.]]
    <NDArray 2x3 @cpu(0)>
    >>> nd.FullyConnected(nd.ones((2, 3, 4)), nd.ones((5, 12)), num_hidden=5, no_bias=True).shape
    (2, 5)
    >>> nd.FullyConnected(nd.ones((2, 3, 4)), nd.ones((5, 4)), num_hidden=5, no_bias=True,
    ...                   flatten=False).shape
    (2, 3, 5)
    """
    x, w = np.asarray(data), np.asarray(weight)
    oshape = _fc_setup(x.shape, w.shape, None if bias is None else np.shape(bias), num_hidden,
                       no_bias, flatten)
    out = x.reshape(-1, w.shape[1]) @ w.T
    if not no_bias and bias is not None:
        out += bias
    return out.reshape(oshape)


@FullyConnected.def_lean
def _(n_inputs: int, *, num_hidden: int, no_bias: bool = False, flatten: bool = True) -> Any:
    if not flatten:
        return None  # the N-d product keeps the forward's 2-D GEMM (same rounding)
    if no_bias:
        return _fc_flatten_no_bias if n_inputs == 2 else None
    return _fc_flatten if n_inputs == 3 else None


def _fc_flatten(x: Any, w: Any, b: Any) -> Any:
    # the forward's ``x.reshape(-1, in_units) @ w.T`` with the batch axis kept, so an input
    # of another feature size fails in the GEMM (and the forward reports it) instead of being
    # re-batched
    if x.ndim != 2:
        x = x.reshape(x.shape[0], -1)
    out = x @ w.T
    out += b
    return out


def _fc_flatten_no_bias(x: Any, w: Any) -> Any:
    if x.ndim != 2:
        x = x.reshape(x.shape[0], -1)
    return x @ w.T


@FullyConnected.def_backward
def _(g, ins, out, num_hidden, no_bias, flatten, needs=None):
    x, w = np.asarray(ins[0]), np.asarray(ins[1])
    g2 = np.asarray(g).reshape(-1, w.shape[0])
    x2 = x.reshape(-1, w.shape[1])
    need = needs or (True,) * len(ins)
    gx = gw = gb = None
    if need[0]:  # a network's first layer: its input needs no gradient
        gx = (g2 @ w).reshape(x.shape).astype(x.dtype, copy=False)
    if need[1]:
        # BLAS is slow for a GEMM with an inner dimension of 1 (batch 1): an outer product,
        # by einsum (45 us for 256 x 784 where a broadcast multiply takes 70, same products)
        gw = np.einsum("i,j->ij", g2[0], x2[0]) if len(g2) == 1 else g2.T @ x2
        gw = gw.astype(w.dtype, copy=False)
    if len(ins) > 2:
        b = ins[2]
        if not (no_bias or b is None) and need[2]:
            gb = g2.sum(axis=0).astype(b.dtype)
        return gx, gw, gb
    return gx, gw


# a symbolic FullyConnected(data, num_hidden=...) creates <name>_weight and <name>_bias
FullyConnected.def_inputs(lambda no_bias=False, **_: ("data", "weight")
                          + (() if no_bias else ("bias",)))
# the backward reads data and weight, not the output
FullyConnected.def_saves(lambda **_: ((0, 1), ()))


@FullyConnected.def_shape
def _(dshape, wshape=None, bshape=None, *, num_hidden, no_bias, flatten):
    return _fc_setup(dshape, wshape, bshape, num_hidden, no_bias, flatten)


@FullyConnected.def_infer_args
def _(data, weight=None, bias=None, *, num_hidden, no_bias=False, flatten=True, **_):
    if data is None:
        return [data, weight, bias]
    in_units = math.prod(data[1:]) if flatten else data[-1]
    return [data, (num_hidden, in_units), None if no_bias else (num_hidden,)]


@FullyConnected.def_partial_shape
def _(ins, outs, *, num_hidden, no_bias=False, flatten=True, **_):
    # the batch size (all leading axes without flatten) comes back from the output
    data, out = ins[0], outs[0]
    if data is None or out is None:
        return ins, outs
    if flatten:
        data = (data[0] or out[0], *data[1:])
    else:
        data = tuple(a or b for a, b in zip(data[:-1], out[:-1])) + data[-1:]
    return [data, *ins[1:]], outs


# -- Dropout -------------------------------------------------------------------------------
@register(num_hidden=1, shape=same_shape, cases=[
    Case((4, 5), p=0.5), Case((3, 4, 2), p=0.3, axes=(1,)), Case((3, 4), p=0.4, mode="always"),
])
def Dropout(data, *, p=0.5, mode="training", axes=(), cudnn_off=False, is_train=False):
    """Zero each element with probability ``p`` and scale the rest by ``1 / (1 - p)``.

    Only active while training (``autograd.record()`` or ``autograd.train_mode()``) unless
    ``mode='always'``; otherwise the output is a copy of the input. With ``axes`` one mask is
    drawn per position of the other axes and shared along ``axes`` (variational dropout).
    The mask is kept for the backward pass, so gradients are exact.

    Parameters
    ----------
    data : NDArray
        Input array of any shape.
    p : float, default 0.5
        Probability of dropping an element.
    mode : {'training', 'always'}, default 'training'
        ``'training'`` drops only while training; ``'always'`` drops in prediction too.
    axes : tuple of int, default ()
        Axes along which the mask is shared.
    cudnn_off : bool
        Ignored.

    Returns
    -------
    NDArray
        Same shape as ``data``.

    See Also
    --------
    BatchNorm, minigluon.gluon.nn.Dropout

    Examples
    --------
    >>> import minigluon as mx
    >>> from minigluon import nd, autograd
    >>> x = nd.ones((2, 4))
    >>> nd.Dropout(x, p=0.5)          # not training: identity
    <BLANKLINE>
    [[1. 1. 1. 1.]
     [1. 1. 1. 1.]]
    <NDArray 2x4 @cpu(0)>
    >>> mx.random.seed(0)
    >>> with autograd.train_mode():
    ...     y = nd.Dropout(nd.ones((1000,)), p=0.25)
    >>> sorted(set((y.asnumpy() * 3).round().tolist()))   # dropped, or kept and scaled by 4/3
    [0.0, 4.0]
    >>> with autograd.train_mode():
    ...     z = nd.Dropout(nd.ones((3, 4)), p=0.5, axes=(1,))
    >>> bool((z.asnumpy() == z.asnumpy()[:, :1]).all())  # one mask value per row
    True
    """
    x = np.asarray(data)
    if mode not in ("training", "always"):
        raise MXNetError(f"Dropout: mode must be 'training' or 'always', got {mode!r}")
    if not (is_train or mode == "always") or p <= 0:
        return np.array(x, copy=True), np.ones((1,) * x.ndim, dtype=x.dtype)
    shape = list(x.shape)
    for a in axes if isinstance(axes, (tuple, list)) else (axes,):
        shape[normalize_axis("Dropout", a, x.ndim)] = 1
    keep = _rng.generator().random(shape, dtype=np.float32) >= p
    mask = keep.astype(x.dtype) * (1.0 / (1.0 - p) if p < 1 else 0.0)
    return x * mask, mask


Dropout.def_backward(lambda g, ins, out, **_: (g[0] * out[1],))
Dropout.def_saves(lambda **_: ((), (1,)))  # only the mask


# -- Embedding -----------------------------------------------------------------------------
def _emb_shape(dshape, wshape=None, *, input_dim, output_dim, **_):
    if wshape is not None and tuple(wshape) != (int(input_dim), int(output_dim)):
        raise ShapeError(f"Embedding: weight has shape {tuple(wshape)} but input_dim={input_dim} "
                         f"and output_dim={output_dim} need ({input_dim}, {output_dim})")
    if dshape is None:
        raise ShapeError("Embedding: the data shape must be known to infer the output shape")
    return (*tuple(dshape), int(output_dim))


@register(nondiff_inputs=(0,), shape=_emb_shape, cases=[
    Case(lambda r: r.integers(0, 5, (2, 3)).astype(float), (5, 4), input_dim=5, output_dim=4),
    Case(lambda r: np.array([1.0, 1.0, 3.0, 1.0]), (4, 2), input_dim=4, output_dim=2),
])
def Embedding(data, weight, *, input_dim, output_dim, dtype="float32", sparse_grad=False):
    """Look up rows of ``weight``: ``out[..., :] = weight[data[...]]``.

    Indices are cast to integers and clipped to ``[0, input_dim - 1]`` (as MXNet's
    ``take`` in clip mode). Only ``weight`` gets a gradient: the output gradients of repeated
    indices are summed into the same row.

    Parameters
    ----------
    data : NDArray
        Indices, any shape.
    weight : NDArray
        ``(input_dim, output_dim)``.
    input_dim : int
        Vocabulary size.
    output_dim : int
        Embedding size.
    dtype : str, default 'float32'
        Kept for MXNet compatibility (the result has ``weight``'s dtype).
    sparse_grad : bool, default False
        Ignored: the weight gradient is dense.

    Returns
    -------
    NDArray
        ``data.shape + (output_dim,)``.

    See Also
    --------
    take, one_hot, FullyConnected, minigluon.gluon.nn.Embedding

    Examples
    --------
    >>> from minigluon import nd
    >>> w = nd.array([[0, 0], [1, 1], [2, 4]])
    >>> nd.Embedding(nd.array([[2, 0], [1, 2]]), w, input_dim=3, output_dim=2)
    <BLANKLINE>
    [[[2. 4.]
      [0. 0.]]
    <BLANKLINE>
     [[1. 1.]
      [2. 4.]]]
    <NDArray 2x2x2 @cpu(0)>
    """
    w = np.asarray(weight)
    _emb_shape(np.shape(data), w.shape, input_dim=input_dim, output_dim=output_dim)
    idx = np.clip(np.asarray(data).astype(np.int64), 0, int(input_dim) - 1)
    return np.take(w, idx, axis=0)


@Embedding.def_backward
def _(g, ins, out, input_dim, output_dim, dtype, sparse_grad):
    w = np.asarray(ins[1])
    idx = np.clip(np.asarray(ins[0]).astype(np.int64), 0, int(input_dim) - 1).reshape(-1)
    gv = np.asarray(g).reshape(-1, w.shape[1])
    gw = np.zeros(w.shape, dtype=w.dtype)
    if idx.size:
        # sort-and-segment-sum: faster than np.add.at, and exact for repeated indices
        order = np.argsort(idx, kind="stable")
        rows, starts = np.unique(idx[order], return_index=True)
        gw[rows] = np.add.reduceat(gv[order], starts, axis=0)
    return (None, gw)


@Embedding.def_infer_args
def _(data, weight=None, *, input_dim, output_dim, **_):
    return [data, (input_dim, output_dim)]
