"""The optimizer race: paths of optimizers on a 2-D loss surface.

- :func:`optimizer_race`: pick a surface, an optimizer, its learning rate, a
  start point and a number of steps; the path is drawn on the contour map
  next to its loss curve, optionally with the other five optimizers at the
  lesson's rates for comparison.

Its update function :func:`race_figure` is a plain function returning a
``Figure`` and a line of text.
"""

from __future__ import annotations

import ipywidgets as W
from matplotlib.figure import Figure

from lrcourse.plots.surfaces import plot_race
from lrcourse.surfaces import OPTIMIZERS, RATES, STARTS, SURFACES, run_named
from lrcourse.widgets._base import Panel, dropdown, slider

__all__ = ["optimizer_race", "race_figure"]


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

    With ``others`` the remaining optimizers run too, at :data:`RATES` of that surface.

    Example:
        >>> fig, text = race_figure("saddle", "Momentum", 0.01, 1.5, 0.001, 300)
        >>> text.split("; ")[-1]
        '|y| > 0.5 after 105 steps'
    """
    if surface not in SURFACES:
        raise ValueError(f"surface must be one of {sorted(SURFACES)}, got {surface!r}")
    main = run_named(surface, optimizer, lr, (x0, y0), steps)
    paths = [main]
    if others:
        paths += [run_named(surface, n, None, (x0, y0), steps) for n in OPTIMIZERS
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


def optimizer_race(surface: str = "saddle", optimizer: str = "Momentum",
                   steps: int = 200) -> Panel:
    """Controls: surface, optimizer, log-scale learning rate, start point, steps, compare."""
    surface_menu = dropdown("surface", surface, sorted(SURFACES), description="surface")
    optimizer_menu = dropdown("optimizer", optimizer, OPTIMIZERS, description="optimizer")
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
