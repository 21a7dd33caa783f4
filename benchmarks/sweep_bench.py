"""How fast is the 288-run optimizer x learning-rate study, and how much does stacking buy?

Run from the repository root:

    .venv/bin/python benchmarks/sweep_bench.py            # 2 threads, then 1 thread
    .venv/bin/python benchmarks/sweep_bench.py --threads 2 --loop-runs 12 --profile

For each thread count it prints one line per figure:

- the wall time of the full grid (6 optimizers x 48 learning rates log-spaced
  from 1e-6 to 100) trained with ``lrcourse.sweep.train_many`` to 97% training
  accuracy, with a step cap;
- the time per step of the same members trained one by one in a plain PyTorch
  loop with ``torch.optim``: a spread-out subset of the members is trained, each
  for exactly the number of steps it trained in the sweep (the loop gets the
  stopping step for free, so this is the loop's best case), and the total for
  all 288 runs is extrapolated from the measured time per step;
- the speed-up, the loop's estimated total over the sweep's measured time.

``--profile`` adds a table of where the sweep's time goes (a few steps with all
members, by operator).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import torch
import torch.nn.functional as F

from lrcourse.models import digits_cnn
from lrcourse.sweep import OPTIMIZERS, grid, stacked_forward, train_many


def load() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
    """The 8x8 digits, (N, 1, 8, 8) float32 standardised, 80/20 split with seed 0."""
    try:
        from lrcourse.data import load_digits

        d = load_digits(val_fraction=0.2, seed=0)
        return d.x_train, d.y_train, d.x_val, d.y_val
    except ImportError:
        from sklearn.datasets import load_digits as sk_digits

        raw = sk_digits()
        x = torch.tensor(raw.data, dtype=torch.float32).view(-1, 1, 8, 8)
        y = torch.tensor(raw.target, dtype=torch.int64)
        perm = torch.randperm(len(x), generator=torch.Generator().manual_seed(0))
        n_val = round(0.2 * len(x))
        train, val = perm[n_val:], perm[:n_val]
        mean, std = x[train].mean(), x[train].std()
        x = (x - mean) / std
        return x[train], y[train], x[val], y[val]


def loop_seconds_per_step(members, stopped_at, x, y, batch_size: int) -> tuple[float, int]:
    """Train each member alone with torch.optim for its number of steps; time per step."""
    classes = {"sgd": torch.optim.SGD, "momentum": torch.optim.SGD,
               "adagrad": torch.optim.Adagrad, "adadelta": torch.optim.Adadelta,
               "rmsprop": torch.optim.RMSprop, "adam": torch.optim.Adam}
    total_steps, start = 0, time.perf_counter()
    for member, steps in zip(members, stopped_at, strict=True):
        model = digits_cnn(seed=0)
        opt = classes[member.optimizer](model.parameters(), lr=member.lr, **member.hyper)
        g = torch.Generator().manual_seed(0)
        batches: list[torch.Tensor] = []
        for _ in range(steps):
            if not batches:
                batches = list(torch.randperm(len(x), generator=g).split(batch_size))
            idx = batches.pop(0)
            opt.zero_grad()
            loss = F.cross_entropy(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
        total_steps += steps
    return (time.perf_counter() - start) / total_steps, total_steps


def profile(members, x, y, batch_size: int, steps: int = 5) -> None:
    from torch.profiler import profile as torch_profile

    from lrcourse.sweep import _Population, _train_step

    model = digits_cnn(seed=0)
    forward = stacked_forward(model)
    w0 = torch.cat([p.detach().reshape(-1) for p in model.parameters()])
    pop = _Population(members, w0, torch.float32)
    pop.sort_by_family()
    idx = torch.arange(batch_size)
    _train_step(pop, forward, x[idx], y[idx])
    with torch_profile() as prof:
        for _ in range(steps):
            _train_step(pop, forward, x[idx], y[idx])
    print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=12))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--threads", type=int, nargs="+", default=[2, 1])
    parser.add_argument("--max-steps", type=int, default=1000, help="step cap per run")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--loop-runs", type=int, default=24,
                        help="members trained one by one to estimate the loop's cost")
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    x, y, xv, yv = load()
    lrs = np.logspace(-6, 2, 48).tolist()
    members = grid(OPTIMIZERS, lrs)
    for threads in args.threads:
        torch.set_num_threads(threads)
        tag = f"threads={threads}"
        result = train_many(lambda: digits_cnn(seed=0), members, x, y, xv, yv,
                            batch_size=args.batch_size, target_accuracy=0.97,
                            max_steps=args.max_steps, seed=0, progress=False)
        print(f"{tag} sweep: {len(members)} runs ({len(OPTIMIZERS)} optimizers x {len(lrs)} "
              f"rates), target 97% train accuracy, cap {args.max_steps} steps: "
              f"{result.seconds:.1f} s ({result.summary()})")
        print(f"{tag} sweep: {1e6 * result.seconds / result.member_steps:.0f} us per "
              f"member-step on average")
        stride = max(1, len(members) // args.loop_runs)
        chosen = list(range(stride // 2, len(members), stride))[: args.loop_runs]
        stopped = result.column("stopped_at")
        per_step, measured = loop_seconds_per_step(
            [members[i] for i in chosen], [stopped[i] for i in chosen], x, y, args.batch_size)
        loop_total = per_step * sum(stopped)
        print(f"{tag} one-by-one torch.optim loop: measured {len(chosen)} of {len(members)} "
              f"runs ({measured} steps): {1e6 * per_step:.0f} us per step; extrapolated to "
              f"all {sum(stopped)} steps: {loop_total:.1f} s")
        print(f"{tag} speed-up of the sweep over the loop (extrapolated): "
              f"{loop_total / result.seconds:.1f}x")
        if args.profile:
            profile(members, x, y, args.batch_size)


if __name__ == "__main__":
    main()
