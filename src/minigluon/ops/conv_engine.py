"""The convolution engine: N-D convolution as tiled GEMMs, for Convolution and Deconvolution.

One engine serves all three convolution directions:

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

The geometry helpers (kernel, stride, dilate and pad as tuples; layout and data checks; padded
extents and kernel offsets) are shared with :mod:`minigluon.ops.pooling`.
"""

from __future__ import annotations

import itertools
import math
from typing import Any, NamedTuple

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..base import MXNetError, ShapeError

__all__: list[str] = []

# Column buffer per tile. 2 MB, although the L2 cache here holds 1 MB: the wider GEMM gains more
# than the spill to L3 costs (alternated, 21 rounds: ResNet b32 step 186 -> 176 ms, LeNet b64
# step 27.0 -> 26.1 ms, TinySSD b32 step 7.9 -> 6.9 s in 3 rounds).
_CHUNK_BYTES = 2 << 20
_FORCE_LAYOUT: str | None = None  # 'nhwc' | 'offset' to force a column order (tests)
_FLAT_ROWS = True  # False: 'same'-width 2-D tiles take the general band copies (tests)
_LAYOUTS = {1: "NCW", 2: "NCHW", 3: "NCDHW"}
_LAST_LAYOUTS = {1: "NWC", 2: "NHWC", 3: "NDHWC"}


# -- geometry (shared with pooling) --------------------------------------------------------
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


def _layout_perms(op: str, layout: Any, ndim: int) -> tuple[tuple, tuple] | None:
    """For channels-last ``layout``: the axes taking ``ndim``-D data to channels-first and back.

    The kernels compute channels-first; channels-last ops transpose around them (the weight of
    a convolution too: OHWI <-> OIHW is the same permutation). None for channels-first.
    """
    if layout is None or layout in _LAYOUTS.values():
        return None  # channels first: the data checks report a rank that does not fit
    if layout not in _LAST_LAYOUTS.values():
        raise MXNetError(f"{op}: layout {layout!r} is not supported (valid: "
                         f"{', '.join(map(repr, [*_LAYOUTS.values(), *_LAST_LAYOUTS.values()]))})")
    if len(layout) != ndim:
        raise MXNetError(f"{op}: layout {layout!r} does not fit {ndim}-D data (needs "
                         f"{len(layout)}-D data)")
    return (0, ndim - 1, *range(1, ndim - 1)), (0, *range(2, ndim), 1)


def _permute(shape: Any, perm: tuple) -> tuple:
    return tuple(shape[i] for i in perm)


def _check_layout(op: str, layout: Any, nsp: int) -> None:
    if layout is not None and layout not in (_LAYOUTS[nsp], _LAST_LAYOUTS[nsp]):
        raise MXNetError(f"{op}: layout {layout!r} does not fit a {nsp}-D kernel (valid: "
                         f"{_LAYOUTS[nsp]!r} or {_LAST_LAYOUTS[nsp]!r})")


def _check_data(op: str, dshape: tuple, geom: _Geom) -> None:
    nsp = len(geom.kernel)
    if len(dshape) != nsp + 2:
        names = {1: "(N, C, W)", 2: "(N, C, H, W)", 3: "(N, C, D, H, W)"}[nsp]
        raise ShapeError(f"{op}: kernel {geom.kernel} needs {nsp + 2}-D data {names}, got "
                         f"data of shape {tuple(dshape)}")


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


class _FlatRows(NamedTuple):
    """A 2-D, stride-1 convolution whose output rows are as wide as the input's ("same"
    width: ``span_w == 2 * pad_w + 1``, e.g. 3x3 with pad 1).

    Its input is kept per channel as one flat run: ``guard`` zeros, ``pad_h`` zero rows, the
    ``H x W`` rows, ``pad_h`` zero rows, ``guard`` zeros, rows *not* padded in width. Kernel
    offset ``(i, j)`` then reads, for a band of ``r`` output rows, one contiguous run of
    ``r * W`` values per channel starting at ``guard + (h0 + i * dilate_h) * W + shift_j``
    (``shift_j = j * dilate_w - pad_w``): the reads that wrap into a neighbouring row are the
    ``lo_j`` first or ``hi_j`` last columns, which the padding would have made zero, and are
    zeroed. Copies of runs of ``r * W`` values instead of runs of ``W``: the columns are built
    2.5x faster on 16x16 maps (64 channels), where the copies cost a third of the GEMM.
    """

    width: int
    guard: int
    top: int  # flat index of the first input row in the buffer

    def run(self, geom: _Geom, idx: tuple, h0: int) -> tuple[int, int, int]:
        """(flat start, lo, hi) of kernel offset ``idx`` for output rows from ``h0``."""
        shift = idx[1] * geom.dilate[1] - geom.pad[1]
        start = self.guard + (h0 + idx[0] * geom.dilate[0]) * self.width + shift
        return start, max(0, -shift), max(0, shift)


def _flat_rows(geom: _Geom, in_sp: tuple, out_sp: tuple) -> _FlatRows | None:
    if (not _FLAT_ROWS or len(in_sp) != 2 or geom.stride != (1, 1) or out_sp[1] != in_sp[1]
            or geom.span(1) != 2 * geom.pad[1] + 1):
        return None
    w = in_sp[1]
    return _FlatRows(w, geom.pad[1], geom.pad[1] + geom.pad[0] * w)


def _flat_buffer(fr: _FlatRows, nb: int, c: int, ext_h: int, dtype: Any) -> np.ndarray:
    """Zeroed ``(nb, C, guard + ext_h * W + guard)`` buffer of a :class:`_FlatRows` layout."""
    return np.zeros((nb, c, 2 * fr.guard + ext_h * fr.width), dtype)


def _mask_wrapped(cols: np.ndarray, lo: int, hi: int) -> None:
    """Zero the first ``lo`` and last ``hi`` columns of ``cols (..., W)`` (wrapped reads)."""
    if lo:
        cols[..., :lo] = 0
    if hi:
        cols[..., cols.shape[-1] - hi:] = 0


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
    fr = _flat_rows(geom, x.shape[2:], out_sp)
    if fr is not None:
        xbuf = _flat_buffer(fr, nb, c, ext[0], dtype) if ext != x.shape[2:] else None
    else:
        xbuf = np.zeros((nb, c, *ext), dtype) if ext != x.shape[2:] else None
    cbuf = np.empty(nb * k * rows * rest, dtype)
    s0, d0 = geom.stride[0], geom.dilate[0]
    bcol = None if bias is None else bias[:, None]
    for n0 in range(0, n, nb):
        n1 = min(n, n0 + nb)
        b = n1 - n0
        if fr is not None:
            xc = _flat_input(x[n0:n1], xbuf, fr)
        elif xbuf is None:
            xc = x[n0:n1]
        else:
            xc = xbuf[:b]
            xc[(slice(None), slice(None), *inner)] = x[n0:n1]
        for h0 in range(0, out_sp[0], rows):
            h1 = min(out_sp[0], h0 + rows)
            r = h1 - h0
            shape = (b, *geom.kernel, c, r, *out_sp[1:])
            cols = cbuf[:math.prod(shape)].reshape(shape)
            if fr is not None:
                _flat_im2col(cols, xc, fr, geom, offs, h0, r)
            else:
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


def _flat_input(x: np.ndarray, xbuf: np.ndarray | None, fr: _FlatRows) -> np.ndarray:
    """``x (b, C, H, W)`` in the flat layout of ``fr``: copied into ``xbuf`` (whose zero
    border was written once) or, without padding, ``x`` itself reshaped."""
    b, c = x.shape[:2]
    if xbuf is None:
        return x.reshape(b, c, -1)
    xc = xbuf[:b]
    xc[:, :, fr.top:fr.top + x.shape[2] * fr.width] = x.reshape(b, c, -1)
    return xc


def _flat_im2col(cols: np.ndarray, xc: np.ndarray, fr: _FlatRows, geom: _Geom,
                 offs: list, h0: int, r: int) -> None:
    """Offset-major columns ``(b, kh, kw, C, r, W)`` of output rows ``h0:h0+r`` from the
    flat input ``xc (b, C, L)``: one run copy per kernel offset, wrapped reads zeroed."""
    b, c, w = cols.shape[0], cols.shape[3], fr.width
    flat = cols.reshape(b, *geom.kernel, c, r * w)
    for idx, _ in offs:
        start, lo, hi = fr.run(geom, idx, h0)
        flat[(slice(None), *idx)] = xc[:, :, start:start + r * w]
        _mask_wrapped(cols[(slice(None), *idx)], lo, hi)


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
    # "Same"-width 2-D maps build their columns from runs of whole rows (_FlatRows), which
    # makes the tiles 1.x faster than the channels-last GEMMs on 16x16 maps with 64 channels.
    same = _flat_rows(geom, in_sp, out_sp) if groups == 1 and _FORCE_LAYOUT is None else None
    if same is not None and geom.span(0) == 2 * geom.pad[0] + 1 and need_x:
        # Stride 1 and "same" padding in both dimensions: the input gradient is the forward
        # convolution of g with the flipped, transposed kernel (same padding, same FLOPs), whose
        # im2col copies are cheaper than the column gradient's strided adds (16x16, 64
        # channels: 9.8 ms against 11.9 ms, PyTorch 7.5 ms).
        wt = np.ascontiguousarray(w.transpose(1, 0, *range(2, nsp + 2))[
            (slice(None), slice(None), *(slice(None, None, -1),) * nsp)])
        gx = _conv_forward_tiled(g, wt, None, geom, in_sp, False)
        gw = None if x is None else _conv_backward_tiled(g, w, geom, xshape, x, False)[1]
        return gx, gw
    if _offset_major(c, groups, geom, out_sp) or (
            groups == 1 and _FORCE_LAYOUT is None
            and (out_sp[-1] >= 64 or _flat_rows(geom, in_sp, out_sp) is not None)):
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
    fr = _flat_rows(geom, in_sp, out_sp)
    if fr is not None:
        xbuf = _flat_buffer(fr, nb, c, ext[0], dtype) if x is not None and padded else None
        gbuf = _flat_buffer(fr, nb, c, ext[0], dtype) if need_x else None
    else:
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
            if fr is not None:
                xc = _flat_input(x[n0:n1], xbuf, fr)
            elif xbuf is None:
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
                if fr is not None:
                    _flat_im2col(cols, xc, fr, geom, offs, h0, r)
                else:
                    for idx, band in bands:
                        cols[(slice(None), *idx)] = xc[(slice(None), slice(None), *band)]
                cm = cols.reshape(b, k, r * rest)
                for i in range(b):
                    gwm += tile[i] @ cm[i].T
            if need_x:
                gcols = cbuf[:math.prod(shape)].reshape(b, k, r * rest)
                np.matmul(wmt, tile, out=gcols)
                gcols = gcols.reshape(shape)
                if fr is not None:  # col2im by runs of whole rows; wrapped entries zeroed
                    flat = gcols.reshape(b, *geom.kernel, c, r * rest)
                    for idx, _ in offs:
                        start, lo, hi = fr.run(geom, idx, h0)
                        _mask_wrapped(gcols[(slice(None), *idx)], lo, hi)
                        gc_buf[:, :, start:start + r * rest] += flat[(slice(None), *idx)]
                else:
                    for idx, band in bands:
                        gc_buf[(slice(None), slice(None), *band)] += gcols[(slice(None), *idx)]
        if need_x:
            if fr is not None:
                gx[n0:n1] = gc_buf[:, :, fr.top:fr.top + in_sp[0] * fr.width].reshape(
                    b, c, *in_sp)
            else:
                gx[n0:n1] = gc_buf[inner]
    gw = None
    if gwm is not None:
        gw = np.ascontiguousarray(
            gwm.reshape(f, *geom.kernel, c).transpose(0, nsp + 1, *range(1, nsp + 1)))
    return gx, gw
