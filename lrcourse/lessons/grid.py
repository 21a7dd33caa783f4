"""Reading a sweep's table: steps to target, best rates, fastest and slowest per rate, a line fit.

A sweep (``lrcourse.sweep.train_many``) trains one model with many optimizers
and learning rates and records, for every run, whether it reached the target
accuracy and in how many steps. Plotted against the learning rate, the steps of
one optimizer form a *valley*: too small a rate never gets there within the
step cap, too large a rate diverges, and in between lies a band of rates that
train, fastest somewhere near its middle.

The functions here turn the table into those views; they use only the
``Run`` rows, so they work on any ``SweepResult`` (also a hand-made one).

Example:
    >>> from lrcourse.sweep import Member, Run, SweepResult
    >>> def run(opt, lr, status, steps):
    ...     return Run(opt, lr, status, steps if status == "reached" else None, steps,
    ...                0.0, 0.1, 0.9, None, Member(opt, lr))
    >>> result = SweepResult([run("SGD", 0.1, "reached", 300), run("SGD", 1.0, "diverged", 5),
    ...                       run("Adam", 0.1, "capped", 1000), run("Adam", 1.0, "diverged", 3)],
    ...                      0.0, 1308, 0.97, 1000)
    >>> best_rate(result, "SGD")
    0.1
    >>> steps_to_target(result, "SGD")
    ([0.1, 1.0], [300, None], ['reached', 'diverged'])
    >>> [(e.lr, e.fastest, e.slowest) for e in fastest_slowest(result)]
    [(0.1, 'SGD', 'Adam'), (1.0, None, 'SGD')]
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from lrcourse._checks import check_positive, shown
from lrcourse.sweep import Run, SweepResult

__all__ = [
    "LinearFit",
    "RateExtremes",
    "best_rate",
    "best_runs",
    "fastest_slowest",
    "largest_drop",
    "linear_fit",
    "optimizers_of",
    "rates_of",
    "spread",
    "steps_matrix",
    "steps_to_target",
    "successful_band",
    "describe_run",
    "find_run",
]


def _check_result(result: object) -> None:
    if not isinstance(result, SweepResult):
        raise ValueError(f"result must be a SweepResult, got {type(result).__name__}")


def _check_optimizer(result: SweepResult, optimizer: object) -> None:
    names = optimizers_of(result)
    if optimizer not in names:
        raise ValueError(f"optimizer must be one of the sweep's {names}, got {optimizer!r}")


def optimizers_of(result: SweepResult) -> list[str]:
    """The optimizer families in the sweep, in order of first appearance."""
    _check_result(result)
    return list(dict.fromkeys(r.optimizer for r in result.rows))


def rates_of(result: SweepResult) -> list[float]:
    """The distinct learning rates of the sweep, sorted ascending."""
    _check_result(result)
    return sorted({r.lr for r in result.rows})


def steps_to_target(
    result: SweepResult, optimizer: str
) -> tuple[list[float], list[int | None], list[str]]:
    """One optimizer's steps to the target against the learning rate: the curve of its valley.

    Returns its rates (ascending), the steps each needed to reach the target
    (None where it did not: capped or diverged) and each run's status.
    ``lrcourse.plots.grid.valley_plot`` draws it; the module docstring has an example.
    """
    _check_result(result)
    _check_optimizer(result, optimizer)
    rows = sorted(result.select(optimizer), key=lambda r: r.lr)
    return [r.lr for r in rows], [r.steps for r in rows], [r.status for r in rows]


def steps_matrix(
    result: SweepResult, optimizers: Sequence[str] | None = None
) -> tuple[list[str], list[float], np.ndarray]:
    """Steps to target as an (optimizers x rates) array, NaN where a run did not reach it.

    Returns ``(optimizers, rates, steps)``; a (optimizer, rate) pair absent from
    the sweep is NaN as well.
    """
    _check_result(result)
    optimizers = optimizers_of(result) if optimizers is None else list(optimizers)
    for name in optimizers:
        _check_optimizer(result, name)
    rates = rates_of(result)
    col = {lr: j for j, lr in enumerate(rates)}
    row = {name: i for i, name in enumerate(optimizers)}
    steps = np.full((len(optimizers), len(rates)), np.nan)
    for r in result.rows:
        if r.optimizer in row and r.status == "reached":
            steps[row[r.optimizer], col[r.lr]] = r.steps
    return optimizers, rates, steps


def best_runs(result: SweepResult) -> dict[str, Run | None]:
    """Each optimizer's fastest run to the target (ties: lower final loss); None if none reached."""
    _check_result(result)
    best: dict[str, Run | None] = {}
    for name in optimizers_of(result):
        reached = result.select(name, "reached")
        best[name] = min(reached, key=lambda r: (r.steps, r.final_loss)) if reached else None
    return best


def best_rate(result: SweepResult, optimizer: str) -> float | None:
    """The learning rate with which ``optimizer`` reached the target in the fewest steps.

    Only runs that reached the target count: a diverged run stops early, but it
    did not train. None if no run of ``optimizer`` reached the target.
    """
    _check_result(result)
    _check_optimizer(result, optimizer)
    run = best_runs(result)[optimizer]
    return None if run is None else run.lr


def successful_band(result: SweepResult, optimizer: str) -> tuple[float, float] | None:
    """The smallest and largest rate with which ``optimizer`` reached the target (None if none).

    The band may have holes: a rate inside it can still fail.
    """
    lrs, steps, _ = steps_to_target(result, optimizer)
    ok = [lr for lr, s in zip(lrs, steps, strict=True) if s is not None]
    return (ok[0], ok[-1]) if ok else None


def spread(result: SweepResult, optimizer: str | None = None) -> float | None:
    """Slowest over fastest steps among the runs that reached the target (None if none did).

    With ``optimizer`` only its runs count: how much the rate alone changes the
    training time, within the band of rates that train at all.
    """
    _check_result(result)
    if optimizer is not None:
        _check_optimizer(result, optimizer)
    steps = [r.steps for r in result.select(optimizer, "reached")]
    return max(steps) / min(steps) if steps else None


@dataclass(frozen=True)
class RateExtremes:
    """The fastest and the slowest optimizer at one learning rate.

    ``fastest`` is None when no optimizer reached the target at this rate;
    ``slowest`` is an optimizer that failed (``slowest_steps`` None,
    ``slowest_status`` "capped" or "diverged") whenever any failed, since a
    failure takes longer than any success.
    """

    lr: float
    fastest: str | None
    fastest_steps: int | None
    slowest: str
    slowest_steps: int | None
    slowest_status: str
    n_reached: int
    n_runs: int


def fastest_slowest(
    result: SweepResult, optimizers: Sequence[str] | None = None
) -> list[RateExtremes]:
    """For every rate of the sweep, the fastest and slowest optimizer (see ``RateExtremes``).

    Among failures, a capped run counts as slower than a diverged one (it spent
    the whole budget); among equals, the optimizer listed first wins.
    """
    names, rates, _ = steps_matrix(result, optimizers)
    order = {name: i for i, name in enumerate(names)}
    out = []
    for lr in rates:
        runs = sorted((r for r in result.rows if r.lr == lr and r.optimizer in order),
                      key=lambda r: order[r.optimizer])
        reached = [r for r in runs if r.status == "reached"]
        fast = min(reached, key=lambda r: r.steps) if reached else None

        def slowness(r: Run) -> tuple[int, int]:
            rank = {"reached": 0, "diverged": 1, "capped": 2}[r.status]
            return rank, r.steps if r.steps is not None else 0

        slow = max(runs, key=slowness)  # max keeps the first of equal ones
        out.append(RateExtremes(
            lr=lr, fastest=None if fast is None else fast.optimizer,
            fastest_steps=None if fast is None else fast.steps, slowest=slow.optimizer,
            slowest_steps=slow.steps, slowest_status=slow.status,
            n_reached=len(reached), n_runs=len(runs),
        ))
    return out


def largest_drop(values: Sequence[float]) -> float:
    """The largest fall of a curve below its best value so far: ``max_t (max_{s<=t} v_s - v_t)``.

    A measure of how stable a training curve is (0 for a curve that never
    goes down).

    Example:
        >>> largest_drop([0.1, 0.8, 0.6, 0.9, 0.85])
        0.2
    """
    v = np.asarray(values, dtype=float)
    if v.ndim != 1 or len(v) == 0 or not np.isfinite(v).all():
        raise ValueError(f"values must be a non-empty 1-D list of finite numbers, got {values!r}")
    return round(float((np.maximum.accumulate(v) - v).max()), 12)


@dataclass(frozen=True)
class LinearFit:
    """The least-squares line ``y = c + k x`` and its coefficient of determination.

    ``r2 = 1 - sum (y - c - k x)^2 / sum (y - mean y)^2``.
    """

    c: float
    k: float
    r2: float

    def __call__(self, x: float | np.ndarray) -> float | np.ndarray:
        return self.c + self.k * np.asarray(x, dtype=float)


def linear_fit(x: Sequence[float], y: Sequence[float]) -> LinearFit:
    """Fit ``y = c + k x`` by least squares.

    ``k = sum (x - mean x)(y - mean y) / sum (x - mean x)^2``, ``c = mean y - k mean x``.

    Example:
        >>> fit = linear_fit([0, 1, 2], [1, 3, 5])
        >>> round(fit.c, 6), round(fit.k, 6), round(fit.r2, 6)
        (1.0, 2.0, 1.0)
    """
    xs, ys = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    if xs.ndim != 1 or ys.shape != xs.shape or len(xs) < 2:
        raise ValueError(f"x and y must be 1-D of equal length >= 2, got shapes "
                         f"{xs.shape} and {ys.shape}")
    if not (np.isfinite(xs).all() and np.isfinite(ys).all()):
        raise ValueError("x and y must be finite numbers, got NaN or infinity")
    dx = xs - xs.mean()
    if not np.any(dx != 0):
        raise ValueError(f"x must hold at least two different values, got {xs.tolist()!r}")
    k = float((dx * (ys - ys.mean())).sum() / (dx * dx).sum())
    c = float(ys.mean() - k * xs.mean())
    total = float(((ys - ys.mean()) ** 2).sum())
    resid = float(((ys - c - k * xs) ** 2).sum())
    r2 = 1.0 - resid / total if total > 0 else (1.0 if math.isclose(resid, 0.0) else 0.0)
    return LinearFit(c=c, k=k, r2=r2)


def find_run(result: SweepResult, optimizer: str, lr: float) -> Run:
    """The run of ``optimizer`` whose rate is closest to ``lr`` (on a log scale)."""
    if not isinstance(result, SweepResult):
        raise ValueError(f"result must be a SweepResult, got {type(result).__name__}")
    rows = result.select(optimizer) if isinstance(optimizer, str) else []
    if not rows:
        raise ValueError(f"optimizer must be one of {optimizers_of(result)}, got {shown(optimizer)}")
    lr = check_positive("lr", lr)
    return min(rows, key=lambda r: abs(math.log(r.lr) - math.log(lr)))


def describe_run(run: Run, target: float | None) -> str:
    """One sentence on how a run ended."""
    goal = f"{target:.0%}" if target else "the target"
    if run.status == "reached":
        how = f"reached {goal} training accuracy in {run.steps} steps"
    elif run.status == "diverged":
        how = f"diverged at step {run.stopped_at}"
    else:
        how = f"stopped at the cap of {run.stopped_at} steps short of {goal}"
    acc = f"final training accuracy {run.train_accuracy:.3f}"
    if run.val_accuracy is not None:
        acc += f", validation {run.val_accuracy:.3f}"
    return f"{run.optimizer} with lr {run.lr:.3g}: {how} ({acc})."
