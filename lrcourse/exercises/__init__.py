"""Checkers for the lessons' exercises: one module per lesson topic, loaded on first use.

A checker takes what the learner wrote (usually a function), runs it on a few
inputs against a reference solution, prints whether it is right (or what is
wrong, with a hint) and returns ``True`` or ``False``. The reference solutions
live next to their checkers, for teachers. A notebook imports its checkers from
its topic's module: ``from lrcourse.exercises.descent import check_gd_step``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

from lrcourse._lazy import lazy_getattr, submodules
from lrcourse.exercises._base import Check, diagnose, report, show_solution, solution_of

TOPICS = submodules(__name__, __path__)
__all__ = ["Check", "all_checkers", "diagnose", "report", "show_solution", "solution_of",
           *TOPICS]
__getattr__ = lazy_getattr(__name__, TOPICS)


def all_checkers() -> dict[str, Callable[..., bool]]:
    """Every exercise's checker by name (``check_...``), over all topics; imports them all.

    >>> "check_sgd_step" in all_checkers()
    True
    """
    found: dict[str, Callable[..., bool]] = {}
    for topic in TOPICS:
        module = importlib.import_module(f"{__name__}.{topic}")
        for name in getattr(module, "__all__", ()):
            if name.startswith("check_"):
                found[name] = getattr(module, name)
    return dict(sorted(found.items()))
