"""gluon.contrib.nn: concurrent containers, PixelShuffle, SyncBatchNorm on one device."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

import minigluon as mx
from minigluon import autograd, gluon, nd
from minigluon.gluon.contrib import nn as cnn


def test_hybrid_concurrent_concatenates_branches_imperative_and_hybridized() -> None:
    net = cnn.HybridConcurrent(axis=1, prefix="branches_")
    with net.name_scope():
        net.add(gluon.nn.Dense(2, in_units=3), gluon.nn.Dense(3, in_units=3), cnn.Identity())
    net.initialize(mx.init.One())
    x = nd.array(np.arange(6).reshape(2, 3))
    want = np.concatenate([np.full((2, 2), [[3], [12]]), np.full((2, 3), [[3], [12]]),
                           x.asnumpy()], axis=1)
    np.testing.assert_array_equal(net(x).asnumpy(), want)
    net.hybridize()
    np.testing.assert_array_equal(net(x).asnumpy(), want)
    assert next(iter(net.collect_params())) == "branches_dense0_weight"


def test_concurrent_takes_plain_blocks() -> None:
    net = cnn.Concurrent(axis=0)
    net.add(gluon.nn.Lambda(lambda x: x * 10), gluon.nn.Lambda("negative"))
    assert net(nd.array([1, 2])).asnumpy().tolist() == [10, 20, -1, -2]


@pytest.mark.parametrize("cls, factor, in_shape", [
    (cnn.PixelShuffle1D, 3, (2, 6, 4)),
    (cnn.PixelShuffle2D, (2, 3), (1, 12, 2, 3)),
    (cnn.PixelShuffle3D, (2, 1, 2), (1, 8, 2, 3, 2)),
])
def test_pixel_shuffle_matches_the_index_formula(cls, factor, in_shape) -> None:
    n = len(in_shape) - 2
    f = (factor,) * n if isinstance(factor, int) else factor
    x = np.arange(np.prod(in_shape), dtype=np.float32).reshape(in_shape)
    layer = cls(factor)
    y = layer(nd.array(x)).asnumpy()
    c_out = in_shape[1] // int(np.prod(f))
    assert y.shape == (in_shape[0], c_out, *[s * k for s, k in zip(in_shape[2:], f)])
    # out[:, c, ..., s_d * f_d + i_d, ...] = in[:, c * prod(f) + flat(i), ..., s_d, ...]
    for c in range(c_out):
        for i, offs in enumerate(itertools.product(*[range(k) for k in f])):
            index = (slice(None), c, *[slice(o, None, k) for o, k in zip(offs, f)])
            np.testing.assert_array_equal(y[index], x[:, c * int(np.prod(f)) + i])
    layer.hybridize()
    np.testing.assert_array_equal(layer(nd.array(x)).asnumpy(), y)


def test_pixel_shuffle_factor_must_be_positive_ints() -> None:
    with pytest.raises(ValueError, match="factor must be a positive int or 2 positive ints"):
        cnn.PixelShuffle2D((2, 0))


def test_sync_batchnorm_on_one_device_is_batchnorm() -> None:
    x = nd.array(np.random.default_rng(2).normal(size=(6, 3, 4)))
    outs = []
    for layer in (gluon.nn.BatchNorm(in_channels=3), cnn.SyncBatchNorm(in_channels=3)):
        layer.initialize()
        with autograd.record():
            outs.append(layer(x).asnumpy())
        outs.append(layer.running_mean.data().asnumpy())
    np.testing.assert_allclose(outs[0], outs[2], rtol=1e-6)
    np.testing.assert_allclose(outs[1], outs[3], rtol=1e-6)
    assert cnn.SyncBatchNorm().name.startswith("syncbatchnorm")
    with pytest.raises(ValueError, match="minigluon runs on one device"):
        cnn.SyncBatchNorm(num_devices=2)


def test_a_slice_of_a_concurrent_container_keeps_its_axis():
    for cls in (cnn.Concurrent, cnn.HybridConcurrent):
        net = cls(axis=0)
        net.add(gluon.nn.Identity(), gluon.nn.Identity(), gluon.nn.Identity())
        part = net[:2]
        assert type(part) is cls and part.axis == 0
        assert part(nd.array([1, 2])).asnumpy().tolist() == [1.0, 2.0, 1.0, 2.0]
