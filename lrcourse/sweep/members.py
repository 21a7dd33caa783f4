"""Who trains in a sweep: a ``Member`` is an optimizer family, a learning rate and its settings.

The families, their spellings and their defaults are the course's one registry,
``lrcourse.optim.OPTIMIZERS`` and ``lrcourse.optim.DEFAULTS``: PyTorch's class names
("SGD", "Momentum" for ``SGD(momentum=0.9)``, "Adagrad", "Adadelta", "RMSprop",
"Adam") and PyTorch's defaults, so a member trains exactly as
``lrcourse.optim.make_optimizer(member.optimizer, params, member.lr, **member.hyper)``
would.

Example:
    >>> grid_members(["SGD", "Adam"], [0.1, 1.0])
    [Member('SGD', 0.1), Member('SGD', 1.0), Member('Adam', 0.1), Member('Adam', 1.0)]
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from lrcourse._checks import check_choice, check_finite, check_positive, check_range, shown
from lrcourse.optim import DEFAULTS, OPTIMIZERS

__all__ = ["TF_RMSPROP", "Member", "grid_members"]

#: TensorFlow 1's RMSProp defaults (decay 0.9, epsilon 1e-10), the setting the
#: study found hard to train with: ``Member("RMSprop", 1e-3, **TF_RMSPROP)``.
#: Only the numbers change; the update stays PyTorch's.
TF_RMSPROP: dict[str, float] = {"alpha": 0.9, "eps": 1e-10}

_UNIT = {"momentum", "rho", "alpha"}  # hyper-parameters that must lie in [0, 1)


class Member:
    """One training of the sweep: an optimizer family, a learning rate, hyper-parameters.

    Args:
        optimizer: one of ``lrcourse.optim.OPTIMIZERS`` (PyTorch's spelling).
        lr: the learning rate, a finite number > 0.
        hyper: that family's hyper-parameters, named and meant as in ``torch.optim``
            (``momentum``; ``lr_decay``, ``eps``, ``initial_accumulator_value``;
            ``rho``; ``alpha``; ``betas``). Those not given take PyTorch's
            defaults (``lrcourse.optim.DEFAULTS``).

    Example:
        >>> Member("RMSprop", 1e-3, **TF_RMSPROP)
        Member('RMSprop', 0.001, alpha=0.9, eps=1e-10)
        >>> Member("Momentum", 0.1).hyper
        {'momentum': 0.9}
    """

    __slots__ = ("optimizer", "lr", "hyper")

    def __init__(self, optimizer: str, lr: float, **hyper: Any) -> None:
        optimizer = check_choice("optimizer", optimizer, OPTIMIZERS)
        lr = check_positive("lr", lr)
        allowed = DEFAULTS[optimizer]
        checked = {}
        for name, value in hyper.items():
            check_choice(f"hyper-parameter of {optimizer}", name, tuple(allowed))
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


def _check_pair(name: str, value: Any, check: Callable[[str, Any], float]) -> tuple[float, float]:
    """``value`` as two numbers, each passed through ``check`` as ``name[0]`` and ``name[1]``.

    A local check (``lrcourse._checks`` has none for pairs); ``betas`` and PBT's
    ``factors`` use it.
    """
    if not (isinstance(value, tuple | list) and len(value) == 2):
        raise ValueError(f"{name} must be two numbers, got {shown(value)}")
    return check(f"{name}[0]", value[0]), check(f"{name}[1]", value[1])


def _unit(name: str, value: Any) -> float:
    return check_range(name, value, 0, 1, high_open=True)


def _check_hyper(name: str, value: Any) -> float | tuple[float, float]:
    """One hyper-parameter's value: ``betas`` two numbers in [0, 1), ``momentum``,
    ``rho`` and ``alpha`` in [0, 1), the others (``eps``, ``lr_decay``,
    ``initial_accumulator_value``) finite and >= 0."""
    if name == "betas":
        return _check_pair("betas", value, _unit)
    if name in _UNIT:
        return _unit(name, value)
    return check_finite(name, value, 0)


def grid_members(
    optimizers: Iterable[str],
    lrs: Iterable[float],
    hyper: Mapping[str, Mapping[str, Any]] | None = None,
) -> list[Member]:
    """Every optimizer with every learning rate, optimizer by optimizer.

    Args:
        optimizers: names from ``lrcourse.optim.OPTIMIZERS``, at least one.
        lrs: learning rates, at least one.
        hyper: hyper-parameters per family, e.g.
            ``grid_members(["RMSprop"], [1e-3], hyper={"RMSprop": TF_RMSPROP})``.

    Example:
        >>> grid_members(["SGD", "Adam"], [0.1, 1.0])[1]
        Member('SGD', 1.0)
    """
    optimizers, lrs, hyper = list(optimizers), list(lrs), dict(hyper or {})
    if not optimizers:
        raise ValueError(f"optimizers must not be empty, got {shown(optimizers)}")
    if not lrs:
        raise ValueError(f"lrs must not be empty, got {shown(lrs)}")
    for name in hyper:
        check_choice("hyper's key", name, OPTIMIZERS)
    return [Member(opt, lr, **hyper.get(opt, {})) for opt in optimizers for lr in lrs]
