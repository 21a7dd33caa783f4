"""lrcourse.tune is optional: without Ray it says which extra to install, and nothing else needs Ray.

These run in the normal suite (``make test``, without the extra) and in ``make
test-scale`` (with it).
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "lrcourse"
IMPORTS_RAY = re.compile(r"^\s*(import ray\b|from ray\b)", re.M)


def _python(code: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=PACKAGE.parent, timeout=300)


def test_without_ray_the_error_names_the_extra_and_pip_install():
    # sys.modules["ray"] = None makes `import ray` fail as if Ray were not installed.
    done = _python("import sys; sys.modules['ray'] = None\nimport lrcourse.tune")
    assert done.returncode != 0
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("ImportError:"), done.stderr
    assert "lrcourse[scale]" in last and "pip install" in last, last


def test_import_works_exactly_when_ray_is_installed():
    if importlib.util.find_spec("ray") is None:
        with pytest.raises(ImportError, match=r"lrcourse\[scale\]"):
            importlib.import_module("lrcourse.tune")
    else:
        tune = importlib.import_module("lrcourse.tune")
        assert callable(tune.tune_grid) and callable(tune.tune_pbt)


def test_no_other_module_of_lrcourse_imports_ray():
    offenders = [str(p.relative_to(PACKAGE.parent)) for p in sorted(PACKAGE.rglob("*.py"))
                 if p.name != "tune.py" and IMPORTS_RAY.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
    # The check would see an import where there is one.
    assert IMPORTS_RAY.search((PACKAGE / "tune.py").read_text(encoding="utf-8"))


def test_importing_the_rest_of_lrcourse_loads_no_ray():
    code = (
        "import importlib, pkgutil, sys, lrcourse\n"
        "names = [m.name for m in pkgutil.walk_packages(lrcourse.__path__, 'lrcourse.')\n"
        "         if m.name != 'lrcourse.tune']\n"
        "for name in names: importlib.import_module(name)\n"
        "from lrcourse import *\n"
        "print(len(names), 'ray' in sys.modules)\n"
    )
    done = _python(code)
    assert done.returncode == 0, done.stderr
    count, loaded = done.stdout.split()
    assert int(count) > 20 and loaded == "False"
