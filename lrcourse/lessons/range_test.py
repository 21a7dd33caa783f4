"""Experiments of the range-test lesson (10): our ``LRFinder`` next to ``torch-lr-finder``.

:func:`compare_with_torch_lr_finder` repeats one of our range tests with the
``torch-lr-finder`` package, on a fresh copy of the same model, optimizer and
batches, and returns what agrees (rates, smoothed losses, the steepest
suggestion). The package is optional: without it the function returns ``None``.

``torch-lr-finder`` shows a progress bar and prints messages; stored in a
notebook they would differ from run to run. The messages are caught; the bar is
silenced by lending the package a disabled ``tqdm`` for the duration of the test
only (:func:`silenced_progress_bar`): afterwards its module is exactly as it was,
even when the test fails.

Figures of the comparison are in :mod:`lrcourse.plots.range_test`
(``plot_comparison``).
"""

from __future__ import annotations

import contextlib
import importlib.util
import io
import math
import warnings
from collections.abc import Callable, Iterable, Iterator
from types import ModuleType
from typing import Any

from lrcourse._checks import check_callable, check_instance
from lrcourse.lr_finder import LRFinder

__all__ = ["compare_with_torch_lr_finder", "silenced_progress_bar"]


@contextlib.contextmanager
def silenced_progress_bar(module: ModuleType) -> Iterator[None]:
    """Inside the block, ``module.tqdm`` makes bars that never show; then the original is back.

    ``module`` is a module that calls ``tqdm(...)`` by that name, as
    ``torch_lr_finder.lr_finder`` does. The original is put back in a ``finally``,
    so an error inside the block leaves the module untouched too.

    Example:
        >>> import types
        >>> fake = types.SimpleNamespace(tqdm="the original")
        >>> with silenced_progress_bar(fake):
        ...     fake.tqdm(range(3), desc="hidden").disable
        True
        >>> fake.tqdm
        'the original'
    """
    from tqdm.std import tqdm

    def quiet_tqdm(*args: Any, **kwargs: Any) -> Any:
        return tqdm(*args, **{**kwargs, "disable": True})

    original = module.tqdm
    module.tqdm = quiet_tqdm
    try:
        yield
    finally:
        module.tqdm = original


def compare_with_torch_lr_finder(
    ours: LRFinder,
    make_model: Callable[[], Any],
    make_optimizer: Callable[[Any], Any],
    make_loader: Callable[[], Iterable],
    criterion: Callable[[Any, Any], Any],
    **range_test: Any,
) -> dict[str, Any] | None:
    """Repeat ``ours``'s range test with ``torch_lr_finder.LRFinder`` and compare.

    ``make_model()``, ``make_optimizer(params)`` and ``make_loader()`` must rebuild
    exactly what ``ours`` ran on (same seeds), and ``range_test`` holds the same
    keyword arguments (``start_lr``, ``end_lr``, ``num_iter``...). Their progress
    bar and messages are silenced.

    Returns ``None`` if ``torch_lr_finder`` is not installed, else a dict with
    ``points`` (ours, theirs), ``common`` (points both recorded), ``same_rates``,
    ``max_abs_difference`` (between the smoothed curves over the common points),
    ``steepest`` (ours, theirs: the steepest-descent rule with the same skips on
    each curve), ``ours`` and ``theirs`` (the two ``history`` dicts).
    """
    check_instance("ours", ours, LRFinder, "an LRFinder")
    if not ours.history["lr"]:
        raise ValueError("ours must be an LRFinder whose range_test has run, got an empty history")
    check_callable("make_model", make_model, "make_model() -> model")
    check_callable("make_optimizer", make_optimizer, "make_optimizer(params) -> optimizer")
    check_callable("make_loader", make_loader, "make_loader() -> batches")
    if importlib.util.find_spec("torch_lr_finder") is None:
        return None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import torch_lr_finder
        import torch_lr_finder.lr_finder as their_module
    from matplotlib.figure import Figure

    model = make_model()
    theirs = torch_lr_finder.LRFinder(model, make_optimizer(model.parameters()), criterion)
    with (
        silenced_progress_bar(their_module),  # their bar would be stored in the lesson
        contextlib.redirect_stdout(io.StringIO()),
        warnings.catch_warnings(),
    ):
        warnings.simplefilter("ignore")
        theirs.range_test(make_loader(), **range_test)
        theirs.reset()
    a, b = ours.history, theirs.history
    n = min(len(a["loss"]), len(b["loss"]))
    diff = [abs(x - y) for x, y in zip(a["loss"][:n], b["loss"][:n], strict=True)]
    finite = [d for d in diff if math.isfinite(d)]
    with contextlib.redirect_stdout(io.StringIO()):  # it prints its suggestion
        _, their_steepest = theirs.plot(ax=Figure().subplots(), suggest_lr=True)
    return {
        "points": (len(a["loss"]), len(b["loss"])),
        "common": n,
        "same_rates": list(a["lr"][:n]) == list(b["lr"][:n]),
        "max_abs_difference": max(finite) if finite else math.nan,
        # Their suggestion comes from their plot(), with its default skips (10 and 5).
        "steepest": (ours.suggestion("steepest"), float(their_steepest)),
        "ours": a,
        "theirs": b,
    }
