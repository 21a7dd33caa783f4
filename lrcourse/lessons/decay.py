"""The experiments of the learning-rate decay lesson, small enough to read in one sitting.

The course's toy problem of learning-rate decay trains one weight ``w`` on the loss::

    loss(w) = (w * x - y) ** 2 / 2        with x = 1, y = 0, starting from w = 1

with ``torch.optim.SGD(lr=0.1, momentum=0.9)`` for 200 epochs of 10 iterations, and
steps a scheduler once per epoch. :func:`toy_run` does exactly that with a *fresh*
weight, optimizer and scheduler every time it is called. With ``noise > 0`` each
iteration sees a noisy target ``y_k = noise * N(0, 1)`` instead of 0, like a
mini-batch gradient: the best weight is still 0, but a constant rate keeps ``w``
jittering around it, which is why rates are decayed late in training.

:func:`toy_train` trains a weight, optimizer and scheduler that the caller owns, and
:func:`rates_by_stepping` is the *wrong* way to draw a scheduler's curve (it steps the
scheduler it is given and so uses it up); the lesson shows the bug with both.

:func:`saddle_descent` runs gradient descent on ``f(x, y) = x^2/2 - y^2/2 + y^4/4``,
whose origin is a saddle point, to show that a rate decayed too far can leave a
model stuck there; :func:`adagrad_effective_rates` reads the rate ``torch.optim.Adagrad``
uses at each step, to compare with inverse-time decay.

``ReduceLROnPlateau`` has no closed form: it cuts the rate when the validation loss
stops improving. :func:`plateau_trace` feeds it a list of losses and records its
state epoch by epoch (best loss, bad epochs, cooldown, rate), and :func:`toy_train`
gives it the toy problem's mean loss of each epoch, so it can be watched on a loss
that plateaus. :func:`digits_run` and :func:`digits_comparison` train the lesson's
small network on the digits with each schedule (constant, step, cosine, one-cycle,
plateau) over several seeds, and :func:`seed_spread` summarises a number across seeds.

This module never imports matplotlib.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import torch

from lrcourse import schedules as S
from lrcourse._checks import (
    check_choice,
    check_finite,
    check_int,
    check_positive,
    check_range,
    check_seed,
    shown,
)
from lrcourse.lessons.surfaces import SADDLE
from lrcourse.train import History

__all__ = [
    "PlateauTrace",
    "plateau_trace",
    "DIGITS_SCHEDULES",
    "DIGITS_LR",
    "DIGITS_EPOCHS",
    "digits_run",
    "digits_comparison",
    "Spread",
    "seed_spread",
    "TOY_EPOCHS",
    "TOY_ITERATIONS",
    "TOY_LR",
    "TOY_MOMENTUM",
    "ToyRun",
    "toy_train",
    "toy_run",
    "rates_by_stepping",
    "SaddleRun",
    "saddle_descent",
    "adagrad_effective_rates",
    "DESIGNS",
    "designer_rates",
    "parse_milestones",
]

#: The toy setup of the lesson: 200 epochs of 10 iterations, SGD(lr=0.1, momentum=0.9).
TOY_EPOCHS = 200
TOY_ITERATIONS = 10
TOY_LR = 0.1
TOY_MOMENTUM = 0.9


# ----------------------------------------------------------------------------------
# The toy problem
# ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ToyRun:
    """What one run of the toy problem saw.

    Attributes:
        lr: the rate each epoch used (read from the optimizer before the epoch), one
            entry per epoch.
        w: the weight before every iteration, plus the final weight (epochs *
            iterations + 1 entries).
        loss: the clean loss ``(w * x - y) ** 2 / 2`` (the target without noise) before
            every iteration: how far the weight is from the best one.
    """

    lr: list[float]
    w: list[float]
    loss: list[float]

    @property
    def final_w(self) -> float:
        """The weight after the last iteration."""
        return self.w[-1]

    @property
    def epoch_loss(self) -> list[float]:
        """The mean of ``loss`` over each epoch: what a ``ReduceLROnPlateau`` is given."""
        n = len(self.loss) // len(self.lr)
        return [sum(self.loss[k * n:(k + 1) * n]) / n for k in range(len(self.lr))]


def toy_train(
    w: torch.Tensor,
    optimizer: torch.optim.Optimizer,
    scheduler: Any | None = None,
    epochs: int = TOY_EPOCHS,
    iterations: int = TOY_ITERATIONS,
    x: float = 1.0,
    y: float = 0.0,
    noise: float = 0.0,
    seed: int = 0,
) -> ToyRun:
    """Train the weight ``w`` that ``optimizer`` holds on ``(w x - y_k)^2 / 2``.

    Per epoch: record the optimizer's rate; ``iterations`` times zero_grad, loss,
    backward, ``optimizer.step()``; then ``scheduler.step()`` (if given). The target
    of iteration k is ``y_k = y + noise * N(0, 1)``, drawn from a generator seeded
    with ``seed``. A ``ReduceLROnPlateau`` is stepped with the epoch's mean clean loss
    ``(w x - y)^2 / 2`` (:attr:`ToyRun.epoch_loss`), the toy's validation loss: the
    loss on the clean target, free of the noise the gradients see.

    Args:
        w: a one-element tensor with ``requires_grad=True``, in ``optimizer``.
        optimizer: any torch optimizer over ``w``.
        scheduler: a scheduler of ``optimizer``, stepped once per epoch, or None.
        epochs, iterations: the loop sizes (>= 1).
        x, y: the input and the clean target.
        noise: the standard deviation >= 0 of the target's noise.
        seed: seed of the noise.

    Example::

        >>> w = torch.tensor([1.0], requires_grad=True)
        >>> run = toy_train(w, torch.optim.SGD([w], lr=0.5), epochs=1, iterations=2)
        >>> run.w
        [1.0, 0.5, 0.25]
    """
    if not (isinstance(w, torch.Tensor) and w.numel() == 1 and w.requires_grad):
        raise ValueError(f"w must be a one-element tensor with requires_grad=True, got {w!r}")
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise ValueError(f"optimizer must be a torch.optim.Optimizer, got {optimizer!r}")
    if scheduler is not None and getattr(scheduler, "optimizer", optimizer) is not optimizer:
        raise ValueError("scheduler must schedule the optimizer given, got another one")
    epochs = check_int("epochs", epochs, 1)
    iterations = check_int("iterations", iterations, 1)
    x = check_finite("x", x)
    y = check_finite("y", y)
    noise = check_finite("noise", noise, minimum=0.0)
    generator = torch.Generator().manual_seed(check_int("seed", seed, 0))
    targets = y + noise * torch.randn(epochs * iterations, generator=generator, dtype=w.dtype)

    plateau = isinstance(scheduler, torch.optim.lr_scheduler.ReduceLROnPlateau)
    rates, weights, losses = [], [], []
    k = 0
    for _ in range(epochs):
        rates.append(float(optimizer.param_groups[0]["lr"]))
        for _ in range(iterations):
            w_now = float(w.detach())
            weights.append(w_now)
            losses.append((w_now * x - y) ** 2 / 2)
            optimizer.zero_grad()
            loss = ((w * x - targets[k]) ** 2 / 2).sum()
            loss.backward()
            optimizer.step()
            k += 1
        if plateau:
            scheduler.step(sum(losses[-iterations:]) / iterations)
        elif scheduler is not None:
            scheduler.step()
    weights.append(float(w.detach()))
    return ToyRun(lr=rates, w=weights, loss=losses)


def toy_run(
    make_scheduler: Callable[[torch.optim.Optimizer], Any] | None = None,
    epochs: int = TOY_EPOCHS,
    iterations: int = TOY_ITERATIONS,
    lr: float = TOY_LR,
    momentum: float = TOY_MOMENTUM,
    w0: float = 1.0,
    noise: float = 0.0,
    seed: int = 0,
) -> ToyRun:
    """The lesson's toy setup with a fresh weight, optimizer and scheduler.

    Builds ``w = w0``, ``SGD([w], lr, momentum)`` and ``make_scheduler(optimizer)``
    (or no scheduler) and calls :func:`toy_train` with x = 1, y = 0. Because all three
    are new on every call, calling it twice gives the same run twice.

    Example::

        >>> from torch.optim.lr_scheduler import StepLR
        >>> run = toy_run(lambda opt: StepLR(opt, step_size=50, gamma=0.5))
        >>> run.lr[0], run.lr[50], run.lr[199]
        (0.1, 0.05, 0.0125)
    """
    lr = check_finite("lr", lr, minimum=0.0)
    momentum = check_finite("momentum", momentum, minimum=0.0)
    w0 = check_finite("w0", w0)
    w = torch.tensor([w0], dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.SGD([w], lr=lr, momentum=momentum)
    scheduler = make_scheduler(optimizer) if make_scheduler is not None else None
    return toy_train(w, optimizer, scheduler, epochs, iterations, noise=noise, seed=seed)


def rates_by_stepping(
    optimizer: torch.optim.Optimizer, scheduler: Any, epochs: int
) -> list[float]:
    """THE PITFALL: list a scheduler's rates by stepping the scheduler you will train with.

    Reads ``optimizer.param_groups[0]["lr"]`` and calls ``optimizer.step()`` (no
    gradients, so no weight moves) and ``scheduler.step()``, ``epochs`` times. The
    curve is right, but afterwards the scheduler sits at its last epoch and the
    optimizer at its last rate: training with them runs at the final rate. Use
    ``lrcourse.schedules.schedule_values`` or ``torch_schedule_values`` instead,
    which never touch your objects.

    Example::

        >>> w = torch.zeros(1, requires_grad=True)
        >>> opt = torch.optim.SGD([w], lr=0.1)
        >>> sched = torch.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
        >>> rates_by_stepping(opt, sched, 3), opt.param_groups[0]["lr"]
        ([0.1, 0.05, 0.025], 0.0125)
    """
    if not isinstance(optimizer, torch.optim.Optimizer):
        raise ValueError(f"optimizer must be a torch.optim.Optimizer, got {optimizer!r}")
    epochs = check_int("epochs", epochs, 1)
    rates = []
    for _ in range(epochs):
        rates.append(float(optimizer.param_groups[0]["lr"]))
        optimizer.step()
        scheduler.step()
    return rates


# ----------------------------------------------------------------------------------
# A saddle point
# ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class SaddleRun:
    """Gradient descent on the saddle f(x, y) = x^2/2 - y^2/2 + y^4/4 (``surfaces.SADDLE``).

    Attributes:
        x, y: the iterates, the start first.
        escaped_at: the first step after which |y| >= ``threshold`` (the point has
            left the saddle's neighbourhood towards a minimum at y = +-1), or None.
    """

    x: list[float]
    y: list[float]
    escaped_at: int | None


def saddle_descent(
    lrs: Sequence[float],
    start: tuple[float, float] = (1.0, 1e-3),
    threshold: float = 0.5,
) -> SaddleRun:
    """Run ``len(lrs)`` steps of gradient descent, step k at rate ``lrs[k]``.

        f(x, y) = x^2 / 2 - y^2 / 2 + y^4 / 4
        x <- x - lr_k * x                  (x falls towards 0)
        y <- y + lr_k * (y - y^3)          (y grows away from the saddle at 0)

    The origin is a saddle (flat gradient, downhill along y); the minima are at
    (0, +-1). Near the saddle |y| grows by a factor (1 + lr_k) per step, so after n
    steps |y_n| <= |y_0| * exp(lr_0 + ... + lr_{n-1}): if the rates add up to less
    than ln(threshold / |y_0|), the point never escapes, however long it runs.

    Args:
        lrs: the rate of each step (each finite and >= 0).
        start: (x_0, y_0).
        threshold: |y| that counts as escaped, > 0.

    Example::

        >>> saddle_descent([0.5] * 20).escaped_at
        16
    """
    lrs = [check_finite(f"lrs[{k}]", v, minimum=0.0) for k, v in enumerate(lrs)]
    if not (isinstance(start, Sequence) and len(start) == 2):
        raise ValueError(f"start must be a pair (x0, y0), got {start!r}")
    x = check_finite("start[0]", start[0])
    y = check_finite("start[1]", start[1])
    threshold = check_finite("threshold", threshold)
    if threshold <= 0:
        raise ValueError(f"threshold must be a finite number > 0, got {threshold!r}")
    xs, ys, escaped = [x], [y], None
    for k, lr in enumerate(lrs):
        gx, gy = SADDLE.grad(x, y)
        x, y = x - lr * gx, y - lr * gy
        xs.append(x)
        ys.append(y)
        if escaped is None and abs(y) >= threshold:
            escaped = k + 1
    return SaddleRun(x=xs, y=ys, escaped_at=escaped)


# ----------------------------------------------------------------------------------
# Adagrad's lr_decay
# ----------------------------------------------------------------------------------


def adagrad_effective_rates(lr: float, lr_decay: float, steps: int) -> list[float]:
    """The rate ``torch.optim.Adagrad(lr=lr, lr_decay=lr_decay)`` uses at steps 1..steps.

    Adagrad divides the rate by sqrt(sum of squared gradients). With the gradient 1 at
    every step (the loss w itself) that sum after k steps is k, so the k-th update is
    ``-clr_k / (sqrt(k) + eps)`` and ``clr_k = -update * (sqrt(k) + eps)``. This reads
    clr_k back from a real torch Adagrad (float64, eps = 1e-10), so the lesson can
    compare it with ``inverse_time_lr(k - 1, lr, lr_decay)``.

    Example::

        >>> [round(r, 6) for r in adagrad_effective_rates(0.1, 0.5, 3)]
        [0.1, 0.066667, 0.05]
    """
    lr = check_finite("lr", lr, minimum=0.0)
    lr_decay = check_finite("lr_decay", lr_decay, minimum=0.0)
    steps = check_int("steps", steps, 1)
    eps = 1e-10
    w = torch.zeros(1, dtype=torch.float64, requires_grad=True)
    optimizer = torch.optim.Adagrad([w], lr=lr, lr_decay=lr_decay, eps=eps)
    rates = []
    for k in range(1, steps + 1):
        before = float(w.detach())
        optimizer.zero_grad()
        w.sum().backward()
        optimizer.step()
        update = float(w.detach()) - before
        rates.append(-update * (math.sqrt(k) + eps))
    return rates


# ----------------------------------------------------------------------------------
# ReduceLROnPlateau, watched epoch by epoch
# ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlateauTrace:
    """What a ``ReduceLROnPlateau`` saw and did, one entry per epoch k.

    Attributes:
        metric: the value it was given after epoch k (a validation loss, say).
        lr: the rate epoch k trained with (before the scheduler saw ``metric[k]``).
        best: its best value so far, after seeing ``metric[k]``.
        bad_epochs: how many epochs in a row have not improved on ``best``, after k
            (reset to 0 by a cut, and not counted during a cooldown).
        cooldown: epochs of cooldown still to wait, after k.
    """

    metric: list[float]
    lr: list[float]
    best: list[float]
    bad_epochs: list[int]
    cooldown: list[int]
    next_lr: float

    @property
    def cuts(self) -> list[int]:
        """The epochs that start at a lower rate than the epoch before them."""
        rates = [*self.lr, self.next_lr]
        return [k for k in range(1, len(rates)) if rates[k] < rates[k - 1]]


def plateau_trace(
    metrics: Sequence[float],
    lr: float = 0.1,
    mode: str = "min",
    factor: float = 0.1,
    patience: int = 10,
    threshold: float = 1e-4,
    threshold_mode: str = "rel",
    cooldown: int = 0,
    min_lr: float = 0.0,
) -> PlateauTrace:
    """Step a real ``ReduceLROnPlateau`` with ``metrics`` and record its state after each.

    The rule PyTorch applies after each epoch, for ``mode="min"`` (``"max"`` flips
    the comparisons, for a metric such as accuracy)::

        better  = metric < best * (1 - threshold)      threshold_mode "rel"
                  metric < best - threshold            threshold_mode "abs"
        if better: best = metric, bad_epochs = 0  else: bad_epochs += 1
        if cooling down: cooldown -= 1, bad_epochs = 0
        if bad_epochs > patience:
            lr = max(lr * factor, min_lr), cooldown = cooldown setting, bad_epochs = 0

    so with ``patience = p`` the rate is cut after p + 1 epochs in a row without
    improvement. (A cut smaller than ``eps = 1e-8`` is skipped, so the rate never
    falls far below 1e-8 unless ``min_lr`` stops it sooner.) The scheduler drives a throwaway one-weight SGD optimizer; nothing is
    trained. The losses are given, so this shows the decisions, not how training
    would answer them.

    Args:
        metrics: the value of each epoch, finite numbers.
        lr: the starting rate > 0.
        mode, factor, patience, threshold, threshold_mode, cooldown, min_lr:
            ``ReduceLROnPlateau``'s own arguments (PyTorch's defaults).

    Example::

        >>> trace = plateau_trace([1.0, 0.9, 0.9, 0.9, 0.8], lr=0.1, patience=1)
        >>> trace.bad_epochs, [round(r, 6) for r in trace.lr], trace.cuts
        ([0, 0, 1, 0, 0], [0.1, 0.1, 0.1, 0.1, 0.01], [4])

    (The third 0.9 is the second epoch without improvement, more than ``patience=1``:
    the rate is cut, and the count starts again from 0.)
    """
    metrics = [check_finite(f"metrics[{k}]", m) for k, m in enumerate(metrics)]
    lr = check_positive("lr", lr)
    mode = check_choice("mode", mode, ("min", "max"))
    factor = check_range("factor", factor, 0, 1, low_open=True, high_open=True)
    patience = check_int("patience", patience, 0)
    threshold = check_finite("threshold", threshold, 0)
    threshold_mode = check_choice("threshold_mode", threshold_mode, ("rel", "abs"))
    cooldown = check_int("cooldown", cooldown, 0)
    min_lr = check_finite("min_lr", min_lr, 0)
    w = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([w], lr=lr)
    scheduler = torch.optim.lr_scheduler.ReduceLROnPlateau(
        optimizer, mode=mode, factor=factor, patience=patience, threshold=threshold,
        threshold_mode=threshold_mode, cooldown=cooldown, min_lr=min_lr)
    rates, best, bad, cool = [], [], [], []
    for metric in metrics:
        rates.append(float(optimizer.param_groups[0]["lr"]))
        scheduler.step(metric)
        best.append(float(scheduler.best))
        bad.append(int(scheduler.num_bad_epochs))
        cool.append(int(scheduler.cooldown_counter))
    return PlateauTrace(metric=metrics, lr=rates, best=best, bad_epochs=bad, cooldown=cool,
                        next_lr=float(optimizer.param_groups[0]["lr"]))


# ----------------------------------------------------------------------------------
# The schedules on the digits, over several seeds
# ----------------------------------------------------------------------------------

#: The schedules the lesson compares on the digits, all for the same number of epochs.
DIGITS_SCHEDULES = ("constant", "StepLR(4, 0.3)", "cosine", "one-cycle", "plateau")
#: The starting rate of every schedule (the peak for one-cycle), with momentum 0.9.
DIGITS_LR = 0.2
DIGITS_EPOCHS = 10


def digits_run(
    schedule: str, seed: int, epochs: int = DIGITS_EPOCHS, lr: float = DIGITS_LR
) -> History:
    """Train the digits MLP (two hidden layers of 64) for ``epochs`` with one schedule.

    ``SGD(lr, momentum=0.9)``, batches of 64, the same data split and batch order for
    every run (``digits_loaders(seed=0)``); ``seed`` sets the initial weights only.
    The schedules, each a fresh PyTorch scheduler:

    ==================  ==========================================================
    ``constant``        no scheduler
    ``StepLR(4, 0.3)``  ``StepLR(step_size=4, gamma=0.3)``, stepped per epoch
    ``cosine``          ``CosineAnnealingLR(T_max=all batches)``, per batch
    ``one-cycle``       ``OneCycleLR(max_lr=lr, total_steps=all batches)``, per batch;
                        its default ``cycle_momentum`` moves the momentum 0.95-0.85
    ``plateau``         ``ReduceLROnPlateau(factor=0.3, patience=1)``, given the
                        validation loss after every epoch
    ==================  ==========================================================

    Example::

        >>> h = digits_run("one-cycle", seed=0, epochs=1)
        >>> len(h.lr), round(h.lr[0], 4), round(max(h.lr), 3)
        (23, 0.008, 0.2)
    """
    from lrcourse.data import digits_loaders
    from lrcourse.models import digits_mlp
    from lrcourse.train import fit

    schedule = check_choice("schedule", schedule, DIGITS_SCHEDULES)
    seed = check_seed("seed", seed)
    epochs = check_int("epochs", epochs, 1)
    lr = check_positive("lr", lr)
    L = torch.optim.lr_scheduler
    train_loader, val_loader = digits_loaders(batch_size=64, seed=0, flat=True)
    model = digits_mlp(hidden=64, depth=2, seed=seed)
    optimizer = torch.optim.SGD(model.parameters(), lr=lr, momentum=0.9)
    steps = epochs * len(train_loader)
    interval = "batch"
    if schedule == "constant":
        scheduler = None
    elif schedule == "StepLR(4, 0.3)":
        scheduler, interval = L.StepLR(optimizer, step_size=4, gamma=0.3), "epoch"
    elif schedule == "cosine":
        scheduler = L.CosineAnnealingLR(optimizer, T_max=steps)
    elif schedule == "one-cycle":
        scheduler = L.OneCycleLR(optimizer, max_lr=lr, total_steps=steps)
    else:
        scheduler = L.ReduceLROnPlateau(optimizer, factor=0.3, patience=1)
        interval = "epoch"
    return fit(model, optimizer, train_loader, val_loader, epochs=epochs, scheduler=scheduler,
               scheduler_interval=interval)


def digits_comparison(
    schedules: Sequence[str] = DIGITS_SCHEDULES,
    seeds: Sequence[int] = range(5),
    epochs: int = DIGITS_EPOCHS,
    lr: float = DIGITS_LR,
) -> dict[tuple[str, int], History]:
    """:func:`digits_run` for every schedule and seed: ``{(schedule, seed): History}``."""
    return {(name, seed): digits_run(name, seed, epochs, lr) for seed in seeds for name in schedules}


@dataclass(frozen=True)
class Spread:
    """A number measured on several seeds: its median and its range."""

    median: float
    low: float
    high: float

    def __format__(self, spec: str) -> str:
        spec = spec or "g"
        return f"{self.median:{spec}} ({self.low:{spec}} to {self.high:{spec}})"


def seed_spread(values: Sequence[float]) -> Spread:
    """Median, lowest and highest of ``values`` (one per seed).

    Example::

        >>> f"{seed_spread([3.0, 1.0, 2.0, 10.0]):.1f}"
        '2.5 (1.0 to 10.0)'
    """
    values = sorted(check_finite(f"values[{k}]", v) for k, v in enumerate(values))
    if not values:
        raise ValueError("values must hold at least one number, got none")
    n = len(values)
    median = values[n // 2] if n % 2 else (values[n // 2 - 1] + values[n // 2]) / 2
    return Spread(median=median, low=values[0], high=values[-1])


#: The schedules the designer offers, and the settings each one reads (besides
#: ``warmup`` and ``epochs``, which every schedule but plateau reads).
DESIGNS = {
    "step": ("lr", "gamma", "step_size"),
    "multistep": ("lr", "gamma", "milestones"),
    "exponential": ("lr", "gamma"),
    "inverse time": ("lr", "decay_rate"),
    "cosine": ("lr",),
    "cosine restarts": ("lr", "T_0", "T_mult"),
    "one-cycle": ("lr", "pct_start"),
    "plateau": ("lr", "factor", "patience", "threshold", "cooldown"),
    "constant": ("lr",),
}


def parse_milestones(text: str) -> list[int]:
    """``"50, 125, 160"`` -> ``[50, 125, 160]``; raises ``ValueError`` naming ``milestones``.

    Example::

        >>> parse_milestones("30, 80")
        [30, 80]
    """
    if not isinstance(text, str):
        raise ValueError(f"milestones must be text like '50, 125, 160', got {shown(text)}")
    parts = [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]
    try:
        values = [int(p) for p in parts]
    except ValueError:
        raise ValueError(
            f"milestones must be whole epochs separated by commas, like '50, 125, 160', "
            f"got {shown(text)}"
        ) from None
    return S._check_increasing("milestones", values)



def designer_rates(
    schedule: str,
    lr: float = 0.1,
    gamma: float = 0.5,
    step_size: int = 50,
    milestones: str = "50, 125, 160",
    decay_rate: float = 0.05,
    warmup: int = 0,
    epochs: int = 200,
    T_0: int = 50,
    T_mult: int = 1,
    pct_start: float = 0.3,
    factor: float = 0.1,
    patience: int = 10,
    threshold: float = 1e-4,
    cooldown: int = 0,
) -> list[float]:
    """The rate of every epoch 0 .. epochs - 1 for the designer's settings.

    The chosen schedule gives decay(t); a warmup of W epochs is the linear warmup of
    the warmup lesson, :func:`lrcourse.schedules.linear_warmup_lr` with its default
    start_factor = 0 (Goyal et al.), laid over it::

        lr_t = linear_warmup_lr(t, base_lr=decay(t), warmup_steps=W)
             = decay(t) * t / W     for t < W,     decay(t)     for t >= W

    so epoch 0 has rate 0 (a log axis leaves it out) and epoch W is the first at the
    full rate. The closed forms come from :mod:`lrcourse.schedules` (one-cycle with
    ``max_lr = lr`` and ``total_steps = epochs``); ``plateau`` has none: it is a real
    ``ReduceLROnPlateau`` on the lesson's toy problem with noisy gradients
    (:func:`toy_run` with ``noise=1``), given each epoch's mean loss, and cannot be
    combined with a warmup (the warmup would change the losses it reads).

    Args:
        schedule: one of :data:`DESIGNS`.
        lr: the base rate lr_0 (the peak for one-cycle).
        gamma: factor per decay (step, multistep) or per epoch (exponential).
        step_size: epochs between two decays (step).
        milestones: the epochs of the decays, as text (multistep).
        decay_rate: inverse time: lr_0 / (1 + decay_rate * t).
        warmup: W, epochs of linear warmup laid over the schedule (0: none).
        epochs: how many epochs to list, >= 1.
        T_0, T_mult: cosine restarts: the first cycle's length, the growth factor.
        pct_start: one-cycle: the fraction of the epochs spent going up.
        factor, patience, threshold, cooldown: plateau (``ReduceLROnPlateau``).

    Example::

        >>> designer_rates("multistep", lr=0.1, gamma=0.5, milestones="2", epochs=4)
        [0.1, 0.1, 0.05, 0.05]
        >>> [round(r, 6) for r in designer_rates("constant", lr=0.2, warmup=4, epochs=6)]
        [0.0, 0.05, 0.1, 0.15, 0.2, 0.2]
    """
    if schedule not in DESIGNS:
        raise ValueError(f"schedule must be one of {sorted(DESIGNS)}, got {shown(schedule)}")
    epochs = check_int("epochs", epochs, 1)
    warmup = check_int("warmup", warmup, 0)
    if schedule == "step":
        rates = S.schedule_values(S.step_lr, epochs, base_lr=lr, step_size=step_size,
                                  gamma=gamma)
    elif schedule == "multistep":
        rates = S.schedule_values(S.multistep_lr, epochs, base_lr=lr,
                                  milestones=parse_milestones(milestones), gamma=gamma)
    elif schedule == "exponential":
        rates = S.schedule_values(S.exponential_lr, epochs, base_lr=lr, gamma=gamma)
    elif schedule == "inverse time":
        rates = S.schedule_values(S.inverse_time_lr, epochs, base_lr=lr, decay_rate=decay_rate)
    elif schedule == "cosine":
        rates = S.schedule_values(S.cosine_lr, epochs, base_lr=lr, total_steps=epochs)
    elif schedule == "cosine restarts":
        rates = S.schedule_values(S.cosine_restarts_lr, epochs, base_lr=lr, T_0=T_0,
                                  T_mult=T_mult)
    elif schedule == "one-cycle":
        rates = S.schedule_values(S.one_cycle_lr, epochs, max_lr=lr, total_steps=epochs,
                                  pct_start=pct_start)
    elif schedule == "plateau":
        if warmup:
            raise ValueError(f"warmup must be 0 for plateau, got {warmup!r}: its rate depends "
                             "on the losses, which a warmup would change")
        lr = check_positive("lr", lr)
        # Checked here so that a bad value is named before the toy problem runs.
        factor = check_range("factor", factor, 0, 1, low_open=True, high_open=True)
        patience = check_int("patience", patience, 0)
        threshold = check_finite("threshold", threshold, 0)
        cooldown = check_int("cooldown", cooldown, 0)
        run = toy_run(lambda opt: torch.optim.lr_scheduler.ReduceLROnPlateau(
            opt, factor=factor, patience=patience, threshold=threshold, cooldown=cooldown),
            epochs=epochs, lr=lr, noise=1.0, seed=0)
        return run.lr
    else:
        check_finite("lr", lr, 0)
        rates = [float(lr)] * epochs
    return [S.linear_warmup_lr(t, base_lr=r, warmup_steps=warmup) for t, r in enumerate(rates)]
