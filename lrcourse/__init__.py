"""lrcourse: the helper package of an open course on learning rates and optimizers.

Every notebook starts with::

    import lrcourse
    lrcourse.setup()

which makes the lesson reproducible (seeds, thread count, floating-point type,
plot style) and prints the versions it runs on. ``lrcourse.expect(name, value,
around=..., rel=...)`` checks a number that may differ slightly between machines
against the range the lesson relies on. The reusable tools are the top-level modules; code that serves one lesson
lives in ``lrcourse.lessons`` and in ``plots``, ``widgets`` and ``exercises``
under the same topic name (CONTRIBUTING.md has the table). Every module is
imported on first use, so ``import lrcourse`` stays fast:

==========================  ==================================================
``lrcourse.optim``          optimizers written from their formulas, by name
``lrcourse.schedules``      learning-rate schedules as pure functions
``lrcourse.ewma``           exponentially weighted moving averages
``lrcourse.lr_finder``      the learning-rate range test
``lrcourse.sweep``          many trainings at once, one learning rate each
``lrcourse.train``          a plain training loop that records what happened
``lrcourse.curvature``      Hessian-vector products and the sharpness lambda_max
``lrcourse.data``           the course's offline data sets
``lrcourse.models``         small networks for the 8x8 digits
``lrcourse.lessons``        one module per lesson topic: its experiments
``lrcourse.plots``          figures, by tool or lesson topic
``lrcourse.widgets``        interactive figures, by lesson topic
``lrcourse.exercises``      checkers for the lessons' exercises, by topic
``lrcourse.tune``           the sweep's studies on Ray Tune (optional extra
                            ``scale``: ``pip install -e '.[scale]'``)
``lrcourse.classroom``      nbgrader assignments made from the lessons, for teachers
==========================  ==================================================
"""

from __future__ import annotations

import importlib
from typing import Any

from lrcourse._expect import ExpectationError, expect
from lrcourse._setup import device, setup

__version__ = "0.1.0"

_SUBMODULES = {
    "curvature",
    "classroom",
    "data",
    "ewma",
    "exercises",
    "lessons",
    "lr_finder",
    "models",
    "optim",
    "plots",
    "schedules",
    "sweep",
    "train",
    "widgets",
}

# Needs an optional extra (Ray Tune): reachable as lrcourse.tune, left out of
# __all__ so that ``from lrcourse import *`` works without it.
_OPTIONAL = {"tune"}

__all__ = [
    "ExpectationError",
    "__version__",
    "device",
    "expect",
    "setup",
    *sorted(_SUBMODULES),
]


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES or name in _OPTIONAL:
        return importlib.import_module(f"lrcourse.{name}")
    raise AttributeError(f"module 'lrcourse' has no attribute {name!r}")
