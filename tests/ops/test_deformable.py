"""minigluon.ops.deformable: deformable convolutions v1/v2 against MXNet 1.9.1's CPU kernels."""

from __future__ import annotations

import numpy as np
import pytest

from minigluon import nd
from minigluon.base import ShapeError

X = np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4)
W = np.array([[[[1, -1], [2, 0.5]]]], np.float32)


def _offsets() -> np.ndarray:
    off = np.zeros((1, 8, 3, 3), np.float32)
    off[0, 0::2] = np.array([0.5, -0.75, 1.25, 2.5]).reshape(4, 1, 1)  # y of each tap
    off[0, 1::2] = np.array([-1.5, 0.25, 0.75, -0.5]).reshape(4, 1, 1)  # x of each tap
    return off


def test_values_of_mxnet_cpu_kernels() -> None:
    # expected values computed by MXNet 1.9.1 on the same inputs (CPU)
    mask = np.linspace(0.2, 1, 36, dtype=np.float32).reshape(1, 4, 3, 3)
    kw = dict(kernel=(2, 2), num_filter=1, no_bias=True)
    v2 = nd.contrib.ModulatedDeformableConvolution(nd.array(X), nd.array(_offsets()),
                                                   nd.array(mask), nd.array(W), **kw)
    np.testing.assert_allclose(v2.asnumpy()[0, 0], [[14.34964, 16.45393, 18.93107],
                                                    [11.93786, 13.755, 16.53929],
                                                    [-3.39286, -2.30143, 0.48857]], atol=1e-4)
    v1 = nd.contrib.DeformableConvolution(nd.array(X), nd.array(_offsets()), nd.array(W), **kw)
    np.testing.assert_allclose(v1.asnumpy()[0, 0], [[25.75, 28.25, 33.25], [23.25, 24.25, 32.0],
                                                    [-6.25, -7.25, 2.5]], atol=1e-4)


@pytest.mark.parametrize("stride, pad, dilate, groups", [((1, 1), (1, 1), (1, 1), 1),
                                                        ((2, 2), (0, 0), (2, 2), 2)])
def test_zero_offsets_unit_mask_is_a_convolution(stride, pad, dilate, groups) -> None:
    rng = np.random.default_rng(0)
    x = nd.array(rng.normal(size=(2, 4, 7, 7)))
    w, b = nd.array(rng.normal(size=(6, 4 // groups, 3, 3))), nd.array(rng.normal(size=6))
    kw = dict(kernel=(3, 3), stride=stride, pad=pad, dilate=dilate, num_filter=6,
              num_group=groups)
    want = nd.Convolution(x, w, b, **kw)
    ho, wo = want.shape[2:]
    off, mask = nd.zeros((2, 18, ho, wo)), nd.ones((2, 9, ho, wo))
    got = nd.contrib.ModulatedDeformableConvolution(x, off, mask, w, b, **kw)
    np.testing.assert_allclose(got.asnumpy(), want.asnumpy(), rtol=1e-4, atol=1e-4)
    got1 = nd.contrib.DeformableConvolution(x, off, w, b, **kw)
    np.testing.assert_allclose(got1.asnumpy(), want.asnumpy(), rtol=1e-4, atol=1e-4)


def test_borders_differ_between_versions() -> None:
    # a tap half a pixel above the image: v2 fades the first row in, v1 reads nothing
    x, w = nd.ones((1, 1, 2, 2)), nd.ones((1, 1, 1, 1))
    off = nd.zeros((1, 2, 2, 2))
    off[:, 0] = -0.5
    kw = dict(kernel=(1, 1), num_filter=1, no_bias=True)
    v2 = nd.contrib.ModulatedDeformableConvolution(x, off, nd.ones((1, 1, 2, 2)), w, **kw)
    v1 = nd.contrib.DeformableConvolution(x, off, w, **kw)
    assert v2.asnumpy()[0, 0].tolist() == [[0.5, 0.5], [1.0, 1.0]]
    assert v1.asnumpy()[0, 0].tolist() == [[0.0, 0.0], [1.0, 1.0]]


def test_bad_shapes_are_named() -> None:
    x, w = nd.ones((1, 2, 4, 4)), nd.ones((3, 2, 3, 3))
    with pytest.raises(ShapeError, match=r"offset must have shape \(1, 18, 2, 2\)"):
        nd.contrib.DeformableConvolution(x, nd.zeros((1, 18, 4, 4)), w, kernel=(3, 3),
                                         num_filter=3)
    with pytest.raises(ShapeError, match="num_deformable_group=3"):
        nd.contrib.DeformableConvolution(x, nd.zeros((1, 54, 2, 2)), w, kernel=(3, 3),
                                         num_filter=3, num_deformable_group=3)
