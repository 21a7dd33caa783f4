"""The forward pass of many copies of one model at once: ``stacked_forward``.

``stacked_forward(model)`` gives a function ``f(weights, x)``: ``weights`` is
``(n, P)``, one row of parameters per member, ``x`` one batch shared by all of
them, and the result ``(n, batch, outputs)`` is what each member's copy of
``model`` gives on ``x``. One call replaces ``n`` forward passes, and one
backward pass through it gives every member its own gradient.

Two engines compute it. ``"grouped"`` runs a ``Sequential`` of ``Conv2d``,
``Linear``, ``MaxPool2d``, ``Flatten`` and ReLU/Tanh/Sigmoid layers as one wide
network: the first convolution of the shared input is one matrix product for all
members, later convolutions are grouped convolutions (``groups=n``), dense layers
batched matrix products. ``"vmap"`` works for any model without buffers
(``torch.func.vmap`` over ``functional_call``), more slowly.

The module also measures members: ``_member_losses`` (each member's mean
cross-entropy on a batch) and ``_evaluate`` (each member's loss and accuracy on a
whole set, in chunks).
"""

from __future__ import annotations

from collections.abc import Callable

import torch
import torch.nn.functional as F
from torch import nn

from lrcourse._checks import check_choice, shown

__all__ = ["ENGINES", "stacked_forward"]

#: The forward engines; ``"auto"`` picks ``"grouped"`` when the model allows it.
ENGINES = ("auto", "grouped", "vmap")

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

    Args:
        model: the network; only its layout and parameter shapes are used.
        engine: one of ``ENGINES``: ``"auto"``, ``"grouped"`` or ``"vmap"``.

    Example:
        >>> from lrcourse.models import digits_cnn
        >>> model = digits_cnn(seed=0)
        >>> w = torch.nn.utils.parameters_to_vector(model.parameters()).repeat(3, 1)
        >>> out = stacked_forward(model)(w, torch.ones(5, 1, 8, 8))
        >>> out.shape, torch.allclose(out[2], model(torch.ones(5, 1, 8, 8)), atol=1e-6)
        (torch.Size([3, 5, 10]), True)
    """
    engine = check_choice("engine", engine, ENGINES)
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
