"""Conditioning and momentum: the quadratic model that explains the optimizers.

Take the quadratic ``f(w) = 1/2 w^T A w`` with ``A`` symmetric and positive
definite, eigenvalues ``mu = lambda_min <= ... <= lambda_max = L`` and condition
number ``k = L / mu``. Its gradient is ``A w`` and its minimum is ``w = 0``. In the
coordinates of A's eigenvectors every direction is lesson 01's parabola with
curvature ``lambda``, and every method below acts on each direction alone:

gradient descent, ``w_t = w_{t-1} - lr A w_{t-1}``::

    x_t = (1 - lr lambda) x_{t-1}                factor |1 - lr lambda|
    stable while lr < 2 / L;  best lr = 2 / (mu + L);  factor (k - 1) / (k + 1)

heavy ball (Polyak; PyTorch's ``SGD(momentum=beta)``: v = beta v + g, w = w - lr v)::

    x_t = (1 + beta - lr lambda) x_{t-1} - beta x_{t-2}         a 2 x 2 linear map
    factor = the larger root in size of  r^2 - (1 + beta - lr lambda) r + beta = 0
    stable while 0 < lr lambda < 2 (1 + beta)
    best lr = (2 / (sqrt L + sqrt mu))^2,  beta = ((sqrt k - 1) / (sqrt k + 1))^2,
    factor (sqrt k - 1) / (sqrt k + 1)

Nesterov (PyTorch's ``SGD(momentum=beta, nesterov=True)``)::

    x_t = (1 + beta)(1 - lr lambda) x_{t-1} - beta (1 - lr lambda) x_{t-2}
    stable while 0 < lr lambda < 2 (1 + beta) / (1 + 2 beta)

The closed forms take a curvature ``lam`` (one direction) or a list of
eigenvalues (the worst direction); the ``*_rate`` functions also take NumPy
arrays of ``lr`` and ``beta``, for maps over both. :func:`quadratic_run` runs any
``torch.optim.Optimizer`` on a quadratic in float64 and records the distance to
the minimum, so the formulas can be measured. The rotated ravine
(:func:`ravine_matrix`) and :func:`coordinate_race` show why per-coordinate
methods (AdaGrad, RMSprop, Adam) are diagonal preconditioners, which help only
when the valley lies along the axes.

Math only: no plotting here (see :mod:`lrcourse.plots.conditioning`).
"""

from __future__ import annotations

import cmath
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import torch
from torch.optim import Optimizer

from lrcourse._checks import (
    check_choice,
    check_finite,
    check_int,
    check_positive,
    check_range,
    shown,
)
from lrcourse.optim import make_optimizer

__all__ = [
    "ANGLES",
    "COORDINATE_METHODS",
    "COORDINATE_RATES",
    "RATE_GRID",
    "RAVINE_K",
    "RAVINE_START",
    "Run",
    "best_grid_rate",
    "coordinate_race",
    "critical_beta",
    "format_coordinate_race",
    "gd_best",
    "gd_edge",
    "gd_factor",
    "gd_rate",
    "heavy_ball_best",
    "heavy_ball_edge",
    "heavy_ball_error",
    "heavy_ball_matrix",
    "heavy_ball_rate",
    "heavy_ball_roots",
    "heavy_ball_path",
    "jacobi_condition",
    "measured_rate",
    "nesterov_best",
    "nesterov_edge",
    "nesterov_lookahead",
    "nesterov_matrix",
    "nesterov_rate",
    "predicted_distances",
    "quadratic_run",
    "ravine_matrix",
    "rotation",
    "sgd_run",
    "steps_predicted",
    "steps_to_shrink",
]

Number = Any  # a float or a NumPy array: the *_rate functions broadcast


# ----------------------------------------------------------------------------------
# Argument checks
# ----------------------------------------------------------------------------------


def _eigenvalues(eigenvalues: Any) -> list[float]:
    """A non-empty list of finite numbers > 0 (one number counts as a list of one)."""
    if isinstance(eigenvalues, (int, float)) and not isinstance(eigenvalues, bool):
        eigenvalues = [eigenvalues]
    try:
        values = [] if isinstance(eigenvalues, (str, bytes)) else [float(v) for v in eigenvalues]
    except (TypeError, ValueError):
        values = []
    if not values or not all(math.isfinite(v) and v > 0 for v in values) or any(
        isinstance(v, bool) for v in eigenvalues
    ):
        raise ValueError(f"eigenvalues must be numbers > 0 (at least one), got "
                         f"{shown(eigenvalues)}")
    return values


def _array(name: str, value: Any, low: float, high: float, high_open: bool,
           low_open: bool = False) -> Number:
    """A float, or a float64 array, with every entry in the interval; else ValueError."""
    if isinstance(value, np.ndarray):
        arr = value.astype(np.float64, copy=False) if value.dtype.kind in "fiu" else None
        inside = arr is not None and bool(np.all(np.isfinite(arr)))
        if inside:
            inside = bool(np.all(arr > low if low_open else arr >= low)) and bool(
                np.all(arr < high if high_open else arr <= high))
        if not inside:
            interval = f"{'(' if low_open else '['}{low:g}, {high:g}{')' if high_open else ']'}"
            raise ValueError(f"{name} must hold numbers in {interval}, got {shown(value)}")
        return arr
    return check_range(name, value, low, high, low_open=low_open, high_open=high_open)


def _lr(lr: Any) -> Number:
    return _array("lr", lr, 0.0, math.inf, high_open=True, low_open=True)


def _beta(beta: Any) -> Number:
    return _array("beta", beta, 0.0, 1.0, high_open=True)


def _matrix(A: Any) -> torch.Tensor:
    """A as a float64 tensor, if it is a square, symmetric, positive-definite matrix."""
    try:
        M = torch.as_tensor(np.asarray(A, dtype=np.float64))
    except (TypeError, ValueError):
        M = None
    ok = (M is not None and M.ndim == 2 and M.shape[0] == M.shape[1] and M.shape[0] >= 1
          and bool(torch.isfinite(M).all()))
    if ok:
        ok = bool(torch.allclose(M, M.T, rtol=1e-12, atol=1e-12)) and float(
            torch.linalg.eigvalsh(M).min()) > 0
    if not ok:
        raise ValueError(f"A must be a symmetric positive-definite square matrix, got {shown(A)}")
    return M


def _start(start: Any, n: int) -> torch.Tensor:
    try:
        w = torch.as_tensor(np.asarray(start, dtype=np.float64))
    except (TypeError, ValueError):
        w = None
    if w is None or w.shape != (n,) or not bool(torch.isfinite(w).all()) or float(
            w.norm()) == 0:
        raise ValueError(f"start must be {n} finite numbers, not all 0, got {shown(start)}")
    return w


# ----------------------------------------------------------------------------------
# Gradient descent
# ----------------------------------------------------------------------------------


def gd_factor(lr: float, lam: float) -> float:
    """What one gradient-descent step multiplies a direction of curvature ``lam`` by: 1 - lr lam.

    Example:
        >>> gd_factor(0.25, 2.0)
        0.5
    """
    return 1.0 - check_positive("lr", lr) * check_positive("lam", lam)


def gd_rate(lr: Number, eigenvalues: Sequence[float]) -> Number:
    """The worst factor per step of gradient descent: max over lambda of |1 - lr lambda|.

    Below 1 the run converges; the largest |1 - lr lambda| belongs to lambda_min
    or lambda_max, so only those two matter.

    Example:
        >>> round(gd_rate(2 / 51, [1, 50]), 4)
        0.9608
    """
    lr = _lr(lr)
    lams = _eigenvalues(eigenvalues)
    rate = np.maximum(np.abs(1 - lr * min(lams)), np.abs(1 - lr * max(lams)))
    return float(rate) if np.ndim(rate) == 0 else rate


def gd_edge(lam_max: float) -> float:
    """The edge of stability of gradient descent: 2 / lambda_max.

    Example:
        >>> gd_edge(50)
        0.04
    """
    return 2.0 / check_positive("lam_max", lam_max)


def gd_best(mu: float, L: float) -> tuple[float, float]:
    """The best fixed rate of gradient descent for eigenvalues in [mu, L], and its factor.

    ``lr = 2 / (mu + L)`` makes the two extreme factors equal and opposite,
    ``1 - lr mu = -(1 - lr L) = (k - 1) / (k + 1)`` with ``k = L / mu``.

    Example:
        >>> [round(v, 4) for v in gd_best(1, 50)]
        [0.0392, 0.9608]
    """
    mu, L = _mu_L(mu, L)
    return 2.0 / (mu + L), (L - mu) / (L + mu)


def _mu_L(mu: Any, L: Any) -> tuple[float, float]:
    mu, L = check_positive("mu", mu), check_positive("L", L)
    if L < mu:
        raise ValueError(f"L must be >= mu, got mu={mu!r}, L={L!r}")
    return mu, L


# ----------------------------------------------------------------------------------
# Heavy ball: a 2 x 2 linear map per direction
# ----------------------------------------------------------------------------------


def heavy_ball_matrix(lr: float, beta: float, lam: float) -> np.ndarray:
    """The 2 x 2 map of heavy ball along one direction: (x_t, x_{t-1}) = M (x_{t-1}, x_{t-2}).

    ::

        M = [[1 + beta - lr lam, -beta],
             [1,                  0   ]]

    PyTorch's ``v_t = beta v_{t-1} + g_t, w_t = w_{t-1} - lr v_t`` gives
    ``w_t - w_{t-1} = beta (w_{t-1} - w_{t-2}) - lr g_t``: Polyak's heavy ball.

    Example:
        >>> heavy_ball_matrix(0.1, 0.5, 2.0).tolist()
        [[1.3, -0.5], [1.0, 0.0]]
    """
    lr, beta, lam = check_positive("lr", lr), _beta(beta), check_positive("lam", lam)
    return np.array([[1.0 + beta - lr * lam, -beta], [1.0, 0.0]])


def heavy_ball_roots(lr: float, beta: float, lam: float) -> tuple[complex, complex]:
    """The eigenvalues of :func:`heavy_ball_matrix`: the roots of r^2 - (1 + beta - lr lam) r + beta.

    Their product is beta; when they are complex both have size sqrt(beta) and
    the direction swings while it shrinks (underdamped); when they are real the
    larger one sets the pace (overdamped); they coincide at critical damping,
    ``beta = (1 - sqrt(lr lam))^2``.

    Example:
        >>> r1, r2 = heavy_ball_roots(0.01, 0.9, 50.0)
        >>> round(abs(r1), 4), round(abs(r2), 4)
        (0.9487, 0.9487)
    """
    lr, beta, lam = check_positive("lr", lr), _beta(beta), check_positive("lam", lam)
    a = 1.0 + beta - lr * lam
    root = cmath.sqrt(a * a - 4.0 * beta)
    return (a + root) / 2.0, (a - root) / 2.0


def heavy_ball_rate(lr: Number, beta: Number, eigenvalues: Sequence[float]) -> Number:
    """The worst factor per step of heavy ball: the largest |root| over the eigenvalues.

    Takes floats, or NumPy arrays of ``lr`` and ``beta`` (broadcast together) for
    a map of the rate. It is the spectral radius of :func:`heavy_ball_matrix`,
    maximised over the eigenvalues; below 1 the run converges.

    Example:
        >>> k = 50  # the best (lr, beta) for eigenvalues 1 and 50
        >>> round(heavy_ball_rate((2 / (k**0.5 + 1))**2, ((k**0.5 - 1) / (k**0.5 + 1))**2, [1, k]), 4)
        0.7522
    """
    lr, beta = _lr(lr), _beta(beta)
    worst = None
    for lam in _eigenvalues(eigenvalues):
        a = (1.0 + beta - np.multiply(lr, lam)).astype(np.complex128)
        root = np.sqrt(a * a - 4.0 * beta)
        size = np.maximum(np.abs((a + root) / 2.0), np.abs((a - root) / 2.0))
        worst = size if worst is None else np.maximum(worst, size)
    return float(worst) if np.ndim(worst) == 0 else worst


def heavy_ball_edge(beta: float, lam: float) -> float:
    """The largest stable rate of heavy ball on curvature ``lam``: 2 (1 + beta) / lam.

    At lr lam = 2 (1 + beta) one root is -1: the direction bounces forever.

    Example:
        >>> round(heavy_ball_edge(0.9, 50), 4)
        0.076
    """
    return 2.0 * (1.0 + _beta(beta)) / check_positive("lam", lam)


def critical_beta(lr: float, lam: float) -> float:
    """The momentum at which heavy ball is critically damped on ``lam``: (1 - sqrt(lr lam))^2.

    Below it the roots are real (overdamped), above it complex (underdamped); at
    it the double root ``1 - sqrt(lr lam)`` is the fastest the direction can shrink
    at this rate.

    Example:
        >>> critical_beta(0.01, 25.0)
        0.25
    """
    return (1.0 - math.sqrt(check_positive("lr", lr) * check_positive("lam", lam))) ** 2


def heavy_ball_best(mu: float, L: float) -> tuple[float, float, float]:
    """The best heavy-ball ``(lr, beta)`` for eigenvalues in [mu, L], and its factor.

    ::

        lr = (2 / (sqrt L + sqrt mu))^2,   beta = ((sqrt k - 1) / (sqrt k + 1))^2,
        factor = sqrt(beta) = (sqrt k - 1) / (sqrt k + 1)

    Both extreme directions are then critically damped and every direction in
    between is underdamped with |root| = sqrt(beta).

    Example:
        >>> [round(v, 4) for v in heavy_ball_best(1, 50)]
        [0.0614, 0.5658, 0.7522]
    """
    mu, L = _mu_L(mu, L)
    sL, smu = math.sqrt(L), math.sqrt(mu)
    rate = (sL - smu) / (sL + smu)
    return (2.0 / (sL + smu)) ** 2, rate * rate, rate


def heavy_ball_error(t: int, lr: float, beta: float, lam: float) -> float:
    """The error along one direction after ``t`` heavy-ball steps, as a fraction of the start.

    The recurrence x_t = (1 + beta - lr lam) x_{t-1} - beta x_{t-2} starts, as
    PyTorch's buffer does (v_0 = 0), with a plain step: x_1 = (1 - lr lam) x_0.
    Its solution, with roots r_1, r_2::

        x_t / x_0 = A r_1^t + (1 - A) r_2^t,   A = (1 - lr lam - r_2) / (r_1 - r_2)
        x_t / x_0 = (1 + sigma t) r^t          at critical damping (r_1 = r_2 = r),
                                               sigma = (1 - lr lam) / r - 1

    Roots closer than 1e-6 count as equal: near that switch either formula is
    within about 1e-8 (relative) of the iterated recurrence for t up to 1,000, and
    at the best (lr, beta) the two roots agree to rounding.

    Example:
        >>> round(heavy_ball_error(2, 0.1, 0.5, 2.0), 12)   # 1.3 * 0.8 - 0.5 * 1
        0.54
    """
    t = check_int("t", t, 0)
    r1, r2 = heavy_ball_roots(lr, beta, lam)
    first = 1.0 - lr * lam
    if t == 0:
        return 1.0
    if abs(r1 - r2) < 1e-6:
        r = (r1 + r2) / 2
        if r == 0:
            return 0.0
        sigma = first / r - 1.0
        return float(((1.0 + sigma * t) * r**t).real)
    A = (first - r2) / (r1 - r2)
    return float((A * r1**t + (1.0 - A) * r2**t).real)


def heavy_ball_path(
    lr: float, beta: float, eigenvalues: Sequence[float], start: Sequence[float], steps: int
) -> list[tuple[float, ...]]:
    """Heavy ball on ``f = sum_i lambda_i x_i^2 / 2`` in plain Python floats: the points visited.

    The same arithmetic as PyTorch's ``SGD(lr, momentum=beta)``: ``v = beta v + g``
    (``v_1 = g_1``), ``x = x - lr v``. Stops early once a coordinate passes 1e6
    (the run has diverged). Used by the widget, where it is quicker than an
    optimizer object.

    Example:
        >>> heavy_ball_path(0.1, 0.5, [2.0], [1.0], 2)
        [(1.0,), (0.8,), (0.54,)]
    """
    lr, beta = check_positive("lr", lr), _beta(beta)
    lams = _eigenvalues(eigenvalues)
    steps = check_int("steps", steps, 0)
    x = [check_finite("start", v) for v in start] if isinstance(start, (list, tuple)) else None
    if x is None or len(x) != len(lams):
        raise ValueError(f"start must be {len(lams)} numbers, one per eigenvalue, got "
                         f"{shown(start)}")
    v = [0.0] * len(x)
    path = [tuple(x)]
    for _ in range(steps):
        v = [beta * vi + lam * xi for vi, lam, xi in zip(v, lams, x, strict=True)]
        x = [xi - lr * vi for xi, vi in zip(x, v, strict=True)]
        if not all(abs(xi) < 1e6 for xi in x):
            break
        path.append(tuple(x))
    return path


# ----------------------------------------------------------------------------------
# Nesterov's look-ahead
# ----------------------------------------------------------------------------------


def nesterov_matrix(lr: float, beta: float, lam: float) -> np.ndarray:
    """The 2 x 2 map of Nesterov momentum along one direction.

    With the gradient taken at the look-ahead point, along a direction of
    curvature lam the iterates obey
    ``x_t = (1 + beta)(1 - lr lam) x_{t-1} - beta (1 - lr lam) x_{t-2}``::

        M = [[(1 + beta)(1 - lr lam), -beta (1 - lr lam)],
             [1,                       0                ]]

    Example:
        >>> nesterov_matrix(0.1, 0.5, 2.0).tolist()
        [[1.2000000000000002, -0.4], [1.0, 0.0]]
    """
    lr, beta, lam = check_positive("lr", lr), _beta(beta), check_positive("lam", lam)
    q = 1.0 - lr * lam
    return np.array([[(1.0 + beta) * q, -beta * q], [1.0, 0.0]])


def nesterov_rate(lr: Number, beta: Number, eigenvalues: Sequence[float]) -> Number:
    """The worst factor per step of Nesterov momentum over the eigenvalues.

    The larger |root| of ``r^2 - (1 + beta)(1 - lr lam) r + beta (1 - lr lam) = 0``.

    Example:
        >>> round(nesterov_rate(1 / 100, 9 / 11, [1, 100]), 4)   # 1 - 1/sqrt(k)
        0.9
    """
    lr, beta = _lr(lr), _beta(beta)
    worst = None
    for lam in _eigenvalues(eigenvalues):
        q = (1.0 - np.multiply(lr, lam)).astype(np.complex128)
        a, c = (1.0 + beta) * q, beta * q
        root = np.sqrt(a * a - 4.0 * c)
        size = np.maximum(np.abs((a + root) / 2.0), np.abs((a - root) / 2.0))
        worst = size if worst is None else np.maximum(worst, size)
    return float(worst) if np.ndim(worst) == 0 else worst


def nesterov_edge(beta: float, lam: float) -> float:
    """The largest stable rate of Nesterov momentum on curvature ``lam``.

    ``lr lam < 2 (1 + beta) / (1 + 2 beta)``: below heavy ball's 2 (1 + beta), and
    never above 2, so the look-ahead does not let the rate pass much beyond plain
    gradient descent's edge 2 / lam.

    Example:
        >>> round(nesterov_edge(0.9, 50), 4)
        0.0271
    """
    beta = _beta(beta)
    return 2.0 * (1.0 + beta) / ((1.0 + 2.0 * beta) * check_positive("lam", lam))


def nesterov_best(mu: float, L: float) -> tuple[float, float, float]:
    """Nesterov's usual setting for eigenvalues in [mu, L], and its factor on a quadratic.

    ``lr = 1 / L`` and ``beta = (sqrt k - 1) / (sqrt k + 1)``; along lambda = mu the
    map then has the double root ``1 - 1 / sqrt k``, along lambda = L both roots are 0.

    Example:
        >>> [round(v, 4) for v in nesterov_best(1, 100)]
        [0.01, 0.8182, 0.9]
    """
    mu, L = _mu_L(mu, L)
    sk = math.sqrt(L / mu)
    return 1.0 / L, (sk - 1.0) / (sk + 1.0), 1.0 - 1.0 / sk


def nesterov_lookahead(
    A: Any, start: Sequence[float], lr: float, beta: float, steps: int
) -> tuple[list[torch.Tensor], list[torch.Tensor]]:
    """Nesterov momentum in its look-ahead form, on ``f = 1/2 w^T A w`` (float64).

    ::

        v_0 = 0,   v_t = beta v_{t-1} - lr grad f(w_{t-1} + beta v_{t-1}),   w_t = w_{t-1} + v_t

    The gradient is taken where momentum is about to carry the weights, not
    where they are. PyTorch's ``SGD(nesterov=True)`` keeps the look-ahead point
    ``u_t = w_t + beta v_t`` as its parameter instead, which turns the update into
    ``b_t = beta b_{t-1} + g_t``, ``u_t = u_{t-1} - lr (g_t + beta b_t)`` with
    ``g_t = grad f(u_{t-1})`` and ``b = -v / lr``: the same run, seen from ahead.

    Returns:
        ``(ws, lookaheads)``: the points w_0..w_steps and u_0..u_steps.

    Example:
        >>> ws, us = nesterov_lookahead([[2.0]], [1.0], 0.1, 0.5, 1)
        >>> round(float(ws[1][0]), 4), round(float(us[1][0]), 4)
        (0.8, 0.7)
    """
    M = _matrix(A)
    w = _start(start, M.shape[0])
    lr, beta = check_positive("lr", lr), _beta(beta)
    steps = check_int("steps", steps, 0)
    v = torch.zeros_like(w)
    ws, us = [w.clone()], [w.clone()]
    for _ in range(steps):
        v = beta * v - lr * (M @ (w + beta * v))
        w = w + v
        ws.append(w.clone())
        us.append(w + beta * v)
    return ws, us


# ----------------------------------------------------------------------------------
# Runs on a quadratic, and what to measure on them
# ----------------------------------------------------------------------------------


@dataclass
class Run:
    """What an optimizer did on ``f = 1/2 w^T A w``.

    Attributes:
        label: a name for tables and legends.
        points: the iterates w_0, w_1, ... as tuples (w_0 the start).
        distance: ||w_t||, the distance to the minimum 0, after each step.
        diverged: ``True`` when the run stopped because it blew up.
    """

    label: str
    points: list[tuple[float, ...]] = field(default_factory=list)
    distance: list[float] = field(default_factory=list)
    diverged: bool = False

    @property
    def steps(self) -> int:
        """Number of steps taken."""
        return len(self.points) - 1


_BLOW_UP = 1e6


def quadratic_run(
    A: Any,
    make: Callable[[list[torch.Tensor]], Optimizer],
    start: Sequence[float],
    steps: int,
    label: str = "",
) -> Run:
    """Run ``steps`` optimizer steps on ``f(w) = 1/2 w^T A w`` from ``start``, in float64.

    Each step sets ``p.grad = A p`` (the exact gradient) and calls ``step()``.
    The run stops early when the distance passes 1e6 times the start's.

    Args:
        A: a symmetric positive-definite matrix (nested lists, array or tensor).
        make: builds the optimizer from ``[p]``, e.g.
            ``lambda ps: torch.optim.SGD(ps, lr=0.03, momentum=0.5)``.
        start: the first point, one number per row of A.
        steps: number of steps, >= 0.
        label: stored in the :class:`Run`.

    Example:
        >>> run = quadratic_run([[1.0, 0.0], [0.0, 4.0]],
        ...                     lambda ps: torch.optim.SGD(ps, lr=0.25), [1.0, 1.0], 1)
        >>> run.points[1]
        (0.75, 0.0)
    """
    M = _matrix(A)
    w0 = _start(start, M.shape[0])
    steps = check_int("steps", steps, 0)
    if not callable(make):
        raise ValueError(f"make must build an optimizer from [p], got {shown(make)}")
    p = w0.clone()
    optimizer = make([p])
    if not isinstance(optimizer, Optimizer):
        raise ValueError(f"make must return a torch.optim.Optimizer, got {shown(optimizer)}")
    d0 = float(p.norm())
    run = Run(label=label, points=[tuple(p.tolist())], distance=[d0])
    for _ in range(steps):
        # A w as products and sums of rows: the same roundings on every CPU (a BLAS
        # matrix-vector product may or may not fuse its multiply-adds).
        p.grad = (M * p).sum(dim=1)
        optimizer.step()
        d = float(p.norm())
        if not d < _BLOW_UP * d0:
            run.diverged = True
            break
        run.points.append(tuple(p.tolist()))
        run.distance.append(d)
    return run


def sgd_run(
    A: Any,
    start: Sequence[float],
    steps: int,
    lr: float,
    momentum: float = 0.0,
    nesterov: bool = False,
    library: str = "torch",
    label: str = "",
) -> Run:
    """:func:`quadratic_run` with ``SGD(lr, momentum, nesterov)``: plain, heavy ball or Nesterov.

    ``library="torch"`` uses ``torch.optim.SGD``, ``"lrcourse"`` :class:`lrcourse.optim.SGD`.

    Example:
        >>> sgd_run([[2.0]], [1.0], 2, lr=0.1, momentum=0.5).points
        [(1.0,), (0.8,), (0.54,)]
    """
    library = check_choice("library", library, ("torch", "lrcourse"))
    if library == "torch":
        cls = torch.optim.SGD
    else:
        from lrcourse.optim import SGD as cls
    return quadratic_run(
        A, lambda ps: cls(ps, lr=lr, momentum=momentum, nesterov=nesterov), start, steps, label
    )


def steps_to_shrink(distance: Sequence[float], factor: float = 1e-6) -> int | None:
    """The first step from which the distance stays at or below ``factor`` times the start's.

    A run that dips below and swings out again counts only once it stays; ``None``
    when the last recorded distance is still above (run longer).

    Example:
        >>> steps_to_shrink([1.0, 0.5, 0.01, 0.2, 0.001, 1e-4], factor=0.1)
        4
    """
    factor = check_range("factor", factor, 0, 1, low_open=True, high_open=True)
    if not distance:
        raise ValueError("distance must hold at least the start, got an empty list")
    bound = factor * float(distance[0])
    if not float(distance[-1]) <= bound:
        return None
    k = len(distance) - 1
    while k > 0 and float(distance[k - 1]) <= bound:
        k -= 1
    return k


def measured_rate(
    distance: Sequence[float], first: int = 0, last: int | None = None, window: int = 1
) -> float:
    """The mean factor per step between two steps: (d_last / d_first)^(1 / (last - first)).

    With ``window`` > 1 each end is the largest distance of the ``window`` steps
    starting there: a run whose directions swing (complex roots) touches its
    envelope only now and then, and the envelope is what shrinks by the factor.

    Example:
        >>> measured_rate([8.0, 4.0, 2.0, 1.0])
        0.5
    """
    n = len(distance)
    window = check_int("window", window, 1)
    if n < window + 1:
        raise ValueError(f"distance must hold more than window = {window} values, got {n}")
    last = n - window if last is None else check_int("last", last, 1, n - window)
    first = check_int("first", first, 0, last - 1)

    def end(i: int) -> float:
        return max(float(d) for d in distance[i:i + window])

    return (end(last) / end(first)) ** (1.0 / (last - first))


def predicted_distances(
    lr: float, beta: float, eigenvalues: Sequence[float], start: Sequence[float], steps: int
) -> list[float]:
    """The distance to the minimum after 0..``steps`` heavy-ball steps, from the closed form.

    ``start`` gives the coordinates along the eigenvectors of ``eigenvalues``; each
    moves by :func:`heavy_ball_error`, and the distance is the root of the sum of
    their squares. ``beta = 0`` is plain gradient descent.

    Example:
        >>> predicted_distances(0.25, 0.0, [1.0, 4.0], [3.0, 4.0], 1)
        [5.0, 2.25]
    """
    lams = _eigenvalues(eigenvalues)
    steps = check_int("steps", steps, 0)
    x0 = [check_finite("start", v) for v in start] if isinstance(start, (list, tuple)) else None
    if x0 is None or len(x0) != len(lams):
        raise ValueError(f"start must be {len(lams)} numbers, one per eigenvalue, got "
                         f"{shown(start)}")
    return [math.sqrt(sum((x * heavy_ball_error(t, lr, beta, lam)) ** 2
                          for x, lam in zip(x0, lams, strict=True)))
            for t in range(steps + 1)]


def steps_predicted(rate: float, factor: float = 1e-6) -> int:
    """Steps for a factor ``rate`` per step to shrink an error ``1/factor``-fold: ceil(log factor / log rate).

    Example:
        >>> steps_predicted(0.5, 1e-3)   # 2^-10 < 1e-3 < 2^-9
        10
    """
    rate = check_range("rate", rate, 0, 1, low_open=True, high_open=True)
    factor = check_range("factor", factor, 0, 1, low_open=True, high_open=True)
    return math.ceil(math.log(factor) / math.log(rate) - 1e-12)


# ----------------------------------------------------------------------------------
# The rotated ravine: per-coordinate methods as diagonal preconditioners
# ----------------------------------------------------------------------------------

#: The ravine of the lesson: curvatures 1 and 50, as in the surfaces lesson.
RAVINE_K = 50.0

#: Where every run on the ravine starts, in the ravine's own axes (rotated with it).
RAVINE_START = (-4.0, 1.0)

#: The two orientations the lesson compares: along the axes, and turned by 45 degrees.
ANGLES = (0.0, 45.0)

#: The per-coordinate race: the registry's names, and the extra settings of a row.
COORDINATE_METHODS: dict[str, tuple[str, dict[str, Any]]] = {
    "SGD": ("SGD", {}),
    "Momentum": ("Momentum", {}),
    "Adagrad": ("Adagrad", {}),
    "RMSprop": ("RMSprop", {}),
    "Adam": ("Adam", {}),
    "Adam, beta1 = 0": ("Adam", {"betas": (0.0, 0.999)}),
}

#: The learning rates tried for every method: 1, 1.5, 2, 3, 5, 7 times 0.001 ... 1, then 10.
RATE_GRID = tuple(round(m * 10.0**e, 6) for e in (-3, -2, -1, 0) for m in (1, 1.5, 2, 3, 5, 7)
                  ) + (10.0,)

#: The best rate of :data:`RATE_GRID` for each method at each angle of :data:`ANGLES`:
#: the fewest steps to stay within 0.01 of the minimum, from :data:`RAVINE_START`
#: (found by :func:`best_grid_rate`; the unit tests run the search again).
COORDINATE_RATES: dict[str, dict[float, float]] = {
    "SGD": {0.0: 0.03, 45.0: 0.03},
    "Momentum": {0.0: 0.005, 45.0: 0.005},
    "Adagrad": {0.0: 5.0, 45.0: 1.5},
    "RMSprop": {0.0: 0.05, 45.0: 0.02},
    "Adam": {0.0: 0.2, 45.0: 1.5},
    "Adam, beta1 = 0": {0.0: 0.2, 45.0: 0.1},
}

_RACE_TOL = 1e-2
_RACE_STEPS = 600


def rotation(angle: float) -> torch.Tensor:
    """The rotation by ``angle`` degrees: its columns are the ravine's eigenvectors.

    ::

        R = [[cos a, -sin a],
             [sin a,  cos a]]

    The first column is the direction of curvature 1 (the valley's floor), the
    second that of curvature k; ``R^T w`` gives a point's eigen-coordinates.

    Example:
        >>> rotation(90.0).round(decimals=6).tolist()
        [[0.0, -1.0], [1.0, 0.0]]
    """
    a = math.radians(check_finite("angle", angle))
    c, s = math.cos(a), math.sin(a)
    return torch.tensor([[c, -s], [s, c]], dtype=torch.float64)


def ravine_matrix(k: float = RAVINE_K, angle: float = 0.0) -> torch.Tensor:
    """The Hessian of a ravine with curvatures 1 and ``k``, turned by ``angle`` degrees.

    ::

        A = R diag(1, k) R^T      with R = rotation(angle)

    At angle 0 the long axis of the valley is the first axis; at 45 degrees it
    runs along the diagonal and both coordinates see both curvatures.

    Example:
        >>> ravine_matrix(3.0, 45.0).round(decimals=6).tolist()
        [[2.0, -1.0], [-1.0, 2.0]]
    """
    k = check_range("k", k, 1.0, math.inf, high_open=True)
    R = rotation(angle)
    return R @ torch.diag(torch.tensor([1.0, k], dtype=torch.float64)) @ R.T


def _rotated_start(angle: float, start: Sequence[float] = RAVINE_START) -> list[float]:
    return (rotation(angle) @ torch.tensor(start, dtype=torch.float64)).tolist()


def jacobi_condition(k: float, angle: float) -> float:
    """The condition number left after the best diagonal rescaling of the turned ravine.

    Divide each coordinate by the square root of its own curvature,
    ``B = D^{-1/2} A D^{-1/2}`` with ``D = diag(A)``: B has ones on its diagonal and
    ``c = a_12 / sqrt(a_11 a_22)`` off it, so its condition number is
    ``(1 + |c|) / (1 - |c|)``. It is 1 along the axes and ``k`` at 45 degrees. For a
    2 x 2 matrix no other diagonal scaling does better (Forsythe and Straus, 1955).

    Example:
        >>> jacobi_condition(50, 0), round(jacobi_condition(50, 45), 6)
        (1.0, 50.0)
    """
    A = ravine_matrix(k, angle)
    a11, a22, a12 = float(A[0, 0]), float(A[1, 1]), float(A[0, 1])
    c = min(abs(a12) / math.sqrt(a11 * a22), 1.0)
    return (1.0 + c) / (1.0 - c) if c < 1.0 else math.inf


def _race_run(method: str, angle: float, lr: float, steps: int = _RACE_STEPS,
              library: str = "lrcourse", start: Sequence[float] = RAVINE_START) -> Run:
    name, settings = COORDINATE_METHODS[method]
    return quadratic_run(
        ravine_matrix(RAVINE_K, angle),
        lambda ps: make_optimizer(name, ps, lr, library=library, **settings),
        _rotated_start(angle, start), steps, label=method,
    )


def _steps_within(run: Run, tol: float = _RACE_TOL) -> int | None:
    """The first step from which the run stays within ``tol`` of the minimum (absolute)."""
    if run.diverged or run.distance[-1] > tol:
        return None
    k = len(run.distance) - 1
    while k > 0 and run.distance[k - 1] <= tol:
        k -= 1
    return k


def best_grid_rate(method: str, angle: float, rates: Sequence[float] = RATE_GRID,
                   start: Sequence[float] = RAVINE_START) -> tuple[float, int | None]:
    """The rate of ``rates`` after which ``method`` soonest stays within 0.01 of the minimum.

    Each rate runs 600 steps on the ravine (k = 50) turned by ``angle`` degrees,
    from ``start`` (in the ravine's own axes; :data:`RAVINE_START` by default)
    turned with it; ties go to the smaller rate.
    Returns ``(lr, steps)``, ``steps`` ``None`` when no rate arrives.

    Example:
        >>> best_grid_rate("SGD", 0.0, [0.02, 0.03])
        (0.03, 197)
    """
    method = check_choice("method", method, tuple(COORDINATE_METHODS))
    angle = check_finite("angle", angle)
    start = _start(start, 2).tolist()
    if not rates:
        raise ValueError("rates must hold at least one learning rate, got none")
    rates = sorted((check_positive("rates", lr) for lr in rates), reverse=True)
    best: tuple[float, int | None] = (rates[-1], None)
    # From the largest rate down: large rates blow up within a few steps, and once a
    # rate has arrived in n steps, a smaller one must be within 0.01 at step n to tie or
    # beat it, which a short run rules out for most of them.
    for lr in rates:
        if best[1] is not None:
            short = _race_run(method, angle, lr, steps=best[1], start=start)
            if short.diverged or short.distance[-1] > _RACE_TOL:
                continue
        n = _steps_within(_race_run(method, angle, lr, start=start))
        if n is not None and (best[1] is None or n <= best[1]):
            best = (float(lr), n)
    return best


def coordinate_race(
    methods: Sequence[str] = tuple(COORDINATE_METHODS),
    angles: Sequence[float] = ANGLES,
    library: str = "lrcourse",
) -> dict[str, dict[float, Run]]:
    """Each method at its rate of :data:`COORDINATE_RATES` on the ravine at each angle.

    The optimizers come from :func:`lrcourse.optim.make_optimizer`
    (``library="lrcourse"`` by default: the same float64 arithmetic on every CPU).

    Returns:
        ``runs[method][angle]``, each a :class:`Run` of 600 steps.
    """
    methods = [check_choice("methods", m, tuple(COORDINATE_METHODS)) for m in methods]
    angles = [check_choice("angles", a, ANGLES) for a in angles]
    library = check_choice("library", library, ("torch", "lrcourse"))
    return {m: {a: _race_run(m, a, COORDINATE_RATES[m][a], library=library) for a in angles}
            for m in methods}


def format_coordinate_race(runs: dict[str, dict[float, Run]]) -> str:
    """A text table of :func:`coordinate_race`: rate and steps to stay within 0.01, per angle."""
    if not runs:
        raise ValueError("runs must hold at least one method, got none")
    angles = list(next(iter(runs.values())))
    head = f"{'method':<17}" + "".join(f"{f'lr at {a:g}°':>12}{'steps':>7}" for a in angles)
    lines = [head]
    for method, by_angle in runs.items():
        cells = ""
        for a in angles:
            n = _steps_within(by_angle[a])
            shown_n = "—" if n is None else str(n)
            cells += f"{COORDINATE_RATES[method][a]:>12g}{shown_n:>7}"
        lines.append(f"{method:<17}{cells}")
    return "\n".join(lines)

