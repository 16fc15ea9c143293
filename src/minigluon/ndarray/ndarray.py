"""``NDArray``: a float32-by-default numpy array that records onto the autograd tape."""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import autograd
from ..autograd import INPLACE_IN_GRAPH, STATE, record_op
from ..base import MXNetError, as_dtype, mx_real_t, op_error
from ..context import Context, check_ctx, cpu
from ..ops import registry
from ..ops.dispatch import register_handler
from ..ops.frontend import make_method
from ..ops.shape import reshape_method_attrs

__all__ = ["NDArray", "array", "empty", "waitall", "reset_arrays"]

_new_object = object.__new__

# MXNet's storage-type codes, as stored in a variable's ``__storage_type__`` attribute. Only
# 'default' (dense) storage exists in minigluon; the others are named for code that checks them.
_STORAGE_TYPE_STR_TO_ID = {"undefined": -1, "default": 0, "row_sparse": 1, "csr": 2}
_STORAGE_TYPE_ID_TO_STR = {v: k for k, v in _STORAGE_TYPE_STR_TO_ID.items()}
# MXNet keeps the builtin under this name in its ndarray module (its own `slice` op shadows
# it there), and code written for it imports it from here.
py_slice = slice


def _wrap(data: np.ndarray) -> NDArray:
    a = _new_object(NDArray)
    a._data = data
    return a


def _legacy(res: Any) -> np.ndarray:
    # MXNet 1.x NDArrays have no 0-d form: a scalar result has shape (1,).
    if type(res) is not np.ndarray:
        res = np.asarray(res)
    if res.ndim == 0:
        res = res.reshape(1)
    return res


def _unwrap(a: Any) -> Any:
    return a._data if isinstance(a, NDArray) else a


def run(op: registry.Op, arrays: tuple, attrs: dict, out: Any, name: Any) -> Any:
    """NDArray front end of ``invoke``: run the numpy forward now, record it if needed."""
    # This is the hot path of every imperative op: keep it free of per-call work that
    # could be precomputed (see benchmarks/bench_op_overhead.py).
    datas = [a._data if type(a) is NDArray else _unwrap(a) for a in arrays]
    if op.uses_train_mode or "ctx" in attrs:
        attrs = _runtime_attrs(op, attrs)
    try:
        res = op.forward(*datas, **attrs)
    except MXNetError:
        raise
    except (ValueError, IndexError, TypeError) as e:
        raise op_error(op, [None if a is None else np.shape(_unwrap(a)) for a in arrays],
                       e) from e
    if op.uses_train_mode:
        attrs = {k: v for k, v in attrs.items() if k != "is_train"}
    n = op.num_outputs if type(op.num_outputs) is int else op.n_visible(attrs)
    if n + op.num_hidden == 1:
        if type(res) is not np.ndarray or res.ndim == 0:
            res = _legacy(res)
        outs: tuple = (res,)
    else:
        # hidden outputs are whatever the op keeps for its backward (arrays or plain objects)
        outs = tuple(_legacy(r) for r in res[:n]) + tuple(res[n:])
    if out is not None:
        return _write_out(op, attrs, arrays, tuple(datas), outs, out)
    if n == 1:
        r = _new_object(NDArray)
        r._data = outs[0]
        if STATE.recording and op.differentiable:
            record_op(op, attrs, arrays, tuple(datas), outs, (r,))
        return r
    results = [_wrap(o) for o in outs[:n]]
    if STATE.recording and op.differentiable:
        record_op(op, attrs, arrays, tuple(datas), outs, results)
    return results


def _runtime_attrs(op: registry.Op, attrs: dict) -> dict:
    attrs = dict(attrs)
    if "ctx" in attrs:
        check_ctx(attrs.pop("ctx"))
    if op.uses_train_mode:
        attrs["is_train"] = STATE.training
    return attrs


def _write_out(op: registry.Op, attrs: dict, arrays: tuple, datas: tuple, outs: tuple,
               out: Any) -> Any:
    targets = out if isinstance(out, (list, tuple)) else [out]
    if STATE.recording and any(autograd.link_of(t) is not None for t in targets):
        raise MXNetError(INPLACE_IN_GRAPH)
    for t, o in zip(targets, outs):
        if t.shape != o.shape:
            raise MXNetError(f"{op.name}: cannot write a result of shape {o.shape} into out= "
                             f"of shape {t.shape}")
        t._data[...] = o
    if STATE.recording and op.differentiable:
        record_op(op, attrs, arrays, datas, tuple(t._data for t in targets) + outs[len(targets):],
                  targets)
    return out


def _binary(self: NDArray, other: Any, array_op: registry.Op, scalar_op: registry.Op,
            out: Any = None) -> Any:
    if isinstance(other, NDArray):
        return run(array_op, (self, other), {}, out, None)
    if isinstance(other, np.generic):  # np.float64 would promote float32 results (NEP 50)
        other = other.item()
    if isinstance(other, (int, float)):
        return run(scalar_op, (self,), {"scalar": other}, out, None)
    if isinstance(other, np.ndarray):
        return run(array_op, (self, array(other, dtype=other.dtype)), {}, out, None)
    return NotImplemented


def _rbinary(self: NDArray, other: Any, scalar_op: registry.Op) -> Any:
    if isinstance(other, np.generic):
        other = other.item()
    if isinstance(other, (int, float)):
        return run(scalar_op, (self,), {"scalar": other}, None, None)
    return NotImplemented


def _index_key(key: Any) -> Any:
    if isinstance(key, NDArray):
        return key._data.astype(np.int64)
    if isinstance(key, tuple):
        return tuple(_index_key(k) for k in key)
    if isinstance(key, list):
        return np.asarray(key, dtype=np.int64)
    return key


class NDArray:
    """An n-dimensional array on the CPU, with MXNet's API (float32 unless told otherwise).

    Create one with :func:`minigluon.ndarray.array`, :func:`~minigluon.ndarray.zeros` and
    friends rather than the constructor. Arithmetic broadcasts, comparisons return 0/1 arrays of
    the same dtype, and basic slicing returns views that write through.

    Parameters
    ----------
    data : numpy.ndarray
        The array wrapped (not copied); use ``nd.array`` to make NDArrays.

    See Also
    --------
    array : Make an array from data.
    zeros, ones
    minigluon.symbol.Symbol : The symbolic counterpart.
    minigluon.autograd.record : Record operations on NDArrays to differentiate them.

    Examples
    --------
    >>> from minigluon import nd
    >>> x = nd.array([[1, 2, 3], [4, 5, 6]])
    >>> x
    <BLANKLINE>
    [[1. 2. 3.]
     [4. 5. 6.]]
    <NDArray 2x3 @cpu(0)>
    >>> (x * 2 + 1)[1]
    <BLANKLINE>
    [ 9. 11. 13.]
    <NDArray 3 @cpu(0)>
    >>> x.shape, x.dtype
    ((2, 3), <class 'numpy.float32'>)
    """

    # Class-level defaults keep creation cheap: a new array sets only ``_data``.
    _node = None  # autograd.Node that computed this array, while recording
    _index = 0  # which output of that node
    _grad = None  # gradient buffer of a marked variable
    _grad_req = None  # 'write' | 'add' for marked variables, else None
    _fresh_grad = False  # set by backward, cleared by Trainer.step
    __hash__ = object.__hash__  # == is elementwise, so hash by identity

    def __init__(self, data: Any) -> None:
        self._data = np.asarray(data)

    # -- properties -------------------------------------------------------------------------
    @property
    def shape(self) -> tuple[int, ...]:
        """Tuple of array dimensions.

        See Also
        --------
        NDArray.reshape, size, ndim

        Examples
        --------
        >>> from minigluon import nd
        >>> nd.zeros((2, 3)).shape
        (2, 3)
        """
        return self._data.shape

    @property
    def dtype(self) -> type:
        """Element type as a numpy type (``numpy.float32`` by default).

        See Also
        --------
        astype, minigluon.ndarray.Cast

        Examples
        --------
        >>> from minigluon import nd
        >>> nd.zeros((2,)).dtype
        <class 'numpy.float32'>
        """
        return self._data.dtype.type

    @property
    def size(self) -> int:
        """Number of elements.

        See Also
        --------
        shape, ndim

        Examples
        --------
        >>> from minigluon import nd
        >>> nd.zeros((2, 3)).size
        6
        """
        return self._data.size

    @property
    def ndim(self) -> int:
        """Number of dimensions.

        See Also
        --------
        shape, size

        Examples
        --------
        >>> from minigluon import nd
        >>> nd.zeros((2, 3)).ndim
        2
        """
        return self._data.ndim

    @property
    def context(self) -> Context:
        """Device of the array (always ``cpu(0)``).

        See Also
        --------
        as_in_context, copyto, minigluon.context.current_context

        Examples
        --------
        >>> from minigluon import nd
        >>> nd.zeros((1,)).context
        cpu(0)
        """
        return cpu(0)

    ctx = context

    @property
    def stype(self) -> str:
        """Storage type: always ``'default'`` (dense).

        See Also
        --------
        tostype

        Examples
        --------
        >>> from minigluon import nd
        >>> nd.zeros((1,)).stype
        'default'
        """
        return "default"

    @property
    def T(self) -> NDArray:
        """Transpose (axes reversed).

        See Also
        --------
        NDArray.transpose, minigluon.ndarray.transpose

        Examples
        --------
        >>> from minigluon import nd
        >>> nd.zeros((2, 3)).T.shape
        (3, 2)
        """
        return self.transpose()

    @property
    def grad(self) -> NDArray | None:
        """Gradient buffer filled by ``backward`` (``None`` until ``attach_grad``).

        See Also
        --------
        attach_grad, backward, minigluon.autograd.record

        Examples
        --------
        >>> from minigluon import nd, autograd
        >>> x = nd.array([1., 2.])
        >>> print(x.grad)
        None
        >>> x.attach_grad()
        >>> with autograd.record():
        ...     y = (x ** 2).sum()
        >>> y.backward()
        >>> x.grad
        <BLANKLINE>
        [2. 4.]
        <NDArray 2 @cpu(0)>
        """
        return self._grad

    # -- conversion -------------------------------------------------------------------------
    def asnumpy(self) -> np.ndarray:
        """A numpy copy of the data.

        See Also
        --------
        asscalar, minigluon.ndarray.array

        Examples
        --------
        >>> from minigluon import nd
        >>> nd.ones((2,)).asnumpy()
        array([1., 1.], dtype=float32)
        """
        return self._data.copy()

    def asscalar(self) -> Any:
        """The single element as a numpy scalar (the array must have size 1).

        See Also
        --------
        asnumpy

        Examples
        --------
        >>> from minigluon import nd
        >>> print(nd.array([3.5]).asscalar())
        3.5
        >>> nd.ones((2,)).asscalar()
        Traceback (most recent call last):
        ...
        ValueError: The current array is not a scalar
        """
        if self._data.size != 1:
            raise ValueError("The current array is not a scalar")
        return self._data.reshape(())[()]

    def astype(self, dtype: Any, copy: bool = True) -> NDArray:
        """A copy converted to ``dtype`` (no copy if ``copy=False`` and the dtype matches).

        Parameters
        ----------
        dtype : str or numpy dtype
            Target data type.
        copy : bool, default True
            If False and the dtype is already ``dtype``, return this array itself.

        See Also
        --------
        dtype, minigluon.ndarray.Cast

        Examples
        --------
        >>> from minigluon import nd
        >>> nd.array([1.7, -2.2]).astype('int32')
        <BLANKLINE>
        [ 1 -2]
        <NDArray 2 @cpu(0)>
        """
        if not copy and self._data.dtype == as_dtype(dtype):
            return self
        return run(_OP["Cast"], (self,), {"dtype": str(as_dtype(dtype))}, None, None)

    def copy(self) -> NDArray:
        """A deep copy (recorded by autograd, so gradients flow through it).

        See Also
        --------
        copyto, detach

        Examples
        --------
        >>> from minigluon import nd
        >>> x = nd.ones((2,))
        >>> y = x.copy()
        >>> y[:] = 5
        >>> x
        <BLANKLINE>
        [1. 1.]
        <NDArray 2 @cpu(0)>
        """
        return self.identity()

    def copyto(self, other: Any) -> NDArray:
        """Copy into ``other`` (an NDArray of the same shape) or to a context.

        Parameters
        ----------
        other : NDArray or Context
            Destination array (same shape) or the device of a new copy.

        See Also
        --------
        copy, as_in_context

        Examples
        --------
        >>> import minigluon as mx
        >>> x, y = mx.nd.ones((2,)), mx.nd.zeros((2,))
        >>> _ = x.copyto(y)
        >>> y
        <BLANKLINE>
        [1. 1.]
        <NDArray 2 @cpu(0)>
        >>> x.copyto(mx.cpu()).shape
        (2,)
        """
        if isinstance(other, NDArray):
            if other is self:
                return other
            if other.shape != self.shape:
                raise ValueError(f"copyto: shape {self.shape} does not match target {other.shape}")
            run(registry.get("identity"), (self,), {}, other, None)
            return other
        check_ctx(other)
        return self.copy()

    def as_in_context(self, context: Any) -> NDArray:
        """This array on ``context`` (the array itself: there is one device).

        Parameters
        ----------
        context : Context
            Target device (there is one device: the array itself is returned).

        See Also
        --------
        context, copyto

        Examples
        --------
        >>> import minigluon as mx
        >>> x = mx.nd.ones((2,))
        >>> x.as_in_context(mx.cpu()) is x
        True
        """
        check_ctx(context)
        return self

    def as_nd_ndarray(self) -> NDArray:
        """This array (MXNet compatibility for code written against the numpy front end).

        See Also
        --------
        asnumpy, minigluon.ndarray.array

        Examples
        --------
        >>> from minigluon import nd
        >>> x = nd.ones((1,))
        >>> x.as_nd_ndarray() is x
        True
        """
        return self

    def tostype(self, stype: str) -> NDArray:
        """Convert storage type; only ``'default'`` (dense) exists here.

        Parameters
        ----------
        stype : {'default'}
            Storage type; only dense ('default') storage exists.

        See Also
        --------
        stype

        Examples
        --------
        >>> from minigluon import nd
        >>> nd.ones((1,)).tostype('default').stype
        'default'
        """
        if stype != "default":
            raise MXNetError(f"storage type {stype!r} is not supported; minigluon arrays are dense")
        return self

    def detach(self) -> NDArray:
        """A view of the data cut from the autograd graph (gradients stop here).

        See Also
        --------
        minigluon.ndarray.BlockGrad : The same cut, as an op.
        minigluon.autograd.pause

        Examples
        --------
        >>> from minigluon import nd, autograd
        >>> x = nd.array([2.])
        >>> x.attach_grad()
        >>> with autograd.record():
        ...     y = x * x.detach()
        >>> y.backward()
        >>> x.grad
        <BLANKLINE>
        [2.]
        <NDArray 1 @cpu(0)>
        """
        return _wrap(self._data)

    def wait_to_read(self) -> None:
        """Block until the array is computed (computation is synchronous here).

        See Also
        --------
        minigluon.ndarray.waitall

        Examples
        --------
        >>> from minigluon import nd
        >>> nd.ones((1,)).wait_to_read()
        """

    def attach_grad(self, grad_req: str = "write", stype: str | None = None) -> None:
        """Allocate a zero gradient buffer and mark this array as a variable.

        Parameters
        ----------
        grad_req : {'write', 'add', 'null'}, default 'write'
            ``'add'`` accumulates over several ``backward`` calls.
        stype : None
            Accepted for compatibility; gradients are dense.

        See Also
        --------
        grad, backward
        minigluon.autograd.mark_variables : The same for several arrays.
        minigluon.gluon.Parameter : Attaches gradients to layer weights for you.

        Examples
        --------
        >>> from minigluon import nd, autograd
        >>> x = nd.array([1., 1.])
        >>> x.attach_grad(grad_req='add')
        >>> for _ in range(3):
        ...     with autograd.record():
        ...         y = 2 * x
        ...     y.backward()
        >>> x.grad
        <BLANKLINE>
        [6. 6.]
        <NDArray 2 @cpu(0)>
        """
        autograd.mark_variables(self, _wrap(np.zeros_like(self._data)), grad_req)

    def backward(self, out_grad: NDArray | None = None, retain_graph: bool = False,
                 train_mode: bool = True) -> None:
        """Compute the gradients of this array with respect to the marked variables.

        Parameters
        ----------
        out_grad : NDArray, optional
            Gradient of this array (its shape); None means ones.
        retain_graph : bool, default False
            Keep the recorded graph so backward can run again.
        train_mode : bool, default True
            Whether the backward pass runs in training mode.

        See Also
        --------
        attach_grad, grad
        minigluon.autograd.backward : Several heads at once.
        minigluon.autograd.grad : Gradients as new arrays instead of ``.grad``.

        Examples
        --------
        >>> from minigluon import nd, autograd
        >>> x = nd.array([1., 2.])
        >>> x.attach_grad()
        >>> with autograd.record():
        ...     y = x * 3
        >>> y.backward(nd.array([1., 10.]))
        >>> x.grad
        <BLANKLINE>
        [ 3. 30.]
        <NDArray 2 @cpu(0)>
        """
        autograd.backward(self, None if out_grad is None else [out_grad],
                          retain_graph=retain_graph, train_mode=train_mode)

    def reshape(self, *shape: Any, **kwargs: Any) -> NDArray:
        """A view with a new shape; accepts MXNet's special codes 0, -1, -2, -3, -4.

        ``x.reshape(2, 3)``, ``x.reshape((2, 3))`` and ``x.reshape(shape=(2, 3))`` are the same;
        ``reverse=True`` matches the codes from the right. See :func:`minigluon.ndarray.reshape`.

        See Also
        --------
        shape
        minigluon.ndarray.reshape : The op behind it (the same codes).
        minigluon.ndarray.reshape_like, minigluon.ndarray.flatten

        Examples
        --------
        >>> from minigluon import nd
        >>> x = nd.zeros((2, 3, 4))
        >>> x.reshape(-3, 0).shape, x.reshape(0, -1).shape, x.reshape((-4, 1, 2, -2)).shape
        ((6, 4), (2, 12), (1, 2, 3, 4))
        """
        return run(_RESHAPE, (self,), reshape_method_attrs(shape, kwargs), None, None)

    def squeeze(self, axis: Any = None, inplace: bool = False) -> NDArray:
        """Drop axes of size 1 (all of them, or those in ``axis``).

        ``inplace=True`` returns a reshaped view of this array's memory (MXNet's flag for
        skipping the copy); the values are the same either way.

        Parameters
        ----------
        axis : int or tuple of int, optional
            Size-1 axes to remove; None removes them all.
        inplace : bool, default False
            If True, return a view of this array's memory instead of a copy.

        See Also
        --------
        reshape
        minigluon.ndarray.squeeze : The op behind it.
        minigluon.ndarray.expand_dims

        Examples
        --------
        >>> from minigluon import nd
        >>> x = nd.ones((2, 1, 3, 1))
        >>> x.squeeze().shape, x.squeeze(axis=1).shape
        ((2, 3), (2, 3, 1))
        >>> v = x.squeeze(inplace=True)
        >>> v[:] = 5
        >>> x.asnumpy().ravel().tolist()
        [5.0, 5.0, 5.0, 5.0, 5.0, 5.0]
        """
        out = run(_OP["squeeze"], (self,), {"axis": axis}, None, None)
        return self.reshape(out.shape) if inplace else out

    # -- indexing ---------------------------------------------------------------------------
    def __getitem__(self, key: Any) -> NDArray:
        key = _index_key(key)
        if STATE.recording and autograd.link_of(self) is not None:
            return run(_GETITEM, (self,), {"key": key}, None, None)
        return _wrap(_legacy(self._data[key]))

    def __setitem__(self, key: Any, value: Any) -> None:
        key = _index_key(key)
        if STATE.recording:
            if autograd.link_of(self) is not None:
                raise MXNetError(INPLACE_IN_GRAPH)
            if isinstance(value, NDArray) and autograd.link_of(value) is not None:
                run(_SETITEM, (_wrap(self._data.copy()), value), {"key": key}, self, None)
                return
        self._data[key] = value._data if isinstance(value, NDArray) else value

    def __iter__(self) -> Any:
        for i in range(len(self)):
            yield self[i]

    def __len__(self) -> int:
        return self._data.shape[0]

    # -- python protocol --------------------------------------------------------------------
    def __repr__(self) -> str:
        shape = "x".join(str(d) for d in self._data.shape)
        return f"\n{self._data}\n<NDArray {shape} @cpu(0)>"

    def __bool__(self) -> bool:
        if self._data.size == 1:
            return bool(self._data.reshape(())[()])
        if self._data.size == 0:
            return False
        raise ValueError("The truth value of an NDArray with multiple elements is ambiguous.")

    def __float__(self) -> float:
        return float(self.asscalar())

    def __int__(self) -> int:
        return int(self.asscalar())

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self._data if dtype is None else self._data.astype(dtype)

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any) -> Any:
        # ``np.float32(2) * x`` must stay an NDArray (MXNet code relies on it): route numpy
        # scalar (op) NDArray to our reflected operator. Any other numpy function applied to
        # NDArrays works on their data and returns numpy arrays.
        if (method == "__call__" and not kwargs and len(inputs) == 2
                and isinstance(inputs[0], np.generic) and inputs[1] is self
                and ufunc in _REFLECTED):
            return getattr(self, _REFLECTED[ufunc])(inputs[0])
        arrays = [x._data if isinstance(x, NDArray) else x for x in inputs]
        if "out" in kwargs:
            kwargs["out"] = tuple(o._data if isinstance(o, NDArray) else o
                                  for o in kwargs["out"])
        return getattr(ufunc, method)(*arrays, **kwargs)

    def __getstate__(self) -> dict:
        raise TypeError("NDArrays are not pickled by minigluon; use nd.save / nd.load")

    def __deepcopy__(self, memo: dict) -> NDArray:
        # copying in memory is fine (only pickling is refused): optimizer states, configs
        return _wrap(self._data.copy())

    # -- arithmetic: broadcast ops with arrays, *_scalar ops with numbers -------------------
    def __add__(self, o: Any) -> Any:
        return _binary(self, o, _OP["broadcast_add"], _OP["_plus_scalar"])

    def __radd__(self, o: Any) -> Any:
        return _rbinary(self, o, _OP["_plus_scalar"])

    def __sub__(self, o: Any) -> Any:
        return _binary(self, o, _OP["broadcast_sub"], _OP["_minus_scalar"])

    def __rsub__(self, o: Any) -> Any:
        return _rbinary(self, o, _OP["_rminus_scalar"])

    def __mul__(self, o: Any) -> Any:
        return _binary(self, o, _OP["broadcast_mul"], _OP["_mul_scalar"])

    def __rmul__(self, o: Any) -> Any:
        return _rbinary(self, o, _OP["_mul_scalar"])

    def __truediv__(self, o: Any) -> Any:
        return _binary(self, o, _OP["broadcast_div"], _OP["_div_scalar"])

    def __rtruediv__(self, o: Any) -> Any:
        return _rbinary(self, o, _OP["_rdiv_scalar"])

    def __mod__(self, o: Any) -> Any:
        return _binary(self, o, _OP["broadcast_mod"], _OP["_mod_scalar"])

    def __rmod__(self, o: Any) -> Any:
        return _rbinary(self, o, _OP["_rmod_scalar"])

    def __pow__(self, o: Any) -> Any:
        return _binary(self, o, _OP["broadcast_power"], _OP["_power_scalar"])

    def __rpow__(self, o: Any) -> Any:
        return _rbinary(self, o, _OP["_rpower_scalar"])

    def __neg__(self) -> NDArray:
        return run(_OP["negative"], (self,), {}, None, None)

    def __abs__(self) -> NDArray:
        return run(_OP["abs"], (self,), {}, None, None)

    def __iadd__(self, o: Any) -> Any:
        return _binary(self, o, _OP["broadcast_add"], _OP["_plus_scalar"], out=self)

    def __isub__(self, o: Any) -> Any:
        return _binary(self, o, _OP["broadcast_sub"], _OP["_minus_scalar"], out=self)

    def __imul__(self, o: Any) -> Any:
        return _binary(self, o, _OP["broadcast_mul"], _OP["_mul_scalar"], out=self)

    def __itruediv__(self, o: Any) -> Any:
        return _binary(self, o, _OP["broadcast_div"], _OP["_div_scalar"], out=self)

    def __imod__(self, o: Any) -> Any:
        return _binary(self, o, _OP["broadcast_mod"], _OP["_mod_scalar"], out=self)

    def __eq__(self, o: Any) -> Any:  # type: ignore[override]
        return _binary(self, o, _OP["broadcast_equal"], _OP["_equal_scalar"])

    def __ne__(self, o: Any) -> Any:  # type: ignore[override]
        return _binary(self, o, _OP["broadcast_not_equal"], _OP["_not_equal_scalar"])

    def __gt__(self, o: Any) -> Any:
        return _binary(self, o, _OP["broadcast_greater"], _OP["_greater_scalar"])

    def __ge__(self, o: Any) -> Any:
        return _binary(self, o, _OP["broadcast_greater_equal"], _OP["_greater_equal_scalar"])

    def __lt__(self, o: Any) -> Any:
        return _binary(self, o, _OP["broadcast_lesser"], _OP["_lesser_scalar"])

    def __le__(self, o: Any) -> Any:
        return _binary(self, o, _OP["broadcast_lesser_equal"], _OP["_lesser_equal_scalar"])


_REFLECTED = {np.add: "__radd__", np.subtract: "__rsub__", np.multiply: "__rmul__",
              np.true_divide: "__rtruediv__", np.power: "__rpow__", np.remainder: "__rmod__",
              np.greater: "__lt__", np.less: "__gt__", np.greater_equal: "__le__",
              np.less_equal: "__ge__", np.equal: "__eq__", np.not_equal: "__ne__"}


# -- creation functions that are not ops (they convert Python data) -----------------------------
def array(source_array: Any, ctx: Any = None, dtype: Any = None) -> NDArray:
    """Create an NDArray from a list, tuple, numpy array or NDArray.

    The result is float32 unless ``dtype`` is given or ``source_array`` is an NDArray (whose
    dtype is kept), as in MXNet: even float64 and int numpy arrays become float32.

    Parameters
    ----------
    source_array : array_like
        Values of the new array: nested lists, a numpy array or an NDArray.
    ctx : Context, optional
        Accepted for compatibility (the CPU is the only device).
    dtype : str or numpy dtype, optional
        Data type; None keeps an NDArray's or numpy array's dtype and uses float32 otherwise.

    Returns
    -------
    NDArray
        A copy of the data.

    See Also
    --------
    NDArray, zeros, empty
    NDArray.asnumpy : Back to numpy.

    Examples
    --------
    >>> from minigluon import nd
    >>> import numpy as np
    >>> nd.array([[1, 2], [3, 4]])
    <BLANKLINE>
    [[1. 2.]
     [3. 4.]]
    <NDArray 2x2 @cpu(0)>
    >>> nd.array(np.arange(3.0)).dtype
    <class 'numpy.float32'>
    >>> nd.array([1, 2], dtype='int64').dtype
    <class 'numpy.int64'>
    """
    check_ctx(ctx)
    if isinstance(source_array, NDArray):
        dt = source_array.dtype if dtype is None else as_dtype(dtype)
        return _wrap(_legacy(source_array._data.astype(dt, copy=True)))
    dt = mx_real_t if dtype is None else as_dtype(dtype)
    try:
        data = np.array(source_array, dtype=dt, copy=True)
    except (ValueError, TypeError) as e:
        raise TypeError(f"array: cannot convert {type(source_array).__name__} to an NDArray: "
                        f"{e}") from e
    return _wrap(_legacy(data))


def empty(shape: Any, ctx: Any = None, dtype: Any = None) -> NDArray:
    """An uninitialised array of the given shape (float32 by default).

    Parameters
    ----------
    shape : int or tuple of int
        Shape of the new array.
    ctx : Context, optional
        Device; None means the current context.
    dtype : str or numpy dtype, optional
        Data type; None means float32.

    See Also
    --------
    zeros, ones, array

    Examples
    --------
    >>> from minigluon import nd
    >>> nd.empty((2, 3)).shape
    (2, 3)
    """
    check_ctx(ctx)
    shape = (shape,) if isinstance(shape, int) else tuple(shape)
    return _wrap(_legacy(np.empty(shape, dtype=as_dtype(dtype))))


def waitall() -> None:
    """Wait for all pending computation (computation is synchronous here).

    See Also
    --------
    NDArray.wait_to_read

    Examples
    --------
    >>> from minigluon import nd
    >>> nd.waitall()
    """


def reset_arrays(*arrays: NDArray, num_arrays: int) -> None:
    """Set every array given to zero, in place (how Gluon clears many gradients at once).

    Parameters
    ----------
    *arrays : NDArray
        The arrays to clear (any shapes and dtypes).
    num_arrays : int
        How many arrays are given (MXNet's op needs it; checked here).

    See Also
    --------
    minigluon.gluon.ParameterDict.zero_grad : Clears the gradients of a model this way.
    minigluon.ndarray.zeros_like

    Examples
    --------
    >>> from minigluon import nd
    >>> a, b = nd.ones((2,)), nd.ones((1, 2), dtype='float16')
    >>> nd.reset_arrays(a, b, num_arrays=2)
    >>> a.asnumpy().tolist(), b.asnumpy().tolist()
    ([0.0, 0.0], [[0.0, 0.0]])
    """
    if num_arrays != len(arrays):
        raise MXNetError(f"reset_arrays: num_arrays={num_arrays} but {len(arrays)} arrays were "
                         "given")
    for a in arrays:
        if not isinstance(a, NDArray):
            raise TypeError(f"reset_arrays: expected NDArrays, got {type(a).__name__}")
        if STATE.recording and autograd.link_of(a) is not None:
            raise MXNetError(INPLACE_IN_GRAPH)
    for a in arrays:
        a._data[...] = 0


def _default_handler(op: registry.Op, arrays: tuple, attrs: dict, out: Any, name: Any) -> Any:
    return run(op, arrays, attrs, out, name)


def _install_methods() -> None:
    """Give NDArray a method for every op registered with ``method=...``."""
    for op in registry.all_ops():
        if op.method and op.method not in NDArray.__dict__:
            setattr(NDArray, op.method, make_method(op, "NDArray", _default_handler))


_OP: dict[str, registry.Op] = {}
_RESHAPE = _GETITEM = _SETITEM = None  # bound by _bind_ops once the op modules are loaded


def _bind_ops() -> None:
    global _RESHAPE, _GETITEM, _SETITEM
    _OP.update({op.name: op for op in registry.all_ops()})
    for op in registry.all_ops():
        for a in op.aliases:
            _OP.setdefault(a, op)
    _RESHAPE, _GETITEM, _SETITEM = _OP["reshape"], _OP["_getitem"], _OP["_setitem"]
    _install_methods()


register_handler(NDArray, run, default=True)
autograd._set_array_type(NDArray)
