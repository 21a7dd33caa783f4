"""Exercises of the conditioning lesson.

- ``check_gd_numbers(answer)``: a prediction, for a quadratic with eigenvalues
  0.5, 2 and 10, of gradient descent's edge of stability, its best fixed rate
  and the factor per step at that rate, as ``(edge, best_lr, factor)``.
- ``check_best_momentum(answer)``: a prediction, for eigenvalues between 0.1 and
  10 (k = 100), of heavy ball's best ``(lr, beta)`` and its factor per step, as
  ``(lr, beta, factor)``.
- ``check_heavy_ball_factor(fn)``: ``fn(lr, beta, lam)`` returns heavy ball's
  factor per step along one direction of curvature ``lam``: the larger size of
  the roots of ``r^2 - (1 + beta - lr lam) r + beta = 0``.

Reference solutions for teachers are below; the unit tests check them against
runs of ``torch.optim.SGD``.
"""

from __future__ import annotations

import cmath
import math
from collections.abc import Callable
from typing import Any

from lrcourse.exercises._base import Check, checker, diagnose, report, report_value

__all__ = [
    "BEST_MOMENTUM_EIGENVALUES",
    "GD_EIGENVALUES",
    "check_best_momentum",
    "check_gd_numbers",
    "check_heavy_ball_factor",
    "solution_best_momentum",
    "solution_gd_numbers",
    "solution_heavy_ball_factor",
]

#: Exercise 1: the eigenvalues of the quadratic (k = 10 / 0.5 = 20).
GD_EIGENVALUES = (0.5, 2.0, 10.0)

#: Exercise 2: the smallest and largest eigenvalue (k = 100).
BEST_MOMENTUM_EIGENVALUES = (0.1, 10.0)

# ----------------------------------------------------------------------------------
# Reference solutions
# ----------------------------------------------------------------------------------

#: Exercise 1: edge 2 / 10; best rate 2 / (0.5 + 10); factor (20 - 1) / (20 + 1).
#: The middle eigenvalue 2 plays no part: only the extremes set the worst factor.
solution_gd_numbers = (0.2, 2 / 10.5, 19 / 21)

#: Exercise 2: lr = (2 / (sqrt 10 + sqrt 0.1))^2 = 4 / 12.1, beta = (9 / 11)^2,
#: factor 9 / 11 (sqrt k = 10).
solution_best_momentum = (4 / 12.1, (9 / 11) ** 2, 9 / 11)


def solution_heavy_ball_factor(lr: float, beta: float, lam: float) -> float:
    """The larger size of the two roots of r^2 - (1 + beta - lr lam) r + beta = 0."""
    a = 1 + beta - lr * lam
    root = cmath.sqrt(a * a - 4 * beta)  # complex when the direction swings
    return max(abs((a + root) / 2), abs((a - root) / 2))


# ----------------------------------------------------------------------------------
# Checkers
# ----------------------------------------------------------------------------------


@checker("gradient descent's numbers", takes_function=False)
def check_gd_numbers(answer: Any) -> bool:
    """Check (edge, best_lr, factor) of gradient descent for eigenvalues 0.5, 2 and 10."""
    mu, L = min(GD_EIGENVALUES), max(GD_EIGENVALUES)
    edge, best, factor = solution_gd_numbers
    k = L / mu
    mistakes = {
        "the edge is set by the LARGEST eigenvalue: 2 / λ_max.": (2 / mu, best, factor),
        "the edge is 2 / λ_max, not 1 / λ_max (that rate lands the steep direction on 0 "
        "in one step).": (1 / L, best, factor),
        "the best fixed rate balances the two extremes: 2 / (λ_min + λ_max), not 1 / λ_max.":
            (edge, 1 / L, 1 - mu / L),
        "the best fixed rate uses the smallest and the largest eigenvalue, not the middle "
        "one.": (edge, 2 / (2.0 + L), (L - 2.0) / (L + 2.0)),
        "with k = λ_max / λ_min = 20 the factor is (k − 1)/(k + 1), not 1 − 1/k.":
            (edge, best, 1 - 1 / k),
        "the factor is the size |1 − lr·λ| at the best rate: (k − 1)/(k + 1) with k = 20.":
            (edge, best, 1 - best * L),
    }
    return report_value("gradient descent's numbers", answer, solution_gd_numbers, mistakes,
                        "give (2 / λ_max, 2 / (λ_min + λ_max), (k − 1)/(k + 1)) with "
                        "k = λ_max / λ_min.", rel=1e-3)


@checker("heavy ball's best setting", takes_function=False)
def check_best_momentum(answer: Any) -> bool:
    """Check (lr, beta, factor) of the best heavy ball for eigenvalues 0.1 to 10."""
    mu, L = BEST_MOMENTUM_EIGENVALUES
    lr, beta, factor = solution_best_momentum
    sk = math.sqrt(L / mu)
    mistakes = {
        "β is the SQUARE of (√k − 1)/(√k + 1); the factor per step is its root.":
            (lr, factor, factor),
        "the factor per step is √β = (√k − 1)/(√k + 1), not β itself.": (lr, beta, beta),
        "the rate is squared too: lr = (2 / (√λ_max + √λ_min))².":
            (2 / (math.sqrt(L) + math.sqrt(mu)), beta, factor),
        "that is gradient descent's best rate 2 / (λ_min + λ_max); heavy ball's is "
        "(2 / (√λ_max + √λ_min))².": (2 / (mu + L), beta, factor),
        "use √k = 10, not k = 100, in (√k − 1)/(√k + 1).":
            (lr, ((L / mu - 1) / (L / mu + 1)) ** 2, (L / mu - 1) / (L / mu + 1)),
        "lr uses the square roots of the eigenvalues: (2 / (√10 + √0.1))², not "
        "(2 / (10 + 0.1))².": ((2 / (L + mu)) ** 2, beta, factor),
        "the factor shrinks the error: (√k − 1)/(√k + 1) with √k = 10 is 9/11.":
            (lr, beta, 1 - 1 / sk),
    }
    return report_value("heavy ball's best setting", answer, solution_best_momentum, mistakes,
                        "lr = (2 / (√λ_max + √λ_min))², β = ((√k − 1)/(√k + 1))², "
                        "factor (√k − 1)/(√k + 1).", rel=1e-3)


#: The inputs the heavy-ball checker tries, (lr, beta, lam), each a different regime.
FACTOR_CASES = [
    (0.005, 0.9, 50.0),    # underdamped: complex roots of size sqrt(0.9)
    (0.01, 0.1, 1.0),      # overdamped: two real roots, the larger sets the pace
    (0.04, 0.0, 50.0),     # no momentum: gradient descent's |1 - lr lam|
    (0.1, 0.5, 40.0),      # beyond the edge 2 (1 + beta) / lam = 0.075: above 1
    (0.01, 0.25, 25.0),    # critically damped: the double root 1 - sqrt(lr lam) = 0.5
    (1.0, 0.3, 3.0),       # real roots, both negative: the direction flips sign
]


@checker("heavy ball's factor per step")
def check_heavy_ball_factor(fn: Callable[[float, float, float], float]) -> bool:
    """Check ``fn(lr, beta, lam)``: the larger |root| of r² − (1 + β − lr·λ) r + β = 0."""
    checks = []
    for lr, beta, lam in FACTOR_CASES:
        a = 1 + beta - lr * lam
        root = cmath.sqrt(a * a - 4 * beta)
        r1, r2 = (a + root) / 2, (a - root) / 2
        a_minus = 1 - beta - lr * lam
        root_minus = cmath.sqrt(a_minus * a_minus - 4 * beta)
        mistakes = {
            "that is plain gradient descent's |1 − lr·λ|: with momentum the factor is a root "
            "of r² − (1 + β − lr·λ) r + β = 0.": abs(1 - lr * lam),
            "take the LARGER size of the two roots: it is the one that survives.":
                min(abs(r1), abs(r2)),
            "the middle coefficient is 1 + β − lr·λ (plus β, not minus).":
                max(abs((a_minus + root_minus) / 2), abs((a_minus - root_minus) / 2)),
            "√β is the size of complex roots only; when the roots are real, compute them.":
                math.sqrt(beta),
            "return the SIZE of the root, abs(r), not its real part.":
                max(r1.real, r2.real),
        }
        hint = diagnose(lambda a=(lr, beta, lam): fn(*a), mistakes,
                        "solve r² − (1 + β − lr·λ) r + β = 0 with cmath.sqrt (the roots may be "
                        "complex) and return the larger of abs(r1), abs(r2).")
        checks.append(Check((lr, beta, lam), solution_heavy_ball_factor(lr, beta, lam), hint))
    return report("heavy ball's factor per step", fn, checks, rel=1e-9, abs_=1e-12)
