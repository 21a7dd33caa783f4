"""Exercises of the range-test lesson: predict the smoothing's lag, choose bounds for a cyclical rate.

- ``check_lag_decades(answer)``: a prediction made before the lesson computes it. How
  many decades of rate does the smoothed curve (``smooth_f = 0.05``) lag behind the raw
  losses in the usual quick sweep, 100 iterations from ``1e-7`` to ``10``? Accepted
  within 0.05 decades of ``lag_in_decades(0.05, 1e-7, 10.0, 100)``.
- ``check_clr_bounds(pick, finder)``: ``pick()`` returns ``(base_lr, max_lr)`` read off
  the plot of ``finder`` (an :class:`~lrcourse.lr_finder.LRFinder` whose test has run).
  The answer is accepted when

  - ``max_lr`` does not lie past the loss minimum, the rate where a centred (lag-free)
    average of the raw losses is lowest, allowing a tenth of a decade for reading a
    log axis by eye (past the minimum the loss no longer falls; the smoothed curve's
    own minimum lies later, by its lag);
  - ``max_lr`` lies within a factor ``tolerance`` (default 3) of ``finder.clr_bounds()[1]``,
    the rate where the smoothed loss stops falling fast;
  - ``max_lr / base_lr`` is between 2.5 and 6 (the rule of thumb: a third to a quarter,
    up to the one-fifth of one of the course's sources).

Both checkers print what is right, or what is wrong with a hint, and return ``True`` or
``False``; a wrong type, ``None``, NaN or a string is a wrong answer, never an error.
The reference solutions are beside the checkers, for teachers.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from lrcourse._checks import check_finite, check_instance
from lrcourse.exercises._base import (
    _kind,
    _one_line,
    answer_problem,
    checker,
    setup_checked,
    value_problem,
)
from lrcourse.lr_finder import LRFinder, centred_average

__all__ = [
    "check_clr_bounds",
    "check_lag_decades",
    "loss_minimum",
    "solution_clr_bounds",
    "solution_lag_decades",
]

RATIO_RANGE = (2.5, 6.0)
#: How far past the loss minimum a max_lr read by eye may lie, in decades.
READING_ALLOWANCE = 0.1

# The quick sweep of the prediction: the usual defaults of range-test tools.
_F, _START, _END, _N = 0.05, 1e-7, 10.0, 100
_LAG_TOLERANCE = 0.05


# ----------------------------------------------------------------------------------
# Reference solutions
# ----------------------------------------------------------------------------------

#: Lag of the quick sweep, in decades: ((1 - f) / f) / ((N - 1) / log10(end / start)).
solution_lag_decades = ((1 - _F) / _F) / ((_N - 1) / math.log10(_END / _START))


def solution_clr_bounds(finder: LRFinder) -> tuple[float, float]:
    """Reference answer for teachers: ``finder.clr_bounds()`` (base = max / 4)."""
    return finder.clr_bounds()


# ----------------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------------


def loss_minimum(finder: LRFinder) -> float:
    """The rate where the centred average of ``finder``'s raw losses is lowest (no lag).

    The average spans a tenth of a decade on each side, as in the lesson's figures.
    """
    lrs = np.asarray(finder.history["lr"], dtype=float)
    raw = np.asarray(finder.history["raw_loss"], dtype=float)
    n = int(np.argmin(np.isfinite(raw))) if not np.isfinite(raw).all() else raw.size
    if n < 2:
        raise RuntimeError("the finder recorded fewer than 2 finite losses: run a longer test")
    per_decade = 1 / math.log10(lrs[1] / lrs[0])
    centred = centred_average(raw[:n], half_width=max(1, round(per_decade / 10)))
    return float(lrs[int(np.argmin(centred))])


def _items(value: Any) -> list[Any]:
    try:
        return list(value)
    except TypeError:
        return []


def _answer_of(name: str, pick: Any, todo: str) -> tuple[bool, Any]:
    """Call ``pick`` if it is callable; ``(False, None)`` after saying why when there is no answer.

    A crash or the stub's ``...`` (or ``None``) is reported here; ``todo`` says what to do.
    """
    answer = pick
    if callable(pick):
        try:
            answer = pick()
        except NotImplementedError:
            answer = ...
        except Exception as error:  # a learner's bug: say so, do not crash the lesson
            print(f"❌ {name}: calling it raised {type(error).__name__}: {_one_line(error)}")
            return False, None
    if answer is None or answer is Ellipsis:
        print(f"⏳ {name}: not done yet. {todo}")
        return False, None
    return True, answer


# ----------------------------------------------------------------------------------
# Checkers
# ----------------------------------------------------------------------------------


@checker("lag of the quick sweep", takes_function=False)
def check_lag_decades(answer: Any) -> bool:
    """Check a predicted lag, in decades, of the quick sweep (100 iterations, 1e-7 to 10, f = 0.05)."""
    name = "lag of the quick sweep"
    if answer is None or answer is Ellipsis:
        print(f"⏳ {name}: not done yet. Replace ... with your prediction (a number of decades).")
        return False
    problem = value_problem(answer)
    if problem:
        print(f"❌ {name}: {problem}")
        return False
    value = float(answer)
    k = (_N - 1) / math.log10(_END / _START)
    lag = (1 - _F) / _F
    if abs(value - solution_lag_decades) <= _LAG_TOLERANCE:
        print(f"✅ {name}: {value:.3g} decades. The smoothing lags {lag:.0f} iterations and the "
              f"sweep spends {k:.1f} iterations per decade: {lag:.0f} / {k:.1f} = "
              f"{solution_lag_decades:.2f} decades, a factor {10 ** solution_lag_decades:.0f} in rate.")
        return True
    mistakes = [
        ((lag, 1 / _F), "that is the lag in iterations. Convert it to decades: divide by the "
                        "number of iterations per decade."),
        ((1 / _F / k, 1 / _F / (_N / 8)), "close, but the lag of an EMA is its mean age "
                                          "beta / (1 - beta) = 0.95 / 0.05 = 19 iterations, not 1 / f = 20."),
        ((k / lag, (_N / 8) / lag), "the fraction is upside down: decades = iterations of lag / "
                                    "iterations per decade."),
        ((lag / _N, 1 / _F / _N), "divide by the iterations per decade, not by all 100 iterations: "
                                  "100 iterations cover 8 decades."),
        ((_F / (1 - _F), _F / (1 - _F) / k), "beta = 1 - f = 0.95, so beta / (1 - beta) = 19; "
                                             "f / (1 - f) is its inverse."),
        ((10 ** solution_lag_decades,), "that is the factor in rate; the question asks for decades, "
                                        "its log10."),
    ]
    for values, hint in mistakes:
        if any(math.isclose(value, v, rel_tol=0.02) for v in values):
            print(f"❌ {name}: {value:.3g} is not it. Hint: {hint}")
            return False
    if value <= 0:
        hint = "the smoothed curve trails behind the raw one, so the lag is a positive number."
    else:
        hint = ("lag in decades = (beta / (1 - beta)) / k, with beta = 1 - f and "
                "k = (N - 1) / log10(end / start) iterations per decade.")
    print(f"❌ {name}: {value:.3g} is not it. Hint: {hint}")
    return False


@checker("CLR bounds from the range test")
def check_clr_bounds(pick: Any, finder: LRFinder, tolerance: float = 3.0) -> bool:
    """Check the ``(base_lr, max_lr)`` that ``pick()`` returns against ``finder``'s curve."""
    setup_checked(check_instance, "finder", finder, LRFinder, "an LRFinder")
    tolerance = setup_checked(check_finite, "tolerance", tolerance, above=1)
    name = "CLR bounds from the range test"
    ok, answer = _answer_of(name, pick, "Return (base_lr, max_lr) and run again.")
    if not ok:
        return False
    problem = answer_problem(answer, [1.0, 1.0])
    if problem is None and (isinstance(answer, (dict, set)) or len(_items(answer)) != 2):
        problem = f"it returned {_kind(answer)}"
    if problem:
        print(f"❌ {name}: {problem.split(';')[0]}; return two numbers (base_lr, max_lr).")
        return False
    base_lr, max_lr = (float(v) for v in answer)
    if base_lr <= 0 or max_lr <= 0:
        print(f"❌ {name}: rates are positive, got ({base_lr:.3g}, {max_lr:.3g}). Hint: if you "
              "read the exponent off the log axis (such as -2), the rate is 10 ** -2 = 0.01.")
        return False
    if base_lr >= max_lr:
        print(f"❌ {name}: need base_lr < max_lr, got ({base_lr:.3g}, {max_lr:.3g}). Hint: the "
              "pair is (lower bound, upper bound); did you swap them?")
        return False
    _, reference = finder.clr_bounds()
    lowest = loss_minimum(finder)
    smoothed_low = float(finder.history["lr"][int(np.nanargmin(finder.history["loss"]))])
    if max_lr > lowest * 10**READING_ALLOWANCE:
        extra = ""
        if abs(math.log10(max_lr / smoothed_low)) <= READING_ALLOWANCE:
            extra = (f" {max_lr:.3g} is the lowest point of the smoothed curve, which comes "
                     "late by the smoothing's lag.")
        print(f"❌ {name}: max_lr = {max_lr:.3g} lies past the loss minimum at about "
              f"{lowest:.2g}: there the loss has stopped falling.{extra} Hint: take max_lr "
              "where the steep descent ends, before the lowest loss.")
        return False
    low, high = reference / tolerance, reference * tolerance
    if max_lr > high:
        print(f"❌ {name}: max_lr = {max_lr:.3g} is too high: past about {high:.2g} the loss "
              "has stopped falling fast. Look for the end of the steep descent.")
        return False
    if max_lr < low:
        hint = f"the loss still falls steeply up to about {reference:.2g}. Move right, to where the descent flattens."
        steepest_lr = finder.suggestion("steepest")
        for rule in ("minimum", "valley"):
            if abs(math.log10(max_lr / finder.suggestion(rule))) <= READING_ALLOWANCE:
                hint = (f"{max_lr:.3g} is the {rule} rule's suggestion, a rate to train with at a "
                        "fixed value. A cycle goes above it: max_lr is the end of the steep "
                        "descent, where the loss stops falling fast.")
        if max_lr < steepest_lr:
            hint += f" It is even below the steepest point ({steepest_lr:.2g})."
        print(f"❌ {name}: max_lr = {max_lr:.3g} is too low: {hint}")
        return False
    ratio = max_lr / base_lr
    if not RATIO_RANGE[0] <= ratio <= RATIO_RANGE[1]:
        print(f"❌ {name}: max_lr / base_lr = {ratio:.3g}; take base_lr about a third to a "
              f"quarter of max_lr (a ratio between {RATIO_RANGE[0]:g} and {RATIO_RANGE[1]:g}).")
        return False
    print(f"✅ {name}: ({base_lr:.3g}, {max_lr:.3g}) is a sound range: max_lr is not past the loss "
          f"minimum ({lowest:.2g}) and near the end of the steep descent.")
    return True

