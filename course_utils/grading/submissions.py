"""Finding each student's notebook in what an instructor collected.

Accepted layouts, for assignment ``NAME``:

- a folder of student folders: ``SUBMISSIONS/<student>/NAME.ipynb`` (nbgrader's layout);
- a flat folder of notebooks: ``SUBMISSIONS/<student>.ipynb`` (what an LMS exports);
- a ``.zip`` of either (a single top-level folder inside the zip is fine).

A student folder without ``NAME.ipynb`` counts as a missing submission.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path, PurePosixPath

from ..course import CourseError

STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@+-]*$")
IGNORED = {"__MACOSX", ".ipynb_checkpoints"}
MAX_ZIP_BYTES = 2 * 1024 ** 3
MAX_ZIP_FILES = 20_000


def _student_id(name: str) -> str:
    if not STUDENT_ID.match(name):
        raise CourseError(f"{name!r} is not a usable student id "
                          "(letters, digits, and _ . @ + - only; rename it)")
    return name


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


def collect(source: Path, name: str, workdir: Path) -> dict[str, Path | None]:
    """Map each student id to their notebook for ``name`` (None when missing).

    ``workdir`` is scratch space for extracting a zip.
    """
    source = Path(source)
    if source.is_file() and source.suffix == ".zip":
        target = workdir / "unzipped"
        target.mkdir(parents=True, exist_ok=True)
        source = unzip(source, target)
    if not source.is_dir():
        raise CourseError(f"{source}: expected a folder (or .zip) of submissions: "
                          f"<student>/{name}.ipynb or <student>.ipynb")
    found: dict[str, Path | None] = {}
    for entry in sorted(source.iterdir()):
        if entry.name in IGNORED or entry.name.startswith("."):
            continue
        if entry.is_dir():
            student, nb = _student_id(entry.name), entry / f"{name}.ipynb"
            nb = nb if nb.is_file() else None
        elif entry.suffix == ".ipynb":
            student, nb = _student_id(entry.stem), entry
        else:
            continue
        if student in found:
            raise CourseError(f"student {student!r} handed in twice "
                              f"({student}/ and {student}.ipynb): keep one")
        found[student] = nb
    if not found:
        raise CourseError(f"{source} holds no submissions "
                          f"(<student>/{name}.ipynb or <student>.ipynb)")
    return found
