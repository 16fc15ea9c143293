"""Matrix products: ``dot`` (MXNet's N-D dot) and ``batch_dot`` (batched matmul), on BLAS.

Both backward rules are written with the ops themselves (``G.dot``, ``G.batch_dot``) on
reshaped views, so they run on NDArrays too and support second derivatives.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..base import ShapeError
from .generic import G
from .registry import Case, register

__all__: list[str] = []


# -- dot -------------------------------------------------------------------------------------
def _dot_plan(op: str, lshape: tuple, rshape: tuple, ta: bool, tb: bool
              ) -> tuple[tuple[int, int], tuple[int, int], tuple[int, ...]]:
    """(lhs as a 2-D matrix, rhs as a 2-D matrix, output shape) for MXNet's ``dot``.

    Without transposes lhs is ``(prod(lshape[:-1]), lshape[-1])`` and rhs is
    ``(rshape[0], prod(rshape[1:]))``. ``transpose_a`` views lhs as ``(lshape[0], rest)`` and
    contracts its first axis; ``transpose_b`` views rhs as ``(rest, rshape[-1])`` and
    contracts its last axis.
    """
    lshape, rshape = tuple(lshape), tuple(rshape)
    if not lshape or not rshape:
        raise ShapeError(f"{op}: scalar (0-d) inputs are not supported, got shapes {lshape} "
                         f"and {rshape}")
    if len(lshape) == 1 and len(rshape) == 1 and (ta or tb):
        raise ShapeError(f"{op}: cannot transpose 1-D vectors (shapes {lshape} and {rshape})")
    if ta:
        a2, lkeep, lk = (lshape[0], math.prod(lshape[1:])), lshape[1:], lshape[0]
    else:
        a2, lkeep, lk = (math.prod(lshape[:-1]), lshape[-1]), lshape[:-1], lshape[-1]
    if tb:
        b2, rkeep, rk = (math.prod(rshape[:-1]), rshape[-1]), rshape[:-1], rshape[-1]
    else:
        b2, rkeep, rk = (rshape[0], math.prod(rshape[1:])), rshape[1:], rshape[0]
    if lk != rk:
        lname = "first" if ta else "last"
        rname = "last" if tb else "first"
        raise ShapeError(
            f"{op}: shapes {lshape} and {rshape} (transpose_a={ta}, transpose_b={tb}) are not "
            f"aligned: the {lname} axis of lhs has size {lk} but the {rname} axis of rhs has "
            f"size {rk}")
    out = (lkeep if len(lshape) > 1 else ()) + (rkeep if len(rshape) > 1 else ())
    return a2, b2, out or (1,)


@register(method=True, higher_order=True, cases=[
    Case((2, 3), (3, 4)), Case((2, 3), (4, 3), transpose_b=True),
    Case((3, 2), (3, 4), transpose_a=True), Case((3, 2), (4, 3), transpose_a=True,
                                                 transpose_b=True),
    Case((4,), (4,)), Case((3,), (3, 2)), Case((2, 3), (3,)), Case((2, 3, 4), (4, 2, 3)),
    Case((4, 2, 3), (4, 5), transpose_a=True), Case((2, 3), (5, 2, 3), transpose_b=True)])
def dot(lhs, rhs, *, transpose_a=False, transpose_b=False):
    """Dot product: matrix product for 2-D inputs, MXNet's sum-product for N-D inputs.

    - 1-D and 1-D: inner product, shape ``(1,)``;
    - 2-D and 2-D: matrix product ``lhs @ rhs``;
    - N-D: contracts the *last* axis of ``lhs`` with the *first* axis of ``rhs``
      (``numpy.tensordot(lhs, rhs, axes=1)``, not numpy's ``dot``): ``(n, m, k)`` and
      ``(k, r, s)`` give ``(n, m, r, s)``.

    ``transpose_a`` contracts the first axis of ``lhs`` instead (``lhs`` viewed as a
    ``(d0, rest)`` matrix, then transposed); ``transpose_b`` contracts the last axis of ``rhs``.

    Parameters
    ----------
    lhs : NDArray
        First input.
    rhs : NDArray
        Second input.
    transpose_a : bool, default False
        Transpose ``lhs`` (as a matrix) before multiplying.
    transpose_b : bool, default False
        Transpose ``rhs`` (as a matrix) before multiplying.

    Returns
    -------
    NDArray
        The remaining axes of ``lhs`` followed by those of ``rhs``.

    See Also
    --------
    batch_dot, FullyConnected

    Examples
    --------
    >>> from minigluon import nd
    >>> a = nd.array([[1, 2], [3, 4]])
    >>> nd.dot(a, nd.array([[1, 0], [1, 1]]))
    <BLANKLINE>
    [[3. 2.]
     [7. 4.]]
    <NDArray 2x2 @cpu(0)>
    >>> nd.dot(a, a, transpose_a=True)
    <BLANKLINE>
    [[10. 14.]
     [14. 20.]]
    <NDArray 2x2 @cpu(0)>
    >>> nd.dot(nd.ones((2, 3, 4)), nd.ones((4, 5, 6))).shape
    (2, 3, 5, 6)
    >>> nd.dot(nd.ones((2, 3)), nd.ones((4, 5)))
    Traceback (most recent call last):
    ...
    minigluon.base.ShapeError: dot: shapes (2, 3) and (4, 5) (transpose_a=False, transpose_b=False) are not aligned: the last axis of lhs has size 3 but the first axis of rhs has size 4
    """  # noqa: E501
    a, b = np.asarray(lhs), np.asarray(rhs)
    if a.ndim == 2 and b.ndim == 2:  # the common case: one GEMM, no reshapes
        a, b = a.T if transpose_a else a, b.T if transpose_b else b
        if a.shape[1] == b.shape[0]:
            return a @ b
        a, b = np.asarray(lhs), np.asarray(rhs)  # misaligned: let the plan raise the error
    a2, b2, oshape = _dot_plan("dot", a.shape, b.shape, transpose_a, transpose_b)
    a, b = a.reshape(a2), b.reshape(b2)
    return np.matmul(a.T if transpose_a else a, b.T if transpose_b else b).reshape(oshape)


@dot.def_shape
def _(lshape, rshape, transpose_a=False, transpose_b=False):
    if lshape is None or rshape is None:
        raise ValueError("dot: both input shapes must be known")
    return _dot_plan("dot", lshape, rshape, transpose_a, transpose_b)[2]


@dot.def_backward
def _(g, ins, out, transpose_a, transpose_b):
    lhs, rhs = ins
    lshape, rshape = tuple(np.shape(lhs)), tuple(np.shape(rhs))
    a2, b2, _ = _dot_plan("dot", lshape, rshape, transpose_a, transpose_b)
    a, b = lhs.reshape(a2), rhs.reshape(b2)
    m, n = a2[1] if transpose_a else a2[0], b2[0] if transpose_b else b2[1]
    g = g.reshape((m, n))
    # out = op(a) @ op(b): d op(a) = g @ op(b).T, d op(b) = op(a).T @ g; undo op on the way back
    if transpose_a:
        ga = G.dot(b, g, transpose_a=transpose_b, transpose_b=True)
    else:
        ga = G.dot(g, b, transpose_a=False, transpose_b=not transpose_b)
    if transpose_b:
        gb = G.dot(g, a, transpose_a=True, transpose_b=transpose_a)
    else:
        gb = G.dot(a, g, transpose_a=not transpose_a, transpose_b=False)
    return ga.reshape(lshape), gb.reshape(rshape)


# -- batch_dot -------------------------------------------------------------------------------
def _batch_dot_shape(lshape: Any, rshape: Any, transpose_a: bool = False,
                     transpose_b: bool = False) -> tuple:
    if lshape is None or rshape is None:
        raise ValueError("batch_dot: both input shapes must be known")
    lshape, rshape = tuple(lshape), tuple(rshape)
    flags = f"(transpose_a={transpose_a}, transpose_b={transpose_b})"
    if len(lshape) < 3 or len(lshape) != len(rshape):
        raise ShapeError(f"batch_dot: inputs must have the same number (>= 3) of dimensions, "
                         f"got shapes {lshape} and {rshape}")
    if lshape[:-2] != rshape[:-2]:
        raise ShapeError(f"batch_dot: the batch dimensions of {lshape} and {rshape} differ")
    m, lk = (lshape[-1], lshape[-2]) if transpose_a else (lshape[-2], lshape[-1])
    rk, n = (rshape[-1], rshape[-2]) if transpose_b else (rshape[-2], rshape[-1])
    if lk != rk:
        raise ShapeError(f"batch_dot: shapes {lshape} and {rshape} {flags} are not aligned: "
                         f"lhs matrices have {lk} columns but rhs matrices have {rk} rows")
    return (*lshape[:-2], m, n)


@register(higher_order=True, shape=_batch_dot_shape, cases=[
    Case((2, 3, 4), (2, 4, 5)), Case((2, 4, 3), (2, 4, 5), transpose_a=True),
    Case((2, 3, 4), (2, 5, 4), transpose_b=True),
    Case((2, 4, 3), (2, 5, 4), transpose_a=True, transpose_b=True),
    Case((2, 2, 3, 4), (2, 2, 4, 1))])
def batch_dot(lhs, rhs, *, transpose_a=False, transpose_b=False):
    """Batched matrix product: ``out[b] = dot(lhs[b], rhs[b])`` for every batch index ``b``.

    Inputs are ``(B, n, k)`` and ``(B, k, m)`` (more leading batch axes are allowed, equal in
    both); ``transpose_a`` / ``transpose_b`` transpose the matrices (the last two axes).

    Parameters
    ----------
    lhs : NDArray
        ``(B, n, k)``, or ``(B, k, n)`` with ``transpose_a``.
    rhs : NDArray
        ``(B, k, m)``, or ``(B, m, k)`` with ``transpose_b``.
    transpose_a : bool, default False
        Transpose each ``lhs`` matrix.
    transpose_b : bool, default False
        Transpose each ``rhs`` matrix.

    Returns
    -------
    NDArray
        ``(B, n, m)``.

    See Also
    --------
    dot

    Examples
    --------
    >>> from minigluon import nd
    >>> a = nd.array([[[1, 2], [3, 4]], [[1, 0], [0, 1]]])
    >>> nd.batch_dot(a, a)
    <BLANKLINE>
    [[[ 7. 10.]
      [15. 22.]]
    <BLANKLINE>
     [[ 1.  0.]
      [ 0.  1.]]]
    <NDArray 2x2x2 @cpu(0)>
    >>> nd.batch_dot(nd.ones((4, 3, 2)), nd.ones((4, 5, 2)), transpose_b=True).shape
    (4, 3, 5)
    """
    a, b = np.asarray(lhs), np.asarray(rhs)
    _batch_dot_shape(a.shape, b.shape, transpose_a, transpose_b)
    return np.matmul(np.swapaxes(a, -1, -2) if transpose_a else a,
                     np.swapaxes(b, -1, -2) if transpose_b else b)


@batch_dot.def_backward
def _(g, ins, out, transpose_a, transpose_b):
    a, b = ins
    if transpose_a and transpose_b:  # out = a.T @ b.T
        return _bd(b, g, True, True), _bd(g, a, True, True)
    if transpose_b:  # out = a @ b.T
        return _bd(g, b, False, False), _bd(g, a, True, False)
    if transpose_a:  # out = a.T @ b
        return _bd(b, g, False, True), _bd(a, g, False, False)
    return _bd(g, b, False, True), _bd(a, g, True, False)


def _bd(a: Any, b: Any, ta: bool, tb: bool) -> Any:
    # every attribute is passed: a recorded node must carry all of them for its own backward
    return G.batch_dot(a, b, transpose_a=ta, transpose_b=tb)
