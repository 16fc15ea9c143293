"""minigluon.ops.contrib: quadratic, gradientmultiplier and bipartite_matching against MXNet."""

from __future__ import annotations

import numpy as np
import pytest

from minigluon import autograd, nd, sym
from minigluon.base import MXNetError
from minigluon.test_utils import check_symbolic_backward, check_symbolic_forward


@pytest.mark.parametrize("scalar", [0.3, -2.0, 0.0])
def test_gradientmultiplier_scales_only_the_gradient(scalar) -> None:
    x = nd.array([[1.0, -2.0], [3.0, 0.5]])
    x.attach_grad()
    with autograd.record():
        y = nd.contrib.gradientmultiplier(nd.contrib.quadratic(x, a=2, b=1, c=-1), scalar=scalar)
    y.backward()
    xn = x.asnumpy()
    np.testing.assert_allclose(y.asnumpy(), 2 * xn**2 + xn - 1)
    np.testing.assert_allclose(x.grad.asnumpy(), (4 * xn + 1) * scalar, rtol=1e-6)


def test_quadratic_and_multiplier_as_symbols() -> None:
    data = np.array([[0.5, -1.0, 2.0]])
    s = sym.contrib.gradientmultiplier(sym.contrib.quadratic(sym.var("data"), a=1, b=2, c=3),
                                       scalar=-0.5)
    check_symbolic_forward(s, [data], [data**2 + 2 * data + 3])
    check_symbolic_backward(s, [data], [np.ones_like(data)], [(2 * data + 2) * -0.5])


def test_bipartite_matching_mxnet_example_and_ascend() -> None:
    s = nd.array([[0.5, 0.6], [0.1, 0.2], [0.3, 0.4]])
    rows, cols = nd.contrib.bipartite_matching(s, threshold=1e-12)
    assert rows.asnumpy().tolist() == [1, -1, 0] and cols.asnumpy().tolist() == [2, 0]
    rows, cols = nd.contrib.bipartite_matching(s, threshold=100, is_ascend=True)
    assert rows.asnumpy().tolist() == [-1, 0, 1] and cols.asnumpy().tolist() == [1, 2]


def test_bipartite_matching_threshold_topk_and_batch() -> None:
    s = np.array([[0.5, 0.6, 0.1], [0.1, 0.2, 0.9], [0.3, 0.4, 0.35]], dtype=np.float64)
    # values from MXNet 1.9.1: topk=1 stops after the second match
    rows, cols = nd.contrib.bipartite_matching(nd.array(s), threshold=0.1, topk=1)
    assert rows.asnumpy().tolist() == [1, 2, -1] and cols.asnumpy().tolist() == [-1, 0, 1]
    rows, _ = nd.contrib.bipartite_matching(nd.array(s), threshold=0.45)
    assert rows.asnumpy().tolist() == [1, 2, -1]
    batch = nd.array(np.stack([s, s]), dtype="float64")
    rows, cols = nd.contrib.bipartite_matching(batch, threshold=0.1)
    assert rows.shape == (2, 3) and cols.shape == (2, 3) and rows.dtype == np.float64
    assert rows.asnumpy().tolist() == [[1, 2, 0]] * 2
    with pytest.raises(MXNetError, match="dim >= 2"):
        nd.contrib.bipartite_matching(nd.array([1, 2]), threshold=0)
