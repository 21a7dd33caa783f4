"""Small models for the course's 8x8 digits, fast enough to train on a laptop CPU.

All take images shaped ``(N, 1, 8, 8)`` and return 10 logits per image. Build
them after ``lrcourse.setup()`` (or pass ``seed=``) so their initial weights are
the same on every run.
"""

from __future__ import annotations

import torch
from torch import nn

from lrcourse._checks import check_int, check_range, check_seed

# Far beyond what a CPU lesson trains, low enough that a slip (an extra zero or
# three) is refused at once instead of trying to allocate terabytes of weights.
_MAX_WIDTH = 100
_MAX_UNITS = 10_000
_MAX_LAYERS = 1_000


def _seeded(seed: int | None):
    if seed is not None:
        torch.manual_seed(check_seed("seed", seed))


def count_parameters(model: nn.Module) -> int:
    """Number of trainable weights and biases in ``model``."""
    return sum(p.numel() for p in model.parameters() if p.requires_grad)


def digits_cnn(width: float = 1.0, seed: int | None = None) -> nn.Sequential:
    """Two convolutions and two dense layers: the small CNN of the optimizer x rate study.

    At ``width=1`` it has 3,358 weights (the study it follows used about 3,400).
    ``width`` scales the number of filters of both convolutions and the units
    of the first dense layer, for the model-size study.

    Layout: conv 3x3 (8w filters) - ReLU - max-pool 2 - conv 3x3 (16w) - ReLU -
    max-pool 2 - dense (28w) - ReLU - dense (10).

    Example:
        >>> count_parameters(digits_cnn())
        3358
    """
    width = check_range("width", width, 0, _MAX_WIDTH, low_open=True)
    _seeded(seed)
    c1, c2, hidden = (max(1, round(k * width)) for k in (8, 16, 28))
    return nn.Sequential(
        nn.Conv2d(1, c1, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Conv2d(c1, c2, 3, padding=1),
        nn.ReLU(),
        nn.MaxPool2d(2),
        nn.Flatten(),
        nn.Linear(c2 * 2 * 2, hidden),
        nn.ReLU(),
        nn.Linear(hidden, 10),
    )


def digits_mlp(hidden: int = 64, depth: int = 1, seed: int | None = None) -> nn.Sequential:
    """A fully connected network: ``depth`` hidden layers of ``hidden`` units with ReLU.

    A deep, narrow version (say ``depth=8``) is what makes a large learning rate
    unstable in the first steps, the situation warmup is for.
    """
    hidden = check_int("hidden", hidden, 1, _MAX_UNITS)
    depth = check_int("depth", depth, 1, _MAX_LAYERS)
    _seeded(seed)
    layers: list[nn.Module] = [nn.Flatten()]
    width_in = 64
    for _ in range(depth):
        layers += [nn.Linear(width_in, hidden), nn.ReLU()]
        width_in = hidden
    layers.append(nn.Linear(width_in, 10))
    return nn.Sequential(*layers)


class _ResidualBlock(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.body = nn.Sequential(
            nn.Conv2d(channels, channels, 3, padding=1, bias=False),
            nn.BatchNorm2d(channels),
            nn.ReLU(),
            nn.Conv2d(channels, channels, 3, padding=1, bias=False),
            nn.BatchNorm2d(channels),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # The skip connection: the block learns a correction to its input.
        return torch.relu(x + self.body(x))


def digits_resnet(channels: int = 16, blocks: int = 2, seed: int | None = None) -> nn.Sequential:
    """A small ResNet-style network: a stem convolution, residual blocks, pooling, a classifier.

    A scaled-down stand-in for ResNet-18 that trains in seconds on the 8x8 digits.
    """
    channels = check_int("channels", channels, 1, _MAX_UNITS)
    blocks = check_int("blocks", blocks, 1, _MAX_LAYERS)
    _seeded(seed)
    return nn.Sequential(
        nn.Conv2d(1, channels, 3, padding=1, bias=False),
        nn.BatchNorm2d(channels),
        nn.ReLU(),
        *[_ResidualBlock(channels) for _ in range(blocks)],
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Linear(channels, 10),
    )
