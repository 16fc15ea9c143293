"""BatchNorm (train, predict, moving statistics, fix_gamma), LayerNorm, InstanceNorm, GroupNorm.
"""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

from minigluon import autograd, nd
from minigluon.base import MXNetError

from .naive import TOL, _arr, bn_train_ref


# -- BatchNorm -----------------------------------------------------------------------------
@pytest.mark.parametrize("shape", [(4, 3), (2, 3, 2, 2)])
def test_batchnorm_train_matches_naive_loops(shape) -> None:
    rng = np.random.default_rng(7)
    x = rng.standard_normal(shape)
    gamma, beta = rng.standard_normal(3), rng.standard_normal(3)
    g = rng.standard_normal(shape)
    y_ref, gx_ref, gg_ref, gb_ref, mu, var = bn_train_ref(x, gamma, beta, 1e-3, g)
    mm, mv = _arr(np.zeros(3)), _arr(np.ones(3))
    arrays = [_arr(x), _arr(gamma), _arr(beta)]
    for a in arrays:
        a.attach_grad()
    with autograd.record():
        y = nd.BatchNorm(*arrays, mm, mv, fix_gamma=False)
    y.backward(_arr(g))
    np.testing.assert_allclose(y.asnumpy(), y_ref, **TOL)
    np.testing.assert_allclose(arrays[0].grad.asnumpy(), gx_ref, **TOL)
    np.testing.assert_allclose(arrays[1].grad.asnumpy(), gg_ref, **TOL)
    np.testing.assert_allclose(arrays[2].grad.asnumpy(), gb_ref, **TOL)
    # moving = moving * momentum + batch * (1 - momentum), with the biased variance
    np.testing.assert_allclose(mm.asnumpy(), 0.1 * mu, **TOL)
    np.testing.assert_allclose(mv.asnumpy(), 0.9 + 0.1 * var, **TOL)


@pytest.mark.parametrize("block", [16, 4])  # rows of 7: blocks of 2 rows (last partial), 1 row
def test_batchnorm_backward_in_row_blocks_matches_naive_loops(monkeypatch, block) -> None:
    from minigluon.ops import normalization

    monkeypatch.setattr(normalization, "_BLOCK_ELEMS", block)
    rng = np.random.default_rng(11)
    x, g = rng.standard_normal((5, 3, 7)), rng.standard_normal((5, 3, 7))
    gamma, beta = rng.standard_normal(3), rng.standard_normal(3)
    _, gx_ref, gg_ref, gb_ref, _, _ = bn_train_ref(x, gamma, beta, 1e-3, g)
    arrays = [_arr(x), _arr(gamma), _arr(beta)]
    for a in arrays:
        a.attach_grad()
    with autograd.record():
        y = nd.BatchNorm(*arrays, _arr(np.zeros(3)), _arr(np.ones(3)), fix_gamma=False)
    y.backward(_arr(g))
    for a, ref in zip(arrays, (gx_ref, gg_ref, gb_ref)):
        np.testing.assert_allclose(a.grad.asnumpy(), ref, **TOL)


def test_batchnorm_moving_stats_update_in_place_each_step() -> None:
    x = nd.array([[1, 10], [3, 30]])
    mm, mv = nd.array([1, 1]), nd.array([2, 2])
    buf_mean = mm._data
    with autograd.train_mode():
        nd.BatchNorm(x, nd.ones(2), nd.zeros(2), mm, mv, momentum=0.8)
    assert mm._data is buf_mean  # in place: Parameters holding these arrays see the update
    np.testing.assert_allclose(mm.asnumpy(), [0.8 + 0.2 * 2, 0.8 + 0.2 * 20], rtol=1e-6)
    np.testing.assert_allclose(mv.asnumpy(), [1.6 + 0.2 * 1, 1.6 + 0.2 * 100], rtol=1e-6)
    with autograd.train_mode():
        nd.BatchNorm(x, nd.ones(2), nd.zeros(2), mm, mv, momentum=0.8)
    np.testing.assert_allclose(mm.asnumpy()[0], 0.8 * 1.2 + 0.2 * 2, rtol=1e-6)
    # predict mode and use_global_stats leave them alone
    before = mm.asnumpy().copy()
    nd.BatchNorm(x, nd.ones(2), nd.zeros(2), mm, mv)
    with autograd.train_mode():
        nd.BatchNorm(x, nd.ones(2), nd.zeros(2), mm, mv, use_global_stats=True)
    np.testing.assert_array_equal(mm.asnumpy(), before)


@pytest.mark.parametrize("use_global_stats", [False, True])
def test_batchnorm_predict_is_a_per_channel_affine_map(use_global_stats) -> None:
    rng = np.random.default_rng(8)
    x = rng.standard_normal((3, 2, 2))
    gamma, beta = rng.standard_normal(2), rng.standard_normal(2)
    mean, var = rng.standard_normal(2), rng.uniform(0.5, 2, 2)
    g = rng.standard_normal(x.shape)
    arrays = [_arr(x), _arr(gamma), _arr(beta)]
    for a in arrays:
        a.attach_grad()
    with autograd.record(train_mode=use_global_stats):
        y = nd.BatchNorm(*arrays, _arr(mean), _arr(var), fix_gamma=False, eps=1e-5,
                         use_global_stats=use_global_stats)
    y.backward(_arr(g))
    scale = gamma / np.sqrt(var + 1e-5)
    y_ref = np.empty_like(x)
    for n, c, i in itertools.product(range(3), range(2), range(2)):
        y_ref[n, c, i] = (x[n, c, i] - mean[c]) * scale[c] + beta[c]
    np.testing.assert_allclose(y.asnumpy(), y_ref, **TOL)
    np.testing.assert_allclose(arrays[0].grad.asnumpy(), g * scale[None, :, None], **TOL)
    xhat = (x - mean[None, :, None]) / np.sqrt(var + 1e-5)[None, :, None]
    np.testing.assert_allclose(arrays[1].grad.asnumpy(), (g * xhat).sum(axis=(0, 2)), **TOL)
    np.testing.assert_allclose(arrays[2].grad.asnumpy(), g.sum(axis=(0, 2)), **TOL)


def test_batchnorm_fix_gamma_ignores_gamma_and_gives_it_zero_gradient() -> None:
    x = _arr(np.array([[1.0, 2.0], [3.0, 6.0]]))
    gamma = _arr(np.array([5.0, 5.0]))
    gamma.attach_grad()
    with autograd.record():
        y = nd.BatchNorm(x, gamma, nd.zeros(2, dtype="float64"), nd.zeros(2, dtype="float64"),
                         nd.ones(2, dtype="float64"), eps=0)
    y.backward()
    np.testing.assert_allclose(y.asnumpy(), [[-1, -1], [1, 1]])
    np.testing.assert_array_equal(gamma.grad.asnumpy(), [0, 0])


def test_batchnorm_output_mean_var_and_errors() -> None:
    x = nd.array([[1, 10], [3, 30]])
    with autograd.train_mode():
        _, mean, var = nd.BatchNorm(x, nd.ones(2), nd.zeros(2), nd.zeros(2), nd.ones(2),
                                    output_mean_var=True)
    np.testing.assert_allclose(mean.asnumpy(), [2, 20])
    np.testing.assert_allclose(var.asnumpy(), [1, 100])
    with pytest.raises(MXNetError, match=r"BatchNorm: gamma has shape \(3,\) but data of shape "
                       r"\(2, 2\) has 2 channels on axis 1"):
        nd.BatchNorm(x, nd.ones(3), nd.zeros(2), nd.zeros(2), nd.ones(2))



def test_layer_norm_and_instance_norm() -> None:
    rng = np.random.default_rng(12)
    v = rng.standard_normal((2, 3, 4))
    gamma, beta = rng.standard_normal(4), rng.standard_normal(4)
    y = nd.LayerNorm(_arr(v), _arr(gamma), _arr(beta)).asnumpy()
    ref = np.empty_like(v)
    for i, j in itertools.product(range(2), range(3)):
        row = v[i, j]
        ref[i, j] = (row - row.mean()) / math.sqrt(row.var() + 1e-5) * gamma + beta
    np.testing.assert_allclose(y, ref, **TOL)
    _, mean, std = nd.LayerNorm(_arr(v), _arr(gamma), _arr(beta), output_mean_var=True)
    assert mean.shape == std.shape == (2, 3, 1)
    np.testing.assert_allclose(std.asnumpy()[..., 0], np.sqrt(v.var(axis=-1) + 1e-5), **TOL)
    g3, b3 = rng.standard_normal(3), rng.standard_normal(3)
    y = nd.InstanceNorm(_arr(v), _arr(g3), _arr(b3)).asnumpy()
    for i, c in itertools.product(range(2), range(3)):
        row = v[i, c]
        want = (row - row.mean()) / math.sqrt(row.var() + 1e-3) * g3[c] + b3[c]
        np.testing.assert_allclose(y[i, c], want, **TOL)


# -- GroupNorm -----------------------------------------------------------------------------
def test_groupnorm_matches_naive_loops_per_group() -> None:
    rng = np.random.default_rng(3)
    v = rng.standard_normal((2, 6, 3, 2))
    gamma, beta = rng.standard_normal(3), rng.standard_normal(3)
    y = nd.GroupNorm(_arr(v), _arr(gamma), _arr(beta), num_groups=3).asnumpy()
    for i, grp in itertools.product(range(2), range(3)):
        block = v[i, 2 * grp:2 * grp + 2]
        want = (block - block.mean()) / math.sqrt(block.var() + 1e-5) * gamma[grp] + beta[grp]
        np.testing.assert_allclose(y[i, 2 * grp:2 * grp + 2], want, **TOL)


def test_groupnorm_channels_must_split_into_groups() -> None:
    with pytest.raises(MXNetError, match="divisible by num_groups: 5 channels, num_groups=2"):
        nd.GroupNorm(nd.ones((1, 5, 2)), nd.ones((2,)), nd.zeros((2,)), num_groups=2)
