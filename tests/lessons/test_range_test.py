"""Tests of the range-test lesson's figures, widget, the torch-lr-finder side-by-side and the exercises."""

from __future__ import annotations

import importlib.util

import matplotlib
import numpy as np
import pytest
import torch
from matplotlib.figure import Figure
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from lrcourse.exercises import show_solution
from lrcourse.exercises.range_test import (
    check_clr_bounds,
    check_lag_decades,
    loss_minimum,
    solution_clr_bounds,
    solution_lag_decades,
)
from lrcourse.lessons.range_test import compare_with_torch_lr_finder, silenced_progress_bar
from lrcourse.lr_finder import LRFinder, centred_average, lag_in_decades, smooth
from lrcourse.plots.range_test import plot_comparison, plot_range_curves, read_sweep
from lrcourse.widgets.range_test import range_test_explorer, range_test_figure

matplotlib.use("Agg")


def _make_model():
    torch.manual_seed(0)
    return nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 3))


def _make_optimizer(params):
    return torch.optim.SGD(params, lr=1e-3, momentum=0.9)


def _make_loader():
    g = torch.Generator().manual_seed(0)
    x = torch.randn(96, 4, generator=g)
    y = (x[:, 0] > 0).long() + (x[:, 1] > 0).long()
    return DataLoader(TensorDataset(x, y), batch_size=16, shuffle=True,
                      generator=torch.Generator().manual_seed(1))


SETTINGS = {"start_lr": 1e-5, "end_lr": 10.0, "num_iter": 60}


@pytest.fixture(scope="module")
def finder():
    model = _make_model()
    f = LRFinder(model, _make_optimizer(model.parameters()), nn.CrossEntropyLoss())
    f.range_test(_make_loader(), progress=False, **SETTINGS)
    return f


def test_range_test_matches_a_naive_loop_with_smoothing_and_stop(finder):
    # The lesson's hand-built test: set the rate, one step, record; smooth; stop at 5 x best.
    model = _make_model()
    opt = _make_optimizer(model.parameters())
    loader = _make_loader()  # one loader, restarted: its generator moves on each pass
    batches = (b for _ in range(100) for b in loader)
    raw, smoothed = [], []
    rates = [1e-5 * (10.0 / 1e-5) ** (i / 59) for i in range(60)]
    for lr, (x, y) in zip(rates, batches, strict=False):
        opt.param_groups[0]["lr"] = lr
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        raw.append(loss.item())
        smoothed.append(raw[-1] if len(raw) == 1 else 0.05 * raw[-1] + 0.95 * smoothed[-1])
        if smoothed[-1] > 5 * min(smoothed):
            break
    assert finder.stop_reason == "diverged" and len(raw) < 60  # the stop was exercised
    assert finder.history["raw_loss"] == raw
    assert finder.history["loss"] == pytest.approx(smoothed, rel=1e-12)


def test_plot_range_curves_draws_curves_marks_and_stop():
    fig = Figure()
    ax = fig.subplots()
    lrs = [1e-3, 1e-2, 1e-1, 1.0]
    plot_range_curves(lrs, {"a": [2.0, 1.0, float("nan")], "b": [2, 1, 1, 3]},
                      marks={"steepest": 1e-2}, stop=3, ax=ax)
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels[:2] == ["a", "b"]
    assert "stop at iteration 3" in labels and "steepest: 1.00e-02" in labels
    assert ax.get_xscale() == "log"
    assert np.isnan(ax.get_lines()[0].get_ydata()[2])


def test_plot_range_curves_rejects_bad_input():
    with pytest.raises(ValueError, match="curves"):
        plot_range_curves([1e-3], {})
    with pytest.raises(ValueError, match=r"curves\['a'\]"):
        plot_range_curves([1e-3], {"a": [1.0, 2.0]})


HAS_TORCH_LR_FINDER = importlib.util.find_spec("torch_lr_finder") is not None
needs_torch_lr_finder = pytest.mark.skipif(not HAS_TORCH_LR_FINDER,
                                           reason="torch-lr-finder is not installed")


@needs_torch_lr_finder
def test_compare_with_torch_lr_finder_agrees_and_prints_nothing(finder, capsys):
    facts = compare_with_torch_lr_finder(finder, _make_model, _make_optimizer, _make_loader,
                                         nn.CrossEntropyLoss(), **SETTINGS)
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""
    assert facts["same_rates"]
    assert facts["max_abs_difference"] == 0.0
    assert facts["steepest"][0] == facts["steepest"][1]
    assert facts["common"] == min(facts["points"])
    assert facts["ours"] is finder.history
    fig = Figure()
    plot_comparison(facts, fig.subplots())
    labels = fig.axes[0].get_legend_handles_labels()[1]
    assert {"lrcourse LRFinder", "torch-lr-finder"} <= set(labels)


@needs_torch_lr_finder
def test_the_other_packages_progress_bar_is_back_after_the_comparison(finder):
    import torch_lr_finder.lr_finder as their_module

    original = their_module.tqdm
    compare_with_torch_lr_finder(finder, _make_model, _make_optimizer, _make_loader,
                                 nn.CrossEntropyLoss(), **SETTINGS)
    assert their_module.tqdm is original

    def broken_loader():
        raise RuntimeError("no batches today")

    with pytest.raises(RuntimeError, match="no batches today"):
        compare_with_torch_lr_finder(finder, _make_model, _make_optimizer, broken_loader,
                                     nn.CrossEntropyLoss(), **SETTINGS)
    assert their_module.tqdm is original


def test_silenced_progress_bar_puts_the_original_back_even_after_an_error():
    import types

    module = types.SimpleNamespace(tqdm="the original")
    with silenced_progress_bar(module):
        bar = module.tqdm(range(3))
        assert bar.disable and list(bar) == [0, 1, 2]
    assert module.tqdm == "the original"
    with pytest.raises(KeyError), silenced_progress_bar(module):
        raise KeyError("inside")
    assert module.tqdm == "the original"


def test_compare_without_the_package_returns_none(finder, monkeypatch):
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec",
                        lambda name, *a: None if name == "torch_lr_finder" else real(name, *a))
    assert compare_with_torch_lr_finder(finder, _make_model, _make_optimizer, _make_loader,
                                        nn.CrossEntropyLoss(), **SETTINGS) is None


def test_compare_needs_a_finished_test():
    model = _make_model()
    empty = LRFinder(model, _make_optimizer(model.parameters()), nn.CrossEntropyLoss())
    with pytest.raises(ValueError, match="ours"):
        compare_with_torch_lr_finder(empty, _make_model, _make_optimizer, _make_loader,
                                     nn.CrossEntropyLoss())


def test_checker_accepts_solution_and_reasonable_readings(finder, capsys):
    base, top = finder.clr_bounds()
    assert check_clr_bounds(lambda: solution_clr_bounds(finder), finder)
    assert check_clr_bounds(lambda: (top * 1.2 / 3, top * 1.2), finder)  # a reading by eye
    assert check_clr_bounds(lambda: (top / 1.5 / 3, top / 1.5), finder)
    assert "✅" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (lambda top: ..., "not done yet"),
        (lambda top: (top / 4, top * 10), "past the loss minimum"),
        (lambda top: (top / 40, top / 10), "too low"),
        (lambda top: (top / 1.2, top), "a third to a"),
        (lambda top: (top / 20, top), "a third to a"),
        (lambda top: (top, top / 4), "swap"),
        (lambda top: top, "two numbers"),
    ],
)
def test_checker_rejects_with_a_helpful_message(finder, capsys, answer, message):
    top = finder.clr_bounds()[1]
    assert not check_clr_bounds(lambda: answer(top), finder)
    assert message in capsys.readouterr().out


def test_checker_reports_a_crashing_answer(finder, capsys):
    assert not check_clr_bounds(lambda: 1 / 0, finder)
    assert "ZeroDivisionError" in capsys.readouterr().out


def test_checker_bad_arguments():
    with pytest.raises(ValueError, match="finder"):
        check_clr_bounds(lambda: (1, 2), object())
    model = _make_model()
    f = LRFinder(model, _make_optimizer(model.parameters()), nn.CrossEntropyLoss())
    with pytest.raises(ValueError, match="tolerance"):
        check_clr_bounds(lambda: (1, 2), f, tolerance=1)


# --- the lag, the reading of a stored curve, the widget ----------------------------------------


def test_lag_in_decades_is_ema_mean_age_over_iterations_per_decade():
    # Lesson 04: an EMA with weight beta on the past trails a ramp by beta / (1 - beta) steps.
    beta, n = 0.95, 400
    ramp = list(range(n))
    s = smooth(ramp, smooth_f=1 - beta)
    assert ramp[-1] - s[-1] == pytest.approx(beta / (1 - beta), rel=1e-6)
    # 100 iterations over 8 decades: 99 / 8 per decade.
    assert lag_in_decades(0.05, 1e-7, 10.0, 100) == pytest.approx(19 / (99 / 8))
    assert lag_in_decades(0.05, 1e-5, 1.0, 300) == pytest.approx(19 / (299 / 5))
    # More iterations per decade, less lag; more smoothing, more lag.
    assert lag_in_decades(0.05, 1e-5, 1.0, 400) < lag_in_decades(0.05, 1e-5, 1.0, 300)
    assert lag_in_decades(0.02, 1e-5, 1.0, 300) > lag_in_decades(0.05, 1e-5, 1.0, 300)


@pytest.mark.parametrize("smooth_f", [0, 1, -0.1, True, "0.05"])
def test_lag_in_decades_rejects_bad_smoothing(smooth_f):
    with pytest.raises(ValueError, match="smooth_f"):
        lag_in_decades(smooth_f, 1e-5, 1.0, 300)


def test_centred_average_has_no_lag_on_a_symmetric_valley():
    y = [abs(i - 20) for i in range(41)]
    centred = centred_average(y, half_width=3)
    assert int(np.argmin(centred)) == 20  # the minimum stays where it is
    assert int(np.argmin(smooth(y, 0.2))) > 20  # the test's smoothing puts it later
    assert centred_average([1.0, 5.0], 0) == [1.0, 5.0]
    with pytest.raises(ValueError, match="half_width"):
        centred_average(y, -1)


@pytest.fixture(scope="module")
def raw_sweep():
    """A raw curve recorded without a stop (smooth_f=0, a threshold that never fires)."""
    model = _make_model()
    f = LRFinder(model, _make_optimizer(model.parameters()), nn.CrossEntropyLoss())
    f.range_test(_make_loader(), progress=False, smooth_f=0.0, diverge_th=1e300, **SETTINGS)
    return f.history["lr"], f.history["raw_loss"]


@pytest.mark.parametrize("smooth_f", [0.05, 0.2])
@pytest.mark.parametrize("rule", ["steepest", "valley", "minimum"])
def test_read_sweep_gives_what_a_new_finder_run_gives(raw_sweep, smooth_f, rule):
    model = _make_model()
    f = LRFinder(model, _make_optimizer(model.parameters()), nn.CrossEntropyLoss())
    f.range_test(_make_loader(), progress=False, smooth_f=smooth_f, **SETTINGS)
    reading = read_sweep(*raw_sweep, smooth_f=smooth_f, rule=rule)
    assert reading["points"] == len(f.history["lr"])
    assert reading["stopped"] == (f.stop_reason != "finished")
    assert reading["smoothed"] == pytest.approx(f.history["loss"], rel=1e-12)
    assert reading["suggestion"] == f.suggestion(rule)
    assert reading["per_decade"] == pytest.approx(59 / 6)
    assert reading["lag_decades"] == pytest.approx(lag_in_decades(smooth_f, 1e-5, 10.0, 60))
    assert reading["offset"] == pytest.approx(
        np.log10(reading["suggestion"] / reading["loss_minimum"]))


def test_read_sweep_rejects_bad_input(raw_sweep):
    lrs, raw = raw_sweep
    with pytest.raises(ValueError, match="rule"):
        read_sweep(lrs, raw, rule="fastest")
    with pytest.raises(ValueError, match="raw_losses"):
        read_sweep(lrs, raw[:-1])
    with pytest.raises(ValueError, match="increasing"):
        read_sweep(lrs[::-1], raw)


def test_widget_update_function_draws_and_describes(raw_sweep):
    curves = {60: raw_sweep}
    fig, text = range_test_figure(curves, 60, smooth_f=0.05, rule="valley")
    assert isinstance(fig, Figure)
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and ax.get_title() and ax.get_ylabel()
    labels = [line.get_label() for line in ax.get_lines()]
    assert labels[:2] == ["raw loss", "smoothed loss"]
    assert any(label.startswith("valley:") for label in labels)
    reading = read_sweep(*raw_sweep, rule="valley")
    assert text.startswith("60 iterations, 10 per decade; f = 0.05 lags 19 iterations")
    assert f"valley: {reading['suggestion']:.3g}" in text
    with pytest.raises(ValueError, match="num_iter"):
        range_test_figure(curves, 100)


def test_widget_panel_controls_and_repr(raw_sweep, capsys):
    panel = range_test_explorer({60: raw_sweep, 30: raw_sweep}, num_iter=60)
    assert set(panel.controls) == {"num_iter", "smooth_f", "rule"}
    assert list(panel.controls["num_iter"].options) == [30, 60]
    before = panel.message.value
    panel.controls["rule"].value = "minimum"
    assert panel.message.value != before and "minimum:" in panel.message.value
    assert repr(panel).startswith("<lrcourse widget: Range test")
    assert capsys.readouterr().out == ""  # callbacks never print


# --- exercise: predicting the lag ----------------------------------------------------------------


def test_lag_checker_accepts_the_reference_and_close_readings(capsys):
    assert solution_lag_decades == pytest.approx(lag_in_decades(0.05, 1e-7, 10.0, 100))
    assert check_lag_decades(solution_lag_decades)
    assert check_lag_decades(19 / (100 / 8))  # 12.5 per decade: close enough
    assert check_lag_decades(np.float64(1.54))
    assert check_lag_decades(torch.tensor(1.5))
    assert "✅" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (..., "not done yet"),
        (None, "not done yet"),
        (19, "in iterations"),
        (20.0, "in iterations"),
        (20 / (99 / 8), "not 1 / f = 20"),
        ((99 / 8) / 19, "upside down"),
        (0.19, "not by all 100"),
        (10 ** (19 / (99 / 8)), "factor in rate"),
        (0.05 / 0.95, "beta = 1 - f"),
        (-1.5, "positive"),
        (3.0, "lag in decades ="),
        ("1.5", "without quotes"),
        ([1.5], "give one number"),
        (True, "truth value"),
        (float("nan"), "NaN"),
        (float("inf"), "infinite"),
    ],
)
def test_lag_checker_rejects_typical_mistakes_with_a_hint(capsys, answer, message):
    assert check_lag_decades(answer) is False
    assert message in capsys.readouterr().out


def test_lag_checker_wants_a_number_not_a_function(capsys):
    assert check_lag_decades(lambda: 1.55) is False
    assert "got a function; give a number" in capsys.readouterr().out


def test_show_solution_finds_both_references(capsys):
    show_solution(check_lag_decades)
    show_solution(check_clr_bounds)
    out = capsys.readouterr().out
    assert "solution_lag_decades = 1.53" in out and "clr_bounds()" in out


# --- exercise: bounds never past the loss minimum ----------------------------------------------


def test_loss_minimum_is_lag_free_and_reference_bounds_respect_it(finder):
    lowest = loss_minimum(finder)
    assert lowest in finder.history["lr"]
    assert finder.clr_bounds()[1] <= lowest * 10**0.1


def test_clr_checker_rejects_max_lr_past_the_loss_minimum(finder, capsys):
    lowest = loss_minimum(finder)
    top = lowest * 10**0.3  # past the minimum, yet within the factor-3 tolerance
    assert finder.clr_bounds()[1] * 3 > top  # so only the new rule can reject it
    assert not check_clr_bounds(lambda: (top / 4, top), finder)
    assert "past the loss minimum" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (lambda top: None, "not done yet"),
        (lambda top: (-2.0, -1.0), "10 ** -2"),
        (lambda top: (0.0, top), "positive"),
        (lambda top: (top, top / 4), "swap"),
        (lambda top: ("0.01", "0.04"), "two numbers"),
        (lambda top: (float("nan"), top), "NaN"),
        (lambda top: (top / 4, top, top), "two numbers"),
        (lambda top: "0.01, 0.04", "two numbers"),
    ],
)
def test_clr_checker_hints_for_bad_answers(finder, capsys, answer, message):
    top = finder.clr_bounds()[1]
    assert check_clr_bounds(lambda: answer(top), finder) is False
    assert message in capsys.readouterr().out


def test_clr_checker_wants_a_function_so_it_can_limit_its_time(finder, capsys):
    base, top = solution_clr_bounds(finder)
    assert not check_clr_bounds((base, top), finder)
    assert "expected a function" in capsys.readouterr().out
