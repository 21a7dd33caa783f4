"""Exercise of the cyclical-learning-rate lesson: the triangular policy by hand.

``check_triangular_lr(fn)``: ``fn(iteration, base_lr, max_lr, step_size)`` returns
the triangular cyclical rate

    cycle = floor(1 + t / (2 step_size)),  x = |t / step_size - 2 cycle + 1|,
    lr    = base_lr + (max_lr - base_lr) * max(0, 1 - x)

compared with :func:`lrcourse.schedules.cyclical_lr` on a few iterations, with
hints for the usual slips.

``check_triangular2_230(rate)`` (a prediction): the ``triangular2`` rate at iteration
230 with ``base_lr=1e-3``, ``max_lr=5e-3``, ``step_size=46``.

``check_one_cycle_64(rate)`` (a prediction): the rate at step 64 of
``OneCycleLR(max_lr=0.1, total_steps=100)`` with its defaults.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from lrcourse.exercises._base import Check, checker, diagnose, report, report_value
from lrcourse.schedules import cyclical_lr

__all__ = [
    "check_triangular_lr",
    "solution_triangular_lr",
    "check_triangular2_230",
    "solution_triangular2_230",
    "check_one_cycle_64",
    "solution_one_cycle_64",
]


def solution_triangular_lr(iteration: int, base_lr: float, max_lr: float, step_size: int) -> float:
    """Reference solution: the triangular cyclical rate at ``iteration``."""
    cycle = math.floor(1 + iteration / (2 * step_size))
    x = abs(iteration / step_size - 2 * cycle + 1)
    return base_lr + (max_lr - base_lr) * max(0.0, 1 - x)


def _hint(fn: Callable, t: int, base: float, top: float, size: int) -> str:
    try:
        got = float(fn(t, base, top, size))
    except Exception:
        return "follow the three lines of the formula: cycle, x, lr."
    mistakes = {
        "the step size is half a cycle: the rate climbs for step_size iterations, "
        "then falls for step_size more.": solution_triangular_lr(t, base, top, 2 * size),
        "x needs the absolute value |t/step_size - 2 cycle + 1|, or the rate never falls.":
            base + (top - base) * max(0.0, 1 - (t / size - 2 * math.floor(1 + t / (2 * size)) + 1)),
        "start at base_lr: lr = base_lr + (max_lr - base_lr) * max(0, 1 - x).":
            (top - base) * max(0.0, 1 - abs(t / size - 2 * math.floor(1 + t / (2 * size)) + 1)),
        "cycle must be rounded down with floor, not used as a fraction.":
            base + (top - base) * max(0.0, 1 - abs(t / size - 2 * (1 + t / (2 * size)) + 1)),
    }
    return diagnose(lambda: got, mistakes, "at t = 0 the rate is base_lr, at t = step_size "
                    "max_lr, at t = 2 step_size base_lr.", abs_=1e-15)


@checker("triangular cyclical rate")
def check_triangular_lr(fn: Callable[[int, float, float, int], float]) -> bool:
    """Check ``fn(iteration, base_lr, max_lr, step_size)`` against ``cyclical_lr``."""
    cases = [(0, 1e-4, 1e-3, 100), (50, 1e-4, 1e-3, 100), (100, 1e-4, 1e-3, 100),
             (150, 1e-4, 1e-3, 100), (230, 1e-4, 1e-3, 100), (46, 1e-3, 1e-2, 46),
             (123, 1e-3, 1e-2, 46)]
    checks = [Check(case, cyclical_lr(*case), _hint(fn, *case)) for case in cases]
    return report("triangular cyclical rate", fn, checks, rel=1e-9, abs_=1e-15)


#: Iteration 230 with step_size 46: cycles of 92 iterations (0-91, 92-183, 184-275),
#: so the middle of the third cycle, its peak; triangular2 has halved the height
#: above base_lr twice: 1e-3 + (5e-3 - 1e-3) / 4.
solution_triangular2_230 = 1e-3 + (5e-3 - 1e-3) / 4


@checker("triangular2 at iteration 230", takes_function=False)
def check_triangular2_230(rate: Any) -> bool:
    """Check a prediction: the ``triangular2`` rate at iteration 230 for base_lr 1e-3,
    max_lr 5e-3 and step_size 46."""
    mistakes = {
        "triangular2 halves the height above base_lr at every new cycle; "
        "this is the triangular rate.": 5e-3,
        "a cycle is 2 × 46 = 92 iterations: 230 lies in the THIRD cycle (184-275), "
        "so the height has been halved twice.": 1e-3 + 4e-3 / 2,
        "the first cycle keeps the full height: scale 1/2^(cycle − 1), so the third "
        "cycle gets 1/4, not 1/8.": 1e-3 + 4e-3 / 8,
        "halve the height above base_lr (max_lr − base_lr), not max_lr itself.": 5e-3 / 4,
        "1e-3 is base_lr, where each cycle starts and ends; step_size is half a cycle, "
        "so 230 = 2.5 cycles of 92 lies at a peak. (And the scaled height is added "
        "to base_lr.)": 1e-3,
    }
    return report_value("triangular2 at iteration 230", rate, solution_triangular2_230, mistakes,
                        "find the cycle (2 × step_size iterations each) and where in it 230 "
                        "lies, then scale the height max_lr − base_lr by 1/2^(cycle − 1).",
                        rel=1e-3)


# OneCycleLR(max_lr=0.1, total_steps=100), defaults pct_start=0.3, "cos", div_factor=25,
# final_div_factor=1e4, two phases: the peak is at step 0.3 * 100 - 1 = 29, the last
# batch (step 99) has 0.1 / 25 / 1e4 = 4e-7. Step 64 is (64 - 29) / (99 - 29) = 1/2 of
# the way down, where half a cosine is half-way: (0.1 + 4e-7) / 2.
_MIN_LR = 0.1 / 25 / 1e4
#: The rate at step 64 of OneCycleLR(max_lr=0.1, total_steps=100).
solution_one_cycle_64 = (0.1 + _MIN_LR) / 2


def _cosine_between(top: float, bottom: float, x: float) -> float:
    return bottom + (top - bottom) * (1 + math.cos(math.pi * x)) / 2


@checker("OneCycleLR(max_lr=0.1, total_steps=100) at step 64", takes_function=False)
def check_one_cycle_64(rate: Any) -> bool:
    """Check a prediction: the rate of ``OneCycleLR(max_lr=0.1, total_steps=100)`` (all
    other arguments at their defaults) at step 64, steps counted from 0."""
    name = "OneCycleLR(max_lr=0.1, total_steps=100) at step 64"
    ends = ("PyTorch's phases end at steps, counted from 0: the peak at pct_start · "
            "total_steps − 1 = 29, the last batch at total_steps − 1 = 99, so the descent "
            "runs from step 29 to step 99.")
    mistakes = [
        (ends, _cosine_between(0.1, _MIN_LR, 34 / 69)),  # peak taken at 30
        (ends, _cosine_between(0.1, _MIN_LR, 35 / 71)),  # end taken at 100
        (ends, _cosine_between(0.1, _MIN_LR, 34 / 70)),  # both
        ("the descent goes below where the rate started: down to max_lr / div_factor / "
         "final_div_factor = 4e-7, not to max_lr / 25 = 0.004.", (0.1 + 0.004) / 2),
        ("PyTorch's default has two phases (three_phase=False): after the peak the rate "
         "falls straight to the minimum.",
         _cosine_between(0.004, _MIN_LR, (64 - 58) / (99 - 58))),
    ]
    right = report_value(name, rate, solution_one_cycle_64, mistakes,
                         "find where step 64 lies: the peak 0.1 is at step 29 and the last "
                         "batch, step 99, has 0.1 / 25 / 1e4; then follow half a cosine "
                         "between them.", rel=1e-3)
    if right:
        print("   Exactly (0.1 + 4e-7) / 2 = 0.0500002: half-way down in steps is half-way "
              "in rate, for a cosine as for a straight line.")
    return right
