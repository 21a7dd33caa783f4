"""Explore a finished sweep: pick an optimizer and a learning rate, see its valley and curves.

Its update function is :func:`lrcourse.plots.grid.sweep_view`. The widget only reads a ``SweepResult`` computed beforehand (with
``record_every`` set, so every run has curves), so it answers at once.
"""

from __future__ import annotations

import ipywidgets as W

from lrcourse._checks import check_range
from lrcourse.lessons.grid import find_run, optimizers_of, rates_of
from lrcourse.plots.grid import sweep_view
from lrcourse.sweep import SweepResult
from lrcourse.widgets._base import Panel, dropdown

__all__ = [
    "sweep_explorer",
]


def sweep_explorer(
    result: SweepResult, optimizer: str | None = None, lr: float | None = None
) -> W.VBox:
    """A Panel: a drop-down of the sweep's optimizers and a slider over its rates.

    ``lr`` starts the slider at the sweep's rate closest to it (on a log scale); it
    must lie between the sweep's smallest and largest rate.
    """
    if not isinstance(result, SweepResult):
        raise ValueError(f"result must be a SweepResult, got {type(result).__name__}")
    names = optimizers_of(result)
    optimizer = names[0] if optimizer is None else optimizer
    choose = dropdown("optimizer", optimizer, names, description="optimizer")
    rates = rates_of(result)
    if lr is not None:
        check_range("lr", lr, min(rates), max(rates))
    start = find_run(result, optimizer, rates[len(rates) // 2] if lr is None else lr).lr
    slide = W.SelectionSlider(options=[(f"{r:.3g}", r) for r in rates], value=start,
                              description="lr", continuous_update=False)
    return Panel(
        "Valley and curves of one optimizer at one learning rate",
        [choose, slide],
        lambda optimizer, lr: sweep_view(result, optimizer, lr),
        names=["optimizer", "lr"],
    )
