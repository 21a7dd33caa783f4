"""Tests of lrcourse.sweep: many trainings at once must equal trainings one by one."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from hypothesis import given
from hypothesis import strategies as st

import lrcourse.sweep.forward as engine_module
from lrcourse.models import digits_cnn, digits_mlp
from lrcourse.optim import DEFAULTS, OPTIMIZERS, make_optimizer
from lrcourse.sweep import (
    TF_RMSPROP,
    Curves,
    Member,
    epoch_batches,
    exploit_explore,
    grid_members,
    pbt,
    stacked_forward,
    train_many,
)


def _digits(n: int = 240, dtype=torch.float64):
    """A small standardised slice of scikit-learn's 8x8 digits, (N, 1, 8, 8)."""
    from sklearn.datasets import load_digits

    d = load_digits()
    x = torch.tensor(d.data[:n], dtype=dtype).view(-1, 1, 8, 8)
    x = (x - x.mean()) / x.std()
    return x, torch.tensor(d.target[:n], dtype=torch.int64)


# One member per family, some with non-default hyper-parameters.
MEMBERS = [
    Member("SGD", 0.1),
    Member("Momentum", 0.05),
    Member("Momentum", 0.02, momentum=0.5),
    Member("Adagrad", 0.05),
    Member("Adagrad", 0.05, lr_decay=0.01, initial_accumulator_value=0.1),
    Member("Adadelta", 1.0),
    Member("RMSprop", 0.003),
    Member("RMSprop", 0.003, **TF_RMSPROP),
    Member("Adam", 0.003),
    Member("Adam", 0.01, betas=(0.8, 0.99), eps=1e-6),
]


def _reference_losses(member: Member, x, y, steps: int, batch_size: int, seed: int):
    """The plain loop: one model, torch.optim, batches from the documented shuffle rule."""
    model = digits_cnn(seed=0).double()
    opt = make_optimizer(member.optimizer, model.parameters(), member.lr, **member.hyper)
    g = torch.Generator().manual_seed(seed)
    order: list[torch.Tensor] = []
    losses = [F.cross_entropy(model(x), y).item()]
    for _ in range(steps):
        if not order:
            order = list(torch.randperm(len(x), generator=g).split(batch_size))
        idx = order.pop(0)
        opt.zero_grad()
        F.cross_entropy(model(x[idx]), y[idx]).backward()
        opt.step()
        with torch.no_grad():
            losses.append(F.cross_entropy(model(x), y).item())
    return losses


@pytest.mark.parametrize("engine", ["grouped", "vmap"])
def test_every_family_follows_torch_optim_step_by_step(engine):
    x, y = _digits()
    steps, batch_size = 12, 32  # 240 / 32 -> the 8th batch is a short one
    result = train_many(lambda: digits_cnn(seed=0).double(), MEMBERS, x, y,
                        batch_size=batch_size, target_accuracy=None, max_steps=steps,
                        record_every=1, seed=3, dtype=torch.float64, engine=engine,
                        progress=False)
    for member, run in zip(MEMBERS, result.rows, strict=True):
        expected = _reference_losses(member, x, y, steps, batch_size, seed=3)
        assert run.member == member
        assert isinstance(run.curves, Curves) and run.curves.step == list(range(steps + 1))
        assert abs(expected[-1] - expected[0]) > 1e-3, f"{member} did not move"
        torch.testing.assert_close(torch.tensor(run.curves.loss), torch.tensor(expected),
                                   rtol=1e-9, atol=1e-12, msg=f"{member}")


def test_float32_follows_torch_optim_closely():
    x, y = _digits(dtype=torch.float32)
    members = [Member("Adam", 0.003), Member("Adadelta", 1.0)]
    result = train_many(lambda: digits_cnn(seed=0), members, x, y.clone(), batch_size=32,
                        target_accuracy=None, max_steps=8, record_every=8, seed=1,
                        progress=False)
    for member, run in zip(members, result.rows, strict=True):
        expected = _reference_losses(member, x.double(), y, 8, 32, seed=1)
        assert run.curves.loss[-1] == pytest.approx(expected[-1], rel=1e-4)


@pytest.mark.parametrize("build", [lambda: digits_cnn(seed=1), lambda: digits_cnn(2.0, seed=1),
                                   lambda: digits_mlp(32, depth=2, seed=1)])
@pytest.mark.parametrize("engine", ["grouped", "vmap"])
@pytest.mark.parametrize("block", [96, 2])  # 2: members 0-1, 2-3 and 4 in separate blocks
def test_stacked_forward_equals_each_model_alone(build, engine, block, monkeypatch):
    monkeypatch.setattr(engine_module, "_MEMBER_BLOCK", block)
    model = build().double()
    n = 5
    w = torch.randn(n, sum(p.numel() for p in model.parameters()), dtype=torch.float64)
    x = torch.randn(7, 1, 8, 8, dtype=torch.float64)
    out = stacked_forward(model, engine)(w, x)
    assert out.shape == (n, 7, 10)
    for i in range(n):
        torch.nn.utils.vector_to_parameters(w[i], model.parameters())
        torch.testing.assert_close(out[i], model(x), rtol=1e-12, atol=1e-12)


def test_dropping_a_diverged_member_leaves_the_others_unchanged():
    # Matrix products of a different width may round differently in the last
    # bit, so the losses are compared in float64 to 1e-10; the rest exactly.
    x, y = _digits()
    keep = [Member("SGD", 0.3), Member("Adam", 0.01), Member("Momentum", 1e-4)]
    bad = Member("SGD", 80.0)
    kwargs = dict(batch_size=32, target_accuracy=0.9, max_steps=60, check_every=5, seed=0,
                  dtype=torch.float64, progress=False)
    model = digits_cnn(seed=0).double()
    with_bad = train_many(model, [keep[0], bad, *keep[1:]], x, y, **kwargs)
    without = train_many(model, keep, x, y, **kwargs)
    assert with_bad.rows[1].status == "diverged"
    others = [with_bad.rows[0], *with_bad.rows[2:]]
    statuses = [r.status for r in without.rows]
    assert "reached" in statuses and "capped" in statuses  # both kinds of stop happen
    for a, b in zip(others, without.rows, strict=True):
        assert (a.status, a.steps, a.stopped_at) == (b.status, b.steps, b.stopped_at)
        assert a.train_accuracy == b.train_accuracy
        assert a.final_loss == pytest.approx(b.final_loss, rel=1e-10)
    assert without.member_steps < 3 * 60  # the reached member stopped costing steps


def test_reached_means_whole_training_set_accuracy_at_target():
    x, y = _digits(dtype=torch.float32)
    result = train_many(lambda: digits_cnn(seed=0), [Member("Adam", 0.01)], x, y,
                        batch_size=32, target_accuracy=0.8, max_steps=200, progress=False)
    run = result.rows[0]
    assert run.status == "reached" and run.train_accuracy >= 0.8
    assert run.steps == run.stopped_at < 200


def test_epoch_batches_reshuffle_every_epoch():
    it = epoch_batches(10, 4, seed=5)
    got = [next(it) for _ in range(6)]
    g = torch.Generator().manual_seed(5)
    e1, e2 = torch.randperm(10, generator=g), torch.randperm(10, generator=g)
    assert [len(b) for b in got] == [4, 4, 2, 4, 4, 2]
    assert torch.equal(torch.cat(got[:3]), e1) and torch.equal(torch.cat(got[3:]), e2)


@given(st.lists(st.floats(0, 1, allow_nan=False), min_size=2, max_size=30),
       st.sampled_from([0.2, 0.25, 0.5]), st.integers(0, 10_000))
def test_exploit_explore_bottom_copies_top_and_perturbs(values, fraction, seed):
    fitness = torch.tensor(values, dtype=torch.float64)
    g = torch.Generator().manual_seed(seed)
    source, factor = exploit_explore(fitness, fraction, (0.8, 1.2), g)
    n, k = len(values), int(fraction * len(values))
    copiers = [i for i in range(n) if source[i] != i]
    assert len(copiers) == k
    ranked = sorted(values, reverse=True)
    for i in range(n):
        if i in copiers:
            assert values[i] <= ranked[n - k]  # among the k worst
            assert values[source[i]] >= ranked[k - 1]  # copies one of the k best
            assert float(factor[i]) in (0.8, 1.2)
        else:
            assert float(factor[i]) == 1.0


def test_pbt_copies_weights_state_and_rate_of_the_best():
    x, y = _digits(dtype=torch.float32)
    members = [Member("Adam", 0.01), Member("SGD", 0.1), Member("Momentum", 0.01),
               Member("SGD", 1e-3), Member("SGD", 1e-7)]
    common = dict(steps=21, ready_every=20, fraction=0.2, batch_size=32, seed=0, progress=False)
    # Factors of 1: the copier becomes an exact twin and stays one for the last step.
    twin = pbt(lambda: digits_cnn(seed=0), members, x, y, factors=(1.0, 1.0), **common)
    (step, slot, src, lr), = twin.events
    fit = twin.fitness_history
    assert step == 20
    assert fit[slot][0] == min(f[0] for f in fit)
    assert fit[src][0] == max(f[0] for f in fit) > fit[slot][0]
    assert twin.members[slot] == members[src]
    assert torch.equal(twin.weights[slot], twin.weights[src])
    # Real factors: same copy, rate multiplied by 0.8 or 1.2.
    moved = pbt(lambda: digits_cnn(seed=0), members, x, y, **common)
    (_, slot2, src2, lr2), = moved.events
    assert (slot2, src2) == (slot, src)
    assert lr2 / members[src].lr == pytest.approx(0.8) or lr2 / members[src].lr == \
        pytest.approx(1.2)
    assert moved.members[slot].optimizer == members[src].optimizer
    assert moved.lr_history[slot] == [pytest.approx(lr2)]


def test_grid_builds_every_pair_in_order():
    members = grid_members(["SGD", "RMSprop"], [0.1, 1.0], hyper={"RMSprop": TF_RMSPROP})
    assert [(m.optimizer, m.lr) for m in members] == [
        ("SGD", 0.1), ("SGD", 1.0), ("RMSprop", 0.1), ("RMSprop", 1.0)]
    assert members[2].hyper == {"alpha": 0.9, "eps": 1e-10}


def test_members_take_every_name_and_default_of_the_optimizer_registry():
    from lrcourse.sweep.updates import _UPDATES

    assert list(_UPDATES) == list(OPTIMIZERS)  # one update per registered family
    for name in OPTIMIZERS:
        assert Member(name, 0.1).hyper == DEFAULTS[name]
    with pytest.raises(ValueError, match=r"^optimizer must be one of \('SGD', 'Momentum', "):
        Member("sgd", 0.1)  # one spelling: PyTorch's


def test_result_table_lists_every_member():
    x, y = _digits(dtype=torch.float32)
    result = train_many(lambda: digits_cnn(seed=0), grid_members(["SGD", "Adam"], [1e-3, 50.0]), x, y,
                        x_val=x[:50], y_val=y[:50], max_steps=5, progress=False)
    text, md = result.table(), result.table(markdown=True)
    assert len(text.splitlines()) == 5 and len(md.splitlines()) == 6
    assert result.column("status")[1] == "diverged"  # SGD at 50
    assert all(0 <= r.val_accuracy <= 1 for r in result.rows if not math.isnan(r.val_accuracy))


@pytest.mark.parametrize(
    ("call", "name"),
    [
        (lambda: Member("lion", 0.1), "optimizer"),
        (lambda: Member("SGD", 0.0), "lr"),
        (lambda: Member("SGD", -1e-3), "lr"),
        (lambda: Member("SGD", float("nan")), "lr"),
        (lambda: Member("SGD", float("inf")), "lr"),
        (lambda: Member("Adam", 0.1, momentum=0.9),
         r"^hyper-parameter of Adam must be one of \('betas', 'eps'\), got 'momentum'$"),
        (lambda: Member("SGD", 0.1, momentum=0.9), "hyper-parameter of SGD"),
        (lambda: Member("Adam", 0.1, betas=(0.9, 1.5)), r"^betas\[1\] must be a number in \[0, 1\)"),
        (lambda: Member("Adam", 0.1, betas=0.9), r"^betas must be two numbers, got 0.9$"),
        (lambda: Member("Momentum", 0.1, momentum=1.0), "momentum"),
        (lambda: grid_members([], [0.1]), "optimizers"),
        (lambda: grid_members(["SGD"], []), "lrs"),
        (lambda: grid_members(["SGD"], [0.1], hyper={"rmsprop": {}}), "hyper's key"),
    ],
)
def test_bad_members_raise_value_errors_naming_the_argument(call, name):
    with pytest.raises(ValueError, match=name):
        call()


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        (dict(members=[]), "members"),
        (dict(members=["SGD"]), "members"),
        (dict(target_accuracy=0.0), "target_accuracy"),
        (dict(target_accuracy=1.5), "target_accuracy"),
        (dict(batch_size=0), "batch_size"),
        (dict(batch_size=2.5), "batch_size"),
        (dict(y_train=torch.zeros(3, dtype=torch.int64)), "y_train"),
        (dict(y_train=torch.zeros(240)), "y_train"),
        (dict(max_steps=0), "max_steps"),
        (dict(x_val=torch.zeros(4, 1, 8, 8)), "x_val"),
        (dict(model=3), "model"),
        (dict(dtype=torch.int32), "dtype"),
        (dict(divergence_factor=1.0), "divergence_factor"),
        (dict(divergence_factor=math.inf), "divergence_factor"),
        (dict(engine="fast"), "engine"),
    ],
)
def test_bad_sweep_arguments_raise_value_errors_naming_the_argument(kwargs, name):
    x, y = _digits(dtype=torch.float32)
    args = dict(model=digits_cnn, members=[Member("SGD", 0.1)], x_train=x, y_train=y)
    args.update(kwargs)
    with pytest.raises(ValueError, match=name):
        train_many(progress=False, **args)


def test_bad_pbt_arguments_raise_value_errors():
    x, y = _digits(dtype=torch.float32)
    with pytest.raises(ValueError, match="fraction"):
        pbt(digits_cnn, [Member("SGD", 0.1)], x, y, fraction=0.7, progress=False)
    with pytest.raises(ValueError, match="ready_every"):
        pbt(digits_cnn, [Member("SGD", 0.1)], x, y, ready_every=0, progress=False)
    with pytest.raises(ValueError, match=r"^engine must be one of \('auto', 'grouped', 'vmap'\)"):
        stacked_forward(digits_cnn(), engine="fast")


def _tiny() -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(0)
    return torch.randn(12, 1, 8, 8, generator=g), torch.arange(12) % 10


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(y_train=torch.arange(12)), r"^y_train must hold class indices in \[0, 9\] \(the "
                                         r"model gives 10 scores\), got 10 at index 10$"),
        (dict(y_train=torch.arange(12) - 1), r"^y_train must hold class indices .* got -1 at "
                                             r"index 0$"),
        (dict(x_val=torch.zeros(2, 1, 8, 8), y_val=torch.tensor([3, 12])),
         r"^y_val must hold class indices in \[0, 9\]"),
        (dict(x_train=torch.zeros(12, 1, 8, 8).index_fill(0, torch.tensor([5]), math.nan)),
         r"^x_train must hold finite numbers, got NaN or inf in row 5$"),
        (dict(x_train=torch.zeros(12, 1, 8, 8).index_fill(0, torch.tensor([0]), math.inf)),
         r"^x_train must hold finite numbers, got NaN or inf in row 0$"),
        (dict(x_train=torch.zeros(0, 1, 8, 8), y_train=torch.zeros(0, dtype=torch.int64)),
         r"^y_train must have one label per row of x_train \(0\), got 0 labels$"),
        (dict(x_train=torch.zeros(12, 3)), r"^x_train must fit the model's input, got shape "
                                          r"\(12, 3\)"),
        (dict(batch_size=0), r"^batch_size must be an integer >= 1, got 0$"),
        (dict(seed=2**64), r"^seed must be an integer in \[0, 2\*\*64 - 1\], got "),
        (dict(progress="no"), r"^progress must be True or False, got 'no'$"),
    ],
)
def test_train_many_and_pbt_refuse_bad_data_before_training(kwargs, message):
    x, y = _tiny()
    args = {**dict(model=lambda: digits_cnn(seed=0), members=[Member("SGD", 0.1)],
                   x_train=x, y_train=y), **kwargs}
    for f in (train_many, pbt):
        with pytest.raises(ValueError, match=message):
            f(**args)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(factors=(0.8, math.inf)), r"^factors\[1\] must be a finite number > 0, got inf$"),
        (dict(factors=(0.8,)), r"^factors must be two numbers, got \(0.8,\)$"),
        (dict(fraction=math.nan), r"^fraction must be a number in \(0, 0.5\], got nan$"),
        (dict(fitness=torch.tensor([])), r"^fitness must be a non-empty 1-D tensor"),
        (dict(generator=0), r"^generator must be a torch.Generator or None, got 0$"),
    ],
)
def test_exploit_explore_refuses_bad_settings(kwargs, message):
    args = {"fitness": torch.tensor([0.1, 0.5, 0.9, 0.3, 0.2]), **kwargs}
    with pytest.raises(ValueError, match=message):
        exploit_explore(**args)


def test_exploit_explore_ranks_nan_fitness_last_and_keeps_factors_finite():
    src, factor = exploit_explore(torch.tensor([0.9, math.nan, 0.5, 0.7, 0.3]), 0.2,
                                  generator=torch.Generator().manual_seed(0))
    assert src.tolist() == [0, 0, 2, 3, 4] and torch.isfinite(factor).all()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(n=0, batch_size=2), r"^n must be an integer >= 1, got 0$"),
        (dict(n=5, batch_size=0), r"^batch_size must be an integer >= 1, got 0$"),
        (dict(n=5, batch_size=2, seed=-1), r"^seed must be an integer in \[0, 2\*\*64 - 1\]"),
    ],
)
def test_epoch_batches_refuses_at_the_call_not_at_the_first_batch(kwargs, message):
    with pytest.raises(ValueError, match=message):
        epoch_batches(**kwargs)  # no next(): the check must not wait for it


def test_epoch_batches_takes_the_largest_seed_and_numpy_counts():
    first = next(epoch_batches(np.int64(5), np.int32(5), seed=2**64 - 1))
    assert sorted(first.tolist()) == [0, 1, 2, 3, 4]


@pytest.mark.parametrize(("kernel", "padding", "pool"), [(3, 1, 2), (3, 0, 2), (2, 1, 3), (5, 2, 4)])
def test_shared_conv_pool_in_blocks_equals_conv_and_pool_member_by_member(
        kernel, padding, pool, monkeypatch):
    # Blocks of 2 members (and a last one of 1): each block's pooled output must
    # land in its members' channels, and the gradients flow back to each member.
    x = torch.randn(6, 2, 9, 8, dtype=torch.float64)
    conv, maxpool = torch.nn.Conv2d(2, 3, kernel, padding=padding), torch.nn.MaxPool2d(pool)
    n = 5
    monkeypatch.setattr(engine_module, "_POOL_BLOCK_BYTES", 2 * 6 * 9 * 8 * 3 * 8)
    weight = torch.randn(n, 3, 2, kernel, kernel, dtype=torch.float64, requires_grad=True)
    bias = torch.randn(n, 3, dtype=torch.float64, requires_grad=True)
    out = engine_module._shared_conv_pool(x, weight, bias, conv, maxpool)
    expected = torch.stack([F.max_pool2d(F.conv2d(x, weight[i], bias[i], padding=padding), pool)
                            for i in range(n)])  # (n, B, c_out, H', W')
    b, _, height, width = out.shape
    got = out.view(b, n, 3, height, width).transpose(0, 1)
    torch.testing.assert_close(got, expected, rtol=1e-12, atol=1e-12)
    grad = torch.randn_like(expected)
    mine = torch.autograd.grad(got, (weight, bias), grad)
    theirs = torch.autograd.grad(expected, (weight, bias), grad)
    for a, e in zip(mine, theirs, strict=True):
        assert e.abs().sum() > 0
        torch.testing.assert_close(a, e, rtol=1e-12, atol=1e-12)
