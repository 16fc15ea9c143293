"""Neural-network ops other than convolution and pooling (``convolution.py``, ``pooling.py``).

FullyConnected, Activation, LeakyReLU (and ``erf`` for GELU), Dropout, BatchNorm, LayerNorm,
InstanceNorm, Embedding and SoftmaxActivation. Ops that need training-mode information in their
backward pass keep it in hidden outputs (Dropout's mask, BatchNorm's statistics), because the
backward rule only sees the op's attributes, inputs and outputs. Ops with parameters also give
their parameters' shapes from the data shape (``def_infer_args``, MXNet's ``FullyConnectedShape``
and kin): what deferred initialization of a layer built without ``in_units`` asks.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import _rng
from ..base import MXNetError, ShapeError
from .elemwise import away_from_zero, positive
from .generic import G, unbroadcast
from .reduce import normalize_axis
from .registry import Case, get, register, same_shape

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
    flatten : bool, default True

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


@FullyConnected.def_backward
def _(g, ins, out, num_hidden, no_bias, flatten):
    x, w = np.asarray(ins[0]), np.asarray(ins[1])
    g2 = np.asarray(g).reshape(-1, w.shape[0])
    x2 = x.reshape(-1, w.shape[1])
    gx = (g2 @ w).reshape(x.shape)
    # BLAS is slow for a GEMM with an inner dimension of 1 (batch size 1): use an outer product
    gw = np.multiply(g2[0][:, None], x2[0]) if len(g2) == 1 else g2.T @ x2
    grads = [gx.astype(x.dtype, copy=False), gw.astype(w.dtype, copy=False)]
    if len(ins) > 2:
        b = ins[2]
        grads.append(None if no_bias or b is None else g2.sum(axis=0).astype(b.dtype))
    return tuple(grads)


@FullyConnected.def_shape
def _(dshape, wshape=None, bshape=None, *, num_hidden, no_bias, flatten):
    return _fc_setup(dshape, wshape, bshape, num_hidden, no_bias, flatten)


@FullyConnected.def_infer_args
def _(data, weight=None, bias=None, *, num_hidden, no_bias=False, flatten=True, **_):
    if data is None:
        return [data, weight, bias]
    in_units = math.prod(data[1:]) if flatten else data[-1]
    return [data, (num_hidden, in_units), None if no_bias else (num_hidden,)]


# -- Activation ----------------------------------------------------------------------------
_ACT_TYPES = ("relu", "sigmoid", "tanh", "softrelu", "softsign")


def _act_op(act_type: str) -> Any:
    if act_type not in _ACT_TYPES:
        raise MXNetError(f"Activation: act_type must be one of {_ACT_TYPES}, got {act_type!r}")
    return get(act_type)


@register(higher_order=True, shape=same_shape, cases=[
    Case(away_from_zero((3, 4)), act_type="relu"), Case((3, 4), act_type="sigmoid"),
    Case((2, 3), act_type="tanh"), Case((2, 3), act_type="softrelu"),
    Case(away_from_zero((2, 3)), act_type="softsign")])
def Activation(data, *, act_type):
    """Elementwise activation chosen by name: relu, sigmoid, tanh, softrelu or softsign.

    ``softrelu`` is ``log(1 + exp(x))`` and ``softsign`` is ``x / (1 + |x|)``; each runs the
    same kernel as the op of that name.

    Parameters
    ----------
    data : NDArray
    act_type : {'relu', 'sigmoid', 'tanh', 'softrelu', 'softsign'}

    Returns
    -------
    NDArray
        Same shape as ``data``.

    See Also
    --------
    relu, sigmoid, tanh, softrelu, softsign, LeakyReLU, minigluon.gluon.nn.Activation

    Examples
    --------
    >>> from minigluon import nd
    >>> x = nd.array([-1, 0, 2])
    >>> nd.Activation(x, act_type='relu')
    <BLANKLINE>
    [0. 0. 2.]
    <NDArray 3 @cpu(0)>
    >>> nd.Activation(x, act_type='softsign')
    <BLANKLINE>
    [-0.5         0.          0.6666667]
    <NDArray 3 @cpu(0)>
    """
    return _act_op(act_type).forward(data)


Activation.def_backward(lambda g, ins, out, act_type: _act_op(act_type).backward(g, ins, out))


# -- erf -----------------------------------------------------------------------------------
# Fitted for minigluon against math.erf (Chebyshev least squares, converted to powers):
# |x| < 2:  erf(x) = x * P(x**2 / 2 - 1);   2 <= |x| < 6:  erfc(x) = exp(-x**2) / x * Q(6/x - 2).
# Relative error below 3e-15 on both pieces in float64; erf(x) = sign(x) for |x| >= 6.
_ERF_SMALL = (0.6749332360396553, -0.2611118609312451, 0.1194791386098579, -0.048662777449175035,
              0.017128344571621518, -0.0052348758359050725, 0.0014050914254031617,
              -0.0003351435350175251, 7.180100121394871e-05, -1.3946268783664256e-05,
              2.47581788680914e-06, -4.04519314289537e-07, 6.117669332197546e-08,
              -8.60618765316566e-09, 1.146387581297176e-09, -1.473894018344095e-10,
              1.3774163959434847e-11)
_ERFC_LARGE = (0.5370034535441699, -0.02382655673981488, -0.003204801317106971,
               0.0009059268988086019, -7.918368993421572e-05, -1.2430259611869538e-05,
               5.915636810273064e-06, -1.0172553064432158e-06, 1.1242636548156526e-08,
               4.790100467812773e-08, -1.5845635535935733e-08, 2.5882041241625598e-09,
               7.866611785603164e-11, -2.243930750310608e-10, 6.251476578193937e-11)


def _horner(coefs: tuple, t: np.ndarray) -> np.ndarray:
    acc = np.full_like(t, coefs[-1])
    for c in coefs[-2::-1]:
        acc *= t
        acc += c
    return acc


def _erf(x: Any) -> np.ndarray:
    x = np.asarray(x)
    dtype = x.dtype if x.dtype.kind == "f" else np.dtype(np.float32)
    a = np.abs(x.astype(np.float64))  # float64 inside: float32 results are correctly rounded
    small = a < 2
    if small.all():
        out = a * _horner(_ERF_SMALL, a * a * 0.5 - 1)
    else:
        out = np.array(a, copy=True)  # NaN stays NaN
        s = a[small]
        out[small] = s * _horner(_ERF_SMALL, s * s * 0.5 - 1)
        mid = (a >= 2) & (a < 6)
        m = a[mid]
        out[mid] = 1 - np.exp(-m * m) / m * _horner(_ERFC_LARGE, 6 / m - 2)
        out[a >= 6] = 1
    return np.copysign(out, x).astype(dtype, copy=False)


def _gelu_cdf(x: np.ndarray) -> np.ndarray:
    """Standard normal CDF ``0.5 * (1 + erf(x / sqrt(2)))`` in float64."""
    return 0.5 + 0.5 * _erf(np.asarray(x, dtype=np.float64) * _SQRT_HALF)


@register(method=True, higher_order=True, shape=same_shape,
          cases=[Case((3, 4)), Case(lambda r: r.uniform(-5, 5, (10,))), Case(())])
def erf(data):
    """Gauss error function ``erf(x) = 2 / sqrt(pi) * integral_0^x exp(-t**2) dt``.

    Computed by piecewise polynomial approximations accurate to about 1e-15 (relative) in
    float64; the gradient is the exact ``2 / sqrt(pi) * exp(-x**2)``.

    Parameters
    ----------
    data : NDArray

    Returns
    -------
    NDArray
        Same shape as ``data``, values in ``[-1, 1]``.

    See Also
    --------
    LeakyReLU

    Examples
    --------
    >>> from minigluon import nd
    >>> nd.erf(nd.array([0, 0.5, -1, 3]))
    <BLANKLINE>
    [ 0.         0.5204999 -0.8427008  0.9999779]
    <NDArray 4 @cpu(0)>
    """
    return _erf(data)


_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
erf.def_backward(lambda g, ins, out: (g * _TWO_OVER_SQRT_PI * G.exp(-ins[0] * ins[0]),))


# -- LeakyReLU -----------------------------------------------------------------------------
_LEAKY_TYPES = ("leaky", "prelu", "elu", "selu", "gelu")
_SELU_ALPHA = 1.6732632423543772848170429916717
_SELU_LAMBDA = 1.0507009873554804934193349852946
_SQRT_HALF = math.sqrt(0.5)
_INV_SQRT_2PI = 1.0 / math.sqrt(2.0 * math.pi)


def _prelu_gamma(x: np.ndarray, gamma: Any) -> np.ndarray:
    if gamma is None:
        raise MXNetError("LeakyReLU: act_type='prelu' needs the gamma (slope) input")
    gam = np.asarray(gamma, dtype=x.dtype)
    if gam.size == 1:
        return gam.reshape(())
    if x.ndim < 2 or gam.shape != (x.shape[1],):
        raise ShapeError(f"LeakyReLU: prelu gamma of shape {gam.shape} must have one slope or "
                         f"one per channel (axis 1) of data of shape {x.shape}")
    return gam.reshape((1, -1) + (1,) * (x.ndim - 2))


@register(nondiff_inputs=(), shape=lambda d, *rest, **_: tuple(d), cases=[
    Case(away_from_zero((3, 4)), act_type="leaky", slope=0.1),
    Case(away_from_zero((2, 3, 2)), (3,), act_type="prelu"),
    Case(away_from_zero((2, 3)), (1,), act_type="prelu"),
    Case(away_from_zero((3, 4)), act_type="elu", slope=0.7),
    Case(away_from_zero((3, 4)), act_type="selu"),
    Case((3, 4), act_type="gelu"),
])
def LeakyReLU(data, gamma=None, *, act_type="leaky", slope=0.25, lower_bound=0.125,
              upper_bound=0.334):
    """Leaky rectifiers and their relatives, chosen by ``act_type``.

    - ``leaky``: ``x if x > 0 else slope * x``;
    - ``prelu``: as leaky with the learned slope ``gamma`` (one value, or one per channel
      along axis 1); ``gamma`` gets a gradient;
    - ``elu``: ``x if x > 0 else slope * (exp(x) - 1)``;
    - ``selu``: ``lambda * (x if x > 0 else alpha * (exp(x) - 1))`` with the fixed
      ``alpha = 1.6732632...`` and ``lambda = 1.0507009...``;
    - ``gelu``: ``0.5 * x * (1 + erf(x / sqrt(2)))`` (exact form, not the tanh approximation).

    Parameters
    ----------
    data : NDArray
    gamma : NDArray, optional
        Slopes for ``prelu``: shape ``(1,)`` or ``(C,)``.
    act_type : {'leaky', 'prelu', 'elu', 'selu', 'gelu'}, default 'leaky'
    slope : float, default 0.25
        Negative slope for ``leaky``; ``alpha`` for ``elu``.
    lower_bound, upper_bound : float
        Slope range of MXNet's 'rrelu', which is not implemented.

    Returns
    -------
    NDArray
        Same shape as ``data``.

    See Also
    --------
    Activation, relu, erf, minigluon.gluon.nn.LeakyReLU

    Examples
    --------
    >>> from minigluon import nd
    >>> x = nd.array([-2, -1, 0, 1])
    >>> nd.LeakyReLU(x, slope=0.5)
    <BLANKLINE>
    [-1.  -0.5  0.   1. ]
    <NDArray 4 @cpu(0)>
    >>> nd.LeakyReLU(nd.array([[-1, 1], [-2, 2]]), nd.array([0.1, 0.2]), act_type='prelu')
    <BLANKLINE>
    [[-0.1  1. ]
     [-0.2  2. ]]
    <NDArray 2x2 @cpu(0)>
    >>> nd.LeakyReLU(x, act_type='gelu')
    <BLANKLINE>
    [-0.04550026 -0.15865526  0.          0.8413448 ]
    <NDArray 4 @cpu(0)>
    """
    x = np.asarray(data)
    if act_type == "leaky":
        return np.where(x > 0, x, x * slope).astype(x.dtype, copy=False)
    if act_type == "prelu":
        return np.where(x > 0, x, x * _prelu_gamma(x, gamma))
    if act_type == "elu":
        return np.where(x > 0, x, slope * np.expm1(np.minimum(x, 0))).astype(x.dtype, copy=False)
    if act_type == "selu":
        neg = _SELU_ALPHA * np.expm1(np.minimum(x, 0))
        return (_SELU_LAMBDA * np.where(x > 0, x, neg)).astype(x.dtype, copy=False)
    if act_type == "gelu":
        return (x * _gelu_cdf(x)).astype(x.dtype, copy=False)
    extra = " ('rrelu' is not implemented)" if act_type == "rrelu" else ""
    raise MXNetError(f"LeakyReLU: act_type must be one of {_LEAKY_TYPES}, got {act_type!r}{extra}")


@LeakyReLU.def_backward
def _(g, ins, out, act_type, slope, lower_bound, upper_bound):
    x = np.asarray(ins[0])
    pos = x > 0
    ggamma = None
    if act_type == "leaky":
        gx = g * np.where(pos, 1.0, slope)
    elif act_type == "prelu":
        gam = _prelu_gamma(x, ins[1])
        gx = g * np.where(pos, 1, gam)
        ggamma = unbroadcast(g * np.where(pos, 0, x), gam.shape).reshape(np.shape(ins[1]))
    elif act_type == "elu":
        gx = g * np.where(pos, 1, out + slope)
    elif act_type == "selu":
        gx = g * np.where(pos, _SELU_LAMBDA, out + _SELU_LAMBDA * _SELU_ALPHA)
    else:  # gelu
        x64 = x.astype(np.float64)
        gx = g * (_gelu_cdf(x64) + x64 * _INV_SQRT_2PI * np.exp(-0.5 * x64 * x64))
    gx = gx.astype(x.dtype, copy=False)
    return (gx,) if len(ins) == 1 else (gx, ggamma)


@LeakyReLU.def_infer_args
def _(data, gamma=None, *, act_type="leaky", **_):
    # Only 'prelu' has a learnable gamma: one slope per channel (axis 1).
    if data is None or act_type != "prelu":
        return [data, gamma]
    return [data, (data[1] if len(data) > 1 else 1,)]


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
    p : float, default 0.5
        Probability of dropping an element.
    mode : {'training', 'always'}, default 'training'
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


# -- BatchNorm -----------------------------------------------------------------------------
def _bn_outputs(output_mean_var: bool = False, **_: Any) -> int:
    return 3 if output_mean_var else 1


def _bn_shape(dshape, *params, axis, output_mean_var, **_):
    if dshape is None:
        raise ShapeError("BatchNorm: the data shape must be known to infer the output shape")
    ax = normalize_axis("BatchNorm", axis, len(dshape))
    c = (dshape[ax],)
    for name, s in zip(("gamma", "beta", "moving_mean", "moving_var"), params):
        if s is not None and tuple(s) != c:
            raise ShapeError(f"BatchNorm: {name} has shape {tuple(s)} but data of shape "
                             f"{tuple(dshape)} has {c[0]} channels on axis {ax}: expected {c}")
    return [tuple(dshape), c, c] if output_mean_var else tuple(dshape)


def _bn_cases() -> list[Case]:
    var = positive((3,))
    return [
        Case((4, 3), (3,), (3,), (3,), var, fix_gamma=False),
        Case((2, 3, 2, 2), (3,), (3,), (3,), var, fix_gamma=False, momentum=0.8),
        Case((2, 3, 2, 2), (3,), (3,), (3,), var),  # fix_gamma=True: gamma gets zero gradient
        Case((2, 3, 4), (3,), (3,), (3,), var, fix_gamma=False, use_global_stats=True),
        Case((2, 4, 3), (3,), (3,), (3,), var, fix_gamma=False, axis=-1, eps=1e-5),
        Case((3, 3, 2), (3,), (3,), (3,), var, fix_gamma=False, output_mean_var=True),
    ]


@register(num_outputs=_bn_outputs, num_hidden=3, mutates=(3, 4), nondiff_inputs=(3, 4),
          shape=_bn_shape, cases=_bn_cases())
def BatchNorm(data, gamma, beta, moving_mean, moving_var, *, eps=1e-3, momentum=0.9,
              fix_gamma=True, use_global_stats=False, output_mean_var=False, axis=1,
              cudnn_off=False, is_train=False):
    """Batch normalization: ``(x - mean) / sqrt(var + eps) * gamma + beta`` per channel.

    While training (and unless ``use_global_stats``) ``mean`` and ``var`` are the batch
    statistics over every axis but ``axis`` (``var`` is the biased variance), and the moving
    statistics are updated **in place**::

        moving_mean = moving_mean * momentum + mean * (1 - momentum)
        moving_var = moving_var * momentum + var * (1 - momentum)

    In prediction mode the moving statistics are used and nothing is updated.

    Parameters
    ----------
    data : NDArray
    gamma, beta : NDArray
        ``(C,)`` scale and shift; ``fix_gamma=True`` treats gamma as 1 (zero gradient).
    moving_mean, moving_var : NDArray
        ``(C,)`` auxiliary states (no gradient).
    eps : float, default 1e-3
    momentum : float, default 0.9
    fix_gamma : bool, default True
    use_global_stats : bool, default False
        Use the moving statistics even while training.
    output_mean_var : bool, default False
        Also return the mean and variance that were used.
    axis : int, default 1
        The channel axis.
    cudnn_off : bool
        Ignored.

    Returns
    -------
    NDArray or list of NDArray
        The normalized data, same shape as ``data`` (plus ``mean`` and ``var`` of shape
        ``(C,)`` with ``output_mean_var=True``).

    See Also
    --------
    LayerNorm, InstanceNorm, minigluon.gluon.nn.BatchNorm

    Examples
    --------
    >>> from minigluon import nd, autograd
    >>> x = nd.array([[1, 10], [3, 30]])
    >>> gamma, beta = nd.ones((2,)), nd.zeros((2,))
    >>> mean, var = nd.zeros((2,)), nd.ones((2,))
    >>> with autograd.train_mode():
    ...     y = nd.BatchNorm(x, gamma, beta, mean, var, eps=0)
    >>> y
    <BLANKLINE>
    [[-1. -1.]
     [ 1.  1.]]
    <NDArray 2x2 @cpu(0)>
    >>> print(mean.asnumpy(), var.asnumpy())  # moved 10% towards the batch statistics
    [0.2 2. ] [ 1.  10.9]
    >>> nd.BatchNorm(x, gamma, beta, nd.array([2, 20]), nd.array([1, 100]), eps=0)
    <BLANKLINE>
    [[-1. -1.]
     [ 1.  1.]]
    <NDArray 2x2 @cpu(0)>
    """
    x = np.asarray(data)
    _bn_shape(x.shape, np.shape(gamma), np.shape(beta), np.shape(moving_mean),
              np.shape(moving_var), axis=axis, output_mean_var=False)
    x3, m = _bn_view(x, axis)
    batch = bool(is_train) and not use_global_stats
    if batch:
        mean = x3.sum(axis=2).sum(axis=0) / m
        out = x3 - mean[:, None]
        var = np.einsum("ncp,ncp->c", out, out) / m
        moving_mean *= momentum
        moving_mean += (1.0 - momentum) * mean
        moving_var *= momentum
        moving_var += (1.0 - momentum) * var
    else:
        # copies: the outputs must not alias the moving statistics updated later in place
        mean = np.array(moving_mean, dtype=x.dtype, copy=True)
        var = np.array(moving_var, dtype=x.dtype, copy=True)
        out = x3 - mean[:, None]
    invstd = 1.0 / np.sqrt(var + eps)
    scale = invstd if fix_gamma else np.asarray(gamma, dtype=x.dtype) * invstd
    out *= scale[:, None]
    out += np.asarray(beta, dtype=x.dtype)[:, None]
    out = out.reshape(x.shape)
    flag = np.array([1.0 if batch else 0.0], dtype=x.dtype)
    visible = (out, mean, var) if output_mean_var else (out,)
    return (*visible, mean, invstd, flag)


def _bn_view(x: np.ndarray, axis: Any) -> tuple[np.ndarray, int]:
    """``x`` as ``(before, C, after)`` around the channel axis, and the count per channel."""
    ax = normalize_axis("BatchNorm", axis, x.ndim)
    before, after = math.prod(x.shape[:ax]), math.prod(x.shape[ax + 1:])
    return x.reshape(before, x.shape[ax], after), before * after


@BatchNorm.def_backward
def _(g, ins, out, eps, momentum, fix_gamma, use_global_stats, output_mean_var, axis,
      cudnn_off):
    x, gamma = np.asarray(ins[0]), np.asarray(ins[1])
    mean, invstd, flag = (np.asarray(o).reshape(-1) for o in out[-3:])
    batch = bool(flag[0])
    x3, m = _bn_view(x, axis)
    g3 = np.asarray(g[0]).reshape(x3.shape)
    gam = np.ones_like(invstd) if fix_gamma else gamma.astype(invstd.dtype)
    gbeta = g3.sum(axis=2).sum(axis=0)
    xc = x3 - mean[:, None]
    dot = np.einsum("ncp,ncp->c", g3, xc) * invstd  # sum(g * xhat) per channel
    k = gam * invstd
    if batch:
        # dx = k * (g - sum(g) / m - xhat * sum(g * xhat) / m), with xhat = xc * invstd
        gx = g3 * k[:, None]
        gx -= (k * gbeta / m)[:, None]
        coef = k * invstd * dot / m
        if output_mean_var:  # the visible mean and var depend on x too
            gmean, gvar = (np.asarray(a).reshape(-1) for a in g[1:3])
            gx += (gmean / m)[:, None]
            coef = coef - 2.0 * gvar / m
        xc *= coef[:, None]
        gx -= xc
    else:  # prediction: a per-channel affine map
        gx = g3 * k[:, None]
    ggamma = np.zeros_like(gamma) if fix_gamma else dot.astype(gamma.dtype)
    return (gx.reshape(x.shape).astype(x.dtype, copy=False), ggamma,
            gbeta.astype(np.asarray(ins[2]).dtype, copy=False), None, None)


@BatchNorm.def_infer_args
def _(data, *params, axis=1, **_):
    if data is None:
        return [data, *params]
    c = (data[axis],)
    return [data, c, c, c, c]


# -- LayerNorm and InstanceNorm ------------------------------------------------------------
def _normalize(x: np.ndarray, axes: tuple, eps: float) -> tuple[np.ndarray, ...]:
    """(xhat, mean, rstd) with mean/rstd kept as size-1 axes."""
    mean = x.mean(axis=axes, keepdims=True)
    xc = x - mean
    var = np.mean(np.square(xc), axis=axes, keepdims=True)
    rstd = 1.0 / np.sqrt(var + eps)
    xc *= rstd
    return xc, mean, rstd


def _normalize_grad(gxhat: np.ndarray, xhat: np.ndarray, rstd: np.ndarray,
                    axes: tuple) -> np.ndarray:
    """Gradient through ``xhat = (x - mean(x)) * rstd`` over ``axes``."""
    m = gxhat.size / rstd.size
    return rstd * (gxhat - gxhat.sum(axis=axes, keepdims=True) / m
                   - xhat * ((gxhat * xhat).sum(axis=axes, keepdims=True) / m))


def _ln_shape(dshape, gshape=None, bshape=None, *, axis, output_mean_var, **_):
    if dshape is None:
        raise ShapeError("LayerNorm: the data shape must be known to infer the output shape")
    ax = normalize_axis("LayerNorm", axis, len(dshape))
    for name, s in (("gamma", gshape), ("beta", bshape)):
        if s is not None and tuple(s) != (dshape[ax],):
            raise ShapeError(f"LayerNorm: {name} has shape {tuple(s)} but data of shape "
                             f"{tuple(dshape)} has {dshape[ax]} entries on axis {ax}")
    if not output_mean_var:
        return tuple(dshape)
    stat = tuple(1 if i == ax else d for i, d in enumerate(dshape))
    return [tuple(dshape), stat, stat]


@register(num_outputs=_bn_outputs, num_hidden=2, shape=_ln_shape, cases=[
    Case((3, 4), (4,), (4,)), Case((2, 3, 4), (3,), (3,), axis=1, eps=1e-3),
    Case((2, 5), (5,), (5,), output_mean_var=True),
])
def LayerNorm(data, gamma, beta, *, axis=-1, eps=1e-5, output_mean_var=False):
    """Layer normalization over one axis: ``(x - mean) / sqrt(var + eps) * gamma + beta``.

    ``mean`` and (biased) ``var`` are taken along ``axis`` separately for every other
    position; ``gamma`` and ``beta`` have one entry per position along ``axis``. The same in
    training and prediction.

    Parameters
    ----------
    data : NDArray
    gamma, beta : NDArray
        ``(data.shape[axis],)``.
    axis : int, default -1
    eps : float, default 1e-5
    output_mean_var : bool, default False
        Also return the mean and the standard deviation ``sqrt(var + eps)``, with ``axis``
        kept as size 1.

    Returns
    -------
    NDArray or list of NDArray
        Same shape as ``data`` (plus mean and std with ``output_mean_var=True``).

    See Also
    --------
    BatchNorm, InstanceNorm, minigluon.gluon.nn.LayerNorm

    Examples
    --------
    >>> from minigluon import nd
    >>> x = nd.array([[1, 3], [2, 10]])
    >>> nd.LayerNorm(x, nd.ones((2,)), nd.zeros((2,)), eps=0)
    <BLANKLINE>
    [[-1.  1.]
     [-1.  1.]]
    <NDArray 2x2 @cpu(0)>
    >>> nd.LayerNorm(x, nd.array([1, 2]), nd.array([0, 1]), axis=0, eps=0)
    <BLANKLINE>
    [[-1. -1.]
     [ 3.  3.]]
    <NDArray 2x2 @cpu(0)>
    """
    x = np.asarray(data)
    _ln_shape(x.shape, np.shape(gamma), np.shape(beta), axis=axis, output_mean_var=False)
    ax = normalize_axis("LayerNorm", axis, x.ndim)
    xhat, mean, rstd = _normalize(x, (ax,), eps)
    pshape = [1] * x.ndim
    pshape[ax] = x.shape[ax]
    out = xhat * np.asarray(gamma, dtype=x.dtype).reshape(pshape)
    out += np.asarray(beta, dtype=x.dtype).reshape(pshape)
    visible = (out, mean, 1.0 / rstd) if output_mean_var else (out,)
    return (*visible, mean, rstd)


@LayerNorm.def_backward
def _(g, ins, out, axis, eps, output_mean_var):
    x, gamma = np.asarray(ins[0]), np.asarray(ins[1])
    ax = normalize_axis("LayerNorm", axis, x.ndim)
    mean, rstd = out[-2:]
    pshape = [1] * x.ndim
    pshape[ax] = x.shape[ax]
    other = tuple(i for i in range(x.ndim) if i != ax)
    gy = np.asarray(g[0])
    xhat = (x - mean) * rstd
    gx = _normalize_grad(gy * gamma.reshape(pshape), xhat, rstd, (ax,))
    if output_mean_var:
        d = x.shape[ax]
        gx += (np.asarray(g[1]) + np.asarray(g[2]) * xhat) / d
    return (gx.astype(x.dtype, copy=False), (gy * xhat).sum(axis=other).astype(gamma.dtype),
            gy.sum(axis=other).astype(np.asarray(ins[2]).dtype))


@LayerNorm.def_infer_args
def _(data, *params, axis=-1, **_):
    if data is None:
        return [data, *params]
    return [data, (data[axis],), (data[axis],)]


def _in_shape(dshape, gshape=None, bshape=None, **_):
    if dshape is None:
        raise ShapeError("InstanceNorm: the data shape must be known to infer the output shape")
    if len(dshape) < 3:
        raise ShapeError(f"InstanceNorm: data must have at least 3 dimensions (N, C, ...), "
                         f"got shape {tuple(dshape)}")
    for name, s in (("gamma", gshape), ("beta", bshape)):
        if s is not None and tuple(s) != (dshape[1],):
            raise ShapeError(f"InstanceNorm: {name} has shape {tuple(s)} but data of shape "
                             f"{tuple(dshape)} has {dshape[1]} channels")
    return tuple(dshape)


@register(num_hidden=2, shape=_in_shape, cases=[
    Case((2, 3, 4), (3,), (3,)), Case((1, 2, 3, 3), (2,), (2,), eps=1e-5)])
def InstanceNorm(data, gamma, beta, *, eps=1e-3):
    """Instance normalization: normalize each channel of each sample over its spatial axes.

    ``out[n, c] = (x[n, c] - mean[n, c]) / sqrt(var[n, c] + eps) * gamma[c] + beta[c]`` with
    the (biased) statistics over axes ``2, 3, ...``. The same in training and prediction.

    Parameters
    ----------
    data : NDArray
        ``(N, C, ...)`` with at least one spatial axis.
    gamma, beta : NDArray
        ``(C,)``.
    eps : float, default 1e-3

    Returns
    -------
    NDArray
        Same shape as ``data``.

    See Also
    --------
    BatchNorm, LayerNorm, minigluon.gluon.nn.InstanceNorm

    Examples
    --------
    >>> from minigluon import nd
    >>> x = nd.array([[[1, 3], [10, 30]]])
    >>> nd.InstanceNorm(x, nd.array([1, 2]), nd.array([0, 1]), eps=0)
    <BLANKLINE>
    [[[-1.  1.]
      [-1.  3.]]]
    <NDArray 1x2x2 @cpu(0)>
    """
    x = np.asarray(data)
    _in_shape(x.shape, np.shape(gamma), np.shape(beta))
    axes = tuple(range(2, x.ndim))
    xhat, mean, rstd = _normalize(x, axes, eps)
    pshape = (1, -1) + (1,) * (x.ndim - 2)
    out = xhat * np.asarray(gamma, dtype=x.dtype).reshape(pshape)
    out += np.asarray(beta, dtype=x.dtype).reshape(pshape)
    return out, mean, rstd


@InstanceNorm.def_backward
def _(g, ins, out, eps):
    x, gamma = np.asarray(ins[0]), np.asarray(ins[1])
    mean, rstd = out[1:]
    axes = tuple(range(2, x.ndim))
    gy = np.asarray(g[0])
    xhat = (x - mean) * rstd
    gx = _normalize_grad(gy * gamma.reshape((1, -1) + (1,) * (x.ndim - 2)), xhat, rstd, axes)
    other = (0, *axes)
    return (gx.astype(x.dtype, copy=False), (gy * xhat).sum(axis=other).astype(gamma.dtype),
            gy.sum(axis=other).astype(np.asarray(ins[2]).dtype))


@InstanceNorm.def_infer_args
def _(data, *params, **_):
    if data is None:
        return [data, *params]
    return [data, (data[1],), (data[1],)]


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


# -- SoftmaxActivation ---------------------------------------------------------------------
def _softmax_axes(x_shape: tuple, mode: str) -> tuple[tuple, int]:
    """(shape to view the data as, softmax axis) for SoftmaxActivation's modes."""
    if mode == "instance":
        return (x_shape[0], -1), 1
    if mode == "channel":
        if len(x_shape) < 2:
            raise ShapeError(f"SoftmaxActivation: mode='channel' needs data with a channel axis "
                             f"(N, C, ...), got shape {x_shape}")
        return tuple(x_shape), 1
    raise MXNetError(f"SoftmaxActivation: mode must be 'instance' or 'channel', got {mode!r}")


@register(higher_order=True, shape=same_shape, cases=[
    Case((2, 5)), Case((2, 3, 2)), Case((2, 3, 2, 2), mode="channel")])
def SoftmaxActivation(data, *, mode="instance"):
    """Softmax over each instance (``'instance'``) or across channels (``'channel'``).

    ``'instance'`` treats all axes after the first as one vector per sample; ``'channel'``
    normalizes over axis 1 separately at every other position.

    Parameters
    ----------
    data : NDArray
        ``(N, ...)``.
    mode : {'instance', 'channel'}, default 'instance'

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
    >>> x = nd.array([[[0, 0], [0, 0]]])
    >>> nd.SoftmaxActivation(x)
    <BLANKLINE>
    [[[0.25 0.25]
      [0.25 0.25]]]
    <NDArray 1x2x2 @cpu(0)>
    >>> nd.SoftmaxActivation(x, mode='channel')
    <BLANKLINE>
    [[[0.5 0.5]
      [0.5 0.5]]]
    <NDArray 1x2x2 @cpu(0)>
    """
    x = np.asarray(data)
    view, ax = _softmax_axes(x.shape, mode)
    return get("softmax").forward(x.reshape(view), axis=ax).reshape(x.shape)


@SoftmaxActivation.def_backward
def _(g, ins, out, mode):
    shape = tuple(ins[0].shape)
    view, ax = _softmax_axes(shape, mode)
    gx = get("softmax").backward(g.reshape(view), (ins[0].reshape(view),), out.reshape(view),
                                 axis=ax, temperature=None, dtype=None)[0]
    return (gx.reshape(shape),)
