"""The Updater: one optimizer state per parameter index, saved without pickle.

``updater(index, grad, weight)`` creates the index's state on first use and updates ``weight``
in place. :meth:`Updater.get_states` returns the bytes of an ``.npz`` archive (numpy arrays and
a JSON header) rather than MXNet's pickle, so loading states never runs code.

See Also
--------
minigluon.optimizer.get_updater
minigluon.gluon.Trainer.save_states
"""

from __future__ import annotations

import io
import json
from typing import Any

import numpy as np

from .. import ndarray as nd
from .optimizer import _REGISTRY, Optimizer, _check_dense

__all__ = ["Updater", "get_updater"]

_STATES_FORMAT = "minigluon-updater-states"
_MISSING = object()


# -- Updater: per-index states, saved without pickle ------------------------------------------
def _flatten_state(state: Any, prefix: str, arrays: dict) -> Any:
    if state is None:
        return None
    if isinstance(state, (tuple, list)):
        return {"list" if isinstance(state, list) else "tuple":
                [_flatten_state(s, f"{prefix}/{i}", arrays) for i, s in enumerate(state)]}
    arrays[prefix] = np.array(np.asarray(state))
    return {"array": prefix}


def _unflatten_state(spec: Any, arrays: Any) -> Any:
    if spec is None:
        return None
    if "array" in spec:
        a = np.asarray(arrays[spec["array"]])
        return nd.array(a, dtype=a.dtype)
    if "list" in spec:
        return [_unflatten_state(s, arrays) for s in spec["list"]]
    return tuple(_unflatten_state(s, arrays) for s in spec["tuple"])


class Updater:
    """Applies an optimizer to indexed weights, creating each index's state on first use.

    ``updater(index, grad, weight)`` updates ``weight`` in place (note the argument order,
    as in MXNet); ``index``, ``grad`` and ``weight`` may also be equally long tuples or lists
    (what MXNet 1.9's Trainer passes). Its states save to bytes without pickle
    (:meth:`get_states`).

    Parameters
    ----------
    optimizer : Optimizer
        The optimizer whose ``update`` is applied.

    See Also
    --------
    get_updater, Optimizer.update
    minigluon.gluon.Trainer

    Examples
    --------
    >>> import minigluon as mx
    >>> updater = mx.optimizer.get_updater(mx.optimizer.SGD(learning_rate=0.1, momentum=0.9))
    >>> w = mx.nd.array([1.0])
    >>> updater(0, mx.nd.array([1.0]), w)
    >>> w.asnumpy(), updater.states[0].asnumpy()
    (array([0.9], dtype=float32), array([-0.1], dtype=float32))
    """

    def __init__(self, optimizer: Optimizer) -> None:
        self.optimizer = optimizer
        self.states: dict = {}
        self.states_synced: dict = {}

    def __call__(self, index: Any, grad: Any, weight: Any) -> None:
        if not isinstance(index, (list, tuple)):  # MXNet 1.9's Trainer passes tuples
            index, grad, weight = [index], [grad], [weight]
        group = getattr(self.optimizer, "_update_group", None)
        if group is not None:
            # every state exists after the first step: then one call updates the group
            states = self.states
            indices, found = [], []
            for i, g, w in zip(index, grad, weight):
                _check_dense(w, g)
                if type(i) is bytes:
                    i = i.decode()
                s = states.get(i, _MISSING)
                if s is _MISSING:
                    break
                indices.append(i)
                found.append(s)
            else:
                group(indices, list(weight), list(grad), found)
                return
        for i, g, w in zip(index, grad, weight):
            _check_dense(w, g)
            if isinstance(i, bytes):
                i = i.decode()
            if i not in self.states:
                self.states[i] = self.optimizer.create_state_multi_precision(i, w)
                self.states_synced[i] = True
            self.optimizer.update_multi_precision(i, w, g, self.states[i])

    def state_dict(self, dump_optimizer: bool = False) -> dict:
        """The states as a flat dict of numpy arrays (``np.savez(f, **d)``-ready, no pickle).

        Key ``'__meta__'`` is a 0-d string array holding a JSON header (the state structure
        per index, and with ``dump_optimizer`` the optimizer's :meth:`Optimizer.get_states`);
        the other keys are ``'<k>'`` or ``'<k>/<i>'`` for the k-th state's arrays.

        Parameters
        ----------
        dump_optimizer : bool, default False
            Also store the optimizer's settings (:meth:`Optimizer.get_states`) in the header.

        See Also
        --------
        Updater.get_states, Updater.set_states

        Examples
        --------
        >>> import minigluon as mx
        >>> u = mx.optimizer.get_updater(mx.optimizer.Adam())
        >>> u(0, mx.nd.ones((2,)), mx.nd.ones((2,)))
        >>> sorted(u.state_dict())
        ['0/0', '0/1', '__meta__']
        """
        arrays: dict = {}
        entries = [{"index": index, "spec": _flatten_state(s, str(k), arrays)}
                   for k, (index, s) in enumerate(self.states.items())]
        meta = {"format": _STATES_FORMAT, "version": 1, "states": entries,
                "optimizer": self.optimizer.get_states() if dump_optimizer else None}
        arrays["__meta__"] = np.array(json.dumps(meta))
        return arrays

    def get_states(self, dump_optimizer: bool = False) -> bytes:
        """The states (and optionally the optimizer's settings) as ``.npz`` bytes, no pickle.

        Parameters
        ----------
        dump_optimizer : bool, default False
            Also save the optimizer's settings and counters (:meth:`Optimizer.get_states`).

        Returns
        -------
        bytes
            An ``.npz`` archive of :meth:`state_dict`; write it to a file as is.

        See Also
        --------
        Updater.set_states, Updater.state_dict
        minigluon.gluon.Trainer.save_states

        Examples
        --------
        >>> import minigluon as mx
        >>> u = mx.optimizer.get_updater(mx.optimizer.SGD(momentum=0.9))
        >>> w = mx.nd.array([1.0])
        >>> u(0, mx.nd.array([1.0]), w)
        >>> blob = u.get_states(dump_optimizer=True)
        >>> u2 = mx.optimizer.get_updater(mx.optimizer.SGD())
        >>> u2.set_states(blob)
        >>> u2.optimizer.momentum, u2.states[0].asnumpy()
        (0.9, array([-0.01], dtype=float32))
        """
        buf = io.BytesIO()
        np.savez(buf, **self.state_dict(dump_optimizer))
        return buf.getvalue()

    def set_states(self, states: bytes | dict) -> None:
        """Restore :meth:`get_states` bytes or a :meth:`state_dict` dict.

        If the optimizer was saved too, its settings are restored into this updater's
        optimizer (same class) or a new optimizer of the saved class replaces it.

        Parameters
        ----------
        states : bytes or dict
            What :meth:`get_states` (an ``.npz`` archive as bytes) or :meth:`state_dict` returned.
            MXNet's pickled states are not read.

        See Also
        --------
        Updater.get_states, Updater.state_dict
        minigluon.gluon.Trainer.load_states

        Examples
        --------
        >>> import minigluon as mx
        >>> u = mx.optimizer.get_updater(mx.optimizer.AdaGrad())
        >>> u(3, mx.nd.array([2.0]), mx.nd.array([1.0]))
        >>> u2 = mx.optimizer.get_updater(mx.optimizer.AdaGrad())
        >>> u2.set_states(u.state_dict())
        >>> u2.states[3].asnumpy()
        array([4.], dtype=float32)
        """
        if isinstance(states, (bytes, bytearray)):
            with np.load(io.BytesIO(states), allow_pickle=False) as npz:
                states = {k: npz[k] for k in npz.files}
        if "__meta__" not in states:
            raise ValueError("set_states: not a minigluon optimizer-state archive (no "
                             "'__meta__' entry); it may be an MXNet pickle, which is not read")
        meta = json.loads(str(np.asarray(states["__meta__"])))
        self.states = {e["index"]: _unflatten_state(e["spec"], states) for e in meta["states"]}
        self.states_synced = dict.fromkeys(self.states, True)
        info = meta.get("optimizer")
        if info is not None:
            opt = self.optimizer
            if type(opt).__name__.lower() != info["name"]:
                klass = _REGISTRY.get(info["name"])
                if klass is None:
                    raise ValueError(f"set_states: the states were saved by optimizer "
                                     f"{info['name']!r}, which is not registered")
                new = klass.__new__(klass)
                new.param_dict = opt.param_dict
                new.lr_scheduler = None
                opt = self.optimizer = new
            opt.set_states(info)

    def sync_state_context(self, state: Any, context: Any) -> Any:
        """Return ``state`` on ``context`` (a no-op: the CPU is the only device).

        Parameters
        ----------
        state : None, NDArray or tuple
            An optimizer state.
        context : Context
            The device to move it to.

        See Also
        --------
        Updater.set_states
        minigluon.context.Context

        Examples
        --------
        >>> import minigluon as mx
        >>> u = mx.optimizer.get_updater(mx.optimizer.SGD())
        >>> u.sync_state_context(None, mx.cpu()) is None
        True
        """
        return state


def get_updater(optimizer: Optimizer) -> Updater:
    """An :class:`Updater` for ``optimizer``: ``updater(index, grad, weight)``.

    Parameters
    ----------
    optimizer : Optimizer
        Performs the updates; the updater keeps one state per index for it.

    See Also
    --------
    Updater, create

    Examples
    --------
    >>> import minigluon as mx
    >>> u = mx.optimizer.get_updater(mx.optimizer.SGD(learning_rate=1.0))
    >>> w = mx.nd.array([1.0, 2.0])
    >>> u(0, mx.nd.array([1.0, 1.0]), w)
    >>> w.asnumpy()
    array([0., 1.], dtype=float32)
    """
    return Updater(optimizer)

