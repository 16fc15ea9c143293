"""The Updater: per-index states, saved and restored without pickle, for every optimizer.

SGLD is left out of the round trip: its noise makes two runs differ unless they share
the random stream, which the round trip does not (and need not) save.
"""

from __future__ import annotations

import io
import json
from types import SimpleNamespace

import numpy as np
import pytest

from minigluon import lr_scheduler, nd
from minigluon import optimizer as opt

W0 = np.array([1.0, -2.0, 0.5], dtype=np.float32)
GRADS = [np.array([0.5, 1.0, -3.0], dtype=np.float32),
         np.array([-1.0, 0.25, 2.0], dtype=np.float32),
         np.array([0.1, -0.2, 0.3], dtype=np.float32)]


# -- states without pickle ---------------------------------------------------------------------
@pytest.mark.parametrize("make", [
    lambda: opt.SGD(learning_rate=0.1, momentum=0.9, wd=0.01),
    lambda: opt.SGD(learning_rate=0.1),
    lambda: opt.NAG(learning_rate=0.1, momentum=0.5),
    lambda: opt.Adam(learning_rate=0.05, wd=0.01),
    lambda: opt.RMSProp(learning_rate=0.01, centered=True),
    lambda: opt.AdaGrad(learning_rate=0.1),
    lambda: opt.Signum(learning_rate=0.1, wd_lh=0.01),
    lambda: opt.DCASGD(learning_rate=0.1, momentum=0.5),
    lambda: opt.DCASGD(learning_rate=0.1),
    lambda: opt.LARS(learning_rate=0.1, momentum=0.9),
    lambda: opt.LBSGD(learning_rate=0.1, batch_scale=1),
    lambda: opt.Adamax(learning_rate=0.05),
    lambda: opt.Nadam(learning_rate=0.05),
    lambda: opt.LAMB(learning_rate=0.05, wd=0.01),
    lambda: opt.FTML(learning_rate=0.05),
    lambda: opt.AdaDelta(),
    lambda: opt.Ftrl(learning_rate=0.5),
], ids=["sgd-mom", "sgd", "nag", "adam", "rmsprop-centered", "adagrad", "signum", "dcasgd-mom",
        "dcasgd", "lars", "lbsgd", "adamax", "nadam", "lamb", "ftml", "adadelta", "ftrl"])
def test_state_round_trip_continues_identically(make, tmp_path) -> None:
    def step(u, ws, g):
        for i, w in enumerate(ws):
            u(i, nd.array(g * (i + 1)), w)

    ref_u = opt.get_updater(make())
    ref_w = [nd.array(W0), nd.array(-W0)]
    for g in GRADS:
        step(ref_u, ref_w, g)

    u = opt.get_updater(make())
    ws = [nd.array(W0), nd.array(-W0)]
    for g in GRADS[:2]:
        step(u, ws, g)
    fname = tmp_path / "opt.states"
    fname.write_bytes(u.get_states(dump_optimizer=True))
    # the file is a plain .npz: readable without pickle
    with np.load(fname, allow_pickle=False) as npz:
        assert "__meta__" in npz.files

    fresh = make()
    fresh.set_learning_rate(123.0)  # restored from the file
    u2 = opt.get_updater(fresh)
    u2.set_states(fname.read_bytes())
    assert u2.optimizer is fresh and fresh.learning_rate == make().learning_rate
    assert fresh._index_update_count == {0: 2, 1: 2}
    step(u2, ws, GRADS[2])
    for a, b in zip(ws, ref_w):
        np.testing.assert_allclose(a.asnumpy(), b.asnumpy(), rtol=1e-6)


def test_state_dict_is_savez_compatible(tmp_path) -> None:
    u = opt.get_updater(opt.RMSProp())
    u(0, nd.ones((2, 2)), nd.ones((2, 2)))
    u("named", nd.ones((3,)), nd.ones((3,)))
    d = u.state_dict(dump_optimizer=True)
    assert all(isinstance(v, np.ndarray) and v.dtype != object for v in d.values())
    np.savez(tmp_path / "s.npz", **d)
    with np.load(tmp_path / "s.npz", allow_pickle=False) as npz:
        loaded = {k: npz[k] for k in npz.files}
    u2 = opt.get_updater(opt.RMSProp())
    u2.set_states(loaded)
    assert set(u2.states) == {0, "named"}
    assert isinstance(u2.states[0], tuple) and u2.states[0][0].shape == (2, 2)
    np.testing.assert_array_equal(u2.states["named"][0].asnumpy(),
                                  u.states["named"][0].asnumpy())


def test_set_states_without_optimizer_keeps_settings() -> None:
    u = opt.get_updater(opt.SGD(learning_rate=0.5, momentum=0.9))
    u(0, nd.ones((1,)), nd.ones((1,)))
    blob = u.get_states()  # dump_optimizer=False
    o2 = opt.SGD(learning_rate=0.01, momentum=0.9)
    u2 = opt.get_updater(o2)
    u2.set_states(blob)
    assert o2.learning_rate == 0.01 and u2.states[0].asnumpy()[0] == pytest.approx(-0.5)


def test_set_states_replaces_optimizer_of_other_class() -> None:
    u = opt.get_updater(opt.Adam(learning_rate=0.2))
    u(0, nd.ones((1,)), nd.ones((1,)))
    params = {0: SimpleNamespace(lr_mult=1.0, wd_mult=1.0)}
    u2 = opt.get_updater(opt.SGD(param_dict=params))
    u2.set_states(u.get_states(dump_optimizer=True))
    assert isinstance(u2.optimizer, opt.Adam) and u2.optimizer.learning_rate == 0.2
    assert u2.optimizer.param_dict is params
    w = nd.ones((1,))
    u2(0, nd.ones((1,)), w)  # keeps working (t = 2 for Adam's bias correction)
    assert u2.optimizer._index_update_count[0] == 2


def test_optimizer_get_states_is_json_and_keeps_scheduler() -> None:
    sched = lr_scheduler.FactorScheduler(step=1, factor=0.5, base_lr=1.0)
    o = opt.SGD(lr_scheduler=sched, momentum=0.9)
    w = nd.ones((1,))
    for _ in range(3):
        o.update(0, w, nd.ones((1,)), None)
    blob = json.dumps(o.get_states())
    o2 = opt.SGD()
    o2.set_states(json.loads(blob))
    assert isinstance(o2.lr_scheduler, lr_scheduler.FactorScheduler)
    assert o2.lr_scheduler is not sched and o2.num_update == 3
    assert o2.learning_rate == o.learning_rate == 0.25
    assert o2._index_update_count == {0: 3}


def test_set_states_rejects_foreign_data() -> None:
    buf = io.BytesIO()
    np.savez(buf, x=np.zeros(2))
    with pytest.raises(ValueError, match="not a minigluon optimizer-state archive"):
        opt.get_updater(opt.SGD()).set_states(buf.getvalue())


def test_updater_accepts_tuples_like_mxnet_trainer() -> None:
    u = opt.get_updater(opt.SGD(learning_rate=1.0, momentum=0.5))
    w1, w2 = nd.array([1.0]), nd.array([2.0])
    u((0, 1), (nd.array([1.0]), nd.array([2.0])), (w1, w2))
    assert (w1.asnumpy()[0], w2.asnumpy()[0]) == (0.0, 0.0)
    assert set(u.states) == {0, 1} and u.states[1].asnumpy()[0] == -2.0
