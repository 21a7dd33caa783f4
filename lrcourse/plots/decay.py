"""Figures of the schedule and warmup lessons.

Every function draws on the axes it is given (or new pyplot axes when ``ax`` is
None) and returns them, so the schedule designer widget draws the same pictures on
a ``matplotlib.figure.Figure``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from lrcourse.lessons.decay import SaddleRun, ToyRun, designer_rates
from lrcourse.plots._base import lr_axis, new_axes
from lrcourse.plots.schedules import plot_rates
from lrcourse.train import History

__all__ = [
    "plot_toy_losses",
    "plot_saddle",
    "plot_toy_plateau",
    "plot_seed_comparison",
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




def plot_toy_plateau(runs: Mapping[str, ToyRun], axes: Sequence[Axes] | None = None) -> Sequence[Axes]:
    """Two panels for toy runs: each epoch's mean loss (what ``ReduceLROnPlateau`` reads)
    and each epoch's rate, both on log axes, against the epoch."""
    if axes is None:
        import matplotlib.pyplot as plt

        _, axes = plt.subplots(1, 2, figsize=(12, 3.6))
    if len(axes) != 2:
        raise ValueError(f"axes must hold 2 axes, got {len(axes)}")
    ax_loss, ax_lr = axes
    for label, run in runs.items():
        line = ax_loss.plot(run.epoch_loss, lw=1.0, label=label)
        ax_lr.step(range(len(run.lr)), run.lr, where="post", lw=1.5,
                   color=line[0].get_color(), label=label)
    ax_loss.set_yscale("log")
    ax_loss.set_xlabel("epoch")
    ax_loss.set_ylabel("mean loss of the epoch (log scale)")
    ax_loss.set_title("The loss the scheduler watches")
    lr_axis(ax_lr, "y")
    ax_lr.set_xlabel("epoch")
    ax_lr.set_title("The rate it sets")
    for ax in axes:
        ax.legend(fontsize="small")
    return axes


def plot_seed_comparison(
    runs: Mapping[tuple[str, int], History],
    schedules: Sequence[str],
    seeds: Sequence[int],
    axes: Sequence[Axes] | None = None,
) -> Sequence[Axes]:
    """Last-epoch training loss (log axis) and validation accuracy of each schedule, one
    marker per seed, a faint line joining the runs of one seed across schedules."""
    if axes is None:
        import matplotlib.pyplot as plt

        _, axes = plt.subplots(1, 2, figsize=(12, 3.8))
    if len(axes) != 2:
        raise ValueError(f"axes must hold 2 axes, got {len(axes)}")
    x = range(len(schedules))
    for i, seed in enumerate(seeds):
        loss = [runs[name, seed].train_loss[-1] for name in schedules]
        accuracy = [100 * runs[name, seed].val_accuracy[-1] for name in schedules]
        style = dict(marker="os^Dv<>"[i % 7], color=f"C{i}", label=f"seed {seed}")
        axes[0].plot(x, loss, lw=0.6, alpha=0.6, **style)
        axes[1].plot(x, accuracy, lw=0.6, alpha=0.6, **style)
    axes[0].set_yscale("log")
    axes[0].set_ylabel("training loss, last epoch (log scale)")
    axes[0].set_title("Training loss after the same number of epochs")
    axes[1].set_ylabel("validation accuracy, last epoch (%)")
    axes[1].set_title("Validation accuracy")
    for ax in axes:
        ax.set_xticks(list(x), list(schedules), fontsize="small")
        ax.set_xlabel("schedule")
        ax.legend(fontsize="x-small")
    return axes


def draw_design(ax: Axes, schedule: str, **settings: Any) -> list[float]:
    """Draw the designer's curve on ``ax`` and return its rates."""
    rates = designer_rates(schedule, **settings)
    warmup = settings.get("warmup", 0)
    label = schedule + (f" with {warmup} warmup epochs" if warmup else "")
    if schedule == "plateau":
        label += " (on the noisy toy problem)"
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
    T_0: int = 50,
    T_mult: int = 1,
    pct_start: float = 0.3,
    factor: float = 0.1,
    patience: int = 10,
    threshold: float = 1e-4,
    cooldown: int = 0,
) -> tuple[Figure, str]:
    """The designer's update function: the curve and a line with a few of its rates.

    Bad settings (say milestones typed as ``"50, 40"``) give an empty figure and the
    error message as text, so the widget never raises. For ``plateau`` the line also
    lists the epochs at which the rate was cut.

    Example::

        >>> _, text = schedule_figure("step", 0.1, 0.5, 50, "", 0.0, 0, 200)
        >>> text
        'step: rate at epoch 0 = 0.1, 50 = 0.05, 100 = 0.025, 150 = 0.0125, last (199) = 0.0125'
    """
    fig = Figure(figsize=(7.0, 3.6))
    ax = fig.subplots()
    settings = {"lr": lr, "gamma": gamma, "step_size": step_size, "milestones": milestones,
                "decay_rate": decay_rate, "warmup": warmup, "epochs": epochs, "T_0": T_0,
                "T_mult": T_mult, "pct_start": pct_start, "factor": factor,
                "patience": patience, "threshold": threshold, "cooldown": cooldown}
    try:
        rates = draw_design(ax, schedule, **settings)
    except ValueError as error:
        ax.set_title("Schedule designer: fix the settings")
        return fig, f"⚠ {error}"
    fig.tight_layout()
    marks = [t for t in range(0, epochs, max(1, epochs // 4))][:4]
    shown = ", ".join(f"{t} = {rates[t]:.4g}" for t in marks)
    text = f"{schedule}: rate at epoch {shown}, last ({epochs - 1}) = {rates[-1]:.4g}"
    if schedule == "plateau":
        cuts = [t for t in range(1, len(rates)) if rates[t] < rates[t - 1]]
        text += f"; cut at epochs {cuts}" if cuts else "; never cut"
    return fig, text
