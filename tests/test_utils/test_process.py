"""minigluon.test_utils.process: environment variables, stderr, default device, retries."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import minigluon as mx
from minigluon.test_utils import (
    assert_exception,
    default_context,
    download,
    environment,
    retry,
    set_default_context,
)


def test_environment_sets_and_restores() -> None:
    os.environ["MG_KEEP"] = "old"
    try:
        with environment({"MG_KEEP": "new", "MG_NEW": "1"}):
            assert os.environ["MG_KEEP"] == "new" and os.environ["MG_NEW"] == "1"
        assert os.environ["MG_KEEP"] == "old" and "MG_NEW" not in os.environ
        with environment("MG_KEEP", None):
            assert "MG_KEEP" not in os.environ
        assert os.environ["MG_KEEP"] == "old"
    finally:
        del os.environ["MG_KEEP"]


def test_environment_restores_after_an_error_and_decorates() -> None:
    with pytest.raises(RuntimeError), environment("MG_ERR", "1"):
        raise RuntimeError
    assert "MG_ERR" not in os.environ

    @environment("MG_DECO", "yes")
    def read() -> str:
        return os.environ["MG_DECO"]

    assert read() == "yes" and "MG_DECO" not in os.environ


def test_environment_rejects_bad_arguments() -> None:
    with pytest.raises(TypeError), environment("A", "b", "c"):
        pass
    with pytest.raises(TypeError), environment("A", 1):
        pass


def test_discard_stderr_silences_the_file_descriptor() -> None:
    code = ("import os; from minigluon.test_utils import discard_stderr\n"
            "with discard_stderr():\n    os.write(2, b'hidden')\nos.write(2, b'shown')")
    res = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True)
    assert res.stderr == b"shown"


def test_set_default_context() -> None:
    try:
        set_default_context(mx.cpu(2))
        assert default_context() == mx.cpu(2) and mx.current_context() == mx.cpu(2)
    finally:
        set_default_context(mx.cpu(0))
    with pytest.raises(TypeError):
        set_default_context("cpu")


def test_assert_exception() -> None:
    assert_exception(lambda: 1 / 0, ZeroDivisionError)
    with pytest.raises(AssertionError, match="did not raise"):
        assert_exception(lambda: 1, ZeroDivisionError)
    with pytest.raises(KeyError):  # another exception is not swallowed
        assert_exception({}.__getitem__, ZeroDivisionError, "k")


def test_retry_reruns_only_assertion_failures() -> None:
    calls = []

    @retry(3)
    def always_fails() -> None:
        calls.append(1)
        raise AssertionError("no")

    with pytest.raises(AssertionError):
        always_fails()
    assert len(calls) == 3

    @retry(3)
    def crashes() -> None:
        calls.append(2)
        raise ValueError

    with pytest.raises(ValueError):
        crashes()
    assert calls.count(2) == 1
    with pytest.raises(ValueError):
        retry(0)


def test_download_local_file_and_failure(tmp_path) -> None:
    src = tmp_path / "a.bin"
    src.write_bytes(b"abc")
    out = download(src.as_uri(), fname=str(tmp_path / "b.bin"))
    assert Path(out).read_bytes() == b"abc"
    src.write_bytes(b"changed")
    assert Path(download(src.as_uri(), fname=out)).read_bytes() == b"abc"  # kept
    assert Path(download(src.as_uri(), fname=out, overwrite=True)).read_bytes() == b"changed"
    with pytest.raises(OSError):
        download((tmp_path / "missing").as_uri(), dirname=str(tmp_path), retries=2)
