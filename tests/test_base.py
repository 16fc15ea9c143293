"""The errors of minigluon.base: parts of MXNet that are left out say so, and why."""

from __future__ import annotations

import pytest

import minigluon as mx
from minigluon import base


@pytest.mark.parametrize("reach, path", [
    (lambda: mx.kv, "minigluon.kv"),
    (lambda: mx.np, "minigluon.np"),
    (lambda: mx.npx, "minigluon.npx"),
    (lambda: mx.recordio, "minigluon.recordio"),
    (lambda: mx.image, "minigluon.image"),
    (lambda: mx.nd.sparse, "minigluon.ndarray.sparse"),
    (lambda: mx.contrib.amp, "minigluon.contrib.amp"),
])
def test_left_out_parts_of_mxnet_give_the_reason(reach, path) -> None:
    with pytest.raises(AttributeError, match=f"{path} is left out of minigluon: .+Coming from"):
        reach()


def test_other_missing_names_keep_python_s_message() -> None:
    with pytest.raises(AttributeError, match="module 'minigluon' has no attribute 'nothing'"):
        mx.nothing  # noqa: B018 - the attribute access is the test
    # a left-out name only where MXNet has it: mx.sparse is not mx.nd.sparse
    assert "left out" not in str(base._missing_attribute("minigluon", "sparse"))
    assert not hasattr(mx, "kv")
