"""Running the docstring examples: one output checker for the tests and the docs build.

A float32 result can differ in its last bits from one CPU to another (numpy picks its SIMD
kernels, OpenBLAS its GEMM kernel, at run time), so a shown output such as ``2.`` may print as
``2.0000002`` elsewhere. The checker is pytest-doctestplus's ``FLOAT_CMP`` output checker: it
finds the floats in the expected and the printed text, requires the text around them to match
exactly, and compares the floats with the tolerances of :class:`Float32Checker`. Integers,
shapes (``<NDArray 2x3 @cpu(0)>``), dtypes, reprs and messages therefore still compare exactly;
``2.`` against ``2`` (a float against an integer) fails, and so does a missing line.
"""

from __future__ import annotations

import doctest
from dataclasses import dataclass

import numpy as np
from pytest_doctestplus.output_checker import FLOAT_CMP, OutputChecker

from . import autograd, random
from ._api import ApiObject, docstring
from .name import NameManager

__all__ = ["Float32Checker", "OPTIONFLAGS", "ExampleFailure", "example_failures",
           "run_examples", "check_output"]

#: Doctest options of every docstring example: ``...`` in an expected output matches anything,
#: runs of whitespace compare equal, floats compare with the checker's tolerances.
OPTIONFLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE | FLOAT_CMP


class Float32Checker(OutputChecker):
    """doctestplus's float-aware checker with tolerances for float32 results.

    ``|got - expected| <= atol + rtol * |expected|`` for each float in the output:
    ``rtol = 1e-6`` is about 8 units in the last place of a float32 (2**-23 = 1.2e-7), enough
    for another summation order or a transcendental kernel that rounds the other way, and far
    below any change a reader would call a different value; ``atol = 1e-7`` (about one unit in
    the last place at 1.0) lets a result that cancels to zero print as ``0.`` or as ``-5.96e-08``.

    Examples
    --------
    >>> Float32Checker().check_output("[0. 2.]", "[0.        2.0000002]", OPTIONFLAGS)
    True
    >>> Float32Checker().check_output("[0. 2.]", "[0.    2.001]", OPTIONFLAGS)
    False
    >>> Float32Checker().check_output("[0. 2.]", "[0 2]", OPTIONFLAGS)
    False
    """

    rtol = 1e-6
    atol = 1e-7


_CHECKER = Float32Checker()


def check_output(want: str, got: str) -> bool:
    """Whether printed output ``got`` shows what an example's expected output ``want`` shows,
    as every docstring example is checked (:data:`OPTIONFLAGS`, :class:`Float32Checker`).

    Examples
    --------
    >>> check_output("<NDArray 2x3 @cpu(0)>", "<NDArray 3x2 @cpu(0)>")
    False
    >>> check_output("2.7182817", "2.718282")
    True
    """
    return _CHECKER.check_output(want, got, OPTIONFLAGS)


@dataclass(frozen=True)
class ExampleFailure:
    """One docstring example whose output differs from the docstring (or that raised)."""

    name: str  # the public object's documented name
    line: int  # 1-based line of the example's ``>>>`` in the (cleaned) docstring
    source: str
    expected: str
    got: str  # what it printed, or ``raised Error: message``

    def __str__(self) -> str:
        return (f"line {self.line}: {self.source}\n  expected: {self.expected}\n"
                f"  got:      {self.got}")


def _fresh_state() -> None:
    # The state every test starts from (tests/conftest.py): outputs of random ops and of
    # train-mode layers are then the same in the docs build, the tests and a user's session.
    random.seed(0)
    np.random.seed(0)
    autograd.set_recording(False)
    autograd.set_training(False)


def example_failures(api: ApiObject) -> list[ExampleFailure]:
    """Run the doctest examples of one public object; the examples whose output differs.

    Each object's examples run in a fresh session: automatic names (``dense0_``) start from 0
    and the random state is seeded, so the outputs are the ones the pages show.
    """
    parser = doctest.DocTestParser()
    test = parser.get_doctest(docstring(api.obj), {}, api.name, api.module, 0)
    failures: list[ExampleFailure] = []

    def failure(example: doctest.Example, got: str) -> ExampleFailure:
        return ExampleFailure(api.name, example.lineno + 1, example.source.strip(),
                              example.want.strip(), got)

    class _Collect(doctest.DocTestRunner):
        def report_failure(self, out, test, example, got):
            failures.append(failure(example, got.strip()))

        def report_unexpected_exception(self, out, test, example, exc_info):
            failures.append(failure(example, f"raised {exc_info[0].__name__}: {exc_info[1]}"))

    runner = _Collect(checker=_CHECKER, optionflags=OPTIONFLAGS)
    _fresh_state()
    with NameManager():
        runner.run(test, out=lambda s: None, clear_globs=True)
    return failures


def run_examples(api: ApiObject) -> None:
    """Run the doctest examples of one public object; any failure raises ``AssertionError``."""
    failures = example_failures(api)
    if failures:
        raise AssertionError(f"{api.name}: docstring example failed\n"
                             + "\n".join(map(str, failures)))
