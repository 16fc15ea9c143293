"""mx.runtime.Features: MXNet's feature names, answered for what runs under minigluon."""

from __future__ import annotations

import pytest

import minigluon as mx
from minigluon import runtime


def test_features_are_one_object_in_mxnet_order() -> None:
    features = runtime.Features()
    assert features is runtime.Features()
    names = list(features)
    assert names[:5] == ["CUDA", "CUDNN", "NCCL", "CUDA_RTC", "TENSORRT"]
    assert names[-1] == "TVM_OP" and len(names) == 32
    assert [f.name for f in runtime.feature_list()] == names


def test_what_minigluon_has_and_lacks() -> None:
    features = mx.runtime.Features()
    for absent in ("CUDA", "CUDNN", "MKLDNN", "DIST_KVSTORE", "OPENCV", "PROFILER"):
        assert not features.is_enabled(absent), absent
    assert features.is_enabled("int64_tensor_size")  # case-insensitive, numpy sizes are 64-bit
    assert features.is_enabled("LAPACK")
    # x86-64 always has SSE2; elsewhere no CPU_ feature may claim to be on
    assert all(isinstance(f.enabled, bool) for f in features.values())


def test_unknown_feature_lists_the_known_ones() -> None:
    with pytest.raises(RuntimeError, match=r"Feature 'NOPE' is unknown, known features are: "
                                           r"\['CUDA', 'CUDNN'"):
        runtime.Features().is_enabled("nope")


def test_repr_marks_enabled_and_disabled() -> None:
    assert repr(runtime.Feature("X", True)) == "✔ X"
    assert repr(runtime.Feature("Y", False)) == "✖ Y"
    assert repr(runtime.Features()).startswith("[✖ CUDA, ✖ CUDNN")
