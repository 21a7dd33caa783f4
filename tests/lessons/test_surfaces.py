"""Tests of lrcourse.lessons.surfaces, its figures, its widget and its exercise checkers.

References: PyTorch autograd (the closed-form gradients), hand-written update
loops (SGD, momentum, AdaGrad), torch.optim against lrcourse.optim on the same
surfaces, a full autograd training loop for the sparse problem, and the claims
the lesson prints (steps to escape the saddle, steps to the minimum).
"""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from lrcourse import optim  # noqa: E402
from lrcourse.exercises import surfaces as ex  # noqa: E402
from lrcourse.lessons import surfaces as S  # noqa: E402
from lrcourse.plots import surfaces as splots  # noqa: E402
from lrcourse.widgets import surfaces as swidgets  # noqa: E402

POINTS = [(0.0, 0.0), (-1.2, 1.0), (0.3, -0.7), (1.5, 1e-3), (2.0, 3.0)]


# ----------------------------------------------------------------------------------
# Surfaces: values and gradients
# ----------------------------------------------------------------------------------


@pytest.mark.parametrize("surface", list(S.SURFACES.values()), ids=list(S.SURFACES))
@pytest.mark.parametrize("point", POINTS)
def test_closed_form_gradient_matches_autograd(surface, point):
    p = torch.tensor(point, dtype=torch.float64, requires_grad=True)
    surface.f(p[0], p[1]).backward()
    assert surface.grad(*point) == pytest.approx(p.grad.tolist(), rel=1e-12, abs=1e-12)


@pytest.mark.parametrize("surface", list(S.SURFACES.values()), ids=list(S.SURFACES))
def test_minima_have_zero_gradient_and_the_lowest_value(surface):
    for point in surface.minima:
        assert surface.grad(*point) == pytest.approx((0.0, 0.0), abs=1e-12)
        assert surface.f(*point) == pytest.approx(surface.f_min, abs=1e-12)
    grid = [(x / 4, y / 4) for x in range(-8, 9) for y in range(-8, 9)]
    assert min(surface.f(x, y) for x, y in grid) >= surface.f_min - 1e-12


def test_hand_values():
    assert S.RAVINE.f(2.0, 1.0) == 27.0  # (4 + 50) / 2
    assert S.SADDLE.f(0.0, 1.0) == -0.25  # 1/4 - 1/2
    assert S.SADDLE.grad(0.0, 0.0) == (0.0, -0.0)  # the saddle point is stationary
    assert S.ROSENBROCK.f(-1.2, 1.0) == pytest.approx(24.2)  # 2.2^2 + 100 * 0.44^2


# ----------------------------------------------------------------------------------
# Runs against hand loops and against the other library
# ----------------------------------------------------------------------------------


def test_sgd_run_matches_a_hand_loop():
    path = S.run_named("ravine", "SGD", lr=0.036, start=(-4.0, 1.0), steps=50)
    x, y = -4.0, 1.0
    for k in range(1, 51):
        x, y = x - 0.036 * x, y - 0.036 * 50 * y  # factors 0.964 and -0.8
        assert path.xy[k] == pytest.approx((x, y), rel=1e-12, abs=1e-15)
    assert path.xy[2] == pytest.approx((-4 * 0.964**2, 0.64))


def test_momentum_run_matches_a_hand_loop():
    path = S.run_named("saddle", "Momentum", lr=0.01, steps=120)
    (x, y), (vx, vy) = S.STARTS["saddle"], (0.0, 0.0)
    for k in range(1, 121):
        gx, gy = x, y**3 - y
        vx, vy = 0.9 * vx + gx, 0.9 * vy + gy
        x, y = x - 0.01 * vx, y - 0.01 * vy
        assert path.xy[k] == pytest.approx((x, y), rel=1e-10, abs=1e-13)


def test_adagrad_run_matches_a_hand_loop():
    path = S.run_named("rosenbrock", "Adagrad", lr=1.0, steps=30)
    (x, y), (sx, sy) = S.STARTS["rosenbrock"], (0.0, 0.0)
    for k in range(1, 31):
        gx, gy = S.ROSENBROCK.grad(x, y)
        sx, sy = sx + gx * gx, sy + gy * gy
        x, y = x - gx / (math.sqrt(sx) + 1e-10), y - gy / (math.sqrt(sy) + 1e-10)
        assert path.xy[k] == pytest.approx((x, y), rel=1e-10, abs=1e-13)


def test_the_lessons_order_is_the_registry_in_another_order():
    assert sorted(S.ORDER) == sorted(optim.OPTIMIZERS) and len(set(S.ORDER)) == len(S.ORDER)
    for rates in (*S.RATES.values(), S.DIGITS_RATES):
        assert list(rates) == list(S.ORDER)
    panel = swidgets.optimizer_race()
    assert panel.controls["optimizer"].options == S.ORDER


@pytest.mark.parametrize("name", S.ORDER)
@pytest.mark.parametrize("surface", list(S.SURFACES))
def test_lrcourse_optimizers_trace_the_same_paths_as_torch(name, surface):
    ours = S.run_named(surface, name, steps=100, library="lrcourse")
    theirs = S.run_named(surface, name, steps=100, library="torch")
    assert len(ours.xy) == len(theirs.xy) == 101
    flat = [v for point in ours.xy for v in point]
    assert flat == pytest.approx([v for point in theirs.xy for v in point], rel=1e-9, abs=1e-12)


def test_run_matches_an_autograd_training_loop():
    p = torch.tensor([-1.2, 1.0], dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.Adam([p], lr=0.05)
    path = S.run_named("rosenbrock", "Adam", lr=0.05, steps=300)
    for k in range(1, 301):
        optimizer.zero_grad()
        S.ROSENBROCK.f(p[0], p[1]).backward()
        optimizer.step()
        assert path.xy[k] == pytest.approx(p.detach().tolist(), rel=1e-10, abs=1e-13)
    assert path.loss[-1] == pytest.approx(S.ROSENBROCK.f(*p.detach().tolist()))


def test_a_run_that_blows_up_stops_and_says_so():
    path = S.run_named("ravine", "SGD", lr=0.05, steps=500)  # above the edge 2/50 = 0.04
    assert path.diverged and path.steps < 500
    assert "diverged" in S.format_race({"SGD": path})


# ----------------------------------------------------------------------------------
# The claims the lesson prints
# ----------------------------------------------------------------------------------


def test_momentum_crosses_the_saddle_and_sgd_at_the_same_rate_stalls():
    sgd = S.run_named("saddle", "SGD", lr=0.01, steps=500)
    momentum = S.run_named("saddle", "Momentum", lr=0.01, steps=500)
    assert sgd.steps_to_escape(0.5) is None
    assert momentum.steps_to_escape(0.5) == 105
    assert momentum.distance() < 1e-6
    # Near the ridge SGD multiplies y by about 1 + lr per step: y_500 ~ 0.001 * 1.01^500.
    assert 0.1 < abs(sgd.final[1]) < 0.001 * 1.01**500


def test_adaptive_methods_leave_the_ridge_in_tens_of_steps():
    paths = S.race("saddle", steps=100)
    assert {n: paths[n].steps_to_escape(0.5) for n in ("Adagrad", "RMSprop", "Adam",
                                                        "Adadelta")} == {
        "Adagrad": 7, "RMSprop": 7, "Adam": 11, "Adadelta": 27}


def test_ravine_and_rosenbrock_tables():
    ravine = S.race("ravine", steps=300)
    assert {n: p.steps_to_minimum(1e-2) for n, p in ravine.items()} == {
        "SGD": 151, "Momentum": 99, "Adagrad": 35, "RMSprop": 33, "Adam": 61,
        "Adadelta": None}
    rosen = S.race("rosenbrock", steps=2000)
    reached = {n: p.steps_to_minimum(1e-3) for n, p in rosen.items()}
    assert reached["Momentum"] == 1580 and reached["Adam"] == 1803
    assert all(reached[n] is None for n in ("SGD", "Adagrad", "RMSprop", "Adadelta"))


def test_sgd_needs_about_six_times_momentums_rate_to_escape_in_100_steps():
    def escapes(name, lr):
        k = S.run_named("saddle", name, lr=lr, steps=100).steps_to_escape(0.5)
        return k is not None
    assert not escapes("Momentum", 0.01) and escapes("Momentum", 0.011)
    # Hand estimate for SGD: 0.001 (1 + lr)^100 > 0.5 needs lr > 500^(1/100) - 1 = 0.064.
    assert not escapes("SGD", 0.06) and escapes("SGD", 0.07)


def test_format_race_rounds_and_marks_misses():
    table = S.format_race(S.race("saddle", steps=500, names=("SGD", "Momentum")), escape=0.5)
    lines = table.splitlines()
    assert lines[1].split()[:3] == ["SGD", "0.01", "—"]
    assert lines[2].split()[:3] == ["Momentum", "0.01", "105"]
    assert lines[-1] == "(after 500 steps)"


# ----------------------------------------------------------------------------------
# Sparse features
# ----------------------------------------------------------------------------------


def test_sparse_data_has_rare_binary_features():
    X, y, w = S.sparse_regression(n_samples=2000, rare_prob=0.01, seed=0)
    rare = X[:, 5:]
    assert set(rare.unique().tolist()) == {0.0, 1.0}
    assert 0.005 < float(rare.mean()) < 0.015
    assert X.dtype == y.dtype == w.dtype == torch.float64
    X2, y2, _ = S.sparse_regression(n_samples=2000, rare_prob=0.01, seed=0)
    assert torch.equal(X, X2) and torch.equal(y, y2)


def test_train_linear_matches_an_autograd_loop():
    X, y, _ = S.sparse_regression(n_samples=100, seed=1)
    w_ours, losses = S.train_linear(X, y, "SGD", lr=0.3, epochs=2, batch_size=16, seed=3)
    w = torch.zeros(X.shape[1], dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.SGD([w], lr=0.3)
    gen = torch.Generator().manual_seed(3)
    reference = []
    for _ in range(2):
        order = torch.randperm(100, generator=gen)
        for i in range(0, 100, 16):
            idx = order[i:i + 16]
            loss = ((X[idx] @ w - y[idx]) ** 2).mean() / 2
            reference.append(float(loss.detach()))
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    assert torch.allclose(w_ours, w.detach(), rtol=1e-12, atol=1e-14)
    assert losses == pytest.approx(reference, rel=1e-12)


def test_adagrad_learns_rare_weights_sgd_at_the_same_rate_does_not():
    X, y, w_true = S.sparse_regression()
    sgd = S.weight_errors(S.train_linear(X, y, "SGD", lr=0.5)[0], w_true, 5)
    ada = S.weight_errors(S.train_linear(X, y, "Adagrad", lr=0.5)[0], w_true, 5)
    assert ada[1] < sgd[1] / 4  # rare weights: 0.035 against 0.213
    assert ada[0] < 0.02 and sgd[0] < 0.02  # both learn the common weights
    big = S.weight_errors(S.train_linear(X, y, "SGD", lr=2.0)[0], w_true, 5)
    assert big[0] > 100  # SGD cannot simply raise its rate: the common weights blow up


def test_weight_errors_by_hand():
    common, rare = S.weight_errors(torch.tensor([1.0, 2.0, 0.0, 0.0]),
                                   torch.tensor([1.5, 1.0, 1.0, -3.0]), 2)
    assert (common, rare) == (0.75, 2.0)


# ----------------------------------------------------------------------------------
# Bad input
# ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: S.run("valley", lambda ps: torch.optim.SGD(ps, lr=0.1)), "surface"),
        (lambda: S.run("ravine", lambda ps: torch.optim.SGD(ps, lr=0.1), (1.0,)), "start"),
        (lambda: S.run("ravine", lambda ps: torch.optim.SGD(ps, lr=0.1), (1.0, math.nan)),
         "start"),
        (lambda: S.run("ravine", lambda ps: torch.optim.SGD(ps, lr=0.1), steps=-1), "steps"),
        (lambda: S.run("ravine", "SGD"), "make"),
        (lambda: S.run("ravine", lambda ps: None), "make"),
        (lambda: S.run_named("ravine", "Nesterov"), "name"),
        (lambda: S.run_named("ravine", "SGD", lr=0.0), "lr"),
        (lambda: S.run_named("ravine", "RMSProp"), "name"),
        (lambda: S.run_named("ravine", "SGD", library="keras"), "library"),
        (lambda: S.train_linear(torch.zeros(3, 2), torch.zeros(3), "AdaGrad", 0.1), "name"),
        (lambda: S.train_linear(torch.zeros(3, 2), torch.zeros(3), "SGD", -0.1), "lr"),
        (lambda: S.run("ravine", lambda ps: torch.optim.SGD(ps, lr=0.1), (1.0, 2.0, 3.0)),
         "start"),
        (lambda: swidgets.race_figure("ravine", "Nesterov", 0.1, 0.0, 0.0, 10), "name"),
        (lambda: S.run_named("ravine", "SGD", steps=10).steps_to_minimum(0), "tol"),
        (lambda: S.run_named("ravine", "SGD", steps=10).steps_to_escape(-1), "threshold"),
        (lambda: S.format_race({}), "paths"),
        (lambda: S.sparse_regression(rare_prob=0), "rare_prob"),
        (lambda: S.sparse_regression(n_common=0, n_rare=0), "n_common"),
        (lambda: S.sparse_regression(seed=-1), "seed"),
        (lambda: S.train_linear(torch.zeros(3), torch.zeros(3), "SGD", 0.1), "X"),
        (lambda: S.train_linear(torch.zeros(3, 2), torch.zeros(2), "SGD", 0.1), "y"),
        (lambda: S.weight_errors(torch.zeros(2), torch.zeros(3), 1), "w"),
        (lambda: splots.plot_paths([]), "paths"),
        (lambda: swidgets.race_figure("valley", "SGD", 0.1, 0.0, 0.0, 10), "surface"),
    ],
)
def test_bad_input_names_the_argument(call, name):
    with pytest.raises(ValueError, match=name):
        call()


# ----------------------------------------------------------------------------------
# Figures and the widget
# ----------------------------------------------------------------------------------


def _labelled(ax) -> bool:
    return bool(ax.get_title() and ax.get_xlabel() and ax.get_ylabel())


def test_plot_race_draws_paths_and_loss_gaps():
    paths = list(S.race("saddle", steps=50, names=("SGD", "Momentum")).values())
    fig = Figure()
    axes = fig.subplots(1, 2)
    splots.plot_race(paths, axes)
    assert all(_labelled(ax) for ax in axes)
    assert axes[1].get_yscale() == "log"
    labels = axes[0].get_legend_handles_labels()[1]
    assert "SGD (lr 0.01)" in labels and "minimum" in labels and "start" in labels
    with pytest.raises(ValueError, match="axes"):
        splots.plot_race(paths, axes[:1])


def test_race_figure_is_a_figure_with_a_verdict():
    before = plt.get_fignums()
    fig, text = swidgets.race_figure("saddle", "Momentum", 0.01, 1.5, 0.001, 300)
    assert isinstance(fig, Figure) and plt.get_fignums() == before  # not pyplot
    assert text.endswith("|y| > 0.5 after 105 steps")
    _, text = swidgets.race_figure("saddle", "SGD", 0.01, 1.5, 0.001, 300)
    assert text.endswith("still on the ridge")
    _, text = swidgets.race_figure("ravine", "SGD", 0.05, -4.0, 1.0, 300)
    assert "diverged" in text
    fig, _ = swidgets.race_figure("rosenbrock", "Adam", 0.05, -1.2, 1.0, 100, others=True)
    assert len(fig.axes[1].get_lines()) == 6


def test_optimizer_race_redraws_when_a_control_changes():
    panel = swidgets.optimizer_race()
    assert panel.message.value.endswith("after 105 steps")
    panel.controls["optimizer"].value = "SGD"
    assert "SGD, lr = 0.01" in panel.message.value
    assert panel.message.value.endswith("still on the ridge")
    panel.controls["lr"].value = 0.1
    assert "|y| > 0.5 after" in panel.message.value
    assert len(panel.output.outputs) == 1
    assert repr(panel).startswith("<lrcourse widget:")


# ----------------------------------------------------------------------------------
# Exercises
# ----------------------------------------------------------------------------------


def test_saddle_checker_accepts_only_the_smallest_grid_rate(capsys):
    assert ex.check_saddle_rate(ex.solution_saddle_rate)
    assert "✅" in capsys.readouterr().out
    for lr, words in [(0.005, "too small"), (0.03, "too small"), (0.032, "smaller rate"),
                      (0.5, "smaller rate"), (0.0305, "not on the grid")]:
        assert ex.check_saddle_rate(lr) is False
        assert words in capsys.readouterr().out
    assert ex.check_saddle_rate(...) is False
    assert "not done yet" in capsys.readouterr().out
    assert ex.check_saddle_rate("0.031") is False and ex.check_saddle_rate(-0.1) is False


def test_saddle_hint_growth_factor_matches_the_measured_growth():
    path = S.run_named("saddle", "Momentum", lr=0.01, steps=80)
    ys = [abs(y) for _, y in path.xy]
    assert ys[70] / ys[69] == pytest.approx(ex._growth(0.01), rel=1e-3)
    assert round(ex._growth(0.01), 3) == 1.065


def test_adagrad_checker_accepts_the_solution_and_rejects_mistakes(capsys):
    assert ex.check_adagrad_rates(ex.solution_adagrad_rates)
    assert "✅" in capsys.readouterr().out

    def no_sqrt(grads, lr, eps):
        return [lr / (sum(g[i] ** 2 for g in grads) + eps) for i in range(len(grads[0]))]

    def last_only(grads, lr, eps):
        return [lr / (abs(g) + eps) for g in grads[-1]]

    def one_rate(grads, lr, eps):
        return lr / (math.sqrt(sum(v * v for g in grads for v in g)) + eps)

    def mean_not_sum(grads, lr, eps):
        return [lr / (math.sqrt(sum(g[i] ** 2 for g in grads) / len(grads)) + eps)
                for i in range(len(grads[0]))]

    def squares_after_sum(grads, lr, eps):
        return [lr / (abs(sum(g[i] for g in grads)) + eps) for i in range(len(grads[0]))]

    def times_root(grads, lr, eps):
        return [lr * math.sqrt(sum(g[i] ** 2 for g in grads)) for i in range(len(grads[0]))]

    for wrong, hint in [(no_sqrt, "square root"), (last_only, "ALL steps"),
                        (one_rate, "one rate per parameter"), (mean_not_sum, "RMSProp"),
                        (squares_after_sum, "square each gradient"), (times_root, "divide lr")]:
        assert ex.check_adagrad_rates(wrong) is False
        out = capsys.readouterr().out
        assert "❌" in out and hint in out, out
    assert ex.check_adagrad_rates(lambda grads, lr, eps: ...) is False
    assert "not done yet" in capsys.readouterr().out


def test_momentum_steadies_the_steps_but_not_the_spread_under_noise():
    # The lesson's noise experiment: gradient w + xi on w^2/2, SGD vs EMA momentum, lr 0.1.
    from lrcourse.optim import SGD, EMAMomentum

    noise = torch.randn(2000, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    stats = {}
    for label, make in [("SGD", lambda ps: SGD(ps, lr=0.1)),
                        ("EMA", lambda ps: EMAMomentum(ps, lr=0.1, beta=0.9))]:
        w = torch.ones(1, dtype=torch.float64)
        optimizer, ws = make([w]), [1.0]
        for k in range(2000):
            w.grad = w + noise[k:k + 1]
            optimizer.step()
            ws.append(float(w))
        tail = torch.tensor(ws[500:])
        stats[label] = (float(tail.diff().abs().mean()), float(tail.std(correction=0)))
    # Hand: SGD's stationary variance is lr^2 / (1 - (1 - lr)^2) = lr / (2 - lr).
    assert math.sqrt(0.1 / 1.9) == pytest.approx(0.2294, abs=1e-4)
    assert stats["SGD"][1] == pytest.approx(0.2294, rel=0.05)
    assert stats["SGD"][0] > 3.5 * stats["EMA"][0]  # steps four times shorter
    assert stats["EMA"][1] == pytest.approx(stats["SGD"][1], rel=0.05)  # same spread


def test_optimizer_race_starts_every_surface_at_the_lesson_start():
    for name, (x0, y0) in S.STARTS.items():
        panel = swidgets.optimizer_race(surface=name, optimizer="Adam", steps=10)
        assert (panel.controls["x0"].value, panel.controls["y0"].value) == (x0, y0)
        assert panel.controls["lr"].value == pytest.approx(S.RATES[name]["Adam"])


def _companion_radius(lr, lam, beta):
    """Spectral radius of heavy ball's 2x2 iteration matrix, by NumPy (independent of the closed form)."""
    import numpy as np
    m = np.array([[1 + beta - lr * lam, -beta], [1.0, 0.0]])
    return max(abs(np.linalg.eigvals(m)))


@pytest.mark.parametrize("lr, beta", [(0.039, 0.0), (0.004, 0.9), (0.05, 0.5), (0.0614, 0.5658),
                                      (0.07, 0.9), (0.001, 0.2)])
def test_contraction_factor_is_the_spectral_radius_of_heavy_balls_iteration(lr, beta):
    want = max(_companion_radius(lr, lam, beta) for lam in (1.0, 50.0))
    assert S.contraction_factor(lr, [1, 50], momentum=beta) == pytest.approx(want, rel=1e-9)


def test_contraction_factor_gives_the_textbook_rates_for_condition_number_50():
    k = 50
    assert S.contraction_factor(2 / (1 + k), [1, k]) == pytest.approx((k - 1) / (k + 1))
    sk = math.sqrt(k)
    beta, lr = ((sk - 1) / (sk + 1)) ** 2, (2 / (sk + 1)) ** 2
    assert S.contraction_factor(lr, [1, k], beta) == pytest.approx((sk - 1) / (sk + 1))
    # Heavy ball is stable exactly while lr * lambda_max < 2 + 2 beta: 3.8 / 50 = 0.076 at 0.9.
    assert S.contraction_factor(0.0759, [1, k], 0.9) < 1 < S.contraction_factor(0.0761, [1, k], 0.9)


def test_contraction_factor_predicts_the_measured_decay_on_the_ravine():
    path = S.run_named("ravine", "SGD", lr=2 / 51, steps=400)
    measured = (path.distance(400) / path.distance(200)) ** (1 / 200)
    assert measured == pytest.approx(S.contraction_factor(2 / 51, [1, 50]), rel=1e-6)
    assert not S.run_named("ravine", "Momentum", lr=0.0759, steps=3000).diverged
    assert S.run_named("ravine", "Momentum", lr=0.0761, steps=3000).diverged


def test_best_rate_on_the_ravine_grid():
    grid = [k / 1000 for k in range(1, 101)]
    assert S.best_rate("SGD", grid, steps=200) == (0.039, 151)
    assert S.best_rate("Momentum", grid, steps=200) == (0.009, 99)
    # Measured by first arrival instead, momentum at 0.004 passes within 0.01 at step 65
    # and swings out again: steps_to_stay does not count that.
    path = S.run_named("ravine", "Momentum", lr=0.004, steps=300)
    assert path.steps_to_minimum(1e-2) == 65 and path.steps_to_stay(1e-2) > 65
    assert S.best_rate("SGD", [0.05], steps=50) == (0.05, None)  # above the edge 0.04


@pytest.mark.parametrize("bad, name", [
    (lambda: S.contraction_factor(0.0, [1]), "lr"),
    (lambda: S.contraction_factor(0.1, []), "curvatures"),
    (lambda: S.contraction_factor(0.1, [1, -2]), r"curvatures\[1\]"),
    (lambda: S.contraction_factor(0.1, 50), "curvatures"),
    (lambda: S.contraction_factor(0.1, [1], momentum=1.0), "momentum"),
])
def test_contraction_factor_rejects_bad_arguments(bad, name):
    with pytest.raises(ValueError, match=name):
        bad()
