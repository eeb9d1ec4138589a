"""``course autograde``: grade a folder of submissions with nbgrader.

Input: ``SUBMISSIONS/<student>/<assignment>.ipynb``, ``SUBMISSIONS/<student>.ipynb``, or a
zip of either (see submissions.py). Output: ``OUT/grades.csv``
(``student,assignment,score,max_score,status,detail``) and ``OUT/feedback/<student>.html``.

Grading runs in a scratch nbgrader course directory (its own gradebook), built from the
assignment's source in solutions/: nbgrader re-inserts the instructor's test cells, so a
submission is always graded by the unmodified tests, and a deleted test cell is re-added.
``score`` and ``max_score`` count the autograded points; written answers are reported in
``detail`` for manual grading.

Statuses: ``graded``; ``missing`` (no notebook); ``invalid_notebook`` (not a readable
notebook); ``timeout`` (a cell ran longer than ``Execute.timeout``); ``crashed``
(nbgrader could not grade it, e.g. the kernel died).
"""

from __future__ import annotations

import csv
import re
import shutil
import tempfile
import time
import warnings
from dataclasses import dataclass
from pathlib import Path

from .cells import NotebookError, exercises, read_notebook, written_answers
from .course import CourseError, check_assignment, nbgrader_api, scratch_course
from .submissions import collect

COLUMNS = ["student", "assignment", "score", "max_score", "status", "detail"]


@dataclass
class Grade:
    student: str
    assignment: str
    score: float
    max_score: float
    status: str
    detail: str = ""
    seconds: float = 0.0      # time nbgrader spent autograding this notebook


def _executed_errors(path: Path) -> list[str]:
    try:
        nb = read_notebook(path)
    except NotebookError:
        return []
    return [o.get("ename", "") for c in nb.cells for o in c.get("outputs", [])
            if o.get("output_type") == "error"]


def _crash_reason(result: dict) -> str:
    """One line saying why nbgrader could not grade a notebook."""
    text = f"{result.get('error') or ''}\n{result.get('log') or ''}"
    if "DeadKernelError" in text or "Kernel died" in text:
        return "the kernel died while running the notebook (os._exit, a segfault or out of memory?)"
    causes = [line.strip() for line in text.splitlines()
              if re.search(r"\w+(Error|Exception):", line) and "NbGraderException" not in line]
    return "nbgrader could not grade it: " + (causes[-1][:300] if causes else "unknown error")


def _scores(db: Path, name: str, student: str, autograded: set[str]) -> float:
    from nbgrader.api import Gradebook
    with Gradebook(f"sqlite:///{db}") as gb:
        nb = gb.find_submission_notebook(name, name, student)
        return float(sum(g.auto_score or 0.0 for g in nb.grades if g.name in autograded))


def grade_one(api, work: Path, db: Path, grade: Grade, path: Path | None,
              autograded: set[str]) -> None:
    """Autograde one student's notebook; fill in ``grade`` (score, status, detail)."""
    name = grade.assignment
    if path is None:
        grade.status, grade.detail = "missing", f"no {name}.ipynb in {grade.student}/"
        return
    try:
        read_notebook(path)
    except NotebookError as err:
        grade.status, grade.detail = "invalid_notebook", str(err)
        return
    dest = work / "submitted" / grade.student / name
    dest.mkdir(parents=True)
    shutil.copy2(path, dest / f"{name}.ipynb")
    start = time.perf_counter()
    result = api.autograde(name, grade.student)
    grade.seconds = time.perf_counter() - start
    graded_nb = work / "autograded" / grade.student / name / f"{name}.ipynb"
    if not result["success"] or not graded_nb.is_file():
        grade.status, grade.detail = "crashed", _crash_reason(result)
        return
    grade.score = _scores(db, name, grade.student, autograded)
    if "CellTimeoutError" in _executed_errors(graded_nb):
        grade.status, grade.detail = "timeout", "a cell ran past the time limit"


def autograde(root: Path, submissions, name: str, out, timeout: int | None = None) -> list[Grade]:
    """Grade every submission; write grades.csv and feedback; return the grades.

    ``timeout``: seconds one cell may run (default: Execute.timeout in nbgrader_config.py).
    """
    check_assignment(root, name)
    submissions, out = Path(submissions), Path(out)
    source = read_notebook(root / "solutions" / name / f"{name}.ipynb")
    autograded = {ex.grade_id for ex in exercises(source)}
    max_score = sum(ex.points for ex in exercises(source))
    manual_points = sum(p for _, p in written_answers(source))
    grades: list[Grade] = []

    with tempfile.TemporaryDirectory(prefix="course-autograde-") as tmp, \
            warnings.catch_warnings():
        warnings.filterwarnings("ignore", module="nbgrader")  # SQLAlchemy session noise
        students = collect(submissions, name, Path(tmp) / "collected")
        (out / "feedback").mkdir(parents=True, exist_ok=True)
        work = scratch_course(root, name, Path(tmp) / "course")
        api = nbgrader_api(work, timeout=timeout)
        result = api.generate_assignment(name)
        if not result["success"]:
            raise CourseError(f"nbgrader could not prepare {name}:\n{result.get('error', '')}")
        db = work / "gradebook.db"
        for student, path in students.items():
            grade = Grade(student, name, 0.0, max_score, "graded")
            grades.append(grade)
            grade_one(api, work, db, grade, path, autograded)
            if grade.status == "graded" and manual_points:
                grade.detail = f"{manual_points:g} point(s) of written answers to grade by hand"
        for grade in grades:
            if grade.status in ("graded", "timeout"):
                api.generate_feedback(name, grade.student)
                html = work / "feedback" / grade.student / name / f"{name}.html"
                if html.is_file():
                    shutil.copy2(html, out / "feedback" / f"{grade.student}.html")

    with open(out / "grades.csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(COLUMNS)
        for g in grades:
            writer.writerow([g.student, g.assignment, f"{g.score:g}", f"{g.max_score:g}",
                             g.status, g.detail])
    return grades
