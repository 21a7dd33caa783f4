"""Helpers of the cyclical-learning-rate lesson: our schedule next to PyTorch's, and a race.

The schedule itself is :func:`lrcourse.schedules.cyclical_lr`. This module adds

- :func:`torch_cyclic_values`: the rates of ``torch.optim.lr_scheduler.CyclicLR``
  (with ``cycle_momentum=False``) over the first ``steps`` iterations, read off a
  throwaway optimizer, so the two can be compared point by point;
- :func:`max_cyclic_difference`: ``max_t |ours(t) - torch(t)|`` for one policy;
- :func:`steps_to_accuracy`: the first evaluation step at which a run reaches a
  target accuracy, the measure of "fewer iterations" in Smith's comparison.

One-cycle, CLR's descendant (:func:`lrcourse.schedules.one_cycle_lr`):

- :func:`torch_one_cycle_values`: the rates and momenta of ``OneCycleLR`` at steps
  0 .. total_steps - 1, read off a throwaway SGD optimizer;
- :func:`max_one_cycle_difference`: the largest relative difference between those
  and ``one_cycle_lr`` / ``one_cycle_momentum``;
- :func:`digits_range_test`: the range test on the schedulers lesson's digits MLP,
  whose ``clr_bounds()`` give one-cycle its ``max_lr``;
- :func:`one_cycle_runs`: one-cycle trainings of that MLP at several ``max_lr``
  and seeds.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from lrcourse._checks import (
    check_choice,
    check_finite,
    check_int,
    check_length,
    check_range,
    check_seed,
)
from lrcourse.schedules import (
    CLR_MODES,
    cyclical_lr,
    one_cycle_lr,
    one_cycle_momentum,
    schedule_values,
    torch_schedule_values,
)

__all__ = [
    "max_cyclic_difference",
    "steps_to_accuracy",
    "torch_cyclic_values",
    "torch_one_cycle_values",
    "max_one_cycle_difference",
    "digits_range_test",
    "one_cycle_runs",
]


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


# ----------------------------------------------------------------------------------
# One-cycle
# ----------------------------------------------------------------------------------


def torch_one_cycle_values(
    total_steps: int, max_lr: float, **settings: Any
) -> tuple[list[float], list[float]]:
    """The rates and momenta of ``OneCycleLR(max_lr, total_steps, **settings)`` at steps
    0 .. total_steps - 1 (the batches of a training).

    Read before each step from a throwaway ``SGD(momentum=0.9)`` over one weight, as
    a training loop would see them; ``settings`` are OneCycleLR's other arguments.

    Example:
        >>> lrs, momenta = torch_one_cycle_values(10, 0.1)
        >>> round(lrs[0], 6), round(max(lrs), 6), momenta[0], min(momenta)
        (0.004, 0.1, 0.95, 0.85)
    """
    import torch
    from torch.optim.lr_scheduler import OneCycleLR

    total_steps = check_int("total_steps", total_steps, 1)
    # one_cycle_lr checks the settings with messages that name the argument.
    one_cycle_lr(0, max_lr, total_steps, **{k: v for k, v in settings.items()
                                            if k not in ("base_momentum", "max_momentum", "cycle_momentum")})
    w = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([w], lr=max_lr, momentum=0.9)
    scheduler = OneCycleLR(optimizer, max_lr=max_lr, total_steps=total_steps, **settings)
    lrs, momenta = [], []
    for t in range(total_steps):
        lrs.append(float(optimizer.param_groups[0]["lr"]))
        momenta.append(float(optimizer.param_groups[0]["momentum"]))
        if t < total_steps - 1:
            optimizer.step()
            scheduler.step()
    return lrs, momenta


def max_one_cycle_difference(
    total_steps: int,
    max_lr: float,
    pct_start: float = 0.3,
    anneal_strategy: str = "cos",
    three_phase: bool = False,
) -> tuple[float, float]:
    """``(rate, momentum)``: the largest relative differences over the training between
    ``one_cycle_lr`` / ``one_cycle_momentum`` and ``OneCycleLR``'s own values.

        max over t < total_steps of |ours(t) - torch(t)| / |torch(t)|

    Example:
        >>> max_one_cycle_difference(1000, 0.1, anneal_strategy="linear", three_phase=True)
        (0.0, 0.0)
    """
    settings = dict(pct_start=pct_start, anneal_strategy=anneal_strategy,
                    three_phase=three_phase)
    lrs, momenta = torch_one_cycle_values(total_steps, max_lr, **settings)
    ours_lr = schedule_values(one_cycle_lr, total_steps, max_lr=max_lr,
                              total_steps=total_steps, **settings)
    ours_m = schedule_values(one_cycle_momentum, total_steps, total_steps=total_steps,
                             **settings)

    def worst(a: list[float], b: list[float]) -> float:
        return max((abs(x - y) / abs(y) if y else abs(x) for x, y in zip(a, b, strict=True)),
                   default=0.0)

    return worst(ours_lr, lrs), worst(ours_m, momenta)


def digits_range_test(seed: int = 0, num_iter: int = 100) -> Any:
    """The range test of the digits MLP of the schedulers lesson; returns the ``LRFinder``.

    The network, optimizer (``SGD(momentum=0.9)``) and batches are those of
    :func:`lrcourse.lessons.decay.digits_run`; the rate climbs exponentially from
    1e-4 to 10 over ``num_iter`` batches. Read ``finder.clr_bounds()`` for
    ``(base_lr, max_lr)``; the model is restored after the test, so it trains from
    the same weights as before.
    """
    import torch

    from lrcourse.data import digits_loaders
    from lrcourse.lr_finder import LRFinder
    from lrcourse.models import digits_mlp

    seed = check_seed("seed", seed)
    num_iter = check_int("num_iter", num_iter, 2)
    train_loader, _ = digits_loaders(batch_size=64, seed=0, flat=True)
    model = digits_mlp(hidden=64, depth=2, seed=seed)
    optimizer = torch.optim.SGD(model.parameters(), lr=1e-4, momentum=0.9)
    finder = LRFinder(model, optimizer, torch.nn.CrossEntropyLoss())
    finder.range_test(train_loader, start_lr=1e-4, end_lr=10.0, num_iter=num_iter,
                      progress=False)
    return finder


def one_cycle_runs(
    max_lrs: Sequence[float], seeds: Sequence[int] = range(5), epochs: int = 10
) -> dict[tuple[float, int], Any]:
    """One-cycle trainings of the digits MLP: ``{(max_lr, seed): History}``.

    Each is :func:`lrcourse.lessons.decay.digits_run` with the ``one-cycle`` schedule
    (``OneCycleLR`` over all the batches of ``epochs`` epochs, its default momentum
    cycling) and ``lr = max_lr``.
    """
    from lrcourse.lessons.decay import digits_run

    max_lrs = [check_finite(f"max_lrs[{k}]", v, 0) for k, v in enumerate(max_lrs)]
    return {(lr, seed): digits_run("one-cycle", seed, epochs=epochs, lr=lr)
            for lr in max_lrs for seed in seeds}
