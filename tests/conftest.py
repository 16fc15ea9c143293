"""Shared fixtures: every test starts from the same random state and autograd flags."""

from __future__ import annotations

import numpy as np
import pytest

import minigluon as mx
from minigluon import autograd


@pytest.fixture(autouse=True)
def _deterministic() -> None:
    mx.random.seed(0)
    np.random.seed(0)
    autograd.set_recording(False)
    autograd.set_training(False)
