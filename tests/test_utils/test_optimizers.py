"""minigluon.test_utils.optimizers: comparing optimizers' weights and states after an update."""

from __future__ import annotations

import numpy as np
import pytest

from minigluon import nd, optimizer
from minigluon.test_utils import compare_ndarray_tuple, compare_optimizer


def test_same_optimizers_agree_for_several_tensors() -> None:
    make = lambda: optimizer.Adam(learning_rate=0.01)  # noqa: E731
    compare_optimizer(make(), make(), (4, 3), "float32")
    compare_optimizer(make(), make(), [(2,), (3, 3)], "float64", ntensors=2)


def test_different_hyperparameters_are_caught() -> None:
    with pytest.raises(AssertionError):
        compare_optimizer(optimizer.SGD(learning_rate=0.1), optimizer.SGD(learning_rate=0.1,
                                                                          wd=0.5), (5,),
                          "float32")
    with pytest.raises(AssertionError):  # the first moments differ
        compare_optimizer(optimizer.Adam(beta1=0.9), optimizer.Adam(beta1=0.5), (5,), "float32")


def test_compare_ndarray_tuple_structure() -> None:
    compare_ndarray_tuple((nd.ones(2), None), (np.ones(2), nd.zeros(3)))
    with pytest.raises(AssertionError, match="structures differ"):
        compare_ndarray_tuple((nd.ones(2),), nd.ones(2))
    with pytest.raises(ValueError, match="dense"):
        compare_optimizer(optimizer.SGD(), optimizer.SGD(), (2,), "float32", w_stype="csr")
