"""The test process: environment variables, stderr, the default device, retries, downloads."""

from __future__ import annotations

import contextlib
import functools
import os
import platform
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from typing import Any

from ..context import Context

__all__ = ["environment", "discard_stderr", "set_default_context", "assert_exception", "retry",
           "is_aarch64_run", "is_cd_run", "list_gpus", "download"]


@contextlib.contextmanager
def environment(*args: Any) -> Iterator[None]:
    """Set environment variables for the duration of a ``with`` block (or a decorated function).

    Call it with a name and a value, or with one dict of names to values. A value of ``None``
    unsets the variable. The previous values are restored on exit, even after an exception.

    Parameters
    ----------
    *args : (str, str or None) or (dict,)
        ``environment('NAME', 'value')`` or ``environment({'A': '1', 'B': None})``.

    Returns
    -------
    context manager

    See Also
    --------
    discard_stderr

    Examples
    --------
    >>> import os
    >>> from minigluon.test_utils import environment
    >>> with environment('MINIGLUON_DEMO', '1'):
    ...     os.environ['MINIGLUON_DEMO']
    '1'
    >>> 'MINIGLUON_DEMO' in os.environ
    False
    """
    if len(args) == 1 and isinstance(args[0], dict):
        wanted = dict(args[0])
    elif len(args) == 2:
        wanted = {args[0]: args[1]}
    else:
        raise TypeError("environment: pass a name and a value, or one dict of names to values; "
                        f"got {len(args)} arguments")
    for name, value in wanted.items():
        if value is not None and not isinstance(value, str):
            raise TypeError(f"environment: the value of {name} must be a str or None, got "
                            f"{type(value).__name__}")
    before = {name: os.environ.get(name) for name in wanted}
    _set_environ(wanted)
    try:
        yield
    finally:
        _set_environ(before)


def _set_environ(values: dict[str, str | None]) -> None:
    for name, value in values.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


@contextlib.contextmanager
def discard_stderr() -> Iterator[None]:
    """Send everything written to the process's stderr (file descriptor 2) to the null device.

    Unlike ``contextlib.redirect_stderr`` this also silences output of C code and of
    subprocesses; the descriptor is restored on exit.

    Returns
    -------
    context manager

    See Also
    --------
    environment

    Examples
    --------
    >>> import os
    >>> from minigluon.test_utils import discard_stderr
    >>> with discard_stderr():
    ...     _ = os.write(2, b'not shown')
    """
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as null:
            os.dup2(null.fileno(), 2)
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)


def set_default_context(ctx: Context) -> None:
    """Make ``ctx`` the current context: what :func:`default_context` returns from now on.

    :func:`minigluon.current_context` returns it too, until a ``with ctx:`` block or another
    call changes it. minigluon computes on the CPU whatever the context says.

    Parameters
    ----------
    ctx : Context
        Context that becomes the default.

    Returns
    -------
    None

    See Also
    --------
    minigluon.test_utils.default_context
    minigluon.context.current_context

    Examples
    --------
    >>> import minigluon as mx
    >>> from minigluon.test_utils import set_default_context, default_context
    >>> set_default_context(mx.cpu(1))
    >>> default_context()
    cpu(1)
    >>> set_default_context(mx.cpu(0))
    """
    if not isinstance(ctx, Context):
        raise TypeError(f"set_default_context: expected a Context, got {type(ctx).__name__}")
    Context._default.value = ctx


def assert_exception(f: Callable[..., Any], exception_type: type[BaseException], *args: Any,
                     **kwargs: Any) -> None:
    """Raise ``AssertionError`` unless ``f(*args, **kwargs)`` raises ``exception_type``.

    Parameters
    ----------
    f : callable
        Function called with no arguments.
    exception_type : type of exception
        Exception class ``f`` must raise.
    *args, **kwargs
        Passed to ``f``.

    Returns
    -------
    None

    See Also
    --------
    retry

    Examples
    --------
    >>> from minigluon.test_utils import assert_exception
    >>> assert_exception(int, ValueError, 'x')
    >>> assert_exception(int, ValueError, '1')
    Traceback (most recent call last):
    ...
    AssertionError: int did not raise ValueError
    """
    try:
        f(*args, **kwargs)
    except exception_type:
        return
    name = getattr(f, "__name__", repr(f))
    raise AssertionError(f"{name} did not raise {exception_type.__name__}")


def retry(n: int) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Decorator: run a stochastic test up to ``n`` times until it passes.

    Only ``AssertionError`` triggers another attempt; the last one is re-raised.

    Parameters
    ----------
    n : int
        Number of attempts (at least 1).

    Returns
    -------
    callable
        The decorator.

    See Also
    --------
    assert_exception

    Examples
    --------
    >>> from minigluon.test_utils import retry
    >>> attempts = []
    >>> @retry(3)
    ... def flaky():
    ...     attempts.append(1)
    ...     assert len(attempts) == 2
    >>> flaky()
    >>> len(attempts)
    2
    """
    if not isinstance(n, int) or n < 1:
        raise ValueError(f"retry: n must be a positive int, got {n!r}")

    def decorate(f: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(f)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            for i in range(n):
                try:
                    return f(*args, **kwargs)
                except AssertionError:
                    if i == n - 1:
                        raise
            return None

        return wrapper

    return decorate


def is_aarch64_run() -> bool:
    """Whether the tests run on an aarch64 (ARM 64-bit) machine.

    Returns
    -------
    bool

    See Also
    --------
    is_cd_run

    Examples
    --------
    >>> import platform
    >>> from minigluon.test_utils import is_aarch64_run
    >>> is_aarch64_run() == (platform.machine() == 'aarch64')
    True
    """
    return platform.machine() == "aarch64"


def is_cd_run() -> bool:
    """Whether the tests run in a continuous-delivery job (environment variable ``CD_JOB=1``).

    Returns
    -------
    bool

    See Also
    --------
    is_aarch64_run, environment

    Examples
    --------
    >>> from minigluon.test_utils import is_cd_run, environment
    >>> with environment('CD_JOB', '1'):
    ...     is_cd_run()
    True
    """
    return os.environ.get("CD_JOB") == "1"


def list_gpus() -> list[int]:
    """The ids of the GPUs tests may use: none, minigluon computes on the CPU.

    Returns
    -------
    list of int
        Always empty.

    See Also
    --------
    minigluon.context.num_gpus

    Examples
    --------
    >>> from minigluon.test_utils import list_gpus
    >>> list_gpus()
    []
    """
    return []


def download(url: str, fname: str | None = None, dirname: str | None = None,
             overwrite: bool = False, retries: int = 5) -> str:
    """Download ``url`` to a file and return the file's path.

    The file is ``fname`` (default: the last part of the URL), inside ``dirname`` if given. An
    existing file is kept unless ``overwrite``. Failed attempts are retried ``retries`` times
    in all, then the last error is raised.

    Parameters
    ----------
    url : str
        Address of the file.
    fname : str, optional
        Local file name; None uses the last part of the URL.
    dirname : str, optional
        Created if missing.
    overwrite : bool, default False
        Download again even if the file exists.
    retries : int, default 5
        Attempts before giving up.

    Returns
    -------
    str
        Path of the file.

    See Also
    --------
    retry

    Examples
    --------
    >>> import os, pathlib, tempfile
    >>> from minigluon.test_utils import download
    >>> tmp = tempfile.mkdtemp()
    >>> src = pathlib.Path(tmp, 'src.txt')
    >>> _ = src.write_text('hello')
    >>> path = download(src.as_uri(), dirname=os.path.join(tmp, 'out'))
    >>> pathlib.Path(path).read_text()
    'hello'
    """
    if retries < 1:
        raise ValueError(f"download: retries must be at least 1, got {retries}")
    fname = fname or url.rstrip("/").split("/")[-1]
    if dirname is not None:
        os.makedirs(dirname, exist_ok=True)
        fname = os.path.join(dirname, fname)
    if os.path.exists(fname) and not overwrite:
        return fname
    for attempt in range(retries):
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                payload = response.read()
            break
        except (urllib.error.URLError, OSError, ValueError):
            if attempt == retries - 1:
                raise
            time.sleep(min(2.0**attempt * 0.1, 2.0))
    tmp = f"{fname}.part"
    with open(tmp, "wb") as f:
        f.write(payload)
    os.replace(tmp, fname)
    return fname
