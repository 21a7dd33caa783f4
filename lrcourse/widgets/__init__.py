"""Interactive versions of the lessons' figures (ipywidgets).

Each widget is a :class:`Panel`: controls, a figure that redraws, a line of
text. Its update function is an ordinary function of the controls' values, so
the tests drive it without a browser. See ``_base.py`` for the pattern.
"""

from lrcourse.widgets._base import Panel

__all__ = ["Panel"]

# One import line per lesson topic below; keep them sorted.
from lrcourse.widgets.descent import descent_explorer, first_step_widget  # noqa: F401
from lrcourse.widgets.sweep import sweep_explorer  # noqa: F401
