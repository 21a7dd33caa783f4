"""Tests of lrcourse.lessons.conditioning, its figures, its widget and its exercise checkers.

References: runs of torch.optim.SGD (plain, heavy ball, Nesterov) on quadratics, the
contraction per step measured on them, numpy's eigenvalues of the 2 x 2 maps, hand
loops of the recurrences, grid searches over (lr, beta) and over diagonal scalings,
and torch.optim against lrcourse.optim through the optimizer registry.
"""

from __future__ import annotations

import cmath
import math
import time

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from lrcourse.exercises import conditioning as ex  # noqa: E402
from lrcourse.lessons import conditioning as C  # noqa: E402
from lrcourse.optim import SGD  # noqa: E402
from lrcourse.plots import conditioning as P  # noqa: E402
from lrcourse.widgets import conditioning as W  # noqa: E402

F64 = torch.float64


def diag(*eigenvalues: float) -> torch.Tensor:
    return torch.diag(torch.tensor(eigenvalues, dtype=F64))


def torch_run(A, start, steps, **sgd) -> list[list[float]]:
    """A hand loop of torch.optim.SGD on 1/2 w^T A w (autograd's gradient): the iterates."""
    A = torch.as_tensor(A, dtype=F64)
    w = torch.tensor(start, dtype=F64, requires_grad=True)
    opt = torch.optim.SGD([w], **sgd)
    points = [w.detach().tolist()]
    for _ in range(steps):
        opt.zero_grad()
        (0.5 * w @ A @ w).backward()
        opt.step()
        points.append(w.detach().tolist())
    return points


def envelope_rate(distance, first, last, window=60):
    """Per-step factor between the largest distances of two windows (a swinging run)."""
    a, b = max(distance[first:first + window]), max(distance[last:last + window])
    return (b / a) ** (1 / (last - first))


# ----------------------------------------------------------------------------------
# The quadratic and gradient descent
# ----------------------------------------------------------------------------------


def test_runs_follow_autograd_training_loops():
    A = C.ravine_matrix(50, 30)
    for sgd in (dict(lr=0.03), dict(lr=0.02, momentum=0.7), dict(lr=0.02, momentum=0.7,
                                                                   nesterov=True)):
        run = C.sgd_run(A, [-3.0, 2.0], 60, **sgd)
        ref = torch_run(A, [-3.0, 2.0], 60, **sgd)
        assert np.allclose(run.points, ref, rtol=1e-12, atol=1e-14)
        assert run.distance == pytest.approx([math.hypot(*p) for p in ref], rel=1e-12)


def test_rotation_columns_are_the_eigenvectors_of_the_ravine():
    for angle in (0.0, 17.0, 30.0, 45.0, 90.0):
        A, R = C.ravine_matrix(50, angle), C.rotation(angle)
        assert torch.allclose(A @ R, R @ diag(1.0, 50.0), atol=1e-12)
        assert torch.allclose(R.T @ R, torch.eye(2, dtype=F64), atol=1e-15)
        assert torch.linalg.eigvalsh(A).tolist() == pytest.approx([1.0, 50.0])


def test_each_eigen_direction_is_lesson_01s_parabola():
    A, R, lr, start = C.ravine_matrix(50, 30), C.rotation(30), 0.03, [-3.0, 2.0]
    points = torch_run(A, start, 8, lr=lr)
    x0 = R.T @ torch.tensor(start, dtype=F64)
    for t, w in enumerate(points):
        x = R.T @ torch.tensor(w, dtype=F64)
        expected = [float(x0[0]) * (1 - lr) ** t, float(x0[1]) * (1 - lr * 50) ** t]
        assert x.tolist() == pytest.approx(expected, rel=1e-10, abs=1e-13)


@given(mu=st.floats(0.01, 10), k=st.floats(1.0, 1e4))
def test_gd_best_rate_balances_the_extremes_and_minimises_the_worst_factor(mu, k):
    L = mu * k
    lr, rate = C.gd_best(mu, L)
    assert lr == pytest.approx(2 / (mu + L))
    assert rate == pytest.approx((k - 1) / (k + 1), abs=1e-12)
    assert C.gd_rate(lr, [mu, L]) == pytest.approx(rate, abs=1e-12)
    grid = np.linspace(0.5, 1.5, 201) * lr
    assert np.min(C.gd_rate(grid, [mu, (mu + L) / 2, L])) >= rate - 1e-12


def test_gd_textbook_numbers_for_k_50():
    lr, rate = C.gd_best(1, 50)
    assert (round(C.gd_edge(50), 4), round(lr, 4), round(rate, 4)) == (0.04, 0.0392, 0.9608)
    assert C.steps_predicted(rate) == 346  # the syllabus says "about 345": log ratio 345.3


def test_gd_measured_contraction_and_count_match_the_closed_form():
    for k in (10.0, 100.0):
        lr, rate = C.gd_best(1.0, k)
        points = torch_run(diag(1.0, k), [1.0, 1.0], 1000, lr=lr)
        d = [math.hypot(*p) for p in points]
        # At the best rate both directions shrink by exactly `rate` per step.
        assert all(d[t + 1] / d[t] == pytest.approx(rate, rel=1e-9) for t in range(0, 900, 50))
        assert C.steps_to_shrink(d) == C.steps_predicted(rate)
        assert C.steps_to_shrink(d) == math.ceil(math.log(1e-6) / math.log((k - 1) / (k + 1)))
    for lr in (0.005, 0.02, 0.035):  # away from the best rate the worse direction rules
        d = C.sgd_run(diag(1.0, 50.0), [1.0, 1.0], 400, lr=lr).distance
        assert C.measured_rate(d, 300, 400) == pytest.approx(C.gd_rate(lr, [1, 50]), rel=1e-6)


def test_gd_edge_separates_convergence_from_divergence():
    A = C.ravine_matrix(50, 30)
    edge = C.gd_edge(50)
    assert not C.sgd_run(A, [-3.0, 2.0], 3000, lr=0.995 * edge).diverged
    assert C.sgd_run(A, [-3.0, 2.0], 3000, lr=1.005 * edge).diverged
    assert C.gd_rate(edge, [1, 50]) == pytest.approx(1.0)


# ----------------------------------------------------------------------------------
# Heavy ball
# ----------------------------------------------------------------------------------


@given(lr=st.floats(1e-4, 0.2), beta=st.floats(0.0, 0.99), lam=st.floats(0.1, 100.0))
def test_heavy_ball_roots_are_the_eigenvalues_of_its_matrix(lr, beta, lam):
    M = C.heavy_ball_matrix(lr, beta, lam)
    eig = sorted(np.linalg.eigvals(M), key=lambda z: (z.real, z.imag))
    roots = sorted(C.heavy_ball_roots(lr, beta, lam), key=lambda z: (z.real, z.imag))
    assert max(abs(a - b) for a, b in zip(eig, roots, strict=True)) < 1e-6 * (1 + lr * lam)
    assert C.heavy_ball_rate(lr, beta, [lam]) == pytest.approx(max(map(abs, eig)), rel=1e-9,
                                                               abs=1e-12)


def test_heavy_ball_matrix_reproduces_torch_momentum_along_each_direction():
    lr, beta = 0.02, 0.8
    points = torch_run(diag(1.0, 50.0), [1.0, -2.0], 40, lr=lr, momentum=beta)
    for i, lam in enumerate((1.0, 50.0)):
        M = C.heavy_ball_matrix(lr, beta, lam)
        x0 = points[0][i]
        state = np.array([(1 - lr * lam) * x0, x0])  # the first step is a plain one (v_0 = 0)
        for t in range(1, 41):
            assert points[t][i] == pytest.approx(state[0], rel=1e-10, abs=1e-13)
            state = M @ state


@pytest.mark.parametrize("lr, beta", [(0.005, 0.9), (0.02, 0.5), (0.03, 0.1), (0.07, 0.8),
                                      (0.03, 0.0), (0.001, 0.97), (0.05, 0.3)])
def test_heavy_ball_rate_is_the_contraction_measured_on_torch_sgd(lr, beta):
    d = C.sgd_run(C.ravine_matrix(50, 30), [-3.0, 2.0], 1500, lr=lr, momentum=beta).distance
    rate = C.heavy_ball_rate(lr, beta, [1.0, 50.0])
    assert envelope_rate(d, 300, 1400) == pytest.approx(rate, abs=5e-4)


@pytest.mark.parametrize("beta", [0.0, 0.3, 0.6, 0.9])
@pytest.mark.parametrize("lam", [1.0, 50.0])
def test_heavy_ball_edge_is_two_times_one_plus_beta_over_lambda(beta, lam):
    edge = C.heavy_ball_edge(beta, lam)
    assert edge == pytest.approx(2 * (1 + beta) / lam)
    A = diag(1.0, lam) if lam > 1 else diag(lam, 0.5)
    assert not C.sgd_run(A, [1.0, 1.0], 4000, lr=0.995 * edge, momentum=beta).diverged
    assert C.sgd_run(A, [1.0, 1.0], 4000, lr=1.005 * edge, momentum=beta).diverged
    assert C.heavy_ball_rate(edge, beta, [lam]) == pytest.approx(1.0, abs=1e-6)


def test_critical_beta_gives_a_double_root_and_the_fastest_single_direction():
    for lr, lam in [(0.01, 1.0), (0.01, 25.0), (0.002, 50.0)]:
        beta = C.critical_beta(lr, lam)
        r1, r2 = C.heavy_ball_roots(lr, beta, lam)
        assert abs(r1 - r2) < 1e-6
        assert abs(r1) == pytest.approx(abs(1 - math.sqrt(lr * lam)), abs=1e-9)
        grid = np.linspace(0, 0.99, 991)
        rates = C.heavy_ball_rate(lr, grid, [lam])
        assert abs(grid[np.argmin(rates)] - beta) <= 0.001 + 1e-12


@given(mu=st.floats(0.01, 10), k=st.floats(1.5, 1e4))
def test_heavy_ball_best_setting_matches_its_formulas(mu, k):
    L = mu * k
    lr, beta, rate = C.heavy_ball_best(mu, L)
    assert lr == pytest.approx((2 / (math.sqrt(L) + math.sqrt(mu))) ** 2)
    assert beta == pytest.approx(((math.sqrt(k) - 1) / (math.sqrt(k) + 1)) ** 2)
    assert rate == pytest.approx(math.sqrt(beta))
    spread = np.geomspace(mu, L, 7)  # every direction in between shrinks at the same pace
    assert C.heavy_ball_rate(lr, beta, spread) == pytest.approx(rate, rel=1e-6)


def test_heavy_ball_best_setting_beats_a_grid_of_alternatives():
    for k in (10.0, 50.0, 100.0):
        lr, beta, rate = C.heavy_ball_best(1.0, k)
        LR, B = np.meshgrid(np.linspace(0.5, 1.5, 201) * lr, np.linspace(0, 0.99, 199))
        assert float(np.min(C.heavy_ball_rate(LR, B, [1.0, k]))) >= rate - 1e-6
    lr, beta, rate = C.heavy_ball_best(1, 50)
    assert (round(lr, 4), round(beta, 4), round(rate, 4)) == (0.0614, 0.5658, 0.7522)


@pytest.mark.parametrize("lr, beta, lam", [
    (0.02, 0.8, 1.0), (0.02, 0.8, 50.0), (0.03, 0.1, 1.0), (0.01, 0.25, 25.0),
    (0.1, 0.0, 1.0), (0.0614, 0.0, 50.0),
])
def test_heavy_ball_error_closed_form_matches_the_recurrence(lr, beta, lam):
    x = [1.0, 1 - lr * lam]
    for _ in range(300):
        x.append((1 + beta - lr * lam) * x[-1] - beta * x[-2])
    for t in (0, 1, 2, 5, 50, 299):
        scale = max(abs(v) for v in x[max(0, t - 30):t + 1])
        assert abs(C.heavy_ball_error(t, lr, beta, lam) - x[t]) <= 1e-9 * scale


@pytest.mark.parametrize("k", [10.0, 100.0])
def test_heavy_ball_error_at_the_best_setting_matches_torch_runs(k):
    """The critically damped case, (1 + sigma t) r^t, against real iterations."""
    lr, beta, _ = C.heavy_ball_best(1.0, k)
    points = torch_run(diag(1.0, k), [1.0, 1.0], 200, lr=lr, momentum=beta)
    for i, lam in enumerate((1.0, k)):
        sigma = math.sqrt(lr * lam)
        r = 1 - sigma
        for t in (1, 4, 30, 199):
            assert points[t][i] == pytest.approx(C.heavy_ball_error(t, lr, beta, lam),
                                                 rel=1e-8)
            assert points[t][i] == pytest.approx((1 + sigma * t) * r**t, rel=1e-8)
    peak = max(abs(p[1]) for p in points)  # the steep direction first grows
    assert peak > {10.0: 1.3, 100.0: 3.7}[k]


@pytest.mark.parametrize("k", [10.0, 100.0])
def test_steps_at_the_best_settings_and_the_sqrt_k_speed_up(k):
    lr_gd, rate_gd = C.gd_best(1.0, k)
    lr_hb, beta_hb, rate_hb = C.heavy_ball_best(1.0, k)
    gd = torch_run(diag(1.0, k), [1.0, 1.0], 800, lr=lr_gd)
    hb = torch_run(diag(1.0, k), [1.0, 1.0], 300, lr=lr_hb, momentum=beta_hb)
    n_gd = C.steps_to_shrink([math.hypot(*p) for p in gd])
    n_hb = C.steps_to_shrink([math.hypot(*p) for p in hb])
    assert n_gd == C.steps_predicted(rate_gd)
    assert n_hb == C.steps_to_shrink(C.predicted_distances(lr_hb, beta_hb, [1.0, k],
                                                           [1.0, 1.0], 300))
    assert n_hb > C.steps_predicted(rate_hb)  # the transient of critical damping costs steps
    # the factors promise sqrt(k) within 4%; the runs give 0.65 to 0.85 of it
    assert math.log(rate_hb) / math.log(rate_gd) == pytest.approx(math.sqrt(k), rel=0.04)
    assert 0.65 * math.sqrt(k) < n_gd / n_hb < 0.85 * math.sqrt(k)
    assert (n_gd, n_hb) == {10.0: (69, 27), 100.0: (691, 93)}[k]  # the lesson's table


def test_heavy_ball_path_matches_torch_momentum():
    path = C.heavy_ball_path(0.02, 0.7, [1.0, 50.0], [-4.0, 1.0], 80)
    ref = torch_run(diag(1.0, 50.0), [-4.0, 1.0], 80, lr=0.02, momentum=0.7)
    assert np.allclose(path, ref, rtol=1e-11, atol=1e-14)
    assert len(C.heavy_ball_path(0.1, 0.5, [1.0, 50.0], [-4.0, 1.0], 500)) < 501  # blew up


# ----------------------------------------------------------------------------------
# Nesterov
# ----------------------------------------------------------------------------------


def _random_spd(n: int, seed: int) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    Q, _ = torch.linalg.qr(torch.randn(n, n, generator=g, dtype=F64))
    lams = torch.logspace(0, 2, n, dtype=F64)
    return Q @ torch.diag(lams) @ Q.T


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("lr, beta", [(0.005, 0.9), (0.01, 0.5), (0.012, 0.95)])
def test_torch_nesterov_runs_the_look_ahead_points(seed, lr, beta):
    A = _random_spd(4, seed)
    start = torch.randn(4, generator=torch.Generator().manual_seed(seed + 10), dtype=F64)
    ws, us = C.nesterov_lookahead(A, start.tolist(), lr, beta, 150)
    by_torch = torch_run(A, start.tolist(), 150, lr=lr, momentum=beta, nesterov=True)
    by_lrcourse = C.sgd_run(A, start.tolist(), 150, lr, beta, nesterov=True, library="lrcourse")
    scale = float(start.abs().max())
    assert np.allclose(by_torch, [u.tolist() for u in us], rtol=0, atol=1e-12 * scale)
    assert np.allclose(by_lrcourse.points, by_torch, rtol=0, atol=1e-12 * scale)
    # ... and not the points w themselves (unless momentum did nothing)
    assert max(float((torch.tensor(p, dtype=F64) - w).abs().max())
               for p, w in zip(by_torch, ws, strict=True)) > 1e-3 * scale


def test_lrcourse_sgd_nesterov_matches_torch_on_a_training_loop():
    finals = []
    for make in (lambda p: torch.optim.SGD(p, lr=0.02, momentum=0.8, nesterov=True),
                 lambda p: SGD(p, lr=0.02, momentum=0.8, nesterov=True)):
        w = torch.tensor([-3.0, 2.0], dtype=F64, requires_grad=True)
        opt, A = make([w]), C.ravine_matrix(50, 30)
        for _ in range(50):
            opt.zero_grad()
            (0.5 * w @ A @ w).backward()
            opt.step()
        finals.append(w.detach().clone())
    assert torch.allclose(finals[0], finals[1], rtol=0, atol=1e-13)


@given(lr=st.floats(1e-4, 0.05), beta=st.floats(0.0, 0.99), lam=st.floats(0.1, 100.0))
def test_nesterov_rate_is_the_spectral_radius_of_its_matrix(lr, beta, lam):
    radius = max(abs(np.linalg.eigvals(C.nesterov_matrix(lr, beta, lam))))
    assert C.nesterov_rate(lr, beta, [lam]) == pytest.approx(radius, rel=1e-6, abs=1e-9)


@pytest.mark.parametrize("beta", [0.2, 0.5, 0.9])
def test_nesterov_edge_matches_torch_runs_and_lies_below_heavy_balls(beta):
    edge = C.nesterov_edge(beta, 50.0)
    assert edge == pytest.approx(2 * (1 + beta) / ((1 + 2 * beta) * 50))
    assert edge <= C.heavy_ball_edge(beta, 50.0) + 1e-15
    A = C.ravine_matrix(50, 30)
    assert not C.sgd_run(A, [-3.0, 2.0], 4000, 0.995 * edge, beta, nesterov=True).diverged
    assert C.sgd_run(A, [-3.0, 2.0], 4000, 1.005 * edge, beta, nesterov=True).diverged


@pytest.mark.parametrize("lr, beta", [(0.01, 0.8), (0.02, 0.5), (0.004, 0.95)])
def test_nesterov_rate_is_the_contraction_measured_on_torch_sgd(lr, beta):
    d = C.sgd_run(C.ravine_matrix(50, 30), [-3.0, 2.0], 1500, lr, beta, nesterov=True).distance
    assert envelope_rate(d, 300, 1400) == pytest.approx(
        C.nesterov_rate(lr, beta, [1.0, 50.0]), abs=5e-4)


def test_nesterov_usual_setting_gives_one_minus_one_over_sqrt_k():
    for k in (10.0, 100.0, 1000.0):
        lr, beta, rate = C.nesterov_best(1.0, k)
        assert rate == pytest.approx(1 - 1 / math.sqrt(k))
        assert C.nesterov_rate(lr, beta, [1.0, k]) == pytest.approx(rate, rel=1e-6)
    d = C.sgd_run(diag(1.0, 100.0), [1.0, 1.0], 600, 0.01, 9 / 11, nesterov=True).distance
    assert C.steps_to_shrink(d) == 154  # the lesson's count: slower than heavy ball's 93


# ----------------------------------------------------------------------------------
# The turned ravine and the per-coordinate methods
# ----------------------------------------------------------------------------------


def test_jacobi_condition_matches_numpy_and_no_diagonal_scaling_beats_it():
    for angle in (0.0, 10.0, 30.0, 45.0, 60.0):
        A = C.ravine_matrix(50, angle).numpy()
        d = np.sqrt(np.diag(A))
        lams = np.linalg.eigvalsh(A / np.outer(d, d))
        assert C.jacobi_condition(50, angle) == pytest.approx(lams[-1] / lams[0], rel=1e-9)
        best_of_grid = min(
            (lambda e: e[-1] / e[0])(np.linalg.eigvalsh(np.diag([1, s]) @ A @ np.diag([1, s])))
            for s in np.geomspace(1e-3, 1e3, 2001))
        assert C.jacobi_condition(50, angle) <= best_of_grid * (1 + 1e-6)
    assert C.jacobi_condition(50, 0) == pytest.approx(1.0)
    assert C.jacobi_condition(50, 45) == pytest.approx(50.0)


def test_coordinate_rates_are_the_best_of_the_grid():
    for method, by_angle in C.COORDINATE_RATES.items():
        for angle, lr in by_angle.items():
            assert lr in C.RATE_GRID
            if method in ("SGD", "Momentum") and angle != 0.0:
                # rotation-invariant: the same runs, turned (checked in the race tests)
                assert lr == by_angle[0.0]
                continue
            assert C.best_grid_rate(method, angle)[0] == lr, (method, angle)


def test_best_grid_rate_by_brute_force_on_a_small_grid():
    """The pruned search finds what running every rate for 600 steps finds."""
    rates = [0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5]
    for method in ("RMSprop", "Adam, beta1 = 0"):
        counts = {lr: C._steps_within(C._race_run(method, 45.0, lr)) for lr in rates}
        arrived = {lr: n for lr, n in counts.items() if n is not None}
        fewest = min(arrived.values())
        expected = (min(lr for lr, n in arrived.items() if n == fewest), fewest)
        assert C.best_grid_rate(method, 45.0, rates) == expected


def test_the_race_through_the_registry_agrees_between_torch_and_lrcourse():
    ours = C.coordinate_race()
    theirs = C.coordinate_race(library="torch")
    for method in C.COORDINATE_METHODS:
        for angle in C.ANGLES:
            assert C._steps_within(ours[method][angle]) == C._steps_within(theirs[method][angle])
            assert np.allclose(ours[method][angle].points, theirs[method][angle].points,
                               rtol=1e-9, atol=1e-12)


def test_the_race_shows_what_diagonal_preconditioning_can_and_cannot_do():
    runs = C.coordinate_race()
    steps = {m: [C._steps_within(runs[m][a]) for a in C.ANGLES] for m in runs}
    # rotation-invariant methods do not notice the angle
    assert steps["SGD"][0] == steps["SGD"][1] and steps["Momentum"][0] == steps["Momentum"][1]
    # per-coordinate scaling pays off along the axes only
    assert steps["Adagrad"][0] <= 6 and steps["Adagrad"][1] > 150
    assert steps["RMSprop"][1] > 4 * steps["RMSprop"][0]
    assert steps["Adam, beta1 = 0"][1] > 4 * steps["Adam, beta1 = 0"][0]
    # Adam with its momentum: about Momentum's speed at either angle
    for n in steps["Adam"]:
        assert abs(n - steps["Momentum"][0]) <= 0.1 * steps["Momentum"][0]
    assert steps == {"SGD": [197, 197], "Momentum": [103, 103], "Adagrad": [5, 227],
                     "RMSprop": [94, 488], "Adam": [103, 109], "Adam, beta1 = 0": [61, 321]}


@pytest.mark.parametrize("start", [(1.0, 1.0), (-1.0, 3.0), (3.0, -0.2)])
def test_adagrad_pattern_holds_from_other_starts(start):
    """The lesson's claim: 1 to 6 steps along the axes, more than 170 turned, from each start."""
    n_aligned = min(C._steps_within(C._race_run("Adagrad", 0.0, lr, start=start)) or 10**9
                    for lr in (1.0, 2.0, 3.0))
    assert n_aligned <= 6
    for lr in C.RATE_GRID:  # turned: no rate of the grid is within 0.01 at step 170
        run = C._race_run("Adagrad", 45.0, lr, steps=170, start=start)
        assert run.diverged or run.distance[-1] > 0.01, lr
    for method in ("SGD", "Momentum"):
        counts = [C._steps_within(C._race_run(method, a, C.COORDINATE_RATES[method][a],
                                              start=start)) for a in C.ANGLES]
        assert counts[0] == counts[1]


# ----------------------------------------------------------------------------------
# Small helpers
# ----------------------------------------------------------------------------------


def test_steps_to_shrink_and_measured_rate_by_hand():
    assert C.steps_to_shrink([1.0, 0.5, 0.01, 0.2, 0.001, 1e-4], factor=0.1) == 4
    assert C.steps_to_shrink([1.0, 0.5], factor=0.1) is None
    assert C.measured_rate([8.0, 4.0, 2.0, 1.0]) == 0.5
    assert C.measured_rate([8.0, 1.0, 2.0, 0.25, 0.5], 0, 2, window=2) == pytest.approx(0.5)
    assert C.steps_predicted(0.5, 1e-3) == 10 and C.steps_predicted(0.5, 0.25) == 2


def test_predicted_distances_with_beta_zero_is_gradient_descent():
    d = C.predicted_distances(0.03, 0.0, [1.0, 50.0], [3.0, -4.0], 20)
    assert d == pytest.approx([math.hypot(3 * 0.97**t, 4 * 0.5**t) for t in range(21)])


BAD = [
    (lambda: C.gd_best(2.0, 1.0), "L"),
    (lambda: C.gd_best(0.0, 1.0), "mu"),
    (lambda: C.gd_rate(-0.1, [1.0]), "lr"),
    (lambda: C.gd_rate(0.1, []), "eigenvalues"),
    (lambda: C.gd_rate(0.1, [1.0, -2.0]), "eigenvalues"),
    (lambda: C.gd_rate(0.1, "12"), "eigenvalues"),
    (lambda: C.heavy_ball_rate(0.1, 0.5, [True]), "eigenvalues"),
    (lambda: C.heavy_ball_rate(0.1, 1.0, [1.0]), "beta"),
    (lambda: C.heavy_ball_rate(np.array([0.1, math.nan]), 0.5, [1.0]), "lr"),
    (lambda: C.heavy_ball_rate(0.1, np.array([0.5, 1.2]), [1.0]), "beta"),
    (lambda: C.heavy_ball_matrix(0.1, -0.1, 1.0), "beta"),
    (lambda: C.heavy_ball_edge(0.5, 0.0), "lam"),
    (lambda: C.critical_beta(True, 1.0), "lr"),
    (lambda: C.heavy_ball_error(-1, 0.1, 0.5, 1.0), "t"),
    (lambda: C.nesterov_edge(1.0, 1.0), "beta"),
    (lambda: C.nesterov_lookahead([[1.0, 2.0], [0.0, 1.0]], [1.0, 1.0], 0.1, 0.5, 3), "A"),
    (lambda: C.quadratic_run([[1.0, 0.0], [0.0, -1.0]], lambda p: SGD(p, lr=0.1), [1.0, 1.0],
                             3), "A"),
    (lambda: C.quadratic_run([[1.0]], lambda p: SGD(p, lr=0.1), [1.0, 1.0], 3), "start"),
    (lambda: C.quadratic_run([[1.0]], lambda p: SGD(p, lr=0.1), [0.0], 3), "start"),
    (lambda: C.quadratic_run([[1.0]], lambda p: SGD(p, lr=0.1), [1.0], 2.0), "steps"),
    (lambda: C.quadratic_run([[1.0]], "SGD", [1.0], 2), "make"),
    (lambda: C.quadratic_run([[1.0]], lambda p: object(), [1.0], 2), "make"),
    (lambda: C.sgd_run([[1.0]], [1.0], 2, 0.1, library="jax"), "library"),
    (lambda: C.steps_to_shrink([1.0, 0.1], factor=1.0), "factor"),
    (lambda: C.steps_predicted(1.0), "rate"),
    (lambda: C.measured_rate([1.0, 0.5], window=2), "distance"),
    (lambda: C.ravine_matrix(0.5), "k"),
    (lambda: C.ravine_matrix(10, math.inf), "angle"),
    (lambda: C.best_grid_rate("Lion", 0.0), "method"),
    (lambda: C.best_grid_rate("SGD", 0.0, []), "rates"),
    (lambda: C.best_grid_rate("SGD", 0.0, [-0.1]), "rates"),
    (lambda: C.coordinate_race(angles=(30.0,)), "angles"),
    (lambda: C.heavy_ball_path(0.1, 0.5, [1.0, 2.0], [1.0], 3), "start"),
    (lambda: C.predicted_distances(0.1, 0.5, [1.0], [1.0, 2.0], 3), "start"),
    (lambda: P.momentum_figure(2.0, 0.5, 50), "lr"),
    (lambda: P.momentum_figure(0.01, 1.0, 50), "beta"),
    (lambda: P.momentum_figure(0.01, 0.5, 5000), "k"),
    (lambda: P.momentum_figure(0.01, 0.5, 50, steps=0), "steps"),
    (lambda: W.momentum_explorer(lr=2.0), "lr"),
    (lambda: W.momentum_explorer(beta=0.995), "beta"),
    (lambda: W.momentum_explorer(k=0.5), "k"),
]


@pytest.mark.parametrize("call, name", BAD, ids=[f"{i}-{n}" for i, (_, n) in enumerate(BAD)])
def test_bad_input_names_the_argument(call, name):
    with pytest.raises(ValueError, match=rf"\b{name}\b"):
        call()


# ----------------------------------------------------------------------------------
# Figures and the widget
# ----------------------------------------------------------------------------------


@pytest.mark.parametrize("lr, beta, k", [
    (0.0614, 0.5658, 50.0),  # near the best setting
    (0.005, 0.9, 50.0),      # momentum 0.9: not there in 150 steps
    (0.1, 0.3, 50.0),        # beyond the edge
    (1.0, 0.0, 1.0),         # a round bowl: one step
    (1e-4, 0.0, 1000.0),     # the slider's corners
    (1.0, 0.99, 1000.0),
])
def test_momentum_figure_returns_a_figure_and_a_verdict_quickly(lr, beta, k):
    start = time.perf_counter()
    fig, text = P.momentum_figure(lr, beta, k)
    elapsed = time.perf_counter() - start
    assert isinstance(fig, Figure) and isinstance(text, str) and "\n" not in text
    assert len(fig.axes) == 4  # path, map, its colour bar, distance
    assert f"factor per step {C.heavy_ball_rate(lr, beta, [1.0, k]):.4f}" in text
    if lr * k > 2 * (1 + beta):
        assert "diverges" in text
    assert elapsed < 5  # about 0.2 s on an idle core; generous for a loaded machine


def test_momentum_figure_counts_like_the_closed_form():
    lr, beta, _ = C.heavy_ball_best(1.0, 50.0)
    _, text = P.momentum_figure(lr, beta, 50.0)
    path = C.heavy_ball_path(lr, beta, [1.0, 50.0], list(C.RAVINE_START), 150)
    n = C.steps_to_shrink([math.hypot(*p) for p in path])
    assert text.endswith(f"distance down 1e6-fold after {n} steps") and n == 61


def test_static_plots_draw_what_they_say():
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(2, 3)
    ax = P.plot_gd_factors([1.0, 50.0], axes[0, 0])
    assert any("0.9608" in t.get_text() for t in ax.get_legend().get_texts())
    P.plot_heavy_ball_rates((0.0, 0.5, 0.9), axes[0, 1])
    P.plot_rate_map(50.0, axes[0, 2], lr=0.01, beta=0.5)
    runs = [C.sgd_run(diag(1.0, 10.0), [1.0, 1.0], 50, lr=0.1, label="heavy ball")]
    P.plot_convergence(runs, axes[1, 0], rates=[0.5])
    P.plot_directions(runs[0], 0.1, 0.0, [1.0, 10.0], axes[1, 1])
    race = C.coordinate_race(methods=("SGD", "Adagrad"), angles=(45.0,))
    P.plot_ravine_paths([race["SGD"][45.0], race["Adagrad"][45.0]], 45.0, axes[1, 2])
    for a in fig.axes:
        if a.get_label() != "<colorbar>":
            assert a.get_title() and a.get_xlabel() and a.get_ylabel()
    with pytest.raises(ValueError, match="rates"):
        P.plot_convergence(runs, rates=[0.5, 0.6])
    with pytest.raises(ValueError, match="eigenvalues"):
        P.plot_directions(runs[0], 0.1, 0.0, [1.0])
    plt.close("all")


def test_momentum_explorer_redraws_when_a_slider_moves():
    panel = W.momentum_explorer(lr=0.005, beta=0.9, k=50.0)
    assert repr(panel).startswith("<lrcourse widget:")
    assert "0.9487" in panel.message.value
    panel.controls["beta"].value = 0.5
    assert f"{C.heavy_ball_rate(0.005, 0.5, [1.0, 50.0]):.4f}" in panel.message.value
    panel.controls["lr"].value = 0.5
    assert "diverges" in panel.message.value
    assert len(panel.output.outputs) == 1


# ----------------------------------------------------------------------------------
# Exercises
# ----------------------------------------------------------------------------------


def test_gd_numbers_solution_matches_torch_runs():
    edge, best, factor = ex.solution_gd_numbers
    A = diag(*ex.GD_EIGENVALUES)
    assert not C.sgd_run(A, [1.0, 1.0, 1.0], 3000, lr=0.995 * edge).diverged
    assert C.sgd_run(A, [1.0, 1.0, 1.0], 3000, lr=1.005 * edge).diverged
    d = C.sgd_run(A, [1.0, 1.0, 1.0], 200, lr=best).distance
    assert C.measured_rate(d, 100, 200) == pytest.approx(factor, rel=1e-9)
    grid = np.linspace(0.5, 1.04, 28) * best  # up to just below the edge, 1.05 * best
    rates = [C.measured_rate(C.sgd_run(A, [1.0, 1.0, 1.0], 120, lr=float(lr)).distance, 100,
                             120) for lr in grid]
    assert min(rates) >= factor - 1e-9
    assert min(rates) == pytest.approx(factor, abs=0.01)


def test_best_momentum_solution_matches_torch_runs():
    lr, beta, factor = ex.solution_best_momentum
    mu, L = ex.BEST_MOMENTUM_EIGENVALUES
    assert (lr, beta, factor) == pytest.approx(C.heavy_ball_best(mu, L))
    # Critically damped at both ends, the error is (1 + sigma t) factor^t: between steps
    # 1000 and 1500 the measured factor is within 1.5^(1/500) of the closed form. (Much
    # later the squares inside the norm would underflow.)
    d = C.sgd_run(diag(mu, L), [1.0, 1.0], 1500, lr=lr, momentum=beta).distance
    assert C.measured_rate(d, 1000, 1500) == pytest.approx(factor, rel=1e-3)
    for other in (0.8 * beta, 0.95 * beta, 1.05 * beta):  # other betas are slower
        d_other = C.sgd_run(diag(mu, L), [1.0, 1.0], 1500, lr=lr, momentum=other).distance
        assert d_other[-1] > d[-1]


def test_heavy_ball_factor_solution_matches_numpy():
    for lr, beta, lam in ex.FACTOR_CASES:
        M = np.array([[1 + beta - lr * lam, -beta], [1.0, 0.0]])
        assert ex.solution_heavy_ball_factor(lr, beta, lam) == pytest.approx(
            max(abs(np.linalg.eigvals(M))), rel=1e-6)


@pytest.mark.parametrize("check, right, wrongs", [
    (ex.check_gd_numbers, ex.solution_gd_numbers, [
        ((4.0, 2 / 10.5, 19 / 21), "LARGEST eigenvalue"),
        ((0.1, 2 / 10.5, 19 / 21), "not 1 / λ_max"),
        ((0.2, 0.1, 0.95), "balances the two extremes"),
        ((0.2, 2 / 12, 8 / 12), "middle"),
        ((0.2, 2 / 10.5, 0.95), "not 1 − 1/k"),
        ((0.2, 2 / 10.5, -19 / 21), "size"),
    ]),
    (ex.check_best_momentum, ex.solution_best_momentum, [
        ((4 / 12.1, 9 / 11, 9 / 11), "SQUARE"),
        ((4 / 12.1, (9 / 11) ** 2, (9 / 11) ** 2), "not β itself"),
        ((2 / (math.sqrt(10) + math.sqrt(0.1)), (9 / 11) ** 2, 9 / 11), "squared too"),
        ((2 / 10.1, (9 / 11) ** 2, 9 / 11), "gradient descent's best rate"),
        ((4 / 12.1, (99 / 101) ** 2, 99 / 101), "√k = 10"),
        ((0.9, 0.9, 0.9), "(√k − 1)/(√k + 1))²"),
    ]),
])
def test_prediction_checkers_accept_the_answer_and_name_the_mistakes(check, right, wrongs,
                                                                     capsys):
    assert check(right) is True
    assert "✅" in capsys.readouterr().out
    assert check(...) is False
    assert "not done yet" in capsys.readouterr().out
    for wrong, hint in wrongs:
        assert check(wrong) is False, wrong
        out = capsys.readouterr().out
        assert "❌" in out and hint in out, (wrong, out)


def test_heavy_ball_factor_checker_accepts_solutions_and_names_mistakes(capsys):
    def with_numpy(lr, beta, lam):
        return float(max(abs(np.linalg.eigvals([[1 + beta - lr * lam, -beta], [1, 0]]))))

    for good in (ex.solution_heavy_ball_factor, with_numpy):
        assert ex.check_heavy_ball_factor(good) is True
        assert "✅" in capsys.readouterr().out

    def larger_real_root(lr, beta, lam):
        a = 1 + beta - lr * lam
        return max(((a + cmath.sqrt(a * a - 4 * beta)) / 2).real,
                   ((a - cmath.sqrt(a * a - 4 * beta)) / 2).real)

    def complex_root(lr, beta, lam):
        a = 1 + beta - lr * lam
        return (a + cmath.sqrt(a * a - 4 * beta)) / 2

    def smaller(lr, beta, lam):
        a = 1 + beta - lr * lam
        r = cmath.sqrt(a * a - 4 * beta)
        return min(abs((a + r) / 2), abs((a - r) / 2))

    def minus_beta(lr, beta, lam):
        a = 1 - beta - lr * lam
        r = cmath.sqrt(a * a - 4 * beta)
        return max(abs((a + r) / 2), abs((a - r) / 2))

    cases = [
        (lambda lr, beta, lam: abs(1 - lr * lam), "gradient descent's"),
        (lambda lr, beta, lam: math.sqrt(beta), "√β is the size of complex roots only"),
        (larger_real_root, "SIZE of the root"),
        (complex_root, "complex number"),
        (smaller, "LARGER size"),
        (minus_beta, "plus β"),
        (lambda lr, beta, lam: ..., "not done yet"),
    ]
    for wrong, hint in cases:
        assert ex.check_heavy_ball_factor(wrong) is False
        captured = capsys.readouterr()
        assert hint in captured.out, (hint, captured.out)
        assert "Warning" not in captured.err
