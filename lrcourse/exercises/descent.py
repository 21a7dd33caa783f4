"""Exercises of the first lessons: gradient-descent steps written by hand.

- ``check_sgd_step(fn)`` (start here): ``fn(w, lr)`` returns w after one SGD
  step on the loss w^2/2, whose gradient is w. From w = 1 with lr = 0.1: 0.9.
- ``check_gd_step(fn)`` (the learning rate): ``fn(x, lr)`` returns x after one
  step on y = 4 x^2, whose gradient is 8 x.
- ``check_iterate(fn)`` (the learning rate): ``fn(x0, lr, n)`` returns the list
  ``[x_0, x_1, ..., x_n]`` of n steps on y = 4 x^2.

Each checker compares with the reference solutions below (for teachers) on a
few inputs and, when an answer matches a typical mistake, names it.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from lrcourse.exercises._base import Check, checker, diagnose, report, report_value

__all__ = [
    "check_gd_step",
    "check_iterate",
    "check_sgd_step",
    "solution_gd_step",
    "solution_iterate",
    "solution_sgd_step",
    "check_three_steps",
    "solution_three_steps",
    "check_edge_25",
    "solution_edge_25",
]


# ----------------------------------------------------------------------------------
# Reference solutions
# ----------------------------------------------------------------------------------


def solution_sgd_step(w: float, lr: float) -> float:
    """One step on w^2/2: the gradient is w, so w <- w - lr * w."""
    grad = w
    return w - lr * grad


def solution_gd_step(x: float, lr: float) -> float:
    """One step on y = 4 x^2: the gradient is 8 x, so x <- x - lr * 8 x."""
    grad = 8 * x
    return x - lr * grad


def solution_iterate(x0: float, lr: float, n: int) -> list[float]:
    """The iterates x_0, ..., x_n of n steps on y = 4 x^2 (n + 1 numbers)."""
    xs = [x0]
    for _ in range(n):
        xs.append(solution_gd_step(xs[-1], lr))
    return xs


# ----------------------------------------------------------------------------------
# Checkers
# ----------------------------------------------------------------------------------


@checker("one SGD step on w²/2")
def check_sgd_step(fn: Callable[[float, float], float]) -> bool:
    """Check ``fn(w, lr)``: one SGD step on the loss w^2/2 (the course's first example)."""
    cases = [(1.0, 0.1), (1.0, 0.5), (-2.0, 0.1), (3.0, 1.5)]
    checks = []
    for w, lr in cases:
        mistakes = {
            "step against the gradient: w - lr * grad, not w + lr * grad.": w + lr * w,
            "the gradient of w²/2 is w (not w²/2): w - lr * w.": w - lr * w * w / 2,
            "the gradient of w²/2 is w, not 2w: the 1/2 cancels the 2.": w - lr * 2 * w,
            "return the new weight, not the size of the step.": lr * w,
        }
        hint = diagnose(lambda w=w, lr=lr: fn(w, lr), mistakes,
                        "the loss w²/2 has gradient w; the new weight is w - lr * w.")
        checks.append(Check((w, lr), solution_sgd_step(w, lr), hint))
    return report("one SGD step on w²/2", fn, checks)


@checker("one step on y = 4x²")
def check_gd_step(fn: Callable[[float, float], float]) -> bool:
    """Check ``fn(x, lr)``: one gradient-descent step on y = 4 x^2."""
    cases = [(2.0, 0.1), (2.0, 0.2), (-1.5, 0.01), (0.5, 0.3)]
    checks = []
    for x, lr in cases:
        mistakes = {
            "step against the gradient: x - lr * grad, not x + lr * grad.": x + lr * 8 * x,
            "the gradient of 4x² is 8x (d/dx x² = 2x, times 4), not 4x.": x - lr * 4 * x,
            "the gradient of 4x² is 8x, not 2x: keep the factor 4.": x - lr * 2 * x,
            "subtract lr times the gradient 8x, not lr times the loss 4x².": x - lr * 4 * x * x,
            "return the new x, not the step lr * 8x.": lr * 8 * x,
        }
        hint = diagnose(lambda x=x, lr=lr: fn(x, lr), mistakes,
                        "the gradient of 4x² is 8x; the new x is x - lr * 8 * x.")
        checks.append(Check((x, lr), solution_gd_step(x, lr), hint))
    return report("one step on y = 4x²", fn, checks)


@checker("n steps on y = 4x²")
def check_iterate(fn: Callable[[float, float, int], list[float]]) -> bool:
    """Check ``fn(x0, lr, n)``: the n + 1 iterates of n steps on y = 4 x^2."""
    cases = [(2.0, 0.1, 4), (2.0, 0.2, 4), (2.0, 0.3, 4), (-1.0, 0.05, 6), (2.0, 0.1, 0)]
    checks = []
    for x0, lr, n in cases:
        right = solution_iterate(x0, lr, n)
        mistakes = {
            "include the start: n steps give n + 1 numbers, x_0 first.": right[1:],
            "stop after n steps: the list has n + 1 numbers, x_0 to x_n.": solution_iterate(
                x0, lr, n + 1
            ),
            "return every iterate as a list, not only the last one.": right[-1],
            "each step uses the gradient at the current x, 8 * x_k, not at x_0.": [
                x0 - k * lr * 8 * x0 for k in range(n + 1)
            ],
            "step against the gradient: x - lr * 8x, not x + lr * 8x.": [
                x0 * (1 + 8 * lr) ** k for k in range(n + 1)
            ],
        }
        hint = diagnose(lambda x0=x0, lr=lr, n=n: fn(x0, lr, n), mistakes,
                        "start from [x0] and append x - lr * 8 * x, n times.")
        checks.append(Check((x0, lr, n), right, hint))
    return report("n steps on y = 4x²", fn, checks)


# ----------------------------------------------------------------------------------
# Predictions: a number written down before running anything
# ----------------------------------------------------------------------------------

#: Start here, exercise 2: w after three SGD steps on w^2/2 from w = 1 with lr = 0.5.
#: Each step multiplies w by 1 - lr = 0.5.
solution_three_steps = 0.125

#: The learning rate, exercise 3: on y = 25 x^2 (gradient 50 x, curvature 50), the
#: rate that lands on the minimum in one step, 1/50, and the edge of stability, 2/50.
solution_edge_25 = (0.02, 0.04)


@checker("three SGD steps on w²/2, predicted", takes_function=False)
def check_three_steps(w3: Any) -> bool:
    """Check a prediction of w after three steps of lr 0.5 on w²/2 from w = 1."""
    mistakes = {
        "that is one step; each of the three multiplies w by 1 - lr again.": 0.5,
        "that is two steps; take a third.": 0.25,
        "the gradient changes as w shrinks: each step subtracts lr * (current w), "
        "not lr * 1.": 1 - 3 * 0.5,
        "step against the gradient: w - lr * w, not w + lr * w.": 1.5**3,
    }
    return report_value("three SGD steps on w²/2, predicted", w3, solution_three_steps,
                        mistakes, "each step multiplies w by (1 - lr); do that three times.",
                        rel=1e-6)


@checker("one-step rate and edge for y = 25x²", takes_function=False)
def check_edge_25(rates: Any) -> bool:
    """Check a prediction (one-step rate, edge of stability) for y = 25 x^2."""
    mistakes = {
        "the curvature of 25x² is 50 (its gradient is 50x), not 25: use 1/50 and 2/50.":
            (0.04, 0.08),
        "first the rate that lands in one step (factor 0), then the edge (factor -1).":
            (0.04, 0.02),
        "the edge is where the factor 1 - 50·lr reaches -1, twice the one-step rate.":
            (0.02, 0.02),
    }
    return report_value("one-step rate and edge for y = 25x²", rates, solution_edge_25,
                        mistakes, "one step multiplies x by 1 - 50·lr: it is 0 at the one-step "
                        "rate and -1 at the edge.", rel=1e-6)
