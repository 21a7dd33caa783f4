"""The first steps of each optimizer on the toy loss w^2/2, by hand and in code.

On the loss ``L(w) = w^2 / 2`` the gradient is the weight itself, ``g_t = w_{t-1}``,
so two updates of any optimizer can be followed with a pencil. This module does
that arithmetic in plain Python (float64) and prints every line of it, for

- SGD with PyTorch's momentum (``v_t = mu v_{t-1} + (1 - tau) g_t``, ``v_1 = g_1``),
- the course's EMA momentum (``s_t = beta s_{t-1} + (1 - beta) g_t``, ``s_1 = g_1``),
- AdaGrad, RMSProp, Adam and AdaDelta, with the formulas of :mod:`lrcourse.optim`.

:func:`compare` then runs the same two steps with :mod:`lrcourse.optim` and with
:mod:`torch.optim` (float32, as the course's reference values were taken) and puts
the three side by side with the reference, one table per optimizer.

A few small experiments on the hyper-parameters live here too:
:func:`weight_trace` (the weights of any optimizer on ``curvature * w^2 / 2``, from
any start; curvature 0 leaves weight decay alone), :func:`linear_weight_decay` (the
``nn.Linear(10, 1)`` loop with and without weight decay), and
:func:`beta_settings`, which puts the widget's one "beta" slider into the setting of
each optimizer of :data:`lrcourse.optim.OPTIMIZERS` that averages.

Example::

    >>> steps = momentum_steps(lr=0.01, momentum=0.9)
    >>> [round(s.w, 8) for s in steps]
    [0.99, 0.9711]
    >>> print(steps[1].lines[-1])
    w2 = 0.99 - 0.01 * 1.89 = 0.9711
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import torch

from lrcourse import optim as ours
from lrcourse._checks import (
    check_beta,
    check_callable,
    check_choice,
    check_finite,
    check_instance,
    check_int,
    check_pair,
    check_range,
)

__all__ = [
    "COURSE_REFERENCE",
    "SPECS",
    "HandStep",
    "Row",
    "Spec",
    "adadelta_steps",
    "BETA_SETTINGS",
    "adagrad_steps",
    "adam_steps",
    "beta_settings",
    "compare",
    "ema_momentum_steps",
    "format_arithmetic",
    "format_comparison",
    "linear_weight_decay",
    "momentum_steps",
    "rmsprop_steps",
    "weight_trace",
]

#: The course's reference values (torch.optim, float32): (g_t, w_t) for t = 1, 2.
COURSE_REFERENCE: dict[str, list[tuple[float, float]]] = {
    "sgd_momentum": [(1.0, 0.99), (0.99, 0.9711)],
    "adagrad": [(1.0, 0.99), (0.99, 0.98296458)],
    "rmsprop": [(1.0, 0.96837723), (0.96837723, 0.94578803)],
    "adam": [(1.0, 0.99), (0.99, 0.98000252)],
}


# ----------------------------------------------------------------------------------
# Argument checks
# ----------------------------------------------------------------------------------


def _n(x: float) -> str:
    """A number as it appears in the printed arithmetic: up to 8 significant digits."""
    return f"{x + 0.0:.8g}"


# ----------------------------------------------------------------------------------
# Two steps by hand
# ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class HandStep:
    """One update on w^2/2 worked out by hand.

    Attributes:
        t: the step number, 1, 2, ...
        g: the gradient g_t = w_{t-1}.
        w: the weight w_t after the step.
        lines: the arithmetic of the step, one formula line each.
    """

    t: int
    g: float
    w: float
    lines: tuple[str, ...]


def momentum_steps(lr: float, momentum: float = 0.0, dampening: float = 0.0,
                   steps: int = 2, w0: float = 1.0) -> list[HandStep]:
    """SGD with PyTorch's momentum on w^2/2, by hand.

    ::

        v_1 = g_1;   v_t = mu * v_{t-1} + (1 - tau) * g_t     (mu = momentum, tau = dampening)
        w_t = w_{t-1} - lr * v_t

    With ``momentum=0`` this is plain SGD, w_t = w_{t-1} - lr * g_t.

    Example:
        >>> [round(s.w, 6) for s in momentum_steps(0.01, 0.9)]
        [0.99, 0.9711]
    """
    lr = check_finite("lr", lr, 0)
    mu = check_beta("momentum", momentum)
    tau = check_range("dampening", dampening, 0, 1)
    steps, w = check_int("steps", steps, 1), check_finite("w0", w0)
    out, v = [], 0.0
    for t in range(1, steps + 1):
        g = w
        if mu == 0:
            new_w = w - lr * g
            lines = (f"w{t} = {_n(w)} - {_n(lr)} * {_n(g)} = {_n(new_w)}",)
        else:
            if t == 1:
                v = g
                first = f"v1 = g1 = {_n(g)}"
            else:
                damp = f"{_n(g)}" if tau == 0 else f"(1 - {_n(tau)}) * {_n(g)}"
                new_v = mu * v + (1 - tau) * g
                first = f"v{t} = {_n(mu)} * {_n(v)} + {damp} = {_n(new_v)}"
                v = new_v
            new_w = w - lr * v
            lines = (first, f"w{t} = {_n(w)} - {_n(lr)} * {_n(v)} = {_n(new_w)}")
        out.append(HandStep(t, g, new_w, lines))
        w = new_w
    return out


def ema_momentum_steps(lr: float, beta: float = 0.9, steps: int = 2,
                       w0: float = 1.0) -> list[HandStep]:
    """The course's momentum, an EWMA of the gradients, on w^2/2, by hand.

    ::

        s_1 = g_1;   s_t = beta * s_{t-1} + (1 - beta) * g_t
        w_t = w_{t-1} - lr * s_t

    Example:
        >>> [round(s.w, 8) for s in ema_momentum_steps(0.01, 0.9)]
        [0.99, 0.98001]
    """
    lr = check_finite("lr", lr, 0)
    beta = check_beta("beta", beta)
    steps, w = check_int("steps", steps, 1), check_finite("w0", w0)
    out, s = [], 0.0
    for t in range(1, steps + 1):
        g = w
        if t == 1:
            s = g
            first = f"s1 = g1 = {_n(g)}"
        else:
            new_s = beta * s + (1 - beta) * g
            first = f"s{t} = {_n(beta)} * {_n(s)} + {_n(1 - beta)} * {_n(g)} = {_n(new_s)}"
            s = new_s
        new_w = w - lr * s
        out.append(HandStep(t, g, new_w,
                            (first, f"w{t} = {_n(w)} - {_n(lr)} * {_n(s)} = {_n(new_w)}")))
        w = new_w
    return out


def adagrad_steps(lr: float = 0.01, lr_decay: float = 0.0, initial_accumulator_value: float = 0.0,
                  eps: float = 1e-10, steps: int = 2, w0: float = 1.0) -> list[HandStep]:
    """AdaGrad on w^2/2, by hand.

    ::

        lr_t = lr / (1 + (t - 1) * lr_decay)
        s_t  = s_{t-1} + g_t^2                    (s_0 = initial_accumulator_value)
        w_t  = w_{t-1} - lr_t * g_t / (sqrt(s_t) + eps)

    Example:
        >>> [round(s.w, 8) for s in adagrad_steps(0.01)]   # float32 runs print 0.98296458
        [0.99, 0.98296455]
    """
    lr = check_finite("lr", lr, 0)
    lr_decay = check_finite("lr_decay", lr_decay, 0)
    s = check_finite("initial_accumulator_value", initial_accumulator_value, 0)
    eps = check_finite("eps", eps, 0)
    steps, w = check_int("steps", steps, 1), check_finite("w0", w0)
    out = []
    for t in range(1, steps + 1):
        g = w
        lines = []
        lr_t = lr / (1 + (t - 1) * lr_decay)
        if lr_decay != 0:
            lines.append(f"lr{t} = {_n(lr)} / (1 + {t - 1} * {_n(lr_decay)}) = {_n(lr_t)}")
        new_s = s + g * g
        lines.append(f"s{t} = {_n(s)} + {_n(g)}^2 = {_n(new_s)}")
        s = new_s
        new_w = w - lr_t * g / (math.sqrt(s) + eps)
        lines.append(f"w{t} = {_n(w)} - {_n(lr_t)} * {_n(g)} / (sqrt({_n(s)}) + {eps:g})"
                     f" = {_n(new_w)}")
        out.append(HandStep(t, g, new_w, tuple(lines)))
        w = new_w
    return out


def rmsprop_steps(lr: float = 0.01, alpha: float = 0.99, eps: float = 1e-8,
                  steps: int = 2, w0: float = 1.0) -> list[HandStep]:
    """RMSProp (not centered, no momentum) on w^2/2, by hand.

    ::

        v_t = alpha * v_{t-1} + (1 - alpha) * g_t^2    (v_0 = 0, no bias correction)
        w_t = w_{t-1} - lr * g_t / (sqrt(v_t) + eps)

    Example:
        >>> [round(s.w, 8) for s in rmsprop_steps(0.01, alpha=0.9)]   # float32: 0.96837723
        [0.96837722, 0.94578803]
    """
    lr = check_finite("lr", lr, 0)
    alpha = check_beta("alpha", alpha)
    eps = check_finite("eps", eps, 0)
    steps, w = check_int("steps", steps, 1), check_finite("w0", w0)
    out, v = [], 0.0
    for t in range(1, steps + 1):
        g = w
        new_v = alpha * v + (1 - alpha) * g * g
        line_v = f"v{t} = {_n(alpha)} * {_n(v)} + {_n(1 - alpha)} * {_n(g)}^2 = {_n(new_v)}"
        v = new_v
        new_w = w - lr * g / (math.sqrt(v) + eps)
        line_w = (f"w{t} = {_n(w)} - {_n(lr)} * {_n(g)} / (sqrt({_n(v)}) + {eps:g})"
                  f" = {_n(new_w)}")
        out.append(HandStep(t, g, new_w, (line_v, line_w)))
        w = new_w
    return out


def adam_steps(lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8,
               steps: int = 2, w0: float = 1.0) -> list[HandStep]:
    """Adam on w^2/2, by hand.

    ::

        m_t = beta1 * m_{t-1} + (1 - beta1) * g_t        (m_0 = 0)
        v_t = beta2 * v_{t-1} + (1 - beta2) * g_t^2      (v_0 = 0)
        mhat_t = m_t / (1 - beta1^t),   vhat_t = v_t / (1 - beta2^t)
        w_t = w_{t-1} - lr * mhat_t / (sqrt(vhat_t) + eps)

    Example:
        >>> [round(s.w, 8) for s in adam_steps(0.01, betas=(0.9, 0.99))]
        [0.99, 0.98000252]
    """
    lr = check_finite("lr", lr, 0)
    b1, b2 = check_pair("betas", betas, check_beta)
    eps = check_finite("eps", eps, 0)
    steps, w = check_int("steps", steps, 1), check_finite("w0", w0)
    out, m, v = [], 0.0, 0.0
    for t in range(1, steps + 1):
        g = w
        new_m = b1 * m + (1 - b1) * g
        new_v = b2 * v + (1 - b2) * g * g
        lines = [f"m{t} = {_n(b1)} * {_n(m)} + {_n(1 - b1)} * {_n(g)} = {_n(new_m)}",
                 f"v{t} = {_n(b2)} * {_n(v)} + {_n(1 - b2)} * {_n(g)}^2 = {_n(new_v)}"]
        m, v = new_m, new_v
        m_hat, v_hat = m / (1 - b1**t), v / (1 - b2**t)
        lines.append(f"mhat{t} = {_n(m)} / (1 - {_n(b1)}^{t}) = {_n(m_hat)}")
        lines.append(f"vhat{t} = {_n(v)} / (1 - {_n(b2)}^{t}) = {_n(v_hat)}")
        new_w = w - lr * m_hat / (math.sqrt(v_hat) + eps)
        lines.append(f"w{t} = {_n(w)} - {_n(lr)} * {_n(m_hat)} / (sqrt({_n(v_hat)}) + {eps:g})"
                     f" = {_n(new_w)}")
        out.append(HandStep(t, g, new_w, tuple(lines)))
        w = new_w
    return out


def adadelta_steps(lr: float = 1.0, rho: float = 0.9, eps: float = 1e-6,
                   steps: int = 2, w0: float = 1.0) -> list[HandStep]:
    """AdaDelta on w^2/2, by hand.

    ::

        v_t     = rho * v_{t-1} + (1 - rho) * g_t^2               (v_0 = 0)
        delta_t = sqrt(u_{t-1} + eps) / sqrt(v_t + eps) * g_t
        u_t     = rho * u_{t-1} + (1 - rho) * delta_t^2           (u_0 = 0)
        w_t     = w_{t-1} - lr * delta_t

    Example:
        >>> round(adadelta_steps()[0].w, 8)
        0.99683774
    """
    lr = check_finite("lr", lr, 0)
    rho = check_beta("rho", rho)
    eps = check_finite("eps", eps, 0)
    steps, w = check_int("steps", steps, 1), check_finite("w0", w0)
    out, v, u = [], 0.0, 0.0
    for t in range(1, steps + 1):
        g = w
        new_v = rho * v + (1 - rho) * g * g
        delta = math.sqrt(u + eps) / math.sqrt(new_v + eps) * g
        new_u = rho * u + (1 - rho) * delta * delta
        new_w = w - lr * delta
        lines = (
            f"v{t} = {_n(rho)} * {_n(v)} + {_n(1 - rho)} * {_n(g)}^2 = {_n(new_v)}",
            f"delta{t} = sqrt({_n(u)} + {eps:g}) / sqrt({_n(new_v)} + {eps:g}) * {_n(g)}"
            f" = {_n(delta)}",
            f"u{t} = {_n(rho)} * {_n(u)} + {_n(1 - rho)} * {_n(delta)}^2 = {_n(new_u)}",
            f"w{t} = {_n(w)} - {_n(lr)} * {_n(delta)} = {_n(new_w)}",
        )
        out.append(HandStep(t, g, new_w, lines))
        v, u, w = new_v, new_u, new_w
    return out


def format_arithmetic(steps: list[HandStep]) -> str:
    """The printed arithmetic of hand steps, one block per step.

    Example:
        >>> print(format_arithmetic(momentum_steps(0.1, steps=1)))
        step 1: g1 = w0 = 1
          w1 = 1 - 0.1 * 1 = 0.9
    """
    blocks = []
    for s in steps:
        head = f"step {s.t}: g{s.t} = w{s.t - 1} = {_n(s.g)}"
        blocks.append("\n".join([head, *(f"  {line}" for line in s.lines)]))
    return "\n".join(blocks)


# ----------------------------------------------------------------------------------
# Hand vs lrcourse.optim vs torch.optim
# ----------------------------------------------------------------------------------

OptimizerFactory = Callable[[list[torch.Tensor]], torch.optim.Optimizer]


@dataclass(frozen=True)
class Spec:
    """One optimizer of the lesson: its settings written three ways.

    Attributes:
        label: the ``torch.optim`` call, as the lesson prints it.
        hand: the hand arithmetic, a function of ``steps``.
        ours: builds the :mod:`lrcourse.optim` twin from a parameter list.
        torch: builds the :mod:`torch.optim` optimizer from a parameter list.
    """

    label: str
    hand: Callable[[int], list[HandStep]]
    ours: OptimizerFactory
    torch: OptimizerFactory


SPECS: dict[str, Spec] = {
    "sgd_momentum": Spec(
        "SGD(lr=0.01, momentum=0.9)",
        lambda n: momentum_steps(0.01, 0.9, steps=n),
        lambda p: ours.SGD(p, lr=0.01, momentum=0.9),
        lambda p: torch.optim.SGD(p, lr=0.01, momentum=0.9),
    ),
    "ema_momentum": Spec(
        "SGD(lr=0.01, momentum=0.9, dampening=0.9)",
        lambda n: ema_momentum_steps(0.01, 0.9, steps=n),
        lambda p: ours.EMAMomentum(p, lr=0.01, beta=0.9),
        lambda p: torch.optim.SGD(p, lr=0.01, momentum=0.9, dampening=0.9),
    ),
    "adagrad": Spec(
        "Adagrad(lr=0.01)",
        lambda n: adagrad_steps(0.01, steps=n),
        lambda p: ours.Adagrad(p, lr=0.01),
        lambda p: torch.optim.Adagrad(p, lr=0.01),
    ),
    "rmsprop": Spec(
        "RMSprop(lr=0.01, alpha=0.9)",
        lambda n: rmsprop_steps(0.01, alpha=0.9, steps=n),
        lambda p: ours.RMSprop(p, lr=0.01, alpha=0.9),
        lambda p: torch.optim.RMSprop(p, lr=0.01, alpha=0.9),
    ),
    "adam": Spec(
        "Adam(lr=0.01, betas=(0.9, 0.99))",
        lambda n: adam_steps(0.01, betas=(0.9, 0.99), steps=n),
        lambda p: ours.Adam(p, lr=0.01, betas=(0.9, 0.99)),
        lambda p: torch.optim.Adam(p, lr=0.01, betas=(0.9, 0.99)),
    ),
    "adadelta": Spec(
        "Adadelta(lr=1.0, rho=0.9, eps=1e-6)",
        lambda n: adadelta_steps(1.0, 0.9, 1e-6, steps=n),
        lambda p: ours.Adadelta(p, lr=1.0, rho=0.9, eps=1e-6),
        lambda p: torch.optim.Adadelta(p, lr=1.0, rho=0.9, eps=1e-6),
    ),
}


@dataclass(frozen=True)
class Row:
    """One step of one optimizer, computed three ways (and the course's value if any)."""

    t: int
    g: float
    hand: float
    ours: float
    torch: float
    course: float | None


def _spec(name: str) -> Spec:
    return SPECS[check_choice("name", name, tuple(SPECS))]


def compare(name: str, steps: int = 2) -> list[Row]:
    """The first ``steps`` updates of optimizer ``name`` on w^2/2 from w = 1, three ways.

    ``hand`` is float64 arithmetic; ``ours`` and ``torch`` are float32 runs of
    :mod:`lrcourse.optim` and :mod:`torch.optim`; ``course`` is the syllabus value.

    Example:
        >>> round(compare("adagrad")[1].torch, 8)
        0.98296458
    """
    spec = _spec(name)
    steps = check_int("steps", steps, 1)
    hand = spec.hand(steps)
    mine = weight_trace(spec.ours, steps)
    theirs = weight_trace(spec.torch, steps)
    reference = COURSE_REFERENCE.get(name, [])
    rows = []
    for i in range(steps):
        course = reference[i][1] if i < len(reference) else None
        rows.append(Row(i + 1, hand[i].g, hand[i].w, mine[i + 1], theirs[i + 1], course))
    return rows


def format_comparison(name: str, steps: int = 2) -> str:
    """:func:`compare` as a table with 8 decimals, and the largest disagreement.

    Example:
        >>> print(format_comparison("sgd_momentum").splitlines()[0])
        SGD(lr=0.01, momentum=0.9) on w²/2 from w = 1
    """
    rows = compare(name, steps)
    lines = [f"{_spec(name).label} on w²/2 from w = 1",
             f"{'t':>2} {'g_t':>11} {'by hand':>11} {'lrcourse':>11} {'torch':>11} {'course':>11}"]
    for r in rows:
        course = f"{r.course:11.8f}" if r.course is not None else f"{'-':>11}"
        lines.append(f"{r.t:>2} {r.g:11.8f} {r.hand:11.8f} {r.ours:11.8f} {r.torch:11.8f} "
                     f"{course}")
    gap = max(max(abs(r.hand - r.torch), abs(r.ours - r.torch)) for r in rows)
    lines.append(f"largest difference between the three: {gap:.1e} "
                 f"({'within' if gap < 1e-7 else 'beyond'} float32 rounding)")
    return "\n".join(lines)


# ----------------------------------------------------------------------------------
# Small experiments
# ----------------------------------------------------------------------------------

#: The setting of each optimizer of :data:`lrcourse.optim.OPTIMIZERS` that the widget's
#: one "beta" slider moves: the factor of its running average (``None``: it has none).
#: "Momentum" is PyTorch's ``SGD(momentum=beta)``, the summing form; the course's
#: averaging form is ``lrcourse.optim.EMAMomentum`` (section 2 of the lesson).
BETA_SETTINGS: dict[str, str | None] = {
    "SGD": None,
    "Momentum": "momentum",
    "Adagrad": None,
    "Adadelta": "rho",
    "RMSprop": "alpha",
    "Adam": "betas[0]",
}


def beta_settings(name: str, beta: float) -> dict[str, object]:
    """The keyword arguments that give optimizer ``name`` the averaging factor ``beta``.

    For :func:`lrcourse.optim.make_optimizer`: momentum for "Momentum", ``alpha``
    for RMSprop, ``rho`` for Adadelta, ``betas=(beta, 0.999)`` for Adam (beta2 at
    PyTorch's default); SGD and Adagrad average nothing and get no setting.

    Example:
        >>> beta_settings("Adam", 0.8), beta_settings("RMSprop", 0.9), beta_settings("SGD", 0.9)
        ({'betas': (0.8, 0.999)}, {'alpha': 0.9}, {})
    """
    setting = BETA_SETTINGS[check_choice("name", name, ours.OPTIMIZERS)]
    beta = check_beta("beta", beta)
    if setting is None:
        return {}
    if setting == "betas[0]":
        return {"betas": (beta, ours.DEFAULTS["Adam"]["betas"][1])}
    return {setting: beta}


def weight_trace(make: OptimizerFactory, steps: int, w0: float = 1.0,
                 curvature: float = 1.0) -> list[float]:
    """The weights w_0, ..., w_steps of an optimizer on the loss curvature * w^2 / 2.

    The gradient is ``curvature * w``; ``curvature=0`` gives a zero gradient, which
    isolates what weight decay alone does. Runs in float32, PyTorch's default type,
    so the weights are those ``torch.optim`` prints. On this loss the gradient of
    step t is ``curvature * w_{t-1}``: the list holds each step's gradient too.

    Example:
        >>> [round(w, 4) for w in weight_trace(lambda p: torch.optim.SGD(p, lr=0.1), 2)]
        [1.0, 0.9, 0.81]
    """
    check_callable("make", make, "make([w]) -> torch.optim.Optimizer")
    steps = check_int("steps", steps, 0)
    w0 = check_finite("w0", w0)
    curvature = check_finite("curvature", curvature, 0)
    w = torch.tensor(w0, dtype=torch.float32, requires_grad=True)
    optimizer = check_instance("make([w])", make([w]), torch.optim.Optimizer,
                               "a torch.optim.Optimizer")
    ws = [float(w.detach())]
    for _ in range(steps):
        optimizer.zero_grad()
        (curvature * w * w / 2).backward()
        optimizer.step()
        ws.append(float(w.detach()))
    return ws


@dataclass(frozen=True)
class DecayRun:
    """What :func:`linear_weight_decay` measured, one entry per recorded step."""

    weight_decay: float
    steps: list[int]
    train_loss: list[float]
    val_loss: list[float]
    weight_norm: list[float]


def linear_weight_decay(weight_decay: float, *, optimizer: str = "Adagrad", lr: float = 0.5,
                        steps: int = 400, n_train: int = 15, noise: float = 1.0,
                        record_every: int = 100, seed: int = 0) -> DecayRun:
    """Train ``nn.Linear(10, 1)`` with MSE on a small synthetic set, with weight decay.

    The data: x ~ N(0, 1) in 10 dimensions, y = x . w_true + noise * N(0, 1), with
    ``n_train`` training points (few, so the model can fit the noise) and 500
    validation points, all drawn from ``seed``. Full-batch steps with
    ``torch.optim.<optimizer>(lr=lr, weight_decay=weight_decay)``. Records the
    training and validation MSE and the norm of the weight matrix (not the bias).

    Example:
        >>> run = linear_weight_decay(0.0, steps=10, record_every=10)
        >>> run.steps
        [0, 10]
    """
    weight_decay = check_finite("weight_decay", weight_decay, 0)
    check_choice("optimizer", optimizer, ("SGD", "Adagrad", "RMSprop", "Adam", "AdamW"))
    lr = check_finite("lr", lr, 0)
    steps = check_int("steps", steps, 1)
    n_train = check_int("n_train", n_train, 1)
    noise = check_finite("noise", noise, 0)
    record_every = check_int("record_every", record_every, 1)
    seed = check_int("seed", seed, 0)

    gen = torch.Generator().manual_seed(seed)
    w_true = torch.randn(10, 1, generator=gen)
    x = torch.randn(n_train + 500, 10, generator=gen)
    y = x @ w_true + noise * torch.randn(n_train + 500, 1, generator=gen)
    x_train, y_train, x_val, y_val = x[:n_train], y[:n_train], x[n_train:], y[n_train:]

    torch.manual_seed(seed)
    model = torch.nn.Linear(10, 1)
    opt = getattr(torch.optim, optimizer)(model.parameters(), lr=lr, weight_decay=weight_decay)
    mse = torch.nn.MSELoss()
    rec_steps, train, val, norm = [], [], [], []

    def record(step: int) -> None:
        with torch.no_grad():
            rec_steps.append(step)
            train.append(float(mse(model(x_train), y_train)))
            val.append(float(mse(model(x_val), y_val)))
            norm.append(float(model.weight.norm()))

    record(0)
    for step in range(1, steps + 1):
        opt.zero_grad()
        mse(model(x_train), y_train).backward()
        opt.step()
        if step % record_every == 0 or step == steps:
            record(step)
    return DecayRun(weight_decay, rec_steps, train, val, norm)
