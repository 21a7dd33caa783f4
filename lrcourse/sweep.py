"""Many trainings at once: one small model, many learning rates and optimizers.

The study this module follows trained one small CNN hundreds of times, one run
after another, to see which learning rates train it at all. Here the runs
happen side by side: ``n`` copies of the model ("members") live in one tensor
of shape ``(n, P)`` (one row of ``P`` weights per member), one forward pass
computes all their losses on the same batch, one backward pass gives every
member its own gradient, and the optimizer updates are tensor operations
that take one learning rate per row. Everything else is shared: the initial
weights, the batches, the number of steps. Only the learning rate and the
optimizer differ, so any difference in the results comes from them.

A member stops costing compute as soon as it is done: when it reaches the
target training accuracy, or when it diverges (its loss becomes NaN, infinite,
or ``divergence_factor`` times the initial loss). Its row is then removed from
every tensor.

The six optimizer families, with PyTorch's update rules and defaults
(``g`` the gradient, ``eta`` the learning rate, all operations per weight):

==============  ==================================================================
``"sgd"``       ``w <- w - eta * g``
``"momentum"``  ``b <- mu * b + g`` (``b_1 = g_1``); ``w <- w - eta * b``; mu = 0.9
``"adagrad"``   ``s <- s + g^2``; ``w <- w - eta_t * g / (sqrt(s) + eps)``,
                ``eta_t = eta / (1 + (t - 1) * lr_decay)``; eps = 1e-10
``"adadelta"``  ``v <- rho v + (1 - rho) g^2``;
                ``d = sqrt(u + eps) / sqrt(v + eps) * g``;
                ``u <- rho u + (1 - rho) d^2``; ``w <- w - eta * d``; rho = 0.9, eps = 1e-6
``"rmsprop"``   ``v <- alpha v + (1 - alpha) g^2``; ``w <- w - eta * g / (sqrt(v) + eps)``;
                alpha = 0.99, eps = 1e-8 (``TF_RMSPROP`` gives TensorFlow's old
                decay 0.9 and eps 1e-10)
``"adam"``      ``m <- beta1 m + (1 - beta1) g``; ``v <- beta2 v + (1 - beta2) g^2``;
                ``w <- w - eta / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)``;
                betas = (0.9, 0.999), eps = 1e-8
==============  ==================================================================

Example:
    >>> import torch
    >>> from lrcourse.models import digits_cnn
    >>> x, y = torch.randn(256, 1, 8, 8), torch.randint(0, 10, (256,))
    >>> result = train_many(lambda: digits_cnn(seed=0), grid_members(["sgd", "adam"], [0.01, 0.1]),
    ...                     x, y, max_steps=20, progress=False)
    >>> len(result.rows)
    4
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import torch
import torch.nn.functional as F
from torch import nn

from lrcourse._checks import (
    check_bool,
    check_choice,
    check_finite,
    check_int,
    check_positive,
    check_range,
    check_seed,
    shown,
)

__all__ = [
    "DEFAULTS",
    "OPTIMIZERS",
    "TF_RMSPROP",
    "History",
    "Member",
    "PBTResult",
    "Run",
    "SweepResult",
    "epoch_batches",
    "exploit_explore",
    "grid_members",
    "grid_vs_pbt",
    "pbt",
    "stacked_forward",
    "train_many",
]

#: The optimizer families, in the order the study lists them.
OPTIMIZERS = ("sgd", "momentum", "adagrad", "adadelta", "rmsprop", "adam")

#: PyTorch's default hyper-parameters of each family (the learning rate aside).
DEFAULTS: dict[str, dict[str, Any]] = {
    "sgd": {},
    "momentum": {"momentum": 0.9},
    "adagrad": {"lr_decay": 0.0, "eps": 1e-10, "initial_accumulator_value": 0.0},
    "adadelta": {"rho": 0.9, "eps": 1e-6},
    "rmsprop": {"alpha": 0.99, "eps": 1e-8},
    "adam": {"betas": (0.9, 0.999), "eps": 1e-8},
}

#: TensorFlow 1's RMSProp defaults (decay 0.9, epsilon 1e-10), the setting the
#: study found hard to train with: ``Member("rmsprop", 1e-3, **TF_RMSPROP)``.
#: Only the numbers change; the update stays PyTorch's.
TF_RMSPROP: dict[str, float] = {"alpha": 0.9, "eps": 1e-10}

_UNIT = {"momentum", "rho", "alpha"}  # hyper-parameters that must lie in [0, 1)


class Member:
    """One training of the sweep: an optimizer family, a learning rate, hyper-parameters.

    Hyper-parameters not given take PyTorch's defaults (``DEFAULTS``); names
    and meaning follow ``torch.optim`` (``momentum``; ``lr_decay``, ``eps``,
    ``initial_accumulator_value``; ``rho``; ``alpha``; ``betas``).

    Example:
        >>> Member("rmsprop", 1e-3, **TF_RMSPROP)
        Member('rmsprop', 0.001, alpha=0.9, eps=1e-10)
    """

    __slots__ = ("optimizer", "lr", "hyper")

    def __init__(self, optimizer: str, lr: float, **hyper: Any) -> None:
        optimizer = check_choice("optimizer", optimizer, OPTIMIZERS)
        lr = check_positive("lr", lr)
        allowed = DEFAULTS[optimizer]
        checked = {}
        for name, value in hyper.items():
            if name not in allowed:
                raise ValueError(
                    f"hyper-parameter {name!r} is not one of {optimizer!r}'s "
                    f"{sorted(allowed)}, got {name}={value!r}"
                )
            checked[name] = _check_hyper(name, value)
        self.optimizer = optimizer
        self.lr = lr
        self.hyper = {**allowed, **checked}

    def __repr__(self) -> str:
        extra = "".join(
            f", {k}={v!r}" for k, v in self.hyper.items() if DEFAULTS[self.optimizer][k] != v
        )
        return f"Member({self.optimizer!r}, {self.lr!r}{extra})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Member) and (self.optimizer, self.lr, self.hyper) == (
            other.optimizer,
            other.lr,
            other.hyper,
        )

    def __hash__(self) -> int:
        return hash((self.optimizer, self.lr, tuple(sorted(self.hyper.items()))))

    def with_lr(self, lr: float) -> Member:
        """The same member with another learning rate."""
        return Member(self.optimizer, lr, **self.hyper)


def _check_hyper(name: str, value: Any) -> float | tuple[float, float]:
    if name == "betas":
        if not (isinstance(value, (tuple, list)) and len(value) == 2):
            raise ValueError(f"betas must be two numbers in [0, 1), got {shown(value)}")
        try:
            return tuple(check_range("betas", b, 0, 1, high_open=True) for b in value)
        except ValueError:
            raise ValueError(f"betas must be two numbers in [0, 1), got {shown(value)}") from None
    if name in _UNIT:
        return check_range(name, value, 0, 1, high_open=True)
    return check_finite(name, value, 0)


def grid_members(
    optimizers: Iterable[str],
    lrs: Iterable[float],
    hyper: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[Member]:
    """Every optimizer with every learning rate, optimizer by optimizer.

    ``hyper`` overrides hyper-parameters per family, e.g.
    ``grid_members(["rmsprop"], [1e-3], hyper={"rmsprop": TF_RMSPROP})``.

    Example:
        >>> grid_members(["sgd", "adam"], [0.1, 1.0])[1]
        Member('sgd', 1.0)
    """
    optimizers, lrs, hyper = list(optimizers), list(lrs), dict(hyper or {})
    if not optimizers:
        raise ValueError(f"optimizers must not be empty, got {shown(optimizers)}")
    if not lrs:
        raise ValueError(f"lrs must not be empty, got {shown(lrs)}")
    for name in hyper:
        if name not in OPTIMIZERS:
            raise ValueError(f"hyper keys must be optimizer names {OPTIMIZERS}, got {shown(name)}")
    return [Member(opt, lr, **hyper.get(opt, {})) for opt in optimizers for lr in lrs]


# ---------------------------------------------------------------------------
# The population: every per-member quantity is a tensor with one row per member.
# ---------------------------------------------------------------------------

# Each family keeps at most two buffers of the weights' shape; they share two
# slots "a" and "b" (a row belongs to one family, so the slots never clash).
_HYPER_COLUMNS = ("momentum", "lr_decay", "eps", "rho", "alpha", "beta1", "beta2")


def _hyper_row(member: Member) -> dict[str, float]:
    row = dict.fromkeys(_HYPER_COLUMNS, 0.0)
    for name, value in member.hyper.items():
        if name == "betas":
            row["beta1"], row["beta2"] = value
        elif name != "initial_accumulator_value":
            row[name] = value
    return row


class _Population:
    """Rows of members, grouped by optimizer family so each family is a slice."""

    def __init__(self, members: Sequence[Member], w0: torch.Tensor, dtype: torch.dtype) -> None:
        n = len(members)
        self.codes = torch.tensor([OPTIMIZERS.index(m.optimizer) for m in members])
        self.params = w0.to(dtype).unsqueeze(0).repeat(n, 1)
        col = {k: torch.tensor([[_hyper_row(m)[k]] for m in members], dtype=dtype)
               for k in _HYPER_COLUMNS}
        init = torch.tensor(
            [[m.hyper.get("initial_accumulator_value", 0.0)] for m in members], dtype=dtype
        )
        self.rows: dict[str, torch.Tensor] = {
            "lr": torch.tensor([[m.lr] for m in members], dtype=dtype),
            "step": torch.zeros(n, 1, dtype=dtype),
            "a": init.expand(n, w0.numel()).clone(),
            "b": torch.zeros(n, w0.numel(), dtype=dtype),
            **col,
        }
        self.ids = torch.arange(n)

    def __len__(self) -> int:
        return self.params.shape[0]

    def reindex(self, index: torch.Tensor, move_ids: bool = True) -> None:
        """Keep rows ``index`` (dropping members, copying members, reordering)."""
        self.params = self.params.index_select(0, index)
        self.codes = self.codes.index_select(0, index)
        self.rows = {k: v.index_select(0, index) for k, v in self.rows.items()}
        if move_ids:
            self.ids = self.ids.index_select(0, index)

    def sort_by_family(self) -> None:
        self.reindex(torch.argsort(self.codes, stable=True))

    def slices(self) -> Iterator[tuple[str, slice]]:
        counts = torch.bincount(self.codes, minlength=len(OPTIMIZERS)).tolist()
        start = 0
        for code, count in enumerate(counts):
            if count:
                yield OPTIMIZERS[code], slice(start, start + count)
            start += count


# ---------------------------------------------------------------------------
# The updates. ``w`` and ``g`` are (n, P) slices of one family; ``r`` holds that
# family's rows of every per-member tensor, the hyper-parameters as (n, 1)
# columns that broadcast over the P weights. Each line mirrors torch.optim's
# single-tensor implementation.
# ---------------------------------------------------------------------------


def _sgd(w: torch.Tensor, g: torch.Tensor, r: dict[str, torch.Tensor]) -> None:
    w.sub_(r["lr"] * g)  # w <- w - eta g


def _momentum(w: torch.Tensor, g: torch.Tensor, r: dict[str, torch.Tensor]) -> None:
    b = r["a"]
    b.mul_(r["momentum"]).add_(g)  # b <- mu b + g  (b starts at 0, so b_1 = g_1)
    w.sub_(r["lr"] * b)  # w <- w - eta b


def _adagrad(w: torch.Tensor, g: torch.Tensor, r: dict[str, torch.Tensor]) -> None:
    s, t = r["a"], r["step"]
    t.add_(1)
    lr_t = r["lr"] / (1 + (t - 1) * r["lr_decay"])  # eta_t = eta / (1 + (t - 1) decay)
    s.addcmul_(g, g)  # s <- s + g^2
    std = s.sqrt().add_(r["eps"])  # sqrt(s) + eps
    w.sub_(lr_t * (g / std))  # w <- w - eta_t g / (sqrt(s) + eps)


def _adadelta(w: torch.Tensor, g: torch.Tensor, r: dict[str, torch.Tensor]) -> None:
    v, u, rho, eps = r["a"], r["b"], r["rho"], r["eps"]
    v.mul_(rho).add_((1 - rho) * (g * g))  # v <- rho v + (1 - rho) g^2
    std = v.add(eps).sqrt_()  # sqrt(v + eps)
    d = u.add(eps).sqrt_().div_(std).mul_(g)  # d = sqrt(u + eps) / sqrt(v + eps) g
    u.mul_(rho).add_((1 - rho) * (d * d))  # u <- rho u + (1 - rho) d^2
    w.sub_(r["lr"] * d)  # w <- w - eta d


def _rmsprop(w: torch.Tensor, g: torch.Tensor, r: dict[str, torch.Tensor]) -> None:
    v, alpha = r["a"], r["alpha"]
    v.mul_(alpha).add_((1 - alpha) * (g * g))  # v <- alpha v + (1 - alpha) g^2
    avg = v.sqrt().add_(r["eps"])  # sqrt(v) + eps
    w.sub_(r["lr"] * (g / avg))  # w <- w - eta g / (sqrt(v) + eps)


def _adam(w: torch.Tensor, g: torch.Tensor, r: dict[str, torch.Tensor]) -> None:
    m, v, t, beta1, beta2 = r["a"], r["b"], r["step"], r["beta1"], r["beta2"]
    t.add_(1)
    m.lerp_(g, (1 - beta1).expand_as(m))  # m <- beta1 m + (1 - beta1) g
    v.mul_(beta2).add_((1 - beta2) * (g * g))  # v <- beta2 v + (1 - beta2) g^2
    step_size = r["lr"] / (1 - beta1**t)  # eta / (1 - beta1^t)
    denom = (v.sqrt() / (1 - beta2**t).sqrt()).add_(r["eps"])  # sqrt(v_hat) + eps
    w.sub_(step_size * (m / denom))  # w <- w - eta m_hat / (sqrt(v_hat) + eps)


_UPDATES: dict[str, Callable[..., None]] = {
    "sgd": _sgd,
    "momentum": _momentum,
    "adagrad": _adagrad,
    "adadelta": _adadelta,
    "rmsprop": _rmsprop,
    "adam": _adam,
}


def _update(pop: _Population, grad: torch.Tensor) -> None:
    with torch.no_grad():
        for family, rows in pop.slices():
            r = {k: v[rows] for k, v in pop.rows.items()}
            _UPDATES[family](pop.params[rows], grad[rows], r)


def _train_step(pop: _Population, forward: Callable, xb: torch.Tensor,
                yb: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """One step for every member: forward, backward of the summed losses, updates.

    The members' losses depend on disjoint weights, so the gradient of their
    sum with respect to member i's row is the gradient of member i's loss.
    """
    w = pop.params.requires_grad_(True)
    parts = forward.split(w) if hasattr(forward, "on_parts") else []
    if parts:
        logits = forward.on_parts(parts, xb, len(w))
    else:
        parts, logits = [w], forward(w, xb)
    losses = _member_losses(logits, yb)
    grads = torch.autograd.grad(losses.sum(), parts)
    grad = torch.cat([g.reshape(len(w), -1) for g in grads], 1) if len(grads) > 1 else grads[0]
    w.requires_grad_(False)
    _update(pop, grad)
    return logits.detach(), losses.detach()


# ---------------------------------------------------------------------------
# The forward pass of n members at once.
# ---------------------------------------------------------------------------

_ELEMENTWISE = (nn.ReLU, nn.Tanh, nn.Sigmoid)


def _fast_layers(model: nn.Module) -> list[nn.Module] | None:
    """The layers of ``model`` if the stacked forward supports them, else None."""
    if not isinstance(model, nn.Sequential) or any(True for _ in model.buffers()):
        return None
    layers = list(model)
    for layer in layers:
        if isinstance(layer, nn.Conv2d):
            if (layer.groups != 1 or layer.dilation != (1, 1) or layer.stride != (1, 1)
                    or layer.padding_mode != "zeros" or isinstance(layer.padding, str)):
                return None
        elif isinstance(layer, nn.MaxPool2d):
            if layer.padding not in (0, (0, 0)) or layer.dilation not in (1, (1, 1)):
                return None
        elif not isinstance(layer, (nn.Linear, nn.Flatten, *_ELEMENTWISE)):
            return None
        if isinstance(layer, nn.Flatten) and (layer.start_dim, layer.end_dim) != (1, -1):
            return None
    # relu(max_pool(h)) == max_pool(relu(h)) exactly (relu is monotone), and the
    # pool-first order applies relu to a four times smaller tensor.
    for i in range(len(layers) - 1):
        if isinstance(layers[i], nn.ReLU) and isinstance(layers[i + 1], nn.MaxPool2d):
            layers[i], layers[i + 1] = layers[i + 1], layers[i]
    return layers


def stacked_forward(
    model: nn.Module, engine: str = "auto"
) -> Callable[[torch.Tensor, torch.Tensor], torch.Tensor]:
    """A function ``f(weights, x)`` giving the outputs of many copies of ``model`` at once.

    ``weights`` is ``(n, P)``: row ``i`` holds member ``i``'s parameters in the
    order of ``model.parameters()``, flattened; ``x`` is one batch shared by all
    members; the result is ``(n, batch, outputs)``, row ``i`` equal to ``model``
    with member ``i``'s weights applied to ``x``.

    Engines: ``"grouped"`` runs a ``Sequential`` of ``Conv2d``, ``Linear``,
    ``MaxPool2d``, ``Flatten`` and ReLU/Tanh/Sigmoid layers as one wide network:
    the first convolution of the shared input is one matrix product for all
    members (with the max-pool after it, a block of members at a time),
    later convolutions are grouped convolutions (``groups=n``, member ``i``'s
    channels in group ``i``, channels-last), dense layers are batched matrix
    products.
    ``"vmap"`` works for any model without buffers (``torch.func.vmap`` over
    ``functional_call``). ``"auto"`` picks ``"grouped"`` when the model allows.
    """
    if engine not in ("auto", "grouped", "vmap"):
        raise ValueError(f"engine must be 'auto', 'grouped' or 'vmap', got {shown(engine)}")
    if any(True for _ in model.buffers()):
        raise ValueError("model must have no buffers (batch norm cannot be trained "
                         f"member by member here), got {type(model).__name__}")
    shapes = [(name, p.shape, p.numel()) for name, p in model.named_parameters()]
    offsets = [0]
    for _, _, numel in shapes:
        offsets.append(offsets[-1] + numel)

    def unflatten(w: torch.Tensor) -> list[torch.Tensor]:
        lead = w.shape[:-1]
        return [w[..., o:o + k].view(*lead, *shape)
                for (_, shape, k), o in zip(shapes, offsets, strict=False)]

    layers = _fast_layers(model)
    if engine == "grouped" and layers is None:
        raise ValueError("engine 'grouped' needs a Sequential of Conv2d, Linear, MaxPool2d, "
                         f"Flatten and ReLU/Tanh/Sigmoid layers, got {shown(model)}")
    if engine == "vmap" or layers is None:
        from torch.func import functional_call, vmap

        names = [name for name, _, _ in shapes]

        def one(w: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
            return functional_call(model, dict(zip(names, unflatten(w), strict=True)), (x,))

        batched = vmap(one, in_dims=(0, None))
        return lambda w, x: batched(w, x)

    def forward_parts(parts: list[torch.Tensor], x: torch.Tensor, n: int) -> torch.Tensor:
        params = iter(parts)
        h, shared = x, True  # shared: h is (B, ...) for everyone; else stacked
        skip = False
        hwc = None  # (C, H, W) while h's features are flattened in (H, W, C) order
        for i, layer in enumerate(layers):
            if skip:  # the pooling already done with the convolution before it
                skip = False
                continue
            if isinstance(layer, nn.Conv2d):
                weight, bias = next(params), next(params) if layer.bias is not None else None
                pool = layers[i + 1] if i + 1 < len(layers) else None
                if shared and isinstance(pool, nn.MaxPool2d):
                    h = _shared_conv_pool(h, weight, bias, layer, pool)
                    skip = True
                else:
                    h = _conv(h, weight, bias, layer, n, shared)
                shared = False
            elif isinstance(layer, nn.Linear):
                weight, bias = next(params), next(params) if layer.bias is not None else None
                if hwc is not None:  # the weight's columns in the features' (H, W, C) order
                    weight = weight.view(n, -1, *hwc).permute(0, 1, 3, 4, 2).reshape(n, -1, h.shape[-1])
                    hwc = None
                if shared:  # (B, F): one product for everyone
                    out = h @ weight.reshape(-1, weight.shape[-1]).t()
                    h = out.view(h.shape[0], n, -1).transpose(0, 1)
                    h = h if bias is None else h + bias.unsqueeze(1)
                elif bias is None:
                    h = torch.bmm(h, weight.transpose(1, 2))
                else:  # (n, B, F) x (n, F, out)
                    h = torch.baddbmm(bias.unsqueeze(1), h, weight.transpose(1, 2))
                shared = False
            elif isinstance(layer, nn.Flatten):
                if h.dim() == 4 and not shared:  # (B, n*C, H, W) -> (n, B, H*W*C)
                    hwc = (h.shape[1] // n, *h.shape[2:])
                    h = _unstack_hwc(h, n)
                else:
                    h = h.flatten(1)
            else:  # pooling and elementwise layers act on any layout
                h = layer(h)
        if shared:  # a model without weights: every member gives the same answer
            h = h.unsqueeze(0).expand(n, *h.shape)
        elif h.dim() == 4:
            hwc = (h.shape[1] // n, *h.shape[2:])
            h = _unstack_hwc(h, n)
        if hwc is not None:  # PyTorch's flatten order (C, H, W)
            c, height, width = hwc
            h = h.view(n, -1, height, width, c).permute(0, 1, 4, 2, 3).reshape(n, h.shape[1], -1)
        return h

    def forward_blocks(parts: list[torch.Tensor], x: torch.Tensor, n: int) -> torch.Tensor:
        block = _MEMBER_BLOCK
        if n <= block:
            return forward_parts(parts, x, n)
        return torch.cat([forward_parts([p[i:i + block] for p in parts], x, min(block, n - i))
                          for i in range(0, n, block)])

    def forward(w: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        return forward_blocks(unflatten(w), x, w.shape[0])

    # For training: the gradients of the parameter views one by one, then one
    # concatenation, cost less than the gradient of w itself (autograd would
    # fill a zero (n, P) tensor per view and add them up).
    forward.split = unflatten  # type: ignore[attr-defined]
    forward.on_parts = forward_blocks  # type: ignore[attr-defined]
    return forward


#: Members per block of the forward pass: each block's activations and
#: gradients stay small enough for the caches (and for malloc to reuse their
#: memory rather than map fresh pages every step).
_MEMBER_BLOCK = 96


def _unstack_hwc(h: torch.Tensor, n: int) -> torch.Tensor:
    """(B, n*C, H, W), member i's channels in block i -> (n, B, H*W*C), features in (H, W, C) order.

    From the channels-last layout this copy reads runs of C contiguous values;
    PyTorch's (C, H, W) order would read them one by one (many times slower).
    The next dense layer takes its weight's columns in the same order instead.
    """
    b, _, height, width = h.shape
    h = h.permute(0, 2, 3, 1).reshape(b, height, width, n, -1)
    return h.permute(3, 0, 1, 2, 4).reshape(n, b, -1)


def _conv(h: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None,
          layer: nn.Conv2d, n: int, shared: bool) -> torch.Tensor:
    c_out, c_in, kh, kw = weight.shape[1:]
    if shared:
        return _shared_conv(_shared_cols(h, layer), weight, bias)
    # Channels-last: the grouped convolution and the pooling after it run
    # vectorised over channels, and the shared convolution's output is already so.
    cl = torch.channels_last
    return F.conv2d(
        h.contiguous(memory_format=cl),
        weight.reshape(n * c_out, c_in, kh, kw).contiguous(memory_format=cl),
        None if bias is None else bias.reshape(-1),
        padding=layer.padding,
        groups=n,
    )


def _shared_cols(x: torch.Tensor, layer: nn.Conv2d) -> torch.Tensor:
    """The patches of a shared input, (B, out_h, out_w, C*kh*kw), in ``F.unfold``'s order."""
    b, _, height, width = x.shape
    (kh, kw), (ph, pw) = layer.kernel_size, layer.padding
    out_h, out_w = height + 2 * ph - kh + 1, width + 2 * pw - kw + 1
    cols = F.unfold(x, (kh, kw), padding=(ph, pw))  # (B, C*kh*kw, out_h*out_w)
    return cols.transpose(1, 2).reshape(b, out_h, out_w, -1)


def _shared_conv(cols: torch.Tensor, weight: torch.Tensor,
                 bias: torch.Tensor | None) -> torch.Tensor:
    """Every member's convolution of one shared input, as one matrix product.

    ``cols`` (B, H, W, C*k*k) are the input's patches (``_shared_cols``),
    ``weight`` (n, c_out, C, k, k): (B*H*W, C*k*k) x (C*k*k, n*c_out). Returns
    (B, n*c_out, H, W) in channels-last order, member i's channels in block i.
    """
    b, height, width, k = cols.shape
    n_out = weight.shape[0] * weight.shape[1]
    # A contiguous (C*k*k, n*c_out) right factor: autograd then computes the
    # weight gradient as cols^T @ grad, several times faster than grad^T @ cols.
    flat_w = weight.reshape(n_out, k).t().contiguous()
    cols = cols.reshape(-1, k)
    out = cols @ flat_w if bias is None else torch.addmm(bias.reshape(-1), cols, flat_w)
    return out.view(b, height, width, n_out).permute(0, 3, 1, 2)


#: Block size of ``_shared_conv_pool``, in bytes of a block's convolution output.
_POOL_BLOCK_BYTES = 1 << 22


def _shared_conv_pool(x: torch.Tensor, weight: torch.Tensor, bias: torch.Tensor | None,
                      layer: nn.Conv2d, pool: nn.Module) -> torch.Tensor:
    """pool(conv2d(x)) for every member on a shared input x, a block of members at a time.

    The convolution output is the largest tensor of the whole forward pass
    (the pooling window times larger than what comes after it). Computed for
    all members at once it leaves the CPU's caches, and each step's fresh copy
    of it and of its gradient costs page faults; a block of members at a time,
    pooled at once, it does neither. Pooling acts channel by channel, so
    blocks change nothing in the numbers. Returns (B, n*c_out, H', W') in
    channels-last order.
    """
    n, c_out = weight.shape[:2]
    cols = _shared_cols(x, layer)
    per_member = cols[..., 0].numel() * c_out * cols.element_size()
    block = max(1, min(n, _POOL_BLOCK_BYTES // per_member))
    outs = [pool(_shared_conv(cols, weight[i:i + block],
                              None if bias is None else bias[i:i + block]))
            for i in range(0, n, block)]
    return outs[0] if len(outs) == 1 else torch.cat(outs, 1)


def _member_losses(logits: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """Mean cross-entropy of each member on the batch: (n, B, C), (B,) -> (n,)."""
    n, b, _ = logits.shape
    return F.cross_entropy(logits.permute(0, 2, 1), y.expand(n, b), reduction="none").mean(1)


#: Images times members per chunk of ``_evaluate``: chunks this small keep its
#: activations in the CPU's caches (512 images for 288 members took twice as long).
_EVAL_CHUNK = 1 << 13


def _evaluate(forward: Callable, w: torch.Tensor, x: torch.Tensor, y: torch.Tensor,
              chunk: int | None = None) -> tuple[torch.Tensor, torch.Tensor]:
    """Mean loss and accuracy of each member (rows of ``w``) on the whole set (x, y)."""
    n = w.shape[0]
    if chunk is None:
        chunk = min(512, max(16, _EVAL_CHUNK // max(1, n)))
    loss_sum = torch.zeros(n, dtype=torch.float64)
    correct = torch.zeros(n, dtype=torch.int64)
    with torch.no_grad():
        for start in range(0, x.shape[0], chunk):
            xb, yb = x[start:start + chunk], y[start:start + chunk]
            logits = forward(w, xb)
            loss_sum += _member_losses(logits, yb).double() * xb.shape[0]
            correct += (logits.argmax(-1) == yb).sum(1)
    return loss_sum / x.shape[0], correct.double() / x.shape[0]


def epoch_batches(n: int, batch_size: int, seed: int = 0) -> Iterator[torch.Tensor]:
    """Endless mini-batches of indices: each epoch a fresh shuffle, cut in order.

    Epoch ``e`` is ``torch.randperm(n, generator=g)`` (``g`` a generator seeded
    once with ``seed`` and drawn from epoch after epoch) split into chunks of
    ``batch_size``; the last chunk of an epoch may be smaller.

    Example:
        >>> [b.tolist() for b, _ in zip(epoch_batches(5, 2), range(3))]
        [[4, 0], [1, 3], [2]]
    """
    n = check_int("n", n, 1)
    batch_size = check_int("batch_size", batch_size, 1)
    g = torch.Generator().manual_seed(check_seed("seed", seed))

    def batches() -> Iterator[torch.Tensor]:
        while True:
            yield from torch.randperm(n, generator=g).split(batch_size)

    return batches()  # the arguments are checked now, not at the first batch


# ---------------------------------------------------------------------------
# Results.
# ---------------------------------------------------------------------------


@dataclass
class History:
    """A member's curves, recorded every ``record_every`` steps (step 0 included)."""

    step: list[int] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)  # on the whole training set
    train_accuracy: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)  # empty without x_val


@dataclass
class Run:
    """The outcome of one member of a sweep.

    ``steps`` is the step at which the training accuracy reached the target
    (None if it never did); ``seconds`` the wall time of the whole sweep when
    the member stopped (all members share the machine, so compare ``steps``);
    ``final_loss`` and ``train_accuracy`` are measured on the whole training
    set with the final weights, ``val_accuracy`` on the validation set.
    """

    optimizer: str
    lr: float
    status: str  # "reached", "diverged" or "capped"
    steps: int | None
    stopped_at: int
    seconds: float
    final_loss: float
    train_accuracy: float
    val_accuracy: float | None
    member: Member
    history: History | None = None


_COLUMNS = ("optimizer", "lr", "status", "steps", "final_loss", "train_accuracy", "val_accuracy")


def _fmt(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 1e-2 or abs(value) >= 1e3 else f"{value:.4f}"
    return str(value)


@dataclass
class SweepResult:
    """The table of a sweep: one ``Run`` per member, in the order the members were given."""

    rows: list[Run]
    seconds: float
    member_steps: int  # sum over members of the steps they trained (the compute spent)
    target_accuracy: float | None
    max_steps: int

    def column(self, name: str) -> list[Any]:
        """One column of the table as a list, e.g. ``result.column("steps")``."""
        if name not in Run.__dataclass_fields__:
            raise ValueError(f"name must be a field of Run, got {shown(name)}")
        return [getattr(row, name) for row in self.rows]

    def select(self, optimizer: str | None = None, status: str | None = None) -> list[Run]:
        """The rows of one optimizer and/or one status."""
        return [r for r in self.rows if optimizer in (None, r.optimizer)
                and status in (None, r.status)]

    def best(self) -> Run | None:
        """The member that reached the target in the fewest steps (ties: lowest loss)."""
        reached = self.select(status="reached")
        return min(reached, key=lambda r: (r.steps, r.final_loss)) if reached else None

    def table(self, markdown: bool = False, rows: Sequence[Run] | None = None) -> str:
        """The results as aligned text, or as a Markdown table."""
        body = [[_fmt(getattr(r, c)) for c in _COLUMNS] for r in (rows or self.rows)]
        if markdown:
            lines = ["| " + " | ".join(_COLUMNS) + " |", "|" + "---|" * len(_COLUMNS)]
            return "\n".join(lines + ["| " + " | ".join(b) + " |" for b in body])
        widths = [max(len(c), *(len(b[i]) for b in body)) for i, c in enumerate(_COLUMNS)]
        lines = ["  ".join(c.rjust(w) for c, w in zip(_COLUMNS, widths, strict=True))]
        lines += ["  ".join(v.rjust(w) for v, w in zip(b, widths, strict=True)) for b in body]
        return "\n".join(lines)

    def summary(self) -> str:
        """One line: how many members reached, diverged, hit the cap."""
        counts = {s: len(self.select(status=s)) for s in ("reached", "diverged", "capped")}
        return (f"{len(self.rows)} runs: {counts['reached']} reached, "
                f"{counts['diverged']} diverged, {counts['capped']} capped; "
                f"{self.member_steps} member-steps")

    def __str__(self) -> str:
        return self.table()

    def _repr_markdown_(self) -> str:
        return self.table(markdown=True)


# ---------------------------------------------------------------------------
# Argument checks shared by train_many and pbt.
# ---------------------------------------------------------------------------


def _check_data(x: Any, y: Any, xname: str, yname: str) -> None:
    if not isinstance(x, torch.Tensor) or not x.is_floating_point() or x.dim() < 2:
        raise ValueError(f"{xname} must be a floating-point tensor (N, ...), got {x!r:.60}")
    if not isinstance(y, torch.Tensor) or y.dim() != 1 or y.dtype != torch.int64:
        raise ValueError(f"{yname} must be a 1-D int64 tensor of labels, got {y!r:.60}")
    if x.shape[0] != y.shape[0] or x.shape[0] == 0:
        raise ValueError(f"{yname} must have one label per row of {xname} "
                         f"({x.shape[0]}), got {y.shape[0]} labels")
    finite = torch.isfinite(x).flatten(1).all(1)
    if not finite.all():
        row = int((~finite).nonzero()[0])
        raise ValueError(f"{xname} must hold finite numbers, got NaN or inf in row {row}")


def _classes(model: nn.Module, x: torch.Tensor) -> int:
    """How many class scores ``model`` gives for one row of ``x`` (checking that it fits)."""
    first = next(model.parameters(), None)
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            out = model(x[:1].to(first.dtype if first is not None else x.dtype))
    except (RuntimeError, ValueError) as error:
        raise ValueError(f"x_train must fit the model's input, got shape "
                         f"{tuple(x.shape)}: {error}") from None
    finally:
        model.train(was_training)
    if not (isinstance(out, torch.Tensor) and out.dim() == 2 and out.shape[1] >= 1):
        raise ValueError(f"model must give class scores (N, classes), got {out!r:.60}")
    return out.shape[1]


def _check_labels(y: torch.Tensor, yname: str, classes: int) -> None:
    bad = (y < 0) | (y >= classes)
    if bad.any():
        i = int(bad.nonzero()[0])
        raise ValueError(f"{yname} must hold class indices in [0, {classes - 1}] (the model "
                         f"gives {classes} scores), got {int(y[i])} at index {i}")


def _prepare(model: nn.Module | Callable[[], nn.Module], members: Any, x_train: Any,
             y_train: Any, x_val: Any, y_val: Any, batch_size: Any, seed: Any,
             dtype: Any, progress: Any) -> tuple[nn.Module, list[Member]]:
    if not isinstance(model, nn.Module):
        if not callable(model):
            raise ValueError(f"model must be an nn.Module or a function returning one, "
                             f"got {shown(model)}")
        model = model()
        if not isinstance(model, nn.Module):
            raise ValueError(f"model() must return an nn.Module, got {shown(model)}")
    members = list(members) if isinstance(members, Iterable) else members
    if not isinstance(members, list) or not members:
        raise ValueError(f"members must be a non-empty list of Member, got {shown(members)}")
    for m in members:
        if not isinstance(m, Member):
            raise ValueError(f"members must contain Member objects, got {shown(m)}")
    _check_data(x_train, y_train, "x_train", "y_train")
    if (x_val is None) != (y_val is None):
        raise ValueError(f"x_val and y_val must be given together, got x_val={x_val is not None}"
                         f" and y_val={y_val is not None}")
    if x_val is not None:
        _check_data(x_val, y_val, "x_val", "y_val")
    check_int("batch_size", batch_size, 1)
    check_seed("seed", seed)
    check_choice("dtype", dtype, (torch.float32, torch.float64))
    check_bool("progress", progress)
    classes = _classes(model, x_train)
    _check_labels(y_train, "y_train", classes)
    if y_val is not None:
        _check_labels(y_val, "y_val", classes)
    return model, members


def _progress(total: int, progress: bool, desc: str):
    from tqdm.auto import tqdm

    return tqdm(total=total, disable=not progress, desc=desc, leave=False)


# ---------------------------------------------------------------------------
# The sweep.
# ---------------------------------------------------------------------------


def train_many(
    model: nn.Module | Callable[[], nn.Module],
    members: Sequence[Member],
    x_train: torch.Tensor,
    y_train: torch.Tensor,
    x_val: torch.Tensor | None = None,
    y_val: torch.Tensor | None = None,
    *,
    batch_size: int = 64,
    target_accuracy: float | None = 0.97,
    max_steps: int = 1000,
    check_every: int = 10,
    divergence_factor: float = 10.0,
    record_every: int | None = None,
    seed: int = 0,
    dtype: torch.dtype = torch.float32,
    engine: str = "auto",
    progress: bool = True,
) -> SweepResult:
    """Train every member from the same initial weights on the same batches, all at once.

    Each step: one batch (``epoch_batches(len(x_train), batch_size, seed)``), the
    loss of every member, one backward pass, each member's own update. A
    member stops:

    - **reached** when its accuracy on the whole training set is at least
      ``target_accuracy``. Checking that for everyone at every step would cost
      more than the training, so a running estimate flags candidates: the
      accuracy on the last epoch's batches (each image once, predicted when its
      batch was trained on, free since the forward pass computed it). A member
      whose running accuracy is at the target is checked on the whole training
      set, at most once every ``check_every`` steps; ``steps`` is the step of
      the check that passed.
    - **diverged** when its batch loss is NaN, infinite or above
      ``divergence_factor`` times the initial training loss.
    - **capped** after ``max_steps`` steps.

    Stopped members are removed from the stacked tensors; the others go on
    with the same formulas they would have had anyway. In float64 the results
    agree with training each member alone (to about 1e-9); in float32 the
    batched convolutions may round differently when the population changes, so
    a member's numbers can differ in the last digits between two populations (a
    run with a fixed population is reproducible).

    Args:
        model: the network (its current weights are everyone's start), or a
            function that builds it (e.g. ``lambda: digits_cnn(seed=0)``).
        members: the trainings (see ``Member`` and ``grid_members``).
        x_train, y_train: the training images and int64 labels.
        x_val, y_val: optional validation set for ``val_accuracy``.
        batch_size: images per step.
        target_accuracy: in (0, 1]; None trains every member for ``max_steps``.
        max_steps: the step cap.
        check_every: minimum steps between two whole-set checks of one member.
        divergence_factor: loss blow-up factor that counts as divergence (> 1).
        record_every: record each member's ``History`` every this many steps
            (whole-set loss and accuracies; costs a forward pass of the sets).
        seed: seed of the batch order.
        dtype: torch.float32 (fast) or torch.float64 (for exact comparisons).
        engine: forward engine, see ``stacked_forward``.
        progress: show a progress bar.

    Returns:
        a ``SweepResult`` with one ``Run`` per member, in the given order.
    """
    model, members = _prepare(model, members, x_train, y_train, x_val, y_val,
                              batch_size, seed, dtype, progress)
    if target_accuracy is not None:
        check_range("target_accuracy", target_accuracy, 0, 1, low_open=True)
    max_steps = check_int("max_steps", max_steps, 1)
    check_every = check_int("check_every", check_every, 1)
    if record_every is not None:
        record_every = check_int("record_every", record_every, 1)
    divergence_factor = check_finite("divergence_factor", divergence_factor)
    if not divergence_factor > 1:
        raise ValueError(f"divergence_factor must be a finite number > 1, got {shown(divergence_factor)}")

    forward = stacked_forward(model, engine)
    x_train, y_train = x_train.to(dtype), y_train
    x_val = None if x_val is None else x_val.to(dtype)
    w0 = torch.cat([p.detach().reshape(-1) for p in model.parameters()])
    pop = _Population(members, w0, dtype)
    pop.sort_by_family()

    n_train = x_train.shape[0]
    per_epoch = math.ceil(n_train / batch_size)
    # Ring buffers of the last epoch's batch results, one column per batch.
    pop.rows["ring_correct"] = torch.zeros(len(pop), per_epoch, dtype=torch.float64)
    pop.rows["last_check"] = torch.full((len(pop), 1), -check_every, dtype=torch.int64)
    ring_size = torch.zeros(per_epoch, dtype=torch.float64)

    loss0, _ = _evaluate(forward, pop.params[:1], x_train, y_train)
    limit = divergence_factor * float(loss0[0])
    runs: list[Run | None] = [None] * len(members)
    histories = [History() for _ in members] if record_every else None
    member_steps = 0
    start = time.perf_counter()

    def record(step: int) -> None:
        loss, acc = _evaluate(forward, pop.params, x_train, y_train)
        val = _evaluate(forward, pop.params, x_val, y_val)[1] if x_val is not None else None
        for j, i in enumerate(pop.ids.tolist()):
            h = histories[i]
            h.step.append(step)
            h.loss.append(float(loss[j]))
            h.train_accuracy.append(float(acc[j]))
            if val is not None:
                h.val_accuracy.append(float(val[j]))

    def finish(rows: torch.Tensor, status: str, step: int) -> None:
        w = pop.params[rows]
        loss, acc = _evaluate(forward, w, x_train, y_train)
        val = _evaluate(forward, w, x_val, y_val)[1] if x_val is not None else None
        elapsed = time.perf_counter() - start
        for j, row in enumerate(rows.tolist()):
            i = int(pop.ids[row])
            runs[i] = Run(
                optimizer=members[i].optimizer, lr=members[i].lr, status=status,
                steps=step if status == "reached" else None, stopped_at=step,
                seconds=elapsed, final_loss=float(loss[j]), train_accuracy=float(acc[j]),
                val_accuracy=None if val is None else float(val[j]), member=members[i],
                history=None if histories is None else histories[i],
            )

    if histories is not None:
        record(0)
    batches = epoch_batches(n_train, batch_size, seed)
    bar = _progress(max_steps, progress, "sweep")
    for step in range(1, max_steps + 1):
        idx = next(batches)
        xb, yb = x_train[idx], y_train[idx]
        logits, losses = _train_step(pop, forward, xb, yb)
        member_steps += len(pop)

        col = (step - 1) % per_epoch
        with torch.no_grad():
            pop.rows["ring_correct"][:, col] = (logits.argmax(-1) == yb).sum(1).double()
        ring_size[col] = len(idx)

        if histories is not None and step % record_every == 0:
            record(step)
        stop = torch.zeros(len(pop), dtype=torch.bool)
        diverged = ~torch.isfinite(losses) | (losses > limit)
        if diverged.any():
            finish(diverged.nonzero().flatten(), "diverged", step)
            stop |= diverged
        if target_accuracy is not None and step >= per_epoch:
            running = pop.rows["ring_correct"].sum(1) / ring_size.sum()
            due = (step - pop.rows["last_check"][:, 0]) >= check_every
            candidates = ((running >= target_accuracy) & due & ~stop).nonzero().flatten()
            if len(candidates):
                pop.rows["last_check"][candidates] = step
                _, acc = _evaluate(forward, pop.params[candidates], x_train, y_train)
                done = candidates[acc >= target_accuracy]
                if len(done):
                    finish(done, "reached", step)
                    stop[done] = True
        if step == max_steps and not stop.all():
            finish((~stop).nonzero().flatten(), "capped", step)
            stop[:] = True
        if stop.any():
            pop.reindex((~stop).nonzero().flatten())
        bar.update(1)
        bar.set_postfix(active=len(pop), refresh=False)
        if len(pop) == 0:
            break
    bar.close()
    return SweepResult(rows=list(runs), seconds=time.perf_counter() - start,  # type: ignore[arg-type]
                       member_steps=member_steps, target_accuracy=target_accuracy,
                       max_steps=max_steps)


# ---------------------------------------------------------------------------
# Population-based training.
# ---------------------------------------------------------------------------


def exploit_explore(
    fitness: torch.Tensor,
    fraction: float = 0.2,
    factors: tuple[float, float] = (0.8, 1.2),
    generator: torch.Generator | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """One round of PBT's exploit and explore, as two vectors.

    The ``k = floor(fraction * n)`` members with the lowest fitness (exploit)
    each copy a member drawn at random from the ``k`` best; each copier then
    multiplies its learning rate by one of ``factors`` drawn at random
    (explore). The others keep their own weights and rate.

    Returns:
        ``source`` (n,): row ``i`` continues from member ``source[i]``;
        ``factor`` (n,): the rate multiplier of row ``i`` (1 for non-copiers).

    Example:
        >>> src, f = exploit_explore(torch.tensor([0.9, 0.1, 0.5, 0.7, 0.3]), 0.2)
        >>> src.tolist()
        [0, 0, 2, 3, 4]
    """
    if (not isinstance(fitness, torch.Tensor) or fitness.dim() != 1 or len(fitness) == 0
            or fitness.is_complex()):
        raise ValueError(f"fitness must be a non-empty 1-D tensor of numbers, got {shown(fitness)}")
    fraction = check_range("fraction", fraction, 0, 0.5, low_open=True)
    if not (isinstance(factors, tuple | list) and len(factors) == 2):
        raise ValueError(f"factors must be two finite numbers > 0, got {shown(factors)}")
    try:
        factors = tuple(check_positive("factors", f) for f in factors)
    except ValueError:
        raise ValueError(f"factors must be two finite numbers > 0, got {shown(factors)}") from None
    if generator is not None and not isinstance(generator, torch.Generator):
        raise ValueError(f"generator must be a torch.Generator or None, got {shown(generator)}")
    n = len(fitness)
    k = int(fraction * n)
    source = torch.arange(n)
    factor = torch.ones(n, dtype=torch.float64)
    if k == 0:
        return source, factor
    # NaN fitness (a diverged member) ranks last.
    score = torch.nan_to_num(fitness.double(), nan=-math.inf)
    order = torch.argsort(score, descending=True, stable=True)
    top, bottom = order[:k], order[n - k:]
    source[bottom] = top[torch.randint(k, (k,), generator=generator)]
    choice = torch.randint(2, (k,), generator=generator)
    factor[bottom] = torch.tensor(factors, dtype=torch.float64)[choice]
    return source, factor


@dataclass
class PBTResult:
    """What population-based training did.

    ``members`` are the final members of each slot (optimizer and learning
    rate after all copies and perturbations); ``lr_history[i]`` the rate of
    slot ``i`` at each ready step; ``events`` every copy as
    ``(step, slot, source_slot, new_lr)``; ``rows`` the final evaluation as
    ``Run`` rows (status "capped", trained for ``steps``).
    """

    members: list[Member]
    rows: list[Run]
    ready_steps: list[int]
    lr_history: list[list[float]]
    fitness_history: list[list[float]]
    events: list[tuple[int, int, int, float]]
    member_steps: int
    seconds: float
    weights: torch.Tensor = field(repr=False)
    template: nn.Module = field(repr=False)

    def best(self) -> Run:
        """The slot with the best final validation (else training) accuracy."""
        def key(r: Run) -> float:
            acc = r.val_accuracy if r.val_accuracy is not None else r.train_accuracy
            return -1.0 if math.isnan(acc) else acc
        return max(self.rows, key=key)

    def model(self, slot: int) -> nn.Module:
        """A copy of the model holding slot ``slot``'s final weights."""
        import copy

        slot = check_int("slot", slot, 0, len(self.rows) - 1)
        model = copy.deepcopy(self.template)
        torch.nn.utils.vector_to_parameters(self.weights[slot].float(), model.parameters())
        return model

    def table(self, markdown: bool = False) -> str:
        """The final rows as a table (see ``SweepResult.table``)."""
        return SweepResult(self.rows, self.seconds, self.member_steps, None, 0).table(markdown)


def pbt(
    model: nn.Module | Callable[[], nn.Module],
    members: Sequence[Member],
    x_train: torch.Tensor,
    y_train: torch.Tensor,
    x_val: torch.Tensor | None = None,
    y_val: torch.Tensor | None = None,
    *,
    steps: int = 500,
    ready_every: int = 50,
    fraction: float = 0.2,
    factors: tuple[float, float] = (0.8, 1.2),
    batch_size: int = 64,
    seed: int = 0,
    dtype: torch.dtype = torch.float32,
    engine: str = "auto",
    progress: bool = True,
) -> PBTResult:
    """Population-based training: train everyone, and every so often copy the best.

    Every member trains for ``steps`` steps on the same batches as in
    ``train_many``. Every ``ready_every`` steps all members are ranked by
    accuracy (on the validation set if given, else on the training set); the
    bottom ``fraction`` copy the weights, optimizer state and hyper-parameters
    (optimizer family included) of a random member of the top ``fraction``,
    then multiply their learning rate by 0.8 or 1.2 (``factors``), chosen at
    random (see ``exploit_explore``). All random choices come from ``seed``.

    The compute is ``len(members) * steps`` member-steps, the same as a grid
    of the same size trained without early stopping.
    """
    model, members = _prepare(model, members, x_train, y_train, x_val, y_val,
                              batch_size, seed, dtype, progress)
    steps = check_int("steps", steps, 1)
    ready_every = check_int("ready_every", ready_every, 1)
    exploit_explore(torch.zeros(1), fraction, factors)  # validates fraction and factors
    forward = stacked_forward(model, engine)
    x_train = x_train.to(dtype)
    x_val = None if x_val is None else x_val.to(dtype)
    w0 = torch.cat([p.detach().reshape(-1) for p in model.parameters()])
    pop = _Population(members, w0, dtype)
    pop.sort_by_family()
    n = len(members)
    slot_members = list(members)
    generator = torch.Generator().manual_seed(seed)
    batches = epoch_batches(x_train.shape[0], batch_size, seed)
    ready_steps: list[int] = []
    lr_history: list[list[float]] = [[] for _ in range(n)]
    fitness_history: list[list[float]] = [[] for _ in range(n)]
    events: list[tuple[int, int, int, float]] = []
    start = time.perf_counter()

    def fitness() -> torch.Tensor:
        x, y = (x_val, y_val) if x_val is not None else (x_train, y_train)
        return _evaluate(forward, pop.params, x, y)[1]

    bar = _progress(steps, progress, "pbt")
    for step in range(1, steps + 1):
        idx = next(batches)
        _train_step(pop, forward, x_train[idx], y_train[idx])
        if step % ready_every == 0 and step < steps:
            fit = fitness()
            ready_steps.append(step)
            for row, slot in enumerate(pop.ids.tolist()):
                fitness_history[slot].append(float(fit[row]))
            source, factor = exploit_explore(fit, fraction, factors, generator)
            copied = (source != torch.arange(len(pop))).nonzero().flatten().tolist()
            ids = pop.ids.clone()
            pop.reindex(source, move_ids=False)  # rows keep their slots, take new contents
            pop.rows["lr"].mul_(factor.to(dtype).unsqueeze(1))
            for row in copied:
                slot, src_slot = int(ids[row]), int(ids[source[row]])
                new_lr = slot_members[src_slot].lr * float(factor[row])
                slot_members[slot] = slot_members[src_slot].with_lr(new_lr)
                events.append((step, slot, src_slot, new_lr))
            # Members may have changed family: regroup the rows by family.
            pop.sort_by_family()
            for slot, member in enumerate(slot_members):
                lr_history[slot].append(member.lr)
        bar.update(1)
    bar.close()

    # Back to slot order for the final evaluation.
    order = torch.argsort(pop.ids)
    weights = pop.params.index_select(0, order)
    loss, acc = _evaluate(forward, weights, x_train, y_train)
    val = _evaluate(forward, weights, x_val, y_val)[1] if x_val is not None else None
    elapsed = time.perf_counter() - start
    rows = [
        Run(optimizer=m.optimizer, lr=m.lr, status="capped", steps=None, stopped_at=steps,
            seconds=elapsed, final_loss=float(loss[i]), train_accuracy=float(acc[i]),
            val_accuracy=None if val is None else float(val[i]), member=m)
        for i, m in enumerate(slot_members)
    ]
    return PBTResult(members=slot_members, rows=rows, ready_steps=ready_steps,
                     lr_history=lr_history, fitness_history=fitness_history, events=events,
                     member_steps=n * steps, seconds=elapsed, weights=weights,
                     template=model)


def grid_vs_pbt(
    model: nn.Module | Callable[[], nn.Module],
    members: Sequence[Member],
    x_train: torch.Tensor,
    y_train: torch.Tensor,
    x_val: torch.Tensor,
    y_val: torch.Tensor,
    *,
    steps: int = 500,
    ready_every: int = 50,
    batch_size: int = 64,
    seed: int = 0,
    progress: bool = True,
) -> tuple[SweepResult, PBTResult]:
    """Grid search and PBT over the same members, at equal compute.

    Both train ``len(members)`` members for ``steps`` steps (grid: no early
    stopping, so both spend ``len(members) * steps`` member-steps; diverged
    grid members stop early and spend less). Compare
    ``max(grid.column("val_accuracy"))`` with ``pbt.best().val_accuracy``.
    """
    grid_result = train_many(model, members, x_train, y_train, x_val, y_val,
                             batch_size=batch_size, target_accuracy=None, max_steps=steps,
                             seed=seed, progress=progress)
    pbt_result = pbt(model, members, x_train, y_train, x_val, y_val, steps=steps,
                     ready_every=ready_every, batch_size=batch_size, seed=seed,
                     progress=progress)
    return grid_result, pbt_result
