"""Figures of the backpropagation lesson: a computation graph, the 2-2-2 network, its training.

Every function draws on the axes it is given (or on new pyplot axes when
``ax`` is None) and returns them.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from lrcourse._checks import check_series
from lrcourse.lessons.backprop import Forward, Gradients, SigmoidChain, TinyNetwork, train
from lrcourse.plots._base import new_axes

__all__ = [
    "plot_network",
    "plot_sigmoid_graph",
    "plot_training_error",
    "REFERENCE_LR",
    "training_figure",
]

_FORWARD = "#2ca02c"  # forward values
_BACKWARD = "#d62728"  # gradients
_BOX = {"boxstyle": "round,pad=0.35", "fc": "white", "ec": "0.3"}


def _arrow(ax: Axes, start: tuple[float, float], end: tuple[float, float], **kw) -> None:
    ax.annotate("", end, start, arrowprops={"arrowstyle": "-|>", "color": "0.35",
                                            "shrinkA": 24, "shrinkB": 24, **kw})


def plot_sigmoid_graph(chain: SigmoidChain, ax: Axes | None = None) -> Axes:
    """The computation graph of f = 1 / (exp(-(w*x + b)) + 1), one box per operation.

    Above each box: its forward value (green). Below: the gradient df/d(node)
    (red). On each arrow: the local derivative of the node it enters with
    respect to the node it leaves; the gradient of a node is the gradient of
    the node after it times that number.
    """
    ax = new_axes(ax)
    main = [("a", "a = w·x", chain.a), ("c", "c = a + b", chain.c), ("d", "d = −c", chain.d),
            ("e", "e = exp(d)", chain.e), ("g", "g = e + 1", chain.g), ("f", "f = 1 / g", chain.f)]
    grads = {"a": chain.grad_a, "c": chain.grad_c, "d": chain.grad_d, "e": chain.grad_e,
             "g": chain.grad_g, "f": chain.grad_f, "x": chain.grad_x, "w": chain.grad_w,
             "b": chain.grad_b}  # fmt: skip
    pos = {name: (1.4 * (k + 1), 0.0) for k, (name, _, _) in enumerate(main)}
    pos.update({"w": (0.0, 0.9), "x": (0.0, -0.9), "b": (1.4, -1.5)})
    inputs = [("w", "w", chain.w), ("x", "x", chain.x), ("b", "b", chain.b)]
    for name, text, value in main + inputs:
        px, py = pos[name]
        ax.text(px, py, text, ha="center", va="center", fontsize=9, bbox=_BOX)
        ax.text(px, py + 0.32, f"{value + 0.0:.4g}", ha="center", color=_FORWARD, fontsize=9)
        ax.text(px, py - 0.42, f"∂f/∂{name} = {grads[name] + 0.0:.4g}", ha="center",
                color=_BACKWARD, fontsize=8)
    edges = [("w", "a", chain.da_dw, "∂a/∂w"), ("x", "a", chain.da_dx, "∂a/∂x"),
             ("a", "c", chain.dc_da, "∂c/∂a"), ("b", "c", chain.dc_db, "∂c/∂b"),
             ("c", "d", chain.dd_dc, "∂d/∂c"), ("d", "e", chain.de_dd, "∂e/∂d"),
             ("e", "g", chain.dg_de, "∂g/∂e"), ("g", "f", chain.df_dg, "∂f/∂g")]  # fmt: skip
    for src, dst, local, label in edges:
        (x0, y0), (x1, y1) = pos[src], pos[dst]
        _arrow(ax, (x0, y0), (x1, y1))
        ax.text((x0 + x1) / 2, (y0 + y1) / 2 + 0.12, f"{label}\n{local + 0.0:.4g}",
                ha="center", va="bottom", fontsize=7, color="0.25")
    ax.plot([], [], "s", color=_FORWARD, label="forward value")
    ax.plot([], [], "s", color=_BACKWARD, label="gradient ∂f/∂node (backward)")
    ax.plot([], [], "s", color="0.25", label="local derivative (on the arrow)")
    ax.set_xlim(-0.7, 9.1)
    ax.set_ylim(-2.2, 1.7)
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    ax.set_xlabel("forward pass: left to right; backward pass: right to left")
    ax.set_ylabel("")
    ax.set_title(f"f(x; w, b) = 1 / (exp(−(wx + b)) + 1) at x = {chain.x:g}, "
                 f"w = {chain.w:g}, b = {chain.b:g}")
    ax.legend(fontsize="small", loc="upper right", ncol=3)
    return ax


def plot_network(
    net: TinyNetwork,
    fwd: Forward | None = None,
    grads: Gradients | None = None,
    ax: Axes | None = None,
) -> Axes:
    """The 2-2-2 network: units as circles, each weight on its connection.

    With ``fwd``, each unit shows its output; with ``grads``, each weight also
    shows dE/dw (red).
    """
    ax = new_axes(ax)
    pos = {"i1": (0.0, 1.0), "i2": (0.0, 0.0), "h1": (1.0, 1.0), "h2": (1.0, 0.0),
           "o1": (2.0, 1.0), "o2": (2.0, 0.0), "b1": (0.5, -0.65), "b2": (1.5, -0.65)}
    weights = [("w1", "i1", "h1"), ("w2", "i2", "h1"), ("w3", "i1", "h2"), ("w4", "i2", "h2"),
               ("w5", "h1", "o1"), ("w6", "h2", "o1"), ("w7", "h1", "o2"), ("w8", "h2", "o2")]
    values = net.as_dict()
    for name, src, dst in weights:
        (x0, y0), (x1, y1) = pos[src], pos[dst]
        ax.plot([x0, x1], [y0, y1], color="0.6", lw=1, zorder=1)
        # a third of the way along: the labels of crossing connections stay apart
        lx, ly = x0 + (x1 - x0) / 3, y0 + (y1 - y0) / 3
        text = f"{name} = {values[name]:.4g}"
        if grads is not None:
            text += f"\n∂E/∂{name} = {grads.of(name):.3g}"
        ax.text(lx, ly + 0.05, text, ha="center", va="bottom", fontsize=7,
                color=_BACKWARD if grads is not None else "0.2")
    for bias, units in (("b1", ("h1", "h2")), ("b2", ("o1", "o2"))):
        for unit in units:
            (x0, y0), (x1, y1) = pos[bias], pos[unit]
            ax.plot([x0, x1], [y0, y1], color="0.8", lw=0.8, ls="--", zorder=1)
        ax.text(*pos[bias], f"{bias} = {values[bias]:g}", ha="center", va="center", fontsize=8,
                bbox={**_BOX, "ec": "0.6"})
    outs = {}
    if fwd is not None:
        outs = {"i1": fwd.i1, "i2": fwd.i2, "h1": fwd.out_h1, "h2": fwd.out_h2,
                "o1": fwd.out_o1, "o2": fwd.out_o2}
    for unit in ("i1", "i2", "h1", "h2", "o1", "o2"):
        x, y = pos[unit]
        ax.scatter([x], [y], s=900, color="white", edgecolors="0.3", zorder=2)
        ax.text(x, y, unit, ha="center", va="center", fontsize=9, zorder=3)
        if unit in outs:
            ax.text(x, y + 0.17, f"{outs[unit]:.4g}", ha="center", color=_FORWARD, fontsize=8)
    if fwd is not None:
        for unit, target in (("o1", fwd.target_o1), ("o2", fwd.target_o2)):
            x, y = pos[unit]
            ax.text(x + 0.17, y, f"target {target:g}", va="center", fontsize=8)
    ax.plot([], [], "o", color=_FORWARD, label="unit output (forward)")
    if grads is not None:
        ax.plot([], [], "s", color=_BACKWARD, label="weight and its gradient")
    ax.set_xlim(-0.35, 2.6)
    ax.set_ylim(-0.9, 1.45)
    ax.set_xticks([0, 1, 2], ["inputs", "hidden layer (sigmoid)", "outputs (sigmoid)"])
    ax.set_yticks([])
    ax.grid(False)
    ax.set_xlabel("layer")
    ax.set_title("The 2-2-2 network of the worked example")
    ax.legend(fontsize="small", loc="upper left", ncol=2)
    return ax


def plot_training_error(
    errors: Sequence[float], ax: Axes | None = None, lr: float | None = None
) -> Axes:
    """E_total against the number of updates, on a log scale (``errors[k]`` after k updates)."""
    check_series("errors", errors, 2)
    ax = new_axes(ax)
    steps = np.arange(len(errors))
    label = "E_total" + (f", lr = {lr:g}" if lr is not None else "")
    ax.plot(steps, errors, color="tab:blue", lw=1.5, label=label)
    ax.plot([steps[-1]], [errors[-1]], "o", color=_BACKWARD,
            label=f"after {steps[-1]:,} updates: {errors[-1]:.4g}")
    ax.set_yscale("log")
    ax.set_xlabel("updates")
    ax.set_ylabel("total error E_total (log scale)")
    ax.set_title("Training the 2-2-2 network on its one example")
    ax.legend(fontsize="small")
    return ax


#: The worked example's settings, drawn in grey for comparison.
REFERENCE_LR = 0.5



def training_figure(lr: float, steps: int, update_biases: bool = False) -> tuple[Figure, str]:
    """The error of the 2-2-2 network over ``steps`` updates at rate ``lr``.

    The worked example's run (lr = 0.5, biases fixed) is drawn in grey behind it.

    Example:
        >>> training_figure(0.5, 10_000)[1]
        'lr = 0.5, biases fixed: E_total 0.298371 → 3.51019e-05 after 10,000 updates'
    """
    errors = train(steps, lr=lr, update_biases=update_biases)
    fig = Figure(figsize=(7.0, 3.6))
    ax = fig.subplots()
    reference = train(steps, lr=REFERENCE_LR)
    ax.plot(range(len(reference)), reference, color="0.7", lw=3,
            label=f"worked example: lr = {REFERENCE_LR:g}, biases fixed")
    plot_training_error(errors, ax, lr=lr)
    ax.lines[1].set_label(f"lr = {lr:g}, biases {'trained' if update_biases else 'fixed'}")
    ax.legend(fontsize="small")
    fig.tight_layout()
    text = (
        f"lr = {lr:g}, biases {'trained' if update_biases else 'fixed'}: "
        f"E_total {errors[0]:.6f} → {errors[-1]:.6g} after {steps:,} updates"
    )
    return fig, text
