"""Every checker survives every kind of wrong answer: one line, False, no exception, no hang."""

import math
import time

import pytest
import torch

from lrcourse import exercises
from lrcourse.exercises import _base, solution_of
from lrcourse.exercises import grid as sweep_ex
from lrcourse.lr_finder import LRFinder

CHECKERS = list(exercises.all_checkers().values())


def _finder() -> LRFinder:
    """A stand-in for a finished range test: only clr_bounds() is read."""
    finder = object.__new__(LRFinder)
    finder.clr_bounds = lambda: (0.001, 0.004)
    return finder


TABLE = sweep_ex._tables()[0][0]

# How to hand an answer to each checker whose answer is not its only argument,
# and whether that answer is a function (True) or a value (False).
CALLS = {
    "check_clr_bounds": (lambda c, a: c(a, _finder()), True),
    "check_rate_choice": (lambda c, a: c(TABLE, ["SGD"], a, 1000), False),
    "check_curve_settings": (lambda c, a: c(a, 0.1), False),
}


def _call(checker, answer):
    call, _ = CALLS.get(checker.__name__, (lambda c, a: c(a), None))
    return call(checker, answer)


def _takes_function(checker) -> bool:
    if checker.__name__ in CALLS:
        return CALLS[checker.__name__][1]
    return callable(solution_of(checker))


def _right_value(checker):
    """The right answer of a value checker (for the string test)."""
    if checker.__name__ == "check_rate_choice":
        return 0.3
    if checker.__name__ == "check_curve_settings":
        return solution_of(checker)["milestones"]
    return solution_of(checker)


def _solution_call(checker, args):
    if checker.__name__ == "check_clr_bounds":
        return _finder().clr_bounds()
    return solution_of(checker)(*args)


def _assert_one_line_refusal(out: str) -> None:
    lines = out.splitlines()
    assert len(lines) == 1, out
    assert lines[0].startswith(("❌", "⏳")) or "❌" in lines[0] or "⏳" in lines[0], out
    assert "✅" not in out


def _forever(*args):
    while True:
        pass


def _raises(*args):
    return 1 / 0


BAD_FUNCTIONS = {
    "returns None": lambda *a: None,
    "returns a list of 7": lambda *a: [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0],
    "returns a 3x2 tensor": lambda *a: torch.zeros(3, 2),
    "returns NaN": lambda *a: math.nan,
    "returns True": lambda *a: True,
    "raises": _raises,
    "runs forever": _forever,
}
BAD_VALUES = {
    "None": None,
    "a list": [1.0, 2.0],
    "a 3x2 tensor": torch.zeros(3, 2),
    "NaN": math.nan,
    "a dict": {"lr": 0.1},
    "a function": lambda *a: 0.1,
    "the checker itself": print,
}


@pytest.fixture
def short_limit(monkeypatch):
    monkeypatch.setattr(_base, "TIME_LIMIT", 0.3)


@pytest.mark.parametrize("checker", CHECKERS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("bad", sorted(BAD_FUNCTIONS))
def test_checkers_refuse_bad_functions_in_one_line(checker, bad, short_limit, capsys):
    if not _takes_function(checker):
        pytest.skip("this checker takes a value")
    start = time.perf_counter()
    assert _call(checker, BAD_FUNCTIONS[bad]) is False
    assert time.perf_counter() - start < 5
    _assert_one_line_refusal(capsys.readouterr().out)


@pytest.mark.parametrize("checker", CHECKERS, ids=lambda c: c.__name__)
@pytest.mark.parametrize("bad", sorted(BAD_VALUES))
def test_checkers_refuse_bad_values_in_one_line(checker, bad, short_limit, capsys):
    answer = BAD_VALUES[bad]
    if _takes_function(checker) and callable(answer):
        pytest.skip("a function is the right kind of answer here")
    assert _call(checker, answer) is False
    _assert_one_line_refusal(capsys.readouterr().out)


@pytest.mark.parametrize("checker", CHECKERS, ids=lambda c: c.__name__)
def test_checkers_never_accept_text_holding_the_right_answer(checker, capsys):
    if _takes_function(checker):
        answer = lambda *args: str(_solution_call(checker, args))  # noqa: E731
    else:
        answer = str(_right_value(checker))
    assert _call(checker, answer) is False
    _assert_one_line_refusal(capsys.readouterr().out)


def test_a_function_that_hangs_is_stopped_within_the_real_time_limit(capsys):
    start = time.perf_counter()
    assert exercises.descent.check_iterate(_forever) is False
    elapsed = time.perf_counter() - start
    assert _base.TIME_LIMIT <= elapsed < _base.TIME_LIMIT + 2
    assert "did not finish within" in capsys.readouterr().out


def test_the_time_limit_also_works_outside_the_main_thread(short_limit):
    import threading

    outcome = {}
    release = threading.Event()

    def hangs(*args):  # like _forever, but it can be let go, so no thread spins on
        release.wait(60)

    def run():
        try:
            _base.call_with_limit(hangs, limit=0.2)
        except _base.TooSlow:
            outcome["stopped"] = True

    worker = threading.Thread(target=run)
    worker.start()
    worker.join(5)
    release.set()  # the call left behind ends too
    assert outcome == {"stopped": True}


def test_right_answers_as_numpy_or_0d_tensor_still_pass(capsys):
    import numpy as np

    assert exercises.descent.check_sgd_step(lambda w, lr: np.float64(w - lr * w))
    assert exercises.descent.check_sgd_step(lambda w, lr: torch.tensor(w - lr * w, dtype=torch.float64))
    assert not exercises.descent.check_sgd_step(lambda w, lr: torch.tensor([w - lr * w]))
    assert "shape (1,)" in capsys.readouterr().out.splitlines()[-1]


def test_lesson_setup_errors_still_raise():
    with pytest.raises(ValueError, match="result"):
        exercises.grid.check_rate_choice(object(), ["SGD"], 0.1, 10)
