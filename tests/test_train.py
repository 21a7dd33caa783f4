"""Tests of lrcourse.train against hand-written loops, torch schedulers and hand arithmetic."""

from __future__ import annotations

import math
import warnings

import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from lrcourse.train import History, evaluate, fit

N, FEATURES, CLASSES = 40, 5, 3


def dataset(seed: int = 0, regression: bool = False) -> TensorDataset:
    gen = torch.Generator().manual_seed(seed)
    x = torch.randn(N, FEATURES, generator=gen)
    if regression:
        return TensorDataset(x, x.sum(dim=1, keepdim=True))
    return TensorDataset(x, torch.randint(0, CLASSES, (N,), generator=gen))


def loader(batch_size: int = 8, shuffle: bool = False, seed: int = 1, **kw) -> DataLoader:
    generator = torch.Generator().manual_seed(seed) if shuffle else None
    return DataLoader(dataset(**kw), batch_size=batch_size, shuffle=shuffle, generator=generator)


def model(seed: int = 0, out: int = CLASSES) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(FEATURES, 8), nn.Tanh(), nn.Linear(8, out))


def sgd(net: nn.Module, lr: float = 0.1, **kw) -> torch.optim.SGD:
    return torch.optim.SGD(net.parameters(), lr=lr, **kw)


# ----------------------------------------------------------------------------------
# fit is the textbook loop
# ----------------------------------------------------------------------------------


def test_fit_gives_exactly_the_parameters_of_a_hand_written_loop():
    ours = model()
    opt = sgd(ours, momentum=0.9)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)
    history = fit(ours, opt, loader(shuffle=True), epochs=3, scheduler=sched)

    theirs = model()
    opt2 = sgd(theirs, momentum=0.9)
    sched2 = torch.optim.lr_scheduler.StepLR(opt2, step_size=3, gamma=0.5)
    losses = []
    batches = loader(shuffle=True)  # one loader: its generator reshuffles every epoch
    for _ in range(3):
        for x, y in batches:
            opt2.zero_grad()
            loss = F.cross_entropy(theirs(x), y)
            losses.append(loss.item())
            loss.backward()
            opt2.step()
            sched2.step()

    assert history.loss == losses
    for p, q in zip(ours.parameters(), theirs.parameters(), strict=True):
        assert torch.equal(p, q)
    assert history.steps == len(history.loss) == 15 and not history.diverged


def test_recorded_lr_is_the_one_each_step_used():
    net = model()
    groups = [
        {"params": net[0].parameters(), "lr": 0.1},
        {"params": net[2].parameters(), "lr": 0.01},
    ]
    lambdas = [lambda k: 0.9**k, lambda k: 1 / (1 + k)]
    opt = torch.optim.SGD(groups, lr=1.0)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambdas)
    history = fit(net, opt, loader(), epochs=2, scheduler=sched)

    # hand arithmetic: step k uses the rate after k scheduler steps
    assert history.lr == pytest.approx([0.1 * 0.9**k for k in range(10)], rel=1e-12)
    assert [lrs[1] for lrs in history.lrs] == pytest.approx([0.01 / (1 + k) for k in range(10)])
    # and the scheduler's own sequence: get_last_lr() before each step
    probe = torch.optim.SGD([{"params": [torch.zeros(1)], "lr": 0.1},
                             {"params": [torch.zeros(1)], "lr": 0.01}], lr=1.0)  # fmt: skip
    probe_sched = torch.optim.lr_scheduler.LambdaLR(probe, lambdas)
    expected = []
    for _ in range(10):
        expected.append(probe_sched.get_last_lr())
        probe.step()
        probe_sched.step()
    assert history.lrs == expected


def test_scheduler_interval_epoch_steps_once_per_epoch():
    net = model()
    opt = sgd(net)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    history = fit(net, opt, loader(), epochs=3, scheduler=sched, scheduler_interval="epoch")
    assert history.lr == [0.1] * 5 + [0.05] * 5 + [0.025] * 5
    assert opt.param_groups[0]["lr"] == 0.0125  # stepped after the last epoch too


def test_scheduler_interval_batch_steps_once_per_batch():
    net = model()
    opt = sgd(net)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    history = fit(net, opt, loader(), epochs=2, scheduler=sched, scheduler_interval="batch")
    assert history.lr == pytest.approx([0.1 * 0.5**k for k in range(10)], rel=1e-12)


def test_reduce_on_plateau_gets_the_validation_loss_each_epoch():
    net = model()
    idle = nn.Parameter(torch.zeros(1))  # not used by the model: its outputs never change
    opt = torch.optim.SGD([idle], lr=0.1)
    sched = torch.optim.lr_scheduler.ReduceLROnPlateau(opt, factor=0.5, patience=0)
    history = fit(net, opt, loader(), loader(), epochs=3, scheduler=sched,
                  scheduler_interval="epoch")  # fmt: skip
    # epoch 1 sets the best loss, epoch 2 does not improve on it: the rate halves
    assert history.lr == [0.1] * 10 + [0.05] * 5
    assert history.val_loss[0] == history.val_loss[1] == history.val_loss[2]


# ----------------------------------------------------------------------------------
# What History records
# ----------------------------------------------------------------------------------


def test_history_records_per_epoch_training_loss_and_validation():
    net = model()
    history = fit(net, sgd(net), loader(batch_size=12), loader(batch_size=16), epochs=2)
    sizes = [12, 12, 12, 4]  # 40 samples in batches of 12
    for epoch in range(2):
        losses = history.loss[4 * epoch : 4 * epoch + 4]
        mean = sum(b * loss for b, loss in zip(sizes, losses, strict=True)) / N
        assert history.train_loss[epoch] == pytest.approx(mean, rel=1e-12)
        assert 0.0 <= history.train_accuracy[epoch] <= 1.0
    assert history.epoch_step == [4, 8] and history.val_step == [4, 8]
    assert (history.val_loss[-1], history.val_accuracy[-1]) == evaluate(net, loader(batch_size=16))


def test_eval_every_adds_evaluations_between_epochs_without_duplicates():
    net = model()
    history = fit(net, sgd(net), loader(), loader(), epochs=2, eval_every=2)
    assert history.val_step == [2, 4, 5, 6, 8, 10]
    assert len(history.val_loss) == len(history.val_accuracy) == 6
    assert all(acc * N == round(acc * N) for acc in history.val_accuracy)  # k / 40 exactly


def test_max_steps_stops_inside_an_epoch_like_a_shorter_loop():
    net = model()
    history = fit(net, sgd(net), loader(), loader(), epochs=10, max_steps=7)
    assert len(history.loss) == 7
    assert history.epoch_step == [5, 7] and history.val_step == [5, 7]

    hand = model()
    opt = sgd(hand)
    batches = [b for b in loader()] + [b for b in loader()][:2]
    for x, y in batches:
        opt.zero_grad()
        F.cross_entropy(hand(x), y).backward()
        opt.step()
    for p, q in zip(net.parameters(), hand.parameters(), strict=True):
        assert torch.equal(p, q)


def test_max_steps_at_an_epoch_end_still_steps_the_epoch_scheduler():
    net = model()
    opt = sgd(net)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    fit(net, opt, loader(), epochs=5, max_steps=10, scheduler=sched, scheduler_interval="epoch")
    assert opt.param_groups[0]["lr"] == 0.025  # two full epochs, two scheduler steps
    opt = sgd(net)
    sched = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    fit(net, opt, loader(), epochs=5, max_steps=8, scheduler=sched, scheduler_interval="epoch")
    assert opt.param_groups[0]["lr"] == 0.05  # the unfinished second epoch does not count


def test_huge_learning_rate_stops_cleanly_with_diverged_flag():
    net = model(out=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        history = fit(net, sgd(net, lr=50.0), loader(regression=True), loader(regression=True),
                      epochs=1000, criterion=nn.MSELoss())  # fmt: skip
    assert history.diverged
    assert len(history.loss) < 5000
    assert not math.isfinite(history.loss[-1])
    assert all(math.isfinite(v) for v in history.loss[:-1])
    assert history.steps == len(history.loss) - 1 == len(history.lr) - 1
    assert all(math.isnan(acc) for acc in history.train_accuracy)  # not a classifier


def test_fit_trains_in_training_mode_even_from_eval_mode():
    modes = []
    net = model()
    net[1].register_forward_hook(lambda module, inp, out: modes.append(module.training))
    net.eval()
    fit(net, sgd(net), loader(), loader(), epochs=1, eval_every=2)
    # five training batches (True) and validation passes (False) in between
    assert modes.count(True) == 5 and False in modes
    assert net.training


def test_progress_bar_does_not_change_the_run(capsys):
    a, b = model(), model()
    h1 = fit(a, sgd(a), loader(), epochs=2, progress=True)
    h2 = fit(b, sgd(b), loader(), epochs=2, progress=False)
    assert h1 == h2
    assert capsys.readouterr().out == ""


def test_fit_accepts_an_iterable_without_length():
    net = model()
    history = fit(net, sgd(net), iter(list(loader())), epochs=1)
    assert len(history.loss) == 5
    assert isinstance(history, History)


# ----------------------------------------------------------------------------------
# evaluate
# ----------------------------------------------------------------------------------


def identity_classifier() -> nn.Linear:
    net = nn.Linear(2, 2)
    with torch.no_grad():
        net.weight.copy_(torch.eye(2))
        net.bias.zero_()
    return net


def test_evaluate_accuracy_and_loss_on_a_hand_made_case():
    x = torch.tensor([[1.0, 0.0], [0.0, 1.0], [2.0, 1.0], [0.0, 3.0], [1.0, 5.0]])
    y = torch.tensor([0, 1, 1, 1, 0])
    # predictions (the larger coordinate): 0, 1, 0, 1, 1 -> 3 of 5 right
    data = DataLoader(TensorDataset(x, y), batch_size=2)  # batches of 2, 2, 1
    net = identity_classifier()
    loss, accuracy = evaluate(net, data)
    assert accuracy == 0.6
    assert loss == pytest.approx(F.cross_entropy(x, y).item(), rel=1e-6)


@pytest.mark.parametrize("training", [True, False])
def test_evaluate_uses_eval_mode_and_restores_the_previous_mode(training):
    net = nn.Sequential(identity_classifier(), nn.Dropout(0.9))
    net.train(training)
    data = DataLoader(TensorDataset(torch.randn(50, 2), torch.randint(0, 2, (50,))), batch_size=7)
    first, second = evaluate(net, data), evaluate(net, data)
    assert first == second  # no dropout noise
    assert net.training is training
    assert all(p.grad is None for p in net.parameters())


# ----------------------------------------------------------------------------------
# Bad arguments
# ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "name"),
    [
        ({"epochs": 0}, "epochs"),
        ({"epochs": 1.5}, "epochs"),
        ({"epochs": True}, "epochs"),
        ({"scheduler_interval": "step"}, "scheduler_interval"),
        ({"max_steps": 0}, "max_steps"),
        ({"eval_every": 0}, "eval_every"),
        ({"eval_every": 3}, "eval_every"),  # without a val_loader
        ({"train_loader": DataLoader(TensorDataset(torch.zeros(0, 5)))}, "train_loader"),
        ({"train_loader": 5}, "train_loader"),
        ({"train_loader": [torch.zeros(2, 5)]}, "train_loader"),  # not (inputs, targets)
        ({"val_loader": []}, "val_loader"),
        ({"criterion": "mse"}, "criterion"),
        ({"optimizer": "sgd"}, "optimizer"),
        ({"model": lambda x: x}, "model"),
        ({"scheduler": 0.1}, "scheduler"),
    ],
)
def test_fit_rejects_bad_arguments_naming_them(kwargs, name):
    net = model()
    args = {"model": net, "optimizer": sgd(net), "train_loader": loader(), **kwargs}
    with pytest.raises(ValueError, match=f"^{name} "):
        fit(**args)


def test_fit_rejects_a_scheduler_of_another_optimizer():
    net = model()
    other = torch.optim.lr_scheduler.StepLR(sgd(net), step_size=1)
    with pytest.raises(ValueError, match="^scheduler must schedule the optimizer"):
        fit(net, sgd(net), loader(), scheduler=other)


def test_fit_rejects_a_generator_used_up_after_one_epoch():
    net = model()
    with pytest.raises(ValueError, match="^train_loader must yield at least one batch"):
        fit(net, sgd(net), iter(list(loader())), epochs=2)


def test_evaluate_rejects_bad_arguments():
    net = model()
    with pytest.raises(ValueError, match="^loader must yield"):
        evaluate(net, [])
    with pytest.raises(ValueError, match="^model must be"):
        evaluate("net", loader())
    with pytest.raises(ValueError, match="^model must have at least one parameter"):
        evaluate(nn.Identity(), loader())


@pytest.mark.parametrize(
    ("criterion", "shown"),
    [
        (lambda out, y: torch.nn.functional.cross_entropy(out, y, reduction="none"), r"shape \(\d+,\)"),
        (lambda out, y: 0.5, "float"),
        (lambda out, y: (out.argmax(1) == y).sum(), "torch.int64"),
    ],
)
def test_fit_and_evaluate_refuse_a_criterion_that_is_not_one_float(criterion, shown):
    net = model()
    before = [p.detach().clone() for p in net.parameters()]
    for call in (lambda: fit(net, sgd(net), loader(), criterion=criterion),
                 lambda: evaluate(net, loader(), criterion)):
        with pytest.raises(ValueError, match=rf"^criterion must return the loss as a tensor "
                                             rf"holding one float .*got .*{shown}"):
            call()
    assert all(torch.equal(p, q) for p, q in zip(net.parameters(), before, strict=True))


def test_fit_refuses_a_progress_that_is_not_true_or_false():
    net = model()
    with pytest.raises(ValueError, match=r"^progress must be True or False, got 'yes'$"):
        fit(net, sgd(net), loader(), progress="yes")
