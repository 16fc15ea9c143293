"""Convolution and pooling layers (Conv1D/2D/3D, Conv2DTranspose, Max/Avg/Global pooling).

The structure is MXNet 1.9.1's: a private ``_Conv`` base (alias ``'conv'``, so every
convolution is named ``conv0_``, ``conv1_``...) and ``_Pooling`` (alias ``'pool'``). Integer
arguments are broadcast to tuples; the weight is ``(channels, in_channels / groups, *kernel)``
(``(in_channels, channels / groups, *kernel)`` for the transposed convolutions), its input
dimension 0 (unknown) until the first forward pass when ``in_channels`` is not given.
"""

from __future__ import annotations

from typing import Any

from ...base import numeric_types
from ..block import HybridBlock
from .activations import Activation

__all__ = ["Conv1D", "Conv2D", "Conv3D", "Conv1DTranspose", "Conv2DTranspose", "Conv3DTranspose",
           "MaxPool1D", "MaxPool2D", "MaxPool3D", "AvgPool1D", "AvgPool2D", "AvgPool3D",
           "GlobalMaxPool1D", "GlobalMaxPool2D", "GlobalMaxPool3D", "GlobalAvgPool1D",
           "GlobalAvgPool2D", "GlobalAvgPool3D", "ReflectionPad2D"]


def _tuple(value: Any, n: int, name: str, cls: str) -> tuple:
    """An int broadcast to ``n`` dims, or a tuple/list of exactly ``n`` ints."""
    if isinstance(value, numeric_types):
        return (int(value),) * n
    value = tuple(value)
    if len(value) != n:
        raise ValueError(f"{cls}: {name} must be a number or a list of {n} ints, got {value}")
    return value


def _check_layout(layout: str, allowed: tuple, cls: str) -> None:
    if layout not in allowed:
        raise ValueError(f"{cls}: only supports layout {' and '.join(map(repr, allowed))} for "
                         f"now, got {layout!r}")


class _Conv(HybridBlock):
    """Base of the convolution layers: builds the weight/bias and calls the op."""

    def __init__(self, channels: int, kernel_size: tuple, strides: Any, padding: Any,
                 dilation: Any, groups: int, layout: str, in_channels: int = 0,
                 activation: str | None = None, use_bias: bool = True,
                 weight_initializer: Any = None, bias_initializer: Any = "zeros",
                 op_name: str = "Convolution", adj: Any = None, prefix: str | None = None,
                 params: Any = None) -> None:
        super().__init__(prefix=prefix, params=params)
        name, n = type(self).__name__, len(kernel_size)
        if groups < 1 or channels % groups or (in_channels and in_channels % groups):
            raise ValueError(f"{name}: groups={groups} must divide channels={channels} and "
                             f"in_channels={in_channels}")
        with self.name_scope():
            self._channels = channels
            self._in_channels = in_channels
            strides = _tuple(strides, n, "strides", name)
            padding = _tuple(padding, n, "padding", name)
            dilation = _tuple(dilation, n, "dilation", name)
            self._op_name = op_name
            self._kwargs = {
                "kernel": kernel_size, "stride": strides, "dilate": dilation,
                "pad": padding, "num_filter": channels, "num_group": groups,
                "no_bias": not use_bias, "layout": layout}
            if adj is not None:
                self._kwargs["adj"] = adj
            self.weight = self.params.get("weight", shape=self._weight_shape(),
                                          init=weight_initializer, allow_deferred_init=True)
            if use_bias:
                self.bias = self.params.get("bias", shape=(channels,), init=bias_initializer,
                                            allow_deferred_init=True)
            else:
                self.bias = None
            if activation is not None:
                self.act = Activation(activation, prefix=activation + "_")
            else:
                self.act = None

    def _weight_shape(self) -> tuple:
        k = self._kwargs
        groups, kernel = k["num_group"], tuple(k["kernel"])
        if self._op_name == "Deconvolution":
            first, per_group = self._in_channels, self._channels // groups
        else:
            first, per_group = self._channels, self._in_channels // groups
        # The weight follows the data layout: OIHW for NCHW, OHWI for NHWC (as in MXNet).
        if k["layout"].find("C") == 1:
            return (first, per_group, *kernel)
        return (first, *kernel, per_group)

    def hybrid_forward(self, F: Any, x: Any, weight: Any, bias: Any = None) -> Any:
        op = getattr(F, self._op_name)
        if bias is None:
            act = op(x, weight, name="fwd", **self._kwargs)
        else:
            act = op(x, weight, bias, name="fwd", **self._kwargs)
        if self.act is not None:
            act = self.act(act)
        return act

    def _alias(self) -> str:
        return "conv"

    def __repr__(self) -> str:
        k = self._kwargs
        n = len(k["kernel"])
        s = "{name}({mapping}, kernel_size={kernel}, stride={stride}"
        if k["pad"] != (0,) * n:
            s += ", padding={pad}"
        if k["dilate"] != (1,) * n:
            s += ", dilation={dilate}"
        if k.get("adj") is not None and tuple(k["adj"]) != (0,) * n:
            s += ", output_padding={adj}"
        if k["num_group"] != 1:
            s += ", groups={num_group}"
        if self.bias is None:
            s += ", bias=False"
        if self.act is not None:
            s += f", {self.act!r}"
        s += ")"
        shape = self.weight.shape
        channel_first = k["layout"].find("C") == 1
        if self._op_name == "Deconvolution":
            in_c, out_c = shape[0], self._channels
        else:  # as MXNet: the weight's input dimension (in_channels / groups)
            in_c, out_c = shape[1] if channel_first else shape[-1], shape[0]
        mapping = f"{in_c if in_c else None} -> {out_c}"
        return s.format(name=type(self).__name__, mapping=mapping, **k)


_CONV_DOC = """
    Parameters
    ----------
    channels : int
        Number of output channels (filters).
    kernel_size : int or tuple of {n} ints
        Size of the convolution window along each spatial dimension.
    strides : int or tuple of {n} ints, default 1
        Step of the window along each spatial dimension.
    padding : int or tuple of {n} ints, default 0
        Zero-padding added on both sides of each spatial dimension.{extra}
    dilation : int or tuple of {n} ints, default 1
        Spacing between kernel taps (1: a dense kernel).
    groups : int, default 1
        Split the channels into ``groups`` independent convolutions.
    layout : str, default {layout!r}
        Dimension order of the input and output (``N`` batch, ``C`` channels, then the
        spatial axes); the channels-last form is accepted for 2-D and 3-D.
    activation : str, optional
        Activation applied to the output (``'relu'``...).
    use_bias : bool, default True
        Whether the layer has a bias added to each output channel.
    weight_initializer, bias_initializer : str or Initializer, default None, 'zeros'
        Initializers of the weight (None: the one given to ``initialize``) and the bias.
    in_channels : int, default 0
        Number of input channels; 0 means inferred from the first input.
"""


class Conv1D(_Conv):
    """1-D convolution over ``(N, C, W)`` inputs.

    ``out_width = floor((width + 2*padding - dilation*(kernel_size-1) - 1) / stride) + 1``.
    {params}
    See Also
    --------
    Conv2D, Conv1DTranspose, MaxPool1D
    minigluon.ndarray.Convolution : The op it runs.

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> conv = gluon.nn.Conv1D(4, 3, padding=1)
    >>> conv
    Conv1D(None -> 4, kernel_size=(3,), stride=(1,), padding=(1,))
    >>> conv.initialize()
    >>> conv(nd.ones((2, 3, 10))).shape
    (2, 4, 10)
    >>> conv.weight.shape
    (4, 3, 3)
    """

    def __init__(self, channels: int, kernel_size: Any, strides: Any = 1, padding: Any = 0,
                 dilation: Any = 1, groups: int = 1, layout: str = "NCW",
                 activation: str | None = None, use_bias: bool = True,
                 weight_initializer: Any = None, bias_initializer: Any = "zeros",
                 in_channels: int = 0, **kwargs: Any) -> None:
        _check_layout(layout, ("NCW",), "Conv1D")
        kernel_size = _tuple(kernel_size, 1, "kernel_size", "Conv1D")
        super().__init__(channels, kernel_size, strides, padding, dilation, groups, layout,
                         in_channels, activation, use_bias, weight_initializer,
                         bias_initializer, **kwargs)


class Conv2D(_Conv):
    """2-D convolution over images ``(N, C, H, W)``.

    ``out_height = floor((height + 2*padding[0] - dilation[0]*(kernel_size[0]-1) - 1) /
    stride[0]) + 1``, the same for the width.
    {params}
    See Also
    --------
    Conv1D, Conv3D, Conv2DTranspose, MaxPool2D, Dense
    minigluon.ndarray.Convolution : The op it runs.

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> conv = gluon.nn.Conv2D(16, kernel_size=3, padding=1)
    >>> conv
    Conv2D(None -> 16, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
    >>> conv.initialize()
    >>> conv(nd.ones((2, 3, 8, 8))).shape
    (2, 16, 8, 8)
    >>> conv
    Conv2D(3 -> 16, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
    """

    def __init__(self, channels: int, kernel_size: Any, strides: Any = (1, 1),
                 padding: Any = (0, 0), dilation: Any = (1, 1), groups: int = 1,
                 layout: str = "NCHW", activation: str | None = None, use_bias: bool = True,
                 weight_initializer: Any = None, bias_initializer: Any = "zeros",
                 in_channels: int = 0, **kwargs: Any) -> None:
        _check_layout(layout, ("NCHW", "NHWC"), "Conv2D")
        kernel_size = _tuple(kernel_size, 2, "kernel_size", "Conv2D")
        super().__init__(channels, kernel_size, strides, padding, dilation, groups, layout,
                         in_channels, activation, use_bias, weight_initializer,
                         bias_initializer, **kwargs)


class Conv3D(_Conv):
    """3-D convolution over volumes ``(N, C, D, H, W)``.

    Output sizes follow the Conv2D formula on each of D, H, W.
    {params}
    See Also
    --------
    Conv2D, Conv3DTranspose, MaxPool3D
    minigluon.ndarray.Convolution : The op it runs.

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> conv = gluon.nn.Conv3D(2, kernel_size=3, in_channels=1)
    >>> conv
    Conv3D(1 -> 2, kernel_size=(3, 3, 3), stride=(1, 1, 1))
    >>> conv.initialize()
    >>> conv(nd.ones((1, 1, 4, 5, 6))).shape
    (1, 2, 2, 3, 4)
    """

    def __init__(self, channels: int, kernel_size: Any, strides: Any = (1, 1, 1),
                 padding: Any = (0, 0, 0), dilation: Any = (1, 1, 1), groups: int = 1,
                 layout: str = "NCDHW", activation: str | None = None, use_bias: bool = True,
                 weight_initializer: Any = None, bias_initializer: Any = "zeros",
                 in_channels: int = 0, **kwargs: Any) -> None:
        _check_layout(layout, ("NCDHW", "NDHWC"), "Conv3D")
        kernel_size = _tuple(kernel_size, 3, "kernel_size", "Conv3D")
        super().__init__(channels, kernel_size, strides, padding, dilation, groups, layout,
                         in_channels, activation, use_bias, weight_initializer,
                         bias_initializer, **kwargs)


class Conv1DTranspose(_Conv):
    """Transposed 1-D convolution (deconvolution) over ``(N, C, W)`` inputs.

    ``out_width = (width-1)*stride - 2*padding + dilation*(kernel_size-1) + 1 +
    output_padding``. The weight is ``(in_channels, channels / groups, kernel)``.
    {params}
    See Also
    --------
    Conv1D, Conv2DTranspose
    minigluon.ndarray.Deconvolution : The op it runs.

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> up = gluon.nn.Conv1DTranspose(2, 2, strides=2)
    >>> up.initialize()
    >>> up(nd.ones((1, 3, 5))).shape
    (1, 2, 10)
    >>> up
    Conv1DTranspose(3 -> 2, kernel_size=(2,), stride=(2,))
    """

    def __init__(self, channels: int, kernel_size: Any, strides: Any = 1, padding: Any = 0,
                 output_padding: Any = 0, dilation: Any = 1, groups: int = 1,
                 layout: str = "NCW", activation: str | None = None, use_bias: bool = True,
                 weight_initializer: Any = None, bias_initializer: Any = "zeros",
                 in_channels: int = 0, **kwargs: Any) -> None:
        _check_layout(layout, ("NCW",), "Conv1DTranspose")
        kernel_size = _tuple(kernel_size, 1, "kernel_size", "Conv1DTranspose")
        output_padding = _tuple(output_padding, 1, "output_padding", "Conv1DTranspose")
        super().__init__(channels, kernel_size, strides, padding, dilation, groups, layout,
                         in_channels, activation, use_bias, weight_initializer,
                         bias_initializer, op_name="Deconvolution", adj=output_padding,
                         **kwargs)
        self.outpad = output_padding


class Conv2DTranspose(_Conv):
    """Transposed 2-D convolution (deconvolution), e.g. to upsample feature maps.

    ``out_height = (height-1)*stride[0] - 2*padding[0] + dilation[0]*(kernel_size[0]-1) + 1
    + output_padding[0]``, the same for the width. The weight is
    ``(in_channels, channels / groups, kh, kw)``.
    {params}
    See Also
    --------
    Conv2D, Conv1DTranspose, Conv3DTranspose
    minigluon.ndarray.Deconvolution : The op it runs.
    minigluon.initializer.Bilinear : A weight that makes it a bilinear upsampler.

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> up = gluon.nn.Conv2DTranspose(8, kernel_size=4, strides=2, padding=1)
    >>> up
    Conv2DTranspose(None -> 8, kernel_size=(4, 4), stride=(2, 2), padding=(1, 1))
    >>> up.initialize()
    >>> up(nd.ones((1, 3, 5, 5))).shape
    (1, 8, 10, 10)
    >>> up.weight.shape
    (3, 8, 4, 4)
    """

    def __init__(self, channels: int, kernel_size: Any, strides: Any = (1, 1),
                 padding: Any = (0, 0), output_padding: Any = (0, 0), dilation: Any = (1, 1),
                 groups: int = 1, layout: str = "NCHW", activation: str | None = None,
                 use_bias: bool = True, weight_initializer: Any = None,
                 bias_initializer: Any = "zeros", in_channels: int = 0,
                 **kwargs: Any) -> None:
        _check_layout(layout, ("NCHW", "NHWC"), "Conv2DTranspose")
        kernel_size = _tuple(kernel_size, 2, "kernel_size", "Conv2DTranspose")
        output_padding = _tuple(output_padding, 2, "output_padding", "Conv2DTranspose")
        super().__init__(channels, kernel_size, strides, padding, dilation, groups, layout,
                         in_channels, activation, use_bias, weight_initializer,
                         bias_initializer, op_name="Deconvolution", adj=output_padding,
                         **kwargs)
        self.outpad = output_padding


class Conv3DTranspose(_Conv):
    """Transposed 3-D convolution (deconvolution) over volumes ``(N, C, D, H, W)``.

    Output sizes follow the Conv2DTranspose formula on each of D, H, W. The weight is
    ``(in_channels, channels / groups, kd, kh, kw)``.
    {params}
    See Also
    --------
    Conv3D, Conv2DTranspose
    minigluon.ndarray.Deconvolution : The op it runs.

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> up = gluon.nn.Conv3DTranspose(2, kernel_size=2, strides=2)
    >>> up.initialize()
    >>> up(nd.ones((1, 3, 2, 3, 4))).shape
    (1, 2, 4, 6, 8)
    """

    def __init__(self, channels: int, kernel_size: Any, strides: Any = (1, 1, 1),
                 padding: Any = (0, 0, 0), output_padding: Any = (0, 0, 0),
                 dilation: Any = (1, 1, 1), groups: int = 1, layout: str = "NCDHW",
                 activation: str | None = None, use_bias: bool = True,
                 weight_initializer: Any = None, bias_initializer: Any = "zeros",
                 in_channels: int = 0, **kwargs: Any) -> None:
        _check_layout(layout, ("NCDHW", "NDHWC"), "Conv3DTranspose")
        kernel_size = _tuple(kernel_size, 3, "kernel_size", "Conv3DTranspose")
        output_padding = _tuple(output_padding, 3, "output_padding", "Conv3DTranspose")
        super().__init__(channels, kernel_size, strides, padding, dilation, groups, layout,
                         in_channels, activation, use_bias, weight_initializer,
                         bias_initializer, op_name="Deconvolution", adj=output_padding,
                         **kwargs)
        self.outpad = output_padding


_EXTRA_TRANSPOSE = """
    output_padding : int or tuple of {n} ints, default 0
        Extra size added to one side of the output."""

for _cls, _n, _layout in [(Conv1D, 1, "NCW"), (Conv2D, 2, "NCHW"), (Conv3D, 3, "NCDHW"),
                          (Conv1DTranspose, 1, "NCW"), (Conv2DTranspose, 2, "NCHW"),
                          (Conv3DTranspose, 3, "NCDHW")]:
    _extra = _EXTRA_TRANSPOSE.format(n=_n) if "Transpose" in _cls.__name__ else ""
    _cls.__doc__ = _cls.__doc__.replace("{params}", _CONV_DOC.format(
        n=_n, layout=_layout, extra=_extra).rstrip() + "\n")


class _Pooling(HybridBlock):
    """Base of the pooling layers (alias ``'pool'``)."""

    def __init__(self, pool_size: tuple, strides: Any, padding: Any, ceil_mode: bool,
                 global_pool: bool, pool_type: str, layout: str,
                 count_include_pad: bool | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        n, name = len(pool_size), type(self).__name__
        if strides is None:
            strides = pool_size
        strides = _tuple(strides, n, "strides", name)
        padding = _tuple(padding, n, "padding", name)
        self._kwargs = {
            "kernel": pool_size, "stride": strides, "pad": padding,
            "global_pool": global_pool, "pool_type": pool_type, "layout": layout,
            "pooling_convention": "full" if ceil_mode else "valid"}
        if count_include_pad is not None:
            self._kwargs["count_include_pad"] = count_include_pad

    def _alias(self) -> str:
        return "pool"

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        return F.Pooling(x, name="fwd", **self._kwargs)

    def __repr__(self) -> str:
        k = self._kwargs
        return (f"{type(self).__name__}(size={k['kernel']}, stride={k['stride']}, "
                f"padding={k['pad']}, ceil_mode={k['pooling_convention'] == 'full'}, "
                f"global_pool={k['global_pool']}, pool_type={k['pool_type']}, "
                f"layout={k['layout']})")


_POOL_DOC = """
    Parameters
    ----------
    pool_size : int or tuple of {n} ints, default {default}
        Window size.
    strides : int or tuple of {n} ints, optional
        Step of the window (default: ``pool_size``).
    padding : int or tuple of {n} ints, default 0
        Padding added on both sides of each spatial dimension (never picked by max pooling).
    layout : str, default {layout!r}
        Dimension order of the input and output (``N`` batch, ``C`` channels, then the
        spatial axes).
    ceil_mode : bool, default False
        Round the output size up instead of down (MXNet's ``pooling_convention='full'``).{extra}
"""
_COUNT_PAD = """
    count_include_pad : bool, default True
        Whether padded zeros count in the average."""


class MaxPool1D(_Pooling):
    """Max pooling over ``(N, C, W)``: ``out_width = floor((W + 2p - k) / s) + 1``.
    {params}
    See Also
    --------
    MaxPool2D, AvgPool1D, GlobalMaxPool1D
    minigluon.ndarray.Pooling : The op it runs.

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> gluon.nn.MaxPool1D(2)(nd.array([[[1, 5, 2, 3]]]))
    <BLANKLINE>
    [[[5. 3.]]]
    <NDArray 1x1x2 @cpu(0)>
    """

    def __init__(self, pool_size: Any = 2, strides: Any = None, padding: Any = 0,
                 layout: str = "NCW", ceil_mode: bool = False, **kwargs: Any) -> None:
        _check_layout(layout, ("NCW", "NWC"), "MaxPool1D")
        pool_size = _tuple(pool_size, 1, "pool_size", "MaxPool1D")
        super().__init__(pool_size, strides, padding, ceil_mode, False, "max", layout,
                         **kwargs)


class MaxPool2D(_Pooling):
    """Max pooling over ``(N, C, H, W)``: ``out = floor((H + 2p - k) / s) + 1`` per axis.
    {params}
    See Also
    --------
    MaxPool1D, MaxPool3D, AvgPool2D, GlobalMaxPool2D, Conv2D
    minigluon.ndarray.Pooling : The op it runs.

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> pool = gluon.nn.MaxPool2D(2)
    >>> pool
    MaxPool2D(size=(2, 2), stride=(2, 2), padding=(0, 0), ceil_mode=False, global_pool=False, pool_type=max, layout=NCHW)
    >>> pool(nd.arange(16).reshape((1, 1, 4, 4)))
    <BLANKLINE>
    [[[[ 5.  7.]
       [13. 15.]]]]
    <NDArray 1x1x2x2 @cpu(0)>
    >>> gluon.nn.MaxPool2D(2, ceil_mode=True)(nd.ones((1, 1, 5, 5))).shape
    (1, 1, 3, 3)
    """  # noqa: E501

    def __init__(self, pool_size: Any = (2, 2), strides: Any = None, padding: Any = 0,
                 layout: str = "NCHW", ceil_mode: bool = False, **kwargs: Any) -> None:
        _check_layout(layout, ("NCHW", "NHWC"), "MaxPool2D")
        pool_size = _tuple(pool_size, 2, "pool_size", "MaxPool2D")
        super().__init__(pool_size, strides, padding, ceil_mode, False, "max", layout,
                         **kwargs)


class MaxPool3D(_Pooling):
    """Max pooling over ``(N, C, D, H, W)``.
    {params}
    See Also
    --------
    MaxPool2D, AvgPool3D, GlobalMaxPool3D
    minigluon.ndarray.Pooling : The op it runs.

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> gluon.nn.MaxPool3D(2)(nd.ones((1, 1, 4, 4, 4))).shape
    (1, 1, 2, 2, 2)
    """

    def __init__(self, pool_size: Any = (2, 2, 2), strides: Any = None, padding: Any = 0,
                 ceil_mode: bool = False, layout: str = "NCDHW", **kwargs: Any) -> None:
        _check_layout(layout, ("NCDHW", "NDHWC"), "MaxPool3D")
        pool_size = _tuple(pool_size, 3, "pool_size", "MaxPool3D")
        super().__init__(pool_size, strides, padding, ceil_mode, False, "max", layout,
                         **kwargs)


class AvgPool1D(_Pooling):
    """Average pooling over ``(N, C, W)``.
    {params}
    See Also
    --------
    AvgPool2D, MaxPool1D, GlobalAvgPool1D
    minigluon.ndarray.Pooling : The op it runs.

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> gluon.nn.AvgPool1D(2)(nd.array([[[1, 5, 2, 4]]]))
    <BLANKLINE>
    [[[3. 3.]]]
    <NDArray 1x1x2 @cpu(0)>
    """

    def __init__(self, pool_size: Any = 2, strides: Any = None, padding: Any = 0,
                 layout: str = "NCW", ceil_mode: bool = False, count_include_pad: bool = True,
                 **kwargs: Any) -> None:
        _check_layout(layout, ("NCW", "NWC"), "AvgPool1D")
        pool_size = _tuple(pool_size, 1, "pool_size", "AvgPool1D")
        super().__init__(pool_size, strides, padding, ceil_mode, False, "avg", layout,
                         count_include_pad, **kwargs)


class AvgPool2D(_Pooling):
    """Average pooling over ``(N, C, H, W)``.
    {params}
    See Also
    --------
    AvgPool1D, AvgPool3D, MaxPool2D, GlobalAvgPool2D
    minigluon.ndarray.Pooling : The op it runs.

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> gluon.nn.AvgPool2D(2)(nd.arange(16).reshape((1, 1, 4, 4)))
    <BLANKLINE>
    [[[[ 2.5  4.5]
       [10.5 12.5]]]]
    <NDArray 1x1x2x2 @cpu(0)>
    >>> x = nd.ones((1, 1, 2, 2))
    >>> gluon.nn.AvgPool2D(2, padding=1, count_include_pad=False)(x)[0, 0, 0, 0]
    <BLANKLINE>
    [1.]
    <NDArray 1 @cpu(0)>
    """

    def __init__(self, pool_size: Any = (2, 2), strides: Any = None, padding: Any = 0,
                 ceil_mode: bool = False, layout: str = "NCHW", count_include_pad: bool = True,
                 **kwargs: Any) -> None:
        _check_layout(layout, ("NCHW", "NHWC"), "AvgPool2D")
        pool_size = _tuple(pool_size, 2, "pool_size", "AvgPool2D")
        super().__init__(pool_size, strides, padding, ceil_mode, False, "avg", layout,
                         count_include_pad, **kwargs)


class AvgPool3D(_Pooling):
    """Average pooling over ``(N, C, D, H, W)``.
    {params}
    See Also
    --------
    AvgPool2D, MaxPool3D, GlobalAvgPool3D
    minigluon.ndarray.Pooling : The op it runs.

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> gluon.nn.AvgPool3D(2)(nd.ones((1, 1, 2, 4, 4))).shape
    (1, 1, 1, 2, 2)
    """

    def __init__(self, pool_size: Any = (2, 2, 2), strides: Any = None, padding: Any = 0,
                 ceil_mode: bool = False, layout: str = "NCDHW", count_include_pad: bool = True,
                 **kwargs: Any) -> None:
        _check_layout(layout, ("NCDHW", "NDHWC"), "AvgPool3D")
        pool_size = _tuple(pool_size, 3, "pool_size", "AvgPool3D")
        super().__init__(pool_size, strides, padding, ceil_mode, False, "avg", layout,
                         count_include_pad, **kwargs)


for _cls, _n, _default, _layout in [
        (MaxPool1D, 1, "2", "NCW"), (MaxPool2D, 2, "(2, 2)", "NCHW"),
        (MaxPool3D, 3, "(2, 2, 2)", "NCDHW"), (AvgPool1D, 1, "2", "NCW"),
        (AvgPool2D, 2, "(2, 2)", "NCHW"), (AvgPool3D, 3, "(2, 2, 2)", "NCDHW")]:
    _extra = _COUNT_PAD if _cls.__name__.startswith("Avg") else ""
    _cls.__doc__ = _cls.__doc__.replace("{params}", _POOL_DOC.format(
        n=_n, default=_default, layout=_layout, extra=_extra).rstrip() + "\n")


class GlobalMaxPool1D(_Pooling):
    """Maximum over all spatial positions of each channel: output ``(N, C, 1)``.

    Parameters
    ----------
    layout : str, default 'NCW'
        Dimension order of the input: channels first (the default) or channels last.

    See Also
    --------
    GlobalAvgPool1D, MaxPool1D, GlobalMaxPool2D
    minigluon.ndarray.Pooling : The op it runs (``global_pool=True``).

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> gluon.nn.GlobalMaxPool1D()(nd.ones((2, 3, 4))).shape
    (2, 3, 1)
    """

    def __init__(self, layout: str = "NCW", **kwargs: Any) -> None:
        _check_layout(layout, ("NCW", "NWC"), "GlobalMaxPool1D")
        super().__init__((1,), None, 0, True, True, "max", layout, **kwargs)


class GlobalMaxPool2D(_Pooling):
    """Maximum over all spatial positions of each channel: output ``(N, C, 1, 1)``.

    Parameters
    ----------
    layout : str, default 'NCHW'
        Dimension order of the input: channels first (the default) or channels last.

    See Also
    --------
    GlobalAvgPool2D, MaxPool2D, GlobalMaxPool1D, GlobalMaxPool3D
    minigluon.ndarray.Pooling : The op it runs (``global_pool=True``).

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> gluon.nn.GlobalMaxPool2D()(nd.ones((2, 3, 4, 4))).shape
    (2, 3, 1, 1)
    """

    def __init__(self, layout: str = "NCHW", **kwargs: Any) -> None:
        _check_layout(layout, ("NCHW", "NHWC"), "GlobalMaxPool2D")
        super().__init__((1, 1), None, 0, True, True, "max", layout, **kwargs)


class GlobalMaxPool3D(_Pooling):
    """Maximum over all spatial positions of each channel: output ``(N, C, 1, 1, 1)``.

    Parameters
    ----------
    layout : str, default 'NCDHW'
        Dimension order of the input: channels first (the default) or channels last.

    See Also
    --------
    GlobalAvgPool3D, MaxPool3D, GlobalMaxPool2D
    minigluon.ndarray.Pooling : The op it runs (``global_pool=True``).

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> gluon.nn.GlobalMaxPool3D()(nd.ones((2, 3, 4, 4, 4))).shape
    (2, 3, 1, 1, 1)
    """

    def __init__(self, layout: str = "NCDHW", **kwargs: Any) -> None:
        _check_layout(layout, ("NCDHW", "NDHWC"), "GlobalMaxPool3D")
        super().__init__((1, 1, 1), None, 0, True, True, "max", layout, **kwargs)


class GlobalAvgPool1D(_Pooling):
    """Average over all spatial positions of each channel: output ``(N, C, 1)``.

    Parameters
    ----------
    layout : str, default 'NCW'
        Dimension order of the input: channels first (the default) or channels last.

    See Also
    --------
    GlobalMaxPool1D, AvgPool1D, GlobalAvgPool2D
    minigluon.ndarray.Pooling : The op it runs (``global_pool=True``).

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> gluon.nn.GlobalAvgPool1D()(nd.ones((2, 3, 4))).shape
    (2, 3, 1)
    """

    def __init__(self, layout: str = "NCW", **kwargs: Any) -> None:
        _check_layout(layout, ("NCW", "NWC"), "GlobalAvgPool1D")
        super().__init__((1,), None, 0, True, True, "avg", layout, **kwargs)


class GlobalAvgPool2D(_Pooling):
    """Average over all spatial positions of each channel: output ``(N, C, 1, 1)``.

    Parameters
    ----------
    layout : str, default 'NCHW'
        Dimension order of the input: channels first (the default) or channels last.

    See Also
    --------
    GlobalMaxPool2D, AvgPool2D, GlobalAvgPool1D, GlobalAvgPool3D, Flatten
    minigluon.ndarray.Pooling : The op it runs (``global_pool=True``).

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> gluon.nn.GlobalAvgPool2D()(nd.ones((2, 3, 4, 4))).shape
    (2, 3, 1, 1)
    """

    def __init__(self, layout: str = "NCHW", **kwargs: Any) -> None:
        _check_layout(layout, ("NCHW", "NHWC"), "GlobalAvgPool2D")
        super().__init__((1, 1), None, 0, True, True, "avg", layout, **kwargs)


class GlobalAvgPool3D(_Pooling):
    """Average over all spatial positions of each channel: output ``(N, C, 1, 1, 1)``.

    Parameters
    ----------
    layout : str, default 'NCDHW'
        Dimension order of the input: channels first (the default) or channels last.

    See Also
    --------
    GlobalMaxPool3D, AvgPool3D, GlobalAvgPool2D
    minigluon.ndarray.Pooling : The op it runs (``global_pool=True``).

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> gluon.nn.GlobalAvgPool3D()(nd.ones((2, 3, 4, 4, 4))).shape
    (2, 3, 1, 1, 1)
    """

    def __init__(self, layout: str = "NCDHW", **kwargs: Any) -> None:
        _check_layout(layout, ("NCDHW", "NDHWC"), "GlobalAvgPool3D")
        super().__init__((1, 1, 1), None, 0, True, True, "avg", layout, **kwargs)


class ReflectionPad2D(HybridBlock):
    """Pad the two spatial axes of NCHW data by reflecting it at the borders.

    Reflection does not repeat the border row: ``[1, 2, 3]`` padded by 2 on the left reads
    ``[3, 2, 1, 2, 3]``. Each padding must be smaller than the padded axis.

    Parameters
    ----------
    padding : int or tuple of 8 ints, default 0
        An int pads the left, right, top and bottom by that amount; 8 ints are the
        ``(before, after)`` pairs of the four axes as in :func:`minigluon.ndarray.pad`
        (the pairs of N and C must be 0).

    See Also
    --------
    minigluon.ndarray.pad : The op it runs (``mode='reflect'``).
    Conv2D

    Examples
    --------
    >>> from minigluon import gluon, nd
    >>> pad = gluon.nn.ReflectionPad2D(1)
    >>> pad(nd.array([[[[1, 2, 3], [4, 5, 6]]]]))
    <BLANKLINE>
    [[[[5. 4. 5. 6. 5.]
       [2. 1. 2. 3. 2.]
       [5. 4. 5. 6. 5.]
       [2. 1. 2. 3. 2.]]]]
    <NDArray 1x1x4x5 @cpu(0)>
    """

    def __init__(self, padding: Any = 0, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if isinstance(padding, numeric_types):
            padding = (0, 0, 0, 0, int(padding), int(padding), int(padding), int(padding))
        padding = tuple(padding)
        if len(padding) != 8:
            raise ValueError(f"ReflectionPad2D: padding must be an int or 8 ints (before/after "
                             f"for N, C, H, W), got {padding}")
        self._padding = padding

    def hybrid_forward(self, F: Any, x: Any) -> Any:
        """``F.pad(x, mode='reflect', pad_width=padding)``.

        See Also
        --------
        minigluon.ndarray.pad, minigluon.gluon.HybridBlock.hybrid_forward

        Examples
        --------
        >>> from minigluon import gluon, nd
        >>> gluon.nn.ReflectionPad2D(1).hybrid_forward(nd, nd.ones((1, 1, 2, 2))).shape
        (1, 1, 4, 4)
        """
        return F.pad(x, mode="reflect", pad_width=self._padding, name="fwd")
