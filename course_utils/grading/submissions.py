"""Finding each student's notebook in what an instructor collected.

Accepted layouts, for assignment ``NAME`` (a ``.zip`` of any of them too; a single
top-level folder inside the zip is fine), mixed freely in one folder:

- nbgrader's, after ``nbgrader collect`` or ``zip_collect``: ``submitted/<student>/NAME/NAME.ipynb``
  with ``timestamp.txt`` beside it (give the ``submitted/`` folder or the course directory
  holding it);
- a folder of student folders: ``SUBMISSIONS/<student>/NAME.ipynb``;
- a flat folder of notebooks: ``SUBMISSIONS/<student>.ipynb``;
- Canvas and Moodle downloads (lms.py's patterns: ``smithjohn_LATE_12345_678901_NAME.ipynb``,
  ``Bob Brown_123459_assignsubmission_file_NAME.ipynb``, or one Moodle folder per student).

A student folder without ``NAME.ipynb`` (or a Moodle folder without a notebook) counts as
a missing submission. A file or folder
that none of these recognises is listed in :attr:`Class.unrecognised` with the reason,
and the rest of the class is still collected.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path, PurePosixPath

from ..course import CourseError
from . import lms

STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+-]*$")
IGNORED = {"__MACOSX", ".ipynb_checkpoints"}
MAX_ZIP_BYTES = 2 * 1024 ** 3
MAX_ZIP_FILES = 20_000
TIMESTAMP = "timestamp.txt"


@dataclass
class Submission:
    """One student's hand-in, as found on disk."""
    student: str
    notebook: Path | None                 # None: nothing handed in
    timestamp: datetime | None = None     # when it was handed in (UTC, from timestamp.txt)
    late: bool = False                    # the LMS marked it late (Canvas' LATE)
    lms_id: str = ""                      # the LMS's number for the student
    source: str = ""                      # where it came from, relative to the submissions
    reupload: int = 0                     # the LMS's re-upload number (Canvas "(1)", "-1")


class Class(dict):
    """``student -> notebook path`` (None when missing), as :func:`collect` found them.

    ``submissions`` has every student's :class:`Submission`; ``unrecognised`` lists
    ``(file, reason)`` for what could not be matched to a student.
    """

    def __init__(self):
        super().__init__()
        self.submissions: dict[str, Submission] = {}
        self.unrecognised: list[tuple[str, str]] = []

    def add(self, sub: Submission) -> None:
        old = self.submissions.get(sub.student)
        if old is not None:
            newer = _newer(sub, old)
            if newer is None:
                raise CourseError(f"student {sub.student!r} handed in twice ({old.source} and "
                                  f"{sub.source}): keep one")
            if newer is old:
                return
        self.submissions[sub.student] = sub
        self[sub.student] = sub.notebook


def _newer(a: Submission, b: Submission) -> Submission | None:
    """The later of two hand-ins of one student, or None when nothing orders them."""
    if a.timestamp and b.timestamp and a.timestamp != b.timestamp:
        return a if a.timestamp > b.timestamp else b
    if a.lms_id and a.lms_id == b.lms_id and a.reupload != b.reupload:
        return a if a.reupload > b.reupload else b
    return None


def read_timestamp(folder: Path) -> datetime | None:
    """The UTC time in nbgrader's ``timestamp.txt`` in ``folder`` (None if there is none)."""
    path = Path(folder) / TIMESTAMP
    if not path.is_file():
        return None
    from nbgrader.utils import parse_utc
    text = path.read_text().strip()
    try:
        return parse_utc(text)
    except (ValueError, OverflowError):
        raise CourseError(f"{path}: {text!r} is not a time nbgrader can read") from None


def unzip(archive: Path, into: Path) -> Path:
    """Extract ``archive`` into ``into`` safely; return the folder holding the submissions."""
    try:
        zf = zipfile.ZipFile(archive)
    except zipfile.BadZipFile:
        raise CourseError(f"{archive}: not a readable zip file") from None
    with zf:
        members = [m for m in zf.infolist() if not m.is_dir()]
        if len(members) > MAX_ZIP_FILES or sum(m.file_size for m in members) > MAX_ZIP_BYTES:
            raise CourseError(f"{archive}: too large to be a class's notebooks")
        for m in members:
            parts = PurePosixPath(m.filename).parts
            if m.filename.startswith("/") or ".." in parts:
                raise CourseError(f"{archive}: refusing the unsafe path {m.filename!r}")
        zf.extractall(into)
    entries = [p for p in into.iterdir() if p.name not in IGNORED]
    return entries[0] if len(entries) == 1 and entries[0].is_dir() else into


def collect(source: Path, name: str, workdir: Path, lms_ids: dict[str, str] | None = None) -> Class:
    """Map each student id to their notebook for ``name`` (None when missing).

    ``workdir`` is scratch space for extracting a zip. ``lms_ids`` maps an LMS's number for
    a student (the roster's ``lms_id``) to the course id; without it, LMS files are named by
    Canvas' login or Moodle's full name (lms.slug).
    """
    source = Path(source)
    if source.is_file() and source.suffix == ".zip":
        target = workdir / "unzipped"
        target.mkdir(parents=True, exist_ok=True)
        source = unzip(source, target)
    if not source.is_dir():
        raise CourseError(f"{source}: expected a folder (or .zip) of submissions: "
                          f"<student>/{name}.ipynb, <student>.ipynb, nbgrader's submitted/ "
                          "or a Canvas or Moodle download")
    if (source / "submitted").is_dir() and (source / "nbgrader_config.py").is_file():
        source = source / "submitted"     # an nbgrader course directory
    found = Class()
    for entry in sorted(source.iterdir()):
        if entry.name in IGNORED or entry.name.startswith(".") or entry.name == TIMESTAMP:
            continue
        if entry.is_dir():
            _folder(found, entry, name, lms_ids)
        elif entry.suffix == ".ipynb":
            _file(found, entry, entry.name, lms_ids)
    if not found and not found.unrecognised:
        raise CourseError(f"{source} holds no submissions (<student>/{name}.ipynb, "
                          f"<student>.ipynb, nbgrader's submitted/<student>/{name}/)")
    return found


def _folder(found: Class, folder: Path, name: str, lms_ids) -> None:
    if lms.MOODLE_FOLDER.match(folder.name):
        notebooks = sorted(folder.glob("*.ipynb"))
        for nb in notebooks:
            _file(found, nb, f"{folder.name}/{nb.name}", lms_ids)
        if not notebooks:                   # handed in something, but no notebook: missing
            _file(found, folder / f"{name}.ipynb", f"{folder.name}/{name}.ipynb", lms_ids, missing=True)
        return
    if not STUDENT_ID.match(folder.name):
        found.unrecognised.append((folder.name + "/", "not a usable student id (letters, digits, "
                                   "and _ . @ + - only) nor a Moodle folder"))
        return
    nbgrader = folder / name            # nbgrader's submitted/<student>/<assignment>/
    where = nbgrader if nbgrader.is_dir() else folder
    nb = where / f"{name}.ipynb"
    found.add(Submission(folder.name, nb if nb.is_file() else None, read_timestamp(where),
                         source=str(nb.relative_to(folder.parent))))


def _file(found: Class, path: Path, relative: str, lms_ids, missing: bool = False) -> None:
    parsed = lms.parse(relative)
    if parsed is None:
        if STUDENT_ID.match(path.stem):
            found.add(Submission(path.stem, path, source=relative))
        else:
            found.unrecognised.append((relative, "neither <student>.ipynb with a usable student id "
                                       "nor a Canvas or Moodle file name"))
        return
    system, info = parsed
    student = info["student_id"]
    if lms_ids is not None:
        if info["lms_id"] not in lms_ids:
            found.unrecognised.append((relative, f"{system} id {info['lms_id']} is not on the roster"))
            return
        student = lms_ids[info["lms_id"]]
    if not STUDENT_ID.match(student):
        found.unrecognised.append((relative, f"{system} name gives no usable student id {student!r}"))
        return
    found.add(Submission(student, None if missing else path, late=info["late"], lms_id=info["lms_id"],
                         source=relative, reupload=info["reupload"]))
