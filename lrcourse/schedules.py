"""Learning-rate schedules as pure functions of the step (or epoch) index.

Every schedule here is a closed formula: give it the index ``t`` and the settings,
it returns the learning rate as a Python ``float``. Nothing is stepped, nothing is
remembered, so calling a schedule cannot change it. That is the difference from a
``torch.optim.lr_scheduler`` object, which updates the optimizer's rate in place
each time ``step()`` is called: step one through its whole curve to draw a plot and
it is used up, and training with it afterwards runs at the final rate.

Symbols used throughout:

    t        the index: epoch for the decays of lesson 08, iteration (batch) otherwise;
             t = 0 is the first epoch or batch
    lr_0     base_lr, the rate the schedule starts from or returns to
    lr_t     the rate to use for epoch or batch t

Rates are Python floats, and the indices may be any integer >= 0 (NumPy integers
and 0-d tensors included). Where a formula's value is too large for a float (above
about 1.8e308, say ``exponential_lr(2000, 1.0, gamma=2.0)``) the call raises
``ValueError`` naming the arguments that make it so, rather than returning ``inf``
(a rate no optimizer can use, and ``0 * inf`` is NaN); a value too small for a
float becomes ``0.0``, as float arithmetic rounds it.

The indices follow PyTorch: a torch scheduler that has been stepped ``t`` times
(``optimizer.step(); scheduler.step()`` in each epoch or batch) has
``scheduler.get_last_lr()[0] == schedule(t, ...)``.

Decays (lesson 08, ``08_lr_schedulers``): ``step_lr``, ``multistep_lr``,
``exponential_lr``, ``inverse_time_lr``, ``cosine_lr``. Warmups (lesson 09,
``09_warmup``): ``linear_warmup_lr``, ``constant_warmup_lr``, ``warmup_piecewise_lr``.
Cycles (lesson 10, ``10_cyclical_lr``): ``cyclical_lr``.

Two helpers connect them to the rest of the course:

* ``schedule_values(schedule, steps, **settings)`` lists a schedule's rates, for a plot;
* ``as_lambda_lr(optimizer, schedule, **settings)`` drives any torch optimizer with one,
  through ``torch.optim.lr_scheduler.LambdaLR``.

Example::

    >>> step_lr(120, base_lr=0.1, step_size=50, gamma=0.5)
    0.025
    >>> schedule_values(step_lr, 4, base_lr=0.1, step_size=2, gamma=0.5)
    [0.1, 0.1, 0.05, 0.05]

The schedules most trainings use today are here too: ``one_cycle_lr`` (with
``one_cycle_momentum``, the momentum it cycles) and ``cosine_restarts_lr``, equal to
PyTorch's ``OneCycleLR`` and ``CosineAnnealingWarmRestarts``. ``ReduceLROnPlateau``
has no closed form, since it reads the validation losses: the schedulers lesson
studies it by experiment (``lrcourse.lessons.decay.plateau_rates``).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from lrcourse._checks import (
    check_bool,
    check_callable,
    check_choice,
    check_finite,
    check_increasing,
    check_instance,
    check_int,
    check_length,
    check_positive,
    check_range,
    shown,
)

if TYPE_CHECKING:
    import torch

__all__ = [
    "step_lr",
    "multistep_lr",
    "exponential_lr",
    "inverse_time_lr",
    "cosine_lr",
    "linear_warmup_lr",
    "constant_warmup_lr",
    "warmup_piecewise_lr",
    "boundaries_per_gpu",
    "cyclical_lr",
    "CLR_MODES",
    "one_cycle_lr",
    "one_cycle_momentum",
    "ANNEAL_STRATEGIES",
    "cosine_restarts_lr",
    "schedule_values",
    "as_lambda_lr",
    "torch_schedule_values",
]

CLR_MODES = ("triangular", "triangular2", "exp_range")

Schedule = Callable[..., float]


# ----------------------------------------------------------------------------------
# Argument checks
# ----------------------------------------------------------------------------------


def _check_factor(name: str, value: Any) -> float:
    return check_range(name, value, 0, 1)


def _power(gamma: float, k: int) -> float:
    """gamma ** k for an integer k >= 0 of any size: 0.0 below the float range, inf above."""
    try:
        return gamma**k
    except OverflowError:  # gamma ** k out of range, or k itself too large for a float
        return 1.0 if gamma == 1 else math.inf if gamma > 1 else 0.0


def _part(a: float, t: int, total: int) -> float:
    """a * t / total for 0 <= t <= total, also when t and total lie beyond the float range."""
    try:
        return a * t / total
    except OverflowError:  # a * t is too large for a float; t / total is not
        return a * (t / total)


def _scaled(base_lr: float, factor: float, why: str) -> float:
    """base_lr * factor as a finite float; ``why`` names what made the factor too large."""
    if base_lr == 0:
        return 0.0  # the rate is 0 whatever the factor, even one beyond the float range
    lr = base_lr * factor
    if math.isinf(lr):
        raise ValueError(f"{why} give a rate too large for a float (above 1.8e308), "
                         f"with base_lr={base_lr!r}")
    return lr


# The name lrcourse.lessons.decay imports; the check itself lives in lrcourse._checks.
_check_increasing = check_increasing


# ----------------------------------------------------------------------------------
# Decay (lesson 08: schedulers and decay)
# ----------------------------------------------------------------------------------


def step_lr(epoch: int, base_lr: float, step_size: int, gamma: float = 0.1) -> float:
    """Step decay: multiply the rate by ``gamma`` every ``step_size`` epochs.

        lr_t = lr_0 * gamma ** floor(t / step_size)

    The two decays the lessons name are this function with other words:

    * "halve the rate every n epochs" is ``step_lr(t, lr_0, step_size=n, gamma=0.5)``;
    * "multiply by a rate r every n epochs" is ``step_lr(t, lr_0, step_size=n, gamma=r)``.
      Its smooth version, ``lr_0 * r ** (t / n)``, is ``exponential_lr`` with
      ``gamma = r ** (1 / n)``.

    Args:
        epoch: t >= 0, the number of scheduler steps taken so far.
        base_lr: lr_0 >= 0.
        step_size: n > 0, epochs between two decays.
        gamma: the factor > 0 applied at each decay (default 0.1).

    Example::

        >>> [step_lr(t, 0.1, step_size=50, gamma=0.5) for t in (0, 49, 50, 199)]
        [0.1, 0.1, 0.05, 0.0125]

    PyTorch: equals ``StepLR(optimizer, step_size, gamma)`` after ``epoch`` calls to
    ``step()``, with ``base_lr`` the optimizer's ``lr``.
    """
    epoch = check_int("epoch", epoch, 0)
    base_lr = check_finite("base_lr", base_lr, 0)
    step_size = check_int("step_size", step_size, 1)
    gamma = check_positive("gamma", gamma)
    return _scaled(base_lr, _power(gamma, epoch // step_size),
                   f"gamma={gamma!r} and epoch={epoch!r} (step_size={step_size!r})")


def multistep_lr(
    epoch: int, base_lr: float, milestones: Sequence[int], gamma: float = 0.1
) -> float:
    """Milestone decay: multiply the rate by ``gamma`` at each milestone epoch.

        k    = number of milestones m with m <= t
        lr_t = lr_0 * gamma ** k

    Args:
        epoch: t >= 0.
        base_lr: lr_0 >= 0.
        milestones: strictly increasing epochs >= 0 (sorted, no duplicates).
        gamma: the factor > 0 applied at each milestone (default 0.1).

    Example::

        >>> [multistep_lr(t, 0.1, [50, 125, 160], 0.5) for t in (49, 50, 125, 160)]
        [0.1, 0.05, 0.025, 0.0125]

    PyTorch: equals ``MultiStepLR(optimizer, milestones, gamma)`` after ``epoch`` calls
    to ``step()``. (PyTorch accepts repeated milestones and applies gamma once per
    repeat; here a repeat is refused as a likely typo.)
    """
    epoch = check_int("epoch", epoch, 0)
    base_lr = check_finite("base_lr", base_lr, 0)
    milestones = check_increasing("milestones", milestones)
    gamma = check_positive("gamma", gamma)
    k = bisect_right(milestones, epoch)
    return _scaled(base_lr, _power(gamma, k), f"gamma={gamma!r} and {k} milestones")


def exponential_lr(epoch: int, base_lr: float, gamma: float) -> float:
    """Exponential decay: multiply the rate by ``gamma`` every epoch.

        lr_t = lr_0 * gamma ** t

    Args:
        epoch: t >= 0.
        base_lr: lr_0 >= 0.
        gamma: the factor > 0 per epoch (below 1 decays, above 1 grows).

    Example::

        >>> round(exponential_lr(10, 0.1, gamma=0.95), 6)
        0.059874

    PyTorch: equals ``ExponentialLR(optimizer, gamma)`` after ``epoch`` calls to
    ``step()`` (PyTorch multiplies by gamma once per step; the two agree to rounding).
    """
    epoch = check_int("epoch", epoch, 0)
    base_lr = check_finite("base_lr", base_lr, 0)
    gamma = check_positive("gamma", gamma)
    return _scaled(base_lr, _power(gamma, epoch), f"gamma={gamma!r} and epoch={epoch!r}")


def inverse_time_lr(epoch: int, base_lr: float, decay_rate: float) -> float:
    """Inverse-time ("1/t") decay.

        lr_t = lr_0 / (1 + decay_rate * t)

    Args:
        epoch: t >= 0.
        base_lr: lr_0 >= 0.
        decay_rate: >= 0; the rate has halved when decay_rate * t = 1.

    Example::

        >>> inverse_time_lr(10, 0.1, decay_rate=0.1)
        0.05

    PyTorch: there is no scheduler of this shape, but ``torch.optim.Adagrad``'s
    ``lr_decay`` is this rule: its k-th update (k = 1, 2, ...) uses
    ``lr / (1 + (k - 1) * lr_decay) = inverse_time_lr(k - 1, lr, lr_decay)``. As a
    scheduler: ``as_lambda_lr(optimizer, inverse_time_lr, decay_rate=...)``.
    """
    epoch = check_int("epoch", epoch, 0)
    base_lr = check_finite("base_lr", base_lr, 0)
    decay_rate = check_finite("decay_rate", decay_rate, 0)
    if decay_rate == 0:
        return base_lr
    try:
        return base_lr / (1 + decay_rate * epoch)
    except OverflowError:  # an epoch beyond the float range: the rate has decayed to 0
        return 0.0


def cosine_lr(step: int, base_lr: float, total_steps: int, min_lr: float = 0.0) -> float:
    """Cosine annealing from ``base_lr`` down to ``min_lr`` over ``total_steps`` steps.

        t'   = min(t, total_steps)
        lr_t = min_lr + (lr_0 - min_lr) * (1 + cos(pi * t' / total_steps)) / 2

    The rate stays at ``min_lr`` after ``total_steps``.

    Args:
        step: t >= 0.
        base_lr: lr_0 >= 0, the rate at t = 0.
        total_steps: T_max > 0, the step at which the rate reaches ``min_lr``.
        min_lr: eta_min, with 0 <= min_lr <= base_lr (default 0).

    Example::

        >>> [cosine_lr(t, 0.1, total_steps=4) for t in (0, 2, 4, 6)]
        [0.1, 0.05, 0.0, 0.0]

    PyTorch: equals ``CosineAnnealingLR(optimizer, T_max=total_steps, eta_min=min_lr)``
    after ``step`` calls to ``step()`` while ``step <= total_steps``. Beyond T_max
    PyTorch keeps following the cosine, so its rate climbs back to ``base_lr`` at
    2 * T_max; this function stays at ``min_lr`` instead.
    """
    step = check_int("step", step, 0)
    base_lr = check_finite("base_lr", base_lr, 0)
    total_steps = check_int("total_steps", total_steps, 1)
    min_lr = check_finite("min_lr", min_lr, 0)
    if min_lr > base_lr:
        raise ValueError(f"min_lr must be <= base_lr={base_lr!r}, got {shown(min_lr)}")
    t = min(step, total_steps)
    angle = _part(math.pi, t, total_steps)
    return float(min_lr + (base_lr - min_lr) * (1 + math.cos(angle)) / 2)


# ----------------------------------------------------------------------------------
# Warmup (lesson 09)
# ----------------------------------------------------------------------------------


def linear_warmup_lr(
    step: int, base_lr: float, warmup_steps: int, start_factor: float = 0.0
) -> float:
    """Gradual (linear) warmup from ``start_factor * base_lr`` to ``base_lr``, then constant.

        lr_t = lr_0 * (s + (1 - s) * t / W)    for t < W
        lr_t = lr_0                            for t >= W

    with s = ``start_factor`` and W = ``warmup_steps``. With s = 0 (the default) this is
    the gradual warmup of Goyal et al. (2017): lr_t = t / W * lr_0. Its first step has
    rate 0, so it changes nothing.

    Args:
        step: t >= 0.
        base_lr: lr_0 >= 0, the rate reached at t = W.
        warmup_steps: W >= 0 (0 means no warmup).
        start_factor: s in [0, 1], the fraction of lr_0 used at t = 0.

    Example::

        >>> [linear_warmup_lr(t, 0.1, warmup_steps=2500) for t in (0, 1250, 2500, 9000)]
        [0.0, 0.05, 0.1, 0.1]

    PyTorch: for s > 0 equals ``LinearLR(optimizer, start_factor=s, end_factor=1.0,
    total_iters=W)`` after ``step`` calls to ``step()``. ``LinearLR`` refuses s = 0:
    it multiplies the current rate at each step, and 0 times anything stays 0. Use
    ``LambdaLR(optimizer, lambda t: min(1.0, t / W))`` or ``as_lambda_lr`` instead.
    """
    step = check_int("step", step, 0)
    base_lr = check_finite("base_lr", base_lr, 0)
    warmup_steps = check_int("warmup_steps", warmup_steps, 0)
    start_factor = _check_factor("start_factor", start_factor)
    if step >= warmup_steps:
        return float(base_lr)
    return float(base_lr * (start_factor + _part(1.0 - start_factor, step, warmup_steps)))


def constant_warmup_lr(step: int, base_lr: float, warmup_steps: int, warmup_lr: float) -> float:
    """Constant warmup: a small fixed rate for the first steps, then ``base_lr``.

        lr_t = warmup_lr    for t < W
        lr_t = lr_0         for t >= W

    The ResNet paper trained its 110-layer network on CIFAR-10 at 0.01 for about 400
    iterations (until the training error fell below 80%), then at 0.1.

    Args:
        step: t >= 0.
        base_lr: lr_0 >= 0, the rate after warmup.
        warmup_steps: W >= 0.
        warmup_lr: the rate >= 0 during warmup.

    Example::

        >>> [constant_warmup_lr(t, 0.1, warmup_steps=400, warmup_lr=0.01) for t in (0, 399, 400)]
        [0.01, 0.01, 0.1]

    PyTorch: for 0 < warmup_lr <= base_lr equals ``ConstantLR(optimizer,
    factor=warmup_lr / base_lr, total_iters=W)`` after ``step`` calls to ``step()``.
    """
    step = check_int("step", step, 0)
    base_lr = check_finite("base_lr", base_lr, 0)
    warmup_steps = check_int("warmup_steps", warmup_steps, 0)
    warmup_lr = check_finite("warmup_lr", warmup_lr, 0)
    return warmup_lr if step < warmup_steps else base_lr


def boundaries_per_gpu(boundaries: Sequence[int], num_gpus: int) -> list[int]:
    """Step boundaries counted in global batches, for ``num_gpus`` GPUs working together.

        b_i' = floor(b_i / num_gpus)

    With data parallelism each step consumes ``num_gpus`` batches, so a boundary
    written for one GPU is reached ``num_gpus`` times sooner.

    Example::

        >>> boundaries_per_gpu([60000, 80000, 100000], num_gpus=4)
        [15000, 20000, 25000]
    """
    boundaries = check_increasing("boundaries", boundaries)
    num_gpus = check_int("num_gpus", num_gpus, 1)
    divided = [b // num_gpus for b in boundaries]
    if any(b <= a for a, b in zip(divided, divided[1:], strict=False)):
        raise ValueError(
            f"num_gpus must leave the boundaries distinct after division, got {shown(num_gpus)} "
            f"(boundaries {boundaries!r} become {divided!r})"
        )
    return divided


def warmup_piecewise_lr(
    step: int,
    base_lr: float,
    warmup_steps: int,
    boundaries: Sequence[int],
    values: Sequence[float] | None = None,
    *,
    start_factor: float = 0.1,
    num_gpus: int = 1,
) -> float:
    """Linear warmup from ``0.1 * base_lr`` to ``base_lr``, then piecewise-constant values.

        lr_t = lr_0 * (s + (1 - s) * t / W)     for t < W         (s = start_factor = 0.1)
        lr_t = values[k]                        for t >= W, where
        k    = number of boundaries b with b <= t

    so values[0] is used before boundaries[0], values[i] from boundaries[i - 1] up to
    boundaries[i] - 1, and values[-1] from the last boundary on. The boundaries count
    steps from the start of training (warmup included). With the default ``values``
    (``base_lr``, ``base_lr / 10``, ``base_lr / 100``, ...) the warmup ends at ``base_lr``
    and the first piece carries on from there.

    Args:
        step: t >= 0.
        base_lr: lr_0 >= 0, the rate reached at the end of the warmup.
        warmup_steps: W >= 0.
        boundaries: strictly increasing steps >= 0 at which the value changes.
        values: len(boundaries) + 1 rates >= 0; default ``base_lr * 0.1 ** i``.
        start_factor: s in [0, 1], the fraction of lr_0 used at t = 0 (default 0.1).
        num_gpus: > 0; the boundaries are divided by it (``boundaries_per_gpu``).

    Example::

        >>> lr = lambda t: warmup_piecewise_lr(t, 0.1, 100, [1000, 2000, 3000])
        >>> [round(lr(t), 6) for t in (0, 50, 100, 999, 1000, 2000, 3000)]
        [0.01, 0.055, 0.1, 0.1, 0.01, 0.001, 0.0001]

    PyTorch: when values[i] = base_lr * gamma ** i and boundaries[0] >= W, equals
    ``SequentialLR(optimizer, [LinearLR(optimizer, start_factor=s, total_iters=W),
    MultiStepLR(optimizer, [b - W for b in boundaries], gamma)], milestones=[W])``
    after ``step`` calls to ``step()``. (TensorFlow's ``piecewise_constant`` compares
    with ``t <= b``, so there each value changes one step later than here.)
    """
    step = check_int("step", step, 0)
    base_lr = check_finite("base_lr", base_lr, 0)
    warmup_steps = check_int("warmup_steps", warmup_steps, 0)
    boundaries = boundaries_per_gpu(boundaries, num_gpus)
    if values is None:
        values = [base_lr * 0.1**i for i in range(len(boundaries) + 1)]
    elif isinstance(values, str | bytes) or not isinstance(values, Iterable):
        raise ValueError(f"values must be a list of finite numbers >= 0, got {shown(values)}")
    values = check_length("values", list(values), len(boundaries) + 1,
                          "interval between the boundaries")
    values = [check_finite(f"values[{i}]", v, 0) for i, v in enumerate(values)]
    start_factor = _check_factor("start_factor", start_factor)
    if step < warmup_steps:
        return float(base_lr * (start_factor + _part(1.0 - start_factor, step, warmup_steps)))
    k = bisect_right(boundaries, step)
    return float(values[k])


# ----------------------------------------------------------------------------------
# Cyclical learning rates (lesson 10)
# ----------------------------------------------------------------------------------


def cyclical_lr(
    iteration: int,
    base_lr: float,
    max_lr: float,
    step_size: int,
    mode: str = "triangular",
    gamma: float = 1.0,
) -> float:
    """Cyclical learning rate (Smith 2015): up and down between ``base_lr`` and ``max_lr``.

        cycle = floor(1 + t / (2 * step_size))
        x     = |t / step_size - 2 * cycle + 1|
        lr_t  = base_lr + (max_lr - base_lr) * max(0, 1 - x) * scale

    where ``step_size`` is half a cycle, in iterations, and the policy sets the scale:

        triangular     scale = 1
        triangular2    scale = 1 / 2 ** (cycle - 1)     (the height halves every cycle)
        exp_range      scale = gamma ** t

    Args:
        iteration: t >= 0, counted in batches, not epochs.
        base_lr: the lower bound >= 0, the rate at t = 0.
        max_lr: the upper bound, >= base_lr, reached at t = step_size (triangular).
        step_size: > 0 iterations from bottom to top; usually 2-10 epochs' worth.
        mode: one of ``"triangular"``, ``"triangular2"``, ``"exp_range"``.
        gamma: in (0, 1], only used by ``"exp_range"`` (default 1.0).

    Example::

        >>> [cyclical_lr(t, 1e-4, 1e-3, step_size=100) for t in (0, 100, 200)]
        [0.0001, 0.001, 0.0001]

    PyTorch: equals ``CyclicLR(optimizer, base_lr, max_lr, step_size_up=step_size,
    mode=mode, gamma=gamma, cycle_momentum=False)`` after ``iteration`` calls to
    ``step()`` (PyTorch computes the same triangle another way; they agree to
    rounding). Mind ``cycle_momentum``: it defaults to True and then *sets* the
    optimizer's momentum, cycling it between 0.8 and 0.9, even for an optimizer
    created with no momentum.
    """
    t = check_int("iteration", iteration, 0)
    base_lr = check_finite("base_lr", base_lr, 0)
    max_lr = check_finite("max_lr", max_lr, 0)
    if max_lr < base_lr:
        raise ValueError(f"max_lr must be >= base_lr={base_lr!r}, got {shown(max_lr)}")
    step_size = check_int("step_size", step_size, 1)
    mode = check_choice("mode", mode, CLR_MODES)
    gamma = check_range("gamma", gamma, 0, 1, low_open=True)
    cycle = 1 + t // (2 * step_size)  # = floor(1 + t / (2 * step_size)), exact for any t
    if t < 2**53:
        x = abs(t / step_size - 2 * cycle + 1)
    else:  # t / step_size would lose the position inside the cycle (or overflow)
        x = abs(t - (2 * cycle - 1) * step_size) / step_size
    if mode == "triangular":
        scale = 1.0
    elif mode == "triangular2":
        scale = _power(0.5, cycle - 1)  # = 1 / 2 ** (cycle - 1), and underflows to 0
    else:
        scale = _power(gamma, t)
    lr = base_lr + (max_lr - base_lr) * max(0.0, 1 - x) * scale
    # base + (max - base) can round one unit in the last place above max.
    return float(min(max(lr, base_lr), max_lr))


# ----------------------------------------------------------------------------------
# Schedules of today: one-cycle and warm restarts
# ----------------------------------------------------------------------------------

ANNEAL_STRATEGIES = ("cos", "linear")


def _one_cycle_phase(step: int, total_steps: int, pct_start: float,
                     three_phase: bool) -> tuple[int, float]:
    """(phase index, x) of ``step`` in PyTorch's OneCycleLR, x = 0 at a phase's start, 1 at its end.

    The phase ends are PyTorch's, floats included: e_1 = p T - 1, e_2 = 2 p T - 2 (three
    phases), and T - 1 for the last one. A phase of no length makes PyTorch divide by
    zero, when it is built (p T = 1) or at its last ``step()`` (p = 1, or p T = (T + 1) / 2
    with three phases): such a schedule is refused whatever the step.
    """
    if three_phase:
        ends = [float(pct_start * total_steps) - 1, float(2 * pct_start * total_steps) - 2,
                total_steps - 1]
    else:
        ends = [float(pct_start * total_steps) - 1, total_steps - 1]
    starts = [0.0, *ends[:-1]]
    for i, (start, end) in enumerate(zip(starts, ends, strict=True)):
        if end == start:
            raise ValueError(
                f"pct_start={pct_start!r} with total_steps={total_steps!r} gives phase {i + 1} "
                f"of the cycle no length: PyTorch's OneCycleLR divides by zero there; choose "
                f"another pct_start (pct_start * total_steps must not be 1 nor total_steps"
                f"{', nor (total_steps + 1) / 2 with three_phase' if three_phase else ''})"
            )
    for i, (start, end) in enumerate(zip(starts, ends, strict=True)):
        if step <= end or i == len(ends) - 1:
            return i, (step - start) / (end - start)
    raise AssertionError("unreachable: the last phase always matches")


def _anneal(a: float, b: float, x: float, strategy: str) -> float:
    """From a (x = 0) to b (x = 1), PyTorch's way: half a cosine, or a straight line."""
    if strategy == "cos":
        return b + (a - b) / 2.0 * (math.cos(math.pi * x) + 1)
    return (b - a) * x + a


def _check_one_cycle(step: Any, total_steps: Any, pct_start: Any, anneal_strategy: Any,
                     three_phase: Any) -> tuple[int, int, float, str, bool]:
    total_steps = check_int("total_steps", total_steps, 1, 2**53)
    step = check_int("step", step, 0, total_steps)
    pct_start = check_range("pct_start", pct_start, 0, 1)
    anneal_strategy = check_choice("anneal_strategy", anneal_strategy, ANNEAL_STRATEGIES)
    three_phase = check_bool("three_phase", three_phase)
    return step, total_steps, pct_start, anneal_strategy, three_phase


def one_cycle_lr(
    step: int,
    max_lr: float,
    total_steps: int,
    pct_start: float = 0.3,
    anneal_strategy: str = "cos",
    div_factor: float = 25.0,
    final_div_factor: float = 1e4,
    three_phase: bool = False,
) -> float:
    """The one-cycle policy (Smith & Topin 2017; fastai's ``fit_one_cycle``), PyTorch's way.

    One cycle of a cyclical rate stretched over the whole training: up from a low
    rate to ``max_lr``, then down far below where it started.

        initial_lr = max_lr / div_factor             (max_lr / 25 by default)
        min_lr     = initial_lr / final_div_factor   (max_lr / 250000 by default)

    With T = ``total_steps`` and p = ``pct_start``, the steps are split into phases
    whose ends are e_1 = p T - 1, e_2 = 2 p T - 2 and T - 1:

        two phases (default):   0 .. e_1    initial_lr -> max_lr
                                e_1 .. T-1  max_lr -> min_lr
        three_phase=True:       0 .. e_1    initial_lr -> max_lr
                                e_1 .. e_2  max_lr -> initial_lr
                                e_2 .. T-1  initial_lr -> min_lr

    Step t belongs to the first phase whose end is >= t (the last phase beyond its
    end). In a phase from step s to step e, going from rate a to rate b:

        x    = (t - s) / (e - s)                          0 at s, 1 at e
        cos:    lr_t = b + (a - b) / 2 * (1 + cos(pi x))
        linear: lr_t = a + (b - a) * x

    The peak is at step p T - 1 (step 29 of 100 with p = 0.3), the last batch,
    T - 1, has min_lr. PyTorch computes one more rate, at t = T, after the last
    batch (the last ``scheduler.step()``): it continues the last phase past its
    end and is never used. Beyond T PyTorch raises, and so does this function.

    Args:
        step: t, with 0 <= t <= total_steps, counted in batches.
        max_lr: the peak rate >= 0.
        total_steps: T >= 1, the number of batches of the whole training.
        pct_start: p in [0, 1], the fraction of the steps spent going up (0.3).
        anneal_strategy: ``"cos"`` (default) or ``"linear"``.
        div_factor: > 0, initial_lr = max_lr / div_factor (25).
        final_div_factor: > 0, min_lr = initial_lr / final_div_factor (1e4).
        three_phase: the paper's shape (down to initial_lr, then a short final
            phase down to min_lr) instead of fastai's two phases (False).

    Example::

        >>> [round(one_cycle_lr(t, 0.1, total_steps=100), 7) for t in (0, 29, 64, 99)]
        [0.004, 0.1, 0.0500002, 4e-07]

    PyTorch: equals ``OneCycleLR(optimizer, max_lr, total_steps, pct_start,
    anneal_strategy, div_factor=div_factor, final_div_factor=final_div_factor,
    three_phase=three_phase)`` after ``step`` calls to ``step()`` (the optimizer's
    own ``lr`` is ignored). Where a phase has no length (p T = 1, for instance 10%
    of 10 steps, or p = 1) PyTorch divides by zero, when it is built or at its last
    ``step()``; this function refuses such settings with a ``ValueError``. By default
    OneCycleLR also cycles the momentum: see :func:`one_cycle_momentum`.
    """
    step, total_steps, pct_start, anneal_strategy, three_phase = _check_one_cycle(
        step, total_steps, pct_start, anneal_strategy, three_phase)
    max_lr = check_finite("max_lr", max_lr, 0)
    div_factor = check_positive("div_factor", div_factor)
    final_div_factor = check_positive("final_div_factor", final_div_factor)
    initial_lr = max_lr / div_factor
    min_lr = initial_lr / final_div_factor
    phase, x = _one_cycle_phase(step, total_steps, pct_start, three_phase)
    if three_phase:
        a, b = [(initial_lr, max_lr), (max_lr, initial_lr), (initial_lr, min_lr)][phase]
    else:
        a, b = [(initial_lr, max_lr), (max_lr, min_lr)][phase]
    lr = _anneal(a, b, x, anneal_strategy)
    if not math.isfinite(lr):  # only with div_factor or final_div_factor far below 1
        raise ValueError(f"max_lr={max_lr!r}, div_factor={div_factor!r} and final_div_factor="
                         f"{final_div_factor!r} give a rate too large for a float (above 1.8e308)")
    return float(lr)


def one_cycle_momentum(
    step: int,
    total_steps: int,
    pct_start: float = 0.3,
    anneal_strategy: str = "cos",
    base_momentum: float = 0.85,
    max_momentum: float = 0.95,
    three_phase: bool = False,
) -> float:
    """The momentum ``OneCycleLR`` sets at step t: the rate's cycle, upside down.

    Same phases and the same anneal as :func:`one_cycle_lr`; the momentum goes the
    other way (high when the rate is low, low at the peak rate):

        two phases (default):   0 .. e_1    max_momentum -> base_momentum
                                e_1 .. T-1  base_momentum -> max_momentum
        three_phase=True:       0 .. e_1    max_momentum -> base_momentum
                                e_1 .. e_2  base_momentum -> max_momentum
                                e_2 .. T-1  max_momentum (constant)

    Smith (2018) found that a lower momentum while the rate is high keeps the step
    size, roughly lr / (1 - momentum), from growing with both at once.

    Args:
        step: t, with 0 <= t <= total_steps.
        total_steps: T >= 1.
        pct_start, anneal_strategy, three_phase: as in :func:`one_cycle_lr`.
        base_momentum: the momentum at the peak rate, in [0, max_momentum] (0.85).
        max_momentum: the momentum at the start and the end, in [0, 1] (0.95).

    Example::

        >>> [round(one_cycle_momentum(t, total_steps=100), 4) for t in (0, 29, 64, 99)]
        [0.95, 0.85, 0.9, 0.95]

    PyTorch: ``OneCycleLR`` (with its default ``cycle_momentum=True``) writes this
    value into ``optimizer.param_groups[i]["momentum"]`` for SGD, or into the first
    of Adam's ``betas``, at every step, whatever momentum the optimizer was created
    with. An optimizer without either is refused.
    """
    step, total_steps, pct_start, anneal_strategy, three_phase = _check_one_cycle(
        step, total_steps, pct_start, anneal_strategy, three_phase)
    max_momentum = check_range("max_momentum", max_momentum, 0, 1)
    base_momentum = check_range("base_momentum", base_momentum, 0, 1)
    if base_momentum > max_momentum:
        raise ValueError(f"base_momentum must be <= max_momentum={max_momentum!r}, "
                         f"got {shown(base_momentum)}")
    phase, x = _one_cycle_phase(step, total_steps, pct_start, three_phase)
    if three_phase:
        a, b = [(max_momentum, base_momentum), (base_momentum, max_momentum),
                (max_momentum, max_momentum)][phase]
    else:
        a, b = [(max_momentum, base_momentum), (base_momentum, max_momentum)][phase]
    return float(_anneal(a, b, x, anneal_strategy))


def _restart_cycle(step: int, T_0: int, T_mult: int) -> tuple[int, int]:
    """(T_cur, T_i): the steps since the last restart and the length of the current cycle."""
    if T_mult == 1:
        return step % T_0, T_0
    start, length = 0, T_0
    while step >= start + length:  # cycles grow geometrically: a few dozen turns at most
        start, length = start + length, length * T_mult
    return step - start, length


def cosine_restarts_lr(
    step: int, base_lr: float, T_0: int, T_mult: int = 1, eta_min: float = 0.0
) -> float:
    """Cosine annealing with warm restarts (SGDR, Loshchilov & Hutter 2017).

    The rate falls along half a cosine from lr_0 to eta_min, then jumps back to lr_0
    (a "warm" restart: the weights are kept) and falls again, each cycle T_mult
    times longer than the one before:

        T_i   = T_0 * T_mult ** i                  length of cycle i = 0, 1, 2, ...
        S_i   = T_0 + T_0 T_mult + ... + T_0 T_mult ** (i - 1)
              = i T_0 (T_mult = 1),  T_0 (T_mult ** i - 1) / (T_mult - 1) otherwise
        T_cur = t - S_i,  for the cycle i with S_i <= t < S_i + T_i
        lr_t  = eta_min + (lr_0 - eta_min) * (1 + cos(pi * T_cur / T_i)) / 2

    The restarts happen at steps S_1, S_2, ...: 10, 20, 30, ... for T_0 = 10, T_mult
    = 1, and 10, 30, 70, 150, ... for T_0 = 10, T_mult = 2. The rate at the last step
    of a cycle is just above eta_min; eta_min itself is never reached.

    Args:
        step: t >= 0 (epochs, or batches if the scheduler is stepped per batch).
        base_lr: lr_0 >= 0, the rate at t = 0 and at every restart.
        T_0: the length > 0 of the first cycle.
        T_mult: the integer factor >= 1 by which each cycle is longer than the last.
        eta_min: the floor, with 0 <= eta_min <= base_lr (default 0).

    Example::

        >>> [round(cosine_restarts_lr(t, 0.1, T_0=10, T_mult=2), 4) for t in (0, 5, 9, 10, 20, 30)]
        [0.1, 0.05, 0.0024, 0.1, 0.05, 0.1]

    PyTorch: equals ``CosineAnnealingWarmRestarts(optimizer, T_0, T_mult, eta_min)``
    after ``step`` calls to ``step()`` (without an ``epoch`` argument), with
    ``base_lr`` the optimizer's ``lr``. PyTorch also accepts eta_min > base_lr (a
    rate that climbs, then drops); here that is refused as a likely slip.
    """
    step = check_int("step", step, 0)
    base_lr = check_finite("base_lr", base_lr, 0)
    T_0 = check_int("T_0", T_0, 1)
    T_mult = check_int("T_mult", T_mult, 1)
    eta_min = check_finite("eta_min", eta_min, 0)
    if eta_min > base_lr:
        raise ValueError(f"eta_min must be <= base_lr={base_lr!r}, got {shown(eta_min)}")
    T_cur, T_i = _restart_cycle(step, T_0, T_mult)
    angle = _part(math.pi, T_cur, T_i)
    return float(eta_min + (base_lr - eta_min) * (1 + math.cos(angle)) / 2)


# ----------------------------------------------------------------------------------
# Helpers: values for a plot, and driving a torch optimizer
# ----------------------------------------------------------------------------------


def schedule_values(schedule: Schedule, steps: int | Iterable[int], **settings: Any) -> list[float]:
    """The rates of ``schedule`` at steps ``0 .. steps - 1`` (or at the given steps).

        [schedule(t, **settings) for t in steps]

    Because schedules are pure functions, listing the values changes nothing: call it
    as often as you like, then train with the same settings. (Stepping a torch
    scheduler through its curve to plot it leaves it, and its optimizer, at the end
    of the curve.)

    Args:
        schedule: one of this module's functions (or any ``f(t, **settings) -> float``).
        steps: how many steps from 0 (an integer >= 0), or the step indices themselves.
        settings: the schedule's keyword arguments, ``base_lr`` included.

    Example::

        >>> schedule_values(cyclical_lr, [0, 50, 100, 150], base_lr=1e-4, max_lr=1e-3,
        ...                 step_size=100)
        [0.0001, 0.00055, 0.001, 0.00055]
    """
    check_callable("schedule", schedule, "schedule(step, **settings) -> lr")
    if isinstance(steps, int) and not isinstance(steps, bool) or getattr(steps, "ndim", 1) == 0:
        indices: Iterable[int] = range(check_int("steps", steps, 0))
    elif isinstance(steps, Iterable) and not isinstance(steps, str | bytes):
        indices = steps
    else:
        raise ValueError(f"steps must be an integer >= 0 or a list of steps, got {shown(steps)}")
    return [float(schedule(t, **settings)) for t in indices]


class _ScheduleFactor:
    """The factor LambdaLR multiplies one group's initial rate by: schedule(t) / lr_0."""

    def __init__(self, schedule: Schedule, base_lr: float, settings: dict[str, Any]) -> None:
        self.schedule = schedule
        self.base_lr = base_lr
        self.settings = settings

    def __call__(self, t: int) -> float:
        return self.schedule(t, base_lr=self.base_lr, **self.settings) / self.base_lr


def as_lambda_lr(
    optimizer: torch.optim.Optimizer, schedule: Schedule, **settings: Any
) -> torch.optim.lr_scheduler.LambdaLR:
    """A ``LambdaLR`` that makes any torch optimizer follow one of these schedules.

    Each parameter group g keeps its own starting rate lr_0(g) (its ``lr``, or its
    ``initial_lr`` if a scheduler was attached before) as ``base_lr``::

        factor_g(t) = schedule(t, base_lr=lr_0(g), **settings) / lr_0(g)
        lr_g(t)     = lr_0(g) * factor_g(t)            (what LambdaLR does)

    so lr_g(t) = schedule(t, base_lr=lr_0(g), ...). Settings that are rates themselves
    (``max_lr``, ``min_lr``, ``warmup_lr``, ``values``) are the same for every group.

    A group whose rate is 0 is refused: LambdaLR can only multiply the starting rate,
    and no factor turns 0 into anything else.

    Args:
        optimizer: any ``torch.optim.Optimizer``.
        schedule: one of this module's functions.
        settings: the schedule's keyword arguments except ``base_lr``.

    Example::

        >>> import torch
        >>> w = torch.zeros(1, requires_grad=True)
        >>> opt = torch.optim.SGD([w], lr=0.1)
        >>> sched = as_lambda_lr(opt, step_lr, step_size=50, gamma=0.5)
        >>> # in each epoch: ...; opt.step(); sched.step()

    PyTorch: with ``step_lr`` this gives the same rates as ``StepLR(optimizer,
    step_size, gamma)``; and so on for each schedule's PyTorch twin.
    """
    from torch.optim import Optimizer
    from torch.optim.lr_scheduler import LambdaLR

    check_instance("optimizer", optimizer, Optimizer, "a torch.optim.Optimizer")
    check_callable("schedule", schedule, "schedule(step, base_lr=..., **settings) -> lr")
    if "base_lr" in settings:
        raise ValueError(
            f"base_lr must not be given, got {settings['base_lr']!r}: "
            "each parameter group's own lr is its base_lr"
        )
    factors = []
    for i, group in enumerate(optimizer.param_groups):
        lr_0 = group.get("initial_lr", group["lr"])
        lr_0 = float(lr_0)  # a tensor lr becomes a number
        if not (math.isfinite(lr_0) and lr_0 > 0):
            raise ValueError(
                f"optimizer.param_groups[{i}]['lr'] must be a finite number > 0 for a "
                f"multiplicative schedule, got {shown(lr_0)}"
            )
        schedule(0, base_lr=lr_0, **settings)  # bad settings fail here, not mid-training
        factors.append(_ScheduleFactor(schedule, lr_0, dict(settings)))
    return LambdaLR(optimizer, lr_lambda=factors)


def torch_schedule_values(
    make_scheduler: Callable[[torch.optim.Optimizer], Any], steps: int, lr: float = 0.1
) -> list[float]:
    """The rates a torch scheduler gives at steps ``0 .. steps - 1``, on a throwaway optimizer.

    Builds a fresh one-parameter SGD optimizer with rate ``lr``, attaches
    ``make_scheduler(optimizer)`` and steps both ``steps - 1`` times, reading
    ``get_last_lr()`` before each step. Nothing the caller owns is stepped, so the
    scheduler used for training stays untouched.

    Example::

        >>> from torch.optim.lr_scheduler import StepLR
        >>> torch_schedule_values(lambda opt: StepLR(opt, step_size=2, gamma=0.5), 4)
        [0.1, 0.1, 0.05, 0.05]
    """
    import torch

    check_callable("make_scheduler", make_scheduler, "make_scheduler(optimizer) -> scheduler")
    steps = check_int("steps", steps, 0)
    lr = check_finite("lr", lr, 0)
    w = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([w], lr=lr)
    scheduler = make_scheduler(optimizer)
    values = []
    for t in range(steps):
        values.append(float(scheduler.get_last_lr()[0]))
        if t < steps - 1:
            optimizer.step()
            scheduler.step()
    return values
