"""Argument checks shared by the lessons' modules, so every message reads the same.

Each check returns the value converted to ``int``, ``float``, ``bool`` or the
allowed choice, or raises a ``ValueError`` that names the argument, shows the bad
value and says what is allowed::

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
    >>> check_range("beta", 1.0, 0, 1, high_open=True)
    Traceback (most recent call last):
    ...
    ValueError: beta must be a number in [0, 1), got 1.0
    >>> check_choice("mode", "cosine", ("triangular", "exp_range"))
    Traceback (most recent call last):
    ...
    ValueError: mode must be one of ('triangular', 'exp_range'), got 'cosine'

A number may come as a Python ``int`` or ``float``, a NumPy scalar, or a 0-d
tensor or 0-d NumPy array holding one (``torch.tensor(0.1)``, ``np.array(3)``);
``True`` and ``False`` are never numbers here, although Python counts them as
``int``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from typing import Any

__all__ = [
    "SEED_MAX",
    "check_bool",
    "check_choice",
    "check_finite",
    "check_int",
    "check_loss",
    "check_positive",
    "check_range",
    "check_seed",
    "shown",
]

#: The largest seed ``torch.manual_seed`` takes (it keeps seeds as unsigned 64-bit).
SEED_MAX = 2**64 - 1


def shown(value: Any, width: int = 80) -> str:
    """``repr(value)`` on one line, cut to about ``width`` characters, for a message.

    A tensor or array prints over several lines, a long list over many columns;
    an error message stays one readable line.
    """
    text = " ".join(repr(value).split())
    return text if len(text) <= width else text[: width - 3] + "..."


def _unwrap(value: Any) -> Any:
    """A 0-d tensor or 0-d NumPy array as the Python scalar it holds; anything else as is."""
    if (
        not isinstance(value, numbers.Number)
        and getattr(value, "ndim", None) == 0
        and callable(getattr(value, "item", None))
    ):
        try:
            return value.item()
        except (TypeError, ValueError, RuntimeError):
            return value
    return value


def _real(value: Any) -> float | None:
    """The value as a float if it is a real number (not a bool), else None. NaN stays NaN."""
    value = _unwrap(value)
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    try:
        return float(value)
    except (OverflowError, TypeError, ValueError):  # an int beyond the float range
        return None


def check_int(name: str, value: Any, minimum: int, maximum: int | None = None) -> int:
    """``value`` as an ``int`` if it is an integer in [``minimum``, ``maximum``].

    ``True``/``False`` are not integers here; ``2.0`` is not either (a float that
    happens to be whole is most often a slip, and ``range(2.0)`` refuses it too).
    """
    number = _unwrap(value)
    ok = isinstance(number, numbers.Integral) and not isinstance(number, bool)
    if not ok or number < minimum or (maximum is not None and number > maximum):
        allowed = f">= {minimum}" if maximum is None else f"in [{minimum}, {maximum}]"
        raise ValueError(f"{name} must be an integer {allowed}, got {shown(value)}")
    return int(number)


def check_seed(name: str, value: Any) -> int:
    """A seed: an integer in [0, 2**64 - 1] (``SEED_MAX``), what ``torch.manual_seed`` accepts."""
    try:
        return check_int(name, value, 0, SEED_MAX)
    except ValueError:
        raise ValueError(f"{name} must be an integer in [0, 2**64 - 1], got {shown(value)}") from None


def check_finite(name: str, value: Any, minimum: float | None = None) -> float:
    """``value`` as a ``float`` if it is a finite real number (and >= ``minimum``, if given)."""
    number = _real(value)
    ok = number is not None and math.isfinite(number)
    if not ok or (minimum is not None and number < minimum):
        allowed = "a finite number" + (f" >= {minimum:g}" if minimum is not None else "")
        raise ValueError(f"{name} must be {allowed}, got {shown(value)}")
    return number


def check_positive(name: str, value: Any) -> float:
    """``value`` as a ``float`` if it is a finite real number > 0."""
    number = _real(value)
    if number is None or not math.isfinite(number) or number <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {shown(value)}")
    return number


def check_range(
    name: str,
    value: Any,
    low: float,
    high: float,
    *,
    low_open: bool = False,
    high_open: bool = False,
) -> float:
    """``value`` as a ``float`` if it lies in the interval from ``low`` to ``high``.

    Both ends are included unless ``low_open`` or ``high_open`` says otherwise;
    the message writes the interval the usual way: ``[0, 1)``, ``(0, 1]``.
    """
    number = _real(value)
    inside = number is not None and not math.isnan(number)
    if inside:
        inside = (low < number if low_open else low <= number) and (
            number < high if high_open else number <= high
        )
    if not inside:
        interval = f"{'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
        raise ValueError(f"{name} must be a number in {interval}, got {shown(value)}")
    return number


def check_bool(name: str, value: Any) -> bool:
    """``value`` if it is ``True`` or ``False`` (a NumPy bool counts); 0 and 1 do not."""
    flag = _unwrap(value)
    if not isinstance(flag, bool):
        raise ValueError(f"{name} must be True or False, got {shown(value)}")
    return flag


def check_choice(name: str, value: Any, choices: Iterable[Any]) -> Any:
    """The entry of ``choices`` equal to ``value``; a number matches a number, text a text.

    ``True`` does not match ``1``: a switch is not a choice of number.
    """
    choices = tuple(choices)
    given = _unwrap(value)
    for choice in choices:
        if isinstance(choice, bool) or isinstance(given, bool):
            same = given is choice
        elif isinstance(choice, numbers.Number):
            same = isinstance(given, numbers.Number) and given == choice
        elif isinstance(choice, str):
            same = isinstance(given, str) and given == choice
        else:
            same = given is choice or (type(given) is type(choice) and given == choice)
        if same:
            return choice
    raise ValueError(f"{name} must be one of {choices!r}, got {shown(value)}")


def check_loss(name: str, loss: Any) -> float:
    """The number in what ``name`` (a criterion) returned: a tensor holding one float.

    A loss per sample (``reduction="none"``), an integer count or a plain Python
    number cannot be back-propagated as the batch's loss, so they are refused.
    """
    ok = (
        callable(getattr(loss, "numel", None))
        and callable(getattr(loss, "is_floating_point", None))
        and loss.numel() == 1
        and loss.is_floating_point()
    )
    if not ok:
        shape = getattr(loss, "shape", None)
        shown = (
            f"shape {tuple(shape)}, {loss.dtype}" if shape is not None else type(loss).__name__
        )
        raise ValueError(
            f"{name} must return the loss as a tensor holding one float (averaged over "
            f"the batch), got {shown}"
        )
    return loss.item()
