"""The learning-rate range test: train briefly while the rate grows, watch the loss.

Start with a tiny rate, raise it after every iteration up to a large one, and
record the loss. While the rate is too small the loss hardly moves; then it
falls, faster and faster; past a point it stops falling and finally explodes.
The rates where it falls fastest are good rates to train with.

Iteration ``i`` (``i = 0 .. num_iter - 1``) trains one step with the rate

    exp:     lr_i = start_lr * (end_lr / start_lr) ** (i / (num_iter - 1))
    linear:  lr_i = start_lr + (end_lr - start_lr) * i / (num_iter - 1)

and records the loss computed in that step's forward pass (before the update),
or, with a validation loader, the validation loss after the update. The curve is
smoothed exponentially, without bias correction, the first point kept raw:

    s_0 = L_0,    s_i = f * L_i + (1 - f) * s_{i-1}        (f = smooth_f)

The test stops early when the raw loss is NaN or infinite, or when the smoothed
loss diverges:

    s_i > best + (diverge_th - 1) * |best|,    best = min(s_0 .. s_i)

For a positive ``best`` this is the familiar ``s_i > diverge_th * best``; written
this way it also works for losses below zero, where ``diverge_th * best`` would
lie *below* the best loss and stop the test at once.

These are the rate sequence and smoothing of the ``torch-lr-finder`` package, so
the two give the same curve on the same model and data.

What this implementation adds:

- The model (parameters, buffers, gradients, train/eval modes) and the optimizer
  (its state, such as momentum buffers or Adam's moments and step counts, and
  every param group's hyper-parameters) are put back exactly, bit for bit, when
  the test ends, even if it fails. The copy is kept on the CPU, in memory, once
  per test; nothing is written to disk.
- Several param groups keep their ratios: group ``g`` trains with
  ``lr_i * lr_g / lr_0`` (its rate relative to group 0 when the test starts), so
  layer-wise rates are tested as a whole. With equal rates all groups follow the
  schedule. Every group's rate is recorded.
- Arguments are checked before anything runs; a failed call keeps the previous
  history.
- ``suggestion()`` works without a plot, and ignores NaN and infinite losses.

Example (the digits CNN of the course, a few seconds on a CPU)::

    >>> import torch
    >>> from lrcourse.data import digits_loaders
    >>> from lrcourse.models import digits_cnn
    >>> model = digits_cnn(seed=0)
    >>> optimizer = torch.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    >>> finder = LRFinder(model, optimizer, torch.nn.CrossEntropyLoss())
    >>> finder.range_test(digits_loaders(seed=0)[0], num_iter=100, progress=False)
    >>> f"{finder.suggestion('steepest'):.3g}"
    '0.292'
"""

from __future__ import annotations

import copy
import math
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
from torch import nn

from lrcourse._checks import (
    check_bool,
    check_callable,
    check_choice,
    check_finite,
    check_instance,
    check_int,
    check_loader,
    check_loss,
    check_range,
    check_series,
    shown,
)

if TYPE_CHECKING:
    from matplotlib.axes import Axes

__all__ = [
    "LRFinder", "METHODS", "rate_schedule", "smooth", "steepest", "valley", "minimum",
    "lag_in_decades", "centred_average",
]

#: The suggestion rules ``LRFinder.suggestion`` knows.
METHODS = ("steepest", "valley", "minimum")
_STEP_MODES = ("exp", "linear")
# A range test is a few hundred steps; a million is a slip that would only hang.
_MAX_ITER = 1_000_000


# --- the math, as plain functions -------------------------------------------------------------


def rate_schedule(start_lr: float, end_lr: float, num_iter: int, step_mode: str = "exp") -> list:
    """The rates of a range test, one per iteration (see the module docstring for the formulas).

    Example:
        >>> rate_schedule(1e-3, 1e-1, 3)
        [0.001, 0.01, 0.1]
    """
    start_lr, end_lr, num_iter = _check_schedule(start_lr, end_lr, num_iter, step_mode)
    last = num_iter - 1
    if step_mode == "exp":
        ratio = end_lr / start_lr
        if math.isinf(ratio):  # the rates span more than the float range: step in logs
            log_start, log_span = math.log(start_lr), math.log(end_lr) - math.log(start_lr)
            return [math.exp(log_start + log_span * i / last) for i in range(num_iter)]
        return [start_lr * ratio ** (i / last) for i in range(num_iter)]
    return [start_lr + (i / last) * (end_lr - start_lr) for i in range(num_iter)]


def smooth(losses: Iterable[float], smooth_f: float = 0.05) -> list:
    """Exponential smoothing without bias correction: ``s_0 = L_0``, ``s_i = f L_i + (1-f) s_{i-1}``.

    ``smooth_f = 0`` returns the losses unchanged.

    Example:
        >>> smooth([4.0, 2.0, 2.0], smooth_f=0.5)
        [4.0, 3.0, 2.5]
    """
    smooth_f = _check_smooth_f(smooth_f)
    out: list = []
    for loss in losses:
        loss = float(loss)
        out.append(loss if not out or smooth_f == 0 else smooth_f * loss + (1 - smooth_f) * out[-1])
    return out


def steepest(losses: Iterable[float]) -> int:
    """Index of the steepest descent: the minimum of ``np.gradient(losses)`` (over the index).

    Weakness: one spike, or the first drop of a noisy curve, can hold the most
    negative difference, so the rule may point far from the broad descent.
    """
    y = _losses(losses, 2)
    return int(np.argmin(np.gradient(y)))


def valley(losses: Iterable[float]) -> tuple[int, int, int]:
    """The longest valley: ``(start, end, middle)`` indices.

    The valley is the longest strictly decreasing subsequence of the losses
    (the first one found, ends earliest on ties); ``start`` and ``end`` are its
    first and last indices and the suggestion is ``middle = start + (end - start) // 2``.

    fastai's ``valley`` uses the same subsequence length ``n`` (same dynamic
    programme), but estimates the start as ``end - n`` and picks
    ``start + int(s) + int(s / 2)`` with ``s = (end - start) / 3``: also about
    halfway. Taking the subsequence's true first point makes our valley no longer
    than the stretch that actually falls.

    Weakness: a long, slow slide at tiny rates can outlast the steep part, and a
    noisy curve breaks a valley into pieces (smooth first).
    """
    y = _losses(losses, 2)
    n = y.size
    length = np.ones(n, dtype=int)  # length[i]: longest decreasing run ending at i
    previous = np.full(n, -1)
    for i in range(1, n):
        higher = np.flatnonzero(y[:i] > y[i])
        if higher.size:
            j = higher[np.argmax(length[higher])]  # first j with the longest run
            length[i], previous[i] = length[j] + 1, j
    end = int(np.argmax(length))
    start = end
    while previous[start] >= 0:
        start = int(previous[start])
    return start, end, start + (end - start) // 2


def minimum(losses: Iterable[float]) -> int:
    """Index of the lowest loss. ``LRFinder`` suggests the rate there divided by 10.

    Weakness: the minimum sits at the edge of divergence; dividing by 10 is a
    rule of thumb that is too careful on some curves and too bold on others.
    """
    y = _losses(losses, 1)
    return int(np.argmin(y))


def lag_in_decades(smooth_f: float, start_lr: float, end_lr: float, num_iter: int) -> float:
    """How many decades of rate the smoothed curve of an ``"exp"`` sweep trails the raw losses.

    The smoothing is an EMA with ``beta = 1 - smooth_f``; on a steady trend it
    settles ``beta / (1 - beta)`` iterations behind (the mean age of its weights,
    lesson 04). An exponential sweep spends

        k = (num_iter - 1) / log10(end_lr / start_lr)

    iterations per decade, so the lag is ``(beta / (1 - beta)) / k`` decades: the
    smoothed curve shows at rate ``lr`` what the raw losses did at about
    ``lr / 10 ** lag``.

    Example (100 iterations over 8 decades, then 300 over 5):
        >>> round(lag_in_decades(0.05, 1e-7, 10.0, 100), 3)
        1.535
        >>> round(lag_in_decades(0.05, 1e-5, 1.0, 300), 3)
        0.318
    """
    _check_schedule(start_lr, end_lr, num_iter, "exp")
    smooth_f = check_range("smooth_f", smooth_f, 0, 1, low_open=True, high_open=True)
    beta = 1 - smooth_f
    per_decade = (num_iter - 1) / math.log10(end_lr / start_lr)
    return (beta / (1 - beta)) / per_decade


def centred_average(losses: Iterable[float], half_width: int) -> list:
    """The mean of each loss and its ``half_width`` neighbours on both sides (fewer at the ends).

    A centred average looks as far ahead as back, so unlike the test's smoothing
    it has no lag; it needs the whole curve, so it is for reading a finished test.

    Example:
        >>> centred_average([3.0, 1.0, 2.0, 6.0], half_width=1)
        [2.0, 2.0, 3.0, 4.0]
    """
    half_width = check_int("half_width", half_width, 0)
    y = np.asarray(list(losses), dtype=float)
    return [float(y[max(0, i - half_width) : i + half_width + 1].mean()) for i in range(y.size)]


# --- the range test ---------------------------------------------------------------------------


class LRFinder:
    """Run a learning-rate range test on a model, an optimizer and a loss.

    Args:
        model: the network; it is trained during the test and put back afterwards.
        optimizer: any ``torch.optim`` optimizer over the model's parameters; its
            state and param groups are put back afterwards too.
        criterion: ``criterion(outputs, targets)`` returns a scalar loss (averaged
            over the batch, as ``nn.CrossEntropyLoss()`` does).
        device: where the test runs; ``None`` uses the device of the model's
            first parameter. The model goes back to its own device afterwards.

    After ``range_test`` the ``history`` dict holds, one entry per iteration:
    ``"lr"`` (group 0's rate), ``"lrs"`` (one list per param group),
    ``"loss"`` (smoothed), ``"raw_loss"`` (the loss that was smoothed: training
    loss, or validation loss when a ``val_loader`` is given) and ``"train_loss"``.
    ``stop_reason`` says why the test ended: ``"finished"``, ``"diverged"`` or
    ``"non-finite"`` (a NaN or infinite loss, recorded as the last point).
    """

    def __init__(
        self,
        model: nn.Module,
        optimizer: torch.optim.Optimizer,
        criterion: Callable[[Any, Any], torch.Tensor],
        device: str | torch.device | None = None,
    ) -> None:
        check_instance("model", model, nn.Module, "a torch.nn.Module")
        check_instance("optimizer", optimizer, torch.optim.Optimizer, "a torch.optim.Optimizer")
        check_callable("criterion", criterion, "criterion(outputs, targets) -> loss")
        first = next(model.parameters(), None)
        if first is None:
            raise ValueError("model must have at least one parameter, got none")
        # Only the model's weights are put back after a test: an optimizer that also
        # moves other tensors would leave them trained.
        own = {id(p) for p in model.parameters()}
        foreign = sum(
            1 for g in optimizer.param_groups for p in g["params"] if id(p) not in own
        )
        if foreign:
            raise ValueError(
                f"optimizer must optimize only the model's parameters, got one that also "
                f"holds {foreign} other tensor(s)"
            )
        if device is not None:
            try:
                device = torch.device(device)
            except (RuntimeError, TypeError, ValueError):
                raise ValueError(
                    f"device must be a torch device such as 'cpu' or 'cuda:0', or None, "
                    f"got {shown(device)}"
                ) from None
        self.model = model
        self.optimizer = optimizer
        self.criterion = criterion
        self.device = device if device is not None else first.device
        self.history: dict[str, list] = _empty_history()
        self.stop_reason: str | None = None
        self.step_mode: str | None = None
        self.used_val_loader = False
        self._snapshot: dict[str, Any] | None = None

    # -- running the test ----------------------------------------------------------------------

    def range_test(
        self,
        train_loader: Iterable,
        val_loader: Iterable | None = None,
        start_lr: float | None = 1e-7,
        end_lr: float = 10.0,
        num_iter: int = 100,
        step_mode: str = "exp",
        smooth_f: float = 0.05,
        diverge_th: float = 5.0,
        accumulation_steps: int = 1,
        progress: bool = True,
        restore: bool = True,
    ) -> None:
        """Train ``num_iter`` steps with rising rates and record the losses in ``history``.

        Args:
            train_loader: yields ``(inputs, targets, *rest)`` batches; started
                again from the top when it runs out before ``num_iter`` steps.
            val_loader: if given, the model is evaluated on all of it after every
                step and that loss is the one recorded (slower, less noisy).
            start_lr: the first rate (> 0 for ``"exp"``, >= 0 for ``"linear"``);
                ``None`` takes the optimizer's current rate of group 0.
            end_lr: the last rate, larger than ``start_lr``.
            num_iter: number of steps (at least 2).
            step_mode: ``"exp"`` (rates evenly spaced on a log scale) or ``"linear"``.
            smooth_f: smoothing factor in [0, 1); 0 records raw losses.
            diverge_th: stop when the smoothed loss exceeds
                ``best + (diverge_th - 1) * |best|``; must be > 1.
            accumulation_steps: mini-batches per step; their losses are divided
                by ``accumulation_steps`` before ``backward``, so the step sees
                their average gradient and the recorded loss is their average.
            progress: show a ``tqdm.auto`` progress bar.
            restore: put model and optimizer back at the end (default). With
                ``False`` they stay trained until ``reset()`` (or the next
                ``range_test``, which undoes the previous one first).
        """
        if start_lr is None:
            start_lr = float(self.optimizer.param_groups[0]["lr"])
        check_loader("train_loader", train_loader)
        if val_loader is not None:
            check_loader("val_loader", val_loader)
        start_lr, end_lr, num_iter = _check_schedule(start_lr, end_lr, num_iter, step_mode)
        smooth_f = _check_smooth_f(smooth_f)
        diverge_th = check_finite("diverge_th", diverge_th, above=1)
        accumulation_steps = check_int("accumulation_steps", accumulation_steps, 1)
        progress = check_bool("progress", progress)
        restore = check_bool("restore", restore)
        ratios = self._group_ratios()
        rates = rate_schedule(start_lr, end_lr, num_iter, step_mode)

        from tqdm.auto import tqdm

        self.reset()  # a test left unrestored by restore=False is undone first
        self._snapshot = self._take_snapshot()
        history = _empty_history()
        history["lrs"] = [[] for _ in ratios]
        stop_reason = "finished"
        best = math.inf
        batches = _cycle(train_loader)
        groups = self.optimizer.param_groups
        bar = tqdm(total=num_iter, desc="range test", disable=not progress, leave=False)
        try:
            self.model.to(self.device)
            self.model.train()
            for i, lr in enumerate(rates):
                for group, ratio, record in zip(groups, ratios, history["lrs"], strict=True):
                    group["lr"] = lr * ratio
                    record.append(group["lr"])
                history["lr"].append(lr)
                train_loss = self._train_step(batches, accumulation_steps)
                loss = train_loss if val_loader is None else self._evaluate(val_loader)
                if i == 0 or smooth_f == 0:
                    smoothed = loss
                else:
                    smoothed = smooth_f * loss + (1 - smooth_f) * history["loss"][-1]
                history["train_loss"].append(train_loss)
                history["raw_loss"].append(loss)
                history["loss"].append(smoothed)
                bar.update(1)
                if not (math.isfinite(loss) and math.isfinite(smoothed)):
                    stop_reason = "non-finite"
                    break
                best = min(best, smoothed)
                if smoothed > best + (diverge_th - 1) * abs(best):
                    stop_reason = "diverged"
                    break
        finally:
            bar.close()
            if restore:
                self.reset()
        self.history = history
        self.stop_reason = stop_reason
        self.step_mode = step_mode
        self.used_val_loader = val_loader is not None

    def reset(self) -> None:
        """Put model and optimizer back as they were when the last test started.

        ``range_test`` does this itself unless called with ``restore=False``; the
        copy is dropped once used, so calling ``reset()`` again does nothing.
        """
        snap, self._snapshot = self._snapshot, None
        if snap is None:
            return
        self.model.to(snap["device"])
        self.model.load_state_dict(snap["model"])
        for module, training in zip(self.model.modules(), snap["modes"], strict=True):
            module.training = training
        for p, grad in zip(self.model.parameters(), snap["grads"], strict=True):
            p.grad = None if grad is None else grad.to(p.device)
        for module, name, _ in _non_persistent_buffers(self.model):
            saved = snap["buffers"][(module, name)]
            module._buffers[name] = None if saved is None else saved.to(snap["device"])
        self.optimizer.load_state_dict(snap["optimizer"])

    def _take_snapshot(self) -> dict[str, Any]:
        # One copy per test, on the CPU, so a GPU never holds the weights twice.
        opt = self.optimizer.state_dict()
        return {
            "device": next(self.model.parameters()).device,
            "model": {k: _cpu_copy(v) for k, v in self.model.state_dict().items()},
            "modes": [m.training for m in self.model.modules()],
            # state_dict() leaves out buffers registered with persistent=False.
            "buffers": {
                (module, name): _cpu_copy(value)
                for module, name, value in _non_persistent_buffers(self.model)
            },
            "grads": [
                None if p.grad is None else _cpu_copy(p.grad) for p in self.model.parameters()
            ],
            "optimizer": {
                "state": {
                    k: {name: _cpu_copy(v) for name, v in s.items()}
                    for k, s in opt["state"].items()
                },
                "param_groups": copy.deepcopy(opt["param_groups"]),
            },
        }

    def _group_ratios(self) -> list:
        lrs = [float(g["lr"]) for g in self.optimizer.param_groups]
        if all(lr == lrs[0] for lr in lrs):
            return [1.0] * len(lrs)
        if not lrs[0] > 0:
            raise ValueError(
                "optimizer param group 0 must have a rate > 0 when the groups' rates differ "
                f"(their ratios to it are kept), got rates {lrs!r}"
            )
        return [lr / lrs[0] for lr in lrs]

    def _train_step(self, batches: Iterator, accumulation_steps: int) -> float:
        self.optimizer.zero_grad()
        total = None
        for _ in range(accumulation_steps):
            inputs, targets = self._unpack(next(batches))
            loss = self.criterion(self.model(inputs), targets)
            check_loss("criterion", loss)
            loss = loss / accumulation_steps
            loss.backward()
            total = loss.detach() if total is None else total + loss.detach()
        self.optimizer.step()
        return total.item()

    def _evaluate(self, loader: Iterable) -> float:
        self.model.eval()
        total, count = 0.0, 0
        with torch.no_grad():
            for batch in loader:
                inputs, targets = self._unpack(batch)
                n = len(targets)
                total += check_loss("criterion", self.criterion(self.model(inputs), targets)) * n
                count += n
        self.model.train()
        if count == 0:
            raise ValueError("val_loader must yield at least one sample, got none")
        return total / count

    def _unpack(self, batch: Any) -> tuple[Any, Any]:
        if not isinstance(batch, (tuple, list)) or len(batch) < 2:
            raise ValueError(
                f"loader batches must be (inputs, targets, ...) tuples, got {type(batch).__name__}"
            )
        return _to_device(batch[0], self.device), _to_device(batch[1], self.device)

    # -- reading the result --------------------------------------------------------------------

    def _window(self, skip_start: int, skip_end: int) -> tuple[np.ndarray, np.ndarray]:
        skip_start = check_int("skip_start", skip_start, 0)
        skip_end = check_int("skip_end", skip_end, 0)
        if not self.history["lr"]:
            raise RuntimeError("no range test has run yet: call range_test(...) first")
        lrs = np.asarray(self.history["lr"], dtype=float)
        losses = np.asarray(self.history["loss"], dtype=float)
        finite = np.isfinite(losses)
        n = len(losses) if finite.all() else int(np.argmin(finite))  # points before a NaN/inf
        if n - skip_end - skip_start < 2:
            raise RuntimeError(
                f"the test recorded {n} finite points; a suggestion needs at least "
                f"skip_start + skip_end + 2 = {skip_start + skip_end + 2}: run a longer test "
                "(more num_iter, a smaller end_lr) or lower skip_start/skip_end"
            )
        return lrs[skip_start : n - skip_end], losses[skip_start : n - skip_end]

    def suggestion(
        self, method: str = "steepest", skip_start: int = 10, skip_end: int = 5
    ) -> float:
        """A learning rate read off the smoothed curve (no plot needed).

        The rules look at the finite points only, minus the first ``skip_start``
        and the last ``skip_end`` of them (the defaults are torch-lr-finder's):

        - ``"steepest"``: the rate where the loss falls fastest per iteration
          (minimum of ``np.gradient``), torch-lr-finder's rule; a spike fools it.
        - ``"valley"``: the middle of the longest decreasing stretch, after
          fastai's rule (see ``valley``); a long slow slide can fool it.
        - ``"minimum"``: the rate of the lowest loss divided by 10, fastai's
          ``minimum``; the factor 10 is a rule of thumb.

        Raises:
            RuntimeError: before any test, or when too few points were recorded.
        """
        check_choice("method", method, METHODS)
        lrs, losses = self._window(skip_start, skip_end)
        if method == "steepest":
            return float(lrs[steepest(losses)])
        if method == "valley":
            return float(lrs[valley(losses)[2]])
        return float(lrs[minimum(losses)] / 10)

    def clr_bounds(
        self, divisor: float = 4.0, skip_start: int = 10, skip_end: int = 5
    ) -> tuple[float, float]:
        """``(base_lr, max_lr)`` for a cyclical schedule, read off the curve.

        ``max_lr`` is where the steep descent ends: start at the steepest point
        and walk towards larger rates while the loss still falls at least half as
        fast as there (``np.gradient`` at most half the steepest, negative, slope);
        the last such rate is ``max_lr``, the rate where the loss stops falling fast.
        ``base_lr = max_lr / divisor``.

        The course's rule of thumb is ``base_lr = max_lr / 3`` or ``/ 4``. We take 4:
        of the course's two examples, max 0.005 -> base 0.001 (ratio 5) and the
        range [3e-4, 1e-3] (ratio 3.3), 4 is the closer single ratio on a log
        scale, and the lower bound is the safer error (a cycle that starts too
        low loses a little speed; one that starts too high may never settle).
        """
        divisor = check_finite("divisor", divisor, above=1)
        lrs, losses = self._window(skip_start, skip_end)
        slope = np.gradient(losses)
        i = int(np.argmin(slope))
        if not slope[i] < 0:
            raise RuntimeError("the recorded loss never falls: no range to read bounds from")
        half = 0.5 * slope[i]
        while i + 1 < len(slope) and slope[i + 1] <= half:
            i += 1
        max_lr = float(lrs[i])
        return max_lr / divisor, max_lr

    def plot(
        self,
        ax: Axes | None = None,
        suggestion: str | None = "steepest",
        skip_start: int = 10,
        skip_end: int = 5,
    ) -> Axes:
        """Plot the smoothed loss against the rate, marking ``suggestion`` (or nothing if None).

        Returns the axes; a new pyplot figure is made when ``ax`` is None.
        """
        if suggestion is not None:
            check_choice("suggestion", suggestion, METHODS)
        lrs, losses = self._window(skip_start, skip_end)
        from lrcourse.plots import lr_axis, new_axes

        ax = new_axes(ax)
        what = "validation loss" if self.used_val_loader else "loss"
        log_x = self.step_mode == "exp"
        ax.plot(lrs, losses, color="C0", label=f"smoothed {what}")
        if suggestion is not None:
            lr = self.suggestion(suggestion, skip_start, skip_end)
            ax.axvline(lr, color="C3", linestyle="--", label=f"{suggestion}: {lr:.2e}")
            # "minimum" falls between recorded rates: read the curve's height there.
            at = np.interp(np.log(lr), np.log(lrs), losses) if log_x else np.interp(lr, lrs, losses)
            ax.plot([lr], [at], "o", color="C3", markersize=8)
        if log_x:
            lr_axis(ax)
        else:
            ax.set_xlabel("learning rate")
        ax.set_ylabel(what)
        ax.set_title("Learning-rate range test")
        ax.legend()
        return ax


# --- small helpers ----------------------------------------------------------------------------


def _empty_history() -> dict[str, list]:
    return {"lr": [], "lrs": [], "loss": [], "raw_loss": [], "train_loss": []}


def _check_schedule(
    start_lr: Any, end_lr: Any, num_iter: Any, step_mode: Any
) -> tuple[float, float, int]:
    check_choice("step_mode", step_mode, _STEP_MODES)
    num_iter = check_int("num_iter", num_iter, 2, _MAX_ITER)
    start_lr = check_finite("start_lr", start_lr)
    end_lr = check_finite("end_lr", end_lr)
    if step_mode == "exp" and not start_lr > 0:
        raise ValueError(f"start_lr must be > 0 with step_mode='exp', got {shown(start_lr)}")
    if step_mode == "linear" and start_lr < 0:
        raise ValueError(f"start_lr must be >= 0 with step_mode='linear', got {shown(start_lr)}")
    if not end_lr > start_lr:
        raise ValueError(f"end_lr must be greater than start_lr={start_lr!r}, got {shown(end_lr)}")
    return start_lr, end_lr, num_iter


def _check_smooth_f(smooth_f: Any) -> float:
    return check_range("smooth_f", smooth_f, 0, 1, high_open=True)


def _losses(losses: Any, at_least: int) -> np.ndarray:
    """The losses as a 1-D float array of at least ``at_least`` points (NaN and inf allowed)."""
    return check_series("losses", losses, at_least, finite=False)


def _non_persistent_buffers(model: nn.Module) -> Iterator[tuple[nn.Module, str, Any]]:
    for module in model.modules():
        for name in sorted(module._non_persistent_buffers_set):
            if name in module._buffers:
                yield module, name, module._buffers[name]


def _cycle(loader: Iterable) -> Iterator:
    """Batches of ``loader`` for ever, starting it again whenever it runs out."""
    while True:
        empty = True
        for batch in loader:
            empty = False
            yield batch
        if empty:
            raise ValueError("train_loader must yield at least one batch, got none")


def _to_device(x: Any, device: torch.device) -> Any:
    if isinstance(x, torch.Tensor):
        return x.to(device)
    if isinstance(x, (tuple, list)):
        return type(x)(_to_device(v, device) for v in x)
    if isinstance(x, dict):
        return {k: _to_device(v, device) for k, v in x.items()}
    return x


def _cpu_copy(value: Any) -> Any:
    if isinstance(value, torch.Tensor):
        return value.detach().to("cpu", copy=True)
    return copy.deepcopy(value)
