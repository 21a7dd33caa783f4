"""Exercises of the moving-average lesson: the EWMA recursion written by hand.

- ``check_ewma(fn)``: ``fn(values, beta)`` returns the list S_1, ..., S_n of
  S_t = beta * S_{t-1} + (1 - beta) * Y_t started at S_1 = Y_1.
  ``fn([1, 2, 3], 0.5)`` is ``[1, 1.5, 2.25]``.
- ``check_bias_corrected(fn)``: ``fn(values, beta)`` returns the bias-corrected
  averages S_t / (1 - beta^t) of the recursion started at S_0 = 0.
  ``fn([1, 1, 1], 0.5)`` is ``[1, 1, 1]``.

Each checker compares with ``lrcourse.ewma.ewma`` on a few inputs and, when an
answer matches a typical mistake, names it. Reference solutions (for teachers)
are below.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from lrcourse.ewma import ewma
from lrcourse.exercises._base import Check, checker, diagnose, report, report_value

__all__ = [
    "check_bias_corrected",
    "check_ewma",
    "solution_bias_corrected",
    "solution_ewma",
    "check_window_075",
    "solution_window_075",
]


# ----------------------------------------------------------------------------------
# Reference solutions
# ----------------------------------------------------------------------------------


def solution_ewma(values: Sequence[float], beta: float) -> list[float]:
    """S_1 = Y_1, then S_t = beta * S_{t-1} + (1 - beta) * Y_t."""
    averages = [values[0]]
    for y in values[1:]:
        averages.append(beta * averages[-1] + (1 - beta) * y)
    return averages


def solution_bias_corrected(values: Sequence[float], beta: float) -> list[float]:
    """S_0 = 0, S_t = beta * S_{t-1} + (1 - beta) * Y_t, reported as S_t / (1 - beta^t)."""
    s, corrected = 0.0, []
    for t, y in enumerate(values, start=1):
        s = beta * s + (1 - beta) * y
        corrected.append(s / (1 - beta**t))
    return corrected


# ----------------------------------------------------------------------------------
# Checkers
# ----------------------------------------------------------------------------------


def _swapped(values: Sequence[float], beta: float) -> list[float]:
    """The recursion with the two weights exchanged: beta on the new value."""
    averages = [values[0]]
    for y in values[1:]:
        averages.append((1 - beta) * averages[-1] + beta * y)
    return averages


# Inputs tried by both checkers: short enough to follow by hand, and the first
# five of the lesson's random temperatures, rounded.
_CASES = [
    ([1.0, 2.0, 3.0], 0.5),
    ([10.0, 0.0, 0.0, 0.0], 0.9),
    ([-11.26, -11.52, -2.51, -4.34, 8.49], 0.9),
    ([4.0, 6.0, 5.0, 7.0, 9.0, 8.0], 0.25),
]


@checker("EWMA with S_1 = Y_1")
def check_ewma(fn: Callable[[list[float], float], list[float]]) -> bool:
    """Check ``fn(values, beta)``: the EWMA list S_1..S_n with the start S_1 = Y_1."""
    checks = []
    for values, beta in [*_CASES, ([5.0], 0.3)]:
        right = ewma(values, beta).tolist()
        mistakes = [
            ("start at the first value, S_1 = Y_1, not at (1 − β)·Y_1 (that is S_0 = 0).",
             ewma(values, beta, first="zero").tolist()),
            ("β weighs the PAST average and 1 − β the new value: "
             "S_t = β·S_{t−1} + (1 − β)·Y_t.", _swapped(values, beta)),
            ("return one average per value: n values give n averages, S_1 included.",
             right[1:]),
            ("return the whole list of averages, not only the last one.", right[-1]),
            ("each step uses the previous AVERAGE S_{t−1}, not the previous value Y_{t−1}.",
             [values[0]] + [beta * a + (1 - beta) * b
                            for a, b in zip(values, values[1:], strict=False)]),
        ]
        hint = diagnose(lambda v=values, b=beta: fn(list(v), b), mistakes,
                        "start from [Y_1] and append β·(last average) + (1 − β)·Y_t.")
        checks.append(Check((list(values), beta), right, hint))
    return report("EWMA with S_1 = Y_1", fn, checks)


@checker("bias-corrected EWMA")
def check_bias_corrected(fn: Callable[[list[float], float], list[float]]) -> bool:
    """Check ``fn(values, beta)``: S_t / (1 - beta^t) with S_0 = 0, for t = 1..n."""
    checks = []
    for values, beta in [*_CASES, ([1.0, 1.0, 1.0], 0.5)]:
        right = ewma(values, beta, first="zero", bias_correction=True).tolist()
        uncorrected = ewma(values, beta, first="zero").tolist()
        mistakes = [
            ("divide each S_t by 1 − β^t; you returned the uncorrected averages.",
             uncorrected),
            ("divide by 1 − β^t (it changes with t), not by the constant 1 − β.",
             [s / (1 - beta) for s in uncorrected]),
            ("start from S_0 = 0 (S_1 = (1 − β)·Y_1) before correcting, not from S_1 = Y_1.",
             [s / (1 - beta**t) for t, s in enumerate(ewma(values, beta).tolist(), start=1)]),
            ("t counts from 1 for the first value: S_1 / (1 − β¹).",
             [s / (1 - beta ** (t + 1)) for t, s in enumerate(uncorrected, start=1)]),
        ]
        hint = diagnose(lambda v=values, b=beta: fn(list(v), b), mistakes,
                        "run S_t = β·S_{t−1} + (1 − β)·Y_t from S_0 = 0 and report "
                        "S_t / (1 − β^t), t = 1, 2, ...")
        checks.append(Check((list(values), beta), right, hint))
    return report("bias-corrected EWMA", fn, checks)


# ----------------------------------------------------------------------------------
# Prediction
# ----------------------------------------------------------------------------------

#: Exercise 3: at beta = 0.75, the effective window 1/(1 - beta) and the lag behind
#: a steady ramp beta/(1 - beta), in steps.
solution_window_075 = (4.0, 3.0)


@checker("window and ramp lag at β = 0.75", takes_function=False)
def check_window_075(pair: Any) -> bool:
    """Check a prediction (effective window, ramp lag) of an EWMA with beta = 0.75."""
    mistakes = {
        "the lag is the mean age β/(1 − β), one less than the window 1/(1 − β).": (4.0, 4.0),
        "the window is 1/(1 − β) = 4; the lag β/(1 − β) is one less.": (3.0, 3.0),
        "first the window 1/(1 − β), then the lag β/(1 − β).": (3.0, 4.0),
        "1/(1 − β), not 1/β: 1 − 0.75 = 0.25.": (1 / 0.75, 1.0),
    }
    return report_value("window and ramp lag at β = 0.75", pair, solution_window_075,
                        mistakes, "window 1/(1 − β), lag β/(1 − β): both in steps.", rel=1e-3)
