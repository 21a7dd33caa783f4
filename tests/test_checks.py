"""The shared argument checks: what they accept, what they refuse, and what they say."""

import math
import re
from fractions import Fraction

import numpy as np
import pytest

from lrcourse._checks import check_finite, check_int, check_positive


@pytest.mark.parametrize("value", [0, 3, np.int64(7)])
def test_check_int_returns_a_plain_int(value):
    got = check_int("steps", value, 0)
    assert got == int(value) and type(got) is int


@pytest.mark.parametrize("value", [-1, 2.0, "3", None, True, False, 1.5])
def test_check_int_refuses_and_names_the_argument(value):
    with pytest.raises(ValueError, match=r"steps must be an integer >= 0, got "):
        check_int("steps", value, 0)


def test_check_int_minimum_is_inclusive():
    assert check_int("n", 1, 1) == 1
    with pytest.raises(ValueError, match="n must be an integer >= 1, got 0"):
        check_int("n", 0, 1)


@pytest.mark.parametrize("value", [0, -2.5, 1e300, Fraction(1, 3), np.float32(0.5)])
def test_check_finite_returns_a_float(value):
    got = check_finite("x0", value)
    assert got == float(value) and type(got) is float


@pytest.mark.parametrize("value", [math.nan, math.inf, -math.inf, "1", None, True, [1.0]])
def test_check_finite_refuses_what_is_not_a_finite_number(value):
    with pytest.raises(ValueError, match=r"x0 must be a finite number, got "):
        check_finite("x0", value)


def test_check_finite_with_a_minimum_says_it():
    assert check_finite("lr", 0, 0) == 0.0
    with pytest.raises(ValueError, match=r"lr must be a finite number >= 0, got -0.1"):
        check_finite("lr", -0.1, 0)


@pytest.mark.parametrize("value", [0, -1e-12, math.nan, math.inf, "0.1", False])
def test_check_positive_refuses_zero_negative_and_non_numbers(value):
    with pytest.raises(ValueError, match=r"tol must be a finite number > 0, got "):
        check_positive("tol", value)


def test_check_positive_accepts_the_smallest_positive_float():
    assert check_positive("tol", 5e-324) == 5e-324


# --- numbers in every form a learner passes ---------------------------------------

import torch  # noqa: E402

from lrcourse._checks import (  # noqa: E402
    SEED_MAX,
    check_bool,
    check_choice,
    check_range,
    check_seed,
)

ZERO_D_INTS = [np.int32(4), np.array(4), torch.tensor(4)]
ZERO_D_FLOATS = [np.float64(0.25), np.array(0.25), torch.tensor(0.25, dtype=torch.float64),
                 torch.tensor(0.25, requires_grad=True)]


@pytest.mark.parametrize("value", ZERO_D_INTS)
def test_check_int_takes_numpy_scalars_and_0d_arrays_and_tensors(value):
    got = check_int("steps", value, 1)
    assert got == 4 and type(got) is int


@pytest.mark.parametrize("value", ZERO_D_FLOATS)
def test_check_finite_takes_numpy_scalars_and_0d_arrays_and_tensors(value):
    got = check_finite("lr", value, 0)
    assert got == 0.25 and type(got) is float


@pytest.mark.parametrize(
    "value",
    [torch.tensor(True), np.array(True), np.bool_(True), torch.tensor([1.0]), np.array([2]),
     torch.tensor(float("nan")), np.array(float("inf")), 10**400, 1j],
)
def test_check_finite_refuses_bools_vectors_and_non_finite_in_every_form(value):
    with pytest.raises(ValueError, match=r"^lr must be a finite number >= 0, got "):
        check_finite("lr", value, 0)


@pytest.mark.parametrize("value", [torch.tensor(3.0), np.array(3.0), torch.tensor(True)])
def test_check_int_refuses_float_and_bool_tensors(value):
    with pytest.raises(ValueError, match=r"^n must be an integer >= 0, got "):
        check_int("n", value, 0)


def test_check_int_with_a_maximum_says_the_interval():
    assert check_int("k", 5, 0, 5) == 5
    with pytest.raises(ValueError, match=r"^k must be an integer in \[0, 5\], got 6$"):
        check_int("k", 6, 0, 5)


def test_check_seed_takes_what_torch_manual_seed_takes_and_refuses_more():
    for seed in (0, np.uint64(SEED_MAX), SEED_MAX):
        torch.Generator().manual_seed(check_seed("seed", seed))
    with pytest.raises(ValueError):  # torch refuses it too, without naming the argument
        torch.Generator().manual_seed(SEED_MAX + 1)
    for bad in (SEED_MAX + 1, -1, 1.0, True):
        with pytest.raises(ValueError, match=r"^seed must be an integer in \[0, 2\*\*64 - 1\], got "):
            check_seed("seed", bad)


@pytest.mark.parametrize(
    ("value", "kwargs", "ok"),
    [
        (0.0, {}, True), (1.0, {}, True), (0.0, {"low_open": True}, False),
        (1.0, {"high_open": True}, False), (0.999, {"high_open": True}, True),
        (-1e-300, {}, False), (math.nan, {}, False), (np.array(0.5), {}, True),
        (False, {}, False), ("0.5", {}, False),
    ],
)
def test_check_range_includes_the_ends_it_is_told_to(value, kwargs, ok):
    if ok:
        assert check_range("beta", value, 0, 1, **kwargs) == float(value)
    else:
        interval = ("(" if kwargs.get("low_open") else "[") + "0, 1" + (
            ")" if kwargs.get("high_open") else "]")
        with pytest.raises(ValueError, match="^beta must be a number in " + re.escape(interval) + ", got "):
            check_range("beta", value, 0, 1, **kwargs)


@pytest.mark.parametrize("value", [True, False, np.bool_(False), torch.tensor(True)])
def test_check_bool_takes_true_and_false_in_every_form(value):
    assert check_bool("flat", value) is bool(value)


@pytest.mark.parametrize("value", [0, 1, "True", None, np.array([True])])
def test_check_bool_refuses_numbers_and_text(value):
    with pytest.raises(ValueError, match=r"^flat must be True or False, got "):
        check_bool("flat", value)


def test_check_choice_returns_the_choice_and_lists_them_when_wrong():
    assert check_choice("mode", "exp", ("exp", "linear")) == "exp"
    assert check_choice("batch_size", np.int64(32), (1, 32, 64)) == 32
    assert check_choice("dtype", torch.float64, (torch.float32, torch.float64)) is torch.float64
    for bad in ("EXP", 32, None, ["exp"]):
        with pytest.raises(ValueError, match=r"^mode must be one of \('exp', 'linear'\), got "):
            check_choice("mode", bad, ("exp", "linear"))
    with pytest.raises(ValueError, match=r"one of \(0, 1\), got True"):
        check_choice("k", True, (0, 1))


def test_messages_show_a_tensor_or_a_long_list_on_one_short_line():
    from lrcourse._checks import shown

    with pytest.raises(ValueError) as info:
        check_finite("lr", torch.zeros(3, 3), 0)
    assert "\n" not in str(info.value) and "tensor([[0., 0., 0.], [0., 0., 0.]," in str(info.value)
    assert shown(list(range(1000))).endswith("...") and len(shown(list(range(1000)))) == 80
    assert shown("short") == "'short'"


# --- the checks of what a function receives ----------------------------------------

from torch.utils.data import DataLoader, IterableDataset, TensorDataset  # noqa: E402

from lrcourse._checks import (  # noqa: E402
    check_beta,
    check_callable,
    check_increasing,
    check_instance,
    check_length,
    check_loader,
    check_nonempty,
    check_pair,
    check_series,
)


def test_check_finite_above_is_a_strict_bound():
    assert check_finite("divisor", 1.5, above=1) == 1.5
    for bad in (1, 0.5, math.inf, "2"):
        with pytest.raises(ValueError, match=r"^divisor must be a finite number > 1, got "):
            check_finite("divisor", bad, above=1)


@pytest.mark.parametrize("value", [0, 0.5, 0.999, np.float32(0.9), torch.tensor(0.99)])
def test_check_beta_takes_zero_up_to_but_not_one(value):
    assert check_beta("alpha", value) == pytest.approx(float(value))


@pytest.mark.parametrize("value", [1, 1.0, -0.1, math.nan, True, "0.9"])
def test_check_beta_refuses_one_and_outside(value):
    with pytest.raises(ValueError, match=r"^alpha must be a number in \[0, 1\), got "):
        check_beta("alpha", value)


def test_check_pair_checks_each_entry_under_its_own_name():
    assert check_pair("start", [1, -2.5]) == (1.0, -2.5)
    assert check_pair("betas", (0.9, np.float64(0.999)), check_beta) == (0.9, 0.999)
    for bad in ((1.0,), (1.0, 2.0, 3.0), "ab", 1.0, None, {1: 2, 3: 4}):
        with pytest.raises(ValueError, match=r"^start must be a pair of two values, got "):
            check_pair("start", bad)
    with pytest.raises(ValueError, match=r"^start\[1\] must be a finite number, got nan$"):
        check_pair("start", (0.0, math.nan))
    with pytest.raises(ValueError, match=r"^betas\[0\] must be a number in \[0, 1\), got 1.0$"):
        check_pair("betas", (1.0, 0.9), check_beta)


def test_check_increasing_wants_sorted_distinct_integers():
    assert check_increasing("milestones", (30, np.int64(80))) == [30, 80]
    assert check_increasing("milestones", []) == []
    for bad in ([80, 30], [30, 30], [30.0], "30, 80", 30, [-1, 2]):
        with pytest.raises(ValueError, match=r"^milestones must be "):
            check_increasing("milestones", bad)


def test_check_callable_shows_how_it_will_be_called():
    f = check_callable("make", len, "make(params) -> optimizer")
    assert f is len
    with pytest.raises(ValueError, match=r"^make must be callable as make\(params\) -> optimizer, "
                                         r"got 'SGD'$"):
        check_callable("make", "SGD", "make(params) -> optimizer")


def test_check_instance_names_the_class_and_what_came():
    model = torch.nn.Linear(2, 1)
    assert check_instance("model", model, torch.nn.Module, "a torch.nn.Module") is model
    with pytest.raises(ValueError, match=r"^model must be a torch.nn.Module, got None$"):
        check_instance("model", None, torch.nn.Module, "a torch.nn.Module")
    with pytest.raises(ValueError, match=r"^model must be a torch.nn.Module, got list \[1, 2\]$"):
        check_instance("model", [1, 2], torch.nn.Module, "a torch.nn.Module")


def test_check_nonempty_and_check_length():
    assert check_nonempty("runs", {"a": 1}, "run") == {"a": 1}
    for empty in ([], {}, ()):
        with pytest.raises(ValueError, match=r"^runs must hold at least one run, got none$"):
            check_nonempty("runs", empty, "run")
    with pytest.raises(ValueError, match=r"^runs must hold at least one run, got 3$"):
        check_nonempty("runs", 3, "run")
    assert check_length("steps", [1, 2], 2, "rate") == [1, 2]
    with pytest.raises(ValueError, match=r"^steps must have 3 entries, one per rate, got 2: "
                                         r"\[1, 2\]$"):
        check_length("steps", [1, 2], 3, "rate")


def test_check_series_gives_a_float64_array_and_says_what_is_wrong():
    got = check_series("values", torch.tensor([1, 2, 3]), 3)
    assert got.dtype == np.float64 and got.tolist() == [1.0, 2.0, 3.0]
    assert np.isnan(check_series("losses", [1.0, math.nan], finite=False)[1])
    cases = [
        ([[1.0, 2.0]], r"^values must be a 1-D sequence of numbers, got shape \(1, 2\)$"),
        (["a"], r"^values must be a 1-D sequence of numbers, got \['a'\]$"),
        ([], r"^values must hold at least 1 number, got 0$"),
        ([1.0, math.inf], r"^values must hold finite numbers only, got inf at index 1$"),
    ]
    for bad, message in cases:
        with pytest.raises(ValueError, match=message):
            check_series("values", bad)
    with pytest.raises(ValueError, match=r"^raw must hold at least 3 numbers, got 2$"):
        check_series("raw", [1.0, 2.0], 3)


class _Stream(IterableDataset):
    def __iter__(self):
        yield torch.zeros(1), torch.zeros(1)


def test_check_loader_takes_loaders_without_a_length_and_refuses_empty_ones():
    full = DataLoader(TensorDataset(torch.zeros(4, 1), torch.zeros(4)), batch_size=2)
    stream = DataLoader(_Stream())  # len() raises TypeError: checked when it runs dry
    for loader in (full, stream, iter([(1, 2)]), [(1, 2)]):
        assert check_loader("train_loader", loader) is loader
    with pytest.raises(ValueError, match=r"^train_loader must yield at least one batch, "
                                         r"got an empty loader$"):
        check_loader("train_loader", [])
    with pytest.raises(ValueError, match=r"^train_loader must be an iterable of \(inputs, targets\) "
                                         r"batches, got 3$"):
        check_loader("train_loader", 3)
