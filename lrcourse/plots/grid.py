"""Figures of the optimizer x learning-rate study (notebook 11).

Every function draws on ``ax`` (a new pyplot figure when None) and returns it.
Steps to the target accuracy go up the y axis, learning rates along a log x
axis; a run that failed is drawn at the step cap, with a marker for how it
failed ("x" hit the cap, "v" diverged).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from lrcourse.lessons.grid import (
    LinearFit,
    describe_run,
    fastest_slowest,
    find_run,
    optimizers_of,
    steps_to_target,
)
from lrcourse.plots._base import lr_axis, new_axes
from lrcourse.sweep import PBTResult, Run, SweepResult

__all__ = [
    "curves_plot",
    "fastest_slowest_plot",
    "pbt_rates_plot",
    "size_plot",
    "valley_plot",
    "sweep_view",
]

_FAIL_MARKERS = {"capped": "x", "diverged": "v"}


def _failure_legend(ax: Axes) -> None:
    seen: dict[str, object] = {}
    for handle, label in zip(*ax.get_legend_handles_labels(), strict=True):
        seen.setdefault(label, handle)  # one entry per label (the cap line may repeat)
    handles, labels = list(seen.values()), list(seen)
    for status, marker in _FAIL_MARKERS.items():
        handles.append(Line2D([], [], color="grey", marker=marker, linestyle="none"))
        labels.append("hit the cap" if status == "capped" else "diverged")
    ax.legend(handles, labels, fontsize="small", ncol=2)


def valley_plot(
    result: SweepResult,
    optimizers: Sequence[str] | None = None,
    *,
    ax: Axes | None = None,
    labels: Mapping[str, str] | None = None,
    colors: Mapping[str, str] | None = None,
    mark_lr: float | None = None,
    legend: bool = True,
) -> Axes:
    """Steps to target vs learning rate, one line per optimizer, plus the step cap.

    Lines drawn: one per optimizer (its successful runs) and one dashed line at
    the cap; failures are scatter markers at the cap. ``labels`` and ``colors``
    override an optimizer's legend text and colour; ``mark_lr`` adds one more
    line, vertical, at that rate.
    """
    ax = new_axes(ax)
    names = optimizers_of(result) if optimizers is None else list(optimizers)
    labels, colors = dict(labels or {}), dict(colors or {})
    cap = result.max_steps
    for name in names:
        lrs, steps, statuses = steps_to_target(result, name)
        y = np.array([np.nan if s is None else s for s in steps], dtype=float)
        (line,) = ax.plot(lrs, y, marker="o", markersize=3, label=labels.get(name, name),
                          color=colors.get(name))
        for status, marker in _FAIL_MARKERS.items():
            x = [lr for lr, s in zip(lrs, statuses, strict=True) if s == status]
            if x:
                ax.scatter(x, [cap] * len(x), marker=marker, s=14, color=line.get_color(),
                           alpha=0.6)
    ax.axhline(cap, color="grey", linestyle="--", linewidth=0.8, label=f"step cap ({cap})")
    if mark_lr is not None:
        ax.axvline(mark_lr, color="black", linewidth=0.8, alpha=0.5)
    lr_axis(ax)
    ax.set_ylabel("steps to target")
    target = result.target_accuracy
    ax.set_title("Steps to reach " + (f"{target:.0%}" if target else "the target")
                 + " training accuracy")
    if legend:
        _failure_legend(ax)
    return ax


def fastest_slowest_plot(
    result: SweepResult, optimizers: Sequence[str] | None = None, *, ax: Axes | None = None
) -> Axes:
    """At every rate, the steps of the fastest and of the slowest optimizer.

    Three lines: fastest, slowest (a failure drawn at the cap) and the cap.
    The fastest points are coloured by optimizer (one scatter per optimizer).
    """
    ax = new_axes(ax)
    cap = result.max_steps
    rows = fastest_slowest(result, optimizers)
    lrs = [e.lr for e in rows]
    fast = [np.nan if e.fastest_steps is None else e.fastest_steps for e in rows]
    slow = [cap if e.slowest_steps is None else e.slowest_steps for e in rows]
    ax.plot(lrs, fast, color="black", linewidth=0.8, label="fastest optimizer")
    ax.plot(lrs, slow, marker="s", markersize=3, label="slowest optimizer (failed = cap)")
    ax.axhline(cap, color="grey", linestyle="--", linewidth=0.8, label=f"step cap ({cap})")
    for name in dict.fromkeys(e.fastest for e in rows if e.fastest is not None):
        points = [(e.lr, e.fastest_steps) for e in rows if e.fastest == name]
        ax.scatter(*zip(*points, strict=True), s=28, zorder=3, label=f"fastest: {name}")
    lr_axis(ax)
    ax.set_ylabel("steps to target")
    ax.set_title("Fastest and slowest optimizer at each rate")
    ax.legend(fontsize="x-small", ncol=2)
    return ax


def curves_plot(
    runs: Sequence[Run],
    metric: str = "val_accuracy",
    *,
    ax: Axes | None = None,
    labels: Sequence[str] | None = None,
) -> Axes:
    """One recorded curve per run (``run.curves``): ``metric`` against the step.

    ``metric`` is "val_accuracy", "train_accuracy" or "loss". Runs without
    recorded curves are skipped (no line).
    """
    if metric not in ("val_accuracy", "train_accuracy", "loss"):
        raise ValueError(f"metric must be 'val_accuracy', 'train_accuracy' or 'loss', "
                         f"got {metric!r}")
    ax = new_axes(ax)
    labels = list(labels) if labels is not None else [f"{r.optimizer}, lr {r.lr:.3g}"
                                                      for r in runs]
    for run, label in zip(runs, labels, strict=True):
        c = run.curves
        values = getattr(c, metric) if c is not None else []
        if values:
            ax.plot(c.step[: len(values)], values, label=label)
    ax.set_xlabel("training step")
    ax.set_ylabel(metric.replace("_", " "))
    ax.set_title(f"{metric.replace('_', ' ').capitalize()} during training")
    if ax.lines:
        ax.legend(fontsize="small")
    return ax


def size_plot(
    n_weights: Sequence[int],
    values: Mapping[str, Sequence[float]],
    *,
    fit: LinearFit | None = None,
    ax: Axes | None = None,
    ylabel: str = "steps to target",
    title: str = "Training cost vs model size",
) -> Axes:
    """One line per entry of ``values`` (label -> one value per model size), plus the fit.

    NaN values (a run that failed) leave a gap. Lines: ``len(values)`` and one
    more, dashed, for ``fit`` (``c + k n``) when given.
    """
    ax = new_axes(ax)
    n = np.asarray(n_weights, dtype=float)
    for label, ys in values.items():
        ax.plot(n, np.asarray(ys, dtype=float), marker="o", markersize=3, label=label)
    if fit is not None:
        ax.plot(n, fit(n), color="black", linestyle="--", linewidth=1,
                label=f"fit c + k n (R² {fit.r2:.3f})")
    ax.set_xlabel("number of weights n")
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize="small")
    return ax


def pbt_rates_plot(result: PBTResult, *, ax: Axes | None = None) -> Axes:
    """Each PBT slot's learning rate at each ready step (log y): one line per slot."""
    ax = new_axes(ax)
    for slot, rates in enumerate(result.lr_history):
        name = result.members[slot].optimizer
        ax.plot(result.ready_steps, rates, marker=".", label=f"slot {slot} ({name})")
    lr_axis(ax, "y")
    ax.set_xlabel("training step")
    ax.set_title("Population-based training: each slot's rate")
    if len(result.lr_history) <= 12:
        ax.legend(fontsize="x-small", ncol=2)
    return ax


def sweep_view(result: SweepResult, optimizer: str, lr: float) -> tuple[Figure, str]:
    """The widget's update: the optimizer's valley with ``lr`` marked, and that run's curves.

    Left: steps to target vs rate (``valley_plot``). Right: the run's recorded
    training and validation accuracy (and its final point, which a diverged run
    reaches between two recordings).
    """
    run = find_run(result, optimizer, lr)
    fig = Figure(figsize=(9.6, 3.4))
    left, right = fig.subplots(1, 2)
    valley_plot(result, [optimizer], ax=left, mark_lr=run.lr)
    c = run.curves
    steps = list(c.step) if c is not None else []
    train = list(c.train_accuracy) if c is not None else []
    val = list(c.val_accuracy) if c is not None else []
    if not steps or steps[-1] != run.stopped_at:
        steps.append(run.stopped_at)
        train.append(run.train_accuracy)
        if run.val_accuracy is not None and val:
            val.append(run.val_accuracy)
    right.plot(steps, train, marker=".", label="training accuracy")
    if val:
        right.plot(steps[: len(val)], val, marker=".", label="validation accuracy")
    if result.target_accuracy:
        right.axhline(result.target_accuracy, color="grey", linestyle="--", linewidth=0.8,
                      label=f"target {result.target_accuracy:.0%}")
    right.set_ylim(0, 1.02)
    right.set_xlabel("training step")
    right.set_ylabel("accuracy")
    right.set_title(f"{run.optimizer}, lr {run.lr:.3g}")
    right.legend(fontsize="small")
    fig.tight_layout()
    return fig, describe_run(run, result.target_accuracy)
