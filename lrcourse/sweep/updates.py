"""The six optimizer families as updates of many members at once, one learning rate per row.

Each function updates one family's rows in place: ``w`` and ``g`` are that
family's ``(n, P)`` slices of the weights and gradients, ``r`` its rows of every
per-member tensor of the population (``lrcourse.sweep.population``), the
learning rate and hyper-parameters as ``(n, 1)`` columns that broadcast over the
``P`` weights. Each line mirrors one line of ``torch.optim``'s single-tensor
implementation, with PyTorch's defaults (``g`` the gradient, ``eta`` the
learning rate, all operations per weight):

==============  ==================================================================
``"SGD"``       ``w <- w - eta * g``
``"Momentum"``  ``b <- mu * b + g`` (``b_1 = g_1``); ``w <- w - eta * b``; mu = 0.9
``"Adagrad"``   ``s <- s + g^2``; ``w <- w - eta_t * g / (sqrt(s) + eps)``,
                ``eta_t = eta / (1 + (t - 1) * lr_decay)``; eps = 1e-10
``"Adadelta"``  ``v <- rho v + (1 - rho) g^2``;
                ``d = sqrt(u + eps) / sqrt(v + eps) * g``;
                ``u <- rho u + (1 - rho) d^2``; ``w <- w - eta * d``; rho = 0.9, eps = 1e-6
``"RMSprop"``   ``v <- alpha v + (1 - alpha) g^2``; ``w <- w - eta * g / (sqrt(v) + eps)``;
                alpha = 0.99, eps = 1e-8 (``TF_RMSPROP`` gives TensorFlow's old
                decay 0.9 and eps 1e-10)
``"Adam"``      ``m <- beta1 m + (1 - beta1) g``; ``v <- beta2 v + (1 - beta2) g^2``;
                ``w <- w - eta / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)``;
                betas = (0.9, 0.999), eps = 1e-8
==============  ==================================================================

``lrcourse.optim`` has the same six as ``torch.optim.Optimizer`` classes written
for one model; here they are written for a population.
"""

from __future__ import annotations

from collections.abc import Callable

import torch

from lrcourse.sweep.population import _Population

Rows = dict[str, torch.Tensor]


def _sgd(w: torch.Tensor, g: torch.Tensor, r: Rows) -> None:
    w.sub_(r["lr"] * g)  # w <- w - eta g


def _momentum(w: torch.Tensor, g: torch.Tensor, r: Rows) -> None:
    b = r["a"]
    b.mul_(r["momentum"]).add_(g)  # b <- mu b + g  (b starts at 0, so b_1 = g_1)
    w.sub_(r["lr"] * b)  # w <- w - eta b


def _adagrad(w: torch.Tensor, g: torch.Tensor, r: Rows) -> None:
    s, t = r["a"], r["step"]
    t.add_(1)
    lr_t = r["lr"] / (1 + (t - 1) * r["lr_decay"])  # eta_t = eta / (1 + (t - 1) decay)
    s.addcmul_(g, g)  # s <- s + g^2
    std = s.sqrt().add_(r["eps"])  # sqrt(s) + eps
    w.sub_(lr_t * (g / std))  # w <- w - eta_t g / (sqrt(s) + eps)


def _adadelta(w: torch.Tensor, g: torch.Tensor, r: Rows) -> None:
    v, u, rho, eps = r["a"], r["b"], r["rho"], r["eps"]
    v.mul_(rho).add_((1 - rho) * (g * g))  # v <- rho v + (1 - rho) g^2
    std = v.add(eps).sqrt_()  # sqrt(v + eps)
    d = u.add(eps).sqrt_().div_(std).mul_(g)  # d = sqrt(u + eps) / sqrt(v + eps) g
    u.mul_(rho).add_((1 - rho) * (d * d))  # u <- rho u + (1 - rho) d^2
    w.sub_(r["lr"] * d)  # w <- w - eta d


def _rmsprop(w: torch.Tensor, g: torch.Tensor, r: Rows) -> None:
    v, alpha = r["a"], r["alpha"]
    v.mul_(alpha).add_((1 - alpha) * (g * g))  # v <- alpha v + (1 - alpha) g^2
    avg = v.sqrt().add_(r["eps"])  # sqrt(v) + eps
    w.sub_(r["lr"] * (g / avg))  # w <- w - eta g / (sqrt(v) + eps)


def _adam(w: torch.Tensor, g: torch.Tensor, r: Rows) -> None:
    m, v, t, beta1, beta2 = r["a"], r["b"], r["step"], r["beta1"], r["beta2"]
    t.add_(1)
    m.lerp_(g, (1 - beta1).expand_as(m))  # m <- beta1 m + (1 - beta1) g
    v.mul_(beta2).add_((1 - beta2) * (g * g))  # v <- beta2 v + (1 - beta2) g^2
    step_size = r["lr"] / (1 - beta1**t)  # eta / (1 - beta1^t)
    denom = (v.sqrt() / (1 - beta2**t).sqrt()).add_(r["eps"])  # sqrt(v_hat) + eps
    w.sub_(step_size * (m / denom))  # w <- w - eta m_hat / (sqrt(v_hat) + eps)


#: The update of each name of ``lrcourse.optim.OPTIMIZERS``.
_UPDATES: dict[str, Callable[[torch.Tensor, torch.Tensor, Rows], None]] = {
    "SGD": _sgd,
    "Momentum": _momentum,
    "Adagrad": _adagrad,
    "Adadelta": _adadelta,
    "RMSprop": _rmsprop,
    "Adam": _adam,
}


def _update(pop: _Population, grad: torch.Tensor) -> None:
    """One step of every member: each family's update on its slice of rows."""
    with torch.no_grad():
        for family, rows in pop.slices():
            r = {k: v[rows] for k, v in pop.rows.items()}
            _UPDATES[family](pop.params[rows], grad[rows], r)
