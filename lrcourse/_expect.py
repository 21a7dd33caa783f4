"""Checks inside a lesson: a number must fall in the range that holds on every machine.

Most outputs of the course are exact (hand arithmetic, closed forms, float64 toy
problems) and nbval compares them digit for digit. A few are not: a float32
network trained on many members at once rounds differently on another CPU, and the
difference can move a printed digit. Such a cell is tagged ``nbval-ignore-output``
and checks its own numbers with :func:`expect`, against a range measured over seeds
and CPU code paths, so the lesson still fails loudly when a result really changes.
"""

from __future__ import annotations

import math
import numbers
from typing import Any

from lrcourse._checks import check_finite, check_pair


class ExpectationError(AssertionError):
    """A lesson's number fell outside the range the lesson's text relies on."""


def _as_float(label: str, value: Any, allowed: str = "any") -> float:
    """``value`` as a float; ``allowed`` is "any", "finite" or "not nan"."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        try:  # numpy scalars and 0-d tensors
            value = value.item()
        except (AttributeError, ValueError, RuntimeError):
            raise TypeError(f"{label} must be a real number, got {value!r}") from None
        if isinstance(value, bool) or not isinstance(value, numbers.Real):
            raise TypeError(f"{label} must be a real number, got {value!r}")
    value = float(value)
    if allowed == "finite":
        return check_finite(label, value)
    if allowed == "not nan" and math.isnan(value):
        raise ValueError(f"{label} must be a number or +-inf, got {value!r}")
    return value


def expect(
    name: str,
    value: Any,
    around: Any = None,
    *,
    rel: Any = None,
    abs: Any = None,  # noqa: A002 - the same name as pytest.approx and math.isclose
    within: tuple[Any, Any] | None = None,
) -> Any:
    """Check that ``value`` lies in the accepted range; return it unchanged.

    The range is either ``around`` plus or minus a tolerance (``rel`` times
    ``|around|``, or ``abs``; both together add up), or the closed interval
    ``within=(low, high)`` (either end may be infinite). A NaN value is never in
    range.

    Args:
        name: what the number is, as the lesson's text calls it.
        value: the number measured (a Python or NumPy number, or a 0-d tensor).
        around: the centre of the range.
        rel: tolerance relative to ``|around|``, at least 0.
        abs: absolute tolerance, at least 0.
        within: ``(low, high)`` with ``low <= high``, instead of ``around``.

    Raises:
        ExpectationError: the value is outside the range; the message names the
            quantity, the value and the range.
        ValueError, TypeError: the range itself is badly given.

    Example:
        >>> expect("validation accuracy", 0.962, around=0.96, abs=0.01)
        0.962
        >>> expect("steps to 97%", 104, within=(90, 120))
        104
        >>> expect("loss", 0.5, around=0.1, rel=0.5)
        Traceback (most recent call last):
        ...
        lrcourse._expect.ExpectationError: loss = 0.5 is outside the expected range [0.05, 0.15] (0.1 +- 50%)
    """
    if not isinstance(name, str) or not name.strip():
        raise TypeError(f"name must be a non-empty string, got {name!r}")
    measured = _as_float(f"value of {name!r}", value)
    if within is not None:
        if around is not None or rel is not None or abs is not None:
            raise ValueError("give either within=(low, high) or around= with rel=/abs=, not both")
        low, high = check_pair("within", within, lambda name, v: _as_float(name, v, "not nan"))
        if low > high:
            raise ValueError(f"within must have low <= high, got {within!r}")
        described = f"[{low:g}, {high:g}]"
    else:
        if around is None or (rel is None and abs is None):
            raise ValueError("give around= with rel= and/or abs=, or within=(low, high)")
        centre = _as_float("around", around, "finite")
        tolerance = 0.0
        parts = []
        if rel is not None:
            r = check_finite("rel", _as_float("rel", rel), 0)
            tolerance += r * math.fabs(centre)
            parts.append(f"{r:.0%}")
        if abs is not None:
            a = check_finite("abs", _as_float("abs", abs), 0)
            tolerance += a
            parts.append(f"{a:g}")
        low, high = centre - tolerance, centre + tolerance
        described = f"[{low:g}, {high:g}] ({centre:g} +- {' + '.join(parts)})"
    if not low <= measured <= high:
        raise ExpectationError(f"{name} = {measured:g} is outside the expected range {described}")
    return value
