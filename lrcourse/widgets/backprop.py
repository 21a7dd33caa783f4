"""Widget of the backpropagation lesson: train the 2-2-2 network with your own settings."""

from __future__ import annotations

import ipywidgets as W
from matplotlib.figure import Figure

from lrcourse.backprop import train
from lrcourse.plots.backprop import plot_training_error
from lrcourse.widgets._base import Panel, checkbox, slider

__all__ = ["training_explorer", "training_figure"]

#: The worked example's settings, drawn in grey for comparison.
REFERENCE_LR = 0.5


def training_figure(lr: float, steps: int, update_biases: bool = False) -> tuple[Figure, str]:
    """The error of the 2-2-2 network over ``steps`` updates at rate ``lr``.

    The worked example's run (lr = 0.5, biases fixed) is drawn in grey behind it.

    Example:
        >>> training_figure(0.5, 10_000)[1]
        'lr = 0.5, biases fixed: E_total 0.298371 → 3.51019e-05 after 10,000 updates'
    """
    errors = train(steps, lr=lr, update_biases=update_biases)
    fig = Figure(figsize=(7.0, 3.6))
    ax = fig.subplots()
    reference = train(steps, lr=REFERENCE_LR)
    ax.plot(range(len(reference)), reference, color="0.7", lw=3,
            label=f"worked example: lr = {REFERENCE_LR:g}, biases fixed")
    plot_training_error(errors, ax, lr=lr)
    ax.lines[1].set_label(f"lr = {lr:g}, biases {'trained' if update_biases else 'fixed'}")
    ax.legend(fontsize="small")
    fig.tight_layout()
    text = (
        f"lr = {lr:g}, biases {'trained' if update_biases else 'fixed'}: "
        f"E_total {errors[0]:.6f} → {errors[-1]:.6g} after {steps:,} updates"
    )
    return fig, text


def training_explorer(lr: float = 0.5, steps: int = 10_000, update_biases: bool = False) -> Panel:
    """Sliders for the learning rate (0.01 to 10) and the number of updates; a bias switch."""
    return Panel(
        "Training the 2-2-2 network",
        [
            slider(W.FloatLogSlider, "lr", lr, base=10, min=-2, max=1, step=0.1,
                   description="lr", continuous_update=False),
            slider(W.IntSlider, "steps", steps, min=100, max=20_000, step=100,
                   description="updates", continuous_update=False),
            checkbox("update_biases", update_biases, description="train the biases too"),
        ],
        training_figure,
        names=["lr", "steps", "update_biases"],
    )
