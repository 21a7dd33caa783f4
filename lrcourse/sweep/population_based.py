"""Population-based training (PBT), and PBT against a grid search at equal compute.

PBT (Jaderberg et al., 2017) trains a population side by side, like
``train_many``, and every ``ready_every`` steps lets the worst members copy the
best: the bottom ``fraction`` take over the weights, optimizer state and
hyper-parameters of a random member of the top ``fraction`` (exploit) and
multiply its learning rate by 0.8 or 1.2 (explore). ``exploit_explore`` is one
such round as two vectors; ``pbt`` the whole training; ``grid_vs_pbt`` runs a
grid (``train_many`` without early stopping) and PBT over the same members.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence

import torch
from torch import nn

from lrcourse._checks import check_int, check_positive, check_range, shown
from lrcourse.sweep.forward import _evaluate, stacked_forward
from lrcourse.sweep.inputs import _prepare, epoch_batches
from lrcourse.sweep.members import Member, _check_pair
from lrcourse.sweep.population import _Population
from lrcourse.sweep.results import PBTResult, Run, SweepResult
from lrcourse.sweep.training import _progress, _train_step, train_many

__all__ = ["exploit_explore", "grid_vs_pbt", "pbt"]


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

    Args:
        fitness: (n,) each member's score, higher is better; NaN ranks last.
        fraction: the share of members replaced, in (0, 0.5].
        factors: the two rate multipliers, finite numbers > 0.
        generator: the source of the random choices (None: PyTorch's global one).

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
    factors = _check_pair("factors", factors, check_positive)
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

    Args:
        model, members, x_train, y_train, x_val, y_val, batch_size, seed, dtype,
            engine, progress: as in ``train_many``.
        steps: the steps every member trains.
        ready_every: the steps between two rounds of exploit and explore (none
            after the last step).
        fraction, factors: as in ``exploit_explore``.

    Example:
        >>> from lrcourse.models import digits_mlp
        >>> from lrcourse.sweep.members import grid_members
        >>> x, y = torch.randn(64, 64), torch.randint(0, 10, (64,))
        >>> result = pbt(lambda: digits_mlp(8, seed=0), grid_members(["Adam"], [1e-4, 1e-3, 1e-2]),
        ...              x, y, steps=20, ready_every=10, fraction=0.34, progress=False)
        >>> result.ready_steps, len(result.events), result.member_steps
        ([10], 1, 60)
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
