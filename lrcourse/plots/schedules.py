"""Figures of a learning-rate schedule: the rate at every epoch or step."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from matplotlib.axes import Axes

from lrcourse.plots._base import lr_axis, new_axes

__all__ = ["plot_rates"]


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
