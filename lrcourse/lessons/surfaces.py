"""Optimizers on two-dimensional loss surfaces, and on a sparse linear problem.

A loss of two parameters ``(x, y)`` can be drawn as a contour map, and the
points an optimizer visits as a path on it. Three surfaces show three ways in
which plain gradient descent struggles:

- :data:`RAVINE`, an ill-conditioned quadratic (a long, narrow valley)::

      f(x, y) = (x^2 + 50 y^2) / 2          gradient (x, 50 y),   minimum (0, 0)

  The steep direction y caps the learning rate (gradient descent diverges for
  lr > 2/50 = 0.04), and at such a rate the shallow direction x crawls.
- :data:`SADDLE`, a saddle point at the origin between two minima::

      f(x, y) = x^2 / 2 + y^4 / 4 - y^2 / 2   gradient (x, y^3 - y),  minima (0, +-1)

  Near the origin it is ``(x^2 - y^2) / 2``: downhill along y, uphill along x.
  Started just off the ridge y = 0 the y-gradient is tiny, so small steps stall.
- :data:`ROSENBROCK`, a curved banana-shaped valley::

      f(x, y) = (1 - x)^2 + 100 (y - x^2)^2
      gradient (-2 (1 - x) - 400 x (y - x^2),  200 (y - x^2)),  minimum (1, 1)

:func:`run` drives any ``torch.optim.Optimizer`` (ours from :mod:`lrcourse.optim`
or PyTorch's) over a surface from a start point on a float64 tensor of two
parameters and records the :class:`Path`. The gradient is the surface's
closed form, set as ``p.grad`` before every ``step()``: the optimizer sees
exactly what autograd would give, and a run of thousands of steps stays fast.

The sparse problem (:func:`sparse_regression`, :func:`train_linear`) is a
linear model in which some features are rarely non-zero: the setting in which
AdaGrad's per-parameter learning rates pay off.

Math only: no plotting here (see :mod:`lrcourse.plots.surfaces`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch
from torch.optim import Optimizer

from lrcourse._checks import (
    check_beta,
    check_callable,
    check_choice,
    check_finite,
    check_instance,
    check_int,
    check_nonempty,
    check_pair,
    check_positive,
    check_range,
    shown,
)
from lrcourse.optim import OPTIMIZERS, make_optimizer

__all__ = [
    "DIGITS_RATES",
    "ORDER",
    "RATES",
    "RAVINE",
    "ROSENBROCK",
    "SADDLE",
    "STARTS",
    "SURFACES",
    "Path",
    "Surface",
    "best_rate",
    "contraction_factor",
    "format_race",
    "race",
    "run",
    "run_named",
    "sparse_regression",
    "train_linear",
    "weight_errors",
]

Number = Any  # a float, a NumPy array or a torch tensor: the formulas use arithmetic only


# ----------------------------------------------------------------------------------
# The surfaces
# ----------------------------------------------------------------------------------


def _ravine(x: Number, y: Number) -> Number:
    return (x * x + 50.0 * y * y) / 2.0


def _ravine_grad(x: float, y: float) -> tuple[float, float]:
    return x, 50.0 * y


def _saddle(x: Number, y: Number) -> Number:
    return x * x / 2.0 + y**4 / 4.0 - y * y / 2.0


def _saddle_grad(x: float, y: float) -> tuple[float, float]:
    return x, y**3 - y


def _rosenbrock(x: Number, y: Number) -> Number:
    return (1.0 - x) ** 2 + 100.0 * (y - x * x) ** 2


def _rosenbrock_grad(x: float, y: float) -> tuple[float, float]:
    return -2.0 * (1.0 - x) - 400.0 * x * (y - x * x), 200.0 * (y - x * x)


@dataclass(frozen=True)
class Surface:
    """A loss of two parameters with its gradient and what to draw of it.

    Attributes:
        name: short name, also the key in :data:`SURFACES`.
        formula: the loss as text, for titles.
        f: the loss ``f(x, y)``; works on floats, NumPy arrays and torch tensors.
        grad: the gradient ``(df/dx, df/dy)`` at a point, in closed form.
        minima: the points of lowest loss.
        f_min: the lowest value of the loss.
        xlim, ylim: the window a contour plot shows.
    """

    name: str
    formula: str
    f: Callable[[Number, Number], Number]
    grad: Callable[[float, float], tuple[float, float]]
    minima: tuple[tuple[float, float], ...]
    f_min: float
    xlim: tuple[float, float]
    ylim: tuple[float, float]

    def __repr__(self) -> str:
        return f"Surface({self.name!r}: {self.formula})"


RAVINE = Surface("ravine", "f = (x² + 50y²)/2", _ravine, _ravine_grad,
                 ((0.0, 0.0),), 0.0, (-4.5, 1.5), (-1.2, 1.2))
SADDLE = Surface("saddle", "f = x²/2 + y⁴/4 − y²/2", _saddle, _saddle_grad,
                 ((0.0, 1.0), (0.0, -1.0)), -0.25, (-1.0, 2.0), (-1.4, 1.4))
ROSENBROCK = Surface("rosenbrock", "f = (1 − x)² + 100(y − x²)²", _rosenbrock,
                     _rosenbrock_grad, ((1.0, 1.0),), 0.0, (-1.6, 1.6), (-0.6, 2.2))

#: The three surfaces by name.
SURFACES: dict[str, Surface] = {s.name: s for s in (RAVINE, SADDLE, ROSENBROCK)}

#: Where the lesson starts each surface: far along the ravine, just off the
#: saddle's ridge (y = 0.001), and Rosenbrock's classic (-1.2, 1).
STARTS: dict[str, tuple[float, float]] = {
    "ravine": (-4.0, 1.0),
    "saddle": (1.5, 1e-3),
    "rosenbrock": (-1.2, 1.0),
}

#: The six optimizers of :data:`lrcourse.optim.OPTIMIZERS` in the order the lesson
#: shows them (the syllabus's: the adaptive methods by age, AdaDelta last). Each is
#: built by :func:`lrcourse.optim.make_optimizer` at PyTorch's defaults: "Momentum"
#: is ``SGD(momentum=0.9)``, RMSprop has alpha = 0.99, Adam betas (0.9, 0.999),
#: Adadelta rho = 0.9 and eps = 1e-6.
ORDER = ("SGD", "Momentum", "Adagrad", "RMSprop", "Adam", "Adadelta")

#: The learning rate of each optimizer on each surface. On the ravine SGD and
#: Momentum have their own best rate from the grid 0.001, 0.002, ..., 0.1 (the
#: fewest steps to stay within 0.01 of the minimum, :func:`best_rate`), so the
#: two are compared fairly. SGD and Momentum share one
#: rate on the saddle, so only momentum differs; elsewhere each rate is a good
#: one for that optimizer found by trying a few. Adadelta keeps PyTorch's
#: default lr = 1.0 everywhere (its pace is set by eps, see the lesson).
RATES: dict[str, dict[str, float]] = {
    "ravine": {"SGD": 0.039, "Momentum": 0.009, "Adagrad": 1.0, "RMSprop": 0.1,
               "Adam": 0.3, "Adadelta": 1.0},
    "saddle": {"SGD": 0.01, "Momentum": 0.01, "Adagrad": 0.1, "RMSprop": 0.01,
               "Adam": 0.05, "Adadelta": 1.0},
    "rosenbrock": {"SGD": 0.001, "Momentum": 0.001, "Adagrad": 1.0, "RMSprop": 0.01,
                   "Adam": 0.05, "Adadelta": 1.0},
}

#: Rates for the small digits network (``digits_mlp``, two epochs, batches of 64):
#: a good one per optimizer from a few tried.
DIGITS_RATES: dict[str, float] = {"SGD": 0.1, "Momentum": 0.05, "Adagrad": 0.05,
                                  "RMSprop": 0.003, "Adam": 0.01, "Adadelta": 1.0}


# ----------------------------------------------------------------------------------
# Conditioning: how fast gradient descent and heavy ball shrink a quadratic's error
# ----------------------------------------------------------------------------------


def contraction_factor(lr: float, curvatures: Sequence[float], momentum: float = 0.0) -> float:
    """The worst per-step factor by which the error shrinks on a quadratic.

    On ``f = sum_i lambda_i w_i^2 / 2`` each direction is its own one-dimensional
    problem. Gradient descent multiplies it by ``1 - lr lambda``; heavy ball
    (PyTorch's ``SGD(momentum=beta)``, ``v = beta v + g``, ``w = w - lr v``)
    obeys ``e_{t+1} = (1 + beta - lr lambda) e_t - beta e_{t-1}``, whose long-run
    factor per step is the larger root in size of

        r^2 - (1 + beta - lr lambda) r + beta = 0.

    The run converges when the factor is below 1; for heavy ball that needs
    ``0 < lr lambda < 2 + 2 beta``.

    Args:
        lr: the learning rate, > 0.
        curvatures: the eigenvalues lambda of the quadratic (at least one, each > 0).
        momentum: beta, 0 for plain gradient descent, 0 <= beta < 1.

    Example:
        >>> round(contraction_factor(2 / 51, [1, 50]), 4)   # best GD rate, (k-1)/(k+1)
        0.9608
        >>> k = 50  # heavy ball at its best beta and lr: (sqrt k - 1)/(sqrt k + 1)
        >>> beta, lr = ((k**0.5 - 1) / (k**0.5 + 1)) ** 2, (2 / (k**0.5 + 1)) ** 2
        >>> round(contraction_factor(lr, [1, k], momentum=beta), 4)
        0.7522
    """
    lr = check_positive("lr", lr)
    curvatures = [check_positive(f"curvatures[{i}]", c)
                  for i, c in enumerate(check_nonempty("curvatures", curvatures, "eigenvalue"))]
    momentum = check_beta("momentum", momentum)
    worst = 0.0
    for lam in curvatures:
        a = 1 + momentum - lr * lam
        root = (a * a - 4 * momentum) ** 0.5  # complex when the direction swings
        worst = max(worst, abs((a + root) / 2), abs((a - root) / 2))
    return worst


def best_rate(
    name: str, rates: Sequence[float], surface: str = "ravine", tol: float = 1e-2,
    steps: int = 300,
) -> tuple[float, int | None]:
    """The rate of ``rates`` after which ``name`` soonest stays within ``tol`` of a minimum.

    Each rate runs ``steps`` steps from the surface's start (float64, so the
    counts are exact); the count is :meth:`Path.steps_to_stay`; ties go to the
    first rate. Returns ``(lr, steps)``, with ``steps`` ``None`` when no rate
    arrives.

    Example:
        >>> best_rate("SGD", [0.036, 0.039])
        (0.039, 151)
    """
    best: tuple[float, int | None] = (float(rates[0]), None)
    for lr in rates:
        k = run_named(surface, name, lr=float(lr), steps=steps).steps_to_stay(tol)
        if k is not None and (best[1] is None or k < best[1]):
            best = (float(lr), k)
    return best


# ----------------------------------------------------------------------------------
# Argument checks
# ----------------------------------------------------------------------------------


def _check_surface(surface: Any) -> Surface:
    if isinstance(surface, str) and surface in SURFACES:
        return SURFACES[surface]
    if isinstance(surface, Surface):
        return surface
    raise ValueError(
        f"surface must be a Surface or one of {sorted(SURFACES)}, got {shown(surface)}"
    )




# ----------------------------------------------------------------------------------
# Runs
# ----------------------------------------------------------------------------------


@dataclass
class Path:
    """The points an optimizer visited on a surface.

    ``xy[k]`` is the point after k steps (``xy[0]`` the start) and ``loss[k]``
    the loss there; both have ``steps + 1`` entries, unless the run blew up
    (a coordinate beyond 1e6 or not finite), where it stops early.

    Attributes:
        name: the optimizer's name.
        lr: its learning rate.
        surface: the surface it ran on.
        xy: the points, as (x, y) pairs.
        loss: the loss at each point.
        diverged: ``True`` when the run stopped because it blew up.
    """

    name: str
    lr: float
    surface: Surface
    xy: list[tuple[float, float]] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    diverged: bool = False

    @property
    def steps(self) -> int:
        """Number of steps taken."""
        return len(self.xy) - 1

    @property
    def final(self) -> tuple[float, float]:
        """The last point."""
        return self.xy[-1]

    def distance(self, k: int = -1) -> float:
        """Distance from the point after ``k`` steps to the nearest minimum."""
        x, y = self.xy[k]
        return min(math.hypot(x - a, y - b) for a, b in self.surface.minima)

    def steps_to_minimum(self, tol: float = 1e-3) -> int | None:
        """The first k with the point within ``tol`` of a minimum, or ``None``.

        Example:
            >>> run_named("ravine", "SGD", lr=0.036, steps=300).steps_to_minimum(1e-2)
            164
        """
        tol = check_positive("tol", tol)
        for k in range(len(self.xy)):
            if self.distance(k) <= tol:
                return k
        return None

    def steps_to_stay(self, tol: float = 1e-3) -> int | None:
        """The first k from which the path stays within ``tol`` of a minimum, or ``None``.

        Unlike :meth:`steps_to_minimum` a path that swings through the minimum and
        out again does not count until it has stopped swinging out.

        Example:
            >>> run_named("ravine", "Momentum", lr=0.009, steps=300).steps_to_stay(1e-2)
            99
        """
        tol = check_positive("tol", tol)
        if self.diverged or self.distance() > tol:
            return None
        k = len(self.xy) - 1
        while k > 0 and self.distance(k - 1) <= tol:
            k -= 1
        return k

    def steps_to_escape(self, threshold: float = 0.5) -> int | None:
        """The first k with ``|y| > threshold``: when a run has left the saddle's ridge.

        Example:
            >>> run_named("saddle", "Momentum", lr=0.01, steps=300).steps_to_escape()
            105
        """
        threshold = check_positive("threshold", threshold)
        for k, (_, y) in enumerate(self.xy):
            if abs(y) > threshold:
                return k
        return None


_BLOW_UP = 1e6


def run(
    surface: Surface | str,
    make: Callable[[list[torch.Tensor]], Optimizer],
    start: Sequence[float] | None = None,
    steps: int = 100,
    name: str = "",
    lr: float = math.nan,
) -> Path:
    """Run ``steps`` optimizer steps on ``surface`` from ``start`` and record the path.

    Each step: ``p.grad = surface.grad(p)`` (the closed-form gradient), then
    ``optimizer.step()``, on a float64 tensor ``p = (x, y)``.

    Args:
        surface: a :class:`Surface` or its name.
        make: builds the optimizer from ``[p]``, e.g.
            ``lambda ps: torch.optim.SGD(ps, lr=0.01, momentum=0.9)``.
        start: the start point (x, y); :data:`STARTS` of the surface by default.
        steps: number of steps, >= 0.
        name, lr: labels stored in the :class:`Path`.

    Example:
        >>> path = run("ravine", lambda ps: torch.optim.SGD(ps, lr=0.01), (1.0, 1.0), 1)
        >>> [round(v, 4) for v in path.xy[1]]
        [0.99, 0.5]
    """
    surface = _check_surface(surface)
    start = check_pair("start", STARTS[surface.name] if start is None else start)
    steps = check_int("steps", steps, 0)
    check_callable("make", make, "make([p]) -> torch.optim.Optimizer")
    p = torch.tensor(start, dtype=torch.float64)
    optimizer = check_instance("make([p])", make([p]), Optimizer, "a torch.optim.Optimizer")
    x, y = start
    path = Path(name=name, lr=lr, surface=surface, xy=[(x, y)], loss=[surface.f(x, y)])
    for _ in range(steps):
        p.grad = torch.tensor(surface.grad(x, y), dtype=torch.float64)
        optimizer.step()
        x, y = p.tolist()
        if not (abs(x) < _BLOW_UP and abs(y) < _BLOW_UP):
            path.diverged = True
            break
        path.xy.append((x, y))
        path.loss.append(surface.f(x, y))
    return path


def run_named(
    surface: Surface | str,
    name: str,
    lr: float | None = None,
    start: Sequence[float] | None = None,
    steps: int = 100,
    library: str = "torch",
) -> Path:
    """:func:`run` with one of :data:`lrcourse.optim.OPTIMIZERS`, built by
    :func:`lrcourse.optim.make_optimizer` (rate from :data:`RATES` unless given).

    Example:
        >>> run_named("saddle", "SGD", steps=500).steps_to_escape() is None
        True
    """
    surface = _check_surface(surface)
    check_choice("name", name, OPTIMIZERS)
    if lr is None:
        lr = RATES.get(surface.name, {}).get(name)
        if lr is None:
            raise ValueError(f"lr must be given for {name!r} on {surface.name!r}, got None")
    lr = check_positive("lr", lr)
    make_optimizer(name, [torch.zeros(2, dtype=torch.float64)], lr, library=library)  # validate
    return run(surface, lambda ps: make_optimizer(name, ps, lr, library=library), start, steps,
               name=name, lr=lr)


def race(
    surface: Surface | str,
    steps: int,
    names: Sequence[str] = ORDER,
    rates: dict[str, float] | None = None,
    start: Sequence[float] | None = None,
    library: str = "torch",
) -> dict[str, Path]:
    """:func:`run_named` for several optimizers from one start: their paths by name.

    ``library="lrcourse"`` races :mod:`lrcourse.optim`'s optimizers, which do the
    same float64 operations on every CPU; PyTorch's vectorised kernels can differ
    between CPU types in the last bit, which matters for a chaotic path.
    """
    surface = _check_surface(surface)
    rates = {**RATES.get(surface.name, {}), **(rates or {})}
    return {n: run_named(surface, n, rates.get(n), start, steps, library) for n in names}


def format_race(
    paths: dict[str, Path], tol: float = 1e-3, escape: float | None = None
) -> str:
    """A text table of a race: rate, steps to the minimum (or to escape), final distance, loss.

    With ``escape`` set, the steps column counts steps until ``|y| > escape``
    (the saddle); otherwise steps until within ``tol`` of a minimum. "—" means
    the budget ran out first.
    """
    check_nonempty("paths", paths, "run")
    what = f"steps to |y|>{escape:g}" if escape is not None else f"steps to {tol:g}"
    lines = [f"{'optimizer':<10}{'lr':>8}{what:>18}{'distance':>11}{'loss':>12}"]
    for name, path in paths.items():
        k = path.steps_to_escape(escape) if escape is not None else path.steps_to_minimum(tol)
        shown = "diverged" if path.diverged else (str(k) if k is not None else "—")
        lines.append(
            f"{name:<10}{path.lr:>8g}{shown:>18}{path.distance():>11.4f}"
            f"{path.loss[-1] + 0.0:>12.5f}"
        )
    lines.append(f"(after {max(p.steps for p in paths.values())} steps)")
    return "\n".join(lines)


# ----------------------------------------------------------------------------------
# Sparse features: where AdaGrad's per-parameter rates win
# ----------------------------------------------------------------------------------


def sparse_regression(
    n_samples: int = 2000,
    n_common: int = 5,
    n_rare: int = 5,
    rare_prob: float = 0.01,
    noise: float = 0.1,
    seed: int = 0,
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """A linear regression whose last ``n_rare`` features are rarely non-zero.

    ::

        common features  x_j ~ N(0, 1)                          j < n_common
        rare features    x_j = 1 with probability rare_prob, else 0
        target           y = x . w_true + noise * N(0, 1),   w_true ~ N(0, 1)

    Think of the rare features as words that occur in few documents.

    Returns:
        ``(X, y, w_true)`` in float64, shaped (n, d), (n,), (d,) with
        d = n_common + n_rare.

    Example:
        >>> X, y, w = sparse_regression(n_samples=10, seed=0)
        >>> tuple(X.shape), tuple(w.shape)
        ((10, 10), (10,))
    """
    n_samples = check_int("n_samples", n_samples, 1)
    n_common = check_int("n_common", n_common, 0)
    n_rare = check_int("n_rare", n_rare, 0)
    if n_common + n_rare == 0:
        raise ValueError("n_common + n_rare must be at least 1, got 0 features")
    rare_prob = check_range("rare_prob", rare_prob, 0, 1, low_open=True)
    noise = check_finite("noise", noise, 0)
    seed = check_int("seed", seed, 0)
    gen = torch.Generator().manual_seed(seed)
    common = torch.randn(n_samples, n_common, generator=gen, dtype=torch.float64)
    rare = (torch.rand(n_samples, n_rare, generator=gen, dtype=torch.float64) < rare_prob)
    X = torch.cat([common, rare.to(torch.float64)], dim=1)
    w_true = torch.randn(n_common + n_rare, generator=gen, dtype=torch.float64)
    y = X @ w_true + noise * torch.randn(n_samples, generator=gen, dtype=torch.float64)
    return X, y, w_true


def train_linear(
    X: torch.Tensor,
    y: torch.Tensor,
    name: str,
    lr: float,
    epochs: int = 1,
    batch_size: int = 32,
    seed: int = 0,
    library: str = "torch",
) -> tuple[torch.Tensor, list[float]]:
    """Fit ``y ~ X w`` (no bias, w starts at 0) by mini-batches with optimizer ``name``.

    ``name`` is one of :data:`lrcourse.optim.OPTIMIZERS`, built at rate ``lr`` by
    :func:`lrcourse.optim.make_optimizer` from ``library``.

    The loss of a batch is the mean of ``(x . w - y)^2 / 2``; its gradient is
    ``X_b^T (X_b w - y_b) / b``. A rare feature's weight gets a gradient only
    from the batches in which that feature is non-zero, and a small one even
    then.

    Returns:
        The learned weights and the loss of every batch, before its step.
    """
    if not (isinstance(X, torch.Tensor) and X.ndim == 2):
        raise ValueError(f"X must be a 2-D tensor, got {type(X).__name__}")
    if not (isinstance(y, torch.Tensor) and y.shape == (X.shape[0],)):
        raise ValueError(f"y must be a tensor of shape ({X.shape[0]},), got {tuple(y.shape)}")
    epochs = check_int("epochs", epochs, 1)
    batch_size = check_int("batch_size", batch_size, 1)
    seed = check_int("seed", seed, 0)
    w = torch.zeros(X.shape[1], dtype=X.dtype)
    optimizer = make_optimizer(name, [w], check_positive("lr", lr), library=library)
    gen = torch.Generator().manual_seed(seed)
    losses = []
    for _ in range(epochs):
        order = torch.randperm(X.shape[0], generator=gen)
        for i in range(0, X.shape[0], batch_size):
            idx = order[i:i + batch_size]
            residual = X[idx] @ w - y[idx]
            losses.append(float((residual * residual).mean() / 2))
            w.grad = X[idx].T @ residual / len(idx)
            optimizer.step()
    return w.detach().clone(), losses


def weight_errors(w: torch.Tensor, w_true: torch.Tensor, n_common: int) -> tuple[float, float]:
    """Mean absolute error of the common weights (the first ``n_common``) and of the rare rest.

    Example:
        >>> weight_errors(torch.tensor([1.0, 0.0]), torch.tensor([1.0, 2.0]), 1)
        (0.0, 2.0)
    """
    if w.shape != w_true.shape:
        raise ValueError(f"w must have the shape of w_true {tuple(w_true.shape)}, "
                         f"got {tuple(w.shape)}")
    n_common = check_int("n_common", n_common, 0)
    err = (w - w_true).abs()
    common = float(err[:n_common].mean()) if n_common else math.nan
    rare = float(err[n_common:].mean()) if n_common < len(err) else math.nan
    return common, rare
