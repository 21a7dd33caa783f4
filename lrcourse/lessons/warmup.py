"""The experiments of the warmup lesson.

Warmup starts training with a small learning rate and raises it to the target
rate: the weights are random at first, and a large rate on random weights can
throw the network into a state it never recovers from. Three pieces:

* :func:`article_gradual_warmup` replays, number for number, the short simulation
  the warmup article prints: ``step / warmup_steps * init_lr`` for 2,500 of 15,000
  steps, then ``lr <- lr ** 1.0001`` at every step, which the article calls an
  approximate exponential decay.
* :func:`warmup_cosine_lr` is the schedule of the experiment: linear warmup from 0
  (Goyal et al. 2017) multiplied by a cosine decay over the whole run::

      lr_t = min(1, t / W) * (lr_0 / 2) * (1 + cos(pi * t / T))

* :func:`warmup_experiment` trains an 8-layer MLP on the 8x8 digits with Adam at a
  large rate, with or without warmup, and returns the ``History``.

Why warmup works, measured:

* :func:`adam_first_steps` replays the first steps of :func:`warmup_experiment` and
  records how far each step moves the weights, the size of Adam's step per unit of
  rate, and the sharpness (the largest Hessian eigenvalue, whose ``2 / lambda_max`` is
  the edge of stability of lesson 01) at chosen steps.
* :func:`second_moment_spread` measures how much Adam's per-weight rate
  ``1 / (sqrt(v_hat_t) + eps)`` depends on which batches came first: the noise of the
  second-moment estimate that RAdam's rectification :func:`radam_rectification`
  (Liu et al. 2019) corrects for.

This module never imports matplotlib.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Sequence
from dataclasses import dataclass, field

import torch
from torch.func import functional_call, grad, vmap
from torch.nn.functional import cross_entropy

from lrcourse import schedules as S
from lrcourse._checks import check_int, check_positive, check_range, check_seed
from lrcourse.curvature import top_hessian_eigenvalue
from lrcourse.data import digits_loaders, load_digits
from lrcourse.models import digits_mlp
from lrcourse.train import History, fit

__all__ = [
    "article_gradual_warmup",
    "warmup_cosine_lr",
    "warmup_experiment",
    "EXPERIMENT",
    "EarlySteps",
    "adam_first_steps",
    "radam_rectification",
    "second_moment_spread",
]

#: The settings of the lesson's experiment (chosen by trying four seeds, see the lesson).
EXPERIMENT = {"lr": 0.03, "warmup_steps": 100, "epochs": 8, "batch_size": 32, "depth": 8,
              "hidden": 64}


def article_gradual_warmup(
    max_steps: int = 15000, warmup_steps: int = 2500, init_lr: float = 0.1
) -> list[float]:
    """The rate of every step of the article's gradual-warmup simulation.

        t < W:   lr_t = t / W * init_lr
        t >= W:  lr_t = lr_{t-1} ** 1.0001      (starting from lr_{W-1})

    The second line is not an exponential decay: each step raises the rate to the
    power 1.0001, so ``lr_t = lr_{W-1} ** (1.0001 ** (t - W + 1))``, a decay that
    speeds up and depends on the units of the rate. ``exponential_lr`` is the
    usual form, ``lr_0 * gamma ** t``.

    Example::

        >>> rates = article_gradual_warmup()
        >>> round(rates[1249], 5), round(rates[2499], 5), f"{rates[-1]:.3g}"
        (0.04996, 0.09996, '0.000323')
    """
    max_steps = check_int("max_steps", max_steps, 1)
    warmup_steps = check_int("warmup_steps", warmup_steps, 0)
    # in (0, 1): the power decay must shrink it
    init_lr = check_range("init_lr", init_lr, 0, 1, low_open=True, high_open=True)
    rates: list[float] = []
    lr = float(init_lr)
    for step in range(max_steps):
        if warmup_steps and step < warmup_steps:
            lr = init_lr * step / warmup_steps
        else:
            lr = lr**1.0001
        rates.append(lr)
    return rates


def warmup_cosine_lr(step: int, base_lr: float, warmup_steps: int, total_steps: int) -> float:
    """Linear warmup from 0 times a cosine decay to 0 over ``total_steps``.

        lr_t = min(1, t / W) * cosine_lr(t, lr_0, T)

    With ``warmup_steps = 0`` this is the plain cosine decay, so runs with and
    without warmup differ only in their first W steps.

    Example::

        >>> [round(warmup_cosine_lr(t, 0.1, 2, 4), 4) for t in range(5)]
        [0.0, 0.0427, 0.05, 0.0146, 0.0]
    """
    check_int("step", step, 0)
    check_int("warmup_steps", warmup_steps, 0)
    factor = 1.0 if step >= warmup_steps else step / warmup_steps
    return factor * S.cosine_lr(step, base_lr, total_steps)


def warmup_experiment(
    warmup_steps: int,
    lr: float = EXPERIMENT["lr"],
    seed: int = 0,
    epochs: int = EXPERIMENT["epochs"],
    batch_size: int = EXPERIMENT["batch_size"],
    depth: int = EXPERIMENT["depth"],
    hidden: int = EXPERIMENT["hidden"],
) -> History:
    """Train ``digits_mlp(hidden, depth, seed)`` with Adam and ``warmup_cosine_lr``.

    The data split and batch order are fixed (data seed 0); ``seed`` sets the initial
    weights. The scheduler steps every batch; ``warmup_steps = 0`` is the run without
    warmup.

    Args:
        warmup_steps: W >= 0 batches of linear warmup.
        lr: the peak rate lr_0 of Adam.
        seed: seed of the initial weights.
        epochs, batch_size, depth, hidden: the size of the run.

    Returns:
        The ``History`` of ``lrcourse.train.fit`` (validated after every epoch).
    """
    warmup_steps = check_int("warmup_steps", warmup_steps, 0)
    lr = check_positive("lr", lr)
    train_loader, val_loader = digits_loaders(batch_size=batch_size, seed=0, flat=True)
    model = digits_mlp(hidden=hidden, depth=depth, seed=seed)
    optimizer = torch.optim.Adam(model.parameters(), lr=lr)
    total = epochs * len(train_loader)
    scheduler = S.as_lambda_lr(optimizer, warmup_cosine_lr, warmup_steps=warmup_steps,
                               total_steps=total)
    return fit(model, optimizer, train_loader, val_loader, epochs=epochs, scheduler=scheduler)


# ----------------------------------------------------------------------------------
# Why warmup works: the first steps measured
# ----------------------------------------------------------------------------------


def _check_lr(lr: float) -> float:
    if not (isinstance(lr, numbers.Real) and math.isfinite(lr) and lr > 0):
        raise ValueError(f"lr must be a finite number > 0, got {lr!r}")
    return float(lr)


def _flat(tensors: Sequence[torch.Tensor]) -> torch.Tensor:
    return torch.cat([t.detach().flatten() for t in tensors])


@dataclass
class EarlySteps:
    """The first steps of a run of :func:`warmup_experiment`, looked at closely.

    Entry ``t`` of ``lr``, ``loss``, ``moved`` and ``adam_step`` belongs to step t
    (t = 0, 1, ...): the rate it used, the loss of its batch (before the step), and
    after the step:

    Attributes:
        moved: ``|theta_{t+1} - theta_0| / |theta_0|``: how far the weights have
            gone from where they started, relative to their size (all weights as one
            vector).
        adam_step: the root mean square over all weights of ``m_hat / (sqrt(v_hat) + eps)``,
            Adam's step divided by the rate. On step 0 it is 1 for every weight whose
            gradient is well above eps (``m_hat / sqrt(v_hat) = g / |g|``).
        sharpness_steps, sharpness: ``lambda_max`` of the loss on the fixed images of
            :func:`adam_first_steps`, measured before those steps.
    """

    warmup_steps: int
    lr: list[float] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    moved: list[float] = field(default_factory=list)
    adam_step: list[float] = field(default_factory=list)
    sharpness_steps: list[int] = field(default_factory=list)
    sharpness: list[float] = field(default_factory=list)


def adam_first_steps(
    warmup_steps: int,
    steps: int = 100,
    lr: float = EXPERIMENT["lr"],
    seed: int = 0,
    sharpness_at: Sequence[int] = (),
    sharpness_images: int = 512,
) -> EarlySteps:
    """The first ``steps`` steps of :func:`warmup_experiment`, with what each one did.

    Same data, batches, network (``digits_mlp(64, 8, seed)``), Adam and schedule
    (``warmup_cosine_lr`` over the experiment's 360 steps) as the experiment, so the
    batch losses are the first entries of its ``History.loss``.

    Args:
        warmup_steps: W >= 0 steps of linear warmup.
        steps: how many steps to take, >= 1 (at most the experiment's 360).
        lr: the peak rate of Adam.
        seed: seed of the initial weights.
        sharpness_at: the steps before which to measure the sharpness (Hessian of the
            mean loss on the first ``sharpness_images`` training images, by power
            iteration to a relative tolerance of 1e-3).
        sharpness_images: how many training images that loss averages over.

    Returns:
        An :class:`EarlySteps`.
    """
    warmup_steps = check_int("warmup_steps", warmup_steps, 0)
    lr = _check_lr(lr)
    seed = check_seed("seed", seed)
    train_loader, _ = digits_loaders(batch_size=EXPERIMENT["batch_size"], seed=0, flat=True)
    total = EXPERIMENT["epochs"] * len(train_loader)
    steps = check_int("steps", steps, 1, total)
    at = {check_int(f"sharpness_at[{k}]", t, 0, steps - 1) for k, t in enumerate(sharpness_at)}
    sharpness_images = check_int("sharpness_images", sharpness_images, 1, len(train_loader.dataset))
    model = digits_mlp(hidden=EXPERIMENT["hidden"], depth=EXPERIMENT["depth"], seed=seed)
    params = list(model.parameters())
    optimizer = torch.optim.Adam(params, lr=lr)
    scheduler = S.as_lambda_lr(optimizer, warmup_cosine_lr, warmup_steps=warmup_steps,
                               total_steps=total)  # fmt: skip
    images, labels = train_loader.dataset.tensors
    images, labels = images[:sharpness_images], labels[:sharpness_images]
    theta_0 = _flat(params)
    beta1, beta2 = optimizer.defaults["betas"]
    eps = optimizer.defaults["eps"]
    run = EarlySteps(warmup_steps)
    batches = (batch for _ in range(EXPERIMENT["epochs"]) for batch in train_loader)
    for t, (x, y) in zip(range(steps), batches, strict=False):
        if t in at:
            run.sharpness_steps.append(t)
            run.sharpness.append(top_hessian_eigenvalue(
                lambda: cross_entropy(model(images), labels), params, iters=300, tol=1e-3))  # fmt: skip
        run.lr.append(float(optimizer.param_groups[0]["lr"]))
        optimizer.zero_grad()
        loss = cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        scheduler.step()
        run.loss.append(loss.item())
        run.moved.append(float((_flat(params) - theta_0).norm() / theta_0.norm()))
        ratios = []
        for p in params:
            state = optimizer.state[p]
            k = float(state["step"])
            m_hat = state["exp_avg"] / (1 - beta1**k)
            v_hat = state["exp_avg_sq"] / (1 - beta2**k)
            ratios.append((m_hat / (v_hat.sqrt() + eps)).flatten())
        run.adam_step.append(float(torch.cat(ratios).pow(2).mean().sqrt()))
    return run


def radam_rectification(step: int, beta2: float = 0.999) -> float:
    """RAdam's factor ``r_t`` (Liu et al. 2019), or ``nan`` while RAdam skips the adaptive step.

        rho_inf = 2 / (1 - beta2) - 1
        rho_t   = rho_inf - 2 t beta2^t / (1 - beta2^t)
        r_t     = sqrt( (rho_t - 4)(rho_t - 2) rho_inf / ((rho_inf - 4)(rho_inf - 2) rho_t) )

    ``rho_t`` is the number of degrees of freedom of the second-moment estimate after
    t steps (about t at first, ``rho_inf`` in the limit). While ``rho_t <= 5`` (the
    threshold of PyTorch's ``RAdam``) the variance of Adam's adaptive rate is too
    large to use: RAdam then takes a plain momentum step ``lr * m_hat``. After that it
    multiplies Adam's step by ``r_t``, which rises from near 0 towards 1 as the estimate
    settles: a warmup built into the optimizer.

    Example:
        >>> [round(radam_rectification(t), 4) for t in (6, 10, 100, 1000)]
        [0.0258, 0.049, 0.2153, 0.6453]
        >>> radam_rectification(5)
        nan
    """
    step = check_int("step", step, 1)
    beta2 = check_range("beta2", beta2, 0.0, 1.0, low_open=True, high_open=True)
    rho_inf = 2 / (1 - beta2) - 1
    rho_t = rho_inf - 2 * step * beta2**step / (1 - beta2**step)
    if rho_t <= 5:
        return math.nan
    return math.sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t))


def second_moment_spread(
    seed: int = 0,
    orders: int = 8,
    steps: int = 100,
    beta2: float = 0.999,
    eps: float = 1e-8,
    floor: float = 1e-6,
) -> list[float]:
    """How much Adam's per-weight rate depends on which batches came first, step by step.

    At the initial weights of the experiment's network (``digits_mlp(64, 8, seed)``,
    held fixed), draw ``orders`` different batch orders (batches of 32 from shuffles of
    the training set, order k from ``torch.Generator().manual_seed(k)``) and run
    Adam's second-moment estimate along each::

        v_t = beta2 v_{t-1} + (1 - beta2) g_t^2,   v_hat_t = v_t / (1 - beta2^t)
        rate_t = 1 / (sqrt(v_hat_t) + eps)          (Adam's step is lr * rate_t * m_hat_t)

    For each weight, the spread of ``rate_t`` over the orders is its standard deviation
    divided by its mean; the result is the median of that over the weights whose
    gradient is not negligible (root mean square over all batches above ``floor``;
    Adam's eps hides the rest).

    Args:
        seed: seed of the initial weights.
        orders: number of batch orders, >= 2.
        steps: t = 1 ... steps.
        beta2, eps: Adam's.
        floor: the smallest gradient (root mean square) a weight must have to count.

    Returns:
        The median relative spread at t = 1, 2, ..., ``steps``.
    """
    seed = check_seed("seed", seed)
    orders = check_int("orders", orders, 2, 1000)
    steps = check_int("steps", steps, 1, 10_000)
    beta2 = check_range("beta2", beta2, 0.0, 1.0, low_open=True, high_open=True)
    eps = check_range("eps", eps, 0.0, 1.0)
    floor = check_range("floor", floor, 0.0, math.inf)
    digits = load_digits(seed=0, flat=True)
    x_train, y_train = digits.x_train, digits.y_train
    n, b = len(x_train), EXPERIMENT["batch_size"]
    model = digits_mlp(hidden=EXPERIMENT["hidden"], depth=EXPERIMENT["depth"], seed=seed)
    weights = {name: p.detach() for name, p in model.named_parameters()}

    def batch_loss(w: dict, x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
        return cross_entropy(functional_call(model, w, (x,)), y)

    gradients = vmap(grad(batch_loss), in_dims=(None, 0, 0))  # one gradient per order
    shuffles = [torch.Generator().manual_seed(k) for k in range(orders)]
    epochs = math.ceil(steps * b / n)
    rows = torch.stack([torch.cat([torch.randperm(n, generator=g) for _ in range(epochs)])
                        for g in shuffles])  # fmt: skip
    squares = []
    for t in range(steps):
        batch = rows[:, t * b : (t + 1) * b]
        g = gradients(weights, x_train[batch], y_train[batch])
        squares.append(torch.cat([g[name].reshape(orders, -1) for name in weights], dim=1) ** 2)
    counted = torch.stack(squares).mean(dim=(0, 1)).sqrt() > floor
    spreads, v = [], torch.zeros_like(squares[0])
    for t, g2 in enumerate(squares, start=1):
        v = beta2 * v + (1 - beta2) * g2
        rate = 1 / ((v / (1 - beta2**t)).sqrt() + eps)
        spread = rate.std(dim=0) / rate.mean(dim=0)
        spreads.append(float(spread[counted].median()))
    return spreads
