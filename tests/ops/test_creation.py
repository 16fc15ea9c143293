"""Creation ops: zeros, ones, full, arange, eye, linspace (values, dtypes, signatures, errors)."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import minigluon as mx
from minigluon import autograd, nd
from minigluon.base import MXNetError
from minigluon.ops import get
from minigluon.ops.calling_params import with_calling_params

CREATION = ["zeros", "ones", "full", "arange", "eye", "linspace"]


@pytest.mark.parametrize("name", CREATION)
def test_registered_without_gradient_and_with_ctx(name: str) -> None:
    op = get(name)
    assert not op.differentiable
    assert op.array_params == ()
    assert "ctx" in op.attr_names and "dtype" in op.attr_names
    assert op.shape_fn is not None
    # the registry's docstring, with the calling parameters the front end describes
    # (ops/calling_params.py) and the See Also the registry completes (ops/seealso.py)
    fn = getattr(nd, name)
    params = [str(p) for p in inspect.signature(fn).parameters.values()]
    expected = with_calling_params(op.doc, params, symbolic=False)
    assert fn.__doc__.split("See Also")[0] == expected.split("See Also")[0]
    assert fn.__doc__.split("Examples")[1] == op.doc.split("Examples")[1]


def test_signatures_allow_mxnet_positional_calls() -> None:
    sig = {n: list(inspect.signature(getattr(nd, n)).parameters)[:4] for n in CREATION}
    assert sig["zeros"] == ["shape", "ctx", "dtype", "stype"]
    assert sig["ones"][:3] == ["shape", "ctx", "dtype"]
    assert sig["full"] == ["shape", "val", "ctx", "dtype"]
    assert sig["arange"] == ["start", "stop", "step", "repeat"]
    assert sig["eye"] == ["N", "M", "k", "ctx"]
    assert sig["linspace"] == ["start", "stop", "num", "endpoint"]
    x = nd.zeros((2, 3), mx.cpu(), "float64")
    assert x.shape == (2, 3) and x.dtype == np.float64
    assert nd.arange(0, 10, 2).asnumpy().tolist() == [0, 2, 4, 6, 8]


@pytest.mark.parametrize("fn, value", [(nd.zeros, 0), (nd.ones, 1)])
@pytest.mark.parametrize("shape, expected", [((2, 3), (2, 3)), (4, (4,)), ([2, 1, 2], (2, 1, 2)),
                                             ((), (1,)), ((0, 3), (0, 3))])
def test_zeros_ones(fn, value, shape, expected) -> None:
    x = fn(shape)
    assert x.shape == expected and x.dtype == np.float32
    assert np.all(x.asnumpy() == value)


@pytest.mark.parametrize("dtype", ["float16", "float64", "int32", "int64", "uint8", "int8",
                                   np.float64, "bool"])
def test_dtypes(dtype) -> None:
    for x in (nd.zeros((2,), dtype=dtype), nd.ones((2,), dtype=dtype),
              nd.full((2,), 1, dtype=dtype), nd.eye(2, dtype=dtype),
              nd.arange(2, dtype=dtype), nd.linspace(0, 1, 2, dtype=dtype)):
        assert x.dtype == np.dtype(dtype).type


def test_full() -> None:
    x = nd.full((2, 3), 7)
    assert x.dtype == np.float32 and x.asnumpy().tolist() == [[7.0] * 3] * 2
    assert nd.full(3, -1.5).asnumpy().tolist() == [-1.5] * 3
    assert nd.full((2,), 3.7, dtype="int32").asnumpy().tolist() == [3, 3]


@pytest.mark.parametrize("args, kwargs, expected", [
    # golden values from the MXNet 1.x nd.arange docstring
    ((3,), {}, [0, 1, 2]),
    ((2, 6), {}, [2, 3, 4, 5]),
    ((2, 6), {"step": 2}, [2, 4]),
    ((2, 6), {"step": 1.5, "repeat": 2}, [2, 2, 3.5, 3.5, 5, 5]),
    ((2, 6), {"step": 2, "repeat": 3, "dtype": "int32"}, [2, 2, 2, 4, 4, 4]),
    ((5, 0, -1.5), {}, [5, 3.5, 2, 0.5]),
    ((0,), {}, []),
    ((3, 1), {}, []),
    ((0, 1, 0.1), {}, np.arange(0, 1, 0.1).tolist()),
])
def test_arange(args, kwargs, expected) -> None:
    x = nd.arange(*args, **kwargs)
    assert x.dtype == np.dtype(kwargs.get("dtype", "float32")).type
    np.testing.assert_allclose(x.asnumpy(), np.array(expected, dtype=np.float64), rtol=1e-6)
    assert get("arange").infer_shape(start=args[0], stop=args[1] if len(args) > 1 else None,
                                     step=args[2] if len(args) > 2 else kwargs.get("step", 1.0),
                                     repeat=kwargs.get("repeat", 1)) == [x.shape or (1,)]


def test_arange_values_are_not_accumulated() -> None:
    # start + i * step, not a running sum: no drift over long ranges
    x = nd.arange(0, 100000, 0.1, dtype="float64").asnumpy()
    assert x.shape == (1000000,)
    assert x[-1] == pytest.approx(99999.9, abs=1e-9)


@pytest.mark.parametrize("N, M, k", [(1, 0, 0), (3, 0, 0), (2, 3, 0), (3, 2, 0), (3, 0, 1),
                                     (3, 4, -2), (3, 3, 5), (0, 0, 0)])
def test_eye(N, M, k) -> None:
    x = nd.eye(N, M, k)
    np.testing.assert_array_equal(x.asnumpy(), np.eye(N, M or N, k, dtype=np.float32))
    assert x.dtype == np.float32


@pytest.mark.parametrize("start, stop, num, endpoint", [(0, 1, 5, True), (0, 1, 4, False),
                                                        (-2, 3, 1, True), (1, -1, 7, True),
                                                        (0, 1, 0, True)])
def test_linspace(start, stop, num, endpoint) -> None:
    x = nd.linspace(start, stop, num, endpoint)
    expected = np.linspace(start, stop, num, endpoint=endpoint).astype(np.float32)
    assert x.shape == (expected.shape if num else (0,))
    np.testing.assert_allclose(x.asnumpy(), expected, rtol=1e-6)


@pytest.mark.parametrize("name, attrs", [
    ("zeros", {"shape": (2, 3)}), ("zeros", {"shape": 5}), ("zeros", {"shape": ()}),
    ("ones", {"shape": (1, 2, 3)}), ("full", {"shape": (4,), "val": 2}),
    ("arange", {"start": 1, "stop": 9, "step": 3, "repeat": 2}),
    ("arange", {"start": 4}), ("eye", {"N": 3, "M": 5, "k": 1}), ("eye", {"N": 2}),
    ("linspace", {"start": 0, "stop": 1, "num": 6}),
])
def test_shape_inference_matches_forward(name, attrs) -> None:
    op = get(name)
    out = getattr(nd, name)(**attrs)
    assert op.infer_shape(**attrs) == [out.shape]


@pytest.mark.parametrize("call, message", [
    (lambda: nd.zeros((2, -1)), "zeros: shape (2, -1) has a negative dimension"),
    (lambda: nd.ones("3"), "ones: shape must be an int or a tuple of ints, got '3'"),
    (lambda: nd.full((2.5,), 1), "full: shape must be an int or a tuple of ints"),
    (lambda: nd.zeros((2,), stype="csr"), "storage type 'csr' is not supported"),
    (lambda: nd.arange(0, 5, 0), "arange: step must not be 0"),
    (lambda: nd.arange(0, 5, repeat=0), "arange: repeat must be a positive int"),
    (lambda: nd.arange(0, float("inf")), "must be finite"),
    (lambda: nd.eye(-1), "eye: N must be a non-negative int, got -1"),
    (lambda: nd.eye(2, 1.5), "eye: M must be a non-negative int"),
    (lambda: nd.linspace(0, 1, -3), "linspace: num must be a non-negative int, got -3"),
    (lambda: nd.zeros((2,), ctx=mx.gpu(0)), "CPU only"),
    (lambda: nd.ones((2,), dtype="complex-ish"), "unknown dtype"),
])
def test_errors(call, message) -> None:
    with pytest.raises(MXNetError, match=message.replace("(", r"\(").replace(")", r"\)")):
        call()


def test_ctx_is_accepted() -> None:
    assert nd.ones((2,), ctx=mx.cpu()).shape == (2,)
    with mx.cpu(0):
        assert nd.arange(3, ctx=mx.cpu(0)).shape == (3,)


def test_not_recorded_and_out_argument() -> None:
    with autograd.record():
        x = nd.zeros((2,))
    assert x._node is None
    target = nd.ones((3,))
    nd.arange(3, out=target)
    assert target.asnumpy().tolist() == [0, 1, 2]


def test_results_are_independent_writable_arrays() -> None:
    a, b = nd.zeros((2,)), nd.zeros((2,))
    a[:] = 5
    assert b.asnumpy().tolist() == [0, 0]
    e = nd.eye(2)
    e[0, 0] = 3
    assert nd.eye(2).asnumpy()[0, 0] == 1
