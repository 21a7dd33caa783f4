"""lrcourse.tune on a local Ray: the same study as the in-process engine.

The references are independent of Ray: ``train_many`` and ``pbt`` in this
process, and PBT's rule checked from the reported fitness of every trial.
"""

from __future__ import annotations

import math
import sys

import pytest

pytest.importorskip("ray", reason="needs Ray Tune, the optional extra lrcourse[scale]: "
                    "`make test-scale` installs it into .venv-scale and runs these tests")

import ray.cloudpickle
import torch
from torch import nn

from lrcourse import tune
from lrcourse.lessons import grid
from lrcourse.models import digits_cnn, digits_mlp
from lrcourse.sweep import PBTResult, SweepResult, grid_members, pbt, train_many

# The failing model below is defined here: Ray's workers get it by value, not by import.
ray.cloudpickle.register_pickle_by_value(sys.modules[__name__])


def _digits(n: int = 300, dtype=torch.float64):
    """A standardised slice of scikit-learn's 8x8 digits, (N, 1, 8, 8): 240 to train, the rest to validate."""
    from sklearn.datasets import load_digits

    d = load_digits()
    x = torch.tensor(d.data[:n], dtype=dtype).view(-1, 1, 8, 8)
    x = (x - x.mean()) / x.std()
    y = torch.tensor(d.target[:n], dtype=torch.int64)
    return x[:240], y[:240], x[240:], y[240:]


DATA = _digits()
# Each status occurs: SGD at 0.001 and 0.03 hits the cap, Adam at those rates
# reaches the target, the rate 1000 diverges. None of them is chaotic: alone or in
# a population of six, their final losses agree to about 1e-15 here (a training on
# a valley's wall, such as Adam at 0.1, differs by up to 1e-10).
MEMBERS = grid_members(["SGD", "Adam"], [0.001, 0.03, 1e3])
GRID = dict(batch_size=32, target_accuracy=0.9, max_steps=150, record_every=25,
            dtype=torch.float64, progress=False)


def _model():
    return digits_cnn(seed=0)


def _assert_same_table(got: SweepResult, want: SweepResult) -> None:
    assert isinstance(got, SweepResult)
    assert [r.member for r in got.rows] == [r.member for r in want.rows]
    assert [(r.optimizer, r.lr, r.status, r.steps, r.stopped_at) for r in got.rows] == [
        (r.optimizer, r.lr, r.status, r.steps, r.stopped_at) for r in want.rows]
    for a, b in zip(got.rows, want.rows, strict=True):
        for name in ("final_loss", "train_accuracy", "val_accuracy"):
            assert math.isclose(getattr(a, name), getattr(b, name), rel_tol=1e-9, abs_tol=1e-12), \
                (a.member, name, getattr(a, name), getattr(b, name))
        assert a.curves.step == b.curves.step
        for name in ("loss", "train_accuracy", "val_accuracy"):
            assert getattr(a.curves, name) == pytest.approx(getattr(b.curves, name), rel=1e-9)
    assert (got.member_steps, got.target_accuracy, got.max_steps) == (
        want.member_steps, want.target_accuracy, want.max_steps)


@pytest.fixture(scope="module")
def in_process():
    return train_many(_model, MEMBERS, *DATA, **GRID)


def test_the_grid_has_every_status(in_process):
    assert [r.status for r in in_process.rows] == [
        "capped", "capped", "diverged", "reached", "reached", "diverged"]


@pytest.mark.parametrize("members_per_trial", [1, 4])
def test_tune_grid_gives_train_many_s_table(local_ray, in_process, members_per_trial, capfd):
    got = tune.tune_grid(_model, MEMBERS, *DATA, members_per_trial=members_per_trial, **GRID)
    _assert_same_table(got, in_process)
    assert got.trials == math.ceil(len(MEMBERS) / members_per_trial)
    assert got.errors == {}
    # Lesson 11's analyses read it unchanged.
    assert grid.best_runs(got).keys() == grid.best_runs(in_process).keys()
    for name in ("SGD", "Adam"):
        assert grid.steps_to_target(got, name) == grid.steps_to_target(in_process, name)
        assert grid.successful_band(got, name) == grid.successful_band(in_process, name)
    # Nothing of Ray's reaches the console.
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")


class FailsLate(nn.Module):
    """A small MLP whose forward raises from its ``limit``-th call on: a trial that
    trains long enough raises; one whose member diverges at once is done before."""

    def __init__(self, limit: int) -> None:
        super().__init__()
        self.net = digits_mlp(8, seed=0)
        self.flat = nn.Flatten()
        self.calls, self.limit = 0, limit

    def forward(self, x):
        self.calls += 1
        if self.calls >= self.limit:
            raise RuntimeError("the worker's disk is full")
        return self.net(self.flat(x))


def test_a_trial_that_raises_is_failed_and_the_others_are_kept(local_ray, capfd):
    members = grid_members(["SGD"], [1e6, 0.01, 1e7])
    settings = dict(batch_size=32, target_accuracy=None, max_steps=60, dtype=torch.float64,
                    progress=False)
    got = tune.tune_grid(FailsLate(limit=30), members, *DATA, **settings)
    want = train_many(FailsLate(limit=10**9), members, *DATA, **settings)
    assert [r.status for r in want.rows] == ["diverged", "capped", "diverged"]
    assert [r.status for r in got.rows] == ["diverged", "failed", "diverged"]
    assert list(got.errors) == [1]
    assert got.errors[1] == "RuntimeError: the worker's disk is full"
    assert math.isnan(got.rows[1].final_loss) and got.rows[1].steps is None
    for i in (0, 2):
        assert got.rows[i].member == want.rows[i].member
        assert (got.rows[i].status, got.rows[i].stopped_at) == (want.rows[i].status,
                                                                want.rows[i].stopped_at)
        assert math.isclose(got.rows[i].train_accuracy, want.rows[i].train_accuracy, rel_tol=1e-9)
    assert got.summary().endswith("; 1 failed")
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")


@pytest.fixture(scope="module")
def pbt_runs(local_ray):
    x, y, xv, yv = DATA
    x, xv = x.flatten(1), xv.flatten(1)
    members = grid_members(["Adam"], [1e-4, 1e-3, 1e-2, 1e-1, 1.0])
    settings = dict(steps=40, ready_every=10, fraction=0.2, batch_size=32, seed=3,
                    dtype=torch.float64, progress=False)
    got = tune.tune_pbt(lambda: digits_mlp(8, seed=0), members, x, y, xv, yv, **settings)
    want = pbt(lambda: digits_mlp(8, seed=0), members, x, y, xv, yv, **settings)
    return members, got, want


def test_tune_pbt_has_pbt_s_shape_and_equal_compute(pbt_runs):
    members, got, want = pbt_runs
    assert isinstance(got, PBTResult)
    assert got.ready_steps == want.ready_steps == [10, 20, 30]  # no copy after the last step
    assert got.member_steps == want.member_steps == len(members) * 40
    assert len(got.rows) == len(got.members) == len(members)
    assert got.weights.shape == want.weights.shape
    # Before the first copy every trial trained exactly as the in-process engine.
    first = [h[0] for h in got.fitness_history]
    assert first == pytest.approx([h[0] for h in want.fitness_history], rel=1e-9)
    # Each slot's final member is the rate it trained with last.
    assert [m.lr for m in got.members] == [h[-1] for h in got.lr_history]


def test_tune_pbt_exploits_the_bottom_from_the_top_and_explores_by_the_factors(pbt_runs):
    members, got, _ = pbt_runs
    n, k = len(members), math.ceil(0.2 * len(members))
    for r, step in enumerate(got.ready_steps):
        fitness = [h[r] for h in got.fitness_history]
        ranked = sorted(fitness)
        copies = [e for e in got.events if e[0] == step]
        assert len(copies) == k, (step, copies)
        for _, slot, source, new_lr in copies:
            assert fitness[slot] <= ranked[k - 1], "the copier is in the bottom 20%"
            assert fitness[source] >= ranked[n - k], "the source is in the top 20%"
            # The source's rate up to this step: its rate after the previous round.
            source_lr = got.lr_history[source][r - 1] if r else members[source].lr
            assert new_lr / source_lr in (pytest.approx(0.8), pytest.approx(1.2))
            assert got.lr_history[slot][r] == new_lr
        for slot in set(range(n)) - {c[1] for c in copies}:
            before = got.lr_history[slot][r - 1] if r else members[slot].lr
            assert got.lr_history[slot][r] == before, "members not copied keep their rate"


@pytest.mark.parametrize(("kwargs", "name"), [
    ({"members_per_trial": 0}, "members_per_trial"),
    ({"members_per_trial": 1.5}, "members_per_trial"),
    ({"resources_per_trial": {"cpu": 0}}, "resources_per_trial"),
    ({"resources_per_trial": [1]}, "resources_per_trial"),
    ({"max_failures": -1}, "max_failures"),
    ({"address": 7}, "address"),
    ({"storage_path": 3}, "storage_path"),
    ({"max_steps": 0}, "max_steps"),
    ({"engine": "gpu"}, "engine"),
    ({"target_accuracy": 1.5}, "target_accuracy"),
])
def test_tune_grid_refuses_bad_arguments_before_starting_anything(kwargs, name):
    with pytest.raises(ValueError, match=name):
        tune.tune_grid(_model, MEMBERS, *DATA, **kwargs)


@pytest.mark.parametrize(("kwargs", "name"), [
    ({"fraction": 0.7}, "fraction"),
    ({"factors": (0.8,)}, "factors"),
    ({"ready_every": 0}, "ready_every"),
    ({"steps": -1}, "steps"),
    ({"resources_per_trial": {"gpu": 1}}, "resources_per_trial"),
])
def test_tune_pbt_refuses_bad_arguments(kwargs, name):
    with pytest.raises(ValueError, match=name):
        tune.tune_pbt(_model, MEMBERS, *DATA, **kwargs)


def test_bad_members_and_data_are_refused_as_train_many_refuses_them():
    x, y, xv, yv = DATA
    with pytest.raises(ValueError, match="members"):
        tune.tune_grid(_model, [], x, y)
    with pytest.raises(ValueError, match="y_train"):
        tune.tune_grid(_model, MEMBERS, x, y[:10])
    with pytest.raises(ValueError, match="x_val and y_val"):
        tune.tune_pbt(_model, MEMBERS, x, y, xv)


def test_connect_refuses_num_cpus_with_an_address():
    with pytest.raises(ValueError, match="num_cpus"):
        tune.connect("auto", num_cpus=2)
    with pytest.raises(ValueError, match="num_cpus"):
        tune.connect(num_cpus=0)


def test_a_running_ray_is_reused_and_another_address_is_refused(local_ray):
    assert tune.connect()["CPU"] == local_ray["CPU"] == 2.0
    with pytest.raises(ValueError, match=r"shutdown\(\) first"):
        tune.connect("auto")
