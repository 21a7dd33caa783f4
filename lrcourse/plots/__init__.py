"""Figures used by the lessons (matplotlib).

Shared conventions live here; each lesson topic has a module of its own.
Functions take an optional ``ax`` and return it, so a notebook can compose them.
"""

from lrcourse.plots._base import lr_axis, new_axes

__all__ = ["lr_axis", "new_axes"]

# One import line per lesson topic below; keep them sorted.
from lrcourse.plots.descent import plot_factor, plot_rate_grid, plot_valley  # noqa: F401
from lrcourse.plots.sweep import fastest_slowest_plot, valley_plot  # noqa: F401
