"""Widget of the conditioning lesson: heavy ball on a ravine, with its map of rates.

:func:`momentum_explorer` has sliders for the learning rate, the momentum beta
and the condition number k of the ravine f = (x² + k y²)/2. It redraws the path,
the factor per step over (lr, beta) with the current point on it, and the
distance to the minimum. Its update function,
:func:`lrcourse.plots.conditioning.momentum_figure`, is a plain function
returning a ``Figure`` and a line of text.
"""

from __future__ import annotations

import math

import ipywidgets as W

from lrcourse.plots.conditioning import K_RANGE, LR_RANGE, momentum_figure
from lrcourse.widgets._base import Panel, slider

__all__ = [
    "momentum_explorer",
]


def momentum_explorer(lr: float = 0.005, beta: float = 0.9, k: float = 50.0) -> Panel:
    """Sliders: lr (1e-4 to 1, log), beta (0 to 0.99), k (1 to 1000, log)."""
    return Panel(
        "Heavy ball on the ravine (x² + k·y²)/2",
        [
            slider(W.FloatLogSlider, "lr", lr, base=10, min=math.log10(LR_RANGE[0]),
                   max=math.log10(LR_RANGE[1]), step=0.02, description="lr",
                   readout_format=".3g", continuous_update=False),
            slider(W.FloatSlider, "beta", beta, min=0.0, max=0.99, step=0.01,
                   description="beta", readout_format=".2f", continuous_update=False),
            slider(W.FloatLogSlider, "k", k, base=10, min=math.log10(K_RANGE[0]),
                   max=math.log10(K_RANGE[1]), step=0.05, description="k",
                   readout_format=".3g", continuous_update=False),
        ],
        momentum_figure,
        names=["lr", "beta", "k"],
    )
