import math

import pytest

from lrcourse import exercises
from lrcourse.exercises import Check, diagnose, report, show_solution, solution_of

CASES = [Check((2.0,), 4.0, "square it"), Check((-3.0,), 9.0, "mind the sign")]


def test_report_accepts_a_correct_function(capsys):
    assert report("square", lambda x: x * x, CASES) is True
    assert "✅" in capsys.readouterr().out


def test_report_names_the_failing_input_and_hint(capsys):
    assert report("square", lambda x: x * abs(x), CASES) is False
    out = capsys.readouterr().out
    assert "(-3.0,)" in out and "mind the sign" in out and "expected 9" in out


def test_report_says_a_stub_is_not_done(capsys):
    def stub(x):
        ...

    assert report("square", stub, CASES) is False
    assert "not done yet" in capsys.readouterr().out


def test_report_survives_a_raising_function(capsys):
    assert report("square", lambda x: math.sqrt(-1), CASES) is False
    assert "ValueError" in capsys.readouterr().out


def test_report_compares_sequences_elementwise(capsys):
    checks = [Check((1,), [1.0, 2.0])]
    assert report("pair", lambda x: (1.0, 2.0 + 1e-12), checks)
    assert not report("pair", lambda x: (1.0,), checks)
    assert not report("not a function", 3, checks)


MISTAKES = {"forgot the square": -3.0, "doubled instead": -6.0}


def test_diagnose_returns_the_hint_of_the_reproduced_mistake():
    assert diagnose(lambda: -6.0, MISTAKES, "general") == "doubled instead"
    assert diagnose(lambda: -3.0 * (1 + 1e-12), MISTAKES, "general") == "forgot the square"


def test_diagnose_accepts_pairs_and_keeps_their_order():
    pairs = [("first", 1.0), ("second", 1.0)]
    assert diagnose(lambda: 1.0, pairs) == "first"


def test_diagnose_falls_back_to_the_default():
    assert diagnose(lambda: 9.0, MISTAKES, "general") == "general"
    assert diagnose(lambda: math.sqrt(-1), MISTAKES, "general") == "general"
    assert diagnose(lambda: "text", MISTAKES) == ""


def test_diagnose_compares_sequences_elementwise_within_the_tolerance():
    mistakes = {"rows swapped": [[3, 4], [1, 2]], "one row short": [[1, 2]]}
    assert diagnose(lambda: ([3, 4], (1, 2)), mistakes) == "rows swapped"
    assert diagnose(lambda: [[1, 2]], mistakes) == "one row short"
    assert diagnose(lambda: 1e-14, {"zero": 0.0}) == "zero"
    assert diagnose(lambda: 1e-14, {"zero": 0.0}, abs_=1e-15) == ""


CHECKERS = list(exercises.all_checkers().values())
# Checkers that need data besides the learner's function.
DATA_CHECKERS = {"check_clr_bounds", "check_fastest_rate", "check_rate_choice"}


@pytest.mark.parametrize("checker", CHECKERS, ids=lambda c: c.__name__)
def test_every_exercise_has_a_reference_solution_to_show(checker, capsys):
    solution = solution_of(checker)
    show_solution(checker)
    shown = capsys.readouterr().out
    expected = checker.__name__.replace("check_", "solution_", 1)
    if callable(solution):
        assert shown.startswith(f"def {expected}(") and "return" in shown
    else:
        assert shown.startswith(f"{expected} = ")


def test_function_solutions_pass_their_own_checkers(capsys):
    passed = {
        checker.__name__: checker(solution_of(checker))
        for checker in CHECKERS
        if callable(solution_of(checker)) and checker.__name__ not in DATA_CHECKERS
    }
    assert passed and all(passed.values()), passed



@pytest.mark.parametrize("bad", [print, len, "check_sgd_step", None])
def test_solution_of_refuses_what_is_not_a_checker(bad):
    with pytest.raises(ValueError, match="checker"):
        solution_of(bad)


def test_setup_checked_turns_a_refusal_into_a_setup_error():
    from lrcourse._checks import check_finite
    from lrcourse.exercises._base import SetupError, setup_checked

    assert setup_checked(check_finite, "tolerance", 3.0, above=1) == 3.0
    with pytest.raises(SetupError, match=r"^tolerance must be a finite number > 1, got 1$"):
        setup_checked(check_finite, "tolerance", 1, above=1)


@pytest.mark.parametrize("checker", CHECKERS, ids=lambda c: c.__name__)
def test_show_solution_refuses_in_one_line_when_the_teacher_turned_solutions_off(
        checker, capsys, monkeypatch):
    monkeypatch.setenv("LRCOURSE_GRADED", "1")
    assert show_solution(checker) is None
    out = capsys.readouterr().out
    assert len(out.splitlines()) == 1 and "LRCOURSE_GRADED" in out and "graded" in out
    solution = solution_of(checker)
    shown = "def solution_" if callable(solution) else repr(solution)
    assert shown not in out and "solution_" not in out


@pytest.mark.parametrize("value, hidden", [("1", True), ("yes", True), ("0", False),
                                           ("", False), ("false", False), (" OFF ", False)])
def test_the_graded_switch_reads_the_environment_variable(value, hidden, capsys, monkeypatch):
    monkeypatch.setenv("LRCOURSE_GRADED", value)
    show_solution(exercises.descent.check_gd_step)
    out = capsys.readouterr().out
    assert ("def solution_gd_step" not in out) is hidden
    assert ("LRCOURSE_GRADED" in out) is hidden
