"""Figures of the schedule and warmup lessons.

Every function draws on the axes it is given (or new pyplot axes when ``ax`` is
None) and returns them, so the schedule designer widget draws the same pictures on
a ``matplotlib.figure.Figure``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from matplotlib.axes import Axes

from lrcourse.annealing import SaddleRun, ToyRun
from lrcourse.plots._base import lr_axis, new_axes
from lrcourse.train import History

__all__ = ["plot_rates", "plot_toy_losses", "plot_saddle", "plot_histories"]


def plot_rates(
    curves: Mapping[str, Sequence[float]],
    ax: Axes | None = None,
    title: str = "Learning-rate schedules",
    xlabel: str = "epoch",
    log: bool = True,
) -> Axes:
    """One line per schedule: the rate at each epoch (or step), on a log axis by default.

    A rate of exactly 0 cannot be drawn on a log axis; those points are left out.
    """
    ax = new_axes(ax)
    for label, rates in curves.items():
        points = [(t, r) for t, r in enumerate(rates) if not (log and r <= 0)]
        if points:
            ax.step(*zip(*points, strict=True), where="post", lw=1.6, label=label)
    if log:
        lr_axis(ax, "y")
    else:
        ax.set_ylabel("learning rate")
    ax.set_xlabel(xlabel)
    ax.set_title(title)
    ax.legend(fontsize="small")
    return ax


def plot_toy_losses(
    runs: Mapping[str, ToyRun],
    ax: Axes | None = None,
    title: str = "Toy problem: distance to the best weight",
    floor: float = 1e-30,
) -> Axes:
    """The clean loss (w x)^2 / 2 of each toy run against the iteration, on a log axis.

    Values below ``floor`` are drawn at ``floor`` so a run that reached 1e-90 does not
    squash the others.
    """
    ax = new_axes(ax)
    for label, run in runs.items():
        ax.plot([max(v, floor) for v in run.loss], lw=1.0, label=label)
    ax.set_yscale("log")
    ax.set_xlabel("iteration (10 per epoch)")
    ax.set_ylabel("loss (w·x)²/2 (log scale)")
    ax.set_title(title)
    ax.legend(fontsize="small")
    return ax


def plot_saddle(runs: Mapping[str, SaddleRun], ax: Axes | None = None,
                threshold: float = 0.5) -> Axes:
    """|y| of each saddle run against the step, log axis: escaping means reaching ``threshold``."""
    ax = new_axes(ax)
    for label, run in runs.items():
        ax.plot([abs(v) for v in run.y], lw=1.5, label=label)
    ax.axhline(threshold, color="0.4", ls="--", lw=1, label=f"escaped: |y| = {threshold:g}")
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("|y|, distance from the saddle along y")
    ax.set_title("Leaving a saddle point needs enough total learning rate")
    ax.legend(fontsize="small")
    return ax


def plot_histories(
    histories: Mapping[str, History],
    axes: Sequence[Axes] | None = None,
    title: str = "",
) -> Sequence[Axes]:
    """Three panels per set of runs: rate per step, training loss per step, validation accuracy.

    ``axes`` is three axes (new ones in a row when None). A run that diverged ends
    where its loss became infinite or NaN; non-finite losses are not drawn.
    """
    if axes is None:
        import matplotlib.pyplot as plt

        _, axes = plt.subplots(1, 3, figsize=(13, 3.6))
    if len(axes) != 3:
        raise ValueError(f"axes must hold 3 axes, got {len(axes)}")
    ax_lr, ax_loss, ax_acc = axes
    for label, history in histories.items():
        line = ax_lr.plot([r if r > 0 else math.nan for r in history.lr], lw=1.5, label=label)
        color = line[0].get_color()
        ax_loss.plot([v if math.isfinite(v) else math.nan for v in history.loss], lw=0.8,
                     color=color, label=label)
        ax_acc.plot(history.val_step, history.val_accuracy, "-o", ms=3, color=color, label=label)
    lr_axis(ax_lr, "y")
    ax_lr.set_xlabel("step (batch)")
    ax_lr.set_title("learning rate")
    ax_loss.set_yscale("log")
    ax_loss.set_xlabel("step (batch)")
    ax_loss.set_ylabel("training loss (cross-entropy)")
    ax_loss.set_title("training loss per batch")
    ax_acc.set_xlabel("step (batch)")
    ax_acc.set_ylabel("validation accuracy")
    ax_acc.set_ylim(0, 1)
    ax_acc.set_title("validation accuracy")
    for ax in axes:
        ax.legend(fontsize="small")
    if title:
        ax_lr.figure.suptitle(title)
    return axes
