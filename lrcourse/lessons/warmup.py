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

This module never imports matplotlib.
"""

from __future__ import annotations

import torch

from lrcourse import schedules as S
from lrcourse._checks import check_int, check_positive, check_range
from lrcourse.data import digits_loaders
from lrcourse.models import digits_mlp
from lrcourse.train import History, fit

__all__ = [
    "article_gradual_warmup",
    "warmup_cosine_lr",
    "warmup_experiment",
    "EXPERIMENT",
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
