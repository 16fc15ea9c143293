"""Small contrib ops: ``quadratic``, ``gradientmultiplier`` and ``bipartite_matching``."""

from __future__ import annotations

from typing import Any

import numpy as np

from ..base import MXNetError
from .registry import Case, register

__all__: list[str] = []


@register(namespace="contrib", higher_order=True,
          cases=[Case((2, 3), a=1.5, b=-2.0, c=0.5), Case((4,), a=0.0, b=3.0)])
def quadratic(data, *, a=0.0, b=0.0, c=0.0):
    """The quadratic ``a * x^2 + b * x + c``, element-wise.

    Parameters
    ----------
    data : NDArray
        Input array of any shape.
    a, b, c : float, default 0
        Coefficients of the square, linear and constant terms.

    Returns
    -------
    NDArray
        Same shape as ``data``; the gradient is ``2 a x + b``.

    See Also
    --------
    gradientmultiplier
    minigluon.ndarray.square

    Examples
    --------
    >>> from minigluon import nd
    >>> nd.contrib.quadratic(nd.array([[1, 2], [3, 4]]), a=1, b=2, c=3)
    <BLANKLINE>
    [[ 6. 11.]
     [18. 27.]]
    <NDArray 2x2 @cpu(0)>
    """
    x = np.asarray(data)
    return (a * x * x + b * x + c).astype(x.dtype, copy=False)


@quadratic.def_backward
def _(g, ins, out, a, b, c):
    (x,) = ins
    return (g * (2 * a * x + b),)


# The backward deliberately differs from the forward's derivative unless scalar == 1, so the
# registry's finite-difference cases use 1; tests/ops/test_contrib.py checks other scalars.
@register(namespace="contrib", higher_order=True,
          cases=[Case((2, 3), scalar=1.0), Case((4,))])
def gradientmultiplier(data, *, scalar=1.0, is_int=True):
    """Identity forward; the backward multiplies the gradient by ``scalar``.

    With a negative ``scalar`` this is the gradient reversal layer of domain-adversarial
    training.

    Parameters
    ----------
    data : NDArray
        Input array, returned unchanged by the forward pass.
    scalar : float, default 1.0
        Factor applied to the incoming gradient.
    is_int : bool, default True
        Accepted for compatibility; ``scalar`` is used as given.

    Returns
    -------
    NDArray
        ``data`` unchanged (a copy).

    See Also
    --------
    quadratic
    minigluon.ndarray.BlockGrad : Multiplies the gradient by 0.

    Examples
    --------
    >>> from minigluon import nd, autograd
    >>> x = nd.array([1., 2.])
    >>> x.attach_grad()
    >>> with autograd.record():
    ...     y = nd.contrib.gradientmultiplier(x, scalar=-0.5)
    >>> y.backward()
    >>> y.asnumpy(), x.grad.asnumpy()
    (array([1., 2.], dtype=float32), array([-0.5, -0.5], dtype=float32))
    """
    return np.array(data, copy=True)


@gradientmultiplier.def_backward
def _(g, ins, out, scalar, is_int):
    return (g * scalar,)


def _matching_cases() -> list[Case]:
    scores = np.array([[0.5, 0.6, 0.1], [0.1, 0.2, 0.9], [0.3, 0.4, 0.35]], dtype=np.float32)
    return [Case(scores, threshold=0.1), Case(np.stack([scores, scores.T]), threshold=0.45),
            Case(scores, threshold=0.5, is_ascend=True, topk=1)]


@register(namespace="contrib", num_outputs=2, differentiable=False, cases=_matching_cases())
def bipartite_matching(data, *, threshold, is_ascend=False, topk=-1):
    """Greedy bipartite matching of rows to columns by score.

    Per score matrix (the last two axes; leading axes are batch): visit the entries from the
    best score down (from the lowest with ``is_ascend``), ties in index order; an entry whose
    row and column are both still free matches them if its score is ``> threshold``
    (``< threshold`` with ``is_ascend``), and the first free entry failing the threshold
    ends the matching. ``topk > 0`` stops after ``topk + 1`` matches (MXNet counts that
    way). The gradient is zero.

    Parameters
    ----------
    data : NDArray
        Scores, ``(..., rows, cols)``.
    threshold : float
        Scores that fail it (``<= threshold``, or ``>= threshold`` with ``is_ascend``) are not
        matched.
    is_ascend : bool, default False
        If True, lower scores are better: matching starts from the lowest.
    topk : int, default -1
        -1: no limit.

    Returns
    -------
    row_marker : NDArray
        ``(..., rows)``: the matched column of each row, -1 if none.
    col_marker : NDArray
        ``(..., cols)``: the matched row of each column, -1 if none.

    See Also
    --------
    box_iou : Scores to match anchors with ground-truth boxes.
    MultiBoxTarget

    Examples
    --------
    >>> from minigluon import nd
    >>> s = nd.array([[0.5, 0.6], [0.1, 0.2], [0.3, 0.4]])
    >>> rows, cols = nd.contrib.bipartite_matching(s, threshold=1e-12)
    >>> rows.asnumpy(), cols.asnumpy()
    (array([ 1., -1.,  0.], dtype=float32), array([2., 0.], dtype=float32))
    """
    x = np.asarray(data)
    if x.ndim < 2:
        raise MXNetError(f"bipartite_matching: score matrix must have dim >= 2, {x.ndim} "
                         "provided")
    n_row, n_col = x.shape[-2:]
    flat = x.reshape(-1, n_row * n_col)
    rows = np.full((flat.shape[0], n_row), -1, dtype=x.dtype)
    cols = np.full((flat.shape[0], n_col), -1, dtype=x.dtype)
    for b, scores in enumerate(flat):
        order = np.argsort(scores if is_ascend else -scores, kind="stable")
        count = 0
        for idx in order:
            r, c = divmod(int(idx), n_col)
            if rows[b, r] != -1 or cols[b, c] != -1:
                continue
            s = scores[idx]
            if not (s < threshold if is_ascend else s > threshold):
                break
            rows[b, r], cols[b, c] = c, r
            count += 1
            if 0 < topk < count:
                break
    return rows.reshape(x.shape[:-1]), cols.reshape((*x.shape[:-2], n_col))


@bipartite_matching.def_shape
def _(dshape: Any, **_: Any) -> list[tuple]:
    if len(dshape) < 2:
        raise MXNetError(f"bipartite_matching: score matrix must have dim >= 2, {len(dshape)} "
                         "provided")
    return [tuple(dshape[:-1]), (*dshape[:-2], dshape[-1])]
