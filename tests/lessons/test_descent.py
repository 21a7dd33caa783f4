"""Tests of lrcourse.lessons.descent, its figures, its widgets and its exercise checkers.

References: hand arithmetic (x_k = 2 (1 - 8 lr)^k worked out digit by digit),
PyTorch autograd running the lesson's loop on y = (2x)^2, and closed forms.
"""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from lrcourse.exercises import descent as ex  # noqa: E402
from lrcourse.lessons import descent  # noqa: E402
from lrcourse.lessons.descent import (  # noqa: E402
    REGIMES,
    classify_rate,
    closed_form,
    critical_rates,
    descend_parabola,
    factor,
    format_table,
    gradient_descent,
    steps_for_rates,
    steps_to_tolerance,
)
from lrcourse.plots import descent as dplots  # noqa: E402
from lrcourse.widgets import descent as dwidgets  # noqa: E402

# x_0 .. x_4 on y = 4x^2 from x = 2, by hand: multiply by (1 - 8 lr) four times.
HAND_X = {
    0.01: [2.0, 1.84, 1.6928, 1.557376, 1.43278592],  # factor 0.92
    0.1: [2.0, 0.4, 0.08, 0.016, 0.0032],  # factor 0.2
    0.125: [2.0, 0.0, 0.0, 0.0, 0.0],  # factor 0
    0.2: [2.0, -1.2, 0.72, -0.432, 0.2592],  # factor -0.6
    0.3: [2.0, -2.8, 3.92, -5.488, 7.6832],  # factor -1.4
}
# The loss 4x^2 along the lr = 0.1 run, by hand: 4 * (2, 0.4, 0.08, 0.016, 0.0032)^2.
HAND_LOSS_01 = [16.0, 0.64, 0.0256, 0.001024, 0.00004096]


# ----------------------------------------------------------------------------------
# The four-iteration table of the lesson
# ----------------------------------------------------------------------------------


@pytest.mark.parametrize("lr", sorted(HAND_X))
def test_four_iterations_match_hand_arithmetic(lr):
    run = descend_parabola(lr, steps=4, x0=2.0)
    assert run.x == pytest.approx(HAND_X[lr], abs=1e-12)
    assert run.grad == pytest.approx([8 * x for x in HAND_X[lr]], abs=1e-11)
    assert run.loss == pytest.approx([4 * x * x for x in HAND_X[lr]], abs=1e-11)
    assert run.steps == 4 and run.final == pytest.approx(HAND_X[lr][-1], abs=1e-12)


def test_loss_along_lr_01_matches_hand_arithmetic():
    assert descend_parabola(0.1).loss == pytest.approx(HAND_LOSS_01, rel=1e-12)


@pytest.mark.parametrize("lr", descent.COURSE_RATES)
def test_table_matches_autograd_loop(lr):
    """The lesson's loop in PyTorch: y = (2x)^2, backward, x -= lr * x.grad."""
    x = torch.tensor([2.0], dtype=torch.float64, requires_grad=True)
    xs, grads, losses = [], [], []
    for _ in range(5):
        y = torch.pow(2 * x, 2).sum()
        y.backward()
        xs.append(float(x.detach()[0]))
        grads.append(float(x.grad[0]))
        losses.append(float(y.detach()))
        with torch.no_grad():
            x -= lr * x.grad
        x.grad.zero_()
    run = descend_parabola(lr)
    assert run.x == pytest.approx(xs, rel=1e-12, abs=1e-15)
    assert run.grad == pytest.approx(grads, rel=1e-12, abs=1e-15)
    assert run.loss == pytest.approx(losses, rel=1e-12, abs=1e-15)


def test_course_rates_are_the_syllabus_rates():
    assert descent.COURSE_RATES == (0.01, 0.1, 0.125, 0.2, 0.3)


def test_format_table_prints_rounded_rows_without_negative_zero():
    text = format_table(descend_parabola(0.2))
    lines = text.splitlines()
    assert lines[0] == "lr = 0.2" and len(lines) == 2 + 5
    assert lines[3].split() == ["1", "-1.2000", "-9.6000", "5.7600"]
    assert lines[6].split() == ["4", "0.2592", "2.0736", "0.2687"]
    assert "-0.0000" not in format_table(descend_parabola(0.125))


# ----------------------------------------------------------------------------------
# The analysis x <- (1 - 8 lr) x
# ----------------------------------------------------------------------------------


@given(
    lr=st.floats(0.0, 0.3),
    x0=st.floats(-5.0, 5.0),
    k=st.integers(0, 30),
)
def test_closed_form_matches_iteration(lr, x0, k):
    run = gradient_descent(descent.parabola_grad, x0, lr, k)
    assert run.final == pytest.approx(x0 * (1 - 8 * lr) ** k, rel=1e-9, abs=1e-12)
    assert closed_form(lr, k, x0) == pytest.approx(run.final, rel=1e-9, abs=1e-12)


@given(lr=st.floats(0.001, 2.0), curvature=st.floats(0.5, 20.0), x0=st.floats(-3.0, 3.0))
def test_any_parabola_contracts_by_one_minus_c_lr(lr, curvature, x0):
    """f(x) = c/2 x^2 has gradient c x, so one step multiplies x by 1 - c lr."""
    run = gradient_descent(lambda x: curvature * x, x0, lr, 1)
    assert run.x[1] == pytest.approx(factor(lr, curvature) * x0, rel=1e-12, abs=1e-12)


def test_shifted_quadratic_converges_to_its_minimum():
    # f(x) = (x - 3)^2: x_k - 3 = (x_0 - 3)(1 - 2 lr)^k.
    run = gradient_descent(lambda x: 2 * (x - 3), 0.0, 0.1, 20, loss=lambda x: (x - 3) ** 2)
    assert run.final == pytest.approx(3 - 3 * 0.8**20, rel=1e-12)
    assert run.loss[0] == 9.0 and run.loss[-1] < run.loss[0]


def test_critical_rates_are_one_eighth_and_one_quarter():
    assert critical_rates() == (0.125, 0.25)
    assert critical_rates(curvature=2.0) == (0.5, 1.0)


@pytest.mark.parametrize(
    ("lr", "regime"),
    [
        (0.0, "does not move"),
        (0.01, "converges monotonically"),
        (0.1, "converges monotonically"),
        (0.125, "converges in one step"),
        (0.2, "oscillates and converges"),
        (0.25, "oscillates at the edge"),
        (0.3, "diverges"),
    ],
)
def test_classify_course_rates(lr, regime):
    assert classify_rate(lr) == regime
    assert regime in REGIMES


@given(lr=st.floats(0.0, 0.5))
def test_classification_agrees_with_the_iterates(lr):
    xs = descend_parabola(lr, steps=40).x
    regime = classify_rate(lr)
    flips = any(a * b < 0 for a, b in zip(xs, xs[1:], strict=False))
    assert flips == (regime in ("oscillates and converges", "oscillates at the edge", "diverges"))
    if regime == "diverges":
        assert abs(xs[-1]) > abs(xs[0])
    elif regime in ("converges monotonically", "oscillates and converges", "converges in one step"):
        assert abs(xs[-1]) <= abs(xs[0])
        if lr >= 1e-3:
            assert abs(xs[-1]) < abs(xs[0])


def test_edge_rate_bounces_between_two_and_minus_two():
    assert descend_parabola(0.25, steps=6).x == [2.0, -2.0, 2.0, -2.0, 2.0, -2.0, 2.0]
    assert descend_parabola(0.25, steps=6).loss == [16.0] * 7


def test_factor_values_of_course_rates():
    # 1 - 8 lr by hand.
    expected = {0.01: 0.92, 0.1: 0.2, 0.125: 0.0, 0.2: -0.6, 0.25: -1.0, 0.3: -1.4}
    for lr, value in expected.items():
        assert factor(lr) == pytest.approx(value, abs=1e-12)


# ----------------------------------------------------------------------------------
# Steps to a tolerance: the valley
# ----------------------------------------------------------------------------------


def _steps_by_logarithm(lr, x0=2.0, tol=1e-6):
    """Smallest k with |x0| r^k <= tol, from logarithms (r = |1 - 8 lr| in (0, 1))."""
    r = abs(1 - 8 * lr)
    if r < 1e-12:  # lr = 1/8 lands on the minimum in one step
        return 0 if abs(x0) <= tol else 1
    return max(0, math.ceil(math.log(tol / abs(x0)) / math.log(r) - 1e-9))


def test_steps_to_tolerance_known_values():
    assert steps_to_tolerance(0.1) == 10  # 2 * 0.2^9 = 1.02e-6 > 1e-6 >= 2 * 0.2^10
    assert steps_to_tolerance(0.125) == 1
    assert steps_to_tolerance(0.2) == 29  # 0.6^28 = 6.1e-7 > 5e-7 >= 0.6^29
    assert steps_to_tolerance(0.01) == 175  # 0.92^174 = 5.001e-7 > 5e-7 >= 0.92^175
    assert steps_to_tolerance(0.3) is None
    assert steps_to_tolerance(0.25) is None
    assert steps_to_tolerance(0.0) is None
    assert steps_to_tolerance(0.1, x0=0.0) == 0


def test_tiny_rate_needs_more_than_the_budget():
    needed = _steps_by_logarithm(1e-4)
    assert needed > 1000
    assert steps_to_tolerance(1e-4, max_steps=1000) is None
    assert steps_to_tolerance(1e-4, max_steps=needed) == needed


@given(lr=st.floats(0.002, 0.245), x0=st.floats(0.5, 10.0), tol=st.floats(1e-8, 1e-3))
def test_steps_to_tolerance_matches_logarithms(lr, x0, tol):
    got = steps_to_tolerance(lr, x0=x0, tol=tol, max_steps=100_000)
    assert got is not None
    assert abs(got - _steps_by_logarithm(lr, x0, tol)) <= 1  # rounding at the boundary
    assert abs(closed_form(lr, got, x0)) <= tol * (1 + 1e-9)
    if got > 0:
        assert abs(closed_form(lr, got - 1, x0)) > tol * (1 - 1e-9)


def test_steps_for_rates_fail_at_both_ends_and_train_in_between():
    lrs = [1e-4, 1e-3, 3e-3, 0.01, 0.05, 0.125, 0.2, 0.24, 0.26, 0.3]
    steps = steps_for_rates(lrs)
    assert steps[0] is None and steps[1] is None  # too slow for 1000 steps
    assert steps[-1] is None and steps[-2] is None  # diverge
    middle = steps[2:-2]
    assert all(s is not None for s in middle)
    assert min(middle) == 1 == steps[lrs.index(0.125)]
    assert middle[:4] == sorted(middle[:4], reverse=True)  # falls until 1/8 ...
    assert middle[3:] == sorted(middle[3:])  # ... then climbs towards 1/4


# ----------------------------------------------------------------------------------
# Bad input
# ----------------------------------------------------------------------------------


@pytest.mark.parametrize("lr", [-0.1, float("nan"), float("inf"), "0.1", None, True])
def test_bad_learning_rates_are_rejected(lr):
    for call in (
        lambda: gradient_descent(descent.parabola_grad, 2.0, lr, 4),
        lambda: steps_to_tolerance(lr),
        lambda: classify_rate(lr),
        lambda: factor(lr),
    ):
        with pytest.raises(ValueError, match="lr must be"):
            call()


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: gradient_descent(descent.parabola_grad, 2.0, 0.1, -1), "steps"),
        (lambda: gradient_descent(descent.parabola_grad, 2.0, 0.1, 2.5), "steps"),
        (lambda: gradient_descent(descent.parabola_grad, float("nan"), 0.1, 2), "x0"),
        (lambda: gradient_descent(3.0, 2.0, 0.1, 2), "grad"),
        (lambda: gradient_descent(descent.parabola_grad, 2.0, 0.1, 2, loss=1), "loss"),
        (lambda: steps_to_tolerance(0.1, tol=0.0), "tol"),
        (lambda: steps_to_tolerance(0.1, max_steps=-5), "max_steps"),
        (lambda: steps_to_tolerance(0.1, curvature=-8.0), "curvature"),
        (lambda: closed_form(0.1, -1), "k"),
        (lambda: critical_rates(0.0), "curvature"),
        (lambda: steps_for_rates([]), "lrs"),
        (lambda: steps_for_rates(0.1), "lrs"),
        (lambda: format_table(descend_parabola(0.1), digits=-1), "digits"),
    ],
)
def test_bad_arguments_are_named(call, name):
    with pytest.raises(ValueError, match=rf"^{name} must"):
        call()


def test_zero_steps_is_just_the_start():
    run = gradient_descent(descent.parabola_grad, 2.0, 0.1, 0)
    assert run.x == [2.0] and run.grad == [16.0] and run.loss is None and run.steps == 0


# ----------------------------------------------------------------------------------
# Figures and widgets
# ----------------------------------------------------------------------------------


def _labelled(ax):
    return ax.get_title() and ax.get_xlabel() and ax.get_ylabel() and ax.get_legend()


def test_plots_have_titles_labels_and_legends():
    runs = [descend_parabola(lr) for lr in descent.COURSE_RATES]
    fig, axes = plt.subplots(2, 5)
    dplots.plot_rate_grid(runs, axes)
    assert all(_labelled(ax) for ax in axes.flat)
    assert "diverges" in axes[0, 4].get_title()
    lrs = [1e-4, 0.01, 0.1, 0.3]
    ax_valley = dplots.plot_valley(lrs, steps_for_rates(lrs), max_steps=1000)
    assert _labelled(ax_valley) and ax_valley.get_xscale() == "log"
    assert _labelled(dplots.plot_factor())
    assert _labelled(dplots.plot_iterates([descend_parabola(0.25, steps=8)]))
    plt.close("all")


def test_plots_reject_mismatched_shapes():
    fig, axes = plt.subplots(2, 2)
    with pytest.raises(ValueError, match="axes must"):
        dplots.plot_rate_grid([descend_parabola(0.1)], axes)
    with pytest.raises(ValueError, match="steps must"):
        dplots.plot_valley([0.1, 0.2], [3], max_steps=10)
    with pytest.raises(ValueError, match="trajectory must"):
        dplots.plot_loss(gradient_descent(descent.parabola_grad, 2.0, 0.1, 2))
    plt.close("all")


def test_descent_figure_is_a_figure_with_a_verdict():
    before = plt.get_fignums()
    fig, text = dwidgets.descent_figure(0.2, 4)
    assert isinstance(fig, Figure) and plt.get_fignums() == before  # not pyplot
    assert len(fig.axes) == 2 and all(_labelled(ax) for ax in fig.axes)
    assert "oscillates and converges" in text and "-0.600" in text and "= 0.2592" in text
    assert "diverges" in dwidgets.descent_figure(0.3, 4)[1]


def test_descent_explorer_redraws_when_a_slider_moves():
    panel = dwidgets.descent_explorer(lr=0.1, steps=4)
    assert "converges monotonically" in panel.message.value
    assert "x after 4 steps = 0.0032" in panel.message.value
    panel.controls["lr"].value = 0.125
    assert "converges in one step" in panel.message.value
    panel.controls["steps"].value = 10
    assert "x after 10 steps = 0" in panel.message.value
    assert len(panel.output.outputs) == 1
    assert repr(panel).startswith("<lrcourse widget:")


def test_first_step_widget_shows_the_course_example():
    fig, text = dwidgets.first_step_figure(0.1)
    assert isinstance(fig, Figure) and text.endswith("= 0.9")
    panel = dwidgets.first_step_widget()
    panel.controls["lr"].value = 2.0
    assert panel.message.value.endswith("= -1")  # 1 - 2 * 1: overshoots to the mirror point


# ----------------------------------------------------------------------------------
# Exercise checkers
# ----------------------------------------------------------------------------------


def test_solutions_reproduce_the_course_numbers():
    assert ex.solution_sgd_step(1.0, 0.1) == pytest.approx(0.9)
    assert ex.solution_gd_step(2.0, 0.1) == pytest.approx(0.4)
    assert ex.solution_iterate(2.0, 0.3, 4) == pytest.approx(HAND_X[0.3])


@pytest.mark.parametrize(
    ("checker", "solution"),
    [
        (ex.check_sgd_step, ex.solution_sgd_step),
        (ex.check_gd_step, ex.solution_gd_step),
        (ex.check_iterate, ex.solution_iterate),
    ],
)
def test_checkers_accept_the_reference_and_an_independent_answer(checker, solution, capsys):
    assert checker(solution) is True
    assert "✅" in capsys.readouterr().out


def test_checkers_accept_other_correct_forms(capsys):
    assert ex.check_gd_step(lambda x, lr: (1 - 8 * lr) * x)
    assert ex.check_iterate(lambda x0, lr, n: [x0 * (1 - 8 * lr) ** k for k in range(n + 1)])
    assert ex.check_sgd_step(lambda w, lr: w * (1 - lr))
    capsys.readouterr()


@pytest.mark.parametrize(
    ("checker", "wrong", "hint"),
    [
        (ex.check_sgd_step, lambda w, lr: w + lr * w, "against the gradient"),
        (ex.check_sgd_step, lambda w, lr: w - 2 * lr * w, "not 2w"),
        (ex.check_sgd_step, lambda w, lr: lr * w, "not the size of the step"),
        (ex.check_gd_step, lambda x, lr: x + lr * 8 * x, "against the gradient"),
        (ex.check_gd_step, lambda x, lr: x - lr * 4 * x, "not 4x"),
        (ex.check_gd_step, lambda x, lr: x - lr * 4 * x * x, "not lr times the loss"),
        (ex.check_iterate, lambda x0, lr, n: ex.solution_iterate(x0, lr, n)[1:], "the start"),
        (ex.check_iterate, lambda x0, lr, n: ex.solution_iterate(x0, lr, n + 1), "stop after n"),
        (ex.check_iterate, lambda x0, lr, n: ex.solution_iterate(x0, lr, n)[-1], "as a list"),
        (
            ex.check_iterate,
            lambda x0, lr, n: [x0 - k * lr * 8 * x0 for k in range(n + 1)],
            "current x",
        ),
    ],
)
def test_checkers_reject_typical_mistakes_with_a_hint(checker, wrong, hint, capsys):
    assert checker(wrong) is False
    out = capsys.readouterr().out
    assert "❌" in out and hint in out


def test_checkers_say_a_stub_is_not_done(capsys):
    def stub(x, lr):
        return ...

    assert ex.check_gd_step(stub) is False
    assert "not done yet" in capsys.readouterr().out
    assert ex.check_iterate(lambda x0, lr, n: None) is False
    assert "not done yet" in capsys.readouterr().out


def test_checker_gives_a_general_hint_for_an_unrecognised_answer(capsys):
    assert ex.check_gd_step(lambda x, lr: 42.0) is False
    assert "x - lr * 8 * x" in capsys.readouterr().out
