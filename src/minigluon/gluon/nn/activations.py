"""Activation layers: Activation, LeakyReLU, PReLU, ELU, SELU, GELU, Swish."""

from __future__ import annotations

from typing import Any

from ... import initializer
from ..block import HybridBlock

__all__ = ["Activation", "LeakyReLU", "PReLU", "ELU", "SELU", "GELU", "Swish"]


class Activation(HybridBlock):
    """Apply an activation function: ``'relu'``, ``'sigmoid'``, ``'tanh'``, ``'softrelu'``,
    ``'softsign'``.

    Parameters
    ----------
    activation : {'relu', 'sigmoid', 'tanh', 'softrelu', 'softsign'}
        Name of the activation function.

    See Also
    --------
    LeakyReLU, PReLU, ELU, SELU, GELU, Swish
    minigluon.ndarray.Activation : The op it runs.

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> act = gluon.nn.Activation('relu')
    >>> act
    Activation(relu)
    >>> act(nd.array([-1, 2]))
    <BLANKLINE>
    [0. 2.]
    <NDArray 2 @cpu(0)>
    """

    def __init__(self, activation: str, **kwargs: Any) -> None:
        self._act_type = activation
        super().__init__(**kwargs)

    def _alias(self) -> str:
        return self._act_type

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        """``F.Activation(x, act_type=...)``.

        See Also
        --------
        minigluon.ndarray.Activation, minigluon.gluon.HybridBlock.hybrid_forward

        Examples
        --------
        >>> from minigluon import gluon, nd
        >>> gluon.nn.Activation('tanh').hybrid_forward(nd, nd.zeros((1,)))
        <BLANKLINE>
        [0.]
        <NDArray 1 @cpu(0)>
        """
        return F.Activation(x, act_type=self._act_type, name="fwd")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._act_type})"


class LeakyReLU(HybridBlock):
    """Leaky ReLU: ``x`` for ``x > 0``, ``alpha * x`` otherwise.

    Parameters
    ----------
    alpha : float
        Slope for negative inputs; must be >= 0.

    See Also
    --------
    PReLU : The same with a learned slope.
    Activation, ELU
    minigluon.ndarray.LeakyReLU : The op it runs.

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> act = gluon.nn.LeakyReLU(0.1)
    >>> act
    LeakyReLU(0.1)
    >>> act(nd.array([-10, 5]))
    <BLANKLINE>
    [-1.  5.]
    <NDArray 2 @cpu(0)>
    """

    def __init__(self, alpha: float, **kwargs: Any) -> None:
        if not alpha >= 0:
            raise ValueError(f"Slope coefficient for LeakyReLU must be no less than 0, got "
                             f"alpha={alpha}.")
        super().__init__(**kwargs)
        self._alpha = alpha

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        """``F.LeakyReLU(x, act_type='leaky', slope=alpha)``.

        See Also
        --------
        minigluon.ndarray.LeakyReLU, minigluon.gluon.HybridBlock.hybrid_forward

        Examples
        --------
        >>> from minigluon import gluon, nd
        >>> gluon.nn.LeakyReLU(0.5).hybrid_forward(nd, nd.array([-2]))
        <BLANKLINE>
        [-1.]
        <NDArray 1 @cpu(0)>
        """
        return F.LeakyReLU(x, act_type="leaky", slope=self._alpha, name="fwd")

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._alpha})"


class PReLU(HybridBlock):
    """Parametric ReLU: ``x`` for ``x > 0``, ``alpha * x`` otherwise, with ``alpha`` learned.

    Parameters
    ----------
    alpha_initializer : Initializer, default Constant(0.25)
        Initializer of the learned slope ``alpha``.
    in_channels : int, default 1
        Number of slopes: 1 (shared) or one per channel (axis 1).

    See Also
    --------
    LeakyReLU : The same with a fixed slope.
    Activation
    minigluon.ndarray.LeakyReLU : The op it runs (``act_type='prelu'``).

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> act = gluon.nn.PReLU()
    >>> act.initialize()
    >>> act(nd.array([-4, 4]))
    <BLANKLINE>
    [-1.  4.]
    <NDArray 2 @cpu(0)>
    >>> act.alpha.shape
    (1,)
    """

    def __init__(self, alpha_initializer: Any = initializer.Constant(0.25),  # noqa: B008
                 in_channels: int = 1, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        with self.name_scope():
            self.alpha = self.params.get("alpha", shape=(in_channels,),
                                         init=alpha_initializer, allow_deferred_init=True)

    def hybrid_forward(self, F: Any, x: Any, alpha: Any) -> Any:
        """``F.LeakyReLU(x, gamma=alpha, act_type='prelu')``.

        See Also
        --------
        minigluon.ndarray.LeakyReLU, minigluon.gluon.HybridBlock.hybrid_forward

        Examples
        --------
        >>> from minigluon import gluon, nd
        >>> act = gluon.nn.PReLU(); act.initialize()
        >>> act.hybrid_forward(nd, nd.array([-8]), act.alpha.data())
        <BLANKLINE>
        [-2.]
        <NDArray 1 @cpu(0)>
        """
        return F.LeakyReLU(x, alpha, act_type="prelu", name="fwd")

    def __repr__(self) -> str:
        c = self.alpha.shape[0] if self.alpha.shape else None
        return f"{type(self).__name__}(in_channels={c or None})"


class ELU(HybridBlock):
    """Exponential linear unit: ``x`` for ``x > 0``, ``alpha * (exp(x) - 1)`` otherwise.

    Parameters
    ----------
    alpha : float, default 1.0
        Scale of the negative part, ``alpha * (exp(x) - 1)``.

    See Also
    --------
    SELU, LeakyReLU, Activation
    minigluon.ndarray.LeakyReLU : The op it runs (``act_type='elu'``).

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> act = gluon.nn.ELU()
    >>> act
    ELU(alpha=1.0)
    >>> act(nd.array([0, 2]))
    <BLANKLINE>
    [0. 2.]
    <NDArray 2 @cpu(0)>
    """

    def __init__(self, alpha: float = 1.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._alpha = alpha

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        """``F.LeakyReLU(x, act_type='elu', slope=alpha)``.

        See Also
        --------
        minigluon.ndarray.LeakyReLU, minigluon.gluon.HybridBlock.hybrid_forward

        Examples
        --------
        >>> from minigluon import gluon, nd
        >>> gluon.nn.ELU(2.0).hybrid_forward(nd, nd.array([1]))
        <BLANKLINE>
        [1.]
        <NDArray 1 @cpu(0)>
        """
        return F.LeakyReLU(x, act_type="elu", slope=self._alpha)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(alpha={self._alpha})"


class SELU(HybridBlock):
    """Scaled ELU: ``scale * x`` for ``x > 0``, ``scale * alpha * (exp(x) - 1)`` otherwise.

    ``scale = 1.0507009873554804934193349852946``, ``alpha = 1.6732632423543772848170429916717``.

    Parameters
    ----------
    prefix : str, optional
        Name prefix of the block's Parameters and children (default: ``<classname><n>_``).
    params : ParameterDict, optional
        Parameters to share: the block uses these instead of making its own.

    See Also
    --------
    ELU, Activation
    minigluon.ndarray.LeakyReLU : The op it runs (``act_type='selu'``).

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> gluon.nn.SELU()(nd.array([0, 1])).asnumpy().round(4)
    array([0.    , 1.0507], dtype=float32)
    """

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        """``F.LeakyReLU(x, act_type='selu')``.

        See Also
        --------
        minigluon.ndarray.LeakyReLU, minigluon.gluon.HybridBlock.hybrid_forward

        Examples
        --------
        >>> from minigluon import gluon, nd
        >>> gluon.nn.SELU().hybrid_forward(nd, nd.array([0]))
        <BLANKLINE>
        [0.]
        <NDArray 1 @cpu(0)>
        """
        return F.LeakyReLU(x, act_type="selu", name="fwd")

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class GELU(HybridBlock):
    """Gaussian error linear unit: ``x * Phi(x)``, Phi the standard normal CDF.

    Parameters
    ----------
    prefix : str, optional
        Name prefix of the block's Parameters and children (default: ``<classname><n>_``).
    params : ParameterDict, optional
        Parameters to share: the block uses these instead of making its own.

    See Also
    --------
    Swish, ELU, Activation
    minigluon.ndarray.LeakyReLU : The op it runs (``act_type='gelu'``).
    minigluon.ndarray.erf

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> gluon.nn.GELU()(nd.array([0, 1])).asnumpy().round(4)
    array([0.    , 0.8413], dtype=float32)
    """

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        """``F.LeakyReLU(x, act_type='gelu')``.

        See Also
        --------
        minigluon.ndarray.LeakyReLU, minigluon.gluon.HybridBlock.hybrid_forward

        Examples
        --------
        >>> from minigluon import gluon, nd
        >>> gluon.nn.GELU().hybrid_forward(nd, nd.array([0]))
        <BLANKLINE>
        [0.]
        <NDArray 1 @cpu(0)>
        """
        return F.LeakyReLU(x, act_type="gelu", name="fwd")

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Swish(HybridBlock):
    """Swish: ``x * sigmoid(beta * x)``.

    Parameters
    ----------
    beta : float, default 1.0
        Factor in ``x * sigmoid(beta * x)``.

    See Also
    --------
    GELU, Activation
    minigluon.ndarray.sigmoid

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> act = gluon.nn.Swish()
    >>> act
    Swish(beta=1.0)
    >>> act(nd.array([0, 2])).asnumpy().round(4)
    array([0.    , 1.7616], dtype=float32)
    """

    def __init__(self, beta: float = 1.0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._beta = beta

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        """``x * F.sigmoid(beta * x)``.

        See Also
        --------
        minigluon.ndarray.sigmoid, minigluon.gluon.HybridBlock.hybrid_forward

        Examples
        --------
        >>> from minigluon import gluon, nd
        >>> gluon.nn.Swish().hybrid_forward(nd, nd.array([0]))
        <BLANKLINE>
        [0.]
        <NDArray 1 @cpu(0)>
        """
        return x * F.sigmoid(self._beta * x, name="fwd")

    def __repr__(self) -> str:
        return f"{type(self).__name__}(beta={self._beta})"
