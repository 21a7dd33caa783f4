"""Time lrcourse.ewma.ewma (cumulative sums in blocks) against ewma_naive (a Python loop).

Run from the repository root:

    .venv/bin/python benchmarks/ewma_bench.py
    .venv/bin/python benchmarks/ewma_bench.py --threads 2 --n 100000 1000000

For each series length and beta it prints the median time of both versions over a
few repeats, their ratio, and the largest difference between their results.
"""

from __future__ import annotations

import argparse
import statistics
import time

import torch

from lrcourse.ewma import ewma, ewma_naive


def median_time(func, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--betas", type=float, nargs="+", default=[0.5, 0.9, 0.999])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    print(f"torch {torch.__version__}, {args.threads} thread(s), median of {args.repeats}")
    for n in args.n:
        y = torch.randn(n, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
        for beta in args.betas:
            fast = median_time(lambda: ewma(y, beta), args.repeats)  # noqa: B023
            slow = median_time(lambda: ewma_naive(y, beta), args.repeats)  # noqa: B023
            err = (ewma(y, beta) - ewma_naive(y, beta)).abs().max().item()
            print(
                f"n={n:>9,}  beta={beta:<6}  ewma {fast * 1e3:8.2f} ms  "
                f"loop {slow * 1e3:8.2f} ms  loop/ewma {slow / fast:6.1f}x  max diff {err:.1e}"
            )


if __name__ == "__main__":
    main()
