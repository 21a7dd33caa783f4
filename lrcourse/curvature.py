"""The curvature of a loss: Hessian-vector products and the largest Hessian eigenvalue.

Lesson 01 showed that gradient descent on a parabola of curvature ``c`` is stable
only while ``lr < 2 / c``. A network's loss has a curvature in every direction: the
eigenvalues of its Hessian ``H`` (the matrix of second derivatives). The largest,
``lambda_max``, is called the **sharpness**; near a point, gradient descent is
stable in every direction only while ``lr < 2 / lambda_max``.

The Hessian of a network is far too large to write down (a million weights make a
million-by-million matrix), but autograd gives its product with any vector at the
cost of about two backward passes (Pearlmutter's trick)::

    g(theta) = grad L(theta)              (kept differentiable: create_graph=True)
    H v      = grad (g(theta) . v)        (the gradient of a number: one more backward)

and **power iteration** needs nothing else::

    v <- H v / |H v|      repeated;     lambda = v . H v  (the Rayleigh quotient)

It converges to the eigenvalue of largest *magnitude*. On a non-convex loss that
may be a negative one; :func:`top_hessian_eigenvalue` then runs a second power
iteration on ``H - lambda I``, whose largest-magnitude eigenvalue is
``lambda_max - lambda``, so it always returns the largest (most positive) eigenvalue.

Example:
    >>> import torch
    >>> w = torch.tensor([1.0, 1.0], dtype=torch.float64, requires_grad=True)
    >>> loss = lambda: 0.5 * (1.0 * w[0] ** 2 + 50.0 * w[1] ** 2)   # curvatures 1 and 50
    >>> round(top_hessian_eigenvalue(loss, [w]), 6)
    50.0
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence

import torch

from lrcourse._checks import check_int, check_positive, check_seed, shown

__all__ = ["hessian_vector_product", "full_hessian", "top_hessian_eigenvalue"]

LossFn = Callable[[], torch.Tensor]


def _check_params(params: Iterable[torch.Tensor]) -> list[torch.Tensor]:
    if isinstance(params, torch.Tensor):
        params = [params]
    try:
        params = list(params)
    except TypeError:
        raise ValueError(f"params must be a list of tensors, got {shown(params)}") from None
    if not params:
        raise ValueError("params must hold at least one tensor, got none")
    for k, p in enumerate(params):
        if not isinstance(p, torch.Tensor) or not p.requires_grad or not p.is_floating_point():
            raise ValueError(
                f"params[{k}] must be a floating-point tensor with requires_grad=True, "
                f"got {shown(p)}"
            )
    return params


def _loss(loss_fn: LossFn) -> torch.Tensor:
    if not callable(loss_fn):
        raise ValueError(f"loss_fn must be a function of no arguments, got {shown(loss_fn)}")
    loss = loss_fn()
    if not (isinstance(loss, torch.Tensor) and loss.numel() == 1 and loss.is_floating_point()):
        raise ValueError(f"loss_fn must return a tensor holding one float, got {shown(loss)}")
    if not torch.isfinite(loss):
        raise ValueError(f"loss_fn must return a finite loss, got {loss.item()!r}")
    return loss.reshape(())


def _gradient(loss_fn: LossFn, params: list[torch.Tensor]) -> tuple[torch.Tensor, ...]:
    """The gradient, kept differentiable so that it can be differentiated again."""
    return torch.autograd.grad(_loss(loss_fn), params, create_graph=True)


def _product(
    grads: Sequence[torch.Tensor], params: list[torch.Tensor], vector: Sequence[torch.Tensor]
) -> list[torch.Tensor]:
    # H v = d/dtheta (g . v): the gradient of one number, so one more backward pass
    g_dot_v = sum((g * v).sum() for g, v in zip(grads, vector, strict=True))
    if not g_dot_v.requires_grad:  # the gradient is a constant: the loss is linear, H = 0
        return [torch.zeros_like(p) for p in params]
    hv = torch.autograd.grad(g_dot_v, params, retain_graph=True, allow_unused=True)
    return [torch.zeros_like(p) if h is None else h.detach() for h, p in zip(hv, params, strict=True)]


def _dot(a: Sequence[torch.Tensor], b: Sequence[torch.Tensor]) -> float:
    return float(sum((x * y).sum() for x, y in zip(a, b, strict=True)))


def hessian_vector_product(
    loss_fn: LossFn, params: Iterable[torch.Tensor], vector: Sequence[torch.Tensor]
) -> list[torch.Tensor]:
    """``H v``: the Hessian of ``loss_fn()`` with respect to ``params`` times ``vector``.

    Args:
        loss_fn: a function of no arguments that computes the loss (a tensor holding
            one float) from ``params``.
        params: the tensors (``requires_grad=True``) the loss is differentiated by.
        vector: one tensor per parameter, of the same shapes.

    Returns:
        One tensor per parameter: the parts of ``H v``.

    Example:
        >>> w = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
        >>> hv = hessian_vector_product(lambda: (w[0] * w[1]) ** 2, [w], [torch.ones(2)])
        >>> [round(x, 6) for x in hv[0].tolist()]    # H = [[2 w1^2, 4 w0 w1], [4 w0 w1, 2 w0^2]]
        [16.0, 10.0]
    """
    params = _check_params(params)
    vector = list(vector)
    if len(vector) != len(params) or any(
        not isinstance(v, torch.Tensor) or v.shape != p.shape
        for v, p in zip(vector, params, strict=False)
    ):
        raise ValueError(
            f"vector must hold one tensor per parameter with the shapes "
            f"{[tuple(p.shape) for p in params]}, got {shown(vector)}"
        )
    vector = [v.to(p.dtype) for v, p in zip(vector, params, strict=True)]
    return _product(_gradient(loss_fn, params), params, vector)


def full_hessian(loss_fn: LossFn, params: Iterable[torch.Tensor]) -> torch.Tensor:
    """The whole Hessian as an ``n x n`` matrix (n = number of weights): small problems only.

    Built one column at a time from Hessian-vector products with the unit vectors,
    so it costs ``n`` products: fine for a few thousand weights, hopeless for a
    network. The parameters are flattened in order (``torch.cat`` of ``p.flatten()``).

    Example:
        >>> w = torch.tensor([1.0, 2.0], dtype=torch.float64, requires_grad=True)
        >>> full_hessian(lambda: (w[0] * w[1]) ** 2, [w]).tolist()
        [[8.0, 8.0], [8.0, 2.0]]
    """
    params = _check_params(params)
    n = sum(p.numel() for p in params)
    if n > 20_000:
        raise ValueError(f"params must hold at most 20,000 weights for a full Hessian, got {n}")
    grads = _gradient(loss_fn, params)
    columns = []
    for k in range(n):
        unit = torch.zeros(n, dtype=params[0].dtype)
        unit[k] = 1.0
        columns.append(torch.cat([h.flatten() for h in _product(grads, params, _split(unit, params))]))
    return torch.stack(columns, dim=1)


def _split(flat: torch.Tensor, params: list[torch.Tensor]) -> list[torch.Tensor]:
    parts, start = [], 0
    for p in params:
        parts.append(flat[start : start + p.numel()].reshape(p.shape).to(p.dtype))
        start += p.numel()
    return parts


def _power_iteration(
    apply: Callable[[list[torch.Tensor]], list[torch.Tensor]],
    start: list[torch.Tensor],
    iters: int,
    tol: float,
) -> tuple[float, int]:
    """The largest-magnitude eigenvalue of the symmetric map ``apply`` and the iterations used."""
    norm = math.sqrt(_dot(start, start))
    v = [x / norm for x in start]
    eigenvalue = math.nan
    for k in range(1, iters + 1):
        hv = apply(v)
        rayleigh = _dot(v, hv)  # v . H v with |v| = 1
        size = math.sqrt(_dot(hv, hv))
        if size == 0.0:
            return 0.0, k  # H v = 0: v is in the null space, and so (almost surely) is all of H
        converged = abs(rayleigh - eigenvalue) <= tol * abs(rayleigh)
        eigenvalue = rayleigh
        if converged:
            return eigenvalue, k
        v = [x / size for x in hv]  # v <- H v / |H v|
    return eigenvalue, iters


def top_hessian_eigenvalue(
    loss_fn: LossFn,
    params: Iterable[torch.Tensor],
    iters: int = 100,
    tol: float = 1e-6,
    seed: int = 0,
) -> float:
    """The sharpness ``lambda_max``: the largest eigenvalue of the Hessian of ``loss_fn()``.

    Power iteration with Hessian-vector products from a random start (drawn from
    ``seed``), stopped when the Rayleigh quotient ``v . H v`` changes by less than
    ``tol`` (relative) from one iteration to the next, or after ``iters`` products.
    If the eigenvalue found is negative (a saddle direction that is steeper than any
    upward one), a second power iteration on ``H - lambda I`` finds the largest one.
    The loss is evaluated once; the parameters are not changed.

    Power iteration converges as fast as ``|lambda_2 / lambda_1|`` shrinks, so two
    nearly equal top eigenvalues need many iterations; the stopping rule then
    errs low by about ``tol``. Compute in float64 for values to many digits.

    Args:
        loss_fn: a function of no arguments returning the loss (a tensor holding one
            float), computed from ``params``. Use the same data at every call (a fixed
            batch, or the whole training set).
        params: the tensors the Hessian is taken with respect to, for example
            ``list(model.parameters())``.
        iters: the most Hessian-vector products per power iteration, >= 1.
        tol: relative change of the estimate at which to stop, > 0.
        seed: seed of the random start vector.

    Returns:
        ``lambda_max`` as a float. Gradient descent at rate ``lr`` is stable near
        this point only while ``lr < 2 / lambda_max``.

    Example:
        >>> A = torch.tensor([[2.0, 1.0], [1.0, 2.0]], dtype=torch.float64)  # eigenvalues 1, 3
        >>> w = torch.zeros(2, dtype=torch.float64, requires_grad=True)
        >>> round(top_hessian_eigenvalue(lambda: 0.5 * w @ A @ w, [w]), 6)
        3.0
        >>> round(top_hessian_eigenvalue(lambda: -0.5 * w @ A @ w, [w]), 6)   # eigenvalues -1, -3
        -1.0
    """
    params = _check_params(params)
    iters = check_int("iters", iters, 1)
    tol = check_positive("tol", tol)
    seed = check_seed("seed", seed)
    grads = _gradient(loss_fn, params)
    generator = torch.Generator().manual_seed(seed)
    start = [torch.randn(p.shape, generator=generator, dtype=torch.float64).to(p.dtype)
             for p in params]  # fmt: skip

    def hessian(v: list[torch.Tensor]) -> list[torch.Tensor]:
        return _product(grads, params, v)

    eigenvalue, _ = _power_iteration(hessian, start, iters, tol)
    if eigenvalue >= 0:
        return eigenvalue
    # The steepest curvature is downward. H - eigenvalue*I has the eigenvalues
    # lambda_i - eigenvalue >= 0, the largest at lambda_max.
    def shifted(v: list[torch.Tensor]) -> list[torch.Tensor]:
        return [h - eigenvalue * x for h, x in zip(hessian(v), v, strict=True)]

    gap, _ = _power_iteration(shifted, start, iters, tol)
    return eigenvalue + gap
