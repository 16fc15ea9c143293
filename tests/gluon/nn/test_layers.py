"""gluon.nn layers: shapes, reprs, names, deferred initialization, train/predict behaviour."""

from __future__ import annotations

import math
import re
import warnings

import numpy as np
import pytest

import minigluon as mx
from minigluon import autograd, gluon, nd
from minigluon.gluon import nn
from minigluon.name import NameManager
from minigluon.ops import get as get_op

RNG = np.random.default_rng(0)


@pytest.fixture(autouse=True)
def _fresh_names():
    """Every test counts block names from 0 (``dense0_``), as in a fresh MXNet process."""
    with NameManager():
        yield


def _init(block, *inputs, init=None):
    block.initialize(init)
    return block(*inputs)


# -- shapes and weight shapes -----------------------------------------------------------------
def test_dense_shapes_flatten_and_not() -> None:
    d = nn.Dense(5)
    assert _init(d, nd.ones((2, 3, 4))).shape == (2, 5)
    assert d.weight.shape == (5, 12)
    d = nn.Dense(5, flatten=False)
    assert _init(d, nd.ones((2, 3, 4))).shape == (2, 3, 5)
    assert d.weight.shape == (5, 4)
    d = nn.Dense(2, use_bias=False, in_units=3)
    assert d.bias is None and list(d.params.keys()) == ["dense2_weight"]


@pytest.mark.parametrize("layer, x_shape, out_shape, w_shape", [
    (lambda: nn.Conv1D(4, 3), (2, 3, 10), (2, 4, 8), (4, 3, 3)),
    (lambda: nn.Conv1D(4, 3, strides=2, padding=1, dilation=2), (2, 3, 10), (2, 4, 4),
     (4, 3, 3)),
    (lambda: nn.Conv2D(16, 3, padding=1), (2, 3, 8, 8), (2, 16, 8, 8), (16, 3, 3, 3)),
    (lambda: nn.Conv2D(6, (3, 1), strides=(2, 1), groups=2), (1, 4, 9, 5), (1, 6, 4, 5),
     (6, 2, 3, 1)),
    (lambda: nn.Conv3D(2, 3, padding=(1, 0, 0)), (1, 1, 4, 5, 6), (1, 2, 4, 3, 4),
     (2, 1, 3, 3, 3)),
    (lambda: nn.Conv2DTranspose(8, 4, strides=2, padding=1), (1, 3, 5, 5), (1, 8, 10, 10),
     (3, 8, 4, 4)),
    (lambda: nn.Conv2DTranspose(4, 3, strides=2, output_padding=1, groups=2), (1, 2, 4, 4),
     (1, 4, 10, 10), (2, 2, 3, 3)),
    (lambda: nn.Conv1DTranspose(2, 2, strides=2), (1, 3, 5), (1, 2, 10), (3, 2, 2)),
])
def test_conv_shapes(layer, x_shape, out_shape, w_shape) -> None:
    conv = layer()
    assert _init(conv, nd.ones(x_shape)).shape == out_shape
    assert conv.weight.shape == w_shape
    assert conv.bias.shape == (out_shape[1],)


def test_conv_weight_shape_known_at_construction() -> None:
    assert nn.Conv2D(16, 3, in_channels=4, groups=2).weight.shape == (16, 2, 3, 3)
    assert nn.Conv2D(16, 3).weight.shape == (16, 0, 3, 3)
    assert nn.Conv2DTranspose(16, 3, in_channels=4, groups=2).weight.shape == (4, 8, 3, 3)
    assert nn.Conv2D(8, 3, layout="NHWC", in_channels=4).weight.shape == (8, 3, 3, 4)
    assert nn.Conv2D(8, (1, 5), strides=2).weight.shape == (8, 0, 1, 5)


def test_conv_argument_errors() -> None:
    with pytest.raises(ValueError, match="kernel_size must be a number or a list of 2 ints"):
        nn.Conv2D(4, (3, 3, 3))
    with pytest.raises(ValueError, match="padding must be a number or a list of 2 ints"):
        nn.Conv2D(4, 3, padding=(1, 1, 1))
    with pytest.raises(ValueError, match="only supports layout"):
        nn.Conv2D(4, 3, layout="NCW")
    with pytest.raises(ValueError, match="groups=3 must divide channels=4"):
        nn.Conv2D(4, 3, groups=3)


def _naive_conv2d(x, w, b, stride, pad, dilate, groups):
    n, _, h, wd = x.shape
    f, cg, kh, kw = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (pad[0], pad[0]), (pad[1], pad[1])))
    oh = (h + 2 * pad[0] - dilate[0] * (kh - 1) - 1) // stride[0] + 1
    ow = (wd + 2 * pad[1] - dilate[1] * (kw - 1) - 1) // stride[1] + 1
    out = np.zeros((n, f, oh, ow))
    fg = f // groups
    for o in range(f):
        g = o // fg
        for i in range(oh):
            for j in range(ow):
                patch = xp[:, g * cg:(g + 1) * cg,
                           i * stride[0]:i * stride[0] + dilate[0] * (kh - 1) + 1:dilate[0],
                           j * stride[1]:j * stride[1] + dilate[1] * (kw - 1) + 1:dilate[1]]
                out[:, o, i, j] = (patch * w[o]).sum(axis=(1, 2, 3)) + b[o]
    return out


def test_conv2d_matches_a_naive_loop_with_gradients() -> None:
    x = RNG.standard_normal((2, 4, 7, 6)).astype(np.float32)
    conv = nn.Conv2D(6, (3, 2), strides=(2, 1), padding=(1, 0), dilation=(1, 2), groups=2)
    conv.initialize(mx.init.Normal(1.0))
    xa = nd.array(x)
    xa.attach_grad()
    with autograd.record():
        y = conv(xa)
    w, b = conv.weight.data().asnumpy(), conv.bias.data().asnumpy()
    ref = _naive_conv2d(x, w, b, (2, 1), (1, 0), (1, 2), 2)
    np.testing.assert_allclose(y.asnumpy(), ref, rtol=1e-5, atol=1e-5)
    head = RNG.standard_normal(ref.shape).astype(np.float32)
    y.backward(nd.array(head))
    np.testing.assert_allclose(conv.bias.grad().asnumpy(), head.sum(axis=(0, 2, 3)),
                               rtol=1e-5, atol=1e-5)
    # weight gradient by finite differences of the naive loop (float64)
    eps = 1e-3
    for idx in [(0, 0, 0, 0), (5, 1, 2, 1), (3, 0, 1, 0)]:
        wp, wm = w.astype(np.float64).copy(), w.astype(np.float64).copy()
        wp[idx] += eps
        wm[idx] -= eps
        num = ((_naive_conv2d(x, wp, b, (2, 1), (1, 0), (1, 2), 2)
                - _naive_conv2d(x, wm, b, (2, 1), (1, 0), (1, 2), 2)) * head).sum() / (2 * eps)
        np.testing.assert_allclose(conv.weight.grad().asnumpy()[idx], num, rtol=1e-3,
                                   atol=1e-3)


def test_conv2d_transpose_is_the_adjoint_of_conv2d() -> None:
    # <conv(x), y> == <x, convT(y)> with the same weight: the definition of the transpose.
    x = RNG.standard_normal((1, 3, 6, 6)).astype(np.float32)
    y = RNG.standard_normal((1, 5, 3, 3)).astype(np.float32)
    conv = nn.Conv2D(5, 3, strides=2, padding=1, in_channels=3, use_bias=False)
    up = nn.Conv2DTranspose(3, 3, strides=2, padding=1, output_padding=1, in_channels=5,
                            use_bias=False)
    conv.initialize(mx.init.Normal(1.0))
    up.initialize()
    up.weight.set_data(conv.weight.data())
    lhs = (conv(nd.array(x)).asnumpy() * y).sum()
    rhs = (x * up(nd.array(y)).asnumpy()).sum()
    assert math.isclose(lhs, rhs, rel_tol=1e-4)


def test_pooling_shapes_and_values() -> None:
    x = nd.arange(16).reshape((1, 1, 4, 4))
    np.testing.assert_array_equal(nn.MaxPool2D()(x).asnumpy()[0, 0], [[5, 7], [13, 15]])
    np.testing.assert_array_equal(nn.AvgPool2D()(x).asnumpy()[0, 0], [[2.5, 4.5],
                                                                      [10.5, 12.5]])
    assert nn.MaxPool2D(3, strides=2)(nd.ones((1, 2, 7, 7))).shape == (1, 2, 3, 3)
    assert nn.MaxPool2D(2, ceil_mode=True)(nd.ones((1, 1, 5, 5))).shape == (1, 1, 3, 3)
    assert nn.MaxPool2D(2)(nd.ones((1, 1, 5, 5))).shape == (1, 1, 2, 2)
    assert nn.MaxPool1D(2)(nd.ones((2, 3, 9))).shape == (2, 3, 4)
    assert nn.AvgPool1D(3, strides=1, padding=1)(nd.ones((2, 3, 9))).shape == (2, 3, 9)
    assert nn.MaxPool3D()(nd.ones((1, 1, 4, 4, 4))).shape == (1, 1, 2, 2, 2)
    for cls, n in [(nn.GlobalMaxPool1D, 1), (nn.GlobalAvgPool1D, 1), (nn.GlobalMaxPool2D, 2),
                   (nn.GlobalAvgPool2D, 2), (nn.GlobalAvgPool3D, 3)]:
        out = cls()(nd.array(RNG.standard_normal((2, 3) + (5,) * n)))
        assert out.shape == (2, 3) + (1,) * n
    v = RNG.standard_normal((2, 3, 4, 5)).astype(np.float32)
    np.testing.assert_allclose(nn.GlobalAvgPool2D()(nd.array(v)).asnumpy()[..., 0, 0],
                               v.mean(axis=(2, 3)), rtol=1e-6)
    np.testing.assert_allclose(nn.GlobalMaxPool2D()(nd.array(v)).asnumpy()[..., 0, 0],
                               v.max(axis=(2, 3)))


def test_avg_pool_count_include_pad() -> None:
    x = nd.ones((1, 1, 2, 2))
    with_pad = nn.AvgPool2D(2, padding=1)(x).asnumpy()[0, 0]
    without = nn.AvgPool2D(2, padding=1, count_include_pad=False)(x).asnumpy()[0, 0]
    np.testing.assert_allclose(with_pad, np.full((2, 2), 0.25))
    np.testing.assert_allclose(without, np.ones((2, 2)))


def test_pooling_kwargs() -> None:
    pool = nn.MaxPool2D(3, strides=1, padding=1, ceil_mode=True)
    assert pool._kwargs["pooling_convention"] == "full"
    assert pool._kwargs["stride"] == (1, 1) and pool._kwargs["pad"] == (1, 1)
    assert nn.MaxPool2D(2)._kwargs["stride"] == (2, 2)  # strides default to pool_size
    assert "count_include_pad" not in nn.MaxPool2D()._kwargs
    assert nn.AvgPool2D(count_include_pad=False)._kwargs["count_include_pad"] is False


def test_flatten_embedding_identity_shapes() -> None:
    assert nn.Flatten()(nd.ones((2, 3, 4, 5))).shape == (2, 60)
    emb = nn.Embedding(10, 4)
    out = _init(emb, nd.array([[1, 2, 3], [4, 5, 9]]))
    assert out.shape == (2, 3, 4)
    np.testing.assert_array_equal(out.asnumpy()[1, 2], emb.weight.data().asnumpy()[9])
    x = nd.ones((2, 3))
    assert nn.Identity()(x) is x


# -- reprs ------------------------------------------------------------------------------------
def test_reprs() -> None:
    conv = nn.Conv2D(16, kernel_size=3, padding=1)
    assert repr(conv) == ("Conv2D(None -> 16, kernel_size=(3, 3), stride=(1, 1), "
                          "padding=(1, 1))")
    _init(conv, nd.ones((1, 3, 4, 4)))
    assert repr(conv) == "Conv2D(3 -> 16, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))"
    assert repr(nn.Conv2D(8, 3, strides=2, dilation=2, groups=2, use_bias=False,
                          activation="relu", in_channels=4)) == (
        "Conv2D(2 -> 8, kernel_size=(3, 3), stride=(2, 2), dilation=(2, 2), groups=2, "
        "bias=False, Activation(relu))")
    assert repr(nn.Conv1D(4, 3)) == "Conv1D(None -> 4, kernel_size=(3,), stride=(1,))"
    assert repr(nn.Conv2DTranspose(8, 4, strides=2, output_padding=1, in_channels=3)) == (
        "Conv2DTranspose(3 -> 8, kernel_size=(4, 4), stride=(2, 2), output_padding=(1, 1))")
    assert repr(nn.MaxPool2D()) == ("MaxPool2D(size=(2, 2), stride=(2, 2), padding=(0, 0), "
                                    "ceil_mode=False, global_pool=False, pool_type=max, "
                                    "layout=NCHW)")
    assert repr(nn.AvgPool1D(3, 1, 1, ceil_mode=True)) == (
        "AvgPool1D(size=(3,), stride=(1,), padding=(1,), ceil_mode=True, global_pool=False, "
        "pool_type=avg, layout=NCW)")
    assert repr(nn.GlobalAvgPool2D()) == (
        "GlobalAvgPool2D(size=(1, 1), stride=(1, 1), padding=(0, 0), ceil_mode=True, "
        "global_pool=True, pool_type=avg, layout=NCHW)")
    assert repr(nn.BatchNorm()) == ("BatchNorm(axis=1, eps=1e-05, momentum=0.9, "
                                    "fix_gamma=False, use_global_stats=False, "
                                    "in_channels=None)")
    assert repr(nn.BatchNorm(scale=False, in_channels=3)) == (
        "BatchNorm(axis=1, eps=1e-05, momentum=0.9, fix_gamma=True, use_global_stats=False, "
        "in_channels=3)")
    assert repr(nn.LayerNorm()) == ("LayerNorm(eps=1e-05, axis=-1, center=True, scale=True, "
                                    "in_channels=0)")
    assert repr(nn.InstanceNorm(in_channels=2)) == (
        "InstanceNorm(eps=1e-05, axis=1, center=True, scale=False, in_channels=2)")
    assert repr(nn.Dropout(0.5)) == "Dropout(p = 0.5, axes=())"
    assert repr(nn.Dropout(0.2, axes=(1,))) == "Dropout(p = 0.2, axes=(1,))"
    assert repr(nn.Embedding(10, 3)) == "Embedding(10 -> 3, float32)"
    assert repr(nn.Flatten()) == "Flatten"
    assert repr(nn.Lambda("tanh")) == "Lambda(tanh)"
    assert repr(nn.HybridLambda("tanh")) == "HybridLambda(tanh)"
    assert repr(nn.Lambda(lambda x: x)) == "Lambda(<lambda>)"
    assert repr(nn.Activation("relu")) == "Activation(relu)"
    assert repr(nn.LeakyReLU(0.1)) == "LeakyReLU(0.1)"
    assert repr(nn.Dense(10)) == "Dense(None -> 10, linear)"
    assert repr(nn.Dense(10, activation="relu", in_units=20)) == \
        "Dense(20 -> 10, Activation(relu))"
    net = nn.HybridSequential()
    net.add(nn.Conv2D(4, 3), nn.BatchNorm(), nn.Activation("relu"), nn.MaxPool2D(2))
    assert repr(net) == (
        "HybridSequential(\n"
        "  (0): Conv2D(None -> 4, kernel_size=(3, 3), stride=(1, 1))\n"
        "  (1): BatchNorm(axis=1, eps=1e-05, momentum=0.9, fix_gamma=False, "
        "use_global_stats=False, in_channels=None)\n"
        "  (2): Activation(relu)\n"
        "  (3): MaxPool2D(size=(2, 2), stride=(2, 2), padding=(0, 0), ceil_mode=False, "
        "global_pool=False, pool_type=max, layout=NCHW)\n)")


# -- names ------------------------------------------------------------------------------------
def test_prefix_counters_and_aliases() -> None:
    assert nn.Dense(2).prefix == "dense0_"
    assert nn.Dense(2).prefix == "dense1_"
    assert nn.Conv2D(2, 3).prefix == "conv0_"
    assert nn.Conv2DTranspose(2, 3).prefix == "conv1_"  # _Conv's alias is 'conv'
    assert nn.Conv1D(2, 3).prefix == "conv2_"
    assert nn.MaxPool2D().prefix == "pool0_"
    assert nn.GlobalAvgPool2D().prefix == "pool1_"
    assert nn.BatchNorm().prefix == "batchnorm0_"
    assert nn.Activation("relu").prefix == "relu0_"
    assert nn.Activation("tanh").prefix == "tanh0_"
    assert nn.Dropout(0.5).prefix == "dropout0_"
    assert nn.LeakyReLU(0.1).prefix == "leakyrelu0_"
    assert nn.HybridSequential().prefix == "hybridsequential0_"
    bn = nn.BatchNorm()
    assert list(bn.params.keys()) == ["batchnorm1_gamma", "batchnorm1_beta",
                                      "batchnorm1_running_mean", "batchnorm1_running_var"]
    conv = nn.Conv2D(4, 3, activation="relu")
    assert conv.act.prefix == "conv3_relu_"
    assert list(conv.params.keys()) == ["conv3_weight", "conv3_bias"]
    assert list(nn.PReLU().params.keys()) == ["prelu0_alpha"]
    assert list(nn.Embedding(3, 2).params.keys()) == ["embedding0_weight"]


def test_name_scope_nesting() -> None:
    class Model(gluon.HybridBlock):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            with self.name_scope():
                self.features = nn.HybridSequential()
                with self.features.name_scope():
                    self.features.add(nn.Conv2D(4, 3), nn.BatchNorm())
                self.out = nn.Dense(2)

        def hybrid_forward(self, F, x):
            return self.out(self.features(x))

    m = Model()
    assert m.prefix == "model0_"
    assert m.features.prefix == "model0_hybridsequential0_"
    assert m.features[0].prefix == "model0_hybridsequential0_conv0_"
    assert m.features[1].prefix == "model0_hybridsequential0_batchnorm0_"
    assert m.out.prefix == "model0_dense0_"
    assert Model().features[0].prefix == "model1_hybridsequential0_conv0_"  # per-parent counters
    outside = nn.Dense(2)  # created outside any scope: a global name
    assert outside.prefix == "dense0_"
    names = list(m.collect_params().keys())
    assert names[:2] == ["model0_hybridsequential0_conv0_weight",
                         "model0_hybridsequential0_conv0_bias"]
    assert "model0_dense0_weight" in names
    empty = nn.HybridSequential(prefix="")
    with empty.name_scope():  # a no-op for prefix ''
        empty.add(nn.Dense(1))
    assert empty[0].prefix == "dense1_"


# -- deferred initialization -------------------------------------------------------------------
def test_deferred_init_from_first_input() -> None:
    net = nn.HybridSequential()
    net.add(nn.Conv2D(4, 3, padding=1), nn.BatchNorm(), nn.PReLU(), nn.MaxPool2D(),
            nn.Flatten(), nn.Dense(5), nn.LayerNorm(), nn.Dense(2, flatten=False))
    net.initialize()
    with pytest.raises(gluon.parameter.DeferredInitializationError, match="conv0_weight"):
        net[0].weight.data()
    assert net(nd.ones((2, 3, 6, 6))).shape == (2, 2)
    assert net[0].weight.shape == (4, 3, 3, 3)
    assert [net[1].params[k].shape for k in net[1].params] == [(4,)] * 4
    assert net[5].weight.shape == (5, 36)
    assert net[6].gamma.shape == (5,) and net[6].beta.shape == (5,)
    assert net[7].weight.shape == (2, 5)


def test_deferred_init_of_norm_layers_follows_the_axis() -> None:
    bn = nn.BatchNorm(axis=-1)
    assert _init(bn, nd.ones((2, 3, 7))).shape == (2, 3, 7)
    assert bn.gamma.shape == (7,)
    inst = nn.InstanceNorm(axis=2)
    assert _init(inst, nd.array(RNG.standard_normal((2, 3, 4, 5)))).shape == (2, 3, 4, 5)
    assert inst.beta.shape == (4,)
    ln = nn.LayerNorm(axis=1)
    _init(ln, nd.ones((2, 6, 3)))
    assert ln.gamma.shape == (6,)


def test_deferred_init_reports_layer_path_and_input_shape() -> None:
    net = nn.HybridSequential()
    net.add(nn.Dense(4), nn.Dense(3))
    net.initialize()
    net(nd.ones((2, 5)))
    with pytest.raises(mx.MXNetError) as err:
        net(nd.ones((2, 7)))  # the first layer was sized for 5 features
    msg = str(err.value)
    assert "in block 0 (Dense 'dense0')" in msg and "(2, 7)" in msg


def test_nn_ops_have_parameter_shape_rules() -> None:
    for name in ["FullyConnected", "Convolution", "Deconvolution", "BatchNorm", "Embedding",
                 "LeakyReLU", "LayerNorm", "InstanceNorm"]:
        assert get_op(name).args_fn is not None, name
    fc = get_op("FullyConnected")
    assert fc.infer_args((2, 3, 4), None, None, num_hidden=5) == [(2, 3, 4), (5, 12), (5,)]
    assert fc.infer_args((2, 3, 4), None, num_hidden=5, flatten=False)[1] == (5, 4)
    conv = get_op("Convolution")
    assert conv.infer_args((1, 4, 8, 8), None, None, kernel=(3, 3), num_filter=6,
                           num_group=2)[1:] == [(6, 2, 3, 3), (6,)]
    deconv = get_op("Deconvolution")
    assert deconv.infer_args((1, 4, 8, 8), None, kernel=(2, 2), num_filter=6,
                             num_group=2)[1] == (4, 3, 2, 2)
    assert get_op("BatchNorm").infer_args((2, 3, 5), None, None, None, None, axis=2)[1:] == \
        [(5,)] * 4
    assert get_op("LeakyReLU").infer_args((2, 7, 3), None, act_type="prelu")[1] == (7,)
    assert get_op("Embedding").infer_args((4,), None, input_dim=10, output_dim=3)[1] == (10, 3)


# -- BatchNorm ---------------------------------------------------------------------------------
X_BN = RNG.standard_normal((4, 3, 2, 2)).astype(np.float32) * 2 + 1


def test_batchnorm_training_uses_batch_stats_and_updates_running_stats() -> None:
    bn = nn.BatchNorm(momentum=0.8)
    bn.initialize()
    with autograd.record():
        y = bn(nd.array(X_BN))
    mean = X_BN.mean(axis=(0, 2, 3))
    var = X_BN.var(axis=(0, 2, 3))  # biased
    ref = (X_BN - mean[None, :, None, None]) / np.sqrt(var[None, :, None, None] + 1e-5)
    np.testing.assert_allclose(y.asnumpy(), ref, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(bn.running_mean.data().asnumpy(), 0.2 * mean, rtol=1e-5)
    np.testing.assert_allclose(bn.running_var.data().asnumpy(), 0.8 + 0.2 * var, rtol=1e-5)


def test_batchnorm_predict_uses_running_stats_and_does_not_update() -> None:
    bn = nn.BatchNorm(in_channels=3)
    bn.initialize()
    bn.running_mean.set_data(nd.array([1, 2, 3]))
    bn.running_var.set_data(nd.array([4, 1, 0.25]))
    bn.gamma.set_data(nd.array([2, 2, 2]))
    bn.beta.set_data(nd.array([1, 0, -1]))
    y = bn(nd.array(X_BN))  # not recording: predict mode
    rm, rv = np.array([1, 2, 3.0]), np.array([4, 1, 0.25])
    g, b = np.array([2, 2, 2.0]), np.array([1, 0, -1.0])
    s = (slice(None), None, None)
    ref = (X_BN - rm[s]) / np.sqrt(rv[s] + 1e-5) * g[s] + b[s]
    np.testing.assert_allclose(y.asnumpy(), ref, rtol=1e-4, atol=1e-4)
    np.testing.assert_allclose(bn.running_mean.data().asnumpy(), rm)
    with autograd.record(train_mode=False):
        bn(nd.array(X_BN))
    np.testing.assert_allclose(bn.running_mean.data().asnumpy(), rm)
    frozen = nn.BatchNorm(use_global_stats=True, in_channels=3)
    frozen.initialize()
    with autograd.record():
        out = frozen(nd.array(X_BN))
    np.testing.assert_allclose(out.asnumpy(), X_BN / np.sqrt(1 + 1e-5), rtol=1e-5)
    np.testing.assert_allclose(frozen.running_mean.data().asnumpy(), np.zeros(3))


def test_batchnorm_parameters_and_gradients() -> None:
    bn = nn.BatchNorm(in_channels=3)
    bn.initialize()
    assert bn.running_mean.grad_req == "null" and bn.running_var.grad_req == "null"
    assert bn.gamma.grad_req == "write" and bn.beta.grad_req == "write"
    head = RNG.standard_normal(X_BN.shape).astype(np.float32)
    with autograd.record():
        y = bn(nd.array(X_BN))
    y.backward(nd.array(head))
    np.testing.assert_allclose(bn.beta.grad().asnumpy(), head.sum(axis=(0, 2, 3)), rtol=1e-5)
    xhat = y.asnumpy()  # gamma 1, beta 0
    np.testing.assert_allclose(bn.gamma.grad().asnumpy(), (head * xhat).sum(axis=(0, 2, 3)),
                               rtol=1e-4, atol=1e-5)
    fixed = nn.BatchNorm(scale=False, center=False, in_channels=3)
    fixed.initialize()
    assert fixed.gamma.grad_req == "null" and fixed.beta.grad_req == "null"
    fixed.gamma.set_data(nd.array([5, 5, 5]))  # ignored: fix_gamma
    with autograd.record():
        out = fixed(nd.array(X_BN))
    assert abs(out.asnumpy().std() - 1) < 1e-2


def test_batchnorm_cast_keeps_float32_for_float16() -> None:
    net = nn.HybridSequential()
    net.add(nn.Dense(3, in_units=2), nn.BatchNorm(in_channels=3))
    net.initialize()
    net.cast("float16")
    assert net[0].weight.data().dtype == np.float16
    assert net[1].gamma.data().dtype == np.float32
    assert net[1].running_var.data().dtype == np.float32


# -- Dropout -----------------------------------------------------------------------------------
def test_dropout_only_in_training() -> None:
    drop = nn.Dropout(0.5)
    x = nd.ones((200, 50))
    np.testing.assert_array_equal(drop(x).asnumpy(), x.asnumpy())
    with autograd.record(train_mode=False):
        np.testing.assert_array_equal(drop(x).asnumpy(), x.asnumpy())
    with autograd.record():
        y = drop(x).asnumpy()
    assert set(np.unique(y)) == {0.0, 2.0}
    assert 0.4 < (y == 0).mean() < 0.6
    with autograd.train_mode():
        assert (drop(x).asnumpy() == 0).any()
    with autograd.record():
        z = nn.Dropout(0.0)(x)
    np.testing.assert_array_equal(z.asnumpy(), x.asnumpy())


def test_dropout_shared_axes_and_gradient() -> None:
    x = nd.ones((100, 8))
    x.attach_grad()
    with autograd.record():
        y = nn.Dropout(0.5, axes=(1,))(x)
    rows = y.asnumpy()
    assert all(len(set(r)) == 1 for r in rows)  # one mask value per row
    y.backward()
    np.testing.assert_array_equal(x.grad.asnumpy(), rows)  # d(x*m/(1-p))/dx = m/(1-p)


# -- activations -------------------------------------------------------------------------------
def test_activation_values() -> None:
    v = np.array([-2.0, -0.5, 0.0, 0.5, 3.0], dtype=np.float32)
    x = nd.array(v)
    np.testing.assert_allclose(nn.LeakyReLU(0.1)(x).asnumpy(), np.where(v > 0, v, 0.1 * v))
    np.testing.assert_allclose(nn.ELU(0.5)(x).asnumpy(),
                               np.where(v > 0, v, 0.5 * (np.exp(v) - 1)), rtol=1e-6)
    scale, alpha = 1.0507009873554804934193349852946, 1.6732632423543772848170429916717
    np.testing.assert_allclose(nn.SELU()(x).asnumpy(),
                               scale * np.where(v > 0, v, alpha * (np.exp(v) - 1)), rtol=1e-5)
    phi = 0.5 * (1 + np.array([math.erf(t / math.sqrt(2)) for t in v]))
    np.testing.assert_allclose(nn.GELU()(x).asnumpy(), v * phi, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(nn.Swish(2.0)(x).asnumpy(), v / (1 + np.exp(-2 * v)),
                               rtol=1e-5, atol=1e-7)


def test_leaky_relu_rejects_negative_alpha() -> None:
    with pytest.raises(ValueError, match="Slope coefficient for LeakyReLU must be no less than"):
        nn.LeakyReLU(-0.1)


def test_prelu_learns_alpha() -> None:
    act = nn.PReLU()
    act.initialize()
    x = nd.array([-2.0, -1.0, 3.0])
    with autograd.record():
        y = act(x)
    np.testing.assert_allclose(y.asnumpy(), [-0.5, -0.25, 3.0])
    y.backward()
    np.testing.assert_allclose(act.alpha.grad().asnumpy(), [-3.0])
    per_channel = nn.PReLU(alpha_initializer=mx.init.Constant(0.5), in_channels=2)
    per_channel.initialize()
    out = per_channel(nd.array([[[-2.0], [-4.0]]]))
    np.testing.assert_allclose(out.asnumpy(), [[[-1.0], [-2.0]]])


# -- Lambda / HybridLambda ---------------------------------------------------------------------
def test_lambdas() -> None:
    x = nd.array([-1.0, 2.0])
    np.testing.assert_allclose(nn.Lambda("relu")(x).asnumpy(), [0, 2])
    np.testing.assert_allclose(nn.Lambda(lambda a, b: a * b)(x, x).asnumpy(), [1, 4])
    np.testing.assert_allclose(nn.HybridLambda("relu")(x).asnumpy(), [0, 2])
    block = nn.HybridLambda(lambda F, a: F.LeakyReLU(a, slope=0.1))
    np.testing.assert_allclose(block(x).asnumpy(), [-0.1, 2], rtol=1e-6)
    with pytest.raises(ValueError, match=re.escape("Function name nosuchop is not found in "
                                                   "ndarray.")):
        nn.Lambda("nosuchop")
    with pytest.raises(ValueError, match="Unrecognized function in lambda"):
        nn.HybridLambda(3)
    assert isinstance(nn.Lambda("relu"), gluon.Block)
    assert not isinstance(nn.Lambda("relu"), gluon.HybridBlock)
    assert isinstance(nn.HybridLambda("relu"), gluon.HybridBlock)


# -- BlockList / BlockDict ---------------------------------------------------------------------
class _Tower(gluon.HybridBlock):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        with self.name_scope():
            self.blocks = nn.BlockList([nn.Dense(4), nn.Dense(4)])
            self.heads = nn.BlockDict({"cls": nn.Dense(3), "box": nn.Dense(2)})

    def hybrid_forward(self, F, x):
        for block in self.blocks:
            x = block(x)
        return self.heads["cls"](x), self.heads["box"](x)


def test_blocklist_blockdict_register_and_save_keys(tmp_path) -> None:
    net = _Tower()
    net.initialize()
    cls, box = net(nd.ones((2, 5)))
    assert cls.shape == (2, 3) and box.shape == (2, 2)
    keys = sorted(net._collect_params_with_prefix())
    assert keys == ["blocks.0.bias", "blocks.0.weight", "blocks.1.bias", "blocks.1.weight",
                    "heads.box.bias", "heads.box.weight", "heads.cls.bias", "heads.cls.weight"]
    assert len(net.collect_params()) == 8
    assert "_tower0_dense0_weight" in net.collect_params()  # built in _Tower's scope
    path = str(tmp_path / "tower.params")
    net.save_parameters(path)
    assert sorted(nd.load(path)) == keys
    other = _Tower()
    other.load_parameters(path)
    np.testing.assert_array_equal(other.heads["box"].weight.data().asnumpy(),
                                  net.heads["box"].weight.data().asnumpy())


def test_blocklist_api() -> None:
    a, b, c = nn.Dense(1), nn.Dense(2), nn.Flatten()
    blocks = nn.BlockList([a, b])
    assert len(blocks) == 2 and blocks[0] is a and blocks[-1] is b and list(blocks) == [a, b]
    blocks.insert(1, c)
    assert list(blocks) == [a, c, b] and list(blocks._children) == ["0", "1", "2"]
    blocks[1] = nn.Identity()
    assert isinstance(blocks[1], nn.Identity)
    del blocks[0]
    assert list(blocks) == [blocks[0], b] and list(blocks._children) == ["0", "1"]
    part = blocks[1:]
    assert isinstance(part, nn.BlockList) and part[0] is b
    blocks.append(a).extend([c])
    assert len(blocks) == 4
    plain = nn.BlockList([nn.Lambda("relu")])  # any Block may be held
    assert isinstance(plain[0], nn.Lambda)
    with pytest.raises(TypeError, match="holds Blocks"):
        blocks.append("dense")
    with pytest.raises(TypeError, match="container and cannot be called"):
        blocks(nd.ones((1, 1)))
    assert repr(nn.BlockList([nn.Flatten()])) == "BlockList(\n  (0): Flatten\n)"


def test_blockdict_api() -> None:
    d = nn.BlockDict()
    d["a"] = nn.Dense(1)
    d.update({"b": nn.Flatten()})
    assert list(d) == ["a", "b"] and "a" in d and len(d) == 2
    assert list(d.keys()) == ["a", "b"] and [k for k, _ in d.items()] == ["a", "b"]
    assert isinstance(d.pop("b"), nn.Flatten) and list(d.values()) == [d["a"]]
    del d["a"]
    assert len(d) == 0
    with pytest.raises(ValueError, match=re.escape("contain no '.'")):
        d["x.y"] = nn.Dense(1)
    with pytest.raises(TypeError, match="keys must be strings"):
        d[1] = nn.Dense(1)
    with pytest.raises(KeyError):
        d["missing"]


def test_containers_do_not_warn_and_summary_skips_them(capsys) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        net = _Tower()
        net.collect_params()
    net.initialize()
    net.summary(nd.ones((1, 5)))
    out = capsys.readouterr().out
    assert "BlockList" not in out and "BlockDict" not in out and "Dense-4" in out


# -- the list-of-blocks warning ----------------------------------------------------------------
_WARNING = ('"{}" is an unregistered container with Blocks. Note that Blocks inside the list, '
            "tuple or dict will not be registered automatically. Make sure to register them "
            "using register_child() or switching to nn.Sequential/nn.HybridSequential instead. ")


def test_list_of_blocks_warns_at_assignment_and_at_collect_params() -> None:
    class Net(gluon.Block):
        def __init__(self):
            super().__init__()
            self.layers = [nn.Dense(2), nn.Dense(3)]

        def forward(self, x):
            return x

    with pytest.warns(UserWarning) as record:
        net = Net()
    assert str(record[0].message) == _WARNING.format("Net.layers")
    assert record[0].filename == __file__  # points at the assignment
    with pytest.warns(UserWarning) as record:
        params = net.collect_params()
    assert str(record[0].message) == _WARNING.format("Net.layers")
    assert len(params) == 0
    with pytest.warns(UserWarning, match='"Net.heads" is an unregistered container'):
        net.heads = {"a": nn.Dense(1)}


def _same_hybridized(layer: gluon.HybridBlock, x: nd.NDArray) -> nd.NDArray:
    """Output of ``layer`` imperatively and hybridized (checked equal, gradients too)."""
    results = []
    for hybrid in (False, True):
        layer.hybridize(active=hybrid)
        xi = x.copy()
        xi.attach_grad()
        with autograd.record():
            y = layer(xi)
        y.backward(nd.ones_like(y) * nd.arange(y.size).reshape(y.shape))
        results.append((y.asnumpy(), xi.grad.asnumpy()))
    for a, b in zip(*results):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    return y


def test_groupnorm_layer_normalizes_each_group_of_each_sample() -> None:
    layer = nn.GroupNorm(num_groups=2, gamma_initializer=mx.init.Constant(2))
    layer.initialize()
    x = nd.array(np.random.default_rng(0).normal(size=(3, 4, 5)))
    y = _same_hybridized(layer, x).asnumpy()
    group = y[:, :2].reshape(3, -1)
    np.testing.assert_allclose(group.mean(axis=1), 0, atol=1e-5)
    np.testing.assert_allclose(group.std(axis=1), 2, rtol=1e-3)
    assert [p.shape for p in layer.collect_params().values()] == [(2,), (2,)]
    with pytest.raises(mx.MXNetError, match="divisible by num_groups"):
        layer(nd.ones((1, 3, 2)))


def test_reflection_pad_mirrors_without_repeating_the_border() -> None:
    x = nd.arange(12).reshape((1, 1, 3, 4))
    y = _same_hybridized(nn.ReflectionPad2D(2), x).asnumpy()
    np.testing.assert_array_equal(y[0, 0], np.pad(x.asnumpy()[0, 0], 2, mode="reflect"))
    y = nn.ReflectionPad2D((0, 0, 0, 0, 1, 0, 0, 2))(x)
    assert y.shape == (1, 1, 4, 6)
    with pytest.raises(ValueError, match="padding must be an int or 8 ints"):
        nn.ReflectionPad2D((1, 1))


@pytest.mark.parametrize("layer, shape", [
    (lambda: nn.MaxPool1D(3, 2, layout="NWC"), (2, 9, 3)),
    (lambda: nn.AvgPool2D(count_include_pad=False, padding=1, layout="NHWC"), (1, 6, 5, 2)),
    (lambda: nn.GlobalMaxPool3D(layout="NDHWC"), (1, 3, 4, 2, 2)),
    (lambda: nn.MaxPool2D(3, ceil_mode=True, layout="NHWC"), (2, 10, 10, 2)),
])
def test_channels_last_pooling_layers_match_channels_first(layer, shape) -> None:
    x = nd.array(np.random.default_rng(1).normal(size=shape))
    n = len(shape)
    to_first, to_last = (0, n - 1, *range(1, n - 1)), (0, *range(2, n), 1)
    y = _same_hybridized(layer(), x)
    first = layer()
    first._kwargs["layout"] = None
    ref = first(nd.array(x.asnumpy().transpose(to_first)))
    np.testing.assert_allclose(y.asnumpy(), ref.asnumpy().transpose(to_last), rtol=1e-6)


def test_channels_last_conv_layers_infer_in_channels_and_match_channels_first() -> None:
    x = nd.array(np.random.default_rng(5).normal(size=(2, 6, 5, 3)))
    last = nn.Conv2D(4, (3, 2), padding=1, layout="NHWC", activation="relu")
    last.initialize()
    y = _same_hybridized(last, x)
    assert last.weight.shape == (4, 3, 2, 3)  # OHWI, in_channels inferred from the last axis
    first = nn.Conv2D(4, (3, 2), padding=1, in_channels=3, activation="relu")
    first.initialize()
    first.weight.set_data(last.weight.data().transpose((0, 3, 1, 2)))
    first.bias.set_data(last.bias.data())
    ref = first(nd.array(x.asnumpy().transpose(0, 3, 1, 2)))
    np.testing.assert_allclose(y.asnumpy(), ref.asnumpy().transpose(0, 2, 3, 1), rtol=1e-5,
                               atol=1e-6)
    with autograd.predict_mode():  # the inference plan (fused kernels) takes the layout too
        last.hybridize()
        np.testing.assert_allclose(last(x).asnumpy(), y.asnumpy(), rtol=1e-5, atol=1e-6)
