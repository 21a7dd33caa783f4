"""The course's own rules for notebooks, checked on what is committed.

nbval only compares what a notebook stores: a notebook saved without outputs
passes it without being checked at all. These tests make sure every notebook
was executed top to bottom in one fresh kernel and follows the lesson pattern
of CONTRIBUTING.md.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
MAX_BYTES = 1_500_000
ABSOLUTE_PATH = re.compile(r"(?<![\w.])/(?:work|tmp|root|home|Users|opt|var)/[\w.-]+")


def _load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _source(cell: dict) -> str:
    return "".join(cell["source"])


def _code_cells(nb: dict) -> list[dict]:
    return [c for c in nb["cells"] if c["cell_type"] == "code" and _source(c).strip()]


def test_there_are_notebooks():
    assert len(NOTEBOOKS) >= 2, "the course needs at least notebooks 00 and 01"


def test_notebooks_are_numbered_uniquely_from_00():
    names = [p.name for p in NOTEBOOKS]
    for name in names:
        assert re.fullmatch(r"\d\d_[a-z0-9_]+\.ipynb", name), f"{name}: use NN_short_topic.ipynb"
    numbers = [int(n[:2]) for n in names]
    assert numbers[0] == 0 and len(set(numbers)) == len(numbers), f"one notebook per number: {names}"


def test_readme_lists_every_notebook():
    readme = (NOTEBOOK_DIR.parent / "README.md").read_text(encoding="utf-8")
    missing = [p.name for p in NOTEBOOKS if p.name not in readme]
    assert not missing, f"README's lesson table lacks {missing}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
class TestNotebook:
    def test_executed_top_to_bottom_in_one_kernel(self, path):
        counts = [c.get("execution_count") for c in _code_cells(_load(path))]
        assert counts, "a lesson needs code cells"
        assert None not in counts, "some code cells were never executed: run `make notebooks`"
        assert counts == list(range(1, len(counts) + 1)), (
            f"execution counts {counts} are not 1, 2, 3, ...: re-run `make notebooks`"
        )

    def test_title_and_you_will_learn_first(self, path):
        first = _load(path)["cells"][0]
        assert first["cell_type"] == "markdown"
        text = _source(first)
        assert text.startswith("# "), "the first cell starts with '# Title'"
        assert "You will learn" in text

    def test_second_cell_sets_up_lrcourse(self, path):
        second = _code_cells(_load(path))[0]
        src = _source(second)
        assert "import lrcourse" in src and "lrcourse.setup(" in src

    def test_has_exercise_and_takeaways(self, path):
        markdown = "\n".join(_source(c) for c in _load(path)["cells"] if c["cell_type"] == "markdown")
        assert re.search(r"^#+ Exercise \d+", markdown, re.M), "an 'Exercise N' heading is missing"
        assert re.search(r"^#+ Key takeaways", markdown, re.M), "a 'Key takeaways' heading is missing"

    def test_no_errors_or_warnings_stored(self, path):
        for cell in _code_cells(_load(path)):
            for out in cell.get("outputs", []):
                assert out["output_type"] != "error", f"stored error in: {_source(cell)[:80]!r}"
                if out["output_type"] == "stream":
                    assert out["name"] != "stderr", (
                        f"stderr output (a warning?) in: {_source(cell)[:80]!r}: {''.join(out['text'])[:200]}"
                    )

    def test_no_absolute_machine_paths(self, path):
        text = path.read_text(encoding="utf-8")
        found = ABSOLUTE_PATH.findall(text)
        assert not found, f"absolute paths stored: {found[:3]}"

    def test_small_enough(self, path):
        assert path.stat().st_size < MAX_BYTES, f"{path.name} is {path.stat().st_size} bytes"

    def test_no_bare_item_prints(self, path):
        for cell in _code_cells(_load(path)):
            for line in _source(cell).splitlines():
                assert not re.search(r"print\([^)]*\.item\(\)\s*\)", line), (
                    f"print a rounded number, not a bare .item(): {line.strip()}"
                )


IGNORE_TAG = "nbval-ignore-output"


def _ignored(cell: dict) -> bool:
    tags = cell.get("metadata", {}).get("tags", [])
    return IGNORE_TAG in tags or "NBVAL_IGNORE_OUTPUT" in _source(cell)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_cells_nbval_does_not_compare_check_their_numbers_with_expect(path):
    for cell in _code_cells(_load(path)):
        if _ignored(cell):
            assert "expect(" in _source(cell), (
                f"a cell tagged {IGNORE_TAG} must check its numbers with lrcourse.expect: "
                f"{_source(cell)[:80]!r}"
            )


def test_most_cells_stay_under_exact_comparison():
    counts = [(sum(_ignored(c) for c in cells), len(cells))
              for cells in (_code_cells(_load(path)) for path in NOTEBOOKS)]
    tagged, total = sum(t for t, _ in counts), sum(n for _, n in counts)
    # The count is also printed at the end of every test run (tests/conftest.py).
    assert tagged <= total // 10, f"{tagged} of {total} cells tagged {IGNORE_TAG}: too many"
