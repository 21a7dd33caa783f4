"""Tests of lrcourse.schedules against torch.optim.lr_scheduler, torch.optim.Adagrad,
the course's numbers, hand arithmetic and properties over many settings."""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Callable
from functools import partial

import numpy as np
import pytest
import torch
from hypothesis import assume, given
from hypothesis import strategies as st
from torch.optim import lr_scheduler as L

from lrcourse import schedules as S

STEPS = 1000  # scheduler steps per comparison; rates at t = 0 .. STEPS are compared
REL = 1e-12


# ----------------------------------------------------------------------------------
# The reference: a real torch optimizer driven by a real torch scheduler
# ----------------------------------------------------------------------------------


def torch_rates(make: Callable, steps: int = STEPS, lrs: tuple[float, ...] = (0.1,)):
    """Rates of every param group at t = 0 .. steps, read with get_last_lr().

    One parameter per group with a gradient of 1, and the order the lessons teach:
    optimizer.step(), then scheduler.step(). The rate read at t is also checked to be
    the one the optimizer holds when it takes step t.
    """
    params = [torch.zeros(1, requires_grad=True) for _ in lrs]
    opt = torch.optim.SGD([{"params": [p], "lr": lr} for p, lr in zip(params, lrs, strict=True)])
    sched = make(opt)
    rates = []
    for t in range(steps + 1):
        last = sched.get_last_lr()
        assert last == [g["lr"] for g in opt.param_groups]
        rates.append(list(last))
        if t < steps:
            for p in params:
                p.grad = torch.ones(1)
            opt.step()
            sched.step()
    return rates if len(lrs) > 1 else [r[0] for r in rates]


def assert_rates_close(ours: list[float], ref: list[float], rel: float = REL) -> None:
    assert len(ours) == len(ref)
    for t, (a, b) in enumerate(zip(ours, ref, strict=True)):
        assert math.isclose(a, b, rel_tol=rel, abs_tol=0.0), f"t={t}: ours {a!r}, torch {b!r}"


# ----------------------------------------------------------------------------------
# Each schedule equals its PyTorch scheduler over 1000 steps, to 1e-12 relative
# ----------------------------------------------------------------------------------

LR = 0.1
W = 100
BOUNDS = [300, 600, 900]

# (id, our rate as a function of t, the torch scheduler built on an optimizer with lr=LR)
TWINS = [
    ("step_50_0.5", partial(S.step_lr, base_lr=LR, step_size=50, gamma=0.5),
     lambda o: L.StepLR(o, step_size=50, gamma=0.5)),
    ("step_30_0.1", partial(S.step_lr, base_lr=LR, step_size=30),
     lambda o: L.StepLR(o, step_size=30)),
    ("step_1_0.99", partial(S.step_lr, base_lr=LR, step_size=1, gamma=0.99),
     lambda o: L.StepLR(o, step_size=1, gamma=0.99)),
    ("multistep_course", partial(S.multistep_lr, base_lr=LR, milestones=[50, 125, 160], gamma=0.5),
     lambda o: L.MultiStepLR(o, milestones=[50, 125, 160], gamma=0.5)),
    ("multistep_30_80", partial(S.multistep_lr, base_lr=LR, milestones=[30, 80]),
     lambda o: L.MultiStepLR(o, milestones=[30, 80])),
    ("multistep_edges", partial(S.multistep_lr, base_lr=LR, milestones=[0, 1, 999, 1000], gamma=0.3),
     lambda o: L.MultiStepLR(o, milestones=[0, 1, 999, 1000], gamma=0.3)),
    ("exponential_0.95", partial(S.exponential_lr, base_lr=LR, gamma=0.95),
     lambda o: L.ExponentialLR(o, gamma=0.95)),
    ("exponential_0.999", partial(S.exponential_lr, base_lr=LR, gamma=0.999),
     lambda o: L.ExponentialLR(o, gamma=0.999)),
    ("exponential_1.003", partial(S.exponential_lr, base_lr=LR, gamma=1.003),
     lambda o: L.ExponentialLR(o, gamma=1.003)),
    ("cosine_1000", partial(S.cosine_lr, base_lr=LR, total_steps=1000),
     lambda o: L.CosineAnnealingLR(o, T_max=1000)),
    ("cosine_1000_min", partial(S.cosine_lr, base_lr=LR, total_steps=1000, min_lr=1e-3),
     lambda o: L.CosineAnnealingLR(o, T_max=1000, eta_min=1e-3)),
    ("cosine_2000_half_way", partial(S.cosine_lr, base_lr=LR, total_steps=2000, min_lr=0.05),
     lambda o: L.CosineAnnealingLR(o, T_max=2000, eta_min=0.05)),
    ("linear_warmup_0.1", partial(S.linear_warmup_lr, base_lr=LR, warmup_steps=250, start_factor=0.1),
     lambda o: L.LinearLR(o, start_factor=0.1, total_iters=250)),
    ("linear_warmup_third", partial(S.linear_warmup_lr, base_lr=LR, warmup_steps=5, start_factor=1 / 3),
     lambda o: L.LinearLR(o, start_factor=1 / 3, total_iters=5)),
    ("linear_warmup_1e-3", partial(S.linear_warmup_lr, base_lr=LR, warmup_steps=1000, start_factor=1e-3),
     lambda o: L.LinearLR(o, start_factor=1e-3, total_iters=1000)),
    ("linear_warmup_then_constant",
     partial(S.linear_warmup_lr, base_lr=LR, warmup_steps=400, start_factor=0.25),
     lambda o: L.SequentialLR(o, [L.LinearLR(o, start_factor=0.25, total_iters=400),
                                  L.ConstantLR(o, factor=1.0, total_iters=0)], milestones=[400])),
    ("constant_warmup_resnet", partial(S.constant_warmup_lr, base_lr=LR, warmup_steps=400, warmup_lr=0.01),
     lambda o: L.ConstantLR(o, factor=0.1, total_iters=400)),
    ("warmup_piecewise", partial(S.warmup_piecewise_lr, base_lr=LR, warmup_steps=W, boundaries=BOUNDS),
     lambda o: L.SequentialLR(o, [L.LinearLR(o, start_factor=0.1, total_iters=W),
                                  L.MultiStepLR(o, [b - W for b in BOUNDS], gamma=0.1)],
                              milestones=[W])),
    ("warmup_piecewise_4gpus",
     partial(S.warmup_piecewise_lr, base_lr=LR, warmup_steps=50, boundaries=[800, 1600, 2400],
             values=[LR, LR / 2, LR / 4, LR / 8], num_gpus=4),
     lambda o: L.SequentialLR(o, [L.LinearLR(o, start_factor=0.1, total_iters=50),
                                  L.MultiStepLR(o, [200 - 50, 400 - 50, 600 - 50], gamma=0.5)],
                              milestones=[50])),
    ("clr_triangular", partial(S.cyclical_lr, base_lr=1e-4, max_lr=1e-3, step_size=100),
     lambda o: L.CyclicLR(o, 1e-4, 1e-3, step_size_up=100, cycle_momentum=False)),
    ("clr_triangular_from_0", partial(S.cyclical_lr, base_lr=0.0, max_lr=1e-3, step_size=37),
     lambda o: L.CyclicLR(o, 0.0, 1e-3, step_size_up=37, cycle_momentum=False)),
    ("clr_triangular2", partial(S.cyclical_lr, base_lr=1e-4, max_lr=1e-3, step_size=100, mode="triangular2"),
     lambda o: L.CyclicLR(o, 1e-4, 1e-3, step_size_up=100, mode="triangular2", cycle_momentum=False)),
    ("clr_exp_range",
     partial(S.cyclical_lr, base_lr=1e-4, max_lr=1e-3, step_size=100, mode="exp_range", gamma=0.997),
     lambda o: L.CyclicLR(o, 1e-4, 1e-3, step_size_up=100, mode="exp_range", gamma=0.997,
                          cycle_momentum=False)),
    ("one_cycle_default", partial(S.one_cycle_lr, max_lr=LR, total_steps=STEPS),
     lambda o: L.OneCycleLR(o, max_lr=LR, total_steps=STEPS)),
    ("restarts_T0_100", partial(S.cosine_restarts_lr, base_lr=LR, T_0=100),
     lambda o: L.CosineAnnealingWarmRestarts(o, T_0=100)),
    ("restarts_T0_10_Tmult_2_min", partial(S.cosine_restarts_lr, base_lr=LR, T_0=10, T_mult=2,
                                           eta_min=1e-3),
     lambda o: L.CosineAnnealingWarmRestarts(o, T_0=10, T_mult=2, eta_min=1e-3)),
]


@pytest.mark.parametrize(("ours", "make"), [t[1:] for t in TWINS], ids=[t[0] for t in TWINS])
def test_schedule_equals_its_torch_scheduler_over_1000_steps(ours, make):
    ref = torch_rates(make)
    assert_rates_close([ours(t) for t in range(STEPS + 1)], ref)


def test_every_schedule_has_a_torch_twin_in_the_table():
    covered = {t[1].func for t in TWINS}
    pure = {S.step_lr, S.multistep_lr, S.exponential_lr, S.cosine_lr, S.linear_warmup_lr,
            S.constant_warmup_lr, S.warmup_piecewise_lr, S.cyclical_lr, S.one_cycle_lr,
            S.cosine_restarts_lr}
    # inverse_time_lr has no torch scheduler: it is checked against Adagrad below.
    assert pure <= covered


def test_cosine_recursive_form_stays_within_1e12_of_the_closed_form():
    """PyTorch updates the cosine recursively (ratio of consecutive cosines); its own
    closed form and ours agree exactly, and the recursion drifts only ~1e-14."""
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=LR)
    sched = L.CosineAnnealingLR(opt, T_max=STEPS, eta_min=1e-3)
    closed = []
    for t in range(STEPS + 1):
        sched.last_epoch = t
        closed.append(sched._get_closed_form_lr()[0])
    ours = [S.cosine_lr(t, LR, STEPS, 1e-3) for t in range(STEPS + 1)]
    assert ours == closed
    recursive = torch_rates(lambda o: L.CosineAnnealingLR(o, T_max=STEPS, eta_min=1e-3))
    assert_rates_close(recursive, closed)
    assert recursive != closed  # they do differ in the last bits: rounding accumulates


def test_cosine_stays_at_min_lr_after_total_steps_where_torch_climbs_back():
    ref = torch_rates(lambda o: L.CosineAnnealingLR(o, T_max=300, eta_min=1e-3), steps=600)
    ours = [S.cosine_lr(t, LR, 300, 1e-3) for t in range(601)]
    assert_rates_close(ours[:301], ref[:301])
    assert ours[301:] == [1e-3] * 300
    assert math.isclose(ref[600], LR, rel_tol=1e-12)  # torch: back to base_lr at 2 * T_max


# ----------------------------------------------------------------------------------
# One-cycle: rate and momentum equal OneCycleLR's, at every step, for every shape
# ----------------------------------------------------------------------------------


def torch_one_cycle(total_steps: int, optimizer: str = "SGD", **settings) -> tuple[list, list]:
    """Rates and momenta (SGD's momentum, or Adam's first beta) OneCycleLR sets at
    t = 0 .. total_steps, stepping as a training loop does (optimizer, then scheduler)."""
    w = torch.zeros(1, requires_grad=True)
    opt = (torch.optim.SGD([w], lr=LR, momentum=0.5) if optimizer == "SGD"
           else torch.optim.Adam([w], lr=LR))
    sched = L.OneCycleLR(opt, total_steps=total_steps, **settings)
    rates, momenta = [], []
    for t in range(total_steps + 1):
        group = opt.param_groups[0]
        assert sched.get_last_lr() == [group["lr"]]
        rates.append(group["lr"])
        momenta.append(group["momentum"] if optimizer == "SGD" else group["betas"][0])
        if t < total_steps:
            w.grad = torch.ones(1)
            opt.step()
            sched.step()
    return rates, momenta


ONE_CYCLE_STEPS = [1000, 1234, 3, 4, 7, 23, 100]


@pytest.mark.parametrize("total_steps", ONE_CYCLE_STEPS)
@pytest.mark.parametrize("three_phase", [False, True])
@pytest.mark.parametrize("anneal_strategy", ["cos", "linear"])
def test_one_cycle_rate_and_momentum_equal_onecyclelr(anneal_strategy, three_phase, total_steps):
    shape = dict(anneal_strategy=anneal_strategy, three_phase=three_phase)
    rates, momenta = torch_one_cycle(total_steps, max_lr=0.3, **shape)
    ours = [S.one_cycle_lr(t, 0.3, total_steps, **shape) for t in range(total_steps + 1)]
    mine = [S.one_cycle_momentum(t, total_steps, **shape) for t in range(total_steps + 1)]
    # t = 0 .. T - 1 are the batches; t = T is the rate PyTorch sets after the last one.
    assert_rates_close(ours, rates)
    assert_rates_close(mine, momenta)


@pytest.mark.parametrize(
    "settings",
    [dict(pct_start=0.25, div_factor=10.0, final_div_factor=100.0),
     dict(pct_start=0.5, three_phase=True, anneal_strategy="linear"),
     dict(pct_start=0.0), dict(pct_start=0.45, three_phase=True),
     dict(pct_start=0.7, anneal_strategy="linear", div_factor=3.0)],
    ids=["divs", "paper_half", "no_warmup", "three_0.45", "late_peak"])
@pytest.mark.parametrize("total_steps", [1, 3, 5, 11, 1000])
def test_one_cycle_other_settings_and_tiny_trainings_equal_onecyclelr(settings, total_steps):
    momentum = dict(base_momentum=0.8, max_momentum=0.9)
    rates, momenta = torch_one_cycle(total_steps, max_lr=1.5, **settings, **momentum)
    shape = {k: v for k, v in settings.items() if k in ("pct_start", "anneal_strategy",
                                                       "three_phase")}
    ours = [S.one_cycle_lr(t, 1.5, total_steps, **settings) for t in range(total_steps + 1)]
    mine = [S.one_cycle_momentum(t, total_steps, **shape, **momentum)
            for t in range(total_steps + 1)]
    assert_rates_close(ours, rates)
    assert_rates_close(mine, momenta)


def test_one_cycle_momentum_is_adams_first_beta_too():
    _, betas = torch_one_cycle(500, optimizer="Adam", max_lr=0.01)
    assert_rates_close([S.one_cycle_momentum(t, 500) for t in range(501)], betas)


def test_one_cycle_course_numbers_by_hand():
    """Syllabus L: from max_lr/25 up to max_lr over 30% of the steps, down to
    max_lr/25/1e4; momentum 0.95 -> 0.85 -> 0.95."""
    T, top = 1000, 0.1
    f = partial(S.one_cycle_lr, max_lr=top, total_steps=T)
    m = partial(S.one_cycle_momentum, total_steps=T)
    close = partial(math.isclose, rel_tol=1e-12)
    assert close(f(0), top / 25) and close(f(299), top) and close(f(999), top / 25 / 1e4)
    assert close(m(0), 0.95) and close(m(299), 0.85) and close(m(999), 0.95)
    assert f(298) < f(299) > f(300) and m(298) > m(299) < m(300)
    # half-way up (x = 1/2 of phase 1): the cosine is half-way between the ends
    assert math.isclose(S.one_cycle_lr(5, 1.0, 20, pct_start=0.55), (1 / 25 + 1) / 2)
    # linear, three phases: e_1 = 299, e_2 = 598, symmetric about the peak
    g = partial(S.one_cycle_lr, max_lr=top, total_steps=T, anneal_strategy="linear",
                three_phase=True)
    assert math.isclose(g(150), top / 25 + (top - top / 25) * 150 / 299)
    assert math.isclose(g(299 + 150), top - (top - top / 25) * 150 / 299)
    assert math.isclose(g(598), top / 25) and math.isclose(g(999), top / 25 / 1e4)
    assert math.isclose(S.one_cycle_momentum(700, T, three_phase=True), 0.95)


def test_one_cycle_refuses_where_onecyclelr_divides_by_zero():
    # pct_start * total_steps = 1: the first phase ends where it starts, at step 0.
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1, momentum=0.9)
    with pytest.raises(ZeroDivisionError):
        L.OneCycleLR(opt, max_lr=0.1, total_steps=10, pct_start=0.1)
    with pytest.raises(ValueError, match=r"pct_start=0\.1 with total_steps=10"):
        S.one_cycle_lr(0, 0.1, total_steps=10, pct_start=0.1)
    with pytest.raises(ValueError, match="pct_start"):
        S.one_cycle_momentum(5, total_steps=10, pct_start=0.1)
    # pct_start = 1: the second phase has no length; PyTorch fails at its last step() only.
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1, momentum=0.9)
    sched = L.OneCycleLR(opt, max_lr=0.1, total_steps=10, pct_start=1.0)
    for _ in range(1, 10):  # every batch of the training gets its rate ...
        opt.step()
        sched.step()
    opt.step()  # ... but the step() after the last batch fails
    with pytest.raises(ZeroDivisionError):
        sched.step()
    for t in (0, 5, 10):  # a schedule that fails mid-training is refused at every step
        with pytest.raises(ValueError, match="phase 2 of the cycle no length"):
            S.one_cycle_lr(t, 0.1, 10, pct_start=1.0)
    # three phases with 2 p T - 2 = T - 1: the third phase has no length
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1, momentum=0.9)
    sched = L.OneCycleLR(opt, max_lr=0.1, total_steps=9, pct_start=5 / 9, three_phase=True)
    with pytest.raises(ZeroDivisionError):
        for _ in range(9):
            opt.step()
            sched.step()
    with pytest.raises(ValueError, match="phase 3 of the cycle no length"):
        S.one_cycle_momentum(2, 9, pct_start=5 / 9, three_phase=True)


def test_one_cycle_refuses_steps_beyond_total_steps_like_onecyclelr():
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1, momentum=0.9)
    sched = L.OneCycleLR(opt, max_lr=0.1, total_steps=5)
    for _ in range(5):
        opt.step()
        sched.step()
    opt.step()
    with pytest.raises(ValueError, match="Tried to step 6 times"):
        sched.step()
    assert isinstance(S.one_cycle_lr(5, 0.1, 5), float)
    with pytest.raises(ValueError, match=r"step must be an integer in \[0, 5\], got 6"):
        S.one_cycle_lr(6, 0.1, 5)


@given(st.integers(2, 5000), st.floats(0.01, 0.99), st.sampled_from(S.ANNEAL_STRATEGIES),
       st.booleans(), st.data())
def test_one_cycle_stays_between_its_floor_and_max_lr(total, pct, strategy, three, data):
    assume(pct * total != 1 and (not three or 2 * pct * total != total + 1))
    t = data.draw(st.integers(0, total - 1))
    lr = S.one_cycle_lr(t, 1.0, total, pct, strategy, three_phase=three)
    m = S.one_cycle_momentum(t, total, pct, strategy, three_phase=three)
    floor = 1 / 25 / 1e4
    # PyTorch's phase ends are not integers when pct * total is not: a rate can sit a
    # rounding step outside the ends, never more.
    assert floor * (1 - 1e-12) <= lr <= 1.0 * (1 + 1e-12)
    assert 0.85 - 1e-12 <= m <= 0.95 + 1e-12


# ----------------------------------------------------------------------------------
# Cosine annealing with warm restarts
# ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("T_0", "T_mult", "eta_min"),
                         [(1, 1, 0.0), (7, 1, 1e-3), (10, 2, 0.0), (3, 3, 0.02), (50, 2, 1e-4)])
def test_cosine_restarts_equal_cosineannealingwarmrestarts_over_3000_steps(T_0, T_mult, eta_min):
    ref = torch_rates(lambda o: L.CosineAnnealingWarmRestarts(o, T_0, T_mult, eta_min), steps=3000)
    assert_rates_close([S.cosine_restarts_lr(t, LR, T_0, T_mult, eta_min) for t in range(3001)],
                       ref)


def test_cosine_restarts_by_hand():
    f = partial(S.cosine_restarts_lr, base_lr=0.1, T_0=10, T_mult=2)
    restarts = [t for t in range(1, 200) if f(t) > f(t - 1)]
    assert restarts == [10, 30, 70, 150]  # cycles of 10, 20, 40, 80 epochs
    assert all(f(t) == 0.1 for t in [0, *restarts])
    assert math.isclose(f(20), 0.05)  # half-way through the 20-epoch cycle
    assert math.isclose(f(29), 0.1 * (1 + math.cos(math.pi * 19 / 20)) / 2)
    g = partial(S.cosine_restarts_lr, base_lr=0.1, T_0=25, eta_min=0.01)
    assert [g(t) for t in range(25)] == [g(t + 25 * k) for k in (1, 7) for t in range(25)][:25]
    assert math.isclose(g(10), 0.01 + 0.09 * (1 + math.cos(math.pi * 10 / 25)) / 2)
    # T_0 = total_steps and no restart yet: cosine_lr's curve
    assert all(math.isclose(S.cosine_restarts_lr(t, 0.1, 300), S.cosine_lr(t, 0.1, 300),
                            rel_tol=1e-15) for t in range(300))


@given(st.floats(1e-6, 10.0), st.integers(1, 500), st.integers(1, 4), st.floats(0.0, 1.0),
       st.integers(0, 10**6))
def test_cosine_restarts_stay_between_eta_min_and_base_lr(base, T_0, T_mult, fraction, t):
    lr = S.cosine_restarts_lr(t, base, T_0, T_mult, eta_min=fraction * base)
    assert fraction * base * (1 - 1e-12) <= lr <= base


# ----------------------------------------------------------------------------------
# inverse_time_lr is Adagrad's lr_decay rule
# ----------------------------------------------------------------------------------


def test_inverse_time_lr_is_adagrads_lr_decay_rule():
    lr, lr_decay, eps = 0.1, 0.05, 1e-10
    a = torch.tensor([0.5, 2.0, -1.0], dtype=torch.float64)
    b = torch.tensor([1.0, -0.3, 0.2], dtype=torch.float64)
    w = torch.tensor([1.0, -2.0, 0.5], dtype=torch.float64, requires_grad=True)
    opt = torch.optim.Adagrad([w], lr=lr, lr_decay=lr_decay, eps=eps)
    w_ref = w.detach().clone()
    s = torch.zeros_like(w_ref)
    for k in range(1, 201):
        opt.zero_grad()
        (a * w**2 / 2 + b * w).sum().backward()  # gradient a * w + b
        opt.step()
        g = a * w_ref + b
        s += g * g
        clr = S.inverse_time_lr(k - 1, lr, lr_decay)
        assert clr == lr / (1 + (k - 1) * lr_decay)  # torch's own formula, by hand
        w_ref = w_ref - clr * g / (s.sqrt() + eps)
        torch.testing.assert_close(w.detach(), w_ref, rtol=1e-12, atol=0.0)


def test_inverse_time_lr_hand_values():
    assert S.inverse_time_lr(0, 0.1, 0.5) == 0.1
    assert S.inverse_time_lr(2, 0.1, 0.5) == 0.05  # 0.1 / (1 + 1)
    assert math.isclose(S.inverse_time_lr(9, 1.0, 1 / 3), 0.25)  # 1 / (1 + 3)
    assert S.inverse_time_lr(1000, 0.1, 0.0) == 0.1


# ----------------------------------------------------------------------------------
# The course's numbers (decay, warmup and cyclical lessons)
# ----------------------------------------------------------------------------------


def course_epochs(make: Callable, epochs: int = 200, iterations: int = 10) -> list[float]:
    """Lesson F's set-up: SGD(lr=0.1, momentum=0.9) on (w*x - y)^2 / 2 with x = 1, y = 0,
    10 iterations per epoch, the scheduler stepped once per epoch."""
    x, y = torch.tensor([1.0]), torch.tensor([0.0])
    w = torch.tensor([1.0], requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.1, momentum=0.9)
    sched = make(opt)
    rates = []
    for _ in range(epochs):
        rates.append(opt.param_groups[0]["lr"])
        for _ in range(iterations):
            loss = (w * x - y) ** 2 / 2
            opt.zero_grad()
            loss.backward()
            opt.step()
        sched.step()
    return rates


def test_course_step_decay_halves_every_50_epochs():
    ours = [S.step_lr(e, 0.1, step_size=50, gamma=0.5) for e in range(200)]
    assert_rates_close(ours, course_epochs(lambda o: L.StepLR(o, step_size=50, gamma=0.5)))
    assert ours[0] == ours[49] == 0.1
    assert ours[50] == ours[99] == 0.05
    assert ours[100] == ours[149] == 0.025
    assert ours[150] == ours[199] == 0.0125


def test_course_milestones_50_125_160():
    ours = [S.multistep_lr(e, 0.1, [50, 125, 160], gamma=0.5) for e in range(200)]
    assert_rates_close(ours, course_epochs(lambda o: L.MultiStepLR(o, [50, 125, 160], 0.5)))
    assert (ours[49], ours[50], ours[124], ours[125], ours[159], ours[160]) == (
        0.1, 0.05, 0.05, 0.025, 0.025, 0.0125)


def test_course_exponential_0_95():
    ours = [S.exponential_lr(e, 0.1, gamma=0.95) for e in range(200)]
    assert_rates_close(ours, course_epochs(lambda o: L.ExponentialLR(o, gamma=0.95)))
    assert math.isclose(ours[1], 0.095)
    assert math.isclose(ours[2], 0.09025)
    assert math.isclose(ours[199], 0.1 * 0.95**199)


def test_halve_every_n_and_multiply_every_n_are_step_lr():
    n, rate = 7, 0.8
    for e in range(60):
        assert S.step_lr(e, 0.1, step_size=n, gamma=0.5) == 0.1 / 2 ** (e // n)
        assert math.isclose(S.step_lr(e, 0.1, step_size=n, gamma=rate), 0.1 * rate ** (e // n))
    # the smooth version is exponential_lr with gamma = rate ** (1 / n)
    assert math.isclose(S.exponential_lr(3 * n, 0.1, rate ** (1 / n)), 0.1 * rate**3)


def test_course_gradual_warmup_2500_of_15000_steps():
    """Goyal et al.'s warmup, t / W * lr while t < W, as lesson 09's loop writes it."""
    warmup, total, init_lr = 2500, 15000, 0.1
    naive = []
    for train_steps in range(total):
        if warmup and train_steps < warmup:
            naive.append(init_lr * (train_steps / warmup))
        else:
            naive.append(init_lr)
    ours = S.schedule_values(S.linear_warmup_lr, total, base_lr=init_lr, warmup_steps=warmup)
    assert_rates_close(ours, naive)
    lam = torch_rates(lambda o: L.LambdaLR(o, lambda t: min(1.0, t / warmup)), steps=total - 1)
    assert_rates_close(ours, lam)
    assert ours[0] == 0.0 and ours[1250] == 0.05 and ours[2500] == ours[-1] == 0.1


def test_torch_linear_lr_refuses_start_factor_0():
    """Why linear_warmup_lr's Goyal shape needs LambdaLR (or our adapter) in PyTorch."""
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    with pytest.raises(ValueError):
        L.LinearLR(opt, start_factor=0.0, total_iters=2500)


def test_course_resnet_constant_warmup():
    ours = S.schedule_values(S.constant_warmup_lr, 1000, base_lr=0.1, warmup_steps=400,
                             warmup_lr=0.01)
    assert ours[:400] == [0.01] * 400 and ours[400:] == [0.1] * 600


def test_course_warmup_then_piecewise_formula_by_hand():
    lr, warmup = 0.1, 1000
    boundaries, values = [4000, 8000, 12000], [lr, lr / 10, lr / 100, lr / 1000]
    f = partial(S.warmup_piecewise_lr, base_lr=lr, warmup_steps=warmup, boundaries=boundaries,
                values=values)
    for t in (0, 1, 500, 999):
        assert math.isclose(f(t), 0.1 * lr + (lr - 0.1 * lr) * t / warmup, rel_tol=1e-15)
    assert f(0) == pytest.approx(0.01) and f(500) == pytest.approx(0.055)
    assert (f(1000), f(3999), f(4000), f(7999), f(8000), f(12000), f(10**6)) == (
        lr, lr, lr / 10, lr / 10, lr / 100, lr / 1000, lr / 1000)
    # the default values are lr, lr/10, lr/100, lr/1000
    g = partial(S.warmup_piecewise_lr, base_lr=lr, warmup_steps=warmup, boundaries=boundaries)
    for t in (1000, 4000, 8000, 12000):
        assert math.isclose(g(t), f(t), rel_tol=1e-15)


def test_boundaries_divided_by_the_number_of_gpus():
    assert S.boundaries_per_gpu([60000, 80000, 100000], 4) == [15000, 20000, 25000]
    assert S.boundaries_per_gpu([10, 21], 2) == [5, 10]  # floor division, as in lesson G
    one = partial(S.warmup_piecewise_lr, base_lr=0.1, warmup_steps=10, boundaries=[100, 200])
    four = partial(S.warmup_piecewise_lr, base_lr=0.1, warmup_steps=10,
                   boundaries=[400, 800], num_gpus=4)
    assert [one(t) for t in range(300)] == [four(t) for t in range(300)]


def test_course_clr_1e4_to_1e3_step_100():
    f = partial(S.cyclical_lr, base_lr=1e-4, max_lr=1e-3, step_size=100)
    assert f(0) == 1e-4 and f(100) == 1e-3 and f(200) == 1e-4 and f(300) == 1e-3
    assert math.isclose(f(50), 5.5e-4) and math.isclose(f(150), 5.5e-4)
    assert math.isclose(f(25), 1e-4 + 9e-4 / 4)
    # the full cycle is 200 iterations
    values = S.schedule_values(f, 1000)
    for t in range(800):
        assert math.isclose(values[t], values[t + 200], rel_tol=1e-12)
    # triangular2: peaks 1e-3, 5.5e-4, 3.25e-4 (the height 9e-4 halves)
    g = partial(f, mode="triangular2")
    assert [round(g(t), 12) for t in (100, 300, 500)] == [1e-3, 5.5e-4, 3.25e-4]


# ----------------------------------------------------------------------------------
# The adapter: any schedule drives any torch optimizer
# ----------------------------------------------------------------------------------


def test_adapter_with_step_lr_gives_the_same_rates_as_step_lr_scheduler():
    ours = torch_rates(lambda o: S.as_lambda_lr(o, S.step_lr, step_size=50, gamma=0.5))
    ref = torch_rates(lambda o: L.StepLR(o, step_size=50, gamma=0.5))
    assert_rates_close(ours, ref)


def test_adapter_keeps_each_param_groups_own_base_lr():
    lrs = (0.1, 0.003, 2.5)
    ours = torch_rates(lambda o: S.as_lambda_lr(o, S.multistep_lr, milestones=[30, 80]), lrs=lrs)
    ref = torch_rates(lambda o: L.MultiStepLR(o, milestones=[30, 80]), lrs=lrs)
    for t in range(STEPS + 1):
        assert_rates_close(ours[t], ref[t])


ADAPTED = [t for t in TWINS
           if t[0] in ("cosine_1000_min", "linear_warmup_0.1", "warmup_piecewise", "clr_triangular2")]


@pytest.mark.parametrize(("ours", "make"), [t[1:] for t in ADAPTED], ids=[t[0] for t in ADAPTED])
def test_adapter_matches_other_torch_twins(ours, make):
    base = ours.keywords["base_lr"]
    kwargs = {k: v for k, v in ours.keywords.items() if k != "base_lr"}
    adapted = torch_rates(lambda o: S.as_lambda_lr(o, ours.func, **kwargs), lrs=(base,))
    # CyclicLR sets the group's rate to base_lr itself; the others start from lr=LR = base.
    assert_rates_close(adapted, torch_rates(make, lrs=(base,)), rel=1e-12)


def test_adapter_drives_adagrad_like_its_lr_decay():
    """inverse_time_lr through LambdaLR on a plain Adagrad = Adagrad's own lr_decay."""
    def run(lr_decay: float, with_schedule: bool) -> torch.Tensor:
        w = torch.tensor([1.0, -2.0], dtype=torch.float64, requires_grad=True)
        opt = torch.optim.Adagrad([w], lr=0.1, lr_decay=lr_decay)
        sched = S.as_lambda_lr(opt, S.inverse_time_lr, decay_rate=0.05) if with_schedule else None
        for _ in range(100):
            opt.zero_grad()
            (w**2 / 2).sum().backward()
            opt.step()
            if sched is not None:
                sched.step()
        return w.detach()

    torch.testing.assert_close(run(0.0, True), run(0.05, False), rtol=1e-12, atol=0.0)


def test_adapter_state_dict_resumes_the_schedule():
    def make():
        opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
        return opt, S.as_lambda_lr(opt, S.cosine_lr, total_steps=100)

    opt, sched = make()
    for _ in range(40):
        opt.step()
        sched.step()
    opt2, sched2 = make()
    sched2.load_state_dict(sched.state_dict())
    opt2.step()
    sched2.step()
    assert math.isclose(sched2.get_last_lr()[0], S.cosine_lr(41, 0.1, 100), rel_tol=1e-12)


def test_adapter_refuses_a_zero_rate_group():
    opt = torch.optim.SGD([{"params": [torch.zeros(1, requires_grad=True)], "lr": 0.1},
                           {"params": [torch.zeros(1, requires_grad=True)], "lr": 0.0}])
    with pytest.raises(ValueError, match=re.escape("param_groups[1]['lr']")):
        S.as_lambda_lr(opt, S.step_lr, step_size=10)


def test_adapter_refuses_base_lr_and_bad_settings_before_training():
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    with pytest.raises(ValueError, match="base_lr"):
        S.as_lambda_lr(opt, S.step_lr, base_lr=0.1, step_size=10)
    with pytest.raises(ValueError, match="step_size"):
        S.as_lambda_lr(opt, S.step_lr, step_size=0)
    with pytest.raises(ValueError, match="optimizer"):
        S.as_lambda_lr("sgd", S.step_lr, step_size=10)
    with pytest.raises(ValueError, match="schedule"):
        S.as_lambda_lr(opt, 0.1, step_size=10)
    assert opt.param_groups[0]["lr"] == 0.1  # nothing was attached


# ----------------------------------------------------------------------------------
# Plotting helpers, and the pitfall they avoid
# ----------------------------------------------------------------------------------


def test_stepping_a_torch_scheduler_to_plot_it_uses_it_up_but_schedule_values_cannot():
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    sched = L.StepLR(opt, step_size=50, gamma=0.5)
    plotted = []
    for _ in range(200):  # the buggy plot helper: it steps the training scheduler
        plotted.append(sched.get_last_lr()[0])
        opt.step()
        sched.step()
    assert opt.param_groups[0]["lr"] == 0.1 * 0.5**4  # training would start at the end
    first = S.schedule_values(S.step_lr, 200, base_lr=0.1, step_size=50, gamma=0.5)
    second = S.schedule_values(S.step_lr, 200, base_lr=0.1, step_size=50, gamma=0.5)
    assert first == second
    assert_rates_close(first, plotted)


def test_schedule_values_accepts_a_count_or_explicit_steps():
    kw = dict(base_lr=0.1, step_size=2, gamma=0.5)
    assert S.schedule_values(S.step_lr, 5, **kw) == [S.step_lr(t, **kw) for t in range(5)]
    assert S.schedule_values(S.step_lr, [4, 0, 2], **kw) == [0.025, 0.1, 0.05]
    assert S.schedule_values(S.step_lr, 0, **kw) == []
    assert all(type(v) is float for v in S.schedule_values(S.step_lr, range(3), **kw))


def test_torch_schedule_values_uses_a_throwaway_optimizer():
    make = partial(L.CyclicLR, base_lr=1e-4, max_lr=1e-3, step_size_up=100, cycle_momentum=False)
    got = S.torch_schedule_values(make, 401)
    assert got == torch_rates(make, steps=400)
    assert got == S.torch_schedule_values(make, 401)  # fresh each time
    assert_rates_close(S.schedule_values(S.cyclical_lr, 401, base_lr=1e-4, max_lr=1e-3,
                                         step_size=100), got)


# ----------------------------------------------------------------------------------
# PyTorch behaviour the lessons warn about
# ----------------------------------------------------------------------------------


def test_cyclic_lr_default_cycle_momentum_turns_momentum_on():
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1, momentum=0.0)
    L.CyclicLR(opt, base_lr=1e-4, max_lr=1e-3, step_size_up=100)
    assert opt.param_groups[0]["momentum"] == 0.9  # silently, from max_momentum
    assert opt.param_groups[0]["lr"] == 1e-4  # and the optimizer's own lr is replaced
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1, momentum=0.0)
    L.CyclicLR(opt, base_lr=1e-4, max_lr=1e-3, step_size_up=100, cycle_momentum=False)
    assert opt.param_groups[0]["momentum"] == 0.0


def test_get_lr_outside_step_is_not_the_current_rate():
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    sched = L.ExponentialLR(opt, gamma=0.5)
    for _ in range(3):
        opt.step()
        sched.step()
    assert sched.get_last_lr() == [S.exponential_lr(3, 0.1, 0.5)]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        peeked = sched.get_lr()
    assert peeked == [S.exponential_lr(4, 0.1, 0.5)]  # one decay too many
    assert any("get_last_lr" in str(w.message) for w in caught)


# ----------------------------------------------------------------------------------
# Properties over many settings
# ----------------------------------------------------------------------------------

rates = st.floats(min_value=1e-6, max_value=10.0)
modes = st.sampled_from(S.CLR_MODES)


@st.composite
def clr_settings(draw, mode=modes):
    base = draw(st.floats(min_value=0.0, max_value=1.0))
    span = draw(st.floats(min_value=0.0, max_value=1.0))
    return dict(base_lr=base, max_lr=base + span, step_size=draw(st.integers(1, 500)),
                mode=draw(mode), gamma=draw(st.floats(min_value=0.9, max_value=1.0)))


@given(clr_settings(), st.integers(0, 10**6))
def test_clr_stays_within_base_and_max(kw, t):
    assert kw["base_lr"] <= S.cyclical_lr(t, **kw) <= kw["max_lr"]


@given(clr_settings(mode=st.just("triangular")), st.integers(0, 10**5))
def test_clr_triangular_is_periodic_with_period_two_step_sizes(kw, t):
    a = S.cyclical_lr(t, **kw)
    b = S.cyclical_lr(t + 2 * kw["step_size"], **kw)
    assert math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12 * kw["max_lr"])


@given(clr_settings(mode=st.just("triangular2")), st.integers(0, 10**4))
def test_clr_triangular2_halves_amplitude_each_cycle(kw, t):
    base, s = kw["base_lr"], kw["step_size"]
    now = S.cyclical_lr(t, **kw) - base
    next_cycle = S.cyclical_lr(t + 2 * s, **kw) - base
    assert math.isclose(next_cycle, now / 2, rel_tol=1e-9, abs_tol=1e-12 * kw["max_lr"])
    cycle = t // (2 * s) + 1
    peak = S.cyclical_lr(2 * s * (cycle - 1) + s, **kw)
    assert math.isclose(peak - base, (kw["max_lr"] - base) * 0.5 ** (cycle - 1),
                        rel_tol=1e-9, abs_tol=1e-12 * kw["max_lr"])


def test_clr_triangular2_survives_thousands_of_cycles():
    """PyTorch's CyclicLR computes 2.0 ** (cycle - 1) and raises OverflowError after
    1024 cycles; the height has long been 0 by then, and it is 0 here."""
    assert S.cyclical_lr(10**6 + 1, 0.01, 1.0, step_size=1, mode="triangular2") == 0.01
    with pytest.raises(OverflowError):
        torch_rates(lambda o: L.CyclicLR(o, 0.01, 1.0, step_size_up=1, mode="triangular2",
                                         cycle_momentum=False), steps=2100)


@given(rates, st.integers(0, 3000), st.floats(min_value=0.0, max_value=1.0), st.data())
def test_linear_warmup_never_decreases(base, warmup, start, data):
    t = data.draw(st.integers(0, warmup + 10))
    assert S.linear_warmup_lr(t, base, warmup, start) <= S.linear_warmup_lr(t + 1, base, warmup, start)


@given(rates, st.integers(1, 3000), st.floats(min_value=0.0, max_value=1.0), st.data())
def test_warmup_piecewise_never_decreases_during_warmup(base, warmup, start, data):
    t = data.draw(st.integers(0, warmup - 1))
    f = partial(S.warmup_piecewise_lr, base_lr=base, warmup_steps=warmup,
                boundaries=[warmup + 10, warmup + 20], start_factor=start)
    assert f(t) <= f(t + 1) <= base * (1 + 1e-15)


@given(rates, st.integers(0, 3000), st.floats(min_value=0.0, max_value=1.0), st.data())
def test_constant_warmup_below_base_never_decreases(base, warmup, fraction, data):
    t = data.draw(st.integers(0, warmup + 10))
    f = partial(S.constant_warmup_lr, base_lr=base, warmup_steps=warmup, warmup_lr=fraction * base)
    assert f(t) <= f(t + 1)


def _cosine(d):
    base = d.draw(rates)
    return partial(S.cosine_lr, base_lr=base, total_steps=d.draw(st.integers(1, 3000)),
                   min_lr=base * d.draw(st.floats(0.0, 1.0)))


DECAYS = {
    "step": lambda d: partial(S.step_lr, base_lr=d.draw(rates), step_size=d.draw(st.integers(1, 100)),
                              gamma=d.draw(st.floats(0.01, 1.0))),
    "multistep": lambda d: partial(
        S.multistep_lr, base_lr=d.draw(rates),
        milestones=sorted(d.draw(st.sets(st.integers(0, 2000), max_size=6))),
        gamma=d.draw(st.floats(0.01, 1.0))),
    "exponential": lambda d: partial(S.exponential_lr, base_lr=d.draw(rates),
                                     gamma=d.draw(st.floats(0.5, 1.0))),
    "inverse_time": lambda d: partial(S.inverse_time_lr, base_lr=d.draw(rates),
                                      decay_rate=d.draw(st.floats(0.0, 10.0))),
    "cosine": _cosine,
}


@pytest.mark.parametrize("name", sorted(DECAYS))
@given(data=st.data())
def test_decays_never_increase(name, data):
    f = DECAYS[name](data)
    t = data.draw(st.integers(0, 5000))
    assert f(t + 1) <= f(t) <= f(0)


# ----------------------------------------------------------------------------------
# Bad input: ValueError naming the argument
# ----------------------------------------------------------------------------------

nan, inf = float("nan"), float("inf")
GOOD = {
    S.step_lr: dict(epoch=3, base_lr=0.1, step_size=2, gamma=0.5),
    S.multistep_lr: dict(epoch=3, base_lr=0.1, milestones=[2, 5], gamma=0.5),
    S.exponential_lr: dict(epoch=3, base_lr=0.1, gamma=0.9),
    S.inverse_time_lr: dict(epoch=3, base_lr=0.1, decay_rate=0.5),
    S.cosine_lr: dict(step=3, base_lr=0.1, total_steps=10, min_lr=0.01),
    S.linear_warmup_lr: dict(step=3, base_lr=0.1, warmup_steps=10, start_factor=0.1),
    S.constant_warmup_lr: dict(step=3, base_lr=0.1, warmup_steps=10, warmup_lr=0.01),
    S.warmup_piecewise_lr: dict(step=3, base_lr=0.1, warmup_steps=10, boundaries=[20, 30],
                                values=[0.1, 0.01, 0.001]),
    S.boundaries_per_gpu: dict(boundaries=[20, 30], num_gpus=2),
    S.cyclical_lr: dict(iteration=3, base_lr=1e-4, max_lr=1e-3, step_size=10, mode="exp_range",
                        gamma=0.99),
    S.one_cycle_lr: dict(step=3, max_lr=0.1, total_steps=100, pct_start=0.3,
                         anneal_strategy="linear", div_factor=25.0, final_div_factor=1e4,
                         three_phase=True),
    S.one_cycle_momentum: dict(step=3, total_steps=100, pct_start=0.3, anneal_strategy="cos",
                               base_momentum=0.85, max_momentum=0.95, three_phase=False),
    S.cosine_restarts_lr: dict(step=3, base_lr=0.1, T_0=10, T_mult=2, eta_min=0.01),
}
INDEX = {S.step_lr: "epoch", S.multistep_lr: "epoch", S.exponential_lr: "epoch",
         S.inverse_time_lr: "epoch", S.cosine_lr: "step", S.linear_warmup_lr: "step",
         S.constant_warmup_lr: "step", S.warmup_piecewise_lr: "step", S.cyclical_lr: "iteration",
         S.cosine_restarts_lr: "step"}

BAD = [(f, INDEX[f], v) for f in INDEX for v in (-1, 2.5, True, "3", None)]
BAD += [(f, "base_lr", v) for f in INDEX for v in (-0.1, nan, inf, -inf, "0.1", True)]
BAD += [
    (S.step_lr, "step_size", 0), (S.step_lr, "step_size", -5), (S.step_lr, "step_size", 2.5),
    (S.step_lr, "gamma", 0.0), (S.step_lr, "gamma", -0.5), (S.step_lr, "gamma", nan),
    (S.step_lr, "gamma", inf),
    (S.multistep_lr, "milestones", [5, 2]), (S.multistep_lr, "milestones", [2, 2]),
    (S.multistep_lr, "milestones", [-1, 3]), (S.multistep_lr, "milestones", [1.5]),
    (S.multistep_lr, "milestones", 5), (S.multistep_lr, "milestones", "25"),
    (S.multistep_lr, "gamma", 0), (S.multistep_lr, "gamma", nan),
    (S.exponential_lr, "gamma", 0.0), (S.exponential_lr, "gamma", -0.95),
    (S.exponential_lr, "gamma", inf), (S.exponential_lr, "gamma", nan),
    (S.inverse_time_lr, "decay_rate", -0.1), (S.inverse_time_lr, "decay_rate", nan),
    (S.inverse_time_lr, "decay_rate", inf),
    (S.cosine_lr, "total_steps", 0), (S.cosine_lr, "total_steps", 10.0),
    (S.cosine_lr, "min_lr", -0.01), (S.cosine_lr, "min_lr", 0.2), (S.cosine_lr, "min_lr", nan),
    (S.linear_warmup_lr, "warmup_steps", -1), (S.linear_warmup_lr, "warmup_steps", 2.5),
    (S.linear_warmup_lr, "start_factor", 1.5), (S.linear_warmup_lr, "start_factor", -0.1),
    (S.linear_warmup_lr, "start_factor", nan),
    (S.constant_warmup_lr, "warmup_steps", -1), (S.constant_warmup_lr, "warmup_lr", -0.01),
    (S.constant_warmup_lr, "warmup_lr", nan), (S.constant_warmup_lr, "warmup_lr", inf),
    (S.warmup_piecewise_lr, "warmup_steps", -1),
    (S.warmup_piecewise_lr, "boundaries", [30, 20]),
    (S.warmup_piecewise_lr, "boundaries", [20, 20]),
    (S.warmup_piecewise_lr, "boundaries", [-5, 20]),
    (S.warmup_piecewise_lr, "values", [0.1, 0.01]),
    (S.warmup_piecewise_lr, "values", [0.1, 0.01, 0.001, 0.0001]),
    (S.warmup_piecewise_lr, "values", 0.1),
    (S.warmup_piecewise_lr, "values[1]", [0.1, -0.01, 0.001]),
    (S.warmup_piecewise_lr, "values[2]", [0.1, 0.01, nan]),
    (S.warmup_piecewise_lr, "start_factor", 2.0),
    (S.warmup_piecewise_lr, "num_gpus", 0), (S.warmup_piecewise_lr, "num_gpus", 1.5),
    (S.warmup_piecewise_lr, "num_gpus", 20),  # [20, 30] // 20 = [1, 1]: boundaries collide
    (S.boundaries_per_gpu, "num_gpus", 0), (S.boundaries_per_gpu, "num_gpus", -2),
    (S.boundaries_per_gpu, "boundaries", [30, 20]),
    (S.cyclical_lr, "max_lr", 1e-5), (S.cyclical_lr, "max_lr", nan), (S.cyclical_lr, "max_lr", inf),
    (S.cyclical_lr, "step_size", 0), (S.cyclical_lr, "step_size", 100.0),
    (S.cyclical_lr, "mode", "cosine"), (S.cyclical_lr, "mode", "Triangular"),
    (S.cyclical_lr, "gamma", 0.0), (S.cyclical_lr, "gamma", 1.5), (S.cyclical_lr, "gamma", nan),
]
ONE_CYCLE = (S.one_cycle_lr, S.one_cycle_momentum)
BAD += [(f, "step", v) for f in ONE_CYCLE for v in (-1, 101, 2.5, True, "3", None)]
BAD += [(f, "total_steps", v) for f in ONE_CYCLE for v in (0, 10.0, 2**60, None)]
BAD += [(f, "pct_start", v) for f in ONE_CYCLE for v in (-0.1, 1.5, nan, "0.3")]
BAD += [(f, "anneal_strategy", v) for f in ONE_CYCLE for v in ("cosine", "Linear", None)]
BAD += [(f, "three_phase", v) for f in ONE_CYCLE for v in (1, "True", None)]
BAD += [
    (S.one_cycle_lr, "max_lr", -0.1), (S.one_cycle_lr, "max_lr", inf),
    (S.one_cycle_lr, "max_lr", nan), (S.one_cycle_lr, "max_lr", "0.1"),
    (S.one_cycle_lr, "div_factor", 0.0), (S.one_cycle_lr, "div_factor", -25.0),
    (S.one_cycle_lr, "div_factor", inf), (S.one_cycle_lr, "final_div_factor", 0),
    (S.one_cycle_lr, "final_div_factor", nan),
    (S.one_cycle_momentum, "base_momentum", -0.1), (S.one_cycle_momentum, "base_momentum", 0.99),
    (S.one_cycle_momentum, "base_momentum", nan), (S.one_cycle_momentum, "max_momentum", 1.5),
    (S.cosine_restarts_lr, "T_0", 0), (S.cosine_restarts_lr, "T_0", 10.0),
    (S.cosine_restarts_lr, "T_mult", 0), (S.cosine_restarts_lr, "T_mult", 1.5),
    (S.cosine_restarts_lr, "eta_min", -0.01), (S.cosine_restarts_lr, "eta_min", 0.2),
    (S.cosine_restarts_lr, "eta_min", nan),
]


@pytest.mark.parametrize(("f", "arg", "value"), BAD,
                         ids=[f"{f.__name__}-{a}-{v!r}" for f, a, v in BAD])
def test_bad_input_raises_value_error_naming_the_argument(f, arg, value):
    kwargs = dict(GOOD[f])
    kwargs[arg.split("[")[0]] = value
    with pytest.raises(ValueError) as info:
        f(**kwargs)
    message = str(info.value)
    assert message.startswith(arg) or f"{arg} must" in message or f"{arg}'] must" in message
    shown = value[int(arg[-2])] if arg.endswith("]") else value
    assert repr(shown) in message  # the value is shown too


@pytest.mark.parametrize("f", list(GOOD))
def test_good_input_of_the_bad_input_table_is_accepted(f):
    assert isinstance(f(**GOOD[f]), float | list)


def test_one_cycle_momentum_refuses_a_base_above_the_max():
    with pytest.raises(ValueError, match=r"base_momentum must be <= max_momentum=0\.5, got 0\.85"):
        S.one_cycle_momentum(3, 100, max_momentum=0.5)


def test_helpers_refuse_bad_input():
    with pytest.raises(ValueError, match="steps"):
        S.schedule_values(S.step_lr, -1, base_lr=0.1, step_size=2)
    with pytest.raises(ValueError, match="steps"):
        S.schedule_values(S.step_lr, "10", base_lr=0.1, step_size=2)
    with pytest.raises(ValueError, match="schedule"):
        S.schedule_values("step_lr", 10, base_lr=0.1, step_size=2)
    with pytest.raises(ValueError, match="steps"):
        S.torch_schedule_values(lambda o: L.StepLR(o, 2), -1)
    with pytest.raises(ValueError, match="lr"):
        S.torch_schedule_values(lambda o: L.StepLR(o, 2), 5, lr=nan)


def test_integers_from_numpy_are_accepted():
    np = pytest.importorskip("numpy")
    assert S.step_lr(np.int64(120), np.float64(0.1), np.int64(50), 0.5) == 0.025
    assert S.schedule_values(S.cosine_lr, np.arange(3), base_lr=0.1, total_steps=2)[-1] == 0.0


# --- the overflow policy: too large raises, too small rounds to 0 -------------------


@pytest.mark.parametrize(
    ("f", "kwargs"),
    [
        (S.exponential_lr, dict(epoch=2000, base_lr=1.0, gamma=2.0)),
        (S.exponential_lr, dict(epoch=10**400, base_lr=1e-9, gamma=1.0001)),
        (S.step_lr, dict(epoch=10**6, base_lr=0.1, step_size=1, gamma=10.0)),
        (S.exponential_lr, dict(epoch=1, base_lr=1e308, gamma=10.0)),
        (S.multistep_lr, dict(epoch=400, base_lr=1.0, milestones=list(range(400)), gamma=10.0)),
    ],
)
def test_a_rate_beyond_the_float_range_raises_naming_gamma(f, kwargs):
    with pytest.raises(ValueError, match=r"gamma=.* give a rate too large for a float"):
        f(**kwargs)


@pytest.mark.parametrize(
    ("f", "kwargs"),
    [
        (S.exponential_lr, dict(epoch=10**400, base_lr=0.1, gamma=0.5)),
        (S.exponential_lr, dict(epoch=5000, base_lr=0.1, gamma=0.5)),
        (S.step_lr, dict(epoch=10**400, base_lr=0.1, step_size=3, gamma=0.1)),
        (S.inverse_time_lr, dict(epoch=10**400, base_lr=0.1, decay_rate=1e-9)),
        (S.cyclical_lr, dict(iteration=10**400, base_lr=0.0, max_lr=1.0, step_size=7,
                             mode="triangular2")),
        (S.cyclical_lr, dict(iteration=10**400 + 7, base_lr=0.0, max_lr=1.0, step_size=7,
                             mode="exp_range", gamma=0.99)),
    ],
)
def test_a_rate_below_the_float_range_rounds_to_zero(f, kwargs):
    assert f(**kwargs) == 0.0


def test_a_zero_base_lr_stays_zero_whatever_the_factor():
    assert S.exponential_lr(10**400, 0.0, gamma=3.0) == 0.0
    assert S.step_lr(10**6, 0, step_size=1, gamma=1e10) == 0.0


def test_huge_indices_keep_their_place_in_the_cycle():
    # 10**30 is a multiple of 100: the bottom of a cycle, like t = 0; 50 later, halfway up.
    t = 10**30
    assert S.cyclical_lr(t, 1e-4, 1e-3, step_size=100) == S.cyclical_lr(0, 1e-4, 1e-3, 100)
    assert S.cyclical_lr(t + 50, 1e-4, 1e-3, 100) == pytest.approx(5.5e-4, rel=1e-12)
    assert S.cyclical_lr(t + 100, 1e-4, 1e-3, 100) == 1e-3
    assert S.step_lr(10**400, 0.1, step_size=1, gamma=1.0) == 0.1
    assert S.cosine_lr(10**400, 0.1, total_steps=10**399) == 0.0


@pytest.mark.parametrize("index", [np.int64(120), np.array(120), torch.tensor(120)])
def test_indices_may_be_numpy_integers_or_0d_tensors(index):
    assert S.step_lr(index, np.float32(0.1), np.int16(50), torch.tensor(0.5)) == pytest.approx(
        S.step_lr(120, 0.1, 50, 0.5), rel=1e-7)
    assert type(S.step_lr(index, 0.1, 50, 0.5)) is float


def test_warmups_of_any_length_keep_their_slope():
    w = 10**400
    assert S.linear_warmup_lr(w // 2, 0.1, warmup_steps=w) == pytest.approx(0.05, rel=1e-12)
    assert S.warmup_piecewise_lr(w // 2, 0.1, w, [w + 1]) == pytest.approx(0.055, rel=1e-12)
