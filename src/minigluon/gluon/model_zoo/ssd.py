"""Single-shot detectors: the Toy SSD of the Gluon tutorial, a hybridizable TinySSD, and
a FeatureExpander that turns a backbone into a feature pyramid.

The Toy SSD is written exactly as straight-dope's "Object detection using convolutional
neural networks" builds it: module-level helpers (``class_predictor``, ``box_predictor``,
``down_sample``, ``flatten_prediction``, ``concat_predictions``, ``body``, ``toy_ssd_model``,
``toy_ssd_forward``) and a plain :class:`~minigluon.gluon.Block` whose ``forward`` calls ``nd``
operators and ``MultiBoxPrior`` from ``contrib.ndarray``, with plain ``Sequential`` containers
used as lists. Calling ``hybridize()`` on it compiles its HybridBlock children one by one.

:class:`TinySSD` is the same network written once with ``F.*`` (the d2l rewrite of the
tutorial), so the whole detector, anchors included, compiles into one graph. The anchors are
made by ``F.contrib.MultiBoxPrior`` on each feature map inside the graph: no Python code
reads a shape, the trace is valid for every input size, and the anchors always match the
feature maps the predictions come from (gluon-cv instead stores precomputed anchors for a
maximum size as a Constant and crops them with ``slice_like``; here the op is cheap and a
Constant would tie the saved parameters to one input size).

:func:`training_targets`, :class:`FocalLoss` and :class:`SmoothL1Loss` are the tutorial's
training pieces.

See Also
--------
TinySSD, ToySSD, training_targets
minigluon.ndarray.contrib : The MultiBox ops.
minigluon.metric.VOCMApMetric
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ... import initializer
from ... import ndarray as nd
from ... import symbol as sym
from ...base import MXNetError
from ...contrib.ndarray import MultiBoxPrior, MultiBoxTarget
from .. import nn
from ..block import Block, HybridBlock
from ..features import block_outputs
from ..loss import Loss
from ..symbol_block import SymbolBlock
from .vision import get_model

__all__ = [
    "class_predictor", "box_predictor", "down_sample", "flatten_prediction",
    "concat_predictions", "body", "toy_ssd_model", "toy_ssd_forward", "ToySSD", "TinySSD",
    "FeatureExpander", "training_targets", "FocalLoss", "SmoothL1Loss",
]

#: The tutorial's anchor sizes: two per scale, growing from 0.2 to 0.961 of the image.
ANCHOR_SIZES = [[.2, .272], [.37, .447], [.54, .619], [.71, .79], [.88, .961]]
#: The tutorial's anchor aspect ratios: the same three at every scale.
ANCHOR_RATIOS = [[1, 2, .5]] * 5


# -- the tutorial's building blocks ----------------------------------------------------------
def class_predictor(num_anchors: int, num_classes: int) -> nn.Conv2D:
    """A 3x3 convolution scoring every anchor at every position: ``num_classes + 1`` scores each.

    Output channel ``i * (num_classes + 1) + j`` is the score of class ``j`` (0 is the
    background) for anchor ``i``; height and width are kept (padding 1).

    Parameters
    ----------
    num_anchors : int
        Anchors per position.
    num_classes : int
        Object classes, not counting the background.

    Returns
    -------
    Conv2D
        ``Conv2D(num_anchors * (num_classes + 1), 3, padding=1)``.

    See Also
    --------
    box_predictor, flatten_prediction
    minigluon.gluon.nn.Conv2D

    Examples
    --------
    >>> from minigluon import nd
    >>> from minigluon.gluon.model_zoo.ssd import class_predictor
    >>> cls_pred = class_predictor(5, 10)
    >>> cls_pred.initialize()
    >>> cls_pred(nd.zeros((2, 3, 20, 20))).shape
    (2, 55, 20, 20)
    """
    return nn.Conv2D(num_anchors * (num_classes + 1), 3, padding=1)


def box_predictor(num_anchors: int) -> nn.Conv2D:
    """A 3x3 convolution predicting 4 box offsets for every anchor at every position.

    Parameters
    ----------
    num_anchors : int
        Anchors per position.

    Returns
    -------
    Conv2D
        ``Conv2D(num_anchors * 4, 3, padding=1)``.

    See Also
    --------
    class_predictor, flatten_prediction
    minigluon.ndarray.contrib.MultiBoxPrior : The anchors the offsets apply to.

    Examples
    --------
    >>> from minigluon import nd
    >>> from minigluon.gluon.model_zoo.ssd import box_predictor
    >>> box_pred = box_predictor(10)
    >>> box_pred.initialize()
    >>> box_pred(nd.zeros((2, 3, 20, 20))).shape
    (2, 40, 20, 20)
    """
    return nn.Conv2D(num_anchors * 4, 3, padding=1)


def down_sample(num_filters: int) -> nn.HybridSequential:
    """Two (3x3 conv, BatchNorm, ReLU) stages and a 2x2 max pooling: halves height and width.

    Parameters
    ----------
    num_filters : int
        Output channels of both convolutions.

    Returns
    -------
    HybridSequential

    See Also
    --------
    body, minigluon.gluon.nn.MaxPool2D, minigluon.gluon.nn.BatchNorm

    Examples
    --------
    >>> from minigluon import nd
    >>> from minigluon.gluon.model_zoo.ssd import down_sample
    >>> blk = down_sample(10)
    >>> blk.initialize()
    >>> blk(nd.zeros((2, 3, 20, 20))).shape
    (2, 10, 10, 10)
    """
    out = nn.HybridSequential()
    for _ in range(2):
        out.add(nn.Conv2D(num_filters, 3, strides=1, padding=1))
        out.add(nn.BatchNorm(in_channels=num_filters))
        out.add(nn.Activation("relu"))
    out.add(nn.MaxPool2D(2))
    return out


def flatten_prediction(pred: Any) -> Any:
    """``(N, C, H, W)`` predictions to ``(N, H * W * C)``, channels last (anchor-major order).

    The transpose puts the values of one position (all its anchors) next to each other, the
    layout ``MultiBoxPrior`` and ``MultiBoxTarget`` use.

    Parameters
    ----------
    pred : NDArray
        A predictor's output, of shape ``(N, C, H, W)``.

    See Also
    --------
    concat_predictions, class_predictor, box_predictor

    Examples
    --------
    >>> from minigluon import nd
    >>> from minigluon.gluon.model_zoo.ssd import flatten_prediction
    >>> flatten_prediction(nd.zeros((2, 55, 20, 20))).shape
    (2, 22000)
    """
    return nd.flatten(nd.transpose(pred, axes=(0, 2, 3, 1)))


def concat_predictions(preds: Sequence[Any]) -> Any:
    """Join flattened predictions of several scales along axis 1.

    Parameters
    ----------
    preds : sequence of NDArray
        Flattened predictions ``(N, k_i)``, one per scale; all have the same ``N``.

    See Also
    --------
    flatten_prediction, minigluon.ndarray.concat

    Examples
    --------
    >>> from minigluon import nd
    >>> from minigluon.gluon.model_zoo.ssd import concat_predictions
    >>> concat_predictions([nd.zeros((2, 22000)), nd.zeros((2, 3300))]).shape
    (2, 25300)
    """
    return nd.concat(*preds, dim=1)


def body() -> nn.HybridSequential:
    """The feature extractor: ``down_sample(16)``, ``(32)``, ``(64)``; 1/8 of the input size.

    See Also
    --------
    down_sample, toy_ssd_model
    FeatureExpander : A body from another network's internal outputs.

    Examples
    --------
    >>> from minigluon import nd
    >>> from minigluon.gluon.model_zoo.ssd import body
    >>> bnet = body()
    >>> bnet.initialize()
    >>> bnet(nd.zeros((2, 3, 256, 256))).shape
    (2, 64, 32, 32)
    """
    out = nn.HybridSequential()
    for nfilters in [16, 32, 64]:
        out.add(down_sample(nfilters))
    return out


def toy_ssd_model(num_anchors: int, num_classes: int) -> tuple[Any, Any, Any, Any]:
    """The Toy SSD's modules: ``(body(), downsamples, class_preds, box_preds)``.

    ``downsamples`` holds three ``down_sample(128)``; ``class_preds`` and ``box_preds`` hold
    one predictor per scale (five). All three are plain ``nn.Sequential`` used as lists.

    Parameters
    ----------
    num_anchors : int
        Anchors per position.
    num_classes : int
        Object classes (without the background).

    See Also
    --------
    toy_ssd_forward, ToySSD

    Examples
    --------
    >>> from minigluon.gluon.model_zoo.ssd import toy_ssd_model
    >>> body, downsamples, class_preds, box_preds = toy_ssd_model(4, 2)
    >>> len(downsamples), len(class_preds), len(box_preds)
    (3, 5, 5)
    >>> class_preds[0]
    Conv2D(None -> 12, kernel_size=(3, 3), stride=(1, 1), padding=(1, 1))
    """
    downsamples = nn.Sequential()
    class_preds = nn.Sequential()
    box_preds = nn.Sequential()

    downsamples.add(down_sample(128))
    downsamples.add(down_sample(128))
    downsamples.add(down_sample(128))

    for _ in range(5):
        class_preds.add(class_predictor(num_anchors, num_classes))
        box_preds.add(box_predictor(num_anchors))

    return body(), downsamples, class_preds, box_preds


def toy_ssd_forward(x: Any, body: Any, downsamples: Any, class_preds: Any, box_preds: Any,
                    sizes: Sequence[Sequence[float]], ratios: Sequence[Sequence[float]]
                    ) -> tuple[list, list, list]:
    """Run the Toy SSD over five scales; lists of anchors, class and box predictions per scale.

    The body's features are scale 0; scales 1-3 come from ``downsamples``; scale 4 is a
    global max pooling (``nd.Pooling(global_pool=True)``). Each scale contributes
    ``MultiBoxPrior`` anchors and flattened predictions.

    Parameters
    ----------
    x : NDArray
        Images ``(N, 3, H, W)``.
    body, downsamples, class_preds, box_preds
        The modules of :func:`toy_ssd_model`.
    sizes, ratios : list of list of float
        Anchor sizes and ratios of each scale.

    Returns
    -------
    (default_anchors, predicted_classes, predicted_boxes)
        Lists with one array per scale.

    See Also
    --------
    toy_ssd_model, ToySSD.forward
    minigluon.ndarray.contrib.MultiBoxPrior

    Examples
    --------
    >>> from minigluon import nd
    >>> from minigluon.gluon.model_zoo import ssd
    >>> modules = ssd.toy_ssd_model(4, 2)
    >>> for m in modules:
    ...     m.initialize()
    >>> anchors, classes, boxes = ssd.toy_ssd_forward(nd.zeros((1, 3, 64, 64)), *modules,
    ...                                               ssd.ANCHOR_SIZES, ssd.ANCHOR_RATIOS)
    >>> [a.shape[1] for a in anchors]     # 8x8, 4x4, 2x2, 1x1, 1x1 maps, 4 anchors each
    [256, 64, 16, 4, 4]
    """
    # extract feature with the body network
    x = body(x)

    # for each scale, add anchors, box and class predictions,
    # then compute the input to next scale
    default_anchors = []
    predicted_boxes = []
    predicted_classes = []

    for i in range(5):
        default_anchors.append(MultiBoxPrior(x, sizes=sizes[i], ratios=ratios[i]))
        predicted_boxes.append(flatten_prediction(box_preds[i](x)))
        predicted_classes.append(flatten_prediction(class_preds[i](x)))
        if i < 3:
            x = downsamples[i](x)
        elif i == 3:
            # simply use the pooling layer
            x = nd.Pooling(x, global_pool=True, pool_type="max", kernel=(4, 4))

    return default_anchors, predicted_classes, predicted_boxes


class ToySSD(Block):
    """The Toy SSD of the Gluon tutorial: a plain Block over the tutorial's modules.

    Five scales with 4 anchors per position (two sizes, ratios 1, 2 and 1/2). For a
    256x256 input the feature maps are 32, 16, 8, 4 and 1 pixels wide:
    ``(32² + 16² + 8² + 4² + 1) * 4 = 5444`` anchors.

    Parameters
    ----------
    num_classes : int
        Object classes (without the background).

    Returns
    -------
    (anchors, class_preds, box_preds)
        From ``net(x)``: anchors ``(1, A, 4)``, class scores ``(N, A, num_classes + 1)``,
        box offsets ``(N, 4 * A)``.

    See Also
    --------
    TinySSD : The same network as one HybridBlock.
    toy_ssd_model, training_targets

    Examples
    --------
    >>> from minigluon import nd
    >>> from minigluon.gluon.model_zoo.ssd import ToySSD
    >>> net = ToySSD(2)
    >>> net.initialize()
    >>> anchors, class_preds, box_preds = net(nd.zeros((1, 3, 256, 256)))
    >>> anchors.shape, class_preds.shape, box_preds.shape
    ((1, 5444, 4), (1, 5444, 3), (1, 21776))
    """

    def __init__(self, num_classes: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        # anchor box sizes and ratios for 5 feature scales
        self.anchor_sizes = [[.2, .272], [.37, .447], [.54, .619], [.71, .79], [.88, .961]]
        self.anchor_ratios = [[1, 2, .5]] * 5
        self.num_classes = num_classes

        with self.name_scope():
            self.body, self.downsamples, self.class_preds, self.box_preds = toy_ssd_model(
                4, num_classes)

    def forward(self, x: Any) -> tuple[Any, Any, Any]:
        """``(anchors, class_preds, box_preds)`` of all scales, concatenated.

        See Also
        --------
        toy_ssd_forward, TinySSD.hybrid_forward

        Examples
        --------
        >>> from minigluon import nd
        >>> from minigluon.gluon.model_zoo.ssd import ToySSD
        >>> net = ToySSD(1); net.initialize()
        >>> [y.shape for y in net.forward(nd.zeros((2, 3, 64, 64)))]
        [(1, 344, 4), (2, 344, 2), (2, 1376)]
        """
        default_anchors, predicted_classes, predicted_boxes = toy_ssd_forward(
            x, self.body, self.downsamples, self.class_preds, self.box_preds,
            self.anchor_sizes, self.anchor_ratios)
        # concatenate anchors, class predictions and box predictions of all scales
        anchors = concat_predictions(default_anchors)
        box_preds = concat_predictions(predicted_boxes)
        class_preds = concat_predictions(predicted_classes)
        # class predictions reshaped for the softmax over classes
        class_preds = nd.reshape(class_preds, shape=(0, -1, self.num_classes + 1))
        return anchors, class_preds, box_preds


class TinySSD(HybridBlock):
    """The Toy SSD as one HybridBlock (``F.*`` only): ``hybridize()`` compiles all of it.

    Scale 0 is a base network of ``down_sample(f)`` for ``f`` in ``base_filters``; scales
    1 to ``len(sizes) - 2`` are ``down_sample(num_filters)``; the last is a global max
    pooling. Each scale has a class and a box predictor and ``F.contrib.MultiBoxPrior``
    anchors computed inside the graph from its feature map, so the compiled graph serves any
    input size. With the defaults it is the tutorial's network (the d2l "TinySSD").

    Parameters
    ----------
    num_classes : int
        Object classes (without the background).
    sizes : list of list of float, default ANCHOR_SIZES
        Anchor sizes per scale (the number of scales is ``len(sizes)``, at least 2).
    ratios : list of list of float, default ANCHOR_RATIOS
        Anchor aspect ratios per scale.
    base_filters : tuple of int, default (16, 32, 64)
        Channels of the base network's stages (each halves the size).
    num_filters : int, default 128
        Channels of the extra down-sampling scales.
    **kwargs
        ``prefix``, ``params``.

    Returns
    -------
    (anchors, class_preds, box_preds)
        From ``net(x)``, as for :class:`ToySSD`.

    See Also
    --------
    ToySSD : The tutorial's plain-Block version.
    training_targets, FocalLoss, SmoothL1Loss
    minigluon.ndarray.contrib.MultiBoxDetection : Turn predictions into boxes.
    minigluon.gluon.data.vision.SyntheticDetection

    Examples
    --------
    >>> from minigluon import nd
    >>> from minigluon.gluon.model_zoo.ssd import TinySSD
    >>> net = TinySSD(num_classes=2)
    >>> net.initialize()
    >>> x = nd.zeros((1, 3, 256, 256))
    >>> [y.shape for y in net(x)]
    [(1, 5444, 4), (1, 5444, 3), (1, 21776)]
    >>> net.hybridize()
    >>> [y.shape for y in net(x)]
    [(1, 5444, 4), (1, 5444, 3), (1, 21776)]
    """

    def __init__(self, num_classes: int, sizes: Sequence[Sequence[float]] | None = None,
                 ratios: Sequence[Sequence[float]] | None = None,
                 base_filters: Sequence[int] = (16, 32, 64), num_filters: int = 128,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        sizes = [list(s) for s in (ANCHOR_SIZES if sizes is None else sizes)]
        ratios = [list(r) for r in (ANCHOR_RATIOS if ratios is None else ratios)]
        if len(sizes) < 2 or len(sizes) != len(ratios):
            raise ValueError(f"TinySSD: need the same number (>= 2) of anchor sizes and ratios "
                             f"per scale, got {len(sizes)} sizes and {len(ratios)} ratios")
        self.num_classes = num_classes
        self.sizes, self.ratios = sizes, ratios
        self.num_scales = len(sizes)
        with self.name_scope():
            for i in range(self.num_scales):
                num_anchors = len(sizes[i]) + len(ratios[i]) - 1
                setattr(self, f"blk_{i}", self._make_block(i, base_filters, num_filters))
                setattr(self, f"cls_{i}", class_predictor(num_anchors, num_classes))
                setattr(self, f"bbox_{i}", box_predictor(num_anchors))

    def _make_block(self, i: int, base_filters: Sequence[int], num_filters: int) -> HybridBlock:
        if i == 0:
            base = nn.HybridSequential()
            for f in base_filters:
                base.add(down_sample(f))
            return base
        if i == self.num_scales - 1:
            return nn.GlobalMaxPool2D()
        return down_sample(num_filters)

    def hybrid_forward(self, F: Any, x: Any) -> tuple[Any, Any, Any]:
        """Features, anchors and predictions at every scale, concatenated.

        See Also
        --------
        ToySSD.forward, minigluon.ndarray.contrib.MultiBoxPrior
        minigluon.gluon.HybridBlock.hybrid_forward

        Examples
        --------
        >>> from minigluon import nd
        >>> from minigluon.gluon.model_zoo.ssd import TinySSD
        >>> net = TinySSD(3, base_filters=(8, 16, 32), num_filters=32); net.initialize()
        >>> [y.shape for y in net.hybrid_forward(nd, nd.zeros((1, 3, 64, 64)))]
        [(1, 344, 4), (1, 344, 4), (1, 1376)]
        """
        anchors, class_preds, box_preds = [], [], []
        for i in range(self.num_scales):
            x = getattr(self, f"blk_{i}")(x)
            anchors.append(F.contrib.MultiBoxPrior(x, sizes=self.sizes[i],
                                                   ratios=self.ratios[i]))
            class_preds.append(F.flatten(F.transpose(getattr(self, f"cls_{i}")(x),
                                                     axes=(0, 2, 3, 1))))
            box_preds.append(F.flatten(F.transpose(getattr(self, f"bbox_{i}")(x),
                                                   axes=(0, 2, 3, 1))))
        anchors = F.concat(*anchors, dim=1)
        class_preds = F.reshape(F.concat(*class_preds, dim=1),
                                shape=(0, -1, self.num_classes + 1))
        box_preds = F.concat(*box_preds, dim=1)
        return anchors, class_preds, box_preds


# -- FeatureExpander -------------------------------------------------------------------------
def _backbone_outputs(network: Any, outputs: Sequence[str], inputs: Sequence[str]
                      ) -> tuple[list, list, Any]:
    """(input variables, output Symbols, shared ParameterDict) of a backbone."""
    if isinstance(network, str):
        network = get_model(network)
    params = None
    paths: dict[str, Any] = {}
    prefix = ""
    if isinstance(network, HybridBlock):
        if list(inputs) != ["data"]:
            raise MXNetError(f"FeatureExpander: a HybridBlock backbone takes one input named "
                             f"'data', got inputs={list(inputs)}")
        data, paths = block_outputs(network)
        in_vars = [data]
        params = network.collect_params()
        prefix = network.prefix
        network = paths[""]
    elif isinstance(network, sym.Symbol):
        in_vars = [sym.var(n) for n in inputs]
    else:
        raise TypeError(f"FeatureExpander: network must be a HybridBlock, a Symbol or a model "
                        f"name, got {type(network).__name__}")
    internals = network.get_internals()
    names = internals.list_outputs()
    found = []
    for out in outputs:
        if out in paths:  # a block path, as for gluon.utils.create_feature_extractor
            found.append(paths[out])
            continue
        name = out if out.endswith("_output") else out + "_output"
        full = next((n for n in (prefix + name, name) if n in names), None)
        if full is None:
            raise MXNetError(f"FeatureExpander: no output named {out!r} in the network. Use a "
                             f"block path ({[p for p in paths if p]}) or an internal output "
                             f"name (e.g. {[n for n in names if n.endswith('_fwd_output')][:8]}"
                             " ...)")
        found.append(internals[full])
    return in_vars, found, params


class FeatureExpander(SymbolBlock):
    """A backbone's chosen internal outputs plus extra stride-2 stages: a feature pyramid.

    The gluon-cv block SSD models are built on. The backbone is turned into a Symbol, the
    outputs named in ``outputs`` are taken from it, and for each ``f`` in ``num_filters`` a
    stage halving the last map is appended: an optional 1x1 transition convolution
    (``max(min_depth, round(f * reduce_ratio))`` channels), then a 3x3 stride-2 convolution
    with ``f`` channels, each followed by BatchNorm (if ``use_bn``) and ReLU. The result is a
    SymbolBlock returning every chosen output and every new stage (and a global average
    pooling of the last one if ``global_pool``), sharing the backbone's Parameters: training
    the expander trains the backbone. New convolutions are initialized with
    ``Xavier(rnd_type='gaussian', factor_type='out', magnitude=2)``.

    Parameters
    ----------
    network : HybridBlock, Symbol or str
        The backbone (a name is looked up in ``model_zoo.vision``).
    outputs : str or list of str
        Block paths of the backbone (``'1'``, ``'features.3'``: see
        ``gluon.utils.get_graph_node_names``) or internal output names as gluon-cv takes
        them (``'stage3_activation5'``: the backbone's prefix and ``'_output'`` are added).
    num_filters : list of int
        Channels of each appended stage.
    use_1x1_transition : bool, default True
        Put a 1x1 convolution before each new stage's 3x3 stride-2 convolution.
    use_bn : bool, default True
        BatchNorm (with a learned scale, as ``nn.BatchNorm``) after each new convolution;
        the convolutions then have no bias.
    reduce_ratio : float, default 1.0
        Scales the channels of the 1x1 transition convolutions.
    min_depth : int, default 128
        Channels of the transition convolutions: ``max(min_depth, round(f * reduce_ratio))``.
    global_pool : bool, default False
        Add a last feature map made by global average pooling.
    pretrained : bool, default False
        Not available (nothing is downloaded).
    ctx : Context, optional
        Accepted for compatibility.
    inputs : tuple of str, default ('data',)
        Names of the backbone's input variables.
    prefix : str, default ``'expand_'``
        Name prefix of the new layers' Parameters (``expand_conv0_weight``, as in gluon-cv);
        give each expander of one model its own.

    See Also
    --------
    body, minigluon.gluon.SymbolBlock
    minigluon.symbol.Symbol.get_internals

    Examples
    --------
    >>> import minigluon as mx
    >>> from minigluon import gluon, nd
    >>> from minigluon.gluon.model_zoo.ssd import FeatureExpander, down_sample
    >>> backbone = gluon.nn.HybridSequential()
    >>> backbone.add(down_sample(8), down_sample(16), down_sample(32))
    >>> features = FeatureExpander(backbone, ['1', '2'], num_filters=[32, 32], min_depth=16)
    >>> features.initialize(mx.init.Xavier())
    >>> [f.shape for f in features(nd.zeros((1, 3, 64, 64)))]
    [(1, 16, 16, 16), (1, 32, 8, 8), (1, 32, 4, 4), (1, 32, 2, 2)]
    >>> backbone[0][0].weight.name in features.collect_params()   # shared
    True
    """

    def __init__(self, network: Any, outputs: str | Sequence[str], num_filters: Sequence[int],
                 use_1x1_transition: bool = True, use_bn: bool = True,
                 reduce_ratio: float = 1.0, min_depth: int = 128, global_pool: bool = False,
                 pretrained: bool = False, ctx: Any = None, inputs: Sequence[str] = ("data",),
                 prefix: str = "expand_") -> None:
        if pretrained:
            raise ValueError("FeatureExpander: pretrained weights are not available (nothing "
                             "is downloaded); train the network or load_parameters() a file")
        outputs = [outputs] if isinstance(outputs, str) else list(outputs)
        if not outputs:
            raise ValueError("FeatureExpander: at least one output must be specified")
        in_vars, feats, params = _backbone_outputs(network, outputs, inputs)
        y = feats[-1]
        new_weights, new_bn = [], []

        def conv(y: Any, name: str, channels: int, kernel: int, stride: int, pad: int) -> Any:
            weight = sym.var(f"{name}_weight")
            bias = None if use_bn else sym.var(f"{name}_bias")
            new_weights.append(f"{name}_weight")
            return sym.Convolution(y, weight, bias, num_filter=channels, kernel=(kernel, kernel),
                                   stride=(stride, stride), pad=(pad, pad), no_bias=use_bn,
                                   name=name)

        def bn_relu(y: Any, bn_name: str, relu_name: str) -> Any:
            if use_bn:
                names = [f"{bn_name}_{s}" for s in ("gamma", "beta", "running_mean",
                                                    "running_var")]
                new_bn.extend(names)
                y = sym.BatchNorm(y, *[sym.var(n) for n in names], fix_gamma=False,
                                  name=bn_name)
            return sym.Activation(y, act_type="relu", name=relu_name)

        for i, f in enumerate(num_filters):
            if use_1x1_transition:
                num_trans = max(min_depth, round(f * reduce_ratio))
                y = conv(y, f"{prefix}trans_conv{i}", num_trans, 1, 1, 0)
                y = bn_relu(y, f"{prefix}trans_bn{i}", f"{prefix}trans_relu{i}")
            y = conv(y, f"{prefix}conv{i}", f, 3, 2, 1)
            y = bn_relu(y, f"{prefix}bn{i}", f"{prefix}relu{i}")
            feats.append(y)
        if global_pool:
            feats.append(sym.Pooling(y, pool_type="avg", global_pool=True, kernel=(1, 1),
                                     name=f"{prefix}global_pool"))
        super().__init__(feats, in_vars, params=params)
        weight_init = initializer.Xavier(rnd_type="gaussian", factor_type="out", magnitude=2)
        inits = {"gamma": initializer.One(), "beta": initializer.Zero(),
                 "running_mean": initializer.Zero(), "running_var": initializer.One()}
        own = self.collect_params()
        for name in new_weights:
            own[name].init = weight_init
        for name in new_bn:
            own[name].init = next(init for s, init in inits.items() if name.endswith(s))
        for name in own:
            if name.startswith(prefix) and name.endswith("_bias"):
                own[name].init = initializer.Zero()


# -- training --------------------------------------------------------------------------------
def training_targets(default_anchors: Any, class_predicts: Any, labels: Any
                     ) -> tuple[Any, Any, Any]:
    """Match anchors to ground truth: ``(box_target, box_mask, cls_target)``.

    ``MultiBoxTarget`` with its defaults (IoU threshold 0.5, no hard negative mining) on the
    class predictions transposed to ``(N, num_classes + 1, A)``.

    Parameters
    ----------
    default_anchors : NDArray
        ``(1, A, 4)``.
    class_predicts : NDArray
        ``(N, A, num_classes + 1)`` as the network outputs them.
    labels : NDArray
        ``(N, M, 5)`` rows ``[class, xmin, ymin, xmax, ymax]`` padded with -1.

    Returns
    -------
    box_target : NDArray ``(N, 4 * A)``
        Offsets of each positive anchor's matched box (0 elsewhere).
    box_mask : NDArray ``(N, 4 * A)``
        1 for the offsets of positive anchors, else 0.
    cls_target : NDArray ``(N, A)``
        Class + 1 for positive anchors, 0 for background.

    See Also
    --------
    minigluon.ndarray.contrib.MultiBoxTarget : The op it wraps.
    FocalLoss, SmoothL1Loss

    Examples
    --------
    >>> from minigluon import nd
    >>> from minigluon.gluon.model_zoo.ssd import training_targets
    >>> anchors = nd.array([[[0, 0, .5, .5], [.5, .5, 1, 1]]])
    >>> labels = nd.array([[[1, .5, .5, 1, 1]]])
    >>> box_target, box_mask, cls_target = training_targets(anchors, nd.zeros((1, 2, 3)),
    ...                                                     labels)
    >>> cls_target
    <BLANKLINE>
    [[0. 2.]]
    <NDArray 1x2 @cpu(0)>
    >>> box_mask
    <BLANKLINE>
    [[0. 0. 0. 0. 1. 1. 1. 1.]]
    <NDArray 1x8 @cpu(0)>
    """
    class_predicts = nd.transpose(class_predicts, axes=(0, 2, 1))
    z = MultiBoxTarget(*[default_anchors, labels, class_predicts])
    box_target = z[0]  # box offset target for (x, y, width, height)
    box_mask = z[1]  # mask is used to ignore box offsets we don't want to penalize
    cls_target = z[2]  # cls_target is an array of labels for all anchors boxes
    return box_target, box_mask, cls_target


class FocalLoss(Loss):
    """Focal loss (Lin et al. 2017): cross-entropy down-weighted on well-classified anchors.

    ``p = softmax(output)``, ``pt = p[label]``, ``loss = -alpha * (1 - pt)**gamma * log(pt)``,
    averaged over every axis but ``batch_axis``: the tutorial's loss for the class
    predictions, where background anchors vastly outnumber objects.

    Parameters
    ----------
    axis : int, default -1
        The class axis.
    alpha : float, default 0.25
        Constant factor of the loss (``-alpha * (1 - pt) ** gamma * log(pt)``).
    gamma : float, default 2
        Focusing exponent: ``(1 - p) ** gamma`` down-weights well-classified examples.
    batch_axis : int, default 0
        Axis of the samples; the loss is averaged over the other axes.

    See Also
    --------
    SmoothL1Loss, training_targets
    minigluon.gluon.loss.SoftmaxCrossEntropyLoss : The loss it down-weights.

    Examples
    --------
    >>> from minigluon import nd
    >>> from minigluon.gluon.model_zoo.ssd import FocalLoss
    >>> loss = FocalLoss()
    >>> loss
    FocalLoss(batch_axis=0, w=None)
    >>> out = loss(nd.array([[[0, 0], [0, 0]]]), nd.array([[0, 1]]))   # p = 0.5 everywhere
    >>> round(float(out.asscalar()), 5)          # 0.25 * 0.5**2 * log(2)
    0.04332
    """

    def __init__(self, axis: int = -1, alpha: float = 0.25, gamma: float = 2,
                 batch_axis: int = 0, **kwargs: Any) -> None:
        super().__init__(None, batch_axis, **kwargs)
        self._axis = axis
        self._alpha = alpha
        self._gamma = gamma

    def hybrid_forward(self, F: Any, output: Any, label: Any) -> Any:
        """The per-sample loss of class scores ``output`` against class ids ``label``.

        See Also
        --------
        minigluon.ndarray.softmax, minigluon.ndarray.pick

        Examples
        --------
        >>> from minigluon import nd
        >>> from minigluon.gluon.model_zoo.ssd import FocalLoss
        >>> FocalLoss().hybrid_forward(nd, nd.zeros((2, 3, 2)), nd.zeros((2, 3))).shape
        (2,)
        """
        output = F.softmax(output)
        pt = F.pick(output, label, axis=self._axis, keepdims=True)
        loss = -self._alpha * ((1 - pt) ** self._gamma) * F.log(pt)
        return F.mean(loss, axis=self._batch_axis, exclude=True)


class SmoothL1Loss(Loss):
    """Masked smooth L1 loss of box offsets: ``mean(smooth_l1((output - label) * mask))``.

    ``smooth_l1(x) = 0.5 x²`` if ``|x| < 1`` else ``|x| - 0.5``; the mask keeps only the
    offsets of anchors matched to an object. Averaged over every axis but ``batch_axis``.

    Parameters
    ----------
    batch_axis : int, default 0
        Axis of the samples; the loss is averaged over the other axes.

    See Also
    --------
    FocalLoss, training_targets
    minigluon.gluon.loss.HuberLoss

    Examples
    --------
    >>> from minigluon import nd
    >>> from minigluon.gluon.model_zoo.ssd import SmoothL1Loss
    >>> loss = SmoothL1Loss()
    >>> loss(nd.array([[0.5, 3, 9]]), nd.array([[0, 0, 0]]), nd.array([[1, 1, 0]]))
    <BLANKLINE>
    [0.875]
    <NDArray 1 @cpu(0)>
    """

    def __init__(self, batch_axis: int = 0, **kwargs: Any) -> None:
        super().__init__(None, batch_axis, **kwargs)

    def hybrid_forward(self, F: Any, output: Any, label: Any, mask: Any) -> Any:
        """The per-sample loss of ``output`` against ``label`` where ``mask`` is 1.

        See Also
        --------
        minigluon.ndarray.smooth_l1

        Examples
        --------
        >>> from minigluon import nd
        >>> from minigluon.gluon.model_zoo.ssd import SmoothL1Loss
        >>> SmoothL1Loss().hybrid_forward(nd, nd.ones((2, 8)), nd.zeros((2, 8)),
        ...                               nd.ones((2, 8))).shape
        (2,)
        """
        loss = F.smooth_l1((output - label) * mask, scalar=1.0)
        return F.mean(loss, axis=self._batch_axis, exclude=True)
