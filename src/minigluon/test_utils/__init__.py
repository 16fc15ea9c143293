"""Testing helpers with MXNet's names: tolerant comparisons, random data, gradient checks.

Comparisons accept NDArrays, numpy arrays and numbers, and pick their default tolerances from
the dtypes compared, like ``mxnet.test_utils``: the less precise dtype decides. Random data
comes from minigluon's global generator, so ``mx.random.seed`` makes a test reproducible.
``from minigluon.test_utils import *`` also gives ``mx`` (the package), ``np`` (numpy),
``NDArray``, ``array`` and the few other names MXNet's test files take from
``mxnet.test_utils`` (whose star import exports everything it imported).

See Also
--------
assert_almost_equal, check_numeric_gradient, check_symbolic_forward
"""

from __future__ import annotations

import logging
import numbers
import os
import struct
import sys
import time

import numpy as np
import numpy.random as rnd
import numpy.testing as npt

from ..context import Context, current_context
from ..ndarray import NDArray, array
from ..symbol import Symbol
from ..util import use_np  # noqa: F401 - MXNet's test files import it from here
from .compare import (
    almost_equal,
    assert_allclose,
    assert_almost_equal,
    assert_almost_equal_ignore_nan,
    default_atols,
    default_context,
    default_dtype,
    default_rtols,
    np_reduce,
    same,
    same_array,
)
from .data import (
    rand_ndarray,
    rand_shape_2d,
    rand_shape_3d,
    rand_shape_nd,
    random_arrays,
    random_sample,
    random_uniform_arrays,
)
from .gradient import (
    check_consistency,
    check_numeric_gradient,
    check_symbolic_backward,
    check_symbolic_forward,
    default_numeric_eps,
    simple_forward,
)
from .optimizers import compare_ndarray_tuple, compare_optimizer
from .process import (
    assert_exception,
    discard_stderr,
    download,
    environment,
    is_aarch64_run,
    is_cd_run,
    list_gpus,
    retry,
    set_default_context,
)
from .stats import (
    chi_square_check,
    gen_buckets_probs_with_ppf,
    mean_check,
    var_check,
    verify_generator,
)

# The package object itself, not an import of it (that would run back up the layers): a
# subpackage is only ever loaded after its parent package is in sys.modules.
mx = sys.modules[__name__.partition(".")[0]]

__all__ = [
    # what MXNet's test files get from `from mxnet.test_utils import *`
    "mx",
    "np",
    "NDArray",
    "array",
    "Context",
    "current_context",
    "Symbol",
    "rnd",
    "npt",
    "os",
    "sys",
    "time",
    "logging",
    "struct",
    "numbers",
    # comparisons
    "default_context",
    "default_dtype",
    "default_rtols",
    "default_atols",
    "same",
    "almost_equal",
    "assert_almost_equal",
    "assert_almost_equal_ignore_nan",
    "assert_allclose",
    "same_array",
    "np_reduce",
    # random data
    "rand_ndarray",
    "rand_shape_2d",
    "rand_shape_3d",
    "rand_shape_nd",
    "random_arrays",
    "random_uniform_arrays",
    "random_sample",
    # gradient and forward checks
    "check_numeric_gradient",
    "check_symbolic_forward",
    "check_symbolic_backward",
    "simple_forward",
    "check_consistency",
    "default_numeric_eps",
    # optimizers
    "compare_ndarray_tuple",
    "compare_optimizer",
    # the test process
    "environment",
    "discard_stderr",
    "set_default_context",
    "assert_exception",
    "retry",
    "is_aarch64_run",
    "is_cd_run",
    "list_gpus",
    "download",
    # random generators
    "gen_buckets_probs_with_ppf",
    "chi_square_check",
    "verify_generator",
    "mean_check",
    "var_check",
]
