"""Figures of the optimizers-on-surfaces lesson: contour maps, paths, loss curves.

Every function draws on the axes it is given (or on new pyplot axes when
``ax`` is None) and returns them, so the widget can draw the same pictures on
a ``matplotlib.figure.Figure``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from lrcourse._checks import check_choice, check_length, check_nonempty
from lrcourse.lessons.surfaces import ORDER, SURFACES, Path, Surface, run_named
from lrcourse.plots._base import new_axes

__all__ = [
    "optimizer_color",
    "plot_contour",
    "plot_gaps",
    "plot_paths",
    "plot_race",
    "race_figure",
]

_COLORS = dict(zip(ORDER, ("#7f7f7f", "#1f77b4", "#2ca02c", "#9467bd", "#d62728",
                                "#ff7f0e"), strict=True))


def optimizer_color(name: str) -> str:
    """One colour per optimizer, the same in every figure of the lesson."""
    return _COLORS.get(name, "#17becf")


def plot_contour(surface: Surface, ax: Axes | None = None, levels: int = 25) -> Axes:
    """Contour lines of the surface in its window, minima marked with stars.

    The levels are spaced on a square-root scale above the minimum, so the
    floor of a valley shows as well as its walls.
    """
    ax = new_axes(ax)
    xs = np.linspace(*surface.xlim, 241)
    ys = np.linspace(*surface.ylim, 241)
    gx, gy = np.meshgrid(xs, ys)
    gz = surface.f(gx, gy) - surface.f_min
    top = float(np.percentile(gz, 95))
    ax.contour(gx, gy, gz, levels=np.linspace(0, np.sqrt(top), levels)[1:] ** 2,
               colors="0.6", linewidths=0.6)
    mx, my = zip(*surface.minima, strict=True)
    ax.plot(mx, my, "*", color="k", ms=11, label="minimum", zorder=5)
    ax.set_xlim(*surface.xlim)
    ax.set_ylim(*surface.ylim)
    ax.set_xlabel("parameter x")
    ax.set_ylabel("parameter y")
    ax.set_title(surface.formula)
    return ax


def plot_paths(paths: Sequence[Path], ax: Axes | None = None, markers: bool = False) -> Axes:
    """The paths over the contour map of their surface (the start is a square)."""
    check_nonempty("paths", paths, "run")
    ax = plot_contour(paths[0].surface, ax)
    for path in paths:
        xy = np.asarray(path.xy)
        color = optimizer_color(path.name)
        ax.plot(xy[:, 0], xy[:, 1], "-" + ("o" if markers else ""), color=color, lw=1.3,
                ms=2.5, label=f"{path.name} (lr {path.lr:g})")
    ax.plot(*paths[0].xy[0], "s", color="k", ms=6, label="start")
    ax.legend(fontsize="x-small", loc="best")
    return ax


def plot_gaps(paths: Sequence[Path], ax: Axes | None = None) -> Axes:
    """Loss above the minimum, f - f_min, against the step, on a log scale."""
    check_nonempty("paths", paths, "run")
    ax = new_axes(ax)
    for path in paths:
        gap = np.asarray(path.loss) - path.surface.f_min
        # A run that lands exactly on the minimum has gap 0: floor it for the log axis.
        ax.plot(np.maximum(gap, 1e-12), color=optimizer_color(path.name), lw=1.3,
                label=path.name)
    ax.set_yscale("log")
    ax.set_xlabel("step")
    ax.set_ylabel("loss − minimum (log)")
    ax.set_title("Loss above the minimum")
    ax.legend(fontsize="x-small", loc="best")
    return ax


def plot_race(paths: Sequence[Path], axes: Sequence[Axes]) -> Sequence[Axes]:
    """Paths on the contour map (first axes) and their loss gaps (second axes)."""
    check_length("axes", axes, 2, "panel (paths, losses)")
    plot_paths(paths, axes[0])
    plot_gaps(paths, axes[1])
    return axes


def race_figure(
    surface: str,
    optimizer: str,
    lr: float,
    x0: float,
    y0: float,
    steps: int,
    others: bool = False,
) -> tuple[Figure, str]:
    """The path of ``optimizer`` at rate ``lr`` from (x0, y0) on ``surface``, and a verdict.

    ``optimizer`` is one of :data:`lrcourse.optim.OPTIMIZERS`. With ``others`` the
    remaining optimizers run too, at :data:`RATES` of that surface.

    Example:
        >>> fig, text = race_figure("saddle", "Momentum", 0.01, 1.5, 0.001, 300)
        >>> text.split("; ")[-1]
        '|y| > 0.5 after 105 steps'
    """
    check_choice("surface", surface, tuple(sorted(SURFACES)))
    main = run_named(surface, optimizer, lr, (x0, y0), steps)
    paths = [main]
    if others:
        paths += [run_named(surface, n, None, (x0, y0), steps) for n in ORDER
                  if n != optimizer]
    fig = Figure(figsize=(10.0, 4.0))
    axes = fig.subplots(1, 2)
    plot_race(paths, axes)
    fig.tight_layout()
    if main.diverged:
        text = f"{optimizer}, lr = {lr:g}: diverged after {main.steps} steps"
    else:
        x, y = main.final
        text = (
            f"{optimizer}, lr = {lr:g}: after {main.steps} steps at ({x + 0.0:.3f}, "
            f"{y + 0.0:.3f}), {main.distance():.4f} from the nearest minimum, "
            f"loss {main.loss[-1] + 0.0:.5f}"
        )
        if surface == "saddle":
            k = main.steps_to_escape(0.5)
            text += f"; |y| > 0.5 after {k} steps" if k is not None else "; still on the ridge"
    return fig, text
