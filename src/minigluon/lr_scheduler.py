"""Learning-rate schedules (``mx.lr_scheduler``): a function of the number of updates so far.

An optimizer given ``lr_scheduler=...`` asks it for the learning rate before every update,
passing ``num_update`` (the largest number of updates applied to any weight).

See Also
--------
LRScheduler, FactorScheduler, CosineScheduler
minigluon.optimizer.Optimizer
"""

from __future__ import annotations

import logging
import math
from typing import Any

__all__ = ["CosineScheduler", "FactorScheduler", "LRScheduler", "MultiFactorScheduler",
           "PolyScheduler"]


class LRScheduler:
    """Base class of learning-rate schedulers, with an optional warm-up phase.

    During the first ``warmup_steps`` updates the rate goes from ``warmup_begin_lr`` to
    ``base_lr`` linearly (``warmup_mode='linear'``) or stays at ``warmup_begin_lr``
    (``'constant'``). Subclasses implement ``__call__(num_update) -> float``.

    Parameters
    ----------
    base_lr : float, default 0.01
        The learning rate after warm-up (an optimizer's ``learning_rate`` overrides it).
    warmup_steps : int, default 0
        Number of warm-up updates.
    warmup_begin_lr : float, default 0
        Learning rate at the start of warm-up.
    warmup_mode : {'linear', 'constant'}, default 'linear'
        How the rate changes during warm-up.

    See Also
    --------
    FactorScheduler, CosineScheduler
    minigluon.optimizer.Optimizer.learning_rate

    Examples
    --------
    >>> import minigluon as mx
    >>> class Halving(mx.lr_scheduler.LRScheduler):
    ...     def __call__(self, num_update):
    ...         return self.base_lr / 2 ** num_update
    >>> Halving(base_lr=1.0)(3)
    0.125
    """

    def __init__(self, base_lr: float = 0.01, warmup_steps: int = 0,
                 warmup_begin_lr: float = 0, warmup_mode: str = "linear") -> None:
        self.base_lr = base_lr
        if not isinstance(warmup_steps, int):
            raise TypeError(f"warmup_steps must be an int, got {type(warmup_steps).__name__}")
        self.warmup_steps = warmup_steps
        self.warmup_final_lr = base_lr
        self.warmup_begin_lr = warmup_begin_lr
        if self.warmup_begin_lr > self.warmup_final_lr:
            raise ValueError("Base lr has to be higher than warmup_begin_lr")
        if self.warmup_steps < 0:
            raise ValueError("Warmup steps has to be positive or 0")
        if warmup_mode not in ("linear", "constant"):
            raise ValueError("Supports only linear and constant modes of warmup")
        self.warmup_mode = warmup_mode

    def _reset_base_lr(self, lr: float) -> None:
        # An optimizer's learning_rate overrides the scheduler's base_lr (MXNet prints a
        # warning and sets base_lr only; we also move the warm-up target and cosine/poly start
        # so that the schedule really starts from the optimizer's rate).
        self.base_lr = lr
        self.warmup_final_lr = lr
        if hasattr(self, "base_lr_orig"):
            self.base_lr_orig = lr

    def get_warmup_lr(self, num_update: int) -> float:
        """The learning rate at update ``num_update`` of the warm-up phase.

        Parameters
        ----------
        num_update : int
            Must be smaller than ``warmup_steps``.

        Returns
        -------
        float

        See Also
        --------
        LRScheduler

        Examples
        --------
        >>> import minigluon as mx
        >>> s = mx.lr_scheduler.FactorScheduler(step=10, base_lr=1.0, warmup_steps=4)
        >>> [s.get_warmup_lr(i) for i in range(4)]
        [0.0, 0.25, 0.5, 0.75]
        """
        if num_update >= self.warmup_steps:
            raise ValueError(f"get_warmup_lr: update {num_update} is past the warm-up phase "
                             f"(warmup_steps={self.warmup_steps})")
        if self.warmup_mode == "linear":
            increase = ((self.warmup_final_lr - self.warmup_begin_lr)
                        * float(num_update) / float(self.warmup_steps))
            return self.warmup_begin_lr + increase
        return self.warmup_begin_lr

    def __call__(self, num_update: int) -> float:
        raise NotImplementedError("must override this")

    def __repr__(self) -> str:
        return f"{type(self).__name__}(base_lr={self.base_lr})"


class FactorScheduler(LRScheduler):
    """Multiply the learning rate by ``factor`` every ``step`` updates.

    ``lr = base_lr * factor ** floor((num_update - 1) / step)``, never below
    ``stop_factor_lr``.

    Parameters
    ----------
    step : int
        Updates between two reductions (>= 1).
    factor : float, default 1
        Multiplier (<= 1).
    stop_factor_lr : float, default 1e-8
        Lower bound of the learning rate.
    base_lr, warmup_steps, warmup_begin_lr, warmup_mode
        See :class:`LRScheduler`.

    See Also
    --------
    MultiFactorScheduler, CosineScheduler
    minigluon.gluon.Trainer.set_learning_rate : A manual schedule instead.

    Examples
    --------
    >>> import minigluon as mx
    >>> s = mx.lr_scheduler.FactorScheduler(step=2, factor=0.5, base_lr=1.0)
    >>> [s(n) for n in range(1, 7)]
    [1.0, 1.0, 0.5, 0.5, 0.25, 0.25]
    """

    def __init__(self, step: int, factor: float = 1, stop_factor_lr: float = 1e-8,
                 base_lr: float = 0.01, warmup_steps: int = 0, warmup_begin_lr: float = 0,
                 warmup_mode: str = "linear") -> None:
        super().__init__(base_lr, warmup_steps, warmup_begin_lr, warmup_mode)
        if step < 1:
            raise ValueError("Schedule step must be greater or equal than 1 round")
        if factor > 1.0:
            raise ValueError("Factor must be no more than 1 to make lr reduce")
        self.step = step
        self.factor = factor
        self.stop_factor_lr = stop_factor_lr
        self.count = 0

    def __call__(self, num_update: int) -> float:
        if num_update < self.warmup_steps:
            return self.get_warmup_lr(num_update)
        # `while`, not `if`: resuming at a large num_update applies every reduction.
        while num_update > self.count + self.step:
            self.count += self.step
            self.base_lr *= self.factor
            if self.base_lr < self.stop_factor_lr:
                self.base_lr = self.stop_factor_lr
                logging.info("Update[%d]: now learning rate arrived at %0.5e, will not "
                             "change in the future", num_update, self.base_lr)
            else:
                logging.info("Update[%d]: Change learning rate to %0.5e",
                             num_update, self.base_lr)
        return self.base_lr


class MultiFactorScheduler(LRScheduler):
    """Multiply the learning rate by ``factor`` after each update count listed in ``step``.

    ``lr = base_lr * factor ** k`` where ``k`` is the number of entries of ``step`` smaller
    than ``num_update``.

    Parameters
    ----------
    step : list of int
        Increasing update counts.
    factor : float, default 1
        Multiplier (<= 1).
    base_lr, warmup_steps, warmup_begin_lr, warmup_mode
        See :class:`LRScheduler`.

    See Also
    --------
    FactorScheduler, CosineScheduler

    Examples
    --------
    >>> import minigluon as mx
    >>> s = mx.lr_scheduler.MultiFactorScheduler(step=[2, 4], factor=0.1, base_lr=1.0)
    >>> [round(s(n), 6) for n in range(1, 6)]
    [1.0, 1.0, 0.1, 0.1, 0.01]
    """

    def __init__(self, step: list[int], factor: float = 1, base_lr: float = 0.01,
                 warmup_steps: int = 0, warmup_begin_lr: float = 0,
                 warmup_mode: str = "linear") -> None:
        super().__init__(base_lr, warmup_steps, warmup_begin_lr, warmup_mode)
        if not isinstance(step, list) or len(step) < 1:
            raise ValueError(f"step must be a non-empty list of int, got {step!r}")
        for i, s in enumerate(step):
            if i != 0 and step[i] <= step[i - 1]:
                raise ValueError("Schedule step must be an increasing integer list")
            if s < 1:
                raise ValueError("Schedule step must be greater or equal than 1 round")
        if factor > 1.0:
            raise ValueError("Factor must be no more than 1 to make lr reduce")
        self.step = step
        self.cur_step_ind = 0
        self.factor = factor
        self.count = 0

    def __call__(self, num_update: int) -> float:
        if num_update < self.warmup_steps:
            return self.get_warmup_lr(num_update)
        while self.cur_step_ind < len(self.step) and num_update > self.step[self.cur_step_ind]:
            self.count = self.step[self.cur_step_ind]
            self.cur_step_ind += 1
            self.base_lr *= self.factor
            logging.info("Update[%d]: Change learning rate to %0.5e", num_update, self.base_lr)
        return self.base_lr


class PolyScheduler(LRScheduler):
    """Polynomial decay from ``base_lr`` to ``final_lr`` over ``max_update`` updates.

    ``lr = final_lr + (base_lr - final_lr) * (1 - t / T) ** pwr`` with
    ``t = num_update - warmup_steps`` and ``T = max_update - warmup_steps``; the rate stays at
    its last value after ``max_update``.

    Parameters
    ----------
    max_update : int
        Update count at which the decay ends (>= 1).
    base_lr : float, default 0.01
        Learning rate at the start of the decay.
    pwr : float, default 2
        Power of the polynomial (1: linear decay).
    final_lr : float, default 0
        Learning rate at the end.
    warmup_steps, warmup_begin_lr, warmup_mode
        See :class:`LRScheduler`.

    See Also
    --------
    CosineScheduler, FactorScheduler

    Examples
    --------
    >>> import minigluon as mx
    >>> s = mx.lr_scheduler.PolyScheduler(max_update=4, base_lr=1.0, pwr=2)
    >>> [s(n) for n in range(6)]
    [1.0, 0.5625, 0.25, 0.0625, 0.0, 0.0]
    """

    def __init__(self, max_update: int, base_lr: float = 0.01, pwr: float = 2,
                 final_lr: float = 0, warmup_steps: int = 0, warmup_begin_lr: float = 0,
                 warmup_mode: str = "linear") -> None:
        super().__init__(base_lr, warmup_steps, warmup_begin_lr, warmup_mode)
        if not isinstance(max_update, int):
            raise TypeError(f"max_update must be an int, got {type(max_update).__name__}")
        if max_update < 1:
            raise ValueError("maximum number of updates must be strictly positive")
        self.power = pwr
        self.base_lr_orig = base_lr
        self.max_update = max_update
        self.final_lr = final_lr
        self.max_steps = self.max_update - self.warmup_steps

    def __call__(self, num_update: int) -> float:
        if num_update < self.warmup_steps:
            return self.get_warmup_lr(num_update)
        if num_update <= self.max_update:
            t = float(num_update - self.warmup_steps) / max(self.max_steps, 1)
            self.base_lr = (self.final_lr
                            + (self.base_lr_orig - self.final_lr) * (1 - t) ** self.power)
        return self.base_lr


class CosineScheduler(LRScheduler):
    """Cosine decay from ``base_lr`` to ``final_lr`` over ``max_update`` updates.

    ``lr = final_lr + (base_lr - final_lr) * (1 + cos(pi * t / T)) / 2`` with
    ``t = num_update - warmup_steps`` and ``T = max_update - warmup_steps``; ``final_lr``
    after ``max_update``.

    Parameters
    ----------
    max_update : int
        Update count at which the decay ends (>= 1).
    base_lr : float, default 0.01
        Learning rate at the start of the decay.
    final_lr : float, default 0
        Learning rate at the end.
    warmup_steps, warmup_begin_lr, warmup_mode
        See :class:`LRScheduler`.

    See Also
    --------
    FactorScheduler, MultiFactorScheduler

    Examples
    --------
    >>> import minigluon as mx
    >>> s = mx.lr_scheduler.CosineScheduler(max_update=4, base_lr=1.0)
    >>> [round(s(n), 4) for n in range(6)]
    [1.0, 0.8536, 0.5, 0.1464, 0.0, 0.0]
    """

    def __init__(self, max_update: int, base_lr: float = 0.01, final_lr: float = 0,
                 warmup_steps: int = 0, warmup_begin_lr: float = 0,
                 warmup_mode: str = "linear") -> None:
        super().__init__(base_lr, warmup_steps, warmup_begin_lr, warmup_mode)
        if not isinstance(max_update, int):
            raise TypeError(f"max_update must be an int, got {type(max_update).__name__}")
        if max_update < 1:
            raise ValueError("maximum number of updates must be strictly positive")
        self.base_lr_orig = base_lr
        self.max_update = max_update
        self.final_lr = final_lr
        self.max_steps = self.max_update - self.warmup_steps

    def __call__(self, num_update: int) -> float:
        if num_update < self.warmup_steps:
            return self.get_warmup_lr(num_update)
        if num_update <= self.max_update:
            t = float(num_update - self.warmup_steps) / max(self.max_steps, 1)
            self.base_lr = (self.final_lr + (self.base_lr_orig - self.final_lr)
                            * (1 + math.cos(math.pi * t)) / 2)
        return self.base_lr


def _scheduler_class(name: str) -> Any:
    return {c.__name__: c for c in (LRScheduler, FactorScheduler, MultiFactorScheduler,
                                    CosineScheduler, PolyScheduler)}.get(name)
