"""autograd: recording scopes, backward/grad semantics, grad_req, Function, MXNet's errors."""

from __future__ import annotations

import numpy as np
import pytest

from minigluon import autograd, nd
from minigluon.autograd import INPLACE_IN_GRAPH
from minigluon.base import MXNetError

NOT_IN_GRAPH = "Cannot differentiate node because it is not in a computational graph."


def test_scopes_nest_and_restore() -> None:
    assert not autograd.is_recording() and not autograd.is_training()
    with autograd.record():
        assert autograd.is_recording() and autograd.is_training()
        with autograd.pause():
            assert not autograd.is_recording() and not autograd.is_training()
            with autograd.train_mode():
                assert autograd.is_training() and not autograd.is_recording()
        with autograd.predict_mode():
            assert autograd.is_recording() and not autograd.is_training()
        assert autograd.is_recording() and autograd.is_training()
    with autograd.record(train_mode=False):
        assert autograd.is_recording() and not autograd.is_training()
    assert not autograd.is_recording() and not autograd.is_training()


def test_scope_restores_after_exception() -> None:
    with pytest.raises(ZeroDivisionError), autograd.record():
        1 / 0  # noqa: B018
    assert not autograd.is_recording()


def test_set_recording_returns_previous() -> None:
    assert autograd.set_recording(True) is False
    assert autograd.set_recording(False) is True
    assert autograd.set_training(True) is False
    assert autograd.set_training(False) is True


def test_fan_out_accumulates() -> None:
    x = nd.array([2.0, 3.0])
    x.attach_grad()
    with autograd.record():
        y = x * x + x  # x used three times
    y.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), [5.0, 7.0])


def test_grad_req_write_overwrites_add_accumulates_null_skips() -> None:
    x, z = nd.array([1.0]), nd.array([1.0])
    x.attach_grad("write")
    z.attach_grad("add")
    for _ in range(2):
        with autograd.record():
            y = 3 * x + 5 * z
        y.backward()
    assert x.grad.asscalar() == 3 and z.grad.asscalar() == 10
    n = nd.array([1.0])
    n.attach_grad("null")
    assert n.grad is None
    with autograd.record():
        y = n * 2
    with pytest.raises(MXNetError, match=NOT_IN_GRAPH):
        y.backward()


def test_backward_without_record_raises_mxnet_text() -> None:
    x = nd.array([1.0])
    x.attach_grad()
    y = x * 2
    with pytest.raises(MXNetError) as e:
        y.backward()
    assert str(e.value).startswith(NOT_IN_GRAPH)
    assert "retain_graph=True" in str(e.value)


def test_second_backward_needs_retain_graph() -> None:
    x = nd.array([1.0, 2.0])
    x.attach_grad("add")
    with autograd.record():
        y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), [4.0, 8.0])
    with pytest.raises(MXNetError, match=NOT_IN_GRAPH):
        y.backward()


def test_head_gradients_and_several_heads() -> None:
    x = nd.array([1.0, 2.0])
    x.attach_grad()
    with autograd.record():
        a, b = x * 2, x * x
    autograd.backward([a, b], [nd.array([1.0, 1.0]), nd.array([10.0, 1.0])])
    np.testing.assert_allclose(x.grad.asnumpy(), [2 + 20, 2 + 4])


def test_grad_returns_new_arrays_and_leaves_grad_alone() -> None:
    x, unused = nd.array([3.0]), nd.array([1.0])
    x.attach_grad()
    unused.attach_grad()
    with autograd.record():
        y = x * x
    gx, gu = autograd.grad(y, [x, unused])
    assert gx.asscalar() == 6 and gu.asscalar() == 0
    assert x.grad.asscalar() == 0  # untouched


def test_grad_requires_marked_variables() -> None:
    x = nd.array([1.0])
    with autograd.record():
        y = x * 2
    with pytest.raises(MXNetError, match="attach_grad"):
        autograd.grad(y, [x])
    with pytest.raises(ValueError):
        autograd.grad(y, [])


def test_second_derivative_through_create_graph() -> None:
    x = nd.array([0.5, 1.0])
    x.attach_grad()
    with autograd.record():
        y = nd.sin(x) * x
        (g,) = autograd.grad(y, [x], create_graph=True)  # cos(x) x + sin(x)
    g.backward()  # -sin(x) x + 2 cos(x)
    xv = x.asnumpy()
    np.testing.assert_allclose(g.asnumpy(), np.cos(xv) * xv + np.sin(xv), rtol=1e-6)
    np.testing.assert_allclose(x.grad.asnumpy(), -np.sin(xv) * xv + 2 * np.cos(xv), rtol=1e-6)


def test_inplace_write_to_graph_array_raises_mxnet_text() -> None:
    x = nd.array([1.0])
    x.attach_grad()
    with autograd.record():
        y = x * 2
        for write in (lambda: y.__iadd__(1), lambda: y.__setitem__(0, 5),
                      lambda: nd.relu(x, out=y)):
            with pytest.raises(MXNetError) as e:
                write()
            assert str(e.value) == INPLACE_IN_GRAPH
    assert "inplace operations like +=" in INPLACE_IN_GRAPH


def test_inplace_on_fresh_array_inside_record_is_recorded() -> None:
    x = nd.array([1.0, 2.0])
    x.attach_grad()
    acc = nd.array([0.0, 0.0])
    with autograd.record():
        acc += x * 3
        out = acc * 2
    out.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), [6.0, 6.0])


def test_setitem_with_graph_value_is_differentiable() -> None:
    x = nd.array([1.0, 2.0])
    x.attach_grad()
    buf = nd.zeros((3,))
    with autograd.record():
        buf[1:] = x * x
        y = buf * nd.array([5.0, 1.0, 10.0])
    y.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), [2 * 1 * 1, 2 * 2 * 10])


def test_detach_and_blockgrad_stop_gradients() -> None:
    x = nd.array([2.0])
    x.attach_grad()
    with autograd.record():
        y = x * x.detach() + x * nd.stop_gradient(x)
    y.backward()
    assert x.grad.asscalar() == 4


def test_mark_variables_validates() -> None:
    x = nd.array([1.0, 2.0])
    with pytest.raises(ValueError, match="grad_req must be one of"):
        autograd.mark_variables(x, nd.zeros((2,)), "sometimes")
    with pytest.raises(ValueError, match="does not match"):
        autograd.mark_variables(x, nd.zeros((3,)))


def test_attach_grad_makes_a_computed_array_a_leaf() -> None:
    x = nd.array([1.0])
    x.attach_grad()
    with autograd.record():
        y = x * 3
    y.attach_grad()
    with autograd.record():
        z = y * 2
    z.backward()
    assert y.grad.asscalar() == 2 and x.grad.asscalar() == 0


class _Square(autograd.Function):
    def forward(self, x):
        self.save_for_backward(x)
        return x * x

    def backward(self, dy):
        (x,) = self.saved_tensors
        return 2 * x * dy


def test_function_custom_backward() -> None:
    x = nd.array([3.0])
    x.attach_grad()
    with autograd.record():
        y = _Square()(x) * 2
    y.backward()
    assert x.grad.asscalar() == 12


def test_function_forward_runs_unrecorded_and_once() -> None:
    seen = []

    class Probe(autograd.Function):
        def forward(self, x):
            seen.append(autograd.is_recording())
            return x * 1

        def backward(self, dy):
            return dy

    f = Probe()
    x = nd.array([1.0])
    x.attach_grad()
    with autograd.record():
        f(x)
    assert seen == [False]
    with pytest.raises(MXNetError, match="Each Function instance can only be called once"):
        f(x)


def test_function_backward_count_checked() -> None:
    class Bad(autograd.Function):
        def forward(self, x, y):
            return x + y

        def backward(self, dy):
            return dy

    x, y = nd.array([1.0]), nd.array([2.0])
    x.attach_grad()
    with autograd.record():
        z = Bad()(x, y)
    with pytest.raises(MXNetError, match="must return exactly the same number"):
        z.backward()


def test_ops_outside_record_build_nothing() -> None:
    x = nd.array([1.0])
    x.attach_grad()
    y = x * 2
    assert y._node is None
    with autograd.record():
        z = x * 2
        c = nd.array([1.0]) * 2  # no input needs a gradient: not taped
    assert z._node is not None and c._node is None


def test_float64_gradients_stay_float64() -> None:
    x = nd.array([1.0, 2.0], dtype="float64")
    x.attach_grad()
    with autograd.record():
        y = (x * 0.1).sum()
    y.backward()
    assert x.grad.dtype == np.float64


# -- get_symbol ----------------------------------------------------------------------------------
def test_get_symbol_names_variables_constants_and_nodes() -> None:
    x, c = nd.array([1.0, 2.0]), nd.array([0.5, 0.5])
    x.attach_grad()
    with autograd.record():
        y = x * x + 2 * x - c
    s = autograd.get_symbol(y)
    assert s.list_arguments() == ["var0", "null1"]
    assert s.list_outputs() == ["node_3_output"]
    np.testing.assert_allclose(s.eval(var0=nd.array([3.0, 0.0]), null1=c)[0].asnumpy(),
                               [14.5, -0.5])


def test_get_symbol_counts_each_variable_once_and_picks_outputs() -> None:
    x, z = nd.ones((3, 2)), nd.ones((3, 2))
    x.attach_grad()
    z.attach_grad()
    with autograd.record():
        a, b, _ = nd.split(x * z + x, num_outputs=3, axis=0)
        d = b + a
    s = autograd.get_symbol(d)
    assert sorted(s.list_arguments()) == ["var0", "var1"]
    assert s.eval(var0=nd.ones((3, 2)), var1=nd.ones((3, 2)))[0].shape == (1, 2)


def test_get_symbol_of_an_unrecorded_array_fails() -> None:
    with pytest.raises(MXNetError, match="not in a computational graph"):
        autograd.get_symbol(nd.ones(2))


# -- gradients taken over rather than copied (grad_req='write') --------------------------------
def test_an_unshared_gradient_becomes_the_grad_buffer_and_the_grad_array_stays() -> None:
    from minigluon import gluon

    net = gluon.nn.Dense(3, in_units=4)
    net.initialize()
    grad = net.weight.grad()
    before = grad._data
    x = nd.array(np.arange(8.0).reshape(2, 4))
    with autograd.record():
        y = net(x).sum()
    y.backward()
    assert net.weight.grad() is grad  # the NDArray users hold is the same object
    assert grad._data is not before  # its buffer is the computed gradient, not a copy of it
    np.testing.assert_allclose(grad.asnumpy(), np.tile(x.asnumpy().sum(0), (3, 1)))


def test_a_gradient_two_variables_share_is_copied_into_each() -> None:
    a, b = nd.array([1.0, 2.0]), nd.array([3.0, 4.0])
    a.attach_grad()
    b.attach_grad()
    with autograd.record():
        y = a + b  # the backward of + hands the same array to both inputs
    y.backward()
    assert not np.shares_memory(a.grad._data, b.grad._data)
    a.grad[:] = 5
    assert b.grad.asnumpy().tolist() == [1.0, 1.0]


def test_a_head_gradient_the_user_passed_is_not_taken_over() -> None:
    x = nd.array([1.0, 2.0])
    x.attach_grad()
    head = nd.array([7.0, 8.0])
    with autograd.record():
        y = x + 1  # its backward hands the head gradient on unchanged
    y.backward(head)
    assert not np.shares_memory(x.grad._data, head._data)
    head[:] = 0
    assert x.grad.asnumpy().tolist() == [7.0, 8.0]


def test_grad_req_add_still_accumulates_in_its_buffer() -> None:
    x = nd.array([1.0, 2.0])
    x.attach_grad(grad_req="add")
    buf = x.grad._data
    for _ in range(2):
        with autograd.record():
            y = (x * x).sum()
        y.backward()
    assert x.grad._data is buf
    assert x.grad.asnumpy().tolist() == [4.0, 8.0]
