"""Figures of the learning-rate lesson: gradient descent on y = 4 x^2.

Every function draws on the axes it is given (or on new pyplot axes when
``ax`` is None) and returns them, so the widgets can draw the same pictures on
a ``matplotlib.figure.Figure``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from lrcourse._checks import check_length
from lrcourse.lessons.descent import (
    CURVATURE,
    Trajectory,
    classify_rate,
    critical_rates,
    descend_parabola,
    factor,
    gradient_descent,
    parabola,
)
from lrcourse.plots._base import lr_axis, new_axes

__all__ = [
    "plot_factor",
    "plot_iterates",
    "plot_loss",
    "plot_path",
    "plot_rate_grid",
    "plot_valley",
    "rate_color",
    "descent_figure",
    "first_step_figure",
]

_PALETTE = ("#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#d62728", "#8c564b", "#17becf")
_COURSE_COLORS = {0.01: 0, 0.1: 1, 0.125: 2, 0.2: 3, 0.3: 4}


def rate_color(lr: float, index: int = 0) -> str:
    """One colour per course rate (the same in every figure), else by ``index``."""
    return _PALETTE[_COURSE_COLORS.get(lr, index) % len(_PALETTE)]


def plot_path(
    trajectory: Trajectory,
    ax: Axes | None = None,
    loss: Callable[[float], float] = parabola,
    color: str | None = None,
) -> Axes:
    """The loss curve and the points gradient descent visited on it, joined in order."""
    ax = new_axes(ax)
    color = color or rate_color(trajectory.lr)
    xs = np.asarray(trajectory.x, dtype=float)
    finite = xs[np.isfinite(xs)]
    reach = max(2.5, 1.1 * float(np.max(np.abs(finite)))) if finite.size else 2.5
    grid = np.linspace(-reach, reach, 201)
    ax.plot(grid, [loss(v) for v in grid], color="0.3", lw=1.2, label="y = 4x²")
    ys = [loss(v) for v in trajectory.x]
    ax.plot(xs, ys, "-o", color=color, ms=4, lw=1, label=f"path, lr = {trajectory.lr:g}")
    ax.plot(xs[:1], ys[:1], "s", color=color, ms=7, label=f"start x₀ = {xs[0]:g}")
    ax.set_title(f"Descent path, lr = {trajectory.lr:g}")
    ax.set_xlabel("x")
    ax.set_ylabel("loss y")
    ax.legend(fontsize="small", loc="upper center")
    return ax


def plot_loss(trajectory: Trajectory, ax: Axes | None = None, color: str | None = None) -> Axes:
    """Loss against iteration for one run (``trajectory.loss`` must be recorded)."""
    if trajectory.loss is None:
        raise ValueError("trajectory must record the loss (pass loss= to gradient_descent)")
    ax = new_axes(ax)
    color = color or rate_color(trajectory.lr)
    ax.plot(range(len(trajectory.loss)), trajectory.loss, "-o", color=color, ms=4,
            label=f"lr = {trajectory.lr:g}")
    ax.set_title(f"Loss per iteration, lr = {trajectory.lr:g}")
    ax.set_xlabel("iteration k")
    ax.set_ylabel("loss y = 4x²")
    ax.legend(fontsize="small")
    return ax


def plot_rate_grid(trajectories: Sequence[Trajectory], axes: np.ndarray) -> np.ndarray:
    """One column per run: its loss per iteration on top, its path on the curve below.

    ``axes`` is a 2 x n array of axes, e.g. from ``plt.subplots(2, n)``.
    """
    axes = np.asarray(axes)
    if axes.shape != (2, len(trajectories)):
        raise ValueError(
            f"axes must be a 2 x {len(trajectories)} array, one column per run, "
            f"got shape {axes.shape}"
        )
    for column, trajectory in enumerate(trajectories):
        plot_loss(trajectory, axes[0, column])
        plot_path(trajectory, axes[1, column])
        axes[0, column].set_title(f"lr = {trajectory.lr:g}\n{classify_rate(trajectory.lr)}",
                                  fontsize="medium")
        axes[1, column].set_title("path on the curve", fontsize="medium")
    return axes


def plot_factor(
    ax: Axes | None = None,
    rates: Sequence[float] = (0.01, 0.1, 0.125, 0.2, 0.3),
    curvature: float = CURVATURE,
) -> Axes:
    """|1 - c lr| against lr, with the regions it creates and the given rates marked."""
    ax = new_axes(ax)
    one_step, edge = critical_rates(curvature)
    top = 1.3 * edge
    lrs = np.linspace(0.0, top, 301)
    ax.axvspan(0, one_step, color="tab:green", alpha=0.10, label="shrinks, same side")
    ax.axvspan(one_step, edge, color="tab:orange", alpha=0.12, label="shrinks, flips side")
    ax.axvspan(edge, top, color="tab:red", alpha=0.10, label="grows: diverges")
    ax.plot(lrs, np.abs(1.0 - curvature * lrs), color="k", lw=1.5, label="|1 − 8·lr|")
    ax.axhline(1.0, color="0.4", ls="--", lw=1)
    for k, lr in enumerate(rates):
        ax.plot([lr], [abs(factor(lr, curvature))], "o", color=rate_color(lr, k), ms=7)
        ax.annotate(f"{lr:g}", (lr, abs(factor(lr, curvature))), textcoords="offset points",
                    xytext=(4, 6), fontsize="small")
    ax.set_xticks([0, one_step / 2, one_step, (one_step + edge) / 2, edge])
    ax.set_xlim(0, top)
    ax.set_ylim(0, 1.6)
    ax.set_title("How much one step shrinks x: the factor |1 − 8·lr|")
    ax.set_xlabel("learning rate lr")
    ax.set_ylabel(r"$|x_{k+1}| / |x_k|$")
    ax.legend(fontsize="small", loc="upper left")
    return ax


def plot_iterates(trajectories: Sequence[Trajectory], ax: Axes | None = None) -> Axes:
    """The iterates x_k against k, one line per run."""
    ax = new_axes(ax)
    for k, trajectory in enumerate(trajectories):
        ax.plot(range(len(trajectory.x)), trajectory.x, "-o", ms=3, lw=1,
                color=rate_color(trajectory.lr, k + 3),
                label=f"lr = {trajectory.lr:g} ({classify_rate(trajectory.lr)})")
    ax.axhline(0.0, color="0.4", lw=0.8)
    ax.set_title("Iterates near the edge of stability")
    ax.set_xlabel("iteration k")
    ax.set_ylabel(r"$x_k$")
    ax.legend(fontsize="small", loc="upper left")
    return ax


def plot_valley(
    lrs: Sequence[float],
    steps: Sequence[int | None],
    max_steps: int,
    ax: Axes | None = None,
    curvature: float = CURVATURE,
) -> Axes:
    """Steps needed to reach the tolerance against the learning rate (log axis).

    Rates whose run did not get there within ``max_steps`` are drawn at the
    budget line: grey when the rate was too small, red when it diverged (or sat
    at the edge). The band of rates that trained is shaded.
    """
    check_length("steps", steps, len(lrs), "rate")
    ax = new_axes(ax)
    trained = [(lr, s) for lr, s in zip(lrs, steps, strict=True) if s is not None]
    unstable = {"oscillates at the edge", "diverges"}
    slow = [lr for lr, s in zip(lrs, steps, strict=True)
            if s is None and classify_rate(lr, curvature) not in unstable]
    blown = [lr for lr, s in zip(lrs, steps, strict=True)
             if s is None and classify_rate(lr, curvature) in unstable]
    if trained:
        ax.axvspan(min(lr for lr, _ in trained), max(lr for lr, _ in trained),
                   color="tab:green", alpha=0.08, label="band that trains")
        ax.plot(*zip(*trained, strict=True), "-o", ms=3, color="tab:blue", label="steps needed")
    ax.plot(slow, [max_steps] * len(slow), "o", mfc="none", color="0.5",
            label=f"too slow: not there in {max_steps} steps")
    ax.plot(blown, [max_steps] * len(blown), "x", color="tab:red", label="diverges")
    ax.axhline(max_steps, color="0.5", ls=":", lw=1)
    one_step, edge = critical_rates(curvature)
    ax.axvline(one_step, color="tab:purple", ls="--", lw=1, label=f"one-step rate {one_step:g}")
    ax.axvline(edge, color="tab:red", ls="--", lw=1, label=f"edge {edge:g}")
    lr_axis(ax)
    ax.set_yscale("log")
    ax.set_ylabel("steps to reach |x| ≤ tol")
    ax.set_title("The valley: steps needed against the learning rate")
    ax.legend(fontsize="small", loc="lower left")
    return ax


def descent_figure(lr: float, steps: int, x0: float = 2.0) -> tuple[Figure, str]:
    """The path of ``steps`` updates on y = 4 x^2 at rate ``lr``, and a one-line verdict.

    Example:
        >>> fig, text = descent_figure(0.125, 3)
        >>> text
        'lr = 0.125: factor 1 − 8·lr = +0.000, converges in one step; x after 3 steps = 0'
    """
    trajectory = descend_parabola(lr, steps=steps, x0=x0)
    fig = Figure(figsize=(9.0, 3.4))
    ax_path, ax_loss = fig.subplots(1, 2)
    color = "tab:blue"
    plot_path(trajectory, ax_path, color=color)
    plot_loss(trajectory, ax_loss, color=color)
    fig.tight_layout()
    text = (
        f"lr = {trajectory.lr:.3f}: factor 1 − 8·lr = {factor(trajectory.lr) + 0.0:+.3f}, "
        f"{classify_rate(trajectory.lr)}; x after {trajectory.steps} steps = "
        f"{trajectory.final + 0.0:.4g}"
    )
    return fig, text



def first_step_figure(lr: float, w0: float = 1.0) -> tuple[Figure, str]:
    """One SGD step on the loss w^2/2 from ``w0``: ``w1 = w0 - lr * w0``.

    Example:
        >>> first_step_figure(0.1)[1]
        'gradient at w = 1 is 1; w after one step = 1 − 0.1 × 1 = 0.9'
    """
    # The gradient of w^2/2 is w itself.
    w_start, w_end = gradient_descent(lambda w: w, w0, lr, steps=1).x
    fig = Figure(figsize=(5.6, 3.4))
    ax = fig.subplots()
    reach = max(1.5, 1.1 * abs(w_start), 1.1 * abs(w_end))
    grid = np.linspace(-reach, reach, 201)
    ax.plot(grid, grid**2 / 2, color="0.3", lw=1.2, label="loss w²/2")
    ax.plot([w_start], [w_start**2 / 2], "s", color="tab:blue", ms=7, label=f"start w = {w0:g}")
    ax.plot([w_end], [w_end**2 / 2], "o", color="tab:orange", ms=7,
            label=f"after one step w = {w_end:.3g}")
    ax.annotate("", (w_end, w_end**2 / 2), (w_start, w_start**2 / 2),
                arrowprops={"arrowstyle": "->", "color": "tab:orange"})
    ax.set_title(f"One SGD step with lr = {lr:g}")
    ax.set_xlabel("weight w")
    ax.set_ylabel("loss")
    ax.legend(fontsize="small", loc="upper center")
    fig.tight_layout()
    text = (
        f"gradient at w = {w0:g} is {w0:g}; "
        f"w after one step = {w0:g} − {lr:g} × {w0:g} = {w_end:.4g}"
    )
    return fig, text
