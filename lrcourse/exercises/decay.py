"""Exercises of the schedulers lesson (decay schedules).

- ``check_multistep_rate(fn)`` (schedulers): ``fn(epoch)`` returns the rate of epoch
  ``epoch`` under ``MultiStepLR(milestones=[50, 125, 160], gamma=0.5)`` from 0.1.
- ``check_curve_settings(milestones, gamma)`` (schedulers): the milestones and gamma
  of ``MultiStepLR`` that draw the lesson's mystery curve (0.1, then 0.04 from epoch
  20, 0.016 from epoch 45 and 0.0064 from epoch 85).
- ``check_exponential_sum(total)`` (schedulers, a prediction): the sum of all the
  rates of ``ExponentialLR(gamma=0.99)`` from 0.1, over infinitely many epochs.
- ``check_second_restart(epoch)`` (schedulers, a prediction): the epoch of the
  second warm restart of ``CosineAnnealingWarmRestarts(T_0=10, T_mult=2)``.

Reference solutions for teachers are the ``solution_*`` functions and constants.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from lrcourse import schedules as S
from lrcourse.exercises._base import (
    Check,
    _one_line,
    checker,
    diagnose,
    report,
    report_value,
    value_problem,
)

__all__ = [
    "MYSTERY_EPOCHS",
    "mystery_curve",
    "check_multistep_rate",
    "check_curve_settings",
    "check_exponential_sum",
    "solution_multistep_rate",
    "SOLUTION_MILESTONES",
    "SOLUTION_GAMMA",
    "solution_curve_settings",
    "solution_exponential_sum",
    "check_second_restart",
    "solution_second_restart",
]

#: The mystery curve's length in epochs.
MYSTERY_EPOCHS = 100
# Settings that appear nowhere else in the lesson, so the answer must be read off the plot.
SOLUTION_MILESTONES = [20, 45, 85]
SOLUTION_GAMMA = 0.4
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


def _drops(rates: list[float]) -> list[int]:
    """The epochs at which a curve changes value."""
    return [t for t in range(1, len(rates)) if not math.isclose(rates[t], rates[t - 1],
                                                                  rel_tol=1e-9)]


def _curve_hint(got: list[float], want: list[float], gamma: float) -> str:
    """What a wrong pair of settings most likely got wrong, as a hint."""
    if _drops(got) == _drops(want):
        if math.isclose(float(gamma), 0.1 * SOLUTION_GAMMA, rel_tol=1e-9):
            return ("gamma is the factor, not the rate after the first drop: "
                    "divide the new rate by the old one.")
        if float(gamma) > 1:
            return "gamma multiplies the rate at each milestone, so it is below 1 for a decay."
        return ("the drops are at the right epochs; gamma is the ratio of two neighbouring "
                "levels (new rate / old rate), the same at every drop.")
    if [t + 1 for t in _drops(got)] == _drops(want):
        return "a milestone is the FIRST epoch at the new rate, not the last epoch at the old one."
    return "read off the epochs where the curve drops: the first epoch at the new rate."


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
            print(f"❌ {name}: at epoch {t} your settings give {g:.6g}, the curve has {w:.6g}. "
                  f"Hint: {_curve_hint(got, want, gamma)}")
            return False
    print(f"✅ {name}: your MultiStepLR draws the same {MYSTERY_EPOCHS} rates.")
    return True




# ----------------------------------------------------------------------------------
# Prediction (warmup lesson)
# ----------------------------------------------------------------------------------





# ----------------------------------------------------------------------------------
# Prediction (schedulers lesson)
# ----------------------------------------------------------------------------------

#: The sum of all the rates of ExponentialLR(gamma=0.99) from 0.1: the geometric series
#: 0.1 * (1 + 0.99 + 0.99^2 + ...) = 0.1 / (1 - 0.99).
solution_exponential_sum = 0.1 / (1 - 0.99)


@checker("sum of the rates of ExponentialLR(0.99)", takes_function=False)
def check_exponential_sum(total: Any) -> bool:
    """Check a prediction: the sum over all epochs of ``ExponentialLR(gamma=0.99)``'s
    rates from 0.1; when right, say what section 7's bound concludes from it."""
    name = "sum of the rates of ExponentialLR(0.99)"
    mistakes = {
        "sum over ALL epochs, not the first 200: the series 0.1 · 0.99^t never stops.":
            0.1 * (1 - 0.99**200) / (1 - 0.99),
        "the sum starts at epoch 0 with 0.1 itself: 0.1 + 0.099 + ... = 0.1 / (1 − γ).":
            0.099 / (1 - 0.99),
        "divide by 1 − γ = 0.01, not by γ.": 0.1 / 0.99,
        "every rate is 0.1 · 0.99^t: multiply by the first rate, 0.1.": 1 / (1 - 0.99),
        "1 − 0.99 is 0.01, not 0.1.": 0.1 / 0.1,
    }
    right = report_value(name, total, solution_exponential_sum, mistakes,
                         "add up the geometric series 0.1 · 0.99^t for t = 0, 1, 2, ...: "
                         "it is 0.1 / (1 − γ).", rel=1e-3)
    if right:
        print("   10 is more than ln(0.5 / 1e-3) ≈ 6.2, so section 7's bound does not forbid "
              "an escape: this slower decay can still leave the saddle.")
    return right


# ----------------------------------------------------------------------------------
# Prediction (schedulers lesson): warm restarts
# ----------------------------------------------------------------------------------

#: CosineAnnealingWarmRestarts(T_0=10, T_mult=2): cycles of 10, 20, 40, ... epochs, so
#: the first cycle is epochs 0-9, the second 10-29; the second restart is epoch 10 + 20.
solution_second_restart = 10 + 10 * 2


@checker("second restart of CosineAnnealingWarmRestarts(T_0=10, T_mult=2)",
         takes_function=False)
def check_second_restart(epoch: Any) -> bool:
    """Check a prediction: the epoch at which ``CosineAnnealingWarmRestarts(T_0=10,
    T_mult=2)`` jumps back to the base rate for the second time (epochs from 0)."""
    name = "second restart of CosineAnnealingWarmRestarts(T_0=10, T_mult=2)"
    mistakes = {
        "10 is the first restart; the second comes one (longer) cycle later.": 10,
        "T_mult = 2 makes every cycle twice as long as the one before it: the second "
        "cycle lasts 20 epochs, not 10.": 20,
        "the first cycle keeps T_0 = 10 epochs; only the cycles after it grow "
        "(10, then 20).": 40,
        "a restart is the first epoch back at the base rate: the second cycle covers "
        "epochs 10 to 29, so it restarts at the epoch after 29.": 29,
        "epochs count from 0: the first cycle is epochs 0-9, so the first restart is "
        "epoch 10 and the cycles add up from there.": 31,
        "70 is the third restart: 10, then 10 + 20, then 10 + 20 + 40.": 70,
    }
    return report_value(name, epoch, solution_second_restart, mistakes,
                        "add up the cycle lengths T_0, T_0·T_mult, ...: the second restart "
                        "is where the second cycle ends.", rel=0, abs_=1e-9)
