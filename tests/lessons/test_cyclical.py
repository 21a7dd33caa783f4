"""Tests of the cyclical-learning-rate lesson's helpers, figure, widget and exercise."""

from __future__ import annotations

import math

import matplotlib
import pytest
import torch
from matplotlib.figure import Figure
from torch.optim.lr_scheduler import CyclicLR

from lrcourse.exercises.cyclical import (
    check_triangular2_230,
    check_triangular_lr,
    solution_triangular2_230,
    solution_triangular_lr,
)
from lrcourse.lessons.cyclical import max_cyclic_difference, steps_to_accuracy, torch_cyclic_values
from lrcourse.schedules import cyclical_lr, torch_schedule_values
from lrcourse.train import History
from lrcourse.widgets.cyclical import clr_explorer, clr_figure

matplotlib.use("Agg")


def test_course_plot_numbers_by_hand():
    # The syllabus example: min 1e-4, max 1e-3, step 100 -> full cycle 200 iterations.
    values = [solution_triangular_lr(t, 1e-4, 1e-3, 100) for t in (0, 50, 100, 150, 200)]
    assert values == pytest.approx([1e-4, 5.5e-4, 1e-3, 5.5e-4, 1e-4], rel=1e-12)


def test_torch_cyclic_values_match_a_naive_cycliclr_loop():
    w = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([w], lr=1e-3)
    sched = CyclicLR(opt, 1e-3, 1e-2, step_size_up=5, mode="triangular2", cycle_momentum=False)
    expected = []
    for _ in range(30):
        expected.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    assert torch_cyclic_values(30, 1e-3, 1e-2, 5, mode="triangular2") == pytest.approx(
        expected, rel=0, abs=0
    )


@pytest.mark.parametrize(("mode", "gamma"), [("triangular", 1.0), ("triangular2", 1.0),
                                             ("exp_range", 0.998)])
def test_ours_equals_cycliclr_for_every_policy(mode, gamma):
    assert max_cyclic_difference(800, 1e-4, 1e-3, 100, mode=mode, gamma=gamma) < 1e-15


def test_difference_detects_a_different_schedule():
    # triangular2 differs from triangular from the second cycle on: the helper must see it.
    ours = [cyclical_lr(t, 1e-4, 1e-3, 100) for t in range(400)]
    theirs = torch_cyclic_values(400, 1e-4, 1e-3, 100, mode="triangular2")
    assert max(abs(a - b) for a, b in zip(ours, theirs, strict=True)) == pytest.approx(4.5e-4)


def test_bad_mode_named():
    with pytest.raises(ValueError, match="mode"):
        max_cyclic_difference(10, 1e-4, 1e-3, 5, mode="cosine")
    with pytest.raises(ValueError, match="step_size"):
        torch_cyclic_values(10, 1e-4, 1e-3, 0)


def test_steps_to_accuracy():
    assert steps_to_accuracy([4, 8, 12], [0.5, 0.91, 0.95], 0.9) == 8
    assert steps_to_accuracy([4, 8, 12], [0.5, 0.91, 0.95], 0.95) == 12
    assert steps_to_accuracy([4, 8], [0.5, float("nan")], 0.4) == 4
    assert steps_to_accuracy([4, 8], [0.5, 0.6], 0.99) is None


@pytest.mark.parametrize("target", [0, 1.5, -0.1, True, "0.9"])
def test_steps_to_accuracy_bad_target(target):
    with pytest.raises(ValueError, match="target"):
        steps_to_accuracy([1], [0.5], target)


def test_steps_to_accuracy_length_mismatch():
    with pytest.raises(ValueError, match="accuracies must have 2 entries, one per step"):
        steps_to_accuracy([1, 2], [0.5], 0.5)


def test_widget_update_function_and_repr():
    fig, text = clr_figure("triangular2", 1e-4, 1e-3, 50, steps=400)
    assert isinstance(fig, Figure)
    assert text.startswith("triangular2: cycle = 100 iterations, 4 cycles in 400")
    line = fig.axes[0].get_lines()[0]
    assert max(line.get_ydata()) == pytest.approx(1e-3)
    assert fig.axes[0].get_yscale() == "log"
    fig, text = clr_figure("triangular", 1e-3, 1e-4, 50)
    assert "below base_lr" in text
    panel = clr_explorer()
    assert repr(panel) == "<lrcourse widget: Cyclical learning rate>"
    panel.controls["step_size"].value = 200
    assert "cycle = 400 iterations" in panel.message.value


def test_plot_accuracy_race_draws_each_run():
    from lrcourse.plots.cyclical import plot_accuracy_race

    h = History(val_accuracy=[0.5, 0.9], val_step=[10, 20])
    fig = Figure()
    ax = plot_accuracy_race({"a": h, "b": h}, targets=[0.9], ax=fig.subplots())
    assert [ln.get_label() for ln in ax.get_lines()[:2]] == ["a", "b"]
    assert list(ax.get_lines()[0].get_ydata()) == [50, 90]
    with pytest.raises(ValueError, match="runs"):
        plot_accuracy_race({})


def test_checker_accepts_solution_and_rejects_mistakes(capsys):
    assert check_triangular_lr(solution_triangular_lr)
    assert not check_triangular_lr(lambda t, b, m, s: ...)
    assert "not done yet" in capsys.readouterr().out
    assert not check_triangular_lr(lambda t, b, m, s: solution_triangular_lr(t, b, m, 2 * s))
    assert "half a cycle" in capsys.readouterr().out
    no_abs = lambda t, b, m, s: b + (m - b) * max(  # noqa: E731
        0, 1 - (t / s - 2 * math.floor(1 + t / (2 * s)) + 1)
    )
    assert not check_triangular_lr(no_abs)
    assert "absolute value" in capsys.readouterr().out


def test_triangular2_230_prediction(capsys):
    ours = cyclical_lr(230, base_lr=1e-3, max_lr=5e-3, step_size=46, mode="triangular2")
    theirs = torch_schedule_values(
        lambda o: CyclicLR(o, base_lr=1e-3, max_lr=5e-3, step_size_up=46, mode="triangular2",
                           cycle_momentum=False), 231, lr=1e-3)[230]
    assert ours == pytest.approx(solution_triangular2_230, rel=1e-12)
    assert theirs == pytest.approx(solution_triangular2_230, rel=1e-9)
    assert check_triangular2_230(theirs)
    assert "✅" in capsys.readouterr().out
    assert not check_triangular2_230(...)
    assert "not done yet" in capsys.readouterr().out
    wrongs = [(cyclical_lr(230, base_lr=1e-3, max_lr=5e-3, step_size=46), "triangular rate"),
              (cyclical_lr(138, base_lr=1e-3, max_lr=5e-3, step_size=46, mode="triangular2"),
               "THIRD cycle"),
              (1e-3 + 4e-3 / 8, "not 1/8"), (5e-3 / 4, "not max_lr itself"),
              (cyclical_lr(230, base_lr=1e-3, max_lr=5e-3, step_size=23, mode="triangular2"),
               "at a peak"),
              (4e-3, "find the cycle")]
    for wrong, hint in wrongs:
        assert not check_triangular2_230(wrong)
        out = capsys.readouterr().out
        assert "❌" in out and hint in out, (wrong, out)


# ----------------------------------------------------------------------------------
# One-cycle
# ----------------------------------------------------------------------------------


def test_torch_one_cycle_values_match_a_naive_onecyclelr_loop():
    from torch.optim.lr_scheduler import OneCycleLR

    from lrcourse.lessons.cyclical import torch_one_cycle_values

    w = torch.zeros(1, requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.5, momentum=0.9)
    sched = OneCycleLR(opt, max_lr=0.3, total_steps=50, three_phase=True)
    rates, momenta = [], []
    for _ in range(50):
        rates.append(opt.param_groups[0]["lr"])
        momenta.append(opt.param_groups[0]["momentum"])
        opt.step()
        sched.step()
    assert torch_one_cycle_values(50, 0.3, three_phase=True) == (rates, momenta)
    with pytest.raises(ValueError, match="pct_start"):
        torch_one_cycle_values(10, 0.1, pct_start=0.1)  # PyTorch would divide by zero


@pytest.mark.parametrize("strategy", ["cos", "linear"])
@pytest.mark.parametrize("three_phase", [False, True])
def test_ours_equals_onecyclelr_in_rate_and_momentum(strategy, three_phase):
    from lrcourse.lessons.cyclical import max_one_cycle_difference

    lr_gap, momentum_gap = max_one_cycle_difference(1000, 0.2, anneal_strategy=strategy,
                                                    three_phase=three_phase)
    assert lr_gap <= 1e-12 and momentum_gap <= 1e-12


def test_one_cycle_difference_detects_another_schedule(monkeypatch):
    import lrcourse.lessons.cyclical as C
    from lrcourse.schedules import one_cycle_lr

    # a one-cycle peaking a step late must show up as a difference
    monkeypatch.setattr(C, "one_cycle_lr",
                        lambda t, max_lr, total_steps, **kw: one_cycle_lr(
                            max(t - 1, 0), max_lr, total_steps, **kw))
    assert C.max_one_cycle_difference(100, 0.1)[0] > 1e-3


def test_digits_range_test_restores_the_model_and_gives_bounds():
    from lrcourse.lessons.cyclical import digits_range_test
    from lrcourse.models import digits_mlp

    finder = digits_range_test(seed=0, num_iter=60)
    assert len(finder.history["lr"]) <= 60
    assert finder.history["lr"][0] == pytest.approx(1e-4)
    base, top = finder.clr_bounds()
    assert base == pytest.approx(top / 4) and 1e-3 < top < 10
    fresh = digits_mlp(hidden=64, depth=2, seed=0)
    for a, b in zip(finder.model.parameters(), fresh.parameters(), strict=True):
        assert torch.equal(a, b)  # restored: the weights a training would start from


def test_one_cycle_runs_keys_and_rates():
    from lrcourse.lessons.cyclical import one_cycle_runs
    from lrcourse.schedules import one_cycle_lr, schedule_values

    runs = one_cycle_runs([0.05, 0.2], seeds=[0], epochs=1)
    assert sorted(runs) == [(0.05, 0), (0.2, 0)]
    assert runs[0.05, 0].lr == pytest.approx(
        schedule_values(one_cycle_lr, 23, max_lr=0.05, total_steps=23), rel=1e-12)
    with pytest.raises(ValueError, match=r"max_lrs\[0\]"):
        one_cycle_runs([-1.0])


def test_one_cycle_figures():
    from lrcourse.plots.cyclical import plot_max_lr_runs, plot_one_cycle

    axes = plot_one_cycle(0.1, 200, Figure().subplots(2, 1))
    lines = axes[0].get_lines()
    assert len(lines) == 3 and axes[0].get_yscale() == "log"
    assert max(lines[0].get_ydata()) == pytest.approx(0.1)  # the CLR triangle's top
    assert min(lines[1].get_ydata()) == pytest.approx(0.1 / 25 / 1e4)
    assert min(axes[1].get_lines()[1].get_ydata()) == pytest.approx(0.85)
    h = History(train_loss=[0.5], val_accuracy=[0.9])
    diverged = History(diverged=True)
    ax = plot_max_lr_runs({(0.01, 0): h, (0.1, 0): h, (1.0, 0): diverged},
                          marks={"range test": 0.1}, ax=Figure().subplots())
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    ys = list(ax.get_lines()[0].get_ydata())
    assert ys[:2] == [0.5, 0.5] and math.isnan(ys[2])


def test_one_cycle_64_prediction(capsys):
    from torch.optim.lr_scheduler import OneCycleLR

    from lrcourse.exercises.cyclical import check_one_cycle_64, solution_one_cycle_64

    rate = torch_schedule_values(lambda o: OneCycleLR(o, max_lr=0.1, total_steps=100), 65)[64]
    assert rate == pytest.approx(solution_one_cycle_64, rel=1e-12)
    assert check_one_cycle_64(rate)
    assert "✅" in capsys.readouterr().out
    assert not check_one_cycle_64(...)
    assert "not done yet" in capsys.readouterr().out
    from lrcourse.schedules import cosine_lr

    # the descent as a CosineAnnealingLR from the peak to 0.1 / 25 / 1e4, its ends one off
    peak_at_30 = cosine_lr(64 - 30, 0.1, total_steps=99 - 30, min_lr=4e-7)
    end_at_100 = cosine_lr(64 - 29, 0.1, total_steps=100 - 29, min_lr=4e-7)
    assert cosine_lr(64 - 29, 0.1, total_steps=99 - 29, min_lr=4e-7) == pytest.approx(rate)
    wrongs = [(peak_at_30, "counted from 0"), (end_at_100, "counted from 0"),
              (0.052, "not to max_lr / 25"),
              (torch_schedule_values(lambda o: OneCycleLR(o, max_lr=0.1, total_steps=100,
                                                          three_phase=True), 65)[64],
               "three_phase=False"),
              (0.1, "find where step 64 lies")]
    for wrong, hint in wrongs:
        assert not check_one_cycle_64(wrong)
        out = capsys.readouterr().out
        assert "❌" in out and hint in out, (wrong, out)
