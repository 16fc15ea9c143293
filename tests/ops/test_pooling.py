"""Pooling against naive loops: window rules, ties, global pooling, output sizes, errors.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from minigluon import autograd, nd
from minigluon.base import MXNetError

from .naive import TOL, _grads, pool_ref

# -- Pooling -------------------------------------------------------------------------------
POOL_CASES = [
    # (data shape, kernel, stride, pad, pool_type, convention, count_include_pad)
    ((2, 2, 6, 6), (2, 2), (2, 2), (0, 0), "max", "valid", True),
    ((1, 2, 7, 6), (3, 3), (2, 2), (1, 1), "max", "valid", True),
    ((1, 2, 7, 6), (3, 2), (2, 2), (1, 0), "max", "full", True),
    ((1, 2, 5, 5), (3, 3), (1, 1), (1, 1), "max", "valid", True),
    ((2, 2, 7, 6), (3, 3), (2, 2), (1, 1), "avg", "valid", True),
    ((2, 2, 7, 6), (3, 3), (2, 2), (1, 1), "avg", "valid", False),
    ((1, 2, 8, 5), (2, 3), (2, 2), (1, 1), "avg", "full", True),
    ((1, 2, 8, 5), (2, 3), (2, 2), (1, 1), "avg", "full", False),
    ((1, 2, 5, 6), (2, 2), (1, 2), (0, 1), "sum", "valid", True),
    ((2, 3, 9), (3,), (2,), (1,), "max", "full", True),
    ((2, 3, 9), (4,), (3,), (2,), "avg", "valid", False),
    ((1, 2, 4, 5, 3), (2, 2, 2), (2, 2, 1), (0, 1, 1), "max", "valid", True),
]


@pytest.mark.parametrize("case", POOL_CASES, ids=lambda c: f"{c[4]}-{c[5]}-{c[1]}-{c[6]}")
def test_pooling_matches_naive_loops(case) -> None:
    shape, k, s, p, ptype, conv, cip = case
    rng = np.random.default_rng(4)
    x = rng.standard_normal(shape)
    y_ref = pool_ref(x, k, s, p, ptype, conv, cip)
    g = rng.standard_normal(y_ref.shape)
    _, gx_ref = pool_ref(x, k, s, p, ptype, conv, cip, g)
    y, gx = _grads(lambda a: nd.Pooling(a, kernel=k, stride=s, pad=p, pool_type=ptype,
                                        pooling_convention=conv, count_include_pad=cip),
                   [x], g, (0,))
    np.testing.assert_allclose(y, y_ref, **TOL)
    np.testing.assert_allclose(gx, gx_ref, **TOL)


def test_max_pooling_ties_route_the_gradient_to_the_first_maximum() -> None:
    # relu outputs are full of ties at 0: MXNet gives the whole gradient to the first one
    x = np.zeros((1, 1, 4, 4))
    x[0, 0, 3, 3] = -1.0
    g = np.arange(1.0, 5.0).reshape(1, 1, 2, 2)
    for stride in ((2, 2), (1, 1)):
        y_ref = pool_ref(x, (2, 2), stride, (0, 0), "max", "valid")
        gg = np.ones(y_ref.shape)
        _, gx_ref = pool_ref(x, (2, 2), stride, (0, 0), "max", "valid", g=gg)
        _, gx = _grads(lambda a, st=stride: nd.Pooling(a, kernel=(2, 2), stride=st),
                       [x], gg, (0,))
        np.testing.assert_array_equal(gx, gx_ref)
        assert gx.sum() == gg.sum()
    _, gx = _grads(lambda a: nd.Pooling(a, kernel=(2, 2), stride=(2, 2)), [x], g, (0,))
    np.testing.assert_array_equal(gx[0, 0], [[1, 0, 2, 0], [0, 0, 0, 0],
                                             [3, 0, 4, 0], [0, 0, 0, 0]])


@pytest.mark.parametrize("ptype", ["max", "avg", "sum"])
def test_global_pooling(ptype) -> None:
    rng = np.random.default_rng(5)
    x = rng.standard_normal((2, 3, 4, 5))
    g = rng.standard_normal((2, 3, 1, 1))
    y, gx = _grads(lambda a: nd.Pooling(a, kernel=(7, 7), global_pool=True, pool_type=ptype),
                   [x], g, (0,))
    y_ref, gx_ref = pool_ref(x, (4, 5), (1, 1), (0, 0), ptype, "valid", g=g)
    assert y.shape == (2, 3, 1, 1)
    np.testing.assert_allclose(y, y_ref, **TOL)
    np.testing.assert_allclose(gx, gx_ref, **TOL)
    assert nd.Pooling(nd.ones((2, 3, 9)), global_pool=True).shape == (2, 3, 1)


@pytest.mark.parametrize("size", range(4, 12))
@pytest.mark.parametrize("kernel,stride,pad", [(2, 2, 0), (3, 2, 1), (3, 3, 0), (4, 3, 2),
                                               (1, 2, 0)])
def test_pooling_output_size_formulas(size, kernel, stride, pad) -> None:
    x = nd.ones((1, 1, size, size))
    kw = dict(kernel=(kernel, kernel), stride=(stride, stride), pad=(pad, pad))
    valid = nd.Pooling(x, pooling_convention="valid", **kw).shape[2]
    full = nd.Pooling(x, pooling_convention="full", **kw).shape[2]
    assert valid == math.floor((size + 2 * pad - kernel) / stride) + 1
    assert full == math.ceil((size + 2 * pad - kernel) / stride) + 1
    from minigluon.ops import get

    assert get("Pooling").infer_shape((1, 1, size, size), pooling_convention="full",
                                      **kw) == [(1, 1, full, full)]


def test_pooling_avg_count_include_pad_default_is_true() -> None:
    x = nd.ones((1, 1, 3, 3))
    y = nd.Pooling(x, kernel=(3, 3), pad=(1, 1), pool_type="avg")
    assert y.asnumpy()[0, 0, 0, 0] == pytest.approx(4 / 9)
    y = nd.Pooling(x, kernel=(3, 3), pad=(1, 1), pool_type="avg", count_include_pad=False)
    np.testing.assert_allclose(y.asnumpy(), 1.0)


def test_pooling_errors() -> None:
    with pytest.raises(MXNetError, match=r"Pooling: kernel size \(5, 5\) exceeds input"):
        nd.Pooling(nd.ones((1, 1, 3, 3)), kernel=(5, 5))
    with pytest.raises(MXNetError, match="pool_type must be one of"):
        nd.Pooling(nd.ones((1, 1, 3, 3)), kernel=(2, 2), pool_type="lp")
    with pytest.raises(MXNetError, match="pooling_convention must be 'valid' or 'full'"):
        nd.Pooling(nd.ones((1, 1, 3, 3)), kernel=(2, 2), pooling_convention="same")


@pytest.mark.parametrize("layout, kwargs", [
    ("NWC", {"kernel": (3,), "stride": (2,), "pad": (1,)}),
    ("NHWC", {"kernel": (2, 3), "pool_type": "avg", "pooling_convention": "full"}),
    ("NDHWC", {"kernel": (2, 2, 2), "pool_type": "sum"}),
    ("NHWC", {"global_pool": True, "pool_type": "max"}),
])
def test_channels_last_equals_transposed_channels_first(layout, kwargs) -> None:
    n = len(layout)
    rng = np.random.default_rng(0)
    x = nd.array(rng.normal(size=(2, 5, 4, 6, 3)[:n]))
    to_first, to_last = (0, n - 1, *range(1, n - 1)), (0, *range(2, n), 1)
    x.attach_grad()
    with autograd.record():
        y = nd.Pooling(x, layout=layout, **kwargs)
    y.backward(nd.array(rng.normal(size=y.shape)))
    head = nd.array(rng.normal(size=y.shape))
    ref_x = nd.array(x.asnumpy().transpose(to_first))
    ref_x.attach_grad()
    with autograd.record():
        ref = nd.Pooling(ref_x, **kwargs)
    np.testing.assert_allclose(y.asnumpy(), ref.asnumpy().transpose(to_last), rtol=1e-6)
    with autograd.record():
        y = nd.Pooling(x, layout=layout, **kwargs)
        ref = nd.Pooling(ref_x, **kwargs)
    y.backward(head)
    ref.backward(nd.array(head.asnumpy().transpose(to_first)))
    np.testing.assert_allclose(x.grad.asnumpy(), ref_x.grad.asnumpy().transpose(to_last),
                               rtol=1e-6)


def test_layout_must_fit_the_data() -> None:
    with pytest.raises(MXNetError, match="layout 'NHWC' does not fit 3-D data"):
        nd.Pooling(nd.ones((1, 2, 3)), kernel=(2,), layout="NHWC")
