"""Figures of the conditioning lesson, and the update function of its momentum widget.

Every ``plot_*`` function draws on the axes it is given (or on new pyplot axes
when ``ax`` is None) and returns them. :func:`momentum_figure` builds a whole
``matplotlib.figure.Figure`` with a line of text: the widget's update function
and the lesson's static picture of it.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, NullLocator

from lrcourse._checks import check_int, check_range
from lrcourse.lessons.conditioning import (
    RAVINE_START,
    Run,
    gd_best,
    gd_rate,
    heavy_ball_best,
    heavy_ball_error,
    heavy_ball_path,
    heavy_ball_rate,
    jacobi_condition,
    ravine_matrix,
    steps_to_shrink,
)
from lrcourse.plots._base import lr_axis, new_axes

__all__ = [
    "LR_RANGE",
    "K_RANGE",
    "METHOD_COLORS",
    "momentum_figure",
    "plot_convergence",
    "plot_directions",
    "plot_gd_factors",
    "plot_heavy_ball_rates",
    "plot_jacobi_condition",
    "plot_rate_map",
    "plot_ravine_paths",
]

#: The learning rates the rate map and the widget's slider cover.
LR_RANGE = (1e-4, 1.0)

#: The condition numbers the widget's slider covers.
K_RANGE = (1.0, 1000.0)

#: One colour per method, the same in every figure of the lesson.
METHOD_COLORS = {
    "SGD": "#7f7f7f",
    "Momentum": "#1f77b4",
    "Adagrad": "#2ca02c",
    "RMSprop": "#9467bd",
    "Adam": "#d62728",
    "Adam, beta1 = 0": "#ff7f0e",
    "heavy ball": "#1f77b4",
    "gradient descent": "#7f7f7f",
    "Nesterov": "#17becf",
}


def _color(label: str, index: int = 0) -> str:
    palette = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b")
    return METHOD_COLORS.get(label, palette[index % len(palette)])


def _plain_log_labels(ax: Axes, axis: str = "x") -> None:
    """Label a log axis 0.001, 0.01, ... in plain text and leave out the minor ticks.

    Both make the widget's figure quicker to draw (10^k labels go through mathtext,
    and every minor tick is an object of its own).
    """
    target = ax.xaxis if axis == "x" else ax.yaxis
    target.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    target.set_minor_locator(NullLocator())


def plot_gd_factors(eigenvalues: Sequence[float], ax: Axes | None = None) -> Axes:
    """|1 - lr lambda| against lr for the smallest and largest eigenvalue, and their maximum.

    The maximum is gradient descent's factor per step; its lowest point is the
    best fixed rate 2 / (mu + L), and it crosses 1 at the edge 2 / L.
    """
    mu, L = min(eigenvalues), max(eigenvalues)
    best, rate = gd_best(mu, L)
    edge = 2.0 / L
    ax = new_axes(ax)
    lrs = np.linspace(1e-6, 1.25 * edge, 400)
    ax.plot(lrs, np.abs(1 - lrs * mu), color="tab:green", lw=1.2,
            label=f"|1 − lr·λ_min|, λ_min = {mu:g}")
    ax.plot(lrs, np.abs(1 - lrs * L), color="tab:orange", lw=1.2,
            label=f"|1 − lr·λ_max|, λ_max = {L:g}")
    ax.plot(lrs, gd_rate(lrs, [mu, L]), color="k", lw=2, ls="--",
            label="factor per step (the larger)")
    ax.axhline(1.0, color="0.5", lw=0.8)
    ax.axvline(edge, color="tab:red", ls=":", lw=1.2, label=f"edge 2/λ_max = {edge:.4g}")
    ax.plot([best], [rate], "o", color="k", ms=7,
            label=f"best lr 2/(λ_min + λ_max) = {best:.4g}, factor {rate:.4f}")
    ax.set_xlim(0, lrs[-1])
    ax.set_ylim(0, 1.6)
    ax.set_xlabel("learning rate lr")
    ax.set_ylabel("|error after| / |error before|")
    ax.set_title("Gradient descent: the factor per step of each direction")
    ax.legend(fontsize="small", loc="lower left")
    return ax


def plot_heavy_ball_rates(betas: Sequence[float] = (0.0, 0.5, 0.9), ax: Axes | None = None
                          ) -> Axes:
    """Heavy ball's factor per step on one direction against lr·lambda, one curve per beta.

    beta = 0 is gradient descent's "V"; with momentum the curve has a flat floor
    at sqrt(beta) (complex roots) and crosses 1 at lr·lambda = 2 (1 + beta).
    """
    ax = new_axes(ax)
    x = np.linspace(1e-4, 4.2, 800)
    for i, beta in enumerate(betas):
        rate = heavy_ball_rate(x, np.full_like(x, beta), [1.0])
        color = ("0.4", "tab:blue", "tab:purple", "tab:green", "tab:brown")[i % 5]
        ax.plot(x, rate, color=color, lw=1.6, label=f"β = {beta:g}")
        edge = 2 * (1 + beta)
        ax.plot([edge], [1.0], "|", color=color, ms=14, mew=2)
        if beta > 0:
            ax.axhline(math.sqrt(beta), color=color, ls=":", lw=0.9)
    ax.axhline(1.0, color="0.5", lw=0.8)
    ax.set_xlim(0, x[-1])
    ax.set_ylim(0, 1.3)
    ax.set_xlabel("lr · λ (learning rate times curvature)")
    ax.set_ylabel("factor per step (spectral radius)")
    ax.set_title("Heavy ball on one direction: floor √β, edge 2(1 + β)")
    ax.legend(fontsize="small", loc="lower left")
    return ax


def plot_rate_map(
    k: float,
    ax: Axes | None = None,
    lr: float | None = None,
    beta: float | None = None,
    resolution: int = 161,
) -> Axes:
    """Heavy ball's factor per step over (lr, beta) for eigenvalues 1 and ``k``.

    The colour is the number of steps that factor needs to shrink an error a
    million-fold, ln(1e-6) / ln(factor), on a log scale; white lines are levels
    of the factor itself; the white region diverges, beyond the red edge
    lr·k = 2(1 + beta). The star is the best (lr, beta), the square gradient
    descent's best rate (beta = 0), the red circle the point (``lr``, ``beta``)
    if given.
    """
    k = check_range("k", k, 1.0, math.inf, high_open=True)
    resolution = check_int("resolution", resolution, 10, 2000)
    ax = new_axes(ax)
    lrs = np.logspace(math.log10(LR_RANGE[0]), math.log10(LR_RANGE[1]), resolution)
    betas = np.linspace(0.0, 0.995, resolution)
    LR, B = np.meshgrid(lrs, betas)
    rate = heavy_ball_rate(LR, B, [1.0, k])
    with np.errstate(divide="ignore", invalid="ignore"):
        steps = np.where(rate < 1.0, np.log(1e-6) / np.log(np.maximum(rate, 1e-300)), np.nan)
    shown = np.ma.masked_invalid(np.clip(steps, 1.0, 1e5))
    mesh = ax.pcolormesh(LR, B, shown, cmap="viridis", norm=LogNorm(vmin=1.0, vmax=1e5),
                         shading="auto")
    levels = [lv for lv in (0.5, 0.8, 0.9, 0.95, 0.99, 0.999) if lv > float(np.min(rate))]
    if levels:
        lines = ax.contour(LR, B, rate, levels=levels, colors="w", linewidths=0.7)
        ax.clabel(lines, fontsize="x-small", fmt="%g")
    ax.contour(LR, B, (LR * k <= 2 * (1 + B)).astype(float), levels=[0.5], colors="tab:red",
               linewidths=1.2)
    lr_opt, beta_opt, rate_opt = heavy_ball_best(1.0, k)
    lr_gd, rate_gd = gd_best(1.0, k)
    ax.plot([lr_opt], [beta_opt], "*", color="w", mec="k", ms=14,
            label=f"best heavy ball: {rate_opt:.4f}")
    ax.plot([lr_gd], [0.0], "s", color="w", mec="k", ms=8, clip_on=False,
            label=f"best gradient descent: {rate_gd:.4f}")
    if lr is not None and beta is not None:
        ax.plot([lr], [beta], "o", color="tab:red", mec="w", ms=9, clip_on=False,
                label=f"lr = {lr:.3g}, β = {beta:.3g}: {heavy_ball_rate(lr, beta, [1.0, k]):.4f}")
    lr_axis(ax)
    _plain_log_labels(ax, "x")
    ax.set_ylim(0, 1)
    ax.set_ylabel("momentum β")
    ax.set_title(f"Factor per step over (lr, β), eigenvalues 1 and {k:g}")
    bar = ax.figure.colorbar(mesh, ax=ax)
    bar.set_label("steps to shrink 1e6-fold (white: diverges)", fontsize="small")
    _plain_log_labels(bar.ax, "y")
    ax.legend(fontsize="x-small", loc="upper left")
    return ax


def plot_convergence(
    runs: Sequence[Run], ax: Axes | None = None, rates: Sequence[float] | None = None
) -> Axes:
    """Distance to the minimum against the step (log scale), one line per run.

    With ``rates`` (one per run) a dashed line d_0 · rate^t shows what the closed
    form predicts.
    """
    if not runs:
        raise ValueError("runs must hold at least one run, got none")
    if rates is not None and len(rates) != len(runs):
        raise ValueError(f"rates must give one rate per run: {len(rates)} for {len(runs)} runs")
    ax = new_axes(ax)
    for i, run in enumerate(runs):
        color = _color(run.label, i)
        d = np.maximum(np.asarray(run.distance), 1e-300)
        ax.plot(np.arange(len(d)), d, color=color, lw=1.5, label=run.label)
        if rates is not None:
            t = np.arange(len(d))
            ax.plot(t, d[0] * rates[i] ** t, color=color, lw=1, ls="--",
                    label=f"{rates[i]:.4f}^t")
    ax.set_yscale("log")
    ax.set_xlabel("step t")
    ax.set_ylabel("distance to the minimum (log)")
    ax.set_title("Distance to the minimum")
    ax.legend(fontsize="small", loc="lower left")
    return ax


def plot_directions(
    run: Run, lr: float, beta: float, eigenvalues: Sequence[float], ax: Axes | None = None
) -> Axes:
    """|x_t| along each eigen-direction of a heavy-ball run on a diagonal quadratic, with the
    closed form :func:`~lrcourse.lessons.conditioning.heavy_ball_error` as dots.

    ``run`` must come from a diagonal ``A`` whose diagonal is ``eigenvalues``, so the
    coordinates of its points are the eigen-coordinates.
    """
    if len(eigenvalues) != len(run.points[0]):
        raise ValueError(f"eigenvalues must give one curvature per coordinate: "
                         f"{len(eigenvalues)} for {len(run.points[0])}")
    ax = new_axes(ax)
    pts = np.abs(np.asarray(run.points))
    t = np.arange(len(pts))
    every = max(1, len(pts) // 40)
    for i, lam in enumerate(eigenvalues):
        color = ("tab:green", "tab:orange", "tab:purple")[i % 3]
        ax.plot(t, np.maximum(pts[:, i], 1e-300), color=color, lw=1.4,
                label=f"|x| along λ = {lam:g} (torch.optim.SGD)")
        closed = [abs(run.points[0][i] * heavy_ball_error(int(s), lr, beta, lam))
                  for s in t[::every]]
        ax.plot(t[::every], np.maximum(closed, 1e-300), "o", color=color, ms=3.5, mfc="none",
                label="closed form")
    ax.set_yscale("log")
    ax.set_xlabel("step t")
    ax.set_ylabel("|eigen-coordinate| (log)")
    ax.set_title(f"Heavy ball, lr = {lr:.4g}, β = {beta:.4g}, per direction")
    ax.legend(fontsize="x-small", loc="lower left")
    return ax


def _ravine_contours(ax: Axes, k: float, angle: float, xlim: tuple[float, float],
                     ylim: tuple[float, float]) -> None:
    A = ravine_matrix(k, angle).numpy()
    xs, ys = np.linspace(*xlim, 201), np.linspace(*ylim, 201)
    X, Y = np.meshgrid(xs, ys)
    F = 0.5 * (A[0, 0] * X * X + 2 * A[0, 1] * X * Y + A[1, 1] * Y * Y)
    # Levels a factor 2 apart: nested ellipses, the flat floor as visible as the walls.
    top = float(np.percentile(F, 30))
    ax.contour(X, Y, F, levels=top * 0.5 ** np.arange(14)[::-1], colors="0.65", linewidths=0.6)
    ax.plot([0], [0], "*", color="k", ms=11, zorder=5)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_xlabel("parameter w₁")
    ax.set_ylabel("parameter w₂")


def plot_ravine_paths(
    runs: Sequence[Run], angle: float, ax: Axes | None = None, k: float = 50.0,
    steps: int | None = None,
) -> Axes:
    """Paths over the contours of the ravine turned by ``angle`` degrees (start: a square).

    ``steps`` draws only the first steps of each run.
    """
    if not runs:
        raise ValueError("runs must hold at least one run, got none")
    ax = new_axes(ax)
    _ravine_contours(ax, k, angle, (-4.6, 4.6), (-4.6, 4.6))
    for i, run in enumerate(runs):
        pts = np.asarray(run.points[: None if steps is None else steps + 1])
        ax.plot(pts[:, 0], pts[:, 1], "-o", color=_color(run.label, i), lw=1.2, ms=2.5,
                label=f"{run.label}: {run.steps} steps" if steps is None else run.label)
    ax.plot(*runs[0].points[0], "s", color="k", ms=6, label="start")
    ax.set_aspect("equal")
    ax.set_title(f"Ravine (curvatures 1 and {k:g}) turned by {angle:g}°")
    ax.legend(fontsize="x-small", loc="lower right")
    return ax


def plot_jacobi_condition(k: float = 50.0, ax: Axes | None = None) -> Axes:
    """The condition number after the best diagonal rescaling, against the ravine's angle."""
    ax = new_axes(ax)
    angles = np.linspace(0.0, 90.0, 181)
    kappas = [jacobi_condition(k, float(a)) for a in angles]
    ax.plot(angles, kappas, color="tab:green", lw=1.8, label="after diagonal rescaling")
    ax.axhline(k, color="0.4", ls="--", lw=1, label=f"without: k = {k:g} at every angle")
    ax.set_yscale("log")
    ax.set_xticks([0, 15, 30, 45, 60, 75, 90])
    ax.set_xlabel("angle of the ravine to the axes (degrees)")
    ax.set_ylabel("condition number (log)")
    ax.set_title("What a diagonal preconditioner can do")
    ax.legend(fontsize="small", loc="lower center")
    return ax


def momentum_figure(lr: float, beta: float, k: float, steps: int = 150) -> tuple[Figure, str]:
    """Heavy ball at (``lr``, ``beta``) on the ravine f = (x² + k y²)/2, and a verdict.

    Three panels: the path from (-4, 1) over the contours, the factor per step
    over (lr, beta) with this point on it, and the distance to the minimum
    against the step next to the closed form's rate^t.

    Example:
        >>> lr, beta, _ = heavy_ball_best(1, 50)
        >>> fig, text = momentum_figure(lr, beta, 50)
        >>> text.split("; ")[0]
        'lr = 0.0614, β = 0.566, k = 50: factor per step 0.7522 (best: gradient descent 0.9608, heavy ball 0.7522)'
    """
    lr = check_range("lr", lr, LR_RANGE[0], LR_RANGE[1])
    beta = check_range("beta", beta, 0.0, 0.995)
    k = check_range("k", k, K_RANGE[0], K_RANGE[1])
    steps = check_int("steps", steps, 1, 5000)
    path = heavy_ball_path(lr, beta, [1.0, k], list(RAVINE_START), steps)
    distance = [math.hypot(x, y) for x, y in path]
    rate = heavy_ball_rate(lr, beta, [1.0, k])
    fig = Figure(figsize=(14.0, 4.0))
    ax_path, ax_map, ax_dist = fig.subplots(1, 3, gridspec_kw={"width_ratios": [1.1, 1.25, 1]})
    pts = np.asarray(path)
    # Show the whole path when it swings wide, up to a limit (a diverging run leaves).
    xr = float(min(max(4.6, 1.1 * np.abs(pts[:, 0]).max()), 12.0))
    yr = float(min(max(1.6, 1.1 * np.abs(pts[:, 1]).max()), 12.0))
    _ravine_contours(ax_path, k, 0.0, (-xr, xr), (-yr, yr))
    ax_path.plot(pts[:, 0], pts[:, 1], "-o", color="tab:red", ms=2, lw=1)
    ax_path.plot(*path[0], "s", color="k", ms=6)
    ax_path.set_title(f"Heavy ball on (x² + {k:g}y²)/2, {len(path) - 1} steps")
    plot_rate_map(k, ax_map, lr=lr, beta=beta, resolution=121)
    t = np.arange(len(distance))
    ax_dist.plot(t, np.maximum(distance, 1e-300), color="tab:red", lw=1.4, label="measured")
    if rate < 1:
        ax_dist.plot(t, distance[0] * rate**t, color="k", ls="--", lw=1,
                     label=f"{rate:.4f}^t (factor per step)")
    ax_dist.set_yscale("log")
    _plain_log_labels(ax_dist, "y")
    ax_dist.set_xlabel("step t")
    ax_dist.set_ylabel("distance to the minimum (log)")
    ax_dist.set_title("Distance to the minimum")
    ax_dist.legend(fontsize="small", loc="lower left")
    # Fixed margins: tight_layout would measure every label first and double the time.
    fig.subplots_adjust(left=0.05, right=0.985, bottom=0.14, top=0.9, wspace=0.42)
    _, gd = gd_best(1.0, k)
    _, _, hb = heavy_ball_best(1.0, k)
    text = (f"lr = {lr:.3g}, β = {beta:.3g}, k = {k:.3g}: factor per step {rate:.4f} "
            f"(best: gradient descent {gd:.4f}, heavy ball {hb:.4f})")
    if len(path) - 1 < steps or rate >= 1:
        text += (f"; diverges: lr·k = {lr * k:.3g} ≥ 2(1 + β) = {2 * (1 + beta):.3g}"
                 if lr * k >= 2 * (1 + beta) else "; does not converge")
    else:
        n = steps_to_shrink(distance, 1e-6)
        text += (f"; distance down 1e6-fold after {n} steps" if n is not None
                 else f"; not yet 1e6 times closer after {steps} steps")
    return fig, text
