"""Figures used by the lessons (matplotlib).

Shared conventions live here; each lesson topic has a module of its own.
Functions take an optional ``ax`` and return it, so a notebook can compose them.
"""

from lrcourse.plots._base import lr_axis, new_axes

__all__ = ["lr_axis", "new_axes"]

# One import line per lesson topic below; keep them sorted.
from lrcourse.plots.backprop import (  # noqa: F401
    plot_network,
    plot_sigmoid_graph,
    plot_training_error,
)
from lrcourse.plots.clr import plot_accuracy_race, plot_clr_policies  # noqa: F401
from lrcourse.plots.descent import plot_factor, plot_rate_grid, plot_valley  # noqa: F401
from lrcourse.plots.ewma import (  # noqa: F401
    plot_bias_correction,
    plot_random_days,
    plot_tradeoff,
    plot_weights,
    plot_year,
)
from lrcourse.plots.lr_finder import plot_range_curves  # noqa: F401
from lrcourse.plots.optim import plot_weight_decay, plot_weight_traces  # noqa: F401
from lrcourse.plots.schedules import (  # noqa: F401
    plot_histories,
    plot_rates,
    plot_saddle,
    plot_toy_losses,
)
from lrcourse.plots.surfaces import plot_contour, plot_paths, plot_race  # noqa: F401
from lrcourse.plots.sweep import fastest_slowest_plot, valley_plot  # noqa: F401
from lrcourse.plots.variants import plot_runs, plot_sgd_noise  # noqa: F401
