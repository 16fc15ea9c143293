"""minigluon.contrib.autograd: MXNet's first autograd API over the current one."""

from __future__ import annotations

import numpy as np
import pytest

from minigluon import autograd as ag
from minigluon import nd
from minigluon.contrib import autograd


def test_sections_set_and_restore_both_flags() -> None:
    assert not ag.is_recording() and not ag.is_training()
    with autograd.train_section():
        assert ag.is_recording() and ag.is_training()
        with autograd.test_section():
            assert not ag.is_recording() and not ag.is_training()
        assert ag.is_recording() and ag.is_training()
    assert not ag.is_recording() and not ag.is_training()
    assert autograd.set_is_training(True) is False
    assert autograd.set_is_training(False) is True


def test_dropout_follows_the_sections() -> None:
    x = nd.ones((20, 20))
    with autograd.train_section():
        assert (nd.Dropout(x, p=0.5).asnumpy() == 0).any()
        with autograd.test_section():
            assert (nd.Dropout(x, p=0.5).asnumpy() == 1).all()


def test_grad_and_loss_with_argnum() -> None:
    f = autograd.grad_and_loss(lambda a, b, add: a + b if add else a * b, argnum=[0, 1])
    a, b = nd.array([1.0, 2.0]), nd.array([3.0, 4.0])
    (ga, gb), out = f(a, b, False)
    np.testing.assert_array_equal(ga.asnumpy(), [3, 4])
    np.testing.assert_array_equal(gb.asnumpy(), [1, 2])
    np.testing.assert_array_equal(out.asnumpy(), [3, 8])
    (ga,) = autograd.grad(lambda a: nd.exp(a), argnum=0)(nd.zeros(1))
    assert ga.asscalar() == 1.0
    with pytest.raises(TypeError, match="NDArray"):
        autograd.grad(lambda a: a)(1.0)


def test_backward_head_grads_and_retain() -> None:
    x, dx = nd.ones(3), nd.zeros(3)
    autograd.mark_variables([x], [dx], grad_reqs="add")
    with autograd.train_section():
        y = x * 2
    autograd.backward([y], [nd.array([1.0, 2.0, 3.0])], retain_graph=True)
    autograd.backward([y], [None])
    np.testing.assert_array_equal(dx.asnumpy(), [4, 6, 8])
    with pytest.raises(TypeError, match="list or tuple"):
        autograd.backward(y)
    with pytest.raises(ValueError, match="same length"):
        autograd.backward([y], [None, None])
