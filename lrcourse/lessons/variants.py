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

Example:
    >>> X, y = digits_problem()
    >>> X.shape, y.shape
    ((1438, 64), (1438,))
    >>> run = train_variant(X, y, batch_size=32, lr=0.1, epochs=1)
    >>> run.name, run.updates_per_epoch, run.iterations[-1], run.samples[-1]
    ('mini-batch', 45, 45, 1438)
"""

from __future__ import annotations

import numbers
import time
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lrcourse._checks import check_bool, check_choice, check_finite, check_int, check_positive
from lrcourse.data import iterations_per_epoch, load_digits

__all__ = [
    "VariantRun",
    "accuracy",
    "batch_indices",
    "digits_problem",
    "format_runs",
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
