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

from lrcourse.exercises._base import Check, checker, diagnose, report, report_value, value_problem
from lrcourse.lessons.surfaces import STARTS, run_named

__all__ = [
    "check_adagrad_rates",
    "check_saddle_rate",
    "saddle_verdict",
    "solution_adagrad_rates",
    "solution_saddle_rate",
    "check_momentum_edge",
    "solution_momentum_edge",
]

#: The saddle exercise: the smallest rate of the grid 0.001, 0.002, ... with which
#: SGD(momentum=0.9) from (1.5, 0.001) leaves the ridge (|y| > 0.5) within this many steps.
SADDLE_BUDGET = 50
SADDLE_GRID = 0.001

# ----------------------------------------------------------------------------------
# Reference solutions
# ----------------------------------------------------------------------------------

#: The smallest grid rate with which momentum leaves the ridge within 50 steps (at
#: 0.030 it needs 51). The estimate 0.001 r^50 = 0.5 with r the growth factor gives
#: 0.027; the first steps, spent sliding in x, cost the difference.
solution_saddle_rate = 0.031

#: Exercise 3: the largest rate at which SGD(momentum=0.9) still converges on the
#: ravine (curvatures 1 and 50): lr * 50 < 2 + 2 * 0.9, so lr < 3.8 / 50.
solution_momentum_edge = 0.076


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


def _escapes(lr: float) -> int | None:
    path = run_named("saddle", "Momentum", lr, STARTS["saddle"], SADDLE_BUDGET)
    return path.steps_to_escape(0.5)


def saddle_verdict(lr: Any) -> tuple[bool, str]:
    """Whether ``lr`` solves the saddle exercise, and why (used by :func:`check_saddle_rate`)."""
    if lr is None or lr is Ellipsis:
        return False, "⏳ not done yet: set lr to a number and run again."
    problem = value_problem(lr)
    if problem or not lr > 0:
        return False, f"❌ lr must be a number > 0; {problem or f'got {lr!r}.'}"
    lr = float(lr)
    if abs(lr / SADDLE_GRID - round(lr / SADDLE_GRID)) > 1e-6:
        return False, (f"❌ lr = {lr:g} is not on the grid: use a multiple of {SADDLE_GRID:g} "
                       "(0.001, 0.002, ...).")
    lr = round(lr / SADDLE_GRID) * SADDLE_GRID
    k = _escapes(lr)
    if k is None:
        return False, (
            f"❌ lr = {lr:g} is too small: momentum is still on the ridge after "
            f"{SADDLE_BUDGET} steps. Near the ridge |y| grows each step by r, the larger "
            f"root of r² − (1.9 + lr)·r + 0.9 = 0 ({_growth(lr):.3f} at this rate): "
            "try a larger rate.")
    if lr > SADDLE_GRID and _escapes(lr - SADDLE_GRID) is not None:
        return False, (f"❌ lr = {lr:g} leaves the ridge after {k} steps, but a smaller rate "
                       "of the grid does too: go down in steps of 0.001.")
    return True, (f"✅ lr = {lr:g} is the smallest: momentum leaves the ridge after {k} steps, "
                  f"while at {lr - SADDLE_GRID:g} it needs more than {SADDLE_BUDGET}.")


@checker("crossing the saddle", takes_function=False)
def check_saddle_rate(lr: Any) -> bool:
    """Check the smallest grid rate with which momentum (0.9) leaves the ridge in 50 steps."""
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
        n = len(grads[0])
        s = [sum(g[i] * g[i] for g in grads) for i in range(n)]
        mistakes = {
            "take the square root of s: lr / (sqrt(s) + eps), not lr / (s + eps).":
                [lr / (s_i + eps) for s_i in s],
            "s sums the squares over ALL steps so far, not only the last gradient.":
                [lr / (abs(g) + eps) for g in grads[-1]],
            "AdaGrad SUMS the squared gradients; an average (mean) is RMSProp's idea.":
                [lr / (math.sqrt(s_i / len(grads)) + eps) for s_i in s],
            "square each gradient before adding: s = g_1² + g_2² + ..., not (g_1 + g_2 + ...)².":
                [lr / (abs(sum(g[i] for g in grads)) + eps) for i in range(n)],
            "keep one rate per parameter: sum each parameter's own squares, not all of them.":
                [lr / (math.sqrt(sum(s)) + eps)] * n,
            "divide lr by the root: lr / (sqrt(s) + eps), not lr * sqrt(s).":
                [lr * math.sqrt(s_i) for s_i in s],
        }
        hint = diagnose(lambda a=(grads, lr, eps): fn(*a), mistakes,
                        "sum the squares of each parameter's gradients over all steps, take "
                        "the square root, then lr / (sqrt(s) + eps); one rate per parameter.")
        checks.append(Check((grads, lr, eps), solution_adagrad_rates(grads, lr, eps), hint))
    return report("AdaGrad's per-parameter rates", fn, checks, rel=1e-6, abs_=1e-9)


@checker("momentum's edge on the ravine", takes_function=False)
def check_momentum_edge(lr: Any) -> bool:
    """Check a prediction of the largest stable rate of SGD(momentum=0.9) on the ravine."""
    mistakes = {
        "0.04 is plain gradient descent's edge 2/50; momentum's is (2 + 2β)/50.": 0.04,
        "momentum moves the edge UP, to lr·λ < 2 + 2β, not down.": 2 * (1 - 0.9) / 50,
        "the edge is set by the steep direction, λ = 50, not by λ = 1.": 3.8,
        "2 + 2β with β = 0.9 is 3.8, so divide 3.8 by 50.": (1 + 0.9) / 50,
        "the stability condition is lr·λ < 2 + 2β, not 2/(1 − β).": 2 / (50 * (1 - 0.9)),
    }
    return report_value("momentum's edge on the ravine", lr, solution_momentum_edge, mistakes,
                        "heavy ball is stable while lr·λ_max < 2 + 2β.", rel=1e-2)
