"""Single Shot Detector ops (``nd.contrib``): anchors, training targets, detection, NMS, IoU.

The math follows MXNet 1.9.1's CPU kernels (SPEC-gluon.md section 3), including their tie
rules: matching and sorting keep the lowest index among equal values, MultiBoxDetection
suppresses at ``IoU >= nms_threshold`` while box_nms suppresses at ``IoU > overlap_thresh``.
Work is vectorized over anchors and ground truths; what is left in Python is inherently
sequential (greedy matching over ground truths, greedy NMS over the survivors) and loops once
per kept box, never per anchor.

Box layouts: ``corner`` is ``[xmin, ymin, xmax, ymax]``, ``center`` is ``[x, y, width, height]``.
Labels are ``(batch, max_objects, 5+)`` rows ``[class_id, xmin, ymin, xmax, ymax]`` padded with
rows of -1; class predictions are ``(batch, num_classes + 1, num_anchors)`` with class 0 the
background, so a network's ``(batch, num_anchors, num_classes + 1)`` output must be transposed.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from ..base import ShapeError
from .reduce import known_shape
from .registry import Case, register

__all__: list[str] = []

_FORMATS = ("corner", "center")


# -- helpers -----------------------------------------------------------------------------------
def _floats(op: str, name: str, value: Any, length: int | None = None) -> tuple[float, ...]:
    """A float tuple from a number, a sequence or its string form ('(0.5, 0.25)')."""
    if isinstance(value, str):
        value = ast.literal_eval(value)
    vals = (value,) if np.ndim(value) == 0 else tuple(np.asarray(value).reshape(-1))
    try:
        out = tuple(float(v) for v in vals)
    except (TypeError, ValueError):
        raise ShapeError(f"{op}: {name} must be a number or a sequence of numbers, got "
                         f"{value!r}") from None
    if length is not None and len(out) != length:
        raise ShapeError(f"{op}: {name} must have {length} values, got {len(out)}: {value!r}")
    if not out:
        raise ShapeError(f"{op}: {name} must not be empty")
    return out


def _fdtype(*arrays: Any) -> np.dtype:
    """The float dtype results take: the first input's if it is a float type, else float32."""
    dt = np.asarray(arrays[0]).dtype
    return dt if dt.kind == "f" else np.dtype(np.float32)


def _format(op: str, name: str, value: str) -> str:
    if value not in _FORMATS:
        raise ShapeError(f"{op}: {name} must be 'corner' ([xmin, ymin, xmax, ymax]) or 'center' "
                         f"([x, y, width, height]), got {value!r}")
    return value


def _stable_desc(x: np.ndarray) -> np.ndarray:
    """Indices sorting 1-D ``x`` in descending order, ties in index order."""
    n = x.shape[0]
    return (n - 1) - np.argsort(x[::-1], kind="stable")[::-1]


def _greedy_nms(corners: np.ndarray, area: np.ndarray, ids: np.ndarray | None, thresh: float,
                inclusive: bool) -> np.ndarray:
    """Greedy NMS over boxes already in score order: the mask of kept boxes.

    Box ``j`` is suppressed by an earlier kept box ``i`` (of the same id, unless ``ids`` is
    None) when ``inter / (area_i + area_j - inter)`` is ``>= thresh`` (``inclusive``) or
    ``> thresh``; ``corners`` are ``(n, 4)`` corner boxes and ``area`` their areas as the
    calling kernel defines them. A suppressed box never suppresses others, so each round
    drops the hits from the candidate list: one round per kept box, each vectorized over the
    remaining candidates.
    """
    x1, y1, x2, y2 = (np.ascontiguousarray(corners[:, i]) for i in range(4))
    keep = np.zeros(x1.shape[0], dtype=bool)
    cand = np.arange(x1.shape[0])
    with np.errstate(divide="ignore", invalid="ignore"):  # 0 / 0 is NaN: never a hit
        while cand.size:
            i, rest = cand[0], cand[1:]
            keep[i] = True
            if not rest.size:
                break
            w = np.minimum(x2[rest], x2[i]) - np.maximum(x1[rest], x1[i])
            h = np.minimum(y2[rest], y2[i]) - np.maximum(y1[rest], y1[i])
            inter = np.maximum(w, 0) * np.maximum(h, 0)
            iou = inter / (area[rest] + area[i] - inter)
            hit = iou >= thresh if inclusive else iou > thresh
            if ids is not None:
                hit &= ids[rest] == ids[i]
            cand = rest[~hit]
    return keep


def _box_sides(boxes: np.ndarray, fmt: str) -> tuple[np.ndarray, ...]:
    """(left, top, right, bottom, area) of boxes in either format; negative sizes give area 0."""
    if fmt == "corner":
        left, top, right, bottom = (boxes[..., i] for i in range(4))
        w, h = right - left, bottom - top
    else:
        x, y, w, h = (boxes[..., i] for i in range(4))
        left, right, top, bottom = x - w / 2, x + w / 2, y - h / 2, y + h / 2
    area = np.where((w < 0) | (h < 0), 0, w * h).astype(boxes.dtype)
    return left, top, right, bottom, area


def _iou(a: np.ndarray, b: np.ndarray, fmt: str) -> np.ndarray:
    """IoU as box_iou/box_nms compute it: 0 where the intersection is empty.

    ``a`` and ``b`` broadcast against each other over their leading axes.
    """
    al, at, ar, ab, aa = _box_sides(a, fmt)
    bl, bt, br, bb, ba = _box_sides(b, fmt)
    inter = (np.maximum(0, np.minimum(ar, br) - np.maximum(al, bl))
             * np.maximum(0, np.minimum(ab, bb) - np.maximum(at, bt)))
    with np.errstate(divide="ignore", invalid="ignore"):
        out = inter / (aa + ba - inter)
    return np.where(inter > 0, out, 0).astype(inter.dtype)


def _center(boxes: np.ndarray) -> tuple[np.ndarray, ...]:
    """(x, y, width, height) of corner boxes."""
    w = boxes[..., 2] - boxes[..., 0]
    h = boxes[..., 3] - boxes[..., 1]
    return (boxes[..., 0] + boxes[..., 2]) / 2, (boxes[..., 1] + boxes[..., 3]) / 2, w, h


# -- MultiBoxPrior -----------------------------------------------------------------------------
def _prior_params(sizes: Any, ratios: Any, steps: Any, offsets: Any) -> tuple:
    op = "MultiBoxPrior"
    sizes, ratios = _floats(op, "sizes", sizes), _floats(op, "ratios", ratios)
    steps, offsets = _floats(op, "steps", steps, 2), _floats(op, "offsets", offsets, 2)
    if any(r <= 0 for r in ratios):
        raise ShapeError(f"{op}: ratios (width / height) must be positive, got {ratios}")
    if steps[0] * steps[1] < 0:
        raise ShapeError(f"{op}: steps {steps}: must specify both step_y and step_x (> 0) or "
                         "neither (<= 0 for 1/height, 1/width)")
    if not all(0 <= o <= 1 for o in offsets):
        raise ShapeError(f"{op}: offsets (y, x) must be in [0, 1], got {offsets}")
    return sizes, ratios, steps, offsets


def _prior_hw(dshape: Any) -> tuple[int, int]:
    dshape = known_shape("MultiBoxPrior", dshape)
    if len(dshape) < 4 or dshape[2] <= 0 or dshape[3] <= 0:
        raise ShapeError(f"MultiBoxPrior: data must be a feature map (batch, channels, height, "
                         f"width) with height, width > 0; got shape {dshape}")
    return int(dshape[2]), int(dshape[3])


def _prior_shape(d: Any, sizes: Any = (1,), ratios: Any = (1,), clip: bool = False,
                 steps: Any = (-1, -1), offsets: Any = (0.5, 0.5)) -> tuple:
    h, w = _prior_hw(d)
    sizes, ratios, _, _ = _prior_params(sizes, ratios, steps, offsets)
    return (1, h * w * (len(sizes) + len(ratios) - 1), 4)


def _boxes(*shape: int) -> Callable[[np.random.Generator], np.ndarray]:
    """Test-case boxes ``(x1, y1, x2, y2)`` inside the unit square, of the given leading shape."""
    def make(rng: np.random.Generator) -> np.ndarray:
        xy = rng.uniform(0.0, 0.6, (*shape, 2))
        return np.concatenate([xy, xy + rng.uniform(0.1, 0.4, (*shape, 2))], -1)
    return make


def _labels(rng: np.random.Generator) -> np.ndarray:
    """Two images' ground truth ``(class, x1, y1, x2, y2)``, the second padded with -1."""
    label = np.concatenate([rng.integers(0, 2, (2, 2, 1)).astype(np.float64),
                            _boxes(2, 2)(rng)], -1)
    label[1, 1] = -1
    return label


def _probabilities(rng: np.random.Generator) -> np.ndarray:
    e = np.exp(rng.standard_normal((2, 3, 6)))
    return e / e.sum(1, keepdims=True)


@register(namespace="contrib", differentiable=False, shape=_prior_shape,
          cases=[Case((1, 2, 3, 4), sizes=(0.5, 0.25), ratios=(1, 2))])
def MultiBoxPrior(data, *, sizes=(1,), ratios=(1,), clip=False, steps=(-1, -1),
                  offsets=(0.5, 0.5)):
    """Anchor (prior) boxes centred on every position of a feature map.

    For the position in row ``r``, column ``c`` of an ``H x W`` map the centre is
    ``((c + offsets[1]) * step_x, (r + offsets[0]) * step_y)`` with ``step = 1 / size`` unless
    ``steps`` is given. Each position gets ``len(sizes) + len(ratios) - 1`` boxes, in this
    order: every size with the first ratio, then the first size with every other ratio. A box
    of size ``s`` and ratio ``q`` (width / height) has width ``s * H / W * sqrt(q)`` and height
    ``s / sqrt(q)``, in units of the image (so boxes are square on the image for ``q = 1``).
    Boxes may extend past [0, 1] unless ``clip``. Only the shape of ``data`` is used; the op
    has no gradient.

    Parameters
    ----------
    data : NDArray
        Feature map ``(batch, channels, height, width)``.
    sizes : tuple of float, default (1,)
        Box sizes relative to the image.
    ratios : tuple of float, default (1,)
        Width / height aspect ratios.
    clip : bool, default False
        Clip the coordinates to [0, 1].
    steps : tuple of float, default (-1, -1)
        Distance ``(step_y, step_x)`` between neighbouring centres; ``<= 0`` means
        ``(1 / height, 1 / width)``.
    offsets : tuple of float, default (0.5, 0.5)
        Centre offsets ``(y, x)`` within a cell, in [0, 1].

    Returns
    -------
    NDArray
        ``(1, height * width * num_anchors, 4)`` corner boxes ``[xmin, ymin, xmax, ymax]``,
        position-major: ``reshape((height, width, num_anchors, 4))`` indexes them by position.

    See Also
    --------
    MultiBoxTarget, MultiBoxDetection, box_iou

    Examples
    --------
    >>> from minigluon import nd
    >>> x = nd.zeros((1, 3, 40, 40))
    >>> y = nd.contrib.MultiBoxPrior(x, sizes=[.5, .25, .1], ratios=[1, 2, .5])
    >>> y.shape
    (1, 8000, 4)
    >>> y.reshape((40, 40, -1, 4))[20, 20, 0]
    <BLANKLINE>
    [0.2625 0.2625 0.7625 0.7625]
    <NDArray 4 @cpu(0)>

    The Toy SSD's five feature maps (32, 16, 8, 4 and 1 pixels square, 4 anchors each):

    >>> sizes = [[.2, .272], [.37, .447], [.54, .619], [.71, .79], [.88, .961]]
    >>> anchors = [nd.contrib.MultiBoxPrior(nd.zeros((1, 64, n, n)), sizes=s, ratios=[1, 2, .5])
    ...            for n, s in zip([32, 16, 8, 4, 1], sizes)]
    >>> anchors[0][0, 0]
    <BLANKLINE>
    [-0.084375 -0.084375  0.115625  0.115625]
    <NDArray 4 @cpu(0)>
    >>> nd.concat(*anchors, dim=1).shape
    (1, 5444, 4)
    """
    h, w = _prior_hw(np.shape(data))
    sizes, ratios, steps, offsets = _prior_params(sizes, ratios, steps, offsets)
    f = np.float32  # the kernel computes in single precision
    if steps[0] <= 0 or steps[1] <= 0:
        step_y, step_x = f(1) / f(h), f(1) / f(w)
    else:
        step_y, step_x = f(steps[0]), f(steps[1])
    cy = (np.arange(h, dtype=f) + f(offsets[0])) * step_y
    cx = (np.arange(w, dtype=f) + f(offsets[1])) * step_x
    size = np.array(list(sizes) + [sizes[0]] * (len(ratios) - 1), dtype=f)
    root = np.sqrt(np.array([ratios[0]] * len(sizes) + list(ratios[1:]), dtype=f))
    half_w = size * f(h) / f(w) * root / f(2)
    half_h = size / root / f(2)
    cx, cy = cx[None, :, None], cy[:, None, None]  # (1, W, 1), (H, 1, 1) against (A,)
    boxes = np.stack(np.broadcast_arrays(cx - half_w, cy - half_h, cx + half_w, cy + half_h),
                     axis=-1)
    if clip:
        boxes = np.clip(boxes, 0, 1)
    return boxes.reshape(1, -1, 4).astype(_fdtype(data), copy=False)


# -- MultiBoxTarget ----------------------------------------------------------------------------
def _target_check(ashape: Any, lshape: Any, pshape: Any) -> tuple[int, int, int]:
    """(batch, num_anchors, num_objects) after checking the three layouts."""
    op = "MultiBoxTarget"
    ashape, lshape, pshape = (tuple(known_shape(op, s)) for s in (ashape, lshape, pshape))
    if len(ashape) != 3 or ashape[0] != 1 or ashape[2] != 4 or ashape[1] < 1:
        raise ShapeError(f"{op}: anchor must be (1, num_anchors, 4) corner boxes shared by the "
                         f"batch (MultiBoxPrior's output, concatenated on axis 1); got {ashape}")
    n = ashape[1]
    if len(lshape) != 3 or lshape[1] < 1 or lshape[2] < 5:
        raise ShapeError(f"{op}: label must be (batch, max_objects, >=5) with rows [class_id, "
                         f"xmin, ymin, xmax, ymax] padded with rows of -1; got {lshape}")
    b = lshape[0]
    if len(pshape) != 3 or pshape[0] != b or pshape[2] != n or pshape[1] < 1:
        hint = ""
        if len(pshape) == 3 and pshape[1] == n and pshape[2] != n:
            hint = (" — did you forget to transpose the class predictions to (B, C+1, N)? "
                    "e.g. nd.transpose(cls_preds, (0, 2, 1))")
        raise ShapeError(f"{op}: cls_pred must be (batch, num_classes + 1, num_anchors) = "
                         f"({b}, C+1, {n}) for anchors of shape {ashape} and labels of shape "
                         f"{lshape}; got {pshape}{hint}")
    return b, n, lshape[1]


def _target_shape(a: Any, lab: Any, p: Any, **_: Any) -> list[tuple]:
    b, n, _m = _target_check(a, lab, p)
    return [(b, 4 * n), (b, 4 * n), (b, n)]


def _num_valid(label: np.ndarray, b: int) -> int:
    """Rows before the first padding row (class -1); padding rows must be all -1."""
    pad = np.nonzero(label[:, 0] == -1)[0]
    if not pad.size:
        return label.shape[0]
    first = int(pad[0])
    if np.any(label[first, 1:5] != -1):
        raise ShapeError(
            f"MultiBoxTarget: label row {first} of image {b} has class -1 (padding) but "
            f"coordinates {label[first, 1:5].tolist()}; padding rows must be all -1 and come "
            "after the objects (rows [class_id, xmin, ymin, xmax, ymax], class_id >= 0)")
    return first


@register(namespace="contrib", num_outputs=3, differentiable=False, shape=_target_shape,
          cases=[Case(_boxes(1, 6), _labels, (2, 3, 6)),
                 Case(_boxes(1, 6), _labels, (2, 3, 6), negative_mining_ratio=2)])
def MultiBoxTarget(anchor, label, cls_pred, *, overlap_threshold=0.5, ignore_label=-1,
                   negative_mining_ratio=-1, negative_mining_thresh=0.5,
                   minimum_negative_samples=0, variances=(0.1, 0.1, 0.2, 0.2)):
    """Training targets for SSD: match anchors to ground-truth boxes, encode the offsets.

    Matching is greedy bipartite first (repeatedly pair the unmatched anchor and ground truth
    with the largest IoU, if above 1e-6), then every other anchor whose best IoU over all
    ground truths exceeds ``overlap_threshold`` is positive too. A positive anchor gets class
    ``label_class + 1`` (0 is background) and regression target
    ``[(gx - ax) / aw / v0, (gy - ay) / ah / v1, log(gw / aw) / v2, log(gh / ah) / v3]`` from
    the centres and sizes of the ground truth ``g`` and anchor ``a``. The other anchors are
    negatives (class 0), or, with ``negative_mining_ratio > 0``, only the
    ``ratio * num_positives`` of them whose IoU is below ``negative_mining_thresh`` and whose
    predicted background probability (softmax of ``cls_pred``) is lowest: the rest get
    ``ignore_label``. An image without ground truth gets ``ignore_label`` everywhere. No
    gradient flows to ``cls_pred``.

    Parameters
    ----------
    anchor : NDArray
        ``(1, num_anchors, 4)`` corner boxes (``MultiBoxPrior``).
    label : NDArray
        ``(batch, max_objects, >=5)`` rows ``[class_id, xmin, ymin, xmax, ymax]``, padded
        with rows of -1 after the objects.
    cls_pred : NDArray
        ``(batch, num_classes + 1, num_anchors)`` class scores (transpose a network's
        ``(batch, num_anchors, num_classes + 1)`` output). Only read for negative mining.
    overlap_threshold : float, default 0.5
        IoU above which an anchor is positive (after bipartite matching); ``<= 0`` disables it.
    ignore_label : float, default -1
        Class target of anchors that are neither positive nor negative.
    negative_mining_ratio : float, default -1
        Negatives per positive for hard negative mining; ``<= 0`` uses every negative.
    negative_mining_thresh : float, default 0.5
        Only anchors with IoU below this can be mined as negatives.
    minimum_negative_samples : int, default 0
        Accepted for compatibility; unused (as in MXNet).
    variances : tuple of 4 float, default (0.1, 0.1, 0.2, 0.2)
        Scales of the encoded ``x, y, w, h`` offsets.

    Returns
    -------
    list of NDArray
        ``[loc_target (batch, 4 * num_anchors), loc_mask (batch, 4 * num_anchors),
        cls_target (batch, num_anchors)]``. The 4N vectors are anchor-major
        ``[a0x, a0y, a0w, a0h, a1x, ...]``, the layout of
        ``flatten(transpose(box_pred, (0, 2, 3, 1)))``.

    See Also
    --------
    MultiBoxPrior, MultiBoxDetection, box_encode

    Examples
    --------
    >>> from minigluon import nd
    >>> anchors = nd.array([[[0, 0, .5, .5], [.5, .5, 1, 1], [0, .5, .5, 1]]])
    >>> labels = nd.array([[[0, .125, .125, .625, .625], [-1, -1, -1, -1, -1]]])
    >>> loc, mask, cls = nd.contrib.MultiBoxTarget(anchors, labels, nd.zeros((1, 2, 3)))
    >>> cls
    <BLANKLINE>
    [[1. 0. 0.]]
    <NDArray 1x3 @cpu(0)>
    >>> loc.reshape((3, 4))[0]
    <BLANKLINE>
    [2.5 2.5 0.  0. ]
    <NDArray 4 @cpu(0)>
    >>> mask.reshape((3, 4))[:, 0]
    <BLANKLINE>
    [1. 0. 0.]
    <NDArray 3 @cpu(0)>
    """
    anchor, label, cls_pred = np.asarray(anchor), np.asarray(label), np.asarray(cls_pred)
    nb, n, _m = _target_check(anchor.shape, label.shape, cls_pred.shape)
    var = np.array(_floats("MultiBoxTarget", "variances", variances, 4), dtype=np.float32)
    dt = _fdtype(anchor)
    loc_target = np.zeros((nb, n, 4), dtype=dt)
    loc_mask = np.zeros((nb, n, 4), dtype=dt)
    cls_target = np.full((nb, n), ignore_label, dtype=dt)
    boxes = anchor.reshape(n, 4)
    f32 = np.float32
    for b in range(nb):
        m = _num_valid(label[b], b)
        if m == 0:
            continue  # no ground truth: every anchor stays ignored
        gts = label[b, :m]
        # (N, M) overlaps; the kernel compares them in single precision
        iou = _target_iou(boxes[:, None, :], gts[None, :, 1:5]).astype(f32)
        matched = np.full(n, -1)
        best = np.full(n, -1, dtype=f32)  # the IoU each anchor was matched/compared with
        pos = np.zeros(n, dtype=bool)
        # stage 1: greedy bipartite; argmax takes the first maximum in anchor-major order
        work = iou.copy()
        for _ in range(m):
            j, k = divmod(int(np.argmax(work)), m)
            if not work[j, k] > f32(1e-6):
                break
            matched[j], best[j], pos[j] = k, work[j, k], True
            work[j, :] = -np.inf
            work[:, k] = -np.inf
        # best ground truth of every anchor over all of them (first maximum, must beat -1)
        top = np.argmax(iou, axis=1)
        top_iou = iou[np.arange(n), top]
        found = ~pos & (top_iou > -1)
        if overlap_threshold > 0:  # stage 2: threshold matching
            matched[found], best[found] = top[found], top_iou[found]
            pos |= found & (top_iou > f32(overlap_threshold))
        if negative_mining_ratio > 0:
            neg = _mine_negatives(cls_pred[b], pos, np.where(found, top_iou, best),
                                  negative_mining_ratio, negative_mining_thresh)
        else:
            neg = ~pos
        cls_target[b, neg] = 0
        if pos.any():
            k = matched[pos]
            cls_target[b, pos] = gts[k, 0] + 1
            loc_mask[b, pos] = 1
            loc_target[b, pos] = _encode(boxes[pos].astype(f32), gts[k, 1:5].astype(f32), var)
    return loc_target.reshape(nb, 4 * n), loc_mask.reshape(nb, 4 * n), cls_target


def _target_iou(a: np.ndarray, g: np.ndarray) -> np.ndarray:
    """MultiBoxTarget's IoU: raw areas, 0 only where the union is exactly 0."""
    w = np.maximum(0, np.minimum(a[..., 2], g[..., 2]) - np.maximum(a[..., 0], g[..., 0]))
    h = np.maximum(0, np.minimum(a[..., 3], g[..., 3]) - np.maximum(a[..., 1], g[..., 1]))
    inter = w * h
    union = ((a[..., 2] - a[..., 0]) * (a[..., 3] - a[..., 1])
             + (g[..., 2] - g[..., 0]) * (g[..., 3] - g[..., 1]) - inter)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(union == 0, 0, inter / np.where(union == 0, 1, union))


def _mine_negatives(pred: np.ndarray, pos: np.ndarray, best_iou: np.ndarray, ratio: float,
                    thresh: float) -> np.ndarray:
    """Hard negatives: the lowest background probabilities among low-IoU non-positives."""
    if thresh <= 0:
        raise ShapeError(f"MultiBoxTarget: negative_mining_thresh must be > 0 when "
                         f"negative_mining_ratio > 0, got {thresh}")
    n = pos.shape[0]
    num_pos = int(pos.sum())
    num_neg = min(int(np.float32(num_pos) * np.float32(ratio)), n - num_pos)
    neg = np.zeros(n, dtype=bool)
    if num_neg <= 0:
        return neg
    cand = np.nonzero(~pos & (best_iou < np.float32(thresh)))[0]
    scores = pred[:, cand]
    e = np.exp(scores - scores.max(axis=0))
    background = (e[0] / e.sum(axis=0)).astype(np.float32)
    # MXNet aborts when there are fewer candidates than num_neg; we take them all
    neg[cand[np.argsort(background, kind="stable")[:num_neg]]] = True
    return neg


def _encode(anchors: np.ndarray, gts: np.ndarray, var: np.ndarray) -> np.ndarray:
    """Regression targets of corner ``gts`` relative to corner ``anchors``, scaled by ``var``."""
    ax, ay, aw, ah = _center(anchors)
    gx, gy, gw, gh = _center(gts)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.stack([(gx - ax) / aw / var[0], (gy - ay) / ah / var[1],
                         np.log(gw / aw) / var[2], np.log(gh / ah) / var[3]], axis=-1)


# -- MultiBoxDetection -------------------------------------------------------------------------
def _detection_check(cshape: Any, lshape: Any, ashape: Any) -> tuple[int, int]:
    op = "MultiBoxDetection"
    cshape, lshape, ashape = (tuple(known_shape(op, s)) for s in (cshape, lshape, ashape))
    if len(ashape) != 3 or ashape[2] != 4 or ashape[1] < 1:
        raise ShapeError(f"{op}: anchor must be (1, num_anchors, 4) corner boxes "
                         f"(MultiBoxPrior's output, concatenated on axis 1); got {ashape}")
    n = ashape[1]
    if len(cshape) != 3 or cshape[2] != n or cshape[1] < 1:
        hint = ""
        if len(cshape) == 3 and cshape[1] == n and cshape[2] != n:
            hint = (" — did you forget to transpose the class probabilities to (B, C+1, N)? "
                    "e.g. nd.transpose(cls_probs, (0, 2, 1))")
        b = cshape[0] if cshape else "batch"
        raise ShapeError(f"{op}: cls_prob must be (batch, num_classes + 1, num_anchors) = "
                         f"({b}, C+1, {n}) for anchors of shape {ashape}; got {cshape}{hint}")
    b = cshape[0]
    if len(lshape) != 2 or lshape != (b, 4 * n):
        raise ShapeError(f"{op}: loc_pred must be (batch, 4 * num_anchors) = ({b}, {4 * n}) for "
                         f"cls_prob of shape {cshape} and anchors of shape {ashape} (the "
                         f"flattened (batch, num_anchors, 4) box offsets); got {lshape}")
    return b, n


def _detection_shape(c: Any, lp: Any, a: Any, **_: Any) -> tuple:
    b, n = _detection_check(c, lp, a)
    return (b, n, 6)


@register(namespace="contrib", differentiable=False, shape=_detection_shape,
          cases=[Case(_probabilities, lambda rng: 0.1 * rng.standard_normal((2, 24)),
                      _boxes(1, 6))])
def MultiBoxDetection(cls_prob, loc_pred, anchor, *, clip=True, threshold=0.01, background_id=0,
                      nms_threshold=0.5, force_suppress=False, variances=(0.1, 0.1, 0.2, 0.2),
                      nms_topk=-1):
    """Decode SSD predictions into detections and apply non-maximum suppression.

    For each anchor the class is the most probable non-background class (class 0 of
    ``cls_prob`` is the background); if its probability is below ``threshold`` the anchor is
    dropped. The box is decoded from the anchor (centre ``ax, ay``, size ``aw, ah``) and the
    offsets ``p``: centre ``(p0 * v0 * aw + ax, p1 * v1 * ah + ay)``, size
    ``(exp(p2 * v2) * aw, exp(p3 * v3) * ah)``. The kept rows, in anchor order, are then
    sorted by score (stable) and greedy NMS marks a row suppressed (class_id -1) when a
    higher-scoring row of the same class (any class with ``force_suppress``) overlaps it with
    ``IoU >= nms_threshold``. The op has no gradient.

    Parameters
    ----------
    cls_prob : NDArray
        ``(batch, num_classes + 1, num_anchors)`` class probabilities (transpose and softmax a
        network's ``(batch, num_anchors, num_classes + 1)`` scores).
    loc_pred : NDArray
        ``(batch, 4 * num_anchors)`` box offsets, anchor-major.
    anchor : NDArray
        ``(1, num_anchors, 4)`` corner boxes.
    clip : bool, default True
        Clip the decoded coordinates to [0, 1].
    threshold : float, default 0.01
        Minimum class probability of a detection.
    background_id : int, default 0
        Accepted for compatibility; class 0 is always the background (as in MXNet).
    nms_threshold : float, default 0.5
        IoU at which a box is suppressed; outside (0, 1] disables NMS (rows stay unsorted).
    force_suppress : bool, default False
        Suppress overlapping boxes of different classes too.
    variances : tuple of 4 float, default (0.1, 0.1, 0.2, 0.2)
        Scales of the encoded ``x, y, w, h`` offsets.
    nms_topk : int, default -1
        Keep only the ``nms_topk`` highest-scoring detections before NMS (the others get
        class_id -1); ``<= 0`` keeps all.

    Returns
    -------
    NDArray
        ``(batch, num_anchors, 6)`` rows ``[class_id, score, xmin, ymin, xmax, ymax]``;
        detections first, unused rows all -1. Keep the rows with ``class_id >= 0``.

    See Also
    --------
    MultiBoxPrior, MultiBoxTarget, box_nms

    Examples
    --------
    >>> from minigluon import nd
    >>> anchors = nd.array([[[0, 0, .5, .5], [.125, 0, .625, .5], [.5, .5, 1, 1]]])
    >>> probs = nd.array([[[.25, .5, .875], [.75, .5, .125]]])  # background, class 0
    >>> nd.contrib.MultiBoxDetection(probs, nd.zeros((1, 12)), anchors)
    <BLANKLINE>
    [[[ 0.     0.75   0.     0.     0.5    0.5  ]
      [-1.     0.5    0.125  0.     0.625  0.5  ]
      [ 0.     0.125  0.5    0.5    1.     1.   ]]]
    <NDArray 1x3x6 @cpu(0)>
    """
    cls_prob, loc_pred, anchor = np.asarray(cls_prob), np.asarray(loc_pred), np.asarray(anchor)
    nb, n = _detection_check(cls_prob.shape, loc_pred.shape, anchor.shape)
    v = _floats("MultiBoxDetection", "variances", variances, 4)
    dt = _fdtype(cls_prob)
    cls_prob, loc_pred = cls_prob.astype(dt, copy=False), loc_pred.astype(dt, copy=False)
    # class and score: the first maximum over the foreground classes, starting from -1
    if cls_prob.shape[1] > 1:
        fg = cls_prob[:, 1:, :]
        best = fg.argmax(axis=1)
        score = np.take_along_axis(fg, best[:, None, :], axis=1)[:, 0, :]
        has = score > -1
        cid = np.where(has, best + 1, 0)
        score = np.where(has, score, dt.type(-1))
    else:
        cid = np.zeros((nb, n), dtype=np.int64)
        score = np.full((nb, n), -1, dtype=dt)
    cid = np.where((cid > 0) & (score < threshold), 0, cid)
    boxes = _decode(anchor.reshape(-1, 4)[:n].astype(dt, copy=False),
                    loc_pred.reshape(nb, n, 4), v, clip)
    rows = np.concatenate([(cid - 1)[..., None].astype(dt), score[..., None], boxes], axis=-1)
    out = np.full((nb, n, 6), -1, dtype=dt)
    for b in range(nb):
        kept = rows[b][rows[b, :, 0] >= 0]  # compacted, anchor order
        count = kept.shape[0]
        out[b, :count] = kept
        if count < 1 or nms_threshold <= 0 or nms_threshold > 1:
            continue
        order = _stable_desc(kept[:, 1])
        nkeep = nms_topk if 0 < nms_topk < count else count
        # past nms_topk, the kernel leaves the compacted (unsorted) rows with class_id -1
        out[b, nkeep:count, 0] = -1
        top = kept[order[:nkeep]]
        # raw areas: a non-positive union only occurs with an empty intersection (no hit)
        bx = top[:, 2:6]
        area = (bx[:, 2] - bx[:, 0]) * (bx[:, 3] - bx[:, 1])
        ids = None if force_suppress else top[:, 0]
        top[~_greedy_nms(bx, area, ids, nms_threshold, inclusive=True), 0] = -1
        out[b, :nkeep] = top
    return out


def _decode(anchors: np.ndarray, offsets: np.ndarray, v: tuple, clip: bool) -> np.ndarray:
    """Corner boxes from ``(..., N, 4)`` offsets relative to ``(N, 4)`` corner anchors."""
    al, at, ar, ab = (anchors[:, i] for i in range(4))
    aw, ah = ar - al, ab - at
    ax, ay = (al + ar) / 2, (at + ab) / 2
    ox = offsets[..., 0] * v[0] * aw + ax
    oy = offsets[..., 1] * v[1] * ah + ay
    ow = np.exp(offsets[..., 2] * v[2]) * aw / 2
    oh = np.exp(offsets[..., 3] * v[3]) * ah / 2
    out = np.stack([ox - ow, oy - oh, ox + ow, oy + oh], axis=-1)
    return np.clip(out, 0, 1) if clip else out


# -- box_iou -----------------------------------------------------------------------------------
def _iou_shape(lhs: Any, rhs: Any, format: str = "corner") -> tuple:
    lhs, rhs = known_shape("box_iou", lhs), known_shape("box_iou", rhs)
    for name, s in (("lhs", lhs), ("rhs", rhs)):
        if len(s) < 2 or s[-1] != 4:
            raise ShapeError(f"box_iou: {name} must be (..., 4) boxes with at least 2 dimensions "
                             f"(e.g. (num_boxes, 4)); got {tuple(s)}")
    _format("box_iou", "format", format)
    return tuple(lhs[:-1]) + tuple(rhs[:-1])


@register(namespace="contrib", differentiable=False, shape=_iou_shape,
          cases=[Case(_boxes(3), _boxes(2)), Case(_boxes(2, 3), _boxes(4))])
def box_iou(lhs, rhs, *, format="corner"):
    """Intersection over union of every box in ``lhs`` with every box in ``rhs``.

    ``IoU = area(a & b) / (area(a) + area(b) - area(a & b))``, 0 when the boxes do not
    intersect; a box with negative width or height has area 0. The op has no gradient.

    Parameters
    ----------
    lhs : NDArray
        ``(..., 4)`` boxes, at least 2-D.
    rhs : NDArray
        ``(..., 4)`` boxes, at least 2-D.
    format : {'corner', 'center'}, default 'corner'
        ``[xmin, ymin, xmax, ymax]`` or ``[x, y, width, height]``.

    Returns
    -------
    NDArray
        Shape ``lhs.shape[:-1] + rhs.shape[:-1]``.

    See Also
    --------
    box_nms, MultiBoxTarget

    Examples
    --------
    >>> from minigluon import nd
    >>> x = nd.array([[0.5, 0.5, 1.0, 1.0], [0.0, 0.0, 0.5, 0.5]])
    >>> y = nd.array([[0.25, 0.25, 0.75, 0.75]])
    >>> nd.contrib.box_iou(x, y, format='corner')
    <BLANKLINE>
    [[0.14285715]
     [0.14285715]]
    <NDArray 2x1 @cpu(0)>
    """
    lhs, rhs = np.asarray(lhs), np.asarray(rhs)
    oshape = _iou_shape(lhs.shape, rhs.shape, format)
    dt = np.result_type(_fdtype(lhs), _fdtype(rhs))
    a = lhs.reshape(-1, 1, 4).astype(dt, copy=False)
    b = rhs.reshape(1, -1, 4).astype(dt, copy=False)
    return _iou(a, b, format).reshape(oshape)


# -- box_nms -----------------------------------------------------------------------------------
def _nms_check(shape: Any, coord_start: int, score_index: int, id_index: int, in_format: str,
               out_format: str) -> tuple[int, int]:
    """(boxes per batch, box width) after MXNet's checks on the layout."""
    op = "box_nms"
    shape = tuple(known_shape(op, shape))
    if len(shape) < 2:
        raise ShapeError(f"{op}: data must be (..., num_boxes, box_width) with at least 2 "
                         f"dimensions; got {shape}")
    width = shape[-1]
    need = 6 if id_index >= 0 else 5
    if width < need:
        raise ShapeError(f"{op}: each box needs at least {need} values ([id,] score and 4 "
                         f"coordinates); data has {width} (shape {shape})")
    cs, ce = coord_start, coord_start + 3
    if cs < 0 or ce >= width:
        raise ShapeError(f"{op}: coordinates [{cs}, {ce}] (coord_start={coord_start}) out of "
                         f"range for boxes of width {width}")
    if not 0 <= score_index < width or cs <= score_index <= ce:
        raise ShapeError(f"{op}: score_index={score_index} must be in [0, {width}) and outside "
                         f"the coordinates [{cs}, {ce}]")
    if id_index >= 0 and (id_index >= width or cs <= id_index <= ce or id_index == score_index):
        raise ShapeError(f"{op}: id_index={id_index} must be in [0, {width}), outside the "
                         f"coordinates [{cs}, {ce}] and different from score_index={score_index}")
    _format(op, "in_format", in_format)
    _format(op, "out_format", out_format)
    return shape[-2], width


def _nms_shape(d: Any, overlap_thresh: float = 0.5, valid_thresh: float = 0, topk: int = -1,
               coord_start: int = 2, score_index: int = 1, id_index: int = -1,
               background_id: int = -1, force_suppress: bool = False,
               in_format: str = "corner", out_format: str = "corner") -> tuple:
    _nms_check(d, coord_start, score_index, id_index, in_format, out_format)
    return tuple(d)


def _nms_cases() -> list[Case]:
    def boxes(n: int, width: int = 6, classes: int = 2, fmt: str = "corner") -> Callable:
        def make(rng: np.random.Generator) -> np.ndarray:
            x = np.empty((n, width))
            x[:, 0] = rng.integers(0, classes, n) + 0.5  # ids are truncated: stay off integers
            x[:, 1] = rng.permutation(n) / n + 0.05  # distinct scores, all > 0
            xy = rng.uniform(0.1, 0.6, (n, 2))
            wh = rng.uniform(0.2, 0.4, (n, 2))
            x[:, 2:6] = np.concatenate([xy, xy + wh] if fmt == "corner" else [xy + wh / 2, wh], 1)
            x[:, 6:] = rng.standard_normal((n, width - 6))
            return x
        return make

    def batched(rng: np.random.Generator) -> np.ndarray:
        return np.stack([np.stack([boxes(5)(rng) for _ in range(2)]) for _ in range(2)])

    return [Case(boxes(6), overlap_thresh=0.3),
            Case(boxes(6), overlap_thresh=0.3, id_index=0, topk=4),
            Case(boxes(6, 7), overlap_thresh=0.3, id_index=0, force_suppress=True,
                 out_format="center"),
            Case(boxes(6, fmt="center"), overlap_thresh=0.3, in_format="center"),
            Case(batched, overlap_thresh=0.3, id_index=0, valid_thresh=0.3),
            Case(boxes(4), topk=0)]


@register(namespace="contrib", aliases=("box_non_maximum_suppression",), num_hidden=1,
          shape=_nms_shape, cases=_nms_cases())
def box_nms(data, *, overlap_thresh=0.5, valid_thresh=0, topk=-1, coord_start=2, score_index=1,
            id_index=-1, background_id=-1, force_suppress=False, in_format="corner",
            out_format="corner"):
    """Non-maximum suppression: keep the best-scoring boxes, drop those overlapping them.

    Boxes with ``score > valid_thresh`` (and, with ``id_index >= 0``, a class other than
    ``background_id``) are sorted by score, descending; only the first ``topk`` are
    considered. Going down the list, each box not yet suppressed suppresses every later box
    of the same class (any class with ``force_suppress`` or without ``id_index``) with
    ``IoU > overlap_thresh``. The survivors come first in score order, the other rows are
    all -1. Any leading dimensions are batch dimensions. The gradient of each output row goes
    back to the row of ``data`` it came from (through the format conversion, if any: MXNet
    copies it unconverted); suppressed rows get 0.

    Parameters
    ----------
    data : NDArray
        ``(..., num_boxes, box_width)`` rows holding a score, 4 coordinates and optionally a
        class id (by default ``[id, score, xmin, ymin, xmax, ymax]``; extra values are carried
        along).
    overlap_thresh : float, default 0.5
        IoU above which the lower-scoring box is suppressed.
    valid_thresh : float, default 0
        Boxes with a score at or below this are dropped first.
    topk : int, default -1
        Consider only the ``topk`` best boxes (-1: all; 0 returns ``data`` unchanged).
    coord_start : int, default 2
        Index of the first of the 4 coordinates.
    score_index : int, default 1
        Index of the score.
    id_index : int, default -1
        Index of the class id, or -1 for none.
    background_id : int, default -1
        Class id dropped before NMS (with ``id_index >= 0``).
    force_suppress : bool, default False
        Suppress overlapping boxes of different classes too.
    in_format : {'corner', 'center'}, default 'corner'
        Coordinate layout of ``data``: ``[xmin, ymin, xmax, ymax]`` or ``[x, y, w, h]``.
    out_format : {'corner', 'center'}, default 'corner'
        Coordinate layout of the result. As in MXNet, a row whose first coordinate is
        negative is not converted.

    Returns
    -------
    NDArray
        Same shape as ``data``.

    See Also
    --------
    box_iou, MultiBoxDetection

    Examples
    --------
    >>> from minigluon import nd
    >>> x = nd.array([[0, 0.5, 0.1, 0.1, 0.2, 0.2], [1, 0.4, 0.1, 0.1, 0.2, 0.2],
    ...               [0, 0.3, 0.1, 0.1, 0.14, 0.14], [2, 0.6, 0.5, 0.5, 0.7, 0.8]])
    >>> nd.contrib.box_nms(x, overlap_thresh=0.1, coord_start=2, score_index=1, id_index=0,
    ...                    force_suppress=True)
    <BLANKLINE>
    [[ 2.   0.6  0.5  0.5  0.7  0.8]
     [ 0.   0.5  0.1  0.1  0.2  0.2]
     [-1.  -1.  -1.  -1.  -1.  -1. ]
     [-1.  -1.  -1.  -1.  -1.  -1. ]]
    <NDArray 4x6 @cpu(0)>
    """
    x = np.asarray(data)
    n, width = _nms_check(x.shape, coord_start, score_index, id_index, in_format, out_format)
    lead = x.shape[:-2]
    nb = math.prod(lead)
    xs = x.reshape(nb, n, width)
    k = n if topk < 0 else min(n, int(topk))
    if k < 1:  # MXNet returns the input as is (no format conversion)
        return x.copy(), np.broadcast_to(np.arange(n), (*lead, n)).copy()
    out = np.full_like(xs, -1)
    index = np.full((nb, n), -1, dtype=np.int64)
    cs = coord_start
    for b in range(nb):
        rows = xs[b]
        valid = rows[:, score_index] > valid_thresh
        if id_index >= 0:
            valid &= rows[:, id_index] != background_id
        cand = np.nonzero(valid)[0]
        cand = cand[_stable_desc(rows[cand, score_index])][:k]
        left, top, right, bottom, area = _box_sides(rows[cand, cs:cs + 4], in_format)
        # the kernel compares int-cast ids
        ids = np.trunc(rows[cand, id_index]) if id_index >= 0 and not force_suppress else None
        corners = np.stack([left, top, right, bottom], axis=-1)
        kept = cand[_greedy_nms(corners, area, ids, overlap_thresh, inclusive=False)]
        out[b, :kept.size] = rows[kept]
        index[b, :kept.size] = kept
    if in_format != out_format:
        _convert(out[..., cs:cs + 4], in_format)
    return out.reshape(x.shape), index.reshape(*lead, n)


def _convert(c: np.ndarray, src: str) -> None:
    """Convert boxes in place from ``src`` format to the other; rows starting < 0 stay."""
    go = c[..., 0] >= 0
    a0, a1, a2, a3 = (c[..., i].copy() for i in range(4))
    if src == "corner":
        new = ((a0 + a2) / 2, (a1 + a3) / 2, a2 - a0, a3 - a1)
    else:
        new = (a0 - a2 / 2, a1 - a3 / 2, a0 + a2 / 2, a1 + a3 / 2)
    for i, v in enumerate(new):
        c[..., i] = np.where(go, v, c[..., i])


@box_nms.def_backward
def _(g, ins, out, overlap_thresh, valid_thresh, topk, coord_start, score_index, id_index,
      background_id, force_suppress, in_format, out_format):
    (x,) = ins
    x = np.asarray(x)
    n, width = x.shape[-2], x.shape[-1]
    gout = np.asarray(g[0]).reshape(-1, n, width)
    index = np.asarray(out[1]).reshape(-1, n).astype(np.int64)
    xs = x.reshape(-1, n, width)
    k = n if topk < 0 else min(n, int(topk))
    gx = np.zeros(xs.shape, dtype=gout.dtype)
    bi, pi = np.nonzero(index >= 0)
    src = index[bi, pi]
    grows = gout[bi, pi].copy()
    if k >= 1 and in_format != out_format:
        # the transpose of the format conversion, for the rows that were converted
        cs = coord_start
        gc = grows[:, cs:cs + 4]
        g0, g1, g2, g3 = (gc[:, i].copy() for i in range(4))
        if in_format == "corner":  # out = ((l + r) / 2, (t + b) / 2, r - l, b - t)
            new = (g0 / 2 - g2, g1 / 2 - g3, g0 / 2 + g2, g1 / 2 + g3)
        else:  # out = (x - w / 2, y - h / 2, x + w / 2, y + h / 2)
            new = (g0 + g2, g1 + g3, (g2 - g0) / 2, (g3 - g1) / 2)
        go = xs[bi, src, cs] >= 0
        for i, v in enumerate(new):
            gc[:, i] = np.where(go, v, gc[:, i])
    gx[bi, src] = grows
    return (gx.reshape(x.shape),)


# -- box_encode / box_decode -------------------------------------------------------------------
def _encode_check(s: Any, m: Any, a: Any, r: Any, mean: Any, std: Any) -> tuple:
    op = "box_encode"
    s, m, a, r = (tuple(known_shape(op, v)) for v in (s, m, a, r))
    if len(s) != 2:
        raise ShapeError(f"{op}: samples must be (batch, num_anchors) with +1 for positive, -1 "
                         f"for negative and 0 for ignored anchors; got {s}")
    b, n = s
    if m != s:
        raise ShapeError(f"{op}: matches must be (batch, num_anchors) = {s} like samples (the "
                         f"index of the matched ref box per anchor); got {m}")
    if len(a) != 3 or a[0] not in (1, b) or a[1:] != (n, 4):
        raise ShapeError(f"{op}: anchors must be ({b}, {n}, 4) or (1, {n}, 4) corner boxes for "
                         f"samples of shape {s}; got {a}")
    if len(r) != 3 or r[0] != b or r[2] != 4:
        raise ShapeError(f"{op}: refs must be ({b}, num_refs, 4) corner boxes for samples of "
                         f"shape {s}; got {r}")
    for name, v in (("means", mean), ("stds", std)):
        if v is not None and tuple(v) != (4,):
            raise ShapeError(f"{op}: {name} must have shape (4,); got {tuple(v)}")
    return (b, n, 4)


@register(namespace="contrib", num_outputs=2, differentiable=False,
          shape=lambda s, m, a, r, mean, std: [_encode_check(s, m, a, r, mean, std)] * 2,
          cases=[Case(lambda rng: rng.integers(-1, 2, (2, 4)).astype(np.float64),
                      lambda rng: rng.integers(0, 3, (2, 4)).astype(np.float64),
                      _boxes(2, 4), _boxes(2, 3), np.zeros(4), np.array([0.1, 0.1, 0.2, 0.2]))])
def box_encode(samples, matches, anchors, refs, means, stds):
    """Encode matched reference boxes as normalized offsets from their anchors.

    For an anchor ``a`` with ``samples > 0.5`` matched to ``refs[matches]`` (``g``), both in
    corner format, the target is ``((gx - ax) / aw, (gy - ay) / ah, log(gw / aw),
    log(gh / ah))`` from their centres and sizes, minus ``means`` and divided by ``stds``;
    other anchors get 0 and mask 0. The op has no gradient.

    Parameters
    ----------
    samples : NDArray
        ``(batch, num_anchors)``: +1 positive, -1 negative, 0 ignored.
    matches : NDArray
        ``(batch, num_anchors)`` index into ``refs`` of each anchor's match.
    anchors : NDArray
        ``(batch, num_anchors, 4)`` (or ``(1, num_anchors, 4)``) corner boxes.
    refs : NDArray
        ``(batch, num_refs, 4)`` corner boxes.
    means : NDArray
        ``(4,)`` subtracted from the encoded values.
    stds : NDArray
        ``(4,)`` dividing the encoded values.

    Returns
    -------
    list of NDArray
        ``[targets (batch, num_anchors, 4), masks (batch, num_anchors, 4)]``.

    See Also
    --------
    box_decode, MultiBoxTarget

    Examples
    --------
    >>> from minigluon import nd
    >>> anchors = nd.array([[[0, 0, .5, .5], [.5, .5, 1, 1]]])
    >>> refs = nd.array([[[.125, .125, .625, .625]]])
    >>> targets, masks = nd.contrib.box_encode(nd.array([[1, 0]]), nd.array([[0, 0]]), anchors,
    ...                                        refs, nd.zeros(4), nd.array([.1, .1, .2, .2]))
    >>> targets
    <BLANKLINE>
    [[[2.5 2.5 0.  0. ]
      [0.  0.  0.  0. ]]]
    <NDArray 1x2x4 @cpu(0)>
    >>> masks[0, :, 0]
    <BLANKLINE>
    [1. 0.]
    <NDArray 2 @cpu(0)>
    """
    samples, matches = np.asarray(samples), np.asarray(matches)
    anchors, refs = np.asarray(anchors), np.asarray(refs)
    means, stds = np.asarray(means), np.asarray(stds)
    b, n, _ = _encode_check(samples.shape, matches.shape, anchors.shape, refs.shape,
                            means.shape, stds.shape)
    dt = _fdtype(anchors)
    valid = samples > 0.5
    idx = matches.astype(np.int64)  # the kernel truncates float indices
    m = refs.shape[1]
    bad = valid & ((idx < 0) | (idx >= m))
    if bad.any():
        i = tuple(int(v) for v in np.argwhere(bad)[0])
        raise ShapeError(f"box_encode: matches{list(i)} = {matches[i]} is not a valid index into "
                         f"the {m} refs of image {i[0]} (positive samples need 0 <= match < {m})")
    g = np.take_along_axis(refs.astype(dt, copy=False), np.clip(idx, 0, m - 1)[..., None], 1)
    a = np.broadcast_to(anchors.astype(dt, copy=False), (b, n, 4))
    ax, ay, aw, ah = _center(a)
    gx, gy, gw, gh = _center(g)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.stack([(gx - ax) / aw, (gy - ay) / ah, np.log(gw / aw), np.log(gh / ah)], -1)
    t = (t - means.astype(dt, copy=False)) / stds.astype(dt, copy=False)
    mask = np.broadcast_to(valid[..., None], (b, n, 4)).astype(dt)
    return np.where(mask > 0, t, 0).astype(dt, copy=False), mask


def _decode_shape(d: Any, a: Any, **attrs: Any) -> tuple:
    op = "box_decode"
    d, a = tuple(known_shape(op, d)), tuple(known_shape(op, a))
    if len(d) != 3 or d[2] != 4:
        raise ShapeError(f"{op}: data must be (batch, num_anchors, 4) encoded offsets; got {d}")
    if len(a) != 3 or a[1:] != (d[1], 4):
        raise ShapeError(f"{op}: anchors must be (1, {d[1]}, 4) for data of shape {d}; got {a}")
    _format(op, "format", attrs.get("format", "center"))
    return d


@register(namespace="contrib", differentiable=False, shape=_decode_shape,
          cases=[Case(lambda rng: 0.1 * rng.standard_normal((2, 4, 4)), _boxes(1, 4)),
                 Case((2, 4, 4), _boxes(1, 4), format="corner", clip=2.0)])
def box_decode(data, anchors, *, std0=1.0, std1=1.0, std2=1.0, std3=1.0, clip=-1.0,
               format="center"):
    """Decode normalized offsets into corner boxes: the inverse of ``box_encode``.

    With anchor centre ``(ax, ay)`` and size ``(aw, ah)``, offsets ``p`` give the centre
    ``(p0 * std0 * aw + ax, p1 * std1 * ah + ay)`` and size ``(exp(p2 * std2) * aw,
    exp(p3 * std3) * ah)``, with ``p2 * std2`` and ``p3 * std3`` capped at ``clip`` if
    ``clip > 0``. The op has no gradient.

    Parameters
    ----------
    data : NDArray
        ``(batch, num_anchors, 4)`` offsets.
    anchors : NDArray
        ``(1, num_anchors, 4)`` anchors, shared by the batch.
    std0, std1, std2, std3 : float, default 1.0
        Scales of the four offsets.
    clip : float, default -1.0
        Cap on the scaled log-size offsets; ``<= 0`` for none.
    format : {'center', 'corner'}, default 'center'
        Layout of ``anchors``: ``[x, y, width, height]`` or ``[xmin, ymin, xmax, ymax]``.

    Returns
    -------
    NDArray
        ``(batch, num_anchors, 4)`` corner boxes ``[xmin, ymin, xmax, ymax]``.

    See Also
    --------
    box_encode, MultiBoxDetection

    Examples
    --------
    >>> from minigluon import nd
    >>> anchors = nd.array([[[0, 0, .5, .5]]])
    >>> offsets = nd.array([[[2.5, 2.5, 0, 0]]])
    >>> nd.contrib.box_decode(offsets, anchors, std0=.1, std1=.1, std2=.2, std3=.2,
    ...                       format='corner')
    <BLANKLINE>
    [[[0.125 0.125 0.625 0.625]]]
    <NDArray 1x1x4 @cpu(0)>
    """
    x, a = np.asarray(data), np.asarray(anchors)
    _decode_shape(x.shape, a.shape, format=format)
    dt = _fdtype(x)
    x, a = x.astype(dt, copy=False), a[0].astype(dt, copy=False)
    if format == "corner":
        aw, ah = a[:, 2] - a[:, 0], a[:, 3] - a[:, 1]
        ax, ay = a[:, 0] + aw / 2, a[:, 1] + ah / 2
    else:
        ax, ay, aw, ah = (a[:, i] for i in range(4))
    dw, dh = x[..., 2] * dt.type(std2), x[..., 3] * dt.type(std3)
    if clip > 0:
        dw, dh = np.minimum(dw, dt.type(clip)), np.minimum(dh, dt.type(clip))
    ox = x[..., 0] * dt.type(std0) * aw + ax
    oy = x[..., 1] * dt.type(std1) * ah + ay
    ow, oh = np.exp(dw) * aw / 2, np.exp(dh) * ah / 2
    return np.stack([ox - ow, oy - oh, ox + ow, oy + oh], axis=-1)
