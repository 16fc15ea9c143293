"""Activation ops: Activation, LeakyReLU (and ``erf``, for GELU), SoftmaxActivation.

``Activation`` runs the elementwise op its ``act_type`` names (``relu``, ``sigmoid``...);
``LeakyReLU`` computes its variants here, and ``prelu`` has a learnable slope whose shape it
gives from the data shape (``def_infer_args``) for deferred initialization.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..base import MXNetError, ShapeError
from .elemwise import away_from_zero
from .generic import G, unbroadcast
from .registry import Case, get, register, same_shape

__all__: list[str] = []


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
        Input array of any shape.
    act_type : {'relu', 'sigmoid', 'tanh', 'softrelu', 'softsign'}
        Name of the activation function applied to every element.

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


@Activation.def_lean
def _(n_inputs: int, *, act_type: str) -> Any:
    return _act_op(act_type).forward  # the name looked up once, not per call


Activation.def_backward(lambda g, ins, out, act_type: _act_op(act_type).backward(g, ins, out))
# its backward reads what its act_type's op reads (relu: only the output)
Activation.def_saves(lambda act_type: _act_op(act_type).saved({}) or ((0,), (0,)))


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
        Input array of any shape.

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
        Input array; for ``prelu`` axis 1 holds the channels.
    gamma : NDArray, optional
        Slopes for ``prelu``: shape ``(1,)`` or ``(C,)``.
    act_type : {'leaky', 'prelu', 'elu', 'selu', 'gelu'}, default 'leaky'
        Which rectifier to apply (see the list above); ``'rrelu'`` raises.
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


LeakyReLU.def_inputs(lambda act_type="leaky", **_: ("data", "gamma") if act_type == "prelu"
                     else ("data",))

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
        ``'instance'`` normalizes each sample's flattened features; ``'channel'`` normalizes over
        axis 1 at every position.

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
