"""Every operator, defined once. Importing this package registers all op families."""

from . import (  # noqa: F401 - importing registers the ops
    activation,
    broadcast,
    contrib,
    convolution,
    creation,
    ctc,
    deformable,
    elemwise,
    hooks,
    indexing,
    join,
    linalg,
    nn,
    normalization,
    output,
    pad,
    pooling,
    reduce,
    sampling,
    shape,
    slicing,
    softmax,
    sort,
    ssd,
)
from .registry import Case, Op, all_ops, get, register

__all__ = ["Case", "Op", "all_ops", "get", "register"]
