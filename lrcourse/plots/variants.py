"""Figures of the gradient-descent-variants lesson: BGD, SGD and mini-batch side by side.

Every function draws on the axes it is given (or on new pyplot axes when
``ax`` is None) and returns them, so the widget can draw the same pictures on a
``matplotlib.figure.Figure``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from lrcourse._checks import check_choice, check_nonempty
from lrcourse.lessons.variants import VariantRun, digits_problem, train_variant
from lrcourse.plots._base import new_axes

__all__ = [
    "VARIANT_COLORS",
    "plot_runs",
    "plot_sgd_noise",
    "variant_color",
    "BATCH_SIZES",
    "batch_size_figure",
]

#: One colour per variant, the same in every figure of the lesson.
VARIANT_COLORS = {"BGD": "#1f77b4", "mini-batch": "#2ca02c", "SGD": "#d62728"}

_AXES = {
    "iterations": "updates (iterations)",
    "samples": "training samples seen",
    "seconds": "CPU time of the updates (s, this machine)",
}

_PER = {"iterations": "update", "samples": "sample seen", "seconds": "second of updates"}


def variant_color(run: VariantRun) -> str:
    """The colour of a run's variant (BGD blue, mini-batch green, SGD red)."""
    return VARIANT_COLORS.get(run.name, "0.4")


def plot_runs(
    runs: Sequence[VariantRun],
    x: str = "iterations",
    ax: Axes | None = None,
    logx: bool = False,
    title: str | None = None,
) -> Axes:
    """Full training loss of each run against updates, samples seen or update time.

    Args:
        runs: the runs to compare.
        x: ``"iterations"``, ``"samples"`` or ``"seconds"``.
        ax: axes to draw on; new ones when None.
        logx: a log scale for x (budgets that span decades). The start (x = 0)
            cannot be shown on it and is left out.
        title: the figure's title; a default names the x axis.
    """
    check_choice("x", x, tuple(sorted(_AXES)))
    check_nonempty("runs", runs, "VariantRun")
    ax = new_axes(ax)
    for run in runs:
        xs = np.asarray(getattr(run, x), dtype=float)
        ys = np.asarray(run.loss, dtype=float)
        keep = xs > 0 if logx else np.ones_like(xs, dtype=bool)
        ax.plot(xs[keep], ys[keep], color=variant_color(run), lw=1.3,
                label=f"{run.label}, lr = {run.lr:g}")
    if logx:
        ax.set_xscale("log")
    ax.set_xlabel(_AXES[x])
    ax.set_ylabel("training loss (cross-entropy)")
    ax.set_title(title or f"Training loss per {_PER[x]}")
    ax.legend(fontsize="small")
    return ax


def plot_sgd_noise(run: VariantRun, ax: Axes | None = None, updates: int | None = None) -> Axes:
    """What each update of a run sees: its batch's loss (dots) against the full loss (line).

    For SGD each dot is the loss of one sample, anywhere from near 0 (already
    right) to several units (badly wrong): the gradient each step follows is
    just as scattered, which is the noise of SGD.

    Args:
        run: a run recorded with ``eval_every=1``.
        ax: axes to draw on; new ones when None.
        updates: show only the first this many updates.
    """
    if run.iterations[: len(run.loss)] != list(range(len(run.loss))):
        raise ValueError("run must record the full loss after every update (eval_every=1)")
    ax = new_axes(ax)
    n = len(run.batch_loss) if updates is None else min(updates, len(run.batch_loss))
    steps = np.arange(1, n + 1)
    color = variant_color(run)
    ax.plot(steps, run.batch_loss[:n], ".", ms=3, color=color, alpha=0.5,
            label=f"loss of the batch each update uses (B = {run.batch_size})")
    ax.plot(np.arange(n + 1), run.loss[: n + 1], color="black", lw=1.5,
            label="loss on the whole training set")
    ax.set_xlabel("updates (iterations)")
    ax.set_ylabel("loss (cross-entropy)")
    ax.set_title(f"{run.name}: what each update sees, lr = {run.lr:g}")
    ax.legend(fontsize="small", loc="upper right")
    return ax


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
