"""Tests of lrcourse.lr_finder: the range test against torch-lr-finder, hand-made curves,
a naive loop, and the state it must give back bit for bit."""

from __future__ import annotations

import copy
import itertools
import math
import subprocess
import sys
import warnings

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from lrcourse.lr_finder import LRFinder, minimum, rate_schedule, smooth, steepest, valley

# --- small fixtures ----------------------------------------------------------------------------


def _data(n: int = 96, seed: int = 0) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(seed)
    x = torch.randn(n, 6, generator=g)
    y = (x[:, 0] + 0.5 * x[:, 1] > 0).long()
    return x, y


def _loader(n: int = 96, batch_size: int = 16, seed: int = 0) -> DataLoader:
    return DataLoader(TensorDataset(*_data(n, seed)), batch_size=batch_size, shuffle=False)


def _mlp(seed: int = 0, batchnorm: bool = False) -> nn.Sequential:
    torch.manual_seed(seed)
    layers = [nn.Linear(6, 12)]
    if batchnorm:
        layers.append(nn.BatchNorm1d(12))
    layers += [nn.ReLU(), nn.Linear(12, 2)]
    return nn.Sequential(*layers)


def _finder_with_history(lrs, losses, step_mode: str = "exp") -> LRFinder:
    """A finder whose history is a hand-made curve (no training)."""
    model = _mlp()
    finder = LRFinder(model, torch.optim.SGD(model.parameters(), lr=0.1), nn.CrossEntropyLoss())
    finder.history = {
        "lr": list(lrs),
        "lrs": [list(lrs)],
        "loss": list(losses),
        "raw_loss": list(losses),
        "train_loss": list(losses),
    }
    finder.step_mode = step_mode
    return finder


def _state(model: nn.Module, optimizer: torch.optim.Optimizer) -> dict:
    """Everything the range test must give back, copied."""
    return {
        "model": {k: v.clone() for k, v in model.state_dict().items()},
        "grads": [None if p.grad is None else p.grad.clone() for p in model.parameters()],
        "modes": [m.training for m in model.modules()],
        "optimizer": copy.deepcopy(optimizer.state_dict()),
        "params": [id(p) for g in optimizer.param_groups for p in g["params"]],
    }


def _assert_same(a, b) -> None:
    """Bitwise equality of nested dicts/lists of tensors and plain values."""
    if isinstance(a, torch.Tensor):
        assert isinstance(b, torch.Tensor) and a.dtype == b.dtype and a.shape == b.shape
        assert torch.equal(a, b)
        assert a.device == b.device
    elif isinstance(a, dict):
        assert a.keys() == b.keys()
        for k in a:
            _assert_same(a[k], b[k])
    elif isinstance(a, (list, tuple)):
        assert len(a) == len(b)
        for u, v in zip(a, b, strict=True):
            _assert_same(u, v)
    else:
        assert a == b


# --- the rate sequence and smoothing -----------------------------------------------------------


def test_exp_rates_are_evenly_spaced_on_a_log_scale():
    rates = rate_schedule(1e-7, 10.0, 100, "exp")
    np.testing.assert_allclose(rates, np.geomspace(1e-7, 10.0, 100), rtol=1e-12)
    assert rates[0] == 1e-7


def test_linear_rates_match_linspace():
    np.testing.assert_allclose(rate_schedule(0.0, 2.0, 5, "linear"), [0, 0.5, 1, 1.5, 2])


def test_smoothing_by_hand():
    # s0 = 10; s1 = 0.1*0 + 0.9*10 = 9; s2 = 0.1*20 + 0.9*9 = 10.1
    np.testing.assert_allclose(smooth([10, 0, 20], 0.1), [10, 9, 10.1])
    assert smooth([3, 1, 2], 0) == [3, 1, 2]


# --- agreement with torch-lr-finder ------------------------------------------------------------


@pytest.mark.parametrize(
    "make_opt, step_mode, end_lr, accumulation_steps",
    [
        (lambda p: torch.optim.SGD(p, lr=1e-7, momentum=0.9), "exp", 10.0, 1),
        (lambda p: torch.optim.Adam(p, lr=1e-7), "exp", 10.0, 1),
        (lambda p: torch.optim.SGD(p, lr=1e-7, momentum=0.9), "linear", 3.0, 1),
        (lambda p: torch.optim.Adam(p, lr=1e-7), "exp", 10.0, 2),
    ],
)
def test_same_rates_and_loss_curve_as_torch_lr_finder(
    make_opt, step_mode, end_lr, accumulation_steps
):
    tlf = pytest.importorskip("torch_lr_finder")
    kwargs = dict(start_lr=1e-5, end_lr=end_lr, num_iter=60, step_mode=step_mode)
    kwargs["accumulation_steps"] = accumulation_steps

    model = _mlp(seed=1)
    ours = LRFinder(model, make_opt(model.parameters()), nn.CrossEntropyLoss())
    ours.range_test(_loader(), progress=False, **kwargs)

    model = _mlp(seed=1)
    theirs = tlf.LRFinder(model, make_opt(model.parameters()), nn.CrossEntropyLoss())
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs.range_test(_loader(), **kwargs)

    assert ours.history["lr"] == theirs.history["lr"]
    assert ours.history["loss"] == theirs.history["loss"]
    assert len(ours.history["lr"]) >= 20  # a real curve, not a one-point stop


# --- the state given back ----------------------------------------------------------------------


def _prestepped(opt_name: str):
    """A model with BatchNorm and two param groups whose optimizer already has state."""
    model = _mlp(seed=2, batchnorm=True)
    groups = [
        {"params": model[0].parameters(), "lr": 0.05},
        {"params": list(model[1].parameters()) + list(model[3].parameters()), "lr": 0.01},
    ]
    if opt_name == "sgd":
        opt = torch.optim.SGD(groups, lr=0.05, momentum=0.9, weight_decay=1e-4)
    elif opt_name == "adam":
        opt = torch.optim.Adam(groups, lr=0.05)
    else:
        opt = torch.optim.SGD(groups, lr=0.05, momentum=0.9)
    if opt_name != "fresh":
        x, y = _data(32, seed=5)
        for _ in range(3):
            opt.zero_grad()
            nn.functional.cross_entropy(model(x), y).backward()
            opt.step()
    model.eval()  # a mode the test must not leave changed
    return model, opt


@pytest.mark.parametrize("opt_name", ["sgd", "adam", "fresh"])
def test_state_is_given_back_bitwise(opt_name):
    model, opt = _prestepped(opt_name)
    before = _state(model, opt)
    twin_model, twin_opt = copy.deepcopy(model), None
    twin_opt = type(opt)(
        [
            {"params": twin_model[0].parameters()},
            {"params": list(twin_model[1].parameters()) + list(twin_model[3].parameters())},
        ],
        lr=0.05,
    )
    twin_opt.load_state_dict(copy.deepcopy(opt.state_dict()))

    finder = LRFinder(model, opt, nn.CrossEntropyLoss())
    finder.range_test(_loader(), end_lr=1.0, num_iter=25, progress=False)
    assert len(finder.history["lr"]) > 5
    _assert_same(before, _state(model, opt))
    assert [g["lr"] for g in opt.param_groups] == [0.05, 0.01]
    assert all("initial_lr" not in g for g in opt.param_groups)

    # The strongest check: training on goes exactly as if no test had run.
    x, y = _data(32, seed=6)
    for m, o in ((model, opt), (twin_model, twin_opt)):
        m.train()
        for _ in range(3):
            o.zero_grad()
            nn.functional.cross_entropy(m(x), y).backward()
            o.step()
    for p, q in zip(model.parameters(), twin_model.parameters(), strict=True):
        assert torch.equal(p, q)


def test_restore_false_keeps_training_until_reset():
    model, opt = _prestepped("adam")
    before = _state(model, opt)
    finder = LRFinder(model, opt, nn.CrossEntropyLoss())
    finder.range_test(_loader(), end_lr=1.0, num_iter=10, progress=False, restore=False)
    assert not torch.equal(model[0].weight, before["model"]["0.weight"])
    finder.reset()
    _assert_same(before, _state(model, opt))
    finder.reset()  # nothing left to undo
    _assert_same(before, _state(model, opt))


def test_a_failing_test_gives_state_back_and_keeps_old_history():
    model, opt = _prestepped("sgd")
    finder = LRFinder(model, opt, nn.CrossEntropyLoss())
    finder.range_test(_loader(), end_lr=1.0, num_iter=20, progress=False)
    old = copy.deepcopy(finder.history)
    before = _state(model, opt)

    calls = itertools.count()

    def breaks_on_fifth_call(out, target):
        if next(calls) == 4:
            raise RuntimeError("boom")
        return nn.functional.cross_entropy(out, target)

    finder.criterion = breaks_on_fifth_call
    with pytest.raises(RuntimeError, match="boom"):
        finder.range_test(_loader(), end_lr=1.0, num_iter=20, progress=False)
    _assert_same(before, _state(model, opt))
    assert finder.history == old


def test_a_second_call_with_bad_arguments_keeps_the_history():
    model = _mlp()
    finder = LRFinder(model, torch.optim.SGD(model.parameters(), lr=0.1), nn.CrossEntropyLoss())
    finder.range_test(_loader(), end_lr=1.0, num_iter=20, progress=False)
    old = copy.deepcopy(finder.history)
    with pytest.raises(ValueError, match="num_iter"):
        finder.range_test(_loader(), num_iter=1, progress=False)
    with pytest.raises(ValueError, match="start_lr"):
        finder.range_test(_loader(), start_lr=0.0, progress=False)
    assert finder.history == old


# --- stopping ----------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_stops_on_a_non_finite_loss_and_suggestions_ignore_it(bad):
    model = _mlp(seed=3)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)

    def blows_up_past_1e_2(out, target):
        loss = nn.functional.cross_entropy(out, target)
        return loss * bad if opt.param_groups[0]["lr"] > 1e-2 else loss

    finder = LRFinder(model, opt, blows_up_past_1e_2)
    finder.range_test(
        _loader(), start_lr=1e-6, end_lr=10.0, num_iter=70, diverge_th=1e9, progress=False
    )
    rates = rate_schedule(1e-6, 10.0, 70)
    first_bad = next(i for i, lr in enumerate(rates) if lr > 1e-2)
    assert finder.stop_reason == "non-finite"
    assert len(finder.history["lr"]) == first_bad + 1
    assert not math.isfinite(finder.history["raw_loss"][-1])
    assert all(math.isfinite(v) for v in finder.history["loss"][:-1])

    finite = np.array(finder.history["loss"][:-1])
    window = slice(10, len(finite) - 5)
    lrs = np.array(rates[: len(finite)])
    assert finder.suggestion("steepest") == lrs[window][np.argmin(np.gradient(finite[window]))]
    assert finder.suggestion("minimum") == lrs[window][np.argmin(finite[window])] / 10
    assert math.isfinite(finder.suggestion("valley"))


def _quadratic(shift: float):
    """Loss (w - 1)^2 + shift for one weight w = 0: SGD with rate lr multiplies w - 1 by
    1 - 2 lr, so the loss blows up once lr > 1."""
    model = nn.Linear(1, 1, bias=False, dtype=torch.float64)
    with torch.no_grad():
        model.weight.zero_()
    one = torch.ones(1, 1, dtype=torch.float64)
    batches = [(one, one)]

    def criterion(out, target):
        return ((out - target) ** 2).mean() + shift

    return model, batches, criterion


def test_divergence_works_for_negative_losses():
    model, batches, criterion = _quadratic(-100.0)
    finder = LRFinder(model, torch.optim.SGD(model.parameters(), lr=0.1), criterion)
    finder.range_test(
        batches, start_lr=1e-3, end_lr=100.0, num_iter=60, smooth_f=0.0, progress=False
    )
    assert finder.stop_reason == "diverged"

    # Naive loop: w - 1 is multiplied by (1 - 2 lr) each step; stop at the first loss
    # above best + 4 |best|.
    e, best, expected_stop = -1.0, math.inf, None
    for i, lr in enumerate(rate_schedule(1e-3, 100.0, 60)):
        loss = e * e - 100.0
        best = min(best, loss)
        if loss > best + 4 * abs(best):
            expected_stop = i
            break
        e *= 1 - 2 * lr
    assert expected_stop is not None and expected_stop > 30
    assert len(finder.history["lr"]) == expected_stop + 1
    np.testing.assert_allclose(finder.history["loss"][-1], e * e - 100.0, rtol=1e-9)


def test_divergence_threshold_matches_the_usual_one_for_positive_losses():
    model, batches, criterion = _quadratic(0.5)
    finder = LRFinder(model, torch.optim.SGD(model.parameters(), lr=0.1), criterion)
    finder.range_test(batches, start_lr=1e-3, end_lr=100.0, num_iter=60, progress=False)
    losses = finder.history["loss"]
    best = np.minimum.accumulate(losses)
    assert finder.stop_reason == "diverged"
    assert losses[-1] > 5 * best[-1]
    assert all(v <= 5 * b for v, b in zip(losses[:-1], best[:-1], strict=True))


# --- the schedule as applied ------------------------------------------------------------------


def test_linear_mode_really_starts_at_zero():
    model, batches, criterion = _quadratic(0.0)
    finder = LRFinder(model, torch.optim.SGD(model.parameters(), lr=0.1), criterion)
    finder.range_test(
        batches, start_lr=0.0, end_lr=0.9, num_iter=10, step_mode="linear", progress=False
    )
    np.testing.assert_allclose(finder.history["lr"], np.linspace(0, 0.9, 10), atol=1e-15)
    # A zero rate leaves w = 0, so the second loss equals the first: (0 - 1)^2 = 1.
    assert finder.history["raw_loss"][:2] == [1.0, 1.0]


def test_every_param_group_is_recorded_and_keeps_its_ratio():
    model = _mlp()
    opt = torch.optim.SGD(
        [
            {"params": model[0].parameters(), "lr": 0.1},
            {"params": model[2].parameters(), "lr": 0.01},
        ],
        lr=0.1,
    )
    seen = []

    def recording(out, target):
        seen.append([g["lr"] for g in opt.param_groups])
        return nn.functional.cross_entropy(out, target)

    finder = LRFinder(model, opt, recording)
    finder.range_test(_loader(), start_lr=1e-4, end_lr=1.0, num_iter=15, progress=False)
    n = len(finder.history["lr"])
    rates = rate_schedule(1e-4, 1.0, 15)[:n]
    np.testing.assert_allclose(finder.history["lrs"][0], rates, rtol=1e-12)
    np.testing.assert_allclose(finder.history["lrs"][1], np.array(rates) * 0.1, rtol=1e-12)
    assert [list(r) for r in zip(*finder.history["lrs"], strict=True)] == seen
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.01]


def test_a_short_loader_is_cycled():
    x, y = _data(12)
    batches = [(x[i : i + 4], y[i : i + 4]) for i in (0, 4, 8)]  # a plain list of 3 batches
    seen = []

    def recording(out, target):
        seen.append(target)
        return nn.functional.cross_entropy(out, target)

    model = _mlp()
    finder = LRFinder(model, torch.optim.SGD(model.parameters(), lr=0.1), recording)
    finder.range_test(batches, end_lr=1e-3, num_iter=10, progress=False)
    assert len(finder.history["lr"]) == 10
    for i, t in enumerate(seen):
        assert torch.equal(t, batches[i % 3][1])


def test_gradient_accumulation_matches_a_naive_loop():
    x, y = _data(64)
    loader = DataLoader(TensorDataset(x, y), batch_size=8, shuffle=False)
    model = _mlp(seed=4)
    naive = copy.deepcopy(model)
    finder = LRFinder(model, torch.optim.SGD(model.parameters(), lr=0.1), nn.CrossEntropyLoss())
    finder.range_test(
        loader,
        start_lr=1e-3,
        end_lr=0.5,
        num_iter=6,
        accumulation_steps=3,
        progress=False,
        restore=False,
    )

    opt = torch.optim.SGD(naive.parameters(), lr=0.1)
    chunks = itertools.cycle([(x[i : i + 8], y[i : i + 8]) for i in range(0, 64, 8)])
    losses = []
    for lr in rate_schedule(1e-3, 0.5, 6):
        opt.param_groups[0]["lr"] = lr
        opt.zero_grad()
        parts = [next(chunks) for _ in range(3)]
        total = sum(nn.functional.cross_entropy(naive(xb), yb) for xb, yb in parts) / 3
        total.backward()
        opt.step()
        losses.append(total.item())
    np.testing.assert_allclose(finder.history["raw_loss"], losses, rtol=1e-6)
    for p, q in zip(model.parameters(), naive.parameters(), strict=True):
        torch.testing.assert_close(p, q, rtol=1e-6, atol=1e-7)


def test_validation_loss_is_the_weighted_mean_over_the_val_loader():
    model = _mlp(seed=5)
    xv, yv = _data(10, seed=9)
    val_loader = DataLoader(TensorDataset(xv, yv), batch_size=4)  # batches of 4, 4, 2
    finder = LRFinder(model, torch.optim.SGD(model.parameters(), lr=0.1), nn.CrossEntropyLoss())
    finder.range_test(
        _loader(), val_loader=val_loader, end_lr=0.1, num_iter=5, progress=False, restore=False
    )
    model.eval()
    with torch.no_grad():
        expected = nn.functional.cross_entropy(model(xv), yv).item()
    assert finder.history["raw_loss"][-1] == pytest.approx(expected, rel=1e-6)
    assert finder.history["raw_loss"] != finder.history["train_loss"]


# --- suggestions on hand-made curves -----------------------------------------------------------


def test_steepest_skips_the_first_points_like_torch_lr_finder():
    lrs = np.geomspace(1e-5, 1.0, 40)
    losses = np.full(40, 3.0)
    losses[:3] = [9.0, 5.0, 3.0]  # the steepest drop of all, but among the skipped points
    losses[20:] = 3.0 - 0.1 * np.arange(20)  # slope -0.1 from index 20 ...
    losses[25:] = losses[24] - 0.3 * np.arange(1, 16)  # ... -0.3 from 25 on
    losses[33:] = losses[32] + 1.0 * np.arange(1, 8)  # then up
    finder = _finder_with_history(lrs, losses)
    # np.gradient (central differences): at 24 (-0.1 - 0.3)/2 = -0.2, at 25..31 -0.3; the
    # first minimum is 25.
    assert finder.suggestion("steepest") == lrs[25]
    assert steepest(losses) == 0  # without skipping, the initial drop (one-sided: -4) wins


def test_valley_by_hand():
    losses = [2, 3, 1, 4, 3.5, 3, 2.5, 2, 1.5, 0.5, 0.8, 6]
    # Longest strictly decreasing subsequence: 4 > 3.5 > 3 > 2.5 > 2 > 1.5 > 0.5 (indices 3..9).
    assert valley(losses) == (3, 9, 6)
    lrs = np.geomspace(1e-4, 1, len(losses))
    finder = _finder_with_history(lrs, losses)
    assert finder.suggestion("valley", skip_start=0, skip_end=0) == lrs[6]


@given(st.lists(st.integers(0, 6), min_size=2, max_size=9))
def test_valley_is_a_longest_decreasing_run(values):
    start, end, middle = valley(values)
    n = len(values)

    def longest(first=None, last=None):
        best = 0
        for r in range(1, n + 1):
            for idx in itertools.combinations(range(n), r):
                if first is not None and (idx[0] != first or idx[-1] != last):
                    continue
                if all(values[a] > values[b] for a, b in itertools.pairwise(idx)):
                    best = max(best, r)
        return best

    assert longest(start, end) == longest()
    assert start <= middle <= end and middle == start + (end - start) // 2


def test_minimum_is_a_tenth_of_the_rate_at_the_lowest_loss():
    lrs = np.geomspace(1e-6, 1.0, 30)
    losses = 2.0 + (np.log10(lrs) + 2) ** 2  # lowest at lr = 1e-2
    finder = _finder_with_history(lrs, losses)
    i = int(np.argmin(losses))
    assert finder.suggestion("minimum") == pytest.approx(lrs[i] / 10, rel=1e-12)
    assert minimum(losses) == i


def test_clr_bounds_end_of_the_steep_descent_by_hand():
    losses = np.zeros(60)
    losses[20:41] = -1.0 * np.arange(21)  # slope -1 from 20 to 40
    losses[41:51] = losses[40] - 0.4 * np.arange(1, 11)  # slope -0.4 from 40 to 50
    losses[51:] = losses[50] + 2.0 * np.arange(1, 10)
    lrs = np.geomspace(1e-5, 1.0, 60)
    finder = _finder_with_history(lrs, losses)
    # gradient: -1 at 21..39, (-1 - 0.4)/2 = -0.7 at 40 (still <= -0.5), -0.4 at 41: stop at 40.
    base, top = finder.clr_bounds()
    assert top == lrs[40]
    assert base == pytest.approx(lrs[40] / 4)
    assert finder.clr_bounds(divisor=3)[0] == pytest.approx(lrs[40] / 3)


def test_suggestion_needs_a_test_first():
    model = _mlp()
    finder = LRFinder(model, torch.optim.SGD(model.parameters(), lr=0.1), nn.CrossEntropyLoss())
    with pytest.raises(RuntimeError, match="range_test"):
        finder.suggestion()
    with pytest.raises(RuntimeError, match="range_test"):
        finder.clr_bounds()


def test_suggestion_needs_enough_points():
    finder = _finder_with_history(np.geomspace(1e-3, 1, 10), np.linspace(3, 1, 10))
    with pytest.raises(RuntimeError, match="skip_start"):
        finder.suggestion()
    assert finder.suggestion(skip_start=0, skip_end=0) > 0


# --- plotting and imports ----------------------------------------------------------------------


def test_plot_marks_the_suggestion():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    lrs = np.geomspace(1e-5, 1.0, 50)
    losses = 2.0 - np.tanh(np.log10(lrs) + 2.5) + np.where(lrs > 0.1, 5 * (lrs - 0.1), 0)
    finder = _finder_with_history(lrs, losses)
    ax = finder.plot(suggestion="valley")
    lr = finder.suggestion("valley")
    assert ax.get_xscale() == "log"
    assert any(list(line.get_xdata()) == [lr, lr] for line in ax.get_lines())
    assert any("valley" in t.get_text() for t in ax.get_legend().get_texts())
    plt.close(ax.figure)


def test_plot_of_a_linear_validation_test_uses_a_linear_axis():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    model = _mlp(seed=5)
    finder = LRFinder(model, torch.optim.SGD(model.parameters(), lr=0.1), nn.CrossEntropyLoss())
    finder.range_test(
        _loader(),
        val_loader=_loader(16),
        start_lr=0.0,
        end_lr=0.5,
        num_iter=8,
        step_mode="linear",
        progress=False,
    )
    ax = finder.plot(suggestion=None, skip_start=0, skip_end=0)
    assert ax.get_xscale() == "linear"
    assert ax.get_ylabel() == "validation loss"
    assert len(ax.get_lines()) == 1
    plt.close(ax.figure)


def test_importing_the_module_does_not_import_matplotlib():
    code = "import sys, lrcourse.lr_finder; print('matplotlib' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


# --- bad input ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, name",
    [
        ({"start_lr": 1.0, "end_lr": 1.0}, "end_lr"),
        ({"start_lr": 2.0, "end_lr": 1.0}, "end_lr"),
        ({"start_lr": 0.0}, "start_lr"),
        ({"start_lr": -1.0, "step_mode": "linear"}, "start_lr"),
        ({"start_lr": math.nan}, "start_lr"),
        ({"num_iter": 1}, "num_iter"),
        ({"num_iter": 10.0}, "num_iter"),
        ({"step_mode": "cosine"}, "step_mode"),
        ({"smooth_f": 1.0}, "smooth_f"),
        ({"smooth_f": -0.1}, "smooth_f"),
        ({"diverge_th": 1.0}, "diverge_th"),
        ({"accumulation_steps": 0}, "accumulation_steps"),
        ({"train_loader": []}, "train_loader"),
        ({"val_loader": []}, "val_loader"),
        ({"train_loader": None}, "train_loader"),
    ],
)
def test_bad_arguments_are_refused_by_name(kwargs, name):
    model = _mlp()
    finder = LRFinder(model, torch.optim.SGD(model.parameters(), lr=0.1), nn.CrossEntropyLoss())
    kwargs = {"train_loader": _loader(), "progress": False, **kwargs}
    with pytest.raises(ValueError, match=name):
        finder.range_test(**kwargs)
    assert finder.history["lr"] == []


def test_bad_suggestion_arguments():
    finder = _finder_with_history(np.geomspace(1e-3, 1, 30), np.linspace(3, 1, 30))
    with pytest.raises(ValueError, match="method"):
        finder.suggestion("fastest")
    with pytest.raises(ValueError, match="skip_start"):
        finder.suggestion(skip_start=-1)
    with pytest.raises(ValueError, match="divisor"):
        finder.clr_bounds(divisor=1)
    with pytest.raises(ValueError, match="suggestion"):
        finder.plot(suggestion="fastest")


def test_bad_constructor_arguments():
    model = _mlp()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match="model"):
        LRFinder("net", opt, nn.CrossEntropyLoss())
    with pytest.raises(ValueError, match="optimizer"):
        LRFinder(model, "sgd", nn.CrossEntropyLoss())
    with pytest.raises(ValueError, match="criterion"):
        LRFinder(model, opt, 3)


# --- what the range test could not give back, refused up front ---------------------------------


def test_an_optimizer_over_other_tensors_is_refused():
    model, outsider = _mlp(), torch.zeros(3, requires_grad=True)
    opt = torch.optim.SGD([*model.parameters(), outsider], lr=0.1)
    with pytest.raises(ValueError, match=r"^optimizer must optimize only the model's parameters, "
                                         r"got one that also holds 1 other tensor\(s\)$"):
        LRFinder(model, opt, nn.CrossEntropyLoss())
    # a subset of the model's parameters is fine (layer freezing)
    LRFinder(model, torch.optim.SGD(model[0].parameters(), lr=0.1), nn.CrossEntropyLoss())


@pytest.mark.parametrize(
    "criterion",
    [lambda out, y: nn.functional.cross_entropy(out, y, reduction="none"),
     lambda out, y: nn.functional.cross_entropy(out, y).item(),
     lambda out, y: (out.argmax(1) == y).sum()],
)
def test_a_criterion_that_does_not_return_one_float_is_refused_and_state_kept(criterion):
    model = _mlp()
    opt = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    before = _state(model, opt)
    finder = LRFinder(model, opt, criterion)
    with pytest.raises(ValueError, match=r"^criterion must return the loss as a tensor holding "
                                         r"one float"):
        finder.range_test(_loader(), num_iter=5, progress=False)
    _assert_same(_state(model, opt), before)
    assert finder.history["lr"] == []


class _Counter(nn.Module):
    """A linear layer that counts its forward passes in a buffer left out of state_dict."""

    def __init__(self) -> None:
        super().__init__()
        self.linear = nn.Linear(6, 2)
        self.register_buffer("calls", torch.zeros((), dtype=torch.int64), persistent=False)
        self.register_buffer("scale", torch.ones(2), persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        self.calls += 1
        self.scale = self.scale * 1.01  # a new tensor, not an in-place change
        return self.linear(x) * self.scale


@pytest.mark.parametrize("fail", [False, True])
def test_non_persistent_buffers_are_given_back_too(fail):
    model = _Counter()
    model(torch.zeros(1, 6))
    calls, scale = model.calls.clone(), model.scale.clone()
    assert "calls" not in model.state_dict()
    finder = LRFinder(model, torch.optim.SGD(model.parameters(), lr=0.1), nn.CrossEntropyLoss())
    loader = _loader()
    if fail:
        loader = [*list(loader)[:2], ("not", "tensors")]
    try:
        finder.range_test(loader, num_iter=6, progress=False)
    except Exception:
        assert fail
    assert torch.equal(model.calls, calls) and torch.equal(model.scale, scale)


def test_bad_device_and_switches_are_refused_by_name():
    model = _mlp()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    with pytest.raises(ValueError, match=r"^device must be a torch device .* got 'gpu please'$"):
        LRFinder(model, opt, nn.CrossEntropyLoss(), device="gpu please")
    finder = LRFinder(model, opt, nn.CrossEntropyLoss())
    for name in ("progress", "restore"):
        with pytest.raises(ValueError, match=rf"^{name} must be True or False, got 1$"):
            finder.range_test(_loader(), num_iter=3, **{"progress": False, name: 1})
    with pytest.raises(ValueError, match=r"^num_iter must be an integer in \[2, 1000000\], got "):
        finder.range_test(_loader(), num_iter=10**9, progress=False)


@pytest.mark.parametrize("f", [steepest, valley, minimum])
def test_rules_refuse_losses_that_are_not_a_list_of_numbers(f):
    for bad in (["a", "b"], [[1.0, 2.0], [3.0, 4.0]], None):
        with pytest.raises(ValueError, match=r"^losses must be a 1-D sequence of numbers"):
            f(bad)


def test_numpy_and_0d_tensor_arguments_give_the_same_rates():
    assert rate_schedule(np.float32(0.25), torch.tensor(4.0), np.int64(3)) == rate_schedule(
        0.25, 4.0, 3)


def test_rates_spanning_more_than_the_float_range_stay_finite_and_hit_both_ends():
    rates = rate_schedule(1e-300, 1e300, 5)
    assert all(math.isfinite(r) for r in rates)
    assert rates[0] == pytest.approx(1e-300, rel=1e-9) and rates[-1] == pytest.approx(1e300, rel=1e-9)
    assert rates[2] == pytest.approx(1.0, rel=1e-9)  # the geometric middle
