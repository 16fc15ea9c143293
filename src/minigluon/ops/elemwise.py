"""Elementwise ops: broadcast and same-shape arithmetic, scalar arithmetic, comparisons, unary math.

Backward rules here use only operators and ``G.<op>`` so that they also run on NDArrays:
every op in this file supports second derivatives (``higher_order=True``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ..base import MXNetError, as_dtype
from .generic import G, unbroadcast
from .registry import Case, get, register, same_shape

__all__: list[str] = []  # ops are reached through the registry


# -- gradient-test inputs ----------------------------------------------------------------------
def positive(shape: tuple, low: float = 0.5, high: float = 2.0) -> Callable[[Any], np.ndarray]:
    """Test-input spec: uniform values in [low, high) (for log, sqrt, ...)."""
    return lambda rng: rng.uniform(low, high, shape)


def away_from_zero(shape: tuple) -> Callable[[Any], np.ndarray]:
    """Test-input spec: |values| in [0.5, 2) with random signs (kinks at 0 are avoided)."""
    return lambda rng: rng.uniform(0.5, 2.0, shape) * rng.choice([-1.0, 1.0], shape)


_UNARY_CASES = [Case((3, 4)), Case((5,)), Case(())]
_BINARY_CASES = [Case((2, 3), (2, 3)), Case((2, 3), (1, 3)), Case((4, 1), (1, 5)),
                 Case((2, 3, 4), (4,)), Case((), (3,))]


def small_ints(shape: tuple, high: int = 3) -> Callable[[Any], np.ndarray]:
    """Whole numbers in ``[0, high)`` as floats: comparisons and logic ops meet ties and zeros."""
    return lambda rng: rng.integers(0, high, shape).astype(np.float64)


# Cases for ops without a gradient: the front-door test runs them through nd, sym and a block.
_COMPARE_CASES = [Case(small_ints((2, 3)), small_ints((2, 3))),
                  Case(small_ints((4, 1)), small_ints((1, 5)))]


def _broadcast_shape(lhs: tuple | None, rhs: tuple | None, **_: Any) -> tuple:
    if lhs is None or rhs is None:
        raise ValueError("broadcast: both input shapes must be known")
    try:
        return tuple(np.broadcast_shapes(tuple(lhs), tuple(rhs)))
    except ValueError:
        raise MXNetError(f"operands could not be broadcast together with shapes {tuple(lhs)} "
                         f"and {tuple(rhs)}") from None


# -- broadcast binary arithmetic ---------------------------------------------------------------
def _binary_doc(name: str, formula: str, example: str, see: str) -> str:
    return f"""Elementwise ``{formula}`` with numpy broadcasting.

    Shapes broadcast as in numpy: trailing dimensions must be equal or 1, and the output has
    the broadcast shape. Either input may also be a Python number.

    Parameters
    ----------
    lhs : NDArray
        First input.
    rhs : NDArray
        Second input.

    Returns
    -------
    NDArray
        Array of the broadcast shape.

    See Also
    --------
    {see}

    Examples
    --------
    >>> from minigluon import nd
    >>> x = nd.array([[1, 2, 3], [4, 5, 6]])
    >>> y = nd.array([[2], [4]])
{example}
    """


def _binary(name: str, fn: Callable[[Any, Any], Any], grad: Callable[..., tuple],
            formula: str, example: str, see: str, aliases: tuple = (),
            cases: list | None = None) -> None:
    def forward(lhs, rhs):
        return fn(lhs, rhs)

    forward.__name__ = name
    forward.__doc__ = _binary_doc(name, formula, example, see)
    op = register(forward, aliases=aliases, higher_order=True, shape=_broadcast_shape,
                  cases=cases or _BINARY_CASES)
    if isinstance(fn, np.ufunc):
        op.forward = fn  # call the ufunc directly: one Python frame less per op

    @op.def_backward
    def _(g, ins, out):
        lhs, rhs = ins
        gl, gr = grad(g, lhs, rhs, out)
        return (unbroadcast(gl, np.shape(lhs)) if gl is not None else None,
                unbroadcast(gr, np.shape(rhs)) if gr is not None else None)


_binary("broadcast_add", np.add, lambda g, a, b, y: (g, g), "lhs + rhs",
        """    >>> nd.broadcast_add(x, y)
    <BLANKLINE>
    [[ 3.  4.  5.]
     [ 8.  9. 10.]]
    <NDArray 2x3 @cpu(0)>""", "broadcast_sub, elemwise_add, add_n", aliases=("add",))
_binary("broadcast_sub", np.subtract, lambda g, a, b, y: (g, -g), "lhs - rhs",
        """    >>> nd.broadcast_sub(x, y)
    <BLANKLINE>
    [[-1.  0.  1.]
     [ 0.  1.  2.]]
    <NDArray 2x3 @cpu(0)>""", "broadcast_add, elemwise_sub",
        aliases=("broadcast_minus", "subtract"))
_binary("broadcast_mul", np.multiply, lambda g, a, b, y: (g * b, g * a), "lhs * rhs",
        """    >>> nd.broadcast_mul(x, y)
    <BLANKLINE>
    [[ 2.  4.  6.]
     [16. 20. 24.]]
    <NDArray 2x3 @cpu(0)>""", "broadcast_div, elemwise_mul", aliases=("multiply",))
_binary("broadcast_div", np.divide, lambda g, a, b, y: (g / b, -g * a / (b * b)), "lhs / rhs",
        """    >>> nd.broadcast_div(x, y)
    <BLANKLINE>
    [[0.5  1.   1.5 ]
     [1.   1.25 1.5 ]]
    <NDArray 2x3 @cpu(0)>""", "broadcast_mul, elemwise_div", aliases=("divide",),
        cases=[Case((2, 3), away_from_zero((2, 3))), Case((2, 3), away_from_zero((1, 3))),
               Case((4, 1), away_from_zero((1, 5)))])


def _safe_mod(a: Any, b: Any) -> Any:
    # MXNet defines x mod 0 as 0 (numpy warns and returns nan); the sign follows the divisor.
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(np.asarray(b) == 0, 0, np.mod(a, b)).astype(np.result_type(a, b))


_binary("broadcast_mod", _safe_mod, lambda g, a, b, y: (g, -g * G.floor(a / b)), "lhs mod rhs",
        """    >>> nd.broadcast_mod(x, y)
    <BLANKLINE>
    [[1. 0. 1.]
     [0. 1. 2.]]
    <NDArray 2x3 @cpu(0)>""", "broadcast_div", aliases=("modulo",),
        cases=[Case(positive((2, 3), 0.1, 0.9), positive((2, 3), 1.1, 2.0)),
               Case(positive((2, 3), 0.1, 0.9), positive((1, 3), 1.1, 2.0))])
_binary("broadcast_power", np.power,
        lambda g, a, b, y: (g * b * a ** (b - 1), g * y * G.log(a)), "lhs ** rhs",
        """    >>> nd.broadcast_power(x, y)
    <BLANKLINE>
    [[1.000e+00 4.000e+00 9.000e+00]
     [2.560e+02 6.250e+02 1.296e+03]]
    <NDArray 2x3 @cpu(0)>""", "broadcast_mul, square, sqrt", aliases=("power",),
        cases=[Case(positive((2, 3)), (2, 3)), Case(positive((2, 3)), (1, 3))])
_binary("broadcast_maximum", np.maximum,
        lambda g, a, b, y: (g * (a >= b), g * (a < b)), "max(lhs, rhs)",
        """    >>> nd.broadcast_maximum(x, y)
    <BLANKLINE>
    [[2. 2. 3.]
     [4. 5. 6.]]
    <NDArray 2x3 @cpu(0)>""", "broadcast_minimum, clip", aliases=("maximum",))
_binary("broadcast_minimum", np.minimum,
        lambda g, a, b, y: (g * (a <= b), g * (a > b)), "min(lhs, rhs)",
        """    >>> nd.broadcast_minimum(x, y)
    <BLANKLINE>
    [[1. 2. 2.]
     [4. 4. 4.]]
    <NDArray 2x3 @cpu(0)>""", "broadcast_maximum, clip", aliases=("minimum",))
_binary("broadcast_hypot", np.hypot, lambda g, a, b, y: (g * a / y, g * b / y),
        "sqrt(lhs ** 2 + rhs ** 2)",
        """    >>> nd.broadcast_hypot(nd.array([3, 5]), nd.array([4, 12]))
    <BLANKLINE>
    [ 5. 13.]
    <NDArray 2 @cpu(0)>""", "broadcast_power, norm", aliases=("hypot",))


# -- comparisons and logic: 0/1 arrays of the input dtype, no gradient -------------------------
def _compare(name: str, fn: Callable[[Any, Any], Any], symbol: str, example: str,
             aliases: tuple = ()) -> None:
    def forward(lhs, rhs):
        return fn(lhs, rhs).astype(np.result_type(lhs, rhs))

    forward.__name__ = name
    forward.__doc__ = f"""Elementwise ``lhs {symbol} rhs`` as 1 (true) or 0 (false), broadcasting.

    The result has the inputs' dtype (not bool), as in MXNet; it carries no gradient.

    Parameters
    ----------
    lhs : NDArray
        First input.
    rhs : NDArray
        Second input; the two shapes broadcast against each other.

    Returns
    -------
    NDArray
        0/1 array of the broadcast shape.

    See Also
    --------
    where, broadcast_maximum

    Examples
    --------
    >>> from minigluon import nd
    >>> x = nd.array([[1, 2, 3], [4, 5, 6]])
    >>> y = nd.array([[2], [5]])
{example}
    """
    register(forward, differentiable=False, shape=_broadcast_shape, aliases=aliases,
             cases=_COMPARE_CASES)


_compare("broadcast_equal", np.equal, "==", """    >>> nd.broadcast_equal(x, y)
    <BLANKLINE>
    [[0. 1. 0.]
     [0. 1. 0.]]
    <NDArray 2x3 @cpu(0)>""", aliases=("equal",))
_compare("broadcast_not_equal", np.not_equal, "!=", """    >>> nd.broadcast_not_equal(x, y)
    <BLANKLINE>
    [[1. 0. 1.]
     [1. 0. 1.]]
    <NDArray 2x3 @cpu(0)>""", aliases=("not_equal",))
_compare("broadcast_greater", np.greater, ">", """    >>> nd.broadcast_greater(x, y)
    <BLANKLINE>
    [[0. 0. 1.]
     [0. 0. 1.]]
    <NDArray 2x3 @cpu(0)>""", aliases=("greater",))
_compare("broadcast_greater_equal", np.greater_equal, ">=",
         """    >>> nd.broadcast_greater_equal(x, y)
    <BLANKLINE>
    [[0. 1. 1.]
     [0. 1. 1.]]
    <NDArray 2x3 @cpu(0)>""", aliases=("greater_equal",))
_compare("broadcast_lesser", np.less, "<", """    >>> nd.broadcast_lesser(x, y)
    <BLANKLINE>
    [[1. 0. 0.]
     [1. 0. 0.]]
    <NDArray 2x3 @cpu(0)>""", aliases=("lesser",))
_compare("broadcast_lesser_equal", np.less_equal, "<=", """    >>> nd.broadcast_lesser_equal(x, y)
    <BLANKLINE>
    [[1. 1. 0.]
     [1. 1. 0.]]
    <NDArray 2x3 @cpu(0)>""", aliases=("lesser_equal",))
_compare("broadcast_logical_and", np.logical_and, "and",
         """    >>> nd.broadcast_logical_and(x - 1, y - 2)
    <BLANKLINE>
    [[0. 0. 0.]
     [1. 1. 1.]]
    <NDArray 2x3 @cpu(0)>""", aliases=("logical_and",))
_compare("broadcast_logical_or", np.logical_or, "or",
         """    >>> nd.broadcast_logical_or(x - 1, y - 2)
    <BLANKLINE>
    [[0. 1. 1.]
     [1. 1. 1.]]
    <NDArray 2x3 @cpu(0)>""", aliases=("logical_or",))
_compare("broadcast_logical_xor", np.logical_xor, "xor",
         """    >>> nd.broadcast_logical_xor(x - 1, y - 2)
    <BLANKLINE>
    [[0. 1. 1.]
     [0. 0. 0.]]
    <NDArray 2x3 @cpu(0)>""", aliases=("logical_xor",))


# -- same-shape arithmetic (what Symbol's + - * / use: no broadcasting) ------------------------
def _same_shape_check(name: str, lhs: Any, rhs: Any) -> None:
    if np.shape(lhs) != np.shape(rhs):
        raise MXNetError(
            f"{name}: shapes {np.shape(lhs)} and {np.shape(rhs)} differ; elementwise ops need "
            f"equal shapes (broadcasting is not supported). Use broadcast_{name.split('_')[1]} "
            "instead."
        )


def _elemwise(name: str, fn: Callable[[Any, Any], Any], grad: Callable[..., tuple],
              formula: str, example: str, aliases: tuple) -> None:
    def forward(lhs, rhs):
        _same_shape_check(name, lhs, rhs)
        return fn(lhs, rhs)

    def shape(lhs: tuple | None, rhs: tuple | None) -> tuple:
        known = lhs if lhs is not None else rhs
        if known is None:
            raise ValueError(f"{name}: input shapes are unknown")
        if lhs is not None and rhs is not None and tuple(lhs) != tuple(rhs):
            _same_shape_check(name, np.empty(lhs), np.empty(rhs))
        return tuple(known)

    forward.__name__ = name
    forward.__doc__ = f"""Elementwise ``{formula}`` of two arrays of the same shape (no broadcasting).

    Parameters
    ----------
    lhs : NDArray
        First input.
    rhs : NDArray
        Second input, the same shape as ``lhs``.

    Returns
    -------
    NDArray
        Same shape as the inputs.

    See Also
    --------
    broadcast_{name.split('_')[1]}

    Examples
    --------
    >>> from minigluon import nd
    >>> a, b = nd.array([1, 2, 3]), nd.array([4, 5, 6])
{example}
    >>> nd.{name}(a, nd.ones((2, 3)))
    Traceback (most recent call last):
    ...
    minigluon.base.MXNetError: {name}: shapes (3,) and (2, 3) differ; elementwise ops need equal shapes (broadcasting is not supported). Use broadcast_{name.split('_')[1]} instead.
    """  # noqa: E501
    op = register(forward, aliases=aliases, higher_order=True, shape=shape,
                  cases=[Case((2, 3), away_from_zero((2, 3))), Case((4,), away_from_zero((4,)))])
    op.def_backward(lambda g, ins, out: grad(g, ins[0], ins[1], out))
    # same-shape ops know each input's shape from the other (what symbol inference needs)
    op.def_infer_args(lambda lhs, rhs: [lhs or rhs, rhs or lhs])


_elemwise("elemwise_add", np.add, lambda g, a, b, y: (g, g), "lhs + rhs",
          """    >>> nd.elemwise_add(a, b)
    <BLANKLINE>
    [5. 7. 9.]
    <NDArray 3 @cpu(0)>""", aliases=("_plus", "_add"))
_elemwise("elemwise_sub", np.subtract, lambda g, a, b, y: (g, -g), "lhs - rhs",
          """    >>> nd.elemwise_sub(a, b)
    <BLANKLINE>
    [-3. -3. -3.]
    <NDArray 3 @cpu(0)>""", aliases=("_minus", "_sub"))
_elemwise("elemwise_mul", np.multiply, lambda g, a, b, y: (g * b, g * a), "lhs * rhs",
          """    >>> nd.elemwise_mul(a, b)
    <BLANKLINE>
    [ 4. 10. 18.]
    <NDArray 3 @cpu(0)>""", aliases=("_mul",))
_elemwise("elemwise_div", np.divide, lambda g, a, b, y: (g / b, -g * a / (b * b)), "lhs / rhs",
          """    >>> nd.elemwise_div(a, b)
    <BLANKLINE>
    [0.25 0.4  0.5 ]
    <NDArray 3 @cpu(0)>""", aliases=("_div",))


# -- array (op) scalar: what NDArray's operators call with a Python number ---------------------
def _scalar(name: str, fn: Callable[[Any, Any], Any], grad: Callable[..., Any] | None,
            formula: str, example: str, cases: list | None = None) -> None:
    def forward(data, *, scalar=1.0):
        return fn(data, scalar)

    forward.__name__ = name
    forward.__doc__ = f"""``{formula}`` for an array and a Python number (for NDArray operators).

    Parameters
    ----------
    data : NDArray
    scalar : float

    Returns
    -------
    NDArray
        Same shape as ``data``.

    Examples
    --------
    >>> from minigluon import nd
    >>> x = nd.array([1, 2, 4])
{example}
    """
    if grad is None:
        register(forward, differentiable=False, shape=same_shape, namespace="_internal",
                 cases=cases or [Case(small_ints((3, 4)), scalar=1.0)])
        return
    op = register(forward, higher_order=True, shape=same_shape, namespace="_internal",
                  cases=cases or [Case((3, 4), scalar=1.5), Case((), scalar=-2.0)])
    op.def_backward(lambda g, ins, out, scalar: (grad(g, ins[0], scalar, out),))


_scalar("_plus_scalar", np.add, lambda g, x, s, y: g, "data + scalar", """    >>> x + 1
    <BLANKLINE>
    [2. 3. 5.]
    <NDArray 3 @cpu(0)>""")
_scalar("_minus_scalar", np.subtract, lambda g, x, s, y: g, "data - scalar", """    >>> x - 1
    <BLANKLINE>
    [0. 1. 3.]
    <NDArray 3 @cpu(0)>""")
_scalar("_rminus_scalar", lambda x, s: s - x, lambda g, x, s, y: -g, "scalar - data",
        """    >>> 1 - x
    <BLANKLINE>
    [ 0. -1. -3.]
    <NDArray 3 @cpu(0)>""")
_scalar("_mul_scalar", np.multiply, lambda g, x, s, y: g * s, "data * scalar", """    >>> x * 2
    <BLANKLINE>
    [2. 4. 8.]
    <NDArray 3 @cpu(0)>""")
_scalar("_div_scalar", np.divide, lambda g, x, s, y: g / s, "data / scalar", """    >>> x / 2
    <BLANKLINE>
    [0.5 1.  2. ]
    <NDArray 3 @cpu(0)>""")
_scalar("_rdiv_scalar", lambda x, s: s / x, lambda g, x, s, y: -g * y / x, "scalar / data",
        """    >>> 1 / x
    <BLANKLINE>
    [1.   0.5  0.25]
    <NDArray 3 @cpu(0)>""", cases=[Case(away_from_zero((3, 4)), scalar=1.5)])
_scalar("_mod_scalar", lambda x, s: _safe_mod(x, s), lambda g, x, s, y: g, "data mod scalar",
        """    >>> x % 3
    <BLANKLINE>
    [1. 2. 1.]
    <NDArray 3 @cpu(0)>""", cases=[Case(positive((3, 4), 0.1, 1.4), scalar=1.5)])
_scalar("_rmod_scalar", lambda x, s: _safe_mod(s, x),
        lambda g, x, s, y: -g * G.floor(s / x), "scalar mod data", """    >>> 7 % x
    <BLANKLINE>
    [0. 1. 3.]
    <NDArray 3 @cpu(0)>""", cases=[Case(positive((3, 4), 1.6, 1.9), scalar=2.5)])
_scalar("_power_scalar", np.power, lambda g, x, s, y: g * s * x ** (s - 1), "data ** scalar",
        """    >>> x ** 2
    <BLANKLINE>
    [ 1.  4. 16.]
    <NDArray 3 @cpu(0)>""", cases=[Case(positive((3, 4)), scalar=2.5), Case((3,), scalar=2.0)])
_scalar("_rpower_scalar", lambda x, s: np.power(s, x),
        lambda g, x, s, y: g * y * float(np.log(s)), "scalar ** data", """    >>> 2 ** x
    <BLANKLINE>
    [ 2.  4. 16.]
    <NDArray 3 @cpu(0)>""", cases=[Case((3, 4), scalar=1.5)])
_scalar("_maximum_scalar", np.maximum, lambda g, x, s, y: g * (x >= s), "max(data, scalar)",
        """    >>> nd.maximum(x, 2)
    <BLANKLINE>
    [2. 2. 4.]
    <NDArray 3 @cpu(0)>""", cases=[Case((3, 4), scalar=0.1)])
_scalar("_minimum_scalar", np.minimum, lambda g, x, s, y: g * (x <= s), "min(data, scalar)",
        """    >>> nd.minimum(x, 2)
    <BLANKLINE>
    [1. 2. 2.]
    <NDArray 3 @cpu(0)>""", cases=[Case((3, 4), scalar=0.1)])


def _cmp_scalar(fn: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    return lambda x, s: fn(x, s).astype(np.result_type(x, s))


_scalar("_equal_scalar", _cmp_scalar(np.equal), None, "data == scalar", """    >>> x == 2
    <BLANKLINE>
    [0. 1. 0.]
    <NDArray 3 @cpu(0)>""")
_scalar("_not_equal_scalar", _cmp_scalar(np.not_equal), None, "data != scalar", """    >>> x != 2
    <BLANKLINE>
    [1. 0. 1.]
    <NDArray 3 @cpu(0)>""")
_scalar("_greater_scalar", _cmp_scalar(np.greater), None, "data > scalar", """    >>> x > 2
    <BLANKLINE>
    [0. 0. 1.]
    <NDArray 3 @cpu(0)>""")
_scalar("_greater_equal_scalar", _cmp_scalar(np.greater_equal), None, "data >= scalar",
        """    >>> x >= 2
    <BLANKLINE>
    [0. 1. 1.]
    <NDArray 3 @cpu(0)>""")
_scalar("_lesser_scalar", _cmp_scalar(np.less), None, "data < scalar", """    >>> x < 2
    <BLANKLINE>
    [1. 0. 0.]
    <NDArray 3 @cpu(0)>""")
_scalar("_lesser_equal_scalar", _cmp_scalar(np.less_equal), None, "data <= scalar",
        """    >>> x <= 2
    <BLANKLINE>
    [1. 1. 0.]
    <NDArray 3 @cpu(0)>""")


# -- unary math --------------------------------------------------------------------------------
def _unary(name: str, fn: Callable[[Any], Any], grad: Callable[..., Any] | None, summary: str,
           example: str, see: str = "", cases: list | None = None, aliases: tuple = (),
           method: bool = True) -> None:
    def forward(data):
        return fn(data)

    forward.__name__ = name
    see_also = f"\n    See Also\n    --------\n    {see}\n" if see else ""
    forward.__doc__ = f"""{summary}

    Parameters
    ----------
    data : NDArray
        Input array.

    Returns
    -------
    NDArray
        Same shape as ``data``.
{see_also}
    Examples
    --------
    >>> from minigluon import nd
{example}
    """
    if grad is None:
        register(forward, differentiable=False, shape=same_shape, method=method,
                 aliases=aliases, cases=cases or _UNARY_CASES).forward = fn
        return
    op = register(forward, higher_order=True, shape=same_shape, method=method, aliases=aliases,
                  cases=cases or _UNARY_CASES)
    op.forward = fn  # call the kernel directly: one Python frame less per op
    op.def_backward(lambda g, ins, out: (grad(g, ins[0], out),))


_unary("negative", np.negative, lambda g, x, y: -g, "Numerical negative, ``-data``.",
       """    >>> nd.negative(nd.array([1, -2]))
    <BLANKLINE>
    [-1.  2.]
    <NDArray 2 @cpu(0)>""")
_unary("reciprocal", np.reciprocal, lambda g, x, y: -g * y * y, "Reciprocal, ``1 / data``.",
       """    >>> nd.reciprocal(nd.array([1, 2, 4]))
    <BLANKLINE>
    [1.   0.5  0.25]
    <NDArray 3 @cpu(0)>""", cases=[Case(away_from_zero((3, 4)))])
_unary("abs", np.abs, lambda g, x, y: g * G.sign(x), "Absolute value, ``|data|``.",
       """    >>> nd.abs(nd.array([-1.5, 2]))
    <BLANKLINE>
    [1.5 2. ]
    <NDArray 2 @cpu(0)>""", see="sign", cases=[Case(away_from_zero((3, 4)))])
_unary("sign", np.sign, None, "Sign of each element: -1, 0 or 1 (zero gradient).",
       """    >>> nd.sign(nd.array([-3, 0, 2]))
    <BLANKLINE>
    [-1.  0.  1.]
    <NDArray 3 @cpu(0)>""", see="abs")
_unary("square", np.square, lambda g, x, y: 2 * g * x, "Square, ``data ** 2``.",
       """    >>> nd.square(nd.array([2, 3]))
    <BLANKLINE>
    [4. 9.]
    <NDArray 2 @cpu(0)>""", see="sqrt, broadcast_power")
_unary("sqrt", np.sqrt, lambda g, x, y: g * 0.5 / y, "Square root.",
       """    >>> nd.sqrt(nd.array([4, 9]))
    <BLANKLINE>
    [2. 3.]
    <NDArray 2 @cpu(0)>""", see="rsqrt, square", cases=[Case(positive((3, 4)))])
_unary("rsqrt", lambda x: 1 / np.sqrt(x), lambda g, x, y: -0.5 * g * y / x,
       "Reciprocal square root, ``1 / sqrt(data)``.", """    >>> nd.rsqrt(nd.array([4, 16]))
    <BLANKLINE>
    [0.5  0.25]
    <NDArray 2 @cpu(0)>""", see="sqrt", cases=[Case(positive((3, 4)))])
_unary("cbrt", np.cbrt, lambda g, x, y: g / (3 * y * y), "Cube root.",
       """    >>> nd.cbrt(nd.array([-8, 1, 8]))
    <BLANKLINE>
    [-2.  1.  2.]
    <NDArray 3 @cpu(0)>""", cases=[Case(positive((3, 4)))])
_unary("exp", np.exp, lambda g, x, y: g * y, "Exponential, ``e ** data``.",
       """    >>> nd.exp(nd.array([0, 1]))
    <BLANKLINE>
    [1.        2.7182817]
    <NDArray 2 @cpu(0)>""", see="log, expm1")
_unary("expm1", np.expm1, lambda g, x, y: g * (y + 1), "``exp(data) - 1``, accurate near 0.",
       """    >>> nd.expm1(nd.array([0, 1e-5]))
    <BLANKLINE>
    [0.000000e+00 1.000005e-05]
    <NDArray 2 @cpu(0)>""", see="exp, log1p")
_unary("log", np.log, lambda g, x, y: g / x, "Natural logarithm.",
       """    >>> nd.log(nd.array([1, 100]))
    <BLANKLINE>
    [0.        4.6051702]
    <NDArray 2 @cpu(0)>""", see="exp, log1p, log2, log10", cases=[Case(positive((3, 4)))])
_unary("log2", np.log2, lambda g, x, y: g / (x * float(np.log(2))), "Base-2 logarithm.",
       """    >>> nd.log2(nd.array([1, 8]))
    <BLANKLINE>
    [0. 3.]
    <NDArray 2 @cpu(0)>""", see="log", cases=[Case(positive((3, 4)))])
_unary("log10", np.log10, lambda g, x, y: g / (x * float(np.log(10))), "Base-10 logarithm.",
       """    >>> nd.log10(nd.array([1, 100]))
    <BLANKLINE>
    [0. 2.]
    <NDArray 2 @cpu(0)>""", see="log", cases=[Case(positive((3, 4)))])
_unary("log1p", np.log1p, lambda g, x, y: g / (1 + x), "``log(1 + data)``, accurate near 0.",
       """    >>> nd.log1p(nd.array([0, 1e-5]))
    <BLANKLINE>
    [0.00000e+00 9.99995e-06]
    <NDArray 2 @cpu(0)>""", see="log, expm1", cases=[Case(positive((3, 4)))])
_unary("sin", np.sin, lambda g, x, y: g * G.cos(x), "Sine (radians).",
       """    >>> nd.sin(nd.array([0, 1.5707964]))
    <BLANKLINE>
    [0. 1.]
    <NDArray 2 @cpu(0)>""", see="cos, tan")
_unary("cos", np.cos, lambda g, x, y: -g * G.sin(x), "Cosine (radians).",
       """    >>> nd.cos(nd.array([0, 3.1415927]))
    <BLANKLINE>
    [ 1. -1.]
    <NDArray 2 @cpu(0)>""", see="sin, tan")
_unary("tan", np.tan, lambda g, x, y: g * (1 + y * y), "Tangent (radians).",
       """    >>> nd.tan(nd.array([0, 0.7853982]))
    <BLANKLINE>
    [0. 1.]
    <NDArray 2 @cpu(0)>""", see="sin, cos, arctan", cases=[Case(positive((3, 4), -1.0, 1.0))])
_unary("arcsin", np.arcsin, lambda g, x, y: g / G.sqrt(1 - x * x), "Inverse sine.",
       """    >>> nd.arcsin(nd.array([0, 1]))
    <BLANKLINE>
    [0.        1.5707964]
    <NDArray 2 @cpu(0)>""", cases=[Case(positive((3, 4), -0.9, 0.9))])
_unary("arccos", np.arccos, lambda g, x, y: -g / G.sqrt(1 - x * x), "Inverse cosine.",
       """    >>> nd.arccos(nd.array([1, 0]))
    <BLANKLINE>
    [0.        1.5707964]
    <NDArray 2 @cpu(0)>""", cases=[Case(positive((3, 4), -0.9, 0.9))])
_unary("arctan", np.arctan, lambda g, x, y: g / (1 + x * x), "Inverse tangent.",
       """    >>> nd.arctan(nd.array([0, 1]))
    <BLANKLINE>
    [0.        0.7853982]
    <NDArray 2 @cpu(0)>""")
_unary("sinh", np.sinh, lambda g, x, y: g * G.cosh(x), "Hyperbolic sine.",
       """    >>> nd.sinh(nd.array([0]))
    <BLANKLINE>
    [0.]
    <NDArray 1 @cpu(0)>""")
_unary("cosh", np.cosh, lambda g, x, y: g * G.sinh(x), "Hyperbolic cosine.",
       """    >>> nd.cosh(nd.array([0]))
    <BLANKLINE>
    [1.]
    <NDArray 1 @cpu(0)>""")
_unary("tanh", np.tanh, lambda g, x, y: g * (1 - y * y), "Hyperbolic tangent.",
       """    >>> nd.tanh(nd.array([0, 1]))
    <BLANKLINE>
    [0.        0.7615942]
    <NDArray 2 @cpu(0)>""", see="sigmoid, Activation")
_unary("arcsinh", np.arcsinh, lambda g, x, y: g / G.sqrt(x * x + 1), "Inverse hyperbolic sine.",
       """    >>> nd.arcsinh(nd.array([0]))
    <BLANKLINE>
    [0.]
    <NDArray 1 @cpu(0)>""")
_unary("arccosh", np.arccosh, lambda g, x, y: g / G.sqrt(x * x - 1),
       "Inverse hyperbolic cosine.", """    >>> nd.arccosh(nd.array([1]))
    <BLANKLINE>
    [0.]
    <NDArray 1 @cpu(0)>""", cases=[Case(positive((3, 4), 1.5, 3.0))])
_unary("arctanh", np.arctanh, lambda g, x, y: g / (1 - x * x), "Inverse hyperbolic tangent.",
       """    >>> nd.arctanh(nd.array([0]))
    <BLANKLINE>
    [0.]
    <NDArray 1 @cpu(0)>""", cases=[Case(positive((3, 4), -0.9, 0.9))])
_unary("degrees", np.degrees, lambda g, x, y: g * float(180 / np.pi), "Radians to degrees.",
       """    >>> nd.degrees(nd.array([3.1415927]))
    <BLANKLINE>
    [180.]
    <NDArray 1 @cpu(0)>""", see="radians")
_unary("radians", np.radians, lambda g, x, y: g * float(np.pi / 180), "Degrees to radians.",
       """    >>> nd.radians(nd.array([180]))
    <BLANKLINE>
    [3.1415927]
    <NDArray 1 @cpu(0)>""", see="degrees")
def _relu_grad(g: Any, x: Any, y: Any) -> Any:
    """``g * (y > 0)``, on numpy arrays in two passes over one fresh array.

    ``g * (y > 0)`` makes a bool mask and then multiplies through a bool-to-float cast loop;
    writing the comparison into the result's own buffer and multiplying in place gives the same
    bits (``0 * g`` or ``1 * g``, NaN ``y`` included) with no temporary and no cast loop. NDArrays
    (``create_graph``) and broadcasting gradients take the plain expression.
    """
    if type(g) is np.ndarray and type(y) is np.ndarray and g.shape == y.shape:
        out = np.empty(g.shape, np.result_type(g, np.bool_))
        np.greater(y, 0, out=out)
        out *= g
        return out
    return g * (y > 0)


_unary("relu", lambda x: np.maximum(x, 0), _relu_grad,
       "Rectified linear unit, ``max(data, 0)``.", """    >>> nd.relu(nd.array([-1, 0.5]))
    <BLANKLINE>
    [0.  0.5]
    <NDArray 2 @cpu(0)>""", see="sigmoid, tanh, Activation, LeakyReLU",
       cases=[Case(away_from_zero((3, 4)))])


def _sigmoid(x: Any) -> Any:
    # 1/(1+exp(-x)) overflows for large negative x; exp(x)/(1+exp(x)) is exact there.
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(np.result_type(x, np.float16))


_unary("sigmoid", _sigmoid, lambda g, x, y: g * y * (1 - y),
       "Logistic sigmoid, ``1 / (1 + exp(-data))``.", """    >>> nd.sigmoid(nd.array([0, 2]))
    <BLANKLINE>
    [0.5       0.8807971]
    <NDArray 2 @cpu(0)>""", see="tanh, relu, softrelu")
_unary("softsign", lambda x: x / (1 + np.abs(x)), lambda g, x, y: g / ((1 + G.abs(x)) ** 2),
       "Softsign, ``data / (1 + |data|)``.", """    >>> nd.softsign(nd.array([-1, 3]))
    <BLANKLINE>
    [-0.5   0.75]
    <NDArray 2 @cpu(0)>""", see="tanh", cases=[Case(away_from_zero((3, 4)))])
_unary("softrelu", lambda x: np.logaddexp(0, x), lambda g, x, y: g * G.sigmoid(x),
       "Softplus, ``log(1 + exp(data))`` (computed without overflow).",
       """    >>> nd.softrelu(nd.array([0, 30]))
    <BLANKLINE>
    [ 0.6931472 30.       ]
    <NDArray 2 @cpu(0)>""", see="relu, sigmoid")

# What these backwards read beyond shapes (Op.saves), so that a graph keeps no more for them:
# relu, sigmoid and tanh differentiate through their output, sums and differences through
# neither input.
for _name in ("relu", "sigmoid", "tanh"):
    get(_name).def_saves(lambda: ((), (0,)))
for _name in ("elemwise_add", "elemwise_sub", "broadcast_add", "broadcast_sub"):
    get(_name).def_saves(lambda: ((), ()))
_unary("round", lambda x: np.sign(x) * np.floor(np.abs(x) + 0.5), None,
       "Round to the nearest integer, halves away from zero (zero gradient).",
       """    >>> nd.round(nd.array([-2.5, 0.5, 1.5]))
    <BLANKLINE>
    [-3.  1.  2.]
    <NDArray 3 @cpu(0)>""", see="floor, ceil, trunc")
_unary("rint", np.rint, None, "Round to the nearest integer, halves to even (zero gradient).",
       """    >>> nd.rint(nd.array([-2.5, 0.5, 1.5]))
    <BLANKLINE>
    [-2.  0.  2.]
    <NDArray 3 @cpu(0)>""", see="round")
_unary("floor", np.floor, None, "Largest integer not above each element (zero gradient).",
       """    >>> nd.floor(nd.array([-1.5, 1.5]))
    <BLANKLINE>
    [-2.  1.]
    <NDArray 2 @cpu(0)>""", see="ceil, trunc, round")
_unary("ceil", np.ceil, None, "Smallest integer not below each element (zero gradient).",
       """    >>> nd.ceil(nd.array([-1.5, 1.5]))
    <BLANKLINE>
    [-1.  2.]
    <NDArray 2 @cpu(0)>""", see="floor, round")
_unary("trunc", np.trunc, None, "Integer part, rounding toward zero (zero gradient).",
       """    >>> nd.trunc(nd.array([-1.5, 1.5]))
    <BLANKLINE>
    [-1.  1.]
    <NDArray 2 @cpu(0)>""", see="fix, floor", aliases=("fix",))
_unary("logical_not", lambda x: np.logical_not(x).astype(x.dtype), None,
       "Logical not: 1 where ``data`` is 0, else 0 (no gradient).",
       """    >>> nd.logical_not(nd.array([0, 2]))
    <BLANKLINE>
    [1. 0.]
    <NDArray 2 @cpu(0)>""")
_unary("zeros_like", np.zeros_like, None, "An array of zeros with the shape and dtype of ``data``.",
       """    >>> nd.zeros_like(nd.ones((2, 2)))
    <BLANKLINE>
    [[0. 0.]
     [0. 0.]]
    <NDArray 2x2 @cpu(0)>""", see="ones_like, zeros")
_unary("ones_like", np.ones_like, None, "An array of ones with the shape and dtype of ``data``.",
       """    >>> nd.ones_like(nd.zeros((2,)))
    <BLANKLINE>
    [1. 1.]
    <NDArray 2 @cpu(0)>""", see="zeros_like, ones")
_unary("identity", np.copy, lambda g, x, y: g, "A copy of the input (gradient passes unchanged).",
       """    >>> nd.identity(nd.array([1, 2]))
    <BLANKLINE>
    [1. 2.]
    <NDArray 2 @cpu(0)>""", see="BlockGrad", aliases=("_copy",))
_unary("BlockGrad", np.copy, None,
       "A copy of the input through which no gradient flows (``stop_gradient``).",
       """    >>> from minigluon import autograd
    >>> x = nd.array([1., 2.])
    >>> x.attach_grad()
    >>> with autograd.record():
    ...     y = x * nd.BlockGrad(x)     # treated as x * constant
    >>> y.backward()
    >>> x.grad
    <BLANKLINE>
    [1. 2.]
    <NDArray 2 @cpu(0)>""", see="identity, NDArray.detach", aliases=("stop_gradient",))


@register(name="_identity_with_attr_like_rhs", namespace="_internal", higher_order=True,
          nondiff_inputs=(1,), shape=lambda lhs, rhs=None, **_: tuple(rhs if rhs else lhs),
          cases=[Case((2, 3), (2, 3))])
def _identity_with_attr_like_rhs(lhs, rhs):
    """A copy of ``lhs`` that takes ``rhs``'s shape in shape inference (both must agree).

    What a graph uses to tell shape inference that two values have one shape, so a
    parameter's shape can be inferred from another's; the gradient passes to ``lhs`` only.

    Parameters
    ----------
    lhs : NDArray
        The value.
    rhs : NDArray
        The array whose shape ``lhs`` has.

    Returns
    -------
    NDArray
        A copy of ``lhs``.

    See Also
    --------
    identity, reshape_like

    Examples
    --------
    >>> from minigluon import nd
    >>> nd._internal._identity_with_attr_like_rhs(nd.array([1, 2]), nd.zeros(2))
    <BLANKLINE>
    [1. 2.]
    <NDArray 2 @cpu(0)>
    """
    if np.shape(lhs) != np.shape(rhs):
        raise MXNetError(f"_identity_with_attr_like_rhs: shapes {np.shape(lhs)} and "
                         f"{np.shape(rhs)} differ")
    return np.array(lhs, copy=True)


_identity_with_attr_like_rhs.def_backward(lambda g, ins, out: (g, None))


# -- the rest: clip, smooth_l1, where, Cast, add_n ---------------------------------------------
@register(method=True, higher_order=True, shape=same_shape,
          cases=[Case((3, 4), a_min=-0.5, a_max=0.5)])
def clip(data, *, a_min, a_max):
    """Clip values to ``[a_min, a_max]``; the gradient is zero where clipping happened.

    Parameters
    ----------
    data : NDArray
        Input array.
    a_min : float
        Minimum value.
    a_max : float
        Maximum value.

    Returns
    -------
    NDArray
        Same shape as ``data``.

    See Also
    --------
    broadcast_maximum, broadcast_minimum

    Examples
    --------
    >>> from minigluon import nd
    >>> nd.clip(nd.array([-2, 0.5, 3]), 0, 1)
    <BLANKLINE>
    [0.  0.5 1. ]
    <NDArray 3 @cpu(0)>
    """
    return np.clip(data, a_min, a_max)


@clip.def_backward
def _(g, ins, out, a_min, a_max):
    (x,) = ins
    return (g * (x > a_min) * (x < a_max),)


@register(method=True, higher_order=True, shape=same_shape,
          cases=[Case(away_from_zero((3, 4)), scalar=1.0), Case(away_from_zero((5,)), scalar=2.0)])
def smooth_l1(data, *, scalar=1.0):
    """Smooth L1: ``0.5 * (s * x) ** 2`` if ``|x| < 1 / s ** 2`` else ``|x| - 0.5 / s ** 2``.

    Quadratic near zero and linear beyond, so large errors do not dominate (the SSD box loss).

    Parameters
    ----------
    data : NDArray
        Input array of any shape.
    scalar : float, default 1.0
        ``s`` above: the width of the quadratic zone is ``1 / s ** 2``.

    Returns
    -------
    NDArray
        Same shape as ``data``.

    See Also
    --------
    abs, square

    Examples
    --------
    >>> from minigluon import nd
    >>> nd.smooth_l1(nd.array([-2, -0.5, 0, 0.5, 2]))
    <BLANKLINE>
    [1.5   0.125 0.    0.125 1.5  ]
    <NDArray 5 @cpu(0)>
    """
    s2 = scalar * scalar
    a = np.abs(data)
    return np.where(a < 1.0 / s2, 0.5 * s2 * data * data, a - 0.5 / s2).astype(
        np.result_type(data, np.float16))


@smooth_l1.def_backward
def _(g, ins, out, scalar):
    (x,) = ins
    s2 = scalar * scalar
    return (g * G.where(G.abs(x) < 1.0 / s2, s2 * x, G.sign(x)),)


@register(higher_order=True, nondiff_inputs=(0,),
          cases=[Case(lambda r: (r.uniform(size=(3, 4)) > 0.5).astype(float), (3, 4), (3, 4),
                      wrt=(1, 2)),
                 Case(lambda r: np.array([1.0, 0.0, 1.0]), (3, 2), (3, 2), wrt=(1, 2))])
def where(condition, x, y):
    """Take elements of ``x`` where ``condition`` is non-zero, else of ``y``.

    ``condition`` has the shape of ``x`` (elementwise choice) or is 1-D with ``len(x)``
    entries (choose whole rows).

    Parameters
    ----------
    condition : NDArray
        Selector: non-zero entries take ``x``, zero entries take ``y``.
    x : NDArray
        Values taken where ``condition`` is non-zero.
    y : NDArray
        Same shape as ``x``.

    Returns
    -------
    NDArray
        Same shape as ``x``.

    See Also
    --------
    broadcast_greater, clip

    Examples
    --------
    >>> from minigluon import nd
    >>> x, y = nd.array([[1, 2], [3, 4]]), nd.array([[10, 20], [30, 40]])
    >>> nd.where(x > 2, x, y)
    <BLANKLINE>
    [[10. 20.]
     [ 3.  4.]]
    <NDArray 2x2 @cpu(0)>
    >>> nd.where(nd.array([1, 0]), x, y)
    <BLANKLINE>
    [[ 1.  2.]
     [30. 40.]]
    <NDArray 2x2 @cpu(0)>
    """
    c = _where_condition(condition, x, y)
    return np.where(c, x, y)


def _where_condition(condition: Any, x: Any, y: Any) -> Any:
    cs, xs = np.shape(condition), np.shape(x)
    if np.shape(y) != xs:
        raise MXNetError(f"where: x and y must have the same shape, got {xs} and {np.shape(y)}")
    if cs == xs:
        return condition != 0
    if len(cs) == 1 and xs and cs[0] == xs[0]:
        return (condition != 0).reshape(cs + (1,) * (len(xs) - 1))
    raise MXNetError(f"where: condition of shape {cs} must have the shape of x {xs} or be 1-D "
                     f"with {xs[0] if xs else 1} entries")


@where.def_backward
def _(g, ins, out):
    cond, x, _ = ins
    c = cond != 0
    if cond.ndim == 1 and x.ndim > 1:
        c = c.reshape((-1,) + (1,) * (x.ndim - 1))
    c = c.astype(g.dtype)  # numpy gives bool, NDArray 0/1 floats: make both floats
    return (None, g * c, g - g * c)


where.def_shape(lambda c, x, y: tuple(x))


@register(name="Cast", method="cast", aliases=("cast",), shape=same_shape,
          cases=[Case((3, 4), dtype="float64")])
def Cast(data, *, dtype):
    """Convert to ``dtype`` (the gradient is converted back to the input's dtype).

    Parameters
    ----------
    data : NDArray
        Input array.
    dtype : str or numpy dtype
        Target type, e.g. ``'float16'``, ``'int32'``.

    Returns
    -------
    NDArray
        Same shape, new dtype.

    See Also
    --------
    NDArray.astype

    Examples
    --------
    >>> from minigluon import nd
    >>> nd.Cast(nd.array([1.7, -2.2]), dtype='int32')
    <BLANKLINE>
    [ 1 -2]
    <NDArray 2 @cpu(0)>
    """
    return np.asarray(data).astype(as_dtype(dtype))


Cast.def_backward(lambda g, ins, out, dtype: (g.astype(np.asarray(ins[0]).dtype),))


@register(aliases=("ElementWiseSum",), higher_order=True,
          cases=[Case((2, 3), (2, 3), (2, 3)), Case((4,))])
def add_n(*args):
    """Sum of any number of arrays of the same shape.

    Parameters
    ----------
    *args : NDArray
        Arrays of one shape.

    Returns
    -------
    NDArray
        Their elementwise sum.

    See Also
    --------
    elemwise_add, broadcast_add

    Examples
    --------
    >>> from minigluon import nd
    >>> nd.add_n(nd.ones((2,)), nd.ones((2,)), nd.array([1, 2]))
    <BLANKLINE>
    [3. 4.]
    <NDArray 2 @cpu(0)>
    """
    if not args:
        raise MXNetError("add_n: needs at least one array")
    shapes = {np.shape(a) for a in args}
    if len(shapes) > 1:
        raise MXNetError(f"add_n: all inputs must have the same shape, got {sorted(shapes)}")
    out = np.array(args[0], copy=True)
    for a in args[1:]:
        out += a
    return out


add_n.def_backward(lambda g, ins, out: tuple(g for _ in ins))
add_n.def_shape(lambda *shapes: tuple(next(s for s in shapes if s is not None)))
