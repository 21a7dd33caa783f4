"""Figures of the range-test lesson.

- :func:`plot_range_curves`: loss curves against the rate (log axis), with an
  optional stopping point and vertical marks for suggested rates;
- :func:`read_sweep`: read a recorded raw curve as ``LRFinder`` would with a given
  smoothing and rule (stop, suggestion), plus the lag and the lag-free loss minimum;
- :func:`draw_sweep_reading`: one such reading on an axes (the lesson's two-speed
  figure and the range-test widget both draw with it);
- :func:`plot_comparison`: our curve and ``torch-lr-finder``'s on one axes, from
  what :func:`lrcourse.lessons.range_test.compare_with_torch_lr_finder` returned.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from lrcourse._checks import check_choice, check_length, check_nonempty, shown
from lrcourse.lr_finder import (
    METHODS,
    centred_average,
    minimum,
    smooth,
    steepest,
    valley,
)
from lrcourse.plots._base import lr_axis, new_axes

__all__ = [
    "draw_sweep_reading",
    "plot_comparison",
    "plot_range_curves",
    "read_sweep",
    "Curves",
    "range_test_figure",
]


def plot_range_curves(
    lrs: Sequence[float],
    curves: Mapping[str, Sequence[float]],
    marks: Mapping[str, float] | None = None,
    stop: int | None = None,
    ax: Axes | None = None,
    title: str = "Learning-rate range test",
    ylabel: str = "training loss",
) -> Axes:
    """Each curve (label -> losses, one per rate of ``lrs``) against the rate on a log axis.

    A curve may be shorter than ``lrs`` (a test that stopped early); non-finite
    losses are left out. ``marks`` draws a dashed vertical line per suggested rate;
    ``stop`` marks the iteration where a test stopped.
    """
    check_nonempty("curves", curves, "labelled loss curve")
    ax = new_axes(ax)
    for label, losses in curves.items():
        if len(losses) > len(lrs):
            raise ValueError(
                f"curves[{label!r}] must have at most len(lrs) = {len(lrs)} points, "
                f"got {len(losses)}"
            )
        y = np.asarray(losses, dtype=float)
        y = np.where(np.isfinite(y), y, np.nan)
        ax.plot(lrs[: len(y)], y, label=label)
    if stop is not None:
        ax.axvline(lrs[stop], color="0.3", linestyle=":", label=f"stop at iteration {stop}")
    for i, (label, lr) in enumerate((marks or {}).items()):
        ax.axvline(lr, color=f"C{i + 3}", linestyle="--", label=f"{label}: {lr:.2e}")
    lr_axis(ax)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize="small")
    return ax


def read_sweep(
    lrs: Sequence[float],
    raw_losses: Sequence[float],
    smooth_f: float = 0.05,
    rule: str = "steepest",
    diverge_th: float = 5.0,
    skip_start: int = 10,
    skip_end: int = 5,
) -> dict[str, Any]:
    """Read a raw range-test curve (an ``"exp"`` sweep) the way ``LRFinder`` does.

    ``raw_losses`` is the loss of each step, recorded without a stop (``lrs`` and
    ``raw_losses`` of equal length). The reading smooths it with ``smooth_f``,
    stops where ``LRFinder.range_test`` would stop (``diverge_th``, or a NaN), and
    applies ``rule`` with ``LRFinder.suggestion``'s skips, so on the same raw
    losses it gives the same suggestion as an ``LRFinder`` run with those settings.
    Re-smoothing a stored curve takes milliseconds, which keeps the widget instant.

    Returns a dict: ``smoothed`` (up to the stop), ``points`` (how many the test
    records), ``stopped`` (True when the stop fired before the end),
    ``suggestion`` (the rate), ``per_decade`` (iterations per decade, ``k``),
    ``lag_iterations`` (``(1 - f) / f``, 0 without smoothing), ``lag_decades``
    (``lag_iterations / k``), ``loss_minimum`` (the rate where the centred
    average of the raw losses, over a tenth of a decade on each side, is lowest:
    it has no lag) and ``offset`` (``log10(suggestion / loss_minimum)``, in
    decades; negative means below the minimum).
    """
    check_choice("rule", rule, METHODS)
    x = np.asarray(lrs, dtype=float)
    raw = np.asarray(raw_losses, dtype=float)
    if x.ndim != 1 or x.size < 2:
        raise ValueError(f"lrs must be a list of at least 2 rates, got {shown(lrs)}")
    check_length("raw_losses", raw, x.size, "rate of lrs")
    if not (x[0] > 0 and np.all(np.diff(x) > 0)):
        raise ValueError(
            f"lrs must be positive and increasing, as in an exponential sweep, got {shown(lrs)}"
        )
    smoothed = smooth(np.where(np.isfinite(raw), raw, np.inf), smooth_f)
    points, best = len(raw), math.inf
    for i, s_i in enumerate(smoothed):
        if not (math.isfinite(raw[i]) and math.isfinite(s_i)):
            points = i + 1
            break
        best = min(best, s_i)
        if s_i > best + (diverge_th - 1) * abs(best):
            points = i + 1
            break
    finite = np.isfinite(smoothed[:points])
    n = points if finite.all() else int(np.argmin(finite))
    if n - skip_end - skip_start < 2:
        raise ValueError(
            f"the reading keeps {n} finite points, too few for skip_start={skip_start} "
            f"and skip_end={skip_end}: record a longer sweep"
        )
    window_lrs = x[skip_start : n - skip_end]
    window = np.asarray(smoothed[skip_start : n - skip_end])
    if rule == "steepest":
        suggestion = float(window_lrs[steepest(window)])
    elif rule == "valley":
        suggestion = float(window_lrs[valley(window)[2]])
    else:
        suggestion = float(window_lrs[minimum(window)] / 10)
    per_decade = 1 / math.log10(x[1] / x[0])
    lag = (1 - smooth_f) / smooth_f if smooth_f > 0 else 0.0
    centred = centred_average(raw[:n], half_width=max(1, round(per_decade / 10)))
    loss_minimum = float(x[int(np.argmin(centred))])
    return {
        "smoothed": list(smoothed[:points]),
        "points": points,
        "stopped": points < len(raw),
        "suggestion": suggestion,
        "per_decade": per_decade,
        "lag_iterations": lag,
        "lag_decades": lag / per_decade,
        "loss_minimum": loss_minimum,
        "offset": math.log10(suggestion / loss_minimum),
    }


def draw_sweep_reading(
    ax: Axes, lrs: Sequence[float], raw_losses: Sequence[float], reading: Mapping[str, Any],
    rule: str, title: str | None = None,
) -> Axes:
    """Draw a :func:`read_sweep` reading: raw and smoothed losses, loss minimum, suggestion."""
    n = reading["points"]
    raw = np.asarray(raw_losses[:n], dtype=float)
    ax.plot(lrs[:n], np.where(np.isfinite(raw), raw, np.nan), color="0.75", linewidth=0.8,
            label="raw loss")
    ax.plot(lrs[:n], reading["smoothed"], color="C0", label="smoothed loss")
    ax.axvline(reading["loss_minimum"], color="k", linestyle=":",
               label=f"loss minimum (no lag): {reading['loss_minimum']:.2g}")
    ax.axvline(reading["suggestion"], color="C3", linestyle="--",
               label=f"{rule}: {reading['suggestion']:.2g} ({reading['offset']:+.2f} decades)")
    lr_axis(ax)
    ax.set_ylim(0, 3)
    ax.set_ylabel("training loss")
    stopped = f", stopped at {n}" if reading["stopped"] else ""
    ax.set_title(title or f"{len(lrs)} iterations ({reading['per_decade']:.0f} per decade{stopped}), "
                 f"lag {reading['lag_decades']:.2f} decades")
    ax.legend(fontsize="small", loc="lower left")
    return ax


def plot_comparison(facts: Mapping[str, Any], ax: Axes | None = None) -> Axes:
    """Our smoothed range-test curve and ``torch-lr-finder``'s (dashed), on a log rate axis.

    ``facts`` is what :func:`lrcourse.lessons.range_test.compare_with_torch_lr_finder`
    returned; on the same run the two curves lie on top of each other.
    """
    ours, theirs = facts["ours"], facts["theirs"]
    ax = plot_range_curves(ours["lr"], {"lrcourse LRFinder": ours["loss"]}, ax=ax,
                           title="Our range test and torch-lr-finder's, same run")
    ax.plot(theirs["lr"], theirs["loss"], linestyle="--", color="C1", label="torch-lr-finder")
    ax.legend(fontsize="small")
    return ax


Curves = Mapping[int, tuple[Sequence[float], Sequence[float]]]



def range_test_figure(
    curves: Curves, num_iter: int, smooth_f: float = 0.05, rule: str = "steepest"
) -> tuple[Figure, str]:
    """The sweep of ``num_iter`` iterations read with ``smooth_f`` and ``rule``, and a line of facts.

    Example (a made-up curve over 2 decades that falls, then rises):
        >>> lrs = [1e-3 * 10 ** (i / 20) for i in range(41)]
        >>> raw = [2.0 - i / 20 if i < 30 else 0.5 + (i - 30) / 5 for i in range(41)]
        >>> range_test_figure({41: (lrs, raw)}, 41, smooth_f=0.2)[1]
        '41 iterations, 20 per decade; f = 0.2 lags 4 iterations = 0.2 decades. steepest: 0.0282, 0.05 decades above the loss minimum 0.0251'
    """
    check_choice("num_iter", num_iter, tuple(sorted(curves)))
    lrs, raw = curves[num_iter]
    reading = read_sweep(lrs, raw, smooth_f=smooth_f, rule=rule)
    fig = Figure(figsize=(7.0, 3.6))
    draw_sweep_reading(fig.subplots(), lrs, raw, reading, rule)
    fig.tight_layout()
    offset = reading["offset"]
    where = "at" if round(offset, 2) == 0 else ("below" if offset < 0 else "above")
    distance = "" if where == "at" else f"{abs(offset):.2f} decades "
    text = (
        f"{num_iter} iterations, {reading['per_decade']:.0f} per decade; f = {smooth_f:g} lags "
        f"{reading['lag_iterations']:.0f} iterations = {reading['lag_decades']:.2g} decades. "
        f"{rule}: {reading['suggestion']:.3g}, {distance}{where} the loss minimum "
        f"{reading['loss_minimum']:.3g}"
    )
    return fig, text
