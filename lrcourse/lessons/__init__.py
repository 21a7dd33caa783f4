"""Code that serves one lesson each: its experiments, worked examples and tables.

One module per lesson topic, named as in every other layer (``lrcourse.plots.<topic>``,
``lrcourse.widgets.<topic>``, ``lrcourse.exercises.<topic>``, ``tests/lessons/test_<topic>*.py``);
CONTRIBUTING.md lists which lesson uses which. The reusable tools (optimizers,
schedules, moving averages, the range test, the sweep, the training loop, data and
models) live one level up, in ``lrcourse`` itself. Modules load on first use.
"""

from lrcourse._lazy import lazy_getattr, submodules

TOPICS = submodules(__name__, __path__)
__all__ = list(TOPICS)
__getattr__ = lazy_getattr(__name__, TOPICS)
