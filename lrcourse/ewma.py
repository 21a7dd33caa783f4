"""Exponentially weighted moving averages (EWMA), the idea under momentum, RMSprop and Adam.

For a series Y_1, Y_2, ..., Y_n and a weight ``beta`` in [0, 1)::

    S_t = beta * S_{t-1} + (1 - beta) * Y_t            t = 1, ..., n

Unrolled, S_t is a weighted sum of every value seen so far, the weight of a value
shrinking by a factor ``beta`` for each step it lies in the past::

    S_t = beta^t * S_0 + (1 - beta) * sum_{k=1..t} beta^(t-k) * Y_k

Two ways to start, chosen with ``first``:

* ``first="value"`` (the default): S_1 = Y_1, the series starts at its first
  observation. This is the same as S_0 = Y_1.
* ``first="zero"``: S_0 = 0, so S_1 = (1 - beta) * Y_1. Early values are pulled
  towards zero, because the weights of the observations only add up to
  1 - beta^t. ``bias_correction=True`` divides that deficit away, as Adam does::

      hat S_t = S_t / (1 - beta^t)

  Bias correction is refused with ``first="value"``: that start has no deficit
  to correct (its weights already add up to 1), and dividing anyway would
  distort the early values.

The average remembers roughly the last ``effective_window(beta) = 1 / (1 - beta)``
values: beta = 0.9 averages about 10 of them, beta = 0.98 about 50.

``ewma_naive`` is the recursion written as a loop, one line per formula line;
``ewma`` computes the same numbers from the unrolled sum with cumulative sums
(see ``_ewma_blocks`` for how it keeps beta^(-t) from overflowing), which is
about ten times faster on long series (measured by ``benchmarks/ewma_bench.py``).

Example::

    >>> ewma([1.0, 2.0, 3.0], beta=0.5).tolist()
    [1.0, 1.5, 2.25]
    >>> ewma([1.0, 2.0, 3.0], beta=0.5, first="zero").tolist()
    [0.5, 1.25, 2.125]
    >>> ewma([1.0, 1.0], beta=0.5, first="zero", bias_correction=True).tolist()
    [1.0, 1.0]
    >>> round(effective_window(0.9), 6)
    10.0
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import torch

from lrcourse._checks import check_beta, check_bool, check_choice, check_series, shown

__all__ = ["FIRST_MODES", "effective_window", "ewma", "ewma_naive"]

FIRST_MODES = ("value", "zero")

# Within one block the scaled values Y_k * beta^(-k) may grow to this factor, far
# from float64's limit (about 1e308) so that values up to 1e200 stay finite.
_MAX_SCALE_LOG = math.log(1e100)
_MAX_VALUE = 1e200


# ----------------------------------------------------------------------------------
# Argument checks
# ----------------------------------------------------------------------------------


def _check_first(first: Any, bias_correction: Any) -> None:
    check_choice("first", first, FIRST_MODES)
    check_bool("bias_correction", bias_correction)
    if bias_correction and first != "zero":
        raise ValueError(
            f"bias_correction=True needs first='zero' (it corrects the pull towards "
            f"S_0 = 0), got first={first!r}"
        )


def _as_series(values: Any) -> tuple[torch.Tensor, torch.dtype]:
    """The values as a float64 1-D tensor, and the dtype the result is given back in."""
    if isinstance(values, torch.Tensor):
        series = values.detach().cpu()
    else:
        try:
            series = torch.as_tensor(np.asarray(values))
        except (TypeError, ValueError, RuntimeError) as error:
            raise ValueError(
                f"values must be a 1-D sequence of numbers, got {shown(values)}"
            ) from error
    if series.is_complex() or not (series.is_floating_point() or _is_integer_dtype(series)):
        raise ValueError(f"values must hold real numbers, got dtype {series.dtype} ({shown(values)})")
    out_dtype = series.dtype if series.is_floating_point() else torch.float64
    series = series.to(torch.float64)
    check_series("values", series)  # 1-D, not empty, finite
    return series, out_dtype


def _is_integer_dtype(series: torch.Tensor) -> bool:
    return series.dtype in (
        torch.bool,
        torch.uint8,
        torch.int8,
        torch.int16,
        torch.int32,
        torch.int64,
    )


# ----------------------------------------------------------------------------------
# The average
# ----------------------------------------------------------------------------------


def effective_window(beta: float) -> float:
    """How many recent values an EWMA with weight ``beta`` roughly averages: 1 / (1 - beta).

    The weights (1 - beta) * beta^k of the k-th value back add up to 1; their mean
    age is beta / (1 - beta), and after 1 / (1 - beta) steps a value's weight has
    fallen to about 1/e of the newest one's (for beta near 1).

    Example:
        >>> round(effective_window(0.98), 6)
        50.0
    """
    beta = check_beta("beta", beta)
    return 1.0 / (1.0 - beta)


def ewma_naive(
    values: Any, beta: float, first: str = "value", bias_correction: bool = False
) -> torch.Tensor:
    """The EWMA as the textbook loop: S_t = beta * S_{t-1} + (1 - beta) * Y_t.

    Same arguments and result as ``ewma``; one Python step per value, so use it to
    read, and ``ewma`` to compute.

    Example:
        >>> ewma_naive([2.0, 4.0], beta=0.5).tolist()
        [2.0, 3.0]
    """
    beta = check_beta("beta", beta)
    _check_first(first, bias_correction)
    series, out_dtype = _as_series(values)
    y = series.tolist()

    s = y[0] if first == "value" else 0.0  # S_0
    averages = []
    for t, y_t in enumerate(y, start=1):
        s = beta * s + (1 - beta) * y_t  # S_t = beta * S_{t-1} + (1 - beta) * Y_t
        averages.append(s / (1 - beta**t) if bias_correction else s)
    return torch.tensor(averages, dtype=torch.float64).to(out_dtype)


def ewma(
    values: Any, beta: float, first: str = "value", bias_correction: bool = False
) -> torch.Tensor:
    """Exponentially weighted moving average of a series, computed without a Python loop.

        S_t = beta * S_{t-1} + (1 - beta) * Y_t,   t = 1, ..., n
        S_0 = Y_1 (first="value")  or  S_0 = 0 (first="zero")
        hat S_t = S_t / (1 - beta^t)   (bias_correction=True, first="zero" only)

    Args:
        values: the series Y_1..Y_n: a list, a NumPy array or a 1-D tensor of real
            numbers, not empty.
        beta: the weight of the past, in [0, 1). 0 returns the series itself; the
            closer to 1, the smoother the average and the more it lags.
        first: ``"value"`` starts at the first observation (S_1 = Y_1);
            ``"zero"`` starts from S_0 = 0.
        bias_correction: divide by 1 - beta^t; only allowed with ``first="zero"``.

    Returns:
        a 1-D tensor of the n averages, in the input's floating dtype (float64 for
        lists and integer input). The arithmetic is done in float64 either way.

    Example:
        >>> ewma(torch.tensor([10.0, 0.0, 0.0]), beta=0.9).tolist()
        [10.0, 9.0, 8.100000381469727]
    """
    beta = check_beta("beta", beta)
    _check_first(first, bias_correction)
    y, out_dtype = _as_series(values)

    # Every average is a weighted mean of the values (and of S_0 = 0 when not
    # corrected): rounding must not carry one beyond them, nor past the largest float.
    low, high = y.min().item(), y.max().item()
    if first == "zero" and not bias_correction:
        low, high = min(low, 0.0), max(high, 0.0)
    # The average is linear in the values: work on them scaled into [-1, 1] when they
    # are so large that the blocks' growth factor would overflow (see _MAX_SCALE_LOG).
    scale = y.abs().max().item()
    scale = scale if scale > _MAX_VALUE else 1.0
    y = y / scale
    s_0 = y[0].item() if first == "value" else 0.0
    s = _ewma_blocks(y, beta, s_0) * scale
    if bias_correction and beta > 0.0:
        t = torch.arange(1, len(y) + 1, dtype=torch.float64)
        s = s / (1 - torch.exp(t * math.log(beta)))  # / (1 - beta^t)
    return s.clamp(low, high).to(out_dtype)


def _ewma_blocks(y: torch.Tensor, beta: float, s_0: float) -> torch.Tensor:
    """S_1..S_n for a float64 series ``y`` and start ``S_0 = s_0``, block by block.

    Inside a block of length L whose first value comes just after the average c,
    with j = 0..L-1 the position in the block::

        S_j = beta^(j+1) * c + (1 - beta) * beta^j * sum_{i<=j} beta^(-i) * Y_i

    The sum is one ``torch.cumsum``. beta^(-i) grows without bound, so the series
    is cut into blocks short enough that it stays below 1e100; all blocks are
    summed at once as the columns of a matrix, and only the carry c from one block
    to the next goes through a loop, once per block, not once per value.
    """
    n = len(y)
    if beta == 0.0:
        return y.clone()

    log_beta = math.log(beta)
    # Longest block with beta^(-(L-1)) <= 1e100.
    length = min(n, 1 + int(_MAX_SCALE_LOG / -log_beta))
    n_blocks = -(-n // length)
    padded = torch.zeros(n_blocks * length, dtype=torch.float64)
    padded[:n] = y
    # Column b holds block b. cumsum down the columns of this transposed view runs
    # over contiguous memory for every column at once, which is the fast way round.
    blocks = padded.view(n_blocks, length).T

    j = torch.arange(length, dtype=torch.float64).unsqueeze(1)
    decay = torch.exp(j * log_beta)  # beta^j (exp is much faster than pow)
    growth = torch.exp(-j * log_beta)  # beta^(-j)
    # Each block's averages as if the average before it were 0.
    local = (1 - beta) * decay * torch.cumsum(blocks * growth, dim=0)

    # Carry the true average from block to block: c_b = beta^L * c_{b-1} + local_end.
    beta_l = beta**length
    carries = []
    c = s_0
    for local_end in local[-1].tolist():
        carries.append(c)
        c = beta_l * c + local_end
    carry = torch.tensor(carries, dtype=torch.float64)

    averages = local + (beta * decay) * carry  # + beta^(j+1) * c
    return averages.T.reshape(-1)[:n]
