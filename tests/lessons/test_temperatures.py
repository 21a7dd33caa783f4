"""Tests of the moving-average lesson: lrcourse.lessons.temperatures, its figures, widget and exercises.

References: hand arithmetic, the source's own loop on torch.manual_seed(0);
torch.randn(30) * 10, closed forms (a ramp's steady lag, the sum of the weights),
and series shifted by a known number of days.
"""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from lrcourse.data import load_temperatures, random_temperatures  # noqa: E402
from lrcourse.ewma import effective_window, ewma  # noqa: E402
from lrcourse.exercises import temperatures as ex  # noqa: E402
from lrcourse.lessons.temperatures import (  # noqa: E402
    best_lag,
    ewma_weights,
    lag_errors,
    roughness,
    steady_lag,
    weight_sum,
)
from lrcourse.plots import temperatures as eplots  # noqa: E402
from lrcourse.widgets import temperatures as ewidgets  # noqa: E402


@pytest.fixture(scope="module")
def temps():
    return load_temperatures()


def source_loop(beta):
    """The source article's loop, as it wrote it: 0-d tensors, first average = first value."""
    torch.manual_seed(0)
    temperature = torch.randn(size=[30]) * 10
    averages = []
    for idx, temp in enumerate(temperature, 1):
        if idx == 1:
            averages.append(temp)
            continue
        averages.append(averages[idx - 2] * beta + (1 - beta) * temp)
    return [float(a) for a in averages]


# ----------------------------------------------------------------------------------
# Roughness
# ----------------------------------------------------------------------------------


def test_roughness_by_hand():
    assert roughness([0.0, 1.0, 2.0, 3.0]) == 0.0
    assert roughness([0.0, 1.0, 0.0, 1.0]) == 2.0  # second differences -2, +2
    assert roughness([1.0, 3.0, 2.0]) == 3.0  # 2 - 6 + 1 = -3
    assert roughness(torch.tensor([0.0, 2.0, 0.0])) == 4.0


@given(
    values=st.lists(st.floats(-100, 100), min_size=3, max_size=40),
    slope=st.floats(-5, 5),
    offset=st.floats(-50, 50),
)
def test_roughness_ignores_added_straight_lines(values, slope, offset):
    line = [offset + slope * t for t in range(len(values))]
    shifted = [v + w for v, w in zip(values, line, strict=True)]
    assert roughness(shifted) == pytest.approx(roughness(values), abs=1e-8)


def test_roughness_of_white_noise_is_sqrt_12_over_pi_sigma():
    noise = np.random.default_rng(0).normal(scale=2.0, size=200_000)
    assert roughness(noise) == pytest.approx(math.sqrt(12 / math.pi) * 2.0, rel=0.01)


def test_smoothing_lowers_roughness_monotonically_in_beta(temps):
    values = [roughness(ewma(temps.tmean, b)) for b in (0.0, 0.5, 0.8, 0.9, 0.95, 0.98)]
    assert values == sorted(values, reverse=True)
    assert values[0] == pytest.approx(roughness(temps.tmean))


# ----------------------------------------------------------------------------------
# Lag
# ----------------------------------------------------------------------------------


def test_lag_errors_by_hand():
    # d = 0: (0-0)^2, (0-1)^2, (1-2)^2, (2-3)^2 -> 3/4; d = 1: S shifted matches exactly.
    assert lag_errors([0.0, 1.0, 2.0, 3.0], [0.0, 0.0, 1.0, 2.0], max_lag=1).tolist() == [
        0.75,
        0.0,
    ]


@given(shift=st.integers(0, 15), seed=st.integers(0, 1000))
def test_best_lag_finds_a_known_delay(shift, seed):
    raw = np.random.default_rng(seed).normal(size=80)
    delayed = np.concatenate([np.full(shift, raw[0]), raw[: len(raw) - shift]])
    assert best_lag(raw, delayed, max_lag=20) == shift


@pytest.mark.parametrize(("beta", "lag"), [(0.5, 1), (0.9, 9), (0.98, 49)])
def test_ewma_trails_a_ramp_by_beta_over_one_minus_beta(beta, lag):
    ramp = np.arange(4000.0)
    smooth = ewma(ramp, beta).numpy()
    assert steady_lag(beta) == pytest.approx(lag, rel=1e-12)
    assert ramp[-1] - smooth[-1] == pytest.approx(lag, rel=1e-9)
    assert best_lag(ramp, smooth, max_lag=100) == lag


@pytest.mark.parametrize("beta", [0.5, 0.9, 0.98])
def test_steady_lag_is_the_mean_age_of_the_weights(beta):
    k = np.arange(5000)
    assert np.sum(k * (1 - beta) * beta**k) == pytest.approx(steady_lag(beta), rel=1e-9)


def test_lesson_numbers_on_the_real_year(temps):
    """The numbers section 4 of the lesson prints."""
    raw = temps.tmean
    assert len(raw) == 365
    assert roughness(raw) == pytest.approx(2.1409, abs=5e-5)
    rows = {b: ewma(raw, b) for b in (0.5, 0.9, 0.98)}
    assert [best_lag(raw, s) for s in rows.values()] == [0, 3, 42]
    assert [round(roughness(s), 3) for s in rows.values()] == [0.899, 0.161, 0.031]
    assert effective_window(0.9) == pytest.approx(10.0) and effective_window(0.98) == (
        pytest.approx(50.0)
    )


# ----------------------------------------------------------------------------------
# Weights and the bias of the zero start
# ----------------------------------------------------------------------------------


def test_weights_by_hand_and_their_sum():
    assert ewma_weights(0.5, 3).tolist() == [0.125, 0.25, 0.5]
    assert ewma_weights(0.9, 1).tolist() == pytest.approx([0.1])
    for beta, t in [(0.5, 3), (0.9, 10), (0.98, 50), (0.98, 1)]:
        assert ewma_weights(beta, t).sum() == pytest.approx(weight_sum(beta, t), rel=1e-12)
        assert weight_sum(beta, t) == pytest.approx(1 - beta**t, rel=1e-15)
    assert weight_sum(0.98, 50) == pytest.approx(0.6358, abs=5e-5)
    assert weight_sum(0.9, 0) == 0.0


@given(
    values=st.lists(st.floats(-50, 50), min_size=1, max_size=30),
    beta=st.floats(0.0, 0.99),
)
def test_weights_reproduce_the_zero_start_average(values, beta):
    last = float(ewma(values, beta, first="zero")[-1])
    assert float(np.dot(ewma_weights(beta, len(values)), values)) == pytest.approx(
        last, abs=1e-9
    )


def test_bias_correction_on_the_first_days(temps):
    raw = temps.tmean
    zero = ewma(raw, 0.98, first="zero")
    fixed = ewma(raw, 0.98, first="zero", bias_correction=True)
    source = ewma(raw, 0.98)
    assert float(raw[0]) == pytest.approx(1.2)
    assert float(zero[0]) == pytest.approx(0.02 * 1.2)  # (1 - beta) * Y_1
    assert float(fixed[0]) == pytest.approx(1.2)  # divided by 1 - 0.98
    assert float(source[0]) == pytest.approx(1.2)
    # Day 30: the zero start still reads less than half of the corrected value.
    assert float(zero[29]) == pytest.approx(weight_sum(0.98, 30) * float(fixed[29]))
    assert float(zero[29]) < 0.5 * float(fixed[29])


# ----------------------------------------------------------------------------------
# The source's example: 30 random days
# ----------------------------------------------------------------------------------


@pytest.mark.parametrize("beta", [0.5, 0.9])
def test_random_days_match_the_source_loop(beta):
    got = ewma(random_temperatures(30, seed=0), beta).tolist()
    assert got == pytest.approx(source_loop(beta), rel=1e-5, abs=1e-5)


def test_random_days_first_values_by_hand():
    y = random_temperatures(30, seed=0).tolist()
    assert round(y[0], 2) == -11.26 and round(y[1], 2) == -11.52
    s = ewma(y, 0.9).tolist()
    assert s[1] == pytest.approx(0.9 * y[0] + 0.1 * y[1], rel=1e-12)
    assert round(s[1], 2) == -11.28
    assert round(ewma(y, 0.5).tolist()[1], 2) == -11.39


# ----------------------------------------------------------------------------------
# Bad input
# ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: roughness([1.0, 2.0]), "values"),
        (lambda: roughness([[1.0, 2.0, 3.0]]), "values"),
        (lambda: roughness([1.0, float("nan"), 2.0]), "values"),
        (lambda: roughness("abc"), "values"),
        (lambda: lag_errors([1.0, 2.0, 3.0], [1.0, 2.0]), "smooth"),
        (lambda: lag_errors([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], max_lag=2), "max_lag"),
        (lambda: lag_errors([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], max_lag=-1), "max_lag"),
        (lambda: best_lag([1.0, 2.0, 3.0], [1.0, 2.0, 3.0], max_lag=1.5), "max_lag"),
        (lambda: steady_lag(1.0), "beta"),
        (lambda: steady_lag(True), "beta"),
        (lambda: ewma_weights(-0.1, 3), "beta"),
        (lambda: ewma_weights(0.5, 0), "t"),
        (lambda: weight_sum(float("nan"), 3), "beta"),
        (lambda: weight_sum(0.5, -1), "t"),
        (lambda: eplots.plot_bias_correction([1.0, 2.0], days=5), "days"),
        (lambda: eplots.plot_year([], [1.0, 2.0]), "dates"),
        (lambda: eplots.plot_tradeoff([0.5], [1.0, 2.0], [1], 3.0), "roughnesses"),
        (lambda: eplots.plot_tradeoff([0.5], [1.0], [1, 2], 3.0), "lags"),
    ],
)
def test_bad_arguments_are_named(call, name):
    with pytest.raises(ValueError, match=rf"^{name} must"):
        call()
    plt.close("all")


# ----------------------------------------------------------------------------------
# Figures and the widget
# ----------------------------------------------------------------------------------


def _labelled(ax):
    return ax.get_title() and ax.get_xlabel() and ax.get_ylabel() and ax.get_legend()


def test_plots_have_titles_labels_and_legends(temps):
    axes = [
        eplots.plot_random_days(random_temperatures()),
        eplots.plot_year(temps.dates, temps.tmean),
        eplots.plot_tradeoff([0.5, 0.9], [0.9, 0.16], [0, 3], 2.14),
        eplots.plot_weights(),
        eplots.plot_bias_correction(temps.tmean),
    ]
    assert all(_labelled(ax) for ax in axes)
    assert len(axes[1].get_lines()) == 3  # one curve per beta
    assert len(axes[4].get_lines()) == 3  # three starts
    assert axes[2].get_xscale() == "log"
    plt.close("all")


def test_ewma_figure_is_a_figure_with_a_summary(temps):
    before = plt.get_fignums()
    fig, text = ewidgets.ewma_figure(0.98, False, temps)
    assert isinstance(fig, Figure) and plt.get_fignums() == before  # not pyplot
    assert len(fig.axes) == 2 and all(_labelled(ax) for ax in fig.axes)
    assert "window 1/(1−β) = 50.0 days" in text and "bias correction off" in text
    assert "day 1 = 0.02 °C (raw 1.20)" in text  # 0.02 * 1.2 = 0.024
    assert "day 1 = 1.20 °C" in ewidgets.ewma_figure(0.98, True, temps)[1]


def test_beta_explorer_redraws_when_a_control_changes():
    panel = ewidgets.beta_explorer(beta=0.9, bias_correction=True)
    assert "window 1/(1−β) = 10.0 days" in panel.message.value
    assert "best-match lag 2 days" in panel.message.value
    panel.controls["beta"].value = 0.5
    assert "window 1/(1−β) = 2.0 days" in panel.message.value
    panel.controls["bias_correction"].value = False
    assert "bias correction off" in panel.message.value
    assert "day 1 = 0.60 °C" in panel.message.value  # 0.5 * 1.2
    assert len(panel.output.outputs) == 1
    assert repr(panel).startswith("<lrcourse widget:")


# ----------------------------------------------------------------------------------
# Exercise checkers
# ----------------------------------------------------------------------------------


def test_solutions_agree_with_the_library():
    values = random_temperatures(12, seed=3).tolist()
    assert ex.solution_ewma(values, 0.9) == pytest.approx(ewma(values, 0.9).tolist(), rel=1e-12)
    assert ex.solution_ewma([1.0, 2.0, 3.0], 0.5) == [1.0, 1.5, 2.25]
    assert ex.solution_bias_corrected(values, 0.9) == pytest.approx(
        ewma(values, 0.9, first="zero", bias_correction=True).tolist(), rel=1e-12
    )
    assert ex.solution_bias_corrected([1.0, 1.0, 1.0], 0.5) == pytest.approx([1.0, 1.0, 1.0])


def _unrolled(values, beta):
    """Another correct form: S_t = beta^(t-1) Y_1 + (1 - beta) sum_{k=2..t} beta^(t-k) Y_k."""
    out = []
    for t in range(1, len(values) + 1):
        s = beta ** (t - 1) * values[0]
        s += sum((1 - beta) * beta ** (t - k) * values[k - 1] for k in range(2, t + 1))
        out.append(s)
    return out


def test_checkers_accept_the_reference_and_other_correct_forms(capsys):
    assert ex.check_ewma(ex.solution_ewma) is True
    assert ex.check_ewma(_unrolled) is True
    assert ex.check_bias_corrected(ex.solution_bias_corrected) is True
    assert ex.check_bias_corrected(
        lambda v, b: [float(np.dot(ewma_weights(b, t), v[:t])) / (1 - b**t)
                      for t in range(1, len(v) + 1)]
    ) is True
    assert capsys.readouterr().out.count("✅") == 4


@pytest.mark.parametrize(
    ("checker", "wrong", "hint"),
    [
        (ex.check_ewma, lambda v, b: ewma(v, b, first="zero").tolist(), "S_1 = Y_1"),
        (ex.check_ewma, lambda v, b: ex._swapped(v, b), "β weighs the PAST"),
        (ex.check_ewma, lambda v, b: ex.solution_ewma(v, b)[1:], "one average per value"),
        (ex.check_ewma, lambda v, b: ex.solution_ewma(v, b)[-1], "not only the last"),
        (
            ex.check_ewma,
            lambda v, b: [v[0]] + [b * p + (1 - b) * y for p, y in zip(v, v[1:], strict=False)],
            "previous AVERAGE",
        ),
        (ex.check_ewma, lambda v, b: [0.0] * len(v), "start from [Y_1]"),
        (
            ex.check_bias_corrected,
            lambda v, b: ewma(v, b, first="zero").tolist(),
            "uncorrected",
        ),
        (
            ex.check_bias_corrected,
            lambda v, b: [s / (1 - b) for s in ewma(v, b, first="zero").tolist()],
            "not by the constant",
        ),
        (
            ex.check_bias_corrected,
            lambda v, b: [s / (1 - b**t) for t, s in enumerate(ewma(v, b).tolist(), 1)],
            "start from S_0 = 0",
        ),
    ],
)
def test_checkers_reject_typical_mistakes_with_a_hint(checker, wrong, hint, capsys):
    assert checker(wrong) is False
    out = capsys.readouterr().out
    assert "❌" in out and hint in out


def test_checkers_say_a_stub_is_not_done(capsys):
    assert ex.check_ewma(lambda values, beta: ...) is False
    assert "not done yet" in capsys.readouterr().out
    assert ex.check_bias_corrected(lambda values, beta: None) is False
    assert "not done yet" in capsys.readouterr().out
