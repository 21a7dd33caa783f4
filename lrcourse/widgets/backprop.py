"""Widget of the backpropagation lesson: train the 2-2-2 network with your own settings.

Its update function is :func:`lrcourse.plots.backprop.training_figure`.
"""

from __future__ import annotations

import ipywidgets as W

from lrcourse.plots.backprop import training_figure
from lrcourse.widgets._base import Panel, checkbox, slider

__all__ = [
    "training_explorer",
]





def training_explorer(lr: float = 0.5, steps: int = 10_000, update_biases: bool = False) -> Panel:
    """Sliders for the learning rate (0.01 to 10) and the number of updates; a bias switch."""
    return Panel(
        "Training the 2-2-2 network",
        [
            slider(W.FloatLogSlider, "lr", lr, base=10, min=-2, max=1, step=0.1,
                   description="lr", continuous_update=False),
            slider(W.IntSlider, "steps", steps, min=100, max=20_000, step=100,
                   description="updates", continuous_update=False),
            checkbox("update_biases", update_biases, description="train the biases too"),
        ],
        training_figure,
        names=["lr", "steps", "update_biases"],
    )
