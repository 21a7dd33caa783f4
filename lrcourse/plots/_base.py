"""Conventions shared by every figure of the course."""

from __future__ import annotations

from matplotlib.axes import Axes

from lrcourse._checks import check_choice


def new_axes(ax: Axes | None = None, **subplot_kw) -> Axes:
    """Return ``ax``, or the axes of a new pyplot figure when ``ax`` is None."""
    if ax is not None:
        return ax
    import matplotlib.pyplot as plt

    _, ax = plt.subplots(subplot_kw=subplot_kw or None)
    return ax


def lr_axis(ax: Axes, axis: str = "x", label: str = "learning rate") -> Axes:
    """Put learning rates on a log scale with a plain label: rates span decades."""
    check_choice("axis", axis, ("x", "y"))
    if axis == "x":
        ax.set_xscale("log")
        ax.set_xlabel(label)
    else:
        ax.set_yscale("log")
        ax.set_ylabel(label)
    return ax
