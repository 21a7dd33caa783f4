"""Figures of the cyclical-learning-rate lesson.

- :func:`plot_clr_policies`: the three policies (triangular, triangular2,
  exp_range) over a few cycles, rates on a log axis;
- :func:`plot_accuracy_race`: validation accuracy against iterations for several
  runs, with dotted lines at target accuracies;
- :func:`plot_one_cycle`: one CLR cycle stretched over a training next to the two
  shapes of one-cycle, and the momentum one-cycle sets;
- :func:`plot_max_lr_runs`: the last training loss of one-cycle runs against their
  ``max_lr``, one marker per seed.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from lrcourse._checks import check_choice, check_nonempty
from lrcourse.plots._base import lr_axis, new_axes
from lrcourse.schedules import (
    CLR_MODES,
    cyclical_lr,
    one_cycle_lr,
    one_cycle_momentum,
    schedule_values,
)
from lrcourse.train import History

__all__ = [
    "plot_accuracy_race",
    "plot_clr_policies",
    "plot_one_cycle",
    "plot_max_lr_runs",
    "clr_figure",
]


def plot_clr_policies(
    base_lr: float = 1e-4,
    max_lr: float = 1e-3,
    step_size: int = 100,
    steps: int = 800,
    gamma: float = 0.998,
    modes: Sequence[str] = CLR_MODES,
    ax: Axes | None = None,
) -> Axes:
    """Draw ``cyclical_lr`` for each policy in ``modes`` over ``steps`` iterations.

    Example:
        >>> ax = plot_clr_policies(steps=400)  # doctest: +SKIP
    """
    for i, mode in enumerate(modes):
        check_choice(f"modes[{i}]", mode, CLR_MODES)
    ax = new_axes(ax)
    for mode in modes:
        values = schedule_values(cyclical_lr, steps, base_lr=base_lr, max_lr=max_lr,
                                 step_size=step_size, mode=mode, gamma=gamma)
        label = f"{mode} (gamma = {gamma:g})" if mode == "exp_range" else mode
        ax.plot(range(steps), values, label=label)
    lr_axis(ax, "y")
    ax.set_xlabel("iteration (batches)")
    ax.set_title(f"Cyclical rates: {base_lr:g} to {max_lr:g}, step size {step_size}, "
                 f"cycle {2 * step_size} iterations")
    ax.legend(fontsize="small")
    return ax


def plot_accuracy_race(
    runs: Mapping[str, History],
    targets: Sequence[float] = (),
    ax: Axes | None = None,
) -> Axes:
    """Validation accuracy against iterations, one line per run (label -> History)."""
    check_nonempty("runs", runs, "labelled History")
    ax = new_axes(ax)
    for label, history in runs.items():
        ax.plot(history.val_step, [100 * a for a in history.val_accuracy], label=label)
    for target in targets:
        ax.axhline(100 * target, color="0.5", linestyle=":", linewidth=1)
    ax.set_xlabel("iteration (batches)")
    ax.set_ylabel("validation accuracy (%)")
    ax.set_title("Validation accuracy during training")
    ax.legend(fontsize="small", loc="lower right")
    return ax


def plot_one_cycle(
    max_lr: float = 0.1, total_steps: int = 1000, axes: Sequence[Axes] | None = None
) -> Sequence[Axes]:
    """Rates (log axis) and momenta over one training of ``total_steps`` batches.

    Three rate curves: a triangular CLR whose one cycle spans the training (bounds
    ``max_lr / 4`` and ``max_lr``), one-cycle as in the paper (``three_phase=True``,
    linear) and one-cycle as PyTorch and fastai run it (the defaults: two phases,
    cosine). The momentum panel shows what ``OneCycleLR`` sets for the two one-cycles.
    """
    if axes is None:
        import matplotlib.pyplot as plt

        _, axes = plt.subplots(2, 1, figsize=(8, 5.6), sharex=True)
    if len(axes) != 2:
        raise ValueError(f"axes must hold 2 axes, got {len(axes)}")
    ax_lr, ax_m = axes
    t = range(total_steps)
    clr = schedule_values(cyclical_lr, t, base_lr=max_lr / 4, max_lr=max_lr,
                          step_size=max(1, total_steps // 2))
    shapes = {"one-cycle, paper (three_phase, linear)": dict(three_phase=True,
                                                            anneal_strategy="linear"),
              "one-cycle, PyTorch/fastai default (cos)": {}}
    ax_lr.plot(t, clr, color="0.5", ls="--", label="CLR triangular, one cycle (max_lr / 4 to max_lr)")
    for i, (label, kw) in enumerate(shapes.items()):
        rates = schedule_values(one_cycle_lr, t, max_lr=max_lr, total_steps=total_steps, **kw)
        momenta = schedule_values(one_cycle_momentum, t, total_steps=total_steps, **kw)
        ax_lr.plot(t, rates, color=f"C{i}", label=label)
        ax_m.plot(t, momenta, color=f"C{i}", label=label)
    lr_axis(ax_lr, "y")
    ax_lr.set_title(f"One cycle over {total_steps} batches, max_lr = {max_lr:g}")
    ax_lr.legend(fontsize="small")
    ax_m.set_xlabel("step (batch)")
    ax_m.set_ylabel("momentum")
    ax_m.set_title("The momentum OneCycleLR sets (cycle_momentum=True)")
    ax_m.legend(fontsize="small")
    return axes


def plot_max_lr_runs(
    runs: Mapping[tuple[float, int], History],
    marks: Mapping[str, float] = {},  # noqa: B006 (read only)
    ax: Axes | None = None,
) -> Axes:
    """Last-epoch training loss of each run ``(max_lr, seed) -> History`` against its
    ``max_lr`` (both axes logarithmic), one marker per seed; ``marks`` draws labelled
    vertical lines (say the range test's ``max_lr``). A run that diverged is left out."""
    ax = new_axes(ax)
    seeds = sorted({seed for _, seed in runs})
    for i, seed in enumerate(seeds):
        points = sorted((lr, h.train_loss[-1] if h.train_loss and not h.diverged else math.nan)
                        for (lr, s), h in runs.items() if s == seed)
        ax.plot(*zip(*points, strict=True), marker="os^Dv<>"[i % 7], lw=0.6, color=f"C{i}",
                label=f"seed {seed}")
    for j, (label, lr) in enumerate(marks.items()):
        ax.axvline(lr, color="0.3", ls=("--", ":", "-.")[j % 3], lw=1, label=label)
    lr_axis(ax, "x", "max_lr of one-cycle")
    ax.set_yscale("log")
    ax.set_ylabel("training loss, last epoch (log scale)")
    ax.set_title("One-cycle for 10 epochs at several max_lr")
    ax.legend(fontsize="x-small")
    return ax


def clr_figure(
    mode: str, base_lr: float, max_lr: float, step_size: int, gamma: float = 0.998,
    steps: int = 800,
) -> tuple[Figure, str]:
    """The cyclical rate of one policy over ``steps`` iterations, and a line of facts.

    Example:
        >>> clr_figure("triangular", 1e-4, 1e-3, 100)[1]
        'triangular: cycle = 200 iterations, 4 cycles in 800; rate at iteration 100 = 0.001'
    """
    if max_lr < base_lr:
        # A slider pair can cross; say so instead of raising inside the widget.
        return _empty_figure(), f"max_lr ({max_lr:g}) is below base_lr ({base_lr:g}): raise it"
    fig = Figure(figsize=(7.0, 3.4))
    ax = fig.subplots()
    plot_clr_policies(base_lr, max_lr, step_size, steps=steps, gamma=gamma, modes=[mode], ax=ax)
    fig.tight_layout()
    peak = cyclical_lr(step_size, base_lr, max_lr, step_size, mode=mode, gamma=gamma)
    text = (
        f"{mode}: cycle = {2 * step_size} iterations, {steps / (2 * step_size):g} cycles in "
        f"{steps}; rate at iteration {step_size} = {peak:.3g}"
    )
    return fig, text



def _empty_figure() -> Figure:
    fig = Figure(figsize=(7.0, 3.4))
    fig.subplots().set_title("max_lr must be at least base_lr")
    return fig
