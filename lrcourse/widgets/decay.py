"""The schedule designer: pick a decay, set its parameters, see its curve at once.

- :func:`designer_rates` turns the designer's settings into the list of rates (pure
  Python on top of :mod:`lrcourse.schedules`, no torch scheduler is stepped);
- :func:`draw_design` draws them on given axes (the lesson's static figure uses it);
- :func:`schedule_figure` is the update function: settings in, ``(Figure, text)`` out;
- :func:`schedule_designer` wraps it in a :class:`~lrcourse.widgets._base.Panel`.

The rate of epoch t is the chosen decay times an optional linear warmup factor::

    lr_t = min(1, (t + 1) / (warmup + 1)) * decay(t)       (warmup = 0: no warmup)
"""

from __future__ import annotations

from typing import Any

import ipywidgets as W

from lrcourse.lessons.decay import DESIGNS
from lrcourse.plots.decay import schedule_figure
from lrcourse.widgets._base import Panel, dropdown

__all__ = [
    "schedule_designer",
]











def schedule_designer(schedule: str = "multistep") -> Panel:
    """The designer: a drop-down for the decay and a control for each setting.

    Each decay reads only some of the controls (see :data:`DESIGNS`); the others
    are ignored while it is selected.
    """

    def slider(cls: type, **kw: Any) -> Any:
        return cls(continuous_update=False, style={"description_width": "90px"}, **kw)

    controls = [
        dropdown("schedule", schedule, DESIGNS, description="schedule"),
        slider(W.FloatLogSlider, value=0.1, base=10, min=-4, max=0, step=0.1,
               description="lr", readout_format=".2g"),
        slider(W.FloatSlider, value=0.5, min=0.05, max=0.99, step=0.01, description="gamma"),
        slider(W.IntSlider, value=50, min=1, max=150, description="step_size"),
        W.Text(value="50, 125, 160", description="milestones", continuous_update=False),
        slider(W.FloatLogSlider, value=0.05, base=10, min=-3, max=0, step=0.1,
               description="decay_rate", readout_format=".2g"),
        slider(W.IntSlider, value=0, min=0, max=50, description="warmup"),
        slider(W.IntSlider, value=200, min=10, max=400, step=10, description="epochs"),
    ]
    return Panel("Schedule designer (rate per epoch)", controls, schedule_figure)
