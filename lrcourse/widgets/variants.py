"""Widget of the gradient-descent-variants lesson: batch size and learning rate -> loss curve."""

from __future__ import annotations

import ipywidgets as W
import numpy as np
from matplotlib.figure import Figure

from lrcourse._checks import check_choice
from lrcourse.plots.variants import plot_runs
from lrcourse.variants import digits_problem, train_variant
from lrcourse.widgets._base import Panel, slider

__all__ = ["BATCH_SIZES", "batch_size_explorer", "batch_size_figure"]

#: The batch sizes the slider offers: SGD (1) up to BGD (all 1,438 training digits).
BATCH_SIZES = (1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1438)

# Evaluating the full loss after every SGD update would cost more than the training.
_MAX_POINTS = 300


def batch_size_figure(
    batch_size: int, lr: float, epochs: int = 5, seed: int = 0
) -> tuple[Figure, str]:
    """Train softmax regression on the digits and draw its loss per update and per sample.

    Example:
        >>> batch_size_figure(1438, 0.1, epochs=2)[1]
        'BGD (B = 1438): 1 update per epoch, 2 updates, 2876 samples; training loss 2.0372'
    """
    X, y = digits_problem()
    per_epoch = -(-len(X) // min(batch_size, len(X)))
    eval_every = max(1, per_epoch * epochs // _MAX_POINTS)
    run = train_variant(X, y, batch_size, lr, epochs, seed=seed, eval_every=eval_every)
    fig = Figure(figsize=(9.0, 3.4))
    ax_it, ax_samples = fig.subplots(1, 2, sharey=True)
    plot_runs([run], "iterations", ax_it, title="Loss per update")
    plot_runs([run], "samples", ax_samples, title="Loss per sample seen")
    top = max(2.5, float(np.nanmax(np.minimum(run.loss, 10.0))) * 1.05)
    ax_it.set_ylim(0.0, top)
    fig.tight_layout()
    plural = "" if run.updates_per_epoch == 1 else "s"
    text = (
        f"{run.label}: {run.updates_per_epoch} update{plural} per epoch, "
        f"{run.iterations[-1]} updates, {run.samples[-1]} samples; "
        f"training loss {run.final_loss:.4f}"
    )
    return fig, text


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
