"""``course grades``: the term's final grades, one row per roster student, from the course
gradebook (gradebook.py) and the roster (roster.py).

Per assignment: the autograded points (test cells; a manual override in formgrader
counts), the manual points (written answers graded in formgrader; "not graded yet"
counts 0 and is noted), the late penalty and the total. A missing submission is 0 and
noted. The late penalty is nbgrader's: the plugin of ``AssignLatePenalties.plugin_class``
in nbgrader_config.py (nbgrader's ``LateSubmissionPlugin`` by default, with its
``penalty_method``), applied to the assignment's score and the seconds past the due date
kept in the gradebook (``nbgrader db assignment add NAME --duedate=...`` or formgrader).
A file Canvas marked ``LATE`` with no hand-in time counts as one second late.

Formats: ``csv`` (every number, and notes), ``canvas`` (a Canvas gradebook import: its
identity columns ``Student`` (last, first), ``ID`` (the roster's ``lms_user_id``),
``SIS User ID`` (the roster's ``id``), ``SIS Login ID`` (the roster's ``email``),
``Section`` (empty), then one column of total points per assignment).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from ..course import CourseError
from .gradebook import open_gradebook, statuses
from .roster import Roster

FORMATS = ("csv", "canvas")
CANVAS_IDENTITY = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")


@dataclass
class Mark:
    """One student's result in one assignment."""
    autograded: float = 0.0
    manual: float = 0.0
    late_penalty: float = 0.0
    notes: list[str] = field(default_factory=list)

    @property
    def total(self) -> float:
        return self.autograded + self.manual - self.late_penalty


def not_graded_yet(grade) -> bool:
    """A written answer nobody has graded: no manual score, and no score from nbgrader either
    (nbgrader's autograde gives an answer left as released 0, which needs no grading)."""
    return grade.manual_score is None and grade.auto_score is None


def late_plugin(config):
    """nbgrader's late-submission plugin, as nbgrader_config.py configures it."""
    from nbgrader.preprocessors import AssignLatePenalties
    assign = AssignLatePenalties(config=config)
    assign.init_plugin()
    return assign.plugin_inst


def marks(folder: Path, course_id: str, roster: Roster, config) -> tuple[list[str], dict, list[str]]:
    """``(assignments, {(student, assignment): Mark}, strangers)``: ``strangers`` are
    submissions in the gradebook from students not on the roster (not counted)."""
    from nbgrader.api import MissingEntry
    plugin = late_plugin(config)
    recorded = statuses(folder)
    table, strangers = {}, []
    with open_gradebook(folder, course_id) as gb:
        names = sorted(a.name for a in gb.assignments)
        on_roster = set(roster.ids)
        for name in names:
            for sub in gb.assignment_submissions(name):
                if sub.student.id not in on_roster:
                    strangers.append(f"{sub.student.id} ({name})")
            for student in roster.ids:
                mark = table[student, name] = Mark()
                try:
                    sub = gb.find_submission(name, student)
                except MissingEntry:
                    status = recorded.get((name, student), {}).get("status", "missing")
                    mark.notes.append(f"{name}: {status}, 0 points")
                    continue
                fill_mark(mark, name, student, sub, recorded.get((name, student), {}), plugin)
    return names, table, strangers


def fill_mark(mark: Mark, name: str, student: str, sub, status: dict, plugin) -> None:
    """Fill ``mark`` from one submission in the gradebook (its points, notes, late penalty)."""
    ungraded = 0
    for nb in sub.notebooks:
        for grade in nb.grades:
            if grade.cell.cell_type == "markdown":
                if not_graded_yet(grade):
                    ungraded += 1
                mark.manual += grade.score
            else:
                mark.autograded += grade.score
    if ungraded:
        mark.notes.append(f"{name}: {ungraded} written answer(s) not graded yet")
    if status.get("status", "graded") != "graded":
        mark.notes.append(f"{name}: {status['status']}")
    seconds = sub.total_seconds_late
    if not seconds and status.get("late") and sub.duedate is not None:
        seconds = 1.0                      # Canvas said LATE, with no time
    if seconds > 0:
        score = mark.autograded + mark.manual
        penalty = plugin.late_submission_penalty(student, score, seconds)
        mark.late_penalty = min(max(float(penalty or 0.0), 0.0), score)
        mark.notes.append(f"{name}: late by {_duration(seconds)}, penalty {mark.late_penalty:g}")


def _duration(seconds: float) -> str:
    hours = seconds / 3600
    return f"{hours / 24:.1f} days" if hours >= 48 else f"{hours:.1f} hours" if hours >= 1 else f"{seconds:.0f} s"


def write(path: Path, roster: Roster, names: list[str], table: dict, fmt: str = "csv") -> None:
    """Write the final grades (see the module's docstring for the formats)."""
    if fmt not in FORMATS:
        raise CourseError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="") as f:
        out = csv.writer(f)
        if fmt == "canvas":
            out.writerow([*CANVAS_IDENTITY, *names])
            for s in roster.students:
                out.writerow([f"{s['last_name']}, {s['first_name']}", s["lms_user_id"], s["id"], s["email"], "",
                              *(f"{table[s['id'], n].total:g}" for n in names)])
            return
        header = ["student", "first_name", "last_name", "email", "lms_user_id"]
        for n in names:
            header += [f"{n} autograded", f"{n} manual", f"{n} late penalty", f"{n} total"]
        out.writerow(header + ["total", "notes"])
        for s in roster.students:
            row = [s["id"], s["first_name"], s["last_name"], s["email"], s["lms_user_id"]]
            marks_ = [table[s["id"], n] for n in names]
            for m in marks_:
                row += [f"{m.autograded:g}", f"{m.manual:g}", f"{m.late_penalty:g}", f"{m.total:g}"]
            notes = [note for m in marks_ for note in m.notes]
            out.writerow(row + [f"{sum(m.total for m in marks_):g}", "; ".join(notes)])
