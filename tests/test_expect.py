"""lrcourse.expect: the in-cell check of numbers that vary between machines."""

import math

import numpy as np
import pytest
import torch

import lrcourse
from lrcourse import ExpectationError, expect


def test_value_inside_a_relative_range_is_returned_unchanged():
    assert expect("loss", 0.105, around=0.1, rel=0.1) == 0.105


def test_range_edges_are_included():
    assert expect("steps", 90, within=(90, 120)) == 90
    assert expect("steps", 120, within=(90, 120)) == 120
    assert expect("accuracy", 0.95, around=0.96, abs=0.01) == 0.95


def test_rel_and_abs_tolerances_add_up():
    # 1.0 +- (10% of 1.0 + 0.05) = [0.85, 1.15]
    assert expect("x", 1.15, around=1.0, rel=0.1, abs=0.05) == 1.15
    with pytest.raises(ExpectationError):
        expect("x", 1.16, around=1.0, rel=0.1, abs=0.05)


def test_value_outside_names_quantity_value_and_range():
    with pytest.raises(ExpectationError) as info:
        expect("validation accuracy", 0.90, around=0.96, abs=0.02)
    message = str(info.value)
    assert "validation accuracy" in message and "0.9" in message
    assert "[0.94, 0.98]" in message


def test_expectation_error_is_an_assertion_error():
    assert issubclass(ExpectationError, AssertionError)


def test_nan_is_never_in_range():
    with pytest.raises(ExpectationError, match="nan"):
        expect("loss", float("nan"), within=(-math.inf, math.inf))


@pytest.mark.parametrize("value", [np.float32(0.5), np.int64(3), torch.tensor(0.5), np.array(0.5)])
def test_numpy_scalars_and_zero_d_tensors_are_numbers(value):
    assert expect("v", value, within=(0, 3)) is value


@pytest.mark.parametrize("value", ["0.5", None, [0.5], True, torch.tensor([0.5, 0.6])])
def test_non_numbers_are_refused_with_a_type_error(value):
    with pytest.raises(TypeError, match="value of 'v'"):
        expect("v", value, within=(0, 1))


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"around": 1.0}, "rel"),
        ({}, "around"),
        ({"around": 1.0, "rel": -0.1}, "rel must be a finite number >= 0, got -0.1"),
        ({"around": 1.0, "abs": -1}, "abs must be a finite number >= 0, got -1"),
        ({"within": (2, 1)}, "low <= high"),
        ({"within": (1,)}, "pair"),
        ({"within": (0, 1), "around": 0.5}, "not both"),
        ({"around": float("inf"), "rel": 0.1}, "around must be a finite number, got inf"),
        ({"around": 1.0, "rel": float("nan")}, "rel must be a finite number >= 0, got nan"),
    ],
)
def test_badly_given_ranges_are_value_errors(kwargs, match):
    with pytest.raises(ValueError, match=match):
        expect("v", 0.5, **kwargs)


def test_name_must_be_a_string():
    with pytest.raises(TypeError, match="name"):
        expect("", 0.5, within=(0, 1))


def test_setup_sets_and_resets_the_default_dtype(capsys):
    lrcourse.setup(dtype="float64")
    assert torch.get_default_dtype() == torch.float64
    assert capsys.readouterr().out.rstrip().endswith(", float64")
    lrcourse.setup(verbose=False)
    assert torch.get_default_dtype() == torch.float32


def test_setup_refuses_an_unknown_dtype():
    with pytest.raises(ValueError, match="dtype must be one of"):
        lrcourse.setup(dtype="float16", verbose=False)
