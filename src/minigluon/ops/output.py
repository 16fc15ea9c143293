"""Loss output ops of MXNet's symbolic API: SoftmaxOutput, the regression outputs, MakeLoss.

Each is the last node of a symbolic training graph (what ``Module`` trains). The forward gives
the prediction; the backward ignores the head gradient and returns the gradient of the
matching loss (cross-entropy, squared, absolute or logistic error) with respect to the data,
as MXNet defines them. So their gradients are not the derivative of their output: the
registry's finite-difference check is turned off for them (``wrt=()``) and
``tests/ops/test_output.py`` checks the loss gradients instead.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..base import ShapeError
from .registry import Case, register

__all__: list[str] = []


def _labels(r: np.random.Generator, shape: tuple, classes: int) -> np.ndarray:
    return r.integers(0, classes, size=shape).astype(np.float64)


def _softmax(x: np.ndarray, axis: int) -> np.ndarray:
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _label_shape(dshape: tuple, multi_output: bool) -> tuple:
    return (dshape[0], *dshape[2:]) if multi_output else tuple(dshape[:-1])


@register(name="SoftmaxOutput", aliases=("Softmax",), nondiff_inputs=(1,), cases=[
    Case((4, 3), lambda r: _labels(r, (4,), 3), wrt=()),
    Case((2, 3, 5), lambda r: _labels(r, (2, 5), 3), multi_output=True, wrt=()),
])
def SoftmaxOutput(data, label, *, grad_scale=1.0, ignore_label=-1.0, multi_output=False,
                  use_ignore=False, preserve_shape=False, normalization="null", out_grad=False,
                  smooth_alpha=0.0):
    """Softmax of ``data``; its backward is the cross-entropy gradient ``softmax - onehot(label)``.

    The last node of a classifier trained by ``Module``: the forward returns class
    probabilities (softmax over the last axis, or over axis 1 with ``multi_output``), and
    the backward ignores the head gradient and returns ``grad_scale * (p - onehot(label))``.

    Parameters
    ----------
    data : Symbol or NDArray
        Scores, ``(N, C)`` (or ``(N, C, d...)`` with ``multi_output``).
    label : Symbol or NDArray
        Class indices, ``(N,)`` (or ``(N, d...)``); made as ``<name>_label`` when left out.
    grad_scale : float, default 1.0
        Factor of the gradient.
    ignore_label : float, default -1
        With ``use_ignore``, rows with this label get no gradient.
    multi_output : bool, default False
        Softmax over axis 1, one label per position of the other axes.
    use_ignore : bool, default False
        If True, rows labelled ``ignore_label`` get no gradient.
    preserve_shape : bool, default False
        Softmax over the last axis of any shape (the default for 2-D data).
    normalization : {'null', 'batch', 'valid'}, default 'null'
        Divide the gradient by nothing, the batch size, or the number of non-ignored labels.
        With ``multi_output``, 'null' and 'batch' also divide by the number of positions
        (the product of the ``d...`` axes), as MXNet does.
    out_grad : bool, default False
        Multiply by the head gradient (MXNet's option; off by default).
    smooth_alpha : float, default 0
        Label smoothing: the target is ``1 - alpha`` for the label, ``alpha / (C - 1)`` else.

    Returns
    -------
    NDArray or Symbol
        Probabilities, the shape of ``data``.

    See Also
    --------
    softmax, LinearRegressionOutput, MakeLoss
    minigluon.module.Module : Trains graphs ending in these ops.

    Examples
    --------
    >>> from minigluon import sym
    >>> net = sym.SoftmaxOutput(sym.FullyConnected(sym.var('data'), num_hidden=3, name='fc'),
    ...                         name='softmax')
    >>> net.list_arguments()
    ['data', 'fc_weight', 'fc_bias', 'softmax_label']
    """
    x = np.asarray(data)
    return _softmax(x, 1 if multi_output else -1).astype(x.dtype, copy=False)


@SoftmaxOutput.def_backward
def _(g, ins, out, grad_scale, ignore_label, multi_output, use_ignore, preserve_shape,
      normalization, out_grad, smooth_alpha):
    p = np.asarray(out)
    label = np.asarray(ins[1])
    axis = 1 if multi_output else p.ndim - 1
    classes = p.shape[axis]
    idx = np.clip(label.astype(np.int64), 0, classes - 1)
    target = np.zeros_like(p)
    np.put_along_axis(target, np.expand_dims(idx, axis), 1.0, axis=axis)
    if smooth_alpha:
        target = target * (1 - smooth_alpha) + (1 - target) * (smooth_alpha / (classes - 1))
    grad = p - target
    keep = np.ones(label.shape, bool)
    if use_ignore:
        keep = label != ignore_label
        grad = grad * np.expand_dims(keep, axis)
    if normalization == "batch":
        grad = grad / p.shape[0]
    elif normalization == "valid":
        grad = grad / max(int(keep.sum()), 1)
    if multi_output and normalization != "valid":
        # MXNet averages a multi-output gradient over the positions (the d... axes) too, except
        # when it divides by the count of valid labels, which already counts positions
        grad = grad / max(math.prod(p.shape[2:]), 1)
    if out_grad:
        grad = grad * np.asarray(g)
    return ((grad * grad_scale).astype(p.dtype, copy=False), None)


@SoftmaxOutput.def_shape
def _(dshape, lshape=None, *, multi_output=False, **_):
    want = _label_shape(tuple(dshape), multi_output)
    if lshape is not None and tuple(lshape) != want and int(np.prod(lshape)) != int(
            np.prod(want)):
        raise ShapeError(f"SoftmaxOutput: label shape {tuple(lshape)} does not fit data of "
                         f"shape {tuple(dshape)}; expected {want}")
    return tuple(dshape)


@SoftmaxOutput.def_infer_args
def _(data, label=None, *, multi_output=False, **_):
    return [data, label if data is None or label is not None
            else _label_shape(tuple(data), multi_output)]


def _regression(name: str, link: Any, grad_rule: Any, formula: str, example: str) -> None:
    def forward(data, label, *, grad_scale=1.0):
        x = np.asarray(data)
        return link(x).astype(x.dtype, copy=False)

    forward.__name__ = name
    forward.__doc__ = f"""Regression output: forward ``{formula}``; backward the loss gradient.

    The backward ignores the head gradient and returns
    ``grad_scale / num_output * dloss``, with ``num_output`` the label size per example.

    Parameters
    ----------
    data : Symbol or NDArray
        Predictions before the link function, ``(N, ...)``.
    label : Symbol or NDArray
        Targets, the shape of ``data`` (or its size); made as ``<name>_label`` when left out.
    grad_scale : float, default 1.0
        Factor of the gradient.

    Returns
    -------
    NDArray or Symbol
        The prediction, the shape of ``data``.

    See Also
    --------
    SoftmaxOutput, MakeLoss
    minigluon.module.Module : Trains graphs ending in these ops.

    Examples
    --------
    >>> from minigluon import nd
{example}
    """
    op = register(forward, nondiff_inputs=(1,), cases=[Case((3, 2), (3, 2), wrt=())])

    @op.def_backward
    def _(g, ins, out, grad_scale):
        y = np.asarray(out)
        label = np.asarray(ins[1]).reshape(y.shape)
        per_example = max(y.size // max(y.shape[0], 1), 1) if y.ndim else 1
        return ((grad_rule(y, label) * (grad_scale / per_example)).astype(y.dtype, copy=False),
                None)

    op.def_shape(lambda dshape, lshape=None, **_: tuple(dshape))
    op.def_infer_args(lambda data, label=None, **_: [data, label or data])


_regression("LinearRegressionOutput", lambda x: x, lambda y, t: y - t, "out = data",
            """    >>> nd.LinearRegressionOutput(nd.array([[1.5]]), nd.array([[1]]))
    <BLANKLINE>
    [[1.5]]
    <NDArray 1x1 @cpu(0)>""")
_regression("LogisticRegressionOutput", lambda x: 1 / (1 + np.exp(-x)), lambda y, t: y - t,
            "out = sigmoid(data)",
            """    >>> nd.LogisticRegressionOutput(nd.array([[0]]), nd.array([[1]]))
    <BLANKLINE>
    [[0.5]]
    <NDArray 1x1 @cpu(0)>""")
_regression("MAERegressionOutput", lambda x: x, lambda y, t: np.sign(y - t), "out = data",
            """    >>> nd.MAERegressionOutput(nd.array([[2]]), nd.array([[1]]))
    <BLANKLINE>
    [[2.]]
    <NDArray 1x1 @cpu(0)>""")


@register(name="MakeLoss", aliases=("make_loss",), cases=[Case((2, 3), wrt=())],
          shape=lambda d, **_: tuple(d))
def MakeLoss(data, *, grad_scale=1.0, valid_thresh=0.0, normalization="null"):
    """Mark ``data`` as a loss: forward is the identity, backward ``grad_scale`` everywhere.

    Parameters
    ----------
    data : Symbol or NDArray
        The loss values.
    grad_scale : float, default 1.0
        Value of the gradient of every element in the backward pass.
    valid_thresh : float, default 0
        With ``normalization='valid'``, values above it count as valid.
    normalization : {'null', 'batch', 'valid'}, default 'null'
        Divide the gradient by nothing, the batch size, or the number of valid values.

    Returns
    -------
    NDArray or Symbol
        ``data`` unchanged.

    See Also
    --------
    SoftmaxOutput, LinearRegressionOutput

    Examples
    --------
    >>> from minigluon import nd
    >>> nd.MakeLoss(nd.array([0.5, 2]))
    <BLANKLINE>
    [0.5 2. ]
    <NDArray 2 @cpu(0)>
    """
    return np.array(data, copy=True)


@MakeLoss.def_backward
def _(g, ins, out, grad_scale, valid_thresh, normalization):
    x = np.asarray(ins[0])
    grad = np.full_like(x, grad_scale)
    if normalization == "batch":
        grad = grad / x.shape[0]
    elif normalization == "valid":
        grad = grad / max(int((x > valid_thresh).sum()), 1)
    return (grad,)
