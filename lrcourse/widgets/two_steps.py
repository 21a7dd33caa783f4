"""Widget of the optimizer lesson: the first N steps of any optimizer on w^2/2.

:func:`first_steps_explorer` has a menu for the optimizer (the course's registry,
:data:`lrcourse.optim.OPTIMIZERS`) and sliders for the learning rate, the shared
averaging factor "beta" (SGD's momentum, RMSprop's alpha, Adam's beta1, Adadelta's
rho: :func:`lrcourse.lessons.two_steps.beta_settings`) and the number of steps. Its update function,
:func:`lrcourse.plots.two_steps.first_steps_figure`, is a plain function returning a ``Figure`` and a line
of text.
"""

from __future__ import annotations

import ipywidgets as W

from lrcourse.optim import OPTIMIZERS
from lrcourse.plots.two_steps import first_steps_figure
from lrcourse.widgets._base import Panel, dropdown, slider

__all__ = [
    "first_steps_explorer",
]


def first_steps_explorer(optimizer: str = "Adam", lr: float = 0.1, beta: float = 0.9,
                         steps: int = 30) -> Panel:
    """Menu and sliders: optimizer, lr (1e-3 to 1, log), beta (0 to 0.999), steps (1 to 100)."""
    return Panel(
        "First steps of an optimizer on w²/2 from w = 1",
        [
            dropdown("optimizer", optimizer, OPTIMIZERS, description="optimizer"),
            slider(W.FloatLogSlider, "lr", lr, base=10, min=-3, max=0, step=0.1,
                   description="lr", readout_format=".3g", continuous_update=False),
            slider(W.FloatSlider, "beta", beta, min=0.0, max=0.999, step=0.001,
                   description="beta", readout_format=".3f", continuous_update=False),
            slider(W.IntSlider, "steps", steps, min=1, max=100, description="steps",
                   continuous_update=False),
        ],
        first_steps_figure,
        names=["optimizer", "lr", "beta", "steps"],
    )
