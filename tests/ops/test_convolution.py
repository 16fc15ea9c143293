"""Convolution and Deconvolution against naive loops (outputs and gradients), plus errors.
"""

from __future__ import annotations

import numpy as np
import pytest

from minigluon import autograd, nd
from minigluon.base import MXNetError
from minigluon.ops import conv_engine as conv_mod

from .naive import TOL, _arr, _grads, conv_ref, deconv_ref

# -- Convolution ---------------------------------------------------------------------------
CONV_CASES = [
    # (data shape, num_filter, kernel, stride, pad, dilate, groups)
    ((2, 3, 6, 5), 4, (3, 3), (1, 1), (0, 0), (1, 1), 1),
    ((2, 1, 7, 7), 2, (3, 2), (2, 1), (1, 0), (1, 1), 1),
    ((1, 4, 6, 6), 4, (2, 3), (1, 2), (1, 1), (2, 1), 2),
    ((2, 6, 5, 5), 6, (3, 3), (2, 2), (1, 1), (1, 1), 6),
    ((2, 2, 8, 6), 3, (2, 2), (3, 2), (2, 1), (2, 3), 1),
    ((2, 3, 9), 4, (3,), (2,), (1,), (2,), 1),
    ((1, 2, 4, 5, 4), 2, (2, 3, 2), (1, 2, 1), (1, 0, 1), (1, 1, 2), 2),
    # "same" width at stride 1: columns from runs of whole rows (conv_engine._FlatRows)
    ((2, 3, 5, 6), 4, (3, 3), (1, 1), (1, 1), (1, 1), 1),
    ((2, 2, 7, 7), 3, (3, 3), (1, 1), (2, 2), (2, 2), 1),
    ((2, 3, 6, 5), 2, (2, 5), (1, 1), (0, 2), (1, 1), 1),
    ((1, 2, 4, 4), 3, (1, 1), (1, 1), (0, 0), (1, 1), 1),
    ((2, 4, 5, 5), 4, (3, 3), (1, 1), (1, 1), (1, 1), 2),
]


@pytest.mark.parametrize("flat", [True, False], ids=["flat", "bands"])
@pytest.mark.parametrize("layout", [None, "nhwc", "offset"])
@pytest.mark.parametrize("case", CONV_CASES, ids=lambda c: f"{c[0]}-k{c[2]}-p{c[4]}-g{c[6]}")
def test_convolution_matches_naive_loops(case, layout, flat, monkeypatch) -> None:
    shape, f, k, s, p, d, grp = case
    monkeypatch.setattr(conv_mod, "_FORCE_LAYOUT", layout)
    monkeypatch.setattr(conv_mod, "_FLAT_ROWS", flat)
    monkeypatch.setattr(conv_mod, "_CHUNK_BYTES", 512)  # several chunks even for tiny inputs
    rng = np.random.default_rng(0)
    x = rng.standard_normal(shape)
    w = rng.standard_normal((f, shape[1] // grp, *k))
    b = rng.standard_normal(f)
    y_ref = conv_ref(x, w, b, s, p, d, grp)
    g = rng.standard_normal(y_ref.shape)
    _, gx_ref, gw_ref, gb_ref = conv_ref(x, w, b, s, p, d, grp, g)
    y, gx, gw, gb = _grads(lambda a, ww, bb: nd.Convolution(
        a, ww, bb, kernel=k, stride=s, pad=p, dilate=d, num_filter=f, num_group=grp),
        [x, w, b], g, (0, 1, 2))
    np.testing.assert_allclose(y, y_ref, **TOL)
    np.testing.assert_allclose(gx, gx_ref, **TOL)
    np.testing.assert_allclose(gw, gw_ref, **TOL)
    np.testing.assert_allclose(gb, gb_ref, **TOL)


def test_convolution_float32_and_no_bias() -> None:
    rng = np.random.default_rng(1)
    x = rng.standard_normal((3, 2, 6, 6)).astype(np.float32)
    w = rng.standard_normal((5, 2, 3, 3)).astype(np.float32)
    y = nd.Convolution(nd.array(x), nd.array(w), kernel=(3, 3), num_filter=5, no_bias=True,
                       pad=(1, 1))
    assert y.dtype == np.float32 and y.shape == (3, 5, 6, 6)
    ref = conv_ref(x.astype(np.float64), w.astype(np.float64), None, (1, 1), (1, 1), (1, 1), 1)
    np.testing.assert_allclose(y.asnumpy(), ref, rtol=1e-4, atol=1e-4)


def test_convolution_errors_name_the_op_and_shapes() -> None:
    with pytest.raises(MXNetError, match=r"Convolution: weight has 4 input channels per group "
                       r"but data has 3 channels \(num_group=1\).*\(2, 4, 3, 3\)"):
        nd.Convolution(nd.ones((1, 3, 5, 5)), nd.ones((2, 4, 3, 3)), kernel=(3, 3),
                       num_filter=2, no_bias=True)
    with pytest.raises(MXNetError, match=r"Convolution: kernel \(3, 3\) needs 4-D data"):
        nd.Convolution(nd.ones((1, 3, 5)), nd.ones((2, 3, 3, 3)), kernel=(3, 3), num_filter=2,
                       no_bias=True)
    with pytest.raises(MXNetError, match=r"num_group=2 must divide"):
        nd.Convolution(nd.ones((1, 3, 5, 5)), nd.ones((2, 1, 3, 3)), kernel=(3, 3),
                       num_filter=2, num_group=2, no_bias=True)
    with pytest.raises(MXNetError, match=r"does not fit in data of shape \(1, 1, 2, 2\)"):
        nd.Convolution(nd.ones((1, 1, 2, 2)), nd.ones((1, 1, 3, 3)), kernel=(3, 3),
                       num_filter=1, no_bias=True)
    with pytest.raises(MXNetError, match=r"bias shape \(3,\) must be \(num_filter,\) = \(2,\)"):
        nd.Convolution(nd.ones((1, 1, 4, 4)), nd.ones((2, 1, 3, 3)), nd.ones((3,)),
                       kernel=(3, 3), num_filter=2)
    with pytest.raises(MXNetError, match=r"layout 'NHWC' does not fit 3-D data"):
        nd.Convolution(nd.ones((1, 4, 4)), nd.ones((2, 3, 1)), kernel=(3,),
                       num_filter=2, no_bias=True, layout="NHWC")
    with pytest.raises(MXNetError, match=r"layout NHWC: shapes shown channels-first"):
        nd.Convolution(nd.ones((1, 4, 4, 1)), nd.ones((2, 1, 3, 3)), kernel=(3, 3),
                       num_filter=2, no_bias=True, layout="NHWC")


def test_convolution_shape_inference_does_not_run_the_kernel() -> None:
    from minigluon.ops import get

    op = get("Convolution")
    out = op.infer_shape((64, 3, 224, 224), (64, 3, 7, 7), (64,), kernel=(7, 7), stride=(2, 2),
                         pad=(3, 3), num_filter=64)
    assert out == [(64, 64, 112, 112)]
    with pytest.raises(MXNetError, match="input channels per group"):
        op.infer_shape((1, 3, 8, 8), (4, 2, 3, 3), None, kernel=(3, 3), num_filter=4)


# -- Deconvolution -------------------------------------------------------------------------
DECONV_CASES = [
    # (data shape, num_filter, kernel, stride, pad, dilate, adj, groups)
    ((2, 3, 3, 4), 2, (3, 3), (1, 1), (0, 0), (1, 1), (0, 0), 1),
    ((1, 2, 3, 3), 3, (3, 2), (2, 2), (1, 0), (1, 1), (1, 1), 1),
    ((2, 4, 2, 3), 4, (2, 2), (2, 1), (0, 1), (2, 1), (1, 0), 2),
    ((2, 2, 4), 2, (3,), (3,), (1,), (1,), (2,), 1),
]


@pytest.mark.parametrize("case", DECONV_CASES, ids=lambda c: f"{c[0]}-s{c[3]}-g{c[7]}")
def test_deconvolution_matches_naive_loops(case) -> None:
    shape, f, k, s, p, d, adj, grp = case
    rng = np.random.default_rng(2)
    x = rng.standard_normal(shape)
    w = rng.standard_normal((shape[1], f // grp, *k))
    y_ref = deconv_ref(x, w, s, p, d, adj, grp)
    g = rng.standard_normal(y_ref.shape)
    _, gx_ref, gw_ref = deconv_ref(x, w, s, p, d, adj, grp, g)
    y, gx, gw = _grads(lambda a, ww: nd.Deconvolution(
        a, ww, kernel=k, stride=s, pad=p, dilate=d, adj=adj, num_filter=f, num_group=grp),
        [x, w], g, (0, 1))
    np.testing.assert_allclose(y, y_ref, **TOL)
    np.testing.assert_allclose(gx, gx_ref, **TOL)
    np.testing.assert_allclose(gw, gw_ref, **TOL)


def test_deconvolution_is_the_transpose_of_convolution() -> None:
    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 3, 7, 6))
    w = rng.standard_normal((4, 3, 3, 3))
    attrs = dict(kernel=(3, 3), stride=(2, 2), pad=(1, 1))
    y = nd.Convolution(_arr(x), _arr(w), num_filter=4, no_bias=True, **attrs)
    u = rng.standard_normal(y.shape)
    # <conv(x), u> == <x, deconv(u)> with the same weight (adjoint operators)
    back = nd.Deconvolution(_arr(u), _arr(w), num_filter=3, adj=(0, 1), **attrs)
    assert back.shape == x.shape
    np.testing.assert_allclose((y.asnumpy() * u).sum(), (x * back.asnumpy()).sum(), rtol=1e-10)


def test_deconvolution_target_shape_and_bias() -> None:
    x = nd.ones((1, 2, 4, 4))
    y = nd.Deconvolution(x, nd.ones((2, 3, 4, 4)), nd.array([1, 2, 3]), kernel=(4, 4),
                         stride=(2, 2), num_filter=3, no_bias=False, target_shape=(8, 7))
    assert y.shape == (1, 3, 8, 7)
    # interior pixels get 2 channels x 4 overlapping kernel taps, plus the bias
    np.testing.assert_allclose(y.asnumpy()[0, :, 3, 3], [9, 10, 11])
    with pytest.raises(MXNetError, match=r"target_shape=.* is too big"):
        nd.Deconvolution(x, nd.ones((2, 3, 4, 4)), kernel=(4, 4), stride=(2, 2), num_filter=3,
                         target_shape=(20, 20))
    with pytest.raises(MXNetError, match=r"Deconvolution: weight shape \(3, 3, 4, 4\) does not "
                       r"match data of shape \(1, 2, 4, 4\)"):
        nd.Deconvolution(x, nd.ones((3, 3, 4, 4)), kernel=(4, 4), num_filter=3)


@pytest.mark.parametrize("op, layout, x_shape, w_shape, kwargs", [
    ("Convolution", "NWC", (2, 7, 4), (6, 3, 2), {"num_group": 2, "stride": (2,)}),
    ("Convolution", "NHWC", (1, 5, 6, 3), (4, 3, 2, 3), {"pad": (1, 0), "dilate": (1, 2)}),
    ("Deconvolution", "NHWC", (1, 3, 4, 2), (2, 2, 3, 5), {"stride": (2, 1)}),
])
def test_channels_last_equals_transposed_channels_first(op, layout, x_shape, w_shape,
                                                        kwargs) -> None:
    rng = np.random.default_rng(4)
    n = len(x_shape)
    to_first, to_last = (0, n - 1, *range(1, n - 1)), (0, *range(2, n), 1)
    nf = w_shape[0] if op == "Convolution" else w_shape[-1] * kwargs.get("num_group", 1)
    attrs = dict(kernel=w_shape[1:-1], num_filter=nf, no_bias=False, **kwargs)
    x, w, b = (nd.array(rng.normal(size=s)) for s in (x_shape, w_shape, (nf,)))
    xf, wf = nd.array(x.asnumpy().transpose(to_first)), nd.array(w.asnumpy().transpose(to_first))
    for a in (x, w, xf, wf):
        a.attach_grad()
    with autograd.record():
        y = getattr(nd, op)(x, w, b, layout=layout, **attrs)
        yf = getattr(nd, op)(xf, wf, b, **attrs)
    np.testing.assert_allclose(y.asnumpy(), yf.asnumpy().transpose(to_last), rtol=1e-5,
                               atol=1e-6)
    head = rng.normal(size=y.shape)
    autograd.backward([y, yf], [nd.array(head), nd.array(head.transpose(to_first))])
    np.testing.assert_allclose(x.grad.asnumpy(), xf.grad.asnumpy().transpose(to_last),
                               rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(w.grad.asnumpy(), wf.grad.asnumpy().transpose(to_last),
                               rtol=1e-5, atol=1e-5)
