"""Widget of the moving-average lesson: an EWMA of a real year of temperatures.

- :func:`beta_explorer`: a slider for beta and a bias-correction checkbox;
  redraws the year of Seattle temperatures with its EWMA (started at S_0 = 0,
  as in Adam), and the first 30 days close up.

Its update function, :func:`lrcourse.plots.temperatures.ewma_figure`, is a plain function returning a
``Figure`` and a line of text (effective window, lag, roughness, first day).
"""

from __future__ import annotations

import ipywidgets as W

from lrcourse.data import load_temperatures
from lrcourse.plots.temperatures import ewma_figure
from lrcourse.widgets._base import Panel, checkbox, slider

__all__ = [
    "beta_explorer",
]







def beta_explorer(beta: float = 0.9, bias_correction: bool = True) -> Panel:
    """A slider for beta (0 to 0.99) and a checkbox for bias correction."""
    controls = [
        slider(W.FloatSlider, "beta", beta, min=0.0, max=0.99, step=0.01,
               description="beta", readout_format=".2f", continuous_update=False),
        checkbox("bias_correction", bias_correction, description="bias correction"),
    ]
    temps = load_temperatures()
    return Panel(
        "EWMA of Seattle's daily mean temperature, 2015",
        controls,
        lambda beta, bias_correction: ewma_figure(beta, bias_correction, temps),
        names=["beta", "bias_correction"],
    )
