"""Figures of the moving-average lesson: EWMAs of temperatures.

Every function draws on the axes it is given (or on new pyplot axes when ``ax``
is None) and returns them, so the widget can draw the same pictures on a
``matplotlib.figure.Figure``.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

import matplotlib.dates as mdates
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from lrcourse._checks import check_int, check_length
from lrcourse.data import Temperatures, load_temperatures
from lrcourse.ewma import effective_window, ewma
from lrcourse.lessons.temperatures import best_lag, ewma_weights, roughness
from lrcourse.plots._base import new_axes

__all__ = [
    "beta_color",
    "plot_bias_correction",
    "plot_random_days",
    "plot_tradeoff",
    "plot_weights",
    "plot_year",
    "ewma_figure",
    "ewma_summary",
]

_PALETTE = ("#ff7f0e", "#d62728", "#9467bd", "#2ca02c", "#8c564b", "#17becf")
_COURSE_COLORS = {0.5: 0, 0.9: 1, 0.98: 2}
RAW_COLOR = "#1f77b4"


def beta_color(beta: float, index: int = 0) -> str:
    """One colour per course beta (0.5, 0.9, 0.98: the same in every figure), else by index."""
    return _PALETTE[_COURSE_COLORS.get(beta, index) % len(_PALETTE)]


def _as_list(values: Any) -> list[float]:
    if hasattr(values, "detach"):
        values = values.detach().cpu()
    return [float(v) for v in values]


def plot_random_days(
    values: Any, betas: Sequence[float] = (0.5, 0.9), ax: Axes | None = None
) -> Axes:
    """The made-up daily temperatures as points, and their EWMA (S_1 = Y_1) for each beta."""
    ax = new_axes(ax)
    y = _as_list(values)
    days = np.arange(1, len(y) + 1)
    ax.scatter(days, y, s=18, color=RAW_COLOR, label="raw values Y_t", zorder=3)
    for k, beta in enumerate(betas):
        ax.plot(days, _as_list(ewma(y, beta)), "-", lw=1.8, color=beta_color(beta, k),
                label=f"EWMA, β = {beta:g}")
    ax.axhline(0.0, color="0.5", lw=0.8)
    ax.set_title(f"{len(y)} random 'daily temperatures' and their moving averages")
    ax.set_xlabel("day t")
    ax.set_ylabel("temperature (°C)")
    ax.legend(fontsize="small", loc="lower left", ncol=3)
    return ax


def _month_axis(ax: Axes) -> None:
    ax.xaxis.set_major_locator(mdates.MonthLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%b"))


def plot_year(
    dates: Sequence[datetime.date],
    values: Any,
    betas: Sequence[float] = (0.5, 0.9, 0.98),
    ax: Axes | None = None,
    first: str = "value",
    bias_correction: bool = False,
    title: str = "Seattle 2015: daily mean temperature and its moving averages",
) -> Axes:
    """A year of daily temperatures as points, and the EWMA for each beta as a line."""
    y = _as_list(values)
    check_length("dates", dates, len(y), "value")
    ax = new_axes(ax)
    ax.scatter(dates, y, s=6, color=RAW_COLOR, alpha=0.5, label="daily mean")
    for k, beta in enumerate(betas):
        smooth = _as_list(ewma(y, beta, first=first, bias_correction=bias_correction))
        ax.plot(dates, smooth, lw=1.8, color=beta_color(beta, k),
                label=f"β = {beta:g} (window ≈ {effective_window(beta):.0f} days)")
    _month_axis(ax)
    ax.set_title(title)
    ax.set_xlabel("date (2015)")
    ax.set_ylabel("temperature (°C)")
    ax.legend(fontsize="small", loc="upper left")
    return ax


def plot_tradeoff(
    betas: Sequence[float],
    roughnesses: Sequence[float],
    lags: Sequence[float],
    raw_roughness: float,
    ax: Axes | None = None,
) -> Axes:
    """Lag (days) against roughness (°C/day², log axis), one labelled point per beta."""
    check_length("roughnesses", roughnesses, len(betas), "beta")
    check_length("lags", lags, len(betas), "beta")
    ax = new_axes(ax)
    ax.plot(roughnesses, lags, "-o", color="0.3", ms=5, lw=1, label="EWMA, one point per β")
    for beta, r, lag in zip(betas, roughnesses, lags, strict=True):
        ax.annotate(f"β = {beta:g}", (r, lag), textcoords="offset points", xytext=(5, 4),
                    fontsize="small")
    ax.axvline(raw_roughness, color=RAW_COLOR, ls="--", lw=1,
               label=f"raw series ({raw_roughness:.2f} °C/day²)")
    ax.set_xscale("log")
    ax.set_xlim(right=2.0 * raw_roughness)
    ax.set_title("Smoother costs lag: the trade-off of β")
    ax.set_xlabel("roughness: mean |second difference| (°C/day²)")
    ax.set_ylabel("best-match lag (days)")
    ax.legend(fontsize="small", loc="center right")
    return ax


def plot_weights(
    betas: Sequence[float] = (0.5, 0.9, 0.98), ages: int = 80, ax: Axes | None = None
) -> Axes:
    """The weight (1 - beta) beta^k of the value k days back, with 1 / (1 - beta) marked."""
    ax = new_axes(ax)
    k = np.arange(ages)
    for index, beta in enumerate(betas):
        color = beta_color(beta, index)
        weights = ewma_weights(beta, ages)[::-1]  # newest first: age 0, 1, 2, ...
        window = effective_window(beta)
        ax.plot(k, weights, "-", lw=1.6, color=color,
                label=f"β = {beta:g}: window 1/(1−β) = {window:.0f} days")
        if window < ages:
            ax.axvline(window, color=color, ls=":", lw=1)
    ax.set_yscale("log")
    ax.set_ylim(1e-4, 1.0)
    ax.set_title("How much each past day counts in today's average")
    ax.set_xlabel("age of the value k (days back)")
    ax.set_ylabel("weight (1 − β) β^k")
    ax.legend(fontsize="small", loc="upper right")
    return ax


def plot_bias_correction(
    values: Any, beta: float = 0.98, days: int = 30, ax: Axes | None = None
) -> Axes:
    """The first ``days`` of a series and three EWMAs of it: S_1 = Y_1, S_0 = 0, S_0 = 0 corrected."""
    y = _as_list(values)
    days = check_int("days", days, 1, len(y))
    ax = new_axes(ax)
    t = np.arange(1, days + 1)
    curves = [
        ("value", False, "start S₁ = Y₁ (the article's)", "#8c564b", "-"),
        ("zero", False, "start S₀ = 0, uncorrected", "0.4", "--"),
        ("zero", True, "start S₀ = 0, divided by 1 − βᵗ", "#d62728", "-"),
    ]
    ax.scatter(t, y[:days], s=16, color=RAW_COLOR, label="daily mean", zorder=3)
    for first, corrected, label, color, style in curves:
        smooth = _as_list(ewma(y, beta, first=first, bias_correction=corrected))[:days]
        ax.plot(t, smooth, style, lw=1.8, color=color, label=label)
    ax.set_title(f"The first {days} days at β = {beta:g}: why the start needs care")
    ax.set_xlabel("day t")
    ax.set_ylabel("temperature (°C)")
    ax.legend(fontsize="small", loc="upper left")
    return ax


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
