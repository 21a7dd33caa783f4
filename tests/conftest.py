"""Shared test settings.

Property tests draw their examples from one of two hypothesis profiles:
``fast`` (the default, what `make test` runs) and ``deep`` (`make test-deep`,
many more examples for a longer hunt). Choose one with ``HYPOTHESIS_PROFILE``.
"""

import os

from hypothesis import HealthCheck, settings

settings.register_profile(
    "fast", max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.register_profile(
    "deep", max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "fast"))


def pytest_terminal_summary(terminalreporter):
    """Say how many notebook cells nbval does not compare (they check themselves with expect),
    and whether the tests of the real MNIST test set ran or found no copy of it."""
    _say_whether_real_mnist_was_read(terminalreporter)
    import json
    from pathlib import Path

    notebooks = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))
    tagged = total = 0
    for path in notebooks:
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            if cell["cell_type"] == "code" and "".join(cell["source"]).strip():
                total += 1
                tagged += "nbval-ignore-output" in cell.get("metadata", {}).get("tags", [])
    if total:
        terminalreporter.write_line(
            f"notebooks: {tagged} of {total} code cells are checked by expect() within measured "
            "ranges; nbval compares the others exactly"
        )


def _say_whether_real_mnist_was_read(terminalreporter):
    """The tests named ``*real_mnist*`` (tests/test_data.py) read MNIST's real test set
    from ../shared/data/mnist next to the repository when it is there, and skip
    otherwise: say which, so a run without the files does not pass silently."""
    from pathlib import Path

    reports = [
        report
        for outcome in ("passed", "failed", "skipped")
        for report in terminalreporter.stats.get(outcome, [])
        if "real_mnist" in getattr(report, "nodeid", "")
    ]
    if not reports:
        return
    folder = Path(__file__).resolve().parents[2] / "shared" / "data" / "mnist"
    skipped = sum(report.skipped for report in reports)
    if skipped:
        terminalreporter.write_line(
            f"MNIST: the real test set is not in {folder}: {skipped} tests of it were skipped "
            "(small synthetic IDX files test load_mnist all the same)"
        )
    else:
        terminalreporter.write_line(
            f"MNIST: {len(reports)} tests read the real test set in {folder}"
        )
