"""One local Ray for the whole session: starting it costs seconds (far more on a busy machine).

Every test module here starts with ``pytest.importorskip("ray", ...)``, so
without the extra ``scale`` (``make test``) they are skipped with that reason.
"""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def local_ray():
    """A local Ray on two cores, shut down after the last test."""
    from lrcourse import tune

    resources = tune.connect(num_cpus=2)
    yield resources
    tune.shutdown()
