"""Exercise of the optimizer lesson: one Adam step written by hand.

``check_adam_step(fn)``: ``fn(w, g, m, v, t, lr, betas, eps)`` returns the new
``(w, m, v)`` after Adam's step number ``t`` (t = 1 for the first), where ``m`` and
``v`` are the moments *before* the step and ``g`` is the gradient at ``w``::

    m_t = beta1 * m + (1 - beta1) * g
    v_t = beta2 * v + (1 - beta2) * g^2
    mhat = m_t / (1 - beta1^t),   vhat = v_t / (1 - beta2^t)
    w_t = w - lr * mhat / (sqrt(vhat) + eps)

The state returned is m_t and v_t *without* the bias correction: the correction
is recomputed from t at every step. The checker compares with the reference
solution below (for teachers), which the unit tests compare with
``torch.optim.Adam`` and ``lrcourse.optim.Adam``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from lrcourse.exercises._base import Check, checker, diagnose, report, report_value

__all__ = [
    "ADAM_CASES",
    "check_adam_step",
    "solution_adam_step",
    "check_first_steps",
    "solution_first_steps",
]

#: The inputs the checker tries: (w, g, m, v, t, lr, betas, eps).
ADAM_CASES: list[tuple] = [
    (1.0, 1.0, 0.0, 0.0, 1, 0.01, (0.9, 0.99), 1e-8),  # the lesson's first step
    (0.99, 0.99, 0.1, 0.01, 2, 0.01, (0.9, 0.99), 1e-8),  # ... and its second
    (0.5, -2.0, 0.3, 0.2, 5, 0.1, (0.9, 0.999), 1e-8),
    (1.0, 0.001, 0.0, 0.0, 1, 0.1, (0.9, 0.999), 0.01),  # eps matters here
]


def solution_adam_step(w: float, g: float, m: float, v: float, t: int, lr: float,
                       betas: tuple[float, float], eps: float) -> tuple[float, float, float]:
    """One Adam step: returns (w_t, m_t, v_t); m_t and v_t are not bias-corrected."""
    beta1, beta2 = betas
    m_t = beta1 * m + (1 - beta1) * g
    v_t = beta2 * v + (1 - beta2) * g * g
    m_hat = m_t / (1 - beta1**t)
    v_hat = v_t / (1 - beta2**t)
    w_t = w - lr * m_hat / (math.sqrt(v_hat) + eps)
    return w_t, m_t, v_t


def _mistakes(w, g, m, v, t, lr, betas, eps) -> dict[str, tuple[float, float, float]]:
    """Answers of typical mistakes, each with the hint that names it."""
    b1, b2 = betas
    m_t = b1 * m + (1 - b1) * g
    v_t = b2 * v + (1 - b2) * g * g
    mh, vh = m_t / (1 - b1**t), v_t / (1 - b2**t)
    out = {
        "bias correction: divide m_t by (1 - beta1^t) and v_t by (1 - beta2^t) before the "
        "update. Without it the first steps use moments biased towards 0 (m_0 = v_0 = 0).":
            (w - lr * m_t / (math.sqrt(v_t) + eps), m_t, v_t),
        "return the raw moments m_t and v_t as the new state, not the corrected mhat and "
        "vhat: the correction is redone from t at every step.":
            (w - lr * mh / (math.sqrt(vh) + eps), mh, vh),
        "eps is added after the square root: sqrt(vhat) + eps, not sqrt(vhat + eps).":
            (w - lr * mh / math.sqrt(vh + eps), m_t, v_t),
        "the second moment averages the squared gradient: (1 - beta2) * g**2.":
            (w - lr * mh / (math.sqrt(abs(b2 * v + (1 - b2) * g) / (1 - b2**t)) + eps),
             m_t, b2 * v + (1 - b2) * g),
        "step against the gradient: w - lr * mhat / (sqrt(vhat) + eps).":
            (w + lr * mh / (math.sqrt(vh) + eps), m_t, v_t),
    }
    if t > 1:
        mh1, vh1 = m_t / (1 - b1 ** (t - 1)), v_t / (1 - b2 ** (t - 1))
        out["the correction uses the step number t of this update (1 for the first step), "
            "so the powers are beta1^t and beta2^t, not t - 1."] = (
            w - lr * mh1 / (math.sqrt(vh1) + eps), m_t, v_t)
    return out


@checker("one Adam step")
def check_adam_step(fn: Callable[..., tuple[float, float, float]]) -> bool:
    """Check ``fn(w, g, m, v, t, lr, betas, eps) -> (w_t, m_t, v_t)``: one Adam step."""
    checks = []
    for args in ADAM_CASES:
        hint = diagnose(lambda a=args: fn(*a), _mistakes(*args),
                        "compute m_t and v_t, correct both by 1 - beta^t, then "
                        "w - lr * mhat / (sqrt(vhat) + eps); return (w_t, m_t, v_t).")
        checks.append(Check(args, solution_adam_step(*args), hint))
    return report("one Adam step", fn, checks)


# ----------------------------------------------------------------------------------
# Prediction
# ----------------------------------------------------------------------------------

#: Exercise 2: w after the FIRST step on w^2/2 from w = 1 (gradient 1) of
#: Adam(lr=0.05, betas=(0.5, 0.9)), RMSprop(lr=0.05, alpha=0.96) and Adagrad(lr=0.05).
#: Adam's bias correction makes its first step lr whatever the betas; RMSprop has
#: none, so it steps lr / sqrt(1 - alpha) = 0.05 / 0.2; AdaGrad steps lr * g / |g|.
#: (eps moves RMSprop's answer by about 1e-8.)
solution_first_steps = (0.95, 0.75, 0.95)


@checker("first steps of Adam, RMSprop and AdaGrad", takes_function=False)
def check_first_steps(ws: Any) -> bool:
    """Check a prediction of w_1 for Adam, RMSprop and AdaGrad (settings of exercise 2)."""
    rms_plain = 1 - 0.05 / math.sqrt(0.04)
    adam_raw = 1 - 0.05 * 0.5 / math.sqrt(0.1)
    mistakes = {
        "RMSprop has no bias correction: s_1 = (1 − α)·g² = 0.04, so its first step is "
        "lr / sqrt(0.04), five times lr.": (0.95, 0.95, 0.95),
        "Adam corrects both moments by 1 − β^1: mhat = vhat = g, so its first step is lr.":
            (adam_raw, rms_plain, 0.95),
        "RMSprop divides by the square root of s_1 = (1 − α)·g², not by sqrt(α).":
            (0.95, 1 - 0.05 / math.sqrt(0.96), 0.95),
        "AdaGrad's first step is lr·g/sqrt(g²) = lr.": (0.95, rms_plain, 0.9),
    }
    return report_value("first steps of Adam, RMSprop and AdaGrad", ws, solution_first_steps,
                        mistakes, "work out s_1 (and m_1) for each from g = 1, then "
                        "w_1 = 1 − step.", rel=0.0, abs_=1e-6)
