"""Collection settings for every pytest run from the repository (tests and doctests).

``lrcourse/tune.py`` needs the optional extra ``scale`` (Ray Tune): without it,
``pytest --doctest-modules lrcourse`` leaves that one module out instead of
failing to import it. ``make test-scale`` installs the extra and runs it.
"""

import importlib.util

collect_ignore = [] if importlib.util.find_spec("ray") else ["lrcourse/tune.py"]
