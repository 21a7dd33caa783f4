"""Widgets of the first lessons: gradient descent on one-dimensional parabolas.

- :func:`descent_explorer`: sliders for the learning rate and the number of
  steps; redraws the path on y = 4 x^2 and the loss per iteration.
- :func:`first_step_widget`: one slider for the learning rate; shows a single
  SGD step on w^2/2 from w = 1 (the start-here lesson's example).

Their update functions, :func:`descent_figure` and :func:`first_step_figure`,
are plain functions returning a ``Figure`` and a line of text.
"""

from __future__ import annotations

import ipywidgets as W
import numpy as np
from matplotlib.figure import Figure

from lrcourse.descent import classify_rate, descend_parabola, factor, gradient_descent
from lrcourse.plots.descent import plot_loss, plot_path
from lrcourse.widgets._base import Panel, slider

__all__ = ["descent_explorer", "descent_figure", "first_step_figure", "first_step_widget"]


def descent_figure(lr: float, steps: int, x0: float = 2.0) -> tuple[Figure, str]:
    """The path of ``steps`` updates on y = 4 x^2 at rate ``lr``, and a one-line verdict.

    Example:
        >>> fig, text = descent_figure(0.125, 3)
        >>> text
        'lr = 0.125: factor 1 − 8·lr = +0.000, converges in one step; x after 3 steps = 0'
    """
    trajectory = descend_parabola(lr, steps=steps, x0=x0)
    fig = Figure(figsize=(9.0, 3.4))
    ax_path, ax_loss = fig.subplots(1, 2)
    color = "tab:blue"
    plot_path(trajectory, ax_path, color=color)
    plot_loss(trajectory, ax_loss, color=color)
    fig.tight_layout()
    text = (
        f"lr = {trajectory.lr:.3f}: factor 1 − 8·lr = {factor(trajectory.lr) + 0.0:+.3f}, "
        f"{classify_rate(trajectory.lr)}; x after {trajectory.steps} steps = "
        f"{trajectory.final + 0.0:.4g}"
    )
    return fig, text


def descent_explorer(lr: float = 0.1, steps: int = 4) -> Panel:
    """Sliders for the learning rate (0 to 0.3) and the number of steps (1 to 30)."""
    return Panel(
        "Gradient descent on y = 4x² from x = 2",
        [
            slider(W.FloatSlider, "lr", lr, min=0.0, max=0.3, step=0.005, description="lr",
                   readout_format=".3f", continuous_update=False),
            slider(W.IntSlider, "steps", steps, min=1, max=30, description="steps",
                   continuous_update=False),
        ],
        descent_figure,
    )


def first_step_figure(lr: float, w0: float = 1.0) -> tuple[Figure, str]:
    """One SGD step on the loss w^2/2 from ``w0``: ``w1 = w0 - lr * w0``.

    Example:
        >>> first_step_figure(0.1)[1]
        'gradient at w = 1 is 1; w after one step = 1 − 0.1 × 1 = 0.9'
    """
    # The gradient of w^2/2 is w itself.
    w_start, w_end = gradient_descent(lambda w: w, w0, lr, steps=1).x
    fig = Figure(figsize=(5.6, 3.4))
    ax = fig.subplots()
    reach = max(1.5, 1.1 * abs(w_start), 1.1 * abs(w_end))
    grid = np.linspace(-reach, reach, 201)
    ax.plot(grid, grid**2 / 2, color="0.3", lw=1.2, label="loss w²/2")
    ax.plot([w_start], [w_start**2 / 2], "s", color="tab:blue", ms=7, label=f"start w = {w0:g}")
    ax.plot([w_end], [w_end**2 / 2], "o", color="tab:orange", ms=7,
            label=f"after one step w = {w_end:.3g}")
    ax.annotate("", (w_end, w_end**2 / 2), (w_start, w_start**2 / 2),
                arrowprops={"arrowstyle": "->", "color": "tab:orange"})
    ax.set_title(f"One SGD step with lr = {lr:g}")
    ax.set_xlabel("weight w")
    ax.set_ylabel("loss")
    ax.legend(fontsize="small", loc="upper center")
    fig.tight_layout()
    text = (
        f"gradient at w = {w0:g} is {w0:g}; "
        f"w after one step = {w0:g} − {lr:g} × {w0:g} = {w_end:.4g}"
    )
    return fig, text


def first_step_widget(lr: float = 0.1) -> Panel:
    """One slider for the learning rate (0 to 2.5) and the step it makes on w^2/2."""
    return Panel(
        "One SGD step on w²/2 from w = 1",
        [slider(W.FloatSlider, "lr", lr, min=0.0, max=2.5, step=0.05, description="lr",
                continuous_update=False)],
        first_step_figure,
    )

