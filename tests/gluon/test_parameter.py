"""Parameter: storage types, access errors, dict sharing rules."""

from __future__ import annotations

import numpy as np
import pytest

import minigluon as mx
from minigluon import gluon, nd
from minigluon.base import MXNetError


@pytest.mark.parametrize("kind", ["stype", "grad_stype"])
def test_unknown_storage_type_is_refused_naming_the_parameter(kind) -> None:
    with pytest.raises(AssertionError, match=f"{kind} for Parameter 'w' must be one of"):
        gluon.Parameter("w", shape=(2,), **{kind: "dense"})


def test_sparse_weight_storage_is_named_in_every_access_error() -> None:
    p = gluon.Parameter("w", shape=(3, 2), stype="row_sparse")
    p.initialize()
    with pytest.raises(RuntimeError, match="via data\\(\\) because its storage type is row_sparse"):
        p.data()
    with pytest.raises(RuntimeError, match="via list_data\\(\\) because its storage type"):
        p.list_data()
    with pytest.raises(MXNetError, match="has no row_sparse or csr storage"):
        p.row_sparse_data(nd.array([0, 1]))


def test_dense_parameter_refuses_row_sparse_access() -> None:
    p = gluon.Parameter("w", shape=(3, 2))
    p.initialize()
    with pytest.raises(RuntimeError, match=r"storage type is default\. Please use data"):
        p.row_sparse_data(nd.array([0]))
    with pytest.raises(RuntimeError, match="list_row_sparse_data\\(\\) because its storage"):
        p.list_row_sparse_data(nd.array([0]))


def test_a_block_cannot_compute_with_a_sparse_weight() -> None:
    params = gluon.ParameterDict("net_")
    params.get("weight", shape=(2, 2), stype="row_sparse", allow_deferred_init=True)
    net = gluon.nn.Dense(2, in_units=2, params=params)
    net.initialize()
    with pytest.raises(RuntimeError, match="storage type is row_sparse"):
        net(nd.ones((1, 2)))


def test_sparse_gradients_are_kept_dense_with_the_same_values() -> None:
    p = gluon.Parameter("w", shape=(3,), grad_stype="row_sparse")
    p.initialize(mx.init.One())
    with mx.autograd.record():
        y = (p.data() * nd.array([1, 0, 2])).sum()
    y.backward()
    np.testing.assert_array_equal(p.grad().asnumpy(), [1, 0, 2])
