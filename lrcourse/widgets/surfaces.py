"""The optimizer race: paths of optimizers on a 2-D loss surface.

- :func:`optimizer_race`: pick a surface, an optimizer, its learning rate, a
  start point and a number of steps; the path is drawn on the contour map
  next to its loss curve, optionally with the other five optimizers at the
  lesson's rates for comparison.

Its update function :func:`lrcourse.plots.surfaces.race_figure` is a plain function returning a
``Figure`` and a line of text.
"""

from __future__ import annotations

import ipywidgets as W

from lrcourse.lessons.surfaces import ORDER, RATES, STARTS, SURFACES
from lrcourse.plots.surfaces import race_figure
from lrcourse.widgets._base import Panel, dropdown, slider

__all__ = [
    "optimizer_race",
]


def optimizer_race(surface: str = "saddle", optimizer: str = "Momentum",
                   steps: int = 200) -> Panel:
    """Controls: surface, optimizer, log-scale learning rate, start point, steps, compare."""
    surface_menu = dropdown("surface", surface, sorted(SURFACES), description="surface")
    optimizer_menu = dropdown("optimizer", optimizer, ORDER, description="optimizer")
    steps_slider = slider(W.IntSlider, "steps", steps, min=10, max=2000, step=10,
                          description="steps", continuous_update=False)
    lr = RATES[surface][optimizer]
    x0, y0 = STARTS[surface]
    return Panel(
        "Optimizer race on a 2-D loss surface",
        [
            surface_menu,
            optimizer_menu,
            W.FloatLogSlider(value=lr, base=10, min=-4, max=1, step=0.05, description="lr",
                             readout_format=".4g", continuous_update=False),
            W.FloatSlider(value=x0, min=-4.5, max=2.0, step=0.05, description="x0",
                          continuous_update=False),
            W.FloatSlider(value=y0, min=-1.2, max=2.2, step=0.001, description="y0",
                          readout_format=".3f", continuous_update=False),
            steps_slider,
            W.Checkbox(value=False, description="others"),
        ],
        race_figure,
    )
