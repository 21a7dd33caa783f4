"""Reproducibility for the lessons: one call at the top of every notebook."""

from __future__ import annotations

import os
import platform
import random

#: Thread count used by every lesson unless it asks otherwise. The low digits of
#: sums and convolutions depend on how many threads split the work, so stored
#: notebook outputs only stay valid when this number is fixed, not left to the
#: machine's core count.
DEFAULT_THREADS = 1


#: Floating-point types a lesson may compute in (see ``setup``'s ``dtype``).
DTYPES = ("float32", "float64")


def setup(
    seed: int = 0, threads: int = DEFAULT_THREADS, verbose: bool = True, dtype: str = "float32"
) -> None:
    """Make a lesson reproducible and print what it runs on.

    - seeds Python's ``random``, NumPy and PyTorch with ``seed``;
    - fixes PyTorch's intra-op thread count to ``threads`` (results of parallel
      sums change in their last digits with the number of threads);
    - sets PyTorch's default floating-point type to ``dtype``. Lessons that train
      a network at a high rate use ``"float64"``: such a run is chaotic, float32
      rounding differs between CPUs (their vector instructions add in different
      orders), and in float32 the difference grows until the printed digits
      change; in float64 it stays far below them;
    - sets one plot style for the course, with PNG figures (SVG output embeds
      a date and would differ on every run);
    - prints the versions of Python, PyTorch and NumPy once.

    Args:
        seed: an integer seed in [0, 2**64 - 1], what ``torch.manual_seed`` takes.
        threads: number of CPU threads PyTorch may use, at least 1.
        verbose: print the one-line summary.
        dtype: ``"float32"`` (PyTorch's usual default) or ``"float64"``.

    Example:
        >>> import lrcourse
        >>> lrcourse.setup(seed=0, verbose=False)
    """
    from lrcourse._checks import check_choice, check_int, check_seed

    seed = check_seed("seed", seed)
    threads = check_int("threads", threads, 1)
    dtype = check_choice("dtype", dtype, DTYPES)

    import numpy as np
    import torch

    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    torch.set_num_threads(threads)
    torch.set_default_dtype(getattr(torch, dtype))
    _set_plot_style()

    if verbose:
        print(
            f"lrcourse ready: Python {platform.python_version()}, "
            f"torch {torch.__version__}, numpy {np.__version__}, "
            f"seed {seed}, {threads} thread{'s' if threads > 1 else ''}, device {device()}"
            + (f", {dtype}" if dtype != "float32" else "")
        )


def device() -> str:
    """The device lessons train on: ``"cuda"`` when a GPU is present, else ``"cpu"``.

    Setting the environment variable ``LRCOURSE_DEVICE`` (for example to
    ``cpu``) overrides the choice.
    """
    import torch

    forced = os.environ.get("LRCOURSE_DEVICE")
    if forced:
        return forced
    return "cuda" if torch.cuda.is_available() else "cpu"


def _set_plot_style() -> None:
    import matplotlib as mpl

    mpl.rcParams.update(
        {
            "figure.figsize": (6.4, 3.6),
            "figure.dpi": 80,
            "axes.grid": True,
            "grid.alpha": 0.3,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "legend.frameon": False,
            "savefig.format": "png",
            # Keep PNG bytes identical run after run.
            "svg.hashsalt": "lrcourse",
        }
    )
    try:
        from matplotlib_inline.backend_inline import set_matplotlib_formats
    except ImportError:  # not inside IPython: nothing to configure
        return
    set_matplotlib_formats("png")
