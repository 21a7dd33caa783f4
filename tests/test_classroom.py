"""The classroom kit's builder: every lesson's exercises become nbgrader answers and tests.

These tests read and write notebooks only (no kernel, no nbgrader); tests/classroom/
runs nbgrader itself on what the builder writes.
"""

import ast
import json
import re

import pytest

from lrcourse import classroom
from lrcourse.classroom import BEGIN, END, ConversionError, build, convert, find_lessons, main
from lrcourse.exercises import all_checkers, solution_of

LESSONS = find_lessons()
EXERCISE_HEADING = re.compile(r"^##\s+Exercise\b", re.MULTILINE | re.IGNORECASE)


def _load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def _source(cell):
    return cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])


def _graded_cells(nb):
    return [c for c in nb["cells"] if "nbgrader" in c["metadata"]]


def test_the_lessons_are_found_in_order():
    names = [p.stem for p in LESSONS]
    assert names == sorted(names) and len(names) >= 12
    assert all(re.match(r"^\d\d_", n) for n in names)


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_every_exercise_of_every_lesson_becomes_an_answer_and_a_locked_test(path):
    notebook = _load(path)
    headings = sum(len(EXERCISE_HEADING.findall(_source(c))) for c in notebook["cells"]
                   if c["cell_type"] == "markdown")
    result = convert(notebook, path.stem)
    assert headings >= 1
    assert len({e.number for e in result.exercises}) == headings
    cells = result.notebook["cells"]
    graded = _graded_cells(result.notebook)
    ids = [c["metadata"]["nbgrader"]["grade_id"] for c in graded]
    assert len(ids) == len(set(ids)) == 2 * len(result.exercises)
    for exercise in result.exercises:
        answer = next(c for c in graded if c["metadata"]["nbgrader"]["grade_id"]
                      == exercise.answer_id)
        test = next(c for c in graded if c["metadata"]["nbgrader"]["grade_id"]
                    == exercise.grade_id)
        a_meta, t_meta = answer["metadata"]["nbgrader"], test["metadata"]["nbgrader"]
        assert a_meta == {"grade": False, "grade_id": exercise.answer_id, "locked": False,
                          "schema_version": 3, "solution": True}
        assert t_meta == {"grade": True, "grade_id": exercise.grade_id, "locked": True,
                          "schema_version": 3, "solution": False, "points": exercise.points}
        # The test comes right after its answer and asserts the lesson's own checker.
        assert cells.index(test) == cells.index(answer) + 1
        assert _source(test).startswith(f"assert {exercise.checker}(")
        answer_source = _source(answer)
        assert answer_source.count(BEGIN) == answer_source.count(END) == 1
        assert answer_source.index(BEGIN) < answer_source.index(END)
        ast.parse(answer_source)  # still Python, markers are comments
        ast.parse(_source(test))
        assert exercise.grade_id == exercise.checker.removeprefix("check_") + "_test"
        assert exercise.points == classroom.POINTS[exercise.kind]
    # Nothing executed is shipped, and no cell points at the reference solutions.
    for cell in cells:
        if cell["cell_type"] == "code":
            assert cell["outputs"] == [] and cell["execution_count"] is None
        assert "*Stuck?*" not in _source(cell)
    assert len({c.get("id") for c in cells}) == len(cells)
    assert "widgets" not in result.notebook["metadata"]


@pytest.mark.parametrize("path", LESSONS, ids=lambda p: p.stem)
def test_the_students_copy_is_the_lesson_with_stubs(path):
    """What nbgrader's ClearSolutions leaves (the region replaced by a stub) is the
    lesson's own stub cell: the answer cell keeps every line outside the region."""
    result = convert(_load(path), path.stem)
    original = "\n".join(_source(c) for c in _load(path)["cells"] if c["cell_type"] == "code")
    for cell in _graded_cells(result.notebook):
        if not cell["metadata"]["nbgrader"]["solution"]:
            continue
        source = _source(cell)
        outside = source[: source.index(BEGIN)] + source[source.index(END) + len(END):]
        for line in outside.split("\n"):
            if line.strip().replace("#", "").strip():
                assert line.rstrip() in original, line


def test_an_answer_uses_the_stubs_names_and_the_earlier_answers():
    result = convert(_load(next(p for p in LESSONS if p.stem.startswith("01_"))), "01")
    answers = {c["metadata"]["nbgrader"]["grade_id"]: _source(c)
               for c in _graded_cells(result.notebook)}
    # solution_iterate calls solution_gd_step; in the notebook that is the learner's gd_step.
    assert "gd_step(" in answers["iterate_answer"]
    assert "solution_" not in answers["iterate_answer"]


def test_a_solution_with_a_parameter_the_stub_lacks_takes_it_from_the_check_call():
    cells = [
        {"cell_type": "code", "metadata": {}, "source":
            "from lrcourse.exercises.range_test import check_clr_bounds\nfinder = None"},
        {"cell_type": "markdown", "metadata": {}, "source": "## Exercise 1: bounds"},
        {"cell_type": "code", "metadata": {}, "source":
            "def my_bounds():\n    return ...\n\ncheck_clr_bounds(my_bounds, other_finder)"},
    ]
    result = convert({"cells": cells, "metadata": {}}, "demo")
    answer = _source(result.notebook["cells"][2])
    assert "finder = other_finder" in answer and "finder.clr_bounds()" in answer


def test_renaming_leaves_attributes_and_keyword_arguments_alone():
    code = "y = x.x + f(x=x)\nreturn [x for x in y]"
    assert classroom._rename(code, {"x": "z"}) == "y = z.x + f(x=z)\nreturn [z for z in y]"


def test_values_are_written_as_the_arithmetic_that_gives_them():
    comment, expression = classroom._definition("lrcourse.exercises.decay",
                                                "solution_exponential_sum")
    assert expression == "0.1 / (1 - 0.99)" and comment
    solution = solution_of(all_checkers()["check_exponential_sum"])
    assert eval(expression) == solution


def _exercise(cells_source, heading="## Exercise 1: something"):
    cells = [{"cell_type": "code", "metadata": {}, "source":
              "from lrcourse.exercises.descent import check_gd_step, check_three_steps"},
             {"cell_type": "markdown", "metadata": {}, "source": heading}]
    cells += [{"cell_type": "code", "metadata": {}, "source": s} for s in cells_source]
    return {"cells": cells, "metadata": {}}


@pytest.mark.parametrize("cells, message", [
    (["x = 1"], "no cell calls a check_"),
    (["check_gd_step(lambda x, lr: x)"], "no cell calls a check_"),
    (["def f(x, lr):\n    return x\n\ncheck_gd_step(f)"], "no cell calls a check_"),
    (["def f(x, lr):\n    return ...\n\ncheck_unknown(f)"], "check_unknown is not imported"),
    (["w3 = ...\ncheck_gd_step(w3)"], "solution_gd_step is a function"),
    (["def w3():\n    return ...\ncheck_three_steps(w3)"], "must be one function"),
    (["a = ...\nb = ...\ncheck_three_steps(a, b)"], "need one value each"),
    (["def f(x, lr):\n    return ...\ncheck_gd_step(f)\ncheck_gd_step(f)"], "2 graded check calls"),
])
def test_an_exercise_that_cannot_be_graded_is_an_error_naming_it(cells, message):
    with pytest.raises(ConversionError, match=message) as error:
        convert(_exercise(cells), "99_demo")
    assert "99_demo, exercise 1 (something)" in str(error.value)


def test_a_stub_checked_outside_an_exercise_section_is_an_error():
    notebook = _exercise(["def f(x, lr):\n    return ...\n\ncheck_gd_step(f)"])
    notebook["cells"][1]["source"] = "## 2. Not an exercise heading"
    with pytest.raises(ConversionError, match="outside any '## Exercise"):
        convert(notebook, "99_demo")


def test_an_exercise_heading_without_a_number_is_numbered_in_order():
    result = convert(_exercise(["w3 = ...\ncheck_three_steps(w3)"], heading="## Exercise: guess"),
                     "99_demo")
    assert [(e.number, e.title) for e in result.exercises] == [(1, "guess")]


def test_a_demonstration_of_a_checker_beside_the_graded_call_is_left_as_it_is():
    result = convert(_exercise([
        "def f(x, lr):\n    return ...\n\ncheck_gd_step(f)",
        "check_gd_step(lambda x, lr: x + lr)",
    ]), "99_demo")
    assert [e.grade_id for e in result.exercises] == ["gd_step_test"]
    assert _source(result.notebook["cells"][-1]) == "check_gd_step(lambda x, lr: x + lr)"


def test_a_stub_in_an_earlier_cell_of_the_exercise_is_its_answer():
    result = convert(_exercise(["w3 = ...  # predict", "print('then')\ncheck_three_steps(w3)"]),
                     "99_demo")
    sources = [_source(c) for c in result.notebook["cells"]]
    assert sources[2].startswith("w3 = ...  # predict\n" + BEGIN)
    assert sources[3:] == ["print('then')", "assert check_three_steps(w3)"]


def test_build_writes_a_course_directory_and_the_cli_reports_points(tmp_path, capsys):
    dest = tmp_path / "course"
    assert main(["build", str(dest), "1", "02"]) == 0
    out = capsys.readouterr().out
    first, second = (p for p in LESSONS if p.stem[:2] in ("01", "02"))
    for lesson in (first, second):
        notebook = dest / "source" / lesson.stem / lesson.name
        assert notebook.exists() and lesson.stem in out
    assert "points" in out and "nbgrader generate_assignment" in out
    config = (dest / "nbgrader_config.py").read_text()
    assert "c.Execute.timeout = 1800" in config
    compile(config, "nbgrader_config.py", "exec")
    assert sorted(p.name for p in (dest / "source").iterdir()) == [first.stem, second.stem]
    # A second build refuses to overwrite the teacher's source without --force.
    assert main(["build", str(dest), "01"]) == 2
    assert "--force" in capsys.readouterr().err
    (dest / "nbgrader_config.py").write_text("# the teacher's own\n")
    assert main(["build", str(dest), "01", "--force"]) == 0
    assert (dest / "nbgrader_config.py").read_text() == "# the teacher's own\n"


def test_build_without_lessons_takes_every_lesson(tmp_path):
    built = build(tmp_path, notebooks=classroom.NOTEBOOKS_DIR)
    assert [b.name for b in built] == [p.stem for p in LESSONS]
    assert all(b.points > 0 for b in built)


@pytest.mark.parametrize("bad", ["99", "the_learning_rate", "1x"])
def test_an_unknown_lesson_is_refused_with_the_choices(tmp_path, bad, capsys):
    assert main(["build", str(tmp_path), bad]) == 2
    err = capsys.readouterr().err
    assert repr(bad) in err and LESSONS[1].stem in err
    assert not (tmp_path / "source").exists()


def test_teaching_md_lists_every_graded_exercise_with_its_points_and_readme_links_it():
    root = classroom.NOTEBOOKS_DIR.parent
    teaching = (root / "TEACHING.md").read_text(encoding="utf-8")
    graded_lines = "\n".join(line for line in teaching.splitlines()
                             if line.startswith("**Graded**"))
    for path in LESSONS:
        for exercise in convert(_load(path), path.stem).exercises:
            name = exercise.checker.removeprefix("check_")
            assert f"`{name}` ({exercise.points})" in graded_lines, (path.stem, name)
    assert "](TEACHING.md)" in (root / "README.md").read_text(encoding="utf-8")


def _lesson_plans(teaching: str) -> dict[str, str]:
    blocks = re.split(r"^### (Lesson \d\d\b.*)$", teaching, flags=re.MULTILINE)
    return dict(zip(blocks[1::2], blocks[2::2], strict=True))


def _minutes(block: str, length: int) -> list[int]:
    table = block.split(f"**{length} minutes**", 1)[1].split("\n\n", 2)[1]
    rows = [line for line in table.splitlines() if line.startswith("| ")][1:]
    return [int(row.split("|")[1]) for row in rows]


def test_every_lesson_plan_has_its_parts_and_its_minutes_add_up():
    teaching = (classroom.NOTEBOOKS_DIR.parent / "TEACHING.md").read_text(encoding="utf-8")
    plans = _lesson_plans(teaching)
    assert len(plans) >= len(LESSONS)
    for title, block in plans.items():
        for part in ("**45 minutes**", "**90 minutes**", "**Project**", "**Discussion**",
                     "**Misconceptions targeted**", "**Exit ticket**", "**Graded**"):
            assert part in block, (title, part)
        assert sum(_minutes(block, 45)) == 45, title
        assert sum(_minutes(block, 90)) == 90, title
        ticket = block.split("**Exit ticket**", 1)[1].split("**Graded**")[0]
        assert ticket.count("\n1. ") == 1 and ticket.count("\n2. ") == 1, title
        assert ticket.count("*") >= 4, f"{title}: the exit ticket's answers are in italics"


@pytest.mark.parametrize("kwargs, name", [
    ({"dest": 3}, "dest"),
    ({"lessons": "01"}, "lessons"),
    ({"lessons": [1]}, "lessons"),
    ({"course_id": "my course"}, "course_id"),
    ({"force": 1}, "force"),
    ({"notebooks": None}, "notebooks"),
])
def test_build_refuses_bad_arguments_naming_them(tmp_path, kwargs, name):
    arguments = {"dest": tmp_path, "lessons": ["01"]} | kwargs
    with pytest.raises(ValueError, match=name):
        build(**arguments)
    assert not (tmp_path / "nbgrader_config.py").exists()


@pytest.mark.parametrize("bad", [None, [], {"metadata": {}}])
def test_convert_refuses_what_is_not_a_notebook(bad):
    with pytest.raises(ValueError, match="notebook"):
        convert(bad, "01")
