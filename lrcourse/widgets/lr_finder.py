"""Widget of the range-test lesson: sweep length, smoothing and rule -> where the suggestion lands.

:func:`range_test_figure` is the plain update function (tested without a browser);
:func:`range_test_explorer` wraps it in a :class:`~lrcourse.widgets._base.Panel`.

Running a range test for every slider position would take a second or more each
time. The widget does not train at all: it is given raw curves recorded once, one
per sweep length (``curves[num_iter] = (lrs, raw_losses)``, recorded without a
stop), and every change only re-smooths the stored curve, applies the divergence
stop and the rule (:func:`lrcourse.plots.lr_finder.read_sweep`), which takes
milliseconds. The smoothing and the rule change nothing in training, so this
gives exactly what a new test with those settings would give.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import ipywidgets as W
from matplotlib.figure import Figure

from lrcourse.lr_finder import METHODS
from lrcourse.plots.lr_finder import draw_sweep_reading, read_sweep

__all__ = ["range_test_explorer", "range_test_figure"]

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
    if num_iter not in curves:
        raise ValueError(f"num_iter must be one of the recorded sweeps {sorted(curves)}, "
                         f"got {num_iter!r}")
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


def range_test_explorer(
    curves: Curves, num_iter: int | None = None, smooth_f: float = 0.05, rule: str = "steepest"
) -> W.VBox:
    """Sweep length (one of ``curves``), smoothing factor and rule -> the reading of the test."""
    from lrcourse.widgets._base import Panel

    if not curves:
        raise ValueError("curves must hold at least one recorded sweep, got none")
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
