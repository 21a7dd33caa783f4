"""Interactive versions of the lessons' figures (ipywidgets).

Each widget is a :class:`Panel`: controls, a figure that redraws, a line of
text. Its update function is an ordinary function of the controls' values, so
the tests drive it without a browser. See ``_base.py`` for the pattern.
"""

from lrcourse.widgets._base import Panel

__all__ = ["Panel"]

# One import line per lesson topic below; keep them sorted.
from lrcourse.widgets.backprop import training_explorer  # noqa: F401
from lrcourse.widgets.clr import clr_explorer, clr_figure  # noqa: F401
from lrcourse.widgets.descent import descent_explorer, first_step_widget  # noqa: F401
from lrcourse.widgets.ewma import beta_explorer  # noqa: F401
from lrcourse.widgets.lr_finder import range_test_explorer, range_test_figure  # noqa: F401
from lrcourse.widgets.optim import first_steps_explorer  # noqa: F401
from lrcourse.widgets.schedules import schedule_designer  # noqa: F401
from lrcourse.widgets.surfaces import optimizer_race  # noqa: F401
from lrcourse.widgets.sweep import sweep_explorer  # noqa: F401
from lrcourse.widgets.variants import batch_size_explorer  # noqa: F401
