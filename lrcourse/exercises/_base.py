"""What every exercise checker shares: comparing answers and saying so.

Every checker is wrapped by :func:`checker`, which makes it safe to call with
whatever a learner hands it: an answer of the wrong type, NaN, a function that
raises or one that never returns. The checker then prints one line saying what
is wrong and returns ``False``; it never raises and never hangs (a learner's
function gets :data:`TIME_LIMIT` seconds per call).
"""

from __future__ import annotations

import functools
import inspect
import math
import numbers
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

#: Seconds one call of a learner's function may take before the checker gives up.
TIME_LIMIT = 3.0


class TooSlow(Exception):
    """A learner's function did not return within :data:`TIME_LIMIT` seconds."""


class SetupError(ValueError):
    """A checker was called with bad arguments by the lesson, not by the learner's answer."""


def setup_checked(check: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
    """``check(*args, **kwargs)``, one of :mod:`lrcourse._checks`, whose refusal is a
    ``SetupError``: the lesson called the checker wrongly, not the learner's answer."""
    try:
        return check(*args, **kwargs)
    except ValueError as error:
        raise SetupError(str(error)) from None


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


def _complex(value: Any) -> bool:
    """A number of a complex type (Python's, NumPy's or a 0-d tensor's), even with 0 imaginary part."""
    if getattr(value, "ndim", 0) == 0 and getattr(value, "is_complex", None) is not None:
        return bool(value.is_complex())
    return isinstance(value, numbers.Complex) and not isinstance(value, numbers.Real)


def _close(got: Any, expected: Any, rel: float, abs_: float) -> bool:
    if isinstance(got, (str, bytes, bool)) or _complex(got):
        return False
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
        except TooSlow:
            raise  # checker() reports it, once
        except Exception as error:  # a learner's bug: report it, do not crash the lesson
            print(f"❌ {name}: calling it with {_one_line(case.args)} raised "
                  f"{type(error).__name__}: {_one_line(error)}")
            return False
        if got is None or got is Ellipsis:
            print(f"⏳ {name}: not done yet (it returned {got!r}). Fill in the stub and run again.")
            return False
        problem = answer_problem(got, case.expected)
        if problem:
            print(f"❌ {name}: for input {_one_line(case.args)} {problem}")
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
    return _one_line(repr(value))


def _one_line(value: Any, width: int = 160) -> str:
    text = " ".join(str(value).split())
    return text if len(text) <= width else text[: width - 3] + "..."


def _kind(value: Any) -> str:
    shape = getattr(value, "shape", None)
    if shape is not None and hasattr(value, "ndim"):
        return f"a {type(value).__name__} of shape {tuple(shape)}"
    return f"a {type(value).__name__}"


def answer_problem(got: Any, expected: Any) -> str | None:
    """What is wrong with the *form* of ``got`` as an answer shaped like ``expected``, or None.

    Catches answers that are no number at all: text (even text holding the
    right number), ``True``/``False``, ``None``, a tensor or array of the wrong
    shape, NaN and infinity. 0-d tensors and arrays and NumPy numbers count as
    numbers. A list of the wrong length, or a list where one number is expected
    (and the other way round), is left to the comparison, whose hints often
    name that mistake.

    >>> answer_problem("0.9", 0.9)
    "it returned the text '0.9'; return a number, not a string."
    >>> answer_problem(float("nan"), 0.9)[:27]
    'it returned NaN (not a numb'
    >>> answer_problem(0.9, 0.9) is None
    True
    """
    if isinstance(got, (str, bytes)):
        return f"it returned the text {_one_line(repr(got), 40)}; return a number, not a string."
    if isinstance(expected, (list, tuple)):
        if getattr(got, "ndim", 1) not in (0, 1) or isinstance(got, (dict, set)):
            return f"it returned {_kind(got)}; return a list of {len(expected)} values."
        try:
            items = list(got)
        except TypeError:
            return None  # one value where a list is expected: the comparison says so
        if len(items) != len(expected):
            return None
        for k, (g, e) in enumerate(zip(items, expected, strict=True)):
            problem = answer_problem(g, e)
            if problem:
                return f"item {k}: {problem}"
        return None
    if got is None or got is Ellipsis:
        return f"it returned {got!r}; return a number."
    if isinstance(got, bool):
        return f"it returned {got}, a truth value; return a number."
    if getattr(got, "ndim", 0) != 0:
        return f"it returned {_kind(got)}; return one number (float(...) of a single value)."
    if isinstance(got, (list, tuple)):
        return None  # a list where one number is expected: the comparison says so
    if _complex(got):
        return (f"it returned the complex number {_one_line(got)}; return a real number "
                "(for a complex root r, its size abs(r)).")
    try:
        value = float(got)
    except (TypeError, ValueError):
        return f"it returned {_kind(got)}; return a number."
    if math.isnan(value):
        return ("it returned NaN (not a number): look for 0/0, inf - inf or the square root "
                "of a negative number.")
    if math.isinf(value) and not (isinstance(expected, (int, float)) and math.isinf(expected)):
        return "it returned an infinite number: look for a division by zero."
    return None


def value_problem(value: Any) -> str | None:
    """What is wrong with a value meant to be one finite number (not a function), or None.

    >>> value_problem("0.04")
    "got the text '0.04'; write the number without quotes."
    >>> value_problem(0.04) is None
    True
    """
    if isinstance(value, (str, bytes)):
        return f"got the text {_one_line(repr(value), 40)}; write the number without quotes."
    if isinstance(value, (list, tuple, dict, set)):
        return f"got a {type(value).__name__}; give one number."
    problem = answer_problem(value, 0.0)
    return problem and problem.replace("it returned", "got", 1).replace("; return", "; give", 1)


def call_with_limit(function: Callable[..., Any], *args: Any, limit: float | None = None) -> Any:
    """``function(*args)``, or :class:`TooSlow` raised after ``limit`` seconds
    (:data:`TIME_LIMIT`, read at the call, when not given).

    In the main thread (where a notebook runs its cells) an alarm signal stops
    the call; elsewhere the call runs in a helper thread that is left behind when
    time is up.
    """
    if limit is None:
        limit = TIME_LIMIT
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        def stop(signum: int, frame: Any) -> None:
            raise TooSlow

        previous = signal.signal(signal.SIGALRM, stop)
        signal.setitimer(signal.ITIMER_REAL, limit)
        try:
            return function(*args)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    outcome: dict[str, Any] = {}

    def target() -> None:
        try:
            outcome["value"] = function(*args)
        except BaseException as error:  # handed back to the caller below
            outcome["error"] = error

    worker = threading.Thread(target=target, daemon=True)
    worker.start()
    worker.join(limit)
    if worker.is_alive():
        raise TooSlow
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]


class _Learner:
    """A learner's function that may take at most :data:`TIME_LIMIT` seconds per call.

    Once a call has run out of time every later call fails at once, so a
    checker that calls the function many times still returns within seconds.
    """

    def __init__(self, function: Callable[..., Any]) -> None:
        self.function = function
        self.too_slow = False

    def __call__(self, *args: Any) -> Any:
        if self.too_slow:
            raise TooSlow
        try:
            return call_with_limit(self.function, *args)
        except TooSlow:
            self.too_slow = True
            raise


def checker(name: str, takes_function: bool = True) -> Callable[[Callable[..., bool]],
                                                               Callable[..., bool]]:
    """Make a checker safe for any answer: a one-line verdict, ``True`` or ``False``, no exception.

    With ``takes_function`` the first argument is the learner's function: a stub
    (``...`` or ``None``) is "not done yet", anything else that cannot be called
    is reported, and every call of it is limited to :data:`TIME_LIMIT` seconds.
    Any exception except :class:`SetupError` (bad arguments from the lesson
    itself) becomes one line of output.
    """

    def wrap(check: Callable[..., bool]) -> Callable[..., bool]:
        @functools.wraps(check)
        def safe(*args: Any, **kwargs: Any) -> bool:
            if takes_function and args:
                answer = args[0]
                if answer is None or answer is Ellipsis:
                    print(f"⏳ {name}: not done yet. Define your function and pass it in.")
                    return False
                if not callable(answer) or isinstance(answer, type):
                    print(f"❌ {name}: expected a function, got {_kind(answer)} "
                          f"({_one_line(repr(answer), 40)}).")
                    return False
                args = (_Learner(answer), *args[1:])
            try:
                return bool(check(*args, **kwargs))
            except SetupError:
                raise
            except TooSlow:
                print(f"❌ {name}: your function did not finish within {TIME_LIMIT:g} s; "
                      "look for a loop that never ends.")
            except RecursionError:
                print(f"❌ {name}: your function calls itself without end (RecursionError).")
            except Exception as error:  # whatever the answer did, the lesson goes on
                print(f"❌ {name}: could not check the answer: {type(error).__name__}: "
                      f"{_one_line(error)}")
            return False

        return safe

    return wrap


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


#: The environment variable a teacher sets (to ``1``) on the class's server for graded
#: work: then :func:`show_solution` refuses. TEACHING.md says what it does not hide.
GRADED_VARIABLE = "LRCOURSE_GRADED"


def solutions_turned_off(environ: Mapping[str, str] | None = None) -> bool:
    """Whether the teacher turned reference solutions off: ``LRCOURSE_GRADED`` is set in
    ``environ`` (the process's environment by default) to anything but ``0``, ``false``,
    ``no``, ``off`` or nothing.

    >>> solutions_turned_off({"LRCOURSE_GRADED": "1"}), solutions_turned_off({})
    (True, False)
    """
    value = (os.environ if environ is None else environ).get(GRADED_VARIABLE, "")
    value = value.strip().lower()
    return value not in ("", "0", "false", "no", "off")


def show_solution(checker: Callable[..., Any]) -> None:
    """Print the reference solution of an exercise, e.g. ``show_solution(check_sgd_step)``.

    Functions are printed as their source code, values as an assignment. When the
    teacher has set ``LRCOURSE_GRADED=1`` for graded work, it prints one line saying so
    instead.
    """
    solution = solution_of(checker)
    if solutions_turned_off():
        print(f"🔒 {checker.__name__}: reference solutions are turned off: your teacher set "
              f"{GRADED_VARIABLE} for graded work. The checker's hints still help.")
        return
    if inspect.isfunction(solution):
        print(inspect.getsource(solution).rstrip())
    else:
        print(f"{checker.__name__.replace('check_', 'solution_', 1)} = {solution!r}")


def report_value(
    name: str,
    answer: Any,
    expected: float | tuple[float, ...],
    mistakes: Mapping[str, Any] | Iterable[tuple[str, Any]] = (),
    default: str = "",
    rel: float = 1e-3,
    abs_: float = 1e-9,
) -> bool:
    """Judge a predicted value (one number, or a tuple of numbers) and print one line.

    A stub (``...`` or ``None``) is "not done yet"; an answer that is not a number
    (or not a tuple of the right length) is named; a wrong number gets the hint
    of the first ``mistakes`` entry it reproduces, else ``default``.

    >>> report_value("edge", 0.04, 0.04)
    ✅ edge: 0.04 is right.
    True
    >>> report_value("edge", 0.08, 0.04, {"the curvature is 50, not 25.": 0.08})
    ❌ edge: 0.08 is not it. Hint: the curvature is 50, not 25.
    False
    """
    if answer is None or answer is Ellipsis:
        print(f"⏳ {name}: not done yet. Write your prediction in place of ... and run again.")
        return False
    if isinstance(expected, tuple):
        problem = answer_problem(answer, list(expected))
        if problem is None and (not isinstance(answer, (list, tuple)) or len(answer) != len(expected)):
            letters = ", ".join("abcdef"[: len(expected)])
            problem = f"give {len(expected)} numbers in parentheses, like ({letters})."
        if problem:
            print(f"❌ {name}: {problem.replace('it returned', 'got', 1)}")
            return False
    else:
        problem = value_problem(answer)
        if problem:
            print(f"❌ {name}: {problem}")
            return False
    shown = _short(tuple(float(v) for v in answer)) if isinstance(expected, tuple) else _short(
        float(answer))
    if _close(answer, expected, rel, abs_):
        print(f"✅ {name}: {shown} is right.")
        return True
    pairs = mistakes.items() if isinstance(mistakes, Mapping) else mistakes
    hint = next((h for h, wrong in pairs if _close(answer, wrong, rel, abs_)), default)
    print(f"❌ {name}: {shown} is not it.{f' Hint: {hint}' if hint else ''}")
    return False
