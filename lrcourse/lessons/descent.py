"""Gradient descent on one-dimensional examples.

One step of gradient descent moves the parameter against the gradient::

    x_{k+1} = x_k - lr * f'(x_k)

The course's worked example is the parabola ``y = 4 x^2`` (written ``(2x)^2``
in the source notes), whose gradient is ``8 x``. One step then multiplies x by a
fixed factor::

    x_{k+1} = x_k - lr * 8 x_k = (1 - 8 lr) x_k      so      x_k = x_0 (1 - 8 lr)^k

Everything about the learning rate on this example follows from that factor:

=========================  ===============  ==============================
rate                       factor 1 - 8 lr  what the iterates do
=========================  ===============  ==============================
lr = 0                     1                stand still
0 < lr < 0.125             in (0, 1)        shrink towards 0 from one side
lr = 0.125                 0                land on the minimum in one step
0.125 < lr < 0.25          in (-1, 0)       flip sides and shrink
lr = 0.25                  -1               bounce between x_0 and -x_0
lr > 0.25                  below -1         flip sides and grow: diverge
=========================  ===============  ==============================

The same holds for any parabola ``f(x) = c/2 x^2`` with curvature ``c`` (here
``c = 8``): the one-step rate is ``1/c`` and the edge of stability ``2/c``. The
functions below take ``curvature=`` for that reason; its default is the worked
example's 8.

This module is pure Python (no NumPy, no plotting), so every number can be
followed by hand.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from lrcourse._checks import check_callable, check_finite, check_int, check_nonempty, check_positive

__all__ = [
    "COURSE_RATES",
    "CURVATURE",
    "REGIMES",
    "Trajectory",
    "classify_rate",
    "closed_form",
    "critical_rates",
    "descend_parabola",
    "factor",
    "format_table",
    "gradient_descent",
    "parabola",
    "parabola_grad",
    "steps_for_rates",
    "steps_to_tolerance",
]

#: Curvature of the worked example y = 4 x^2 = (8/2) x^2: its gradient is 8 x.
CURVATURE = 8.0

#: The learning rates the course compares on y = 4 x^2, four iterations from x = 2.
COURSE_RATES = (0.01, 0.1, 0.125, 0.2, 0.3)

#: The names :func:`classify_rate` returns, from the smallest rate to the largest.
REGIMES = (
    "does not move",
    "converges monotonically",
    "converges in one step",
    "oscillates and converges",
    "oscillates at the edge",
    "diverges",
)

# Beyond this size an iterate has clearly escaped; stop before floats overflow.
_BLOW_UP = 1e100


# ----------------------------------------------------------------------------------
# Argument checks
# ----------------------------------------------------------------------------------


# ----------------------------------------------------------------------------------
# Gradient descent on any one-dimensional function
# ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Trajectory:
    """What gradient descent visited, one entry per iteration.

    Entry ``k`` describes the point *before* update ``k + 1``: ``x[0]`` is the
    start, ``x[k]`` the point after ``k`` updates. With ``steps`` updates every
    list has ``steps + 1`` entries.

    Attributes:
        lr: the learning rate used.
        x: the iterates x_0, x_1, ..., x_steps.
        grad: the gradient f'(x_k) at each iterate.
        loss: the loss f(x_k) at each iterate, or ``None`` if no loss was given.
    """

    lr: float
    x: list[float]
    grad: list[float]
    loss: list[float] | None = None

    @property
    def steps(self) -> int:
        """Number of updates made (one less than the number of iterates)."""
        return len(self.x) - 1

    @property
    def final(self) -> float:
        """The last iterate, x_steps."""
        return self.x[-1]


def gradient_descent(
    grad: Callable[[float], float],
    x0: float,
    lr: float,
    steps: int,
    loss: Callable[[float], float] | None = None,
) -> Trajectory:
    """Run ``steps`` updates ``x_{k+1} = x_k - lr * grad(x_k)`` from ``x0``.

    Args:
        grad: the derivative f'(x) of the loss.
        x0: the starting point.
        lr: the learning rate, a finite number >= 0.
        steps: the number of updates, an integer >= 0.
        loss: the loss f(x); when given, f(x_k) is recorded too.

    Returns:
        A :class:`Trajectory` with ``steps + 1`` iterates. A diverging run is
        not stopped: its iterates grow (eventually to ``inf`` or ``nan``).

    Example:
        >>> gradient_descent(parabola_grad, x0=2.0, lr=0.1, steps=2).x
        [2.0, 0.3999999999999999, 0.07999999999999996]
    """
    check_callable("grad", grad, "grad(x) -> f'(x)")
    if loss is not None:
        check_callable("loss", loss, "loss(x) -> f(x), or be None")
    x = check_finite("x0", x0)
    lr = check_finite("lr", lr, 0)
    steps = check_int("steps", steps, 0)

    xs, grads = [x], [float(grad(x))]
    for _ in range(steps):
        x = x - lr * grads[-1]
        xs.append(x)
        grads.append(float(grad(x)))
    losses = [float(loss(v)) for v in xs] if loss is not None else None
    return Trajectory(lr=lr, x=xs, grad=grads, loss=losses)


# ----------------------------------------------------------------------------------
# The worked example: y = 4 x^2
# ----------------------------------------------------------------------------------


def parabola(x: float) -> float:
    """The worked example's loss y = 4 x^2 = (2x)^2, minimum 0 at x = 0."""
    return 4.0 * x * x  # x * x, not x ** 2: a huge x gives inf instead of OverflowError


def parabola_grad(x: float) -> float:
    """Its gradient dy/dx = 8 x."""
    return CURVATURE * x


def descend_parabola(lr: float, steps: int = 4, x0: float = 2.0) -> Trajectory:
    """Gradient descent on y = 4 x^2, recording x, the gradient 8x and the loss 4x^2.

    The course's table: ``descend_parabola(lr, steps=4, x0=2.0)`` for each rate
    in :data:`COURSE_RATES`.

    Example:
        >>> [round(v, 4) for v in descend_parabola(0.2).x]
        [2.0, -1.2, 0.72, -0.432, 0.2592]
    """
    return gradient_descent(parabola_grad, x0, lr, steps, loss=parabola)


def factor(lr: float, curvature: float = CURVATURE) -> float:
    """The factor one step multiplies x by on f(x) = c/2 x^2: ``1 - c * lr``.

    For the worked example (c = 8) this is ``1 - 8 lr``. Its size ``|1 - c lr|``
    decides everything: below 1 the iterates shrink, above 1 they grow; its
    sign says whether they stay on one side of the minimum or flip.

    Example:
        >>> factor(0.1)
        0.19999999999999996
    """
    lr = check_finite("lr", lr, 0)
    curvature = check_positive("curvature", curvature)
    return 1.0 - curvature * lr


def closed_form(lr: float, k: int, x0: float = 2.0, curvature: float = CURVATURE) -> float:
    """The k-th iterate without iterating: ``x_k = x_0 (1 - c lr)^k``.

    Example:
        >>> closed_form(0.3, 2)   # 2 * (-1.4)^2
        3.9199999999999995
    """
    k = check_int("k", k, 0)
    x0 = check_finite("x0", x0)
    return x0 * factor(lr, curvature) ** k


def critical_rates(curvature: float = CURVATURE) -> tuple[float, float]:
    """The two special rates of f(x) = c/2 x^2: ``(1/c, 2/c)``.

    At ``1/c`` one step lands exactly on the minimum; ``2/c`` is the edge of
    stability (the factor is -1). For y = 4 x^2 they are 0.125 and 0.25.
    """
    curvature = check_positive("curvature", curvature)
    return 1.0 / curvature, 2.0 / curvature


def classify_rate(lr: float, curvature: float = CURVATURE) -> str:
    """Name what gradient descent does on f(x) = c/2 x^2 at this rate.

    Returns one of :data:`REGIMES`, decided by the factor ``r = 1 - c lr``:
    r = 1 "does not move", 0 < r < 1 "converges monotonically", r = 0 "converges
    in one step", -1 < r < 0 "oscillates and converges", r = -1 "oscillates at
    the edge", r < -1 "diverges".

    Example:
        >>> classify_rate(0.2)
        'oscillates and converges'
    """
    lr = check_finite("lr", lr, 0)
    one_step, edge = critical_rates(curvature)
    # Compare rates, not the computed factor, so 0.125 and 0.25 are hit exactly.
    if lr == 0:
        return REGIMES[0]
    if lr < one_step:
        return REGIMES[1]
    if lr == one_step:
        return REGIMES[2]
    if lr < edge:
        return REGIMES[3]
    if lr == edge:
        return REGIMES[4]
    return REGIMES[5]


def steps_to_tolerance(
    lr: float,
    x0: float = 2.0,
    tol: float = 1e-6,
    max_steps: int = 1000,
    curvature: float = CURVATURE,
) -> int | None:
    """How many updates gradient descent on f(x) = c/2 x^2 needs to reach ``|x_k| <= tol``.

    Runs the update ``x <- x - lr * c x`` (it does not use the closed form, so
    the closed form can check it).

    Args:
        lr: the learning rate, a finite number >= 0.
        x0: the starting point.
        tol: the distance to the minimum x = 0 that counts as "trained", > 0.
        max_steps: the budget of updates, an integer >= 0.
        curvature: c; 8 for the worked example y = 4 x^2.

    Returns:
        The smallest k with ``|x_k| <= tol``, or ``None`` when the budget runs
        out first: the rate is too small to get there in time, sits at the
        edge, or diverges (:func:`classify_rate` tells which).

    Example:
        >>> steps_to_tolerance(0.1)    # 2 * 0.2^k <= 1e-6 first at k = 10
        10
        >>> steps_to_tolerance(0.3) is None
        True
    """
    lr = check_finite("lr", lr, 0)
    x = check_finite("x0", x0)
    tol = check_positive("tol", tol)
    max_steps = check_int("max_steps", max_steps, 0)
    curvature = check_positive("curvature", curvature)

    for k in range(max_steps + 1):
        if abs(x) <= tol:
            return k
        if abs(x) > _BLOW_UP:
            return None
        x = x - lr * curvature * x
    return None


def steps_for_rates(
    lrs: Sequence[float],
    x0: float = 2.0,
    tol: float = 1e-6,
    max_steps: int = 1000,
    curvature: float = CURVATURE,
) -> list[int | None]:
    """:func:`steps_to_tolerance` for every rate in ``lrs``, in the same order.

    Plotted against log(lr) the counts draw the lesson's "valley": they fall as
    the rate grows, reach their bottom near the one-step rate 1/c, and climb
    again towards the edge 2/c; outside the band the budget runs out (``None``).

    Example:
        >>> steps_for_rates([0.001, 0.1, 0.125, 0.3], max_steps=100)
        [None, 10, 1, None]
    """
    check_nonempty("lrs", lrs, "rate")
    return [steps_to_tolerance(lr, x0, tol, max_steps, curvature) for lr in lrs]


def format_table(trajectory: Trajectory, digits: int = 4) -> str:
    """A plain-text table of a trajectory: iteration, x, gradient, loss.

    Example:
        >>> print(format_table(descend_parabola(0.125, steps=1)))
        lr = 0.125
          k          x       grad       loss
          0     2.0000    16.0000    16.0000
          1     0.0000     0.0000     0.0000
    """
    digits = check_int("digits", digits, 0)
    width = digits + 6
    header = f"{'k':>3} {'x':>{width}} {'grad':>{width}} {'loss':>{width}}"
    lines = [f"lr = {trajectory.lr:g}", header]
    losses = trajectory.loss if trajectory.loss is not None else [math.nan] * len(trajectory.x)
    for k, (x, g, y) in enumerate(zip(trajectory.x, trajectory.grad, losses, strict=True)):
        # "+ 0.0" turns -0.0 into 0.0, so an exact zero never prints as "-0.0000".
        lines.append(
            f"{k:>3} {x + 0.0:>{width}.{digits}f} {g + 0.0:>{width}.{digits}f} "
            f"{y + 0.0:>{width}.{digits}f}"
        )
    return "\n".join(lines)
