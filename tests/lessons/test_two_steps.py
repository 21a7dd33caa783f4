"""Tests of the optimizer lesson: lrcourse.lessons.two_steps, its figures, widget and exercise.

References: the course's published torch.optim values (the optimizer lesson), hand
arithmetic written out digit by digit, torch.optim itself, and closed forms.
"""

from __future__ import annotations

import math
import re

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from lrcourse import optim as ours  # noqa: E402
from lrcourse.exercises import two_steps as ex  # noqa: E402
from lrcourse.lessons import two_steps as steps  # noqa: E402
from lrcourse.plots import two_steps as oplots  # noqa: E402
from lrcourse.widgets import two_steps as owidgets  # noqa: E402

# The optimizer lesson's reference values, torch.optim in float32: (g_t, w_t) for t = 1, 2.
PUBLISHED = {
    "sgd_momentum": [(1.0, 0.99), (0.99, 0.9711)],
    "adagrad": [(1.0, 0.99), (0.99, 0.98296458)],
    "rmsprop": [(1.0, 0.96837723), (0.96837723, 0.94578803)],
    "adam": [(1.0, 0.99), (0.99, 0.98000252)],
}


# ----------------------------------------------------------------------------------
# The two steps: hand arithmetic, lrcourse.optim, torch.optim, published values
# ----------------------------------------------------------------------------------


def test_reference_table_is_the_syllabus():
    assert steps.COURSE_REFERENCE == PUBLISHED


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_hand_arithmetic_matches_published_values(name):
    hand = steps.SPECS[name].hand(2)
    for step, (g, w) in zip(hand, PUBLISHED[name], strict=True):
        # The published values are float32 runs printed with 8 decimals.
        assert step.g == pytest.approx(g, abs=1e-7)
        assert step.w == pytest.approx(w, abs=1e-7)


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_torch_optim_prints_the_published_values(name):
    ws = steps.weight_trace(steps.SPECS[name].torch, 2)
    trace = list(zip(ws[:-1], ws[1:], strict=True))  # (g_t, w_t): on w^2/2, g_t = w_{t-1}
    # float32 numbers near 1 are 6e-8 apart: 0.99 is stored as 0.99000001 (0.9900000095).
    for (g, w), (g_ref, w_ref) in zip(trace, PUBLISHED[name], strict=True):
        assert g == pytest.approx(g_ref, abs=5e-8)
        assert w == pytest.approx(w_ref, abs=5e-8)


@pytest.mark.parametrize("name", sorted(steps.SPECS))
def test_three_ways_agree_for_ten_steps(name):
    rows = steps.compare(name, steps=10)
    for r in rows:
        assert r.ours == pytest.approx(r.torch, abs=2e-7)  # float32, ops in another order
        assert r.hand == pytest.approx(r.torch, abs=5e-7)


def test_sgd_momentum_by_hand_digit_by_digit():
    s1, s2 = steps.momentum_steps(0.01, 0.9)
    # v1 = g1 = 1, w1 = 1 - 0.01 = 0.99; v2 = 0.9 * 1 + 0.99 = 1.89, w2 = 0.99 - 0.0189.
    assert (s1.g, s2.g) == (1.0, pytest.approx(0.99))
    assert s2.w == pytest.approx(0.9711, abs=1e-15)
    assert s2.lines == ("v2 = 0.9 * 1 + 0.99 = 1.89", "w2 = 0.99 - 0.01 * 1.89 = 0.9711")
    assert steps.momentum_steps(0.1, steps=1)[0].lines == ("w1 = 1 - 0.1 * 1 = 0.9",)


def test_ema_momentum_by_hand_and_equals_dampened_sgd():
    s1, s2 = steps.ema_momentum_steps(0.01, 0.9)
    # s2 = 0.9 * 1 + 0.1 * 0.99 = 0.999, w2 = 0.99 - 0.00999 = 0.98001.
    assert s2.lines == ("s2 = 0.9 * 1 + 0.1 * 0.99 = 0.999", "w2 = 0.99 - 0.01 * 0.999 = 0.98001")
    assert s2.w == pytest.approx(0.98001, abs=1e-15)
    for beta in (0.5, 0.9, 0.99):
        ema = steps.weight_trace(lambda p, b=beta: ours.EMAMomentum(p, lr=0.05, beta=b), 30)
        sgd = steps.weight_trace(
            lambda p, b=beta: torch.optim.SGD(p, lr=0.05, momentum=b, dampening=b), 30)
        assert ema == pytest.approx(sgd, abs=2e-7)
    plain = steps.weight_trace(lambda p: torch.optim.SGD(p, lr=0.01, momentum=0.9), 2)
    assert plain[2] != pytest.approx(s2.w, abs=1e-4)  # the undampened form differs


def test_adagrad_second_step_by_hand():
    s2 = steps.adagrad_steps(0.01)[1]
    assert s2.lines[0] == "s2 = 1 + 0.99^2 = 1.9801"
    assert s2.w == pytest.approx(0.99 - 0.0099 / (math.sqrt(1.9801) + 1e-10), abs=1e-11)


def test_rmsprop_and_adam_lines():
    r1 = steps.rmsprop_steps(0.01, alpha=0.9)[0]
    assert r1.lines[0] == "v1 = 0.9 * 0 + 0.1 * 1^2 = 0.1"
    a2 = steps.adam_steps(0.01, betas=(0.9, 0.99))[1]
    assert a2.lines[0] == "m2 = 0.9 * 0.1 + 0.1 * 0.99 = 0.189"
    assert a2.lines[1] == "v2 = 0.99 * 0.01 + 0.01 * 0.99^2 = 0.019701"
    assert a2.lines[3] == "vhat2 = 0.019701 / (1 - 0.99^2) = 0.99"


def test_adadelta_first_step_is_sqrt_eps_over_sqrt_v():
    s1 = steps.adadelta_steps()[0]
    assert 1 - s1.w == pytest.approx(math.sqrt(1e-6) / math.sqrt(0.1 + 1e-6), rel=1e-12)


def test_format_comparison_and_arithmetic():
    text = steps.format_comparison("adam")
    lines = text.splitlines()
    assert lines[0] == "Adam(lr=0.01, betas=(0.9, 0.99)) on w²/2 from w = 1"
    assert lines[3].split()[-2:] == ["0.98000252", "0.98000252"]
    assert "within float32 rounding" in lines[-1]
    assert lines[2].split()[-1] == "0.99000000"
    assert steps.format_comparison("adadelta").splitlines()[2].split()[-1] == "-"
    block = steps.format_arithmetic(steps.momentum_steps(0.01, 0.9))
    assert block.splitlines()[3] == "step 2: g2 = w1 = 0.99"


# ----------------------------------------------------------------------------------
# Hyper-parameter experiments
# ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("lr_decay", "iav"), [(0.0, 0.0), (0.5, 0.0), (0.0, 1.0), (0.3, 10.0)])
def test_adagrad_lr_decay_and_initial_accumulator_match_torch(lr_decay, iav):
    hand = steps.adagrad_steps(0.1, lr_decay=lr_decay, initial_accumulator_value=iav, steps=6)
    theirs = steps.weight_trace(
        lambda p: torch.optim.Adagrad(p, lr=0.1, lr_decay=lr_decay,
                                      initial_accumulator_value=iav), 6)
    assert [s.w for s in hand] == pytest.approx(theirs[1:], abs=3e-7)


def test_adagrad_lr_decay_is_undecayed_at_the_first_step():
    # lr_t = lr / (1 + (t - 1) lr_decay): step 1 uses lr itself, step 2 lr / 1.5.
    s1, s2 = steps.adagrad_steps(0.1, lr_decay=0.5)
    assert s1.w == pytest.approx(0.9)
    assert s2.lines[0] == "lr2 = 0.1 / (1 + 1 * 0.5) = 0.066666667"


@pytest.mark.parametrize("alpha", [0.5, 0.9, 0.99, 0.999])
def test_rmsprop_first_step_is_lr_over_sqrt_one_minus_alpha(alpha):
    ws = steps.weight_trace(lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=alpha), 1)
    assert 1 - ws[1] == pytest.approx(0.01 / math.sqrt(1 - alpha), rel=1e-5)


@pytest.mark.parametrize("betas", [(0.9, 0.999), (0.9, 0.99), (0.5, 0.999), (0.99, 0.9)])
def test_adam_first_step_is_lr_whatever_the_betas(betas):
    ws = steps.weight_trace(lambda p: torch.optim.Adam(p, lr=0.01, betas=betas), 1)
    assert 1 - ws[1] == pytest.approx(0.01, rel=1e-5)


@pytest.mark.parametrize(("lr", "wd"), [(0.1, 0.1), (0.1, 0.5), (0.01, 1.0)])
def test_sgd_weight_decay_shrinks_by_one_minus_lr_wd(lr, wd):
    ws = steps.weight_trace(lambda p: torch.optim.SGD(p, lr=lr, weight_decay=wd), 20,
                            curvature=0)
    assert ws == pytest.approx([(1 - lr * wd) ** t for t in range(21)], rel=1e-5)


def test_adam_l2_decay_ignores_its_strength_but_adamw_does_not():
    adam = [steps.weight_trace(lambda p, wd=wd: torch.optim.Adam(p, lr=0.01, weight_decay=wd),
                               100, curvature=0) for wd in (0.01, 0.1, 1.0)]
    assert adam[0] == pytest.approx(adam[1], rel=1e-5) == adam[2]
    for wd in (0.01, 0.1, 1.0):
        adamw = steps.weight_trace(lambda p, wd=wd: torch.optim.AdamW(p, lr=0.01, weight_decay=wd),
                                   100, curvature=0)
        assert adamw[-1] == pytest.approx((1 - 0.01 * wd) ** 100, rel=1e-4)


def test_amsgrad_damps_the_overshoot_on_w2():
    def run(ams):
        return steps.weight_trace(
            lambda p: torch.optim.Adam(p, lr=0.1, betas=(0.9, 0.99), amsgrad=ams), 100)
    plain, ams = run(False), run(True)
    assert abs(ams[50]) < abs(plain[50]) and abs(ams[100]) < abs(plain[100])


def test_linear_weight_decay_trades_training_loss_for_smaller_weights():
    runs = {wd: steps.linear_weight_decay(wd) for wd in (0.0, 0.1, 1.0)}
    norms = [runs[wd].weight_norm[-1] for wd in (0.0, 0.1, 1.0)]
    train = [runs[wd].train_loss[-1] for wd in (0.0, 0.1, 1.0)]
    assert norms[0] > norms[1] > norms[2]
    assert train[0] < train[1] < train[2]
    # Too little decay overfits (validation loss far above training loss), too much
    # underfits: the middle value has the lowest validation loss.
    val = [runs[wd].val_loss[-1] for wd in (0.0, 0.1, 1.0)]
    assert val[1] < val[0] and val[1] < val[2]
    assert runs[0.0].steps == [0, 100, 200, 300, 400]


def test_linear_weight_decay_matches_a_plain_loop():
    run = steps.linear_weight_decay(0.1, optimizer="SGD", lr=0.05, steps=5, record_every=5)
    gen = torch.Generator().manual_seed(0)
    w_true = torch.randn(10, 1, generator=gen)
    x = torch.randn(515, 10, generator=gen)
    y = x @ w_true + torch.randn(515, 1, generator=gen)
    torch.manual_seed(0)
    model = torch.nn.Linear(10, 1)
    for _ in range(5):
        loss = ((model(x[:15]) - y[:15]) ** 2).mean()
        grads = torch.autograd.grad(loss, [model.weight, model.bias])
        with torch.no_grad():
            for p, g in zip([model.weight, model.bias], grads, strict=True):
                p -= 0.05 * (g + 0.1 * p)
    assert run.weight_norm[-1] == pytest.approx(float(model.weight.detach().norm()), rel=1e-5)


# ----------------------------------------------------------------------------------
# Bad input
# ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: steps.momentum_steps(-0.1), "lr"),
        (lambda: steps.momentum_steps(0.1, momentum=1.0), "momentum"),
        (lambda: steps.ema_momentum_steps(0.1, beta=1.5), "beta"),
        (lambda: steps.adagrad_steps(lr_decay=-1), "lr_decay"),
        (lambda: steps.rmsprop_steps(alpha=1.0), "alpha"),
        (lambda: steps.adam_steps(betas=(0.9,)), "betas"),
        (lambda: steps.adam_steps(betas=(0.9, 1.0)), "betas[1]"),
        (lambda: steps.adadelta_steps(steps=0), "steps"),
        (lambda: steps.compare("nadam"), "name"),
        (lambda: steps.weight_trace(lambda p: torch.optim.SGD(p, lr=0.1), 3, curvature=-1),
         "curvature"),
        (lambda: steps.weight_trace(42, 2), "make"),
        (lambda: steps.weight_trace(lambda p: p, 2), "make([w])"),
        (lambda: steps.weight_trace(lambda p: torch.optim.SGD(p, lr=0.1), 1.5), "steps"),
        (lambda: steps.weight_trace(lambda p: torch.optim.SGD(p, lr=0.1), 2, w0=math.nan),
         "w0"),
        (lambda: steps.beta_settings("Lion", 0.9), "name"),
        (lambda: steps.beta_settings("Momentum (EMA)", 0.9), "name"),
        (lambda: steps.beta_settings("Adam", 1.0), "beta"),
        (lambda: steps.linear_weight_decay(0.1, optimizer="LBFGS"), "optimizer"),
        (lambda: steps.linear_weight_decay(-0.1), "weight_decay"),
        (lambda: owidgets.first_steps_figure("Adam", 0.1, 0.9, 0), "steps"),
    ],
)
def test_bad_input_names_the_argument(call, name):
    with pytest.raises(ValueError, match=re.escape(name)):
        call()


# ----------------------------------------------------------------------------------
# Figures, widget, exercise
# ----------------------------------------------------------------------------------


def test_plot_weight_traces_labels_everything():
    ax = oplots.plot_weight_traces({"SGD": [1.0, 0.9, 0.81], "Adam": [1.0, 0.99, 0.98]})
    assert ax.get_xlabel() and ax.get_ylabel() and ax.get_title()
    assert {t.get_text() for t in ax.get_legend().get_texts()} >= {"SGD", "Adam"}
    plt.close("all")
    with pytest.raises(ValueError, match="traces"):
        oplots.plot_weight_traces({})


def test_plot_weight_decay_draws_one_line_per_run():
    runs = [steps.linear_weight_decay(wd, steps=10, record_every=5) for wd in (0.0, 1.0)]
    ax_loss, ax_norm = oplots.plot_weight_decay(runs)
    assert len(ax_norm.get_lines()) == 2 and len(ax_loss.get_lines()) == 4
    plt.close("all")


def test_the_shared_beta_sets_each_familys_own_setting():
    assert set(steps.BETA_SETTINGS) == set(ours.OPTIMIZERS)
    w = torch.zeros(1, requires_grad=True)
    expected = {"SGD": {"momentum": 0}, "Momentum": {"momentum": 0.8},
                "Adagrad": {"lr_decay": 0}, "Adadelta": {"rho": 0.8},
                "RMSprop": {"alpha": 0.8}, "Adam": {"betas": (0.8, 0.999)}}
    for name in ours.OPTIMIZERS:
        opt = ours.make_optimizer(name, [w], 0.1, **steps.beta_settings(name, 0.8))
        assert {k: opt.defaults[k] for k in expected[name]} == expected[name], name
    # Momentum is PyTorch's summing form: its second step is the 0.9711 of section 2
    ws = steps.weight_trace(
        lambda p: ours.make_optimizer("Momentum", p, 0.01, **steps.beta_settings("Momentum", 0.9)), 2)
    assert ws[2] == pytest.approx(0.9711, abs=1e-7)


def test_widget_update_function_and_panel():
    fig, text = owidgets.first_steps_figure("Adam", 0.01, 0.9, 2)
    assert isinstance(fig, Figure)
    assert text.startswith("Adam, lr = 0.01, betas[0] = 0.9: w1 = 0.99000001")
    # the same run by hand: Adam's first step is lr, the second 0.01 * mhat / sqrt(vhat)
    w2 = steps.adam_steps(0.01, betas=(0.9, 0.999))[1].w
    assert float(text.split("w2 = ")[1].split()[0]) == pytest.approx(w2, abs=1e-7)
    _, text_sgd = owidgets.first_steps_figure("SGD", 0.1, 0.9, 3)
    assert "w3 = 0.72899997" in text_sgd  # 0.9^3 in float32
    _, text_rms = owidgets.first_steps_figure("RMSprop", 0.01, 0.9, 1)
    assert text_rms.startswith("RMSprop, lr = 0.01, alpha = 0.9: w1 = 0.96837723")
    panel = owidgets.first_steps_explorer(optimizer="SGD", lr=0.1, steps=3)
    assert panel.controls["optimizer"].options == ours.OPTIMIZERS
    assert repr(panel) == "<lrcourse widget: First steps of an optimizer on w²/2 from w = 1>"
    panel.controls["optimizer"].value = "RMSprop"
    assert panel.message.value.startswith("RMSprop")
    assert len(panel.output.outputs) == 1


def test_exercise_accepts_the_reference_and_rejects_mistakes(capsys):
    assert ex.check_adam_step(ex.solution_adam_step)
    assert "correct" in capsys.readouterr().out

    def stub(*args):
        return ...

    assert not ex.check_adam_step(stub)
    assert "not done yet" in capsys.readouterr().out

    def no_bias_correction(w, g, m, v, t, lr, betas, eps):
        m = betas[0] * m + (1 - betas[0]) * g
        v = betas[1] * v + (1 - betas[1]) * g * g
        return w - lr * m / (math.sqrt(v) + eps), m, v

    assert not ex.check_adam_step(no_bias_correction)
    assert "bias correction" in capsys.readouterr().out

    def eps_inside(w, g, m, v, t, lr, betas, eps):
        m = betas[0] * m + (1 - betas[0]) * g
        v = betas[1] * v + (1 - betas[1]) * g * g
        mh, vh = m / (1 - betas[0] ** t), v / (1 - betas[1] ** t)
        return w - lr * mh / math.sqrt(vh + eps), m, v

    assert not ex.check_adam_step(eps_inside)
    assert "after the square root" in capsys.readouterr().out


@pytest.mark.parametrize("case", ex.ADAM_CASES)
def test_adam_solution_matches_torch_and_lrcourse(case):
    w, g, m, v, t, lr, betas, eps = case
    expected = ex.solution_adam_step(*case)
    for make in (lambda p: torch.optim.Adam(p, lr=lr, betas=betas, eps=eps, foreach=False),
                 lambda p: ours.Adam(p, lr=lr, betas=betas, eps=eps)):
        p = torch.tensor([w], dtype=torch.float64, requires_grad=True)
        opt = make([p])
        opt.state[p] = {
            "step": torch.tensor(float(t - 1), dtype=torch.float64) if t > 1 else torch.tensor(0.0),
            "exp_avg": torch.tensor([m], dtype=torch.float64),
            "exp_avg_sq": torch.tensor([v], dtype=torch.float64),
        }
        if isinstance(opt, ours.Adam):
            opt.state[p]["step"] = t - 1
        p.grad = torch.tensor([g], dtype=torch.float64)
        opt.step()
        got = (float(p.detach()[0]), float(opt.state[p]["exp_avg"][0]),
               float(opt.state[p]["exp_avg_sq"][0]))
        assert got == pytest.approx(expected, rel=1e-12, abs=1e-15)
