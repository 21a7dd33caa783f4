"""lrcourse: the helper package of an open course on learning rates and optimizers.

Every notebook starts with::

    import lrcourse
    lrcourse.setup()

which makes the lesson reproducible (seeds, thread count, floating-point type,
plot style) and prints the versions it runs on. ``lrcourse.expect(name, value,
around=..., rel=...)`` checks a number that may differ slightly between machines
against the range the lesson relies on. The lessons' reusable code lives in one module per
concept; they are imported on first use, so ``import lrcourse`` stays fast:

==========================  ==================================================
``lrcourse.optim``          optimizers written from their formulas
``lrcourse.optim_steps``    each optimizer's first steps on w^2/2, by hand
``lrcourse.schedules``      learning-rate schedules as pure functions
``lrcourse.annealing``      the decay lesson's experiments (toy runs, pitfalls)
``lrcourse.warmup_demo``    the warmup lesson's experiments
``lrcourse.cyclical``       cyclical rates next to PyTorch's CyclicLR, and a race
``lrcourse.ewma``           exponentially weighted moving averages
``lrcourse.ewma_measures``  how smooth and how late a moving average is
``lrcourse.backprop``       the chain rule, worked by hand
``lrcourse.data``           the course's offline data sets
``lrcourse.descent``        gradient descent on one-dimensional examples
``lrcourse.variants``       batch, stochastic and mini-batch gradient descent
``lrcourse.surfaces``       optimizers on two-dimensional loss surfaces
``lrcourse.models``         small networks for the 8x8 digits
``lrcourse.train``          a plain training loop that records what happened
``lrcourse.lr_finder``      the learning-rate range test
``lrcourse.sweep``          many trainings at once, one learning rate each
``lrcourse.valleys``        reading a sweep's results: valleys, best rates
``lrcourse.plots``          figures used by the lessons
``lrcourse.widgets``        interactive versions of those figures
``lrcourse.exercises``      checkers for the lessons' exercises
==========================  ==================================================
"""

from __future__ import annotations

import importlib
from typing import Any

from lrcourse._expect import ExpectationError, expect
from lrcourse._setup import device, setup

__version__ = "0.1.0"

_SUBMODULES = {
    "annealing",
    "backprop",
    "cyclical",
    "data",
    "descent",
    "ewma",
    "ewma_measures",
    "exercises",
    "lr_finder",
    "models",
    "optim",
    "optim_steps",
    "plots",
    "schedules",
    "surfaces",
    "sweep",
    "train",
    "valleys",
    "variants",
    "warmup_demo",
    "widgets",
}

__all__ = [
    "ExpectationError",
    "__version__",
    "device",
    "expect",
    "setup",
    *sorted(_SUBMODULES),
]


def __getattr__(name: str) -> Any:
    if name in _SUBMODULES:
        return importlib.import_module(f"lrcourse.{name}")
    raise AttributeError(f"module 'lrcourse' has no attribute {name!r}")
