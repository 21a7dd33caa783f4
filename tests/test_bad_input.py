"""Bad input, generated: every public tool refuses it at once, by name.

For each public function (or method) and each of its checked arguments, hypothesis
draws values the argument must not take: numbers out of range, NaN and infinities,
``True``/``False`` where a number is meant, floats where an integer is meant, text,
``None``, lists, vectors... each bare or wrapped in a NumPy scalar, a 0-d array or
a 0-d tensor. The call, with every other argument valid, must raise ``ValueError``
or ``TypeError`` whose message names the argument: no other exception, and no
hang (each call runs under a few seconds' alarm).

The second half draws *valid* finite input for the pure functions and checks that
they never answer NaN (a rate too large for a float is a ``ValueError``, by the
schedules' overflow policy).
"""

from __future__ import annotations

import contextlib
import functools
import math
import signal
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from torch import nn
from torch.utils.data import DataLoader, TensorDataset

from lrcourse import curvature, data, ewma, lr_finder, models, optim, schedules, sweep, train
from lrcourse.lessons import two_steps as l_two_steps
from lrcourse.widgets import backprop as w_backprop
from lrcourse.widgets import cyclical as w_clr
from lrcourse.widgets import decay as w_schedules
from lrcourse.widgets import descent as w_descent
from lrcourse.widgets import surfaces as w_surfaces
from lrcourse.widgets import temperatures as w_ewma
from lrcourse.widgets import two_steps as w_optim
from lrcourse.widgets import variants as w_variants

SECONDS = 5  # per call: far above what a refusal takes, far below a hang


class Hang(Exception):
    pass


@contextlib.contextmanager
def time_limit(seconds: float = SECONDS) -> Iterator[None]:
    """Raise ``Hang`` if the block runs longer than ``seconds`` (main thread, POSIX)."""

    def alarm(_signum: int, _frame: Any) -> None:
        raise Hang(f"no answer after {seconds} s")

    previous = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


# --- small valid inputs ------------------------------------------------------------------


def _params() -> list[torch.Tensor]:
    return [torch.zeros(2, requires_grad=True)]


def _xy(n: int = 12) -> tuple[torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(0)
    return torch.randn(n, 1, 8, 8, generator=g), torch.arange(n) % 10


def _loader() -> DataLoader:
    x, y = _xy()
    return DataLoader(TensorDataset(x.flatten(1), y), batch_size=4)


def _net() -> nn.Module:
    torch.manual_seed(0)
    return nn.Linear(64, 10)


def _fit(**kw: Any) -> Any:
    net = _net()
    return train.fit(net, torch.optim.SGD(net.parameters(), lr=0.1), _loader(), **kw)


def _finder() -> lr_finder.LRFinder:
    net = _net()
    return lr_finder.LRFinder(net, torch.optim.SGD(net.parameters(), lr=0.1),
                              nn.CrossEntropyLoss())


def _finder_with_curve() -> lr_finder.LRFinder:
    finder = _finder()
    lrs = list(np.geomspace(1e-4, 1, 40))
    losses = list(2 + np.cos(np.linspace(0, 3, 40)))
    finder.history = {"lr": lrs, "lrs": [lrs], "loss": losses, "raw_loss": losses,
                      "train_loss": losses}
    finder.step_mode = "exp"
    return finder


def _train_many(**kw: Any) -> Any:
    x, y = _xy()
    args = dict(batch_size=4, max_steps=1, progress=False, **kw)
    return sweep.train_many(lambda: models.digits_mlp(hidden=4, seed=0),
                            [sweep.Member("SGD", 0.1)], x, y, **args)


def _pbt(**kw: Any) -> Any:
    x, y = _xy()
    args = dict(batch_size=4, steps=2, ready_every=1, progress=False, **kw)
    return sweep.pbt(lambda: models.digits_mlp(hidden=4, seed=0),
                     [sweep.Member("SGD", 0.1), sweep.Member("Adam", 0.01)], x, y, **args)


@functools.cache
def _pbt_result() -> sweep.PBTResult:
    return _pbt()


def _mnist(**kw: Any) -> Any:
    return data.load_mnist("/nonexistent-lrcourse-root", **{"download": False, **kw})


# --- what a bad value looks like, per kind of argument ------------------------------------

NOT_NUMBERS = [None, "0.5", "1", b"1", [0.5], (1,), {}, 1j, object(), np.array([1.0, 2.0]),
               torch.tensor([1.0]), torch.zeros(2, 2)]
BOOLS = [True, False, np.bool_(True), torch.tensor(True), np.array(False)]
NON_FINITE = [math.nan, math.inf, -math.inf]
WRAPPERS: list[Callable[[Any], Any]] = [
    lambda v: v,
    lambda v: np.float64(v),
    lambda v: np.array(v),
    lambda v: torch.tensor(v, dtype=torch.float64),
]


def _wrapped(numbers: st.SearchStrategy) -> st.SearchStrategy:
    """A number bare, or as a NumPy scalar, a 0-d array or a 0-d tensor."""
    return st.tuples(numbers, st.sampled_from(WRAPPERS)).map(lambda p: p[1](p[0]))


def _bad_common() -> st.SearchStrategy:
    return st.sampled_from(NOT_NUMBERS + BOOLS)


def bad_int(lo: int, hi: int | None = None) -> st.SearchStrategy:
    """Not an integer in [lo, hi]."""
    options = [
        _bad_common(),
        st.integers(max_value=lo - 1),
        st.integers(min_value=-(2**63), max_value=lo - 1).map(np.int64),
        st.floats(allow_nan=True, allow_infinity=True),  # even 2.0: a float is not an integer
        st.integers(min_value=lo, max_value=10**6).map(lambda v: torch.tensor(float(v))),
    ]
    if hi is not None:
        options.append(st.integers(min_value=hi + 1))
    return st.one_of(options)


def bad_real(lo: float = -math.inf, hi: float = math.inf, *, lo_open: bool = False,
             hi_open: bool = False) -> st.SearchStrategy:
    """Not a finite number in the interval (its ends as ``lo_open``/``hi_open`` say)."""
    options = [_bad_common(), _wrapped(st.sampled_from(NON_FINITE))]
    if lo > -math.inf:
        below = st.floats(max_value=lo, exclude_max=not lo_open, allow_nan=False,
                          allow_infinity=False)
        options.append(_wrapped(below))
    if hi < math.inf:
        above = st.floats(min_value=hi, exclude_min=not hi_open, allow_nan=False,
                          allow_infinity=False)
        options.append(_wrapped(above))
    return st.one_of(options)


def bad_choice(choices: tuple) -> st.SearchStrategy:
    text = st.text(max_size=12).filter(lambda s: s not in choices)
    return st.one_of(text, st.integers(), st.sampled_from([None, b"exp", [choices[0]], True]),
                     st.sampled_from([c.upper() for c in choices if c.upper() not in choices]
                                     or ["?"]))


def bad_bool() -> st.SearchStrategy:
    return st.one_of(st.integers(), st.floats(), st.sampled_from([None, "True", "", [True]]))


def not_none(values: st.SearchStrategy) -> st.SearchStrategy:
    """For an argument where None is a valid choice ("no seed", "no limit")."""
    return values.filter(lambda v: v is not None)


SEED = bad_int(0, 2**64 - 1)
LR = bad_real(0)  # a finite number >= 0
POSITIVE = bad_real(0, lo_open=True)
UNIT = bad_real(0, 1, hi_open=True)  # [0, 1)

# (function, valid keyword arguments, argument, its bad values)
CASES: list[tuple[Callable[..., Any], dict[str, Any], str, st.SearchStrategy]] = []


def case(f: Callable[..., Any], valid: dict[str, Any], **bad: st.SearchStrategy) -> None:
    for name, values in bad.items():
        CASES.append((f, valid, name, values))


S = schedules
case(S.step_lr, dict(epoch=3, base_lr=0.1, step_size=2, gamma=0.5),
     epoch=bad_int(0), base_lr=LR, step_size=bad_int(1), gamma=POSITIVE)
case(S.multistep_lr, dict(epoch=3, base_lr=0.1, milestones=[2, 5], gamma=0.5),
     epoch=bad_int(0), base_lr=LR, gamma=POSITIVE,
     milestones=st.one_of(st.sampled_from(["2, 5", None, 3, [5, 2], [2, 2], [2.0], [-1], [True]]),
                          st.lists(st.integers(max_value=-1), min_size=1, max_size=3)))
case(S.exponential_lr, dict(epoch=3, base_lr=0.1, gamma=0.9),
     epoch=bad_int(0), base_lr=LR, gamma=POSITIVE)
case(S.inverse_time_lr, dict(epoch=3, base_lr=0.1, decay_rate=0.5),
     epoch=bad_int(0), base_lr=LR, decay_rate=LR)
case(S.cosine_lr, dict(step=3, base_lr=0.1, total_steps=10, min_lr=0.0),
     step=bad_int(0), base_lr=LR, total_steps=bad_int(1),
     min_lr=st.one_of(LR, st.floats(min_value=0.1, exclude_min=True, allow_nan=False)))
case(S.linear_warmup_lr, dict(step=3, base_lr=0.1, warmup_steps=10, start_factor=0.1),
     step=bad_int(0), base_lr=LR, warmup_steps=bad_int(0), start_factor=bad_real(0, 1))
case(S.constant_warmup_lr, dict(step=3, base_lr=0.1, warmup_steps=10, warmup_lr=0.01),
     step=bad_int(0), base_lr=LR, warmup_steps=bad_int(0), warmup_lr=LR)
case(S.warmup_piecewise_lr, dict(step=3, base_lr=0.1, warmup_steps=10, boundaries=[20, 40]),
     step=bad_int(0), base_lr=LR, warmup_steps=bad_int(0), start_factor=bad_real(0, 1),
     num_gpus=bad_int(1),
     values=st.sampled_from(["0.1", 0.1, [0.1, 0.01], [0.1, -0.01, 0.0], [0.1, math.nan, 0.0]]))
case(S.boundaries_per_gpu, dict(boundaries=[60, 80], num_gpus=2), num_gpus=bad_int(1))
case(S.one_cycle_lr, dict(step=3, max_lr=0.1, total_steps=100),
     step=bad_int(0, 100), max_lr=LR, total_steps=bad_int(1, 2**53), pct_start=bad_real(0, 1),
     anneal_strategy=bad_choice(S.ANNEAL_STRATEGIES), div_factor=POSITIVE,
     final_div_factor=POSITIVE, three_phase=bad_bool())
case(S.one_cycle_momentum, dict(step=3, total_steps=100),
     step=bad_int(0, 100), total_steps=bad_int(1, 2**53), pct_start=bad_real(0, 1),
     anneal_strategy=bad_choice(S.ANNEAL_STRATEGIES), base_momentum=bad_real(0, 0.95),
     max_momentum=bad_real(0.85, 1), three_phase=bad_bool())
case(S.cosine_restarts_lr, dict(step=3, base_lr=0.1, T_0=10),
     step=bad_int(0), base_lr=bad_real(0), T_0=bad_int(1), T_mult=bad_int(1),
     eta_min=bad_real(0, 0.1))
case(S.cyclical_lr, dict(iteration=3, base_lr=1e-4, max_lr=1e-3, step_size=10,
                         mode="exp_range", gamma=0.99),
     iteration=bad_int(0), base_lr=bad_real(0, 1e-3), max_lr=bad_real(1e-4),
     step_size=bad_int(1), mode=bad_choice(S.CLR_MODES), gamma=bad_real(0, 1, lo_open=True))
case(lambda **kw: S.schedule_values(S.step_lr, base_lr=0.1, step_size=2, **kw), dict(steps=4),
     steps=st.one_of(st.integers(max_value=-1), st.sampled_from([None, 2.5, "4", True])))
case(S.torch_schedule_values,
     dict(make_scheduler=lambda o: torch.optim.lr_scheduler.StepLR(o, 2), steps=3, lr=0.1),
     steps=bad_int(0), lr=LR)

for _name, cls in [("SGD", optim.SGD), ("Adagrad", optim.Adagrad), ("RMSprop", optim.RMSprop),
                  ("Adadelta", optim.Adadelta), ("Adam", optim.Adam), ("AdamW", optim.AdamW)]:
    make = (lambda c: lambda **kw: c(_params(), **kw))(cls)
    case(make, dict(lr=0.1), lr=LR, weight_decay=LR, maximize=bad_bool())
for make, valid, bad in [
    (lambda **kw: optim.SGD(_params(), **kw), dict(lr=0.1),
     dict(momentum=UNIT, dampening=bad_real(0, 1), nesterov=bad_bool())),
    (lambda **kw: optim.EMAMomentum(_params(), **kw), dict(lr=0.1), dict(lr=LR, beta=UNIT)),
    (lambda **kw: optim.Adagrad(_params(), **kw), dict(lr=0.1),
     dict(lr_decay=LR, initial_accumulator_value=LR, eps=LR)),
    (lambda **kw: optim.RMSprop(_params(), **kw), dict(lr=0.1),
     dict(alpha=UNIT, eps=LR, momentum=UNIT, centered=bad_bool())),
    (lambda **kw: optim.Adadelta(_params(), **kw), dict(lr=0.1), dict(rho=UNIT, eps=LR)),
    (lambda **kw: optim.Adam(_params(), **kw), dict(lr=0.1),
     dict(eps=LR, amsgrad=bad_bool(),
          betas=st.one_of(st.tuples(UNIT, st.floats(0, 0.99)), st.tuples(st.floats(0, 0.99), UNIT),
                          st.sampled_from([0.9, (0.9,), (0.9, 0.99, 0.999), "0.9,0.99", None])))),
]:
    case(make, valid, **bad)
case(lambda **kw: optim.make_optimizer(params=_params(), **kw), dict(name="Adam", lr=0.1),
     name=bad_choice(optim.OPTIMIZERS), lr=LR, library=bad_choice(("torch", "lrcourse")))
case(lambda **kw: l_two_steps.weight_trace(lambda p: optim.SGD(p, lr=0.1), **kw),
     dict(steps=2), steps=bad_int(0), w0=bad_real(), curvature=bad_real(0))
case(l_two_steps.beta_settings, dict(name="Adam", beta=0.9), name=bad_choice(optim.OPTIMIZERS),
     beta=UNIT)

for f in (ewma.ewma, ewma.ewma_naive):
    case(f, dict(values=[1.0, 2.0, 3.0], beta=0.5), beta=UNIT, first=bad_choice(ewma.FIRST_MODES),
         values=st.sampled_from([[], [[1.0, 2.0]], "abc", None, [1.0, math.nan], [math.inf],
                                 [1 + 2j], torch.zeros(2, 2), np.array(["a"])]))
case(lambda **kw: ewma.ewma([1.0, 2.0], 0.5, first="zero", **kw), dict(bias_correction=True),
     bias_correction=bad_bool())
case(ewma.effective_window, dict(beta=0.9), beta=UNIT)

case(data.iterations_per_epoch, dict(n_samples=100, batch_size=8),
     n_samples=bad_int(0), batch_size=bad_int(1), drop_last=bad_bool())
case(data.load_digits, dict(), val_fraction=bad_real(0, 1, lo_open=True, hi_open=True),
     seed=SEED, flat=bad_bool())
case(data.digits_loaders, dict(), batch_size=bad_int(1), shuffle=bad_bool(), seed=SEED)
case(data.random_temperatures, dict(n=3), n=bad_int(1), seed=SEED)
case(lambda **kw: data.read_idx("/nonexistent-lrcourse-file", **kw), None,
     sha256=st.one_of(st.text(max_size=70).filter(lambda s: len(s) != 64), st.just("z" * 64),
                      st.sampled_from([b"0" * 64, 12])),
     shape=st.sampled_from(["4, 2", 4, (4, -1), (4, 2.0), (True,)]))
case(_mnist, None, download=bad_bool(), train=bad_bool(),
     root=st.sampled_from([None, 3, 2.5, ["a"], b"/tmp"]))

case(models.digits_cnn, dict(), width=bad_real(0, 100, lo_open=True), seed=not_none(SEED))
case(models.digits_mlp, dict(hidden=4), hidden=bad_int(1, 10_000), depth=bad_int(1, 1000),
     seed=not_none(SEED))
case(models.digits_resnet, dict(channels=2, blocks=1), channels=bad_int(1, 10_000),
     blocks=bad_int(1, 1000), seed=not_none(SEED))

_W = torch.ones(3, dtype=torch.float64, requires_grad=True)
case(curvature.top_hessian_eigenvalue, dict(loss_fn=lambda: (_W**4).sum(), params=[_W]),
     iters=bad_int(1), tol=POSITIVE, seed=SEED)
case(_fit, dict(), epochs=bad_int(1), max_steps=not_none(bad_int(1)), progress=bad_bool(),
     scheduler_interval=bad_choice(train.INTERVALS))
case(lambda **kw: _fit(val_loader=_loader(), **kw), dict(eval_every=2),
     eval_every=not_none(bad_int(1)))

case(lr_finder.rate_schedule, dict(start_lr=1e-3, end_lr=1.0, num_iter=5),
     start_lr=bad_real(0, 1.0, lo_open=True, hi_open=True), end_lr=bad_real(1e-3, lo_open=True),
     num_iter=bad_int(2, 1_000_000), step_mode=bad_choice(("exp", "linear")))
case(lr_finder.smooth, dict(losses=[3.0, 2.0, 1.0]), smooth_f=UNIT)
case(lr_finder.steepest, dict(losses=[3.0, 2.0, 1.0]),
     losses=st.sampled_from([[], [1.0], "ab", None, [[1.0, 2.0]], [object()]]))
case(lambda **kw: _finder().range_test(_loader(), **{"progress": False, "num_iter": 3, **kw}),
     dict(), num_iter=bad_int(2, 1_000_000), smooth_f=UNIT,
     diverge_th=bad_real(1, lo_open=True), accumulation_steps=bad_int(1), progress=bad_bool(),
     restore=bad_bool(), step_mode=bad_choice(("exp", "linear")),
     end_lr=bad_real(1e-7, lo_open=True))
case(lambda **kw: _finder_with_curve().suggestion(**kw), dict(),
     method=bad_choice(lr_finder.METHODS), skip_start=bad_int(0), skip_end=bad_int(0))
case(lambda **kw: _finder_with_curve().clr_bounds(**kw), dict(),
     divisor=bad_real(1, lo_open=True))

case(sweep.Member, dict(optimizer="SGD", lr=0.1), lr=POSITIVE,
     optimizer=bad_choice(optim.OPTIMIZERS))
case(lambda **kw: sweep.Member("Momentum", 0.1, **kw), dict(momentum=0.5), momentum=UNIT)
case(lambda **kw: next(sweep.epoch_batches(**kw)), dict(n=5, batch_size=2),
     n=bad_int(1), batch_size=bad_int(1), seed=SEED)
case(sweep.exploit_explore, dict(fitness=torch.tensor([0.3, 0.1, 0.9, 0.5, 0.2])),
     fraction=bad_real(0, 0.5, lo_open=True),
     factors=st.one_of(st.tuples(POSITIVE, st.just(1.2)), st.tuples(st.just(0.8), POSITIVE),
                       st.sampled_from([(0.8,), 1.2, None, "0.8,1.2"])))
case(_train_many, dict(), batch_size=bad_int(1), max_steps=bad_int(1), check_every=bad_int(1),
     seed=SEED, progress=bad_bool(), target_accuracy=not_none(bad_real(0, 1, lo_open=True)),
     divergence_factor=bad_real(1, lo_open=True))
case(_pbt, dict(), steps=bad_int(1), ready_every=bad_int(1), seed=SEED,
     fraction=bad_real(0, 0.5, lo_open=True))

case(lambda **kw: _pbt_result().model(**kw), dict(slot=1), slot=bad_int(0, 1))
case(w_optim.first_steps_figure, dict(optimizer="Adam", lr=0.1, beta=0.9, steps=2),
     steps=bad_int(1))

case(w_backprop.training_explorer, dict(), lr=bad_real(0.01, 10), steps=bad_int(100, 20_000),
     update_biases=bad_bool())
case(w_clr.clr_explorer, dict(), mode=bad_choice(S.CLR_MODES), base_lr=bad_real(1e-6, 1),
     max_lr=bad_real(1e-6, 1), step_size=bad_int(10, 400))
case(w_descent.descent_explorer, dict(), lr=bad_real(0, 0.3), steps=bad_int(1, 30))
case(w_descent.first_step_widget, dict(), lr=bad_real(0, 2.5))
case(w_ewma.beta_explorer, dict(), beta=bad_real(0, 0.99), bias_correction=bad_bool())
case(w_optim.first_steps_explorer, dict(), optimizer=bad_choice(optim.OPTIMIZERS),
     lr=bad_real(1e-3, 1), beta=bad_real(0, 0.999), steps=bad_int(1, 100))
case(w_schedules.schedule_designer, dict(), schedule=bad_choice(tuple(w_schedules.DESIGNS)))
case(w_surfaces.optimizer_race, dict(), surface=bad_choice(tuple(w_surfaces.SURFACES)),
     optimizer=bad_choice(w_surfaces.ORDER), steps=bad_int(10, 2000))
case(w_variants.batch_size_explorer, dict(), lr=bad_real(1e-3, 10**0.5), epochs=bad_int(1, 20),
     batch_size=st.one_of(st.integers().filter(lambda b: b not in w_variants.BATCH_SIZES),
                          st.sampled_from([None, "32", 32.5, True])))


def _id(c: tuple) -> str:
    f, _, name, _ = c
    label = getattr(f, "__qualname__", "f").replace("<lambda>", "call").replace(".<locals>", "")
    return f"{getattr(f, '__module__', '').split('.')[-1]}.{label}-{name}"


@pytest.mark.parametrize(("f", "valid", "name", "bad"), CASES, ids=[_id(c) for c in CASES])
@given(data=st.data())
def test_a_bad_value_is_refused_by_name(f, valid, name, bad, data):
    value = data.draw(bad, label=name)
    with time_limit():
        try:
            f(**{**(valid or {}), name: value})
        except (ValueError, TypeError) as error:
            assert name in str(error), f"{type(error).__name__}: {error}"
            assert "\n" not in str(error), f"not one line: {error}"
            return
    pytest.fail(f"{name}={value!r} was accepted")


VALID = {id(v): (f, v) for f, v, _, _ in CASES if v is not None}


@pytest.mark.parametrize(("f", "valid"), list(VALID.values()),
                         ids=[_id((f, v, "valid", None)) for f, v in VALID.values()])
def test_the_valid_arguments_of_the_table_are_accepted(f, valid):
    """The control: the refusals above are caused by the one bad argument."""
    with time_limit(60):
        f(**valid)


# --- valid finite input never gives NaN ---------------------------------------------------

INDEX = st.one_of(st.integers(0, 10**6), st.integers(0, 10**400))
RATE = st.floats(0, 1e300)
GAMMA = st.floats(1e-300, 1e300)


def _rate_or_too_large(call: Callable[[], float]) -> None:
    with time_limit():
        try:
            lr = call()
        except ValueError as error:
            assert "too large for a float" in str(error)
            return
    assert isinstance(lr, float) and math.isfinite(lr) and lr >= 0, lr


@given(t=INDEX, base_lr=RATE, n=st.integers(1, 10**30), gamma=GAMMA)
def test_decays_give_a_finite_rate_or_say_it_is_too_large(t, base_lr, n, gamma):
    _rate_or_too_large(lambda: S.step_lr(t, base_lr, n, gamma))
    _rate_or_too_large(lambda: S.exponential_lr(t, base_lr, gamma))
    _rate_or_too_large(lambda: S.multistep_lr(t, base_lr, [n, 2 * n], gamma))
    _rate_or_too_large(lambda: S.inverse_time_lr(t, base_lr, gamma))


@given(t=INDEX, base_lr=RATE, share=st.floats(0, 1), total=st.integers(1, 10**400),
       factor=st.floats(0, 1))
def test_cosine_and_warmups_stay_between_their_ends(t, base_lr, share, total, factor):
    min_lr = base_lr * share
    lr = S.cosine_lr(t, base_lr, total, min_lr)
    assert min_lr <= lr <= base_lr or math.isclose(lr, min_lr) or math.isclose(lr, base_lr)
    warm = S.linear_warmup_lr(t, base_lr, total, factor)
    assert math.isfinite(warm) and 0 <= warm <= base_lr * (1 + 1e-12)
    piece = S.warmup_piecewise_lr(t, base_lr, total, [total, total + 1], start_factor=factor)
    assert math.isfinite(piece) and piece >= 0


@given(t=INDEX, base_lr=RATE, span=st.floats(0, 1e300), n=st.integers(1, 10**30),
       mode=st.sampled_from(S.CLR_MODES), gamma=st.floats(1e-300, 1))
def test_cyclical_rates_stay_between_base_and_max(t, base_lr, span, n, mode, gamma):
    max_lr = min(base_lr + span, 1e300)
    with time_limit():
        lr = S.cyclical_lr(t, base_lr, max_lr, n, mode, gamma)
    assert base_lr <= lr <= max_lr


@given(data=st.data(), max_lr=RATE, total=st.integers(1, 10**6), pct=st.floats(0, 1),
       div=st.floats(1e-300, 1e300), final=st.floats(1e-300, 1e300),
       strategy=st.sampled_from(S.ANNEAL_STRATEGIES), three=st.booleans())
def test_one_cycle_gives_a_finite_rate_or_says_why_not(data, max_lr, total, pct, div, final,
                                                       strategy, three):
    t = data.draw(st.integers(0, total))
    with time_limit():
        try:
            lr = S.one_cycle_lr(t, max_lr, total, pct, strategy, div, final, three)
            m = S.one_cycle_momentum(t, total, pct, strategy, three_phase=three)
        except ValueError as error:
            assert "too large for a float" in str(error) or "no length" in str(error)
            return
    assert math.isfinite(lr) and math.isfinite(m)


@given(t=INDEX, base_lr=RATE, share=st.floats(0, 1), T_0=st.integers(1, 10**30),
       T_mult=st.integers(1, 10**6))
def test_cosine_restarts_stay_between_their_ends(t, base_lr, share, T_0, T_mult):
    with time_limit():
        lr = S.cosine_restarts_lr(t, base_lr, T_0, T_mult, base_lr * share)
    assert base_lr * share * (1 - 1e-12) <= lr <= base_lr


FINITE = st.floats(allow_nan=False, allow_infinity=False)


@given(values=st.lists(FINITE, min_size=1, max_size=200), beta=st.floats(0, 1, exclude_max=True),
       zero=st.booleans())
def test_ewma_of_finite_values_is_finite_and_agrees_with_the_loop(values, beta, zero):
    first = "zero" if zero else "value"
    with time_limit():
        fast = ewma.ewma(values, beta, first=first, bias_correction=zero)
        slow = ewma.ewma_naive(values, beta, first=first, bias_correction=zero)
    assert torch.isfinite(fast).all() and torch.isfinite(slow).all()
    scale = max(abs(v) for v in values)
    torch.testing.assert_close(fast, slow, rtol=1e-6, atol=1e-9 * scale)


@given(start=st.floats(1e-300, 1e300), ratio=st.floats(1.0, 1e300, exclude_min=True),
       num_iter=st.integers(2, 500), linear=st.booleans())
def test_rate_schedules_are_finite_and_end_where_asked(start, ratio, num_iter, linear):
    end = min(start * ratio, 1e300)
    if not end > start:
        return
    rates = lr_finder.rate_schedule(start, end, num_iter, "linear" if linear else "exp")
    assert all(math.isfinite(r) for r in rates) and len(rates) == num_iter
    assert math.isclose(rates[0], start, rel_tol=1e-9)
    assert math.isclose(rates[-1], end, rel_tol=1e-9)


@given(losses=st.lists(st.floats(-1e300, 1e300), min_size=1, max_size=50),
       f=st.floats(0, 1, exclude_max=True))
def test_smoothing_finite_losses_stays_finite(losses, f):
    assert all(math.isfinite(s) for s in lr_finder.smooth(losses, f))
