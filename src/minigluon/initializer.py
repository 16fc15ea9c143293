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
from .ndarray import array as _nd_array
from .ndarray import load as _nd_load

__all__ = [
    "Bilinear", "Constant", "FusedRNN", "InitDesc", "Initializer", "LSTMBias", "Load",
    "MSRAPrelu", "Mixed", "Normal", "One", "Orthogonal", "Uniform", "Xavier", "Zero", "alias",
    "create", "register",
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


def create(init: Any, /, *args: Any, **kwargs: Any) -> Initializer:
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
            self._legacy_init(str(desc), arr)
            return
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

    def _legacy_init(self, name: str, arr: Any) -> None:
        # a plain-string name (not an InitDesc): MXNet's older, wider set of name patterns
        rules = ((lambda n: n.startswith("upsampling"), self._init_bilinear),
                 (lambda n: n.startswith("stn_loc") and n.endswith("weight"), self._init_zero),
                 (lambda n: n.startswith("stn_loc") and n.endswith("bias"), self._init_loc_bias),
                 (lambda n: n.endswith("bias"), self._init_bias),
                 (lambda n: n.endswith("gamma"), self._init_gamma),
                 (lambda n: n.endswith("beta"), self._init_beta),
                 (lambda n: n.endswith("weight"), self._init_weight),
                 (lambda n: n.endswith("moving_mean"), self._init_zero),
                 (lambda n: n.endswith("moving_var"), self._init_one),
                 (lambda n: n.endswith("moving_inv_var"), self._init_zero),
                 (lambda n: n.endswith("moving_avg"), self._init_zero),
                 (lambda n: n.endswith("min"), self._init_zero),
                 (lambda n: n.endswith("max"), self._init_one))
        for matches, fn in rules:
            if matches(name):
                fn(name, arr)
                return
        self._init_default(name, arr)

    # -- the per-pattern rules (subclasses override _init_weight) ---------------------------
    def _init_bilinear(self, _: Any, arr: Any) -> None:
        Bilinear()._init_weight(_, arr)

    def _init_loc_bias(self, _: Any, arr: Any) -> None:
        if arr.shape[0] != 6:
            raise ValueError(f"stn_loc bias must have 6 entries (an affine transform), got "
                             f"shape {arr.shape}")
        _fill(arr, np.array([1.0, 0, 0, 0, 1.0, 0]))

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
        # the config holds a JSON-able copy (a list for an array value), as dumps() writes it
        super().__init__(value=value if np.isscalar(value) else np.asarray(value).tolist())
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


@register
class LSTMBias(Initializer):
    """Zeros, except ``forget_bias`` on the forget gate's quarter of an LSTM bias.

    MXNet's LSTM packs the gate biases as ``[input, forget, cell, output]``, each
    ``num_hidden`` long; the second quarter gets ``forget_bias`` (Jozefowicz et al., 2015).
    Like any initializer of a whole array it is given through the ``'__init__'`` attribute
    (a Parameter's ``init``); called on a name ending in ``bias`` it would just write zeros.

    Parameters
    ----------
    forget_bias : float, default 1.0
        Value of the forget-gate bias (the other gates' biases are 0).

    See Also
    --------
    FusedRNN, Zero

    Examples
    --------
    >>> import minigluon as mx
    >>> b = mx.nd.ones((8,))
    >>> desc = mx.init.InitDesc('lstm_i2h_bias', {'__init__': mx.init.LSTMBias(2.0).dumps()})
    >>> mx.init.Uniform()(desc, b)
    >>> print(b.asnumpy())
    [0. 0. 2. 2. 0. 0. 0. 0.]
    """

    def __init__(self, forget_bias: float = 1.0) -> None:
        super().__init__(forget_bias=forget_bias)
        self.forget_bias = forget_bias

    def _init_weight(self, name: Any, arr: Any) -> None:
        values = np.zeros(arr.shape)
        num_hidden = arr.shape[0] // 4
        values[num_hidden:2 * num_hidden] = self.forget_bias
        _fill(arr, values)


_GATES = {"rnn_relu": [""], "rnn_tanh": [""], "lstm": ["_i", "_f", "_c", "_o"],
          "gru": ["_r", "_z", "_o"]}


def _fused_rnn_layout(size: int, num_hidden: int, num_layers: int, mode: str,
                      bidirectional: bool) -> list[tuple[str, tuple[int, ...]]]:
    """Names and shapes of the pieces of a fused RNN parameter vector, in packing order."""
    if mode not in _GATES:
        raise ValueError(f"FusedRNN: mode must be one of {sorted(_GATES)}, got {mode!r}")
    gates, dirs = _GATES[mode], (["l", "r"] if bidirectional else ["l"])
    b, m, h = len(dirs), len(gates), num_hidden
    num_input = size // b // h // m - (num_layers - 1) * (h + b * h + 2) - h - 2
    pieces: list[tuple[str, tuple[int, ...]]] = []
    for layer in range(num_layers):
        for d in dirs:
            in_size = num_input if layer == 0 else b * h
            pieces += [(f"{d}{layer}_i2h{g}_weight", (h, in_size)) for g in gates]
            pieces += [(f"{d}{layer}_h2h{g}_weight", (h, h)) for g in gates]
    for layer in range(num_layers):
        for d in dirs:
            pieces += [(f"{d}{layer}_{kind}{g}_bias", (h,)) for kind in ("i2h", "h2h")
                       for g in gates]
    if sum(int(np.prod(shape)) for _, shape in pieces) != size:
        raise ValueError("Invalid parameters size for FusedRNNCell")
    return pieces


@register
class FusedRNN(Initializer):
    """Initializes the single packed parameter vector of a fused (cuDNN-style) RNN.

    The vector is cut into its per-layer, per-direction, per-gate weights and biases
    (``l0_i2h_i_weight``, ..., ``l0_h2h_o_bias``), each initialized by ``init`` (or, if None,
    by the initializer the call came from, by name), with LSTM forget-gate biases set to
    ``forget_bias``; then packed back.

    Parameters
    ----------
    init : Initializer, str or None
        Initializer of the pieces (an instance or its :meth:`Initializer.dumps` string).
    num_hidden : int
        Hidden units per layer.
    num_layers : int
        Number of stacked layers.
    mode : {'rnn_relu', 'rnn_tanh', 'lstm', 'gru'}
        Cell type, which fixes the number of gates.
    bidirectional : bool, default False
        Whether each layer runs in both directions (two weight sets).
    forget_bias : float, default 1.0
        Forget-gate bias of LSTM cells.

    See Also
    --------
    LSTMBias, Initializer

    Examples
    --------
    >>> import minigluon as mx
    >>> init = mx.init.FusedRNN(mx.init.One(), num_hidden=1, num_layers=1, mode='lstm')
    >>> params = mx.nd.zeros((4 * (2 + 1) + 8,))   # 2 inputs, 4 gates: weights then biases
    >>> mx.init.Uniform()(mx.init.InitDesc('lstm_parameters', {'__init__': init.dumps()}), params)
    >>> print(params.asnumpy())
    [1. 1. 1. 1. 1. 1. 1. 1. 1. 1. 1. 1. 0. 1. 0. 0. 0. 1. 0. 0.]
    """

    def __init__(self, init: Any, num_hidden: int, num_layers: int, mode: str,
                 bidirectional: bool = False, forget_bias: float = 1.0) -> None:
        if isinstance(init, str):
            init = create(init)
        super().__init__(init=init.dumps() if init is not None else None,
                         num_hidden=num_hidden, num_layers=num_layers, mode=mode,
                         bidirectional=bidirectional, forget_bias=forget_bias)
        self._init = init
        self._num_hidden = num_hidden
        self._num_layers = num_layers
        self._mode = mode
        self._bidirectional = bidirectional
        self._forget_bias = forget_bias

    def _init_weight(self, desc: Any, arr: Any) -> None:
        flat = np.asarray(arr).reshape(-1)
        pieces = _fused_rnn_layout(flat.size, self._num_hidden, self._num_layers, self._mode,
                                   self._bidirectional)
        global_init = getattr(desc, "global_init", None)
        out, p = [], 0
        for name, shape in pieces:
            n = int(np.prod(shape))
            piece = _nd_array(flat[p:p + n].reshape(shape))
            p += n
            piece_desc = InitDesc(name, global_init=global_init)
            if self._mode == "lstm" and name.endswith("_f_bias"):
                _fill(piece, self._forget_bias)
            elif self._init is None:
                if global_init is None:
                    raise ValueError("FusedRNN(init=None) needs the calling initializer "
                                     "(desc.global_init) to initialize the pieces")
                global_init(piece_desc, piece)
            else:
                self._init(piece_desc, piece)
            out.append(np.asarray(piece).reshape(-1))
        _fill(arr, np.concatenate(out).reshape(arr.shape))


class Load:
    """Initialize from saved arrays (a dict, or a file written by ``nd.save``), by name.

    Names prefixed ``arg:`` / ``aux:`` (Module checkpoints) are matched without the prefix.
    Names not found go to ``default_init``, or raise if there is none.

    Parameters
    ----------
    param : str or dict of str to NDArray
        A file name for :func:`minigluon.nd.load`, or the arrays.
    default_init : Initializer, optional
        For names not in ``param``.
    verbose : bool, default False
        Log each initialized name.

    See Also
    --------
    Mixed, Initializer
    minigluon.ndarray.save

    Examples
    --------
    >>> import minigluon as mx
    >>> init = mx.init.Load({'arg:fc_weight': mx.nd.array([1.0, 2.0])}, default_init=mx.init.Zero())
    >>> w, b = mx.nd.ones((2,)), mx.nd.ones((2,))
    >>> init('fc_weight', w)
    >>> init('fc_bias', b)
    >>> print(w.asnumpy(), b.asnumpy())
    [1. 2.] [0. 0.]
    """

    def __init__(self, param: Any, default_init: Any = None, verbose: bool = False) -> None:
        if isinstance(param, str):
            param = _nd_load(param)
        if not isinstance(param, dict):
            raise TypeError(f"Load: param must be a dict of arrays or a file of named arrays, "
                            f"got {type(param).__name__}")
        self.param = {(k[4:] if k.startswith(("arg:", "aux:")) else k): v
                      for k, v in param.items()}
        self.default_init = default_init
        self.verbose = verbose

    def __call__(self, name: Any, arr: Any) -> None:
        if name in self.param:
            saved = self.param[name]
            if tuple(arr.shape) != tuple(saved.shape):
                raise ValueError(f"Parameter {name} cannot be initialized from loading. Shape "
                                 f"mismatch, target {arr.shape} vs loaded {saved.shape}")
            _fill(arr, np.asarray(saved))
            if self.verbose:
                logging.info("Initialized %s by loading", name)
            return
        if self.default_init is None:
            raise ValueError(f"Cannot Initialize {name}. Not found in loaded param and no "
                             "default Initializer is provided.")
        self.default_init(name, arr)
        if self.verbose:
            logging.info("Initialized %s by default", name)
