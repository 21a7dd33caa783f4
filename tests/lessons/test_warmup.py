"""Tests of the warmup lesson's measurements: Adam's first steps, the spread of its
second-moment estimate and RAdam's rectification, and the sharp-start exercise.

References: torch.optim.RAdam and torch.optim.Adam run by hand, autograd gradients
batch by batch (no vmap), warmup_experiment's own History, gradient descent on a
parabola, and lrcourse.schedules. (The schedule and experiment of the lesson's first
sections are tested in test_decay.py.)
"""

from __future__ import annotations

import math

import pytest
import torch
from torch.nn.functional import cross_entropy

from lrcourse.data import digits_loaders, load_digits
from lrcourse.exercises import warmup as EW
from lrcourse.lessons import warmup as W
from lrcourse.models import digits_mlp
from lrcourse.schedules import linear_warmup_lr


@pytest.fixture(autouse=True)
def float64():
    before = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(before)


# ----------------------------------------------------------------------------------
# RAdam's rectification
# ----------------------------------------------------------------------------------


@pytest.mark.parametrize("beta2", [0.999, 0.98, 0.9])
def test_rectification_is_the_ratio_of_radam_to_adam_steps(beta2):
    """With a constant gradient, m_hat = g and v_hat = g^2: Adam moves by lr per step,
    RAdam by lr * r_t once rho_t > 5, and by lr * m_hat = lr * g before."""
    g, lr = 0.5, 0.01
    w = torch.zeros(1, requires_grad=True)
    radam = torch.optim.RAdam([w], lr=lr, betas=(0.9, beta2), eps=1e-12)
    for t in range(1, 60):
        before = float(w.detach())
        w.grad = torch.full((1,), g)
        radam.step()
        step = before - float(w.detach())
        r = W.radam_rectification(t, beta2)
        if math.isnan(r):
            assert step == pytest.approx(lr * g, rel=1e-9)  # the plain momentum step
        else:
            assert step == pytest.approx(lr * r, rel=1e-9)


def test_rectification_starts_after_five_degrees_of_freedom_and_tends_to_one():
    assert [math.isnan(W.radam_rectification(t)) for t in (1, 5, 6)] == [True, True, False]
    values = [W.radam_rectification(t) for t in range(6, 20_000, 50)]
    assert all(a < b for a, b in zip(values, values[1:], strict=False))
    assert values[-1] == pytest.approx(1.0, abs=1e-6)
    with pytest.raises(ValueError, match="beta2 must be a number in"):
        W.radam_rectification(10, beta2=1.0)
    with pytest.raises(ValueError, match="step must be an integer >= 1"):
        W.radam_rectification(0)


# ----------------------------------------------------------------------------------
# The first steps of the experiment
# ----------------------------------------------------------------------------------


@pytest.mark.parametrize("warmup_steps", [0, 100])
def test_first_steps_are_the_experiment_s_first_steps(warmup_steps):
    run = W.adam_first_steps(warmup_steps, steps=12, seed=1)
    history = W.warmup_experiment(warmup_steps, seed=1)
    assert run.loss == pytest.approx(history.loss[:12], rel=1e-12)
    assert run.lr == pytest.approx(history.lr[:12], rel=1e-12)


def test_the_first_adam_step_moves_every_weight_by_about_the_rate():
    """Step 0 without warmup: m_hat / (sqrt(v_hat) + eps) = g / (|g| + eps) for each weight."""
    run = W.adam_first_steps(0, steps=1, seed=2)
    train_loader, _ = digits_loaders(batch_size=32, seed=0, flat=True)
    x, y = next(iter(train_loader))
    model = digits_mlp(64, 8, seed=2)
    theta_0 = torch.cat([p.detach().flatten() for p in model.parameters()])
    grads = torch.autograd.grad(cross_entropy(model(x), y), list(model.parameters()))
    g = torch.cat([q.flatten() for q in grads])
    ratio = g / (g.abs() + 1e-8)
    assert run.adam_step[0] == pytest.approx(float(ratio.pow(2).mean().sqrt()), rel=1e-9)
    assert run.moved[0] == pytest.approx(float(0.03 * ratio.norm() / theta_0.norm()), rel=1e-9)
    assert run.lr == [0.03]


def test_with_warmup_the_first_step_does_not_move_and_later_ones_move_little():
    warm = W.adam_first_steps(100, steps=10, seed=0)
    cold = W.adam_first_steps(0, steps=10, seed=0)
    assert warm.lr == pytest.approx([W.warmup_cosine_lr(t, 0.03, 100, 360) for t in range(10)])
    assert warm.lr[0] == 0.0 and warm.moved[0] == 0.0
    assert all(w < c / 5 for w, c in zip(warm.moved[1:], cold.moved[1:], strict=True))


def test_sharpness_is_measured_at_the_asked_steps():
    run = W.adam_first_steps(0, steps=3, seed=0, sharpness_at=[0, 2], sharpness_images=64)
    assert run.sharpness_steps == [0, 2] and all(s > 0 for s in run.sharpness)
    with pytest.raises(ValueError, match=r"sharpness_at\[0\] must be an integer in \[0, 2\]"):
        W.adam_first_steps(0, steps=3, sharpness_at=[3])
    with pytest.raises(ValueError, match="lr must be a finite number > 0"):
        W.adam_first_steps(0, lr=0.0)


# ----------------------------------------------------------------------------------
# The spread of the second-moment estimate
# ----------------------------------------------------------------------------------


def test_spread_matches_a_batch_by_batch_loop():
    orders, steps = 3, 4
    got = W.second_moment_spread(seed=1, orders=orders, steps=steps)
    digits = load_digits(seed=0, flat=True)
    model = digits_mlp(64, 8, seed=1)
    params = list(model.parameters())
    rates = []
    for k in range(orders):
        order = torch.randperm(len(digits.x_train), generator=torch.Generator().manual_seed(k))
        v, row = None, []
        for t in range(1, steps + 1):
            idx = order[(t - 1) * 32 : t * 32]
            grads = torch.autograd.grad(
                cross_entropy(model(digits.x_train[idx]), digits.y_train[idx]), params)
            g2 = torch.cat([q.flatten() for q in grads]) ** 2
            v = 0.001 * g2 if v is None else 0.999 * v + 0.001 * g2
            row.append((g2, 1 / ((v / (1 - 0.999**t)).sqrt() + 1e-8)))
        rates.append(row)
    counted = torch.stack([g2 for row in rates for g2, _ in row]).mean(0).sqrt() > 1e-6
    for t in range(steps):
        r = torch.stack([row[t][1] for row in rates])
        spread = (r.std(0) / r.mean(0))[counted].median()
        assert got[t] == pytest.approx(float(spread), rel=1e-9)


def test_spread_shrinks_as_the_estimate_averages_more_batches():
    spread = W.second_moment_spread(seed=0, orders=6, steps=40)
    assert spread[0] > 2 * spread[9] > 4 * spread[39]
    with pytest.raises(ValueError, match="orders must be an integer in"):
        W.second_moment_spread(orders=1)


# ----------------------------------------------------------------------------------
# The exercise: a sharp start
# ----------------------------------------------------------------------------------


def test_sharp_start_solution_agrees_with_gradient_descent_and_the_schedule():
    edge, largest_sharpness, first_step = EW.solution_sharp_start

    def grows(lr, curvature, steps=200):  # gradient descent on curvature/2 * x^2 from x = 1
        x = 1.0
        for _ in range(steps):
            x -= lr * curvature * x
        return abs(x) > 1.0

    assert not grows(edge * 0.999, 6.0) and grows(edge * 1.001, 6.0)
    assert not grows(0.5, largest_sharpness * 0.999) and grows(0.5, largest_sharpness * 1.001)
    rates = [linear_warmup_lr(t, 0.5, 100) for t in range(100)]
    assert first_step == next(t for t, r in enumerate(rates) if r > 2 / 6)


@pytest.mark.parametrize(("wrong", "hint"), [
    ((1 / 6, 4.0, 67), "lands in one step"), ((3.0, 4.0, 67), "not sharpness / 2"),
    ((1 / 3, 2.0, 67), "sharpness < 2 / 0.5"), ((1 / 3, 0.25, 67), "not lr / 2"),
    ((1 / 3, 4.0, 66.67), "count whole steps"), ((1 / 3, 4.0, 34), "not at 33"),
    ((1 / 3, 4.0, 66), "step 66 gives"), ((0.33, 4.0, 67), "as a fraction"),
])
def test_sharp_start_checker_names_the_mistake(wrong, hint, capsys):
    assert EW.check_sharp_start(EW.solution_sharp_start)
    assert EW.check_sharp_start((2 / 6, 2 / 0.5, 67)) and EW.check_sharp_start((0.333, 4, 67))
    assert not EW.check_sharp_start(wrong)
    assert hint in capsys.readouterr().out
