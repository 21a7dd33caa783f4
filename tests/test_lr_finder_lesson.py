"""Tests of the range-test lesson's figures, the torch-lr-finder side-by-side and the exercise."""

from __future__ import annotations

import importlib.util

import matplotlib
import numpy as np
import pytest
import torch
from matplotlib.figure import Figure
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from lrcourse.exercises.lr_finder import check_clr_bounds, solution_clr_bounds
from lrcourse.lr_finder import LRFinder
from lrcourse.plots.lr_finder import compare_with_torch_lr_finder, plot_range_curves

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


@pytest.mark.skipif(importlib.util.find_spec("torch_lr_finder") is None,
                    reason="torch-lr-finder is not installed")
def test_compare_with_torch_lr_finder_agrees_and_prints_nothing(finder, capsys):
    fig = Figure()
    facts = compare_with_torch_lr_finder(finder, _make_model, _make_optimizer, _make_loader,
                                         nn.CrossEntropyLoss(), ax=fig.subplots(), **SETTINGS)
    out = capsys.readouterr()
    assert out.out == "" and out.err == ""
    assert facts["same_rates"]
    assert facts["max_abs_difference"] == 0.0
    assert facts["steepest"][0] == facts["steepest"][1]
    assert facts["common"] == min(facts["points"])
    assert len(fig.axes[0].get_lines()) >= 2


def test_compare_needs_a_finished_test():
    model = _make_model()
    empty = LRFinder(model, _make_optimizer(model.parameters()), nn.CrossEntropyLoss())
    with pytest.raises(ValueError, match="ours"):
        compare_with_torch_lr_finder(empty, _make_model, _make_optimizer, _make_loader,
                                     nn.CrossEntropyLoss())


def test_checker_accepts_solution_and_reasonable_readings(finder, capsys):
    base, top = finder.clr_bounds()
    assert check_clr_bounds(lambda: solution_clr_bounds(finder), finder)
    assert check_clr_bounds(lambda: (top * 1.5 / 3, top * 1.5), finder)
    assert "✅" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("answer", "message"),
    [
        (lambda top: ..., "not done yet"),
        (lambda top: (top / 4, top * 10), "too high"),
        (lambda top: (top / 40, top / 10), "too low"),
        (lambda top: (top / 1.2, top), "a third to a"),
        (lambda top: (top / 20, top), "a third to a"),
        (lambda top: (top, top / 4), "0 < base_lr < max_lr"),
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
