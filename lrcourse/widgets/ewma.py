"""Widget of the moving-average lesson: an EWMA of a real year of temperatures.

- :func:`beta_explorer`: a slider for beta and a bias-correction checkbox;
  redraws the year of Seattle temperatures with its EWMA (started at S_0 = 0,
  as in Adam), and the first 30 days close up.

Its update function, :func:`ewma_figure`, is a plain function returning a
``Figure`` and a line of text (effective window, lag, roughness, first day).
"""

from __future__ import annotations

import ipywidgets as W
import numpy as np
from matplotlib.figure import Figure

from lrcourse.data import Temperatures, load_temperatures
from lrcourse.ewma import effective_window, ewma
from lrcourse.ewma_measures import best_lag, roughness
from lrcourse.plots.ewma import plot_year
from lrcourse.widgets._base import Panel, checkbox, slider

__all__ = ["beta_explorer", "ewma_figure", "ewma_summary"]

_ZOOM_DAYS = 30


def ewma_summary(beta: float, bias_correction: bool, temps: Temperatures | None = None) -> str:
    """One line on the EWMA (S_0 = 0) of the daily mean: window, lag, roughness, day 1.

    Example:
        >>> ewma_summary(0.9, True)
        'β = 0.900, bias correction on: window 1/(1−β) = 10.0 days, best-match lag 2 days, \
roughness 0.169 °C/day² (raw 2.141), day 1 = 1.20 °C (raw 1.20)'
    """
    temps = temps if temps is not None else load_temperatures()
    raw = temps.tmean
    smooth = ewma(raw, beta, first="zero", bias_correction=bias_correction)
    state = "on" if bias_correction else "off"
    return (
        f"β = {beta:.3f}, bias correction {state}: "
        f"window 1/(1−β) = {effective_window(beta):.1f} days, "
        f"best-match lag {best_lag(raw, smooth)} days, "
        f"roughness {roughness(smooth):.3f} °C/day² (raw {roughness(raw):.3f}), "
        f"day 1 = {float(smooth[0]):.2f} °C (raw {float(raw[0]):.2f})"
    )


def ewma_figure(
    beta: float, bias_correction: bool, temps: Temperatures | None = None
) -> tuple[Figure, str]:
    """The year with its EWMA (S_0 = 0, corrected or not) and the first 30 days close up."""
    temps = temps if temps is not None else load_temperatures()
    fig = Figure(figsize=(11.0, 3.6))
    ax_year, ax_start = fig.subplots(1, 2, gridspec_kw={"width_ratios": [2.2, 1]})
    state = "bias-corrected" if bias_correction else "uncorrected"
    plot_year(temps.dates, temps.tmean, betas=(beta,), ax=ax_year, first="zero",
              bias_correction=bias_correction,
              title=f"EWMA from S₀ = 0, {state}, β = {beta:g}")
    raw = temps.tmean[:_ZOOM_DAYS]
    smooth = ewma(temps.tmean, beta, first="zero", bias_correction=bias_correction)
    t = np.arange(1, _ZOOM_DAYS + 1)
    ax_start.scatter(t, raw.tolist(), s=14, color="#1f77b4", label="daily mean")
    ax_start.plot(t, smooth[:_ZOOM_DAYS].tolist(), color="#d62728", lw=1.8,
                  label=f"EWMA, {state}")
    ax_start.set_title(f"The first {_ZOOM_DAYS} days")
    ax_start.set_xlabel("day t")
    ax_start.set_ylabel("temperature (°C)")
    ax_start.legend(fontsize="small", loc="upper left")
    fig.tight_layout()
    return fig, ewma_summary(beta, bias_correction, temps)


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
