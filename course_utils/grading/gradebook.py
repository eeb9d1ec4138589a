"""The course gradebook: nbgrader's own SQLite gradebook, in a course directory the
instructor keeps for the whole term (default ``<root>/gradebook/``, ignored by git).

``course autograde`` grades in throw-away scratch courses (autograde.py), then
:func:`record` copies each graded submission into the course directory, as nbgrader
itself lays it out, so formgrader and ``nbgrader export`` work on it::

    gradebook/nbgrader_config.py              the course's, copied
    gradebook/solutions/<NAME>/               the assignment's source, copied
    gradebook/gradebook.db                    scores per cell, manual grades and comments
    gradebook/submitted/<student>/<NAME>/     the notebook handed in, and timestamp.txt
    gradebook/autograded/<student>/<NAME>/    the autograded notebook (formgrader shows it)
    gradebook/results/<NAME>/<student>.json   each check's outcome, for ``course report``

plus tables in gradebook.db: ``course_status`` (each submission's status and detail) and
``course_sources`` (the fingerprint of each version of an assignment's source set up).

Re-grading a student replaces that student's submission of that assignment and nothing
else; manual grades and comments are kept for the cells whose answer did not change.
Runs on different assignments may write at the same time: SQLite's WAL journal and a lock
file serialise them.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import shutil
import sqlite3
from pathlib import Path

from ..cells import meta, read_notebook
from ..course import CONFIG, CourseError, nbgrader_api, release_path, scratch_course, source_path
from .contracts import Grade, Status
from .corrections import add_cells

DEFAULT_DIR = "gradebook"
DATABASE = "gradebook.db"
RESULTS = "results"             # results/<NAME>/<student>.json: each check's outcome (course report)
LOCK = ".gradebook.lock"
NOT_RECORDED = (Status.MISSING, Status.UNRECOGNISED)   # nothing of theirs to keep
SOURCES_TABLE = """CREATE TABLE IF NOT EXISTS course_sources (
    assignment TEXT NOT NULL, sha256 TEXT NOT NULL, added TEXT NOT NULL,
    PRIMARY KEY (assignment, sha256))"""
STATUS_TABLE = """CREATE TABLE IF NOT EXISTS course_status (
    assignment TEXT NOT NULL, student TEXT NOT NULL, status TEXT NOT NULL, detail TEXT NOT NULL,
    score REAL NOT NULL, max_score REAL NOT NULL, late INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (assignment, student))"""


def course_dir(root: Path, given=None) -> Path:
    """The course directory: ``given`` (``--course-dir``) or ``<root>/gradebook``."""
    return Path(given).expanduser().resolve() if given else Path(root) / DEFAULT_DIR


def course_id(root: Path) -> str:
    """``CourseDirectory.course_id`` of the course's nbgrader_config.py (nbgrader keys its
    gradebook by it)."""
    value = settings(root).CourseDirectory.get("course_id", "")
    return value if isinstance(value, str) else ""


def settings(root: Path):
    """The course's nbgrader configuration (traitlets Config) from its nbgrader_config.py."""
    from traitlets.config.loader import PyFileConfigLoader
    return PyFileConfigLoader(CONFIG, path=str(root)).load_config()


@contextlib.contextmanager
def locked(folder: Path):
    """Hold the course directory's lock (one writer at a time, across processes)."""
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / LOCK, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def create(folder: Path, course_id: str) -> None:
    """Make ``folder/gradebook.db`` with nbgrader's Gradebook if it does not exist yet: nbgrader
    stamps a new database with its alembic revision (which ``nbgrader db upgrade`` reads) only
    when it finds no table in it, so it must come before the course's own tables. A gradebook
    that an earlier version of this course made without the stamp gets it (same nbgrader)."""
    import nbgrader.api

    from .autograde import _alembic_head_in_process
    db = folder / DATABASE
    if not db.is_file():
        folder.mkdir(parents=True, exist_ok=True)
        with _alembic_head_in_process(), nbgrader.api.Gradebook(f"sqlite:///{db}", course_id=course_id):
            return
    with contextlib.closing(sqlite3.connect(db, timeout=60)) as con:
        tables = {name for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if "alembic_version" not in tables:
            with _alembic_head_in_process():
                head = nbgrader.api.get_alembic_version()
            con.execute("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)")
            con.execute("INSERT INTO alembic_version (version_num) VALUES (?)", (head,))
            con.commit()


def open_gradebook(folder: Path, course_id: str):
    """nbgrader's Gradebook on ``folder/gradebook.db`` (WAL journal, waits for writers)."""
    from nbgrader.api import Gradebook
    db = folder / DATABASE
    create(folder, course_id)
    with contextlib.closing(sqlite3.connect(db, timeout=60)) as con:
        con.execute("PRAGMA journal_mode=WAL")
        con.execute(STATUS_TABLE)
        con.commit()
    return Gradebook(f"sqlite:///{db}?timeout=60", course_id=course_id)


def init(root: Path, folder: Path) -> None:
    """Make ``folder`` an nbgrader course directory with the course's configuration."""
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy2(Path(root) / CONFIG, folder / CONFIG)


def prepare(root: Path, name: str, folder: Path) -> str:
    """Put assignment ``name`` (its source and its cells) into the course gradebook; return
    the course id. nbgrader's set-up is paid once per ``course autograde`` run, and not at
    all when the source is the one already set up (its fingerprint, kept per assignment in
    table ``course_sources``)."""
    from .autograde import _quiet_nbgrader
    cid = course_id(root)
    fingerprint = hashlib.sha256(source_path(root, name).read_bytes()).hexdigest()
    with locked(folder):
        init(root, folder)
        create(folder, cid)
        with contextlib.closing(sqlite3.connect(folder / DATABASE, timeout=60)) as con:
            con.execute(SOURCES_TABLE)
            latest = con.execute("SELECT sha256 FROM course_sources WHERE assignment = ? "
                                 "ORDER BY rowid DESC LIMIT 1", (name,)).fetchone()
        if latest == (fingerprint,) and release_path(folder, name).is_file():
            return cid
        if _has_submissions(folder, cid, name):     # a mid-term correction: nbgrader would refuse
            with _quiet_nbgrader(), open_gradebook(folder, cid) as gb:
                add_cells(root, name, folder, gb)
            _remember_source(folder, name, fingerprint)
            return cid
        scratch_course(root, name, folder)
        with _quiet_nbgrader():
            result = nbgrader_api(folder).generate_assignment(name)
        if not result["success"]:
            raise CourseError(f"nbgrader could not add {name} to the gradebook in {folder}:\n"
                              f"{result.get('error', '')}")
        _remember_source(folder, name, fingerprint)
    return cid


def _remember_source(folder: Path, name: str, fingerprint: str) -> None:
    with contextlib.closing(sqlite3.connect(folder / DATABASE, timeout=60)) as con:
        con.execute("INSERT OR REPLACE INTO course_sources VALUES (?, ?, datetime('now'))", (name, fingerprint))
        con.commit()


def _has_submissions(folder: Path, cid: str, name: str) -> bool:
    from nbgrader.api import MissingEntry
    with open_gradebook(folder, cid) as gb:
        try:
            return gb.find_assignment(name).num_submissions > 0
        except MissingEntry:
            return False


def record(folder: Path, course_id: str, name: str, grades: list[Grade], found) -> None:
    """Record each graded submission of ``name`` (see the module's docstring).

    ``found``: submissions.collect's result (the hand-in times and LMS late marks).
    """
    from .autograde import _quiet_nbgrader, write_results
    subs = getattr(found, "submissions", {})
    with locked(folder), _quiet_nbgrader(), open_gradebook(folder, course_id) as gb:
        write_results(folder / RESULTS / name, grades)     # what `course report` reads
        for grade in grades:
            if grade.status in NOT_RECORDED or not grade.graded_in:
                continue                    # not graded_in: the worker died; keep what was there
            sub = subs.get(grade.student)
            _replace(gb, folder, name, grade, sub)
        gb.db.commit()


def _replace(gb, folder: Path, name: str, grade: Grade, sub) -> None:
    from nbgrader.api import Gradebook, MissingEntry
    student = grade.student
    scratch = Path(grade.graded_in) if grade.graded_in else None
    new_nb = scratch / "autograded" / student / name / f"{name}.ipynb" if scratch else None
    kept_nb = folder / "autograded" / student / name / f"{name}.ipynb"
    kept = _unchanged_manual_grades(gb, name, student, kept_nb, new_nb)
    with contextlib.suppress(MissingEntry):
        gb.remove_submission(name, student)
    handed_in = folder / "submitted" / student / name
    original = sub.notebook if sub is not None else None
    collected_here = original is not None and original.resolve().parent == handed_in.resolve()
    shutil.rmtree(kept_nb.parent, ignore_errors=True)
    if not collected_here:                  # nbgrader collect put it here: keep it as it is
        shutil.rmtree(handed_in, ignore_errors=True)
    if new_nb is not None and new_nb.is_file():
        gb.update_or_create_student(student)
        gb.add_submission(name, student, timestamp=sub.timestamp if sub else None)
        with Gradebook(f"sqlite:///{scratch / DATABASE}", course_id=gb.course_id) as graded:
            nb = graded.find_submission_notebook(name, name, student)
            for g in nb.grades:
                mine = gb.find_grade(g.name, name, name, student)
                mine.auto_score, mine.needs_manual_grade = g.auto_score, g.needs_manual_grade
            for c in nb.comments:
                gb.find_comment(c.name, name, name, student).auto_comment = c.auto_comment
        for cell, (score, extra) in kept["grades"].items():
            mine = gb.find_grade(cell, name, name, student)
            mine.manual_score, mine.extra_credit, mine.needs_manual_grade = score, extra, False
        for cell, text in kept["comments"].items():
            gb.find_comment(cell, name, name, student).manual_comment = text
        shutil.copytree(new_nb.parent, kept_nb.parent)
        if not collected_here:
            handed_in.mkdir(parents=True)
            shutil.copy2(original or scratch / "submitted" / student / name / f"{name}.ipynb",
                         handed_in / f"{name}.ipynb")
            if sub is not None and sub.timestamp is not None:
                (handed_in / "timestamp.txt").write_text(sub.timestamp.isoformat(" ") + " UTC")
    gb.db.commit()
    late = int(bool(sub and sub.late))
    with contextlib.closing(sqlite3.connect(folder / DATABASE, timeout=60)) as con:
        con.execute("INSERT OR REPLACE INTO course_status VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (name, student, str(grade.status), grade.detail, grade.score, grade.max_score, late))
        con.commit()


def _unchanged_manual_grades(gb, name: str, student: str, old_nb: Path, new_nb: Path | None) -> dict:
    """The manual scores and comments of ``student``'s previous submission whose cell reads
    the same in the new one (by nbgrader grade_id)."""
    from nbgrader.api import MissingEntry
    kept = {"grades": {}, "comments": {}}
    if new_nb is None or not new_nb.is_file() or not old_nb.is_file():
        return kept
    try:
        nb = gb.find_submission_notebook(name, name, student)
    except MissingEntry:
        return kept
    old, new = _answers(old_nb), _answers(new_nb)
    same = {cell for cell in old if cell in new and old[cell] == new[cell]}
    kept["grades"] = {g.name: (g.manual_score, g.extra_credit) for g in nb.grades
                      if g.name in same and (g.manual_score is not None or g.extra_credit)}
    kept["comments"] = {c.name: c.manual_comment for c in nb.comments
                        if c.name in same and c.manual_comment}
    return kept


def _answers(path: Path) -> dict[str, str]:
    """grade_id -> source of each cell nbgrader tracks in a notebook."""
    return {meta(c)["grade_id"]: c.source for c in read_notebook(path).cells if meta(c).get("grade_id")}


def statuses(folder: Path) -> dict[tuple[str, str], dict]:
    """``(assignment, student) -> {status, detail, score, max_score, late}`` recorded so far."""
    db = folder / DATABASE
    if not db.is_file():
        return {}
    with contextlib.closing(sqlite3.connect(db, timeout=60)) as con:
        con.execute(STATUS_TABLE)
        rows = con.execute("SELECT assignment, student, status, detail, score, max_score, late "
                           "FROM course_status").fetchall()
    return {(a, s): {"status": st, "detail": d, "score": sc, "max_score": m, "late": bool(la)}
            for a, s, st, d, sc, m, la in rows}

