"""Figures (matplotlib): one module per tool or lesson topic, loaded on first use.

``lrcourse.plots.<name>`` has the same name as the code it draws: a tool
(``schedules``, ``train``) or a lesson topic (``descent``, ``surfaces``, ...; see
CONTRIBUTING.md). Functions take an optional ``ax`` and return it, so a notebook
can compose them; a widget's update function (``<thing>_figure``) builds a whole
``matplotlib.figure.Figure`` and a line of text, and is the widget's static figure.
"""

from lrcourse._lazy import lazy_getattr, submodules
from lrcourse.plots._base import lr_axis, new_axes

TOPICS = submodules(__name__, __path__)
__all__ = ["lr_axis", "new_axes", *TOPICS]
__getattr__ = lazy_getattr(__name__, TOPICS)
