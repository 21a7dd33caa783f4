"""The prediction exercises: each answer checked against an independent reference,
typical wrong predictions rejected with the hint that names them."""

import math

import numpy as np
import pytest
import torch

from lrcourse.ewma import ewma
from lrcourse.exercises import backprop, descent, surfaces, two_steps, variants
from lrcourse.exercises import temperatures as ewma_ex
from lrcourse.lessons import surfaces as S


def test_three_steps_matches_three_torch_sgd_steps():
    w = torch.ones(1, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.5)
    for _ in range(3):
        opt.zero_grad()
        (w**2 / 2).sum().backward()
        opt.step()
    assert float(w.detach()[0]) == pytest.approx(descent.solution_three_steps, abs=1e-15)


def test_edge_25_matches_runs_on_the_parabola():
    one_step, edge = descent.solution_edge_25
    x = 2.0 - one_step * 50 * 2.0  # one step of y = 25 x^2 from x = 2 lands on 0
    assert x == pytest.approx(0.0, abs=1e-12)

    def final(lr, n=200):
        x = 2.0
        for _ in range(n):
            x -= lr * 50 * x
        return abs(x)

    assert final(edge * 0.99) < 2.0 < final(edge * 1.01)


def test_drop_last_matches_dataloader():
    data = torch.utils.data.TensorDataset(torch.zeros(1438, 1))
    counts = tuple(len(torch.utils.data.DataLoader(data, batch_size=64, drop_last=d))
                   for d in (False, True))
    assert counts == variants.solution_drop_last


def test_sigmoid_at_2_matches_autograd():
    w = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    b = torch.tensor(0.0, dtype=torch.float64, requires_grad=True)
    (1 / (torch.exp(-(w * 2.0 + b)) + 1)).backward()
    assert (float(w.grad), float(b.grad)) == pytest.approx(backprop.solution_sigmoid_at_2)


def test_window_075_matches_a_measured_ramp_lag_and_weights():
    window, lag = ewma_ex.solution_window_075
    ramp = np.arange(400.0)
    assert ramp[-1] - float(ewma(ramp, 0.75)[-1]) == pytest.approx(lag, abs=1e-9)
    ages = np.arange(2000)
    weights = 0.25 * 0.75**ages
    assert float((ages * weights).sum()) == pytest.approx(lag)
    assert 1 / (1 - 0.75) == window


def test_first_steps_match_torch_optim():
    makers = [lambda p: torch.optim.Adam(p, lr=0.05, betas=(0.5, 0.9)),
              lambda p: torch.optim.RMSprop(p, lr=0.05, alpha=0.96),
              lambda p: torch.optim.Adagrad(p, lr=0.05)]
    got = []
    for make in makers:
        w = torch.ones(1, dtype=torch.float64, requires_grad=True)
        opt = make([w])
        (w**2 / 2).sum().backward()
        opt.step()
        got.append(float(w.detach()[0]))
    assert got == pytest.approx(two_steps.solution_first_steps, abs=1e-6)


def test_momentum_edge_matches_divergence_on_the_ravine():
    edge = surfaces.solution_momentum_edge
    assert not S.run_named("ravine", "Momentum", lr=edge * 0.999, steps=4000).diverged
    assert S.run_named("ravine", "Momentum", lr=edge * 1.001, steps=4000).diverged


def test_saddle_solution_is_the_smallest_grid_rate_that_escapes_in_50_steps():
    def escapes(lr):
        return S.run_named("saddle", "Momentum", lr=lr, steps=50).steps_to_escape(0.5) is not None

    first = next(k / 1000 for k in range(1, 200) if escapes(k / 1000))
    assert first == surfaces.solution_saddle_rate


PREDICTIONS = [
    (descent.check_three_steps, descent.solution_three_steps,
     [(0.5, "that is one step"), (0.25, "two steps"), (-0.5, "gradient changes"),
      (3.375, "against the gradient"), (0.2, "multiplies w by (1 - lr)")]),
    (descent.check_edge_25, descent.solution_edge_25,
     [((0.04, 0.08), "curvature of 25x² is 50"), ((0.04, 0.02), "first the rate"),
      ((0.02, 0.02), "twice the one-step"), ((0.1, 0.3), "is 0 at the one-step")]),
    (variants.check_drop_last, variants.solution_drop_last,
     [((22, 22), "round up"), ((23, 23), "round down"), ((22, 23), "first the default"),
      ((1438 / 64, 1438 / 64), "whole batches"), ((24, 22), "ceil(N / B)")]),
    (backprop.check_sigmoid_at_2, backprop.solution_sigmoid_at_2,
     [((0.25, 0.25), "da/dw = x"), ((0.5, 0.5), "dc/db = 1"), ((-0.5, -0.25), "cancel"),
      ((0.25, 0.5), "first df/dw"), ((1.0, 1.0), "f (1 - f)")]),
    (ewma_ex.check_window_075, ewma_ex.solution_window_075,
     [((4, 4), "mean age"), ((3, 3), "one less"), ((3, 4), "first the window"),
      ((10, 9), "both in steps")]),
    (two_steps.check_first_steps, two_steps.solution_first_steps,
     [((0.95, 0.95, 0.95), "no bias correction"),
      ((1 - 0.025 / math.sqrt(0.1), 0.75, 0.95), "Adam corrects"),
      ((0.95, 1 - 0.05 / math.sqrt(0.96), 0.95), "not by sqrt(α)"),
      ((0.95, 0.75, 0.9), "AdaGrad's first step")]),
    (surfaces.check_momentum_edge, surfaces.solution_momentum_edge,
     [(0.04, "plain gradient descent's edge"), (0.004, "UP"), (3.8, "steep direction"),
      (0.038, "divide 3.8"), (0.4, "not 2/(1 − β)")]),
]


@pytest.mark.parametrize("check, right, wrongs", PREDICTIONS, ids=lambda v: getattr(v, "__name__", ""))
def test_prediction_checkers_accept_the_answer_and_name_the_mistakes(check, right, wrongs, capsys):
    assert check(right) is True
    assert "✅" in capsys.readouterr().out
    assert check(...) is False
    assert "not done yet" in capsys.readouterr().out
    for wrong, hint in wrongs:
        assert check(wrong) is False, wrong
        out = capsys.readouterr().out
        assert "❌" in out and hint in out, (wrong, out)
