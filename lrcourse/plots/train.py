"""Figures of a training run recorded by :func:`lrcourse.train.fit`."""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from matplotlib.axes import Axes

from lrcourse._checks import check_length
from lrcourse.plots._base import lr_axis
from lrcourse.train import History

__all__ = ["plot_histories"]


def plot_histories(
    histories: Mapping[str, History],
    axes: Sequence[Axes] | None = None,
    title: str = "",
) -> Sequence[Axes]:
    """Three panels per set of runs: rate per step, training loss per step, validation accuracy.

    ``axes`` is three axes (new ones in a row when None). A run that diverged ends
    where its loss became infinite or NaN; non-finite losses are not drawn.
    """
    if axes is None:
        import matplotlib.pyplot as plt

        _, axes = plt.subplots(1, 3, figsize=(13, 3.6))
    check_length("axes", axes, 3, "panel (rate, training loss, validation accuracy)")
    ax_lr, ax_loss, ax_acc = axes
    for label, history in histories.items():
        line = ax_lr.plot([r if r > 0 else math.nan for r in history.lr], lw=1.5, label=label)
        color = line[0].get_color()
        ax_loss.plot([v if math.isfinite(v) else math.nan for v in history.loss], lw=0.8,
                     color=color, label=label)
        ax_acc.plot(history.val_step, history.val_accuracy, "-o", ms=3, color=color, label=label)
    lr_axis(ax_lr, "y")
    ax_lr.set_xlabel("step (batch)")
    ax_lr.set_title("learning rate")
    ax_loss.set_yscale("log")
    ax_loss.set_xlabel("step (batch)")
    ax_loss.set_ylabel("training loss (cross-entropy)")
    ax_loss.set_title("training loss per batch")
    ax_acc.set_xlabel("step (batch)")
    ax_acc.set_ylabel("validation accuracy")
    ax_acc.set_ylim(0, 1)
    ax_acc.set_title("validation accuracy")
    for ax in axes:
        ax.legend(fontsize="small")
    if title:
        ax_lr.figure.suptitle(title)
    return axes
