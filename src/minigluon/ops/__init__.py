"""Every operator, defined once. Importing this package registers all op families."""

from . import (  # noqa: F401 - importing registers the ops
    broadcast,
    conv,
    creation,
    elemwise,
    hooks,
    indexing,
    join,
    linalg,
    nn,
    nn_params,
    pad,
    random,
    reduce,
    shape,
    slicing,
    softmax,
    sort,
    ssd,
)
from .registry import Case, Op, all_ops, get, register

nn_params.attach()  # after every op family: the parameter-shape rules of the NN ops

__all__ = ["Case", "Op", "all_ops", "get", "register"]
