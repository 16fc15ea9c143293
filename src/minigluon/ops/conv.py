"""Convolution, Deconvolution and Pooling on NCW / NCHW / NCDHW data.

One convolution engine serves all three convolution directions:

- ``_conv_forward``: with one group, offset-major columns for a tile (a few samples, or a band
  of output rows of one sample) that fits in cache, one GEMM per tile written straight into the
  channels-first output, bias and an optional fused relu applied while the tile is in cache;
  with groups, im2col as a strided window view feeding one GEMM per group and chunk;
- ``_conv_backward``: the input gradient scattered back by a loop over the kernel offsets that
  adds strided slices into a padded buffer (no ``np.add.at``, no full convolution); the weight
  gradient by GEMM against the recomputed columns. With one group and wide maps it runs on the
  forward's tiles (``_conv_backward_tiled``), so columns and gradients stay in cache.

``Deconvolution`` is the transpose of ``Convolution``: its forward is the convolution's input
gradient and its backward the convolution's forward and weight gradient, so the kernels exist
once. The columns come in two memory orders, both with ``K`` ordered (kernel offsets, channel):

- *NHWC* (groups; the backward's general case): windows ``(N, *out, group, *kernel, C/g)``
  over a padded channels-last copy of the input; a window row is a contiguous run of
  ``kw * C`` values. The input gradient takes one GEMM per kernel offset,
  ``(N*P, F) x (F, C)``, added into its strided slice: the column gradient is never
  materialized (1.1-1.7x faster than one big GEMM followed by strided adds of its slices,
  measured on LeNet, ResNet and SSD layer shapes); used for short rows with many channels;
- *offset-major* (one group: every forward, and the backward of wide maps): rows
  ``(*kernel, C)`` by columns ``(b, *out)`` of a tile, built by one slice copy per kernel
  offset; each copy moves runs of ``out_w`` values where the channels-last view would move runs
  of ``kw * C``. Its input gradient is one GEMM per tile, then the offset loop.

Everything processes the batch in chunks of samples so that the buffers stay in cache.
"""

from __future__ import annotations

import itertools
import math
from typing import Any, NamedTuple

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..base import MXNetError, ShapeError
from .registry import Case, register

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


def _conv_forward(x: np.ndarray, w: np.ndarray, bias: Any, geom: _Geom, groups: int,
                  out_sp: tuple, relu: bool = False) -> np.ndarray:
    """Convolution of ``x (N, C, *sp)`` with ``w (F, C/g, *k)``: ``(N, F, *out_sp)``.

    ``relu=True`` applies ``max(., 0)`` to each tile while it is still in cache (the fused
    inference kernel of :mod:`minigluon.symbol.fusion`).
    """
    dtype = np.result_type(x, w)
    x, w = np.asarray(x, dtype=dtype), np.asarray(w, dtype=dtype)
    b_ = None if bias is None else np.asarray(bias, dtype=dtype)
    if groups == 1:
        return _conv_forward_tiled(x, w, b_, geom, out_sp, relu)
    n, c = x.shape[:2]
    f, nsp = w.shape[0], x.ndim - 2
    p = math.prod(out_sp)
    ext = _padded_extent(x.shape[2:], out_sp, geom)
    out = np.empty((n, f, *out_sp), dtype=dtype)
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
        o = np.matmul(cols.transpose(1, 0, 2), wg)  # (G, b * P, F/g)
        if b_ is not None:
            o += b_.reshape(groups, 1, fg)
        outv[n0:n1] = o.reshape(groups, b, p, fg).transpose(1, 0, 3, 2)
    if relu:
        np.maximum(out, 0, out=out)
    return out


def _tiles(n: int, out_sp: tuple, k: int, itemsize: int) -> tuple[int, int]:
    """``(samples, output rows)`` per tile so that a tile's columns fit ``_CHUNK_BYTES``:
    several whole samples when they are small, else rows of one sample."""
    rest = math.prod(out_sp[1:])
    per_sample = out_sp[0] * rest * k * itemsize
    if per_sample <= _CHUNK_BYTES:
        return max(1, min(n, _CHUNK_BYTES // per_sample)), out_sp[0]
    return 1, max(1, min(out_sp[0], _CHUNK_BYTES // (rest * k * itemsize)))


def _conv_forward_tiled(x: np.ndarray, w: np.ndarray, bias: np.ndarray | None, geom: _Geom,
                        out_sp: tuple, relu: bool) -> np.ndarray:
    """One group: offset-major columns, one GEMM per tile written straight into the output.

    A tile is a few samples, or a band of output rows of one sample, whose columns fit in
    cache; the input is padded one chunk at a time into a reused buffer whose zero border is
    written once, and bias/relu are applied to the tile before it leaves cache. Offset-major
    columns beat channels-last windows for every one-group shape measured (SSD, ResNet and
    LeNet layers, 4x4 to 256x256 maps: 1.0-1.9x), so the forward uses only them.
    """
    dtype = x.dtype
    n, c = x.shape[:2]
    f, nsp = w.shape[0], x.ndim - 2
    wm = np.ascontiguousarray(w.transpose(0, *range(2, nsp + 2), 1).reshape(f, -1))
    k = wm.shape[1]  # rows ordered (*kernel, C) in both column orders
    rest = math.prod(out_sp[1:])
    nb, rows = _tiles(n, out_sp, k, dtype.itemsize)
    ext = _padded_extent(x.shape[2:], out_sp, geom)
    inner = _inner(geom, x.shape[2:])
    out = np.empty((n, f, *out_sp), dtype=dtype)
    offs = _offsets(geom, out_sp)
    xbuf = np.zeros((nb, c, *ext), dtype) if ext != x.shape[2:] else None
    cbuf = np.empty(nb * k * rows * rest, dtype)
    s0, d0 = geom.stride[0], geom.dilate[0]
    bcol = None if bias is None else bias[:, None]
    for n0 in range(0, n, nb):
        n1 = min(n, n0 + nb)
        b = n1 - n0
        if xbuf is None:
            xc = x[n0:n1]
        else:
            xc = xbuf[:b]
            xc[(slice(None), slice(None), *inner)] = x[n0:n1]
        for h0 in range(0, out_sp[0], rows):
            h1 = min(out_sp[0], h0 + rows)
            r = h1 - h0
            shape = (b, *geom.kernel, c, r, *out_sp[1:])
            cols = cbuf[:math.prod(shape)].reshape(shape)
            for idx, sl in offs:
                start = idx[0] * d0 + h0 * s0
                band = slice(start, start + s0 * (r - 1) + 1, s0)
                cols[(slice(None), *idx)] = xc[(slice(None), slice(None), band, *sl[1:])]
            # full-width rows of the channels-first output: a (b, F, r * rest) view
            tile = out[n0:n1, :, h0:h1].reshape(b, f, r * rest)
            np.matmul(wm, cols.reshape(b, k, r * rest), out=tile)
            if bcol is not None:
                tile += bcol
            if relu:
                np.maximum(tile, 0, out=tile)
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
    # one group: tiles, unless the rows are short and the channels many (measured on the SSD's
    # layers and 8-28 wide ResNet-like maps: tiles 1.1-1.9x faster from 64-wide maps up, the
    # per-offset channels-last GEMMs below up to 1.1x faster on 32-wide and smaller maps)
    if _offset_major(c, groups, geom, out_sp) or (
            groups == 1 and _FORCE_LAYOUT is None and out_sp[-1] >= 64):
        return _conv_backward_tiled(g, w, geom, xshape, x, need_x)
    fg, cg = f // groups, c // groups
    k = cg * math.prod(geom.kernel)
    # the output gradient as (G, N * P, F/g): rows in the order of the column matrix
    gt = g.reshape(n, groups, fg, p).transpose(1, 0, 3, 2).reshape(groups, n * p, fg)
    if need_x:
        # One GEMM per kernel offset, (N*P, F/g) x (F/g, C/g), each added into its strided
        # slice of the padded NHWC gradient: the column gradient is never materialized
        # (measured 1.1-1.7x faster than one big GEMM followed by strided adds).
        gxh = np.zeros((n, *ext, c), dtype=dtype)
        gxv = gxh.reshape(n, *ext, groups, cg)
        woff = w.reshape(groups, fg, cg, *geom.kernel).transpose(
            *range(3, nsp + 3), 0, 1, 2)  # (*k, G, F/g, C/g)
        offs = _offsets(geom, out_sp)
        nb = _chunk(n, p, c + f, dtype.itemsize)  # blocks of samples that stay in cache
        for n0 in range(0, n, nb):
            n1 = min(n, n0 + nb)
            gtc = gt[:, n0 * p:n1 * p]
            for idx, sl in offs:
                if groups == 1:
                    part = (gtc[0] @ woff[idx][0]).reshape(n1 - n0, *out_sp, c)
                    gxh[(slice(n0, n1), *sl)] += part
                else:
                    part = np.matmul(gtc, woff[idx]).reshape(groups, n1 - n0, *out_sp, cg)
                    gxv[(slice(n0, n1), *sl)] += np.moveaxis(part, 0, -2)
        gx = np.ascontiguousarray(gxh.transpose(0, nsp + 1, *range(1, nsp + 1))[crop])
    if x is not None:
        xh = _nhwc_padded(x, geom, ext)
        gwg = np.zeros((groups, fg, k), dtype=dtype)
        nb = _chunk(n, p * groups, k, dtype.itemsize)
        for n0 in range(0, n, nb):
            n1 = min(n, n0 + nb)
            cols = _windows(xh[n0:n1], out_sp, geom, groups).reshape((n1 - n0) * p, groups, k)
            gtc = gt[:, n0 * p:n1 * p]
            if groups == 1:
                gwg[0] += gtc[0].T @ cols.reshape(-1, k)
            else:
                gwg += np.matmul(gtc.transpose(0, 2, 1), cols.transpose(1, 0, 2))
        gw = np.ascontiguousarray(gwg.reshape(groups, fg, *geom.kernel, cg).transpose(
            0, 1, nsp + 2, *range(2, nsp + 2)).reshape(w.shape))
    return gx, gw


def _conv_backward_tiled(g: np.ndarray, w: np.ndarray, geom: _Geom, xshape: tuple,
                         x: np.ndarray | None, need_x: bool) -> tuple[Any, Any]:
    """One group: the backward of ``_conv_forward_tiled``, tile by tile.

    For each tile (a few samples, or a band of output rows of one sample) the weight gradient
    takes one GEMM against the tile's offset-major columns, and the input gradient one GEMM
    whose column gradient is added back, one kernel offset at a time, into a padded buffer of
    the chunk's samples, all while the tile is in cache.
    """
    dtype = g.dtype
    n, c = xshape[:2]
    in_sp, out_sp = tuple(xshape[2:]), tuple(g.shape[2:])
    f, nsp = w.shape[0], len(in_sp)
    wm = np.ascontiguousarray(w.transpose(0, *range(2, nsp + 2), 1).reshape(f, -1))
    k = wm.shape[1]
    wmt = np.ascontiguousarray(wm.T)
    rest = math.prod(out_sp[1:])
    nb, rows = _tiles(n, out_sp, k, dtype.itemsize)
    ext = _padded_extent(in_sp, out_sp, geom)
    inner = (slice(None), slice(None), *_inner(geom, in_sp))
    offs = _offsets(geom, out_sp)
    padded = ext != in_sp
    xbuf = np.zeros((nb, c, *ext), dtype) if x is not None and padded else None
    gbuf = np.zeros((nb, c, *ext), dtype) if need_x else None
    cbuf = np.empty(nb * k * rows * rest, dtype)
    gx = np.empty(xshape, dtype) if need_x else None
    gwm = np.zeros((f, k), dtype) if x is not None else None
    s0, d0 = geom.stride[0], geom.dilate[0]
    for n0 in range(0, n, nb):
        n1 = min(n, n0 + nb)
        b = n1 - n0
        if x is not None:
            if xbuf is None:
                xc = x[n0:n1]
            else:
                xc = xbuf[:b]
                xc[inner] = x[n0:n1]
        if need_x:
            gc_buf = gbuf[:b]
            gc_buf.fill(0)
        for h0 in range(0, out_sp[0], rows):
            h1 = min(out_sp[0], h0 + rows)
            r = h1 - h0
            shape = (b, *geom.kernel, c, r, *out_sp[1:])
            tile = g[n0:n1, :, h0:h1].reshape(b, f, r * rest)
            bands = [(idx, (slice(idx[0] * d0 + h0 * s0,
                                  idx[0] * d0 + h0 * s0 + s0 * (r - 1) + 1, s0), *sl[1:]))
                     for idx, sl in offs]
            if x is not None:
                cols = cbuf[:math.prod(shape)].reshape(shape)
                for idx, band in bands:
                    cols[(slice(None), *idx)] = xc[(slice(None), slice(None), *band)]
                cm = cols.reshape(b, k, r * rest)
                for i in range(b):
                    gwm += tile[i] @ cm[i].T
            if need_x:
                gcols = cbuf[:math.prod(shape)].reshape(b, k, r * rest)
                np.matmul(wmt, tile, out=gcols)
                gcols = gcols.reshape(shape)
                for idx, band in bands:
                    gc_buf[(slice(None), slice(None), *band)] += gcols[(slice(None), *idx)]
        if need_x:
            gx[n0:n1] = gc_buf[inner]
    gw = None
    if gwm is not None:
        gw = np.ascontiguousarray(
            gwm.reshape(f, *geom.kernel, c).transpose(0, nsp + 1, *range(1, nsp + 1)))
    return gx, gw


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
    dilate : tuple of int, default 1 in every dimension
    pad : tuple of int, default 0 in every dimension
        Zero padding added on both sides.
    num_filter : int
        Number of output channels.
    num_group : int, default 1
        Split channels and filters into this many independent groups.
    no_bias : bool, default False
    layout : str, optional
        Only the channels-first default (``'NCHW'`` for 2-D) is supported.
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


@Convolution.def_backward
def _(g, ins, out, kernel, stride, dilate, pad, num_filter, num_group, no_bias, needs=None,
      **_):
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
    stride, dilate, pad : tuple of int
        Those of the convolution this op transposes (defaults 1, 1, 0).
    adj : tuple of int, default 0
        Extra rows/columns added at the end of each output dimension (``< stride``).
    target_shape : tuple of int, optional
        Output spatial shape; overrides ``pad`` and ``adj``.
    num_filter : int
        Number of output channels.
    num_group : int, default 1
    no_bias : bool, default True
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
    geom, oshape = _deconv_setup("Deconvolution", np.shape(data), np.shape(weight),
                                 None if bias is None else np.shape(bias), kernel, stride,
                                 dilate, pad, adj, target_shape, num_filter, num_group, no_bias,
                                 layout)
    out = _conv_backward(data, weight, geom, int(num_group), oshape)[0]
    if not no_bias and bias is not None:
        out += np.asarray(bias, dtype=out.dtype).reshape((-1,) + (1,) * (out.ndim - 2))
    return out.astype(np.result_type(data, weight), copy=False)


@Deconvolution.def_backward
def _(g, ins, out, kernel, stride, dilate, pad, adj, target_shape, num_filter, num_group,
      no_bias, layout, **_):
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


# -- Pooling -------------------------------------------------------------------------------
_POOL_TYPES = ("max", "avg", "sum")


def _pool_setup(dshape: Any, kernel: Any, pool_type: str, global_pool: bool,
                pooling_convention: str, stride: Any, pad: Any, p_value: Any,
                layout: Any) -> tuple[_Geom | None, tuple]:
    """Validate a Pooling call; (geometry or None for global pooling, output shape)."""
    op = "Pooling"
    if pool_type not in _POOL_TYPES:
        extra = " ('lp' pooling is not implemented)" if pool_type == "lp" else ""
        raise MXNetError(f"{op}: pool_type must be one of {_POOL_TYPES}, got {pool_type!r}"
                         f"{extra}")
    if pooling_convention not in ("valid", "full"):
        raise MXNetError(f"{op}: pooling_convention must be 'valid' or 'full', got "
                         f"{pooling_convention!r}")
    if dshape is None:
        raise ShapeError(f"{op}: the data shape must be known to infer the output shape")
    dshape = tuple(dshape)
    if global_pool:
        if not 3 <= len(dshape) <= 5:
            raise ShapeError(f"{op}: data must be 3-D (N, C, W), 4-D (N, C, H, W) or 5-D "
                             f"(N, C, D, H, W), got shape {dshape}")
        _check_layout(op, layout, len(dshape) - 2)
        return None, dshape[:2] + (1,) * (len(dshape) - 2)
    geom = _geometry(op, kernel, stride, 1, pad)
    nsp = len(geom.kernel)
    _check_layout(op, layout, nsp)
    _check_data(op, dshape, geom)
    out = []
    for i, n in enumerate(dshape[2:]):
        k, s, p = geom.kernel[i], geom.stride[i], geom.pad[i]
        if k > n + 2 * p:
            raise ShapeError(f"{op}: kernel size {geom.kernel} exceeds input {dshape[2:]} "
                             f"padded by {geom.pad} (data shape {dshape})")
        span = n + 2 * p - k
        out.append(1 + (span // s if pooling_convention == "valid" else -(-span // s)))
    return geom, (*dshape[:2], *out)


def _pool_padded(x: np.ndarray, geom: _Geom, out_sp: tuple, fill: Any) -> np.ndarray:
    ext = _padded_extent(x.shape[2:], out_sp, geom)
    if ext == x.shape[2:]:
        return x
    xp = np.full((*x.shape[:2], *ext), fill, dtype=x.dtype)
    xp[(slice(None), slice(None), *_inner(geom, x.shape[2:]))] = x
    return xp


def _pool_windows(xp: np.ndarray, geom: _Geom, out_sp: tuple, combine: Any) -> np.ndarray:
    """Max or sum over the windows of padded ``xp``: ``(N, C, *out_sp)``.

    Separable, one spatial dimension at a time (a 2x2 window is two pairwise passes over
    shrinking arrays, not four over the input), and a few samples at a time so the
    intermediates stay in cache: 2.3x faster than combining the four strided window views of
    the whole batch (32x16x256x256, 2x2 stride 2).
    """
    n = xp.shape[0]
    out = np.empty((*xp.shape[:2], *out_sp), dtype=xp.dtype)
    nb = max(1, min(n, 4 * _CHUNK_BYTES // max(1, xp[:1].nbytes)))
    for n0 in range(0, n, nb):
        cur = xp[n0:n0 + nb]
        for d, (k, s, o) in enumerate(zip(geom.kernel, geom.stride, out_sp)):
            head = (slice(None),) * (d + 2)
            views = [cur[(*head, slice(i, i + s * (o - 1) + 1, s))] for i in range(k)]
            last = d == len(out_sp) - 1
            if k == 1:
                res = views[0]
            else:
                res = combine(views[0], views[1], out=out[n0:n0 + nb] if last else None)
                for v in views[2:]:
                    combine(res, v, out=res)
            if last and k == 1:
                out[n0:n0 + nb] = res
            cur = res
    return out


def _pool_divisor(in_sp: tuple, out_sp: tuple, geom: _Geom, include_pad: bool,
                  dtype: Any) -> np.ndarray:
    """Number of elements each average window divides by, broadcastable to the output."""
    div = np.ones((1, 1) + (1,) * len(out_sp), dtype=dtype)
    for i, (n, o) in enumerate(zip(in_sp, out_sp)):
        k, s, p = geom.kernel[i], geom.stride[i], geom.pad[i]
        start = np.arange(o) * s - p
        end = np.minimum(start + k, n + p)
        if not include_pad:
            end, start = np.minimum(end, n), np.maximum(start, 0)
        shape = [1] * (len(out_sp) + 2)
        shape[i + 2] = o
        div = div * np.maximum(end - start, 1).reshape(shape).astype(dtype)
    return div


def _pool_cases() -> list[Case]:
    return [
        Case((2, 2, 4, 4), kernel=(2, 2), stride=(2, 2)),
        Case((1, 2, 5, 5), kernel=(3, 3), stride=(2, 2), pad=(1, 1)),
        Case((1, 2, 5, 6), kernel=(2, 3), stride=(2, 2), pooling_convention="full"),
        Case((1, 2, 5, 5), kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="avg"),
        Case((1, 2, 5, 5), kernel=(3, 3), stride=(2, 2), pad=(1, 1), pool_type="avg",
             count_include_pad=False),
        Case((1, 2, 5, 6), kernel=(2, 3), stride=(2, 2), pooling_convention="full",
             pool_type="avg", pad=(1, 0)),
        Case((1, 2, 4, 4), kernel=(2, 2), pool_type="sum"),
        Case((2, 3, 7), kernel=(3,), stride=(2,), pad=(1,)),
        Case((2, 3, 7), kernel=(3,), stride=(2,), pool_type="avg", pooling_convention="full"),
        Case((2, 3, 3, 4), global_pool=True),
        Case((2, 3, 3, 4), global_pool=True, pool_type="avg"),
        Case((2, 3, 5), global_pool=True, pool_type="sum"),
    ]


@register(cases=_pool_cases())
def Pooling(data, *, kernel=(), pool_type="max", global_pool=False, cudnn_off=False,
            pooling_convention="valid", stride=(), pad=(), p_value=None,
            count_include_pad=None, layout=None):
    """Max, average or sum pooling over 1-D, 2-D or 3-D windows (NCW / NCHW / NCDHW data).

    Each output size is ``floor((x + 2 * pad - kernel) / stride) + 1`` with
    ``pooling_convention='valid'`` and ``ceil(...) + 1`` with ``'full'`` (the last window
    may then run past the padded input; positions outside it are ignored). Max pooling never
    picks padding; average pooling divides by the window size clipped to the padded input
    (``count_include_pad=True``, the default) or by the number of real elements (``False``).
    ``global_pool=True`` pools each whole channel to ``(N, C, 1, 1)`` and ignores ``kernel``.

    Parameters
    ----------
    data : NDArray
        ``(N, C, W)``, ``(N, C, H, W)`` or ``(N, C, D, H, W)``.
    kernel : tuple of int
        Window size (ignored with ``global_pool``).
    pool_type : {'max', 'avg', 'sum'}, default 'max'
    global_pool : bool, default False
    pooling_convention : {'valid', 'full'}, default 'valid'
    stride : tuple of int, default 1 in every dimension
    pad : tuple of int, default 0 in every dimension
    count_include_pad : bool, optional
        Average pooling only; ``None`` means True.
    p_value, cudnn_off, layout
        Accepted for MXNet compatibility (only channels-first layouts are supported).

    Returns
    -------
    NDArray
        ``(N, C, *out_spatial)``.

    See Also
    --------
    Convolution, minigluon.gluon.nn.MaxPool2D

    Examples
    --------
    >>> from minigluon import nd
    >>> x = nd.arange(16).reshape((1, 1, 4, 4))
    >>> nd.Pooling(x, kernel=(2, 2), stride=(2, 2))
    <BLANKLINE>
    [[[[ 5.  7.]
       [13. 15.]]]]
    <NDArray 1x1x2x2 @cpu(0)>
    >>> nd.Pooling(x, kernel=(2, 2), stride=(2, 2), pool_type='avg')
    <BLANKLINE>
    [[[[ 2.5  4.5]
       [10.5 12.5]]]]
    <NDArray 1x1x2x2 @cpu(0)>
    >>> nd.Pooling(nd.ones((1, 1, 5, 5)), kernel=(2, 2), stride=(2, 2)).shape
    (1, 1, 2, 2)
    >>> nd.Pooling(nd.ones((1, 1, 5, 5)), kernel=(2, 2), stride=(2, 2),
    ...            pooling_convention='full').shape
    (1, 1, 3, 3)
    >>> nd.Pooling(x, global_pool=True, pool_type='avg').reshape((-1,))
    <BLANKLINE>
    [7.5]
    <NDArray 1 @cpu(0)>
    """
    x = np.asarray(data)
    geom, oshape = _pool_setup(x.shape, kernel, pool_type, global_pool, pooling_convention,
                               stride, pad, p_value, layout)
    if geom is None:
        axes = tuple(range(2, x.ndim))
        red = {"max": np.max, "avg": np.mean, "sum": np.sum}[pool_type]
        return red(x, axis=axes, keepdims=True).astype(x.dtype, copy=False)
    out_sp = oshape[2:]
    lowest = np.finfo(x.dtype).min if x.dtype.kind == "f" else np.iinfo(x.dtype).min
    xp = _pool_padded(x, geom, out_sp, lowest if pool_type == "max" else 0)
    out = _pool_windows(xp, geom, out_sp, np.maximum if pool_type == "max" else np.add)
    if pool_type == "avg":
        include = True if count_include_pad is None else bool(count_include_pad)
        out /= _pool_divisor(x.shape[2:], out_sp, geom, include, out.dtype)
    return out


@Pooling.def_backward
def _(g, ins, out, kernel, pool_type, global_pool, pooling_convention, stride, pad, p_value,
      count_include_pad, layout, **_):
    x = np.asarray(ins[0])
    g = np.asarray(g, dtype=x.dtype)
    geom, oshape = _pool_setup(x.shape, kernel, pool_type, global_pool, pooling_convention,
                               stride, pad, p_value, layout)
    if geom is None:
        if pool_type == "max":
            n, c = x.shape[:2]
            gx = np.zeros((n, c, x[0, 0].size), dtype=x.dtype)
            first = x.reshape(n, c, -1).argmax(axis=-1)[..., None]
            np.put_along_axis(gx, first, g.reshape(n, c, 1), axis=-1)
            return (gx.reshape(x.shape),)
        scale = 1.0 / x[0, 0].size if pool_type == "avg" else 1.0
        return (np.broadcast_to(g * scale, x.shape).astype(x.dtype),)
    out_sp = oshape[2:]
    head = (slice(None), slice(None))
    ext = _padded_extent(x.shape[2:], out_sp, geom)
    offs = _offsets(geom, out_sp)
    disjoint = all(s >= k for s, k in zip(geom.stride, geom.kernel))
    tiled = disjoint and all(s == k and o * s == n for s, k, o, n in
                             zip(geom.stride, geom.kernel, out_sp, ext))
    # a tiling (kernel == stride, no remainder) writes every input position exactly once
    gxp = (np.empty if tiled else np.zeros)((*x.shape[:2], *ext), dtype=x.dtype)
    if pool_type == "max":
        # Route each output's gradient to the first maximum of its window (MXNet's rule):
        # ``alive`` marks outputs whose maximum has not been met yet at earlier offsets.
        lowest = np.finfo(x.dtype).min if x.dtype.kind == "f" else np.iinfo(x.dtype).min
        xp = _pool_padded(x, geom, out_sp, lowest)
        out = np.asarray(out, dtype=x.dtype).reshape(oshape)
        hit = np.empty(oshape, dtype=bool)
        alive = np.ones(oshape, dtype=bool)
        tmp = None if disjoint else np.empty(oshape, dtype=x.dtype)
        for i, (_idx, sl) in enumerate(offs):
            np.equal(xp[head + sl], out, out=hit)
            if i:
                np.logical_and(hit, alive, out=hit)
            if i + 1 < len(offs):
                np.greater(alive, hit, out=alive)  # alive and not hit
            if disjoint:
                np.multiply(g, hit, out=gxp[head + sl])
            else:
                np.multiply(g, hit, out=tmp)
                gxp[head + sl] += tmp
    else:
        if pool_type == "avg":
            include = True if count_include_pad is None else bool(count_include_pad)
            g = g / _pool_divisor(x.shape[2:], out_sp, geom, include, x.dtype)
        for _idx, sl in offs:
            if disjoint:
                gxp[head + sl] = g
            else:
                gxp[head + sl] += g
    return (np.ascontiguousarray(gxp[head + _inner(geom, x.shape[2:])]),)


@Pooling.def_shape
def _(dshape, *, kernel, pool_type, global_pool, pooling_convention, stride, pad, p_value,
      layout, **_):
    return _pool_setup(dshape, kernel, pool_type, global_pool, pooling_convention, stride, pad,
                       p_value, layout)[1]
