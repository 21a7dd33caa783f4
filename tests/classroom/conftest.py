"""Running nbgrader's own command line in a course folder, as a teacher types it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

# The kernels nbgrader starts keep to one thread each (two tests run at once), and the
# reference solutions must not be hidden from the grader by a teacher's switch.
ENV = {k: v for k, v in os.environ.items() if k != "LRCOURSE_GRADED"} | {"OMP_NUM_THREADS": "1"}


@pytest.fixture(scope="session")
def nbgrader() -> Callable[..., str]:
    """``nbgrader(*args, cwd=course)`` runs ``nbgrader ARGS`` there and returns its output."""

    def run(*args: str, cwd: Path, timeout: float = 900) -> str:
        done = subprocess.run([sys.executable, "-m", "nbgrader", *args], cwd=cwd, env=ENV,
                              capture_output=True, text=True, timeout=timeout)
        output = done.stdout + done.stderr
        assert done.returncode == 0, f"nbgrader {' '.join(args)} failed:\n{output[-3000:]}"
        return output

    return run
