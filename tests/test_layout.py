"""The package layout that CONTRIBUTING.md describes is the one the code has.

CONTRIBUTING.md's table "Lessons and their modules" lists, for every notebook,
its topic name and every ``lrcourse`` module it imports. These tests read the
table and compare it with the notebooks' import lines and with the files in
``lrcourse/``, so the table cannot drift from the code.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "lrcourse"
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
LAYERS = ("lessons", "plots", "widgets", "exercises")
TOOLS = ("curvature", "data", "ewma", "lr_finder", "models", "optim", "schedules", "sweep", "train")


def _table() -> dict[str, tuple[str, set[str]]]:
    """notebook file -> (topic, modules) from CONTRIBUTING.md's table."""
    text = (ROOT / "CONTRIBUTING.md").read_text(encoding="utf-8")
    section = text.split("### Lessons and their modules", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0].endswith(".ipynb`"):
            modules = set(re.findall(r"`([a-z_.]+)`", cells[2] + " " + cells[3]))
            rows[cells[0].strip("`")] = (cells[1].strip("`"), modules - {"—"})
    return rows


def _imports(path: Path) -> set[str]:
    """The lrcourse modules a notebook imports, relative to the package (``plots.descent``)."""
    found = set()
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        if cell["cell_type"] != "code":
            continue
        source = "\n".join(line for line in "".join(cell["source"]).splitlines()
                           if not line.lstrip().startswith(("%", "!")))
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("lrcourse"):
                base = node.module.removeprefix("lrcourse").lstrip(".")
                for alias in node.names:
                    candidate = f"{base}.{alias.name}".lstrip(".")
                    is_module = (PACKAGE / (candidate.replace(".", "/") + ".py")).exists() or (
                        PACKAGE / candidate.replace(".", "/")).is_dir()
                    if is_module:
                        found.add(candidate)
                    elif base and not base.startswith("_"):
                        found.add(base)
    return found


def test_the_table_has_one_row_per_notebook():
    assert sorted(_table()) == [p.name for p in NOTEBOOKS]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_the_table_lists_exactly_the_modules_a_notebook_imports(path):
    topic, listed = _table()[path.name]
    assert _imports(path) == listed, (
        f"CONTRIBUTING.md's row for {path.name} lists {sorted(listed)}; the notebook imports "
        f"{sorted(_imports(path))}"
    )


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_a_lessons_own_modules_carry_its_topic_name(path):
    topic, listed = _table()[path.name]
    own = {m.split(".")[1] for m in listed if m.count(".") == 1 and m.split(".")[0] in LAYERS}
    assert topic in own or path.name.startswith("00_"), (
        f"{path.name}: topic {topic!r} but its lesson modules are named {sorted(own)}"
    )
    assert (PACKAGE / "lessons" / f"{topic}.py").exists() or (
        PACKAGE / "exercises" / f"{topic}.py").exists()
    assert list((ROOT / "tests" / "lessons").glob(f"test_{topic}*.py")), (
        f"tests/lessons/test_{topic}*.py is missing"
    )


def test_every_lesson_module_belongs_to_a_topic_or_a_tool():
    topics = {topic for topic, _ in _table().values()}
    for layer in LAYERS:
        for file in (PACKAGE / layer).glob("[!_]*.py"):
            assert file.stem in topics or (layer == "plots" and file.stem in TOOLS), (
                f"lrcourse/{layer}/{file.name} is neither a lesson topic {sorted(topics)} nor a tool"
            )


def test_tools_do_not_import_lesson_code():
    """A tool may use the shared figure conventions (``lrcourse.plots``), never a lesson's code."""
    for file in PACKAGE.glob("*.py"):
        for node in ast.walk(ast.parse(file.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                parts = node.module.split(".")
                lesson_code = len(parts) > 2 and parts[1] in LAYERS and not parts[2].startswith("_")
                assert not (lesson_code or node.module == "lrcourse.lessons"), (
                    f"tool {file.name} imports {node.module}"
                )


@pytest.mark.parametrize("module", ["lrcourse.plots.descent", "lrcourse.exercises.descent",
                                    "lrcourse.widgets.descent"])
def test_importing_one_lessons_code_loads_no_other_lesson(module):
    code = (f"import sys, {module}; print(sorted(m for m in sys.modules "
            "if m.startswith('lrcourse.') and m.count('.') > 1 or m.startswith('lrcourse.sweep') "
            "or m.startswith('lrcourse.lr_finder')))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    loaded = {m for m in eval(out.stdout) if not m.rsplit(".", 1)[-1].startswith("_")}
    assert loaded <= {"lrcourse.lessons.descent", "lrcourse.plots.descent",
                      "lrcourse.exercises.descent", "lrcourse.widgets.descent"}, loaded


def test_every_public_module_imports_without_cycles():
    """Every module imports; ``lrcourse.tune`` needs its optional extra and says so without it."""
    for file in sorted(PACKAGE.rglob("*.py")):
        name = ".".join(file.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        if name == "lrcourse.tune" and importlib.util.find_spec("ray") is None:
            with pytest.raises(ImportError, match=r"lrcourse\[scale\]"):
                importlib.import_module(name)
            continue
        importlib.import_module(name)
