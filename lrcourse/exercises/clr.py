"""Exercise of the cyclical-learning-rate lesson: the triangular policy by hand.

``check_triangular_lr(fn)``: ``fn(iteration, base_lr, max_lr, step_size)`` returns
the triangular cyclical rate

    cycle = floor(1 + t / (2 step_size)),  x = |t / step_size - 2 cycle + 1|,
    lr    = base_lr + (max_lr - base_lr) * max(0, 1 - x)

compared with :func:`lrcourse.schedules.cyclical_lr` on a few iterations, with
hints for the usual slips.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from lrcourse.exercises._base import Check, checker, diagnose, report
from lrcourse.schedules import cyclical_lr

__all__ = ["check_triangular_lr", "solution_triangular_lr"]


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
