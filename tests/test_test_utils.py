"""minigluon.test_utils: tolerances by dtype, messages, random data, numeric gradient checks."""

from __future__ import annotations

import inspect

import numpy as np
import pytest

import minigluon as mx
from minigluon import autograd, nd, test_utils
from minigluon.base import MXNetError
from minigluon.test_utils import (
    almost_equal,
    assert_almost_equal,
    check_numeric_gradient,
    default_context,
    rand_ndarray,
    rand_shape_2d,
    rand_shape_3d,
    rand_shape_nd,
    same,
)


def test_all_is_complete() -> None:
    for name in test_utils.__all__:
        assert callable(getattr(test_utils, name)) or inspect.ismodule(getattr(test_utils, name))


def test_star_import_gives_what_mxnet_tests_expect() -> None:
    scope: dict = {}
    exec("from minigluon.test_utils import *", scope)
    assert scope["mx"] is mx and scope["np"] is np and scope["NDArray"] is nd.NDArray
    assert mx.test_utils is test_utils


def test_default_context() -> None:
    assert default_context() == mx.cpu(0)
    with mx.cpu(1):
        assert default_context() == mx.cpu(1)
    assert test_utils.default_dtype() is np.float32


# -- comparisons -----------------------------------------------------------------------------------
@pytest.mark.parametrize("dtype, ok, bad", [
    ("float16", 1.005, 1.2),      # rtol 1e-2, atol 1e-1
    ("float32", 1.00001, 1.01),   # rtol 1e-4, atol 1e-3
    ("float64", 1 + 1e-6, 1 + 1e-4),  # rtol 1e-5, atol 1e-20
])
def test_default_tolerances_follow_dtype(dtype, ok, bad) -> None:
    a = np.array([1.0, 2.0], dtype=dtype)
    b = np.array([ok, 2.0], dtype="float64")
    assert_almost_equal(a, b)
    assert almost_equal(a, b)
    with pytest.raises(AssertionError):
        assert_almost_equal(a, np.array([bad, 2.0], dtype=dtype))
    assert not almost_equal(a, np.array([bad, 2.0], dtype=dtype))


def test_less_precise_dtype_decides() -> None:
    a = np.array([1.0], dtype="float16")
    b = np.array([1.05], dtype="float64")
    assert_almost_equal(a, b)  # float16 tolerances apply
    assert_almost_equal(b, a)


def test_integers_must_match_exactly() -> None:
    assert_almost_equal(np.array([1, 2]), nd.array([1, 2], dtype="int32"))
    with pytest.raises(AssertionError):
        assert_almost_equal(np.array([1, 2]), np.array([1, 3]))
    assert_almost_equal(np.array([True, False]), np.array([True, False]))
    with pytest.raises(AssertionError):
        assert_almost_equal(np.array([True]), np.array([False]))


def test_explicit_tolerances_and_dicts() -> None:
    assert_almost_equal([1.0], [1.5], rtol=0, atol=0.6)
    with pytest.raises(AssertionError):
        assert_almost_equal([1.0], [1.5], rtol=0, atol=0.4)
    f32 = np.dtype("float32")
    assert_almost_equal(np.float32([1.0]), np.float32([1.2]), rtol={f32: 0.5}, atol={f32: 0})
    assert almost_equal(nd.array([100.0]), nd.array([101.0]), rtol=0.02)


def test_ndarrays_numbers_and_broadcasting() -> None:
    assert_almost_equal(nd.ones((2, 3)), 1.0)
    assert_almost_equal(nd.ones((2, 3)), np.ones(3))
    with pytest.raises(AssertionError, match=r"a.shape = \(2, 3\) and b.shape = \(3,\) are not"):
        assert_almost_equal(nd.ones((2, 3)), np.ones(3), use_broadcast=False)
    with pytest.raises(AssertionError, match="do not broadcast"):
        assert_almost_equal(nd.ones((2, 3)), np.ones(2))
    assert not almost_equal(nd.ones((2, 3)), np.ones(2))
    assert not almost_equal(nd.ones((2, 3)), np.ones(3), use_broadcast=False)


def test_nan_handling() -> None:
    x = np.array([1.0, np.nan])
    with pytest.raises(AssertionError, match="Location of maximum error: \\(1,\\)"):
        assert_almost_equal(x, x)
    assert_almost_equal(x, x, equal_nan=True)
    assert almost_equal(x, x, equal_nan=True) and not almost_equal(x, x)
    inf = np.array([np.inf, 1.0])
    assert_almost_equal(inf, inf)


def test_failure_message_names_location_and_values() -> None:
    a = np.zeros((3, 4), dtype=np.float32)
    b = a.copy()
    b[1, 2] = 0.5
    b[2, 3] = 0.1
    with pytest.raises(AssertionError) as info:
        assert_almost_equal(a, b, names=("got", "want"))
    msg = str(info.value)
    assert "exceeds tolerance rtol=1.000000e-04, atol=1.000000e-03" in msg
    assert "mismatch 16.6667% of 12 elements" in msg
    assert "Location of maximum error: (1, 2), got=0.0, want=0.5" in msg
    assert "at (2, 3): got=0.0, want=0.1" in msg


def test_failure_message_lists_at_most_mismatches() -> None:
    with pytest.raises(AssertionError) as info:
        assert_almost_equal(np.zeros(30), np.ones(30), mismatches=(3, 3))
    msg = str(info.value)
    assert msg.count("  at (") == 3 and "... and 27 more" in msg


def test_same() -> None:
    assert same(nd.array([1, 2]), np.array([1.0, 2.0]))
    assert not same(nd.array([1, 2]), np.array([1.0, 2.0001]))
    assert not same(nd.ones((2,)), nd.ones((1, 2)))


# -- random data -----------------------------------------------------------------------------------
def test_rand_ndarray() -> None:
    mx.random.seed(5)
    a = rand_ndarray((3, 4))
    mx.random.seed(5)
    b = rand_ndarray((3, 4))
    assert a.shape == (3, 4) and a.dtype == np.float32
    assert same(a, b)
    assert rand_ndarray(5, dtype="float64").dtype == np.float64
    assert rand_ndarray((2,), ctx=mx.cpu()).shape == (2,)
    x = rand_ndarray((100, 100)).asnumpy()
    assert abs(x.mean()) < 0.05 and abs(x.std() - 1) < 0.05
    with pytest.raises(MXNetError, match="storage type 'csr' is not supported"):
        rand_ndarray((2, 2), stype="csr")


def test_rand_shapes() -> None:
    for _ in range(50):
        s = rand_shape_nd(3, dim=4)
        assert len(s) == 3 and all(isinstance(d, int) and 1 <= d <= 4 for d in s)
        s2 = rand_shape_2d(2, 5)
        assert 1 <= s2[0] <= 2 and 1 <= s2[1] <= 5
        assert len(rand_shape_3d()) == 3
    zeros = {d for _ in range(200) for d in rand_shape_nd(2, dim=1, allow_zero_size=True)}
    assert zeros == {0, 1}
    mx.random.seed(1)
    first = rand_shape_nd(5)
    mx.random.seed(1)
    assert rand_shape_nd(5) == first


# -- check_numeric_gradient ------------------------------------------------------------------------
def test_numeric_gradient_passes_for_correct_gradients() -> None:
    check_numeric_gradient(lambda x: x * x, [np.array([[1.0, -2.0], [0.5, 3.0]])])
    check_numeric_gradient(lambda a, b: a * b + a / b, [np.random.rand(3, 4) + 0.5,
                                                        np.random.rand(3, 4) + 0.5])
    check_numeric_gradient(lambda a, b: a * b, {"a": np.ones((2, 3)), "b": np.arange(6.0)
                                                .reshape(2, 3)})
    check_numeric_gradient(lambda x: nd.exp(x), [np.linspace(-1, 1, 5)], dtype=np.float64,
                           numeric_eps=1e-6, rtol=1e-6)


def test_numeric_gradient_detects_wrong_gradients() -> None:
    with pytest.raises(AssertionError, match=r"NUMERICAL_x=.*BACKWARD_x="):
        check_numeric_gradient(lambda x: x * x.detach(), [np.array([1.0, 2.0, 3.0])])

    class WrongSquare(autograd.Function):
        def forward(self, x):
            self.save_for_backward(x)
            return x * x

        def backward(self, dy):
            (x,) = self.saved_tensors
            return dy * x * 3  # should be 2x

    with pytest.raises(AssertionError, match="exceeds tolerance"):
        check_numeric_gradient(lambda x: WrongSquare()(x), [np.array([0.5, 1.5])])


def test_grad_nodes_select_inputs() -> None:
    def f(a, b):
        return a * b.detach()  # b's gradient is wrong (zero) on purpose

    loc = [np.array([1.0, 2.0]), np.array([3.0, 4.0])]
    check_numeric_gradient(f, loc, grad_nodes=["a"])
    check_numeric_gradient(f, loc, grad_nodes=[0])
    check_numeric_gradient(f, loc, grad_nodes={"a": "write", "b": "null"})
    check_numeric_gradient(f, loc, grad_nodes={"a": "add"})
    with pytest.raises(AssertionError):
        check_numeric_gradient(f, loc, grad_nodes=["b"])
    with pytest.raises(MXNetError, match="grad node 'c' is not an input; inputs are"):
        check_numeric_gradient(f, loc, grad_nodes=["c"])
    with pytest.raises(MXNetError, match="invalid grad_req 'sometimes'"):
        check_numeric_gradient(f, loc, grad_nodes={"a": "sometimes"})


def test_integer_inputs_are_not_differentiated() -> None:
    def pick_row(x, idx):
        return x * (idx + 1).astype("float32")

    check_numeric_gradient(pick_row, [np.array([1.0, 2.0]), np.array([0, 1], dtype=np.int32)])


def test_numeric_gradient_argument_errors() -> None:
    with pytest.raises(TypeError, match="must return one NDArray"):
        check_numeric_gradient(lambda x: [x, x], [np.ones(2)])
    with pytest.raises(TypeError, match="expected a callable"):
        check_numeric_gradient("not a function", [np.ones(2)])
    with pytest.raises(TypeError, match="location must be a list, tuple or dict"):
        check_numeric_gradient(lambda x: x, np.ones(2))
    with pytest.raises(MXNetError, match="aux_states is only meaningful for Symbols"):
        check_numeric_gradient(lambda x: x, [np.ones(2)], aux_states=[np.ones(2)])
    with pytest.raises(MXNetError, match="CPU only"):
        check_numeric_gradient(lambda x: x, [np.ones(2)], ctx=mx.gpu(0))


def test_training_mode_is_used_when_asked() -> None:
    seen = []

    def f(x):
        seen.append(autograd.is_training())
        return x * 2

    check_numeric_gradient(f, [np.ones(2)])
    assert set(seen) == {True}
    seen.clear()
    check_numeric_gradient(f, [np.ones(2)], use_forward_train=False)
    assert set(seen) == {False}


def test_same_array_and_np_reduce() -> None:
    x = nd.zeros((2, 3))
    assert test_utils.same_array(x, x.reshape((3, 2)))
    assert not test_utils.same_array(x, x.copy())
    assert x.asnumpy().sum() == 0  # left unchanged
    data = np.arange(24.0).reshape(2, 3, 4)
    np.testing.assert_array_equal(test_utils.np_reduce(data, [0, -1], False, np.sum),
                                  data.sum(axis=(0, 2)))
    assert test_utils.np_reduce(data, None, True, np.max).shape == (1, 1, 1)
    assert test_utils.default_numeric_eps()[np.dtype(np.float64)] == 2.0**-14


def test_ignore_nan_and_allclose() -> None:
    test_utils.assert_almost_equal_ignore_nan([1.0, np.nan, 3.0], nd.array([1.0, 2.0, 3.0]))
    with pytest.raises(AssertionError):
        test_utils.assert_almost_equal_ignore_nan([1.0, np.nan], [1.5, 2.0])
    test_utils.assert_allclose(nd.array([1.0, np.nan]), [1.0, np.nan])  # NaNs equal by default
    with pytest.raises(AssertionError):
        test_utils.assert_allclose(nd.array([1.0]), [1.0 + 1e-5])  # rtol 1e-7
