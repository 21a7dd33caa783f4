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
    >>> check_pair("betas", (0.9, 1.0), check_beta)
    Traceback (most recent call last):
    ...
    ValueError: betas[1] must be a number in [0, 1), got 1.0

Beside the numbers there are checks of what a function receives: a function
(``check_callable``), an object of some class (``check_instance``), a collection
that is not empty (``check_nonempty``) or has one entry per entry of another
(``check_length``), a 1-D series of numbers (``check_series``), strictly
increasing steps (``check_increasing``) and a data loader (``check_loader``).
Each rule has one wording, here.

A number may come as a Python ``int`` or ``float``, a NumPy scalar, or a 0-d
tensor or 0-d NumPy array holding one (``torch.tensor(0.1)``, ``np.array(3)``);
``True`` and ``False`` are never numbers here, although Python counts them as
``int``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable
from typing import Any

__all__ = [
    "SEED_MAX",
    "check_beta",
    "check_bool",
    "check_callable",
    "check_choice",
    "check_finite",
    "check_increasing",
    "check_instance",
    "check_int",
    "check_length",
    "check_loader",
    "check_loss",
    "check_nonempty",
    "check_pair",
    "check_positive",
    "check_range",
    "check_seed",
    "check_series",
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


def check_finite(
    name: str, value: Any, minimum: float | None = None, *, above: float | None = None
) -> float:
    """``value`` as a ``float`` if it is a finite real number, >= ``minimum`` and
    > ``above`` when they are given (``check_finite("divisor", d, above=1)``)."""
    number = _real(value)
    ok = number is not None and math.isfinite(number)
    if ok and minimum is not None:
        ok = number >= minimum
    if ok and above is not None:
        ok = number > above
    if not ok:
        allowed = "a finite number" + (f" >= {minimum:g}" if minimum is not None else "")
        allowed += f" > {above:g}" if above is not None else ""
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


def check_beta(name: str, value: Any) -> float:
    """An averaging factor in [0, 1): an EWMA's beta, momentum, RMSprop's alpha,
    Adadelta's rho, one of Adam's betas. At 1 nothing new would ever enter the average."""
    return check_range(name, value, 0, 1, high_open=True)


def check_pair(
    name: str, value: Any, check: Callable[[str, Any], Any] = check_finite
) -> tuple[Any, Any]:
    """A tuple or list of two values, each passed through ``check`` as ``name[0]``, ``name[1]``.

    The default ``check`` makes it a pair of finite numbers, such as a point (x, y);
    ``check_pair("betas", betas, check_beta)`` checks Adam's betas.
    """
    if not isinstance(value, tuple | list) or len(value) != 2:
        raise ValueError(f"{name} must be a pair of two values, got {shown(value)}")
    return check(f"{name}[0]", value[0]), check(f"{name}[1]", value[1])


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


def check_increasing(name: str, value: Any) -> list[int]:
    """A list of strictly increasing integers >= 0, such as milestones (an empty list is allowed)."""
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ValueError(f"{name} must be a list of integers >= 0, got {shown(value)}")
    try:
        items = [check_int(name, v, 0) for v in value]
    except ValueError:
        raise ValueError(f"{name} must be a list of integers >= 0, got {shown(value)}") from None
    if any(b <= a for a, b in zip(items, items[1:], strict=False)):
        raise ValueError(
            f"{name} must be strictly increasing (sorted, no duplicates), got {shown(value)}"
        )
    return items


def check_callable(name: str, value: Any, signature: str) -> Any:
    """``value`` if it can be called; the message shows how it will be called.

    Example: ``check_callable("schedule", f, "schedule(step, **settings) -> lr")``.
    """
    if not callable(value):
        raise ValueError(f"{name} must be callable as {signature}, got {shown(value)}")
    return value


def check_instance(name: str, value: Any, cls: type | tuple[type, ...], what: str) -> Any:
    """``value`` if it is an instance of ``cls``; ``what`` names the class for the message,
    with its article (``"a torch.optim.Optimizer"``)."""
    if not isinstance(value, cls):
        got = "None" if value is None else f"{type(value).__name__} {shown(value, 60)}"
        raise ValueError(f"{name} must be {what}, got {got}")
    return value


def check_nonempty(name: str, value: Any, item: str) -> Any:
    """``value`` (a list, a dict...) if it holds at least one ``item``."""
    if isinstance(value, str | bytes) or not hasattr(value, "__len__"):
        raise ValueError(f"{name} must hold at least one {item}, got {shown(value)}")
    if len(value) == 0:
        raise ValueError(f"{name} must hold at least one {item}, got none")
    return value


def check_length(name: str, value: Any, length: int, each: str) -> Any:
    """``value`` if it has ``length`` entries, one per ``each`` (one per rate, per value...)."""
    if len(value) != length:
        raise ValueError(
            f"{name} must have {length} entries, one per {each}, got {len(value)}: {shown(value)}"
        )
    return value


def check_series(name: str, values: Any, min_len: int = 1, *, finite: bool = True) -> Any:
    """``values`` as a 1-D float64 NumPy array of at least ``min_len`` numbers.

    A list, a NumPy array or a tensor (detached, copied to the CPU) are all taken.
    With ``finite`` every number must be finite; without it NaN and inf are kept
    (a range test records a loss that blew up).
    """
    import numpy as np  # here, not above: `import lrcourse` stays fast

    if hasattr(values, "detach"):  # a torch tensor
        values = values.detach().cpu().numpy()
    try:
        array = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a 1-D sequence of numbers, got {shown(values)}") from None
    if array.ndim != 1:
        raise ValueError(
            f"{name} must be a 1-D sequence of numbers, got shape {tuple(array.shape)}"
        )
    if len(array) < min_len:
        numbers = "number" if min_len == 1 else "numbers"
        raise ValueError(f"{name} must hold at least {min_len} {numbers}, got {len(array)}")
    if finite and not np.all(np.isfinite(array)):
        i = int(np.flatnonzero(~np.isfinite(array))[0])
        raise ValueError(f"{name} must hold finite numbers only, got {float(array[i])!r} at index {i}")
    return array


def check_loader(name: str, loader: Any) -> Any:
    """``loader`` if it can be iterated over (batches of (inputs, targets)) and, when it
    knows its length, is not empty."""
    if not isinstance(loader, Iterable):
        raise ValueError(
            f"{name} must be an iterable of (inputs, targets) batches, got {shown(loader)}"
        )
    try:
        size = len(loader)  # type: ignore[arg-type]
    except TypeError:
        return loader  # no length (a generator, an iterable dataset): checked when it runs dry
    if size == 0:
        raise ValueError(f"{name} must yield at least one batch, got an empty loader")
    return loader


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
