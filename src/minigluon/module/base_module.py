"""``BaseModule``: the training loop (``fit``), evaluation (``score``) and prediction
(``predict``, ``iter_predict``) written once over the per-batch calls a module implements."""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any

import numpy as np

from .. import initializer as init_mod
from .. import metric as metric_mod
from .. import ndarray as nd
from ..base import MXNetError
from ..io.ndarray_iter import NDArrayIter
from ..model import BatchEndParam
from ..ndarray.ndarray import NDArray

__all__ = ["BaseModule"]


def _as_list(obj: Any) -> list:
    if obj is None:
        return []
    return list(obj) if isinstance(obj, (list, tuple)) else [obj]


def _call(callbacks: Any, *args: Any) -> None:
    for cb in _as_list(callbacks):
        cb(*args)


class BaseModule:
    """The loop every module shares; subclasses bind, initialize and run batches.

    A subclass implements ``bind``, ``init_params``, ``init_optimizer``, ``forward``,
    ``backward``, ``update``, ``update_metric``, ``get_outputs``, ``get_params`` and
    ``set_params``; ``fit``, ``score``, ``predict`` and ``iter_predict`` come from here.

    Parameters
    ----------
    logger : logging.Logger, optional
        Where progress is logged; None uses the ``logging`` module.

    See Also
    --------
    Module

    Examples
    --------
    >>> from minigluon import mod
    >>> issubclass(mod.Module, mod.BaseModule)
    True
    """

    def __init__(self, logger: Any = logging) -> None:
        self.logger = logger
        self.binded = False
        self.for_training = False
        self.inputs_need_grad = False
        self.params_initialized = False
        self.optimizer_initialized = False
        self._symbol: Any = None
        self._total_exec_bytes = 0

    def forward_backward(self, data_batch: Any) -> None:
        """``forward(data_batch, is_train=True)`` then ``backward()``.

        Parameters
        ----------
        data_batch : DataBatch
            The batch to run.

        See Also
        --------
        fit

        Examples
        --------
        >>> from minigluon import mod, sym, io, nd
        >>> m = mod.Module(sym.var('data') * sym.var('weight'), label_names=None)
        >>> m.bind([('data', (2,))]); m.init_params()
        >>> m.forward_backward(io.DataBatch([nd.ones(2)]))
        >>> m.get_outputs()[0].shape
        (2,)
        """
        self.forward(data_batch, is_train=True)
        self.backward()

    def score(self, eval_data: Any, eval_metric: Any, num_batch: int | None = None,
              batch_end_callback: Any = None, score_end_callback: Any = None,
              reset: bool = True, epoch: int = 0, sparse_row_id_fn: Any = None) -> list:
        """Evaluate ``eval_metric`` over ``eval_data``; returns its ``(name, value)`` pairs.

        Parameters
        ----------
        eval_data : DataIter
            Batches to evaluate.
        eval_metric : str or EvalMetric
            Metric, or a name ``metric.create`` understands.
        num_batch : int, optional
            Stop after this many batches.
        batch_end_callback, score_end_callback : callable or list, optional
            Called after each batch and at the end with a ``BatchEndParam``.
        reset : bool, default True
            Reset ``eval_data`` first.
        epoch : int, default 0
            Passed to the callbacks.
        sparse_row_id_fn : optional
            Accepted for MXNet compatibility.

        Returns
        -------
        list of (str, float)

        See Also
        --------
        fit, predict

        Examples
        --------
        >>> import numpy as np
        >>> from minigluon import mod, sym, io
        >>> m = mod.Module(sym.SoftmaxOutput(sym.var('data') * 5, name='softmax'))
        >>> it = io.NDArrayIter(np.eye(2), np.array([0, 1]), batch_size=2)
        >>> m.bind(it.provide_data, it.provide_label, for_training=False); m.init_params()
        >>> m.score(it, 'acc')
        [('accuracy', 1.0)]
        """
        if not (self.binded and self.params_initialized):
            raise MXNetError("score: bind the module and initialize its parameters first")
        if reset:
            eval_data.reset()
        if not isinstance(eval_metric, metric_mod.EvalMetric):
            eval_metric = metric_mod.create(eval_metric)
        eval_metric.reset()
        nbatch = 0
        for nbatch, batch in enumerate(eval_data):
            if num_batch is not None and nbatch == num_batch:
                break
            self.forward(batch, is_train=False)
            self.update_metric(eval_metric, batch.label, pre_sliced=False)
            _call(batch_end_callback, BatchEndParam(epoch, nbatch, eval_metric, locals()))
        _call(score_end_callback, BatchEndParam(epoch, nbatch, eval_metric, locals()))
        return eval_metric.get_name_value()

    def iter_predict(self, eval_data: Any, num_batch: int | None = None,
                     reset: bool = True, sparse_row_id_fn: Any = None) -> Iterator[tuple]:
        """Yield ``(outputs, batch number, batch)`` per batch, padding removed.

        Parameters
        ----------
        eval_data : DataIter
            Batches to predict.
        num_batch : int, optional
            Stop after this many batches; None runs them all.
        reset : bool, default True
            Reset ``eval_data`` before reading it.
        sparse_row_id_fn : optional
            Accepted for MXNet compatibility.

        Returns
        -------
        iterator of tuple

        See Also
        --------
        predict

        Examples
        --------
        >>> import numpy as np
        >>> from minigluon import mod, sym, io
        >>> m = mod.Module(sym.var('data') * 2, label_names=None)
        >>> it = io.NDArrayIter(np.arange(3), batch_size=2)
        >>> m.bind(it.provide_data, for_training=False); m.init_params()
        >>> [out[0].asnumpy().tolist() for out, _, _ in m.iter_predict(it)]
        [[0.0, 2.0], [4.0]]
        """
        if not (self.binded and self.params_initialized):
            raise MXNetError("iter_predict: bind the module and initialize its parameters "
                             "first")
        if reset:
            eval_data.reset()
        for nbatch, batch in enumerate(eval_data):
            if num_batch is not None and nbatch == num_batch:
                break
            self.forward(batch, is_train=False)
            pad = batch.pad or 0
            outputs = [NDArray(o._data[:o.shape[0] - pad].copy()) for o in self.get_outputs()]
            yield outputs, nbatch, batch

    def predict(self, eval_data: Any, num_batch: int | None = None, merge_batches: bool = True,
                reset: bool = True, always_output_list: bool = False,
                sparse_row_id_fn: Any = None) -> Any:
        """The outputs over ``eval_data`` (padding removed), joined along the batch axis.

        Parameters
        ----------
        eval_data : DataIter or NDArray or numpy.ndarray
            An array is wrapped in an ``NDArrayIter`` of the bound batch size.
        num_batch : int, optional
            Stop after this many batches; None runs them all.
        merge_batches : bool, default True
            Concatenate the batches (else a list per batch).
        reset : bool, default True
            Reset the iterator before reading it.
        always_output_list : bool, default False
            Return a list even for a single output.
        sparse_row_id_fn : optional
            Accepted for MXNet compatibility.

        Returns
        -------
        NDArray or list

        See Also
        --------
        iter_predict, score

        Examples
        --------
        >>> import numpy as np
        >>> from minigluon import mod, sym, io
        >>> m = mod.Module(sym.var('data') + 1, label_names=None)
        >>> m.bind([('data', (2,))], for_training=False); m.init_params()
        >>> m.predict(io.NDArrayIter(np.arange(3), batch_size=2)).asnumpy()
        array([1., 2., 3.], dtype=float32)
        """
        if isinstance(eval_data, (np.ndarray, NDArray)):
            from_ = eval_data.asnumpy() if isinstance(eval_data, NDArray) else eval_data
            eval_data = NDArrayIter(from_, batch_size=self.data_shapes[0].shape[0])
        outs = [o for o, _, _ in self.iter_predict(eval_data, num_batch, reset)]
        if not outs:
            return []
        if not merge_batches:
            return outs
        merged = [NDArray(np.concatenate([b[i]._data for b in outs])) for i in range(len(outs[0]))]
        if len(merged) == 1 and not always_output_list:
            return merged[0]
        return merged

    def fit(self, train_data: Any, eval_data: Any = None, eval_metric: Any = "acc",
            epoch_end_callback: Any = None, batch_end_callback: Any = None,
            kvstore: Any = "local", optimizer: Any = "sgd",
            optimizer_params: Any = (("learning_rate", 0.01),), eval_end_callback: Any = None,
            eval_batch_end_callback: Any = None, initializer: Any = None,
            arg_params: Any = None, aux_params: Any = None, allow_missing: bool = False,
            force_rebind: bool = False, force_init: bool = False, begin_epoch: int = 0,
            num_epoch: int | None = None, validation_metric: Any = None, monitor: Any = None,
            sparse_row_id_fn: Any = None) -> None:
        """Train on ``train_data`` for ``num_epoch`` epochs: bind, initialize, then per batch
        forward, backward, update and the training metric; evaluate on ``eval_data`` each epoch.

        Parameters
        ----------
        train_data : DataIter
            Training batches.
        eval_data : DataIter, optional
            Validation batches, scored after each epoch.
        eval_metric : str or EvalMetric, default 'acc'
            Metric, or a name ``metric.create`` understands.
        epoch_end_callback : callable or list, optional
            ``cb(epoch, symbol, arg_params, aux_params)``.
        batch_end_callback : callable or list, optional
            ``cb(BatchEndParam)``.
        kvstore : str, default 'local'
            Accepted for MXNet compatibility (one device).
        optimizer : str or Optimizer, default 'sgd'
            Optimizer or its registered name.
        optimizer_params : dict or pairs, default ``(('learning_rate', 0.01),)``
            Arguments of the optimizer when it is made by name.
        eval_end_callback, eval_batch_end_callback : optional
            Called after scoring ``eval_data`` and after each of its batches.
        initializer : Initializer, default ``Uniform(0.01)``
            Initializer of the parameters not given in ``arg_params``.
        arg_params, aux_params : dict, optional
            Starting parameter values.
        allow_missing, force_rebind, force_init : bool, default False
            Passed to ``bind``, ``init_params`` and ``init_optimizer``.
        begin_epoch : int, default 0
            Number of the first epoch (to resume training).
        num_epoch : int
            Number of epochs (required).
        validation_metric : str or EvalMetric, optional
            Metric on ``eval_data`` (default: ``eval_metric``).
        monitor, sparse_row_id_fn : optional
            Accepted for MXNet compatibility.

        See Also
        --------
        score, predict
        minigluon.callback.Speedometer

        Examples
        --------
        >>> import numpy as np
        >>> import minigluon as mx
        >>> x = np.random.RandomState(0).randn(64, 2).astype('float32')
        >>> y = (x[:, 0] > 0).astype('float32')
        >>> net = mx.sym.SoftmaxOutput(mx.sym.FullyConnected(mx.sym.var('data'), num_hidden=2,
        ...                                                  name='fc'), name='softmax')
        >>> m = mx.mod.Module(net)
        >>> m.fit(mx.io.NDArrayIter(x, y, batch_size=16), num_epoch=20,
        ...       optimizer_params={'learning_rate': 0.5})
        >>> m.score(mx.io.NDArrayIter(x, y, batch_size=16), 'acc')[0][1] > 0.9
        True
        """
        if num_epoch is None:
            raise ValueError("please specify number of epochs")
        self.bind(data_shapes=train_data.provide_data, label_shapes=train_data.provide_label,
                  for_training=True, force_rebind=force_rebind)
        self.init_params(initializer=initializer or init_mod.Uniform(0.01),
                         arg_params=arg_params, aux_params=aux_params,
                         allow_missing=allow_missing, force_init=force_init)
        self.init_optimizer(kvstore=kvstore, optimizer=optimizer,
                            optimizer_params=optimizer_params)
        if validation_metric is None:
            validation_metric = eval_metric
        if not isinstance(eval_metric, metric_mod.EvalMetric):
            eval_metric = metric_mod.create(eval_metric)
        for epoch in range(begin_epoch, num_epoch):
            tic = time.time()
            eval_metric.reset()
            train_data.reset()
            for nbatch, batch in enumerate(train_data):
                self.forward_backward(batch)
                self.update()
                self.update_metric(eval_metric, batch.label)
                _call(batch_end_callback, BatchEndParam(epoch, nbatch, eval_metric, locals()))
            for name, value in eval_metric.get_name_value():
                self.logger.info("Epoch[%d] Train-%s=%f", epoch, name, value)
            self.logger.info("Epoch[%d] Time cost=%.3f", epoch, time.time() - tic)
            arg_params, aux_params = self.get_params()
            self.set_params(arg_params, aux_params)
            _call(epoch_end_callback, epoch, self.symbol, arg_params, aux_params)
            if eval_data is not None:
                res = self.score(eval_data, validation_metric,
                                 score_end_callback=eval_end_callback,
                                 batch_end_callback=eval_batch_end_callback, epoch=epoch)
                for name, value in res:
                    self.logger.info("Epoch[%d] Validation-%s=%f", epoch, name, value)

    def set_params(self, arg_params: dict, aux_params: dict, allow_missing: bool = False,
                   force_init: bool = True, allow_extra: bool = False) -> None:
        """Set parameter values: ``init_params`` with these values and no initializer.

        Parameters
        ----------
        arg_params, aux_params : dict of str to NDArray
            Values of the arguments and auxiliary states, by name.
        allow_missing : bool, default False
            If True, names missing from the dicts keep their values.
        force_init : bool, default True
            If True, overwrite parameters already initialized.
        allow_extra : bool, default False
            If True, names the module does not have are ignored; otherwise they raise.

        See Also
        --------
        Module.init_params, Module.get_params

        Examples
        --------
        >>> from minigluon import mod, sym, nd
        >>> m = mod.Module(sym.var('data') * sym.var('weight'), label_names=None)
        >>> m.bind([('data', (1,))]); m.set_params({'weight': nd.array([2])}, {})
        >>> m.get_params()[0]['weight'].asnumpy()
        array([2.], dtype=float32)
        """
        self.init_params(initializer=None, arg_params=arg_params, aux_params=aux_params,
                         allow_missing=allow_missing, force_init=force_init,
                         allow_extra=allow_extra)

    @property
    def symbol(self) -> Any:
        """The module's Symbol.

        See Also
        --------
        Module

        Examples
        --------
        >>> from minigluon import mod, sym
        >>> mod.Module(sym.var('data') * 2, label_names=None).symbol.list_arguments()
        ['data']
        """
        return self._symbol

    def save_params(self, fname: str) -> None:
        """Save the parameters (``arg:``/``aux:`` keys) to ``fname``.

        Parameters
        ----------
        fname : str
            Path of the file written.

        See Also
        --------
        load_params

        Examples
        --------
        >>> import os, tempfile
        >>> from minigluon import mod, sym
        >>> m = mod.Module(sym.var('data') * sym.var('weight'), label_names=None)
        >>> m.bind([('data', (2,))]); m.init_params()
        >>> path = os.path.join(tempfile.mkdtemp(), 'm.params'); m.save_params(path)
        >>> m.load_params(path)
        """
        arg_params, aux_params = self.get_params()
        save = {f"arg:{k}": v for k, v in arg_params.items()}
        save.update({f"aux:{k}": v for k, v in aux_params.items()})
        nd.save(fname, save)

    def load_params(self, fname: str) -> None:
        """Load parameters saved by :meth:`save_params`.

        Parameters
        ----------
        fname : str
            Path of the file read.

        See Also
        --------
        save_params

        Examples
        --------
        >>> import os, tempfile
        >>> from minigluon import mod, sym
        >>> m = mod.Module(sym.var('data') * sym.var('weight'), label_names=None)
        >>> m.bind([('data', (2,))]); m.init_params()
        >>> path = os.path.join(tempfile.mkdtemp(), 'm.params'); m.save_params(path)
        >>> m.load_params(path)
        """
        arg_params, aux_params = {}, {}
        for k, v in nd.load(fname).items():
            kind, _, name = k.partition(":")
            if kind == "arg":
                arg_params[name] = v
            elif kind == "aux":
                aux_params[name] = v
            else:
                raise ValueError(f"Invalid param file {fname}")
        self.set_params(arg_params, aux_params)
