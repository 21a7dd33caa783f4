"""Widget of the cyclical-learning-rate lesson: sliders that redraw the CLR curve.

:func:`clr_figure` is the plain update function (tested without a browser);
:func:`clr_explorer` wraps it in a :class:`~lrcourse.widgets._base.Panel`.
"""

from __future__ import annotations

import ipywidgets as W
from matplotlib.figure import Figure

from lrcourse.plots.clr import plot_clr_policies
from lrcourse.schedules import CLR_MODES, cyclical_lr

__all__ = ["clr_explorer", "clr_figure"]


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


def clr_explorer(
    mode: str = "triangular", base_lr: float = 1e-4, max_lr: float = 1e-3, step_size: int = 100
) -> W.VBox:
    """Policy, base_lr, max_lr (log sliders) and step size -> the CLR curve over 800 iterations."""
    from lrcourse.widgets._base import Panel, dropdown, slider

    return Panel(
        "Cyclical learning rate",
        [
            dropdown("mode", mode, CLR_MODES, description="mode"),
            slider(W.FloatLogSlider, "base_lr", base_lr, base=10, min=-6, max=0, step=0.1,
                   description="base_lr", readout_format=".1e", continuous_update=False),
            slider(W.FloatLogSlider, "max_lr", max_lr, base=10, min=-6, max=0, step=0.1,
                   description="max_lr", readout_format=".1e", continuous_update=False),
            slider(W.IntSlider, "step_size", step_size, min=10, max=400, step=10,
                   description="step_size", continuous_update=False),
        ],
        clr_figure,
        names=["mode", "base_lr", "max_lr", "step_size"],
    )
