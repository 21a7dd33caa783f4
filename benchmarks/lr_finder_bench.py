"""The range test of ``lrcourse.lr_finder`` next to torch-lr-finder: speed, curves, suggestions.

Run from the repository root (torch-lr-finder comes with the dev install):

    .venv/bin/python benchmarks/lr_finder_bench.py
    .venv/bin/python benchmarks/lr_finder_bench.py --repeats 3 --num-iter 100

Both run on the same model (``digits_cnn(seed=0)``), the same batches of the 8x8
digits (batch 64, shuffled with a fixed seed) and a fresh optimizer (SGD with
momentum 0.9, then Adam), rates from 1e-7 to 10. The order alternates between
repeats so neither always runs on a warm cache. The time of a test covers
everything needed to get the model back: torch-lr-finder's constructor (it
copies the state there), ``range_test`` and ``reset()``; ours, the constructor
and ``range_test`` (which copies and restores the state itself). Progress bars
are off for both.

One line per figure: the median wall time of each and their ratio; how far the
two smoothed loss curves are apart over their common iterations and where each
stopped; the two ``steepest`` suggestions, and our ``valley``, ``minimum`` and
``clr_bounds``. A last part makes the loss NaN past a rate of 1e-2 (as an
overflow would) and shows where each test stops and what each suggests.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import statistics
import time
import warnings

os.environ.setdefault("TQDM_DISABLE", "1")  # before tqdm is imported: no bar for either

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import torch  # noqa: E402
from torch import nn  # noqa: E402
from torch.utils.data import DataLoader, TensorDataset  # noqa: E402

from lrcourse.lr_finder import LRFinder  # noqa: E402
from lrcourse.models import digits_cnn  # noqa: E402

OPTIMIZERS = {
    "SGD momentum 0.9": lambda params: torch.optim.SGD(params, lr=1e-7, momentum=0.9),
    "Adam": lambda params: torch.optim.Adam(params, lr=1e-7),
}


def load() -> tuple[torch.Tensor, torch.Tensor]:
    """The training part of the 8x8 digits, (N, 1, 8, 8) float32 standardised, seed 0."""
    try:
        from lrcourse.data import load_digits

        d = load_digits(val_fraction=0.2, seed=0)
        return d.x_train, d.y_train
    except ImportError:
        from sklearn.datasets import load_digits as sk_digits

        raw = sk_digits()
        x = torch.tensor(raw.data, dtype=torch.float32).view(-1, 1, 8, 8)
        y = torch.tensor(raw.target, dtype=torch.int64)
        perm = torch.randperm(len(x), generator=torch.Generator().manual_seed(0))
        train = perm[round(0.2 * len(x)) :]
        x = (x - x[train].mean()) / x[train].std()
        return x[train], y[train]


def loader(x: torch.Tensor, y: torch.Tensor) -> DataLoader:
    # A fresh generator per test: both see the same batches in the same order.
    g = torch.Generator().manual_seed(0)
    return DataLoader(TensorDataset(x, y), batch_size=64, shuffle=True, generator=g)


def run_ours(make_opt, data, num_iter: int, criterion=None) -> tuple[float, LRFinder]:
    model = digits_cnn(seed=0)
    opt = make_opt(model.parameters())
    crit = criterion(opt) if criterion else nn.CrossEntropyLoss()
    t0 = time.perf_counter()
    finder = LRFinder(model, opt, crit)
    finder.range_test(loader(*data), start_lr=1e-7, end_lr=10.0, num_iter=num_iter, progress=False)
    return time.perf_counter() - t0, finder


def run_theirs(make_opt, data, num_iter: int, criterion=None):
    import torch_lr_finder

    model = digits_cnn(seed=0)
    opt = make_opt(model.parameters())
    crit = criterion(opt) if criterion else nn.CrossEntropyLoss()
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        t0 = time.perf_counter()
        finder = torch_lr_finder.LRFinder(model, opt, crit)
        finder.range_test(loader(*data), start_lr=1e-7, end_lr=10.0, num_iter=num_iter)
        finder.reset()
        seconds = time.perf_counter() - t0
    return seconds, finder


def their_steepest(finder) -> float:
    fig, ax = plt.subplots()
    with contextlib.redirect_stdout(io.StringIO()):
        _, lr = finder.plot(ax=ax, suggest_lr=True)
    plt.close(fig)
    return lr


def compare(name: str, make_opt, data, num_iter: int, repeats: int) -> None:
    ours_t, theirs_t = [], []
    run_ours(make_opt, data, 20)  # warm-up, untimed: the first run in a process pays for set-up
    run_theirs(make_opt, data, 20)
    for r in range(repeats):
        order = ("ours", "theirs") if r % 2 == 0 else ("theirs", "ours")
        for who in order:
            if who == "ours":
                seconds, ours = run_ours(make_opt, data, num_iter)
                ours_t.append(seconds)
            else:
                seconds, theirs = run_theirs(make_opt, data, num_iter)
                theirs_t.append(seconds)
    a, b = statistics.median(ours_t), statistics.median(theirs_t)
    print(f"[{name}, num_iter={num_iter}, {repeats} repeats]")
    print(
        f"  time (median): ours {a * 1e3:.0f} ms, torch-lr-finder {b * 1e3:.0f} ms, "
        f"ours/theirs {a / b:.3f} (spread ours {min(ours_t) * 1e3:.0f}-{max(ours_t) * 1e3:.0f}, "
        f"theirs {min(theirs_t) * 1e3:.0f}-{max(theirs_t) * 1e3:.0f} ms)"
    )
    n = min(len(ours.history["loss"]), len(theirs.history["loss"]))
    s, t = np.array(ours.history["loss"][:n]), np.array(theirs.history["loss"][:n])
    same_lr = ours.history["lr"][:n] == theirs.history["lr"][:n]
    print(
        f"  curves: {len(ours.history['loss'])} vs {len(theirs.history['loss'])} points "
        f"(ours stopped: {ours.stop_reason}); over {n} common: max |diff| "
        f"{np.abs(s - t).max():.3g}, max rel diff {(np.abs(s - t) / np.abs(t)).max():.3g}, "
        f"same rates: {same_lr}"
    )
    lo, hi = ours.clr_bounds()
    print(
        f"  steepest: ours {ours.suggestion('steepest'):.3g}, torch-lr-finder "
        f"{their_steepest(theirs):.3g}; ours valley {ours.suggestion('valley'):.3g}, "
        f"minimum {ours.suggestion('minimum'):.3g}, clr_bounds ({lo:.3g}, {hi:.3g})"
    )


def nan_case(data, num_iter: int) -> None:
    def nan_past_1e_2(opt):
        def criterion(out, target):
            loss = nn.functional.cross_entropy(out, target)
            return loss * float("nan") if opt.param_groups[0]["lr"] > 1e-2 else loss

        return criterion

    make_opt = OPTIMIZERS["SGD momentum 0.9"]
    _, ours = run_ours(make_opt, data, num_iter, nan_past_1e_2)
    _, theirs = run_theirs(make_opt, data, num_iter, nan_past_1e_2)
    h = np.array(theirs.history["loss"])
    first_nan = int(np.argmax(np.isnan(h))) if np.isnan(h).any() else None
    print(f"[NaN loss once the rate passes 1e-2, SGD momentum, num_iter={num_iter}]")
    print(
        f"  ours stops after {len(ours.history['loss'])} iterations ({ours.stop_reason}); "
        f"torch-lr-finder records {len(h)} iterations, {int(np.isnan(h).sum())} of them NaN "
        f"(first NaN at iteration {first_nan})"
    )
    print(
        f"  steepest: ours {ours.suggestion('steepest'):.3g}, torch-lr-finder "
        f"{their_steepest(theirs):.3g} (last finite rate {ours.history['lr'][-2]:.3g})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--num-iter", type=int, nargs="+", default=[100, 200])
    parser.add_argument("--threads", type=int, default=1)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    data = load()
    print(
        f"digits: {len(data[0])} training images, {args.threads} thread(s), torch {torch.__version__}"
    )
    for num_iter in args.num_iter:
        for name, make_opt in OPTIMIZERS.items():
            compare(name, make_opt, data, num_iter, args.repeats)
    nan_case(data, max(args.num_iter))


if __name__ == "__main__":
    main()
