"""Optimizers and LR schedulers: hand-computed updates, multipliers, states without pickle."""

from __future__ import annotations

import copy
import math
import pickle
from types import SimpleNamespace

import numpy as np
import pytest

import minigluon as mx
from minigluon import autograd, lr_scheduler, nd
from minigluon import optimizer as opt

W0 = np.array([1.0, -2.0, 0.5], dtype=np.float32)
GRADS = [np.array([0.5, 1.0, -3.0], dtype=np.float32),
         np.array([-1.0, 0.25, 2.0], dtype=np.float32),
         np.array([0.1, -0.2, 0.3], dtype=np.float32)]


def _run(o, steps=1, index=0, w0=W0):
    w = nd.array(w0)
    state = o.create_state(index, w)
    for g in GRADS[:steps]:
        o.update(index, w, nd.array(g), state)
    return w.asnumpy(), state


# -- single steps, computed by hand ------------------------------------------------------------
def test_sgd_plain_step_with_wd_and_rescale() -> None:
    o = opt.SGD(learning_rate=0.1, wd=0.01, rescale_grad=0.5)
    w, state = _run(o)
    assert state is None
    # g = 0.5 * grad; w = (1 - 0.1 * 0.01) * w - 0.1 * g
    np.testing.assert_allclose(w, [0.999 - 0.025, -1.998 - 0.05, 0.4995 + 0.15], rtol=1e-6)
    assert w.dtype == np.float32


def test_sgd_momentum_two_steps() -> None:
    o = opt.SGD(learning_rate=0.1, momentum=0.9, wd=0.1)
    w, m = _run(o, steps=2)
    ref_w, ref_m = W0.astype(np.float64), np.zeros(3)
    for g in GRADS[:2]:
        ref_m = 0.9 * ref_m - 0.1 * (g + 0.1 * ref_w)
        ref_w = ref_w + ref_m
    np.testing.assert_allclose(w, ref_w, rtol=1e-6)
    np.testing.assert_allclose(m.asnumpy(), ref_m, rtol=1e-6)
    # first step by hand for the first coordinate: m = -0.1 * (0.5 + 0.1) = -0.06
    w1, m1 = _run(opt.SGD(learning_rate=0.1, momentum=0.9, wd=0.1))
    assert m1.asnumpy()[0] == pytest.approx(-0.06) and w1[0] == pytest.approx(0.94)


def test_nag_matches_mxnet_in_place_kernel() -> None:
    # MXNet's nag_mom_update writes the weight in place, so the momentum's wd term reads the
    # updated weight: w' = w + mu^2 m - (1 + mu) lr (g + wd w); m' = mu m - lr (g + wd w')
    o = opt.NAG(learning_rate=0.05, momentum=0.8, wd=0.01)
    w, _ = _run(o, steps=3)
    ref_w, mom = W0.astype(np.float64), np.zeros(3)
    for g in GRADS:
        ref_w = ref_w + 0.64 * mom - 1.8 * 0.05 * (g + 0.01 * ref_w)
        mom = 0.8 * mom - 0.05 * (g + 0.01 * ref_w)
    np.testing.assert_allclose(w, ref_w, rtol=1e-5)
    # one step by hand: w = 1 - 0.05 * 1.8 * (0.5 + 0.01) = 0.9541
    assert _run(opt.NAG(learning_rate=0.05, momentum=0.8, wd=0.01))[0][0] == pytest.approx(
        1 - 0.05 * 1.8 * 0.51, rel=1e-6)


def test_nag_without_momentum_is_sgd() -> None:
    a, s = _run(opt.NAG(learning_rate=0.1, wd=0.1), steps=2)
    b, _ = _run(opt.SGD(learning_rate=0.1, wd=0.1), steps=2)
    assert s is None
    np.testing.assert_allclose(a, b, rtol=1e-7)


def test_adam_bias_corrected_steps() -> None:
    o = opt.Adam(learning_rate=0.01, wd=0.1)
    assert (o.beta1, o.beta2, o.epsilon) == (0.9, 0.999, 1e-8)
    w, (mean, var) = _run(o, steps=2)
    ref_w, m, v = W0.astype(np.float64), np.zeros(3), np.zeros(3)
    for t, g in enumerate(GRADS[:2], start=1):
        g = g + 0.1 * ref_w
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        lr_t = 0.01 * math.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t)
        ref_w = ref_w - lr_t * m / (np.sqrt(v) + 1e-8)
    np.testing.assert_allclose(w, ref_w, rtol=1e-6)
    np.testing.assert_allclose(mean.asnumpy(), m, rtol=1e-5)
    np.testing.assert_allclose(var.asnumpy(), v, rtol=1e-5)
    # first step moves every coordinate by ~lr (sign of the gradient)
    w1, _ = _run(opt.Adam(learning_rate=0.01))
    np.testing.assert_allclose(w1, W0 - 0.01 * np.sign(GRADS[0]), rtol=1e-5)


def test_adam_default_learning_rate() -> None:
    assert opt.Adam().learning_rate == 0.001
    assert opt.SGD().learning_rate == 0.01
    assert opt.AdaGrad().learning_rate == 0.01
    assert opt.RMSProp().learning_rate == 0.001


def test_rmsprop_plain_and_clip_weights() -> None:
    o = opt.RMSProp(learning_rate=0.01, gamma1=0.9, epsilon=1e-8, wd=0.05, clip_weights=1.5)
    w, (n,) = _run(o, steps=2)
    ref_w, ref_n = W0.astype(np.float64), np.zeros(3)
    for g in GRADS[:2]:
        g = g + 0.05 * ref_w
        ref_n = 0.1 * g * g + 0.9 * ref_n
        ref_w = np.clip(ref_w - 0.01 * g / np.sqrt(ref_n + 1e-8), -1.5, 1.5)
    np.testing.assert_allclose(w, ref_w, rtol=1e-5)
    np.testing.assert_allclose(n.asnumpy(), ref_n, rtol=1e-5)
    assert w[1] == -1.5  # clipped


def test_rmsprop_centered() -> None:
    o = opt.RMSProp(learning_rate=0.01, gamma1=0.95, gamma2=0.9, centered=True)
    w, (_n, _gm, delta) = _run(o, steps=3)
    ref_w, rn, rg, rd = W0.astype(np.float64), np.zeros(3), np.zeros(3), np.zeros(3)
    for g in GRADS:
        rn = 0.05 * g * g + 0.95 * rn
        rg = 0.05 * g + 0.95 * rg
        rd = 0.9 * rd - 0.01 * g / np.sqrt(rn - rg * rg + 1e-8)
        ref_w = ref_w + rd
    np.testing.assert_allclose(w, ref_w, rtol=1e-4)
    np.testing.assert_allclose(delta.asnumpy(), rd, rtol=1e-4)


def test_adagrad_steps() -> None:
    o = opt.AdaGrad(learning_rate=0.1, wd=0.01, eps=1e-7)
    w, h = _run(o, steps=2)
    ref_w, ref_h = W0.astype(np.float64), np.zeros(3)
    for g in GRADS[:2]:
        ref_h = ref_h + g * g
        ref_w = ref_w - 0.1 * (g / np.sqrt(ref_h + 1e-7) + 0.01 * ref_w)
    np.testing.assert_allclose(w, ref_w, rtol=1e-6)
    np.testing.assert_allclose(h.asnumpy(), ref_h, rtol=1e-6)


# -- gradient preprocessing -------------------------------------------------------------------
def test_clip_gradient_after_rescale() -> None:
    o = opt.SGD(learning_rate=1.0, clip_gradient=0.4, rescale_grad=0.5)
    w, _ = _run(o, w0=np.zeros(3, np.float32))
    # 0.5 * [0.5, 1, -3] = [0.25, 0.5, -1.5] -> clipped to [0.25, 0.4, -0.4]
    np.testing.assert_allclose(w, [-0.25, -0.4, 0.4], rtol=1e-6)


def test_adam_clips_grad_plus_wd() -> None:
    o = opt.Adam(learning_rate=0.1, wd=10.0, clip_gradient=1.0)
    w = nd.array([1.0])
    st = o.create_state(0, w)
    o.update(0, w, nd.array([0.5]), st)
    # g = clip(0.5 + 10 * 1) = 1 -> m = 0.1, v = 0.001
    assert st[0].asnumpy()[0] == pytest.approx(0.1) and st[1].asnumpy()[0] == pytest.approx(1e-3)


def test_clip_gradient_zero_or_none_means_no_clipping() -> None:
    for c in (None, 0):
        w, _ = _run(opt.SGD(learning_rate=1.0, clip_gradient=c), w0=np.zeros(3, np.float32))
        np.testing.assert_allclose(w, -GRADS[0])


# -- learning rate, multipliers, counters -------------------------------------------------------
def test_lr_mult_and_wd_mult_by_index_and_name() -> None:
    o = opt.SGD(learning_rate=0.1, wd=0.2, param_idx2name={0: "fc_weight", 1: "fc_bias"})
    assert o._get_wd(0) == pytest.approx(0.2) and o._get_wd(1) == 0.0  # names not *_weight
    o.set_lr_mult({0: 0.5, "fc_bias": 3.0})
    o.set_wd_mult({"fc_bias": 1.0})
    assert o._get_lr(0) == pytest.approx(0.05) and o._get_lr(1) == pytest.approx(0.3)
    assert o._get_lr(2) == pytest.approx(0.1) and o._get_wd(1) == pytest.approx(0.2)


def test_param_dict_multipliers_win() -> None:
    params = {0: SimpleNamespace(lr_mult=2.0, wd_mult=0.0), 1: SimpleNamespace(lr_mult=1.0,
                                                                               wd_mult=1.0)}
    o = opt.SGD(learning_rate=0.1, wd=0.5, param_dict=params)
    o.set_lr_mult({0: 100.0})  # ignored: the Parameter's lr_mult is used
    assert o._get_lr(0) == pytest.approx(0.2) and o._get_wd(0) == 0.0
    w = nd.array([1.0])
    o.update(0, w, nd.array([1.0]), None)
    assert w.asnumpy()[0] == pytest.approx(0.8)  # no weight decay for index 0


def test_num_update_counts_per_index() -> None:
    o = opt.SGD(begin_num_update=5)
    w, g = nd.ones((1,)), nd.ones((1,))
    o.update(0, w, g, None)
    o.update(0, w, g, None)
    o.update(1, w, g, None)
    assert o._index_update_count == {0: 7, 1: 6} and o.num_update == 7


def test_update_with_lists() -> None:
    o = opt.SGD(learning_rate=1.0)
    w1, w2 = nd.array([1.0]), nd.array([2.0])
    o.update([0, 1], [w1, w2], [nd.array([1.0]), nd.array([0.5])], [None, None])
    assert (w1.asnumpy()[0], w2.asnumpy()[0]) == (0.0, 1.5)


def test_set_learning_rate_and_property() -> None:
    o = opt.SGD(learning_rate=0.3)
    o.set_learning_rate(0.05)
    assert o.learning_rate == 0.05 and o.lr == 0.05
    o.learning_rate = 0.2
    assert o.learning_rate == 0.2


def test_scheduler_drives_learning_rate() -> None:
    sched = lr_scheduler.FactorScheduler(step=2, factor=0.5, base_lr=1.0)
    o = opt.SGD(lr_scheduler=sched)
    assert o.lr is None and o.learning_rate == 1.0
    lrs = []
    w = nd.zeros((1,))
    for _ in range(5):
        before = w.asnumpy()[0]
        o.update(0, w, nd.ones((1,)), None)
        lrs.append(before - w.asnumpy()[0])
    np.testing.assert_allclose(lrs, [1.0, 1.0, 0.5, 0.5, 0.25])
    with pytest.raises(UserWarning, match="LRScheduler of the optimizer has already been"):
        o.set_learning_rate(0.1)


def test_learning_rate_overrides_scheduler_base_lr_with_warning() -> None:
    sched = lr_scheduler.CosineScheduler(max_update=10, base_lr=1.0)
    with pytest.warns(UserWarning, match="has been overwritten by ``learning_rate``"):
        o = opt.SGD(learning_rate=0.1, lr_scheduler=sched)
    assert sched.base_lr == 0.1 and o.learning_rate == pytest.approx(0.1)
    assert sched(5) == pytest.approx(0.05)


def test_create_and_register() -> None:
    for name, klass in [("sgd", opt.SGD), ("NAG", opt.NAG), ("adam", opt.Adam),
                        ("RMSProp", opt.RMSProp), ("adagrad", opt.AdaGrad)]:
        assert type(opt.create(name)) is klass
        assert type(opt.Optimizer.create_optimizer(name)) is klass
    assert opt.create("sgd", momentum=0.9, wd=1e-4).momentum == 0.9
    with pytest.raises(ValueError, match="Cannot find optimizer foo"):
        opt.create("foo")

    @opt.Optimizer.register
    class Halver(opt.Optimizer):
        def update(self, index, weight, grad, state):
            weight[:] = weight / 2

    w = nd.array([4.0])
    mx.optimizer.get_updater(opt.create("halver"))(0, nd.ones((1,)), w)
    assert w.asnumpy()[0] == 2.0


def test_multi_precision_float16() -> None:
    o = opt.SGD(learning_rate=0.1, momentum=0.9, multi_precision=True)
    w = nd.array([1.0, 2.0], dtype="float16")
    state = o.create_state_multi_precision(0, w)
    assert state[0].dtype == np.float32 and state[1].dtype == np.float32
    o.update_multi_precision(0, w, nd.array([1.0, 1.0], dtype="float16"), state)
    assert w.dtype == np.float16
    np.testing.assert_allclose(w.asnumpy(), [0.9, 1.9], rtol=1e-3)
    with pytest.warns(UserWarning, match="Accumulating with float16"):
        opt.SGD().create_state_multi_precision(0, w)


def test_symbol_attributes_give_per_name_multipliers() -> None:
    class FakeSym:  # what Module passes: attr_dict() and list_arguments() of a Symbol
        def attr_dict(self):
            return {"fc1_weight": {"__lr_mult__": "0"}, "fc2_weight": {"__wd_mult__": "0.5"},
                    "fc2_bias": {"__wd_mult__": "0.5"}, "data": {}}

        def list_arguments(self):
            return ["data", "fc1_weight", "fc1_bias", "fc2_weight", "fc2_bias"]

    names = {0: "fc1_weight", 1: "fc1_bias", 2: "fc2_weight", 3: "fc2_bias"}
    o = opt.SGD(sym=FakeSym(), param_idx2name=names, learning_rate=1.0, wd=0.1)
    assert o.lr_mult == {"fc1_weight": 0.0}
    # names not ending in _weight/_gamma default to 0, the symbol's attributes override that
    assert o.wd_mult == {"fc1_bias": 0.0, "fc2_bias": 0.5, "fc2_weight": 0.5}
    assert [o._get_lr(i) for i in range(4)] == [0.0, 1.0, 1.0, 1.0]
    assert [o._get_wd(i) for i in range(4)] == [0.1, 0.0, 0.05, 0.05]
    o.set_lr_mult({"fc1_bias": 2.0})  # explicit settings add to the symbol's
    assert o.lr_mult == {"fc1_weight": 0.0, "fc1_bias": 2.0}


# -- in-place updates: the same numbers as the allocating expressions ---------------------------
def _inputs(dtype, seed):
    """A weight and four gradients with exact zeros of both signs, large and tiny values."""
    rng = np.random.default_rng(seed)
    special = np.array([0.0, -0.0, 50.0, -50.0, 1e-30, 1e-8], dtype=dtype)

    def draw(scale):
        a = (rng.standard_normal((6, 5)) * scale).astype(dtype)
        a.reshape(-1)[rng.choice(30, 8, replace=False)] = special[rng.integers(0, 6, 8)]
        return a
    return draw(1.0), [draw(3.0) for _ in range(4)]


_INPLACE_CASES = [
    ("sgd", {}), ("sgd", {"wd": 0.01, "rescale_grad": 0.3}),
    ("sgd", {"momentum": 0.9}), ("sgd", {"momentum": 0.9, "wd": 0.1, "clip_gradient": 0.5}),
    ("sgd", {"clip_gradient": 0.0}), ("sgd", {"clip_gradient": -1.0, "momentum": 0.5}),
    ("nag", {"momentum": 0.9}), ("nag", {"momentum": 0.9, "wd": 0.05, "clip_gradient": 1.0}),
    ("adam", {}), ("adam", {"wd": 0.05, "clip_gradient": 1.0, "rescale_grad": 0.25}),
]


@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
@pytest.mark.parametrize(("name", "kwargs"), _INPLACE_CASES)
def test_in_place_updates_equal_the_allocating_forms_bit_for_bit(name, kwargs, dtype) -> None:
    # While autograd records, the updates take their allocating form (weight[:] = expression,
    # so that a recorded weight raises as before); outside, they run in place. Both must give
    # the same bits, NaN from a NaN gradient included.
    w0, grads = _inputs(dtype, len(name) + len(kwargs))
    grads[2].reshape(-1)[3] = np.nan
    w0.reshape(-1)[7] = -np.inf  # 0 * w is NaN here: a wd == 0 term may not be left out
    results = []
    for recording in (False, True):
        o = opt.create(name, learning_rate=0.1, **kwargs)
        w = nd.array(w0, dtype=dtype)
        buf = w._data
        state = o.create_state(0, w)
        for g in grads:
            with np.errstate(all="ignore"):  # float16 overflows and the NaN, on purpose
                if recording:
                    with autograd.record():
                        o.update(0, w, nd.array(g, dtype=dtype), state)
                else:
                    o.update(0, w, nd.array(g, dtype=dtype), state)
        assert w._data is buf  # updated in its own buffer either way
        assert ("_scratch" in vars(o)) is not recording  # the in-place form ran (or not)
        flat = state if isinstance(state, tuple) else (state,)
        results.append([w.asnumpy()] + [s.asnumpy() for s in flat if s is not None])
    for fast, alloc in zip(*results):
        assert fast.dtype == alloc.dtype and fast.tobytes() == alloc.tobytes()


def test_numpy_typed_hyper_parameters_keep_their_promotion() -> None:
    # momentum=np.float64(0.9) made the allocating expression float64 before the store into a
    # float32 weight; the in-place form would round after every operation, so it is not used
    w0, grads = _inputs("float32", 1)
    o = opt.SGD(learning_rate=0.1, momentum=np.float64(0.9))
    w = nd.array(w0)
    m = o.create_state(0, w)
    m_ref, w_ref = np.zeros_like(w0), w0.copy()
    for g in grads:
        o.update(0, w, nd.array(g), m)
        step = np.float64(0.9) * m_ref - 0.1 * 0.0 * w_ref - 0.1 * g
        m_ref[:] = step
        w_ref[:] = w_ref + step
    assert w.asnumpy().tobytes() == w_ref.tobytes() and m.asnumpy().tobytes() == m_ref.tobytes()


def test_work_arrays_are_not_saved_pickled_or_copied() -> None:
    o = opt.Adam(learning_rate=0.1)
    w = nd.ones((3, 2))
    o.update(0, w, nd.ones((3, 2)), o.create_state(0, w))
    assert "_scratch" in vars(o)
    assert "_scratch" not in o.get_states()["attrs"]
    assert "_scratch" not in vars(copy.deepcopy(o))
    assert "_scratch" not in vars(pickle.loads(pickle.dumps(o)))


def test_work_arrays_follow_shape_and_dtype_changes() -> None:
    # one work array grows to the largest parameter; a smaller one after it still gets the
    # right shape, and a float64 weight its own array
    o = opt.SGD(learning_rate=0.5, rescale_grad=0.5)
    for shape, dtype in [((2,), "float32"), ((4, 3), "float32"), ((3,), "float32"),
                         ((2, 2), "float64")]:
        w = nd.ones(shape, dtype=dtype)
        o.update(0, w, nd.ones(shape, dtype=dtype), None)
        np.testing.assert_array_equal(w.asnumpy(), np.full(shape, 0.75, dtype=dtype))
