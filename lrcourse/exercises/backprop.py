"""Exercises of the backpropagation lesson: one more gradient of the 2-2-2 network, by hand.

- ``check_dE_dw7(fn)``: ``fn(fwd)`` returns dE/dw7 from the forward values ``fwd``
  (a ``lrcourse.lessons.backprop.Forward``). One path: E -> out_o2 -> net_o2 -> w7.
- ``check_dE_dw2(fn)``: ``fn(fwd, net)`` returns dE/dw2 from the forward values and
  the weights ``net`` (a ``TinyNetwork``). Two paths: through o1 (via w5) and
  through o2 (via w7).

Each checker tries the worked network and a few random ones against
``lrcourse.lessons.backprop.backward``; the reference solutions are below, for teachers.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

from lrcourse.exercises._base import Check, checker, diagnose, report, report_value
from lrcourse.lessons.backprop import Forward, TinyNetwork, backward, forward

__all__ = [
    "check_dE_dw7",
    "check_dE_dw2",
    "solution_dE_dw7",
    "solution_dE_dw2",
    "check_sigmoid_at_2",
    "solution_sigmoid_at_2",
]


# ----------------------------------------------------------------------------------
# Reference solutions
# ----------------------------------------------------------------------------------


def solution_dE_dw7(fwd: Forward) -> float:
    """dE/dw7 = dE/dout_o2 * dout_o2/dnet_o2 * dnet_o2/dw7."""
    dE_dout_o2 = fwd.out_o2 - fwd.target_o2
    dout_o2_dnet_o2 = fwd.out_o2 * (1 - fwd.out_o2)
    dnet_o2_dw7 = fwd.out_h1
    return dE_dout_o2 * dout_o2_dnet_o2 * dnet_o2_dw7


def solution_dE_dw2(fwd: Forward, net: TinyNetwork) -> float:
    """dE/dw2 = (delta_o1 * w5 + delta_o2 * w7) * out_h1 (1 - out_h1) * i2."""
    delta_o1 = (fwd.out_o1 - fwd.target_o1) * fwd.out_o1 * (1 - fwd.out_o1)
    delta_o2 = (fwd.out_o2 - fwd.target_o2) * fwd.out_o2 * (1 - fwd.out_o2)
    dE_dout_h1 = delta_o1 * net.w5 + delta_o2 * net.w7
    dout_h1_dnet_h1 = fwd.out_h1 * (1 - fwd.out_h1)
    dnet_h1_dw2 = fwd.i2
    return dE_dout_h1 * dout_h1_dnet_h1 * dnet_h1_dw2


# ----------------------------------------------------------------------------------
# Checkers
# ----------------------------------------------------------------------------------


def _cases(n_random: int = 3, seed: int = 7) -> dict[str, tuple[Forward, TinyNetwork]]:
    """The worked network, then ``n_random`` random networks, inputs and targets."""
    rng = random.Random(seed)
    cases = {"the worked network": (forward(TinyNetwork()), TinyNetwork())}
    for k in range(1, n_random + 1):
        net = TinyNetwork(*(rng.uniform(-1.0, 1.0) for _ in range(10)))
        inputs = (rng.uniform(-1.0, 1.0), rng.uniform(-1.0, 1.0))
        targets = (rng.uniform(0.0, 1.0), rng.uniform(0.0, 1.0))
        cases[f"random network {k}"] = (forward(net, inputs, targets), net)
    return cases


@checker("dE/dw7")
def check_dE_dw7(fn: Callable[[Forward], float]) -> bool:
    """Check ``fn(fwd) -> dE/dw7`` on the worked network and three random ones."""
    cases = _cases()
    checks = []
    for label, (fwd, net) in cases.items():
        f = fwd
        grads = backward(net, (f.i1, f.i2), (f.target_o1, f.target_o2), fwd=f)
        delta_o2 = grads.delta_o2
        mistakes = {
            "the sign: dE/dout_o2 = out_o2 - target_o2 (E has 1/2 (target - out)^2).": (
                -grads.dE_dw7
            ),
            "you forgot the sigmoid's derivative dout_o2/dnet_o2 = out_o2 * (1 - out_o2).": (
                grads.dE_dout_o2 * f.out_h1
            ),
            "w7 connects h1 to o2, so dnet_o2/dw7 = out_h1, not out_h2.": delta_o2 * f.out_h2,
            "w7 feeds o2, not o1: use out_o2 and target_o2.": grads.delta_o1 * f.out_h1,
            "you stopped at delta_o2; multiply by dnet_o2/dw7 = out_h1.": delta_o2,
        }
        hint = diagnose(lambda f=f: fn(f), mistakes, abs_=1e-9) or (
            "dE/dw7 = (out_o2 - target_o2) * out_o2 * (1 - out_o2) * out_h1: three factors."
        )
        checks.append(Check((label,), grads.dE_dw7, hint))
    return report("dE/dw7", lambda label: fn(cases[label][0]), checks, rel=1e-7, abs_=1e-12)


@checker("dE/dw2")
def check_dE_dw2(fn: Callable[[Forward, TinyNetwork], float]) -> bool:
    """Check ``fn(fwd, net) -> dE/dw2`` on the worked network and three random ones."""
    cases = _cases()
    checks = []
    for label, (fwd, net) in cases.items():
        f = fwd
        grads = backward(net, (f.i1, f.i2), (f.target_o1, f.target_o2), fwd=f)
        dh1 = grads.dout_h1_dnet_h1
        mistakes = {
            "out_h1 reaches E through both outputs: add delta_o1 * w5 and delta_o2 * w7.": (
                grads.dEo1_dout_h1 * dh1 * f.i2
            ),
            "you took only the path through o2; add the one through o1 (delta_o1 * w5).": (
                grads.dEo2_dout_h1 * dh1 * f.i2
            ),
            "you forgot the hidden unit's sigmoid derivative out_h1 * (1 - out_h1).": (
                grads.dE_dout_h1 * f.i2
            ),
            "w2 multiplies the second input: dnet_h1/dw2 = i2, not i1.": grads.delta_h1 * f.i1,
            "w2 feeds h1, not h2: use w5, w7 and out_h1.": grads.delta_h2 * f.i2,
            "the sign: dE/dout_ok = out_ok - target_ok.": -grads.dE_dw2,
        }
        hint = diagnose(lambda f=f, net=net: fn(f, net), mistakes, abs_=1e-9) or (
            "dE/dw2 = (delta_o1 * w5 + delta_o2 * w7) * out_h1 * (1 - out_h1) * i2, "
            "with delta_ok = (out_ok - target_ok) * out_ok * (1 - out_ok)."
        )
        checks.append(Check((label,), grads.dE_dw2, hint))
    return report("dE/dw2", lambda label: fn(*cases[label]), checks, rel=1e-7, abs_=1e-12)


# ----------------------------------------------------------------------------------
# Prediction
# ----------------------------------------------------------------------------------

#: Exercise 3: (df/dw, df/db) of f = 1/(exp(-(w x + b)) + 1) at x = 2, w = 0, b = 0.
#: f = 0.5, f (1 - f) = 0.25; df/dw = 0.25 * x = 0.5 and df/db = 0.25 * 1.
solution_sigmoid_at_2 = (0.5, 0.25)


@checker("sigmoid gradients at x = 2, predicted", takes_function=False)
def check_sigmoid_at_2(grads: Any) -> bool:
    """Check a prediction (df/dw, df/db) of the sigmoid neuron at x = 2, w = b = 0."""
    mistakes = {
        "df/dw has one more factor than df/db: da/dw = x = 2.": (0.25, 0.25),
        "b is added, not multiplied by x: dc/db = 1, so df/db has no factor x.": (0.5, 0.5),
        "the two minus signs (reciprocal and negation) cancel: both are positive.":
            (-0.5, -0.25),
        "first df/dw, then df/db.": (0.25, 0.5),
        "the input x is 2 but w is 0, so wx + b = 0 and f is still 0.5: f (1 - f) = 0.25.":
            (2 * 0.5 * 0.5 * 0.5, 0.5 * 0.5 * 0.5),
    }
    return report_value("sigmoid gradients at x = 2, predicted", grads, solution_sigmoid_at_2,
                        mistakes, "f = 0.5 since wx + b = 0; the sigmoid's derivative f (1 - f) "
                        "times the last factor of each path (x for w, 1 for b).", rel=1e-6)
