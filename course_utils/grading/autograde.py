"""``course autograde``: grade a class's submissions, in parallel, in a sandbox.

Input: nbgrader's ``submitted/``, ``SUBMISSIONS/<student>/<assignment>.ipynb``,
``SUBMISSIONS/<student>.ipynb``, a Canvas or Moodle download, or a zip of any (see
submissions.py; what it cannot match to a student is an ``unrecognised`` row). Output: ``OUT/grades.csv``
(``student,assignment,score,max_score,status,detail``), ``OUT/feedback/<student>.html`` and
``OUT/results/<student>.json`` (:meth:`Grade.results_record`: each check's outcome).

For each submission:

1. integrity.py compares it with the released notebook and repairs it (deleted, edited or
   duplicated test cells, changed metadata), noting what it found;
2. nbgrader autogrades it in a scratch course directory with its own gradebook: nbgrader
   puts the instructor's test cells (with the hidden tests) back, sandboxed_execute.py
   runs the notebook with runner.py inside the sandbox (sandbox.py), and nbgrader scores
   the test cells;
3. the status (contracts.Status) says what happened; the feedback HTML has the
   per-exercise scores and failure messages, no hidden test code and no images.

Parallel: ``jobs`` worker processes, each with its own scratch course and gradebook.
"""

from __future__ import annotations

import contextlib
import csv
import json
import os
import re
import shutil
import sqlite3
import tempfile
import time
import traceback
import warnings
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from ..cells import NotebookError, block_parts, exercises, read_notebook, written_answers
from ..course import CourseError, check_assignment, nbgrader_api, release_path, scratch_course, source_path
from . import feedback, gradebook, releases, roster, warm
from .blocks import outcome
from .contracts import Grade, RunReport, Status
from .integrity import repair
from .sandboxed_execute import use_sandbox
from .schema_once import schema_checked_once
from .submissions import collect

MAX_DETAIL = 600


class Grader:
    """One scratch nbgrader course (with its own gradebook) that grades one assignment's
    submissions, one at a time. Each worker process of a parallel run has its own."""

    def __init__(self, root: Path, name: str, workdir: Path, protected: list[str],
                 timeout: int | None = None, limits: dict | None = None, prepared: Path | None = None):
        """``prepared``: a scratch course of ``name`` made by :func:`prepare_course` (copied
        here); None: make one here (nbgrader's generate_assignment and gradebook set-up)."""
        self.name = name
        if prepared is None:
            self.work = prepare_course(root, name, workdir / "course")
        else:
            self.work = Path(shutil.copytree(prepared, workdir / "course"))
        unsynced(self.work / "gradebook.db")
        self.reports = workdir / "reports"
        sandbox = {"report_dir": str(self.reports), "work_dir": str(workdir / "sandboxes"),
                   "protected": protected, **(limits or {})}
        with _quiet_nbgrader():
            self.api = nbgrader_api(self.work, configure=use_sandbox(sandbox, timeout))
            self.feedback = feedback.feedback_app(self.api)
        source = read_notebook(source_path(self.work, name))
        self.release = read_notebook(release_path(self.work, name))
        self.releases = releases.history(root, name)
        if not self.releases or self.releases[-1] != releases.fingerprint(self.release):
            self.releases.append(releases.fingerprint(self.release))
        self.exercises = exercises(source)
        self.autograded = {ex.grade_id for ex in self.exercises}
        self.max_score = sum(ex.points for ex in self.exercises)
        self.written = written_answers(source)
        self.manual_points = sum(p for _, p in self.written)

    def grade(self, student: str, path: Path | None, feedback_dir: Path) -> Grade:
        """Grade one submission (never raises: an internal failure is a ``crashed`` grade)."""
        grade = Grade(student, self.name, 0.0, self.max_score, Status.GRADED)
        start = time.perf_counter()
        try:
            self._grade(grade, path, feedback_dir)
        except Exception as err:  # noqa: BLE001 -- one bad submission never stops the others
            grade.status = Status.CRASHED
            grade.detail = f"the grader failed on this submission: {type(err).__name__}: {err}"
            traceback.print_exc()
        grade.seconds = time.perf_counter() - start
        grade.graded_in = str(self.work)
        grade.detail = grade.detail[:MAX_DETAIL]
        return grade

    def _grade(self, grade: Grade, path: Path | None, feedback_dir: Path) -> None:
        name, student = self.name, grade.student
        if path is None:
            grade.status, grade.detail = Status.MISSING, f"no {name}.ipynb for {student}"
            return
        try:
            submitted = read_notebook(path)
        except NotebookError as err:
            grade.status, grade.detail = Status.INVALID_NOTEBOOK, str(err)
            return
        earlier, notes = releases.fetched(submitted, self.releases), []
        repaired, structure = repair(submitted, self.release, earlier and earlier[1], notes)
        dest = self.work / "submitted" / student / name
        shutil.rmtree(dest, ignore_errors=True)     # a grader that lives on (a Dask worker) re-grades
        dest.mkdir(parents=True)
        (dest / f"{name}.ipynb").write_text(json.dumps(repaired, indent=1))
        started = time.perf_counter()
        with _quiet_nbgrader(), schema_checked_once():
            result = self.api.autograde(name, student)
        nbgrader_s = time.perf_counter() - started
        report_path = self.reports / f"{student}.json"
        if not result["success"] or not report_path.is_file():
            grade.status, grade.detail = Status.CRASHED, _nbgrader_failure(result)
            return
        report = RunReport.from_json(report_path.read_text())
        scores = self._scores(student)
        grade.score = sum(scores.values())
        grade.exercises = self._records(report, scores)
        grade.status, grade.detail = report.verdict(structure)
        if grade.status is Status.GRADED and self.manual_points:
            grade.detail = f"{self.manual_points:g} point(s) of written answers to grade by hand"
        if earlier:
            grade.detail = "; ".join(filter(None, [grade.detail, notes[0].replace(
                "an earlier release", f"release {earlier[0]} of {len(self.releases)}")]))
        started = time.perf_counter()
        with _quiet_nbgrader():
            written = feedback.generate(self.api, name, student, self.feedback)
        html = self.work / "feedback" / student / name / f"{name}.html"
        if not html.is_file():          # the grade stands; the instructor learns why there is no page
            why = (written.get("error") or "").strip().splitlines() or ["no page written"]
            grade.detail = "; ".join(filter(None, [grade.detail, f"no feedback page: nbgrader could not "
                                                   f"write it ({why[-1][:200]})"]))
        else:
            checks = {record["test"]: record["checks"] for record in grade.exercises}
            summary = feedback.Summary(name, str(grade.status), grade.detail,
                                       [(ex.title, scores.get(ex.grade_id, 0.0), ex.points, checks.get(ex.grade_id, []))
                                        for ex in self.exercises],
                                       [(gid, None, points, "") for gid, points in self.written])
            page = feedback.finish(html.read_text(encoding="utf-8"), summary)
            (feedback_dir / f"{student}.html").write_text(page, encoding="utf-8")
        grade.phases = phases(report.phases, nbgrader_s, time.perf_counter() - started)

    def _records(self, report: RunReport, scores: dict[str, float]) -> list[dict]:
        """Per test cell: its score (nbgrader's), outcome and checks (the run's)."""
        records = []
        for ex in self.exercises:
            test = report.tests.get(ex.grade_id) or {"checks": [], "crashed": True}
            checks = test["checks"]
            records.append({
                "test": ex.grade_id, "exercise": block_parts(ex.names[0])[0] if ex.names else ex.grade_id,
                "points": scores.get(ex.grade_id, 0.0), "max_points": ex.points,
                "outcome": outcome([c["outcome"] for c in checks], test["crashed"]),
                "checks": checks})
        return records

    def _scores(self, student: str) -> dict[str, float]:
        """grade_id -> autograded score of each test cell."""
        from nbgrader.api import Gradebook
        with Gradebook(f"sqlite:///{self.work / 'gradebook.db'}") as gb:
            nb = gb.find_submission_notebook(self.name, self.name, student)
            return {g.name: float(g.auto_score or 0.0) for g in nb.grades if g.name in self.autograded}


def prepare_course(root: Path, name: str, folder: Path) -> Path:
    """A scratch course of assignment ``name`` in ``folder`` (with the course's config and
    source): nbgrader's generate_assignment and its new gradebook.db, which spawns
    ``alembic heads``. Made once per run; each worker copies it (:class:`Grader`)."""
    work = scratch_course(root, name, folder)
    unsynced(work / "gradebook.db")
    with _quiet_nbgrader(), _alembic_head_in_process():
        result = nbgrader_api(work).generate_assignment(name)
    if not result["success"]:
        raise CourseError(f"nbgrader could not prepare {name}:\n{result.get('error', '')}")
    return work


@contextlib.contextmanager
def _alembic_head_in_process():
    """nbgrader stamps a new gradebook with the head revision of its alembic migrations,
    which it asks a separate ``alembic heads`` process for (seconds: a Python start and
    nbgrader's imports). Inside this block alembic answers in this process, from the same
    script directory (nbgrader's alembic.ini): alembic's ``heads`` command reads the same."""
    import nbgrader.api
    from alembic.config import Config
    from alembic.script import ScriptDirectory
    from nbgrader.dbutil import _temp_alembic_ini

    spawning = nbgrader.api.get_alembic_version

    def head() -> str:
        with _temp_alembic_ini("sqlite:////tmp/gradebook.db") as ini:
            heads = ScriptDirectory.from_config(Config(ini)).get_heads()
        return heads[0] if len(heads) == 1 else spawning()    # several heads: ask as nbgrader does

    nbgrader.api.get_alembic_version = head
    try:
        yield
    finally:
        nbgrader.api.get_alembic_version = spawning


_UNSYNCED: set[str] = set()


def unsynced(db: Path) -> None:
    """SQLite writes the scratch gradebook ``db`` without waiting for the disk (``PRAGMA
    synchronous=OFF`` on every connection to it in this process). nbgrader commits once per
    cell it scores, and each commit's fsync costs milliseconds, more when the disk is busy.
    A scratch gradebook needs no durability (if the machine crashes, the run starts again);
    the course gradebook (gradebook.py) keeps SQLite's default."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    if not _UNSYNCED:
        event.listen(Engine, "connect", _unsync_scratch)
    _UNSYNCED.add(str(Path(db).resolve()))


def _unsync_scratch(dbapi_connection, _record) -> None:
    if isinstance(dbapi_connection, sqlite3.Connection):
        files = {row[2] for row in dbapi_connection.execute("PRAGMA database_list")}
        if files & _UNSYNCED:
            dbapi_connection.execute("PRAGMA synchronous=OFF")


PHASES = ("sandbox start", "setup", "student cells", "tests", "nbgrader", "feedback")


def phases(run: dict, nbgrader_s: float, feedback_s: float) -> dict:
    """Seconds per phase of one submission (:data:`PHASES`): the sandboxed run's own
    phases, nbgrader's autograde step without them, and the feedback."""
    spent = {key: float(run.get(key, 0.0)) for key in PHASES[:4]}
    spent["nbgrader"] = max(nbgrader_s - sum(spent.values()), 0.0)
    spent["feedback"] = feedback_s
    return {key: round(value, 3) for key, value in spent.items()}


@contextlib.contextmanager
def _quiet_nbgrader():
    """nbgrader's API warns about SQLAlchemy sessions on every call: nothing to act on."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", module="nbgrader")
        yield


def _nbgrader_failure(result: dict) -> str:
    text = f"{result.get('error') or ''}\n{result.get('log') or ''}"
    causes = [line.strip() for line in text.splitlines()
              if ("Error" in line or "Exception" in line) and "NbGraderException" not in line]
    return "nbgrader could not grade it: " + (causes[-1][:300] if causes else "unknown error")


# ------------------------------------------------------------------------ parallel

_WORKER: Grader | None = None


def _start_worker(root, name, scratch, protected, timeout, limits, prepared=None):
    global _WORKER
    workdir = Path(tempfile.mkdtemp(prefix="worker-", dir=scratch))
    _WORKER = Grader(Path(root), name, workdir, protected, timeout, limits,
                     Path(prepared) if prepared else None)


def _grade_in_worker(student, path, feedback_dir) -> Grade:
    return _WORKER.grade(student, path, Path(feedback_dir))


def default_jobs() -> int:
    """Worker processes by default: one per CPU core, at most 4."""
    return max(1, min(os.cpu_count() or 1, 4))


def autograde(root: Path, submissions, name: str, out, timeout: int | None = None,
              jobs: int = 1, progress: bool = False, notebook_timeout: int | None = None,
              memory_mb: int | None = None, scheduler: str | None = None,
              course_dir: Path | None = None) -> list[Grade]:
    """Grade every submission; write grades.csv and feedback; return the grades (sorted).

    ``timeout``: seconds one cell may run (default: Execute.timeout in nbgrader_config.py).
    ``notebook_timeout``, ``memory_mb``: limits of one notebook (default: the
    SandboxedExecute settings in nbgrader_config.py). ``jobs``: worker processes grading
    in parallel. ``progress``: show a progress bar. ``scheduler``: a Dask scheduler's
    address (``tcp://HOST:8786``): grade on that cluster instead (``jobs`` is then unused).
    ``course_dir``: the course gradebook (gradebook.py) to record every graded submission
    in (None: record nothing).
    """
    from tqdm.auto import tqdm

    check_assignment(root, name)
    root, submissions, out = Path(root).resolve(), Path(submissions).resolve(), Path(out).resolve()
    max_score = sum(ex.points for ex in exercises(read_notebook(source_path(root, name))))
    check_out(out, name)
    feedback = out / "feedback"
    feedback.mkdir(parents=True, exist_ok=True)
    course_id = gradebook.prepare(root, name, Path(course_dir)) if course_dir else None
    class_list = roster.load(Path(course_dir), course_id) if course_dir else None
    with tempfile.TemporaryDirectory(prefix="course-autograde-") as tmp:
        scratch = Path(tmp).resolve()
        students = collect(submissions, name, scratch / "collected",
                           lms_ids=class_list.lms_ids if class_list else None)
        roster.restrict(students, class_list)
        protected = [str(root), str(scratch), str(submissions), str(out)]
        protected += [str(Path(course_dir).resolve())] if course_dir else []
        limits = {key: value for key, value in
                  (("notebook_timeout", notebook_timeout), ("memory_mb", memory_mb)) if value}
        prepared = None if scheduler else prepare_course(root, name, scratch / "prepared")
        args = (str(root), name, str(scratch), protected, timeout, limits, prepared and str(prepared))
        bar = tqdm(total=len(students), desc=f"grading {name}", unit="notebook", disable=not progress)
        grades = []
        if scheduler:
            from .cluster import grade_on_cluster
            grades = grade_on_cluster(scheduler, root, name, students, out, scratch, max_score, timeout,
                                      limits, on_done=lambda grade: bar.update())
        elif jobs <= 1:
            _start_worker(*args)
            for student, path in students.items():
                grades.append(_grade_in_worker(student, path, feedback))
                bar.update()
            warm.close_all()            # its scratch folder goes now (worker processes: at their exit)
        else:
            with ProcessPoolExecutor(max_workers=jobs, initializer=_start_worker, initargs=args) as pool:
                futures = {pool.submit(_grade_in_worker, s, p, feedback): s for s, p in students.items()}
                for future in as_completed(futures):
                    try:
                        grades.append(future.result())
                    except Exception as err:  # noqa: BLE001 -- a dead worker process
                        grades.append(Grade(futures[future], name, 0.0, max_score, Status.CRASHED,
                                            f"the grading worker failed: {type(err).__name__}: {err}"))
                    bar.update()
        bar.close()
        grades += [Grade(file, name, 0.0, max_score, Status.UNRECOGNISED, reason)
                   for file, reason in students.unrecognised]
        if course_dir:
            gradebook.record(Path(course_dir), course_id, name, grades, students)
    grades.sort(key=lambda g: g.student)
    write_grades(out / "grades.csv", grades)
    write_results(out / "results", grades)
    return grades


def write_results(folder: Path, grades: list[Grade]) -> None:
    """``<student>.json`` per grade (:meth:`Grade.results_record`)."""
    folder.mkdir(parents=True, exist_ok=True)
    for grade in grades:
        # an unrecognised file's "student" is its path: one file name for it
        stem = re.sub(r"[^\w.@-]", "_", grade.student)
        (folder / f"{stem}.json").write_text(json.dumps(grade.results_record(), indent=1))


def write_grades(path: Path, grades: list[Grade]) -> None:
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(Grade.COLUMNS)
        writer.writerows(g.row() for g in grades)


def check_out(out: Path, name: str) -> None:
    """Refuse an ``--out`` folder that holds another assignment's results (its grades.csv
    or results/*.json): grading ``name`` there would overwrite that grades.csv and mix the
    two assignments' feedback. The same assignment's folder is fine (a re-grade)."""
    found = set()
    if (out / "grades.csv").is_file():
        with open(out / "grades.csv", newline="") as f:
            found |= {row.get("assignment", "") for row in csv.DictReader(f)}
    for record in (out / "results").glob("*.json") if (out / "results").is_dir() else ():
        with contextlib.suppress(ValueError, OSError, AttributeError):
            found.add(json.loads(record.read_text()).get("assignment", ""))
    others = sorted(a for a in found - {name} if a)
    if others:
        raise CourseError(f"{out} holds the results of {', '.join(others)}; grading {name} there would "
                          f"overwrite its grades.csv and mix the feedback. Give each assignment its "
                          f"own --out folder, e.g. --out {out.parent / name}")

