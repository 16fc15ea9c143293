"""The docstring-example checker (minigluon/_examples.py): the last float digits may differ from
one CPU to another, nothing else may."""

from __future__ import annotations

import pytest

from minigluon._api import ApiObject
from minigluon._examples import Float32Checker, check_output, example_failures

LOG10 = ">>> from minigluon import nd\n>>> nd.log10(nd.array([1, 100]))\n{shown}\n"
SHOWN = "<BLANKLINE>\n[0. 2.]\n<NDArray 2 @cpu(0)>"


def _api(doc: str) -> ApiObject:
    def example() -> None:
        pass

    example.__doc__ = f"An object.\n\nExamples\n--------\n{doc}"
    return ApiObject("tests.example", example, "function", "minigluon")


@pytest.mark.parametrize("got", [
    "[0.        2.0000002]",  # AVX-512 float32 log10: one unit in the last place
    "[0.        1.9999999]",
    "[-5.9604645e-08  2.0000000e+00]",  # a result that cancels to zero, printed as a residue
])
def test_a_last_digit_difference_passes(got) -> None:
    assert check_output("[0. 2.]", got)


@pytest.mark.parametrize(("want", "got"), [
    ("[0. 2.]", "[0.    2.001]"),  # a wrong value
    ("[0. 2.]", "[0.   2.00002]"),  # ten float32 units in the last place
    ("[0. 2.]", "[0 2]"),  # floats became integers
    ("[1 2]", "[1 3]"),  # integers compare exactly
    ("3", "4"),
    ("(2, 3)", "(3, 2)"),  # a shape
    ("<NDArray 2x3 @cpu(0)>", "<NDArray 3x2 @cpu(0)>"),
    ("float32", "float64"),  # a dtype
    ("[0. 2.]\n<NDArray 2 @cpu(0)>", "[0. 2.]"),  # a missing line
    ("[0. 2.]", "[0. 2. 4.]"),  # an extra value
    ("'dense0_weight'", "'dense1_weight'"),  # text
])
def test_a_real_change_fails(want, got) -> None:
    assert not check_output(want, got)


def test_the_tolerance_fits_float32() -> None:
    checker = Float32Checker()
    assert checker.rtol == 1e-6 and checker.atol == 1e-7
    assert checker.equal_floats("2.7182817", "2.718282")  # 1 ulp of float32
    assert not checker.equal_floats("2.7182817", "2.71831")  # 10 ulp
    assert not checker.equal_floats("1e-5", "2e-5")  # small values keep their relative test


@pytest.mark.parametrize("shown", ["[0. 2.]", "[0.        2.0000002]"])
def test_an_example_shown_with_either_rounding_passes(shown) -> None:
    doc = LOG10.format(shown=SHOWN.replace("[0. 2.]", shown))
    assert example_failures(_api(doc)) == []


@pytest.mark.parametrize("shown", [
    SHOWN.replace("2.]", "2.1]"),  # a wrong value
    SHOWN.replace("NDArray 2 ", "NDArray 1x2 "),  # a wrong shape
    SHOWN.replace("\n<NDArray 2 @cpu(0)>", ""),  # a missing line
])
def test_an_example_showing_a_real_change_fails(shown) -> None:
    failures = example_failures(_api(LOG10.format(shown=shown)))
    assert [f.source for f in failures] == ["nd.log10(nd.array([1, 100]))"]
    assert "[0." in failures[0].got
