"""Figures of the cyclical-learning-rate lesson.

- :func:`plot_clr_policies`: the three policies (triangular, triangular2,
  exp_range) over a few cycles, rates on a log axis;
- :func:`plot_accuracy_race`: validation accuracy against iterations for several
  runs, with dotted lines at target accuracies.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from lrcourse._checks import check_choice, check_nonempty
from lrcourse.plots._base import lr_axis, new_axes
from lrcourse.schedules import CLR_MODES, cyclical_lr, schedule_values
from lrcourse.train import History

__all__ = [
    "plot_accuracy_race",
    "plot_clr_policies",
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
