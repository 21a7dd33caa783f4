"""Widget of the gradient-descent-variants lesson: batch size and learning rate -> loss curve.

Its update function is :func:`lrcourse.plots.variants.batch_size_figure`.
"""

from __future__ import annotations

import ipywidgets as W

from lrcourse._checks import check_choice
from lrcourse.plots.variants import BATCH_SIZES, batch_size_figure
from lrcourse.widgets._base import Panel, slider

__all__ = [
    "batch_size_explorer",
]






def batch_size_explorer(batch_size: int = 32, lr: float = 0.1, epochs: int = 5) -> Panel:
    """Sliders for the batch size (1 to 1,438), the learning rate (0.001 to 3) and epochs."""
    batch_size = check_choice("batch_size", batch_size, BATCH_SIZES)
    return Panel(
        "Batch size and learning rate: softmax regression on the digits",
        [
            W.SelectionSlider(options=list(BATCH_SIZES), value=batch_size,
                              description="batch size", continuous_update=False),
            slider(W.FloatLogSlider, "lr", lr, base=10, min=-3, max=0.5, step=0.1,
                   description="lr", continuous_update=False),
            slider(W.IntSlider, "epochs", epochs, min=1, max=20, description="epochs",
                   continuous_update=False),
        ],
        batch_size_figure,
        names=["batch_size", "lr", "epochs"],
    )
