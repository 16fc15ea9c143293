"""Every operator, defined once. Importing this package registers all op families."""

from . import (  # noqa: F401 - importing registers the ops
    creation,
    elemwise,
    indexing,
    linalg,
    nn_params,
    random,
    reduce,
    shape,
    softmax,
    sort,
)
from .registry import Case, Op, all_ops, get, register

__all__ = ["Case", "Op", "all_ops", "get", "register"]
