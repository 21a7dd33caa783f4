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


def test_designer_inverse_time_warmup_and_constant():
    assert A.designer_rates("inverse time", lr=0.1, decay_rate=0.1, epochs=11)[10] == 0.05
    rates = A.designer_rates("constant", lr=0.2, warmup=3, epochs=6)
    assert rates == pytest.approx([0.05, 0.1, 0.15, 0.2, 0.2, 0.2])


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

    cells = json.loads((Path(__file__).parents[2] / "notebooks" / "07_lr_schedulers.ipynb")
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






