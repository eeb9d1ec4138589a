"""The class list: who is in the course, in the course gradebook (gradebook.py).

``course roster import FILE.csv`` reads nbgrader's student import format (``nbgrader db
student import``): a header with ``id`` (required), ``first_name``, ``last_name``,
``email`` and ``lms_user_id`` (``lms_id`` is accepted too): the number the LMS gives the
student, which Canvas and Moodle put into their file names. The students become
nbgrader's students, and the ids are kept as the roster (table ``course_roster``).

Once a roster is imported, ``course autograde`` maps LMS file names to roster ids and
lists a submission from anyone else as ``unrecognised`` instead of adding them.
"""

from __future__ import annotations

import contextlib
import csv
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from ..course import CourseError
from .gradebook import DATABASE, locked, open_gradebook
from .submissions import STUDENT_ID

COLUMNS = ("id", "first_name", "last_name", "email", "lms_user_id")
ALIASES = {"lms_id": "lms_user_id"}
TABLE = "CREATE TABLE IF NOT EXISTS course_roster (student TEXT PRIMARY KEY)"


@dataclass
class Roster:
    """The roster: ``students`` in file order, ``lms_ids`` mapping an LMS id to a course id."""
    students: list[dict] = field(default_factory=list)
    lms_ids: dict[str, str] = field(default_factory=dict)

    @property
    def ids(self) -> list[str]:
        return [s["id"] for s in self.students]


def read_csv(path: Path) -> list[dict]:
    """The rows of a roster file, checked: an ``id`` column, usable and unique ids, unique
    LMS ids. Raises CourseError naming the line otherwise."""
    path = Path(path)
    if not path.is_file():
        raise CourseError(f"{path}: no such roster file")
    with open(path, newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        header = [ALIASES.get(h.strip(), h.strip()) for h in reader.fieldnames or []]
        if "id" not in header:
            raise CourseError(f"{path}: the first line must name the columns, with an 'id' column "
                              f"({','.join(COLUMNS)}: nbgrader's student import format)")
        unknown = [h for h in header if h not in COLUMNS]
        if unknown:
            raise CourseError(f"{path}: unknown column(s) {', '.join(unknown)}; "
                              f"the columns are {','.join(COLUMNS)}")
        reader.fieldnames = header
        rows, seen, lms_seen = [], set(), {}
        for line, row in enumerate(reader, start=2):
            student = {k: (row.get(k) or "").strip() for k in COLUMNS}
            sid, lms_id = student["id"], student["lms_user_id"]
            if not STUDENT_ID.match(sid):
                raise CourseError(f"{path}, line {line}: {sid!r} is not a usable student id "
                                  "(letters, digits, and _ . @ + - only)")
            if sid in seen:
                raise CourseError(f"{path}, line {line}: student {sid!r} is listed twice")
            if lms_id and lms_id in lms_seen:
                raise CourseError(f"{path}, line {line}: LMS id {lms_id} is also {lms_seen[lms_id]!r}")
            seen.add(sid)
            lms_seen[lms_id] = sid
            rows.append(student)
    if not rows:
        raise CourseError(f"{path}: no students in it")
    return rows


def import_csv(folder: Path, course_id: str, path: Path) -> Roster:
    """Add (or update) every student of the roster file in the course gradebook."""
    rows = read_csv(path)
    with locked(folder), open_gradebook(folder, course_id) as gb:
        for row in rows:
            details = {k: row[k] or None for k in COLUMNS if k != "id"}
            gb.update_or_create_student(row["id"], **details)
        gb.db.commit()
    with _db(folder) as con:
        con.executemany("INSERT OR IGNORE INTO course_roster VALUES (?)", [(r["id"],) for r in rows])
        con.commit()
    return load(folder, course_id)


def load(folder: Path, course_id: str) -> Roster | None:
    """The roster imported so far (None when none was)."""
    if not (Path(folder) / DATABASE).is_file():
        return None
    with _db(folder) as con:
        ids = [sid for (sid,) in con.execute("SELECT student FROM course_roster ORDER BY rowid")]
    if not ids:
        return None
    roster = Roster()
    with open_gradebook(folder, course_id) as gb:
        for sid in ids:
            s = gb.find_student(sid)
            roster.students.append({"id": sid, "first_name": s.first_name or "", "last_name": s.last_name or "",
                                    "email": s.email or "", "lms_user_id": s.lms_user_id or ""})
            if s.lms_user_id:
                roster.lms_ids[s.lms_user_id] = sid
    return roster


def restrict(found, roster: Roster | None) -> None:
    """Move the submissions of students not on ``roster`` to ``found.unrecognised``, and
    add every roster student who handed nothing in as missing."""
    if roster is None:
        return
    from .submissions import Submission
    known = set(roster.ids)
    for student in [s for s in found if s not in known]:
        sub = found.submissions.pop(student)
        del found[student]
        if sub.notebook is not None:
            found.unrecognised.append((sub.source or student, f"{student!r} is not on the roster "
                                       "(add them with course roster import, then grade again)"))
    for student in roster.ids:
        if student not in found:
            found.add(Submission(student, None, source="(on the roster)"))


@contextlib.contextmanager
def _db(folder: Path):
    with contextlib.closing(sqlite3.connect(Path(folder) / DATABASE, timeout=60)) as con:
        con.execute(TABLE)
        yield con
