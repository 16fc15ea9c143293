"""SSD ops (ops/ssd.py): golden values from the SPEC/MXNet docs, naive-loop references, errors.

The references below are written independently of the implementation, as plain Python loops
that follow SPEC-gluon.md sections 3.2, 3.3 and 3.5 literally (one anchor, one ground truth,
one box at a time).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

import minigluon as mx
from minigluon import autograd, gluon, nd, sym
from minigluon.base import MXNetError
from minigluon.ops import get

# -- golden values -----------------------------------------------------------------------------
TOY_SIZES = [[.2, .272], [.37, .447], [.54, .619], [.71, .79], [.88, .961]]
TOY_RATIOS = [1, 2, .5]


def test_multibox_prior_golden_values() -> None:
    x = nd.zeros((1, 3, 40, 40))
    y = nd.contrib.MultiBoxPrior(x, sizes=[.5, .25, .1], ratios=[1, 2, .5])
    assert y.shape == (1, 40 * 40 * 5, 4) and y.dtype == np.float32
    np.testing.assert_allclose(y.reshape((40, 40, -1, 4))[20, 20, 0].asnumpy(),
                               [0.2625, 0.2625, 0.7625, 0.7625], rtol=1e-6)
    first = nd.contrib.MultiBoxPrior(nd.zeros((1, 64, 32, 32)), sizes=TOY_SIZES[0],
                                     ratios=TOY_RATIOS)
    np.testing.assert_allclose(first[0, 0].asnumpy(), [-0.084375, -0.084375, 0.115625, 0.115625],
                               rtol=1e-6)


def test_toy_ssd_has_5444_anchors() -> None:
    anchors = [nd.contrib.MultiBoxPrior(nd.zeros((2, 64, n, n)), sizes=s, ratios=TOY_RATIOS)
               for n, s in zip([32, 16, 8, 4, 1], TOY_SIZES)]
    assert [a.shape[1] // (n * n) for a, n in zip(anchors, [32, 16, 8, 4, 1])] == [4] * 5
    assert nd.concat(*anchors, dim=1).shape == (1, 5444, 4)


def test_multibox_prior_layout_steps_offsets_clip() -> None:
    h, w = 3, 5
    y = nd.contrib.MultiBoxPrior(nd.zeros((1, 1, h, w)), sizes=(.5, .2), ratios=(1, 4, .25))
    boxes = y.asnumpy().reshape(h, w, 4, 4).astype(np.float64)
    # loop order r -> c -> anchors: sizes with ratios[0], then sizes[0] with the other ratios
    for r in range(h):
        for c in range(w):
            cx, cy = (c + .5) / w, (r + .5) / h
            for a, (s, q) in enumerate([(.5, 1), (.2, 1), (.5, 4), (.5, .25)]):
                hw, hh = s * h / w * math.sqrt(q) / 2, s / math.sqrt(q) / 2
                np.testing.assert_allclose(boxes[r, c, a], [cx - hw, cy - hh, cx + hw, cy + hh],
                                           rtol=1e-5, atol=1e-6)
    # the first ratio applies to every size
    y2 = nd.contrib.MultiBoxPrior(nd.zeros((1, 1, 2, 2)), sizes=(.5,), ratios=(4,)).asnumpy()
    np.testing.assert_allclose(y2[0, 0], [.25 - .5, .25 - .125, .25 + .5, .25 + .125])
    y3 = nd.contrib.MultiBoxPrior(nd.zeros((1, 1, 2, 2)), sizes=(.5,), steps=(.1, .2),
                                  offsets=(0, 1), clip=True).asnumpy()
    # centre of position (1, 1): x = (1 + 1) * 0.2, y = (1 + 0) * 0.1; clipped at 0
    np.testing.assert_allclose(y3[0, 3], [0.4 - .25, 0, 0.4 + .25, 0.1 + .25], rtol=1e-6)
    np.testing.assert_allclose(y3[0, 0], [0, 0, .45, .25], rtol=1e-6)
    assert get("MultiBoxPrior").infer_shape((1, 1, 3, 5), sizes=(.5, .2), ratios=(1, 4, .25)) \
        == [(1, 60, 4)]


def test_multibox_prior_has_no_gradient_and_works_as_symbol() -> None:
    x = nd.ones((1, 2, 4, 4))
    x.attach_grad()
    with autograd.record():
        y = nd.contrib.MultiBoxPrior(x, sizes=[.3])
        loss = (y * x.sum()).sum()
    loss.backward()
    assert x.grad.shape == x.shape
    s = sym.contrib.MultiBoxPrior(sym.var("data"), sizes=TOY_SIZES[0], ratios=TOY_RATIOS)
    assert s.infer_shape(data=(1, 64, 32, 32))[1] == [(1, 4096, 4)]


def test_box_iou_golden_and_formats() -> None:
    x = nd.array([[0.5, 0.5, 1.0, 1.0], [0.0, 0.0, 0.5, 0.5]])
    y = nd.array([[0.25, 0.25, 0.75, 0.75]])
    out = nd.contrib.box_iou(x, y, format="corner")
    assert out.shape == (2, 1)
    np.testing.assert_array_equal(out.asnumpy(), np.full((2, 1), 0.14285715, np.float32))
    # center format, leading dims, disjoint and degenerate boxes
    c = nd.array([[[0.75, 0.75, 0.5, 0.5]], [[0.25, 0.25, 0.5, 0.5]]])
    res = nd.contrib.box_iou(c, nd.array([[0.5, 0.5, 0.5, 0.5], [3, 3, 1, 1], [0.5, 0.5, -1, 1]]),
                             format="center")
    assert res.shape == (2, 1, 3)
    np.testing.assert_allclose(res.asnumpy()[:, 0], [[1 / 7, 0, 0], [1 / 7, 0, 0]], rtol=1e-6)
    assert get("box_iou").infer_shape((2, 3, 4), (5, 4)) == [(2, 3, 5)]


# -- box_nms -----------------------------------------------------------------------------------
NMS_X = [[0, 0.5, 0.1, 0.1, 0.2, 0.2], [1, 0.4, 0.1, 0.1, 0.2, 0.2],
         [0, 0.3, 0.1, 0.1, 0.14, 0.14], [2, 0.6, 0.5, 0.5, 0.7, 0.8]]


def test_box_nms_golden_example_and_gradient_routing() -> None:
    x = nd.array(NMS_X)
    x.attach_grad()
    with autograd.record():
        y = nd.contrib.box_nms(x, overlap_thresh=0.1, coord_start=2, score_index=1, id_index=0,
                               force_suppress=True, in_format="corner", out_format="corner")
    np.testing.assert_allclose(y.asnumpy(), [[2, 0.6, 0.5, 0.5, 0.7, 0.8],
                                             [0, 0.5, 0.1, 0.1, 0.2, 0.2],
                                             [-1] * 6, [-1] * 6])
    # MXNet's documented backward for this example
    y.backward(nd.array(np.repeat([[0.1], [0.2], [0.3], [0.4]], 6, axis=1)))
    np.testing.assert_allclose(x.grad.asnumpy(), np.repeat([[0.2], [0], [0], [0.1]], 6, axis=1))
    alias = nd.contrib.box_non_maximum_suppression(x, overlap_thresh=0.1, id_index=0,
                                                   force_suppress=True)
    np.testing.assert_array_equal(alias.asnumpy(), y.asnumpy())


def _to_corner(b: list, fmt: str) -> list:
    if fmt == "corner":
        return list(b)
    x, y, w, h = b
    return [x - w / 2, y - h / 2, x + w / 2, y + h / 2]


def _ref_iou(a: list, b: list) -> float:
    """IoU of two corner boxes; a box with negative width or height has area 0."""
    iw = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    ih = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = iw * ih
    if inter <= 0:
        return 0.0

    def area(r: list) -> float:
        return 0.0 if r[2] - r[0] < 0 or r[3] - r[1] < 0 else (r[2] - r[0]) * (r[3] - r[1])

    return inter / (area(a) + area(b) - inter)


def ref_box_nms(data: np.ndarray, overlap_thresh=0.5, valid_thresh=0, topk=-1, coord_start=2,
                score_index=1, id_index=-1, background_id=-1, force_suppress=False,
                in_format="corner", out_format="corner") -> tuple[np.ndarray, np.ndarray]:
    """SPEC 3.5 with loops: returns (output, source row of each output row or -1)."""
    n, k = data.shape[-2:]
    flat = data.reshape(-1, n, k).astype(np.float64)
    out = np.full_like(flat, -1)
    src = np.full(flat.shape[:2], -1)
    cs = coord_start
    for b in range(flat.shape[0]):
        rows = [list(r) for r in flat[b]]
        valid = [i for i in range(n) if rows[i][score_index] > valid_thresh
                 and (id_index < 0 or rows[i][id_index] != background_id)]
        order = sorted(valid, key=lambda i: -rows[i][score_index])  # stable
        if topk >= 0:
            order = order[:topk]
        suppressed = [False] * len(order)
        for p in range(len(order)):
            if suppressed[p]:
                continue
            bi = _to_corner(rows[order[p]][cs:cs + 4], in_format)
            for q in range(p + 1, len(order)):
                if suppressed[q]:
                    continue
                same = int(rows[order[p]][id_index]) == int(rows[order[q]][id_index])
                iou = _ref_iou(bi, _to_corner(rows[order[q]][cs:cs + 4], in_format))
                if (force_suppress or id_index < 0 or same) and iou > overlap_thresh:
                    suppressed[q] = True
        kept = [order[p] for p in range(len(order)) if not suppressed[p]]
        for p, i in enumerate(kept):
            row = list(rows[i])
            if in_format != out_format and row[cs] >= 0:
                c = row[cs:cs + 4]
                row[cs:cs + 4] = _to_corner(c, "center") if in_format == "center" else \
                    [(c[0] + c[2]) / 2, (c[1] + c[3]) / 2, c[2] - c[0], c[3] - c[1]]
            out[b, p] = row
            src[b, p] = i
    return out.reshape(data.shape), src.reshape(data.shape[:-1])


def _random_boxes(rng: np.random.Generator, shape: tuple, fmt: str = "corner",
                  classes: int = 3) -> np.ndarray:
    x = rng.uniform(0, 1, (*shape, 7)).astype(np.float32)
    x[..., 0] = rng.integers(-1, classes, shape)  # some background (-1) ids
    x[..., 1] = rng.uniform(-0.2, 1, shape)
    xy, wh = rng.uniform(0, .7, (*shape, 2)), rng.uniform(.05, .4, (*shape, 2))
    x[..., 2:6] = np.concatenate([xy, xy + wh] if fmt == "corner" else [xy + wh / 2, wh], -1)
    return x


NMS_SETTINGS = [
    {},
    {"overlap_thresh": 0.3, "id_index": 0},
    {"overlap_thresh": 0.2, "id_index": 0, "force_suppress": True, "topk": 5},
    {"overlap_thresh": 0.4, "id_index": 0, "background_id": -1, "valid_thresh": 0.3},
    {"overlap_thresh": 0.3, "in_format": "center", "out_format": "corner"},
    {"overlap_thresh": 0.3, "in_format": "corner", "out_format": "center", "id_index": 0},
    {"overlap_thresh": 0.3, "in_format": "center", "out_format": "center", "topk": 3},
    {"overlap_thresh": 0.3, "score_index": 6, "coord_start": 1, "id_index": 5},
]


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("kw", NMS_SETTINGS)
def test_box_nms_matches_naive_reference(seed, kw) -> None:
    rng = np.random.default_rng(seed)
    fmt = kw.get("in_format", "corner")
    x = _random_boxes(rng, (2, 3, 12), fmt)
    if kw.get("coord_start") == 1:
        x = x[..., [0, 2, 3, 4, 5, 6, 1]].copy()
        x[..., 5] = rng.integers(0, 3, x.shape[:-1])
    ref, src = ref_box_nms(x, **kw)
    xa = nd.array(x)
    xa.attach_grad()
    with autograd.record():
        y = nd.contrib.box_nms(xa, **kw)
    np.testing.assert_allclose(y.asnumpy(), ref, rtol=1e-6, atol=1e-6)
    assert y.shape == x.shape
    # the gradient of each kept row goes back to the row it came from
    g = rng.standard_normal(x.shape).astype(np.float32)
    y.backward(nd.array(g))
    expected = np.zeros_like(x)
    bidx = np.indices(src.shape)
    keep = src >= 0
    converted = kw.get("in_format", "corner") != kw.get("out_format", "corner")
    if not converted:
        expected[bidx[0][keep], bidx[1][keep], src[keep]] = g[keep]
        np.testing.assert_allclose(xa.grad.asnumpy(), expected, rtol=1e-6)
    else:  # rows are routed, and non-coordinate entries copied as they are
        cs = kw.get("coord_start", 2)
        other = [i for i in range(x.shape[-1]) if not cs <= i < cs + 4]
        expected[bidx[0][keep], bidx[1][keep], src[keep]] = g[keep]
        np.testing.assert_allclose(xa.grad.asnumpy()[..., other], expected[..., other])
        dropped = np.ones(x.shape[:-1], bool)
        dropped[bidx[0][keep], bidx[1][keep], src[keep]] = False
        assert not xa.grad.asnumpy()[dropped].any()


def test_box_nms_edge_cases() -> None:
    x = np.array([[0, 0.5, 0.1, 0.1, 0.2, 0.2], [1, -0.4, 0.1, 0.1, 0.2, 0.2]], np.float32)
    # nothing valid: all -1
    out = nd.contrib.box_nms(nd.array(x), valid_thresh=0.9).asnumpy()
    np.testing.assert_array_equal(out, -np.ones_like(x))
    # topk=0 returns the input untouched
    np.testing.assert_array_equal(nd.contrib.box_nms(nd.array(x), topk=0).asnumpy(), x)
    # background boxes are dropped before NMS
    out = nd.contrib.box_nms(nd.array(x[:1]), id_index=0, background_id=0).asnumpy()
    np.testing.assert_array_equal(out, -np.ones((1, 6)))
    # identical boxes of different classes survive unless force_suppress
    two = np.array([[0, .9, 0, 0, 1, 1], [1, .8, 0, 0, 1, 1]], np.float32)
    assert (nd.contrib.box_nms(nd.array(two), id_index=0).asnumpy()[:, 0] == [0, 1]).all()
    assert (nd.contrib.box_nms(nd.array(two), id_index=0, force_suppress=True).asnumpy()[:, 0]
            == [0, -1]).all()
    # IoU exactly at overlap_thresh is kept (strict >)
    half = np.array([[.9, 0, 0, 2, 1], [.8, 0, 0, 1, 1]], np.float32)
    out = nd.contrib.box_nms(nd.array(half), overlap_thresh=0.5, score_index=0, coord_start=1)
    np.testing.assert_allclose(out.asnumpy()[:, 0], [.9, .8])


def test_box_nms_in_a_hybridized_block() -> None:
    net = gluon.nn.HybridLambda(lambda F, x: F.contrib.box_nms(x * 1, overlap_thresh=0.1,
                                                               id_index=0, force_suppress=True))
    x = nd.array(NMS_X)
    ref = net(x).asnumpy()
    net.hybridize()
    x.attach_grad()
    with autograd.record():
        y = net(x)
    np.testing.assert_array_equal(y.asnumpy(), ref)
    y.backward(nd.array(np.repeat([[0.1], [0.2], [0.3], [0.4]], 6, axis=1)))
    np.testing.assert_allclose(x.grad.asnumpy(), np.repeat([[0.2], [0], [0], [0.1]], 6, axis=1))


# -- MultiBoxTarget ----------------------------------------------------------------------------
def _mb_iou(a: list, g: list) -> float:
    """SPEC 3.2 IoU: raw areas, 0 when the union is 0."""
    inter = max(0.0, min(a[2], g[2]) - max(a[0], g[0])) * \
        max(0.0, min(a[3], g[3]) - max(a[1], g[1]))
    union = (a[2] - a[0]) * (a[3] - a[1]) + (g[2] - g[0]) * (g[3] - g[1]) - inter
    return 0.0 if union == 0 else inter / union


def ref_multibox_target(anchor, label, cls_pred, overlap_threshold=0.5, ignore_label=-1,
                        negative_mining_ratio=-1, negative_mining_thresh=0.5,
                        minimum_negative_samples=0, variances=(0.1, 0.1, 0.2, 0.2)):
    anchors = anchor[0].astype(np.float64).tolist()
    n = len(anchors)
    nb = label.shape[0]
    loc_t = np.zeros((nb, n, 4))
    loc_m = np.zeros((nb, n, 4))
    cls_t = np.full((nb, n), float(ignore_label))
    for b in range(nb):
        gts = []
        for row in label[b].astype(np.float64).tolist():
            if row[0] == -1:
                break
            gts.append(row)
        m = len(gts)
        if m == 0:
            continue
        iou = [[_mb_iou(anchors[j], gts[k][1:5]) for k in range(m)] for j in range(n)]
        flag = [-1] * n  # 1 positive, 0 negative, -1 ignored
        match = [-1] * n
        best = [-1.0] * n
        gt_done = [False] * m
        while not all(gt_done):  # stage 1: greedy bipartite
            bj, bk, top = -1, -1, 1e-6
            for j in range(n):
                if flag[j] == 1:
                    continue
                for k in range(m):
                    if not gt_done[k] and iou[j][k] > top:
                        bj, bk, top = j, k, iou[j][k]
            if bj < 0:
                break
            flag[bj], match[bj], best[bj], gt_done[bk] = 1, bk, top, True
        for j in range(n):  # best ground truth of every other anchor
            if flag[j] != 1:
                k = max(range(m), key=lambda k: iou[j][k])
                best[j], match[j] = iou[j][k], k
                if overlap_threshold > 0 and iou[j][k] > overlap_threshold:
                    flag[j] = 1
        npos = flag.count(1)
        if negative_mining_ratio > 0:
            nneg = min(int(npos * negative_mining_ratio), n - npos)
            cands = []
            for j in range(n):
                if flag[j] != 1 and best[j] < negative_mining_thresh:
                    z = [math.exp(float(v)) for v in cls_pred[b, :, j]]
                    cands.append((z[0] / sum(z), j))
            cands.sort(key=lambda t: t[0])  # stable: ties keep anchor order
            for _, j in cands[:max(nneg, 0)]:
                flag[j] = 0
        else:
            flag = [1 if f == 1 else 0 for f in flag]
        for j in range(n):
            if flag[j] == 1:
                g = gts[match[j]]
                a = anchors[j]
                aw, ah = a[2] - a[0], a[3] - a[1]
                ax, ay = (a[0] + a[2]) / 2, (a[1] + a[3]) / 2
                gw, gh = g[3] - g[1], g[4] - g[2]
                gx, gy = (g[1] + g[3]) / 2, (g[2] + g[4]) / 2
                cls_t[b, j] = g[0] + 1
                loc_m[b, j] = 1
                loc_t[b, j] = [(gx - ax) / aw / variances[0], (gy - ay) / ah / variances[1],
                               math.log(gw / aw) / variances[2], math.log(gh / ah) / variances[3]]
            elif flag[j] == 0:
                cls_t[b, j] = 0
    return loc_t.reshape(nb, -1), loc_m.reshape(nb, -1), cls_t


def _target_inputs(seed: int, n: int = 60, m: int = 4, nb: int = 4, classes: int = 3):
    rng = np.random.default_rng(seed)
    xy, wh = rng.uniform(0, .8, (1, n, 2)), rng.uniform(.05, .4, (1, n, 2))
    anchor = np.concatenate([xy, xy + wh], -1).astype(np.float32)
    label = -np.ones((nb, m, 5), np.float32)
    for b in range(nb - 1):  # the last image has no ground truth
        k = rng.integers(1, m + 1)
        gxy, gwh = rng.uniform(0, .7, (k, 2)), rng.uniform(.1, .5, (k, 2))
        label[b, :k, 0] = rng.integers(0, classes, k)
        label[b, :k, 1:] = np.concatenate([gxy, gxy + gwh], -1)
    cls_pred = rng.standard_normal((nb, classes + 1, n)).astype(np.float32)
    return anchor, label, cls_pred


TARGET_SETTINGS = [
    {},
    {"overlap_threshold": 0.3, "ignore_label": -2},
    {"negative_mining_ratio": 3},
    {"negative_mining_ratio": 2.5, "negative_mining_thresh": 0.3, "overlap_threshold": 0.4},
    {"negative_mining_ratio": 1, "overlap_threshold": 0},
    {"overlap_threshold": 0, "variances": (0.2, 0.3, 0.4, 0.5)},
]


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
@pytest.mark.parametrize("kw", TARGET_SETTINGS)
def test_multibox_target_matches_naive_reference(seed, kw) -> None:
    anchor, label, cls_pred = _target_inputs(seed)
    loc, mask, cls = nd.contrib.MultiBoxTarget(nd.array(anchor), nd.array(label),
                                               nd.array(cls_pred), **kw)
    rloc, rmask, rcls = ref_multibox_target(anchor, label, cls_pred, **kw)
    np.testing.assert_array_equal(cls.asnumpy(), rcls)
    np.testing.assert_array_equal(mask.asnumpy(), rmask)
    np.testing.assert_allclose(loc.asnumpy(), rloc, rtol=1e-4, atol=1e-5)
    assert (cls.asnumpy()[-1] == kw.get("ignore_label", -1)).all()  # the image without GT
    assert loc.shape == mask.shape == (4, 240) and cls.shape == (4, 60)
    if kw.get("negative_mining_ratio", -1) > 0:  # mining leaves some anchors ignored
        assert (cls.asnumpy()[:-1] == -1).any()


def test_multibox_target_on_toy_ssd_anchors() -> None:
    anchors = nd.concat(*[nd.contrib.MultiBoxPrior(nd.zeros((1, 1, s, s)), sizes=z,
                                                   ratios=TOY_RATIOS)
                          for s, z in zip([8, 4, 1], TOY_SIZES[2:])], dim=1)
    label = nd.array([[[1, .1, .2, .5, .6], [0, .55, .5, .9, .95]],
                      [[0, .3, .3, .6, .7], [-1, -1, -1, -1, -1]]])
    pred = nd.array(np.random.default_rng(5).standard_normal((2, 3, anchors.shape[1])))
    got = nd.contrib.MultiBoxTarget(anchors, label, pred, negative_mining_ratio=3)
    ref = ref_multibox_target(anchors.asnumpy(), label.asnumpy(), pred.asnumpy(),
                              negative_mining_ratio=3)
    for g, r in zip(got, ref):
        np.testing.assert_allclose(g.asnumpy(), r, rtol=1e-4, atol=1e-5)
    assert (got[2].asnumpy() > 0).sum(axis=1).min() >= 1  # every object got an anchor


def test_multibox_target_examples() -> None:
    anchors = nd.array([[[0, 0, .5, .5], [.5, .5, 1, 1], [0, .5, .5, 1]]])
    labels = nd.array([[[0, .125, .125, .625, .625], [-1, -1, -1, -1, -1]]])
    loc, mask, cls = nd.contrib.MultiBoxTarget(anchors, labels, nd.zeros((1, 2, 3)))
    np.testing.assert_array_equal(cls.asnumpy(), [[1, 0, 0]])
    np.testing.assert_allclose(loc.asnumpy()[0, :4], [2.5, 2.5, 0, 0])
    np.testing.assert_array_equal(mask.asnumpy(), [[1] * 4 + [0] * 8])
    assert get("MultiBoxTarget").infer_shape((1, 3, 4), (1, 2, 5), (1, 2, 3)) == \
        [(1, 12), (1, 12), (1, 3)]


# -- MultiBoxDetection -------------------------------------------------------------------------
def ref_multibox_detection(cls_prob, loc_pred, anchor, clip=True, threshold=0.01,
                           background_id=0, nms_threshold=0.5, force_suppress=False,
                           variances=(0.1, 0.1, 0.2, 0.2), nms_topk=-1):
    nb, nc, n = cls_prob.shape
    out = np.full((nb, n, 6), -1.0)
    anchors = anchor.reshape(-1, 4)[:n].astype(np.float64)
    for b in range(nb):
        rows = []
        for i in range(n):
            score, cid = -1.0, 0
            for j in range(1, nc):
                if cls_prob[b, j, i] > score:
                    score, cid = float(cls_prob[b, j, i]), j
            if cid > 0 and score < threshold:
                cid = 0
            al, at, ar, ab = anchors[i]
            aw, ah, ax, ay = ar - al, ab - at, (al + ar) / 2, (at + ab) / 2
            px, py, pw, ph = loc_pred[b, 4 * i:4 * i + 4].astype(np.float64)
            ox, oy = px * variances[0] * aw + ax, py * variances[1] * ah + ay
            ow, oh = math.exp(pw * variances[2]) * aw / 2, math.exp(ph * variances[3]) * ah / 2
            box = [ox - ow, oy - oh, ox + ow, oy + oh]
            if clip:
                box = [min(1.0, max(0.0, v)) for v in box]
            rows.append([cid - 1, score, *box])
        kept = [r for r in rows if r[0] >= 0]
        for i, r in enumerate(kept):
            out[b, i] = r
        if not kept or nms_threshold <= 0 or nms_threshold > 1:
            continue
        order = sorted(range(len(kept)), key=lambda i: -kept[i][1])
        nkeep = len(kept)
        if 0 < nms_topk < nkeep:
            nkeep = nms_topk
            for i in range(nkeep, len(kept)):
                out[b, i, 0] = -1
        for i in range(nkeep):
            out[b, i] = kept[order[i]]
        for i in range(nkeep):
            if out[b, i, 0] < 0:
                continue
            for j in range(i + 1, nkeep):
                if out[b, j, 0] < 0:
                    continue
                if force_suppress or out[b, i, 0] == out[b, j, 0]:
                    bi, bj = out[b, i, 2:], out[b, j, 2:]
                    inter = max(0.0, min(bi[2], bj[2]) - max(bi[0], bj[0])) * \
                        max(0.0, min(bi[3], bj[3]) - max(bi[1], bj[1]))
                    union = (bi[2] - bi[0]) * (bi[3] - bi[1]) + \
                        (bj[2] - bj[0]) * (bj[3] - bj[1]) - inter
                    iou = 0.0 if union <= 0 else inter / union
                    if iou >= nms_threshold:
                        out[b, j, 0] = -1
    return out


DETECTION_SETTINGS = [
    {},
    {"force_suppress": True, "clip": False},
    {"nms_topk": 7, "threshold": 0.3},
    {"nms_topk": 100, "nms_threshold": 0.3, "force_suppress": True},
    {"nms_threshold": 0, "variances": (0.2, 0.2, 0.3, 0.3)},
    {"threshold": 0.45, "nms_threshold": 0.7, "nms_topk": 3},
]


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("kw", DETECTION_SETTINGS)
def test_multibox_detection_matches_naive_reference(seed, kw) -> None:
    rng = np.random.default_rng(seed)
    nb, n, classes = 3, 50, 3
    xy, wh = rng.uniform(0, .7, (1, n, 2)), rng.uniform(.1, .5, (1, n, 2))
    anchor = np.concatenate([xy, xy + wh], -1).astype(np.float32)
    logits = rng.standard_normal((nb, classes + 1, n)) * 2
    prob = (np.exp(logits) / np.exp(logits).sum(1, keepdims=True)).astype(np.float32)
    loc = (rng.standard_normal((nb, 4 * n)) * 0.5).astype(np.float32)
    got = nd.contrib.MultiBoxDetection(nd.array(prob), nd.array(loc), nd.array(anchor), **kw)
    ref = ref_multibox_detection(prob, loc, anchor, **kw)
    assert got.shape == (nb, n, 6)
    np.testing.assert_array_equal(got.asnumpy()[..., 0], ref[..., 0])
    np.testing.assert_allclose(got.asnumpy(), ref, rtol=1e-5, atol=1e-6)
    assert (ref[..., 0] >= 0).any()
    if kw.get("nms_threshold", 0.5) > 0:  # some detections were suppressed (class -1, score)
        assert ((ref[..., 0] == -1) & (ref[..., 1] >= 0)).any()


def test_multibox_detection_iou_at_threshold_is_suppressed() -> None:
    # IoU = 0.5 exactly: MultiBoxDetection suppresses (>=), box_nms keeps (>)
    anchors = nd.array([[[0, 0, 1, 1], [0, 0, 2, 1]]])
    probs = nd.array([[[.1, .2], [.9, .8]]])
    out = nd.contrib.MultiBoxDetection(probs, nd.zeros((1, 8)), anchors, clip=False,
                                       variances=(1, 1, 1, 1))
    np.testing.assert_array_equal(out.asnumpy()[0, :, 0], [0, -1])
    np.testing.assert_allclose(out.asnumpy()[0, :, 1], [.9, .8])
    boxes = nd.array([[.9, 0, 0, 1, 1], [.8, 0, 0, 2, 1]])
    kept = nd.contrib.box_nms(boxes, overlap_thresh=0.5, score_index=0, coord_start=1)
    np.testing.assert_allclose(kept.asnumpy(), boxes.asnumpy())


def test_multibox_detection_background_only_gives_all_minus_one() -> None:
    probs = nd.array([[[.999, .998], [.001, .002]]])
    out = nd.contrib.MultiBoxDetection(probs, nd.zeros((1, 8)),
                                       nd.array([[[0, 0, .5, .5], [.5, .5, 1, 1]]]))
    np.testing.assert_array_equal(out.asnumpy(), -np.ones((1, 2, 6)))


# -- box_encode / box_decode -------------------------------------------------------------------
def test_box_encode_decode_round_trip() -> None:
    rng = np.random.default_rng(0)
    nb, n, m = 2, 6, 3
    xy, wh = rng.uniform(0, .5, (nb, n, 2)), rng.uniform(.1, .5, (nb, n, 2))
    anchors = np.concatenate([xy, xy + wh], -1).astype(np.float32)
    gxy, gwh = rng.uniform(0, .5, (nb, m, 2)), rng.uniform(.1, .5, (nb, m, 2))
    refs = np.concatenate([gxy, gxy + gwh], -1).astype(np.float32)
    samples = rng.choice([-1, 0, 1], (nb, n)).astype(np.float32)
    matches = rng.integers(0, m, (nb, n)).astype(np.float32)
    means, stds = np.zeros(4, np.float32), np.array([.1, .1, .2, .2], np.float32)
    t, mask = nd.contrib.box_encode(nd.array(samples), nd.array(matches), nd.array(anchors),
                                    nd.array(refs), nd.array(means), nd.array(stds))
    assert t.shape == mask.shape == (nb, n, 4)
    np.testing.assert_array_equal(mask.asnumpy()[..., 0], samples > 0.5)
    assert not t.asnumpy()[samples <= 0.5].any()
    for b in range(nb):  # decode each image's positives back to their refs
        dec = nd.contrib.box_decode(t[b:b + 1], nd.array(anchors[b:b + 1]), std0=.1, std1=.1,
                                    std2=.2, std3=.2, format="corner").asnumpy()[0]
        pos = samples[b] > 0.5
        np.testing.assert_allclose(dec[pos], refs[b, matches[b, pos].astype(int)], atol=1e-5)
    # center-format anchors and the clip on log sizes
    dec = nd.contrib.box_decode(nd.array([[[0, 0, 5, -5]]]), nd.array([[[.5, .5, .2, .2]]]),
                                clip=1.0).asnumpy()
    np.testing.assert_allclose(dec[0, 0], [.5 - .1 * math.e, .5 - .1 * math.exp(-5),
                                           .5 + .1 * math.e, .5 + .1 * math.exp(-5)], rtol=1e-5)


# -- import paths and errors -------------------------------------------------------------------
def test_contrib_import_paths() -> None:
    from minigluon.contrib.ndarray import MultiBoxDetection, MultiBoxPrior, MultiBoxTarget
    from minigluon.contrib.symbol import MultiBoxPrior as SymPrior

    assert MultiBoxPrior is nd.contrib.MultiBoxPrior
    assert MultiBoxTarget is nd.contrib.MultiBoxTarget
    assert MultiBoxDetection is nd.contrib.MultiBoxDetection
    assert SymPrior is sym.contrib.MultiBoxPrior
    import minigluon.contrib

    assert minigluon.contrib.nd.box_nms is mx.nd.contrib.box_nms


def test_layout_errors_say_what_was_expected() -> None:
    anchors = nd.zeros((1, 5444, 4))
    labels = -nd.ones((2, 3, 5))
    with pytest.raises(MXNetError, match=r"cls_pred must be \(batch, num_classes \+ 1, "
                       r"num_anchors\) = \(2, C\+1, 5444\).*got \(2, 5444, 3\).*transpose"):
        nd.contrib.MultiBoxTarget(anchors, labels, nd.zeros((2, 5444, 3)))
    with pytest.raises(MXNetError, match=r"label must be \(batch, max_objects, >=5\)"):
        nd.contrib.MultiBoxTarget(anchors, nd.zeros((2, 3, 4)), nd.zeros((2, 3, 5444)))
    with pytest.raises(MXNetError, match=r"anchor must be \(1, num_anchors, 4\)"):
        nd.contrib.MultiBoxTarget(nd.zeros((5444, 4)), labels, nd.zeros((2, 3, 5444)))
    bad_pad = nd.array([[[0, .1, .1, .2, .2], [-1, 0, 0, 0, 0]]])
    with pytest.raises(MXNetError, match="padding rows must be all -1"):
        nd.contrib.MultiBoxTarget(nd.zeros((1, 2, 4)), bad_pad, nd.zeros((1, 2, 2)))
    with pytest.raises(MXNetError, match=r"cls_prob must be .*transpose"):
        nd.contrib.MultiBoxDetection(nd.zeros((2, 5444, 3)), nd.zeros((2, 21776)), anchors)
    with pytest.raises(MXNetError, match=r"loc_pred must be \(batch, 4 \* num_anchors\)"):
        nd.contrib.MultiBoxDetection(nd.zeros((2, 3, 5444)), nd.zeros((2, 5444, 4)), anchors)
    with pytest.raises(MXNetError, match=r"MultiBoxPrior: data must be a feature map"):
        nd.contrib.MultiBoxPrior(nd.zeros((3, 32, 32)))
    with pytest.raises(MXNetError, match="must specify both step_y and step_x"):
        nd.contrib.MultiBoxPrior(nd.zeros((1, 1, 4, 4)), steps=(-1, 0.5))
    with pytest.raises(MXNetError, match=r"box_iou: lhs must be \(\.\.\., 4\)"):
        nd.contrib.box_iou(nd.zeros((3, 5)), nd.zeros((2, 4)))
    with pytest.raises(MXNetError, match="box_nms: each box needs at least 6 values"):
        nd.contrib.box_nms(nd.zeros((3, 5)), id_index=0)
    with pytest.raises(MXNetError, match="in_format must be 'corner'"):
        nd.contrib.box_nms(nd.zeros((3, 6)), in_format="xywh")
    # shape inference reports the same layout errors for symbols
    s = sym.contrib.MultiBoxTarget(sym.var("a"), sym.var("l"), sym.var("p"))
    with pytest.raises(MXNetError, match="transpose"):
        s.infer_shape(a=(1, 5444, 4), l=(2, 3, 5), p=(2, 5444, 3))
