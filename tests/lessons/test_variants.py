"""Tests of lrcourse.lessons.variants, its figures, its widget and its exercise checkers.

References: torch autograd and torch.optim.SGD running the same softmax
regression, DataLoader's batch counts, the syllabus' numbers (196 and 1,960
iterations; 1 - 0.1 * 1 = 0.9) and hand arithmetic.
"""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from torch.utils.data import DataLoader  # noqa: E402

from lrcourse.exercises import variants as ex  # noqa: E402
from lrcourse.lessons import variants as v  # noqa: E402
from lrcourse.plots import variants as vplots  # noqa: E402
from lrcourse.widgets import variants as vwidgets  # noqa: E402


@pytest.fixture(scope="module", autouse=True)
def one_thread():
    """Tiny tensors: threads only add overhead (and the lessons run on one)."""
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(before)


@pytest.fixture(scope="module")
def data():
    return v.digits_problem()


def torch_sgd(X, y, batch_size, lr, epochs, seed=0, max_updates=None):
    """The same training with autograd and torch.optim.SGD, batches from the same shuffles."""
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    W = torch.zeros(X.shape[1], 10, dtype=torch.float64, requires_grad=True)
    b = torch.zeros(10, dtype=torch.float64, requires_grad=True)
    opt = torch.optim.SGD([W, b], lr=lr)
    rng = np.random.default_rng(seed)
    updates = 0
    for _ in range(epochs):
        order = torch.from_numpy(rng.permutation(len(X)))
        for start in range(0, len(X), batch_size):
            if updates == max_updates:
                break
            idx = order[start : start + batch_size]
            opt.zero_grad()
            F.cross_entropy(Xt[idx] @ W + b, yt[idx]).backward()
            opt.step()
            updates += 1
    return W.detach().numpy(), b.detach().numpy()


# ----------------------------------------------------------------------------------
# The syllabus' numbers
# ----------------------------------------------------------------------------------


def test_fifty_thousand_samples_in_batches_of_256():
    assert v.total_iterations(50_000, 256, 1) == 196  # 50000 / 256 = 195.3 -> 196
    assert v.total_iterations(50_000, 256, 10) == 1960
    assert v.total_iterations(50_000, 256, 10, drop_last=True) == 1950
    assert v.total_iterations(50_000, 250, 10) == 2000  # B divides N: N / B, no + 1


@pytest.mark.parametrize(("n", "b"), [(50_000, 256), (50_000, 250), (1438, 32), (10, 3), (7, 7)])
def test_total_iterations_match_dataloader(n, b):
    loader = DataLoader(range(n), batch_size=b)
    assert v.total_iterations(n, b, 3) == 3 * len(loader)
    dropped = DataLoader(range(n), batch_size=b, drop_last=True)
    assert v.total_iterations(n, b, 3, drop_last=True) == 3 * len(dropped)


def test_keras_one_liner_in_pytorch_gives_point_nine():
    w = torch.tensor(1.0, requires_grad=True)
    opt = torch.optim.SGD([w], lr=0.1)
    loss = w**2 / 2
    loss.backward()
    opt.step()
    assert float(w.detach()) == pytest.approx(1 - 0.1 * 1, abs=1e-7)
    assert f"{float(w.detach()):.4g}" == "0.9"


# ----------------------------------------------------------------------------------
# The problem
# ----------------------------------------------------------------------------------


def test_digits_problem_shapes_and_splits():
    X, y = v.digits_problem()
    Xv, yv = v.digits_problem(split="val")
    assert X.shape == (1438, 64) and Xv.shape == (359, 64)
    assert X.dtype == np.float64 and y.dtype == np.int64
    assert sorted(set(y.tolist())) == list(range(10))


def test_zero_weights_give_log_ten(data):
    X, y = data
    assert v.softmax_loss(np.zeros((64, 10)), np.zeros(10), X, y) == pytest.approx(math.log(10))


def test_loss_and_gradient_match_autograd(data):
    X, y = data
    rng = np.random.default_rng(3)
    W, b = rng.normal(size=(64, 10)), rng.normal(size=10)
    rows = rng.choice(len(X), size=17, replace=False)
    Wt = torch.tensor(W, requires_grad=True)
    bt = torch.tensor(b, requires_grad=True)
    loss = F.cross_entropy(torch.from_numpy(X[rows]) @ Wt + bt, torch.from_numpy(y[rows]))
    loss.backward()
    assert v.softmax_loss(W, b, X[rows], y[rows]) == pytest.approx(loss.item(), rel=1e-12)
    dW, db = v.softmax_grad(W, b, X[rows], y[rows])
    np.testing.assert_allclose(dW, Wt.grad.numpy(), rtol=1e-10, atol=1e-14)
    np.testing.assert_allclose(db, bt.grad.numpy(), rtol=1e-10, atol=1e-14)


def test_loss_stays_finite_for_huge_scores():
    X = np.array([[1000.0], [-1000.0]])
    W = np.array([[1.0, -1.0]])
    loss = v.softmax_loss(W, np.zeros(2), X, np.array([1, 0]))
    assert loss == pytest.approx(2000.0)


def test_accuracy_counts_correct_rows():
    X = np.eye(3)
    assert v.accuracy(np.eye(3), np.zeros(3), X, np.array([0, 1, 0])) == pytest.approx(2 / 3)


# ----------------------------------------------------------------------------------
# Batches and training
# ----------------------------------------------------------------------------------


def test_variant_names():
    assert [v.variant_name(b, 100) for b in (1, 2, 99, 100, 500)] == [
        "SGD", "mini-batch", "mini-batch", "BGD", "BGD"]  # fmt: skip


def test_batch_indices_cover_the_order_once():
    order = np.random.default_rng(0).permutation(23)
    batches = v.batch_indices(order, 5)
    assert [len(b) for b in batches] == [5, 5, 5, 5, 3]
    assert np.concatenate(batches).tolist() == order.tolist()
    assert [len(b) for b in v.batch_indices(order, 5, drop_last=True)] == [5, 5, 5, 5]
    assert len(v.batch_indices(order, 100)) == 1


@pytest.mark.parametrize(("batch_size", "epochs"), [(1438, 3), (32, 2), (1, 1)])
def test_training_matches_torch_sgd(data, batch_size, epochs):
    X, y = data
    max_updates = 200 if batch_size == 1 else None
    run = v.train_variant(X, y, batch_size, 0.1, epochs, seed=4, max_updates=max_updates)
    W, b = torch_sgd(X, y, batch_size, 0.1, epochs, seed=4, max_updates=max_updates)
    np.testing.assert_allclose(run.W, W, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(run.b, b, rtol=1e-9, atol=1e-12)
    assert run.final_loss == pytest.approx(v.softmax_loss(W, b, X, y), rel=1e-9)


def test_run_counts_updates_and_samples(data):
    X, y = data
    run = v.train_variant(X, y, 32, 0.1, epochs=2, eval_every=10)
    assert run.name == "mini-batch" and run.updates_per_epoch == 45
    assert run.iterations[:3] == [0, 10, 20] and run.iterations[-1] == 90
    assert run.samples[-1] == 2 * 1438 and len(run.batch_loss) == 90
    assert run.samples[1] == 10 * 32
    assert np.all(np.diff(run.seconds) >= 0)
    stopped = v.train_variant(X, y, 1, 0.1, epochs=1, max_updates=7)
    assert stopped.iterations == list(range(8)) and stopped.samples[-1] == 7
    assert v.train_variant(X, y, 5000, 0.1, epochs=1).batch_size == 1438  # clipped to N


def test_bgd_batch_loss_is_the_full_loss(data):
    X, y = data
    run = v.train_variant(X, y, len(X), 0.1, epochs=4)
    np.testing.assert_allclose(run.batch_loss, run.loss[:-1], rtol=1e-12)


def test_sgd_is_noisy_and_bgd_is_not(data):
    X, y = data
    bgd = v.train_variant(X, y, len(X), 0.1, epochs=100)
    sgd = v.train_variant(X, y, 1, 0.1, epochs=1, max_updates=100)
    assert bgd.rises() == 0  # small steps on a smooth convex loss: always downhill
    assert sgd.rises() > 10
    assert np.std(sgd.batch_loss[50:]) > 10 * np.std(bgd.batch_loss[50:])


def test_same_seed_same_run_other_seed_other_run(data):
    X, y = data
    first = v.train_variant(X, y, 16, 0.1, epochs=1, seed=1)
    again = v.train_variant(X, y, 16, 0.1, epochs=1, seed=1)
    other = v.train_variant(X, y, 16, 0.1, epochs=1, seed=2)
    assert first.loss == again.loss and first.loss != other.loss


def test_loss_at_reads_the_last_record_within_the_budget(data):
    X, y = data
    run = v.train_variant(X, y, len(X), 0.1, epochs=3)
    assert run.loss_at("samples", 2000) == run.loss[1]
    assert run.loss_at("iterations", 3) == run.loss[3]
    assert run.loss_at("seconds", 1e9) == run.loss[-1]
    with pytest.raises(ValueError, match="^key must be"):
        run.loss_at("epochs", 1)
    with pytest.raises(ValueError, match="^budget must be"):
        run.loss_at("samples", -1)


def test_first_below_finds_the_first_record_under_the_target(data):
    X, y = data
    run = v.train_variant(X, y, len(X), 0.1, epochs=20)
    k = run.first_below(1.0)
    assert run.loss[k] <= 1.0 < run.loss[k - 1]
    assert run.first_below(10.0) == 0 and run.first_below(0.0) is None
    with pytest.raises(ValueError, match="^target must"):
        run.first_below("low")


def test_format_runs_lists_every_run(data):
    X, y = data
    runs = [v.train_variant(X, y, b, 0.1, epochs=1) for b in (1438, 32)]
    text = v.format_runs(runs, *v.digits_problem(split="val"))
    lines = text.splitlines()
    assert len(lines) == 3 and "val acc" in lines[0]
    assert lines[1].startswith("BGD (B = 1438)") and " 45 " in lines[2]


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"batch_size": 0}, "batch_size"),
        ({"batch_size": 2.5}, "batch_size"),
        ({"lr": 0.0}, "lr"),
        ({"lr": math.nan}, "lr"),
        ({"epochs": -1}, "epochs"),
        ({"epochs": True}, "epochs"),
        ({"seed": -3}, "seed"),
        ({"eval_every": 0}, "eval_every"),
        ({"max_updates": -1}, "max_updates"),
        ({"n_classes": 5}, "n_classes"),
    ],
)
def test_train_variant_rejects_bad_arguments(data, kwargs, name):
    X, y = data
    args = {"batch_size": 32, "lr": 0.1, "epochs": 1, **kwargs}
    with pytest.raises(ValueError, match=f"^{name} must"):
        v.train_variant(X, y, **args)


def test_bad_data_and_helpers_are_rejected():
    with pytest.raises(ValueError, match="^X must"):
        v.softmax_loss(np.zeros((64, 10)), np.zeros(10), np.zeros(64), np.zeros(1, dtype=int))
    with pytest.raises(ValueError, match="^y must"):
        v.softmax_loss(np.zeros((2, 3)), np.zeros(3), np.zeros((4, 2)), np.zeros(3, dtype=int))
    with pytest.raises(ValueError, match="^y must"):
        v.softmax_grad(np.zeros((2, 3)), np.zeros(3), np.zeros((2, 2)), np.array([0.5, 1.0]))
    with pytest.raises(ValueError, match="^split must"):
        v.digits_problem(split="test")
    with pytest.raises(ValueError, match="^batch_size must"):
        v.batch_indices([0, 1, 2], 0)
    with pytest.raises(ValueError, match="^order must"):
        v.batch_indices([[0, 1]], 1)
    with pytest.raises(ValueError, match="^drop_last must"):
        v.batch_indices([0, 1], 1, drop_last="yes")
    with pytest.raises(ValueError, match="^epochs must"):
        v.total_iterations(100, 10, -2)
    with pytest.raises(ValueError, match="^n_samples must"):
        v.variant_name(1, 0)


# ----------------------------------------------------------------------------------
# Figures and widget
# ----------------------------------------------------------------------------------


def _labelled(ax) -> bool:
    return bool(ax.get_title() and ax.get_xlabel() and ax.get_ylabel() and ax.get_legend())


def test_plots_have_titles_labels_and_legends(data):
    X, y = data
    runs = [v.train_variant(X, y, b, 0.1, epochs=2) for b in (1438, 32)]
    for x in ("iterations", "samples", "seconds"):
        fig, ax = plt.subplots()
        vplots.plot_runs(runs, x, ax, logx=(x != "iterations"))
        assert _labelled(ax) and len(ax.lines) == 2
        assert ax.lines[0].get_color() == vplots.VARIANT_COLORS["BGD"]
        plt.close(fig)
    fig, ax = plt.subplots()
    vplots.plot_sgd_noise(v.train_variant(X, y, 1, 0.1, 1, max_updates=50), ax, updates=30)
    assert _labelled(ax) and len(ax.lines[0].get_xdata()) == 30
    plt.close(fig)


def test_plots_reject_bad_arguments(data):
    X, y = data
    run = v.train_variant(X, y, 1, 0.1, 1, max_updates=20, eval_every=5)
    with pytest.raises(ValueError, match="^x must"):
        vplots.plot_runs([run], "epochs")
    with pytest.raises(ValueError, match="^runs must"):
        vplots.plot_runs([])
    with pytest.raises(ValueError, match="^run must"):
        vplots.plot_sgd_noise(run)


def test_batch_size_figure_is_a_figure_with_counts():
    before = plt.get_fignums()
    fig, text = vwidgets.batch_size_figure(32, 0.1, epochs=2)
    assert isinstance(fig, Figure) and plt.get_fignums() == before  # not pyplot
    assert len(fig.axes) == 2 and all(_labelled(ax) for ax in fig.axes)
    assert text.startswith("mini-batch (B = 32): 45 updates per epoch, 90 updates, 2876 samples")
    assert "BGD (B = 1438): 1 update per epoch" in vwidgets.batch_size_figure(1438, 0.1, 1)[1]


def test_batch_size_explorer_redraws_when_a_slider_moves():
    panel = vwidgets.batch_size_explorer(batch_size=1438, lr=0.1, epochs=2)
    assert "2 updates" in panel.message.value
    panel.controls["batch_size"].value = 256
    assert "6 updates per epoch, 12 updates" in panel.message.value
    panel.controls["epochs"].value = 3
    assert "18 updates, 4314 samples" in panel.message.value
    assert len(panel.output.outputs) == 1
    assert repr(panel).startswith("<lrcourse widget:")
    with pytest.raises(ValueError, match="^batch_size must"):
        vwidgets.batch_size_explorer(batch_size=100)


# ----------------------------------------------------------------------------------
# Exercise checkers
# ----------------------------------------------------------------------------------


def test_solutions_reproduce_the_course_numbers():
    assert ex.solution_iterations(50_000, 256, 1) == 196
    assert ex.solution_iterations(50_000, 256, 10) == 1960
    assert ex.solution_batches([4, 0, 3, 1, 2], 2) == [[4, 0], [3, 1], [2]]


def test_checkers_accept_the_reference_and_independent_answers(capsys):
    assert ex.check_iterations(ex.solution_iterations) is True
    assert ex.check_iterations(lambda n, b, e: e * v.total_iterations(n, b, 1)) is True
    assert ex.check_iterations(lambda n, b, e: e * (-(-n // b))) is True
    assert ex.check_batches(ex.solution_batches) is True
    assert ex.check_batches(lambda order, b: v.batch_indices(order, b)) is True  # numpy arrays
    assert capsys.readouterr().out.count("✅") == 5


@pytest.mark.parametrize(
    ("checker", "wrong", "hint"),
    [
        (ex.check_iterations, lambda n, b, e: e * (n // b), "round N / B up"),
        (ex.check_iterations, lambda n, b, e: e * (n // b + 1), "only when B does not divide N"),
        (ex.check_iterations, lambda n, b, e: e * n, "count batches, not samples"),
        (ex.check_iterations, lambda n, b, e: math.ceil(n / b), "number of epochs"),
        (ex.check_batches, lambda o, b: [o[s : s + b] for s in range(0, len(o) - b + 1, b)],
         "keep the last, shorter batch"),
        (ex.check_batches, lambda o, b: ex.solution_batches(list(range(len(o))), b),
         "slice the shuffled order"),
    ],
)
def test_checkers_reject_typical_mistakes_with_a_hint(checker, wrong, hint, capsys):
    assert checker(wrong) is False
    out = capsys.readouterr().out
    assert "❌" in out and hint in out


def test_checkers_say_a_stub_is_not_done(capsys):
    assert ex.check_iterations(lambda n, b, e: ...) is False
    assert "not done yet" in capsys.readouterr().out
    assert ex.check_batches(lambda order, b: None) is False
    assert "not done yet" in capsys.readouterr().out


# ----------------------------------------------------------------------------------
# Batch size and learning rate: the scans against train_variant and torch.optim
# ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("batch_size", "rate", "seed"), [(32, 0.5, 0), (7, 0.05, 3), (1438, 1.0, 2),
                                                          (500, 2.0, 1)])
def test_scan_runs_are_train_variant_runs(data, batch_size, rate, seed):
    X, y = data
    scan = v.scan_batch_sizes(X, y, [batch_size], [0.01, rate], seeds=[seed, seed + 1], epochs=2)
    run = v.train_variant(X, y, batch_size, rate, epochs=2, seed=seed, eval_every=10**6)
    assert scan.final_loss[0, 1, 0] == pytest.approx(run.final_loss, rel=1e-10)


def test_adam_scan_runs_match_torch_adam(data):
    X, y = data
    scan = v.scan_batch_sizes(X, y, [64], [0.003, 0.05], seeds=[4], epochs=2, optimizer="Adam")
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    for k, rate in enumerate(scan.rates):
        W = torch.zeros(64, 10, dtype=torch.float64, requires_grad=True)
        b = torch.zeros(10, dtype=torch.float64, requires_grad=True)
        opt = torch.optim.Adam([W, b], lr=rate)
        rng = np.random.default_rng(4)
        for _ in range(2):
            for idx in v.batch_indices(rng.permutation(len(X)), 64):
                opt.zero_grad()
                F.cross_entropy(Xt[idx] @ W + b, yt[idx]).backward()
                opt.step()
        expected = F.cross_entropy(Xt @ W + b, yt).item()
        assert scan.final_loss[0, k, 0] == pytest.approx(expected, rel=1e-9)


def test_full_batches_give_every_seed_the_same_loss(data):
    X, y = data
    scan = v.scan_batch_sizes(X, y, [5000], [0.3, 1.0], seeds=[0, 1, 2], epochs=3)
    assert scan.batch_sizes == (len(X),)
    assert (scan.final_loss[0] == scan.final_loss[0, :, :1]).all()
    assert scan.final_loss[0, 0, 0] == pytest.approx(
        v.train_variant(X, y, len(X), 0.3, epochs=3).final_loss, rel=1e-12)


def test_best_rates_are_the_argmin_of_the_median_over_seeds():
    losses = np.array([[[0.5, 0.4, 0.9], [0.3, 0.6, 0.35], [2.0, 0.1, 3.0]]])  # 1 B x 3 rates x 3 seeds
    scan = v.BatchScan((8,), (0.1, 0.2, 0.4), (0, 1, 2), 5, "SGD", 100, losses)
    # medians: 0.5, 0.35, 2.0 -> rate 0.2; each seed's own: 0.2, 0.4, 0.2
    assert scan.best_rate(8) == 0.2
    assert scan.seed_best_rates(8) == [0.2, 0.4, 0.2]
    assert scan.best_loss(8).tolist() == [0.3, 0.6, 0.35]
    lines = scan.table().splitlines()
    assert len(lines) == 2 and lines[1].split()[:2] == ["8", "0.2"]
    with pytest.raises(ValueError, match="batch_size must be one of"):
        scan.best_rate(16)


def test_a_diverging_run_counts_as_infinitely_bad(data):
    X, y = data
    scan = v.scan_batch_sizes(X * 1e3, y, [1438], [1e-3, 1e4], seeds=[0], epochs=3)
    assert np.isfinite(scan.final_loss[0, 0, 0])
    assert scan.best_rate(1438) == 1e-3


@pytest.mark.parametrize(("batch_size", "rates"), [(1438, [0.5]), (200, [0.5, 2.0]), (32, [1.0])])
def test_updates_to_loss_matches_train_variant_at_its_resolution(data, batch_size, rates):
    X, y = data
    target = 0.5
    got = v.updates_to_loss(X, y, batch_size, rates, target, seeds=[0, 1], max_epochs=20)
    every = math.ceil(math.ceil(len(X) / batch_size) / 8)
    for s, count in enumerate(got):
        firsts = []
        for rate in rates:
            run = v.train_variant(X, y, batch_size, rate, epochs=20, seed=s)
            firsts += [t for t, loss in zip(run.iterations, run.loss, strict=True)
                       if t > 0 and t % every == 0 and loss <= target][:1]
        assert count == min(firsts)


def test_updates_to_loss_is_nan_when_the_target_is_out_of_reach(data):
    X, y = data
    assert np.isnan(v.updates_to_loss(X, y, 1438, [1e-4], 0.5, seeds=[0], max_epochs=3)).all()


# ----------------------------------------------------------------------------------
# Curvature
# ----------------------------------------------------------------------------------


def _hessian_eigenvalues(W, b, X, y):
    """Every eigenvalue of the loss's Hessian, from torch's own Hessian and eigvalsh."""
    Xt, yt = torch.from_numpy(X), torch.from_numpy(y)
    features, classes = W.shape

    def loss(theta):
        return F.cross_entropy(Xt @ theta[: features * classes].reshape(features, classes)
                               + theta[features * classes:], yt)

    theta = torch.from_numpy(np.concatenate([W.ravel(), b]))
    return torch.linalg.eigvalsh(torch.autograd.functional.hessian(loss, theta)).numpy()


def test_sharpness_matches_eigvalsh_of_the_whole_hessian(data):
    X, y = data
    X, y = X[:300, :16], y[:300]  # 16 pixels x 10 classes + 10 biases: a 170 x 170 Hessian
    run = v.train_variant(X, y, 32, 0.5, epochs=1)
    for W, b in [(np.zeros((16, 10)), np.zeros(10)), (run.W, run.b)]:
        assert v.sharpness(W, b, X, y) == pytest.approx(_hessian_eigenvalues(W, b, X, y)[-1],
                                                        rel=1e-8)


def test_sharpness_at_zero_is_the_kronecker_formula(data):
    X, y = data
    X, y = X[:200, :12], y[:200]
    eigenvalues = _hessian_eigenvalues(np.zeros((12, 10)), np.zeros(10), X, y)
    assert v.sharpness_at_zero(X) == pytest.approx(eigenvalues[-1], rel=1e-10)
    # the whole spectrum is {1/10, 0} times the eigenvalues of X1^T X1 / N
    X1 = np.hstack([X, np.ones((len(X), 1))])
    c = np.linalg.eigvalsh(X1.T @ X1 / len(X))
    products = np.sort(np.concatenate([np.repeat(c / 10, 9), np.zeros(len(c))]))
    np.testing.assert_allclose(eigenvalues, products, atol=1e-12)


def test_sharpness_of_the_course_problem_at_zero(data):
    X, y = data
    assert v.sharpness(np.zeros((64, 10)), np.zeros(10), X, y) == pytest.approx(
        v.sharpness_at_zero(X), rel=1e-8)


def test_sharpness_trace_follows_train_variant_and_the_warmup_formula(data):
    X, y = data
    plain = v.sharpness_trace(X, y, 100, 0.7, steps=20, seed=2, measure_at=[0, 20])
    run = v.train_variant(X, y, 100, 0.7, epochs=2, seed=2, max_updates=20)
    np.testing.assert_allclose(plain.loss, run.loss, rtol=1e-12)
    assert plain.rates == [0.7] * 20 and plain.steps == [0, 20]
    assert plain.edge[0] == pytest.approx(2 / v.sharpness_at_zero(X))
    warm = v.sharpness_trace(X, y, 100, 0.7, steps=20, seed=2, warmup_steps=8, measure_at=[])
    from lrcourse.schedules import linear_warmup_lr
    assert warm.rates == pytest.approx([linear_warmup_lr(t, 0.7, 8) for t in range(20)])
    assert warm.loss[1] == warm.loss[0] and warm.sharpness == []  # step 0 has rate 0


def test_scans_and_traces_reject_bad_arguments(data):
    X, y = data
    with pytest.raises(ValueError, match="rates must hold at least one value"):
        v.scan_batch_sizes(X, y, [8], [])
    with pytest.raises(ValueError, match=r"rates\[1\] must be a finite number > 0"):
        v.scan_batch_sizes(X, y, [8], [0.1, -1])
    with pytest.raises(ValueError, match="batch_sizes must be distinct once clipped"):
        v.scan_batch_sizes(X, y, [2000, 3000], [0.1])
    with pytest.raises(ValueError, match="optimizer must be one of"):
        v.scan_batch_sizes(X, y, [8], [0.1], optimizer="RMSprop")
    with pytest.raises(ValueError, match="seeds must not repeat"):
        v.scan_batch_sizes(X, y, [8], [0.1], seeds=[1, 1])
    with pytest.raises(ValueError, match="target must be a finite number > 0"):
        v.updates_to_loss(X, y, 8, [0.1], target=0)
    with pytest.raises(ValueError, match=r"measure_at\[0\] must be an integer in \[0, 5\]"):
        v.sharpness_trace(X, y, 8, 0.1, steps=5, measure_at=[6])
    with pytest.raises(ValueError, match="W must have shape"):
        v.sharpness(np.zeros((10, 64)), np.zeros(10), X, y)


def test_best_rate_figure_and_updates_figure_are_labelled(data):
    X, y = data
    scan = v.scan_batch_sizes(X, y, [16, 64], [0.5, 1.0], seeds=[0, 1], epochs=1)
    fig, (left, right) = plt.subplots(1, 2)
    vplots.plot_best_rates([scan], left, edge=0.6)
    vplots.plot_updates_to_loss([16, 64], [[100, 120], [30, 40]], 0.3, right)
    for ax in (left, right):
        assert _labelled(ax)
        assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert len(right.lines) == 4  # two seed clouds, the median, the perfect-scaling line
    plt.close(fig)


# ----------------------------------------------------------------------------------
# The prediction of the batch-size section
# ----------------------------------------------------------------------------------


def test_scaled_rates_follow_the_two_rules():
    k = 512 / 32
    linear, root = ex.solution_scaled_rates
    assert linear == pytest.approx(0.1 * k) and root == pytest.approx(0.1 * math.sqrt(k))


@pytest.mark.parametrize(("wrong", "hint"), [
    ((0.4, 1.6), "first the linear rule"), ((51.2, 0.1 * math.sqrt(512)), "not the new batch size"),
    ((0.1 / 16, 0.1 / 4), "do not divide"), ((1.6, 0.8), "not by 16 / 2"), ((1.6, 1.6), "sqrt(k) = 4"),
    ((16, 4), "multiply 0.1"), ((2.0, 0.5), "k = 512 / 32"),
])
def test_scaled_rates_checker_names_the_mistake(wrong, hint, capsys):
    assert ex.check_scaled_rates(ex.solution_scaled_rates)
    assert ex.check_scaled_rates((1.6, 0.4000001))
    assert not ex.check_scaled_rates(wrong)
    assert hint in capsys.readouterr().out
