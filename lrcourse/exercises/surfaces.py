"""Exercises of the optimizers-on-surfaces lesson.

- ``check_saddle_rate(lr)``: a learning rate with which SGD with momentum 0.9,
  started just off the saddle's ridge at (1.5, 0.001), leaves the ridge
  (|y| > 0.5) within 100 steps and is within 0.01 of a minimum after 500.
- ``check_adagrad_rates(fn)``: ``fn(grads, lr, eps)`` returns AdaGrad's
  per-parameter learning rates ``lr / (sqrt(s) + eps)`` after the gradients
  ``grads`` (a list of gradient vectors), where ``s`` sums each parameter's
  squared gradients.

Reference solutions for teachers are below.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from lrcourse.exercises._base import Check, checker, report
from lrcourse.surfaces import STARTS, run_named

__all__ = [
    "check_adagrad_rates",
    "check_saddle_rate",
    "saddle_verdict",
    "solution_adagrad_rates",
    "solution_saddle_rate",
]

#: Budgets of the saddle exercise: leave the ridge within this many steps, and
#: be within ``SADDLE_TOL`` of a minimum after ``SADDLE_SETTLE`` steps.
SADDLE_ESCAPE, SADDLE_SETTLE, SADDLE_TOL = 100, 500, 0.01

# ----------------------------------------------------------------------------------
# Reference solutions
# ----------------------------------------------------------------------------------

#: A rate that works: momentum leaves the ridge after 66 steps (any rate from
#: about 0.011 to 0.5 does; plain SGD needs about 0.064).
solution_saddle_rate = 0.02


def solution_adagrad_rates(
    grads: Sequence[Sequence[float]], lr: float, eps: float = 1e-10
) -> list[float]:
    """AdaGrad's rate of each parameter: lr / (sqrt(sum over steps of g^2) + eps)."""
    n = len(grads[0])
    s = [sum(g[i] * g[i] for g in grads) for i in range(n)]
    return [lr / (math.sqrt(s_i) + eps) for s_i in s]


# ----------------------------------------------------------------------------------
# Checkers
# ----------------------------------------------------------------------------------


def _growth(lr: float, beta: float = 0.9) -> float:
    """Heavy ball's growth factor per step along y near the saddle, where f ~ -y²/2.

    y_{t+1} = (1 + beta + lr) y_t - beta y_{t-1}: |y| grows by the larger root of
    r² - (1 + beta + lr) r + beta = 0, e.g. 1.065 at lr = 0.01.
    """
    a = 1 + beta + lr
    return (a + math.sqrt(a * a - 4 * beta)) / 2


def saddle_verdict(lr: Any) -> tuple[bool, str]:
    """Whether ``lr`` solves the saddle exercise, and why (used by :func:`check_saddle_rate`)."""
    if lr is None or lr is Ellipsis:
        return False, "⏳ not done yet: set lr to a number and run again."
    if isinstance(lr, bool) or not isinstance(lr, (int, float)):
        return False, f"❌ lr must be a number, got {type(lr).__name__}."
    if not (math.isfinite(lr) and lr > 0):
        return False, f"❌ lr must be a finite number > 0, got {lr!r}."
    path = run_named("saddle", "Momentum", float(lr), STARTS["saddle"], SADDLE_SETTLE)
    if path.diverged:
        return False, (
            f"❌ lr = {lr:g} is too large: momentum overshoots the valley walls and "
            f"diverges after {path.steps} steps. Try a smaller rate."
        )
    k = path.steps_to_escape(0.5)
    if k is None or k > SADDLE_ESCAPE:
        when = f"after {k} steps" if k is not None else f"not within {SADDLE_SETTLE} steps"
        return False, (
            f"❌ lr = {lr:g} is too small: momentum leaves the ridge {when}, not within "
            f"{SADDLE_ESCAPE}. Near the ridge |y| grows each step by r, the larger root of "
            f"r² − (1.9 + lr)·r + 0.9 = 0 ({_growth(float(lr)):.3f} at this rate): "
            f"try a larger rate."
        )
    if path.distance() > SADDLE_TOL:
        return False, (
            f"❌ lr = {lr:g} leaves the ridge after {k} steps but is still "
            f"{path.distance():.3f} from a minimum after {SADDLE_SETTLE} steps: it bounces "
            f"in the valley. Try a smaller rate."
        )
    return True, (
        f"✅ lr = {lr:g}: momentum leaves the ridge after {k} steps and is "
        f"{path.distance():.1e} from the minimum (0, {path.final[1]:+.0f}) after "
        f"{SADDLE_SETTLE} steps."
    )


@checker('crossing the saddle', takes_function=False)
def check_saddle_rate(lr: Any) -> bool:
    """Check a rate for momentum (0.9) on the saddle: escape within 100 steps, then settle."""
    ok, message = saddle_verdict(lr)
    print(f"crossing the saddle: {message}")
    return ok


@checker("AdaGrad's per-parameter rates")
def check_adagrad_rates(fn: Callable[[Sequence[Sequence[float]], float, float], list[float]]
                        ) -> bool:
    """Check ``fn(grads, lr, eps)``: AdaGrad's per-parameter rates after ``grads``."""
    cases = [
        ([[1.0, 0.1]], 0.5, 1e-10),
        ([[3.0, 0.0], [4.0, 1.0]], 1.0, 1e-10),
        ([[0.5, 0.0, 2.0], [0.5, 0.0, -2.0], [0.5, 0.1, 2.0]], 0.1, 1e-10),
        ([[2.0, 1.0]] * 4, 0.01, 1e-10),
    ]
    checks = []
    for grads, lr, eps in cases:
        hint = (
            "sum the SQUARES of each parameter's gradients over all steps, take the "
            "square root, then lr / (sqrt(s) + eps); keep one rate per parameter."
        )
        checks.append(Check((grads, lr, eps), solution_adagrad_rates(grads, lr, eps), hint))
    return report("AdaGrad's per-parameter rates", fn, checks, rel=1e-6, abs_=1e-9)
