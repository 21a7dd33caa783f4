"""Helpers of the cyclical-learning-rate lesson: our schedule next to PyTorch's, and a race.

The schedule itself is :func:`lrcourse.schedules.cyclical_lr`. This module adds

- :func:`torch_cyclic_values`: the rates of ``torch.optim.lr_scheduler.CyclicLR``
  (with ``cycle_momentum=False``) over the first ``steps`` iterations, read off a
  throwaway optimizer, so the two can be compared point by point;
- :func:`max_cyclic_difference`: ``max_t |ours(t) - torch(t)|`` for one policy;
- :func:`steps_to_accuracy`: the first evaluation step at which a run reaches a
  target accuracy, the measure of "fewer iterations" in Smith's comparison.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from lrcourse._checks import check_choice, check_length, check_range
from lrcourse.schedules import CLR_MODES, cyclical_lr, schedule_values, torch_schedule_values

__all__ = ["max_cyclic_difference", "steps_to_accuracy", "torch_cyclic_values"]


def torch_cyclic_values(
    steps: int,
    base_lr: float,
    max_lr: float,
    step_size: int,
    mode: str = "triangular",
    gamma: float = 1.0,
) -> list[float]:
    """The rates of ``CyclicLR(base_lr, max_lr, step_size_up=step_size, mode, gamma)``.

    ``cycle_momentum=False``, so the scheduler touches the rate only; the rates are
    read before each of ``steps`` iterations on a one-parameter SGD optimizer.

    Example:
        >>> [round(v, 6) for v in torch_cyclic_values(3, 1e-4, 1e-3, step_size=1)]
        [0.0001, 0.001, 0.0001]
    """
    from torch.optim.lr_scheduler import CyclicLR

    # cyclical_lr validates the settings with messages that name the argument.
    cyclical_lr(0, base_lr, max_lr, step_size, mode=mode, gamma=gamma)
    return torch_schedule_values(
        lambda opt: CyclicLR(
            opt, base_lr, max_lr, step_size_up=step_size, mode=mode, gamma=gamma,
            cycle_momentum=False,
        ),
        steps,
        lr=base_lr,
    )


def max_cyclic_difference(
    steps: int,
    base_lr: float,
    max_lr: float,
    step_size: int,
    mode: str = "triangular",
    gamma: float = 1.0,
) -> float:
    """``max over t < steps of |cyclical_lr(t, ...) - CyclicLR's rate at t|``.

    Example:
        >>> max_cyclic_difference(400, 1e-4, 1e-3, 100) < 1e-15
        True
    """
    check_choice("mode", mode, CLR_MODES)
    ours = schedule_values(
        cyclical_lr, steps, base_lr=base_lr, max_lr=max_lr, step_size=step_size,
        mode=mode, gamma=gamma,
    )
    theirs = torch_cyclic_values(steps, base_lr, max_lr, step_size, mode=mode, gamma=gamma)
    return max((abs(a - b) for a, b in zip(ours, theirs, strict=True)), default=0.0)


def steps_to_accuracy(
    steps: Sequence[int], accuracies: Sequence[float], target: float
) -> int | None:
    """The first step whose accuracy is at least ``target``; ``None`` if none is.

        min { steps[k] : accuracies[k] >= target }

    Args:
        steps: when each evaluation ran (``History.val_step``).
        accuracies: the accuracy measured then (``History.val_accuracy``), in [0, 1].
        target: the accuracy to reach, in (0, 1].

    Example:
        >>> steps_to_accuracy([4, 8, 12], [0.5, 0.91, 0.95], 0.9)
        8
    """
    target = check_range("target", target, 0, 1, low_open=True)
    check_length("accuracies", accuracies, len(steps), "step")
    for step, accuracy in zip(steps, accuracies, strict=True):
        if not math.isnan(accuracy) and accuracy >= target:
            return int(step)
    return None
