"""Exercises of the gradient-descent-variants lesson: epochs, batches, iterations.

- ``check_iterations(fn)``: ``fn(n_samples, batch_size, epochs)`` returns how many
  updates ``epochs`` passes over ``n_samples`` make in batches of ``batch_size``
  (the last, smaller batch kept). 50,000 samples, B = 256, 10 epochs: 1,960.
- ``check_batches(fn)``: ``fn(order, batch_size)`` cuts a shuffled list of sample
  indices into consecutive batches (lists), the last one possibly shorter.
- ``check_drop_last(counts)`` (a prediction): batches per epoch of 1,438 samples in
  batches of 64, with and without ``drop_last``.
- ``check_scaled_rates(rates)`` (a prediction): a run with B = 32 trains well at 0.1;
  the rate for B = 512 by the linear scaling rule and by the square-root rule.

Each checker compares with the reference solutions below (for teachers) and,
when an answer matches a typical mistake, names it.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from lrcourse.exercises._base import Check, checker, diagnose, report, report_value

__all__ = [
    "check_batches",
    "check_iterations",
    "solution_batches",
    "solution_iterations",
    "check_drop_last",
    "solution_drop_last",
    "check_scaled_rates",
    "solution_scaled_rates",
]


# ----------------------------------------------------------------------------------
# Reference solutions
# ----------------------------------------------------------------------------------


def solution_iterations(n_samples: int, batch_size: int, epochs: int) -> int:
    """ceil(N / B) batches per epoch, one update each, times the number of epochs."""
    per_epoch = math.ceil(n_samples / batch_size)
    return epochs * per_epoch


def solution_batches(order: list[int], batch_size: int) -> list[list[int]]:
    """Slices ``order[0:B]``, ``order[B:2B]``, ...; the last one keeps what is left."""
    return [list(order[start : start + batch_size]) for start in range(0, len(order), batch_size)]


# ----------------------------------------------------------------------------------
# Checkers
# ----------------------------------------------------------------------------------


@checker("iterations = epochs x ceil(N / B)")
def check_iterations(fn: Callable[[int, int, int], int]) -> bool:
    """Check ``fn(n_samples, batch_size, epochs)``: the number of updates in training."""
    cases = [(50_000, 256, 10), (50_000, 256, 1), (50_000, 250, 10), (1438, 32, 5),
             (1438, 1438, 20), (1438, 1, 2), (10, 3, 2)]  # fmt: skip
    checks = []
    for n, b, e in cases:
        mistakes = {
            "keep the last, smaller batch: it is an update too, so round N / B up.": (
                e * (n // b)
            ),
            "N // B + 1 is right only when B does not divide N; use ceil(N / B).": (
                e * (n // b + 1)
            ),
            "an update uses a whole batch: count batches, not samples.": e * n,
            "multiply by the number of epochs: each epoch repeats all batches.": (
                solution_iterations(n, b, 1)
            ),
            "count whole batches: round N / B up to an integer.": e * n / b,
        }
        hint = diagnose(lambda n=n, b=b, e=e: fn(n, b, e), mistakes,
                        "batches per epoch = ceil(N / B); updates = epochs * that.")
        checks.append(Check((n, b, e), solution_iterations(n, b, e), hint))
    return report("iterations = epochs x ceil(N / B)", fn, checks, rel=0.0, abs_=0.0)


@checker("batches of a shuffled order")
def check_batches(fn: Callable[[list[int], int], list[list[int]]]) -> bool:
    """Check ``fn(order, batch_size)``: consecutive batches of a shuffled index list."""
    cases = [([4, 0, 3, 1, 2], 2), ([7, 2, 5, 0, 1, 6, 3, 4], 4), ([3, 1, 2, 0], 1),
             ([2, 0, 1], 5), ([6, 5, 4, 3, 2, 1, 0], 3)]  # fmt: skip
    checks = []
    for order, b in cases:
        right = solution_batches(order, b)
        mistakes = {
            "keep the last, shorter batch: no sample may be skipped.": [
                x for x in right if len(x) == b
            ],
            "slice the shuffled order, not range(N): the batches hold order's entries.": (
                solution_batches(sorted(order), b)
            ),
            "the next batch starts where the last one ended: step the start by B.": [
                list(order[s : s + b]) for s in range(len(order))
            ],
        }
        hint = diagnose(lambda order=order, b=b: fn(list(order), b), mistakes,
                        "use order[start:start + B] for start = 0, B, 2B, ...")
        checks.append(Check((list(order), b), right, hint))
    return report("batches of a shuffled order", fn, checks, rel=0.0, abs_=0.0)


# ----------------------------------------------------------------------------------
# Prediction
# ----------------------------------------------------------------------------------

#: Exercise 3: batches per epoch of ``DataLoader(1,438 samples, batch_size=64)``,
#: first with the default ``drop_last=False``, then with ``drop_last=True``.
solution_drop_last = (23, 22)


@checker("batches per epoch with and without drop_last", takes_function=False)
def check_drop_last(counts: Any) -> bool:
    """Check a prediction (batches with drop_last=False, with drop_last=True) for N=1438, B=64."""
    mistakes = {
        "the default keeps the last, smaller batch (1438 = 22·64 + 30): round up.": (22, 22),
        "drop_last=True drops that smaller batch: round down.": (23, 23),
        "first the default (keeps the short batch), then drop_last=True (drops it).": (22, 23),
        "count whole batches: 1438/64 = 22.47 is not a number of batches.": (1438 / 64,
                                                                              1438 / 64),
    }
    return report_value("batches per epoch with and without drop_last", counts,
                        solution_drop_last, mistakes,
                        "ceil(N / B) batches when the last, smaller one is kept, floor(N / B) "
                        "when it is dropped.", rel=0.0, abs_=1e-9)


#: Exercise 4: B = 32 trains well at 0.1; the batch grows to 512 (k = 16). The rate
#: by the linear scaling rule (k x 0.1) and by the square-root rule (sqrt(k) x 0.1).
solution_scaled_rates = (1.6, 0.4)


@checker("rates for B = 512", takes_function=False)
def check_scaled_rates(rates: Any) -> bool:
    """Check a prediction (linear-rule rate, square-root-rule rate) for B 32 -> 512 from 0.1."""
    mistakes = {
        "first the linear rule (k x lr), then the square-root rule (sqrt(k) x lr).": (0.4, 1.6),
        "k is the factor the batch grows by, 512 / 32 = 16, not the new batch size.": (
            0.1 * 512, 0.1 * math.sqrt(512)),
        "k is 512 / 32 = 16, not the difference 512 - 32.": (0.1 * 480, 0.1 * math.sqrt(480)),
        "a larger batch gets a larger rate: multiply by k, do not divide.": (0.1 / 16, 0.1 / 4),
        "the square-root rule multiplies the rate by sqrt(16) = 4, not by 16 / 2 = 8.": (1.6, 0.8),
        "the square-root rule multiplies the rate by sqrt(k) = 4; 0.1 x 16 = 1.6 is the "
        "linear rule's answer.": (1.6, 1.6),
        "the rates grow from 0.1: multiply 0.1 by the factor.": (16, 4),
    }
    return report_value("rates for B = 512", rates, solution_scaled_rates, mistakes,
                        "the batch grows by k = 512 / 32; the linear rule multiplies the rate "
                        "by k, the square-root rule by sqrt(k).", rel=1e-3)
