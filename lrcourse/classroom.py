"""The classroom kit: graded nbgrader assignments made from the lessons.

``python -m lrcourse.classroom build DEST [LESSON ...]`` writes an nbgrader course
directory: ``DEST/nbgrader_config.py`` and ``DEST/source/<lesson>/<lesson>.ipynb`` for
each chosen lesson (all by default). In each notebook every exercise becomes two cells:

- an **answer cell** (nbgrader "autograded answer"): the learner's stub, with the
  reference solution between ``### BEGIN SOLUTION`` and ``### END SOLUTION``, which
  ``nbgrader generate_assignment`` replaces by its code stub in the students' copy;
- a locked **test cell** (nbgrader "autograder tests") worth points:
  ``assert check_...(...)``, the lesson's own checker, which fails unless it says right.

The ``grade_id`` of both comes from the checker's name (``check_gd_step`` gives
``gd_step_answer`` and ``gd_step_test``), so grades stay attached to the same exercise
when lessons are renumbered. Writing code earns :data:`POINTS` ``["function"]`` points,
a prediction :data:`POINTS` ``["value"]``.

Exercises are found in the notebooks, never listed here: a markdown heading
``## Exercise N: ...``, a stub (``def f(...): return ...`` or ``x = ...``) and, in the
same or a later cell of the exercise, a ``check_...`` call from ``lrcourse.exercises``
that is handed the stub. The answer comes from the checker's reference solution
(:func:`lrcourse.exercises.solution_of`):

- a function solution fills a function stub: its body, with the stub's parameter
  names; parameters the stub lacks are taken from the check call by name, a call of
  another exercise's solution becomes a call of that exercise's stub, and the
  modules and helpers the body uses are imported inside the solution;
- a value fills a value stub (``x = <value>``); a dict fills several stubs by name;
- when neither fits, the exercise module defines ``notebook_solution_<name>``: the
  lines of notebook code that answer the exercise.

Anything else raises :class:`ConversionError` naming the lesson and the exercise, so a
new exercise that the kit cannot grade fails the tests instead of going missing.

>>> cells = convert({"cells": [
...     {"cell_type": "markdown", "metadata": {}, "source": "## Exercise 1: one step"},
...     {"cell_type": "code", "metadata": {}, "outputs": [], "execution_count": 1,
...      "source": "def gd_step(x, lr):\\n    return ...\\n\\ncheck_gd_step(gd_step)"},
... ], "metadata": {}}, "demo", {"check_gd_step": "lrcourse.exercises.descent"})
>>> print(cells.notebook["cells"][2]["source"])
assert check_gd_step(gd_step)
>>> [(e.grade_id, e.points) for e in cells.exercises]
[('gd_step_test', 2)]
"""

from __future__ import annotations

import argparse
import ast
import builtins
import copy
import importlib
import inspect
import io
import json
import re
import symtable
import sys
import textwrap
import tokenize
import types
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from os import PathLike
from pathlib import Path
from typing import Any

from lrcourse._checks import check_bool, shown

__all__ = [
    "POINTS",
    "NOTEBOOKS_DIR",
    "BuiltLesson",
    "ConversionError",
    "Converted",
    "GradedExercise",
    "build",
    "convert",
    "find_lessons",
    "main",
]

#: Where the lessons live: ``notebooks/`` beside the package, as in the repository.
NOTEBOOKS_DIR = Path(__file__).resolve().parent.parent / "notebooks"
#: Points of an autograded test: writing a function, or predicting a value.
POINTS = {"function": 2, "value": 1}

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
_EXERCISE = re.compile(r"^##\s+Exercise\b\s*(\d+)?\s*[:.]?\s*(.*)$", re.IGNORECASE)
_HEADING = re.compile(r"^##\s")
_LESSON = re.compile(r"^(\d\d)_\w+$")

CONFIG = '''\
# nbgrader settings for a course built from lrcourse's lessons by
# `python -m lrcourse.classroom build`; it never overwrites this file, so edit freely.
# Run every nbgrader command from this folder (see TEACHING.md in the course).
c = get_config()  # noqa: F821 (nbgrader provides get_config when it reads this file)

c.CourseDirectory.course_id = {course_id!r}

# autograde and validate execute the whole lesson. Lesson 11's study cell runs for
# about a minute on an idle 2-core CPU, but took over ten on a busy one; nbgrader's
# default limit of 30 s per cell would stop it and every test that needs its result
# would score zero. A stopped cell shows "CellTimeoutError" in autograded/.
c.Execute.timeout = 1800
'''


class ConversionError(ValueError):
    """A lesson's exercise cannot be turned into an nbgrader answer and test."""


@dataclass(frozen=True)
class GradedExercise:
    """One autograded test of a lesson: what it checks and what it is worth."""

    number: int
    title: str
    checker: str
    kind: str
    points: int
    answer_id: str
    grade_id: str


@dataclass
class Converted:
    """A lesson notebook made into an nbgrader source notebook, and its graded tests."""

    notebook: dict
    exercises: list[GradedExercise] = field(default_factory=list)

    @property
    def points(self) -> int:
        return sum(e.points for e in self.exercises)


@dataclass(frozen=True)
class BuiltLesson:
    """A lesson written into a course directory."""

    name: str
    path: Path
    exercises: tuple[GradedExercise, ...]

    @property
    def points(self) -> int:
        return sum(e.points for e in self.exercises)


# ----------------------------------------------------------------------------------
# Reading cells
# ----------------------------------------------------------------------------------


def _text(cell: dict) -> str:
    source = cell.get("source", "")
    return source if isinstance(source, str) else "".join(source)


def _parse(source: str) -> ast.Module | None:
    """The cell's syntax tree, IPython magics and shell lines blanked out; None if not Python."""
    lines = ["" if line.lstrip().startswith(("%", "!")) else line for line in source.split("\n")]
    try:
        return ast.parse("\n".join(lines))
    except SyntaxError:
        return None


def _is_ellipsis(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and node.value is Ellipsis


def _placeholder(fn: ast.FunctionDef) -> ast.stmt | None:
    """The statement that makes ``fn`` a stub (``return ...``, ``...``, ``pass``,
    ``raise NotImplementedError``), or None if ``fn`` has real code."""
    body = list(fn.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
            and isinstance(body[0].value.value, str):
        body = body[1:]
    if len(body) != 1:
        return None
    stmt = body[0]
    if isinstance(stmt, ast.Return) and stmt.value is not None and _is_ellipsis(stmt.value):
        return stmt
    if isinstance(stmt, ast.Expr) and _is_ellipsis(stmt.value):
        return stmt
    if isinstance(stmt, ast.Pass):
        return stmt
    if isinstance(stmt, ast.Raise) and stmt.exc is not None and "NotImplementedError" in ast.unparse(
            stmt.exc):
        return stmt
    return None


@dataclass
class _Stub:
    name: str
    kind: str  # "function" or "value"
    cell: int
    node: ast.stmt
    placeholder: ast.stmt | None = None


def _stubs(tree: ast.Module, cell: int) -> dict[str, _Stub]:
    found = {}
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            placeholder = _placeholder(node)
            if placeholder is not None:
                found[node.name] = _Stub(node.name, "function", cell, node, placeholder)
        elif isinstance(node, ast.Assign) and _is_ellipsis(node.value):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    found[target.id] = _Stub(target.id, "value", cell, node)
    return found


def _check_calls(tree: ast.Module) -> list[ast.Expr]:
    return [node for node in tree.body
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
            and isinstance(node.value.func, ast.Name) and node.value.func.id.startswith("check_")]


def checker_modules(cells: Sequence[dict]) -> dict[str, str]:
    """``check_...`` name -> module, from the notebook's ``from lrcourse.exercises.<topic> import``."""
    found = {}
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        tree = _parse(_text(cell))
        for node in ast.walk(tree) if tree else ():
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(
                    "lrcourse.exercises"):
                for alias in node.names:
                    if alias.name.startswith("check_"):
                        found[alias.asname or alias.name] = node.module
    return found


def _module_imports(cells: Iterable[dict]) -> dict[str, str]:
    """Top-level ``import x [as y]`` of the cells: bound name -> module."""
    found = {}
    for cell in cells:
        if cell.get("cell_type") != "code":
            continue
        tree = _parse(_text(cell))
        for node in tree.body if tree else ():
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.asname:
                        found[alias.asname] = alias.name
                    elif "." not in alias.name:
                        found[alias.name] = alias.name
    return found


# ----------------------------------------------------------------------------------
# Reference solutions as notebook code
# ----------------------------------------------------------------------------------


def _rename(code: str, names: dict[str, str]) -> str:
    """Rename identifiers in ``code`` (not attributes, not keyword arguments)."""
    if not names:
        return code
    tokens = list(tokenize.generate_tokens(io.StringIO(code).readline))
    significant = [t for t in tokens if t.type not in (
        tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT)]
    edits = []
    depth = 0
    for k, tok in enumerate(significant):
        if tok.type == tokenize.OP and tok.string in "([{":
            depth += 1
        elif tok.type == tokenize.OP and tok.string in ")]}":
            depth -= 1
        if tok.type != tokenize.NAME or tok.string not in names:
            continue
        before = significant[k - 1].string if k else ""
        after = significant[k + 1].string if k + 1 < len(significant) else ""
        if before == "." or (after == "=" and depth > 0):
            continue
        edits.append((tok.start, tok.end, names[tok.string]))
    lines = code.split("\n")
    for (row, col), (_, end), new in sorted(edits, reverse=True):
        line = lines[row - 1]
        lines[row - 1] = line[:col] + new + line[end:]
    return "\n".join(lines)


def _global_names(source: str) -> set[str]:
    """Names a function's source reads from its module (builtins left out)."""
    names: set[str] = set()

    def walk(table: symtable.SymbolTable) -> None:
        for symbol in table.get_symbols():
            if symbol.is_global() and symbol.is_referenced():
                names.add(symbol.get_name())
        for child in table.get_children():
            walk(child)

    for child in symtable.symtable(source, "<solution>", "exec").get_children():
        walk(child)
    return {n for n in names if not hasattr(builtins, n)}


def _function_body(solution: types.FunctionType) -> tuple[str, list[str]]:
    """The body of ``solution`` (its docstring left out), dedented, and its parameter names."""
    source = textwrap.dedent(inspect.getsource(solution))
    fn = ast.parse(source).body[0]
    assert isinstance(fn, ast.FunctionDef)
    lines = source.split("\n")
    first = fn.body[0]
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
            and isinstance(first.value.value, str) and len(fn.body) > 1:
        start = first.end_lineno
    else:
        start = first.lineno - 1
    body = textwrap.dedent("\n".join(lines[start:fn.end_lineno])).strip("\n")
    params = [a.arg for a in (*fn.args.posonlyargs, *fn.args.args, *fn.args.kwonlyargs)]
    return body, params


def _call_arguments(checker: Callable[..., Any], call: ast.Call) -> dict[str, str]:
    """The check call's arguments as source, by the checker's parameter names."""
    try:
        signature = inspect.signature(checker)
        args = [ast.unparse(a) for a in call.args]
        kwargs = {k.arg: ast.unparse(k.value) for k in call.keywords if k.arg}
        bound = signature.bind(*args, **kwargs)
    except (TypeError, ValueError):
        return {}
    return dict(bound.arguments)


@dataclass
class _Context:
    """What the answer of one exercise may refer to in its notebook."""

    where: str
    earlier_stubs: dict[str, str]  # solution name -> stub name, exercises above this one
    imported_modules: dict[str, str]  # bound name -> module, imports above this cell


def _function_answer(stub: _Stub, stub_params: list[str], solution: types.FunctionType,
                     checker: Callable[..., Any], call: ast.Call, ctx: _Context) -> list[str]:
    body, params = _function_body(solution)
    renames: dict[str, str] = {}
    prelude: list[str] = []
    if len(params) == len(stub_params):
        renames.update({p: s for p, s in zip(params, stub_params, strict=True) if p != s})
    else:
        bound = _call_arguments(checker, call)
        defaults = inspect.signature(solution).parameters
        for p in params:
            if p in stub_params:
                continue
            if p in bound:
                if bound[p] != p:
                    prelude.append(f"{p} = {bound[p]}")
            elif defaults[p].default is not inspect.Parameter.empty:
                prelude.append(f"{p} = {defaults[p].default!r}")
            else:
                raise ConversionError(
                    f"{ctx.where}: the reference solution {solution.__name__} takes {p!r}, "
                    f"which neither the stub {stub.name}({', '.join(stub_params)}) nor the "
                    f"check call provides")
    module_globals = solution.__globals__
    imports = []
    for name in sorted(_global_names(textwrap.dedent(inspect.getsource(solution)))):
        if name in ctx.earlier_stubs:
            renames[name] = ctx.earlier_stubs[name]
            continue
        if name not in module_globals:
            raise ConversionError(f"{ctx.where}: {solution.__name__} uses {name!r}, which its "
                                  f"module does not define")
        value = module_globals[name]
        if isinstance(value, types.ModuleType):
            if ctx.imported_modules.get(name) == value.__name__:
                continue
            imports.append(f"import {value.__name__}" if value.__name__ == name
                           else f"import {value.__name__} as {name}")
        else:
            imports.append(f"from {module_globals['__name__']} import {name}")
    code = _rename(body, renames)
    return imports + prelude + code.split("\n")


def _definition(module_name: str, name: str) -> tuple[list[str], str | None]:
    """The ``#:`` comment lines above ``name = <expression>`` where it is defined (the
    module, or the exercise module it imports it from), and the expression's source if
    it is arithmetic on literals (``0.1 / (1 - 0.99)``)."""
    from lrcourse.exercises import TOPICS

    for candidate in (module_name, *(f"lrcourse.exercises.{t}" for t in TOPICS)):
        found = _definition_in(candidate, name)
        if found is not None:
            return found
    return [], None


def _definition_in(module_name: str, name: str) -> tuple[list[str], str | None] | None:
    try:
        source = inspect.getsource(importlib.import_module(module_name))
    except (OSError, TypeError):
        return None
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == name for t in node.targets):
            lines = source.split("\n")[: node.lineno - 1]
            comment = []
            while lines and lines[-1].lstrip().startswith("#:"):
                comment.insert(0, ("# " + lines.pop().lstrip()[2:].strip()).rstrip())
            names = [n.id for n in ast.walk(node.value) if isinstance(n, ast.Name)]
            plain = isinstance(node.value, (ast.BinOp, ast.UnaryOp, ast.Call)) and all(
                hasattr(builtins, n) for n in names)
            return comment, ast.unparse(node.value) if plain else None
    return None


def _literal(value: Any, where: str, expression: str | None = None) -> str:
    """Source that evaluates to ``value``: ``expression`` when it does, else its repr."""
    if expression is not None:
        try:
            if eval(expression, {"__builtins__": builtins}) == value:  # the course's own code
                return expression
        except Exception:  # not worth more than falling back to the value
            pass
    text = repr(value)
    try:
        same = ast.literal_eval(text) == value
    except (ValueError, SyntaxError):
        same = False
    if not same:
        raise ConversionError(f"{where}: the reference answer {text} cannot be written as a "
                              "Python literal")
    return text


def _value_answer(stubs: list[_Stub], solution: Any, solution_name: str, module: str,
                  ctx: _Context) -> list[str]:
    names = [s.name for s in stubs]
    comment, expression = _definition(module, solution_name)
    if len(names) == 1:
        lines = [f"{names[0]} = {_literal(solution, ctx.where, expression)}"]
    elif isinstance(solution, dict) and set(solution) == set(names):
        lines = [f"{n} = {_literal(solution[n], ctx.where)}" for n in names]
    else:
        raise ConversionError(
            f"{ctx.where}: the stubs {', '.join(names)} need one value each, but "
            f"{solution_name} is {type(solution).__name__}; make it a dict with these keys")
    return comment + lines


# ----------------------------------------------------------------------------------
# One lesson
# ----------------------------------------------------------------------------------


def _exercise_spans(cells: Sequence[dict]) -> list[tuple[int, str, int, int]]:
    """(number, title, first cell, end cell) of each exercise: from the cell holding its
    heading to the next markdown cell with a level-2 heading."""
    spans: list[list] = []
    for i, cell in enumerate(cells):
        if cell.get("cell_type") != "markdown":
            continue
        lines = _text(cell).split("\n")
        headings = [k for k, line in enumerate(lines) if _HEADING.match(line)]
        if not headings:
            continue
        if spans and spans[-1][3] is None:
            spans[-1][3] = i
        match = _EXERCISE.match(lines[headings[-1]])
        if match:
            number = int(match.group(1)) if match.group(1) else len(spans) + 1
            spans.append([number, match.group(2).strip(), i, None])
        for k in headings[:-1]:
            if _EXERCISE.match(lines[k]):
                raise ConversionError(f"cell {i}: the heading {lines[k]!r} is followed by another "
                                      "heading in the same cell, so the exercise has no cells")
    if spans and spans[-1][3] is None:
        spans[-1][3] = len(cells)
    return [tuple(s) for s in spans]


def _code_cell(source: str, cell_id: str, metadata: dict | None = None) -> dict:
    return {"cell_type": "code", "execution_count": None, "id": cell_id,
            "metadata": metadata or {}, "outputs": [], "source": source}


def _nbgrader(grade_id: str, *, solution: bool = False, grade: bool = False,
              points: int | None = None) -> dict:
    meta = {"grade": grade, "grade_id": grade_id, "locked": grade, "schema_version": 3,
            "solution": solution}
    if grade:
        meta["points"] = points
    return meta


def _drop_stuck_hints(source: str) -> str:
    """Remove the paragraphs that point at ``show_solution`` (``*Stuck?* ...``)."""
    paragraphs = re.split(r"\n\s*\n", source)
    return "\n\n".join(p for p in paragraphs if not p.lstrip().startswith("*Stuck?*")).strip("\n")


def _graded_call(tree: ast.Module, stubs: dict[str, _Stub], where: str,
                 cell: int) -> tuple[ast.Expr, list[str]] | None:
    """The cell's check call that is handed a stub, and the stubs' names; None if none is.

    A check call on anything else (a lambda, a table) demonstrates the checker and is
    left as it is.
    """
    graded = []
    for stmt in _check_calls(tree):
        call = stmt.value
        names = [a.id for a in (*call.args, *(k.value for k in call.keywords))
                 if isinstance(a, ast.Name) and a.id in stubs]
        if names:
            graded.append((stmt, names))
    if len(graded) > 1:
        raise ConversionError(f"{where}: cell {cell} has {len(graded)} graded check calls; "
                              "give each its own cell")
    return graded[0] if graded else None


def _answer_code(module: types.ModuleType, checker: Callable[..., Any], stubs: list[_Stub],
                 call: ast.Call, ctx: _Context) -> list[str]:
    """The reference answer of one exercise as notebook lines (see the module's docstring)."""
    from lrcourse.exercises import solution_of

    name = checker.__name__.removeprefix("check_")
    names = ", ".join(s.name for s in stubs)
    hook = getattr(module, f"notebook_solution_{name}", None)
    if hook is not None:
        return textwrap.dedent(hook).strip("\n").split("\n")
    try:
        solution = solution_of(checker)
    except ValueError as error:
        raise ConversionError(f"{ctx.where}: {error}") from None
    if stubs[0].kind == "value":
        if callable(solution):
            raise ConversionError(
                f"{ctx.where}: the stubs {names} are values but solution_{name} is a "
                f"function; define notebook_solution_{name}, the notebook lines that answer "
                "the exercise")
        return _value_answer(stubs, solution, f"solution_{name}", module.__name__, ctx)
    if len(stubs) != 1 or not inspect.isfunction(solution):
        raise ConversionError(
            f"{ctx.where}: the stub {names} is a function, so solution_{name} must be one "
            f"function (or define notebook_solution_{name})")
    args = stubs[0].node.args
    stub_params = [a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)]
    return _function_answer(stubs[0], stub_params, solution, checker, call, ctx)


def _refuse_stray_checks(cells: Sequence[dict], spans: Sequence[tuple], lesson: str) -> None:
    """An exercise outside a ``## Exercise`` section (a check call on a stub) is an error:
    it would silently go ungraded."""
    inside = {i for _, _, first, end in spans for i in range(first, end)}
    for i, cell in enumerate(cells):
        if i in inside or cell.get("cell_type") != "code":
            continue
        tree = _parse(_text(cell))
        if tree is not None and _graded_call(tree, _stubs(tree, i), lesson, i) is not None:
            raise ConversionError(
                f"{lesson}: cell {i} checks a stub outside any '## Exercise N: ...' section; "
                "give the exercise its heading so that it is graded")


def _unique_ids(name: str, used: set[str]) -> tuple[str, str]:
    """``<name>_answer`` and ``<name>_test``, numbered if a notebook grades a checker twice."""
    answer_id, grade_id, suffix = f"{name}_answer", f"{name}_test", 2
    while answer_id in used or grade_id in used:
        answer_id, grade_id = f"{name}_answer_{suffix}", f"{name}_test_{suffix}"
        suffix += 1
    used.update((answer_id, grade_id))
    return answer_id, grade_id


def _finish(cells: list[dict], replaced: dict[int, list[dict]]) -> list[dict]:
    """The notebook's cells with the exercises' cells replaced, outputs and hints removed."""
    finished = []
    for i, cell in enumerate(cells):
        for c in replaced.get(i, [cell]):
            c = dict(c, source=_text(c))
            if c.get("cell_type") == "code":
                c["outputs"], c["execution_count"] = [], None
            elif c.get("cell_type") == "markdown":
                c["source"] = _drop_stuck_hints(c["source"])
                if not c["source"].strip():
                    continue
            finished.append(c)
    return finished


def convert(notebook: dict, lesson: str, checkers: dict[str, str] | None = None) -> Converted:
    """Make one lesson notebook an nbgrader source notebook (see the module's docstring).

    Args:
        notebook: the lesson as nbformat 4 JSON (a dict); it is not changed.
        lesson: the lesson's name, for error messages.
        checkers: ``check_...`` name -> module; by default read from the notebook's imports.

    Raises:
        ConversionError: an exercise has no graded check call, or its answer cannot be built.
    """
    if not isinstance(notebook, dict) or not isinstance(notebook.get("cells"), list):
        raise ValueError(f"notebook must be a notebook's JSON (a dict with 'cells'), got "
                         f"{shown(notebook)}")
    if not isinstance(lesson, str):
        raise ValueError(f"lesson must be the lesson's name, got {shown(lesson)}")
    nb = copy.deepcopy(notebook)
    cells = nb["cells"]
    if checkers is None:
        checkers = checker_modules(cells)
    replaced: dict[int, list[dict]] = {}  # cell index -> the cells that take its place
    graded: list[GradedExercise] = []
    earlier_stubs: dict[str, str] = {}  # solution name -> the learner's function, so far
    used_ids: set[str] = set()
    for number, title, first, end in _exercise_spans(cells):
        where = f"{lesson}, exercise {number} ({title})"
        stubs: dict[str, _Stub] = {}
        found_any = False
        for i in range(first, end):
            if cells[i].get("cell_type") != "code":
                continue
            source = _text(cells[i])
            tree = _parse(source)
            if tree is None:
                raise ConversionError(f"{where}: cell {i} is not valid Python")
            stubs.update(_stubs(tree, i))
            found = _graded_call(tree, stubs, where, i)
            if found is None:
                continue
            found_any = True
            stmt, names = found
            checker_name = stmt.value.func.id
            if checker_name not in checkers:
                raise ConversionError(f"{where}: {checker_name} is not imported from "
                                      "lrcourse.exercises in this notebook")
            module = importlib.import_module(checkers[checker_name])
            checker = getattr(module, checker_name, None)
            if checker is None:
                raise ConversionError(f"{where}: {module.__name__} has no {checker_name}")
            answer_stubs = [stubs[n] for n in names]
            if len({s.kind for s in answer_stubs}) > 1 or len({s.cell for s in answer_stubs}) > 1:
                raise ConversionError(f"{where}: the stubs {', '.join(names)} must be all "
                                      "functions or all values, in one cell")
            kind, answer_at = answer_stubs[0].kind, answer_stubs[0].cell
            ctx = _Context(where, dict(earlier_stubs), _module_imports(cells[:answer_at]))
            code = _answer_code(module, checker, answer_stubs, stmt.value, ctx)
            # Split the check call's cell: what comes before it, then the test.
            lines = source.split("\n")
            before = "\n".join(lines[: stmt.lineno - 1]).rstrip()
            test_lines = lines[stmt.lineno - 1:]
            test_lines[0] = (test_lines[0][: stmt.col_offset] + "assert "
                             + test_lines[0][stmt.col_offset:])
            name = checker_name.removeprefix("check_")
            answer_id, grade_id = _unique_ids(name, used_ids)
            answer_source = _with_solution(before if answer_at == i else _text(cells[answer_at]),
                                           answer_stubs, code, where)
            answer = dict(cells[answer_at], source=answer_source)
            answer["metadata"] = dict(answer.get("metadata", {}),
                                      nbgrader=_nbgrader(answer_id, solution=True))
            test = _code_cell("\n".join(test_lines).rstrip(), grade_id.replace("_", "-"),
                              {"nbgrader": _nbgrader(grade_id, grade=True, points=POINTS[kind])})
            if answer_at == i:
                replaced[i] = [answer, test]
            else:
                replaced[answer_at] = [answer]
                replaced[i] = ([_code_cell(before, f"{grade_id.replace('_', '-')}-before")]
                               if before else []) + [test]
            graded.append(GradedExercise(number, title, checker_name, kind, POINTS[kind],
                                         answer_id, grade_id))
            if kind == "function":
                earlier_stubs[f"solution_{name}"] = answer_stubs[0].name
        if not found_any:
            raise ConversionError(
                f"{where}: no cell calls a check_... function on a stub of the exercise "
                "(def f(...): return ... or x = ...), so it cannot be graded")
    _refuse_stray_checks(cells, _exercise_spans(cells), lesson)
    nb["cells"] = _finish(cells, replaced)
    nb.get("metadata", {}).pop("widgets", None)
    return Converted(nb, graded)


def _with_solution(source: str, stubs: list[_Stub], code: list[str], where: str) -> str:
    """``source`` with the solution region put where the stub's answer goes."""
    tree = _parse(source)
    if tree is None:
        raise ConversionError(f"{where}: the answer cell is not valid Python")
    found = _stubs(tree, -1)
    lines = source.split("\n")

    def region(indent: str) -> list[str]:
        return [indent + BEGIN, *[(indent + line).rstrip() for line in code], indent + END]

    if stubs[0].kind == "function":
        stub = found[stubs[0].name]
        placeholder = stub.placeholder
        indent = " " * placeholder.col_offset
        lines[placeholder.lineno - 1: placeholder.end_lineno] = region(indent)
    else:
        last = max(found[s.name].node.end_lineno for s in stubs)
        lines[last:last] = region("")
    return "\n".join(lines).strip("\n").rstrip()


# ----------------------------------------------------------------------------------
# A course directory
# ----------------------------------------------------------------------------------


def find_lessons(notebooks: Path | str = NOTEBOOKS_DIR) -> list[Path]:
    """The numbered lesson notebooks ``NN_topic.ipynb`` in ``notebooks``, in order."""
    if not isinstance(notebooks, str | PathLike):
        raise ValueError(f"notebooks must be a folder path, got {shown(notebooks)}")
    folder = Path(notebooks)
    if not folder.is_dir():
        raise ValueError(f"notebooks must be a folder of lessons, got {str(folder)!r}")
    return sorted(p for p in folder.glob("*.ipynb") if _LESSON.match(p.stem))


def _choose(lessons: list[Path], wanted: Sequence[str]) -> list[Path]:
    if not wanted:
        return lessons
    chosen = []
    for w in wanted:
        key = Path(w).stem if w.endswith(".ipynb") else w
        match = [p for p in lessons if p.stem == key or p.stem[:2] == key.zfill(2)]
        if len(match) != 1:
            names = ", ".join(p.stem for p in lessons)
            raise ValueError(f"lesson {w!r} is not one of the lessons: give a number or a name "
                             f"among {names}")
        if match[0] not in chosen:
            chosen.append(match[0])
    return chosen


def build(dest: Path | str, lessons: Sequence[str] = (), *, notebooks: Path | str = NOTEBOOKS_DIR,
          course_id: str = "lrcourse", force: bool = False) -> list[BuiltLesson]:
    """Write an nbgrader course directory for ``lessons`` (all when empty) into ``dest``.

    Args:
        dest: the course folder; created if missing. Its ``nbgrader_config.py`` is written
            only when absent.
        lessons: lesson numbers (``"01"``, ``"1"``) or names (``"01_the_learning_rate"``).
        notebooks: the folder of lesson notebooks.
        course_id: nbgrader's course id (used by the exchange on a JupyterHub).
        force: replace a lesson's existing source notebook; without it, refuse.

    Raises:
        ValueError: an unknown lesson, or a source notebook that exists without ``force``.
        ConversionError: a lesson's exercise cannot be graded.
    """
    if not isinstance(dest, str | PathLike):
        raise ValueError(f"dest must be a folder path, got {shown(dest)}")
    if isinstance(lessons, str) or not all(isinstance(w, str) for w in lessons):
        raise ValueError(f"lessons must be a list of lesson numbers or names, got "
                         f"{shown(lessons)}")
    if not isinstance(course_id, str) or not re.fullmatch(r"[A-Za-z0-9_-]+", course_id):
        raise ValueError(f"course_id must be letters, digits, '_' or '-', got {shown(course_id)}")
    check_bool("force", force)
    chosen = _choose(find_lessons(notebooks), list(lessons))
    dest = Path(dest)
    converted = []
    for path in chosen:
        target = dest / "source" / path.stem / path.name
        if target.exists() and not force:
            raise ValueError(f"{target} exists; pass force=True (--force) to replace it")
        notebook = json.loads(path.read_text(encoding="utf-8"))
        converted.append((path, target, convert(notebook, path.stem)))
    dest.mkdir(parents=True, exist_ok=True)
    config = dest / "nbgrader_config.py"
    if not config.exists():
        config.write_text(CONFIG.format(course_id=course_id), encoding="utf-8")
    built = []
    for path, target, result in converted:
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(result.notebook, indent=1, ensure_ascii=False) + "\n",
                          encoding="utf-8")
        built.append(BuiltLesson(path.stem, target, tuple(result.exercises)))
    return built


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m lrcourse.classroom build DEST [LESSON ...]``."""
    parser = argparse.ArgumentParser(
        prog="python -m lrcourse.classroom",
        description="Make nbgrader assignments from the course's lessons (see TEACHING.md).")
    commands = parser.add_subparsers(dest="command", required=True)
    make = commands.add_parser(
        "build", help="write an nbgrader course directory: nbgrader_config.py and "
                      "source/<lesson>/<lesson>.ipynb with answers and autograded tests")
    make.add_argument("dest", help="the course folder to write (created if missing)")
    make.add_argument("lessons", nargs="*", metavar="LESSON",
                      help="lesson numbers or names (default: every lesson)")
    make.add_argument("--notebooks", default=str(NOTEBOOKS_DIR),
                      help="the folder of lesson notebooks (default: the course's)")
    make.add_argument("--course-id", default="lrcourse", help="nbgrader's course id")
    make.add_argument("--force", action="store_true",
                      help="replace lessons already in DEST/source")
    args = parser.parse_args(argv)
    try:
        built = build(args.dest, args.lessons, notebooks=args.notebooks,
                      course_id=args.course_id, force=args.force)
    except (ValueError, ConversionError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    dest = Path(args.dest)
    print(f"Course directory {dest}: nbgrader_config.py and {len(built)} lesson(s)")
    for lesson in built:
        items = ", ".join(f"{e.checker.removeprefix('check_')} {e.points}"
                          for e in lesson.exercises)
        print(f"  source/{lesson.name}/{lesson.path.name}: {len(lesson.exercises)} graded "
              f"exercises, {lesson.points} points ({items})")
    if built:
        print(f"Next: cd {dest} && nbgrader generate_assignment {built[0].name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
