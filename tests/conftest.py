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
