import math

from lrcourse.exercises import Check, report

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
