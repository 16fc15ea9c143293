"""minigluon.ops.ctc: the CTC loss op against values of MXNet 1.9.1 and a brute-force sum."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from minigluon import nd
from minigluon.base import MXNetError


def _brute_force(logits: np.ndarray, labels: list[int], blank: int) -> float:
    """-log of the summed probability of every path that collapses to ``labels``."""
    probs = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    total = 0.0
    for path in itertools.product(range(logits.shape[1]), repeat=logits.shape[0]):
        collapsed = [k for i, k in enumerate(path) if (i == 0 or k != path[i - 1])]
        if [k for k in collapsed if k != blank] == labels:
            total += float(np.prod(probs[np.arange(len(path)), path]))
    return -np.log(total)


@pytest.mark.parametrize("labels, blank_label", [([1, 2], "first"), ([1, 1], "first"),
                                                  ([0, 2], "last"), ([1], "last")])
def test_matches_brute_force(labels, blank_label) -> None:
    logits = np.random.default_rng(0).normal(size=(4, 4))
    blank = 0 if blank_label == "first" else 3
    got = nd.ctc_loss(nd.array(logits[:, None, :]), nd.array([labels]), blank_label=blank_label)
    assert got.asnumpy()[0] == pytest.approx(_brute_force(logits, labels, blank), rel=1e-5)


def test_mxnet_values_and_padding() -> None:
    data = nd.array([[[1, 2, 3, 0.5]], [[0, 1, 0, 2]], [[1, 1, 1, 1]], [[0, 0, 1, 1]]])
    assert nd.ctc_loss(data, nd.array([[1, 1]])).asnumpy()[0] == pytest.approx(5.442456, 1e-6)
    # blank first: 0 pads; the padding after the labels is ignored
    assert nd.CTCLoss(data, nd.array([[1, 1, 0, 0]])).asnumpy()[0] == pytest.approx(5.442456,
                                                                                    1e-6)


def test_data_lengths_ignore_later_steps_and_get_no_gradient() -> None:
    data = np.random.default_rng(1).normal(size=(5, 1, 3))
    short = nd.ctc_loss(nd.array(data[:3]), nd.array([[1]]))
    masked = nd.ctc_loss(nd.array(data), nd.array([[1]]), nd.array([3]),
                         use_data_lengths=True)
    assert masked.asnumpy() == pytest.approx(short.asnumpy(), rel=1e-6)


def test_impossible_alignment_is_inf_and_bad_input_raises() -> None:
    assert np.isinf(nd.ctc_loss(nd.ones((1, 1, 3)), nd.array([[1, 2]])).asnumpy()[0])
    with pytest.raises(MXNetError, match="sequence_length, batch"):
        nd.ctc_loss(nd.ones((2, 3)), nd.array([[1]]))
    with pytest.raises(MXNetError, match="classes in"):
        nd.ctc_loss(nd.ones((2, 1, 3)), nd.array([[5]]))
    with pytest.raises(MXNetError, match="needs label_lengths"):
        nd.ctc_loss(nd.ones((2, 1, 3)), nd.array([[1]]), use_label_lengths=True)
