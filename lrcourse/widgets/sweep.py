"""Explore a finished sweep: pick an optimizer and a learning rate, see its valley and curves.

The widget only reads a ``SweepResult`` computed beforehand (with
``record_every`` set, so every run has curves), so it answers at once.
"""

from __future__ import annotations

import math

import ipywidgets as W
from matplotlib.figure import Figure

from lrcourse._checks import check_positive, check_range, shown
from lrcourse.plots.sweep import valley_plot
from lrcourse.sweep import Run, SweepResult
from lrcourse.valleys import optimizers_of, rates_of
from lrcourse.widgets._base import Panel, dropdown

__all__ = ["describe_run", "find_run", "sweep_explorer", "sweep_view"]


def find_run(result: SweepResult, optimizer: str, lr: float) -> Run:
    """The run of ``optimizer`` whose rate is closest to ``lr`` (on a log scale)."""
    if not isinstance(result, SweepResult):
        raise ValueError(f"result must be a SweepResult, got {type(result).__name__}")
    rows = result.select(optimizer) if isinstance(optimizer, str) else []
    if not rows:
        raise ValueError(f"optimizer must be one of {optimizers_of(result)}, got {shown(optimizer)}")
    lr = check_positive("lr", lr)
    return min(rows, key=lambda r: abs(math.log(r.lr) - math.log(lr)))


def describe_run(run: Run, target: float | None) -> str:
    """One sentence on how a run ended."""
    goal = f"{target:.0%}" if target else "the target"
    if run.status == "reached":
        how = f"reached {goal} training accuracy in {run.steps} steps"
    elif run.status == "diverged":
        how = f"diverged at step {run.stopped_at}"
    else:
        how = f"stopped at the cap of {run.stopped_at} steps short of {goal}"
    acc = f"final training accuracy {run.train_accuracy:.3f}"
    if run.val_accuracy is not None:
        acc += f", validation {run.val_accuracy:.3f}"
    return f"{run.optimizer} with lr {run.lr:.3g}: {how} ({acc})."


def sweep_view(result: SweepResult, optimizer: str, lr: float) -> tuple[Figure, str]:
    """The widget's update: the optimizer's valley with ``lr`` marked, and that run's curves.

    Left: steps to target vs rate (``valley_plot``). Right: the run's recorded
    training and validation accuracy (and its final point, which a diverged run
    reaches between two recordings).
    """
    run = find_run(result, optimizer, lr)
    fig = Figure(figsize=(9.6, 3.4))
    left, right = fig.subplots(1, 2)
    valley_plot(result, [optimizer], ax=left, mark_lr=run.lr)
    h = run.history
    steps = list(h.step) if h is not None else []
    train = list(h.train_accuracy) if h is not None else []
    val = list(h.val_accuracy) if h is not None else []
    if not steps or steps[-1] != run.stopped_at:
        steps.append(run.stopped_at)
        train.append(run.train_accuracy)
        if run.val_accuracy is not None and val:
            val.append(run.val_accuracy)
    right.plot(steps, train, marker=".", label="training accuracy")
    if val:
        right.plot(steps[: len(val)], val, marker=".", label="validation accuracy")
    if result.target_accuracy:
        right.axhline(result.target_accuracy, color="grey", linestyle="--", linewidth=0.8,
                      label=f"target {result.target_accuracy:.0%}")
    right.set_ylim(0, 1.02)
    right.set_xlabel("training step")
    right.set_ylabel("accuracy")
    right.set_title(f"{run.optimizer}, lr {run.lr:.3g}")
    right.legend(fontsize="small")
    fig.tight_layout()
    return fig, describe_run(run, result.target_accuracy)


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
