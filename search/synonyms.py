"""The search vocabulary of the field, as data: synonyms, name aliases and spelling variants.

Extend these tables as the API grows: a phrase here is matched after the same analysis as
queries (identifier splitting, lowercase, American spelling, stemming), so ``"zero_grad"``,
``"zero grad"`` and ``"ZeroGrad"`` are one phrase, and plurals match their singular.
"""

from __future__ import annotations

__all__ = ["SYNONYMS", "EXPANSIONS", "NAMESPACE_ALIASES", "NAMESPACE_WORDS", "BRITISH_PREFIXES"]

#: Groups of interchangeable phrases. A query phrase from a group also searches every other
#: phrase of the group (at a lower weight than what was typed).
SYNONYMS: list[tuple[str, ...]] = [
    # learning vocabulary
    ("weights", "parameters", "params"),
    ("derivative", "gradient", "grad", "differentiate", "differentiation"),
    ("second derivative", "higher order gradient", "gradient of gradient", "create_graph",
     "differentiate twice", "hessian"),
    ("stop gradient", "block grad", "detach", "no gradient", "stop_gradient", "BlockGrad"),
    ("no grad", "pause recording", "pause"),
    ("predict mode", "inference mode", "eval mode", "evaluation mode", "test mode"),
    ("train mode", "training mode"),
    ("accumulate gradients", "gradient accumulation", "grad_req add"),
    ("custom gradient", "custom backward", "own backward", "custom function", "Function"),
    ("record", "tape", "recording"),
    ("seed", "random seed", "reproducible", "deterministic"),
    ("gpu", "cuda", "device", "context", "ctx"),
    ("cpu", "host", "device", "context", "ctx"),
    ("tensor", "ndarray", "array", "NDArray"),
    ("error", "exception", "MXNetError"),
    ("synchronize", "wait", "waitall", "wait_to_read", "block until ready"),
    # layers and losses (gluon, contrib)
    ("fully connected", "dense", "FullyConnected", "linear layer", "linear"),
    ("nms", "non maximum suppression", "non max suppression", "box_nms"),
    ("anchor", "anchors", "prior", "priors", "anchor box", "MultiBoxPrior"),
    ("batchnorm", "batch normalization", "BatchNorm", "batch norm"),
    ("conv", "convolution", "Convolution", "Conv2D"),
    ("deconvolution", "transposed convolution", "Conv2DTranspose", "Deconvolution"),
    ("pool", "pooling", "Pooling", "MaxPool2D"),
    ("embedding", "lookup table", "Embedding", "word vectors"),
    ("dropout", "Dropout", "drop out"),
    ("softmax cross entropy", "SoftmaxCrossEntropyLoss", "cross entropy loss",
     "softmax_cross_entropy", "log loss"),
    ("one hot", "one_hot", "onehot encoding"),
    ("relu", "rectifier", "rectified linear"),
    ("sigmoid", "logistic"),
    ("softrelu", "softplus"),
    ("optimizer", "optimiser", "sgd", "adam", "Trainer"),
    ("lr", "learning rate"),
    ("turn off", "disable", "switch off"),
    ("speed up", "faster", "performance", "accelerate", "slow"),
    # array operations
    ("concatenate", "concat", "cat", "join arrays"),
    ("stack", "stack arrays"),
    ("split", "chunk", "split arrays"),
    ("flatten", "Flatten", "ravel"),
    ("transpose", "permute", "permute axes", "swap axes", "swapaxes"),
    ("reshape", "view", "resize", "change shape"),
    ("expand dims", "unsqueeze", "expand_dims", "add axis"),
    ("squeeze", "remove axis"),
    ("argmax", "index of maximum", "position of maximum"),
    ("argmin", "index of minimum"),
    ("topk", "top k", "largest k"),
    ("sort", "argsort", "order"),
    ("clip", "clamp"),
    ("where", "select", "condition", "ternary"),
    ("dot", "matmul", "matrix multiplication", "matrix multiply", "mm", "inner product"),
    ("multiply", "mul", "times", "product"),
    ("add", "plus"),
    ("subtract", "sub", "minus"),
    ("divide", "div", "division"),
    ("modulo", "mod", "remainder"),
    ("power", "pow", "exponentiation"),
    ("abs", "absolute value", "absolute"),
    ("exp", "exponential"),
    ("log", "logarithm"),
    ("sqrt", "square root"),
    ("mean", "average", "avg"),
    ("maximum", "max"),
    ("minimum", "min"),
    ("norm", "l2 norm", "magnitude"),
    ("cast", "astype", "convert type", "change type", "change dtype", "convert dtype"),
    ("asnumpy", "to numpy", "numpy array", "convert to numpy"),
    ("asscalar", "to scalar", "python number", "scalar value"),
    ("copy", "clone", "copyto", "duplicate"),
    ("arange", "range"),
    ("eye", "identity matrix"),
    ("zeros", "zero", "zeros_like"),
    ("ones", "ones_like"),
    ("repeat", "tile"),
    ("shuffle", "permutation"),
    ("normal distribution", "gaussian", "randn", "normal"),
    ("uniform distribution", "uniform", "rand"),
    ("random integers", "randint"),
    ("element wise", "elementwise", "elemwise"),
    ("broadcast", "broadcasting"),
    ("greater", "gt", "greater than"),
    ("lesser", "less", "lt", "less than"),
    ("not equal", "not_equal", "ne"),
]

#: Directed expansions: a task phrase searches these names too, but not the other way round
#: (someone asking for ``nd.save`` is not asking to save a model).
EXPANSIONS: dict[str, tuple[str, ...]] = {
    "save model": ("save_parameters", "export"),
    "save parameters": ("save_parameters",),
    "save weights": ("save_parameters",),
    "save arrays": ("nd.save",),
    "save to file": ("nd.save", "save_parameters"),
    "write to disk": ("nd.save", "save_parameters"),
    "load model": ("load_parameters", "SymbolBlock.imports"),
    "load parameters": ("load_parameters",),
    "load weights": ("load_parameters",),
    "load arrays": ("nd.load",),
    "load from file": ("nd.load", "load_parameters"),
    "read from disk": ("nd.load", "load_parameters"),
    "get layer weights": ("collect_params", "params", "weight.data"),
    "layer weights": ("collect_params", "params"),
    "initialize weights": ("initialize", "Initializer", "init"),
    "zero grad": ("zero_grad", "grad_req"),
    "differentiate twice": ("create_graph", "autograd.grad", "gradients of gradients"),
    "gradient of gradient": ("create_graph", "autograd.grad"),
    "inplace": ("INPLACE_IN_GRAPH",),
    "disable gradient": ("pause", "stop_gradient"),
    "without recording": ("pause",),
    "turn off recording": ("pause",),
    "stop recording": ("pause",),
    "matrix inverse": ("linalg",),
    "number of elements": ("size",),
    "number of dimensions": ("ndim",),
    "data type": ("dtype",),
}

#: Short names of namespaces, as in ``mx.nd.relu``: an exact-name query may use either form.
NAMESPACE_ALIASES: dict[str, str] = {
    "minigluon": "mx",
    "ndarray": "nd",
    "symbol": "sym",
}

#: What the objects of a namespace are, in the words people use for them ("a convolution
#: layer" is nn.Conv2D even though its docstring never says "layer"). Indexed with the
#: enclosing names of every object in the namespace (and its sub-namespaces).
NAMESPACE_WORDS: dict[str, str] = {
    "minigluon.gluon.nn": "layer neural network block",
    "minigluon.gluon.loss": "loss objective",
    "minigluon.gluon.data": "dataset data loading",
    "minigluon.gluon.model_zoo": "pretrained model network architecture",
    "minigluon.ndarray.random": "random numbers sampling distribution",
    "minigluon.random": "random numbers sampling distribution",
    "minigluon.initializer": "initialization weights",
    "minigluon.optimizer": "optimization training update",
    "minigluon.lr_scheduler": "learning rate schedule",
    "minigluon.metric": "evaluation metric",
    "minigluon.autograd": "gradients differentiation",
}

#: British spelling prefixes and their American form. Applied to both documents and queries,
#: so it only has to be consistent, not linguistically complete ("centred" -> "centerd" is
#: fine). Prefixes are chosen so no American word starts with them.
BRITISH_PREFIXES: tuple[tuple[str, str], ...] = (
    ("normalis", "normaliz"), ("initialis", "initializ"), ("optimis", "optimiz"),
    ("serialis", "serializ"), ("deserialis", "deserializ"), ("regularis", "regulariz"),
    ("vectoris", "vectoriz"), ("visualis", "visualiz"), ("summaris", "summariz"),
    ("generalis", "generaliz"), ("minimis", "minimiz"), ("maximis", "maximiz"),
    ("standardis", "standardiz"), ("tokenis", "tokeniz"), ("quantis", "quantiz"),
    ("parameteris", "parameteriz"), ("parametris", "parametriz"), ("customis", "customiz"),
    ("randomis", "randomiz"), ("synchronis", "synchroniz"), ("materialis", "materializ"),
    ("recognis", "recogniz"), ("organis", "organiz"), ("utilis", "utiliz"),
    ("specialis", "specializ"), ("finalis", "finaliz"), ("discretis", "discretiz"),
    ("linearis", "lineariz"), ("factoris", "factoriz"), ("binaris", "binariz"),
    ("categoris", "categoriz"), ("characteris", "characteriz"), ("hybridis", "hybridiz"),
    ("behaviour", "behavior"), ("colour", "color"), ("neighbour", "neighbor"),
    ("favour", "favor"), ("flavour", "flavor"), ("honour", "honor"), ("labour", "labor"),
    ("centre", "center"), ("metre", "meter"), ("litre", "liter"),
    ("analys", "analyz"), ("paralys", "paralyz"), ("catalys", "catalyz"),
    ("modell", "model"), ("labell", "label"), ("travell", "travel"), ("cancell", "cancel"),
    ("signall", "signal"), ("channell", "channel"), ("tunnell", "tunnel"),
    ("grey", "gray"), ("catalogue", "catalog"), ("analogue", "analog"), ("dialogue", "dialog"),
    ("licence", "license"), ("defence", "defense"), ("offence", "offense"),
    ("programme", "program"), ("judgement", "judgment"), ("aluminium", "aluminum"),
)
