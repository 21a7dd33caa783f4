import math

from lrcourse.exercises import Check, diagnose, report

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
