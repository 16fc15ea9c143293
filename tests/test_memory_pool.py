"""The CPU memory pool (minigluon._memory_pool): freed memory is kept for the next step.

Each check runs in a fresh interpreter, because the pool is configured when minigluon is
imported and the C allocator's settings cannot be undone within a process.
"""

import json
import os
import platform
import subprocess
import sys

import pytest

glibc_only = pytest.mark.skipif(
    platform.system() != "Linux" or platform.libc_ver()[0] != "glibc",
    reason="the pool configures glibc's malloc; other C libraries are left alone")

# Ten 2 MB arrays made and freed, twenty times, as a training step makes and frees its
# activations; the minor page faults counted over the last nineteen rounds.
_STEPS = """
import json, resource, sys
import numpy as np
import minigluon._memory_pool as pool
def step():
    arrays = [np.ones(1 << 19, np.float32) for _ in range(10)]
    return sum(float(a[0]) for a in arrays)
step()
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for _ in range(19):
    step()
faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
print(json.dumps({"state": pool.state, "faults": faults}))
"""


def _run(env_extra: dict) -> dict:
    env = {k: v for k, v in os.environ.items()
           if k not in ("MXNET_CPU_MEM_POOL_TYPE", "MXNET_USE_NAIVE_STORAGE_MANAGERS")}
    out = subprocess.run([sys.executable, "-c", _STEPS], env={**env, **env_extra},
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out.splitlines()[-1])


@glibc_only
def test_the_pool_keeps_freed_memory_so_a_repeated_step_does_not_fault_again():
    pooled, unpooled = _run({}), _run({"MXNET_CPU_MEM_POOL_TYPE": "Unpooled"})
    assert (pooled["state"], unpooled["state"]) == ("pooled", "unpooled")
    # Without the pool every round faults its 20 MB in again (19 x 5,120 pages).
    assert unpooled["faults"] > 19 * 2_000, unpooled
    assert pooled["faults"] < unpooled["faults"] / 20, (pooled, unpooled)


@pytest.mark.parametrize("env", [{"MXNET_CPU_MEM_POOL_TYPE": "unpooled"},
                                 {"MXNET_USE_NAIVE_STORAGE_MANAGERS": "1"}])
def test_mxnet_switches_leave_malloc_alone(env):
    assert _run(env)["state"] == "unpooled"


def test_other_pool_types_keep_the_pool():
    from minigluon import _memory_pool

    for value in ("Naive", "Round", ""):
        assert not _memory_pool._asked_unpooled({"MXNET_CPU_MEM_POOL_TYPE": value})
    assert not _memory_pool._asked_unpooled({"MXNET_USE_NAIVE_STORAGE_MANAGERS": "0"})
