"""Convolution, Deconvolution and the fused conv-BatchNorm-relu kernel (NCW / NCHW / NCDHW).

The ops validate their calls and give shapes (forward, and the weight shapes deferred
initialization asks for); the arithmetic is the engine's (:mod:`minigluon.ops.conv_engine`).
``Deconvolution`` is the transpose of ``Convolution``: its forward is the convolution's input
gradient and its backward the convolution's forward and weight gradient, so the kernels exist
once. ``conv_bn_relu`` is the inference kernel :mod:`minigluon.symbol.fusion` runs in place of
``Convolution`` [-> ``BatchNorm``] [-> relu].
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..base import ShapeError
from .conv_engine import (
    _as_tuple,
    _check_data,
    _check_layout,
    _conv_backward,
    _conv_forward,
    _Geom,
    _geometry,
    _layout_perms,
    _permute,
)
from .registry import Case, register

__all__: list[str] = []


def _conv_out(op: str, dshape: tuple, geom: _Geom) -> tuple[int, ...]:
    out = []
    for i, n in enumerate(dshape[2:]):
        o = (n + 2 * geom.pad[i] - geom.span(i)) // geom.stride[i] + 1
        if o <= 0:
            raise ShapeError(
                f"{op}: kernel {geom.kernel} (dilate {geom.dilate}) does not fit in data of "
                f"shape {tuple(dshape)} padded by {geom.pad}")
        out.append(o)
    return tuple(out)


# -- Convolution ---------------------------------------------------------------------------
def _check_call(op: str, dshape: Any, kernel: Any, stride: Any, dilate: Any, pad: Any,
                layout: Any, num_group: Any, num_filter: Any) -> tuple:
    """What Convolution and Deconvolution check alike: geometry, layout, data, groups.

    Returns ``(geometry, data shape, groups, num_filter, channels)``.
    """
    geom = _geometry(op, kernel, stride, dilate, pad)
    nsp = len(geom.kernel)
    _check_layout(op, layout, nsp)
    if dshape is None:
        raise ShapeError(f"{op}: the data shape must be known to infer the output shape")
    dshape = tuple(dshape)
    _check_data(op, dshape, geom)
    groups, nf = int(num_group), int(num_filter)
    c = dshape[1]
    if groups < 1 or c % groups or nf % groups:
        raise ShapeError(f"{op}: num_group={groups} must divide both the data's {c} channels "
                         f"and num_filter={nf}")
    return geom, dshape, groups, nf, c


def _conv_setup(op: str, dshape: Any, wshape: Any, bshape: Any, kernel: Any, stride: Any,
                dilate: Any, pad: Any, num_filter: Any, num_group: Any, no_bias: bool,
                layout: Any) -> tuple[_Geom, tuple]:
    """Validate a Convolution call; (geometry, output shape)."""
    geom, dshape, groups, nf, c = _check_call(op, dshape, kernel, stride, dilate, pad, layout,
                                              num_group, num_filter)
    if wshape is not None:
        want = (nf, c // groups, *geom.kernel)
        wshape = tuple(wshape)
        if len(wshape) == len(want) and wshape[1] != want[1]:
            raise ShapeError(
                f"{op}: weight has {wshape[1]} input channels per group but data has {c} "
                f"channels (num_group={groups}): expected weight shape {want}, got {wshape} "
                f"for data of shape {dshape}")
        if wshape != want:
            raise ShapeError(f"{op}: weight shape {wshape} does not match num_filter={nf}, "
                             f"kernel={geom.kernel} and data of shape {dshape}: expected {want}")
    if not no_bias and bshape is not None and tuple(bshape) != (nf,):
        raise ShapeError(f"{op}: bias shape {tuple(bshape)} must be (num_filter,) = ({nf},)")
    return geom, (dshape[0], nf, *_conv_out(op, dshape, geom))


def _cases_conv() -> list[Case]:
    return [
        Case((2, 2, 4, 4), (3, 2, 2, 2), (3,), kernel=(2, 2), num_filter=3),
        Case((1, 1, 6, 6), (2, 1, 3, 3), (2,), kernel=(3, 3), num_filter=2, pad=(1, 1)),
        Case((1, 4, 5, 4), (4, 2, 3, 2), (4,), kernel=(3, 2), num_filter=4, num_group=2,
             stride=(2, 1), pad=(1, 0)),
        Case((2, 1, 7, 7), (2, 1, 2, 2), kernel=(2, 2), num_filter=2, dilate=(2, 3),
             stride=(2, 2), pad=(1, 0), no_bias=True),
        Case((2, 3, 7), (4, 3, 3), (4,), kernel=(3,), num_filter=4, stride=(2,), pad=(1,)),
        Case((1, 4, 3, 3), (4, 1, 2, 2), kernel=(2, 2), num_filter=4, num_group=4,
             no_bias=True, pad=(1, 1)),
        # channels-last data and OHWI / ODHWI weights
        Case((2, 4, 5, 2), (3, 2, 3, 2), (3,), kernel=(2, 3), num_filter=3, stride=(2, 1),
             pad=(1, 0), layout="NHWC"),
        Case((1, 3, 2, 3, 4), (2, 2, 1, 2, 2), kernel=(2, 1, 2), num_filter=2, num_group=2,
             no_bias=True, layout="NDHWC"),
    ]


@register(cases=_cases_conv())
def Convolution(data, weight, bias=None, *, kernel, stride=(), dilate=(), pad=(), num_filter,
                num_group=1, no_bias=False, layout=None, workspace=1024, cudnn_tune=None,
                cudnn_off=False):
    """1-D, 2-D or 3-D convolution (cross-correlation) over NCW / NCHW / NCDHW data.

    ``out[n, f] = bias[f] + sum_{c, k} weight[f, c, k] * data[n, g * C/G + c, s * o + d * k - p]``
    over the channels ``c`` of filter ``f``'s group ``g``. Each output size is
    ``floor((x + 2 * pad - dilate * (kernel - 1) - 1) / stride) + 1``.

    Parameters
    ----------
    data : NDArray
        ``(N, C, W)``, ``(N, C, H, W)`` or ``(N, C, D, H, W)``.
    weight : NDArray
        ``(num_filter, C / num_group, *kernel)``.
    bias : NDArray, optional
        ``(num_filter,)``; ignored when ``no_bias=True``.
    kernel : tuple of int
        Kernel size, one entry per spatial dimension.
    stride : tuple of int, default 1 in every dimension
        Step of the kernel along each spatial dimension.
    dilate : tuple of int, default 1 in every dimension
        Spacing between kernel taps (1: a dense kernel).
    pad : tuple of int, default 0 in every dimension
        Zero padding added on both sides.
    num_filter : int
        Number of output channels.
    num_group : int, default 1
        Split channels and filters into this many independent groups.
    no_bias : bool, default False
        If True, no bias is added and ``bias`` may be left out.
    layout : str, optional
        Channels first (``'NCW'``, ``'NCHW'``, ``'NCDHW'``, the default) or channels last
        (``'NWC'``, ``'NHWC'``, ``'NDHWC'``); the weight follows the data (``OHWI`` for
        ``'NHWC'``) and so does the output.
    workspace, cudnn_tune, cudnn_off
        Accepted for MXNet compatibility and ignored.

    Returns
    -------
    NDArray
        ``(N, num_filter, *out_spatial)``.

    See Also
    --------
    Deconvolution, Pooling, FullyConnected, minigluon.gluon.nn.Conv2D

    Examples
    --------
    >>> from minigluon import nd
    >>> x = nd.arange(16).reshape((1, 1, 4, 4))
    >>> w = nd.ones((1, 1, 2, 2))
    >>> nd.Convolution(x, w, kernel=(2, 2), num_filter=1, no_bias=True, stride=(2, 2))
    <BLANKLINE>
    [[[[10. 18.]
       [42. 50.]]]]
    <NDArray 1x1x2x2 @cpu(0)>
    >>> nd.Convolution(x, nd.ones((1, 1, 3, 3)), nd.array([1]), kernel=(3, 3), num_filter=1,
    ...                pad=(1, 1)).shape
    (1, 1, 4, 4)
    >>> nd.Convolution(nd.ones((8, 6, 10)), nd.ones((4, 3, 3)), kernel=(3,), num_filter=4,
    ...                num_group=2, no_bias=True).shape
    (8, 4, 8)
    """
    perms = _layout_perms("Convolution", layout, np.ndim(data))
    if perms:  # channels-last: the kernels compute channels-first
        to_first, to_last = perms
        try:
            out = Convolution.forward(np.asarray(data).transpose(to_first),
                                      np.asarray(weight).transpose(to_first), bias,
                                      kernel=kernel, stride=stride, dilate=dilate, pad=pad,
                                      num_filter=num_filter, num_group=num_group,
                                      no_bias=no_bias)
        except ShapeError as e:
            raise ShapeError(f"{e} (layout {layout}: shapes shown channels-first)") from None
        return np.ascontiguousarray(out.transpose(to_last))
    geom, oshape = _conv_setup("Convolution", np.shape(data), np.shape(weight),
                               None if bias is None else np.shape(bias), kernel, stride, dilate,
                               pad, num_filter, num_group, no_bias, layout)
    b = None if no_bias else bias
    return _conv_forward(data, weight, b, geom, int(num_group), oshape[2:])


def conv_bn_relu(data: Any, weight: Any, bias: Any = None, gamma: Any = None, beta: Any = None,
                 moving_mean: Any = None, moving_var: Any = None, *, conv: dict[str, Any],
                 bn: dict[str, Any] | None, relu: bool) -> np.ndarray:
    """Inference kernel for ``Convolution`` [-> ``BatchNorm``] [-> relu] in one pass.

    The normalization, with moving statistics, is folded into the weights and bias
    (``w * s``, ``(b - mean) * s + beta`` with ``s = gamma / sqrt(var + eps)``), and relu is
    applied to each output tile while it is in cache: one pass over the activations instead
    of three. Equal to the unfused ops up to float rounding.
    """
    perms = _layout_perms("Convolution", conv["layout"], np.ndim(data))
    if perms:
        out = conv_bn_relu(np.asarray(data).transpose(perms[0]),
                           np.asarray(weight).transpose(perms[0]), bias, gamma, beta,
                           moving_mean, moving_var, conv={**conv, "layout": None}, bn=bn,
                           relu=relu)
        return np.ascontiguousarray(out.transpose(perms[1]))
    geom, oshape = _conv_setup("Convolution", np.shape(data), np.shape(weight),
                               None if bias is None else np.shape(bias), conv["kernel"],
                               conv["stride"], conv["dilate"], conv["pad"], conv["num_filter"],
                               conv["num_group"], conv["no_bias"], conv["layout"])
    w = np.asarray(weight)
    b = None if conv["no_bias"] or bias is None else np.asarray(bias)
    if bn is not None:
        scale = 1.0 / np.sqrt(np.asarray(moving_var) + bn["eps"])
        if not bn["fix_gamma"]:
            scale = scale * np.asarray(gamma)
        scale = scale.astype(w.dtype, copy=False)
        shift = -np.asarray(moving_mean) if b is None else b - np.asarray(moving_mean)
        b = (shift * scale + np.asarray(beta)).astype(w.dtype, copy=False)
        w = w * scale.reshape((-1,) + (1,) * (w.ndim - 1))
    return _conv_forward(data, w, b, geom, int(conv["num_group"]), oshape[2:], relu=relu)


Convolution.def_inputs(lambda no_bias=False, **_: ("data", "weight")
                          + (() if no_bias else ("bias",)))
# the backward reads data and weight, not the output (the bias gradient is a sum of g)
Convolution.def_saves(lambda **_: ((0, 1), ()))

@Convolution.def_backward
def _(g, ins, out, kernel, stride, dilate, pad, num_filter, num_group, no_bias, needs=None,
      layout=None, **_):
    perms = _layout_perms("Convolution", layout, np.ndim(ins[0]))
    if perms:
        to_first, to_last = perms
        first = [np.asarray(ins[0]).transpose(to_first), np.asarray(ins[1]).transpose(to_first),
                 *ins[2:]]
        grads = Convolution.backward(np.asarray(g).transpose(to_first), first,
                                     np.asarray(out).transpose(to_first), kernel=kernel,
                                     stride=stride, dilate=dilate, pad=pad,
                                     num_filter=num_filter, num_group=num_group,
                                     no_bias=no_bias, needs=needs)
        return tuple(np.ascontiguousarray(gi.transpose(to_last)) if i < 2 and gi is not None
                     else gi for i, gi in enumerate(grads))
    data, weight = ins[0], ins[1]
    geom = _geometry("Convolution", kernel, stride, dilate, pad)
    # a network's first convolution needs no gradient for its input image: skip half the work
    need_x = needs is None or needs[0]
    need_w = needs is None or needs[1]
    gx, gw = _conv_backward(g, weight, geom, int(num_group), np.shape(data),
                            x=data if need_w else None, need_x=need_x)
    grads = [None if gx is None else gx.astype(data.dtype, copy=False),
             None if gw is None else gw.astype(weight.dtype, copy=False)]
    if len(ins) > 2:
        bias = ins[2]
        grads.append(None if no_bias or bias is None else
                     g.sum(axis=(0, *range(2, g.ndim))).astype(bias.dtype, copy=False))
    return tuple(grads)


@Convolution.def_shape
def _(dshape, wshape=None, bshape=None, *, kernel, stride, dilate, pad, num_filter, num_group,
      no_bias, layout, **_):
    perms = None if dshape is None else _layout_perms("Convolution", layout, len(dshape))
    if perms:
        out = _conv_setup("Convolution", _permute(dshape, perms[0]),
                          None if wshape is None else _permute(wshape, perms[0]), bshape, kernel,
                          stride, dilate, pad, num_filter, num_group, no_bias, None)[1]
        return _permute(out, perms[1])
    return _conv_setup("Convolution", dshape, wshape, bshape, kernel, stride, dilate, pad,
                       num_filter, num_group, no_bias, layout)[1]


def _channel_axis(layout: Any) -> int:
    return layout.find("C") if isinstance(layout, str) and "C" in layout else 1


@Convolution.def_infer_args
def _(data, weight=None, bias=None, *, kernel, num_filter, num_group=1, no_bias=False,
      layout=None, **_):
    if data is None:
        return [data, weight, bias]
    kernel = tuple(kernel)
    axis = _channel_axis(layout)
    per_group = data[axis] // num_group
    # MXNet keeps the weight in the data's layout: OIHW for NCHW, OHWI for NHWC.
    w = (num_filter, per_group, *kernel) if axis == 1 else (num_filter, *kernel, per_group)
    return [data, w, None if no_bias else (num_filter,)]


@Convolution.def_partial_shape
def _(ins, outs, *, kernel, stride=(), dilate=(), pad=(), layout=None, **_):
    # back from the output: the batch size, and each spatial extent whose stride is 1
    data, out = ins[0], outs[0]
    if data is None or out is None or len(data) != len(out) or _channel_axis(layout) != 1:
        return ins, outs
    nsp = len(data) - 2
    stride, dilate = tuple(stride) or (1,) * nsp, tuple(dilate) or (1,) * nsp
    pad = tuple(pad) or (0,) * nsp
    new = [data[0] or out[0], data[1]]
    for k in range(nsp):
        d, o = data[2 + k], out[2 + k]
        if not d and o and stride[k] == 1:
            d = o + dilate[k] * (kernel[k] - 1) - 2 * pad[k]
        new.append(d)
    return [tuple(new), *ins[1:]], outs


# -- Deconvolution -------------------------------------------------------------------------
def _deconv_setup(op: str, dshape: Any, wshape: Any, bshape: Any, kernel: Any, stride: Any,
                  dilate: Any, pad: Any, adj: Any, target_shape: Any, num_filter: Any,
                  num_group: Any, no_bias: bool, layout: Any) -> tuple[_Geom, tuple]:
    """Validate a Deconvolution call; (geometry of the matching convolution, output shape)."""
    geom, dshape, groups, nf, c = _check_call(op, dshape, kernel, stride, dilate, pad, layout,
                                              num_group, num_filter)
    nsp = len(geom.kernel)
    if wshape is not None:
        want = (c, nf // groups, *geom.kernel)
        if tuple(wshape) != want:
            raise ShapeError(
                f"{op}: weight shape {tuple(wshape)} does not match data of shape {dshape}, "
                f"num_filter={nf}, num_group={groups} and kernel={geom.kernel}: expected "
                f"{want} (in_channels, num_filter / num_group, *kernel)")
    if not no_bias and bshape is not None and tuple(bshape) != (nf,):
        raise ShapeError(f"{op}: bias shape {tuple(bshape)} must be (num_filter,) = ({nf},)")
    in_sp = dshape[2:]
    full = [geom.stride[i] * (n - 1) + geom.span(i) for i, n in enumerate(in_sp)]
    target = tuple(target_shape or ())
    if target and any(t != 0 for t in target):
        if len(target) != nsp:
            raise ShapeError(f"{op}: target_shape={target} must have {nsp} entries")
        pads, out = [], []
        for i, t in enumerate(target):
            if t > full[i]:
                raise ShapeError(f"{op}: target_shape={target} is too big for data of shape "
                                 f"{dshape}: at most {tuple(full)} is reachable")
            pads.append((full[i] - t + 1) // 2)
            out.append(int(t))
        geom = geom._replace(pad=tuple(pads))
    else:
        adjs = _as_tuple(op, "adj", adj, nsp, 0, 0)
        for a, s in zip(adjs, geom.stride):
            if a >= s:
                raise ShapeError(f"{op}: adj={adjs} must be smaller than stride={geom.stride}")
        out = [full[i] - 2 * geom.pad[i] + adjs[i] for i in range(nsp)]
        if any(o <= 0 for o in out):
            raise ShapeError(f"{op}: pad={geom.pad} is too large for data of shape {dshape}: "
                             f"the output would have spatial shape {tuple(out)}")
    return geom, (dshape[0], nf, *out)


@register(cases=[
    Case((2, 2, 3, 3), (2, 3, 2, 2), (3,), kernel=(2, 2), num_filter=3, no_bias=False),
    Case((1, 3, 3, 2), (2, 2, 2, 3), (3,), kernel=(2, 2), num_filter=3, no_bias=False,
         stride=(2, 1), layout="NHWC"),
    Case((1, 2, 3, 3), (2, 2, 3, 3), kernel=(3, 3), num_filter=2, stride=(2, 2), pad=(1, 1),
         adj=(1, 0)),
    Case((1, 4, 3, 2), (4, 1, 2, 3), kernel=(2, 3), num_filter=2, num_group=2, dilate=(2, 1),
         stride=(1, 2)),
    Case((2, 3, 4), (3, 2, 3), (2,), kernel=(3,), num_filter=2, stride=(2,), no_bias=False,
         target_shape=(8,)),
])
def Deconvolution(data, weight, bias=None, *, kernel, stride=(), dilate=(), pad=(), adj=(),
                  target_shape=(), num_filter, num_group=1, no_bias=True, layout=None,
                  workspace=512, cudnn_tune=None, cudnn_off=False):
    """Transposed convolution: the gradient of :func:`Convolution` with respect to its input.

    Each input pixel scatters ``weight[c]`` scaled by its value into the output. Each output
    size is ``stride * (x - 1) + dilate * (kernel - 1) + 1 - 2 * pad + adj``; with
    ``target_shape`` the padding (and ``adj``) are chosen to reach that size.

    Parameters
    ----------
    data : NDArray
        ``(N, C, W)``, ``(N, C, H, W)`` or ``(N, C, D, H, W)``.
    weight : NDArray
        ``(C, num_filter / num_group, *kernel)`` (the weight of the matching convolution).
    bias : NDArray, optional
        ``(num_filter,)``, used only when ``no_bias=False``.
    kernel : tuple of int
        Kernel size, one entry per spatial dimension.
    stride, dilate, pad : tuple of int
        Those of the convolution this op transposes (defaults 1, 1, 0).
    adj : tuple of int, default 0
        Extra rows/columns added at the end of each output dimension (``< stride``).
    target_shape : tuple of int, optional
        Output spatial shape; overrides ``pad`` and ``adj``.
    num_filter : int
        Number of output channels.
    num_group : int, default 1
        Split channels and filters into this many independent groups.
    no_bias : bool, default True
        If True (the default), no bias is added and ``bias`` may be left out.
    layout, workspace, cudnn_tune, cudnn_off
        As in :func:`Convolution`.

    Returns
    -------
    NDArray
        ``(N, num_filter, *out_spatial)``.

    See Also
    --------
    Convolution, minigluon.gluon.nn.Conv2DTranspose

    Examples
    --------
    >>> from minigluon import nd
    >>> x = nd.array([[[[1, 2], [3, 4]]]])
    >>> nd.Deconvolution(x, nd.ones((1, 1, 2, 2)), kernel=(2, 2), num_filter=1)
    <BLANKLINE>
    [[[[ 1.  3.  2.]
       [ 4. 10.  6.]
       [ 3.  7.  4.]]]]
    <NDArray 1x1x3x3 @cpu(0)>
    >>> nd.Deconvolution(nd.ones((2, 8, 5, 5)), nd.ones((8, 4, 4, 4)), kernel=(4, 4),
    ...                  stride=(2, 2), pad=(1, 1), num_filter=4).shape
    (2, 4, 10, 10)
    >>> nd.Deconvolution(nd.ones((1, 3, 5)), nd.ones((3, 2, 3)), kernel=(3,), stride=(2,),
    ...                  num_filter=2, target_shape=(10,)).shape
    (1, 2, 10)
    """
    perms = _layout_perms("Deconvolution", layout, np.ndim(data))
    if perms:  # channels-last: the kernels compute channels-first
        out = Deconvolution.forward(np.asarray(data).transpose(perms[0]),
                                    np.asarray(weight).transpose(perms[0]), bias, kernel=kernel,
                                    stride=stride, dilate=dilate, pad=pad, adj=adj,
                                    target_shape=target_shape, num_filter=num_filter,
                                    num_group=num_group, no_bias=no_bias)
        return np.ascontiguousarray(out.transpose(perms[1]))
    geom, oshape = _deconv_setup("Deconvolution", np.shape(data), np.shape(weight),
                                 None if bias is None else np.shape(bias), kernel, stride,
                                 dilate, pad, adj, target_shape, num_filter, num_group, no_bias,
                                 layout)
    out = _conv_backward(data, weight, geom, int(num_group), oshape)[0]
    if not no_bias and bias is not None:
        out += np.asarray(bias, dtype=out.dtype).reshape((-1,) + (1,) * (out.ndim - 2))
    return out.astype(np.result_type(data, weight), copy=False)


Deconvolution.def_inputs(lambda no_bias=True, **_: ("data", "weight")
                            + (() if no_bias else ("bias",)))

@Deconvolution.def_backward
def _(g, ins, out, kernel, stride, dilate, pad, adj, target_shape, num_filter, num_group,
      no_bias, layout, **_):
    perms = _layout_perms("Deconvolution", layout, np.ndim(ins[0]))
    if perms:
        to_first, to_last = perms
        first = [np.asarray(ins[0]).transpose(to_first), np.asarray(ins[1]).transpose(to_first),
                 *ins[2:]]
        grads = Deconvolution.backward(np.asarray(g).transpose(to_first), first,
                                       np.asarray(out).transpose(to_first), kernel=kernel,
                                       stride=stride, dilate=dilate, pad=pad, adj=adj,
                                       target_shape=target_shape, num_filter=num_filter,
                                       num_group=num_group, no_bias=no_bias, layout=None)
        return tuple(np.ascontiguousarray(gi.transpose(to_last)) if i < 2 and gi is not None
                     else gi for i, gi in enumerate(grads))
    data, weight = ins[0], ins[1]
    geom, _s = _deconv_setup("Deconvolution", np.shape(data), np.shape(weight), None, kernel,
                             stride, dilate, pad, adj, target_shape, num_filter, num_group,
                             True, layout)
    groups = int(num_group)
    gx = _conv_forward(g, weight, None, geom, groups, np.shape(data)[2:])
    gw = _conv_backward(data, weight, geom, groups, np.shape(g), x=g, need_x=False)[1]
    grads = [gx.astype(data.dtype, copy=False), gw.astype(weight.dtype, copy=False)]
    if len(ins) > 2:
        bias = ins[2]
        grads.append(None if no_bias or bias is None else
                     g.sum(axis=(0, *range(2, g.ndim))).astype(bias.dtype, copy=False))
    return tuple(grads)


@Deconvolution.def_shape
def _(dshape, wshape=None, bshape=None, *, kernel, stride, dilate, pad, adj, target_shape,
      num_filter, num_group, no_bias, layout, **_):
    perms = None if dshape is None else _layout_perms("Deconvolution", layout, len(dshape))
    if perms:
        out = _deconv_setup("Deconvolution", _permute(dshape, perms[0]),
                            None if wshape is None else _permute(wshape, perms[0]), bshape,
                            kernel, stride, dilate, pad, adj, target_shape, num_filter,
                            num_group, no_bias, None)[1]
        return _permute(out, perms[1])
    return _deconv_setup("Deconvolution", dshape, wshape, bshape, kernel, stride, dilate, pad,
                         adj, target_shape, num_filter, num_group, no_bias, layout)[1]


@Deconvolution.def_infer_args
def _(data, weight=None, bias=None, *, kernel, num_filter, num_group=1, no_bias=True,
      layout=None, **_):
    if data is None:
        return [data, weight, bias]
    kernel = tuple(kernel)
    axis = _channel_axis(layout)
    per_group = num_filter // num_group
    w = (data[axis], per_group, *kernel) if axis == 1 else (data[axis], *kernel, per_group)
    return [data, w, None if no_bias else (num_filter,)]

