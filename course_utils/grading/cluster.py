"""Grading on a Dask distributed cluster: ``course autograde ... --scheduler tcp://HOST:8786``.

The process that runs ``course autograde`` (the client) keeps everything that must happen
once: collecting the submissions, writing grades.csv, feedback and (later) the gradebook.
A Dask worker only grades. What it needs travels with each task, so a worker on another
machine needs the course's environment (environment.yml, plus bubblewrap for the sandbox)
but no checkout of the course and no shared file system:

- the assignment (:class:`CourseBundle`: ``nbgrader_config.py`` and the source folder of the
  assignment, with the hidden tests, a few hundred kB), unpacked once per worker thread;
- one student's notebook, as bytes;
- back comes the :class:`~.contracts.Grade`, the files grading wrote (the feedback page) and
  what the course gradebook records (the worker's scratch gradebook and the student's
  autograded notebook), which only the client writes into the course gradebook.

Each worker thread keeps one :class:`~.autograde.Grader` per assignment (its own scratch
course and gradebook), exactly as a local worker process does, and every submission is
still run in its own sandbox. A worker that dies mid-run is Dask's business: the scheduler
re-runs its tasks on the workers that remain, and the client takes each student's result
once (one task per student, keyed by the student).
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

from ..course import CONFIG, CourseError, source_path
from . import releases
from .contracts import Grade, Status
from .gradebook import DATABASE


@dataclass(frozen=True)
class CourseBundle:
    """One assignment's grading material, as bytes: what a remote worker needs of the course."""
    name: str
    files: tuple[tuple[str, bytes], ...]     # (path relative to the course root, content)

    @classmethod
    def of(cls, root: Path, name: str) -> CourseBundle:
        folder = source_path(root, name).parent
        files = [(CONFIG, (root / CONFIG).read_bytes())]
        history = root / "solutions" / releases.HISTORY      # the releases students fetched
        if history.is_file():
            files.append((str(history.relative_to(root)), history.read_bytes()))
        files += [(str(p.relative_to(root)), p.read_bytes()) for p in sorted(folder.rglob("*"))
                  if p.is_file() and ".ipynb_checkpoints" not in p.parts and "__pycache__" not in p.parts]
        return cls(name, tuple(files))

    @property
    def digest(self) -> str:
        h = hashlib.sha256(self.name.encode())
        for rel, data in self.files:
            h.update(rel.encode() + b"\0" + hashlib.sha256(data).digest())
        return h.hexdigest()[:16]

    def unpack(self, folder: Path) -> Path:
        for rel, data in self.files:
            (folder / rel).parent.mkdir(parents=True, exist_ok=True)
            (folder / rel).write_bytes(data)
        return folder


# ------------------------------------------------------------------ on a worker

GRADED = "_graded_in"            # where a worker's scratch course files travel in a result
_LOCAL = threading.local()      # this worker thread's graders: {bundle digest: Grader}


def _grader(bundle: CourseBundle, timeout, limits):
    from .autograde import Grader
    graders = _LOCAL.__dict__.setdefault("graders", {})
    key = (bundle.digest, timeout, tuple(sorted(limits.items())))
    if key not in graders:
        base = Path(tempfile.mkdtemp(prefix="course-worker-"))
        root = bundle.unpack(base / "course")
        graders[key] = Grader(root, bundle.name, base / "work", [str(base)], timeout, limits)
    return graders[key]


def grade_remote(bundle: CourseBundle, student: str, notebook: bytes | None,
                 timeout: int | None, limits: dict) -> tuple[Grade, dict[str, bytes]]:
    """Grade one submission on this worker: the grade, and the files grading wrote
    (relative to the output folder, e.g. ``feedback/alice.html``)."""
    grader = _grader(bundle, timeout, limits)
    job = Path(tempfile.mkdtemp(prefix=f"{student}-", dir=grader.work.parent))
    try:
        path = None
        if notebook is not None:
            path = job / "submission" / f"{bundle.name}.ipynb"
            path.parent.mkdir()
            path.write_bytes(notebook)
        out = job / "out"
        (out / "feedback").mkdir(parents=True)
        grade = grader.grade(student, path, out / "feedback")
        files = {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()}
        if grade.graded_in:     # what the course gradebook records (gradebook.py), sent back
            work = Path(grade.graded_in)
            kept = [work / DATABASE, *(work / "autograded" / student).rglob("*"),
                    *(work / "submitted" / student).rglob("*")]
            files |= {f"{GRADED}/{p.relative_to(work)}": p.read_bytes() for p in kept if p.is_file()}
        return grade, files
    finally:
        shutil.rmtree(job, ignore_errors=True)


# ------------------------------------------------------------------ on the client

def connect(scheduler: str, timeout: str = "20s"):
    """A Dask client for ``scheduler`` (e.g. ``tcp://10.0.0.5:8786``), or a clear error."""
    try:
        from distributed import Client
    except ImportError:
        raise CourseError("--scheduler needs Dask distributed: pip install distributed "
                          "(it is in requirements.txt)") from None
    try:
        return Client(scheduler, timeout=timeout, set_as_default=False)
    except (OSError, TimeoutError) as err:
        raise CourseError(f"cannot reach the Dask scheduler at {scheduler}: {err}. Is "
                          "`dask scheduler` running there, and is the address right?") from None


def grade_on_cluster(scheduler: str, root: Path, name: str, students: dict[str, Path | None],
                     out: Path, scratch: Path, max_score: float, timeout: int | None, limits: dict,
                     on_done=lambda grade: None) -> list[Grade]:
    """Grade ``students`` ({student: notebook path or None}) on the cluster; write what the
    workers send back under ``out`` (feedback) and ``scratch`` (what the course gradebook
    records: then ``grade.graded_in`` points there); return the grades (one per student)."""
    from distributed import as_completed

    client = connect(scheduler)
    try:
        bundle = client.scatter(CourseBundle.of(root, name), broadcast=True)
        run = uuid.uuid4().hex[:8]      # task keys are unique to this run
        futures = {client.submit(grade_remote, bundle, student,
                                 path.read_bytes() if path is not None else None, timeout, limits,
                                 key=f"grade-{name}-{student}-{run}",
                                 pure=False): student
                   for student, path in students.items()}
        grades = []
        for future in as_completed(futures, loop=client.loop):
            student = futures[future]
            try:
                grade, files = future.result()
            except Exception as err:  # noqa: BLE001 -- e.g. KilledWorker: the task killed workers
                grade, files = Grade(student, name, 0.0, max_score, Status.CRASHED,
                                     f"the grading worker failed: {type(err).__name__}: {err}"), {}
            graded_in = scratch / f"graded-{student}"
            for rel, data in files.items():
                base, rel = (graded_in, rel.removeprefix(GRADED + "/")) if rel.startswith(GRADED + "/") \
                    else (out, rel)
                target = (base / rel).resolve()
                if base.resolve() not in target.parents:
                    raise CourseError(f"a worker sent back a file outside {base}: {rel}")
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            grade.graded_in = str(graded_in) if grade.graded_in else ""
            grades.append(grade)
            on_done(grade)
        return grades
    finally:
        client.close()
