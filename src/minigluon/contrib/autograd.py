"""MXNet's first autograd API (``mxnet.contrib.autograd``), kept for old code.

``train_section()`` is ``autograd.record()`` (recording and training together),
``test_section()`` turns both off, and ``compute_gradient`` / ``backward`` take a list of
heads. ``grad`` and ``grad_and_loss`` turn a function of NDArrays into one that also returns
the gradients of its arguments. New code uses :mod:`minigluon.autograd`.

See Also
--------
train_section, grad_and_loss
minigluon.autograd.record : The current API.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from .. import autograd as _autograd
from ..ndarray import NDArray, zeros_like

__all__ = ["set_is_training", "TrainingStateScope", "train_section", "test_section",
           "mark_variables", "backward", "compute_gradient", "grad_and_loss", "grad"]


def set_is_training(is_train: bool) -> bool:
    """Turn recording and training mode on or off together; returns the previous state.

    Parameters
    ----------
    is_train : bool
        True to turn training mode on, False to turn it off.

    Returns
    -------
    bool
        Whether recording was on before.

    See Also
    --------
    train_section
    minigluon.autograd.set_recording, minigluon.autograd.set_training

    Examples
    --------
    >>> from minigluon import autograd
    >>> from minigluon.contrib import autograd as legacy
    >>> legacy.set_is_training(True)
    False
    >>> autograd.is_recording(), autograd.is_training()
    (True, True)
    >>> legacy.set_is_training(False)
    True
    """
    _autograd.set_training(is_train)
    return _autograd.set_recording(is_train)


class TrainingStateScope:
    """A ``with`` scope that sets recording and training to ``enter_state`` and restores them.

    Parameters
    ----------
    enter_state : bool
        Training mode (True) or prediction mode (False) inside the scope.

    See Also
    --------
    train_section, test_section

    Examples
    --------
    >>> from minigluon import autograd
    >>> from minigluon.contrib.autograd import TrainingStateScope
    >>> with TrainingStateScope(True):
    ...     autograd.is_recording()
    True
    >>> autograd.is_recording()
    False
    """

    def __init__(self, enter_state: bool) -> None:
        self._enter_state = enter_state
        self._prev: tuple[bool, bool] | None = None

    def __enter__(self) -> TrainingStateScope:
        self._prev = (_autograd.set_recording(self._enter_state),
                      _autograd.set_training(self._enter_state))
        return self

    def __exit__(self, *exc: Any) -> None:
        assert self._prev is not None
        _autograd.set_recording(self._prev[0])
        _autograd.set_training(self._prev[1])


def train_section() -> TrainingStateScope:
    """A scope that records operations in training mode (``autograd.record()`` today).

    Returns
    -------
    TrainingStateScope

    See Also
    --------
    test_section
    minigluon.autograd.record

    Examples
    --------
    >>> from minigluon import nd
    >>> from minigluon.contrib import autograd
    >>> x, dx = nd.array([1., 2.]), nd.zeros(2)
    >>> autograd.mark_variables([x], [dx])
    >>> with autograd.train_section():
    ...     y = x * x
    >>> autograd.compute_gradient([y])
    >>> dx
    <BLANKLINE>
    [2. 4.]
    <NDArray 2 @cpu(0)>
    """
    return TrainingStateScope(True)


def test_section() -> TrainingStateScope:
    """A scope, usually inside ``train_section``, that neither records nor trains.

    Returns
    -------
    TrainingStateScope

    See Also
    --------
    train_section
    minigluon.autograd.pause

    Examples
    --------
    >>> from minigluon import autograd as ag
    >>> from minigluon.contrib import autograd
    >>> with autograd.train_section():
    ...     with autograd.test_section():
    ...         print(ag.is_recording(), ag.is_training())
    False False
    """
    return TrainingStateScope(False)


def mark_variables(variables: Any, gradients: Any, grad_reqs: Any = "write") -> None:
    """Mark arrays as variables whose gradients go to ``gradients`` (see
    :func:`minigluon.autograd.mark_variables`).

    Parameters
    ----------
    variables : list of NDArray
        Arrays that become leaves of the graph.
    gradients : list of NDArray
        Arrays that receive their gradients, one per variable.
    grad_reqs : str or list of str, default 'write'
        ``'write'`` overwrites the gradient, ``'add'`` accumulates it, ``'null'`` skips it; one
        value or one per variable.

    Returns
    -------
    None

    See Also
    --------
    backward
    minigluon.autograd.mark_variables

    Examples
    --------
    >>> from minigluon import nd
    >>> from minigluon.contrib import autograd
    >>> x, dx = nd.ones(2), nd.zeros(2)
    >>> autograd.mark_variables([x], [dx], 'add')
    >>> with autograd.train_section():
    ...     y = 3 * x
    >>> autograd.backward([y])
    >>> dx
    <BLANKLINE>
    [3. 3.]
    <NDArray 2 @cpu(0)>
    """
    _autograd.mark_variables(variables, gradients, grad_reqs)


def backward(outputs: Any, out_grads: Any = None, retain_graph: bool = False) -> None:
    """Gradients of the heads ``outputs`` (a list) into the marked variables.

    Parameters
    ----------
    outputs : list or tuple of NDArray
        Outputs to differentiate (head gradients of ones).
    out_grads : list of NDArray or None, optional
        Head gradients (``None`` entries mean ones).
    retain_graph : bool, default False
        Keep the recorded graph so that backward can run again.

    Returns
    -------
    None

    See Also
    --------
    compute_gradient
    minigluon.autograd.backward

    Examples
    --------
    >>> from minigluon import nd
    >>> from minigluon.contrib import autograd
    >>> x, dx = nd.ones(2), nd.zeros(2)
    >>> autograd.mark_variables([x], [dx])
    >>> with autograd.train_section():
    ...     y = x * 2
    >>> autograd.backward([y], [nd.array([1., 10.])])
    >>> dx
    <BLANKLINE>
    [ 2. 20.]
    <NDArray 2 @cpu(0)>
    """
    if not isinstance(outputs, (list, tuple)):
        raise TypeError("outputs must be a list or tuple of NDArrays")
    if out_grads is not None and len(out_grads) != len(outputs):
        raise ValueError("outputs and out_grads must have the same length")
    _autograd.backward(list(outputs), None if out_grads is None else list(out_grads),
                       retain_graph=retain_graph)


def compute_gradient(outputs: Any) -> None:
    """``backward(outputs)``: the older name.

    Parameters
    ----------
    outputs : list of NDArray
        Outputs to differentiate (head gradients of ones).

    Returns
    -------
    None

    See Also
    --------
    backward

    Examples
    --------
    >>> from minigluon import nd
    >>> from minigluon.contrib import autograd
    >>> x, dx = nd.array([3.]), nd.zeros(1)
    >>> autograd.mark_variables([x], [dx])
    >>> with autograd.train_section():
    ...     y = x * x
    >>> autograd.compute_gradient([y])
    >>> dx.asscalar()
    np.float32(6.0)
    """
    backward(outputs)


def grad_and_loss(func: Callable[..., Any], argnum: int | list[int] | None = None
                  ) -> Callable[..., tuple[list[NDArray], Any]]:
    """Wrap ``func`` so that it returns ``(gradients, outputs)``.

    The gradients are those of the output(s) with respect to the arguments numbered in
    ``argnum`` (all by default), which must be NDArrays.

    Parameters
    ----------
    func : callable
        A function of NDArrays.
    argnum : int or list of int, optional
        Positions of the arguments to differentiate with respect to; None means all.

    Returns
    -------
    callable

    See Also
    --------
    grad

    Examples
    --------
    >>> from minigluon import nd
    >>> from minigluon.contrib import autograd
    >>> f = autograd.grad_and_loss(lambda x, y: x * y)
    >>> (gx, gy), out = f(nd.array([2.]), nd.array([5.]))
    >>> gx.asscalar(), gy.asscalar(), out.asscalar()
    (np.float32(5.0), np.float32(2.0), np.float32(10.0))
    """

    @functools.wraps(func)
    def wrapped(*args: Any) -> tuple[list[NDArray], Any]:
        variables = list(args)
        if argnum is not None:
            picks = argnum if isinstance(argnum, list) else [argnum]
            variables = [args[i] for i in picks]
        for x in variables:
            if not isinstance(x, NDArray):
                raise TypeError(f"type of autograd input should be NDArray, got "
                                f"{type(x).__name__}")
        grads = [zeros_like(x) for x in variables]
        mark_variables(variables, grads)
        with train_section():
            outputs = func(*args)
        compute_gradient([outputs] if isinstance(outputs, NDArray) else outputs)
        return grads, outputs

    return wrapped


def grad(func: Callable[..., Any], argnum: int | list[int] | None = None
         ) -> Callable[..., list[NDArray]]:
    """Wrap ``func`` so that it returns the gradients of its arguments (see
    :func:`grad_and_loss`).

    Parameters
    ----------
    func : callable
        Function of NDArrays to differentiate.
    argnum : int or list of int, optional
        Positions of the arguments to differentiate with respect to; None means all.

    Returns
    -------
    callable

    See Also
    --------
    grad_and_loss

    Examples
    --------
    >>> from minigluon import nd
    >>> from minigluon.contrib import autograd
    >>> autograd.grad(lambda x: x ** 3)(nd.array([2.]))[0]
    <BLANKLINE>
    [12.]
    <NDArray 1 @cpu(0)>
    """
    both = grad_and_loss(func, argnum)

    @functools.wraps(func)
    def wrapped(*args: Any) -> list[NDArray]:
        return both(*args)[0]

    return wrapped
