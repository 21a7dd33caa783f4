"""Checkers for the lessons' exercises.

A checker takes what the learner wrote (usually a function), runs it on a few
inputs against a reference solution, prints whether it is right (or what is
wrong, with a hint) and returns ``True`` or ``False``. The reference solutions
live next to their checkers, for teachers.
"""

from lrcourse.exercises._base import Check, diagnose, report, show_solution, solution_of

__all__ = ["Check", "diagnose", "report", "show_solution", "solution_of"]

# One import line per lesson topic below; keep them sorted.
from lrcourse.exercises.backprop import (  # noqa: F401
    check_dE_dw2,
    check_dE_dw7,
    check_sigmoid_at_2,
)
from lrcourse.exercises.clr import check_triangular2_230, check_triangular_lr  # noqa: F401
from lrcourse.exercises.descent import (  # noqa: F401
    check_edge_25,
    check_gd_step,
    check_iterate,
    check_sgd_step,
    check_three_steps,
)
from lrcourse.exercises.ewma import check_bias_corrected, check_ewma, check_window_075  # noqa: F401
from lrcourse.exercises.lr_finder import check_clr_bounds  # noqa: F401
from lrcourse.exercises.optim import check_adam_step, check_first_steps  # noqa: F401
from lrcourse.exercises.schedules import (  # noqa: F401
    check_curve_settings,
    check_exponential_sum,
    check_linear_lr_300,
    check_linear_warmup,
    check_multistep_rate,
)
from lrcourse.exercises.surfaces import (  # noqa: F401
    check_adagrad_rates,
    check_momentum_edge,
    check_saddle_rate,
)
from lrcourse.exercises.sweep import (  # noqa: F401
    check_fastest_rate,
    check_pbt_copies,
    check_rate_choice,
)
from lrcourse.exercises.variants import check_batches, check_drop_last, check_iterations  # noqa: F401
