"""Executors: Symbol.bind / simple_bind, forward, backward per grad_req, reshape, params."""

from __future__ import annotations

import numpy as np
import pytest

import minigluon as mx
from minigluon import nd, sym
from minigluon.base import MXNetError


def _fc():
    return sym.FullyConnected(sym.var('x'), num_hidden=3, name='fc')


def test_bind_forward_backward_matches_numpy():
    rng = np.random.RandomState(0)
    x, w, b = rng.randn(4, 5), rng.randn(3, 5), rng.randn(3)
    args = {'x': nd.array(x), 'fc_weight': nd.array(w), 'fc_bias': nd.array(b)}
    grads = {k: nd.zeros(v.shape) for k, v in args.items()}
    ex = _fc().bind(mx.cpu(), args=args, args_grad=grads)
    out = ex.forward(is_train=True)[0].asnumpy()
    np.testing.assert_allclose(out, x @ w.T + b, rtol=1e-5)
    g = rng.randn(4, 3)
    ex.backward(nd.array(g))
    np.testing.assert_allclose(ex.grad_dict['x'].asnumpy(), g @ w, rtol=1e-5)
    np.testing.assert_allclose(ex.grad_dict['fc_weight'].asnumpy(), g.T @ x, rtol=1e-5)
    np.testing.assert_allclose(ex.grad_dict['fc_bias'].asnumpy(), g.sum(0), rtol=1e-5)
    # positional args in list_arguments order work the same
    ex2 = _fc().bind(None, [args['x'], args['fc_weight'], args['fc_bias']])
    np.testing.assert_allclose(ex2.forward()[0].asnumpy(), out)


def test_grad_req_write_add_null():
    x = sym.var('x')
    y = x * x
    for req, expect in (('write', [2., 4.]), ('add', [4., 8.])):
        ex = y.simple_bind(None, grad_req=req, x=(2,))
        for _ in range(2):
            ex.forward(is_train=True, x=nd.array([1, 2]))
            ex.backward()
        np.testing.assert_allclose(ex.grad_dict['x'].asnumpy(), expect)
    ex = y.simple_bind(None, grad_req='null', x=(2,))
    assert ex.grad_dict == {}
    ex.forward(x=nd.array([1, 2]))
    ex.backward()  # nothing asks for a gradient: a no-op


def test_batchnorm_updates_aux_states_in_training_only():
    bn = sym.BatchNorm(sym.var('x'), name='bn', fix_gamma=False)
    ex = bn.simple_bind(None, x=(4, 2))
    ex.arg_dict['bn_gamma'][:] = 1
    ex.aux_dict['bn_moving_var'][:] = 1
    data = nd.array(np.arange(8).reshape(4, 2))
    ex.forward(is_train=False, x=data)
    assert ex.aux_dict['bn_moving_mean'].asnumpy().tolist() == [0, 0]
    ex.forward(is_train=True, x=data)
    np.testing.assert_allclose(ex.aux_dict['bn_moving_mean'].asnumpy(), [0.3, 0.4], rtol=1e-5)


def test_reshape_shares_memory_and_refuses_to_grow():
    ex = _fc().simple_bind(None, x=(4, 5), grad_req='null')
    ex.arg_dict['fc_weight'][:] = 1
    small = ex.reshape(x=(2, 5))
    assert small.arg_dict['fc_weight'] is ex.arg_dict['fc_weight']
    small.arg_dict['x'][:] = 1
    assert ex.arg_dict['x'].asnumpy()[:2].tolist() == [[1] * 5] * 2
    small.forward()
    assert ex.outputs[0].asnumpy()[:2].tolist() == [[5] * 3] * 2
    with pytest.raises(MXNetError, match="allow_up_sizing"):
        ex.reshape(x=(8, 5))
    big = ex.reshape(allow_up_sizing=True, x=(8, 5))
    assert big.outputs[0].shape == (8, 3)


def test_copy_params_from_and_errors():
    ex = _fc().simple_bind(None, x=(1, 5))
    ex.copy_params_from({'fc_bias': nd.ones(3)})
    assert ex.arg_dict['fc_bias'].asnumpy().tolist() == [1, 1, 1]
    with pytest.raises(ValueError):
        ex.copy_params_from({'nope': nd.ones(1)})
    ex.copy_params_from({'nope': nd.ones(1)}, allow_extra_params=True)
    with pytest.raises(ValueError, match="not an argument"):
        ex.forward(nope=nd.ones(1))
    with pytest.raises(MXNetError, match="cannot infer"), pytest.warns(UserWarning):
        _fc().simple_bind(None)
    with pytest.raises(ValueError, match="no array given"):
        _fc().bind(None, args={'x': nd.ones((1, 5))})
    with pytest.raises(ValueError, match="grad_req"):
        _fc().simple_bind(None, grad_req='sometimes', x=(1, 5))


def test_backward_needs_a_forward_first():
    ex = _fc().simple_bind(None, x=(1, 5))
    with pytest.raises(MXNetError, match="forward first"):
        ex.backward()


def test_monitor_callback_sees_outputs():
    seen = []
    ex = sym.relu(sym.var('x'), name='r').simple_bind(None, x=(2,))
    ex.set_monitor_callback(lambda name, arr: seen.append((name, arr.shape)))
    ex.forward(x=nd.array([1, -1]))
    assert seen == [('r_output', (2,))]
