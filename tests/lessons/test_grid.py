"""Tests of the optimizer x learning-rate lesson: steps to target, plots, widget, exercises, grid vs PBT."""

from __future__ import annotations

import math

import matplotlib
import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from lrcourse.exercises.grid import (  # noqa: E402
    check_fastest_rate,
    check_pbt_copies,
    check_rate_choice,
    solution_fastest_rate,
    solution_pbt_copies,
    solution_rate_choice,
)
from lrcourse.lessons.grid import (  # noqa: E402
    best_rate,
    best_runs,
    describe_run,  # noqa: E402
    fastest_slowest,
    largest_drop,
    linear_fit,
    optimizers_of,
    rates_of,
    spread,
    steps_matrix,
    steps_to_target,
    successful_band,
)
from lrcourse.models import digits_cnn  # noqa: E402
from lrcourse.plots.grid import (  # noqa: E402
    curves_plot,
    fastest_slowest_plot,
    pbt_rates_plot,
    size_plot,
    valley_plot,
)
from lrcourse.sweep import (  # noqa: E402
    Curves,
    Member,
    Run,
    SweepResult,
    grid_members,
    grid_vs_pbt,
    pbt,
    train_many,
)
from lrcourse.widgets.grid import find_run, sweep_explorer, sweep_view  # noqa: E402


def _run(opt: str, lr: float, status: str, stopped_at: int, curves: bool = False) -> Run:
    c = None
    if curves:
        c = Curves(step=[0, 10], loss=[2.3, 1.0], train_accuracy=[0.1, 0.6],
                   val_accuracy=[0.1, 0.5])
    return Run(opt, lr, status, stopped_at if status == "reached" else None, stopped_at, 0.0,
               0.5, 0.97 if status == "reached" else 0.2, 0.9, Member(opt, lr), c)


# A tiny hand-made sweep: two optimizers, four rates, every outcome.
#            1e-3      1e-2      1e-1       1
#   SGD      capped    400       150        diverged@3
#   Adam     300       90        diverged@7 diverged@2
ROWS = [
    _run("SGD", 1e-3, "capped", 1000, True), _run("SGD", 1e-2, "reached", 400, True),
    _run("SGD", 1e-1, "reached", 150, True), _run("SGD", 1.0, "diverged", 3, True),
    _run("Adam", 1e-3, "reached", 300, True), _run("Adam", 1e-2, "reached", 90, True),
    _run("Adam", 1e-1, "diverged", 7, True), _run("Adam", 1.0, "diverged", 2, True),
]
RESULT = SweepResult(ROWS, 0.0, sum(r.stopped_at for r in ROWS), 0.97, 1000)


def _digits(n: int = 240):
    from sklearn.datasets import load_digits

    d = load_digits()
    x = torch.tensor(d.data[:n], dtype=torch.float32).view(-1, 1, 8, 8)
    x = (x - x.mean()) / x.std()
    return x, torch.tensor(d.target[:n], dtype=torch.int64)


# ------------------------------------------------------------------ steps to target


def test_steps_to_target_lists_rates_in_order_with_steps_and_statuses():
    shuffled = SweepResult(ROWS[::-1], 0.0, 0, 0.97, 1000)
    assert steps_to_target(shuffled, "SGD") == ([1e-3, 1e-2, 1e-1, 1.0], [None, 400, 150, None],
                                       ["capped", "reached", "reached", "diverged"])


def test_steps_matrix_marks_failures_as_nan():
    names, rates, steps = steps_matrix(RESULT)
    assert names == ["SGD", "Adam"] and rates == [1e-3, 1e-2, 1e-1, 1.0]
    expected = np.array([[np.nan, 400, 150, np.nan], [300, 90, np.nan, np.nan]])
    np.testing.assert_array_equal(steps, expected)


def test_best_rate_ignores_runs_that_stopped_early_by_diverging():
    assert best_rate(RESULT, "SGD") == 0.1
    assert best_rate(RESULT, "Adam") == 0.01
    assert {k: v.steps for k, v in best_runs(RESULT).items()} == {"SGD": 150, "Adam": 90}
    only_failures = SweepResult([_run("SGD", 0.1, "capped", 1000)], 0.0, 1000, 0.97, 1000)
    assert best_rate(only_failures, "SGD") is None


def test_band_and_spread_by_hand():
    assert successful_band(RESULT, "SGD") == (1e-2, 1e-1)
    assert successful_band(RESULT, "Adam") == (1e-3, 1e-2)
    assert spread(RESULT, "SGD") == pytest.approx(400 / 150)
    assert spread(RESULT) == pytest.approx(400 / 90)


def test_fastest_and_slowest_per_rate_by_hand():
    table = {e.lr: e for e in fastest_slowest(RESULT)}
    assert (table[1e-3].fastest, table[1e-3].fastest_steps) == ("Adam", 300)
    assert (table[1e-3].slowest, table[1e-3].slowest_status) == ("SGD", "capped")
    assert (table[1e-2].fastest, table[1e-2].slowest, table[1e-2].slowest_steps) == \
        ("Adam", "SGD", 400)
    assert (table[1e-1].fastest, table[1e-1].slowest) == ("SGD", "Adam")
    assert table[1.0].fastest is None and table[1.0].n_reached == 0


def test_linear_fit_matches_numpy_polyfit_and_r2_definition():
    rng = np.random.default_rng(3)
    x = rng.uniform(0, 100, 12)
    y = 4.0 + 0.3 * x + rng.normal(0, 2, 12)
    fit = linear_fit(x, y)
    k, c = np.polyfit(x, y, 1)
    assert fit.k == pytest.approx(k) and fit.c == pytest.approx(c)
    r = np.corrcoef(x, y)[0, 1]
    assert fit.r2 == pytest.approx(r**2)  # for a line fit, R^2 is the squared correlation
    assert fit(10.0) == pytest.approx(c + 10 * k)


def test_largest_drop_by_hand_and_against_a_naive_loop():
    assert largest_drop([0.1, 0.8, 0.6, 0.9, 0.85]) == pytest.approx(0.2)
    assert largest_drop([0.1, 0.2, 0.3]) == 0.0
    rng = np.random.default_rng(0)
    for _ in range(20):
        v = rng.uniform(0, 1, 15).tolist()
        naive = max(max(v[: i + 1]) - v[i] for i in range(len(v)))
        assert largest_drop(v) == pytest.approx(naive)
    with pytest.raises(ValueError, match="values"):
        largest_drop([])


@given(st.floats(-50, 50), st.floats(-5, 5),
       st.lists(st.integers(-100, 100), min_size=2, max_size=10, unique=True))
def test_linear_fit_recovers_an_exact_line(c, k, xs):
    fit = linear_fit(xs, [c + k * x for x in xs])
    assert fit.k == pytest.approx(k, abs=1e-6) and fit.c == pytest.approx(c, abs=1e-5)


@pytest.mark.parametrize("call, name", [
    (lambda: linear_fit([1, 2], [1]), "x and y"),
    (lambda: linear_fit([1, 1, 1], [1, 2, 3]), "x must"),
    (lambda: linear_fit([1, np.nan], [1, 2]), "x and y"),
    (lambda: steps_to_target(RESULT, "Adadelta"), "optimizer"),
    (lambda: best_rate("table", "SGD"), "result"),
    (lambda: steps_matrix(RESULT, ["SGD", "nag"]), "optimizer"),
])
def test_bad_input_raises_value_error_naming_the_argument(call, name):
    with pytest.raises(ValueError, match=name):
        call()


def test_valleys_on_a_real_sweep_agree_with_its_rows():
    x, y = _digits()
    result = train_many(lambda: digits_cnn(seed=0), grid_members(["SGD", "Adam"], [0.01, 0.1, 10.0]),
                        x, y, target_accuracy=0.9, max_steps=150, progress=False)
    assert optimizers_of(result) == ["SGD", "Adam"] and rates_of(result) == [0.01, 0.1, 10.0]
    for e in fastest_slowest(result):
        runs = [r for r in result.rows if r.lr == e.lr]
        reached = [r.steps for r in runs if r.status == "reached"]
        assert e.fastest_steps == (min(reached) if reached else None)
        assert e.n_reached == len(reached)


# ------------------------------------------------------------------ plots


def test_valley_plot_draws_one_line_per_optimizer_and_the_cap():
    ax = valley_plot(RESULT)
    assert len(ax.lines) == 3
    assert ax.get_xscale() == "log" and ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
    # failures are markers at the cap: SGD capped+diverged, Adam diverged (2 rates)
    assert sum(len(c.get_offsets()) for c in ax.collections) == 4
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), [300, 90, np.nan, np.nan])
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts == ["SGD", "Adam", "step cap (1000)", "hit the cap", "diverged"]
    # a second sweep on the same axes: its line joins the legend, the cap line only once
    valley_plot(RESULT, ["SGD"], ax=ax, labels={"SGD": "SGD again"})
    texts = [t.get_text() for t in ax.get_legend().get_texts()]
    assert texts.count("step cap (1000)") == 1 and "SGD again" in texts
    plt.close("all")


def test_fastest_slowest_plot_draws_three_lines():
    ax = fastest_slowest_plot(RESULT)
    assert len(ax.lines) == 3 and ax.get_xscale() == "log"
    np.testing.assert_array_equal(ax.lines[1].get_ydata(), [1000, 400, 1000, 1000])
    # one scatter per optimizer that is fastest somewhere: Adam (1e-3, 1e-2), SGD (1e-1)
    assert [len(c.get_offsets()) for c in ax.collections] == [2, 1]
    plt.close("all")


def test_curves_size_and_pbt_plots_count_their_lines():
    assert len(curves_plot(ROWS[:3]).lines) == 3
    assert len(curves_plot([_run("SGD", 1.0, "capped", 5)]).lines) == 0
    fit = linear_fit([1, 2, 4], [3, 5, 9])
    assert len(size_plot([1, 2, 4], {"a": [3, 5, 9], "b": [4, np.nan, 8]}, fit=fit).lines) == 3
    with pytest.raises(ValueError, match="metric"):
        curves_plot(ROWS, metric="accuracy")
    plt.close("all")


# ------------------------------------------------------------------ widget


def test_sweep_view_returns_a_figure_and_describes_the_chosen_run():
    fig, text = sweep_view(RESULT, "Adam", 0.012)  # nearest rate on a log scale: 0.01
    assert isinstance(fig, Figure)
    left, right = fig.axes
    assert len(left.lines) == 3  # Adam's valley, the cap line, the chosen rate
    assert "Adam" in text and "0.01" in text and "90 steps" in text
    # training and validation curves plus the target line
    assert len(right.lines) == 3
    assert list(right.lines[0].get_xdata()) == [0, 10, 90]  # recorded steps, then the stop


def test_sweep_view_of_a_diverged_run_says_so():
    _, text = sweep_view(RESULT, "SGD", 1.0)
    assert "diverged at step 3" in text
    assert "cap of 1000" in describe_run(ROWS[0], 0.97)


def test_find_run_picks_the_nearest_rate_on_a_log_scale():
    assert find_run(RESULT, "SGD", 0.03).lr == 0.01  # log-distance 0.48 vs 0.52
    with pytest.raises(ValueError, match="optimizer"):
        find_run(RESULT, "Adagrad", 0.1)
    with pytest.raises(ValueError, match="lr"):
        find_run(RESULT, "SGD", -1.0)


def test_sweep_explorer_redraws_when_a_control_changes():
    panel = sweep_explorer(RESULT, "SGD", 0.1)
    assert "SGD with lr 0.1" in panel.message.value
    panel.controls["optimizer"].value = "Adam"
    assert "Adam with lr 0.1" in panel.message.value and "diverged" in panel.message.value
    panel.controls["lr"].value = 0.01
    assert "90 steps" in panel.message.value
    with pytest.raises(ValueError, match="optimizer"):
        sweep_explorer(RESULT, "nag")
    plt.close("all")


# ------------------------------------------------------------------ exercises


def test_fastest_rate_checker_accepts_the_reference(capsys):
    assert check_fastest_rate(solution_fastest_rate)
    assert "✅" in capsys.readouterr().out


@pytest.mark.parametrize("wrong, hint", [
    (lambda res, opt: min((r for r in res.rows if r.optimizer == opt),
                          key=lambda r: r.stopped_at).lr, "diverged"),
    (lambda res, opt: min((r for r in res.rows if r.status == "reached"),
                          key=lambda r: r.steps).lr, "optimizer asked for"),
    (lambda res, opt: min(r.steps for r in res.rows
                          if r.optimizer == opt and r.status == "reached"), "learning rate"),
    (lambda res, opt: ..., "not done yet"),
])
def test_fastest_rate_checker_rejects_typical_mistakes(wrong, hint, capsys):
    assert not check_fastest_rate(wrong)
    assert hint in capsys.readouterr().out


def test_rate_choice_checker(capsys):
    assert solution_rate_choice(RESULT, ["SGD", "Adam"], 400) == [0.01]
    assert check_rate_choice(RESULT, ["SGD", "Adam"], 0.01, 400)
    assert "✅" in capsys.readouterr().out
    assert not check_rate_choice(RESULT, ["SGD", "Adam"], 0.1, 400)
    assert "Adam diverged" in capsys.readouterr().out
    assert not check_rate_choice(RESULT, ["SGD", "Adam"], 0.01, 300)
    assert "SGD needed 400 steps" in capsys.readouterr().out
    assert not check_rate_choice(RESULT, ["SGD"], 0.05, 400)
    assert "not one of the sweep's rates" in capsys.readouterr().out
    assert not check_rate_choice(RESULT, ["SGD"], ..., 400)
    assert "not done yet" in capsys.readouterr().out
    with pytest.raises(ValueError, match="optimizers"):
        check_rate_choice(RESULT, ["nag"], 0.01, 400)
    with pytest.raises(ValueError, match="max_steps"):
        check_rate_choice(RESULT, ["SGD"], 0.01, 0)


# ------------------------------------------------------------------ grid vs PBT


def test_grid_vs_pbt_spends_equal_compute_and_the_grid_equals_a_plain_sweep():
    x, y = _digits(300)
    xt, yt, xv, yv = x[:240], y[:240], x[240:], y[240:]
    members = grid_members(["SGD", "Adam"], [1e-4, 1e-3, 1e-2, 1e-1, 0.3])
    common = dict(steps=40, ready_every=10, batch_size=32, seed=1, progress=False)
    grid_result, pbt_result = grid_vs_pbt(lambda: digits_cnn(seed=0), members,
                                          xt, yt, xv, yv, **common)
    # The grid half is train_many without early stopping, on the same batches.
    plain = train_many(lambda: digits_cnn(seed=0), members, xt, yt, xv, yv, batch_size=32,
                       target_accuracy=None, max_steps=40, seed=1, progress=False)
    assert grid_result.column("val_accuracy") == plain.column("val_accuracy")
    assert grid_result.column("status") == plain.column("status")
    # Equal budgets: PBT trains every member 40 steps; the grid too, except that a
    # diverged member stops early and spends less (here the largest rates diverge).
    assert pbt_result.member_steps == len(members) * 40
    assert grid_result.member_steps == sum(grid_result.column("stopped_at"))
    for run in grid_result.rows:
        assert run.stopped_at == 40 or (run.status == "diverged" and run.stopped_at < 40)
    assert "diverged" in grid_result.column("status")
    assert grid_result.member_steps < pbt_result.member_steps
    # PBT copied at steps 10, 20, 30: the 2 worst of 10 each time (fraction 0.2).
    assert pbt_result.ready_steps == [10, 20, 30]
    assert len(pbt_result.events) == 3 * 2
    # Replay the rates: a copier takes its source's rate (as it was before this round's
    # copies) times 0.8 or 1.2; a source is never a copier in the same round.
    rates = [m.lr for m in members]
    for ready in pbt_result.ready_steps:
        round_events = [e for e in pbt_result.events if e[0] == ready]
        copiers = {slot for _, slot, _, _ in round_events}
        before = list(rates)
        for _, slot, source, new_lr in round_events:
            assert source not in copiers
            assert any(math.isclose(new_lr, before[source] * f) for f in (0.8, 1.2))
            rates[slot] = new_lr
        assert [h[pbt_result.ready_steps.index(ready)] for h in pbt_result.lr_history] == \
            pytest.approx(rates)
    assert [m.lr for m in pbt_result.members] == pytest.approx(rates)
    ax = pbt_rates_plot(pbt_result)
    assert len(ax.lines) == len(members) and ax.get_yscale() == "log"
    plt.close("all")
    # Its best member is at least as good as the final val accuracy of some slot.
    best = pbt_result.best().val_accuracy
    assert best == max(pbt_result.rows, key=lambda r: r.val_accuracy).val_accuracy
    # Same seed, same everything: the comparison is reproducible.
    again = grid_vs_pbt(lambda: digits_cnn(seed=0), members, xt, yt, xv, yv, **common)
    assert again[1].events == pbt_result.events
    assert again[0].column("final_loss") == grid_result.column("final_loss")


def test_pbt_copies_prediction_matches_a_real_pbt_run(capsys):
    # The lesson's settings (10 Adam members, every 25 steps, 300 steps) on a tiny model.
    from lrcourse.models import digits_mlp

    x, y = _digits(64)
    members = grid_members(["Adam"], np.logspace(-5, -1, 10).tolist())
    result = pbt(lambda: digits_mlp(hidden=4, seed=0), members, x.view(-1, 64), y,
                 steps=300, ready_every=25, batch_size=16, progress=False)
    assert result.ready_steps == list(range(25, 300, 25))
    assert len(result.events) == solution_pbt_copies == 22
    assert check_pbt_copies(len(result.events))
    assert "✅" in capsys.readouterr().out
    assert not check_pbt_copies(...)
    assert "not done yet" in capsys.readouterr().out
    for wrong, hint in [(24, "no round after step 300"), (11, "count copies, not rounds"),
                        (12, "not 1"), (44, "only the bottom 20%"), (48, "not 4"),
                        (26, "not at step 0"), (30, "count the rounds")]:
        assert not check_pbt_copies(wrong)
        out = capsys.readouterr().out
        assert "❌" in out and hint in out, (wrong, out)


def test_sweep_explorer_refuses_a_rate_outside_the_sweep_and_names_its_range():
    low, high = min(r.lr for r in ROWS), max(r.lr for r in ROWS)
    for lr in (high * 10, low / 10, float("nan"), "0.1"):
        with pytest.raises(ValueError, match=rf"^lr must be a number in \[{low:g}, {high:g}\], got "):
            sweep_explorer(RESULT, "SGD", lr)
    with pytest.raises(ValueError, match=r"^optimizer must be one of \('SGD', 'Adam'\), got 'nag'$"):
        sweep_explorer(RESULT, "nag")
    with pytest.raises(ValueError, match=r"^result must be a SweepResult, got list$"):
        sweep_explorer([], "SGD")
