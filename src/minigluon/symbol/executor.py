"""``CachedGraph``: a graph planned once and run many times, as one autograd node per call.

The plan is a list of steps (kernel, attributes, input slots, output slots) in topological
order; running it is one loop of kernel calls over a slot list, with no per-op dispatch. While
autograd records, the slot list is kept for the backward pass, which walks the plan in reverse
calling each op's registered VJP; otherwise each slot is dropped after its last use, and a
prediction-mode graph runs its inference plan (:mod:`~minigluon.symbol.fusion`:
convolution, batch norm and relu chains as one kernel). That inference plan is also compiled to
one straight-line function (:mod:`~minigluon.symbol.compiled`), ``run_lean``, which a
hybridized block calls directly, without the autograd node, when nothing records.

Memory while training: the recording forward keeps only the values some VJP reads
(``Op.saves``: relu reads its output, an addition neither input), replacing the others after
their last forward use by a shape-and-dtype stand-in; the backward drops each gradient once the
step producing its slot has consumed it and, unless the graph is retained
(``retain_graph=True``), each value after the last VJP that reads it. So the peak holds what the
backward still needs, not every intermediate of the forward.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..autograd import STATE
from ..base import MXNetError
from ..ops.dispatch import invoke
from ..ops.registry import Op, stand_in
from .compiled import compile_plan, run_step
from .fusion import fuse_for_inference
from .graph import Entry, Node, topo_order

__all__ = ["CachedGraph"]


class _Step:
    __slots__ = (
        "bwd_attrs",
        "drop",
        "free",
        "fwd",
        "fwd_attrs",
        "ins",
        "name",
        "op",
        "outs",
        "reads_in",
        "reads_out",
        "release",
    )

    def __init__(self, node: Node, ins: list[int], outs: list[int], training: bool) -> None:
        op = node.op
        assert op is not None
        self.op = op
        self.name = node.name
        self.fwd = op.forward
        self.bwd_attrs = {**op.attr_defaults, **node.attrs}
        self.fwd_attrs = dict(self.bwd_attrs)
        if op.uses_train_mode:
            self.fwd_attrs["is_train"] = training
        self.ins = ins
        self.outs = outs
        self.free: list[int] = []  # slots whose last reader is this step
        # what the VJP reads (Op.saves): positions in ins / outs
        saved = op.saved(self.bwd_attrs) if op.differentiable else ((), ())
        if saved is None:
            self.reads_in, self.reads_out = range(len(ins)), range(len(outs))
        else:
            self.reads_in = sorted({i % len(ins) for i in saved[0]})
            self.reads_out = sorted({i % len(outs) for i in saved[1]})
        self.drop: list[int] = []  # recording: slots no VJP reads, unused after this step
        self.release: list[int] = []  # backward: slots no VJP before this one reads


class CachedGraph:
    """Run the graph of ``outputs`` on arrays fed in ``input_names`` order.

    Parameters
    ----------
    outputs : list of (Node, int)
        The graph's output entries (a Symbol's ``_outputs``).
    input_names : list of str
        Variable names in the order their arrays are passed to ``__call__``.
    training : bool
        Mode baked into train-aware ops (Dropout, BatchNorm); cache one graph per mode.
    """

    def __init__(self, outputs: Sequence[Entry], input_names: Sequence[str],
                 training: bool) -> None:
        order = topo_order(list(outputs))
        slot: dict[tuple[int, int], int] = {}
        var_slot: dict[str, int] = {}
        for n in order:
            if n.is_var:
                if n.name in var_slot:
                    raise MXNetError(f"two different variables are named '{n.name}'")
                var_slot[n.name] = slot[(id(n), 0)] = len(slot)
        missing = [v for v in var_slot if v not in input_names]
        if missing:
            raise MXNetError(f"the graph reads variables {missing} that were not given as inputs "
                             f"({list(input_names)})")
        self.input_slots = [var_slot.get(name, -1) for name in input_names]
        self.plan: list[_Step] = []
        for n in order:
            if n.is_var:
                continue
            ins = [-1 if e is None else slot[(id(e[0]), e[1])] for e in n.inputs]
            total = n.num_outputs() + n.op.num_hidden  # type: ignore[union-attr]
            outs = []
            for i in range(total):
                slot[(id(n), i)] = len(slot)
                outs.append(slot[(id(n), i)])
            self.plan.append(_Step(n, ins, outs, training))
        self.n_slots = len(slot)
        self.out_slots = [slot[(id(n), i)] for n, i in outputs]
        keep = set(self.out_slots) | set(self.input_slots)
        self._plan_frees(self.plan, keep)
        self._plan_saves(self.plan, keep)
        # what runs when nothing records (training graphs keep batch statistics: no fusion)
        self.infer_plan = self.plan
        if not training:
            fused = fuse_for_inference(self.plan, keep)
            if fused is not None:
                self.infer_plan = fused
                self._plan_frees(fused, keep)
        # the inference plan as one straight-line function: what a hybridized block calls
        # directly (no autograd node, no slot list) when nothing records and no hook watches
        self.run_lean = compile_plan(self.infer_plan, self.input_slots, self.out_slots)
        # called after each step with (node name, op, inputs, outputs): register_op_hook
        self.monitor: Any = None
        self._need_cache: dict[tuple | None, list[bool]] = {}
        self.op = Op(name="_CachedOp", forward=self._forward, array_params=(), attr_params=(),
                     variadic=True, num_outputs=len(self.out_slots), num_hidden=1)
        self.op.def_backward(self._backward)

    @staticmethod
    def _plan_frees(plan: list[Any], keep: set[int]) -> None:
        last: dict[int, int] = {}
        for k, step in enumerate(plan):
            for s in step.ins:
                if s >= 0:
                    last[s] = k
        for s, k in last.items():
            if s not in keep:
                plan[k].free.append(s)

    @staticmethod
    def _plan_saves(plan: list[_Step], keep: set[int]) -> None:
        """Where the recording forward drops the values no VJP reads (``step.drop``) and where
        the backward walk has passed the last VJP that reads a value (``step.release``)."""
        first_read: dict[int, int] = {}  # the earliest step whose VJP reads the slot
        for k in range(len(plan) - 1, -1, -1):
            step = plan[k]
            for p in step.reads_in:
                if step.ins[p] >= 0:
                    first_read[step.ins[p]] = k
            for p in step.reads_out:
                first_read[step.outs[p]] = k
        last_use: dict[int, int] = {}  # the forward's last reader, or else the producer
        for k, step in enumerate(plan):
            for s in step.outs:
                last_use[s] = k
            for s in step.ins:
                if s >= 0:
                    last_use[s] = k
        for s, k in last_use.items():
            if s not in first_read and s not in keep:
                plan[k].drop.append(s)
        for s, k in first_read.items():
            if s not in plan[k].outs:  # a step's own outputs are released with its gradients
                plan[k].release.append(s)

    def __call__(self, *arrays: Any) -> Any:
        """Run on NDArrays (one per input name); returns an NDArray or a list of them."""
        return invoke(self.op, arrays, {})

    # -- the op behind __call__: forward keeps the slot list as a hidden output ----------------
    def _forward(self, *datas: Any) -> tuple:
        env: list[Any] = [None] * self.n_slots
        for s, d in zip(self.input_slots, datas):
            if s >= 0:
                env[s] = d
        keep = STATE.recording
        monitor = self.monitor
        for step in self.plan if keep or monitor else self.infer_plan:
            args = [env[i] if i >= 0 else None for i in step.ins]
            res = run_step(step, args)
            if len(step.outs) == 1:
                env[step.outs[0]] = res
            else:
                for s, r in zip(step.outs, res):
                    env[s] = r
            if monitor is not None:
                monitor(step.name, step.op, args, [env[s] for s in step.outs])
            if not keep:
                for s in step.free:
                    env[s] = None
            else:
                for s in step.drop:  # no VJP reads it: keep its shape and dtype only
                    env[s] = stand_in(env[s])
        return (*[env[s] for s in self.out_slots], env)

    def _needs(self, needs: tuple | None) -> list[bool]:
        """Which slots lie on a path from an input that needs a gradient (computed once per
        pattern of ``needs``: a training loop asks the same every step)."""
        need = self._need_cache.get(needs)
        if need is None:
            need = self._need_cache[needs] = self._find_needs(needs)
        return need

    def _find_needs(self, needs: tuple | None) -> list[bool]:
        need = [needs is None] * self.n_slots
        if needs is not None:
            for s, flag in zip(self.input_slots, needs):
                if s >= 0 and flag:
                    need[s] = True
            for step in self.plan:
                if step.op.differentiable and any(need[i] for i in step.ins if i >= 0):
                    for s in step.outs:
                        need[s] = True
        return need

    def _backward(self, g: tuple, ins: tuple, outs: tuple, needs: tuple | None = None) -> tuple:
        env = outs[-1]
        if not env:
            raise MXNetError("this graph's forward values were released by a backward that "
                             "failed; run the forward again")
        # Unless the graph is retained for another backward, the slot list is this walk's to
        # empty: each value goes after the last VJP that reads it.
        release = not STATE.retain_graph
        try:
            return self._walk(g, env, self._needs(needs), release)
        finally:
            if release:
                env.clear()

    def _walk(self, g: tuple, env: list, need: list[bool], release: bool) -> tuple:
        grads: list[Any] = [None] * self.n_slots
        for s, gs in zip(self.out_slots, g[:-1]):
            if gs is not None:
                grads[s] = gs if grads[s] is None else grads[s] + gs
        for step in reversed(self.plan):
            in_grads = step.op.vjp([grads[s] for s in step.outs],
                                   [env[i] if i >= 0 else None for i in step.ins],
                                   [env[s] for s in step.outs], step.bwd_attrs,
                                   [i >= 0 and need[i] for i in step.ins])
            for s in step.outs:  # consumed: no step before this one reads these gradients
                grads[s] = None
            for i, gi in zip(step.ins, in_grads):
                if i >= 0 and gi is not None:
                    grads[i] = gi if grads[i] is None else grads[i] + gi
            if release:
                for s in step.outs:
                    env[s] = None
                for s in step.release:  # earlier VJPs read only its shape and dtype
                    env[s] = stand_in(env[s])
        return tuple(grads[s] if s >= 0 else None for s in self.input_slots)
