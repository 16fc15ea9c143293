"""Callbacks for ``Module.fit``: speed and metric logging per batch, checkpoints per epoch.

See Also
--------
Speedometer, do_checkpoint
minigluon.module.BaseModule.fit
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

from .model import save_checkpoint

__all__ = ["Speedometer", "do_checkpoint", "log_train_metric", "module_checkpoint"]


def do_checkpoint(prefix: str, period: int = 1) -> Callable[..., None]:
    """An epoch-end callback saving ``prefix-symbol.json`` and ``prefix-%04d.params``.

    Parameters
    ----------
    prefix : str
        Path prefix of the files: ``prefix-symbol.json`` and ``prefix-%04d.params``.
    period : int, default 1
        Save every ``period`` epochs.

    Returns
    -------
    callable
        ``callback(epoch, symbol, arg_params, aux_params)``.

    See Also
    --------
    minigluon.model.save_checkpoint, module_checkpoint

    Examples
    --------
    >>> import os, tempfile
    >>> from minigluon import callback, nd, sym
    >>> prefix = os.path.join(tempfile.mkdtemp(), 'net')
    >>> callback.do_checkpoint(prefix)(0, sym.var('x'), {'w': nd.ones(1)}, {})
    >>> sorted(os.listdir(os.path.dirname(prefix)))
    ['net-0001.params', 'net-symbol.json']
    """
    period = int(max(1, period))

    def _callback(iter_no: int, sym: Any, arg: dict, aux: dict) -> None:
        if (iter_no + 1) % period == 0:
            save_checkpoint(prefix, iter_no + 1, sym, arg, aux)

    return _callback


def module_checkpoint(mod: Any, prefix: str, period: int = 1,
                      save_optimizer_states: bool = False) -> Callable[..., None]:
    """An epoch-end callback calling ``mod.save_checkpoint`` every ``period`` epochs.

    Parameters
    ----------
    mod : Module
        The module whose parameters are saved.
    prefix : str
        Path prefix of the files: ``prefix-symbol.json`` and ``prefix-%04d.params``.
    period : int, default 1
        Save every ``period`` epochs.
    save_optimizer_states : bool, default False
        Also save the optimizer states to ``prefix-%04d.states``.

    Returns
    -------
    callable
        ``callback(epoch, symbol=None, arg_params=None, aux_params=None)``.

    See Also
    --------
    do_checkpoint

    Examples
    --------
    >>> from minigluon import callback
    >>> callable(callback.module_checkpoint(None, 'net'))
    True
    """
    period = int(max(1, period))

    def _callback(iter_no: int, sym: Any = None, arg: Any = None, aux: Any = None) -> None:
        if (iter_no + 1) % period == 0:
            mod.save_checkpoint(prefix, iter_no + 1, save_optimizer_states)

    return _callback


def log_train_metric(period: int, auto_reset: bool = False) -> Callable[..., None]:
    """A batch-end callback logging the training metric every ``period`` batches.

    Parameters
    ----------
    period : int
        Log every ``period`` batches.
    auto_reset : bool, default False
        Reset the metric after logging it.

    Returns
    -------
    callable
        ``callback(param)`` with a :class:`~minigluon.model.BatchEndParam`.

    See Also
    --------
    Speedometer

    Examples
    --------
    >>> from minigluon import callback
    >>> callable(callback.log_train_metric(10))
    True
    """

    def _callback(param: Any) -> None:
        if param.nbatch % period == 0 and param.eval_metric is not None:
            for name, value in param.eval_metric.get_name_value():
                logging.info("Iter[%d] Batch[%d] Train-%s=%f", param.epoch, param.nbatch,
                             name, value)
            if auto_reset:
                param.eval_metric.reset_local()

    return _callback


class Speedometer:
    """A batch-end callback logging samples per second (and the metric) every ``frequent``
    batches.

    Parameters
    ----------
    batch_size : int
        Samples per batch, used to compute samples per second.
    frequent : int, default 50
        Log every ``frequent`` batches.
    auto_reset : bool, default True
        Reset the metric after each log line.

    See Also
    --------
    log_train_metric
    minigluon.module.BaseModule.fit

    Examples
    --------
    >>> from minigluon import callback, model
    >>> speed = callback.Speedometer(batch_size=32, frequent=2)
    >>> for n in range(3):
    ...     speed(model.BatchEndParam(epoch=0, nbatch=n, eval_metric=None, locals=None))
    """

    def __init__(self, batch_size: int, frequent: int = 50, auto_reset: bool = True) -> None:
        self.batch_size = batch_size
        self.frequent = frequent
        self.auto_reset = auto_reset
        self.init = False
        self.tic = 0.0
        self.last_count = 0

    def __call__(self, param: Any) -> None:
        count = param.nbatch
        if self.last_count > count:
            self.init = False
        self.last_count = count
        if not self.init:
            self.init = True
            self.tic = time.time()
            return
        if count % self.frequent != 0:
            return
        speed = self.frequent * self.batch_size / max(time.time() - self.tic, 1e-12)
        msg = f"Epoch[{param.epoch}] Batch [{count - self.frequent}-{count}]\t" \
              f"Speed: {speed:.2f} samples/sec"
        if param.eval_metric is not None:
            pairs = param.eval_metric.get_name_value()
            if self.auto_reset:
                param.eval_metric.reset_local()
            msg += "".join(f"\t{name}={value:f}" for name, value in pairs)
        logging.info(msg)
        self.tic = time.time()
