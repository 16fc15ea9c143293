"""LeNet-sized NN ops (batch 64, 1x28x28): forward and backward, minigluon vs PyTorch CPU.

The four timings of a row (and the conv stack's four) take turns, round after round; medians.

Layers as in SPEC's LeNet: conv 20 k5, max-pool 2, conv 50 k5, max-pool 2 (relu between).
"forward" runs the op through ``nd`` (recording off); "backward" calls the op's registered
VJP on the forward's result (what ``autograd.backward`` runs for that node), computing every
input gradient as PyTorch's row does. The last rows run the whole conv stack through
``autograd.record()`` / ``backward()`` against the same stack in PyTorch with the input not
requiring a gradient.
"""

from __future__ import annotations

import numpy as np

from minigluon import autograd, nd
from minigluon.ops import get

from .common import compare, print_table, torch_or_none


def _ours(name: str, arrays: list, attrs: dict) -> dict:
    op = get(name)
    nds = [nd.array(a) for a in arrays]
    fn = getattr(nd, name)
    out = op.forward(*arrays, **attrs)
    outs = out if isinstance(out, tuple) else (out,)
    head = np.ones_like(outs[0])
    g = head if len(outs) == 1 else (head, *[np.zeros_like(o) for o in outs[1:]])
    full = {**op.attr_defaults, **attrs}
    return {"ours_f": lambda: fn(*nds, **attrs),
            "ours_b": lambda: op.backward(g, tuple(arrays), out, **full)}


def _torch(torch, fn, arrays: list) -> dict:
    ts = [torch.from_numpy(a).requires_grad_() for a in arrays]
    out = fn(*ts)
    head = torch.ones_like(out)
    return {"tor_f": lambda: fn(*ts),
            "tor_b": lambda: torch.autograd.grad(out, ts, head, retain_graph=True)}


def _ms(t: dict, key: str) -> float | None:
    return t[key] * 1e3 if key in t else None


def run() -> None:
    rng = np.random.default_rng(0)
    f32 = np.float32
    x = rng.standard_normal((64, 1, 28, 28)).astype(f32)
    w1, b1 = (rng.standard_normal((20, 1, 5, 5)) * 0.2).astype(f32), np.zeros(20, f32)
    w2, b2 = (rng.standard_normal((50, 20, 5, 5)) * 0.05).astype(f32), np.zeros(50, f32)
    h1 = np.maximum(rng.standard_normal((64, 20, 24, 24)), 0).astype(f32)
    p1 = rng.standard_normal((64, 20, 12, 12)).astype(f32)
    h2 = rng.standard_normal((64, 50, 8, 8)).astype(f32)
    torch = torch_or_none()
    tf = torch.nn.functional if torch is not None else None
    cases = [
        ("conv1 1->20 k5, 28x28", "Convolution", [x, w1, b1],
         dict(kernel=(5, 5), num_filter=20), lambda a, w, b: tf.conv2d(a, w, b)),
        ("max-pool 2 (20x24x24)", "Pooling", [h1], dict(kernel=(2, 2), stride=(2, 2)),
         lambda a: tf.max_pool2d(a, 2)),
        ("conv2 20->50 k5, 12x12", "Convolution", [p1, w2, b2],
         dict(kernel=(5, 5), num_filter=50), lambda a, w, b: tf.conv2d(a, w, b)),
        ("max-pool 2 (50x8x8)", "Pooling", [h2], dict(kernel=(2, 2), stride=(2, 2)),
         lambda a: tf.max_pool2d(a, 2)),
        ("avg-pool 2 (20x24x24)", "Pooling", [h1],
         dict(kernel=(2, 2), stride=(2, 2), pool_type="avg"), lambda a: tf.avg_pool2d(a, 2)),
        ("relu (20x24x24)", "Activation", [h1 - 0.5], dict(act_type="relu"),
         lambda a: tf.relu(a)),
        ("dense 800->500", "FullyConnected",
         [rng.standard_normal((64, 800)).astype(f32),
          rng.standard_normal((500, 800)).astype(f32), np.zeros(500, f32)],
         dict(num_hidden=500), lambda a, w, b: tf.linear(a, w, b)),
    ]
    rows = []
    for label, name, arrays, attrs, tfn in cases:
        fns = _ours(name, arrays, attrs)
        if torch is not None:
            fns.update(_torch(torch, tfn, arrays))
        t = compare(fns)
        rows.append([label, *[_ms(t, k) for k in ("ours_f", "tor_f", "ours_b", "tor_b")]])

    # the conv stack end to end: x (no grad) -> conv -> relu -> pool -> conv -> relu -> pool
    params = [nd.array(a) for a in (w1, b1, w2, b2)]
    for p in params:
        p.attach_grad()
    xd = nd.array(x)

    def stack() -> nd.NDArray:
        h = nd.Convolution(xd, params[0], params[1], kernel=(5, 5), num_filter=20)
        h = nd.Pooling(nd.relu(h), kernel=(2, 2), stride=(2, 2))
        h = nd.Convolution(h, params[2], params[3], kernel=(5, 5), num_filter=50)
        return nd.Pooling(nd.relu(h), kernel=(2, 2), stride=(2, 2))

    def train_step() -> None:
        with autograd.record():
            y = stack()
        y.backward()

    fns = {"ours_f": stack, "ours_fb": train_step}
    if torch is not None:
        tx = torch.from_numpy(x)
        tp = [torch.from_numpy(a).requires_grad_() for a in (w1, b1, w2, b2)]

        def tstack():
            h = tf.max_pool2d(tf.relu(tf.conv2d(tx, tp[0], tp[1])), 2)
            return tf.max_pool2d(tf.relu(tf.conv2d(h, tp[2], tp[3])), 2)

        def tstack_no_grad():
            with torch.no_grad():
                return tstack()

        def tstep() -> None:
            tstack().sum().backward()

        fns.update({"tor_f": tstack_no_grad, "tor_fb": tstep})
    t = compare(fns)
    rows.append(["conv stack: forward", _ms(t, "ours_f"), _ms(t, "tor_f"), None, None])
    rows.append(["conv stack: forward + backward", _ms(t, "ours_fb"), _ms(t, "tor_fb"), None,
                 None])
    print_table("LeNet-sized NN ops, batch 64 (milliseconds, medians taking turns; 1 thread)",
                ["op", "minigluon fwd", "torch fwd", "minigluon bwd", "torch bwd"], rows)
