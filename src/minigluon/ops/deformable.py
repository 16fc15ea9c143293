"""Deformable convolutions (v1 and the modulated v2): kernels sampled at learned offsets.

Each kernel tap ``k`` of output position ``p`` reads the input at ``p * stride - pad + k *
dilate + offset[p, k]`` by bilinear interpolation (0 outside the image), scaled by a mask in
the modulated form; the samples then meet the weights in one matrix product, as an im2col
convolution does. Offsets and masks are per deformable group of input channels.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..base import ShapeError
from .conv_engine import _geometry
from .registry import Case, register

__all__: list[str] = []


def _setup(op: str, dshape: tuple, kernel: Any, stride: Any, dilate: Any, pad: Any,
           num_filter: int, num_group: int, num_deformable_group: int, layout: Any
           ) -> tuple[Any, tuple[int, int]]:
    geom = _geometry(op, kernel, stride, dilate, pad)
    if len(geom.kernel) != 2 or len(dshape) != 4:
        raise ShapeError(f"{op}: only 2-D NCHW data is supported, got data shape {dshape} and "
                         f"kernel {geom.kernel}")
    if layout not in (None, "NCHW"):
        raise ShapeError(f"{op}: layout must be NCHW, got {layout!r}")
    channels = dshape[1]
    if channels % num_group or num_filter % num_group:
        raise ShapeError(f"{op}: num_group={num_group} must divide the input channels "
                         f"({channels}) and num_filter ({num_filter})")
    if channels % num_deformable_group:
        raise ShapeError(f"{op}: num_deformable_group={num_deformable_group} must divide the "
                         f"input channels ({channels})")
    out = tuple((dshape[2 + i] + 2 * geom.pad[i] - geom.span(i)) // geom.stride[i] + 1
                for i in range(2))
    if min(out) < 1:
        raise ShapeError(f"{op}: the kernel does not fit the padded input {dshape[2:]}")
    return geom, out  # type: ignore[return-value]


def _check_inputs(op: str, x: np.ndarray, offset: np.ndarray, mask: np.ndarray | None,
                  weight: np.ndarray, geom: Any, out: tuple, num_filter: int, num_group: int,
                  dg: int) -> None:
    kk = geom.kernel[0] * geom.kernel[1]
    want = (x.shape[0], dg * 2 * kk, *out)
    if offset.shape != want:
        raise ShapeError(f"{op}: offset must have shape {want}, got {offset.shape}")
    if mask is not None and mask.shape != (x.shape[0], dg * kk, *out):
        raise ShapeError(f"{op}: mask must have shape {(x.shape[0], dg * kk, *out)}, got "
                         f"{mask.shape}")
    wshape = (num_filter, x.shape[1] // num_group, *geom.kernel)
    if weight.shape != wshape:
        raise ShapeError(f"{op}: weight must have shape {wshape}, got {weight.shape}")


def _sample(x: np.ndarray, offset: np.ndarray, geom: Any, out: tuple, dg: int,
            v1: bool = False) -> dict:
    """Bilinear sampling of every (deformable group, channel, tap, output position).

    The two versions treat the border as MXNet's CPU kernels do: v2 (modulated) reads
    positions in (-1, size) with zeros beyond the image; v1 reads positions in [0, size) and
    holds the last row/column constant instead of fading it to zero.
    """
    n, c, h, w = x.shape
    kh, kw = geom.kernel
    ho, wo = out
    off = offset.reshape(n, dg, kh * kw, 2, ho * wo).astype(np.float64)
    base_y = (np.arange(ho)[:, None] * geom.stride[0] - geom.pad[0]).repeat(wo, 1).ravel()
    base_x = np.tile(np.arange(wo) * geom.stride[1] - geom.pad[1], ho)
    tap_y = (np.arange(kh) * geom.dilate[0]).repeat(kw)
    tap_x = np.tile(np.arange(kw) * geom.dilate[1], kh)
    py = base_y[None, :] + tap_y[:, None] + off[:, :, :, 0]  # (n, dg, K, P)
    px = base_x[None, :] + tap_x[:, None] + off[:, :, :, 1]
    if v1:
        inside = (py >= 0) & (py < h) & (px >= 0) & (px < w)
    else:
        inside = (py > -1) & (py < h) & (px > -1) & (px < w)
    y0, x0 = np.floor(py), np.floor(px)
    ly, lx = py - y0, px - x0
    # v1: past the last row (column) the kernel clamps, so the value stops varying there
    held_y = (y0 >= h - 1) if v1 else np.zeros(py.shape, dtype=bool)
    held_x = (x0 >= w - 1) if v1 else np.zeros(px.shape, dtype=bool)
    ly, lx = np.where(held_y, 0.0, ly), np.where(held_x, 0.0, lx)
    y0, x0 = y0.astype(np.int64), x0.astype(np.int64)
    corners = []
    for dy, dx, wgt in ((0, 0, (1 - ly) * (1 - lx)), (0, 1, (1 - ly) * lx),
                        (1, 0, ly * (1 - lx)), (1, 1, ly * lx)):
        yy, xx = y0 + dy, x0 + dx
        ok = inside & (yy >= 0) & (yy < h) & (xx >= 0) & (xx < w)
        idx = np.where(ok, yy * w + xx, 0)
        corners.append((idx, ok, wgt))
    flat = x.reshape(n, dg, c // dg, h * w).astype(np.float64)
    vals = []
    for idx, ok, _ in corners:
        shape = idx.shape
        got = np.take_along_axis(flat, idx.reshape(n, dg, 1, -1), axis=3)
        vals.append(got.reshape(n, dg, c // dg, *shape[2:]) * ok[:, :, None])
    sampled = sum(v * wgt[:, :, None] for v, (_, _, wgt) in zip(vals, corners))
    return {"corners": corners, "vals": vals, "sampled": sampled, "ly": ly, "lx": lx,
            "inside": inside, "held_y": held_y, "held_x": held_x}


def _forward(x: np.ndarray, offset: np.ndarray, mask: np.ndarray | None, weight: np.ndarray,
             bias: np.ndarray | None, geom: Any, out: tuple, num_filter: int, num_group: int,
             dg: int) -> np.ndarray:
    n, c = x.shape[:2]
    kk = geom.kernel[0] * geom.kernel[1]
    s = _sample(x, offset, geom, out, dg, v1=mask is None)["sampled"]  # (n, dg, c/dg, K, P)
    if mask is not None:
        s = s * mask.reshape(n, dg, 1, kk, -1)
    cols = s.reshape(n, num_group, c // num_group * kk, -1)
    wg = weight.reshape(num_group, num_filter // num_group, -1).astype(np.float64)
    res = np.einsum("gfk,ngkp->ngfp", wg, cols).reshape(n, num_filter, *out)
    if bias is not None:
        res = res + np.asarray(bias, dtype=np.float64).reshape(1, -1, 1, 1)
    return res.astype(x.dtype)


def _backward(g: np.ndarray, x: np.ndarray, offset: np.ndarray, mask: np.ndarray | None,
              weight: np.ndarray, has_bias: bool, geom: Any, out: tuple, num_filter: int,
              num_group: int, dg: int) -> list:
    n, c, h, w = x.shape
    kk = geom.kernel[0] * geom.kernel[1]
    s = _sample(x, offset, geom, out, dg, v1=mask is None)
    cg = c // dg
    m = None if mask is None else mask.reshape(n, dg, 1, kk, -1).astype(np.float64)
    sampled = s["sampled"] if m is None else s["sampled"] * m
    go = np.asarray(g, dtype=np.float64).reshape(n, num_group, num_filter // num_group, -1)
    wg = weight.reshape(num_group, num_filter // num_group, -1).astype(np.float64)
    gweight = np.einsum("ngfp,ngkp->gfk", go, sampled.reshape(n, num_group, -1, go.shape[-1]))
    gcol = np.einsum("gfk,ngfp->ngkp", wg, go).reshape(n, dg, cg, kk, -1)
    gmask = None if m is None else np.sum(gcol * s["sampled"], axis=2)
    gs = gcol if m is None else gcol * m  # gradient w.r.t. each bilinear sample
    # data: each sample spreads its gradient over the four corners it read
    gdata = np.zeros((n, dg, cg, h * w))
    for idx, ok, wgt in s["corners"]:
        contrib = gs * (wgt * ok)[:, :, None]
        for b in range(n):
            for d in range(dg):
                np.add.at(gdata[b, d], (slice(None), idx[b, d].ravel()),
                          contrib[b, d].reshape(cg, -1))
    # offsets: derivative of the bilinear interpolation w.r.t. the sampling position
    (v00, v01, v10, v11), ly, lx = s["vals"], s["ly"][:, :, None], s["lx"][:, :, None]
    dy = (1 - lx) * (v10 - v00) + lx * (v11 - v01)
    dx = (1 - ly) * (v01 - v00) + ly * (v11 - v10)
    inside = s["inside"][:, :, None]
    dy, dx = dy * ~s["held_y"][:, :, None], dx * ~s["held_x"][:, :, None]
    goff = np.stack([np.sum(gs * dy * inside, axis=2), np.sum(gs * dx * inside, axis=2)], axis=3)
    grads = [gdata.reshape(x.shape).astype(x.dtype),
             goff.reshape(offset.shape).astype(offset.dtype)]
    if mask is not None:
        grads.append(gmask.reshape(mask.shape).astype(mask.dtype))
    grads.append(gweight.reshape(weight.shape).astype(weight.dtype))
    if has_bias:
        grads.append(np.asarray(g).sum(axis=(0, 2, 3)).astype(weight.dtype))
    return grads


def _cases(modulated: bool) -> list[Case]:
    def offsets(shape: tuple) -> Any:
        # fractional offsets away from integer sampling positions, where bilinear
        # interpolation has a kink that finite differences would straddle
        return lambda rng: rng.uniform(0.1, 0.9, shape) * rng.choice([-1, 1], shape)

    def masks(shape: tuple) -> Any:
        return lambda rng: rng.uniform(0.2, 1.0, shape)

    extra = [masks((2, 9, 2, 2))] if modulated else []
    extra_g = [masks((1, 18, 2, 2))] if modulated else []
    return [Case((2, 2, 4, 4), offsets((2, 18, 2, 2)), *extra, (3, 2, 3, 3), (3,),
                 kernel=(3, 3), num_filter=3, pad=(0, 0), stride=(1, 1)),
            Case((1, 4, 4, 4), offsets((1, 36, 2, 2)), *extra_g, (4, 2, 3, 3),
                 kernel=(3, 3), num_filter=4, num_group=2, num_deformable_group=2,
                 stride=(2, 2), pad=(1, 1), no_bias=True)]


@register(namespace="contrib", cases=_cases(True))
def ModulatedDeformableConvolution(data, offset, mask, weight, bias=None, *, kernel, stride=(),
                                   dilate=(), pad=(), num_filter, num_group=1,
                                   num_deformable_group=1, workspace=1024, no_bias=False,
                                   im2col_step=64, layout=None):
    """Modulated deformable convolution (DCN v2): 2-D convolution at offset, masked taps.

    ``out[n, f, p] = bias[f] + sum_{c, k} weight[f, c, k] * mask[n, k, p] *
    data[n, c](p * stride - pad + k * dilate + offset[n, k, p])``, the input read by
    bilinear interpolation (0 outside). ``offset`` holds a (y, x) pair per tap and
    ``mask`` a factor per tap, for each of ``num_deformable_group`` groups of channels.

    Parameters
    ----------
    data : NDArray
        ``(batch, channels, height, width)``.
    offset : NDArray
        ``(batch, num_deformable_group * 2 * kh * kw, out_height, out_width)``.
    mask : NDArray
        ``(batch, num_deformable_group * kh * kw, out_height, out_width)``.
    weight : NDArray
        ``(num_filter, channels / num_group, kh, kw)``.
    bias : NDArray, optional
        ``(num_filter,)``.
    kernel : tuple of 2 int
        Kernel size ``(kh, kw)``.
    stride, dilate, pad : tuple of 2 int, optional
        Defaults 1, 1 and 0.
    num_filter : int
        Number of output channels.
    num_group : int, default 1
        Split channels and filters into this many independent groups.
    num_deformable_group : int, default 1
        Number of channel groups that share one set of offsets and masks.
    workspace, im2col_step : int
        Accepted for compatibility (memory tuning in MXNet).
    no_bias : bool, default False
        If True, no bias is added and ``bias`` may be left out.
    layout : {None, 'NCHW'}
        Only channels-first data is supported; None means ``'NCHW'``.

    Returns
    -------
    NDArray
        ``(batch, num_filter, out_height, out_width)``, sized as by ``Convolution``.

    See Also
    --------
    DeformableConvolution : Without the mask.
    Convolution : Zero offsets and unit masks.

    Examples
    --------
    With zero offsets and unit masks it is an ordinary convolution:

    >>> from minigluon import nd
    >>> x = nd.arange(16).reshape((1, 1, 4, 4))
    >>> w = nd.ones((1, 1, 3, 3))
    >>> off, mask = nd.zeros((1, 18, 2, 2)), nd.ones((1, 9, 2, 2))
    >>> nd.contrib.ModulatedDeformableConvolution(x, off, mask, w, kernel=(3, 3),
    ...                                           num_filter=1, no_bias=True)
    <BLANKLINE>
    [[[[45. 54.]
       [81. 90.]]]]
    <NDArray 1x1x2x2 @cpu(0)>
    >>> half = nd.contrib.ModulatedDeformableConvolution(x, off + 0.5, mask, w, kernel=(3, 3),
    ...                                                  num_filter=1, no_bias=True)
    >>> half[0, 0, 0, 0]   # every tap moved half a pixel down and right
    <BLANKLINE>
    [67.5]
    <NDArray 1 @cpu(0)>
    """
    x = np.asarray(data)
    geom, out = _setup("ModulatedDeformableConvolution", x.shape, kernel, stride, dilate, pad,
                       num_filter, num_group, num_deformable_group, layout)
    _check_inputs("ModulatedDeformableConvolution", x, np.asarray(offset), np.asarray(mask),
                  np.asarray(weight), geom, out, num_filter, num_group, num_deformable_group)
    return _forward(x, np.asarray(offset), np.asarray(mask), np.asarray(weight),
                    None if no_bias or bias is None else np.asarray(bias), geom, out,
                    num_filter, num_group, num_deformable_group)


@ModulatedDeformableConvolution.def_backward
def _(g, ins, out, kernel, stride, dilate, pad, num_filter, num_group, num_deformable_group,
      workspace, no_bias, im2col_step, layout):
    x, offset, mask, weight = (np.asarray(a) for a in ins[:4])
    geom, osz = _setup("ModulatedDeformableConvolution", x.shape, kernel, stride, dilate, pad,
                       num_filter, num_group, num_deformable_group, layout)
    grads = _backward(g, x, offset, mask, weight, len(ins) > 4, geom, osz, num_filter,
                      num_group, num_deformable_group)
    if len(ins) > 4 and no_bias:
        grads[-1] = None if ins[4] is None else np.zeros_like(np.asarray(ins[4]))
    return tuple(grads)


@ModulatedDeformableConvolution.def_shape
def _(dshape, oshape, mshape, wshape, *rest, kernel, stride, dilate, pad, num_filter,
      num_group, num_deformable_group, layout, **_: Any):
    _, out = _setup("ModulatedDeformableConvolution", tuple(dshape), kernel, stride, dilate,
                    pad, num_filter, num_group, num_deformable_group, layout)
    return [(dshape[0], num_filter, *out)]


@register(namespace="contrib", cases=_cases(False))
def DeformableConvolution(data, offset, weight, bias=None, *, kernel, stride=(), dilate=(),
                          pad=(), num_filter, num_group=1, num_deformable_group=1,
                          workspace=1024, no_bias=False, layout=None):
    """Deformable convolution (DCN v1): 2-D convolution with taps read at learned offsets.

    ``out[n, f, p] = bias[f] + sum_{c, k} weight[f, c, k] * data[n, c](p * stride - pad +
    k * dilate + offset[n, k, p])``, read by bilinear interpolation (0 outside the image).

    Parameters
    ----------
    data : NDArray
        ``(batch, channels, height, width)``.
    offset : NDArray
        ``(batch, num_deformable_group * 2 * kh * kw, out_height, out_width)``: a (y, x)
        pair per tap.
    weight : NDArray
        ``(num_filter, channels / num_group, kh, kw)``.
    bias : NDArray, optional
        ``(num_filter,)``; ignored when ``no_bias=True``.
    kernel : tuple of 2 int
        Kernel size ``(kh, kw)``.
    stride, dilate, pad : tuple of 2 int, optional
        Kernel step, tap spacing and zero padding on both sides; defaults 1, 1 and 0.
    num_filter : int
        Number of output channels.
    num_group : int, default 1
        Split channels and filters into this many independent groups.
    num_deformable_group : int, default 1
        Number of channel groups that share one set of offsets.
    workspace : int
        Accepted for compatibility.
    no_bias : bool, default False
        If True, no bias is added and ``bias`` may be left out.
    layout : {None, 'NCHW'}
        Only channels-first data is supported; None means ``'NCHW'``.

    Returns
    -------
    NDArray
        ``(batch, num_filter, out_height, out_width)``.

    See Also
    --------
    ModulatedDeformableConvolution, Convolution

    Examples
    --------
    >>> from minigluon import nd
    >>> x = nd.arange(9).reshape((1, 1, 3, 3))
    >>> w = nd.ones((1, 1, 1, 1))
    >>> off = nd.zeros((1, 2, 3, 3))
    >>> off[:, 1] = 1   # every tap reads one pixel to the right (0 past the edge)
    >>> nd.contrib.DeformableConvolution(x, off, w, kernel=(1, 1), num_filter=1, no_bias=True)
    <BLANKLINE>
    [[[[1. 2. 0.]
       [4. 5. 0.]
       [7. 8. 0.]]]]
    <NDArray 1x1x3x3 @cpu(0)>
    """
    x = np.asarray(data)
    geom, out = _setup("DeformableConvolution", x.shape, kernel, stride, dilate, pad,
                       num_filter, num_group, num_deformable_group, layout)
    _check_inputs("DeformableConvolution", x, np.asarray(offset), None, np.asarray(weight),
                  geom, out, num_filter, num_group, num_deformable_group)
    return _forward(x, np.asarray(offset), None, np.asarray(weight),
                    None if no_bias or bias is None else np.asarray(bias), geom, out,
                    num_filter, num_group, num_deformable_group)


@DeformableConvolution.def_backward
def _(g, ins, out, kernel, stride, dilate, pad, num_filter, num_group, num_deformable_group,
      workspace, no_bias, layout):
    x, offset, weight = (np.asarray(a) for a in ins[:3])
    geom, osz = _setup("DeformableConvolution", x.shape, kernel, stride, dilate, pad,
                       num_filter, num_group, num_deformable_group, layout)
    grads = _backward(g, x, offset, None, weight, len(ins) > 3, geom, osz, num_filter,
                      num_group, num_deformable_group)
    if len(ins) > 3 and no_bias:
        grads[-1] = None if ins[3] is None else np.zeros_like(np.asarray(ins[3]))
    return tuple(grads)


@DeformableConvolution.def_shape
def _(dshape, oshape, wshape, *rest, kernel, stride, dilate, pad, num_filter, num_group,
      num_deformable_group, layout, **_: Any):
    _, out = _setup("DeformableConvolution", tuple(dshape), kernel, stride, dilate, pad,
                    num_filter, num_group, num_deformable_group, layout)
    return [(dshape[0], num_filter, *out)]
