"""environment.yml (conda) and pyproject.toml (pip) must pin the same stack."""

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _pins(lines):
    pins = {}
    for line in lines:
        match = re.match(r"\s*([A-Za-z0-9_.-]+)\s*==\s*([^\s#;]+)", line)
        if match:
            pins[match.group(1).lower().replace("_", "-")] = match.group(2)
    return pins


def test_environment_yml_pins_what_pyproject_pins():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = list(project["dependencies"])
    for name, extra in project["optional-dependencies"].items():
        if name != "scale":  # Ray Tune stays out of the conda environment (see its comment)
            wanted += extra
    pyproject = _pins(wanted)
    conda_pip = [
        line.strip().removeprefix("- ")
        for line in (ROOT / "environment.yml").read_text().splitlines()
        if line.strip().startswith("- ") and "==" in line
    ]
    assert _pins(conda_pip) == pyproject


def test_torch_is_pinned_to_the_cpu_wheel_version():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert "torch==2.13.0" in project["dependencies"]
