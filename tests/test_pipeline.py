"""End to end through real nbgrader runs, for every assignment in solutions/.

- the committed student notebook is exactly what ``course release`` generates;
- the source notebook carries no outputs (its full-length run, top to bottom without an
  error: tests/browser/test_solution_notebooks.py);
- the untouched release raises NotImplementedError at the first exercise, and every later
  error names an exercise to finish (no cascade of NameErrors from experiment cells); a
  cell stopped for an unfinished exercise shows one red line and no figure (as JupyterLab
  shows it: tests/browser/test_release_notebooks.py, for one notebook);
- autograding (in-process, one worker) gives the solved release full marks and the untouched
  release zero (01_backprop: in tests/test_autograde.py's class, by the command);
- ``course check`` passes the solution (its multiple-choice answers only "recorded") and
  reports every exercise of the blank as not attempted: in-process for every assignment, on
  the notebooks executed for the tests above (each is executed once); end to end for 01,
  named by its assignment, with a non-zero exit code and without the kernel's transport warning.

Assignment 01 also goes through a small class with a wrong, a missing and a corrupt
submission (tests/test_autograde.py).
"""

import csv
import functools
import os
from pathlib import Path

import pytest

from course_utils import cells, selfcheck
from course_utils.grading.autograde import autograde
from tests.conftest import ASSIGNMENTS, ROOT, course, release_of, solved, source_of, variants_module
from tests.notebook_deps import stopped_cell_problems, stopped_cells, unexplained_errors

pytestmark = pytest.mark.nbgrader


def test_there_are_assignments_and_each_has_variants():
    assert ASSIGNMENTS, "no assignments in solutions/"
    for name in ASSIGNMENTS:
        module = ROOT / (variants_module(name).replace(".", "/") + ".py")
        assert module.is_file(), f"{name}: no wrong/correct variants in {module}"


@pytest.fixture(scope="module")
def released(tmp_path_factory) -> Path:
    """``course release --into DIR`` of every assignment, once (per test worker)."""
    into = tmp_path_factory.mktemp("released")
    proc = course("release", "--into", into)
    assert proc.returncode == 0, proc.stderr
    return into


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_release_is_exactly_what_nbgrader_generates(released, name):
    assert (released / name).is_dir(), f"`course release` generated no {name}"
    generated = sorted(p.relative_to(released / name) for p in (released / name).rglob("*")
                       if p.is_file())
    committed = sorted(p.relative_to(release_of(name).parent)
                       for p in release_of(name).parent.rglob("*") if p.is_file())
    assert generated == committed, "notebooks/ holds other files than the release: run `course release`"
    for rel in generated:
        assert (released / name / rel).read_bytes() == (release_of(name).parent / rel).read_bytes(), \
            f"notebooks/{name}/{rel} is stale: run `course release {name}` and commit"


@pytest.mark.parametrize("name", ASSIGNMENTS)
def test_source_notebook_has_no_outputs(name):
    nb = cells.read_notebook(source_of(name))
    dirty = [i for i, c in enumerate(nb.cells)
             if c.cell_type == "code" and (c.outputs or c.execution_count is not None)]
    assert not dirty, f"solutions/{name} has outputs in cells {dirty}: clear them before committing"


def executed(path):
    """The notebook at ``path`` run top to bottom in a fresh kernel as ``course check`` runs it
    (experiments shortened, going on past errors), once per test worker (the tests of one
    assignment share a worker). The full-length run of each solution notebook is the browser's
    (tests/browser/test_solution_notebooks.py)."""
    return _executed(str(path))


@functools.cache
def _executed(path: str):
    saved = os.environ.pop("NBGRADER_EXECUTION", None)
    try:
        return selfcheck.run_notebook(cells.read_notebook(path), Path(path), timeout=300)
    finally:
        os.environ.pop("NBGRADER_EXECUTION", None)
        if saved is not None:
            os.environ["NBGRADER_EXECUTION"] = saved


def errors(nb) -> list[tuple[int, str]]:
    return [(i, o["ename"]) for i, c in enumerate(nb.cells) for o in c.get("outputs", [])
            if o.get("output_type") == "error"]


def per_assignment(names=ASSIGNMENTS):
    """Parametrize over assignments; one assignment's tests run on one worker, so that each
    notebook is executed once."""
    return pytest.mark.parametrize("name", [pytest.param(n, marks=pytest.mark.xdist_group(f"pipeline-{n}"))
                                            for n in names])


@per_assignment()
def test_blank_release_run_all_stops_first_at_the_first_exercise_and_every_error_names_one(name):
    """A new student's notebook, every cell run (as Run All does cell by cell), unfinished:
    the first error is at the first exercise, and every error names an exercise to finish:
    no NameError, KeyError or traceback from inside an experiment (tests/notebook_deps.py)."""
    nb = executed(release_of(name))       # short experiments: the errors are the same
    first = next(i for i, c in enumerate(nb.cells) if cells.is_solution_cell(c) and c.cell_type == "code")
    errored = [i for i, _ in errors(nb)]
    assert errored[0] == first, f"the first error is in cell {errored[0]}, not the first exercise ({first})"
    assert [o["ename"] for o in nb.cells[first].outputs if o["output_type"] == "error"] == ["NotImplementedError"]
    assert stopped_cells(nb), "no experiment cell stopped with needs(...): is the analysis of needs right?"
    problems = unexplained_errors(nb) + stopped_cell_problems(nb)
    assert not problems, f"{name}:\n" + "\n".join(problems)


# 01_backprop's solved and untouched releases are alice and bob of tests/test_autograde.py's class
@per_assignment([name for name in ASSIGNMENTS if name != "01_backprop"])
def test_autograde_gives_solution_full_marks_and_blank_zero(tmp_path, name):
    subs = tmp_path / "submissions"
    for student, text in [("solution", solved(name)), ("blank", release_of(name).read_text())]:
        (subs / student).mkdir(parents=True)
        (subs / student / f"{name}.ipynb").write_text(text)
    # in-process, one worker (the command itself: test_autograde.py, test_term.py)
    grades = autograde(ROOT, subs, name, tmp_path / "out", course_dir=tmp_path / "gradebook")
    assert [(g.student, g.status) for g in grades] == [("blank", "graded"), ("solution", "graded")], grades
    rows = {r["student"]: r for r in csv.DictReader(open(tmp_path / "out" / "grades.csv"))}
    max_score = sum(ex.points for ex in cells.exercises(cells.read_notebook(source_of(name))))
    assert rows["solution"]["status"] == rows["blank"]["status"] == "graded"
    assert float(rows["solution"]["max_score"]) == max_score
    assert float(rows["solution"]["score"]) == max_score
    assert float(rows["blank"]["score"]) == 0.0
    for student in rows:
        html = (tmp_path / "out" / "feedback" / f"{student}.html").read_text()
        assert "HIDDEN TESTS" not in html


@per_assignment()
def test_course_checks_report_passes_the_solution_and_lists_the_blank_as_not_attempted(name):
    """What ``course check`` reports (course_utils.selfcheck, in-process on the notebooks the
    tests above executed; the command itself is run end to end below)."""
    solution = executed(source_of(name))
    good = selfcheck.report(selfcheck.grade_results(solution), cells.written_answers(solution))
    assert "0 failed, 0 not attempted" in good, good
    assert "Multiple choice: 1 of 1 answer(s) recorded" in good, good      # never counted as passed
    blank = executed(release_of(name))
    results = selfcheck.grade_results(blank)
    n = len(cells.exercises(blank))
    assert not selfcheck.all_done(results)
    text = selfcheck.report(results, cells.written_answers(blank))
    assert f"0 passed, 0 failed, {n} not attempted" in text, text
    assert text.count("not attempted   (") == n, text


@per_assignment(ASSIGNMENTS[:1])
def test_course_check_passes_solution_and_lists_blank_as_not_attempted(name):
    good = course("check", source_of(name))
    assert good.returncode == 0, good.stdout + good.stderr
    assert f"Self-check of {source_of(name)}" in good.stdout
    assert "0 failed, 0 not attempted" in good.stdout
    assert "Multiple choice: 1 of 1 answer(s) recorded" in good.stdout      # never counted as passed
    assert "Kernel is running over TCP without encryption" not in good.stdout + good.stderr
    blank = course("check", name, cwd=ROOT / "benchmarks")   # by the assignment's name, from another folder
    assert blank.returncode == 1, blank.stdout + blank.stderr
    assert f"Self-check of {release_of(name)}" in blank.stdout
    n = len(cells.exercises(cells.read_notebook(release_of(name))))
    assert f"0 passed, 0 failed, {n} not attempted" in blank.stdout
    assert blank.stdout.count("not attempted   (") == n
