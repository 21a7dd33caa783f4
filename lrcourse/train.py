"""A plain training loop that records what happened, step by step.

Every lesson that trains a network (schedules, warmup, cyclical rates, optimizer
comparisons) uses ``fit``, so the loop is written once and reads like the
textbook one. For each batch::

    optimizer.zero_grad()            # forget the previous batch's gradients
    outputs = model(inputs)          # forward pass
    loss = criterion(outputs, targets)
    loss.backward()                  # backward pass: a gradient for every weight
    optimizer.step()                 # w <- w - lr * (the optimizer's update)
    scheduler.step()                 # the next learning rate (per batch or per epoch)

``History`` keeps the loss and the learning rate of every step (the rate that
step *used*, read before ``optimizer.step()``), the validation loss and accuracy
at the end of each epoch (and every ``eval_every`` steps if asked), and whether
training diverged: a NaN or infinite loss stops the loop cleanly, without an
exception, so a sweep over learning rates can show where training blows up.

Example:
    >>> import torch
    >>> from torch.utils.data import DataLoader, TensorDataset
    >>> x, y = torch.randn(64, 4), torch.randint(0, 3, (64,))
    >>> model = torch.nn.Linear(4, 3)
    >>> loader = DataLoader(TensorDataset(x, y), batch_size=16)
    >>> history = fit(model, torch.optim.SGD(model.parameters(), lr=0.1), loader,
    ...               val_loader=loader, epochs=2)
    >>> len(history.loss), history.lr[0], history.val_step
    (8, 0.1, [4, 8])
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import torch
from torch import nn

from lrcourse._checks import (
    check_bool,
    check_callable,
    check_choice,
    check_instance,
    check_int,
    check_loader,
    check_loss,
    shown,
)

__all__ = ["History", "fit", "evaluate"]

Criterion = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]
INTERVALS = ("batch", "epoch")


@dataclass
class History:
    """What ``fit`` saw, step by step and epoch by epoch.

    Per step (one entry per optimizer step, index k = 0, 1, ...):
        loss: the training loss of the batch, before the step.
        lr: the learning rate the step used (``param_groups[0]["lr"]``).
        lrs: the learning rates of all parameter groups for that step.

    Per evaluation on the validation loader (end of every epoch, plus every
    ``eval_every`` steps when asked):
        val_loss, val_accuracy: the mean loss and the fraction of correct
            predictions over the whole validation set.
        val_step: the number of steps taken when the evaluation ran (so
            ``val_step = [12, 24]`` for two epochs of 12 batches).

    Per epoch:
        train_loss, train_accuracy: mean loss and accuracy over the epoch's
            batches, measured while training (the weights change during the
            epoch; ``nan`` accuracy when the outputs are not class scores).
        epoch_step: the number of steps taken at the end of the epoch.

    diverged: ``True`` when a loss was NaN or infinite. That loss is the last
        entry of ``loss``; no step was taken with it and training stopped.
    """

    loss: list[float] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    lrs: list[list[float]] = field(default_factory=list)
    val_loss: list[float] = field(default_factory=list)
    val_accuracy: list[float] = field(default_factory=list)
    val_step: list[int] = field(default_factory=list)
    train_loss: list[float] = field(default_factory=list)
    train_accuracy: list[float] = field(default_factory=list)
    epoch_step: list[int] = field(default_factory=list)
    diverged: bool = False

    @property
    def steps(self) -> int:
        """Number of optimizer steps taken (a diverging batch is recorded but not taken)."""
        return len(self.loss) - int(self.diverged)


# ----------------------------------------------------------------------------------
# Evaluation
# ----------------------------------------------------------------------------------


def _correct(outputs: torch.Tensor, targets: torch.Tensor) -> int | None:
    """How many rows of class scores pick the target class; ``None`` if not a classifier."""
    is_classifier = outputs.ndim == 2 and targets.ndim == 1 and not targets.is_floating_point()
    if not is_classifier:
        return None
    return int((outputs.argmax(dim=1) == targets).sum())


def _device(model: nn.Module) -> torch.device:
    try:
        return next(model.parameters()).device
    except StopIteration:
        raise ValueError("model must have at least one parameter, got none") from None


def _unpack(batch: Any, name: str) -> tuple[torch.Tensor, torch.Tensor]:
    if not (isinstance(batch, list | tuple) and len(batch) == 2):
        raise ValueError(f"{name} must yield (inputs, targets) pairs, got {type(batch).__name__}")
    return batch[0], batch[1]


def evaluate(
    model: nn.Module,
    loader: Iterable,
    criterion: Criterion | None = None,
) -> tuple[float, float]:
    """Mean loss and accuracy of ``model`` over every batch of ``loader``.

    The model runs in evaluation mode (dropout off, batch norm uses its running
    statistics) without building a graph; its previous mode is restored after.

    Args:
        model: the network.
        loader: yields ``(inputs, targets)`` batches.
        criterion: a loss averaged over the batch (``CrossEntropyLoss()`` by
            default); the mean over the set weights each batch by its size.

    Returns:
        ``(loss, accuracy)``; accuracy is the fraction of samples whose highest
        score is the target class (``nan`` when the outputs are not class scores).
    """
    check_instance("model", model, nn.Module, "a torch.nn.Module")
    criterion = _check_criterion(criterion)
    device = _device(model)
    was_training = model.training
    model.eval()
    total_loss, correct, count, classified = 0.0, 0, 0, True
    try:
        with torch.no_grad():
            for batch in loader:
                inputs, targets = _unpack(batch, "loader")
                inputs, targets = inputs.to(device), targets.to(device)
                outputs = model(inputs)
                n = targets.shape[0]
                total_loss += check_loss("criterion", criterion(outputs, targets)) * n
                hits = _correct(outputs, targets)
                classified = classified and hits is not None
                correct += hits or 0
                count += n
    finally:
        model.train(was_training)
    if count == 0:
        raise ValueError("loader must yield at least one non-empty batch, got none")
    return total_loss / count, (correct / count if classified else math.nan)


# ----------------------------------------------------------------------------------
# Training
# ----------------------------------------------------------------------------------


def fit(
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    train_loader: Iterable,
    val_loader: Iterable | None = None,
    epochs: int = 1,
    scheduler: Any | None = None,
    scheduler_interval: str = "batch",
    criterion: Criterion | None = None,
    progress: bool = False,
    max_steps: int | None = None,
    eval_every: int | None = None,
) -> History:
    """Train ``model`` with ``optimizer`` and return the ``History`` of the run.

    Per batch: zero_grad, forward, loss, backward, ``optimizer.step()``, then
    ``scheduler.step()`` when ``scheduler_interval == "batch"``. With ``"epoch"``
    the scheduler steps once at the end of each full epoch, after the validation.
    A ``ReduceLROnPlateau`` scheduler is given the metric it needs: the batch
    loss (per batch), or the validation loss (per epoch; the epoch's training
    loss without a validation loader).

    Args:
        model: the network; batches are moved to the device of its parameters.
        optimizer: any ``torch.optim.Optimizer`` over the model's parameters.
        train_loader: yields ``(inputs, targets)`` batches, at least one.
        val_loader: evaluated at the end of every epoch (and every
            ``eval_every`` steps); ``None`` to skip validation.
        epochs: number of passes over ``train_loader``, an integer >= 1.
        scheduler: a learning-rate scheduler of ``optimizer``, or ``None``.
        scheduler_interval: ``"batch"`` or ``"epoch"``.
        criterion: the loss, averaged over the batch; ``CrossEntropyLoss()`` by default.
        progress: show a progress bar (``tqdm.auto``).
        max_steps: stop after this many steps even inside an epoch (the
            validation then runs once more, and a per-epoch scheduler does not
            step for the unfinished epoch); ``None`` for no limit.
        eval_every: also evaluate every ``eval_every`` steps, for curves of
            validation accuracy against steps; ``None`` for end of epochs only.

    Returns:
        A ``History``. A NaN or infinite loss sets ``diverged`` and stops
        training; it raises nothing.
    """
    check_instance("model", model, nn.Module, "a torch.nn.Module")
    check_instance("optimizer", optimizer, torch.optim.Optimizer, "a torch.optim.Optimizer")
    epochs = check_int("epochs", epochs, 1)
    check_choice("scheduler_interval", scheduler_interval, INTERVALS)
    check_bool("progress", progress)
    if scheduler is not None:
        if not callable(getattr(scheduler, "step", None)):
            raise ValueError(f"scheduler must have a step() method or be None, got {shown(scheduler)}")
        if getattr(scheduler, "optimizer", optimizer) is not optimizer:
            raise ValueError("scheduler must schedule the optimizer given to fit, got another one")
    if max_steps is not None:
        max_steps = check_int("max_steps", max_steps, 1)
    if eval_every is not None:
        eval_every = check_int("eval_every", eval_every, 1)
    if eval_every is not None and val_loader is None:
        raise ValueError(f"eval_every needs a val_loader, got eval_every={eval_every!r}")
    check_loader("train_loader", train_loader)
    if val_loader is not None:
        check_loader("val_loader", val_loader)
    criterion = _check_criterion(criterion)

    device = _device(model)
    plateau = isinstance(scheduler, torch.optim.lr_scheduler.ReduceLROnPlateau)
    history = History()

    def validate() -> None:
        if val_loader is None or (history.val_step and history.val_step[-1] == history.steps):
            return
        val_loss, val_accuracy = evaluate(model, val_loader, criterion)
        history.val_loss.append(val_loss)
        history.val_accuracy.append(val_accuracy)
        history.val_step.append(history.steps)

    bar = _progress_bar(progress, _total_steps(train_loader, epochs, max_steps))
    model.train()
    try:
        for _ in range(epochs):
            if max_steps is not None and history.steps >= max_steps:
                break
            epoch_loss, epoch_correct, epoch_count, classified = 0.0, 0, 0, True
            stopped = False  # by max_steps, inside the epoch
            for batch in train_loader:
                if max_steps is not None and history.steps >= max_steps:
                    stopped = True
                    break
                inputs, targets = _unpack(batch, "train_loader")
                inputs, targets = inputs.to(device), targets.to(device)
                lrs = [float(group["lr"]) for group in optimizer.param_groups]  # this step's rates

                optimizer.zero_grad()
                outputs = model(inputs)
                loss = criterion(outputs, targets)
                loss_value = check_loss("criterion", loss)
                history.loss.append(loss_value)
                history.lr.append(lrs[0])
                history.lrs.append(lrs)
                if not math.isfinite(loss_value):
                    history.diverged = True
                    return history
                loss.backward()
                optimizer.step()
                if scheduler is not None and scheduler_interval == "batch":
                    if plateau:
                        scheduler.step(loss_value)
                    else:
                        scheduler.step()

                n = targets.shape[0]
                epoch_loss += loss_value * n
                epoch_count += n
                hits = _correct(outputs.detach(), targets)
                classified = classified and hits is not None
                epoch_correct += hits or 0
                bar.update(1)
                bar.set_postfix(loss=f"{loss_value:.4f}", refresh=False)

                if eval_every is not None and history.steps % eval_every == 0:
                    validate()  # evaluate() puts the model back in training mode

            if epoch_count == 0:
                raise ValueError(
                    "train_loader must yield at least one batch in every epoch "
                    "(a generator is used up after one), got none"
                )
            history.train_loss.append(epoch_loss / epoch_count)
            history.train_accuracy.append(epoch_correct / epoch_count if classified else math.nan)
            history.epoch_step.append(history.steps)
            validate()
            if scheduler is not None and scheduler_interval == "epoch" and not stopped:
                if plateau:
                    scheduler.step(history.val_loss[-1] if val_loader else history.train_loss[-1])
                else:
                    scheduler.step()
    finally:
        bar.close()
    return history


# ----------------------------------------------------------------------------------
# Helpers
# ----------------------------------------------------------------------------------


def _check_criterion(criterion: Any) -> Criterion:
    if criterion is None:
        return nn.CrossEntropyLoss()
    return check_callable("criterion", criterion, "criterion(outputs, targets) -> loss")


def _total_steps(loader: Any, epochs: int, max_steps: int | None) -> int | None:
    try:
        total = len(loader) * epochs
    except TypeError:
        return max_steps
    return total if max_steps is None else min(total, max_steps)


def _progress_bar(progress: bool, total: int | None):
    from tqdm.auto import tqdm

    return tqdm(total=total, disable=not progress, desc="training", unit="step", leave=False)
