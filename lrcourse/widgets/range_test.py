"""Widget of the range-test lesson: sweep length, smoothing and rule -> where the suggestion lands.

:func:`lrcourse.plots.range_test.range_test_figure` is the plain update function (tested without a browser);
:func:`range_test_explorer` wraps it in a :class:`~lrcourse.widgets._base.Panel`.

Running a range test for every slider position would take a second or more each
time. The widget does not train at all: it is given raw curves recorded once, one
per sweep length (``curves[num_iter] = (lrs, raw_losses)``, recorded without a
stop), and every change only re-smooths the stored curve, applies the divergence
stop and the rule (:func:`lrcourse.plots.range_test.read_sweep`), which takes
milliseconds. The smoothing and the rule change nothing in training, so this
gives exactly what a new test with those settings would give.
"""

from __future__ import annotations

import ipywidgets as W

from lrcourse._checks import check_nonempty
from lrcourse.lr_finder import METHODS
from lrcourse.plots.range_test import Curves, range_test_figure

__all__ = [
    "range_test_explorer",
]


def range_test_explorer(
    curves: Curves, num_iter: int | None = None, smooth_f: float = 0.05, rule: str = "steepest"
) -> W.VBox:
    """Sweep length (one of ``curves``), smoothing factor and rule -> the reading of the test."""
    from lrcourse.widgets._base import Panel

    check_nonempty("curves", curves, "recorded sweep")
    counts = sorted(curves)
    return Panel(
        "Range test: sweep length, smoothing and rule",
        [
            W.SelectionSlider(options=counts, value=num_iter if num_iter is not None else counts[0],
                              description="iterations", continuous_update=False),
            W.FloatSlider(value=smooth_f, min=0.0, max=0.3, step=0.01, description="smoothing f",
                          readout_format=".2f", continuous_update=False),
            W.Dropdown(options=list(METHODS), value=rule, description="rule"),
        ],
        lambda num_iter, smooth_f, rule: range_test_figure(curves, num_iter, smooth_f, rule),
        names=["num_iter", "smooth_f", "rule"],
    )
