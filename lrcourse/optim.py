"""Optimizers written from their formulas.

Each class is a ``torch.optim.Optimizer`` with the same name, keyword arguments and
defaults as its PyTorch twin, so code written against one runs with the other. The
difference is the reading: every ``step`` is a plain loop over the parameters, and
each line of it is one line of the formula in the class docstring, with the same
symbols. Read a class next to its lesson.

Symbols used throughout:

    w_t      the weights after step t (a parameter tensor; w_0 is where we start)
    g_t      the gradient of the loss at w_{t-1}
    lr       the learning rate (eta in the lessons)
    lambda   weight_decay; unless said otherwise it adds lambda * w_{t-1} to g_t (L2)

The state of every parameter lives in ``self.state[w]`` under PyTorch's own key names
(``momentum_buffer``, ``sum``, ``square_avg``, ``exp_avg``, ...), next to a ``step``
count, so ``state_dict()`` and ``load_state_dict()`` work as usual.

Example::

    >>> w = torch.tensor(1.0, requires_grad=True)
    >>> opt = SGD([w], lr=0.1)
    >>> (w**2 / 2).backward()
    >>> opt.step()
    >>> round(w.item(), 4)
    0.9
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import torch
from torch.optim import Optimizer

from lrcourse._checks import (
    check_beta,
    check_bool,
    check_choice,
    check_finite,
    check_instance,
    check_pair,
    check_range,
)

__all__ = [
    "SGD",
    "EMAMomentum",
    "Adagrad",
    "RMSprop",
    "Adadelta",
    "Adam",
    "AdamW",
    "OPTIMIZERS",
    "DEFAULTS",
    "make_optimizer",
]

Params = Iterable[torch.Tensor] | Iterable[dict[str, Any]]
Closure = Callable[[], torch.Tensor] | None


# ----------------------------------------------------------------------------------
# Argument checks, shared by all optimizers
# ----------------------------------------------------------------------------------


def _checked(
    hyper: dict[str, Any],
    at_least_0: tuple[str, ...] = ("lr", "eps", "weight_decay"),
    unit: tuple[str, ...] = (),
    flags: tuple[str, ...] = ("maximize",),
) -> dict[str, Any]:
    """``hyper`` with its numbers as floats: ``at_least_0`` finite and >= 0, ``unit``
    in [0, 1); ``flags`` must be True or False."""
    return {
        **hyper,
        **{name: check_finite(name, hyper[name], 0) for name in at_least_0},
        **{name: check_beta(name, hyper[name]) for name in unit},
        **{name: check_bool(name, hyper[name]) for name in flags},
    }


class _FromFormula(Optimizer):
    """What all our optimizers share: argument checks and the closure protocol.

    ``_check(hyper)`` of each subclass validates one dictionary of hyper-parameters
    and returns them as plain Python numbers (a NumPy scalar or a 0-d tensor becomes
    a ``float``). It runs on the constructor's defaults and on every parameter group
    (a group may override a default), before anything is stored.
    """

    def __init__(self, params: Params, defaults: dict[str, Any]) -> None:
        super().__init__(params, self._check(defaults))

    def add_param_group(self, param_group: dict[str, Any]) -> None:
        check_instance("param_group", param_group, dict, "a dict")
        checked = self._check({**self.defaults, **param_group})
        super().add_param_group(
            {**param_group, **{k: v for k, v in checked.items() if k in param_group}}
        )

    @staticmethod
    def _check(hyper: dict[str, Any]) -> dict[str, Any]:  # pragma: no cover - overridden
        raise NotImplementedError

    @staticmethod
    def _loss(closure: Closure) -> torch.Tensor | None:
        """Like PyTorch: re-evaluate the model (with gradients) if a closure is given."""
        if closure is None:
            return None
        with torch.enable_grad():
            return closure()

    def _with_gradients(self) -> Iterator[tuple[dict[str, Any], torch.Tensor, dict[str, Any], int]]:
        """Each parameter ``w`` that has a gradient, with its group, its state and its
        step number t = 1, 2, ... for this update (counted per parameter, as PyTorch does)."""
        for group in self.param_groups:
            for w in group["params"]:
                if w.grad is None:
                    continue
                state = self.state[w]
                t = int(state.get("step", 0)) + 1
                state["step"] = t
                yield group, w, state, t


def _gradient(w: torch.Tensor, weight_decay: float, maximize: bool) -> torch.Tensor:
    """g_t = grad + lambda * w_{t-1}  (L2 weight decay folded into the gradient)."""
    g = -w.grad if maximize else w.grad
    if weight_decay != 0:
        g = g + weight_decay * w
    return g


# ----------------------------------------------------------------------------------
# SGD and momentum
# ----------------------------------------------------------------------------------


class SGD(_FromFormula):
    """Stochastic gradient descent, with optional momentum and Nesterov momentum.

    Without momentum (mu = 0)::

        w_t = w_{t-1} - lr * g_t

    With momentum mu and dampening tau::

        v_1 = g_1                                  (the first buffer is the raw gradient)
        v_t = mu * v_{t-1} + (1 - tau) * g_t       (t > 1)
        d_t = g_t + mu * v_t   if nesterov,   else   d_t = v_t
        w_t = w_{t-1} - lr * d_t

    Note that dampening is *not* applied at t = 1. With ``dampening=momentum`` the
    buffer is an exponentially weighted average of the gradients (see ``EMAMomentum``).

    Args:
        params: the tensors to optimize, or a list of parameter-group dicts.
        lr: learning rate (default 1e-3, as in PyTorch).
        momentum: mu in [0, 1) (default 0: plain SGD).
        dampening: tau in [0, 1] (default 0).
        weight_decay: lambda >= 0, added as lambda * w to the gradient (L2).
        nesterov: use d_t = g_t + mu * v_t; needs momentum > 0 and dampening = 0.
        maximize: climb the objective instead of descending it.
    """

    def __init__(
        self,
        params: Params,
        lr: float = 1e-3,
        momentum: float = 0,
        dampening: float = 0,
        weight_decay: float = 0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(lr=lr, momentum=momentum, dampening=dampening,
                        weight_decay=weight_decay, nesterov=nesterov, maximize=maximize)
        super().__init__(params, defaults)

    @staticmethod
    def _check(hyper: dict[str, Any]) -> dict[str, Any]:
        checked = _checked(hyper, ("lr", "weight_decay"), ("momentum",),
                           ("nesterov", "maximize"))
        checked["dampening"] = check_range("dampening", hyper["dampening"], 0, 1)
        if checked["nesterov"] and (checked["momentum"] == 0 or checked["dampening"] != 0):
            raise ValueError(
                "nesterov=True needs momentum > 0 and dampening = 0, got "
                f"nesterov={hyper['nesterov']!r}, momentum={hyper['momentum']!r}, "
                f"dampening={hyper['dampening']!r}"
            )
        return checked

    @torch.no_grad()
    def step(self, closure: Closure = None) -> torch.Tensor | None:
        loss = self._loss(closure)
        for group, w, state, _ in self._with_gradients():
            lr, mu, tau = group["lr"], group["momentum"], group["dampening"]
            g_t = _gradient(w, group["weight_decay"], group["maximize"])
            if mu == 0:
                d_t = g_t
            else:
                if "momentum_buffer" not in state:  # t = 1: v_1 = g_1, no dampening
                    v_t = g_t.clone()
                else:
                    v_t = mu * state["momentum_buffer"] + (1 - tau) * g_t
                state["momentum_buffer"] = v_t
                d_t = g_t + mu * v_t if group["nesterov"] else v_t
            w -= lr * d_t
        return loss


class EMAMomentum(_FromFormula):
    """Momentum as an exponentially weighted moving average of the gradients.

    This is the form the course's lessons use::

        s_1 = g_1
        s_t = beta * s_{t-1} + (1 - beta) * g_t    (t > 1)
        w_t = w_{t-1} - lr * s_t

    It is exactly ``torch.optim.SGD(params, lr, momentum=beta, dampening=beta)``.

    Proof. PyTorch's SGD with momentum mu and dampening tau keeps a buffer
    v_1 = g_1 and v_t = mu * v_{t-1} + (1 - tau) * g_t, and steps w_t = w_{t-1} - lr * v_t.
    Put mu = tau = beta. Then v_1 = g_1 = s_1. If v_{t-1} = s_{t-1}, then
    v_t = beta * s_{t-1} + (1 - beta) * g_t = s_t. By induction v_t = s_t for every t,
    so both take the same step from the same weights, hence compute the same
    gradients next time: the trajectories are identical. (The key detail is that
    PyTorch does not dampen the first buffer; with s_0 = 0 instead of s_1 = g_1
    the first step would be (1 - beta) times smaller.)

    Compare with the default ``SGD(momentum=beta)`` (dampening 0), whose buffer
    v_t = beta * v_{t-1} + g_t sums the gradients instead of averaging them: once
    the first gradient has faded it is about 1 / (1 - beta) times the average, so its
    steps are about ten times longer at beta = 0.9 for the same lr.

    Args:
        params: the tensors to optimize, or a list of parameter-group dicts.
        lr: learning rate >= 0.
        beta: the averaging factor in [0, 1) (default 0.9; 0 gives plain SGD).

    The buffer is stored as ``state[w]["momentum_buffer"]``, as in SGD.
    """

    def __init__(self, params: Params, lr: float, beta: float = 0.9) -> None:
        super().__init__(params, dict(lr=lr, beta=beta))

    @staticmethod
    def _check(hyper: dict[str, Any]) -> dict[str, Any]:
        return _checked(hyper, ("lr",), ("beta",), ())

    @torch.no_grad()
    def step(self, closure: Closure = None) -> torch.Tensor | None:
        loss = self._loss(closure)
        for group, w, state, _ in self._with_gradients():
            lr, beta = group["lr"], group["beta"]
            g_t = w.grad
            if "momentum_buffer" not in state:  # t = 1: s_1 = g_1
                s_t = g_t.clone()
            else:
                s_t = beta * state["momentum_buffer"] + (1 - beta) * g_t
            state["momentum_buffer"] = s_t
            w -= lr * s_t
        return loss


# ----------------------------------------------------------------------------------
# Adaptive rates: AdaGrad, RMSProp, AdaDelta
# ----------------------------------------------------------------------------------


class Adagrad(_FromFormula):
    """AdaGrad: every weight gets its own rate, shrinking with its squared gradients.

    ::

        lr_t = lr / (1 + (t - 1) * lr_decay)
        s_0  = initial_accumulator_value
        s_t  = s_{t-1} + g_t * g_t
        w_t  = w_{t-1} - lr_t * g_t / (sqrt(s_t) + eps)

    The sum s_t only grows, so the effective rate lr_t / sqrt(s_t) only falls:
    good for rare (sparse) features, but the rate may die before training is done.

    Args:
        params: the tensors to optimize, or a list of parameter-group dicts.
        lr: learning rate (default 1e-2).
        lr_decay: >= 0, inverse-time decay of lr over the steps (default 0).
        weight_decay: lambda >= 0, L2 term added to the gradient (default 0).
        initial_accumulator_value: s_0 >= 0 (default 0).
        eps: >= 0, added to sqrt(s_t) (default 1e-10).
        maximize: climb the objective instead of descending it.
    """

    def __init__(
        self,
        params: Params,
        lr: float = 1e-2,
        lr_decay: float = 0,
        weight_decay: float = 0,
        initial_accumulator_value: float = 0,
        eps: float = 1e-10,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(lr=lr, lr_decay=lr_decay, weight_decay=weight_decay,
                        initial_accumulator_value=initial_accumulator_value, eps=eps,
                        maximize=maximize)
        super().__init__(params, defaults)

    @staticmethod
    def _check(hyper: dict[str, Any]) -> dict[str, Any]:
        return _checked(
            hyper, ("lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps")
        )

    @torch.no_grad()
    def step(self, closure: Closure = None) -> torch.Tensor | None:
        loss = self._loss(closure)
        for group, w, state, t in self._with_gradients():
            lr, lr_decay, eps = group["lr"], group["lr_decay"], group["eps"]
            g_t = _gradient(w, group["weight_decay"], group["maximize"])
            lr_t = lr / (1 + (t - 1) * lr_decay)
            s_prev = state.get("sum")
            if s_prev is None:
                s_prev = torch.full_like(w, group["initial_accumulator_value"])
            s_t = s_prev + g_t * g_t
            state["sum"] = s_t
            w -= lr_t * g_t / (s_t.sqrt() + eps)
        return loss


class RMSprop(_FromFormula):
    """RMSProp: divide by a running root-mean-square of the gradients.

    ::

        v_t = alpha * v_{t-1} + (1 - alpha) * g_t * g_t          (v_0 = 0)
        if centered:
            gbar_t = alpha * gbar_{t-1} + (1 - alpha) * g_t       (gbar_0 = 0)
            r_t    = sqrt(v_t - gbar_t * gbar_t) + eps
        else:
            r_t    = sqrt(v_t) + eps
        if momentum mu > 0:
            b_t = mu * b_{t-1} + g_t / r_t                         (b_0 = 0)
            w_t = w_{t-1} - lr * b_t
        else:
            w_t = w_{t-1} - lr * g_t / r_t

    Unlike Adam there is no bias correction: v_1 = (1 - alpha) * g_1^2, so the very
    first step is 1 / sqrt(1 - alpha) times lr (about 3.2 lr at alpha = 0.9, 10 lr at
    the default 0.99). Unlike SGD the momentum buffer starts at zero, not at the
    first gradient.

    Args:
        params: the tensors to optimize, or a list of parameter-group dicts.
        lr: learning rate (default 1e-2).
        alpha: smoothing factor in [0, 1) (default 0.99).
        eps: >= 0, added to the root mean square (default 1e-8).
        weight_decay: lambda >= 0, L2 term added to the gradient (default 0).
        momentum: mu in [0, 1) (default 0).
        centered: divide by an estimate of the standard deviation of the gradient
            instead of its root mean square (default False).
        maximize: climb the objective instead of descending it.
    """

    def __init__(
        self,
        params: Params,
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0,
        momentum: float = 0,
        centered: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(lr=lr, alpha=alpha, eps=eps, weight_decay=weight_decay,
                        momentum=momentum, centered=centered, maximize=maximize)
        super().__init__(params, defaults)

    @staticmethod
    def _check(hyper: dict[str, Any]) -> dict[str, Any]:
        return _checked(hyper, unit=("alpha", "momentum"), flags=("centered", "maximize"))

    @torch.no_grad()
    def step(self, closure: Closure = None) -> torch.Tensor | None:
        loss = self._loss(closure)
        for group, w, state, _ in self._with_gradients():
            lr, alpha, eps, mu = group["lr"], group["alpha"], group["eps"], group["momentum"]
            g_t = _gradient(w, group["weight_decay"], group["maximize"])
            zeros = torch.zeros_like(w)
            v_t = alpha * state.get("square_avg", zeros) + (1 - alpha) * g_t * g_t
            state["square_avg"] = v_t
            if group["centered"]:
                gbar_t = alpha * state.get("grad_avg", zeros) + (1 - alpha) * g_t
                state["grad_avg"] = gbar_t
                r_t = (v_t - gbar_t * gbar_t).sqrt() + eps
            else:
                r_t = v_t.sqrt() + eps
            if mu > 0:
                b_t = mu * state.get("momentum_buffer", zeros) + g_t / r_t
                state["momentum_buffer"] = b_t
                w -= lr * b_t
            else:
                w -= lr * g_t / r_t
        return loss


class Adadelta(_FromFormula):
    """AdaDelta: RMSProp whose step size is a running RMS of its own past steps.

    ::

        v_t     = rho * v_{t-1} + (1 - rho) * g_t * g_t                (v_0 = 0)
        delta_t = sqrt(u_{t-1} + eps) / sqrt(v_t + eps) * g_t
        u_t     = rho * u_{t-1} + (1 - rho) * delta_t * delta_t        (u_0 = 0)
        w_t     = w_{t-1} - lr * delta_t

    Here eps sits *inside* both square roots (unlike Adam and AdaGrad). At the start
    u = 0, so the first steps are about sqrt(eps) / sqrt(v) * g: tiny, and eps,
    not lr, sets how fast AdaDelta gets going. lr only rescales delta (default 1.0,
    the original method).

    Args:
        params: the tensors to optimize, or a list of parameter-group dicts.
        lr: scale of delta_t (default 1.0).
        rho: smoothing factor in [0, 1) (default 0.9).
        eps: >= 0, inside the square roots (default 1e-6).
        weight_decay: lambda >= 0, L2 term added to the gradient (default 0).
        maximize: climb the objective instead of descending it.
    """

    def __init__(
        self,
        params: Params,
        lr: float = 1.0,
        rho: float = 0.9,
        eps: float = 1e-6,
        weight_decay: float = 0,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(lr=lr, rho=rho, eps=eps, weight_decay=weight_decay,
                        maximize=maximize)
        super().__init__(params, defaults)

    @staticmethod
    def _check(hyper: dict[str, Any]) -> dict[str, Any]:
        return _checked(hyper, unit=("rho",))

    @torch.no_grad()
    def step(self, closure: Closure = None) -> torch.Tensor | None:
        loss = self._loss(closure)
        for group, w, state, _ in self._with_gradients():
            lr, rho, eps = group["lr"], group["rho"], group["eps"]
            g_t = _gradient(w, group["weight_decay"], group["maximize"])
            zeros = torch.zeros_like(w)
            v_t = rho * state.get("square_avg", zeros) + (1 - rho) * g_t * g_t
            u_prev = state.get("acc_delta", zeros)
            delta_t = (u_prev + eps).sqrt() / (v_t + eps).sqrt() * g_t
            u_t = rho * u_prev + (1 - rho) * delta_t * delta_t
            state["square_avg"], state["acc_delta"] = v_t, u_t
            w -= lr * delta_t
        return loss


# ----------------------------------------------------------------------------------
# Adam and AdamW
# ----------------------------------------------------------------------------------


class Adam(_FromFormula):
    """Adam: momentum (first moment) over RMSProp (second moment), bias-corrected.

    ::

        m_t     = beta1 * m_{t-1} + (1 - beta1) * g_t              (m_0 = 0)
        v_t     = beta2 * v_{t-1} + (1 - beta2) * g_t * g_t        (v_0 = 0)
        if amsgrad:
            v_t = max(vmax_{t-1}, v_t)   kept as vmax_t            (vmax_0 = 0)
        hat m_t = m_t / (1 - beta1^t)
        hat v_t = v_t / (1 - beta2^t)
        w_t     = w_{t-1} - lr * hat m_t / (sqrt(hat v_t) + eps)

    m_0 = v_0 = 0 biases both averages towards zero early on; dividing by
    1 - beta^t removes that bias, so the first step is about lr * sign(g_1).
    Note that eps is added *after* the bias-corrected square root.

    Weight decay lambda is added to the gradient (L2), so it passes through m and v
    and gets rescaled by them; with ``decoupled_weight_decay=True`` (that is, AdamW)
    the weights shrink directly instead: w_{t-1} <- (1 - lr * lambda) * w_{t-1}
    before the update.

    Args:
        params: the tensors to optimize, or a list of parameter-group dicts.
        lr: learning rate (default 1e-3).
        betas: (beta1, beta2), each in [0, 1) (default (0.9, 0.999)).
        eps: >= 0, added to sqrt(hat v_t) (default 1e-8).
        weight_decay: lambda >= 0 (default 0).
        amsgrad: use the running maximum of v_t (default False).
        maximize: climb the objective instead of descending it.
        decoupled_weight_decay: decay the weights directly, as AdamW (default False).
    """

    def __init__(
        self,
        params: Params,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
        decoupled_weight_decay: bool = False,
    ) -> None:
        defaults = dict(lr=lr, betas=betas, eps=eps, weight_decay=weight_decay,
                        amsgrad=amsgrad, maximize=maximize,
                        decoupled_weight_decay=decoupled_weight_decay)
        super().__init__(params, defaults)

    @staticmethod
    def _check(hyper: dict[str, Any]) -> dict[str, Any]:
        checked = _checked(hyper, flags=("amsgrad", "maximize", "decoupled_weight_decay"))
        checked["betas"] = check_pair("betas", hyper["betas"], check_beta)
        return checked

    @torch.no_grad()
    def step(self, closure: Closure = None) -> torch.Tensor | None:
        loss = self._loss(closure)
        for group, w, state, t in self._with_gradients():
            lr, (beta1, beta2), eps = group["lr"], group["betas"], group["eps"]
            lam = group["weight_decay"]
            if group["decoupled_weight_decay"]:
                w -= lr * lam * w
                g_t = _gradient(w, 0, group["maximize"])
            else:
                g_t = _gradient(w, lam, group["maximize"])
            zeros = torch.zeros_like(w)
            m_t = beta1 * state.get("exp_avg", zeros) + (1 - beta1) * g_t
            v_t = beta2 * state.get("exp_avg_sq", zeros) + (1 - beta2) * g_t * g_t
            state["exp_avg"], state["exp_avg_sq"] = m_t, v_t
            if group["amsgrad"]:
                v_t = torch.maximum(state.get("max_exp_avg_sq", zeros), v_t)
                state["max_exp_avg_sq"] = v_t
            hat_m_t = m_t / (1 - beta1**t)
            # sqrt(hat v_t), written as PyTorch computes it: sqrt(v_t) / sqrt(1 - beta2^t)
            sqrt_hat_v_t = v_t.sqrt() / math.sqrt(1 - beta2**t)
            w -= lr * hat_m_t / (sqrt_hat_v_t + eps)
        return loss


class AdamW(Adam):
    """Adam with decoupled weight decay: the weights shrink directly.

    ::

        w_{t-1} <- w_{t-1} - lr * lambda * w_{t-1}     (not through the gradient)
        then the Adam update of ``Adam`` with g_t the plain gradient.

    With L2 (``Adam(weight_decay=...)``) the term lambda * w is divided by
    sqrt(hat v_t) like the rest of the gradient, so weights with large gradients
    are barely decayed; here every weight shrinks by the same factor 1 - lr * lambda.
    Because the factor contains lr, a learning-rate schedule also schedules the decay.

    Args are those of ``Adam``; the default weight_decay is 1e-2, as in PyTorch.
    """

    def __init__(
        self,
        params: Params,
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay, amsgrad,
                         maximize=maximize, decoupled_weight_decay=True)


# ----------------------------------------------------------------------------------
# The course's optimizers by name: one registry for every lesson, widget and sweep
# ----------------------------------------------------------------------------------

#: The optimizer families the course compares, in the order of the source study,
#: spelled as PyTorch spells its classes. "Momentum" is ``SGD(momentum=0.9)``,
#: PyTorch's heavy-ball form v = momentum * v + g. The course's averaging form,
#: ``EMAMomentum(beta=0.9)``, is ``SGD(momentum=0.9, dampening=0.9)``: once the first
#: gradient has faded its steps are about 10 times shorter at the same rate.
OPTIMIZERS = ("SGD", "Momentum", "Adagrad", "Adadelta", "RMSprop", "Adam")

#: PyTorch's default settings of each family, the learning rate aside.
DEFAULTS: dict[str, dict[str, Any]] = {
    "SGD": {},
    "Momentum": {"momentum": 0.9},
    "Adagrad": {"lr_decay": 0.0, "eps": 1e-10, "initial_accumulator_value": 0.0},
    "Adadelta": {"rho": 0.9, "eps": 1e-6},
    "RMSprop": {"alpha": 0.99, "eps": 1e-8},
    "Adam": {"betas": (0.9, 0.999), "eps": 1e-8},
}

_CLASS = {"SGD": "SGD", "Momentum": "SGD", "Adagrad": "Adagrad", "Adadelta": "Adadelta",
          "RMSprop": "RMSprop", "Adam": "Adam"}
_LIBRARIES = ("torch", "lrcourse")


def make_optimizer(
    name: str, params: Params, lr: float, *, library: str = "torch", **settings: Any
) -> Optimizer:
    """One of :data:`OPTIMIZERS` with rate ``lr``; settings not given take :data:`DEFAULTS`.

    Args:
        name: one of :data:`OPTIMIZERS` (PyTorch's spelling).
        params: the tensors (or parameter groups) to optimize.
        lr: the learning rate, >= 0.
        library: ``"torch"`` for ``torch.optim``, ``"lrcourse"`` for this module's
            classes (same names, same defaults, same results).
        settings: keyword arguments of that family, named as in ``torch.optim``
            (``momentum``; ``lr_decay``, ``eps``, ``initial_accumulator_value``;
            ``rho``; ``alpha``; ``betas``), plus ``weight_decay`` for any of them.

    Example:
        >>> w = torch.zeros(2, requires_grad=True)
        >>> opt = make_optimizer("Momentum", [w], 0.01, library="lrcourse")
        >>> type(opt).__name__, opt.defaults["momentum"]
        ('SGD', 0.9)
    """
    check_choice("name", name, OPTIMIZERS)
    check_choice("library", library, _LIBRARIES)
    lr = check_finite("lr", lr, 0)
    allowed = {*DEFAULTS[name], "weight_decay"}
    unknown = sorted(set(settings) - allowed)
    if unknown:
        raise ValueError(
            f"{name} takes the settings {sorted(allowed)}, got unknown {unknown}"
        )
    cls = getattr(torch.optim, _CLASS[name]) if library == "torch" else globals()[_CLASS[name]]
    return cls(params, lr=lr, **{**DEFAULTS[name], **settings})
