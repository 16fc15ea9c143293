"""gluon.Trainer: hand-computed SGD/Adam steps, stale gradients, multipliers, saved states."""

from __future__ import annotations

import copy
import math
import re
import zipfile

import numpy as np
import pytest

import minigluon as mx
from minigluon import autograd, gluon, nd
from minigluon.name import NameManager


def _param(name: str, value, **kwargs) -> gluon.Parameter:
    p = gluon.Parameter(name, shape=np.shape(value), **kwargs)
    p.initialize(mx.init.Constant(0))
    p.set_data(nd.array(value))
    return p


def _backward(params, coefs) -> None:
    """loss = sum_i sum(coef_i * p_i): the gradient of p_i is coef_i."""
    with autograd.record():
        loss = sum((p.data() * nd.array(c)).sum() for p, c in zip(params, coefs))
    loss.backward()


def test_sgd_step_by_hand() -> None:
    w = _param("w", [1.0, 2.0])
    trainer = gluon.Trainer([w], "sgd", {"learning_rate": 0.1, "wd": 0.01})
    _backward([w], [[4.0, -2.0]])
    trainer.step(batch_size=2)
    g = np.array([4.0, -2.0]) / 2
    expected = (1 - 0.1 * 0.01) * np.array([1.0, 2.0]) - 0.1 * g
    np.testing.assert_allclose(w.data().asnumpy(), expected, rtol=1e-6)


def test_sgd_momentum_two_steps_by_hand() -> None:
    w = _param("w", [1.0, -1.0])
    trainer = gluon.Trainer({"w": w}, "sgd", {"learning_rate": 0.5, "momentum": 0.9,
                                              "wd": 0.1})
    weight, mom = np.array([1.0, -1.0]), np.zeros(2)
    for grad in ([2.0, 4.0], [-1.0, 1.0]):
        _backward([w], [grad])
        trainer.step(1)
        mom = 0.9 * mom - 0.5 * (np.array(grad) + 0.1 * weight)
        weight = weight + mom
        np.testing.assert_allclose(w.data().asnumpy(), weight, rtol=1e-6)


def test_adam_step_by_hand() -> None:
    w = _param("w", [0.5, -1.5, 2.0])
    trainer = gluon.Trainer([w], "adam", {"learning_rate": 0.01, "wd": 0.1})
    grad = np.array([1.0, -3.0, 0.5])
    weight = np.array([0.5, -1.5, 2.0])
    m = v = np.zeros(3)
    for t in (1, 2):
        _backward([w], [grad * 4])
        trainer.step(4)
        g = grad + 0.1 * weight
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        lr_t = 0.01 * math.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t)
        weight = weight - lr_t * m / (np.sqrt(v) + 1e-8)
        np.testing.assert_allclose(w.data().asnumpy(), weight, rtol=1e-5)


def test_lr_mult_and_wd_mult() -> None:
    a = _param("a", [1.0], lr_mult=0.5)
    b = _param("b", [1.0], wd_mult=0.0)
    trainer = gluon.Trainer([a, b], "sgd", {"learning_rate": 1.0, "wd": 0.5})
    _backward([a, b], [[1.0], [1.0]])
    trainer.step(1)
    np.testing.assert_allclose(a.data().asnumpy(), [(1 - 0.5 * 0.5) * 1 - 0.5 * 1.0])
    np.testing.assert_allclose(b.data().asnumpy(), [1 - 1.0])


_STALE = ("Gradient of Parameter `{}` on context cpu(0) has not been updated by backward since "
          "last `step`. This could mean a bug in your model that made it only use a subset of "
          "the Parameters (Blocks) for this iteration. If you are intentionally only using a "
          "subset, call step with ignore_stale_grad=True to suppress this warning and skip "
          "updating of Parameters with stale gradient")


def test_stale_gradient_is_raised_and_nothing_changes() -> None:
    used, unused = _param("used", [1.0]), _param("unused", [1.0])
    trainer = gluon.Trainer([used, unused], "sgd", {"learning_rate": 1.0})
    _backward([used], [[1.0]])
    with pytest.raises(UserWarning) as err:
        trainer.step(1)
    assert str(err.value) == _STALE.format("unused")
    np.testing.assert_array_equal(used.data().asnumpy(), [1.0])  # checked before updating
    trainer.step(1, ignore_stale_grad=True)
    np.testing.assert_array_equal(used.data().asnumpy(), [0.0])
    np.testing.assert_array_equal(unused.data().asnumpy(), [1.0])
    with pytest.raises(UserWarning, match="Parameter `used`"):  # consumed by the last step
        trainer.step(1)


def test_stale_gradient_with_a_network_names_the_parameter() -> None:
    with NameManager():
        net = gluon.nn.HybridSequential()
        net.add(gluon.nn.Dense(2, in_units=3), gluon.nn.Dense(1, in_units=2))
    net.initialize()
    trainer = gluon.Trainer(net.collect_params(), "sgd")
    with autograd.record():
        y = net[0](nd.ones((1, 3))).sum()  # the second layer is not used
    y.backward()
    with pytest.raises(UserWarning, match="Parameter `dense1_bias` on context cpu"):
        trainer.step(1)


def test_null_grad_req_and_shared_parameters_are_handled() -> None:
    frozen = _param("frozen", [1.0], grad_req="null")
    w = _param("w", [1.0])
    trainer = gluon.Trainer([w, frozen, w], "sgd", {"learning_rate": 1.0})
    assert len(trainer._params) == 2  # the shared parameter is updated once
    _backward([w], [[2.0]])
    trainer.step(1)
    np.testing.assert_array_equal(w.data().asnumpy(), [-1.0])
    np.testing.assert_array_equal(frozen.data().asnumpy(), [1.0])


def test_dict_params_are_sorted_and_argument_errors() -> None:
    b, a = _param("b", [0.0]), _param("a", [0.0])
    trainer = gluon.Trainer({"b": b, "a": a}, "sgd")
    assert [p.name for p in trainer._params] == ["a", "b"]
    with pytest.raises(ValueError, match=re.escape(
            "First argument must be a list or dict of Parameters, got <class 'str'>.")):
        gluon.Trainer("a", "sgd")
    with pytest.raises(ValueError, match="got list of <class 'int'>"):
        gluon.Trainer([1], "sgd")
    with pytest.raises(ValueError, match="optimizer_params must be None"):
        gluon.Trainer([a], mx.optimizer.SGD(), {"learning_rate": 0.1})


def test_optimizer_instance_learning_rate_and_allreduce_update() -> None:
    w = _param("w", [1.0])
    sgd = mx.optimizer.SGD(learning_rate=0.2)
    trainer = gluon.Trainer([w], sgd)
    assert trainer.optimizer is sgd and trainer.learning_rate == 0.2
    trainer.set_learning_rate(0.5)
    assert trainer.learning_rate == 0.5
    _backward([w], [[3.0]])
    trainer.allreduce_grads()
    w.grad()[:] = 1.0  # e.g. clipped between allreduce_grads and update
    trainer.update(2)
    np.testing.assert_allclose(w.data().asnumpy(), [1 - 0.5 * 0.5])


def test_deferred_parameters_are_initialized_lazily() -> None:
    net = gluon.nn.Dense(2)
    net.initialize(mx.init.One())
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
    with autograd.record():
        y = net(nd.ones((4, 3))).sum()
    y.backward()
    trainer.step(4)
    np.testing.assert_allclose(net.weight.data().asnumpy(), np.full((2, 3), 0.9), rtol=1e-6)


def test_save_load_states_round_trip_without_pickle(tmp_path) -> None:
    def make():
        return _param("w", [1.0, 2.0])

    w1 = make()
    t1 = gluon.Trainer([w1], "adam", {"learning_rate": 0.1})
    for g in ([1.0, 2.0], [0.5, -1.0]):
        _backward([w1], [g])
        t1.step(1)
    path = str(tmp_path / "adam.states")
    t1.save_states(path)
    assert zipfile.is_zipfile(path)  # an .npz archive
    with np.load(path, allow_pickle=False) as npz:
        assert "__meta__" in npz.files
    w2 = make()
    w2.set_data(w1.data())
    t2 = gluon.Trainer([w2], "adam", {"learning_rate": 0.5})
    t2.load_states(path)
    assert t2.learning_rate == 0.1 and t2.optimizer.param_dict[0] is w2
    for w, t in ((w1, t1), (w2, t2)):
        _backward([w], [[-1.0, 3.0]])
        t.step(1)
    np.testing.assert_allclose(w2.data().asnumpy(), w1.data().asnumpy(), rtol=1e-7)


def test_training_a_small_network_decreases_the_loss() -> None:
    mx.random.seed(1)
    x = nd.random.normal(shape=(64, 4))
    y = nd.dot(x, nd.array([[1.0], [-2.0], [0.5], [3.0]])) + 0.3
    net = gluon.nn.Dense(1)
    net.initialize()
    trainer = gluon.Trainer(net.collect_params(), "sgd", {"learning_rate": 0.1})
    loss_fn = gluon.loss.L2Loss()
    losses = []
    for _ in range(50):
        with autograd.record():
            loss = loss_fn(net(x), y)
        loss.backward()
        trainer.step(64)
        losses.append(loss.mean().asscalar())
    assert losses[-1] < 1e-3 < losses[0]


def test_one_device_means_no_kvstore_and_one_updater() -> None:
    x = gluon.Parameter("x", shape=(3,), grad_stype="row_sparse")
    x.initialize(mx.init.Zero())
    trainer = gluon.Trainer([x], "sgd", {"learning_rate": 1.0, "momentum": 0.5})
    assert not trainer._kv_initialized and trainer._params_to_init == [x]
    with autograd.record():
        y = x.data() + 1
    y.backward()
    trainer.step(1)
    assert trainer._kv_initialized and trainer._params_to_init == []
    assert trainer._kvstore is None and trainer._update_on_kvstore is None
    assert trainer._updaters == [trainer._updater] and x._trainer is trainer
    assert x.data().asnumpy().tolist() == [-1.0, -1.0, -1.0]


def test_distributed_kvstore_is_refused() -> None:
    x = gluon.Parameter("x", shape=(1,))
    with pytest.raises(mx.MXNetError, match="distributed kvstores are not available"):
        gluon.Trainer([x], "sgd", kvstore="dist_sync")


def test_a_sparse_parameter_takes_one_trainer() -> None:
    x = gluon.Parameter("x", shape=(2,), stype="row_sparse")
    first = gluon.Trainer([x], "sgd")
    x._set_trainer(None)
    x._set_trainer(first)
    with pytest.raises(RuntimeError, match="More than one trainers for a row_sparse Parameter"):
        gluon.Trainer([x], "sgd")
    dense = gluon.Parameter("d", shape=(2,))
    gluon.Trainer([dense], "sgd")
    gluon.Trainer([dense], "sgd")  # dense Parameters may be shared by trainers


def test_states_round_trip_keeps_values_and_the_optimizer_link(tmp_path) -> None:
    x = gluon.Parameter("x", shape=(3,))
    x.initialize(mx.init.Zero())
    trainer = gluon.Trainer([x], "sgd", {"learning_rate": 1.0, "momentum": 0.5})
    with autograd.record():
        y = x.data() * 2
    y.backward()
    trainer.step(1)
    before = copy.deepcopy(trainer._updaters[0].states)
    path = str(tmp_path / "t.states")
    trainer.save_states(path)
    trainer.load_states(path)
    after = trainer._updaters[0].states
    assert set(after) == set(before)
    for k in before:
        np.testing.assert_array_equal(after[k].asnumpy(), before[k].asnumpy())
    assert trainer._optimizer is trainer._updaters[0].optimizer
    x.lr_mult = 2.0  # the loaded optimizer still reads the live Parameters
    assert trainer._updaters[0].optimizer._get_lr(0) == 2.0


# -- one updater call per step: the same updates as one call per parameter ---------------------
def _fresh_params(dtype="float32"):
    rng = np.random.default_rng(3)
    params = []
    for k, shape in enumerate([(4, 3), (3,), (2, 2), (1,)]):
        p = gluon.Parameter(f"p{k}_weight", shape=shape, dtype=dtype)
        p.initialize(mx.init.Zero())
        p.set_data(nd.array(rng.standard_normal(shape), dtype=dtype))
        params.append(p)
    params[1].lr_mult, params[2].wd_mult, params[3].lr_mult = 0.5, 3.0, 0.0
    return params


@pytest.mark.parametrize(("name", "kwargs", "dtype"), [
    ("sgd", {"momentum": 0.9, "wd": 0.01, "clip_gradient": 0.5}, "float32"),
    ("sgd", {"multi_precision": True, "momentum": 0.9}, "float16"),
    ("nag", {"momentum": 0.9, "wd": 0.01}, "float32"),
    ("adam", {"wd": 0.01}, "float64"),
    ("rmsprop", {"centered": True}, "float32"),
])
def test_step_equals_per_parameter_updater_calls(name, kwargs, dtype) -> None:
    # Trainer.step hands all fresh parameters to the updater at once; the result (weights,
    # states, counts, scheduled rates, multipliers) is that of one updater call per parameter
    sched = {"lr_scheduler": mx.lr_scheduler.FactorScheduler(step=2, factor=0.5, base_lr=0.1),
             "learning_rate": 0.1}
    a, b = _fresh_params(dtype), _fresh_params(dtype)
    trainer = gluon.Trainer(a, name, dict(kwargs, **sched))
    sched = {"lr_scheduler": mx.lr_scheduler.FactorScheduler(step=2, factor=0.5, base_lr=0.1),
             "learning_rate": 0.1}
    ref = mx.optimizer.create(name, param_dict=dict(enumerate(b)), **dict(kwargs, **sched))
    updater = mx.optimizer.get_updater(ref)
    rng = np.random.default_rng(4)
    for step in range(5):
        skip = 2 if step == 3 else None  # a stale parameter, skipped: counts diverge
        for k, (pa, pb) in enumerate(zip(a, b)):
            g = rng.standard_normal(pa.shape).astype(dtype)
            if k != skip:
                pa.grad()[:] = g
                pa.data()._fresh_grad = True
                pb.grad()[:] = g
        trainer.step(8, ignore_stale_grad=True)
        ref.rescale_grad = 1 / 8
        for k, pb in enumerate(b):
            if k != skip:
                updater(k, pb.grad(), pb.data())
    for pa, pb in zip(a, b):
        assert pa.data().asnumpy().tobytes() == pb.data().asnumpy().tobytes()
    assert trainer.optimizer._index_update_count == ref._index_update_count
    assert trainer.optimizer.num_update == ref.num_update == 5
    for k, s in updater.states.items():
        flat = s if isinstance(s, tuple) else (s,)
        mine = trainer._updater.states[k]
        for x, y in zip(mine if isinstance(mine, tuple) else (mine,), flat):
            assert (x is None) == (y is None)
            assert x is None or x.asnumpy().tobytes() == y.asnumpy().tobytes()


def test_step_updates_the_parameter_arrays_in_place() -> None:
    # hybridized graphs and user references hold the Parameter's NDArray: the step writes into
    # it (and into its buffer) rather than rebinding either
    p = _param("w", [1.0, 2.0])
    data, buf = p.data(), p.data()._data
    trainer = gluon.Trainer([p], "adam", {"learning_rate": 0.1})
    _backward([p], [[1.0, -1.0]])
    trainer.step(1)
    assert p.data() is data and data._data is buf
    np.testing.assert_allclose(data.asnumpy(), [0.9, 2.1], rtol=1e-6)


def test_step_while_recording_raises_and_leaves_the_weights() -> None:
    p = _param("w", [1.0, 2.0])
    trainer = gluon.Trainer([p], "sgd", {"learning_rate": 1.0})
    _backward([p], [[1.0, 1.0]])
    with autograd.record(), pytest.raises(mx.base.MXNetError, match="already in a comput"):
        trainer.step(1)
    np.testing.assert_array_equal(p.data().asnumpy(), [1.0, 2.0])
    trainer.step(1)  # the gradient is still fresh
    np.testing.assert_array_equal(p.data().asnumpy(), [0.0, 1.0])


def test_an_optimizer_overriding_update_gets_one_call_per_parameter() -> None:
    # MXNet-style custom optimizers override update(index, weight, grad, state) for one index
    calls = []

    class Recorder(mx.optimizer.SGD):
        def update(self, index, weight, grad, state):
            calls.append(index)
            super().update(index, weight, grad, state)

    class HalfRate(mx.optimizer.SGD):
        def _get_lr(self, index):
            return 0.5 * super()._get_lr(index)

    ps = [_param("a", [1.0]), _param("b", [1.0])]
    trainer = gluon.Trainer(ps, Recorder(learning_rate=1.0))
    for _ in range(2):
        _backward(ps, [[1.0], [2.0]])
        trainer.step(1)
    assert calls == [0, 1, 0, 1]
    np.testing.assert_array_equal([p.data().asscalar() for p in ps], [-1.0, -3.0])
    ps = [_param("a", [1.0]), _param("b", [1.0])]
    trainer = gluon.Trainer(ps, HalfRate(learning_rate=1.0))
    _backward(ps, [[1.0], [2.0]])
    trainer.step(1)
    np.testing.assert_array_equal([p.data().asscalar() for p in ps], [0.5, 0.0])
