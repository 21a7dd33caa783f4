"""The shared argument checks: what they accept, what they refuse, and what they say."""

import math
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
