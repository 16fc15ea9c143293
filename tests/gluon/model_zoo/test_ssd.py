"""The Toy SSD of straight-dope's object-detection chapter, TinySSD and FeatureExpander.

Shape facts are the outputs printed in the tutorial notebook; the tutorial's code runs through
``minigluon.gluon.model_zoo.ssd`` (which keeps the tutorial's definitions verbatim).
"""

from __future__ import annotations

import os

import numpy as np
import pytest

import minigluon as mx
from minigluon import autograd, gluon, nd, sym
from minigluon.base import MXNetError
from minigluon.gluon import nn
from minigluon.gluon.data.vision import SyntheticDetection
from minigluon.gluon.model_zoo import ssd
from minigluon.gluon.model_zoo.ssd import (
    FeatureExpander,
    FocalLoss,
    SmoothL1Loss,
    TinySSD,
    ToySSD,
    body,
    box_predictor,
    class_predictor,
    concat_predictions,
    down_sample,
    flatten_prediction,
    training_targets,
)


# -- the tutorial's shape facts ---------------------------------------------------------------
def test_predictor_and_down_sample_shapes() -> None:
    x = nd.zeros((2, 3, 20, 20))
    cls_pred = class_predictor(5, 10)
    cls_pred.initialize()
    assert cls_pred(x).shape == (2, 55, 20, 20)
    box_pred = box_predictor(10)
    box_pred.initialize()
    assert box_pred(x).shape == (2, 40, 20, 20)
    blk = down_sample(10)
    blk.initialize()
    assert blk(x).shape == (2, 10, 10, 10)


def test_flatten_and_concat_shapes() -> None:
    feat1 = nd.zeros((2, 8, 20, 20))
    cls_pred1 = class_predictor(5, 10)
    cls_pred1.initialize()
    y1 = cls_pred1(feat1)
    ds = down_sample(16)
    ds.initialize()
    feat2 = ds(feat1)
    cls_pred2 = class_predictor(3, 10)
    cls_pred2.initialize()
    y2 = cls_pred2(feat2)
    assert (y1.shape, y2.shape) == ((2, 55, 20, 20), (2, 33, 10, 10))
    flat_y1, flat_y2 = flatten_prediction(y1), flatten_prediction(y2)
    assert (flat_y1.shape, flat_y2.shape) == ((2, 22000), (2, 3300))
    assert concat_predictions([flat_y1, flat_y2]).shape == (2, 25300)


def test_flatten_is_channels_last() -> None:
    pred = nd.array(np.arange(2 * 3 * 2 * 2).reshape(2, 3, 2, 2))
    flat = flatten_prediction(pred).asnumpy()
    np.testing.assert_array_equal(flat, pred.asnumpy().transpose(0, 2, 3, 1).reshape(2, -1))


def test_body_shape() -> None:
    bnet = body()
    bnet.initialize()
    assert bnet(nd.zeros((2, 3, 256, 256))).shape == (2, 64, 32, 32)


def test_toy_ssd_outputs_and_anchors() -> None:
    net = ToySSD(2)
    net.initialize()
    anchors, class_predictions, box_predictions = net(nd.zeros((1, 3, 256, 256)))
    assert anchors.shape == (1, 5444, 4)
    assert class_predictions.shape == (1, 5444, 3)
    assert box_predictions.shape == (1, 21776)
    # the notebook's first and last anchors
    a = anchors.asnumpy()[0]
    np.testing.assert_allclose(a[0], [-0.084375, -0.084375, 0.115625, 0.115625], atol=1e-6)
    np.testing.assert_allclose(a[1], [-0.120375, -0.120375, 0.151625, 0.151625], atol=1e-6)
    np.testing.assert_allclose(a[-1], [0.18887302, -0.12225395, 0.81112695, 1.12225389],
                               atol=1e-6)


def test_toy_ssd_tuple_assignment_registers_all_modules() -> None:
    net = ToySSD(2, prefix="ssd_")
    assert list(net._children) == ["body", "downsamples", "class_preds", "box_preds"]
    assert isinstance(net.downsamples, nn.Sequential)
    params = net.collect_params()
    assert all(name.startswith("ssd_") for name in params)
    # 3 stages in the body and 3 extra, 2 convolutions each; 5 class and 5 box predictors
    weights = [n for n in params if n.endswith("weight") and "conv" in n]
    assert len(weights) == 6 * 2 + 5 + 5


def test_toy_ssd_hybridize_compiles_children() -> None:
    net = ToySSD(2)
    net.initialize()
    x = nd.random.uniform(shape=(1, 3, 64, 64))
    before = [y.asnumpy() for y in net(x)]
    with pytest.warns(UserWarning, match="Consider using HybridSequential"):
        net.hybridize()
    after = [y.asnumpy() for y in net(x)]
    assert net.body._active and net.class_preds[0]._active
    for b, a in zip(before, after):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-5)


def test_toy_ssd_save_and_load(tmp_path) -> None:
    net = ToySSD(2)
    net.initialize(mx.init.Xavier(magnitude=2))
    x = nd.random.uniform(shape=(1, 3, 64, 64))
    y = net(x)[1].asnumpy()
    path = os.path.join(tmp_path, "ssd.params")
    net.save_parameters(path)
    other = ToySSD(2)
    other.load_parameters(path)
    np.testing.assert_array_equal(other(x)[1].asnumpy(), y)


# -- TinySSD ----------------------------------------------------------------------------------
def test_tiny_ssd_default_is_the_tutorial_network() -> None:
    tiny, toy = TinySSD(2), ToySSD(2)
    tiny.initialize()
    toy.initialize()
    x = nd.zeros((1, 3, 256, 256))
    shapes = [y.shape for y in tiny(x)]
    assert shapes == [(1, 5444, 4), (1, 5444, 3), (1, 21776)]
    np.testing.assert_array_equal(tiny(x)[0].asnumpy(), toy(x)[0].asnumpy())

    def count(net):
        return sum(int(np.prod(p.shape)) for p in net.collect_params().values())
    assert count(tiny) == count(toy)


def _small_tiny(**kwargs) -> TinySSD:
    net = TinySSD(3, base_filters=(4, 8, 8), num_filters=8, **kwargs)
    net.initialize(mx.init.Xavier(magnitude=2))
    return net


def test_tiny_ssd_hybridized_equals_imperative() -> None:
    net = _small_tiny()
    x = nd.random.uniform(shape=(2, 3, 64, 64))
    labels = nd.array([[[0, .1, .1, .5, .5], [2, .5, .4, .9, .9]],
                       [[1, .2, .3, .6, .8], [-1, -1, -1, -1, -1]]])
    cls_loss, box_loss = FocalLoss(), SmoothL1Loss()

    def predict():
        return [y.asnumpy() for y in net(x)]

    def train_step():  # train mode: BatchNorm uses batch statistics
        with autograd.record():
            anchors, cls_preds, box_preds = net(x)
            box_target, box_mask, cls_target = training_targets(anchors, cls_preds, labels)
            loss = cls_loss(cls_preds, cls_target) + box_loss(box_preds, box_target, box_mask)
        loss.backward()
        grads = {k: p.grad().asnumpy().copy() for k, p in net.collect_params().items()
                 if p.grad_req != "null"}
        return loss.asnumpy(), grads

    out_imp = predict()
    net.hybridize()
    out_hyb = predict()
    for a, b in zip(out_imp, out_hyb):
        np.testing.assert_allclose(b, a, rtol=1e-5, atol=1e-6)
    loss_hyb, grads_hyb = train_step()
    net.hybridize(active=False)
    loss_imp, grads_imp = train_step()
    np.testing.assert_allclose(loss_hyb, loss_imp, rtol=1e-5)
    for k in grads_imp:
        np.testing.assert_allclose(grads_hyb[k], grads_imp[k], rtol=1e-4, atol=1e-6,
                                   err_msg=k)


def test_tiny_ssd_one_trace_serves_every_input_size() -> None:
    net = _small_tiny()
    net.hybridize()
    assert net(nd.zeros((1, 3, 64, 64)))[0].shape == (1, (64 + 16 + 4 + 1 + 1) * 4, 4)
    assert net(nd.zeros((1, 3, 128, 128)))[0].shape == (1, (256 + 64 + 16 + 4 + 1) * 4, 4)
    assert len(net._cache._graphs) == 1


def test_tiny_ssd_export_and_import(tmp_path) -> None:
    net = _small_tiny()
    net.hybridize()
    x = nd.random.uniform(shape=(1, 3, 64, 64))
    expected = [y.asnumpy() for y in net(x)]
    path = os.path.join(tmp_path, "tiny")
    net.export(path)
    loaded = gluon.SymbolBlock.imports(path + "-symbol.json", ["data"], path + "-0000.params")
    for a, b in zip(loaded(x), expected):
        np.testing.assert_allclose(a.asnumpy(), b, rtol=1e-6, atol=1e-6)


def test_tiny_ssd_custom_scales() -> None:
    net = TinySSD(1, sizes=[[.3], [.6], [.9]], ratios=[[1, 2]] * 3, base_filters=(4,),
                  num_filters=4)
    net.initialize()
    anchors, cls_preds, box_preds = net(nd.zeros((1, 3, 16, 16)))
    # 8x8, 4x4 and 1x1 maps, 2 anchors each
    assert anchors.shape == (1, (64 + 16 + 1) * 2, 4)
    assert cls_preds.shape == (1, 162, 2) and box_preds.shape == (1, 648)
    with pytest.raises(ValueError, match="sizes and ratios"):
        TinySSD(1, sizes=[[.3]], ratios=[[1]])


def test_tiny_ssd_a_few_training_steps_reduce_the_loss() -> None:
    data = SyntheticDetection(32, size=32, seed=3)
    x = nd.array(data.images.transpose(0, 3, 1, 2) / 255.0 - 0.5)
    y = nd.array(data.labels)
    net = TinySSD(3, sizes=[[.2, .272], [.37, .447], [.54, .619], [.8, .9]],
                  ratios=[[1, 2, .5]] * 4, base_filters=(8, 8), num_filters=16)
    net.initialize(mx.init.Xavier(magnitude=2))
    net.hybridize()
    trainer = gluon.Trainer(net.collect_params(), "adam", {"learning_rate": 0.01})
    cls_loss, box_loss = FocalLoss(), SmoothL1Loss()
    losses = []
    for _ in range(8):
        with autograd.record():
            anchors, cls_preds, box_preds = net(x)
            box_target, box_mask, cls_target = training_targets(anchors, cls_preds, y)
            loss = cls_loss(cls_preds, cls_target) + box_loss(box_preds, box_target, box_mask)
        loss.backward()
        trainer.step(x.shape[0])
        losses.append(float(loss.mean().asscalar()))
    assert np.isfinite(losses).all()
    assert losses[-1] < 0.7 * losses[0], losses


# -- training pieces ----------------------------------------------------------------------------
def test_training_targets_layout() -> None:
    anchors = nd.array([[[0, 0, .5, .5], [.5, .5, 1, 1], [0, .5, .5, 1]]])
    labels = nd.array([[[2, .5, .5, 1, 1], [-1, -1, -1, -1, -1]]])
    box_target, box_mask, cls_target = training_targets(anchors, nd.zeros((1, 3, 4)), labels)
    assert box_target.shape == box_mask.shape == (1, 12) and cls_target.shape == (1, 3)
    np.testing.assert_array_equal(cls_target.asnumpy(), [[0, 3, 0]])
    np.testing.assert_array_equal(box_mask.asnumpy(), [[0] * 4 + [1] * 4 + [0] * 4])
    np.testing.assert_allclose(box_target.asnumpy(), np.zeros((1, 12)), atol=1e-6)


def test_focal_loss_formula() -> None:
    rng = np.random.default_rng(0)
    out = rng.normal(size=(2, 5, 3)).astype(np.float32)
    label = rng.integers(0, 3, (2, 5)).astype(np.float32)
    p = np.exp(out) / np.exp(out).sum(-1, keepdims=True)
    pt = np.take_along_axis(p, label.astype(int)[..., None], axis=-1)
    expected = (-0.25 * (1 - pt) ** 2 * np.log(pt)).mean(axis=(1, 2))
    got = FocalLoss()(nd.array(out), nd.array(label)).asnumpy()
    np.testing.assert_allclose(got, expected, rtol=1e-5)
    got = FocalLoss(alpha=1, gamma=0)(nd.array(out), nd.array(label)).asnumpy()
    np.testing.assert_allclose(got, (-np.log(pt)).mean(axis=(1, 2)), rtol=1e-5)


def test_smooth_l1_loss_masks() -> None:
    out = nd.array([[0.5, -3, 9, 1]])
    label = nd.zeros((1, 4))
    mask = nd.array([[1, 1, 0, 0]])
    # 0.5 * 0.5**2 + (3 - 0.5), over 4 values
    np.testing.assert_allclose(SmoothL1Loss()(out, label, mask).asnumpy(), [(0.125 + 2.5) / 4])


def test_losses_hybridize() -> None:
    out, label = nd.random.normal(shape=(2, 6, 3)), nd.array([[0, 1, 2, 0, 1, 2]] * 2)
    loss = FocalLoss()
    a = loss(out, label).asnumpy()
    loss.hybridize()
    np.testing.assert_allclose(loss(out, label).asnumpy(), a, rtol=1e-6)


# -- FeatureExpander ------------------------------------------------------------------------------
def _backbone() -> nn.HybridSequential:
    net = nn.HybridSequential(prefix="backbone_")
    with net.name_scope():
        net.add(down_sample(4), down_sample(8), down_sample(8))
    return net


def test_feature_expander_shapes_and_shared_parameters() -> None:
    backbone = _backbone()
    fx = FeatureExpander(backbone, ["1", "2"], num_filters=[16, 8], min_depth=8)
    fx.initialize(mx.init.Xavier())
    feats = fx(nd.random.uniform(shape=(2, 3, 32, 32)))
    assert [f.shape for f in feats] == [(2, 8, 8, 8), (2, 8, 4, 4), (2, 16, 2, 2),
                                        (2, 8, 1, 1)]
    params = fx.collect_params()
    for name, p in backbone.collect_params().items():
        assert params[name] is p
    new = sorted(n for n in params if n.startswith("expand_"))
    assert "expand_conv0_weight" in new and "expand_trans_conv1_weight" in new
    assert not any(n.endswith("_bias") for n in new)  # BatchNorm follows every convolution
    np.testing.assert_array_equal(params["expand_bn0_gamma"].data().asnumpy(), np.ones(16))
    np.testing.assert_array_equal(params["expand_bn0_running_var"].data().asnumpy(),
                                  np.ones(16))
    assert params["expand_bn0_running_mean"].grad_req == "null"


def test_feature_expander_matches_backbone_outputs() -> None:
    backbone = _backbone()
    fx = FeatureExpander(backbone, ["2"], num_filters=[8], use_1x1_transition=False,
                         global_pool=True)
    fx.initialize()
    x = nd.random.uniform(shape=(1, 3, 32, 32))
    feats = fx(x)
    want = backbone(x).asnumpy()
    # the expander runs the backbone's graph with BatchNorm folded into the convolutions
    # (predict mode): equal to the imperative ops up to float32 rounding of the conv sums ...
    np.testing.assert_allclose(feats[0].asnumpy(), want, rtol=1e-5,
                               atol=1e-6 * np.abs(want).max())
    # ... and exactly what the hybridized backbone computes
    backbone.hybridize()
    np.testing.assert_allclose(feats[0].asnumpy(), backbone(x).asnumpy(), rtol=1e-6)
    assert [f.shape for f in feats] == [(1, 8, 4, 4), (1, 8, 2, 2), (1, 8, 1, 1)]


def test_feature_expander_gluon_cv_internal_names() -> None:
    backbone = _backbone()
    data = sym.var("data")
    names = backbone(data).get_internals().list_outputs()
    relu = [n for n in names if n.endswith("relu_fwd_output") or "relu" in n]
    last = [n for n in relu if n.endswith("_output")][-1]
    short = last[len("backbone_"):-len("_output")]  # gluon-cv style: no prefix, no suffix
    fx = FeatureExpander(backbone, [short], num_filters=[8], min_depth=4)
    fx.initialize()
    feats = fx(nd.zeros((1, 3, 32, 32)))
    assert feats[0].shape == (1, 8, 8, 8) and feats[1].shape == (1, 8, 4, 4)
    with pytest.raises(MXNetError, match="no output named 'nope'"):
        FeatureExpander(backbone, ["nope"], num_filters=[8])


def test_feature_expander_from_symbol_and_names() -> None:
    data = sym.var("data")
    net = sym.Activation(sym.Convolution(data, sym.var("c_weight"), sym.var("c_bias"),
                                         num_filter=4, kernel=(3, 3), pad=(1, 1), name="c"),
                         act_type="relu", name="r")
    fx = FeatureExpander(net, "r", num_filters=[4], min_depth=4, use_bn=False,
                         prefix="extra_")
    fx.initialize()
    assert [f.shape for f in fx(nd.zeros((1, 3, 8, 8)))] == [(1, 4, 8, 8), (1, 4, 4, 4)]
    assert "extra_conv0_bias" in fx.collect_params()
    with pytest.raises(ValueError, match="pretrained"):
        FeatureExpander(net, "r", num_filters=[4], pretrained=True)


def test_feature_expander_trains_the_backbone() -> None:
    backbone = _backbone()
    fx = FeatureExpander(backbone, ["2"], num_filters=[8], min_depth=4)
    fx.initialize(mx.init.Xavier())
    x = nd.random.uniform(shape=(2, 3, 32, 32))
    fx(x)  # finishes the deferred initialization
    w = backbone[0][0].weight
    before = w.data().asnumpy().copy()
    trainer = gluon.Trainer(fx.collect_params(), "sgd", {"learning_rate": 0.1})
    with autograd.record():
        loss = sum(f.mean() for f in fx(x))
    loss.backward()
    trainer.step(2)
    assert not np.allclose(w.data().asnumpy(), before)


def test_model_zoo_exports_ssd() -> None:
    assert gluon.model_zoo.ssd is ssd
    assert "ssd" in gluon.model_zoo.__all__
