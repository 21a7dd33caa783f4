"""``train_many``: every member trained side by side, each stopped as soon as it is done.

The loop reads as four pieces, each a method of ``_Sweep``:

- **set-up** (``_Sweep.__init__``): the stacked forward, the population in
  family order, the ring buffer of the last epoch's batch results, the
  divergence limit from the initial loss;
- **one step** (``_Sweep.train_step``): one batch for everyone, forward,
  backward, each member's own update (``_train_step``), then the batch's
  correct answers into the ring buffer;
- **recording** (``_Sweep.record``): each member's ``Curves``, every
  ``record_every`` steps;
- **stopping** (``_Sweep.stop``): members that diverged, reached the target or
  hit the cap get their ``Run`` and leave the population.

``_train_step`` is shared with population-based training.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from typing import Any

import torch
from torch import nn

from lrcourse._checks import check_int, check_range
from lrcourse.sweep.forward import _evaluate, _member_losses, stacked_forward
from lrcourse.sweep.inputs import _prepare, epoch_batches
from lrcourse.sweep.members import Member
from lrcourse.sweep.population import _Population
from lrcourse.sweep.results import Curves, Run, SweepResult
from lrcourse.sweep.updates import _update

__all__ = ["train_many"]


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
        record_every: record each member's ``Curves`` every this many steps
            (whole-set loss and accuracies; costs a forward pass of the sets).
        seed: seed of the batch order.
        dtype: torch.float32 (fast) or torch.float64 (for exact comparisons).
        engine: forward engine, see ``stacked_forward``.
        progress: show a progress bar.

    Returns:
        a ``SweepResult`` with one ``Run`` per member, in the given order.

    Example:
        >>> from lrcourse.models import digits_cnn
        >>> from lrcourse.sweep.members import grid_members
        >>> x, y = torch.randn(128, 1, 8, 8), torch.randint(0, 10, (128,))
        >>> result = train_many(lambda: digits_cnn(seed=0), grid_members(["SGD"], [0.1, 1e4]),
        ...                     x, y, max_steps=5, progress=False)
        >>> result.column("status")
        ['capped', 'diverged']
    """
    model, members = _prepare(model, members, x_train, y_train, x_val, y_val,
                              batch_size, seed, dtype, progress)
    if target_accuracy is not None:
        target_accuracy = check_range("target_accuracy", target_accuracy, 0, 1, low_open=True)
    max_steps = check_int("max_steps", max_steps, 1)
    check_every = check_int("check_every", check_every, 1)
    if record_every is not None:
        record_every = check_int("record_every", record_every, 1)
    divergence_factor = check_range("divergence_factor", divergence_factor, 1, math.inf,
                                    low_open=True, high_open=True)

    sweep = _Sweep(model, members, x_train, y_train, x_val, y_val, batch_size=batch_size,
                   target_accuracy=target_accuracy, check_every=check_every,
                   divergence_factor=divergence_factor, record=record_every is not None,
                   dtype=dtype, engine=engine)
    if record_every is not None:
        sweep.record(0)
    batches = epoch_batches(len(x_train), batch_size, seed)
    with _progress(max_steps, progress, "sweep") as bar:
        for step in range(1, max_steps + 1):
            losses = sweep.train_step(step, next(batches))
            if record_every is not None and step % record_every == 0:
                sweep.record(step)
            sweep.stop(step, losses, capped=step == max_steps)
            bar.update(1)
            bar.set_postfix(active=len(sweep.pop), refresh=False)
            if len(sweep.pop) == 0:
                break
    return SweepResult(rows=list(sweep.runs), seconds=sweep.elapsed(),  # type: ignore[arg-type]
                       member_steps=sweep.member_steps, target_accuracy=target_accuracy,
                       max_steps=max_steps)


class _Sweep:
    """A sweep under way: the population still training and the runs already finished.

    ``pop`` holds the members still training, grouped by family, with two extra
    rows per member for the stopping rule: ``ring_correct`` (the correct answers
    on each batch of the last epoch) and ``last_check`` (the step of the last
    whole-set check). ``runs[i]`` is member ``i``'s ``Run`` once it stopped.
    """

    def __init__(self, model: nn.Module, members: list[Member], x_train: torch.Tensor,
                 y_train: torch.Tensor, x_val: torch.Tensor | None, y_val: torch.Tensor | None,
                 *, batch_size: int, target_accuracy: float | None, check_every: int,
                 divergence_factor: float, record: bool, dtype: torch.dtype,
                 engine: str) -> None:
        self.members = members
        self.forward = stacked_forward(model, engine)
        self.x_train, self.y_train = x_train.to(dtype), y_train
        self.x_val, self.y_val = (None if x_val is None else x_val.to(dtype)), y_val
        self.target_accuracy, self.check_every = target_accuracy, check_every
        w0 = torch.cat([p.detach().reshape(-1) for p in model.parameters()])
        self.pop = _Population(members, w0, dtype)
        self.pop.sort_by_family()

        # Ring buffers of the last epoch's batch results, one column per batch.
        self.per_epoch = math.ceil(x_train.shape[0] / batch_size)
        self.pop.rows["ring_correct"] = torch.zeros(len(self.pop), self.per_epoch,
                                                    dtype=torch.float64)
        self.pop.rows["last_check"] = torch.full((len(self.pop), 1), -check_every,
                                                 dtype=torch.int64)
        self.ring_size = torch.zeros(self.per_epoch, dtype=torch.float64)

        loss0, _ = _evaluate(self.forward, self.pop.params[:1], self.x_train, self.y_train)
        self.limit = divergence_factor * float(loss0[0])
        self.runs: list[Run | None] = [None] * len(members)
        self.curves = [Curves() for _ in members] if record else None
        self.member_steps = 0
        self.start = time.perf_counter()

    def elapsed(self) -> float:
        return time.perf_counter() - self.start

    def train_step(self, step: int, idx: torch.Tensor) -> torch.Tensor:
        """Train every member on the batch ``idx``; return each member's batch loss."""
        xb, yb = self.x_train[idx], self.y_train[idx]
        logits, losses = _train_step(self.pop, self.forward, xb, yb)
        self.member_steps += len(self.pop)
        col = (step - 1) % self.per_epoch
        with torch.no_grad():
            self.pop.rows["ring_correct"][:, col] = (logits.argmax(-1) == yb).sum(1).double()
        self.ring_size[col] = len(idx)
        return losses

    def _measure(self, w: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
        """Whole-training-set loss and accuracy, and validation accuracy, of the rows ``w``."""
        loss, acc = _evaluate(self.forward, w, self.x_train, self.y_train)
        val = None
        if self.x_val is not None:
            val = _evaluate(self.forward, w, self.x_val, self.y_val)[1]
        return loss, acc, val

    def record(self, step: int) -> None:
        """Add a point at ``step`` to the ``Curves`` of every member still training."""
        loss, acc, val = self._measure(self.pop.params)
        for j, i in enumerate(self.pop.ids.tolist()):
            c = self.curves[i]
            c.step.append(step)
            c.loss.append(float(loss[j]))
            c.train_accuracy.append(float(acc[j]))
            if val is not None:
                c.val_accuracy.append(float(val[j]))

    def stop(self, step: int, losses: torch.Tensor, capped: bool) -> None:
        """Finish the members that diverged or reached the target (all, if ``capped``)
        and remove their rows."""
        stop = torch.zeros(len(self.pop), dtype=torch.bool)
        diverged = ~torch.isfinite(losses) | (losses > self.limit)
        if diverged.any():
            self.finish(diverged.nonzero().flatten(), "diverged", step)
            stop |= diverged
        if self.target_accuracy is not None and step >= self.per_epoch:
            done = self.reached(step, alive=~stop)
            if len(done):
                self.finish(done, "reached", step)
                stop[done] = True
        if capped and not stop.all():
            self.finish((~stop).nonzero().flatten(), "capped", step)
            stop[:] = True
        if stop.any():
            self.pop.reindex((~stop).nonzero().flatten())

    def reached(self, step: int, alive: torch.Tensor) -> torch.Tensor:
        """The rows among ``alive`` whose whole-training-set accuracy is at the target.

        Only rows whose running accuracy (last epoch's batches) is at the target,
        and not checked in the last ``check_every`` steps, are measured.
        """
        rows = self.pop.rows
        running = rows["ring_correct"].sum(1) / self.ring_size.sum()
        due = (step - rows["last_check"][:, 0]) >= self.check_every
        candidates = ((running >= self.target_accuracy) & due & alive).nonzero().flatten()
        if len(candidates) == 0:
            return candidates
        rows["last_check"][candidates] = step
        _, acc = _evaluate(self.forward, self.pop.params[candidates], self.x_train, self.y_train)
        return candidates[acc >= self.target_accuracy]

    def finish(self, rows: torch.Tensor, status: str, step: int) -> None:
        """Give the members in ``rows`` their ``Run``, measured with their final weights."""
        loss, acc, val = self._measure(self.pop.params[rows])
        elapsed = self.elapsed()
        for j, row in enumerate(rows.tolist()):
            i = int(self.pop.ids[row])
            member = self.members[i]
            self.runs[i] = Run(
                optimizer=member.optimizer, lr=member.lr, status=status,
                steps=step if status == "reached" else None, stopped_at=step,
                seconds=elapsed, final_loss=float(loss[j]), train_accuracy=float(acc[j]),
                val_accuracy=None if val is None else float(val[j]), member=member,
                curves=None if self.curves is None else self.curves[i],
            )


def _train_step(pop: _Population, forward: Callable, xb: torch.Tensor,
                yb: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """One step for every member: forward, backward of the summed losses, updates.

    The members' losses depend on disjoint weights, so the gradient of their
    sum with respect to member i's row is the gradient of member i's loss.
    Returns each member's logits (n, B, classes) and batch loss (n,).
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


def _progress(total: int, progress: bool, desc: str) -> Any:
    from tqdm.auto import tqdm

    return tqdm(total=total, disable=not progress, desc=desc, leave=False)
