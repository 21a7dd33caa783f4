"""The schedule designer: pick a schedule, set its parameters, see its curve at once.

- :func:`~lrcourse.lessons.decay.designer_rates` turns the designer's settings into
  the list of rates (pure Python on top of :mod:`lrcourse.schedules`; no torch
  scheduler is stepped, except the ``ReduceLROnPlateau`` that plateau runs on the
  lesson's toy problem);
- :func:`~lrcourse.plots.decay.draw_design` draws them on given axes (the lesson's
  static figure uses it);
- :func:`~lrcourse.plots.decay.schedule_figure` is the update function: settings
  in, ``(Figure, text)`` out;
- :func:`schedule_designer` wraps it in a :class:`~lrcourse.widgets._base.Panel` and
  shows only the controls the chosen schedule reads.

The rate of epoch t is the chosen schedule with an optional linear warmup of W
epochs laid over it, the warmup of ``lrcourse.schedules.linear_warmup_lr`` (start
factor 0, so epoch 0 has rate 0)::

    lr_t = linear_warmup_lr(t, base_lr=decay(t), warmup_steps=W)
         = decay(t) * min(1, t / W)                       (W = 0: no warmup)
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

#: Controls every schedule reads (plateau ignores warmup and says so).
_ALWAYS = ("schedule", "warmup", "epochs")


def _show_only_what_the_schedule_reads(panel: Panel) -> None:
    wanted = set(DESIGNS[panel.controls["schedule"].value]) | set(_ALWAYS)
    for name, control in panel.controls.items():
        control.layout.display = None if name in wanted else "none"


def schedule_designer(schedule: str = "multistep") -> Panel:
    """The designer: a drop-down for the schedule and a control for each setting.

    Each schedule reads only some of the controls (see :data:`DESIGNS`); the others
    are hidden while it is selected. ``lr`` is the peak rate for one-cycle.
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
        slider(W.IntSlider, value=50, min=1, max=200, description="T_0"),
        slider(W.IntSlider, value=1, min=1, max=4, description="T_mult"),
        slider(W.FloatSlider, value=0.3, min=0.05, max=0.95, step=0.05, description="pct_start"),
        slider(W.FloatSlider, value=0.1, min=0.05, max=0.9, step=0.05, description="factor"),
        slider(W.IntSlider, value=10, min=0, max=40, description="patience"),
        slider(W.FloatLogSlider, value=1e-4, base=10, min=-5, max=-1, step=0.5,
               description="threshold", readout_format=".0e"),
        slider(W.IntSlider, value=0, min=0, max=40, description="cooldown"),
        slider(W.IntSlider, value=0, min=0, max=50, description="warmup"),
        slider(W.IntSlider, value=200, min=10, max=400, step=10, description="epochs"),
    ]
    names = [c.description for c in controls]  # T_0 and T_mult keep their capitals
    panel = Panel("Schedule designer (rate per epoch)", controls, schedule_figure, names=names)
    _show_only_what_the_schedule_reads(panel)
    panel.controls["schedule"].observe(
        lambda _change: _show_only_what_the_schedule_reads(panel), names="value")
    return panel
