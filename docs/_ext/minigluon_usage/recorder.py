"""Kernel side of the usage recording: which public API objects each executed cell calls.

Loaded by the IPython startup file that :mod:`minigluon_usage` writes into the docs kernels'
profile, only when ``MINIGLUON_USAGE_FILE`` names where the recording goes. It replaces every
public function of minigluon (in the public modules' namespaces) and every public method and
property (in its class's ``__dict__``) by a thin wrapper, and wraps the ``__init__`` of the
classes, so a call made *by a cell's code* is noted against that cell's execution count. After
every cell the recording is written as JSON::

    {"format": 1, "recorder": "<hash of this file>", "cells": {"3": ["minigluon.gluon.nn.Dense"]}}

"By a cell's code" means the calling frame was compiled from a cell, so a call inside a function
or class defined in a cell counts too (against the cell that defines it: that is where a reader
sees it), while calls minigluon makes internally do not (``Dense`` calling ``FullyConnected``).
A class counts when a cell constructs it; a user class defined in a cell counts as its nearest
public ancestors (``class Net(HybridBlock)`` uses ``HybridBlock``).

The functions of the Toy SSD tutorial kept in the library (``TUTORIAL_MODULES``:
``model_zoo/ssd.py``'s ``training_targets``, ``toy_ssd_forward``...) are the guide's code moved
out of its cells, so what they call counts for the cell that calls them: the SSD guide trains
with ``MultiBoxTarget`` through ``training_targets``, and its page is where a reader sees that.

No Sphinx in here: this runs inside the notebook kernels.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import json
import os
import sys
import types
import warnings
from pathlib import Path
from typing import Any

__all__ = ["FORMAT", "recorder_version", "install", "Recorder"]

#: Layout of the JSON recording; bump when it changes.
FORMAT = 1


def recorder_version() -> str:
    """Hash of this file: a recording made by other code is not trusted (the page re-runs)."""
    return hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:16]


#: Modules holding a guide's code (see the module docstring): their calls count as the cell's.
TUTORIAL_MODULES = ("minigluon.gluon.model_zoo.ssd",)


class _CellOf(dict):
    """Compiled cell's file name -> execution count; a tutorial module's file -> the cell that
    ran last (the one running: IPython compiles a cell, then runs it)."""

    def __init__(self) -> None:
        super().__init__()
        self.tutorial_files: set[str] = set()
        self.current: int | None = None

    def get(self, filename: str, default: Any = None) -> Any:  # type: ignore[override]
        if filename in self.tutorial_files:
            return self.current
        return super().get(filename, default)


class Recorder:
    """Which public objects (fully qualified names) each cell's code called."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.cell_of = _CellOf()
        self.calls: set[tuple[int, str]] = set()
        self.version = recorder_version()
        self._written = -1

    def note_cell(self, filename: str, number: int) -> None:
        self.cell_of[filename] = number
        self.cell_of.current = number

    def write(self) -> None:
        """Write the recording if it changed since the last write (atomically)."""
        if len(self.calls) == self._written:
            return
        cells: dict[str, list[str]] = {}
        for number, name in sorted(self.calls):
            cells.setdefault(str(number), []).append(name)
        data = {"format": FORMAT, "recorder": self.version, "cells": cells}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
        os.replace(tmp, self.path)
        self._written = len(self.calls)


def install(shell: Any, path: Path | str) -> Recorder:
    """Start recording in the IPython ``shell``; the recording goes to ``path``."""
    from minigluon._api import PUBLIC_MODULES, public_objects

    recorder = Recorder(path)
    compiler = shell.compile
    cache = compiler.cache

    @functools.wraps(cache)
    def cache_and_note(transformed_code: str, number: int = 0, *args: Any, **kw: Any) -> str:
        name = cache(transformed_code, number, *args, **kw)
        recorder.note_cell(name, number)
        return name

    compiler.cache = cache_and_note  # IPython names each cell's code object through this
    recorder.cell_of.tutorial_files.update(
        importlib.import_module(m).__file__ or "" for m in TUTORIAL_MODULES)
    shell.events.register("post_run_cell", lambda result: recorder.write())
    _wrap_api(public_objects(), [importlib.import_module(m) for m in PUBLIC_MODULES], recorder)
    warnings.warn = _warn_past(_WRAPPER_CODES, warnings.warn)
    return recorder


# -- wrappers --------------------------------------------------------------------------------

def _wrap_api(objects: list[Any], modules: list[types.ModuleType], recorder: Recorder) -> None:
    from minigluon.gluon.hybrid import CACHE_FORWARDS

    classes = {api.name: api.obj for api in objects if api.kind == "class"}
    wrapped: dict[int, Any] = {}  # id(original) -> its one wrapper

    def wrapper_of(fn: Any, name: str) -> Any:
        if id(fn) not in wrapped:
            wrapped[id(fn)] = _call_wrapper(fn, name, recorder)
        return wrapped[id(fn)]

    functions = {}
    for api in objects:
        if api.kind == "function" and _ours(api.obj):
            functions[id(api.obj)] = wrapper_of(api.obj, api.name)
        elif api.kind in ("method", "property"):
            owner, leaf = api.name.rsplit(".", 1)
            _wrap_member(classes[owner], leaf, api.name, wrapper_of)
    # A function re-exported by several public modules becomes the same wrapper in each: the
    # API list deduplicates by identity (and the "Searching" page runs it in a kernel).
    for module in modules:
        for attr, value in list(vars(module).items()):
            if id(value) in functions and _ours(value):
                setattr(module, attr, functions[id(value)])
    _wrap_constructors({cls: name for name, cls in classes.items()}, recorder)
    # A hybridized block takes its fast path only when its forward is one that just runs the
    # cache (gluon.hybrid.CACHE_FORWARDS): the wrapper of such a forward is one too, or every
    # block on a docs page would run (and be timed) on the slow path.
    CACHE_FORWARDS.update(wrapped[id(fn)] for fn in list(CACHE_FORWARDS) if id(fn) in wrapped)


def _ours(fn: Any) -> bool:
    """A Python function of minigluon (ops' methods are generated: ``<minigluon op ...>``)."""
    return isinstance(fn, types.FunctionType) and (
        (fn.__module__ or "").startswith("minigluon")
        or fn.__code__.co_filename.startswith("<minigluon"))


def _wrap_member(owner: type, leaf: str, name: str, wrapper_of: Any) -> None:
    value = vars(owner).get(leaf)
    if isinstance(value, property):
        fget = wrapper_of(value.fget, name) if _ours(value.fget) else value.fget
        fset = wrapper_of(value.fset, name) if _ours(value.fset) else value.fset
        setattr(owner, leaf, property(fget, fset, value.fdel, value.__doc__))
    elif isinstance(value, (staticmethod, classmethod)) and _ours(value.__func__):
        setattr(owner, leaf, type(value)(wrapper_of(value.__func__, name)))
    elif _ours(value):
        setattr(owner, leaf, wrapper_of(value, name))


def _call_wrapper(fn: Any, name: str, recorder: Recorder) -> Any:
    """``fn`` behind a wrapper that notes ``name`` when the caller is a cell's code."""
    getframe, cell_of, calls = sys._getframe, recorder.cell_of, recorder.calls

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        __tracebackhide__ = True  # IPython leaves this frame out of tracebacks
        number = cell_of.get(getframe(1).f_code.co_filename)
        if number is not None:
            calls.add((number, name))
        return fn(*args, **kwargs)

    return _transparent(wrapper, fn)


def _wrap_constructors(public: dict[type, str], recorder: Recorder) -> None:
    """Wrap every minigluon ``__init__`` a public class runs (its own or inherited), and
    note a cell's ``class Net(HybridBlock)`` statement through ``__init_subclass__``."""

    @functools.cache
    def names_of(cls: type) -> tuple[str, ...]:
        """The class's public name, or its nearest public ancestors' (a class of a cell)."""
        if cls in public:
            return (public[cls],)
        return tuple(dict.fromkeys(n for base in cls.__bases__ for n in names_of(base)))

    done: set[type] = set()
    for cls in public:
        if (cls.__module__ or "").startswith("minigluon"):  # not numpy's float32
            cls.__init_subclass__ = _subclass_hook(cls, names_of, recorder)
        for klass in cls.__mro__:
            init = vars(klass).get("__init__")
            if klass not in done and _ours(init):
                klass.__init__ = _init_wrapper(init, names_of, recorder)
                done.add(klass)


def _init_wrapper(init: Any, names_of: Any, recorder: Recorder) -> Any:
    getframe, cell_of, calls = sys._getframe, recorder.cell_of, recorder.calls

    def wrapper(self: Any, *args: Any, **kwargs: Any) -> None:
        __tracebackhide__ = True
        # The __init__s a construction chains to through super() are called by minigluon
        # (not noted), or by the __init__ of a class defined in a cell (noted, as type(self)).
        number = cell_of.get(getframe(1).f_code.co_filename)
        if number is not None:
            for name in names_of(type(self)):
                calls.add((number, name))
        init(self, *args, **kwargs)

    return _transparent(wrapper, init)


def _subclass_hook(klass: type, names_of: Any, recorder: Recorder) -> classmethod:
    getframe, cell_of, calls = sys._getframe, recorder.cell_of, recorder.calls
    own = vars(klass).get("__init_subclass__")

    def init_subclass(cls: type, **kwargs: Any) -> None:
        __tracebackhide__ = True
        # Called by type.__new__ (C): the caller is the frame running the class statement.
        # The hooks of the classes further up, reached through super(), are called from here.
        number = cell_of.get(getframe(1).f_code.co_filename)
        if number is not None:
            for name in names_of(cls):
                calls.add((number, name))
        if own is not None:
            own.__func__(cls, **kwargs)
        else:
            super(klass, cls).__init_subclass__(**kwargs)

    return classmethod(init_subclass)


def _warn_past(codes: frozenset[types.CodeType], warn: Any) -> Any:
    """``warn`` with a ``stacklevel`` that does not count the frames of ``codes``.

    A library warning names its caller's line (``stacklevel=2``); between a cell and the library
    sits a wrapper of this module, which then took the blame (the warning, shown as
    ``recorder.py:146``, also escaped the filters meant for the cell's line)."""

    def warn_past_wrappers(message: Any, category: Any = None, stacklevel: int = 1,
                           *args: Any, **kwargs: Any) -> None:
        __tracebackhide__ = True
        frame, skipped = sys._getframe(1), 0
        for _ in range(stacklevel - 1):
            frame = frame.f_back if frame is not None else None
            while frame is not None and frame.f_code in codes:
                frame, skipped = frame.f_back, skipped + 1
        warn(message, category, stacklevel + skipped + 1, *args, **kwargs)

    return functools.update_wrapper(warn_past_wrappers, warn)


def _transparent(wrapper: Any, fn: Any) -> Any:
    """``wrapper`` looking like ``fn``: name, docstring, signature (``__wrapped__``), and the
    globals of ``fn`` (code that reads a function's module globals, such as the search
    collector scanning it for error messages, must not see this module's)."""
    clone = types.FunctionType(wrapper.__code__, fn.__globals__, fn.__name__,
                               wrapper.__defaults__, wrapper.__closure__)
    clone.__kwdefaults__ = wrapper.__kwdefaults__
    return functools.update_wrapper(clone, fn)


def _inner_code(outer: Any, name: str) -> types.CodeType:
    return next(c for c in outer.__code__.co_consts
                if isinstance(c, types.CodeType) and c.co_name == name)


#: The code of every wrapper this module puts between a cell and minigluon.
_WRAPPER_CODES = frozenset([_inner_code(_call_wrapper, "wrapper"),
                            _inner_code(_init_wrapper, "wrapper"),
                            _inner_code(_subclass_hook, "init_subclass")])
