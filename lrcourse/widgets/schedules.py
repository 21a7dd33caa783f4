"""The schedule designer: pick a decay, set its parameters, see its curve at once.

- :func:`designer_rates` turns the designer's settings into the list of rates (pure
  Python on top of :mod:`lrcourse.schedules`, no torch scheduler is stepped);
- :func:`draw_design` draws them on given axes (the lesson's static figure uses it);
- :func:`schedule_figure` is the update function: settings in, ``(Figure, text)`` out;
- :func:`schedule_designer` wraps it in a :class:`~lrcourse.widgets._base.Panel`.

The rate of epoch t is the chosen decay times an optional linear warmup factor::

    lr_t = min(1, (t + 1) / (warmup + 1)) * decay(t)       (warmup = 0: no warmup)
"""

from __future__ import annotations

from typing import Any

import ipywidgets as W
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from lrcourse import schedules as S
from lrcourse._checks import check_finite, check_int, shown
from lrcourse.plots.schedules import plot_rates
from lrcourse.widgets._base import Panel, dropdown

__all__ = [
    "DESIGNS",
    "parse_milestones",
    "designer_rates",
    "draw_design",
    "schedule_figure",
    "schedule_designer",
]

#: The decays the designer offers, and the settings each one reads.
DESIGNS = {
    "step": ("lr", "gamma", "step_size"),
    "multistep": ("lr", "gamma", "milestones"),
    "exponential": ("lr", "gamma"),
    "inverse time": ("lr", "decay_rate"),
    "cosine": ("lr",),
    "constant": ("lr",),
}


def parse_milestones(text: str) -> list[int]:
    """``"50, 125, 160"`` -> ``[50, 125, 160]``; raises ``ValueError`` naming ``milestones``.

    Example::

        >>> parse_milestones("30, 80")
        [30, 80]
    """
    if not isinstance(text, str):
        raise ValueError(f"milestones must be text like '50, 125, 160', got {shown(text)}")
    parts = [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]
    try:
        values = [int(p) for p in parts]
    except ValueError:
        raise ValueError(
            f"milestones must be whole epochs separated by commas, like '50, 125, 160', "
            f"got {shown(text)}"
        ) from None
    return S._check_increasing("milestones", values)


def designer_rates(
    schedule: str,
    lr: float = 0.1,
    gamma: float = 0.5,
    step_size: int = 50,
    milestones: str = "50, 125, 160",
    decay_rate: float = 0.05,
    warmup: int = 0,
    epochs: int = 200,
) -> list[float]:
    """The rate of every epoch 0 .. epochs - 1 for the designer's settings.

    Args:
        schedule: one of :data:`DESIGNS`.
        lr: the base rate lr_0.
        gamma: factor per decay (step, multistep) or per epoch (exponential).
        step_size: epochs between two decays (step).
        milestones: the epochs of the decays, as text (multistep).
        decay_rate: inverse time: lr_0 / (1 + decay_rate * t).
        warmup: epochs of linear warmup before the decay takes over fully (0: none).
        epochs: how many epochs to list, >= 1.

    Example::

        >>> designer_rates("multistep", lr=0.1, gamma=0.5, milestones="2", epochs=4)
        [0.1, 0.1, 0.05, 0.05]
    """
    if schedule not in DESIGNS:
        raise ValueError(f"schedule must be one of {sorted(DESIGNS)}, got {shown(schedule)}")
    check_int("epochs", epochs, 1)
    check_int("warmup", warmup, 0)
    if schedule == "step":
        rates = S.schedule_values(S.step_lr, epochs, base_lr=lr, step_size=step_size,
                                  gamma=gamma)
    elif schedule == "multistep":
        rates = S.schedule_values(S.multistep_lr, epochs, base_lr=lr,
                                  milestones=parse_milestones(milestones), gamma=gamma)
    elif schedule == "exponential":
        rates = S.schedule_values(S.exponential_lr, epochs, base_lr=lr, gamma=gamma)
    elif schedule == "inverse time":
        rates = S.schedule_values(S.inverse_time_lr, epochs, base_lr=lr, decay_rate=decay_rate)
    elif schedule == "cosine":
        rates = S.schedule_values(S.cosine_lr, epochs, base_lr=lr, total_steps=epochs)
    else:
        check_finite("lr", lr, 0)
        rates = [float(lr)] * epochs
    return [r * min(1.0, (t + 1) / (warmup + 1)) for t, r in enumerate(rates)]


def draw_design(ax: Axes, schedule: str, **settings: Any) -> list[float]:
    """Draw the designer's curve on ``ax`` and return its rates."""
    rates = designer_rates(schedule, **settings)
    warmup = settings.get("warmup", 0)
    label = schedule + (f" with {warmup} warmup epochs" if warmup else "")
    plot_rates({label: rates}, ax, title=f"Schedule designer: {schedule}")
    return rates


def schedule_figure(
    schedule: str,
    lr: float,
    gamma: float,
    step_size: int,
    milestones: str,
    decay_rate: float,
    warmup: int,
    epochs: int,
) -> tuple[Figure, str]:
    """The designer's update function: the curve and a line with a few of its rates.

    Bad settings (say milestones typed as ``"50, 40"``) give an empty figure and the
    error message as text, so the widget never raises.

    Example::

        >>> _, text = schedule_figure("step", 0.1, 0.5, 50, "", 0.0, 0, 200)
        >>> text
        'step: rate at epoch 0 = 0.1, 50 = 0.05, 100 = 0.025, 150 = 0.0125, last (199) = 0.0125'
    """
    fig = Figure(figsize=(7.0, 3.6))
    ax = fig.subplots()
    settings = {"lr": lr, "gamma": gamma, "step_size": step_size, "milestones": milestones,
                "decay_rate": decay_rate, "warmup": warmup, "epochs": epochs}
    try:
        rates = draw_design(ax, schedule, **settings)
    except ValueError as error:
        ax.set_title("Schedule designer: fix the settings")
        return fig, f"⚠ {error}"
    fig.tight_layout()
    marks = [t for t in range(0, epochs, max(1, epochs // 4))][:4]
    shown = ", ".join(f"{t} = {rates[t]:.4g}" for t in marks)
    text = f"{schedule}: rate at epoch {shown}, last ({epochs - 1}) = {rates[-1]:.4g}"
    return fig, text


def schedule_designer(schedule: str = "multistep") -> Panel:
    """The designer: a drop-down for the decay and a control for each setting.

    Each decay reads only some of the controls (see :data:`DESIGNS`); the others
    are ignored while it is selected.
    """

    def slider(cls: type, **kw: Any) -> Any:
        return cls(continuous_update=False, style={"description_width": "90px"}, **kw)

    controls = [
        dropdown("schedule", schedule, DESIGNS, description="schedule"),
        slider(W.FloatLogSlider, value=0.1, base=10, min=-4, max=0, step=0.1,
               description="lr", readout_format=".2g"),
        slider(W.FloatSlider, value=0.5, min=0.05, max=0.99, step=0.01, description="gamma"),
        slider(W.IntSlider, value=50, min=1, max=150, description="step_size"),
        W.Text(value="50, 125, 160", description="milestones", continuous_update=False),
        slider(W.FloatLogSlider, value=0.05, base=10, min=-3, max=0, step=0.1,
               description="decay_rate", readout_format=".2g"),
        slider(W.IntSlider, value=0, min=0, max=50, description="warmup"),
        slider(W.IntSlider, value=200, min=10, max=400, step=10, description="epochs"),
    ]
    return Panel("Schedule designer (rate per epoch)", controls, schedule_figure)
