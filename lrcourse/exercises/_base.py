"""What every exercise checker shares: comparing answers and saying so."""

from __future__ import annotations

import inspect
import math
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Check:
    """One input to try and the answer expected for it.

    Attributes:
        args: positional arguments passed to the learner's function.
        expected: the reference answer (a number or a sequence of numbers).
        hint: what to look at when this case fails.
    """

    args: tuple
    expected: Any
    hint: str = ""


def _close(got: Any, expected: Any, rel: float, abs_: float) -> bool:
    if isinstance(expected, (list, tuple)):
        try:
            got = list(got)
        except TypeError:
            return False
        return len(got) == len(expected) and all(
            _close(g, e, rel, abs_) for g, e in zip(got, expected, strict=True)
        )
    try:
        got = float(got)
    except (TypeError, ValueError):
        return False
    return math.isclose(got, float(expected), rel_tol=rel, abs_tol=abs_)


def diagnose(
    call: Callable[[], Any],
    mistakes: Mapping[str, Any] | Iterable[tuple[str, Any]],
    default: str = "",
    rel: float = 1e-9,
    abs_: float = 1e-12,
) -> str:
    """The hint of the first known mistake the learner's answer reproduces, else ``default``.

    ``call()`` runs the learner's function on one input; ``mistakes`` maps a hint
    to the value a typical slip would produce on that input (a number, or a
    sequence of numbers compared element by element). An answer that raises, or
    matches no mistake, gets ``default``.

    >>> diagnose(lambda: 0.5, {"forgot the 1/2": 1.0, "dropped the sign": 0.5}, "check the formula")
    'dropped the sign'
    """
    try:
        got = call()
    except Exception:  # a learner's bug: report() says so, the hint stays general
        return default
    pairs = mistakes.items() if isinstance(mistakes, Mapping) else mistakes
    return next((hint for hint, wrong in pairs if _close(got, wrong, rel, abs_)), default)


def report(
    name: str,
    function: Callable[..., Any],
    checks: Iterable[Check],
    rel: float = 1e-6,
    abs_: float = 1e-9,
) -> bool:
    """Run ``function`` on every check, print a verdict and return it.

    The first failing case is reported with the input, what came back, what
    was expected and the case's hint. A function that raises, returns
    ``None`` or ``...`` (the stub left in the notebook) is "not done yet".
    """
    if not callable(function):
        print(f"❌ {name}: expected a function, got {type(function).__name__}.")
        return False
    checks = list(checks)
    for case in checks:
        try:
            got = function(*case.args)
        except NotImplementedError:
            print(f"⏳ {name}: not done yet. Replace the stub with your code and run again.")
            return False
        except Exception as error:  # a learner's bug: report it, do not crash the lesson
            print(f"❌ {name}: calling it with {case.args} raised {type(error).__name__}: {error}")
            return False
        if got is None or got is Ellipsis:
            print(f"⏳ {name}: not done yet (it returned {got!r}). Fill in the stub and run again.")
            return False
        if not _close(got, case.expected, rel, abs_):
            hint = f" Hint: {case.hint}" if case.hint else ""
            print(
                f"❌ {name}: for input {case.args} it returned {_short(got)}, "
                f"expected {_short(case.expected)}.{hint}"
            )
            return False
    print(f"✅ {name}: correct on all {len(checks)} cases.")
    return True


def _short(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.6g}"
    if isinstance(value, (list, tuple)):
        inner = ", ".join(_short(v) for v in list(value)[:6])
        return f"[{inner}{', ...' if len(value) > 6 else ''}]"
    return repr(value)


def solution_of(checker: Callable[..., Any]) -> Any:
    """The reference solution that belongs to ``checker``.

    By the course's convention it sits in the checker's module under the
    checker's name with ``check_`` replaced by ``solution_``: a function, or
    the answer itself for exercises that ask for values.

    >>> from lrcourse.exercises.descent import check_sgd_step
    >>> solution_of(check_sgd_step).__name__
    'solution_sgd_step'
    """
    name = getattr(checker, "__name__", "")
    if not callable(checker) or not name.startswith("check_"):
        raise ValueError(f"checker must be one of the course's check_... functions, got {checker!r}")
    module = sys.modules.get(checker.__module__)
    solution_name = "solution_" + name.removeprefix("check_")
    if module is None or not hasattr(module, solution_name):
        raise ValueError(f"{name} has no reference solution {solution_name} in {checker.__module__}")
    return getattr(module, solution_name)


def show_solution(checker: Callable[..., Any]) -> None:
    """Print the reference solution of an exercise, e.g. ``show_solution(check_sgd_step)``.

    Functions are printed as their source code, values as an assignment.
    """
    solution = solution_of(checker)
    if inspect.isfunction(solution):
        print(inspect.getsource(solution).rstrip())
    else:
        print(f"{checker.__name__.replace('check_', 'solution_', 1)} = {solution!r}")
