"""Widget of the cyclical-learning-rate lesson: sliders that redraw the CLR curve.

:func:`lrcourse.plots.cyclical.clr_figure` is the plain update function (tested without a browser);
:func:`clr_explorer` wraps it in a :class:`~lrcourse.widgets._base.Panel`.
"""

from __future__ import annotations

import ipywidgets as W

from lrcourse.plots.cyclical import clr_figure
from lrcourse.schedules import CLR_MODES

__all__ = [
    "clr_explorer",
]






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
