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
from lrcourse.lessons.variants import BatchScan, VariantRun, digits_problem, train_variant
from lrcourse.plots._base import lr_axis, new_axes

__all__ = [
    "VARIANT_COLORS",
    "plot_runs",
    "plot_sgd_noise",
    "variant_color",
    "BATCH_SIZES",
    "batch_size_figure",
    "plot_best_rates",
    "plot_updates_to_loss",
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


def _batch_axis(ax: Axes, batch_sizes: Sequence[int]) -> None:
    """Batch sizes on a log axis, labelled with every other size and the last one."""
    ax.set_xscale("log", base=2)
    ticks = sorted(set(list(batch_sizes)[::2]) | {batch_sizes[-1]})
    ax.set_xticks(ticks, [str(b) for b in ticks])
    ax.minorticks_off()


def plot_best_rates(
    scans: Sequence[BatchScan],
    ax: Axes | None = None,
    edge: float | None = None,
    title: str = "Best learning rate against batch size",
) -> Axes:
    """The best rate of each batch size (large markers) and each seed's own (small dots).

    For each scan, a dashed line continues its smallest batch size's best rate
    with the linear scaling rule (rate proportional to B); with ``edge``, a dotted
    line marks a rate, such as ``2 / lambda_max`` at the start.
    """
    ax = new_axes(ax)
    colors = {"SGD": "#2ca02c", "Adam": "#9467bd"}
    for scan in scans:
        color = colors.get(scan.optimizer, "0.3")
        sizes = np.array(scan.batch_sizes, dtype=float)
        best = np.array([scan.best_rate(b) for b in scan.batch_sizes])
        for b in scan.batch_sizes:
            seed_best = scan.seed_best_rates(b)
            ax.plot([b] * len(seed_best), seed_best, ".", color=color, alpha=0.35, ms=5)
        ax.plot(sizes, best, "o-", color=color, ms=7, label=f"{scan.optimizer}: best rate")
        ax.plot(sizes, best[0] * sizes / sizes[0], "--", color=color, lw=1,
                label=f"{scan.optimizer}: linear rule from B = {scan.batch_sizes[0]}")
        if scan.optimizer == "Adam":
            ax.plot(sizes, best[0] * np.sqrt(sizes / sizes[0]), ":", color=color, lw=1.5,
                    label=f"{scan.optimizer}: square-root rule from B = {scan.batch_sizes[0]}")
    if edge is not None:
        ax.axhline(edge, color="black", ls=":", lw=1.2, label=rf"$2 / \lambda_{{\max}}$ at the start = {edge:.2f}")
    _batch_axis(ax, scans[0].batch_sizes)
    lr_axis(ax, "y", "best learning rate")
    rates = [r for scan in scans for r in scan.rates]
    ax.set_ylim(min(rates) / 1.5, max(rates) * 1.5)
    ax.set_xlabel("batch size B (samples per update)")
    ax.set_title(title)
    ax.legend(fontsize="small")
    return ax


def plot_updates_to_loss(
    batch_sizes: Sequence[int],
    updates: Sequence[Sequence[float]],
    target: float,
    ax: Axes | None = None,
) -> Axes:
    """Updates needed to reach ``target`` against the batch size (median and each seed),
    with the line of perfect scaling (half the updates for twice the batch)."""
    ax = new_axes(ax)
    sizes = np.array(batch_sizes, dtype=float)
    counts = np.array(updates, dtype=float)
    for b, row in zip(sizes, counts, strict=True):
        ax.plot([b] * len(row), row, ".", color="#1f77b4", alpha=0.35, ms=5)
    median = np.median(counts, axis=1)
    ax.plot(sizes, median, "o-", color="#1f77b4", ms=7, label="fewest updates (median of seeds)")
    ax.plot(sizes, median[0] * sizes[0] / sizes, "--", color="0.4", lw=1,
            label="perfect scaling: updates proportional to 1 / B")
    _batch_axis(ax, batch_sizes)
    ax.set_yscale("log")
    ax.set_ylim(median.min() / 3, median.max() * 2)
    ax.set_xlabel("batch size B (samples per update)")
    ax.set_ylabel(f"updates to reach loss {target:g}")
    ax.set_title(f"Updates to reach a training loss of {target:g}")
    ax.legend(fontsize="small")
    return ax
