"""NDArray: creation and dtype rules, repr, conversions, operators, errors."""

from __future__ import annotations

import copy
import pickle

import numpy as np
import pytest

import minigluon as mx
from minigluon import nd
from minigluon.base import MXNetError


def test_repr_matches_mxnet() -> None:
    x = nd.array([[1, 2, 3], [4, 5, 6]])
    assert repr(x) == "\n[[1. 2. 3.]\n [4. 5. 6.]]\n<NDArray 2x3 @cpu(0)>"
    assert str(x) == repr(x)


@pytest.mark.parametrize("src", [[1, 2], (1.5, 2), np.arange(3), np.arange(3.0)])
def test_array_defaults_to_float32(src) -> None:
    assert nd.array(src).dtype == np.float32


def test_array_keeps_dtype_of_ndarray_and_explicit_dtype() -> None:
    x = nd.array([1, 2], dtype="int64")
    assert x.dtype == np.int64
    assert nd.array(x).dtype == np.int64
    assert nd.array(x, dtype="float16").dtype == np.float16


def test_array_copies() -> None:
    src = np.zeros(3, dtype=np.float32)
    x = nd.array(src)
    src[0] = 5
    assert x.asnumpy()[0] == 0


def test_no_zero_dim_arrays() -> None:
    assert nd.array(3.0).shape == (1,)
    m = nd.array([[1, 2], [3, 4]])
    assert m[1, 1].shape == (1,) and m[1, 1].asscalar() == 4


def test_asscalar_and_conversions() -> None:
    assert nd.array([2.5]).asscalar() == 2.5
    with pytest.raises(ValueError, match="The current array is not a scalar"):
        nd.array([1, 2]).asscalar()
    assert float(nd.array([2.5])) == 2.5 and int(nd.array([3.0])) == 3
    assert bool(nd.array([1.0])) and not bool(nd.array([0.0]))
    with pytest.raises(ValueError, match="ambiguous"):
        bool(nd.array([1.0, 2.0]))
    assert np.asarray(nd.array([1, 2])).tolist() == [1.0, 2.0]


def test_len_iter_and_properties() -> None:
    x = nd.array([[1, 2], [3, 4], [5, 6]])
    assert len(x) == 3 and x.size == 6 and x.ndim == 2 and x.stype == "default"
    assert [r.shape for r in x] == [(2,), (2,), (2,)]
    assert x.context == mx.cpu() and x.ctx == mx.cpu(0)
    assert x.T.shape == (2, 3)


def test_operators_broadcast_and_keep_float32() -> None:
    x = nd.array([[1, 2, 3]])
    y = nd.array([[10], [20]])
    assert (x + y).shape == (2, 3)
    for r in (x * np.float64(2), np.float64(2) * x, x + 1, 1 - x, 2 ** x, x ** 2, x / 2, 1 / x):
        assert isinstance(r, nd.NDArray) and r.dtype == np.float32
    assert (-x).asnumpy().tolist() == [[-1, -2, -3]]
    assert abs(nd.array([-2.0])).asscalar() == 2


def test_comparisons_are_float_zero_one() -> None:
    x = nd.array([1, 2, 3])
    r = x > 1.5
    assert r.dtype == np.float32 and r.asnumpy().tolist() == [0, 1, 1]
    assert (x == x).asnumpy().tolist() == [1, 1, 1]
    assert (x != 2).asnumpy().tolist() == [1, 0, 1]
    assert (x <= nd.array([3, 2, 1])).asnumpy().tolist() == [1, 1, 0]


def test_inplace_operators_write_through_views() -> None:
    x = nd.zeros((2, 3))
    row = x[1]
    row += 5
    assert x.asnumpy()[1].tolist() == [5, 5, 5]
    x *= 2
    assert x.asnumpy()[1].tolist() == [10, 10, 10]


def test_astype_copy_detach_copyto() -> None:
    x = nd.array([1.7, -2.2])
    assert x.astype("int32").asnumpy().tolist() == [1, -2]
    assert x.astype("float32", copy=False) is x
    c = x.copy()
    c[:] = 0
    assert x.asnumpy()[0] != 0
    d = x.detach()
    assert d._node is None and np.shares_memory(d._data, x._data)
    z = nd.zeros((2,))
    assert x.copyto(z) is z and np.allclose(z.asnumpy(), x.asnumpy())
    with pytest.raises(ValueError, match="does not match"):
        x.copyto(nd.zeros((3,)))
    assert x.as_in_context(mx.cpu()) is x


def test_gpu_context_is_refused_clearly() -> None:
    with pytest.raises(MXNetError, match="CPU only"):
        nd.array([1], ctx=mx.gpu(0))


def test_shape_mismatch_names_op_and_shapes() -> None:
    with pytest.raises(MXNetError) as e:
        nd.ones((2, 3)) + nd.ones((4,))
    msg = str(e.value)
    assert "broadcast_add" in msg and "(2, 3)" in msg and "(4,)" in msg
    with pytest.raises(MXNetError, match=r"elemwise_add: shapes \(2,\) and \(3,\) differ"):
        nd.elemwise_add(nd.ones((2,)), nd.ones((3,)))


def test_out_argument_writes_into_array() -> None:
    x, out = nd.array([-1.0, 2.0]), nd.zeros((2,))
    r = nd.relu(x, out=out)
    assert r is out and out.asnumpy().tolist() == [0, 2]
    with pytest.raises(MXNetError, match="cannot write a result of shape"):
        nd.relu(x, out=nd.zeros((3,)))


def test_ndarrays_are_not_pickled() -> None:
    with pytest.raises(TypeError, match=r"nd\.save"):
        pickle.dumps(nd.ones((1,)))


def test_context_objects() -> None:
    assert repr(mx.cpu()) == "cpu(0)" and mx.cpu(1) != mx.cpu(0)
    with mx.cpu(0) as c:
        assert mx.current_context() is c
    assert mx.context.num_gpus() == 0
    with pytest.raises(ValueError, match="unknown device type"):
        mx.Context("tpu")


def test_reset_arrays_zeroes_every_array_in_place() -> None:
    arrays = [nd.ones((2, 3)), nd.ones((4,), dtype="float16"), nd.ones((1,), dtype="float64")]
    views = [a.reshape((-1,)) for a in arrays]
    nd.reset_arrays(*arrays, num_arrays=3)
    for a, v in zip(arrays, views):
        assert not a.asnumpy().any() and not v.asnumpy().any()
    with pytest.raises(MXNetError, match="num_arrays=1 but 2 arrays"):
        nd.reset_arrays(*arrays[:2], num_arrays=1)


def test_squeeze_inplace_is_a_view_and_both_forms_agree() -> None:
    x = nd.arange(6).reshape((3, 1, 2, 1))
    assert x.squeeze(inplace=False).shape == x.squeeze(inplace=True).shape == (3, 2)
    assert x.squeeze(axis=3, inplace=True).shape == (3, 1, 2)
    x.squeeze(inplace=True)[0] = -1
    assert x.asnumpy()[0].ravel().tolist() == [-1, -1]


def test_deepcopy_copies_the_values_but_pickle_stays_refused() -> None:
    x = nd.array([1, 2])
    y = copy.deepcopy({"state": x})["state"]
    y[:] = 0
    assert x.asnumpy().tolist() == [1, 2]
    with pytest.raises(TypeError, match="not pickled"):
        pickle.dumps(x)
