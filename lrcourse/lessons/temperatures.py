"""How smooth and how late a moving average is: the numbers of the EWMA lesson.

A moving average trades two things. It removes day-to-day noise (it is
*smoother*), and it reacts late to real changes (it *lags*). This module turns
both into numbers, and gives the weights that explain them.

* ``roughness(y)``: the mean size of the second difference, in units per step²::

      roughness = mean_t |Y_{t+1} - 2 Y_t + Y_{t-1}|

  A straight line has roughness 0; white noise of standard deviation sigma has
  about 1.95 sigma (the mean of |N(0, 6 sigma²)|, sqrt(12 / pi) sigma).

* ``best_lag(raw, smooth)``: the shift d, in steps, at which the smoothed curve
  best matches the raw one, i.e. the d minimising the mean squared difference::

      err(d) = mean_t (S_{t+d} - Y_t)^2,   d = 0, 1, ..., max_lag

* ``steady_lag(beta) = beta / (1 - beta)``: how far an EWMA falls behind a
  straight ramp once the start is forgotten. It is the mean age of the weights
  below, 9 steps at beta = 0.9 and 49 at beta = 0.98.

* ``ewma_weights(beta, t)``: the weight (1 - beta) * beta^(t-k) of each Y_k in
  S_t when S_0 = 0. They add up to ``weight_sum(beta, t) = 1 - beta^t``, which is
  why an average started at zero reads too low at first, and what Adam's bias
  correction divides by.

Example::

    >>> roughness([0.0, 1.0, 2.0, 3.0])
    0.0
    >>> roughness([0.0, 1.0, 0.0, 1.0])
    2.0
    >>> round(steady_lag(0.9), 6), round(weight_sum(0.5, 2), 6)
    (9.0, 0.75)
"""

from __future__ import annotations

from typing import Any

import numpy as np

from lrcourse._checks import check_beta, check_int, check_length, check_series

__all__ = ["best_lag", "ewma_weights", "lag_errors", "roughness", "steady_lag", "weight_sum"]


# ----------------------------------------------------------------------------------
# Smoothness and lag
# ----------------------------------------------------------------------------------


def roughness(values: Any) -> float:
    """Mean absolute second difference: mean_t |Y_{t+1} - 2 Y_t + Y_{t-1}|.

    Args:
        values: a series of at least 3 numbers (list, array or 1-D tensor).

    Returns:
        a float in the series' units per step²: 0 for any straight line, larger the
        more the series zig-zags.

    Example:
        >>> roughness([1.0, 3.0, 2.0])
        3.0
    """
    y = check_series("values", values, 3)
    return float(np.mean(np.abs(np.diff(y, n=2))))


def lag_errors(raw: Any, smooth: Any, max_lag: int = 120) -> np.ndarray:
    """err(d) = mean_t (S_{t+d} - Y_t)^2 for every shift d = 0 .. max_lag.

    Shifting the smoothed series ``smooth`` back by d steps and comparing it with
    ``raw`` on the days both cover; the d with the smallest error is ``best_lag``.

    Args:
        raw: the observed series Y_1..Y_n.
        smooth: a smoothed version S_1..S_n of the same length.
        max_lag: the largest shift tried, in steps; at most n - 2 so that every
            comparison covers at least two days.

    Example:
        >>> lag_errors([0.0, 1.0, 2.0, 3.0], [0.0, 0.0, 1.0, 2.0], max_lag=1).tolist()
        [0.75, 0.0]
    """
    y = check_series("raw", raw, 3)
    s = check_series("smooth", smooth, 3)
    check_length("smooth", s, len(y), "value of raw")
    max_lag = check_int("max_lag", max_lag, 0)
    if max_lag > len(y) - 2:
        raise ValueError(
            f"max_lag must be at most len(raw) - 2 = {len(y) - 2} so that every shift "
            f"still compares two days, got {max_lag}"
        )
    n = len(y)
    return np.array([np.mean((s[d:] - y[: n - d]) ** 2) for d in range(max_lag + 1)])


def best_lag(raw: Any, smooth: Any, max_lag: int = 120) -> int:
    """The shift d (in steps) at which ``smooth`` best matches ``raw``: argmin_d err(d).

    See ``lag_errors`` for err(d). Ties go to the smaller shift.

    Example:
        >>> best_lag([0.0, 1.0, 2.0, 3.0, 4.0], [0.0, 0.0, 1.0, 2.0, 3.0], max_lag=3)
        1
    """
    return int(np.argmin(lag_errors(raw, smooth, max_lag)))


def steady_lag(beta: float) -> float:
    """How many steps an EWMA trails a straight ramp once started long ago: beta / (1 - beta).

    On Y_t = t the average settles at S_t = t - beta / (1 - beta): the mean age
    sum_k k (1 - beta) beta^k of its weights.

    Example:
        >>> round(steady_lag(0.98), 6)
        49.0
    """
    beta = check_beta("beta", beta)
    return beta / (1.0 - beta)


# ----------------------------------------------------------------------------------
# Weights and bias
# ----------------------------------------------------------------------------------


def ewma_weights(beta: float, t: int) -> np.ndarray:
    """The weight of Y_1, ..., Y_t in S_t when the average starts at S_0 = 0.

        S_t = sum_{k=1..t} (1 - beta) * beta^(t-k) * Y_k

    Args:
        beta: the weight of the past, in [0, 1).
        t: how many values have been seen, at least 1.

    Returns:
        an array of t weights, oldest first, newest (1 - beta) last.

    Example:
        >>> ewma_weights(0.5, 3).tolist()
        [0.125, 0.25, 0.5]
    """
    beta = check_beta("beta", beta)
    t = check_int("t", t, 1)
    ages = np.arange(t - 1, -1, -1, dtype=np.float64)
    return (1.0 - beta) * beta**ages


def weight_sum(beta: float, t: int) -> float:
    """How much weight S_t (started at 0) gives to the data: 1 - beta^t.

    The missing beta^t sits on S_0 = 0, so S_t is pulled towards zero by that much;
    the bias-corrected average S_t / (1 - beta^t) puts it back.

    Example:
        >>> round(weight_sum(0.9, 1), 6), round(weight_sum(0.98, 50), 4)
        (0.1, 0.6358)
    """
    beta = check_beta("beta", beta)
    t = check_int("t", t, 0)
    return 1.0 - beta**t
