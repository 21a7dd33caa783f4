"""Tests of lrcourse.ewma against a plain loop, torch.optim's own moving averages and hand arithmetic."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st

from lrcourse.ewma import effective_window, ewma, ewma_naive


def reference(values, beta, s_0, bias_correction=False):
    """The recursion S_t = beta*S_{t-1} + (1-beta)*Y_t, written again here, in Python floats."""
    out, s = [], s_0
    for t, y in enumerate(values, start=1):
        s = beta * s + (1 - beta) * y
        out.append(s / (1 - beta**t) if bias_correction else s)
    return out


def assert_close(got, expected, scale):
    expected = torch.tensor(expected, dtype=torch.float64)
    assert got.shape == expected.shape
    err = (got.double() - expected).abs().max().item()
    assert err <= 1e-10 * (1 + scale), f"max error {err} on values up to {scale}"


# ----------------------------------------------------------------------------------
# Hand arithmetic
# ----------------------------------------------------------------------------------


def test_three_values_by_hand_first_value():
    # S1 = 1; S2 = .5*1 + .5*2 = 1.5; S3 = .5*1.5 + .5*3 = 2.25
    assert ewma([1.0, 2.0, 3.0], beta=0.5).tolist() == [1.0, 1.5, 2.25]


def test_three_values_by_hand_first_zero_and_corrected():
    # S1 = .5; S2 = .25 + 1 = 1.25; S3 = .625 + 1.5 = 2.125
    assert ewma([1.0, 2.0, 3.0], beta=0.5, first="zero").tolist() == [0.5, 1.25, 2.125]
    # divided by 1 - .5, 1 - .25, 1 - .125
    got = ewma([1.0, 2.0, 3.0], beta=0.5, first="zero", bias_correction=True)
    assert got.tolist() == pytest.approx([1.0, 1.25 / 0.75, 2.125 / 0.875], rel=1e-15)


def test_course_temperature_example_first_two_steps():
    # 001's start: S_1 = Y_1, S_2 = 0.9 * Y_1 + 0.1 * Y_2
    y = [4.0, 14.0, 9.0]
    got = ewma(y, beta=0.9)
    assert got[0].item() == 4.0
    assert got[1].item() == pytest.approx(0.9 * 4.0 + 0.1 * 14.0, rel=1e-15)


# ----------------------------------------------------------------------------------
# Against a loop, and against PyTorch's optimizers (they keep the same averages)
# ----------------------------------------------------------------------------------

series = st.lists(
    st.floats(min_value=-1e3, max_value=1e3, allow_nan=False), min_size=1, max_size=300
)
betas = st.one_of(
    st.floats(min_value=0.0, max_value=0.9999, exclude_max=False),
    st.sampled_from([0.0, 1e-12, 0.5, 0.9, 0.99, 0.999]),
)
modes = st.sampled_from([("value", False), ("zero", False), ("zero", True)])


@given(values=series, beta=betas, mode=modes)
def test_ewma_and_ewma_naive_match_a_plain_loop(values, beta, mode):
    first, corrected = mode
    s_0 = values[0] if first == "value" else 0.0
    expected = reference(values, beta, s_0, corrected)
    scale = max(abs(v) for v in values)
    assert_close(ewma(values, beta, first=first, bias_correction=corrected), expected, scale)
    assert_close(ewma_naive(values, beta, first=first, bias_correction=corrected), expected, scale)


def _feed_gradients(optimizer_cls, values, key, **kwargs):
    """Give an optimizer the gradients Y_1..Y_n (loss = w * Y_t); its state[key] after each."""
    w = torch.zeros((), dtype=torch.float64, requires_grad=True)
    opt = optimizer_cls([w], lr=0.0, **kwargs)
    states = []
    for y in values:
        opt.zero_grad()
        (w * y).backward()
        opt.step()
        states.append(opt.state[w][key].item())  # read now: the buffer changes in place
    return states


def test_first_value_is_torch_sgd_momentum_buffer_with_dampening_beta():
    values = (
        torch.randn(40, generator=torch.Generator().manual_seed(3), dtype=torch.float64) * 10
    ).tolist()
    buffers = _feed_gradients(
        torch.optim.SGD, values, "momentum_buffer", momentum=0.9, dampening=0.9
    )
    assert_close(ewma(values, 0.9, first="value"), buffers, 30)


def test_first_zero_is_torch_adam_first_moment():
    values = (
        torch.randn(40, generator=torch.Generator().manual_seed(4), dtype=torch.float64) * 10
    ).tolist()
    exp_avg = _feed_gradients(torch.optim.Adam, values, "exp_avg", betas=(0.8, 0.999))
    assert_close(ewma(values, 0.8, first="zero"), exp_avg, 30)
    # Adam's bias-corrected m_hat_t = m_t / (1 - beta1^t)
    m_hat = [m / (1 - 0.8**t) for t, m in enumerate(exp_avg, start=1)]
    assert_close(ewma(values, 0.8, first="zero", bias_correction=True), m_hat, 30)


@pytest.mark.parametrize("beta", [1e-8, 0.3, 0.9, 0.999, 0.99999])
@pytest.mark.parametrize("first", ["value", "zero"])
def test_long_series_matches_loop_to_tight_tolerance(beta, first):
    # 100,000 values: beta^(-t) alone would overflow float64 long before the end.
    gen = torch.Generator().manual_seed(11)
    y = torch.randn(100_000, generator=gen, dtype=torch.float64) * 10 + 100
    values = y.tolist()
    expected = reference(values, beta, values[0] if first == "value" else 0.0)
    got = ewma(y, beta, first=first)
    assert torch.isfinite(got).all()
    assert_close(got, expected, 150)


# ----------------------------------------------------------------------------------
# Properties
# ----------------------------------------------------------------------------------


@given(c=st.floats(min_value=-1e3, max_value=1e3), n=st.integers(1, 200), beta=betas)
def test_constant_series_stays_constant(c, n, beta):
    values = [c] * n
    for got in (ewma(values, beta), ewma(values, beta, first="zero", bias_correction=True)):
        assert got.tolist() == pytest.approx(values, rel=1e-9, abs=1e-9)


def test_constant_series_without_correction_starts_low():
    got = ewma([10.0] * 3, beta=0.9, first="zero")
    # 10 * (1 - 0.9^t): 1.0, 1.9, 2.71
    assert got.tolist() == pytest.approx([1.0, 1.9, 2.71], rel=1e-12)


@given(values=series, mode=modes)
def test_beta_zero_returns_the_series(values, mode):
    first, corrected = mode
    assert ewma(values, 0.0, first=first, bias_correction=corrected).tolist() == values


@given(values=series, beta=betas)
def test_average_never_varies_more_than_the_series(values, beta):
    # S_t is a weighted mean of the series extended to the left by Y_1, with weights
    # adding up to 1, so its total variation cannot exceed the series' own.
    def tv(x):
        return float(np.abs(np.diff(np.asarray(x, dtype=np.float64))).sum())

    assert tv(ewma(values, beta)) <= tv(values) * (1 + 1e-9) + 1e-9


@pytest.mark.parametrize("seed", range(8))
def test_larger_beta_gives_smoother_average_on_noisy_data(seed):
    y = torch.randn(500, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    tvs = [ewma(y, b).diff().abs().sum().item() for b in (0.0, 0.5, 0.9, 0.99)]
    assert tvs == sorted(tvs, reverse=True)
    assert tvs[-1] < 0.1 * tvs[0]


def test_effective_window():
    assert effective_window(0.0) == 1.0
    assert effective_window(0.9) == pytest.approx(10.0, rel=1e-12)
    assert effective_window(0.98) == pytest.approx(50.0, rel=1e-12)
    # After about one window, the weight of an old value has fallen by about 1/e.
    beta = 0.999
    assert beta ** effective_window(beta) == pytest.approx(math.exp(-1), rel=1e-3)


def test_bias_corrected_average_starts_at_the_first_value():
    got = ewma([7.0, -3.0, 2.0], beta=0.95, first="zero", bias_correction=True)
    assert got[0].item() == pytest.approx(7.0, rel=1e-14)


# ----------------------------------------------------------------------------------
# Input and output types
# ----------------------------------------------------------------------------------


def test_dtype_follows_floating_input_and_defaults_to_float64():
    values = [1.0, 2.0, 4.0]
    assert ewma(values, 0.5).dtype == torch.float64
    assert ewma(np.array(values, dtype=np.float32), 0.5).dtype == torch.float32
    assert ewma(torch.tensor(values, dtype=torch.float32), 0.5).dtype == torch.float32
    assert ewma(torch.tensor([1, 2, 4]), 0.5).dtype == torch.float64
    assert ewma_naive(torch.tensor(values, dtype=torch.float32), 0.5).dtype == torch.float32
    for kind in (values, np.array(values), torch.tensor(values), torch.tensor([1, 2, 4])):
        assert ewma(kind, 0.5).tolist() == [1.0, 1.5, 2.75]


def test_input_tensor_is_not_modified():
    y = torch.tensor([1.0, 5.0, 2.0])
    before = y.clone()
    ewma(y, 0.9, first="zero", bias_correction=True)
    ewma(y, 0.0)
    assert torch.equal(y, before)


def test_tensor_requiring_grad_is_accepted():
    y = torch.tensor([1.0, 3.0], requires_grad=True)
    assert ewma(y, 0.5).tolist() == [1.0, 2.0]


# ----------------------------------------------------------------------------------
# Bad input
# ----------------------------------------------------------------------------------


@pytest.mark.parametrize("beta", [-0.1, 1.0, 1.5, float("nan"), float("inf"), True, "0.9", None])
@pytest.mark.parametrize("func", [ewma, ewma_naive])
def test_bad_beta(func, beta):
    with pytest.raises(ValueError, match=r"beta must be a number in \[0, 1\)"):
        func([1.0, 2.0], beta)


@pytest.mark.parametrize("beta", [1.0, -1, float("nan")])
def test_effective_window_bad_beta(beta):
    with pytest.raises(ValueError, match="beta"):
        effective_window(beta)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ([], "values must hold at least 1 number, got 0"),
        (torch.zeros(0), "values must hold at least 1 number, got 0"),
        ([[1.0, 2.0], [3.0, 4.0]], r"values must be a 1-D sequence of numbers, got shape \(2, 2\)"),
        (torch.tensor(3.0), r"values must be a 1-D sequence of numbers, got shape \(\)"),
        (["a", "b"], "values must"),
        (torch.tensor([1 + 2j]), "values must hold real numbers"),
    ],
)
@pytest.mark.parametrize("func", [ewma, ewma_naive])
def test_bad_values(func, values, message):
    with pytest.raises(ValueError, match=message):
        func(values, 0.9)


@pytest.mark.parametrize("func", [ewma, ewma_naive])
def test_bad_first(func):
    with pytest.raises(ValueError, match=r"first must be one of \('value', 'zero'\), got 'one'"):
        func([1.0], 0.9, first="one")


@pytest.mark.parametrize("func", [ewma, ewma_naive])
def test_bias_correction_needs_first_zero(func):
    with pytest.raises(ValueError, match="bias_correction=True needs first='zero'"):
        func([1.0], 0.9, first="value", bias_correction=True)
    with pytest.raises(ValueError, match="bias_correction must be True or False"):
        func([1.0], 0.9, first="zero", bias_correction="yes")


def test_huge_values_give_the_same_average_as_the_loop():
    values = [1e308, -1e308, 5e307] * 40
    for beta in (0.5, 0.9, 0.999):
        got = ewma(values, beta)
        assert torch.isfinite(got).all()
        torch.testing.assert_close(got, ewma_naive(values, beta), rtol=1e-9, atol=0)


@pytest.mark.parametrize("bad", [[1.0, float("nan")], np.array([float("inf"), 1.0]),
                                 torch.tensor([0.0, 0.0, -float("inf")])])
def test_non_finite_values_are_refused_with_their_index(bad):
    for f in (ewma, ewma_naive):
        with pytest.raises(ValueError, match=r"^values must hold finite numbers only, got -?(nan|inf) at index \d$"):
            f(bad, 0.9)


@pytest.mark.parametrize("beta", [np.float32(0.5), np.array(0.5), torch.tensor(0.5)])
def test_beta_may_be_a_numpy_scalar_or_a_0d_tensor(beta):
    assert ewma([1.0, 2.0, 3.0], beta).tolist() == [1.0, 1.5, 2.25]


def test_bias_correction_must_be_true_or_false():
    with pytest.raises(ValueError, match=r"^bias_correction must be True or False, got 1$"):
        ewma([1.0], 0.5, first="zero", bias_correction=1)


@pytest.mark.parametrize("first", ["value", "zero"])
def test_values_next_to_the_largest_float_stay_finite(first):
    # Found by hypothesis: scaled down and back up, the second average rounded past
    # 1.8e308 to inf. Every average is a weighted mean of the values, so it cannot.
    values = [1.7976931348623147e308, 1.7976931348623155e308]
    got = ewma(values, 0.17315956477411865, first=first, bias_correction=first == "zero")
    assert torch.isfinite(got).all()
    loop = ewma_naive(values, 0.17315956477411865, first=first, bias_correction=first == "zero")
    torch.testing.assert_close(got, loop, rtol=1e-12, atol=0)
