"""Weight initializers (``mx.init`` / ``mx.initializer``): Uniform, Normal, Xavier, ...

An initializer fills an existing array in place (``arr[:] = ...``). Random initializers draw
from the global generator :func:`minigluon._rng.generator`, so ``mx.random.seed(s)`` makes
initialization reproducible. Names are registered in lowercase (``'uniform'``, ``'xavier'``,
``'zeros'``...), and :func:`create` turns a name, a ``dumps()`` string or an instance into an
initializer, as in MXNet 1.x.

See Also
--------
Initializer, Uniform, Xavier
minigluon.gluon.Block.initialize : Where initializers are used.
"""

from __future__ import annotations

import json
import logging
import math
import re
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from . import _rng

__all__ = [
    "Bilinear", "Constant", "InitDesc", "Initializer", "MSRAPrelu", "Mixed", "Normal", "One",
    "Orthogonal", "Uniform", "Xavier", "Zero", "alias", "create", "register",
]

_REGISTRY: dict[str, type] = {}

_UNKNOWN_PATTERN = (
    'Unknown initialization pattern for %s. Default initialization is now limited to '
    '"weight", "bias", "gamma" (1.0), and "beta" (0.0).Please use '
    'mx.sym.Variable(init=mx.init.*) to set initialization pattern')


def register(klass: type) -> type:
    """Register an initializer class under its lowercase class name (a class decorator).

    Registering a different class under a taken name warns (re-running the same class
    definition, e.g. a notebook cell, does not).

    Parameters
    ----------
    klass : type
        A subclass of :class:`Initializer`.

    Returns
    -------
    type
        ``klass`` itself, so this works as a decorator.

    See Also
    --------
    alias, create

    Examples
    --------
    >>> import minigluon as mx
    >>> @mx.init.register
    ... class Halves(mx.init.Initializer):
    ...     def _init_weight(self, name, arr):
    ...         arr[:] = 0.5
    >>> w = mx.nd.zeros((2,))
    >>> mx.init.create('halves')(mx.init.InitDesc('w', {'__init__': 'halves'}), w)
    >>> w
    <BLANKLINE>
    [0.5 0.5]
    <NDArray 2 @cpu(0)>
    """
    if not isinstance(klass, type):
        raise TypeError(f"register expects a class, got {type(klass).__name__}")
    name = klass.__name__.lower()
    old = _REGISTRY.get(name)
    if old is not None and (old.__module__, old.__qualname__) != (klass.__module__,
                                                                   klass.__qualname__):
        warnings.warn(f"WARNING: New initializer {klass.__module__}.{klass.__name__} is "
                      f"overriding existing initializer {old.__module__}.{old.__name__}",
                      UserWarning, stacklevel=2)
    _REGISTRY[name] = klass
    return klass


def alias(*aliases: str) -> Callable[[type], type]:
    """Register an initializer class under extra names (a class decorator factory).

    Parameters
    ----------
    *aliases : str
        The extra names (matched case-insensitively by :func:`create`).

    Returns
    -------
    callable
        A decorator registering its class under every alias.

    See Also
    --------
    create, Initializer

    Examples
    --------
    >>> import minigluon as mx
    >>> @mx.init.alias('sevens')
    ... class Seven(mx.init.Initializer):
    ...     def _init_weight(self, name, arr):
    ...         arr[:] = 7
    >>> type(mx.init.create('sevens')).__name__
    'Seven'
    """
    def reg(klass: type) -> type:
        for name in aliases:
            _REGISTRY[name.lower()] = klass
        return klass
    return reg


def create(init: Any, *args: Any, **kwargs: Any) -> Initializer:
    """Create an initializer from a name, a ``dumps()`` JSON string, or return an instance.

    Parameters
    ----------
    init : str, dict or Initializer
        A registered name (case-insensitive: ``'xavier'``, ``'zeros'``...), a JSON string as
        produced by :meth:`Initializer.dumps`, a dict of keyword arguments with the key
        ``'initializer'`` naming the class, or an Initializer (returned as is).
    *args, **kwargs
        Passed to the initializer's constructor when ``init`` is a name.

    Returns
    -------
    Initializer

    See Also
    --------
    Initializer.dumps, alias
    minigluon.gluon.Block.initialize

    Examples
    --------
    >>> import minigluon as mx
    >>> mx.init.create('xavier', magnitude=2).dumps()
    '["xavier", {"rnd_type": "uniform", "factor_type": "avg", "magnitude": 2}]'
    >>> mx.init.create('["normal", {"sigma": 0.5}]').sigma
    0.5
    >>> mx.init.create('zeros').dumps()
    '["zero", {}]'
    """
    if isinstance(init, Initializer):
        if args or kwargs:
            raise ValueError("initializer is already an instance. Additional arguments are "
                             "invalid")
        return init
    if isinstance(init, dict):
        kw = dict(init)
        return create(kw.pop("initializer"), **kw)
    if not isinstance(init, str):
        raise TypeError(f"initializer must be of string type, got {type(init).__name__}")
    if init.startswith("["):
        name, kw = json.loads(init)
        return create(name, **kw)
    if init.startswith("{"):
        return create(json.loads(init))
    klass = _REGISTRY.get(init.lower())
    if klass is None:
        raise ValueError(f"{init.lower()} is not registered. Please register with "
                         f"initializer.register first (registered: {sorted(_REGISTRY)})")
    return klass(*args, **kwargs)


class InitDesc(str):
    """The name of an array to initialize, with its attributes (a ``str`` subclass).

    Parameters
    ----------
    name : str
        The array's name; without an ``'__init__'`` attribute its suffix (``weight``, ``bias``,
        ``gamma``...) chooses the initialization.
    attrs : dict, optional
        Attributes; ``attrs['__init__']`` names the initializer to use for this array.
    global_init : Initializer, optional
        The initializer used for arrays that have no ``'__init__'`` attribute.

    See Also
    --------
    Initializer, Mixed

    Examples
    --------
    >>> import minigluon as mx
    >>> d = mx.init.InitDesc('dense0_weight', {'__init__': 'ones'})
    >>> d, d.endswith('weight'), d.attrs
    ('dense0_weight', True, {'__init__': 'ones'})
    """

    attrs: dict
    global_init: Any

    def __new__(cls, name: str, attrs: dict | None = None, global_init: Any = None) -> InitDesc:
        ret = super().__new__(cls, name)
        ret.attrs = attrs or {}
        ret.global_init = global_init
        return ret


def _norm_stat(x: Any) -> str:
    a = np.asarray(x, dtype=np.float64)
    return str(np.linalg.norm(a) / math.sqrt(max(a.size, 1)))


def _fill(arr: Any, value: Any) -> None:
    """Write ``value`` into ``arr`` in place, in ``arr``'s dtype."""
    arr[:] = np.asarray(value, dtype=np.dtype(arr.dtype))


class Initializer:
    """Base class of initializers: ``init(desc, arr)`` fills ``arr`` in place.

    ``init(InitDesc(name, {'__init__': x}), arr)`` applies ``create(x)._init_weight`` whatever
    the name (this is how Gluon Parameters are initialized). Without ``'__init__'`` the name's
    suffix decides: ``weight`` → :meth:`_init_weight` (what subclasses override), ``bias`` and
    ``beta`` and ``min`` → 0, ``gamma`` and ``max`` → 1; any other name raises ``ValueError``.
    A plain ``str`` name is treated as ``InitDesc(name)`` (MXNet's older "legacy" rules for
    names such as ``moving_mean`` are not reproduced; Gluon never needs them).

    Parameters
    ----------
    **kwargs
        The constructor arguments, kept for :meth:`dumps`.

    See Also
    --------
    Uniform, Normal, Xavier, create
    minigluon.gluon.Block.initialize

    Examples
    --------
    >>> import minigluon as mx
    >>> init = mx.init.Uniform(0.1)
    >>> w, b = mx.nd.zeros((2, 3)), mx.nd.ones((2,))
    >>> init(mx.init.InitDesc('fc_weight'), w)
    >>> init(mx.init.InitDesc('fc_bias'), b)
    >>> bool(abs(w).max() <= 0.1), b.asnumpy().tolist()
    (True, [0.0, 0.0])
    """

    def __init__(self, **kwargs: Any) -> None:
        self._kwargs = kwargs
        self._verbose = False
        self._print_func: Callable[[Any], str] | None = None

    def set_verbosity(self, verbose: bool = False,
                      print_func: Callable[[Any], str] | None = None) -> Initializer:
        """Log every initialized array (``Initialized %s as %s: %s``) at INFO level.

        Parameters
        ----------
        verbose : bool, default False
            Whether to log.
        print_func : callable, optional
            Maps the initialized array to the string logged; by default its root mean
            square, ``norm(x) / sqrt(x.size)``.

        Returns
        -------
        Initializer
            ``self``.

        See Also
        --------
        Initializer
        minigluon.gluon.Block.initialize

        Examples
        --------
        >>> import minigluon as mx
        >>> init = mx.init.One().set_verbosity(True, print_func=lambda a: 'ok')
        >>> init(mx.init.InitDesc('w', {'__init__': 'one'}), mx.nd.zeros((2,)))
        """
        self._verbose = verbose
        self._print_func = print_func if print_func is not None else _norm_stat
        return self

    def _verbose_print(self, desc: Any, init: Any, arr: Any) -> None:
        if self._verbose and self._print_func is not None:
            logging.info("Initialized %s as %s: %s", desc, init, self._print_func(arr))

    def dumps(self) -> str:
        """The initializer as a JSON string ``[name, kwargs]``; :func:`create` reads it back.

        Returns
        -------
        str

        See Also
        --------
        create : Reads the string back.

        Examples
        --------
        >>> import minigluon as mx
        >>> mx.init.Uniform().dumps()
        '["uniform", {"scale": 0.07}]'
        >>> mx.init.create(mx.init.Constant([1, 2]).dumps()).value
        [1, 2]
        """
        kwargs = {k: (np.asarray(v).tolist() if not np.isscalar(v) and v is not None else v)
                  for k, v in self._kwargs.items()}
        return json.dumps([self.__class__.__name__.lower(), kwargs])

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Initializer):
            return NotImplemented
        return type(self) is type(other) and self.dumps() == other.dumps()

    def __hash__(self) -> int:
        return hash(self.dumps())

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self._kwargs.items())
        return f"{type(self).__name__}({args})"

    def __call__(self, desc: Any, arr: Any) -> None:
        if not isinstance(desc, InitDesc):
            desc = InitDesc(str(desc))
        if desc.global_init is None:
            desc.global_init = self
        init = desc.attrs.get("__init__", "")
        if init:
            create(init)._init_weight(desc, arr)
            self._verbose_print(desc, init, arr)
            return
        for suffix, fn in (("weight", self._init_weight), ("bias", self._init_bias),
                           ("gamma", self._init_gamma), ("beta", self._init_beta),
                           ("min", self._init_zero), ("max", self._init_one)):
            if desc.endswith(suffix):
                fn(desc, arr)
                self._verbose_print(desc, suffix, arr)
                return
        self._init_default(desc, arr)

    # -- the per-pattern rules (subclasses override _init_weight) ---------------------------
    def _init_zero(self, _: Any, arr: Any) -> None:
        _fill(arr, 0.0)

    def _init_one(self, _: Any, arr: Any) -> None:
        _fill(arr, 1.0)

    def _init_bias(self, _: Any, arr: Any) -> None:
        _fill(arr, 0.0)

    def _init_gamma(self, _: Any, arr: Any) -> None:
        _fill(arr, 1.0)

    def _init_beta(self, _: Any, arr: Any) -> None:
        _fill(arr, 0.0)

    def _init_weight(self, name: Any, arr: Any) -> None:
        raise NotImplementedError(f"{type(self).__name__} must override _init_weight")

    def _init_default(self, name: Any, _: Any) -> None:
        raise ValueError(_UNKNOWN_PATTERN % name)


@register
@alias("zeros")
class Zero(Initializer):
    """Fill with 0 (registered as ``'zero'`` and ``'zeros'``).

    See Also
    --------
    One, Constant

    Examples
    --------
    >>> import minigluon as mx
    >>> w = mx.nd.ones((2,))
    >>> mx.init.Zero()(mx.init.InitDesc('w', {'__init__': 'zeros'}), w)
    >>> w
    <BLANKLINE>
    [0. 0.]
    <NDArray 2 @cpu(0)>
    """

    def _init_weight(self, _: Any, arr: Any) -> None:
        _fill(arr, 0.0)


@register
@alias("ones")
class One(Initializer):
    """Fill with 1 (registered as ``'one'`` and ``'ones'``).

    See Also
    --------
    Zero, Constant

    Examples
    --------
    >>> import minigluon as mx
    >>> w = mx.nd.zeros((2,))
    >>> mx.init.One()(mx.init.InitDesc('fc_weight'), w)
    >>> w
    <BLANKLINE>
    [1. 1.]
    <NDArray 2 @cpu(0)>
    """

    def _init_weight(self, _: Any, arr: Any) -> None:
        _fill(arr, 1.0)


@register
class Constant(Initializer):
    """Fill with a constant (a number, or an array broadcast to the shape).

    Parameters
    ----------
    value : float or array_like
        The value.

    See Also
    --------
    Zero, One
    minigluon.gluon.ParameterDict.get_constant

    Examples
    --------
    >>> import minigluon as mx
    >>> w = mx.nd.zeros((2, 2))
    >>> mx.init.Constant([1, 2])(mx.init.InitDesc('fc_weight'), w)
    >>> w
    <BLANKLINE>
    [[1. 2.]
     [1. 2.]]
    <NDArray 2x2 @cpu(0)>
    """

    def __init__(self, value: Any) -> None:
        super().__init__(value=value)
        self.value = value

    def _init_weight(self, _: Any, arr: Any) -> None:
        _fill(arr, np.broadcast_to(np.asarray(self.value), arr.shape))


@register
class Uniform(Initializer):
    """Draw from the uniform distribution on ``[-scale, scale)``.

    Parameters
    ----------
    scale : float, default 0.07
        Bound of the interval.

    See Also
    --------
    Normal, Xavier
    minigluon.gluon.Block.initialize : Uses ``Uniform(0.07)`` by default.

    Examples
    --------
    >>> import minigluon as mx
    >>> mx.random.seed(0)
    >>> w = mx.nd.zeros((100, 10))
    >>> mx.init.Uniform()(mx.init.InitDesc('fc_weight'), w)
    >>> v = w.asnumpy()
    >>> bool(v.min() >= -0.07), bool(v.max() < 0.07), v.dtype
    (True, True, dtype('float32'))
    """

    def __init__(self, scale: float = 0.07) -> None:
        super().__init__(scale=scale)
        self.scale = scale

    def _init_weight(self, _: Any, arr: Any) -> None:
        _fill(arr, _rng.generator().uniform(-self.scale, self.scale, arr.shape)
              .astype(np.float32))


@register
class Normal(Initializer):
    """Draw from the normal distribution with mean 0 and standard deviation ``sigma``.

    Parameters
    ----------
    sigma : float, default 0.01
        Standard deviation.

    See Also
    --------
    Uniform, Xavier

    Examples
    --------
    >>> import minigluon as mx
    >>> mx.random.seed(0)
    >>> w = mx.nd.zeros((200, 100))
    >>> mx.init.Normal(sigma=2)(mx.init.InitDesc('fc_weight'), w)
    >>> print(round(float(w.asnumpy().std()), 1))
    2.0
    """

    def __init__(self, sigma: float = 0.01) -> None:
        super().__init__(sigma=sigma)
        self.sigma = sigma

    def _init_weight(self, _: Any, arr: Any) -> None:
        _fill(arr, _rng.generator().normal(0.0, self.sigma, arr.shape).astype(np.float32))


@register
class Orthogonal(Initializer):
    """An orthogonal matrix (from the SVD of a random one), times ``scale``.

    The array is viewed as ``(shape[0], prod(shape[1:]))``; its rows (or columns, whichever
    are fewer) are orthonormal before scaling (Saxe et al., 2013).

    Parameters
    ----------
    scale : float, default 1.414
        Multiplier.
    rand_type : {'uniform', 'normal'}, default 'uniform'
        Distribution of the random matrix that is decomposed.

    See Also
    --------
    Xavier, Normal

    Examples
    --------
    >>> import minigluon as mx
    >>> import numpy as np
    >>> w = mx.nd.zeros((3, 5))
    >>> mx.init.Orthogonal(scale=1)(mx.init.InitDesc('fc_weight'), w)
    >>> m = w.asnumpy()
    >>> bool(np.allclose(m @ m.T, np.eye(3), atol=1e-5))
    True
    """

    def __init__(self, scale: float = 1.414, rand_type: str = "uniform") -> None:
        super().__init__(scale=scale, rand_type=rand_type)
        if rand_type not in ("uniform", "normal"):
            raise ValueError(f"Orthogonal: rand_type must be 'uniform' or 'normal', got "
                             f"{rand_type!r}")
        self.scale = scale
        self.rand_type = rand_type

    def _init_weight(self, _: Any, arr: Any) -> None:
        nout, nin = arr.shape[0], int(np.prod(arr.shape[1:]))
        g = _rng.generator()
        tmp = (g.uniform(-1.0, 1.0, (nout, nin)) if self.rand_type == "uniform"
               else g.normal(0.0, 1.0, (nout, nin)))
        u, _s, v = np.linalg.svd(tmp, full_matrices=False)
        res = u if u.shape == tmp.shape else v
        _fill(arr, (self.scale * res.reshape(arr.shape)).astype(np.float32))


@register
class Xavier(Initializer):
    """Xavier/Glorot initialization, scaled by the fan-in and fan-out of the array.

    With ``hw = prod(shape[2:])``, ``fan_in = shape[1] * hw``, ``fan_out = shape[0] * hw`` and
    ``factor`` = ``(fan_in + fan_out) / 2`` (``'avg'``), ``fan_in`` (``'in'``) or ``fan_out``
    (``'out'``), ``scale = sqrt(magnitude / factor)``; values are drawn from
    ``U(-scale, scale)`` (``'uniform'``) or ``N(0, scale)`` (``'gaussian'``).

    Parameters
    ----------
    rnd_type : {'uniform', 'gaussian'}, default 'uniform'
        Distribution.
    factor_type : {'avg', 'in', 'out'}, default 'avg'
        Which fan to scale by.
    magnitude : float, default 3
        Scale of the variance.

    See Also
    --------
    MSRAPrelu, Uniform, Normal

    Examples
    --------
    >>> import minigluon as mx
    >>> w = mx.nd.zeros((10, 20))
    >>> mx.init.Xavier()(mx.init.InitDesc('fc_weight'), w)
    >>> bool(abs(w).max() <= (3 / 15) ** 0.5)
    True
    >>> mx.init.Xavier()(mx.init.InitDesc('fc_weight'), mx.nd.zeros((3,)))
    Traceback (most recent call last):
    ...
    ValueError: Xavier initializer cannot be applied to vector fc_weight. It requires at least 2D.
    """

    def __init__(self, rnd_type: str = "uniform", factor_type: str = "avg",
                 magnitude: float = 3) -> None:
        super().__init__(rnd_type=rnd_type, factor_type=factor_type, magnitude=magnitude)
        self.rnd_type = rnd_type
        self.factor_type = factor_type
        self.magnitude = float(magnitude)

    def _init_weight(self, name: Any, arr: Any) -> None:
        shape = arr.shape
        if len(shape) < 2:
            raise ValueError(f"Xavier initializer cannot be applied to vector {name}. It "
                             "requires at least 2D.")
        hw_scale = float(np.prod(shape[2:])) if len(shape) > 2 else 1.0
        fan_in, fan_out = shape[1] * hw_scale, shape[0] * hw_scale
        factors = {"avg": (fan_in + fan_out) / 2.0, "in": fan_in, "out": fan_out}
        if self.factor_type not in factors:
            raise ValueError("Incorrect factor type")
        scale = math.sqrt(self.magnitude / factors[self.factor_type])
        g = _rng.generator()
        if self.rnd_type == "uniform":
            values = g.uniform(-scale, scale, shape)
        elif self.rnd_type == "gaussian":
            values = g.normal(0.0, scale, shape)
        else:
            raise ValueError("Unknown random type")
        _fill(arr, values.astype(np.float32))


@register
class MSRAPrelu(Xavier):
    """He/MSRA initialization for PReLU nets: ``Xavier('gaussian', factor_type, 2/(1+slope²))``.

    Parameters
    ----------
    factor_type : {'avg', 'in', 'out'}, default 'avg'
        Which fan to scale by.
    slope : float, default 0.25
        Initial negative slope of the PReLU units.

    See Also
    --------
    Xavier
    minigluon.gluon.nn.PReLU

    Examples
    --------
    >>> import minigluon as mx
    >>> init = mx.init.MSRAPrelu(factor_type='in', slope=0)
    >>> init.rnd_type, init.magnitude, init.dumps()
    ('gaussian', 2.0, '["msraprelu", {"factor_type": "in", "slope": 0}]')
    """

    def __init__(self, factor_type: str = "avg", slope: float = 0.25) -> None:
        super().__init__("gaussian", factor_type, 2.0 / (1 + slope ** 2))
        self._kwargs = {"factor_type": factor_type, "slope": slope}


@register
class Bilinear(Initializer):
    """Bilinear-upsampling kernel for a ``(C, 1, k, k)`` Deconvolution weight.

    See Also
    --------
    minigluon.gluon.nn.Conv2DTranspose : The layer it initializes for upsampling.
    Constant

    Examples
    --------
    >>> import minigluon as mx
    >>> w = mx.nd.zeros((1, 1, 4, 4))
    >>> mx.init.Bilinear()(mx.init.InitDesc('up_weight'), w)
    >>> w[0, 0, 1]
    <BLANKLINE>
    [0.1875 0.5625 0.5625 0.1875]
    <NDArray 4 @cpu(0)>
    """

    def __init__(self) -> None:
        super().__init__()

    def _init_weight(self, _: Any, arr: Any) -> None:
        shape = arr.shape
        f = math.ceil(shape[3] / 2.0)
        c = (2 * f - 1 - f % 2) / (2.0 * f)
        x = 1 - np.abs(np.arange(shape[3]) / f - c)
        y = 1 - np.abs(np.arange(shape[2]) / f - c)
        _fill(arr, np.broadcast_to((y[:, None] * x[None, :]).astype(np.float32), shape))


class Mixed:
    """Choose the initializer by the first regular expression matching the array's name.

    Parameters
    ----------
    patterns : list of str
        Regular expressions, matched (``re.match``) against the name in order.
    initializers : list of Initializer
        The initializer for each pattern.

    See Also
    --------
    InitDesc, create
    minigluon.gluon.ParameterDict.initialize

    Examples
    --------
    >>> import minigluon as mx
    >>> init = mx.init.Mixed(['conv.*', '.*'], [mx.init.One(), mx.init.Zero()])
    >>> w = mx.nd.zeros((2,))
    >>> init('conv0_weight', w)
    >>> w
    <BLANKLINE>
    [1. 1.]
    <NDArray 2 @cpu(0)>
    """

    def __init__(self, patterns: list[str], initializers: list[Any]) -> None:
        if len(patterns) != len(initializers):
            raise ValueError(f"Mixed: got {len(patterns)} patterns but {len(initializers)} "
                             "initializers; give one initializer per pattern")
        self.map = [(re.compile(p), create(i)) for p, i in zip(patterns, initializers)]

    def __call__(self, name: Any, arr: Any) -> None:
        for prog, init in self.map:
            if prog.match(name):
                init(name, arr)
                return
        raise ValueError(f"Parameter name {name} did not match any pattern. Consider add a "
                         '".*" pattern at the and with default Initializer.')
