"""Module: binding, parameters, the batch loop, fit/score/predict, checkpoints."""

from __future__ import annotations

import numpy as np
import pytest

import minigluon as mx
from minigluon import io, nd, sym
from minigluon.base import MXNetError


def _mlp():
    h = sym.Activation(sym.FullyConnected(sym.var('data'), num_hidden=8, name='fc1'),
                       act_type='relu')
    return sym.SoftmaxOutput(sym.FullyConnected(h, num_hidden=2, name='fc2'), name='softmax')


def _blobs(n=64, seed=0):
    rng = np.random.RandomState(seed)
    x = rng.randn(n, 2).astype(np.float32)
    y = (x[:, 0] + x[:, 1] > 0).astype(np.float32)
    return x, y


def test_fit_learns_a_separable_problem_and_predict_drops_padding():
    mx.random.seed(0)
    x, y = _blobs()
    train = io.NDArrayIter(x, y, batch_size=16, shuffle=True)
    m = mx.mod.Module(_mlp())
    m.fit(train, eval_data=io.NDArrayIter(x, y, batch_size=16), num_epoch=30,
          optimizer='sgd', optimizer_params={'learning_rate': 0.5},
          initializer=mx.init.Xavier())
    ((name, acc),) = m.score(io.NDArrayIter(x, y, batch_size=16), 'acc')
    assert name == 'accuracy' and acc > 0.95
    probs = m.predict(io.NDArrayIter(x[:10], batch_size=4))
    assert probs.shape == (10, 2)
    np.testing.assert_allclose(probs.asnumpy().sum(1), 1, rtol=1e-5)
    assert [len(o[0]) for o, _, _ in m.iter_predict(io.NDArrayIter(x[:10], batch_size=4))] == \
        [4, 4, 2]


def test_manual_loop_matches_the_gradient_of_cross_entropy():
    m = mx.mod.Module(sym.SoftmaxOutput(sym.FullyConnected(sym.var('data'), num_hidden=2,
                                                           name='fc'), name='softmax'))
    m.bind([('data', (2, 3))], [('softmax_label', (2,))])
    m.init_params(mx.init.Zero())
    m.init_optimizer(optimizer_params={'learning_rate': 1.0})  # rescale_grad = 1/2
    batch = io.DataBatch([nd.array([[1, 0, 0], [0, 1, 0]])], [nd.array([0, 1])])
    m.forward(batch, is_train=True)
    m.backward()
    m.update()
    w = m.get_params()[0]['fc_weight'].asnumpy()
    # p = 0.5 everywhere: gradient (p - onehot) x / batch, a step of size 1 against it
    np.testing.assert_allclose(w, [[0.25, -0.25, 0], [-0.25, 0.25, 0]], rtol=1e-6)
    metric = mx.metric.Accuracy()
    m.forward(batch, is_train=False)
    m.update_metric(metric, batch.label)
    assert metric.get() == ('accuracy', 1.0)


def test_params_arguments_and_initializers():
    net = sym.FullyConnected(sym.var('data'), num_hidden=2, name='fc')
    m = mx.mod.Module(net, label_names=None, fixed_param_names=['fc_bias'])
    m.bind([('data', (1, 3))])
    m.init_params(arg_params={'fc_weight': nd.ones((2, 3))}, allow_missing=True)
    args, auxs = m.get_params()
    assert args['fc_weight'].asnumpy().tolist() == [[1] * 3] * 2 and auxs == {}
    with pytest.raises(RuntimeError, match="fc_bias"):
        m.init_params(arg_params={'fc_weight': nd.ones((2, 3))}, force_init=True)
    m.set_params({'fc_weight': nd.zeros((2, 3)), 'fc_bias': nd.ones(2)}, {})
    m.forward(io.DataBatch([nd.ones((1, 3))]))
    assert m.get_outputs()[0].asnumpy().tolist() == [[1, 1]]
    assert m._exec_group.execs[0].grad_dict.keys() == {'fc_weight'}  # bias is fixed
    bn = mx.mod.Module(sym.BatchNorm(sym.var('data'), name='bn'), label_names=None)
    bn.bind([('data', (2, 3))])
    bn.init_params()
    auxs = bn.get_params()[1]
    assert auxs['bn_moving_var'].asnumpy().tolist() == [1, 1, 1]
    assert auxs['bn_moving_mean'].asnumpy().tolist() == [0, 0, 0]


def test_bind_checks_names_and_shapes():
    m = mx.mod.Module(_mlp())
    with pytest.raises(TypeError):
        m.bind([('data', nd.ones(2))])
    assert not m.binded
    with pytest.raises(ValueError, match="data_names"):
        m.bind([('x', (2, 2))])
    with pytest.raises(ValueError, match="not arguments"):
        mx.mod.Module(_mlp(), data_names=['nope'])
    with pytest.raises(MXNetError, match="bind"):
        mx.mod.Module(_mlp()).forward(io.DataBatch([nd.ones((1, 2))]))


def test_forward_with_another_batch_size_rebinds_and_keeps_params():
    m = mx.mod.Module(sym.FullyConnected(sym.var('data'), num_hidden=2, name='fc'),
                      label_names=None)
    m.bind([('data', (4, 3))])
    m.init_params(mx.init.One())
    m.forward(io.DataBatch([nd.ones((1, 3))]))
    assert m.get_outputs()[0].asnumpy().tolist() == [[3, 3]]
    assert m.data_shapes[0].shape == (1, 3)


def test_checkpoints_round_trip_with_optimizer_states(tmp_path):
    x, y = _blobs(16)
    m = mx.mod.Module(_mlp())
    m.fit(io.NDArrayIter(x, y, batch_size=8), num_epoch=2, optimizer='sgd',
          optimizer_params={'learning_rate': 0.1, 'momentum': 0.9},
          epoch_end_callback=mx.callback.do_checkpoint(str(tmp_path / 'cb')))
    assert (tmp_path / 'cb-0002.params').exists()
    prefix = str(tmp_path / 'net')
    m.save_checkpoint(prefix, 2, save_optimizer_states=True)
    m2 = mx.mod.Module.load(prefix, 2, load_optimizer_states=True)
    m2.bind([('data', (8, 2))], [('softmax_label', (8,))])
    m2.init_optimizer(optimizer_params={'learning_rate': 0.1, 'momentum': 0.9})
    for k, v in m.get_params()[0].items():
        np.testing.assert_array_equal(v.asnumpy(), m2.get_params()[0][k].asnumpy())
    for k, v in m._updater.states.items():
        np.testing.assert_array_equal(v.asnumpy(), m2._updater.states[k].asnumpy())
    assert m2.symbol.tojson() == m.symbol.tojson()


def test_states_and_input_grads():
    m = mx.mod.Module(sym.var('data') * sym.var('s'), label_names=None, state_names=['s'])
    m.bind([('data', (2,))], inputs_need_grad=True)
    m.init_params()
    m.set_states(value=3)
    m.forward(io.DataBatch([nd.array([1, 2])]), is_train=True)
    m.backward([nd.ones(2)])
    assert m.get_outputs()[0].asnumpy().tolist() == [3, 6]
    assert m.get_input_grads()[0].asnumpy().tolist() == [3, 3]
    with pytest.raises(ValueError):
        m.set_states()


def test_lr_mult_attribute_reaches_the_optimizer():
    data = sym.var('data')
    net = sym.MakeLoss(data * sym.var('a_weight', lr_mult=0.0) + data * sym.var('b_weight'))
    m = mx.mod.Module(net, label_names=None)
    m.bind([('data', (1,))])
    m.init_params(mx.init.One())
    m.init_optimizer(optimizer_params={'learning_rate': 0.5})
    m.forward_backward(io.DataBatch([nd.ones(1)]))
    m.update()
    args = m.get_params()[0]
    assert args['a_weight'].asscalar() == 1 and args['b_weight'].asscalar() == 0.5
