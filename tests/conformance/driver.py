"""Run a conformance case list on one library and write what happened: the driver script.

The same script runs twice, in two interpreters that never meet: once with ``--library mxnet``
(MXNet 1.9.1 in its own environment, numpy 1.23) and once with ``--library minigluon``. It
imports only the standard library, numpy and the library it is told to, so the MXNet run never
imports minigluon and the other way round. Both runs make the same calls (``mx.nd.<op>``,
``mx.gluon.nn.<Layer>``, ``mx.optimizer.create``...), which is the point: the only difference
is the library under ``mx``.

Inputs come as ``.npy`` files named in ``cases.json`` (written by
:mod:`tests.conformance.cases`); results go to ``<out>/results.jsonl``, one line per case as it
finishes (so a case that kills MXNet is known and skipped on restart), with arrays in
``<out>/arrays/``. Layers take their weights from the run named by ``--params-from``
(minigluon's run writes them, MXNet's reads them, by structural parameter name);
``--read-from`` names the other library's written files for the file-format cases.
``<out>/about.json`` lists the names each family offers, so a name one library lacks is
reported rather than skipped.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import re
import sys
import time
import traceback
from pathlib import Path
from typing import Any

import numpy as np

# -- the JSON codec shared with the harness (tuples, slices and index arrays survive) ---------


def encode(value: Any) -> Any:
    """A JSON-able form of an attribute value; :func:`decode` gives the value back."""
    if isinstance(value, tuple):
        return {"__tuple__": [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items()}
    if isinstance(value, slice):
        return {"__slice__": [value.start, value.stop, value.step]}
    if value is Ellipsis:
        return {"__ellipsis__": True}
    if isinstance(value, np.ndarray):
        return {"__array__": value.tolist(), "dtype": str(value.dtype)}
    if isinstance(value, np.generic):
        return value.item()
    return value


def decode(value: Any) -> Any:
    """The inverse of :func:`encode`."""
    if isinstance(value, list):
        return [decode(v) for v in value]
    if isinstance(value, dict):
        if "__tuple__" in value:
            return tuple(decode(v) for v in value["__tuple__"])
        if "__slice__" in value:
            return slice(*value["__slice__"])
        if "__ellipsis__" in value:
            return Ellipsis
        if "__array__" in value:
            return np.array(value["__array__"], dtype=value["dtype"])
        return {k: decode(v) for k, v in value.items()}
    return value


def head_gradient(shape: tuple) -> np.ndarray:
    """The fixed output gradient both libraries back-propagate (no RNG: the two numpys differ)."""
    n = int(np.prod(shape)) if shape else 1
    return np.cos(np.arange(n) * 0.7 + 0.3).reshape(shape).astype(np.float32)


def deterministic(shape: tuple, salt: int = 0) -> np.ndarray:
    """Weights for the file-format nets: the same on both sides without any RNG."""
    n = int(np.prod(shape)) if shape else 1
    return (np.sin(np.arange(n) * 0.37 + salt) * 0.5).reshape(shape).astype(np.float32)


def stats(values: np.ndarray) -> dict:
    """Distribution statistics of a sample, for what cannot match value by value."""
    v = np.asarray(values, dtype=np.float64).ravel()
    if v.size == 0:
        return {"n": 0}
    return {"n": int(v.size), "mean": float(v.mean()), "std": float(v.std()),
            "min": float(v.min()), "max": float(v.max())}


# -- one run ------------------------------------------------------------------------------------

_STACK = re.compile(r"\n(Stack trace|\s+File \"|\s*\[bt\])")


class MissingError(Exception):
    """The library has no such function or class."""


def error_record(exc: BaseException) -> dict:
    message = str(exc)
    # MXNet's texts start with a C++ traceback header ("Traceback...", "  File ...cc", line N)
    # and may end with the op's parameter docs after a "----" rule: keep the sentence.
    if message.startswith("Traceback"):
        lines = message.splitlines()
        message = "\n".join(ln for ln in lines[1:] if not ln.startswith("  File "))
    message = message.split("\n----")[0]
    cut = _STACK.search(message)
    message = (message[: cut.start()] if cut else message).strip()
    message = message.removeprefix(type(exc).__name__ + ": ")
    return {"type": type(exc).__name__, "mro": [c.__name__ for c in type(exc).__mro__],
            "message": message[:600]}


def resolve(root: Any, dotted: str) -> Any:
    obj = root
    for part in dotted.split("."):
        try:
            obj = getattr(obj, part)
        except AttributeError:
            raise MissingError(dotted) from None
    return obj


class Run:
    def __init__(self, mx: Any, out: Path, params_from: Path | None,
                 read_from: Path | None) -> None:
        self.mx, self.out = mx, out
        self.params_from, self.read_from = params_from, read_from
        (out / "arrays").mkdir(parents=True, exist_ok=True)

    # arrays in, arrays out
    def nd(self, value: np.ndarray) -> Any:
        return self.mx.nd.array(value, dtype=value.dtype)

    def save(self, case_id: str, what: str, value: Any, random: bool | str = False) -> dict:
        """Record an array: its file, or for random values ("stats") its statistics, or
        (any other true ``random``) only its shape and dtype."""
        arr = value.asnumpy() if hasattr(value, "asnumpy") else np.asarray(value)
        rec = {"shape": list(arr.shape), "dtype": str(arr.dtype)}
        if random == "stats":
            rec["stats"] = stats(arr)
        elif not random:
            name = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{case_id}.{what}") + ".npy"
            np.save(self.out / "arrays" / name, arr)
            rec["file"] = name
        return rec

    def outputs(self, case_id: str, what: str, outs: Any, random: bool | str = False) -> list:
        outs = outs if isinstance(outs, (list, tuple)) else [outs]
        return [self.save(case_id, f"{what}{k}", o, random) for k, o in enumerate(outs)]

    def backward(self, outs: Any) -> None:
        outs = outs if isinstance(outs, (list, tuple)) else [outs]
        heads = [o for o in outs if np.dtype(o.dtype).kind == "f"]
        grads = [self.mx.nd.array(head_gradient(tuple(o.shape))) for o in heads]
        self.mx.autograd.backward(heads, grads)

    # -- ops ------------------------------------------------------------------------------
    def call_op(self, case: dict, arrays: list) -> Any:
        attrs = decode(case["attrs"])
        call = case["call"]
        if call == "getitem":
            return arrays[0][attrs["key"]]
        if call == "setitem":
            target = arrays[0].copy()
            target[attrs["key"]] = arrays[1]
            return target
        fn = resolve(self.mx, call)
        return fn(*case.get("scalars", []), *arrays, **attrs)

    def run_op(self, case: dict, inputs: list) -> dict:
        cid, random = case["id"], case.get("random", False)
        if random and case.get("stats_only"):
            random = "stats"
        if case["call"] not in ("getitem", "setitem"):
            resolve(self.mx, case["call"])
        arrays = [None if x is None else self.nd(x) for x in inputs]
        res: dict = {}
        try:
            res["outputs"] = self.outputs(cid, "out", self.call_op(case, arrays), random)
        except Exception as exc:
            return {"error": error_record(exc)}
        if case.get("grad"):
            try:
                arrays = [None if x is None else self.nd(x) for x in inputs]
                for i in case["grad"]:
                    arrays[i].attach_grad()
                with self.mx.autograd.record():
                    outs = self.call_op(case, arrays)
                self.backward(outs)
                res["grads"] = [self.save(cid, f"grad{i}", arrays[i].grad,
                                          case.get("random_grad", False))
                                for i in case["grad"]]
            except Exception as exc:
                res["grad_error"] = error_record(exc)
        return res

    # -- blocks (layers and losses) --------------------------------------------------------
    def build(self, spec: dict) -> Any:
        block = resolve(self.mx.gluon, spec["cls"])(**decode(spec.get("kwargs", {})))
        for child in spec.get("children", []):
            block.add(self.build(child))
        return block

    def run_block(self, case: dict, inputs: list) -> dict:
        cid = case["id"]
        resolve(self.mx.gluon, case["cls"])
        net = self.build(case)
        net.initialize()
        arrays = [self.nd(x) for x in inputs]
        res: dict = {}
        try:
            net(*arrays)  # completes deferred shapes
            params = net._collect_params_with_prefix()
            res["params"] = sorted(params)
            pdir = (self.params_from or self.out) / "params" / re.sub(r"\W+", "_", cid)
            if self.params_from is None:
                pdir.mkdir(parents=True, exist_ok=True)
                for k, (name, p) in enumerate(sorted(params.items())):
                    # off the initializer's round values (gamma=1, running_mean=0...), so a
                    # parameter the other side ignores shows; +-0.05 keeps variances positive
                    value = p.data().asnumpy() + 0.1 * deterministic(p.shape, k)
                    p.set_data(self.mx.nd.array(value))
                    np.save(pdir / f"{name}.npy", value)
            else:
                for name, p in params.items():
                    if (pdir / f"{name}.npy").exists():
                        p.set_data(self.mx.nd.array(np.load(pdir / f"{name}.npy")))
            res["outputs"] = self.outputs(cid, "out", net(*arrays))
        except Exception as exc:
            return {"error": error_record(exc), **res}
        try:
            arrays = [self.nd(x) for x in inputs]
            for i in case.get("grad", []):
                arrays[i].attach_grad()
            with self.mx.autograd.record():
                outs = net(*arrays)
            self.backward(outs)
            rg = case.get("random_grad", False)
            res["grads"] = [self.save(cid, f"grad{i}", arrays[i].grad, rg)
                            for i in case.get("grad", [])]
            res["param_grads"] = {name: self.save(cid, f"pgrad.{name}", p.grad(), rg)
                                  for name, p in sorted(params.items())
                                  if p.grad_req != "null"}
        except Exception as exc:
            res["grad_error"] = error_record(exc)
        return res

    # -- initializers, optimizers, metrics ------------------------------------------------
    def run_init(self, case: dict, inputs: list) -> dict:
        kwargs = decode(case.get("kwargs", {}))
        for key, value in kwargs.items():  # FusedRNN(init=...): an initializer as argument
            if isinstance(value, dict) and "__initializer__" in value:
                cls, kw = value["__initializer__"]
                kwargs[key] = resolve(self.mx.init, cls)(**kw)
        init = resolve(self.mx.init, case["cls"])(**kwargs)
        arr = self.mx.nd.zeros(tuple(case["shape"]))
        try:
            init(self.mx.init.InitDesc(case["param"]), arr)
        except Exception as exc:
            return {"error": error_record(exc)}
        return {"outputs": [self.save(case["id"], "value", arr,
                                      False if case.get("exact") else "stats")]}

    def run_optimizer(self, case: dict, inputs: list) -> dict:
        if case["name"] not in self.optimizer_names():
            raise MissingError(case["name"])
        weight, grads = self.nd(inputs[0]), [self.nd(g) for g in inputs[1:]]
        try:
            opt = self.mx.optimizer.create(case["name"], **decode(case.get("kwargs", {})))
            update = self.mx.optimizer.get_updater(opt)
            history = []
            for g in grads:
                update(0, g, weight)
                history.append(weight.copy())
        except Exception as exc:
            return {"error": error_record(exc)}
        random = "stats" if case.get("random") else False
        return {"outputs": self.outputs(case["id"], "step", history, random)}

    def run_metric(self, case: dict, inputs: list) -> dict:
        half = len(inputs) // 2
        labels = [self.nd(x) for x in inputs[:half]]
        preds = [self.nd(x) for x in inputs[half:]]
        try:
            metric = self.mx.metric.create(case["name"], **decode(case.get("kwargs", {})))
        except Exception as exc:
            if type(exc).__name__ in ("ValueError", "KeyError", "MXNetError") and (
                    case["name"].lower() not in self.metric_names(lower=True)):
                raise MissingError(case["name"]) from None
            return {"error": error_record(exc)}
        try:
            metric.update(labels, preds)
            names, values = metric.get()
        except Exception as exc:
            return {"error": error_record(exc)}
        names = names if isinstance(names, list) else [names]
        values = values if isinstance(values, list) else [values]
        return {"names": names, "values": [float(v) for v in values]}

    # -- file formats ---------------------------------------------------------------------
    def file_net(self) -> Any:
        nn = self.mx.gluon.nn
        net = nn.HybridSequential()
        net.add(nn.Conv2D(3, kernel_size=3, padding=1, in_channels=2), nn.BatchNorm(in_channels=3),
                nn.Activation("relu"), nn.Flatten(), nn.Dense(4, in_units=48))
        net.initialize()
        for k, (_, p) in enumerate(sorted(net._collect_params_with_prefix().items())):
            p.set_data(self.mx.nd.array(deterministic(p.shape, k) + (1.0 if "var" in _ else 0)))
        return net

    def file_input(self) -> Any:
        return self.mx.nd.array(deterministic((2, 2, 4, 4), 7))

    def run_file(self, case: dict, inputs: list) -> dict:
        fmt, phase = case["format"], case["phase"]
        files = self.out / "files"
        files.mkdir(exist_ok=True)
        peer = self.read_from
        if phase == "read" and peer is None:
            return {"skipped": "no files of the other library to read"}
        try:
            if fmt == "nd_save":
                arrays = {"weight": deterministic((3, 4)), "count": np.arange(6, dtype=np.int32)}
                if phase == "write":
                    self.mx.nd.save(str(files / "arrays.nd"),
                                    {k: self.nd(v) for k, v in arrays.items()})
                    self.mx.nd.save(str(files / "list.nd"), [self.nd(arrays["weight"])])
                    return {"outputs": self.outputs(case["id"], "out",
                                                    [arrays["weight"], arrays["count"],
                                                     arrays["weight"]])}
                loaded = self.mx.nd.load(str(peer / "files" / "arrays.nd"))
                as_list = self.mx.nd.load(str(peer / "files" / "list.nd"))
                return {"outputs": self.outputs(case["id"], "out", [
                    loaded["weight"], loaded["count"], as_list[0]])}
            x = self.file_input()
            if fmt == "save_parameters":
                net = self.file_net()
                if phase == "write":
                    net.save_parameters(str(files / "net.params"))
                    return {"outputs": self.outputs(case["id"], "out", net(x))}
                net.load_parameters(str(peer / "files" / "net.params"))
                return {"outputs": self.outputs(case["id"], "out", net(x))}
            if fmt == "export":
                if phase == "write":
                    net = self.file_net()
                    net.hybridize()
                    y = net(x)
                    net.export(str(files / "exported"))
                    return {"outputs": self.outputs(case["id"], "out", y)}
                net = self.mx.gluon.SymbolBlock.imports(
                    str(peer / "files" / "exported-symbol.json"), ["data"],
                    str(peer / "files" / "exported-0000.params"))
                return {"outputs": self.outputs(case["id"], "out", net(x))}
        except Exception as exc:
            return {"error": error_record(exc)}
        raise ValueError(f"unknown file format {fmt!r}")

    # -- names each family offers -----------------------------------------------------------
    def optimizer_names(self) -> set[str]:
        return {n for n in self.mx.optimizer.Optimizer.opt_registry if n != "test"}

    def metric_names(self, lower: bool = False) -> set[str]:
        m = self.mx.metric
        names = {n for n in dir(m) if isinstance(getattr(m, n), type)
                 and issubclass(getattr(m, n), m.EvalMetric)
                 and n not in ("EvalMetric", "CustomMetric", "Caffe", "Torch", "np")
                 and not n.startswith("_")}
        return {n.lower() for n in names} if lower else names

    def op_names(self) -> list[str]:
        """``relu``, ``random.uniform``... MXNet's generated op functions only (their module
        says so); every public function of minigluon's ``nd``, to see which MXNet ops it has."""
        nd, out = self.mx.nd, []
        for prefix in ("", "random", "contrib", "linalg"):
            space = getattr(nd, prefix, None) if prefix else nd
            for n in dir(space) if space is not None else []:
                f = getattr(space, n, None)
                if n.startswith("_") or not callable(f) or isinstance(f, type):
                    continue
                if self.mx.__name__ == "mxnet" and getattr(f, "__module__", "") not in (
                        "ndarray", f"mxnet.ndarray.{prefix}"):
                    continue
                out.append(f"{prefix}.{n}" if prefix else n)
        return sorted(out)

    def names(self) -> dict:
        mx = self.mx
        nn, loss = mx.gluon.nn, mx.gluon.loss

        def classes(module: Any, base: type, skip: set) -> list:
            return sorted(n for n in dir(module) if isinstance(getattr(module, n), type)
                          and issubclass(getattr(module, n), base) and n not in skip
                          and not n.startswith("_"))

        inits = {c.__name__ for c in vars(mx.init).values() if isinstance(c, type)
                 and issubclass(c, mx.init.Initializer) and c is not mx.init.Initializer}
        return {
            "ops": self.op_names(),
            "layers": classes(nn, mx.gluon.Block, {"Block", "HybridBlock", "SymbolBlock"}),
            "losses": classes(loss, loss.Loss, {"Loss"}),
            "initializers": sorted(inits - {"Load", "Mixed", "InitDesc"}),
            "optimizers": sorted(self.optimizer_names()),
            "metrics": sorted(self.metric_names()),
        }


RUNNERS = {"op": Run.run_op, "block": Run.run_block, "init": Run.run_init,
           "optimizer": Run.run_optimizer, "metric": Run.run_metric, "file": Run.run_file}


def run_cases(run: Run, cases: list, base: Path, log: Path) -> None:
    """Run the cases not yet in ``log``, appending one JSON line per result as it comes.

    A case that kills the interpreter (MXNet aborts on some bad inputs) leaves its id in
    ``<log>.current``: the harness records it as a crash and starts the driver again.
    """
    done = set()
    if log.exists():
        done = {json.loads(line)["id"] for line in log.read_text().splitlines() if line}
    current = log.with_suffix(".current")
    with log.open("a") as sink:
        for case in cases:
            if case["id"] in done:
                continue
            current.write_text(case["id"])
            inputs = [None if f is None else np.load(base / f) for f in case.get("inputs", [])]
            run.mx.random.seed(42)
            try:
                res = RUNNERS[case["kind"]](run, case, inputs)
            except MissingError as exc:
                res = {"missing": str(exc)}
            except Exception as exc:
                res = {"error": error_record(exc), "driver_error": traceback.format_exc()[-1500:]}
            sink.write(json.dumps({"id": case["id"], "result": res}) + "\n")
            sink.flush()
    current.unlink(missing_ok=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", required=True, choices=["mxnet", "minigluon"])
    parser.add_argument("--cases", type=Path, help="cases.json (inputs beside it)")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--params-from", type=Path, help="take layer weights from this run")
    parser.add_argument("--read-from", type=Path, help="the other library's written files")
    parser.add_argument("--phase", choices=["all", "read"], default="all",
                        help="'read': only read the other library's files")
    args = parser.parse_args(argv)
    os.environ.setdefault("MXNET_ENFORCE_DETERMINISM", "1")
    started = time.time()
    mx = importlib.import_module(args.library)
    mx.random.seed(42)
    run = Run(mx, args.out, args.params_from, args.read_from)
    args.out.mkdir(parents=True, exist_ok=True)
    about = {"library": args.library, "version": getattr(mx, "__version__", "?"),
             "numpy": np.__version__, "names": run.names()}
    (args.out / "about.json").write_text(json.dumps(about, indent=1))
    if args.cases:
        cases = json.loads(args.cases.read_text())
        if args.phase == "read":
            cases = [c for c in cases if c["kind"] == "file" and c["phase"] == "read"]
        name = "results-read.jsonl" if args.phase == "read" else "results.jsonl"
        run_cases(run, cases, args.cases.parent, args.out / name)
    print(f"{args.library}: {time.time() - started:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
