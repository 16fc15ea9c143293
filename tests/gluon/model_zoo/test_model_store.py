"""``pretrained=True``: the file MXNet would use is looked for locally and loaded if present."""

from __future__ import annotations

import hashlib
import logging
import os
import re
from pathlib import Path

import numpy as np
import pytest

import minigluon as mx
from minigluon import nd
from minigluon.gluon.model_zoo import model_store, vision
from minigluon.name import NameManager

#: MXNet 1.9.1's file names (model_store.py's table) for a few models of each family.
FILES = {
    "resnet18_v1": "resnet18_v1-a0666292.params", "resnet152_v2": "resnet152_v2-f2695542.params",
    "vgg16": "vgg16-e660d456.params", "vgg16_bn": "vgg16_bn-7f01cf05.params",
    "alexnet": "alexnet-44335d1f.params", "densenet201": "densenet201-1cdbc116.params",
    "squeezenet1.0": "squeezenet1.0-264ba497.params", "inceptionv3": "inceptionv3-ed47ec45.params",
    "mobilenet0.5": "mobilenet0.5-8e9d539c.params", "mobilenet1.0": "mobilenet1.0-6b8c5106.params",
    "mobilenetv2_0.75": "mobilenetv2_0.75-e2be7b72.params",
    "mobilenetv2_0.25": "mobilenetv2_0.25-ae8f9392.params",
}


def test_every_model_but_lenet_has_a_published_file() -> None:
    assert sorted(model_store._MODEL_SHA1) == sorted(set(vision.MODELS) - {"lenet"})
    assert all(len(h) == 40 for h in model_store._MODEL_SHA1.values())


@pytest.mark.parametrize("name", sorted(FILES))
def test_missing_file_error_names_the_file_looked_for(name: str, tmp_path: Path) -> None:
    want = os.path.join(str(tmp_path), FILES[name])
    with pytest.raises(FileNotFoundError, match="minigluon does not download") as err:
        vision.get_model(name, pretrained=True, root=str(tmp_path))
    assert f"Pretrained parameter file {want} not found" in str(err.value)


def test_default_root_is_mxnet_home_models(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("MXNET_HOME", str(tmp_path / "mxhome"))
    want = tmp_path / "mxhome" / "models" / "alexnet-44335d1f.params"
    with pytest.raises(FileNotFoundError, match=re.escape(str(want))):
        vision.alexnet(pretrained=True)
    monkeypatch.delenv("MXNET_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    want = tmp_path / ".mxnet" / "models" / "alexnet-44335d1f.params"
    with pytest.raises(FileNotFoundError, match=re.escape(str(want))):
        vision.alexnet(pretrained=True)


def test_relative_root_is_reported_absolute(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    want = tmp_path / "model" / "squeezenet1.1-33ba0f93.params"
    with pytest.raises(FileNotFoundError, match=re.escape(str(want))):
        vision.get_model("squeezenet1.1", pretrained=True, root="model/")


def test_no_published_file_for_an_unknown_name() -> None:
    with pytest.raises(ValueError, match=r"Pretrained model for lenet is not available\."):
        model_store.get_model_file("lenet")
    with pytest.raises(ValueError, match=r"Pretrained model for resnet18 is not available\."):
        model_store.short_hash("resnet18")
    with pytest.raises(ValueError, match="pretrained weights are not available"):
        vision.get_model("lenet", pretrained=True)


def _trained(name: str, side: int) -> tuple:
    mx.random.seed(7)
    with NameManager():
        net = vision.get_model(name)
    net.initialize(mx.init.Xavier())
    x = nd.random.uniform(shape=(1, 3, side, side))
    return net, x, net(x).asnumpy()


@pytest.mark.parametrize("legacy", [False, True], ids=["save_parameters", "prefixed-names"])
def test_pretrained_loads_the_file_when_it_exists(tmp_path: Path, caplog, legacy: bool) -> None:
    net, x, y = _trained("squeezenet1.1", 224)
    path = tmp_path / "squeezenet1.1-33ba0f93.params"
    if legacy:  # how MXNet's published files are keyed: names without the model's prefix
        net.collect_params().save(str(path), strip_prefix=net.prefix)
    else:
        net.save_parameters(str(path))
    with caplog.at_level(logging.WARNING):
        loaded = vision.get_model("squeezenet1.1", pretrained=True, root=str(tmp_path))
    assert "differs from the published 'squeezenet1.1' parameters" in caplog.text
    np.testing.assert_array_equal(loaded(x).asnumpy(), y)


def test_matching_hash_loads_without_warning(tmp_path: Path, caplog, monkeypatch) -> None:
    net, x, y = _trained("mobilenetv2_0.25", 32)
    saved = tmp_path / "saved.params"
    net.save_parameters(str(saved))
    sha1 = hashlib.sha1(saved.read_bytes()).hexdigest()
    saved.rename(tmp_path / f"mobilenetv2_0.25-{sha1[:8]}.params")
    monkeypatch.setitem(model_store._MODEL_SHA1, "mobilenetv2_0.25", sha1)
    with caplog.at_level(logging.WARNING):
        loaded = vision.mobilenet_v2_0_25(pretrained=True, root=str(tmp_path), ctx=mx.cpu())
    assert caplog.text == ""
    np.testing.assert_array_equal(loaded(x).asnumpy(), y)


def test_pretrained_with_other_classes_reports_the_shape_mismatch(tmp_path: Path) -> None:
    net, _, _ = _trained("mobilenet0.25", 32)
    net.save_parameters(str(tmp_path / "mobilenet0.25-9f83e440.params"))
    with pytest.raises(Exception, match=r"dense0_weight|output\.weight"):
        vision.mobilenet0_25(pretrained=True, root=str(tmp_path), classes=10)


def test_purge_removes_only_parameter_files(tmp_path: Path) -> None:
    (tmp_path / "a.params").write_bytes(b"")
    (tmp_path / "notes.txt").write_text("keep")
    model_store.purge(str(tmp_path))
    assert os.listdir(tmp_path) == ["notes.txt"]
