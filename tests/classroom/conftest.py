"""Running nbgrader's own command line in a course folder, as a teacher types it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# nbgrader runs helper commands (alembic, for the gradebook) found on PATH, as it finds
# them in an activated environment: put this interpreter's folder first, as activation
# does. The kernels keep to one thread each (two tests run at once), and the reference
# solutions must not be hidden from the grader by a teacher's switch.
BIN = str(Path(sys.executable).parent)
PATH = BIN + os.pathsep + os.environ.get("PATH", "")
ENV = {k: v for k, v in os.environ.items() if k != "LRCOURSE_GRADED"} | {
    "OMP_NUM_THREADS": "1", "PATH": PATH}


@pytest.fixture(scope="session", autouse=True)
def activated_environment() -> Iterator[None]:
    """PATH as in an activated environment, for nbgrader's gradebook read in this process."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PATH", PATH)
        yield


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
