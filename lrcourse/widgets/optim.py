"""Widget of the optimizer lesson: the first N steps of any optimizer on w^2/2.

:func:`first_steps_explorer` has a menu for the optimizer and sliders for the
learning rate, the shared averaging factor "beta" (momentum's beta, RMSprop's
alpha, Adam's beta1, Adadelta's rho) and the number of steps. Its update function,
:func:`first_steps_figure`, is a plain function returning a ``Figure`` and a line
of text.
"""

from __future__ import annotations

import ipywidgets as W
from matplotlib.figure import Figure

from lrcourse._checks import check_int
from lrcourse.optim_steps import OPTIMIZER_NAMES, make_optimizer, weight_trace
from lrcourse.plots.optim import plot_weight_traces
from lrcourse.widgets._base import Panel, dropdown, slider

__all__ = ["first_steps_explorer", "first_steps_figure"]


def first_steps_figure(optimizer: str, lr: float, beta: float, steps: int) -> tuple[Figure, str]:
    """``steps`` updates of ``optimizer`` on w^2/2 from w = 1, next to plain SGD.

    Example:
        >>> fig, text = first_steps_figure("Adam", 0.01, 0.9, 2)
        >>> text
        'Adam, lr = 0.01, beta = 0.9: w1 = 0.99000001, w2 = 0.98000276 (SGD: w2 = 0.98010004)'
    """
    steps = check_int("steps", steps, 1)
    ws = weight_trace(lambda p: make_optimizer(optimizer, p, lr, beta), steps)
    sgd = weight_trace(lambda p: make_optimizer("SGD", p, lr), steps)
    fig = Figure(figsize=(6.4, 3.6))
    ax = fig.subplots()
    traces = {f"{optimizer} (beta = {beta:g})": ws} if optimizer != "SGD" else {}
    traces[f"SGD, same lr = {lr:.3g}"] = sgd
    plot_weight_traces(traces, ax, title=f"{optimizer} on w²/2 from w = 1, lr = {lr:.3g}")
    fig.tight_layout()
    shown = ", ".join(f"w{t} = {ws[t] + 0.0:.8f}" for t in range(1, min(steps, 2) + 1))
    if steps > 2:
        shown += f", ..., w{steps} = {ws[steps] + 0.0:.8f}"
    text = (f"{optimizer}, lr = {lr:.3g}, beta = {beta:g}: {shown} "
            f"(SGD: w{steps} = {sgd[steps] + 0.0:.8f})")
    return fig, text


def first_steps_explorer(optimizer: str = "Adam", lr: float = 0.1, beta: float = 0.9,
                         steps: int = 30) -> Panel:
    """Menu and sliders: optimizer, lr (1e-3 to 1, log), beta (0 to 0.999), steps (1 to 100)."""
    return Panel(
        "First steps of an optimizer on w²/2 from w = 1",
        [
            dropdown("optimizer", optimizer, OPTIMIZER_NAMES, description="optimizer"),
            slider(W.FloatLogSlider, "lr", lr, base=10, min=-3, max=0, step=0.1,
                   description="lr", readout_format=".3g", continuous_update=False),
            slider(W.FloatSlider, "beta", beta, min=0.0, max=0.999, step=0.001,
                   description="beta", readout_format=".3f", continuous_update=False),
            slider(W.IntSlider, "steps", steps, min=1, max=100, description="steps",
                   continuous_update=False),
        ],
        first_steps_figure,
        names=["optimizer", "lr", "beta", "steps"],
    )
