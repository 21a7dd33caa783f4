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
- the speed-up, the loop's estimated total over the sweep's measured time;
- the sweep's arithmetic rate next to this machine's own limit: the FLOPs of
  the member-steps it trained over its wall time, as a share of a 2048x2048
  float32 matrix product's rate on the same number of threads, measured in the
  same run;
- the time per member-step with all 288 members alive (a fixed number of
  steps on one batch: the phase that dominates the sweep).

``--profile`` adds a table of where the sweep's time goes (a few steps with all
members, by operator).

FLOPs per member-step come from the model's shapes: every Conv2d and Linear
layer does ``outputs x fan-in`` multiply-adds per image (2 FLOPs each) in the
forward pass, as many for its weight gradient, and as many again for the
gradient of its input, except the first layer, whose input needs none. Biases,
activations, pooling, the loss and the optimizer updates are not counted (a
few percent), nor are the whole-training-set accuracy checks the sweep makes;
they only lower the rate shown. The batch size is the average over an epoch
(the last batch of an epoch is smaller).
"""

from __future__ import annotations

import argparse
import platform
import time

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from lrcourse.models import digits_cnn
from lrcourse.optim import OPTIMIZERS, make_optimizer
from lrcourse.sweep import grid_members, stacked_forward, train_many


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


def cpu_name() -> str:
    """The CPU's model name (from /proc/cpuinfo on Linux) and PyTorch's kernel set for it."""
    name = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            name = next(line.split(":", 1)[1].strip() for line in f
                        if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    return f"{name}, {torch.get_num_threads()} threads, PyTorch CPU capability " \
           f"{torch.backends.cpu.get_cpu_capability()}"


def gemm_gflops(size: int = 2048, repeats: int = 5) -> float:
    """The best float32 rate of a (size x size) @ (size x size) product, in GFLOP/s."""
    a, b = torch.randn(size, size), torch.randn(size, size)
    a @ b  # warm-up
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        a @ b
        best = min(best, time.perf_counter() - start)
    return 2 * size**3 / best / 1e9


def flops_per_member_step(model: nn.Module, image: torch.Tensor, batch: float) -> float:
    """Training FLOPs of one member on one batch, from the shapes of its Conv2d and Linear layers.

    Each such layer does ``outputs x fan-in`` multiply-adds per image forward,
    as many for its weight gradient, and as many for its input gradient unless
    it is the first layer (the images need no gradient).
    """
    macs: list[int] = []

    def hook(layer: nn.Module, inputs: tuple, output: torch.Tensor) -> None:
        fan_in = (layer.in_channels // layer.groups * layer.kernel_size[0] * layer.kernel_size[1]
                  if isinstance(layer, nn.Conv2d) else layer.in_features)
        macs.append(output[0].numel() * fan_in)

    handles = [m.register_forward_hook(hook) for m in model.modules()
               if isinstance(m, (nn.Conv2d, nn.Linear))]
    with torch.no_grad():
        model(image[:1])
    for h in handles:
        h.remove()
    passes = [2 if i == 0 else 3 for i in range(len(macs))]
    return 2 * batch * sum(m * p for m, p in zip(macs, passes, strict=True))


def full_population(members, x, y, batch_size: int):
    """A training step of every member on the first batch, after two untimed ones."""
    from lrcourse.sweep.population import _Population
    from lrcourse.sweep.training import _train_step

    model = digits_cnn(seed=0)
    forward = stacked_forward(model)
    w0 = torch.cat([p.detach().reshape(-1) for p in model.parameters()])
    pop = _Population(members, w0, torch.float32)
    pop.sort_by_family()
    xb, yb = x[:batch_size], y[:batch_size]

    def step() -> None:
        _train_step(pop, forward, xb, yb)

    step()
    step()
    return step


def full_population_us(members, x, y, batch_size: int, steps: int = 10) -> float:
    """Microseconds per member-step of ``steps`` training steps with every member alive."""
    step = full_population(members, x, y, batch_size)
    start = time.perf_counter()
    for _ in range(steps):
        step()
    return 1e6 * (time.perf_counter() - start) / (steps * len(members))


def loop_seconds_per_step(members, stopped_at, x, y, batch_size: int) -> tuple[float, int]:
    """Train each member alone with torch.optim for its number of steps; time per step."""
    total_steps, start = 0, time.perf_counter()
    for member, steps in zip(members, stopped_at, strict=True):
        model = digits_cnn(seed=0)
        opt = make_optimizer(member.optimizer, model.parameters(), member.lr, **member.hyper)
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

    step = full_population(members, x, y, batch_size)
    with torch_profile() as prof:
        for _ in range(steps):
            step()
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
    members = grid_members(OPTIMIZERS, lrs)
    per_epoch = -(-len(x) // args.batch_size)
    flops = flops_per_member_step(digits_cnn(seed=0), x, len(x) / per_epoch)
    for threads in args.threads:
        torch.set_num_threads(threads)
        tag = f"threads={threads}"
        print(f"{tag} machine: {cpu_name()}")
        gemm = gemm_gflops()
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
        rate = flops * result.member_steps / result.seconds / 1e9
        print(f"{tag} sweep efficiency: {rate:.1f} GFLOP/s = {100 * rate / gemm:.0f}% of this "
              f"machine's float32 GEMM ({gemm:.0f} GFLOP/s; {flops / 1e6:.2f} MFLOP per "
              f"member-step)")
        us = full_population_us(members, x, y, args.batch_size)
        print(f"{tag} full population ({len(members)} members, 10 steps): {us:.0f} us per "
              f"member-step = {flops / us / 1e3:.1f} GFLOP/s")
        if args.profile:
            profile(members, x, y, args.batch_size)


if __name__ == "__main__":
    main()
