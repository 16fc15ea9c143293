"""Parameter files: reading them, and loading named arrays into Parameters, in one place.

Every entry point goes through :func:`load_arrays`: ``Block.load_parameters`` (structural keys,
``'body.0.weight'``), ``ParameterDict.load`` (full names: legacy files and ``export``'s
``arg:``/``aux:`` keys, so also ``SymbolBlock.imports``) and ``ParameterDict.load_dict``. It
checks every name and shape before touching a Parameter and raises one :class:`MismatchError`
listing all missing, unexpected and mis-shaped names, each with the closest names on the other
side (PyTorch's ``load_state_dict``). MXNet's flags and the first line of its messages stay.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

import numpy as np

from ..base import MXNetError
from ..ndarray import load as nd_load
from .hooks import _brief_print_list

__all__ = ["MismatchError", "read", "load_arrays"]

_NAMING_HINT = (
    "Please make sure source and target networks have the same prefix.For more info on "
    "naming, please see https://mxnet.io/api/python/docs/tutorials/packages/gluon/blocks/"
    "naming.html")


class MismatchError(MXNetError, ValueError):
    """Parameter names or shapes in a file do not match the network (all differences listed).

    Examples
    --------
    >>> from minigluon.gluon.parameter import MismatchError
    >>> issubclass(MismatchError, ValueError)
    True
    """


def read(filename: str) -> dict[str, np.ndarray]:
    """The named arrays of a parameter file (MXNet's format or ``.npz``; never unpickled)."""
    loaded = nd_load(filename)
    if isinstance(loaded, list) and not loaded:
        return {}  # a network without parameters saves an empty file
    if not isinstance(loaded, dict):
        raise MismatchError(f"'{filename}' holds an unnamed list of arrays, not named "
                            "parameters (it was not written by save_parameters or save)")
    return {k: v._data for k, v in loaded.items()}


def load_arrays(params: Mapping[str, Any], arrays: Mapping[str, np.ndarray], *,
                filename: str | None, full_names: bool, restore_prefix: str = "",
                allow_missing: bool = False, ignore_extra: bool = False,
                cast_dtype: bool = False, dtype_source: str = "current") -> None:
    """Check everything, then load ``arrays`` into the Parameters of the same names.

    Parameters
    ----------
    params : mapping of str to Parameter
        The network's Parameters by the names the file uses.
    arrays : mapping of str to numpy.ndarray
        The loaded values (``restore_prefix`` already prepended to file keys).
    filename : str or None
        The file, for messages; None for a dict given by the user (``load_dict``).
    full_names : bool
        Names are full Parameter names (``ParameterDict``), not structural paths: the first
        line then is ParameterDict's message, with ``restore_prefix`` stripped.
    allow_missing, ignore_extra : bool
        Do not report Parameters absent from ``arrays`` / arrays no Parameter takes.
    cast_dtype, dtype_source : bool, {'current', 'saved'}
        Values are cast to the Parameter's dtype; with ``cast_dtype=True`` and
        ``dtype_source='saved'`` the Parameter takes the saved dtype instead.
    """
    if cast_dtype and dtype_source not in ("current", "saved"):
        raise ValueError(f"dtype_source must be 'current' or 'saved', got {dtype_source!r}")
    # A shared Parameter is known by several names; a deduplicated file holds one of them.
    in_file = {id(params[n]) for n in arrays if n in params}
    missing = [] if allow_missing else [n for n in params
                                        if n not in arrays and id(params[n]) not in in_file]
    extra = [] if ignore_extra else [n for n in arrays if n not in params]
    bad = [n for n in arrays if n in params and not _fits(params[n].shape, arrays[n].shape)]
    if missing or extra or bad:
        raise MismatchError(
            _first_line(missing, extra, bad, params, arrays, filename, full_names,
                        restore_prefix)
            + _report(missing, extra, bad, params, arrays, "file" if filename else "dict",
                      restore_prefix))
    for name, value in arrays.items():
        p = params.get(name)
        if p is None:
            continue
        if cast_dtype and dtype_source == "saved" and p.dtype != value.dtype.name:
            p.cast(value.dtype)
        p._load_init(value)


def _fits(shape: tuple | None, saved: tuple) -> bool:
    """A declared shape (0 = unknown dimension) accepts the saved one."""
    return shape is None or (len(shape) == len(saved)
                             and all(s in (0, v) for s, v in zip(shape, saved)))


def _first_line(missing: list, extra: list, bad: list, params: Mapping[str, Any],
                arrays: Mapping[str, np.ndarray], filename: str | None, full_names: bool,
                prefix: str) -> str:
    """MXNet's message for the first problem (users search for these texts)."""
    # MXNet cuts len(prefix) characters off every name, also off a name that does not start
    # with the prefix ('dense1_weight' became 't'); removeprefix says the same when it does
    if missing and full_names:
        in_file = _brief_print_list([k.removeprefix(prefix) for k in arrays])
        return (f"Parameter '{missing[0].removeprefix(prefix)}' is missing in "
                f"{filename or 'param_dict'}, which contains parameters: {in_file}. "
                + _NAMING_HINT)
    if missing:
        return (f"Parameter '{missing[0]}' is missing in file '{filename}', which contains "
                f"parameters: {_brief_print_list(list(arrays))}. Set allow_missing=True to "
                "ignore missing parameters.")
    if extra:
        source = f"file '{filename}'" if filename else "param_dict"
        name = extra[0].removeprefix(prefix) if full_names else extra[0]
        return (f"Parameter '{name}' loaded from {source} is not present in ParameterDict, "
                f"which contains parameters {_brief_print_list(list(params))}. Set "
                "ignore_extra=True to ignore. ")
    n = bad[0]
    return (f"Failed loading Parameter '{n}' from saved params: shape incompatible expected "
            f"{params[n].shape} vs saved {arrays[n].shape}")


def _report(missing: list, extra: list, bad: list, params: Mapping[str, Any],
            arrays: Mapping[str, np.ndarray], where: str, prefix: str = "") -> str:
    """All differences at once, each with the closest names on the other side (a name of the
    file as the file writes it: without the ``restore_prefix`` the loader put before it)."""
    lines = []
    for n in missing:
        close = [k.removeprefix(prefix)
                 for k in difflib.get_close_matches(n, list(arrays), n=2, cutoff=0.5)]
        lines.append(f"  missing in {where}: {n!r}"
                     + (f" (closest in {where}: {close})" if close else ""))
    for n in extra:
        close = difflib.get_close_matches(n, list(params), n=2, cutoff=0.5)
        lines.append(f"  unexpected in {where}: {n.removeprefix(prefix)!r}"
                     + (f" (closest in network: {close})" if close else ""))
    for n in bad:
        lines.append(f"  shape mismatch: {n!r}: network {params[n].shape}, {where} "
                     f"{arrays[n].shape}")
    return "\n" + "\n".join(lines)
