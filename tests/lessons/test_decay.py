"""Tests of the schedule and warmup lessons' code: lrcourse.lessons.decay, the schedule
figures, the schedule designer widget and the exercises, against torch schedulers,
torch.optim.Adagrad, hand arithmetic and naive loops."""

from __future__ import annotations

import math
import warnings

import matplotlib

matplotlib.use("Agg")

import pytest
import torch
from matplotlib.figure import Figure
from torch.optim import lr_scheduler as L

from lrcourse import schedules as S
from lrcourse.exercises import decay as E
from lrcourse.lessons import decay as A
from lrcourse.plots import decay as PD
from lrcourse.widgets import decay as WS

# ----------------------------------------------------------------------------------
# The toy problem
# ----------------------------------------------------------------------------------


def test_toy_run_records_the_course_step_schedule_rates():
    run = A.toy_run(lambda opt: L.StepLR(opt, step_size=50, gamma=0.5))
    assert len(run.lr) == 200 and len(run.loss) == 2000 and len(run.w) == 2001
    assert run.lr == [S.step_lr(t, 0.1, 50, 0.5) for t in range(200)]
    assert run.lr[49] == 0.1 and run.lr[50] == 0.05 and run.lr[199] == 0.0125


def test_toy_run_matches_a_naive_momentum_loop():
    # PyTorch SGD momentum: v = mu v + g, w = w - lr v; loss w^2/2 has gradient w.
    run = A.toy_run(lambda opt: L.MultiStepLR(opt, [50, 125, 160], 0.5), epochs=60)
    w, v = 1.0, 0.0
    for epoch in range(60):
        lr = S.multistep_lr(epoch, 0.1, [50, 125, 160], 0.5)
        for _ in range(10):
            g = w
            v = 0.9 * v + g
            w = w - lr * v
    assert math.isclose(run.final_w, w, rel_tol=1e-9, abs_tol=1e-300)


def test_toy_run_is_fresh_every_call():
    make = lambda opt: L.ExponentialLR(opt, 0.95)  # noqa: E731
    assert A.toy_run(make, epochs=20, noise=1.0, seed=3) == A.toy_run(make, epochs=20, noise=1.0,
                                                                     seed=3)


def test_noise_keeps_a_constant_rate_jittering_and_decay_calms_it():
    const = A.toy_run(None, noise=1.0)
    decayed = A.toy_run(lambda opt: L.ExponentialLR(opt, 0.95), noise=1.0)
    rms = lambda run: math.sqrt(sum(v * v for v in run.w[-100:]) / 100)  # noqa: E731
    assert rms(const) > 10 * rms(decayed)


def test_rates_by_stepping_uses_the_scheduler_up():
    w = torch.tensor([1.0], requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.1, momentum=0.9)
    sched = L.StepLR(opt, step_size=50, gamma=0.5)
    curve = A.rates_by_stepping(opt, sched, 200)
    assert curve == S.schedule_values(S.step_lr, 200, base_lr=0.1, step_size=50, gamma=0.5)
    assert float(w.detach()) == 1.0  # no gradient, so plotting did not move the weight
    run = A.toy_train(w, opt, sched, epochs=10)
    assert run.lr == [0.00625] * 10  # trained at the rate after the curve's end
    assert A.toy_run(lambda o: L.StepLR(o, 50, 0.5), epochs=10).lr == [0.1] * 10


def test_toy_train_refuses_bad_input():
    w = torch.tensor([1.0], requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.1)
    other = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    with pytest.raises(ValueError, match="epochs"):
        A.toy_train(w, opt, epochs=0)
    with pytest.raises(ValueError, match="noise"):
        A.toy_train(w, opt, noise=-1.0)
    with pytest.raises(ValueError, match="scheduler"):
        A.toy_train(w, opt, L.StepLR(other, 1))
    with pytest.raises(ValueError, match="w must"):
        A.toy_train(torch.zeros(2, requires_grad=True), opt)
    with pytest.raises(ValueError, match="lr"):
        A.toy_run(lr=float("nan"))
    with pytest.raises(ValueError, match="epochs"):
        A.rates_by_stepping(opt, L.StepLR(opt, 1), 0)


# ----------------------------------------------------------------------------------
# The saddle and Adagrad
# ----------------------------------------------------------------------------------


def test_saddle_escape_hand_arithmetic():
    # Near the saddle y grows by (1 + lr) per step: 1e-3 * 1.1^k >= 0.5 needs k >= 65.2,
    # and the cubic term slows the last steps a little.
    run = A.saddle_descent([0.1] * 200)
    assert 66 <= run.escaped_at <= 70
    assert run.escaped_at == 67
    assert math.isclose(run.x[10], 0.9**10, rel_tol=1e-12)


def test_tiny_rate_needs_tens_of_thousands_of_steps():
    bound = math.log(500) / math.log(1 + 1e-4)  # about 62,150 steps
    steps = A.saddle_descent([1e-4] * 70_000).escaped_at
    assert bound < steps < 1.03 * bound


def test_decayed_rates_with_a_small_sum_never_escape():
    rates = [0.1 * 0.95**k for k in range(20_000)]  # sum < 2, so |y| <= 1e-3 * e^2
    run = A.saddle_descent(rates)
    assert run.escaped_at is None
    assert max(abs(v) for v in run.y) <= 1e-3 * math.exp(2.0)


def test_saddle_refuses_bad_input():
    with pytest.raises(ValueError, match=r"lrs\[1\]"):
        A.saddle_descent([0.1, -0.1])
    with pytest.raises(ValueError, match="start"):
        A.saddle_descent([0.1], start=(1.0,))
    with pytest.raises(ValueError, match="threshold"):
        A.saddle_descent([0.1], threshold=0.0)


def test_adagrad_lr_decay_is_inverse_time_decay():
    got = A.adagrad_effective_rates(0.1, lr_decay=0.05, steps=50)
    want = [S.inverse_time_lr(k - 1, 0.1, 0.05) for k in range(1, 51)]
    for g, w in zip(got, want, strict=True):
        assert math.isclose(g, w, rel_tol=1e-9)
    with pytest.raises(ValueError, match="lr_decay"):
        A.adagrad_effective_rates(0.1, -1.0, 3)


# ----------------------------------------------------------------------------------
# The order of step() calls, get_lr and get_last_lr (what the lesson prints)
# ----------------------------------------------------------------------------------


def test_scheduler_first_warns_and_skips_the_first_rate():
    w = torch.tensor([1.0], requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.1)
    sched = L.StepLR(opt, step_size=2, gamma=0.5)
    used = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(4):
            sched.step()
            used.append(opt.param_groups[0]["lr"])
            w.grad = torch.ones(1)
            opt.step()
    assert any("before `optimizer.step()`" in str(c.message) for c in caught)
    assert used == [0.1, 0.05, 0.05, 0.025]  # the right order uses [0.1, 0.1, 0.05, 0.05]


# ----------------------------------------------------------------------------------
# The designer widget and the figures
# ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kwargs", "reference"),
    [
        ("step", {"step_size": 50, "gamma": 0.5}, lambda o: L.StepLR(o, 50, 0.5)),
        ("multistep", {"milestones": "50, 125, 160", "gamma": 0.5},
         lambda o: L.MultiStepLR(o, [50, 125, 160], 0.5)),
        ("exponential", {"gamma": 0.95}, lambda o: L.ExponentialLR(o, 0.95)),
        ("cosine", {}, lambda o: L.CosineAnnealingLR(o, T_max=200)),
    ],
)
def test_designer_rates_equal_the_torch_scheduler(name, kwargs, reference):
    ours = A.designer_rates(name, lr=0.1, epochs=200, **kwargs)
    ref = S.torch_schedule_values(reference, 200, lr=0.1)
    for a, b in zip(ours, ref, strict=True):
        assert math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-15)


def test_designer_inverse_time_and_constant():
    assert A.designer_rates("inverse time", lr=0.1, decay_rate=0.1, epochs=11)[10] == 0.05
    assert A.designer_rates("constant", lr=0.2, epochs=3) == [0.2] * 3


@pytest.mark.parametrize("name", ["constant", "step", "cosine", "cosine restarts", "one-cycle"])
@pytest.mark.parametrize("warmup", [1, 3, 10, 50])
def test_designer_warmup_is_linear_warmup_lr_laid_over_the_schedule(name, warmup):
    plain = A.designer_rates(name, lr=0.1, epochs=120, T_0=30)
    warmed = A.designer_rates(name, lr=0.1, epochs=120, T_0=30, warmup=warmup)
    assert warmed == [S.linear_warmup_lr(t, base_lr=r, warmup_steps=warmup)
                      for t, r in enumerate(plain)]
    # the warmup lesson's convention (Goyal et al.): t / W of the rate, 0 at epoch 0
    assert warmed[0] == 0.0 and warmed[warmup:] == plain[warmup:]
    for t in range(warmup):
        assert math.isclose(warmed[t], plain[t] * t / warmup, rel_tol=1e-15, abs_tol=0.0)
    # the same as LambdaLR(lambda t: min(1, t / W)) times the schedule, in PyTorch
    ramp = S.torch_schedule_values(lambda o: L.LambdaLR(o, lambda t: min(1.0, t / warmup)),
                                   120, lr=1.0)
    assert warmed == pytest.approx([a * b for a, b in zip(ramp, plain, strict=True)],
                                   rel=1e-15, abs=0.0)


@pytest.mark.parametrize(
    ("name", "kwargs", "reference"),
    [("cosine restarts", {"T_0": 25, "T_mult": 1},
      lambda o: L.CosineAnnealingWarmRestarts(o, T_0=25)),
     ("cosine restarts", {"T_0": 10, "T_mult": 2},
      lambda o: L.CosineAnnealingWarmRestarts(o, T_0=10, T_mult=2)),
     ("one-cycle", {"pct_start": 0.3}, lambda o: L.OneCycleLR(o, max_lr=0.1, total_steps=200)),
     ("one-cycle", {"pct_start": 0.45},
      lambda o: L.OneCycleLR(o, max_lr=0.1, total_steps=200, pct_start=0.45))],
)
def test_designer_new_schedules_equal_their_torch_schedulers(name, kwargs, reference):
    ours = A.designer_rates(name, lr=0.1, epochs=200, **kwargs)
    ref = S.torch_schedule_values(reference, 200, lr=0.1)
    for a, b in zip(ours, ref, strict=True):
        assert math.isclose(a, b, rel_tol=1e-12, abs_tol=0.0)


def test_designer_plateau_is_reducelronplateau_on_the_noisy_toy_problem():
    settings = dict(factor=0.5, patience=4, threshold=1e-3, cooldown=2)
    rates = A.designer_rates("plateau", lr=0.1, epochs=80, **settings)
    run = A.toy_run(lambda o: L.ReduceLROnPlateau(o, **settings), epochs=80, noise=1.0, seed=0)
    assert rates == run.lr
    # the same cuts as the hand-written rule on the losses the run produced
    assert plateau_by_hand(run.epoch_loss, 0.1, **settings)[:80] == pytest.approx(rates)
    assert any(b < a for a, b in zip(rates, rates[1:], strict=False))
    with pytest.raises(ValueError, match="warmup must be 0 for plateau"):
        A.designer_rates("plateau", warmup=5)
    with pytest.raises(ValueError, match="factor"):
        A.designer_rates("plateau", factor=1.0)


def test_schedule_figure_returns_figure_and_text_and_reports_bad_milestones():
    fig, text = PD.schedule_figure("multistep", 0.1, 0.5, 50, "50, 125, 160", 0.05, 0, 200)
    assert isinstance(fig, Figure)
    assert text == ("multistep: rate at epoch 0 = 0.1, 50 = 0.05, 100 = 0.05, 150 = 0.025, "
                    "last (199) = 0.0125")
    fig, text = PD.schedule_figure("multistep", 0.1, 0.5, 50, "50, 40", 0.05, 0, 200)
    assert isinstance(fig, Figure) and "milestones" in text and "increasing" in text
    fig, text = PD.schedule_figure("multistep", 0.1, 0.5, 50, "fifty", 0.05, 0, 200)
    assert "milestones" in text


def test_designer_panel_redraws_when_a_control_changes():
    panel = WS.schedule_designer()
    assert repr(panel) == "<lrcourse widget: Schedule designer (rate per epoch)>"
    panel.controls["schedule"].value = "step"
    assert panel.message.value.startswith("step: rate at epoch 0 = 0.1, 50 = 0.05")
    panel.controls["milestones"].value = "3, 2"
    panel.controls["schedule"].value = "multistep"
    assert "milestones" in panel.message.value
    panel.controls["schedule"].value = "one-cycle"
    assert panel.message.value.startswith("one-cycle: rate at epoch 0 = 0.004")
    panel.controls["T_0"].value = 30
    panel.controls["schedule"].value = "cosine restarts"
    assert "50 = 0.025" in panel.message.value and "150 = 0.1" in panel.message.value


def test_designer_shows_only_the_controls_the_schedule_reads():
    panel = WS.schedule_designer("plateau")
    shown = lambda: {n for n, c in panel.controls.items() if c.layout.display != "none"}  # noqa: E731
    assert shown() == {"schedule", "lr", "factor", "patience", "threshold", "cooldown",
                       "warmup", "epochs"}
    assert "cut at epochs" in panel.message.value
    for name, reads in A.DESIGNS.items():
        panel.controls["schedule"].value = name
        assert shown() == {"schedule", "warmup", "epochs", *reads}


def test_schedule_figure_says_why_plateau_refuses_a_warmup():
    fig, text = PD.schedule_figure("plateau", 0.1, 0.5, 50, "", 0.05, 10, 100)
    assert isinstance(fig, Figure) and text.startswith("⚠ warmup must be 0 for plateau")
    _, text = PD.schedule_figure("plateau", 0.1, 0.5, 50, "", 0.05, 0, 100, patience=200)
    assert text.endswith("never cut")


def test_designer_refuses_bad_input():
    with pytest.raises(ValueError, match="schedule"):
        A.designer_rates("linear")
    with pytest.raises(ValueError, match="epochs"):
        A.designer_rates("step", epochs=0)
    with pytest.raises(ValueError, match="milestones"):
        A.parse_milestones("1, x")


def test_plots_label_their_axes():
    from lrcourse.plots.schedules import plot_rates
    from lrcourse.plots.train import plot_histories

    fig = Figure()
    ax = fig.subplots()
    plot_rates({"a": [0.1, 0.0, 0.05]}, ax)
    assert ax.get_yscale() == "log" and ax.get_xlabel() == "epoch" and ax.get_legend()
    axes = Figure().subplots(1, 3)
    from lrcourse.train import History

    h = History(loss=[1.0, float("nan")], lr=[0.0, 0.1], val_step=[1], val_accuracy=[0.5])
    plot_histories({"run": h}, axes)
    assert all(a.get_title() for a in axes)
    with pytest.raises(ValueError, match="axes"):
        plot_histories({"run": h}, axes[:2])


# ----------------------------------------------------------------------------------
# ReduceLROnPlateau, and the schedules on the digits
# ----------------------------------------------------------------------------------


def plateau_by_hand(metrics, lr, mode="min", factor=0.1, patience=10, threshold=1e-4,
                    threshold_mode="rel", cooldown=0, min_lr=0.0):
    """ReduceLROnPlateau's rule as its documentation states it, written out: the rate
    of every epoch, and the one after the last."""
    better = {
        ("min", "rel"): lambda a, best: a < best * (1 - threshold),
        ("min", "abs"): lambda a, best: a < best - threshold,
        ("max", "rel"): lambda a, best: a > best * (1 + threshold),
        ("max", "abs"): lambda a, best: a > best + threshold,
    }[mode, threshold_mode]
    best = math.inf if mode == "min" else -math.inf
    bad, cooling, rates = 0, 0, [lr]
    for m in metrics:
        if better(m, best):
            best, bad = m, 0
        else:
            bad += 1
        if cooling > 0:
            cooling -= 1
            bad = 0
        if bad > patience:
            new_lr = max(lr * factor, min_lr)
            if lr - new_lr > 1e-8:  # eps: a smaller cut is skipped
                lr = new_lr
            cooling, bad = cooldown, 0
        rates.append(lr)
    return rates


LOSSES = [1.0, 0.8, 0.7, 0.69995, 0.7, 0.71, 0.65, 0.66, 0.66, 0.66, 0.66, 0.649, 0.6, 0.7, 0.7]


@pytest.mark.parametrize(
    "settings",
    [dict(), dict(patience=1), dict(patience=2, factor=0.5), dict(patience=1, cooldown=2),
     dict(patience=1, threshold=0.0), dict(patience=1, threshold=0.05),
     dict(patience=1, threshold=0.02, threshold_mode="abs"), dict(patience=0, min_lr=0.02),
     dict(patience=1, mode="max"), dict(patience=0, mode="max", threshold_mode="abs",
                                        threshold=0.01)],
    ids=["defaults", "p1", "p2_half", "cooldown", "thr0", "thr5pct", "abs", "min_lr", "max",
         "max_abs"])
def test_plateau_trace_follows_the_documented_rule(settings):
    trace = A.plateau_trace(LOSSES, lr=0.1, **settings)
    expected = plateau_by_hand(LOSSES, 0.1, **settings)
    assert [*trace.lr, trace.next_lr] == pytest.approx(expected, rel=1e-12)
    assert trace.metric == LOSSES and len(trace.best) == len(LOSSES)
    # best only falls, and only to a loss seen: 0.69995 was not enough better than 0.7
    assert trace.best == sorted(trace.best, reverse=True) and set(trace.best) <= set(LOSSES)


def test_plateau_trace_hand_numbers_and_mode_max():
    trace = A.plateau_trace(LOSSES, lr=0.1, patience=1)
    # By hand: 0.69995 (epoch 3) is not below 0.7 * (1 - 1e-4) = 0.69993, a bad epoch; 0.7
    # (epoch 4) is the second in a row, more than patience 1: cut, epoch 5 at 0.01. Then
    # 0.65 is a new best, 0.66 twice -> cut for epoch 9; twice more -> cut for epoch 11;
    # 0.649 < 0.65 * (1 - 1e-4) and 0.6 are new bests; 0.7 twice -> cut after the last.
    assert trace.bad_epochs[:5] == [0, 0, 0, 1, 0] and trace.cuts == [5, 9, 11, 15]
    assert [round(r, 12) for r in trace.lr[4:6]] == [0.1, 0.01] and trace.best[-1] == 0.6
    # mode="max" watches a metric that should rise (an accuracy): the mirror image, exactly
    # so with threshold 0 (a relative threshold scales with the metric's size).
    falling = A.plateau_trace(LOSSES, lr=0.1, patience=1, threshold=0.0)
    rising = A.plateau_trace([2 - m for m in LOSSES], lr=0.1, patience=1, threshold=0.0,
                             mode="max")
    # (with threshold 0, 0.69995 is a new best, so the first cut comes an epoch later)
    assert rising.lr == falling.lr and rising.cuts == falling.cuts == [6, 9, 11, 15]
    cooled = A.plateau_trace(LOSSES, lr=0.1, patience=1, cooldown=3)
    assert cooled.cooldown[4] == 3 and cooled.cuts[0] == 5 and cooled.cuts[1] > 9
    for bad, value in [("metrics[2]", [1.0, 0.5, float("nan")]), ("factor", dict(factor=1.0)),
                       ("patience", dict(patience=-1)), ("mode", dict(mode="lowest")),
                       ("threshold_mode", dict(threshold_mode="relative"))]:
        with pytest.raises(ValueError, match=bad.replace("[", r"\[").replace("]", r"\]")):
            if isinstance(value, dict):
                A.plateau_trace(LOSSES, **value)
            else:
                A.plateau_trace(value)


def test_toy_train_gives_plateau_the_epoch_mean_loss():
    run = A.toy_run(lambda o: L.ReduceLROnPlateau(o, patience=3), epochs=60, noise=1.0, seed=2)
    assert len(run.epoch_loss) == 60
    assert run.epoch_loss[5] == pytest.approx(sum(run.loss[50:60]) / 10, rel=1e-15)
    # the same decisions as the scheduler given those losses afterwards
    assert run.lr == A.plateau_trace(run.epoch_loss, lr=0.1, patience=3).lr
    assert run.lr[-1] < 0.1


def test_plateau_lowers_the_noise_floor_of_the_toy_problem():
    constant = A.toy_run(None, epochs=100, noise=1.0)
    plateau = A.toy_run(lambda o: L.ReduceLROnPlateau(o), epochs=100, noise=1.0)
    assert plateau.lr[:20] == constant.lr[:20]  # no cut before patience + 1 bad epochs
    tail = lambda run: sum(run.epoch_loss[-20:]) / 20  # noqa: E731
    assert tail(plateau) < tail(constant) / 10


def test_digits_run_uses_each_schedule_as_its_closed_form_says():
    n = 23  # batches per epoch
    cosine = A.digits_run("cosine", seed=0, epochs=2)
    assert cosine.lr == pytest.approx(S.schedule_values(S.cosine_lr, 2 * n, base_lr=0.2,
                                                        total_steps=2 * n), rel=1e-12)
    one = A.digits_run("one-cycle", seed=0, epochs=2)
    assert one.lr == pytest.approx(S.schedule_values(S.one_cycle_lr, 2 * n, max_lr=0.2,
                                                     total_steps=2 * n), rel=1e-12)
    step = A.digits_run("StepLR(4, 0.3)", seed=0, epochs=5)
    assert step.lr == pytest.approx([0.2] * 4 * n + [0.06] * n, rel=1e-12)
    assert A.digits_run("constant", seed=0, epochs=1).lr == [0.2] * n


def test_digits_plateau_run_cuts_when_its_validation_loss_says_so():
    run = A.digits_run("plateau", seed=0, epochs=8)
    per_epoch = [run.lr[k * 23] for k in range(8)]
    assert all(run.lr[k * 23:(k + 1) * 23] == [per_epoch[k]] * 23 for k in range(8))
    assert per_epoch == pytest.approx(
        plateau_by_hand(run.val_loss, 0.2, factor=0.3, patience=1)[:8], rel=1e-12)


def test_digits_comparison_and_seed_spread():
    runs = A.digits_comparison(["constant", "one-cycle"], seeds=[0, 1], epochs=1)
    assert sorted(runs) == [("constant", 0), ("constant", 1), ("one-cycle", 0), ("one-cycle", 1)]
    again = A.digits_run("one-cycle", seed=1, epochs=1)
    assert runs["one-cycle", 1].loss == again.loss  # fresh model, loaders and scheduler
    assert runs["constant", 0].loss[0] == runs["one-cycle", 0].loss[0]  # same start, same batch
    spread = A.seed_spread([0.3, 0.1, 0.2])
    assert (spread.median, spread.low, spread.high) == (0.2, 0.1, 0.3)
    assert A.seed_spread([4.0, 1.0]).median == 2.5
    assert f"{spread:.2f}" == "0.20 (0.10 to 0.30)"
    with pytest.raises(ValueError, match="values"):
        A.seed_spread([])
    with pytest.raises(ValueError, match="schedule"):
        A.digits_run("linear", seed=0)


def test_new_figures_label_their_axes():
    runs = {"constant": A.toy_run(None, epochs=20, noise=1.0),
            "plateau": A.toy_run(lambda o: L.ReduceLROnPlateau(o, patience=2), epochs=20,
                                 noise=1.0)}
    axes = PD.plot_toy_plateau(runs, Figure().subplots(1, 2))
    assert axes[1].get_yscale() == "log" and axes[0].get_xlabel() == "epoch"
    assert [ln.get_label() for ln in axes[0].get_lines()] == ["constant", "plateau"]
    from lrcourse.train import History

    h = {(name, seed): History(train_loss=[0.1 * (seed + 1)], val_accuracy=[0.9])
         for name in ("a", "b") for seed in (0, 1)}
    axes = PD.plot_seed_comparison(h, ["a", "b"], [0, 1], Figure().subplots(1, 2))
    assert axes[0].get_yscale() == "log" and len(axes[0].get_lines()) == 2
    assert list(axes[1].get_lines()[0].get_ydata()) == [90.0, 90.0]
    with pytest.raises(ValueError, match="axes"):
        PD.plot_seed_comparison(h, ["a"], [0], Figure().subplots(1, 3))


# ----------------------------------------------------------------------------------
# Exercises
# ----------------------------------------------------------------------------------


def test_multistep_checker(capsys):
    assert E.check_multistep_rate(E.solution_multistep_rate)
    assert E.solution_multistep_rate(130) == 0.025  # the lesson's question, by hand
    assert E.check_multistep_rate(lambda t: L_rate(t))
    assert not E.check_multistep_rate(lambda t: ...)
    assert "not done yet" in capsys.readouterr().out
    assert not E.check_multistep_rate(
        lambda t: 0.1 * 0.5 ** sum(m < t for m in (50, 125, 160)))
    assert "m <= epoch" in capsys.readouterr().out


def L_rate(epoch: int) -> float:
    """The same rate read from a real MultiStepLR."""
    return S.torch_schedule_values(lambda o: L.MultiStepLR(o, [50, 125, 160], 0.5),
                                   epoch + 1, lr=0.1)[-1]


def test_curve_checker(capsys):
    assert E.check_curve_settings(E.SOLUTION_MILESTONES, E.SOLUTION_GAMMA)
    torch_curve = S.torch_schedule_values(lambda o: L.MultiStepLR(o, [20, 45, 85], gamma=0.4), 100)
    assert E.mystery_curve() == pytest.approx(torch_curve, rel=1e-12)
    assert E.mystery_curve()[19] == 0.1 and math.isclose(E.mystery_curve()[20], 0.04)
    assert E.check_curve_settings([20, 45, 85], 0.4)
    assert not E.check_curve_settings(..., ...)
    assert "not done yet" in capsys.readouterr().out
    assert not E.check_curve_settings([20, 45, 85], 0.04)
    assert "not the rate after the first drop" in capsys.readouterr().out
    assert not E.check_curve_settings([20, 45, 85], 0.1)
    assert "ratio of two neighbouring levels" in capsys.readouterr().out
    assert not E.check_curve_settings([20, 45, 85], 2.5)
    assert "below 1" in capsys.readouterr().out
    assert not E.check_curve_settings([19, 44, 84], 0.4)
    out = capsys.readouterr().out
    assert "epoch 19" in out and "FIRST epoch" in out
    assert not E.check_curve_settings([30, 80], 0.1)
    assert "read off the epochs" in capsys.readouterr().out
    assert not E.check_curve_settings([85, 20, 45], 0.4)
    assert "milestones" in capsys.readouterr().out


def test_mystery_curve_is_not_a_schedule_printed_in_the_lesson():
    import json
    from pathlib import Path

    cells = json.loads((Path(__file__).parents[2] / "notebooks" / "08_lr_schedulers.ipynb")
                       .read_text())["cells"]
    before = "".join("".join(c["source"]) for c in cells
                     if "mystery_curve()" not in "".join(c["source"]))
    assert "[20, 45, 85]" not in before and "gamma=0.4" not in before


def test_exponential_sum_prediction(capsys):
    rates = S.torch_schedule_values(lambda o: L.ExponentialLR(o, gamma=0.99), 5000)
    assert sum(rates) == pytest.approx(E.solution_exponential_sum, rel=1e-9)
    assert E.check_exponential_sum(sum(rates))
    out = capsys.readouterr().out
    assert "✅" in out and "can still leave the saddle" in out
    # The conclusion printed with the right answer: the bound allows an escape, and it happens,
    # while the lesson's 0.95 (sum 2) stays stuck.
    assert E.solution_exponential_sum > math.log(0.5 / 1e-3)
    assert A.saddle_descent([0.1 * 0.99**k for k in range(20000)]).escaped_at is not None
    assert A.saddle_descent([0.1 * 0.95**k for k in range(20000)]).escaped_at is None
    assert not E.check_exponential_sum(...)
    assert "not done yet" in capsys.readouterr().out
    for wrong, hint in [(sum(rates[:200]), "not the first 200"), (9.9, "starts at epoch 0"),
                        (0.1 / 0.99, "not by γ"), (100, "multiply by the first rate"),
                        (1.0, "0.01, not 0.1")]:
        assert not E.check_exponential_sum(wrong)
        out = capsys.readouterr().out
        assert "❌" in out and hint in out, (wrong, out)






# ----------------------------------------------------------------------------------
# The warmup lesson
# ----------------------------------------------------------------------------------






def test_second_restart_prediction(capsys):
    rates = S.torch_schedule_values(lambda o: L.CosineAnnealingWarmRestarts(o, T_0=10, T_mult=2),
                                    100)
    restarts = [t for t in range(1, 100) if rates[t] > rates[t - 1]]
    assert restarts[1] == E.solution_second_restart == 30
    assert E.check_second_restart(restarts[1])
    assert "✅" in capsys.readouterr().out
    assert not E.check_second_restart(...)
    assert "not done yet" in capsys.readouterr().out
    for wrong, hint in [(10, "first restart"), (20, "twice as long"), (40, "keeps T_0"),
                        (29, "first epoch back"), (31, "count from 0"), (70, "third restart"),
                        (50, "add up the cycle lengths")]:
        assert not E.check_second_restart(wrong)
        out = capsys.readouterr().out
        assert "❌" in out and hint in out, (wrong, out)
