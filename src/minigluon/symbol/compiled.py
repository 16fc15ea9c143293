"""A plan compiled to one straight-line Python function, for runs that keep nothing.

When nothing records and no op hook watches, running a :class:`CachedGraph` needs no slot list,
no per-step argument lists and no validation that tracing already did. :func:`compile_plan`
writes the plan out as Python source, one line per step (``s7 = k2(s0, s5, s6)``), with
``del`` after each slot's last reader, so a call costs its kernels and little else: at batch 1
the MLP's three GEMVs take about as long as the per-step Python they used to carry.

Kernels are the ops' own forwards with their attributes bound, except where the op registers a
lean kernel (``Op.def_lean``: FullyConnected, Activation), the same arithmetic without
re-checking shapes the trace checked. A lean kernel
that raises (an input of another shape than traced) hands over to the op's own forward, which
then raises the error running the op imperatively would (or computes, if the lean kernel's
domain was only narrower); an op's own forward that raises is reported the same way, never run
twice (it may call hooks).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

import numpy as np

from ..base import MXNetError, op_error
from .graph import name_node_in_error

__all__ = ["compile_plan", "run_step"]


def run_step(step: Any, args: Sequence[Any]) -> Any:
    """Run one plan step with its op's own (validating) forward; errors name the node."""
    try:
        return step.fwd(*args, **step.fwd_attrs)
    except MXNetError as e:
        name_node_in_error(e, step.name)
        raise
    except (ValueError, IndexError, TypeError) as e:
        # numpy's own errors become what running the op imperatively raises
        shapes = [None if a is None else np.shape(a) for a in args]
        raise name_node_in_error(op_error(step.op, shapes, e), step.name) from e


def _kernel(step: Any) -> tuple[Callable, bool]:
    """(kernel, whether it is lean) for a step; ``step.fwd_attrs`` bound once, here."""
    make = step.op.lean
    # a lean kernel takes the inputs positionally, so only when no optional input is absent
    if make is not None and all(s >= 0 for s in step.ins):
        lean = make(len(step.ins), **step.bwd_attrs)
        if lean is not None:
            return lean, True
    return (partial(step.fwd, **step.fwd_attrs) if step.fwd_attrs else step.fwd), False


def _failed(step: Any, rerun: bool, args: tuple, e: BaseException) -> Any:
    """A step's kernel raised ``e``: let the op's own forward run it (lean) or report it."""
    if rerun:
        try:
            return run_step(step, args)
        except Exception as err:
            err.__suppress_context__ = True  # the lean kernel's own error is no news to a user
            raise
    if isinstance(e, MXNetError):
        name_node_in_error(e, step.name)
        raise e
    if isinstance(e, (ValueError, IndexError, TypeError)):
        shapes = [None if a is None else np.shape(a) for a in args]
        raise name_node_in_error(op_error(step.op, shapes, e), step.name) from e
    raise e


def compile_plan(plan: Sequence[Any], input_slots: Sequence[int], out_slots: Sequence[int]
                 ) -> Callable[..., tuple]:
    """A function of the graph's input arrays (``input_slots`` order) returning its outputs.

    Steps run in plan order; a slot is deleted after its last reader (``step.free``), as the
    interpreted plan drops it, so large graphs hold no more memory than before.
    """
    names = {"None": None}
    params = ", ".join(f"s{s}" if s >= 0 else f"_unused{i}" for i, s in enumerate(input_slots))
    lines = [f"def run({params}):"]
    for k, step in enumerate(plan):
        kernel, lean = _kernel(step)
        names[f"k{k}"] = kernel
        names[f"t{k}"] = step
        args = ", ".join(f"s{i}" if i >= 0 else "None" for i in step.ins)
        targets = [f"s{s}" for s in step.outs]
        call = f"k{k}({args})"
        # try costs nothing in Python 3.11+ until something raises
        lines.append("    try:")
        if len(targets) == 1:
            lines.append(f"        {targets[0]} = {call}")
        else:
            lines.append(f"        _r = {call}")
        lines.append("    except Exception as _e:")
        fallback = f"_failed(t{k}, {lean}, ({args}{',' if args else ''}), _e)"
        if len(targets) == 1:
            lines.append(f"        {targets[0]} = {fallback}")
        else:
            lines.append(f"        _r = {fallback}")
        if len(targets) > 1:
            # as the interpreted plan does: output i of the step is result i (zip semantics)
            for i, t in enumerate(targets):
                lines.append(f"    {t} = _r[{i}] if len(_r) > {i} else None")
        freed = [f"s{s}" for s in step.free]
        if freed:
            lines.append(f"    del {', '.join(freed)}")
    outs = ", ".join(f"s{s}" for s in out_slots)
    lines.append(f"    return ({outs}{',' if len(out_slots) == 1 else ''})")
    names["_failed"] = _failed
    code = compile("\n".join(lines), "<minigluon compiled plan>", "exec")
    exec(code, names)  # the source holds only slot numbers and names bound in `names`
    return names["run"]  # type: ignore[return-value]
