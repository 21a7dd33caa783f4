"""The optimizer x learning-rate study on Ray Tune: from one laptop to a cluster.

``lrcourse.sweep`` trains many members side by side in one process. That is
enough for the course's tiny network; a study on a real model and data set
needs many machines or GPUs, trials that survive a lost worker, and the
schedulers a tuning engine brings. Ray Tune is such an engine, and it runs the
same code on one laptop and on a cluster. This module runs the course's two
searches on it, with the results in the types the lessons already read:

- ``tune_grid``: exactly the study of ``lrcourse.sweep.train_many`` (same
  members, initial weights, batches and stopping rules), each Ray Tune trial
  training a chunk of ``members_per_trial`` members with ``train_many`` itself.
  Returns a ``SweepResult``, so every analysis of lesson 11 works on it.
- ``tune_pbt``: population-based training with Ray Tune's
  ``PopulationBasedTraining`` scheduler (a distributed implementation of
  Jaderberg et al., 2017), set to the lesson's rule: every ``ready_every``
  steps the bottom ``fraction`` of trials copy a random trial of the top
  ``fraction`` (weights, optimizer state and settings) and multiply its rate
  by 0.8 or 1.2. Returns a ``PBTResult``, as ``lrcourse.sweep.pbt`` does.

Where Ray runs: ``address=None`` starts a local Ray on this machine's cores,
without the dashboard, once per Python process (later calls reuse it;
``shutdown()`` stops it); an address such as ``"auto"`` (after ``ray start
--head`` on this machine) or ``"ray://host:10001"`` joins an existing cluster,
whose every node needs ``lrcourse`` installed. Ray's logs stay out of the
notebook: its workers' output is not forwarded, its loggers print errors only,
usage statistics are off, and Tune's console table is replaced by one progress
bar (``tqdm.auto``).

Ray is the optional extra ``scale``: ``pip install -e '.[scale]'``. No other
module of ``lrcourse`` imports it.

Example (not run by the doctests: it starts Ray):

    >>> from lrcourse.data import load_digits                 # doctest: +SKIP
    >>> from lrcourse.models import digits_cnn                # doctest: +SKIP
    >>> from lrcourse.sweep import grid_members               # doctest: +SKIP
    >>> result = tune_grid(lambda: digits_cnn(seed=0),        # doctest: +SKIP
    ...                    grid_members(["SGD", "Adam"], [0.003, 0.03, 0.3]), *load_digits(),
    ...                    max_steps=400, members_per_trial=3, progress=False)
    >>> result.column("status")                               # doctest: +SKIP
    ['capped', 'capped', 'reached', 'reached', 'reached', 'diverged']
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import math
import os
import random
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

# Before Ray is imported: no usage statistics, Tune's plain (silenceable) console
# output, and no result files (CSV, JSON, TensorBoard) for every trial.
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
os.environ.setdefault("RAY_AIR_NEW_OUTPUT", "0")
os.environ.setdefault("TUNE_DISABLE_AUTO_CALLBACK_LOGGERS", "1")

try:
    import ray
    from ray import tune
    from ray.tune.schedulers import PopulationBasedTraining
except ImportError as error:  # pragma: no cover - exercised without the extra
    raise ImportError(
        "lrcourse.tune needs Ray Tune, which comes with the optional extra lrcourse[scale]: "
        "run `pip install -e '.[scale]'` in the course's folder (or `make test-scale`, "
        "which installs it into .venv-scale)"
    ) from error

import torch
from torch import nn

from lrcourse._checks import (
    check_bool,
    check_choice,
    check_finite,
    check_int,
    check_range,
    shown,
)
from lrcourse.sweep.forward import ENGINES, _evaluate, stacked_forward
from lrcourse.sweep.inputs import _prepare, epoch_batches
from lrcourse.sweep.members import Member
from lrcourse.sweep.population import _Population
from lrcourse.sweep.population_based import exploit_explore
from lrcourse.sweep.results import PBTResult, Run, SweepResult
from lrcourse.sweep.training import _train_step, train_many

__all__ = ["TuneSweepResult", "connect", "shutdown", "tune_grid", "tune_pbt"]

#: How often ``connect`` tries to start a local Ray: on a busy machine Ray's
#: node start-up can pass its fixed 30-second limit once.
_START_TRIES = 2

#: ``(address,)`` of the Ray that ``connect`` started or joined, None before.
_joined: tuple[str | None] | None = None


# ---------------------------------------------------------------------------
# Ray itself: start or join, stop, keep quiet
# ---------------------------------------------------------------------------


def connect(address: str | None = None, *, num_cpus: int | None = None) -> dict[str, float]:
    """Start a local Ray, or join a cluster; return the resources Ray sees.

    Args:
        address: None starts Ray on this machine (``num_cpus`` cores, default all
            of them) without the dashboard; ``"auto"`` joins the cluster started
            on this machine by ``ray start --head``; ``"host:6379"`` or
            ``"ray://host:10001"`` a remote one. A Ray already running in this
            process is reused; to join another, ``shutdown()`` first.
        num_cpus: cores of the local Ray (only with ``address=None``).

    Returns:
        the cluster's resources, e.g. ``{"CPU": 2.0, "memory": ..., ...}``.
    """
    if address is not None and (not isinstance(address, str) or not address.strip()):
        raise ValueError(f"address must be None or a Ray address such as 'auto', "
                         f"got {shown(address)}")
    if num_cpus is not None:
        num_cpus = check_int("num_cpus", num_cpus, 1)
        if address is not None:
            raise ValueError(f"num_cpus is for a local Ray (address=None), got address "
                             f"{address!r} with num_cpus={num_cpus}")
    global _joined
    if ray.is_initialized():
        if _joined is not None and address != _joined[0]:
            raise ValueError(f"address {address!r}: this process already runs Ray (from "
                             f"address={_joined[0]!r}); call lrcourse.tune.shutdown() first")
    else:
        settings: dict[str, Any] = {"log_to_driver": False, "logging_level": logging.ERROR}
        if address is None:
            settings.update(address="local", num_cpus=num_cpus or os.cpu_count() or 1,
                            include_dashboard=False)
        else:
            settings.update(address=address)
        for attempt in range(_START_TRIES):
            try:
                ray.init(**settings)
                break
            except Exception as error:  # Ray raises a bare Exception on a slow start
                ray.shutdown()
                if attempt + 1 == _START_TRIES or "timed out" not in str(error):
                    raise
        _joined = (address,)
    return {k: float(v) for k, v in ray.cluster_resources().items()}


def shutdown() -> None:
    """Stop the Ray this process started (or leave the cluster it joined)."""
    global _joined
    ray.shutdown()
    _joined = None


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    """Ray Tune's loggers silent while it runs: a failed trial is reported in the
    result, not as a traceback on stderr."""
    loggers = [logging.getLogger(name) for name in ("ray.tune", "ray.air", "ray.train")]
    levels = [lg.level for lg in loggers]
    for lg in loggers:
        lg.setLevel(logging.CRITICAL + 1)
    try:
        yield
    finally:
        for lg, level in zip(loggers, levels, strict=True):
            lg.setLevel(level)


class _Progress(tune.Callback):
    """One ``tqdm.auto`` bar for the whole search, fed by Tune's events in the driver."""

    def __init__(self, total: int, desc: str, enabled: bool,
                 by_trial: Callable[[Any, dict | None], int]) -> None:
        from tqdm.auto import tqdm

        self.bar = tqdm(total=total, desc=desc, disable=not enabled, leave=False)
        self.by_trial = by_trial
        self.started: dict[str, int] = {}  # trial id -> first config's slot (PBT)
        self.results: list[tuple[str, dict]] = []

    def on_trial_start(self, iteration: int, trials: list, trial: Any, **info: Any) -> None:
        self.started.setdefault(trial.trial_id, trial.config.get("member", {}).get("slot", -1))

    def on_trial_result(self, iteration: int, trials: list, trial: Any, result: dict,
                        **info: Any) -> None:
        self.results.append((trial.trial_id, dict(result)))
        self.bar.update(self.by_trial(trial, result))

    def on_trial_complete(self, iteration: int, trials: list, trial: Any, **info: Any) -> None:
        self.bar.update(self.by_trial(trial, None))

    def on_trial_error(self, iteration: int, trials: list, trial: Any, **info: Any) -> None:
        self.bar.update(self.by_trial(trial, None))

    def close(self) -> None:
        self.bar.close()


class _Silent(tune.ProgressReporter):
    """Tune's console (or, in a notebook, HTML) table of trials, switched off: the
    notebook shows ``_Progress``'s bar instead."""

    def should_report(self, trials: list, done: bool = False) -> bool:
        return False

    def report(self, trials: list, done: bool, *sys_info: Any) -> None:
        pass


def _check_resources(resources: Any) -> dict[str, float]:
    if resources is None:
        return {"cpu": 1.0}
    if not isinstance(resources, Mapping) or not resources:
        raise ValueError(f"resources_per_trial must be a dict such as {{'cpu': 1, 'gpu': 1}}, "
                         f"got {shown(resources)}")
    checked = {}
    for key, value in resources.items():
        if not isinstance(key, str):
            raise ValueError(f"resources_per_trial's keys must be resource names, got {key!r}")
        checked[key] = check_finite(f"resources_per_trial[{key!r}]", value, 0)
    if checked.get("cpu", 0) <= 0:
        raise ValueError(f"resources_per_trial must give each trial cpu > 0, got "
                         f"{shown(resources)}")
    return checked


def _check_storage(storage_path: Any) -> str | None:
    if storage_path is not None and not isinstance(storage_path, str | os.PathLike):
        raise ValueError(f"storage_path must be None or a directory (a path, or a URI such "
                         f"as 's3://bucket/dir'), got {shown(storage_path)}")
    return None if storage_path is None else os.fspath(storage_path)


def _run_config(name: str, storage: str, callbacks: list, max_failures: int,
                stop: dict | None = None) -> tune.RunConfig:
    return tune.RunConfig(name=name, storage_path=storage, verbose=0, callbacks=callbacks,
                          progress_reporter=_Silent(),
                          failure_config=tune.FailureConfig(max_failures=max_failures),
                          stop=stop)


def _in_trial(threads: int, default_dtype: torch.dtype) -> None:
    """A trial's process computes as the driver does: the driver's default dtype, and
    as many threads as the trial has cores."""
    torch.set_num_threads(max(1, threads))
    torch.set_default_dtype(default_dtype)


@contextlib.contextmanager
def _storage(storage_path: str | None) -> Iterator[str]:
    """Where Tune keeps the trials' checkpoints: the given path, or a temporary folder
    removed afterwards."""
    if storage_path is not None:
        yield storage_path
        return
    folder = tempfile.mkdtemp(prefix="lrcourse-tune-")
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# ---------------------------------------------------------------------------
# The grid: train_many, one chunk of members per trial
# ---------------------------------------------------------------------------


@dataclasses.dataclass
class TuneSweepResult(SweepResult):
    """A ``SweepResult`` from Ray Tune: the same table, plus the trials that failed.

    A member whose trial raised (or whose worker was lost more often than
    ``max_failures``) has the status ``"failed"``, NaN loss and accuracy, and its
    index in the members maps to the error's text in ``errors``. The other rows
    are exactly what ``train_many`` gives. ``trials`` is the number of Ray Tune trials.
    """

    errors: dict[int, str] = dataclasses.field(default_factory=dict)
    trials: int = 0

    def summary(self) -> str:
        failed = len(self.select(status="failed"))
        return super().summary() + (f"; {failed} failed" if failed else "")


def _grid_trial(config: dict, *, model: nn.Module, members: list[Member], data: tuple,
                settings: dict, threads: int, default_dtype: torch.dtype) -> None:
    """One trial of ``tune_grid``: ``train_many`` on the members ``config["chunk"]``."""
    _in_trial(threads, default_dtype)
    chunk = config["chunk"]
    result = train_many(model, [members[i] for i in chunk], *data, **settings, progress=False)
    tune.report({"runs": result.rows, "member_steps": result.member_steps, "done_members": len(chunk)})


def _failed_run(member: Member) -> Run:
    return Run(optimizer=member.optimizer, lr=member.lr, status="failed", steps=None,
               stopped_at=0, seconds=math.nan, final_loss=math.nan,
               train_accuracy=math.nan, val_accuracy=None, member=member)


def tune_grid(
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
    members_per_trial: int = 1,
    address: str | None = None,
    resources_per_trial: Mapping[str, float] | None = None,
    max_failures: int = 0,
    storage_path: str | os.PathLike | None = None,
    progress: bool = True,
) -> TuneSweepResult:
    """``train_many``'s study as Ray Tune trials: same members, same results.

    The members are cut in order into chunks of ``members_per_trial``; each
    chunk is one Ray Tune trial, which runs ``train_many`` on it with every
    other argument unchanged. A member's training in ``train_many`` does not
    depend on the others (same initial weights, same batches, its own stopping
    rule), so the table equals ``train_many(model, members, ...)``'s: in float64
    statuses and steps are equal and the numbers agree to about 1e-9 (float32
    may differ in the last digits). A chaotic training, on the wall of a valley,
    is the exception in either type: its last-bit differences grow, as they do
    between two populations of different sizes in ``train_many``. ``seconds`` of a row is the time within its trial;
    the result's ``seconds`` the wall time of the whole search.

    ``members_per_trial=1`` is the plain Ray Tune way (one trial per
    configuration, the finest scheduling); a larger chunk trains its members
    vectorised, as ``train_many`` does, and pays Ray's cost per trial (starting
    a worker, sending the data) once per chunk: on a cluster, a chunk per core
    keeps every node busy with few trials.

    Args:
        model, members, x_train, y_train, x_val, y_val, batch_size,
            target_accuracy, max_steps, check_every, divergence_factor,
            record_every, seed, dtype, engine, progress: as in ``train_many``
            (``progress`` shows one bar of members done).
        members_per_trial: members trained together in one trial, >= 1.
        address: where Ray runs (see ``connect``): None for a local Ray.
        resources_per_trial: what each trial reserves, default ``{"cpu": 1}``;
            the trial's PyTorch uses that many threads. (The course's engine
            computes on the CPU; reserve ``"gpu"`` for trainables of your own.)
        max_failures: how often a failed trial is started again (0: never;
            on a cluster, a trial whose worker was lost is started again).
        storage_path: where Tune keeps its experiment folder: None for a
            temporary folder removed afterwards.

    Returns:
        a ``TuneSweepResult`` (a ``SweepResult``) with one row per member, in order.
    """
    built, members = _prepare(model, members, x_train, y_train, x_val, y_val,
                              batch_size, seed, dtype, progress)
    settings = _grid_settings(batch_size, target_accuracy, max_steps, check_every,
                              divergence_factor, record_every, seed, dtype, engine)
    members_per_trial = check_int("members_per_trial", members_per_trial, 1)
    resources = _check_resources(resources_per_trial)
    max_failures = check_int("max_failures", max_failures, 0)
    storage_path = _check_storage(storage_path)
    connect(address)

    chunks = [list(range(i, min(i + members_per_trial, len(members))))
              for i in range(0, len(members), members_per_trial)]
    trainable = tune.with_resources(
        tune.with_parameters(_grid_trial, model=built, members=members,
                             data=(x_train, y_train, x_val, y_val), settings=settings,
                             threads=int(resources["cpu"]),
                             default_dtype=torch.get_default_dtype()),
        resources)
    bar = _Progress(len(members), "tune grid", progress,
                    lambda trial, result: 0 if result is not None else len(trial.config["chunk"]))
    start = time.perf_counter()
    with _storage(storage_path) as storage, _quiet():
        # reuse_actors: a worker process serves trial after trial (starting one
        # and importing PyTorch in it costs more than training a small chunk).
        tuner = tune.Tuner(trainable, param_space={"chunk": tune.grid_search(chunks)},
                           tune_config=tune.TuneConfig(reuse_actors=True),
                           run_config=_run_config("grid", storage, [bar], max_failures))
        try:
            grid = tuner.fit()
        finally:
            bar.close()
    rows: list[Run | None] = [None] * len(members)
    errors: dict[int, str] = {}
    member_steps = 0
    for trial in grid:
        chunk = trial.config["chunk"]
        if trial.error is not None or "runs" not in trial.metrics:
            text = _error_text(trial.error)
            for i in chunk:
                rows[i], errors[i] = _failed_run(members[i]), text
            continue
        member_steps += trial.metrics["member_steps"]
        for i, run in zip(chunk, trial.metrics["runs"], strict=True):
            rows[i] = dataclasses.replace(run, member=members[i])
    return TuneSweepResult(rows=rows, seconds=time.perf_counter() - start,  # type: ignore[arg-type]
                           member_steps=member_steps, target_accuracy=settings["target_accuracy"],
                           max_steps=settings["max_steps"], errors=errors, trials=len(chunks))


def _grid_settings(batch_size: int, target_accuracy: Any, max_steps: Any, check_every: Any,
                   divergence_factor: Any, record_every: Any, seed: int, dtype: torch.dtype,
                   engine: Any) -> dict[str, Any]:
    """``train_many``'s keyword arguments, checked here (before Ray starts) as it checks them."""
    if target_accuracy is not None:
        target_accuracy = check_range("target_accuracy", target_accuracy, 0, 1, low_open=True)
    if record_every is not None:
        record_every = check_int("record_every", record_every, 1)
    return {
        "batch_size": batch_size,
        "target_accuracy": target_accuracy,
        "max_steps": check_int("max_steps", max_steps, 1),
        "check_every": check_int("check_every", check_every, 1),
        "divergence_factor": check_range("divergence_factor", divergence_factor, 1, math.inf,
                                         low_open=True, high_open=True),
        "record_every": record_every,
        "seed": seed,
        "dtype": dtype,
        "engine": check_choice("engine", engine, ENGINES),
    }


def _error_text(error: BaseException | None) -> str:
    """The last line of a trial's error (Ray wraps it in a RayTaskError with a traceback)."""
    if error is None:
        return "the trial ended without a result"
    cause = getattr(error, "cause", None) or error
    lines = str(cause).strip().splitlines()
    return f"{type(cause).__name__}: {lines[-1]}" if lines else type(cause).__name__


# ---------------------------------------------------------------------------
# Population-based training: one member per trial, Tune's PBT scheduler
# ---------------------------------------------------------------------------


class _SeededPBT(PopulationBasedTraining):
    """Tune's PBT scheduler drawing its choices from its own seeded generator.

    It draws from Python's global ``random``, which Ray's driver also shuffles
    with, as many times as the timing of its workers asks: seeded once, the
    choices would still change from run to run. Here the global generator holds
    the scheduler's own state only while the scheduler decides.
    """

    def __init__(self, seed: int, **settings: Any) -> None:
        super().__init__(**settings)
        self._random_state = random.Random(seed).getstate()

    def on_trial_result(self, tune_controller: Any, trial: Any, result: dict) -> str:
        outside = random.getstate()
        random.setstate(self._random_state)
        try:
            return super().on_trial_result(tune_controller, trial, result)
        finally:
            self._random_state = random.getstate()
            random.setstate(outside)


def _pbt_trial(config: dict, *, model: nn.Module, data: tuple, settings: dict, threads: int,
               default_dtype: torch.dtype) -> None:
    """One member of ``tune_pbt``: train, and every ``ready_every`` steps report the
    fitness with a checkpoint (weights, optimizer state, step) that PBT may hand to
    another trial. A trial started from another trial's checkpoint reports that copy."""
    _in_trial(threads, default_dtype)
    x_train, y_train, x_val, y_val = data
    dtype, steps, ready_every = settings["dtype"], settings["steps"], settings["ready_every"]
    x_train = x_train.to(dtype)
    x_val = None if x_val is None else x_val.to(dtype)
    forward = stacked_forward(model, settings["engine"])
    spec = config["member"]
    member = Member(spec["optimizer"], spec["lr"], **spec["hyper"])
    me = tune.get_context().get_trial_id()
    event: dict[str, Any] = {}
    checkpoint = tune.get_checkpoint()
    if checkpoint is None:
        w0 = torch.cat([p.detach().reshape(-1) for p in model.parameters()])
        pop, step = _Population([member], w0, dtype), 0
    else:
        with checkpoint.as_directory() as folder:
            state = torch.load(Path(folder) / "state.pt", weights_only=False)
        pop, step = state["pop"], state["step"]
        pop.rows["lr"].fill_(member.lr)  # the rate PBT chose (explore), else the same
        if state["trial"] != me:
            event = {"copied_from": state["trial"], "copied_at": step, "source_lr": state["lr"]}
    batches = epoch_batches(x_train.shape[0], settings["batch_size"], settings["seed"])
    for _ in range(step):  # the batches this member's weights have already seen
        next(batches)
    while step < steps:
        idx = next(batches)
        _train_step(pop, forward, x_train[idx], y_train[idx])
        step += 1
        if step % ready_every and step < steps:
            continue
        loss, acc = _evaluate(forward, pop.params, x_train, y_train)
        val = None if x_val is None else float(_evaluate(forward, pop.params, x_val, y_val)[1][0])
        metrics = {"step": step, "accuracy": float(acc[0]) if val is None else val,
                   "loss": float(loss[0]), "train_accuracy": float(acc[0]),
                   "val_accuracy": val, "lr": member.lr, **event}
        event = {}
        with tempfile.TemporaryDirectory() as folder:
            torch.save({"pop": pop, "step": step, "trial": me, "lr": member.lr},
                       Path(folder) / "state.pt")
            tune.report(metrics, checkpoint=tune.Checkpoint.from_directory(folder))


def tune_pbt(
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
    address: str | None = None,
    resources_per_trial: Mapping[str, float] | None = None,
    max_failures: int = 0,
    storage_path: str | os.PathLike | None = None,
    progress: bool = True,
) -> PBTResult:
    """Population-based training with Ray Tune's ``PopulationBasedTraining`` scheduler.

    Each member is one trial; all train on the batches of ``train_many`` and
    ``pbt``. Every ``ready_every`` steps every trial reports its fitness
    (validation accuracy if given, else training accuracy) with a checkpoint
    and waits for the others (Tune's synchronous PBT). Then the bottom
    ``fraction`` of trials each take over the checkpoint and the settings of a
    random trial of the top ``fraction`` (exploit: weights, optimizer state,
    family and rate) and multiply the rate by one of ``factors`` (explore),
    as in ``lrcourse.sweep.pbt``. Tune counts ``ceil(fraction * n)`` trials in
    each group (``pbt`` rounds down; they agree when ``fraction * n`` is whole).
    No copy follows the last step. The compute is ``len(members) * steps``
    member-steps, as for a grid of the same members without early stopping.

    A copy restarts the trial from the other trial's checkpoint, so a trial
    whose worker is lost can restart from its own last one
    (``max_failures``). On a cluster of several machines, ``storage_path``
    must be a folder every node sees (a network file system or a cloud URI).
    The scheduler's random choices come from a generator seeded with ``seed``,
    so a run is reproducible (the choices differ from ``pbt``'s, which draws
    them from PyTorch's generator).

    Args:
        model, members, x_train, y_train, x_val, y_val, steps, ready_every,
            fraction, factors, batch_size, seed, dtype, engine, progress: as in
            ``lrcourse.sweep.pbt`` (``progress`` counts member-steps).
        address, resources_per_trial, max_failures, storage_path: as in
            ``tune_grid``.

    Returns:
        a ``PBTResult``: final members and rows by slot (slot ``i`` is the
        trial that started as ``members[i]``), each slot's rate after each
        round and fitness at each round, every copy as
        ``(step, slot, source_slot, new_lr)``, and the final weights.

    Raises:
        RuntimeError: a trial failed (more often than ``max_failures``): a
            population with a hole in it has no result to give.
    """
    built, members = _prepare(model, members, x_train, y_train, x_val, y_val,
                              batch_size, seed, dtype, progress)
    steps = check_int("steps", steps, 1)
    ready_every = check_int("ready_every", ready_every, 1)
    exploit_explore(torch.zeros(1), fraction, factors)  # checks fraction and factors
    fraction, factors = float(fraction), (float(factors[0]), float(factors[1]))
    engine = check_choice("engine", engine, ENGINES)
    resources = _check_resources(resources_per_trial)
    max_failures = check_int("max_failures", max_failures, 0)
    storage_path = _check_storage(storage_path)
    check_bool("progress", progress)
    connect(address)

    n = len(members)
    specs = [{"slot": i, "optimizer": m.optimizer, "lr": m.lr, "hyper": dict(m.hyper)}
             for i, m in enumerate(members)]
    settings = {"steps": steps, "ready_every": ready_every, "batch_size": batch_size,
                "seed": seed, "dtype": dtype, "engine": engine}
    trainable = tune.with_resources(
        tune.with_parameters(_pbt_trial, model=built, data=(x_train, y_train, x_val, y_val),
                             settings=settings, threads=int(resources["cpu"]),
                             default_dtype=torch.get_default_dtype()),
        resources)
    lrs = [m.lr for m in members]
    scheduler = _SeededPBT(
        seed,
        time_attr="step", metric="accuracy", mode="max", perturbation_interval=ready_every,
        # With resample_probability 0 the domain is never sampled: it only marks
        # "lr" as a number to multiply by one of the factors.
        hyperparam_mutations={"member": {"lr": tune.loguniform(min(lrs) * 1e-3,
                                                               max(lrs) * 1e3)}},
        quantile_fraction=fraction, resample_probability=0.0,
        perturbation_factors=factors, synch=True, log_config=False)

    done: dict[str, int] = {}

    def advanced(trial: Any, result: dict | None) -> int:
        if result is None:
            return 0
        before, done[trial.trial_id] = done.get(trial.trial_id, 0), result["step"]
        return max(0, result["step"] - before)

    bar = _Progress(n * steps, "tune pbt", progress, advanced)
    start = time.perf_counter()
    with _storage(storage_path) as storage, _quiet():
        tuner = tune.Tuner(
            trainable, param_space={"member": tune.grid_search(specs)},
            tune_config=tune.TuneConfig(scheduler=scheduler, reuse_actors=True),
            run_config=_run_config("pbt", storage, [bar], max_failures,
                                   stop={"step": steps}))
        try:
            grid = tuner.fit()
        finally:
            bar.close()
        finals = {}
        for trial in grid:
            if trial.error is not None:
                raise RuntimeError(f"a trial of tune_pbt failed: {_error_text(trial.error)}")
            with trial.checkpoint.as_directory() as folder:
                state = torch.load(Path(folder) / "state.pt", weights_only=False)
            finals[trial.path] = (trial, state)
    elapsed = time.perf_counter() - start
    return _pbt_result(members, bar, finals, built, steps, ready_every, elapsed)


def _pbt_result(members: list[Member], bar: _Progress, finals: dict, template: nn.Module,
                steps: int, ready_every: int, elapsed: float) -> PBTResult:
    """Put the trials' reports together as ``lrcourse.sweep.pbt`` reports a run."""
    n = len(members)
    slot_of = bar.started
    ready_steps = list(range(ready_every, steps, ready_every))
    reports: list[dict[int, dict]] = [{} for _ in range(n)]  # slot -> step -> last report
    for trial_id, result in bar.results:
        reports[slot_of[trial_id]][result["step"]] = result
    fitness_history = [[reports[s][t]["accuracy"] for t in ready_steps] for s in range(n)]
    # The rate a slot trains with after round r is the rate of its next report.
    after = [*ready_steps[1:], steps]
    lr_history = [[reports[s][t]["lr"] for t in after] for s in range(n)]
    events = sorted(
        (r["copied_at"], s, slot_of[r["copied_from"]], r["lr"])
        for s in range(n) for r in reports[s].values() if r.get("copied_from")
    )
    final_members: list[Member | None] = [None] * n
    rows: list[Run | None] = [None] * n
    weights: list[torch.Tensor | None] = [None] * n
    for trial, state in finals.values():
        slot = slot_of[trial.metrics["trial_id"]]
        spec = trial.config["member"]
        member = Member(spec["optimizer"], spec["lr"], **spec["hyper"])
        final = reports[slot][steps]
        final_members[slot] = member
        weights[slot] = state["pop"].params[0]
        rows[slot] = Run(optimizer=member.optimizer, lr=member.lr, status="capped", steps=None,
                         stopped_at=steps, seconds=elapsed, final_loss=final["loss"],
                         train_accuracy=final["train_accuracy"],
                         val_accuracy=final["val_accuracy"], member=member)
    return PBTResult(members=final_members, rows=rows, ready_steps=ready_steps,  # type: ignore[arg-type]
                     lr_history=lr_history, fitness_history=fitness_history, events=events,
                     member_steps=n * steps, seconds=elapsed, weights=torch.stack(weights),
                     template=template)
