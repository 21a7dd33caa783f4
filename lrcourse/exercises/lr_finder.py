"""Exercise of the range-test lesson: read the curve, choose bounds for a cyclical rate.

``check_clr_bounds(pick, finder)``: ``pick()`` returns ``(base_lr, max_lr)`` read off the
plot of ``finder`` (an :class:`~lrcourse.lr_finder.LRFinder` whose test has run). The
answer is accepted when

- ``max_lr`` lies within a factor ``tolerance`` (default 3) of ``finder.clr_bounds()[1]``,
  the rate where the smoothed loss stops falling fast (a reading off a log axis is
  good to a factor of a few, and so is the rule), and
- ``max_lr / base_lr`` is between 2.5 and 6 (the rule of thumb: a third to a
  quarter, up to the one-fifth of one of the course's sources).

Otherwise the message says which bound is off and where to look.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from lrcourse.exercises._base import SetupError, TooSlow, _kind, answer_problem, checker
from lrcourse.lr_finder import LRFinder

__all__ = ["check_clr_bounds", "solution_clr_bounds"]

RATIO_RANGE = (2.5, 6.0)


def solution_clr_bounds(finder: LRFinder) -> tuple[float, float]:
    """Reference answer for teachers: ``finder.clr_bounds()`` (base = max / 4)."""
    return finder.clr_bounds()


@checker("CLR bounds from the range test")
def check_clr_bounds(
    pick: Callable[[], tuple[float, float]], finder: LRFinder, tolerance: float = 3.0
) -> bool:
    """Check the ``(base_lr, max_lr)`` that ``pick()`` returns against ``finder``'s curve."""
    if not isinstance(finder, LRFinder):
        raise SetupError(f"finder must be an LRFinder, got {type(finder).__name__}")
    if isinstance(tolerance, bool) or not isinstance(tolerance, (int, float)) or tolerance <= 1:
        raise SetupError(f"tolerance must be a number > 1, got {tolerance!r}")
    name = "CLR bounds from the range test"
    try:
        answer = pick()
    except NotImplementedError:
        answer = ...
    except TooSlow:
        raise
    except Exception as error:
        print(f"❌ {name}: calling it raised {type(error).__name__}: {error}")
        return False
    if answer is None or answer is Ellipsis:
        print(f"⏳ {name}: not done yet. Return (base_lr, max_lr) and run again.")
        return False
    problem = answer_problem(answer, [1.0, 1.0])
    if problem is None and (not isinstance(answer, (list, tuple)) or len(answer) != 2):
        problem = f"got {_kind(answer)}."
    if problem:
        print(f"❌ {name}: return two numbers (base_lr, max_lr); {problem}")
        return False
    base_lr, max_lr = (float(v) for v in answer)
    if not (math.isfinite(base_lr) and math.isfinite(max_lr) and 0 < base_lr < max_lr):
        print(f"❌ {name}: need 0 < base_lr < max_lr, got ({base_lr:.3g}, {max_lr:.3g}).")
        return False
    _, reference = finder.clr_bounds()
    low, high = reference / tolerance, reference * tolerance
    if max_lr > high:
        print(f"❌ {name}: max_lr = {max_lr:.3g} is too high: past about {high:.2g} the loss "
              "has stopped falling fast or is rising. Look for the end of the steep descent.")
        return False
    if max_lr < low:
        print(f"❌ {name}: max_lr = {max_lr:.3g} is too low: the loss still falls steeply "
              f"up to about {reference:.2g}. Move right, to where the descent flattens.")
        return False
    ratio = max_lr / base_lr
    if not RATIO_RANGE[0] <= ratio <= RATIO_RANGE[1]:
        print(f"❌ {name}: max_lr / base_lr = {ratio:.3g}; take base_lr about a third to a "
              f"quarter of max_lr (a ratio between {RATIO_RANGE[0]:g} and {RATIO_RANGE[1]:g}).")
        return False
    print(f"✅ {name}: ({base_lr:.3g}, {max_lr:.3g}) is a sound range "
          f"(the finder reads max_lr = {reference:.3g}).")
    return True
