"""Backpropagation worked by hand: the chain rule, one elementary operation at a time.

Two examples, both small enough to follow on paper, both checked against autograd
in the tests.

**1. A sigmoid split into six elementary operations.** For an input ``x``, a
weight ``w`` and a bias ``b``::

    f(x; w, b) = 1 / (exp(-(w*x + b)) + 1)

    a = w * x        da/dw = x       (and da/dx = w)
    c = a + b        dc/da = 1       (and dc/db = 1)
    d = -c           dd/dc = -1
    e = exp(d)       de/dd = exp(d) = e
    g = e + 1        dg/de = 1
    f = 1 / g        df/dg = -1 / g^2

The derivative of ``f`` with respect to ``w`` is the product of the local
derivatives along the path from ``f`` down to ``w``::

    df/dw = df/dg * dg/de * de/dd * dd/dc * dc/da * da/dw

At x = 1, w = 0, b = 0: f = 0.5 and df/dw = df/db = 0.25. ``sigmoid_chain``
returns every intermediate value, every local derivative and every gradient.

**2. The 2-2-2 network.** Two inputs ``i1, i2``, two sigmoid hidden units
``h1, h2`` (weights w1..w4, shared bias b1), two sigmoid outputs ``o1, o2``
(weights w5..w8, shared bias b2), squared error::

    net_h1 = w1*i1 + w2*i2 + b1         out_h1 = sigmoid(net_h1)
    net_h2 = w3*i1 + w4*i2 + b1         out_h2 = sigmoid(net_h2)
    net_o1 = w5*out_h1 + w6*out_h2 + b2  out_o1 = sigmoid(net_o1)
    net_o2 = w7*out_h1 + w8*out_h2 + b2  out_o2 = sigmoid(net_o2)
    E_total = 1/2 (target_o1 - out_o1)^2 + 1/2 (target_o2 - out_o2)^2

Backward, for an output weight (one path) and a hidden weight (two paths, one
through each output)::

    dE/dw5 = dE/dout_o1 * dout_o1/dnet_o1 * dnet_o1/dw5
           = (out_o1 - target_o1) * out_o1 (1 - out_o1) * out_h1
           = delta_o1 * out_h1

    dE/dw1 = dE/dout_h1 * dout_h1/dnet_h1 * dnet_h1/dw1
           = (delta_o1 * w5 + delta_o2 * w7) * out_h1 (1 - out_h1) * i1
           = delta_h1 * i1

Every weight, hidden ones included, is updated with the gradients computed at
the weights *before* the step (``w5`` is not updated before ``dE/dw1`` is
computed). With the default numbers (``TinyNetwork()``, inputs 0.05 and 0.10,
targets 0.01 and 0.99) this reproduces the well-known worked example:
out_o1 = 0.75136507, E_total = 0.298371109, dE/dw5 = 0.082167041, and after one
step with lr = 0.5, w5 = 0.35891648 and w1 = 0.149780716. As in that example the
biases stay fixed unless you ask for ``update_biases=True``.

Example:
    >>> round(sigmoid_chain(1.0, 0.0, 0.0).df_dw, 4)
    0.25
    >>> net = TinyNetwork()
    >>> round(forward(net).E_total, 9)
    0.298371109
    >>> round(backward(net).dE_dw5, 9)
    0.082167041
    >>> round(update(net, backward(net), lr=0.5).w5, 8)
    0.35891648
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass, fields, replace
from typing import Any, NamedTuple

from lrcourse._checks import (
    check_choice,
    check_finite,
    check_instance,
    check_int,
    check_pair,
)

__all__ = [
    "INPUTS",
    "TARGETS",
    "Row",
    "SigmoidChain",
    "sigmoid_chain",
    "sigmoid",
    "TinyNetwork",
    "Forward",
    "Gradients",
    "forward",
    "backward",
    "update",
    "train",
    "train_network",
]

#: The worked example's inputs (i1, i2) and targets (for o1, o2).
INPUTS: tuple[float, float] = (0.05, 0.10)
TARGETS: tuple[float, float] = (0.01, 0.99)

WEIGHT_NAMES = ("w1", "w2", "w3", "w4", "w5", "w6", "w7", "w8")
BIAS_NAMES = ("b1", "b2")


# ----------------------------------------------------------------------------------
# 1. The sigmoid as a chain of elementary operations
# ----------------------------------------------------------------------------------


class Row(NamedTuple):
    """One node of a computation, as a line of the lesson's table.

    Attributes:
        name: the node's name (``"a"``, ``"c"``, ...; ``"x"``, ``"w"``, ``"b"`` for inputs).
        operation: how the node is computed from the ones before it (``"w * x"``).
        value: its value in the forward pass.
        local_name: which local derivative the row shows (``"da/dw"``), ``""`` for inputs.
        local: that local derivative's value, ``None`` for inputs.
        gradient: the derivative of the output ``f`` with respect to this node.
            Moving down the chain, a node's gradient is the gradient of the node
            that uses it times that node's local derivative.
    """

    name: str
    operation: str
    value: float
    local_name: str
    local: float | None
    gradient: float


@dataclass(frozen=True)
class SigmoidChain:
    """Forward values, local derivatives and gradients of f = 1 / (exp(-(w*x + b)) + 1).

    Forward values: ``a = w*x``, ``c = a + b``, ``d = -c``, ``e = exp(d)``,
    ``g = e + 1``, ``f = 1/g``.

    Local derivatives (each node with respect to its input): ``da_dw = x``,
    ``da_dx = w``, ``dc_da = dc_db = 1``, ``dd_dc = -1``, ``de_dd = e``,
    ``dg_de = 1``, ``df_dg = -1/g^2``.

    Gradients of ``f`` (the backward products): ``grad_f = 1``,
    ``grad_g = grad_f * df_dg``, ``grad_e = grad_g * dg_de``, ... down to
    ``grad_w = grad_a * da_dw``, ``grad_b = grad_c * dc_db`` and
    ``grad_x = grad_a * da_dx``.
    """

    x: float
    w: float
    b: float
    # forward
    a: float
    c: float
    d: float
    e: float
    g: float
    f: float
    # local derivatives
    da_dw: float
    da_dx: float
    dc_da: float
    dc_db: float
    dd_dc: float
    de_dd: float
    dg_de: float
    df_dg: float
    # backward: df/d(node)
    grad_f: float
    grad_g: float
    grad_e: float
    grad_d: float
    grad_c: float
    grad_a: float
    grad_b: float
    grad_w: float
    grad_x: float

    @property
    def df_dw(self) -> float:
        """df/dw, the product of the local derivatives from f down to w."""
        return self.grad_w

    @property
    def df_db(self) -> float:
        """df/db, the product of the local derivatives from f down to b."""
        return self.grad_b

    def rows(self) -> list[Row]:
        """The table of the lesson, one ``Row`` per node, inputs first, ``f`` last."""
        return [
            Row("x", "input", self.x, "", None, self.grad_x),
            Row("w", "input", self.w, "", None, self.grad_w),
            Row("b", "input", self.b, "", None, self.grad_b),
            Row("a", "w * x", self.a, "da/dw = x", self.da_dw, self.grad_a),
            Row("c", "a + b", self.c, "dc/da = 1", self.dc_da, self.grad_c),
            Row("d", "-c", self.d, "dd/dc = -1", self.dd_dc, self.grad_d),
            Row("e", "exp(d)", self.e, "de/dd = exp(d)", self.de_dd, self.grad_e),
            Row("g", "e + 1", self.g, "dg/de = 1", self.dg_de, self.grad_g),
            Row("f", "1 / g", self.f, "df/dg = -1/g^2", self.df_dg, self.grad_f),
        ]

    def table(self, digits: int = 4) -> str:
        """The rows as aligned text, from ``f`` back to the inputs (the backward order)."""
        digits = check_int("digits", digits, 0, 15)
        columns = ("node", "operation", "value", "local derivative", "", "df/dnode")
        head = "{:<5}{:<10}{:>10}   {:<15}{:>10}{:>12}".format(*columns)
        lines = [head, "-" * len(head)]
        for row in reversed(self.rows()):
            # "+ 0.0" prints -0.0 as 0.0
            local = "" if row.local is None else f"{row.local + 0.0:.{digits}f}"
            lines.append(
                f"{row.name:<5}{row.operation:<10}{row.value + 0.0:>10.{digits}f}   "
                f"{row.local_name:<15}{local:>10}{row.gradient + 0.0:>12.{digits}f}"
            )
        return "\n".join(lines)


def sigmoid_chain(x: float, w: float, b: float) -> SigmoidChain:
    """Run f(x; w, b) = 1 / (exp(-(w*x + b)) + 1) forward and backward, one operation at a time.

    Args:
        x: the input.
        w: the weight.
        b: the bias.

    Returns:
        A ``SigmoidChain`` with every intermediate value, local derivative and
        gradient; ``.df_dw`` and ``.df_db`` are the two the lesson asks for.

    Example:
        >>> chain = sigmoid_chain(1.0, 0.0, 0.0)
        >>> chain.f, chain.df_dw, chain.df_db
        (0.5, 0.25, 0.25)
    """
    x = check_finite("x", x)
    w = check_finite("w", w)
    b = check_finite("b", b)
    if w * x + b < -350:  # beyond it g^2 = (exp(-(w*x + b)) + 1)^2 overflows a float64
        raise ValueError(f"w * x + b must be >= -350, got w={w!r}, x={x!r}, b={b!r}")

    # forward pass
    a = w * x
    c = a + b
    d = -c
    e = math.exp(d)
    g = e + 1.0
    f = 1.0 / g

    # local derivatives: each node with respect to its input
    da_dw, da_dx = x, w
    dc_da, dc_db = 1.0, 1.0
    dd_dc = -1.0
    de_dd = e
    dg_de = 1.0
    df_dg = -1.0 / g**2

    # backward pass: gradient of f with respect to each node, from f down
    grad_f = 1.0
    grad_g = grad_f * df_dg
    grad_e = grad_g * dg_de
    grad_d = grad_e * de_dd
    grad_c = grad_d * dd_dc
    grad_a = grad_c * dc_da
    grad_b = grad_c * dc_db
    grad_w = grad_a * da_dw
    grad_x = grad_a * da_dx

    return SigmoidChain(
        x, w, b, a, c, d, e, g, f,
        da_dw, da_dx, dc_da, dc_db, dd_dc, de_dd, dg_de, df_dg,
        grad_f, grad_g, grad_e, grad_d, grad_c, grad_a, grad_b, grad_w, grad_x,
    )  # fmt: skip


# ----------------------------------------------------------------------------------
# 2. The 2-2-2 network
# ----------------------------------------------------------------------------------


def sigmoid(z: float) -> float:
    """sigmoid(z) = 1 / (1 + exp(-z)), without overflow for large negative z."""
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    ez = math.exp(z)
    return ez / (1.0 + ez)


@dataclass(frozen=True)
class TinyNetwork:
    """The weights of the 2-2-2 worked network; the defaults are the published example's.

    Attributes:
        w1, w2: from inputs i1, i2 to hidden unit h1.
        w3, w4: from inputs i1, i2 to hidden unit h2.
        w5, w6: from hidden units h1, h2 to output o1.
        w7, w8: from hidden units h1, h2 to output o2.
        b1: bias shared by both hidden units.
        b2: bias shared by both outputs.

    Instances are immutable: ``update`` returns a new network.
    """

    w1: float = 0.15
    w2: float = 0.20
    w3: float = 0.25
    w4: float = 0.30
    w5: float = 0.40
    w6: float = 0.45
    w7: float = 0.50
    w8: float = 0.55
    b1: float = 0.35
    b2: float = 0.60

    def __post_init__(self) -> None:
        for item in fields(self):
            object.__setattr__(self, item.name, check_finite(item.name, getattr(self, item.name)))

    def as_dict(self) -> dict[str, float]:
        """``{"w1": ..., ..., "w8": ..., "b1": ..., "b2": ...}``."""
        return asdict(self)


@dataclass(frozen=True)
class Forward:
    """Every value of the forward pass of ``TinyNetwork``, named as in the lesson."""

    i1: float
    i2: float
    target_o1: float
    target_o2: float
    net_h1: float
    out_h1: float
    net_h2: float
    out_h2: float
    net_o1: float
    out_o1: float
    net_o2: float
    out_o2: float
    E_o1: float
    E_o2: float
    E_total: float


@dataclass(frozen=True)
class Gradients:
    """Every factor of the backward pass and every gradient dE/d(parameter).

    Output layer (k = 1, 2)::

        dE_dout_ok     = out_ok - target_ok          (dE/dout_ok)
        dout_ok_dnet_ok = out_ok * (1 - out_ok)      (the sigmoid's derivative)
        delta_ok       = dE_dout_ok * dout_ok_dnet_ok (dE/dnet_ok)

    with ``dnet_o1/dw5 = out_h1``, ``dnet_o1/dw6 = out_h2``, ``dnet_o2/dw7 = out_h1``,
    ``dnet_o2/dw8 = out_h2`` (fields ``dnet_o1_dw5`` ... ``dnet_o2_dw8``).

    Hidden layer (j = 1, 2): out_hj feeds both outputs, so two paths add up::

        dEo1_dout_h1 = delta_o1 * w5,  dEo2_dout_h1 = delta_o2 * w7
        dE_dout_h1   = dEo1_dout_h1 + dEo2_dout_h1
        dout_h1_dnet_h1 = out_h1 * (1 - out_h1)
        delta_h1     = dE_dout_h1 * dout_h1_dnet_h1
        (h2 likewise with w6 and w8)

    with ``dnet_h1/dw1 = i1``, ``dnet_h1/dw2 = i2``, ``dnet_h2/dw3 = i1``,
    ``dnet_h2/dw4 = i2``.

    Gradients: ``dE_dw5 = delta_o1 * out_h1`` ... ``dE_dw1 = delta_h1 * i1`` ...;
    each bias is shared by two units, so ``dE_db1 = delta_h1 + delta_h2`` and
    ``dE_db2 = delta_o1 + delta_o2``.
    """

    # output layer
    dE_dout_o1: float
    dout_o1_dnet_o1: float
    delta_o1: float
    dE_dout_o2: float
    dout_o2_dnet_o2: float
    delta_o2: float
    dnet_o1_dw5: float
    dnet_o1_dw6: float
    dnet_o2_dw7: float
    dnet_o2_dw8: float
    # hidden layer
    dEo1_dout_h1: float
    dEo2_dout_h1: float
    dE_dout_h1: float
    dout_h1_dnet_h1: float
    delta_h1: float
    dEo1_dout_h2: float
    dEo2_dout_h2: float
    dE_dout_h2: float
    dout_h2_dnet_h2: float
    delta_h2: float
    dnet_h1_dw1: float
    dnet_h1_dw2: float
    dnet_h2_dw3: float
    dnet_h2_dw4: float
    # the gradients
    dE_dw1: float
    dE_dw2: float
    dE_dw3: float
    dE_dw4: float
    dE_dw5: float
    dE_dw6: float
    dE_dw7: float
    dE_dw8: float
    dE_db1: float
    dE_db2: float

    def of(self, name: str) -> float:
        """dE/d(name) for a parameter name ``"w1"`` ... ``"w8"``, ``"b1"``, ``"b2"``."""
        check_choice("name", name, WEIGHT_NAMES + BIAS_NAMES)
        return getattr(self, f"dE_d{name}")

    def as_dict(self) -> dict[str, float]:
        """``{"w1": dE/dw1, ..., "b2": dE/db2}``."""
        return {name: self.of(name) for name in WEIGHT_NAMES + BIAS_NAMES}

    def chain(self, name: str) -> list[tuple[str, float]]:
        """The chain-rule factors whose product is dE/d(name), as (label, value) pairs.

        Example:
            >>> [label for label, _ in backward(TinyNetwork()).chain("w5")]
            ['dE/dout_o1', 'dout_o1/dnet_o1', 'dnet_o1/dw5']
        """
        paths = {
            "w5": ("o1", "dnet_o1_dw5"),
            "w6": ("o1", "dnet_o1_dw6"),
            "w7": ("o2", "dnet_o2_dw7"),
            "w8": ("o2", "dnet_o2_dw8"),
            "w1": ("h1", "dnet_h1_dw1"),
            "w2": ("h1", "dnet_h1_dw2"),
            "w3": ("h2", "dnet_h2_dw3"),
            "w4": ("h2", "dnet_h2_dw4"),
        }
        unit, last = paths[check_choice("name", name, WEIGHT_NAMES)]
        return [
            (f"dE/dout_{unit}", getattr(self, f"dE_dout_{unit}")),
            (f"dout_{unit}/dnet_{unit}", getattr(self, f"dout_{unit}_dnet_{unit}")),
            (last.replace("_dw", "/dw"), getattr(self, last)),
        ]


def forward(
    net: TinyNetwork | None = None,
    inputs: Sequence[float] = INPUTS,
    targets: Sequence[float] = TARGETS,
) -> Forward:
    """The forward pass of the 2-2-2 network and its squared error.

    Args:
        net: the weights; ``None`` means the worked example's (``TinyNetwork()``).
        inputs: (i1, i2).
        targets: the targets of o1 and o2.

    Returns:
        A ``Forward`` with net_h1, out_h1, ..., out_o2, E_o1, E_o2 and E_total.
    """
    net = _check_net(net)
    i1, i2 = check_pair("inputs", inputs)
    target_o1, target_o2 = check_pair("targets", targets)

    net_h1 = net.w1 * i1 + net.w2 * i2 + net.b1
    out_h1 = sigmoid(net_h1)
    net_h2 = net.w3 * i1 + net.w4 * i2 + net.b1
    out_h2 = sigmoid(net_h2)

    net_o1 = net.w5 * out_h1 + net.w6 * out_h2 + net.b2
    out_o1 = sigmoid(net_o1)
    net_o2 = net.w7 * out_h1 + net.w8 * out_h2 + net.b2
    out_o2 = sigmoid(net_o2)

    E_o1 = 0.5 * (target_o1 - out_o1) ** 2
    E_o2 = 0.5 * (target_o2 - out_o2) ** 2
    E_total = E_o1 + E_o2

    return Forward(
        i1, i2, target_o1, target_o2,
        net_h1, out_h1, net_h2, out_h2, net_o1, out_o1, net_o2, out_o2,
        E_o1, E_o2, E_total,
    )  # fmt: skip


def backward(
    net: TinyNetwork | None = None,
    inputs: Sequence[float] = INPUTS,
    targets: Sequence[float] = TARGETS,
    fwd: Forward | None = None,
) -> Gradients:
    """Every gradient dE/d(parameter) of the 2-2-2 network, by the chain rule.

    Args:
        net: the weights; ``None`` means the worked example's.
        inputs: (i1, i2).
        targets: the targets of o1 and o2.
        fwd: the forward pass, if already computed (it must belong to ``net``,
            ``inputs`` and ``targets``); computed here otherwise.

    Returns:
        ``Gradients``, with every chain-rule factor named (see its docstring).
    """
    net = _check_net(net)
    if fwd is None:
        fwd = forward(net, inputs, targets)
    else:
        check_instance("fwd", fwd, Forward, "a Forward (from forward()) or None")
    s = fwd

    # output layer: one path from E to each output weight
    dE_dout_o1 = s.out_o1 - s.target_o1  # d/dout of 1/2 (target - out)^2
    dout_o1_dnet_o1 = s.out_o1 * (1.0 - s.out_o1)
    delta_o1 = dE_dout_o1 * dout_o1_dnet_o1
    dE_dout_o2 = s.out_o2 - s.target_o2
    dout_o2_dnet_o2 = s.out_o2 * (1.0 - s.out_o2)
    delta_o2 = dE_dout_o2 * dout_o2_dnet_o2

    dnet_o1_dw5, dnet_o1_dw6 = s.out_h1, s.out_h2
    dnet_o2_dw7, dnet_o2_dw8 = s.out_h1, s.out_h2
    dE_dw5 = delta_o1 * dnet_o1_dw5
    dE_dw6 = delta_o1 * dnet_o1_dw6
    dE_dw7 = delta_o2 * dnet_o2_dw7
    dE_dw8 = delta_o2 * dnet_o2_dw8
    dE_db2 = delta_o1 + delta_o2  # b2 feeds both outputs, dnet_ok/db2 = 1

    # hidden layer: out_h1 reaches E through o1 (via w5) and through o2 (via w7)
    dEo1_dout_h1 = delta_o1 * net.w5
    dEo2_dout_h1 = delta_o2 * net.w7
    dE_dout_h1 = dEo1_dout_h1 + dEo2_dout_h1
    dout_h1_dnet_h1 = s.out_h1 * (1.0 - s.out_h1)
    delta_h1 = dE_dout_h1 * dout_h1_dnet_h1

    dEo1_dout_h2 = delta_o1 * net.w6
    dEo2_dout_h2 = delta_o2 * net.w8
    dE_dout_h2 = dEo1_dout_h2 + dEo2_dout_h2
    dout_h2_dnet_h2 = s.out_h2 * (1.0 - s.out_h2)
    delta_h2 = dE_dout_h2 * dout_h2_dnet_h2

    dnet_h1_dw1, dnet_h1_dw2 = s.i1, s.i2
    dnet_h2_dw3, dnet_h2_dw4 = s.i1, s.i2
    dE_dw1 = delta_h1 * dnet_h1_dw1
    dE_dw2 = delta_h1 * dnet_h1_dw2
    dE_dw3 = delta_h2 * dnet_h2_dw3
    dE_dw4 = delta_h2 * dnet_h2_dw4
    dE_db1 = delta_h1 + delta_h2  # b1 feeds both hidden units

    return Gradients(
        dE_dout_o1, dout_o1_dnet_o1, delta_o1, dE_dout_o2, dout_o2_dnet_o2, delta_o2,
        dnet_o1_dw5, dnet_o1_dw6, dnet_o2_dw7, dnet_o2_dw8,
        dEo1_dout_h1, dEo2_dout_h1, dE_dout_h1, dout_h1_dnet_h1, delta_h1,
        dEo1_dout_h2, dEo2_dout_h2, dE_dout_h2, dout_h2_dnet_h2, delta_h2,
        dnet_h1_dw1, dnet_h1_dw2, dnet_h2_dw3, dnet_h2_dw4,
        dE_dw1, dE_dw2, dE_dw3, dE_dw4, dE_dw5, dE_dw6, dE_dw7, dE_dw8, dE_db1, dE_db2,
    )  # fmt: skip


def update(
    net: TinyNetwork,
    grads: Gradients,
    lr: float = 0.5,
    *,
    update_biases: bool = False,
) -> TinyNetwork:
    """One gradient-descent step: w <- w - lr * dE/dw for every weight, all at once.

    All gradients come from the same backward pass, so the hidden weights are
    updated with the gradients computed at the old w5..w8.

    Args:
        net: the weights before the step.
        grads: ``backward(net, ...)``.
        lr: the learning rate, >= 0 (0.5 in the worked example).
        update_biases: also step b1 and b2. ``False`` by default, as in the
            worked example, where the biases stay at 0.35 and 0.60.

    Returns:
        A new ``TinyNetwork``.
    """
    net = _check_net(net, allow_none=False)
    check_instance("grads", grads, Gradients, "a Gradients (from backward())")
    lr = check_finite("lr", lr, 0)
    names = WEIGHT_NAMES + (BIAS_NAMES if update_biases else ())
    return replace(net, **{name: getattr(net, name) - lr * grads.of(name) for name in names})


def train_network(
    steps: int,
    lr: float = 0.5,
    net: TinyNetwork | None = None,
    inputs: Sequence[float] = INPUTS,
    targets: Sequence[float] = TARGETS,
    *,
    update_biases: bool = False,
) -> tuple[TinyNetwork, list[float]]:
    """Repeat forward, backward, update ``steps`` times on the one training example.

    Returns:
        ``(network, errors)``: the weights after ``steps`` updates and the list of
        ``steps + 1`` errors, where ``errors[k]`` is E_total after ``k`` updates
        (``errors[0]`` is the initial 0.298371109). ``errors[k - 1]`` is the error
        seen by the forward pass of step ``k``, before its update.
    """
    steps = check_int("steps", steps, 0)
    lr = check_finite("lr", lr, 0)
    net = _check_net(net)
    inputs = check_pair("inputs", inputs)
    targets = check_pair("targets", targets)

    errors = []
    for _ in range(steps):
        fwd = forward(net, inputs, targets)
        errors.append(fwd.E_total)
        net = update(net, backward(net, inputs, targets, fwd=fwd), lr, update_biases=update_biases)
    errors.append(forward(net, inputs, targets).E_total)
    return net, errors


def train(
    steps: int,
    lr: float = 0.5,
    net: TinyNetwork | None = None,
    inputs: Sequence[float] = INPUTS,
    targets: Sequence[float] = TARGETS,
    *,
    update_biases: bool = False,
) -> list[float]:
    """The error history of ``steps`` gradient steps: ``steps + 1`` values of E_total.

    ``errors[0]`` is the error before training and ``errors[k]`` the error after
    ``k`` updates. With the worked example's defaults, ``errors[9999]`` (the error
    the 10,000th forward pass sees) is 3.51085e-05, the published figure, and
    ``errors[10000]`` (after the 10,000th update) is 3.51019e-05.

    Example:
        >>> errors = train(1000)
        >>> len(errors), errors[0] > errors[-1]
        (1001, True)
    """
    return train_network(steps, lr, net, inputs, targets, update_biases=update_biases)[1]


def _check_net(net: Any, allow_none: bool = True) -> TinyNetwork:
    if net is None and allow_none:
        return TinyNetwork()
    return check_instance("net", net, TinyNetwork, "a TinyNetwork")
