"""Synthetic image datasets that need no download (MNIST-like digits)."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np

from ....ndarray import NDArray
from ..dataset import Dataset

__all__ = ["SyntheticDigits"]

# Each digit as polylines in the unit square (x right, y down), drawn like a quick pen stroke.
_STROKES: dict[int, list[list[tuple[float, float]]]] = {
    0: [[(0.5, 0.15), (0.68, 0.25), (0.72, 0.5), (0.68, 0.75), (0.5, 0.85), (0.32, 0.75),
         (0.28, 0.5), (0.32, 0.25), (0.5, 0.15)]],
    1: [[(0.38, 0.3), (0.55, 0.15), (0.55, 0.85)]],
    2: [[(0.3, 0.3), (0.4, 0.17), (0.6, 0.17), (0.7, 0.3), (0.3, 0.85), (0.72, 0.85)]],
    3: [[(0.3, 0.2), (0.65, 0.2), (0.45, 0.48), (0.68, 0.62), (0.6, 0.82), (0.3, 0.82)]],
    4: [[(0.6, 0.85), (0.6, 0.15), (0.28, 0.62), (0.75, 0.62)]],
    5: [[(0.7, 0.17), (0.35, 0.17), (0.32, 0.47), (0.6, 0.45), (0.7, 0.62), (0.6, 0.82),
         (0.3, 0.82)]],
    6: [[(0.65, 0.17), (0.4, 0.35), (0.32, 0.62), (0.42, 0.83), (0.62, 0.83), (0.68, 0.62),
         (0.55, 0.5), (0.35, 0.58)]],
    7: [[(0.3, 0.17), (0.72, 0.17), (0.45, 0.85)]],
    8: [[(0.5, 0.17), (0.64, 0.25), (0.5, 0.48), (0.36, 0.25), (0.5, 0.17)],
        [(0.5, 0.48), (0.68, 0.62), (0.5, 0.84), (0.32, 0.62), (0.5, 0.48)]],
    9: [[(0.65, 0.45), (0.45, 0.52), (0.33, 0.38), (0.42, 0.18), (0.62, 0.2), (0.67, 0.38),
         (0.6, 0.85)]],
}
_SEGMENTS = {d: np.array([(p, q) for line in lines for p, q in itertools.pairwise(line)])
             for d, lines in _STROKES.items()}  # (n_segments, 2 points, xy)


def _render(segments: np.ndarray, size: int, thickness: np.ndarray) -> np.ndarray:
    """Anti-aliased strokes: intensity falls off with the distance to the nearest segment.

    segments: (N, S, 2, 2) in pixel units; thickness: (N,). Returns (N, size, size) in [0, 1].
    """
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float32) + 0.5
    pix = np.stack([xs.ravel(), ys.ravel()], axis=-1)  # (P, 2)
    a, b = segments[:, None, :, 0, :], segments[:, None, :, 1, :]  # (N, 1, S, 2)
    ab = b - a
    ap = pix[None, :, None, :] - a  # (N, P, S, 2)
    t = np.clip((ap * ab).sum(-1) / np.maximum((ab * ab).sum(-1), 1e-6), 0.0, 1.0)
    d = np.linalg.norm(ap - t[..., None] * ab, axis=-1).min(axis=-1)  # (N, P)
    ink = np.clip(thickness[:, None] + 0.75 - d, 0.0, 1.0)
    return ink.reshape(-1, size, size)


class SyntheticDigits(Dataset):
    """Handwriting-like digits 0-9 drawn on the fly: an MNIST stand-in that needs no download.

    Each sample is a pen-stroke glyph under a random affine transform (scale, rotation, slant,
    shift) with random stroke width and background noise. Items are ``(image, label)`` like
    MNIST: a uint8 NDArray of shape ``(size, size, 1)`` and an int32 label. The whole set is
    generated at construction, deterministically from ``seed``.

    Parameters
    ----------
    num_samples : int, default 10000
        Number of images in the dataset.
    seed : int, default 0
        Seed of the generator: the same seed gives the same images.
    size : int, default 28
        Image height and width in pixels.
    transform : callable, optional
        Applied as ``transform(image, label)`` (use ``transform_first`` for images only).

    See Also
    --------
    SyntheticDetection
    minigluon.gluon.model_zoo.vision.LeNet : A model to train on it.
    minigluon.gluon.data.DataLoader

    Examples
    --------
    >>> from minigluon.gluon.data.vision import SyntheticDigits
    >>> data = SyntheticDigits(num_samples=20, seed=0)
    >>> image, label = data[0]
    >>> image.shape, image.dtype.__name__, len(data)
    ((28, 28, 1), 'uint8', 20)
    >>> sorted(set(int(data[i][1]) for i in range(20))) == list(range(10))
    True
    """

    def __init__(self, num_samples: int = 10000, seed: int = 0, size: int = 28,
                 transform: Any = None) -> None:
        rng = np.random.default_rng(seed)
        labels = np.arange(num_samples) % 10
        rng.shuffle(labels)
        images = np.empty((num_samples, size, size, 1), dtype=np.uint8)
        for start in range(0, num_samples, 256):
            lab = labels[start:start + 256]
            images[start:start + 256, :, :, 0] = self._draw(lab, rng, size)
        self._images = images
        self._labels = labels.astype(np.int32)
        self._transform = transform

    @staticmethod
    def _draw(labels: np.ndarray, rng: np.random.Generator, size: int) -> np.ndarray:
        n = len(labels)
        max_s = max(len(s) for s in _SEGMENTS.values())
        segs = np.zeros((n, max_s, 2, 2), dtype=np.float32)
        for i, d in enumerate(labels):
            s = _SEGMENTS[int(d)]
            segs[i, : len(s)] = s
            segs[i, len(s):] = s[-1]  # pad by repeating a segment: no new ink
        angle = rng.uniform(-0.2, 0.2, n)
        shear = rng.uniform(-0.25, 0.25, n)
        scale = rng.uniform(0.75, 1.05, (n, 2))
        shift = rng.uniform(-0.1, 0.1, (n, 2))
        cos, sin = np.cos(angle), np.sin(angle)
        m = np.stack([np.stack([cos * scale[:, 0], -sin + shear], -1),
                      np.stack([sin, cos * scale[:, 1]], -1)], -2)  # (n, 2, 2)
        centred = segs - 0.5
        moved = np.einsum("nij,nskj->nski", m, centred) + 0.5 + shift[:, None, None, :]
        thickness = rng.uniform(0.8, 1.8, n).astype(np.float32)
        ink = _render(moved * size, size, thickness)
        noise = rng.uniform(0.0, 0.25, ink.shape) * (rng.uniform(size=ink.shape) < 0.15)
        return (np.clip(ink + noise, 0.0, 1.0) * 255).astype(np.uint8)

    def __getitem__(self, idx: int) -> Any:
        image, label = NDArray(self._images[idx]), self._labels[idx]
        if self._transform is not None:
            return self._transform(image, label)
        return image, label

    def __len__(self) -> int:
        return len(self._labels)
