"""The classroom kit with the real nbgrader, as a teacher runs it (TEACHING.md).

``python -m lrcourse.classroom build``, then nbgrader's own commands unchanged:
``generate_assignment``, submissions in ``submitted/<student>/<lesson>/``,
``autograde``, and the scores read back from the gradebook. Lesson 01 and lesson 02
(which trains a softmax regression on the digits) keep the run short; every lesson's
source notebook is checked with ``nbgrader validate``.

Run with ``make test-classroom`` (the ``classroom`` extra installs nbgrader).
"""

from __future__ import annotations

import copy
import json
import time
from pathlib import Path

import pytest

pytest.importorskip("nbgrader", reason="the classroom extra: pip install -e '.[classroom]'")

from nbgrader.api import Gradebook  # noqa: E402

from lrcourse.classroom import BEGIN, END, build, find_lessons  # noqa: E402

LESSONS = find_lessons()
FIRST = next(p.stem for p in LESSONS if p.stem.startswith("01_"))
TRAINING = next(p.stem for p in LESSONS if p.stem.startswith("02_"))
# One deliberate, typical slip per lesson: the answer cell's grade_id and its code.
WRONG = {
    FIRST: ("iterate_answer", "def iterate(x0, lr, n):\n    xs = [x0]\n"
                              "    for _ in range(n - 1):\n        xs.append(gd_step(xs[-1], lr))\n"
                              "    return xs"),
    TRAINING: ("iterations_answer", "def iterations(n_samples, batch_size, epochs):\n"
                                    "    return epochs * (n_samples // batch_size)"),
}
STUDENTS = ("reference", "untouched", "one_wrong")
def _read(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def _grade_id(cell: dict) -> str | None:
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def _answers(source: dict) -> dict[str, str]:
    """Each answer cell's reference solution, as a student would type it (no markers)."""
    answers = {}
    for cell in source["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        if meta.get("solution"):
            text = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            answers[meta["grade_id"]] = "\n".join(
                line for line in text.split("\n") if BEGIN not in line and END not in line)
    return answers


def submission(release: dict, answers: dict[str, str]) -> dict:
    """The students' copy with ``answers`` (grade_id -> code) typed into its answer cells."""
    notebook = copy.deepcopy(release)
    for cell in notebook["cells"]:
        if _grade_id(cell) in answers:
            cell["source"] = answers[_grade_id(cell)]
    return notebook


@pytest.fixture(scope="module")
def course(tmp_path_factory, nbgrader):
    """A course for two lessons, three submissions each, autograded; the gradebook's scores."""
    root = tmp_path_factory.mktemp("course")
    build(root, [FIRST, TRAINING])
    scores, seconds = {}, {}
    for lesson in (FIRST, TRAINING):
        nbgrader("generate_assignment", lesson, cwd=root)
        release = _read(root / "release" / lesson / f"{lesson}.ipynb")
        reference = _answers(_read(root / "source" / lesson / f"{lesson}.ipynb"))
        wrong_id, wrong_code = WRONG[lesson]
        copies = {"reference": submission(release, reference),
                  "untouched": release,
                  "one_wrong": submission(release, reference | {wrong_id: wrong_code})}
        for student, notebook in copies.items():
            folder = root / "submitted" / student / lesson
            folder.mkdir(parents=True)
            (folder / f"{lesson}.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
        start = time.perf_counter()
        nbgrader("autograde", lesson, cwd=root)
        seconds[lesson] = (time.perf_counter() - start) / len(copies)
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        for lesson in (FIRST, TRAINING):
            for student in STUDENTS:
                nb = gradebook.find_submission_notebook(lesson, lesson, student)
                scores[lesson, student] = {g.name: (g.score, g.max_score) for g in nb.grades}
    print(f"\nautograde, seconds per submission: {seconds}")
    return root, scores


pytestmark = pytest.mark.xdist_group("nbgrader-flow")


def test_the_students_copy_has_stubs_for_answers_and_locked_tests(course):
    root, _ = course
    for lesson in (FIRST, TRAINING):
        solutions = _answers(_read(root / "source" / lesson / f"{lesson}.ipynb"))
        release = _read(root / "release" / lesson / f"{lesson}.ipynb")
        assert BEGIN not in json.dumps(release) and END not in json.dumps(release)
        kinds = {"answer": 0, "test": 0}
        for cell in release["cells"]:
            meta = cell["metadata"].get("nbgrader", {})
            body = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            if meta.get("solution"):
                kinds["answer"] += 1
                assert body.endswith("raise NotImplementedError()")
                assert body != solutions[meta["grade_id"]]
            if meta.get("grade"):
                kinds["test"] += 1
                assert body.startswith("assert check_") and meta["locked"]
                assert cell["metadata"].get("editable") is False and len(meta["checksum"]) == 32
        assert kinds["answer"] == kinds["test"] == len(solutions)


def test_the_reference_solutions_get_full_marks_on_every_item(course):
    _, scores = course
    for lesson in (FIRST, TRAINING):
        grades = scores[lesson, "reference"]
        assert len(grades) >= 2
        assert all(score == top and top > 0 for score, top in grades.values()), grades


def test_the_untouched_students_copy_gets_zero_on_every_item(course):
    _, scores = course
    for lesson in (FIRST, TRAINING):
        grades = scores[lesson, "untouched"]
        assert set(grades) == set(scores[lesson, "reference"])
        assert all(score == 0 for score, _ in grades.values()), grades


def test_one_wrong_answer_loses_exactly_that_items_points(course):
    _, scores = course
    for lesson in (FIRST, TRAINING):
        wrong_test = WRONG[lesson][0].replace("_answer", "_test")
        grades = scores[lesson, "one_wrong"]
        assert grades[wrong_test][0] == 0
        assert all(score == top for name, (score, top) in grades.items() if name != wrong_test)
        total = sum(score for score, _ in grades.values())
        full = sum(top for _, top in grades.values())
        assert total == full - grades[wrong_test][1]
