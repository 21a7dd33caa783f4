"""Widgets of the first lessons: gradient descent on one-dimensional parabolas.

- :func:`descent_explorer`: sliders for the learning rate and the number of
  steps; redraws the path on y = 4 x^2 and the loss per iteration.
- :func:`first_step_widget`: one slider for the learning rate; shows a single
  SGD step on w^2/2 from w = 1 (the start-here lesson's example).

Their update functions, :func:`lrcourse.plots.descent.descent_figure` and :func:`lrcourse.plots.descent.first_step_figure`,
are plain functions returning a ``Figure`` and a line of text.
"""

from __future__ import annotations

import ipywidgets as W

from lrcourse.plots.descent import descent_figure, first_step_figure
from lrcourse.widgets._base import Panel, slider

__all__ = [
    "descent_explorer",
    "first_step_widget",
]




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




def first_step_widget(lr: float = 0.1) -> Panel:
    """One slider for the learning rate (0 to 2.5) and the step it makes on w^2/2."""
    return Panel(
        "One SGD step on w²/2 from w = 1",
        [slider(W.FloatSlider, "lr", lr, min=0.0, max=2.5, step=0.05, description="lr",
                continuous_update=False)],
        first_step_figure,
    )

