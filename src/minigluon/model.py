"""Checkpoints of symbolic models: ``prefix-symbol.json`` plus ``prefix-%04d.params`` (MXNet's
layout, with ``arg:``/``aux:`` key prefixes), and the record batch callbacks receive.

See Also
--------
save_checkpoint, load_checkpoint
minigluon.module.Module.save_checkpoint
"""

from __future__ import annotations

from collections import namedtuple
from typing import Any

from . import ndarray as nd
from . import symbol as sym

__all__ = ["BatchEndParam", "save_checkpoint", "load_checkpoint", "load_params"]

BatchEndParam = namedtuple("BatchEndParam", ["epoch", "nbatch", "eval_metric", "locals"])
BatchEndParam.__doc__ = """What a batch-end callback receives: epoch, batch number, metric, locals.

Parameters
----------
epoch : int
    The current epoch, counted from 0.
nbatch : int
    The index in this epoch of the batch just done, counted from 0.
eval_metric : EvalMetric or None
    The metric, already updated with this batch (the training metric in ``Module.fit``, the
    evaluation metric in ``Module.score``).
locals : dict or None
    The local variables of the loop that made the call (``locals()`` of ``fit`` or
    ``score``), for callbacks that need more.

See Also
--------
minigluon.callback.Speedometer

Examples
--------
>>> from minigluon import model
>>> model.BatchEndParam(epoch=0, nbatch=5, eval_metric=None, locals=None).nbatch
5
"""


def save_checkpoint(prefix: str, epoch: int, symbol: Any, arg_params: dict, aux_params: dict,
                    remove_amp_cast: bool = True) -> None:
    """Write ``prefix-symbol.json`` and ``prefix-%04d.params`` (epoch).

    Parameters
    ----------
    prefix : str
        Path prefix of the two files.
    epoch : int
        Epoch number, in the parameter file's name.
    symbol : Symbol or None
        The graph (not written when None).
    arg_params, aux_params : dict of str to NDArray
        Parameters and auxiliary states, saved as ``arg:<name>`` and ``aux:<name>``.
    remove_amp_cast : bool, default True
        Accepted for MXNet compatibility.

    See Also
    --------
    load_checkpoint, minigluon.module.Module.save_checkpoint

    Examples
    --------
    >>> import os, tempfile
    >>> from minigluon import model, nd, sym
    >>> prefix = os.path.join(tempfile.mkdtemp(), 'net')
    >>> model.save_checkpoint(prefix, 3, sym.var('x') * 2, {'w': nd.ones(2)}, {})
    >>> sorted(os.listdir(os.path.dirname(prefix)))
    ['net-0003.params', 'net-symbol.json']
    """
    if symbol is not None:
        symbol.save(f"{prefix}-symbol.json", remove_amp_cast=remove_amp_cast)
    save = {f"arg:{k}": v for k, v in arg_params.items()}
    save.update({f"aux:{k}": v for k, v in aux_params.items()})
    nd.save(f"{prefix}-{epoch:04d}.params", save)


def load_params(prefix: str, epoch: int) -> tuple[dict, dict]:
    """The ``(arg_params, aux_params)`` of ``prefix-%04d.params``.

    Parameters
    ----------
    prefix : str
        Path prefix of the checkpoint files.
    epoch : int
        Epoch number of ``prefix-%04d.params``.

    Returns
    -------
    tuple of dict
        Parameters and auxiliary states by name.

    See Also
    --------
    load_checkpoint

    Examples
    --------
    >>> import os, tempfile
    >>> from minigluon import model, nd
    >>> prefix = os.path.join(tempfile.mkdtemp(), 'net')
    >>> model.save_checkpoint(prefix, 1, None, {'w': nd.ones(2)}, {'m': nd.zeros(1)})
    >>> args, auxs = model.load_params(prefix, 1)
    >>> sorted(args), sorted(auxs)
    (['w'], ['m'])
    """
    arg_params, aux_params = {}, {}
    for k, v in nd.load(f"{prefix}-{epoch:04d}.params").items():
        kind, _, name = k.partition(":")
        if kind == "arg":
            arg_params[name] = v
        elif kind == "aux":
            aux_params[name] = v
    return arg_params, aux_params


def load_checkpoint(prefix: str, epoch: int) -> tuple[Any, dict, dict]:
    """The ``(symbol, arg_params, aux_params)`` saved by :func:`save_checkpoint`.

    Parameters
    ----------
    prefix : str
        Path prefix of the checkpoint files.
    epoch : int
        Epoch number of ``prefix-%04d.params``.

    Returns
    -------
    tuple
        The Symbol, then the parameter and auxiliary-state dicts.

    See Also
    --------
    save_checkpoint, minigluon.module.Module.load

    Examples
    --------
    >>> import os, tempfile
    >>> from minigluon import model, nd, sym
    >>> prefix = os.path.join(tempfile.mkdtemp(), 'net')
    >>> model.save_checkpoint(prefix, 0, sym.var('x') * 2, {'w': nd.ones(2)}, {})
    >>> net, args, auxs = model.load_checkpoint(prefix, 0)
    >>> net.list_arguments(), list(args)
    (['x'], ['w'])
    """
    symbol = sym.load(f"{prefix}-symbol.json")
    arg_params, aux_params = load_params(prefix, epoch)
    return symbol, arg_params, aux_params
