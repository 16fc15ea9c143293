"""Detection metrics: PASCAL VOC mean average precision (VOCMApMetric, VOC07MApMetric)."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..ndarray import NDArray
from .evaluation import EvalMetric, register

__all__ = ["VOCMApMetric", "VOC07MApMetric"]


def _det_numpy(a: Any) -> Any:
    """An NDArray, numpy array or list of them (batches) as one numpy array (None stays)."""
    if a is None:
        return None
    if isinstance(a, (list, tuple)):
        parts = [np.asarray(x.asnumpy() if isinstance(x, NDArray) else x) for x in a]
        try:
            return np.concatenate(parts, axis=0)
        except ValueError:
            return np.array(parts)
    return np.asarray(a.asnumpy() if isinstance(a, NDArray) else a)


def _pairwise_iou(a: np.ndarray, b: np.ndarray, offset: float) -> np.ndarray:
    """IoU matrix (len(a), len(b)) of corner boxes; ``offset`` 1 for inclusive pixel boxes."""
    lt = np.maximum(a[:, None, :2], b[None, :, :2])
    rb = np.minimum(a[:, None, 2:4], b[None, :, 2:4]) + offset
    inter = np.prod(np.clip(rb - lt, 0, None), axis=2)
    area_a = np.prod(np.clip(a[:, 2:4] - a[:, :2] + offset, 0, None), axis=1)
    area_b = np.prod(np.clip(b[:, 2:4] - b[:, :2] + offset, 0, None), axis=1)
    union = area_a[:, None] + area_b[None, :] - inter
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(union > 0, inter / union, 0.0)


@register
class VOCMApMetric(EvalMetric):
    """Mean average precision of object detections, as in the PASCAL VOC evaluation.

    For each class, detections from all images are sorted by score; a detection is a true
    positive if its best-overlapping ground truth box of that class has IoU >= ``iou_thresh``
    and was not matched by a higher-scored detection (else a false positive; matches to
    "difficult" boxes are ignored, and difficult boxes do not count as positives). The
    average precision is the area under the precision-recall curve made monotone (VOC 2010+),
    or the mean of the best precision at recall >= 0, 0.1, ..., 1 (``use_07_metric``, VOC
    2007). The mAP is the mean over classes that have ground truth. ``update`` takes the
    arguments of gluon-cv's metric; padding rows (label < 0) are skipped.

    Parameters
    ----------
    iou_thresh : float, default 0.5
        A detection matches a ground-truth box of its class when their IoU is at least this.
    class_names : list of str, optional
        If given, :meth:`get` returns the AP of each class followed by the mAP.
    use_07_metric : bool, default False
        11-point interpolated AP (PASCAL VOC 2007) instead of the exact area.
    integer_coords : bool, default False
        Boxes are inclusive integer pixel indices (VOC annotation files: a box's width is
        ``xmax - xmin + 1``, gluon-cv's convention). Leave False for normalized coordinates
        such as the [0, 1] boxes ``MultiBoxDetection`` outputs.

    See Also
    --------
    VOC07MApMetric
    minigluon.ndarray.contrib.MultiBoxDetection : Produces the detections it scores.
    minigluon.gluon.model_zoo.ssd.TinySSD

    Examples
    --------
    >>> import numpy as np
    >>> import minigluon as mx
    >>> gt_boxes = np.array([[[0.1, 0.1, 0.4, 0.4], [0.5, 0.5, 0.9, 0.9]]])
    >>> gt_labels = np.array([[0, 1]])
    >>> boxes = np.array([[[0.1, 0.1, 0.4, 0.4], [0.5, 0.5, 0.9, 0.9], [0, 0, 1, 1]]])
    >>> labels, scores = np.array([[0, 1, 1]]), np.array([[0.9, 0.8, 0.3]])
    >>> metric = mx.metric.VOCMApMetric(iou_thresh=0.5)
    >>> metric.update(boxes, labels, scores, gt_boxes, gt_labels)
    >>> metric.get()
    ('VOCMeanAP', 1.0)
    >>> named = mx.metric.VOCMApMetric(class_names=['cat', 'dog'])
    >>> named.update(boxes, labels, np.array([[0.9, 0.2, 0.3]]), gt_boxes, gt_labels)
    >>> named.get()
    (['cat', 'dog', 'mAP'], [1.0, 0.5, 0.75])
    """

    def __init__(self, iou_thresh: float = 0.5, class_names: list | None = None,
                 use_07_metric: bool = False, integer_coords: bool = False) -> None:
        if class_names is not None and (not isinstance(class_names, (list, tuple)) or not all(
                isinstance(n, str) for n in class_names)):
            raise TypeError("VOCMApMetric: class_names must be a list of str, got "
                            f"{class_names!r}")
        self.class_names = None if class_names is None else list(class_names)
        self.num = None if class_names is None else len(class_names) + 1
        self.iou_thresh = iou_thresh
        self.use_07_metric = use_07_metric
        self.integer_coords = integer_coords
        super().__init__("VOCMeanAP", iou_thresh=iou_thresh, class_names=class_names,
                         use_07_metric=use_07_metric, integer_coords=integer_coords)
        if class_names is not None:
            self.name = [*self.class_names, "mAP"]

    def reset(self) -> None:
        """Forget all detections and ground truths seen so far.

        See Also
        --------
        VOCMApMetric.update, VOCMApMetric.reset_local

        Examples
        --------
        >>> import numpy as np
        >>> import minigluon as mx
        >>> m = mx.metric.VOCMApMetric()
        >>> m.update(np.zeros((1, 1, 4)), np.zeros((1, 1)), np.ones((1, 1)),
        ...          np.array([[[0, 0, 1, 1]]]), np.zeros((1, 1)))
        >>> m.reset()
        >>> m.get()
        ('VOCMeanAP', nan)
        """
        self._n_pos: dict[int, int] = {}
        self._score: dict[int, list] = {}
        self._match: dict[int, list] = {}
        super().reset()

    def reset_local(self) -> None:
        """Same as :meth:`reset` (AP is computed over everything seen; there is no local part).

        See Also
        --------
        VOCMApMetric.reset

        Examples
        --------
        >>> import minigluon as mx
        >>> m = mx.metric.VOCMApMetric()
        >>> m.reset_local()
        >>> m.get()
        ('VOCMeanAP', nan)
        """
        self.reset()

    def update(self, pred_bboxes: Any, pred_labels: Any, pred_scores: Any,  # type: ignore[override]
               gt_bboxes: Any, gt_labels: Any, gt_difficults: Any = None) -> None:
        """Add a batch of detections and the ground truth of the same images.

        Parameters
        ----------
        pred_bboxes : NDArray or numpy array (B, N, 4), or a list of them
            Detected boxes ``[xmin, ymin, xmax, ymax]``.
        pred_labels : (B, N)
            Detected class ids; rows with a negative id are padding.
        pred_scores : (B, N)
            Detection confidences.
        gt_bboxes : (B, M, 4)
            Ground-truth boxes ``(xmin, ymin, xmax, ymax)`` per image, ``M`` per image (padding rows
            have label -1).
        gt_labels : (B, M)
            Ground-truth class ids; negative ids are padding.
        gt_difficults : (B, M), optional
            Nonzero marks a "difficult" box (neither required nor penalized).

        See Also
        --------
        VOCMApMetric.get, VOCMApMetric.reset

        Examples
        --------
        >>> import numpy as np
        >>> import minigluon as mx
        >>> m = mx.metric.VOCMApMetric()
        >>> gt = np.array([[[0, 0, 0.5, 0.5], [0.5, 0.5, 1, 1]]])
        >>> m.update(np.array([[[0, 0, 0.5, 0.5]]]), np.array([[0]]), np.array([[0.9]]),
        ...          gt, np.array([[0, 0]]))
        >>> m.get()          # one of two objects found, with no false positive
        ('VOCMeanAP', 0.5)
        """
        arrays = [_det_numpy(a) for a in (pred_bboxes, pred_labels, pred_scores, gt_bboxes,
                                          gt_labels)]
        difficults = _det_numpy(gt_difficults)
        if difficults is None:
            difficults = [None] * len(arrays[4])
        for name, a in zip(("pred_bboxes", "gt_bboxes"), (arrays[0], arrays[3])):
            if a.ndim != 3 or a.shape[-1] < 4:
                raise ValueError(f"VOCMApMetric.update: {name} must have shape (batch, boxes, "
                                 f"4), got {a.shape}")
        offset = 1.0 if self.integer_coords else 0.0
        for p_box, p_lab, p_score, g_box, g_lab, g_diff in zip(*arrays, difficults):
            p_lab, p_score = p_lab.ravel(), p_score.ravel()
            valid = p_lab >= 0
            p_box, p_lab, p_score = p_box[valid, :4], p_lab[valid].astype(int), p_score[valid]
            g_lab = g_lab.ravel()
            valid = g_lab >= 0
            g_box, g_lab = g_box[valid, :4], g_lab[valid].astype(int)
            g_diff = (np.zeros(len(g_lab), bool) if g_diff is None
                      else np.asarray(g_diff).ravel()[valid].astype(bool))
            for c in np.unique(np.concatenate([p_lab, g_lab])):
                self._add_class(int(c), p_box[p_lab == c], p_score[p_lab == c],
                                g_box[g_lab == c], g_diff[g_lab == c], offset)

    def _add_class(self, c: int, boxes: np.ndarray, scores: np.ndarray,
                   gt: np.ndarray, difficult: np.ndarray, offset: float) -> None:
        order = np.argsort(-scores, kind="stable")
        boxes, scores = boxes[order], scores[order]
        self._n_pos[c] = self._n_pos.get(c, 0) + int((~difficult).sum())
        self._score.setdefault(c, []).extend(scores.tolist())
        match = self._match.setdefault(c, [])
        if len(boxes) == 0:
            return
        if len(gt) == 0:
            match.extend([0] * len(boxes))
            return
        iou = _pairwise_iou(boxes, gt, offset)
        best = iou.argmax(axis=1)
        best[iou.max(axis=1) < self.iou_thresh] = -1
        taken = np.zeros(len(gt), dtype=bool)
        for g in best:  # in score order: the first detection of an object is the true one
            if g < 0:
                match.append(0)
            elif difficult[g]:
                match.append(-1)
            else:
                match.append(0 if taken[g] else 1)
                taken[g] = True

    def _average_precision(self, rec: np.ndarray, prec: np.ndarray) -> float:
        prec = np.nan_to_num(prec)
        if self.use_07_metric:
            return float(sum(prec[rec >= t].max() if (rec >= t).any() else 0.0
                             for t in np.arange(0.0, 1.1, 0.1)) / 11.0)
        mrec = np.concatenate(([0.0], rec, [1.0]))
        mpre = np.concatenate(([0.0], prec, [0.0]))
        mpre = np.maximum.accumulate(mpre[::-1])[::-1]  # the precision envelope
        i = np.where(mrec[1:] != mrec[:-1])[0]
        return float(np.sum((mrec[i + 1] - mrec[i]) * mpre[i + 1]))

    def _class_aps(self) -> dict[int, float]:
        """AP of every class that has ground truth (NaN for those without)."""
        aps = {}
        for c, n_pos in self._n_pos.items():
            if n_pos == 0:
                aps[c] = float("nan")
                continue
            scores = np.array(self._score[c])
            match = np.array(self._match[c], dtype=np.int32)
            match = match[np.argsort(-scores, kind="stable")]
            tp = np.cumsum(match == 1)
            fp = np.cumsum(match == 0)
            with np.errstate(divide="ignore", invalid="ignore"):
                prec = tp / (tp + fp)
            aps[c] = self._average_precision(tp / n_pos, prec)
        return aps

    def get(self) -> tuple[Any, Any]:
        """``('VOCMeanAP', mAP)``, or ``(names + ['mAP'], APs + [mAP])`` with class names.

        Classes without ground truth are left out of the mean (their AP is NaN).

        See Also
        --------
        VOCMApMetric.get_global, VOCMApMetric.update

        Examples
        --------
        >>> import numpy as np
        >>> import minigluon as mx
        >>> m = mx.metric.VOCMApMetric()
        >>> gt, gl = np.array([[[0, 0, 0.5, 0.5]]]), np.array([[0]])
        >>> m.update(np.array([[[0.5, 0.5, 1, 1], [0, 0, 0.5, 0.5]]]), np.array([[0, 0]]),
        ...          np.array([[0.9, 0.8]]), gt, gl)
        >>> m.get()          # the first-ranked detection is wrong: precision 1/2 at recall 1
        ('VOCMeanAP', 0.5)
        """
        aps = self._class_aps()
        values = [v for v in aps.values() if not np.isnan(v)]
        mean = float(np.mean(values)) if values else float("nan")
        if self.num is None:
            self.sum_metric, self.num_inst = (0.0, 0) if np.isnan(mean) else (mean, 1)
            return (self.name, mean)
        per_class = [aps.get(c, float("nan")) for c in range(self.num - 1)]
        return (list(self.name), [*per_class, mean])

    def get_global(self) -> tuple[Any, Any]:
        """Same as :meth:`get`.

        See Also
        --------
        VOCMApMetric.get

        Examples
        --------
        >>> import minigluon as mx
        >>> mx.metric.VOCMApMetric().get_global()
        ('VOCMeanAP', nan)
        """
        return self.get()


class VOC07MApMetric(VOCMApMetric):
    """:class:`VOCMApMetric` with the PASCAL VOC 2007 11-point AP (gluon-cv's class name).

    Parameters
    ----------
    iou_thresh : float, default 0.5
        A detection matches a ground-truth box of its class when their IoU is at least this.
    class_names : list of str, optional
        If given, :meth:`get` returns the AP of each class followed by the mAP.
    integer_coords : bool, default False
        Boxes are inclusive integer pixel indices (VOC annotation files); leave False for normalized
        coordinates. See :class:`VOCMApMetric`.

    See Also
    --------
    VOCMApMetric

    Examples
    --------
    >>> import numpy as np
    >>> import minigluon as mx
    >>> m = mx.metric.VOC07MApMetric()
    >>> gt = np.array([[[0, 0, 0.5, 0.5], [0.5, 0.5, 1, 1]]])
    >>> m.update(np.array([[[0, 0, 0.5, 0.5]]]), np.array([[0]]), np.array([[0.9]]),
    ...          gt, np.array([[0, 0]]))
    >>> round(m.get()[1], 4)     # precision 1 at recall 0, 0.1, ..., 0.5: 6/11
    0.5455
    """

    def __init__(self, iou_thresh: float = 0.5, class_names: list | None = None,
                 integer_coords: bool = False) -> None:
        super().__init__(iou_thresh, class_names, use_07_metric=True,
                         integer_coords=integer_coords)


register(VOC07MApMetric)
