"""The conformance case list, generated from minigluon's registry and tables of fixed arguments.

Every registry op contributes each of its test cases (forward, gradient, a bad-input variant,
and a large-sample variant for random ops), so an op cannot be added without being compared.
The other families (layers, losses, initializers, optimizers, metrics) are tables keyed by
class or registry name: a name offered by both libraries without a row here is reported as
"no case" and fails the run, so these tables must grow with the library.

:func:`write_cases` writes ``cases.json`` and the inputs as ``.npy`` files (float inputs in
float32, MXNet's default), which both drivers read.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from minigluon.ops import Op, all_ops
from tests.ops.cases import materialize

from .driver import encode

SEED = 0
#: Sample size of the large-sample variant of a random op (statistics, not values).
STATS_SAMPLES = 20000


def _float32(x: np.ndarray) -> np.ndarray:
    # MXNet 1.x has no 0-d NDArray: a scalar input becomes shape (1,), as in test_frontend.
    x = x.reshape(1) if x.ndim == 0 else x
    return x.astype(np.float32) if x.dtype == np.float64 else x


def call_of(op: Op) -> str:
    """The front door both libraries share: ``nd.relu``, ``nd.random.uniform``..."""
    if op.name in ("_getitem", "_setitem"):  # NDArray indexing, not a function in MXNet
        return op.name.strip("_")
    return "nd." + (f"{op.namespace}." if op.namespace else "") + op.name


def op_cases(ops: list[Op] | None = None) -> list[dict]:
    """Forward/gradient cases of every registry op, plus its bad-input and sampling variants."""
    out = []
    for op in ops if ops is not None else all_ops():
        random = op.namespace == "random"
        # Dropout draws a mask in training (and with mode='always'): shapes only
        base = {"kind": "op", "family": "ops", "name": op.name, "call": call_of(op),
                "random": random or op.name == "Dropout", "random_grad": op.name == "Dropout"}
        first_with_array = None
        for i, case in enumerate(op.cases):
            inputs = [None if x is None else _float32(x) for x in materialize(case, SEED)]
            spec = {**base, "id": f"ops/{op.name}#{i}", "attrs": encode(case.attrs)}
            if op.variadic and op.array_params and op.array_params[0].name == "shape":
                spec["scalars"] = [int(x.item()) for x in inputs]  # randn(2, 3)
                inputs = []
            if op.differentiable and not random and op.name != "_setitem":
                spec["grad"] = [k for k, x in enumerate(inputs) if x is not None
                                and x.dtype.kind == "f" and k not in op.nondiff_inputs]
            out.append({**spec, "arrays": inputs})
            if first_with_array is None and any(x is not None for x in inputs):
                first_with_array = (i, case, inputs)
        if random and op.cases:
            out.append(_sampling_variant(op, base))
        if first_with_array is not None:
            i, case, inputs = first_with_array
            k = next(k for k, x in enumerate(inputs) if x is not None)
            bad = list(inputs)
            # one axis too many: a wrong-rank input, which most ops must refuse
            bad[k] = np.repeat(inputs[k][..., None], 3, axis=-1)
            out.append({**base, "id": f"ops/{op.name}#bad", "attrs": encode(case.attrs),
                        "arrays": bad, "bad_input": f"input {k} of case {i} with an extra "
                        f"last axis: shape {tuple(bad[k].shape)}"})
    return out


def _sampling_variant(op: Op, base: dict) -> dict:
    case = op.cases[0]
    attrs = dict(case.attrs)
    spec = {**base, "id": f"ops/{op.name}#stats", "stats_only": True}
    inputs = [None if x is None else _float32(x) for x in materialize(case, SEED)]
    if op.variadic and op.array_params[0].name == "shape":
        return {**spec, "scalars": [STATS_SAMPLES], "attrs": encode(attrs), "arrays": []}
    if "shape" in op.attr_names:
        attrs["shape"] = (STATS_SAMPLES,)
    elif inputs and inputs[0] is not None:  # shuffle: a large input
        inputs = [np.linspace(-1, 1, STATS_SAMPLES, dtype=np.float32)]
    return {**spec, "attrs": encode(attrs), "arrays": inputs}


# -- the Gluon families: fixed constructor arguments and inputs -------------------------------

Input = tuple | Callable[[np.random.Generator], np.ndarray]


def _ints(high: int, shape: tuple) -> Callable[[np.random.Generator], np.ndarray]:
    return lambda rng: rng.integers(0, high, shape).astype(np.float32)


def _signs(shape: tuple) -> Callable[[np.random.Generator], np.ndarray]:
    return lambda rng: np.where(rng.standard_normal(shape) > 0, 1.0, -1.0).astype(np.float32)


def _probs(shape: tuple) -> Callable[[np.random.Generator], np.ndarray]:
    def make(rng: np.random.Generator) -> np.ndarray:
        e = np.exp(rng.standard_normal(shape))
        return (e / e.sum(-1, keepdims=True)).astype(np.float32)
    return make


def _log_probs(shape: tuple) -> Callable[[np.random.Generator], np.ndarray]:
    return lambda rng: np.log(_probs(shape)(rng))


def _dense(units: int, **kw: Any) -> dict:
    return {"cls": "nn.Dense", "kwargs": {"units": units, **kw}}


#: name -> (constructor kwargs, inputs, extra spec): one or more rows per class.
LAYERS: dict[str, list[tuple]] = {
    "Dense": [({"units": 4}, [(2, 5)], {}),
              ({"units": 3, "flatten": False, "activation": "tanh"}, [(2, 3, 4)], {})],
    "Dropout": [({"rate": 0.5}, [(4, 6)], {"random_grad": True})],
    "Embedding": [({"input_dim": 6, "output_dim": 3}, [_ints(6, (2, 3))], {"grad": []})],
    "BatchNorm": [({}, [(2, 3, 4, 4)], {})],
    "BatchNormReLU": [({}, [(2, 3, 4, 4)], {})],
    "InstanceNorm": [({}, [(2, 3, 5)], {})],
    "LayerNorm": [({}, [(2, 3, 5)], {})],
    "GroupNorm": [({"num_groups": 2}, [(2, 4, 3, 3)], {})],
    "Flatten": [({}, [(2, 3, 4)], {})],
    "Identity": [({}, [(2, 3)], {})],
    "Lambda": [({"function": "tanh"}, [(2, 3)], {})],
    "HybridLambda": [({"function": "tanh"}, [(2, 3)], {})],
    "Conv1D": [({"channels": 3, "kernel_size": 3}, [(2, 2, 7)], {})],
    "Conv2D": [({"channels": 3, "kernel_size": 3, "strides": 2, "padding": 1},
                [(2, 2, 6, 6)], {}),
               ({"channels": 4, "kernel_size": (2, 3), "dilation": 2, "groups": 2,
                 "use_bias": False}, [(1, 2, 7, 7)], {})],
    "Conv3D": [({"channels": 2, "kernel_size": 2}, [(1, 2, 4, 4, 4)], {})],
    "Conv1DTranspose": [({"channels": 3, "kernel_size": 3, "strides": 2}, [(2, 2, 5)], {})],
    "Conv2DTranspose": [({"channels": 2, "kernel_size": 3, "strides": 2, "padding": 1,
                          "output_padding": 1}, [(2, 2, 4, 4)], {})],
    "Conv3DTranspose": [({"channels": 2, "kernel_size": 2}, [(1, 2, 3, 3, 3)], {})],
    "MaxPool1D": [({"pool_size": 2}, [(2, 3, 8)], {})],
    "MaxPool2D": [({"pool_size": 3, "strides": 2, "padding": 1}, [(2, 3, 7, 7)], {})],
    "MaxPool3D": [({}, [(1, 2, 4, 4, 4)], {})],
    "AvgPool1D": [({"pool_size": 3, "strides": 2}, [(2, 3, 8)], {})],
    "AvgPool2D": [({"pool_size": 3, "strides": 2, "padding": 1, "ceil_mode": True,
                    "count_include_pad": False}, [(2, 3, 6, 6)], {})],
    "AvgPool3D": [({}, [(1, 2, 4, 4, 4)], {})],
    "GlobalMaxPool1D": [({}, [(2, 3, 5)], {})],
    "GlobalMaxPool2D": [({}, [(2, 3, 4, 5)], {})],
    "GlobalMaxPool3D": [({}, [(1, 2, 3, 4, 5)], {})],
    "GlobalAvgPool1D": [({}, [(2, 3, 5)], {})],
    "GlobalAvgPool2D": [({}, [(2, 3, 4, 5)], {})],
    "GlobalAvgPool3D": [({}, [(1, 2, 3, 4, 5)], {})],
    "ReflectionPad2D": [({"padding": 2}, [(1, 2, 4, 4)], {})],
    "Activation": [({"activation": "softrelu"}, [(2, 5)], {})],
    "LeakyReLU": [({"alpha": 0.1}, [(2, 5)], {})],
    "PReLU": [({}, [(2, 3, 4)], {})],
    "ELU": [({"alpha": 0.7}, [(2, 5)], {})],
    "SELU": [({}, [(2, 5)], {})],
    "Swish": [({"beta": 1.5}, [(2, 5)], {})],
    "GELU": [({}, [(2, 5)], {})],
    "Sequential": [({}, [(2, 5)], {"children": [_dense(4, activation="relu"), _dense(2)]})],
    "HybridSequential": [({}, [(2, 5)], {"children": [_dense(4, activation="relu"),
                                                      _dense(2)]})],
}

LOSSES: dict[str, list[tuple]] = {
    "L2Loss": [({}, [(3, 4), (3, 4)], {})],
    "L1Loss": [({"weight": 0.5}, [(3, 4), (3, 4)], {})],
    "SigmoidBinaryCrossEntropyLoss": [({}, [(3, 4), _ints(2, (3, 4))], {}),
                                      ({"from_sigmoid": True},
                                       [lambda r: r.uniform(0.05, 0.95, (3, 4)).astype(np.float32),
                                        _ints(2, (3, 4))], {})],
    "SigmoidBCELoss": [({}, [(3, 4), _ints(2, (3, 4))], {})],
    "SoftmaxCrossEntropyLoss": [({}, [(3, 5), _ints(5, (3,))], {}),
                                ({"sparse_label": False}, [(3, 5), _probs((3, 5))], {})],
    "SoftmaxCELoss": [({}, [(3, 5), _ints(5, (3,))], {})],
    "KLDivLoss": [({}, [_log_probs((3, 5)), _probs((3, 5))], {})],
    "CTCLoss": [({}, [(2, 6, 4), lambda r: np.array([[0, 1, 2], [1, 2, 0]], np.float32)], {})],
    "HuberLoss": [({"rho": 0.5}, [(3, 4), (3, 4)], {})],
    "HingeLoss": [({}, [(3, 4), _signs((3, 4))], {})],
    "SquaredHingeLoss": [({}, [(3, 4), _signs((3, 4))], {})],
    "LogisticLoss": [({}, [(3, 4), _signs((3, 4))], {})],
    "TripletLoss": [({}, [(3, 4), (3, 4), (3, 4)], {"grad": [0, 1, 2]})],
    "PoissonNLLLoss": [({}, [(3, 4), _ints(4, (3, 4))], {})],
    "CosineEmbeddingLoss": [({}, [(3, 4), (3, 4), _signs((3,))], {"grad": [0, 1]})],
    "SDMLLoss": [({}, [(4, 5), (4, 5)], {"grad": [0, 1]})],
}

#: name -> (kwargs, shape, parameter name, exact values?)
INITIALIZERS: dict[str, list[tuple]] = {
    "Zero": [({}, (50, 40), "fc_weight", True)],
    "One": [({}, (50, 40), "fc_weight", True)],
    "Constant": [({"value": 0.3}, (50, 40), "fc_weight", True)],
    "Uniform": [({"scale": 0.5}, (200, 200), "fc_weight", False)],
    "Normal": [({"sigma": 0.2}, (200, 200), "fc_weight", False)],
    "Orthogonal": [({}, (128, 128), "fc_weight", False)],
    "Xavier": [({}, (256, 128), "fc_weight", False),
               ({"rnd_type": "gaussian", "factor_type": "in", "magnitude": 2},
                (64, 32, 3, 3), "conv_weight", False)],
    "MSRAPrelu": [({}, (256, 128), "fc_weight", False)],
    "Bilinear": [({}, (2, 1, 4, 4), "upsampling_weight", True)],
    "LSTMBias": [({"forget_bias": 1.0}, (16,), "lstm_bias", True)],
    # a 1-layer LSTM of 4 units on 3 inputs: 4*4*(3+4) weights and 2*4*4 biases
    "FusedRNN": [({"init": {"__initializer__": ["Constant", {"value": 0.1}]}, "num_hidden": 4,
                   "num_layers": 1, "mode": "lstm"}, (144,), "lstm_weight", True)],
}

_OPT = {"learning_rate": 0.1, "wd": 0.01, "rescale_grad": 0.5}
OPTIMIZERS: dict[str, list[dict]] = {
    "sgd": [{**_OPT, "momentum": 0.9}, {**_OPT, "clip_gradient": 0.3}],
    "nag": [{**_OPT, "momentum": 0.9}],
    "adam": [_OPT],
    "rmsprop": [_OPT, {**_OPT, "centered": True, "learning_rate": 0.01}],
    "adagrad": [_OPT],
    "adadelta": [{"wd": 0.01, "rescale_grad": 0.5}],
    "adamax": [_OPT],
    "nadam": [_OPT],
    "ftml": [_OPT],
    "ftrl": [_OPT],
    "lamb": [_OPT],
    "lars": [{**_OPT, "momentum": 0.9}],
    "signum": [{**_OPT, "momentum": 0.9}],
    "sgld": [_OPT],
    "dcasgd": [_OPT],
    "lbsgd": [_OPT],
    "ccsgd": [{**_OPT, "momentum": 0.9}],
    "groupadagrad": [{"learning_rate": 0.1, "rescale_grad": 0.5}],
}
RANDOM_OPTIMIZERS = {"sgld"}

#: name -> (kwargs, labels, preds)
METRICS: dict[str, list[tuple]] = {
    "Accuracy": [({}, [_ints(3, (6,))], [_probs((6, 3))])],
    "TopKAccuracy": [({"top_k": 2}, [_ints(5, (6,))], [_probs((6, 5))])],
    "F1": [({}, [_ints(2, (8,))], [_probs((8, 2))]),
           ({"average": "micro"}, [_ints(2, (8,))], [_probs((8, 2))])],
    "MCC": [({}, [_ints(2, (8,))], [_probs((8, 2))])],
    "Perplexity": [({"ignore_label": None}, [_ints(3, (6,))], [_probs((6, 3))])],
    "MAE": [({}, [(4, 3)], [(4, 3)])],
    "MSE": [({}, [(4, 3)], [(4, 3)])],
    "RMSE": [({}, [(4, 3)], [(4, 3)])],
    "CrossEntropy": [({}, [_ints(3, (6,))], [_probs((6, 3))])],
    "NegativeLogLikelihood": [({}, [_ints(3, (6,))], [_probs((6, 3))])],
    "PearsonCorrelation": [({}, [(8,)], [(8,)])],
    "PCC": [({}, [_ints(3, (9,))], [_probs((9, 3))])],
    "Loss": [({}, [(4,)], [(4,)])],
    "CompositeEvalMetric": [({"metrics": ["mae", "mse"]}, [(4, 3)], [(4, 3)])],
}

FILE_FORMATS = ("nd_save", "save_parameters", "export")


def _make(spec: Input, rng: np.random.Generator) -> np.ndarray:
    if callable(spec):
        return _float32(np.asarray(spec(rng)))
    return rng.standard_normal(spec).astype(np.float32)


def block_cases() -> list[dict]:
    out = []
    for family, prefix, table in (("layers", "nn", LAYERS), ("losses", "loss", LOSSES)):
        for name, rows in table.items():
            for i, (kwargs, inputs, extra) in enumerate(rows):
                rng = np.random.default_rng(SEED + i)
                arrays = [_make(s, rng) for s in inputs]
                grad = extra.get("grad", [0])
                out.append({"kind": "block", "family": family, "name": name,
                            "id": f"{family}/{name}#{i}", "cls": f"{prefix}.{name}",
                            "kwargs": encode(kwargs), "arrays": arrays, "grad": grad,
                            **{k: v for k, v in extra.items() if k != "grad"}})
    return out


def other_cases() -> list[dict]:
    out: list[dict] = []
    for name, rows in INITIALIZERS.items():
        for i, (kwargs, shape, param, exact) in enumerate(rows):
            out.append({"kind": "init", "family": "initializers", "name": name,
                        "id": f"initializers/{name}#{i}", "cls": name, "kwargs": encode(kwargs),
                        "shape": list(shape), "param": param, "exact": exact, "arrays": []})
    rng = np.random.default_rng(SEED)
    weight_and_grads = [rng.standard_normal((5, 4)).astype(np.float32) for _ in range(6)]
    # a random update (SGLD's noise) is compared by statistics: a large weight
    large = [rng.standard_normal((100, 100)).astype(np.float32) for _ in range(6)]
    for name, rows in OPTIMIZERS.items():
        for i, kwargs in enumerate(rows):
            random = name in RANDOM_OPTIMIZERS
            out.append({"kind": "optimizer", "family": "optimizers", "name": name,
                        "id": f"optimizers/{name}#{i}", "kwargs": encode(kwargs),
                        "random": random, "arrays": large if random else weight_and_grads})
    for name, rows in METRICS.items():
        for i, (kwargs, labels, preds) in enumerate(rows):
            rng = np.random.default_rng(SEED + i)
            arrays = [_make(s, rng) for s in [*labels, *preds]]
            out.append({"kind": "metric", "family": "metrics", "name": name,
                        "id": f"metrics/{name}#{i}", "kwargs": encode(kwargs), "arrays": arrays})
    for fmt in FILE_FORMATS:
        for phase in ("write", "read"):
            out.append({"kind": "file", "family": "files", "name": fmt, "format": fmt,
                        "phase": phase, "id": f"files/{fmt}/{phase}", "arrays": []})
    return out


def all_cases() -> list[dict]:
    return [*op_cases(), *block_cases(), *other_cases()]


def write_cases(directory: Path, cases: list[dict] | None = None) -> Path:
    """Write ``cases.json`` and ``inputs/*.npy`` into ``directory``; return the JSON's path."""
    cases = all_cases() if cases is None else cases
    (directory / "inputs").mkdir(parents=True, exist_ok=True)
    specs = []
    for n, case in enumerate(cases):
        files = []
        for k, x in enumerate(case["arrays"]):
            if x is None:
                files.append(None)
                continue
            name = f"inputs/{n}_{k}.npy"
            np.save(directory / name, x)
            files.append(name)
        specs.append({**{k: v for k, v in case.items() if k != "arrays"}, "inputs": files})
    path = directory / "cases.json"
    path.write_text(json.dumps(specs, indent=1))
    return path
