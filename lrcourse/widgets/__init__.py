"""Interactive figures (ipywidgets): one module per lesson topic, loaded on first use.

Each widget is a :class:`Panel`: controls, a figure that redraws, a line of text.
Its update function is a plain function in ``lrcourse.plots.<topic>``, so the
tests drive it without a browser and a notebook shows the same figure statically.
See ``_base.py`` for the pattern.
"""

from lrcourse._lazy import lazy_getattr, submodules
from lrcourse.widgets._base import Panel

TOPICS = submodules(__name__, __path__)
__all__ = ["Panel", *TOPICS]
__getattr__ = lazy_getattr(__name__, TOPICS)
