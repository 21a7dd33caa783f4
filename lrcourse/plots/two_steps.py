"""Figures of the optimizer lesson: the first steps of each optimizer on w^2/2.

Every function draws on the axes it is given (or on new pyplot axes when ``ax`` is
None) and returns them, so the widget can draw the same picture on a
``matplotlib.figure.Figure``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from matplotlib.axes import Axes
from matplotlib.figure import Figure

from lrcourse._checks import check_int, check_nonempty
from lrcourse.lessons.two_steps import BETA_SETTINGS, beta_settings, weight_trace
from lrcourse.optim import make_optimizer
from lrcourse.plots._base import new_axes

__all__ = [
    "plot_weight_decay",
    "plot_weight_traces",
    "first_steps_figure",
]


def plot_weight_traces(
    traces: Mapping[str, Sequence[float]],
    ax: Axes | None = None,
    title: str = "First steps on the loss w²/2 from w = 1",
) -> Axes:
    """The weight w_t against the step t, one line per optimizer (label -> w_0..w_N).

    Example:
        >>> ax = plot_weight_traces({"SGD lr=0.1": [1.0, 0.9, 0.81]})
    """
    check_nonempty("traces", traces, "labelled list of weights")
    ax = new_axes(ax)
    for label, ws in traces.items():
        ax.plot(range(len(ws)), list(ws), marker="o" if len(ws) <= 12 else None, ms=3,
                lw=1.4, label=label)
    ax.axhline(0.0, color="0.6", lw=0.8, ls=":", label="minimum w = 0")
    ax.set_title(title)
    ax.set_xlabel("step t")
    ax.set_ylabel("weight w_t")
    ax.legend(fontsize="small")
    return ax


def plot_weight_decay(runs: Sequence, ax_loss: Axes | None = None,
                      ax_norm: Axes | None = None) -> tuple[Axes, Axes]:
    """Validation loss and weight norm against the step, one line per weight decay.

    ``runs`` are :class:`lrcourse.lessons.two_steps.DecayRun` objects.
    """
    check_nonempty("runs", runs, "run")
    ax_loss = new_axes(ax_loss)
    ax_norm = new_axes(ax_norm)
    for run in runs:
        label = f"weight_decay = {run.weight_decay:g}"
        line, = ax_loss.plot(run.steps, run.val_loss, marker="o", ms=3, label=label)
        ax_loss.plot(run.steps, run.train_loss, ls="--", color=line.get_color(), lw=1)
        ax_norm.plot(run.steps, run.weight_norm, marker="o", ms=3, color=line.get_color(),
                     label=label)
    ax_loss.set_yscale("log")
    ax_loss.set_title("MSE: validation (solid), training (dashed)")
    ax_loss.set_xlabel("step")
    ax_loss.set_ylabel("mean squared error")
    ax_loss.legend(fontsize="small")
    ax_norm.set_title("Norm of the weight vector")
    ax_norm.set_xlabel("step")
    ax_norm.set_ylabel("‖w‖ (L2 norm)")
    ax_norm.legend(fontsize="small")
    return ax_loss, ax_norm


def first_steps_figure(optimizer: str, lr: float, beta: float, steps: int) -> tuple[Figure, str]:
    """``steps`` updates of ``optimizer`` on w^2/2 from w = 1, next to plain SGD.

    ``optimizer`` is one of :data:`lrcourse.optim.OPTIMIZERS`, built by
    :func:`lrcourse.optim.make_optimizer` (``library="lrcourse"``) with ``beta`` in
    the setting :func:`lrcourse.lessons.two_steps.beta_settings` names.

    Example:
        >>> fig, text = first_steps_figure("Adam", 0.01, 0.9, 2)
        >>> text
        'Adam, lr = 0.01, betas[0] = 0.9: w1 = 0.99000001, w2 = 0.98000276 (SGD: w2 = 0.98010004)'
    """
    steps = check_int("steps", steps, 1)
    settings = beta_settings(optimizer, beta)
    ws = weight_trace(
        lambda p: make_optimizer(optimizer, p, lr, library="lrcourse", **settings), steps)
    sgd = weight_trace(lambda p: make_optimizer("SGD", p, lr, library="lrcourse"), steps)
    setting = BETA_SETTINGS[optimizer]
    named = f"{optimizer} ({setting} = {beta:g})" if setting else optimizer
    fig = Figure(figsize=(6.4, 3.6))
    ax = fig.subplots()
    traces = {named: ws} if optimizer != "SGD" else {}
    traces[f"SGD, same lr = {lr:.3g}"] = sgd
    plot_weight_traces(traces, ax, title=f"{optimizer} on w²/2 from w = 1, lr = {lr:.3g}")
    fig.tight_layout()
    shown = ", ".join(f"w{t} = {ws[t] + 0.0:.8f}" for t in range(1, min(steps, 2) + 1))
    if steps > 2:
        shown += f", ..., w{steps} = {ws[steps] + 0.0:.8f}"
    setting_text = f", {setting} = {beta:g}" if setting else ""
    text = (f"{optimizer}, lr = {lr:.3g}{setting_text}: {shown} "
            f"(SGD: w{steps} = {sgd[steps] + 0.0:.8f})")
    return fig, text
