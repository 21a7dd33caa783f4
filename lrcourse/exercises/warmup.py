"""Exercises of the warmup lesson.

- ``check_linear_warmup(fn)``: ``fn(step, init_lr, warmup_steps)`` returns the
  gradual warmup rate of Goyal et al.: ``step / warmup_steps * init_lr`` before
  ``warmup_steps``, ``init_lr`` after.
- ``check_linear_lr_300(rate)`` (a prediction): the rate at step 300 of
  ``LinearLR(start_factor=0.2, total_iters=500)`` on a base rate of 0.05.
- ``check_sharp_start(answer)`` (a prediction): gradient descent at lr 0.5 where the
  sharpness is 6: the largest stable rate there, the largest sharpness at which 0.5 is
  stable, and the first step of a 100-step linear warmup to 0.5 whose rate is past 2/6.

Reference solutions for teachers are the ``solution_*`` functions.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lrcourse.exercises._base import Check, checker, diagnose, report, report_value

__all__ = [
    "check_linear_warmup",
    "check_linear_lr_300",
    "check_sharp_start",
    "solution_linear_warmup",
    "solution_linear_lr_300",
    "solution_sharp_start",
]


def solution_linear_warmup(step: int, init_lr: float, warmup_steps: int) -> float:
    """Goyal et al.'s gradual warmup, then the constant init_lr."""
    if step < warmup_steps:
        return step / warmup_steps * init_lr
    return init_lr



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



@checker("LinearLR(0.2, 500) at step 300", takes_function=False)
def check_linear_lr_300(rate: Any) -> bool:
    """Check a prediction: the rate of ``LinearLR(start_factor=0.2, total_iters=500)``
    on a base rate of 0.05 at step 300."""
    mistakes = {
        "LinearLR starts at start_factor × base rate (0.01), not at 0 as Goyal's ramp does.":
            0.05 * 300 / 500,
        "the factor climbs by 1 − start_factor = 0.8 during the warmup, not by 1.":
            0.05 * 0.2 + 0.05 * 300 / 500,
        "300 < total_iters = 500: the warmup is not over yet.": 0.05,
        "0.01 is the rate at step 0 only; the factor grows at every step.": 0.05 * 0.2,
        "the factor multiplies the base rate 0.05.": 0.2 + 0.8 * 300 / 500,
        "step 0 has the factor start_factor: at step 300, 300 steps of the ramp are done, "
        "not 301.": 0.05 * (0.2 + 0.8 * 301 / 500),
    }
    return report_value("LinearLR(0.2, 500) at step 300", rate, solution_linear_lr_300, mistakes,
                        "the factor goes from start_factor to 1 in a straight line over "
                        "total_iters steps; the rate is the factor × 0.05.", rel=1e-3)


#: The rate at step 300 of LinearLR(start_factor=0.2, total_iters=500) on a base rate
#: of 0.05: the factor climbs from 0.2 to 1 in 500 steps, 0.2 + 0.8 * 300/500 = 0.68.
solution_linear_lr_300 = 0.05 * (0.2 + 0.8 * 300 / 500)


#: Exercise 3: the sharpness is 6 and the planned rate 0.5. (a) The edge of stability
#: 2 / 6; (b) the largest sharpness at which 0.5 is stable, 2 / 0.5 = 4; (c) with a
#: linear warmup lr_t = t / 100 * 0.5, the first step whose rate is past 1/3:
#: t / 200 > 1/3, t > 66.7, so step 67.
solution_sharp_start = (1 / 3, 4.0, 67)


@checker("a sharp start", takes_function=False)
def check_sharp_start(answer: Any) -> bool:
    """Check a prediction (edge at sharpness 6, largest stable sharpness at lr 0.5,
    first warmup step past the edge)."""
    mistakes = {
        "(a) the edge is 2 / sharpness; 1 / sharpness is the rate that lands in one step.": (
            1 / 6, 4.0, 67),
        "(a) the edge is 2 / sharpness, not sharpness / 2.": (3.0, 4.0, 67),
        "(b) gradient descent is stable while lr x sharpness < 2: sharpness < 2 / 0.5.": (
            1 / 3, 2.0, 67),
        "(b) stable while lr x sharpness < 2, so the sharpness must fall below 2 / lr, "
        "not lr / 2.": (1 / 3, 0.25, 67),
        "(c) count whole steps: the rate t / 200 passes 1/3 after step 66.7, so at step 67.": (
            1 / 3, 4.0, 66.67),
        "(c) the rate at step t is t / 100 x 0.5: it passes 1/3 at t = 66.7, not at 33.": (
            1 / 3, 4.0, 34),
        "(c) 0.5 / 100 per step: step 67 is the first past 1/3 (step 66 gives 0.33 < 0.333).": (
            1 / 3, 4.0, 66),
        "(a) 0.33 is 1% off: write the edge as a fraction, 2 / 6.": (0.33, 4.0, 67),
    }
    return report_value("a sharp start", answer, solution_sharp_start, mistakes,
                        "gradient descent is stable while lr < 2 / sharpness; a linear warmup "
                        "to 0.5 over 100 steps uses t / 100 x 0.5 at step t.", rel=2e-3)
