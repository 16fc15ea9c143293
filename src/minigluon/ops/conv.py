"""Convolution, Deconvolution and Pooling on NCW / NCHW / NCDHW data.

One convolution engine serves all three convolution directions:

- ``_conv_forward``: im2col as a strided window view feeding one GEMM per chunk of samples;
- ``_conv_backward``: the column gradient by one GEMM, scattered back by a loop over the kernel
  offsets adding strided slices (no ``np.add.at``); the weight gradient by GEMM.

``Deconvolution`` is the transpose of ``Convolution``: its forward is the convolution's input
gradient and its backward the convolution's forward and weight gradient, so the kernels exist
once. The columns come in two memory orders, both with ``K`` ordered (kernel offsets, channel):

- *NHWC* (general case, groups): windows ``(N, *out, group, *kernel, C/g)`` over a padded
  channels-last copy of the input; a window row is a contiguous run of ``kw * C`` values;
- *offset-major* (one group and few channels, e.g. an RGB or grey first layer): rows
  ``(*kernel, C)`` by columns ``(N, *out)``, built by one slice copy per kernel offset; each copy
  moves runs of ``out_w`` values where the channels-last view would move runs of ``kw * C``.

Both process the batch in chunks of samples so that the column buffer stays in cache.
"""

from __future__ import annotations

import itertools
import math
from typing import Any, NamedTuple

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..base import MXNetError
from .registry import Case, register
from .shape import ShapeError

__all__: list[str] = []

_CHUNK_BYTES = 1 << 20  # column buffer per chunk: keeps im2col in L2
_FORCE_LAYOUT: str | None = None  # 'nhwc' | 'offset' to force a column order (tests)
_LAYOUTS = {1: "NCW", 2: "NCHW", 3: "NCDHW"}


class _Geom(NamedTuple):
    kernel: tuple[int, ...]
    stride: tuple[int, ...]
    dilate: tuple[int, ...]
    pad: tuple[int, ...]

    def span(self, i: int) -> int:
        """Extent of the dilated kernel along spatial dimension ``i``."""
        return self.dilate[i] * (self.kernel[i] - 1) + 1


def _as_tuple(op: str, attr: str, value: Any, nsp: int, default: int, low: int) -> tuple:
    if value is None or (isinstance(value, (tuple, list)) and len(value) == 0):
        return (default,) * nsp
    if isinstance(value, (int, np.integer)):
        value = (int(value),) * nsp
    t = tuple(int(v) for v in value)
    if len(t) != nsp:
        raise ShapeError(f"{op}: {attr}={tuple(value)} has {len(t)} entries but the kernel has "
                         f"{nsp} spatial dimensions")
    if any(v < low for v in t):
        raise ShapeError(f"{op}: {attr}={t} must be >= {low} in every dimension")
    return t


def _geometry(op: str, kernel: Any, stride: Any, dilate: Any, pad: Any) -> _Geom:
    if kernel is None or (isinstance(kernel, (tuple, list)) and len(kernel) == 0):
        raise ShapeError(f"{op}: kernel must be given, e.g. kernel=(3, 3)")
    k = kernel if isinstance(kernel, (tuple, list)) else (kernel,)
    nsp = len(k)
    if nsp not in (1, 2, 3):
        raise ShapeError(f"{op}: kernel={tuple(k)} must have 1, 2 or 3 dimensions")
    return _Geom(_as_tuple(op, "kernel", k, nsp, 1, 1), _as_tuple(op, "stride", stride, nsp, 1, 1),
                 _as_tuple(op, "dilate", dilate, nsp, 1, 1), _as_tuple(op, "pad", pad, nsp, 0, 0))


def _check_layout(op: str, layout: Any, nsp: int) -> None:
    if layout is not None and layout != _LAYOUTS[nsp]:
        raise MXNetError(f"{op}: layout {layout!r} is not supported; minigluon computes in "
                         f"{_LAYOUTS[nsp]} (channels first)")


def _check_data(op: str, dshape: tuple, geom: _Geom) -> None:
    nsp = len(geom.kernel)
    if len(dshape) != nsp + 2:
        names = {1: "(N, C, W)", 2: "(N, C, H, W)", 3: "(N, C, D, H, W)"}[nsp]
        raise ShapeError(f"{op}: kernel {geom.kernel} needs {nsp + 2}-D data {names}, got "
                         f"data of shape {tuple(dshape)}")


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


# -- the engine ----------------------------------------------------------------------------
def _offsets(geom: _Geom, out_sp: tuple) -> list[tuple[tuple, tuple]]:
    """(kernel index, spatial slices of the padded input it reads) for every kernel offset."""
    res = []
    for idx in itertools.product(*(range(k) for k in geom.kernel)):
        sl = tuple(slice(k * d, k * d + s * (o - 1) + 1, s) for k, d, s, o in
                   zip(idx, geom.dilate, geom.stride, out_sp))
        res.append((idx, sl))
    return res


def _padded_extent(in_sp: tuple, out_sp: tuple, geom: _Geom) -> tuple[int, ...]:
    # Deconvolution with adj / target_shape may need reads past the symmetric padding.
    return tuple(max(n + 2 * p, (o - 1) * s + geom.span(i)) for i, (n, o, s, p) in
                 enumerate(zip(in_sp, out_sp, geom.stride, geom.pad)))


def _inner(geom: _Geom, in_sp: tuple) -> tuple[slice, ...]:
    return tuple(slice(p, p + n) for p, n in zip(geom.pad, in_sp))


def _offset_major(c: int, groups: int, geom: _Geom, out_sp: tuple) -> bool:
    if _FORCE_LAYOUT is not None:
        return _FORCE_LAYOUT == "offset" and groups == 1
    if groups != 1:
        return False
    nhwc_run = c * (geom.kernel[-1] if geom.dilate[-1] == 1 else 1)
    offset_run = out_sp[-1] if geom.stride[-1] == 1 else 1
    return offset_run >= 2 * nhwc_run


def _chunk(n: int, rows_per_sample: int, k: int, itemsize: int) -> int:
    return max(1, min(n, _CHUNK_BYTES // max(1, rows_per_sample * k * itemsize)))


def _nhwc_padded(x: np.ndarray, geom: _Geom, ext: tuple) -> np.ndarray:
    """A channels-last copy of ``x`` with zero padding to the spatial extent ``ext``."""
    nsp = x.ndim - 2
    perm = (0, *range(2, nsp + 2), 1)
    if ext == x.shape[2:]:
        return np.ascontiguousarray(x.transpose(perm))
    xh = np.zeros((x.shape[0], *ext, x.shape[1]), dtype=x.dtype)
    xh[(slice(None), *_inner(geom, x.shape[2:]))] = x.transpose(perm)
    return xh


def _windows(xh: np.ndarray, out_sp: tuple, geom: _Geom, groups: int) -> np.ndarray:
    """Read-only view ``(n, *out, group, *kernel, C/g)`` of the windows of a padded NHWC array."""
    st = xh.strides
    cg = xh.shape[-1] // groups
    shape = (xh.shape[0], *out_sp, groups, *geom.kernel, cg)
    strides = (st[0], *(a * s for a, s in zip(st[1:-1], geom.stride)), cg * st[-1],
               *(a * d for a, d in zip(st[1:-1], geom.dilate)), st[-1])
    return as_strided(xh, shape, strides, writeable=False)


def _cf_padded(x: np.ndarray, geom: _Geom, ext: tuple) -> np.ndarray:
    """``x`` as ``(C, N, *spatial)`` (a view when no padding is needed) padded to ``ext``."""
    xt = x.swapaxes(0, 1)
    if ext == x.shape[2:]:
        return xt
    xp = np.zeros((x.shape[1], x.shape[0], *ext), dtype=x.dtype)
    xp[(slice(None), slice(None), *_inner(geom, x.shape[2:]))] = xt
    return xp


def _offset_cols(xt: np.ndarray, n0: int, n1: int, offs: list, geom: _Geom, out_sp: tuple,
                 buf: np.ndarray | None) -> np.ndarray:
    """Columns ``(K, b * P)`` with rows ordered (kernel offset, channel), by slice copies."""
    b = n1 - n0
    shape = (*geom.kernel, xt.shape[0], b, *out_sp)
    cols = buf if buf is not None and buf.shape == shape else np.empty(shape, dtype=xt.dtype)
    for idx, sl in offs:
        cols[idx] = xt[(slice(None), slice(n0, n1), *sl)]
    return cols.reshape(-1, b * math.prod(out_sp))


def _conv_forward(x: np.ndarray, w: np.ndarray, bias: Any, geom: _Geom, groups: int,
                  out_sp: tuple) -> np.ndarray:
    """Convolution of ``x (N, C, *sp)`` with ``w (F, C/g, *k)``: ``(N, F, *out_sp)``."""
    dtype = np.result_type(x, w)
    x, w = np.asarray(x, dtype=dtype), np.asarray(w, dtype=dtype)
    n, c = x.shape[:2]
    f, nsp = w.shape[0], x.ndim - 2
    p = math.prod(out_sp)
    ext = _padded_extent(x.shape[2:], out_sp, geom)
    out = np.empty((n, f, *out_sp), dtype=dtype)
    b_ = None if bias is None else np.asarray(bias, dtype=dtype)
    if _offset_major(c, groups, geom, out_sp):
        xt = _cf_padded(x, geom, ext)
        wm = w.transpose(0, *range(2, nsp + 2), 1).reshape(f, -1)  # (F, (*k, C))
        offs = _offsets(geom, out_sp)
        nb = _chunk(n, p, wm.shape[1], dtype.itemsize)
        buf = None
        for n0 in range(0, n, nb):
            n1 = min(n, n0 + nb)
            cols = _offset_cols(xt, n0, n1, offs, geom, out_sp, buf)
            buf = cols.reshape(*geom.kernel, c, n1 - n0, *out_sp)
            o = wm @ cols  # (F, b * P)
            if b_ is not None:
                o += b_[:, None]
            out[n0:n1] = o.reshape(f, n1 - n0, *out_sp).swapaxes(0, 1)
        return out
    fg, cg = f // groups, c // groups
    k = cg * math.prod(geom.kernel)
    xh = _nhwc_padded(x, geom, ext)
    # weight as (G, (*k, C/g), F/g), matching the column order
    wg = w.reshape(groups, fg, cg, *geom.kernel).transpose(
        0, *range(3, nsp + 3), 2, 1).reshape(groups, k, fg)
    outv = out.reshape(n, groups, fg, p)
    nb = _chunk(n, p * groups, k, dtype.itemsize)
    for n0 in range(0, n, nb):
        n1 = min(n, n0 + nb)
        b = n1 - n0
        cols = _windows(xh[n0:n1], out_sp, geom, groups).reshape(b * p, groups, k)
        if groups == 1:
            o = cols.reshape(b * p, k) @ wg[0]  # (b * P, F)
            if b_ is not None:
                o += b_
            outv[n0:n1, 0] = o.reshape(b, p, f).transpose(0, 2, 1)
        else:
            o = np.matmul(cols.transpose(1, 0, 2), wg)  # (G, b * P, F/g)
            if b_ is not None:
                o += b_.reshape(groups, 1, fg)
            outv[n0:n1] = o.reshape(groups, b, p, fg).transpose(1, 0, 3, 2)
    return out


def _conv_backward(g: np.ndarray, w: np.ndarray, geom: _Geom, groups: int, xshape: tuple,
                   x: np.ndarray | None = None, need_x: bool = True) -> tuple[Any, Any]:
    """Gradients ``(dx, dw)`` of the convolution of ``x`` (shape ``xshape``) with ``w``.

    ``dx`` is None unless ``need_x``; ``dw`` is None when ``x`` is not given.
    """
    dtype = np.result_type(g, w)
    g, w = np.asarray(g, dtype=dtype), np.asarray(w, dtype=dtype)
    n, c = xshape[:2]
    in_sp, out_sp = tuple(xshape[2:]), tuple(g.shape[2:])
    f, nsp = w.shape[0], len(in_sp)
    p = math.prod(out_sp)
    ext = _padded_extent(in_sp, out_sp, geom)
    crop = (slice(None), slice(None), *_inner(geom, in_sp))
    if x is not None:
        x = np.asarray(x, dtype=dtype)
    gx = gw = None
    if _offset_major(c, groups, geom, out_sp):
        wm = w.transpose(0, *range(2, nsp + 2), 1).reshape(f, -1)  # (F, (*k, C))
        offs = _offsets(geom, out_sp)
        nb = _chunk(n, p, wm.shape[1], dtype.itemsize)
        if need_x:
            gxt = np.zeros((c, n, *ext), dtype=dtype)
            wmt = np.ascontiguousarray(wm.T)
        if x is not None:
            xt = _cf_padded(x, geom, ext)
            gwm = np.zeros_like(wm)
            buf = None
        for n0 in range(0, n, nb):
            n1 = min(n, n0 + nb)
            b = n1 - n0
            gf = g[n0:n1].reshape(b, f, p).transpose(1, 0, 2).reshape(f, b * p)
            if x is not None:
                cols = _offset_cols(xt, n0, n1, offs, geom, out_sp, buf)
                buf = cols.reshape(*geom.kernel, c, b, *out_sp)
                gwm += gf @ cols.T
            if need_x:
                gc = (wmt @ gf).reshape(*geom.kernel, c, b, *out_sp)
                for idx, sl in offs:
                    gxt[(slice(None), slice(n0, n1), *sl)] += gc[idx]
        if need_x:
            gx = np.ascontiguousarray(gxt[crop].swapaxes(0, 1))
        if x is not None:
            gw = np.ascontiguousarray(
                gwm.reshape(f, *geom.kernel, c).transpose(0, nsp + 1, *range(1, nsp + 1)))
        return gx, gw
    fg, cg = f // groups, c // groups
    k = cg * math.prod(geom.kernel)
    gv = g.reshape(n, groups, fg, p)
    wgt = w.reshape(groups, fg, cg, *geom.kernel).transpose(
        0, 1, *range(3, nsp + 3), 2).reshape(groups, fg, k)  # (G, F/g, (*k, C/g))
    if need_x:
        gxh = np.zeros((n, *ext, c), dtype=dtype)
        gxv = gxh.reshape(n, *ext, groups, cg)
        offs = _offsets(geom, out_sp)
        colon = (slice(None),) * (nsp + 2)
    if x is not None:
        xh = _nhwc_padded(x, geom, ext)
        gwg = np.zeros((groups, fg, k), dtype=dtype)
    nb = _chunk(n, p * groups, k, dtype.itemsize)
    for n0 in range(0, n, nb):
        n1 = min(n, n0 + nb)
        b = n1 - n0
        gt = gv[n0:n1].transpose(1, 0, 3, 2).reshape(groups, b * p, fg)
        if x is not None:
            cols = _windows(xh[n0:n1], out_sp, geom, groups).reshape(b * p, groups, k)
            gwg += np.matmul(gt.transpose(0, 2, 1), cols.transpose(1, 0, 2))
        if need_x:
            gc = np.matmul(gt, wgt).reshape(groups, b, *out_sp, *geom.kernel, cg)
            for idx, sl in offs:
                gxv[(slice(n0, n1), *sl)] += np.moveaxis(gc[(*colon, *idx)], 0, -2)
    if need_x:
        gx = np.ascontiguousarray(
            gxh.transpose(0, nsp + 1, *range(1, nsp + 1))[crop])
    if x is not None:
        gw = np.ascontiguousarray(gwg.reshape(groups, fg, *geom.kernel, cg).transpose(
            0, 1, nsp + 2, *range(2, nsp + 2)).reshape(w.shape))
    return gx, gw
