"""The basic layers, and the containers that chain them (Sequential, HybridSequential).

Dense, Dropout, BatchNorm, LayerNorm, InstanceNorm, Embedding, Flatten, Lambda, HybridLambda and
Identity follow MXNet 1.9.1's ``gluon/nn/basic_layers.py`` (names, defaults, reprs); each calls
its op with ``name='fwd'`` so the graph node is ``<prefix>fwd``.
"""

from __future__ import annotations

import warnings
from typing import Any

import numpy as np

from ... import ndarray as nd
from ... import symbol as sym
from ..block import Block, HybridBlock
from .activations import Activation

__all__ = ["Sequential", "HybridSequential", "Dense", "Dropout", "BatchNorm", "LayerNorm",
           "InstanceNorm", "GroupNorm", "Embedding", "Flatten", "Lambda", "HybridLambda",
           "Identity"]


class _SequentialMixin:
    """What both containers share: add, indexing, slicing, len, repr."""

    _is_container = True  # summary() reports the layers inside, not the container

    def add(self, *blocks: Block) -> None:
        for block in blocks:
            self.register_child(block)  # type: ignore[attr-defined]

    def __getitem__(self, key: int | slice) -> Any:
        layers = list(self._children.values())  # type: ignore[attr-defined]
        if isinstance(key, slice):
            net = type(self)(prefix=self._prefix)  # type: ignore[attr-defined, call-arg]
            with net.name_scope():
                net.add(*layers[key])
            return net
        return layers[key]

    def __len__(self) -> int:
        return len(self._children)  # type: ignore[attr-defined]

    def __repr__(self) -> str:
        lines = [f"  ({k}): " + repr(b).replace("\n", "\n  ")
                 for k, b in self._children.items()]  # type: ignore[attr-defined]
        return f"{type(self).__name__}(\n" + "\n".join(lines) + "\n)"


class Sequential(_SequentialMixin, Block):
    """Stack of Blocks run one after another; also a registered list of Blocks.

    Parameters
    ----------
    prefix : str, optional
        Name prefix of the block's Parameters and children (default: ``<classname><n>_``).
    params : ParameterDict, optional
        Parameters to share: the block uses these instead of making its own.

    See Also
    --------
    HybridSequential : The hybridizable version (all children HybridBlocks).
    BlockList, BlockDict, Lambda

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> net = gluon.nn.Sequential()
    >>> with net.name_scope():
    ...     net.add(gluon.nn.Dense(4, activation='relu'), gluon.nn.Dense(2))
    >>> net.initialize()
    >>> net(nd.ones((3, 5))).shape
    (3, 2)
    >>> len(net), type(net[0]).__name__, type(net[:1]).__name__
    (2, 'Dense', 'Sequential')
    """

    def add(self, *blocks: Block) -> None:
        """Append blocks (registered as children ``'0'``, ``'1'``, ...).

        See Also
        --------
        HybridSequential.add, BlockList.append
        minigluon.gluon.Block.register_child

        Examples
        --------
        >>> from minigluon import gluon
        >>> net = gluon.nn.Sequential()
        >>> net.add(gluon.nn.Dense(3), gluon.nn.Dense(1))
        >>> list(net._children)
        ['0', '1']
        """
        super().add(*blocks)

    def forward(self, x: Any, *args: Any) -> Any:
        """Feed ``x`` through every child in order.

        See Also
        --------
        HybridSequential.hybrid_forward, minigluon.gluon.Block.forward

        Examples
        --------
        >>> from minigluon import gluon, nd
        >>> net = gluon.nn.Sequential(); net.add(gluon.nn.Dense(2, in_units=3))
        >>> net.initialize()
        >>> net.forward(nd.ones((1, 3))).shape
        (1, 2)
        """
        for block in self._children.values():
            x = block(x, *args)
            args = ()
            if isinstance(x, (tuple, list)):
                args, x = tuple(x[1:]), x[0]
        return (x, *args) if args else x

    def hybridize(self, active: bool = True, **kwargs: Any) -> None:
        """Hybridize each child (warns when all are HybridBlocks: use HybridSequential).

        Parameters
        ----------
        active : bool, default True
            Turn hybridization on (True) or off (False) for the HybridBlocks among the children.

        See Also
        --------
        HybridSequential, minigluon.gluon.HybridBlock.hybridize

        Examples
        --------
        >>> import warnings
        >>> from minigluon import gluon
        >>> net = gluon.nn.Sequential(); net.add(gluon.nn.Dense(2))
        >>> with warnings.catch_warnings(record=True) as w:
        ...     warnings.simplefilter('always')
        ...     net.hybridize()
        >>> 'Consider using HybridSequential' in str(w[0].message)
        True
        """
        if self._children and all(isinstance(c, HybridBlock) for c in self._children.values()):
            warnings.warn(f"All children of this Sequential layer '{self.prefix}' are "
                          "HybridBlocks. Consider using HybridSequential for the best "
                          "performance.", stacklevel=2)
        super().hybridize(active, **kwargs)


class HybridSequential(_SequentialMixin, HybridBlock):
    """Stack of HybridBlocks run in order; can be hybridized as a whole.

    Parameters
    ----------
    prefix : str, optional
        Name prefix of the block's Parameters and children (default: ``<classname><n>_``).
    params : ParameterDict, optional
        Parameters to share: the block uses these instead of making its own.

    See Also
    --------
    Sequential : For children that are plain Blocks.
    minigluon.gluon.HybridBlock.hybridize, minigluon.gluon.HybridBlock.export

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> net = gluon.nn.HybridSequential()
    >>> net.add(gluon.nn.Dense(4, in_units=3, activation='relu'), gluon.nn.Dense(2, in_units=4))
    >>> net.initialize()
    >>> net(nd.ones((5, 3))).shape
    (5, 2)
    >>> net
    HybridSequential(
      (0): Dense(3 -> 4, Activation(relu))
      (1): Dense(4 -> 2, linear)
    )
    """

    def add(self, *blocks: Block) -> None:
        """Append HybridBlocks (registered as children ``'0'``, ``'1'``, ...).

        See Also
        --------
        Sequential.add, minigluon.gluon.HybridBlock.register_child

        Examples
        --------
        >>> from minigluon import gluon
        >>> net = gluon.nn.HybridSequential()
        >>> net.add(gluon.nn.Dense(3))
        >>> len(net)
        1
        """
        super().add(*blocks)

    def hybrid_forward(self, F: Any, x: Any, *args: Any) -> Any:
        """Feed ``x`` through every child in order.

        See Also
        --------
        Sequential.forward, minigluon.gluon.HybridBlock.hybrid_forward

        Examples
        --------
        >>> from minigluon import gluon, nd
        >>> net = gluon.nn.HybridSequential(); net.add(gluon.nn.Dense(2, in_units=3))
        >>> net.initialize()
        >>> net.hybrid_forward(nd, nd.ones((1, 3))).shape
        (1, 2)
        """
        for block in self._children.values():
            x = block(x, *args)
            args = ()
            if isinstance(x, (tuple, list)):
                args, x = tuple(x[1:]), x[0]
        return (x, *args) if args else x


class Dense(HybridBlock):
    """Fully connected layer: ``activation(dot(x, weight.T) + bias)``.

    Parameters
    ----------
    units : int
        Output size.
    activation : str, optional
        Activation applied to the output (``'relu'``, ``'sigmoid'``, ``'tanh'``, ...).
    use_bias : bool, default True
        Whether the layer adds a bias vector.
    flatten : bool, default True
        Flatten the input to ``(batch, -1)``; otherwise apply to the last axis.
    dtype : str, default 'float32'
        Data type of the weight and bias.
    weight_initializer, bias_initializer : Initializer or str
        ``None`` (the block's ``initialize`` default) and ``'zeros'``.
    in_units : int, default 0
        Input size; 0 means inferred from the first input.

    See Also
    --------
    minigluon.ndarray.FullyConnected : The op it runs.
    Conv2D, Activation, Dropout, Flatten

    Examples
    --------
    >>> import minigluon as mx
    >>> from minigluon import gluon, nd
    >>> layer = gluon.nn.Dense(2)
    >>> layer
    Dense(None -> 2, linear)
    >>> layer.initialize(mx.init.One())
    >>> layer(nd.ones((1, 3)))
    <BLANKLINE>
    [[3. 3.]]
    <NDArray 1x2 @cpu(0)>
    >>> layer.weight.shape
    (2, 3)
    """

    def __init__(self, units: int, activation: str | None = None, use_bias: bool = True,
                 flatten: bool = True, dtype: str = "float32", weight_initializer: Any = None,
                 bias_initializer: Any = "zeros", in_units: int = 0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._flatten = flatten
        with self.name_scope():
            self._units = units
            self._in_units = in_units
            self.weight = self.params.get("weight", shape=(units, in_units),
                                          init=weight_initializer, dtype=dtype,
                                          allow_deferred_init=True)
            self.bias = self.params.get("bias", shape=(units,), init=bias_initializer,
                                        dtype=dtype, allow_deferred_init=True) \
                if use_bias else None
            self.act = Activation(activation, prefix=activation + "_") if activation else None

    def hybrid_forward(self, F: Any, x: Any, weight: Any, bias: Any = None) -> Any:
        """``FullyConnected`` then the activation.

        See Also
        --------
        minigluon.ndarray.FullyConnected, minigluon.ndarray.Activation
        minigluon.gluon.HybridBlock.hybrid_forward

        Examples
        --------
        >>> import minigluon as mx
        >>> from minigluon import gluon, nd
        >>> d = gluon.nn.Dense(1, in_units=2); d.initialize(mx.init.One())
        >>> d.hybrid_forward(nd, nd.ones((1, 2)), d.weight.data(), d.bias.data())
        <BLANKLINE>
        [[2.]]
        <NDArray 1x1 @cpu(0)>
        """
        act = F.FullyConnected(x, weight, bias, no_bias=bias is None, num_hidden=self._units,
                               flatten=self._flatten, name="fwd")
        return self.act(act) if self.act is not None else act

    def __repr__(self) -> str:
        shape = self.weight.shape
        layout = f"{shape[1] if shape[1] else None} -> {shape[0]}"
        act = repr(self.act) if self.act is not None else "linear"
        return f"{type(self).__name__}({layout}, {act})"


class Dropout(HybridBlock):
    """Randomly zero a fraction ``rate`` of the inputs while training (inverted dropout).

    Kept values are scaled by ``1 / (1 - rate)``; outside ``autograd.record()`` (or in
    predict mode) the layer is the identity.

    Parameters
    ----------
    rate : float
        Fraction of the inputs to drop, in [0, 1).
    axes : tuple of int, default ()
        Axes along which one mask is shared (e.g. ``(2, 3)`` drops whole feature maps).

    See Also
    --------
    minigluon.ndarray.Dropout : The op it runs.
    minigluon.autograd.train_mode : Dropout only drops in training mode.
    BatchNorm

    Examples
    --------
    >>> import minigluon as mx
    >>> from minigluon import gluon, nd, autograd
    >>> drop = gluon.nn.Dropout(0.5)
    >>> drop
    Dropout(p = 0.5, axes=())
    >>> drop(nd.ones((2, 3)))               # not training: unchanged
    <BLANKLINE>
    [[1. 1. 1.]
     [1. 1. 1.]]
    <NDArray 2x3 @cpu(0)>
    >>> mx.random.seed(0)
    >>> with autograd.record():
    ...     y = drop(nd.ones((1000,)))
    >>> sorted(set(y.asnumpy().tolist()))    # dropped, or scaled by 1/(1-0.5)
    [0.0, 2.0]
    """

    def __init__(self, rate: float, axes: tuple = (), **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._rate = rate
        self._axes = axes

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        """``F.Dropout(x, p=rate, axes=axes)`` (``F.identity`` when ``rate`` is 0).

        See Also
        --------
        minigluon.ndarray.Dropout, minigluon.gluon.HybridBlock.hybrid_forward

        Examples
        --------
        >>> from minigluon import gluon, nd
        >>> gluon.nn.Dropout(0.0).hybrid_forward(nd, nd.array([1, 2]))
        <BLANKLINE>
        [1. 2.]
        <NDArray 2 @cpu(0)>
        """
        if self._rate > 0:
            return F.Dropout(x, p=self._rate, axes=self._axes, name="fwd")
        return F.identity(x)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(p = {self._rate}, axes={self._axes})"


class _NormBase(HybridBlock):
    """Shared repr of the normalization layers: ``Name(k=v, ..., in_channels=c)``."""

    _kwargs: dict
    _none_if_unknown = False  # BatchNorm prints in_channels=None, Layer/InstanceNorm print 0

    def __repr__(self) -> str:
        content = ", ".join(f"{k}={v!r}" for k, v in self._kwargs.items())
        c = self.gamma.shape[0]
        c = None if (self._none_if_unknown and not c) else c
        return f"{type(self).__name__}({content}, in_channels={c})"


class BatchNorm(_NormBase):
    """Batch normalization: normalize each channel with the batch's mean and variance.

    ``out = (x - mean) / sqrt(var + epsilon) * gamma + beta`` per channel (``axis``). In
    training mode (inside ``autograd.record()``) the batch statistics (variance biased) are
    used and the running statistics are updated in place,
    ``running = running * momentum + batch * (1 - momentum)``; otherwise (or with
    ``use_global_stats``) the running statistics are used.

    Parameters
    ----------
    axis : int, default 1
        The channel axis (1 for NCHW, 3 for NHWC).
    momentum : float, default 0.9
        While training, ``running = momentum * running + (1 - momentum) * batch_stat``.
    epsilon : float, default 1e-5
        Added to the variance before the square root, for stability.
    center : bool, default True
        Learn ``beta`` (otherwise it stays 0 with ``grad_req='null'``).
    scale : bool, default True
        Learn ``gamma`` (otherwise it is fixed to 1).
    use_global_stats : bool, default False
        Always normalize with the running statistics.
    beta_initializer, gamma_initializer : str or Initializer, default 'zeros', 'ones'
        Initializers of the shift ``beta`` and the scale ``gamma``.
    running_mean_initializer, running_variance_initializer : default 'zeros', 'ones'
        Initializers of the running mean and variance.
    in_channels : int, default 0
        Number of channels; 0 means inferred from the first input.

    See Also
    --------
    LayerNorm, InstanceNorm
    minigluon.ndarray.BatchNorm : The op it runs.
    minigluon.autograd.train_mode : Batch statistics are used (and the running ones updated) in training mode.

    Examples
    --------
    >>> from minigluon import gluon, nd, autograd
    >>> bn = gluon.nn.BatchNorm()
    >>> bn
    BatchNorm(axis=1, eps=1e-05, momentum=0.9, fix_gamma=False, use_global_stats=False, in_channels=None)
    >>> bn.initialize()
    >>> with autograd.record():
    ...     y = bn(nd.array([[1, 2], [3, 6]]))
    >>> y.asnumpy().round(3)
    array([[-1., -1.],
           [ 1.,  1.]], dtype=float32)
    >>> bn.running_mean.data()
    <BLANKLINE>
    [0.2 0.4]
    <NDArray 2 @cpu(0)>
    """  # noqa: E501

    _none_if_unknown = True

    def __init__(self, axis: int = 1, momentum: float = 0.9, epsilon: float = 1e-5,
                 center: bool = True, scale: bool = True, use_global_stats: bool = False,
                 beta_initializer: Any = "zeros", gamma_initializer: Any = "ones",
                 running_mean_initializer: Any = "zeros",
                 running_variance_initializer: Any = "ones", in_channels: int = 0,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._kwargs = {"axis": axis, "eps": epsilon, "momentum": momentum,
                        "fix_gamma": not scale, "use_global_stats": use_global_stats}
        if in_channels != 0:
            self.in_channels = in_channels
        self.gamma = self.params.get("gamma", grad_req="write" if scale else "null",
                                     shape=(in_channels,), init=gamma_initializer,
                                     allow_deferred_init=True, differentiable=scale)
        self.beta = self.params.get("beta", grad_req="write" if center else "null",
                                    shape=(in_channels,), init=beta_initializer,
                                    allow_deferred_init=True, differentiable=center)
        self.running_mean = self.params.get("running_mean", grad_req="null",
                                            shape=(in_channels,),
                                            init=running_mean_initializer,
                                            allow_deferred_init=True, differentiable=False)
        self.running_var = self.params.get("running_var", grad_req="null",
                                           shape=(in_channels,),
                                           init=running_variance_initializer,
                                           allow_deferred_init=True, differentiable=False)

    def cast(self, dtype: Any) -> None:
        """Cast the parameters (float16 is kept as float32, as in MXNet).

        Parameters
        ----------
        dtype : str or numpy dtype
            Target data type; float16 leaves the Parameters in float32.

        See Also
        --------
        minigluon.gluon.Block.cast

        Examples
        --------
        >>> from minigluon import gluon
        >>> bn = gluon.nn.BatchNorm(in_channels=2); bn.initialize()
        >>> bn.cast('float16')
        >>> bn.gamma.data().dtype
        <class 'numpy.float32'>
        """
        if np.dtype(dtype).name == "float16":
            dtype = "float32"
        super().cast(dtype)

    def hybrid_forward(self, F: Any, x: Any, gamma: Any, beta: Any, running_mean: Any,
                       running_var: Any) -> Any:
        """``F.BatchNorm(x, gamma, beta, running_mean, running_var, ...)``.

        See Also
        --------
        minigluon.ndarray.BatchNorm, minigluon.gluon.HybridBlock.hybrid_forward

        Examples
        --------
        >>> import minigluon as mx
        >>> from minigluon import gluon, nd
        >>> bn = gluon.nn.BatchNorm(in_channels=1); bn.initialize()
        >>> p = {k: v.data() for k, v in bn._reg_params.items()}
        >>> bn.hybrid_forward(nd, nd.array([[4.0]]), **p).asnumpy().round(3)   # predict mode
        array([[4.]], dtype=float32)
        """
        return F.BatchNorm(x, gamma, beta, running_mean, running_var, name="fwd",
                           **self._kwargs)


class LayerNorm(_NormBase):
    """Layer normalization: normalize over ``axis`` of each sample.

    ``out = (x - mean(x, axis)) / sqrt(var(x, axis) + epsilon) * gamma + beta``.

    Parameters
    ----------
    axis : int, default -1
        Axis normalized.
    epsilon : float, default 1e-5
        Added to the variance before the square root, for stability.
    center, scale : bool, default True
        Whether ``beta`` / ``gamma`` are learned.
    beta_initializer, gamma_initializer : default 'zeros', 'ones'
        Initializers of the shift ``beta`` and the scale ``gamma``.
    in_channels : int, default 0
        Size of ``axis``; 0 means inferred from the first input.
    prefix : str, optional
        Name prefix of the block's Parameters and children (default: ``<classname><n>_``).
    params : ParameterDict, optional
        Parameters to share: the block uses these instead of making its own.

    See Also
    --------
    BatchNorm, InstanceNorm
    minigluon.ndarray.LayerNorm : The op it runs.

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> ln = gluon.nn.LayerNorm()
    >>> ln
    LayerNorm(eps=1e-05, axis=-1, center=True, scale=True, in_channels=0)
    >>> ln.initialize()
    >>> ln(nd.array([[1, 2, 3], [2, 2, 2]])).asnumpy().round(3)
    array([[-1.225,  0.   ,  1.225],
           [ 0.   ,  0.   ,  0.   ]], dtype=float32)
    """

    def __init__(self, axis: int = -1, epsilon: float = 1e-5, center: bool = True,
                 scale: bool = True, beta_initializer: Any = "zeros",
                 gamma_initializer: Any = "ones", in_channels: int = 0,
                 prefix: str | None = None, params: Any = None) -> None:
        super().__init__(prefix=prefix, params=params)
        self._kwargs = {"eps": epsilon, "axis": axis, "center": center, "scale": scale}
        self._axis = axis
        self._epsilon = epsilon
        self.gamma = self.params.get("gamma", grad_req="write" if scale else "null",
                                     shape=(in_channels,), init=gamma_initializer,
                                     allow_deferred_init=True)
        self.beta = self.params.get("beta", grad_req="write" if center else "null",
                                    shape=(in_channels,), init=beta_initializer,
                                    allow_deferred_init=True)

    def hybrid_forward(self, F: Any, data: Any, gamma: Any, beta: Any) -> Any:
        """``F.LayerNorm(data, gamma, beta, axis=..., eps=...)``.

        See Also
        --------
        minigluon.ndarray.LayerNorm, minigluon.gluon.HybridBlock.hybrid_forward

        Examples
        --------
        >>> from minigluon import gluon, nd
        >>> ln = gluon.nn.LayerNorm(in_channels=2); ln.initialize()
        >>> ln.hybrid_forward(nd, nd.array([[0, 2]]), ln.gamma.data(), ln.beta.data())
        <BLANKLINE>
        [[-0.999995  0.999995]]
        <NDArray 1x2 @cpu(0)>
        """
        return F.LayerNorm(data, gamma, beta, axis=self._axis, eps=self._epsilon)


class InstanceNorm(_NormBase):
    """Instance normalization: normalize each sample and channel over the other axes.

    ``out = (x - mean) / sqrt(var + epsilon) * gamma + beta``, the statistics taken over all
    axes except the batch axis 0 and the channel ``axis``.

    Parameters
    ----------
    axis : int, default 1
        The channel axis.
    epsilon : float, default 1e-5
        Added to the variance before the square root, for stability.
    center : bool, default True
        Learn the shift ``beta`` (otherwise it stays 0).
    scale : bool, default False
        Whether ``gamma`` is learned (MXNet's default is False).
    beta_initializer, gamma_initializer : default 'zeros', 'ones'
        Initializers of the shift ``beta`` and the scale ``gamma``.
    in_channels : int, default 0
        Number of channels; 0 means inferred from the first input.

    See Also
    --------
    BatchNorm, LayerNorm
    minigluon.ndarray.InstanceNorm : The op it runs.

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> norm = gluon.nn.InstanceNorm()
    >>> norm
    InstanceNorm(eps=1e-05, axis=1, center=True, scale=False, in_channels=0)
    >>> norm.initialize()
    >>> norm(nd.array([[[1, 3]], [[2, 2]]])).asnumpy().round(3)
    array([[[-1.,  1.]],
    <BLANKLINE>
           [[ 0.,  0.]]], dtype=float32)
    """

    def __init__(self, axis: int = 1, epsilon: float = 1e-5, center: bool = True,
                 scale: bool = False, beta_initializer: Any = "zeros",
                 gamma_initializer: Any = "ones", in_channels: int = 0,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._kwargs = {"eps": epsilon, "axis": axis, "center": center, "scale": scale}
        self._axis = axis
        self._epsilon = epsilon
        self.gamma = self.params.get("gamma", grad_req="write" if scale else "null",
                                     shape=(in_channels,), init=gamma_initializer,
                                     allow_deferred_init=True)
        self.beta = self.params.get("beta", grad_req="write" if center else "null",
                                    shape=(in_channels,), init=beta_initializer,
                                    allow_deferred_init=True)

    def hybrid_forward(self, F: Any, x: Any, gamma: Any, beta: Any) -> Any:
        """``F.InstanceNorm(x, gamma, beta, eps=...)`` (channel axis swapped to 1 if needed).

        See Also
        --------
        minigluon.ndarray.InstanceNorm, minigluon.gluon.HybridBlock.hybrid_forward

        Examples
        --------
        >>> from minigluon import gluon, nd
        >>> n = gluon.nn.InstanceNorm(in_channels=1); n.initialize()
        >>> n.hybrid_forward(nd, nd.array([[[0, 2]]]), n.gamma.data(), n.beta.data()).shape
        (1, 1, 2)
        """
        if self._axis == 1:
            return F.InstanceNorm(x, gamma, beta, name="fwd", eps=self._epsilon)
        x = F.swapaxes(x, 1, self._axis)
        out = F.InstanceNorm(x, gamma, beta, name="fwd", eps=self._epsilon)
        return F.swapaxes(out, 1, self._axis)


class GroupNorm(HybridBlock):
    """Group normalization: normalize each group of channels of each sample.

    The channels (axis 1) are split into ``num_groups`` consecutive groups; each group of
    each sample is normalized by its own mean and variance (over its channels and positions),
    then scaled and shifted by a ``gamma`` and ``beta`` per group. Unlike BatchNorm it does
    not depend on the batch, so it behaves the same in training and prediction.

    Parameters
    ----------
    num_groups : int, default 1
        Must divide the number of channels.
    epsilon : float, default 1e-5
        Added to the variance before the square root, for stability.
    center : bool, default True
        Whether ``beta`` is learned.
    scale : bool, default True
        Whether ``gamma`` is learned.
    beta_initializer, gamma_initializer : default 'zeros', 'ones'
        Initializers of the shift ``beta`` and the scale ``gamma``.

    See Also
    --------
    InstanceNorm, LayerNorm, BatchNorm
    minigluon.ndarray.GroupNorm : The op it runs.

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> norm = gluon.nn.GroupNorm(num_groups=2)
    >>> norm
    GroupNorm(eps=1e-05, num_groups=2, center=True, scale=True)
    >>> norm.initialize()
    >>> norm(nd.array([[[1, 3], [10, 30]]])).asnumpy().round(3)
    array([[[-1.,  1.],
            [-1.,  1.]]], dtype=float32)
    >>> norm.gamma.shape
    (2,)
    """

    def __init__(self, num_groups: int = 1, epsilon: float = 1e-5, center: bool = True,
                 scale: bool = True, beta_initializer: Any = "zeros",
                 gamma_initializer: Any = "ones", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._kwargs = {"eps": epsilon, "num_groups": num_groups, "center": center,
                        "scale": scale}
        self._num_groups = num_groups
        self._epsilon = epsilon
        self.gamma = self.params.get("gamma", grad_req="write" if scale else "null",
                                     shape=(num_groups,), init=gamma_initializer,
                                     allow_deferred_init=True)
        self.beta = self.params.get("beta", grad_req="write" if center else "null",
                                    shape=(num_groups,), init=beta_initializer,
                                    allow_deferred_init=True)

    def hybrid_forward(self, F: Any, x: Any, gamma: Any, beta: Any) -> Any:
        """``F.GroupNorm(x, gamma, beta, num_groups=..., eps=...)``.

        See Also
        --------
        minigluon.ndarray.GroupNorm, minigluon.gluon.HybridBlock.hybrid_forward

        Examples
        --------
        >>> from minigluon import gluon, nd
        >>> n = gluon.nn.GroupNorm(epsilon=0); n.initialize()
        >>> n.hybrid_forward(nd, nd.array([[[0, 2]]]), n.gamma.data(), n.beta.data())
        <BLANKLINE>
        [[[-1.  1.]]]
        <NDArray 1x1x2 @cpu(0)>
        """
        return F.GroupNorm(x, gamma, beta, name="fwd", num_groups=self._num_groups,
                           eps=self._epsilon)

    def __repr__(self) -> str:
        content = ", ".join(f"{k}={v!r}" for k, v in self._kwargs.items())
        return f"{type(self).__name__}({content})"


class Embedding(HybridBlock):
    """Map integer indices to dense vectors: row ``i`` of a ``(input_dim, output_dim)`` table.

    Parameters
    ----------
    input_dim : int
        Vocabulary size (largest index + 1).
    output_dim : int
        Size of each vector.
    dtype : str, default 'float32'
        Data type of the embedding matrix.
    weight_initializer : Initializer, optional
        Initializer of the embedding matrix; None uses the one given to ``initialize``.
    sparse_grad : bool, default False
        Accepted for compatibility; gradients are dense.

    See Also
    --------
    minigluon.ndarray.Embedding : The op it runs.
    minigluon.ndarray.one_hot, minigluon.ndarray.take
    Dense

    Examples
    --------
    >>> import minigluon as mx
    >>> from minigluon import gluon, nd
    >>> emb = gluon.nn.Embedding(4, 2)
    >>> emb
    Embedding(4 -> 2, float32)
    >>> emb.initialize(mx.init.Constant(1))
    >>> emb(nd.array([[0, 3], [1, 1]])).shape
    (2, 2, 2)
    """

    def __init__(self, input_dim: int, output_dim: int, dtype: Any = "float32",
                 weight_initializer: Any = None, sparse_grad: bool = False,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._kwargs = {"input_dim": input_dim, "output_dim": output_dim, "dtype": dtype,
                        "sparse_grad": sparse_grad}
        self.weight = self.params.get("weight", shape=(input_dim, output_dim),
                                      init=weight_initializer, dtype=dtype,
                                      allow_deferred_init=True)

    def hybrid_forward(self, F: Any, x: Any, weight: Any) -> Any:
        """``F.Embedding(x, weight, input_dim=..., output_dim=...)``.

        See Also
        --------
        minigluon.ndarray.Embedding, minigluon.gluon.HybridBlock.hybrid_forward

        Examples
        --------
        >>> from minigluon import gluon, nd
        >>> emb = gluon.nn.Embedding(3, 1); emb.initialize()
        >>> emb.weight.set_data(nd.array([[10], [20], [30]]))
        >>> emb.hybrid_forward(nd, nd.array([2, 0]), emb.weight.data())
        <BLANKLINE>
        [[30.]
         [10.]]
        <NDArray 2x1 @cpu(0)>
        """
        return F.Embedding(x, weight, name="fwd", **self._kwargs)

    def __repr__(self) -> str:
        k = self._kwargs
        return f"{type(self).__name__}({k['input_dim']} -> {k['output_dim']}, {k['dtype']})"


class Flatten(HybridBlock):
    """Flatten every axis but the first: shape ``(N, d1, d2)`` becomes ``(N, d1 * d2)``.

    Parameters
    ----------
    prefix : str, optional
        Name prefix of the block's Parameters and children (default: ``<classname><n>_``).
    params : ParameterDict, optional
        Parameters to share: the block uses these instead of making its own.

    See Also
    --------
    minigluon.ndarray.flatten : The op it runs.
    Dense : Flattens its input itself (``flatten=True``).

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> gluon.nn.Flatten()(nd.ones((2, 3, 4))).shape
    (2, 12)
    >>> gluon.nn.Flatten()
    Flatten
    """

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        """``F.flatten(x)``.

        See Also
        --------
        minigluon.ndarray.flatten, minigluon.gluon.HybridBlock.hybrid_forward

        Examples
        --------
        >>> from minigluon import gluon, nd
        >>> gluon.nn.Flatten().hybrid_forward(nd, nd.ones((2, 1, 3))).shape
        (2, 3)
        """
        return F.flatten(x)

    def __repr__(self) -> str:
        return type(self).__name__


class Lambda(Block):
    """Wrap a function (or the name of an ``nd`` op) as a Block.

    Parameters
    ----------
    function : str or callable
        An op name in ``minigluon.nd`` (``'tanh'``) or a function ``f(*args)``.
    prefix : str, optional
        Name prefix of the block.

    See Also
    --------
    HybridLambda : The hybridizable version.
    Sequential

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> block = gluon.nn.Lambda('tanh')
    >>> block
    Lambda(tanh)
    >>> gluon.nn.Lambda(lambda x: x * 2)(nd.array([1, 2]))
    <BLANKLINE>
    [2. 4.]
    <NDArray 2 @cpu(0)>
    """

    def __init__(self, function: Any, prefix: str | None = None) -> None:
        super().__init__(prefix=prefix)
        if isinstance(function, str):
            if not hasattr(nd, function):
                raise ValueError(f"Function name {function} is not found in ndarray.")
            self._func_impl = getattr(nd, function)
        elif callable(function):
            self._func_impl = function
        else:
            raise ValueError(f"Unrecognized function in lambda: {function} of type "
                             f"{type(function)}")

    def forward(self, *args: Any) -> Any:
        """Call the function on the inputs.

        See Also
        --------
        HybridLambda.hybrid_forward, minigluon.gluon.Block.forward

        Examples
        --------
        >>> from minigluon import gluon, nd
        >>> gluon.nn.Lambda('relu').forward(nd.array([-1, 1]))
        <BLANKLINE>
        [0. 1.]
        <NDArray 2 @cpu(0)>
        """
        return self._func_impl(*args)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._func_impl.__name__})"


class HybridLambda(HybridBlock):
    """Wrap a function ``f(F, x, *args)`` (or an op name) as a HybridBlock.

    Parameters
    ----------
    function : str or callable
        An op name available as ``F.<name>`` (``'tanh'``) or a function ``f(F, x, *args)``.
    prefix : str, optional
        Name prefix of the block.

    See Also
    --------
    Lambda : For functions of NDArrays only.
    HybridSequential

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> block = gluon.nn.HybridLambda(lambda F, x: F.LeakyReLU(x, slope=0.1))
    >>> gluon.nn.HybridLambda('tanh')
    HybridLambda(tanh)
    >>> gluon.nn.HybridLambda(lambda F, x: F.relu(x) + 1)(nd.array([-1, 1]))
    <BLANKLINE>
    [1. 2.]
    <NDArray 2 @cpu(0)>
    """

    def __init__(self, function: Any, prefix: str | None = None) -> None:
        super().__init__(prefix=prefix)
        if isinstance(function, str):
            if not (hasattr(nd, function) and hasattr(sym, function)):
                raise ValueError(f"Function name {function} is not found in symbol/ndarray.")
            self._func = lambda F, *args: getattr(F, function)(*args)
            self._func_name = function
        elif callable(function):
            self._func = function
            self._func_name = function.__name__
        else:
            raise ValueError(f"Unrecognized function in lambda: {function} of type "
                             f"{type(function)}")

    def hybrid_forward(self, F: Any, x: Any, *args: Any) -> Any:
        """Call the function with ``F`` and the inputs.

        See Also
        --------
        Lambda.forward, minigluon.gluon.HybridBlock.hybrid_forward

        Examples
        --------
        >>> from minigluon import gluon, nd
        >>> gluon.nn.HybridLambda('negative').hybrid_forward(nd, nd.array([1]))
        <BLANKLINE>
        [-1.]
        <NDArray 1 @cpu(0)>
        """
        return self._func(F, x, *args)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._func_name})"


class Identity(HybridBlock):
    """Return the input unchanged (a placeholder, e.g. for an optional layer).

    Parameters
    ----------
    prefix : str, optional
        Name prefix of the block's Parameters and children (default: ``<classname><n>_``).
    params : ParameterDict, optional
        Parameters to share: the block uses these instead of making its own.

    See Also
    --------
    HybridSequential, Lambda
    minigluon.ndarray.identity

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> gluon.nn.Identity()(nd.array([1, 2]))
    <BLANKLINE>
    [1. 2.]
    <NDArray 2 @cpu(0)>
    """

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        """Return ``x``.

        See Also
        --------
        minigluon.ndarray.identity, minigluon.gluon.HybridBlock.hybrid_forward

        Examples
        --------
        >>> from minigluon import gluon, nd
        >>> x = nd.ones((1,))
        >>> gluon.nn.Identity().hybrid_forward(nd, x) is x
        True
        """
        return x

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"
