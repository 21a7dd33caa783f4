"""Exercises of the optimizer x learning-rate lesson (notebook 11).

- ``check_fastest_rate(fn)``: ``fn(result, optimizer)`` returns the learning
  rate with which ``optimizer`` reached the target in the fewest steps, read
  from a ``SweepResult``'s rows. Tried on small hand-made tables built to catch
  the usual slips (counting a diverged run's early stop as fast, forgetting to
  keep only one optimizer, returning the steps instead of the rate).
- ``check_rate_choice(result, optimizers, lr, max_steps)``: is ``lr`` a rate of
  the sweep at which every one of ``optimizers`` reached the target in at most
  ``max_steps`` steps?
- ``check_pbt_copies(count)`` (a prediction): how many copies (exploit events) PBT
  makes with 10 members, the bottom 20% replaced every 25 steps, for 300 steps.

The reference solutions are below, for teachers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from lrcourse.exercises._base import (
    Check,
    SetupError,
    checker,
    report,
    report_value,
    value_problem,
)
from lrcourse.sweep import Member, Run, SweepResult

__all__ = [
    "check_fastest_rate",
    "check_rate_choice",
    "check_pbt_copies",
    "solution_fastest_rate",
    "solution_rate_choice",
    "notebook_solution_rate_choice",
    "solution_pbt_copies",
]


# ----------------------------------------------------------------------------------
# Reference solutions
# ----------------------------------------------------------------------------------


def solution_fastest_rate(result: SweepResult, optimizer: str) -> float:
    """The rate of ``optimizer``'s reached run with the fewest steps."""
    reached = [r for r in result.rows if r.optimizer == optimizer and r.status == "reached"]
    return min(reached, key=lambda r: r.steps).lr


def solution_rate_choice(
    result: SweepResult, optimizers: Sequence[str], max_steps: int
) -> list[float]:
    """Every rate at which all ``optimizers`` reached the target within ``max_steps`` steps."""
    good = []
    for lr in sorted({r.lr for r in result.rows}):
        runs = [r for r in result.rows if r.lr == lr and r.optimizer in optimizers]
        if len(runs) == len(optimizers) and all(
            r.status == "reached" and r.steps <= max_steps for r in runs
        ):
            good.append(lr)
    return good


#: Exercise 3's answer cell in the lesson's own names (the classroom kit grades it with
#: nbgrader): any rate of ``solution_rate_choice`` will do; this takes the lowest.
notebook_solution_rate_choice = """\
from lrcourse.exercises.grid import solution_rate_choice

my_rate = solution_rate_choice(sweep, ["Adam", "Momentum"], max_steps=250)[0]
"""


# ----------------------------------------------------------------------------------
# Checkers
# ----------------------------------------------------------------------------------


class _Table(SweepResult):
    """A hand-made sweep table that prints as its name (checkers show their inputs)."""

    def __init__(self, name: str, rows: list[Run]) -> None:
        super().__init__(rows=rows, seconds=0.0, member_steps=sum(r.stopped_at for r in rows),
                         target_accuracy=0.97, max_steps=1000)
        self.name = name

    def __repr__(self) -> str:
        return f"<table {self.name!r}>"


def _run(optimizer: str, lr: float, status: str, stopped_at: int) -> Run:
    return Run(optimizer=optimizer, lr=lr, status=status,
               steps=stopped_at if status == "reached" else None, stopped_at=stopped_at,
               seconds=0.0, final_loss=0.1 if status == "reached" else 2.3,
               train_accuracy=0.97 if status == "reached" else 0.1, val_accuracy=None,
               member=Member(optimizer, lr))


def _tables() -> list[tuple[_Table, str, str]]:
    """(table, optimizer, hint) cases; each catches one slip (the earlier ones let it pass)."""
    early_divergence = _Table("a diverged run stops first", [
        _run("SGD", 0.01, "capped", 1000), _run("SGD", 0.1, "reached", 420),
        _run("SGD", 0.3, "reached", 260), _run("SGD", 3.0, "diverged", 4),
    ])
    two_optimizers = _Table("two optimizers", [
        _run("Adam", 0.001, "reached", 500), _run("Adam", 0.01, "reached", 110),
        _run("SGD", 0.01, "capped", 1000), _run("SGD", 0.1, "reached", 300),
        _run("SGD", 1.0, "reached", 90),
    ])
    not_sorted = _Table("rows not in rate order", [
        _run("RMSprop", 0.1, "diverged", 12), _run("RMSprop", 0.003, "reached", 150),
        _run("RMSprop", 1e-5, "capped", 1000), _run("RMSprop", 0.001, "reached", 330),
        _run("RMSprop", 0.01, "reached", 170),
    ])
    return [
        (two_optimizers, "SGD", "the answer is a learning rate (row.lr), not a number of steps."),
        (early_divergence, "SGD", "only runs with status 'reached' count: a diverged run "
                                  "stops early because it failed, not because it was fast."),
        (two_optimizers, "Adam", "keep only the rows of the optimizer asked for "
                                 "(row.optimizer == optimizer)."),
        (not_sorted, "RMSprop", "compare row.steps of the reached runs; do not assume the rows "
                                "are sorted by rate."),
    ]


@checker("fastest_rate")
def check_fastest_rate(fn: Callable[[SweepResult, str], float]) -> bool:
    """Check ``fn(result, optimizer)`` -> the rate of the fastest reached run."""
    checks = [Check((table, opt), solution_fastest_rate(table, opt), hint)
              for table, opt, hint in _tables()]
    return report("fastest_rate", fn, checks)


@checker("rate choice", takes_function=False)
def check_rate_choice(
    result: SweepResult, optimizers: Sequence[str], lr: Any, max_steps: int
) -> bool:
    """Say whether every one of ``optimizers`` reached the target within ``max_steps`` at ``lr``."""
    name = "rate choice"
    if not isinstance(result, SweepResult):
        raise SetupError(f"result must be a SweepResult, got {type(result).__name__}")
    if isinstance(max_steps, bool) or not isinstance(max_steps, int) or max_steps < 1:
        raise SetupError(f"max_steps must be a positive integer, got {max_steps!r}")
    optimizers = list(optimizers)
    known = sorted({r.optimizer for r in result.rows})
    for opt in optimizers:
        if opt not in known:
            raise SetupError(f"optimizers must be among the sweep's {known}, got {opt!r}")
    if lr is None or lr is Ellipsis:
        print(f"⏳ {name}: not done yet. Set the rate you chose and run again.")
        return False
    problem = value_problem(lr)
    if problem or not lr > 0:
        print(f"❌ {name}: a learning rate is a positive number; {problem or f'got {lr!r}.'}")
        return False
    lr = float(lr)
    rates = sorted({r.lr for r in result.rows})
    match = [r for r in rates if math.isclose(r, lr, rel_tol=1e-3)]
    if not match:
        near = min(rates, key=lambda r: abs(math.log(r) - math.log(lr)))
        print(f"❌ {name}: {lr:.3g} is not one of the sweep's rates (the nearest is {near:.3g}). "
              "Hint: use one of the sweep's rates exactly, e.g. from its table.")
        return False
    lr = match[0]
    for opt in optimizers:
        run = next(r for r in result.rows if r.optimizer == opt and r.lr == lr)
        if run.status != "reached":
            print(f"❌ {name}: at lr {lr:.3g}, {opt} {run.status} (it did not reach the "
                  f"target). Hint: look for a rate inside every optimizer's valley.")
            return False
        if run.steps > max_steps:
            print(f"❌ {name}: at lr {lr:.3g}, {opt} needed {run.steps} steps, more than "
                  f"{max_steps}. Hint: move towards the bottom of its valley.")
            return False
    steps = ", ".join(
        f"{opt} {next(r.steps for r in result.rows if r.optimizer == opt and r.lr == lr)}"
        for opt in optimizers
    )
    print(f"✅ {name}: at lr {lr:.3g} every optimizer reaches the target in at most "
          f"{max_steps} steps ({steps}).")
    return True


# ----------------------------------------------------------------------------------
# Prediction
# ----------------------------------------------------------------------------------

#: PBT ranks the members after steps 25, 50, ..., 275 (not after the last step, 300:
#: training is over), 11 rounds; in each, the bottom floor(0.2 * 10) = 2 members copy
#: one of the top 2, so 2 copies per round.
solution_pbt_copies = (300 // 25 - 1) * int(0.2 * 10)


@checker("PBT copies", takes_function=False)
def check_pbt_copies(count: Any) -> bool:
    """Check a prediction: the number of copies PBT makes with 10 members, the bottom
    20% replaced every 25 steps, over 300 steps."""
    mistakes = {
        "no round after step 300: training ends there, so a copy would be of no use. "
        "Rounds come after steps 25, 50, ..., 275.": 12 * 2,
        "count copies, not rounds: in each round 20% of 10 members, 2 of them, are replaced.":
            11,
        "20% of 10 members is 2 copies per round, not 1.": 12,
        "only the bottom 20% copy; the top 20% are copied from and keep their own weights.":
            11 * 4,
        "the top 20% are copied from, they do not copy: 2 copies per round, not 4.": 12 * 4,
        "the rounds are at steps 25 to 275, not at step 0: nothing to rank before training.":
            13 * 2,
    }
    return report_value("PBT copies", count, solution_pbt_copies, mistakes,
                        "count the rounds (one every 25 steps, while training goes on), then "
                        "multiply by the members replaced in each round.", rel=1e-9)
