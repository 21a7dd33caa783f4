"""What a sweep gives back: each member's ``Run`` (and its ``Curves``), the ``SweepResult`` table, the ``PBTResult``.

Example:
    >>> from lrcourse.sweep.members import Member
    >>> run = Run("Adam", 0.01, "reached", 90, 90, 0.0, 0.08, 0.97, None, Member("Adam", 0.01))
    >>> print(SweepResult([run], 0.0, 90, 0.97, 1000).table())
    optimizer      lr   status  steps  final_loss  train_accuracy  val_accuracy
         Adam  0.0100  reached     90      0.0800          0.9700             -
"""

from __future__ import annotations

import copy
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn

from lrcourse._checks import check_choice, check_int
from lrcourse.sweep.members import Member

__all__ = ["Curves", "PBTResult", "Run", "SweepResult"]


@dataclass
class Curves:
    """One member's learning curves, measured every ``record_every`` steps (step 0 included).

    Each point is a measurement with the member's weights at that step, on whole
    sets: ``loss`` and ``train_accuracy`` over the whole training set,
    ``val_accuracy`` over the validation set (empty without ``x_val``).

    This is not ``lrcourse.train.History``, which keeps what one training saw as
    it went: the loss of every batch before its step, the rate each step used,
    and epoch means taken while the weights moved. A sweep keeps no step-by-step
    record of hundreds of members; it measures each one now and then, exactly and
    on the same sets, so that the members' curves can be compared point by point.
    """

    step: list[int] = field(default_factory=list)
    loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)


@dataclass
class Run:
    """The outcome of one member of a sweep.

    ``status`` is "reached" (the target accuracy), "diverged" or "capped" (the
    step cap); ``steps`` the step at which the training accuracy reached the
    target (None if it never did), ``stopped_at`` the step at which the member
    stopped; ``seconds`` the wall time of the whole sweep when the member
    stopped (all members share the machine, so compare ``steps``);
    ``final_loss`` and ``train_accuracy`` are measured on the whole training set
    with the final weights, ``val_accuracy`` on the validation set (None without
    one); ``curves`` are the recorded ``Curves`` (None unless ``record_every`` was
    given).
    """

    optimizer: str
    lr: float
    status: str
    steps: int | None
    stopped_at: int
    seconds: float
    final_loss: float
    train_accuracy: float
    val_accuracy: float | None
    member: Member
    curves: Curves | None = None


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
        check_choice("name", name, tuple(Run.__dataclass_fields__))
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
        slot = check_int("slot", slot, 0, len(self.rows) - 1)
        model = copy.deepcopy(self.template)
        torch.nn.utils.vector_to_parameters(self.weights[slot].float(), model.parameters())
        return model

    def table(self, markdown: bool = False) -> str:
        """The final rows as a table (see ``SweepResult.table``)."""
        return SweepResult(self.rows, self.seconds, self.member_steps, None, 0).table(markdown)

