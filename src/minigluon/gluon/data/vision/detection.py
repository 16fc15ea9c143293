"""A synthetic object-detection dataset: coloured shapes on textured backgrounds, no download.

Each image holds one to ``max_objects`` shapes (rectangles, discs, triangles, ...) of random
colour, size and position on a background of smooth colour gradients, stripes and noise. The
label of an image is the ``(max_objects, 5)`` array of rows ``[class, xmin, ymin, xmax, ymax]``
with coordinates normalized to [0, 1], padded with rows of -1: the layout ``MultiBoxTarget``
and the Toy SSD tutorial's Pikachu data use. Rendering is vectorized numpy over whole chunks
of images (masks from coordinate grids), so thousands of images take well under a second.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ....ndarray import NDArray
from ....ndarray import array as _nd_array
from ..dataset import Dataset

__all__ = ["SyntheticDetection", "detection_batchify_fn"]

#: The shapes the renderer can draw, by class name.
SHAPES = ("rectangle", "disc", "triangle", "diamond", "cross")


def _shape_masks(kind: np.ndarray, box: np.ndarray, size: int) -> np.ndarray:
    """Boolean masks (n, k, H, W) of shapes ``kind`` (n, k) inside boxes (n, k, 4) in pixels.

    The box is mapped to [-1, 1]^2 in (u, v); u depends on the column only and v on the row
    only, so each test is one broadcast of an (n, k, 1, W) array against an (n, k, H, 1) one.
    """
    grid = np.arange(size, dtype=np.float32) + 0.5
    box = box.astype(np.float32)
    half = (box[..., 2:] - box[..., :2]) / 2
    centre = (box[..., 2:] + box[..., :2]) / 2
    u = (grid - centre[..., 0, None]) / half[..., 0, None]  # (n, k, W)
    v = (grid - centre[..., 1, None]) / half[..., 1, None]  # (n, k, H)
    u, v = u[:, :, None, :], v[:, :, :, None]
    au, av = np.abs(u), np.abs(v)
    inside_u, inside_v = au <= 1, av <= 1
    tests = {
        "rectangle": lambda: inside_v & inside_u,
        "disc": lambda: u * u + v * v <= 1,
        "triangle": lambda: inside_v & (au <= (v + 1) / 2),  # apex at the top middle
        "diamond": lambda: au + av <= 1,
        "cross": lambda: (inside_v & (au <= 0.34)) | (inside_u & (av <= 0.34)),
    }
    out = np.zeros((*kind.shape, size, size), dtype=bool)
    for code, name in enumerate(SHAPES):
        sel = kind == code
        if sel.any():
            out |= sel[..., None, None] & tests[name]()
    return out


def _backgrounds(n: int, size: int, rng: np.random.Generator) -> np.ndarray:
    """(n, size, size, 3) float32 in [0, 1]: colour gradient + stripes + pixel noise."""
    grid = 4
    coarse = rng.uniform(0.15, 0.85, (n, 3, grid, grid)).astype(np.float32)
    # bilinear upsampling of a 4x4 colour grid (a smooth random colour field) as A @ C @ A^T
    pos = (np.arange(size, dtype=np.float32) + 0.5) / size * (grid - 1)
    i0 = np.minimum(pos.astype(int), grid - 2)
    interp = np.zeros((size, grid), dtype=np.float32)
    interp[np.arange(size), i0] = 1 - (pos - i0)
    interp[np.arange(size), i0 + 1] = pos - i0
    field = (interp @ coarse @ interp.T).transpose(0, 2, 3, 1)  # (n, H, W, 3)
    # faint stripes at a random angle and frequency: sin(a + b) with a from x and b from y
    coord = (np.arange(size, dtype=np.float32) + 0.5) / size
    angle = rng.uniform(0, np.pi, (n, 1)).astype(np.float32)
    freq = rng.uniform(3, 10, (n, 1)).astype(np.float32)
    amp = rng.uniform(0, 0.12, (n, 1, 1)).astype(np.float32)
    a = 2 * np.pi * freq * coord * np.cos(angle)  # (n, W)
    b = 2 * np.pi * freq * coord * np.sin(angle)  # (n, H)
    stripes = amp * (np.sin(b)[:, :, None] * np.cos(a)[:, None, :]
                     + np.cos(b)[:, :, None] * np.sin(a)[:, None, :])
    noise = rng.standard_normal((n, size, size), dtype=np.float32) * 0.05
    field += (stripes + noise)[..., None]
    return np.clip(field, 0, 1, out=field)


def _sample_boxes(n: int, k: int, scale: tuple[float, float], aspect: tuple[float, float],
                  rng: np.random.Generator) -> np.ndarray:
    """(n, k, 4) boxes in [0, 1] with sides ``scale`` and width/height ratio ``aspect``."""
    area = rng.uniform(scale[0], scale[1], (n, k)) ** 2
    ratio = np.exp(rng.uniform(np.log(aspect[0]), np.log(aspect[1]), (n, k)))
    w = np.minimum(np.sqrt(area * ratio), 0.95)
    h = np.minimum(np.sqrt(area / ratio), 0.95)
    x0 = rng.uniform(0, 1, (n, k)) * (1 - w)
    y0 = rng.uniform(0, 1, (n, k)) * (1 - h)
    return np.stack([x0, y0, x0 + w, y0 + h], axis=-1)


def _overlap_with_earlier(boxes: np.ndarray, keep: np.ndarray, limit: float) -> np.ndarray:
    """Drop boxes whose intersection with an earlier kept box exceeds ``limit`` of their area."""
    k = boxes.shape[1]
    lt = np.maximum(boxes[:, :, None, :2], boxes[:, None, :, :2])
    rb = np.minimum(boxes[:, :, None, 2:], boxes[:, None, :, 2:])
    inter = np.prod(np.clip(rb - lt, 0, None), axis=-1)  # (n, k, k)
    area = np.prod(boxes[..., 2:] - boxes[..., :2], axis=-1)
    frac = inter / np.minimum(area[:, :, None], area[:, None, :])
    for j in range(1, k):  # k is small (max_objects): a loop over slots, not pixels
        clash = (frac[:, j, :j] > limit) & keep[:, :j]
        keep[:, j] &= ~clash.any(axis=1)
    return keep


class SyntheticDetection(Dataset):
    """Coloured shapes on textured backgrounds, with boxes: an object-detection set on the fly.

    Every image has between ``min_objects`` and ``max_objects`` shapes whose class is the
    shape (``classes[i]`` is class ``i``) and whose colour is random, so a detector has to
    learn shape, not colour. Objects may touch but overlap at most ``max_overlap`` of their
    area. Items are ``(image, label)``: a uint8 NDArray ``(size, size, 3)`` (HWC, like the
    MXNet vision datasets) and a float32 numpy array ``(max_objects, 5)`` of rows
    ``[class, xmin, ymin, xmax, ymax]``, coordinates in [0, 1], padded with rows of -1. The
    whole set is rendered at construction, deterministically from ``seed``.

    Parameters
    ----------
    num_samples : int, default 1000
        Number of images in the dataset.
    size : int, default 64
        Image height and width in pixels (the Toy SSD tutorial uses 256).
    seed : int, default 0
        Seed of the generator: the same seed gives the same images.
    max_objects : int, default 3
        Label rows per image (objects + padding).
    classes : tuple of str, default ('rectangle', 'disc', 'triangle')
        Shapes to draw, from ``'rectangle', 'disc', 'triangle', 'diamond', 'cross'``.
    min_objects : int, default 1
        Fewest objects drawn in one image.
    scale : (float, float), default (0.2, 0.5)
        Range of an object's side (square root of its area) relative to the image.
    max_overlap : float, default 0.15
        Largest fraction of an object's area another object may cover.
    transform : callable, optional
        Applied as ``transform(image, label)``.

    See Also
    --------
    detection_batchify_fn, SyntheticDigits
    minigluon.gluon.model_zoo.ssd.TinySSD : A detector to train on it.
    minigluon.metric.VOCMApMetric

    Examples
    --------
    >>> from minigluon.gluon.data.vision import SyntheticDetection
    >>> data = SyntheticDetection(num_samples=8, size=64, seed=0)
    >>> image, label = data[0]
    >>> image.shape, image.dtype.__name__, label.shape, data.classes
    ((64, 64, 3), 'uint8', (3, 5), ('rectangle', 'disc', 'triangle'))
    >>> bool(((label[:, 0] == -1) | ((label[:, 1:] >= 0) & (label[:, 1:] <= 1)).all(1)).all())
    True
    """

    def __init__(self, num_samples: int = 1000, size: int = 64, seed: int = 0,
                 max_objects: int = 3, classes: tuple[str, ...] = ("rectangle", "disc",
                                                                    "triangle"),
                 min_objects: int = 1, scale: tuple[float, float] = (0.2, 0.5),
                 max_overlap: float = 0.15, transform: Any = None) -> None:
        classes = tuple(classes)
        unknown = [c for c in classes if c not in SHAPES]
        if unknown or not classes:
            raise ValueError(f"SyntheticDetection: unknown classes {unknown}; choose from "
                             f"{SHAPES}")
        if not 1 <= min_objects <= max_objects:
            raise ValueError(f"SyntheticDetection: need 1 <= min_objects <= max_objects, got "
                             f"min_objects={min_objects}, max_objects={max_objects}")
        if not 0 < scale[0] <= scale[1] < 1:
            raise ValueError(f"SyntheticDetection: scale must satisfy 0 < low <= high < 1, "
                             f"got {scale}")
        self.classes = classes
        self.size = size
        self.max_objects = max_objects
        rng = np.random.default_rng(seed)
        images = np.empty((num_samples, size, size, 3), dtype=np.uint8)
        labels = np.full((num_samples, max_objects, 5), -1, dtype=np.float32)
        chunk = max(1, (1 << 21) // (size * size * max_objects))
        for start in range(0, num_samples, chunk):
            n = min(chunk, num_samples - start)
            img, lab = self._render(n, rng, min_objects, scale, max_overlap)
            images[start:start + n] = img
            labels[start:start + n] = lab
        self._images = images
        self._labels = labels
        self._transform = transform

    def _render(self, n: int, rng: np.random.Generator, min_objects: int,
                scale: tuple[float, float], max_overlap: float) -> tuple[np.ndarray, np.ndarray]:
        size, k = self.size, self.max_objects
        boxes = _sample_boxes(n, k, scale, (0.6, 1.6), rng)
        codes = np.array([SHAPES.index(c) for c in self.classes])
        cls = rng.integers(0, len(self.classes), (n, k))
        kind = codes[cls]
        boxes[kind == SHAPES.index("disc")] = _square(boxes[kind == SHAPES.index("disc")])
        count = rng.integers(min_objects, k + 1, n)
        keep = np.arange(k)[None, :] < count[:, None]
        keep = _overlap_with_earlier(boxes, keep, max_overlap)
        # snap boxes to the pixel grid so that the label is exactly the drawn extent
        px = np.round(boxes * size)
        px[..., 2:] = np.maximum(px[..., 2:], px[..., :2] + 2)
        px = np.minimum(px, size)
        boxes = px / size

        image = _backgrounds(n, size, rng)
        masks = _shape_masks(kind, px, size) & keep[..., None, None]  # (n, k, H, W)
        # the top-most object at each pixel (later slots paint over earlier ones); 0 = none
        top = (masks * np.arange(1, k + 1, dtype=np.int8)[:, None, None]).max(axis=1)
        colour = _distinct_colours(n, k, rng)
        colour = np.concatenate([np.zeros((n, 1, 3), np.float32), colour], axis=1)
        index = top.reshape(n, -1).astype(np.int32) + (np.arange(n, dtype=np.int32)
                                                        * (k + 1))[:, None]
        paint = np.take(colour.reshape(-1, 3), index, axis=0)  # (n, H*W, 3)
        shade = 1 + rng.standard_normal((n, size * size, 1), dtype=np.float32) * 0.04
        paint = np.clip(paint * shade, 0, 1).reshape(n, size, size, 3)
        image = np.where((top > 0)[..., None], paint, image)
        images = (image * 255 + 0.5).astype(np.uint8)

        labels = np.full((n, k, 5), -1, dtype=np.float32)
        # kept objects first, in painting order; padding rows after them
        order = np.argsort(~keep, axis=1, kind="stable")
        rows = np.concatenate([cls[..., None].astype(np.float32), boxes], axis=-1)
        rows = np.take_along_axis(rows, order[..., None], axis=1)
        valid = np.take_along_axis(keep, order, axis=1)
        labels[valid] = rows[valid]
        return images, labels

    @property
    def images(self) -> np.ndarray:
        """All images as one uint8 numpy array ``(N, size, size, 3)`` (no copy).

        See Also
        --------
        SyntheticDetection.labels

        Examples
        --------
        >>> from minigluon.gluon.data.vision import SyntheticDetection
        >>> SyntheticDetection(num_samples=4, size=32).images.shape
        (4, 32, 32, 3)
        """
        return self._images

    @property
    def labels(self) -> np.ndarray:
        """All labels as one float32 numpy array ``(N, max_objects, 5)`` (no copy).

        See Also
        --------
        SyntheticDetection.images
        minigluon.ndarray.contrib.MultiBoxTarget : Reads labels of this layout.

        Examples
        --------
        >>> from minigluon.gluon.data.vision import SyntheticDetection
        >>> SyntheticDetection(num_samples=4, size=32, max_objects=2).labels.shape
        (4, 2, 5)
        """
        return self._labels

    def __getitem__(self, idx: int) -> Any:
        image, label = NDArray(self._images[idx]), self._labels[idx].copy()
        if self._transform is not None:
            return self._transform(image, label)
        return image, label

    def __len__(self) -> int:
        return len(self._labels)


def _square(boxes: np.ndarray) -> np.ndarray:
    """Boxes made square (side = the shorter side) about their centre."""
    if boxes.size == 0:
        return boxes
    c = (boxes[:, :2] + boxes[:, 2:]) / 2
    half = np.min(boxes[:, 2:] - boxes[:, :2], axis=1, keepdims=True) / 2
    return np.concatenate([c - half, c + half], axis=1)


def _distinct_colours(n: int, k: int, rng: np.random.Generator) -> np.ndarray:
    """Saturated random colours (n, k, 3): random hue, high saturation and value."""
    hue = rng.uniform(0, 1, (n, k))
    sat = rng.uniform(0.6, 1.0, (n, k))
    val = rng.uniform(0.55, 1.0, (n, k))
    # HSV -> RGB, vectorized
    h6 = hue * 6
    f = h6 - np.floor(h6)
    p, q, t = val * (1 - sat), val * (1 - sat * f), val * (1 - sat * (1 - f))
    sector = np.floor(h6).astype(int) % 6
    table = np.stack([
        np.stack([val, t, p], -1), np.stack([q, val, p], -1), np.stack([p, val, t], -1),
        np.stack([p, q, val], -1), np.stack([t, p, val], -1), np.stack([val, p, q], -1)])
    return np.take_along_axis(table, sector[None, ..., None], axis=0)[0].astype(np.float32)


def detection_batchify_fn(data: list) -> Any:
    """Stack ``(image, label)`` samples: images to ``(B, ...)``, labels padded to ``(B, M, 5)``.

    Labels may have different numbers of rows; shorter ones are padded with rows of -1 up
    to the longest (what gluon-cv's ``Tuple(Stack(), Pad(pad_val=-1))`` does). Images may be
    NDArrays or numpy arrays of one shape.

    Parameters
    ----------
    data : list of (image, label)
        Samples as the dataset returns them.

    Returns
    -------
    list of NDArray
        ``[images, labels]``; labels are float32.

    See Also
    --------
    SyntheticDetection
    minigluon.gluon.data.default_batchify_fn
    minigluon.gluon.data.DataLoader

    Examples
    --------
    >>> import numpy as np
    >>> from minigluon import nd
    >>> from minigluon.gluon.data.vision import detection_batchify_fn
    >>> a = (nd.zeros((3, 8, 8)), np.array([[0, .1, .1, .5, .5]], 'float32'))
    >>> b = (nd.ones((3, 8, 8)), np.array([[1, .2, .2, .6, .6], [2, 0, 0, 1, 1]], 'float32'))
    >>> x, y = detection_batchify_fn([a, b])
    >>> x.shape, y.shape
    ((2, 3, 8, 8), (2, 2, 5))
    >>> y[0, 1]
    <BLANKLINE>
    [-1. -1. -1. -1. -1.]
    <NDArray 5 @cpu(0)>
    """
    images = [np.asarray(d[0].asnumpy() if isinstance(d[0], NDArray) else d[0]) for d in data]
    labels = [np.asarray(d[1].asnumpy() if isinstance(d[1], NDArray) else d[1],
                         dtype=np.float32).reshape(-1, np.shape(d[1])[-1]) for d in data]
    rows = max(len(lab) for lab in labels)
    width = max(lab.shape[1] for lab in labels)
    out = np.full((len(labels), rows, width), -1, dtype=np.float32)
    for i, lab in enumerate(labels):
        out[i, :len(lab), :lab.shape[1]] = lab
    stacked = np.stack(images)
    return [_nd_array(stacked, dtype=stacked.dtype), _nd_array(out)]
