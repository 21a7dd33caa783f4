"""Figures of the schedule and warmup lessons.

Every function draws on the axes it is given (or new pyplot axes when ``ax`` is
None) and returns them, so the schedule designer widget draws the same pictures on
a ``matplotlib.figure.Figure``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from lrcourse.lessons.decay import SaddleRun, ToyRun, designer_rates
from lrcourse.plots._base import new_axes
from lrcourse.plots.schedules import plot_rates

__all__ = [
    "plot_toy_losses",
    "plot_saddle",
    "draw_design",
    "schedule_figure",
]




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




def draw_design(ax: Axes, schedule: str, **settings: Any) -> list[float]:
    """Draw the designer's curve on ``ax`` and return its rates."""
    rates = designer_rates(schedule, **settings)
    warmup = settings.get("warmup", 0)
    label = schedule + (f" with {warmup} warmup epochs" if warmup else "")
    plot_rates({label: rates}, ax, title=f"Schedule designer: {schedule}")
    return rates



def schedule_figure(
    schedule: str,
    lr: float,
    gamma: float,
    step_size: int,
    milestones: str,
    decay_rate: float,
    warmup: int,
    epochs: int,
) -> tuple[Figure, str]:
    """The designer's update function: the curve and a line with a few of its rates.

    Bad settings (say milestones typed as ``"50, 40"``) give an empty figure and the
    error message as text, so the widget never raises.

    Example::

        >>> _, text = schedule_figure("step", 0.1, 0.5, 50, "", 0.0, 0, 200)
        >>> text
        'step: rate at epoch 0 = 0.1, 50 = 0.05, 100 = 0.025, 150 = 0.0125, last (199) = 0.0125'
    """
    fig = Figure(figsize=(7.0, 3.6))
    ax = fig.subplots()
    settings = {"lr": lr, "gamma": gamma, "step_size": step_size, "milestones": milestones,
                "decay_rate": decay_rate, "warmup": warmup, "epochs": epochs}
    try:
        rates = draw_design(ax, schedule, **settings)
    except ValueError as error:
        ax.set_title("Schedule designer: fix the settings")
        return fig, f"⚠ {error}"
    fig.tight_layout()
    marks = [t for t in range(0, epochs, max(1, epochs // 4))][:4]
    shown = ", ".join(f"{t} = {rates[t]:.4g}" for t in marks)
    text = f"{schedule}: rate at epoch {shown}, last ({epochs - 1}) = {rates[-1]:.4g}"
    return fig, text
