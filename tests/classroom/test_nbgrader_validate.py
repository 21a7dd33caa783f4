"""Every lesson's nbgrader source notebook passes ``nbgrader validate``.

``validate`` executes the notebook with the reference answers in its answer cells and
checks that every autograded test passes, as a student's "Validate" button does. The
longest lessons come first, so the two workers of ``make test-classroom`` finish together.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("nbgrader", reason="the classroom extra: pip install -e '.[classroom]'")

from lrcourse.classroom import build, find_lessons  # noqa: E402


@pytest.mark.parametrize("lesson", [p.stem for p in reversed(find_lessons())])
def test_every_lessons_source_notebook_passes_nbgrader_validate(lesson, tmp_path, nbgrader):
    build(tmp_path, [lesson])
    out = nbgrader("validate", str(Path("source") / lesson / f"{lesson}.ipynb"), cwd=tmp_path)
    assert "Success! Your notebook passes all the tests." in out, out[-3000:]
    assert "VALIDATION FAILED" not in out
