"""What every training of a sweep starts from: the checked model, members and data, and the batch order.

``train_many`` and ``pbt`` take the same inputs and refuse bad ones the same
way, before any training (``_prepare``); they draw the same mini-batches
(``epoch_batches``), so a grid and a PBT run over the same members see the same
images in the same order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

import torch
from torch import nn

from lrcourse._checks import check_bool, check_choice, check_int, check_seed, shown
from lrcourse.sweep.members import Member

__all__ = ["epoch_batches"]


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


def _check_data(x: Any, y: Any, xname: str, yname: str) -> None:
    if not isinstance(x, torch.Tensor) or not x.is_floating_point() or x.dim() < 2:
        raise ValueError(f"{xname} must be a floating-point tensor (N, ...), got {shown(x, 60)}")
    if not isinstance(y, torch.Tensor) or y.dim() != 1 or y.dtype != torch.int64:
        raise ValueError(f"{yname} must be a 1-D int64 tensor of labels, got {shown(y, 60)}")
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
        raise ValueError(f"model must give class scores (N, classes), got {shown(out, 60)}")
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
    """The model (built if a function was given) and the members as a list, once every
    input shared by ``train_many`` and ``pbt`` is checked (the data against the model)."""
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
