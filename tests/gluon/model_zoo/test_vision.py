"""The vision zoo against MXNet 1.9.1: parameter names and shapes, outputs, init, errors.

``vision_golden.json`` was written by real MXNet 1.9.1 (its ``_about`` entry says how); the
networks here must reproduce it exactly, which is what makes MXNet's parameter files load.
Names and shapes come from shape inference, without running the networks (about a second for
ResNet-152). Forward passes use small inputs where the architecture allows (global pooling);
the networks with a fixed final pooling (DenseNet, SqueezeNet, Inception) need full-size
inputs, and the costly ones are marked slow.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

import minigluon as mx
from minigluon import autograd, nd, sym
from minigluon.gluon.contrib.nn import HybridConcurrent
from minigluon.gluon.model_zoo import vision
from minigluon.name import NameManager

GOLDEN = json.loads((Path(__file__).parent / "vision_golden.json").read_text())
MODELS = [k for k in GOLDEN if not k.startswith("_")]


def _digest(rows: list) -> str:
    return hashlib.sha256("\n".join(f"{k} {tuple(s)}" for k, s in rows).encode()).hexdigest()


def _built(name: str, **kwargs) -> vision.HybridBlock:
    with NameManager():
        return vision.get_model(name, **kwargs)


def test_golden_lists_every_model_of_get_model() -> None:
    assert set(MODELS) == set(vision.MODELS) - {"lenet"}
    assert len(MODELS) == 34


@pytest.mark.parametrize("name", MODELS)
def test_parameter_names_and_shapes_match_mxnet(name: str) -> None:
    want = GOLDEN[name]
    net = _built(name, classes=7)
    size = 299 if name == "inceptionv3" else 224
    net.initialize()
    net.infer_shape(nd.zeros((1, 3, size, size)))
    rows = [(k, p.shape) for k, p in net.collect_params().items()]
    assert [[k, list(s)] for k, s in rows[:3]] == want["first"]
    assert [[k, list(s)] for k, s in rows[-3:]] == want["last"]
    if "all" in want:
        assert [[k, list(s)] for k, s in rows] == want["all"]
    assert len(rows) == want["count"]
    assert sum(int(np.prod(s)) for _, s in rows) == want["scalars"]
    assert _digest(rows) == want["params"]
    struct = sorted((k, p.shape) for k, p in net._collect_params_with_prefix().items())
    assert _digest(struct) == want["structural"]
    _, out_shapes, _ = net(sym.var("data")).infer_shape(data=(1, 3, size, size))
    assert list(out_shapes[0]) == want["output"]


_SLOW = pytest.mark.slow
SMALL = [  # (name, kwargs, input side): global pooling makes small inputs valid
    ("resnet18_v1", {}, 32), pytest.param("resnet50_v1", {}, 32, marks=_SLOW),
    ("resnet18_v2", {}, 32), pytest.param("resnet50_v2", {}, 32, marks=_SLOW),
    ("resnet18_v1", {"thumbnail": True}, 8),
    ("vgg11_bn", {}, 32), ("alexnet", {}, 63), ("mobilenet0.25", {}, 32),
    ("mobilenetv2_0.25", {}, 32), ("squeezenet1.1", {}, 224),
]


@pytest.mark.parametrize("name, kwargs, side", SMALL)
def test_forward_imperative_and_hybridized_agree(name: str, kwargs: dict, side: int) -> None:
    mx.random.seed(1)
    net = _built(name, classes=5, **kwargs)
    net.initialize(mx.init.Xavier())
    x = nd.random.uniform(-1, 1, shape=(2, 3, side, side))
    out = net(x)
    assert out.shape == (2, 5) and np.isfinite(out.asnumpy()).all()
    net.hybridize()
    np.testing.assert_allclose(net(x).asnumpy(), out.asnumpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.slow
@pytest.mark.parametrize("name, side", [("squeezenet1.0", 224), ("densenet121", 224),
                                        ("inceptionv3", 299), ("vgg11", 224)])
def test_forward_at_the_size_the_fixed_pooling_needs(name: str, side: int) -> None:
    net = _built(name, classes=3)
    net.initialize(mx.init.Xavier())
    out = net(nd.random.uniform(shape=(1, 3, side, side)))
    assert out.shape == (1, 3) and np.isfinite(out.asnumpy()).all()


def test_densenet_needs_its_input_size() -> None:
    net = _built("densenet121")
    net.initialize()
    with pytest.raises(Exception):  # noqa: B017 - the 7x7 pooling cannot run on a 3x3 map
        net(nd.ones((1, 3, 96, 96)))


def test_training_step_reaches_every_parameter() -> None:
    net = _built("mobilenetv2_0.25", classes=4)
    net.initialize(mx.init.Xavier())
    x = nd.random.uniform(shape=(2, 3, 32, 32))
    with autograd.record():
        loss = mx.gluon.loss.SoftmaxCrossEntropyLoss()(net(x), nd.array([0, 3]))
    loss.backward()
    trainable = [p for p in net.collect_params().values() if p.grad_req != "null"]
    assert len(trainable) == 266 - 2 * 53  # all but the 53 BatchNorms' running stats
    # (a BatchNorm's beta can get an exact 0: a per-channel shift is removed again by the next
    # BatchNorm in training mode when only linear layers lie between them)
    weights = [p for p in trainable if not p.name.endswith("_beta")]
    assert all(float(p.grad().abs().sum().asscalar()) > 0 for p in weights)


@pytest.mark.parametrize("name", ["resnet18_v2", "vgg11_bn", "mobilenet0.25", "squeezenet1.1"])
def test_initialization_is_seeded(name: str) -> None:
    def params(seed: int) -> list:
        mx.random.seed(seed)
        net = _built(name)
        net.initialize()
        side = 224 if name.startswith("squeeze") else 32
        net(nd.zeros((1, 3, side, side)))
        return [p.data().asnumpy() for p in net.collect_params().values()]

    a, b, c = params(3), params(3), params(4)
    assert all(np.array_equal(x, y) for x, y in zip(a, b))
    assert not all(np.array_equal(x, y) for x, y in zip(a, c))


def test_vgg_initializers_are_mxnets() -> None:
    mx.random.seed(0)
    net = _built("vgg11")
    net.initialize()  # the layers' own initializers win over the default Uniform
    net(nd.zeros((1, 3, 32, 32)))
    conv = net.features[3].weight.data().asnumpy()  # 128 filters of 64x3x3
    # Xavier(gaussian, factor 'out', magnitude 2): std = sqrt(2 / (128 * 3 * 3))
    assert conv.std() == pytest.approx(np.sqrt(2 / (128 * 9)), rel=0.02)
    dense = net.features[-4].weight.data().asnumpy()
    assert dense.std() == pytest.approx(0.01, rel=0.02) and abs(dense.mean()) < 1e-3
    assert not net.output.bias.data().asnumpy().any()


def test_batchnorm_settings_follow_mxnet() -> None:
    v2 = _built("resnet18_v2")
    first = v2.features[0]  # normalizes the input: no scale, no shift
    assert first.gamma.grad_req == "null" and first.beta.grad_req == "null"
    inception = _built("inceptionv3")
    assert inception.features[0][1]._kwargs["eps"] == pytest.approx(0.001)


def test_bottleneck_v1_has_biases_on_its_1x1_convolutions() -> None:
    block = vision.BottleneckV1(64, 1, downsample=True, in_channels=32)
    assert [c.bias is not None for c in block.body if isinstance(c, mx.gluon.nn.Conv2D)] == [
        True, False, True]
    assert block.downsample[0].bias is None


def test_feature_layers_named_as_gluon_cv_expects() -> None:
    # gluon-cv's ssd_512_resnet50_v1 taps these two outputs of the backbone
    net = _built("resnet50_v1")
    internals = net(sym.var("data")).get_internals().list_outputs()
    assert {"resnetv10_stage3_activation5_output",
            "resnetv10_stage4_activation2_output"} <= set(internals)


def test_get_model_names_and_errors() -> None:
    assert type(vision.get_model("ResNet50_V2")).__name__ == "ResNetV2"
    # MXNet's test calls every model with pretrained=False and a root
    assert type(vision.get_model("lenet", pretrained=False, root="model/")).__name__ == "LeNet"
    with pytest.raises(ValueError, match=r"Model resnet19_v1 is not supported. Available "
                                         r"options are\n\talexnet\n\tdensenet121"):
        vision.get_model("resnet19_v1")
    with pytest.raises(ValueError, match=r"Invalid number of layers: 20. Options are "
                                         r"\[18, 34, 50, 101, 152\]"):
        vision.get_resnet(1, 20)
    with pytest.raises(ValueError, match=r"Invalid resnet version: 3\. Options are 1 and 2\."):
        vision.get_resnet(3, 18)
    with pytest.raises(ValueError, match="Invalid number of layers: 12"):
        vision.get_vgg(12)
    with pytest.raises(ValueError, match="Invalid number of layers: 100"):
        vision.get_densenet(100)
    with pytest.raises(ValueError, match=r"Unsupported SqueezeNet version 1\.2"):
        vision.SqueezeNet("1.2")
    with pytest.raises(ValueError, match="channels needs one entry more than layers"):
        vision.ResNetV1(vision.BasicBlockV1, [2, 2], [64, 64])
    with pytest.raises(ValueError, match="same length"):
        vision.VGG([1, 2], [64])


def test_variant_functions_fix_their_arguments() -> None:
    assert vision.vgg16_bn(batch_norm=False).features[1].__class__.__name__ == "BatchNorm"
    assert vision.resnet34_v1.__name__ == "resnet34_v1"
    assert [len(s) for s in vision.resnet152_v1().features[4:8]] == [3, 8, 36, 3]
    assert vision.mobilenet0_75().features[0]._channels == 24
    assert vision.mobilenet_v2_1_0().features[-4]._channels == 1280
    assert vision.MobileNetV2(1.5).features[-4]._channels == 1920


def test_concurrent_branches_concatenate_and_slices_keep_the_axis() -> None:
    fire = vision.squeezenet1_1().features[3][1]  # expand 1x1 and 3x3 side by side
    assert type(fire) is HybridConcurrent and fire.axis == 1
    fire.initialize()
    assert fire(nd.ones((1, 16, 5, 5))).shape == (1, 128, 5, 5)
    assert fire[:1].axis == 1 and fire[:1](nd.ones((1, 16, 5, 5))).shape == (1, 64, 5, 5)
