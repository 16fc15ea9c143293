"""LR schedulers: factor steps, multi-factor, cosine and polynomial decay, warm-up."""

from __future__ import annotations

import numpy as np
import pytest

from minigluon import lr_scheduler


def test_factor_scheduler_and_floor() -> None:
    s = lr_scheduler.FactorScheduler(step=3, factor=0.1, stop_factor_lr=1e-3, base_lr=1.0)
    got = [s(n) for n in range(1, 14)]
    np.testing.assert_allclose(got, [1] * 3 + [0.1] * 3 + [0.01] * 3 + [1e-3] * 4)
    with pytest.raises(ValueError, match="greater or equal than 1"):
        lr_scheduler.FactorScheduler(step=0)
    with pytest.raises(ValueError, match="no more than 1"):
        lr_scheduler.FactorScheduler(step=2, factor=2)


def test_factor_scheduler_warmup() -> None:
    s = lr_scheduler.FactorScheduler(step=100, base_lr=1.0, warmup_steps=4,
                                     warmup_begin_lr=0.2)
    np.testing.assert_allclose([s(n) for n in range(6)], [0.2, 0.4, 0.6, 0.8, 1.0, 1.0])
    c = lr_scheduler.FactorScheduler(step=100, base_lr=1.0, warmup_steps=2,
                                     warmup_mode="constant", warmup_begin_lr=0.5)
    assert [c(0), c(1), c(2)] == [0.5, 0.5, 1.0]
    with pytest.raises(ValueError, match="linear and constant"):
        lr_scheduler.FactorScheduler(step=1, warmup_mode="cubic")


def test_multifactor_scheduler() -> None:
    s = lr_scheduler.MultiFactorScheduler(step=[2, 5], factor=0.5, base_lr=1.0)
    assert [s(n) for n in range(1, 8)] == [1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25]
    with pytest.raises(ValueError, match="increasing integer list"):
        lr_scheduler.MultiFactorScheduler(step=[3, 2])


def test_cosine_scheduler() -> None:
    s = lr_scheduler.CosineScheduler(max_update=10, base_lr=2.0, final_lr=0.5, warmup_steps=2)
    assert s(0) == 0.0 and s(1) == 1.0
    t = np.arange(2, 11)
    expected = 0.5 + 1.5 * (1 + np.cos(np.pi * (t - 2) / 8)) / 2
    np.testing.assert_allclose([s(int(n)) for n in t], expected)
    assert s(50) == pytest.approx(0.5)
    with pytest.raises(ValueError, match="strictly positive"):
        lr_scheduler.CosineScheduler(max_update=0)


def test_poly_scheduler_with_warmup() -> None:
    s = lr_scheduler.PolyScheduler(max_update=10, base_lr=2.0, pwr=3, final_lr=0.5,
                                   warmup_steps=2)
    assert s(0) == 0.0 and s(1) == 1.0
    t = np.arange(2, 11)
    np.testing.assert_allclose([s(int(n)) for n in t], 0.5 + 1.5 * (1 - (t - 2) / 8) ** 3)
    assert s(50) == pytest.approx(0.5)  # stays at its last value
    linear = lr_scheduler.PolyScheduler(max_update=4, base_lr=1.0, pwr=1)
    assert [linear(n) for n in range(5)] == [1.0, 0.75, 0.5, 0.25, 0.0]
    with pytest.raises(ValueError, match="strictly positive"):
        lr_scheduler.PolyScheduler(max_update=0)


def test_multifactor_and_cosine_warmup() -> None:
    s = lr_scheduler.MultiFactorScheduler(step=[5, 8], factor=0.1, base_lr=1.0, warmup_steps=3,
                                          warmup_begin_lr=0.4)
    got = [s(n) for n in range(10)]
    np.testing.assert_allclose(got, [0.4, 0.6, 0.8, 1.0, 1.0, 1.0, 0.1, 0.1, 0.1, 0.01])
    c = lr_scheduler.CosineScheduler(max_update=7, base_lr=2.0, warmup_steps=3,
                                     warmup_mode="constant", warmup_begin_lr=0.5)
    assert [c(n) for n in range(3)] == [0.5, 0.5, 0.5]
    assert c(3) == 2.0 and c(5) == pytest.approx(1.0) and c(7) == pytest.approx(0.0)
