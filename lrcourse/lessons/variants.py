"""Batch, stochastic and mini-batch gradient descent on one real problem.

The three variants differ only in how many training samples each update looks at
(the **batch size** B, out of N samples)::

    BGD          B = N    one update per epoch, the exact gradient of the training loss
    SGD          B = 1    N updates per epoch, each from a single sample
    mini-batch   1 < B < N    ceil(N / B) updates per epoch

Every update is the same rule, with the gradient averaged over the batch::

    theta <- theta - lr * (1/B) * sum_{i in batch} grad loss_i(theta)

The problem is softmax regression (a linear layer and a softmax) on the 8x8
digits of :func:`lrcourse.data.load_digits`: 64 pixel values in, 10 class
scores out, weights ``W`` (64 x 10) and biases ``b`` (10). For a batch of rows
``X`` (B x 64) with labels ``y``::

    P = softmax(X W + b)                         (B x 10, each row sums to 1)
    loss = -(1/B) sum_i log P[i, y_i]            (cross-entropy)
    dloss/dW = X^T (P - Y) / B,  dloss/db = mean over rows of (P - Y)

where ``Y`` is the one-hot matrix of the labels. The loss is convex in (W, b),
so every variant heads for the same minimum; they differ in the path and in
what each step costs. The code uses NumPy in float64 and writes the gradient
out by hand, so each line can be read against the formulas above.

**Batch size and learning rate.** :func:`scan_batch_sizes` trains many runs at
once (every rate and seed of a grid, one batch size at a time) at an equal number
of epochs, to find the best rate of each batch size and how many updates it needs
to reach a target loss. :func:`sharpness` is the largest eigenvalue of the
training loss's Hessian (the curvature that sets the edge of stability ``2 / lambda_max``),
and :func:`sharpness_trace` follows it along a run.

Example:
    >>> X, y = digits_problem()
    >>> X.shape, y.shape
    ((1438, 64), (1438,))
    >>> run = train_variant(X, y, batch_size=32, lr=0.1, epochs=1)
    >>> run.name, run.updates_per_epoch, run.iterations[-1], run.samples[-1]
    ('mini-batch', 45, 45, 1438)
"""

from __future__ import annotations

import math
import numbers
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch

from lrcourse._checks import (
    check_bool,
    check_choice,
    check_finite,
    check_int,
    check_positive,
    check_seed,
    shown,
)
from lrcourse.curvature import top_hessian_eigenvalue
from lrcourse.data import iterations_per_epoch, load_digits

__all__ = [
    "BatchScan",
    "SharpnessTrace",
    "VariantRun",
    "accuracy",
    "batch_indices",
    "digits_problem",
    "format_runs",
    "scan_batch_sizes",
    "updates_to_loss",
    "sharpness",
    "sharpness_at_zero",
    "sharpness_trace",
    "SCAN_OPTIMIZERS",
    "softmax_grad",
    "softmax_loss",
    "total_iterations",
    "train_variant",
    "variant_name",
]


# ----------------------------------------------------------------------------------
# Argument checks
# ----------------------------------------------------------------------------------


def _is_int(value: Any) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _check_data(X: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y)
    if X.ndim != 2 or len(X) == 0:
        raise ValueError(f"X must be a non-empty 2-d array (samples x features), got {X.shape}")
    if y.shape != (len(X),) or not np.issubdtype(y.dtype, np.integer) or (y < 0).any():
        raise ValueError(
            f"y must hold one non-negative integer label per row of X ({len(X)}), "
            f"got shape {y.shape} and dtype {y.dtype}"
        )
    return X, y.astype(np.int64)


# ----------------------------------------------------------------------------------
# The problem: softmax regression on the digits
# ----------------------------------------------------------------------------------


def digits_problem(seed: int = 0, split: str = "train") -> tuple[np.ndarray, np.ndarray]:
    """The digits as NumPy arrays: rows of 64 standardised pixels (float64) and labels.

    Args:
        seed: the seed of :func:`lrcourse.data.load_digits`'s split.
        split: ``"train"`` (1,438 images) or ``"val"`` (359 images).

    Example:
        >>> X, y = digits_problem(split="val")
        >>> X.shape, X.dtype.name, int(y.max())
        ((359, 64), 'float64', 9)
    """
    check_choice("split", split, ("train", "val"))
    digits = load_digits(seed=seed, flat=True)
    x, y = (digits.x_train, digits.y_train) if split == "train" else (digits.x_val, digits.y_val)
    return x.numpy().astype(np.float64), y.numpy().astype(np.int64)


def _log_softmax(W: np.ndarray, b: np.ndarray, X: np.ndarray) -> np.ndarray:
    z = X @ W + b
    z = z - z.max(axis=1, keepdims=True)  # the softmax does not change; exp cannot overflow
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))  # never log(0)


def _loss_and_grad(
    W: np.ndarray, b: np.ndarray, X: np.ndarray, y: np.ndarray
) -> tuple[float, np.ndarray, np.ndarray]:
    """Loss and gradient from one forward pass, without argument checks (the inner step)."""
    log_p = _log_softmax(W, b, X)
    rows = np.arange(len(y))
    loss = -log_p[rows, y].mean()
    p = np.exp(log_p)  # P
    p[rows, y] -= 1.0  # P - Y
    return float(loss), X.T @ p / len(y), p.mean(axis=0)


def softmax_loss(W: np.ndarray, b: np.ndarray, X: np.ndarray, y: np.ndarray) -> float:
    """Mean cross-entropy ``-(1/B) sum_i log softmax(X W + b)[i, y_i]``.

    With all weights zero every class gets probability 1/10, so the loss is
    ``log 10 = 2.302585...``.

    Example:
        >>> X, y = digits_problem()
        >>> round(softmax_loss(np.zeros((64, 10)), np.zeros(10), X, y), 6)
        2.302585
    """
    X, y = _check_data(X, y)
    return float(-_log_softmax(W, b, X)[np.arange(len(y)), y].mean())


def softmax_grad(
    W: np.ndarray, b: np.ndarray, X: np.ndarray, y: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """The gradient of :func:`softmax_loss`: ``(X^T (P - Y) / B, mean_rows(P - Y))``.

    ``P`` is the softmax of the scores and ``Y`` the one-hot labels: the
    gradient of the cross-entropy with respect to the scores is ``P - Y``,
    averaged over the B rows of the batch.
    """
    X, y = _check_data(X, y)
    return _loss_and_grad(W, b, X, y)[1:]


def accuracy(W: np.ndarray, b: np.ndarray, X: np.ndarray, y: np.ndarray) -> float:
    """Share of rows whose highest score is their label."""
    X, y = _check_data(X, y)
    return float(np.mean(np.argmax(X @ W + b, axis=1) == y))


# ----------------------------------------------------------------------------------
# Epochs, batches and iterations
# ----------------------------------------------------------------------------------


def variant_name(batch_size: int, n_samples: int) -> str:
    """``"BGD"`` when B >= N, ``"SGD"`` when B = 1, else ``"mini-batch"``.

    Example:
        >>> variant_name(1438, 1438), variant_name(1, 1438), variant_name(32, 1438)
        ('BGD', 'SGD', 'mini-batch')
    """
    batch_size = check_int("batch_size", batch_size, 1)
    n_samples = check_int("n_samples", n_samples, 1)
    if batch_size >= n_samples:
        return "BGD"
    return "SGD" if batch_size == 1 else "mini-batch"


def total_iterations(n_samples: int, batch_size: int, epochs: int, drop_last: bool = False) -> int:
    """Updates in ``epochs`` passes: ``epochs * ceil(N / B)`` (``floor`` with drop_last).

    Example:
        >>> total_iterations(50_000, 256, 10)
        1960
    """
    epochs = check_int("epochs", epochs, 0)
    return epochs * iterations_per_epoch(n_samples, batch_size, drop_last=drop_last)


def batch_indices(order: Any, batch_size: int, drop_last: bool = False) -> list[np.ndarray]:
    """Cut a permutation of the sample indices into consecutive batches of ``batch_size``.

    The last batch holds the ``N mod B`` samples left over, unless ``drop_last``
    drops it (then some samples are skipped this epoch).

    Example:
        >>> [b.tolist() for b in batch_indices([4, 0, 3, 1, 2], 2)]
        [[4, 0], [3, 1], [2]]
    """
    order = np.asarray(order)
    if order.ndim != 1:
        raise ValueError(f"order must be a 1-d sequence of indices, got shape {order.shape}")
    batch_size = check_int("batch_size", batch_size, 1)
    drop_last = check_bool("drop_last", drop_last)
    batches = [order[start : start + batch_size] for start in range(0, len(order), batch_size)]
    if drop_last and batches and len(batches[-1]) < batch_size:
        batches.pop()
    return batches


# ----------------------------------------------------------------------------------
# Training
# ----------------------------------------------------------------------------------


@dataclass
class VariantRun:
    """What one training run recorded.

    Entry ``k`` of ``iterations``, ``samples``, ``seconds`` and ``loss`` is one
    evaluation of the full training loss: after ``iterations[k]`` updates, having
    looked at ``samples[k]`` training samples, after ``seconds[k]`` of update
    time (evaluations are not timed). Entry 0 is the start. ``batch_loss[j]`` is
    the loss on the batch update ``j + 1`` used, measured before that update.

    The time is the process's CPU time (``time.process_time``), so other programs
    running at the same moment barely change it; it still differs from machine
    to machine and from run to run.

    Attributes:
        name: ``"BGD"``, ``"SGD"`` or ``"mini-batch"``.
        batch_size: B (at most N).
        lr: the learning rate.
        n_samples: N, the size of the training set.
        updates_per_epoch: ceil(N / B).
        W, b: the weights at the end.
    """

    name: str
    batch_size: int
    lr: float
    n_samples: int
    updates_per_epoch: int
    iterations: list[int] = field(default_factory=list)
    samples: list[int] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    batch_loss: list[float] = field(default_factory=list)
    W: np.ndarray | None = None
    b: np.ndarray | None = None

    @property
    def label(self) -> str:
        """``"BGD (B = 1438)"``, ``"SGD (B = 1)"``, ``"mini-batch (B = 32)"``."""
        return f"{self.name} (B = {self.batch_size})"

    @property
    def final_loss(self) -> float:
        """The last full training loss recorded."""
        return self.loss[-1]

    def loss_at(self, key: str, budget: float) -> float:
        """The last recorded training loss with ``key`` ("iterations", "samples" or
        "seconds") at most ``budget``: the loss this run had reached within that budget.

        Example:
            >>> X, y = digits_problem()
            >>> run = train_variant(X, y, batch_size=len(X), lr=0.1, epochs=3)
            >>> run.loss_at("samples", 1438) == run.loss[1]
            True
        """
        check_choice("key", key, ("iterations", "samples", "seconds"))
        values = getattr(self, key)
        inside = [k for k, v in enumerate(values) if v <= budget]
        if not inside:
            raise ValueError(f"budget must be at least {values[0]!r}, got {budget!r}")
        return self.loss[inside[-1]]

    def first_below(self, target: float) -> int | None:
        """Index of the first record whose training loss is at most ``target``, or None.

        ``run.iterations[k]`` and ``run.samples[k]`` then say what reaching
        ``target`` cost (to the resolution of ``eval_every``).

        Example:
            >>> X, y = digits_problem()
            >>> run = train_variant(X, y, batch_size=len(X), lr=0.1, epochs=3)
            >>> run.first_below(2.2), run.first_below(0.1)
            (1, None)
        """
        target = check_finite("target", target)
        below = [k for k, value in enumerate(self.loss) if value <= target]
        return below[0] if below else None

    def rises(self) -> int:
        """How many recorded steps *raised* the full training loss: a count of the noise."""
        return int(np.sum(np.diff(self.loss) > 0))


def train_variant(
    X: Any,
    y: Any,
    batch_size: int,
    lr: float,
    epochs: int,
    seed: int = 0,
    eval_every: int = 1,
    max_updates: int | None = None,
    n_classes: int = 10,
) -> VariantRun:
    """Train softmax regression from zero weights with batches of ``batch_size``.

    Each epoch draws a new random order of the N samples (from ``seed``), cuts it
    into ``ceil(N / B)`` batches with :func:`batch_indices` and makes one update
    per batch: ``W <- W - lr * dW``, ``b <- b - lr * db``.

    Args:
        X: training rows (N x features).
        y: their integer labels.
        batch_size: B; 1 is SGD, N or more is BGD (clipped to N).
        lr: the learning rate, > 0.
        epochs: passes over the data, >= 0.
        seed: seed of the shuffling; BGD does not depend on it.
        eval_every: evaluate the full training loss every this many updates
            (and after the last one).
        max_updates: stop after this many updates, even inside an epoch; ``None``
            runs every epoch to the end.
        n_classes: number of classes (10 digits).

    Returns:
        A :class:`VariantRun`.

    Example:
        >>> X, y = digits_problem()
        >>> run = train_variant(X, y, batch_size=len(X), lr=0.1, epochs=2)
        >>> run.label, run.iterations, run.samples
        ('BGD (B = 1438)', [0, 1, 2], [0, 1438, 2876])
    """
    X, y = _check_data(X, y)
    n = len(X)
    batch_size = min(check_int("batch_size", batch_size, 1), n)
    lr = check_positive("lr", lr)
    epochs = check_int("epochs", epochs, 0)
    seed = check_int("seed", seed, 0)
    eval_every = check_int("eval_every", eval_every, 1)
    if max_updates is not None:
        max_updates = check_int("max_updates", max_updates, 0)
    n_classes = check_int("n_classes", n_classes, 2)
    if y.max() >= n_classes:
        raise ValueError(f"n_classes must exceed the largest label {y.max()}, got {n_classes}")

    W, b = np.zeros((X.shape[1], n_classes)), np.zeros(n_classes)
    run = VariantRun(variant_name(batch_size, n), batch_size, lr, n,
                     iterations_per_epoch(n, batch_size))  # fmt: skip
    rng = np.random.default_rng(seed)
    updates, seen, clock = 0, 0, 0.0
    all_rows = np.arange(n)

    def record() -> None:
        run.iterations.append(updates)
        run.samples.append(seen)
        run.seconds.append(clock)
        run.loss.append(float(-_log_softmax(W, b, X)[all_rows, y].mean()))

    record()
    for _ in range(epochs):
        order = rng.permutation(n)
        for batch in batch_indices(order, batch_size):
            if updates == max_updates:
                break
            x_batch, y_batch = X[batch], y[batch]
            start = time.process_time()
            loss, dW, db = _loss_and_grad(W, b, x_batch, y_batch)
            W -= lr * dW
            b -= lr * db
            clock += time.process_time() - start
            run.batch_loss.append(loss)
            updates += 1
            seen += len(batch)
            if updates % eval_every == 0:
                record()
    if run.iterations[-1] != updates:
        record()
    run.W, run.b = W, b
    return run


def format_runs(runs: list[VariantRun], X_val: Any = None, y_val: Any = None) -> str:
    """A text table: variant, B, updates per epoch, updates, samples seen, final loss.

    With validation data, the validation accuracy of the final weights is added.
    """
    head = f"{'variant':<22}{'updates/epoch':>14}{'updates':>9}{'samples':>10}{'train loss':>12}"
    if X_val is not None:
        head += f"{'val acc':>9}"
    lines = [head]
    for run in runs:
        line = (
            f"{run.label:<22}{run.updates_per_epoch:>14}{run.iterations[-1]:>9}"
            f"{run.samples[-1]:>10}{run.final_loss:>12.4f}"
        )
        if X_val is not None:
            line += f"{accuracy(run.W, run.b, X_val, y_val):>9.3f}"
        lines.append(line)
    return "\n".join(lines)


# ----------------------------------------------------------------------------------
# Batch size and learning rate: many runs at once
# ----------------------------------------------------------------------------------

#: The optimizers :func:`scan_batch_sizes` can run (PyTorch's names and defaults).
SCAN_OPTIMIZERS = ("SGD", "Adam")


def _check_values(name: str, values: Any, check: Any) -> tuple:
    try:
        values = tuple(values)
    except TypeError:
        raise ValueError(f"{name} must be a sequence, got {shown(values)}") from None
    if not values:
        raise ValueError(f"{name} must hold at least one value, got none")
    checked = tuple(check(f"{name}[{k}]", v) for k, v in enumerate(values))
    if len(set(checked)) != len(checked):
        raise ValueError(f"{name} must not repeat a value, got {shown(values)}")
    return checked


class _Runs:
    """Softmax regression trained at every (seed, rate) pair at once, for one batch size.

    All weights are one array ``theta`` of shape (seeds, rates, features + 1, classes);
    its last row is the bias, multiplied by a column of ones appended to X. Runs of
    one seed draw the batches of :func:`train_variant` with that seed, so run (s, r)
    is ``train_variant(X, y, B, rates[r], seed=seeds[s])`` to rounding.
    """

    def __init__(self, X: np.ndarray, y: np.ndarray, batch_size: int, rates: tuple,
                 seeds: tuple, optimizer: str, n_classes: int) -> None:  # fmt: skip
        self.X1 = np.hstack([X, np.ones((len(X), 1))])
        self.y, self.Y = y, np.eye(n_classes)[y]
        self.batch_size = batch_size
        self.rngs = [np.random.default_rng(seed) for seed in seeds]
        self.lr = np.asarray(rates, dtype=np.float64)[None, :, None, None]
        self.theta = np.zeros((len(seeds), len(rates), self.X1.shape[1], n_classes))
        self.adam = optimizer == "Adam"
        self.m, self.v, self.t = np.zeros_like(self.theta), np.zeros_like(self.theta), 0

    def epoch(self) -> Iterable[np.ndarray]:
        """Each seed's batches of one epoch: index arrays of shape (seeds, b)."""
        orders = np.stack([rng.permutation(len(self.y)) for rng in self.rngs])
        for start in range(0, len(self.y), self.batch_size):
            yield orders[:, start : start + self.batch_size]

    def step(self, rows: np.ndarray) -> None:
        x = self.X1[rows][:, None]  # (S, 1, b, 65): a seed's batch, shared by its rates
        z = x @ self.theta  # scores X W + b, (S, R, b, 10)
        z -= z.max(axis=-1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=-1, keepdims=True)  # P
        p -= self.Y[rows][:, None]  # P - Y
        g = x.swapaxes(-1, -2) @ p / rows.shape[1]  # X^T (P - Y) / B; last row: mean of P - Y
        if not self.adam:
            self.theta -= self.lr * g  # theta <- theta - lr * g
            return
        # Adam with PyTorch's defaults: betas (0.9, 0.999), eps 1e-8
        self.t += 1
        self.m = 0.9 * self.m + 0.1 * g  # m_t
        self.v = 0.999 * self.v + 0.001 * g * g  # v_t
        m_hat, v_hat = self.m / (1 - 0.9**self.t), self.v / (1 - 0.999**self.t)
        self.theta -= self.lr * m_hat / (np.sqrt(v_hat) + 1e-8)

    def losses(self) -> np.ndarray:
        """The full training loss of every run, (S, R); ``inf`` for a run that overflowed."""
        z = self.X1 @ self.theta
        z = z - z.max(axis=-1, keepdims=True)
        log_p = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
        loss = -log_p[..., np.arange(len(self.y)), self.y].mean(axis=-1)
        return np.where(np.isfinite(loss), loss, np.inf)


@dataclass
class BatchScan:
    """What :func:`scan_batch_sizes` measured.

    Attributes:
        batch_sizes, rates, seeds: the grid (batch sizes clipped to N).
        epochs: every run's budget: the same number of samples (``epochs * N``)
            whatever the batch size.
        optimizer: ``"SGD"`` or ``"Adam"``.
        n_samples: N, the size of the training set.
        final_loss: the full training loss after ``epochs`` epochs, shape
            (batch sizes, rates, seeds); ``inf`` for a run that overflowed.
    """

    batch_sizes: tuple[int, ...]
    rates: tuple[float, ...]
    seeds: tuple[int, ...]
    epochs: int
    optimizer: str
    n_samples: int
    final_loss: np.ndarray

    def _row(self, batch_size: int) -> int:
        batch_size = check_int("batch_size", batch_size, 1)
        if batch_size not in self.batch_sizes:
            raise ValueError(f"batch_size must be one of {self.batch_sizes}, got {batch_size}")
        return self.batch_sizes.index(batch_size)

    def median_loss(self, batch_size: int) -> np.ndarray:
        """The median over seeds of the final loss, one value per rate."""
        return np.median(self.final_loss[self._row(batch_size)], axis=-1)

    def best_rate(self, batch_size: int) -> float:
        """The rate of the grid with the lowest median (over seeds) final loss."""
        return self.rates[int(np.argmin(self.median_loss(batch_size)))]

    def seed_best_rates(self, batch_size: int) -> list[float]:
        """Each seed's own best rate of the grid."""
        losses = self.final_loss[self._row(batch_size)]
        return [self.rates[int(k)] for k in np.argmin(losses, axis=0)]

    def best_loss(self, batch_size: int) -> np.ndarray:
        """The final loss of every seed at :meth:`best_rate`."""
        k = self.rates.index(self.best_rate(batch_size))
        return self.final_loss[self._row(batch_size), k]

    def table(self) -> str:
        """One line per batch size: the best rate, each seed's own best rate (lowest
        and highest) and the final loss at the best rate (median, lowest-highest)."""
        lines = [f"{'B':>5}{'best rate':>11}{'each seed best':>20}{'loss at best rate':>23}"]
        for b in self.batch_sizes:
            seed_best, loss = self.seed_best_rates(b), self.best_loss(b)
            lines.append(
                f"{b:>5}{self.best_rate(b):>11.3g}"
                f"{f'{min(seed_best):.3g} - {max(seed_best):.3g}':>20}"
                f"{f'{np.median(loss):.3f} ({loss.min():.3f}-{loss.max():.3f})':>23}"
            )
        return "\n".join(lines)


def _check_grid(X: Any, y: Any, rates: Any, seeds: Any, n_classes: int) -> tuple:
    X, y = _check_data(X, y)
    rates = _check_values("rates", rates, check_positive)
    seeds = _check_values("seeds", seeds, check_seed)
    n_classes = check_int("n_classes", n_classes, 2)
    if y.max() >= n_classes:
        raise ValueError(f"n_classes must exceed the largest label {y.max()}, got {n_classes}")
    return X, y, rates, seeds, n_classes


def scan_batch_sizes(
    X: Any,
    y: Any,
    batch_sizes: Sequence[int],
    rates: Sequence[float],
    seeds: Sequence[int] = (0, 1, 2, 3, 4),
    epochs: int = 5,
    optimizer: str = "SGD",
    n_classes: int = 10,
) -> BatchScan:
    """Train softmax regression at every (batch size, rate, seed) of a grid, from zero weights.

    Every run sees the same number of samples, ``epochs * N`` (an equal-epochs
    comparison): a batch of B makes ``epochs * ceil(N / B)`` updates. The runs of one
    batch size train together as one array, so a grid of hundreds of runs takes
    seconds.

    Args:
        X, y: the training data (N rows, integer labels).
        batch_sizes: the batch sizes B (each clipped to N; distinct).
        rates: the learning rates (distinct, > 0).
        seeds: seeds of the shuffling (:func:`train_variant`'s); B = N does not
            depend on them.
        epochs: the budget of every run, >= 1.
        optimizer: ``"SGD"`` (``theta <- theta - lr * g``) or ``"Adam"`` (PyTorch's
            ``Adam`` with its defaults).
        n_classes: number of classes.

    Returns:
        A :class:`BatchScan`.

    Example:
        >>> X, y = digits_problem()
        >>> scan = scan_batch_sizes(X, y, [32, 1438], [0.1, 1.0], seeds=[0, 1], epochs=1)
        >>> scan.final_loss.shape, scan.best_rate(32), scan.best_rate(1438)
        ((2, 2, 2), 1.0, 1.0)
    """
    X, y, rates, seeds, n_classes = _check_grid(X, y, rates, seeds, n_classes)
    n = len(X)
    batch_sizes = _check_values("batch_sizes", batch_sizes, lambda name, b: check_int(name, b, 1))
    batch_sizes = tuple(min(b, n) for b in batch_sizes)
    if len(set(batch_sizes)) != len(batch_sizes):
        raise ValueError(f"batch_sizes must be distinct once clipped to N = {n}, got {batch_sizes}")
    epochs = check_int("epochs", epochs, 1)
    optimizer = check_choice("optimizer", optimizer, SCAN_OPTIMIZERS)

    final = np.empty((len(batch_sizes), len(rates), len(seeds)))
    for i, batch_size in enumerate(batch_sizes):
        # Full batches do not depend on the shuffle: one seed stands for all.
        run_seeds = seeds[:1] if batch_size == n else seeds
        runs = _Runs(X, y, batch_size, rates, run_seeds, optimizer, n_classes)
        with np.errstate(over="ignore", invalid="ignore"):
            for _ in range(epochs):
                for rows in runs.epoch():
                    runs.step(rows)
            final[i] = np.resize(runs.losses(), (len(seeds), len(rates))).T
    return BatchScan(batch_sizes, rates, seeds, epochs, optimizer, n, final)


def updates_to_loss(
    X: Any,
    y: Any,
    batch_size: int,
    rates: Sequence[float],
    target: float,
    seeds: Sequence[int] = (0, 1, 2, 3, 4),
    max_epochs: int = 100,
    optimizer: str = "SGD",
    n_classes: int = 10,
) -> np.ndarray:
    """The fewest updates any of ``rates`` needs to bring the full training loss to ``target``.

    The runs are those of :func:`scan_batch_sizes` (and of :func:`train_variant`),
    one per rate and seed, trained together. The full training loss is checked every
    ``ceil(ceil(N / B) / 8)`` updates (about eight times an epoch, every update once an
    epoch has eight or fewer), so a count is exact to that resolution. Training stops
    as soon as every seed has one rate at the target: the counts of slower rates are
    not needed for the fewest.

    Args:
        X, y, batch_size, rates, seeds, optimizer, n_classes: as in :func:`scan_batch_sizes`.
        target: the training loss to reach, > 0.
        max_epochs: give up after this many epochs.

    Returns:
        One update count per seed, ``nan`` where no rate reached ``target`` within
        ``max_epochs``.

    Example:
        >>> X, y = digits_problem()
        >>> updates_to_loss(X, y, len(X), [0.25], target=1.0, seeds=[0]).tolist()
        [7.0]
        >>> updates_to_loss(X, y, len(X), [0.25, 0.5], target=1.0, seeds=[0]).tolist()
        [4.0]
    """
    X, y, rates, seeds, n_classes = _check_grid(X, y, rates, seeds, n_classes)
    n = len(X)
    batch_size = min(check_int("batch_size", batch_size, 1), n)
    target = check_positive("target", target)
    max_epochs = check_int("max_epochs", max_epochs, 1)
    optimizer = check_choice("optimizer", optimizer, SCAN_OPTIMIZERS)
    run_seeds = seeds[:1] if batch_size == n else seeds  # full batches ignore the shuffle
    runs = _Runs(X, y, batch_size, rates, run_seeds, optimizer, n_classes)
    every = math.ceil(iterations_per_epoch(n, batch_size) / 8)
    fewest = np.full(len(run_seeds), np.nan)
    updates = 0
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(max_epochs):
            for rows in runs.epoch():
                runs.step(rows)
                updates += 1
                if updates % every == 0:
                    hit = (runs.losses() <= target).any(axis=1)
                    fewest[np.isnan(fewest) & hit] = updates
            if not np.isnan(fewest).any():
                break
    return np.resize(fewest, len(seeds))


# ----------------------------------------------------------------------------------
# Curvature: the sharpness of the softmax regression's loss
# ----------------------------------------------------------------------------------


def sharpness(W: Any, b: Any, X: Any, y: Any, tol: float = 1e-10, seed: int = 0) -> float:
    """``lambda_max``, the largest eigenvalue of the Hessian of :func:`softmax_loss` at (W, b).

    Computed by power iteration with Hessian-vector products
    (:func:`lrcourse.curvature.top_hessian_eigenvalue`), the loss written with
    PyTorch's ``cross_entropy`` in float64. Gradient descent on the full loss is
    stable near (W, b) only while ``lr < 2 / lambda_max``.

    Example:
        >>> X, y = digits_problem()
        >>> round(sharpness(np.zeros((64, 10)), np.zeros(10), X, y), 4)
        3.2453
    """
    X, y = _check_data(X, y)
    tol = check_positive("tol", tol)
    W_t = torch.tensor(np.asarray(W, dtype=np.float64), requires_grad=True)
    b_t = torch.tensor(np.asarray(b, dtype=np.float64), requires_grad=True)
    if b_t.ndim != 1 or b_t.shape[0] <= int(y.max()):
        raise ValueError(f"b must hold one bias per class (more than {int(y.max())}), "
                         f"got shape {tuple(b_t.shape)}")  # fmt: skip
    if W_t.shape != (X.shape[1], b_t.shape[0]):
        raise ValueError(f"W must have shape (features, classes) = ({X.shape[1]}, {b_t.shape[0]}) "
                         f"to match X and b, got {tuple(W_t.shape)}")  # fmt: skip
    X_t, y_t = torch.from_numpy(X), torch.from_numpy(y)

    def loss() -> torch.Tensor:
        return torch.nn.functional.cross_entropy(X_t @ W_t + b_t, y_t)

    return top_hessian_eigenvalue(loss, [W_t, b_t], iters=1000, tol=tol, seed=seed)


def sharpness_at_zero(X: Any, n_classes: int = 10) -> float:
    """``lambda_max`` at zero weights, in closed form: ``lambda_max(C) / K``.

    At W = 0, b = 0 every class has probability 1/K, and the Hessian of the
    cross-entropy is the Kronecker product ``A (x) C`` of ``A = (I - 1 1^T / K) / K``
    (the curvature of the softmax in the scores; its eigenvalues are 1/K and 0) and
    ``C = X1^T X1 / N``, the second-moment matrix of the rows with a 1 appended for
    the bias. The eigenvalues of a Kronecker product are the products of the
    factors' eigenvalues, so the largest is ``lambda_max(C) / K``. It does not depend
    on the labels.

    Example:
        >>> X, _ = digits_problem()
        >>> round(sharpness_at_zero(X), 4)
        3.2453
    """
    X, _ = _check_data(X, np.zeros(len(np.asarray(X)), dtype=np.int64))
    n_classes = check_int("n_classes", n_classes, 2)
    X1 = np.hstack([X, np.ones((len(X), 1))])
    return float(np.linalg.eigvalsh(X1.T @ X1 / len(X))[-1] / n_classes)


@dataclass
class SharpnessTrace:
    """A run of :func:`sharpness_trace`.

    Attributes:
        batch_size, lr, warmup_steps: the run's settings.
        rates: the rate of every update (``rates[t]`` moved the weights from step t
            to step t + 1).
        loss: the full training loss at steps 0, 1, ..., len(rates).
        steps: the steps at which the sharpness was measured.
        sharpness: ``lambda_max`` at each of ``steps``.
    """

    batch_size: int
    lr: float
    warmup_steps: int
    rates: list[float] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    steps: list[int] = field(default_factory=list)
    sharpness: list[float] = field(default_factory=list)

    @property
    def edge(self) -> list[float]:
        """``2 / lambda_max`` at each of ``steps``: the largest stable rate there."""
        return [2.0 / s for s in self.sharpness]


def sharpness_trace(
    X: Any,
    y: Any,
    batch_size: int,
    lr: float,
    steps: int,
    seed: int = 0,
    warmup_steps: int = 0,
    measure_at: Sequence[int] | None = None,
) -> SharpnessTrace:
    """Train softmax regression from zero and measure ``lambda_max`` along the way.

    The batches are :func:`train_variant`'s (same seed, same shuffles). The rate of
    update t is Goyal et al.'s gradual warmup, ``lr * t / W`` while ``t < W``, then
    ``lr`` (``warmup_steps = 0``: ``lr`` from the start). The full training loss is
    recorded at every step, the sharpness (:func:`sharpness`) at ``measure_at``.

    Args:
        X, y: the training data.
        batch_size: B.
        lr: the rate after the warmup, > 0.
        steps: number of updates, >= 0.
        seed: seed of the shuffling.
        warmup_steps: W >= 0.
        measure_at: the steps (0 ... ``steps``) at which to measure the sharpness;
            all of them when None, none when empty.

    Example:
        >>> X, y = digits_problem()
        >>> trace = sharpness_trace(X, y, 1438, 0.1, steps=2, measure_at=[0])
        >>> [round(v, 4) for v in trace.loss], [round(e, 4) for e in trace.edge]
        ([2.3026, 2.1645, 2.0372], [0.6163])
    """
    X, y = _check_data(X, y)
    n = len(X)
    batch_size = min(check_int("batch_size", batch_size, 1), n)
    lr = check_positive("lr", lr)
    steps = check_int("steps", steps, 0)
    seed = check_int("seed", seed, 0)
    warmup_steps = check_int("warmup_steps", warmup_steps, 0)
    at = list(range(steps + 1)) if measure_at is None else list(measure_at)
    at = {check_int(f"measure_at[{k}]", t, 0, steps) for k, t in enumerate(at)}

    trace = SharpnessTrace(batch_size, lr, warmup_steps)
    W, b = np.zeros((X.shape[1], int(y.max()) + 1)), np.zeros(int(y.max()) + 1)
    if W.shape[1] < 2:
        raise ValueError(f"y must hold at least two classes, got labels up to {y.max()}")
    rng = np.random.default_rng(seed)
    batches: list[np.ndarray] = []
    for t in range(steps + 1):
        trace.loss.append(softmax_loss(W, b, X, y))
        if t in at:
            trace.steps.append(t)
            trace.sharpness.append(sharpness(W, b, X, y, tol=1e-8))
        if t == steps:
            break
        if not batches:
            batches = batch_indices(rng.permutation(n), batch_size)[::-1]
        batch = batches.pop()
        rate = lr * t / warmup_steps if t < warmup_steps else lr
        trace.rates.append(rate)
        _, dW, db = _loss_and_grad(W, b, X[batch], y[batch])
        W, b = W - rate * dW, b - rate * db
    return trace
