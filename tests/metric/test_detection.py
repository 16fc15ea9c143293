"""VOCMApMetric: hand-made cases with known AP, and an independent loop reference."""

from __future__ import annotations

import numpy as np
import pytest

import minigluon as mx
from minigluon import nd

GT = np.array([[[0.1, 0.1, 0.4, 0.4], [0.5, 0.5, 0.9, 0.9]]])
GT_LABELS = np.array([[0, 0]])


def _map(boxes, labels, scores, gt=GT, gt_labels=GT_LABELS, **kwargs) -> float:
    m = mx.metric.VOCMApMetric(**kwargs)
    m.update(np.asarray(boxes, float)[None] if np.ndim(boxes) == 2 else boxes,
             np.asarray(labels)[None] if np.ndim(labels) == 1 else labels,
             np.asarray(scores)[None] if np.ndim(scores) == 1 else scores, gt, gt_labels)
    return m.get()[1]


def test_perfect_detections() -> None:
    boxes = GT[0]
    assert _map(boxes, [0, 0], [0.9, 0.8]) == 1.0
    assert _map(boxes, [0, 0], [0.9, 0.8], use_07_metric=True) == pytest.approx(1.0)


def test_false_positive_ranked_first() -> None:
    boxes = [[0, 0.6, 0.3, 0.95], GT[0, 0], GT[0, 1]]
    # precision 0, 1/2, 2/3 at recall 0, 1/2, 1: the envelope gives 2/3 over all recall
    assert _map(boxes, [0, 0, 0], [0.9, 0.8, 0.7]) == pytest.approx(2 / 3)
    # ranked last, it costs nothing
    assert _map(boxes, [0, 0, 0], [0.1, 0.8, 0.7]) == pytest.approx(1.0)


def test_missed_ground_truth() -> None:
    boxes = GT[0, :1]
    assert _map(boxes, [0], [0.9]) == pytest.approx(0.5)
    # 11-point: precision 1 at recall 0, 0.1, ..., 0.5 and 0 above
    assert _map(boxes, [0], [0.9], use_07_metric=True) == pytest.approx(6 / 11)


def test_07_and_continuous_differ() -> None:
    # TP, FP, TP: precision 1, 1/2, 2/3 at recall 1/2, 1/2, 1
    boxes = [GT[0, 0], [0, 0.6, 0.3, 0.95], GT[0, 1]]
    labels, scores = [0, 0, 0], [0.9, 0.8, 0.7]
    assert _map(boxes, labels, scores) == pytest.approx(0.5 * 1 + 0.5 * 2 / 3)
    assert _map(boxes, labels, scores, use_07_metric=True) == pytest.approx(
        (6 * 1 + 5 * 2 / 3) / 11)


def test_duplicate_detection_is_a_false_positive() -> None:
    boxes = [GT[0, 0], GT[0, 0] + 0.01, GT[0, 1]]
    # TP, FP (same object again), TP
    assert _map(boxes, [0, 0, 0], [0.9, 0.8, 0.7]) == pytest.approx(0.5 + 0.5 * 2 / 3)


def test_iou_threshold_and_wrong_class() -> None:
    shifted = GT[0, :1] + [0.05, 0, 0.05, 0]  # IoU 0.075 / 0.105 = 0.714
    assert _map(shifted, [0], [0.9], gt=GT[:, :1], gt_labels=GT_LABELS[:, :1]) == 1.0
    assert _map(shifted, [0], [0.9], gt=GT[:, :1], gt_labels=GT_LABELS[:, :1],
                iou_thresh=0.7) == 1.0
    assert _map(shifted, [0], [0.9], gt=GT[:, :1], gt_labels=GT_LABELS[:, :1],
                iou_thresh=0.75) == 0.0
    # the right box with the wrong class finds nothing of class 0
    assert _map(GT[0], [1, 1], [0.9, 0.9]) == 0.0


def test_padding_rows_are_skipped() -> None:
    boxes = np.array([[GT[0, 0], GT[0, 1], [-1, -1, -1, -1]]])
    labels, scores = np.array([[0, 0, -1]]), np.array([[0.9, 0.8, -1]])
    gt = np.concatenate([GT, -np.ones((1, 1, 4))], axis=1)
    gt_labels = np.array([[0, 0, -1]])
    assert _map(boxes, labels, scores, gt=gt, gt_labels=gt_labels) == 1.0


def test_difficult_boxes_are_ignored() -> None:
    m = mx.metric.VOCMApMetric()
    # one easy object found; one difficult object neither found nor required
    m.update(GT[:, :1], np.array([[0]]), np.array([[0.9]]), GT, GT_LABELS,
             gt_difficults=np.array([[0, 1]]))
    assert m.get()[1] == 1.0
    # a detection of the difficult object is not a false positive either
    m = mx.metric.VOCMApMetric()
    m.update(GT[:, ::-1], np.array([[0, 0]]), np.array([[0.9, 0.8]]), GT, GT_LABELS,
             gt_difficults=np.array([[0, 1]]))
    assert m.get()[1] == 1.0


def test_class_names_and_mean_over_classes() -> None:
    m = mx.metric.VOCMApMetric(class_names=["a", "b", "c"])
    gt = np.array([[[0, 0, .5, .5], [.5, .5, 1, 1]]])
    m.update(np.array([[[0, 0, .5, .5]]]), np.array([[0]]), np.array([[0.9]]), gt,
             np.array([[0, 1]]))
    names, values = m.get()
    assert names == ["a", "b", "c", "mAP"]
    assert values[0] == 1.0 and values[1] == 0.0 and np.isnan(values[2])
    assert values[3] == 0.5  # class c has no ground truth: left out of the mean


def test_accumulates_over_batches_and_accepts_ndarrays() -> None:
    m = mx.metric.VOCMApMetric()
    m.update(nd.array(GT[:, :1]), nd.array([[0]]), nd.array([[0.9]]), nd.array(GT[:, :1]),
             nd.array([[0]]))
    m.update([nd.array(GT[:, 1:])], [nd.array([[0]])], [nd.array([[0.2]])],
             [nd.array(GT[:, 1:])], [nd.array([[0]])])
    assert m.get()[1] == 1.0
    m.reset()
    assert np.isnan(m.get()[1])


def test_integer_pixel_coordinates() -> None:
    gt = np.array([[[10, 10, 19, 19]]])  # inclusive pixels: 10x10 box
    det = np.array([[[10, 10, 19, 14]]])  # 10x5: IoU 0.5 with the +1 convention
    m = mx.metric.VOCMApMetric(integer_coords=True)
    m.update(det, np.array([[0]]), np.array([[1.0]]), gt, np.array([[0]]))
    assert m.get()[1] == 1.0
    m = mx.metric.VOCMApMetric()  # continuous: 9x4 / 9x9 < 0.5
    m.update(det, np.array([[0]]), np.array([[1.0]]), gt, np.array([[0]]))
    assert m.get()[1] == 0.0


def test_voc07_class_and_create() -> None:
    m = mx.metric.VOC07MApMetric()
    m.update(GT[:, :1], np.array([[0]]), np.array([[0.9]]), GT, GT_LABELS)
    assert m.get() == ("VOCMeanAP", pytest.approx(6 / 11))
    assert isinstance(mx.metric.create("vocmapmetric"), mx.metric.VOCMApMetric)


def test_bad_shapes() -> None:
    m = mx.metric.VOCMApMetric()
    with pytest.raises(ValueError, match=r"pred_bboxes must have shape \(batch, boxes, 4\)"):
        m.update(np.zeros((2, 4)), np.zeros((1, 2)), np.zeros((1, 2)), GT, GT_LABELS)
    with pytest.raises(TypeError, match="class_names"):
        mx.metric.VOCMApMetric(class_names="abc")


# -- an independent reference: the VOC devkit procedure written as plain loops ----------------
def _reference_map(dets, gts, thresh=0.5, use_07=False):
    """dets: list per image of (cls, score, box); gts: list per image of (cls, box)."""
    classes = sorted({c for img in gts for c, _ in img})
    aps = []
    for c in classes:
        recs = [[b for k, b in img if k == c] for img in gts]
        npos = sum(len(r) for r in recs)
        found = [[False] * len(r) for r in recs]
        cand = [(s, i, b) for i, img in enumerate(dets) for k, s, b in img if k == c]
        cand.sort(key=lambda t: -t[0])
        tp, fp = [], []
        for _, i, b in cand:
            best, best_j = -1.0, -1
            for j, g in enumerate(recs[i]):
                iw = min(b[2], g[2]) - max(b[0], g[0])
                ih = min(b[3], g[3]) - max(b[1], g[1])
                inter = max(iw, 0) * max(ih, 0)
                union = ((b[2] - b[0]) * (b[3] - b[1]) + (g[2] - g[0]) * (g[3] - g[1])
                         - inter)
                iou = inter / union if union > 0 else 0
                if iou > best:
                    best, best_j = iou, j
            if best >= thresh and not found[i][best_j]:
                found[i][best_j] = True
                tp.append(1)
                fp.append(0)
            else:
                tp.append(0)
                fp.append(1)
        tp, fp = np.cumsum(tp), np.cumsum(fp)
        rec = tp / npos
        prec = tp / np.maximum(tp + fp, 1e-12)
        if use_07:
            ap = 0.0
            for t in np.arange(0, 1.1, 0.1):
                p = prec[rec >= t].max() if (rec >= t).any() else 0
                ap += p / 11
        else:
            mrec = [0.0, *rec, 1.0]
            mpre = [0.0, *prec, 0.0]
            for k in range(len(mpre) - 2, -1, -1):
                mpre[k] = max(mpre[k], mpre[k + 1])
            ap = sum((mrec[k + 1] - mrec[k]) * mpre[k + 1] for k in range(len(mrec) - 1))
        aps.append(ap)
    return float(np.mean(aps))


@pytest.mark.parametrize("use_07", [False, True])
def test_matches_loop_reference_on_random_detections(use_07) -> None:
    rng = np.random.default_rng(4)
    batch, n_det, n_gt, n_cls = 6, 12, 4, 3
    gt_xy = rng.uniform(0, 0.6, (batch, n_gt, 2))
    gt_boxes = np.concatenate([gt_xy, gt_xy + rng.uniform(0.1, 0.4, (batch, n_gt, 2))], -1)
    gt_labels = rng.integers(0, n_cls, (batch, n_gt)).astype(float)
    gt_labels[:, -1] = -1  # padding
    # detections: jittered copies of the ground truth plus random boxes
    src = rng.integers(0, n_gt, (batch, n_det))
    boxes = np.take_along_axis(gt_boxes, src[..., None], axis=1)
    boxes += rng.normal(0, 0.05, boxes.shape)
    rand = rng.random((batch, n_det)) < 0.3
    boxes[rand] = np.sort(rng.uniform(0, 1, (rand.sum(), 2, 2)), axis=1).reshape(-1, 4)[
        :, [0, 2, 1, 3]]
    labels = np.where(rng.random((batch, n_det)) < 0.8,
                      np.take_along_axis(gt_labels, src, 1), rng.integers(0, n_cls,
                                                                          (batch, n_det)))
    labels[:, -2:] = -1
    scores = rng.random((batch, n_det))

    m = mx.metric.VOCMApMetric(use_07_metric=use_07)
    m.update(boxes[:3], labels[:3], scores[:3], gt_boxes[:3], gt_labels[:3])
    m.update(boxes[3:], labels[3:], scores[3:], gt_boxes[3:], gt_labels[3:])
    dets = [[(int(labels[i, j]), scores[i, j], boxes[i, j]) for j in range(n_det)
             if labels[i, j] >= 0] for i in range(batch)]
    gts = [[(int(gt_labels[i, j]), gt_boxes[i, j]) for j in range(n_gt) if gt_labels[i, j] >= 0]
           for i in range(batch)]
    expected = _reference_map(dets, gts, use_07=use_07)
    assert 0.05 < expected < 0.95
    assert m.get()[1] == pytest.approx(expected, abs=1e-9)
