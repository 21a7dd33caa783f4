"""Argument checks shared by the lessons' modules, so every message reads the same.

Each check returns the value converted to ``int`` or ``float``, or raises a
``ValueError`` that names the argument, shows the bad value and says what is
allowed::

    >>> check_int("steps", 3, 1)
    3
    >>> check_int("steps", 0, 1)
    Traceback (most recent call last):
    ...
    ValueError: steps must be an integer >= 1, got 0
    >>> check_finite("lr", float("nan"), 0)
    Traceback (most recent call last):
    ...
    ValueError: lr must be a finite number >= 0, got nan
"""

from __future__ import annotations

import math
import numbers
from typing import Any

__all__ = ["check_finite", "check_int", "check_positive"]


def check_int(name: str, value: Any, minimum: int) -> int:
    """``value`` as an ``int`` if it is an integer >= ``minimum`` (``True``/``False`` are not)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")
    return int(value)


def check_finite(name: str, value: Any, minimum: float | None = None) -> float:
    """``value`` as a ``float`` if it is a finite real number (and >= ``minimum``, if given)."""
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)
    if not ok or (minimum is not None and value < minimum):
        allowed = "a finite number" + (f" >= {minimum:g}" if minimum is not None else "")
        raise ValueError(f"{name} must be {allowed}, got {value!r}")
    return float(value)


def check_positive(name: str, value: Any) -> float:
    """``value`` as a ``float`` if it is a finite real number > 0."""
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)
    if not ok or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return float(value)
