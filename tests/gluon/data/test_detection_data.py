"""SyntheticDetection: layout of labels, determinism, rendering, batching, speed."""

from __future__ import annotations

import time

import numpy as np
import pytest

from minigluon import gluon, nd
from minigluon.gluon.data.vision import SyntheticDetection, detection_batchify_fn, transforms


def test_items_and_label_layout() -> None:
    data = SyntheticDetection(50, size=64, seed=0, max_objects=4)
    assert len(data) == 50
    image, label = data[3]
    assert image.shape == (64, 64, 3) and image.dtype == np.uint8
    assert isinstance(label, np.ndarray) and label.shape == (4, 5)
    assert label.dtype == np.float32
    labels = data.labels
    valid = labels[..., 0] >= 0
    # padding rows are all -1 and come after the objects
    assert (labels[~valid] == -1).all()
    assert (np.diff(valid.astype(int), axis=1) <= 0).all()
    counts = valid.sum(axis=1)
    assert counts.min() >= 1 and counts.max() <= 4
    boxes = labels[valid][:, 1:]
    assert ((boxes >= 0) & (boxes <= 1)).all()
    assert (boxes[:, 2] > boxes[:, 0]).all() and (boxes[:, 3] > boxes[:, 1]).all()
    assert set(np.unique(labels[valid][:, 0])) <= {0, 1, 2}


def test_boxes_are_on_the_pixel_grid_and_sized_by_scale() -> None:
    data = SyntheticDetection(200, size=64, seed=1, scale=(0.25, 0.4))
    boxes = data.labels[data.labels[..., 0] >= 0][:, 1:] * 64
    np.testing.assert_allclose(boxes, np.round(boxes), atol=1e-4)
    side = np.sqrt((boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])) / 64
    assert side.min() > 0.15 and side.max() < 0.5


def test_deterministic_by_seed() -> None:
    a, b = SyntheticDetection(20, seed=5), SyntheticDetection(20, seed=5)
    np.testing.assert_array_equal(a.images, b.images)
    np.testing.assert_array_equal(a.labels, b.labels)
    c = SyntheticDetection(20, seed=6)
    assert not np.array_equal(a.images, c.images)


def test_classes_are_balanced_and_named() -> None:
    data = SyntheticDetection(600, seed=0, classes=("disc", "cross"))
    assert data.classes == ("disc", "cross")
    cls = data.labels[..., 0]
    counts = np.bincount(cls[cls >= 0].astype(int))
    assert len(counts) == 2 and counts.min() > 0.4 * counts.sum()


def test_objects_are_drawn_inside_their_boxes() -> None:
    # no overlap: every rectangle is one flat colour (up to the shading noise), and the
    # centre of every shape differs from the pixels just outside its box
    data = SyntheticDetection(100, size=64, seed=2, max_overlap=0.0,
                              classes=("rectangle",))
    img = data.images.astype(np.float32)
    for i in range(20):
        for row in data.labels[i]:
            if row[0] < 0:
                continue
            x0, y0, x1, y1 = np.round(row[1:] * 64).astype(int)
            patch = img[i, y0:y1, x0:x1]
            assert patch.std(axis=(0, 1)).max() < 15, (i, row)


def test_shapes_differ() -> None:
    # a disc fills ~pi/4 of its box, a triangle ~1/2, a rectangle all of it
    fill = {}
    for cls in ("rectangle", "disc", "triangle"):
        data = SyntheticDetection(30, size=64, seed=3, classes=(cls,), max_objects=1)
        ratios = []
        for i in range(30):
            x0, y0, x1, y1 = np.round(data.labels[i, 0, 1:] * 64).astype(int)
            patch = data.images[i, y0:y1, x0:x1].astype(np.float32)
            centre = patch[(y1 - y0) * 3 // 4, (x1 - x0) // 2]  # inside all three shapes
            ratios.append((np.abs(patch - centre).max(axis=-1) < 30).mean())
        fill[cls] = np.median(ratios)
    assert fill["rectangle"] > 0.9
    assert 0.65 < fill["disc"] < 0.9
    assert 0.35 < fill["triangle"] < 0.65


def test_bad_arguments() -> None:
    with pytest.raises(ValueError, match="unknown classes"):
        SyntheticDetection(2, classes=("star",))
    with pytest.raises(ValueError, match="min_objects"):
        SyntheticDetection(2, min_objects=4, max_objects=3)
    with pytest.raises(ValueError, match="scale"):
        SyntheticDetection(2, scale=(0.5, 1.5))


def test_transform_and_dataloader_batches() -> None:
    data = SyntheticDetection(10, size=32, seed=0)
    tensors = data.transform_first(transforms.ToTensor())
    x, y = tensors[0]
    assert x.shape == (3, 32, 32)
    loader = gluon.data.DataLoader(tensors, batch_size=4, batchify_fn=detection_batchify_fn,
                                   last_batch="keep")
    batches = list(loader)
    assert [b[0].shape for b in batches] == [(4, 3, 32, 32), (4, 3, 32, 32), (2, 3, 32, 32)]
    assert batches[0][1].shape == (4, 3, 5) and batches[0][1].dtype == np.float32
    np.testing.assert_array_equal(batches[0][1].asnumpy(), data.labels[:4])
    # the default batchify also stacks the fixed-size labels
    x, y = next(iter(gluon.data.DataLoader(data, batch_size=3)))
    assert x.shape == (3, 32, 32, 3) and y.shape == (3, 3, 5)


def test_batchify_pads_ragged_labels() -> None:
    samples = [(np.zeros((3, 4, 4), np.float32), np.array([[0, .1, .1, .2, .2]])),
               (nd.ones((3, 4, 4)), np.zeros((0, 5))),
               (np.ones((3, 4, 4), np.float32), np.array([[1, 0, 0, 1, 1], [2, 0, 0, .5, .5]]))]
    x, y = detection_batchify_fn(samples)
    assert x.shape == (3, 3, 4, 4) and y.shape == (3, 2, 5)
    np.testing.assert_array_equal(y.asnumpy()[1], -np.ones((2, 5)))
    np.testing.assert_array_equal(y.asnumpy()[0, 1], -np.ones(5))


def test_rendering_is_fast() -> None:
    start = time.perf_counter()
    data = SyntheticDetection(1000, size=64, seed=0)
    elapsed = time.perf_counter() - start
    assert len(data) == 1000
    assert elapsed < 5.0, f"rendering 1000 64x64 images took {elapsed:.2f} s"
