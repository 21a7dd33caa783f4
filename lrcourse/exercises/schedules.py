"""Exercises of the schedule and warmup lessons.

- ``check_multistep_rate(fn)`` (schedulers): ``fn(epoch)`` returns the rate of epoch
  ``epoch`` under ``MultiStepLR(milestones=[50, 125, 160], gamma=0.5)`` from 0.1.
- ``check_curve_settings(milestones, gamma)`` (schedulers): the milestones and gamma
  of ``MultiStepLR`` that draw the lesson's mystery curve (0.1, then 0.01 from epoch
  30, then 0.001 from epoch 80).
- ``check_linear_warmup(fn)`` (warmup): ``fn(step, init_lr, warmup_steps)`` returns
  the gradual warmup rate of Goyal et al.: ``step / warmup_steps * init_lr`` before
  ``warmup_steps``, ``init_lr`` after.

Reference solutions for teachers are the ``solution_*`` functions and constants.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from lrcourse import schedules as S
from lrcourse.exercises._base import Check, _one_line, checker, diagnose, report, value_problem

__all__ = [
    "MYSTERY_EPOCHS",
    "mystery_curve",
    "check_multistep_rate",
    "check_curve_settings",
    "check_linear_warmup",
    "solution_multistep_rate",
    "SOLUTION_MILESTONES",
    "SOLUTION_GAMMA",
    "solution_curve_settings",
    "solution_linear_warmup",
]

#: The mystery curve's length in epochs.
MYSTERY_EPOCHS = 100
SOLUTION_MILESTONES = [30, 80]
SOLUTION_GAMMA = 0.1
#: The answer of exercise 2: the settings that draw the mystery curve.
solution_curve_settings = {"milestones": SOLUTION_MILESTONES, "gamma": SOLUTION_GAMMA}


def mystery_curve() -> list[float]:
    """The rates (from 0.1) that exercise 2 of the schedulers lesson asks to reproduce."""
    return S.schedule_values(S.multistep_lr, MYSTERY_EPOCHS, base_lr=0.1,
                             milestones=SOLUTION_MILESTONES, gamma=SOLUTION_GAMMA)


# ----------------------------------------------------------------------------------
# Reference solutions
# ----------------------------------------------------------------------------------


def solution_multistep_rate(epoch: int) -> float:
    """0.1 halved once for every milestone in [50, 125, 160] that is <= epoch."""
    passed = sum(1 for m in (50, 125, 160) if m <= epoch)
    return 0.1 * 0.5**passed


def solution_linear_warmup(step: int, init_lr: float, warmup_steps: int) -> float:
    """Goyal et al.'s gradual warmup, then the constant init_lr."""
    if step < warmup_steps:
        return step / warmup_steps * init_lr
    return init_lr


# ----------------------------------------------------------------------------------
# Checkers
# ----------------------------------------------------------------------------------


@checker("MultiStepLR([50, 125, 160], 0.5) rate")
def check_multistep_rate(fn: Callable[[int], float]) -> bool:
    """Check ``fn(epoch)``: MultiStepLR([50, 125, 160], gamma=0.5) from 0.1, at many epochs."""
    epochs = (0, 49, 50, 51, 124, 125, 130, 159, 160, 199)
    checks = []
    for epoch in epochs:
        before = sum(1 for m in (50, 125, 160) if m < epoch)
        mistakes = {
            "a milestone m takes effect AT epoch m: count the milestones m <= epoch, "
            "not m < epoch.": 0.1 * 0.5**before,
            "gamma multiplies once per milestone passed: 0.1 * 0.5 ** k, not 0.1 - 0.05 * k.":
                0.1 - 0.05 * sum(1 for m in (50, 125, 160) if m <= epoch),
            "the rate starts at 0.1, not 1.": 0.5 ** sum(1 for m in (50, 125, 160) if m <= epoch),
        }
        hint = diagnose(lambda e=epoch: fn(e), mistakes,
                        "count k = the milestones m with m <= epoch; the rate is 0.1 * 0.5 ** k.",
                        abs_=1e-15)
        checks.append(Check((epoch,), solution_multistep_rate(epoch), hint))
    return report("MultiStepLR([50, 125, 160], 0.5) rate", fn, checks)


@checker("milestones and gamma of the mystery curve", takes_function=False)
def check_curve_settings(milestones: Any, gamma: Any) -> bool:
    """Check that ``MultiStepLR(milestones, gamma)`` from 0.1 draws :func:`mystery_curve`."""
    name = "milestones and gamma of the mystery curve"
    if milestones is Ellipsis or gamma is Ellipsis or milestones is None or gamma is None:
        print(f"⏳ {name}: not done yet. Replace the ... with your answers and run again.")
        return False
    problem = value_problem(gamma)
    if problem:
        print(f"❌ {name}: gamma is one number; {problem}")
        return False
    if isinstance(milestones, (str, bytes)) or not isinstance(milestones, (list, tuple)) or not all(
            isinstance(m, int) and not isinstance(m, bool) for m in milestones):
        print(f"❌ {name}: milestones is a list of whole epoch numbers, like [10, 20]; "
              f"got {_one_line(repr(milestones), 60)}.")
        return False
    try:
        got = S.schedule_values(S.multistep_lr, MYSTERY_EPOCHS, base_lr=0.1,
                                milestones=milestones, gamma=gamma)
    except ValueError as error:
        print(f"❌ {name}: {error}")
        return False
    want = mystery_curve()
    for t, (g, w) in enumerate(zip(got, want, strict=True)):
        if not math.isclose(g, w, rel_tol=1e-9):
            if math.isclose(g / 0.1, 0.5 ** round(math.log(g / 0.1, 0.5)), rel_tol=1e-9) \
                    and g != 0.1:
                hint = "each drop divides the rate by 10: gamma is a factor, 0.1."
            else:
                hint = "read off the epochs where the curve drops: the first epoch at the new rate."
            print(f"❌ {name}: at epoch {t} your settings give {g:.6g}, the curve has {w:.6g}. "
                  f"Hint: {hint}")
            return False
    print(f"✅ {name}: your MultiStepLR draws the same {MYSTERY_EPOCHS} rates.")
    return True


@checker("gradual linear warmup")
def check_linear_warmup(fn: Callable[[int, float, int], float]) -> bool:
    """Check ``fn(step, init_lr, warmup_steps)``: gradual warmup as in Goyal et al. (2017)."""
    cases = [(0, 0.1, 2500), (1, 0.1, 2500), (1250, 0.1, 2500), (2499, 0.1, 2500),
             (2500, 0.1, 2500), (14999, 0.1, 2500), (3, 0.4, 5), (7, 0.4, 5)]
    checks = []
    for step, init_lr, warmup_steps in cases:
        right = solution_linear_warmup(step, init_lr, warmup_steps)
        mistakes = {
            "the first step has rate 0: use step / warmup_steps, not (step + 1) / warmup_steps.":
                min(1.0, (step + 1) / warmup_steps) * init_lr,
            "after the warmup the rate stays at init_lr: do not keep growing.":
                step / warmup_steps * init_lr,
            "scale init_lr by the fraction done: step / warmup_steps * init_lr.":
                step / warmup_steps,
        }
        hint = diagnose(lambda a=(step, init_lr, warmup_steps): fn(*a), mistakes,
                        "while step < warmup_steps return step / warmup_steps * init_lr, "
                        "afterwards init_lr.", abs_=1e-15)
        checks.append(Check((step, init_lr, warmup_steps), right, hint))
    return report("gradual linear warmup", fn, checks)
