"""Figures of the range-test lesson, and the side-by-side with torch-lr-finder.

- :func:`plot_range_curves`: loss curves against the rate (log axis), with an
  optional stopping point and vertical marks for suggested rates;
- :func:`compare_with_torch_lr_finder`: run the ``torch-lr-finder`` package on a
  fresh copy of the same model, optimizer and batches as one of our tests, draw both
  curves and return what agrees. Returns ``None`` when the package is not installed.
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import math
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from lrcourse.lr_finder import LRFinder
from lrcourse.plots._base import lr_axis, new_axes

__all__ = ["compare_with_torch_lr_finder", "plot_range_curves"]


def plot_range_curves(
    lrs: Sequence[float],
    curves: Mapping[str, Sequence[float]],
    marks: Mapping[str, float] | None = None,
    stop: int | None = None,
    ax: Axes | None = None,
    title: str = "Learning-rate range test",
    ylabel: str = "training loss",
) -> Axes:
    """Each curve (label -> losses, one per rate of ``lrs``) against the rate on a log axis.

    A curve may be shorter than ``lrs`` (a test that stopped early); non-finite
    losses are left out. ``marks`` draws a dashed vertical line per suggested rate;
    ``stop`` marks the iteration where a test stopped.
    """
    if not curves:
        raise ValueError("curves must hold at least one labelled loss curve, got none")
    ax = new_axes(ax)
    for label, losses in curves.items():
        if len(losses) > len(lrs):
            raise ValueError(
                f"curves[{label!r}] must have at most len(lrs) = {len(lrs)} points, "
                f"got {len(losses)}"
            )
        y = np.asarray(losses, dtype=float)
        y = np.where(np.isfinite(y), y, np.nan)
        ax.plot(lrs[: len(y)], y, label=label)
    if stop is not None:
        ax.axvline(lrs[stop], color="0.3", linestyle=":", label=f"stop at iteration {stop}")
    for i, (label, lr) in enumerate((marks or {}).items()):
        ax.axvline(lr, color=f"C{i + 3}", linestyle="--", label=f"{label}: {lr:.2e}")
    lr_axis(ax)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.legend(fontsize="small")
    return ax


def compare_with_torch_lr_finder(
    ours: LRFinder,
    make_model: Callable[[], Any],
    make_optimizer: Callable[[Any], Any],
    make_loader: Callable[[], Iterable],
    criterion: Callable[[Any, Any], Any],
    ax: Axes | None = None,
    **range_test: Any,
) -> dict[str, Any] | None:
    """Repeat ``ours``'s range test with ``torch_lr_finder.LRFinder`` and compare.

    ``make_model()``, ``make_optimizer(params)`` and ``make_loader()`` must rebuild
    exactly what ``ours`` ran on (same seeds), and ``range_test`` holds the same
    keyword arguments (``start_lr``, ``end_lr``, ``num_iter``...). Their progress
    bar and messages are silenced. When ``ax`` is given both curves are drawn on it.

    Returns ``None`` if ``torch_lr_finder`` is not installed, else a dict with
    ``points`` (ours, theirs), ``common`` (points both recorded), ``same_rates``,
    ``max_abs_difference`` (between the smoothed curves over the common points),
    ``steepest`` (ours, theirs: the steepest-descent rule with the same skips on
    each curve) and ``theirs`` (their ``history``).
    """
    if not ours.history["lr"]:
        raise ValueError("ours must be an LRFinder whose range_test has run, got an empty history")
    if importlib.util.find_spec("torch_lr_finder") is None:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import torch_lr_finder
        import torch_lr_finder.lr_finder as their_module
    from tqdm.std import tqdm

    def quiet_tqdm(*args: Any, **kwargs: Any) -> Any:
        return tqdm(*args, **{**kwargs, "disable": True})

    model = make_model()
    theirs = torch_lr_finder.LRFinder(model, make_optimizer(model.parameters()), criterion)
    original = their_module.tqdm
    their_module.tqdm = quiet_tqdm  # their notebook bar would be stored in the lesson
    try:
        with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs.range_test(make_loader(), **range_test)
            theirs.reset()
    finally:
        their_module.tqdm = original
    a, b = ours.history, theirs.history
    n = min(len(a["loss"]), len(b["loss"]))
    diff = [abs(x - y) for x, y in zip(a["loss"][:n], b["loss"][:n], strict=True)]
    finite = [d for d in diff if math.isfinite(d)]
    with contextlib.redirect_stdout(io.StringIO()):  # it prints its suggestion
        _, their_steepest = theirs.plot(ax=Figure().subplots(), suggest_lr=True)
    facts = {
        "points": (len(a["loss"]), len(b["loss"])),
        "common": n,
        "same_rates": list(a["lr"][:n]) == list(b["lr"][:n]),
        "max_abs_difference": max(finite) if finite else math.nan,
        # Their suggestion comes from their plot(), with its default skips (10 and 5).
        "steepest": (ours.suggestion("steepest"), float(their_steepest)),
        "theirs": b,
    }
    if ax is not None:
        plot_range_curves(a["lr"], {"lrcourse LRFinder": a["loss"]}, ax=ax,
                          title="Our range test and torch-lr-finder's, same run")
        ax.plot(b["lr"], b["loss"], linestyle="--", color="C1", label="torch-lr-finder")
        ax.legend(fontsize="small")
    return facts
